//! Signed evidence checked with OpenSSH itself: results signed by `mlgate check --sign-key`
//! verify with the real `ssh-keygen -Y verify`, signatures `ssh-keygen -Y sign` made verify
//! in `mlgate verify`, and a changed byte anywhere — results, report, record, registry — is
//! found. Approval records bind exact results; the release gate and `promote` accept them
//! only from allowed signers; the registry is append-only.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{mlgate, stderr, stdout, write};

/// `ssh-keygen`, which `.ci/run` installs when it is missing.
fn keygen(dir: &Path, args: &[&str], stdin: Option<&Path>) -> Output {
    let mut c = Command::new("ssh-keygen");
    c.current_dir(dir).args(args);
    if let Some(f) = stdin {
        c.stdin(std::fs::File::open(f).unwrap());
    }
    c.output().expect("ssh-keygen runs (Debian: openssh-client)")
}

/// A key pair `name` (Ed25519 unless `kind` says otherwise), optionally with a passphrase.
fn key(dir: &Path, name: &str, kind: &str, pass: &str) -> PathBuf {
    let out = keygen(dir, &["-q", "-t", kind, "-N", pass, "-C", name, "-f", name], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    dir.join(name)
}

fn public(k: &Path) -> String {
    let p = std::fs::read_to_string(k.with_extension("pub")).unwrap();
    p.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

/// A folder with drift results (passing, or failing when `drifted`), keys for alice (CI)
/// and bob (approver), and an allowed_signers file listing both.
struct Setup {
    dir: tempfile::TempDir,
    alice: PathBuf,
    bob: PathBuf,
}

impl Setup {
    fn new(drifted: bool) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let nums = |seed: u64, shift: u64| {
            let mut s = String::from("x\n");
            let mut state = seed;
            for _ in 0..400 {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                s.push_str(&format!("{}\n", (state >> 33) % 1000 + shift));
            }
            s
        };
        write(d, "ref.csv", &nums(1, 0));
        write(d, "cur.csv", &nums(2, if drifted { 600 } else { 0 }));
        write(
            d,
            "mlgate.toml",
            "[data]\nreference = \"ref.csv\"\ncurrent = \"cur.csv\"\n\n[gates.drift]\nreference = \"reference\"\ncurrent = \"current\"\n\n[release]\nmodel = \"churn\"\nallowed_signers = \"allowed_signers\"\n",
        );
        let alice = key(d, "alice", "ed25519", "");
        let bob = key(d, "bob", "ed25519", "");
        write(
            d,
            "allowed_signers",
            &format!(
                "# who may sign\nci@example.com {}\nbob@example.com namespaces=\"mlgate\" {}\n",
                public(&alice),
                public(&bob)
            ),
        );
        Setup { dir, alice, bob }
    }

    fn d(&self) -> &Path {
        self.dir.path()
    }

    fn check_signed(&self) -> Output {
        mlgate(self.d()).args(["check", "--sign-key"]).arg(&self.alice).output().unwrap()
    }
}

fn ok(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "stdout:\n{}\nstderr:\n{}", stdout(o), stderr(o));
}

