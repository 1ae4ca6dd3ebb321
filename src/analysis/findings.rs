//! Findings: each problem the scan shows, with severity, evidence, the client error it causes and the fix.
//!
//! Finding ids are a published interface (`docs/json.md`): never rename one. The ids, by area:
//! - reachability: `target-unreachable` (distinct titles for DNS, refused, filtered, not RDP, no X.224 answer);
//! - security layer: `standard-rdp-security`, `rdp-only`, `nla-not-required`, `refused-ssl-required`,
//!   `refused-hybrid-required`, `refused-ssl-not-allowed`, `ssl-cert-not-on-server`, `tls-unavailable`;
//! - certificate: `cert-unparseable` (from [`crate::analysis::complete`]), `cert-expired`, `cert-renewal-failed`,
//!   `cert-not-yet-valid`, `cert-expiring`, `cert-weak-key`, `cert-weak-signature`, `cert-name-mismatch`,
//!   `cert-eku`;
//! - TLS: `tls-legacy-version`, `tls12-disabled`, `weak-cipher`, `no-forward-secrecy`, `tls10-cbc-only`,
//!   `weak-dh`;
//! - clients: `no-shared-suite` (one finding listing every client profile that shares no version or suite with
//!   the server), `client-incompatible` (one finding listing every client profile that fails, whatever the
//!   reason).
//!
//! Texts follow `data/FINDINGS-RESEARCH.md`: a client error is quoted only where a public source documents it,
//! and what the research marks unverified is said as such.

use crate::analysis::certificate::is_weak_signature;
use crate::analysis::AnalysisOptions;
use crate::model::{
    ClientResult, ErrorKind, Finding, Nla, ProtocolResult, Severity, Status, Step, SuiteEntry,
    TargetReport, TlsReport,
};
use crate::wire::tls::codes::CipherSuite;
use crate::wire::tls::suites::{self, Kx, SuiteInfo};

/// Client profiles (`data/clients.toml` ids) that count as current: one of them failing makes
/// `client-incompatible` and `no-shared-suite` high.
pub const CURRENT_CLIENTS: &[&str] = &[
    "mstsc-win10",
    "mstsc-win11",
    "mstsc-ws2019",
    "mstsc-ws2022",
    "mstsc-ws2025",
    "freerdp-3",
];

/// What clients show when the certificate is expired (mstsc with server authentication on, FreeRDP).
const CERT_EXPIRED_CLIENT: &str = concat!(
    r#"mstsc with server authentication required: "Remote Desktop cannot connect to the remote computer because "#,
    r#"the authentication certificate received from the remote computer is expired or invalid. In some cases, "#,
    r#"this error might also be caused by a large time discrepancy between the client and server computers." "#,
    r#"(ActiveX code 0x1B07, SSL_ERR_CERT_EXPIRED); with server authentication set to warn, mstsc shows a "#,
    r#"certificate prompt instead. FreeRDP: "Certificate verification failure 'certificate has expired (10)'", "#,
    r#"then its certificate prompt; declining it ends the connection."#
);

const CERT_NOT_YET_VALID_CLIENT: &str = concat!(
    r#"mstsc with server authentication required: "Remote Desktop cannot connect to the remote computer because "#,
    r#"the authentication certificate received from the remote computer is expired or invalid. In some cases, "#,
    r#"this error might also be caused by a large time discrepancy between the client and server computers." "#,
    r#"FreeRDP: "Certificate verification failure 'certificate is not yet valid (9)'", then its certificate "#,
    r#"prompt."#
);

/// The repair of a self-signed RDP certificate that Windows did not renew (research: cert-renewal-failed).
pub(crate) const FIX_RENEW_SELF_SIGNED: &str = concat!(
    r#"1. Delete the stale certificate so that Windows makes a new one (elevated PowerShell): "#,
    r#"`Get-ChildItem 'Cert:\LocalMachine\Remote Desktop' | Remove-Item`, then "#,
    r#"`Restart-Service SessionEnv -Force; Restart-Service TermService -Force` (restarting TermService drops the "#,
    r#"RDP sessions); or in the Certificates MMC (Local Computer) > Remote Desktop > Certificates > Delete. "#,
    r#"2. If Event 1057 or 1058 or Schannel event 36870 persists, repair the MachineKeys ACL: "#,
    r#"`takeown /f C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys /a /r` and "#,
    r#"`icacls C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys /t /c /grant "NT AUTHORITY\System:(F)" "#,
    r#""NT AUTHORITY\NETWORK SERVICE:(R)" "BUILTIN\Administrators:(F)"`, then restart TermService. "#,
    r#"3. Or bind a valid certificate from LocalMachine\My (EKU Server Authentication or Remote Desktop "#,
    r#"Authentication; NETWORK SERVICE needs Read on its private key): `Get-CimInstance -Namespace "#,
    r#"root/cimv2/TerminalServices -ClassName Win32_TSGeneralSetting -Filter "TerminalName='RDP-tcp'" | "#,
    r#"Set-CimInstance -Property @{SSLCertificateSHA1Hash='<THUMBPRINT>'}` (40 hex characters, no spaces). "#,
    r#"4. If SSLCertificateSHA1Hash names a certificate that no longer exists, delete the value "#,
    r#"`SSLCertificateSHA1Hash` under `HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp` "#,
    r#"to fall back to the self-signed certificate. xrdp: replace the files named by `certificate=` and "#,
    r#"`key_file=` in [Globals] of /etc/xrdp/xrdp.ini, then `systemctl restart xrdp`."#
);

/// Renewing or replacing a CA-issued (or any non-self-signed) certificate.
pub(crate) const FIX_ASSIGN_CERT: &str = concat!(
    r#"Renew or re-issue the certificate (RSA 2048 bits or more, SHA-256, EKU Server Authentication "#,
    r#"1.3.6.1.5.5.7.3.1 or Remote Desktop Authentication 1.3.6.1.4.1.311.54.1.2, every name clients type in the "#,
    r#"SAN), import it into LocalMachine\My, grant NETWORK SERVICE Read on its private key, and bind it: "#,
    r#"`Get-CimInstance -Namespace root/cimv2/TerminalServices -ClassName Win32_TSGeneralSetting -Filter "#,
    r#""TerminalName='RDP-tcp'" | Set-CimInstance -Property @{SSLCertificateSHA1Hash='<THUMBPRINT>'}`; check "#,
    r#"with `Get-CimInstance -Namespace root/cimv2/TerminalServices -ClassName Win32_TSGeneralSetting | Select "#,
    r#"TerminalName,SSLCertificateSHA1Hash`. To automate renewal, set the GPO Computer Configuration\"#,
    r#"Administrative Templates\Windows Components\Remote Desktop Services\Remote Desktop Session Host\Security\"#,
    r#""Server authentication certificate template" (the template's name, not its display name; grant Enroll, "#,
    r#"not Autoenroll). xrdp: replace the files named by `certificate=` and `key_file=` in [Globals] of "#,
    r#"/etc/xrdp/xrdp.ini, then `systemctl restart xrdp`."#
);

