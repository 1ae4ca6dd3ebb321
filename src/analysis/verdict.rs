//! The verdict on one target, in one word and one worst severity: what the table opens and closes with, and the
//! status of a monitoring check. Pure functions over a finished [`TargetReport`], kept small so that the rule can
//! be swapped for an outcome-based one without touching the reports.

use crate::model::{Severity, Status, TargetReport};

/// The verdict on a target, most serious first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// No RDP conversation could be started.
    Unreachable,
    /// The scan started and failed for another reason.
    ScanFailed,
    /// A critical finding: clients fail now.
    ConnectionsFail,
    /// A high finding.
    AtRisk,
    /// A medium finding.
    Weaknesses,
    /// Nothing above low.
    Ok,
}

impl Verdict {
    /// The words the table prints, e.g. `CONNECTIONS FAIL`.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Unreachable => "UNREACHABLE",
            Self::ScanFailed => "SCAN FAILED",
            Self::ConnectionsFail => "CONNECTIONS FAIL",
            Self::AtRisk => "AT RISK",
            Self::Weaknesses => "WEAKNESSES",
            Self::Ok => "OK",
        }
    }
}

/// The verdict and the severity that decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub verdict: Verdict,
    /// The most severe finding, if any.
    pub worst: Option<Severity>,
}

/// The verdict on `t`: unreachable or failed scans first, then the worst finding's severity.
pub fn summary(t: &TargetReport) -> Summary {
    let worst = t.findings.iter().map(|f| f.severity).max();
    let verdict = match (t.status, worst) {
        (Status::Unreachable, _) => Verdict::Unreachable,
        (Status::Error, _) => Verdict::ScanFailed,
        (_, Some(Severity::Critical)) => Verdict::ConnectionsFail,
        (_, Some(Severity::High)) => Verdict::AtRisk,
        (_, Some(Severity::Medium)) => Verdict::Weaknesses,
        (_, Some(Severity::Low | Severity::Info)) | (_, None) => Verdict::Ok,
    };
    Summary { verdict, worst }
}

/// A monitoring plugin's status (Nagios plugin guidelines; Icinga and others follow them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CheckStatus {
    Ok,
    Warning,
    Critical,
    /// The check itself could not run: a usage error or a local failure.
    Unknown,
}

impl CheckStatus {
    /// The plugin's exit code: 0, 1, 2, 3.
    pub const fn exit_code(self) -> i32 {
        match self {
            Self::Ok => 0,
            Self::Warning => 1,
            Self::Critical => 2,
            Self::Unknown => 3,
        }
    }

    /// `OK`, `WARNING`, `CRITICAL`, `UNKNOWN`.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Warning => "WARNING",
            Self::Critical => "CRITICAL",
            Self::Unknown => "UNKNOWN",
        }
    }
}

/// Thresholds of a check, in days left on the certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckThresholds {
    pub warn_days: i64,
    pub crit_days: i64,
}

/// The check status of `t`: CRITICAL for an unreachable target (as `check_tcp` has it), a critical finding or
/// fewer than `crit_days` days left; WARNING for a high finding or fewer than `warn_days` days left; else OK.
pub fn check_status(t: &TargetReport, th: CheckThresholds) -> CheckStatus {
    if t.status != Status::Ok {
        return CheckStatus::Critical;
    }
    let worst = summary(t).worst;
    let days = t.certificate.as_ref().map(|c| c.days_left);
    if worst == Some(Severity::Critical) || days.is_some_and(|d| d < th.crit_days) {
        CheckStatus::Critical
    } else if worst == Some(Severity::High) || days.is_some_and(|d| d < th.warn_days) {
        CheckStatus::Warning
    } else {
        CheckStatus::Ok
    }
}
