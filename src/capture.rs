//! `rdptls capture`: an RDP server that turns real clients into client profiles.
//!
//! Each connection: the client's X.224 Connection Request, a Connection Confirm selecting TLS (PROTOCOL_SSL when
//! asked, else HYBRID or HYBRID_EX, the ones that also begin with a TLS handshake), the client's ClientHello through
//! the record deframer, a fatal handshake_failure alert, close. Every hello gets its JA4; each distinct one becomes a
//! `[[client]]` table appended to the capture file ([`crate::analysis::client_capture`]).
//!
//! Bounded: one deadline per connection, at most [`MAX_HELLO_BYTES`] read after the Confirm, a number of
//! connections at once and in all, and `--count`.

use std::future::Future;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio::time::timeout;

use crate::analysis::client_capture::{Added, CaptureContext, CaptureFile, FILE_HEADER};
use crate::serve::read_request;
use crate::wire::tls::{
    ja4, next_client_hello, AlertDescription, AlertLevel, ContentType, HandshakeDeframer, Ja4,
    ProtocolVersion, ReceivedHello, MAX_HANDSHAKE_LEN,
};
use crate::wire::x224::{
    ConnectionConfirm, ConnectionRequest, Cookie, FailureCode, NegotiationReply, Protocols,
    ResponseFlags,
};

/// The most bytes read after the Connection Confirm: a ClientHello of the deframer's largest handshake message
/// (64 KiB) in records of 2^14 bytes, with their headers.
pub const MAX_HELLO_BYTES: usize = MAX_HANDSHAKE_LEN + 1024;

/// SRC-REF of the Connection Confirm, as Windows and xrdp send it.
const SRC_REF: u16 = 0x1234;

/// How long, how many, and when to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaptureLimits {
    /// The longest one connection may take, from accept to its whole ClientHello.
    pub per_connection: Duration,
    /// Connections handled at once; others wait in the listen backlog.
    pub in_flight: usize,
    /// Connections accepted in all; then the capture stops.
    pub max_connections: usize,
    /// Stop after this many ClientHellos (distinct or not).
    pub count: Option<usize>,
}

impl Default for CaptureLimits {
    fn default() -> Self {
        Self {
            per_connection: Duration::from_secs(10),
            in_flight: 4,
            max_connections: 64,
            count: None,
        }
    }
}

/// One ClientHello and what came with it.
#[derive(Clone, Debug)]
pub struct CapturedHello {
    pub peer: SocketAddr,
    /// `Cookie: mstshash=NAME` of the Connection Request.
    pub cookie: Option<String>,
    pub requested: Protocols,
    pub selected: Protocols,
    pub received: ReceivedHello,
    pub ja4: Ja4,
}

/// What one connection gave.
#[derive(Clone, Debug)]
pub enum Connection {
    Hello(Box<CapturedHello>),
    /// The client asked for no protocol that begins with TLS (standard RDP security only, or a legacy request
    /// without negotiation data): it got RDP_NEG_FAILURE SSL_REQUIRED_BY_SERVER.
    NoTls {
        peer: SocketAddr,
        requested: Option<Protocols>,
    },
    Failed {
        peer: SocketAddr,
        error: String,
    },
}

/// The negotiation answer: PROTOCOL_SSL when asked, else HYBRID or HYBRID_EX (each begins with a TLS handshake),
/// else SSL_REQUIRED_BY_SERVER.
pub fn negotiation_reply(request: &ConnectionRequest) -> NegotiationReply {
    let requested = request.negotiation.map(|n| n.requested);
    [Protocols::SSL, Protocols::HYBRID, Protocols::HYBRID_EX]
        .into_iter()
        .find(|p| requested.is_some_and(|r| r.contains(*p)))
        .map_or(
            NegotiationReply::Failure(FailureCode::SSL_REQUIRED_BY_SERVER),
            |selected| NegotiationReply::Response {
                flags: ResponseFlags::EXTENDED_CLIENT_DATA_SUPPORTED,
                selected,
            },
        )
}

