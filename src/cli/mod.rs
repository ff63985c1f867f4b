//! The command line: clap definitions and dispatch. Each subcommand has its own file.

mod check;
mod comment;
mod common;
mod explain;
mod gate;
mod init;
mod profile;
mod profile_sql;
mod release;
pub mod report;
mod reviews;
mod runs;
mod schema;
mod score;
mod trust;
mod verify;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use crate::output::ReportFormat;
use crate::results::FailOn;
use crate::ui::ColorChoice;

const AFTER_HELP: &str = "\
Exit codes:
  0  all gates passed (warnings allowed unless --fail-on warn)
  1  a blocking gate failed
  2  usage, configuration or input error: fix something and rerun (nothing was written)
  3  runtime failure outside your inputs (writing output; GitHub API with comment --strict
     or score --runs-from-github)

Start here:
  mlgate init                      write a commented mlgate.toml for this repository
  mlgate check                     run the gates configured in ./mlgate.toml
  mlgate check --base origin/main  … and block loosened thresholds in a pull request
  mlgate score                     the ML Test Score of this repository
  mlgate comment                   post the report on the pull request (in GitHub Actions)
  mlgate schema infer data.csv     propose a schema from data
  mlgate explain schema.range      what a check code means";

/// CI gates for ML systems, with approval reports.
///
/// mlgate checks data and model outputs against thresholds you commit before training
/// (schema, leakage, slices, baseline, drift), scores the repository against the ML Test
/// Score, writes HTML, Markdown, JSON and JUnit reports, posts them to pull requests, and
/// exits non-zero when a blocking gate fails.
#[derive(Debug, Parser)]
#[command(name = "mlgate", version, about, long_about, after_help = AFTER_HELP)]
pub struct Cli {
    /// When to colour the output (also honours NO_COLOR).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print only errors (no summary, no progress).
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per process; boxing the larger argument structs would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented starter mlgate.toml for the repository in the current folder.
    ///
    /// Finds data files (csv, parquet, jsonl), guesses the train/test/serving roles from
    /// their names and the label column from common names, and writes every key with a
    /// comment. Never overwrites an existing file unless --force is given.
    Init(init::InitArgs),

    /// Run the gates configured in mlgate.toml and write the reports.
    ///
    /// Writes results.json and report.md to --out (default mlgate-report/), prints a
    /// short summary, and exits 0 (pass), 1 (a blocking gate failed) or 2 (fix your
    /// configuration or inputs).
    Check(check::CheckArgs),

    /// The ML Test Score of a repository: 28 tests, 0 / 0.5 / 1 each, with evidence.
    ///
    /// Reads files, CI workflows, mlgate's own gate configuration and [evidence] claims;
    /// exits 0 unless --min-score is given and not met.
    Score(score::ScoreArgs),

    /// Score plus the configured gates, kept as a dated snapshot; the report shows the
    /// trend across audits.
    Audit(score::AuditArgs),

    /// Run one gate ad hoc from flags, without a configuration file.
    Gate(gate::GateArgs),

    /// Work with schema files.
    Schema(schema::SchemaArgs),

