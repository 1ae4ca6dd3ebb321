//! What the probes of one target saw of the connections themselves: how far they got, how the server ended them,
//! and how many rdptls had open. Shared by every probe of a target through its [`super::ProbeContext`].

use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::model::{ConnectionPressure, ConnectionStage, Ending, StageReport};

/// A TCP handshake that took this long lost its first SYN: Linux resends it after one second (RFC 6298's initial
/// RTO), so a connection this slow beside fast ones met a full listen backlog.
pub const SYN_RETRANSMIT: Duration = Duration::from_millis(900);

/// The record of one target's connections.
#[derive(Debug, Default)]
pub struct Journal {
    furthest: Mutex<Furthest>,
    open: AtomicU32,
    peak_open: AtomicU32,
    answered: AtomicU32,
    closed_before_confirm: AtomicU32,
    syn_retransmits: AtomicU32,
    fast_connects: AtomicU32,
    open_at_first_drop: AtomicU32,
    recovered: AtomicU32,
}

#[derive(Debug, Default)]
struct Furthest {
    reached: Option<ConnectionStage>,
    /// The server's ending seen at the furthest stage that has one.
    ending: Option<(ConnectionStage, Ending)>,
}

impl Journal {
    /// A connection reached `stage`.
    pub fn reach(&self, stage: ConnectionStage) {
        if let Ok(mut f) = self.furthest.lock() {
            f.reached = f.reached.max(Some(stage));
        }
    }

    /// The server ended a connection that had reached `stage`, this way.
    pub fn ended(&self, stage: ConnectionStage, ending: Ending) {
        if !ending.by_server() {
            return;
        }
        if let Ok(mut f) = self.furthest.lock() {
            // A later stage wins; at the same stage, an ending that says why (an alert, an ultimatum, Set Error
            // Info) is not replaced by a bare RST or FIN.
            let replace = match &f.ending {
                None => true,
                Some((at, _)) if stage > *at => true,
                Some((at, old)) if stage == *at => !says_why(old) || says_why(&ending),
                _ => false,
            };
            if replace {
                f.ending = Some((stage, ending));
            }
        }
    }

    /// The furthest stage reached, and the server's ending there (rdptls's own, when the server ended none).
    pub fn stage(&self) -> Option<StageReport> {
        let f = self.furthest.lock().ok()?;
        let reached = f.reached?;
        let ended_by = match &f.ending {
            Some((at, ending)) if *at == reached => *ending,
            _ => Ending::Rdptls,
        };
        Some(StageReport { reached, ended_by })
    }

    /// The server ended a connection that had reached `stage` with this I/O error, if it says how (RST or FIN).
    pub fn ended_by_error(&self, stage: ConnectionStage, e: &std::io::Error) {
        if let Some(ending) = ending_of(e) {
            self.ended(stage, ending);
        }
    }

    /// The server answered a Connection Request.
    pub fn answered(&self) {
        self.answered.fetch_add(1, Ordering::Relaxed);
    }

    /// The server closed (`reset`: reset) a connection before its Connection Confirm.
    pub fn closed_before_confirm(&self, reset: bool) {
        self.note_drop();
        self.closed_before_confirm.fetch_add(1, Ordering::Relaxed);
        let ending = if reset { Ending::Reset } else { Ending::Closed };
        self.ended(ConnectionStage::Tcp, ending);
    }

