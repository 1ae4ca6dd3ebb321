//! Parsers for what a server sends before encryption starts: ServerHello (and HelloRetryRequest), Alert,
//! Certificate, ServerKeyExchange, ServerHelloDone; and the check that a ServerHello answers the hello we sent.

use super::client_hello::{ClientHelloSpec, KeyShareOffer};
use super::codes::{
    AlertDescription, AlertLevel, CipherSuite, ExtensionType, NamedGroup, ProtocolVersion,
};
use super::suites::Kx;
use crate::wire::reader::{DecodeError, Reader};

/// The ServerHello random that marks a HelloRetryRequest, RFC 8446 4.1.3 (SHA-256 of "HelloRetryRequest").
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

/// ECCurveType, RFC 8422 5.4: explicit_prime (deprecated).
const CURVE_TYPE_EXPLICIT_PRIME: u8 = 1;
/// ECCurveType, RFC 8422 5.4: explicit_char2 (deprecated).
const CURVE_TYPE_EXPLICIT_CHAR2: u8 = 2;
/// ECCurveType, RFC 8422 5.4: named_curve, followed by a NamedGroup.
const CURVE_TYPE_NAMED_CURVE: u8 = 3;

/// One extension as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// `extension_type`, RFC 8446 4.2.
    pub typ: ExtensionType,
    /// `extension_data`, without its u16 length.
    pub data: Vec<u8>,
}

/// ServerHello, RFC 5246 7.4.1.3 and RFC 8446 4.1.3; a HelloRetryRequest has the same shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerHello {
    /// The version field. A TLS 1.3 server puts TLS 1.2 here; see [`selected_version`](Self::selected_version).
    pub legacy_version: ProtocolVersion,
    /// `random`, 32 bytes; [`HELLO_RETRY_REQUEST_RANDOM`] marks a HelloRetryRequest, and a TLS 1.3 server that
    /// negotiates less puts a downgrade sentinel in the last 8 (RFC 8446 4.1.3).
    pub random: [u8; 32],
    /// `legacy_session_id_echo` / `session_id`, at most 32 bytes.
    pub session_id: Vec<u8>,
    /// `cipher_suite`: the suite the server selected.
    pub cipher_suite: CipherSuite,
    /// `legacy_compression_method` / `compression_method`; 0 is null, the only one a hello of this crate offers.
    pub compression: u8,
    /// In the order received; absent in SSL 3.0 style hellos.
    pub extensions: Vec<Extension>,
    /// From `supported_versions` (RFC 8446 4.2.1), when present.
    pub supported_version: Option<ProtocolVersion>,
    /// The group of `key_share`: the server's share in a ServerHello, the requested group in a HelloRetryRequest.
    pub key_share_group: Option<NamedGroup>,
    /// `renegotiation_info` contents (empty on a first handshake), RFC 5746 3.6.
    pub renegotiation_info: Option<Vec<u8>>,
}

/// The start both hellos share: the legacy version, the 32-byte random and a session id of at most 32 bytes
/// (`sid_field` is its name in the hello being read).
pub(super) fn read_hello_start(
    r: &mut Reader<'_>,
    sid_field: &'static str,
) -> Result<(ProtocolVersion, [u8; 32], Vec<u8>), DecodeError> {
    let legacy_version = ProtocolVersion(r.u16_be("legacy_version")?);
    let mut random = [0u8; 32];
    random.copy_from_slice(r.take("random", 32)?);
    let mut sid = r.vec_u8(sid_field)?;
    if sid.remaining() > 32 {
        return Err(r.invalid(sid_field, format!("{} bytes, at most 32", sid.remaining())));
    }
    let session_id = sid.take(sid_field, sid.remaining())?.to_vec();
    Ok((legacy_version, random, session_id))
}