const FIX_WEAK_KEY: &str = concat!(
    r#"Re-issue the certificate with an RSA key of 2048 bits or more (3072 if FreeRDP clients may run at "#,
    r#"security level 3); for a CA template, set Minimum key size = 2048. Self-signed, for testing: "#,
    r#"`New-SelfSignedCertificate -DnsName host.example.com -CertStoreLocation Cert:\LocalMachine\My "#,
    r#"-KeyAlgorithm RSA -KeyLength 3072 -HashAlgorithm SHA256 -TextExtension "#,
    r#"@('2.5.29.37={text}1.3.6.1.5.5.7.3.1')`, grant NETWORK SERVICE Read on its key, then bind it: "#,
    r#"`Get-CimInstance -Namespace root/cimv2/TerminalServices -ClassName Win32_TSGeneralSetting -Filter "#,
    r#""TerminalName='RDP-tcp'" | Set-CimInstance -Property @{SSLCertificateSHA1Hash='<THUMBPRINT>'}`. xrdp: "#,
    r#"`openssl req -x509 -newkey rsa:3072 -sha256 -days 365 -nodes -keyout key.pem -out cert.pem -subj "#,
    r#""/CN=host.example.com" -addext "subjectAltName=DNS:host.example.com"`, then point `certificate=` and "#,
    r#"`key_file=` at the new files and `systemctl restart xrdp`."#
);

/// Disabling SSL 3.0 / TLS 1.0 / TLS 1.1 on the server.
pub(crate) const FIX_LEGACY_TLS: &str = concat!(
    r#"First make sure TLS 1.2 works for RDP on this server (Server 2008 R2 needs KB3080079 and TLS 1.2 "#,
    r#"enabled, see tls12-disabled; otherwise RDP breaks). Then, in an elevated PowerShell: "#,
    r#"`foreach ($p in 'SSL 3.0','TLS 1.0','TLS 1.1') { $k = "#,
    r#""HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\$p\Server"; New-Item $k "#,
    r#"-Force | Out-Null; New-ItemProperty $k -Name Enabled -Value 0 -PropertyType DWord -Force; "#,
    r#"New-ItemProperty $k -Name DisabledByDefault -Value 1 -PropertyType DWord -Force }`, then reboot. "#,
    r#"Clients without TLS 1.2 (mstsc on Windows 7 without KB3080079) can no longer connect afterwards: they "#,
    r#"show "This computer can't connect to the remote computer" or "An internal error has occurred", and the "#,
    r#"server logs Schannel events 36874/36888. xrdp: `ssl_protocols=TLSv1.2, TLSv1.3` in [Globals] of "#,
    r#"/etc/xrdp/xrdp.ini, then `systemctl restart xrdp`."#
);

/// Enabling TLS 1.2 on the server.
pub(crate) const FIX_ENABLE_TLS12: &str = concat!(
    r#"Enable TLS 1.2 in Schannel: under "#,
    r#"`HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server` (and "#,
    r#"`...\TLS 1.2\Client`) set the DWORDs Enabled=1 and DisabledByDefault=0: `foreach ($s in "#,
    r#"'Server','Client') { $k = "HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\"#,
    r#"TLS 1.2\$s"; New-Item $k -Force | Out-Null; New-ItemProperty $k -Name Enabled -Value 1 -PropertyType "#,
    r#"DWord -Force; New-ItemProperty $k -Name DisabledByDefault -Value 0 -PropertyType DWord -Force }`, then "#,
    r#"reboot. Windows Server 2008 R2 / Windows 7 first need KB3080079 (RDS support for TLS 1.1 and 1.2). On "#,
    r#"Server 2012 and later TLS 1.2 is on by default: look for Enabled=0 under that key and remove it. xrdp: "#,
    r#"include TLSv1.2 in `ssl_protocols=` in [Globals] of /etc/xrdp/xrdp.ini (e.g. `ssl_protocols=TLSv1.2, "#,
    r#"TLSv1.3`), then `systemctl restart xrdp`."#
);

/// Removing weak cipher suites.
pub(crate) const FIX_WEAK_CIPHERS: &str = concat!(
    r#"Windows: remove the suites with the GPO Computer Configuration > Administrative Templates > Network > "#,
    r#"SSL Configuration Settings > "SSL Cipher Suite Order" (list only the suites you want), or per suite: "#,
    r#"`Disable-TlsCipherSuite -Name TLS_RSA_WITH_3DES_EDE_CBC_SHA`, `Disable-TlsCipherSuite -Name "#,
    r#"TLS_RSA_WITH_RC4_128_SHA`, `Disable-TlsCipherSuite -Name TLS_RSA_WITH_RC4_128_MD5`; check with "#,
    r#"`Get-TlsCipherSuite | Select Name`. 3DES is still enabled by default up to Server 2025. xrdp: "#,
    r#"`tls_ciphers=HIGH:!aNULL:!eNULL:!RC4:!3DES:!MD5` in [Globals] of /etc/xrdp/xrdp.ini and no "#,
    r#"`@SECLEVEL=0`, then `systemctl restart xrdp`."#
);

/// Preferring forward-secret suites.
pub(crate) const FIX_FORWARD_SECRECY: &str = concat!(
    r#"Windows: put ECDHE suites first with the GPO Computer Configuration > Administrative Templates > Network > "#,
    r#"SSL Configuration Settings > "SSL Cipher Suite Order", or `Enable-TlsCipherSuite -Name "#,
    r#"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 -Position 0`. Keep TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 / "#,
    r#"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 or TLS_DHE_RSA_WITH_AES_*_GCM_* for Windows 7 / 8.1 clients, which "#,
    r#"have no ECDHE_RSA GCM suite. Then remove the RSA key-exchange suites: `Disable-TlsCipherSuite -Name "#,
    r#"TLS_RSA_WITH_AES_256_GCM_SHA384` (repeat for each TLS_RSA_*). xrdp: "#,
    r#"`tls_ciphers=ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:ECDHE+AES` in [Globals] of /etc/xrdp/xrdp.ini."#
);

const FIX_WEAK_DH: &str = concat!(
    r#"Windows: `$k='HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\KeyExchangeAlgorithms\"#,
    r#"Diffie-Hellman'; New-Item $k -Force | Out-Null; New-ItemProperty $k -Name ServerMinKeyBitLength -Value "#,
    r#"2048 -PropertyType DWord -Force`, then reboot (without the value the default is 2048 on Windows 10 / "#,
    r#"Server 2016 and later). Or remove the TLS_DHE_* suites with `Disable-TlsCipherSuite -Name <suite>`. "#,
    r#"xrdp: drop DHE with `:!kDHE` at the end of `tls_ciphers=` in /etc/xrdp/xrdp.ini."#
);

