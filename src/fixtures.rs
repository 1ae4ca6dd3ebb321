//! Fixture certificates and keys: the committed ones under fixtures/ and the date-relative ones made with rcgen.
//!
//! Keys are committed (rcgen with ring cannot generate RSA keys); every certificate whose dates are relative to
//! "now" is signed at run time, so an "expiring" certificate always has ten days left. The SHA-1 certificate is
//! committed because rcgen cannot sign with SHA-1. See fixtures/README.md for how each file was made.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber, PKCS_RSA_SHA256,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use time::{Duration, OffsetDateTime};

/// PKCS#8 RSA-2048 key used by every RSA-2048 fixture (`openssl genpkey`, fixtures/README.md).
pub const RSA2048_KEY_PEM: &str = include_str!("../fixtures/rsa2048.key.pem");
/// PKCS#8 RSA-1024 key, for the weak-key fixture.
pub const RSA1024_KEY_PEM: &str = include_str!("../fixtures/rsa1024.key.pem");
/// PKCS#8 ECDSA P-256 key; signs the `ca-chain` fixture's CA.
pub const ECDSA_P256_KEY_PEM: &str = include_str!("../fixtures/ecdsa-p256.key.pem");
/// Self-signed sha1WithRSAEncryption certificate over [`RSA2048_KEY_PEM`], valid for 100 years from 2026.
pub const SHA1_CERT_PEM: &str = include_str!("../fixtures/sha1.cert.pem");
/// Self-signed SHA-256 certificate over [`RSA1024_KEY_PEM`], valid for 100 years from 2026. Committed because
/// ring refuses RSA keys under 2048 bits, so rcgen cannot sign with this key (and rustls cannot serve it).
pub const RSA1024_CERT_PEM: &str = include_str!("../fixtures/rsa1024.cert.pem");

/// The host name the `valid` certificate is issued for (also in its SAN, with `localhost` and 127.0.0.1).
pub const DEMO_HOST: &str = "rdptls-demo";
/// The only name in the `wrong-name` certificate.
pub const WRONG_HOST: &str = "other.example";
/// The computer name in the Windows-like `expired` certificate (Windows uses the computer name as CN).
pub const WINDOWS_HOST: &str = "WIN-RDPTLS01";

/// One fixture certificate, named after what is wrong with it (or not).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FixtureCert {
    /// RSA-2048, CN=rdptls-demo, SAN rdptls-demo, localhost, 127.0.0.1; valid from yesterday for a year.
    Valid,
    /// Like the self-signed certificate Windows makes for RDP: CN=WIN-RDPTLS01, no SAN, EKU serverAuth,
    /// 180 days long, expired 40 days ago.
    Expired,
    /// Like `Valid` but with 10 days left.
    Expiring,
    /// Like `Valid` but starting in 30 days.
    NotYetValid,
    /// Valid dates, but issued for other.example only.
    WrongName,
    /// CN/SAN like `Valid` with an RSA-1024 key; committed, valid for 100 years from 2026. ring (so rcgen and
    /// rustls here) refuses RSA keys under 2048 bits: serve it with xrdp or openssl s_server.
    Rsa1024,
    /// A leaf for rdptls-demo signed by "rdptls demo CA" (ECDSA P-256); the chain holds leaf then CA.
    CaChain,
    /// The committed self-signed certificate signed with SHA-1 (sha1WithRSAEncryption).
    Sha1,
}

impl FixtureCert {
    pub const ALL: [Self; 8] = [
        Self::Valid,
        Self::Expired,
        Self::Expiring,
        Self::NotYetValid,
        Self::WrongName,
        Self::Rsa1024,
        Self::CaChain,
        Self::Sha1,
    ];

