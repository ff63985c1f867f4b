//! Loading for the leakage gate: the training and test sets, and a check that every column
//! the settings name is in the training data (a typo must not silently skip a check).

use anyhow::Result;

use super::RunCtx;
use super::resolve::Resolve;
use crate::data::Source;
use crate::gates::leakage::cfg::{Spec, TABLE};
use crate::gates::leakage::{self, Settings};
use crate::results::GateResult;

pub fn run(spec: &Spec, resolve: &dyn Resolve, ctx: &mut RunCtx) -> Result<GateResult> {
    let train = resolve.source("train", &spec.train)?;
    let test = spec.test.as_ref().map(|t| resolve.source("test", t)).transpose()?;
    ctx.record_source_async(&train, None);
    let train_df = train.load()?;
    ctx.record_source_async(&train, Some(train_df.height() as u64));
    let test_df = match &test {
        Some(t) => {
            ctx.record_source_async(t, None);
            let df = t.load()?;
            ctx.record_source_async(t, Some(df.height() as u64));
            Some(df)
        }
        None => None,
    };
    require_columns(spec, &train, train_df.schema(), resolve)?;
    let mut g = leakage::run(&train_df, test_df.as_ref(), &spec.settings)?;
    g.inputs = std::iter::once(train.name.clone()).chain(test.map(|t| t.name)).collect();
    Ok(g)
}

/// Every configured column must exist in the training data.
fn require_columns(spec: &Spec, train: &Source, schema: &polars::prelude::Schema, resolve: &dyn Resolve) -> Result<()> {
    let s: &Settings = &spec.settings;
    let mut needed: Vec<(&str, (&str, &str), &str)> = Vec::new();
    for (v, key, role) in [
        (&s.label, "label", "the label"),
        (&s.entity, "entity", "the entity"),
        (&s.timestamp, "timestamp", "the as-of timestamp"),
    ] {
        if let Some(c) = v {
            needed.push((c, ("[columns]", key), role));
        }
    }
    for (f, c) in &s.observed_at {
        needed.push((f, (TABLE, "observed_at"), "a feature in observed_at"));
        needed.push((c, (TABLE, "observed_at"), "an observed-at column"));
    }
    for f in s.features.iter().flatten() {
        needed.push((f, (TABLE, "features"), "a listed feature"));
    }
    super::require_columns(schema, train, &needed, &spec.spans, resolve)
}