    /// Profile a dataset into a small, mergeable reference for the drift gate.
    ///
    /// A profile keeps per-column counts and a fine histogram in one streaming pass; commit
    /// it instead of the training data and point [gates.drift].reference at it.
    ///
    /// With --sql, the engine that holds the data computes the profile in two scans (pass 1:
    /// the reference's quantiles; pass 2: counts over the reference's edges) and mlgate keeps
    /// only the answer. Profiles of current data use the reference's edges (--edges-from), so
    /// PSI is the one mlgate computes from the data itself.
    ///
    /// Examples:
    ///   mlgate profile data/train.parquet -o train.profile.json
    ///   mlgate profile --merge part1.json part2.json -o all.profile.json
    ///   mlgate profile data/train.parquet --grid -o train.profile.json
    ///   mlgate profile data/serving.csv --edges-from train.profile.json -o serving.profile.json
    ///   MLGATE_PG_URL=postgresql://… mlgate profile --sql "SELECT * FROM train" \
    ///       --dialect postgres --url-env MLGATE_PG_URL -o train.profile.json
    ///   mlgate profile --sql "SELECT * FROM t" --dialect spark --numeric age,income \
    ///       --categorical country --emit-sql > pass1.sql
    ///   mlgate profile --sql "SELECT * FROM t" --dialect spark --numeric age,income \
    ///       --categorical country --from-result pass1.json --emit-sql > pass2.sql
    ///   mlgate profile --sql "SELECT * FROM t" --dialect spark --numeric age,income \
    ///       --categorical country --from-result pass1.json --from-result pass2.json -o train.profile.json
    #[command(verbatim_doc_comment)]
    Profile(profile::ProfileArgs),

    /// Re-render reports (html, md, junit, json) from an archived results.json.
    Report(report::ReportArgs),

    /// Check a report is unedited, who signed it, and whether it may be released.
    ///
    /// Always: the report against its embedded results digest, the verdict against the
    /// gates, the inputs against their recorded SHA-256. With --allowed-signers: the
    /// results' SSHSIG signature (results.json.sig) and its signer. With
    /// --require-approval: a signed approval record covering these exact results (the
    /// release gate). With --registry: the promotion registry's chain and signatures.
    ///
    /// Exit 0 when everything verified; 1 when anything changed, is unsigned, signed by
    /// someone not trusted, or not approved; 2 when a file is missing or malformed.
    ///
    /// Examples:
    ///   mlgate verify mlgate-report/report.html
    ///   mlgate verify mlgate-report/results.json --allowed-signers .mlgate/allowed_signers
    ///   mlgate verify results.json --allowed-signers signers --require-approval
    #[command(verbatim_doc_comment)]
    Verify(verify::VerifyArgs),

    /// Sign a decision on exact results: promote, waive named failing checks, or reject.
    ///
    /// Writes mlgate-approvals/<time>-<digest>-<decision>-<who>.json and its .sig, binding
    /// the results' SHA-256, verdict and commit, the approver (the principal of their key
    /// in allowed_signers), the time and the reason. `mlgate verify --require-approval`
    /// and `mlgate promote` accept the results only with such a record.
    ///
    /// Examples:
    ///   mlgate approve --results mlgate-report/results.json --decision promote --reason "meets the Q3 bar"
    ///   mlgate approve --results r.json --decision waive --waive drift.psi:age --reason "see #412"
    #[command(verbatim_doc_comment)]
    Approve(release::ApproveArgs),

    /// Append a signed stage change to the promotion registry, if a signed approval allows it.
    ///
    /// Refuses (exit 1) unless a signed approval covers the results and the registry
    /// verifies; the new entry is chained to the last one and signed, so the registry is
    /// append-only. The release report (`[release] model`) shows the model's history.
    ///
    /// Example:
    ///   mlgate promote --model churn --stage production --results mlgate-report/results.json
    #[command(verbatim_doc_comment)]
    Promote(release::PromoteArgs),

    /// Post the report as one sticky pull-request comment and set a commit status.
    ///
    /// In GitHub Actions the repository, pull request and commit come from the environment;
    /// the token from $GITHUB_TOKEN (never a flag, never printed). Later runs update the
    /// same comment. A failed post is a warning (exit 0) unless --strict is given (exit 3);
    /// --dry-run prints the requests instead of sending them.
    Comment(comment::CommentArgs),

    /// Explain a check code (e.g. `schema.range`), or list all codes.
    Explain {
        /// The code; omit to list every code.
        code: Option<String>,
    },
}

