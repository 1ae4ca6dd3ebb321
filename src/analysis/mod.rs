//! Analysis: pure functions from scan results to verdicts and findings. No I/O here.

pub mod catalogue;
pub mod certificate;
pub mod client_capture;
pub mod clients;
pub mod findings;
pub mod limits;
pub mod policy;
pub mod suites;
pub mod verdict;

use crate::model::{
    Answer, ErrorKind, FindingId, Mode, ProtocolVersion, Severity, Status, TargetReport,
    TlsObservations,
};

/// Settings that change verdicts, not probes.
#[derive(Debug, Clone)]
pub struct AnalysisOptions {
    /// A certificate with fewer days left than this is `cert-expiring`.
    pub warn_days: i64,
    /// The time verdicts are made at (Unix seconds); `None` means now.
    pub now: Option<i64>,
    /// `--policy`: each violated rule becomes a `policy-*` finding.
    pub policy: Option<std::sync::Arc<policy::Policy>>,
    /// The trust anchors the certificate chain is checked against (the system's, or `--ca-file`), loaded once
    /// by the scan layer; `None` leaves `certificate.chain` null.
    pub roots: Option<std::sync::Arc<certificate::TrustRoots>>,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self {
            warn_days: 30,
            now: None,
            policy: None,
            roots: None,
        }
    }
}

impl AnalysisOptions {
    pub fn now(&self) -> i64 {
        self.now.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
                .unwrap_or_default()
        })
    }
}

/// What the client replays observed: each profile and the server's answer to its hello (`None`: no TLS path
/// to replay it on), with the versions the server accepts, to explain refusals.
pub struct ClientEvidence<'a> {
    pub profiles: &'a [clients::ClientProfile],
    pub answers: &'a [Option<Answer>],
    /// Per profile: `true` when its answer was derived from the enumeration, not replayed.
    pub derived: &'a [bool],
    pub versions: &'a [ProtocolVersion],
}

/// Fills in the certificate verdict from the chain the probes read, the server's clock against ours, then each
/// client's verdict, then the findings (some of which are about the clients).
pub fn complete(
    report: &mut TargetReport,
    seen: &TlsObservations,
    name: Option<&str>,
    clients: Option<ClientEvidence<'_>>,
    opts: &AnalysisOptions,
) {
    let now = opts.now();
    if let (Some(server), Some(ntlm)) = (
        seen.credssp_server_time,
        report.credssp.as_mut().and_then(|c| c.ntlm.as_mut()),
    ) {
        ntlm.server_time = time::OffsetDateTime::from_unix_timestamp(server)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            });
        ntlm.clock_skew_s = Some(server - now);
    }
    let chain = &seen.chain;
    if chain.is_empty() && report.tls.is_some() {
        // TLS works, yet no handshake showed the certificate.
        report.findings.push(catalogue::finding(
            FindingId::CertUnreadable,
            Severity::Info,
            None,
            &catalogue::Vars::new().set(
                "error",
                report
                    .tls
                    .as_ref()
                    .and_then(|t| t.modern_handshake_error.as_deref())
                    .unwrap_or("no handshake reached the server's Certificate message"),
            ),
        ));
    } else if !chain.is_empty() {
        match certificate::analyze(chain, name, opts.roots.as_deref(), now) {
            Ok(cert) => report.certificate = Some(cert),
            Err(e) => report.findings.push(catalogue::finding(
                FindingId::CertUnparseable,
                Severity::High,
                None,
                &catalogue::Vars::new().set("error", e),
            )),
        }
    }
    if let Some(c) = clients {
        let facts = clients::ServerFacts {
            negotiation: report.negotiation.as_ref(),
            certificate: report.certificate.as_ref(),
            versions: c.versions,
            tls: report.tls.as_ref(),
        };
        report.clients = c
            .profiles
            .iter()
            .zip(c.answers)
            .map(|(p, a)| clients::verdict(p, a.as_ref(), &facts))
            .collect();
        for (r, derived) in report.clients.iter_mut().zip(c.derived) {
            if *derived {
                r.evidence = crate::model::ClientEvidenceSource::Derived;
            }
        }
    }
    let refused_in_mcs = report
        .stage
        .as_ref()
        .is_some_and(|s| matches!(s.ended_by, crate::model::Ending::Refused(_)));
    report.connection_limits = limits::assess(&seen.pressure, refused_in_mcs);
    let mut findings = findings::evaluate(report, opts);
    findings.append(&mut report.findings);
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    report.findings = findings;
    report.complete = report.mode == Mode::Full
        && report.status == Status::Ok
        && report.cut_short.is_none()
        && !report
            .stage_errors
            .iter()
            .any(|e| matches!(e.kind, ErrorKind::Local | ErrorKind::Deadline))
        && report.tls.as_ref().is_none_or(|t| t.anomalies.is_empty());
    if let Some(p) = &opts.policy {
        policy::apply(p, report);
    }
    report.verdict = Some(verdict::verdict(report, &seen.versions));
}
