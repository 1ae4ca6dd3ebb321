//! Certificate signatures: the algorithm's name as OpenSSL prints it, and whether a key verifies the signature,
//! for every algorithm a server certificate may carry. ring checks Ed25519; the RustCrypto crates check RSA
//! (PKCS#1 v1.5 with MD5 to SHA-512 at any size from 512 bits, and RSASSA-PSS), ECDSA on P-256, P-384 and P-521
//! with any hash, and DSA, which ring refuses. What neither checks is `None`: never guessed from names.

use rsa::{Pkcs1v15Sign, PublicKey};
use sha2::digest::const_oid::AssociatedOid;
use sha2::digest::{Digest, FixedOutputReset};
use x509_parser::der_parser::der::parse_der_integer;
use x509_parser::oid_registry::Oid;
use x509_parser::prelude::X509Certificate;
use x509_parser::signature_algorithm::RsaSsaPssParams;
use x509_parser::x509::{AlgorithmIdentifier, SubjectPublicKeyInfo};

use super::key::{curve_of, integer_bits, rsa_public_key, Curve, OID_DSA, OID_EC, OID_ED25519};
use super::key::{OID_ED448, OID_RSA, OID_RSA_PSS};

/// RSA moduli and DSA parameters outside these sizes (bits) are not checked (`None`): larger ones are work a
/// hostile certificate could make unbounded, smaller ones are not keys at all (real keys: RSA 512 to 16384,
/// DSA p 1024 to 3072 with q 160 to 256).
const RSA_BITS: std::ops::RangeInclusive<u32> = 256..=16_384;
const DSA_P_BITS: std::ops::RangeInclusive<u32> = 512..=8_192;
const DSA_Q_BITS: std::ops::RangeInclusive<u32> = 160..=512;

/// A digest a signature is made over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn from_oid(id: &str) -> Option<Self> {
        Some(match id {
            "1.2.840.113549.2.5" => Self::Md5,
            "1.3.14.3.2.26" => Self::Sha1,
            "2.16.840.1.101.3.4.2.4" => Self::Sha224,
            "2.16.840.1.101.3.4.2.1" => Self::Sha256,
            "2.16.840.1.101.3.4.2.2" => Self::Sha384,
            "2.16.840.1.101.3.4.2.3" => Self::Sha512,
            _ => return None,
        })
    }

    /// OpenSSL's name, e.g. `sha256`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::Sha1 => "sha1",
            Self::Sha224 => "sha224",
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Md5 => md5::Md5::digest(data).to_vec(),
            Self::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Self::Sha224 => sha2::Sha224::digest(data).to_vec(),
            Self::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Self::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Self::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

/// The kind of key that makes a signature: a key of another family cannot have made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Rsa,
    Ec,
    Dsa,
    Ed25519,
    Ed448,
}

/// What a certificate's signatureAlgorithm says, as far as checking it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    RsaPkcs1(Hash),
    /// RSASSA-PSS (RFC 4055): the message hash, MGF1's hash, the salt length.
    RsaPss {
        hash: Hash,
        mgf1: Hash,
        salt: u32,
    },
    Ecdsa(Hash),
    Dsa(Hash),
    Ed25519,
}

impl Scheme {
    fn family(self) -> Family {
        match self {
            Self::RsaPkcs1(_) | Self::RsaPss { .. } => Family::Rsa,
            Self::Ecdsa(_) => Family::Ec,
            Self::Dsa(_) => Family::Dsa,
            Self::Ed25519 => Family::Ed25519,
        }
    }
}

/// A signature algorithm: one checked here, one known only by the family of key that makes it (MD2, SHA-3,
/// Ed448, unusual PSS parameters), or unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algorithm {
    Checked(Scheme),
    Known(Family),
    Unknown,
}

