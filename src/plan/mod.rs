//! Scan plans: which probes run against a target, in which order, and how many at once. The plan fills in what
//! the probes saw (negotiation, TLS, CredSSP) and hands the rest to the analysis as observations; it decides
//! nothing about findings or clients.

mod cutoff;
pub mod fleet;
pub mod mcs;
pub mod negotiation;
mod past_tls;
pub mod target;
pub mod tls_enum;
pub mod tls_stage;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::model::{
    Answer, EnumerationEvidence, ErrorKind, Mode, Offer, ScanError, ScanStage, StageStats, Stats,
    Status, Step, TargetReport, TlsObservations,
};
use crate::probe::raw::RawOracle;
use crate::probe::{connect, ConnectionRate, ProbeContext};

pub use cutoff::{Cutoff, Interrupt, InterruptSender, Scoped};
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
    /// Told each stage as it starts, for a progress display.
    pub stages: StageHook,
    /// The most one target may take, every stage included (`--target-timeout`); `None`: no bound but the steps'.
    pub target_timeout: Option<Duration>,
    /// Set when the run is interrupted: in-flight targets end when its grace period passes.
    pub interrupt: Option<Interrupt>,
    /// `--rate`: new connections per second across every target, shared by their probe contexts.
    pub rate: Option<Arc<ConnectionRate>>,
    /// Derives a client's answer from the enumeration where the evidence proves it; unset, every client is
    /// replayed.
    pub derive_clients: ClientDeriver,
}

/// The function that derives a client's answer from the enumeration's evidence, or says why only a replay can
/// tell: the analysis's pure derivation, handed down by the scan layer (the plan imports no analysis).
type DeriveFn = dyn Fn(&Offer, &EnumerationEvidence<'_>) -> Result<Answer, String> + Send + Sync;

/// A [`DeriveFn`], or none: then every client is replayed.
#[derive(Clone, Default)]
pub struct ClientDeriver(Option<Arc<DeriveFn>>);

impl ClientDeriver {
    pub fn new(
        f: impl Fn(&Offer, &EnumerationEvidence<'_>) -> Result<Answer, String> + Send + Sync + 'static,
    ) -> Self {
        Self(Some(Arc::new(f)))
    }

    /// `None` when no derivation is set.
    pub fn derive(
        &self,
        offer: &Offer,
        evidence: &EnumerationEvidence<'_>,
    ) -> Option<Result<Answer, String>> {
        self.0.as_ref().map(|f| f(offer, evidence))
    }
}

impl std::fmt::Debug for ClientDeriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "ClientDeriver(set)"
        } else {
            "ClientDeriver(none)"
        })
    }
}

/// A stage of one target's scan, as a progress display names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The X.224 negotiation matrix.
    Negotiation,
    /// TLS versions and suites, the modern handshake and CredSSP (they run side by side).
    Tls,
    /// The client replays.
    Clients,
}

impl Stage {
    /// The words a progress display shows.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Negotiation => "negotiation",
            Self::Tls => "TLS versions and suites, CredSSP",
            Self::Clients => "clients",
        }
    }
}

/// Called as each [`Stage`] starts; does nothing by default.
#[derive(Clone, Default)]
pub struct StageHook(Option<Arc<dyn Fn(Stage) + Send + Sync>>);

impl StageHook {
    pub fn new(f: impl Fn(Stage) + Send + Sync + 'static) -> Self {
        Self(Some(Arc::new(f)))
    }

    /// Tells the hook that `stage` starts.
    pub fn starts(&self, stage: Stage) {
        if let Some(f) = &self.0 {
            f(stage);
        }
    }
}

impl std::fmt::Debug for StageHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "StageHook(set)"
        } else {
            "StageHook(none)"
        })
    }
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
            stages: StageHook::default(),
            target_timeout: None,
            interrupt: None,
            rate: None,
            derive_clients: ClientDeriver::default(),
        }
    }
}

/// Runs the probes against one target: the report without findings or client verdicts, and the observations
/// the analysis needs for them. Never fails: errors are in the report.
pub async fn run(typed: &str, opts: &PlanOptions) -> (TargetReport, TlsObservations) {
    let started = Instant::now();
    let mut ctx = ProbeContext::new(opts.timeout);
    ctx.cookie = opts.cookie.clone();
    ctx.rate = opts.rate.clone();
    let mut report = empty_report(typed);
    if opts.quick {
        report.mode = Mode::Quick;
    }
    let mut seen = TlsObservations::default();
    let cutoff = Cutoff::new(opts, started);
    match Target::parse(typed) {
        Err(e) => fail(
            &mut report,
            ScanError::new(Step::Resolve, ErrorKind::Other, e),
        ),
        Ok(target) => match cutoff.within(target.resolve(opts.timeout)).await {
            Err(reason) => cutoff.cut(&mut report, ScanStage::Resolve, reason),
            Ok(Err(e)) => fail(&mut report, e),
            Ok(Ok(addr)) => {
                report.address = Some(addr.to_string());
                let name = opts
                    .server_name
                    .clone()
                    .unwrap_or_else(|| target.host.clone());
                seen = run_probes(&ctx, addr, &name, opts, &cutoff, &mut report).await;
            }
        },
    }
    report.stage = ctx.journal.stage();
    seen.pressure = ctx.journal.pressure();
    report.stats = Stats {
        connections: ctx.connections(),
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        stages: report.stats.stages.take(),
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
        cut_short: None,
        rdp_security: None,
        mcs: None,
        stage_errors: Vec::new(),
        stage: None,
        connection_limits: None,
        stats: Stats::default(),
    }
}

