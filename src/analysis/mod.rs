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

/// What the client replays observed: each profile and the server's answer to its hello (`None`: no TLS path
/// to replay it on), with the versions the server accepts, to explain refusals.
pub struct ClientEvidence<'a> {
    pub profiles: &'a [clients::ClientProfile],
    pub answers: &'a [Option<crate::plan::tls_enum::Answer>],
    pub versions: &'a [u16],
}

/// Fills in the certificate verdict from the chain the probes read, then each client's verdict, then the
/// findings (some of which are about the clients).
pub fn complete(
    report: &mut TargetReport,
    chain: &[Vec<u8>],
    name: Option<&str>,
    clients: Option<ClientEvidence<'_>>,
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
    if let Some(c) = clients {
        let suite_name = |s: u16| crate::wire::tls::CipherSuite(s).name();
        let facts = clients::ServerFacts {
            negotiation: report.negotiation.as_ref(),
            certificate: report.certificate.as_ref(),
            versions: c.versions,
            suite_name: &suite_name,
        };
        report.clients = c
            .profiles
            .iter()
            .zip(c.answers)
            .map(|(p, a)| clients::verdict(p, a.as_ref(), &facts))
            .collect();
    }
    let mut findings = findings::evaluate(report, opts);
    findings.append(&mut report.findings);
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    report.findings = findings;
    if let Some(p) = &opts.policy {
        policy::apply(p, report);
    }
}
