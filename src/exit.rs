//! Exit codes. Every command maps its outcome to exactly one of these, and the README's
//! "Exit codes" table lists them. "Your model failed a gate" (1) can never be confused with
//! "you must fix your inputs" (2) or "mlgate could not do its job" (3).

/// All gates passed (warnings allowed unless `--fail-on warn`).
pub const SUCCESS: i32 = 0;
/// A blocking gate failed (or a gate could not be evaluated), or `--min-score` was not met.
pub const GATE_FAILED: i32 = 1;
/// Usage, configuration or input error: the user must fix something. Nothing was written.
pub const USAGE_ERROR: i32 = 2;
/// Runtime failure outside the user's inputs: writing output, the GitHub API, a bug.
pub const RUNTIME_ERROR: i32 = 3;
