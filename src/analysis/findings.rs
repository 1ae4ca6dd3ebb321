//! Findings: each problem the scan shows, with severity, evidence, the client error it causes and the fix.

use crate::analysis::certificate::is_weak_signature;
use crate::analysis::AnalysisOptions;
use crate::model::{ErrorKind, Finding, Nla, ProtocolResult, Severity, Status, Step, TargetReport};

/// mstsc's dialog when the certificate fails validation (Windows 10/11 wording).
const MSTSC_CERT_WARNING: &str = "mstsc: \"The remote computer could not be authenticated due to problems with \
its security certificate. It may be unsafe to proceed.\" (or a hard failure when the client enforces \
server authentication)";

const FIX_RENEW_SELF_SIGNED: &str = "On the server, delete the expired certificate from the \"Remote Desktop\" \
store (certlm.msc > Remote Desktop > Certificates, or PowerShell: `Get-ChildItem 'Cert:\\LocalMachine\\Remote \
Desktop' | Where-Object NotAfter -lt (Get-Date) | Remove-Item`), then `Restart-Service TermService -Force`: \
Windows creates a new self-signed certificate. Better, assign a CA-issued certificate: `$t = '<THUMBPRINT>'; \
Get-CimInstance -Namespace root/cimv2/TerminalServices -ClassName Win32_TSGeneralSetting -Filter \
\"TerminalName='RDP-Tcp'\" | Set-CimInstance -Property @{SSLCertificateSHA1Hash=$t}`.";

const FIX_ASSIGN_CERT: &str = "Issue a new certificate (RSA-2048 or larger, SHA-256, EKU Server Authentication, \
the host name in the SAN) and bind it to RDP: `Get-CimInstance -Namespace root/cimv2/TerminalServices -ClassName \
Win32_TSGeneralSetting -Filter \"TerminalName='RDP-Tcp'\" | Set-CimInstance -Property \
@{SSLCertificateSHA1Hash='<THUMBPRINT>'}`; for xrdp set `certificate=` and `key_file=` in xrdp.ini and restart \
xrdp.";

/// Every finding the scan result shows, most severe first.
pub fn evaluate(report: &TargetReport, opts: &AnalysisOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    reachability(report, &mut out);
    negotiation(report, &mut out);
    certificate(report, opts, &mut out);
    tls(report, &mut out);
    out
}

fn finding(
    id: &str,
    severity: Severity,
    title: impl Into<String>,
    detail: impl Into<String>,
) -> Finding {
    Finding {
        id: id.to_string(),
        severity,
        title: title.into(),
        detail: detail.into(),
        client_error: None,
        fix: None,
    }
}

trait Explain {
    fn client_error(self, text: &str) -> Self;
    fn fix(self, text: &str) -> Self;
}

impl Explain for Finding {
    fn client_error(mut self, text: &str) -> Self {
        self.client_error = Some(text.to_string());
        self
    }
    fn fix(mut self, text: &str) -> Self {
        self.fix = Some(text.to_string());
        self
    }
}

fn reachability(report: &TargetReport, out: &mut Vec<Finding>) {
    let Some(err) = &report.error else { return };
    if report.status != Status::Unreachable {
        return;
    }
    let (title, fix) = match (err.step, err.kind) {
        (_, ErrorKind::Refused) => (
            "Nothing listens on the RDP port (connection refused)",
            "Check that Remote Desktop is enabled (`Set-ItemProperty 'HKLM:\\System\\CurrentControlSet\\Control\\\
Terminal Server' fDenyTSConnections 0`), that TermService runs, and the port (`PortNumber` under \
`...\\WinStations\\RDP-Tcp`). For xrdp: `systemctl status xrdp` and `port=` in xrdp.ini.",
        ),
        (Step::Connect, ErrorKind::Timeout) => (
            "The RDP port is filtered (no answer to the connection attempt)",
            "A firewall drops the traffic. On the server: `Enable-NetFirewallRule -DisplayGroup 'Remote Desktop'` \
(rules \"Remote Desktop - User Mode (TCP-In)\" and \"(UDP-In)\"); check network firewalls and NSGs on the path.",
        ),
        (_, ErrorKind::NotRdp) => (
            "Something other than an RDP server answers on this port",
            "Check the port number, and whether a proxy or another service took the port. For RD Gateway or a \
direct-TLS endpoint, scan with --direct.",
        ),
        (Step::X224, ErrorKind::Timeout) => (
            "The port accepts connections but never answers the RDP Connection Request",
            "A middlebox or a hung service holds the port. Restart TermService (or xrdp) and check for TLS \
inspection or load balancers that expect other traffic.",
        ),
        _ => (
            "The connection closes before RDP negotiation completes",
            "Check the server's event log (TermService, Schannel) or xrdp.log for the reason it drops the \
connection; connection limits and IP allow-lists do this.",
        ),
    };
    out.push(
        finding(
            "target-unreachable",
            Severity::Critical,
            title,
            err.to_string(),
        )
        .client_error(
            "mstsc: \"Remote Desktop can't connect to the remote computer\" (error 0x204); \
FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED",
        )
        .fix(fix),
    );
}

