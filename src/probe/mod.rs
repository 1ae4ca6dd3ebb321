//! Probes: I/O, one TCP connection each, a timeout on every await, errors that name the step.

pub mod credssp;
pub mod raw;
pub mod tls;
pub mod x224;

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use crate::model::{Answer, ErrorKind, Offer, ScanError, Step};

/// What every probe needs: the step timeout and the shared connection counter.
#[derive(Debug, Clone)]
pub struct ProbeContext {
    /// The limit on each network step (connect, X.224 exchange, TLS handshake).
    pub timeout: Duration,
    /// Connections opened so far, shared by every probe of a scan.
    pub connections: Arc<AtomicU64>,
    /// `Cookie: mstshash=` value sent in the Connection Request, as mstsc does.
    pub cookie: Option<String>,
    /// Bounds the connections between `connect()` and the server's first answer. xrdp listens with a backlog of
    /// 2 and accepts one connection at a time: a burst of more than about four SYNs loses some, and the kernel
    /// resends them only after a second. Past this gate, connections run in parallel freely.
    pub opening: Arc<Semaphore>,
}

/// Connections opening at once, per host (see [`ProbeContext::opening`]).
pub const OPENING_AT_ONCE: usize = 3;

/// The longest an opening connection holds its slot. xrdp answers within this on loopback, so there the slot
/// lasts until the answer; across a slow network it paces new connections instead of waiting two round trips.
/// Measured with the bench's 25 ms proxy: 5.2 s with the slot held until the answer, 3.2 s with this.
pub const OPENING_HOLD: std::time::Duration = std::time::Duration::from_millis(25);

impl ProbeContext {
    pub fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            connections: Arc::new(AtomicU64::new(0)),
            cookie: None,
            opening: Arc::new(Semaphore::new(OPENING_AT_ONCE)),
        }
    }

    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }
}

/// Opens one TCP connection, counting it.
pub async fn connect(ctx: &ProbeContext, addr: SocketAddr) -> Result<TcpStream, ScanError> {
    ctx.connections.fetch_add(1, Ordering::Relaxed);
    match tokio::time::timeout(ctx.timeout, TcpStream::connect(addr)).await {
        Err(_) => Err(ScanError::new(
            Step::Connect,
            ErrorKind::Timeout,
            format!(
                "no answer from {addr} within {} (filtered by a firewall, or the host is down)",
                secs(ctx.timeout)
            ),
        )),
        Ok(Err(e)) => Err(io_error(
            Step::Connect,
            &e,
            &format!("connecting to {addr}"),
        )),
        Ok(Ok(stream)) => {
            let _ = stream.set_nodelay(true);
            Ok(stream)
        }
    }
}

/// Classifies an I/O error at `step`.
pub fn io_error(step: Step, e: &io::Error, doing: &str) -> ScanError {
    use io::ErrorKind as K;
    let (kind, what) = match e.kind() {
        K::ConnectionRefused if step == Step::Connect => (
            ErrorKind::Refused,
            "connection refused (nothing listens on that port)",
        ),
        K::ConnectionRefused | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
            (ErrorKind::Reset, "connection reset by the peer")
        }
        K::UnexpectedEof => (ErrorKind::Reset, "the peer closed the connection"),
        K::TimedOut => (ErrorKind::Timeout, "timed out"),
        _ => (ErrorKind::Other, "I/O error"),
    };
    ScanError::new(step, kind, format!("{doing}: {what} ({e})"))
}

/// A step that did not finish within the timeout.
pub fn timeout_error(step: Step, ctx: &ProbeContext, waiting_for: &str) -> ScanError {
    ScanError::new(
        step,
        ErrorKind::Timeout,
        format!("no {waiting_for} within {}", secs(ctx.timeout)),
    )
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// Sends one ClientHello over a fresh connection and reports what came back: what the enumeration plan and the
/// client replays ask of a probe ([`raw::RawOracle`] on the network, a simulated server in tests).
pub trait Oracle: Send + Sync + 'static {
    fn ask(
        &self,
        offer: Offer,
    ) -> impl std::future::Future<Output = Result<Answer, ScanError>> + Send;
}
