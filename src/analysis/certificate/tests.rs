//! The certificate verdict on fixtures made at run time, and on committed OpenSSL-made certificates for the
//! algorithms ring cannot check (`src/analysis/testdata/README.md`).

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use super::*;
use crate::fixtures::FixtureCert;
use crate::model::KeyType;

#[test]
fn wildcard_matches_one_label_only() {
    assert!(dns_match("*.example.com", "rdp.example.com"));
    assert!(!dns_match("*.example.com", "a.rdp.example.com"));
    assert!(!dns_match("*.example.com", "example.com"));
    assert!(dns_match("host.example.com.", "host.example.com"));
}

#[test]
fn no_certificate_is_an_error() {
    assert!(analyze(&[], None, None, 0).is_err());
    assert!(analyze(&[vec![0x30, 0x03, 1, 2, 3]], None, None, 0).is_err());
}

pub(super) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub(super) fn chain_of(cert: FixtureCert) -> Vec<Vec<u8>> {
    let bundle = cert.bundle().expect("fixture");
    bundle
        .chain_der
        .iter()
        .map(|c| c.as_ref().to_vec())
        .collect()
}

fn report(cert: FixtureCert, name: Option<&str>) -> CertificateReport {
    analyze(&chain_of(cert), name, None, now()).expect("parses")
}

/// Each fixture's verdict, decided from the DER alone.
#[test]
fn fixture_certificates_get_the_right_verdict() {
    let c = report(FixtureCert::Expired, Some("WIN-RDPTLS01"));
    assert!(c.expired && !c.not_yet_valid);
    assert_eq!(c.self_signed, SelfSigned::Yes);
    assert!((-41..=-39).contains(&c.days_left), "{}", c.days_left);
    assert_eq!((c.key.kind.clone(), c.key.bits), (KeyType::Rsa, 2048));
    assert_eq!(c.eku, ["serverAuth"]);
    assert_eq!(c.name_matches, Some(true), "no SAN: the CN counts");
    assert_eq!(c.chain, None, "no roots given: no chain verdict");

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
    assert_eq!(chain.self_signed, SelfSigned::No);
    assert_eq!(chain.chain_length, 2);
    let bundle = FixtureCert::CaChain.bundle().unwrap();
    let (_, leaf) = X509Certificate::from_der(bundle.chain_der[0].as_ref()).unwrap();
    let (_, ca) = X509Certificate::from_der(bundle.chain_der[1].as_ref()).unwrap();
    assert_eq!(verifies(&leaf, ca.public_key()), Some(true));
    assert_eq!(verifies(&ca, ca.public_key()), Some(true));
    assert_eq!(
        verifies(&leaf, leaf.public_key()),
        Some(false),
        "an ECDSA signature and an RSA key"
    );

    let weak = report(FixtureCert::Rsa1024, None);
    assert_eq!((weak.key.bits, weak.self_signed), (1024, SelfSigned::Yes));
    let sha1 = report(FixtureCert::Sha1, None);
    assert_eq!(sha1.signature_algorithm, "sha1WithRSAEncryption");
    assert_eq!(sha1.self_signed, SelfSigned::Yes);
    assert!(is_weak_signature(&sha1.signature_algorithm));
}

macro_rules! testdata {
    ($name:literal) => {
        ($name, include_str!(concat!("../testdata/", $name, ".pem")))
    };
}

/// The committed OpenSSL-made certificates (`src/analysis/testdata/README.md`).
const OPENSSL_MADE: [(&str, &str); 11] = [
    testdata!("rsa-pss"),
    testdata!("p521"),
    testdata!("p256-sha1"),
    testdata!("dsa"),
    testdata!("ed25519"),
    testdata!("ed448"),
    testdata!("rsa512"),
    testdata!("rsa1024-sha384"),
    testdata!("md5"),
    testdata!("self-issued"),
    testdata!("self-issued-signer"),
];

pub(super) fn testdata_der(name: &str) -> Vec<u8> {
    let (_, pem) = OPENSSL_MADE
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no testdata {name}"));
    CertificateDer::from_pem_slice(pem.as_bytes())
        .expect("PEM")
        .to_vec()
}

fn testdata(name: &str) -> CertificateReport {
    analyze(&[testdata_der(name)], None, None, now()).expect("parses")
}

