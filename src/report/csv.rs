//! CSV (`--format csv`): one row per host and finding (a host without findings has one row with the finding
//! columns empty), RFC 4180 quoting. The columns are documented in docs/formats.md; add columns at the end only.

use super::summary::{nla_word, HostFacts};
use crate::model::{Report, TargetReport};

/// The header row.
pub const COLUMNS: [&str; 12] = [
    "target",
    "address",
    "status",
    "verdict",
    "days_left",
    "tls_versions",
    "nla",
    "failing_clients",
    "finding_id",
    "severity",
    "title",
    "detail",
];

/// Quotes a field when it holds a comma, a quote or a line break (RFC 4180).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn host_fields(t: &TargetReport) -> Vec<String> {
    let f = HostFacts::of(t);
    let status = serde_json::to_value(t.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    vec![
        t.target.clone(),
        t.address.clone().unwrap_or_default(),
        status,
        f.summary.verdict.label().to_string(),
        f.days_left.map(|d| d.to_string()).unwrap_or_default(),
        f.versions.join(" "),
        match f.nla {
            Some(_) => nla_word(f.nla).to_string(),
            None => String::new(),
        },
        f.failing.join(" "),
    ]
}

pub fn render(report: &Report) -> String {
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    for t in &report.targets {
        let host = host_fields(t);
        let mut rows: Vec<Vec<String>> = t
            .findings
            .iter()
            .map(|f| {
                let mut row = host.clone();
                row.extend([
                    f.id.to_string(),
                    f.severity.as_str().to_string(),
                    f.title.clone(),
                    f.detail.clone(),
                ]);
                row
            })
            .collect();
        if rows.is_empty() {
            let mut row = host;
            row.extend(std::iter::repeat_n(String::new(), 4));
            rows.push(row);
        }
        for row in rows {
            let fields: Vec<String> = row.iter().map(|s| field(s)).collect();
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
    }
    out
}