const FIX_NO_SHARED_SUITE: &str = concat!(
    r#"Add at least one suite (and version) each client offers; the client table names the clients and their "#,
    r#"reasons. Windows 7 / 8.1 need TLS_ECDHE_RSA_WITH_AES_*_CBC_SHA* or TLS_DHE_RSA_WITH_AES_*_GCM_*; FreeRDP "#,
    r#"needs any suite of OpenSSL's DEFAULT list. Windows: `Enable-TlsCipherSuite -Name <suite>` or the GPO "#,
    r#""SSL Cipher Suite Order"; for a missing version see tls12-disabled. xrdp: widen `tls_ciphers=` and "#,
    r#"`ssl_protocols=` in /etc/xrdp/xrdp.ini."#
);

/// Requiring the TLS security layer (no standard RDP security).
pub(crate) const FIX_SECURITY_LAYER: &str = concat!(
    r#"GPO: Computer Configuration\Administrative Templates\Windows Components\Remote Desktop Services\"#,
    r#"Remote Desktop Session Host\Security\"Require use of specific security layer for remote (RDP) "#,
    r#"connections" = Enabled, Security Layer = SSL. Registry: `SecurityLayer` (DWORD) = 2 under "#,
    r#"`HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp` (0 = RDP, 1 = Negotiate, "#,
    r#"2 = TLS). WMI: `Get-CimInstance -Namespace root/cimv2/TerminalServices -ClassName Win32_TSGeneralSetting "#,
    r#"-Filter "TerminalName='RDP-tcp'" | Invoke-CimMethod -MethodName SetSecurityLayer -Arguments "#,
    r#"@{SecurityLayer=2}`. xrdp: `security_layer=tls` in [Globals] of /etc/xrdp/xrdp.ini."#
);

/// Requiring NLA.
pub(crate) const FIX_NLA: &str = concat!(
    r#"GPO: ...\Remote Desktop Session Host\Security\"Require user authentication for remote connections by "#,
    r#"using Network Level Authentication" = Enabled. PowerShell: `Get-CimInstance -Namespace "#,
    r#"root/cimv2/TerminalServices -ClassName Win32_TSGeneralSetting -Filter "TerminalName='RDP-tcp'" | "#,
    r#"Invoke-CimMethod -MethodName SetUserAuthenticationRequired -Arguments @{UserAuthenticationRequired=1}` "#,
    r#"(registry `UserAuthentication` = 1 under `...\WinStations\RDP-Tcp`). GUI: System Properties > Remote > "#,
    r#""Allow connections only from computers running Remote Desktop with Network Level Authentication". xrdp "#,
    r#"has no CredSSP server: restrict exposure with a firewall, VPN or gateway."#
);

/// Every finding the scan result shows, in evaluation order (callers sort; see [`crate::analysis::complete`]).
pub fn evaluate(report: &TargetReport, opts: &AnalysisOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    reachability(report, &mut out);
    negotiation(report, &mut out);
    certificate(report, opts, &mut out);
    tls(report, &mut out);
    credssp(report, &mut out);
    clients(report, &mut out);
    out
}

/// The verbatim message of a patched mstsc blocked by an unpatched server (windows-kb.md 2.4, [V]).
const CREDSSP_ORACLE_ERROR: &str = "mstsc: \"An authentication error has occurred. The function requested is not \
supported. Remote computer: <name>. This could be due to CredSSP encryption oracle remediation.\" (clients from \
before April 2018 show only \"...The function requested is not supported\")";

/// CredSSP as the server speaks it: the CVE-2018-0886 fix, and the server's clock.
fn credssp(report: &TargetReport, out: &mut Vec<Finding>) {
    let Some(c) = &report.credssp else { return };
    if let (Some(version), Some(false)) = (c.version, c.patched) {
        out.push(
            finding(
                "credssp-unpatched",
                Severity::High,
                format!("The server's CredSSP predates the CVE-2018-0886 fix (TSRequest version {version})"),
                format!(
                    "The server answered a version 6 TSRequest with version {version}; versions 5 and 6 come with the \
March 2018 CredSSP update. Patched clients set to \"Mitigated\" (the default since May 2018) or \"Force Updated \
Clients\" refuse it (Microsoft's interoperability matrix, KB4295591).{}",
                    c.ntlm
                        .as_ref()
                        .and_then(|n| n.product_version.as_ref())
                        .map(|v| format!(" The server's NTLM reports Windows {v}."))
                        .unwrap_or_default()
                ),
            )
            .client_error(CREDSSP_ORACLE_ERROR)
            .fix("Install the CredSSP update on the server (May 2018 or any later cumulative update: KB4103718 \
for Windows 7 / 2008 R2, KB4103725 for 8.1 / 2012 R2, KB4103723 for 2016), then restart it. Do not set clients' \
\"Encryption Oracle Remediation\" policy (HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\\
CredSSP\\Parameters\\AllowEncryptionOracle) to Vulnerable (2) except as a short-lived workaround."),
        );
    }
    let skew = c.ntlm.as_ref().and_then(|n| n.clock_skew_s);
    if let Some(skew) = skew.filter(|s| s.abs() > 300) {
        out.push(
            finding(
                "clock-skew",
                Severity::Medium,
                format!("The server's clock is {} minutes {} the scanner's", skew.abs() / 60, if skew > 0 { "ahead of" } else { "behind" }),
                format!(
                    "The NTLM CHALLENGE's timestamp says {} ({skew} s from this machine). Kerberos, which NLA uses in a \
domain, tolerates 5 minutes by default; certificates can also look not yet valid or expired.",
                    c.ntlm.as_ref().and_then(|n| n.server_time.clone()).unwrap_or_default()
                ),
            )
            .fix("Synchronise the clocks: on Windows `w32tm /config /syncfromflags:domhier /update` (domain members) or \
`w32tm /config /manualpeerlist:<ntp server> /syncfromflags:manual /update`, then `w32tm /resync`."),
        );
    }
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
    fn client_error(self, text: impl Into<String>) -> Self;
    fn fix(self, text: impl Into<String>) -> Self;
}

impl Explain for Finding {
    fn client_error(mut self, text: impl Into<String>) -> Self {
        self.client_error = Some(text.into());
        self
    }
    fn fix(mut self, text: impl Into<String>) -> Self {
        self.fix = Some(text.into());
        self
    }
}

