//! The certificate's public key: its type and size, read from the key itself (the modulus, the curve, the DSA
//! prime), never from names.

use x509_parser::prelude::FromDer;
use x509_parser::public_key::RSAPublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

use crate::model::{KeyInfo, KeyType};

/// rsaEncryption (RFC 8017).
pub const OID_RSA: &str = "1.2.840.113549.1.1.1";
/// id-RSASSA-PSS (RFC 4055): a key type and a signature algorithm.
pub const OID_RSA_PSS: &str = "1.2.840.113549.1.1.10";
/// id-ecPublicKey (RFC 5480).
pub const OID_EC: &str = "1.2.840.10045.2.1";
/// id-dsa (RFC 3279).
pub const OID_DSA: &str = "1.2.840.10040.4.1";
/// id-Ed25519 and id-Ed448 (RFC 8410): key types and signature algorithms.
pub const OID_ED25519: &str = "1.3.101.112";
pub const OID_ED448: &str = "1.3.101.113";

/// The named curves this module knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
}

impl Curve {
    fn from_oid(id: &str) -> Option<Self> {
        Some(match id {
            "1.2.840.10045.3.1.7" => Self::P256,
            "1.3.132.0.34" => Self::P384,
            "1.3.132.0.35" => Self::P521,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::P256 => "P-256",
            Self::P384 => "P-384",
            Self::P521 => "P-521",
        }
    }

    /// The size of the curve's order, in bits: 521 for P-521, though its points take 66 bytes a coordinate.
    pub fn bits(self) -> u32 {
        match self {
            Self::P256 => 256,
            Self::P384 => 384,
            Self::P521 => 521,
        }
    }
}

fn curve_oid(spki: &SubjectPublicKeyInfo<'_>) -> Option<String> {
    spki.algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|o| o.to_id_string())
}

/// The named curve of an EC key, when it is one this module knows.
pub fn curve_of(spki: &SubjectPublicKeyInfo<'_>) -> Option<Curve> {
    Curve::from_oid(&curve_oid(spki)?)
}

/// An RSAPublicKey's modulus and exponent (RFC 8017 A.1.1), big-endian content bytes.
pub fn rsa_public_key(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let (_, key) = RSAPublicKey::from_der(data).ok()?;
    Some((key.modulus, key.exponent))
}

/// The bit length of a non-negative big-endian integer (leading zero bytes allowed).
pub fn integer_bits(bytes: &[u8]) -> u32 {
    let Some(first) = bytes.iter().position(|b| *b != 0) else {
        return 0;
    };
    let bytes_after = u32::try_from(bytes.len() - first - 1).unwrap_or(u32::MAX / 16);
    bytes_after * 8 + (8 - bytes[first].leading_zeros())
}

/// The key's type, size in bits and curve. RSA: the modulus' bit length; EC: the curve's (P-521 is 521); DSA:
/// the prime p's; Ed25519 256, Ed448 456; anything else its OID and 0 bits.
pub fn key_info(spki: &SubjectPublicKeyInfo<'_>) -> KeyInfo {
    let info = |kind, bits, curve| KeyInfo { kind, bits, curve };
    let data = spki.subject_public_key.data.as_ref();
    let id = spki.algorithm.algorithm.to_id_string();
    match id.as_str() {
        OID_RSA | OID_RSA_PSS => {
            let kind = if id == OID_RSA {
                KeyType::Rsa
            } else {
                KeyType::RsaPss
            };
            let bits = rsa_public_key(data).map_or(0, |(n, _)| integer_bits(n));
            info(kind, bits, None)
        }
        OID_EC => match curve_of(spki) {
            Some(c) => info(KeyType::Ec, c.bits(), Some(c.name().to_string())),
            // Another curve: its OID, and the size its uncompressed point implies.
            None => info(
                KeyType::Ec,
                u32::try_from(data.len().saturating_sub(1) / 2 * 8).unwrap_or(0),
                curve_oid(spki),
            ),
        },
        OID_DSA => {
            let p = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|a| x509_parser::der_parser::der::parse_der_integer(a.data).ok())
                .and_then(|(_, p)| p.as_slice().ok().map(integer_bits));
            info(KeyType::Dsa, p.unwrap_or(0), None)
        }
        OID_ED25519 => info(KeyType::Ed25519, 256, None),
        OID_ED448 => info(KeyType::Ed448, 456, None),
        _ => info(KeyType::Other(id), 0, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_bits_counts_from_the_first_set_bit() {
        assert_eq!(integer_bits(&[]), 0);
        assert_eq!(integer_bits(&[0, 0]), 0);
        assert_eq!(integer_bits(&[1]), 1);
        assert_eq!(integer_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(integer_bits(&[0x0F, 0xFF]), 12);
    }
}
