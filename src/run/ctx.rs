//! The inputs a run reads, recorded for provenance: every file with its SHA-256 (hashed on
//! a background thread while the gate works) and, for tables, its row count.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use crate::data::Source;
use crate::results::Input;

#[derive(Debug, Default)]
/// Inputs read during a run, by logical name.
pub struct RunCtx {
    inputs: BTreeMap<String, Input>,
    /// Hashes still being computed in the background, by input name.
    pending: Vec<(String, std::thread::JoinHandle<Result<String>>)>,
}

/// The record of a dataset.
fn input_of(src: &Source, rows: Option<u64>, sha256: &str) -> Input {
    Input {
        name: src.name.clone(),
        path: src.display.clone(),
        format: src.format.as_str().to_string(),
        sha256: sha256.to_string(),
        rows,
    }
}

impl RunCtx {
    /// Records a dataset that was read, hashing the file.
    pub fn record_source(&mut self, src: &Source, rows: Option<u64>) -> Result<()> {
        self.record_file(&src.name, &src.display, &src.path, src.format.as_str(), rows)
    }

    /// Records a dataset whose digest is already known.
    pub fn record_source_digest(&mut self, src: &Source, rows: Option<u64>, sha256: &str) {
        self.inputs.insert(src.name.clone(), input_of(src, rows, sha256));
    }

    /// Records a dataset and hashes it on a background thread, so hashing a large file
    /// overlaps with the gate's own work. Finished by [`RunCtx::into_inputs`].
    pub fn record_source_async(&mut self, src: &Source, rows: Option<u64>) {
        if let Some(existing) = self.inputs.get_mut(&src.name) {
            if rows.is_some() {
                existing.rows = rows;
            }
            return;
        }
        self.inputs.insert(src.name.clone(), input_of(src, rows, ""));
        let path = src.path.clone();
        self.pending.push((src.name.clone(), std::thread::spawn(move || crate::provenance::sha256_file(&path))));
    }

    /// Records an input that is not a file (a query an engine profiled), by its digest.
    pub fn record_digest(&mut self, name: &str, shown: &str, format: &str, sha256: &str, rows: Option<u64>) {
        let input = Input { name: name.into(), path: shown.into(), format: format.into(), sha256: sha256.into(), rows };
        self.inputs.entry(name.to_string()).or_insert(input);
    }

    /// Records any input file (schema, profile, config), hashing it once.
    pub fn record_file(&mut self, name: &str, shown: &str, path: &Path, format: &str, rows: Option<u64>) -> Result<()> {
        if let Some(existing) = self.inputs.get_mut(name) {
            if rows.is_some() {
                existing.rows = rows;
            }
            return Ok(());
        }
        let sha256 = crate::provenance::sha256_file(path)?;
        self.inputs.insert(
            name.to_string(),
            Input { name: name.to_string(), path: shown.to_string(), format: format.to_string(), sha256, rows },
        );
        Ok(())
    }

    /// The recorded inputs, waiting for background hashes.
    pub fn into_inputs(mut self) -> Result<Vec<Input>> {
        for (name, handle) in self.pending.drain(..) {
            let digest = handle.join().map_err(|_| anyhow::anyhow!("hashing {name} panicked"))??;
            if let Some(i) = self.inputs.get_mut(&name) {
                i.sha256 = digest;
            }
        }
        Ok(self.inputs.into_values().collect())
    }
}