    /// The stable name used on the command line and as a file stem: `valid`, `not-yet-valid`, ...
    pub fn name(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Expired => "expired",
            Self::Expiring => "expiring",
            Self::NotYetValid => "not-yet-valid",
            Self::WrongName => "wrong-name",
            Self::Rsa1024 => "rsa1024",
            Self::CaChain => "ca-chain",
            Self::Sha1 => "sha1",
        }
    }

    /// One line for `rdptls fixtures` and documentation.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Valid => "RSA-2048, CN/SAN rdptls-demo, localhost, 127.0.0.1; valid for a year",
            Self::Expired => "Windows-like self-signed RDP certificate (CN=WIN-RDPTLS01, no SAN), expired 40 days ago",
            Self::Expiring => "like valid, but expires in 10 days",
            Self::NotYetValid => "like valid, but only valid from 30 days from now",
            Self::WrongName => "valid dates, issued for other.example only",
            Self::Rsa1024 => "CN/SAN rdptls-demo with a 1024-bit RSA key (committed file; rustls cannot serve it)",
            Self::CaChain => "leaf for rdptls-demo signed by a demo CA; served as leaf + CA",
            Self::Sha1 => "self-signed, signed with SHA-1 (committed file)",
        }
    }

    /// Builds the certificate (chain) with dates relative to the current time.
    pub fn bundle(self) -> Result<CertBundle, rcgen::Error> {
        self.bundle_at(OffsetDateTime::now_utc())
    }

    /// Builds the certificate (chain) with dates relative to `now`.
    pub fn bundle_at(self, now: OffsetDateTime) -> Result<CertBundle, rcgen::Error> {
        let day = Duration::days(1);
        match self {
            Self::Valid => demo_leaf(self, RSA2048_KEY_PEM, now - day, now + 365 * day, DEMO_HOST),
            Self::Expiring => demo_leaf(
                self,
                RSA2048_KEY_PEM,
                now - 355 * day,
                now + 10 * day,
                DEMO_HOST,
            ),
            Self::NotYetValid => demo_leaf(
                self,
                RSA2048_KEY_PEM,
                now + 30 * day,
                now + 395 * day,
                DEMO_HOST,
            ),
            Self::WrongName => demo_leaf(
                self,
                RSA2048_KEY_PEM,
                now - day,
                now + 365 * day,
                WRONG_HOST,
            ),
            Self::Expired => {
                let key = rsa_key(RSA2048_KEY_PEM)?;
                let mut params = CertificateParams::default();
                params.distinguished_name = common_name(WINDOWS_HOST);
                params.not_before = now - 220 * day;
                params.not_after = now - 40 * day;
                params.serial_number = Some(serial(self, now));
                // What Windows' "Remote Desktop" self-signed certificate carries.
                params.key_usages = vec![
                    KeyUsagePurpose::KeyEncipherment,
                    KeyUsagePurpose::DataEncipherment,
                ];
                params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
                let cert = params.self_signed(&key)?;
                Ok(CertBundle::new(vec![cert.der().clone()], &key))
            }
            Self::CaChain => {
                let ca_key = KeyPair::from_pem(ECDSA_P256_KEY_PEM)?;
                let mut ca = CertificateParams::default();
                ca.distinguished_name = common_name("rdptls demo CA");
                ca.not_before = now - 2 * day;
                ca.not_after = now + 3650 * day;
                ca.serial_number = Some(serial(self, now - day));
                ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
                ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
                let ca_cert = ca.self_signed(&ca_key)?;
                let issuer = Issuer::new(ca, &ca_key);

                let key = rsa_key(RSA2048_KEY_PEM)?;
                let mut leaf = demo_params(self, now - day, now + 365 * day, DEMO_HOST)?;
                leaf.use_authority_key_identifier_extension = true;
                let leaf_cert = leaf.signed_by(&key, &issuer)?;
                Ok(CertBundle::new(
                    vec![leaf_cert.der().clone(), ca_cert.der().clone()],
                    &key,
                ))
            }
            Self::Sha1 => CertBundle::committed(SHA1_CERT_PEM, RSA2048_KEY_PEM),
            Self::Rsa1024 => CertBundle::committed(RSA1024_CERT_PEM, RSA1024_KEY_PEM),
        }
    }
}

impl fmt::Display for FixtureCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown fixture name; the message lists the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown fixture certificate {0:?} (known: valid, expired, expiring, not-yet-valid, wrong-name, rsa1024, ca-chain, sha1)")]
pub struct UnknownFixture(pub String);

impl FromStr for FixtureCert {
    type Err = UnknownFixture;

    /// Accepts `not-yet-valid` and `not_yet_valid` alike.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL
            .into_iter()
            .find(|c| c.name() == wanted)
            .ok_or_else(|| UnknownFixture(s.to_string()))
    }
}

