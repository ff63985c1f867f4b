//! Sorting a column too large for memory, for exact statistics in bounded memory.
//!
//! While a file streams past, each numeric column's finite values collect in a buffer of
//! [`RUN_VALUES`]; a full buffer is sorted and appended to the column's run file. At the
//! end the runs are merged into one sorted file, which [`SortedFile`] reads back in order
//! as often as the statistics need (each pass is one sequential read). Memory is the
//! buffers plus a read buffer per run during the merge, whatever the number of rows; disk
//! is 8 bytes per value, twice over while merging. A column that never filled its buffer
//! stays in memory.
//!
//! Values are written in the machine's own byte order: the files live only as long as the
//! run, in a temporary folder removed when it ends.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::stats::exact::SortedStream;
use crate::stats::sort::{from_ordered_bits, ordered_bits, sort_floats};

/// Values a column collects before sorting them into a run (4 MiB).
pub const RUN_VALUES: usize = 1 << 19;
/// Values read at a time from a run or the sorted file.
const READ_VALUES: usize = 1 << 15;

/// A column's values on their way to disk.
#[derive(Debug)]
pub struct RunWriter {
    path: PathBuf,
    file: Option<BufWriter<File>>,
    buf: Vec<f64>,
    /// Length of each run written, in order.
    runs: Vec<usize>,
}

/// A column's sorted values, in memory or on disk.
#[derive(Debug)]
pub enum Spilled {
    Memory(Vec<f64>),
    File(SortedFile),
}

impl RunWriter {
    /// A writer whose files are `dir/tag.*` (created on the first full buffer).
    pub fn new(dir: &Path, tag: &str) -> RunWriter {
        RunWriter { path: dir.join(format!("{tag}.runs")), file: None, buf: Vec::new(), runs: Vec::new() }
    }

    /// The run file, for messages.
    pub fn shown(&self) -> String {
        self.path.display().to_string()
    }

    pub fn push(&mut self, values: &[f64]) -> io::Result<()> {
        let mut rest = values;
        while !rest.is_empty() {
            let take = (RUN_VALUES - self.buf.len()).min(rest.len());
            self.buf.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.buf.len() == RUN_VALUES {
                self.write_run()?;
            }
        }
        Ok(())
    }

    fn write_run(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        sort_floats(&mut self.buf);
        let file = match &mut self.file {
            Some(f) => f,
            None => self.file.insert(BufWriter::with_capacity(1 << 20, File::create(&self.path)?)),
        };
        file.write_all(bytemuck::cast_slice(&self.buf))?;
        self.runs.push(self.buf.len());
        self.buf.clear();
        Ok(())
    }

    /// All values, sorted: in memory when they never filled a buffer, else merged into one
    /// file (the runs are removed).
    pub fn finish(mut self) -> io::Result<Spilled> {
        if self.runs.is_empty() {
            let mut v = std::mem::take(&mut self.buf);
            sort_floats(&mut v);
            return Ok(Spilled::Memory(v));
        }
        self.write_run()?;
        if let Some(mut f) = self.file.take() {
            f.flush()?;
        }
        let sorted = self.path.with_extension("sorted");
        let len = merge_runs(&self.path, &self.runs, &sorted)?;
        std::fs::remove_file(&self.path)?;
        let mut first_last = [f64::NAN; 2];
        if len > 0 {
            let mut f = File::open(&sorted)?;
            f.read_exact(bytemuck::cast_slice_mut(&mut first_last[..1]))?;
            f.seek(SeekFrom::Start((len as u64 - 1) * 8))?;
            f.read_exact(bytemuck::cast_slice_mut(&mut first_last[1..]))?;
        }
        Ok(Spilled::File(SortedFile {
            path: sorted,
            len,
            first: first_last[0],
            last: first_last[1],
            error: Mutex::new(None),
        }))
    }
}

/// Reads one run from its place in the runs file, a block at a time.
struct RunReader {
    file: BufReader<File>,
    left: usize,
    block: Vec<f64>,
    at: usize,
}

impl RunReader {
    fn open(path: &Path, offset: u64, len: usize) -> io::Result<RunReader> {
        let mut f = File::open(path)?;
        f.seek(SeekFrom::Start(offset))?;
        Ok(RunReader { file: BufReader::with_capacity(0, f), left: len, block: Vec::new(), at: 0 })
    }

    fn next(&mut self) -> io::Result<Option<f64>> {
        if self.at == self.block.len() {
            if self.left == 0 {
                return Ok(None);
            }
            let n = self.left.min(READ_VALUES);
            self.block.resize(n, 0.0);
            self.file.read_exact(bytemuck::cast_slice_mut(&mut self.block))?;
            self.left -= n;
            self.at = 0;
        }
        self.at += 1;
        Ok(Some(self.block[self.at - 1]))
    }
}

