//! The JSON report (`--format json`): the documented contract of `docs/json.md`; and JSONL (`--format jsonl`),
//! one self-describing target per line.

use serde::Serialize;

use crate::model::{now_rfc3339, Report, TargetReport, REPORT_VERSION, TOOL_VERSION};

pub fn render(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// One JSONL line: the provenance of `Report` (`generated_at`, `tool_version`, `version`), then the target's own
/// keys, so that each line stands alone.
#[derive(Serialize)]
struct Line<'a> {
    generated_at: String,
    tool_version: &'static str,
    version: u32,
    #[serde(flatten)]
    target: &'a TargetReport,
}

/// One target on one line, for streaming fleet scans (`--jsonl`).
pub fn render_line(target: &TargetReport) -> String {
    let line = Line {
        generated_at: now_rfc3339(),
        tool_version: TOOL_VERSION,
        version: REPORT_VERSION,
        target,
    };
    serde_json::to_string(&line).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