/// Report options shared by `check` and `gate`.
#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// Folder to write reports into.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Report formats to write, comma-separated. `--format json` alone also prints the
    /// results JSON to stdout instead of the summary (for scripting).
    #[arg(long, value_delimiter = ',', value_enum, value_name = "FORMATS")]
    pub format: Vec<ReportFormat>,

    /// Lowest status that makes the run fail.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,

    /// Sign results.json with this OpenSSH private key (Ed25519 or ECDSA), writing
    /// results.json.sig beside it. Without the flag, the key's text in $MLGATE_SIGNING_KEY
    /// (a CI secret) is used when set; an encrypted key's passphrase comes from
    /// $MLGATE_SIGNING_KEY_PASSPHRASE. Every report embeds the results' SHA-256, so the
    /// signature covers them too. Check it without mlgate:
    /// `ssh-keygen -Y verify -n mlgate -f allowed_signers -I you@example.com -s results.json.sig < results.json`.
    #[arg(long, value_name = "FILE")]
    pub sign_key: Option<PathBuf>,

    /// The signing key, once loaded (see [`ReportArgs::load_key`]).
    #[arg(skip)]
    pub key: Option<std::sync::Arc<crate::sign::SigningKey>>,
    /// Whether [`ReportArgs::load_key`] ran (a run without a key loads, and warns, once).
    #[arg(skip)]
    pub key_loaded: bool,
}

impl ReportArgs {
    /// Loads the signing key now, so a bad key stops the run before any work is done.
    pub fn load_key(&mut self, ui: &common::Ui) -> Result<()> {
        if !self.key_loaded {
            self.key = crate::sign::key::load(self.sign_key.as_deref())?.map(std::sync::Arc::new);
            self.key_loaded = true;
            if self.key.is_none() && crate::sign::key::env_is_empty() {
                ui.warn(&format!(
                    "${} is set but empty (a secret this run cannot read, as on a fork's pull request): results are not signed",
                    crate::sign::key::KEY_ENV
                ));
            }
        }
        Ok(())
    }
}

/// Runs the parsed command; returns the exit code.
pub fn run(cli: Cli) -> Result<i32> {
    let color = crate::ui::use_color(cli.color);
    let ui = common::Ui { color, quiet: cli.quiet };
    match cli.command {
        Command::Init(a) => init::run(a, &ui),
        Command::Check(a) => check::run(a, &ui),
        Command::Gate(a) => gate::run(a, &ui),
        Command::Score(a) => score::score(a, &ui),
        Command::Audit(a) => score::audit(a, &ui),
        Command::Schema(a) => schema::run(a, &ui),
        Command::Profile(a) => profile::run(a, &ui),
        Command::Report(a) => report::report(a, &ui),
        Command::Verify(a) => verify::verify(a, &ui),
        Command::Approve(a) => release::approve(a, &ui),
        Command::Promote(a) => release::promote(a, &ui),
        Command::Comment(a) => comment::run(a, &ui),
        Command::Explain { code } => explain(code.as_deref()),
    }
}

/// Every check code: the gates', then the threshold review's.
fn all_codes() -> Vec<(&'static str, &'static str)> {
    let mut codes = crate::gates::codes();
    codes.extend(crate::codes::listing::<crate::review::codes::Code>());
    codes
}

fn explain(code: Option<&str>) -> Result<i32> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match code {
        None => {
            for (c, d) in all_codes() {
                writeln!(out, "{c:<28} {d}")?;
            }
            Ok(crate::exit::SUCCESS)
        }
        Some(c) => match all_codes().into_iter().find(|(k, _)| *k == c).map(|(_, d)| d) {
            Some(d) => {
                writeln!(out, "{c}: {d}")?;
                Ok(crate::exit::SUCCESS)
            }
            None => {
                let hint = crate::diag::closest(c, all_codes().iter().map(|(c, _)| *c))
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                Err(crate::error::user(format!("unknown check code {}", crate::error::quoted(c)))
                    .hint(format!("{hint}`mlgate explain` lists every code"))
                    .into())
            }
        },
    }
}
