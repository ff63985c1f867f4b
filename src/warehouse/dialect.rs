//! What differs between SQL engines in the profile queries: quoting, literals, the tests for
//! NaN and infinities, text casts, the percentile function and a small table of indexes.

use clap::ValueEnum;

use crate::stats::grid::Percentile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dialect {
    Postgres,
    Duckdb,
    Spark,
    Trino,
    Bigquery,
    Snowflake,
}

/// Whether the reference's quantiles come from the engine's exact or approximate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Quantiles {
    /// The exact function where the engine has one (Trino and BigQuery have none).
    #[default]
    Exact,
    /// The engine's approximate function (Spark: percentile_approx, accuracy 10000).
    Approx,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Duckdb => "duckdb",
            Dialect::Spark => "spark",
            Dialect::Trino => "trino",
            Dialect::Bigquery => "bigquery",
            Dialect::Snowflake => "snowflake",
        }
    }

    /// A quoted identifier.
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            // BigQuery's quoted identifiers take backslash escapes.
            Dialect::Bigquery => format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    pub fn double_type(self) -> &'static str {
        match self {
            Dialect::Postgres => "DOUBLE PRECISION",
            Dialect::Bigquery => "FLOAT64",
            _ => "DOUBLE",
        }
    }

    pub fn text_type(self) -> &'static str {
        match self {
            Dialect::Postgres | Dialect::Duckdb => "TEXT",
            Dialect::Spark | Dialect::Bigquery => "STRING",
            Dialect::Trino | Dialect::Snowflake => "VARCHAR",
        }
    }

    pub fn to_double(self, expr: &str) -> String {
        format!("CAST({expr} AS {})", self.double_type())
    }

    pub fn to_text(self, expr: &str) -> String {
        format!("CAST({expr} AS {})", self.text_type())
    }

    /// A finite double, exactly: the shortest decimal that reads back as the same value,
    /// parsed by the engine's string-to-double cast (correctly rounded in all six).
    pub fn float(self, x: f64) -> String {
        format!("CAST('{}' AS {})", crate::text::round_trip(x), self.double_type())
    }

    fn infinity(self, negative: bool) -> String {
        let sign = if negative { "-" } else { "" };
        match self {
            Dialect::Trino => format!("{sign}infinity()"),
            Dialect::Bigquery => format!("CAST('{sign}inf' AS FLOAT64)"),
            _ => format!("CAST('{sign}Infinity' AS {})", self.double_type()),
        }
    }

    /// True for NaN, false for every other value (NULL for NULL).
    pub fn is_nan(self, x: &str) -> String {
        match self {
            Dialect::Spark | Dialect::Duckdb => format!("isnan({x})"),
            Dialect::Trino => format!("is_nan({x})"),
            Dialect::Bigquery => format!("IS_NAN({x})"),
            // NaN equals NaN in both (and sorts above every number).
            Dialect::Postgres | Dialect::Snowflake => format!("{x} = CAST('NaN' AS {})", self.double_type()),
        }
    }

    pub fn is_inf(self, x: &str, negative: bool) -> String {
        format!("{x} = {}", self.infinity(negative))
    }

    /// The function that computes quantiles here, and whether it is exact.
    pub fn percentile(self, want: Quantiles) -> Percentile {
        let (function, exact, rank_error) = match (self, want) {
            (Dialect::Postgres, _) => ("percentile_cont", true, None),
            (Dialect::Duckdb, Quantiles::Exact) => ("quantile_cont", true, None),
            (Dialect::Duckdb, Quantiles::Approx) => ("approx_quantile", false, None),
            (Dialect::Spark, Quantiles::Exact) => ("percentile", true, None),
            // accuracy 10000: relative rank error 1/10000 (Spark's documentation).
            (Dialect::Spark, Quantiles::Approx) => ("percentile_approx", false, Some(1e-4)),
            (Dialect::Trino, _) => ("approx_percentile", false, None),
            (Dialect::Bigquery, _) => ("APPROX_QUANTILES", false, None),
            (Dialect::Snowflake, Quantiles::Exact) => ("PERCENTILE_CONT", true, None),
            (Dialect::Snowflake, Quantiles::Approx) => ("APPROX_PERCENTILE", false, None),
        };
        Percentile { function: format!("{function} ({})", self.name()), exact, rank_error }
    }

    /// Whether [`Dialect::quantiles`] returns one array (else one column per level).
    pub fn quantiles_as_array(self) -> bool {
        self != Dialect::Snowflake
    }

    /// The aggregate(s) giving `x`'s quantiles at `j / levels`, `j = 1 … levels − 1`:
    /// one array expression, or (Snowflake) one expression per level.
    pub fn quantiles(self, x: &str, levels: usize, want: Quantiles) -> Vec<String> {
        let ps: Vec<String> = (1..levels).map(|j| crate::text::round_trip(j as f64 / levels as f64)).collect();
        let list = ps.join(", ");
        let exact = want == Quantiles::Exact;
        match self {
            Dialect::Postgres => {
                vec![format!("percentile_cont(ARRAY[{list}]::DOUBLE PRECISION[]) WITHIN GROUP (ORDER BY {x})")]
            }
            Dialect::Duckdb if exact => vec![format!("quantile_cont({x}, [{list}])")],
            Dialect::Duckdb => vec![format!("approx_quantile({x}, [{list}])")],
            Dialect::Spark if exact => vec![format!("percentile({x}, array({list}))")],
            Dialect::Spark => vec![format!("percentile_approx({x}, array({list}), 10000)")],
            Dialect::Trino => vec![format!("approx_percentile({x}, ARRAY[{list}])")],
            // levels + 1 values: the minimum, the quantiles, the maximum; the ends are dropped.
            Dialect::Bigquery => vec![format!("APPROX_QUANTILES({x}, {levels})")],
            Dialect::Snowflake if exact => {
                ps.iter().map(|p| format!("PERCENTILE_CONT({p}) WITHIN GROUP (ORDER BY {x})")).collect()
            }
            Dialect::Snowflake => ps.iter().map(|p| format!("APPROX_PERCENTILE({x}, {p})")).collect(),
        }
    }

    /// A one-column table `mlgate_c(i)` holding `0 … n − 1`, to join each row with.
    pub fn index_table(self, n: usize) -> String {
        let ids: Vec<String> = (0..n).map(|i| i.to_string()).collect();
        match self {
            Dialect::Bigquery => format!("UNNEST([{}]) AS i", ids.join(", ")),
            _ => {
                let rows: Vec<String> = ids.iter().map(|i| format!("({i})")).collect();
                format!("(VALUES {}) AS mlgate_c(i)", rows.join(", "))
            }
        }
    }

    /// How the index table's column is named in the query.
    pub fn index_column(self) -> &'static str {
        match self {
            Dialect::Bigquery => "i",
            _ => "mlgate_c.i",
        }
    }

    /// String concatenation.
    pub fn concat(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Bigquery | Dialect::Spark => format!("concat({a}, {b})"),
            _ => format!("{a} || {b}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_cannot_break_out() {
        assert_eq!(Dialect::Postgres.ident("a\"; DROP TABLE t; --"), "\"a\"\"; DROP TABLE t; --\"");
        assert_eq!(Dialect::Spark.ident("a`b"), "`a``b`");
        assert_eq!(Dialect::Bigquery.ident("a`b\\"), "`a\\`b\\\\`");
    }

    #[test]
    fn floats_are_written_to_read_back_exactly() {
        let x = 0.1f64 + 0.2;
        assert_eq!(Dialect::Postgres.float(x), "CAST('0.30000000000000004' AS DOUBLE PRECISION)");
        assert_eq!(Dialect::Bigquery.float(-1e-300), "CAST('-1e-300' AS FLOAT64)");
    }
}
