//! The security layer: standard RDP security, NLA, the negotiation's refusals, and a TLS path that is missing.

use super::{finding, joined, standard_rdp_evidence, Vars};
use crate::model::{
    FailureCode, Finding, FindingId, Negotiation, Nla, ProtocolProbe, ProtocolResult, Protocols,
    Severity, TargetReport,
};

pub(super) fn evaluate(report: &TargetReport, out: &mut Vec<Finding>) {
    let Some(neg) = &report.negotiation else {
        return;
    };
    standard_rdp(neg, out);
    nla(neg, out);
    for (code, id) in [
        (
            FailureCode::SSL_REQUIRED_BY_SERVER,
            FindingId::RefusedSslRequired,
        ),
        (
            FailureCode::HYBRID_REQUIRED_BY_SERVER,
            FindingId::RefusedHybridRequired,
        ),
        (
            FailureCode::SSL_NOT_ALLOWED_BY_SERVER,
            FindingId::RefusedSslNotAllowed,
        ),
    ] {
        let who = refused_with(neg, code);
        if !who.is_empty() {
            out.push(finding(
                id,
                Severity::Info,
                None,
                Vars::new().set("code", code).set("who", who.join(", ")),
            ));
        }
    }
    let cert_missing = refused_with(neg, FailureCode::SSL_CERT_NOT_ON_SERVER);
    if !cert_missing.is_empty() {
        out.push(finding(
            FindingId::SslCertNotOnServer,
            Severity::Critical,
            None,
            Vars::new().set("who", cert_missing.join(", ")),
        ));
    }
    if let Some(p) = neg.probe(Protocols::SSL) {
        if report.tls.is_none()
            && report.error.is_none()
            && p.result != ProtocolResult::Accepted
            && neg.nla == Nla::Unsupported
            && !neg.standard_rdp_security
        {
            out.push(finding(
                FindingId::TlsUnavailable,
                Severity::High,
                Some("negotiation"),
                Vars::new().set("row", describe_row(p)),
            ));
        }
    }
}

/// The protocols (report keys) whose request was refused with `code`.
fn refused_with(neg: &Negotiation, code: FailureCode) -> Vec<String> {
    neg.protocols
        .iter()
        .filter(|p| p.failure_code == Some(code))
        .map(|p| p.protocol.key())
        .collect()
}

fn standard_rdp(neg: &Negotiation, out: &mut Vec<Finding>) {
    if !neg.standard_rdp_security {
        return;
    }
    let only = !neg.protocols.iter().any(|p| {
        p.result == ProtocolResult::Accepted
            && p.protocol != Protocols::RDP
            && p.protocol != Protocols::RDSAAD
    });
    out.push(finding(
        FindingId::StandardRdpSecurity,
        Severity::High,
        None,
        Vars::new().set("evidence", standard_rdp_evidence(neg)),
    ));
    if only {
        out.push(finding(
            FindingId::RdpOnly,
            Severity::High,
            neg.legacy_server.then_some("legacy"),
            Vars::new(),
        ));
    }
}

fn nla(neg: &Negotiation, out: &mut Vec<Finding>) {
    if neg.nla == Nla::Required || neg.legacy_server {
        return;
    }
    let accepted = neg.accepted_without_credssp();
    if accepted.is_empty() {
        return;
    }
    let unsupported = neg.nla == Nla::Unsupported;
    out.push(finding(
        FindingId::NlaNotRequired,
        if unsupported {
            Severity::Medium
        } else {
            Severity::Low
        },
        unsupported.then_some("unsupported"),
        Vars::new().set("accepted", joined(&accepted)),
    ));
}

/// How the server answered a request, in words.
fn describe_row(p: &ProtocolProbe) -> String {
    match (&p.failure_code, &p.selected, &p.detail) {
        (Some(code), _, _) => format!("refused with {code}"),
        (_, Some(sel), _) => format!("answered by selecting {}", sel.key()),
        (_, _, Some(d)) => d.clone(),
        _ => format!("{:?}", p.result).to_lowercase(),
    }
}
