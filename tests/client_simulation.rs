//! The client simulation agrees with the real clients across several xrdp TLS configurations: FreeRDP
//! (`xfreerdp +auth-only`, Debian 12's 2.11 on OpenSSL 3) and rdesktop (Debian 12's 1.9.0 on GnuTLS 3.7); and it
//! names the clients that fail and why.

mod support;

use std::sync::Arc;
use std::time::Duration;

use rdptls::analysis::clients;
use rdptls::fixtures::FixtureCert;
use rdptls::model::{ClientResult, TargetReport};
use rdptls::scan::{scan_target, ScanOptions};
use support::{
    require_server, RdesktopClient, XfreerdpClient, Xrdp, XrdpConfig, RDESKTOP_TLS_FAILED,
};

/// (name, ssl_protocols, tls_ciphers)
const CONFIGS: [(&str, &str, &str); 6] = [
    ("tls1.0 only", "TLSv1", "ALL:@SECLEVEL=0"),
    ("tls1.1 only", "TLSv1.1", "ALL:@SECLEVEL=0"),
    ("tls1.2 anonymous DH only", "TLSv1.2", "ADH:@SECLEVEL=0"),
    (
        "tls1.2 RSA key exchange AES-CBC",
        "TLSv1.2",
        "AES128-SHA:AES256-SHA",
    ),
    (
        "tls1.2 DHE-RSA AES-GCM only",
        "TLSv1.2",
        "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384",
    ),
    ("tls1.3 only", "TLSv1.3", "HIGH"),
];

/// (name, ssl_protocols, tls_ciphers, whether rdesktop 1.9 connects, measured here): each one a different reason.
const RDESKTOP_CONFIGS: [(&str, &str, &str, bool); 7] = [
    ("tls1.0 only", "TLSv1", "ALL:@SECLEVEL=0", true),
    ("tls1.1 only", "TLSv1.1", "ALL:@SECLEVEL=0", true),
    (
        "tls1.2 ECDHE-RSA AES-GCM",
        "TLSv1.2",
        "ECDHE-RSA-AES128-GCM-SHA256",
        true,
    ),
    // GnuTLS NORMAL:%COMPAT has no CBC-SHA256/384 suites.
    (
        "tls1.2 CBC-SHA256 only",
        "TLSv1.2",
        "AES128-SHA256:AES256-SHA256",
        false,
    ),
    // ... but AES-CCM, which OpenSSL's DEFAULT (FreeRDP) lacks.
    (
        "tls1.2 AES-CCM only",
        "TLSv1.2",
        "AES128-CCM:AES256-CCM",
        true,
    ),
    ("tls1.3 only", "TLSv1.3", "HIGH", true),
    (
        "tls1.2 DHE-RSA AES-GCM only",
        "TLSv1.2",
        "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384",
        true,
    ),
];

fn xrdp(protocols: &str, ciphers: &str) -> Option<Xrdp> {
    let mut config = XrdpConfig::fixture("tls", FixtureCert::Valid);
    config.ssl_protocols = Some(protocols.to_string());
    config.tls_ciphers = Some(ciphers.to_string());
    require_server(Xrdp::start(config))
}

fn scan(port: u16) -> TargetReport {
    let profiles = clients::builtin_profiles().expect("built-in profiles load");
    let opts = ScanOptions {
        timeout: Duration::from_secs(5),
        clients: Some(Arc::new(profiles)),
        ..ScanOptions::default()
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(scan_target(&format!("127.0.0.1:{port}"), &opts))
}

fn client<'a>(r: &'a TargetReport, id: &str) -> &'a ClientResult {
    r.clients
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no client {id}"))
}

