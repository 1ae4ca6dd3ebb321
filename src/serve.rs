//! `rdptls serve`: fixture RDP servers, honest and hostile, on loopback.
//!
//! Each [`Profile`] answers the X.224 Connection Request the way one kind of real server (or broken middlebox)
//! does, then, where it selected TLS or CredSSP, completes a rustls handshake with a fixture certificate. Nothing
//! past TLS is implemented: the first bytes a client sends inside TLS (MCS or CredSSP) end the connection.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use rustls::version::{TLS12, TLS13};
use rustls::{ServerConfig, SupportedProtocolVersion};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::{sleep, timeout};
use tokio_rustls::TlsAcceptor;

use crate::fixtures::FixtureCert;
use crate::wire::credssp::{encode_ntlm_challenge, encode_ts_request, NtlmIdentity, TsRequest};
use crate::wire::x224::{
    tpkt_packet_len, ConnectionConfirm, ConnectionRequest, FailureCode, NegotiationReply,
    Protocols, ResponseFlags, TPKT_HEADER_LEN,
};

/// xrdp's answer to a request for PROTOCOL_RDSAAD: an X.224 Data TPDU carrying MCS Disconnect Provider
/// Ultimatum, instead of a Connection Confirm (observed, xrdp 0.9.21, shared/reference/wire.md).
pub const RDSAAD_DISCONNECT: [u8; 9] = [0x03, 0x00, 0x00, 0x09, 0x02, 0xf0, 0x80, 0x21, 0x80];

/// What the `garbage` profile answers: an HTTP server's reply, as when 3389 is forwarded to a web server.
pub const HTTP_REPLY: &[u8] =
    b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request";

/// The SRC-REF xrdp and Windows put in a Connection Confirm; FreeRDP sends 0.
const SRC_REF: u16 = 0x1234;

/// One fixture server behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Profile {
    Modern,
    Tls13Only,
    ExpiredCert,
    ExpiringCert,
    NlaRequired,
    CredsspUnpatched,
    SslRequired,
    RdpOnly,
    LegacyNoNeg,
    Garbage,
    Truncated,
    HugeLength,
    HugeTlsRecord,
    Tarpit,
    Reset,
    SlowDrip,
    Disconnect,
}

impl Profile {
    pub const ALL: [Self; 17] = [
        Self::Modern,
        Self::Tls13Only,
        Self::ExpiredCert,
        Self::ExpiringCert,
        Self::NlaRequired,
        Self::CredsspUnpatched,
        Self::SslRequired,
        Self::RdpOnly,
        Self::LegacyNoNeg,
        Self::Garbage,
        Self::Truncated,
        Self::HugeLength,
        Self::HugeTlsRecord,
        Self::Tarpit,
        Self::Reset,
        Self::SlowDrip,
        Self::Disconnect,
    ];

