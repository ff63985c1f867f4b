//! Declared dependencies, from the manifests a repository keeps: `requirements*.txt`,
//! `pyproject.toml`, `Pipfile`, `environment.yml`, `setup.cfg`, `Cargo.toml`, `package.json`.
//!
//! A dependency is a lead, never evidence: `pandera` in requirements.txt does not show that a
//! schema is checked. The scorer uses leads only to explain a missing point ("pandera is
//! declared but nothing shows it is used for this test").

use std::collections::BTreeMap;

/// Whether a file (by its name) is a dependency manifest.
pub fn is_manifest(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let req_file = name.ends_with(".txt") || name.ends_with(".in");
    (req_file
        && (name.starts_with("requirements") || lower.starts_with("requirements/") || lower.contains("/requirements/")))
        || matches!(
            name,
            "pyproject.toml"
                | "pipfile"
                | "environment.yml"
                | "environment.yaml"
                | "conda.yml"
                | "conda.yaml"
                | "setup.cfg"
                | "cargo.toml"
                | "package.json"
        )
}

/// A package name as PyPI compares them: lower case, runs of `-`, `_` and `.` as one `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            dash = true;
        } else {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The distribution name at the start of a requirement (`pandas>=2; python_version>"3.8"`,
/// `ray[tune]==2.9`, `great_expectations @ git+https://…`).
pub fn requirement_name(req: &str) -> Option<String> {
    let req = req.trim();
    let end = req.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))).unwrap_or(req.len());
    let name = &req[..end];
    (!name.is_empty() && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())).then(|| normalize(name))
}

fn from_requirements(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split(" #").next().unwrap_or("").trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('-'))
        .filter_map(requirement_name)
        .collect()
}

fn toml_keys(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|t| t.as_table()).map(|t| t.keys().map(|k| normalize(k)).collect()).unwrap_or_default()
}

fn toml_reqs(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|a| a.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str()).filter_map(requirement_name).collect())
        .unwrap_or_default()
}

fn from_pyproject(text: &str) -> Vec<String> {
    let Ok(doc) = toml::from_str::<toml::Table>(text) else { return vec![] };
    let mut out = toml_reqs(doc.get("project").and_then(|p| p.get("dependencies")));
    for group in [doc.get("project").and_then(|p| p.get("optional-dependencies")), doc.get("dependency-groups")] {
        if let Some(t) = group.and_then(|g| g.as_table()) {
            for v in t.values() {
                out.extend(toml_reqs(Some(v)));
            }
        }
    }
    if let Some(poetry) = doc.get("tool").and_then(|t| t.get("poetry")) {
        out.extend(toml_keys(poetry.get("dependencies")));
        out.extend(toml_keys(poetry.get("dev-dependencies")));
        if let Some(groups) = poetry.get("group").and_then(|g| g.as_table()) {
            for g in groups.values() {
                out.extend(toml_keys(g.get("dependencies")));
            }
        }
    }
    out
}

fn from_conda(text: &str) -> Vec<String> {
    let Ok(docs) = super::yaml::load(text) else { return vec![] };
    let mut out = Vec::new();
    for item in docs.first().and_then(|d| d["dependencies"].as_vec()).into_iter().flatten() {
        if let Some(s) = item.as_str() {
            // conda specs: `pandas=2.1`, `conda-forge::pandera>=0.18`
            out.extend(requirement_name(s.rsplit("::").next().unwrap_or(s)));
        } else if let Some(pip) = item["pip"].as_vec() {
            out.extend(pip.iter().filter_map(|p| p.as_str()).filter_map(requirement_name));
        }
    }
    out
}

fn from_setup_cfg(text: &str) -> Vec<String> {
    // `install_requires =` followed by indented requirement lines.
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let indented = line.starts_with(' ') || line.starts_with('\t');
        if inside && indented {
            out.extend(requirement_name(line));
            continue;
        }
        inside = false;
        if let Some((k, v)) = line.split_once('=')
            && matches!(k.trim(), "install_requires" | "tests_require")
        {
            inside = true;
            out.extend(v.split(';').next().and_then(requirement_name));
        }
    }
    out
}

