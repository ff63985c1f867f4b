//! Problems in what the user wrote — `mlgate.toml` or command-line flags — located and
//! explained: file, line, column and a caret under the offending text (or the flag), the
//! setting's key, and the fix (often the closest valid name).
//!
//! Validation never stops at the first problem: every gate's `cfg.rs` pushes into a
//! [`Problems`] list so the user fixes everything in one go, the way cargo-deny does.

use std::ops::Range;

/// One problem in a configuration file or in flags.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Byte range of the offending value in the configuration text, when known.
    pub span: Option<Range<usize>>,
    /// The table the key belongs to, e.g. `[gates.drift]` (empty for a parse error).
    pub table: String,
    /// The key within the table, e.g. `bins` or `psi` (empty when the table itself is meant).
    pub key: String,
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    /// `[gates.drift].bins` — what the problem is about, as written in mlgate.toml.
    pub fn setting(&self) -> String {
        match (self.table.is_empty(), self.key.is_empty()) {
            (true, _) => self.key.clone(),
            (false, true) => self.table.clone(),
            (false, false) => format!("{}.{}", self.table, self.key),
        }
    }

    /// The first line of the problem: `setting: message`.
    pub fn headline(&self) -> String {
        let s = self.setting();
        if s.is_empty() { self.message.clone() } else { format!("{s}: {}", self.message) }
    }
}

/// Problems collected while validating one table.
#[derive(Debug, Default)]
pub struct Problems {
    table: String,
    pub list: Vec<Problem>,
}

impl Problems {
    /// A collector for `table` (e.g. `[gates.drift]`).
    pub fn new(table: &str) -> Problems {
        Problems { table: table.to_string(), list: Vec::new() }
    }

    /// Adds a problem with `key` relative to the table.
    pub fn add(&mut self, span: Option<Range<usize>>, key: &str, message: impl Into<String>, hint: Option<String>) {
        self.list.push(Problem {
            span,
            table: self.table.clone(),
            key: key.to_string(),
            message: message.into(),
            hint,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_lowercase();
    candidates
        .map(|c| (c, strsim::damerau_levenshtein(&w, &c.to_lowercase())))
        .filter(|(c, d)| *d <= (c.chars().count().max(w.chars().count()) / 3).max(1))
        .min_by_key(|(_, d)| *d)
        .map(|(c, _)| c)
}

/// `did you mean "x"? ` for a misspelt name, or an empty string.
pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    closest(word, candidates).map(|s| format!("did you mean {}? ", crate::error::quoted(s))).unwrap_or_default()
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `file:line:col` for a span (or just the file).
pub fn location(file: &str, text: &str, span: Option<&Range<usize>>) -> String {
    match span {
        Some(s) => {
            let (l, c) = line_col(text, s.start);
            format!("{file}:{l}:{c}")
        }
        None => file.to_string(),
    }
}

/// Renders problems the way compilers do:
///
/// ```text
/// mlgate.toml:12:1: unknown key `trheshold` in [gates.drift]
///    |
/// 12 | trheshold = 0.1
///    | ^^^^^^^^^
///    = help: did you mean `threshold`?
/// ```
pub fn render(file: &str, text: &str, problems: &[Problem]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("{}: {}", location(file, text, p.span.as_ref()), p.headline()));
        if let Some(span) = &p.span {
            out.push('\n');
            out.push_str(&snippet(text, span));
        }
        if let Some(h) = &p.hint {
            out.push_str(&format!("\n     = help: {h}"));
        }
    }
    out
}

fn snippet(text: &str, span: &Range<usize>) -> String {
    let (line, col) = line_col(text, span.start);
    let line_text: String = text
        .lines()
        .nth(line - 1)
        .unwrap_or("")
        .chars()
        .take(160)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let width = line.to_string().len().max(3);
    let span_chars = text
        .get(floor_char_boundary(text, span.start)..floor_char_boundary(text, span.end.min(text.len())))
        .map(|s| s.lines().next().unwrap_or("").chars().count())
        .unwrap_or(1)
        .max(1);
    let caret_len = span_chars.min(line_text.chars().count().saturating_sub(col - 1).max(1));
    format!(
        "{:>width$} |\n{:>width$} | {}\n{:>width$} | {}{}",
        "",
        line,
        line_text,
        "",
        " ".repeat(col - 1),
        "^".repeat(caret_len),
    )
}

/// Renders problems found in command-line flags: `flag(table, key)` names the flag a
/// setting came from (e.g. `--bins` for `[gates.drift].bins`).
pub fn render_flags(problems: &[Problem], flag: &dyn Fn(&str, &str) -> String) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("{}: {}", flag(&p.table, &p.key), p.message));
        if let Some(h) = &p.hint {
            out.push_str(&format!("\n     = help: {h}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_only() {
        let keys = ["reference", "current", "psi", "columns"];
        assert_eq!(closest("refrence", keys.iter().copied()), Some("reference"));
        assert_eq!(closest("colums", keys.iter().copied()), Some("columns"));
        assert_eq!(closest("banana", keys.iter().copied()), None);
    }

    #[test]
    fn line_and_column_are_one_based() {
        let t = "a = 1\nbé = 2\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        // 'é' is two bytes but one column.
        assert_eq!(line_col(t, 9), (2, 3));
    }

    #[test]
    fn renders_caret_under_span() {
        let t = "[gates]\ntrheshold = 0.1\n";
        let p = Problem {
            span: Some(8..17),
            table: String::new(),
            key: String::new(),
            message: "unknown key".into(),
            hint: Some("did you mean `threshold`?".into()),
        };
        let r = render("mlgate.toml", t, &[p]);
        assert!(r.starts_with("mlgate.toml:2:1: unknown key"), "{r}");
        assert!(r.contains("  2 | trheshold = 0.1\n    | ^^^^^^^^^"), "{r}");
    }
}
