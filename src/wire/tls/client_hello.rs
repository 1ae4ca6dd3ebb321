//! A ClientHello builder for scanning: offer chosen versions, suites and groups, get the TLS record bytes.
//!
//! The hello is never meant to finish a handshake; it only has to make a server answer with its choice.

use std::net::IpAddr;

use ring::agreement::{EphemeralPrivateKey, X25519};
use ring::rand::{SecureRandom, SystemRandom};

use super::codes::{
    CipherSuite, ContentType, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion,
    SignatureScheme,
};
use crate::wire::writer::{self, u16_len, u24_be, EncodeError};

/// Some TLS stacks reject a hello with too many suites; nmap's ssl-enum-ciphers keeps each hello to 64 suites and
/// testssl.sh to 128, and so does this crate.
pub const MAX_SUITES: usize = 128;
/// Largest record plaintext, RFC 8446 5.1 (`TLSPlaintext.length` MUST NOT exceed 2^14).
const MAX_FRAGMENT: usize = 1 << 14;
/// Names the structure in encode errors.
const PDU: &str = "ClientHello";

/// What to put in the TLS 1.3 `key_share` extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyShareOffer {
    /// No key_share extension (a TLS 1.3 server then answers with an alert).
    None,
    /// An empty client_shares list: a TLS 1.3 server answers with a HelloRetryRequest naming its suite and
    /// group, so nothing needs to be computed.
    Empty,
    /// A real X25519 public key (Windows Server 2022 rejects an invalid one). The private key is thrown away.
    X25519Real,
}

/// Why a spec cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HelloError {
    #[error("no cipher suites to offer")]
    NoSuites,
    #[error("{0} cipher suites in one hello; at most {MAX_SUITES} are sent")]
    TooManySuites(usize),
    #[error("no protocol version to offer")]
    NoVersions,
    #[error("cannot offer {0}")]
    UnsupportedVersion(ProtocolVersion),
    #[error("the system random generator failed")]
    Random,
    /// A list too long for its length field (e.g. tens of thousands of groups).
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

/// Everything a probe chooses about one ClientHello.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientHelloSpec {
    /// The versions offered. Below TLS 1.3 only the highest counts (it becomes legacy_version and a server may
    /// pick anything up to it); when TLS 1.3 is among them, legacy_version is TLS 1.2 and `supported_versions`
    /// lists all of them (SSL 3.0 excepted), newest first.
    pub versions: Vec<ProtocolVersion>,
    /// Suites in preference order, at most [`MAX_SUITES`]. SCSVs go in through the flags below.
    pub suites: Vec<CipherSuite>,
    /// `supported_groups`, also the groups the server may pick for a key share.
    pub groups: Vec<NamedGroup>,
    /// SNI. Sent only when it is a DNS name; IP addresses and malformed names are left out (RFC 6066 3).
    pub server_name: Option<String>,
    pub key_share: KeyShareOffer,
    /// Append TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 3.3); some servers refuse a hello without it.
    pub renegotiation_scsv: bool,
    /// Send an empty `renegotiation_info` extension instead of, or as well as, the SCSV.
    pub renegotiation_info_ext: bool,
    /// Sent when TLS 1.2 or 1.3 is offered (RFC 5246 7.4.1.4.1 forbids it below TLS 1.2).
    pub signature_algorithms: Vec<SignatureScheme>,
    /// `ec_point_formats` with uncompressed only (RFC 8422 5.1.2); old servers want it for ECDHE.
    pub ec_point_formats: bool,
    /// An empty `extended_master_secret` extension (RFC 7627).
    pub extended_master_secret: bool,
    /// A client's own extensions, exactly these in this order (a client profile's hello); `None` for the scanner's
    /// default set. Each listed extension is filled from the fields above (SNI from `server_name`, groups, ...);
    /// `status_request`, `session_ticket`, `encrypt_then_mac`, `record_size_limit` and `padding` are sent as the
    /// common clients send them, and one this builder cannot fill is an encode error.
    pub layout: Option<Vec<ExtensionType>>,
    /// An empty legacy_session_id, as Schannel sends it; otherwise 32 random bytes, as OpenSSL and GnuTLS do.
    pub empty_session_id: bool,
    /// Send an IP-literal `server_name` as the host name, as mstsc does (RFC 6066 3 forbids it; servers may act
    /// on it all the same).
    pub sni_ip_literal: bool,
}

/// A ClientHello padded with the `padding` extension is brought to this many bytes of handshake message, as
/// GnuTLS and BoringSSL do to avoid the F5 bug (RFC 7685 1).
const PADDED_HELLO_LEN: usize = 512;

