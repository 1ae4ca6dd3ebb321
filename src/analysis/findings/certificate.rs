//! The certificate: validity, renewal, key, signature, name and EKU.

use super::{finding, Vars};
use crate::analysis::certificate::{eku_allows_server_auth, is_weak_signature};
use crate::analysis::AnalysisOptions;
use crate::model::{
    CertificateReport, Finding, FindingId, KeyType, RootSource, SelfSigned, Severity, TargetReport,
    Trust,
};

/// The certificate evidence every certificate finding opens with (the catalogue's `cert-evidence`).
pub(crate) fn cert_vars(c: &CertificateReport) -> Vars {
    Vars::new()
        .set("subject", &c.subject)
        .set("issuer", &c.issuer)
        .set("not_before", &c.not_before)
        .set("not_after", &c.not_after)
        .set("thumbprint", &c.sha1_thumbprint)
        .passage(
            "self_signed",
            c.self_signed.is_yes().then_some("cert-self-signed"),
        )
        .passage(
            "renew",
            Some(if c.self_signed.is_yes() {
                "fix-renew-self-signed"
            } else {
                "fix-assign-cert"
            }),
        )
}

pub(super) fn evaluate(report: &TargetReport, opts: &AnalysisOptions, out: &mut Vec<Finding>) {
    let Some(c) = &report.certificate else { return };
    if c.expired {
        out.push(finding(
            FindingId::CertExpired,
            Severity::Critical,
            None,
            cert_vars(c).set("days", -c.days_left),
        ));
        if c.self_signed.is_yes() {
            out.push(finding(
                FindingId::CertRenewalFailed,
                Severity::High,
                None,
                cert_vars(c).set("days", -c.days_left),
            ));
        }
    } else if c.not_yet_valid {
        out.push(finding(
            FindingId::CertNotYetValid,
            Severity::High,
            None,
            cert_vars(c),
        ));
    } else if c.days_left < opts.warn_days {
        // Inside the warning window (--warn-days, 30 by default) is high: the contract of the JSON report.
        out.push(finding(
            FindingId::CertExpiring,
            Severity::High,
            None,
            cert_vars(c)
                .set("days", c.days_left)
                .set("warn_days", opts.warn_days)
                .passage(
                    "self_signed_note",
                    c.self_signed
                        .is_yes()
                        .then_some("cert-expiring-self-signed"),
                ),
        ));
    }
    let weak_key = match c.key.kind {
        KeyType::Rsa | KeyType::RsaPss | KeyType::Dsa => c.key.bits < 2048,
        KeyType::Ec => c.key.bits < 256,
        _ => false,
    };
    if weak_key {
        out.push(finding(
            FindingId::CertWeakKey,
            Severity::High,
            None,
            cert_vars(c)
                .set("kind", &c.key.kind)
                .set("bits", c.key.bits),
        ));
    }
    if is_weak_signature(&c.signature_algorithm) {
        let (severity, variant) = if c.self_signed.is_yes() {
            (Severity::Low, "self-signed")
        } else {
            (Severity::Medium, "ca")
        };
        out.push(finding(
            FindingId::CertWeakSignature,
            severity,
            Some(variant),
            cert_vars(c).set("algorithm", &c.signature_algorithm),
        ));
    }
    if c.name_matches == Some(false) {
        out.push(finding(
            FindingId::CertNameMismatch,
            Severity::Medium,
            None,
            Vars::new().set("names", c.names.join(", ")),
        ));
    }
    if !eku_allows_server_auth(&c.eku) {
        out.push(finding(
            FindingId::CertEku,
            Severity::Medium,
            None,
            Vars::new().set("eku", c.eku.join(", ")),
        ));
    }
    untrusted(c, out);
}

/// A CA-issued certificate whose chain does not reach a trusted root (what the leaf's own name, dates and EKU
/// explain has its own finding). A self-signed certificate is RDP's normal case: clients pin its thumbprint.
fn untrusted(c: &CertificateReport, out: &mut Vec<Finding>) {
    let Some(chain) = &c.chain else { return };
    let Trust::Untrusted(why) = &chain.trust else {
        return;
    };
    if c.self_signed != SelfSigned::No {
        return;
    }
    let variant = match chain.roots {
        RootSource::System => "system",
        RootSource::CaFile => "ca-file",
    };
    out.push(finding(
        FindingId::CertUntrusted,
        Severity::Medium,
        Some(variant),
        cert_vars(c)
            .set("why", why)
            .set("chain_length", c.chain_length),
    ));
}
