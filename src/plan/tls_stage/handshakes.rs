//! The full handshakes beside the enumeration: rustls (what a modern client negotiates, and the certificate)
//! and the CredSSP probe over a HYBRID connection.

use std::time::Instant;

use crate::probe::Conn;

use super::{path_of, Ready};
use crate::model::{
    CredsspReport, Negotiated, NtlmReport, Rejection, ScanError, StageCost, SuiteEntry, TlsReport,
    Via,
};
use crate::probe::raw::RawOracle;
use crate::probe::tls::{
    handshake, handshake_and_keep, HandshakeFailure, RustlsVersions, TlsSession,
};
use crate::probe::{credssp, ProbeContext};
use crate::wire::credssp::filetime_to_unix;
use crate::wire::x224::Protocols;

/// The modern (rustls) handshake: what it negotiated, the chain it saw, and what the server did about the
/// client; or why it failed, with the chain the server had shown before (empty when none).
pub type ModernResult = Result<(Negotiated, Vec<Vec<u8>>, AfterHandshake), HandshakeFailure>;

/// What the server did about the client beyond the cipher: asked for a certificate, rejected it afterwards.
#[derive(Debug, Clone, Default)]
pub struct AfterHandshake {
    pub cert_requested: bool,
    pub rejected: Option<Rejection>,
}

impl AfterHandshake {
    /// Records it in the TLS report.
    pub fn apply(self, tls: &mut TlsReport) {
        tls.client_certificate_requested |= self.cert_requested;
        tls.rejected_after_handshake = self.rejected;
    }
}

/// The CredSSP probe's report, and the server's clock from its NTLM CHALLENGE (Unix seconds), which the
/// analysis compares with its own.
pub type CredsspSeen = (CredsspReport, Option<i64>);

fn is_credssp(p: Option<Protocols>) -> bool {
    matches!(p, Some(Protocols::HYBRID | Protocols::HYBRID_EX))
}

/// Splits the ready connections: the first carries the modern handshake; a CredSSP one (when the first is not)
/// carries the CredSSP probe; the rest go to the enumeration.
pub fn split_ready(ready: Vec<Ready>) -> (Option<Ready>, Option<Conn>, Vec<Conn>) {
    let mut rest = ready.into_iter();
    let modern = rest.next();
    let mut hybrid = None;
    let mut pool = Vec::new();
    for (p, s) in rest {
        if hybrid.is_none()
            && is_credssp(p)
            && !modern.as_ref().is_some_and(|(m, _)| is_credssp(*m))
        {
            hybrid = Some(s);
        } else {
            pool.push(s);
        }
    }
    (modern, hybrid, pool)
}

fn negotiated(
    oracle: &RawOracle,
    session: TlsSession,
) -> (Negotiated, Vec<Vec<u8>>, AfterHandshake) {
    let n = Negotiated {
        version: session.version,
        suite: SuiteEntry::new(session.version, session.suite),
        via: Via::Rustls,
        path: path_of(oracle),
    };
    let after = AfterHandshake {
        cert_requested: session.client_cert_requested,
        rejected: session.rejected_after_handshake,
    };
    (n, session.chain, after)
}

/// What the two handshakes cost: their connections (opened, or carried on from the negotiation) and time.
#[derive(Debug, Clone, Copy, Default)]
pub struct HandshakeCosts {
    pub modern: StageCost,
    pub credssp: StageCost,
}

