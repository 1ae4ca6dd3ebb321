//! Golden tests of every finding id, the policy rules and the JUnit report, over reports built in code (no
//! network).

use std::collections::BTreeSet;

use rdptls::analysis::policy::{self, Check, Rule};
use rdptls::analysis::{self, findings, AnalysisOptions};
use rdptls::model::{
    CertificateReport, ClientResult, CredsspReport, ErrorKind, Finding, KeyInfo, Negotiation, Nla,
    NtlmReport, ProtocolProbe, ProtocolResult, Report, ScanError, ServerOrder, Severity, Stats,
    Status, Step, SuiteEntry, TargetReport, TlsReport, VersionSupport,
};
use rdptls::report::junit;
use rdptls::wire::tls::suites;

use Severity::*;

// ---------------------------------------------------------------------------------------------------------------
// Builders

fn suite(version: &str, name: &str) -> SuiteEntry {
    let info = suites::by_iana_name(name).unwrap_or_else(|| panic!("unknown suite {name}"));
    SuiteEntry {
        version: version.into(),
        id: format!("0x{:04X}", info.id),
        name: name.into(),
    }
}

fn probe(
    protocol: &str,
    result: ProtocolResult,
    selected: Option<&str>,
    code: Option<&str>,
) -> ProtocolProbe {
    ProtocolProbe {
        protocol: protocol.into(),
        result,
        selected: selected.map(Into::into),
        failure_code: code.map(Into::into),
        flags: Vec::new(),
        detail: None,
    }
}

fn accepted(protocol: &str) -> ProtocolProbe {
    probe(protocol, ProtocolResult::Accepted, Some(protocol), None)
}

fn refused(protocol: &str, code: &str) -> ProtocolProbe {
    probe(protocol, ProtocolResult::Refused, None, Some(code))
}

fn negotiation(protocols: Vec<ProtocolProbe>, nla: Nla, standard: bool) -> Negotiation {
    Negotiation {
        protocols,
        nla,
        standard_rdp_security: standard,
        legacy_server: false,
        flags: Vec::new(),
    }
}

