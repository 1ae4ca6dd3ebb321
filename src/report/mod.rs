//! Reports: the scan result formatted for people (table, HTML) and machines (JSON, JSONL, CSV, JUnit, a check
//! plugin's line, OpenMetrics). Formatting only: verdicts, severities and outcomes come from the analysis.

pub mod check;
pub mod csv;
pub mod html;
pub mod json;
pub mod junit;
pub mod openmetrics;
pub mod summary;
pub mod table;
pub mod text;

use crate::analysis::policy::Rule;
use crate::model::{Finding, Report, Severity, Status, TargetReport};

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
    report
        .targets
        .iter()
        .map(|t| target_exit_code(t, fail_on))
        .max()
        .unwrap_or(exit::OK)
}

/// One target's part of [`exit_code`]: the run's code is the highest of its targets', so a streamed run keeps
/// the code and drops the target.
pub fn target_exit_code(t: &TargetReport, fail_on: Option<Severity>) -> i32 {
    if t.status != Status::Ok {
        return exit::UNSCANNED;
    }
    let failing = fail_on.is_some_and(|level| {
        t.findings
            .iter()
            .any(|f| f.severity >= level || Rule::of_finding(f.id).is_some())
    });
    if failing {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

/// One finding as text, for the table and JUnit alike: `[severity] title (id)`, then the detail, what clients
/// show and the fix, each on its own line after `indent`.
pub fn describe_finding(f: &Finding, indent: &str) -> String {
    let mut s = format!(
        "[{}] {} ({})\n{indent}{}",
        f.severity.as_str(),
        f.title,
        f.id,
        f.detail
    );
    if let Some(e) = &f.client_error {
        s.push_str(&format!("\n{indent}Client sees: {e}"));
    }
    if let Some(fix) = &f.fix {
        s.push_str(&format!("\n{indent}Fix: {fix}"));
    }
    s
}

/// One line on how far the connections got and who ended them: "Furthest stage: credssp; ended by rdptls ...".
pub fn stage_line(stage: &crate::model::StageReport) -> String {
    use crate::model::Ending;
    let how = match &stage.ended_by {
        Ending::Reset => "the server reset the connection (RST)".to_string(),
        Ending::Closed => "the server closed the connection (FIN)".to_string(),
        Ending::Alert(alert) => format!("the server sent the TLS alert {alert}"),
        Ending::X224Disconnect => "the server disconnected at X.224".to_string(),
        Ending::Ultimatum(reason) => {
            format!("the server sent an MCS Disconnect Provider Ultimatum ({reason})")
        }
        Ending::ErrorInfo(code) => format!("the server sent Set Error Info {code}"),
        Ending::Refused(result) => format!("the server refused in MCS ({result})"),
        Ending::Rdptls => {
            "rdptls ended it (going further needs credentials, which rdptls never sends)"
                .to_string()
        }
    };
    format!("Furthest stage: {}; {how}.", stage.reached.as_str())
}

/// One line on standard RDP security: "Standard RDP security: 40bit, 128bit at level low; proprietary key 512 bits".
pub fn rdp_security_line(r: &crate::model::RdpSecurityReport) -> String {
    let methods = if r.methods.is_empty() {
        "no method accepted".to_string()
    } else {
        r.methods
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut line = format!("Standard RDP security: {methods}");
    if let Some(level) = r.level {
        line.push_str(&format!(" at level {level}"));
    }
    if let Some(c) = &r.certificate {
        let kind = match c.kind {
            crate::model::RdpCertificateKind::Proprietary => "proprietary",
            crate::model::RdpCertificateKind::X509 => "X.509",
        };
        line.push_str(&format!("; {kind} certificate"));
        if let Some(bits) = c.key_bits {
            line.push_str(&format!(", {bits}-bit key"));
        }
        match c.signature_ok {
            Some(true) => line.push_str(", signed with the public Terminal Services key"),
            Some(false) => line.push_str(", signature does not verify"),
            None => {}
        }
    }
    line.push('.');
    line
}

/// One line on the server's MCS data: version, channels, UDP.
pub fn mcs_line(m: &crate::model::McsReport) -> String {
    let version = match &m.rdp_version_name {
        Some(name) => format!("{name} ({})", m.rdp_version.hex()),
        None => m.rdp_version.hex(),
    };
    let channels = if m.channels.is_empty() {
        "none".to_string()
    } else {
        m.channels.join(", ")
    };
    let udp = match &m.multitransport {
        Some(t) if t.udp => format!("offered ({})", t.flags.names().join(", ")),
        _ => "not offered".to_string(),
    };
    format!("MCS: {version}; channels {channels}; UDP transport {udp}.")
}
