//! Reading an engine's answers to the profile queries (a connection's rows, or a result file
//! saved as JSON, JSON Lines or CSV) and turning them into cuts and profiles.

use std::collections::HashMap;

use anyhow::Result;

use super::query::{Column, Cuts};
use crate::error::{quoted, user};
use crate::profile::{CATEGORY_CAP, CategoricalProfile, ColumnKind, ColumnProfile, NumericProfile};
use crate::stats::grid::{Grid, GridKind, POINT_VALUES, Percentile, quantile_cuts};

/// One value of a result row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Num(f64),
    Text(String),
    List(Vec<Option<f64>>),
}

/// A result row, keyed by lower-case column name (Snowflake answers in upper case).
pub type Row = HashMap<String, Cell>;

/// Result files larger than this are not profile results.
const MAX_RESULT_BYTES: u64 = 256 << 20;

impl Cell {
    fn num(&self) -> Option<f64> {
        match self {
            Cell::Num(x) => Some(*x),
            Cell::Text(t) => t.trim().parse().ok(),
            _ => None,
        }
    }

    fn text(&self) -> Option<String> {
        match self {
            Cell::Text(t) => Some(t.clone()),
            Cell::Num(x) => Some(crate::text::round_trip(*x)),
            _ => None,
        }
    }

    /// A list: a JSON array, or text as PostgreSQL (`{1,2}`) or JSON (`[1, 2]`) writes it.
    fn list(&self) -> Option<Vec<Option<f64>>> {
        match self {
            Cell::List(v) => Some(v.clone()),
            Cell::Text(t) => {
                let t = t.trim();
                let inner = t
                    .strip_prefix('{')
                    .and_then(|r| r.strip_suffix('}'))
                    .or_else(|| t.strip_prefix('[').and_then(|r| r.strip_suffix(']')))?;
                if inner.trim().is_empty() {
                    return Some(vec![]);
                }
                inner
                    .split(',')
                    .map(|p| {
                        let p = p.trim().trim_matches('"');
                        if p.eq_ignore_ascii_case("null") { Some(None) } else { p.parse().ok().map(Some) }
                    })
                    .collect()
            }
            _ => None,
        }
    }
}

fn json_cell(v: &serde_json::Value) -> Cell {
    match v {
        serde_json::Value::Null => Cell::Null,
        serde_json::Value::Number(n) => n.as_f64().map_or(Cell::Null, Cell::Num),
        serde_json::Value::String(s) => Cell::Text(s.clone()),
        serde_json::Value::Bool(b) => Cell::Text(b.to_string()),
        serde_json::Value::Array(a) => Cell::List(a.iter().map(|x| json_cell(x).num()).collect()),
        serde_json::Value::Object(_) => Cell::Text(v.to_string()),
    }
}

fn json_row(v: &serde_json::Value, shown: &str, line: usize) -> Result<Row> {
    let obj = v.as_object().ok_or_else(|| {
        user(format!("{shown}: row {line} is not a JSON object"))
            .hint("save the result as an array of objects, or one object per line")
    })?;
    Ok(obj.iter().map(|(k, v)| (k.to_ascii_lowercase(), json_cell(v))).collect())
}

/// Reads a saved result: a JSON array of objects, JSON Lines, or CSV with a header.
pub fn read_file(path: &std::path::Path, shown: &str) -> Result<Vec<Row>> {
    let meta = std::fs::metadata(path).map_err(|e| {
        user(format!("cannot read result file {}: {e}", quoted(shown)))
            .hint("pass the file the engine's answer was saved to")
    })?;
    if meta.len() > MAX_RESULT_BYTES {
        return Err(user(format!(
            "result file {} is {}, larger than any profile result",
            quoted(shown),
            crate::text::bytes(meta.len())
        ))
        .hint("pass the result of the query `mlgate profile --emit-sql` printed, not the data")
        .into());
    }
    let bytes = std::fs::read(path).map_err(|e| user(format!("cannot read result file {}: {e}", quoted(shown))))?;
    let text =
        String::from_utf8(bytes).map_err(|_| user(format!("result file {} is not UTF-8 text", quoted(shown))))?;
    let t = text.trim_start();
    if t.starts_with('[') {
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| user(format!("{shown}:{}:{}: not valid JSON: {e}", e.line(), e.column())))?;
        let rows = v.as_array().expect("starts with [");
        return rows.iter().enumerate().map(|(i, r)| json_row(r, shown, i + 1)).collect();
    }
    if t.starts_with('{') {
        return text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                let v: serde_json::Value = serde_json::from_str(l).map_err(|e| {
                    user(format!("{shown}:{}: not valid JSON: {e}", i + 1)).hint("JSON Lines: one object per line")
                })?;
                json_row(&v, shown, i + 1)
            })
            .collect();
    }
    read_csv(&text, shown)
}

