//! Reading a large CSV file in pieces cut at record boundaries.
//!
//! polars memory-maps a CSV file it scans, and every page it has read stays in the
//! process's resident memory until the scan ends: streaming a 3.2 GiB file held 3.2 GiB
//! resident by its end, though the heap was 0.2 GiB. Handing polars pieces of about
//! [`PIECE_BYTES`] instead, read into one reused buffer, keeps that to a piece.
//!
//! A piece ends after a newline outside quotes. Quotes are read the way polars and
//! `data::diagnose` read them: a field that starts with `"` is quoted until a `"` not
//! followed by another `"`; a quote anywhere else is an ordinary character. Every piece
//! starts at a record boundary, so each is scanned on its own (the first with the header,
//! the others without); a piece without any quote (most numeric data) needs no
//! byte-by-byte scan at all.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Bytes read per piece, before rounding down to a record boundary.
pub const PIECE_BYTES: usize = 64 << 20;

/// The pieces of one CSV file, in order.
pub struct Pieces {
    file: File,
    sep: u8,
    /// Bytes read past the last piece's end.
    rest: Vec<u8>,
    eof: bool,
    piece_bytes: usize,
}

impl Pieces {
    pub fn open(path: &Path, sep: u8, piece_bytes: usize) -> io::Result<Pieces> {
        Ok(Pieces { file: File::open(path)?, sep, rest: Vec::new(), eof: false, piece_bytes })
    }

    /// Fills `buf` with the next piece: whole records (the first piece starts with the
    /// header). Returns false, with `buf` empty, at the end of the file.
    pub fn next_piece(&mut self, buf: &mut Vec<u8>) -> io::Result<bool> {
        buf.clear();
        buf.append(&mut self.rest);
        let mut want = self.piece_bytes;
        loop {
            self.fill(buf, want)?;
            if self.eof {
                break;
            }
            match last_boundary(buf, self.sep) {
                Some(end) => {
                    self.rest.extend_from_slice(&buf[end..]);
                    buf.truncate(end);
                    break;
                }
                // A record longer than a piece: read on.
                None => want = buf.len() * 2,
            }
        }
        Ok(!buf.is_empty())
    }

    /// Reads until `buf` holds `want` bytes or the file ends.
    fn fill(&mut self, buf: &mut Vec<u8>, want: usize) -> io::Result<()> {
        let missing = want.saturating_sub(buf.len());
        if missing == 0 || self.eof {
            return Ok(());
        }
        buf.reserve(missing);
        // `read_to_end` retries on interruption and reads into the spare capacity as is.
        let got = (&mut self.file).take(missing as u64).read_to_end(buf)?;
        if got < missing {
            self.eof = true;
        }
        Ok(())
    }
}

/// Where a quote-aware reader is within a record.
#[derive(Clone, Copy, PartialEq)]
enum St {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Calls `at` with the index just past every newline that ends a record, in order; stops
/// when `at` returns false.
fn boundaries(buf: &[u8], sep: u8, mut at: impl FnMut(usize) -> bool) {
    let mut st = St::FieldStart;
    for (i, &b) in buf.iter().enumerate() {
        st = match (st, b) {
            (St::Quoted, b'"') => St::QuoteInQuoted,
            (St::Quoted, _) => St::Quoted,
            (St::QuoteInQuoted, b'"') => St::Quoted,
            (_, b'\n') => {
                if !at(i + 1) {
                    return;
                }
                St::FieldStart
            }
            (_, b) if b == sep => St::FieldStart,
            (St::FieldStart, b'"') => St::Quoted,
            _ => St::Unquoted,
        };
    }
}

/// The index just past the last record-ending newline in `buf` (which starts a record).
fn last_boundary(buf: &[u8], sep: u8) -> Option<usize> {
    if memchr::memchr(b'"', buf).is_none() {
        return memchr::memrchr(b'\n', buf).map(|i| i + 1);
    }
    let mut last = None;
    boundaries(buf, sep, |i| {
        last = Some(i);
        true
    });
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn pieces(content: &[u8], piece_bytes: usize) -> Vec<Vec<u8>> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(content).unwrap();
        let mut p = Pieces::open(f.path(), b',', piece_bytes).unwrap();
        let (mut out, mut buf) = (Vec::new(), Vec::new());
        while p.next_piece(&mut buf).unwrap() {
            out.push(buf.clone());
        }
        assert!(buf.is_empty());
        out
    }

    /// Every piece is whole records, and the pieces together are the file, in order.
    fn check(content: &[u8], piece_bytes: usize) -> usize {
        let got = pieces(content, piece_bytes);
        for (i, p) in got.iter().enumerate().take(got.len().saturating_sub(1)) {
            assert!(p.ends_with(b"\n"), "piece {i} ends at a record boundary");
        }
        assert_eq!(got.concat(), content);
        got.len()
    }

    #[test]
    fn pieces_end_at_record_boundaries_outside_quotes() {
        let plain = b"a,b\n1,2\n3,4\n5,6\n7,8\n".repeat(50);
        assert!(check(&plain, 64) > 5);
        // Newlines, separators and doubled quotes inside quoted fields do not end a record;
        // a quote inside an unquoted field is an ordinary character.
        let records: [&[u8]; 3] = [b"\"x,\ny\",\"said \"\"hi\"\"\n\"\n", b"5\"in,2\n", b"\"a\",b\n"];
        let unit = records.concat();
        let quoted = [b"name,note\n".to_vec(), unit.repeat(40)].concat();
        assert!(check(&quoted, 50) > 5);
        // Every cut falls after one of the three records.
        let ends = [records[0].len(), records[0].len() + records[1].len(), 0];
        let mut at = 0;
        for (i, p) in pieces(&quoted, 50).iter().enumerate() {
            at += if i == 0 { p.len() - b"name,note\n".len() } else { p.len() };
            assert!(ends.contains(&(at % unit.len())), "cut inside a record at {at}");
        }
    }

    #[test]
    fn a_record_longer_than_a_piece_and_a_missing_final_newline() {
        let mut long = b"a,b\n".to_vec();
        long.extend_from_slice(&b"x".repeat(1000));
        long.extend_from_slice(b",1\n2,3");
        assert_eq!(check(&long, 16), 2);
        assert_eq!(check(b"a,b\n", 16), 1);
        assert!(pieces(b"", 16).is_empty());
    }
}
