//! A scan: the plan's probes, then the analysis of what they saw. The one place that joins the two layers.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use crate::analysis::certificate::TrustRoots;
use crate::analysis::{self, clients::ClientProfile, AnalysisOptions};
use crate::model::{ErrorKind, Report, RootSource, ScanError, Stats, Step, TargetReport};
use crate::plan::{self, tls_enum::EnumOptions, PlanOptions, Target};

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
    let clients = opts
        .clients
        .as_ref()
        .map(|profiles| analysis::ClientEvidence {
            profiles,
            answers: &seen.client_answers,
            versions: &seen.versions,
        });
    analysis::complete(&mut report, &seen, name.as_deref(), clients, &opts.analysis);
    report
}

/// Scans every target, `concurrency` hosts at once, calling `on_done` with its index in `targets` as each finishes
/// (in completion order).
/// Every target is reported, the failed ones too; the returned report keeps the order the targets were given.
pub async fn scan_many(
    targets: &[String],
    opts: &ScanOptions,
    concurrency: usize,
    mut on_done: impl FnMut(usize, &TargetReport),
) -> Report {
    let started = Instant::now();
    let semaphore = Arc::new(Semaphore::new(concurrency.max(1)));
    let plan_opts = Arc::new(opts.plan());
    let mut set = tokio::task::JoinSet::new();
    for (i, t) in targets.iter().enumerate() {
        let (t, opts, plan_opts, sem) = (
            t.clone(),
            opts.clone(),
            plan_opts.clone(),
            semaphore.clone(),
        );
        set.spawn(async move {
            let _permit = sem.acquire_owned().await;
            (i, scan_with(&t, &opts, &plan_opts).await)
        });
    }
    let mut done: Vec<Option<TargetReport>> = vec![None; targets.len()];
    while let Some(joined) = set.join_next().await {
        if let Ok((i, report)) = joined {
            on_done(i, &report);
            done[i] = Some(report);
        }
    }
    let targets: Vec<TargetReport> = done
        .into_iter()
        .zip(targets)
        .map(|(r, typed)| {
            r.unwrap_or_else(|| {
                let mut report = plan::empty_report(typed);
                plan::fail(
                    &mut report,
                    ScanError::new(Step::Connect, ErrorKind::Other, "the scan task failed"),
                );
                report
            })
        })
        .collect();
    let connections = targets.iter().map(|t| t.stats.connections).sum();
    Report::new(
        targets,
        Stats {
            connections,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        },
    )
}