impl ServerHello {
    /// Decodes a ServerHello body (handshake header already removed).
    pub fn decode(body: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new("ServerHello", body);
        let (legacy_version, random, session_id) = read_hello_start(&mut r, "session_id")?;
        let cipher_suite = CipherSuite(r.u16_be("cipher_suite")?);
        let compression = r.u8("compression_method")?;
        let mut hello = Self {
            legacy_version,
            random,
            session_id,
            cipher_suite,
            compression,
            extensions: Vec::new(),
            supported_version: None,
            key_share_group: None,
            renegotiation_info: None,
        };
        if r.is_empty() {
            return Ok(hello);
        }
        let mut exts = r.vec_u16("extensions")?;
        r.expect_end("extensions")?;
        let hrr = hello.is_hello_retry_request();
        while !exts.is_empty() {
            let typ = ExtensionType(exts.u16_be("extension_type")?);
            let mut data = exts.vec_u16("extension_data")?;
            if hello.extensions.iter().any(|e| e.typ == typ) {
                return Err(exts.invalid("extensions", format!("{typ} appears twice")));
            }
            let raw = data.rest().to_vec();
            match typ {
                ExtensionType::SUPPORTED_VERSIONS => {
                    hello.supported_version =
                        Some(ProtocolVersion(data.u16_be("supported_versions")?));
                    data.expect_end("supported_versions")?;
                }
                ExtensionType::KEY_SHARE => {
                    hello.key_share_group = Some(NamedGroup(data.u16_be("key_share")?));
                    if !hrr {
                        let key = data.vec_u16("key_share")?;
                        if key.is_empty() {
                            return Err(data.invalid("key_share", "empty key_exchange"));
                        }
                    }
                    data.expect_end("key_share")?;
                }
                ExtensionType::RENEGOTIATION_INFO => {
                    let mut info = data.vec_u8("renegotiation_info")?;
                    data.expect_end("renegotiation_info")?;
                    let n = info.remaining();
                    hello.renegotiation_info = Some(info.take("renegotiation_info", n)?.to_vec());
                }
                _ => {}
            }
            hello.extensions.push(Extension { typ, data: raw });
        }
        Ok(hello)
    }

    /// The version the server chose: `supported_versions` if present, else legacy_version. Never trust
    /// legacy_version alone: Windows Server 2019 can answer a TLS 1.3-only hello with TLS 1.2.
    pub fn selected_version(&self) -> ProtocolVersion {
        self.supported_version.unwrap_or(self.legacy_version)
    }

    /// A HelloRetryRequest: the server wants another ClientHello with a share for `key_share_group`.
    pub fn is_hello_retry_request(&self) -> bool {
        self.random == HELLO_RETRY_REQUEST_RANDOM
    }

    /// The version a TLS 1.3-capable server signals by the last 8 bytes of its random when it negotiates an
    /// older version (RFC 8446 4.1.3): TLS1.2 for `DOWNGRD\x01`, TLS1.1 (meaning 1.1 or below) for `DOWNGRD\x00`.
    pub fn downgrade_sentinel(&self) -> Option<ProtocolVersion> {
        match &self.random[24..] {
            b"DOWNGRD\x01" => Some(ProtocolVersion::TLS1_2),
            b"DOWNGRD\x00" => Some(ProtocolVersion::TLS1_1),
            _ => None,
        }
    }

    pub fn key_share_group(&self) -> Option<NamedGroup> {
        self.key_share_group
    }

    pub fn has_renegotiation_info(&self) -> bool {
        self.renegotiation_info.is_some()
    }

    pub fn has_extension(&self, typ: ExtensionType) -> bool {
        self.extensions.iter().any(|e| e.typ == typ)
    }

    /// The raw data of extension `typ`.
    pub fn extension(&self, typ: ExtensionType) -> Option<&[u8]> {
        self.extensions
            .iter()
            .find(|e| e.typ == typ)
            .map(|e| e.data.as_slice())
    }
}

/// An alert, RFC 5246 7.2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alert {
    /// `level`, RFC 5246 7.2 (ignored by TLS 1.3, RFC 8446 6).
    pub level: AlertLevel,
    /// `description`, RFC 8446 6.
    pub description: AlertDescription,
}

