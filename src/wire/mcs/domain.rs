//! T.125 domain PDUs in ALIGNED PER (MS-RDPBCGR 2.2.1.5 to 2.2.1.9, 2.2.2.1): Erect Domain Request, Attach User
//! Request and Confirm, Channel Join Request and Confirm, Disconnect Provider Ultimatum, Send Data Request and
//! Indication. The first byte holds the CHOICE index in its top six bits.

use super::{DisconnectReason, McsResult, MCS_BASE_CHANNEL_ID};
use crate::wire::reader::{DecodeError, Reader};
use crate::wire::writer::EncodeError;

/// DomainMCSPDU CHOICE indexes (T.125 7, `DomainMCSPDU`).
const ERECT_DOMAIN_REQUEST: u8 = 1;
const DISCONNECT_PROVIDER_ULTIMATUM: u8 = 8;
const ATTACH_USER_REQUEST: u8 = 10;
const ATTACH_USER_CONFIRM: u8 = 11;
const CHANNEL_JOIN_REQUEST: u8 = 14;
const CHANNEL_JOIN_CONFIRM: u8 = 15;
const SEND_DATA_REQUEST: u8 = 25;
const SEND_DATA_INDICATION: u8 = 26;

/// The body of Send Data Request and Indication.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SendData {
    /// `initiator`: the sender's user id (1001 and up).
    pub initiator: u16,
    pub channel_id: u16,
    /// `dataPriority` and `segmentation` bits: 0x70 (high priority, begin and end) from mstsc and Windows.
    pub flags: u8,
    pub data: Vec<u8>,
}

/// A DomainMCSPDU.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum DomainPdu {
    /// MS-RDPBCGR 2.2.1.5: `subHeight` and `subInterval`, 0 from mstsc.
    ErectDomainRequest {
        sub_height: u32,
        sub_interval: u32,
    },
    /// MS-RDPBCGR 2.2.1.6.
    AttachUserRequest,
    /// MS-RDPBCGR 2.2.1.7: `initiator` is the user id given (its user channel).
    AttachUserConfirm {
        result: McsResult,
        initiator: Option<u16>,
    },
    /// MS-RDPBCGR 2.2.1.8.
    ChannelJoinRequest {
        initiator: u16,
        channel_id: u16,
    },
    /// MS-RDPBCGR 2.2.1.9.
    ChannelJoinConfirm {
        result: McsResult,
        initiator: u16,
        requested: u16,
        channel_id: Option<u16>,
    },
    /// T.125 11.15: the provider ends the domain.
    DisconnectProviderUltimatum {
        reason: DisconnectReason,
    },
    SendDataRequest(SendData),
    SendDataIndication(SendData),
    /// Another CHOICE, kept as sent.
    Other {
        choice: u8,
        bytes: Vec<u8>,
    },
}

const PDU: &str = "MCS_DOMAIN_PDU";

