//! The TLS stage of a scan: enumeration (or one quick handshake), the certificate, CredSSP and the client
//! replays, over connections that the negotiation stage proved reach TLS.

pub mod candidates;
mod handshakes;
mod quick;
mod replay;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use crate::probe::Conn;

use self::candidates::{registry_candidates, strength, VERSIONS};
use self::handshakes::{
    modern_and_credssp, split_ready, CredsspSeen, HandshakeCosts, ModernResult,
};
use self::replay::Replayed;
use super::tls_enum::{self, Enumeration};
use super::{Cutoff, PlanOptions};
use crate::model::{
    ErrorKind, Negotiated, ProtocolVersion, ScanError, ScanStage, ServerOrder, Sni, StageCost,
    Status, Step, SuiteEntry, TargetReport, TlsObservations, TlsPath, TlsReport, VersionSupport,
    Via,
};
use crate::probe::raw::RawOracle;
use crate::wire::x224::Protocols;

/// A connection the negotiation left waiting for a ClientHello, with the protocol it negotiated (`None`: direct
/// TLS, no X.224).
pub type Ready = (Option<Protocols>, Conn);

/// What the stage's TLS part yields: the report (or why there is none), the certificate chain, and the versions
/// the server accepts (empty when not enumerated).
type Stage = (
    Result<TlsReport, Failed>,
    Vec<Vec<u8>>,
    Vec<ProtocolVersion>,
);

/// Why the TLS stage has no result, with what it saw all the same (picks that were not offered, the rustls
/// error), when it saw something.
type Failed = (ScanError, Option<TlsReport>);

