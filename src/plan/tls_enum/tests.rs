//! The enumeration plan against a simulated server: exact sets, orders, downgrades, rogue picks, retries.

use super::*;
use crate::model::{Answer, Offer};
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

const TLS10: ProtocolVersion = ProtocolVersion::TLS1_0;

/// Suites by code.
fn cs(ids: &[u16]) -> Vec<CipherSuite> {
    ids.iter().copied().map(CipherSuite).collect()
}

/// Suites from `from` to `to`, by code.
fn cs_range(from: u16, to: u16) -> Vec<CipherSuite> {
    (from..=to).map(CipherSuite).collect()
}

/// Groups by code.
fn gs(ids: &[u16]) -> Vec<NamedGroup> {
    ids.iter().copied().map(NamedGroup).collect()
}

/// The codes of suites.
fn codes(suites: &[CipherSuite]) -> Vec<u16> {
    suites.iter().map(|s| s.0).collect()
}

/// A simulated TLS server: pure, deterministic, with the behaviours the plan must cope with.
#[derive(Default)]
struct Sim {
    /// Per version, the suites it accepts in its own preference order.
    suites: BTreeMap<ProtocolVersion, Vec<CipherSuite>>,
    server_order: bool,
    /// Groups it supports, in its preference order; it follows the client's group order.
    groups: Vec<NamedGroup>,
    /// Answers every hello with this suite, offered or not.
    rogue_suite: Option<CipherSuite>,
    /// Fails this many hellos with a reset before answering.
    flaky: AtomicU32,
    /// Answers every hello with a protocol error (a reply no retry cures).
    broken: bool,
    /// Answers a version it lacks with a protocol_version alert (else a plain refusal).
    version_alert: bool,
    /// Chooses the highest version at which it has one of the offered suites, rather than its highest version.
    version_by_suite: bool,
}

impl Oracle for Arc<Sim> {
    fn ask(&self, offer: Offer) -> impl Future<Output = Result<Answer, ScanError>> + Send {
        let answer = self.answer(&offer);
        async move { answer }
    }
}

impl Sim {
    fn answer(&self, offer: &Offer) -> Result<Answer, ScanError> {
        if self.broken {
            return Err(ScanError::new(
                crate::model::Step::Tls,
                crate::model::ErrorKind::Protocol,
                "not TLS",
            ));
        }
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
                cert_request: false,
                certificate_empty: false,
            });
        }
        // The highest version both support, not above the offer (TLS 1.3 only when asked for).
        let version = if offer.versions.contains(&TLS13) && self.suites.contains_key(&TLS13) {
            Some(TLS13)
        } else {
            let max = offer.max_version().min(TLS12);
            let has = |v: &ProtocolVersion| {
                !self.version_by_suite || self.suites[v].iter().any(|s| offer.suites.contains(s))
            };
            self.suites
                .keys()
                .copied()
                .filter(|v| *v <= max && has(v))
                .max()
        };
        let Some(version) = version else {
            let detail = "protocol_version".to_string();
            return Ok(if self.version_alert {
                Answer::VersionRefused { detail }
            } else {
                Answer::Refused {
                    alert: None,
                    detail,
                }
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
                cert_request: false,
                certificate_empty: false,
            }),
            _ => Ok(Answer::Refused {
                alert: None,
                detail: "handshake_failure".into(),
            }),
        }
    }
}

fn candidates(n: u16) -> Candidates {
    Candidates {
        suites: vec![
            (TLS10, cs_range(1, n)),
            (TLS12, cs_range(1, n)),
            (TLS13, cs(&[0x1301, 0x1302, 0x1303])),
        ],
        groups: gs(&[29, 23, 24, 25, 30]),
        ecdhe: cs_range(1, n).into_iter().collect(),
        tls13_only_groups: BTreeSet::new(),
        min_partitions: BTreeMap::new(),
    }
}

