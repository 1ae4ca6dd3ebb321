//! TLS enumeration plan: which versions and cipher suites a server accepts, in its order, and its key-exchange
//! groups, in as few connections as the answers allow.
//!
//! Each version's candidate suites are split into partitions of at most 128; each partition runs an elimination
//! chain (offer all, note the pick, remove it, repeat until the server refuses) and the chains run in parallel
//! under a per-host connection limit. Offers list suites weakest first, so a server that imposes its own order
//! shows it by deviating from ours; when every pick followed our order, one hello with two suites swapped tells
//! client order from server order. The first hello of a version's chains doubles as its version test; the
//! versions below TLS 1.2 share theirs (`old`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{watch, Semaphore};

use self::chains::{
    follows_client_order, merge_server_order, partitions, ChainEnd, Run, Seen, Step,
};
use self::old::ChainResult;
use crate::model::{CipherSuite, NamedGroup, ProtocolVersion, ScanError, Sni};
use crate::plan::Scoped;
use crate::probe::Oracle;

pub use self::chains::version_name;

const TLS12: ProtocolVersion = ProtocolVersion::TLS1_2;
const TLS13: ProtocolVersion = ProtocolVersion::TLS1_3;

/// A task running chains, with the versions whose results it returns.
type ChainsTask = Scoped<Vec<(ProtocolVersion, ChainResult)>>;

/// Settings of the enumeration.
#[derive(Debug, Clone)]
pub struct EnumOptions {
    /// Hellos in flight at once (`--max-conns`).
    pub max_conns: usize,
    /// The most suites one hello offers; some stacks reject longer lists.
    pub max_suites_per_hello: usize,
    /// Retries of one hello after a reset or a timeout, with doubling back-off.
    pub retries: u32,
    pub backoff: Duration,
    /// Pause before each hello (`--delay`), for fragile servers.
    pub delay: Duration,
    /// The `server_name` of the hello that tells client order from server order: another form than the
    /// enumeration's own (an IP literal, say, as mstsc sends it) shows, at no extra connection, whether the
    /// server answers that name alike. Refused with it, the test is asked again with the usual name.
    pub order_test_sni: Sni,
    /// Hellos may ride with their X.224 Connection Request once a trial proved the server reads them
    /// (`probe::early`; `--no-early-hellos` turns it off).
    pub early_hellos: bool,
}

impl Default for EnumOptions {
    fn default() -> Self {
        Self {
            max_conns: 8,
            max_suites_per_hello: 128,
            retries: 2,
            backoff: Duration::from_millis(250),
            delay: Duration::ZERO,
            order_test_sni: Sni::Name,
            early_hellos: true,
        }
    }
}

/// Candidate suites for each version, weakest first, and the candidate groups. Supplied by the caller from the
/// suite registry, so the plan stays testable with small lists.
#[derive(Debug, Clone)]
pub struct Candidates {
    /// (version, suites weakest first). TLS 1.3 lists only TLS 1.3 suites.
    pub suites: Vec<(ProtocolVersion, Vec<CipherSuite>)>,
    /// Groups to test, in the order to offer them.
    pub groups: Vec<NamedGroup>,
    /// Suites whose key exchange is ECDHE: below TLS 1.3, only these reveal a group.
    pub ecdhe: BTreeSet<CipherSuite>,
    /// Groups that only TLS 1.3 negotiates (the RFC 7919 ffdhe groups): not tested below it.
    pub tls13_only_groups: BTreeSet<NamedGroup>,
    /// Per version, the least number of chains, so that enough run in parallel to hide latency (default 1).
    pub min_partitions: BTreeMap<ProtocolVersion, usize>,
}

/// What the enumeration found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Enumeration {
    /// Versions tested and whether each is supported, ascending.
    pub versions: Vec<(ProtocolVersion, bool)>,
    /// Per supported version: suites accepted, in the server's order where it imposes one, else in pick order.
    pub suites: BTreeMap<ProtocolVersion, Vec<CipherSuite>>,
    /// Per version: `Some(true)` the server imposes its order, `Some(false)` it follows the client's, `None`
    /// unknown (fewer than two suites).
    pub server_order: BTreeMap<ProtocolVersion, Option<bool>>,
    pub groups: Vec<NamedGroup>,
    /// Smallest DH prime seen with a DHE suite.
    pub dh_bits: Option<u32>,
    /// The first certificate chain seen in the clear.
    pub chain: Vec<Vec<u8>>,
    /// The version and suite of the handshake that showed `chain`.
    pub chain_from: Option<(ProtocolVersion, CipherSuite)>,
    /// The first network or protocol error that retries did not cure.
    pub first_error: Option<ScanError>,
    /// Picks of things we did not offer, and hellos that failed even after retries.
    pub anomalies: Vec<String>,
    /// ClientHellos sent (each on its own connection).
    pub hellos: u64,
    /// The server asked for a client certificate in some first flight (TLS 1.2 and older).
    pub cert_request: bool,
    /// The server sent an empty certificate list in some first flight.
    pub certificate_empty: bool,
    /// Picks of versions or suites that were not offered: evidence of a broken or hostile server.
    pub violations: Vec<String>,
}

