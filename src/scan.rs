//! A scan: the plan's probes, then the analysis of what they saw. The one place that joins the two layers.

use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::analysis::certificate::TrustRoots;
use crate::analysis::{self, clients::ClientProfile, AnalysisOptions};
use crate::model::{ErrorKind, Report, RootSource, ScanError, Stats, Step, TargetReport};
use crate::plan::{self, tls_enum::EnumOptions, Interrupt, PlanOptions, Target};
use crate::probe::ConnectionRate;

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
    /// Findings settings (warn days, the clock, a policy).
    pub analysis: AnalysisOptions,
    /// One TLS handshake for the certificate instead of the full enumeration (fleet scans).
    pub quick: bool,
    /// Enumeration settings: connections in flight, retries, delay.
    pub enumeration: EnumOptions,
    /// `Cookie: mstshash=` sent in every Connection Request, as mstsc sends the user name.
    pub cookie: Option<String>,
    /// Client profiles to replay; `None` skips the simulation.
    pub clients: Option<Arc<Vec<ClientProfile>>>,
    /// Told each stage of a scan as it starts (progress display).
    pub stages: plan::StageHook,
    /// The most one target may take, every stage included (`--target-timeout`).
    pub target_timeout: Option<Duration>,
    /// `--rate`: new connections per second across every target.
    pub rate: Option<Arc<ConnectionRate>>,
    /// Replay every client's hello, even where the enumeration already proves the server's answer.
    pub replay_every_client: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        let plan = PlanOptions::default();
        Self {
            timeout: plan.timeout,
            direct: plan.direct,
            server_name: None,
            max_conns: plan.max_conns,
            analysis: AnalysisOptions::default(),
            quick: plan.quick,
            enumeration: plan.enumeration,
            cookie: None,
            clients: None,
            stages: plan.stages,
            target_timeout: plan.target_timeout,
            rate: plan.rate,
            replay_every_client: false,
        }
    }
}

impl ScanOptions {
    /// The plan's part of the options: the client profiles become the hellos to replay.
    pub fn plan(&self) -> PlanOptions {
        PlanOptions {
            timeout: self.timeout,
            direct: self.direct,
            server_name: self.server_name.clone(),
            max_conns: self.max_conns,
            quick: self.quick,
            enumeration: self.enumeration.clone(),
            cookie: self.cookie.clone(),
            client_offers: self
                .clients
                .as_ref()
                .map(|profiles| Arc::new(profiles.iter().map(ClientProfile::offer).collect())),
            stages: self.stages.clone(),
            target_timeout: self.target_timeout,
            interrupt: None,
            rate: self.rate.clone(),
            // Replay only the clients whose answer the enumeration does not prove.
            derive_clients: if self.replay_every_client {
                plan::ClientDeriver::default()
            } else {
                plan::ClientDeriver::new(analysis::clients::derive::derive)
            },
        }
    }
}

/// The trust anchors certificate chains are checked against: the certificates of the PEM bundle `ca_file`, or
/// else the system's store (on Linux the OpenSSL locations, `SSL_CERT_FILE` and `SSL_CERT_DIR`; on Windows and
/// macOS the platform's store, as the client machine's TLS stack sees it). Loaded once per run. A system store
/// that cannot be read gives no roots (chains are then not checked); a CA file without a usable certificate is
/// an error.
pub fn load_roots(ca_file: Option<&std::path::Path>) -> Result<TrustRoots, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let Some(path) = ca_file else {
        let found = rustls_native_certs::load_native_certs();
        return Ok(TrustRoots::from_certificates(RootSource::System, &found.certs).0);
    };
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let (roots, skipped) = TrustRoots::from_certificates(RootSource::CaFile, &certs);
    if roots.is_empty() {
        return Err(format!(
            "{}: no usable CA certificate ({} PEM certificates, {skipped} unreadable)",
            path.display(),
            certs.len()
        ));
    }
    Ok(roots)
}

/// Scans one target and returns its full report, findings included. Never fails: errors are in the report.
pub async fn scan_target(typed: &str, opts: &ScanOptions) -> TargetReport {
    scan_with(typed, opts, &opts.plan()).await
}

async fn scan_with(typed: &str, opts: &ScanOptions, plan_opts: &PlanOptions) -> TargetReport {
    let (mut report, seen) = plan::run(typed, plan_opts).await;
    let name = opts
        .server_name
        .clone()
        .or_else(|| Target::parse(typed).ok().map(|t| t.host));
    // A client whose replay failed on our side gets no verdict: it is left out, and the TLS report says so.
    let filtered = match &opts.clients {
        Some(all) if !seen.not_replayed.is_empty() => {
            if let Some(tls) = report.tls.as_mut() {
                tls.anomalies.push(format!(
                    "{} client replays failed on our side (no descriptor, buffer or local port): those clients are \
left out",
                    seen.not_replayed.len()
                ));
            }
            let kept: Vec<usize> = (0..all.len().min(seen.client_answers.len()))
                .filter(|i| !seen.not_replayed.contains(i))
                .collect();
            Some((
                kept.iter().map(|&i| all[i].clone()).collect::<Vec<_>>(),
                kept.iter()
                    .map(|&i| seen.client_answers[i].clone())
                    .collect::<Vec<_>>(),
                kept.iter()
                    .map(|&i| seen.client_derived.get(i).copied().unwrap_or(false))
                    .collect::<Vec<_>>(),
            ))
        }
        _ => None,
    };
    let clients = opts.clients.as_ref().map(|all| match &filtered {
        Some((profiles, answers, derived)) => analysis::ClientEvidence {
            profiles,
            answers,
            derived,
            versions: &seen.versions,
        },
        None => analysis::ClientEvidence {
            profiles: all,
            answers: &seen.client_answers,
            derived: &seen.client_derived,
            versions: &seen.versions,
        },
    });
    analysis::complete(&mut report, &seen, name.as_deref(), clients, &opts.analysis);
    report
}

