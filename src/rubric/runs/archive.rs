//! Zip archives of run outputs (what GitHub's artefact download returns), opened within
//! bounds: a zip bomb expands into at most [`MAX_EXPANDED`] bytes, never more, because every
//! entry is read through a limit whatever size its header claims.

use std::io::Read;

use super::MAX_FILE_BYTES;

/// Entries of one archive looked at, at most.
pub const MAX_ENTRIES: usize = 10_000;
/// Bytes all wanted entries of one archive may expand into.
pub const MAX_EXPANDED: u64 = 256 * 1024 * 1024;

/// The wanted files of an archive, with their contents.
#[derive(Debug, Default)]
pub struct Entries {
    /// (path inside the archive, contents) of the entries `wanted` accepted.
    pub files: Vec<(String, Vec<u8>)>,
    /// Every file's path inside the archive (wanted or not).
    pub names: Vec<String>,
    /// Entries of no known format.
    pub unknown: usize,
    /// Entries not read, with the reason.
    pub skipped: Vec<String>,
}

/// Reads the entries of a zip archive whose path `wanted` accepts.
pub fn entries(bytes: &[u8], wanted: impl Fn(&str) -> bool) -> Result<Entries, String> {
    entries_within(bytes, wanted, MAX_FILE_BYTES, MAX_EXPANDED)
}

/// [`entries`] with the bounds given: `per_file` bytes an entry, `total` bytes in all.
fn entries_within(bytes: &[u8], wanted: impl Fn(&str) -> bool, per_file: u64, total: u64) -> Result<Entries, String> {
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| format!("not a readable zip archive ({e})"))?;
    let mut out = Entries::default();
    let mut expanded = 0u64;
    let n = zip.len();
    if n > MAX_ENTRIES {
        out.skipped.push(format!("{n} entries; only the first {MAX_ENTRIES} were looked at"));
    }
    for i in 0..n.min(MAX_ENTRIES) {
        let mut f = match zip.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                out.skipped.push(format!("entry {i}: {e}"));
                continue;
            }
        };
        if f.is_dir() {
            continue;
        }
        // A name that climbs out (`../x`) or is absolute is refused, never used as a path.
        let Some(path) = f.enclosed_name().map(|p| p.to_string_lossy().replace('\\', "/")) else {
            out.skipped.push(format!(
                "{}: an unsafe path; not read",
                crate::text::clip(&f.name().map(|n| n.into_owned()).unwrap_or_default(), 80)
            ));
            continue;
        };
        out.names.push(path.clone());
        let name = path.rsplit('/').next().unwrap_or(&path);
        if name.to_ascii_lowercase().ends_with(".zip") {
            out.skipped.push(format!("{path}: an archive inside an archive; not opened"));
            continue;
        }
        if !wanted(&path) {
            out.unknown += 1;
            continue;
        }
        let limit = per_file.min(total - expanded);
        let mut data = Vec::new();
        match (&mut f).take(limit + 1).read_to_end(&mut data) {
            Ok(_) if data.len() as u64 > limit => {
                expanded = total.min(expanded + limit);
                out.skipped.push(if limit < per_file {
                    format!(
                        "{path}: the archive expands past {} (a zip bomb?); the rest was not read",
                        crate::text::bytes(total)
                    )
                } else {
                    format!("{path}: expands past {}; not read", crate::text::bytes(per_file))
                });
                if expanded >= total {
                    break;
                }
            }
            Ok(_) => {
                expanded += data.len() as u64;
                out.files.push((path, data));
            }
            Err(e) => out.skipped.push(format!("{path}: cannot be expanded ({e})")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::entries_within;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in files {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_bomb_expands_no_further_than_the_bounds() {
        let zeros = vec![0u8; 4096];
        let bytes = zip_of(&[("a.json", &zeros), ("b.json", &zeros), ("c.json", &zeros), ("d.json", b"{}")]);
        assert!(bytes.len() < 1024, "{} bytes", bytes.len());
        // Each entry within 5000 bytes, all within 9000: the third passes the total.
        let e = entries_within(&bytes, |_| true, 5000, 9000).unwrap();
        assert_eq!(e.files.len(), 2);
        assert!(e.skipped[0].starts_with("c.json: the archive expands past"), "{:?}", e.skipped);
        assert_eq!(e.skipped.len(), 1, "reading stops at the total: {:?}", e.skipped);
        // One entry over the per-entry bound is skipped, the rest read.
        let e = entries_within(&bytes, |_| true, 4000, 1 << 20).unwrap();
        assert_eq!(e.files.len(), 1);
        assert_eq!(e.skipped.len(), 3);
        assert!(e.skipped[0].contains("expands past"), "{:?}", e.skipped);
    }

    #[test]
    fn unsafe_names_nested_archives_and_garbage() {
        let bytes =
            zip_of(&[("../escape.json", b"{}"), ("inner.zip", b"PK"), ("notes.txt", b"x"), ("ok/junit.xml", b"<x/>")]);
        let e = entries_within(&bytes, |p| p.ends_with(".xml") || p.ends_with(".json"), 1 << 20, 1 << 20).unwrap();
        assert_eq!(e.files.len(), 1);
        assert_eq!(e.files[0].0, "ok/junit.xml");
        assert_eq!(e.unknown, 1);
        assert!(e.skipped.iter().any(|s| s.contains("unsafe path")), "{:?}", e.skipped);
        assert!(e.skipped.iter().any(|s| s.contains("archive inside an archive")), "{:?}", e.skipped);
        assert!(entries_within(b"PK\x03\x04 not really", |_| true, 10, 10).is_err());
    }
}
