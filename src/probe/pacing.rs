//! How long an opening connection holds its slot: adapted to what the answers show.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::OPENING_HOLD;

/// Adapts the opening slots' hold to what the connections show, rather than to fixed numbers. The fastest X.224
/// answer is the path's floor (the network's round trips and an idle server's work); what an answer takes beyond
/// it is the server's queue: xrdp forking late on a busy machine, a server that works one connection after
/// another. The hold is one and a half times the typical excess, at least [`OPENING_HOLD_MIN`]; a SYN
/// retransmit (a connect, or an answer, a second later than the floor: a SYN the server's backlog dropped)
/// doubles it, up to 8 times. A slot is still released as soon as its answer arrives. The connect time is not
/// used for the round trip: it is the kernel's, and a proxy or middlebox completes it at once.
#[derive(Debug, Default)]
pub struct Pacing {
    /// Fastest connect and fastest X.224 answer (from the connection's start) seen, in microseconds (0: none).
    connect_min_us: AtomicU64,
    answer_min_us: AtomicU64,
    /// Moving average (1/4 weight) of an answer's time beyond the fastest, in microseconds.
    excess_us: AtomicU64,
    /// Answers observed.
    samples: AtomicU64,
    /// SYN retransmits seen.
    retransmits: AtomicU64,
    /// The first [`SPREAD_SAMPLES`] answers' times (microseconds), for [`Pacing::server_bound`].
    first_answers: std::sync::Mutex<Vec<u64>>,
}

/// How many of the first answers [`Pacing::server_bound`] looks at: the negotiation's six.
const SPREAD_SAMPLES: usize = 8;
/// The mean gap between answers to connections opened together beyond which the server takes them one after
/// another. Measured with the negotiation's six probes: FreeRDP's shadow server 20 to 40 ms apart (on loopback
/// and at 25 ms each way), xrdp 2 to 6 ms (it forks a process per connection).
const SERIAL_GAP: Duration = Duration::from_millis(10);

/// The shortest hold, whatever the answers show: bounds the SYN rate to [`super::OPENING_AT_ONCE`] per this. A
/// 10 ms floor let bursts through the bench's 25 ms proxy that cost xrdp's backlog a SYN now and then (a run of
/// 6.5 s among runs of 3.4 s); 25 ms is the fixed hold measured before, which the answers only lengthen.
pub const OPENING_HOLD_MIN: Duration = Duration::from_millis(25);
/// The longest hold from the answers alone (retransmits may double it).
pub const OPENING_HOLD_MAX: Duration = Duration::from_millis(500);
/// How much later than the fastest a connect or answer must come to count as a SYN retransmit (Linux resends a
/// lost SYN after one second).
const RETRANSMIT: Duration = super::journal::SYN_RETRANSMIT;

fn us(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
}

/// Lowers `min` to `value` if it is lower (or unset); returns the minimum.
fn lower(min: &AtomicU64, value: u64) -> Duration {
    let m = match min.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |m| {
        (m == 0 || value < m).then_some(value)
    }) {
        Ok(_) => value,
        Err(m) => m,
    };
    Duration::from_micros(m)
}

impl Pacing {
    /// How long the next opening connection holds its slot at most.
    pub fn hold(&self) -> Duration {
        if self.samples.load(Ordering::Relaxed) == 0 {
            return OPENING_HOLD;
        }
        let excess = Duration::from_micros(self.excess_us.load(Ordering::Relaxed));
        let base = (excess * 3 / 2).clamp(OPENING_HOLD_MIN, OPENING_HOLD_MAX);
        base * (1 << self.retransmits.load(Ordering::Relaxed).min(3))
    }

    /// One connection's connect time and the time from its start to the X.224 answer.
    pub fn observe(&self, connect: Duration, answer: Duration) {
        let connect_min = lower(&self.connect_min_us, us(connect));
        let answer_min = lower(&self.answer_min_us, us(answer));
        let excess = answer.saturating_sub(answer_min);
        if connect.saturating_sub(connect_min) > RETRANSMIT || excess > RETRANSMIT {
            self.retransmits.fetch_add(1, Ordering::Relaxed);
            return; // a lost SYN says nothing about the server's own pace
        }
        if let Ok(mut first) = self.first_answers.lock() {
            if first.len() < SPREAD_SAMPLES {
                first.push(us(answer));
            }
        }
        let n = self.samples.fetch_add(1, Ordering::Relaxed);
        let _ = self
            .excess_us
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |avg| {
                let x = u64::try_from(excess.as_micros()).unwrap_or(u64::MAX);
                Some(if n == 0 { x } else { (avg * 3 + x) / 4 })
            });
    }

    /// Whether the server, not the network, sets the pace: the first answers (the negotiation's, opened nearly
    /// together) come one after another, more than [`SERIAL_GAP`] apart on average, as from a server that works
    /// one connection after another; across a slow network they come together, a round trip later. Parallel
    /// connections then buy little time, and each one costs the server's whole work.
    pub fn server_bound(&self) -> bool {
        let Ok(first) = self.first_answers.lock() else {
            return false;
        };
        if first.len() < 3 {
            return false;
        }
        let (lo, hi) = first
            .iter()
            .fold((u64::MAX, 0), |(lo, hi), &a| (lo.min(a), hi.max(a)));
        let gaps = first.len() as u64 - 1;
        Duration::from_micros((hi - lo) / gaps) > SERIAL_GAP
    }

    /// The fastest X.224 answer seen, from the connection's start.
    pub fn fastest_answer(&self) -> Option<Duration> {
        let m = self.answer_min_us.load(Ordering::Relaxed);
        (m > 0).then(|| Duration::from_micros(m))
    }
}

#[cfg(test)]
mod tests;
