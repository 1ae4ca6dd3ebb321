//! Scan plans: which probes run against a target, in which order, and how many at once.

pub mod target;
pub mod tls_enum;
pub mod tls_scan;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use crate::analysis;
use crate::model::{
    ErrorKind, Negotiation, Nla, ProtocolProbe, ProtocolResult, ScanError, Stats, Status, Step,
    TargetReport,
};
use crate::probe::raw::RawOracle;
use crate::probe::x224::negotiate;
use crate::probe::{connect, ProbeContext};
use crate::wire::x224::{NegotiationReply, Protocols, X224Reply};

pub use target::Target;

/// What the user asked for.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Limit on each network step.
    pub timeout: Duration,
    /// TLS straight away, without X.224 (RD Gateway, or servers that take the direct approach).
    pub direct: bool,
    /// The name to check the certificate against, when it differs from the target typed.
    pub server_name: Option<String>,
    /// Connections in flight at once to one host.
    pub max_conns: usize,
    /// Findings settings (warn days, ...).
    pub analysis: analysis::AnalysisOptions,
    /// One TLS handshake for the certificate instead of the full enumeration (fleet scans).
    pub quick: bool,
    /// Enumeration settings: connections in flight, retries, delay.
    pub enumeration: tls_enum::EnumOptions,
    /// `Cookie: mstshash=` sent in every Connection Request, as mstsc sends the user name.
    pub cookie: Option<String>,
    /// Client profiles to replay; `None` skips the simulation.
    pub clients: Option<Arc<Vec<crate::analysis::clients::ClientProfile>>>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            direct: false,
            server_name: None,
            max_conns: 8,
            analysis: analysis::AnalysisOptions::default(),
            quick: false,
            enumeration: tls_enum::EnumOptions::default(),
            cookie: None,
            clients: None,
        }
    }
}

/// Scans one target and returns its full report, findings included. Never fails: errors are in the report.
pub async fn scan_target(typed: &str, opts: &ScanOptions) -> TargetReport {
    let started = Instant::now();
    let mut ctx = ProbeContext::new(opts.timeout);
    ctx.cookie = opts.cookie.clone();
    let mut report = empty_report(typed);
    let mut seen = tls_scan::TlsObservations::default();
    match Target::parse(typed) {
        Err(e) => fail(
            &mut report,
            ScanError::new(Step::Resolve, ErrorKind::Other, e),
        ),
        Ok(target) => match target.resolve(opts.timeout).await {
            Err(e) => fail(&mut report, e),
            Ok(addr) => {
                report.address = Some(addr.to_string());
                let name = opts
                    .server_name
                    .clone()
                    .unwrap_or_else(|| target.host.clone());
                seen = run_probes(&ctx, addr, &name, opts, &mut report).await;
            }
        },
    }
    report.stats = Stats {
        connections: ctx.connections(),
        elapsed_ms: started.elapsed().as_millis() as u64,
    };
    let name = opts
        .server_name
        .clone()
        .or_else(|| Target::parse(typed).ok().map(|t| t.host));
    let clients = opts
        .clients
        .as_ref()
        .map(|profiles| analysis::ClientEvidence {
            profiles,
            answers: &seen.client_answers,
            versions: &seen.versions,
        });
    analysis::complete(
        &mut report,
        &seen.chain,
        name.as_deref(),
        clients,
        &opts.analysis,
    );
    report
}

fn empty_report(typed: &str) -> TargetReport {
    TargetReport {
        target: typed.to_string(),
        address: None,
        status: Status::Ok,
        error: None,
        negotiation: None,
        tls: None,
        certificate: None,
        credssp: None,
        clients: Vec::new(),
        findings: Vec::new(),
        stats: Stats::default(),
    }
}

fn fail(report: &mut TargetReport, error: ScanError) {
    report.status = match (error.step, error.kind) {
        (Step::Resolve | Step::Connect, _) => Status::Unreachable,
        (Step::X224, ErrorKind::Timeout | ErrorKind::Reset | ErrorKind::NotRdp) => {
            Status::Unreachable
        }
        _ => Status::Error,
    };
    report.error = Some(error);
}

/// Runs the negotiation matrix, then the TLS stage over the path it found; returns what TLS showed.
async fn run_probes(
    ctx: &ProbeContext,
    addr: SocketAddr,
    name: &str,
    opts: &ScanOptions,
    report: &mut TargetReport,
) -> tls_scan::TlsObservations {
    let (path, ready) = if opts.direct {
        match connect(ctx, addr).await {
            Ok(s) => (None, vec![(None, s)]),
            Err(e) => {
                fail(report, e);
                return tls_scan::TlsObservations::default();
            }
        }
    } else {
        match negotiation_matrix(ctx, addr, opts, report).await {
            Some((path, ready)) => (
                Some(path),
                ready.into_iter().map(|(p, s)| (Some(p), s)).collect(),
            ),
            None => return tls_scan::TlsObservations::default(),
        }
    };
    let oracle = Arc::new(RawOracle::new(
        ctx.clone(),
        addr,
        path,
        Some(name.to_string()),
    ));
    tls_scan::run(oracle, ready, name, opts, report).await
}

