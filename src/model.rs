//! The scan report: the data every layer above the probes shares, and the JSON contract (`docs/json.md`).
//!
//! Field names and enum spellings here are a published interface: add fields, never rename or remove them.

use serde::{Deserialize, Serialize};

/// The JSON document's version. Raise it only for an incompatible change.
pub const REPORT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub version: u32,
    pub targets: Vec<TargetReport>,
    pub stats: Stats,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Stats {
    /// TCP connections opened, counted, not estimated.
    pub connections: u64,
    pub elapsed_ms: u64,
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
    /// Name resolution or a local error.
    Other,
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
    pub stats: Stats,
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
    /// `rdp`, `ssl`, `hybrid`, `rdstls`, `hybrid_ex`, `rdsaad`.
    pub protocol: String,
    pub result: ProtocolResult,
    /// The protocol the server selected, if it answered RDP_NEG_RSP (or `rdp` for a bare legacy CC).
    pub selected: Option<String>,
    /// RDP_NEG_FAILURE code name, e.g. `SSL_REQUIRED_BY_SERVER`, or `unknown(0x07)`.
    pub failure_code: Option<String>,
    /// RDP_NEG_RSP flag names.
    #[serde(default)]
    pub flags: Vec<String>,
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
    /// Union of RDP_NEG_RSP flag names seen.
    pub flags: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct VersionSupport {
    /// `SSL3.0`, `TLS1.0`, `TLS1.1`, `TLS1.2`, `TLS1.3`.
    pub version: String,
    pub supported: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SuiteEntry {
    pub version: String,
    /// `0xC030`.
    pub id: String,
    /// IANA name, or `unknown(0x....)`.
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Negotiated {
    pub version: String,
    pub suite: SuiteEntry,
    /// How the certificate was read: `rustls` or `raw` (a hand-built ClientHello).
    pub via: String,
    /// The RDP protocol requested to reach TLS (`ssl` or `hybrid`), or `direct`.
    pub path: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct TlsReport {
    pub versions: Vec<VersionSupport>,
    pub cipher_suites: Vec<SuiteEntry>,
    /// The handshake that read the certificate.
    pub negotiated: Option<Negotiated>,
    /// Per version: does the server impose its own order? (`null`: not determined.)
    #[serde(default)]
    pub server_order: Vec<ServerOrder>,
    /// Key-exchange groups the server accepts.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Smallest DH prime, in bits, seen with a DHE suite.
    #[serde(default)]
    pub dh_bits: Option<u32>,
    /// What the enumeration could not trust or finish: picks of things not offered, hellos that kept failing.
    #[serde(default)]
    pub anomalies: Vec<String>,
    /// ClientHellos the enumeration sent.
    #[serde(default)]
    pub hellos: u64,
    /// Why a modern client's handshake (rustls: TLS 1.3, or TLS 1.2 with ECDHE and AEAD) failed; null when
    /// it succeeded.
    #[serde(default)]
    pub modern_handshake_error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ServerOrder {
    pub version: String,
    pub enforced: Option<bool>,
    /// The server's order, most preferred first, when it enforces one.
    pub order: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyInfo {
    /// `RSA`, `EC`, `Ed25519`, `DSA`, or the OID.
    #[serde(rename = "type")]
    pub kind: String,
    pub bits: u32,
    /// Curve name for EC keys.
    pub curve: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CertificateReport {
    pub subject: String,
    pub issuer: String,
    /// CN and SAN DNS names and IP addresses, CN first.
    pub names: Vec<String>,
    pub serial: String,
    /// RFC 3339.
    pub not_before: String,
    pub not_after: String,
    /// Whole days until `not_after`; negative once expired.
    pub days_left: i64,
    pub expired: bool,
    pub not_yet_valid: bool,
    /// The certificate's own key verifies its signature.
    pub self_signed: bool,
    pub key: KeyInfo,
    /// e.g. `sha256WithRSAEncryption`.
    pub signature_algorithm: String,
    /// Upper-case hex, no separators, as Windows shows it.
    pub sha1_thumbprint: String,
    pub sha256_fingerprint: String,
    /// Extended key usages, by name where known (`serverAuth`, `remoteDesktopAuth`) or OID.
    pub eku: Vec<String>,
    pub key_usage: Vec<String>,
    /// Whether the name the user typed matches the certificate (`null` when no name to check).
    pub name_matches: Option<bool>,
    /// The chain length the server sent (leaf included).
    pub chain_length: usize,
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
    pub id: String,
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
    pub id: String,
    pub name: String,
    pub connects: bool,
    pub version: Option<String>,
    pub suite: Option<String>,
    pub reason: Option<String>,
    pub client_error: Option<String>,
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
