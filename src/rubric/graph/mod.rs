//! The automation graph of a repository: triggers → jobs → commands → what they invoke
//! (shell scripts, make / just / tox / nox targets, npm scripts, `python -m` modules and
//! script files, pytest paths, DVC stages, CDK apps, reusable workflows, composite actions
//! and pipeline templates, job and config files that name an entrypoint, local Python
//! imports), followed transitively and within bounds. Every reached file remembers how it
//! is reached — a [`Route`]: the trigger, the kind of start and the chain of steps — so a
//! rubric point can say `pull_request → .github/workflows/ci.yml job test → make test →
//! Makefile test → pytest tests/model`.
//!
//! Nothing is executed and nothing outside the repository is read: files are looked up in
//! the index, read through the scanner's bounded reader, and each file's successors are
//! computed once and cached.

mod expand;
mod resolve;

pub use resolve::dir_of;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use super::ci::{Cmd, Job, Start};
use super::scan::RepoIndex;

/// Steps followed from a trigger at most.
pub const MAX_DEPTH: usize = 16;
/// Nodes visited per job at most.
pub const MAX_VISITS: usize = 4_000;

/// How a file or command is reached from a trigger.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The job's automatic starts that reach it (path filters applied for changes).
    pub starts: Vec<Start>,
    /// `pull_request, push` and the like.
    pub trigger: String,
    /// The job and each step after it.
    pub chain: Vec<String>,
    /// Whether the chain passes through a test runner or a test file.
    pub via_test: bool,
    /// Where on the chain a failure stops counting (an exit status thrown away).
    pub ignored: Option<String>,
}

impl Route {
    /// `pull_request → .github/workflows/ci.yml job test → make test → …`.
    pub fn describe(&self) -> String {
        let mut s = self.trigger.clone();
        for c in &self.chain {
            s.push_str(" → ");
            s.push_str(c);
        }
        s
    }
    pub fn has(&self, start: Start) -> bool {
        self.starts.contains(&start)
    }
}

/// What the automation reaches.
#[derive(Debug, Default)]
pub struct Reach {
    /// Per reached file, its routes (at most one per kind of start; the shortest found).
    pub files: BTreeMap<String, Vec<Route>>,
    /// Every command reached, with its route (the job's own and those inside scripts).
    pub commands: Vec<(String, Route)>,
    pub notes: Vec<String>,
}

impl Reach {
    /// The route by which `rel` is reached with `start` (any automatic start when `None`),
    /// optionally only routes that do not pass through tests.
    pub fn route(&self, rel: &str, start: Option<Start>, direct: bool) -> Option<&Route> {
        let ok = |r: &&Route| start.is_none_or(|s| r.has(s)) && !(direct && r.via_test) && !r.starts.is_empty();
        let routes = self.files.get(rel)?;
        routes.iter().filter(ok).find(|r| r.ignored.is_none()).or_else(|| routes.iter().find(ok))
    }
}

/// A node of the walk.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Node {
    Command { text: String, cwd: String, origin: String, ignored: Option<String> },
    File(String),
}

/// A node's successors, with the label of the step that leads to each.
pub type Succ = Vec<(Node, String, bool)>;

/// Builds the graph from the index's jobs.
pub fn build(index: &RepoIndex) -> Reach {
    let names: HashSet<&str> = index.files.iter().map(|f| f.rel.as_str()).collect();
    let mut cache: HashMap<Node, Succ> = HashMap::new();
    let mut reach = Reach::default();
    let mut capped = Vec::new();
    for job in &index.jobs {
        let starts = job.starts();
        if starts.is_empty() {
            continue;
        }
        if walk_job(index, &names, job, &starts, &mut cache, &mut reach) {
            capped.push(job.id.clone());
        }
    }
    if !capped.is_empty() {
        reach.notes.push(format!(
            "automation graph: stopped following {} after {MAX_VISITS} steps ({})",
            if capped.len() == 1 { "one job" } else { "some jobs" },
            capped.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    reach
}

/// Walks one job breadth-first; true when the visit cap stopped it.
fn walk_job(
    index: &RepoIndex,
    names: &HashSet<&str>,
    job: &Job,
    starts: &[Start],
    cache: &mut HashMap<Node, Succ>,
    reach: &mut Reach,
) -> bool {
    let filter = job.path_filter();
    let trigger = job.automatic_triggers().join(", ");
    let head = format!("{} job {}", job.file, job.id.rsplit('#').next().unwrap_or("?"));
    let mut queue: VecDeque<(Node, Vec<String>, bool, Option<String>)> = VecDeque::new();
    for c in &job.commands {
        let cwd = c.cwd.clone().unwrap_or_default();
        let node = Node::Command { text: c.text.clone(), cwd, origin: job.file.clone(), ignored: c.ignored.clone() };
        let step = format!("`{}`", crate::text::clip(&c.text, 60));
        queue.push_back((node, vec![head.clone(), step], false, c.ignored.clone()));
    }
    let mut seen: HashSet<Node> = HashSet::new();
    let mut visits = 0usize;
    while let Some((node, chain, via_test, ignored)) = queue.pop_front() {
        if !seen.insert(node.clone()) {
            continue;
        }
        visits += 1;
        if visits > MAX_VISITS {
            return true;
        }
        let route = |chain: &Vec<String>, file: Option<&str>| {
            let mut s = starts.to_vec();
            if let (Some(f), Some(g)) = (file, &filter)
                && !g.matches(f)
            {
                s.retain(|k| *k != Start::Change);
            }
            Route { starts: s, trigger: trigger.clone(), chain: chain.clone(), via_test, ignored: ignored.clone() }
        };
        match &node {
            Node::Command { text, .. } => reach.commands.push((text.clone(), route(&chain, None))),
            Node::File(rel) => {
                let r = route(&chain, Some(rel));
                let routes = reach.files.entry(rel.clone()).or_default();
                let covered = |s: &Start| {
                    routes.iter().any(|x| {
                        x.has(*s) && (!x.via_test || r.via_test) && (x.ignored.is_none() || r.ignored.is_some())
                    })
                };
                if !r.starts.iter().all(covered) {
                    routes.push(r);
                }
            }
        }
        if chain.len() > MAX_DEPTH {
            continue;
        }
        let succ = cache.entry(node.clone()).or_insert_with(|| successors(index, names, &node));
        for (next, label, test) in succ.iter() {
            if seen.contains(next) {
                continue;
            }
            let mut c = chain.clone();
            c.push(label.clone());
            let lost = match next {
                Node::Command { ignored: Some(w), .. } => ignored.clone().or_else(|| Some(w.clone())),
                _ => ignored.clone(),
            };
            queue.push_back((next.clone(), c, via_test || *test, lost));
        }
    }
    false
}

fn successors(index: &RepoIndex, names: &HashSet<&str>, node: &Node) -> Succ {
    match node {
        Node::Command { text, cwd, origin, .. } => resolve::command(index, names, text, cwd, origin),
        Node::File(rel) => expand::file(index, names, rel),
    }
}

/// A command as a graph node run in `cwd`, found in `origin`.
pub(crate) fn cmd(c: &Cmd, cwd: &str, origin: &str) -> Node {
    Node::Command {
        text: c.text.clone(),
        cwd: c.cwd.clone().unwrap_or_else(|| cwd.to_string()),
        origin: origin.to_string(),
        ignored: c.ignored.clone(),
    }
}

#[cfg(test)]
mod tests;
