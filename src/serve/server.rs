//! The fixture server itself: the accept loop, its limits, and what happens on each connection.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::{sleep, timeout};
use tokio_rustls::TlsAcceptor;

use super::profiles::Profile;
use super::spec::{Admission, After, Credssp, Delivery, Mcs, Negotiation, Spec, Tls, X224};
use crate::wire::credssp::{
    encode_ntlm_challenge, encode_ts_request, ntlm_message_type, MessageType, NtlmChallenge,
    TsRequest, WindowsVersion,
};
use crate::wire::x224::{
    tpkt_packet_len, ConnectionRequest, NegotiationReply, Protocols, TPKT_HEADER_LEN,
};

/// How long a fixture server waits and how slowly it drips.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The longest wait for each read from the client and for the TLS handshake.
    pub read_timeout: Duration,
    /// The longest a holding profile (`tarpit`, `huge-length`, `huge-tls-record`) keeps a connection.
    pub hold_cap: Duration,
    /// The pause between bytes for `slow-drip`.
    pub drip_interval: Duration,
    /// The pause before each Connection Confirm of `slow-steps`.
    pub late_by: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            read_timeout: Duration::from_secs(10),
            hold_cap: Duration::from_secs(120),
            drip_interval: Duration::from_secs(1),
            late_by: Duration::from_millis(1500),
        }
    }
}

/// Serves `profile` on `listener` until `shutdown` completes, one task per connection, with default [`Limits`].
pub async fn serve(
    profile: Profile,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    serve_with(profile, listener, shutdown, Limits::default()).await
}

/// Like [`serve`] with explicit limits. When `shutdown` completes, open connections are dropped too.
pub async fn serve_with(
    profile: Profile,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
    limits: Limits,
) -> io::Result<()> {
    let server = Arc::new(Server::new(profile, limits)?);
    admit_backlog(&listener, server.spec.admission)?;
    accept_loop(server, listener, shutdown).await;
    Ok(())
}

/// Sets the listen backlog a [`Admission::SlowAccept`] profile asks for (listen(2) again on a listening socket
/// changes its backlog).
fn admit_backlog(listener: &TcpListener, admission: Admission) -> io::Result<()> {
    #[cfg(unix)]
    if let Admission::SlowAccept { backlog, .. } = admission {
        use std::os::fd::AsRawFd;
        let backlog = i32::try_from(backlog).unwrap_or(i32::MAX);
        // SAFETY: listen(2) on a descriptor the listener owns and keeps open for this call.
        if unsafe { libc::listen(listener.as_raw_fd(), backlog) } != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    #[cfg(not(unix))]
    let _ = (listener, admission);
    Ok(())
}

/// Accepts until `shutdown` completes, one task per connection; then drops the open connections.
async fn accept_loop(
    server: Arc<Server>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) {
    let mut connections = JoinSet::new();
    let open = Arc::new(AtomicUsize::new(0));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    match server.spec.admission {
                        Admission::Outstanding(most) if open.load(Ordering::Relaxed) >= most => {
                            // At the limit: accepted, then closed before any answer.
                            drop(stream);
                            continue;
                        }
                        Admission::SlowAccept { accept_every, .. } => sleep(accept_every).await,
                        _ => {}
                    }
                    let server = server.clone();
                    let open = open.clone();
                    open.fetch_add(1, Ordering::Relaxed);
                    connections.spawn(async move {
                        // A connection's failure concerns that client only.
                        let _ = server.handle(stream).await;
                        open.fetch_sub(1, Ordering::Relaxed);
                    });
                }
                // Out of descriptors, or a client that reset before accept: keep serving.
                Err(_) => sleep(Duration::from_millis(10)).await,
            },
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

/// A fixture server running in a background task; dropping it stops the server and its connections.
#[derive(Debug)]
pub struct FixtureServer {
    addr: SocketAddr,
    profile: Profile,
    task: JoinHandle<()>,
}

