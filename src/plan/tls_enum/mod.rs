//! TLS enumeration plan: which versions and cipher suites a server accepts, in its order, and its key-exchange
//! groups, in as few connections as the answers allow.
//!
//! Each version's candidate suites are split into partitions of at most 128; each partition runs an elimination
//! chain (offer all, note the pick, remove it, repeat until the server refuses) and the chains run in parallel
//! under a per-host connection limit. Offers list suites weakest first, so a server that imposes its own order
//! shows it by deviating from ours; when every pick followed our order, one hello with two suites swapped tells
//! client order from server order. The first hello of a version's chains doubles as its version test.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{watch, Semaphore};

use crate::model::{Answer, CipherSuite, NamedGroup, Offer, ProtocolVersion, ScanError};
use crate::probe::Oracle;

const TLS12: ProtocolVersion = ProtocolVersion::TLS1_2;
const TLS13: ProtocolVersion = ProtocolVersion::TLS1_3;

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
}

impl Default for EnumOptions {
    fn default() -> Self {
        Self {
            max_conns: 8,
            max_suites_per_hello: 128,
            retries: 2,
            backoff: Duration::from_millis(250),
            delay: Duration::ZERO,
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
}

/// Shared state of the running chains.
struct Run<O> {
    oracle: O,
    opts: EnumOptions,
    slots: Semaphore,
    groups_offer: Vec<NamedGroup>,
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    groups: BTreeSet<NamedGroup>,
    dh_bits: Option<u32>,
    chain: Vec<Vec<u8>>,
    chain_from: Option<(ProtocolVersion, CipherSuite)>,
    first_error: Option<ScanError>,
    anomalies: Vec<String>,
    hellos: u64,
}

/// One step of a chain: what was offered and what was picked.
#[derive(Debug, Clone)]
struct Step {
    offered: Vec<CipherSuite>,
    picked: CipherSuite,
}

/// How a chain ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ChainEnd {
    /// The server refused the rest (or nothing was left).
    Exhausted,
    /// The server answered with a lower version: this version is not supported (if nothing was picked).
    Downgraded(ProtocolVersion),
    /// Retries ran out or the server misbehaved; the result is incomplete.
    Broken,
}

impl<O: Oracle> Run<O> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Groups to offer: the ones not seen yet first, so that a server that follows the client's group order
    /// shows a new group with each ECDHE pick.
    fn groups_for_offer(&self) -> Vec<NamedGroup> {
        let seen = self.lock();
        let (mut unseen, known): (Vec<NamedGroup>, Vec<NamedGroup>) = self
            .groups_offer
            .iter()
            .partition(|g| !seen.groups.contains(g));
        unseen.extend(known);
        unseen
    }

