//! T.125 MCS Connect-Initial and Connect-Response in BER (MS-RDPBCGR 2.2.1.3 and 2.2.1.4): the
//! DomainParameters and the GCC user data as an OCTET STRING.
//!
//! Lengths are written short below 0x80 and as `0x82 HI LO` above, as mstsc, Windows and xrdp write them;
//! any definite form up to two length bytes is read. Integers are written in their shortest form.

use super::gcc::{ConferenceCreateRequest, ConferenceCreateResponse};
use super::McsResult;
use crate::wire::reader::{DecodeError, Reader};
use crate::wire::writer::EncodeError;

/// `[APPLICATION 101]` Connect-Initial and `[APPLICATION 102]` Connect-Response (T.125 11.1).
const TAG_CONNECT_INITIAL: [u8; 2] = [0x7F, 0x65];
const TAG_CONNECT_RESPONSE: [u8; 2] = [0x7F, 0x66];
const TAG_BOOLEAN: u8 = 0x01;
const TAG_INTEGER: u8 = 0x02;
const TAG_OCTET_STRING: u8 = 0x04;
const TAG_ENUMERATED: u8 = 0x0A;
const TAG_SEQUENCE: u8 = 0x30;

/// The largest BER length written or read: two length bytes.
const MAX_LEN: usize = 0xFFFF;

pub(super) fn read_len(r: &mut Reader<'_>, field: &'static str) -> Result<usize, DecodeError> {
    let first = r.u8(field)?;
    match first {
        0..=0x7F => Ok(usize::from(first)),
        0x81 => Ok(usize::from(r.u8(field)?)),
        0x82 => Ok(usize::from(r.u16_be(field)?)),
        _ => Err(r.invalid(field, format!("unsupported BER length form 0x{first:02x}"))),
    }
}

pub(super) fn write_len(
    out: &mut Vec<u8>,
    pdu: &'static str,
    field: &'static str,
    n: usize,
) -> Result<(), EncodeError> {
    if n < 0x80 {
        out.push(n as u8);
    } else if n <= MAX_LEN {
        out.push(0x82);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        return Err(EncodeError::too_large(pdu, field, n, MAX_LEN));
    }
    Ok(())
}

/// Reads `tag` then a length; returns a reader over the value.
fn read_tlv<'a>(
    r: &mut Reader<'a>,
    tag: u8,
    field: &'static str,
) -> Result<Reader<'a>, DecodeError> {
    let got = r.u8(field)?;
    if got != tag {
        return Err(r.invalid(field, format!("expected tag 0x{tag:02x}, got 0x{got:02x}")));
    }
    let n = read_len(r, field)?;
    r.sub(field, n)
}

fn read_integer(r: &mut Reader<'_>, field: &'static str) -> Result<u32, DecodeError> {
    let v = read_tlv(r, TAG_INTEGER, field)?;
    let bytes = v.rest();
    // A leading zero may precede four value bytes (a positive value with its top bit set).
    let bytes = match bytes {
        [0, rest @ ..] if rest.len() == 4 => rest,
        _ => bytes,
    };
    if bytes.is_empty() || bytes.len() > 4 {
        return Err(v.invalid(field, format!("an INTEGER of {} bytes", v.remaining())));
    }
    Ok(bytes.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}

fn write_tlv(
    out: &mut Vec<u8>,
    tag: u8,
    value: &[u8],
    pdu: &'static str,
    field: &'static str,
) -> Result<(), EncodeError> {
    out.push(tag);
    write_len(out, pdu, field, value.len())?;
    out.extend_from_slice(value);
    Ok(())
}

/// The shortest non-negative BER INTEGER for `v`.
fn write_integer(out: &mut Vec<u8>, v: u32) {
    let bytes = v.to_be_bytes();
    let skip = bytes.iter().take(3).take_while(|b| **b == 0).count();
    let mut value = bytes[skip..].to_vec();
    if value[0] & 0x80 != 0 {
        value.insert(0, 0);
    }
    out.push(TAG_INTEGER);
    out.push(value.len() as u8);
    out.extend_from_slice(&value);
}

/// T.125 DomainParameters (MS-RDPBCGR 2.2.1.3: targetParameters, minimumParameters, maximumParameters).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DomainParameters {
    pub max_channel_ids: u32,
    pub max_user_ids: u32,
    pub max_token_ids: u32,
    pub num_priorities: u32,
    pub min_throughput: u32,
    pub max_height: u32,
    pub max_mcs_pdu_size: u32,
    pub protocol_version: u32,
}

