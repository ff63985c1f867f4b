//! `mlgate approve`: a signed decision on exact results. `mlgate promote`: a signed,
//! chained stage change in the promotion registry, allowed only when the release rule
//! holds.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::common::Ui;
use super::report::parse_results;
use super::trust::{self, Loaded, TrustArgs};
use crate::error::user;
use crate::release::record::{Decision, FORMAT, Record};
use crate::release::{Finding, Item, blocking, judge, registry};
use crate::results::{Results, Verdict};
use crate::sign::SigningKey;

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The results.json decided on (its exact bytes are bound by SHA-256).
    #[arg(long, value_name = "FILE")]
    pub results: PathBuf,

    /// promote (the results passed), waive (accept the failing checks named by --waive) or
    /// reject (must not be promoted on these results).
    #[arg(long, value_enum)]
    pub decision: Decision,

    /// Why, in words an auditor will read years later.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,

    /// A failing check this decision accepts, as CODE:SUBJECT (`drift.psi:age`; `*` for
    /// every subject of a code), or `all`. Repeatable; only with --decision waive.
    #[arg(long, value_name = "CODE:SUBJECT")]
    pub waive: Vec<String>,

    /// Who decides: the principal your key is listed under in allowed_signers (default:
    /// `git config user.email`).
    #[arg(long, value_name = "WHO")]
    pub identity: Option<String>,

    /// Folder to write the record into (default: `[release].approvals`, else mlgate-approvals).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// OpenSSH private key to sign with (default: the key text in $MLGATE_SIGNING_KEY).
    #[arg(long, value_name = "FILE")]
    pub sign_key: Option<PathBuf>,

    #[command(flatten)]
    pub trust: TrustArgs,
}

#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// The model's name in the registry.
    #[arg(long, value_name = "NAME")]
    pub model: String,

    /// The stage it moves to (`staging`, `production`, `archived`, …).
    #[arg(long, value_name = "STAGE")]
    pub stage: String,

    /// The results.json the promotion rests on.
    #[arg(long, value_name = "FILE")]
    pub results: PathBuf,

    /// The approval record (default: every record in the approvals folder is considered).
    #[arg(long, value_name = "FILE")]
    pub approval: Option<PathBuf>,

    /// Folder of approval records (default: `[release].approvals`, else mlgate-approvals).
    #[arg(long, value_name = "DIR")]
    pub approvals: Option<PathBuf>,

    /// The registry to append to (default: `[release].registry`, else mlgate-registry.jsonl).
    #[arg(long, value_name = "FILE")]
    pub registry: Option<PathBuf>,

    /// Who promotes (default: `git config user.email`); must match the signing key.
    #[arg(long, value_name = "WHO")]
    pub identity: Option<String>,

    /// OpenSSH private key to sign the entry with (default: $MLGATE_SIGNING_KEY).
    #[arg(long, value_name = "FILE")]
    pub sign_key: Option<PathBuf>,

    #[command(flatten)]
    pub trust: TrustArgs,
}

/// Reads results whose verdict follows from their gates, with their SHA-256.
fn results(path: &std::path::Path) -> Result<(Results, String, String)> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        user(format!("cannot read {shown}: {e}")).hint("pass the results.json written by `mlgate check`")
    })?;
    let r = parse_results(&text, &shown)?;
    if Verdict::compute(&r.gates, r.rubric.as_ref(), r.verdict.fail_on) != r.verdict {
        return Err(user(format!("{shown}: the verdict does not follow from its gates (edited?)"))
            .hint(format!("`mlgate verify {shown}` says what changed"))
            .into());
    }
    let digest = crate::provenance::sha256_hex(text.as_bytes());
    Ok((r, text, digest))
}

fn key(flag: Option<&std::path::Path>) -> Result<SigningKey> {
    crate::sign::key::load(flag)?.ok_or_else(|| {
        user("a signing key is needed: pass --sign-key FILE or set $MLGATE_SIGNING_KEY")
            .hint("create one with `ssh-keygen -t ed25519 -C you@example.com -f mlgate_signing_key`, and list its .pub line in allowed_signers")
            .into()
    })
}

