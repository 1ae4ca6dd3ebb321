//! The X.224 Connection Request and Confirm of MS-RDPBCGR 2.2.1.1 and 2.2.1.2, and the replies a server may send
//! instead of a Confirm.
//!
//! A connection TPDU is `LI CODE DST-REF(2) SRC-REF(2) CLASS` (ITU-T X.224 13.3 and 13.4, class 0) followed by
//! its variable part: the optional cookie line and the 8-byte RDP_NEG_* structure.

use super::tpkt::{encode_tpkt, tpkt_body, tpkt_header, HEADER_LEN};
use super::{
    ConnectionConfirm, ConnectionRequest, Cookie, FailureCode, NegotiationReply,
    NegotiationRequest, NegotiationType, Protocols, RequestFlags, ResponseFlags, TpduCode,
    X224Reply,
};
use crate::wire::reader::{DecodeError, Reader};
use crate::wire::writer::{check_limit, u8_len, EncodeError};

/// Largest X.224 length indicator: ITU-T X.224 13.2.1 (ISO 8073) allows at most 254; 255 is reserved for
/// extensions. The indicator counts the TPDU header after itself, so it bounds the cookie of a Connection Request.
pub const MAX_LENGTH_INDICATOR: u8 = 254;
/// The fixed part of a CR or CC TPDU after LI: code, DST-REF, SRC-REF, class option (X.224 13.3.1, 13.4.1).
const CONNECTION_FIXED_LEN: u8 = 6;
/// RDP_NEG_REQ, RDP_NEG_RSP and RDP_NEG_FAILURE are 8 bytes, and say so in their `length` field (u16 LE).
const NEG_LEN: u8 = 8;
/// The prefix of the user name hint line, MS-RDPBCGR 2.2.1.1 (`cookie`).
const MSTSHASH_PREFIX: &[u8] = b"Cookie: mstshash=";
/// What ends the cookie or routing token line, MS-RDPBCGR 2.2.1.1.
const CRLF: &[u8] = b"\r\n";
/// Most bytes the variable part of a CR can hold: the length indicator minus the fixed part.
const MAX_CR_VARIABLE_LEN: usize = (MAX_LENGTH_INDICATOR - CONNECTION_FIXED_LEN) as usize;
/// Longest `Cookie: mstshash=` name a Connection Request with an RDP_NEG_REQ can carry:
/// 254 - 6 (fixed part) - 17 (`Cookie: mstshash=`) - 2 (CR LF) - 8 (RDP_NEG_REQ) = 221 bytes.
pub const MAX_MSTSHASH_LEN: usize =
    MAX_CR_VARIABLE_LEN - MSTSHASH_PREFIX.len() - CRLF.len() - NEG_LEN as usize;

const CR_PDU: &str = "X224_CR";

/// An X.224 connection TPDU header (X.224 13.3.1 and 13.4.1) whose variable part is `var_len` bytes.
fn connection_header(
    var_len: u8,
    code: TpduCode,
    dst: u16,
    src: u16,
    class: u8,
) -> Result<[u8; 7], EncodeError> {
    let li = CONNECTION_FIXED_LEN.saturating_add(var_len);
    check_limit(
        CR_PDU,
        "li",
        usize::from(CONNECTION_FIXED_LEN) + usize::from(var_len),
        usize::from(MAX_LENGTH_INDICATOR),
    )?;
    let [d0, d1] = dst.to_be_bytes();
    let [s0, s1] = src.to_be_bytes();
    Ok([li, code.0, d0, d1, s0, s1, class])
}

/// An 8-byte RDP_NEG_* structure: type, flags, length (8, u16 LE), value (u32 LE).
fn encode_neg(kind: NegotiationType, flags: u8, value: u32) -> [u8; NEG_LEN as usize] {
    let mut b = [kind.0, flags, NEG_LEN, 0, 0, 0, 0, 0];
    b[4..8].copy_from_slice(&value.to_le_bytes());
    b
}

/// Reads the fixed part of a connection TPDU: LI, code, dst-ref, src-ref, class. Returns the variable part.
fn decode_connection_header<'a>(
    r: &mut Reader<'a>,
    expect: TpduCode,
) -> Result<(u16, u16, u8, Reader<'a>), DecodeError> {
    let li = usize::from(r.u8("li")?);
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
    if len != u16::from(NEG_LEN) {
        return Err(r.invalid("length", format!("must be 8, got {len}")));
    }
    Ok((kind, flags, r.u32_le("value")?))
}

