//! A fixture server's MCS: the Connect-Response to a client's Connect-Initial, Attach User and Channel Join
//! confirmed, then what the profile does next (wait, or deny with Set Error Info), as MS-RDPBCGR 1.3.1.1 orders it.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::timeout;

use super::spec::{Mcs, McsEnd};
use crate::wire::mcs::{
    encode_x224_data, x224_data_payload, ConferenceCreateResponse, ConnectInitial, ConnectResponse,
    DisconnectReason, DomainParameters, DomainPdu, EncryptionLevel, EncryptionMethod,
    EncryptionMethods, McsResult, ProprietaryCertificate, RdpVersion, SendData, ServerBlock,
    ServerCertificate, ServerCore, ServerData, ServerKeys, ServerNetwork, ServerSecurity,
    SetErrorInfo,
};
use crate::wire::x224::{tpkt_packet_len, Protocols, TPKT_HEADER_LEN};

/// The I/O channel (MS-RDPBCGR 4.1.4: 1003 from Windows), and the first static channel id after it.
const IO_CHANNEL: u16 = 1003;
/// The user id (and user channel) Attach User Confirm gives, as Windows gives it in MS-RDPBCGR 4.1.7.
const USER_ID: u16 = 1007;
/// The server's own channel, the source of its Share Control PDUs (MS-RDPBCGR 4.1.21: 1002).
const SERVER_CHANNEL: u16 = 1002;
/// RSA public exponent 65537, as Windows' proprietary certificates carry it.
const PUB_EXP: u32 = 0x0001_0001;

/// Answers the client's MCS on `stream`, which negotiated `selected` (PROTOCOL_RDP: standard RDP security; else
/// TLS). Returns when the client goes, the profile ends the connection, or a read waits longer than `wait`.
pub(super) async fn serve(
    stream: &mut (impl AsyncRead + AsyncWrite + Unpin),
    mcs: Mcs,
    selected: Protocols,
    wait: Duration,
) -> io::Result<()> {
    let packet = read_packet(stream, wait).await?;
    let initial =
        ConnectInitial::decode(x224_data_payload(&packet).map_err(invalid)?).map_err(invalid)?;
    let (methods, level, key_bits, then) = match mcs {
        Mcs::None => return Ok(()),
        Mcs::Refuse(result) => {
            return send(stream, &connect_response(result, None)?).await;
        }
        Mcs::Answer {
            methods,
            level,
            key_bits,
            then,
        } => (methods, level, key_bits, then),
    };
    let client = &initial.user_data.client_data;
    let security = if selected == Protocols::RDP {
        let offered = client
            .security()
            .map_or(EncryptionMethods(0), |s| s.encryption_methods);
        let Some(method) = pick(offered, methods, level) else {
            // Nothing the server accepts: it ends the connection, as xrdp does.
            return stream.shutdown().await;
        };
        ServerSecurity {
            method,
            level,
            keys: Some(ServerKeys {
                server_random: (0u8..32).collect(),
                certificate: Some(ServerCertificate::Proprietary(
                    ProprietaryCertificate::signed(&modulus(key_bits), PUB_EXP).map_err(invalid)?,
                )),
            }),
        }
    } else {
        ServerSecurity {
            method: EncryptionMethod::NONE,
            level: EncryptionLevel::NONE,
            keys: None,
        }
    };
    let channels = client
        .network()
        .map(|n| {
            (0..n.channels.len())
                .map(|i| IO_CHANNEL.saturating_add(1).saturating_add(i as u16))
                .collect()
        })
        .unwrap_or_default();
    let data = ServerData {
        blocks: vec![
            ServerBlock::Core(ServerCore {
                version: RdpVersion::RDP5,
                client_requested_protocols: Some(selected),
                early_capability_flags: Some(0),
            }),
            ServerBlock::Security(security),
            ServerBlock::Network(ServerNetwork {
                io_channel: IO_CHANNEL,
                channels,
            }),
        ],
    };
    send(
        stream,
        &connect_response(McsResult::SUCCESSFUL, Some(data))?,
    )
    .await?;
    let header = selected == Protocols::RDP && level != EncryptionLevel::NONE;
    domain(stream, then, header, wait).await
}

