//! The monitoring check (`--format check`), after the Nagios plugin guidelines that Icinga and others follow:
//! one status line, `RDPTLS CRITICAL - rdp01: The certificate expired 3 days ago | days_left=-3;30:;7:`, and the
//! exit code of the status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). The status of each target comes from the
//! analysis ([`check_status`]); the line takes the worst.

use crate::analysis::verdict::{check_status, CheckStatus, CheckThresholds};
use crate::model::{Report, Severity, TargetReport};

/// Why a target has its status, in a few words: the error, the worst finding, or the days left.
fn reason(t: &TargetReport, status: CheckStatus) -> String {
    if let Some(e) = &t.error {
        if status == CheckStatus::Critical && t.status != crate::model::Status::Ok {
            return format!("cannot scan: {e}");
        }
    }
    let days = t.certificate.as_ref().map(|c| c.days_left);
    let worst: Vec<&str> = match t.findings.iter().map(|f| f.severity).max() {
        Some(w) if w >= Severity::High => t
            .findings
            .iter()
            .filter(|f| f.severity == w)
            .map(|f| f.title.as_str())
            .collect(),
        _ => Vec::new(),
    };
    match (worst.split_first(), days) {
        (Some((first, [])), _) => (*first).to_string(),
        (Some((first, rest)), _) => format!("{first} (and {} more)", rest.len()),
        (None, Some(d)) if d < 0 => format!("certificate expired {} days ago", -d),
        (None, Some(d)) => format!("certificate valid, {d} days left"),
        (None, None) => "no certificate read".into(),
    }
}

/// A perfdata label: quoted when it holds anything but letters, digits and `_` (the guidelines' rule).
fn label(s: &str) -> String {
    if s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "\"").replace('=', "_"))
    }
}

/// The status line and its status.
pub fn render(report: &Report, th: CheckThresholds) -> (String, CheckStatus) {
    let statuses: Vec<(&TargetReport, CheckStatus)> = report
        .targets
        .iter()
        .map(|t| (t, check_status(t, th)))
        .collect();
    let Some(worst) = statuses.iter().map(|(_, s)| *s).max() else {
        return ("RDPTLS UNKNOWN - no target".into(), CheckStatus::Unknown);
    };
    let single = statuses.len() == 1;
    let message = if single {
        let (t, s) = statuses[0];
        format!("{}: {}", t.target, reason(t, s))
    } else {
        let bad: Vec<String> = statuses
            .iter()
            .filter(|(_, s)| *s == worst)
            .map(|(t, s)| format!("{}: {}", t.target, reason(t, *s)))
            .collect();
        format!(
            "{} of {} hosts {}: {}",
            bad.len(),
            statuses.len(),
            worst.label(),
            bad.join("; ")
        )
    };
    let perf: Vec<String> = statuses
        .iter()
        .filter_map(|(t, _)| {
            let days = t.certificate.as_ref()?.days_left;
            let name = if single {
                "days_left".to_string()
            } else {
                format!("{} days_left", t.target)
            };
            Some(format!(
                "{}={days};{}:;{}:",
                label(&name),
                th.warn_days,
                th.crit_days
            ))
        })
        .collect();
    let mut line = format!("RDPTLS {} - {}", worst.label(), message.replace('|', "/"));
    if !perf.is_empty() {
        line.push_str(" | ");
        line.push_str(&perf.join(" "));
    }
    (line, worst)
}