impl FixtureServer {
    /// The address it listens on (the real port when bound to port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Stops accepting, drops every open connection and waits for the server task to end.
    pub async fn stop(mut self) {
        self.task.abort();
        let _ = (&mut self.task).await;
    }
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Binds `addr` (e.g. `127.0.0.1:0`) and serves `profile` in a background task with default [`Limits`].
pub async fn bind(profile: Profile, addr: SocketAddr) -> io::Result<FixtureServer> {
    bind_with(profile, addr, Limits::default()).await
}

/// Like [`bind`] with explicit limits. Certificates are made and TLS configured before this returns, so a
/// client may connect at once.
pub async fn bind_with(
    profile: Profile,
    addr: SocketAddr,
    limits: Limits,
) -> io::Result<FixtureServer> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let server = Arc::new(Server::new(profile, limits)?);
    admit_backlog(&listener, server.spec.admission)?;
    let task = tokio::spawn(accept_loop(server, listener, std::future::pending()));
    Ok(FixtureServer {
        addr,
        profile,
        task,
    })
}

/// A profile's row with its TLS configuration made once.
struct Server {
    spec: Spec,
    limits: Limits,
    tls: Option<TlsAcceptor>,
}

impl Server {
    fn new(profile: Profile, limits: Limits) -> io::Result<Self> {
        let spec = profile.spec();
        Ok(Self {
            spec,
            limits,
            tls: super::tls::acceptor(spec.tls)?,
        })
    }

    async fn handle(&self, mut stream: TcpStream) -> io::Result<()> {
        let limits = self.limits;
        match self.spec.x224 {
            X224::Reset => {
                stream.set_zero_linger()?;
                drop(stream);
                Ok(())
            }
            X224::Silence => {
                hold(&mut stream, limits.hold_cap).await;
                Ok(())
            }
            X224::Instead(reply, after) => {
                read_some(&mut stream, limits.read_timeout).await?;
                stream.write_all(reply).await?;
                match after {
                    After::Close => stream.shutdown().await,
                    After::Hold => {
                        hold(&mut stream, limits.hold_cap).await;
                        Ok(())
                    }
                }
            }
            X224::Confirm(negotiation, delivery) => {
                self.negotiate(stream, negotiation, delivery).await
            }
        }
    }

    /// The profiles that read a real Connection Request and answer it.
    async fn negotiate(
        &self,
        mut stream: TcpStream,
        negotiation: Negotiation,
        delivery: Delivery,
    ) -> io::Result<()> {
        let limits = self.limits;
        let request = read_request(&mut stream, limits.read_timeout).await?;
        let confirm = negotiation.confirm(&request);
        let reply = confirm.encode();
        match delivery {
            Delivery::HalfThenClose => {
                stream.write_all(&reply[..reply.len() / 2]).await?;
                return stream.shutdown().await;
            }
            Delivery::Drip => {
                for byte in &reply {
                    stream.write_all(std::slice::from_ref(byte)).await?;
                    stream.flush().await?;
                    sleep(limits.drip_interval).await;
                }
            }
            Delivery::Late => {
                sleep(limits.late_by).await;
                stream.write_all(&reply).await?;
            }
            Delivery::Whole => stream.write_all(&reply).await?,
        }
        let NegotiationReply::Response { selected, .. } = confirm.negotiation else {
            // A failure, or a legacy server: wait for the client to go, as xrdp does.
            return drain(&mut stream, limits.read_timeout).await;
        };
        if selected == Protocols::RDP {
            // Standard RDP security continues with MCS Connect-Initial, which profiles without MCS end at once.
            if self.spec.mcs == Mcs::None {
                return drain(&mut stream, limits.read_timeout).await;
            }
            return super::mcs::serve(&mut stream, self.spec.mcs, selected, limits.read_timeout)
                .await;
        }
        match self.spec.tls {
            Tls::None => return Ok(()),
            Tls::Instead(reply) => {
                read_some(&mut stream, limits.read_timeout).await?;
                stream.write_all(reply).await?;
                hold(&mut stream, limits.hold_cap).await;
                return Ok(());
            }
            Tls::Rustls { .. } => {}
        }
        let Some(acceptor) = &self.tls else {
            return Ok(());
        };
        let mut tls = timeout(limits.read_timeout, acceptor.accept(stream))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "TLS handshake"))??;
        if matches!(selected, Protocols::HYBRID | Protocols::HYBRID_EX) {
            // CredSSP: answer the client's NTLM NEGOTIATE with a CHALLENGE, as Windows does, and go no further.
            if let Credssp::Challenge { version, windows } = self.spec.credssp {
                if let Ok(request) = read_ts_request(&mut tls, limits.read_timeout).await {
                    let is_negotiate = request.nego_token.as_deref().and_then(ntlm_message_type)
                        == Some(MessageType::NEGOTIATE);
                    if is_negotiate {
                        let reply = encode_ntlm_challenge(&ntlm_identity(windows))
                            .and_then(|c| encode_ts_request(version, &c))
                            .map_err(invalid_data)?;
                        tls.write_all(&reply).await?;
                        tls.flush().await?;
                    }
                }
            }
        }
        if selected == Protocols::SSL && self.spec.mcs != Mcs::None {
            return super::mcs::serve(&mut tls, self.spec.mcs, selected, limits.read_timeout).await;
        }
        // The rest of CredSSP (or MCS, for profiles without it) is not implemented: the next bytes end it.
        let mut buf = [0u8; 1024];
        let _ = timeout(limits.read_timeout, tls.read(&mut buf)).await;
        Ok(())
    }
}

