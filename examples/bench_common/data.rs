//! Data helpers shared by the benchmarks: a seeded generator and reading a file as polars
//! would for a user (Parquet scanned, CSV with a header).
#![allow(dead_code)]

use std::path::Path;

use polars::prelude::*;

/// xorshift64: fast, seeded, reproducible.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.f().max(1e-12), self.f());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

pub fn scan(p: &Path) -> LazyFrame {
    let s = p.to_str().unwrap();
    if s.ends_with(".parquet") {
        LazyFrame::scan_parquet(PlRefPath::new(s), ScanArgsParquet::default()).unwrap()
    } else {
        LazyCsvReader::new(PlRefPath::new(s)).with_has_header(true).finish().unwrap()
    }
}
