//! The MCS probe: over a stream past the X.224 Connection Confirm (standard RDP security) or past TLS (TLS without
//! NLA), MCS Connect-Initial with mstsc's client data, then Erect Domain, Attach User and Channel Join for the user
//! and I/O channels, then a short wait to see how the server ends the connection. No credentials are ever sent:
//! no Security Exchange, no Client Info PDU, no CredSSP.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::{timeout_error, Conn, ProbeContext};
use crate::model::{Ending, ErrorKind, McsStage, ScanError, Step};
use crate::wire::mcs::{
    encode_x224_data, x224_data_payload, ClientData, ConferenceCreateRequest, ConnectInitial,
    ConnectResponse, DomainPdu, EncryptionLevel, EncryptionMethods, McsResult, SetErrorInfo,
};
use crate::wire::x224::{tpkt_packet_len, NegotiationReply, Protocols, X224Reply, TPKT_HEADER_LEN};

/// The longest the probe waits, after the channel joins, to see how the server ends the connection.
pub const LISTEN_MAX: Duration = Duration::from_secs(1);

/// What the client says in its MCS data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct McsRequest {
    /// The protocol the X.224 Connection Confirm selected, echoed in serverSelectedProtocol.
    pub selected: Protocols,
    /// The encryption methods offered in CS_SECURITY (standard RDP security; 0 over TLS).
    pub methods: EncryptionMethods,
    /// After the Channel Join, wait a while for how the server ends the connection (Set Error Info, an
    /// ultimatum); otherwise the probe ends there, as soon as the joins are confirmed.
    pub listen: bool,
}

impl McsRequest {
    /// Standard RDP security offering `methods`; `listen`: wait after the joins for how the server ends.
    pub fn rdp(methods: EncryptionMethods, listen: bool) -> Self {
        Self {
            selected: Protocols::RDP,
            methods,
            listen,
        }
    }

    /// After TLS without NLA: no native encryption offered, and a wait after the joins for how the server ends.
    pub fn after_tls() -> Self {
        Self {
            selected: Protocols::SSL,
            methods: EncryptionMethods(0),
            listen: true,
        }
    }
}

/// What one MCS probe saw.
#[derive(Debug, Clone)]
pub struct McsOutcome {
    /// The Connect-Response, when one arrived and decoded (refusals included).
    pub response: Option<ConnectResponse>,
    /// The furthest step reached.
    pub stage: McsStage,
    /// How the server ended the connection; `None` when a local error or timeout stopped the probe first.
    pub ending: Option<Ending>,
    /// What went wrong on our side or in the server's bytes (a timeout before the listening phase, a PDU that
    /// does not decode).
    pub error: Option<ScanError>,
}

impl McsOutcome {
    fn at(stage: McsStage) -> Self {
        Self {
            response: None,
            stage,
            ending: None,
            error: None,
        }
    }

    fn failed(mut self, error: ScanError) -> Self {
        self.error = Some(error);
        self
    }
}

fn mcs_error(kind: ErrorKind, message: impl Into<String>) -> ScanError {
    ScanError::new(Step::Mcs, kind, message.into())
}

/// One read of the server: a whole TPKT packet, or how the connection ended.
enum Received {
    Packet(Vec<u8>),
    Ended(Ending),
}

/// Reads one TPKT packet (at most 65535 bytes, so the buffer is bounded by the length field's width).
async fn read_packet<S: AsyncRead + Unpin>(stream: &mut S) -> Result<Received, ScanError> {
    let mut header = [0u8; TPKT_HEADER_LEN];
    if let Some(ending) = read_exact_or_end(stream, &mut header).await? {
        return Ok(Received::Ended(ending));
    }
    let len = tpkt_packet_len(header)
        .map_err(|e| mcs_error(ErrorKind::Protocol, format!("expected a TPKT packet: {e}")))?;
    let mut packet = vec![0u8; len];
    packet[..TPKT_HEADER_LEN].copy_from_slice(&header);
    match read_exact_or_end(stream, &mut packet[TPKT_HEADER_LEN..]).await? {
        Some(ending) => Ok(Received::Ended(ending)),
        None => Ok(Received::Packet(packet)),
    }
}

/// Fills `buf`; `Some(ending)` when the server closed or reset the connection first.
async fn read_exact_or_end<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut [u8],
) -> Result<Option<Ending>, ScanError> {
    let mut at = 0;
    while at < buf.len() {
        match stream.read(&mut buf[at..]).await {
            Ok(0) => return Ok(Some(Ending::Closed)),
            Ok(n) => at += n,
            Err(e) => return io_ending(&e).map(Some),
        }
    }
    Ok(None)
}

