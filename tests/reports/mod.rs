//! Builders shared by the report tests (findings, policy, JUnit): scan reports made in code, no network.
#![allow(dead_code)] // each test crate uses its own part

use rdptls::analysis::clients::{builtin_profiles, ClientProfile};
use rdptls::analysis::findings;
use rdptls::analysis::AnalysisOptions;
use rdptls::model::codes;
use rdptls::model::{
    CertificateReport, ChainTrust, CipherSuite, ClientFailure, ClientResult, ClientSecurity,
    CredsspReport, ErrorKind, FailureCode, Finding, KeyInfo, KeyType, Mode, NamedGroup,
    Negotiation, Nla, NtlmReport, ProtocolProbe, ProtocolResult, ProtocolVersion, Protocols,
    Report, ResponseFlags, RootSource, ScanError, SelfSigned, ServerOrder, Stats, Status, Step,
    SuiteEntry, TargetReport, TlsReport, Trust, VersionSupport,
};
use rdptls::wire::tls::suites;

/// The version of a label (`TLS1.2`).
pub fn version(label: &str) -> ProtocolVersion {
    codes::version_by_label(label).unwrap_or_else(|| panic!("unknown version {label}"))
}

/// The protocol of a report key (`hybrid`).
pub fn protocol(key: &str) -> Protocols {
    codes::protocol_by_key(key).unwrap_or_else(|| panic!("unknown protocol {key}"))
}

pub fn suite(version_label: &str, name: &str) -> SuiteEntry {
    let info = suites::by_iana_name(name).unwrap_or_else(|| panic!("unknown suite {name}"));
    SuiteEntry::new(version(version_label), CipherSuite(info.id))
}

pub fn probe(
    key: &str,
    result: ProtocolResult,
    selected: Option<&str>,
    code: Option<&str>,
) -> ProtocolProbe {
    ProtocolProbe {
        protocol: protocol(key),
        result,
        selected: selected.map(protocol),
        failure_code: code.map(|c| {
            FailureCode::from_name(c).unwrap_or_else(|| panic!("unknown failure code {c}"))
        }),
        flags: ResponseFlags::default(),
        detail: None,
    }
}

pub fn accepted(protocol: &str) -> ProtocolProbe {
    probe(protocol, ProtocolResult::Accepted, Some(protocol), None)
}

pub fn refused(protocol: &str, code: &str) -> ProtocolProbe {
    probe(protocol, ProtocolResult::Refused, None, Some(code))
}

pub fn negotiation(protocols: Vec<ProtocolProbe>, nla: Nla, standard: bool) -> Negotiation {
    Negotiation {
        protocols,
        nla,
        standard_rdp_security: standard,
        legacy_server: false,
        flags: ResponseFlags::default(),
    }
}

