//! TPKT (RFC 1006) and X.224 framing with the RDP negotiation structures of MS-RDPBCGR 2.2.1.1 and 2.2.1.2.

use std::fmt;

use super::reader::{DecodeError, Reader};

/// TPKT version byte, RFC 1006.
pub const TPKT_VERSION: u8 = 3;
/// TPKT header length: version, reserved, length (u16 BE).
pub const TPKT_HEADER_LEN: usize = 4;

/// X.224 TPDU codes (upper nibble of the code byte), ITU-T X.224 13.1.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TpduCode(pub u8);

impl TpduCode {
    pub const CONNECTION_REQUEST: Self = Self(0xE0);
    pub const CONNECTION_CONFIRM: Self = Self(0xD0);
    pub const DISCONNECT_REQUEST: Self = Self(0x80);
    pub const DATA: Self = Self(0xF0);
    pub const ERROR: Self = Self(0x70);

    fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::CONNECTION_REQUEST => "CR",
            Self::CONNECTION_CONFIRM => "CC",
            Self::DISCONNECT_REQUEST => "DR",
            Self::DATA => "DT",
            Self::ERROR => "ER",
            _ => return None,
        })
    }
}

impl fmt::Debug for TpduCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for TpduCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "unknown(0x{:02x})", self.0),
        }
    }
}

/// A set of RDP security protocols (`requestedProtocols` / `selectedProtocol`), MS-RDPBCGR 2.2.1.1.1.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Protocols(pub u32);

impl Protocols {
    /// Standard RDP security: no bit set.
    pub const RDP: Self = Self(0x00);
    pub const SSL: Self = Self(0x01);
    pub const HYBRID: Self = Self(0x02);
    pub const RDSTLS: Self = Self(0x04);
    pub const HYBRID_EX: Self = Self(0x08);
    pub const RDSAAD: Self = Self(0x10);

    /// Every single protocol, in the order probes run and reports list them.
    pub const ALL: [Self; 6] = [
        Self::RDP,
        Self::SSL,
        Self::HYBRID,
        Self::RDSTLS,
        Self::HYBRID_EX,
        Self::RDSAAD,
    ];

    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// The stable lower-case name used in JSON: `rdp`, `ssl`, `hybrid`, ... or `unknown(0x..)`.
    pub fn key(self) -> String {
        match self {
            Self::RDP => "rdp".into(),
            Self::SSL => "ssl".into(),
            Self::HYBRID => "hybrid".into(),
            Self::RDSTLS => "rdstls".into(),
            Self::HYBRID_EX => "hybrid_ex".into(),
            Self::RDSAAD => "rdsaad".into(),
            Self(v) => format!("unknown(0x{v:x})"),
        }
    }

    /// What an administrator calls it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::RDP => "standard RDP security",
            Self::SSL => "TLS",
            Self::HYBRID => "CredSSP (NLA)",
            Self::RDSTLS => "RDSTLS",
            Self::HYBRID_EX => "CredSSP with early user authorization (NLA)",
            Self::RDSAAD => "RDS AAD (Entra ID) authentication",
            _ => "an unknown protocol",
        }
    }
}

impl fmt::Debug for Protocols {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Protocols {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if Self::ALL.contains(self) {
            return f.write_str(match *self {
                Self::RDP => "PROTOCOL_RDP",
                Self::SSL => "PROTOCOL_SSL",
                Self::HYBRID => "PROTOCOL_HYBRID",
                Self::RDSTLS => "PROTOCOL_RDSTLS",
                Self::HYBRID_EX => "PROTOCOL_HYBRID_EX",
                _ => "PROTOCOL_RDSAAD",
            });
        }
        let mut first = true;
        let mut rest = self.0;
        for p in &Self::ALL[1..] {
            if self.contains(*p) {
                if !first {
                    f.write_str("|")?;
                }
                first = false;
                write!(f, "{p}")?;
                rest &= !p.0;
            }
        }
        if rest != 0 {
            if !first {
                f.write_str("|")?;
            }
            write!(f, "unknown(0x{rest:x})")?;
        }
        Ok(())
    }
}