impl DomainParameters {
    /// mstsc's targetParameters (MS-RDPBCGR 4.1.3).
    pub const TARGET: Self = Self::new([34, 2, 0, 1, 0, 1, 0xFFFF, 2]);
    /// mstsc's minimumParameters.
    pub const MINIMUM: Self = Self::new([1, 1, 1, 1, 0, 1, 0x420, 2]);
    /// mstsc's maximumParameters.
    pub const MAXIMUM: Self = Self::new([0xFFFF, 0xFC17, 0xFFFF, 1, 0, 1, 0xFFFF, 2]);

    const fn new(v: [u32; 8]) -> Self {
        Self {
            max_channel_ids: v[0],
            max_user_ids: v[1],
            max_token_ids: v[2],
            num_priorities: v[3],
            min_throughput: v[4],
            max_height: v[5],
            max_mcs_pdu_size: v[6],
            protocol_version: v[7],
        }
    }

    fn values(&self) -> [u32; 8] {
        [
            self.max_channel_ids,
            self.max_user_ids,
            self.max_token_ids,
            self.num_priorities,
            self.min_throughput,
            self.max_height,
            self.max_mcs_pdu_size,
            self.protocol_version,
        ]
    }

    fn decode(r: &mut Reader<'_>, field: &'static str) -> Result<Self, DecodeError> {
        let mut seq = read_tlv(r, TAG_SEQUENCE, field)?;
        let mut v = [0u32; 8];
        for slot in &mut v {
            *slot = read_integer(&mut seq, field)?;
        }
        seq.expect_end(field)?;
        Ok(Self::new(v))
    }

    fn encode(&self, out: &mut Vec<u8>, pdu: &'static str) -> Result<(), EncodeError> {
        let mut body = Vec::with_capacity(32);
        for v in self.values() {
            write_integer(&mut body, v);
        }
        write_tlv(out, TAG_SEQUENCE, &body, pdu, "domainParameters")
    }
}

/// MCS Connect-Initial, MS-RDPBCGR 2.2.1.3, with the GCC Conference Create Request as its user data.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ConnectInitial {
    /// `callingDomainSelector`, `01` from mstsc.
    pub calling_domain_selector: Vec<u8>,
    /// `calledDomainSelector`, `01` from mstsc.
    pub called_domain_selector: Vec<u8>,
    /// `upwardFlag`, TRUE from mstsc.
    pub upward_flag: bool,
    pub target: DomainParameters,
    pub minimum: DomainParameters,
    pub maximum: DomainParameters,
    pub user_data: ConferenceCreateRequest,
}

const CI: &str = "MCS_CONNECT_INITIAL";
const CR: &str = "MCS_CONNECT_RESPONSE";

impl ConnectInitial {
    /// mstsc's Connect-Initial around `user_data`.
    pub fn new(user_data: ConferenceCreateRequest) -> Self {
        Self {
            calling_domain_selector: vec![1],
            called_domain_selector: vec![1],
            upward_flag: true,
            target: DomainParameters::TARGET,
            minimum: DomainParameters::MINIMUM,
            maximum: DomainParameters::MAXIMUM,
            user_data,
        }
    }

