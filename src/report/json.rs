//! The JSON report (`--json`): the documented contract of `docs/json.md`.

use crate::model::{Report, TargetReport};

pub fn render(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// One target on one line, for streaming fleet scans (`--jsonl`).
pub fn render_line(target: &TargetReport) -> String {
    serde_json::to_string(target).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