/// RDP_NEG_REQ flags, MS-RDPBCGR 2.2.1.1.1.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct RequestFlags(pub u8);

impl RequestFlags {
    pub const RESTRICTED_ADMIN_MODE_REQUIRED: Self = Self(0x01);
    pub const REDIRECTED_AUTHENTICATION_MODE_REQUIRED: Self = Self(0x02);
    pub const CORRELATION_INFO_PRESENT: Self = Self(0x08);
}

/// RDP_NEG_RSP flags, MS-RDPBCGR 2.2.1.2.1.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ResponseFlags(pub u8);

impl ResponseFlags {
    pub const EXTENDED_CLIENT_DATA_SUPPORTED: Self = Self(0x01);
    pub const DYNVC_GFX_PROTOCOL_SUPPORTED: Self = Self(0x02);
    pub const NEGRSP_FLAG_RESERVED: Self = Self(0x04);
    pub const RESTRICTED_ADMIN_MODE_SUPPORTED: Self = Self(0x08);
    pub const REDIRECTED_AUTHENTICATION_MODE_SUPPORTED: Self = Self(0x10);

    const NAMES: [(Self, &'static str); 5] = [
        (Self::EXTENDED_CLIENT_DATA_SUPPORTED, "extended_client_data"),
        (Self::DYNVC_GFX_PROTOCOL_SUPPORTED, "gfx"),
        (Self::NEGRSP_FLAG_RESERVED, "reserved"),
        (Self::RESTRICTED_ADMIN_MODE_SUPPORTED, "restricted_admin"),
        (
            Self::REDIRECTED_AUTHENTICATION_MODE_SUPPORTED,
            "redirected_authentication",
        ),
    ];

    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// The names of the set flags; unknown bits as `unknown(0x..)`.
    pub fn names(self) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = self.0;
        for (flag, name) in Self::NAMES {
            if self.contains(flag) {
                out.push(name.to_string());
                rest &= !flag.0;
            }
        }
        if rest != 0 {
            out.push(format!("unknown(0x{rest:02x})"));
        }
        out
    }
}

/// RDP_NEG_FAILURE failureCode, MS-RDPBCGR 2.2.1.2.2. Unknown codes are kept.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FailureCode(pub u32);

impl FailureCode {
    pub const SSL_REQUIRED_BY_SERVER: Self = Self(1);
    pub const SSL_NOT_ALLOWED_BY_SERVER: Self = Self(2);
    pub const SSL_CERT_NOT_ON_SERVER: Self = Self(3);
    pub const INCONSISTENT_FLAGS: Self = Self(4);
    pub const HYBRID_REQUIRED_BY_SERVER: Self = Self(5);
    pub const SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER: Self = Self(6);

    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::SSL_REQUIRED_BY_SERVER => "SSL_REQUIRED_BY_SERVER",
            Self::SSL_NOT_ALLOWED_BY_SERVER => "SSL_NOT_ALLOWED_BY_SERVER",
            Self::SSL_CERT_NOT_ON_SERVER => "SSL_CERT_NOT_ON_SERVER",
            Self::INCONSISTENT_FLAGS => "INCONSISTENT_FLAGS",
            Self::HYBRID_REQUIRED_BY_SERVER => "HYBRID_REQUIRED_BY_SERVER",
            Self::SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER => "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
            _ => return None,
        })
    }
}

impl fmt::Debug for FailureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for FailureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "unknown(0x{:02x})", self.0),
        }
    }
}

/// RDP negotiation structure types, MS-RDPBCGR 2.2.1.1.1 and 2.2.1.2.
const TYPE_RDP_NEG_REQ: u8 = 0x01;
const TYPE_RDP_NEG_RSP: u8 = 0x02;
const TYPE_RDP_NEG_FAILURE: u8 = 0x03;
const NEG_LEN: u16 = 8;

/// RDP_NEG_REQ, MS-RDPBCGR 2.2.1.1.1.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct NegotiationRequest {
    pub flags: RequestFlags,
    pub requested: Protocols,
}

