//! Escaping for Markdown, so nothing from data or config (column names, categories, paths,
//! messages quoting them) can inject HTML, links, images, tables cells, math, @mentions or
//! issue references into a report or a pull-request comment. HTML escaping is minijinja's
//! own; [`md_html`] is for text inside an HTML block of a Markdown document.

/// How a character that would change how text reads without being seen (bidirectional
/// controls, zero-width characters) is shown instead: visibly, as its code point.
pub fn invisible(c: char) -> Option<String> {
    let hidden = matches!(c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}');
    hidden.then(|| format!("\u{27E8}U+{:04X}\u{27E9}", c as u32))
}

/// Word joiners that stop GitHub from turning text into links or references after
/// rendering: `@name` (mentions, e-mail autolinks), `#12`, `org/repo#3` and `GH-12`
/// (issue references), `www.` and `scheme://` (bare-URL autolinks). The joiner (U+2060) is
/// invisible and does not change how the text reads.
fn joiner_after(prev: &[char], c: char, next: Option<char>) -> bool {
    match c {
        '@' => true,
        '#' => next.is_some_and(|n| n.is_ascii_digit()),
        '-' => {
            next.is_some_and(|n| n.is_ascii_digit())
                && prev.len() >= 2
                && prev[prev.len() - 2..].iter().collect::<String>().eq_ignore_ascii_case("gh")
        }
        'w' | 'W' => {
            next == Some('.') && prev.len() >= 2 && prev[prev.len() - 2..].iter().all(|p| p.eq_ignore_ascii_case(&'w'))
        }
        ':' => matches!(next, Some('/' | '\\')),
        _ => false,
    }
}

/// Escapes free text for GitHub-flavoured Markdown, on one line.
///
/// - ASCII punctuation that starts Markdown syntax is backslash-escaped (`\[`, `\<`, `\|`,
///   `\*`, `` \` `` …), which CommonMark defines for every ASCII punctuation character;
/// - `&` becomes `&amp;` so no entity can be smuggled in;
/// - mentions, issue references and bare URLs are broken with a word joiner
///   ([`joiner_after`]); bidirectional and zero-width characters are shown ([`invisible`]);
/// - line breaks become spaces, so a value cannot end a table row or open a block.
pub fn md_text(s: &str) -> String {
    on_one_line(s, |c, out| match c {
        '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '$' | '#' | '!' | '{' | '}' => {
            out.push('\\');
            out.push(c);
        }
        '&' => out.push_str("&amp;"),
        c => out.push(c),
    })
}

/// Escapes text inside an HTML block of a Markdown document (such as `<summary>`), where
/// Markdown escapes mean nothing: HTML escaping, on one line (a blank line would end the
/// block), with the same word joiners and visible characters as [`md_text`].
pub fn md_html(s: &str) -> String {
    on_one_line(s, html_char)
}

/// What [`md_text`] and [`md_html`] share: line breaks become spaces, control characters
/// U+FFFD, invisible ones their code points ([`invisible`]), word joiners go after mentions,
/// references and URLs ([`joiner_after`]); every other character is `escape`d.
fn on_one_line(s: &str, escape: impl Fn(char, &mut String)) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &ch) in chars.iter().enumerate() {
        match ch {
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => match invisible(c) {
                Some(shown) => out.push_str(&shown),
                None => escape(c, &mut out),
            },
        }
        if joiner_after(&chars[..i], ch, chars.get(i + 1).copied()) {
            out.push('\u{2060}');
        }
    }
    out
}

/// A code span holding `s` verbatim: the fence is longer than any backtick run inside, and
/// `|` is escaped because GitHub splits table cells on it even inside code.
pub fn md_code(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| match invisible(c) {
            Some(shown) => shown,
            None if c == '\n' || c == '\r' || c.is_control() => " ".to_string(),
            None => c.to_string(),
        })
        .collect();
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
        html_char(ch, &mut out);
    }
    out
}

/// One character of [`html`].
fn html_char(ch: char, out: &mut String) {
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

    /// What GitHub would turn into a mention, a reference or a link, and what would
    /// reorder or hide text, is broken or shown (checked with cmark-gfm in tests/cli).
    #[test]
    fn references_links_and_invisible_characters() {
        let j = '\u{2060}';
        assert_eq!(md_text("see #12"), format!("see \\#{j}12"));
        assert_eq!(md_text("org/repo#3"), format!("org/repo\\#{j}3"));
        assert_eq!(md_text("# title"), "\\# title");
        assert_eq!(md_text("GH-7 gh-8 x-9"), format!("GH-{j}7 gh-{j}8 x-9"));
        assert_eq!(md_text("www.evil.example"), format!("www{j}.evil.example"));
        assert_eq!(md_text("https://evil.example"), format!("https:{j}//evil.example"));
        assert_eq!(md_text("a@b.c"), format!("a@{j}b.c"));
        assert_eq!(md_text("x\u{202E}y\u{200B}"), "x⟨U+202E⟩y⟨U+200B⟩");
        assert_eq!(md_code("a\u{202E}b"), "`a⟨U+202E⟩b`");
        assert_eq!(md_html("<img src=x>\n\n#1 @me"), format!("&lt;img src=x&gt;  #{j}1 @{j}me"));
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
