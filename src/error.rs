//! The two kinds of failure the CLI must tell apart.
//!
//! Everything fallible returns `anyhow::Result` with context strings naming files and
//! places. An error whose chain contains a [`UserError`] is the user's to fix (exit 2);
//! anything else is a runtime failure (exit 3). Findings are never errors: a failing gate
//! is data in the results.

use std::fmt;

/// An error caused by the user's inputs (configuration, data, flags), with the fix.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

impl UserError {
    pub fn new(message: impl Into<String>) -> UserError {
        UserError { message: message.into(), hint: None }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> UserError {
        self.hint = Some(hint.into());
        self
    }
}

/// Shorthand: `Err(user(format!(…)).hint(…))?`.
pub fn user(message: impl Into<String>) -> UserError {
    UserError::new(message)
}

/// The [`UserError`] in an error's chain, if any.
pub fn find_user_error(err: &anyhow::Error) -> Option<&UserError> {
    // `downcast_ref` on the anyhow error also finds a UserError attached as context.
    err.downcast_ref::<UserError>().or_else(|| err.chain().find_map(|e| e.downcast_ref::<UserError>()))
}

/// Exit code for an error: 2 when the user must fix something, 3 otherwise.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if find_user_error(err).is_some() || err.chain().any(|e| e.downcast_ref::<clap::Error>().is_some()) {
        crate::exit::USAGE_ERROR
    } else {
        crate::exit::RUNTIME_ERROR
    }
}

/// Renders an error for the terminal: the user-facing message first (the [`UserError`]
/// when there is one), then the other messages in the chain, then the hint.
pub fn render(err: &anyhow::Error) -> String {
    let user = find_user_error(err);
    let head = match user {
        Some(u) => u.message.clone(),
        None => err.to_string(),
    };
    let mut out = format!("error: {head}");
    for cause in err.chain() {
        let text = cause.to_string();
        if text == head {
            continue;
        }
        out.push_str(&format!("\n  note: {text}"));
    }
    if let Some(hint) = user.and_then(|u| u.hint.as_deref()) {
        out.push_str(&format!("\n  help: {hint}"));
    }
    out
}

/// Quote a user-supplied name for an error message, making control characters visible.
pub fn quoted(s: &str) -> String {
    format!("{:?}", s.chars().take(200).collect::<String>())
}
