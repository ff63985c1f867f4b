//! Drift gate: has the data under a running model shifted away from what it was trained on?
//!
//! For every compared column (features, and the model score when present): PSI over
//! reference-quantile bins, the two-sample Kolmogorov–Smirnov test (numeric), the χ² test of
//! homogeneity (categorical), the Jensen–Shannon distance, the Wasserstein distance
//! normalised by the reference's standard deviation, the change in the share of missing
//! values, and the share of categories never seen in the reference. p-values are corrected
//! across columns (Benjamini–Hochberg by default) and reported next to effect sizes,
//! because on millions of rows every difference is "significant".
//!
//! Two ways to compute, chosen per run and stated in the report:
//! - **exact**: both datasets are read into memory (up to `exact_max_bytes` of files) and
//!   every statistic uses all values (sorted with a radix sort);
//! - **binned**: a side is a saved profile, or the data is too large for memory; both
//!   sides are reduced to profiles in one streaming pass, PSI and JS use bins aligned to
//!   the profile's histogram buckets (exact counts), and KS and Wasserstein are computed
//!   from the buckets (KS with a lower/upper bound, Wasserstein assuming values spread
//!   evenly within a bucket of relative width 2⁻ᵐ).

pub mod column;
pub mod compare;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::Source;
use crate::error::{quoted, user};
use crate::gates::RunCtx;
use crate::profile::Profile;
use crate::results::{Check, GateResult, Status, Threshold};
use crate::stats::multiple;
use crate::stats::psi::EmptyBins;
use crate::text;
use column::ColumnData;
pub use compare::{CompareSettings, FeatureThresholds, Levels, code};

/// Multiple-testing correction across columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, Default)]
#[serde(rename_all = "lowercase")]
pub enum Correction {
    /// Benjamini–Hochberg (false discovery rate).
    #[default]
    Bh,
    /// Bonferroni (family-wise error rate).
    Bonferroni,
    /// Raw p-values.
    None,
}

impl Correction {
    fn label(self) -> &'static str {
        match self {
            Correction::Bh => "BH",
            Correction::Bonferroni => "Bonferroni",
            Correction::None => "un",
        }
    }
}

/// How to compute (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, Default)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    #[default]
    Auto,
    Exact,
    Binned,
}

/// Compatibility modes reproducing another tool's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Compat {
    /// Evidently's PSI (Sturges bins), JS and normed Wasserstein.
    Evidently,
}

/// Per-column threshold overrides (`[gates.drift.features.NAME]`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureOverride {
    pub psi: Option<Levels>,
    pub ks: Option<Levels>,
    pub wasserstein: Option<Levels>,
    pub js: Option<Levels>,
    pub chi2: Option<Levels>,
    pub null_rate: Option<Levels>,
    pub unseen: Option<Levels>,
}

/// Everything the gate needs besides the data, with defaults applied.
#[derive(Debug, Clone)]
pub struct DriftSettings {
    pub compare: CompareSettings,
    pub thresholds: FeatureThresholds,
    pub overrides: BTreeMap<String, FeatureOverride>,
    pub alpha: f64,
    pub correction: Correction,
    pub min_rows: u64,
    /// Feature importance weights and the file they came from.
    pub importance: Option<(BTreeMap<String, f64>, String)>,
    pub importance_share: Levels,
    pub method: Method,
    pub exact_max_bytes: u64,
}

impl Default for DriftSettings {
    fn default() -> Self {
        DriftSettings {
            compare: CompareSettings { bins: 10, empty_bins: EmptyBins::Replace, epsilon: 1e-4, evidently: false },
            thresholds: FeatureThresholds::default(),
            overrides: BTreeMap::new(),
            alpha: 0.05,
            correction: Correction::Bh,
            min_rows: 100,
            importance: None,
            importance_share: Levels::new(Some(0.1), Some(0.3)),
            method: Method::Auto,
            exact_max_bytes: 512 * 1024 * 1024,
        }
    }
}

impl DriftSettings {
    fn thresholds_for(&self, name: &str) -> FeatureThresholds {
        let base = self.thresholds;
        match self.overrides.get(name) {
            None => base,
            Some(o) => FeatureThresholds {
                psi: base.psi.overridden(o.psi.as_ref()),
                ks: base.ks.overridden(o.ks.as_ref()),
                wasserstein: base.wasserstein.overridden(o.wasserstein.as_ref()),
                js: base.js.overridden(o.js.as_ref()),
                chi2: base.chi2.overridden(o.chi2.as_ref()),
                null_rate: base.null_rate.overridden(o.null_rate.as_ref()),
                unseen: base.unseen.overridden(o.unseen.as_ref()),
            },
        }
    }
}

