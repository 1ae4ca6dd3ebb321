//! The server certificate of standard RDP security (MS-RDPBCGR 2.2.1.4.3.1): a proprietary certificate signed
//! with the well-known Terminal Services signing key (5.3.3.1), or an X.509 chain (5.3.3.2). The signing key's
//! private exponent is published in 5.3.3.1.1, so anyone can sign: the check only tells a well-formed
//! certificate from a broken one, never who made it.

use md5::{Digest, Md5};
use rsa::BoxedUint;

use crate::wire::reader::{DecodeError, Reader};
use crate::wire::writer::{u16_len, u32_len, EncodeError};

/// The Terminal Services signing key's modulus `n`, little-endian, MS-RDPBCGR 5.3.3.1.1.
pub const TS_SIGNING_MODULUS: [u8; 64] = [
    0x3d, 0x3a, 0x5e, 0xbd, 0x72, 0x43, 0x3e, 0xc9, 0x4d, 0xbb, 0xc1, 0x1e, 0x4a, 0xba, 0x5f, 0xcb,
    0x3e, 0x88, 0x20, 0x87, 0xef, 0xf5, 0xc1, 0xe2, 0xd7, 0xb7, 0x6b, 0x9a, 0xf2, 0x52, 0x45, 0x95,
    0xce, 0x63, 0x65, 0x6b, 0x58, 0x3a, 0xfe, 0xef, 0x7c, 0xe7, 0xbf, 0xfe, 0x3d, 0xf6, 0x5c, 0x7d,
    0x6c, 0x5e, 0x06, 0x09, 0x1a, 0xf5, 0x61, 0xbb, 0x20, 0x93, 0x09, 0x5f, 0x05, 0x6d, 0xea, 0x87,
];
/// Its public exponent `e`, little-endian, MS-RDPBCGR 5.3.3.1.1.
const TS_SIGNING_EXPONENT: [u8; 4] = [0x5b, 0x7b, 0x88, 0xc0];
/// Its private exponent `d`, little-endian, published in MS-RDPBCGR 5.3.3.1.1.
const TS_SIGNING_PRIVATE_EXPONENT: [u8; 64] = [
    0x87, 0xa7, 0x19, 0x32, 0xda, 0x11, 0x87, 0x55, 0x58, 0x00, 0x16, 0x16, 0x25, 0x65, 0x68, 0xf8,
    0x24, 0x3e, 0xe6, 0xfa, 0xe9, 0x67, 0x49, 0x94, 0xcf, 0x92, 0xcc, 0x33, 0x99, 0xe8, 0x08, 0x60,
    0x17, 0x9a, 0x12, 0x9f, 0x24, 0xdd, 0xb1, 0x24, 0x99, 0xc7, 0x3a, 0xb8, 0x0a, 0x7b, 0x0d, 0xdd,
    0x35, 0x07, 0x79, 0x17, 0x0b, 0x51, 0x9b, 0xb3, 0xc7, 0x10, 0x01, 0x13, 0xe7, 0x3f, 0xf3, 0x5f,
];
/// `magic` of RSA_PUBLIC_KEY: "RSA1".
pub const RSA1_MAGIC: u32 = 0x3141_5352;
/// CERT_CHAIN_VERSION_1 and CERT_CHAIN_VERSION_2 (the low 31 bits of `dwVersion`).
const CERT_CHAIN_VERSION_1: u32 = 1;
const CERT_CHAIN_VERSION_2: u32 = 2;
/// The top bit of `dwVersion`: a temporary certificate (`t`).
const CERT_TEMPORARY: u32 = 0x8000_0000;
/// BB_RSA_KEY_BLOB and BB_RSA_SIGNATURE_BLOB.
const BB_RSA_KEY_BLOB: u16 = 0x0006;
const BB_RSA_SIGNATURE_BLOB: u16 = 0x0008;
/// The fixed part of RSA_PUBLIC_KEY before the modulus: magic, keylen, bitlen, datalen, pubExp.
const RSA_KEY_HEADER: usize = 20;

