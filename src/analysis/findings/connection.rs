//! The connection past its first answer: a server at its connection limits (`connection-limit`), and one that
//! ends the connection sequence with a Set Error Info PDU (`server-error-info`).

use super::{finding, Vars};
use crate::model::{Ending, ErrorInfo, Finding, FindingId, LimitPattern, Severity, TargetReport};

pub(super) fn evaluate(report: &TargetReport, out: &mut Vec<Finding>) {
    error_info(report, out);
    limits(report, out);
}

/// The errorInfo code the server ended the MCS stage with, if it sent one.
pub(crate) fn error_info_code(report: &TargetReport) -> Option<ErrorInfo> {
    let from_mcs = report.mcs.as_ref().and_then(|m| m.ending);
    let from_stage = report.stage.as_ref().map(|s| s.ended_by);
    [from_mcs, from_stage]
        .into_iter()
        .flatten()
        .find_map(|e| match e {
            Ending::ErrorInfo(code) => Some(code),
            _ => None,
        })
}

fn error_info(report: &TargetReport, out: &mut Vec<Finding>) {
    let Some(code) = error_info_code(report) else {
        return;
    };
    let variant = match code {
        ErrorInfo::SERVER_DENIED_CONNECTION => Some("denied"),
        ErrorInfo::SERVER_DENIED_CONNECTION_FIPS => Some("denied-fips"),
        _ => None,
    };
    out.push(finding(
        FindingId::ServerErrorInfo,
        Severity::High,
        variant,
        Vars::new()
            .set("code", format!("0x{:08X}", code.0))
            .set("name", code),
    ));
}

fn limits(report: &TargetReport, out: &mut Vec<Finding>) {
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
