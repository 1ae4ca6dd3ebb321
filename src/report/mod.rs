//! Reports: the scan result formatted for people (table) and machines (JSON, JUnit). Formatting only.

pub mod json;
pub mod junit;
pub mod table;

use crate::model::{Report, Severity, Status};

/// Exit codes, the CI contract.
pub mod exit {
    /// Every target scanned, nothing at or above `--fail-on`.
    pub const OK: i32 = 0;
    /// Findings at or above `--fail-on`.
    pub const FINDINGS: i32 = 1;
    /// Usage error.
    pub const USAGE: i32 = 2;
    /// A target could not be scanned.
    pub const UNSCANNED: i32 = 3;
}

/// The process exit code for `report`: the highest that applies. `fail_on: None` never fails on findings;
/// otherwise a finding at or above `fail_on` fails, and so does any violated policy rule (`policy-*`): a policy
/// lists what must not happen.
pub fn exit_code(report: &Report, fail_on: Option<Severity>) -> i32 {
    let unscanned = report.targets.iter().any(|t| t.status != Status::Ok);
    if unscanned {
        return exit::UNSCANNED;
    }
    let failing = fail_on.is_some_and(|level| {
        report
            .targets
            .iter()
            .flat_map(|t| &t.findings)
            .any(|f| f.severity >= level || f.id.starts_with("policy-"))
    });
    if failing {
        exit::FINDINGS
    } else {
        exit::OK
    }
}
