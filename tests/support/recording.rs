//! A stream that keeps a copy of every byte that passes through it, both ways, and the TLS connection the MCS
//! tests record on: negotiated to PROTOCOL_SSL, past its handshake.

use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use rdptls::probe::{Conn, ProbeContext};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_rustls::client::TlsStream;

/// Wraps `inner`; `sent` and `received` hold what was written to it and read from it.
pub struct Recording<S> {
    pub inner: S,
    pub sent: Vec<u8>,
    pub received: Vec<u8>,
}

impl<S> Recording<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            sent: Vec::new(),
            received: Vec::new(),
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Recording<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        let new = buf.filled()[before..].to_vec();
        self.received.extend_from_slice(&new);
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Recording<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = polled {
            self.sent.extend_from_slice(&buf[..n]);
        }
        polled
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A connection to `addr` negotiated to PROTOCOL_SSL and past its TLS handshake (certificate not checked).
pub async fn tls_past_x224(ctx: &ProbeContext, addr: SocketAddr) -> TlsStream<Conn> {
    let n = rdptls::probe::x224::negotiate(ctx, addr, rdptls::wire::x224::Protocols::SSL)
        .await
        .expect("negotiate");
    let (_, tls) = rdptls::probe::tls::handshake_and_keep(
        ctx,
        n.stream,
        "127.0.0.1",
        rdptls::probe::tls::RustlsVersions::Both,
    )
    .await
    .expect("tls");
    tls
}

/// The MCS stage against `addr` on the paths asked for, two probes at a time, with a 5 s step timeout.
pub async fn mcs_stage(
    addr: SocketAddr,
    rdp: bool,
    ssl: bool,
) -> rdptls::plan::mcs::McsStageResult {
    let opts = rdptls::plan::mcs::McsOptions {
        max_in_flight: 2,
        host: "127.0.0.1".into(),
    };
    let paths = rdptls::plan::mcs::McsPaths { rdp, ssl };
    let ctx = ProbeContext::new(std::time::Duration::from_secs(5));
    rdptls::plan::mcs::run(&ctx, addr, paths, &opts).await
}
