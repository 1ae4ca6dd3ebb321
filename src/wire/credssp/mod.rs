//! CredSSP (MS-CSSP) TSRequest in DER, and the NTLM NEGOTIATE / CHALLENGE messages (MS-NLMP) it carries: enough
//! to learn the server's CredSSP version and NTLM target information without sending any credentials.
//!
//! ```text
//! TSRequest ::= SEQUENCE {                      -- MS-CSSP 2.2.1
//!     version     [0] INTEGER,
//!     negoTokens  [1] NegoData OPTIONAL,        -- SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }
//!     authInfo    [2] OCTET STRING OPTIONAL,
//!     pubKeyAuth  [3] OCTET STRING OPTIONAL,
//!     errorCode   [4] INTEGER OPTIONAL,         -- versions 3, 4 and 6
//!     clientNonce [5] OCTET STRING OPTIONAL }   -- versions 5 and 6
//! ```

mod ntlm;

pub use ntlm::{
    encode_ntlm_challenge, filetime_to_unix, ntlm_message_type, ntlm_negotiate, AvId, MessageType,
    NtlmChallenge, WindowsVersion,
};

use super::reader::{DecodeError, Reader};
use super::writer::{u16_len, EncodeError};

/// The CredSSP version rdptls announces (FreeRDP and patched Windows send 6).
pub const CLIENT_VERSION: u32 = 6;
/// TSRequest versions 5 and 6 came with the CVE-2018-0886 fix of March 13, 2018 (Microsoft KB4093492, "CredSSP
/// updates for CVE-2018-0886"): they add `clientNonce` and bind `pubKeyAuth` to it with SHA-256 (MS-CSSP 2.2.1,
/// 3.1.5). A server that answers with version 2, 3 or 4 runs a CredSSP from before the fix.
pub const FIRST_PATCHED_VERSION: u32 = 5;
/// Largest TSRequest accepted from a server.
pub const MAX_TS_REQUEST: usize = 64 * 1024;

const PDU: &str = "TSRequest";

/// DER identifier octets, ITU-T X.690 8.1.2, with the universal tag numbers of X.680 8.4.
mod tag {
    /// INTEGER, universal 2.
    pub const INTEGER: u8 = 0x02;
    /// OCTET STRING, universal 4.
    pub const OCTET_STRING: u8 = 0x04;
    /// SEQUENCE and SEQUENCE OF, universal 16, constructed.
    pub const SEQUENCE: u8 = 0x30;

    /// `[n]`: context-specific class, constructed (the explicit tags of MS-CSSP's ASN.1 module).
    pub const fn context(n: u8) -> u8 {
        0xA0 | n
    }
}

/// TSRequest fields (MS-CSSP 2.2.1), each an explicit context tag.
const TS_VERSION: u8 = tag::context(0);
const TS_NEGO_TOKENS: u8 = tag::context(1);
const TS_AUTH_INFO: u8 = tag::context(2);
const TS_PUB_KEY_AUTH: u8 = tag::context(3);
const TS_ERROR_CODE: u8 = tag::context(4);
const TS_CLIENT_NONCE: u8 = tag::context(5);
/// `negoToken [0] OCTET STRING` inside each NegoData item, MS-CSSP 2.2.1.1.
const NEGO_TOKEN: u8 = tag::context(0);

/// DER length octets, X.690 8.1.3: up to 127 in one byte (short form), else 0x80 | the number of big-endian
/// length bytes that follow (long form). This codec writes up to two and reads up to three.
const SHORT_FORM_MAX: u8 = 0x7F;
const LONG_FORM_1: u8 = 0x81;
const LONG_FORM_2: u8 = 0x82;
const LONG_FORM_3: u8 = 0x83;

/// DER length octets for `len` content bytes; more than 65535 is an error (the longest form written here).
fn der_len(field: &'static str, len: usize, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    match u8::try_from(len) {
        Ok(short) if short <= SHORT_FORM_MAX => out.push(short),
        Ok(one) => out.extend_from_slice(&[LONG_FORM_1, one]),
        Err(_) => {
            out.push(LONG_FORM_2);
            out.extend_from_slice(&u16_len(PDU, field, len)?.to_be_bytes());
        }
    }
    Ok(())
}

/// One DER TLV.
fn der(tag: u8, field: &'static str, content: &[u8]) -> Result<Vec<u8>, EncodeError> {
    let mut out = vec![tag];
    der_len(field, content.len(), &mut out)?;
    out.extend_from_slice(content);
    Ok(out)
}

