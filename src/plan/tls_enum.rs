//! TLS enumeration plan: which versions and cipher suites a server accepts, in its order, and its key-exchange
//! groups, in as few connections as the answers allow.
//!
//! Each version's candidate suites are split into partitions of at most 128; each partition runs an elimination
//! chain (offer all, note the pick, remove it, repeat until the server refuses) and the chains run in parallel
//! under a per-host connection limit. Offers list suites weakest first, so a server that imposes its own order
//! shows it by deviating from ours; when every pick followed our order, one hello with two suites swapped tells
//! client order from server order. The first hello of a version's chains doubles as its version test.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{watch, Semaphore};

use crate::model::ScanError;

/// One ClientHello to send: what the plan asks; the oracle builds the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// Wire versions offered. Without TLS 1.3 only the highest counts (legacy_version); with TLS 1.3 they all
    /// go in `supported_versions`.
    pub versions: Vec<u16>,
    pub suites: Vec<u16>,
    /// Named groups, in preference order.
    pub groups: Vec<u16>,
    /// TLS 1.3: send an X25519 key share (when x25519 is in `groups`); otherwise an empty one (HelloRetryRequest).
    pub x25519_share: bool,
    /// Append TLS_EMPTY_RENEGOTIATION_INFO_SCSV (some servers refuse a hello without it).
    pub renegotiation_scsv: bool,
}

impl Offer {
    pub fn max_version(&self) -> u16 {
        self.versions.iter().copied().max().unwrap_or(TLS12)
    }
}

/// The server's answer to one ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A ServerHello (or HelloRetryRequest) for something we offered.
    Hello {
        version: u16,
        suite: u16,
        /// The group from ServerKeyExchange (TLS <= 1.2) or key_share (TLS 1.3).
        group: Option<u16>,
        /// DH prime size from a DHE ServerKeyExchange.
        dh_bits: Option<u32>,
        /// Certificate chain, DER, when the server sent it in the clear (TLS <= 1.2).
        chain: Vec<Vec<u8>>,
    },
    /// An alert, or a close without a ServerHello: nothing offered is acceptable.
    Refused { detail: String },
    /// A protocol_version alert: the server does not speak the version offered at all.
    VersionRefused { detail: String },
    /// The server picked a version or suite that was not offered. Never believed.
    Violation { detail: String },
}

/// Sends one ClientHello over a fresh connection and reports what came back.
pub trait Oracle: Send + Sync + 'static {
    fn ask(&self, offer: Offer) -> impl Future<Output = Result<Answer, ScanError>> + Send;
}

/// Wire codes the plan needs.
pub mod codes {
    pub const SSL3: u16 = 0x0300;
    pub const TLS10: u16 = 0x0301;
    pub const TLS11: u16 = 0x0302;
    pub const TLS12: u16 = 0x0303;
    pub const TLS13: u16 = 0x0304;
    pub const X25519: u16 = 29;
}
use codes::*;

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
    pub suites: Vec<(u16, Vec<u16>)>,
    /// Groups to test, in the order to offer them.
    pub groups: Vec<u16>,
    /// Suites whose key exchange is ECDHE: below TLS 1.3, only these reveal a group.
    pub ecdhe: BTreeSet<u16>,
    /// Groups that only TLS 1.3 negotiates (the RFC 7919 ffdhe groups): not tested below it.
    pub tls13_only_groups: BTreeSet<u16>,
    /// Per version, the least number of chains, so that enough run in parallel to hide latency (default 1).
    pub min_partitions: BTreeMap<u16, usize>,
}

/// What the enumeration found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Enumeration {
    /// Versions tested and whether each is supported, ascending.
    pub versions: Vec<(u16, bool)>,
    /// Per supported version: suites accepted, in the server's order where it imposes one, else in pick order.
    pub suites: BTreeMap<u16, Vec<u16>>,
    /// Per version: `Some(true)` the server imposes its order, `Some(false)` it follows the client's, `None`
    /// unknown (fewer than two suites).
    pub server_order: BTreeMap<u16, Option<bool>>,
    pub groups: Vec<u16>,
    /// Smallest DH prime seen with a DHE suite.
    pub dh_bits: Option<u32>,
    /// The first certificate chain seen in the clear.
    pub chain: Vec<Vec<u8>>,
    /// The version and suite of the handshake that showed `chain`.
    pub chain_from: Option<(u16, u16)>,
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
    groups_offer: Vec<u16>,
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    groups: BTreeSet<u16>,
    dh_bits: Option<u32>,
    chain: Vec<Vec<u8>>,
    chain_from: Option<(u16, u16)>,
    first_error: Option<ScanError>,
    anomalies: Vec<String>,
    hellos: u64,
}