fn reachability(report: &TargetReport, out: &mut Vec<Finding>) {
    let Some(err) = &report.error else { return };
    if report.status != Status::Unreachable {
        return;
    }
    const FIX_ALLOW_RDP: &str = concat!(
        r#"Allow RDP: `Set-ItemProperty 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server' -Name "#,
        r#"fDenyTSConnections -Value 0` (if a GPO sets it, the value lives under "#,
        r#"`HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services` and is rewritten at each refresh: change "#,
        r#"the GPO "Allow users to connect remotely by using Remote Desktop Services" instead). Service: "#,
        r#"`Get-Service TermService`, `Start-Service TermService`. Port: the listener's `PortNumber` under "#,
        r#"`HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp`; test with "#,
        r#"`Test-NetConnection <host> -Port 3389`. xrdp: `systemctl enable --now xrdp`, `port=` in "#,
        r#"/etc/xrdp/xrdp.ini."#
    );
    const FIX_FIREWALL: &str = concat!(
        r#"A firewall drops the traffic. On the server: `Enable-NetFirewallRule -DisplayGroup "Remote Desktop"`, "#,
        r#"or enable the rules "Remote Desktop - User Mode (TCP-In)" and "Remote Desktop - User Mode (UDP-In)" "#,
        r#"(`Enable-NetFirewallRule -DisplayName 'Remote Desktop - User Mode (TCP-In)'`, or `netsh advfirewall "#,
        r#"firewall set rule group="remote desktop" new enable=yes`). Check network ACLs, security groups (NSGs) "#,
        r#"and firewalls between client and server; test with `Test-NetConnection <host> -Port 3389`. xrdp hosts: "#,
        r#"`ufw allow 3389/tcp` or the matching nftables rule."#
    );
    let (title, client_error, fix): (&str, Option<&str>, &str) = match (err.step, err.kind) {
        (Step::Resolve, _) => (
            "The target's name could not be resolved",
            Some("mstsc: error 0x104 (DNS name lookup failure); FreeRDP: ERRCONNECT_DNS_NAME_NOT_FOUND [0x00020005]"),
            "Check the name and its DNS record (`Resolve-DnsName <host>`, `nslookup <host>`), or scan the IP \
address.",
        ),
        (_, ErrorKind::Refused) => (
            "Nothing listens on the RDP port (connection refused)",
            Some(concat!(
                r#"mstsc: error 0x204 (socket connect failed), "Remote Desktop can't connect to the remote "#,
                r#"computer for one of these reasons: 1) Remote access to the server is not enabled 2) The remote "#,
                r#"computer is turned off 3) The remote computer is not available on the network"; FreeRDP: "#,
                r#"ERRCONNECT_CONNECT_FAILED [0x00020006]"#
            )),
            FIX_ALLOW_RDP,
        ),
        (Step::Connect, ErrorKind::Timeout) => (
            "The RDP port is filtered (no answer to the connection attempt)",
            Some(concat!(
                "mstsc: error 0x108 (connection timed out; 0x204 is also possible); FreeRDP: ",
                "ERRCONNECT_CONNECT_FAILED [0x00020006] after its TCP timeout"
            )),
            FIX_FIREWALL,
        ),
        (_, ErrorKind::NotRdp) => (
            "Something other than an RDP server answers on this port",
            Some(concat!(
                r#"FreeRDP: ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED [0x0002000C] with "protocol security "#,
                r#"negotiation or connection failure"; mstsc: a can't-connect error (its code for this case is not "#,
                r#"documented)"#
            )),
            "Check the port number, and whether a proxy or another service took the port \
(`Get-NetTCPConnection -LocalPort 3389 -State Listen`, `ss -ltnp`). For RD Gateway or a direct-TLS endpoint, \
scan with --direct.",
        ),
        (Step::X224, ErrorKind::Timeout) => (
            "The port accepts connections but never answers the RDP Connection Request",
            None,
            "A middlebox or a hung service holds the port. Restart TermService (or xrdp) and check for TLS \
inspection or load balancers that expect other traffic.",
        ),
        _ => (
            "The connection closes before RDP negotiation completes",
            None,
            "Check the server's event log (TermService, Schannel) or xrdp.log for the reason it drops the \
connection; connection limits and IP allow-lists do this.",
        ),
    };
    let mut f = finding(
        "target-unreachable",
        Severity::Critical,
        title,
        format!(
            "{} (address {}).",
            err,
            report.address.as_deref().unwrap_or("unresolved")
        ),
    )
    .fix(fix);
    if let Some(text) = client_error {
        f = f.client_error(text);
    }
    out.push(f);
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
        let detail = standard_rdp_evidence(neg);
        out.push(
            finding(
                "standard-rdp-security",
                Severity::High,
                "Standard RDP security is accepted: no server authentication, open to man-in-the-middle",
                format!(
                    "{detail} Standard RDP security authenticates the server with a key signed by the publicly \
documented Terminal Services signing key, so an attacker can forge it (Nessus 18405); clients show nothing."
                ),
            )
            .fix(FIX_SECURITY_LAYER),
        );
        if only {
            out.push(
                finding(
                    "rdp-only",
                    Severity::High,
                    "The server offers only standard RDP security: neither TLS nor NLA",
                    if neg.legacy_server {
                        "No negotiation data: a pre-RDP 6 server (Windows XP / 2003 class)."
                    } else {
                        "No request for TLS or CredSSP was accepted."
                    },
                )
                .client_error(concat!(
                    "FreeRDP: `Error: SSL_NOT_ALLOWED_BY_SERVER [0x00000002]` where the server refuses TLS, then it ",
                    "retries with standard RDP security; with /sec:tls or /sec:nla it fails with ",
                    "ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED [0x0002000C]. mstsc's text for this case is not ",
                    "documented."
                ))
                .fix(format!(
                    "Set `SecurityLayer` to 1 (Negotiate) or 2 (TLS) and make sure a certificate exists (see \
cert-renewal-failed). {FIX_SECURITY_LAYER} A server that does not negotiate at all runs an unsupported OS: \
upgrade it."
                )),
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
                    if neg.nla == Nla::Unsupported {
                        Severity::Medium
                    } else {
                        Severity::Low
                    },
                    match neg.nla {
                        Nla::Unsupported => {
                            "NLA (CredSSP) is not supported: users reach the logon screen unauthenticated"
                        }
                        _ => "NLA is supported but not required",
                    },
                    format!(
                        "Accepted without CredSSP: {}. The logon screen is reachable before authentication \
(Nessus 58453); clients show nothing.",
                        accepted.join(", ")
                    ),
                )
                .fix(FIX_NLA),
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
        "FreeRDP: `Error: SSL_REQUIRED_BY_SERVER [0x00000001]`, then it retries with TLS; mstsc's text for a \
client restricted to RDP security is not documented.",
        "Nothing to fix on the server: this is TLS being enforced. Clients must allow TLS (the default \
negotiation, or FreeRDP /sec:tls).",
        out,
    );
    explain_refusal(
        "HYBRID_REQUIRED_BY_SERVER",
        "refused-hybrid-required",
        "The server requires NLA (CredSSP): clients without CredSSP are refused",
        "Clients without NLA: \"The remote computer requires Network Level Authentication, which your computer \
does not support.\" FreeRDP: `Error: HYBRID_REQUIRED_BY_SERVER [0x00000005]`, then it retries with NLA; with NLA \
disabled (-sec-nla) ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED [0x0002000C].",
        "This is the desired state. Fix the clients: enable CredSSP/NLA (current mstsc does by default; for \
FreeRDP, drop -sec-nla). Do not turn NLA off to admit legacy clients.",
        out,
    );
    explain_refusal(
        "SSL_NOT_ALLOWED_BY_SERVER",
        "refused-ssl-not-allowed",
        "The server does not allow TLS (security layer set to RDP)",
        "FreeRDP: `Error: SSL_NOT_ALLOWED_BY_SERVER [0x00000002]`, then it falls back to standard RDP security; \
with /sec:tls or /sec:nla ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED [0x0002000C].",
        "Set the security layer to SSL (SecurityLayer=2) or Negotiate (1), with a certificate; see \
standard-rdp-security.",
        out,
    );
    let cert_missing = refused_with("SSL_CERT_NOT_ON_SERVER");
    if !cert_missing.is_empty() {
        out.push(
            finding(
                "ssl-cert-not-on-server",
                Severity::Critical,
                "The server has no usable certificate: TLS and NLA connections fail",
                format!(
                    "SSL_CERT_NOT_ON_SERVER in answer to: {}. The server cannot load a TLS certificate; its \
event log usually shows TermService events 1057/1058/1059 or Schannel 36870.",
                    cert_missing.join(", ")
                ),
            )
            .client_error(
                "FreeRDP: `Error: SSL_CERT_NOT_ON_SERVER [0x00000003]`, then the connection fails (whether it \
reports ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED or ERRCONNECT_TLS_CONNECT_FAILED is not confirmed). mstsc's text \
is not documented; error 0x904 with extended error 0x7 is reported for this case.",
            )
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
            out.push(
                finding(
                    "tls-unavailable",
                    Severity::High,
                    "No TLS could be negotiated",
                    format!("The TLS request was {}.", describe_row(p)),
                )
                .fix(concat!(
                    "Give the server a usable certificate and allow the TLS security layer (SecurityLayer=1 or 2; ",
                    "see standard-rdp-security and cert-renewal-failed); check TermService and Schannel events."
                )),
            );
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
        "Subject {}, issuer {}, valid {} to {}, SHA-1 thumbprint {}{}.",
        c.subject,
        c.issuer,
        c.not_before,
        c.not_after,
        c.sha1_thumbprint,
        if c.self_signed { ", self-signed" } else { "" }
    );
    let renew = if c.self_signed {
        FIX_RENEW_SELF_SIGNED
    } else {
        FIX_ASSIGN_CERT
    };
    if c.expired {
        out.push(
            finding(
                "cert-expired",
                Severity::Critical,
                format!("The certificate expired {} days ago", -c.days_left),
                format!(
                    "{evidence} Windows logs TermService event 1053 (\"configured to use a certificate that is \
expired\")."
                ),
            )
            .client_error(CERT_EXPIRED_CLIENT)
            .fix(renew),
        );
        if c.self_signed {
            out.push(
                finding(
                    "cert-renewal-failed",
                    Severity::High,
                    "The self-signed RDP certificate expired: its automatic renewal failed",
                    format!(
                        "Windows renews its self-signed RDP certificate before it expires; this one ({}) expired \
{} days ago, so the renewal did not happen. Look for TermService events 1057 (\"failed to create a new self signed \
certificate\", often \"Keyset does not exist\") and 1058 (\"failed to replace the expired self signed certificate\", \
often \"Access is denied\"), and Schannel 36870 (private key not accessible): causes include a broken MachineKeys \
permission and an SSLCertificateSHA1Hash that points at this certificate.",
                        c.sha1_thumbprint, -c.days_left
                    ),
                )
                .client_error(format!(
                    "{CERT_EXPIRED_CLIENT} Users also report mstsc error 0x904 with extended error 0x7."
                ))
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
            .client_error(CERT_NOT_YET_VALID_CLIENT)
            .fix(
                "Fix the clock on the machine that is wrong: `w32tm /query /status`, `w32tm /resync` (domain \
members: `w32tm /config /syncfromflags:domhier /update`). If the certificate itself has a future NotBefore, \
re-issue it; for a self-signed RDP certificate delete it as in cert-renewal-failed step 1.",
            ),
        );
    } else if c.days_left < opts.warn_days {
        // Inside the warning window (--warn-days, 30 by default) is high: the contract of the JSON report.
        out.push(
            finding(
                "cert-expiring",
                Severity::High,
                format!("The certificate expires in {} days", c.days_left),
                format!(
                    "{evidence} Warning threshold: {} days. Clients show nothing until it expires; Windows logs \
TermService event 1052 (\"configured to use a certificate that will expire in N days\").{}",
                    opts.warn_days,
                    if c.self_signed {
                        " Windows renews its self-signed certificate itself; if it is this close to expiry and not \
renewing, apply the cert-renewal-failed steps now."
                    } else {
                        ""
                    }
                ),
            )
            .fix(renew),
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
                format!(
                    "The certificate key is weak: {} {} bits",
                    c.key.kind, c.key.bits
                ),
                format!(
                    "{evidence} OpenSSL clients at security level 2 (FreeRDP 3.27 and later) refuse RSA keys under \
2048 bits; at level 1 (FreeRDP 2.x) the limit is 1024 bits. Windows blocks RSA keys under 1024 bits in chain \
building (KB2661254), and Schannel's client minimum is 1024 bits."
                ),
            )
            .client_error(concat!(
                "FreeRDP 3.27+ (OpenSSL security level 2): ERRCONNECT_TLS_CONNECT_FAILED [0x00020008]; its ",
                "certificate check reports \"EE certificate key too weak (66)\""
            ))
            .fix(FIX_WEAK_KEY),
        );
    }
    if is_weak_signature(&c.signature_algorithm) && !c.self_signed {
        out.push(
            finding(
                "cert-weak-signature",
                Severity::Medium,
                format!("The certificate is signed with {}", c.signature_algorithm),
                format!(
                    "{evidence} SHA-1 and MD5 signatures are forgeable; OpenSSL 3 rates SHA-1 below 80 bits of \
security, so OpenSSL clients at security level 1 or higher reject it. How mstsc treats it is not documented."
                ),
            )
            .client_error(
                "FreeRDP on OpenSSL 3: \"Certificate verification failure 'CA signature digest algorithm too weak \
(68)'\", then its certificate prompt",
            )
            .fix(format!(
                "Re-issue the certificate with SHA-256 (check with `certutil -dump <file>` or `openssl x509 \
-noout -text`). {FIX_ASSIGN_CERT}"
            )),
        );
    } else if is_weak_signature(&c.signature_algorithm) {
        out.push(
            finding(
                "cert-weak-signature",
                Severity::Low,
                format!("The self-signed certificate uses {}", c.signature_algorithm),
                format!(
                    "{evidence} A self-signed certificate is trusted (or not) as a whole, so its own signature \
matters less, but scanners and auditors flag it; FreeRDP users report failures against Windows 7-era servers \
with SHA-1 certificates (FreeRDP #7839)."
                ),
            )
            .fix(format!(
                "Self-signed RDP certificates on systems before Windows 8.1 / Server 2012 R2 were SHA-1: delete it \
so that Windows makes a new one (cert-renewal-failed step 1), or bind a SHA-256 certificate. {FIX_ASSIGN_CERT}"
            )),
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
            .client_error(concat!(
                r#"mstsc: an identity prompt such as "The remote computer could not be authenticated due to "#,
                r#"problems with its security certificate" naming the name mismatch (exact wording varies); "#,
                r#"FreeRDP: "WARNING: CERTIFICATE NAME MISMATCH!" and "The hostname used for this connection "#,
                r#"(host:port) does not match the name given in the certificate""#
            ))
            .fix(concat!(
                "Use a certificate whose SAN (and CN) holds every DNS name clients use, usually the FQDN, or ",
                "connect by the name in the certificate. The self-signed certificate carries the FQDN when ",
                "domain-joined and the bare host name in a workgroup, so connecting by IP address always ",
                "mismatches. xrdp: re-issue with `-addext \"subjectAltName=DNS:...\"`."
            )),
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
                format!(
                    "EKU: {}. Windows logs TermService event 1054 (wrong EKU) and may fall back to its default \
certificate (event 1051).",
                    c.eku.join(", ")
                ),
            )
            .client_error(concat!(
                "Strict OpenSSL clients: \"unsuitable certificate purpose (26)\". FreeRDP accepts a certificate ",
                "valid for any purpose, so it does not fail on this alone; mstsc's behaviour is not documented."
            ))
            .fix(concat!(
                "Issue the certificate with EKU Server Authentication (1.3.6.1.5.5.7.3.1) or Remote Desktop ",
                "Authentication (1.3.6.1.4.1.311.54.1.2, preferred for RDS templates): duplicate the Computer ",
                "template, replace its EKUs with Remote Desktop Authentication, grant Enroll (not Autoenroll), and ",
                "assign it with the GPO \"Server authentication certificate template\". To repair the key ",
                "association: `certutil -RepairStore My <THUMBPRINT>`."
            )),
        );
    }
}