/// CSV with a header row, quoted fields as RFC 4180.
fn read_csv(text: &str, shown: &str) -> Result<Vec<Row>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
        .collect::<Result<_, _>>()
        .map_err(|e| user(format!("{shown}: not valid CSV: {e}")))?;
    let mut it = records.into_iter();
    let header: Vec<String> = it
        .next()
        .ok_or_else(|| {
            user(format!("result file {} is empty", quoted(shown))).hint("save the query's result with its header row")
        })?
        .into_iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    it.enumerate()
        .map(|(i, r)| {
            if r.len() != header.len() {
                return Err(user(format!(
                    "{shown}: line {} has {} fields, the header {}",
                    i + 2,
                    r.len(),
                    header.len()
                ))
                .into());
            }
            Ok(header
                .iter()
                .cloned()
                .zip(r.into_iter().map(|f| if f.is_empty() { Cell::Null } else { Cell::Text(f) }))
                .collect())
        })
        .collect()
}

/// Which pass a result answers.
pub fn pass_of(rows: &[Row]) -> Option<u8> {
    let first = rows.first()?;
    if first.contains_key("mlgate_rows") {
        Some(1)
    } else if first.contains_key("column_index") && first.contains_key("bin") {
        Some(2)
    } else {
        None
    }
}

fn field<'a>(row: &'a Row, key: &str, shown: &str) -> Result<&'a Cell> {
    row.get(key).ok_or_else(|| {
        user(format!("{shown}: the result has no column {}", quoted(key)))
            .hint("the result must come from the SQL this mlgate printed for the same query and columns (--emit-sql)")
            .into()
    })
}

/// Cuts from pass 1's row: value bins for a column with at most 20 distinct values, else the
/// engine's quantiles.
pub fn cuts_from_pass1(
    rows: &[Row],
    cols: &[Column],
    levels: usize,
    percentile: &Percentile,
    shown: &str,
) -> Result<Vec<Cuts>> {
    let [row] = rows else {
        return Err(user(format!("{shown}: pass 1 answers with one row, this result has {}", rows.len())).into());
    };
    let total = field(row, "mlgate_rows", shown)?.num().unwrap_or(0.0);
    if total == 0.0 {
        return Err(user(format!("{shown}: the query returned no rows"))
            .hint("an empty reference cannot be profiled; check the query's filters")
            .into());
    }
    cols.iter()
        .enumerate()
        .map(|(i, c)| {
            if c.kind != ColumnKind::Numeric {
                return Ok(Cuts::Count);
            }
            let distinct = field(row, &format!("d{i}"), shown)?.num().unwrap_or(0.0);
            let (lo, hi) = (field(row, &format!("lo{i}"), shown)?.num(), field(row, &format!("hi{i}"), shown)?.num());
            let (Some(lo), Some(hi)) = (lo, hi) else { return Ok(Cuts::Count) };
            if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                return Err(user(format!(
                    "{shown}: column {} has range [{lo}, {hi}], not two finite numbers",
                    quoted(&c.name)
                ))
                .hint("use the pass-1 result of the SQL mlgate printed, saved whole")
                .into());
            }
            if distinct == 0.0 {
                return Ok(Cuts::Count);
            }
            if distinct <= POINT_VALUES as f64 {
                return Ok(Cuts::Discover);
            }
            let q = quantiles(row, i, levels, shown)?;
            if q.len() != levels - 1 || !q.iter().all(|x| x.is_finite()) {
                return Err(user(format!(
                    "{shown}: column {} has {} quantiles, expected {} finite ones",
                    quoted(&c.name),
                    q.len(),
                    levels - 1
                ))
                .hint("use the pass-1 result of the SQL printed with the same --levels")
                .into());
            }
            let cuts = quantile_cuts(lo, hi, &q);
            Ok(Cuts::Grid(Grid::new(GridKind::Quantiles, q, cuts, percentile.clone())))
        })
        .collect()
}

