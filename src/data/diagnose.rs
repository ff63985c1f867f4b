//! Finding *where* a malformed file goes wrong, for error messages.
//!
//! polars reports that a file cannot be parsed, not always on which line. When a read
//! fails, these small independent readers look for the first offending line so the message
//! can say "line 57 has 5 fields, the header has 4". They read at most
//! [`MAX_DIAGNOSE_BYTES`] and never allocate more than one line at a time.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use super::Format;

/// How far into a file the diagnosis looks.
pub const MAX_DIAGNOSE_BYTES: u64 = 256 * 1024 * 1024;

/// A one-line description of the first problem found, if any.
pub fn locate_problem(path: &Path, format: Format) -> Option<String> {
    match format {
        Format::Csv => csv_problem(path, b','),
        Format::Tsv => csv_problem(path, b'\t'),
        Format::JsonLines => jsonl_problem(path),
        Format::Parquet => parquet_problem(path),
    }
}

fn parquet_problem(path: &Path) -> Option<String> {
    let mut f = File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    if len < 12 {
        return Some(format!("the file is only {len} bytes, too short to be Parquet"));
    }
    let mut head = [0u8; 4];
    f.read_exact(&mut head).ok()?;
    let mut tail = [0u8; 4];
    f.seek(SeekFrom::End(-4)).ok()?;
    f.read_exact(&mut tail).ok()?;
    match (&head == b"PAR1", &tail == b"PAR1") {
        (false, _) => Some("the file does not start with the Parquet magic bytes `PAR1`".into()),
        (true, false) => Some("the file does not end with `PAR1`; it looks truncated".into()),
        _ => None,
    }
}

fn jsonl_problem(path: &Path) -> Option<String> {
    let f = File::open(path).ok()?;
    let mut reader = BufReader::new(f.take(MAX_DIAGNOSE_BYTES));
    let mut line = Vec::new();
    let mut n = 0u64;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => return Some(format!("read error after line {n}: {e}")),
        }
        n += 1;
        let text = match std::str::from_utf8(&line) {
            Ok(t) => t.trim(),
            Err(_) => return Some(format!("line {n} is not valid UTF-8")),
        };
        if text.is_empty() {
            continue;
        }
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(_)) => {}
            Ok(other) => {
                let kind = match other {
                    serde_json::Value::Array(_) => "an array",
                    serde_json::Value::String(_) => "a string",
                    serde_json::Value::Number(_) => "a number",
                    serde_json::Value::Bool(_) => "a boolean",
                    _ => "null",
                };
                return Some(format!("line {n} is {kind}, not a JSON object"));
            }
            Err(e) => return Some(format!("line {n}: {e}")),
        }
    }
}

/// Counts fields per record with RFC 4180 quoting (quotes may span lines).
fn csv_problem(path: &Path, sep: u8) -> Option<String> {
    let f = File::open(path).ok()?;
    let mut reader = BufReader::new(f.take(MAX_DIAGNOSE_BYTES));
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut header_fields: Option<usize> = None;
    loop {
        // One record may span several physical lines when a quoted field holds a newline.
        let start_line = line_no + 1;
        let mut fields = 1usize;
        let mut in_quotes = false;
        let mut record_bytes = 0usize;
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) => {
                    if record_bytes == 0 {
                        return None;
                    }
                    break;
                }
                Ok(_) => {}
                Err(e) => return Some(format!("read error near line {start_line}: {e}")),
            }
            line_no += 1;
            if std::str::from_utf8(&buf).is_err() {
                return Some(format!("line {line_no} is not valid UTF-8"));
            }
            record_bytes += buf.len();
            for &b in buf.iter() {
                if b == b'"' {
                    in_quotes = !in_quotes;
                } else if b == sep && !in_quotes {
                    fields += 1;
                }
            }
            if !in_quotes {
                break;
            }
        }
        if in_quotes {
            return Some(format!(
                "a quoted field opened on line {start_line} is never closed"
            ));
        }
        let blank = record_bytes <= 2 && fields == 1;
        if blank {
            continue;
        }
        match header_fields {
            None => header_fields = Some(fields),
            Some(h) if h != fields => {
                return Some(format!(
                    "line {start_line} has {fields} field{} but the header has {h}",
                    if fields == 1 { "" } else { "s" }
                ));
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn tmp(content: &[u8], ext: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(ext).tempfile().unwrap();
        f.write_all(content).unwrap();
        f
    }

    #[test]
    fn finds_ragged_csv_line() {
        let f = tmp(b"a,b,c\n1,2,3\n4,5\n", ".csv");
        assert_eq!(
            locate_problem(f.path(), Format::Csv).unwrap(),
            "line 3 has 2 fields but the header has 3"
        );
    }

    #[test]
    fn quoted_newlines_and_separators_are_one_field() {
        let f = tmp(b"a,b\n\"x,\ny\",2\n3,4\n", ".csv");
        assert_eq!(locate_problem(f.path(), Format::Csv), None);
        let f = tmp(b"a,b\n\"open,2\n", ".csv");
        assert!(locate_problem(f.path(), Format::Csv).unwrap().contains("never closed"));
    }

    #[test]
    fn finds_bad_json_line() {
        let f = tmp(b"{\"a\":1}\n{\"a\":2,}\n", ".jsonl");
        assert!(locate_problem(f.path(), Format::JsonLines).unwrap().starts_with("line 2:"));
        let f = tmp(b"[1,2]\n", ".jsonl");
        assert_eq!(
            locate_problem(f.path(), Format::JsonLines).unwrap(),
            "line 1 is an array, not a JSON object"
        );
    }

    #[test]
    fn spots_non_parquet() {
        let f = tmp(b"a,b\n1,2\n3,4\n", ".parquet");
        assert!(locate_problem(f.path(), Format::Parquet).unwrap().contains("PAR1"));
    }
}