/// Which requests the server answered with standard RDP security, as evidence.
pub(crate) fn standard_rdp_evidence(neg: &crate::model::Negotiation) -> String {
    let who: Vec<String> = neg
        .protocols
        .iter()
        .filter(|p| p.selected.as_deref() == Some("rdp"))
        .map(|p| format!("{} request -> rdp", p.protocol))
        .collect();
    if neg.legacy_server || who.is_empty() {
        "The server answered with a legacy Connection Confirm: it speaks standard RDP security only.".into()
    } else {
        format!(
            "The server selected standard RDP security: {}.",
            who.join(", ")
        )
    }
}

/// Rank of a version label, oldest first (its wire code); `None` for labels this module does not know.
pub(crate) fn version_rank(label: &str) -> Option<u16> {
    crate::wire::tls::ProtocolVersion::from_label(label).map(|v| v.0)
}

/// The registry entry for a listed suite: by its code, else by its IANA name.
pub(crate) fn suite_info(entry: &SuiteEntry) -> Option<&'static SuiteInfo> {
    let hex = entry
        .id
        .strip_prefix("0x")
        .or_else(|| entry.id.strip_prefix("0X"));
    hex.and_then(|h| u16::from_str_radix(h, 16).ok())
        .and_then(|id| CipherSuite(id).info())
        .or_else(|| suites::by_iana_name(&entry.name))
}