fn quantiles(row: &Row, i: usize, levels: usize, shown: &str) -> Result<Vec<f64>> {
    let list = match row.get(&format!("q{i}")) {
        Some(c) => c.list().ok_or_else(|| user(format!("{shown}: q{i} is not a list of numbers")))?,
        None => (1..levels).map(|j| row.get(&format!("q{i}_{j}")).and_then(Cell::num)).collect(),
    };
    // BigQuery's APPROX_QUANTILES also gives the minimum and the maximum.
    let list = if list.len() == levels + 1 { list[1..levels].to_vec() } else { list };
    Ok(list.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect())
}

/// Cuts for a current sample: the reference profile's grid of each numeric column.
pub fn cuts_from_reference(reference: &crate::profile::Profile, cols: &[Column]) -> Vec<Cuts> {
    cols.iter()
        .map(|c| match reference.column(&c.name).and_then(|r| r.numeric.as_ref()).and_then(|n| n.grid.as_ref()) {
            Some(g) if c.kind == ColumnKind::Numeric => Cuts::Grid(g.emptied()),
            _ => Cuts::Count,
        })
        .collect()
}

/// Column profiles from pass 2's rows.
pub fn columns_from_pass2(
    rows: &[Row],
    cols: &[Column],
    cuts: &[Cuts],
    percentile: &Percentile,
    shown: &str,
) -> Result<(u64, Vec<ColumnProfile>)> {
    let mut per: Vec<Vec<&Row>> = vec![Vec::new(); cols.len()];
    for r in rows {
        let i = field(r, "column_index", shown)?.num().unwrap_or(-1.0);
        if !(i >= 0.0 && (i as usize) < cols.len() && i.fract() == 0.0) {
            return Err(user(format!("{shown}: column_index {i} is not one of the {} columns profiled", cols.len()))
                .hint("the result must come from the SQL printed for the same query and columns")
                .into());
        }
        per[i as usize].push(r);
    }
    let mut out = Vec::with_capacity(cols.len());
    let mut total_rows = None;
    for (i, c) in cols.iter().enumerate() {
        let p = column(c, &per[i], &cuts[i], percentile, shown)?;
        match total_rows {
            None => total_rows = Some(p.rows),
            Some(t) if t != p.rows => {
                return Err(
                    user(format!("{shown}: columns disagree on the number of rows ({t} and {})", p.rows)).into()
                );
            }
            _ => {}
        }
        out.push(p);
    }
    let rows = total_rows.unwrap_or(0);
    if rows == 0 {
        return Err(user(format!("{shown}: the query returned no rows"))
            .hint("an empty sample cannot be profiled; check the query's filters")
            .into());
    }
    Ok((rows, out))
}

fn count(r: &Row, shown: &str) -> Result<u64> {
    let n = field(r, "n", shown)?.num().unwrap_or(-1.0);
    if !(n >= 0.0 && n.fract() == 0.0) {
        return Err(user(format!("{shown}: a count is {n}, not a whole number")).into());
    }
    Ok(n as u64)
}