/// Runs the whole enumeration against `oracle`.
pub async fn enumerate<O: Oracle>(
    oracle: O,
    candidates: &Candidates,
    opts: &EnumOptions,
) -> Enumeration {
    let run = Arc::new(Run {
        oracle,
        opts: opts.clone(),
        slots: Semaphore::new(opts.max_conns.max(1)),
        groups_offer: candidates.groups.clone(),
        tls13_only: candidates.tls13_only_groups.clone(),
        seen: Mutex::new(Seen::default()),
        tls13_pick: watch::channel(None).0,
    });
    // The groups only TLS 1.3 negotiates (ffdhe): no TLS 1.2 pick can show them, and the TLS 1.3 chain's hellos,
    // which carry an X25519 share, show X25519 only.
    let tls13_only: Vec<NamedGroup> = candidates
        .groups
        .iter()
        .copied()
        .filter(|g| candidates.tls13_only_groups.contains(g))
        .collect();

    // Every chain of every version at once; the semaphore bounds the connections in flight.
    let tls13: Option<Vec<CipherSuite>> = candidates
        .suites
        .iter()
        .find(|(v, _)| *v == TLS13)
        .map(|(_, s)| s.clone());
    // The versions below TLS 1.2 go together when they share one candidate list (see `old`).
    let old: Vec<&(ProtocolVersion, Vec<CipherSuite>)> = candidates
        .suites
        .iter()
        .filter(|(v, _)| *v < TLS12)
        .collect();
    let joint = old.len() >= 2 && old.windows(2).all(|w| w[0].1 == w[1].1);
    let mut tasks: Vec<(Vec<ProtocolVersion>, ChainsTask)> = Vec::new();
    if let (true, Some((_, suites))) = (joint, old.first()) {
        let versions: Vec<ProtocolVersion> = old.iter().map(|(v, _)| *v).collect();
        let (run, suites, max) = (run.clone(), suites.clone(), opts.max_suites_per_hello);
        let task = Scoped::spawn(old::together(run, versions.clone(), suites, max));
        tasks.push((versions, task));
    }
    for (version, suites) in &candidates.suites {
        let version = *version;
        if (joint && version < TLS12)
            || (version == TLS13
                && tls13.is_some()
                && candidates.suites.iter().any(|(v, _)| *v == TLS12))
        {
            continue; // asked together above, or with TLS 1.2's first chain below
        }
        let min = candidates
            .min_partitions
            .get(&version)
            .copied()
            .unwrap_or(1);
        // TLS 1.2's first partition shares one hello with every TLS 1.3 suite: leave room for them.
        let shared = match version {
            TLS12 => tls13.as_ref().map_or(0, Vec::len),
            _ => 0,
        };
        let parts = partitions(suites, opts.max_suites_per_hello, min, shared);
        if version < TLS12 {
            let run = run.clone();
            let task = Scoped::spawn(async move { old::alone(&run, &[version], &parts).await });
            tasks.push((vec![version], task));
            continue;
        }
        for (i, part) in parts.into_iter().enumerate() {
            let run = run.clone();
            let task = match (version == TLS12 && i == 0, tls13.clone()) {
                (true, Some(t13)) => Scoped::spawn(async move {
                    let (a, b) = run.tls12_and_tls13(part, t13).await;
                    std::iter::once((TLS12, a))
                        .chain(b.map(|b| (TLS13, b)))
                        .collect()
                }),
                _ => Scoped::spawn(async move {
                    vec![(version, run.chain(version, part, None, None).await)]
                }),
            };
            tasks.push((vec![version], task));
        }
    }
    let (chains_done, mut chains_ended) = watch::channel(false);
    let collect = async {
        let mut chains: BTreeMap<ProtocolVersion, Vec<(Vec<Step>, ChainEnd)>> = BTreeMap::new();
        for (versions, task) in tasks {
            let results = task.await.unwrap_or_else(|e| {
                run.lock().anomalies.push(format!("a chain failed: {e}"));
                versions
                    .iter()
                    .map(|v| (*v, (Vec::new(), ChainEnd::Broken)))
                    .collect()
            });
            for (version, result) in results {
                chains.entry(version).or_default().push(result);
            }
        }
        chains_done.send_replace(true);
        chains
    };
    // The groups only TLS 1.3 has need one TLS 1.3 suite the server picks, not the chains' end: they are asked
    // as soon as one shows, beside the chains (one HelloRetryRequest per group), instead of in a chain of their
    // own after them. The other groups are left to the suite chains' picks, which show them at no extra hello.
    let early_run = run.clone();
    let early_groups = Scoped::spawn(async move {
        let run = early_run;
        let mut pick = run.tls13_pick.subscribe();
        let suite = tokio::select! {
            p = pick.wait_for(Option::is_some) => p.ok().and_then(|p| *p),
            _ = chains_ended.wait_for(|done| *done) => None,
        };
        match suite {
            Some(suite) if !tls13_only.is_empty() => {
                Run::groups_fan_out(&run, TLS13, vec![suite], &tls13_only).await;
            }
            _ => {}
        }
    });
    let chains = collect.await;

    // The groups the chains did not reveal are asked for while the server order is tested: both need only the
    // chains' picks, and neither waits for the other. TLS 1.3 asks with HelloRetryRequests; below it, ECDHE
    // suites only.
    let highest = chains.iter().rev().find_map(|(v, results)| {
        let picked: Vec<CipherSuite> = results
            .iter()
            .flat_map(|(s, _)| s.iter().map(|x| x.picked))
            .collect();
        (!picked.is_empty()).then_some((*v, picked))
    });
    let groups = async {
        let Some((version, suites)) = highest else {
            return;
        };
        // The groups only TLS 1.3 has are the early chain's, which started with the first TLS 1.3 pick.
        let early_chain = run.tls13_pick.borrow().is_some();
        let (suites, groups): (Vec<CipherSuite>, Vec<NamedGroup>) = if version == TLS13 {
            let groups = candidates
                .groups
                .iter()
                .copied()
                .filter(|g| !early_chain || !candidates.tls13_only_groups.contains(g))
                .collect();
            (suites, groups)
        } else {
            (
                suites
                    .into_iter()
                    .filter(|s| candidates.ecdhe.contains(s))
                    .collect(),
                candidates
                    .groups
                    .iter()
                    .copied()
                    .filter(|g| !candidates.tls13_only_groups.contains(g))
                    .collect(),
            )
        };
        if !suites.is_empty() {
            Run::groups_fan_out(&run, version, suites, &groups).await;
        }
    };
    let order = async {
        let mut out = Enumeration::default();
        // Highest version first: once a swap test proved that the server follows the client's order, a lower
        // version whose picks all followed ours too is taken to share that setting (OpenSSL's and SChannel's
        // preference is one switch for every version) and needs no test of its own.
        let mut client_order_proved = false;
        for (version, results) in chains.iter().rev() {
            let picked: Vec<CipherSuite> = results
                .iter()
                .flat_map(|(s, _)| s.iter().map(|x| x.picked))
                .collect();
            out.versions.push((*version, !picked.is_empty()));
            if picked.is_empty() {
                continue;
            }
            let accepted: BTreeSet<CipherSuite> = picked.iter().copied().collect();
            let consistent = results
                .iter()
                .all(|(steps, _)| follows_client_order(steps, &accepted));
            let enforced = if accepted.len() < 2 {
                None
            } else if !consistent {
                Some(true)
            } else if client_order_proved {
                Some(false)
            } else {
                // Every pick followed our order: swap the first two picks of a chain that has two.
                let pair = results
                    .iter()
                    .find(|(s, _)| s.len() >= 2)
                    .map(|(s, _)| (s[0].picked, s[1].picked));
                // A chain may have run the test already, beside its third hello.
                let ran = run.lock().order_tests.get(version).copied();
                match (pair, ran) {
                    (Some(_), Some((_, enforced))) => enforced,
                    (Some((a, b)), None) => run.order_test(*version, a, b).await,
                    (None, _) => {
                        // Each partition gave at most one suite: compare two partitions' picks directly.
                        let mut it = picked.iter();
                        match (it.next(), it.next()) {
                            (Some(&a), Some(&b)) => {
                                let first = run.pick(*version, vec![a, b]).await;
                                let second = run.pick(*version, vec![b, a]).await;
                                match (first, second) {
                                    (Some(x), Some(y)) => Some(x == y),
                                    _ => None,
                                }
                            }
                            _ => None,
                        }
                    }
                }
            };
            client_order_proved |= enforced == Some(false);
            let order = if enforced == Some(true) && results.len() > 1 {
                merge_server_order(&run, *version, results).await
            } else {
                picked
            };
            out.server_order.insert(*version, enforced);
            out.suites.insert(*version, order);
        }
        out
    };
    let (mut out, (), early) = tokio::join!(order, groups, early_groups);
    if let Err(e) = early {
        run.lock()
            .anomalies
            .push(format!("the groups task failed: {e}"));
    }
    out.versions.sort_unstable();

    let seen = std::mem::take(&mut *run.lock());
    out.groups = candidates
        .groups
        .iter()
        .copied()
        .filter(|g| seen.groups.contains(g))
        .collect();
    out.dh_bits = seen.dh_bits;
    out.chain = seen.chain;
    out.chain_from = seen.chain_from;
    out.first_error = seen.first_error;
    out.anomalies = seen.anomalies;
    out.hellos = seen.hellos;
    out.cert_request = seen.cert_request;
    out.certificate_empty = seen.certificate_empty;
    out.violations = seen.violations;
    for (v, _) in out.versions.iter().filter(|(_, ok)| !ok) {
        out.suites.remove(v);
    }
    out
}

mod chains;
mod old;
#[cfg(test)]
mod tests;