/// Supported version labels, oldest first.
pub(crate) fn supported_versions(tls: &TlsReport) -> Vec<&str> {
    let mut v: Vec<&str> = tls
        .versions
        .iter()
        .filter(|v| v.supported)
        .map(|v| v.version.as_str())
        .collect();
    v.sort_by_key(|l| version_rank(l));
    v
}

fn is_supported(tls: &TlsReport, version: &str) -> bool {
    tls.versions
        .iter()
        .any(|v| v.version == version && v.supported)
}

/// The scan tested `version` and the server refused it (absent from the list means not tested, as in quick mode).
fn is_refused(tls: &TlsReport, version: &str) -> bool {
    tls.versions
        .iter()
        .any(|v| v.version == version && !v.supported)
}

/// Whether the suite list is the full enumeration (not quick mode's one negotiated suite).
fn enumerated(tls: &TlsReport) -> bool {
    tls.hellos > 0 || !tls.server_order.is_empty()
}

/// The weak classes a suite falls in, with the label printed for each.
pub(crate) fn weak_classes(info: &SuiteInfo) -> Vec<&'static str> {
    let mut out = Vec::new();
    if info.is_null_cipher() {
        out.push("NULL");
    }
    if info.export {
        out.push("EXPORT");
    }
    if info.is_anonymous() {
        out.push("anonymous");
    }
    if info.is_rc4() {
        out.push("RC4");
    }
    if info.is_triple_des() {
        out.push("3DES");
    }
    out
}

/// `version: suite (labels), ...; version: ...` for the given suites, grouped by version in list order.
fn by_version(items: &[(&SuiteEntry, String)]) -> String {
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for (entry, label) in items {
        let text = if label.is_empty() {
            entry.name.clone()
        } else {
            format!("{} ({label})", entry.name)
        };
        match groups.iter_mut().find(|(v, _)| *v == entry.version) {
            Some((_, list)) => list.push(text),
            None => groups.push((entry.version.as_str(), vec![text])),
        }
    }
    groups
        .iter()
        .map(|(v, list)| format!("{v}: {}", list.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
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
                .client_error(concat!(
                    "mstsc: error 0x904 (socket closed) with extended error 0x7 (the server denied the ",
                    "connection), or \"This computer can't connect to the remote computer\" / \"An internal error ",
                    "has occurred\"; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED [0x00020008]"
                ))
                .fix(concat!(
                    "Read the server's System log for Schannel events: 36870 (the private key cannot be accessed: ",
                    "see cert-renewal-failed), 36871 (no protocol or cipher usable: see tls12-disabled), 36874 ",
                    "(no cipher suite in common: see no-shared-suite), 36888 (the fatal alert sent). xrdp: ",
                    "xrdp.log, `certificate=`, `key_file=`, `ssl_protocols=` and `tls_ciphers=` in xrdp.ini."
                )),
            );
        }
    }
    let Some(t) = &report.tls else { return };
    let supported = supported_versions(t);
    if supported.is_empty() {
        return;
    }
    legacy_versions(t, &supported, out);
    tls12(t, &supported, out);
    weak_ciphers(t, out);
    forward_secrecy(t, &supported, out);
    tls10_cbc(t, out);
    weak_dh(t, out);
}

