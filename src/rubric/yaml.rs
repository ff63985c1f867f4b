//! YAML from a repository, loaded within a budget. A pull request writes the CI files the
//! rubric reads, and YAML aliases let a few hundred bytes expand into gigabytes ("billion
//! laughs": 467 bytes took 2.3 GB) or nest deeply enough to overflow the stack. The events
//! are counted first, each alias at the size of what it stands for; a file over
//! [`MAX_NODES`] nodes after expansion, or nested deeper than [`MAX_DEPTH`], is refused with
//! a message, and only a file within budget is loaded.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::{Yaml, YamlLoader};

/// Nodes a file may hold once its aliases are expanded.
pub const MAX_NODES: u64 = 200_000;
/// Nesting a file may reach.
pub const MAX_DEPTH: usize = 256;

/// The documents of `text`, or why they were not loaded (malformed, or over budget).
pub fn load(text: &str) -> Result<Vec<Yaml>, String> {
    within_budget(text)?;
    YamlLoader::load_from_str(text).map_err(|e| format!("not valid YAML: {e}"))
}

fn within_budget(text: &str) -> Result<(), String> {
    let mut parser = Parser::new_from_str(text);
    // Expanded size of every anchored node, by anchor id.
    let mut anchored: Vec<u64> = Vec::new();
    // Open collections: (anchor id, expanded size so far).
    let mut open: Vec<(usize, u64)> = Vec::new();
    let mut total: u64 = 0;
    loop {
        let (event, _) = parser.next_token().map_err(|e| format!("not valid YAML: {e}"))?;
        let (anchor, size) = match event {
            Event::StreamEnd => return Ok(()),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if open.len() >= MAX_DEPTH {
                    return Err(format!("nested deeper than {MAX_DEPTH} levels; not parsed"));
                }
                open.push((anchor, 1));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => open.pop().unwrap_or((0, 1)),
            Event::Scalar(_, _, anchor, _) => (anchor, 1),
            Event::Alias(id) => (0, anchored.get(id).copied().unwrap_or(1)),
            _ => continue,
        };
        if anchor > 0 {
            if anchored.len() <= anchor {
                anchored.resize(anchor + 1, 1);
            }
            anchored[anchor] = size;
        }
        match open.last_mut() {
            Some((_, parent)) => *parent = parent.saturating_add(size),
            None => total = total.saturating_add(size),
        }
        let pending: u64 = open.iter().map(|(_, s)| *s).fold(total, u64::saturating_add);
        if pending > MAX_NODES {
            return Err(format!(
                "expands to more than {MAX_NODES} nodes through YAML aliases (an \"alias bomb\"); not parsed"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_bombs_and_deep_nesting_are_refused_quickly() {
        // Nine levels of ten aliases each: 10^9 nodes from a few hundred bytes.
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for w in names.windows(2) {
            let refs = vec![format!("*{}", w[0]); 10].join(", ");
            bomb.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
        }
        assert!(bomb.len() < 500, "{}", bomb.len());
        let t = std::time::Instant::now();
        let e = load(&bomb).unwrap_err();
        assert!(e.contains("alias bomb"), "{e}");
        assert!(t.elapsed().as_secs() < 2);
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = load(&deep).unwrap_err();
        assert!(e.contains("nested deeper") || e.contains("recursion"), "{e}");
        // Ordinary anchors (a shared `env:` block) are fine.
        let ok = "base: &env {A: 1, B: 2}\njobs:\n  a: {env: *env}\n  b: {env: *env}\n";
        let docs = load(ok).unwrap();
        assert_eq!(docs[0]["jobs"]["b"]["env"]["B"].as_i64(), Some(2));
        assert!(load("a: [").unwrap_err().starts_with("not valid YAML"));
    }
}
