//! The negotiation stage: one X.224 Connection Request per security protocol, and what the answers mean (NLA
//! required or not, standard RDP security allowed or not, the path to TLS).

use std::net::SocketAddr;
use std::sync::Arc;

use crate::probe::Conn;
use tokio::sync::Semaphore;

use super::{fail, PlanOptions};
use crate::model::{
    ErrorKind, Negotiation, Nla, ProtocolProbe, ProtocolResult, ResponseFlags, ScanError,
    TargetReport,
};
use crate::probe::x224::negotiate;
use crate::probe::ProbeContext;
use crate::wire::x224::{NegotiationReply, Protocols, X224Reply};

/// One probe per security protocol. Returns what the scan goes on with: the protocol that leads to TLS (SSL,
/// else HYBRID, else HYBRID_EX), and the connections the probes left open, each with the protocol it negotiated:
/// waiting for a ClientHello, or, for standard RDP security, for MCS Connect-Initial. `None` when the target is
/// unreachable (`report.error` says why).
pub(super) async fn matrix(
    ctx: &ProbeContext,
    addr: SocketAddr,
    opts: &PlanOptions,
    report: &mut TargetReport,
) -> Option<Negotiated> {
    let semaphore = Arc::new(Semaphore::new(opts.max_conns.max(1)));
    let others = [
        Protocols::RDP,
        Protocols::HYBRID,
        Protocols::RDSTLS,
        Protocols::HYBRID_EX,
        Protocols::RDSAAD,
    ];
    let spawn_others = || {
        others
            .iter()
            .map(|&p| {
                let ctx = ctx.clone();
                let sem = semaphore.clone();
                super::Scoped::spawn(async move {
                    let _permit = sem.acquire_owned().await;
                    let outcome = negotiate(&ctx, addr, p).await;
                    let dropped = is_drop(&outcome);
                    let local = outcome
                        .as_ref()
                        .err()
                        .filter(|e| e.kind == ErrorKind::Local)
                        .cloned();
                    (classify(p, outcome), local, dropped)
                })
            })
            .collect::<Vec<_>>()
    };
    // Every probe at once: the answers come one after another from a server that spends its time on each new
    // connection (the shadow server, some 80 ms of CPU), so waiting for SSL's before sending the others put that
    // server's idle time on every scan (0.16 and 0.18 s of the median, in two runs of ten at 25 ms each way).
    // SSL's answer is still read first: it tells whether this is an RDP server at all (if not, the others are
    // dropped unread). SSL takes its slot first, so that `--max-conns 1` still asks one at a time, SSL first.
    let ssl_slot = semaphore.clone().acquire_owned().await;
    let tasks = spawn_others();
    let first = negotiate(ctx, addr, Protocols::SSL).await;
    drop(ssl_slot);
    let first = match first {
        Ok(n) => n,
        Err(e) => {
            fail(report, e);
            return None;
        }
    };
    let mut ready: Vec<(Protocols, Conn)> = Vec::new();
    let (ssl_probe, ssl_stream, mut legacy) = classify(Protocols::SSL, Ok(first));
    ready.extend(ssl_stream.map(|s| (Protocols::SSL, s)));
    let mut local: Option<ScanError> = None;
    let mut probes = vec![ssl_probe];
    let mut dropped = Vec::new();
    for (task, p) in tasks.into_iter().zip(others) {
        let ((probe, stream, bare), shortage, was_dropped) = task.await.unwrap_or_else(|e| {
            (
                (
                    error_probe(p, format!("probe task failed: {e}")),
                    None,
                    false,
                ),
                None,
                false,
            )
        });
        local = local.or(shortage);
        legacy |= bare;
        ready.extend(stream.map(|s| (p, s)));
        if was_dropped {
            dropped.push(probes.len());
        }
        probes.push(probe);
    }
    let answered = probes.iter().any(|p| {
        matches!(
            p.result,
            ProtocolResult::Accepted | ProtocolResult::NotSelected | ProtocolResult::Refused
        )
    });
    if answered && local.is_none() {
        for at in dropped {
            let (probe, stream, bare) = retry_alone(ctx, addr, probes[at].protocol).await;
            legacy |= bare;
            ready.extend(stream.map(|s| (probe.protocol, s)));
            probes[at] = probe;
        }
    }
    // Report in the canonical order: rdp, ssl, hybrid, rdstls, hybrid_ex, rdsaad.
    if let Some(e) = local {
        // A probe that failed on our side says nothing about the server: no conclusion (NLA, standard RDP
        // security) is drawn from a matrix with a hole in it.
        fail(report, e);
        return None;
    }
    probes.sort_by_key(|p| Protocols::ALL.iter().position(|q| *q == p.protocol));
    report.negotiation = Some(conclude(probes, legacy));
    let path = [Protocols::SSL, Protocols::HYBRID, Protocols::HYBRID_EX]
        .into_iter()
        .find(|p| ready.iter().any(|(q, _)| q == p));
    let rdp = ready
        .iter()
        .position(|(p, _)| *p == Protocols::RDP)
        .map(|i| ready.swap_remove(i).1);
    Some(Negotiated { path, ready, rdp })
}

/// What the negotiation leaves for the next stages.
pub(super) struct Negotiated {
    /// The protocol that leads to TLS, if any.
    pub path: Option<Protocols>,
    /// Connections waiting for a ClientHello, with the protocol each negotiated.
    pub ready: Vec<(Protocols, Conn)>,
    /// A connection past a Confirm that selected standard RDP security, waiting for MCS Connect-Initial.
    pub rdp: Option<Conn>,
}

