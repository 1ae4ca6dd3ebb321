//! TLS: a failing handshake, legacy versions, TLS 1.2 missing, weak suites, forward secrecy, TLS 1.0 CBC, weak DH.

use super::{finding, joined, supported_versions, Vars};
use crate::analysis::suites::{self, SuiteClass};
use crate::model::{
    AlertDescription, ClientFailure, Finding, FindingId, ProtocolVersion, Severity, Status, Step,
    SuiteEntry, TargetReport, TlsReport,
};
use crate::wire::tls::suites::Kx;

pub(super) fn evaluate(report: &TargetReport, out: &mut Vec<Finding>) {
    if report.status == Status::Error {
        if let Some(err) = report.error.as_ref().filter(|e| e.step == Step::Tls) {
            out.push(finding(
                FindingId::TlsUnavailable,
                Severity::Critical,
                Some("handshake"),
                Vars::new().set("error", err),
            ));
        }
    }
    let Some(t) = &report.tls else { return };
    rogue_picks(t, out);
    if t.certificate_list_empty && report.certificate.is_none() {
        out.push(finding(
            FindingId::CertMissing,
            Severity::Critical,
            None,
            Vars::new(),
        ));
    }
    let supported = supported_versions(t);
    if supported.is_empty() {
        return;
    }
    legacy_versions(t, &supported, out);
    tls12(t, &supported, out);
    weak_ciphers(t, out);
    forward_secrecy(t, &supported, out);
    tls10_cbc(t, &supported, out);
    weak_dh(t, out);
    client_auth(t, out);
    sni(report, t, out);
}

/// A server that picks versions or suites it was not offered: broken or hostile; its picks are never believed.
fn rogue_picks(t: &TlsReport, out: &mut Vec<Finding>) {
    if t.violations.is_empty() {
        return;
    }
    let shown: Vec<&str> = t.violations.iter().take(3).map(String::as_str).collect();
    out.push(finding(
        FindingId::TlsRoguePick,
        Severity::High,
        None,
        Vars::new()
            .set("count", t.violations.len())
            .set("examples", shown.join("; "))
            .set(
                "rustls",
                t.modern_handshake_error
                    .clone()
                    .unwrap_or_else(|| "it completed".into()),
            ),
    ));
}

/// A server that asks for a client certificate: RDP clients have none to send.
fn client_auth(t: &TlsReport, out: &mut Vec<Finding>) {
    let rejected = t.rejected_after_handshake.as_ref();
    let required = t.client_certificate_requested
        && (rejected.is_some() || t.modern_handshake_error.is_some());
    if t.client_certificate_requested {
        let how = rejected
            .map(|r| r.detail.clone())
            .or_else(|| t.modern_handshake_error.clone())
            .unwrap_or_default();
        out.push(finding(
            FindingId::ClientCertRequired,
            if required {
                Severity::High
            } else {
                Severity::Low
            },
            Some(if required { "required" } else { "requested" }),
            Vars::new().set("how", how),
        ));
    } else if let Some(r) = rejected {
        out.push(finding(
            FindingId::TlsRejectedAfterHandshake,
            Severity::High,
            None,
            Vars::new().set("detail", &r.detail).set(
                "alert",
                r.alert
                    .map(|a| a.to_string())
                    .unwrap_or_else(|| "none".into()),
            ),
        ));
    }
}

/// A server that refuses hellos for the name they carry in SNI (or for carrying none): alert unrecognized_name.
fn sni(report: &TargetReport, t: &TlsReport, out: &mut Vec<Finding>) {
    let refused: Vec<String> = report
        .clients
        .iter()
        .filter(|c| c.failure == Some(ClientFailure::SniRefused))
        .map(|c| c.id.clone())
        .collect();
    let after = t
        .rejected_after_handshake
        .as_ref()
        .is_some_and(|r| r.alert == Some(AlertDescription::UNRECOGNIZED_NAME));
    if refused.is_empty() && !after {
        return;
    }
    out.push(finding(
        FindingId::SniRequired,
        Severity::High,
        None,
        Vars::new()
            .set(
                "clients",
                if refused.is_empty() {
                    "the scanner's own handshake".to_string()
                } else {
                    refused.join(", ")
                },
            )
            .set(
                "names",
                report
                    .certificate
                    .as_ref()
                    .map(|c| c.names.join(", "))
                    .unwrap_or_else(|| "unknown (no certificate was read)".into()),
            ),
    ));
}

fn is_supported(tls: &TlsReport, version: ProtocolVersion) -> bool {
    tls.versions
        .iter()
        .any(|v| v.version == version && v.supported)
}

/// The scan tested `version` and the server refused it (absent from the list means not tested, as in quick mode).
fn is_refused(tls: &TlsReport, version: ProtocolVersion) -> bool {
    tls.versions
        .iter()
        .any(|v| v.version == version && !v.supported)
}

/// Whether the suite list is the full enumeration (not quick mode's one negotiated suite).
fn enumerated(tls: &TlsReport) -> bool {
    tls.hellos > 0 || !tls.server_order.is_empty()
}

fn suites_at(t: &TlsReport, version: ProtocolVersion) -> Vec<&SuiteEntry> {
    t.cipher_suites
        .iter()
        .filter(|s| s.version == version)
        .collect()
}

fn legacy_versions(t: &TlsReport, supported: &[ProtocolVersion], out: &mut Vec<Finding>) {
    let legacy: Vec<ProtocolVersion> = supported
        .iter()
        .copied()
        .filter(|v| *v < ProtocolVersion::TLS1_2)
        .collect();
    if legacy.is_empty() {
        return;
    }
    let ssl = legacy.iter().any(|v| *v < ProtocolVersion::TLS1_0);
    let counts: Vec<String> = legacy
        .iter()
        .map(|v| match suites_at(t, *v).len() {
            0 => v.to_string(),
            n => format!("{v} ({n} suite{})", if n == 1 { "" } else { "s" }),
        })
        .collect();
    out.push(finding(
        FindingId::TlsLegacyVersion,
        if ssl {
            Severity::High
        } else {
            Severity::Medium
        },
        ssl.then_some("ssl"),
        Vars::new()
            .set("versions", joined(&legacy))
            .set("counts", counts.join(", ")),
    ));
}

