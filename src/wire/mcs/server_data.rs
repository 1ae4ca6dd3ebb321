//! Server data blocks, MS-RDPBCGR 2.2.1.4.2 to 2.2.1.4.6: core, security (with the server certificate),
//! network, message channel and multitransport data; blocks of other types survive as [`UnknownBlock`]s. The
//! `TS_UD_HEADER` framing both directions share lives here too.

use super::proprietary::ServerCertificate;
use super::{EncryptionLevel, EncryptionMethod, MultitransportFlags, RdpVersion, UserDataType};
use crate::wire::reader::{DecodeError, Reader};
use crate::wire::writer::{u16_len, u32_len, EncodeError};
use crate::wire::x224::Protocols;

/// A data block of a type this codec does not decode, kept as sent.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UnknownBlock {
    pub kind: UserDataType,
    /// The block's data after its 4-byte header.
    pub data: Vec<u8>,
}

/// Splits data blocks: `type` (u16 LE), `length` (u16 LE, header included), data.
pub(super) fn read_blocks<'a>(
    pdu: &'static str,
    bytes: &'a [u8],
) -> Result<Vec<(UserDataType, &'a [u8])>, DecodeError> {
    let mut r = Reader::new(pdu, bytes);
    let mut out = Vec::new();
    while !r.is_empty() {
        let kind = UserDataType(r.u16_le("TS_UD_HEADER.type")?);
        let len = usize::from(r.u16_le("TS_UD_HEADER.length")?);
        if len < 4 {
            return Err(r.invalid(
                "TS_UD_HEADER.length",
                format!("{len} is shorter than the header"),
            ));
        }
        out.push((kind, r.take("TS_UD_HEADER.length", len - 4)?));
    }
    Ok(out)
}

pub(super) fn write_block(
    out: &mut Vec<u8>,
    pdu: &'static str,
    kind: UserDataType,
    body: &[u8],
) -> Result<(), EncodeError> {
    let len = u16_len(pdu, "TS_UD_HEADER.length", body.len().saturating_add(4))?;
    out.extend_from_slice(&kind.0.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(body);
    Ok(())
}

/// One block of server data.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ServerBlock {
    Core(ServerCore),
    Security(ServerSecurity),
    Network(ServerNetwork),
    MessageChannel(ServerMessageChannel),
    Multitransport(ServerMultitransport),
    Unknown(UnknownBlock),
}

/// The server data blocks, in the order sent.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ServerData {
    pub blocks: Vec<ServerBlock>,
}

/// TS_UD_SC_CORE, MS-RDPBCGR 2.2.1.4.2.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ServerCore {
    pub version: RdpVersion,
    /// `clientRequestedProtocols`: the client's X.224 requestedProtocols, echoed (absent from old servers).
    pub client_requested_protocols: Option<Protocols>,
    /// `earlyCapabilityFlags` (RNS_UD_SC_*).
    pub early_capability_flags: Option<u32>,
}

/// TS_UD_SC_SEC1, MS-RDPBCGR 2.2.1.4.3.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ServerSecurity {
    pub method: EncryptionMethod,
    pub level: EncryptionLevel,
    /// `serverRandom` and `serverCertificate`; absent when method and level are both none (TLS, CredSSP).
    pub keys: Option<ServerKeys>,
}

/// The server random and certificate of TS_UD_SC_SEC1.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ServerKeys {
    /// `serverRandom`, 32 bytes.
    pub server_random: Vec<u8>,
    /// `serverCertificate`; `None` when `serverCertLen` is 0.
    pub certificate: Option<ServerCertificate>,
}

/// TS_UD_SC_NET, MS-RDPBCGR 2.2.1.4.4.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ServerNetwork {
    /// `MCSChannelId`: the I/O channel, 1003 in practice.
    pub io_channel: u16,
    /// `channelIdArray`: one id per channel the client asked for in CS_NET, in its order (0: not joined).
    pub channels: Vec<u16>,
}

/// TS_UD_SC_MCS_MSGCHANNEL, MS-RDPBCGR 2.2.1.4.5.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ServerMessageChannel {
    pub channel: u16,
}

/// TS_UD_SC_MULTITRANSPORT, MS-RDPBCGR 2.2.1.4.6.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ServerMultitransport {
    pub flags: MultitransportFlags,
}

impl ServerData {
    pub fn core(&self) -> Option<&ServerCore> {
        self.blocks.iter().find_map(|b| match b {
            ServerBlock::Core(c) => Some(c),
            _ => None,
        })
    }

    pub fn security(&self) -> Option<&ServerSecurity> {
        self.blocks.iter().find_map(|b| match b {
            ServerBlock::Security(s) => Some(s),
            _ => None,
        })
    }

    pub fn network(&self) -> Option<&ServerNetwork> {
        self.blocks.iter().find_map(|b| match b {
            ServerBlock::Network(n) => Some(n),
            _ => None,
        })
    }

    pub fn message_channel(&self) -> Option<&ServerMessageChannel> {
        self.blocks.iter().find_map(|b| match b {
            ServerBlock::MessageChannel(m) => Some(m),
            _ => None,
        })
    }

