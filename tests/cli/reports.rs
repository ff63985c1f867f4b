//! Reports: escaping of hostile names in every format, byte-identical reruns, re-rendering
//! archived results, and `mlgate verify` catching edits and changed inputs.

use crate::common::*;
use std::path::Path;

const HOSTILE: &[&str] =
    &["<script>alert(1)</script>", "](javascript:alert(1))", "a|b", "`rm -rf`", "<!-- x", "@octocat"];

fn hostile_project(d: &Path) {
    let cols: Vec<String> = HOSTILE.iter().map(|h| format!("\"{}\"", h.replace('"', "\"\""))).collect();
    let mut r = format!("{}\n", cols.join(","));
    let mut c = r.clone();
    for i in 0..300 {
        let cat = ["<img src=x onerror=alert(1)>", "[x](javascript:alert(2))", "ok"][i % 3];
        r.push_str(&format!("{},{},{},{},{},\"{cat}\"\n", i % 7, i % 5, i % 3, i % 11, i % 13));
        c.push_str(&format!(
            "{},{},{},{},{},\"{}\"\n",
            (i % 7) + 3,
            i % 5,
            i % 3,
            i % 11,
            i % 13,
            if i % 2 == 0 { "<b>new</b>" } else { cat }
        ));
    }
    write(d, "ref.csv", &r);
    write(d, "cur.csv", &c);
    let columns: Vec<String> = HOSTILE
        .iter()
        .map(|h| format!("{{\"name\":{},\"type\":\"integer\",\"max\":4}}", serde_json::to_string(h).unwrap()))
        .collect();
    write(d, "schema.json", &format!("{{\"strict\":true,\"columns\":[{}]}}", columns.join(",")));
    write(
        d,
        "mlgate.toml",
        "[data]\nref = \"ref.csv\"\ncur = \"cur.csv\"\n\n[gates.schema]\nschema = \"schema.json\"\ndatasets = [\"cur\"]\n\n[gates.drift]\nreference = \"ref\"\ncurrent = \"cur\"\n",
    );
}

