//! Findings: each problem the scan shows, with severity and evidence. The rules live here, one file per area;
//! their words (title, what clients show, the fix, sources) live in the catalogue, `data/findings.toml`.
//!
//! Finding ids are a published interface (`docs/json.md`, [`FindingId`]): never rename one.

mod certificate;
mod clients;
mod connection;
mod credssp;
mod rdp_security;
mod reachability;
mod security_layer;
mod tls;

use crate::analysis::catalogue::{self, Vars};
use crate::analysis::AnalysisOptions;
use crate::model::{
    Finding, FindingId, Negotiation, ProtocolVersion, Protocols, Severity, TargetReport, TlsReport,
};

pub(crate) use certificate::cert_vars;

/// Every finding the scan result shows, in evaluation order (callers sort; see [`crate::analysis::complete`]).
pub fn evaluate(report: &TargetReport, opts: &AnalysisOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    reachability::evaluate(report, &mut out);
    connection::evaluate(report, &mut out);
    security_layer::evaluate(report, &mut out);
    rdp_security::evaluate(report, &mut out);
    certificate::evaluate(report, opts, &mut out);
    tls::evaluate(report, &mut out);
    credssp::evaluate(report, &mut out);
    clients::evaluate(report, &mut out);
    out
}

/// A finding of the catalogue: its words in `variant`, filled in from `vars`.
fn finding(id: FindingId, severity: Severity, variant: Option<&str>, vars: Vars) -> Finding {
    catalogue::finding(id, severity, variant, &vars)
}

/// Which requests the server answered with standard RDP security, as evidence.
pub(crate) fn standard_rdp_evidence(neg: &Negotiation) -> String {
    let who: Vec<String> = neg
        .protocols
        .iter()
        .filter(|p| p.selected == Some(Protocols::RDP))
        .map(|p| format!("{} request -> rdp", p.protocol.key()))
        .collect();
    if neg.legacy_server || who.is_empty() {
        "The server answered with a legacy Connection Confirm: it speaks standard RDP security only.".into()
    } else {
        format!(
            "The server selected standard RDP security: {}.",
            who.join(", ")
        )
    }
}

/// Supported versions, oldest first.
pub(crate) fn supported_versions(tls: &TlsReport) -> Vec<ProtocolVersion> {
    let mut v: Vec<ProtocolVersion> = tls
        .versions
        .iter()
        .filter(|v| v.supported)
        .map(|v| v.version)
        .collect();
    v.sort();
    v
}

/// Version labels joined for a sentence: `TLS1.0, TLS1.1`.
pub(crate) fn joined<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