#[test]
fn simulated_freerdp_agrees_with_the_real_client_on_every_configuration() {
    let handles: Vec<_> = CONFIGS
        .iter()
        .map(|&(name, protocols, ciphers)| {
            std::thread::spawn(move || {
                let Some(server) = xrdp(protocols, ciphers) else { return Vec::new() };
                let report = scan(server.port());
                let mut mismatches = Vec::new();
                for (id, args) in [("freerdp-2", &[][..]), ("freerdp-2-seclevel0", &["/tls-seclevel:0"][..])] {
                    let Some((real, log)) = require_server(XfreerdpClient::run(server.port(), args)) else {
                        return Vec::new();
                    };
                    let simulated = client(&report, id);
                    if simulated.connects != real {
                        mismatches.push(format!(
                            "{name}: {id} simulated connects={} ({:?}), real xfreerdp {args:?} connects={real}\n{}",
                            simulated.connects,
                            simulated.reason,
                            log.lines().filter(|l| l.contains("ERR")).collect::<Vec<_>>().join("\n")
                        ));
                    }
                    if !real {
                        assert!(log.contains("ERRCONNECT_TLS_CONNECT_FAILED"), "{name}: {log}");
                    }
                }
                mismatches
            })
        })
        .collect();
    let mismatches: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("no panic"))
        .collect();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}

#[test]
fn simulated_rdesktop_agrees_with_the_real_client_on_every_configuration() {
    let handles: Vec<_> = RDESKTOP_CONFIGS
        .iter()
        .map(|&(name, protocols, ciphers, expected)| {
            std::thread::spawn(move || {
                let server = xrdp(protocols, ciphers)?;
                let report = scan(server.port());
                let (real, log) = require_server(RdesktopClient::run(server.port()))?;
                let simulated = client(&report, "rdesktop");
                if !real {
                    assert!(log.contains(RDESKTOP_TLS_FAILED), "{name}: {log}");
                }
                let mut problems = Vec::new();
                if simulated.connects != real {
                    problems.push(format!(
                        "{name}: rdesktop simulated connects={} ({:?}), real rdesktop connects={real}\n{log}",
                        simulated.connects, simulated.reason
                    ));
                }
                if real != expected {
                    problems.push(format!(
                        "{name}: real rdesktop connects={real}, measured before as {expected}\n{log}"
                    ));
                }
                Some(problems)
            })
        })
        .collect();
    let problems: Vec<String> = handles
        .into_iter()
        .filter_map(|h| h.join().expect("no panic"))
        .flatten()
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn tls10_only_server_fails_freerdp3_and_the_table_lists_failing_clients() {
    let Some(server) = xrdp("TLSv1", "ALL:@SECLEVEL=0") else {
        return;
    };
    let report = scan(server.port());
    let f3 = client(&report, "freerdp-3");
    assert!(!f3.connects);
    assert!(
        f3.reason.as_deref().unwrap_or("").contains("TLS1.0"),
        "{f3:?}"
    );
    assert!(
        f3.client_error
            .as_deref()
            .unwrap_or("")
            .contains("ERRCONNECT_TLS_CONNECT_FAILED"),
        "{f3:?}"
    );
    assert!(
        client(&report, "mstsc-win7-no-tls12").connects,
        "Windows 7 mstsc speaks TLS 1.0"
    );
    assert!(
        !client(&report, "mstsc-win11").connects,
        "Windows 11 disables TLS 1.0 by default"
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rdptls"))
        .args(["scan", &format!("127.0.0.1:{}", server.port())])
        .output()
        .expect("run rdptls");
    let table = String::from_utf8_lossy(&out.stdout);
    let verdict = table.split("\nClients\n").next().unwrap_or("");
    assert!(
        verdict.contains("cannot connect: mstsc-win11, freerdp-2, freerdp-3"),
        "{verdict}"
    );
    assert!(table.contains("FAILS"), "{table}");
    assert!(table.contains("FreeRDP 3"), "{table}");
}

#[test]
fn tls12_only_server_locks_out_windows7_without_the_update() {
    let Some(server) = xrdp("TLSv1.2", "HIGH") else {
        return;
    };
    let report = scan(server.port());
    let win7 = client(&report, "mstsc-win7-no-tls12");
    assert!(!win7.connects);
    assert!(
        win7.reason
            .as_deref()
            .unwrap_or("")
            .contains("no TLS version in common"),
        "{win7:?}"
    );
    assert!(client(&report, "mstsc-win10").connects);
    assert!(client(&report, "freerdp-3").connects);
}
