//! Standard RDP security as the MCS probes enumerated it: weak RC4 key sizes or a low level
//! (`rdp-weak-encryption`), FIPS only (`rdp-fips-only`), level high (`rdp-encryption-high`), and a small server
//! key (`rdp-key-small`).

use super::{finding, joined, Vars};
use crate::model::{
    EncryptionLevel, EncryptionMethod, Finding, FindingId, RdpSecurityReport, Severity,
    TargetReport,
};

/// The smallest proprietary key this scanner calls adequate, as for certificates (NIST SP 800-131A).
const MIN_KEY_BITS: u32 = 2048;

pub(super) fn evaluate(report: &TargetReport, out: &mut Vec<Finding>) {
    let Some(rdp) = &report.rdp_security else {
        return;
    };
    let evidence = |r: &RdpSecurityReport| {
        let level = r.level.map_or("unknown".to_string(), |l| l.to_string());
        let methods = if r.methods.is_empty() {
            "none".to_string()
        } else {
            joined(&r.methods)
        };
        format!("methods accepted: {methods}; level: {level}")
    };
    let weak: Vec<EncryptionMethod> = rdp
        .methods
        .iter()
        .copied()
        .filter(|m| matches!(*m, EncryptionMethod::BIT40 | EncryptionMethod::BIT56))
        .collect();
    if !weak.is_empty() {
        out.push(finding(
            FindingId::RdpWeakEncryption,
            Severity::High,
            Some("key-size"),
            Vars::new()
                .set("evidence", evidence(rdp))
                .set("weak", joined(&weak)),
        ));
    } else if rdp.level == Some(EncryptionLevel::LOW) {
        out.push(finding(
            FindingId::RdpWeakEncryption,
            Severity::Medium,
            Some("level-low"),
            Vars::new().set("evidence", evidence(rdp)),
        ));
    }
    if rdp.methods == [EncryptionMethod::FIPS] {
        out.push(finding(
            FindingId::RdpFipsOnly,
            Severity::Info,
            None,
            Vars::new().set("evidence", evidence(rdp)),
        ));
    } else if rdp.level == Some(EncryptionLevel::HIGH) {
        out.push(finding(
            FindingId::RdpEncryptionHigh,
            Severity::Info,
            None,
            Vars::new().set("evidence", evidence(rdp)),
        ));
    }
    if let Some(cert) = &rdp.certificate {
        if let Some(bits) = cert.key_bits.filter(|b| *b < MIN_KEY_BITS) {
            let signature = match cert.signature_ok {
                Some(true) => "its proprietary certificate verifies with the public Terminal Services signing key",
                Some(false) => "its proprietary certificate does not verify with the Terminal Services signing key",
                None => "it comes in an X.509 chain",
            };
            out.push(finding(
                FindingId::RdpKeySmall,
                Severity::Medium,
                None,
                Vars::new()
                    .set("bits", bits)
                    .set("min", MIN_KEY_BITS)
                    .set("signature", signature),
            ));
        }
    }
}
