//! Certificate verdict: everything an RDP admin needs to know about the server's certificate, from DER, pure.

use std::net::IpAddr;

use ring::signature as sig;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::oid_registry::Oid;
use x509_parser::prelude::{FromDer, GeneralName};
use x509_parser::public_key::PublicKey;

use crate::model::{CertificateReport, KeyInfo, KeyType};

/// The Remote Desktop Authentication EKU, 1.3.6.1.4.1.311.54.1.2.
pub const OID_REMOTE_DESKTOP_AUTH: &str = "1.3.6.1.4.1.311.54.1.2";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("certificate: {0}")]
pub struct CertError(String);

/// Analyses the leaf of `chain` (DER, leaf first) as of `now` (Unix seconds), against the name the user typed.
pub fn analyze(
    chain: &[Vec<u8>],
    typed_name: Option<&str>,
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
        self_signed: is_self_signed(&cert),
        key: key_info(&cert),
        signature_algorithm: signature_algorithm_name(&cert.signature_algorithm.algorithm),
        sha1_thumbprint: hex_upper(
            ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, leaf_der).as_ref(),
        ),
        sha256_fingerprint: hex_upper(
            ring::digest::digest(&ring::digest::SHA256, leaf_der).as_ref(),
        ),
        eku: eku_names(&cert),
        key_usage: key_usage_names(&cert),
        name_matches,
        chain_length: chain.len(),
    })
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

/// Self-signed means the certificate's own key verifies its signature. When the algorithm cannot be checked
/// (MD5, DSA), fall back to subject == issuer.
fn is_self_signed(cert: &X509Certificate<'_>) -> bool {
    match signature_verifies(cert, cert) {
        Some(ok) => ok,
        None => cert.subject().as_raw() == cert.issuer().as_raw(),
    }
}

/// Whether `issuer`'s key verifies `cert`'s signature; `None` when the algorithm is not one ring can check.
pub fn signature_verifies(
    cert: &X509Certificate<'_>,
    issuer: &X509Certificate<'_>,
) -> Option<bool> {
    let oid = cert.signature_algorithm.algorithm.to_id_string();
    let spki = issuer.public_key();
    let is_ec = spki.algorithm.algorithm.to_id_string() == "1.2.840.10045.2.1";
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|o| o.to_id_string());
    let alg: &dyn sig::VerificationAlgorithm = match (oid.as_str(), is_ec, curve.as_deref()) {
        ("1.2.840.113549.1.1.5", false, _) => &sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        ("1.2.840.113549.1.1.11", false, _) => &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        ("1.2.840.113549.1.1.12", false, _) => &sig::RSA_PKCS1_2048_8192_SHA384,
        ("1.2.840.113549.1.1.13", false, _) => &sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        ("1.2.840.10045.4.3.2", true, Some("1.2.840.10045.3.1.7")) => &sig::ECDSA_P256_SHA256_ASN1,
        ("1.2.840.10045.4.3.3", true, Some("1.2.840.10045.3.1.7")) => &sig::ECDSA_P256_SHA384_ASN1,
        ("1.2.840.10045.4.3.2", true, Some("1.3.132.0.34")) => &sig::ECDSA_P384_SHA256_ASN1,
        ("1.2.840.10045.4.3.3", true, Some("1.3.132.0.34")) => &sig::ECDSA_P384_SHA384_ASN1,
        ("1.3.101.112", false, _) => &sig::ED25519,
        // An ECDSA signature and a non-EC key, or the reverse: that key did not make this signature.
        (o, false, _) if o.starts_with("1.2.840.10045.4.") => return Some(false),
        (o, true, _) if o.starts_with("1.2.840.113549.1.1.") => return Some(false),
        _ => return None,
    };
    let key = sig::UnparsedPublicKey::new(alg, spki.subject_public_key.data.as_ref());
    Some(
        key.verify(
            cert.tbs_certificate.as_ref(),
            cert.signature_value.data.as_ref(),
        )
        .is_ok(),
    )
}

fn key_info(cert: &X509Certificate<'_>) -> KeyInfo {
    let spki = cert.public_key();
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|o| curve_name(&o.to_id_string()));
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => KeyInfo {
            kind: KeyType::Rsa,
            bits: rsa.key_size() as u32,
            curve: None,
        },
        Ok(PublicKey::EC(ec)) => KeyInfo {
            kind: KeyType::Ec,
            bits: ec.key_size() as u32,
            curve,
        },
        Ok(PublicKey::DSA(y)) => KeyInfo {
            kind: KeyType::Dsa,
            bits: (y.len() * 8) as u32,
            curve: None,
        },
        _ => match spki.algorithm.algorithm.to_id_string().as_str() {
            "1.3.101.112" => KeyInfo {
                kind: KeyType::Ed25519,
                bits: 256,
                curve: None,
            },
            "1.3.101.113" => KeyInfo {
                kind: KeyType::Ed448,
                bits: 456,
                curve: None,
            },
            other => KeyInfo {
                kind: KeyType::Other(other.to_string()),
                bits: 0,
                curve: None,
            },
        },
    }
}

