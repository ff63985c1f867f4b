//! What `verify`, `approve`, `promote` and `check` share for signed evidence: the
//! `[release]` settings resolved to paths, the trusted signers, and the approval records
//! found in a folder.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;

use crate::config::{Config, DEFAULT_CONFIG, ReleaseConfig};
use crate::error::user;
use crate::release::judge::{Candidate, Trust};
use crate::sign::{Revoked, Signers};

/// Default folder of approval records.
pub const APPROVALS_DIR: &str = "mlgate-approvals";
/// Default promotion registry.
pub const REGISTRY: &str = "mlgate-registry.jsonl";

/// Who is trusted to sign, and when.
#[derive(Debug, Args, Clone, Default)]
pub struct TrustArgs {
    /// OpenSSH allowed_signers file: the people and CI keys whose signatures count
    /// (default: `[release].allowed_signers` in mlgate.toml). One line per signer:
    /// `alice@example.com ssh-ed25519 AAAA…`; options `namespaces="mlgate"`,
    /// `valid-after=`, `valid-before=` as ssh-keygen(1) describes under ALLOWED SIGNERS.
    #[arg(long, value_name = "FILE")]
    pub allowed_signers: Option<PathBuf>,

    /// Public keys that no longer count whatever allowed_signers says, one per line (the
    /// plain-key form of `ssh-keygen -Y verify -r`).
    #[arg(long, value_name = "FILE")]
    pub revoked: Option<PathBuf>,

    /// Judge the allowed signers' validity at this time instead of now:
    /// YYYYMMDD[HHMM[SS]], UTC with a trailing Z (as `ssh-keygen -Overify-time=`).
    #[arg(long, value_name = "TIME")]
    pub verify_time: Option<String>,

    /// Configuration file whose `[release]` table gives the defaults (read when it exists).
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `[release]` resolved to paths.
#[derive(Debug, Clone)]
pub struct Release {
    pub model: Option<String>,
    pub approvals: PathBuf,
    pub allowed_signers: Option<PathBuf>,
    pub registry: PathBuf,
}

impl Release {
    /// From a loaded configuration (paths relative to it).
    pub fn of(cfg: &Config) -> Release {
        Release::of_table(&cfg.raw.release, &cfg.dir)
    }

    fn of_table(r: &ReleaseConfig, dir: &Path) -> Release {
        Release {
            model: r.model.clone(),
            approvals: dir.join(r.approvals.as_deref().unwrap_or(APPROVALS_DIR)),
            allowed_signers: r.allowed_signers.as_deref().map(|p| dir.join(p)),
            registry: dir.join(r.registry.as_deref().unwrap_or(REGISTRY)),
        }
    }

    /// The `[release]` table of a configuration file, read on its own: verifying an archive
    /// must not depend on the rest of the file (its data paths, its gates) still being valid.
    fn read(path: &Path) -> Result<Release> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| user(format!("cannot read {shown}: {e}")).hint("pass --config FILE, or leave it out"))?;
        let doc: toml::Table = toml::from_str(&text).map_err(|e| {
            user(format!("{shown} is not valid TOML: {}", e.message())).hint("`mlgate check` shows where")
        })?;
        let table: ReleaseConfig = match doc.get("release") {
            None => ReleaseConfig::default(),
            Some(v) => v.clone().try_into().map_err(|e: toml::de::Error| {
                user(format!("{shown}: [release]: {}", e.message()))
                    .hint("[release] takes model, approvals, allowed_signers and registry")
            })?,
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Release::of_table(&table, &dir))
    }

    /// The defaults, relative to the current folder.
    fn plain() -> Release {
        Release::of_table(&ReleaseConfig::default(), Path::new(""))
    }
}

/// Signers, revocations and the verification time, loaded.
pub struct Loaded {
    pub signers: Signers,
    pub revoked: Revoked,
    pub at: i64,
}

impl Loaded {
    pub fn trust(&self) -> Trust<'_> {
        Trust { signers: &self.signers, revoked: &self.revoked, at: self.at }
    }
}

impl TrustArgs {
    /// The `[release]` settings: from `--config`, else ./mlgate.toml when it exists, else
    /// the defaults.
    pub fn release(&self) -> Result<Release> {
        let path = match &self.config {
            Some(p) => p.clone(),
            None if Path::new(DEFAULT_CONFIG).is_file() => PathBuf::from(DEFAULT_CONFIG),
            None => return Ok(Release::plain()),
        };
        Release::read(&path)
    }

    /// The trusted signers, when a file is given by flag or configuration.
    pub fn load(&self, release: &Release) -> Result<Option<Loaded>> {
        let Some(path) = self.allowed_signers.clone().or_else(|| release.allowed_signers.clone()) else {
            return Ok(None);
        };
        let signers = Signers::read(&path)?;
        if signers.lines.is_empty() {
            return Err(user(format!("{} lists no signers", path.display()))
                .hint("add a line `you@example.com ssh-ed25519 AAAA…` (the .pub file's text after your identity)")
                .into());
        }
        let revoked = match &self.revoked {
            Some(p) => Revoked::read(p)?,
            None => Revoked::default(),
        };
        let at = match &self.verify_time {
            Some(t) => crate::sign::signers::parse_time(t).ok_or_else(|| {
                user(format!("--verify-time {t:?} is not YYYYMMDD[HHMM[SS]][Z]"))
                    .hint("for example --verify-time 20261231Z")
            })?,
            None => chrono::Utc::now().timestamp(),
        };
        Ok(Some(Loaded { signers, revoked, at }))
    }
}

/// The approval records in `dir` (every `*.json`, with its `.sig` when present), or the
/// one `file`. A missing folder holds none.
pub fn candidates(dir: &Path, file: Option<&Path>) -> Result<Vec<Candidate>> {
    let paths: Vec<PathBuf> = match file {
        Some(f) => vec![f.to_path_buf()],
        None => match std::fs::read_dir(dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(user(format!("cannot read the approvals folder {}: {e}", dir.display())).into()),
            Ok(rd) => {
                let mut v: Vec<PathBuf> = rd
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
                    .collect();
                v.sort();
                v
            }
        },
    };
    let mut out = Vec::new();
    for p in paths {
        // Records are small; anything large is not one.
        if std::fs::metadata(&p).is_ok_and(|m| m.len() > 1 << 20) {
            continue;
        }
        let text = std::fs::read_to_string(&p)
            .map_err(|e| user(format!("cannot read the approval record {}: {e}", p.display())))?;
        let sig = std::fs::read_to_string(crate::sign::signature_path(&p)).ok();
        out.push(Candidate { shown: p.display().to_string(), text, sig });
    }
    Ok(out)
}

/// The identity to sign as: the flag, else `git config user.email`.
pub fn identity(flag: Option<&str>) -> Result<String> {
    let id = match flag {
        Some(f) => f.trim().to_string(),
        None => {
            crate::git::git(Path::new("."), &["config", "user.email"]).map(|s| s.trim().to_string()).unwrap_or_default()
        }
    };
    if id.is_empty() || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(user(format!("no usable identity to sign as ({id:?})"))
            .hint("pass --identity you@example.com: the principal your key is listed under in allowed_signers")
            .into());
    }
    Ok(id)
}

/// The time now, as results state it (`SOURCE_DATE_EPOCH` when set).
pub fn now() -> Result<String> {
    crate::provenance::timestamp()
}
