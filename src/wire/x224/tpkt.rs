//! TPKT framing, RFC 1006 section 6: `03 00 LEN_HI LEN_LO`, the length covering the whole packet.

use crate::wire::reader::{DecodeError, Reader};
use crate::wire::writer::{u16_len, EncodeError};

/// TPKT version byte, RFC 1006 6 (`vrsn`).
pub const TPKT_VERSION: u8 = 3;
/// TPKT header length: version, reserved, length (u16 BE), RFC 1006 6.
pub const TPKT_HEADER_LEN: usize = HEADER_LEN as usize;
/// [`TPKT_HEADER_LEN`] as the length field counts it.
pub(super) const HEADER_LEN: u16 = 4;
/// Largest packet, header included: the length field is 16 bits (RFC 1006 6, "max=65535").
pub const MAX_TPKT_LEN: usize = u16::MAX as usize;

/// The header of a packet of `len` bytes, header included.
pub(super) fn tpkt_header(len: u16) -> [u8; TPKT_HEADER_LEN] {
    let [hi, lo] = len.to_be_bytes();
    [TPKT_VERSION, 0, hi, lo]
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
    let len = usize::from(u16::from_be_bytes([header[2], header[3]]));
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

/// Wraps `payload` in a TPKT header. A payload longer than [`MAX_TPKT_LEN`] minus the header is an error.
pub fn encode_tpkt(payload: &[u8]) -> Result<Vec<u8>, EncodeError> {
    let len = u16_len(
        "TPKT",
        "length",
        payload.len().saturating_add(TPKT_HEADER_LEN),
    )?;
    let mut out = Vec::with_capacity(usize::from(len));
    out.extend_from_slice(&tpkt_header(len));
    out.extend_from_slice(payload);
    Ok(out)
}

/// Reads a TPKT header and returns a reader over the X.224 part, which must fill the packet exactly.
pub(super) fn tpkt_body<'a>(
    pdu: &'static str,
    packet: &'a [u8],
) -> Result<Reader<'a>, DecodeError> {
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