/// A reset, a close or a TLS alert is the server's answer; anything else is an error.
fn io_ending(e: &std::io::Error) -> Result<Ending, ScanError> {
    super::journal::ending_of(e).ok_or_else(|| super::io_error(Step::Mcs, e, "MCS exchange"))
}

/// Sends one MCS PDU within the step timeout; `Some(ending)` when the server had already closed or reset.
async fn send<S: AsyncWrite + Unpin>(
    ctx: &ProbeContext,
    stream: &mut S,
    pdu: &[u8],
) -> Result<Option<Ending>, ScanError> {
    let packet = encode_x224_data(pdu).map_err(|e| mcs_error(ErrorKind::Other, e.to_string()))?;
    let written = async {
        stream.write_all(&packet).await?;
        stream.flush().await
    };
    match tokio::time::timeout(ctx.timeout, written).await {
        Err(_) => Err(timeout_error(Step::Mcs, ctx, "room to send an MCS PDU")),
        Ok(Ok(())) => Ok(None),
        Ok(Err(e)) => io_ending(&e).map(Some),
    }
}

/// What a domain PDU from the server means at this point.
enum Next {
    Pdu(DomainPdu),
    Ended(Ending),
}

/// Reads the next domain PDU, within the step timeout; an ultimatum or a Set Error Info ends the exchange.
async fn next_pdu<S: AsyncRead + Unpin>(
    ctx: &ProbeContext,
    stream: &mut S,
    waiting_for: &str,
    security_header: bool,
) -> Result<Next, ScanError> {
    loop {
        let received = match tokio::time::timeout(ctx.timeout, read_packet(stream)).await {
            Err(_) => return Err(timeout_error(Step::Mcs, ctx, waiting_for)),
            Ok(r) => r?,
        };
        let packet = match received {
            Received::Ended(e) => return Ok(Next::Ended(e)),
            Received::Packet(p) => p,
        };
        let payload = x224_data_payload(&packet)
            .map_err(|e| mcs_error(ErrorKind::Protocol, e.to_string()))?;
        let pdu = DomainPdu::decode(payload)
            .map_err(|e| mcs_error(ErrorKind::Protocol, e.to_string()))?;
        match pdu {
            DomainPdu::DisconnectProviderUltimatum { reason } => {
                return Ok(Next::Ended(Ending::Ultimatum(reason)))
            }
            DomainPdu::SendDataIndication(ref data) => {
                match SetErrorInfo::decode(&data.data, security_header) {
                    Ok(Some(info)) if info.error_info.0 != 0 => {
                        return Ok(Next::Ended(Ending::ErrorInfo(info.error_info)))
                    }
                    // Another PDU (licensing, an encrypted one): not what we wait for.
                    _ => continue,
                }
            }
            other => return Ok(Next::Pdu(other)),
        }
    }
}

