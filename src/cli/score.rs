//! `mlgate score` (the ML Test Score of a repository) and `mlgate audit` (score plus gates,
//! kept as a dated snapshot so the trend shows across audits).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;

use super::ReportArgs;
use super::common::{self, Origin, Ui};
use crate::config::Config;
use crate::error::user;
use crate::rubric::Rubric;
use crate::rubric::detect::GateSeen;
use crate::rubric::scan::RepoIndex;
use crate::rubric::score::{self, Claim, HistoryPoint, RubricResult};
use crate::run::RunCtx;

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Repository to score.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,

    /// Configuration with gates and [evidence] claims (default: REPO/mlgate.toml if present).
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// A rubric file replacing (or, with `extends`, extending) the built-in ML Test Score.
    #[arg(long, value_name = "FILE")]
    pub rubric: Option<PathBuf>,

    /// Exit 1 when the final score is below this.
    #[arg(long, value_name = "X")]
    pub min_score: Option<f64>,

    /// Count `status = "na"` claims as full points (mlgate's extension; the paper has no N/A).
    #[arg(long)]
    pub allow_na: bool,

    /// Print how one test was scored instead of the report: its level, the evidence (file
    /// and line, and the chain from a trigger), why it is not higher and the cheapest step
    /// up (`--explain data.1`). `--explain automation` prints the automation graph: every
    /// CI job and schedule found, and each file they reach with its chain.
    #[arg(long, value_name = "TEST|automation")]
    pub explain: Option<String>,

    #[command(flatten)]
    pub runs: super::runs::RunsArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub score: ScoreArgs,

    /// Let paths named in mlgate.toml (data, schemas, profiles) point outside the
    /// repository, or through symbolic links that leave it. Off by default: a pull request
    /// writes that file.
    #[arg(long)]
    pub allow_outside_repo: bool,

    /// Folder of dated audit snapshots, committed with the repository.
    #[arg(long, value_name = "DIR", default_value = "mlgate-audits")]
    pub history: PathBuf,
}

struct Scored {
    config: Option<Config>,
    rubric: RubricResult,
    spec: Rubric,
    index: RepoIndex,
}

/// The configuration `score` and `audit` read: `--config`, or REPO/mlgate.toml when present.
fn config_of(a: &ScoreArgs) -> Result<Option<Config>> {
    let config_path =
        a.config.clone().or_else(|| Some(a.repo.join(crate::config::DEFAULT_CONFIG)).filter(|p| p.is_file()));
    config_path.as_deref().map(Config::load).transpose()
}

fn repo_dir(a: &ScoreArgs) -> Result<()> {
    if a.repo.is_dir() {
        return Ok(());
    }
    Err(user(format!("{} is not a folder", a.repo.display())).hint("pass --repo DIR, the repository to score").into())
}

/// Scores the repository; `from_run` holds the outcomes of gates an `audit` has just run,
/// which take precedence over results recorded in the repository.
fn run_score(a: &ScoreArgs, ui: &Ui, config: Option<Config>, from_run: BTreeMap<String, GateSeen>) -> Result<Scored> {
    if let Some(m) = a.min_score
        && !(0.0..=7.0).contains(&m)
    {
        return Err(user(format!("--min-score {m} must be between 0 and 7")).into());
    }
    let rubric = match &a.rubric {
        None => Rubric::builtin(),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| user(format!("cannot read rubric {}: {e}", p.display())).hint("check the path"))?;
            Rubric::from_text(&text, &p.display().to_string())?
        }
    };
    let mut gates = BTreeSet::new();
    let mut claims = BTreeMap::new();
    if let Some(c) = &config {
        gates.extend(c.raw.gates.enabled().into_iter().map(|k| k.as_str().to_string()));
        super::runs::check_config(c)?;
        // `runs` names folders of run outputs, not a claim.
        for (k, v) in c.raw.evidence.iter().filter(|(k, _)| k.as_str() != "runs") {
            let claim: Claim = v.get_ref().clone().try_into().map_err(|e: toml::de::Error| {
                user(format!("{}: [evidence].\"{k}\": {}", c.at(&v.span()), e.message()))
                    .hint("write \"monitoring.7\" = { status = \"manual\", link = \"docs/runbooks/quality.md\" }")
            })?;
            claims.insert(k.clone(), claim);
        }
    }
    let progress = ui.progress();
    progress.step("scanning the repository");
    let index = RepoIndex::build(&a.repo);
    let mut seen = crate::rubric::recorded::gates(&index);
    let mut run_notes = Vec::new();
    progress.step("reading run outputs");
    let runs = super::runs::gather(&a.runs, config.as_ref(), &mut run_notes)?;
    if let Some((set, _)) = &runs {
        // A result in the run outputs is newer evidence than one committed, when dated later.
        for (kind, g) in crate::rubric::ran::gates_seen(set) {
            if seen.get(&kind).is_none_or(|s| s.at.is_none() || s.at < g.at) {
                seen.insert(kind, g);
            }
        }
    }
    seen.extend(from_run);
    progress.step("scoring");
    let inputs = score::Inputs {
        index: &index,
        gates,
        seen,
        claims,
        allow_na: a.allow_na,
        runs: runs.as_ref().map(|(s, p)| (s, p.clone())),
    };
    let mut r = score::score(&rubric, &inputs)?;
    r.notes.extend(run_notes);
    r.min_score = a.min_score;
    progress.finish();
    if !ui.quiet {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr().lock(),
            "scanned {} files and {} CI jobs in {} ms",
            crate::text::int(index.files.len() as u64),
            index.jobs.len(),
            index.elapsed_ms
        );
    }
    Ok(Scored { config, rubric: r, spec: rubric, index })
}