    /// The name on the command line: `modern`, `tls13-only`, ...
    pub fn name(self) -> &'static str {
        match self {
            Self::Modern => "modern",
            Self::Tls13Only => "tls13-only",
            Self::ExpiredCert => "expired-cert",
            Self::ExpiringCert => "expiring-cert",
            Self::NlaRequired => "nla-required",
            Self::CredsspUnpatched => "credssp-unpatched",
            Self::SslRequired => "ssl-required",
            Self::RdpOnly => "rdp-only",
            Self::LegacyNoNeg => "legacy-no-neg",
            Self::Garbage => "garbage",
            Self::Truncated => "truncated",
            Self::HugeLength => "huge-length",
            Self::HugeTlsRecord => "huge-tls-record",
            Self::Tarpit => "tarpit",
            Self::Reset => "reset",
            Self::SlowDrip => "slow-drip",
            Self::Disconnect => "disconnect",
        }
    }

    /// One line for `rdptls serve --list` and documentation.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Modern => "NLA supported: selects HYBRID_EX/HYBRID when asked, else TLS; refuses standard RDP security with SSL_REQUIRED_BY_SERVER; TLS 1.2+1.3, valid certificate",
            Self::Tls13Only => "like modern, but TLS 1.3 only",
            Self::ExpiredCert => "like modern, with a Windows-like self-signed certificate that expired 40 days ago",
            Self::ExpiringCert => "like modern, with a certificate that expires in 10 days",
            Self::NlaRequired => "like FreeRDP /sec:nla: HYBRID_REQUIRED_BY_SERVER unless HYBRID is asked; selects HYBRID (flags 0x03), then TLS, then answers CredSSP version 6 with an NTLM CHALLENGE",
            Self::CredsspUnpatched => "like nla-required, but its CredSSP answers with version 3: a server without the 2018 CVE-2018-0886 update",
            Self::SslRequired => "like xrdp security_layer=tls: selects TLS when asked, otherwise SSL_REQUIRED_BY_SERVER; no NLA",
            Self::RdpOnly => "like xrdp security_layer=rdp: selects standard RDP security whatever is asked; no TLS",
            Self::LegacyNoNeg => "a pre-2003 server: a bare Connection Confirm without negotiation data",
            Self::Garbage => "answers with an HTTP response instead of TPKT",
            Self::Truncated => "sends half a Connection Confirm, then closes",
            Self::HugeLength => "sends a TPKT header claiming 65535 bytes and a few bytes, then holds the connection",
            Self::HugeTlsRecord => "selects TLS, then answers the ClientHello with a record header claiming 65535 bytes and holds",
            Self::Tarpit => "accepts and reads, never answers, holds the connection open",
            Self::Reset => "accepts, then closes with a TCP reset",
            Self::SlowDrip => "sends a valid Connection Confirm one byte per second, then behaves like modern",
            Self::Disconnect => "answers every request like xrdp answers RDSAAD: an MCS Disconnect Provider Ultimatum, then closes",
        }
    }

    /// The certificate a TLS profile serves; `None` for profiles that never reach TLS.
    pub fn certificate(self) -> Option<FixtureCert> {
        match self {
            Self::Modern
            | Self::Tls13Only
            | Self::NlaRequired
            | Self::CredsspUnpatched
            | Self::SslRequired
            | Self::SlowDrip => Some(FixtureCert::Valid),
            Self::ExpiredCert => Some(FixtureCert::Expired),
            Self::ExpiringCert => Some(FixtureCert::Expiring),
            _ => None,
        }
    }

    /// The TSRequest version this profile's CredSSP answers with.
    fn credssp_version(self) -> u32 {
        match self {
            Self::CredsspUnpatched => 3,
            _ => 6,
        }
    }

    /// Who the profile's NTLM CHALLENGE says the server is; its clock is the real one.
    fn ntlm_identity(self) -> NtlmIdentity {
        let filetime = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| (d.as_secs() + 11_644_473_600) * 10_000_000)
            .unwrap_or_default();
        NtlmIdentity {
            domain: "RDPTLS".into(),
            computer: "RDPTLS-DEMO".into(),
            dns_domain: "rdptls.test".into(),
            dns_computer: "rdptls-demo.rdptls.test".into(),
            version: if self == Self::CredsspUnpatched {
                (6, 1, 7601)
            } else {
                (10, 0, 20348)
            },
            timestamp: filetime,
        }
    }

    /// The TLS versions a TLS profile accepts.
    fn tls_versions(self) -> &'static [&'static SupportedProtocolVersion] {
        static ONLY_13: [&SupportedProtocolVersion; 1] = [&TLS13];
        static BOTH: [&SupportedProtocolVersion; 2] = [&TLS13, &TLS12];
        match self {
            Self::Tls13Only => &ONLY_13,
            _ => &BOTH,
        }
    }

    /// The Connection Confirm this profile sends for `request`, for the profiles that send a well-formed one.
    pub fn confirm(self, request: &ConnectionRequest) -> Option<ConnectionConfirm> {
        let requested = request
            .negotiation
            .map(|n| n.requested)
            .unwrap_or(Protocols::RDP);
        let asks = |p: Protocols| requested.contains(p) && p != Protocols::RDP;
        let confirm = |src_ref, negotiation| ConnectionConfirm {
            dst_ref: 0,
            src_ref,
            class: 0,
            negotiation,
        };
        let select = |flags, selected| NegotiationReply::Response {
            flags: ResponseFlags(flags),
            selected,
        };
        let fail = NegotiationReply::Failure;
        Some(match self {
            Self::Modern
            | Self::Tls13Only
            | Self::ExpiredCert
            | Self::ExpiringCert
            | Self::SlowDrip => {
                let negotiation = if asks(Protocols::HYBRID_EX) {
                    select(0x03, Protocols::HYBRID_EX)
                } else if asks(Protocols::HYBRID) {
                    select(0x03, Protocols::HYBRID)
                } else if asks(Protocols::SSL) {
                    select(0x01, Protocols::SSL)
                } else {
                    fail(FailureCode::SSL_REQUIRED_BY_SERVER)
                };
                confirm(SRC_REF, negotiation)
            }
            Self::SslRequired => confirm(
                SRC_REF,
                if asks(Protocols::SSL) {
                    select(0x01, Protocols::SSL)
                } else {
                    fail(FailureCode::SSL_REQUIRED_BY_SERVER)
                },
            ),
            // FreeRDP selects HYBRID even when HYBRID_EX is also offered, and sends SRC-REF 0.
            Self::NlaRequired | Self::CredsspUnpatched => confirm(
                0,
                if asks(Protocols::HYBRID) || asks(Protocols::HYBRID_EX) {
                    select(0x03, Protocols::HYBRID)
                } else {
                    fail(FailureCode::HYBRID_REQUIRED_BY_SERVER)
                },
            ),
            Self::RdpOnly => confirm(SRC_REF, select(0x01, Protocols::RDP)),
            Self::LegacyNoNeg => confirm(SRC_REF, NegotiationReply::None),
            Self::HugeTlsRecord | Self::Truncated => confirm(SRC_REF, select(0x01, Protocols::SSL)),
            Self::Garbage | Self::HugeLength | Self::Tarpit | Self::Reset | Self::Disconnect => {
                return None
            }
        })
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown profile name; the message lists the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown profile {0:?} (known: {known})", known = Profile::ALL.map(Profile::name).join(", "))]
pub struct UnknownProfile(pub String);

impl FromStr for Profile {
    type Err = UnknownProfile;

    /// Accepts `tls13-only` and `tls13_only` alike.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL
            .into_iter()
            .find(|p| p.name() == wanted)
            .ok_or_else(|| UnknownProfile(s.to_string()))
    }
}

