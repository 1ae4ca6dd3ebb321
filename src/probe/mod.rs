//! Probes: I/O, one TCP connection each, a timeout on every await, errors that name the step.

pub mod credssp;
pub mod early;
mod flight;
pub mod journal;
pub mod mcs;
mod pacing;
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

use crate::model::{Answer, ConnectionStage, ErrorKind, Offer, ScanError, Step};
pub use journal::{Conn, Journal};

pub use pacing::{Pacing, OPENING_HOLD_MAX, OPENING_HOLD_MIN};

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
    /// `--rate`: new connections per second across every target of a run, shared by all their contexts.
    pub rate: Option<Arc<ConnectionRate>>,
    /// How far this target's connections got, how they ended, and how many are open.
    pub journal: Arc<Journal>,
    /// How long an opening connection holds its slot, from what the answers showed.
    pub pacing: Arc<Pacing>,
}

/// Paces new connections: at most `per_second`, across everything that shares it.
#[derive(Debug)]
pub struct ConnectionRate {
    interval: Duration,
    next: tokio::sync::Mutex<tokio::time::Instant>,
}

impl ConnectionRate {
    /// `per_second` connections a second (at least 1).
    pub fn new(per_second: u32) -> Self {
        Self {
            interval: Duration::from_secs(1) / per_second.max(1),
            next: tokio::sync::Mutex::new(tokio::time::Instant::now()),
        }
    }

    /// Waits for this connection's turn.
    pub async fn admit(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let now = tokio::time::Instant::now();
            let slot = (*next).max(now);
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

/// Connections opening at once, per host (see [`ProbeContext::opening`]).
pub const OPENING_AT_ONCE: usize = 3;

/// The longest an opening connection holds its slot before any answer was seen ([`Pacing`] adapts it after).
/// xrdp answers within this on loopback, so there the slot lasts until the answer; across a slow network it paces
/// new connections instead of waiting two round trips. Measured with the bench's 25 ms proxy: 5.2 s with the slot
/// held until the answer, 3.2 s with this.
pub const OPENING_HOLD: std::time::Duration = std::time::Duration::from_millis(25);

impl ProbeContext {
    pub fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            connections: Arc::new(AtomicU64::new(0)),
            cookie: None,
            opening: Arc::new(Semaphore::new(OPENING_AT_ONCE)),
            rate: None,
            journal: Arc::new(Journal::default()),
            pacing: Arc::new(Pacing::default()),
        }
    }

    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }
}

/// The first wait before a connection that failed on our side (no descriptor, no buffer, no local port) is tried
/// again; it doubles up to [`LOCAL_RETRY_MAX`], within the step's timeout.
const LOCAL_RETRY_FIRST: Duration = Duration::from_millis(10);
const LOCAL_RETRY_MAX: Duration = Duration::from_millis(500);

/// Opens one TCP connection, counting it. A failure on our side (EMFILE, ENFILE, ENOBUFS, EADDRNOTAVAIL) is
/// waited out and retried within the step's timeout, then reported as `kind: local`, never as the server's answer.
pub async fn connect(ctx: &ProbeContext, addr: SocketAddr) -> Result<Conn, ScanError> {
    let started = tokio::time::Instant::now();
    let mut wait = LOCAL_RETRY_FIRST;
    loop {
        if let Some(rate) = &ctx.rate {
            rate.admit().await;
        }
        match connect_once(ctx, addr).await {
            Err(e) if e.kind == ErrorKind::Local && started.elapsed() + wait < ctx.timeout => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(LOCAL_RETRY_MAX);
            }
            other => return other,
        }
    }
}

async fn connect_once(ctx: &ProbeContext, addr: SocketAddr) -> Result<Conn, ScanError> {
    let started = tokio::time::Instant::now();
    match tokio::time::timeout(ctx.timeout, TcpStream::connect(addr)).await {
        Ok(Err(e)) if is_local(&e) => Err(io_error(
            Step::Connect,
            &e,
            &format!("connecting to {addr}"),
        )),
        other => {
            ctx.connections.fetch_add(1, Ordering::Relaxed);
            let stream = connected(ctx, addr, other)?;
            ctx.journal.connected_in(started.elapsed());
            ctx.journal.reach(ConnectionStage::Tcp);
            Ok(Conn::new(stream, ctx.journal.clone()))
        }
    }
}

fn connected(
    ctx: &ProbeContext,
    addr: SocketAddr,
    outcome: Result<io::Result<TcpStream>, tokio::time::error::Elapsed>,
) -> Result<TcpStream, ScanError> {
    match outcome {
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

/// Whether an I/O error is our own shortage, not the server's doing: out of file descriptors (EMFILE, ENFILE),
/// of buffer space (ENOBUFS) or of local addresses and ports (EADDRNOTAVAIL).
pub fn is_local(e: &io::Error) -> bool {
    #[cfg(unix)]
    if let Some(code) = e.raw_os_error() {
        return [
            libc::EMFILE,
            libc::ENFILE,
            libc::ENOBUFS,
            libc::EADDRNOTAVAIL,
        ]
        .contains(&code);
    }
    e.kind() == io::ErrorKind::AddrNotAvailable
}

/// Classifies an I/O error at `step`.
pub fn io_error(step: Step, e: &io::Error, doing: &str) -> ScanError {
    use io::ErrorKind as K;
    if is_local(e) {
        return ScanError::new(
            step,
            ErrorKind::Local,
            format!("{doing}: a local shortage, not the server's answer ({e})"),
        );
    }
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn descriptor_buffer_and_address_shortages_are_local_never_the_servers_answer() {
        for code in [
            libc::EMFILE,
            libc::ENFILE,
            libc::ENOBUFS,
            libc::EADDRNOTAVAIL,
        ] {
            let e = io::Error::from_raw_os_error(code);
            assert_eq!(
                io_error(Step::Connect, &e, "connecting").kind,
                ErrorKind::Local,
                "{e}"
            );
            assert_eq!(
                io_error(Step::Tls, &e, "reading").kind,
                ErrorKind::Local,
                "{e}"
            );
        }
        let refused = io::Error::from_raw_os_error(libc::ECONNREFUSED);
        assert_eq!(
            io_error(Step::Connect, &refused, "connecting").kind,
            ErrorKind::Refused
        );
    }
}

#[cfg(test)]
mod rate_tests {
    use super::*;

    // Only a lower bound on time is asserted: a slow machine admits later, never sooner.
    #[tokio::test]
    async fn connections_are_admitted_no_faster_than_the_rate_across_everything_that_shares_it() {
        let started = tokio::time::Instant::now();
        let rate = Arc::new(ConnectionRate::new(100));
        let mut tasks = Vec::new();
        for _ in 0..21 {
            let rate = rate.clone();
            tasks.push(tokio::spawn(async move {
                rate.admit().await;
                tokio::time::Instant::now()
            }));
        }
        let mut admitted = Vec::new();
        for t in tasks {
            admitted.push(t.await.expect("task"));
        }
        admitted.sort();
        // 21 connections at 100 a second: none sooner than its slot, the last 200 ms after the first.
        for (i, at) in admitted.iter().enumerate() {
            assert!(
                *at - started >= Duration::from_millis(10) * i as u32,
                "connection {i}"
            );
        }
    }
}
