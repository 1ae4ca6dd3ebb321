//! The X.224 probe: one connection, one Connection Request, the server's reply decoded.

use std::net::SocketAddr;

use super::Conn;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{connect, io_error, timeout_error, Journal, ProbeContext};
use crate::model::{ConnectionStage, ErrorKind, ScanError, Step};
use crate::wire::x224::{
    tpkt_packet_len, ConnectionRequest, Protocols, X224Reply, TPKT_HEADER_LEN,
};

/// The outcome of one negotiation: the decoded reply and the still-open stream, ready for TLS if it was selected.
pub struct Negotiated {
    pub reply: X224Reply,
    pub stream: Conn,
}

/// Connects to `addr`, requests `protocols`, and reads the reply.
pub async fn negotiate(
    ctx: &ProbeContext,
    addr: SocketAddr,
    protocols: Protocols,
) -> Result<Negotiated, ScanError> {
    negotiate_carrying(ctx, addr, protocols, &[]).await
}

/// [`negotiate`], with `carry` (a ClientHello) sent right behind the Connection Request, in the same write,
/// before the Confirm: a server that reads its socket only as far as each message goes finds the hello waiting
/// once it starts TLS, a round trip sooner. See `probe::early` for when the scan relies on it.
pub async fn negotiate_carrying(
    ctx: &ProbeContext,
    addr: SocketAddr,
    protocols: Protocols,
    carry: &[u8],
) -> Result<Negotiated, ScanError> {
    // Encoded before connecting: a cookie the request cannot carry fails here, with no connection opened.
    let mut request = ConnectionRequest::new(protocols, ctx.cookie.as_deref())
        .encode()
        .map_err(|e| ScanError::new(Step::X224, ErrorKind::Other, e.to_string()))?;
    request.extend_from_slice(carry);
    // The opening slot is held until the server answers, or OPENING_HOLD at most: on a fast path the answer
    // proves the server accepted the connection; on a slow one the slot only paces the SYNs.
    let (answered, answer_rx) = tokio::sync::oneshot::channel::<()>();
    if let Ok(slot) = ctx.opening.clone().acquire_owned().await {
        let hold = ctx.pacing.hold();
        tokio::spawn(async move {
            let _slot = slot;
            let _ = tokio::time::timeout(hold, answer_rx).await;
        });
    }
    let _answered = answered; // dropped on every return: releases the slot
    let started = tokio::time::Instant::now();
    let mut stream = connect(ctx, addr).await?;
    let connected = started.elapsed();
    let exchange = async {
        stream
            .write_all(&request)
            .await
            .map_err(|e| io_error(Step::X224, &e, "sending the Connection Request"))?;
        read_tpkt(&mut stream, &ctx.journal).await
    };
    let packet = match tokio::time::timeout(ctx.timeout, exchange).await {
        Err(_) => return Err(timeout_error(Step::X224, ctx, "X.224 Connection Confirm")),
        Ok(r) => r?,
    };
    ctx.pacing.observe(connected, started.elapsed());
    let reply = X224Reply::decode(&packet)
        .map_err(|e| ScanError::new(Step::X224, ErrorKind::Protocol, e.to_string()))?;
    ctx.journal.reach(ConnectionStage::X224);
    ctx.journal.answered();
    match &reply {
        X224Reply::Disconnect { .. }
        | X224Reply::Data {
            mcs_disconnect: true,
            ..
        } => ctx
            .journal
            .ended(ConnectionStage::X224, crate::model::Ending::X224Disconnect),
        _ => {}
    }
    Ok(Negotiated { reply, stream })
}

/// Reads one whole TPKT packet. The length field is at most 65535, so the allocation is bounded.
async fn read_tpkt(stream: &mut Conn, journal: &Journal) -> Result<Vec<u8>, ScanError> {
    let mut header = [0u8; TPKT_HEADER_LEN];
    let got = match read_full(stream, &mut header).await {
        Err((e, reset)) => {
            if reset {
                journal.closed_before_confirm(true);
            }
            return Err(e);
        }
        Ok(got) => got,
    };
    if got == 0 {
        journal.closed_before_confirm(false);
        return Err(ScanError::new(
            Step::X224,
            ErrorKind::Reset,
            "the server closed the connection without answering the Connection Request",
        ));
    }
    if header[0] != 3 {
        return Err(ScanError::new(
            Step::X224,
            ErrorKind::NotRdp,
            format!(
                "the reply is not TPKT: {}",
                describe_foreign(&header[..got])
            ),
        ));
    }
    if got < TPKT_HEADER_LEN {
        return Err(ScanError::new(
            Step::X224,
            ErrorKind::Reset,
            format!("the server closed the connection after {got} bytes of a TPKT header"),
        ));
    }
    let len = tpkt_packet_len(header)
        .map_err(|e| ScanError::new(Step::X224, ErrorKind::Protocol, e.to_string()))?;
    let mut packet = vec![0u8; len];
    packet[..TPKT_HEADER_LEN].copy_from_slice(&header);
    let body = read_full(stream, &mut packet[TPKT_HEADER_LEN..])
        .await
        .map_err(|(e, _)| e)?;
    if body < len - TPKT_HEADER_LEN {
        return Err(ScanError::new(
            Step::X224,
            ErrorKind::Reset,
            format!(
                "the server closed the connection after {} of {len} bytes of its reply",
                body + TPKT_HEADER_LEN
            ),
        ));
    }
    Ok(packet)
}

/// Fills `buf` unless the peer closes first; returns how many bytes were read. An error says whether the peer
/// reset the connection.
async fn read_full(stream: &mut Conn, buf: &mut [u8]) -> Result<usize, (ScanError, bool)> {
    let mut at = 0;
    while at < buf.len() {
        match stream.read(&mut buf[at..]).await {
            Ok(0) => break,
            Ok(n) => at += n,
            Err(e) => {
                let reset = at == 0
                    && matches!(
                        super::journal::ending_of(&e),
                        Some(crate::model::Ending::Reset)
                    );
                return Err((
                    io_error(Step::X224, &e, "reading the Connection Confirm"),
                    reset,
                ));
            }
        }
    }
    Ok(at)
}

/// A hint about what answered instead of RDP.
fn describe_foreign(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let what = match bytes.first() {
        Some(0x15) => "a TLS alert: a TLS server that expects a ClientHello first (try --direct)",
        Some(0x16) => "a TLS handshake record: a TLS server (try --direct)",
        Some(b'H') if bytes.starts_with(b"HTTP") => "an HTTP response: a web server",
        Some(b'S') if bytes.starts_with(b"SSH") => "an SSH banner",
        _ => "not an RDP server",
    };
    format!("first bytes {hex}, {what}")
}
