//! The connection past its first answer: a server at its connection limits (`connection-limit`).

use super::{finding, Vars};
use crate::model::{Finding, FindingId, LimitPattern, Severity, TargetReport};

pub(super) fn evaluate(report: &TargetReport, out: &mut Vec<Finding>) {
    let Some(limits) = &report.connection_limits else {
        return;
    };
    // The words follow the pattern a client meets first: refused in MCS, then dropped before the answer.
    let variant = if limits.patterns.contains(&LimitPattern::RefusedInMcs) {
        "refused-in-mcs"
    } else if limits.patterns.contains(&LimitPattern::ClosedBeforeConfirm) {
        "closed-before-confirm"
    } else {
        "syn-dropped"
    };
    let seen: Vec<String> = limits
        .patterns
        .iter()
        .map(|p| match p {
            LimitPattern::ClosedBeforeConfirm => format!(
                "{} connection(s) closed before the Connection Confirm while others were answered ({} answered \
                 when sent again alone after backing off)",
                limits.closed_before_confirm, limits.recovered_after_backoff
            ),
            LimitPattern::SynDropped => format!(
                "{} TCP handshake(s) needed a SYN retransmission while others completed at once",
                limits.syn_retransmits
            ),
            LimitPattern::RefusedInMcs => {
                "the server refused the connection in MCS after X.224 and TLS worked".to_string()
            }
        })
        .collect();
    out.push(finding(
        FindingId::ConnectionLimit,
        Severity::Medium,
        Some(variant),
        Vars::new()
            .set("seen", seen.join("; "))
            .set("open", limits.open_connections)
            .set("peak", limits.peak_open),
    ));
}