#[test]
fn signed_results_verify_with_ssh_keygen_and_mlgate_and_tampering_is_found() {
    let s = Setup::new(false);
    let d = s.d();
    ok(&s.check_signed(), 0);
    let results = d.join("mlgate-report/results.json");
    let sig = d.join("mlgate-report/results.json.sig");
    assert!(std::fs::read_to_string(&sig).unwrap().starts_with("-----BEGIN SSH SIGNATURE-----"));
    // OpenSSH alone, no mlgate.
    let v = keygen(d, &["-Y", "verify", "-n", "mlgate", "-f", "allowed_signers", "-I", "ci@example.com", "-s"], None);
    assert!(!v.status.success(), "a signature file is required");
    let v = keygen(
        d,
        &["-Y", "verify", "-n", "mlgate", "-f", "allowed_signers", "-I", "ci@example.com", "-s", sig.to_str().unwrap()],
        Some(&results),
    );
    assert!(v.status.success(), "{}{}", String::from_utf8_lossy(&v.stdout), String::from_utf8_lossy(&v.stderr));
    // mlgate, on every report format: each embeds the digest the signature covers.
    for report in ["results.json", "report.html", "report.md", "junit.xml"] {
        let out = mlgate(d)
            .args(["verify", &format!("mlgate-report/{report}"), "--identity", "ci@example.com"])
            .output()
            .unwrap();
        ok(&out, 0);
        assert!(stdout(&out).contains("results signed by ci@example.com (key SHA256:"), "{}", stdout(&out));
    }
    // The wrong identity, and a signer file without alice.
    let out =
        mlgate(d).args(["verify", "mlgate-report/report.html", "--identity", "bob@example.com"]).output().unwrap();
    ok(&out, 1);
    assert!(stdout(&out).contains("not for \"bob@example.com\""), "{}", stdout(&out));
    write(d, "only_bob", &format!("bob@example.com {}\n", public(&s.bob)));
    let out =
        mlgate(d).args(["verify", "mlgate-report/results.json", "--allowed-signers", "only_bob"]).output().unwrap();
    ok(&out, 1);
    assert!(stdout(&out).contains("a key that is not in the allowed signers file"), "{}", stdout(&out));

    // One changed byte in the results: the digest in every report and the signature break.
    let text = std::fs::read_to_string(&results).unwrap();
    let tampered = text.replacen("\"pass\"", "\"warn\"", 1);
    assert_ne!(text, tampered);
    std::fs::write(&results, &tampered).unwrap();
    let out = mlgate(d).args(["verify", "mlgate-report/results.json"]).output().unwrap();
    ok(&out, 1);
    assert!(stdout(&out).contains("results signature: the signed file was altered"), "{}", stdout(&out));
    let v = keygen(
        d,
        &["-Y", "verify", "-n", "mlgate", "-f", "allowed_signers", "-I", "ci@example.com", "-s", sig.to_str().unwrap()],
        Some(&results),
    );
    assert!(!v.status.success(), "ssh-keygen must reject the tampered results too");
    std::fs::write(&results, &text).unwrap();
    // One changed byte in a rendered report is found too.
    let html = d.join("mlgate-report/report.html");
    let page = std::fs::read_to_string(&html).unwrap();
    std::fs::write(&html, page.replacen("<h2", "<h3", 1)).unwrap();
    let out = mlgate(d).args(["verify", "mlgate-report/report.html"]).output().unwrap();
    ok(&out, 1);
    assert!(stdout(&out).contains("the report was edited after it was written"), "{}", stdout(&out));
    std::fs::write(&html, &page).unwrap();
    // Results made without a key are signed later by `mlgate report`, into another folder.
    let out = mlgate(d)
        .args(["report", "mlgate-report/results.json", "--out", "archive", "--sign-key"])
        .arg(&s.bob)
        .output()
        .unwrap();
    ok(&out, 0);
    let out = mlgate(d).args(["verify", "archive/report.html", "--identity", "bob@example.com"]).output().unwrap();
    ok(&out, 0);
    // The signature removed: with trusted signers that is a failure, not a pass.
    std::fs::remove_file(&sig).unwrap();
    let out = mlgate(d).args(["verify", "mlgate-report/report.md"]).output().unwrap();
    ok(&out, 1);
    assert!(stdout(&out).contains("the results are not signed"), "{}", stdout(&out));
}