/// Who a profile's NTLM CHALLENGE says the server is, running Windows `windows`; its clock is the real one.
fn ntlm_identity(windows: (u8, u8, u16)) -> NtlmChallenge {
    let filetime = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| (d.as_secs() + 11_644_473_600) * 10_000_000)
        .unwrap_or_default();
    let (major, minor, build) = windows;
    NtlmChallenge {
        version: Some(WindowsVersion {
            major,
            minor,
            build,
        }),
        target_name: Some("RDPTLS".into()),
        netbios_domain: Some("RDPTLS".into()),
        netbios_computer: Some("RDPTLS-DEMO".into()),
        dns_domain: Some("rdptls.test".into()),
        dns_computer: Some("rdptls-demo.rdptls.test".into()),
        dns_tree: None,
        timestamp: Some(filetime),
    }
}

/// Reads one TSRequest (bounded by MAX_TS_REQUEST).
pub(super) async fn read_ts_request(
    stream: &mut (impl AsyncRead + Unpin),
    wait: Duration,
) -> io::Result<TsRequest> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let read = async {
        loop {
            if let Some(total) = TsRequest::frame_len(&buf).map_err(invalid_data)? {
                if buf.len() >= total {
                    return TsRequest::decode(&buf[..total]).map_err(invalid_data);
                }
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "client closed during CredSSP",
                ));
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    };
    timeout(wait, read)
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "no TSRequest"))?
}

/// Reads one whole TPKT packet and decodes it as a Connection Request.
pub(crate) async fn read_request(
    stream: &mut TcpStream,
    wait: Duration,
) -> io::Result<ConnectionRequest> {
    let mut header = [0u8; TPKT_HEADER_LEN];
    read_exact_within(stream, &mut header, wait).await?;
    let len = tpkt_packet_len(header).map_err(invalid_data)?;
    let mut packet = vec![0u8; len];
    packet[..TPKT_HEADER_LEN].copy_from_slice(&header);
    read_exact_within(stream, &mut packet[TPKT_HEADER_LEN..], wait).await?;
    ConnectionRequest::decode(&packet).map_err(invalid_data)
}

fn invalid_data(e: impl std::error::Error + Send + Sync + 'static) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

async fn read_exact_within(
    stream: &mut (impl AsyncRead + Unpin),
    buf: &mut [u8],
    wait: Duration,
) -> io::Result<()> {
    timeout(wait, stream.read_exact(buf))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "client sent nothing"))?
        .map(|_| ())
}

/// Reads whatever the client sends first (any bytes at all), waiting at most `wait`.
async fn read_some(stream: &mut TcpStream, wait: Duration) -> io::Result<usize> {
    let mut buf = [0u8; 4096];
    timeout(wait, stream.read(&mut buf))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "client sent nothing"))?
}

/// Reads until the client sends anything more, closes, or `wait` passes.
async fn drain(stream: &mut TcpStream, wait: Duration) -> io::Result<()> {
    let mut buf = [0u8; 4096];
    let _ = timeout(wait, stream.read(&mut buf)).await;
    Ok(())
}

/// Reads and discards until the client closes or `cap` passes; never writes.
async fn hold(stream: &mut TcpStream, cap: Duration) {
    let mut buf = [0u8; 4096];
    let _ = timeout(cap, async {
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}