/// Attach User and Channel Join, confirmed; after the I/O channel's join, `then`.
async fn domain(
    stream: &mut (impl AsyncRead + AsyncWrite + Unpin),
    then: McsEnd,
    security_header: bool,
    wait: Duration,
) -> io::Result<()> {
    loop {
        let packet = read_packet(stream, wait).await?;
        let pdu =
            DomainPdu::decode(x224_data_payload(&packet).map_err(invalid)?).map_err(invalid)?;
        match pdu {
            DomainPdu::AttachUserRequest => {
                let confirm = DomainPdu::AttachUserConfirm {
                    result: McsResult::SUCCESSFUL,
                    initiator: Some(USER_ID),
                };
                send(stream, &confirm.encode().map_err(invalid)?).await?;
            }
            DomainPdu::ChannelJoinRequest {
                initiator,
                channel_id,
            } => {
                let confirm = DomainPdu::ChannelJoinConfirm {
                    result: McsResult::SUCCESSFUL,
                    initiator,
                    requested: channel_id,
                    channel_id: Some(channel_id),
                };
                send(stream, &confirm.encode().map_err(invalid)?).await?;
                if channel_id == IO_CHANNEL {
                    if let McsEnd::ErrorInfo(code) = then {
                        return deny(stream, code, security_header).await;
                    }
                }
            }
            // Erect Domain, a Security Exchange, anything else: no answer.
            _ => {}
        }
    }
}

/// Set Error Info on the I/O channel, then a Disconnect Provider Ultimatum, then the connection closes.
async fn deny(
    stream: &mut (impl AsyncWrite + Unpin),
    code: crate::wire::mcs::ErrorInfo,
    security_header: bool,
) -> io::Result<()> {
    let info = SetErrorInfo {
        source: SERVER_CHANNEL,
        share_id: 0x0001_03EA,
        error_info: code,
    };
    let indication = DomainPdu::SendDataIndication(SendData {
        initiator: SERVER_CHANNEL,
        channel_id: IO_CHANNEL,
        flags: 0x70,
        data: info.encode(security_header).map_err(invalid)?,
    });
    send(stream, &indication.encode().map_err(invalid)?).await?;
    let ultimatum = DomainPdu::DisconnectProviderUltimatum {
        reason: DisconnectReason::PROVIDER_INITIATED,
    };
    send(stream, &ultimatum.encode().map_err(invalid)?).await?;
    stream.shutdown().await
}

/// The method a server at `level` allowing `allowed` picks from the client's `offered`: FIPS at level fips,
/// else the strongest in common.
fn pick(
    offered: EncryptionMethods,
    allowed: EncryptionMethods,
    level: EncryptionLevel,
) -> Option<EncryptionMethod> {
    let order: &[EncryptionMethod] = if level == EncryptionLevel::FIPS {
        &[EncryptionMethod::FIPS]
    } else {
        &[
            EncryptionMethod::BIT128,
            EncryptionMethod::BIT56,
            EncryptionMethod::BIT40,
            EncryptionMethod::FIPS,
        ]
    };
    order
        .iter()
        .copied()
        .find(|m| offered.contains(*m) && allowed.contains(*m))
}

/// A fixture modulus of `bits` bits, little-endian: odd, top bit set. Nobody encrypts to it (rdptls sends no
/// Security Exchange that needs it); it stands for the size a real key would have.
fn modulus(bits: u16) -> Vec<u8> {
    let len = usize::from(bits / 8).max(8);
    let mut m: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(37) ^ 0x5A)
        .collect();
    m[0] |= 1;
    m[len - 1] |= 0x80;
    m
}

fn connect_response(result: McsResult, data: Option<ServerData>) -> io::Result<Vec<u8>> {
    ConnectResponse {
        result,
        called_connect_id: 0,
        domain_parameters: DomainParameters::TARGET,
        user_data: data.map(ConferenceCreateResponse::new),
    }
    .encode()
    .map_err(invalid)
}

async fn send(stream: &mut (impl AsyncWrite + Unpin), mcs_pdu: &[u8]) -> io::Result<()> {
    stream
        .write_all(&encode_x224_data(mcs_pdu).map_err(invalid)?)
        .await?;
    stream.flush().await
}

/// One whole TPKT packet (at most 65535 bytes, the TPKT length's bound).
async fn read_packet(stream: &mut (impl AsyncRead + Unpin), wait: Duration) -> io::Result<Vec<u8>> {
    let read = async {
        let mut header = [0u8; TPKT_HEADER_LEN];
        stream.read_exact(&mut header).await?;
        let len = tpkt_packet_len(header).map_err(invalid)?;
        let mut packet = vec![0u8; len];
        packet[..TPKT_HEADER_LEN].copy_from_slice(&header);
        stream.read_exact(&mut packet[TPKT_HEADER_LEN..]).await?;
        Ok(packet)
    };
    timeout(wait, read)
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "client sent nothing"))?
}

fn invalid(e: impl std::error::Error + Send + Sync + 'static) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}