    /// Asks once, with retries and back-off on network errors.
    async fn ask(&self, offer: Offer) -> Option<Answer> {
        let _slot = self.slots.acquire().await.ok()?;
        let mut wait = self.opts.backoff;
        for attempt in 0..=self.opts.retries {
            if !self.opts.delay.is_zero() {
                tokio::time::sleep(self.opts.delay).await;
            }
            self.lock().hellos += 1;
            match self.oracle.ask(offer.clone()).await {
                Ok(answer) => {
                    self.note(&offer, &answer);
                    return Some(answer);
                }
                Err(e) if attempt == self.opts.retries || !retryable(&e) => {
                    let mut seen = self.lock();
                    seen.first_error.get_or_insert_with(|| e.clone());
                    seen.anomalies.push(format!(
                        "{} hello with {} suites failed after {} tries: {e}",
                        version_name(offer.max_version()),
                        offer.suites.len(),
                        attempt + 1
                    ));
                }
                Err(_) => {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
            }
        }
        None
    }

    /// Keeps what every answer teaches beyond the pick: groups, DH size, the certificate, violations.
    fn note(&self, offer: &Offer, answer: &Answer) {
        let mut seen = self.lock();
        match answer {
            Answer::Hello {
                version,
                suite,
                group,
                dh_bits,
                chain,
            } => {
                if let Some(g) = group {
                    if offer.groups.contains(g) {
                        seen.groups.insert(*g);
                    } else {
                        seen.anomalies.push(format!(
                            "the server chose group 0x{:04x}, which was not offered",
                            g.0
                        ));
                    }
                }
                if let Some(bits) = dh_bits {
                    seen.dh_bits = Some(seen.dh_bits.map_or(*bits, |b| b.min(*bits)));
                }
                if seen.chain.is_empty() && !chain.is_empty() {
                    seen.chain = chain.clone();
                    seen.chain_from = Some((*version, *suite));
                }
            }
            Answer::Violation { detail } => seen.anomalies.push(detail.clone()),
            Answer::Refused { .. } | Answer::VersionRefused { .. } => {}
        }
    }

    /// One elimination chain over `partition` at `version`. After its first answer it tells `first` whether
    /// the version is worth the other partitions' hellos (`false`: the server refused the version itself).
    /// Dropping `first` unsent lets the others go ahead.
    async fn chain(
        &self,
        version: ProtocolVersion,
        partition: Vec<CipherSuite>,
        first: Option<watch::Sender<Option<bool>>>,
        seed: Option<Step>,
    ) -> (Vec<Step>, ChainEnd) {
        let mut remaining = partition;
        let mut steps = Vec::new();
        if let Some(step) = seed {
            remaining.retain(|s| *s != step.picked);
            steps.push(step);
        }
        let tell = |worth: bool| {
            if let Some(tx) = &first {
                tx.send_if_modified(|v| {
                    let changed = v.is_none();
                    v.get_or_insert(worth);
                    changed
                });
            }
        };
        while !remaining.is_empty() {
            let offer = Offer {
                versions: vec![version],
                suites: remaining.clone(),
                groups: self.groups_for_offer(),
                x25519_share: version == TLS13,
                renegotiation_scsv: true,
            };
            let answer = self.ask(offer).await;
            tell(answer_version(&answer) >= version);
            match answer {
                None => return (steps, ChainEnd::Broken),
                Some(Answer::Refused { .. }) => return (steps, ChainEnd::Exhausted),
                Some(Answer::VersionRefused { .. }) => return (steps, ChainEnd::Exhausted),
                Some(Answer::Violation { .. }) => return (steps, ChainEnd::Broken),
                Some(Answer::Hello {
                    version: v, suite, ..
                }) => {
                    if v < version {
                        return (steps, ChainEnd::Downgraded(v));
                    }
                    if v != version || !remaining.contains(&suite) {
                        self.lock().anomalies.push(format!(
                            "asked for {} and got {} with suite 0x{:04x}, which was not offered",
                            version_name(version),
                            version_name(v),
                            suite.0
                        ));
                        return (steps, ChainEnd::Broken);
                    }
                    steps.push(Step {
                        offered: remaining.clone(),
                        picked: suite,
                    });
                    remaining.retain(|s| *s != suite);
                }
            }
        }
        (steps, ChainEnd::Exhausted)
    }

    /// TLS 1.2's first chain and the TLS 1.3 chain, started by one hello that offers both versions: a server
    /// without TLS 1.3 answers it at TLS 1.2, which is that chain's first step and TLS 1.3's refusal in one
    /// connection; a TLS 1.3 server answers at TLS 1.3, which is the TLS 1.3 chain's first step.
    async fn tls12_and_tls13(
        &self,
        part: Vec<CipherSuite>,
        tls13: Vec<CipherSuite>,
    ) -> ((Vec<Step>, ChainEnd), Option<(Vec<Step>, ChainEnd)>) {
        let offer = Offer {
            versions: vec![TLS13, TLS12],
            suites: tls13.iter().chain(&part).copied().collect(),
            groups: self.groups_for_offer(),
            x25519_share: true,
            renegotiation_scsv: true,
        };
        let (seed12, seed13, tls13_refused) = match self.ask(offer).await {
            Some(Answer::Hello {
                version: TLS13,
                suite,
                ..
            }) if tls13.contains(&suite) => (
                None,
                Some(Step {
                    offered: tls13.clone(),
                    picked: suite,
                }),
                false,
            ),
            Some(Answer::Hello {
                version: TLS12,
                suite,
                ..
            }) if part.contains(&suite) => (
                Some(Step {
                    offered: part.clone(),
                    picked: suite,
                }),
                None,
                true,
            ),
            // Anything else (a refusal, an older version): each chain starts on its own.
            _ => (None, None, false),
        };
        let tls13_chain = async {
            if tls13_refused {
                (Vec::new(), ChainEnd::Exhausted)
            } else {
                self.chain(TLS13, tls13, None, seed13).await
            }
        };
        let (a, b) = tokio::join!(self.chain(TLS12, part, None, seed12), tls13_chain);
        (a, Some(b))
    }

    /// Which of `suites` the server prefers, offering them in the given order. `None` if it answered otherwise.
    async fn pick(
        &self,
        version: ProtocolVersion,
        suites: Vec<CipherSuite>,
    ) -> Option<CipherSuite> {
        let offer = Offer {
            versions: vec![version],
            suites: suites.clone(),
            groups: self.groups_for_offer(),
            x25519_share: version == TLS13,
            renegotiation_scsv: true,
        };
        match self.ask(offer).await? {
            Answer::Hello {
                version: v, suite, ..
            } if v == version && suites.contains(&suite) => Some(suite),
            _ => None,
        }
    }

    /// Groups not seen during the suite chains: an elimination chain of its own over the groups left.
    async fn groups_chain(
        &self,
        version: ProtocolVersion,
        suites: Vec<CipherSuite>,
        groups: &[NamedGroup],
    ) {
        loop {
            let left: Vec<NamedGroup> = {
                let seen = self.lock();
                groups
                    .iter()
                    .copied()
                    .filter(|g| !seen.groups.contains(g))
                    .collect()
            };
            if left.is_empty() {
                return;
            }
            let offer = Offer {
                versions: vec![version],
                suites: suites.clone(),
                x25519_share: version == TLS13 && left.contains(&NamedGroup::X25519),
                renegotiation_scsv: true,
                groups: left.clone(),
            };
            match self.ask(offer).await {
                Some(Answer::Hello { group: Some(g), .. }) if left.contains(&g) => continue,
                _ => return,
            }
        }
    }
}

/// Splits `suites` into at least `min` partitions of at most `max`, keeping the order within each.
fn partitions(suites: &[CipherSuite], max: usize, min: usize) -> Vec<Vec<CipherSuite>> {
    if suites.is_empty() {
        return Vec::new();
    }
    let count = suites
        .len()
        .div_ceil(max.max(1))
        .max(min.max(1))
        .min(suites.len());
    let size = suites.len().div_ceil(count);
    suites.chunks(size).map(<[CipherSuite]>::to_vec).collect()
}

/// True when every step picked the first offered suite that the server accepts at all: what a server that
/// follows the client's order does.
fn follows_client_order(steps: &[Step], accepted: &BTreeSet<CipherSuite>) -> bool {
    steps
        .iter()
        .all(|s| s.offered.iter().find(|x| accepted.contains(x)) == Some(&s.picked))
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
        seen: Mutex::new(Seen::default()),
    });

    // Every chain of every version at once; the semaphore bounds the connections in flight.
    let tls13: Option<Vec<CipherSuite>> = candidates
        .suites
        .iter()
        .find(|(v, _)| *v == TLS13)
        .map(|(_, s)| s.clone());
    let mut tasks = Vec::new();
    for (version, suites) in &candidates.suites {
        let min = candidates.min_partitions.get(version).copied().unwrap_or(1);
        // Below TLS 1.2 a version is often disabled outright: the further partitions wait for the first one's
        // first answer, and skip their hellos when the server refused the version itself.
        let (tx, rx) = watch::channel(None::<bool>);
        let gated = *version < TLS12;
        let mut first = Some(tx);
        for (i, part) in partitions(suites, opts.max_suites_per_hello, min)
            .into_iter()
            .enumerate()
        {
            let (run, version) = (run.clone(), *version);
            if version == TLS13
                && tls13.is_some()
                && candidates.suites.iter().any(|(v, _)| *v == TLS12)
            {
                continue; // run together with TLS 1.2's first chain, below
            }
            if version == TLS12 && i == 0 {
                if let Some(t13) = tls13.clone() {
                    let task = tokio::spawn(async move { run.tls12_and_tls13(part, t13).await });
                    tasks.push((TLS12, TLS13, task));
                    continue;
                }
            }
            let reporter = first.take();
            let mut gate = (gated && reporter.is_none()).then(|| rx.clone());
            let task = tokio::spawn(async move {
                if let Some(rx) = gate.as_mut() {
                    let worth = rx.wait_for(Option::is_some).await.map(|v| *v == Some(true));
                    if matches!(worth, Ok(false)) {
                        return ((Vec::new(), ChainEnd::Exhausted), None);
                    }
                }
                (run.chain(version, part, reporter, None).await, None)
            });
            tasks.push((version, TLS13, task));
        }
    }
    let mut chains: BTreeMap<ProtocolVersion, Vec<(Vec<Step>, ChainEnd)>> = BTreeMap::new();
    for (version, second_version, task) in tasks {
        let (result, second) = task.await.unwrap_or_else(|e| {
            run.lock().anomalies.push(format!("a chain failed: {e}"));
            ((Vec::new(), ChainEnd::Broken), None)
        });
        chains.entry(version).or_default().push(result);
        if let Some(second) = second {
            chains.entry(second_version).or_default().push(second);
        }
    }

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
            match pair {
                Some((a, b)) => run.pick(*version, vec![b, a]).await.map(|p| p == a),
                None => {
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

    out.versions.sort_unstable();

    // Groups the chains did not reveal: TLS 1.3 asks with HelloRetryRequests; below it, ECDHE suites only.
    if let Some((version, suites)) = out.suites.iter().next_back().map(|(v, s)| (*v, s.clone())) {
        let (suites, groups): (Vec<CipherSuite>, Vec<NamedGroup>) = if version == TLS13 {
            (suites, candidates.groups.clone())
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
            run.groups_chain(version, suites, &groups).await;
        }
    }

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
    for (v, _) in out.versions.iter().filter(|(_, ok)| !ok) {
        out.suites.remove(v);
    }
    out
}

/// A server that imposes its order, enumerated in several partitions: merge the partitions' orders by offering
/// the head of each and taking the server's pick, one hello per suite placed.
async fn merge_server_order<O: Oracle>(
    run: &Run<O>,
    version: ProtocolVersion,
    results: &[(Vec<Step>, ChainEnd)],
) -> Vec<CipherSuite> {
    let mut lists: Vec<std::collections::VecDeque<CipherSuite>> = results
        .iter()
        .map(|(steps, _)| steps.iter().map(|s| s.picked).collect())
        .filter(|l: &std::collections::VecDeque<CipherSuite>| !l.is_empty())
        .collect();
    let mut out = Vec::new();
    while lists.len() > 1 {
        let heads: Vec<CipherSuite> = lists.iter().filter_map(|l| l.front().copied()).collect();
        let Some(top) = run.pick(version, heads).await else {
            break;
        };
        if let Some(l) = lists.iter_mut().find(|l| l.front() == Some(&top)) {
            l.pop_front();
        }
        out.push(top);
        lists.retain(|l| !l.is_empty());
    }
    // What is left (one list, or all of them if a hello failed) keeps its own order.
    out.extend(lists.into_iter().flatten());
    out
}

/// The version an answer settled on; the lowest code when it refused the version outright, the highest when it
/// says nothing about versions.
fn answer_version(a: &Option<Answer>) -> ProtocolVersion {
    match a {
        Some(Answer::Hello { version, .. }) => *version,
        Some(Answer::VersionRefused { .. }) => ProtocolVersion(0),
        _ => ProtocolVersion(u16::MAX),
    }
}

/// Resets and timeouts may pass; a protocol error will not.
fn retryable(e: &ScanError) -> bool {
    matches!(
        e.kind,
        crate::model::ErrorKind::Reset | crate::model::ErrorKind::Timeout
    )
}

/// A version's name in anomaly texts: `TLS1.2`, or `unknown`.
pub fn version_name(v: ProtocolVersion) -> &'static str {
    v.name().unwrap_or("unknown")
}

#[cfg(test)]
mod tests;
