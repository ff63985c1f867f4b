//! Escaping for Markdown, so nothing from data or config (column names, categories, paths,
//! messages quoting them) can inject HTML, links, images, tables cells, math or @mentions
//! into a report or a pull-request comment. HTML escaping is minijinja's own.

/// Escapes free text for GitHub-flavoured Markdown, on one line.
///
/// - ASCII punctuation that starts Markdown syntax is backslash-escaped (`\[`, `\<`, `\|`,
///   `\*`, `` \` `` …), which CommonMark defines for every ASCII punctuation character;
/// - `&` becomes `&amp;` so no entity can be smuggled in;
/// - `@` is followed by a word joiner (U+2060) so a value never @mentions anyone;
/// - line breaks become spaces, so a value cannot end a table row or open a block.
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '$' | '#' | '!' | '{' | '}' => {
                out.push('\\');
                out.push(ch);
            }
            '&' => out.push_str("&amp;"),
            '@' => {
                out.push('@');
                out.push('\u{2060}');
            }
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A code span holding `s` verbatim: the fence is longer than any backtick run inside, and
/// `|` is escaped because GitHub splits table cells on it even inside code.
pub fn md_code(s: &str) -> String {
    let clean: String = s.chars().map(|c| if c == '\n' || c == '\r' || c.is_control() { ' ' } else { c }).collect();
    let mut longest = 0;
    let mut run = 0;
    for c in clean.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let body = clean.replace('|', "\\|");
    // A space on each side keeps a leading/trailing backtick from touching the fence.
    if body.is_empty() {
        return format!("{fence} {fence}");
    }
    if body.starts_with('`') || body.ends_with('`') || longest > 0 {
        format!("{fence} {body} {fence}")
    } else {
        format!("{fence}{body}{fence}")
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2f;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for XML (JUnit) content and attributes; drops characters XML 1.0 forbids.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &[&str] = &[
        "<script>alert(1)</script>",
        "](javascript:alert(1))",
        "a|b",
        "`rm -rf`",
        "<!-- hidden",
        "![x](http://evil/x.png)",
        "@octocat",
        "line1\nline2",
        "$x^2$",
    ];

    #[test]
    fn md_text_neutralises_markup() {
        for h in HOSTILE {
            let e = md_text(h);
            assert!(!e.contains('<') || e.contains("\\<"), "{e}");
            assert!(!e.replace("\\]", "").contains("]("), "{e}");
            assert!(!e.contains('\n'), "{e}");
            assert!(!e.contains("@o"), "{e}");
            // Every pipe is escaped.
            assert_eq!(e.matches('|').count(), e.matches("\\|").count(), "{e}");
        }
        assert_eq!(md_text("a*b_c"), "a\\*b\\_c");
    }

    #[test]
    fn md_code_cannot_be_broken_out_of() {
        assert_eq!(md_code("age"), "`age`");
        assert_eq!(md_code("a`b"), "`` a`b ``");
        assert_eq!(md_code("``x"), "``` ``x ```");
        assert_eq!(md_code("a|b"), "`a\\|b`");
        assert_eq!(md_code("a\nb"), "`a b`");
    }

    #[test]
    fn html_escapes_everything_structural() {
        assert_eq!(html("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;&#x2f;a&gt;");
    }

    #[test]
    fn xml_drops_forbidden_control_characters() {
        assert_eq!(xml("a\u{1}b<"), "a\u{FFFD}b&lt;");
    }
}
