//! The T.124 GCC Conference Create Request and Response in ALIGNED PER (MS-RDPBCGR 2.2.1.3.1 and 2.2.1.4.1),
//! the envelope of the client and server data blocks.
//!
//! ```text
//! 00 05 00 14 7C 00 01      ConnectData: key object, OID { 0 0 20 124 0 1 }
//! LL [LL]                   connectPDU length (PER)
//! 00 08 00 10 00 01 C0 00   request: ConferenceCreateRequest, conferenceName "1", one userData, h221NonStandard
//! 44 75 63 61 LL LL         "Duca", then the client data blocks
//! 14 76 0A 01 01 00 01 C0 00 response: nodeID, tag 1, result 0, one userData, h221NonStandard
//! 4D 63 44 6E LL LL         "McDn", then the server data blocks
//! ```

use super::client_data::ClientData;
use super::server_data::ServerData;
use super::MCS_BASE_CHANNEL_ID;
use crate::wire::reader::{DecodeError, Reader};
use crate::wire::writer::EncodeError;

/// The ConnectData key, T.124 object identifier { itu-t recommendation t 124 version 0 1 }, length first.
const T124_KEY: [u8; 7] = [0x00, 0x05, 0x00, 0x14, 0x7C, 0x00, 0x01];
/// mstsc's request after the connectPDU length, up to the H.221 key: choice, options, conferenceName "1",
/// flags, one userData set member, key choice h221NonStandard, key length 4.
const REQUEST_HEADER: [u8; 8] = [0x00, 0x08, 0x00, 0x10, 0x00, 0x01, 0xC0, 0x00];
/// The client's H.221 key.
pub(super) const CLIENT_KEY: [u8; 4] = *b"Duca";
/// The server's H.221 key.
pub(super) const SERVER_KEY: [u8; 4] = *b"McDn";
/// Largest PER length in two bytes.
const MAX_PER_LEN: usize = 0x3FFF;

fn read_per_len(r: &mut Reader<'_>, field: &'static str) -> Result<usize, DecodeError> {
    let first = r.u8(field)?;
    match first {
        0..=0x7F => Ok(usize::from(first)),
        0x80..=0xBF => Ok((usize::from(first & 0x3F) << 8) | usize::from(r.u8(field)?)),
        _ => Err(r.invalid(field, "fragmented PER length")),
    }
}

fn write_per_len(
    out: &mut Vec<u8>,
    pdu: &'static str,
    field: &'static str,
    n: usize,
    two_bytes: bool,
) -> Result<(), EncodeError> {
    if n > MAX_PER_LEN {
        return Err(EncodeError::too_large(pdu, field, n, MAX_PER_LEN));
    }
    if n < 0x80 && !two_bytes {
        out.push(n as u8);
    } else {
        out.extend_from_slice(&((n as u16) | 0x8000).to_be_bytes());
    }
    Ok(())
}

fn read_key(r: &mut Reader<'_>) -> Result<(), DecodeError> {
    if r.take("t124Identifier", T124_KEY.len())? != T124_KEY {
        return Err(r.invalid("t124Identifier", "not the T.124 object identifier"));
    }
    Ok(())
}

/// Reads the H.221 key (PER length minus 4, then the key) and the userData length; returns the blocks.
fn read_user_data<'a>(r: &mut Reader<'a>) -> Result<([u8; 4], Reader<'a>), DecodeError> {
    let key_len = usize::from(r.u8("h221NonStandard")?) + 4;
    let key = r.take("h221NonStandard", key_len)?;
    let key: [u8; 4] = key
        .try_into()
        .map_err(|_| r.invalid("h221NonStandard", format!("a key of {key_len} bytes")))?;
    let n = read_per_len(r, "userData.length")?;
    Ok((key, r.sub("userData", n)?))
}

/// GCC Conference Create Request carrying the client data blocks, MS-RDPBCGR 2.2.1.3.1.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ConferenceCreateRequest {
    /// The H.221 non-standard key: `Duca` from Microsoft clients.
    pub h221_key: [u8; 4],
    pub client_data: ClientData,
}

const REQ: &str = "GCC_CONFERENCE_CREATE_REQUEST";
const RSP: &str = "GCC_CONFERENCE_CREATE_RESPONSE";