/// A certificate chain and its private key, in the two forms servers want: PEM files and rustls DER.
#[derive(Debug)]
pub struct CertBundle {
    /// The chain as concatenated PEM blocks, leaf first.
    pub chain_pem: String,
    /// The leaf's private key, PKCS#8 PEM.
    pub key_pem: String,
    /// The chain as DER, leaf first.
    pub chain_der: Vec<CertificateDer<'static>>,
    /// The leaf's private key, PKCS#8 DER.
    pub key_der: PrivateKeyDer<'static>,
}

impl CertBundle {
    fn new(chain_der: Vec<CertificateDer<'static>>, key: &KeyPair) -> Self {
        let chain_pem = chain_der
            .iter()
            .map(|der| pem_block("CERTIFICATE", der))
            .collect();
        Self {
            chain_pem,
            key_pem: key.serialize_pem(),
            chain_der,
            key_der: PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        }
    }

    /// A committed certificate and key, parsed from their PEM text.
    fn committed(cert_pem: &str, key_pem: &str) -> Result<CertBundle, rcgen::Error> {
        let cert = CertificateDer::from_pem_slice(cert_pem.as_bytes())
            .map_err(|_| rcgen::Error::CouldNotParseCertificate)?;
        let key_der = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
            .map_err(|_| rcgen::Error::CouldNotParseKeyPair)?;
        Ok(Self {
            chain_pem: pem_block("CERTIFICATE", &cert),
            key_pem: key_pem.to_string(),
            chain_der: vec![cert],
            key_der,
        })
    }

    /// The leaf certificate's DER.
    pub fn leaf_der(&self) -> &CertificateDer<'static> {
        &self.chain_der[0]
    }
}

impl Clone for CertBundle {
    fn clone(&self) -> Self {
        Self {
            chain_pem: self.chain_pem.clone(),
            key_pem: self.key_pem.clone(),
            chain_der: self.chain_der.clone(),
            key_der: self.key_der.clone_key(),
        }
    }
}

/// Writes every fixture to `dir` (created if missing) as `NAME.cert.pem` (chain, leaf first) and `NAME.key.pem`,
/// plus `ca-chain.ca.pem` holding the demo CA alone. Returns the paths written, in [`FixtureCert::ALL`] order.
pub fn write_all(dir: &Path) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for cert in FixtureCert::ALL {
        let bundle = cert
            .bundle()
            .map_err(|e| io::Error::other(format!("fixture {cert}: {e}")))?;
        let chain = dir.join(format!("{}.cert.pem", cert.name()));
        fs::write(&chain, &bundle.chain_pem)?;
        written.push(chain);
        let key = dir.join(format!("{}.key.pem", cert.name()));
        fs::write(&key, &bundle.key_pem)?;
        written.push(key);
        if let [_, ca, ..] = bundle.chain_der.as_slice() {
            let path = dir.join(format!("{}.ca.pem", cert.name()));
            fs::write(&path, pem_block("CERTIFICATE", ca))?;
            written.push(path);
        }
    }
    Ok(written)
}

fn rsa_key(pem: &str) -> Result<KeyPair, rcgen::Error> {
    KeyPair::from_pem_and_sign_algo(pem, &PKCS_RSA_SHA256)
}

fn common_name(cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    dn
}

/// A distinct serial per fixture and generation time, so no two differing certificates share issuer + serial.
fn serial(cert: FixtureCert, now: OffsetDateTime) -> SerialNumber {
    let index = FixtureCert::ALL
        .iter()
        .position(|c| *c == cert)
        .unwrap_or(0) as u8;
    let mut bytes = vec![0x01, index + 1];
    bytes.extend_from_slice(&now.unix_timestamp().to_be_bytes());
    SerialNumber::from_slice(&bytes)
}

fn demo_params(
    cert: FixtureCert,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    host: &str,
) -> Result<CertificateParams, rcgen::Error> {
    let mut params = CertificateParams::default();
    params.distinguished_name = common_name(host);
    params.subject_alt_names = vec![SanType::DnsName(host.try_into()?)];
    if host == DEMO_HOST {
        params
            .subject_alt_names
            .push(SanType::DnsName("localhost".try_into()?));
        params
            .subject_alt_names
            .push(SanType::IpAddress([127, 0, 0, 1].into()));
    }
    params.not_before = not_before;
    params.not_after = not_after;
    params.serial_number = Some(serial(cert, not_before));
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    Ok(params)
}

