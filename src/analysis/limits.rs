//! The server's connection limits, as the connections showed them: which patterns appeared, and how many of
//! rdptls's own connections were open when they did.

use crate::model::{ConnectionPressure, LimitPattern, LimitsReport};

/// The limits section of a report, when the server dropped connections while answering others or refused in MCS
/// (`refused_in_mcs`: an MCS refusal after the TLS and X.224 stages worked).
pub fn assess(p: &ConnectionPressure, refused_in_mcs: bool) -> Option<LimitsReport> {
    let mut patterns = Vec::new();
    if p.answered > 0 && p.closed_before_confirm > 0 {
        patterns.push(LimitPattern::ClosedBeforeConfirm);
    }
    if p.answered > 0 && p.syn_retransmits > 0 {
        patterns.push(LimitPattern::SynDropped);
    }
    if refused_in_mcs {
        patterns.push(LimitPattern::RefusedInMcs);
    }
    if patterns.is_empty() {
        return None;
    }
    Some(LimitsReport {
        patterns,
        open_connections: p.open_at_first_drop,
        peak_open: p.peak_open,
        closed_before_confirm: p.closed_before_confirm,
        syn_retransmits: p.syn_retransmits,
        recovered_after_backoff: p.recovered_after_backoff,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pressure() -> ConnectionPressure {
        ConnectionPressure {
            answered: 5,
            open_at_first_drop: 4,
            peak_open: 6,
            ..Default::default()
        }
    }

    #[test]
    fn drops_beside_answers_are_limits_and_drops_alone_are_not() {
        assert_eq!(assess(&pressure(), false), None);
        let closed = ConnectionPressure {
            closed_before_confirm: 2,
            recovered_after_backoff: 2,
            ..pressure()
        };
        let r = assess(&closed, false).expect("a pattern");
        assert_eq!(r.patterns, vec![LimitPattern::ClosedBeforeConfirm]);
        assert_eq!((r.open_connections, r.peak_open), (4, 6));
        let nothing_answered = ConnectionPressure {
            answered: 0,
            ..closed
        };
        assert_eq!(assess(&nothing_answered, false), None);
        let syn = ConnectionPressure {
            syn_retransmits: 3,
            ..pressure()
        };
        assert_eq!(
            assess(&syn, true).map(|r| r.patterns),
            Some(vec![LimitPattern::SynDropped, LimitPattern::RefusedInMcs])
        );
    }
}