    /// A TCP handshake took `took`.
    pub fn connected_in(&self, took: Duration) {
        if took >= SYN_RETRANSMIT {
            self.note_drop();
            self.syn_retransmits.fetch_add(1, Ordering::Relaxed);
        } else {
            self.fast_connects.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// `n` drops were the same request dropped each time it was sent, alone too: the server's answer to that
    /// request, not its limits. They no longer count as drops.
    pub fn repeated_drops(&self, n: u32) {
        let _ =
            self.closed_before_confirm
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |c| {
                    Some(c.saturating_sub(n))
                });
    }

    /// A dropped request, sent again alone, was answered.
    pub fn recovered(&self) {
        self.recovered.fetch_add(1, Ordering::Relaxed);
    }

    fn note_drop(&self) {
        let open = self.open.load(Ordering::Relaxed);
        let _ = self.open_at_first_drop.compare_exchange(
            0,
            open.max(1),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    /// Connections open now.
    pub fn open_now(&self) -> u32 {
        self.open.load(Ordering::Relaxed)
    }

    /// What the connections showed of the server's limits.
    pub fn pressure(&self) -> ConnectionPressure {
        let fast = self.fast_connects.load(Ordering::Relaxed);
        ConnectionPressure {
            closed_before_confirm: self.closed_before_confirm.load(Ordering::Relaxed),
            // A slow handshake only says "SYN dropped" beside fast ones; alone, it is a slow network.
            syn_retransmits: if fast > 0 {
                self.syn_retransmits.load(Ordering::Relaxed)
            } else {
                0
            },
            answered: self.answered.load(Ordering::Relaxed),
            open_at_first_drop: self.open_at_first_drop.load(Ordering::Relaxed),
            peak_open: self.peak_open.load(Ordering::Relaxed),
            recovered_after_backoff: self.recovered.load(Ordering::Relaxed),
        }
    }

    fn opened(&self) {
        let now = self.open.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak_open.fetch_max(now, Ordering::Relaxed);
    }

    fn closed(&self) {
        self.open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Whether an ending says why, beyond a bare RST or FIN.
fn says_why(e: &Ending) -> bool {
    !matches!(e, Ending::Reset | Ending::Closed)
}

/// How the server ended a connection, read from the I/O error it caused: RST, FIN, or a TLS alert.
pub fn ending_of(e: &std::io::Error) -> Option<Ending> {
    use std::io::ErrorKind as K;
    if let Some(alert) = super::tls::received_alert(e) {
        return Some(Ending::Alert(alert));
    }
    match e.kind() {
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => Some(Ending::Reset),
        K::UnexpectedEof => Some(Ending::Closed),
        _ => None,
    }
}

/// A connection to the target, counted as open in its [`Journal`] while it lives.
#[derive(Debug)]
pub struct Conn {
    stream: TcpStream,
    journal: Arc<Journal>,
}

impl Conn {
    pub(super) fn new(stream: TcpStream, journal: Arc<Journal>) -> Self {
        journal.opened();
        Self { stream, journal }
    }

    /// The TCP stream underneath.
    pub fn tcp(&self) -> &TcpStream {
        &self.stream
    }

    /// Resets the connection when dropped (SO_LINGER 0), as a fixture does to play a server's RST.
    pub fn set_zero_linger(&self) -> std::io::Result<()> {
        self.stream.set_zero_linger()
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.journal.closed();
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ending_reported_is_the_servers_at_the_furthest_stage_else_rdptls() {
        let j = Journal::default();
        assert_eq!(j.stage(), None);
        j.reach(ConnectionStage::Tcp);
        j.ended(ConnectionStage::Tcp, Ending::Reset);
        j.reach(ConnectionStage::X224);
        assert_eq!(
            j.stage(),
            Some(StageReport {
                reached: ConnectionStage::X224,
                ended_by: Ending::Rdptls
            })
        );
        j.ended(ConnectionStage::X224, Ending::Closed);
        j.ended(ConnectionStage::Tcp, Ending::Reset);
        assert_eq!(j.stage().map(|s| s.ended_by), Some(Ending::Closed));
        j.ended(
            ConnectionStage::X224,
            Ending::Alert(crate::model::AlertDescription(40)),
        );
        j.ended(ConnectionStage::X224, Ending::Closed);
        assert_eq!(
            j.stage().map(|s| s.ended_by),
            Some(Ending::Alert(crate::model::AlertDescription(40))),
            "a bare FIN does not replace an alert"
        );
        j.ended(ConnectionStage::X224, Ending::Closed);
        assert_eq!(
            j.stage(),
            Some(StageReport {
                reached: ConnectionStage::X224,
                ended_by: Ending::Alert(crate::model::AlertDescription(40))
            })
        );
    }

    #[test]
    fn slow_handshakes_count_as_dropped_syns_only_beside_fast_ones() {
        let j = Journal::default();
        j.connected_in(Duration::from_millis(1010));
        j.answered();
        assert_eq!(j.pressure().syn_retransmits, 0, "a slow network alone");
        j.connected_in(Duration::from_millis(1));
        assert_eq!(j.pressure().syn_retransmits, 1);
        assert!(j.pressure().dropped_some());
    }
}