/// Records why the target could not be scanned (or where the scan stopped), and what that means for its status.
pub fn fail(report: &mut TargetReport, error: ScanError) {
    report.status = match (error.step, error.kind) {
        // Our own limits and failures say nothing about the server's reachability.
        (_, ErrorKind::Local | ErrorKind::Deadline) => Status::Error,
        (Step::Resolve | Step::Connect, _) => Status::Unreachable,
        (Step::X224, ErrorKind::Timeout | ErrorKind::Reset | ErrorKind::NotRdp) => {
            Status::Unreachable
        }
        _ => Status::Error,
    };
    report.error = Some(error);
}

/// Connections in flight at once to a server that dropped some while answering others.
const BACKED_OFF_CONNS: usize = 2;

/// Runs the negotiation matrix, then the TLS stage over the path it found; returns what TLS showed.
async fn run_probes(
    ctx: &ProbeContext,
    addr: SocketAddr,
    name: &str,
    opts: &PlanOptions,
    cutoff: &Cutoff,
    report: &mut TargetReport,
) -> TlsObservations {
    let (path, ready, rdp) = if opts.direct {
        match cutoff.within(connect(ctx, addr)).await {
            Ok(Ok(s)) => (None, vec![(None, s)], None),
            Ok(Err(e)) => {
                fail(report, e);
                return TlsObservations::default();
            }
            Err(reason) => {
                cutoff.cut(report, ScanStage::Tls, reason);
                return TlsObservations::default();
            }
        }
    } else {
        opts.stages.starts(Stage::Negotiation);
        let started = Instant::now();
        let matrix = cutoff
            .within(negotiation::matrix(ctx, addr, opts, report))
            .await;
        report.stats.stages = Some(StageStats {
            negotiation: crate::model::StageCost {
                connections: ctx.connections(),
                reused: 0,
                elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            },
            ..StageStats::default()
        });
        match matrix {
            Ok(Some(negotiation::Negotiated {
                path: Some(path),
                ready,
                rdp,
            })) => (
                Some(path),
                ready.into_iter().map(|(p, s)| (Some(p), s)).collect(),
                rdp,
            ),
            Ok(Some(negotiation::Negotiated {
                path: None, rdp, ..
            })) => {
                // No TLS path: standard RDP security may still reach MCS.
                let stage = past_tls::McsStage::new(report, opts, name, rdp);
                let past = Box::pin(stage.result(ctx, addr, cutoff)).await;
                past_tls::record(ctx, cutoff, report, past);
                return TlsObservations::default();
            }
            Ok(None) => return TlsObservations::default(),
            Err(reason) => {
                cutoff.cut(report, ScanStage::Negotiation, reason);
                return TlsObservations::default();
            }
        }
    };
    // The server dropped connections while answering others: fewer at once from here on, since rdptls's own
    // connections count toward its limits.
    let backed_off;
    let opts = if ctx.journal.pressure().dropped_some() {
        let mut slower = opts.clone();
        slower.max_conns = BACKED_OFF_CONNS.min(opts.max_conns);
        slower.enumeration.max_conns = BACKED_OFF_CONNS.min(opts.enumeration.max_conns);
        backed_off = slower;
        &backed_off
    } else {
        opts
    };
    opts.stages.starts(Stage::Tls);
    let mut oracle = RawOracle::new(ctx.clone(), addr, path, Some(name.to_string()));
    if !opts.enumeration.early_hellos {
        oracle = oracle.without_early_hellos();
    }
    let oracle = Arc::new(oracle);
    // The MCS stage runs beside TLS, on the connections the scan opens anyway where it can: the negotiation's
    // standard RDP security one, and the modern handshake's TLS one, handed over when it is done.
    let stage = past_tls::McsStage::new(report, opts, name, rdp).continuing_from(&oracle);
    // Both on the heap: side by side, their state machines would be too big for a test thread's stack.
    let (seen, past) = tokio::join!(
        Box::pin(tls_stage::run(oracle, ready, name, opts, cutoff, report)),
        Box::pin(stage.result(ctx, addr, cutoff))
    );
    past_tls::record(ctx, cutoff, report, past);
    seen
}
