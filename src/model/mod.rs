//! The scan report: the data every layer above the probes shares, and the JSON contract (`docs/json.md`).
//!
//! Field names and enum spellings here are a published interface: add fields, never rename or remove them.

pub mod certificate;
pub mod codes;
pub mod finding;
pub mod mcs;
pub mod observations;
pub mod policy;
pub mod stage;
pub mod stats;
pub mod tls;

use serde::{Deserialize, Serialize};

pub use crate::wire::tls::{
    AlertDescription, CipherSuite, ExtensionType, NamedGroup, ProtocolVersion, SignatureScheme,
};
pub use crate::wire::x224::{FailureCode, Protocols, ResponseFlags};
pub use certificate::{
    CertificateReport, ChainTrust, KeyInfo, KeyType, RootSource, SelfSigned, Trust,
};
pub use finding::{Category, ClientFailure, FindingId};
pub use mcs::*;
pub use observations::{Answer, EnumerationEvidence, HelloShape, Offer, Sni, TlsObservations};
pub use policy::{Rule, RuleOutcome, RuleResult};
pub use stage::*;
pub use stats::{StageCost, StageStats, Stats};
pub use tls::*;

/// The JSON document's version. Raise it only for an incompatible change.
pub const REPORT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// When the report was made (RFC 3339, UTC).
    #[serde(default)]
    pub generated_at: String,
    /// The rdptls version that made it.
    #[serde(default)]
    pub tool_version: String,
    pub version: u32,
    pub targets: Vec<TargetReport>,
    pub stats: Stats,
    /// The run was stopped by SIGINT or SIGTERM: `targets` holds the targets that had started, and no others.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
}

impl Report {
    /// A report made now, by this version of rdptls.
    pub fn new(targets: Vec<TargetReport>, stats: Stats) -> Self {
        Self {
            generated_at: now_rfc3339(),
            tool_version: TOOL_VERSION.to_string(),
            version: REPORT_VERSION,
            targets,
            stats,
            interrupted: false,
        }
    }
}

/// The version of rdptls, as `rdptls --version` prints it.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The time now, RFC 3339 in UTC, to the second.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Scanned: the server answered the RDP negotiation.
    Ok,
    /// No RDP conversation could be started: refused, filtered, reset, or not an RDP server.
    Unreachable,
    /// The scan started but failed in a way that is not about reachability.
    Error,
}

/// The network step an error happened in.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Resolve,
    Connect,
    X224,
    Tls,
    Credssp,
    /// MCS Connect-Initial and what follows it, on standard RDP security or after TLS without NLA.
    Mcs,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The host answered with RST: nothing listens on the port.
    Refused,
    /// No answer within `--timeout`: filtered by a firewall, or a silent peer.
    Timeout,
    /// The peer closed or reset the connection after it was accepted.
    Reset,
    /// The reply is not TPKT: not an RDP server (or not at this step).
    NotRdp,
    /// The peer spoke the protocol, but wrongly.
    Protocol,
    /// Name resolution or another error.
    Other,
    /// Our side, not the server: no file descriptor, no buffer space or no local address (EMFILE, ENFILE,
    /// ENOBUFS, EADDRNOTAVAIL) after waiting and retrying. Never a server's answer.
    Local,
    /// The target's `--target-timeout` passed, or the run was interrupted, before this step ended.
    Deadline,
}

/// Why a target could not be scanned, and where.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", step_name(*step))]
pub struct ScanError {
    pub step: Step,
    pub kind: ErrorKind,
    pub message: String,
}

fn step_name(step: Step) -> &'static str {
    match step {
        Step::Resolve => "resolve",
        Step::Connect => "connect",
        Step::X224 => "x224",
        Step::Tls => "tls",
        Step::Credssp => "credssp",
        Step::Mcs => "mcs",
    }
}

