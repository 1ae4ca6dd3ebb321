//! Analysis: pure functions from scan results to verdicts and findings. No I/O here.

pub mod certificate;
pub mod clients;
pub mod findings;
pub mod policy;

use crate::model::{Finding, TargetReport};

/// Settings that change verdicts, not probes.
#[derive(Debug, Clone)]
pub struct AnalysisOptions {
    /// A certificate with fewer days left than this is `cert-expiring`.
    pub warn_days: i64,
    /// The time verdicts are made at (Unix seconds); `None` means now.
    pub now: Option<i64>,
    /// `--policy`: each violated rule becomes a `policy-*` finding.
    pub policy: Option<std::sync::Arc<policy::Policy>>,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self {
            warn_days: 30,
            now: None,
            policy: None,
        }
    }
}

impl AnalysisOptions {
    pub fn now(&self) -> i64 {
        self.now.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or_default()
        })
    }
}

/// Fills in the certificate verdict from the chain the probes read, then the findings.
pub fn complete(
    report: &mut TargetReport,
    chain: &[Vec<u8>],
    name: Option<&str>,
    opts: &AnalysisOptions,
) {
    if !chain.is_empty() {
        match certificate::analyze(chain, name, opts.now()) {
            Ok(cert) => report.certificate = Some(cert),
            Err(e) => report.findings.push(Finding {
                id: "cert-unparseable".into(),
                severity: crate::model::Severity::High,
                title: "The server's certificate cannot be parsed".into(),
                detail: e.to_string(),
                client_error: None,
                fix: Some("Assign a well-formed X.509 certificate to the RDP listener.".into()),
            }),
        }
    }
    let mut findings = findings::evaluate(report, opts);
    findings.append(&mut report.findings);
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    report.findings = findings;
    if let Some(p) = &opts.policy {
        policy::apply(p, report);
    }
}