fn negotiation(report: &TargetReport, out: &mut Vec<Finding>) {
    let Some(neg) = &report.negotiation else {
        return;
    };
    let row = |key: &str| neg.protocols.iter().find(|p| p.protocol == key);
    let refused_with = |code: &str| {
        neg.protocols
            .iter()
            .filter(|p| p.failure_code.as_deref() == Some(code))
            .map(|p| p.protocol.clone())
            .collect::<Vec<_>>()
    };

    if neg.standard_rdp_security {
        let only = !neg.protocols.iter().any(|p| {
            p.result == ProtocolResult::Accepted && p.protocol != "rdp" && p.protocol != "rdsaad"
        });
        let detail = if neg.legacy_server {
            "The server answered with a legacy Connection Confirm: it speaks standard RDP security only.".to_string()
        } else {
            let who: Vec<String> = neg
                .protocols
                .iter()
                .filter(|p| p.selected.as_deref() == Some("rdp"))
                .map(|p| format!("{} request -> rdp", p.protocol))
                .collect();
            format!(
                "The server selected standard RDP security: {}.",
                who.join(", ")
            )
        };
        out.push(
            finding(
                "standard-rdp-security",
                Severity::High,
                "Standard RDP security is accepted: no server authentication, open to man-in-the-middle",
                detail,
            )
            .client_error("Clients that require TLS or NLA refuse: FreeRDP with /sec:tls or /sec:nla fails with \
ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED; mstsc with \"Require use of specific security layer\" = SSL reports an \
authentication error")
            .fix("Group Policy: Computer Configuration > Administrative Templates > Windows Components > Remote \
Desktop Services > Remote Desktop Session Host > Security > \"Require use of specific security layer for remote \
(RDP) connections\" = SSL (registry `SecurityLayer`=2 under `HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal \
Server\\WinStations\\RDP-Tcp`). For xrdp: `security_layer=tls` (or `negotiate`) in xrdp.ini."),
        );
        if only {
            out.push(
                finding(
                    "rdp-only",
                    Severity::High,
                    "The server offers only standard RDP security: neither TLS nor NLA",
                    "No request for TLS or CredSSP was accepted.",
                )
                .client_error("Clients configured to require TLS or NLA cannot connect")
                .fix("Give the server a certificate and enable the TLS security layer (see standard-rdp-security)."),
            );
        }
    }

    if neg.nla != Nla::Required && !neg.legacy_server {
        let accepted: Vec<&str> = neg
            .protocols
            .iter()
            .filter(|p| {
                p.result == ProtocolResult::Accepted && matches!(p.protocol.as_str(), "rdp" | "ssl")
            })
            .map(|p| p.protocol.as_str())
            .collect();
        if !accepted.is_empty() {
            out.push(
                finding(
                    "nla-not-required",
                    if neg.nla == Nla::Unsupported { Severity::Medium } else { Severity::Low },
                    match neg.nla {
                        Nla::Unsupported => "NLA (CredSSP) is not supported: users reach the logon screen unauthenticated",
                        _ => "NLA is supported but not required",
                    },
                    format!("Accepted without CredSSP: {}.", accepted.join(", ")),
                )
                .fix("Group Policy: ... > Remote Desktop Session Host > Security > \"Require user authentication for \
remote connections by using Network Level Authentication\" = Enabled, or `(Get-CimInstance -Namespace \
root/cimv2/TerminalServices -ClassName Win32_TSGeneralSetting -Filter \"TerminalName='RDP-Tcp'\") | \
Invoke-CimMethod -MethodName SetUserAuthenticationRequired -Arguments @{UserAuthenticationRequired=1}` \
(registry `UserAuthentication`=1). xrdp has no CredSSP server."),
            );
        }
    }

    let explain_refusal =
        |code: &str, id: &str, title: &str, client: &str, fix: &str, out: &mut Vec<Finding>| {
            let who = refused_with(code);
            if !who.is_empty() {
                out.push(
                    finding(
                        id,
                        Severity::Info,
                        title,
                        format!("{code} in answer to: {}.", who.join(", ")),
                    )
                    .client_error(client)
                    .fix(fix),
                );
            }
        };
    explain_refusal(
        "SSL_REQUIRED_BY_SERVER",
        "refused-ssl-required",
        "The server requires TLS: clients that offer only standard RDP security are refused",
        "mstsc: \"This computer can't connect to the remote computer\"; FreeRDP with /sec:rdp: \
ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED",
        "Let the client negotiate (mstsc default; FreeRDP without /sec:rdp).",
        out,
    );
    explain_refusal(
        "HYBRID_REQUIRED_BY_SERVER",
        "refused-hybrid-required",
        "The server requires NLA (CredSSP): clients without CredSSP are refused",
        "mstsc: \"The remote computer requires Network Level Authentication, which your computer does not support\"; \
FreeRDP with /sec:tls: ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED",
        "Use a client with CredSSP enabled (mstsc 6.0+; FreeRDP /sec:nla). To admit older clients, untick \
\"Allow connections only from computers running Remote Desktop with Network Level Authentication\".",
        out,
    );
    explain_refusal(
        "SSL_NOT_ALLOWED_BY_SERVER",
        "refused-ssl-not-allowed",
        "The server does not allow TLS (security layer set to RDP)",
        "Clients that require TLS or NLA fail: ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED",
        "Set the security layer to Negotiate or SSL (SecurityLayer=1 or 2), with a certificate.",
        out,
    );
    let cert_missing = refused_with("SSL_CERT_NOT_ON_SERVER");
    if !cert_missing.is_empty() {
        out.push(
            finding(
                "ssl-cert-not-on-server",
                Severity::Critical,
                "The server has no usable certificate: TLS and NLA connections fail",
                format!("SSL_CERT_NOT_ON_SERVER in answer to: {}.", cert_missing.join(", ")),
            )
            .client_error("mstsc: \"An internal error has occurred\" or \"This computer can't connect to the remote \
computer\"")
            .fix(FIX_RENEW_SELF_SIGNED),
        );
    }
    if let Some(p) = row("ssl") {
        if report.tls.is_none()
            && report.error.is_none()
            && p.result != ProtocolResult::Accepted
            && neg.nla == Nla::Unsupported
            && !neg.standard_rdp_security
        {
            out.push(finding(
                "tls-unavailable",
                Severity::High,
                "No TLS could be negotiated",
                format!("The TLS request was {}.", describe_row(p)),
            ));
        }
    }
}