fn cost(started: Instant, opened: u64, reused: u64) -> StageCost {
    StageCost {
        connections: opened,
        reused,
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

/// The rustls handshake on the first ready connection (or a new one), and CredSSP on a HYBRID connection: the
/// same one when the server negotiated HYBRID first (an NLA-only server), else its own.
pub async fn modern_and_credssp(
    oracle: &RawOracle,
    modern: Option<Ready>,
    hybrid: Option<Conn>,
    name: &str,
) -> (ModernResult, Option<CredsspSeen>, HandshakeCosts) {
    let ctx = &oracle.ctx;
    let started = Instant::now();
    let mut costs = HandshakeCosts::default();
    if let Some((p, stream)) = modern {
        if is_credssp(p) {
            // This connection goes on to CredSSP, not MCS: a waiting MCS stage opens its own.
            drop(oracle.take_after_tls());
            return match handshake_and_keep(ctx, stream, name, RustlsVersions::Both).await {
                Ok((session, mut tls)) => {
                    costs.modern = cost(started, 0, 1);
                    let after = Instant::now();
                    let credssp = credssp_report(ctx, &mut tls).await;
                    costs.credssp = cost(after, 0, 1);
                    (Ok(negotiated(oracle, session)), Some(credssp), costs)
                }
                Err(e) => {
                    costs.modern = cost(started, 0, 1);
                    (Err(e), None, costs)
                }
            };
        }
        let modern = async {
            let r = modern_handshake(oracle, p, stream, name).await;
            (r, cost(started, 0, 1))
        };
        let credssp = async {
            let stream = hybrid?;
            let seen = match handshake_and_keep(ctx, stream, name, RustlsVersions::Both).await {
                Ok((_, mut tls)) => credssp_report(ctx, &mut tls).await,
                Err(e) => (failed(e.error), None),
            };
            Some((seen, cost(started, 0, 1)))
        };
        let ((modern, modern_cost), credssp) = tokio::join!(modern, credssp);
        costs.modern = modern_cost;
        let credssp = credssp.map(|(seen, c)| {
            costs.credssp = c;
            seen
        });
        return (modern, credssp, costs);
    }
    let modern = async {
        let stream = oracle.open().await?;
        modern_handshake(oracle, oracle.path, stream, name).await
    };
    let modern = modern.await;
    costs.modern = cost(started, 1, 0);
    (modern, None, costs)
}

/// The rustls handshake; on PROTOCOL_SSL, its connection goes on to MCS when the MCS stage asked for it.
async fn modern_handshake(
    oracle: &RawOracle,
    protocol: Option<Protocols>,
    stream: Conn,
    name: &str,
) -> ModernResult {
    let ctx = &oracle.ctx;
    // Taken whatever the protocol, so that a waiting MCS stage learns at once when no connection will come.
    let after = oracle
        .take_after_tls()
        .filter(|_| protocol == Some(Protocols::SSL));
    match after {
        Some(tx) => handshake_and_keep(ctx, stream, name, RustlsVersions::Both)
            .await
            .map(|(session, tls)| {
                let _ = tx.send(tls);
                negotiated(oracle, session)
            }),
        None => handshake(ctx, stream, name, RustlsVersions::Both)
            .await
            .map(|s| negotiated(oracle, s)),
    }
}

fn failed(e: ScanError) -> CredsspReport {
    CredsspReport {
        error: Some(e.to_string()),
        ..CredsspReport::default()
    }
}

/// One TSRequest exchange, as the report shows it; the server's clock and the skew are left to the analysis.
async fn credssp_report(
    ctx: &ProbeContext,
    tls: &mut tokio_rustls::client::TlsStream<Conn>,
) -> CredsspSeen {
    let answer = match credssp::negotiate(ctx, tls).await {
        Ok(a) => a,
        Err(e) => return (failed(e), None),
    };
    let version = answer.request.version;
    let server_time = answer
        .challenge
        .as_ref()
        .and_then(|c| c.timestamp)
        .map(filetime_to_unix);
    let report = CredsspReport {
        version: Some(version),
        patched: Some(version >= crate::wire::credssp::FIRST_PATCHED_VERSION),
        error_code: answer.request.error_code.map(|c| format!("0x{c:08X}")),
        ntlm: answer.challenge.as_ref().map(NtlmReport::from),
        error: None,
    };
    (report, server_time)
}