/// Scans every target, `concurrency` hosts at once; the returned report keeps the order the targets were given
/// and every target, the failed ones too. For fleets, [`scan_stream`] keeps only what is not yet written.
pub async fn scan_many(
    targets: &[String],
    opts: &ScanOptions,
    concurrency: usize,
    mut on_done: impl FnMut(usize, &TargetReport),
) -> Report {
    let mut done = Vec::with_capacity(targets.len());
    let end = scan_stream(
        targets.iter().cloned(),
        opts,
        concurrency,
        None,
        |i, report| {
            on_done(i, &report);
            done.push(report);
            ControlFlow::Continue(())
        },
    )
    .await;
    let mut report = Report::new(done, end.stats);
    report.interrupted = end.interrupted;
    report
}

/// How a streamed run ended: what the document's trailer and the exit code need, not the reports.
#[derive(Debug, Clone, Default)]
pub struct RunEnd {
    /// Targets started (each was handed to `on_ready`).
    pub started: usize,
    /// Connections of every target, and the run's wall time.
    pub stats: Stats,
    /// SIGINT/SIGTERM stopped the run: targets not yet started never were.
    pub interrupted: bool,
    /// `on_ready` asked to stop (a closed pipe): targets in flight were dropped.
    pub stopped: bool,
    /// The most reports held at once (in flight, or done and waiting for an earlier target): the run's memory
    /// bound, whatever the number of targets.
    pub peak_held: usize,
}

/// Targets in flight plus finished ones waiting for an earlier target, at most this many times `concurrency`: a
/// slow target holds back new starts rather than letting finished reports pile up behind it.
const REORDER_WINDOW: usize = 4;

/// Scans `targets` (read lazily), `concurrency` hosts at once, and hands each report to `on_ready` in the order
/// given (with its position), then drops it: memory holds the reports in flight and those waiting for an earlier
/// target, at most `REORDER_WINDOW` × `concurrency`, however many targets there are.
///
/// With `interrupt`, once it is set no target starts, and those in flight end when its grace period passes (cut
/// short, `cut_short.reason: interrupted`): every started target still reaches `on_ready`. When `on_ready`
/// breaks, the run stops at once: targets in flight are dropped.
pub async fn scan_stream(
    targets: impl IntoIterator<Item = String>,
    opts: &ScanOptions,
    concurrency: usize,
    interrupt: Option<Interrupt>,
    mut on_ready: impl FnMut(usize, TargetReport) -> ControlFlow<()>,
) -> RunEnd {
    let started = Instant::now();
    let concurrency = concurrency.max(1);
    let window = concurrency.saturating_mul(REORDER_WINDOW);
    let mut plan_opts = opts.plan();
    plan_opts.interrupt = interrupt.clone();
    let plan_opts = Arc::new(plan_opts);
    let mut targets = targets.into_iter();
    let mut set = tokio::task::JoinSet::new();
    let mut typed_of: HashMap<tokio::task::Id, (usize, String)> = HashMap::new();
    let mut waiting: BTreeMap<usize, TargetReport> = BTreeMap::new();
    let (mut next_start, mut next_ready) = (0usize, 0usize);
    let mut end = RunEnd::default();
    let mut exhausted = false;
    loop {
        end.interrupted |= interrupt.as_ref().is_some_and(Interrupt::is_set);
        while !exhausted
            && !end.interrupted
            && set.len() < concurrency
            && next_start < next_ready + window
        {
            let Some(typed) = targets.next() else {
                exhausted = true;
                break;
            };
            let (t, opts, plan_opts) = (typed.clone(), opts.clone(), plan_opts.clone());
            let handle = set.spawn(async move { scan_with(&t, &opts, &plan_opts).await });
            typed_of.insert(handle.id(), (next_start, typed));
            next_start += 1;
            end.peak_held = end.peak_held.max(next_start - next_ready);
        }
        if set.is_empty() {
            break;
        }
        let interrupted = async {
            match &interrupt {
                Some(i) if !end.interrupted => i.set().await,
                _ => std::future::pending().await,
            }
        };
        let joined = tokio::select! {
            joined = set.join_next_with_id() => joined,
            () = interrupted => continue,
        };
        let Some(joined) = joined else { break };
        let (id, report) = match joined {
            Ok((id, report)) => (id, Some(report)),
            Err(e) => (e.id(), None),
        };
        let Some((index, typed)) = typed_of.remove(&id) else {
            continue;
        };
        let report = report.unwrap_or_else(|| {
            let mut report = plan::empty_report(&typed);
            plan::fail(
                &mut report,
                ScanError::new(Step::Connect, ErrorKind::Other, "the scan task failed"),
            );
            report
        });
        waiting.insert(index, report);
        while let Some(report) = waiting.remove(&next_ready) {
            end.stats.connections += report.stats.connections;
            next_ready += 1;
            if on_ready(next_ready - 1, report).is_break() {
                end.stopped = true;
                set.abort_all();
                end.started = next_start;
                end.stats.elapsed_ms = elapsed_ms(started);
                return end;
            }
        }
    }
    end.started = next_start;
    end.stats.elapsed_ms = elapsed_ms(started);
    end
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}