/// Versions: `supported` true, every other of SSL3.0..TLS1.3 false (a full enumeration).
pub fn versions(supported: &[&str]) -> Vec<VersionSupport> {
    ["SSL3.0", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3"]
        .iter()
        .map(|v| VersionSupport {
            version: version(v),
            supported: supported.contains(v),
        })
        .collect()
}

/// A fully enumerated TLS report: `(version, suite)` pairs; the versions are those the suites name.
pub fn tls(suites: &[(&str, &str)]) -> TlsReport {
    let mut vs: Vec<&str> = suites.iter().map(|(v, _)| *v).collect();
    vs.dedup();
    TlsReport {
        versions: versions(&vs),
        cipher_suites: suites.iter().map(|(v, n)| suite(v, n)).collect(),
        negotiated: None,
        server_order: vs
            .iter()
            .map(|v| ServerOrder {
                version: version(v),
                enforced: Some(false),
                order: Vec::new(),
            })
            .collect(),
        groups: vec![NamedGroup::X25519],
        dh_bits: None,
        anomalies: Vec::new(),
        hellos: 42,
        ..TlsReport::default()
    }
}

pub const GOOD: &[(&str, &str)] = &[
    ("TLS1.3", "TLS_AES_256_GCM_SHA384"),
    ("TLS1.3", "TLS_AES_128_GCM_SHA256"),
    ("TLS1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    ("TLS1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
];

pub fn with_good(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut v = GOOD.to_vec();
    v.extend_from_slice(extra);
    v
}

pub fn cert() -> CertificateReport {
    CertificateReport {
        subject: "CN=rdp.example.com".into(),
        issuer: "CN=Example CA".into(),
        names: vec!["rdp.example.com".into()],
        serial: "01".into(),
        not_before: "2025-01-01T00:00:00Z".into(),
        not_after: "2026-01-01T00:00:00Z".into(),
        days_left: 200,
        expired: false,
        not_yet_valid: false,
        self_signed: SelfSigned::No,
        key: KeyInfo {
            kind: KeyType::Rsa,
            bits: 2048,
            curve: None,
        },
        signature_algorithm: "sha256WithRSAEncryption".into(),
        sha1_thumbprint: "0123456789ABCDEF0123456789ABCDEF01234567".into(),
        sha256_fingerprint: "00".into(),
        eku: vec!["serverAuth".into()],
        key_usage: vec!["digitalSignature".into()],
        name_matches: Some(true),
        chain_length: 2,
        chain: Some(ChainTrust {
            trust: Trust::Trusted,
            roots: RootSource::System,
        }),
    }
}

/// A simulated client's result. Whether it counts as current comes from its built-in profile; why it fails
/// is read from the reason's words, as the client analysis words it.
pub fn client(id: &str, connects: bool, reason: Option<&str>) -> ClientResult {
    let failure = reason.map(|r| {
        if r.contains("unrecognized_name") {
            ClientFailure::SniRefused
        } else if r.contains("no TLS version in common") {
            ClientFailure::NoVersionInCommon
        } else if r.contains("no cipher suite in common") {
            ClientFailure::NoSuiteInCommon
        } else {
            ClientFailure::VersionNotAccepted
        }
    });
    ClientResult {
        id: id.into(),
        name: format!("Client {id}"),
        connects,
        version: connects.then_some(ClientSecurity::Tls(ProtocolVersion::TLS1_2)),
        suite: None,
        reason: reason.map(Into::into),
        client_error: (!connects).then(|| "ERRCONNECT_TLS_CONNECT_FAILED [0x00020008]".into()),
        failure: failure.filter(|_| !connects),
        current: is_current(id),
        mstsc: profile(id).is_some_and(|p| p.entry.family.as_deref() == Some("mstsc")),
        short_name: profile(id)
            .and_then(|p| p.entry.short_name)
            .unwrap_or_else(|| format!("Client {id}")),
        unverified_versions: profile(id)
            .map(|p| p.unverified_versions)
            .unwrap_or_default(),
        evidence: Default::default(),
    }
}

/// The built-in profiles, parsed once.
pub fn profiles() -> &'static [ClientProfile] {
    static PROFILES: std::sync::OnceLock<Vec<ClientProfile>> = std::sync::OnceLock::new();
    PROFILES.get_or_init(|| builtin_profiles().expect("built-in profiles"))
}

/// The built-in profile `id`, if there is one.
pub fn profile(id: &str) -> Option<ClientProfile> {
    profiles().iter().find(|p| p.entry.id == id).cloned()
}

/// Whether the built-in profile `id` counts as current (`current = true` in data/clients.toml).
pub fn is_current(id: &str) -> bool {
    profiles()
        .iter()
        .any(|p| p.entry.id == id && p.entry.current)
}

/// The ids of the built-in profiles that count as current.
pub fn current_ids() -> Vec<String> {
    profiles()
        .iter()
        .filter(|p| p.entry.current)
        .map(|p| p.entry.id.clone())
        .collect()
}

/// A healthy server: NLA required (CredSSP alone accepted), TLS 1.2 and 1.3 with ECDHE/AEAD, a valid CA
/// certificate, every client connects. It yields no finding.
pub fn healthy() -> TargetReport {
    TargetReport {
        target: "rdp.example.com".into(),
        address: Some("192.0.2.10:3389".into()),
        status: Status::Ok,
        verdict: None,
        complete: true,
        mode: Mode::Full,
        error: None,
        negotiation: Some(negotiation(vec![accepted("hybrid")], Nla::Required, false)),
        tls: Some(tls(GOOD)),
        certificate: Some(cert()),
        credssp: None,
        clients: vec![
            client("mstsc-win7-no-tls12", true, None),
            client("mstsc-win10", true, None),
            client("mstsc-win11", true, None),
            client("freerdp-3", true, None),
        ],
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

pub fn unreachable(step: Step, kind: ErrorKind, message: &str) -> TargetReport {
    let mut r = healthy();
    r.status = Status::Unreachable;
    r.error = Some(ScanError::new(step, kind, message));
    r.negotiation = None;
    r.tls = None;
    r.certificate = None;
    r.clients = Vec::new();
    r
}

pub fn get<'a>(findings: &'a [Finding], id: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.id.as_str() == id)
        .unwrap_or_else(|| panic!("no finding {id} in {findings:#?}"))
}

pub fn text_of(f: &Finding) -> String {
    format!(
        "{}\n{}\n{}\n{}",
        f.title,
        f.detail,
        f.client_error.as_deref().unwrap_or(""),
        f.fix.as_deref().unwrap_or("")
    )
}

pub fn credssp(version: Option<u32>, skew: i64) -> CredsspReport {
    CredsspReport {
        version,
        patched: version.map(|v| v >= 5),
        error_code: None,
        ntlm: Some(NtlmReport {
            product_version: Some("6.1.7601".into()),
            netbios_computer: Some("RDP01".into()),
            clock_skew_s: Some(skew),
            server_time: Some("2025-06-15T15:16:40Z".into()),
            ..NtlmReport::default()
        }),
        error: None,
    }
}

pub fn opts(warn_days: i64) -> AnalysisOptions {
    AnalysisOptions {
        warn_days,
        now: Some(1_750_000_000),
        policy: None,
        roots: None,
    }
}

pub const FULL_POLICY: &str = r#"
severity = "medium"
min_tls_version = "TLS1.2"
forbidden_suites = ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"]
forbidden_classes = ["rc4", "3des", "null", "export", "anon", "cbc", "no-fs"]
min_days_left = 30
require_nla = true
clients_must_connect = ["mstsc-win10", "freerdp-3"]
forbid_standard_rdp_security = true
"#;

/// A server that violates every rule of `FULL_POLICY`.
pub fn violating() -> TargetReport {
    let mut r = healthy();
    r.negotiation = Some(negotiation(
        vec![accepted("rdp"), accepted("ssl"), accepted("hybrid")],
        Nla::Supported,
        true,
    ));
    r.tls = Some(tls(&[
        ("TLS1.2", "TLS_RSA_WITH_AES_128_CBC_SHA"),
        ("TLS1.2", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
        ("TLS1.0", "TLS_RSA_WITH_RC4_128_SHA"),
    ]));
    r.certificate.as_mut().unwrap().days_left = 5;
    r.clients[3] = client("freerdp-3", false, Some("no TLS version in common"));
    r
}

pub fn fleet() -> Report {
    let mut ok = violating();
    ok.target = "a<b>&\"c'".into();
    ok.findings = findings::evaluate(&ok, &opts(30));
    let mut down = unreachable(Step::Connect, ErrorKind::Refused, "connection refused");
    down.target = "down.example.com".into();
    down.findings = findings::evaluate(&down, &opts(30));
    Report::new(vec![ok, down], Stats::default())
}
