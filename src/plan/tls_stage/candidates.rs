//! What the enumeration offers: every registered suite per version, weakest first, and the groups it tests.

use std::collections::BTreeMap;

use crate::model::{CipherSuite, NamedGroup, ProtocolVersion};
use crate::plan::tls_enum::Candidates;
use crate::wire::tls::suites::{self, Kx, SuiteInfo};

/// Every version, ascending.
pub const VERSIONS: [ProtocolVersion; 5] = ProtocolVersion::ALL;

/// The groups the enumeration tests: the common ECC groups and the RFC 7919 ffdhe groups.
pub const GROUPS: [NamedGroup; 10] = [
    NamedGroup::X25519,
    NamedGroup::SECP256R1,
    NamedGroup::SECP384R1,
    NamedGroup::SECP521R1,
    NamedGroup::X448,
    NamedGroup::FFDHE2048,
    NamedGroup::FFDHE3072,
    NamedGroup::FFDHE4096,
    NamedGroup::FFDHE6144,
    NamedGroup::FFDHE8192,
];

/// Weakest first: a server that imposes its own (strong-first) order then shows it by deviating from ours.
pub fn strength(i: &SuiteInfo) -> impl Ord {
    (
        !i.is_null_cipher(),
        !i.export,
        !i.is_anonymous(),
        !(i.is_rc4() || i.is_triple_des()),
        i.forward_secrecy(),
        i.is_aead(),
        i.bits,
        i.id,
    )
}

/// TLS 1.2's chains on a server that answers one connection after another. One chain is a round trip (and the
/// server's work) per suite in a row: 2.3 s for the shadow server's 13 suites at 25 ms each way, against 1.8 s
/// with six chains, whose five more refusals cost 5 connections of 39 on loopback; three is between.
pub const SERVER_BOUND_CHAINS: usize = 3;

/// The candidates of the registry for every version, chains sized to hide latency with `max_conns` in flight.
/// `server_bound`: the server answers one connection after another (FreeRDP's shadow server spends some 80 ms of
/// CPU on each): parallel chains then buy less time, and each one's closing refusal costs that work, so TLS 1.2
/// gets [`SERVER_BOUND_CHAINS`].
pub fn registry_candidates(max_conns: usize, server_bound: bool) -> Candidates {
    let mut legacy: Vec<&SuiteInfo> = suites::all().filter(|i| !i.is_tls13()).collect();
    legacy.sort_by_key(|i| strength(i));
    let ids = |f: &dyn Fn(&SuiteInfo) -> bool| {
        legacy
            .iter()
            .filter(|i| f(i))
            .map(|i| CipherSuite(i.id))
            .collect::<Vec<_>>()
    };
    let old = ids(&|i| i.min_version <= ProtocolVersion::SSL3_0);
    let mut tls13: Vec<&SuiteInfo> = suites::all().filter(|i| i.is_tls13()).collect();
    tls13.sort_by_key(|i| strength(i));
    Candidates {
        suites: vec![
            (ProtocolVersion::SSL3_0, old.clone()),
            (ProtocolVersion::TLS1_0, old.clone()),
            (ProtocolVersion::TLS1_1, old),
            (ProtocolVersion::TLS1_2, ids(&|_| true)),
            (
                ProtocolVersion::TLS1_3,
                tls13.iter().map(|i| CipherSuite(i.id)).collect(),
            ),
        ],
        groups: GROUPS.to_vec(),
        ecdhe: legacy
            .iter()
            .filter(|i| i.kx == Kx::Ecdhe)
            .map(|i| CipherSuite(i.id))
            .collect(),
        tls13_only_groups: GROUPS.iter().copied().filter(|g| g.is_ffdhe()).collect(),
        // TLS 1.2 has the most suites to find: more chains, so that their length (each step two round trips with
        // early hellos) stays short, but each one's closing refusal is a connection: five, measured on xrdp
        // legacy (88 suites) against six: 107 connections instead of 108 (of sslscan's 144), 2.3-2.5 s at 25 ms
        // each way instead of 2.2-2.4 s. The older versions share two hellos first (`tls_enum::old`), then run
        // two chains each where they are supported (their suites exceed one hello).
        min_partitions: BTreeMap::from([(
            ProtocolVersion::TLS1_2,
            if server_bound {
                SERVER_BOUND_CHAINS
            } else {
                (max_conns * 3 / 4).clamp(1, 5)
            },
        )]),
    }
}