/// Accepts connections on `listener` until `shutdown` completes or a limit is reached, and hands each
/// connection's result to `each` as it finishes. Returns the number of ClientHellos read.
pub async fn capture(
    listener: TcpListener,
    limits: CaptureLimits,
    shutdown: impl Future<Output = ()>,
    mut each: impl FnMut(Connection),
) -> usize {
    let mut running = JoinSet::new();
    let mut accepted = 0usize;
    let mut hellos = 0usize;
    let in_flight = limits.in_flight.max(1);
    tokio::pin!(shutdown);
    loop {
        let done = limits.count.is_some_and(|n| hellos >= n)
            || (accepted >= limits.max_connections && running.is_empty());
        if done {
            break;
        }
        let may_accept = accepted < limits.max_connections && running.len() < in_flight;
        tokio::select! {
            _ = &mut shutdown => break,
            conn = listener.accept(), if may_accept => match conn {
                Ok((stream, peer)) => {
                    accepted += 1;
                    running.spawn(connection(stream, peer, limits.per_connection));
                }
                // A client that reset before accept, or no descriptors left: keep listening.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(joined) = running.join_next(), if !running.is_empty() => {
                if let Ok(result) = joined {
                    hellos += usize::from(matches!(result, Connection::Hello(_)));
                    each(result);
                }
            }
        }
    }
    running.shutdown().await;
    hellos
}

/// One connection, within `limit`.
async fn connection(mut stream: TcpStream, peer: SocketAddr, limit: Duration) -> Connection {
    match timeout(limit, exchange(&mut stream, peer, limit)).await {
        Ok(Ok(c)) => c,
        Ok(Err(error)) => Connection::Failed { peer, error },
        Err(_) => Connection::Failed {
            peer,
            error: format!("no whole ClientHello within {limit:?}"),
        },
    }
}

async fn exchange(
    stream: &mut TcpStream,
    peer: SocketAddr,
    limit: Duration,
) -> Result<Connection, String> {
    let request = read_request(stream, limit)
        .await
        .map_err(|e| format!("X.224 Connection Request: {e}"))?;
    let reply = negotiation_reply(&request);
    let confirm = ConnectionConfirm {
        dst_ref: 0,
        src_ref: SRC_REF,
        class: 0,
        negotiation: reply,
    };
    stream
        .write_all(&confirm.encode())
        .await
        .map_err(|e| format!("writing the Connection Confirm: {e}"))?;
    let requested = request.negotiation.map(|n| n.requested);
    let NegotiationReply::Response { selected, .. } = reply else {
        let _ = stream.shutdown().await;
        return Ok(Connection::NoTls { peer, requested });
    };
    let received = read_hello(stream).await?;
    // A fatal handshake_failure alert (RFC 8446 6.2), so that the client reports a TLS failure, then close.
    let [major, minor] = ProtocolVersion::TLS1_0.0.to_be_bytes();
    let alert = [
        ContentType::ALERT.0,
        major,
        minor,
        0,
        2,
        AlertLevel::FATAL.0,
        AlertDescription::HANDSHAKE_FAILURE.0,
    ];
    let _ = stream.write_all(&alert).await;
    let _ = stream.shutdown().await;
    let cookie = match request.cookie {
        Some(Cookie::MstsHash(name)) => Some(name),
        _ => None,
    };
    Ok(Connection::Hello(Box::new(CapturedHello {
        peer,
        cookie,
        requested: requested.unwrap_or(Protocols::RDP),
        selected,
        ja4: ja4(&received.hello),
        received,
    })))
}

/// Reads until the deframer holds a whole ClientHello, at most [`MAX_HELLO_BYTES`].
async fn read_hello(stream: &mut TcpStream) -> Result<ReceivedHello, String> {
    let mut deframer = HandshakeDeframer::new();
    let mut buf = vec![0u8; 16 * 1024];
    let mut total = 0usize;
    loop {
        let n = stream
            .read(&mut buf)
            .await
            .map_err(|e| format!("reading the ClientHello: {e}"))?;
        if n == 0 {
            return Err("the client closed before a whole ClientHello".to_string());
        }
        total += n;
        if total > MAX_HELLO_BYTES {
            return Err(format!(
                "more than {MAX_HELLO_BYTES} bytes without a whole ClientHello"
            ));
        }
        deframer
            .push(&buf[..n])
            .map_err(|e| format!("ClientHello: {e}"))?;
        if let Some(received) =
            next_client_hello(&mut deframer).map_err(|e| format!("ClientHello: {e}"))?
        {
            return Ok(received);
        }
    }
}

