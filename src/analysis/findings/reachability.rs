//! Reachability: a target that could not be scanned, and why (`target-unreachable`).

use super::{finding, Vars};
use crate::model::{ErrorKind, Finding, FindingId, Severity, Status, Step, TargetReport};

pub(super) fn evaluate(report: &TargetReport, out: &mut Vec<Finding>) {
    let Some(err) = &report.error else { return };
    if report.status != Status::Unreachable {
        return;
    }
    let variant = match (err.step, err.kind) {
        (Step::Resolve, _) => "dns",
        (_, ErrorKind::Refused) => "refused",
        (Step::Connect, ErrorKind::Timeout) => "filtered",
        (_, ErrorKind::NotRdp) => "not-rdp",
        (Step::X224, ErrorKind::Timeout) => "x224-timeout",
        _ => "closed",
    };
    out.push(finding(
        FindingId::TargetUnreachable,
        Severity::Critical,
        Some(variant),
        Vars::new()
            .set("error", err)
            .set("address", report.address.as_deref().unwrap_or("unresolved")),
    ));
}
