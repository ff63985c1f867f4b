//! Whole-process measurement shared by the benchmarks: wall time, CPU time, page faults,
//! peak RSS and peak anonymous memory of one child process, and per-field medians.
#![allow(dead_code)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One whole-process run.
#[derive(Clone, Copy)]
pub struct Measured {
    pub wall: f64,
    /// User and system CPU seconds of the process and its threads.
    pub user: f64,
    pub sys: f64,
    /// Minor page faults.
    pub minflt: f64,
    /// Peak resident set (ru_maxrss), which counts the pages of memory-mapped input files.
    pub peak_mib: f64,
    /// Peak anonymous memory (RssAnon sampled every 5 ms): the heap.
    pub anon_mib: f64,
}

impl Measured {
    pub fn cpu(&self) -> f64 {
        self.user + self.sys
    }
}

/// Runs `cmd` to completion: wall clock measured here, CPU time, page faults and peak RSS
/// from `wait4`'s resource usage, peak anonymous memory sampled from `/proc/<pid>/status`.
#[allow(unsafe_code, clippy::zombie_processes)] // reaped by `wait4` below
pub fn run(mut cmd: Command) -> Measured {
    let start = Instant::now();
    let child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let status_path = format!("/proc/{pid}/status");
    let mut anon_kb = 0f64;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_path) {
            for line in text.lines().filter(|l| l.starts_with("RssAnon:")) {
                let kb = line.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
                anon_kb = anon_kb.max(kb);
            }
        }
        // SAFETY: `pid` is our child, not yet reaped; status and usage are valid pointers.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert!(r == 0, "wait4 failed");
        std::thread::sleep(Duration::from_millis(5));
    }
    let wall = start.elapsed().as_secs_f64();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.unwrap(), &mut err).unwrap();
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    assert!(code == 0 || code == 1, "{cmd:?} failed ({code}): {err}");
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Measured {
        wall,
        user: secs(usage.ru_utime),
        sys: secs(usage.ru_stime),
        minflt: usage.ru_minflt as f64,
        peak_mib: usage.ru_maxrss as f64 / 1024.0,
        anon_mib: anon_kb / 1024.0,
    }
}

/// Per-field medians of the runs (each field on its own; an odd count gives actual runs).
pub fn median(runs: &[Measured]) -> Measured {
    let med = |g: fn(&Measured) -> f64| {
        let mut v: Vec<f64> = runs.iter().map(g).collect();
        v.sort_by(f64::total_cmp);
        if v.len() % 2 == 1 { v[v.len() / 2] } else { (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0 }
    };
    Measured {
        wall: med(|m| m.wall),
        user: med(|m| m.user),
        sys: med(|m| m.sys),
        minflt: med(|m| m.minflt),
        peak_mib: med(|m| m.peak_mib),
        anon_mib: med(|m| m.anon_mib),
    }
}