fn curve_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.3.1.7" => "P-256".into(),
        "1.3.132.0.34" => "P-384".into(),
        "1.3.132.0.35" => "P-521".into(),
        other => other.into(),
    }
}

/// OpenSSL's names for the signature algorithms RDP servers use.
pub fn signature_algorithm_name(oid: &Oid<'_>) -> String {
    let id = oid.to_id_string();
    match id.as_str() {
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.2.840.10040.4.3" => "dsa-with-SHA1",
        "1.3.101.112" => "ED25519",
        _ => return id,
    }
    .to_string()
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
mod tests {
    use super::*;

    #[test]
    fn wildcard_matches_one_label_only() {
        assert!(dns_match("*.example.com", "rdp.example.com"));
        assert!(!dns_match("*.example.com", "a.rdp.example.com"));
        assert!(!dns_match("*.example.com", "example.com"));
        assert!(dns_match("host.example.com.", "host.example.com"));
    }

    #[test]
    fn no_certificate_is_an_error() {
        assert!(analyze(&[], None, 0).is_err());
        assert!(analyze(&[vec![0x30, 0x03, 1, 2, 3]], None, 0).is_err());
    }

    use crate::fixtures::FixtureCert;

    fn now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    }

    fn report(cert: FixtureCert, name: Option<&str>) -> CertificateReport {
        let bundle = cert.bundle().expect("fixture");
        let chain: Vec<Vec<u8>> = bundle
            .chain_der
            .iter()
            .map(|c| c.as_ref().to_vec())
            .collect();
        analyze(&chain, name, now()).expect("parses")
    }

    /// Each fixture's verdict, decided from the DER alone.
    #[test]
    fn fixture_certificates_get_the_right_verdict() {
        let c = report(FixtureCert::Expired, Some("WIN-RDPTLS01"));
        assert!(c.expired && !c.not_yet_valid && c.self_signed);
        assert!((-41..=-39).contains(&c.days_left), "{}", c.days_left);
        assert_eq!((c.key.kind.clone(), c.key.bits), (KeyType::Rsa, 2048));
        assert_eq!(c.eku, ["serverAuth"]);
        assert_eq!(c.name_matches, Some(true), "no SAN: the CN counts");

        let c = report(FixtureCert::Expiring, Some("rdptls-demo"));
        assert!(!c.expired && (9..=10).contains(&c.days_left));

        let c = report(FixtureCert::NotYetValid, None);
        assert!(c.not_yet_valid && !c.expired);
        assert_eq!(c.name_matches, None);

        let c = report(FixtureCert::WrongName, Some("rdptls-demo"));
        assert_eq!(c.name_matches, Some(false));

        let c = report(FixtureCert::Valid, Some("127.0.0.1"));
        assert_eq!(c.name_matches, Some(true), "SAN IP");
        assert!(c.names.contains(&"127.0.0.1".to_string()));
        assert_eq!(c.signature_algorithm, "sha256WithRSAEncryption");
    }

    /// Self-signed is decided by the signature: a CA-issued leaf is not, the CA is, and a 1024-bit RSA or a
    /// SHA-1 signature still verifies.
    #[test]
    fn self_signed_is_decided_by_verifying_the_signature() {
        let chain = report(FixtureCert::CaChain, Some("rdptls-demo"));
        assert!(!chain.self_signed);
        assert_eq!(chain.chain_length, 2);
        let bundle = FixtureCert::CaChain.bundle().unwrap();
        let (_, leaf) = X509Certificate::from_der(bundle.chain_der[0].as_ref()).unwrap();
        let (_, ca) = X509Certificate::from_der(bundle.chain_der[1].as_ref()).unwrap();
        assert_eq!(signature_verifies(&leaf, &ca), Some(true));
        assert_eq!(signature_verifies(&ca, &ca), Some(true));
        assert_eq!(signature_verifies(&leaf, &leaf), Some(false));

        let weak = report(FixtureCert::Rsa1024, None);
        assert_eq!((weak.key.bits, weak.self_signed), (1024, true));
        let sha1 = report(FixtureCert::Sha1, None);
        assert_eq!(sha1.signature_algorithm, "sha1WithRSAEncryption");
        assert!(sha1.self_signed);
        assert!(is_weak_signature(&sha1.signature_algorithm));
    }

    #[test]
    fn thumbprints_are_upper_case_hex_of_the_der() {
        let bundle = FixtureCert::Valid.bundle().unwrap();
        let der = bundle.chain_der[0].as_ref().to_vec();
        let c = analyze(std::slice::from_ref(&der), None, now()).unwrap();
        let want =
            hex_upper(ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &der).as_ref());
        assert_eq!(c.sha1_thumbprint, want);
        assert_eq!(c.sha1_thumbprint.len(), 40);
        assert!(c
            .sha1_thumbprint
            .chars()
            .all(|ch| ch.is_ascii_digit() || ch.is_ascii_uppercase()));
        assert_eq!(c.sha256_fingerprint.len(), 64);
    }
}