/// The waivers of `--waive`, each naming a check that blocks these results.
fn waivers(flags: &[String], failing: &[Item], decision: Decision) -> Result<(Vec<Item>, bool)> {
    let shown_failing = || {
        let v: Vec<String> = failing.iter().take(12).map(|i| i.to_string()).collect();
        if v.is_empty() { "none".to_string() } else { v.join(", ") }
    };
    match decision {
        Decision::Waive if failing.is_empty() => {
            return Err(user("these results do not block a release: there is nothing to waive")
                .hint("use --decision promote")
                .into());
        }
        Decision::Waive if flags.is_empty() => {
            return Err(user(
                "--decision waive needs --waive CODE:SUBJECT for each failing check it accepts (or --waive all)",
            )
            .hint(format!("failing: {}", shown_failing()))
            .into());
        }
        Decision::Promote if !failing.is_empty() => {
            return Err(user(format!(
                "these results block a release ({} failing check(s)); promote needs results that pass",
                failing.len()
            ))
            .hint(format!("to release anyway: --decision waive --waive CODE:SUBJECT for each of {}", shown_failing()))
            .into());
        }
        Decision::Promote | Decision::Reject if !flags.is_empty() => {
            return Err(user("--waive goes with --decision waive only").into());
        }
        _ => {}
    }
    let mut out = Vec::new();
    let mut all = false;
    for f in flags {
        if f == "all" {
            all = true;
            continue;
        }
        let item = Item::parse(f).ok_or_else(|| {
            user(format!("--waive {f:?} is not CODE:SUBJECT")).hint("for example --waive drift.psi:age, or --waive all")
        })?;
        if !failing.iter().any(|i| item.covers(i)) {
            return Err(user(format!("--waive {item}: no such failing check in these results"))
                .hint(format!("failing: {}", shown_failing()))
                .into());
        }
        out.push(item);
    }
    Ok((out, all))
}

/// Checks a freshly signed text against the trusted signers, so a record that would count
/// for nothing is refused before it is written.
fn check_own(loaded: Option<&Loaded>, bytes: &[u8], sig: &str, who: &str, ui: &Ui) -> Result<()> {
    match loaded {
        None => ui.warn("no allowed signers given: cannot check that this signature will count (--allowed-signers)"),
        Some(t) => {
            let at = t.trust();
            if let Err(p) = crate::sign::verify::verify(at.signers, at.revoked, bytes, sig, Some(who), at.at) {
                return Err(user(format!("this signature would not count: {p}"))
                    .hint(format!("list the key for {who} in {} (its .pub line after the identity)", t.signers.shown))
                    .into());
            }
        }
    }
    Ok(())
}

pub fn approve(a: ApproveArgs, ui: &Ui) -> Result<i32> {
    if a.reason.trim().chars().count() < 5 {
        return Err(user("--reason needs a few words an auditor can read").into());
    }
    let release = a.trust.release()?;
    let loaded = a.trust.load(&release)?;
    let key = key(a.sign_key.as_deref())?;
    let approver = trust::identity(a.identity.as_deref())?;
    let (r, _, digest) = results(&a.results)?;
    let failing = blocking(&r);
    let (list, all) = waivers(&a.waive, &failing, a.decision)?;
    let record = Record {
        mlgate_approval: FORMAT,
        results_sha256: digest,
        verdict: r.verdict.status.as_str().to_string(),
        commit: r.run.git.as_ref().map(|g| g.commit.clone()),
        approver: approver.clone(),
        time: trust::now()?,
        decision: a.decision,
        reason: a.reason.trim().to_string(),
        waivers: list,
        waive_all: all,
        failing,
        key: key.fingerprint(),
    };
    let text = record.to_text();
    let sig = key.sign(text.as_bytes())?;
    check_own(loaded.as_ref(), text.as_bytes(), &sig, &approver, ui)?;
    let dir = a.out.clone().unwrap_or(release.approvals);
    let name = record.file_name();
    if dir.join(&name).exists() {
        return Err(user(format!("{} already exists", dir.join(&name).display()))
            .hint("one record per second and approver; wait a second and rerun")
            .into());
    }
    let written = crate::output::write_all(&dir, &[(name.clone(), text), (format!("{name}.sig"), sig)])?;
    if !ui.quiet {
        let mut o = std::io::stdout().lock();
        for w in &written {
            writeln!(o, "wrote {}", w.display())?;
        }
        writeln!(
            o,
            "check it without mlgate: ssh-keygen -Y verify -n mlgate -f allowed_signers -I {approver} -s {}.sig < {}",
            written[0].display(),
            written[0].display()
        )?;
    }
    Ok(crate::exit::SUCCESS)
}

