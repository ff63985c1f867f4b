//! Columns of a loaded frame read as the values gates judge: scores, 0/1 outcomes, ids.
//! Each failure names the file, the column, the row and the fix.

use anyhow::Result;
use polars::prelude::*;

use crate::data::Source;
use crate::error::{quoted, user};

/// A column as numbers; missing values are NaN. Text that is not a number is an error.
pub fn floats(df: &DataFrame, col: &str, src: &Source) -> Result<Vec<f64>> {
    let s = df.column(col)?.as_materialized_series();
    if !(s.dtype().is_primitive_numeric() || s.dtype().is_bool() || s.dtype().is_null()) {
        return Err(user(format!("{} in {} is {}, not numbers", quoted(col), quoted(&src.display), s.dtype()))
            .hint("the score is the model's probability (or score) for the positive class, one number per request")
            .into());
    }
    let f = s.cast(&DataType::Float64)?;
    Ok(f.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

/// A 0/1 (or true/false) column; missing values are `None`.
pub fn outcomes(df: &DataFrame, col: &str, src: &Source) -> Result<Vec<Option<bool>>> {
    let s = df.column(col)?.as_materialized_series();
    if s.dtype().is_bool() {
        return Ok(s.bool()?.iter().collect());
    }
    if s.dtype() == &DataType::String {
        let mut out = Vec::with_capacity(s.len());
        for (i, v) in s.str()?.iter().enumerate() {
            out.push(match v.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
                None | Some("") => None,
                Some("1" | "true" | "yes") => Some(true),
                Some("0" | "false" | "no") => Some(false),
                Some(other) => {
                    return Err(user(format!(
                        "{} in {} has {other:?} on data row {}: not 0/1 or true/false",
                        quoted(col),
                        quoted(&src.display),
                        i + 1
                    ))
                    .hint("outcomes and error flags are 0/1 or true/false; leave a value empty while it is unknown")
                    .into());
                }
            });
        }
        return Ok(out);
    }
    let v = floats(df, col, src)?;
    let mut out = Vec::with_capacity(v.len());
    for (i, x) in v.iter().enumerate() {
        out.push(match *x {
            x if x.is_nan() => None,
            0.0 => Some(false),
            1.0 => Some(true),
            x => {
                return Err(user(format!(
                    "{} in {} has {x} on data row {}: not 0 or 1",
                    quoted(col),
                    quoted(&src.display),
                    i + 1
                ))
                .hint("outcomes and error flags are 0/1 or true/false; leave a value empty while it is unknown")
                .into());
            }
        });
    }
    Ok(out)
}

/// The key column as text (ids of different types compare as written).
pub fn id_column(df: &DataFrame, key: &str) -> Result<Series> {
    Ok(df.column(key)?.as_materialized_series().cast(&DataType::String)?.with_name(key.into()))
}

/// The first id that repeats in a log, with its two data rows (only looked for once the
/// count of distinct ids says there is one).
pub fn first_repeat(ids: &Series) -> Result<Option<(String, usize, usize)>> {
    let non_null = ids.len() - ids.null_count();
    if ids.drop_nulls().n_unique()? == non_null {
        return Ok(None);
    }
    let mut seen = hashbrown::HashMap::with_capacity(ids.len());
    for (i, id) in ids.str()?.iter().enumerate() {
        if let Some(id) = id
            && let Some(j) = seen.insert(id, i)
        {
            return Ok(Some((id.to_string(), j, i)));
        }
    }
    Ok(None)
}
