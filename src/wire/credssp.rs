//! CredSSP (MS-CSSP) TSRequest in DER, and the NTLM NEGOTIATE / CHALLENGE messages (MS-NLMP) it carries: enough
//! to learn the server's CredSSP version and NTLM target information without sending any credentials.

use super::reader::{DecodeError, Reader};

/// The CredSSP version rdptls announces (FreeRDP and patched Windows send 6).
pub const CLIENT_VERSION: u32 = 6;
/// TSRequest versions from the March 2018 CVE-2018-0886 fix on (MS-CSSP; windows-kb.md 2.2).
pub const FIRST_PATCHED_VERSION: u32 = 5;
/// Largest TSRequest accepted from a server.
pub const MAX_TS_REQUEST: usize = 64 * 1024;

const NTLMSSP: &[u8; 8] = b"NTLMSSP\0";
/// NEGOTIATE flags as nmap's rdp-ntlm-info sends them: UNICODE, OEM, REQUEST_TARGET, NTLM, ALWAYS_SIGN,
/// EXTENDED_SESSIONSECURITY, TARGET_INFO, VERSION, 128, KEY_EXCH, 56 (and SIGN, SEAL).
const NEGOTIATE_FLAGS: u32 = 0xE208_82B7;
const NTLMSSP_NEGOTIATE_VERSION: u32 = 0x0200_0000;

/// The NTLM NEGOTIATE message (MS-NLMP 2.2.1.1): no domain, no workstation, a version field.
pub fn ntlm_negotiate() -> Vec<u8> {
    let mut m = Vec::with_capacity(40);
    m.extend_from_slice(NTLMSSP);
    m.extend_from_slice(&1u32.to_le_bytes());
    m.extend_from_slice(&NEGOTIATE_FLAGS.to_le_bytes());
    m.extend_from_slice(&[0; 16]); // DomainNameFields, WorkstationFields
                                   // Version: 10.0.17763, NTLMSSP_REVISION_W2K3 (15).
    m.extend_from_slice(&[10, 0]);
    m.extend_from_slice(&17763u16.to_le_bytes());
    m.extend_from_slice(&[0, 0, 0, 15]);
    m
}

/// DER length octets.
fn der_len(len: usize, out: &mut Vec<u8>) {
    match len {
        0..=0x7F => out.push(len as u8),
        0x80..=0xFF => out.extend_from_slice(&[0x81, len as u8]),
        _ => {
            out.push(0x82);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
    }
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    der_len(content.len(), &mut out);
    out.extend_from_slice(content);
    out
}

/// A TSRequest (MS-CSSP 2.2.1) with `version` and one negoToken.
pub fn encode_ts_request(version: u32, nego_token: &[u8]) -> Vec<u8> {
    let mut version_int = vec![0x02];
    let bytes = minimal_int(version);
    der_len(bytes.len(), &mut version_int);
    version_int.extend_from_slice(&bytes);
    let token = der(0xA0, &der(0x04, nego_token));
    let nego_data = der(0xA1, &der(0x30, &der(0x30, &token)));
    let mut body = der(0xA0, &version_int);
    body.extend_from_slice(&nego_data);
    der(0x30, &body)
}

/// Big-endian two's-complement bytes of a non-negative integer, shortest form.
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
    pub version: u32,
    /// The first negoToken (an NTLM or SPNEGO message), if any.
    pub nego_token: Option<Vec<u8>>,
    /// errorCode, an NTSTATUS (versions 3, 4 and 6).
    pub error_code: Option<u32>,
}