/// `serverCertificate`, MS-RDPBCGR 2.2.1.4.3.1.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ServerCertificate {
    Proprietary(ProprietaryCertificate),
    X509(X509Chain),
    /// Another `dwVersion`, kept as sent (after `dwVersion`).
    Unknown {
        version: u32,
        data: Vec<u8>,
    },
}

/// PROPRIETARYSERVERCERTIFICATE, MS-RDPBCGR 2.2.1.4.3.1.1.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ProprietaryCertificate {
    /// The `t` bit of `dwVersion`.
    pub temporary: bool,
    /// `dwSigAlgId`: 1 (SIGNATURE_ALG_RSA).
    pub sig_alg_id: u32,
    /// `dwKeyAlgId`: 1 (KEY_EXCHANGE_ALG_RSA).
    pub key_alg_id: u32,
    pub public_key_blob_type: u16,
    pub public_key: RsaPublicKeyBlob,
    pub signature_blob_type: u16,
    /// `SignatureBlob`: the signature, little-endian, with 8 zero bytes of padding.
    pub signature: Vec<u8>,
}

/// RSA_PUBLIC_KEY, MS-RDPBCGR 2.2.1.4.3.1.1.1.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RsaPublicKeyBlob {
    pub magic: u32,
    /// `keylen`: the modulus' length in bytes, its 8 bytes of padding included.
    pub keylen: u32,
    /// `bitlen`: the key size in bits.
    pub bitlen: u32,
    /// `datalen`: the most bytes one encryption can carry, bitlen / 8 - 1.
    pub datalen: u32,
    pub pub_exp: u32,
    /// `modulus`, little-endian, as sent (padding included).
    pub modulus: Vec<u8>,
}

/// An X.509 certificate chain, MS-RDPBCGR 2.2.1.4.3.1 with `dwVersion` 2 (5.3.3.2): root first, leaf last.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct X509Chain {
    pub temporary: bool,
    /// DER certificates, in the order sent.
    pub certificates: Vec<Vec<u8>>,
    /// The padding after the chain (8 + 4 × NumCertBlobs bytes), kept as sent.
    pub padding: Vec<u8>,
}

const CERT: &str = "SERVER_CERTIFICATE";

impl ServerCertificate {
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(CERT, bytes);
        let version = r.u32_le("dwVersion")?;
        let temporary = version & CERT_TEMPORARY != 0;
        match version & !CERT_TEMPORARY {
            CERT_CHAIN_VERSION_1 => Ok(Self::Proprietary(ProprietaryCertificate::decode_body(
                temporary, &mut r,
            )?)),
            CERT_CHAIN_VERSION_2 => {
                let count = r.u32_le("NumCertBlobs")? as usize;
                // Each blob takes at least its 4-byte length: a count beyond that is a lie, not an allocation.
                if count > r.remaining() / 4 {
                    return Err(r.invalid(
                        "NumCertBlobs",
                        format!("{count} blobs in {} bytes", r.remaining()),
                    ));
                }
                let mut certificates = Vec::with_capacity(count);
                for _ in 0..count {
                    let n = r.u32_le("cbCert")? as usize;
                    certificates.push(r.take("abCert", n)?.to_vec());
                }
                Ok(Self::X509(X509Chain {
                    temporary,
                    certificates,
                    padding: r.rest().to_vec(),
                }))
            }
            _ => Ok(Self::Unknown {
                version,
                data: r.rest().to_vec(),
            }),
        }
    }

    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        match self {
            Self::Proprietary(p) => p.encode(),
            Self::X509(chain) => {
                let mut out = version(CERT_CHAIN_VERSION_2, chain.temporary)
                    .to_le_bytes()
                    .to_vec();
                let count = u32_len(CERT, "NumCertBlobs", chain.certificates.len())?;
                out.extend_from_slice(&count.to_le_bytes());
                for c in &chain.certificates {
                    out.extend_from_slice(&u32_len(CERT, "cbCert", c.len())?.to_le_bytes());
                    out.extend_from_slice(c);
                }
                out.extend_from_slice(&chain.padding);
                Ok(out)
            }
            Self::Unknown { version, data } => {
                let mut out = version.to_le_bytes().to_vec();
                out.extend_from_slice(data);
                Ok(out)
            }
        }
    }

    /// The key size in bits: the proprietary key's `bitlen`, or the X.509 leaf's RSA key.
    pub fn key_bits(&self) -> Option<u32> {
        match self {
            Self::Proprietary(p) => Some(p.public_key.bitlen),
            Self::X509(chain) => {
                let leaf = chain.certificates.last()?;
                let (_, cert) = x509_parser::parse_x509_certificate(leaf).ok()?;
                let bits = cert.public_key().parsed().ok()?.key_size();
                u32::try_from(bits).ok()
            }
            Self::Unknown { .. } => None,
        }
    }
}