/// One probe per security protocol. Returns the protocol that leads to TLS (SSL, else HYBRID, else HYBRID_EX)
/// and the connections the probes left waiting for a ClientHello (with the protocol each negotiated), or `None` when there is no TLS path (or the
/// target is unreachable: then `report.error` says why).
async fn negotiation_matrix(
    ctx: &ProbeContext,
    addr: SocketAddr,
    opts: &ScanOptions,
    report: &mut TargetReport,
) -> Option<(Protocols, Vec<(Protocols, TcpStream)>)> {
    // SSL first: it tells whether this is an RDP server at all, and usually opens the TLS path.
    let first = match negotiate(ctx, addr, Protocols::SSL).await {
        Ok(n) => n,
        Err(e) => {
            fail(report, e);
            return None;
        }
    };
    let mut ready: Vec<(Protocols, TcpStream)> = Vec::new();
    let (ssl_probe, ssl_stream) = classify(Protocols::SSL, Ok(first));
    ready.extend(ssl_stream.map(|s| (Protocols::SSL, s)));

    let semaphore = Arc::new(Semaphore::new(opts.max_conns.max(1)));
    let others = [
        Protocols::RDP,
        Protocols::HYBRID,
        Protocols::RDSTLS,
        Protocols::HYBRID_EX,
        Protocols::RDSAAD,
    ];
    let mut tasks = Vec::new();
    for p in others {
        let ctx = ctx.clone();
        let sem = semaphore.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await;
            classify(p, negotiate(&ctx, addr, p).await)
        }));
    }
    let mut probes = vec![ssl_probe];
    for (task, p) in tasks.into_iter().zip(others) {
        let (probe, stream) = task
            .await
            .unwrap_or_else(|e| (error_probe(p, format!("probe task failed: {e}")), None));
        ready.extend(stream.map(|s| (p, s)));
        probes.push(probe);
    }
    // Report in the canonical order: rdp, ssl, hybrid, rdstls, hybrid_ex, rdsaad.
    probes.sort_by_key(|p| Protocols::ALL.iter().position(|q| q.key() == p.protocol));
    report.negotiation = Some(conclude(probes));
    let path = [Protocols::SSL, Protocols::HYBRID, Protocols::HYBRID_EX]
        .into_iter()
        .find(|p| ready.iter().any(|(q, _)| q == p))?;
    Some((path, ready))
}

fn error_probe(p: Protocols, detail: String) -> ProtocolProbe {
    ProtocolProbe {
        protocol: p.key(),
        result: ProtocolResult::Error,
        selected: None,
        failure_code: None,
        flags: Vec::new(),
        detail: Some(detail),
    }
}

/// Turns one negotiation into a matrix row, keeping the stream when the server selected a TLS-based protocol.
fn classify(
    requested: Protocols,
    outcome: Result<crate::probe::x224::Negotiated, ScanError>,
) -> (ProtocolProbe, Option<TcpStream>) {
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
            return (row, None);
        }
    };
    let mut stream = None;
    match n.reply {
        X224Reply::Confirm(cc) => match cc.negotiation {
            NegotiationReply::Response { flags, selected } => {
                row.selected = Some(selected.key());
                row.flags = flags.names();
                row.result = if selected == requested {
                    ProtocolResult::Accepted
                } else {
                    ProtocolResult::NotSelected
                };
                if matches!(
                    selected,
                    Protocols::SSL | Protocols::HYBRID | Protocols::HYBRID_EX
                ) {
                    stream = Some(n.stream);
                }
            }
            NegotiationReply::Failure(code) => {
                row.result = ProtocolResult::Refused;
                row.failure_code = Some(code.to_string());
            }
            NegotiationReply::None => {
                row.selected = Some(Protocols::RDP.key());
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
    (row, stream)
}

/// What the matrix means: NLA required, supported or absent; standard RDP security allowed or not.
pub fn conclude(protocols: Vec<ProtocolProbe>) -> Negotiation {
    let accepted = |key: &str| {
        protocols
            .iter()
            .any(|p| p.protocol == key && p.result == ProtocolResult::Accepted)
    };
    let credssp = accepted("hybrid") || accepted("hybrid_ex");
    let weaker = accepted("ssl") || accepted("rdp");
    let standard_rdp_security = protocols
        .iter()
        .any(|p| p.selected.as_deref() == Some("rdp"));
    let legacy_server = protocols.iter().any(|p| {
        p.detail
            .as_deref()
            .is_some_and(|d| d.starts_with("legacy Connection Confirm"))
    });
    let mut flags: Vec<String> = Vec::new();
    for f in protocols.iter().flat_map(|p| p.flags.iter()) {
        if !flags.contains(f) {
            flags.push(f.clone());
        }
    }
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

/// Scans every target, `concurrency` hosts at once, calling `on_done` as each finishes (in completion order).
/// Every target is reported, the failed ones too; the returned report keeps the order the targets were given.
pub async fn scan_many(
    targets: &[String],
    opts: &ScanOptions,
    concurrency: usize,
    mut on_done: impl FnMut(&TargetReport),
) -> crate::model::Report {
    let started = Instant::now();
    let semaphore = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut set = tokio::task::JoinSet::new();
    for (i, t) in targets.iter().enumerate() {
        let (t, opts, sem) = (t.clone(), opts.clone(), semaphore.clone());
        set.spawn(async move {
            let _permit = sem.acquire_owned().await;
            (i, scan_target(&t, &opts).await)
        });
    }
    let mut done: Vec<Option<TargetReport>> = vec![None; targets.len()];
    while let Some(joined) = set.join_next().await {
        if let Ok((i, report)) = joined {
            on_done(&report);
            done[i] = Some(report);
        }
    }
    let targets: Vec<TargetReport> = done
        .into_iter()
        .zip(targets)
        .map(|(r, typed)| {
            r.unwrap_or_else(|| {
                let mut report = empty_report(typed);
                fail(
                    &mut report,
                    ScanError::new(Step::Connect, ErrorKind::Other, "the scan task failed"),
                );
                report
            })
        })
        .collect();
    let connections = targets.iter().map(|t| t.stats.connections).sum();
    crate::model::Report {
        version: crate::model::REPORT_VERSION,
        targets,
        stats: Stats {
            connections,
            elapsed_ms: started.elapsed().as_millis() as u64,
        },
    }
}