#[test]
fn signatures_made_by_ssh_keygen_verify_in_mlgate_and_signer_lines_are_honoured() {
    let s = Setup::new(false);
    let d = s.d();
    ok(&mlgate(d).arg("check").output().unwrap(), 0);
    let results = d.join("mlgate-report/results.json");
    // An ECDSA key signs with OpenSSH; mlgate verifies it.
    let ec = key(d, "carol", "ecdsa", "");
    let out = keygen(d, &["-Y", "sign", "-n", "mlgate", "-f", "carol", results.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = |opts: &str| format!("carol@example.com {opts}{}\n", public(&ec));
    write(d, "signers", &lines(""));
    let verify = |extra: &[&str]| {
        let mut c = mlgate(d);
        c.args(["verify", "mlgate-report/results.json", "--allowed-signers", "signers"]).args(extra);
        c.output().unwrap()
    };
    let out = verify(&[]);
    ok(&out, 0);
    assert!(stdout(&out).contains("results signed by carol@example.com"), "{}", stdout(&out));
    // Expired, not yet valid, limited to another namespace, revoked.
    write(d, "signers", &lines("valid-before=\"20200101Z\" "));
    let out = verify(&[]);
    ok(&out, 1);
    assert!(stdout(&out).contains("expired at 2020-01-01"), "{}", stdout(&out));
    ok(&verify(&["--verify-time", "20191231Z"]), 0);
    write(d, "signers", &lines("valid-after=\"29990101Z\" "));
    ok(&verify(&[]), 1);
    write(d, "signers", &lines("namespaces=\"git\" "));
    let out = verify(&[]);
    ok(&out, 1);
    assert!(stdout(&out).contains("do not allow the \"mlgate\" namespace"), "{}", stdout(&out));
    write(d, "signers", &lines(""));
    write(d, "revoked", &format!("{}\n", public(&ec)));
    let out = verify(&["--revoked", "revoked"]);
    ok(&out, 1);
    assert!(stdout(&out).contains("a revoked key"), "{}", stdout(&out));
    // A signature for another namespace (made for git) is not an mlgate signature.
    std::fs::remove_file(d.join("mlgate-report/results.json.sig")).unwrap();
    let out = keygen(d, &["-Y", "sign", "-n", "git", "-f", "carol", results.to_str().unwrap()], None);
    assert!(out.status.success());
    let out = verify(&[]);
    ok(&out, 1);
    assert!(stdout(&out).contains("for namespace \"git\""), "{}", stdout(&out));
}

#[test]
fn keys_that_cannot_sign_are_exit_2_and_never_printed() {
    let s = Setup::new(false);
    let d = s.d();
    let secret = std::fs::read_to_string(&s.alice).unwrap();
    let body: String = secret.lines().nth(2).unwrap().to_string();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = mlgate(d);
        c.arg("check").args(args).env_remove("MLGATE_SIGNING_KEY").env_remove("MLGATE_SIGNING_KEY_PASSPHRASE");
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    // The key from the environment signs like the flag.
    ok(&run(&[], &[("MLGATE_SIGNING_KEY", &secret)]), 0);
    assert!(d.join("mlgate-report/results.json.sig").exists());
    std::fs::remove_dir_all(d.join("mlgate-report")).unwrap();
    // Encrypted without a passphrase, with a wrong one, with the right one.
    let locked = key(d, "locked", "ed25519", "correct horse");
    let out = run(&["--sign-key", "locked"], &[]);
    ok(&out, 2);
    assert!(stderr(&out).contains("is encrypted and $MLGATE_SIGNING_KEY_PASSPHRASE is not set"), "{}", stderr(&out));
    assert!(!d.join("mlgate-report").exists(), "nothing is written when the key is bad");
    let out = run(&["--sign-key", "locked"], &[("MLGATE_SIGNING_KEY_PASSPHRASE", "wrong")]);
    ok(&out, 2);
    assert!(stderr(&out).contains("does not decrypt"), "{}", stderr(&out));
    ok(&run(&["--sign-key", locked.to_str().unwrap()], &[("MLGATE_SIGNING_KEY_PASSPHRASE", "correct horse")]), 0);
    // A public key, an RSA key, garbage in the variable.
    let out = run(&["--sign-key", "alice.pub"], &[]);
    ok(&out, 2);
    assert!(stderr(&out).contains("is a public key"), "{}", stderr(&out));
    key(d, "rsa", "rsa", "");
    let out = run(&["--sign-key", "rsa"], &[]);
    ok(&out, 2);
    assert!(stderr(&out).contains("RSA signing is not offered"), "{}", stderr(&out));
    let out = run(&[], &[("MLGATE_SIGNING_KEY", "not a key at all, secret123")]);
    ok(&out, 2);
    assert!(!stderr(&out).contains("secret123") && !stdout(&out).contains("secret123"), "{}", stderr(&out));
    // The key never reaches a report or the output.
    ok(&run(&["--sign-key", "alice"], &[]), 0);
    for f in ["results.json", "report.html", "report.md", "junit.xml"] {
        assert!(!std::fs::read_to_string(d.join("mlgate-report").join(f)).unwrap().contains(&body), "{f}");
    }
    // An empty variable (a fork's pull request) warns and does not sign.
    let out = run(&[], &[("MLGATE_SIGNING_KEY", "")]);
    ok(&out, 0);
    assert_eq!(stderr(&out).matches("is set but empty").count(), 1, "warned once: {}", stderr(&out));
}

fn approve(s: &Setup, args: &[&str]) -> Output {
    mlgate(s.d())
        .args(["approve", "--results", "mlgate-report/results.json", "--identity", "bob@example.com", "--sign-key"])
        .arg(&s.bob)
        .args(args)
        .output()
        .unwrap()
}

fn release_gate(s: &Setup) -> Output {
    mlgate(s.d()).args(["verify", "mlgate-report/results.json", "--require-approval"]).output().unwrap()
}

fn records(d: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(d.join("mlgate-approvals"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    v.sort();
    v
}

#[test]
fn the_release_gate_needs_a_signed_approval_of_the_exact_results() {
    let s = Setup::new(true);
    let d = s.d();
    ok(&s.check_signed(), 1);
    let out = release_gate(&s);
    ok(&out, 1);
    assert!(stdout(&out).contains("no approval record signed by an allowed signer covers them"), "{}", stdout(&out));
    // Promote is refused on failing results; a waiver must name a failing check.
    let out = approve(&s, &["--decision", "promote", "--reason", "ship it"]);
    ok(&out, 2);
    assert!(stderr(&out).contains("--decision waive --waive CODE:SUBJECT"), "{}", stderr(&out));
    let out = approve(&s, &["--decision", "waive", "--waive", "schema.range:x", "--reason", "known"]);
    ok(&out, 2);
    assert!(stderr(&out).contains("no such failing check"), "{}", stderr(&out));
    // A waiver of one of the failing checks is not enough.
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("mlgate-report/results.json")).unwrap()).unwrap();
    let failing: Vec<String> = r["gates"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| format!("{}:{}", c["code"].as_str().unwrap(), c["subject"].as_str().unwrap()))
        .collect();
    assert!(failing.len() >= 2, "{failing:?}");
    ok(&approve(&s, &["--decision", "waive", "--waive", &failing[0], "--reason", "seasonal shift, see #12"]), 0);
    let out = release_gate(&s);
    ok(&out, 1);
    assert!(stdout(&out).contains("not waived by any record"), "{}", stdout(&out));
    // The record verifies with ssh-keygen alone.
    let rec = records(d)[0].clone();
    let sig = format!("{}.sig", rec.display());
    let v = keygen(
        d,
        &["-Y", "verify", "-n", "mlgate", "-f", "allowed_signers", "-I", "bob@example.com", "-s", &sig],
        Some(&rec),
    );
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    // Waiving every failing check by name releases.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let mut args = vec!["--decision", "waive", "--reason", "all reviewed in #12"];
    for f in &failing {
        args.extend(["--waive", f]);
    }
    let out = mlgate(d)
        .env("SOURCE_DATE_EPOCH", "1767225601")
        .args(["approve", "--results", "mlgate-report/results.json", "--identity", "bob@example.com", "--sign-key"])
        .arg(&s.bob)
        .args(&args)
        .output()
        .unwrap();
    ok(&out, 0);
    let out = release_gate(&s);
    ok(&out, 0);
    assert!(stdout(&out).contains("is waived, by bob@example.com"), "{}", stdout(&out));

    // A record edited after signing counts for nothing; a record for other results is ignored.
    let rec = records(d)[1].clone();
    let text = std::fs::read_to_string(&rec).unwrap();
    std::fs::write(&rec, text.replace("all reviewed in #12", "all reviewed in #13")).unwrap();
    let out = release_gate(&s);
    ok(&out, 1);
    assert!(stdout(&out).contains("was altered after it was signed"), "{}", stdout(&out));
    std::fs::write(&rec, &text).unwrap();
    ok(&release_gate(&s), 0);
    let results = d.join("mlgate-report/results.json");
    let rtext = std::fs::read_to_string(&results).unwrap();
    std::fs::write(&results, rtext.replacen("T00:00:00Z", "T00:00:01Z", 1)).unwrap();
    let out = release_gate(&s);
    ok(&out, 1);
    assert!(stdout(&out).contains("approval record(s) for other results ignored"), "{}", stdout(&out));
    std::fs::write(&results, &rtext).unwrap();

    // A record signed by a key not listed for its approver: refused when written, and never counted.
    let out = mlgate(d)
        .args([
            "approve",
            "--results",
            "mlgate-report/results.json",
            "--identity",
            "eve@example.com",
            "--decision",
            "reject",
            "--reason",
            "no way",
            "--sign-key",
        ])
        .arg(&s.bob)
        .output()
        .unwrap();
    ok(&out, 2);
    assert!(stderr(&out).contains("this signature would not count"), "{}", stderr(&out));
    // A valid rejection blocks whatever else was signed.
    ok(&approve(&s, &["--decision", "reject", "--reason", "the drift is a data bug"]), 0);
    let out = release_gate(&s);
    ok(&out, 1);
    assert!(stdout(&out).contains("rejected by bob@example.com"), "{}", stdout(&out));
}

#[test]
fn promotions_append_to_a_signed_chained_registry_shown_in_the_release_report() {
    let s = Setup::new(false);
    let d = s.d();
    ok(&s.check_signed(), 0);
    let promote = |stage: &str| {
        mlgate(d)
            .args([
                "promote",
                "--model",
                "churn",
                "--stage",
                stage,
                "--results",
                "mlgate-report/results.json",
                "--identity",
                "ci@example.com",
                "--sign-key",
            ])
            .arg(&s.alice)
            .output()
            .unwrap()
    };
    // No approval yet: refused, nothing appended.
    let out = promote("staging");
    ok(&out, 1);
    assert!(!d.join("mlgate-registry.jsonl").exists());
    ok(&approve(&s, &["--decision", "promote", "--reason", "meets the bar"]), 0);
    ok(&promote("staging"), 0);
    ok(&promote("production"), 0);
    let reg = d.join("mlgate-registry.jsonl");
    let text = std::fs::read_to_string(&reg).unwrap();
    assert_eq!(text.lines().count(), 2);
    assert!(text.lines().nth(1).unwrap().contains("\"previous_stage\":\"staging\""));
    let verify = || {
        mlgate(d)
            .args(["verify", "mlgate-report/results.json", "--registry", "mlgate-registry.jsonl"])
            .output()
            .unwrap()
    };
    let out = verify();
    ok(&out, 0);
    assert!(
        stdout(&out).contains("2 entries, chained and numbered, each signed by an allowed signer"),
        "{}",
        stdout(&out)
    );

    // Each entry verifies with OpenSSH too: the signed bytes are the line without its `sig`.
    let last = text.lines().last().unwrap();
    let entry: serde_json::Value = serde_json::from_str(last).unwrap();
    let cut = last.rfind(",\"sig\":").unwrap();
    write(d, "entry.json", &format!("{}}}", &last[..cut]));
    write(d, "entry.json.sig", entry["sig"].as_str().unwrap());
    let v = keygen(
        d,
        &["-Y", "verify", "-n", "mlgate", "-f", "allowed_signers", "-I", "ci@example.com", "-s", "entry.json.sig"],
        Some(&d.join("entry.json")),
    );
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));

    // The next check's report shows the history.
    ok(&s.check_signed(), 0);
    let html = std::fs::read_to_string(d.join("mlgate-report/report.html")).unwrap();
    assert!(html.contains("Promotion history"), "the release report shows the history");
    assert!(html.contains("production") && html.contains("bob@example.com") && html.contains("ci@example.com"));
    let md = std::fs::read_to_string(d.join("mlgate-report/report.md")).unwrap();
    assert!(md.contains("Promotion history"), "{md}");

    // Rewriting an earlier entry, removing one, or editing the last is detected.
    let lines: Vec<&str> = text.lines().collect();
    let cases = [
        (format!("{}\n{}\n", lines[0].replace("staging", "canary"), lines[1]), "the entry before it was rewritten"),
        (format!("{}\n", lines[1]), "entries are missing or reordered"),
        (format!("{}\n{}\n", lines[0], lines[1].replace("ci@example.com", "bob@example.com")), "entry 2:"),
    ];
    for (bad, want) in cases {
        std::fs::write(&reg, &bad).unwrap();
        let out = verify();
        ok(&out, 1);
        assert!(stdout(&out).contains(want), "{want}:\n{}", stdout(&out));
        // promote refuses to append to a broken registry.
        ok(&promote("archived"), 1);
        assert_eq!(std::fs::read_to_string(&reg).unwrap(), bad);
    }
    std::fs::write(&reg, &text).unwrap();
    ok(&verify(), 0);
}