fn version(v: u32, temporary: bool) -> u32 {
    if temporary {
        v | CERT_TEMPORARY
    } else {
        v
    }
}

impl ProprietaryCertificate {
    /// A certificate for `modulus` (little-endian, without padding) and `pub_exp`, signed with the Terminal
    /// Services signing key: what a fixture server presents.
    pub fn signed(modulus: &[u8], pub_exp: u32) -> Result<Self, EncodeError> {
        let bits = u32_len(CERT, "bitlen", modulus.len().saturating_mul(8))?;
        let mut padded = modulus.to_vec();
        padded.extend_from_slice(&[0; 8]);
        let mut cert = Self {
            temporary: false,
            sig_alg_id: 1,
            key_alg_id: 1,
            public_key_blob_type: BB_RSA_KEY_BLOB,
            public_key: RsaPublicKeyBlob {
                magic: RSA1_MAGIC,
                keylen: u32_len(CERT, "keylen", padded.len())?,
                bitlen: bits,
                datalen: (bits / 8).saturating_sub(1),
                pub_exp,
                modulus: padded,
            },
            signature_blob_type: BB_RSA_SIGNATURE_BLOB,
            signature: Vec::new(),
        };
        cert.sign()?;
        Ok(cert)
    }

    /// Signs the certificate with the published Terminal Services private key (MS-RDPBCGR 5.3.3.1.2).
    pub fn sign(&mut self) -> Result<(), EncodeError> {
        let m = padded_hash(&self.signed_bytes()?);
        let s = pow_mod(&m, &TS_SIGNING_PRIVATE_EXPONENT)
            .ok_or_else(|| EncodeError::invalid(CERT, "SignatureBlob", "cannot sign"))?;
        let mut sig = s;
        sig.extend_from_slice(&[0; 8]);
        self.signature = sig;
        Ok(())
    }

    /// Whether `SignatureBlob` is the Terminal Services signing key's signature over the first six fields
    /// (MS-RDPBCGR 5.3.3.1.2): s^e mod n must be the MD5 hash, `00`, `FF` × 45, `01`, little-endian.
    pub fn signature_ok(&self) -> bool {
        let Ok(signed) = self.signed_bytes() else {
            return false;
        };
        let expected = padded_hash(&signed);
        // 64 signature bytes, then only zero padding.
        if self.signature.len() < 64 || self.signature[64..].iter().any(|b| *b != 0) {
            return false;
        }
        let Some(m) = pow_mod(&self.signature[..64], &TS_SIGNING_EXPONENT) else {
            return false;
        };
        m.len() >= expected.len()
            && m[..expected.len()] == expected
            && m[expected.len()..].iter().all(|b| *b == 0)
    }

