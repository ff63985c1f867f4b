//! Turning the names in a gate's inputs into files. A validated spec says `reference =
//! "train"`; a resolver knows what `train` is: the `[data]` entry of mlgate.toml, or the
//! file given to `mlgate gate drift --reference`. It also knows how to point at a setting
//! that names a column the data lacks: with a caret in mlgate.toml, or by flag.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use toml::Spanned;

use crate::config::Config;
use crate::data::Source;
use crate::diag::Problem;
use crate::error::{quoted, user};

/// One side of a drift comparison: a data file, a saved profile, or a query an engine
/// profiles (then the profile it computed).
#[derive(Debug, Clone)]
pub enum SideSpec {
    Data(Source),
    Profile { name: String, path: PathBuf, shown: String },
    Sql { name: String, query: crate::config::SqlData, origin: String },
    Computed { name: String, shown: String, profile: Box<crate::profile::Profile> },
}

impl SideSpec {
    pub fn name(&self) -> &str {
        match self {
            SideSpec::Data(s) => &s.name,
            SideSpec::Profile { name, .. } | SideSpec::Sql { name, .. } | SideSpec::Computed { name, .. } => name,
        }
    }

    /// A path is a profile when it ends in `.json` (data files never do).
    pub fn from_path(name: &str, given: &str, base: &Path, origin: &str) -> Result<SideSpec> {
        if given.to_ascii_lowercase().ends_with(".json") {
            let path = base.join(given);
            if !path.is_file() {
                return Err(user(format!("profile {} ({name}) not found", quoted(given)))
                    .hint(format!(
                        "check the path given in {origin}; write a profile with `mlgate profile DATA -o FILE`"
                    ))
                    .into());
            }
            return Ok(SideSpec::Profile { name: name.to_string(), path, shown: given.to_string() });
        }
        Ok(SideSpec::Data(Source::new(name, given, base, origin)?))
    }
}

/// A plain input file (a schema, an importance file).
#[derive(Debug, Clone)]
pub struct FileRef {
    /// Where to read it.
    pub path: PathBuf,
    /// The path as the user wrote it (shown in reports).
    pub shown: String,
    /// Where it was given, for error messages.
    pub origin: String,
}

/// How a gate's input names become files.
pub trait Resolve {
    /// The dataset `name`, given under `key` (e.g. `predictions`).
    fn source(&self, key: &str, name: &Spanned<String>) -> Result<Source>;
    /// A dataset or, when the value names none, the path of a saved profile (`.json`).
    fn side(&self, key: &str, value: &Spanned<String>) -> Result<SideSpec>;
    /// A plain file given under `key` of `table`.
    fn file(&self, table: &str, key: &str, value: &Spanned<String>) -> Result<FileRef>;
    /// Every dataset, for a gate that checks all of them by default.
    fn all_data(&self) -> Vec<Spanned<String>>;
    /// An error that points at the setting behind a problem found in the data.
    fn locate(&self, p: Problem) -> anyhow::Error;
}

/// Names resolved through mlgate.toml.
pub struct ConfigResolver<'a>(pub &'a Config);

impl Resolve for ConfigResolver<'_> {
    fn source(&self, _key: &str, name: &Spanned<String>) -> Result<Source> {
        self.0.source(name.get_ref())
    }

    fn side(&self, key: &str, value: &Spanned<String>) -> Result<SideSpec> {
        let cfg = self.0;
        let v = value.get_ref();
        if let Some(e) = cfg.raw.data.get(v)
            && let crate::config::DataEntry::Sql(query) = e.get_ref()
        {
            let origin = format!("[data].{v} at {}", cfg.at(&e.span()));
            return Ok(SideSpec::Sql { name: v.clone(), query: query.clone(), origin });
        }
        if cfg.has_input(v) {
            return Ok(SideSpec::Data(cfg.source(v)?));
        }
        let origin = format!("[gates.drift].{key} at {}", cfg.at(&value.span()));
        let side = SideSpec::from_path(key, v, &cfg.dir, &origin).with_context(|| format!("[gates.drift].{key}"))?;
        let path = match &side {
            SideSpec::Data(s) => s.path.clone(),
            SideSpec::Profile { path, .. } => path.clone(),
            SideSpec::Sql { .. } | SideSpec::Computed { .. } => return Ok(side),
        };
        crate::paths::inside(&cfg.root, &path, v, &origin)?;
        Ok(side)
    }

    fn file(&self, table: &str, key: &str, value: &Spanned<String>) -> Result<FileRef> {
        let cfg = self.0;
        let f = FileRef {
            path: cfg.resolve(value.get_ref()),
            shown: value.get_ref().clone(),
            origin: format!("{table}.{key} at {}", cfg.at(&value.span())),
        };
        crate::paths::inside(&cfg.root, &f.path, &f.shown, &f.origin)?;
        Ok(f)
    }

    fn all_data(&self) -> Vec<Spanned<String>> {
        self.0.raw.data.keys().map(|k| Spanned::new(0..0, k.clone())).collect()
    }

    fn locate(&self, p: Problem) -> anyhow::Error {
        let cfg = self.0;
        let file = cfg.path.display().to_string();
        let hint = p.hint.clone();
        let mut shown = p;
        shown.hint = None;
        let mut e = user(crate::diag::render(&file, &cfg.text, &[shown]));
        if let Some(h) = hint {
            e = e.hint(h);
        }
        e.into()
    }
}

/// Names resolved through the flags of an ad hoc `mlgate gate …` run. Paths are relative to
/// the current folder.
pub struct FlagResolver {
    /// Input name → (path as given, the flag that gave it).
    pub files: BTreeMap<String, (String, String)>,
    /// The flag a setting came from: `(table, key)` → e.g. `--columns`.
    pub flag: fn(&str, &str) -> String,
}

impl FlagResolver {
    fn entry(&self, name: &str) -> Result<&(String, String)> {
        self.files.get(name).ok_or_else(|| anyhow::anyhow!("no flag gave the input {}", quoted(name)))
    }
}

impl Resolve for FlagResolver {
    fn source(&self, _key: &str, name: &Spanned<String>) -> Result<Source> {
        let (path, flag) = self.entry(name.get_ref())?;
        Source::new(name.get_ref(), path, Path::new(""), flag)
    }

    fn side(&self, _key: &str, value: &Spanned<String>) -> Result<SideSpec> {
        let (path, flag) = self.entry(value.get_ref())?;
        SideSpec::from_path(value.get_ref(), path, Path::new(""), flag)
    }

    fn file(&self, table: &str, key: &str, value: &Spanned<String>) -> Result<FileRef> {
        let path = value.get_ref().clone();
        Ok(FileRef { path: PathBuf::from(&path), shown: path, origin: (self.flag)(table, key) })
    }

    fn all_data(&self) -> Vec<Spanned<String>> {
        self.files.keys().map(|k| Spanned::new(0..0, k.clone())).collect()
    }

    fn locate(&self, p: Problem) -> anyhow::Error {
        let flag = (self.flag)(&p.table, &p.key);
        let mut e = user(format!("{flag}: {}", p.message));
        if let Some(h) = p.hint {
            e = e.hint(h);
        }
        e.into()
    }
}