/// Runs the MCS connection sequence over `stream`, already past the X.224 Connection Confirm (standard RDP
/// security) or past the TLS handshake (PROTOCOL_SSL). Generic so that a plan can hand over a connection it
/// already opened, and a test can record what is written.
pub async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    ctx: &ProbeContext,
    stream: &mut S,
    request: McsRequest,
) -> McsOutcome {
    let mut out = McsOutcome::at(McsStage::ConnectInitial);
    let client = ClientData::mstsc(request.selected, request.methods);
    let initial = match ConnectInitial::new(ConferenceCreateRequest::new(client)).encode() {
        Ok(b) => b,
        Err(e) => return out.failed(mcs_error(ErrorKind::Other, e.to_string())),
    };
    match send(ctx, stream, &initial).await {
        Err(e) => return out.failed(e),
        Ok(Some(ending)) => {
            out.ending = Some(ending);
            return out;
        }
        Ok(None) => {}
    }
    // The Connect-Response.
    let received = match tokio::time::timeout(ctx.timeout, read_packet(stream)).await {
        Err(_) => return out.failed(timeout_error(Step::Mcs, ctx, "MCS Connect-Response")),
        Ok(Err(e)) => return out.failed(e),
        Ok(Ok(r)) => r,
    };
    let packet = match received {
        Received::Ended(e) => {
            out.ending = Some(e);
            return out;
        }
        Received::Packet(p) => p,
    };
    let payload = match x224_data_payload(&packet) {
        Ok(p) => p,
        Err(e) => return out.failed(mcs_error(ErrorKind::Protocol, e.to_string())),
    };
    if let Ok(DomainPdu::DisconnectProviderUltimatum { reason }) = DomainPdu::decode(payload) {
        out.ending = Some(Ending::Ultimatum(reason));
        return out;
    }
    let response = match ConnectResponse::decode(payload) {
        Ok(r) => r,
        Err(e) => return out.failed(mcs_error(ErrorKind::Protocol, e.to_string())),
    };
    let refused = response.result != McsResult::SUCCESSFUL;
    let security = response
        .user_data
        .as_ref()
        .and_then(|u| u.server_data.security());
    // Under standard RDP security with encryption, every later PDU starts with a TS_SECURITY_HEADER.
    let security_header = request.selected == Protocols::RDP
        && security.is_some_and(|s| s.level != EncryptionLevel::NONE);
    let io_channel = response
        .user_data
        .as_ref()
        .and_then(|u| u.server_data.network())
        .map_or(1003, |n| n.io_channel);
    out.response = Some(response.clone());
    if refused {
        out.ending = Some(Ending::Refused(response.result));
        return out;
    }
    out.stage = McsStage::ConnectResponse;
    match domain_sequence(ctx, stream, &mut out, io_channel, security_header).await {
        Ok(Some(ending)) => out.ending = Some(ending),
        Ok(None) if request.listen => out.ending = Some(listen(ctx, stream, security_header).await),
        Ok(None) => out.ending = Some(Ending::Rdptls),
        Err(e) => out.error = Some(e),
    }
    out
}

/// Erect Domain, Attach User, Channel Join (user channel, then I/O channel), as mstsc sends them. `Some` when
/// the server ended the connection on the way.
async fn domain_sequence<S: AsyncRead + AsyncWrite + Unpin>(
    ctx: &ProbeContext,
    stream: &mut S,
    out: &mut McsOutcome,
    io_channel: u16,
    security_header: bool,
) -> Result<Option<Ending>, ScanError> {
    let encode = |pdu: DomainPdu| {
        pdu.encode()
            .map_err(|e| mcs_error(ErrorKind::Other, e.to_string()))
    };
    let erect = encode(DomainPdu::ErectDomainRequest {
        sub_height: 0,
        sub_interval: 0,
    })?;
    if let Some(e) = send(ctx, stream, &erect).await? {
        return Ok(Some(e));
    }
    if let Some(e) = send(ctx, stream, &encode(DomainPdu::AttachUserRequest)?).await? {
        return Ok(Some(e));
    }
    let user = match next_pdu(ctx, stream, "MCS Attach User Confirm", security_header).await? {
        Next::Ended(e) => return Ok(Some(e)),
        Next::Pdu(DomainPdu::AttachUserConfirm {
            result: McsResult::SUCCESSFUL,
            initiator: Some(user),
        }) => user,
        Next::Pdu(other) => {
            return Err(mcs_error(
                ErrorKind::Protocol,
                format!("expected an Attach User Confirm, got {other:?}"),
            ))
        }
    };
    out.stage = McsStage::AttachUser;
    for channel in [user, io_channel] {
        let join = encode(DomainPdu::ChannelJoinRequest {
            initiator: user,
            channel_id: channel,
        })?;
        if let Some(e) = send(ctx, stream, &join).await? {
            return Ok(Some(e));
        }
        match next_pdu(ctx, stream, "MCS Channel Join Confirm", security_header).await? {
            Next::Ended(e) => return Ok(Some(e)),
            Next::Pdu(DomainPdu::ChannelJoinConfirm { .. }) => {}
            Next::Pdu(other) => {
                return Err(mcs_error(
                    ErrorKind::Protocol,
                    format!("expected a Channel Join Confirm, got {other:?}"),
                ))
            }
        }
    }
    out.stage = McsStage::ChannelJoin;
    Ok(None)
}