/// The first pause before a request the server dropped (closed before its Connection Confirm, while answering
/// others) is sent again alone; it doubles once. rdptls's own connections count toward the server's limits
/// (MaxOutstandingConnections), so it lets them close first.
const BACKOFF: std::time::Duration = std::time::Duration::from_millis(250);

/// Sends a dropped request again, alone, after backing off: an answer now means the drop was the server's limit
/// (and the row gets the answer); a drop again means the server drops this request whatever the load.
async fn retry_alone(
    ctx: &ProbeContext,
    addr: SocketAddr,
    p: Protocols,
) -> (ProtocolProbe, Option<Conn>, bool) {
    let mut wait = BACKOFF;
    let mut last = None;
    for _ in 0..2 {
        tokio::time::sleep(wait).await;
        wait *= 2;
        let outcome = negotiate(ctx, addr, p).await;
        let again = is_drop(&outcome);
        let row = classify(p, outcome);
        if !again {
            if row.0.result != ProtocolResult::Error {
                ctx.journal.recovered();
            }
            return row;
        }
        last = Some(row);
    }
    // Dropped every time: this server's answer to this request, not a limit.
    ctx.journal.repeated_drops(3);
    last.unwrap_or_else(|| (error_probe(p, "not retried".into()), None, false))
}

/// Whether the server closed or reset the connection before any answer to the Connection Request.
fn is_drop(outcome: &Result<crate::probe::x224::Negotiated, ScanError>) -> bool {
    matches!(outcome, Err(e) if e.kind == ErrorKind::Reset)
}

fn error_probe(p: Protocols, detail: String) -> ProtocolProbe {
    ProtocolProbe {
        protocol: p,
        result: ProtocolResult::Error,
        selected: None,
        failure_code: None,
        flags: ResponseFlags::default(),
        detail: Some(detail),
    }
}

/// Turns one negotiation into a matrix row, keeping the stream when the server selected a TLS-based protocol;
/// `true` when the answer was a legacy Connection Confirm without negotiation data.
fn classify(
    requested: Protocols,
    outcome: Result<crate::probe::x224::Negotiated, ScanError>,
) -> (ProtocolProbe, Option<Conn>, bool) {
    let mut row = error_probe(requested, String::new());
    row.detail = None;
    let n = match outcome {
        Ok(n) => n,
        Err(e) => {
            row.result = match e.kind {
                ErrorKind::Reset => ProtocolResult::Disconnected,
                _ => ProtocolResult::Error,
            };
            row.detail = Some(e.to_string());
            return (row, None, false);
        }
    };
    let mut stream = None;
    let mut legacy = false;
    match n.reply {
        X224Reply::Confirm(cc) => match cc.negotiation {
            NegotiationReply::Response { flags, selected } => {
                row.selected = Some(selected);
                row.flags = flags;
                row.result = if selected == requested {
                    ProtocolResult::Accepted
                } else {
                    ProtocolResult::NotSelected
                };
                // TLS-based protocols wait for a ClientHello; standard RDP security, asked for, for MCS.
                if matches!(
                    selected,
                    Protocols::SSL | Protocols::HYBRID | Protocols::HYBRID_EX
                ) || (selected == Protocols::RDP && requested == Protocols::RDP)
                {
                    stream = Some(n.stream);
                }
            }
            NegotiationReply::Failure(code) => {
                row.result = ProtocolResult::Refused;
                row.failure_code = Some(code);
            }
            NegotiationReply::None => {
                row.selected = Some(Protocols::RDP);
                legacy = true;
                row.result = if requested == Protocols::RDP {
                    ProtocolResult::Accepted
                } else {
                    ProtocolResult::NotSelected
                };
                row.detail = Some("legacy Connection Confirm without negotiation data".into());
            }
        },
        X224Reply::Disconnect { reason } => {
            row.result = ProtocolResult::Disconnected;
            row.detail = Some(format!("X.224 Disconnect Request, reason {reason}"));
        }
        X224Reply::Data {
            mcs_disconnect: true,
            ..
        } => {
            row.result = ProtocolResult::Disconnected;
            row.detail =
                Some("MCS Disconnect Provider Ultimatum instead of a Connection Confirm".into());
        }
        X224Reply::Data { payload, .. } => {
            row.result = ProtocolResult::Error;
            row.detail = Some(format!(
                "X.224 Data TPDU ({} bytes) instead of a Connection Confirm",
                payload.len()
            ));
        }
        X224Reply::Other { code } => {
            row.result = ProtocolResult::Error;
            row.detail = Some(format!("X.224 {code} TPDU instead of a Connection Confirm"));
        }
    }
    (row, stream, legacy)
}

/// What the matrix means: NLA required, supported or absent; standard RDP security allowed or not.
/// `legacy_server`: some answer was a Connection Confirm without negotiation data.
pub fn conclude(protocols: Vec<ProtocolProbe>, legacy_server: bool) -> Negotiation {
    let accepted = |protocol: Protocols| {
        protocols
            .iter()
            .any(|p| p.protocol == protocol && p.result == ProtocolResult::Accepted)
    };
    let credssp = accepted(Protocols::HYBRID) || accepted(Protocols::HYBRID_EX);
    let weaker = accepted(Protocols::SSL) || accepted(Protocols::RDP);
    let standard_rdp_security = protocols.iter().any(|p| p.selected == Some(Protocols::RDP));
    let flags = protocols.iter().fold(ResponseFlags::default(), |all, p| {
        ResponseFlags(all.0 | p.flags.0)
    });
    let nla = match (credssp, weaker || standard_rdp_security) {
        (true, false) => Nla::Required,
        (true, true) => Nla::Supported,
        (false, _) => Nla::Unsupported,
    };
    Negotiation {
        protocols,
        nla,
        standard_rdp_security,
        legacy_server,
        flags,
    }
}