/// A stage or model name: letters, digits, `.`, `_` and `-`.
fn name(kind: &str, s: &str) -> Result<()> {
    let ok = !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(user(format!("--{kind} {s:?}: use letters, digits, '.', '_' and '-' (at most 64)")).into())
    }
}

pub fn promote(a: PromoteArgs, ui: &Ui) -> Result<i32> {
    name("model", &a.model)?;
    name("stage", &a.stage)?;
    let release = a.trust.release()?;
    let loaded = a.trust.load(&release)?.ok_or_else(|| {
        user("promote needs the trusted signers")
            .hint("pass --allowed-signers FILE, or set [release].allowed_signers in mlgate.toml")
    })?;
    let key = key(a.sign_key.as_deref())?;
    let by = trust::identity(a.identity.as_deref())?;
    let (r, _, digest) = results(&a.results)?;
    let mut lines = Vec::new();
    let dir = a.approvals.clone().unwrap_or(release.approvals.clone());
    let found = trust::candidates(&dir, a.approval.as_deref())?;
    let valid = judge::valid_records(&r, &digest, &found, &loaded.trust(), &mut lines);
    let (ok, finding) = judge::decide(&r, &valid);
    lines.push(finding);
    let reg = a.registry.clone().unwrap_or(release.registry.clone());
    let (entries, text) = if reg.exists() {
        super::verify::check_registry(&reg, Some(&loaded), &mut lines)?
    } else {
        (Vec::new(), String::new())
    };
    let broken = lines.iter().any(|l| l.ok == Some(false));
    if !ok || broken {
        super::verify::print_findings(&format!("promote {} to {}", a.model, a.stage), true, &lines)?;
        return Ok(crate::exit::GATE_FAILED);
    }
    let approval = judge::basis(&r, &valid).expect("a released result rests on an approving record");
    let p = registry::Promote {
        model: &a.model,
        stage: &a.stage,
        by: &by,
        time: trust::now()?,
        approval_file: approval.shown.clone(),
    };
    let line = registry::entry_line(&p, &text, &entries, &r, &digest, approval, &key)?;
    let entry: registry::Entry = serde_json::from_str(&line)?;
    check_own(Some(&loaded), &entry.signed_bytes(), entry.sig.as_deref().unwrap_or_default(), &by, ui)?;
    let mut new_text = text.clone();
    if !new_text.is_empty() && !new_text.ends_with('\n') {
        new_text.push('\n');
    }
    new_text.push_str(&line);
    new_text.push('\n');
    crate::output::write_atomic(&reg, new_text.as_bytes())?;
    if !ui.quiet {
        lines.push(Finding::pass(format!(
            "appended entry {} to {}: {} {} → {} by {by}",
            entry.seq,
            reg.display(),
            a.model,
            entry.previous_stage.as_deref().unwrap_or("(new)"),
            a.stage
        )));
        super::verify::print_findings(&format!("promote {} to {}", a.model, a.stage), false, &lines)?;
    }
    Ok(crate::exit::SUCCESS)
}
