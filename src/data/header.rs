//! A CSV file's header as written. polars renames a repeated column name (`a`, `a` becomes
//! `a`, `a_duplicated_0`), so a gate would silently judge one of the two; the header is read
//! here, with the quoting rules of the data, to refuse that.

use std::io::Read;
use std::path::Path;

/// The header's bytes read at most.
const MAX_HEADER_BYTES: u64 = 1 << 20;

/// The fields of the first record of a CSV file (unquoted), or `None` when unreadable.
pub fn fields(path: &Path, sep: u8) -> Option<Vec<String>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path).ok()?.take(MAX_HEADER_BYTES).read_to_end(&mut bytes).ok()?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let (mut out, mut field, mut quoted, mut at_start) = (Vec::new(), Vec::new(), false, true);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if quoted {
            match (b, bytes.get(i + 1)) {
                (b'"', Some(b'"')) => {
                    field.push(b'"');
                    i += 1;
                }
                (b'"', _) => quoted = false,
                _ => field.push(b),
            }
        } else if b == b'"' && at_start {
            quoted = true;
        } else if b == sep || b == b'\n' {
            if field.last() == Some(&b'\r') {
                field.pop();
            }
            out.push(String::from_utf8_lossy(&field).into_owned());
            field.clear();
            if b == b'\n' {
                return Some(out);
            }
            at_start = true;
            i += 1;
            continue;
        } else {
            field.push(b);
        }
        at_start = false;
        i += 1;
    }
    out.push(String::from_utf8_lossy(&field).trim_end_matches('\r').to_string());
    Some(out)
}

/// The first name given to two columns, with their 1-based positions.
pub fn duplicate(fields: &[String]) -> Option<(String, usize, usize)> {
    let mut seen = std::collections::HashMap::new();
    for (i, f) in fields.iter().enumerate() {
        if let Some(first) = seen.insert(f.as_str(), i) {
            return Some((f.clone(), first + 1, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_are_found_with_quotes_read_as_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("h.csv");
        std::fs::write(&p, "\u{FEFF}a,\"b,c\",\"say \"\"x\"\"\",a\r\n1,2,3,4\n").unwrap();
        let f = fields(&p, b',').unwrap();
        assert_eq!(f, vec!["a", "b,c", "say \"x\"", "a"]);
        assert_eq!(duplicate(&f), Some(("a".to_string(), 1, 4)));
        std::fs::write(&p, "a,\"a\nb\",c").unwrap();
        assert_eq!(fields(&p, b',').unwrap(), vec!["a", "a\nb", "c"]);
        assert_eq!(duplicate(&fields(&p, b',').unwrap()), None);
    }
}
