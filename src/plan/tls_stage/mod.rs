//! The TLS stage of a scan: enumeration (or one quick handshake), the certificate, CredSSP and the client
//! replays, over connections that the negotiation stage proved reach TLS.

pub mod candidates;
mod handshakes;
mod quick;
mod replay;

use std::sync::Arc;

use crate::probe::Conn;

use self::candidates::{registry_candidates, strength, VERSIONS};
use self::handshakes::{modern_and_credssp, split_ready, CredsspSeen, ModernResult};
use super::tls_enum::{self, Enumeration};
use super::{Cutoff, PlanOptions};
use crate::model::{
    ErrorKind, Negotiated, ProtocolVersion, ScanError, ScanStage, ServerOrder, Status, Step,
    SuiteEntry, TargetReport, TlsObservations, TlsPath, TlsReport, VersionSupport, Via,
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
    let handshakes = modern_and_credssp(&oracle, modern, hybrid, name);
    let stage = async {
        if opts.quick {
            let (modern, credssp) = handshakes.await;
            (quick::quick(&oracle, modern).await, credssp)
        } else {
            full(&oracle, pool, handshakes, opts).await
        }
    };
    let ((tls, chain, versions), credssp) = match cutoff.within(stage).await {
        Ok(done) => done,
        Err(reason) => {
            cutoff.cut(report, ScanStage::Tls, reason);
            return TlsObservations::default();
        }
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
    let (client_answers, not_replayed) = match &opts.client_offers {
        Some(offers) => {
            opts.stages.starts(super::Stage::Clients);
            match cutoff
                .within(replay::replay(&oracle, offers, report, opts.max_conns))
                .await
            {
                Ok(answers) => answers,
                Err(reason) => {
                    // The clients that were not replayed are left out rather than guessed.
                    cutoff.cut(report, ScanStage::Clients, reason);
                    (Vec::new(), Vec::new())
                }
            }
        }
        None => (Vec::new(), Vec::new()),
    };
    TlsObservations {
        chain,
        versions,
        client_answers,
        not_replayed,
        credssp_server_time,
        // Filled in by the plan once every probe has ended.
        pressure: Default::default(),
    }
}

/// Enumerates everything, while the modern handshake (and CredSSP) run on their own connections; the
/// certificate comes from rustls, or else from a hello that showed it in the clear.
async fn full(
    oracle: &Arc<RawOracle>,
    pool: Vec<Conn>,
    handshakes: impl std::future::Future<Output = (ModernResult, Option<CredsspSeen>)>,
    opts: &PlanOptions,
) -> (Stage, Option<CredsspSeen>) {
    for s in pool {
        oracle.add_ready(s);
    }
    let candidates = registry_candidates(opts.enumeration.max_conns);
    let (e, (modern, credssp)): (Enumeration, _) = tokio::join!(
        tls_enum::enumerate(oracle.clone(), &candidates, &opts.enumeration),
        handshakes
    );
    (tls_report(oracle, e, modern), credssp)
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