/// What a capture into a file did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureSummary {
    pub hellos: usize,
    pub new_profiles: usize,
}

/// `rdptls capture --out FILE`: captures on `listener` and appends one profile per distinct hello to `out`
/// (created with a header if missing). `say` gets one line per connection: the JA4 and the profile for a hello,
/// or why there was none. An existing `out` that does not load as a profiles file is an error before anything
/// is accepted.
pub async fn capture_to_file(
    listener: TcpListener,
    out: &Path,
    limits: CaptureLimits,
    shutdown: impl Future<Output = ()>,
    mut say: impl FnMut(&str),
) -> Result<CaptureSummary, String> {
    let existing = match std::fs::read_to_string(out) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("reading {}: {e}", out.display())),
    };
    let mut file = CaptureFile::new(&existing).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut needs_header = existing.trim().is_empty();
    let mut summary = CaptureSummary::default();
    let mut write_error = None;
    summary.hellos = capture(listener, limits, shutdown, |conn| match conn {
        Connection::Hello(h) => {
            let captured_at = now_rfc3339();
            let ctx = CaptureContext {
                cookie: h.cookie.as_deref(),
                peer: h.peer.ip(),
                captured_at: &captured_at,
                requested: h.requested,
                selected: h.selected,
            };
            let line = match file.add(&h.received, &h.ja4, &ctx) {
                Ok(Added::New(p)) => match append(out, needs_header, &p.toml) {
                    Ok(()) => {
                        needs_header = false;
                        summary.new_profiles += 1;
                        format!("new profile {} in {}", p.id, out.display())
                    }
                    Err(e) => {
                        let e = format!("writing {}: {e}", out.display());
                        write_error.get_or_insert(e.clone());
                        e
                    }
                },
                Ok(Added::Known { id }) => format!("same hello as profile {id}"),
                Err(e) => format!("no profile: {e}"),
            };
            let cookie = h.cookie.as_deref().unwrap_or("-");
            say(&format!("{}  {}  cookie {cookie}  {line}", h.ja4, h.peer));
        }
        Connection::NoTls { peer, requested } => say(&format!(
            "{peer}: asked for {} only: answered SSL_REQUIRED_BY_SERVER, no ClientHello",
            requested.map_or("no negotiation (a legacy client)".to_string(), |r| r
                .to_string())
        )),
        Connection::Failed { peer, error } => say(&format!("{peer}: {error}")),
    })
    .await;
    match write_error {
        Some(e) => Err(e),
        None => Ok(summary),
    }
}

fn append(out: &Path, header: bool, table: &str) -> io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(out)?;
    if header {
        f.write_all(FILE_HEADER.as_bytes())?;
    }
    f.write_all(table.as_bytes())?;
    f.flush()
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "unknown time".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::x224::{NegotiationRequest, RequestFlags};

    fn request(requested: Option<u32>) -> ConnectionRequest {
        ConnectionRequest {
            cookie: None,
            negotiation: requested.map(|r| NegotiationRequest {
                flags: RequestFlags(0),
                requested: Protocols(r),
            }),
        }
    }

    #[test]
    fn the_capture_selects_tls_when_asked_else_a_protocol_that_begins_with_tls() {
        let cases = [
            (Some(0x01), Some(Protocols::SSL)),
            (Some(0x03), Some(Protocols::SSL)),
            (Some(0x0B), Some(Protocols::SSL)),
            (Some(0x02), Some(Protocols::HYBRID)),
            (Some(0x0A), Some(Protocols::HYBRID)),
            (Some(0x08), Some(Protocols::HYBRID_EX)),
            (Some(0x00), None),
            (Some(0x10), None),
            (None, None),
        ];
        for (requested, want) in cases {
            let got = match negotiation_reply(&request(requested)) {
                NegotiationReply::Response { selected, .. } => Some(selected),
                NegotiationReply::Failure(FailureCode::SSL_REQUIRED_BY_SERVER) => None,
                other => panic!("{other:?}"),
            };
            assert_eq!(got, want, "{requested:?}");
        }
    }
}