/// Fails if `line` (a cookie or routing token, without its CR LF) would not survive as one line of at most
/// `limit` bytes: longer, or holding a CR LF that would end it early.
fn check_cookie_line(line: &[u8], limit: usize) -> Result<(), EncodeError> {
    check_limit(CR_PDU, "cookie", line.len(), limit)?;
    if line.windows(2).any(|w| w == CRLF) {
        return Err(EncodeError::invalid(
            CR_PDU,
            "cookie",
            "contains CR LF, which would end the cookie line early",
        ));
    }
    Ok(())
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

    /// The whole packet, TPKT header included. The cookie must fit the one-byte X.224 length indicator (at
    /// most [`MAX_MSTSHASH_LEN`] name bytes next to an RDP_NEG_REQ) and hold no CR LF; otherwise an error.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let neg = self
            .negotiation
            .map(|n| encode_neg(NegotiationType::RDP_NEG_REQ, n.flags.0, n.requested.0));
        // What the variable part leaves for the cookie line, CR LF included.
        let room = MAX_CR_VARIABLE_LEN - neg.map_or(0, |n| n.len()) - CRLF.len();
        let mut var = Vec::with_capacity(MAX_CR_VARIABLE_LEN);
        match &self.cookie {
            Some(Cookie::MstsHash(name)) => {
                check_cookie_line(name.as_bytes(), room - MSTSHASH_PREFIX.len())?;
                var.extend_from_slice(MSTSHASH_PREFIX);
                var.extend_from_slice(name.as_bytes());
                var.extend_from_slice(CRLF);
            }
            Some(Cookie::RoutingToken(line)) => {
                check_cookie_line(line, room)?;
                var.extend_from_slice(line);
                var.extend_from_slice(CRLF);
            }
            None => {}
        }
        if let Some(neg) = neg {
            var.extend_from_slice(&neg);
        }
        let var_len = u8_len(CR_PDU, "li", var.len())?;
        let header = connection_header(var_len, TpduCode::CONNECTION_REQUEST, 0, 0, 0)?;
        encode_tpkt(&[&header[..], &var].concat())
    }

    /// Decodes a whole TPKT packet holding a Connection Request (used by `rdptls serve`).
    pub fn decode(packet: &[u8]) -> Result<Self, DecodeError> {
        let mut r = tpkt_body(CR_PDU, packet)?;
        let (_, _, _, mut var) = decode_connection_header(&mut r, TpduCode::CONNECTION_REQUEST)?;
        let mut out = Self::default();
        let rest = var.rest();
        if rest.starts_with(b"Cookie: ") {
            let end = rest
                .windows(2)
                .position(|w| w == CRLF)
                .ok_or_else(|| var.invalid("cookie", "no CR LF ends the cookie"))?;
            let line = var.take("cookie", end)?;
            var.take("cookie", CRLF.len())?;
            out.cookie = Some(match line.strip_prefix(MSTSHASH_PREFIX) {
                Some(name) => Cookie::MstsHash(String::from_utf8_lossy(name).into_owned()),
                None => Cookie::RoutingToken(line.to_vec()),
            });
        }
        if var.is_empty() {
            return Ok(out);
        }
        let mut neg = Reader::new("RDP_NEG_REQ", var.rest());
        let (kind, flags, requested) = decode_neg(&mut neg)?;
        if NegotiationType(kind) != NegotiationType::RDP_NEG_REQ {
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
    /// The whole packet, TPKT header included: 11 bytes, or 19 with an RDP_NEG_RSP or RDP_NEG_FAILURE.
    pub fn encode(&self) -> Vec<u8> {
        let neg = match self.negotiation {
            NegotiationReply::None => None,
            NegotiationReply::Response { flags, selected } => Some(encode_neg(
                NegotiationType::RDP_NEG_RSP,
                flags.0,
                selected.0,
            )),
            NegotiationReply::Failure(code) => {
                Some(encode_neg(NegotiationType::RDP_NEG_FAILURE, 0, code.0))
            }
        };
        let var_len = if neg.is_some() { NEG_LEN } else { 0 };
        let li = CONNECTION_FIXED_LEN + var_len;
        // TPKT header, LI byte, then LI bytes: at most 4 + 1 + 14.
        let total = HEADER_LEN + 1 + u16::from(li);
        let [d0, d1] = self.dst_ref.to_be_bytes();
        let [s0, s1] = self.src_ref.to_be_bytes();
        let mut out = Vec::with_capacity(usize::from(total));
        out.extend_from_slice(&tpkt_header(total));
        out.extend_from_slice(&[
            li,
            TpduCode::CONNECTION_CONFIRM.0,
            d0,
            d1,
            s0,
            s1,
            self.class,
        ]);
        if let Some(neg) = neg {
            out.extend_from_slice(&neg);
        }
        out
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
        let kind = NegotiationType(var.rest()[0]);
        let pdu = match kind {
            NegotiationType::RDP_NEG_RSP | NegotiationType::RDP_NEG_FAILURE => {
                kind.name().unwrap_or("RDP_NEG")
            }
            _ => "RDP_NEG",
        };
        let mut neg = Reader::new(pdu, var.rest());
        let (kind, flags, value) = decode_neg(&mut neg)?;
        neg.expect_end("trailer")?;
        let negotiation = match NegotiationType(kind) {
            NegotiationType::RDP_NEG_RSP => NegotiationReply::Response {
                flags: ResponseFlags(flags),
                selected: Protocols(value),
            },
            NegotiationType::RDP_NEG_FAILURE => NegotiationReply::Failure(FailureCode(value)),
            _ => return Err(neg.invalid("type", format!("unexpected type 0x{kind:02x}"))),
        };
        Ok(ConnectionConfirm {
            dst_ref,
            src_ref,
            class,
            negotiation,
        })
    }
}
