//! The process' descriptor limit: raised to the hard limit at start, and the number of hosts scanned at once
//! fitted to it, so that a fleet scan never runs out of descriptors by design.

/// Descriptors kept for everything that is not a probe: standard streams, the runtime's epoll and wakers,
/// output files, the fixture of a test harness.
const RESERVED: u64 = 64;

/// Descriptors one host may hold at once for `max_conns`: the enumeration's or the replays' hellos, the
/// connections the negotiation left ready for TLS (up to three), the rustls and CredSSP handshakes, with room.
pub fn per_host(max_conns: usize) -> u64 {
    max_conns as u64 + 8
}

/// Raises the soft limit on open files to the hard one; returns the soft limit now in force (`None`: unknown).
#[cfg(unix)]
pub fn raise_open_files() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we own; RLIMIT_NOFILE is a valid resource.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return None;
    }
    if limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: limit.rlim_max,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: setrlimit reads the struct we own; raising the soft limit up to the hard one is always allowed.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            limit.rlim_cur = limit.rlim_max;
        }
    }
    // RLIM_INFINITY and other huge values are all "enough". rlim_t is u64 on Linux, not on every Unix.
    #[allow(clippy::useless_conversion)]
    Some(u64::try_from(limit.rlim_cur).unwrap_or(u64::MAX))
}

#[cfg(not(unix))]
pub fn raise_open_files() -> Option<u64> {
    None
}

/// The hosts to scan at once: `requested`, or fewer when `open_files` cannot hold that many at `max_conns` each.
pub fn fit_concurrency(requested: usize, max_conns: usize, open_files: Option<u64>) -> usize {
    let Some(limit) = open_files else {
        return requested;
    };
    let fits = limit.saturating_sub(RESERVED) / per_host(max_conns);
    requested
        .min(usize::try_from(fits).unwrap_or(usize::MAX))
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrency_shrinks_to_what_the_descriptor_limit_holds() {
        assert_eq!(fit_concurrency(300, 8, Some(256)), 12);
        assert_eq!(fit_concurrency(8, 8, Some(256)), 8);
        assert_eq!(fit_concurrency(300, 64, Some(100)), 1);
        assert_eq!(fit_concurrency(300, 8, None), 300);
        assert_eq!(fit_concurrency(300, 8, Some(u64::MAX)), 300);
    }
}