impl ClientHelloSpec {
    /// A hello for exactly `version` with `suites`, and the defaults a modern client uses for the rest: all
    /// groups of [`NamedGroup::DEFAULT`], [`SignatureScheme::DEFAULT`], the renegotiation SCSV, ec_point_formats,
    /// extended_master_secret, and for TLS 1.3 a real X25519 key share.
    pub fn new(version: ProtocolVersion, suites: Vec<CipherSuite>) -> Self {
        Self {
            versions: vec![version],
            suites,
            groups: NamedGroup::DEFAULT.to_vec(),
            server_name: None,
            key_share: if version == ProtocolVersion::TLS1_3 {
                KeyShareOffer::X25519Real
            } else {
                KeyShareOffer::None
            },
            renegotiation_scsv: true,
            renegotiation_info_ext: false,
            signature_algorithms: SignatureScheme::DEFAULT.to_vec(),
            ec_point_formats: true,
            extended_master_secret: true,
            layout: None,
            empty_session_id: false,
            sni_ip_literal: false,
        }
    }

    /// The highest version offered.
    pub fn max_version(&self) -> Option<ProtocolVersion> {
        self.versions.iter().copied().max()
    }

    /// Whether TLS 1.3 is offered, i.e. `supported_versions` is sent.
    pub fn offers_tls13(&self) -> bool {
        self.versions.contains(&ProtocolVersion::TLS1_3)
    }

    /// The SNI host that will be sent: `server_name` if it is a DNS name, without a trailing dot; an IP literal
    /// too with `sni_ip_literal`.
    pub fn sni_host(&self) -> Option<&str> {
        let name = self.server_name.as_deref()?.trim_end_matches('.');
        let bare = name.trim_start_matches('[').trim_end_matches(']');
        let is_ip = bare.parse::<IpAddr>().is_ok();
        if is_ip && self.sni_ip_literal {
            return Some(bare);
        }
        let labels_ok = name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
        (!is_ip && !name.is_empty() && name.len() <= 253 && labels_ok).then_some(name)
    }

    /// The TLS record(s) carrying this ClientHello, with fresh random, session id and key share.
    pub fn encode(&self) -> Result<Vec<u8>, HelloError> {
        let rng = SystemRandom::new();
        let mut random = [0u8; 32];
        let mut session_id = [0u8; 32];
        rng.fill(&mut random).map_err(|_| HelloError::Random)?;
        rng.fill(&mut session_id).map_err(|_| HelloError::Random)?;
        let x25519 = match (self.offers_tls13(), self.key_share) {
            (true, KeyShareOffer::X25519Real) => {
                let private =
                    EphemeralPrivateKey::generate(&X25519, &rng).map_err(|_| HelloError::Random)?;
                let public = private
                    .compute_public_key()
                    .map_err(|_| HelloError::Random)?;
                let mut key = [0u8; 32];
                key.copy_from_slice(public.as_ref());
                Some(key)
            }
            _ => None,
        };
        self.encode_with(&random, &session_id, x25519.as_ref())
    }

