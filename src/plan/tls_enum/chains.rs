//! The elimination chains of the enumeration: one hello after another over a partition of the candidate suites,
//! each pick removed from the next offer, with retries and back-off, and what every answer teaches besides the pick.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use tokio::sync::{watch, Semaphore};

use super::{EnumOptions, TLS12, TLS13};
use crate::model::{Answer, CipherSuite, NamedGroup, Offer, ProtocolVersion, ScanError, Sni};
use crate::plan::Scoped;
use crate::probe::Oracle;

/// Shared state of the running chains.
pub(super) struct Run<O> {
    pub(super) oracle: O,
    pub(super) opts: EnumOptions,
    pub(super) slots: Semaphore,
    pub(super) groups_offer: Vec<NamedGroup>,
    /// Groups only TLS 1.3 negotiates (ffdhe), which only hellos of their own show: offered after the others.
    pub(super) tls13_only: BTreeSet<NamedGroup>,
    pub(super) seen: Mutex<Seen>,
    /// The first TLS 1.3 suite a ServerHello picked: the groups of TLS 1.3 that no pick shows are asked on it at once, beside
    /// the suite chains, instead of after them.
    pub(super) tls13_pick: watch::Sender<Option<CipherSuite>>,
}

#[derive(Default)]
pub(super) struct Seen {
    pub(super) groups: BTreeSet<NamedGroup>,
    pub(super) dh_bits: Option<u32>,
    pub(super) chain: Vec<Vec<u8>>,
    pub(super) chain_from: Option<(ProtocolVersion, CipherSuite)>,
    pub(super) first_error: Option<ScanError>,
    pub(super) anomalies: Vec<String>,
    pub(super) hellos: u64,
    /// Some answer carried a CertificateRequest.
    pub(super) cert_request: bool,
    /// Some answer carried an empty certificate list.
    pub(super) certificate_empty: bool,
    /// Picks of what was not offered (also in `anomalies`).
    pub(super) violations: Vec<String>,
    /// Hellos that asked for groups so far: where the next one starts among the unseen.
    pub(super) group_turn: usize,
    /// Order tests a chain ran beside its third hello (see [`Run::speculates`]): per version, the pair of picks
    /// swapped and whether the server kept its own choice (`None`: no answer).
    pub(super) order_tests: std::collections::BTreeMap<ProtocolVersion, OrderTest>,
    /// The combined TLS 1.3 and 1.2 hello was answered at TLS 1.2: TLS 1.2 is the highest version.
    pub(super) tls13_refused: bool,
}

/// (the first two picks of a chain, whether the server imposes its order when they are offered swapped).
pub(super) type OrderTest = ((CipherSuite, CipherSuite), Option<bool>);

/// One step of a chain: what was offered and what was picked.
#[derive(Debug, Clone)]
pub(super) struct Step {
    pub(super) offered: Vec<CipherSuite>,
    pub(super) picked: CipherSuite,
}

/// How a chain ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ChainEnd {
    /// The server refused the rest (or nothing was left).
    Exhausted,
    /// The server answered with a lower version: this version is not supported (if nothing was picked).
    Downgraded(ProtocolVersion),
    /// Retries ran out or the server misbehaved; the result is incomplete.
    Broken,
}

impl<O: Oracle> Run<O> {
    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Groups to offer: the ones not seen yet first, so that a server that follows the client's group order
    /// shows a new group with each ECDHE pick; each hello starts at another unseen group, so that hellos in
    /// flight at once do not all ask about the same one. The turn goes round the groups a pick can show: one
    /// that started at an ffdhe group would show the curve after it, as the next turn does (with five ffdhe
    /// groups among nine unseen, most turns asked about one curve, and the curves left cost hellos of their own).
    pub(super) fn groups_for_offer(&self) -> Vec<NamedGroup> {
        let mut seen = self.lock();
        let (unseen, known): (Vec<NamedGroup>, Vec<NamedGroup>) = self
            .groups_offer
            .iter()
            .partition(|g| !seen.groups.contains(g));
        let (mut turning, last): (Vec<NamedGroup>, Vec<NamedGroup>) = unseen
            .into_iter()
            .partition(|g| !self.tls13_only.contains(g));
        if !turning.is_empty() {
            let turn = seen.group_turn % turning.len();
            turning.rotate_left(turn);
            seen.group_turn += 1;
        }
        turning.extend(last);
        turning.extend(known);
        turning
    }