fn legacy_versions(t: &TlsReport, supported: &[&str], out: &mut Vec<Finding>) {
    let legacy: Vec<&str> = supported
        .iter()
        .copied()
        .filter(|v| version_rank(v).is_some_and(|r| r < 0x0303))
        .collect();
    if legacy.is_empty() {
        return;
    }
    let ssl = legacy.iter().any(|v| v.starts_with("SSL"));
    let counts: Vec<String> = legacy
        .iter()
        .map(|v| {
            let n = t.cipher_suites.iter().filter(|s| s.version == *v).count();
            if n > 0 {
                format!("{v} ({n} suite{})", if n == 1 { "" } else { "s" })
            } else {
                v.to_string()
            }
        })
        .collect();
    let mut detail = format!(
        "The server accepts {}. TLS 1.0 and 1.1 are deprecated (RFC 8996); TLS 1.0's CBC suites are exposed to \
BEAST.",
        counts.join(", ")
    );
    if ssl {
        detail.push_str(" SSL 3.0 is broken (POODLE, CVE-2014-3566).");
    }
    out.push(
        finding(
            "tls-legacy-version",
            if ssl {
                Severity::High
            } else {
                Severity::Medium
            },
            format!(
                "Legacy protocol versions are enabled: {}",
                legacy.join(", ")
            ),
            detail,
        )
        .fix(FIX_LEGACY_TLS),
    );
}

fn tls12(t: &TlsReport, supported: &[&str], out: &mut Vec<Finding>) {
    if !is_refused(t, "TLS1.2") {
        return;
    }
    let list = supported.join(", ");
    let f = if !is_supported(t, "TLS1.3") {
        finding(
            "tls12-disabled",
            Severity::Critical,
            format!("TLS 1.2 is not supported: the server offers only {list}"),
            format!(
                "Supported: {list}; TLS 1.2 and 1.3 are refused. mstsc on Windows 11 cannot connect (TLS 1.0 and \
1.1 are disabled by default in its Schannel), and neither can FreeRDP 3.27 and later (minimum TLS 1.2) nor FreeRDP \
on OpenSSL 3 at its default security level (TLS 1.0/1.1 handshakes cannot complete above level 0)."
            ),
        )
        .client_error(concat!(
            "mstsc on Windows 11: the generic \"This computer can't connect to the remote computer\" or \"An ",
            "internal error has occurred\", and the client logs Schannel event 36871 (internal error state ",
            "10013). FreeRDP on OpenSSL 3: ERRCONNECT_TLS_CONNECT_FAILED [0x00020008]; it connects only with ",
            "/tls-seclevel:0 (2.x) or /tls:seclevel:0 (3.x), and 3.27+ also needs /tls:enforce:1.0."
        ))
    } else {
        finding(
            "tls12-disabled",
            Severity::High,
            format!("TLS 1.2 is not supported: the server offers only {list}"),
            format!(
                "Supported: {list}; TLS 1.2 is refused. Schannel has TLS 1.3 only on Windows 11, Server 2022 and \
Server 2025, so mstsc on Windows 10, Server 2019 and older cannot connect; whether mstsc on Windows 11 negotiates \
TLS 1.3 for RDP is not documented. FreeRDP and other OpenSSL clients connect with TLS 1.3."
            ),
        )
        .client_error(
            "mstsc without TLS 1.3: the generic \"This computer can't connect to the remote computer\" or \"An \
internal error has occurred\"",
        )
    };
    out.push(f.fix(FIX_ENABLE_TLS12));
}

fn weak_ciphers(t: &TlsReport, out: &mut Vec<Finding>) {
    let mut weak: Vec<(&SuiteEntry, String)> = Vec::new();
    let mut severe = false;
    let mut classes: Vec<&str> = Vec::new();
    for s in &t.cipher_suites {
        let Some(info) = suite_info(s) else { continue };
        let labels = weak_classes(info);
        if labels.is_empty() {
            continue;
        }
        severe |= labels
            .iter()
            .any(|l| matches!(*l, "NULL" | "EXPORT" | "anonymous"));
        for l in &labels {
            if !classes.contains(l) {
                classes.push(l);
            }
        }
        let text = labels
            .iter()
            .map(|l| match *l {
                "3DES" => "3DES: Sweet32, CVE-2016-2183",
                "NULL" => "NULL: no encryption",
                "anonymous" => "anonymous: no server authentication",
                other => other,
            })
            .collect::<Vec<_>>()
            .join(", ");
        weak.push((s, text));
    }
    if weak.is_empty() {
        return;
    }
    let all_weak = t
        .cipher_suites
        .iter()
        .all(|s| suite_info(s).is_some_and(|i| !weak_classes(i).is_empty()));
    let mut f = finding(
        "weak-cipher",
        if severe {
            Severity::High
        } else {
            Severity::Medium
        },
        format!("Weak cipher suites are accepted: {}", classes.join(", ")),
        format!(
            "{} weak suite(s) accepted. {}.",
            weak.len(),
            by_version(&weak)
        ),
    )
    .fix(FIX_WEAK_CIPHERS);
    if all_weak {
        f = f.client_error(concat!(
            "Every accepted suite is weak: FreeRDP fails with ERRCONNECT_TLS_CONNECT_FAILED [0x00020008] (OpenSSL's ",
            "DEFAULT list has no RC4, 3DES or anonymous suites), and Windows 11 / Server 2022 clients do not enable ",
            "RC4."
        ));
    }
    out.push(f);
}