fn column(c: &Column, rows: &[&Row], cuts: &Cuts, percentile: &Percentile, shown: &str) -> Result<ColumnProfile> {
    let total = match rows.first() {
        Some(r) => field(r, "column_rows", shown)?.num().unwrap_or(0.0) as u64,
        None => 0,
    };
    let mut nulls = 0;
    let mut numeric = (c.kind == ColumnKind::Numeric).then(|| NumericProfile::empty(c.integer));
    if let (Some(n), Cuts::Grid(g)) = (numeric.as_mut(), cuts) {
        n.grid = Some(g.emptied());
    }
    let mut values: Vec<(f64, u64)> = Vec::new();
    let mut cats: HashMap<String, u64> = HashMap::new();
    for r in rows {
        let n = count(r, shown)?;
        let key = field(r, "bin", shown)?.text().unwrap_or_default();
        match key.as_str() {
            "~null" => nulls += n,
            "~value" => {}
            "~nan" | "~inf" | "~-inf" => {
                let np = numeric.as_mut().ok_or_else(|| bad_key(c, &key, shown))?;
                *match key.as_str() {
                    "~nan" => &mut np.nan,
                    "~inf" => &mut np.pos_inf,
                    _ => &mut np.neg_inf,
                } += n;
            }
            k if k.starts_with('=') && c.kind == ColumnKind::Categorical => {
                *cats.entry(k[1..].to_string()).or_insert(0) += n;
            }
            k if k.starts_with('#') && numeric.is_some() => {
                let np = numeric.as_mut().expect("checked");
                let stat = |name: &str| field(r, name, shown).map(|x| x.num());
                let (Some(lo), Some(hi), Some(mean)) = (stat("min_value")?, stat("max_value")?, stat("mean_value")?)
                else {
                    return Err(user(format!(
                        "{shown}: column {} bin {k} counts {n} values but has no minimum, maximum or mean",
                        quoted(&c.name)
                    ))
                    .hint("the engine returned NULL aggregates for a non-empty group; check the result was saved whole")
                    .into());
                };
                let var = stat("var_pop_value")?.unwrap_or(0.0);
                np.add_moments(n, mean, var, lo, hi);
                match (k, np.grid.as_mut()) {
                    ("#v", _) => values.push((lo, n)),
                    ("#all", _) => {}
                    (_, Some(g)) => {
                        let j: usize = k[1..].parse().map_err(|_| bad_key(c, k, shown))?;
                        *g.counts.get_mut(j).ok_or_else(|| bad_key(c, k, shown))? += n;
                    }
                    _ => return Err(bad_key(c, k, shown)),
                }
            }
            _ => return Err(bad_key(c, &key, shown)),
        }
    }
    if let (Some(np), Cuts::Discover) = (numeric.as_mut(), cuts) {
        values.sort_by(|a, b| a.0.total_cmp(&b.0));
        let cut: Vec<f64> = values.iter().map(|v| v.0).collect();
        if values.is_empty() || cut.windows(2).any(|w| w[0] == w[1]) {
            return Err(user(format!("{shown}: column {} has no distinct values to bin by", quoted(&c.name))).into());
        }
        let mut g = Grid::new(GridKind::Points, vec![], cut, percentile.clone());
        for (j, (_, n)) in values.iter().enumerate() {
            g.counts[2 * j + 1] = *n;
        }
        np.grid = Some(g);
    }
    if let Some(np) = &numeric
        && let Some(g) = &np.grid
        && g.total() != np.count
    {
        return Err(user(format!(
            "{shown}: column {} counts {} values in bins and {} finite ones",
            quoted(&c.name),
            g.total(),
            np.count
        ))
        .into());
    }
    let categorical = (c.kind == ColumnKind::Categorical).then(|| {
        let kept: u64 = cats.values().sum();
        let other = total.saturating_sub(nulls + kept);
        CategoricalProfile::from_map(cats, other, other > 0, CATEGORY_CAP)
    });
    Ok(ColumnProfile {
        name: c.name.clone(),
        kind: c.kind,
        dtype: c.dtype.clone(),
        rows: total,
        nulls,
        numeric,
        categorical,
    })
}

fn bad_key(c: &Column, key: &str, shown: &str) -> anyhow::Error {
    user(format!("{shown}: column {} has a bin {} this profile does not have", quoted(&c.name), quoted(key)))
        .hint("the result must come from the SQL printed for the same query, columns and reference")
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_from_postgres_and_json_text() {
        assert_eq!(Cell::Text("{1.5,2,NULL}".into()).list(), Some(vec![Some(1.5), Some(2.0), None]));
        assert_eq!(Cell::Text("[1e-3, 4]".into()).list(), Some(vec![Some(0.001), Some(4.0)]));
        assert_eq!(Cell::Text("{a,b}".into()).list(), None);
    }
}