fn algorithm(alg: &AlgorithmIdentifier<'_>) -> Algorithm {
    use Hash::*;
    let id = alg.algorithm.to_id_string();
    let scheme = match id.as_str() {
        "1.2.840.113549.1.1.4" => Scheme::RsaPkcs1(Md5),
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => Scheme::RsaPkcs1(Sha1),
        "1.2.840.113549.1.1.14" => Scheme::RsaPkcs1(Sha224),
        "1.2.840.113549.1.1.11" => Scheme::RsaPkcs1(Sha256),
        "1.2.840.113549.1.1.12" => Scheme::RsaPkcs1(Sha384),
        "1.2.840.113549.1.1.13" => Scheme::RsaPkcs1(Sha512),
        OID_RSA_PSS => {
            return pss_scheme(alg).map_or(Algorithm::Known(Family::Rsa), Algorithm::Checked)
        }
        "1.2.840.10045.4.1" => Scheme::Ecdsa(Sha1),
        "1.2.840.10045.4.3.1" => Scheme::Ecdsa(Sha224),
        "1.2.840.10045.4.3.2" => Scheme::Ecdsa(Sha256),
        "1.2.840.10045.4.3.3" => Scheme::Ecdsa(Sha384),
        "1.2.840.10045.4.3.4" => Scheme::Ecdsa(Sha512),
        "1.2.840.10040.4.3" => Scheme::Dsa(Sha1),
        "2.16.840.1.101.3.4.3.1" => Scheme::Dsa(Sha224),
        "2.16.840.1.101.3.4.3.2" => Scheme::Dsa(Sha256),
        "2.16.840.1.101.3.4.3.3" => Scheme::Dsa(Sha384),
        "2.16.840.1.101.3.4.3.4" => Scheme::Dsa(Sha512),
        OID_ED25519 => Scheme::Ed25519,
        OID_ED448 => return Algorithm::Known(Family::Ed448),
        // PKCS#1 (MD2, MD4, SHA-512/224, SHA-512/256), ANSI X9.62 and the NIST SHA-3 signatures: known families.
        o if o.starts_with("1.2.840.113549.1.1.") => return Algorithm::Known(Family::Rsa),
        o if o.starts_with("1.2.840.10045.4.") => return Algorithm::Known(Family::Ec),
        "2.16.840.1.101.3.4.3.5"
        | "2.16.840.1.101.3.4.3.6"
        | "2.16.840.1.101.3.4.3.7"
        | "2.16.840.1.101.3.4.3.8" => return Algorithm::Known(Family::Dsa),
        "2.16.840.1.101.3.4.3.9"
        | "2.16.840.1.101.3.4.3.10"
        | "2.16.840.1.101.3.4.3.11"
        | "2.16.840.1.101.3.4.3.12" => return Algorithm::Known(Family::Ec),
        "2.16.840.1.101.3.4.3.13"
        | "2.16.840.1.101.3.4.3.14"
        | "2.16.840.1.101.3.4.3.15"
        | "2.16.840.1.101.3.4.3.16" => return Algorithm::Known(Family::Rsa),
        _ => return Algorithm::Unknown,
    };
    Algorithm::Checked(scheme)
}

/// RSASSA-PSS parameters (RFC 4055 3.1; absent means SHA-1, MGF1 with SHA-1, salt 20), when they are ones this
/// module checks: a known hash, MGF1 with a known hash, trailer field 1.
fn pss_scheme(alg: &AlgorithmIdentifier<'_>) -> Option<Scheme> {
    let Some(any) = alg.parameters.as_ref() else {
        return Some(Scheme::RsaPss {
            hash: Hash::Sha1,
            mgf1: Hash::Sha1,
            salt: 20,
        });
    };
    let params = RsaSsaPssParams::try_from(any).ok()?;
    let mgf = params.mask_gen_algorithm().ok()?;
    if mgf.mgf.to_id_string() != "1.2.840.113549.1.1.8" || params.trailer_field() != 1 {
        return None;
    }
    Some(Scheme::RsaPss {
        hash: Hash::from_oid(&params.hash_algorithm_oid().to_id_string())?,
        mgf1: Hash::from_oid(&mgf.hash.to_id_string())?,
        salt: params.salt_length(),
    })
}

