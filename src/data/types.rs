//! mlgate's logical column types, independent of how a file format stores them.

use polars::prelude::{DataType, Series};
use serde::{Deserialize, Serialize};

/// The logical type of a column, as written in schema files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Integer,
    Float,
    /// Integer or float.
    Number,
    String,
    Boolean,
    Date,
    Datetime,
    /// Anything else (lists, structs, binary): reported, never compared.
    Other,
}

impl Kind {
    /// The logical type of a polars data type.
    pub fn of(dt: &DataType) -> Kind {
        use DataType as D;
        match dt {
            D::Int8 | D::Int16 | D::Int32 | D::Int64 | D::UInt8 | D::UInt16 | D::UInt32 | D::UInt64 => Kind::Integer,
            D::Float32 | D::Float64 => Kind::Float,
            D::String | D::Categorical(..) | D::Enum(..) => Kind::String,
            D::Boolean => Kind::Boolean,
            D::Date => Kind::Date,
            D::Datetime(..) => Kind::Datetime,
            // A column of nulls only (e.g. an all-empty CSV column) carries no type.
            D::Null => Kind::Other,
            _ => Kind::Other,
        }
    }

    /// Whether a column of logical type `actual` satisfies the declared type `self`.
    pub fn accepts(self, actual: Kind) -> bool {
        match self {
            Kind::Number => matches!(actual, Kind::Integer | Kind::Float),
            // Integers are valid floats: CSV writers drop ".0" from whole numbers.
            Kind::Float => matches!(actual, Kind::Integer | Kind::Float),
            k => k == actual,
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Kind::Integer | Kind::Float | Kind::Number)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Integer => "integer",
            Kind::Float => "float",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Boolean => "boolean",
            Kind::Date => "date",
            Kind::Datetime => "datetime",
            Kind::Other => "other",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a text column holds dates or timestamps (its first 100 non-null values all parse).
pub fn looks_like_timestamps(s: &Series) -> bool {
    let Ok(strs) = s.str() else { return false };
    let mut seen = 0;
    for v in strs.iter().flatten().take(100) {
        if crate::timeparse::parse_micros(v, None).is_none() {
            return false;
        }
        seen += 1;
    }
    seen > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_accept_integers_but_not_the_reverse() {
        assert!(Kind::Float.accepts(Kind::Integer));
        assert!(!Kind::Integer.accepts(Kind::Float));
        assert!(Kind::Number.accepts(Kind::Float));
        assert!(!Kind::String.accepts(Kind::Integer));
        assert_eq!(Kind::of(&DataType::UInt16), Kind::Integer);
    }
}
