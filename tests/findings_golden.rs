//! Golden tests of every finding: reports built in code (no network), the findings each gives, and the words the
//! catalogue (`data/findings.toml`) gives them.

mod reports;

use std::collections::BTreeSet;

use rdptls::analysis::catalogue::{self, Catalogue};
use rdptls::analysis::{self, findings, policy};
use rdptls::model::{
    AlertDescription, ChainTrust, ConnectionStage, CredsspReport, EncryptionLevel,
    EncryptionMethod, Ending, ErrorInfo, ErrorKind, FindingId, LimitPattern, LimitsReport, Nla,
    RdpCertificateKind, RdpCertificateReport, RdpSecurityReport, Rejection, RootSource, ScanError,
    SelfSigned, Severity, StageReport, Status, Step, TargetReport, TlsObservations, TlsReport,
    Trust, VersionSupport,
};
use reports::*;

use Severity::*;

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
            c.self_signed = SelfSigned::Yes;
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
            c.self_signed = SelfSigned::Yes;
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
        name: "CA-issued chain without a path to a system root",
        report: || {
            with_chain(
                SelfSigned::No,
                Trust::Untrusted(NO_PATH.into()),
                RootSource::System,
            )
        },
        warn_days: 30,
        expect: &[("cert-untrusted", Medium)],
        contains: &[
            ("cert-untrusted", "system trust store"),
            ("cert-untrusted", NO_PATH),
            ("cert-untrusted", "the server sends 2"),
            ("cert-untrusted", "--ca-file"),
            ("cert-untrusted", "0123456789ABCDEF0123456789ABCDEF01234567"),
            (
                "cert-untrusted",
                "could not be authenticated due to problems with its",
            ),
            (
                "cert-untrusted",
                "unable to get local issuer certificate (20)",
            ),
            ("cert-untrusted", "Cert:\\LocalMachine\\CA"),
        ],
    },
    Case {
        name: "CA-issued chain that the CA file does not validate",
        report: || {
            with_chain(
                SelfSigned::No,
                Trust::Untrusted(NO_PATH.into()),
                RootSource::CaFile,
            )
        },
        warn_days: 30,
        expect: &[("cert-untrusted", Medium)],
        contains: &[("cert-untrusted", "roots of `--ca-file`")],
    },
    Case {
        name: "self-signed certificate outside every trust store",
        report: || {
            with_chain(
                SelfSigned::Yes,
                Trust::Untrusted(NO_PATH.into()),
                RootSource::System,
            )
        },
        warn_days: 30,
        expect: &[],
        contains: &[],
    },
    Case {
        name: "CA-issued chain invalid only for the leaf's own name",
        report: || {
            let mut r = with_chain(
                SelfSigned::No,
                Trust::LeafInvalid("the certificate is not issued for the name checked".into()),
                RootSource::System,
            );
            r.certificate.as_mut().unwrap().name_matches = Some(false);
            r
        },
        warn_days: 30,
        expect: &[("cert-name-mismatch", Medium)],
        contains: &[],
    },
    Case {
        name: "chain not checked: an algorithm the validator cannot check",
        report: || {
            with_chain(
                SelfSigned::Unknown,
                Trust::Unknown("P-521".into()),
                RootSource::System,
            )
        },
        warn_days: 30,
        expect: &[],
        contains: &[],
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
        name: "every current mstsc locked out: critical, whatever else connects",
        report: || {
            let mut r = healthy();
            r.clients = vec![
                client("mstsc-win7-no-tls12", true, None),
                client("mstsc-win10", false, Some("no TLS version in common: the client offers TLS1.0, TLS1.1, TLS1.2, the server accepts TLS1.3")),
                client("mstsc-win11", false, Some("no TLS version in common: the client offers TLS1.0, TLS1.1, TLS1.2, the server accepts TLS1.3")),
                client("mstsc-ws2025", false, Some("no TLS version in common: the client offers TLS1.0, TLS1.1, TLS1.2, the server accepts TLS1.3")),
                client("freerdp-3", true, None),
            ];
            r
        },
        warn_days: 30,
        expect: &[
            ("client-incompatible", Critical),
            ("no-shared-suite", Critical),
        ],
        contains: &[(
            "client-incompatible",
            "mstsc-win10, mstsc-win11, mstsc-ws2025",
        )],
    },
    Case {
        name: "only a legacy client locked out: medium",
        report: || {
            let mut r = healthy();
            r.clients[0] = client(
                "mstsc-win7-no-tls12",
                false,
                Some("no TLS version in common"),
            );
            r
        },
        warn_days: 30,
        expect: &[("client-incompatible", Medium), ("no-shared-suite", Medium)],
        contains: &[],
    },
    Case {
        name: "a TLS 1.3 server that requires a client certificate",
        report: || {
            let mut r = healthy();
            let t = r.tls.as_mut().unwrap();
            t.client_certificate_requested = true;
            t.rejected_after_handshake = Some(Rejection {
                alert: Some(AlertDescription::CERTIFICATE_REQUIRED),
                detail: "received fatal alert: CertificateRequired".into(),
            });
            r
        },
        warn_days: 30,
        expect: &[("client-cert-required", High)],
        contains: &[
            ("client-cert-required", "requires a client certificate"),
            ("client-cert-required", "CertificateRequired"),
            ("client-cert-required", "ERRCONNECT_TLS_CONNECT_FAILED"),
        ],
    },
    Case {
        name: "a server that asks for a client certificate and accepts none",
        report: || {
            let mut r = healthy();
            r.tls.as_mut().unwrap().client_certificate_requested = true;
            r
        },
        warn_days: 30,
        expect: &[("client-cert-required", Low)],
        contains: &[("client-cert-required", "accepts clients without one")],
    },
    Case {
        name: "a TLS 1.3 server that closes right after the handshake",
        report: || {
            let mut r = healthy();
            r.tls.as_mut().unwrap().rejected_after_handshake = Some(Rejection {
                alert: Some(AlertDescription::HANDSHAKE_FAILURE),
                detail: "received fatal alert: HandshakeFailure".into(),
            });
            r
        },
        warn_days: 30,
        expect: &[("tls-rejected-after-handshake", High)],
        contains: &[("tls-rejected-after-handshake", "alert: handshake_failure")],
    },
    Case {
        name: "a server that refuses the name mstsc sends (SNI)",
        report: || {
            let mut r = healthy();
            r.clients[1] = client(
                "mstsc-win10",
                false,
                Some(
                    "the server refuses the name the client sends in SNI (alert unrecognized_name)",
                ),
            );
            r
        },
        warn_days: 30,
        expect: &[("sni-required", High), ("client-incompatible", High)],
        contains: &[
            ("sni-required", "mstsc-win10"),
            ("sni-required", "rdp.example.com"),
            ("sni-required", "Connect by the DNS name"),
        ],
    },
    Case {
        name: "a server whose every pick was not offered",
        report: || {
            let mut r = healthy();
            r.status = Status::Error;
            r.error = Some(ScanError::new(
                Step::Tls,
                ErrorKind::Protocol,
                "the server answered 3 ClientHello(s) with picks that were not offered",
            ));
            r.certificate = None;
            r.tls = Some(TlsReport {
                violations: vec!["the server picked suite 0xbeef, which was not offered".into(); 3],
                modern_handshake_error: Some("tls: peer misbehaved".into()),
                ..TlsReport::default()
            });
            r
        },
        warn_days: 30,
        expect: &[("tls-rogue-pick", High), ("tls-unavailable", Critical)],
        contains: &[
            ("tls-rogue-pick", "3 ServerHello(s)"),
            ("tls-rogue-pick", "0xbeef"),
            ("tls-rogue-pick", "peer misbehaved"),
        ],
    },
    Case {
        name: "an empty certificate list",
        report: || {
            let mut r = healthy();
            r.certificate = None;
            r.tls.as_mut().unwrap().certificate_list_empty = true;
            r
        },
        warn_days: 30,
        expect: &[("cert-missing", Critical)],
        contains: &[("cert-missing", "no certificate")],
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
        // High, not critical: who is locked out is the client findings' to say (issue 8).
        expect: &[
            ("tls12-disabled", High),
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
                    version: version("TLS1.2"),
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
    Case {
        name: "closed before the Connection Confirm (MaxOutstandingConnections)",
        report: || limited(&[LimitPattern::ClosedBeforeConfirm]),
        warn_days: 30,
        expect: &[("connection-limit", Medium)],
        contains: &[
            ("connection-limit", "MaxOutstandingConnections"),
            ("connection-limit", "event 1006"),
            (
                "connection-limit",
                "3 connection(s) closed before the Connection Confirm",
            ),
            (
                "connection-limit",
                "rdptls had 5 connection(s) of its own open",
            ),
            ("connection-limit", "0x904"),
        ],
    },
    Case {
        name: "SYNs dropped by a full backlog",
        report: || limited(&[LimitPattern::SynDropped]),
        warn_days: 30,
        expect: &[("connection-limit", Medium)],
        contains: &[
            ("connection-limit", "listen backlog"),
            (
                "connection-limit",
                "2 TCP handshake(s) needed a SYN retransmission",
            ),
        ],
    },
    Case {
        name: "refused in MCS",
        report: || limited(&[LimitPattern::SynDropped, LimitPattern::RefusedInMcs]),
        warn_days: 30,
        expect: &[("connection-limit", Medium)],
        contains: &[
            ("connection-limit", "MaxInstanceCount"),
            ("connection-limit", "fSingleSessionPerUser"),
            ("connection-limit", "refused the connection in MCS"),
        ],
    },
    Case {
        name: "Set Error Info: server denied the connection",
        report: || ended_with(ErrorInfo::SERVER_DENIED_CONNECTION),
        warn_days: 30,
        expect: &[("server-error-info", High)],
        contains: &[
            ("server-error-info", "0x904"),
            ("server-error-info", "extended error 0x7"),
            ("server-error-info", "MaxInstanceCount"),
            ("server-error-info", "MachineKeys"),
            ("server-error-info", "0x00000007"),
        ],
    },
    Case {
        name: "Set Error Info: FIPS",
        report: || ended_with(ErrorInfo::SERVER_DENIED_CONNECTION_FIPS),
        warn_days: 30,
        expect: &[("server-error-info", High)],
        contains: &[("server-error-info", "FIPS compliant algorithms")],
    },
    Case {
        name: "Set Error Info: another code",
        report: || ended_with(ErrorInfo(0x0000_0009)),
        warn_days: 30,
        expect: &[("server-error-info", High)],
        contains: &[("server-error-info", "0x00000009")],
    },
    Case {
        name: "standard RDP security at level low with 40-bit keys and a 512-bit key",
        report: || {
            native(
                &[EncryptionMethod::BIT40, EncryptionMethod::BIT128],
                EncryptionLevel::LOW,
                512,
            )
        },
        warn_days: 30,
        expect: &[("rdp-weak-encryption", High), ("rdp-key-small", Medium)],
        contains: &[
            ("rdp-weak-encryption", "40bit RC4"),
            ("rdp-weak-encryption", "MinEncryptionLevel"),
            ("rdp-key-small", "512 bits"),
            ("rdp-key-small", "xrdp-keygen"),
        ],
    },
    Case {
        name: "standard RDP security at level low, 128-bit only",
        report: || native(&[EncryptionMethod::BIT128], EncryptionLevel::LOW, 2048),
        warn_days: 30,
        expect: &[("rdp-weak-encryption", Medium)],
        contains: &[("rdp-weak-encryption", "level low")],
    },
    Case {
        name: "standard RDP security at level high",
        report: || native(&[EncryptionMethod::BIT128], EncryptionLevel::HIGH, 2048),
        warn_days: 30,
        expect: &[("rdp-encryption-high", Info)],
        contains: &[("rdp-encryption-high", "40- or 56-bit")],
    },
    Case {
        name: "standard RDP security, FIPS only",
        report: || native(&[EncryptionMethod::FIPS], EncryptionLevel::FIPS, 2048),
        warn_days: 30,
        expect: &[("rdp-fips-only", Info)],
        contains: &[("rdp-fips-only", "3DES")],
    },
];

/// A healthy server whose MCS stage ended with Set Error Info `code`.
fn ended_with(code: ErrorInfo) -> TargetReport {
    let mut r = healthy();
    r.stage = Some(StageReport {
        reached: ConnectionStage::Mcs,
        ended_by: Ending::ErrorInfo(code),
    });
    r
}

/// A healthy server whose standard RDP security (enumerated; the security layer's own findings are not part of
/// this report) accepts `methods` at `level` with a proprietary key of `bits`.
fn native(methods: &[EncryptionMethod], level: EncryptionLevel, bits: u32) -> TargetReport {
    let mut r = healthy();
    r.rdp_security = Some(RdpSecurityReport {
        methods: methods.to_vec(),
        level: Some(level),
        server_random_present: true,
        certificate: Some(RdpCertificateReport {
            kind: RdpCertificateKind::Proprietary,
            key_bits: Some(bits),
            signature_ok: Some(true),
        }),
    });
    r
}

/// A healthy server that showed these connection-limit patterns (5 of rdptls's connections open at the first).
fn limited(patterns: &[LimitPattern]) -> TargetReport {
    let mut r = healthy();
    r.connection_limits = Some(LimitsReport {
        patterns: patterns.to_vec(),
        open_connections: 5,
        peak_open: 7,
        closed_before_confirm: 3,
        syn_retransmits: 2,
        recovered_after_backoff: 3,
    });
    r
}

#[test]
fn golden_findings() {
    let mut failures = Vec::new();
    for case in CASES {
        let report = (case.report)();
        let found = findings::evaluate(&report, &opts(case.warn_days));
        let got: BTreeSet<(String, Severity)> = found
            .iter()
            .map(|f| (f.id.to_string(), f.severity))
            .collect();
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
            assert!(
                !text_of(f).contains("{{"),
                "{}: {} has an unfilled template:\n{}",
                case.name,
                f.id,
                text_of(f)
            );
            if f.severity >= Low {
                assert!(f.fix.is_some(), "{}: {} has no fix", case.name, f.id);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every id that has a golden case: the table's, the policy rules' (each violated on `violating()`), and
/// `cert-unparseable` (from `analysis::complete`).
fn covered_ids() -> BTreeSet<FindingId> {
    let mut covered: BTreeSet<FindingId> = CASES
        .iter()
        .flat_map(|c| {
            c.expect
                .iter()
                .map(|(id, _)| id.parse().expect("a known id"))
        })
        .collect();
    let p = policy::parse(FULL_POLICY).unwrap();
    covered.extend(policy::evaluate(&p, &violating()).iter().map(|f| f.id));
    let mut r = healthy();
    analysis::complete(&mut r, &unparseable_chain(), None, None, &opts(30));
    covered.extend(r.findings.iter().map(|f| f.id));
    covered.extend(unread_certificate().findings.iter().map(|f| f.id));
    covered
}

#[test]
fn a_certificate_no_handshake_could_read_is_said_so() {
    let r = unread_certificate();
    let f = get(&r.findings, "cert-unreadable");
    assert_eq!(f.severity, Info);
    let text = text_of(f);
    assert!(text.contains("no shared signature scheme"), "{text}");
    assert!(text.contains("SSLCertificateSHA1Hash"), "{text}");
    assert!(!text.contains("{{"), "{text}");
    // No TLS at all: nothing to say about a certificate.
    let mut r = healthy();
    r.certificate = None;
    r.tls = None;
    analysis::complete(&mut r, &TlsObservations::default(), None, None, &opts(30));
    assert!(!r.findings.iter().any(|f| f.id == FindingId::CertUnreadable));
}

const NO_PATH: &str = "no path to a trusted root: the issuing CA is not trusted";

/// The healthy report with this self-signed verdict and chain verdict.
fn with_chain(self_signed: SelfSigned, trust: Trust, roots: RootSource) -> TargetReport {
    let mut r = healthy();
    let c = r.certificate.as_mut().unwrap();
    c.self_signed = self_signed;
    c.chain = Some(ChainTrust { trust, roots });
    r
}

/// TLS works, yet no handshake showed the certificate: `cert-unreadable` (from `analysis::complete`).
fn unread_certificate() -> TargetReport {
    let mut r = healthy();
    r.certificate = None;
    r.tls.as_mut().unwrap().modern_handshake_error =
        Some("tls: handshake failed: no shared signature scheme".into());
    analysis::complete(&mut r, &TlsObservations::default(), None, None, &opts(30));
    r
}

fn unparseable_chain() -> TlsObservations {
    TlsObservations {
        chain: vec![vec![0x30, 0x03, 0x01, 0x02]],
        ..TlsObservations::default()
    }
}

#[test]
fn every_finding_id_has_a_catalogue_entry_and_a_golden_case_and_the_reverse() {
    let catalogue = Catalogue::parse(catalogue::BUILTIN).expect("data/findings.toml parses");
    let listed: BTreeSet<FindingId> = catalogue.entries.keys().copied().collect();
    let emitted: BTreeSet<FindingId> = FindingId::ALL.iter().copied().collect();
    assert_eq!(
        listed, emitted,
        "the catalogue and the ids the code can emit differ"
    );
    let covered = covered_ids();
    for id in &listed {
        assert!(covered.contains(id), "no golden case for {id}");
    }
    for id in &covered {
        assert!(
            listed.contains(id),
            "{id} has a golden case but no catalogue entry"
        );
    }
    for entry in catalogue.entries.values() {
        assert!(!entry.sources.is_empty(), "{} cites no source", entry.id);
        // Rules use the variants where there are some, else the finding's own words.
        let variants: Vec<Option<&str>> = if entry.variants.is_empty() {
            vec![None]
        } else {
            entry.variants.keys().map(|v| Some(v.as_str())).collect()
        };
        for variant in variants {
            let w = entry.wording(variant).unwrap();
            assert!(
                w.title.is_some() && w.detail.is_some(),
                "{} {variant:?}: a title and a detail",
                entry.id
            );
        }
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
    analysis::complete(&mut r, &unparseable_chain(), None, None, &opts(30));
    let ids: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(ids.contains(&"cert-unparseable"), "{ids:?}");
    assert_eq!(get(&r.findings, "cert-unparseable").severity, High);
    // Most severe first, ties by id: cert-unparseable and tls12-disabled are both high.
    assert_eq!(r.findings[0].id.as_str(), "cert-unparseable");
    assert_eq!(r.findings[1].id.as_str(), "tls12-disabled");
    assert!(r
        .findings
        .windows(2)
        .all(|w| w[0].severity >= w[1].severity));
}
