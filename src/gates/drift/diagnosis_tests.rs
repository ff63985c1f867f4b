//! Drift kinds on simulated data with a known answer: a pure prior shift (the label rate
//! doubles, the class-conditional inputs stay), a pure concept shift (the inputs and the
//! label rate stay, the relation between them weakens), an unrelated input that moves
//! (covariate only), no change at all, and outcomes that are missing, too few, or observed
//! only for one decision.

use std::collections::HashMap;

use super::diagnosis::{Labelled, Outcomes};
use super::verdict_tests::column;
use super::{Loaded, Settings, Side};
use crate::results::{GateResult, Status};
use crate::stats::intervals::SeededRng;

fn normal(rng: &mut SeededRng) -> f64 {
    let (u1, u2) = (rng.unit().max(f64::MIN_POSITIVE), rng.unit());
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// One side: feature `x` carries the signal, `z` is unrelated noise shifted by `z_shift`.
struct World {
    /// P(y = 1) when `y` is drawn first (label-shift worlds), else unused.
    prior: Option<f64>,
    /// Log-odds slope of y on x when `y` is drawn from x (concept worlds).
    slope: f64,
    z_shift: f64,
}

struct Drawn {
    x: Vec<f64>,
    z: Vec<f64>,
    label: Vec<Option<bool>>,
    score: Vec<f64>,
}

fn draw(w: &World, n: usize, seed: u64) -> Drawn {
    let mut rng = SeededRng::new(seed);
    let mut d = Drawn { x: vec![], z: vec![], label: vec![], score: vec![] };
    for _ in 0..n {
        let (x, y) = match w.prior {
            // y first, then x | y ~ N(1.2·y, 1): a change in the prior moves nothing else.
            Some(p) => {
                let y = rng.unit() < p;
                (normal(&mut rng) + if y { 1.2 } else { 0.0 }, y)
            }
            None => {
                let x = normal(&mut rng);
                (x, rng.unit() < sigmoid(w.slope * x))
            }
        };
        d.x.push(x);
        d.z.push(normal(&mut rng) + w.z_shift);
        d.label.push(Some(y));
        // The model learned on the reference world: a fixed function of x.
        d.score.push(sigmoid(1.5 * x - 0.7));
    }
    d
}

fn side(name: &str, d: &Drawn) -> Side {
    let mut columns = HashMap::new();
    columns.insert("x".to_string(), column(d.x.clone()));
    columns.insert("z".to_string(), column(d.z.clone()));
    Side { name: name.into(), columns, names: vec!["x".into(), "z".into()], rows: d.x.len() as u64 }
}

fn outcomes(name: &str, d: &Drawn) -> Outcomes {
    Outcomes { source: name.into(), label: d.label.clone(), score: d.score.clone() }
}

fn run(reference: &Drawn, current: &Drawn) -> GateResult {
    let l = Loaded {
        reference: side("reference", reference),
        current: side("current", current),
        wanted: vec!["x".into(), "z".into()],
        exact: true,
        score_reference: None,
        importance: None,
        outcomes: Some(Labelled {
            label: "y".into(),
            score: "score".into(),
            reference: Some(outcomes("reference", reference)),
            score_reference: None,
            current: Some(outcomes("current", current)),
            gaps: vec![],
        }),
    };
    super::run(&l, &Settings::default())
}

/// What the gate found of each kind.
fn found(g: &GateResult) -> HashMap<String, String> {
    let Some(crate::results::GateSeries::Drift(d)) = &g.series else { panic!("no drift series") };
    d.kinds.iter().map(|k| (k.kind.clone(), k.found.clone())).collect()
}

fn status(g: &GateResult, code: &str) -> Status {
    g.checks.iter().find(|c| c.code == code).unwrap_or_else(|| panic!("no {code}: {:#?}", g.checks)).status
}

const N: usize = 8000;

#[test]
fn no_change_finds_no_kind() {
    let w = World { prior: Some(0.2), slope: 0.0, z_shift: 0.0 };
    let g = run(&draw(&w, N, 1), &draw(&w, N, 2));
    let f = found(&g);
    assert_eq!((f["covariate"].as_str(), f["prior"].as_str(), f["concept"].as_str()), ("absent", "absent", "absent"));
    assert_eq!(status(&g, "drift.label-rate"), Status::Pass);
    assert_eq!(status(&g, "drift.performance"), Status::Pass);
    assert!(g.summary.ends_with("; drift kinds found: none"), "{}", g.summary);
}

#[test]
fn a_doubled_label_rate_is_prior_drift_not_concept_drift() {
    let r = draw(&World { prior: Some(0.2), slope: 0.0, z_shift: 0.0 }, N, 3);
    let c = draw(&World { prior: Some(0.4), slope: 0.0, z_shift: 0.0 }, N, 4);
    let g = run(&r, &c);
    let f = found(&g);
    assert_eq!(f["prior"], "present", "{:#?}", g.checks);
    // The ranking does not move with the prior: AUC holds.
    assert_eq!(f["concept"], "absent", "{:#?}", g.checks);
    let rate = g.checks.iter().find(|c| c.code == "drift.label-rate").unwrap();
    let change = rate.details["relative_change_signed"].as_f64().unwrap();
    assert!((change - 1.0).abs() < 0.15, "{change}");
    let iv = rate.interval.as_ref().unwrap();
    assert!(iv.low < change && change < iv.high && iv.low > 0.5);
}

#[test]
fn a_weaker_relation_with_stable_inputs_is_concept_drift() {
    let r = draw(&World { prior: None, slope: 1.5, z_shift: 0.0 }, N, 5);
    let c = draw(&World { prior: None, slope: 0.3, z_shift: 0.0 }, N, 6);
    let g = run(&r, &c);
    let f = found(&g);
    assert_eq!(f["covariate"], "absent", "{:#?}", g.checks);
    assert_eq!(f["prior"], "absent", "{:#?}", g.checks);
    assert_eq!(f["concept"], "present", "{:#?}", g.checks);
    assert_eq!(status(&g, "drift.performance"), Status::Fail);
    assert!(g.summary.ends_with("; drift kinds found: concept (present)"), "{}", g.summary);
}

#[test]
fn an_unrelated_input_that_moves_is_covariate_drift_only() {
    let r = draw(&World { prior: None, slope: 1.5, z_shift: 0.0 }, N, 7);
    let c = draw(&World { prior: None, slope: 1.5, z_shift: 1.0 }, N, 8);
    let g = run(&r, &c);
    let f = found(&g);
    assert_eq!((f["covariate"].as_str(), f["prior"].as_str(), f["concept"].as_str()), ("present", "absent", "absent"));
}

#[test]
fn a_fall_with_moved_inputs_is_only_possibly_concept_drift() {
    let r = draw(&World { prior: None, slope: 1.5, z_shift: 0.0 }, N, 9);
    let c = draw(&World { prior: None, slope: 0.3, z_shift: 1.0 }, N, 10);
    let g = run(&r, &c);
    let Some(crate::results::GateSeries::Drift(d)) = &g.series else { panic!() };
    let concept = d.kinds.iter().find(|k| k.kind == "concept").unwrap();
    assert_eq!(concept.found, "possible");
    assert_eq!(concept.status, Status::Fail);
    assert!(concept.evidence.contains("cannot tell them apart"));
}

#[test]
fn missing_or_too_few_outcomes_are_not_judged() {
    let w = World { prior: Some(0.2), slope: 0.0, z_shift: 0.0 };
    let r = draw(&w, N, 11);
    let mut c = draw(&w, N, 12);
    // A label column that is all missing.
    c.label = vec![None; N];
    let g = run(&r, &c);
    assert_eq!(status(&g, "drift.label-rate"), Status::Skipped);
    assert_eq!(status(&g, "drift.performance"), Status::Skipped);
    let f = found(&g);
    assert_eq!((f["prior"].as_str(), f["concept"].as_str()), ("unknown", "unknown"));
    let msg = &g.checks.iter().find(|c| c.code == "drift.label-rate").unwrap().message;
    assert!(msg.contains("current has 0 labelled rows"), "{msg}");
    // No current outcomes at all: no checks, a note that says how to give them.
    let mut l = Loaded {
        reference: side("reference", &r),
        current: side("current", &c),
        wanted: vec!["x".into()],
        exact: true,
        score_reference: None,
        importance: None,
        outcomes: Some(Labelled { label: "y".into(), gaps: vec!["give outcomes".into()], ..Default::default() }),
    };
    let g = super::run(&l, &Settings::default());
    assert!(g.checks.iter().all(|c| !c.code.starts_with("drift.label") && c.code != "drift.performance"));
    assert!(g.notes.iter().any(|n| n.contains("give outcomes")), "{:?}", g.notes);
    // A reference with a single label value: the rate has no ratio.
    let mut one = r;
    one.label = vec![Some(false); N];
    l.outcomes = Some(Labelled {
        label: "y".into(),
        score: "score".into(),
        reference: Some(outcomes("reference", &one)),
        score_reference: None,
        current: Some(outcomes("current", &draw(&w, N, 13))),
        gaps: vec![],
    });
    let g = super::run(&l, &Settings::default());
    assert_eq!(status(&g, "drift.label-rate"), Status::Skipped);
    assert_eq!(status(&g, "drift.performance"), Status::Skipped);
}

#[test]
fn outcomes_seen_only_for_approved_rows_warn_of_a_feedback_loop() {
    let w = World { prior: None, slope: 1.5, z_shift: 0.0 };
    let r = draw(&w, N, 14);
    let mut c = draw(&w, N, 15);
    // Outcomes arrive only for rows the model scored below the decision threshold.
    for (l, s) in c.label.iter_mut().zip(&c.score) {
        if *s >= 0.5 {
            *l = None;
        }
    }
    let g = run(&r, &c);
    assert_eq!(status(&g, "drift.feedback-loop"), Status::Warn);
}

/// The label-rate interval is Katz's log risk-ratio interval: the values are
/// `scipy.stats.contingency.relative_risk(406, 1042, 1412, 4000).confidence_interval(0.95)`
/// (scipy 1.17.1), minus one.
#[test]
fn the_label_rate_interval_matches_scipy() {
    let rows = |k: usize, n: usize| (0..n).map(|i| Some(i < k)).collect::<Vec<_>>();
    let l = Labelled {
        label: "y".into(),
        score: "score".into(),
        reference: Some(Outcomes { source: "train".into(), label: rows(1412, 4000), score: vec![] }),
        score_reference: None,
        current: Some(Outcomes { source: "current".into(), label: rows(406, 1042), score: vec![] }),
        gaps: vec![],
    };
    let (checks, _) = super::diagnosis::diagnose(&l, &[], &Settings::default());
    let c = checks.iter().find(|c| c.code == "drift.label-rate").unwrap();
    let iv = c.interval.as_ref().unwrap();
    assert!((c.value.unwrap() - 0.10378276685171794).abs() < 1e-12);
    assert!((iv.low - 0.012008493122930286).abs() < 1e-12, "{}", iv.low);
    assert!((iv.high - 0.20387961630559226).abs() < 1e-12, "{}", iv.high);
    assert_eq!(c.status, Status::Warn);
}
