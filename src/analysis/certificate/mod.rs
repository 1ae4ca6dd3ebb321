//! Certificate verdict: everything an RDP admin needs to know about the server's certificate, from DER, pure.

mod key;
mod signature;
mod trust;

use std::net::IpAddr;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::{FromDer, GeneralName};

pub use self::key::key_info;
pub use self::signature::{signature_algorithm_name, verifies, Hash};
pub use self::trust::TrustRoots;
use crate::model::{CertificateReport, SelfSigned};

/// The Remote Desktop Authentication EKU, 1.3.6.1.4.1.311.54.1.2.
pub const OID_REMOTE_DESKTOP_AUTH: &str = "1.3.6.1.4.1.311.54.1.2";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("certificate: {0}")]
pub struct CertError(String);

/// Analyses the leaf of `chain` (DER, leaf first) as of `now` (Unix seconds), against the name the user typed,
/// and the chain against `roots` when there are some.
pub fn analyze(
    chain: &[Vec<u8>],
    typed_name: Option<&str>,
    roots: Option<&TrustRoots>,
    now: i64,
) -> Result<CertificateReport, CertError> {
    let leaf_der = chain
        .first()
        .ok_or_else(|| CertError("the server sent no certificate".into()))?;
    let (_, cert) = X509Certificate::from_der(leaf_der)
        .map_err(|e| CertError(format!("the leaf certificate does not parse: {e}")))?;

    let not_before = cert.validity().not_before.timestamp();
    let not_after = cert.validity().not_after.timestamp();
    let names = names_of(&cert);
    let name_matches = typed_name.map(|n| name_matches(&cert, n));
    let eku = eku_names(&cert);
    let self_signed = SelfSigned::from(verifies(&cert, cert.public_key()));
    let chain_trust = roots.map(|roots| {
        let leaf = trust::Leaf {
            not_before,
            not_after,
            eku_ok: eku_allows_server_auth(&eku),
            name_matches,
            self_signed: self_signed.is_yes(),
        };
        trust::chain_trust(chain, &leaf, roots, now)
    });

    Ok(CertificateReport {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        names,
        serial: hex_upper(cert.raw_serial()),
        not_before: rfc3339(not_before),
        not_after: rfc3339(not_after),
        days_left: (not_after - now).div_euclid(86_400),
        expired: now > not_after,
        not_yet_valid: now < not_before,
        self_signed,
        key: key_info(cert.public_key()),
        signature_algorithm: signature_algorithm_name(&cert.signature_algorithm),
        sha1_thumbprint: hex_upper(
            ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, leaf_der).as_ref(),
        ),
        sha256_fingerprint: hex_upper(
            ring::digest::digest(&ring::digest::SHA256, leaf_der).as_ref(),
        ),
        eku,
        key_usage: key_usage_names(&cert),
        name_matches,
        chain_length: chain.len(),
        chain: chain_trust,
    })
}

/// Whether a certificate with these EKUs may authenticate an RDP server: no EKU extension at all, or
/// serverAuth, Remote Desktop Authentication or anyExtendedKeyUsage among them.
pub fn eku_allows_server_auth(eku: &[String]) -> bool {
    eku.is_empty()
        || eku
            .iter()
            .any(|e| e == "serverAuth" || e == "remoteDesktopAuth" || e == "anyExtendedKeyUsage")
}

fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| unix.to_string())
}

pub fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn common_names(cert: &X509Certificate<'_>) -> Vec<String> {
    cert.subject()
        .iter_common_name()
        .filter_map(|cn| cn.as_str().ok().map(str::to_string))
        .collect()
}

/// SAN entries: DNS names and IP addresses, as text.
fn san_names(cert: &X509Certificate<'_>) -> (Vec<String>, Vec<IpAddr>) {
    let mut dns = Vec::new();
    let mut ips = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(d) => dns.push(d.to_string()),
                GeneralName::IPAddress(b) => match b.len() {
                    4 => ips.push(IpAddr::from(<[u8; 4]>::try_from(*b).unwrap_or_default())),
                    16 => ips.push(IpAddr::from(<[u8; 16]>::try_from(*b).unwrap_or_default())),
                    _ => {}
                },
                _ => {}
            }
        }
    }
    (dns, ips)
}

fn names_of(cert: &X509Certificate<'_>) -> Vec<String> {
    let mut out = common_names(cert);
    let (dns, ips) = san_names(cert);
    for n in dns.into_iter().chain(ips.iter().map(IpAddr::to_string)) {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// RFC 6125 style: SAN DNS names (one left-most wildcard label) or SAN IPs; the CN only when there is no SAN.
fn name_matches(cert: &X509Certificate<'_>, typed: &str) -> bool {
    let typed = typed.trim_end_matches('.').to_ascii_lowercase();
    let (dns, ips) = san_names(cert);
    let has_san = !dns.is_empty() || !ips.is_empty();
    if let Ok(ip) = typed.trim_matches(['[', ']']).parse::<IpAddr>() {
        return ips.contains(&ip) || (!has_san && common_names(cert).iter().any(|cn| cn == &typed));
    }
    let candidates = if has_san { dns } else { common_names(cert) };
    candidates
        .iter()
        .any(|pattern| dns_match(&pattern.to_ascii_lowercase(), &typed))
}

fn dns_match(pattern: &str, name: &str) -> bool {
    let pattern = pattern.trim_end_matches('.');
    match pattern.strip_prefix("*.") {
        Some(suffix) => name
            .split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest == suffix),
        None => pattern == name,
    }
}

/// Whether a signature algorithm name (as [`signature_algorithm_name`] gives it) uses SHA-1, MD5 or MD2.
pub fn is_weak_signature(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("sha1") || n.contains("md5") || n.contains("md2")
}

fn eku_names(cert: &X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(ext)) = cert.extended_key_usage() else {
        return Vec::new();
    };
    let e = ext.value;
    let mut out = Vec::new();
    for (set, name) in [
        (e.any, "anyExtendedKeyUsage"),
        (e.server_auth, "serverAuth"),
        (e.client_auth, "clientAuth"),
        (e.code_signing, "codeSigning"),
        (e.email_protection, "emailProtection"),
        (e.time_stamping, "timeStamping"),
        (e.ocsp_signing, "OCSPSigning"),
    ] {
        if set {
            out.push(name.to_string());
        }
    }
    for oid in &e.other {
        let id = oid.to_id_string();
        out.push(if id == OID_REMOTE_DESKTOP_AUTH {
            "remoteDesktopAuth".into()
        } else {
            id
        });
    }
    out
}

fn key_usage_names(cert: &X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(ext)) = cert.key_usage() else {
        return Vec::new();
    };
    let ku = ext.value;
    [
        (ku.digital_signature(), "digitalSignature"),
        (ku.non_repudiation(), "nonRepudiation"),
        (ku.key_encipherment(), "keyEncipherment"),
        (ku.data_encipherment(), "dataEncipherment"),
        (ku.key_agreement(), "keyAgreement"),
        (ku.key_cert_sign(), "keyCertSign"),
        (ku.crl_sign(), "cRLSign"),
        (ku.encipher_only(), "encipherOnly"),
        (ku.decipher_only(), "decipherOnly"),
    ]
    .into_iter()
    .filter(|(set, _)| *set)
    .map(|(_, n)| n.to_string())
    .collect()
}

#[cfg(test)]
mod tests;