/// OpenSSL's name for a certificate's signature algorithm (`openssl x509 -text`), or the OID. RSASSA-PSS adds
/// its parameters, as OpenSSL prints them under the name: `rsassaPss (sha256, mgf1 with sha256, salt 32)`.
pub fn signature_algorithm_name(alg: &AlgorithmIdentifier<'_>) -> String {
    let id = alg.algorithm.to_id_string();
    if id == OID_RSA_PSS {
        return match pss_scheme(alg) {
            Some(Scheme::RsaPss { hash, mgf1, salt }) => format!(
                "rsassaPss ({}, mgf1 with {}, salt {salt})",
                hash.name(),
                mgf1.name()
            ),
            _ => "rsassaPss".into(),
        };
    }
    oid_name(&alg.algorithm)
}

/// OpenSSL's name for a signature algorithm OID, or the OID.
pub fn oid_name(oid: &Oid<'_>) -> String {
    let id = oid.to_id_string();
    match id.as_str() {
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.3.14.3.2.29" => "sha1WithRSA",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.2.840.10040.4.3" => "dsaWithSHA1",
        "2.16.840.1.101.3.4.3.1" => "dsa_with_SHA224",
        "2.16.840.1.101.3.4.3.2" => "dsa_with_SHA256",
        "2.16.840.1.101.3.4.3.3" => "dsa_with_SHA384",
        "2.16.840.1.101.3.4.3.4" => "dsa_with_SHA512",
        OID_ED25519 => "ED25519",
        OID_ED448 => "ED448",
        _ => return id,
    }
    .to_string()
}