/// One step of a chain: what was offered and what was picked.
#[derive(Debug, Clone)]
struct Step {
    offered: Vec<u16>,
    picked: u16,
}

/// How a chain ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ChainEnd {
    /// The server refused the rest (or nothing was left).
    Exhausted,
    /// The server answered with a lower version: this version is not supported (if nothing was picked).
    Downgraded(u16),
    /// Retries ran out or the server misbehaved; the result is incomplete.
    Broken,
}

impl<O: Oracle> Run<O> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Groups to offer: the ones not seen yet first, so that a server that follows the client's group order
    /// shows a new group with each ECDHE pick.
    fn groups_for_offer(&self) -> Vec<u16> {
        let seen = self.lock();
        let (mut unseen, known): (Vec<u16>, Vec<u16>) = self
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
                            "the server chose group 0x{g:04x}, which was not offered"
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
        version: u16,
        partition: Vec<u16>,
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
                            "asked for {} and got {} with suite 0x{suite:04x}, which was not offered",
                            version_name(version),
                            version_name(v)
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
        part: Vec<u16>,
        tls13: Vec<u16>,
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
    async fn pick(&self, version: u16, suites: Vec<u16>) -> Option<u16> {
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
    async fn groups_chain(&self, version: u16, suites: Vec<u16>, groups: &[u16]) {
        loop {
            let left: Vec<u16> = {
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
                x25519_share: version == TLS13 && left.contains(&X25519),
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
fn partitions(suites: &[u16], max: usize, min: usize) -> Vec<Vec<u16>> {
    if suites.is_empty() {
        return Vec::new();
    }
    let count = suites
        .len()
        .div_ceil(max.max(1))
        .max(min.max(1))
        .min(suites.len());
    let size = suites.len().div_ceil(count);
    suites.chunks(size).map(<[u16]>::to_vec).collect()
}

/// True when every step picked the first offered suite that the server accepts at all: what a server that
/// follows the client's order does.
fn follows_client_order(steps: &[Step], accepted: &BTreeSet<u16>) -> bool {
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
    let tls13: Option<Vec<u16>> = candidates
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
    let mut chains: BTreeMap<u16, Vec<(Vec<Step>, ChainEnd)>> = BTreeMap::new();
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
        let picked: Vec<u16> = results
            .iter()
            .flat_map(|(s, _)| s.iter().map(|x| x.picked))
            .collect();
        out.versions.push((*version, !picked.is_empty()));
        if picked.is_empty() {
            continue;
        }
        let accepted: BTreeSet<u16> = picked.iter().copied().collect();
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
        let (suites, groups): (Vec<u16>, Vec<u16>) = if version == TLS13 {
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
    version: u16,
    results: &[(Vec<Step>, ChainEnd)],
) -> Vec<u16> {
    let mut lists: Vec<std::collections::VecDeque<u16>> = results
        .iter()
        .map(|(steps, _)| steps.iter().map(|s| s.picked).collect())
        .filter(|l: &std::collections::VecDeque<u16>| !l.is_empty())
        .collect();
    let mut out = Vec::new();
    while lists.len() > 1 {
        let heads: Vec<u16> = lists.iter().filter_map(|l| l.front().copied()).collect();
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

/// The version an answer settled on; 0 when it refused the version outright.
fn answer_version(a: &Option<Answer>) -> u16 {
    match a {
        Some(Answer::Hello { version, .. }) => *version,
        Some(Answer::VersionRefused { .. }) => 0,
        _ => u16::MAX,
    }
}

/// Resets and timeouts may pass; a protocol error will not.
fn retryable(e: &ScanError) -> bool {
    matches!(
        e.kind,
        crate::model::ErrorKind::Reset | crate::model::ErrorKind::Timeout
    )
}

pub fn version_name(v: u16) -> &'static str {
    crate::wire::tls::ProtocolVersion(v)
        .name()
        .unwrap_or("unknown")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A simulated TLS server: pure, deterministic, with the behaviours the plan must cope with.
    #[derive(Default)]
    struct Sim {
        /// Per version, the suites it accepts in its own preference order.
        suites: BTreeMap<u16, Vec<u16>>,
        server_order: bool,
        /// Groups it supports, in its preference order; it follows the client's group order.
        groups: Vec<u16>,
        /// Answers every hello with this suite, offered or not.
        rogue_suite: Option<u16>,
        /// Fails this many hellos with a reset before answering.
        flaky: AtomicU32,
        /// Answers a version it lacks with a protocol_version alert (else a plain refusal).
        version_alert: bool,
    }

    impl Oracle for Arc<Sim> {
        fn ask(&self, offer: Offer) -> impl Future<Output = Result<Answer, ScanError>> + Send {
            let answer = self.answer(&offer);
            async move { answer }
        }
    }

    impl Sim {
        fn answer(&self, offer: &Offer) -> Result<Answer, ScanError> {
            if self.flaky.load(Ordering::SeqCst) > 0 {
                self.flaky.fetch_sub(1, Ordering::SeqCst);
                return Err(ScanError::new(
                    crate::model::Step::Tls,
                    crate::model::ErrorKind::Reset,
                    "reset",
                ));
            }
            if let Some(s) = self.rogue_suite {
                return Ok(Answer::Hello {
                    version: offer.max_version(),
                    suite: s,
                    group: None,
                    dh_bits: None,
                    chain: vec![],
                });
            }
            // The highest version both support, not above the offer (TLS 1.3 only when asked for).
            let version = if offer.versions.contains(&TLS13) && self.suites.contains_key(&TLS13) {
                Some(TLS13)
            } else {
                let max = offer.max_version().min(TLS12);
                self.suites.keys().copied().filter(|v| *v <= max).max()
            };
            let Some(version) = version else {
                let detail = "protocol_version".to_string();
                return Ok(if self.version_alert {
                    Answer::VersionRefused { detail }
                } else {
                    Answer::Refused { detail }
                });
            };
            let ours = &self.suites[&version];
            let pick = if self.server_order {
                ours.iter().find(|s| offer.suites.contains(s)).copied()
            } else {
                offer.suites.iter().find(|s| ours.contains(s)).copied()
            };
            let group = offer
                .groups
                .iter()
                .find(|g| self.groups.contains(g))
                .copied();
            match (pick, group) {
                (Some(suite), Some(g)) => Ok(Answer::Hello {
                    version,
                    suite,
                    group: Some(g),
                    dh_bits: None,
                    chain: vec![],
                }),
                _ => Ok(Answer::Refused {
                    detail: "handshake_failure".into(),
                }),
            }
        }
    }

    fn candidates(n: u16) -> Candidates {
        Candidates {
            suites: vec![
                (TLS10, (1..=n).collect()),
                (TLS12, (1..=n).collect()),
                (TLS13, vec![0x1301, 0x1302, 0x1303]),
            ],
            groups: vec![29, 23, 24, 25, 30],
            ecdhe: (1..=n).collect(),
            tls13_only_groups: BTreeSet::new(),
            min_partitions: BTreeMap::new(),
        }
    }

    fn sim(server_order: bool) -> Sim {
        Sim {
            suites: BTreeMap::from([
                (TLS10, vec![40, 7, 3]),
                (TLS12, vec![200, 3, 150, 7, 40, 90]),
            ]),
            server_order,
            groups: vec![23, 29, 24],
            ..Sim::default()
        }
    }

    fn run(sim: Sim, cands: &Candidates, opts: EnumOptions) -> Enumeration {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(enumerate(Arc::new(sim), cands, &opts))
    }

    #[test]
    fn client_order_server_sets_are_exact_and_order_is_not_enforced() {
        let e = run(sim(false), &candidates(300), EnumOptions::default());
        assert_eq!(
            e.versions,
            vec![(TLS10, true), (TLS12, true), (TLS13, false)]
        );
        let set = |v: u16| e.suites[&v].iter().copied().collect::<BTreeSet<_>>();
        assert_eq!(set(TLS10), BTreeSet::from([3, 7, 40]));
        assert_eq!(set(TLS12), BTreeSet::from([3, 7, 40, 90, 150, 200]));
        assert_eq!(e.server_order[&TLS12], Some(false));
        assert_eq!(e.groups, vec![29, 23, 24]);
        assert!(e.anomalies.is_empty(), "{:?}", e.anomalies);
        // 9 picks, one refusal per partition (3 at TLS1.0, 3 at TLS1.2; TLS1.3's refusal came with TLS1.2's
        // first pick, in one hello offering both), one order test (at TLS1.2; TLS1.0's picks followed our order
        // too), and the group chain's closing refusal.
        assert_eq!(e.server_order[&TLS10], Some(false));
        assert_eq!(e.hellos, 9 + 6 + 1 + 1);
    }

    #[test]
    fn server_order_is_reported_across_partitions() {
        let e = run(sim(true), &candidates(300), EnumOptions::default());
        assert_eq!(e.server_order[&TLS12], Some(true));
        assert_eq!(e.suites[&TLS12], vec![200, 3, 150, 7, 40, 90]);
        assert_eq!(e.suites[&TLS10], vec![40, 7, 3]);
    }

    #[test]
    fn parallel_partitions_do_not_change_the_answer() {
        let opts = EnumOptions {
            max_conns: 3,
            ..EnumOptions::default()
        };
        let mut cands = candidates(300);
        cands.min_partitions.insert(TLS12, 6);
        let e = run(sim(true), &cands, opts);
        assert_eq!(e.suites[&TLS12], vec![200, 3, 150, 7, 40, 90]);
    }

    #[test]
    fn a_server_that_answers_a_lower_version_does_not_support_the_higher_one() {
        let s = Sim {
            suites: BTreeMap::from([(TLS10, vec![5, 6])]),
            groups: vec![29],
            ..Sim::default()
        };
        let e = run(s, &candidates(20), EnumOptions::default());
        assert_eq!(
            e.versions,
            vec![(TLS10, true), (TLS12, false), (TLS13, false)]
        );
        assert!(!e.suites.contains_key(&TLS12));
    }

    #[test]
    fn a_suite_that_was_not_offered_is_never_believed() {
        let s = Sim {
            rogue_suite: Some(0xBEEF),
            ..sim(false)
        };
        let e = run(s, &candidates(20), EnumOptions::default());
        assert!(e.suites.is_empty(), "{:?}", e.suites);
        assert!(
            e.anomalies.iter().any(|a| a.contains("not offered")),
            "{:?}",
            e.anomalies
        );
    }

    #[test]
    fn resets_are_retried_with_backoff() {
        let s = Sim {
            flaky: AtomicU32::new(2),
            ..sim(false)
        };
        let opts = EnumOptions {
            backoff: Duration::from_millis(1),
            max_conns: 1,
            ..EnumOptions::default()
        };
        let e = run(s, &candidates(300), opts);
        assert_eq!(e.suites[&TLS12].len(), 6);
        assert!(e.anomalies.is_empty());
    }

    #[test]
    fn a_version_refused_outright_costs_one_hello_not_one_per_partition() {
        let s = Sim {
            suites: BTreeMap::from([(TLS12, vec![5])]),
            groups: vec![29],
            version_alert: true,
            ..Sim::default()
        };
        let cands = Candidates {
            suites: vec![(TLS10, (1..=300).collect()), (TLS12, (1..=300).collect())],
            groups: vec![29],
            ecdhe: BTreeSet::new(),
            tls13_only_groups: BTreeSet::new(),
            min_partitions: BTreeMap::new(),
        };
        let e = run(s, &cands, EnumOptions::default());
        assert_eq!(e.versions, vec![(TLS10, false), (TLS12, true)]);
        // TLS1.0: one hello (the other two partitions are skipped); TLS1.2: one pick and three refusals.
        assert_eq!(e.hellos, 1 + 1 + 3);
    }

    #[test]
    fn a_tls13_server_answers_the_combined_hello_at_tls13_and_both_versions_stay_exact() {
        let mut s = sim(true);
        s.suites.insert(TLS13, vec![0x1302, 0x1301]);
        let e = run(s, &candidates(300), EnumOptions::default());
        assert_eq!(
            e.versions,
            vec![(TLS10, true), (TLS12, true), (TLS13, true)]
        );
        assert_eq!(e.suites[&TLS13], vec![0x1302, 0x1301]);
        assert_eq!(e.suites[&TLS12], vec![200, 3, 150, 7, 40, 90]);
        assert_eq!(e.server_order[&TLS13], Some(true));
    }

    #[test]
    fn partitions_respect_the_hello_limit() {
        let suites: Vec<u16> = (0..300).collect();
        let parts = partitions(&suites, 128, 1);
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| p.len() <= 128));
        let mut all = parts.concat();
        all.sort_unstable();
        assert_eq!(all, suites);
        assert_eq!(partitions(&suites[..5], 128, 8).len(), 5);
    }
}