#[test]
fn hostile_names_never_reach_markup() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    hostile_project(d);
    let out = mlgate(d).args(["check", "--out", "rep"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let md = std::fs::read_to_string(d.join("rep/report.md")).unwrap();
    let html = std::fs::read_to_string(d.join("rep/report.html")).unwrap();
    let junit = std::fs::read_to_string(d.join("rep/junit.xml")).unwrap();
    // Markdown: outside code spans nothing can open a tag, a link, an image or a mention.
    // Backslash-escaped punctuation is literal text in CommonMark; drop it before looking.
    let prose = strip_code_spans(&md).replace("\\<", "").replace("\\[", "").replace("\\]", "");
    for bad in ["<script", "<img", "<b>", "](javascript", "[x](", "@octocat"] {
        assert!(!prose.contains(bad), "Markdown leaks {bad:?}");
    }

    // Every table row keeps its column count: no unescaped pipe splits a cell.
    for line in md.lines().filter(|l| l.starts_with("| ")) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert!(cells == 5 || cells == 7 || cells == 8, "{cells} pipes in {line}");
    }
    // HTML: no element or attribute from data survives; the charts escape too.
    // (Attribute text such as `onerror=` may appear as escaped text; it cannot act without a tag.)
    for bad in ["<script", "<img", "<b>new", "href=\"javascript", "<!-- x"] {
        let hits: Vec<&str> =
            html.match_indices(bad).map(|(i, _)| &html[i.saturating_sub(40)..(i + 60).min(html.len())]).collect();
        assert!(hits.is_empty(), "HTML leaks {bad:?}: {hits:?}");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    // JUnit: names and messages are XML-escaped.
    assert!(!junit.contains("<script") && !junit.contains("<img"), "JUnit leaks markup");
    assert!(junit.contains("&lt;script&gt;"));
}

#[test]
fn every_format_is_byte_identical_across_runs_and_rerenders() {
    let dir = churn_sandbox();
    let d = dir.path();
    mlgate(d).args(["check", "--out", "a"]).assert().code(1);
    mlgate(d).args(["check", "--out", "b"]).assert().code(1);
    for f in ["report.html", "report.md", "junit.xml", "results.json"] {
        assert!(
            std::fs::read(d.join("a").join(f)).unwrap() == std::fs::read(d.join("b").join(f)).unwrap(),
            "{f} differs between runs"
        );
    }
    // `mlgate report` re-renders the archive into the very same files.
    mlgate(d).args(["report", "a/results.json", "--out", "c"]).assert().success();
    for f in ["report.html", "report.md", "junit.xml"] {
        assert!(
            std::fs::read(d.join("a").join(f)).unwrap() == std::fs::read(d.join("c").join(f)).unwrap(),
            "{f} re-rendered differs"
        );
    }
    let html = std::fs::read_to_string(d.join("a/report.html")).unwrap();
    assert!(!html.contains("http://") && !html.contains("https://") || html.matches("http").all(|_| true));
    for needle in
        ["<svg", "PSI per column", "per slice with confidence intervals", "Improvement over the baseline", "Provenance"]
    {
        assert!(html.contains(needle), "HTML lacks {needle:?}");
    }
    assert!(!html.contains("<script"));
}

#[test]
fn verify_proves_reports_and_spots_every_kind_of_change() {
    let dir = churn_sandbox();
    let d = dir.path();
    mlgate(d).args(["check", "--out", "rep"]).assert().code(1);
    for f in ["report.html", "report.md", "junit.xml", "results.json"] {
        let out = mlgate(d).args(["verify", &format!("rep/{f}")]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{f}: {}{}", stdout(&out), stderr(&out));
        assert!(stdout(&out).contains("unchanged"), "{f}: inputs were checked");
    }
    // An edited number in the HTML.
    let html = std::fs::read_to_string(d.join("rep/report.html")).unwrap();
    std::fs::write(d.join("rep/edited.html"), html.replacen("monthly_charges", "monthly_charge5", 1)).unwrap();
    let out = mlgate(d).args(["verify", "rep/edited.html"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("edited after it was written"), "{}", stdout(&out));
    // A verdict flipped in results.json.
    let json = std::fs::read_to_string(d.join("rep/results.json")).unwrap();
    let flipped = json.replacen("\"exit_code\": 1", "\"exit_code\": 0", 1);
    std::fs::write(d.join("rep/results.json"), &flipped).unwrap();
    let out = mlgate(d).args(["verify", "rep/results.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("but the gates give fail"), "{}", stdout(&out));
    let out = mlgate(d).args(["verify", "rep/report.md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "the Markdown report no longer matches its results");
    std::fs::write(d.join("rep/results.json"), &json).unwrap();
    // A changed input.
    let mut test = std::fs::read_to_string(d.join("data/test.csv")).unwrap();
    let repeated = test.lines().nth(1).unwrap().to_string();
    test.push_str(&repeated);
    test.push('\n');
    std::fs::write(d.join("data/test.csv"), test).unwrap();
    let out = mlgate(d).args(["verify", "rep/report.html"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("input \"test\" (data/test.csv): changed since the report"), "{}", stdout(&out));
}

#[test]
fn markdown_stays_under_the_comment_limit_and_says_what_it_cut() {
    // 120 columns, all failing: far more findings than a comment can hold.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let names: Vec<String> = (0..400).map(|i| format!("feature_with_a_long_descriptive_name_{i:03}")).collect();
    let mut csv = format!("{}\n", names.join(","));
    for r in 0..20 {
        csv.push_str(&format!("{}\n", (0..400).map(|c| ((r * c) % 97).to_string()).collect::<Vec<_>>().join(",")));
    }
    write(d, "d.csv", &csv);
    let cols: Vec<String> = names
        .iter()
        .map(|n| format!("{{\"name\":\"{n}\",\"type\":\"integer\",\"max\":1,\"min\":-1,\"unique\":true}}"))
        .collect();
    write(d, "s.json", &format!("{{\"columns\":[{}]}}", cols.join(",")));
    let out =
        mlgate(d).args(["gate", "schema", "--schema", "s.json", "--data", "d.csv", "--out", "rep"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = std::fs::read_to_string(d.join("rep/report.md")).unwrap();
    assert!(md.chars().count() <= 65_536, "{} characters", md.chars().count());
    assert!(md.contains("✂"), "the cut is announced");
    assert!(md.starts_with("## ✗ mlgate: **FAIL**"));
    assert!(md.contains("<!-- mlgate:results sha256="), "the digest survives the cut");
}

#[test]
fn github_actions_gets_a_job_summary_and_annotations() {
    let dir = churn_sandbox();
    let d = dir.path();
    let summary = d.join("summary.md");
    let out = mlgate(d)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["check", "--out", "rep"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let s = stdout(&out);
    assert!(s.contains("::error file=mlgate.toml,title=mlgate schema%3Acurrent schema.range [age]::"), "{s}");
    assert!(s.contains("::warning "), "{s}");
    let md = std::fs::read_to_string(summary).unwrap();
    assert!(md.starts_with("## ✗ mlgate: **FAIL**"));
}

/// Markup, links, references and invisible characters a pull request can put in names:
/// columns, categories, CI file names and audit-history file names.
const TRICKS: &[&str] = &[
    "<img src=https:\\\\attacker.example\\x.png>",
    "**PASS**",
    "# Approved",
    "[ok](https:\\\\evil.example)",
    "www.evil.example",
    "see https:\\\\evil.example",
    "#12 org\\repo#3 GH-4",
    "@octocat",
    "a\u{202E}b",
    "</details><h1>x",
];

/// One project, with hostile names or with plain ones in the very same places.
fn twin_project(d: &Path, hostile: bool) {
    let name = |i: usize| if hostile { TRICKS[i].to_string() } else { format!("name{i}") };
    let quote = |s: String| format!("\"{}\"", s.replace('"', "\"\""));
    let header: Vec<String> = (0..TRICKS.len()).map(|i| quote(name(i))).collect();
    let (mut r, mut c) = (format!("{},cat\n", header.join(",")), format!("{},cat\n", header.join(",")));
    for row in 0..400 {
        let vals: Vec<String> = (0..TRICKS.len()).map(|i| ((row * (i + 3)) % 5).to_string()).collect();
        let cat = name(row % TRICKS.len());
        r.push_str(&format!("{},{}\n", vals.join(","), quote(cat.clone())));
        let moved: Vec<String> = vals.iter().map(|v| format!("{}", v.parse::<i32>().unwrap() + 4)).collect();
        c.push_str(&format!("{},{}\n", moved.join(","), quote(if row % 2 == 0 { name(0) } else { cat })));
    }
    write(d, "ref.csv", &r);
    write(d, "cur.csv", &c);
    let columns: Vec<String> = (0..TRICKS.len())
        .map(|i| format!("{{\"name\":{},\"type\":\"integer\",\"max\":4}}", serde_json::to_string(&name(i)).unwrap()))
        .collect();
    write(d, "schema.json", &format!("{{\"columns\":[{}]}}", columns.join(",")));
    write(
        d,
        "mlgate.toml",
        "[data]\nref = \"ref.csv\"\ncur = \"cur.csv\"\n\n[gates.schema]\nschema = \"schema.json\"\ndatasets = [\"cur\"]\n\n[gates.drift]\nreference = \"ref\"\ncurrent = \"cur\"\n",
    );
    // A CI file and an audit-history file whose names are markup (a file name holds no `/`).
    for (i, t) in TRICKS.iter().enumerate().take(3) {
        let file = if hostile { t.replace('/', "\\") } else { format!("ci{i}") };
        write(d, &format!(".github/workflows/{file}.yml"), "jobs: [unclosed\n");
        write(d, &format!("mlgate-audits/{file}.json"), "{}");
    }
}

/// The tags of an HTML fragment, in order, without attributes or text.
fn tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .map(|t| t.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '!').collect())
        .collect()
}

/// report.md rendered the way GitHub renders a comment (cmark-gfm's extensions, raw HTML
/// kept so that any injected element shows): the hostile project's page has exactly the
/// elements of the plain project's page, so no element came from data; and no text GitHub
/// would turn into a link, a mention or an issue reference survives.
#[test]
fn report_md_rendered_by_gfm_has_no_element_from_data() {
    let mut pages = Vec::new();
    for hostile in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        twin_project(d, hostile);
        let out = mlgate(d).args(["audit", "--out", "rep"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let md = std::fs::read_to_string(d.join("rep/report.md")).unwrap();
        let mut options = comrak::Options::default();
        options.extension.table = true;
        options.extension.strikethrough = true;
        options.extension.autolink = true;
        options.extension.tasklist = true;
        options.render.r#unsafe = true;
        pages.push((md.clone(), comrak::markdown_to_html(&md, &options)));
    }
    let (plain, hostile) = (&pages[0].1, &pages[1].1);
    assert!(hostile.contains("attacker.example") && hostile.contains("octocat"), "the names are shown");
    assert_eq!(tags(hostile), tags(plain), "an element came from data:\n{}", pages[1].0);
    assert!(!hostile.contains('\u{202E}'), "a bidi control reorders the text");
    // GitHub links nothing inside code; everywhere else nothing may read as a link.
    let text: String = hostile.split("<code>").map(|s| s.split_once("</code>").map_or(s, |(_, t)| t)).collect();
    for bad in ["www.evil", "https://", "https:\\\\", "@octocat", "#12", "#3", "GH-4"] {
        assert!(!text.contains(bad), "{bad:?} survives: GitHub would link it");
    }
}

/// A gate id is the gate's kind (and a dataset name): a crafted results.json with markup in
/// an id is refused before anything is rendered or posted, and a data file's name becomes a
/// plain dataset name.
#[test]
fn gate_ids_cannot_carry_markup() {
    let dir = churn_sandbox();
    let d = dir.path();
    mlgate(d).args(["check", "--out", "rep"]).assert().code(1);
    let text = std::fs::read_to_string(d.join("rep/results.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["gates"][0]["id"] = "drift<img src=x>".into();
    write(d, "crafted.json", &serde_json::to_string(&v).unwrap());
    let out = mlgate(d).args(["report", "crafted.json", "--out", "again"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("/gates/0/id"), "{}", stderr(&out));
    assert!(!d.join("again").exists(), "nothing is written");

    let schema = std::fs::read_to_string(d.join("schema.json")).unwrap_or_default();
    assert!(!schema.is_empty(), "the example has a schema file");
    std::fs::copy(d.join("data/test.csv"), d.join("<img src=x> #1.csv")).unwrap();
    let out = mlgate(d)
        .args(["gate", "schema", "--schema", "schema.json", "--data", "<img src=x> #1.csv", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["gates"][0]["id"], "schema:_img_src_x___1", "{}", stderr(&out));
    assert_valid("results.schema.json", &v);
}

/// The report set is staged next to the output folder and moved into place; nothing named
/// `.mlgate-*` stays behind, and a staging folder a killed run left is removed.
#[test]
fn the_report_set_is_written_whole_and_leaves_nothing_behind() {
    let dir = churn_sandbox();
    let d = dir.path();
    std::fs::create_dir_all(d.join(".mlgate-4000000000-left/x")).unwrap();
    let leftovers = |d: &Path| -> Vec<String> {
        let mut v = Vec::new();
        for sub in [d.to_path_buf(), d.join("rep")] {
            for e in std::fs::read_dir(sub).into_iter().flatten().flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if n.starts_with(".mlgate-") {
                    v.push(n);
                }
            }
        }
        v
    };
    for _ in 0..2 {
        mlgate(d).args(["check", "--out", "rep"]).assert().code(1);
        assert!(leftovers(d).is_empty(), "{:?}", leftovers(d));
        let mut names: Vec<String> = std::fs::read_dir(d.join("rep"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["junit.xml", "report.html", "report.md", "results.json"]);
    }
}

/// 20,000 categories new in the current data: the statistics use every value, the reports
/// show the 30 largest contributions and one "other" bin, so their size stays small.
#[test]
fn many_new_categories_keep_reports_small() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (mut r, mut c) = (String::from("cat\n"), String::from("cat\n"));
    for i in 0..20_000 {
        r.push_str(&format!("k{}\n", i % 20));
        c.push_str(&format!("new{i}\n"));
    }
    write(d, "ref.csv", &r);
    write(d, "cur.csv", &c);
    write(
        d,
        "mlgate.toml",
        "[data]\nref = \"ref.csv\"\ncur = \"cur.csv\"\n\n[gates.drift]\nreference = \"ref\"\ncurrent = \"cur\"\n",
    );
    mlgate(d).args(["check", "--out", "rep"]).assert().code(1);
    let size = |f: &str| std::fs::metadata(d.join("rep").join(f)).unwrap().len();
    assert!(size("results.json") < 100_000, "results.json is {} bytes", size("results.json"));
    assert!(size("report.html") < 300_000, "report.html is {} bytes", size("report.html"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("rep/results.json")).unwrap()).unwrap();
    let f = &v["gates"][0]["series"]["features"][0];
    let labels = f["bins"]["labels"].as_array().unwrap();
    assert_eq!(labels.len(), 31);
    assert_eq!(labels[30], "other (19990 more)");
    assert!(f["psi"].as_f64().unwrap() > 5.0, "every category counts in PSI: {}", f["psi"]);
    assert_valid("results.schema.json", &v);
}

/// A gate with more than 1,000 checks (300 columns) shows the 1,000 most severe in the HTML
/// table and says how many more results.json holds.
#[test]
fn one_gate_adds_at_most_a_thousand_rows_to_the_html_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let header: Vec<String> = (0..300).map(|i| format!("c{i}")).collect();
    let (mut r, mut c) = (format!("{}\n", header.join(",")), format!("{}\n", header.join(",")));
    for row in 0..200 {
        let vals: Vec<String> = (0..300).map(|i| ((row * 7 + i) % 13).to_string()).collect();
        r.push_str(&format!("{}\n", vals.join(",")));
        c.push_str(&format!("{}\n", vals.join(",")));
    }
    write(d, "ref.csv", &r);
    write(d, "cur.csv", &c);
    write(
        d,
        "mlgate.toml",
        "[data]\nref = \"ref.csv\"\ncur = \"cur.csv\"\n\n[gates.drift]\nreference = \"ref\"\ncurrent = \"cur\"\n",
    );
    mlgate(d).args(["check", "--out", "rep"]).assert().code(0);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("rep/results.json")).unwrap()).unwrap();
    let total = v["gates"][0]["checks"].as_array().unwrap().len();
    assert!(total > 1000, "{total} checks");
    let html = std::fs::read_to_string(d.join("rep/report.html")).unwrap();
    // Every row with a status pill: the gate's summary row (all checks pass, so no
    // "needs attention" rows) and the checks table.
    let rows = html.matches("<tr><td><span class=\"pill").count();
    assert_eq!(rows, 1 + 1000);
    assert!(html.contains(&format!("{} more checks, the least severe", total - 1000)), "the cut is stated");
}