    /// The bytes the signature covers: `dwVersion` through `PublicKeyBlob`.
    pub fn signed_bytes(&self) -> Result<Vec<u8>, EncodeError> {
        let blob = self.public_key.encode();
        let blob_len = u16_len(CERT, "wPublicKeyBlobLen", blob.len())?;
        let mut out = Vec::with_capacity(16 + blob.len());
        out.extend_from_slice(&version(CERT_CHAIN_VERSION_1, self.temporary).to_le_bytes());
        out.extend_from_slice(&self.sig_alg_id.to_le_bytes());
        out.extend_from_slice(&self.key_alg_id.to_le_bytes());
        out.extend_from_slice(&self.public_key_blob_type.to_le_bytes());
        out.extend_from_slice(&blob_len.to_le_bytes());
        out.extend_from_slice(&blob);
        Ok(out)
    }

    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = self.signed_bytes()?;
        out.extend_from_slice(&self.signature_blob_type.to_le_bytes());
        let len = u16_len(CERT, "wSignatureBlobLen", self.signature.len())?;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&self.signature);
        Ok(out)
    }

    fn decode_body(temporary: bool, r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let sig_alg_id = r.u32_le("dwSigAlgId")?;
        let key_alg_id = r.u32_le("dwKeyAlgId")?;
        let public_key_blob_type = r.u16_le("wPublicKeyBlobType")?;
        let n = usize::from(r.u16_le("wPublicKeyBlobLen")?);
        let mut blob = r.sub("PublicKeyBlob", n)?;
        let magic = blob.u32_le("magic")?;
        if magic != RSA1_MAGIC {
            return Err(blob.invalid("magic", format!("0x{magic:08x} is not RSA1")));
        }
        let keylen = blob.u32_le("keylen")?;
        let bitlen = blob.u32_le("bitlen")?;
        let datalen = blob.u32_le("datalen")?;
        let pub_exp = blob.u32_le("pubExp")?;
        let modulus = blob.rest().to_vec();
        let signature_blob_type = r.u16_le("wSignatureBlobType")?;
        let n = usize::from(r.u16_le("wSignatureBlobLen")?);
        let signature = r.take("SignatureBlob", n)?.to_vec();
        r.expect_end("SignatureBlob")?;
        Ok(Self {
            temporary,
            sig_alg_id,
            key_alg_id,
            public_key_blob_type,
            public_key: RsaPublicKeyBlob {
                magic,
                keylen,
                bitlen,
                datalen,
                pub_exp,
                modulus,
            },
            signature_blob_type,
            signature,
        })
    }
}

impl RsaPublicKeyBlob {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(RSA_KEY_HEADER + self.modulus.len());
        for v in [
            self.magic,
            self.keylen,
            self.bitlen,
            self.datalen,
            self.pub_exp,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&self.modulus);
        out
    }
}

/// `base ^ exponent mod n` for the signing key's modulus `n`, all little-endian; `None` unless `base < n`.
fn pow_mod(base: &[u8], exponent: &[u8]) -> Option<Vec<u8>> {
    let n = BoxedUint::from_le_slice_vartime(&TS_SIGNING_MODULUS);
    let odd = Option::from(n.to_odd())?;
    let b = BoxedUint::from_le_slice(base, n.bits_precision()).ok()?;
    if b >= n {
        return None;
    }
    let e = BoxedUint::from_le_slice_vartime(exponent);
    let mut out = b.pow_mod(&e, &odd).to_le_bytes().to_vec();
    out.resize(TS_SIGNING_MODULUS.len(), 0);
    Some(out)
}

/// The 63-byte little-endian message of MS-RDPBCGR 5.3.3.1.2: MD5(data), `00`, `FF` × 45, `01`.
fn padded_hash(data: &[u8]) -> Vec<u8> {
    let mut m = Md5::digest(data).to_vec();
    m.push(0x00);
    m.extend_from_slice(&[0xFF; 45]);
    m.push(0x01);
    m
}