impl ConferenceCreateRequest {
    pub fn new(client_data: ClientData) -> Self {
        Self {
            h221_key: CLIENT_KEY,
            client_data,
        }
    }

    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let blocks = self.client_data.encode()?;
        let mut pdu = Vec::with_capacity(blocks.len() + 16);
        pdu.extend_from_slice(&REQUEST_HEADER);
        pdu.extend_from_slice(&self.h221_key);
        write_per_len(&mut pdu, REQ, "userData.length", blocks.len(), true)?;
        pdu.extend_from_slice(&blocks);
        let mut out = Vec::with_capacity(pdu.len() + 10);
        out.extend_from_slice(&T124_KEY);
        write_per_len(&mut out, REQ, "connectPDU.length", pdu.len(), false)?;
        out.extend_from_slice(&pdu);
        Ok(out)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(REQ, bytes);
        read_key(&mut r)?;
        let n = read_per_len(&mut r, "connectPDU.length")?;
        let mut pdu = r.sub("connectPDU", n)?;
        let choice = pdu.u8("choice")?;
        if choice & 0xFC != 0 {
            return Err(pdu.invalid("choice", "not a ConferenceCreateRequest"));
        }
        let _options = pdu.u8("options")?;
        // conferenceName: a NumericString of (length byte + 1) digits, two per byte.
        let digits = usize::from(pdu.u8("conferenceName")?) + 1;
        pdu.take("conferenceName", digits.div_ceil(2))?;
        let _flags = pdu.u8("terminationMethod")?;
        let count = pdu.u8("userData.count")?;
        if count != 1 {
            return Err(pdu.invalid("userData.count", format!("{count} sets, expected 1")));
        }
        let _choice = pdu.u8("userData.key")?;
        let (h221_key, blocks) = read_user_data(&mut pdu)?;
        Ok(Self {
            h221_key,
            client_data: ClientData::decode(blocks.rest())?,
        })
    }
}

/// GCC Conference Create Response carrying the server data blocks, MS-RDPBCGR 2.2.1.4.1.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ConferenceCreateResponse {
    /// The connectPDU length as the server wrote it: Windows and xrdp write 0x2A whatever follows, and
    /// clients ignore it.
    pub connect_pdu_length: u16,
    /// `nodeID` (UserID, 1001 and up).
    pub node_id: u16,
    /// `tag` (INTEGER).
    pub tag: u32,
    /// `result` (ENUMERATED): 0 success.
    pub result: u8,
    /// The H.221 non-standard key: `McDn` from Microsoft servers and xrdp.
    pub h221_key: [u8; 4],
    pub server_data: ServerData,
}

impl ConferenceCreateResponse {
    /// A successful response around `server_data`, as Windows writes it (MS-RDPBCGR 4.1.4).
    pub fn new(server_data: ServerData) -> Self {
        Self {
            connect_pdu_length: 0x2A,
            node_id: 0x760A + MCS_BASE_CHANNEL_ID,
            tag: 1,
            result: 0,
            h221_key: SERVER_KEY,
            server_data,
        }
    }

    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(512);
        out.extend_from_slice(&T124_KEY);
        write_per_len(
            &mut out,
            RSP,
            "connectPDU.length",
            usize::from(self.connect_pdu_length),
            false,
        )?;
        // ConnectGCCPDU choice conferenceCreateResponse, userData present.
        out.push(0x14);
        out.extend_from_slice(&self.node_id.wrapping_sub(MCS_BASE_CHANNEL_ID).to_be_bytes());
        let tag = self.tag.to_be_bytes();
        let skip = tag.iter().take(3).take_while(|b| **b == 0).count();
        out.push((4 - skip) as u8);
        out.extend_from_slice(&tag[skip..]);
        out.push(self.result);
        out.extend_from_slice(&[0x01, 0xC0, 0x00]);
        out.extend_from_slice(&self.h221_key);
        let blocks = self.server_data.encode()?;
        write_per_len(&mut out, RSP, "userData.length", blocks.len(), true)?;
        out.extend_from_slice(&blocks);
        Ok(out)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(RSP, bytes);
        read_key(&mut r)?;
        // Not a bound on what follows: servers write 0x2A whatever the length.
        let connect_pdu_length = read_per_len(&mut r, "connectPDU.length")? as u16;
        let choice = r.u8("choice")?;
        if choice & 0xF0 != 0x10 {
            return Err(r.invalid(
                "choice",
                format!("0x{choice:02x} is not a ConferenceCreateResponse"),
            ));
        }
        let node_id = r.u16_be("nodeID")?.wrapping_add(MCS_BASE_CHANNEL_ID);
        let tag_len = usize::from(r.u8("tag")?);
        if !(1..=4).contains(&tag_len) {
            return Err(r.invalid("tag", format!("an INTEGER of {tag_len} bytes")));
        }
        let tag = r
            .take("tag", tag_len)?
            .iter()
            .fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
        let result = r.u8("result")?;
        let count = r.u8("userData.count")?;
        if count != 1 {
            return Err(r.invalid("userData.count", format!("{count} sets, expected 1")));
        }
        let _choice = r.u8("userData.key")?;
        let (h221_key, blocks) = read_user_data(&mut r)?;
        Ok(Self {
            connect_pdu_length,
            node_id,
            tag,
            result,
            h221_key,
            server_data: ServerData::decode(blocks.rest())?,
        })
    }
}