    /// The records, given the random parts.
    fn encode_with(
        &self,
        random: &[u8; 32],
        session_id: &[u8; 32],
        x25519: Option<&[u8; 32]>,
    ) -> Result<Vec<u8>, HelloError> {
        let max = self.max_version().ok_or(HelloError::NoVersions)?;
        if let Some(v) = self
            .versions
            .iter()
            .find(|v| !ProtocolVersion::ALL.contains(v))
        {
            return Err(HelloError::UnsupportedVersion(*v));
        }
        if self.suites.is_empty() {
            return Err(HelloError::NoSuites);
        }
        if self.suites.len() > MAX_SUITES {
            return Err(HelloError::TooManySuites(self.suites.len()));
        }
        let tls13 = self.offers_tls13();
        let legacy_version = if tls13 { ProtocolVersion::TLS1_2 } else { max };

        let mut body = Vec::with_capacity(512);
        body.extend_from_slice(&legacy_version.0.to_be_bytes());
        body.extend_from_slice(random);
        if self.empty_session_id {
            body.push(0);
        } else {
            body.push(32);
            body.extend_from_slice(session_id);
        }
        let mut suites: Vec<u8> = self.suites.iter().flat_map(|s| s.0.to_be_bytes()).collect();
        if self.renegotiation_scsv {
            suites.extend_from_slice(
                &CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV
                    .0
                    .to_be_bytes(),
            );
        }
        put_vec_u16(&mut body, "cipher_suites", &suites)?;
        // compression_methods: null only.
        body.extend_from_slice(&[1, 0]);
        if max > ProtocolVersion::SSL3_0 {
            let mut exts = self.extensions(tls13, max, x25519, 0)?;
            let unpadded = body.len() + 2 + exts.len();
            let pads = self
                .layout
                .as_ref()
                .is_some_and(|l| l.contains(&ExtensionType::PADDING));
            // `unpadded` has the padding extension's header already; the handshake header adds 4.
            if pads && unpadded + 4 < PADDED_HELLO_LEN {
                exts = self.extensions(tls13, max, x25519, PADDED_HELLO_LEN - 4 - unpadded)?;
            }
            put_vec_u16(&mut body, "extensions", &exts)?;
        }

        // Handshake header, RFC 8446 4: msg_type, uint24 length.
        let mut handshake = Vec::with_capacity(body.len() + 4);
        handshake.push(HandshakeType::CLIENT_HELLO.0);
        handshake.extend_from_slice(&u24_be(PDU, "length", body.len())?);
        handshake.extend_from_slice(&body);

        let record_version = if max == ProtocolVersion::SSL3_0 {
            ProtocolVersion::SSL3_0
        } else {
            ProtocolVersion::TLS1_0
        };
        let mut out = Vec::with_capacity(handshake.len() + 5);
        // TLSPlaintext records of at most 2^14 bytes each, RFC 8446 5.1.
        for fragment in handshake.chunks(MAX_FRAGMENT) {
            out.push(ContentType::HANDSHAKE.0);
            out.extend_from_slice(&record_version.0.to_be_bytes());
            out.extend_from_slice(&u16_len("TLS record", "length", fragment.len())?.to_be_bytes());
            out.extend_from_slice(fragment);
        }
        Ok(out)
    }

    /// The extensions block, without its own length: the profile's layout, or the scanner's default set.
    /// `padding` is the length of the padding extension's zeros, when the layout has one.
    fn extensions(
        &self,
        tls13: bool,
        max: ProtocolVersion,
        x25519: Option<&[u8; 32]>,
        padding: usize,
    ) -> Result<Vec<u8>, EncodeError> {
        let default;
        let layout = match &self.layout {
            Some(layout) => layout,
            None => {
                default = self.default_layout(tls13, max);
                &default
            }
        };
        let mut exts = Vec::with_capacity(256);
        for typ in layout {
            let data: Option<Vec<u8>> = match *typ {
                ExtensionType::SERVER_NAME => self.sni_data()?,
                ExtensionType::STATUS_REQUEST => {
                    // CertificateStatusRequest: ocsp (1), empty responder_id_list and request_extensions (RFC 6066 8).
                    Some(vec![1, 0, 0, 0, 0])
                }
                ExtensionType::SUPPORTED_GROUPS => self.groups_data()?,
                ExtensionType::EC_POINT_FORMATS => Some(vec![1, 0]),
                ExtensionType::SIGNATURE_ALGORITHMS => self.signature_algorithms_data()?,
                ExtensionType::EXTENDED_MASTER_SECRET
                | ExtensionType::ENCRYPT_THEN_MAC
                | ExtensionType::SESSION_TICKET => Some(Vec::new()),
                // renegotiated_connection: empty on an initial handshake, RFC 5746 3.2.
                ExtensionType::RENEGOTIATION_INFO => Some(vec![0]),
                // RecordSizeLimit 0x4001: a TLS 1.3 plaintext record and its content type (RFC 8449 4).
                ExtensionType::RECORD_SIZE_LIMIT => Some(vec![0x40, 0x01]),
                ExtensionType::PADDING => Some(vec![0; padding]),
                ExtensionType::SUPPORTED_VERSIONS => {
                    tls13.then(|| self.versions_data()).transpose()?
                }
                // psk_dhe_ke (1) only, RFC 8446 4.2.9.
                ExtensionType::PSK_KEY_EXCHANGE_MODES => tls13.then(|| vec![1, 1]),
                ExtensionType::KEY_SHARE => {
                    if tls13 {
                        self.key_share_data(x25519)?
                    } else {
                        None
                    }
                }
                other => {
                    return Err(EncodeError::invalid(
                        PDU,
                        "extensions",
                        format!("cannot build the {other} extension"),
                    ))
                }
            };
            if let Some(data) = data {
                put_ext(&mut exts, *typ, &data)?;
            }
        }
        Ok(exts)
    }

    /// `server_name` data: a server_name_list of one host_name (type 0), RFC 6066 3.
    fn sni_data(&self) -> Result<Option<Vec<u8>>, EncodeError> {
        let Some(host) = self.sni_host() else {
            return Ok(None);
        };
        let mut entry = vec![0u8];
        put_vec_u16(&mut entry, "host_name", host.as_bytes())?;
        let mut list = Vec::new();
        put_vec_u16(&mut list, "server_name_list", &entry)?;
        Ok(Some(list))
    }

