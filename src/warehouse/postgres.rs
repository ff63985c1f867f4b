//! Running both profile passes over a PostgreSQL connection.
//!
//! The connection string comes from an environment variable and is never printed: errors
//! name the variable, and the password (and the whole string) are scrubbed from any message
//! the driver or server returns. TLS is negotiated as the string's `sslmode` says
//! (`prefer` by default), verified against the system's root certificates.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, anyhow};
use tokio_postgres::types::{Kind, Type};
use tokio_postgres::{Client, Config, SimpleQueryMessage};

use super::query::Column;
use super::result::{Cell, Row};
use super::{Job, Profile};
use crate::error::{quoted, user};
use crate::profile::ColumnKind;

/// Where the connection string came from, and what must never be shown of it.
pub struct Target {
    pub url: String,
    /// The environment variable, named in messages instead of the string.
    pub var: String,
}

impl Target {
    /// Reads the connection string from `var`.
    pub fn from_env(var: &str) -> Result<Target> {
        match std::env::var(var) {
            Ok(url) if !url.trim().is_empty() => Ok(Target { url, var: var.to_string() }),
            _ => {
                Err(user(format!("the environment variable {var} holding the PostgreSQL connection string is not set"))
                    .hint(format!("export {var}=postgresql://USER:PASSWORD@HOST:5432/DATABASE (in CI, from a secret)"))
                    .into())
            }
        }
    }

    /// `s` with the connection string and its password removed.
    fn scrub(&self, s: &str) -> String {
        let mut out = s.replace(&self.url, &format!("${}", self.var));
        if let Ok(c) = self.url.parse::<Config>()
            && let Some(p) = c.get_password()
            && let Ok(p) = std::str::from_utf8(p)
            && !p.is_empty()
        {
            out = out.replace(p, "***");
        }
        out
    }

    /// A failure of the driver or the server, as the user's (exit 2) or the environment's (exit 3).
    fn error(&self, what: &str, e: tokio_postgres::Error) -> anyhow::Error {
        match e.as_db_error() {
            Some(db) => {
                let mut msg = format!("PostgreSQL {what}: {} (SQLSTATE {})", db.message(), db.code().code());
                if let Some(d) = db.detail() {
                    msg.push_str(&format!("; {d}"));
                }
                let hint = match db.hint() {
                    Some(h) => h.to_string(),
                    None if db.code().code().starts_with("28") => {
                        format!("check the user and password in ${}", self.var)
                    }
                    None => "run the query in psql to see where it fails; `mlgate profile --emit-sql` prints the profile queries".into(),
                };
                user(self.scrub(&msg)).hint(self.scrub(&hint)).into()
            }
            None => anyhow!(
                "{}",
                self.scrub(&format!("cannot reach the PostgreSQL server named in ${} ({what}): {e}", self.var))
            ),
        }
    }
}

/// Profiles the job's query in PostgreSQL: describes its columns (unless declared), then runs
/// pass 1 (a reference) and pass 2.
pub fn profile(target: &Target, job: &mut Job, only: Option<&[String]>) -> Result<Profile> {
    let mut config: Config = target.url.parse().map_err(|e| {
        user(target.scrub(&format!("${} is not a PostgreSQL connection string: {e}", target.var)))
            .hint("use postgresql://USER:PASSWORD@HOST:PORT/DATABASE or key=value pairs")
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(15));
    }
    config.application_name("mlgate profile");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        let (client, connection) = config.connect(tls()?).await.map_err(|e| target.error("connection", e))?;
        let driver = tokio::spawn(connection);
        if job.columns.is_empty() {
            job.columns = describe(&client, target, &job.query, only).await?;
        }
        let pass1 =
            if job.needs_pass1() { Some(simple(&client, target, &job.pass1_sql(), "pass 1").await?) } else { None };
        let cuts = job.cuts(pass1.as_deref(), "PostgreSQL's pass-1 answer")?;
        let rows = simple(&client, target, &job.pass2_sql(&cuts), "pass 2").await?;
        drop(client);
        let _ = driver.await;
        job.profile(&cuts, &rows, "PostgreSQL's pass-2 answer")
    })
}

fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// The query's columns and how each is profiled, from the server's description of it
/// (the query is prepared, not run).
async fn describe(client: &Client, target: &Target, query: &str, only: Option<&[String]>) -> Result<Vec<Column>> {
    let q = query.trim().trim_end_matches(';');
    let stmt = client
        .prepare(&format!("SELECT * FROM (\n{q}\n) AS mlgate_src LIMIT 0"))
        .await
        .map_err(|e| target.error("rejected the query", e))?;
    let mut cols = Vec::new();
    let mut unsupported = Vec::new();
    for c in stmt.columns() {
        if cols.iter().any(|x: &Column| x.name == c.name()) {
            return Err(user(format!("the query returns two columns named {}", quoted(c.name())))
                .hint("give each column its own name with AS")
                .into());
        }
        if only.is_some_and(|o| !o.iter().any(|n| n == c.name())) {
            continue;
        }
        match kind_of(c.type_()) {
            Some((kind, integer)) => {
                cols.push(Column { name: c.name().to_string(), kind, dtype: c.type_().name().to_string(), integer })
            }
            None => unsupported.push(format!("{} ({})", quoted(c.name()), c.type_().name())),
        }
    }
    if !unsupported.is_empty() {
        return Err(user(format!("the query returns columns mlgate cannot profile: {}", unsupported.join(", ")))
            .hint("cast them in the query (e.g. CAST(col AS TEXT) for a category, CAST(col AS DOUBLE PRECISION) for a number), or leave them out with --columns")
            .into());
    }
    if let Some(o) = only
        && let Some(missing) = o.iter().find(|n| !cols.iter().any(|c| &c.name == *n))
    {
        return Err(user(format!("column {} is not in the query's result", quoted(missing)))
            .hint(format!(
                "the query returns: {}",
                stmt.columns().iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
            ))
            .into());
    }
    if cols.is_empty() {
        return Err(user("the query returns no columns to profile").into());
    }
    Ok(cols)
}

/// How a PostgreSQL type is profiled: numbers, categories (text, booleans, enums, UUIDs),
/// or counted only (dates and times); `None` for what has no meaningful profile here.
fn kind_of(t: &Type) -> Option<(ColumnKind, bool)> {
    Some(match *t {
        Type::INT2 | Type::INT4 | Type::INT8 | Type::OID => (ColumnKind::Numeric, true),
        Type::FLOAT4 | Type::FLOAT8 | Type::NUMERIC => (ColumnKind::Numeric, false),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::CHAR | Type::BOOL | Type::UUID => {
            (ColumnKind::Categorical, false)
        }
        Type::DATE | Type::TIMESTAMP | Type::TIMESTAMPTZ | Type::TIME | Type::TIMETZ | Type::INTERVAL => {
            (ColumnKind::Other, false)
        }
        _ if matches!(t.kind(), Kind::Enum(_)) => (ColumnKind::Categorical, false),
        _ => return None,
    })
}

/// Runs one statement and returns its rows as text cells.
async fn simple(client: &Client, target: &Target, sql: &str, what: &str) -> Result<Vec<Row>> {
    let messages = client.simple_query(sql).await.map_err(|e| target.error(&format!("failed in {what}"), e))?;
    Ok(messages
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(
                r.columns()
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let cell = r.get(i).map_or(Cell::Null, |v| Cell::Text(v.to_string()));
                        (c.name().to_ascii_lowercase(), cell)
                    })
                    .collect(),
            ),
            _ => None,
        })
        .collect())
}