/// How long a fixture server waits and how slowly it drips.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The longest wait for each read from the client and for the TLS handshake.
    pub read_timeout: Duration,
    /// The longest a holding profile (`tarpit`, `huge-length`, `huge-tls-record`) keeps a connection.
    pub hold_cap: Duration,
    /// The pause between bytes for `slow-drip`.
    pub drip_interval: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            read_timeout: Duration::from_secs(10),
            hold_cap: Duration::from_secs(120),
            drip_interval: Duration::from_secs(1),
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
    accept_loop(server, listener, shutdown).await;
    Ok(())
}

/// Accepts until `shutdown` completes, one task per connection; then drops the open connections.
async fn accept_loop(
    server: Arc<Server>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) {
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let server = server.clone();
                    connections.spawn(async move {
                        // A connection's failure concerns that client only.
                        let _ = server.handle(stream).await;
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
    let task = tokio::spawn(accept_loop(server, listener, std::future::pending()));
    Ok(FixtureServer {
        addr,
        profile,
        task,
    })
}

/// A profile with its TLS configuration made once.
struct Server {
    profile: Profile,
    limits: Limits,
    tls: Option<TlsAcceptor>,
}

impl Server {
    fn new(profile: Profile, limits: Limits) -> io::Result<Self> {
        let tls = match profile.certificate() {
            None => None,
            Some(cert) => {
                let bundle = cert
                    .bundle()
                    .map_err(|e| io::Error::other(format!("fixture certificate {cert}: {e}")))?;
                let provider = Arc::new(rustls::crypto::ring::default_provider());
                let config = ServerConfig::builder_with_provider(provider)
                    .with_protocol_versions(profile.tls_versions())
                    .map_err(io::Error::other)?
                    .with_no_client_auth()
                    .with_single_cert(bundle.chain_der, bundle.key_der)
                    .map_err(io::Error::other)?;
                Some(TlsAcceptor::from(Arc::new(config)))
            }
        };
        Ok(Self {
            profile,
            limits,
            tls,
        })
    }

    async fn handle(&self, mut stream: TcpStream) -> io::Result<()> {
        let limits = self.limits;
        match self.profile {
            Profile::Reset => {
                stream.set_zero_linger()?;
                drop(stream);
                Ok(())
            }
            Profile::Tarpit => {
                hold(&mut stream, limits.hold_cap).await;
                Ok(())
            }
            Profile::Garbage => {
                read_some(&mut stream, limits.read_timeout).await?;
                stream.write_all(HTTP_REPLY).await?;
                stream.shutdown().await
            }
            Profile::Disconnect => {
                read_some(&mut stream, limits.read_timeout).await?;
                stream.write_all(&RDSAAD_DISCONNECT).await?;
                stream.shutdown().await
            }
            Profile::HugeLength => {
                read_some(&mut stream, limits.read_timeout).await?;
                // TPKT claiming 65535 bytes; then the start of an X.224 Data TPDU, and nothing more.
                stream
                    .write_all(&[0x03, 0x00, 0xff, 0xff, 0x02, 0xf0, 0x80, 0x7f, 0x65])
                    .await?;
                hold(&mut stream, limits.hold_cap).await;
                Ok(())
            }
            _ => self.negotiate(stream).await,
        }
    }

    /// The profiles that read a real Connection Request and answer it.
    async fn negotiate(&self, mut stream: TcpStream) -> io::Result<()> {
        let limits = self.limits;
        let request = read_request(&mut stream, limits.read_timeout).await?;
        let Some(confirm) = self.profile.confirm(&request) else {
            return Ok(());
        };
        let reply = confirm.encode();
        match self.profile {
            Profile::Truncated => {
                stream.write_all(&reply[..reply.len() / 2]).await?;
                return stream.shutdown().await;
            }
            Profile::SlowDrip => {
                for byte in &reply {
                    stream.write_all(std::slice::from_ref(byte)).await?;
                    stream.flush().await?;
                    sleep(limits.drip_interval).await;
                }
            }
            _ => stream.write_all(&reply).await?,
        }
        let NegotiationReply::Response { selected, .. } = confirm.negotiation else {
            // A failure, or a legacy server: wait for the client to go, as xrdp does.
            return drain(&mut stream, limits.read_timeout).await;
        };
        if selected == Protocols::RDP {
            // Standard RDP security would continue with MCS Connect Initial; any bytes end it here.
            return drain(&mut stream, limits.read_timeout).await;
        }
        if self.profile == Profile::HugeTlsRecord {
            read_some(&mut stream, limits.read_timeout).await?;
            // A handshake record header claiming 65535 bytes (more than TLS allows), a few bytes, then silence.
            stream
                .write_all(&[0x16, 0x03, 0x03, 0xff, 0xff, 0x02, 0x00, 0x00])
                .await?;
            hold(&mut stream, limits.hold_cap).await;
            return Ok(());
        }
        let Some(acceptor) = &self.tls else {
            return Ok(());
        };
        let mut tls = timeout(limits.read_timeout, acceptor.accept(stream))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "TLS handshake"))??;
        if matches!(selected, Protocols::HYBRID | Protocols::HYBRID_EX) {
            // CredSSP: answer the client's NTLM NEGOTIATE with a CHALLENGE, as Windows does, and go no further.
            if let Ok(request) = read_ts_request(&mut tls, limits.read_timeout).await {
                let is_negotiate = request
                    .nego_token
                    .as_deref()
                    .is_some_and(|t| t.get(8) == Some(&1));
                if is_negotiate {
                    let reply = encode_ntlm_challenge(&self.profile.ntlm_identity())
                        .and_then(|c| encode_ts_request(self.profile.credssp_version(), &c))
                        .map_err(invalid_data)?;
                    tls.write_all(&reply).await?;
                    tls.flush().await?;
                }
            }
        }
        // MCS (after SSL) or the rest of CredSSP is not implemented: the next bytes end the connection.
        let mut buf = [0u8; 1024];
        let _ = timeout(limits.read_timeout, tls.read(&mut buf)).await;
        Ok(())
    }
}