/// X.224 Connection Request, MS-RDPBCGR 2.2.1.1.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ConnectionRequest {
    /// `Cookie: mstshash=NAME\r\n` (the NAME part), or a routing token line `Cookie: msts=...\r\n` kept whole.
    pub cookie: Option<Cookie>,
    pub negotiation: Option<NegotiationRequest>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Cookie {
    /// `Cookie: mstshash=NAME`, the user name hint clients send.
    MstsHash(String),
    /// Any other line ending in CR LF, e.g. a load balancer's `Cookie: msts=` routing token.
    RoutingToken(Vec<u8>),
}

/// The negotiation part of a Connection Confirm.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NegotiationReply {
    /// A legacy server sent no negotiation data: standard RDP security only.
    None,
    /// RDP_NEG_RSP, MS-RDPBCGR 2.2.1.2.1.
    Response {
        flags: ResponseFlags,
        selected: Protocols,
    },
    /// RDP_NEG_FAILURE, MS-RDPBCGR 2.2.1.2.2.
    Failure(FailureCode),
}

/// X.224 Connection Confirm, MS-RDPBCGR 2.2.1.2.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ConnectionConfirm {
    pub dst_ref: u16,
    /// Windows and xrdp send 0x1234, FreeRDP 0; any value is accepted.
    pub src_ref: u16,
    pub class: u8,
    pub negotiation: NegotiationReply,
}

/// Whatever a server sent where a Connection Confirm was expected.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum X224Reply {
    Confirm(ConnectionConfirm),
    /// X.224 Disconnect Request; `reason` is the DR reason byte.
    Disconnect {
        reason: u8,
    },
    /// An X.224 Data TPDU. xrdp answers an RDSAAD request with MCS Disconnect Provider Ultimatum (`21 80`).
    Data {
        mcs_disconnect: bool,
        payload: Vec<u8>,
    },
    /// An X.224 Error TPDU or another code.
    Other {
        code: TpduCode,
    },
}

/// Checks a TPKT header and returns the whole packet's length (header included).
pub fn tpkt_packet_len(header: [u8; TPKT_HEADER_LEN]) -> Result<usize, DecodeError> {
    if header[0] != TPKT_VERSION {
        return Err(DecodeError::invalid(
            "TPKT",
            "version",
            format!("expected 0x03, got 0x{:02x}", header[0]),
        ));
    }
    let len = u16::from_be_bytes([header[2], header[3]]) as usize;
    // The smallest X.224 TPDU (DT) has a 3-byte header.
    if len < TPKT_HEADER_LEN + 3 {
        return Err(DecodeError::invalid(
            "TPKT",
            "length",
            format!("{len} is too small"),
        ));
    }
    Ok(len)
}