    pub fn multitransport(&self) -> Option<&ServerMultitransport> {
        self.blocks.iter().find_map(|b| match b {
            ServerBlock::Multitransport(m) => Some(m),
            _ => None,
        })
    }

    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(512);
        for block in &self.blocks {
            let (kind, body) = match block {
                ServerBlock::Core(c) => {
                    let mut b = c.version.0.to_le_bytes().to_vec();
                    if let Some(p) = c.client_requested_protocols {
                        b.extend_from_slice(&p.0.to_le_bytes());
                        if let Some(f) = c.early_capability_flags {
                            b.extend_from_slice(&f.to_le_bytes());
                        }
                    }
                    (UserDataType::SC_CORE, b)
                }
                ServerBlock::Security(s) => (UserDataType::SC_SECURITY, s.encode()?),
                ServerBlock::Network(n) => {
                    let count = u16_len("SC_NET", "channelCount", n.channels.len())?;
                    let mut b = Vec::with_capacity(6 + 2 * n.channels.len());
                    b.extend_from_slice(&n.io_channel.to_le_bytes());
                    b.extend_from_slice(&count.to_le_bytes());
                    for c in &n.channels {
                        b.extend_from_slice(&c.to_le_bytes());
                    }
                    if n.channels.len() % 2 == 1 {
                        b.extend_from_slice(&[0, 0]);
                    }
                    (UserDataType::SC_NET, b)
                }
                ServerBlock::MessageChannel(m) => (
                    UserDataType::SC_MCS_MSGCHANNEL,
                    m.channel.to_le_bytes().to_vec(),
                ),
                ServerBlock::Multitransport(m) => (
                    UserDataType::SC_MULTITRANSPORT,
                    m.flags.0.to_le_bytes().to_vec(),
                ),
                ServerBlock::Unknown(u) => (u.kind, u.data.clone()),
            };
            write_block(&mut out, "TS_UD_SC", kind, &body)?;
        }
        Ok(out)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut blocks = Vec::new();
        for (kind, body) in read_blocks("TS_UD_SC", bytes)? {
            let mut r = Reader::new(kind.name().unwrap_or("TS_UD_SC"), body);
            blocks.push(match kind {
                UserDataType::SC_CORE => {
                    let version = RdpVersion(r.u32_le("version")?);
                    let client_requested_protocols = if r.remaining() >= 4 {
                        Some(Protocols(r.u32_le("clientRequestedProtocols")?))
                    } else {
                        None
                    };
                    let early_capability_flags = if r.remaining() >= 4 {
                        Some(r.u32_le("earlyCapabilityFlags")?)
                    } else {
                        None
                    };
                    r.expect_end("earlyCapabilityFlags")?;
                    ServerBlock::Core(ServerCore {
                        version,
                        client_requested_protocols,
                        early_capability_flags,
                    })
                }
                UserDataType::SC_SECURITY => ServerBlock::Security(ServerSecurity::decode(&mut r)?),
                UserDataType::SC_NET => {
                    let io_channel = r.u16_le("MCSChannelId")?;
                    let count = usize::from(r.u16_le("channelCount")?);
                    if count * 2 > r.remaining() {
                        return Err(r.too_short("channelIdArray", count * 2));
                    }
                    let mut channels = Vec::with_capacity(count);
                    for _ in 0..count {
                        channels.push(r.u16_le("channelIdArray")?);
                    }
                    if count % 2 == 1 && r.remaining() >= 2 {
                        r.u16_le("Pad")?;
                    }
                    r.expect_end("Pad")?;
                    ServerBlock::Network(ServerNetwork {
                        io_channel,
                        channels,
                    })
                }
                UserDataType::SC_MCS_MSGCHANNEL => {
                    ServerBlock::MessageChannel(ServerMessageChannel {
                        channel: r.u16_le("MCSChannelID")?,
                    })
                }
                UserDataType::SC_MULTITRANSPORT => {
                    ServerBlock::Multitransport(ServerMultitransport {
                        flags: MultitransportFlags(r.u32_le("flags")?),
                    })
                }
                _ => ServerBlock::Unknown(UnknownBlock {
                    kind,
                    data: body.to_vec(),
                }),
            });
        }
        Ok(Self { blocks })
    }
}

impl ServerSecurity {
    fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut b = self.method.0.to_le_bytes().to_vec();
        b.extend_from_slice(&self.level.0.to_le_bytes());
        if let Some(keys) = &self.keys {
            let cert = match &keys.certificate {
                Some(c) => c.encode()?,
                None => Vec::new(),
            };
            let random_len = u32_len("SC_SECURITY", "serverRandomLen", keys.server_random.len())?;
            let cert_len = u32_len("SC_SECURITY", "serverCertLen", cert.len())?;
            b.extend_from_slice(&random_len.to_le_bytes());
            b.extend_from_slice(&cert_len.to_le_bytes());
            b.extend_from_slice(&keys.server_random);
            b.extend_from_slice(&cert);
        }
        Ok(b)
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let method = EncryptionMethod(r.u32_le("encryptionMethod")?);
        let level = EncryptionLevel(r.u32_le("encryptionLevel")?);
        if r.is_empty() {
            return Ok(Self {
                method,
                level,
                keys: None,
            });
        }
        let random_len = r.u32_le("serverRandomLen")? as usize;
        let cert_len = r.u32_le("serverCertLen")? as usize;
        let server_random = r.take("serverRandom", random_len)?.to_vec();
        let cert = r.take("serverCertificate", cert_len)?;
        r.expect_end("serverCertificate")?;
        let certificate = if cert.is_empty() {
            None
        } else {
            Some(ServerCertificate::decode(cert)?)
        };
        Ok(Self {
            method,
            level,
            keys: Some(ServerKeys {
                server_random,
                certificate,
            }),
        })
    }
}