/// Reads one TSRequest (bounded by MAX_TS_REQUEST).
async fn read_ts_request(
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
async fn read_request(stream: &mut TcpStream, wait: Duration) -> io::Result<ConnectionRequest> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::tls::accept_any_config;
    use crate::wire::x224::X224Reply;
    use rustls::pki_types::ServerName;
    use rustls::ProtocolVersion;
    use std::time::Instant;

    const WAIT: Duration = Duration::from_secs(3);

    fn test_limits() -> Limits {
        Limits {
            read_timeout: Duration::from_secs(2),
            hold_cap: Duration::from_secs(5),
            drip_interval: Duration::from_millis(5),
        }
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    async fn start(profile: Profile) -> FixtureServer {
        bind_with(profile, "127.0.0.1:0".parse().unwrap(), test_limits())
            .await
            .unwrap()
    }

    async fn connect(server: &FixtureServer) -> TcpStream {
        timeout(WAIT, TcpStream::connect(server.addr()))
            .await
            .unwrap()
            .unwrap()
    }

    async fn send_request(stream: &mut TcpStream, requested: u32) {
        let cr = ConnectionRequest::new(Protocols(requested), None)
            .encode()
            .unwrap();
        stream.write_all(&cr).await.unwrap();
    }

    /// Reads one TPKT packet (header, then the length it gives).
    async fn read_packet(stream: &mut TcpStream) -> Vec<u8> {
        let mut header = [0u8; 4];
        timeout(WAIT, stream.read_exact(&mut header))
            .await
            .unwrap()
            .unwrap();
        let len = tpkt_packet_len(header).unwrap();
        let mut packet = header.to_vec();
        packet.resize(len, 0);
        timeout(WAIT, stream.read_exact(&mut packet[4..]))
            .await
            .unwrap()
            .unwrap();
        packet
    }

    /// Reads until the server closes; the bytes and whether it ended with a reset.
    async fn read_to_close(stream: &mut TcpStream) -> (Vec<u8>, bool) {
        let mut got = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            match timeout(WAIT, stream.read(&mut buf)).await.unwrap() {
                Ok(0) => return (got, false),
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return (got, true),
                Err(e) => panic!("{e}"),
            }
        }
    }

    async fn reply_to(profile: Profile, requested: u32) -> String {
        let server = start(profile).await;
        let mut stream = connect(&server).await;
        send_request(&mut stream, requested).await;
        hex(&read_packet(&mut stream).await)
    }

    /// Completes a TLS handshake offering `versions`; the negotiated version and the leaf's DER.
    async fn tls_handshake(
        stream: TcpStream,
        versions: &[&'static SupportedProtocolVersion],
    ) -> io::Result<(ProtocolVersion, Vec<u8>)> {
        let (config, _) = accept_any_config(versions).unwrap();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let name = ServerName::try_from("rdptls-demo").unwrap();
        let tls = timeout(WAIT, connector.connect(name, stream)).await??;
        let (_, conn) = tls.get_ref();
        let leaf = conn.peer_certificates().unwrap()[0].to_vec();
        Ok((conn.protocol_version().unwrap(), leaf))
    }

    /// Negotiates `requested`, expects `selected` back, and completes TLS.
    async fn negotiate_then_tls(
        server: &FixtureServer,
        requested: u32,
        versions: &[&'static SupportedProtocolVersion],
    ) -> io::Result<(ProtocolVersion, Vec<u8>)> {
        let mut stream = connect(server).await;
        send_request(&mut stream, requested).await;
        let reply = X224Reply::decode(&read_packet(&mut stream).await).unwrap();
        let X224Reply::Confirm(cc) = reply else {
            panic!("{reply:?}")
        };
        assert!(matches!(cc.negotiation, NegotiationReply::Response { .. }));
        tls_handshake(stream, versions).await
    }

    fn common_name(der: &[u8]) -> String {
        let (_, cert) = x509_parser::parse_x509_certificate(der).unwrap();
        let cn = cert.subject().iter_common_name().next().unwrap();
        cn.as_str().unwrap().to_string()
    }

    #[test]
    fn every_profile_name_round_trips_and_has_a_description() {
        for p in Profile::ALL {
            assert_eq!(p.name().parse::<Profile>().unwrap(), p);
            assert!(!p.describe().is_empty());
        }
        assert_eq!("TLS13_ONLY".parse::<Profile>().unwrap(), Profile::Tls13Only);
        let err = "nope".parse::<Profile>().unwrap_err().to_string();
        assert!(err.contains("modern, tls13-only"), "{err}");
    }

    /// The reply bytes of every negotiating profile to each request, checked against shared/reference/wire.md.
    #[tokio::test]
    async fn negotiating_profiles_answer_like_the_servers_they_imitate() {
        const XRDP_SSL: &str = "030000130ed000001234000201080001000000";
        const XRDP_SSL_REQUIRED: &str = "030000130ed000001234000300080001000000";
        const XRDP_RDP: &str = "030000130ed000001234000201080000000000";
        const SHADOW_HYBRID: &str = "030000130ed000000000000203080002000000";
        const SHADOW_HYBRID_REQUIRED: &str = "030000130ed000000000000300080005000000";
        const MODERN_HYBRID: &str = "030000130ed000001234000203080002000000";
        const MODERN_HYBRID_EX: &str = "030000130ed000001234000203080008000000";
        let cases = [
            (Profile::SslRequired, 0x00, XRDP_SSL_REQUIRED),
            (Profile::SslRequired, 0x01, XRDP_SSL),
            (Profile::SslRequired, 0x02, XRDP_SSL_REQUIRED),
            (Profile::SslRequired, 0x03, XRDP_SSL),
            (Profile::SslRequired, 0x08, XRDP_SSL_REQUIRED),
            (Profile::SslRequired, 0x0b, XRDP_SSL),
            (Profile::NlaRequired, 0x00, SHADOW_HYBRID_REQUIRED),
            (Profile::NlaRequired, 0x01, SHADOW_HYBRID_REQUIRED),
            (Profile::NlaRequired, 0x08, SHADOW_HYBRID),
            (Profile::NlaRequired, 0x02, SHADOW_HYBRID),
            (Profile::NlaRequired, 0x03, SHADOW_HYBRID),
            (Profile::NlaRequired, 0x0b, SHADOW_HYBRID),
            (Profile::Modern, 0x00, XRDP_SSL_REQUIRED),
            (Profile::Modern, 0x01, XRDP_SSL),
            (Profile::Modern, 0x03, MODERN_HYBRID),
            (Profile::Modern, 0x0b, MODERN_HYBRID_EX),
            (Profile::Tls13Only, 0x01, XRDP_SSL),
            (Profile::ExpiredCert, 0x01, XRDP_SSL),
            (Profile::ExpiringCert, 0x01, XRDP_SSL),
            (Profile::RdpOnly, 0x00, XRDP_RDP),
            (Profile::RdpOnly, 0x01, XRDP_RDP),
            (Profile::RdpOnly, 0x0b, XRDP_RDP),
            (Profile::LegacyNoNeg, 0x01, "0300000b06d00000123400"),
            (Profile::Disconnect, 0x01, "0300000902f0802180"),
            (Profile::Disconnect, 0x10, "0300000902f0802180"),
        ];
        for (profile, requested, want) in cases {
            let got = reply_to(profile, requested).await;
            assert_eq!(got, want, "{profile} answering 0x{requested:02x}");
        }
    }

    #[tokio::test]
    async fn request_without_negotiation_data_counts_as_standard_rdp() {
        let server = start(Profile::SslRequired).await;
        let mut stream = connect(&server).await;
        let cr = ConnectionRequest {
            cookie: None,
            negotiation: None,
        };
        stream.write_all(&cr.encode().unwrap()).await.unwrap();
        assert_eq!(
            hex(&read_packet(&mut stream).await),
            "030000130ed000001234000300080001000000"
        );
    }

    #[tokio::test]
    async fn modern_completes_tls_1_3_and_tls_1_2_with_the_valid_certificate() {
        let server = start(Profile::Modern).await;
        let (v, leaf) = negotiate_then_tls(&server, 0x01, &[&TLS13, &TLS12])
            .await
            .unwrap();
        assert_eq!(v, ProtocolVersion::TLSv1_3);
        assert_eq!(common_name(&leaf), "rdptls-demo");
        let (v, _) = negotiate_then_tls(&server, 0x01, &[&TLS12]).await.unwrap();
        assert_eq!(v, ProtocolVersion::TLSv1_2);
        // TLS follows HYBRID too: CredSSP would run inside it.
        let (v, _) = negotiate_then_tls(&server, 0x03, &[&TLS13]).await.unwrap();
        assert_eq!(v, ProtocolVersion::TLSv1_3);
    }

    #[tokio::test]
    async fn tls13_only_refuses_a_tls_1_2_client() {
        let server = start(Profile::Tls13Only).await;
        let (v, _) = negotiate_then_tls(&server, 0x01, &[&TLS13]).await.unwrap();
        assert_eq!(v, ProtocolVersion::TLSv1_3);
        let err = negotiate_then_tls(&server, 0x01, &[&TLS12])
            .await
            .unwrap_err();
        assert!(err.to_string().contains("ProtocolVersion"), "{err}");
    }

    #[tokio::test]
    async fn certificate_profiles_serve_their_fixture() {
        let server = start(Profile::ExpiredCert).await;
        let (_, leaf) = negotiate_then_tls(&server, 0x01, &[&TLS12]).await.unwrap();
        assert_eq!(common_name(&leaf), crate::fixtures::WINDOWS_HOST);
        let (_, cert) = x509_parser::parse_x509_certificate(&leaf).unwrap();
        assert!(!cert.validity().is_valid());

        let server = start(Profile::ExpiringCert).await;
        let (_, leaf) = negotiate_then_tls(&server, 0x01, &[&TLS13]).await.unwrap();
        let (_, cert) = x509_parser::parse_x509_certificate(&leaf).unwrap();
        let left = cert.validity().time_to_expiration().unwrap();
        assert!(left.whole_days() >= 9 && left.whole_days() <= 10, "{left}");
    }

    #[tokio::test]
    async fn nla_required_runs_tls_after_selecting_hybrid_and_answers_credssp_with_a_challenge() {
        let server = start(Profile::NlaRequired).await;
        let mut stream = connect(&server).await;
        send_request(&mut stream, 0x03).await;
        read_packet(&mut stream).await;
        let (config, _) = accept_any_config(rustls::DEFAULT_VERSIONS).unwrap();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let name = ServerName::try_from("rdptls-demo").unwrap();
        let mut tls = timeout(WAIT, connector.connect(name, stream))
            .await
            .unwrap()
            .unwrap();
        let negotiate =
            crate::wire::credssp::encode_ts_request(6, &crate::wire::credssp::ntlm_negotiate())
                .unwrap();
        tls.write_all(&negotiate).await.unwrap();
        let reply = read_ts_request(&mut tls, WAIT).await.unwrap();
        assert_eq!(reply.version, 6);
        let challenge =
            crate::wire::credssp::NtlmChallenge::decode(reply.nego_token.as_deref().unwrap())
                .unwrap();
        assert_eq!(challenge.netbios_computer.as_deref(), Some("RDPTLS-DEMO"));
        // Authentication would continue with an AUTHENTICATE message: the fixture ends it there.
        tls.write_all(&negotiate).await.unwrap();
        let mut buf = [0u8; 16];
        let n = timeout(WAIT, tls.read(&mut buf))
            .await
            .unwrap()
            .unwrap_or(0);
        assert_eq!(n, 0, "the server closes after the CHALLENGE");
    }

    #[tokio::test]
    async fn rdp_only_never_starts_tls() {
        let server = start(Profile::RdpOnly).await;
        let mut stream = connect(&server).await;
        send_request(&mut stream, 0x01).await;
        read_packet(&mut stream).await;
        let err = tls_handshake(stream, &[&TLS13, &TLS12]).await.unwrap_err();
        assert_ne!(err.kind(), io::ErrorKind::TimedOut, "{err}");
    }

    #[tokio::test]
    async fn garbage_answers_http() {
        let server = start(Profile::Garbage).await;
        let mut stream = connect(&server).await;
        send_request(&mut stream, 0x01).await;
        let (got, _) = read_to_close(&mut stream).await;
        assert_eq!(got, HTTP_REPLY);
        assert!(tpkt_packet_len([got[0], got[1], got[2], got[3]]).is_err());
    }

    #[tokio::test]
    async fn truncated_sends_half_a_confirm_then_closes() {
        let server = start(Profile::Truncated).await;
        let mut stream = connect(&server).await;
        send_request(&mut stream, 0x01).await;
        let (got, _) = read_to_close(&mut stream).await;
        assert_eq!(hex(&got), "030000130ed0000012");
    }

    #[tokio::test]
    async fn huge_length_claims_65535_bytes_then_holds() {
        let server = start(Profile::HugeLength).await;
        let mut stream = connect(&server).await;
        send_request(&mut stream, 0x01).await;
        let mut header = [0u8; 4];
        timeout(WAIT, stream.read_exact(&mut header))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(tpkt_packet_len(header).unwrap(), 65535);
        let mut rest = [0u8; 5];
        timeout(WAIT, stream.read_exact(&mut rest))
            .await
            .unwrap()
            .unwrap();
        let mut more = [0u8; 1];
        let silent = timeout(Duration::from_millis(300), stream.read(&mut more)).await;
        assert!(silent.is_err(), "the server holds without sending more");
    }

    #[tokio::test]
    async fn huge_tls_record_claims_65535_bytes_after_selecting_ssl() {
        let server = start(Profile::HugeTlsRecord).await;
        let mut stream = connect(&server).await;
        send_request(&mut stream, 0x01).await;
        assert_eq!(
            hex(&read_packet(&mut stream).await),
            "030000130ed000001234000201080001000000"
        );
        let err = tls_handshake(stream, &[&TLS13, &TLS12]).await.unwrap_err();
        // rustls rejects the oversized record at once instead of waiting for 65535 bytes.
        assert_ne!(err.kind(), io::ErrorKind::TimedOut, "{err}");
    }

    #[tokio::test]
    async fn tarpit_reads_but_never_answers() {
        let server = start(Profile::Tarpit).await;
        let mut stream = connect(&server).await;
        send_request(&mut stream, 0x01).await;
        let mut buf = [0u8; 1];
        let silent = timeout(Duration::from_millis(500), stream.read(&mut buf)).await;
        assert!(silent.is_err(), "no reply and no close: {silent:?}");
    }

    #[tokio::test]
    async fn reset_closes_with_a_tcp_reset() {
        let server = start(Profile::Reset).await;
        let mut stream = connect(&server).await;
        // The reset may arrive before or after the request is written.
        let _ = stream
            .write_all(
                &ConnectionRequest::new(Protocols::SSL, None)
                    .encode()
                    .unwrap(),
            )
            .await;
        let mut buf = [0u8; 16];
        let got = timeout(WAIT, stream.read(&mut buf)).await.unwrap();
        assert_eq!(got.unwrap_err().kind(), io::ErrorKind::ConnectionReset);
    }

    #[tokio::test]
    async fn slow_drip_sends_a_valid_confirm_byte_by_byte_then_tls() {
        let server = start(Profile::SlowDrip).await;
        let started = Instant::now();
        let (v, _) = negotiate_then_tls(&server, 0x01, &[&TLS13, &TLS12])
            .await
            .unwrap();
        assert_eq!(v, ProtocolVersion::TLSv1_3);
        // 19 bytes, 5 ms apart.
        assert!(started.elapsed() >= Duration::from_millis(90));
    }

    #[tokio::test]
    async fn silent_client_is_dropped_after_the_read_timeout() {
        let limits = Limits {
            read_timeout: Duration::from_millis(200),
            ..test_limits()
        };
        let server = bind_with(Profile::Modern, "127.0.0.1:0".parse().unwrap(), limits)
            .await
            .unwrap();
        let mut stream = connect(&server).await;
        let (got, _) = read_to_close(&mut stream).await;
        assert!(got.is_empty());
    }

    #[tokio::test]
    async fn serve_stops_on_shutdown_and_drops_open_connections() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve_with(
            Profile::Tarpit,
            listener,
            async {
                let _ = stopped.await;
            },
            test_limits(),
        ));
        let mut stream = timeout(WAIT, TcpStream::connect(addr))
            .await
            .unwrap()
            .unwrap();
        send_request(&mut stream, 0x01).await;
        sleep(Duration::from_millis(50)).await;
        stop.send(()).unwrap();
        timeout(WAIT, task).await.unwrap().unwrap().unwrap();
        let (got, _) = read_to_close(&mut stream).await;
        assert!(got.is_empty());
        assert!(
            TcpStream::connect(addr).await.is_err(),
            "no longer listening"
        );
    }

    #[tokio::test]
    async fn dropping_a_fixture_server_stops_it() {
        let server = start(Profile::Modern).await;
        let addr = server.addr();
        drop(server);
        // Aborting is asynchronous; give the runtime a moment to drop the listener.
        sleep(Duration::from_millis(50)).await;
        assert!(TcpStream::connect(addr).await.is_err());
    }
}