#[test]
fn bad_release_inputs_are_exit_2_with_the_place() {
    let s = Setup::new(false);
    let d = s.d();
    ok(&s.check_signed(), 0);
    let verify = |signers: &str| {
        mlgate(d).args(["verify", "mlgate-report/results.json", "--allowed-signers", signers]).output().unwrap()
    };
    write(d, "bad_signers", "alice@example.com bogus-option ssh-ed25519 AAAA\n");
    let out = verify("bad_signers");
    ok(&out, 2);
    assert!(stderr(&out).contains("bad_signers:1:"), "{}", stderr(&out));
    let out = verify("missing_signers");
    ok(&out, 2);
    write(d, "empty_signers", "# nobody\n");
    ok(&verify("empty_signers"), 2);
    write(d, "krl", "SSHKRL\n\0\0binary");
    let out = mlgate(d).args(["verify", "mlgate-report/results.json", "--revoked", "krl"]).output().unwrap();
    ok(&out, 2);
    assert!(stderr(&out).contains("binary key revocation list"), "{}", stderr(&out));
    let out = mlgate(d).args(["verify", "mlgate-report/results.json", "--verify-time", "tomorrow"]).output().unwrap();
    ok(&out, 2);
    // approve without a key, with a bad waiver, a bad model name for promote.
    let out = mlgate(d)
        .env_remove("MLGATE_SIGNING_KEY")
        .args([
            "approve",
            "--results",
            "mlgate-report/results.json",
            "--decision",
            "promote",
            "--reason",
            "fine by me",
            "--identity",
            "bob@example.com",
        ])
        .output()
        .unwrap();
    ok(&out, 2);
    assert!(stderr(&out).contains("a signing key is needed"), "{}", stderr(&out));
    let out = mlgate(d)
        .args(["promote", "--model", "../x", "--stage", "prod", "--results", "mlgate-report/results.json"])
        .output()
        .unwrap();
    ok(&out, 2);
    // Verifying reads only [release] of mlgate.toml: the rest may have moved on.
    write(d, "mlgate.toml", "[gates.drift]\nno_such_key = 1\n\n[release]\nallowed_signers = \"allowed_signers\"\n");
    ok(&mlgate(d).args(["verify", "mlgate-report/report.html"]).output().unwrap(), 0);
    write(d, "mlgate.toml", "[release]\nsigners = \"allowed_signers\"\n");
    let out = mlgate(d).args(["verify", "mlgate-report/report.html"]).output().unwrap();
    ok(&out, 2);
    assert!(stderr(&out).contains("mlgate.toml: [release]: unknown field `signers`"), "{}", stderr(&out));
    // --require-approval without trusted signers is a usage error, not a pass.
    let out = mlgate(d)
        .args(["verify", "mlgate-report/results.json", "--require-approval", "--config", "missing.toml"])
        .output()
        .unwrap();
    ok(&out, 2);
}