fn demo_leaf(
    cert: FixtureCert,
    key_pem: &str,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    host: &str,
) -> Result<CertBundle, rcgen::Error> {
    let key = rsa_key(key_pem)?;
    let params = demo_params(cert, not_before, not_after, host)?;
    let cert = params.self_signed(&key)?;
    Ok(CertBundle::new(vec![cert.der().clone()], &key))
}

/// A PEM block with 64-column base64, as OpenSSL writes it.
fn pem_block(label: &str, der: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::with_capacity(der.len().div_ceil(3) * 4);
    for chunk in der.chunks(3) {
        let n = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                b64.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 0x3f] as char);
            } else {
                b64.push('=');
            }
        }
    }
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::PublicKeyData;
    use x509_parser::prelude::*;

    fn parsed(der: &[u8]) -> X509Certificate<'_> {
        let (rest, cert) = X509Certificate::from_der(der).expect("fixture parses as X.509");
        assert!(rest.is_empty());
        cert
    }

    /// Whole days from `b` to `a`, rounded (certificate times have whole seconds only).
    fn days_between(a: ASN1Time, b: OffsetDateTime) -> i64 {
        ((a.to_datetime() - b).as_seconds_f64() / 86400.0).round() as i64
    }

    #[test]
    fn every_fixture_parses_and_its_pem_matches_its_der() {
        for fixture in FixtureCert::ALL {
            let bundle = fixture
                .bundle()
                .unwrap_or_else(|e| panic!("{fixture}: {e}"));
            assert!(!bundle.chain_der.is_empty(), "{fixture}");
            for der in &bundle.chain_der {
                parsed(der);
            }
            let from_pem: Vec<_> = CertificateDer::pem_slice_iter(bundle.chain_pem.as_bytes())
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(from_pem, bundle.chain_der, "{fixture}");
            let key = PrivateKeyDer::from_pem_slice(bundle.key_pem.as_bytes()).unwrap();
            assert_eq!(key.secret_der(), bundle.key_der.secret_der(), "{fixture}");
            // The leaf's public key is the bundle key's (ring cannot load the RSA-1024 key).
            if fixture != FixtureCert::Rsa1024 {
                let leaf = parsed(&bundle.chain_der[0]);
                let pair = KeyPair::from_pem(&bundle.key_pem).unwrap();
                assert_eq!(
                    leaf.public_key().raw,
                    pair.subject_public_key_info().as_slice(),
                    "{fixture}"
                );
            }
        }
    }

    #[test]
    fn fixture_dates_are_what_their_names_claim() {
        let now = OffsetDateTime::now_utc();
        let cases = [
            (FixtureCert::Valid, -1, 365),
            (FixtureCert::Expired, -220, -40),
            (FixtureCert::Expiring, -355, 10),
            (FixtureCert::NotYetValid, 30, 395),
            (FixtureCert::WrongName, -1, 365),
            (FixtureCert::CaChain, -1, 365),
        ];
        for (fixture, want_nb, want_na) in cases {
            let bundle = fixture.bundle_at(now).unwrap();
            let leaf = parsed(&bundle.chain_der[0]);
            let v = leaf.validity();
            let nb = days_between(v.not_before, now);
            let na = days_between(v.not_after, now);
            assert_eq!(nb, want_nb, "{fixture}: not_before");
            assert_eq!(na, want_na, "{fixture}: not_after");
            let valid_now = v.is_valid_at(ASN1Time::from(now));
            let want = !matches!(fixture, FixtureCert::Expired | FixtureCert::NotYetValid);
            assert_eq!(valid_now, want, "{fixture}");
        }
    }

    #[test]
    fn expired_fixture_is_a_self_signed_windows_like_rdp_certificate() {
        let bundle = FixtureCert::Expired.bundle().unwrap();
        assert_eq!(bundle.chain_der.len(), 1);
        let cert = parsed(&bundle.chain_der[0]);
        assert_eq!(cert.subject(), cert.issuer());
        assert_eq!(
            cert.subject()
                .iter_common_name()
                .next()
                .unwrap()
                .as_str()
                .unwrap(),
            WINDOWS_HOST
        );
        cert.verify_signature(None).expect("self-signed");
        assert!(cert.validity().not_after < ASN1Time::now(), "expired");
        assert!(
            cert.subject_alternative_name().unwrap().is_none(),
            "Windows' RDP certificate has no SAN"
        );
        assert!(
            cert.extended_key_usage()
                .unwrap()
                .unwrap()
                .value
                .server_auth
        );
        assert_eq!(
            cert.signature_algorithm.algorithm,
            x509_parser::oid_registry::OID_PKCS1_SHA256WITHRSA
        );
    }

    #[test]
    fn valid_fixture_names_the_demo_host_localhost_and_loopback() {
        let bundle = FixtureCert::Valid.bundle().unwrap();
        let cert = parsed(&bundle.chain_der[0]);
        let san = cert.subject_alternative_name().unwrap().unwrap();
        let names: Vec<String> = san
            .value
            .general_names
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(
            names,
            [
                "DNSName(rdptls-demo)",
                "DNSName(localhost)",
                "IPAddress(7f:00:00:01)"
            ]
        );
        let key = cert.public_key().parsed().unwrap();
        assert_eq!(key.key_size(), 2048);
    }

    #[test]
    fn key_sizes_signature_algorithms_and_names_differ_where_promised() {
        let rsa1024 = FixtureCert::Rsa1024.bundle().unwrap();
        assert_eq!(
            parsed(&rsa1024.chain_der[0])
                .public_key()
                .parsed()
                .unwrap()
                .key_size(),
            1024
        );

        let sha1 = FixtureCert::Sha1.bundle().unwrap();
        let cert = parsed(&sha1.chain_der[0]);
        assert_eq!(
            cert.signature_algorithm.algorithm,
            x509_parser::oid_registry::OID_PKCS1_SHA1WITHRSA
        );
        cert.verify_signature(None).expect("self-signed");

        let wrong = FixtureCert::WrongName.bundle().unwrap();
        let cert = parsed(&wrong.chain_der[0]);
        let san = cert.subject_alternative_name().unwrap().unwrap();
        assert_eq!(san.value.general_names.len(), 1);
        assert_eq!(
            san.value.general_names[0].to_string(),
            "DNSName(other.example)"
        );
    }

    #[test]
    fn ca_chain_leaf_is_signed_by_the_ca_that_follows_it() {
        let bundle = FixtureCert::CaChain.bundle().unwrap();
        assert_eq!(bundle.chain_der.len(), 2);
        let leaf = parsed(&bundle.chain_der[0]);
        let ca = parsed(&bundle.chain_der[1]);
        assert_eq!(leaf.issuer(), ca.subject());
        assert_ne!(leaf.issuer(), leaf.subject());
        leaf.verify_signature(Some(ca.public_key()))
            .expect("leaf signed by CA");
        ca.verify_signature(None).expect("CA self-signed");
        assert!(ca.is_ca());
        assert!(!leaf.is_ca());
    }

    #[test]
    fn names_round_trip_through_from_str() {
        for fixture in FixtureCert::ALL {
            assert_eq!(fixture.name().parse::<FixtureCert>().unwrap(), fixture);
        }
        assert_eq!(
            "not_yet_valid".parse::<FixtureCert>().unwrap(),
            FixtureCert::NotYetValid
        );
        assert!("bogus".parse::<FixtureCert>().is_err());
    }

    #[test]
    fn write_all_writes_a_cert_and_key_per_fixture() {
        let dir = std::env::temp_dir().join(format!("rdptls-fixtures-test-{}", std::process::id()));
        let paths = write_all(&dir).unwrap();
        assert_eq!(paths.len(), 2 * FixtureCert::ALL.len() + 1);
        for p in &paths {
            let text = fs::read_to_string(p).unwrap();
            assert!(text.starts_with("-----BEGIN "), "{}", p.display());
        }
        let chain = fs::read_to_string(dir.join("ca-chain.cert.pem")).unwrap();
        assert_eq!(chain.matches("BEGIN CERTIFICATE").count(), 2);
        fs::remove_dir_all(&dir).unwrap();
    }
}
