//! Whether the chain the server sent validates to a trusted root, as a client that checks certificates sees it:
//! rustls-webpki for the path (signatures, dates, CA constraints, EKU), the name as `name_matches` checks it
//! (the CN counts when there is no SAN, as Windows counts it). Pure: the roots come in through
//! `AnalysisOptions`, loaded once by the scan layer, and the time from its clock.

use std::time::Duration;

use rustls::pki_types::{CertificateDer, TrustAnchor, UnixTime};
use webpki::{EndEntityCert, Error, ExtendedKeyUsageValidator, KeyPurposeId, KeyPurposeIdIter};

use crate::model::{ChainTrust, RootSource, Trust};

/// The trust anchors a chain is checked against, and where they came from.
#[derive(Debug, Clone)]
pub struct TrustRoots {
    pub source: RootSource,
    anchors: Vec<TrustAnchor<'static>>,
}

impl TrustRoots {
    /// Anchors from DER certificates (a system store, a `--ca-file` bundle); returns how many could not be
    /// used as anchors (unparseable), which are left out.
    pub fn from_certificates(source: RootSource, certs: &[CertificateDer<'_>]) -> (Self, usize) {
        let anchors: Vec<TrustAnchor<'static>> = certs
            .iter()
            .filter_map(|c| {
                webpki::anchor_from_trusted_cert(c)
                    .ok()
                    .map(|a| a.to_owned())
            })
            .collect();
        let skipped = certs.len() - anchors.len();
        (Self { source, anchors }, skipped)
    }

    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}

/// EKU OIDs (DER content) a server certificate for RDP may carry: serverAuth, Remote Desktop Authentication
/// (1.3.6.1.4.1.311.54.1.2), anyExtendedKeyUsage; as the `cert-eku` rule accepts them.
const SERVER_AUTH: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
const REMOTE_DESKTOP_AUTH: &[u8] = &[0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x36, 0x01, 0x02];
const ANY_EKU: &[u8] = &[0x55, 0x1D, 0x25, 0x00];

/// The EKU a certificate in an RDP server's chain must allow, when it has the extension at all; `any` accepts
/// whatever it holds.
struct RdpServerEku {
    any: bool,
}

impl ExtendedKeyUsageValidator for RdpServerEku {
    #[allow(deprecated)] // the context variant's fields are webpki's to fill
    fn validate(&self, iter: KeyPurposeIdIter<'_, '_>) -> Result<(), Error> {
        let allowed = [SERVER_AUTH, REMOTE_DESKTOP_AUTH, ANY_EKU].map(KeyPurposeId::new);
        let mut empty = true;
        for id in iter {
            empty = false;
            if self.any || allowed.contains(&id?) {
                return Ok(());
            }
        }
        if empty {
            Ok(())
        } else {
            Err(Error::RequiredEkuNotFound)
        }
    }
}

/// What the analysis knows of the leaf that the chain's verdict needs.
pub struct Leaf {
    pub not_before: i64,
    pub not_after: i64,
    /// The leaf's EKU allows server authentication (or it has none): the `cert-eku` rule's test.
    pub eku_ok: bool,
    pub name_matches: Option<bool>,
    /// Its own key verifies its signature: no CA issued it.
    pub self_signed: bool,
}

/// The verdict on `chain` (DER, leaf first) against `roots`, at `now` (Unix seconds).
pub fn chain_trust(chain: &[Vec<u8>], leaf: &Leaf, roots: &TrustRoots, now: i64) -> ChainTrust {
    ChainTrust {
        trust: trust(chain, leaf, roots, now),
        roots: roots.source,
    }
}

fn trust(chain: &[Vec<u8>], leaf: &Leaf, roots: &TrustRoots, now: i64) -> Trust {
    if roots.is_empty() {
        return Trust::Unknown(match roots.source {
            RootSource::System => "the system trust store is empty or could not be read".into(),
            RootSource::CaFile => "the CA file holds no usable certificate".into(),
        });
    }
    let Some((leaf_der, rest)) = chain.split_first() else {
        return Trust::Unknown("the server sent no certificate".into());
    };
    let leaf_der = CertificateDer::from(leaf_der.as_slice());
    let end_entity = match EndEntityCert::try_from(&leaf_der) {
        Ok(ee) => ee,
        Err(e) => return Trust::Unknown(format!("the validator cannot read the certificate: {e}")),
    };
    let intermediates: Vec<CertificateDer<'_>> = rest
        .iter()
        .map(|c| CertificateDer::from(c.as_slice()))
        .collect();
    let algorithms = rustls::crypto::ring::default_provider()
        .signature_verification_algorithms
        .all;
    let verify = |at: i64, eku: RdpServerEku| {
        end_entity
            .verify_for_usage(
                algorithms,
                &roots.anchors,
                &intermediates,
                unix_time(at),
                eku,
                None,
                None,
            )
            .map(|_| ())
    };
    let strict = match verify(now, RdpServerEku { any: false }) {
        Ok(()) if leaf.name_matches == Some(false) => {
            return Trust::LeafInvalid("the certificate is not issued for the name checked".into())
        }
        Ok(()) => return Trust::Trusted,
        Err(e) if cannot_check(&e) => return Trust::Unknown(unchecked(&e)),
        Err(e) => e,
    };
    // Again without what the leaf's own fields show (its dates, its EKU): does the rest of the chain hold?
    let at = now.clamp(leaf.not_before, leaf.not_after.max(leaf.not_before));
    match verify(at, RdpServerEku { any: !leaf.eku_ok }) {
        Ok(()) => Trust::LeafInvalid(words(&strict)),
        Err(e) if cannot_check(&e) => Trust::Unknown(unchecked(&e)),
        Err(Error::UnknownIssuer) if leaf.self_signed => Trust::Untrusted(
            "the certificate is self-signed and not among the trusted roots (clients pin its thumbprint)"
                .into(),
        ),
        Err(e) => Trust::Untrusted(words(&e)),
    }
}

fn unix_time(at: i64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(at).unwrap_or(0)))
}