fn read_per_integer(r: &mut Reader<'_>, field: &'static str) -> Result<u32, DecodeError> {
    let n = usize::from(r.u8(field)?);
    if !(1..=4).contains(&n) {
        return Err(r.invalid(field, format!("an INTEGER of {n} bytes")));
    }
    Ok(r.take(field, n)?
        .iter()
        .fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}

fn write_per_integer(out: &mut Vec<u8>, v: u32) {
    let bytes = v.to_be_bytes();
    let skip = bytes.iter().take(3).take_while(|b| **b == 0).count();
    out.push((4 - skip) as u8);
    out.extend_from_slice(&bytes[skip..]);
}

fn user_id(r: &mut Reader<'_>, field: &'static str) -> Result<u16, DecodeError> {
    Ok(r.u16_be(field)?.wrapping_add(MCS_BASE_CHANNEL_ID))
}

fn put_user_id(out: &mut Vec<u8>, id: u16) {
    out.extend_from_slice(&id.wrapping_sub(MCS_BASE_CHANNEL_ID).to_be_bytes());
}

impl DomainPdu {
    /// The CHOICE index of a PDU's first byte.
    pub fn choice(first: u8) -> u8 {
        first >> 2
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(PDU, bytes);
        let first = r.u8("choice")?;
        let choice = Self::choice(first);
        let pdu = match choice {
            ERECT_DOMAIN_REQUEST => Self::ErectDomainRequest {
                sub_height: read_per_integer(&mut r, "subHeight")?,
                sub_interval: read_per_integer(&mut r, "subInterval")?,
            },
            ATTACH_USER_REQUEST => Self::AttachUserRequest,
            ATTACH_USER_CONFIRM => {
                let result = McsResult(r.u8("result")?);
                let initiator = if first & 0x02 != 0 {
                    Some(user_id(&mut r, "initiator")?)
                } else {
                    None
                };
                Self::AttachUserConfirm { result, initiator }
            }
            CHANNEL_JOIN_REQUEST => Self::ChannelJoinRequest {
                initiator: user_id(&mut r, "initiator")?,
                channel_id: r.u16_be("channelId")?,
            },
            CHANNEL_JOIN_CONFIRM => {
                let result = McsResult(r.u8("result")?);
                let initiator = user_id(&mut r, "initiator")?;
                let requested = r.u16_be("requested")?;
                let channel_id = if first & 0x02 != 0 {
                    Some(r.u16_be("channelId")?)
                } else {
                    None
                };
                Self::ChannelJoinConfirm {
                    result,
                    initiator,
                    requested,
                    channel_id,
                }
            }
            DISCONNECT_PROVIDER_ULTIMATUM => {
                // The 3-bit reason follows the 6-bit CHOICE: two bits here, the last in the next byte's top bit.
                let second = r.u8("reason")?;
                let reason = ((first & 0x03) << 1) | (second >> 7);
                Self::DisconnectProviderUltimatum {
                    reason: DisconnectReason(reason),
                }
            }
            SEND_DATA_REQUEST | SEND_DATA_INDICATION => {
                let initiator = user_id(&mut r, "initiator")?;
                let channel_id = r.u16_be("channelId")?;
                let flags = r.u8("dataPriority")?;
                let first_len = r.u8("userData.length")?;
                let n = match first_len {
                    0..=0x7F => usize::from(first_len),
                    0x80..=0xBF => {
                        (usize::from(first_len & 0x3F) << 8) | usize::from(r.u8("userData.length")?)
                    }
                    _ => return Err(r.invalid("userData.length", "fragmented PER length")),
                };
                let data = r.take("userData", n)?.to_vec();
                let body = SendData {
                    initiator,
                    channel_id,
                    flags,
                    data,
                };
                if choice == SEND_DATA_REQUEST {
                    Self::SendDataRequest(body)
                } else {
                    Self::SendDataIndication(body)
                }
            }
            _ => Self::Other {
                choice,
                bytes: bytes.to_vec(),
            },
        };
        Ok(pdu)
    }

    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(16);
        match self {
            Self::ErectDomainRequest {
                sub_height,
                sub_interval,
            } => {
                out.push(ERECT_DOMAIN_REQUEST << 2);
                write_per_integer(&mut out, *sub_height);
                write_per_integer(&mut out, *sub_interval);
            }
            Self::AttachUserRequest => out.push(ATTACH_USER_REQUEST << 2),
            Self::AttachUserConfirm { result, initiator } => {
                out.push((ATTACH_USER_CONFIRM << 2) | if initiator.is_some() { 2 } else { 0 });
                out.push(result.0);
                if let Some(id) = initiator {
                    put_user_id(&mut out, *id);
                }
            }
            Self::ChannelJoinRequest {
                initiator,
                channel_id,
            } => {
                out.push(CHANNEL_JOIN_REQUEST << 2);
                put_user_id(&mut out, *initiator);
                out.extend_from_slice(&channel_id.to_be_bytes());
            }
            Self::ChannelJoinConfirm {
                result,
                initiator,
                requested,
                channel_id,
            } => {
                out.push((CHANNEL_JOIN_CONFIRM << 2) | if channel_id.is_some() { 2 } else { 0 });
                out.push(result.0);
                put_user_id(&mut out, *initiator);
                out.extend_from_slice(&requested.to_be_bytes());
                if let Some(c) = channel_id {
                    out.extend_from_slice(&c.to_be_bytes());
                }
            }
            Self::DisconnectProviderUltimatum { reason } => {
                let r = reason.0 & 0x07;
                out.push((DISCONNECT_PROVIDER_ULTIMATUM << 2) | (r >> 1));
                out.push((r & 1) << 7);
            }
            Self::SendDataRequest(d) | Self::SendDataIndication(d) => {
                let choice = if matches!(self, Self::SendDataRequest(_)) {
                    SEND_DATA_REQUEST
                } else {
                    SEND_DATA_INDICATION
                };
                out.push(choice << 2);
                put_user_id(&mut out, d.initiator);
                out.extend_from_slice(&d.channel_id.to_be_bytes());
                out.push(d.flags);
                let n = d.data.len();
                if n < 0x80 {
                    out.push(n as u8);
                } else if n <= 0x3FFF {
                    out.extend_from_slice(&((n as u16) | 0x8000).to_be_bytes());
                } else {
                    return Err(EncodeError::too_large(PDU, "userData.length", n, 0x3FFF));
                }
                out.extend_from_slice(&d.data);
            }
            Self::Other { bytes, .. } => out.extend_from_slice(bytes),
        }
        Ok(out)
    }
}