impl Alert {
    /// Decodes the two bytes of one alert.
    pub fn decode(body: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new("TLS alert", body);
        let level = AlertLevel(r.u8("level")?);
        let description = AlertDescription(r.u8("description")?);
        r.expect_end("description")?;
        Ok(Self { level, description })
    }
}

/// Certificate in TLS 1.2 and earlier (RFC 5246 7.4.2): the DER chain, leaf first. In TLS 1.3 the
/// Certificate message is encrypted, so a scanner never sees it in the clear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// `certificate_list`: each entry one DER X.509 certificate (`ASN.1Cert`), as sent.
    pub chain: Vec<Vec<u8>>,
}

impl Certificate {
    pub fn decode(body: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new("Certificate", body);
        let mut list = r.vec_u24("certificate_list")?;
        r.expect_end("certificate_list")?;
        let mut chain = Vec::new();
        while !list.is_empty() {
            let mut cert = list.vec_u24("certificate")?;
            if cert.is_empty() {
                return Err(cert.invalid("certificate", "empty certificate"));
            }
            let n = cert.remaining();
            chain.push(cert.take("certificate", n)?.to_vec());
        }
        Ok(Self { chain })
    }
}

/// The key-exchange parameters of a ServerKeyExchange (RFC 5246 7.4.3, RFC 8422 5.4, RFC 4279 2). The
/// signature that follows is not checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerKeyExchange {
    /// ECDHE (and ECDHE_PSK, ECDH_anon).
    Ecdhe {
        /// ECCurveType: 3 named_curve; 1 and 2 are the deprecated explicit curves.
        curve_type: u8,
        /// The named group, for curve_type 3.
        group: Option<NamedGroup>,
        /// Length of the server's public point.
        public_len: usize,
    },
    /// DHE (and DHE_PSK, DH_anon).
    Dhe {
        /// Bits of the prime p, leading zero bytes and bits not counted.
        p_bits: usize,
        /// Bytes of `dh_p`, RFC 5246 7.4.3 (ServerDHParams).
        p_len: usize,
        /// Bytes of the generator `dh_g`.
        g_len: usize,
        /// Bytes of the server's public value `dh_Ys`.
        ys_len: usize,
    },
    /// The temporary RSA key of an RSA_EXPORT suite (RFC 2246 7.4.3, ServerRSAParams).
    RsaExport {
        /// Bits of `rsa_modulus`, leading zeros not counted.
        modulus_bits: usize,
    },
    /// Any other key exchange (PSK hint, SRP): only its length.
    Other { len: usize },
}

impl ServerKeyExchange {
    /// Decodes the parameters for a suite whose key exchange is `kx`.
    pub fn decode(body: &[u8], kx: Kx) -> Result<Self, DecodeError> {
        let mut r = Reader::new("ServerKeyExchange", body);
        if matches!(kx, Kx::DhePsk | Kx::EcdhePsk) {
            r.vec_u16("psk_identity_hint")?;
        }
        Ok(match kx {
            Kx::Ecdhe | Kx::EcdhePsk => {
                let curve_type = r.u8("curve_type")?;
                let group = match curve_type {
                    CURVE_TYPE_NAMED_CURVE => Some(NamedGroup(r.u16_be("namedcurve")?)),
                    CURVE_TYPE_EXPLICIT_PRIME | CURVE_TYPE_EXPLICIT_CHAR2 => None,
                    other => {
                        return Err(r.invalid("curve_type", format!("unknown curve type {other}")))
                    }
                };
                let public_len = match group {
                    Some(_) => r.vec_u8("public")?.remaining(),
                    None => 0,
                };
                Self::Ecdhe {
                    curve_type,
                    group,
                    public_len,
                }
            }
            Kx::Dhe | Kx::DhePsk => {
                let p = r.vec_u16("dh_p")?;
                let p_bits = bit_length(p.rest());
                if p_bits == 0 {
                    return Err(r.invalid("dh_p", "zero prime"));
                }
                let g_len = r.vec_u16("dh_g")?.remaining();
                let ys_len = r.vec_u16("dh_Ys")?.remaining();
                Self::Dhe {
                    p_bits,
                    p_len: p.remaining(),
                    g_len,
                    ys_len,
                }
            }
            Kx::Rsa => {
                let modulus = r.vec_u16("rsa_modulus")?;
                r.vec_u16("rsa_exponent")?;
                Self::RsaExport {
                    modulus_bits: bit_length(modulus.rest()),
                }
            }
            _ => Self::Other { len: body.len() },
        })
    }
}