/// Reads one DER TLV: (tag, contents). Lengths are bounded by what is left.
fn tlv<'a>(r: &mut Reader<'a>, field: &'static str) -> Result<(u8, Reader<'a>), DecodeError> {
    let tag = r.u8(field)?;
    let first = r.u8(field)?;
    let len = match first {
        0..=0x7F => first as usize,
        0x81 => r.u8(field)? as usize,
        0x82 => r.u16_be(field)? as usize,
        0x83 => r.u24_be(field)? as usize,
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
    let mut int = expect_tag(r, 0x02, field)?;
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
        let mut r = Reader::new("TSRequest", buf);
        let Ok(tag) = r.u8("tag") else {
            return Ok(None);
        };
        if tag != 0x30 {
            return Err(r.invalid(
                "tag",
                format!("expected a SEQUENCE (0x30), got 0x{tag:02x}"),
            ));
        }
        let Ok(first) = r.u8("length") else {
            return Ok(None);
        };
        let (header, len) = match first {
            0..=0x7F => (2, first as usize),
            0x81 => match r.u8("length") {
                Ok(l) => (3, l as usize),
                Err(_) => return Ok(None),
            },
            0x82 => match r.u16_be("length") {
                Ok(l) => (4, l as usize),
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
        let mut outer = Reader::new("TSRequest", buf);
        let mut seq = expect_tag(&mut outer, 0x30, "sequence")?;
        let mut out = TsRequest {
            version: 0,
            nego_token: None,
            error_code: None,
        };
        let mut have_version = false;
        while !seq.is_empty() {
            let (tag, mut field) = tlv(&mut seq, "field")?;
            match tag {
                0xA0 => {
                    out.version = integer(&mut field, "version")?;
                    have_version = true;
                }
                0xA1 => {
                    // NegoData ::= SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }
                    let mut list = expect_tag(&mut field, 0x30, "negoTokens")?;
                    if !list.is_empty() {
                        let mut item = expect_tag(&mut list, 0x30, "negoTokens")?;
                        let mut token = expect_tag(&mut item, 0xA0, "negoToken")?;
                        let octets = expect_tag(&mut token, 0x04, "negoToken")?;
                        out.nego_token = Some(octets.rest().to_vec());
                    }
                }
                0xA4 => out.error_code = Some(integer(&mut field, "errorCode")?),
                _ => {} // authInfo, pubKeyAuth, clientNonce: not needed
            }
        }
        if !have_version {
            return Err(DecodeError::invalid("TSRequest", "version", "missing"));
        }
        Ok(out)
    }
}

/// What an NTLM CHALLENGE (MS-NLMP 2.2.1.2) tells about the server.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NtlmChallenge {
    /// `major.minor.build` from the Version field, e.g. `10.0.17763`.
    pub product_version: Option<String>,
    pub target_name: Option<String>,
    pub netbios_computer: Option<String>,
    pub netbios_domain: Option<String>,
    pub dns_computer: Option<String>,
    pub dns_domain: Option<String>,
    pub dns_tree: Option<String>,
    /// MsvAvTimestamp: the server's clock, as a Windows FILETIME (100 ns since 1601).
    pub timestamp: Option<u64>,
}

fn utf16le(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// A (len, maxlen, offset) field pointing into the message.
fn payload<'a>(
    msg: &'a [u8],
    r: &mut Reader<'_>,
    field: &'static str,
) -> Result<&'a [u8], DecodeError> {
    let len = r.u16_le(field)? as usize;
    let _max = r.u16_le(field)?;
    let offset = r.u32_le(field)? as usize;
    msg.get(offset..offset.saturating_add(len)).ok_or_else(|| {
        DecodeError::invalid(
            "NTLM CHALLENGE",
            field,
            format!("{len} bytes at {offset} lie outside the message"),
        )
    })
}

