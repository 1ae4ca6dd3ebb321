//! The ClientHello decoder: what a real client offers, read from its first flight (for `rdptls capture`).
//!
//! The inverse of the builder in [`client_hello`](super::client_hello): every field of RFC 8446 4.1.2 and the
//! extensions a client profile describes, decoded with the bounds-checked [`Reader`]. Hostile input gives a
//! [`DecodeError`] naming the field, never a panic; lengths are checked against what arrived before anything is
//! kept. Record framing and the size cap are the deframer's ([`HandshakeDeframer`]).

use super::codes::{
    is_grease, CipherSuite, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion,
    SignatureScheme,
};
use super::messages::{read_hello_start, Extension};
use super::record::{HandshakeDeframer, ServerMessage};
use crate::wire::reader::{DecodeError, Reader};

const PDU: &str = "ClientHello";

/// SNI `name_type` host_name, RFC 6066 3.
const NAME_TYPE_HOST_NAME: u8 = 0;

/// A decoded ClientHello, RFC 8446 4.1.2 (and RFC 5246 7.4.1.2 for older versions), with the extensions a profile
/// needs decoded too. GREASE values are kept as sent; callers that compare hellos leave them out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientHello {
    /// `legacy_version` (`client_version` before TLS 1.3): the highest version offered without
    /// `supported_versions`, TLS 1.2 with it.
    pub legacy_version: ProtocolVersion,
    /// `random`, 32 bytes.
    pub random: [u8; 32],
    /// `legacy_session_id`, 0 to 32 bytes: empty from Schannel, 32 random bytes from OpenSSL and GnuTLS.
    pub session_id: Vec<u8>,
    /// `cipher_suites`, in the client's order, signalling values (SCSV) and GREASE included.
    pub suites: Vec<CipherSuite>,
    /// `legacy_compression_methods`; null (0) only, from any current client.
    pub compression_methods: Vec<u8>,
    /// Every extension in the order sent, with its raw data.
    pub extensions: Vec<Extension>,
    /// `server_name`: the first host_name (RFC 6066 3), when the extension carries one.
    pub server_name: Option<String>,
    /// `supported_groups` (RFC 8422 5.1.1, RFC 8446 4.2.7), in order.
    pub groups: Vec<NamedGroup>,
    /// `signature_algorithms` (RFC 8446 4.2.3), in order.
    pub signature_algorithms: Vec<SignatureScheme>,
    /// `supported_versions` (RFC 8446 4.2.1), in order; empty without the extension.
    pub supported_versions: Vec<ProtocolVersion>,
    /// `application_layer_protocol_negotiation` (RFC 7301 3.1): the protocol names, in order.
    pub alpn: Vec<Vec<u8>>,
    /// `key_share` (RFC 8446 4.2.8): the group of each share, in order.
    pub key_share_groups: Vec<NamedGroup>,
}

impl ClientHello {
    /// Decodes a ClientHello body (the handshake header already removed).
    pub fn decode(body: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(PDU, body);
        let (legacy_version, random, session_id) = read_hello_start(&mut r, "legacy_session_id")?;
        let mut suites_r = r.vec_u16("cipher_suites")?;
        if suites_r.is_empty() {
            return Err(r.invalid("cipher_suites", "empty: at least one suite is required"));
        }
        let suites = u16_list(&mut suites_r, "cipher_suites")?
            .into_iter()
            .map(CipherSuite)
            .collect();
        let mut comp = r.vec_u8("legacy_compression_methods")?;
        if comp.is_empty() {
            return Err(r.invalid("legacy_compression_methods", "empty"));
        }
        let compression_methods = comp
            .take("legacy_compression_methods", comp.remaining())?
            .to_vec();
        let mut hello = Self {
            legacy_version,
            random,
            session_id,
            suites,
            compression_methods,
            extensions: Vec::new(),
            server_name: None,
            groups: Vec::new(),
            signature_algorithms: Vec::new(),
            supported_versions: Vec::new(),
            alpn: Vec::new(),
            key_share_groups: Vec::new(),
        };
        // Extensions are optional before TLS 1.3 (RFC 5246 7.4.1.2): a hello may end after compression.
        if r.is_empty() {
            return Ok(hello);
        }
        let mut exts = r.vec_u16("extensions")?;
        r.expect_end("extensions")?;
        while !exts.is_empty() {
            let typ = ExtensionType(exts.u16_be("extension_type")?);
            let mut data = exts.vec_u16("extension_data")?;
            if hello.extensions.iter().any(|e| e.typ == typ) {
                // RFC 8446 4.2: "There MUST NOT be more than one extension of the same type".
                return Err(exts.invalid("extensions", format!("{typ} appears twice")));
            }
            let raw = data.rest().to_vec();
            hello.decode_extension(typ, &mut data)?;
            hello.extensions.push(Extension { typ, data: raw });
        }
        Ok(hello)
    }

