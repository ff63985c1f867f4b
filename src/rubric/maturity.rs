//! The MLOps maturity level (Google Cloud, "MLOps: Continuous delivery and automation
//! pipelines in machine learning"), placed from the automation graph:
//!
//! - **0, manual process**: nothing starts training without a person.
//! - **1, ML pipeline automation**: training runs without a person (a schedule, an event or
//!   a change starts a pipeline that trains).
//! - **2, CI/CD pipeline automation**: level 1, plus changes run tests automatically and
//!   an automatic step deploys (the model or the pipeline).

use std::sync::LazyLock;

use regex::Regex;

use super::ci::Start;
use super::detect::Context;
use super::scan;
pub use crate::results::rubric::Maturity;

static TRAINING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\.fit\(|\b(xgb|lgb|xgboost|lightgbm)\.train\(|\bTrainer\(|\bTrainingStep\(|\btrainer\.fit\(|",
        r"optimizer\.step\(\)|\btrain_model\(|\.fit_generator\(|\bEstimator\([^)]*entry_point|\bHyperparameterTuner\("
    ))
    .expect("valid")
});
static DEPLOY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(create_endpoint|update_endpoint|ManagedOnlineDeployment|BatchDeployment|CfnEndpoint|EndpointConfig)\b|",
        r"\.deploy\(|kubectl\s+apply|helm\s+(upgrade|install)|gcloud\s+run\s+deploy|az\s+ml\s+online-deployment|",
        r"\b(cdk|sam|serverless)\s+deploy\b|terraform\s+apply|docker\s+push|CloudFormationCreateUpdateStackAction"
    ))
    .expect("valid")
});

fn training_file(ctx: &Context<'_>, rel: &str) -> bool {
    if scan::is_test(rel) || !matches!(scan::extension(rel).as_str(), "py" | "ipynb" | "r") {
        return false;
    }
    scan::read_text(&ctx.index.root.join(rel)).is_some_and(|t| TRAINING.is_match(&scan::code_of(rel, &t).0))
}

/// Places the repository at a maturity level, with the evidence.
pub fn assess(ctx: &Context<'_>) -> Maturity {
    let mut evidence = Vec::new();
    let mut missing = Vec::new();
    let trained = ctx
        .reach
        .files
        .iter()
        .filter(|(_, routes)| routes.iter().any(|r| !r.starts.is_empty()))
        .take(3_000)
        .find(|(rel, _)| training_file(ctx, rel));
    let Some((train_rel, routes)) = trained else {
        missing.push("no automatic trigger starts training: retraining needs a person to start it".into());
        return Maturity { level: 0, name: "manual process".into(), evidence, missing };
    };
    let best = routes.iter().find(|r| r.has(Start::Schedule) || r.has(Start::Event)).unwrap_or(&routes[0]);
    evidence.push(format!("training runs without a person: {train_rel} reached by {}", best.describe()));
    let tested = ctx.reach.files.iter().find_map(|(rel, rs)| {
        (scan::is_test(rel) && rel.ends_with(".py"))
            .then(|| rs.iter().find(|r| r.has(Start::Change)))
            .flatten()
            .map(|r| (rel, r))
    });
    let deployed = ctx
        .reach
        .commands
        .iter()
        .find(|(c, r)| !r.starts.is_empty() && DEPLOY.is_match(c))
        .map(|(c, r)| (c.clone(), r.describe()))
        .or_else(|| {
            ctx.reach.files.iter().filter(|(_, rs)| rs.iter().any(|r| !r.starts.is_empty())).take(3_000).find_map(
                |(rel, rs)| {
                    let t = scan::read_text(&ctx.index.root.join(rel))?;
                    DEPLOY
                        .find(&scan::code_of(rel, &t).0)
                        .map(|m| (format!("{rel} `{}`", m.as_str()), rs[0].describe()))
                },
            )
        });
    match &tested {
        Some((rel, r)) => evidence.push(format!("changes run tests: {rel} reached by {}", r.describe())),
        None => missing.push("no change (push, pull request) runs the tests automatically".into()),
    }
    match &deployed {
        Some((what, chain)) => {
            evidence.push(format!("an automatic step deploys: {} reached by {chain}", crate::text::clip(what, 80)))
        }
        None => missing.push("no automatic step deploys the model or the pipeline".into()),
    }
    if tested.is_some() && deployed.is_some() {
        Maturity { level: 2, name: "CI/CD pipeline automation".into(), evidence, missing }
    } else {
        Maturity { level: 1, name: "ML pipeline automation".into(), evidence, missing }
    }
}
