//! Installing mlgate: the Action's install script against a local fake release server (good
//! checksum, bad checksum, missing asset, missing checksum, a proxy's web page, unknown
//! platform, the cache), the crate's package list, the wheel's metadata and the GitLab
//! template, read as a user would copy them.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::repo_root;

const VERSION: &str = "9.9.9";
const TARGET: &str = "x86_64-unknown-linux-musl";

/// Serves `dir` over HTTP on 127.0.0.1 (404 for missing files; every path answers with an
/// HTML page when `html` is set, as a captive proxy would).
fn serve(dir: PathBuf, html: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let path = line.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/').to_string();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let mut stream = stream;
            let body = if html {
                Some(b"<html><body>Please log in to the proxy</body></html>".to_vec())
            } else {
                std::fs::read(dir.join(&path)).ok()
            };
            let _ = match body {
                Some(b) => {
                    let _ =
                        write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", b.len());
                    stream.write_all(&b)
                }
                None => write!(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
            };
        }
    });
    format!("http://{addr}")
}

/// A release folder: `v9.9.9/mlgate-9.9.9-TARGET.tar.gz` holding a stand-in binary that
/// prints `reported`, and its `.sha256` (`checksum` overrides the real one).
fn release(root: &Path, reported: &str, checksum: Option<&str>, with_sha: bool) {
    let name = format!("mlgate-{VERSION}-{TARGET}");
    let stage = root.join("stage").join(&name);
    std::fs::create_dir_all(&stage).unwrap();
    let bin = stage.join("mlgate");
    std::fs::write(&bin, format!("#!/bin/sh\necho '{reported}'\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let dir = root.join("srv").join(format!("v{VERSION}"));
    std::fs::create_dir_all(&dir).unwrap();
    let archive = dir.join(format!("{name}.tar.gz"));
    let ok =
        Command::new("tar").arg("-czf").arg(&archive).arg("-C").arg(root.join("stage")).arg(&name).status().unwrap();
    assert!(ok.success());
    if with_sha {
        let out = Command::new("sha256sum").arg(&archive).output().unwrap();
        let real = String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap().to_string();
        std::fs::write(
            dir.join(format!("{name}.tar.gz.sha256")),
            format!("{}  {name}.tar.gz\n", checksum.unwrap_or(&real)),
        )
        .unwrap();
    }
}

fn install(base: &str, root: &Path, env: &[(&str, &str)]) -> (i32, String, PathBuf) {
    let out_file = root.join("github_output");
    let _ = std::fs::remove_file(&out_file);
    let mut cmd = Command::new("bash");
    cmd.arg(repo_root().join("action/install.sh"))
        .arg("install")
        .env("GITHUB_ACTION_PATH", repo_root())
        .env("GITHUB_OUTPUT", &out_file)
        .env("MLGATE_ROOT", root.join("install"))
        .env("MLGATE_RELEASE_BASE", base)
        .env("MLGATE_PLATFORM", "Linux-x86_64")
        .env("INPUT_VERSION", VERSION)
        .env("ACTION_REPOSITORY", "acme/mlgate")
        .env_remove("INPUT_BINARY_URL")
        .env_remove("INPUT_INSTALL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    (o.status.code().unwrap_or(-1), text, root.join("install/bin/mlgate"))
}

#[test]
fn a_verified_release_installs_and_is_cached() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path(), &format!("mlgate {VERSION}"), None, true);
    let base = serve(dir.path().join("srv"), false);
    let (code, text, bin) = install(&base, dir.path(), &[]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("SHA-256 verified"), "{text}");
    let outputs = std::fs::read_to_string(dir.path().join("github_output")).unwrap();
    assert_eq!(outputs.trim(), format!("bin={}", bin.display()));
    let v = Command::new(&bin).arg("--version").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&v.stdout).trim(), format!("mlgate {VERSION}"));
    // The cache (the install folder restored) needs no server.
    let (code, text, _) = install("http://127.0.0.1:9", dir.path(), &[]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("restored from the cache"), "{text}");
}

#[test]
fn a_bad_checksum_is_never_run() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path(), &format!("mlgate {VERSION}"), Some(&"0".repeat(64)), true);
    let base = serve(dir.path().join("srv"), false);
    let (code, text, bin) = install(&base, dir.path(), &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("corrupt or was tampered with; not running it"), "{text}");
    assert!(!bin.exists(), "nothing unverified is left to run");
}