/// One side of the comparison: a data file or a saved profile.
#[derive(Debug, Clone)]
pub enum SideSpec {
    Data(Source),
    Profile { name: String, path: PathBuf, shown: String },
}

impl SideSpec {
    pub fn name(&self) -> &str {
        match self {
            SideSpec::Data(s) => &s.name,
            SideSpec::Profile { name, .. } => name,
        }
    }

    /// A path is a profile when it ends in `.json` (data files never do).
    pub fn from_path(name: &str, given: &str, base: &Path, origin: &str) -> Result<SideSpec> {
        if given.to_ascii_lowercase().ends_with(".json") {
            let path = base.join(given);
            if !path.is_file() {
                return Err(user(format!("profile {} ({name}) not found", quoted(given)))
                    .hint(format!(
                        "check the path given in {origin}; write a profile with `mlgate profile DATA -o FILE`"
                    ))
                    .into());
            }
            return Ok(SideSpec::Profile { name: name.to_string(), path, shown: given.to_string() });
        }
        Ok(SideSpec::Data(Source::new(name, given, base, origin)?))
    }
}

/// Which columns to compare.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Explicit list; default: every reference column except `exclude`.
    pub columns: Option<Vec<String>>,
    /// Role columns never compared as features (label, entity, timestamp, …).
    pub exclude: Vec<String>,
    /// The model-score column, reported with role `score`.
    pub score: Option<String>,
}

/// Loaded columns of one side.
struct Loaded {
    columns: HashMap<String, ColumnData>,
    names: Vec<String>,
    rows: u64,
}

fn available(side: &SideSpec) -> Result<Vec<String>> {
    Ok(match side {
        SideSpec::Data(src) => src.schema()?.iter_names().map(|n| n.to_string()).collect(),
        SideSpec::Profile { path, shown, .. } => {
            Profile::load(path, shown)?.columns.iter().map(|c| c.name.clone()).collect()
        }
    })
}

fn load_side(side: &SideSpec, wanted: &[String], exact: bool, ctx: &mut RunCtx) -> Result<Loaded> {
    match side {
        SideSpec::Profile { name, path, shown } => {
            let p = Profile::load(path, shown)?;
            ctx.record_file(name, shown, path, "profile", Some(p.rows))?;
            let columns = p
                .columns
                .iter()
                .filter(|c| wanted.contains(&c.name))
                .map(|c| (c.name.clone(), ColumnData::from_profile(c)))
                .collect();
            Ok(Loaded { columns, names: p.columns.iter().map(|c| c.name.clone()).collect(), rows: p.rows })
        }
        SideSpec::Data(src) => {
            let schema = src.schema()?;
            let present: Vec<String> = wanted.iter().filter(|w| schema.contains(w)).cloned().collect();
            let names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
            if exact {
                // polars fills short CSV rows with nulls: check field counts alongside the read.
                let csv_check = matches!(src.format, crate::data::Format::Csv | crate::data::Format::Tsv).then(|| {
                    let path = src.path.clone();
                    let sep = if src.format == crate::data::Format::Tsv { b'\t' } else { b',' };
                    std::thread::spawn(move || crate::data::diagnose::csv_problem(&path, sep))
                });
                ctx.record_source_async(src, None);
                let df = {
                    use polars::prelude::*;
                    let lf =
                        src.scan(Some(10_000))?.select(present.iter().map(|n| col(n.as_str())).collect::<Vec<_>>());
                    lf.collect().map_err(|e| src.read_error(e))?
                };
                if let Some(Ok(Some(p))) = csv_check.map(|h| h.join()) {
                    return Err(user(format!(
                        "data file {} ({}) is not valid CSV: {p}",
                        quoted(&src.display),
                        src.name
                    ))
                    .hint(format!("every row needs as many fields as the header (given in {})", src.origin))
                    .into());
                }
                let rows = df.height() as u64;
                if rows == 0 {
                    return Err(user(format!("data file {} ({}) has no data rows", quoted(&src.display), src.name))
                        .hint("an empty sample cannot be compared; check the export that wrote it")
                        .into());
                }
                ctx.record_source_async(src, Some(rows));
                let cols: Vec<(String, ColumnData)> = present
                    .par_iter()
                    .map(|n| {
                        let s = df.column(n).expect("selected").as_materialized_series();
                        ColumnData::from_series(s).map(|d| (n.clone(), d))
                    })
                    .collect::<Result<_>>()?;
                Ok(Loaded { columns: cols.into_iter().collect(), names, rows })
            } else {
                let p = crate::profile::stream::profile_source(src, Some(&present))?;
                ctx.record_source_digest(src, Some(p.rows), &p.sources[0].sha256);
                let columns = p.columns.iter().map(|c| (c.name.clone(), ColumnData::from_profile(c))).collect();
                Ok(Loaded { columns, names, rows: p.rows })
            }
        }
    }
}