/// Wraps `payload` in a TPKT header.
pub fn encode_tpkt(payload: &[u8]) -> Vec<u8> {
    let len = (payload.len() + TPKT_HEADER_LEN) as u16;
    let mut out = Vec::with_capacity(len as usize);
    out.extend_from_slice(&[TPKT_VERSION, 0]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// Reads a TPKT header and returns a reader over the X.224 part, which must fill the packet exactly.
fn tpkt_body<'a>(pdu: &'static str, packet: &'a [u8]) -> Result<Reader<'a>, DecodeError> {
    let mut r = Reader::new(pdu, packet);
    let header = r.take("tpkt", TPKT_HEADER_LEN)?;
    let len = tpkt_packet_len([header[0], header[1], header[2], header[3]])?;
    if len != packet.len() {
        return Err(DecodeError::invalid(
            "TPKT",
            "length",
            format!("header says {len} bytes, packet has {}", packet.len()),
        ));
    }
    Ok(r)
}

/// Encodes an X.224 connection TPDU (CR or CC) with its variable part, wrapped in TPKT.
fn encode_connection_tpdu(code: TpduCode, dst: u16, src: u16, class: u8, var: &[u8]) -> Vec<u8> {
    let mut x224 = Vec::with_capacity(7 + var.len());
    x224.push((6 + var.len()) as u8);
    x224.push(code.0);
    x224.extend_from_slice(&dst.to_be_bytes());
    x224.extend_from_slice(&src.to_be_bytes());
    x224.push(class);
    x224.extend_from_slice(var);
    encode_tpkt(&x224)
}

fn encode_neg(kind: u8, flags: u8, value: u32) -> [u8; 8] {
    let mut b = [kind, flags, 0, 0, 0, 0, 0, 0];
    b[2..4].copy_from_slice(&NEG_LEN.to_le_bytes());
    b[4..8].copy_from_slice(&value.to_le_bytes());
    b
}

/// Reads the fixed part of a connection TPDU: LI, code, dst-ref, src-ref, class. Returns the variable part.
fn decode_connection_header<'a>(
    r: &mut Reader<'a>,
    expect: TpduCode,
) -> Result<(u16, u16, u8, Reader<'a>), DecodeError> {
    let li = r.u8("li")? as usize;
    if li != r.remaining() {
        return Err(r.invalid(
            "li",
            format!("says {li} bytes follow, {} do", r.remaining()),
        ));
    }
    let code = TpduCode(r.u8("code")? & 0xF0);
    if code != expect {
        return Err(r.invalid("code", format!("expected {expect}, got {code}")));
    }
    let dst = r.u16_be("dst_ref")?;
    let src = r.u16_be("src_ref")?;
    let class = r.u8("class")?;
    let rest = r.remaining();
    Ok((dst, src, class, r.sub("variable", rest)?))
}

/// Reads an 8-byte RDP_NEG_* structure: type, flags, value.
fn decode_neg(r: &mut Reader<'_>) -> Result<(u8, u8, u32), DecodeError> {
    let kind = r.u8("type")?;
    let flags = r.u8("flags")?;
    let len = r.u16_le("length")?;
    if len != NEG_LEN {
        return Err(r.invalid("length", format!("must be 8, got {len}")));
    }
    Ok((kind, flags, r.u32_le("value")?))
}

impl ConnectionRequest {
    /// A request for `protocols` with an optional `mstshash` cookie, as mstsc sends it.
    pub fn new(protocols: Protocols, cookie: Option<&str>) -> Self {
        Self {
            cookie: cookie.map(|c| Cookie::MstsHash(c.to_string())),
            negotiation: Some(NegotiationRequest {
                flags: RequestFlags(0),
                requested: protocols,
            }),
        }
    }

    /// The whole packet, TPKT header included.
    pub fn encode(&self) -> Vec<u8> {
        let mut var = Vec::new();
        match &self.cookie {
            Some(Cookie::MstsHash(name)) => {
                var.extend_from_slice(b"Cookie: mstshash=");
                var.extend_from_slice(name.as_bytes());
                var.extend_from_slice(b"\r\n");
            }
            Some(Cookie::RoutingToken(line)) => {
                var.extend_from_slice(line);
                var.extend_from_slice(b"\r\n");
            }
            None => {}
        }
        if let Some(neg) = self.negotiation {
            var.extend_from_slice(&encode_neg(TYPE_RDP_NEG_REQ, neg.flags.0, neg.requested.0));
        }
        encode_connection_tpdu(TpduCode::CONNECTION_REQUEST, 0, 0, 0, &var)
    }

    /// Decodes a whole TPKT packet holding a Connection Request (used by `rdptls serve`).
    pub fn decode(packet: &[u8]) -> Result<Self, DecodeError> {
        let mut r = tpkt_body("X224_CR", packet)?;
        let (_, _, _, mut var) = decode_connection_header(&mut r, TpduCode::CONNECTION_REQUEST)?;
        let mut out = Self::default();
        let rest = var.rest();
        if rest.starts_with(b"Cookie: ") {
            let end = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .ok_or_else(|| var.invalid("cookie", "no CR LF ends the cookie"))?;
            let line = var.take("cookie", end)?;
            var.take("cookie", 2)?;
            out.cookie = Some(match line.strip_prefix(b"Cookie: mstshash=") {
                Some(name) => Cookie::MstsHash(String::from_utf8_lossy(name).into_owned()),
                None => Cookie::RoutingToken(line.to_vec()),
            });
        }
        if var.is_empty() {
            return Ok(out);
        }
        let mut neg = Reader::new("RDP_NEG_REQ", var.rest());
        let (kind, flags, requested) = decode_neg(&mut neg)?;
        if kind != TYPE_RDP_NEG_REQ {
            return Err(neg.invalid("type", format!("expected 0x01, got 0x{kind:02x}")));
        }
        // RDP_NEG_CORRELATION_INFO may follow; it carries nothing a scanner needs.
        out.negotiation = Some(NegotiationRequest {
            flags: RequestFlags(flags),
            requested: Protocols(requested),
        });
        Ok(out)
    }
}

impl ConnectionConfirm {
    /// The whole packet, TPKT header included.
    pub fn encode(&self) -> Vec<u8> {
        let var: Vec<u8> = match self.negotiation {
            NegotiationReply::None => Vec::new(),
            NegotiationReply::Response { flags, selected } => {
                encode_neg(TYPE_RDP_NEG_RSP, flags.0, selected.0).to_vec()
            }
            NegotiationReply::Failure(code) => encode_neg(TYPE_RDP_NEG_FAILURE, 0, code.0).to_vec(),
        };
        encode_connection_tpdu(
            TpduCode::CONNECTION_CONFIRM,
            self.dst_ref,
            self.src_ref,
            self.class,
            &var,
        )
    }
}

impl X224Reply {
    /// Decodes one whole TPKT packet received where a Connection Confirm was expected.
    pub fn decode(packet: &[u8]) -> Result<Self, DecodeError> {
        let mut r = tpkt_body("X224", packet)?;
        let mut peek = r.clone();
        let _li = peek.u8("li")?;
        let code = TpduCode(peek.u8("code")? & 0xF0);
        match code {
            TpduCode::CONNECTION_CONFIRM => Self::decode_confirm(&mut r).map(Self::Confirm),
            TpduCode::DISCONNECT_REQUEST => {
                // LI, code, dst-ref, src-ref, reason.
                let _ = peek.take("refs", 4)?;
                let reason = peek.u8("reason")?;
                Ok(Self::Disconnect { reason })
            }
            TpduCode::DATA => {
                let _eot = peek.u8("eot")?;
                let payload = peek.rest().to_vec();
                // MCS DisconnectProviderUltimatum: PER choice 8 in the top six bits (T.125).
                let mcs_disconnect = payload.first().is_some_and(|b| b & 0xFC == 0x20);
                Ok(Self::Data {
                    mcs_disconnect,
                    payload,
                })
            }
            code => Ok(Self::Other { code }),
        }
    }

    fn decode_confirm(r: &mut Reader<'_>) -> Result<ConnectionConfirm, DecodeError> {
        let (dst_ref, src_ref, class, var) =
            decode_connection_header(r, TpduCode::CONNECTION_CONFIRM)?;
        if var.is_empty() {
            return Ok(ConnectionConfirm {
                dst_ref,
                src_ref,
                class,
                negotiation: NegotiationReply::None,
            });
        }
        let kind = var.rest()[0];
        let pdu = match kind {
            TYPE_RDP_NEG_RSP => "RDP_NEG_RSP",
            TYPE_RDP_NEG_FAILURE => "RDP_NEG_FAILURE",
            _ => "RDP_NEG",
        };
        let mut neg = Reader::new(pdu, var.rest());
        let (kind, flags, value) = decode_neg(&mut neg)?;
        neg.expect_end("trailer")?;
        let negotiation = match kind {
            TYPE_RDP_NEG_RSP => NegotiationReply::Response {
                flags: ResponseFlags(flags),
                selected: Protocols(value),
            },
            TYPE_RDP_NEG_FAILURE => NegotiationReply::Failure(FailureCode(value)),
            other => return Err(neg.invalid("type", format!("unexpected type 0x{other:02x}"))),
        };
        Ok(ConnectionConfirm {
            dst_ref,
            src_ref,
            class,
            negotiation,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn confirm(src_ref: u16, negotiation: NegotiationReply) -> X224Reply {
        X224Reply::Confirm(ConnectionConfirm {
            dst_ref: 0,
            src_ref,
            class: 0,
            negotiation,
        })
    }

    fn rsp(flags: u8, selected: Protocols) -> NegotiationReply {
        NegotiationReply::Response {
            flags: ResponseFlags(flags),
            selected,
        }
    }

    /// Every reply in shared/reference/wire.md, decoded and, where it is a Confirm, encoded back byte for byte.
    #[test]
    fn captured_replies_decode_and_round_trip() {
        use NegotiationReply::Failure;
        let cases = [
            // xrdp 0.9.21, security_layer=tls, RDP or HYBRID or HYBRID_EX requested.
            (
                "030000130ed000001234000300080001000000",
                confirm(0x1234, Failure(FailureCode::SSL_REQUIRED_BY_SERVER)),
            ),
            // xrdp, SSL selected.
            (
                "030000130ed000001234000201080001000000",
                confirm(0x1234, rsp(1, Protocols::SSL)),
            ),
            // xrdp security_layer=rdp (or negotiate without TLS asked): standard RDP security.
            (
                "030000130ed000001234000201080000000000",
                confirm(0x1234, rsp(1, Protocols::RDP)),
            ),
            // FreeRDP shadow /sec:nla: TLS-only request refused.
            (
                "030000130ed000000000000300080005000000",
                confirm(0, Failure(FailureCode::HYBRID_REQUIRED_BY_SERVER)),
            ),
            // FreeRDP shadow /sec:nla: HYBRID selected with flags 0x03.
            (
                "030000130ed000000000000203080002000000",
                confirm(0, rsp(3, Protocols::HYBRID)),
            ),
            // Windows (nmap fingerprints): CredSSP with flags 0x07, 0x0f and 0x1f.
            (
                "030000130ed000001234000207080002000000",
                confirm(0x1234, rsp(7, Protocols::HYBRID)),
            ),
            (
                "030000130ed00000123400020f080002000000",
                confirm(0x1234, rsp(0x0f, Protocols::HYBRID)),
            ),
            (
                "030000130ed00000123400021f080002000000",
                confirm(0x1234, rsp(0x1f, Protocols::HYBRID)),
            ),
            // A legacy server: bare CC, no negotiation data.
            ("0300000b06d00000000000", confirm(0, NegotiationReply::None)),
        ];
        for (bytes, want) in cases {
            let packet = hex(bytes);
            let got = X224Reply::decode(&packet).unwrap_or_else(|e| panic!("{bytes}: {e}"));
            assert_eq!(got, want, "{bytes}");
            if let X224Reply::Confirm(cc) = got {
                assert_eq!(cc.encode(), packet, "{bytes} round trip");
            }
        }
    }

    #[test]
    fn rdsaad_reply_from_xrdp_is_an_mcs_disconnect_in_a_data_tpdu() {
        let got = X224Reply::decode(&hex("0300000902f0802180")).unwrap();
        assert_eq!(
            got,
            X224Reply::Data {
                mcs_disconnect: true,
                payload: vec![0x21, 0x80]
            }
        );
    }

    #[test]
    fn disconnect_request_is_recognised() {
        let got = X224Reply::decode(&hex("0300000b0680000000000001")).unwrap_err();
        // LI says 6 but 7 bytes follow: the DR path reads what it can, the length check is TPKT's.
        assert!(got.to_string().contains("TPKT"), "{got}");
        let got = X224Reply::decode(&hex("0300000b06800000000001")).unwrap();
        assert_eq!(got, X224Reply::Disconnect { reason: 1 });
    }

    #[test]
    fn minimal_request_matches_reference_bytes_for_every_protocol() {
        for p in [0x00u8, 0x01, 0x02, 0x03, 0x04, 0x08, 0x0b, 0x10] {
            let req = ConnectionRequest::new(Protocols(p as u32), None);
            let want =
                hex(&format!("030000130ee000000000000100080 0{p:02x}000000").replace(' ', ""));
            assert_eq!(req.encode(), want);
            assert_eq!(ConnectionRequest::decode(&want).unwrap(), req);
        }
    }

    #[test]
    fn request_with_cookie_round_trips() {
        let req = ConnectionRequest::new(Protocols::SSL.union(Protocols::HYBRID), Some("rdptls"));
        let bytes = req.encode();
        assert_eq!(&bytes[11..28], b"Cookie: mstshash=");
        assert_eq!(ConnectionRequest::decode(&bytes).unwrap(), req);
    }

    #[test]
    fn every_failure_code_has_a_name_and_unknown_codes_survive() {
        for (code, name) in [
            (1, "SSL_REQUIRED_BY_SERVER"),
            (2, "SSL_NOT_ALLOWED_BY_SERVER"),
            (3, "SSL_CERT_NOT_ON_SERVER"),
            (4, "INCONSISTENT_FLAGS"),
            (5, "HYBRID_REQUIRED_BY_SERVER"),
            (6, "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER"),
        ] {
            let cc = ConnectionConfirm {
                dst_ref: 0,
                src_ref: 0x1234,
                class: 0,
                negotiation: NegotiationReply::Failure(FailureCode(code)),
            };
            let back = X224Reply::decode(&cc.encode()).unwrap();
            assert_eq!(back, X224Reply::Confirm(cc));
            assert_eq!(FailureCode(code).to_string(), name);
        }
        let got = X224Reply::decode(&hex("030000130ed000001234000300080007000000")).unwrap();
        let X224Reply::Confirm(cc) = got else {
            panic!("{got:?}")
        };
        assert_eq!(cc.negotiation, NegotiationReply::Failure(FailureCode(7)));
        assert_eq!(FailureCode(7).to_string(), "unknown(0x07)");
    }

    #[test]
    fn response_flags_are_named() {
        assert_eq!(
            ResponseFlags(0x1f).names(),
            [
                "extended_client_data",
                "gfx",
                "reserved",
                "restricted_admin",
                "redirected_authentication"
            ]
        );
        assert_eq!(
            ResponseFlags(0x41).names(),
            ["extended_client_data", "unknown(0x40)"]
        );
    }

    #[test]
    fn protocol_sets_display_their_members() {
        assert_eq!(
            Protocols(0x0b).to_string(),
            "PROTOCOL_SSL|PROTOCOL_HYBRID|PROTOCOL_HYBRID_EX"
        );
        assert_eq!(Protocols::RDP.to_string(), "PROTOCOL_RDP");
        assert_eq!(Protocols(0x41).to_string(), "PROTOCOL_SSL|unknown(0x40)");
    }

    #[test]
    fn malformed_replies_are_errors_that_name_the_field() {
        let cases = [
            ("0300", "X224.tpkt"),                // truncated TPKT header
            ("0300000d", "TPKT.length"),          // header longer than the packet
            ("1503010002022800", "TPKT.version"), // a TLS alert, not RDP
            (
                "030000130ed000001234000300040001000000",
                "RDP_NEG_FAILURE.length",
            ),
            (
                "030000120dd0000012340003000800010000",
                "RDP_NEG_FAILURE.value",
            ),
            ("030000130ed000001234000900080001000000", "RDP_NEG.type"),
            ("030000040ed0", "TPKT.length"),
        ];
        for (bytes, field) in cases {
            let err = X224Reply::decode(&hex(bytes)).unwrap_err();
            assert!(err.to_string().starts_with(field), "{bytes}: {err}");
        }
    }

    /// Mutations of every captured reply, and random bytes: decoding returns a value or an error, never panics.
    #[test]
    fn no_input_makes_the_decoder_panic() {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let captured = [
            "030000130ed000001234000300080001000000",
            "030000130ed000000000000203080002000000",
            "0300000b06d00000000000",
            "0300000902f0802180",
        ];
        for bytes in captured {
            let packet = hex(bytes);
            for cut in 0..=packet.len() {
                let _ = X224Reply::decode(&packet[..cut]);
                let _ = ConnectionRequest::decode(&packet[..cut]);
            }
            for _ in 0..2000 {
                let mut m = packet.clone();
                let i = (next() as usize) % m.len();
                m[i] = next() as u8;
                let _ = X224Reply::decode(&m);
                let _ = ConnectionRequest::decode(&m);
            }
        }
        for _ in 0..5000 {
            let len = (next() % 40) as usize;
            let mut m: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            if m.len() >= 4 {
                // Keep a plausible TPKT header so the decoder gets past it.
                m[0] = 3;
                m[2..4].copy_from_slice(&(len as u16).to_be_bytes());
            }
            let _ = X224Reply::decode(&m);
            let _ = ConnectionRequest::decode(&m);
        }
    }
}