impl ScanError {
    pub fn new(step: Step, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            step,
            kind,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetReport {
    /// As the user typed it.
    pub target: String,
    /// `ip:port` actually scanned; null when the name did not resolve.
    pub address: Option<String>,
    pub status: Status,
    /// Who cannot connect and how bad it is, in one line: what a reader acts on.
    #[serde(default)]
    pub verdict: Option<Verdict>,
    /// Every stage ran to its end: not quick mode, nothing cut short or left untrusted (see `tls.anomalies`).
    /// A partial result says so here.
    #[serde(default)]
    pub complete: bool,
    /// How much was scanned.
    #[serde(default)]
    pub mode: Mode,
    pub error: Option<ScanError>,
    pub negotiation: Option<Negotiation>,
    pub tls: Option<TlsReport>,
    pub certificate: Option<CertificateReport>,
    /// CredSSP (NLA) as the server speaks it, when it accepts HYBRID: its version and NTLM identity.
    #[serde(default)]
    pub credssp: Option<CredsspReport>,
    /// RDP client compatibility simulation.
    #[serde(default)]
    pub clients: Vec<ClientResult>,
    pub findings: Vec<Finding>,
    /// With `--policy`: each rule the policy checks, and what it found. Absent without a policy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy: Vec<RuleResult>,
    /// The stage the target's deadline (or an interrupted run) cut short; absent when every stage ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cut_short: Option<CutShort>,
    /// Standard RDP security as the MCS probes enumerated it (one encryption method per connection); null when
    /// the server does not select standard RDP security, or in quick mode.
    #[serde(default)]
    pub rdp_security: Option<RdpSecurityReport>,
    /// The server's MCS Connect-Response data (version, channels, UDP transport), from the probe after TLS without
    /// NLA, else from a standard RDP security probe; null when no path reaches MCS without credentials.
    #[serde(default)]
    pub mcs: Option<McsReport>,
    /// Errors of the MCS stage that did not stop the scan (a malformed reply, a local shortage); a `local` one
    /// makes the result partial.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stage_errors: Vec<ScanError>,
    /// The furthest stage of the connection sequence any connection reached, and how the server ended it there.
    #[serde(default)]
    pub stage: Option<StageReport>,
    /// Present when the server dropped some connections while answering others (its connection limits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_limits: Option<LimitsReport>,
    pub stats: Stats,
}

/// Where and why a target's scan was stopped before its end. What the earlier stages found is kept.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct CutShort {
    pub stage: ScanStage,
    pub reason: CutReason,
}

/// A stage of one target's scan, in the order they run.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ScanStage {
    /// Name resolution.
    Resolve,
    /// The X.224 negotiation matrix.
    Negotiation,
    /// TLS versions and suites, the modern handshake, the certificate and CredSSP.
    Tls,
    /// The client replays.
    Clients,
    /// MCS past X.224 or TLS (beside the TLS stage).
    Mcs,
}

/// Why a scan was cut short.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CutReason {
    /// `--target-timeout` passed.
    Deadline,
    /// SIGINT or SIGTERM, and the grace period passed.
    Interrupted,
}

/// How much a scan covers.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Negotiation, every version and suite, groups, CredSSP, the client replays.
    #[default]
    Full,
    /// `--quick`: negotiation and one handshake for the certificate; versions and suites are not enumerated.
    Quick,
}

/// The verdict on one target: the severity that decides the exit code, a sentence that says who cannot connect
/// (or what matters most), and the simulated clients that cannot connect.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Verdict {
    /// The highest severity found; null when nothing was found.
    pub severity: Option<Severity>,
    /// What kind of verdict it is.
    pub outcome: VerdictOutcome,
    /// One plain sentence, e.g. "mstsc on Windows 10 22H2 cannot connect: the server offers only TLS1.3".
    pub summary: String,
    /// Ids of the client profiles that cannot connect.
    pub clients_failing: Vec<String>,
}

/// What kind of verdict: whether clients are locked out, or the server is reachable but weak, or it breaks the
/// site's policy.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum VerdictOutcome {
    /// The target could not be scanned.
    Unreachable,
    /// The scan started but failed (e.g. TLS failed).
    ScanFailed,
    /// Simulated clients cannot connect, or a finding says connections fail.
    ConnectionsFail,
    /// Everyone connects, with high-severity weaknesses.
    AtRisk,
    /// Everyone connects, with medium-severity weaknesses.
    Weaknesses,
    /// Everyone connects and nothing else matters more, but a policy rule is violated.
    PolicyViolated,
    /// Nothing above low severity.
    Ok,
}