fn describe_row(p: &crate::model::ProtocolProbe) -> String {
    match (&p.failure_code, &p.selected, &p.detail) {
        (Some(code), _, _) => format!("refused with {code}"),
        (_, Some(sel), _) => format!("answered by selecting {sel}"),
        (_, _, Some(d)) => d.clone(),
        _ => format!("{:?}", p.result).to_lowercase(),
    }
}

fn certificate(report: &TargetReport, opts: &AnalysisOptions, out: &mut Vec<Finding>) {
    let Some(c) = &report.certificate else { return };
    let evidence = format!(
        "Subject {}, valid {} to {}, SHA-1 thumbprint {}.",
        c.subject, c.not_before, c.not_after, c.sha1_thumbprint
    );
    if c.expired {
        out.push(
            finding(
                "cert-expired",
                Severity::Critical,
                format!("The certificate expired {} days ago", -c.days_left),
                evidence.clone(),
            )
            .client_error(MSTSC_CERT_WARNING)
            .fix(if c.self_signed {
                FIX_RENEW_SELF_SIGNED
            } else {
                FIX_ASSIGN_CERT
            }),
        );
        if c.self_signed {
            out.push(
                finding(
                    "cert-renewal-failed",
                    Severity::High,
                    "The self-signed RDP certificate expired: its automatic renewal failed",
                    format!(
                        "Windows renews its self-signed RDP certificate before it expires; this one ({}) expired \
{} days ago, so the renewal did not happen (often: a broken private key permission on MachineKeys, a GPO \
template, or a stale SSLCertificateSHA1Hash pointing at it).",
                        c.sha1_thumbprint, -c.days_left
                    ),
                )
                .client_error(MSTSC_CERT_WARNING)
                .fix(FIX_RENEW_SELF_SIGNED),
            );
        }
    } else if c.not_yet_valid {
        out.push(
            finding(
                "cert-not-yet-valid",
                Severity::High,
                "The certificate is not valid yet: the server's or the client's clock is wrong",
                evidence.clone(),
            )
            .client_error(MSTSC_CERT_WARNING)
            .fix("Check the time on server and client (`w32tm /query /status`, `w32tm /resync`); then reissue the \
certificate if its dates are wrong."),
        );
    } else if c.days_left < opts.warn_days {
        out.push(
            finding(
                "cert-expiring",
                Severity::High,
                format!("The certificate expires in {} days", c.days_left),
                evidence.clone(),
            )
            .fix(if c.self_signed {
                FIX_RENEW_SELF_SIGNED
            } else {
                FIX_ASSIGN_CERT
            }),
        );
    }
    let weak_key = match c.key.kind.as_str() {
        "RSA" | "DSA" => c.key.bits < 2048,
        "EC" => c.key.bits < 256,
        _ => false,
    };
    if weak_key {
        out.push(
            finding(
                "cert-weak-key",
                Severity::High,
                format!("The certificate key is weak: {} {} bits", c.key.kind, c.key.bits),
                "Keys below RSA-2048 (or P-256) are rejected by current clients: OpenSSL 3 at its default \
security level refuses RSA below 2048 bits."
                    .to_string(),
            )
            .client_error("FreeRDP 3 / OpenSSL 3: ERRCONNECT_TLS_CONNECT_FAILED (\"ee key too small\")")
            .fix(FIX_ASSIGN_CERT),
        );
    }
    if is_weak_signature(&c.signature_algorithm) && !c.self_signed {
        out.push(
            finding(
                "cert-weak-signature",
                Severity::Medium,
                format!("The certificate is signed with {}", c.signature_algorithm),
                "SHA-1 and MD5 signatures are forgeable; current clients distrust them.".to_string(),
            )
            .client_error("FreeRDP 3 / OpenSSL 3 at security level 1+: ERRCONNECT_TLS_CONNECT_FAILED (\"ca md too weak\")")
            .fix(FIX_ASSIGN_CERT),
        );
    } else if is_weak_signature(&c.signature_algorithm) {
        out.push(
            finding(
                "cert-weak-signature",
                Severity::Low,
                format!("The self-signed certificate uses {}", c.signature_algorithm),
                "A self-signed certificate's own signature is not checked by clients, but scanners and auditors \
flag it."
                    .to_string(),
            )
            .fix(FIX_ASSIGN_CERT),
        );
    }
    if c.name_matches == Some(false) {
        out.push(
            finding(
                "cert-name-mismatch",
                Severity::Medium,
                "The certificate does not name the host you connected to",
                format!("Names in the certificate: {}.", c.names.join(", ")),
            )
            .client_error("mstsc: \"The name in the certificate from the remote computer is invalid\" / \
\"Certificate name mismatch\"")
            .fix("Connect with a name the certificate holds, or issue a certificate whose SAN holds the name users \
type."),
        );
    }
    if !c.eku.is_empty()
        && !c
            .eku
            .iter()
            .any(|e| e == "serverAuth" || e == "remoteDesktopAuth" || e == "anyExtendedKeyUsage")
    {
        out.push(
            finding(
                "cert-eku",
                Severity::Medium,
                "The certificate's extended key usage does not allow server authentication",
                format!("EKU: {}.", c.eku.join(", ")),
            )
            .fix("Issue the certificate from a template with Server Authentication (1.3.6.1.5.5.7.3.1) or Remote \
Desktop Authentication (1.3.6.1.4.1.311.54.1.2)."),
        );
    }
}

fn tls(report: &TargetReport, out: &mut Vec<Finding>) {
    if report.status == Status::Error {
        if let Some(err) = report.error.as_ref().filter(|e| e.step == Step::Tls) {
            out.push(
                finding(
                    "tls-unavailable",
                    Severity::Critical,
                    "The TLS handshake fails",
                    err.to_string(),
                )
                .client_error(
                    "mstsc: error 0x904 with extended error 0x7 (an SSL/TLS error); FreeRDP: \
ERRCONNECT_TLS_CONNECT_FAILED [0x00020008]",
                ),
            );
        }
    }
}
