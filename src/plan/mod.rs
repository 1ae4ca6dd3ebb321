//! Scan plans: which probes run against a target, in which order, and how many at once. The plan fills in what
//! the probes saw (negotiation, TLS, CredSSP) and hands the rest to the analysis as observations; it decides
//! nothing about findings or clients.

pub mod negotiation;
pub mod target;
pub mod tls_enum;
pub mod tls_stage;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::model::{
    ErrorKind, Mode, Offer, ScanError, Stats, Status, Step, TargetReport, TlsObservations,
};
use crate::probe::raw::RawOracle;
use crate::probe::{connect, ProbeContext};

pub use target::Target;

/// What the plan needs to know: the probes' settings and the client hellos to replay.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Limit on each network step.
    pub timeout: Duration,
    /// TLS straight away, without X.224 (RD Gateway, or servers that take the direct approach).
    pub direct: bool,
    /// The name for SNI and the rustls handshake, when it differs from the target typed.
    pub server_name: Option<String>,
    /// Connections in flight at once to one host.
    pub max_conns: usize,
    /// One TLS handshake for the certificate instead of the full enumeration (fleet scans).
    pub quick: bool,
    /// Enumeration settings: connections in flight, retries, delay.
    pub enumeration: tls_enum::EnumOptions,
    /// `Cookie: mstshash=` sent in every Connection Request, as mstsc sends the user name.
    pub cookie: Option<String>,
    /// Client hellos to replay, one answer each in [`TlsObservations::client_answers`]; `None` skips them.
    pub client_offers: Option<Arc<Vec<Offer>>>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            direct: false,
            server_name: None,
            max_conns: 8,
            quick: false,
            enumeration: tls_enum::EnumOptions::default(),
            cookie: None,
            client_offers: None,
        }
    }
}

/// Runs the probes against one target: the report without findings or client verdicts, and the observations
/// the analysis needs for them. Never fails: errors are in the report.
pub async fn run(typed: &str, opts: &PlanOptions) -> (TargetReport, TlsObservations) {
    let started = Instant::now();
    let mut ctx = ProbeContext::new(opts.timeout);
    ctx.cookie = opts.cookie.clone();
    let mut report = empty_report(typed);
    if opts.quick {
        report.mode = Mode::Quick;
    }
    let mut seen = TlsObservations::default();
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
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    };
    (report, seen)
}

/// A report with nothing found yet.
pub fn empty_report(typed: &str) -> TargetReport {
    TargetReport {
        target: typed.to_string(),
        address: None,
        status: Status::Ok,
        verdict: None,
        complete: false,
        mode: Mode::Full,
        error: None,
        negotiation: None,
        tls: None,
        certificate: None,
        credssp: None,
        clients: Vec::new(),
        findings: Vec::new(),
        policy: Vec::new(),
        stats: Stats::default(),
    }
}

/// Records why the target could not be scanned (or where the scan stopped), and what that means for its status.
pub fn fail(report: &mut TargetReport, error: ScanError) {
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
    opts: &PlanOptions,
    report: &mut TargetReport,
) -> TlsObservations {
    let (path, ready) = if opts.direct {
        match connect(ctx, addr).await {
            Ok(s) => (None, vec![(None, s)]),
            Err(e) => {
                fail(report, e);
                return TlsObservations::default();
            }
        }
    } else {
        match negotiation::matrix(ctx, addr, opts, report).await {
            Some((path, ready)) => (
                Some(path),
                ready.into_iter().map(|(p, s)| (Some(p), s)).collect(),
            ),
            None => return TlsObservations::default(),
        }
    };
    let oracle = Arc::new(RawOracle::new(
        ctx.clone(),
        addr,
        path,
        Some(name.to_string()),
    ));
    tls_stage::run(oracle, ready, name, opts, report).await
}
