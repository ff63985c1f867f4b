//! The two profile queries, as text for one dialect.
//!
//! Pass 1 (reference only) is one aggregate row: per numeric column, the number of distinct
//! finite values, their minimum and maximum, and the engine's quantiles at `j / levels`.
//! Pass 2 is one scan of the query, each row joined with a small table of column indexes, so
//! that every (column, bin) pair is one group: a numeric value's bin over the reference's
//! cuts (written as literals, in a balanced tree of comparisons), or a category's value,
//! with counts, minimum, maximum, mean and population variance per group. Categories are
//! ranked and cut at the profile's cap; the column's row count comes with every row, so
//! what the cap left out is counted as `other`.

use super::dialect::{Dialect, Quantiles};
use crate::profile::{CATEGORY_CAP, ColumnKind};
use crate::stats::grid::{Grid, GridKind};

/// A column of the query's result, as the profile treats it.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
    /// The engine's type name, or what the user declared.
    pub dtype: String,
    pub integer: bool,
}

/// How pass 2 bins one numeric column.
#[derive(Debug, Clone)]
pub enum Cuts {
    /// Not numeric, or a reference without finite values: finite values are only counted.
    Count,
    /// A reference with few distinct values: one group per value (found in pass 2).
    Discover,
    /// Over these cuts.
    Grid(Grid),
}

/// The user's query as a common table expression, trailing semicolons removed.
fn source(query: &str) -> String {
    let q = query.trim().trim_end_matches(';').trim_end();
    format!("WITH mlgate_src AS (\n{q}\n)")
}

/// `x` as a double, NULL unless finite.
fn finite(d: Dialect, x: &str) -> String {
    format!("CASE WHEN {} OR {} OR {} THEN NULL ELSE {x} END", d.is_nan(x), d.is_inf(x, false), d.is_inf(x, true))
}

/// Pass 1: the reference's distinct count, range and quantiles per numeric column.
pub fn pass1(d: Dialect, query: &str, cols: &[Column], levels: usize, want: Quantiles) -> String {
    let mut inner = Vec::new();
    let mut aggs = vec!["COUNT(*) AS mlgate_rows".to_string()];
    for (i, c) in cols.iter().enumerate() {
        if c.kind != ColumnKind::Numeric {
            continue;
        }
        let x = d.to_double(&d.ident(&c.name));
        inner.push(format!("    {} AS f{i}", finite(d, &x)));
        let f = format!("f{i}");
        aggs.push(format!("COUNT(DISTINCT {f}) AS d{i}"));
        aggs.push(format!("MIN({f}) AS lo{i}"));
        aggs.push(format!("MAX({f}) AS hi{i}"));
        let qs = d.quantiles(&f, levels, want);
        if d.quantiles_as_array() {
            aggs.push(format!("{} AS q{i}", qs[0]));
        } else {
            aggs.extend(qs.iter().enumerate().map(|(j, q)| format!("{q} AS q{i}_{}", j + 1)));
        }
    }
    if inner.is_empty() {
        inner.push("    1 AS mlgate_one".into());
    }
    format!(
        "-- mlgate profile, pass 1 of 2 ({}): the reference's quantile edges\n{}\nSELECT\n  {}\nFROM (\n  SELECT\n{}\n  FROM mlgate_src\n) AS mlgate_f\n",
        d.name(),
        source(query),
        aggs.join(",\n  "),
        inner.join(",\n")
    )
}