fn from_cargo(text: &str) -> Vec<String> {
    let Ok(doc) = toml::from_str::<toml::Table>(text) else { return vec![] };
    ["dependencies", "dev-dependencies", "build-dependencies"].iter().flat_map(|k| toml_keys(doc.get(*k))).collect()
}

fn from_package_json(text: &str) -> Vec<String> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else { return vec![] };
    ["dependencies", "devDependencies", "optionalDependencies"]
        .iter()
        .flat_map(|k| v[*k].as_object().into_iter().flat_map(|o| o.keys().map(|k| normalize(k))))
        .collect()
}

fn from_pipfile(text: &str) -> Vec<String> {
    let Ok(doc) = toml::from_str::<toml::Table>(text) else { return vec![] };
    ["packages", "dev-packages"].iter().flat_map(|k| toml_keys(doc.get(*k))).collect()
}

/// The normalised package names a manifest declares (empty when it does not parse).
pub fn parse(rel: &str, text: &str) -> Vec<String> {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    let mut out = match name.as_str() {
        "pyproject.toml" => from_pyproject(text),
        "pipfile" => from_pipfile(text),
        "environment.yml" | "environment.yaml" | "conda.yml" | "conda.yaml" => from_conda(text),
        "setup.cfg" => from_setup_cfg(text),
        "cargo.toml" => from_cargo(text),
        "package.json" => from_package_json(text),
        _ => from_requirements(text),
    };
    out.sort();
    out.dedup();
    out
}

/// Package → manifests declaring it.
pub type Declared = BTreeMap<String, Vec<String>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_like_pypi() {
        assert_eq!(normalize("Great_Expectations"), "great-expectations");
        assert_eq!(normalize("ruamel.yaml"), "ruamel-yaml");
        assert_eq!(requirement_name("ray[tune]==2.9 ; python_version > '3.8'").as_deref(), Some("ray"));
        assert_eq!(requirement_name("great_expectations @ git+https://x").as_deref(), Some("great-expectations"));
        assert_eq!(requirement_name("-r base.txt"), None);
    }

    #[test]
    fn every_manifest_kind_parses() {
        let req = "# data checks\npandera>=0.18  # schemas\n-r base.txt\n--index-url https://x\nscikit_learn==1.5\n\n";
        assert_eq!(parse("requirements-dev.txt", req), vec!["pandera", "scikit-learn"]);
        let py = r#"
[project]
dependencies = ["evidently>=0.4", "pandas"]
[project.optional-dependencies]
track = ["mlflow"]
[tool.poetry.dependencies]
python = "^3.11"
Optuna = "^3"
[tool.poetry.group.dev.dependencies]
pytest = "*"
"#;
        assert_eq!(parse("pyproject.toml", py), vec!["evidently", "mlflow", "optuna", "pandas", "pytest", "python"]);
        let conda = "name: x\ndependencies:\n  - python=3.11\n  - conda-forge::dvc>=3\n  - pip:\n    - whylogs==1.3\n";
        assert_eq!(parse("environment.yml", conda), vec!["dvc", "python", "whylogs"]);
        let cfg = "[options]\ninstall_requires =\n    feast>=0.30\n    numpy\npython_requires = >=3.9\n";
        assert_eq!(parse("setup.cfg", cfg), vec!["feast", "numpy"]);
        assert_eq!(
            parse("package.json", r#"{"dependencies": {"@tensorflow/tfjs": "4"}, "devDependencies": {"jest": "29"}}"#),
            vec!["@tensorflow/tfjs", "jest"]
        );
        assert_eq!(
            parse("Cargo.toml", "[dependencies]\npolars = \"0.55\"\n[dev-dependencies]\ninsta = \"1\"\n"),
            vec!["insta", "polars"]
        );
        assert_eq!(parse("Pipfile", "[packages]\nwandb = \"*\"\n"), vec!["wandb"]);
        assert!(parse("pyproject.toml", "not = [toml").is_empty(), "malformed manifests are skipped");
        assert!(is_manifest("svc/requirements/prod.txt") && is_manifest("requirements.in") && is_manifest("a/Pipfile"));
        assert!(!is_manifest("docs/notes.txt") && !is_manifest("data/train.csv"));
    }
}