impl NtlmChallenge {
    pub fn decode(msg: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new("NTLM CHALLENGE", msg);
        if r.take("signature", 8)? != NTLMSSP {
            return Err(r.invalid("signature", "not NTLMSSP"));
        }
        let kind = r.u32_le("type")?;
        if kind != 2 {
            return Err(r.invalid("type", format!("expected 2 (CHALLENGE), got {kind}")));
        }
        let target_name = payload(msg, &mut r, "TargetNameFields")?;
        let flags = r.u32_le("NegotiateFlags")?;
        r.take("ServerChallenge", 8)?;
        r.take("Reserved", 8)?;
        let target_info = payload(msg, &mut r, "TargetInfoFields")?;
        let mut out = NtlmChallenge {
            target_name: (!target_name.is_empty()).then(|| utf16le(target_name)),
            ..Self::default()
        };
        if flags & NTLMSSP_NEGOTIATE_VERSION != 0 {
            let v = r.take("Version", 8)?;
            out.product_version = Some(format!(
                "{}.{}.{}",
                v[0],
                v[1],
                u16::from_le_bytes([v[2], v[3]])
            ));
        }
        let mut av = Reader::new("NTLM AV_PAIR", target_info);
        while !av.is_empty() {
            let id = av.u16_le("AvId")?;
            let len = av.u16_le("AvLen")? as usize;
            let value = av.take("Value", len)?;
            match id {
                0 => break, // MsvAvEOL
                1 => out.netbios_computer = Some(utf16le(value)),
                2 => out.netbios_domain = Some(utf16le(value)),
                3 => out.dns_computer = Some(utf16le(value)),
                4 => out.dns_domain = Some(utf16le(value)),
                5 => out.dns_tree = Some(utf16le(value)),
                7 if value.len() == 8 => {
                    out.timestamp = Some(u64::from_le_bytes(value.try_into().unwrap_or_default()))
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

/// Who a server says it is in its NTLM CHALLENGE (for the fixture servers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NtlmIdentity {
    pub domain: String,
    pub computer: String,
    pub dns_domain: String,
    pub dns_computer: String,
    /// Windows major, minor, build.
    pub version: (u8, u8, u16),
    /// FILETIME.
    pub timestamp: u64,
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// An NTLM CHALLENGE (MS-NLMP 2.2.1.2) as Windows builds it: target name, version, AV pairs and a timestamp.
pub fn encode_ntlm_challenge(id: &NtlmIdentity) -> Vec<u8> {
    const HEADER: u32 = 56;
    let name = utf16(&id.domain);
    let mut info = Vec::new();
    for (av, value) in [
        (2u16, utf16(&id.domain)),
        (1, utf16(&id.computer)),
        (4, utf16(&id.dns_domain)),
        (3, utf16(&id.dns_computer)),
        (7, id.timestamp.to_le_bytes().to_vec()),
        (0, Vec::new()),
    ] {
        info.extend_from_slice(&av.to_le_bytes());
        info.extend_from_slice(&(value.len() as u16).to_le_bytes());
        info.extend_from_slice(&value);
    }
    let mut m = NTLMSSP.to_vec();
    m.extend_from_slice(&2u32.to_le_bytes());
    for _ in 0..2 {
        m.extend_from_slice(&(name.len() as u16).to_le_bytes());
    }
    m.extend_from_slice(&HEADER.to_le_bytes());
    m.extend_from_slice(&(0xE28A_8215u32 | NTLMSSP_NEGOTIATE_VERSION).to_le_bytes());
    m.extend_from_slice(&[0x11; 8]); // ServerChallenge
    m.extend_from_slice(&[0; 8]);
    for _ in 0..2 {
        m.extend_from_slice(&(info.len() as u16).to_le_bytes());
    }
    m.extend_from_slice(&(HEADER + name.len() as u32).to_le_bytes());
    m.extend_from_slice(&[id.version.0, id.version.1]);
    m.extend_from_slice(&id.version.2.to_le_bytes());
    m.extend_from_slice(&[0, 0, 0, 15]);
    m.extend_from_slice(&name);
    m.extend_from_slice(&info);
    m
}

/// Unix seconds of a Windows FILETIME.
pub fn filetime_to_unix(ft: u64) -> i64 {
    (ft / 10_000_000) as i64 - 11_644_473_600
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge() -> Vec<u8> {
        encode_ntlm_challenge(&NtlmIdentity {
            domain: "CORP".into(),
            computer: "RDP01".into(),
            dns_domain: "corp.example".into(),
            dns_computer: "rdp01.corp.example".into(),
            version: (10, 0, 17763),
            timestamp: 133_000_000_000_000_000,
        })
    }

    #[test]
    fn negotiate_request_matches_the_nmap_prefix() {
        let req = encode_ts_request(CLIENT_VERSION, &ntlm_negotiate());
        // 30 37 A0 03 02 01 06 A1 30 30 2E 30 2C A0 2A 04 28 "NTLMSSP\0" 01 00 00 00 B7 82 08 E2
        assert_eq!(
            &req[..17],
            &[
                0x30, 0x37, 0xA0, 0x03, 0x02, 0x01, 0x06, 0xA1, 0x30, 0x30, 0x2E, 0x30, 0x2C, 0xA0,
                0x2A, 0x04, 0x28
            ]
        );
        assert_eq!(&req[17..25], NTLMSSP);
        assert_eq!(&req[25..33], &[1, 0, 0, 0, 0xB7, 0x82, 0x08, 0xE2]);
        assert_eq!(TsRequest::frame_len(&req).unwrap(), Some(req.len()));
        let back = TsRequest::decode(&req).unwrap();
        assert_eq!(back.version, 6);
        assert_eq!(back.nego_token.as_deref(), Some(&ntlm_negotiate()[..]));
    }

    #[test]
    fn server_reply_with_a_challenge_is_read() {
        let reply = encode_ts_request(6, &challenge());
        let ts = TsRequest::decode(&reply).unwrap();
        let c = NtlmChallenge::decode(ts.nego_token.as_deref().unwrap()).unwrap();
        assert_eq!(c.product_version.as_deref(), Some("10.0.17763"));
        assert_eq!(c.target_name.as_deref(), Some("CORP"));
        assert_eq!(c.netbios_computer.as_deref(), Some("RDP01"));
        assert_eq!(c.dns_computer.as_deref(), Some("rdp01.corp.example"));
        assert_eq!(c.dns_domain.as_deref(), Some("corp.example"));
        assert_eq!(filetime_to_unix(c.timestamp.unwrap()), 1_655_526_400);
    }

    #[test]
    fn error_code_reply_from_an_older_server_is_read() {
        // The Seth sample (windows-kb.md 2.2): version 4, errorCode 0xC000005E.
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
        let reply = encode_ts_request(6, &challenge());
        for cut in 0..reply.len() {
            assert!(TsRequest::decode(&reply[..cut]).is_err());
            let _ = TsRequest::frame_len(&reply[..cut]);
        }
        let token = challenge();
        for cut in 0..token.len() {
            let _ = NtlmChallenge::decode(&token[..cut]);
        }
        // A TargetInfo offset far outside the message.
        let mut bad = token.clone();
        bad[44..48].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(NtlmChallenge::decode(&bad).is_err());
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
}