    /// Asks once, with retries and back-off on network errors.
    pub(super) async fn ask(&self, offer: Offer) -> Option<Answer> {
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
                    // Out of tries, or an error no retry cures (a protocol error): no more hellos.
                    return None;
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
    pub(super) fn note(&self, offer: &Offer, answer: &Answer) {
        let mut seen = self.lock();
        match answer {
            Answer::Hello {
                version,
                suite,
                group,
                dh_bits,
                chain,
                cert_request,
                certificate_empty,
            } => {
                if *version == TLS13 && offer.suites.contains(suite) {
                    self.tls13_pick.send_if_modified(|p| {
                        let first = p.is_none();
                        p.get_or_insert(*suite);
                        first
                    });
                }
                seen.cert_request |= *cert_request;
                seen.certificate_empty |= *certificate_empty;
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
            Answer::Violation { detail } => {
                seen.anomalies.push(detail.clone());
                seen.violations.push(detail.clone());
            }
            Answer::Refused { .. } | Answer::VersionRefused { .. } => {}
        }
    }

    /// One elimination chain over `partition` at `version`. After its first answer it tells `first` whether
    /// the version is worth the other partitions' hellos (`false`: the server refused the version itself).
    /// Dropping `first` unsent lets the others go ahead.
    pub(super) async fn chain(
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
                shape: None,
                sni: Sni::Name,
            };
            let answer = match self.speculates(version, &steps) {
                // The server-order test needs only these two picks: it goes beside this hello rather than after
                // every chain, which would put a round trip (and the server's work) on the scan's end.
                Some((a, b)) => {
                    let (answer, enforced) =
                        tokio::join!(self.ask(offer), self.order_test(version, a, b));
                    self.lock().order_tests.insert(version, ((a, b), enforced));
                    answer
                }
                None => self.ask(offer).await,
            };
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
                        let mut seen = self.lock();
                        seen.violations.push(format!(
                            "asked for {} and got {} with suite 0x{:04x}, which was not offered",
                            version_name(version),
                            version_name(v),
                            suite.0
                        ));
                        seen.anomalies.push(format!(
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
    pub(super) async fn tls12_and_tls13(
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
            shape: None,
            sni: Sni::Name,
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
        self.lock().tls13_refused = tls13_refused;
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

    /// The pair of picks to test the server's order with beside a chain's third hello, once per version: only
    /// for the highest version (TLS 1.3, or TLS 1.2 when the combined hello was answered at TLS 1.2), whose
    /// test the plan asks for whenever every pick followed the client's order, and only while the chain's picks
    /// do (a server that showed its own order needs no test).
    fn speculates(
        &self,
        version: ProtocolVersion,
        steps: &[Step],
    ) -> Option<(CipherSuite, CipherSuite)> {
        let [first, second] = steps else {
            return None;
        };
        let (a, b) = (first.picked, second.picked);
        let position = |s| first.offered.iter().position(|x| *x == s);
        let mut seen = self.lock();
        let highest = version == TLS13 || (version == TLS12 && seen.tls13_refused);
        let in_our_order = matches!((position(a), position(b)), (Some(i), Some(j)) if i < j);
        if !highest || !in_our_order || seen.order_tests.contains_key(&version) {
            return None;
        }
        // Claimed at once: a second chain of the same version does not test again.
        seen.order_tests.insert(version, ((a, b), None));
        Some((a, b))
    }

    /// Offers `b` before `a` (the server picked `a` first when offered in our order): `Some(true)` if it keeps
    /// `a`, its own order; with the order-test SNI, and the usual one if that was refused.
    pub(super) async fn order_test(
        &self,
        version: ProtocolVersion,
        a: CipherSuite,
        b: CipherSuite,
    ) -> Option<bool> {
        let sni = self.opts.order_test_sni;
        let mut pick = self.pick_with_sni(version, vec![b, a], sni).await;
        if pick.is_none() && sni != Sni::Name {
            pick = self.pick(version, vec![b, a]).await;
        }
        pick.map(|p| p == a)
    }

    /// Which of `suites` the server prefers, offering them in the given order. `None` if it answered otherwise.
    pub(super) async fn pick(
        &self,
        version: ProtocolVersion,
        suites: Vec<CipherSuite>,
    ) -> Option<CipherSuite> {
        self.pick_with_sni(version, suites, Sni::Name).await
    }

    /// [`Self::pick`] with the hello's `server_name` as `sni` says.
    pub(super) async fn pick_with_sni(
        &self,
        version: ProtocolVersion,
        suites: Vec<CipherSuite>,
        sni: Sni,
    ) -> Option<CipherSuite> {
        let offer = Offer {
            versions: vec![version],
            suites: suites.clone(),
            groups: self.groups_for_offer(),
            x25519_share: version == TLS13,
            renegotiation_scsv: true,
            shape: None,
            sni,
        };
        match self.ask(offer).await? {
            Answer::Hello {
                version: v, suite, ..
            } if v == version && suites.contains(&suite) => Some(suite),
            _ => None,
        }
    }

    /// Groups not seen yet: one hello offers them all, and when the server names one, every other is asked
    /// alone, at once. As many hellos as an elimination chain when the server has all of them, all but one, or
    /// none (TLS 1.3's ffdhe groups: OpenSSL and GnuTLS have all five, Schannel none; the curves the suite chains'
    /// picks did not show), but two hellos' time instead of one per group: a chain's hellos, one after another,
    /// ended some of the shadow server's scans (two HelloRetryRequests in a row, 0.3 s at 25 ms each way).
    pub(super) async fn groups_fan_out(
        run: &Arc<Self>,
        version: ProtocolVersion,
        suites: Vec<CipherSuite>,
        groups: &[NamedGroup],
    ) {
        let first = run.group_pick(version, &suites, run.unseen(groups)).await;
        if first.is_none() {
            return;
        }
        let singles: Vec<_> = run
            .unseen(groups)
            .into_iter()
            .map(|g| {
                let (run, suites) = (run.clone(), suites.clone());
                Scoped::spawn(async move { run.group_pick(version, &suites, vec![g]).await })
            })
            .collect();
        for single in singles {
            let _ = single.await;
        }
    }

    /// `groups` not seen yet.
    fn unseen(&self, groups: &[NamedGroup]) -> Vec<NamedGroup> {
        let seen = self.lock();
        groups
            .iter()
            .copied()
            .filter(|g| !seen.groups.contains(g))
            .collect()
    }

    /// One hello offering `left` (with the TLS 1.3 key share only for X25519): the group the server named, if it
    /// is one of them (noted as seen by [`Self::ask`]).
    async fn group_pick(
        &self,
        version: ProtocolVersion,
        suites: &[CipherSuite],
        left: Vec<NamedGroup>,
    ) -> Option<NamedGroup> {
        if left.is_empty() {
            return None;
        }
        let offer = Offer {
            versions: vec![version],
            suites: suites.to_vec(),
            x25519_share: version == TLS13 && left.contains(&NamedGroup::X25519),
            renegotiation_scsv: true,
            shape: None,
            sni: Sni::Name,
            groups: left.clone(),
        };
        match self.ask(offer).await {
            Some(Answer::Hello { group: Some(g), .. }) if left.contains(&g) => Some(g),
            _ => None,
        }
    }
}

/// Splits `suites` into at least `min` partitions of at most `max`, the first of at most `max - shared` (its
/// hello carries `shared` other suites: TLS 1.3's, beside TLS 1.2's first partition), keeping the order within
/// each. Dealt in turn, not cut in runs: the list goes weakest first, and a server's suites bunch at its strong
/// end (7 of the shadow server's 13 TLS 1.2 suites fell in the last of three runs, 2 in the first), so runs leave
/// one long chain, one hello after another, beside short ones; dealt, the picks spread over the chains.
pub(super) fn partitions(
    suites: &[CipherSuite],
    max: usize,
    min: usize,
    shared: usize,
) -> Vec<Vec<CipherSuite>> {
    if suites.is_empty() {
        return Vec::new();
    }
    let max = max.max(1);
    let first = max.saturating_sub(shared).max(1);
    let needed = 1 + suites.len().saturating_sub(first).div_ceil(max);
    let count = needed.max(min.max(1)).min(suites.len());
    let cap = |i: usize| if i == 0 { first } else { max };
    let mut parts: Vec<Vec<CipherSuite>> = vec![Vec::new(); count];
    let mut turn = 0;
    for s in suites {
        // Every partition full cannot happen: `count` holds them all.
        while parts[turn % count].len() >= cap(turn % count) {
            turn += 1;
        }
        parts[turn % count].push(*s);
        turn += 1;
    }
    parts
}

/// True when every step picked the first offered suite that the server accepts at all: what a server that
/// follows the client's order does.
pub(super) fn follows_client_order(steps: &[Step], accepted: &BTreeSet<CipherSuite>) -> bool {
    steps
        .iter()
        .all(|s| s.offered.iter().find(|x| accepted.contains(x)) == Some(&s.picked))
}

/// A server that imposes its order, enumerated in several partitions: merge the partitions' orders by offering
/// the head of each and taking the server's pick, one hello per suite placed.
pub(super) async fn merge_server_order<O: Oracle>(
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
pub(super) fn answer_version(a: &Option<Answer>) -> ProtocolVersion {
    match a {
        Some(Answer::Hello { version, .. }) => *version,
        Some(Answer::VersionRefused { .. }) => ProtocolVersion(0),
        _ => ProtocolVersion(u16::MAX),
    }
}

/// Resets, timeouts and our own shortages (no descriptor, no local port) may pass; a protocol error will not.
pub(super) fn retryable(e: &ScanError) -> bool {
    matches!(
        e.kind,
        crate::model::ErrorKind::Reset
            | crate::model::ErrorKind::Timeout
            | crate::model::ErrorKind::Local
    )
}

/// A version's name in anomaly texts: `TLS1.2`, or `unknown`.
pub fn version_name(v: ProtocolVersion) -> &'static str {
    v.name().unwrap_or("unknown")
}