/// Prints `--explain` and says so, or leaves the run to the report.
fn explained(a: &ScoreArgs, s: &Scored) -> Result<bool> {
    let Some(what) = &a.explain else { return Ok(false) };
    let text = if what == "automation" {
        super::explain::automation(&s.index, &crate::rubric::graph::build(&s.index))
    } else {
        super::explain::test(what, &s.spec, &s.rubric)?
    };
    use std::io::Write;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(true)
}

pub fn score(a: ScoreArgs, ui: &Ui) -> Result<i32> {
    repo_dir(&a)?;
    let s = run_score(&a, ui, config_of(&a)?, BTreeMap::new())?;
    if explained(&a, &s)? {
        return Ok(crate::exit::SUCCESS);
    }
    let results = common::assemble_with_rubric(
        Origin { command: "score".into(), git_dir: &a.repo, config: s.config.as_ref() },
        RunCtx::default(),
        vec![],
        Some(s.rubric.clone()),
        common::fail_on(a.report.fail_on, s.config.as_ref()),
    )?;
    common::finish(&results, &a.report, None, ui)
}

fn date_of(timestamp: &str) -> String {
    timestamp.chars().take(10).collect()
}

/// Previous audits from the history folder, oldest first, without today's.
fn read_history(dir: &Path, today: &str, notes: &mut Vec<String>) -> Vec<HistoryPoint> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    let mut files: Vec<PathBuf> =
        entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect();
    files.sort();
    for f in files {
        let parsed = std::fs::read_to_string(&f)
            .ok()
            .and_then(|t| serde_json::from_str::<crate::results::Results>(&t).ok())
            .and_then(|r| r.rubric.map(|v| (date_of(&r.run.timestamp), v)));
        match parsed {
            Some((date, rr)) if date != today => {
                out.push(HistoryPoint {
                    date,
                    sections: rr.sections.iter().map(|s| (s.title.clone(), s.score)).collect(),
                    final_score: rr.final_score,
                });
            }
            Some(_) => {}
            None => notes.push(format!("{} is not an mlgate audit snapshot; left out of the trend", f.display())),
        }
    }
    out
}

pub fn audit(a: AuditArgs, ui: &Ui) -> Result<i32> {
    crate::paths::allow_outside(a.allow_outside_repo);
    repo_dir(&a.score)?;
    // The gates run first, so the rubric credits what they found, not that they are configured.
    let config = config_of(&a.score)?;
    let mut ctx = RunCtx::default();
    let gates = match &config {
        Some(cfg) if cfg.raw.gates.any() => {
            let progress = ui.progress();
            let mut g = crate::run::configured(cfg, &mut ctx, &progress)?;
            let changes = crate::review::history::threshold_changes(cfg);
            for gate in &mut g {
                gate.thresholds.last_changed = changes.get(&gate.kind).cloned();
            }
            g
        }
        _ => vec![],
    };
    let s = run_score(&a.score, ui, config, crate::rubric::recorded::from_run(&gates, "audit"))?;
    if explained(&a.score, &s)? {
        return Ok(crate::exit::SUCCESS);
    }
    let timestamp = crate::provenance::timestamp()?;
    let today = date_of(&timestamp);
    let history_dir = if a.history.is_absolute() { a.history.clone() } else { a.score.repo.join(&a.history) };
    let mut rubric = s.rubric.clone();
    let mut history = read_history(&history_dir, &today, &mut rubric.notes);
    // The snapshot is stored without the trend; the report carries the trend.
    let snapshot = common::assemble_with_rubric(
        Origin { command: "audit".into(), git_dir: &a.score.repo, config: s.config.as_ref() },
        RunCtx::default(),
        gates.clone(),
        Some(rubric.clone()),
        common::fail_on(a.score.report.fail_on, s.config.as_ref()),
    )?;
    history.push(HistoryPoint {
        date: today.clone(),
        sections: rubric.sections.iter().map(|s| (s.title.clone(), s.score)).collect(),
        final_score: rubric.final_score,
    });
    rubric.history = history;
    let results = common::assemble_with_rubric(
        Origin { command: "audit".into(), git_dir: &a.score.repo, config: s.config.as_ref() },
        ctx,
        gates,
        Some(rubric.clone()),
        common::fail_on(a.score.report.fail_on, s.config.as_ref()),
    )?;
    let mut snapshot = snapshot;
    snapshot.inputs = results.inputs.clone();
    let text = crate::render::json(&snapshot)?;
    crate::output::write_atomic(&history_dir.join(format!("{today}.json")), text.as_bytes())
        .with_context(|| format!("writing the audit snapshot into {}", history_dir.display()))?;
    common::finish(&results, &a.score.report, Some(PathBuf::from("mlgate-report")), ui)
}
