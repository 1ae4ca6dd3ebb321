//! The client simulation agrees with the real clients across several xrdp TLS configurations: FreeRDP
//! (`xfreerdp +auth-only`, Debian 12's 2.11 on OpenSSL 3) and rdesktop (Debian 12's 1.9.0 on GnuTLS 3.7); and it
//! names the clients that fail and why.

mod support;

use std::sync::Arc;
use std::time::Duration;

use rdptls::analysis::clients;
use rdptls::fixtures::FixtureCert;
use rdptls::model::{ClientResult, Severity, TargetReport};
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
    // Microsoft's Schannel protocols table (2025-03-20) lists TLS 1.0 as enabled on Windows 11; only Insider
    // builds disable it (the profile records the conflict).
    assert!(
        client(&report, "mstsc-win11").connects,
        "Windows 11 enables TLS 1.0 per the Schannel table"
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rdptls"))
        .args(["scan", &format!("127.0.0.1:{}", server.port())])
        .output()
        .expect("run rdptls");
    let table = String::from_utf8_lossy(&out.stdout);
    let flowing = table.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flowing.contains("cannot connect: freerdp-2, freerdp-3, remmina"),
        "{table}"
    );
    assert!(flowing.contains("FreeRDP 3 cannot connect"), "{table}");
    let failing = &table[table
        .find("Clients that fail: ")
        .expect("the failing clients")..];
    let failing = &failing[..failing.find("\nFindings\n").unwrap_or(failing.len())];
    assert!(failing.contains("(freerdp-3): "), "{failing}");
    assert!(failing.contains("FreeRDP 3"), "{failing}");
    assert!(failing.contains("They show: "), "{failing}");
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

/// The verdict of a TLS 1.3-only server: every current mstsc but Windows 11 lacks TLS 1.3, and whether mstsc on
/// Windows 11 offers it no public source says: critical, and the sentence says both.
#[test]
fn tls13_only_server_locks_out_windows_10_and_the_verdict_says_so() {
    let Some(server) = xrdp("TLSv1.3", "HIGH") else {
        return;
    };
    let report = scan(server.port());
    assert!(!client(&report, "mstsc-win10").connects);
    assert!(!client(&report, "mstsc-win11").connects);
    let v = report.verdict.as_ref().expect("a verdict");
    assert!(v.severity >= Some(Severity::High), "{v:?}");
    assert_eq!(
        v.severity,
        Some(Severity::Critical),
        "no current mstsc connects: {v:?}"
    );
    assert!(v.summary.contains("Windows 10 22H2"), "{}", v.summary);
    assert!(v.summary.contains("TLS1.3"), "{}", v.summary);
    assert!(
        v.summary
            .contains("Windows 11 may connect if it offers TLS1.3")
            && v.summary.contains("no public source confirms"),
        "{}",
        v.summary
    );
    assert!(v.clients_failing.iter().any(|c| c == "mstsc-win10"));
    // The default --fail-on critical fails the run.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rdptls"))
        .args(["scan", "--json", &format!("127.0.0.1:{}", server.port())])
        .output()
        .expect("run rdptls");
    assert_eq!(out.status.code(), Some(1));
}

/// Windows 10 22H2, Windows 11 22H2+ and Server 2025 dropped the DHE_RSA GCM suites; 1809-21H2 still offer them.
#[test]
fn a_dhe_gcm_only_server_admits_windows_10_21h2_and_not_the_current_releases() {
    let Some(server) = xrdp("TLSv1.2", "DHE-RSA-AES256-GCM-SHA384") else {
        return;
    };
    let report = scan(server.port());
    assert!(client(&report, "mstsc-win10-21h2").connects);
    for id in ["mstsc-win10", "mstsc-win11", "mstsc-ws2025"] {
        let c = client(&report, id);
        assert!(!c.connects, "{c:?}");
        assert!(
            c.reason
                .as_deref()
                .unwrap_or("")
                .contains("no cipher suite in common"),
            "{c:?}"
        );
    }
    let v = report.verdict.as_ref().expect("a verdict");
    assert!(v.severity >= Some(Severity::High), "{v:?}");
}

/// `--quick --policy` on a server that still accepts TLS 1.0: quick mode does not enumerate versions, so the
/// min_tls_version rule is skipped (never passed) and the target is marked incomplete.
#[test]
fn quick_mode_skips_rules_it_cannot_check_and_says_the_result_is_partial() {
    let Some(server) = xrdp("TLSv1, TLSv1.1, TLSv1.2", "ALL:@SECLEVEL=0") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("rdptls-quick-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy = dir.join("policy.toml");
    std::fs::write(
        &policy,
        "min_tls_version = \"TLS1.2\"\nmin_days_left = 10\n",
    )
    .unwrap();
    let junit = dir.join("junit.xml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rdptls"))
        .args(["scan", "--json", "--quick", "--no-progress", "--policy"])
        .arg(&policy)
        .arg("--junit")
        .arg(&junit)
        .arg(format!("127.0.0.1:{}", server.port()))
        .output()
        .expect("run rdptls");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let t = &doc["targets"][0];
    assert_eq!(t["complete"], false, "{t}");
    assert_eq!(t["mode"], "quick");
    let rules = t["policy"].as_array().expect("policy results");
    let min = rules
        .iter()
        .find(|r| r["rule"] == "min-tls-version")
        .unwrap();
    assert_eq!(min["outcome"], "skipped", "{min}");
    let xml = std::fs::read_to_string(&junit).expect("junit written");
    let doc = roxmltree::Document::parse(&xml).expect("JUnit XML");
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("min-tls-version"))
        .expect("a min-tls-version test case");
    assert!(case.children().any(|c| c.has_tag_name("skipped")), "{xml}");
    let _ = std::fs::remove_dir_all(&dir);
}