/// Key type and size from the key itself, OpenSSL's signature name, and the self-signed verdict from the
/// signature, for every algorithm ring cannot check.
#[test]
fn openssl_made_certificates_get_their_key_signature_and_self_signed_verdict() {
    use SelfSigned::*;
    /// File, key type, bits, curve, signature name, self-signed verdict.
    type Case = (
        &'static str,
        KeyType,
        u32,
        Option<&'static str>,
        &'static str,
        SelfSigned,
    );
    let cases: [Case; 11] = [
        (
            "rsa-pss",
            KeyType::RsaPss,
            2048,
            None,
            "rsassaPss (sha256, mgf1 with sha256, salt 32)",
            Yes,
        ),
        (
            "p521",
            KeyType::Ec,
            521,
            Some("P-521"),
            "ecdsa-with-SHA512",
            Yes,
        ),
        (
            "p256-sha1",
            KeyType::Ec,
            256,
            Some("P-256"),
            "ecdsa-with-SHA1",
            Yes,
        ),
        ("dsa", KeyType::Dsa, 2048, None, "dsa_with_SHA256", Yes),
        ("ed25519", KeyType::Ed25519, 256, None, "ED25519", Yes),
        ("ed448", KeyType::Ed448, 456, None, "ED448", Unknown),
        (
            "rsa512",
            KeyType::Rsa,
            512,
            None,
            "sha256WithRSAEncryption",
            Yes,
        ),
        (
            "rsa1024-sha384",
            KeyType::Rsa,
            1024,
            None,
            "sha384WithRSAEncryption",
            Yes,
        ),
        ("md5", KeyType::Rsa, 2048, None, "md5WithRSAEncryption", Yes),
        (
            "self-issued",
            KeyType::Rsa,
            2048,
            None,
            "sha256WithRSAEncryption",
            No,
        ),
        (
            "self-issued-signer",
            KeyType::Rsa,
            2048,
            None,
            "sha256WithRSAEncryption",
            Yes,
        ),
    ];
    for (name, kind, bits, curve, signature, self_signed) in cases {
        let c = testdata(name);
        assert_eq!(c.key.kind, kind, "{name}");
        assert_eq!(c.key.bits, bits, "{name}");
        assert_eq!(c.key.curve.as_deref(), curve, "{name}");
        assert_eq!(c.signature_algorithm, signature, "{name}");
        assert_eq!(c.self_signed, self_signed, "{name}");
    }
    assert!(is_weak_signature(&testdata("md5").signature_algorithm));
    assert!(is_weak_signature(
        &testdata("p256-sha1").signature_algorithm
    ));
    assert!(!is_weak_signature(&testdata("rsa-pss").signature_algorithm));
}

/// A certificate whose subject is its issuer is not self-signed when another key signed it: the signer's key
/// verifies it, its own does not.
#[test]
fn a_self_issued_certificate_signed_by_another_key_is_not_self_signed() {
    let leaf_der = testdata_der("self-issued");
    let signer_der = testdata_der("self-issued-signer");
    let (_, leaf) = X509Certificate::from_der(&leaf_der).unwrap();
    let (_, signer) = X509Certificate::from_der(&signer_der).unwrap();
    assert_eq!(leaf.subject().as_raw(), leaf.issuer().as_raw());
    assert_eq!(verifies(&leaf, leaf.public_key()), Some(false));
    assert_eq!(verifies(&leaf, signer.public_key()), Some(true));
}

/// A changed signature never verifies: the checks are real, not guessed from the algorithm.
#[test]
fn a_changed_signature_is_not_self_signed() {
    for (name, _) in OPENSSL_MADE {
        let mut der = testdata_der(name);
        // The signature BIT STRING ends the certificate: flip a bit of its last byte.
        if let Some(last) = der.last_mut() {
            *last ^= 0x01;
        }
        let c = analyze(&[der], None, None, now()).expect("still parses");
        let want = if name == "ed448" {
            SelfSigned::Unknown
        } else {
            SelfSigned::No
        };
        assert_eq!(c.self_signed, want, "{name}");
    }
}

/// Truncated and bit-flipped certificates never panic; what still parses gets a verdict.
#[test]
fn hostile_certificates_do_not_panic() {
    for (name, _) in OPENSSL_MADE {
        let der = testdata_der(name);
        for cut in (0..der.len()).step_by(5) {
            let _ = analyze(&[der[..cut].to_vec()], Some("x"), None, now());
        }
        // Each flip that still parses costs a verification: a sample of positions, every part of the DER.
        for i in (0..der.len()).step_by(der.len() / 24 + 1) {
            let mut bad = der.clone();
            bad[i] ^= 0x80;
            let _ = analyze(&[bad], Some("x"), None, now());
        }
    }
}

#[test]
fn the_self_signed_verdict_is_a_bool_and_a_new_key_in_json() {
    let c = testdata("ed448");
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["self_signed"], false);
    assert_eq!(json["self_signed_verdict"], "unknown");
    assert_eq!(json["key"]["type"], "Ed448");
    assert_eq!(
        serde_json::from_value::<CertificateReport>(json).unwrap(),
        c
    );
    let json = serde_json::to_value(testdata("rsa-pss")).unwrap();
    assert_eq!(
        (&json["self_signed"], &json["self_signed_verdict"]),
        (&true.into(), &"yes".into())
    );
    assert_eq!(json["key"]["type"], "RSA-PSS");
}

#[test]
fn thumbprints_are_upper_case_hex_of_the_der() {
    let bundle = FixtureCert::Valid.bundle().unwrap();
    let der = bundle.chain_der[0].as_ref().to_vec();
    let c = analyze(std::slice::from_ref(&der), None, None, now()).unwrap();
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
