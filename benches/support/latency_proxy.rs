//! A TCP proxy that adds latency and counts connections, for benchmarks on loopback (the kernel here has no
//! netem).
//!
//! It listens on 127.0.0.1:0 and forwards every accepted connection to one target. Each direction is a pipe of
//! chunks: a chunk read at time t is written to the other side at t + D, in the order read. With D = 25 ms each
//! way, a request/answer exchange costs 50 ms (one RTT), as across a WAN.
//!
//! # Latency model
//!
//! On a real network, a client that starts connecting at time 0 sends its SYN, which reaches the server at D;
//! the SYN-ACK is back at 2D, when `connect()` returns and the client sends its first bytes; those arrive at 3D,
//! and the answer is back at 4D: two RTTs for connect + one exchange. The proxy's own listener completes the
//! client's handshake at once (loopback), so it makes the rest pay:
//! - the upstream connection is opened D after the accept (the SYN's trip);
//! - client-to-server chunks are delivered at t + D but never before accept + 3D (the handshake's round trip
//!   that the client did not wait for, plus the first bytes' trip);
//! - server-to-client chunks are delivered at t + D.
//!
//! So a client that connects and sends at once sees its first answer at 4D, as it would. What is not modelled:
//! bandwidth, loss, and the client's `connect()` returning early (a client that measures its connect time would
//! see 0). A close (or a reset) is passed on as a FIN after the chunks before it, D later. A refused upstream
//! connection becomes a close of the client's connection.
//!
//! With D = 0 it is a pure counting proxy, for loopback measurements.
//!
//! # Bounds
//!
//! Each direction holds at most [`CHUNKS_IN_FLIGHT`] chunks of at most [`CHUNK`] bytes: when that is full the
//! proxy stops reading, and TCP flow control pushes back on the sender. The proxy runs on a runtime of its own
//! (one worker thread, so the same for every tool measured through it); dropping the [`LatencyProxy`] stops the
//! listener and every connection.

#![allow(dead_code)]

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// The most bytes one chunk holds.
pub const CHUNK: usize = 16 * 1024;
/// Chunks queued per direction and connection before the proxy stops reading.
pub const CHUNKS_IN_FLIGHT: usize = 16;

/// One proxied connection, as the proxy saw it (times since the proxy started).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLog {
    pub accepted: Duration,
    /// When the proxy had finished with it (both directions closed).
    pub closed: Option<Duration>,
}

/// A running proxy; stopped on drop.
pub struct LatencyProxy {
    addr: SocketAddr,
    accepted: Arc<AtomicU64>,
    /// Every connection since the start, in accept order (a bench makes a few thousand at most).
    log: Arc<Mutex<Vec<ConnectionLog>>>,
    epoch: Instant,
    runtime: Option<tokio::runtime::Runtime>,
}

impl LatencyProxy {
    /// Listens on 127.0.0.1:0 and forwards to `target`, `delay` each way.
    pub fn start(target: SocketAddr, delay: Duration) -> io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("latency-proxy")
            .enable_all()
            .build()?;
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let listener = {
            let _guard = runtime.enter();
            TcpListener::from_std(std_listener)?
        };
        let accepted = Arc::new(AtomicU64::new(0));
        let log = Arc::new(Mutex::new(Vec::new()));
        let epoch = Instant::now();
        runtime.spawn(accept_loop(
            listener,
            target,
            delay,
            epoch,
            accepted.clone(),
            log.clone(),
        ));
        Ok(Self {
            addr,
            accepted,
            log,
            epoch,
            runtime: Some(runtime),
        })
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Connections accepted since the start.
    pub fn connections(&self) -> u64 {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Time since the start, on the clock of [`ConnectionLog`].
    pub fn now(&self) -> Duration {
        self.epoch.elapsed()
    }

    /// The connections accepted after the first `skip` (see [`Self::connections`]).
    pub fn log_since(&self, skip: u64) -> Vec<ConnectionLog> {
        let log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        log.iter().skip(skip as usize).copied().collect()
    }
}

impl Drop for LatencyProxy {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            // Drops the listener and every connection task, closing their sockets.
            rt.shutdown_timeout(Duration::from_millis(200));
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    target: SocketAddr,
    delay: Duration,
    epoch: Instant,
    accepted: Arc<AtomicU64>,
    log: Arc<Mutex<Vec<ConnectionLog>>>,
) {
    loop {
        let client = match listener.accept().await {
            Ok((s, _)) => s,
            Err(_) => {
                // Out of descriptors or the like: wait instead of spinning.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let at = Instant::now();
        let index = {
            let mut log = log.lock().unwrap_or_else(|p| p.into_inner());
            log.push(ConnectionLog {
                accepted: at - epoch,
                closed: None,
            });
            log.len() - 1
        };
        accepted.fetch_add(1, Ordering::SeqCst);
        let log = log.clone();
        tokio::spawn(async move {
            serve(client, target, delay, at).await;
            let mut log = log.lock().unwrap_or_else(|p| p.into_inner());
            log[index].closed = Some(epoch.elapsed());
        });
    }
}

/// One connection: the upstream connect after D, then both directions until both have closed.
async fn serve(client: TcpStream, target: SocketAddr, delay: Duration, accepted: Instant) {
    // The SYN's trip to the server.
    sleep_until(accepted + delay).await;
    let Ok(upstream) = TcpStream::connect(target).await else {
        return; // dropping the client's connection closes it
    };
    let _ = client.set_nodelay(true);
    let _ = upstream.set_nodelay(true);
    let (client_read, client_write) = client.into_split();
    let (upstream_read, upstream_write) = upstream.into_split();
    // The client's first bytes would have left only after the handshake's round trip.
    let up = pipe(client_read, upstream_write, delay, accepted + delay * 3);
    let down = pipe(upstream_read, client_write, delay, accepted);
    let _ = tokio::join!(up, down);
}

/// Copies `from` to `to`, each chunk D after it was read (and not before `not_before`), in order; then the close,
/// D after it was seen. Ends early when writing fails (the reading stops then too).
async fn pipe(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    delay: Duration,
    not_before: Instant,
) -> io::Result<()> {
    // An empty chunk is the close.
    let (tx, mut rx) = mpsc::channel::<(Instant, Vec<u8>)>(CHUNKS_IN_FLIGHT);
    let reader = async move {
        let mut buf = vec![0u8; CHUNK];
        loop {
            // A reset ends the stream like a close, after what came before it.
            let n = from.read(&mut buf).await.unwrap_or(0);
            let due = (Instant::now() + delay).max(not_before);
            // Waits while the queue is full: backpressure.
            if tx.send((due, buf[..n].to_vec())).await.is_err() || n == 0 {
                return;
            }
        }
    };
    let writer = async move {
        while let Some((due, chunk)) = rx.recv().await {
            sleep_until(due).await;
            if chunk.is_empty() {
                break;
            }
            to.write_all(&chunk).await?;
        }
        to.shutdown().await
    };
    tokio::pin!(writer);
    tokio::select! {
        () = reader => (&mut writer).await,
        // The writer ends first only on an error: stop reading too.
        r = &mut writer => r,
    }
}

/// Sleeps until `at`, without touching the timer when it has passed (a zero delay then costs nothing).
async fn sleep_until(at: Instant) {
    if at > Instant::now() {
        tokio::time::sleep_until(at).await;
    }
}