/// Waits min(step timeout, [`LISTEN_MAX`]) for the server to end the connection; a Set Error Info is kept
/// over the ultimatum or close that follows it.
async fn listen<S: AsyncRead + Unpin>(
    ctx: &ProbeContext,
    stream: &mut S,
    security_header: bool,
) -> Ending {
    let wait = ctx.timeout.min(LISTEN_MAX);
    let listening = async {
        let mut seen: Option<Ending> = None;
        loop {
            let packet = match read_packet(stream).await {
                Ok(Received::Packet(p)) => p,
                Ok(Received::Ended(e)) => return seen.unwrap_or(e),
                // Bytes that are not TPKT (a fast-path PDU) or a local error: the server did not end it.
                Err(_) => return seen.unwrap_or(Ending::Rdptls),
            };
            let Ok(payload) = x224_data_payload(&packet) else {
                continue;
            };
            match DomainPdu::decode(payload) {
                Ok(DomainPdu::DisconnectProviderUltimatum { reason }) => {
                    return seen.unwrap_or(Ending::Ultimatum(reason))
                }
                Ok(DomainPdu::SendDataIndication(d)) => {
                    if let Ok(Some(info)) = SetErrorInfo::decode(&d.data, security_header) {
                        if info.error_info.0 != 0 {
                            seen = Some(Ending::ErrorInfo(info.error_info));
                        }
                    }
                }
                _ => {}
            }
        }
    };
    tokio::time::timeout(wait, listening)
        .await
        .unwrap_or(Ending::Rdptls)
}

/// The outcome when the X.224 reply does not select `wanted`: an X.224 Disconnect Request, or an MCS Disconnect
/// Provider Ultimatum in a Data TPDU (xrdp's answer to a request it will not serve), is the server's ending
/// ([`Ending::X224Disconnect`]); anything else an error.
fn not_selected(reply: X224Reply, wanted: &str) -> McsOutcome {
    let mut out = McsOutcome::at(McsStage::X224);
    if let X224Reply::Data { payload, .. } = &reply {
        if let Ok(DomainPdu::DisconnectProviderUltimatum { .. }) = DomainPdu::decode(payload) {
            out.ending = Some(Ending::X224Disconnect);
            return out;
        }
    }
    if let X224Reply::Disconnect { .. } = &reply {
        out.ending = Some(Ending::X224Disconnect);
        return out;
    }
    out.failed(mcs_error(
        ErrorKind::Protocol,
        format!("{wanted} was not selected: {reply:?}"),
    ))
}

/// A connection negotiated to `wanted` (PROTOCOL_RDP also from a legacy Confirm without negotiation data), or
/// the probe's outcome when the server answered otherwise.
async fn negotiated_to(
    ctx: &ProbeContext,
    addr: SocketAddr,
    wanted: Protocols,
) -> Result<Conn, McsOutcome> {
    let negotiated = super::x224::negotiate(ctx, addr, wanted)
        .await
        .map_err(|e| McsOutcome::at(McsStage::X224).failed(e))?;
    let selected = match &negotiated.reply {
        X224Reply::Confirm(c) => match c.negotiation {
            NegotiationReply::None => Some(Protocols::RDP),
            NegotiationReply::Response { selected, .. } => Some(selected),
            NegotiationReply::Failure(_) => None,
        },
        _ => None,
    };
    if selected == Some(wanted) {
        return Ok(negotiated.stream);
    }
    let what = if wanted == Protocols::RDP {
        "standard RDP security"
    } else {
        "TLS"
    };
    Err(not_selected(negotiated.reply, what))
}

/// Connects, negotiates PROTOCOL_RDP and runs the MCS sequence offering `methods`. A server that selects
/// another protocol (or refuses) ends the probe at [`McsStage::X224`] with an error.
pub async fn probe_rdp(
    ctx: &ProbeContext,
    addr: SocketAddr,
    methods: EncryptionMethods,
    listen: bool,
) -> McsOutcome {
    let mut stream = match negotiated_to(ctx, addr, Protocols::RDP).await {
        Ok(s) => s,
        Err(out) => return out,
    };
    exchange(ctx, &mut stream, McsRequest::rdp(methods, listen)).await
}

/// Connects, negotiates PROTOCOL_SSL, completes TLS (certificate not checked) and runs the MCS sequence.
pub async fn probe_tls(ctx: &ProbeContext, addr: SocketAddr, host: &str) -> McsOutcome {
    let stream = match negotiated_to(ctx, addr, Protocols::SSL).await {
        Ok(s) => s,
        Err(out) => return out,
    };
    let (_, mut tls) =
        match super::tls::handshake_and_keep(ctx, stream, host, super::tls::RustlsVersions::Both)
            .await
        {
            Ok(t) => t,
            Err(f) => return McsOutcome::at(McsStage::X224).failed(f.error),
        };
    let mut out = exchange(ctx, &mut tls, McsRequest::after_tls()).await;
    out.stage = out.stage.max(McsStage::Tls);
    out
}