fn tls12(t: &TlsReport, supported: &[ProtocolVersion], out: &mut Vec<Finding>) {
    if !is_refused(t, ProtocolVersion::TLS1_2) {
        return;
    }
    let tls13 = is_supported(t, ProtocolVersion::TLS1_3);
    out.push(finding(
        FindingId::Tls12Disabled,
        // High either way: who is locked out (and so how bad it is) is the client findings' and the verdict's
        // to say, from the replayed hellos.
        Severity::High,
        Some(if tls13 { "tls13" } else { "no-tls13" }),
        Vars::new().set("list", joined(supported)),
    ));
}

fn weak_ciphers(t: &TlsReport, out: &mut Vec<Finding>) {
    let mut weak: Vec<(&SuiteEntry, String)> = Vec::new();
    let mut severe = false;
    let mut classes: Vec<SuiteClass> = Vec::new();
    for s in &t.cipher_suites {
        let Some(info) = suites::info(s) else {
            continue;
        };
        let found = suites::weak_classes(info);
        if found.is_empty() {
            continue;
        }
        severe |= found.iter().any(|c| c.is_severe());
        for c in &found {
            if !classes.contains(c) {
                classes.push(*c);
            }
        }
        let text: Vec<&str> = found.iter().map(|c| c.describe()).collect();
        weak.push((s, text.join(", ")));
    }
    if weak.is_empty() {
        return;
    }
    let all_weak = t
        .cipher_suites
        .iter()
        .all(|s| suites::info(s).is_some_and(|i| !suites::weak_classes(i).is_empty()));
    let labels: Vec<&str> = classes.iter().map(|c| c.label()).collect();
    out.push(finding(
        FindingId::WeakCipher,
        if severe {
            Severity::High
        } else {
            Severity::Medium
        },
        all_weak.then_some("all-weak"),
        Vars::new()
            .set("classes", labels.join(", "))
            .set("count", weak.len())
            .set("by_version", by_version(&weak)),
    ));
}

/// `version: suite (labels), ...; version: ...` for the given suites, grouped by version in list order.
fn by_version(items: &[(&SuiteEntry, String)]) -> String {
    let mut groups: Vec<(ProtocolVersion, Vec<String>)> = Vec::new();
    for (entry, label) in items {
        let name = entry.suite.name();
        let text = if label.is_empty() {
            name
        } else {
            format!("{name} ({label})")
        };
        match groups.iter_mut().find(|(v, _)| *v == entry.version) {
            Some((_, list)) => list.push(text),
            None => groups.push((entry.version, vec![text])),
        }
    }
    groups
        .iter()
        .map(|(v, list)| format!("{v}: {}", list.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

fn forward_secrecy(t: &TlsReport, supported: &[ProtocolVersion], out: &mut Vec<Finding>) {
    if !enumerated(t) {
        return;
    }
    let Some(best) = supported.last() else { return };
    let at_best = suites_at(t, *best);
    if at_best.is_empty() {
        return;
    }
    // Unknown suites could be anything: no verdict then.
    let infos: Vec<_> = at_best.iter().map(|s| suites::info(s)).collect();
    if infos.iter().any(|i| i.is_none()) || infos.iter().flatten().any(|i| i.forward_secrecy()) {
        return;
    }
    let names: Vec<String> = at_best.iter().map(|s| s.suite.name()).collect();
    out.push(finding(
        FindingId::NoForwardSecrecy,
        Severity::Medium,
        None,
        Vars::new()
            .set("version", best)
            .set("count", names.len())
            .set("names", names.join(", ")),
    ));
}

fn tls10_cbc(t: &TlsReport, supported: &[ProtocolVersion], out: &mut Vec<Finding>) {
    if !enumerated(t) || !is_supported(t, ProtocolVersion::TLS1_0) {
        return;
    }
    let at10 = suites_at(t, ProtocolVersion::TLS1_0);
    if at10.is_empty()
        || !at10
            .iter()
            .all(|s| suites::info(s).is_some_and(|i| i.is_cbc()))
    {
        return;
    }
    let only10 = supported == [ProtocolVersion::TLS1_0];
    let names: Vec<String> = at10.iter().map(|s| s.suite.name()).collect();
    out.push(finding(
        FindingId::Tls10CbcOnly,
        Severity::Low,
        None,
        Vars::new()
            .set("count", at10.len())
            .set("names", names.join(", "))
            .passage("only", only10.then_some("tls10-only-version")),
    ));
}

fn weak_dh(t: &TlsReport, out: &mut Vec<Finding>) {
    let Some(bits) = t.dh_bits.filter(|b| *b < 2048) else {
        return;
    };
    let mut unique: Vec<String> = Vec::new();
    for s in &t.cipher_suites {
        if suites::info(s).is_some_and(|i| i.kx == Kx::Dhe) && !unique.contains(&s.suite.name()) {
            unique.push(s.suite.name());
        }
    }
    let severe = bits < 1024;
    out.push(finding(
        FindingId::WeakDh,
        if severe {
            Severity::High
        } else {
            Severity::Medium
        },
        severe.then_some("severe"),
        Vars::new()
            .set("bits", bits)
            .set("dhe_suites", unique.join(", "))
            .passage("dhe", (!unique.is_empty()).then_some("weak-dh-suites")),
    ));
}