#[test]
fn missing_assets_proxies_platforms_and_versions_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path(), &format!("mlgate {VERSION}"), None, false);
    let base = serve(dir.path().join("srv"), false);
    let (code, text, bin) = install(&base, dir.path(), &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("has no checksum file") && !bin.exists(), "{text}");

    let (code, text, _) = install(&base, dir.path(), &[("INPUT_VERSION", "9.9.8")]);
    assert_eq!(code, 2);
    assert!(
        text.contains("release v9.9.8 has no mlgate-9.9.8-x86_64-unknown-linux-musl.tar.gz")
            && text.contains("install: source"),
        "{text}"
    );

    let proxy = serve(dir.path().join("srv"), true);
    let (code, text, bin) = install(&proxy, dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(text.contains("not a SHA-256 checksum (a proxy may have returned a web page)") && !bin.exists(), "{text}");

    let (code, text, _) = install(&base, dir.path(), &[("MLGATE_PLATFORM", "Plan9-mips")]);
    assert_eq!(code, 2);
    assert!(text.contains("no prebuilt mlgate for this runner (Plan9-mips)"), "{text}");

    let (code, text, _) = install(&base, dir.path(), &[("INPUT_VERSION", "main")]);
    assert_eq!(code, 2);
    assert!(text.contains("is not a release version"), "{text}");

    let (code, text, _) = install("http://example.com/releases", dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(text.contains("only https:// URLs are fetched"), "{text}");
}

#[test]
fn a_binary_that_reports_another_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path(), "mlgate 0.0.1", None, true);
    let base = serve(dir.path().join("srv"), false);
    let (code, text, bin) = install(&base, dir.path(), &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("reports 'mlgate 0.0.1', not 'mlgate 9.9.9'") && !bin.exists(), "{text}");
}

#[test]
fn the_version_comes_from_the_actions_tag_or_its_cargo_toml() {
    let dir = tempfile::tempdir().unwrap();
    let key = |env: &[(&str, &str)]| {
        let out_file = dir.path().join("key_output");
        let _ = std::fs::remove_file(&out_file);
        let mut cmd = Command::new("bash");
        cmd.arg(repo_root().join("action/install.sh"))
            .arg("key")
            .env("GITHUB_ACTION_PATH", repo_root())
            .env("GITHUB_OUTPUT", &out_file)
            .env("MLGATE_PLATFORM", "Darwin-arm64")
            .env_remove("INPUT_VERSION")
            .env_remove("INPUT_INSTALL");
        for (k, v) in env {
            cmd.env(k, v);
        }
        assert!(cmd.status().unwrap().success());
        std::fs::read_to_string(out_file).unwrap()
    };
    let cargo_version = env!("CARGO_PKG_VERSION");
    assert!(key(&[("ACTION_REF", "v2.3.4")]).contains("key=mlgate-release-2.3.4-aarch64-apple-darwin"));
    assert!(
        key(&[("ACTION_REF", "0123abcd0123abcd0123abcd0123abcd0123abcd")])
            .contains(&format!("version={cargo_version}"))
    );
    assert!(key(&[("INPUT_INSTALL", "source")]).contains("key=mlgate-source-"));
}

#[test]
fn the_crate_holds_code_not_test_data() {
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(repo_root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = String::from_utf8_lossy(&out.stdout).to_string();
    for needed in [
        "src/main.rs",
        "rubrics/ml-test-score.toml",
        "templates/report.html.j2",
        "schemas/results.schema.json",
        "LICENSE",
        "README.md",
    ] {
        assert!(list.lines().any(|l| l == needed), "{needed} is packaged: {list}");
    }
    let size: u64 = list.lines().filter_map(|l| std::fs::metadata(repo_root().join(l)).ok()).map(|m| m.len()).sum();
    assert!(size < 3 << 20, "the crate's files come to {size} bytes");
    for l in list.lines() {
        assert!(
            !l.starts_with("tests/") && !l.starts_with("examples/") && !l.starts_with("docs/") && !l.ends_with(".png"),
            "{l} is packaged"
        );
    }
    let cargo = std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
    assert!(cargo.contains("[package.metadata.binstall]") && cargo.contains("mlgate-{ version }-{ target }"));
}

#[test]
fn python_metadata_and_the_gitlab_template_track_the_crate() {
    let pyproject = std::fs::read_to_string(repo_root().join("pyproject.toml")).unwrap();
    let p: toml::Value = toml::from_str(&pyproject).unwrap();
    assert_eq!(p["tool"]["maturin"]["bindings"].as_str(), Some("bin"));
    for key in ["description", "requires-python", "license", "classifiers", "urls", "readme"] {
        assert!(p["project"].get(key).is_some(), "pyproject.toml [project] has {key}");
    }
    assert_eq!(p["project"]["dynamic"][0].as_str(), Some("version"), "the version is Cargo.toml's");
    let gl = std::fs::read_to_string(repo_root().join("templates/gitlab-ci.yml")).unwrap();
    assert!(
        gl.contains(&format!("MLGATE_VERSION: \"{}\"", env!("CARGO_PKG_VERSION"))),
        "the template installs this version"
    );
    let jobs = mlgate::rubric::ci::parse("GitLab CI", ".gitlab-ci.yml", &gl).unwrap();
    let job = jobs.iter().find(|j| j.id.ends_with("#mlgate")).expect("the mlgate job");
    assert!(job.commands.iter().any(|c| c.text.starts_with("pip install") && c.text.contains("mlgate==")));
    assert!(job.commands.iter().any(|c| c.text == "mlgate \"$@\""));
    let doc = yaml_rust2::YamlLoader::load_from_str(&gl).unwrap().remove(0);
    assert_eq!(doc["mlgate"]["artifacts"]["reports"]["junit"].as_str(), Some("mlgate-report/junit.xml"));
    assert_eq!(doc["mlgate"]["artifacts"]["when"].as_str(), Some("always"));
}
