//! Rendering configuration problems with file, line, column, a caret under the offending
//! text, and the closest valid key.

use std::ops::Range;

/// One problem in a configuration file.
#[derive(Debug, Clone)]
pub struct Problem {
    pub span: Option<Range<usize>>,
    pub message: String,
    pub hint: Option<String>,
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
        out.push_str(&format!("{}: {}", location(file, text, p.span.as_ref()), p.message));
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

#[cfg(test)]
mod tests {
    use super::*;

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
            message: "unknown key".into(),
            hint: Some("did you mean `threshold`?".into()),
        };
        let r = render("mlgate.toml", t, &[p]);
        assert!(r.starts_with("mlgate.toml:2:1: unknown key"), "{r}");
        assert!(r.contains("  2 | trheshold = 0.1\n    | ^^^^^^^^^"), "{r}");
    }
}