impl VerdictOutcome {
    /// The words the table opens with, e.g. `CONNECTIONS FAIL`.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Unreachable => "UNREACHABLE",
            Self::ScanFailed => "SCAN FAILED",
            Self::ConnectionsFail => "CONNECTIONS FAIL",
            Self::AtRisk => "AT RISK",
            Self::Weaknesses => "WEAKNESSES",
            Self::PolicyViolated => "POLICY VIOLATED",
            Self::Ok => "OK",
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ProtocolResult {
    /// The server selected exactly the protocol asked for.
    Accepted,
    /// RDP_NEG_FAILURE.
    Refused,
    /// The server answered RDP_NEG_RSP selecting another protocol (or a bare legacy CC).
    NotSelected,
    /// The server disconnected (X.224 DR, MCS Disconnect Provider Ultimatum, or a close).
    Disconnected,
    /// No usable reply: timeout, garbage.
    Error,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ProtocolProbe {
    /// Spelt `rdp`, `ssl`, `hybrid`, `rdstls`, `hybrid_ex`, `rdsaad`.
    #[serde(with = "codes::protocol_key")]
    pub protocol: Protocols,
    pub result: ProtocolResult,
    /// The protocol the server selected, if it answered RDP_NEG_RSP (or `rdp` for a bare legacy CC).
    #[serde(with = "codes::protocol_key::option")]
    pub selected: Option<Protocols>,
    /// RDP_NEG_FAILURE code, spelt by name, e.g. `SSL_REQUIRED_BY_SERVER`, or `unknown(0x07)`.
    pub failure_code: Option<FailureCode>,
    /// RDP_NEG_RSP flags, spelt as a list of names.
    #[serde(default, with = "codes::flag_names")]
    pub flags: ResponseFlags,
    /// What went wrong, for `disconnected` and `error`.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Nla {
    /// Every request without CredSSP is refused.
    Required,
    /// CredSSP is accepted, but so is something weaker.
    Supported,
    Unsupported,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Negotiation {
    pub protocols: Vec<ProtocolProbe>,
    pub nla: Nla,
    /// Standard RDP security (no TLS) is accepted.
    pub standard_rdp_security: bool,
    /// The server answered with a Connection Confirm carrying no negotiation data (pre-RDP 5.2 style).
    pub legacy_server: bool,
    /// Union of the RDP_NEG_RSP flags seen, spelt as a list of names.
    #[serde(with = "codes::flag_names")]
    pub flags: ResponseFlags,
}

impl Negotiation {
    /// The probe of `protocol`, when it was made.
    pub fn probe(&self, protocol: Protocols) -> Option<&ProtocolProbe> {
        self.protocols.iter().find(|p| p.protocol == protocol)
    }

    /// The protocols (report keys) accepted without CredSSP: standard RDP security and TLS alone.
    pub fn accepted_without_credssp(&self) -> Vec<String> {
        self.protocols
            .iter()
            .filter(|p| {
                p.result == ProtocolResult::Accepted
                    && matches!(p.protocol, Protocols::RDP | Protocols::SSL)
            })
            .map(|p| p.protocol.key())
            .collect()
    }

    /// Whether the server selected exactly `protocol` when asked for it.
    pub fn accepted(&self, protocol: Protocols) -> bool {
        self.probe(protocol)
            .is_some_and(|p| p.result == ProtocolResult::Accepted)
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "info" => Self::Info,
            "low" => Self::Low,
            "medium" => Self::Medium,
            "high" => Self::High,
            "critical" => Self::Critical,
            other => return Err(format!("unknown severity {other:?}")),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Finding {
    /// Stable identifier, e.g. `cert-expired`.
    pub id: FindingId,
    pub severity: Severity,
    pub title: String,
    /// The evidence, with numbers.
    pub detail: String,
    /// What RDP clients show when this bites, where public sources document it.
    pub client_error: Option<String>,
    /// Concrete steps to fix it.
    pub fix: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClientResult {
    /// The profile's id (`data/clients.toml`, or a user's `--clients` file).
    pub id: String,
    pub name: String,
    pub connects: bool,
    /// What the client connects with: a TLS version, or `standard RDP security`.
    pub version: Option<ClientSecurity>,
    /// The suite negotiated, by IANA name.
    #[serde(with = "codes::suite_name::option")]
    pub suite: Option<CipherSuite>,
    /// Why it cannot connect, in words.
    pub reason: Option<String>,
    pub client_error: Option<String>,
    /// Why it cannot connect, as a type (not in the JSON: `reason` says it in words).
    #[serde(skip)]
    pub failure: Option<ClientFailure>,
    /// The profile counts as current (`current` in the profiles file; not in the JSON).
    #[serde(skip)]
    pub current: bool,
    /// The client is mstsc, Windows' own (`family = "mstsc"` in the profiles file; not in the JSON).
    #[serde(skip)]
    pub mstsc: bool,
    /// A short name for sentences, e.g. "Windows 10 22H2" (`short_name`; not in the JSON).
    #[serde(skip)]
    pub short_name: String,
    /// Versions the client may also offer, unconfirmed by any public source (not in the JSON).
    #[serde(skip)]
    pub unverified_versions: Vec<ProtocolVersion>,
    /// Where the server's answer to this client came from: its own hello replayed, or derived from the
    /// enumeration's evidence without a connection.
    pub evidence: ClientEvidenceSource,
}

/// Where a client's verdict comes from.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ClientEvidenceSource {
    /// The client's own hello was sent, and the server answered it.
    #[default]
    Replayed,
    /// The enumeration already proved the answer (every version the client offers refused outright, or its pick
    /// fixed by the complete suite set and the server's known order): not sent.
    Derived,
    /// Nothing was sent: the server offers no TLS path.
    None,
}

/// The security a simulated client gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientSecurity {
    Tls(ProtocolVersion),
    /// No TLS: the server selects standard RDP security.
    StandardRdp,
}

impl std::fmt::Display for ClientSecurity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Tls(v) => v.fmt(f),
            Self::StandardRdp => f.write_str(STANDARD_RDP),
        }
    }
}

const STANDARD_RDP: &str = "standard RDP security";

impl Serialize for ClientSecurity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClientSecurity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text == STANDARD_RDP {
            return Ok(Self::StandardRdp);
        }
        codes::version_by_label(&text)
            .map(Self::Tls)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown client security {text:?}")))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct CredsspReport {
    /// The TSRequest version the server answered with (2 to 6); null when the probe failed.
    pub version: Option<u32>,
    /// Version 5 or later: the March 2018 CVE-2018-0886 fix is installed.
    pub patched: Option<bool>,
    /// errorCode of the server's TSRequest, an NTSTATUS such as `0xC000005E`.
    pub error_code: Option<String>,
    /// What the server's NTLM CHALLENGE says about it.
    pub ntlm: Option<NtlmReport>,
    /// Why the probe did not get an answer (step `credssp`).
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct NtlmReport {
    /// Windows build, e.g. `10.0.17763`.
    pub product_version: Option<String>,
    pub target_name: Option<String>,
    pub netbios_computer: Option<String>,
    pub netbios_domain: Option<String>,
    pub dns_computer: Option<String>,
    pub dns_domain: Option<String>,
    pub dns_tree: Option<String>,
    /// The server's clock (RFC 3339).
    pub server_time: Option<String>,
    /// Server clock minus the scanner's, in seconds, when the answer arrived.
    pub clock_skew_s: Option<i64>,
}

impl From<&crate::wire::credssp::NtlmChallenge> for NtlmReport {
    /// What the server's CHALLENGE says about it; its clock is compared with ours by the analysis.
    fn from(c: &crate::wire::credssp::NtlmChallenge) -> Self {
        Self {
            product_version: c.version.map(|v| v.to_string()),
            target_name: c.target_name.clone(),
            netbios_computer: c.netbios_computer.clone(),
            netbios_domain: c.netbios_domain.clone(),
            dns_computer: c.dns_computer.clone(),
            dns_domain: c.dns_domain.clone(),
            dns_tree: c.dns_tree.clone(),
            server_time: None,
            clock_skew_s: None,
        }
    }
}