fn file_size(side: &SideSpec) -> u64 {
    match side {
        SideSpec::Data(s) => std::fs::metadata(&s.path).map(|m| m.len()).unwrap_or(u64::MAX),
        SideSpec::Profile { .. } => 0,
    }
}

/// Reads a feature-importance file: a JSON object `{"feature": weight}` or a CSV with a
/// header naming the feature column (`feature`/`name`/`column`) and the weight column
/// (`importance`/`weight`/`gain`).
pub fn load_importance(path: &Path, shown: &str) -> Result<BTreeMap<String, f64>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| user(format!("cannot read importance file {}: {e}", quoted(shown))).hint("check the path"))?;
    let mut out = BTreeMap::new();
    let bad = |what: String| -> anyhow::Error {
        user(format!("{shown}: {what}"))
            .hint("importance is JSON {\"feature\": weight, …} or CSV with columns feature,importance; weights are non-negative numbers")
            .into()
    };
    if shown.to_ascii_lowercase().ends_with(".json") {
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| bad(format!("line {}, column {}: not valid JSON: {e}", e.line(), e.column())))?;
        let obj = v.as_object().ok_or_else(|| bad("expected a JSON object of feature → weight".into()))?;
        for (k, w) in obj {
            let w = w.as_f64().ok_or_else(|| bad(format!("the weight of {} is not a number", quoted(k))))?;
            out.insert(k.clone(), w);
        }
    } else {
        let mut lines = text.lines();
        let header: Vec<String> =
            lines.next().unwrap_or("").split(',').map(|h| h.trim().trim_matches('"').to_ascii_lowercase()).collect();
        let fi = header
            .iter()
            .position(|h| ["feature", "name", "column"].contains(&h.as_str()))
            .ok_or_else(|| bad("no `feature` column in the header".into()))?;
        let wi = header
            .iter()
            .position(|h| ["importance", "weight", "gain"].contains(&h.as_str()))
            .ok_or_else(|| bad("no `importance` column in the header".into()))?;
        for (i, line) in lines.enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split(',').collect();
            let name = f.get(fi).map(|s| s.trim().trim_matches('"')).unwrap_or("");
            let w: f64 = f
                .get(wi)
                .and_then(|s| s.trim().parse().ok())
                .ok_or_else(|| bad(format!("line {}: the weight is not a number", i + 2)))?;
            out.insert(name.to_string(), w);
        }
    }
    if let Some((k, w)) = out.iter().find(|(_, w)| !(w.is_finite() && **w >= 0.0)) {
        return Err(bad(format!("the weight of {} is {w}; weights must be finite and non-negative", quoted(k))));
    }
    if out.values().sum::<f64>() <= 0.0 {
        return Err(bad("all weights are zero".into()));
    }
    Ok(out)
}

