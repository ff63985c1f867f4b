//! JSON Lines records mlgate can judge: flat, and nested no deeper than a parser's stack
//! allows. A 4 KB record nested 2,000 deep overflowed the stack of polars' reader (exit 134,
//! no report), and a nested field reached the gates as a struct column ("invalid series
//! dtype"). Depth is checked byte by byte before polars sees the file; nested columns are
//! refused after the read, naming the column, the line and the fix.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use anyhow::Result;
use polars::prelude::*;

use crate::error::{quoted, user};

/// Nesting a record may reach (objects and arrays) before it is refused.
pub const MAX_DEPTH: usize = 64;

/// An error naming the first line nested deeper than [`MAX_DEPTH`], if any.
pub fn check_depth(path: &Path, shown: &str) -> Result<()> {
    let unreadable = |e: std::io::Error| user(format!("cannot read {}: {e}", quoted(shown)));
    let f = std::fs::File::open(path).map_err(unreadable)?;
    let mut reader = BufReader::with_capacity(1 << 20, f);
    let (mut depth, mut line, mut in_string, mut escaped) = (0usize, 1usize, false, false);
    // The integer literal being read (digits and a sign), and whether a float is.
    let (mut number, mut in_float) = (Vec::<u8>::new(), false);
    let mut buf = [0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).map_err(unreadable)?;
        if n == 0 {
            return check_integer(&number, shown, line);
        }
        for &b in &buf[..n] {
            if in_string {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
                if b == b'\n' {
                    line += 1;
                }
                continue;
            }
            if in_float {
                if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E') {
                    continue;
                }
                in_float = false;
            }
            if b.is_ascii_digit() || b == b'-' {
                number.push(b);
                continue;
            }
            if !number.is_empty() {
                let float = matches!(b, b'.' | b'e' | b'E');
                if !float {
                    check_integer(&number, shown, line)?;
                }
                number.clear();
                if float {
                    // A float: any size is fine.
                    in_float = true;
                    continue;
                }
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(user(format!(
                            "{shown}:{line}: a record nested more than {MAX_DEPTH} levels deep"
                        ))
                        .hint("mlgate judges flat records (a value per column); flatten the record, or drop the nested field")
                        .into());
                    }
                }
                b'}' | b']' => depth = depth.saturating_sub(1),
                b'\n' => {
                    line += 1;
                    depth = 0;
                }
                _ => {}
            }
        }
    }
}

/// An integer literal (of a record, outside strings) must fit 64 bits: polars panics on a
/// larger one ("Int128 not supported"), found by fuzzing.
fn check_integer(digits: &[u8], shown: &str, line: usize) -> Result<()> {
    let t = std::str::from_utf8(digits).unwrap_or("");
    let body = t.strip_prefix('-').unwrap_or(t);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    let fits = match body.trim_start_matches('0').len() {
        0..=18 => true,
        19..=20 => t.parse::<i64>().is_ok() || t.parse::<u64>().is_ok(),
        _ => false,
    };
    if fits {
        return Ok(());
    }
    Err(user(format!("{shown}:{line}: the integer {} does not fit in 64 bits", crate::text::clip(t, 40)))
        .hint("write it as a float (e.g. 1.8e19) or as a string in quotes, or drop the field")
        .into())
}

/// An error naming the first column that holds objects or lists, and a line where it does.
pub fn reject_nested(df: &DataFrame, path: &Path, shown: &str) -> Result<()> {
    let Some(c) = df.columns().iter().find(|c| matches!(c.dtype(), DataType::Struct(_) | DataType::List(_))) else {
        return Ok(());
    };
    let name = c.name().to_string();
    let kind = if matches!(c.dtype(), DataType::Struct(_)) { "objects" } else { "lists" };
    let line = first_nested_line(path, &name).map(|l| format!(":{l}")).unwrap_or_default();
    Err(user(format!("{shown}{line}: column {} holds {kind}; mlgate judges flat columns", quoted(&name)))
        .hint(format!(
            "flatten it into columns of plain values before the run (for example `{name}.field` per field, with jq or pandas.json_normalize), or drop it"
        ))
        .into())
}

/// The first line whose record holds an object or a list under `key`.
fn first_nested_line(path: &Path, key: &str) -> Option<usize> {
    let f = std::fs::File::open(path).ok()?;
    for (i, l) in BufReader::new(f).lines().enumerate() {
        let l = l.ok()?;
        if let Ok(serde_json::Value::Object(m)) = serde_json::from_str::<serde_json::Value>(&l)
            && m.get(key).is_some_and(|v| v.is_object() || v.is_array())
        {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_records_are_refused_with_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.jsonl");
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(2000), "]".repeat(2000));
        std::fs::write(&p, format!("{{\"a\":1}}\n{{\"a\":\"[[[[\\\"\"}}\n{deep}\n")).unwrap();
        let e = check_depth(&p, "d.jsonl").unwrap_err().to_string();
        assert!(e.starts_with("d.jsonl:3: a record nested more than 64"), "{e}");
        std::fs::write(&p, "{\"a\":{\"b\":[1,2]}}\n{\"a\":\"{{{{[[[[\"}\n").unwrap();
        check_depth(&p, "d.jsonl").unwrap();
        // Integers beyond 64 bits (polars panics on them); floats and strings of any size pass.
        std::fs::write(&p, "{\"a\":18446744073709551615,\"b\":-9223372036854775808,\"c\":1e400,\"d\":\"123456789012345678901234\",\"e\":12345678901234567890.5,\"f\":1.18446744073709551616}\n").unwrap();
        check_depth(&p, "d.jsonl").unwrap();
        std::fs::write(&p, "{\"a\":1}\n{\"a\":18446744073709551616}\n").unwrap();
        let e = check_depth(&p, "d.jsonl").unwrap_err().to_string();
        assert!(e.starts_with("d.jsonl:2: the integer 18446744073709551616 does not fit in 64 bits"), "{e}");
        std::fs::write(&p, "{\"a\":-9223372036854775809}").unwrap();
        assert!(check_depth(&p, "d.jsonl").is_err());
    }
}