/// Bits of a big-endian unsigned integer, leading zeros not counted.
fn bit_length(be: &[u8]) -> usize {
    match be.iter().position(|&b| b != 0) {
        Some(i) => (be.len() - i - 1) * 8 + (8 - be[i].leading_zeros() as usize),
        None => 0,
    }
}

/// Checks a ServerHelloDone body, which must be empty (RFC 5246 7.4.5).
pub fn decode_server_hello_done(body: &[u8]) -> Result<(), DecodeError> {
    Reader::new("ServerHelloDone", body).expect_end("body")
}

/// A ServerHello that does not answer the hello that was sent. The caller must not believe such a reply.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OfferViolation {
    #[error("the server selected {selected}, which was not offered (offered {offered:?})")]
    VersionNotOffered {
        selected: ProtocolVersion,
        offered: Vec<ProtocolVersion>,
    },
    #[error("the server selected {0} (0x{id:04x}), which was not offered", id = .0.0)]
    SuiteNotOffered(CipherSuite),
    #[error("the server selected {suite}, which cannot be used with {version}")]
    SuiteNotUsableWithVersion {
        suite: CipherSuite,
        version: ProtocolVersion,
    },
    #[error("the server selected the group {0}, which was not offered")]
    GroupNotOffered(NamedGroup),
    #[error(
        "the server answered TLS 1.3 with a key share for {0}, which had no share in the hello"
    )]
    KeyShareNotSent(NamedGroup),
    #[error("the server selected compression method {0}; only null was offered")]
    CompressionNotOffered(u8),
    #[error(
        "the server sent supported_versions with legacy_version {0}; TLS 1.3 requires TLS1.2 there"
    )]
    BadLegacyVersion(ProtocolVersion),
}

/// Checks that `hello` picks only what `spec` offered: version, suite, compression, key-share group.
pub fn check_against_offer(
    spec: &ClientHelloSpec,
    hello: &ServerHello,
) -> Result<(), OfferViolation> {
    let version = hello.selected_version();
    // With supported_versions the client lists exactly what it takes; without it, a hello offers every version
    // up to its legacy_version (RFC 5246 E.1), so a lower one is a normal downgrade, not a violation.
    let offered = if spec.offers_tls13() {
        spec.versions.contains(&version)
    } else {
        hello.supported_version.is_none()
            && version >= ProtocolVersion::SSL3_0
            && spec.max_version().is_some_and(|max| version <= max)
    };
    if !offered {
        return Err(OfferViolation::VersionNotOffered {
            selected: version,
            offered: spec.versions.clone(),
        });
    }
    if hello.supported_version.is_some() && hello.legacy_version != ProtocolVersion::TLS1_2 {
        return Err(OfferViolation::BadLegacyVersion(hello.legacy_version));
    }
    let suite = hello.cipher_suite;
    if suite.is_scsv() || !spec.suites.contains(&suite) {
        return Err(OfferViolation::SuiteNotOffered(suite));
    }
    if let Some(info) = suite.info() {
        if !info.usable_with(version) {
            return Err(OfferViolation::SuiteNotUsableWithVersion { suite, version });
        }
    }
    if hello.compression != 0 {
        return Err(OfferViolation::CompressionNotOffered(hello.compression));
    }
    if let Some(group) = hello.key_share_group {
        if !spec.groups.contains(&group) {
            return Err(OfferViolation::GroupNotOffered(group));
        }
        let shared = spec.key_share == KeyShareOffer::X25519Real && group == NamedGroup::X25519;
        if !hello.is_hello_retry_request() && !shared {
            return Err(OfferViolation::KeyShareNotSent(group));
        }
    }
    Ok(())
}
