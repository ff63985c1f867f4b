//! Evidence primitives: facts about a file or the repository that rubric detectors build
//! on, computed the same way for every test.
//!
//! - [`criterion`]: a pass/fail criterion in code — a metric compared with a threshold
//!   that raises, exits or fails; an assertion that compares; a pipeline condition step
//!   (SageMaker `ConditionStep`, TFX `MetricThreshold`); `pytest.fail`.
//! - [`real_tests`]: test functions that assert something. A test whose body has no
//!   `assert` / `raise` / `pytest.raises` / `self.assert…` / `assert_…` / expectation call,
//!   or only a placeholder (`assert True`, `assert False`, `print(…) is None`), is not
//!   evidence.
//! - [`seed`] and [`locked`]: seed control, and dependencies pinned by a lock file or by
//!   `==` on every requirement.

use std::sync::LazyLock;

use regex::Regex;

static CRITERION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?m)^[ \t]*if\b[^\n]*(<|>)[^\n]*:[ \t]*\n(?:[^\n]*\n){0,4}?[ \t]*(raise\b|sys\.exit\([^0)]|exit\([^0)]|os\._exit|pytest\.fail|fail\()",
        r"|(?m)^[ \t]*if\b[^\n]*(<|>)[^\n]*:[ \t]*(raise\b|sys\.exit\(|exit\()",
        r"|(?m)^[ \t]*assert\b[^\n]*(<|>)",
        r"|\bCondition(LessThan|GreaterThan)(OrEqualTo)?\s*\(|\bConditionStep\s*\(",
        r"|\bMetricThreshold\s*\(|\bGenericValueThreshold\b|\bvalue_threshold\s*=",
        r"|\bpytest\.fail\s*\(|\bassert_(allclose|array_equal|frame_equal|series_equal|almost_equal)\s*\(",
        r"|(?m)^[ \t]*if\b[^\n]*-(lt|gt|le|ge)\b[^\n]*\n(?:[^\n]*\n){0,3}?[ \t]*exit[ \t]+[1-9]"
    ))
    .expect("valid")
});

static GUARDED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*if\b[^\n]*:[ \t]*\n(?:[^\n]*\n){0,4}?[ \t]*(raise\b|sys\.exit\([^0)]|exit\([^0)])")
        .expect("valid")
});
static THRESHOLD_COMPARED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?im)^[^#\n]*((threshold|benchmark|baseline|tolerance|limit|_min\b|_max\b|\bmin_|\bmax_)\w*[^\n]*[<>]|[<>]=?[^\n]*(threshold|benchmark|baseline|tolerance|limit|_min\b|_max\b|\bmin_|\bmax_))").expect("valid")
});

/// The line of the first pass/fail criterion in `code`: a comparison that fails on the
/// spot, or a guarded raise / exit in a file that compares a metric with a threshold.
pub fn criterion(code: &str) -> Option<(usize, String)> {
    let m = CRITERION.find(code).or_else(|| THRESHOLD_COMPARED.is_match(code).then(|| GUARDED.find(code)).flatten())?;
    let line = code[..m.start()].matches('\n').count() + 1;
    let first = m.as_str().trim_start_matches(['\n', ' ', '\t']).lines().next().unwrap_or("").trim();
    let shift = m.as_str().len() - m.as_str().trim_start_matches(['\n', ' ', '\t']).len();
    let extra = m.as_str()[..shift].matches('\n').count();
    Some((line + extra, crate::text::clip(first, 60)))
}

static TEST_DEF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^([ \t]*)(async\s+)?def\s+test\w*\s*\(").expect("valid"));
static ASSERTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bassert\b|\braise\b|pytest\.raises|self\.assert\w*\(|\bassert_\w+\(|\.assert\w*\(|\bexpect\w*\(|\bcheck\w*\(|pytest\.fail").expect("valid")
});
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*assert\s+(True|False|1|0|not\s+True|print\(.*\)\s+is\s+None|None\s+is\s+None)\s*(,.*)?$")
        .expect("valid")
});

/// How many test functions in a Python test file assert something real. Files in other
/// languages count 1 when they hold an assertion or expectation at all.
pub fn real_tests(rel: &str, code: &str) -> usize {
    if !rel.ends_with(".py") {
        return usize::from(ASSERTS.is_match(code) || code.contains("t.Error") || code.contains("t.Fatal"));
    }
    let lines: Vec<&str> = code.lines().collect();
    let mut n = 0;
    for m in TEST_DEF.captures_iter(code) {
        let indent = m[1].len();
        let start = code[..m.get(0).map_or(0, |g| g.start())].matches('\n').count();
        let mut body = String::new();
        for l in lines.iter().skip(start + 1) {
            let t = l.trim();
            if t.is_empty() {
                continue;
            }
            let ind = l.len() - l.trim_start().len();
            if ind <= indent && !t.starts_with(')') {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        let stripped = PLACEHOLDER.replace_all(&body, "");
        if ASSERTS.is_match(&stripped) {
            n += 1;
        }
    }
    n
}

static SEED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"\brandom_state\s*[=:]\s*\d|\b(random_)?seed\s*[=:]\s*\d|['"](random_)?seed['"]\s*:\s*\d|\.seed\s*\(\s*\d|manual_seed\s*\(|\bset_seed\s*\("#,
        r#"|seed_everything\s*\(|\bset_random_seed\s*\(|"(random_)?seed"\s*:\s*\d"#
    ))
    .expect("valid")
});