/// k-way merge of the sorted runs into `out`; returns the number of values.
fn merge_runs(path: &Path, runs: &[usize], out: &Path) -> io::Result<usize> {
    let mut readers = Vec::with_capacity(runs.len());
    let mut offset = 0u64;
    for &len in runs {
        readers.push(RunReader::open(path, offset, len)?);
        offset += len as u64 * 8;
    }
    let mut heap = BinaryHeap::with_capacity(runs.len());
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some(v) = r.next()? {
            heap.push(Reverse((ordered_bits(v), i)));
        }
    }
    let mut w = BufWriter::with_capacity(1 << 20, File::create(out)?);
    let mut block: Vec<f64> = Vec::with_capacity(READ_VALUES);
    let mut total = 0usize;
    while let Some(Reverse((key, i))) = heap.pop() {
        block.push(from_ordered_bits(key));
        if block.len() == READ_VALUES {
            w.write_all(bytemuck::cast_slice(&block))?;
            total += block.len();
            block.clear();
        }
        if let Some(v) = readers[i].next()? {
            heap.push(Reverse((ordered_bits(v), i)));
        }
    }
    w.write_all(bytemuck::cast_slice(&block))?;
    total += block.len();
    w.flush()?;
    Ok(total)
}

/// A column's sorted values in a file, read back in order.
#[derive(Debug)]
pub struct SortedFile {
    path: PathBuf,
    len: usize,
    first: f64,
    last: f64,
    /// The first read error of any pass: a pass that fails ends early, and the loader
    /// turns this into the run's error instead of a result.
    error: Mutex<Option<String>>,
}

impl SortedFile {
    /// The first read error of any pass, naming the file.
    pub fn error(&self) -> Option<String> {
        self.error.lock().ok().and_then(|e| e.clone()).map(|e| format!("{}: {e}", self.path.display()))
    }

    fn fail(&self, e: io::Error) {
        if let Ok(mut slot) = self.error.lock() {
            slot.get_or_insert_with(|| e.to_string());
        }
    }
}

/// One pass over a [`SortedFile`].
struct Pass<'a> {
    owner: &'a SortedFile,
    file: Option<File>,
    left: usize,
    block: Vec<f64>,
    at: usize,
}

impl Iterator for Pass<'_> {
    type Item = f64;

    #[inline]
    fn next(&mut self) -> Option<f64> {
        if self.at == self.block.len() {
            let n = self.left.min(READ_VALUES);
            let file = self.file.as_mut()?;
            if n == 0 {
                return None;
            }
            self.block.resize(n, 0.0);
            if let Err(e) = file.read_exact(bytemuck::cast_slice_mut(&mut self.block)) {
                self.owner.fail(e);
                self.file = None;
                return None;
            }
            self.left -= n;
            self.at = 0;
        }
        self.at += 1;
        Some(self.block[self.at - 1])
    }
}

impl SortedStream for SortedFile {
    fn len(&self) -> usize {
        self.len
    }
    fn first(&self) -> f64 {
        self.first
    }
    fn last(&self) -> f64 {
        self.last
    }
    fn pass(&self) -> Box<dyn Iterator<Item = f64> + '_> {
        let file = match File::open(&self.path) {
            Ok(f) => Some(f),
            Err(e) => {
                self.fail(e);
                None
            }
        };
        Box::new(Pass { owner: self, file, left: self.len, block: Vec::new(), at: 0 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spilled_values_come_back_sorted_and_complete() {
        let dir = tempfile::tempdir().unwrap();
        let mut state = 7u64;
        let values: Vec<f64> = (0..RUN_VALUES * 2 + 12_345)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state % 100_000) as f64 / 7.0 - 5000.0
            })
            .collect();
        let mut w = RunWriter::new(dir.path(), "x");
        for chunk in values.chunks(100_003) {
            w.push(chunk).unwrap();
        }
        let Spilled::File(f) = w.finish().unwrap() else { panic!("expected a file") };
        let mut want = values.clone();
        want.sort_by(f64::total_cmp);
        assert_eq!((f.len(), f.first(), f.last()), (want.len(), want[0], want[want.len() - 1]));
        for _ in 0..2 {
            let got: Vec<f64> = f.pass().collect();
            assert!(got == want, "a pass must yield every value in order");
        }
        assert_eq!(f.error(), None);
        assert!(!dir.path().join("x.runs").exists(), "runs are removed after the merge");
    }

    #[test]
    fn a_small_column_stays_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = RunWriter::new(dir.path(), "x");
        w.push(&[3.0, 1.0, 2.0]).unwrap();
        match w.finish().unwrap() {
            Spilled::Memory(v) => assert_eq!(v, vec![1.0, 2.0, 3.0]),
            Spilled::File(_) => panic!("three values need no file"),
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_file_removed_mid_run_is_an_error_not_a_short_answer() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = RunWriter::new(dir.path(), "x");
        w.push(&vec![1.0; RUN_VALUES + 1]).unwrap();
        let Spilled::File(f) = w.finish().unwrap() else { panic!("expected a file") };
        std::fs::remove_file(dir.path().join("x.sorted")).unwrap();
        assert_eq!(f.pass().count(), 0);
        assert!(f.error().unwrap().contains("x.sorted"), "{:?}", f.error());
    }
}
