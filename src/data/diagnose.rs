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

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

fn article(kind: &str) -> &'static str {
    if matches!(kind, "array" | "object") { "an" } else { "a" }
}

fn jsonl_problem(path: &Path) -> Option<String> {
    let mut types: std::collections::HashMap<String, (&'static str, u64)> = std::collections::HashMap::new();
    let f = File::open(path).ok()?;
    let mut reader = BufReader::new(f.take(MAX_DIAGNOSE_BYTES));
    let mut line = Vec::new();
    let mut n = 0u64;
    let mut read = 0u64;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => return Some(format!("read error after line {n}: {e}")),
        }
        read += line.len() as u64;
        if read >= MAX_DIAGNOSE_BYTES && line.last() != Some(&b'\n') {
            return None; // cut by the read limit, not malformed
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
            Ok(serde_json::Value::Object(map)) => {
                for (k, v) in map.iter() {
                    let kind = json_kind(v);
                    if kind == "null" {
                        continue;
                    }
                    if types.len() < 10_000 || types.contains_key(k) {
                        match types.get(k) {
                            None => {
                                types.insert(k.clone(), (kind, n));
                            }
                            Some((first, at)) if *first != kind => {
                                return Some(format!(
                                    "line {n}: field {} is {} {kind}, but line {at} has {} {first}",
                                    crate::error::quoted(k),
                                    article(kind),
                                    article(first)
                                ));
                            }
                            Some(_) => {}
                        }
                    }
                }
            }
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

/// Counts fields per record with RFC 4180 quoting: a quote opens a quoted field only at the
/// start of a field, `""` inside it is an escaped quote, and quoted fields may span lines.
pub fn csv_problem(path: &Path, sep: u8) -> Option<String> {
    csv_problem_within(path, sep, MAX_DIAGNOSE_BYTES)
}

/// Where the field counter is within a record.
#[derive(PartialEq)]
enum St {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Counts fields per record, byte by byte.
struct FieldCounter {
    sep: u8,
    line: u64,
    record_line: u64,
    quote_line: u64,
    fields: usize,
    record_len: usize,
    header: Option<usize>,
    st: St,
}

impl FieldCounter {
    fn new(sep: u8) -> FieldCounter {
        FieldCounter {
            sep,
            line: 1,
            record_line: 1,
            quote_line: 0,
            fields: 1,
            record_len: 0,
            header: None,
            st: St::FieldStart,
        }
    }

    /// The end of a record: its field count must match the header's.
    fn end_record(&mut self) -> Option<String> {
        if self.record_len == 0 {
            return None; // blank line
        }
        match self.header {
            None => self.header = Some(self.fields),
            Some(h) if h != self.fields => {
                let fields = self.fields;
                return Some(format!(
                    "line {} has {fields} field{} but the header has {h}",
                    self.record_line,
                    if fields == 1 { "" } else { "s" }
                ));
            }
            Some(_) => {}
        }
        None
    }

    /// A buffer of bytes; the first problem, if a record ends ragged. A buffer without
    /// quotes, read outside a quoted field (most data), is counted separator to separator
    /// instead of byte by byte, with the same result.
    fn feed(&mut self, buf: &[u8]) -> Option<String> {
        if !matches!(self.st, St::FieldStart | St::Unquoted) || memchr::memchr(b'"', buf).is_some() {
            return buf.iter().find_map(|&b| self.byte(b));
        }
        let mut start = 0;
        for i in memchr::memchr2_iter(self.sep, b'\n', buf) {
            if self.record_len == 0 {
                self.record_len = buf[start..i].iter().filter(|&&b| b != b'\r').count();
            }
            let p = self.byte(buf[i]);
            if p.is_some() {
                return p;
            }
            start = i + 1;
        }
        // The bytes after the last separator or newline are inside a field.
        let tail = &buf[start..];
        if tail.iter().any(|&b| b != b'\r') {
            self.record_len += 1;
            self.st = St::Unquoted;
        }
        None
    }

    /// One byte; a problem when a record ends ragged.
    fn byte(&mut self, b: u8) -> Option<String> {
        if b == b'\r' {
            return None;
        }
        match self.st {
            St::Quoted => {
                if b == b'"' {
                    self.st = St::QuoteInQuoted;
                } else if b == b'\n' {
                    self.line += 1;
                }
                self.record_len += 1;
                return None;
            }
            St::QuoteInQuoted if b == b'"' => {
                self.st = St::Quoted;
                self.record_len += 1;
                return None;
            }
            _ => {}
        }
        if b == b'\n' {
            let p = self.end_record();
            self.line += 1;
            self.record_line = self.line;
            self.fields = 1;
            self.record_len = 0;
            self.st = St::FieldStart;
            return p;
        }
        if b == self.sep {
            self.fields += 1;
            self.st = St::FieldStart;
        } else if self.st == St::FieldStart && b == b'"' {
            self.st = St::Quoted;
            self.quote_line = self.line;
        } else if self.st != St::Quoted {
            self.st = St::Unquoted;
        }
        self.record_len += 1;
        None
    }
}

/// [`csv_problem`] reading at most `limit` bytes.
pub fn csv_problem_within(path: &Path, sep: u8, limit: u64) -> Option<String> {
    let f = File::open(path).ok()?;
    let mut reader = BufReader::with_capacity(1 << 20, f.take(limit));
    let mut counter = FieldCounter::new(sep);
    let mut utf8_tail: Vec<u8> = Vec::new();
    let mut total: u64 = 0;
    loop {
        let buf = match reader.fill_buf() {
            Ok([]) => break,
            Ok(b) => b,
            Err(e) => return Some(format!("read error near line {}: {e}", counter.line)),
        };
        // UTF-8 check across buffer boundaries.
        utf8_tail.extend_from_slice(buf);
        match std::str::from_utf8(&utf8_tail) {
            Ok(_) => utf8_tail.clear(),
            Err(e) if e.error_len().is_none() => {
                let keep = utf8_tail.split_off(e.valid_up_to());
                utf8_tail = keep;
            }
            Err(e) => {
                let newlines = utf8_tail[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() as u64;
                return Some(format!("line {} is not valid UTF-8", counter.line + newlines));
            }
        }
        let n = buf.len();
        total += n as u64;
        if let Some(p) = counter.feed(buf) {
            return Some(p);
        }
        reader.consume(n);
    }
    if total >= limit {
        // The look stopped in the middle of the file: the last record read is cut, not ragged.
        return None;
    }
    if counter.st == St::Quoted {
        return Some(format!("a quoted field opened on line {} is never closed", counter.quote_line));
    }
    counter.end_record()
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

    /// The separator-to-separator fast path counts exactly as the byte-by-byte reader, on
    /// random CSV-like bytes split into random buffers.
    #[test]
    fn buffer_counting_matches_byte_counting() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for trial in 0..400 {
            let quotes = trial % 3 == 0;
            let len = 1 + next(400) as usize;
            let data: Vec<u8> = (0..len)
                .map(|_| match next(20) {
                    0..=3 => b',',
                    4..=5 => b'\n',
                    6 => b'\r',
                    7 if quotes => b'"',
                    _ => b'a',
                })
                .collect();
            let mut bytewise = FieldCounter::new(b',');
            let want = data.iter().find_map(|&b| bytewise.byte(b));
            let mut buffered = FieldCounter::new(b',');
            let mut got = None;
            let mut rest = &data[..];
            while !rest.is_empty() && got.is_none() {
                let n = (1 + next(64) as usize).min(rest.len());
                got = buffered.feed(&rest[..n]);
                rest = &rest[n..];
            }
            assert_eq!(got, want, "trial {trial}: {:?}", String::from_utf8_lossy(&data));
            if want.is_none() {
                assert!(buffered.st == bytewise.st, "trial {trial}");
                assert_eq!(
                    (buffered.line, buffered.fields, buffered.record_len > 0),
                    (bytewise.line, bytewise.fields, bytewise.record_len > 0)
                );
                assert_eq!(buffered.end_record(), bytewise.end_record(), "trial {trial}");
            }
        }
    }

    #[test]
    fn finds_ragged_csv_line() {
        let f = tmp(b"a,b,c\n1,2,3\n4,5\n", ".csv");
        assert_eq!(locate_problem(f.path(), Format::Csv).unwrap(), "line 3 has 2 fields but the header has 3");
    }

    #[test]
    fn quoted_newlines_and_separators_are_one_field() {
        let f = tmp(b"a,b\n\"x,\ny\",2\n3,4\n", ".csv");
        assert_eq!(locate_problem(f.path(), Format::Csv), None);
        let f = tmp(b"a,b\n1,2\n\"open,2\n", ".csv");
        assert_eq!(locate_problem(f.path(), Format::Csv).unwrap(), "a quoted field opened on line 3 is never closed");
    }

    #[test]
    fn short_rows_and_stray_quotes() {
        let f = tmp(b"a,b,c\n1,2,3\n4,5\n", ".csv");
        assert_eq!(locate_problem(f.path(), Format::Csv).unwrap(), "line 3 has 2 fields but the header has 3");
        // A quote inside an unquoted field is data, not a quote.
        let f = tmp(b"a,b\n5\" tall,2\n\"x\"\"y\",3\r\n", ".csv");
        assert_eq!(locate_problem(f.path(), Format::Csv), None);
        // No trailing newline: the last record still counts.
        let f = tmp(b"a,b\n1,2\n3", ".csv");
        assert_eq!(locate_problem(f.path(), Format::Csv).unwrap(), "line 3 has 1 field but the header has 2");
        let f = tmp(b"a,b\n1,\xff\n", ".csv");
        assert_eq!(locate_problem(f.path(), Format::Csv).unwrap(), "line 2 is not valid UTF-8");
    }

    #[test]
    fn a_record_cut_by_the_read_limit_is_not_ragged() {
        let f = tmp(b"a,b,c\n1,2,3\n4,5,6\n", ".csv");
        // 15 bytes end inside "4,5,6".
        assert_eq!(csv_problem_within(f.path(), b',', 15), None);
        assert_eq!(csv_problem_within(f.path(), b',', 1000), None);
    }

    #[test]
    fn mixed_json_types_are_located() {
        let f = tmp(b"{\"a\": 1, \"b\": null}\n{\"a\": 2.5, \"b\": \"x\"}\n{\"a\": {\"x\": 1}}\n", ".jsonl");
        assert_eq!(
            locate_problem(f.path(), Format::JsonLines).unwrap(),
            "line 3: field \"a\" is an object, but line 1 has a number"
        );
    }

    #[test]
    fn finds_bad_json_line() {
        let f = tmp(b"{\"a\":1}\n{\"a\":2,}\n", ".jsonl");
        assert!(locate_problem(f.path(), Format::JsonLines).unwrap().starts_with("line 2:"));
        let f = tmp(b"[1,2]\n", ".jsonl");
        assert_eq!(locate_problem(f.path(), Format::JsonLines).unwrap(), "line 1 is an array, not a JSON object");
    }

    #[test]
    fn spots_non_parquet() {
        let f = tmp(b"a,b\n1,2\n3,4\n", ".parquet");
        assert!(locate_problem(f.path(), Format::Parquet).unwrap().contains("PAR1"));
    }
}