    fn groups_data(&self) -> Result<Option<Vec<u8>>, EncodeError> {
        if self.groups.is_empty() {
            return Ok(None);
        }
        let groups: Vec<u8> = self.groups.iter().flat_map(|g| g.0.to_be_bytes()).collect();
        let mut data = Vec::new();
        put_vec_u16(&mut data, "supported_groups", &groups)?;
        Ok(Some(data))
    }

    fn signature_algorithms_data(&self) -> Result<Option<Vec<u8>>, EncodeError> {
        if self.signature_algorithms.is_empty() {
            return Ok(None);
        }
        let schemes: Vec<u8> = self
            .signature_algorithms
            .iter()
            .flat_map(|s| s.0.to_be_bytes())
            .collect();
        let mut data = Vec::new();
        put_vec_u16(&mut data, "signature_algorithms", &schemes)?;
        Ok(Some(data))
    }

    /// `supported_versions`: every offered version from TLS 1.0 on, newest first.
    fn versions_data(&self) -> Result<Vec<u8>, EncodeError> {
        let mut versions: Vec<ProtocolVersion> = self
            .versions
            .iter()
            .copied()
            .filter(|v| *v >= ProtocolVersion::TLS1_0)
            .collect();
        versions.sort_unstable_by(|a, b| b.cmp(a));
        versions.dedup();
        let list: Vec<u8> = versions.iter().flat_map(|v| v.0.to_be_bytes()).collect();
        let mut data = Vec::new();
        writer::put_vec_u8(&mut data, PDU, "supported_versions", &list)?;
        Ok(data)
    }

    /// `key_share`, RFC 8446 4.2.8; `None` when no key share is sent.
    fn key_share_data(&self, x25519: Option<&[u8; 32]>) -> Result<Option<Vec<u8>>, EncodeError> {
        let shares = match (self.key_share, x25519) {
            (KeyShareOffer::None, _) => return Ok(None),
            (KeyShareOffer::Empty, _) | (KeyShareOffer::X25519Real, None) => Vec::new(),
            (KeyShareOffer::X25519Real, Some(public)) => {
                // KeyShareEntry: group, key_exchange<1..2^16-1>.
                let mut entry = NamedGroup::X25519.0.to_be_bytes().to_vec();
                put_vec_u16(&mut entry, "key_exchange", public)?;
                entry
            }
        };
        let mut data = Vec::new();
        put_vec_u16(&mut data, "client_shares", &shares)?;
        Ok(Some(data))
    }

    /// The scanner's own extensions, in its own order: what a modern client sends, as far as the flags allow.
    fn default_layout(&self, tls13: bool, max: ProtocolVersion) -> Vec<ExtensionType> {
        let mut layout = vec![ExtensionType::SERVER_NAME];
        if self.ec_point_formats {
            layout.push(ExtensionType::EC_POINT_FORMATS);
        }
        layout.push(ExtensionType::SUPPORTED_GROUPS);
        // RFC 5246 7.4.1.4.1 forbids signature_algorithms below TLS 1.2.
        if max >= ProtocolVersion::TLS1_2 {
            layout.push(ExtensionType::SIGNATURE_ALGORITHMS);
        }
        if self.extended_master_secret {
            layout.push(ExtensionType::EXTENDED_MASTER_SECRET);
        }
        if self.renegotiation_info_ext {
            layout.push(ExtensionType::RENEGOTIATION_INFO);
        }
        if tls13 {
            layout.extend([
                ExtensionType::SUPPORTED_VERSIONS,
                ExtensionType::PSK_KEY_EXCHANGE_MODES,
                ExtensionType::KEY_SHARE,
            ]);
        }
        layout
    }
}

/// Appends `data` with a u16 length, or fails naming `field` if it is longer than 65535 bytes.
fn put_vec_u16(out: &mut Vec<u8>, field: &'static str, data: &[u8]) -> Result<(), EncodeError> {
    writer::put_vec_u16(out, PDU, field, data)
}

/// Appends one extension: type, then `extension_data<0..2^16-1>` (RFC 8446 4.2).
fn put_ext(out: &mut Vec<u8>, typ: ExtensionType, data: &[u8]) -> Result<(), EncodeError> {
    out.extend_from_slice(&typ.0.to_be_bytes());
    put_vec_u16(out, "extension_data", data)
}

#[cfg(test)]
mod tests;