/// A TSRequest (MS-CSSP 2.2.1) with `version` and one negoToken. A token too long for a two-byte DER length is
/// an error.
pub fn encode_ts_request(version: u32, nego_token: &[u8]) -> Result<Vec<u8>, EncodeError> {
    let version_int = der(tag::INTEGER, "version", &minimal_int(version))?;
    let octets = der(tag::OCTET_STRING, "negoToken", nego_token)?;
    let token = der(NEGO_TOKEN, "negoToken", &octets)?;
    let item = der(tag::SEQUENCE, "negoTokens", &token)?;
    let list = der(tag::SEQUENCE, "negoTokens", &item)?;
    let nego_data = der(TS_NEGO_TOKENS, "negoTokens", &list)?;
    let mut body = der(TS_VERSION, "version", &version_int)?;
    body.extend_from_slice(&nego_data);
    der(tag::SEQUENCE, "sequence", &body)
}

/// Big-endian two's-complement bytes of a non-negative integer, shortest form (X.690 8.3.2).
fn minimal_int(v: u32) -> Vec<u8> {
    let mut b: Vec<u8> = v.to_be_bytes().to_vec();
    while b.len() > 1 && b[0] == 0 && b[1] & 0x80 == 0 {
        b.remove(0);
    }
    if b[0] & 0x80 != 0 {
        b.insert(0, 0);
    }
    b
}

/// The parts of a server's TSRequest a scanner reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsRequest {
    /// `version [0]`: the sender's CredSSP version.
    pub version: u32,
    /// The first negoToken (an NTLM or SPNEGO message), if any.
    pub nego_token: Option<Vec<u8>>,
    /// `errorCode [4]`, an NTSTATUS (versions 3, 4 and 6).
    pub error_code: Option<u32>,
}

/// Reads one DER TLV: (tag, contents). Lengths are bounded by what is left.
fn tlv<'a>(r: &mut Reader<'a>, field: &'static str) -> Result<(u8, Reader<'a>), DecodeError> {
    let tag = r.u8(field)?;
    let first = r.u8(field)?;
    let len = match first {
        0..=SHORT_FORM_MAX => usize::from(first),
        LONG_FORM_1 => usize::from(r.u8(field)?),
        LONG_FORM_2 => usize::from(r.u16_be(field)?),
        LONG_FORM_3 => r.u24_be(field)? as usize,
        _ => return Err(r.invalid(field, format!("unsupported DER length form 0x{first:02x}"))),
    };
    Ok((tag, r.sub(field, len)?))
}

fn expect_tag<'a>(
    r: &mut Reader<'a>,
    tag: u8,
    field: &'static str,
) -> Result<Reader<'a>, DecodeError> {
    let (got, inner) = tlv(r, field)?;
    if got != tag {
        return Err(r.invalid(field, format!("expected tag 0x{tag:02x}, got 0x{got:02x}")));
    }
    Ok(inner)
}

/// An INTEGER's value as 32 bits (errorCode NTSTATUS values are negative in DER: keep the bit pattern).
fn integer(r: &mut Reader<'_>, field: &'static str) -> Result<u32, DecodeError> {
    let mut int = expect_tag(r, tag::INTEGER, field)?;
    let bytes = int.rest();
    if bytes.is_empty() || bytes.len() > 5 || (bytes.len() == 5 && bytes[0] != 0) {
        return Err(int.invalid(
            field,
            format!("{} bytes is not a 32-bit integer", bytes.len()),
        ));
    }
    let negative = bytes.len() < 5 && bytes[0] & 0x80 != 0;
    let mut v: u32 = if negative { u32::MAX } else { 0 };
    for b in int.take(field, bytes.len())? {
        v = (v << 8) | u32::from(*b);
    }
    Ok(v)
}