/// Runs the TLS stage: fills `report.tls` (or the TLS error) and `report.credssp`, and returns what the
/// analysis needs.
pub async fn run(
    oracle: Arc<RawOracle>,
    ready: Vec<Ready>,
    name: &str,
    opts: &PlanOptions,
    cutoff: &Cutoff,
    report: &mut TargetReport,
) -> TlsObservations {
    let (modern, hybrid, pool) = split_ready(ready);
    let pooled = pool.len() as u64;
    let handshakes = modern_and_credssp(&oracle, modern, hybrid, name);
    let started = Instant::now();
    let opened_before = oracle.ctx.connections();
    let stage = async {
        if opts.quick {
            let (modern, credssp, costs) = handshakes.await;
            (quick::quick(&oracle, modern).await, credssp, costs)
        } else {
            full(&oracle, pool, handshakes, opts).await
        }
    };
    let ((tls, chain, versions), credssp, costs) = match cutoff.within(stage).await {
        Ok(done) => done,
        Err(reason) => {
            cutoff.cut(report, ScanStage::Tls, reason);
            return TlsObservations::default();
        }
    };
    let stages = report.stats.stages.get_or_insert_with(Default::default);
    stages.modern_handshake = costs.modern;
    stages.credssp = costs.credssp;
    // Everything the stage opened that the handshakes did not is the enumeration's (quick mode's raw hellos
    // included); the negotiation's pooled connections went to it first.
    let opened = oracle.ctx.connections() - opened_before;
    let hellos = match &tls {
        Ok(t) => t.hellos,
        Err((_, partial)) => partial.as_ref().map_or(0, |t| t.hellos),
    };
    stages.early_hellos = oracle.early_hellos();
    stages.tls_enumeration = StageCost {
        connections: opened.saturating_sub(costs.modern.connections + costs.credssp.connections),
        reused: pooled.min(hellos),
        elapsed_ms: elapsed_ms(started),
    };
    let (credssp, credssp_server_time) = match credssp {
        Some((report, time)) => (Some(report), time),
        None => (None, None),
    };
    report.credssp = credssp;
    match tls {
        Ok(tls) => report.tls = Some(tls),
        Err((e, partial)) => {
            report.status = Status::Error;
            report.error = Some(e);
            report.tls = partial;
        }
    }
    let replayed = match &opts.client_offers {
        Some(offers) => {
            opts.stages.starts(super::Stage::Clients);
            let started = Instant::now();
            let opened_before = oracle.ctx.connections();
            let replay = replay::replay(
                &oracle,
                offers,
                report,
                &chain,
                opts.max_conns,
                &opts.derive_clients,
            );
            match cutoff.within(replay).await {
                Ok(replayed) => {
                    let stages = report.stats.stages.get_or_insert_with(Default::default);
                    stages.replays = StageCost {
                        connections: oracle.ctx.connections() - opened_before,
                        reused: 0,
                        elapsed_ms: elapsed_ms(started),
                    };
                    stages.hellos_derived = replayed.derived_hellos;
                    stages.hellos_replayed = replayed.sent;
                    replayed
                }
                Err(reason) => {
                    // The clients that were not replayed are left out rather than guessed.
                    cutoff.cut(report, ScanStage::Clients, reason);
                    Replayed::default()
                }
            }
        }
        None => Replayed::default(),
    };
    TlsObservations {
        chain,
        versions,
        client_answers: replayed.answers,
        not_replayed: replayed.not_replayed,
        client_derived: replayed.derived,
        credssp_server_time,
        // Filled in by the plan once every probe has ended.
        pressure: Default::default(),
    }
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Enumerates everything, while the modern handshake (and CredSSP) run on their own connections; the
/// certificate comes from rustls, or else from a hello that showed it in the clear.
async fn full(
    oracle: &Arc<RawOracle>,
    pool: Vec<Conn>,
    handshakes: impl std::future::Future<Output = (ModernResult, Option<CredsspSeen>, HandshakeCosts)>,
    opts: &PlanOptions,
) -> (Stage, Option<CredsspSeen>, HandshakeCosts) {
    for s in pool {
        oracle.add_ready(s);
    }
    // The negotiation's answers show whether the server, not the network, sets the pace.
    let server_bound = oracle.ctx.pacing.server_bound();
    let candidates = registry_candidates(opts.enumeration.max_conns, server_bound);
    let mut enumeration = opts.enumeration.clone();
    enumeration.order_test_sni = order_test_sni(oracle, opts);
    let (e, (modern, credssp, costs)): (Enumeration, _) = tokio::join!(
        tls_enum::enumerate(oracle.clone(), &candidates, &enumeration),
        handshakes
    );
    (tls_report(oracle, e, modern), credssp, costs)
}

/// The SNI form most of the clients to replay send where it differs from the enumeration's (mstsc's IP literal,
/// rdesktop's none): the order test carries it, so that their answers can be derived.
fn order_test_sni(oracle: &RawOracle, opts: &PlanOptions) -> Sni {
    let own = oracle.default_sni();
    let mut forms: BTreeMap<Sni, usize> = BTreeMap::new();
    for o in opts.client_offers.iter().flat_map(|o| o.iter()) {
        if let Some(shape) = &o.shape {
            if oracle.sent_sni(o) != own {
                *forms.entry(shape.sni).or_default() += 1;
            }
        }
    }
    forms
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map_or(Sni::Name, |(sni, _)| sni)
}

/// The TLS report from the enumeration and the modern handshake.
fn tls_report(oracle: &RawOracle, e: Enumeration, modern: ModernResult) -> Stage {
    let supported: Vec<ProtocolVersion> = e
        .versions
        .iter()
        .filter(|(_, ok)| *ok)
        .map(|(v, _)| *v)
        .collect();
    if supported.is_empty() {
        if let Ok((n, chain, after)) = modern {
            // rustls got through where every hand-built hello failed: report what it saw, and say the
            // enumeration is incomplete rather than claim no TLS.
            let version = vec![n.version];
            let mut tls = one_handshake(n);
            after.apply(&mut tls);
            tls.anomalies = e.anomalies.clone();
            tls.anomalies.push(
                "every hand-built ClientHello was refused while a rustls handshake succeeded: versions and \
suites are incomplete"
                    .into(),
            );
            tls.hellos = e.hellos;
            return (Ok(tls), chain, version);
        }
        // What a failed rustls handshake saw is still the server's certificate.
        let failure = modern.err();
        let rustls_error = failure.as_ref().map(|f| f.error.to_string());
        let chain = failure.map(|f| f.chain).unwrap_or_default();
        if !e.violations.is_empty() {
            // Every answer picked something that was not offered: say so, and keep the evidence.
            let err = ScanError::new(
                Step::Tls,
                ErrorKind::Protocol,
                format!(
                    "the server answered {} ClientHello(s) with picks that were not offered (tls.violations \
has them): no TLS version and cipher suite it picks can be believed",
                    e.violations.len()
                ),
            );
            let partial = TlsReport {
                anomalies: e.anomalies.clone(),
                violations: e.violations.clone(),
                hellos: e.hellos,
                modern_handshake_error: rustls_error,
                certificate_list_empty: e.certificate_empty,
                ..TlsReport::default()
            };
            return (Err((err, Some(partial))), chain, supported);
        }
        let err = e.first_error.clone().unwrap_or_else(|| {
            ScanError::new(
                Step::Tls,
                ErrorKind::Protocol,
                "the server refused every ClientHello: no TLS version and cipher suite in common with any \
offer (SSL 3.0 to TLS 1.3, every registered suite)",
            )
        });
        return (Err((err, None)), chain, supported);
    }
    let mut tls = TlsReport {
        versions: VERSIONS
            .iter()
            .map(|v| VersionSupport {
                version: *v,
                supported: supported.contains(v),
            })
            .collect(),
        ..TlsReport::default()
    };
    for (v, suites) in e.suites.iter().rev() {
        let enforced = e.server_order.get(v).copied().flatten();
        let mut listed = suites.clone();
        if enforced != Some(true) {
            // No server order to show: strongest first, as a reader expects.
            listed.sort_by_key(|s| std::cmp::Reverse(s.info().map(strength)));
        }
        tls.cipher_suites
            .extend(listed.iter().map(|s| SuiteEntry::new(*v, *s)));
        tls.server_order.push(ServerOrder {
            version: *v,
            enforced,
            order: if enforced == Some(true) {
                suites.clone()
            } else {
                Vec::new()
            },
        });
    }
    tls.groups = e.groups.clone();
    tls.dh_bits = e.dh_bits;
    tls.anomalies = e.anomalies.clone();
    tls.hellos = e.hellos;
    tls.client_certificate_requested = e.cert_request;
    tls.certificate_list_empty = e.certificate_empty;
    tls.violations = e.violations.clone();
    // The certificate: from the rustls handshake, else from a hello that showed it in the clear (TLS 1.2 and
    // older), else from the failed rustls handshake, which records it before checking the server's signature
    // (TLS 1.3: `negotiated` stays null, no handshake completed).
    let chain = match (modern, e.chain_from) {
        (Ok((n, chain, after)), _) => {
            tls.negotiated = Some(n);
            after.apply(&mut tls);
            chain
        }
        (Err(failed), from) => {
            tls.modern_handshake_error = Some(failed.error.to_string());
            if let Some((v, s)) = from {
                tls.negotiated = Some(Negotiated {
                    version: v,
                    suite: SuiteEntry::new(v, s),
                    via: Via::Raw,
                    path: path_of(oracle),
                });
            }
            if e.chain.is_empty() {
                failed.chain
            } else {
                e.chain.clone()
            }
        }
    };
    (Ok(tls), chain, supported)
}

/// How the oracle reaches TLS.
fn path_of(oracle: &RawOracle) -> TlsPath {
    oracle.path.map_or(TlsPath::Direct, TlsPath::Negotiated)
}

/// What one handshake shows: its version is supported, its suite accepted (quick mode knows no more).
fn one_handshake(n: Negotiated) -> TlsReport {
    TlsReport {
        versions: vec![VersionSupport {
            version: n.version,
            supported: true,
        }],
        cipher_suites: vec![n.suite],
        negotiated: Some(n),
        ..TlsReport::default()
    }
}