fn forward_secrecy(t: &TlsReport, supported: &[&str], out: &mut Vec<Finding>) {
    if !enumerated(t) {
        return;
    }
    let Some(best) = supported.last() else { return };
    let at_best: Vec<&SuiteEntry> = t
        .cipher_suites
        .iter()
        .filter(|s| s.version == *best)
        .collect();
    if at_best.is_empty() {
        return;
    }
    let infos: Vec<Option<&SuiteInfo>> = at_best.iter().map(|s| suite_info(s)).collect();
    // Unknown suites could be anything: no verdict then.
    if infos.iter().any(|i| i.is_none()) || infos.iter().flatten().any(|i| i.forward_secrecy()) {
        return;
    }
    let names: Vec<&str> = at_best.iter().map(|s| s.name.as_str()).collect();
    out.push(
        finding(
            "no-forward-secrecy",
            Severity::Medium,
            format!("No forward secrecy at {best}: every accepted suite uses static key exchange"),
            format!(
                "At {best}, the best version the server accepts, its {} suite(s) all lack ephemeral key exchange: \
{}. Whoever obtains the server's private key can decrypt recorded sessions.",
                names.len(),
                names.join(", ")
            ),
        )
        .client_error(
            "None in default clients: the connection succeeds. OpenSSL-based clients at security level 3 refuse \
suites without forward secrecy.",
        )
        .fix(FIX_FORWARD_SECRECY),
    );
}

fn tls10_cbc(t: &TlsReport, out: &mut Vec<Finding>) {
    if !enumerated(t) || !is_supported(t, "TLS1.0") {
        return;
    }
    let at10: Vec<&SuiteEntry> = t
        .cipher_suites
        .iter()
        .filter(|s| s.version == "TLS1.0")
        .collect();
    if at10.is_empty()
        || !at10
            .iter()
            .all(|s| suite_info(s).is_some_and(|i| i.is_cbc()))
    {
        return;
    }
    let only10 = supported_versions(t) == ["TLS1.0"];
    out.push(
        finding(
            "tls10-cbc-only",
            Severity::Low,
            "TLS 1.0 is offered with CBC suites only (BEAST)",
            format!(
                "TLS1.0 is accepted with {} suite(s), all CBC: {}. TLS 1.0 CBC uses predictable IVs (BEAST, \
CVE-2011-3389); clients that negotiate TLS 1.0{} use them.",
                at10.len(),
                at10.iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                if only10 {
                    " (every client: TLS 1.0 is the only version)"
                } else {
                    ""
                }
            ),
        )
        .fix(
            "Enable TLS 1.2 (see tls12-disabled) so that clients negotiate TLS 1.2 (AEAD where possible), then \
disable TLS 1.0 (see tls-legacy-version). On Server 2008 R2 this needs KB3080079.",
        ),
    );
}

fn weak_dh(t: &TlsReport, out: &mut Vec<Finding>) {
    let Some(bits) = t.dh_bits.filter(|b| *b < 2048) else {
        return;
    };
    let dhe: Vec<&str> = t
        .cipher_suites
        .iter()
        .filter(|s| suite_info(s).is_some_and(|i| i.kx == Kx::Dhe))
        .map(|s| s.name.as_str())
        .collect();
    let mut unique: Vec<&str> = Vec::new();
    for n in dhe {
        if !unique.contains(&n) {
            unique.push(n);
        }
    }
    let severe = bits < 1024;
    out.push(
        finding(
            "weak-dh",
            if severe {
                Severity::High
            } else {
                Severity::Medium
            },
            format!("The server's DHE group is weak: {bits} bits"),
            format!(
                "The smallest DH prime seen with a DHE suite has {bits} bits (2048 is the minimum of current \
clients){}. A client that negotiates a DHE suite is affected.",
                if unique.is_empty() {
                    String::new()
                } else {
                    format!("; DHE suites accepted: {}", unique.join(", "))
                }
            ),
        )
        .client_error(if severe {
            "Windows clients refuse DH groups under 1024 bits by default (Diffie-Hellman ClientMinKeyBitLength), \
and OpenSSL clients at security level 1 or higher (FreeRDP 2.x, 3.x) abort the handshake: \
ERRCONNECT_TLS_CONNECT_FAILED [0x00020008]"
        } else {
            "FreeRDP 3.27+ and other OpenSSL clients at security level 2 or higher abort the handshake when a DHE \
suite is negotiated: ERRCONNECT_TLS_CONNECT_FAILED [0x00020008]. Windows clients accept 1024 bits and more by \
default."
        })
        .fix(FIX_WEAK_DH),
    );
}

fn is_current(c: &ClientResult) -> bool {
    CURRENT_CLIENTS.contains(&c.id.as_str())
}

fn describe_client(c: &ClientResult) -> String {
    format!(
        "{} ({}): {}",
        c.name,
        c.id,
        c.reason.as_deref().unwrap_or("fails")
    )
}

/// A failure caused by no common TLS version or cipher suite (the wording of `clients::verdict`).
fn no_shared(c: &ClientResult) -> bool {
    c.reason.as_deref().is_some_and(|r| {
        r.contains("no TLS version in common") || r.contains("no cipher suite in common")
    })
}

fn clients(report: &TargetReport, out: &mut Vec<Finding>) {
    let failing: Vec<&ClientResult> = report.clients.iter().filter(|c| !c.connects).collect();
    if failing.is_empty() {
        return;
    }
    let severity_of = |list: &[&ClientResult]| {
        if list.iter().any(|c| is_current(c)) {
            Severity::High
        } else {
            Severity::Medium
        }
    };
    let shared: Vec<&ClientResult> = failing.iter().copied().filter(|c| no_shared(c)).collect();
    if !shared.is_empty() {
        out.push(
            finding(
                "no-shared-suite",
                severity_of(&shared),
                format!(
                    "{} client(s) share no TLS version or cipher suite with the server",
                    shared.len()
                ),
                shared
                    .iter()
                    .map(|c| describe_client(c))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
            .client_error(concat!(
                "FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED [0x00020008]. mstsc: the generic \"This computer can't ",
                "connect to the remote computer\" or \"An internal error has occurred\". The server logs Schannel ",
                "event 36874 (\"none of the cipher suites supported by the client application are supported by ",
                "the server\") and 36888 (fatal alert 40)."
            ))
            .fix(FIX_NO_SHARED_SUITE),
        );
    }
    let mut errors: Vec<String> = Vec::new();
    for c in &failing {
        if let Some(e) = &c.client_error {
            let line = format!("{}: {e}", c.id);
            if !errors.contains(&line) {
                errors.push(line);
            }
        }
    }
    let mut f = finding(
        "client-incompatible",
        severity_of(&failing),
        format!(
            "{} of {} simulated client(s) cannot connect: {}",
            failing.len(),
            report.clients.len(),
            failing
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        failing
            .iter()
            .map(|c| describe_client(c))
            .collect::<Vec<_>>()
            .join("; "),
    )
    .fix(
        "Each client's reason names the cause; the matching finding gives the fix: tls12-disabled or \
tls-legacy-version (versions), no-shared-suite or weak-cipher (suites), weak-dh (DH group), cert-weak-key \
(certificate key), tls-unavailable (no TLS at all).",
    );
    if !errors.is_empty() {
        f = f.client_error(errors.join("; "));
    }
    out.push(f);
}