impl TsRequest {
    /// Total length of the TSRequest that starts `buf`, once its header is there: `Ok(None)` means more bytes
    /// are needed for the header itself.
    pub fn frame_len(buf: &[u8]) -> Result<Option<usize>, DecodeError> {
        let mut r = Reader::new(PDU, buf);
        let Ok(tag) = r.u8("tag") else {
            return Ok(None);
        };
        if tag != tag::SEQUENCE {
            return Err(r.invalid(
                "tag",
                format!("expected a SEQUENCE (0x30), got 0x{tag:02x}"),
            ));
        }
        let Ok(first) = r.u8("length") else {
            return Ok(None);
        };
        let (header, len) = match first {
            0..=SHORT_FORM_MAX => (2, usize::from(first)),
            LONG_FORM_1 => match r.u8("length") {
                Ok(l) => (3, usize::from(l)),
                Err(_) => return Ok(None),
            },
            LONG_FORM_2 => match r.u16_be("length") {
                Ok(l) => (4, usize::from(l)),
                Err(_) => return Ok(None),
            },
            _ => {
                return Err(r.invalid(
                    "length",
                    format!("unsupported DER length form 0x{first:02x}"),
                ))
            }
        };
        let total = header + len;
        if total > MAX_TS_REQUEST {
            return Err(r.invalid("length", format!("{total} bytes exceeds {MAX_TS_REQUEST}")));
        }
        Ok(Some(total))
    }