/// Runs the drift gate.
pub fn run(
    reference: &SideSpec,
    current: &SideSpec,
    score_reference: Option<&SideSpec>,
    selection: &Selection,
    settings: &DriftSettings,
    ctx: &mut RunCtx,
) -> Result<GateResult> {
    let ref_cols = available(reference)?;
    let cur_cols = available(current)?;
    let mut wanted: Vec<String> = match &selection.columns {
        Some(c) => c.clone(),
        None => ref_cols.iter().filter(|c| !selection.exclude.contains(c)).cloned().collect(),
    };
    if let Some(sc) = &selection.score
        && !wanted.contains(sc)
        && (ref_cols.contains(sc) || score_reference.is_some())
        && cur_cols.contains(sc)
    {
        wanted.push(sc.clone());
    }
    if let Some(c) = &selection.columns {
        let unknown: Vec<&String> = c.iter().filter(|n| !ref_cols.contains(n) && !cur_cols.contains(n)).collect();
        if !unknown.is_empty() {
            let names: Vec<&str> = ref_cols.iter().map(String::as_str).collect();
            let hint = crate::config::closest(unknown[0], names.iter().copied())
                .map(|s| format!("did you mean {}? ", quoted(s)))
                .unwrap_or_default();
            return Err(user(format!(
                "column {} is in neither {} nor {}",
                quoted(unknown[0]),
                reference.name(),
                current.name()
            ))
            .hint(format!("{hint}reference columns: {}", crate::data::preview_names(&names)))
            .into());
        }
    }
    if wanted.is_empty() {
        return Err(user("no columns to compare")
            .hint("the reference has no columns besides the label/entity/timestamp roles; list columns explicitly")
            .into());
    }

    let both_data = matches!(reference, SideSpec::Data(_)) && matches!(current, SideSpec::Data(_));
    let fits = file_size(reference).saturating_add(file_size(current)) <= settings.exact_max_bytes;
    let exact = match settings.method {
        Method::Exact => both_data,
        Method::Binned => false,
        Method::Auto => both_data && (fits || settings.compare.evidently),
    };
    if settings.compare.evidently && !exact {
        return Err(user("Evidently compatibility needs both sides as data files, read exactly")
            .hint("pass data files (not profiles) for reference and current, and do not force --method binned")
            .into());
    }
    if settings.method == Method::Exact && !both_data {
        return Err(user("--method exact needs data files on both sides; a profile can only be compared binned")
            .hint("use --method auto or binned with a profile reference")
            .into());
    }

    let mut r = load_side(reference, &wanted, exact, ctx)?;
    let c = load_side(current, &wanted, exact, ctx)?;
    if let (Some(sr), Some(sc)) = (score_reference, &selection.score) {
        let l = load_side(sr, std::slice::from_ref(sc), exact && matches!(sr, SideSpec::Data(_)), ctx)?;
        if let Some(d) = l.columns.get(sc) {
            r.columns.insert(sc.clone(), d.clone());
        } else {
            return Err(user(format!("score column {} is not in {}", quoted(sc), sr.name()))
                .hint("set [columns].score to the column holding the model's output")
                .into());
        }
    }
    // A side read from a profile is compared binned even when the other side is exact.
    let mode = if exact { "exact" } else { "binned" };

    let mut outcomes: Vec<compare::FeatureOutcome> = wanted
        .par_iter()
        .map(|name| {
            let role = if selection.score.as_deref() == Some(name.as_str()) {
                compare::Role::Score
            } else {
                compare::Role::Feature
            };
            compare::compare(
                name,
                role,
                r.columns.get(name),
                c.columns.get(name),
                &settings.thresholds_for(name),
                &settings.compare,
            )
        })
        .collect();

    // Multiple-testing correction across the columns that were tested.
    let ps: Vec<f64> = outcomes.iter().map(|o| o.test.map(|t| t.1).unwrap_or(f64::NAN)).collect();
    let adjusted = match settings.correction {
        Correction::Bh => multiple::benjamini_hochberg(&ps),
        Correction::Bonferroni => multiple::bonferroni(&ps),
        Correction::None => ps.clone(),
    };
    let n_tests = ps.iter().filter(|p| p.is_finite()).count();
    for (o, adj) in outcomes.iter_mut().zip(&adjusted) {
        compare::finish_significance(o, *adj, settings.alpha, settings.correction.label());
    }

    let mut gate_checks = Vec::new();
    let smallest = r.rows.min(c.rows);
    if smallest < settings.min_rows {
        let side = if c.rows <= r.rows { current.name() } else { reference.name() };
        gate_checks.push(
            Check::new(
                code::SAMPLE_SIZE,
                side,
                Status::Warn,
                format!(
                    "{side} has {} rows; below {} the drift statistics are too noisy to judge, read them with care",
                    text::int(smallest),
                    text::int(settings.min_rows)
                ),
            )
            .with_value("rows", smallest as f64)
            .with_threshold(Threshold::at_least(Some(settings.min_rows as f64), None)),
        );
    }

    // Importance weighting: per-column failures inform, the drifted share decides.
    let mut notes = Vec::new();
    if let Some((weights, shown)) = &settings.importance {
        let total: f64 = wanted.iter().map(|n| weights.get(n).copied().unwrap_or(0.0)).sum();
        let missing: Vec<&String> = wanted.iter().filter(|n| !weights.contains_key(*n)).collect();
        if !missing.is_empty() {
            notes.push(format!(
                "{} compared column(s) have no weight in {shown} and count as 0: {}",
                missing.len(),
                missing.iter().take(8).map(|s| quoted(s)).collect::<Vec<_>>().join(", ")
            ));
        }
        let mut failed_w = 0.0;
        let mut warned_w = 0.0;
        let mut drifted = Vec::new();
        for o in outcomes.iter_mut() {
            let w = weights.get(&o.row.feature).copied().unwrap_or(0.0);
            o.row.importance = Some(if total > 0.0 { w / total } else { 0.0 });
            let st = Status::worst(o.checks.iter().map(|c| c.status));
            if st >= Status::Fail {
                failed_w += w;
                drifted.push(o.row.feature.clone());
                for ch in o.checks.iter_mut().filter(|c| c.status == Status::Fail) {
                    ch.status = Status::Warn;
                    ch.details
                        .insert("weighted".into(), serde_json::json!("fail downgraded: the importance check decides"));
                }
            } else if st == Status::Warn {
                warned_w += w;
            }
            o.row.status = Status::worst(o.checks.iter().map(|c| c.status));
        }
        let share = if total > 0.0 { failed_w / total } else { 0.0 };
        let status = settings.importance_share.judge(share);
        gate_checks.push(
            Check::new(
                code::IMPORTANCE,
                "importance",
                status,
                format!(
                    "drifted columns hold {} of the model's importance{}",
                    text::pct(share),
                    if drifted.is_empty() { String::new() } else { format!(" ({})", drifted.join(", ")) }
                ),
            )
            .with_value("drifted_importance_share", share)
            .with_threshold(settings.importance_share.threshold())
            .with_detail("warned_importance_share", if total > 0.0 { warned_w / total } else { 0.0 })
            .with_detail("file", shown),
        );
        outcomes.sort_by(|a, b| {
            b.row
                .importance
                .unwrap_or(0.0)
                .total_cmp(&a.row.importance.unwrap_or(0.0))
                .then(a.row.feature.cmp(&b.row.feature))
        });
    } else {
        outcomes.sort_by(|a, b| {
            let sa = Status::worst(a.checks.iter().map(|c| c.status));
            let sb = Status::worst(b.checks.iter().map(|c| c.status));
            sb.cmp(&sa)
                .then(b.row.psi.unwrap_or(-1.0).total_cmp(&a.row.psi.unwrap_or(-1.0)))
                .then(a.row.feature.cmp(&b.row.feature))
        });
    }
    // The score first: it is what users see.
    outcomes.sort_by_key(|o| o.row.role != compare::Role::Score);

    let new_cols: Vec<&String> = c
        .names
        .iter()
        .filter(|n| !r.names.contains(n) && !selection.exclude.contains(n) && !wanted.contains(n))
        .collect();
    if !new_cols.is_empty() && selection.columns.is_none() {
        notes.push(format!(
            "{} column(s) only in {} were not compared: {}",
            new_cols.len(),
            current.name(),
            new_cols.iter().take(8).map(|s| quoted(s)).collect::<Vec<_>>().join(", ")
        ));
    }
    if mode == "binned" {
        notes.push(
            "Binned comparison (a profile, or data larger than exact_max_bytes): KS is reported as the lower bound with its upper bound as the interval; Wasserstein assumes values spread evenly within a histogram bucket.".into(),
        );
    }

    let rows: Vec<&compare::FeatureRow> = outcomes.iter().map(|o| &o.row).collect();
    let mut checks = gate_checks;
    for o in &outcomes {
        checks.extend(o.checks.iter().cloned());
    }
    let mut g = GateResult::from_checks("drift", crate::results::GateKind::Drift, checks);
    let failing: Vec<&compare::FeatureRow> = rows.iter().copied().filter(|r| r.status >= Status::Fail).collect();
    let warning: Vec<&compare::FeatureRow> = rows.iter().copied().filter(|r| r.status == Status::Warn).collect();
    let describe = |r: &&compare::FeatureRow| match r.psi {
        Some(p) => format!("{} (PSI {})", r.feature, text::num(p)),
        None => r.feature.clone(),
    };
    g.summary = if failing.is_empty() && warning.is_empty() {
        format!("{} columns compared, none drifted ({} vs {})", rows.len(), reference.name(), current.name())
    } else {
        let mut parts = Vec::new();
        if !failing.is_empty() {
            parts.push(format!(
                "{} of {} columns drifted: {}",
                failing.len(),
                rows.len(),
                failing.iter().take(4).map(describe).collect::<Vec<_>>().join(", ")
            ));
        }
        if !warning.is_empty() {
            parts.push(format!(
                "{} warned: {}",
                warning.len(),
                warning.iter().take(3).map(describe).collect::<Vec<_>>().join(", ")
            ));
        }
        parts.join("; ")
    };
    g.inputs = vec![reference.name().to_string(), current.name().to_string()];
    if let Some(sr) = score_reference {
        g.inputs.push(sr.name().to_string());
    }
    g.thresholds.values = serde_json::json!({
        "psi": settings.thresholds.psi,
        "ks": settings.thresholds.ks,
        "wasserstein": settings.thresholds.wasserstein,
        "js": settings.thresholds.js,
        "chi2_cramers_v": settings.thresholds.chi2,
        "null_rate": settings.thresholds.null_rate,
        "unseen": settings.thresholds.unseen,
        "alpha": settings.alpha,
        "correction": settings.correction,
        "min_rows": settings.min_rows,
        "importance_share": settings.importance.as_ref().map(|_| settings.importance_share),
        "overrides": settings.overrides,
    });
    let s = &settings.compare;
    let m = &mut g.method;
    m.insert("mode".into(), mode.into());
    if s.evidently {
        m.insert("compat".into(), "evidently".into());
        m.insert(
            "binning".into(),
            "Evidently: equal-width Sturges bins over reference and current combined when the reference has more than 20 distinct values, else one bin per value; NaN and ±inf dropped first".into(),
        );
        m.insert("empty_bins".into(), EmptyBins::Evidently.describe(s.epsilon).into());
        m.insert("wasserstein".into(), "W1 / max(population std of reference, 0.001)".into());
    } else {
        m.insert(
            "binning".into(),
            format!(
                "reference-quantile bins: {} bins with edges at the reference's i/{} quantiles (linear interpolation), duplicate edges merged, outer bins open-ended; one bin per value when the reference has at most 20 distinct values; categories: one bin each",
                s.bins, s.bins
            )
            .into(),
        );
        m.insert("empty_bins".into(), s.empty_bins.describe(s.epsilon).into());
        m.insert("wasserstein".into(), "W1 / population standard deviation of the reference".into());
    }
    m.insert("log_base".into(), "natural logarithm (e) for PSI and Jensen–Shannon".into());
    m.insert(
        "js".into(),
        "Jensen–Shannon distance (square root of the divergence), natural log, range [0, 0.8326]".into(),
    );
    m.insert(
        "ks".into(),
        "two-sided two-sample KS; exact p-value when both samples have at most 10,000 values, else asymptotic (as scipy.stats.ks_2samp method='auto')".into(),
    );
    m.insert(
        "chi2".into(),
        "χ² test of homogeneity on the 2×k table (Yates correction when dof = 1); effect size Cramér's V".into(),
    );
    m.insert(
        "significance".into(),
        format!(
            "{} across {n_tests} tests at α = {}; a KS or χ² threshold applies only to significant differences",
            match settings.correction {
                Correction::Bh => "Benjamini–Hochberg",
                Correction::Bonferroni => "Bonferroni",
                Correction::None => "no correction",
            },
            settings.alpha
        )
        .into(),
    );
    m.insert("missing".into(), "nulls plus NaN, as a share of rows".into());
    g.series = Some(crate::results::GateSeries::Drift(crate::results::series::DriftSeries {
        features: rows.into_iter().cloned().collect(),
        psi: settings.thresholds.psi,
    }));
    g.notes = notes;
    Ok(g)
}

/// Resolves a `reference`/`current` entry from the config: a dataset name or a profile path.
pub fn side_from_config(cfg: &crate::config::Config, value: &toml::Spanned<String>, key: &str) -> Result<SideSpec> {
    let v = value.get_ref();
    if cfg.has_input(v) {
        return Ok(SideSpec::Data(cfg.source(v)?));
    }
    let origin = format!("[gates.drift].{key} at {}", cfg.at(&value.span()));
    SideSpec::from_path(key, v, &cfg.dir, &origin).with_context(|| format!("[gates.drift].{key}"))
}