/// The first seed setting in `code`.
pub fn seed(code: &str) -> Option<(usize, String)> {
    let m = SEED.find(code)?;
    Some((code[..m.start()].matches('\n').count() + 1, crate::text::clip(m.as_str(), 40)))
}

/// Lock files that pin a whole environment.
pub const LOCK_FILES: &[&str] = &[
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "conda-lock.yml",
    "requirements.lock",
    "pixi.lock",
    "renv.lock",
    "Manifest.toml",
];

/// Whether a requirements file pins most requirements with `==` (at least three, and at
/// least half of them).
pub fn requirements_pinned(text: &str) -> bool {
    let reqs: Vec<&str> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty() && !l.starts_with('-'))
        .collect();
    let pinned = reqs.iter().filter(|r| r.contains("==") || r.contains(" @ ") || r.starts_with("git+")).count();
    pinned >= 3 && pinned * 2 >= reqs.len()
}

/// Whether at least three packages, and a third of them, are pinned: environments pin the
/// packages that matter and leave the rest to the solver.
fn mostly(pinned: usize, all: usize) -> bool {
    pinned >= 3 && pinned * 3 >= all
}

/// Whether a conda environment file pins its main packages (`name=1.2` or `name==1.2`).
pub fn conda_pinned(text: &str) -> bool {
    let deps: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("- "))
        .map(str::trim)
        .filter(|d| !d.ends_with(':') && !d.is_empty() && *d != "pip")
        .collect();
    static PIN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[\w.-]+\s*==?\s*\d").expect("valid"));
    let pinned = deps.iter().filter(|d| PIN.is_match(d)).count();
    mostly(pinned, deps.len())
}

/// A file that pins the environment: a lock file, or a requirements file pinned throughout.
pub fn locked<'a>(files: impl Iterator<Item = &'a str>, read: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut reqs = Vec::new();
    let mut conda = Vec::new();
    for f in files {
        let name = f.rsplit('/').next().unwrap_or(f);
        if LOCK_FILES.contains(&name) {
            return Some(f.to_string());
        }
        if name.starts_with("requirements") && name.ends_with(".txt") {
            reqs.push(f.to_string());
        }
        if (name.starts_with("environment") || name.starts_with("conda"))
            && (name.ends_with(".yml") || name.ends_with(".yaml"))
        {
            conda.push(f.to_string());
        }
    }
    reqs.into_iter()
        .take(50)
        .find(|f| read(f).is_some_and(|t| requirements_pinned(&t)))
        .or_else(|| conda.into_iter().take(50).find(|f| read(f).is_some_and(|t| conda_pinned(&t))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_stop_something() {
        assert!(criterion("if rmse > threshold:\n    raise ValueError('worse')\n").is_some());
        assert!(criterion("if score < 0.8:\n    logger.error('low')\n    sys.exit(1)\n").is_some());
        assert!(criterion("step = ConditionStep(name='check', conditions=[c])").is_some());
        assert!(criterion("if [ $RESULT -lt 1 ]; then\n  echo bad\n  exit 1\nfi\n").is_some());
        assert!(criterion("if rmse > threshold:\n    print('worse')\n").is_none(), "logging is not failing");
        assert!(criterion("metrics = {'rmse': rmse}\nmlflow.log_metrics(metrics)\n").is_none());
        assert_eq!(criterion("x = 1\nassert acc >= 0.9\n").unwrap().0, 2);
        let split = "accepted = threshold_min <= rmse <= threshold_max\nif not accepted:\n    raise NotAccepted()\n";
        assert_eq!(criterion(split).unwrap().0, 2);
        assert!(criterion("if not ok:\n    raise ValueError()\n").is_none(), "no threshold compared");
    }

    #[test]
    fn tests_must_assert_something_real() {
        let real = "def test_score():\n    assert predict([1]) == [2]\n\ndef test_raises():\n    with pytest.raises(ValueError):\n        f()\n";
        assert_eq!(real_tests("tests/test_a.py", real), 2);
        let vacuous = "def test_placeholder():\n    assert True\n\ndef test_hello():\n    assert print('Hello') is None\n\ndef test_nothing():\n    model = load()\n";
        assert_eq!(real_tests("tests/test_b.py", vacuous), 0);
        let class = "class T(unittest.TestCase):\n    def test_x(self):\n        self.assertEqual(f(1), 2)\n";
        assert_eq!(real_tests("tests/test_c.py", class), 1);
    }

    #[test]
    fn seeds_and_pins() {
        assert!(seed("train_test_split(x, y, random_state=42)").is_some());
        assert!(seed("torch.manual_seed(0)").is_some());
        assert!(seed("split(x, y)").is_none());
        assert!(requirements_pinned("numpy==1.26.4\npandas==2.2.0\nscikit-learn==1.4.0 # ok\n"));
        assert!(!requirements_pinned("numpy\npandas==2.2.0\nscikit-learn>=1.4\n"));
        assert!(conda_pinned(
            "dependencies:\n  - python=3.9\n  - pip\n  - pip:\n    - numpy==1.23.5\n    - scikit-learn==1.3.2\n    - pandas\n"
        ));
        assert!(!conda_pinned("dependencies:\n  - python\n  - numpy\n  - pandas\n"));
        let files = ["a/poetry.lock", "requirements.txt"];
        assert_eq!(locked(files.iter().copied(), |_| None).as_deref(), Some("a/poetry.lock"));
    }
}