/// The validator (webpki with ring's algorithms, as rustls checks) cannot check a signature in the chain:
/// P-521, DSA, SHA-1, RSA-PSS keys. Not a verdict on the chain.
#[allow(deprecated)]
fn cannot_check(e: &Error) -> bool {
    matches!(
        e,
        Error::UnsupportedSignatureAlgorithm
            | Error::UnsupportedSignatureAlgorithmContext(_)
            | Error::UnsupportedSignatureAlgorithmForPublicKey
            | Error::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
    )
}

fn unchecked(e: &Error) -> String {
    let algorithm = match e {
        Error::UnsupportedSignatureAlgorithmContext(c) => algorithm_name(&c.signature_algorithm_id),
        Error::UnsupportedSignatureAlgorithmForPublicKeyContext(c) => {
            algorithm_name(&c.signature_algorithm_id)
        }
        _ => None,
    };
    let what = algorithm.map_or("a signature in the chain".into(), |a| {
        format!("the {a} signature")
    });
    format!(
        "the validator (rustls-webpki with ring's algorithms, as rustls clients check) cannot check {what} \
with its issuer's key"
    )
}

/// The name of a signature AlgorithmIdentifier given as its DER content (the OID first).
fn algorithm_name(content: &[u8]) -> Option<String> {
    use x509_parser::prelude::FromDer;
    let (_, oid) = x509_parser::oid_registry::Oid::from_der(content).ok()?;
    Some(super::signature::oid_name(&oid))
}