/// Versions: `supported` true, every other of SSL3.0..TLS1.3 false (a full enumeration).
fn versions(supported: &[&str]) -> Vec<VersionSupport> {
    ["SSL3.0", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3"]
        .iter()
        .map(|v| VersionSupport {
            version: v.to_string(),
            supported: supported.contains(v),
        })
        .collect()
}

/// A fully enumerated TLS report: `(version, suite)` pairs; the versions are those the suites name.
fn tls(suites: &[(&str, &str)]) -> TlsReport {
    let mut vs: Vec<&str> = suites.iter().map(|(v, _)| *v).collect();
    vs.dedup();
    TlsReport {
        versions: versions(&vs),
        cipher_suites: suites.iter().map(|(v, n)| suite(v, n)).collect(),
        negotiated: None,
        server_order: vs
            .iter()
            .map(|v| ServerOrder {
                version: v.to_string(),
                enforced: Some(false),
                order: Vec::new(),
            })
            .collect(),
        groups: vec!["x25519".into()],
        dh_bits: None,
        anomalies: Vec::new(),
        hellos: 42,
        ..TlsReport::default()
    }
}

const GOOD: &[(&str, &str)] = &[
    ("TLS1.3", "TLS_AES_256_GCM_SHA384"),
    ("TLS1.3", "TLS_AES_128_GCM_SHA256"),
    ("TLS1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    ("TLS1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
];

fn with_good(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut v = GOOD.to_vec();
    v.extend_from_slice(extra);
    v
}

fn cert() -> CertificateReport {
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
        self_signed: false,
        key: KeyInfo {
            kind: "RSA".into(),
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
    }
}

fn client(id: &str, connects: bool, reason: Option<&str>) -> ClientResult {
    ClientResult {
        id: id.into(),
        name: format!("Client {id}"),
        connects,
        version: connects.then(|| "TLS1.2".into()),
        suite: None,
        reason: reason.map(Into::into),
        client_error: (!connects).then(|| "ERRCONNECT_TLS_CONNECT_FAILED [0x00020008]".into()),
    }
}

/// A healthy server: NLA required (CredSSP alone accepted), TLS 1.2 and 1.3 with ECDHE/AEAD, a valid CA
/// certificate, every client connects. It yields no finding.
fn healthy() -> TargetReport {
    TargetReport {
        target: "rdp.example.com".into(),
        address: Some("192.0.2.10:3389".into()),
        status: Status::Ok,
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
        stats: Stats::default(),
    }
}

fn unreachable(step: Step, kind: ErrorKind, message: &str) -> TargetReport {
    let mut r = healthy();
    r.status = Status::Unreachable;
    r.error = Some(ScanError::new(step, kind, message));
    r.negotiation = None;
    r.tls = None;
    r.certificate = None;
    r.clients = Vec::new();
    r
}

fn get<'a>(findings: &'a [Finding], id: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no finding {id} in {findings:#?}"))
}

fn text_of(f: &Finding) -> String {
    format!(
        "{}\n{}\n{}\n{}",
        f.title,
        f.detail,
        f.client_error.as_deref().unwrap_or(""),
        f.fix.as_deref().unwrap_or("")
    )
}

// ---------------------------------------------------------------------------------------------------------------
// Findings: the table

struct Case {
    name: &'static str,
    report: fn() -> TargetReport,
    warn_days: i64,
    /// Exactly these findings, with these severities.
    expect: &'static [(&'static str, Severity)],
    /// `(id, substring)`: the finding's title, detail, client error or fix contains it.
    contains: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        name: "healthy server",
        report: healthy,
        warn_days: 30,
        expect: &[],
        contains: &[],
    },
    Case {
        name: "connection refused",
        report: || unreachable(Step::Connect, ErrorKind::Refused, "connection refused"),
        warn_days: 30,
        expect: &[("target-unreachable", Critical)],
        contains: &[
            ("target-unreachable", "connection refused"),
            ("target-unreachable", "fDenyTSConnections"),
            ("target-unreachable", "0x204"),
            (
                "target-unreachable",
                "ERRCONNECT_CONNECT_FAILED [0x00020006]",
            ),
            ("target-unreachable", "192.0.2.10:3389"),
        ],
    },
    Case {
        name: "filtered",
        report: || unreachable(Step::Connect, ErrorKind::Timeout, "no answer within 5 s"),
        warn_days: 30,
        expect: &[("target-unreachable", Critical)],
        contains: &[
            ("target-unreachable", "filtered"),
            ("target-unreachable", "Remote Desktop - User Mode (TCP-In)"),
            ("target-unreachable", "Remote Desktop - User Mode (UDP-In)"),
            ("target-unreachable", "0x108"),
        ],
    },
    Case {
        name: "not RDP",
        report: || unreachable(Step::X224, ErrorKind::NotRdp, "the reply is not TPKT"),
        warn_days: 30,
        expect: &[("target-unreachable", Critical)],
        contains: &[
            ("target-unreachable", "other than an RDP server"),
            (
                "target-unreachable",
                "ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED [0x0002000C]",
            ),
            ("target-unreachable", "--direct"),
        ],
    },
    Case {
        name: "name does not resolve",
        report: || {
            let mut r = unreachable(Step::Resolve, ErrorKind::Other, "no such host");
            r.address = None;
            r
        },
        warn_days: 30,
        expect: &[("target-unreachable", Critical)],
        contains: &[
            ("target-unreachable", "resolved"),
            ("target-unreachable", "ERRCONNECT_DNS_NAME_NOT_FOUND"),
        ],
    },
    Case {
        name: "standard RDP security accepted beside TLS and NLA",
        report: || {
            let mut r = healthy();
            r.negotiation = Some(negotiation(
                vec![accepted("rdp"), accepted("ssl"), accepted("hybrid")],
                Nla::Supported,
                true,
            ));
            r
        },
        warn_days: 30,
        expect: &[("standard-rdp-security", High), ("nla-not-required", Low)],
        contains: &[
            ("standard-rdp-security", "rdp request -> rdp"),
            ("standard-rdp-security", "SecurityLayer"),
            ("standard-rdp-security", "Nessus 18405"),
            ("nla-not-required", "Accepted without CredSSP: rdp, ssl"),
            ("nla-not-required", "SetUserAuthenticationRequired"),
        ],
    },
    Case {
        name: "standard RDP security only",
        report: || {
            let mut r = healthy();
            r.negotiation = Some(negotiation(
                vec![
                    accepted("rdp"),
                    refused("ssl", "SSL_NOT_ALLOWED_BY_SERVER"),
                    refused("hybrid", "SSL_NOT_ALLOWED_BY_SERVER"),
                ],
                Nla::Unsupported,
                true,
            ));
            r.tls = None;
            r.certificate = None;
            r.clients = Vec::new();
            r
        },
        warn_days: 30,
        expect: &[
            ("standard-rdp-security", High),
            ("rdp-only", High),
            ("nla-not-required", Medium),
            ("refused-ssl-not-allowed", Info),
        ],
        contains: &[
            ("rdp-only", "SSL_NOT_ALLOWED_BY_SERVER [0x00000002]"),
            ("refused-ssl-not-allowed", "ssl, hybrid"),
            ("nla-not-required", "not supported"),
        ],
    },
    Case {
        name: "NLA required: refusals are informational",
        report: || {
            let mut r = healthy();
            r.negotiation = Some(negotiation(
                vec![
                    refused("rdp", "HYBRID_REQUIRED_BY_SERVER"),
                    refused("ssl", "HYBRID_REQUIRED_BY_SERVER"),
                    accepted("hybrid"),
                ],
                Nla::Required,
                false,
            ));
            r
        },
        warn_days: 30,
        expect: &[("refused-hybrid-required", Info)],
        contains: &[
            (
                "refused-hybrid-required",
                "HYBRID_REQUIRED_BY_SERVER in answer to: rdp, ssl",
            ),
            (
                "refused-hybrid-required",
                "requires Network Level Authentication",
            ),
        ],
    },
    Case {
        name: "TLS required, NLA optional",
        report: || {
            let mut r = healthy();
            r.negotiation = Some(negotiation(
                vec![
                    refused("rdp", "SSL_REQUIRED_BY_SERVER"),
                    accepted("ssl"),
                    accepted("hybrid"),
                ],
                Nla::Supported,
                false,
            ));
            r
        },
        warn_days: 30,
        expect: &[("refused-ssl-required", Info), ("nla-not-required", Low)],
        contains: &[(
            "refused-ssl-required",
            "SSL_REQUIRED_BY_SERVER [0x00000001]",
        )],
    },
    Case {
        name: "no certificate on the server",
        report: || {
            let mut r = healthy();
            r.negotiation = Some(negotiation(
                vec![
                    refused("ssl", "SSL_CERT_NOT_ON_SERVER"),
                    refused("hybrid", "SSL_CERT_NOT_ON_SERVER"),
                ],
                Nla::Unsupported,
                false,
            ));
            r.tls = None;
            r.certificate = None;
            r.clients = Vec::new();
            r
        },
        warn_days: 30,
        expect: &[
            ("ssl-cert-not-on-server", Critical),
            ("tls-unavailable", High),
        ],
        contains: &[
            (
                "ssl-cert-not-on-server",
                "SSL_CERT_NOT_ON_SERVER [0x00000003]",
            ),
            ("ssl-cert-not-on-server", "MachineKeys"),
            ("tls-unavailable", "refused with SSL_CERT_NOT_ON_SERVER"),
        ],
    },
    Case {
        name: "TLS handshake fails",
        report: || {
            let mut r = healthy();
            r.status = Status::Error;
            r.error = Some(ScanError::new(
                Step::Tls,
                ErrorKind::Protocol,
                "the server refused every ClientHello",
            ));
            r.tls = None;
            r.certificate = None;
            r.clients = Vec::new();
            r
        },
        warn_days: 30,
        expect: &[("tls-unavailable", Critical)],
        contains: &[
            (
                "tls-unavailable",
                "tls: the server refused every ClientHello",
            ),
            ("tls-unavailable", "ERRCONNECT_TLS_CONNECT_FAILED"),
            ("tls-unavailable", "36874"),
        ],
    },
    Case {
        name: "expired self-signed certificate",
        report: || {
            let mut r = healthy();
            let c = r.certificate.as_mut().unwrap();
            c.days_left = -12;
            c.expired = true;
            c.self_signed = true;
            c.issuer = c.subject.clone();
            r
        },
        warn_days: 30,
        expect: &[("cert-expired", Critical), ("cert-renewal-failed", High)],
        contains: &[
            ("cert-expired", "expired 12 days ago"),
            ("cert-expired", "0x1B07"),
            ("cert-expired", "certificate has expired (10)"),
            ("cert-expired", "Cert:\\LocalMachine\\Remote Desktop"),
            ("cert-renewal-failed", "1057"),
            ("cert-renewal-failed", "Restart-Service SessionEnv"),
            (
                "cert-renewal-failed",
                "icacls C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys",
            ),
            (
                "cert-renewal-failed",
                "0123456789ABCDEF0123456789ABCDEF01234567",
            ),
        ],
    },
    Case {
        name: "expired CA certificate",
        report: || {
            let mut r = healthy();
            let c = r.certificate.as_mut().unwrap();
            c.days_left = -1;
            c.expired = true;
            r
        },
        warn_days: 30,
        expect: &[("cert-expired", Critical)],
        contains: &[
            ("cert-expired", "SSLCertificateSHA1Hash"),
            ("cert-expired", "Server authentication certificate template"),
        ],
    },
    Case {
        name: "certificate not yet valid",
        report: || {
            let mut r = healthy();
            r.certificate.as_mut().unwrap().not_yet_valid = true;
            r
        },
        warn_days: 30,
        expect: &[("cert-not-yet-valid", High)],
        contains: &[
            ("cert-not-yet-valid", "w32tm /resync"),
            ("cert-not-yet-valid", "certificate is not yet valid (9)"),
        ],
    },
    Case {
        name: "certificate expires in 10 days",
        report: || {
            let mut r = healthy();
            r.certificate.as_mut().unwrap().days_left = 10;
            r
        },
        warn_days: 30,
        expect: &[("cert-expiring", High)],
        contains: &[
            ("cert-expiring", "expires in 10 days"),
            ("cert-expiring", "1052"),
            ("cert-expiring", "Warning threshold: 30 days"),
        ],
    },
    Case {
        name: "certificate expires in 20 days",
        report: || {
            let mut r = healthy();
            r.certificate.as_mut().unwrap().days_left = 20;
            r
        },
        warn_days: 30,
        expect: &[("cert-expiring", High)],
        contains: &[],
    },
    Case {
        name: "certificate expires in 40 days, warning at 60",
        report: || {
            let mut r = healthy();
            r.certificate.as_mut().unwrap().days_left = 40;
            r
        },
        warn_days: 60,
        expect: &[("cert-expiring", High)],
        contains: &[("cert-expiring", "Warning threshold: 60 days")],
    },
    Case {
        name: "certificate expires in 40 days, warning at 30",
        report: || {
            let mut r = healthy();
            r.certificate.as_mut().unwrap().days_left = 40;
            r
        },
        warn_days: 30,
        expect: &[],
        contains: &[],
    },
    Case {
        name: "RSA-1024 certificate",
        report: || {
            let mut r = healthy();
            r.certificate.as_mut().unwrap().key.bits = 1024;
            r
        },
        warn_days: 30,
        expect: &[("cert-weak-key", High)],
        contains: &[
            ("cert-weak-key", "RSA 1024 bits"),
            ("cert-weak-key", "EE certificate key too weak"),
            ("cert-weak-key", "New-SelfSignedCertificate"),
        ],
    },
    Case {
        name: "SHA-1 signed CA certificate",
        report: || {
            let mut r = healthy();
            r.certificate.as_mut().unwrap().signature_algorithm = "sha1WithRSAEncryption".into();
            r
        },
        warn_days: 30,
        expect: &[("cert-weak-signature", Medium)],
        contains: &[
            ("cert-weak-signature", "sha1WithRSAEncryption"),
            (
                "cert-weak-signature",
                "CA signature digest algorithm too weak",
            ),
        ],
    },
    Case {
        name: "SHA-1 self-signed certificate",
        report: || {
            let mut r = healthy();
            let c = r.certificate.as_mut().unwrap();
            c.signature_algorithm = "sha1WithRSAEncryption".into();
            c.self_signed = true;
            r
        },
        warn_days: 30,
        expect: &[("cert-weak-signature", Low)],
        contains: &[],
    },
    Case {
        name: "name mismatch",
        report: || {
            let mut r = healthy();
            r.certificate.as_mut().unwrap().name_matches = Some(false);
            r
        },
        warn_days: 30,
        expect: &[("cert-name-mismatch", Medium)],
        contains: &[
            ("cert-name-mismatch", "rdp.example.com"),
            ("cert-name-mismatch", "CERTIFICATE NAME MISMATCH"),
        ],
    },
    Case {
        name: "client-auth-only EKU",
        report: || {
            let mut r = healthy();
            r.certificate.as_mut().unwrap().eku = vec!["clientAuth".into()];
            r
        },
        warn_days: 30,
        expect: &[("cert-eku", Medium)],
        contains: &[
            ("cert-eku", "EKU: clientAuth"),
            ("cert-eku", "1.3.6.1.4.1.311.54.1.2"),
            ("cert-eku", "certutil -RepairStore"),
        ],
    },
    Case {
        name: "TLS 1.0 and 1.1 beside 1.2",
        report: || {
            let mut r = healthy();
            r.tls = Some(tls(&with_good(&[
                ("TLS1.1", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
                ("TLS1.0", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
                ("TLS1.0", "TLS_RSA_WITH_RC4_128_SHA"),
            ])));
            r
        },
        warn_days: 30,
        expect: &[("tls-legacy-version", Medium), ("weak-cipher", Medium)],
        contains: &[
            ("tls-legacy-version", "TLS1.0 (2 suites), TLS1.1 (1 suite)"),
            ("tls-legacy-version", "SCHANNEL\\Protocols\\$p\\Server"),
            ("tls-legacy-version", "ssl_protocols=TLSv1.2, TLSv1.3"),
            ("weak-cipher", "TLS1.0: TLS_RSA_WITH_RC4_128_SHA (RC4)"),
        ],
    },
    Case {
        name: "SSL 3.0 enabled",
        report: || {
            let mut r = healthy();
            r.tls = Some(tls(&with_good(&[(
                "SSL3.0",
                "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            )])));
            r
        },
        warn_days: 30,
        expect: &[("tls-legacy-version", High)],
        contains: &[("tls-legacy-version", "POODLE")],
    },
    Case {
        name: "TLS 1.0 only",
        report: || {
            let mut r = healthy();
            r.tls = Some(tls(&[
                ("TLS1.0", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
                ("TLS1.0", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
            ]));
            r
        },
        warn_days: 30,
        expect: &[
            ("tls12-disabled", Critical),
            ("tls-legacy-version", Medium),
            ("tls10-cbc-only", Low),
        ],
        contains: &[
            ("tls12-disabled", "the server offers only TLS1.0"),
            ("tls12-disabled", "Windows 11"),
            ("tls12-disabled", "FreeRDP 3.27"),
            ("tls12-disabled", "36871"),
            (
                "tls12-disabled",
                "ERRCONNECT_TLS_CONNECT_FAILED [0x00020008]",
            ),
            ("tls12-disabled", "SCHANNEL\\Protocols\\TLS 1.2\\Server"),
            ("tls12-disabled", "Enabled=1 and DisabledByDefault=0"),
            ("tls12-disabled", "ssl_protocols="),
            ("tls10-cbc-only", "BEAST"),
            ("tls10-cbc-only", "every client"),
        ],
    },
    Case {
        name: "TLS 1.3 only",
        report: || {
            let mut r = healthy();
            r.tls = Some(tls(&GOOD[..2]));
            r
        },
        warn_days: 30,
        expect: &[("tls12-disabled", High)],
        contains: &[("tls12-disabled", "Windows 10")],
    },
    Case {
        name: "RC4 and 3DES beside strong suites",
        report: || {
            let mut r = healthy();
            r.tls = Some(tls(&with_good(&[
                ("TLS1.2", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
                ("TLS1.2", "TLS_RSA_WITH_RC4_128_MD5"),
            ])));
            r
        },
        warn_days: 30,
        expect: &[("weak-cipher", Medium)],
        contains: &[
            ("weak-cipher", "Sweet32"),
            ("weak-cipher", "2 weak suite(s)"),
            ("weak-cipher", "TLS1.2: TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
            (
                "weak-cipher",
                "Disable-TlsCipherSuite -Name TLS_RSA_WITH_3DES_EDE_CBC_SHA",
            ),
        ],
    },
    Case {
        name: "anonymous and NULL suites",
        report: || {
            let mut r = healthy();
            r.tls = Some(tls(&with_good(&[
                ("TLS1.2", "TLS_DH_anon_WITH_AES_128_CBC_SHA"),
                ("TLS1.2", "TLS_RSA_WITH_NULL_SHA256"),
            ])));
            r
        },
        warn_days: 30,
        expect: &[("weak-cipher", High)],
        contains: &[
            ("weak-cipher", "anonymous"),
            ("weak-cipher", "NULL: no encryption"),
        ],
    },
    Case {
        name: "EXPORT suite",
        report: || {
            let mut r = healthy();
            r.tls = Some(tls(&with_good(&[(
                "TLS1.0",
                "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
            )])));
            r
        },
        warn_days: 30,
        expect: &[("weak-cipher", High), ("tls-legacy-version", Medium)],
        contains: &[("weak-cipher", "EXPORT, RC4")],
    },
    Case {
        name: "only 3DES over RSA",
        report: || {
            let mut r = healthy();
            r.tls = Some(tls(&[("TLS1.2", "TLS_RSA_WITH_3DES_EDE_CBC_SHA")]));
            r
        },
        warn_days: 30,
        expect: &[("weak-cipher", Medium), ("no-forward-secrecy", Medium)],
        contains: &[("weak-cipher", "Every accepted suite is weak")],
    },
    Case {
        name: "RSA key exchange only at TLS 1.2",
        report: || {
            let mut r = healthy();
            r.tls = Some(tls(&[
                ("TLS1.2", "TLS_RSA_WITH_AES_256_GCM_SHA384"),
                ("TLS1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256"),
            ]));
            r.tls.as_mut().unwrap().versions = versions(&["TLS1.2"]);
            r
        },
        warn_days: 30,
        expect: &[("no-forward-secrecy", Medium)],
        contains: &[
            ("no-forward-secrecy", "At TLS1.2"),
            ("no-forward-secrecy", "TLS_RSA_WITH_AES_128_GCM_SHA256"),
            ("no-forward-secrecy", "Enable-TlsCipherSuite"),
        ],
    },
    Case {
        name: "RSA key exchange beside ECDHE is fine",
        report: || {
            let mut r = healthy();
            r.tls = Some(tls(&with_good(&[(
                "TLS1.2",
                "TLS_RSA_WITH_AES_256_GCM_SHA384",
            )])));
            r
        },
        warn_days: 30,
        expect: &[],
        contains: &[],
    },
    Case {
        name: "quick mode: one suite is no evidence of missing forward secrecy",
        report: || {
            let mut r = healthy();
            r.tls = Some(TlsReport {
                versions: vec![VersionSupport {
                    version: "TLS1.2".into(),
                    supported: true,
                }],
                cipher_suites: vec![suite("TLS1.2", "TLS_RSA_WITH_AES_256_GCM_SHA384")],
                ..TlsReport::default()
            });
            r
        },
        warn_days: 30,
        expect: &[],
        contains: &[],
    },
    Case {
        name: "TLS 1.0 with CBC beside TLS 1.2",
        report: || {
            let mut r = healthy();
            r.tls = Some(tls(&with_good(&[
                ("TLS1.0", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
                ("TLS1.0", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
            ])));
            r
        },
        warn_days: 30,
        expect: &[("tls-legacy-version", Medium), ("tls10-cbc-only", Low)],
        contains: &[("tls10-cbc-only", "2 suite(s), all CBC")],
    },
    Case {
        name: "1024-bit DH",
        report: || {
            let mut r = healthy();
            r.tls = Some(tls(&with_good(&[(
                "TLS1.2",
                "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            )])));
            r.tls.as_mut().unwrap().dh_bits = Some(1024);
            r
        },
        warn_days: 30,
        expect: &[("weak-dh", Medium)],
        contains: &[
            ("weak-dh", "1024 bits"),
            ("weak-dh", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
            ("weak-dh", "ServerMinKeyBitLength"),
            ("weak-dh", "FreeRDP 3.27"),
        ],
    },
    Case {
        name: "768-bit DH",
        report: || {
            let mut r = healthy();
            r.tls = Some(tls(&with_good(&[(
                "TLS1.2",
                "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            )])));
            r.tls.as_mut().unwrap().dh_bits = Some(768);
            r
        },
        warn_days: 30,
        expect: &[("weak-dh", High)],
        contains: &[("weak-dh", "ClientMinKeyBitLength")],
    },
    Case {
        name: "2048-bit DH is fine",
        report: || {
            let mut r = healthy();
            r.tls = Some(tls(&with_good(&[(
                "TLS1.2",
                "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            )])));
            r.tls.as_mut().unwrap().dh_bits = Some(2048);
            r
        },
        warn_days: 30,
        expect: &[],
        contains: &[],
    },
    Case {
        name: "an old client shares no version",
        report: || {
            let mut r = healthy();
            r.clients[0] = client(
                "mstsc-win7-no-tls12",
                false,
                Some("no TLS version in common: the client offers TLS1.0, the server accepts TLS1.2, TLS1.3"),
            );
            r
        },
        warn_days: 30,
        expect: &[("no-shared-suite", Medium), ("client-incompatible", Medium)],
        contains: &[
            ("no-shared-suite", "mstsc-win7-no-tls12"),
            ("no-shared-suite", "no TLS version in common"),
            ("no-shared-suite", "36874"),
            ("client-incompatible", "1 of 4 simulated client(s)"),
            (
                "client-incompatible",
                "mstsc-win7-no-tls12: ERRCONNECT_TLS_CONNECT_FAILED",
            ),
        ],
    },
    Case {
        name: "Windows 11 shares no suite",
        report: || {
            let mut r = healthy();
            r.clients[2] = client(
                "mstsc-win11",
                false,
                Some("the server refused the client's hello (alert 40): no cipher suite in common"),
            );
            r
        },
        warn_days: 30,
        expect: &[("no-shared-suite", High), ("client-incompatible", High)],
        contains: &[("client-incompatible", "mstsc-win11")],
    },
    Case {
        name: "FreeRDP 3 refuses the DH group",
        report: || {
            let mut r = healthy();
            r.clients[3] = client(
                "freerdp-3",
                false,
                Some("the server's DH group has 1024 bits; the client requires 2048"),
            );
            r
        },
        warn_days: 30,
        expect: &[("client-incompatible", High)],
        contains: &[("client-incompatible", "DH group has 1024 bits")],
    },
    Case {
        name: "CredSSP version 3: the server lacks the CVE-2018-0886 fix",
        report: || {
            let mut r = healthy();
            r.credssp = Some(credssp(Some(3), 0));
            r
        },
        warn_days: 30,
        expect: &[("credssp-unpatched", High)],
        contains: &[
            ("credssp-unpatched", "TSRequest version 3"),
            ("credssp-unpatched", "encryption oracle remediation"),
            ("credssp-unpatched", "Windows 6.1.7601"),
            ("credssp-unpatched", "AllowEncryptionOracle"),
        ],
    },
    Case {
        name: "CredSSP version 6, clock ten minutes ahead",
        report: || {
            let mut r = healthy();
            r.credssp = Some(credssp(Some(6), 600));
            r
        },
        warn_days: 30,
        expect: &[("clock-skew", Medium)],
        contains: &[("clock-skew", "10 minutes ahead"), ("clock-skew", "w32tm")],
    },
    Case {
        name: "CredSSP probe failed: nothing to say",
        report: || {
            let mut r = healthy();
            r.credssp = Some(CredsspReport {
                error: Some("credssp: the server closed the connection".into()),
                ..CredsspReport::default()
            });
            r
        },
        warn_days: 30,
        expect: &[],
        contains: &[],
    },
];

fn credssp(version: Option<u32>, skew: i64) -> CredsspReport {
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

/// Every id the findings module can produce (besides `cert-unparseable`, tested through `analysis::complete`).
const ALL_IDS: &[&str] = &[
    "target-unreachable",
    "standard-rdp-security",
    "rdp-only",
    "nla-not-required",
    "refused-ssl-required",
    "refused-hybrid-required",
    "refused-ssl-not-allowed",
    "ssl-cert-not-on-server",
    "tls-unavailable",
    "cert-expired",
    "cert-renewal-failed",
    "cert-not-yet-valid",
    "cert-expiring",
    "cert-weak-key",
    "cert-weak-signature",
    "cert-name-mismatch",
    "cert-eku",
    "tls-legacy-version",
    "tls12-disabled",
    "weak-cipher",
    "no-forward-secrecy",
    "tls10-cbc-only",
    "weak-dh",
    "no-shared-suite",
    "client-incompatible",
    "credssp-unpatched",
    "clock-skew",
];

fn opts(warn_days: i64) -> AnalysisOptions {
    AnalysisOptions {
        warn_days,
        now: Some(1_750_000_000),
        policy: None,
    }
}

#[test]
fn golden_findings() {
    let mut failures = Vec::new();
    for case in CASES {
        let report = (case.report)();
        let found = findings::evaluate(&report, &opts(case.warn_days));
        let got: BTreeSet<(String, Severity)> =
            found.iter().map(|f| (f.id.clone(), f.severity)).collect();
        let want: BTreeSet<(String, Severity)> = case
            .expect
            .iter()
            .map(|(id, s)| (id.to_string(), *s))
            .collect();
        if got != want {
            failures.push(format!("{}: expected {want:?}, got {got:?}", case.name));
            continue;
        }
        if found.len() != want.len() {
            failures.push(format!("{}: duplicate ids in {found:#?}", case.name));
        }
        for (id, needle) in case.contains {
            let text = text_of(get(&found, id));
            if !text.contains(needle) {
                failures.push(format!("{}: {id} lacks {needle:?}:\n{text}", case.name));
            }
        }
        for f in &found {
            assert!(!f.title.is_empty() && !f.detail.is_empty(), "{f:#?}");
            if f.severity >= Low {
                assert!(f.fix.is_some(), "{}: {} has no fix", case.name, f.id);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_finding_id_has_a_golden_case() {
    let covered: BTreeSet<&str> = CASES
        .iter()
        .flat_map(|c| c.expect.iter().map(|(id, _)| *id))
        .collect();
    for id in ALL_IDS {
        assert!(covered.contains(id), "no golden case for {id}");
    }
    for id in &covered {
        assert!(ALL_IDS.contains(id), "{id} is missing from ALL_IDS");
    }
}

#[test]
fn no_text_claims_what_the_research_marks_unverified() {
    // The research marks these unverified: they must not be printed as facts.
    for case in CASES {
        for f in findings::evaluate(&(case.report)(), &opts(case.warn_days)) {
            let text = text_of(&f);
            assert!(
                !text.contains("ERRCONNECT_HYBRID_REQUIRED_BY_SERVER"),
                "{}",
                f.id
            );
            assert!(
                !text.contains("ERRCONNECT_CONNECT_TRANSPORT_FAILED"),
                "{}",
                f.id
            );
            assert!(!text.contains("[UNVERIFIED]"), "{}", f.id);
        }
    }
}

#[test]
fn complete_reports_an_unparseable_certificate_and_sorts_by_severity() {
    let mut r = healthy();
    r.certificate = None;
    r.tls = Some(tls(&[
        ("TLS1.0", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
        ("TLS1.0", "TLS_RSA_WITH_RC4_128_SHA"),
    ]));
    analysis::complete(
        &mut r,
        &[vec![0x30, 0x03, 0x01, 0x02]],
        None,
        None,
        &opts(30),
    );
    let ids: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(ids.contains(&"cert-unparseable"), "{ids:?}");
    assert_eq!(get(&r.findings, "cert-unparseable").severity, High);
    assert_eq!(r.findings[0].id, "tls12-disabled");
    assert!(r
        .findings
        .windows(2)
        .all(|w| w[0].severity >= w[1].severity));
}

// ---------------------------------------------------------------------------------------------------------------
// Policy

const FULL_POLICY: &str = r#"
severity = "medium"
min_tls_version = "TLS1.2"
forbidden_suites = ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"]
forbidden_classes = ["rc4", "3des", "null", "export", "anon", "cbc", "no-fs"]
min_days_left = 30
require_nla = true
clients_must_connect = ["mstsc-win10", "freerdp-3"]
forbid_standard_rdp_security = true
"#;

#[test]
fn policy_example_file_parses() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/policy.example.toml"
    ))
    .expect("docs/policy.example.toml");
    let p = policy::parse(&text).expect("example policy");
    assert_eq!(p.rules().len(), 7);
    assert_eq!(p.severity, High);
    assert_eq!(p.min_tls_version.as_deref(), Some("TLS1.2"));
}

#[test]
fn policy_parse_errors_name_the_problem() {
    let cases: &[(&str, &str)] = &[
        ("min_tls = \"TLS1.2\"", "min_tls"),
        ("require_nla = true\nbogus_rule = 1", "bogus_rule"),
        ("min_tls_version = \"TLS1.4\"", "TLS1.4"),
        ("min_tls_version = 12", "min_tls_version"),
        (
            "forbidden_suites = [\"TLS_RSA_WITH_NOTHING\"]",
            "TLS_RSA_WITH_NOTHING",
        ),
        (
            "forbidden_suites = \"TLS_RSA_WITH_3DES_EDE_CBC_SHA\"",
            "forbidden_suites",
        ),
        ("forbidden_classes = [\"rc5\"]", "rc5"),
        ("severity = \"severe\"", "severe"),
        ("min_days_left = \"30\"", "min_days_left"),
        ("require_nla = \"yes\"", "require_nla"),
        ("clients_must_connect = [1]", "clients_must_connect"),
        ("min_days_left = ", "policy"),
    ];
    for (text, needle) in cases {
        let err = policy::parse(text).expect_err(text);
        assert!(err.contains(needle), "{text:?}: {err}");
    }
}

#[test]
fn policy_parse_accepts_version_spellings_and_defaults() {
    for v in ["TLS1.2", "tls1.2", "TLS 1.2", "TLSv1.2"] {
        let p = policy::parse(&format!("min_tls_version = \"{v}\"")).unwrap();
        assert_eq!(p.min_tls_version.as_deref(), Some("TLS1.2"), "{v}");
        assert_eq!(p.severity, High);
        assert_eq!(p.rules(), vec![Rule::MinTlsVersion]);
    }
    let p = policy::parse("require_nla = false\nforbid_standard_rdp_security = false").unwrap();
    assert!(p.rules().is_empty());
    let p = policy::parse("forbidden_suites = [\"tls_rsa_with_rc4_128_sha\"]").unwrap();
    assert_eq!(p.forbidden_suites, vec!["TLS_RSA_WITH_RC4_128_SHA"]);
}

#[test]
fn policy_healthy_server_passes_every_rule() {
    let p = policy::parse(
        r#"
min_tls_version = "TLS1.2"
forbidden_suites = ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"]
forbidden_classes = ["rc4", "3des", "null", "export", "anon", "cbc", "no-fs"]
min_days_left = 30
require_nla = true
clients_must_connect = ["mstsc-win10", "freerdp-3"]
forbid_standard_rdp_security = true
"#,
    )
    .unwrap();
    let r = healthy();
    for rule in p.rules() {
        assert_eq!(policy::check(&p, rule, &r), Check::Passed, "{rule:?}");
    }
    assert!(policy::evaluate(&p, &r).is_empty());
}

/// A server that violates every rule of `FULL_POLICY`.
fn violating() -> TargetReport {
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

#[test]
fn policy_each_rule_is_violated_with_evidence() {
    let p = policy::parse(FULL_POLICY).unwrap();
    let found = policy::evaluate(&p, &violating());
    let ids: Vec<&str> = found.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "policy-min-tls-version",
            "policy-forbidden-suites",
            "policy-forbidden-classes",
            "policy-min-days-left",
            "policy-require-nla",
            "policy-clients-must-connect",
            "policy-forbid-standard-rdp-security",
        ]
    );
    assert!(found
        .iter()
        .all(|f| f.severity == Medium && f.fix.is_some()));
    let expect: &[(&str, &str)] = &[
        ("policy-min-tls-version", "TLS1.0"),
        (
            "policy-forbidden-suites",
            "TLS1.2 TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        ),
        (
            "policy-forbidden-suites",
            "Disable-TlsCipherSuite -Name TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        ),
        (
            "policy-forbidden-classes",
            "TLS1.0 TLS_RSA_WITH_RC4_128_SHA [rc4, no-fs]",
        ),
        (
            "policy-forbidden-classes",
            "TLS1.2 TLS_RSA_WITH_3DES_EDE_CBC_SHA [3des, cbc, no-fs]",
        ),
        ("policy-forbidden-classes", "class rc4, 3des, cbc, no-fs"),
        ("policy-min-days-left", "5 days left"),
        ("policy-require-nla", "accepted without CredSSP: rdp, ssl"),
        ("policy-clients-must-connect", "freerdp-3"),
        ("policy-forbid-standard-rdp-security", "rdp request -> rdp"),
    ];
    for (id, needle) in expect {
        let text = text_of(get(&found, id));
        assert!(text.contains(needle), "{id} lacks {needle:?}:\n{text}");
    }
}

#[test]
fn policy_rules_one_at_a_time() {
    // Each rule alone, on the violating server: exactly its own finding.
    for rule in Rule::ALL {
        let line = FULL_POLICY
            .lines()
            .find(|l| l.starts_with(&format!("{} ", rule.key())))
            .unwrap();
        let p = policy::parse(line).unwrap();
        let found = policy::evaluate(&p, &violating());
        assert_eq!(found.len(), 1, "{rule:?}: {found:#?}");
        assert_eq!(found[0].id, rule.finding_id());
        assert_eq!(found[0].severity, High);
    }
}

#[test]
fn policy_clients_missing_from_simulation_and_unknown_ids() {
    let p = policy::parse("clients_must_connect = [\"mstsc-win12\"]").unwrap();
    let found = policy::evaluate(&p, &healthy());
    assert_eq!(found.len(), 1);
    assert!(
        found[0].detail.contains("not simulated"),
        "{}",
        found[0].detail
    );
    assert!(p
        .validate_clients(&["mstsc-win10", "freerdp-3"])
        .unwrap_err()
        .contains("mstsc-win12"));
    let mut r = healthy();
    r.clients.clear();
    assert!(matches!(
        policy::check(&p, Rule::ClientsMustConnect, &r),
        Check::Skipped(_)
    ));
}

#[test]
fn policy_rules_that_cannot_be_checked_give_no_findings() {
    let p = policy::parse(FULL_POLICY).unwrap();
    let r = unreachable(Step::Connect, ErrorKind::Timeout, "no answer");
    assert!(policy::evaluate(&p, &r).is_empty());
    for rule in p.rules() {
        assert!(
            matches!(policy::check(&p, rule, &r), Check::Skipped(_)),
            "{rule:?}"
        );
    }
    // TLS failed: negotiation rules still apply, TLS and certificate rules are skipped.
    let mut r = violating();
    r.status = Status::Error;
    r.error = Some(ScanError::new(
        Step::Tls,
        ErrorKind::Protocol,
        "handshake failed",
    ));
    r.tls = None;
    r.certificate = None;
    r.clients.clear();
    let ids: Vec<String> = policy::evaluate(&p, &r).into_iter().map(|f| f.id).collect();
    assert_eq!(
        ids,
        vec!["policy-require-nla", "policy-forbid-standard-rdp-security"]
    );
}

#[test]
fn policy_min_tls_version_when_nothing_new_enough_is_offered() {
    let p = policy::parse("min_tls_version = \"TLS1.2\"").unwrap();
    let mut r = healthy();
    r.tls = Some(tls(&[("TLS1.0", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")]));
    let f = &policy::evaluate(&p, &r)[0];
    assert!(f.detail.contains("accepts none of them"), "{}", f.detail);
    assert!(f.fix.as_deref().unwrap().contains("TLS 1.2\\Server"));
}

#[test]
fn policy_apply_merges_and_sorts() {
    let p = policy::parse("severity = \"critical\"\nrequire_nla = true").unwrap();
    let mut r = violating();
    r.findings = findings::evaluate(&r, &opts(30));
    policy::apply(&p, &mut r);
    policy::apply(&p, &mut r);
    assert_eq!(r.findings[0].id, "policy-require-nla");
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| f.id.starts_with("policy-"))
            .count(),
        1
    );
}

// ---------------------------------------------------------------------------------------------------------------
// JUnit

fn fleet() -> Report {
    let mut ok = violating();
    ok.target = "a<b>&\"c'".into();
    ok.findings = findings::evaluate(&ok, &opts(30));
    let mut down = unreachable(Step::Connect, ErrorKind::Refused, "connection refused");
    down.target = "down.example.com".into();
    down.findings = findings::evaluate(&down, &opts(30));
    Report {
        version: 1,
        targets: vec![ok, down],
        stats: Stats::default(),
    }
}

fn attr<'a>(n: &roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    n.attribute(name)
        .unwrap_or_else(|| panic!("no {name} on {n:?}"))
}

fn count_attr(n: &roxmltree::Node, name: &str) -> usize {
    attr(n, name).parse().unwrap()
}

/// Checks the count attributes of every suite and of the root against the elements; returns the suites.
fn check_counts<'a, 'i>(doc: &'a roxmltree::Document<'i>) -> Vec<roxmltree::Node<'a, 'i>> {
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let mut totals = [0usize; 4];
    for s in &suites {
        let cases: Vec<_> = s
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        let has = |tag: &str| {
            cases
                .iter()
                .filter(|c| c.children().any(|x| x.has_tag_name(tag)))
                .count()
        };
        let counts = [cases.len(), has("failure"), has("error"), has("skipped")];
        for (i, name) in ["tests", "failures", "errors", "skipped"]
            .iter()
            .enumerate()
        {
            assert_eq!(
                count_attr(s, name),
                counts[i],
                "{name} of {}",
                attr(s, "name")
            );
            totals[i] += counts[i];
        }
    }
    for (i, name) in ["tests", "failures", "errors", "skipped"]
        .iter()
        .enumerate()
    {
        assert_eq!(count_attr(&root, name), totals[i], "total {name}");
    }
    suites
}

fn case_outcome<'a>(
    suite: &roxmltree::Node<'a, '_>,
    name: &str,
) -> Option<(String, Option<String>)> {
    let case = suite
        .children()
        .find(|c| c.has_tag_name("testcase") && c.attribute("name") == Some(name))
        .unwrap_or_else(|| panic!("no testcase {name}"));
    case.children().find(|c| c.is_element()).map(|e| {
        (
            e.tag_name().name().to_string(),
            e.attribute("type").map(str::to_string),
        )
    })
}

#[test]
fn junit_without_policy_has_a_case_per_category() {
    let xml = junit::render(&fleet(), None, Some(High));
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let suites = check_counts(&doc);
    assert_eq!(suites.len(), 2);
    let (ok, down) = (&suites[0], &suites[1]);
    assert_eq!(attr(ok, "name"), "a<b>&\"c'");
    let names: Vec<&str> = ok
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| attr(&n, "name"))
        .collect();
    assert_eq!(
        names,
        vec![
            "reachability",
            "certificate",
            "tls",
            "security-layer",
            "clients"
        ]
    );
    assert_eq!(case_outcome(ok, "reachability"), None);
    // cert-expiring (5 days) is high; standard-rdp-security is high; client-incompatible is high.
    assert_eq!(
        case_outcome(ok, "certificate"),
        Some(("failure".into(), Some("high".into())))
    );
    assert_eq!(
        case_outcome(ok, "security-layer"),
        Some(("failure".into(), Some("high".into())))
    );
    assert_eq!(
        case_outcome(ok, "clients"),
        Some(("failure".into(), Some("high".into())))
    );
    // tls12-disabled is absent (TLS 1.2 is offered); weak-cipher and no-forward-secrecy are medium.
    assert_eq!(case_outcome(ok, "tls"), None);
    let failure = ok
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(failure.text().unwrap().contains("Fix: "));

    assert_eq!(attr(down, "errors"), "1");
    assert_eq!(
        case_outcome(down, "reachability"),
        Some(("error".into(), Some("unreachable".into())))
    );
    let error = down
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .unwrap();
    assert!(attr(&error, "message").contains("connection refused"));
    assert!(error.text().unwrap().contains("fDenyTSConnections"));
    assert_eq!(case_outcome(down, "tls"), Some(("skipped".into(), None)));
}

#[test]
fn junit_fail_on_thresholds() {
    let doc_for = |fail_on| {
        let xml = junit::render(&fleet(), None, fail_on);
        roxmltree::Document::parse(&xml).unwrap();
        xml
    };
    let medium = doc_for(Some(Medium));
    let doc = roxmltree::Document::parse(&medium).unwrap();
    let suites = check_counts(&doc);
    assert_eq!(
        case_outcome(&suites[0], "tls"),
        Some(("failure".into(), Some("medium".into())))
    );
    let none = doc_for(None);
    let doc = roxmltree::Document::parse(&none).unwrap();
    let suites = check_counts(&doc);
    assert_eq!(attr(&suites[0], "failures"), "0");
    assert_eq!(
        attr(&suites[1], "errors"),
        "1",
        "unreachable stays an error"
    );
}

#[test]
fn junit_with_policy_has_a_case_per_rule() {
    let p = policy::parse(FULL_POLICY).unwrap();
    let xml = junit::render(&fleet(), Some(&p), Some(Critical));
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let suites = check_counts(&doc);
    let ok = &suites[0];
    assert_eq!(count_attr(ok, "tests"), 8);
    assert_eq!(
        count_attr(ok, "failures"),
        7,
        "policy rules fail whatever fail_on is"
    );
    assert_eq!(
        case_outcome(ok, "min-tls-version"),
        Some(("failure".into(), Some("medium".into())))
    );
    let down = &suites[1];
    assert_eq!(count_attr(down, "tests"), 8);
    assert_eq!(count_attr(down, "errors"), 1);
    assert_eq!(count_attr(down, "skipped"), 7);

    let healthy_report = Report {
        version: 1,
        targets: vec![healthy()],
        stats: Stats::default(),
    };
    let xml = junit::render(&healthy_report, Some(&p), Some(Info));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suites = check_counts(&doc);
    assert_eq!(count_attr(&suites[0], "failures"), 0);
    assert_eq!(count_attr(&suites[0], "tests"), 8);
}

#[test]
fn junit_escapes_control_characters_from_the_server() {
    let mut r = healthy();
    r.certificate.as_mut().unwrap().subject = "CN=evil\u{1}<x>]]>&".into();
    r.certificate.as_mut().unwrap().days_left = 3;
    r.findings = findings::evaluate(&r, &opts(30));
    let report = Report {
        version: 1,
        targets: vec![r],
        stats: Stats::default(),
    };
    let xml = junit::render(&report, None, Some(High));
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(failure.text().unwrap().contains("CN=evil\u{FFFD}<x>]]>&"));
}