/// A key, ready to verify with.
enum Key {
    Rsa(PublicKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
    Dsa(dsa::VerifyingKey),
    Ed25519(Vec<u8>),
}

/// An issuer's key: usable, of a known family but not checked here (an unusual curve, Ed448, beyond the size
/// bounds), of a known family but malformed (it verifies nothing), or unknown.
enum IssuerKey {
    Usable(Family, Key),
    Unchecked(Family),
    Malformed(Family),
    Unknown,
}

fn issuer_key(spki: &SubjectPublicKeyInfo<'_>) -> IssuerKey {
    let data = spki.subject_public_key.data.as_ref();
    match spki.algorithm.algorithm.to_id_string().as_str() {
        OID_RSA | OID_RSA_PSS => rsa_key(data),
        OID_EC => {
            let key = match curve_of(spki) {
                Some(Curve::P256) => {
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(data).map(Key::P256)
                }
                Some(Curve::P384) => {
                    p384::ecdsa::VerifyingKey::from_sec1_bytes(data).map(Key::P384)
                }
                Some(Curve::P521) => {
                    p521::ecdsa::VerifyingKey::from_sec1_bytes(data).map(Key::P521)
                }
                None => return IssuerKey::Unchecked(Family::Ec),
            };
            key.map_or(IssuerKey::Malformed(Family::Ec), |k| {
                IssuerKey::Usable(Family::Ec, k)
            })
        }
        OID_DSA => dsa_key(spki),
        OID_ED25519 if data.len() == 32 => {
            IssuerKey::Usable(Family::Ed25519, Key::Ed25519(data.to_vec()))
        }
        OID_ED25519 => IssuerKey::Malformed(Family::Ed25519),
        OID_ED448 => IssuerKey::Unchecked(Family::Ed448),
        _ => IssuerKey::Unknown,
    }
}

fn rsa_key(data: &[u8]) -> IssuerKey {
    let Some((n, e)) = rsa_public_key(data) else {
        return IssuerKey::Malformed(Family::Rsa);
    };
    if !RSA_BITS.contains(&integer_bits(n)) {
        return IssuerKey::Unchecked(Family::Rsa);
    }
    let n = rsa::BoxedUint::from_be_slice_vartime(n);
    let e = rsa::BoxedUint::from_be_slice_vartime(e);
    // Any real size: the verdict is about who signed, not whether the key is strong.
    let sizes = *RSA_BITS.start() as usize..=*RSA_BITS.end() as usize;
    match PublicKey::new_with_size_limits(n, e, sizes) {
        Ok(key) => IssuerKey::Usable(Family::Rsa, Key::Rsa(key)),
        Err(_) => IssuerKey::Malformed(Family::Rsa),
    }
}

/// A DSA key: y in the bit string, p, q, g in the algorithm's parameters (RFC 3279 2.3.2).
fn dsa_key(spki: &SubjectPublicKeyInfo<'_>) -> IssuerKey {
    // Without parameters, the key inherits its issuer's (RFC 3279 2.3.2): not checked here.
    let Some(params) = spki.algorithm.parameters.as_ref() else {
        return IssuerKey::Unchecked(Family::Dsa);
    };
    let Some((p, q, g)) = Some(params).and_then(|a| {
        let (rest, p) = integer(a.data)?;
        let (rest, q) = integer(rest)?;
        let (_, g) = integer(rest)?;
        Some((p, q, g))
    }) else {
        return IssuerKey::Malformed(Family::Dsa);
    };
    let Some((_, y)) = integer(spki.subject_public_key.data.as_ref()) else {
        return IssuerKey::Malformed(Family::Dsa);
    };
    let (p_bits, q_bits) = (integer_bits(p), integer_bits(q));
    if !DSA_P_BITS.contains(&p_bits) || !DSA_Q_BITS.contains(&q_bits) {
        return IssuerKey::Unchecked(Family::Dsa);
    }
    if q_bits >= p_bits {
        // q divides p - 1: the dsa crate's arithmetic assumes q fits in p's precision.
        return IssuerKey::Malformed(Family::Dsa);
    }
    // p, g and y share one precision, as the modular arithmetic requires; q has its own.
    let p = rsa::BoxedUint::from_be_slice_vartime(strip_zeros(p));
    let precision = p.bits_precision();
    let same = |v: &[u8]| rsa::BoxedUint::from_be_slice(strip_zeros(v), precision).ok();
    let (Some(g), Some(y)) = (same(g), same(y)) else {
        return IssuerKey::Malformed(Family::Dsa);
    };
    let q = rsa::BoxedUint::from_be_slice_vartime(strip_zeros(q));
    dsa::Components::from_components_unchecked(p, q, g)
        .and_then(|c| dsa::VerifyingKey::from_components(c, y))
        .map_or(IssuerKey::Malformed(Family::Dsa), |k| {
            IssuerKey::Usable(Family::Dsa, Key::Dsa(k))
        })
}

/// One DER INTEGER's content bytes, and what follows it.
fn integer(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let (rest, obj) = parse_der_integer(input).ok()?;
    Some((rest, obj.as_slice().ok()?))
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// Whether `issuer`'s key verifies `cert`'s signature: `Some(false)` also when the key is of a family that
/// cannot make that signature (an ECDSA signature and an RSA key); `None` when it cannot be checked here.
pub fn verifies(cert: &X509Certificate<'_>, issuer: &SubjectPublicKeyInfo<'_>) -> Option<bool> {
    let algorithm = algorithm(&cert.signature_algorithm);
    let key = issuer_key(issuer);
    let key_family = match &key {
        IssuerKey::Usable(f, _) | IssuerKey::Unchecked(f) | IssuerKey::Malformed(f) => *f,
        IssuerKey::Unknown => return None,
    };
    let scheme = match algorithm {
        Algorithm::Unknown => return None,
        Algorithm::Known(f) => return (f != key_family).then_some(false),
        Algorithm::Checked(s) if s.family() != key_family => return Some(false),
        Algorithm::Checked(s) => s,
    };
    let key = match key {
        IssuerKey::Usable(_, k) => k,
        IssuerKey::Malformed(_) => return Some(false),
        IssuerKey::Unchecked(_) | IssuerKey::Unknown => return None,
    };
    check(
        &key,
        scheme,
        cert.tbs_certificate.as_ref(),
        cert.signature_value.data.as_ref(),
    )
}

fn check(key: &Key, scheme: Scheme, message: &[u8], signature: &[u8]) -> Option<bool> {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    Some(match (key, scheme) {
        (Key::Rsa(k), Scheme::RsaPkcs1(hash)) => rsa_pkcs1(k, hash, message, signature),
        (Key::Rsa(k), Scheme::RsaPss { hash, mgf1, salt }) => {
            // The rsa crate's PSS uses one digest for the message and MGF1.
            if hash != mgf1 {
                return None;
            }
            rsa_pss(k, hash, salt as usize, message, signature)
        }
        (Key::P256(k), Scheme::Ecdsa(hash)) => p256::ecdsa::Signature::from_der(signature)
            .is_ok_and(|s| k.verify_prehash(&hash.digest(message), &s).is_ok()),
        (Key::P384(k), Scheme::Ecdsa(hash)) => p384::ecdsa::Signature::from_der(signature)
            .is_ok_and(|s| k.verify_prehash(&hash.digest(message), &s).is_ok()),
        (Key::P521(k), Scheme::Ecdsa(hash)) => p521::ecdsa::Signature::from_der(signature)
            .is_ok_and(|s| k.verify_prehash(&hash.digest(message), &s).is_ok()),
        (Key::Dsa(k), Scheme::Dsa(hash)) => dsa::Signature::try_from(signature)
            .is_ok_and(|s| k.verify_prehash(&hash.digest(message), &s).is_ok()),
        (Key::Ed25519(k), Scheme::Ed25519) => {
            ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, k)
                .verify(message, signature)
                .is_ok()
        }
        // Families were matched before: nothing else pairs up.
        _ => false,
    })
}

fn rsa_pkcs1(key: &PublicKey, hash: Hash, message: &[u8], signature: &[u8]) -> bool {
    fn with<D: Digest + AssociatedOid>(key: &PublicKey, message: &[u8], signature: &[u8]) -> bool {
        key.verify(Pkcs1v15Sign::new::<D>(), &D::digest(message), signature)
            .is_ok()
    }
    match hash {
        Hash::Md5 => with::<md5::Md5>(key, message, signature),
        Hash::Sha1 => with::<sha1::Sha1>(key, message, signature),
        Hash::Sha224 => with::<sha2::Sha224>(key, message, signature),
        Hash::Sha256 => with::<sha2::Sha256>(key, message, signature),
        Hash::Sha384 => with::<sha2::Sha384>(key, message, signature),
        Hash::Sha512 => with::<sha2::Sha512>(key, message, signature),
    }
}

fn rsa_pss(key: &PublicKey, hash: Hash, salt: usize, message: &[u8], signature: &[u8]) -> bool {
    fn with<D: Digest + FixedOutputReset>(
        key: &PublicKey,
        salt: usize,
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        key.verify(
            rsa::pss::Pss::<D>::new_with_salt(salt),
            &D::digest(message),
            signature,
        )
        .is_ok()
    }
    match hash {
        Hash::Md5 => with::<md5::Md5>(key, salt, message, signature),
        Hash::Sha1 => with::<sha1::Sha1>(key, salt, message, signature),
        Hash::Sha224 => with::<sha2::Sha224>(key, salt, message, signature),
        Hash::Sha256 => with::<sha2::Sha256>(key, salt, message, signature),
        Hash::Sha384 => with::<sha2::Sha384>(key, salt, message, signature),
        Hash::Sha512 => with::<sha2::Sha512>(key, salt, message, signature),
    }
}