/// Why the chain does not validate, in an administrator's words.
#[allow(deprecated)]
fn words(e: &Error) -> String {
    match e {
        Error::UnknownIssuer => {
            "no path to a trusted root: the issuing CA is not trusted, or the server does \
not send the intermediate certificates"
                .into()
        }
        Error::CertExpired { .. } => "a certificate in the chain has expired".into(),
        Error::CertNotValidYet { .. } => "a certificate in the chain is not valid yet".into(),
        Error::RequiredEkuNotFound | Error::RequiredEkuNotFoundContext(_) => {
            "a certificate in the chain does not allow server authentication (EKU)".into()
        }
        Error::InvalidSignatureForPublicKey => {
            "a signature in the chain does not verify (or its key is an RSA \
key under 2048 bits, which the validator refuses)"
                .into()
        }
        Error::CaUsedAsEndEntity => {
            "the server's certificate is a CA certificate (basic constraints CA:TRUE)".into()
        }
        Error::EndEntityUsedAsCa => {
            "a certificate that is not a CA issued another certificate of the chain".into()
        }
        Error::PathLenConstraintViolated => {
            "the chain is longer than a CA's path length constraint allows".into()
        }
        Error::NameConstraintViolation => "a name violates a CA's name constraints".into(),
        Error::CertDistrusted => "a certificate in the chain is distrusted".into(),
        Error::UnsupportedCriticalExtension => {
            "a certificate in the chain has a critical extension the validator does not know".into()
        }
        Error::UnsupportedCertVersion => "a certificate in the chain is not X.509 version 3".into(),
        other => format!("the chain does not validate: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{chain_of, now, testdata_der};
    use super::super::{analyze, TrustRoots};
    use crate::fixtures::FixtureCert;
    use crate::model::{CertificateReport, RootSource, Trust};
    use rustls::pki_types::CertificateDer;

    fn roots(source: RootSource, certs: &[Vec<u8>]) -> TrustRoots {
        let der: Vec<CertificateDer<'_>> = certs
            .iter()
            .map(|c| CertificateDer::from(c.as_slice()))
            .collect();
        TrustRoots::from_certificates(source, &der).0
    }

    fn verdict(chain: &[Vec<u8>], name: &str, roots: &TrustRoots, at: i64) -> Trust {
        let c: CertificateReport = analyze(chain, Some(name), Some(roots), at).expect("parses");
        c.chain.expect("roots given").trust
    }

    /// The demo CA's chain validates with the CA as `--ca-file`, not with roots that do not hold it.
    #[test]
    fn a_ca_issued_chain_validates_against_its_ca_only() {
        let chain = chain_of(FixtureCert::CaChain);
        let ca_file = roots(RootSource::CaFile, &chain[1..]);
        assert_eq!(
            verdict(&chain, "rdptls-demo", &ca_file, now()),
            Trust::Trusted
        );
        assert_eq!(
            verdict(&chain, "127.0.0.1", &ca_file, now()),
            Trust::Trusted
        );
        // Without the intermediate the server should send, the leaf alone still reaches the root here.
        assert_eq!(
            verdict(&chain[..1], "rdptls-demo", &ca_file, now()),
            Trust::Trusted
        );

        let other = roots(RootSource::CaFile, &chain_of(FixtureCert::Valid));
        match verdict(&chain, "rdptls-demo", &other, now()) {
            Trust::Untrusted(why) => assert!(why.starts_with("no path to a trusted root"), "{why}"),
            t => panic!("{t:?}"),
        }
        // A self-signed certificate outside the roots says so.
        let valid = chain_of(FixtureCert::Valid);
        let ca_only = roots(RootSource::CaFile, &chain[1..]);
        match verdict(&valid, "rdptls-demo", &ca_only, now()) {
            Trust::Untrusted(why) => assert!(why.contains("self-signed"), "{why}"),
            t => panic!("{t:?}"),
        }
    }

    /// The machine's own store (Debian: /etc/ssl/certs) does not hold the demo CA.
    #[test]
    fn a_ca_issued_chain_does_not_validate_against_the_system_roots() {
        let system = crate::scan::load_roots(None).expect("system roots");
        assert_eq!(system.source, RootSource::System);
        let chain = chain_of(FixtureCert::CaChain);
        match verdict(&chain, "rdptls-demo", &system, now()) {
            Trust::Untrusted(_) => assert!(!system.is_empty()),
            Trust::Unknown(why) => assert!(system.is_empty(), "{why}"),
            t => panic!("{t:?}"),
        }
    }

    /// What the leaf's own fields show (the name, its dates) makes the chain invalid, yet it otherwise
    /// reaches the root: other findings say it, not `cert-untrusted`.
    #[test]
    fn a_wrong_name_or_an_expired_leaf_under_a_trusted_root_is_the_leafs_own_problem() {
        let chain = chain_of(FixtureCert::CaChain);
        let ca_file = roots(RootSource::CaFile, &chain[1..]);
        assert_eq!(
            verdict(&chain, "other.example", &ca_file, now()),
            Trust::LeafInvalid("the certificate is not issued for the name checked".into())
        );
        // Two years on, the leaf (one year) has expired, the CA (ten years) has not.
        let later = now() + 2 * 365 * 86_400;
        match verdict(&chain, "rdptls-demo", &ca_file, later) {
            Trust::LeafInvalid(why) => assert!(why.contains("expired"), "{why}"),
            t => panic!("{t:?}"),
        }
        // Expired and under an unknown root: the path is the problem worth its own finding.
        let other = roots(RootSource::CaFile, &chain_of(FixtureCert::Valid));
        assert!(matches!(
            verdict(&chain, "rdptls-demo", &other, later),
            Trust::Untrusted(_)
        ));
    }

    /// A self-signed certificate given as its own root is trusted (a pinned certificate); one the validator
    /// cannot check (P-521 with ring's algorithms) is not decided either way.
    #[test]
    fn pinned_self_signed_certificates_and_algorithms_the_validator_lacks() {
        let valid = chain_of(FixtureCert::Valid);
        let pinned = roots(RootSource::CaFile, &valid);
        assert_eq!(
            verdict(&valid, "rdptls-demo", &pinned, now()),
            Trust::Trusted
        );

        let p521 = vec![testdata_der("p521")];
        let pinned = roots(RootSource::CaFile, &p521);
        match verdict(&p521, "rdptls-p521", &pinned, now()) {
            Trust::Unknown(why) => assert!(why.contains("ecdsa-with-SHA512"), "{why}"),
            t => panic!("{t:?}"),
        }
    }

    #[test]
    fn no_roots_decide_nothing() {
        let chain = chain_of(FixtureCert::CaChain);
        let empty = roots(RootSource::System, &[]);
        assert!(matches!(
            verdict(&chain, "rdptls-demo", &empty, now()),
            Trust::Unknown(_)
        ));
        let (roots, skipped) = TrustRoots::from_certificates(
            RootSource::CaFile,
            &[CertificateDer::from(&[0x30, 0x00][..])],
        );
        assert_eq!((roots.len(), skipped), (0, 1));
    }
}
