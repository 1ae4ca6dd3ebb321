//! Clients: the simulated clients that cannot connect, and those that share no version or suite at all.

use super::{finding, Vars};
use crate::analysis::verdict::lockout_severity;
use crate::model::{ClientResult, Finding, FindingId, TargetReport};

fn describe(list: &[&ClientResult]) -> String {
    list.iter()
        .map(|c| {
            format!(
                "{} ({}): {}",
                c.name,
                c.id,
                c.reason.as_deref().unwrap_or("fails")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn evaluate(report: &TargetReport, out: &mut Vec<Finding>) {
    let failing: Vec<&ClientResult> = report.clients.iter().filter(|c| !c.connects).collect();
    if failing.is_empty() {
        return;
    }
    let shared: Vec<&ClientResult> = failing
        .iter()
        .copied()
        .filter(|c| c.failure.is_some_and(|f| f.is_no_shared_suite()))
        .collect();
    if !shared.is_empty() {
        out.push(finding(
            FindingId::NoSharedSuite,
            lockout_severity(&report.clients, &shared),
            None,
            Vars::new()
                .set("count", shared.len())
                .set("clients", describe(&shared)),
        ));
    }
    let mut errors: Vec<String> = Vec::new();
    for c in &failing {
        if let Some(e) = &c.client_error {
            let line = format!("{}: {e}", c.id);
            if !errors.contains(&line) {
                errors.push(line);
            }
        }
    }
    let ids: Vec<&str> = failing.iter().map(|c| c.id.as_str()).collect();
    out.push(finding(
        FindingId::ClientIncompatible,
        lockout_severity(&report.clients, &failing),
        (!errors.is_empty()).then_some("with-errors"),
        Vars::new()
            .set("failing", failing.len())
            .set("total", report.clients.len())
            .set("ids", ids.join(", "))
            .set("clients", describe(&failing))
            .set("errors", errors.join("; ")),
    ));
}