fn sim(server_order: bool) -> Sim {
    Sim {
        suites: BTreeMap::from([
            (TLS10, cs(&[40, 7, 3])),
            (TLS12, cs(&[200, 3, 150, 7, 40, 90])),
        ]),
        server_order,
        groups: gs(&[23, 29, 24]),
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
    let set = |v: ProtocolVersion| e.suites[&v].iter().map(|s| s.0).collect::<BTreeSet<_>>();
    assert_eq!(set(TLS10), BTreeSet::from([3, 7, 40]));
    assert_eq!(set(TLS12), BTreeSet::from([3, 7, 40, 90, 150, 200]));
    assert_eq!(e.server_order[&TLS12], Some(false));
    assert_eq!(e.groups, gs(&[29, 23, 24]));
    assert!(e.anomalies.is_empty(), "{:?}", e.anomalies);
    // 9 picks, one refusal per partition (3 at TLS1.0, 3 at TLS1.2; TLS1.3's refusal came with TLS1.2's
    // first pick, in one hello offering both), one order test (at TLS1.2; TLS1.0's picks followed our order
    // too), and the groups hello that shows the picks left nothing out (refused).
    assert_eq!(e.server_order[&TLS10], Some(false));
    assert_eq!(e.hellos, 9 + 6 + 1 + 1);
}

#[test]
fn server_order_is_reported_across_partitions() {
    let e = run(sim(true), &candidates(300), EnumOptions::default());
    assert_eq!(e.server_order[&TLS12], Some(true));
    assert_eq!(codes(&e.suites[&TLS12]), vec![200, 3, 150, 7, 40, 90]);
    assert_eq!(codes(&e.suites[&TLS10]), vec![40, 7, 3]);
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
    assert_eq!(codes(&e.suites[&TLS12]), vec![200, 3, 150, 7, 40, 90]);
}

#[test]
fn a_server_that_answers_a_lower_version_does_not_support_the_higher_one() {
    let s = Sim {
        suites: BTreeMap::from([(TLS10, cs(&[5, 6]))]),
        groups: gs(&[29]),
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
        rogue_suite: Some(CipherSuite(0xBEEF)),
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
fn protocol_errors_are_not_retried() {
    let s = Sim {
        broken: true,
        ..sim(false)
    };
    let opts = EnumOptions {
        backoff: Duration::from_millis(1),
        ..EnumOptions::default()
    };
    let e = run(s, &candidates(20), opts);
    assert!(e.first_error.is_some());
    // One hello per chain and no retry: each anomaly says so once.
    assert_eq!(e.hellos as usize, e.anomalies.len(), "{:?}", e.anomalies);
    assert!(
        e.anomalies.iter().all(|a| a.contains("after 1 tries")),
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
        suites: BTreeMap::from([(TLS12, cs(&[5]))]),
        groups: gs(&[29]),
        version_alert: true,
        ..Sim::default()
    };
    let cands = Candidates {
        suites: vec![(TLS10, cs_range(1, 300)), (TLS12, cs_range(1, 300))],
        groups: gs(&[29]),
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
    s.suites.insert(TLS13, cs(&[0x1302, 0x1301]));
    let e = run(s, &candidates(300), EnumOptions::default());
    assert_eq!(
        e.versions,
        vec![(TLS10, true), (TLS12, true), (TLS13, true)]
    );
    assert_eq!(codes(&e.suites[&TLS13]), vec![0x1302, 0x1301]);
    assert_eq!(codes(&e.suites[&TLS12]), vec![200, 3, 150, 7, 40, 90]);
    assert_eq!(e.server_order[&TLS13], Some(true));
}

/// A simulated server that remembers the longest suite list it was offered.
struct Longest(Sim, std::sync::atomic::AtomicUsize);

impl Oracle for Arc<Longest> {
    fn ask(&self, offer: Offer) -> impl Future<Output = Result<Answer, ScanError>> + Send {
        self.1.fetch_max(offer.suites.len(), Ordering::SeqCst);
        let answer = self.0.answer(&offer);
        async move { answer }
    }
}

#[test]
fn no_hello_carries_more_suites_than_the_limit_even_with_one_connection() {
    // 256 TLS 1.2 suites in two partitions of 128: the first shares its hello with the TLS 1.3 suites.
    let mut cands = candidates(256);
    cands.suites.retain(|(v, _)| *v != TLS10);
    let opts = EnumOptions {
        max_conns: 1,
        ..EnumOptions::default()
    };
    let oracle = Arc::new(Longest(sim(false), std::sync::atomic::AtomicUsize::new(0)));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(enumerate(oracle.clone(), &cands, &opts));
    let longest = oracle.1.load(Ordering::SeqCst);
    assert!(
        longest <= opts.max_suites_per_hello,
        "{longest} suites in one hello"
    );
}

#[test]
fn partitions_respect_the_hello_limit() {
    let suites: Vec<CipherSuite> = cs_range(0, 299);
    let parts = partitions(&suites, 128, 1, 0);
    assert_eq!(parts.len(), 3);
    assert!(parts.iter().all(|p| p.len() <= 128));
    let mut all = parts.concat();
    all.sort_unstable();
    assert_eq!(all, suites);
    assert_eq!(partitions(&suites[..5], 128, 8, 0).len(), 5);
}

const SSL3: ProtocolVersion = ProtocolVersion::SSL3_0;
const TLS11: ProtocolVersion = ProtocolVersion::TLS1_1;

/// A simulated server that keeps every offer it was asked.
struct Recorder(Sim, Mutex<Vec<Offer>>);

impl Oracle for Arc<Recorder> {
    fn ask(&self, offer: Offer) -> impl Future<Output = Result<Answer, ScanError>> + Send {
        let answer = self.0.answer(&offer);
        if let Ok(mut offers) = self.1.lock() {
            offers.push(offer);
        }
        async move { answer }
    }
}

/// Enumerates `sim` and returns what it found with every offer it was asked.
fn recorded(sim: Sim, cands: &Candidates) -> (Enumeration, Vec<Offer>) {
    let oracle = Arc::new(Recorder(sim, Mutex::new(Vec::new())));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let e = rt.block_on(enumerate(oracle.clone(), cands, &EnumOptions::default()));
    let offers = std::mem::take(&mut *oracle.1.lock().unwrap());
    (e, offers)
}

/// SSL 3.0 to TLS 1.1 share one list of 200 suites (two hellos' worth), as the registry's do; TLS 1.2 has it too.
fn old_candidates() -> Candidates {
    let old = cs_range(1, 200);
    Candidates {
        suites: vec![
            (SSL3, old.clone()),
            (TLS10, old.clone()),
            (TLS11, old.clone()),
            (TLS12, old),
        ],
        groups: gs(&[29]),
        ecdhe: BTreeSet::new(),
        tls13_only_groups: BTreeSet::new(),
        min_partitions: BTreeMap::new(),
    }
}

fn old_offers(offers: &[Offer]) -> usize {
    offers.iter().filter(|o| o.max_version() < TLS12).count()
}

#[test]
fn versions_below_tls12_that_a_server_lacks_cost_one_hello_per_partition_together() {
    let s = Sim {
        suites: BTreeMap::from([(TLS12, cs(&[5, 150]))]),
        groups: gs(&[29]),
        ..Sim::default()
    };
    let (e, offers) = recorded(s, &old_candidates());
    assert_eq!(
        e.versions,
        vec![(SSL3, false), (TLS10, false), (TLS11, false), (TLS12, true)]
    );
    // Two partitions of 100, each offering up to TLS 1.1: not two per version.
    assert_eq!(old_offers(&offers), 2, "{offers:?}");
    assert!(offers
        .iter()
        .filter(|o| o.max_version() < TLS12)
        .all(|o| o.versions == vec![TLS11, TLS10, SSL3]));
}

#[test]
fn an_answer_at_tls10_is_its_chains_first_step_and_tls11_is_not_supported() {
    let s = Sim {
        suites: BTreeMap::from([(TLS10, cs(&[40, 7, 3, 151])), (TLS12, cs(&[5]))]),
        groups: gs(&[29]),
        ..Sim::default()
    };
    let (e, offers) = recorded(s, &old_candidates());
    assert_eq!(
        e.versions,
        vec![(SSL3, false), (TLS10, true), (TLS11, false), (TLS12, true)]
    );
    let set: BTreeSet<u16> = e.suites[&TLS10].iter().map(|s| s.0).collect();
    assert_eq!(set, BTreeSet::from([3, 7, 40, 151]));
    // No hello asks for TLS 1.1 alone; TLS 1.0: 4 picks (two of them the shared hellos') and a refusal per
    // partition; SSL 3.0 below it: a refusal per partition (the Sim refuses with handshake_failure, which does
    // not gate); TLS 1.0's order test (TLS 1.2 has one suite, so no test there to share).
    assert!(!offers.iter().any(|o| o.versions == vec![TLS11]));
    assert_eq!(old_offers(&offers), 4 + 2 + 2 + 1);
    assert!(e.anomalies.is_empty(), "{:?}", e.anomalies);
}

#[test]
fn every_version_below_tls12_stays_exact_when_all_are_supported() {
    let s = Sim {
        suites: BTreeMap::from([
            (SSL3, cs(&[4, 10])),
            (TLS10, cs(&[4, 10, 47, 180])),
            (TLS11, cs(&[4, 10, 47, 180])),
        ]),
        groups: gs(&[29]),
        ..Sim::default()
    };
    let (e, _) = recorded(s, &old_candidates());
    let set = |v: ProtocolVersion| e.suites[&v].iter().map(|s| s.0).collect::<BTreeSet<_>>();
    assert_eq!(set(SSL3), BTreeSet::from([4, 10]));
    assert_eq!(set(TLS10), BTreeSet::from([4, 10, 47, 180]));
    assert_eq!(set(TLS11), BTreeSet::from([4, 10, 47, 180]));
    assert_eq!(
        e.versions,
        vec![(SSL3, true), (TLS10, true), (TLS11, true), (TLS12, false)]
    );
}

#[test]
fn a_server_that_picks_its_version_by_the_suites_is_asked_one_version_at_a_time() {
    // Suite 5 (first partition) only at TLS 1.1, 150 (second) only at TLS 1.0: the two answers name two
    // versions, and neither answer alone would have shown the other version's suite.
    let s = Sim {
        suites: BTreeMap::from([(TLS10, cs(&[150])), (TLS11, cs(&[5]))]),
        groups: gs(&[29]),
        version_by_suite: true,
        ..Sim::default()
    };
    let (e, _) = recorded(s, &old_candidates());
    assert_eq!(codes(&e.suites[&TLS11]), vec![5]);
    assert_eq!(codes(&e.suites[&TLS10]), vec![150]);
    assert_eq!(
        e.versions,
        vec![(SSL3, false), (TLS10, true), (TLS11, true), (TLS12, false)]
    );
}

#[test]
fn tls13_only_groups_are_asked_all_then_each_alone() {
    let mut s = sim(false);
    s.suites.insert(TLS13, cs(&[0x1301]));
    s.groups = gs(&[29, 256, 258, 260]);
    let mut cands = candidates(20);
    cands.groups = gs(&[29, 256, 257, 258, 259, 260]);
    cands.tls13_only_groups = gs(&[256, 257, 258, 259, 260]).into_iter().collect();
    let (e, offers) = recorded(s, &cands);
    assert_eq!(e.groups, gs(&[29, 256, 258, 260]));
    // One hello with every one the suite chains did not show (this server follows the client's group order, so
    // they show some), then each of the others alone, all with the suite TLS 1.3 picked.
    let ffdhe: Vec<&Offer> = offers
        .iter()
        .filter(|o| o.groups.iter().all(|g| g.0 >= 256))
        .collect();
    let first = ffdhe[0].groups.len();
    assert!(first >= 2, "{ffdhe:?}");
    assert_eq!(ffdhe.len(), first, "{ffdhe:?}");
    assert!(ffdhe[1..].iter().all(|o| o.groups.len() == 1));
    assert!(ffdhe.iter().all(|o| o.suites == cs(&[0x1301])));
}

#[test]
fn partitions_are_dealt_in_turn_and_the_first_leaves_room_for_what_it_shares() {
    let parts = partitions(&cs_range(1, 12), 128, 3, 0);
    assert_eq!(
        parts.iter().map(|p| codes(p)).collect::<Vec<_>>(),
        vec![vec![1, 4, 7, 10], vec![2, 5, 8, 11], vec![3, 6, 9, 12]]
    );
    // 342 TLS 1.2 suites beside 16 of TLS 1.3: three hellos hold them (112 + 128 + 128), not four.
    let parts = partitions(&cs_range(1, 342), 128, 3, 16);
    assert_eq!(parts.len(), 3);
    assert!(parts[0].len() <= 112 && parts[1..].iter().all(|p| p.len() <= 128));
    let mut all = parts.concat();
    all.sort_unstable();
    assert_eq!(all, cs_range(1, 342));
}