    /// Decodes the extensions a profile describes into their fields; others are kept raw only.
    fn decode_extension(
        &mut self,
        typ: ExtensionType,
        data: &mut Reader<'_>,
    ) -> Result<(), DecodeError> {
        match typ {
            ExtensionType::SERVER_NAME => {
                // An empty extension_data is allowed (a server's echo); a client's carries a server_name_list.
                if data.is_empty() {
                    return Ok(());
                }
                let mut list = data.vec_u16("server_name_list")?;
                data.expect_end("server_name")?;
                while !list.is_empty() {
                    let name_type = list.u8("name_type")?;
                    let mut name = list.vec_u16("host_name")?;
                    if name_type == NAME_TYPE_HOST_NAME && self.server_name.is_none() {
                        let bytes = name.take("host_name", name.remaining())?;
                        let host = std::str::from_utf8(bytes)
                            .map_err(|_| name.invalid("host_name", "not UTF-8"))?;
                        self.server_name = Some(host.to_string());
                    }
                }
            }
            ExtensionType::SUPPORTED_GROUPS => {
                let mut list = data.vec_u16("supported_groups")?;
                data.expect_end("supported_groups")?;
                self.groups = u16_list(&mut list, "supported_groups")?
                    .into_iter()
                    .map(NamedGroup)
                    .collect();
            }
            ExtensionType::SIGNATURE_ALGORITHMS => {
                let mut list = data.vec_u16("signature_algorithms")?;
                data.expect_end("signature_algorithms")?;
                self.signature_algorithms = u16_list(&mut list, "signature_algorithms")?
                    .into_iter()
                    .map(SignatureScheme)
                    .collect();
            }
            ExtensionType::SUPPORTED_VERSIONS => {
                let mut list = data.vec_u8("supported_versions")?;
                data.expect_end("supported_versions")?;
                self.supported_versions = u16_list(&mut list, "supported_versions")?
                    .into_iter()
                    .map(ProtocolVersion)
                    .collect();
            }
            ExtensionType::ALPN => {
                let mut list = data.vec_u16("protocol_name_list")?;
                data.expect_end("application_layer_protocol_negotiation")?;
                while !list.is_empty() {
                    let mut name = list.vec_u8("protocol_name")?;
                    self.alpn
                        .push(name.take("protocol_name", name.remaining())?.to_vec());
                }
            }
            ExtensionType::KEY_SHARE => {
                let mut shares = data.vec_u16("client_shares")?;
                data.expect_end("key_share")?;
                while !shares.is_empty() {
                    let group = NamedGroup(shares.u16_be("group")?);
                    shares.vec_u16("key_exchange")?;
                    self.key_share_groups.push(group);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Whether the hello carries extension `typ`.
    pub fn has_extension(&self, typ: ExtensionType) -> bool {
        self.extensions.iter().any(|e| e.typ == typ)
    }

    /// The extension types in the order sent.
    pub fn extension_types(&self) -> Vec<ExtensionType> {
        self.extensions.iter().map(|e| e.typ).collect()
    }

    /// The versions offered, ascending, GREASE left out: those of `supported_versions`, or, without it, only
    /// `legacy_version` (the hello shows no lower bound then).
    pub fn offered_versions(&self) -> Vec<ProtocolVersion> {
        let mut versions: Vec<ProtocolVersion> =
            if self.has_extension(ExtensionType::SUPPORTED_VERSIONS) {
                self.supported_versions
                    .iter()
                    .copied()
                    .filter(|v| !is_grease(v.0))
                    .collect()
            } else {
                vec![self.legacy_version]
            };
        versions.sort_unstable();
        versions.dedup();
        versions
    }
}

/// A list of u16 values filling `r`: an odd length is an error.
fn u16_list(r: &mut Reader<'_>, field: &'static str) -> Result<Vec<u16>, DecodeError> {
    if !r.remaining().is_multiple_of(2) {
        return Err(r.invalid(field, format!("{} bytes, not pairs", r.remaining())));
    }
    let mut out = Vec::with_capacity(r.remaining() / 2);
    while !r.is_empty() {
        out.push(r.u16_be(field)?);
    }
    Ok(out)
}

/// A ClientHello as it arrived: the version field of its first record, its size and the decoded message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedHello {
    /// The record-layer version of the first record (TLS 1.0 from most clients, RFC 8446 5.1).
    pub record_version: ProtocolVersion,
    /// The handshake message's length, without its 4-byte header.
    pub len: usize,
    pub hello: ClientHello,
}

/// The client's first handshake message, once the deframer holds all of it: `Ok(None)` while more bytes are
/// needed, an error when the client sends anything else first (an alert, application data, another handshake
/// message) or breaks a bound of the deframer (records of at most 2^14 + 2048 bytes, a message of at most 64 KiB).
pub fn next_client_hello(
    deframer: &mut HandshakeDeframer,
) -> Result<Option<ReceivedHello>, DecodeError> {
    let Some(message) = deframer.next_message()? else {
        return Ok(None);
    };
    match message {
        ServerMessage::Handshake(m) if m.typ == HandshakeType::CLIENT_HELLO => {
            Ok(Some(ReceivedHello {
                record_version: m.record_version,
                len: m.body.len(),
                hello: ClientHello::decode(&m.body)?,
            }))
        }
        ServerMessage::Handshake(m) => Err(DecodeError::invalid(
            PDU,
            "msg_type",
            format!("the client began with {}, not client_hello", m.typ),
        )),
        other => Err(DecodeError::invalid(
            PDU,
            "msg_type",
            format!("the client began with {other:?}, not a ClientHello"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::tls::{ClientHelloSpec, KeyShareOffer};

    /// The hello a spec encodes, read back through the deframer.
    fn round_trip(spec: &ClientHelloSpec) -> ReceivedHello {
        let bytes = spec.encode().expect("the spec encodes");
        let mut deframer = HandshakeDeframer::new();
        deframer.push(&bytes).unwrap();
        let got = next_client_hello(&mut deframer)
            .unwrap()
            .expect("a whole hello");
        assert!(deframer.is_idle());
        got
    }

    fn suites(ids: &[u16]) -> Vec<CipherSuite> {
        ids.iter().map(|&id| CipherSuite(id)).collect()
    }

    #[test]
    fn the_builders_default_tls12_hello_decodes_to_its_spec() {
        let mut spec = ClientHelloSpec::new(ProtocolVersion::TLS1_2, suites(&[0xc02f, 0x009c]));
        spec.server_name = Some("rdp.example.com".into());
        let got = round_trip(&spec);
        assert_eq!(got.record_version, ProtocolVersion::TLS1_0);
        let h = got.hello;
        assert_eq!(h.legacy_version, ProtocolVersion::TLS1_2);
        assert_eq!(h.suites, suites(&[0xc02f, 0x009c, 0x00ff]));
        assert_eq!(h.groups, spec.groups);
        assert_eq!(h.signature_algorithms, spec.signature_algorithms);
        assert_eq!(h.server_name.as_deref(), Some("rdp.example.com"));
        assert_eq!(h.session_id.len(), 32);
        assert_eq!(h.compression_methods, [0]);
        assert!(h.supported_versions.is_empty());
        assert_eq!(h.offered_versions(), [ProtocolVersion::TLS1_2]);
        assert_eq!(
            h.extension_types(),
            [
                ExtensionType::SERVER_NAME,
                ExtensionType::EC_POINT_FORMATS,
                ExtensionType::SUPPORTED_GROUPS,
                ExtensionType::SIGNATURE_ALGORITHMS,
                ExtensionType::EXTENDED_MASTER_SECRET,
            ]
        );
    }

    #[test]
    fn a_profile_layout_decodes_in_its_order_with_versions_and_key_share() {
        let mut spec = ClientHelloSpec::new(ProtocolVersion::TLS1_3, suites(&[0x1302, 0xc030]));
        spec.versions = vec![
            ProtocolVersion::TLS1_0,
            ProtocolVersion::TLS1_2,
            ProtocolVersion::TLS1_3,
        ];
        spec.renegotiation_scsv = false;
        spec.empty_session_id = true;
        spec.key_share = KeyShareOffer::X25519Real;
        let layout = vec![
            ExtensionType::STATUS_REQUEST,
            ExtensionType::SUPPORTED_GROUPS,
            ExtensionType::EC_POINT_FORMATS,
            ExtensionType::SIGNATURE_ALGORITHMS,
            ExtensionType::SESSION_TICKET,
            ExtensionType::KEY_SHARE,
            ExtensionType::SUPPORTED_VERSIONS,
            ExtensionType::RENEGOTIATION_INFO,
            ExtensionType::PSK_KEY_EXCHANGE_MODES,
            ExtensionType::RECORD_SIZE_LIMIT,
            ExtensionType::PADDING,
        ];
        spec.layout = Some(layout.clone());
        let got = round_trip(&spec);
        let h = got.hello;
        assert_eq!(got.len, 512 - 4, "padded to 512 bytes with its header");
        assert_eq!(h.extension_types(), layout);
        assert!(h.session_id.is_empty());
        assert_eq!(h.suites, suites(&[0x1302, 0xc030]));
        assert_eq!(
            h.supported_versions,
            [
                ProtocolVersion::TLS1_3,
                ProtocolVersion::TLS1_2,
                ProtocolVersion::TLS1_0
            ]
        );
        assert_eq!(
            h.offered_versions(),
            [
                ProtocolVersion::TLS1_0,
                ProtocolVersion::TLS1_2,
                ProtocolVersion::TLS1_3
            ]
        );
        assert_eq!(h.key_share_groups, [NamedGroup::X25519]);
        assert_eq!(h.server_name, None);
    }

    /// server_name a.b, ALPN h2, supported_groups x25519.
    const EXTENSIONS: &[u8] = &[
        0, 0, 0, 8, 0, 6, 0, 0, 3, b'a', b'.', b'b', // server_name a.b
        0, 16, 0, 5, 0, 3, 2, b'h', b'2', // ALPN h2
        0, 10, 0, 4, 0, 2, 0, 29, // supported_groups x25519
    ];
    /// The length of a body without extensions: version, random, session id, suites, compression.
    const HEAD_LEN: usize = 2 + 32 + 1 + 4 + 2;

    /// A small valid hello body: TLS 1.2, one suite, and `exts`.
    fn body_with(exts: &[u8]) -> Vec<u8> {
        let mut b = vec![3, 3];
        b.extend_from_slice(&[7; 32]);
        b.extend_from_slice(&[0, 0, 2, 0xc0, 0x2f, 1, 0]);
        b.extend_from_slice(&(exts.len() as u16).to_be_bytes());
        b.extend_from_slice(exts);
        b
    }

    fn small_body() -> Vec<u8> {
        body_with(EXTENSIONS)
    }

    #[test]
    fn a_hand_made_body_decodes_every_field() {
        let h = ClientHello::decode(&small_body()).unwrap();
        assert_eq!(h.server_name.as_deref(), Some("a.b"));
        assert_eq!(h.alpn, [b"h2".to_vec()]);
        assert_eq!(h.groups, [NamedGroup::X25519]);
        assert_eq!(h.random, [7; 32]);
    }

    #[test]
    fn every_truncation_is_an_error_and_no_mutation_panics() {
        let body = small_body();
        for n in 0..body.len() {
            // A hello may end after its compression methods, without extensions.
            let complete = n == HEAD_LEN;
            assert_eq!(
                ClientHello::decode(&body[..n]).is_ok(),
                complete,
                "prefix {n}"
            );
        }
        for i in 0..body.len() {
            for v in [0u8, 1, 0x7f, 0x80, 0xff] {
                let mut m = body.clone();
                m[i] = v;
                let _ = ClientHello::decode(&m);
            }
        }
    }

    #[test]
    fn malformed_hellos_are_errors_that_name_the_field() {
        let body = small_body();
        let cases: [(&str, Vec<u8>, &str); 5] = [
            (
                "odd suites",
                {
                    let mut m = body.clone();
                    m[35] = 3;
                    m.insert(38, 0);
                    m
                },
                "cipher_suites",
            ),
            (
                "session id of 33",
                {
                    let mut m = body[..2 + 32].to_vec();
                    m.push(33);
                    m.extend_from_slice(&[0; 33]);
                    m.extend_from_slice(&body[35..]);
                    m
                },
                "legacy_session_id",
            ),
            (
                "duplicate extension",
                {
                    let mut twice = EXTENSIONS.to_vec();
                    twice.extend_from_slice(&EXTENSIONS[21..]);
                    body_with(&twice)
                },
                "extensions",
            ),
            (
                "trailing bytes",
                {
                    let mut m = body.clone();
                    m.push(0);
                    m
                },
                "extensions",
            ),
            (
                "no compression method",
                {
                    let mut m = body[..HEAD_LEN - 2].to_vec();
                    m.push(0);
                    m
                },
                "legacy_compression_methods",
            ),
        ];
        for (what, bytes, field) in cases {
            let err = ClientHello::decode(&bytes).expect_err(what);
            assert_eq!(err.field, field, "{what}: {err}");
        }
    }

    #[test]
    fn a_client_that_begins_with_something_else_is_an_error() {
        let mut deframer = HandshakeDeframer::new();
        deframer.push(&[21, 3, 1, 0, 2, 2, 40]).unwrap();
        let err = next_client_hello(&mut deframer).unwrap_err();
        assert!(err.to_string().contains("not a ClientHello"), "{err}");
        let mut deframer = HandshakeDeframer::new();
        deframer.push(&[22, 3, 1, 0, 4, 2, 0, 0, 0]).unwrap();
        let err = next_client_hello(&mut deframer).unwrap_err();
        assert!(err.to_string().contains("server_hello"), "{err}");
    }

    #[test]
    fn a_hello_split_over_records_and_reads_is_reassembled() {
        let body = small_body();
        let mut message = vec![1, 0, 0, body.len() as u8];
        message.extend_from_slice(&body);
        let mut bytes = Vec::new();
        for chunk in message.chunks(7) {
            bytes.extend_from_slice(&[22, 3, 1, 0, chunk.len() as u8]);
            bytes.extend_from_slice(chunk);
        }
        let mut deframer = HandshakeDeframer::new();
        let mut got = None;
        for piece in bytes.chunks(3) {
            deframer.push(piece).unwrap();
            if let Some(h) = next_client_hello(&mut deframer).unwrap() {
                got = Some(h);
            }
        }
        assert_eq!(got.unwrap().hello, ClientHello::decode(&body).unwrap());
    }
}