    pub fn decode(buf: &[u8]) -> Result<Self, DecodeError> {
        let mut outer = Reader::new(PDU, buf);
        let mut seq = expect_tag(&mut outer, tag::SEQUENCE, "sequence")?;
        let mut out = TsRequest {
            version: 0,
            nego_token: None,
            error_code: None,
        };
        let mut have_version = false;
        while !seq.is_empty() {
            let (tag, mut field) = tlv(&mut seq, "field")?;
            match tag {
                TS_VERSION => {
                    // A version is a non-negative INTEGER: a negative one (its first byte's top bit set) is an
                    // error, never a huge version.
                    let mut peek = field.clone();
                    let negative = expect_tag(&mut peek, tag::INTEGER, "version")
                        .ok()
                        .and_then(|int| int.rest().first().copied())
                        .is_some_and(|b| b & 0x80 != 0);
                    if negative {
                        return Err(DecodeError::invalid(PDU, "version", "negative"));
                    }
                    out.version = integer(&mut field, "version")?;
                    have_version = true;
                }
                TS_NEGO_TOKENS => {
                    // NegoData ::= SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }
                    let mut list = expect_tag(&mut field, tag::SEQUENCE, "negoTokens")?;
                    if !list.is_empty() {
                        let mut item = expect_tag(&mut list, tag::SEQUENCE, "negoTokens")?;
                        let mut token = expect_tag(&mut item, NEGO_TOKEN, "negoToken")?;
                        let octets = expect_tag(&mut token, tag::OCTET_STRING, "negoToken")?;
                        out.nego_token = Some(octets.rest().to_vec());
                    }
                }
                TS_ERROR_CODE => out.error_code = Some(integer(&mut field, "errorCode")?),
                TS_AUTH_INFO | TS_PUB_KEY_AUTH | TS_CLIENT_NONCE => {} // not needed
                _ => {}                                                // unknown fields are skipped
            }
        }
        if !have_version {
            return Err(DecodeError::invalid(PDU, "version", "missing"));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::ntlm::tests::challenge;
    use super::*;

    #[test]
    fn negotiate_request_matches_the_nmap_prefix() {
        let req = encode_ts_request(CLIENT_VERSION, &ntlm_negotiate()).unwrap();
        // 30 37 A0 03 02 01 06 A1 30 30 2E 30 2C A0 2A 04 28 "NTLMSSP\0" 01 00 00 00 B7 82 08 E2
        assert_eq!(
            &req[..17],
            &[
                0x30, 0x37, 0xA0, 0x03, 0x02, 0x01, 0x06, 0xA1, 0x30, 0x30, 0x2E, 0x30, 0x2C, 0xA0,
                0x2A, 0x04, 0x28
            ]
        );
        assert_eq!(&req[17..25], ntlm::NTLMSSP);
        assert_eq!(&req[25..33], &[1, 0, 0, 0, 0xB7, 0x82, 0x08, 0xE2]);
        assert_eq!(TsRequest::frame_len(&req).unwrap(), Some(req.len()));
        let back = TsRequest::decode(&req).unwrap();
        assert_eq!(back.version, 6);
        assert_eq!(back.nego_token.as_deref(), Some(&ntlm_negotiate()[..]));
    }

    #[test]
    fn server_reply_with_a_challenge_is_read() {
        let reply = encode_ts_request(6, &challenge()).unwrap();
        let ts = TsRequest::decode(&reply).unwrap();
        let c = NtlmChallenge::decode(ts.nego_token.as_deref().unwrap()).unwrap();
        assert_eq!(
            c.version.map(|v| v.to_string()).as_deref(),
            Some("10.0.17763")
        );
        assert_eq!(c.target_name.as_deref(), Some("CORP"));
        assert_eq!(c.netbios_computer.as_deref(), Some("RDP01"));
        assert_eq!(c.dns_computer.as_deref(), Some("rdp01.corp.example"));
        assert_eq!(c.dns_domain.as_deref(), Some("corp.example"));
        assert_eq!(filetime_to_unix(c.timestamp.unwrap()), 1_655_526_400);
    }

    #[test]
    fn error_code_reply_from_an_older_server_is_read() {
        // A server reply from the samples of the SySS-Research Seth tool (seth/consts.py): version 4, errorCode
        // 0xC000005E (STATUS_NO_LOGON_SERVERS), no negoTokens.
        let ts = TsRequest::decode(&[
            0x30, 0x0d, 0xa0, 0x03, 0x02, 0x01, 0x04, 0xa4, 0x06, 0x02, 0x04, 0xc0, 0x00, 0x00,
            0x5e,
        ])
        .unwrap();
        assert_eq!(ts.version, 4);
        assert_eq!(ts.error_code, Some(0xC000_005E));
        assert_eq!(ts.nego_token, None);
    }

    #[test]
    fn truncated_or_hostile_input_is_an_error_never_a_panic() {
        let reply = encode_ts_request(6, &challenge()).unwrap();
        for cut in 0..reply.len() {
            assert!(TsRequest::decode(&reply[..cut]).is_err());
            let _ = TsRequest::frame_len(&reply[..cut]);
        }
        assert!(TsRequest::frame_len(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_err());
        assert!(
            TsRequest::frame_len(&[0x30, 0x82, 0xff, 0xff]).is_err(),
            "beyond MAX_TS_REQUEST"
        );
        assert!(
            TsRequest::frame_len(&[0x15, 0x03]).is_err(),
            "a TLS alert is not a TSRequest"
        );
    }

    #[test]
    fn der_lengths_use_the_shortest_form_and_refuse_what_two_bytes_cannot_count() {
        for (len, want) in [
            (0, vec![0x00]),
            (0x7F, vec![0x7F]),
            (0x80, vec![0x81, 0x80]),
            (0xFF, vec![0x81, 0xFF]),
            (0x100, vec![0x82, 0x01, 0x00]),
            (0xFFFF, vec![0x82, 0xFF, 0xFF]),
        ] {
            let mut out = Vec::new();
            der_len("f", len, &mut out).unwrap();
            assert_eq!(out, want, "{len}");
        }
        // Nesting adds headers: a token of 65535 bytes no longer fits the outer two-byte lengths.
        let err = encode_ts_request(6, &[0; 0xFFFF]).unwrap_err();
        assert_eq!((err.pdu, err.field), ("TSRequest", "negoToken"));
        assert_eq!(
            err,
            EncodeError::too_large("TSRequest", "negoToken", 0x1_0003, 0xFFFF)
        );
        let ok = encode_ts_request(6, &[0; 60_000]).unwrap();
        assert_eq!(
            TsRequest::decode(&ok).unwrap().nego_token.unwrap().len(),
            60_000
        );
    }

    #[test]
    fn tags_are_the_der_identifier_octets() {
        assert_eq!(
            [TS_VERSION, TS_NEGO_TOKENS, TS_ERROR_CODE, TS_CLIENT_NONCE],
            [0xA0, 0xA1, 0xA4, 0xA5]
        );
        assert_eq!(
            [tag::INTEGER, tag::OCTET_STRING, tag::SEQUENCE],
            [0x02, 0x04, 0x30]
        );
    }
}

#[cfg(test)]
mod version_tests {
    use super::*;

    #[test]
    fn a_negative_version_is_an_error_not_a_huge_version() {
        // SEQUENCE { [0] { INTEGER -1 } }
        let bytes = [0x30, 0x05, 0xa0, 0x03, 0x02, 0x01, 0xff];
        let err = TsRequest::decode(&bytes).unwrap_err();
        assert!(err.to_string().contains("negative"), "{err}");
        // A positive version that needs the extra zero byte still reads.
        let bytes = [0x30, 0x06, 0xa0, 0x04, 0x02, 0x02, 0x00, 0xff];
        assert_eq!(TsRequest::decode(&bytes).unwrap().version, 255);
    }
}