/// Pass 2: counts per (column, bin or value) over the given cuts.
pub fn pass2(d: Dialect, query: &str, cols: &[Column], cuts: &[Cuts]) -> String {
    // mlgate_x: each numeric column as a double, each other column's key; mlgate_xk: the
    // numeric columns' keys (bins) and finite values.
    let (mut inner, mut derived) = (Vec::new(), Vec::new());
    let (mut keys, mut vals, mut points) = (Vec::new(), Vec::new(), Vec::new());
    let mut widest = 1;
    for (i, c) in cols.iter().enumerate() {
        let id = d.ident(&c.name);
        let key = match c.kind {
            ColumnKind::Numeric => {
                inner.push(format!("    {} AS x{i}", d.to_double(&id)));
                let x = format!("x{i}");
                derived.push(format!("    {} AS v{i}", finite(d, &x)));
                vals.push(format!("WHEN {i} THEN v{i}"));
                let bins = match &cuts[i] {
                    Cuts::Count => "'#all'".to_string(),
                    Cuts::Discover => {
                        points.push(format!("WHEN {i} THEN v{i}"));
                        widest = widest.max(crate::stats::grid::POINT_VALUES);
                        "'#v'".to_string()
                    }
                    Cuts::Grid(g) => {
                        let t = thresholds(g);
                        widest = widest.max(t.len() + 1);
                        tree(d, &x, &t, 0, t.len())
                    }
                };
                format!(
                    "CASE WHEN {x} IS NULL THEN '~null' WHEN {} THEN '~nan' WHEN {} THEN '~inf' WHEN {} THEN '~-inf' ELSE {bins} END",
                    d.is_nan(&x),
                    d.is_inf(&x, false),
                    d.is_inf(&x, true)
                )
            }
            ColumnKind::Categorical => {
                format!("CASE WHEN {id} IS NULL THEN '~null' ELSE {} END", d.concat("'='", &d.to_text(&id)))
            }
            ColumnKind::Other => format!("CASE WHEN {id} IS NULL THEN '~null' ELSE '~value' END"),
        };
        if c.kind == ColumnKind::Numeric {
            derived.push(format!("    {key} AS k{i}"));
        } else {
            inner.push(format!("    {key} AS k{i}"));
        }
        keys.push(format!("WHEN {i} THEN k{i}"));
    }
    let case = |arms: &[String]| -> String {
        if arms.is_empty() {
            format!("CAST(NULL AS {})", d.double_type())
        } else {
            format!("CASE mlgate_i {} END", arms.join(" "))
        }
    };
    let limit = CATEGORY_CAP + widest + 4;
    format!(
        "-- mlgate profile, pass 2 of 2 ({dialect}): counts over the reference's edges\n{src},\nmlgate_x AS (\n  SELECT\n{inner}\n  FROM mlgate_src\n),\nmlgate_xk AS (\n  SELECT mlgate_x.*{derived}\n  FROM mlgate_x\n),\nmlgate_cells AS (\n  SELECT mlgate_i, {k} AS mlgate_k, {v} AS mlgate_v, {p} AS mlgate_p\n  FROM (SELECT mlgate_xk.*, {ic} AS mlgate_i FROM mlgate_xk CROSS JOIN {it}) AS mlgate_y\n),\nmlgate_groups AS (\n  SELECT mlgate_i, mlgate_k, COUNT(*) AS n, MIN(mlgate_v) AS lo, MAX(mlgate_v) AS hi, AVG(mlgate_v) AS mean, VAR_POP(mlgate_v) AS var\n  FROM mlgate_cells\n  GROUP BY mlgate_i, mlgate_k, mlgate_p\n),\nmlgate_ranked AS (\n  SELECT mlgate_i, mlgate_k, n, lo, hi, mean, var, SUM(n) OVER (PARTITION BY mlgate_i) AS total,\n    ROW_NUMBER() OVER (PARTITION BY mlgate_i ORDER BY CASE WHEN mlgate_k LIKE '=%' THEN 1 ELSE 0 END, n DESC, mlgate_k) AS r\n  FROM mlgate_groups\n)\nSELECT mlgate_i AS column_index, mlgate_k AS bin, n, lo AS min_value, hi AS max_value, mean AS mean_value, var AS var_pop_value, total AS column_rows\nFROM mlgate_ranked\nWHERE r <= {limit}\nORDER BY column_index, bin\n",
        dialect = d.name(),
        src = source(query),
        inner = inner.join(",\n"),
        derived = if derived.is_empty() { String::new() } else { format!(",\n{}", derived.join(",\n")) },
        k = case(&keys),
        v = case(&vals),
        p = case(&points),
        ic = d.index_column(),
        it = d.index_table(cols.len()),
    )
}

/// `(value, inclusive)`: a value is in a bin at or below `i` when it is below (or at most)
/// threshold `i`.
fn thresholds(g: &Grid) -> Vec<(f64, bool)> {
    match g.kind {
        GridKind::Quantiles => g.cuts.iter().map(|&c| (c, false)).collect(),
        GridKind::Points => g.cuts.iter().flat_map(|&c| [(c, false), (c, true)]).collect(),
    }
}

/// The bin of `x` among bins `lo ..= hi`, by halving: about log2(bins) comparisons a row.
fn tree(d: Dialect, x: &str, t: &[(f64, bool)], lo: usize, hi: usize) -> String {
    if lo == hi {
        return format!("'#{lo}'");
    }
    let mid = (lo + hi).div_ceil(2);
    let (v, inclusive) = t[mid - 1];
    let op = if inclusive { "<=" } else { "<" };
    format!("CASE WHEN {x} {op} {} THEN {} ELSE {} END", d.float(v), tree(d, x, t, lo, mid - 1), tree(d, x, t, mid, hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::grid::Percentile;

    #[test]
    fn the_tree_picks_the_bin_a_grid_would() {
        // Evaluate the generated comparisons by hand for a few values.
        let g = Grid::new(GridKind::Points, vec![], vec![1.0, 2.0], Percentile::mlgate());
        let t = thresholds(&g);
        let eval = |x: f64| -> usize {
            let (mut lo, mut hi) = (0, t.len());
            while lo < hi {
                let mid = (lo + hi).div_ceil(2);
                let (v, inc) = t[mid - 1];
                if if inc { x <= v } else { x < v } { hi = mid - 1 } else { lo = mid }
            }
            lo
        };
        for x in [0.0, 1.0, 1.5, 2.0, 3.0] {
            assert_eq!(eval(x), g.bin_of(x), "{x}");
        }
        let sql = tree(Dialect::Postgres, "v0", &t, 0, t.len());
        assert_eq!(sql.matches("CASE WHEN").count(), 4);
    }

    #[test]
    fn column_names_are_quoted_and_the_query_is_wrapped() {
        let cols =
            vec![Column { name: "we\"ird".into(), kind: ColumnKind::Numeric, dtype: "x".into(), integer: false }];
        let sql = pass1(Dialect::Postgres, "SELECT 1 AS \"we\"\"ird\";  ", &cols, 4, Quantiles::Exact);
        assert!(sql.contains("CAST(\"we\"\"ird\" AS DOUBLE PRECISION)"), "{sql}");
        assert!(sql.contains("(\nSELECT 1 AS \"we\"\"ird\"\n)"), "{sql}");
        assert!(sql.contains("ARRAY[0.25, 0.5, 0.75]"), "{sql}");
    }
}
