//! Hellos that ride with the X.224 Connection Request: one round trip fewer per enumeration hello.
//!
//! A hello probe opens a connection, sends the Connection Request, waits for the Confirm, then sends the
//! ClientHello: three round trips with the TCP handshake. xrdp and FreeRDP read their socket only as far as each
//! message goes, so a ClientHello written right behind the request waits in the socket until they start TLS, and
//! the Confirm and the ServerHello come back together. A server that read past the request, or threw away what
//! came early, would answer it differently, so the scan relies on it only once a trial proved it: one hello sent
//! that way got a ServerHello. A trial that got anything else (a refusal, a close, no answer within
//! [`trial_timeout`]) is asked again the usual way, which has the last word: a ServerHello then turns the early
//! hellos off for the target. Until a trial succeeds, every other hello waits for its Confirm.

use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

/// How a hello on a new connection is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelloTiming {
    /// After the Confirm, in a write of its own.
    AfterConfirm,
    /// With the Connection Request, as the trial that decides whether the others may.
    Trial,
    /// With the Connection Request: a trial proved that the server reads it.
    WithRequest,
}

const UNKNOWN: u8 = 0;
const TRYING: u8 = 1;
const ON: u8 = 2;
const OFF: u8 = 3;

/// Trials at most per target: a server that refuses every hello a trial may carry (TLS 1.2 and newer) costs an
/// extra connection per trial.
const MAX_TRIALS: u8 = 2;

/// Whether a target's hellos ride with their Connection Request; shared by the target's hellos.
#[derive(Debug)]
pub struct EarlyHellos {
    state: AtomicU8,
    trials: AtomicU8,
}

impl Default for EarlyHellos {
    fn default() -> Self {
        Self::new(true)
    }
}

impl EarlyHellos {
    /// `allowed: false` keeps every hello after its Confirm.
    pub fn new(allowed: bool) -> Self {
        Self {
            state: AtomicU8::new(if allowed { UNKNOWN } else { OFF }),
            trials: AtomicU8::new(0),
        }
    }

    /// How the next hello on a new connection goes. `candidate`: the hello is one a server most likely accepts
    /// (it offers TLS 1.2 or newer), so that it may be the trial; one trial runs at a time.
    pub fn next(&self, candidate: bool) -> HelloTiming {
        match self.state.load(Ordering::Acquire) {
            ON => HelloTiming::WithRequest,
            UNKNOWN
                if candidate
                    && self
                        .state
                        .compare_exchange(UNKNOWN, TRYING, Ordering::AcqRel, Ordering::Acquire)
                        .is_ok() =>
            {
                self.trials.fetch_add(1, Ordering::AcqRel);
                HelloTiming::Trial
            }
            _ => HelloTiming::AfterConfirm,
        }
    }

    /// The trial got a ServerHello: the server reads a hello sent with the request.
    pub fn proved(&self) {
        self.state.store(ON, Ordering::Release);
    }

    /// The trial got something else, and the same hello asked the usual way got `usual_hello` (a ServerHello
    /// or not): a ServerHello now means the early hello changed the answer (off for good); a refusal both ways
    /// proves nothing, and another hello may try, up to [`MAX_TRIALS`].
    pub fn disproved(&self, usual_hello: bool) {
        let next = if usual_hello || self.trials.load(Ordering::Acquire) >= MAX_TRIALS {
            OFF
        } else {
            UNKNOWN
        };
        self.state.store(next, Ordering::Release);
    }

    /// Whether hellos ride with the request now.
    pub fn on(&self) -> bool {
        self.state.load(Ordering::Acquire) == ON
    }
}

/// How long a trial waits for its answer: enough for a slow server (four times its fastest Confirm, at least a
/// second), not the whole step timeout, since a server that threw the hello away never answers it.
pub fn trial_timeout(step_timeout: Duration, fastest_confirm: Option<Duration>) -> Duration {
    let floor = Duration::from_secs(1);
    fastest_confirm
        .map_or(floor, |c| (c * 4).max(floor))
        .min(step_timeout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_trial_at_a_time_and_only_a_candidate_tries() {
        let e = EarlyHellos::default();
        assert_eq!(e.next(false), HelloTiming::AfterConfirm);
        assert_eq!(e.next(true), HelloTiming::Trial);
        assert_eq!(
            e.next(true),
            HelloTiming::AfterConfirm,
            "a trial is running"
        );
        e.proved();
        assert_eq!(e.next(false), HelloTiming::WithRequest);
        assert!(e.on());
    }

    #[test]
    fn a_serverhello_the_usual_way_after_a_failed_trial_turns_it_off() {
        let e = EarlyHellos::default();
        assert_eq!(e.next(true), HelloTiming::Trial);
        e.disproved(true);
        assert_eq!(e.next(true), HelloTiming::AfterConfirm);
        assert!(!e.on());
    }

    #[test]
    fn refusals_both_ways_allow_another_trial_but_not_endlessly() {
        let e = EarlyHellos::default();
        assert_eq!(e.next(true), HelloTiming::Trial);
        e.disproved(false);
        assert_eq!(e.next(true), HelloTiming::Trial);
        e.disproved(false);
        assert_eq!(e.next(true), HelloTiming::AfterConfirm);
    }

    #[test]
    fn not_allowed_never_tries() {
        let e = EarlyHellos::new(false);
        assert_eq!(e.next(true), HelloTiming::AfterConfirm);
    }

    #[test]
    fn the_trial_waits_at_least_a_second_and_never_past_the_step_timeout() {
        let s = Duration::from_secs(5);
        assert_eq!(trial_timeout(s, None), Duration::from_secs(1));
        let ms = Duration::from_millis;
        assert_eq!(trial_timeout(s, Some(ms(100))), Duration::from_secs(1));
        assert_eq!(trial_timeout(s, Some(ms(400))), ms(1600));
        assert_eq!(trial_timeout(s, Some(ms(2000))), s);
        assert_eq!(trial_timeout(ms(500), Some(ms(10))), ms(500));
    }
}