    /// The MCS PDU (without TPKT and X.224).
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut body = Vec::with_capacity(512);
        write_tlv(
            &mut body,
            TAG_OCTET_STRING,
            &self.calling_domain_selector,
            CI,
            "callingDomainSelector",
        )?;
        write_tlv(
            &mut body,
            TAG_OCTET_STRING,
            &self.called_domain_selector,
            CI,
            "calledDomainSelector",
        )?;
        body.extend_from_slice(&[TAG_BOOLEAN, 1, if self.upward_flag { 0xFF } else { 0 }]);
        self.target.encode(&mut body, CI)?;
        self.minimum.encode(&mut body, CI)?;
        self.maximum.encode(&mut body, CI)?;
        let gcc = self.user_data.encode()?;
        write_tlv(&mut body, TAG_OCTET_STRING, &gcc, CI, "userData")?;
        let mut out = Vec::with_capacity(body.len() + 5);
        out.extend_from_slice(&TAG_CONNECT_INITIAL);
        write_len(&mut out, CI, "length", body.len())?;
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Decodes the MCS PDU (used by fixture servers).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(CI, bytes);
        if r.take("tag", 2)? != TAG_CONNECT_INITIAL {
            return Err(r.invalid("tag", "not 7f 65"));
        }
        let n = read_len(&mut r, "length")?;
        let mut body = r.sub("length", n)?;
        let calling = read_tlv(&mut body, TAG_OCTET_STRING, "callingDomainSelector")?;
        let called = read_tlv(&mut body, TAG_OCTET_STRING, "calledDomainSelector")?;
        let upward = read_tlv(&mut body, TAG_BOOLEAN, "upwardFlag")?;
        let upward_flag = upward.rest().first().is_some_and(|b| *b != 0);
        let target = DomainParameters::decode(&mut body, "targetParameters")?;
        let minimum = DomainParameters::decode(&mut body, "minimumParameters")?;
        let maximum = DomainParameters::decode(&mut body, "maximumParameters")?;
        let user_data = read_tlv(&mut body, TAG_OCTET_STRING, "userData")?;
        Ok(Self {
            calling_domain_selector: calling.rest().to_vec(),
            called_domain_selector: called.rest().to_vec(),
            upward_flag,
            target,
            minimum,
            maximum,
            user_data: ConferenceCreateRequest::decode(user_data.rest())?,
        })
    }
}

/// MCS Connect-Response, MS-RDPBCGR 2.2.1.4.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ConnectResponse {
    /// `result`: anything but rt-successful refuses the connection.
    pub result: McsResult,
    pub called_connect_id: u32,
    pub domain_parameters: DomainParameters,
    /// The GCC Conference Create Response; `None` when the user data is empty (a refusal may carry none).
    pub user_data: Option<ConferenceCreateResponse>,
}

impl ConnectResponse {
    /// The MCS PDU (without TPKT and X.224).
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut body = Vec::with_capacity(512);
        body.extend_from_slice(&[TAG_ENUMERATED, 1, self.result.0]);
        write_integer(&mut body, self.called_connect_id);
        self.domain_parameters.encode(&mut body, CR)?;
        let gcc = match &self.user_data {
            Some(u) => u.encode()?,
            None => Vec::new(),
        };
        write_tlv(&mut body, TAG_OCTET_STRING, &gcc, CR, "userData")?;
        let mut out = Vec::with_capacity(body.len() + 5);
        out.extend_from_slice(&TAG_CONNECT_RESPONSE);
        write_len(&mut out, CR, "length", body.len())?;
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Decodes the MCS PDU.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(CR, bytes);
        if r.take("tag", 2)? != TAG_CONNECT_RESPONSE {
            return Err(r.invalid("tag", "not 7f 66"));
        }
        // xrdp computes this length from its server data (data_len + 36 or + 38, by a test of `> 0x80` where its
        // encoder switches at `>= 0x80`), so it can claim two bytes more than it sends: read what is there.
        let n = read_len(&mut r, "length")?.min(r.remaining());
        let mut body = r.sub("length", n)?;
        let mut result = read_tlv(&mut body, TAG_ENUMERATED, "result")?;
        let result = McsResult(result.u8("result")?);
        let called_connect_id = read_integer(&mut body, "calledConnectId")?;
        let domain_parameters = DomainParameters::decode(&mut body, "domainParameters")?;
        let user_data = read_tlv(&mut body, TAG_OCTET_STRING, "userData")?;
        let user_data = if user_data.is_empty() {
            None
        } else {
            Some(ConferenceCreateResponse::decode(user_data.rest())?)
        };
        Ok(Self {
            result,
            called_connect_id,
            domain_parameters,
            user_data,
        })
    }
}
