//! `rdptls scan` (the binary) against real RDP servers on loopback: xrdp in each security layer, FreeRDP's
//! shadow server with NLA required, and the reachability cases. Under CI=true a server that cannot start fails
//! the test.

mod support;

use std::io::Read;
use std::net::TcpListener;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use rdptls::fixtures::FixtureCert;
use serde_json::Value;
use support::{require_server, FreerdpShadow, TempDir, Xrdp, XrdpConfig};

fn rdptls(args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_rdptls"))
        .args(args)
        .output()
        .expect("run rdptls");
    (out, started.elapsed())
}

/// Runs `rdptls scan ARGS --json` and returns the first target object and the exit code.
fn scan_json(args: &[&str]) -> (Value, i32, Duration) {
    let mut all = vec!["scan", "--json", "--no-progress"];
    all.extend_from_slice(args);
    let (out, took) = rdptls(&all);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(doc["version"], 1);
    (
        doc["targets"][0].clone(),
        out.status.code().unwrap_or(-1),
        took,
    )
}

fn protocol<'a>(t: &'a Value, name: &str) -> &'a Value {
    t["negotiation"]["protocols"]
        .as_array()
        .and_then(|a| a.iter().find(|p| p["protocol"] == name))
        .unwrap_or_else(|| panic!("no {name} row in {t}"))
}

fn finding<'a>(t: &'a Value, id: &str) -> Option<&'a Value> {
    t["findings"].as_array()?.iter().find(|f| f["id"] == id)
}

/// What `openssl x509 -fingerprint -sha1` prints for the PEM, without the colons.
fn openssl_sha1(pem: &str) -> String {
    let dir = TempDir::new("thumb").expect("temp dir");
    let path = dir.join("cert.pem");
    std::fs::write(&path, pem).expect("write cert");
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha1", "-in"])
        .arg(&path)
        .output()
        .expect("openssl");
    let text = String::from_utf8_lossy(&out.stdout);
    let (_, hex) = text.trim().split_once('=').expect("fingerprint line");
    hex.replace(':', "")
}

#[test]
fn xrdp_tls_with_expired_self_signed_certificate_is_reported_as_windows_admins_see_it() {
    let config = XrdpConfig::fixture("tls", FixtureCert::Expired);
    let leaf_pem = config.cert_pem.clone();
    let Some(xrdp) = require_server(Xrdp::start(config)) else {
        return;
    };
    let target = format!("127.0.0.1:{}", xrdp.port());
    let (t, code, _) = scan_json(&[&target]);

    assert_eq!(t["status"], "ok", "{t}");
    assert_eq!(protocol(&t, "rdp")["result"], "refused");
    assert_eq!(
        protocol(&t, "rdp")["failure_code"],
        "SSL_REQUIRED_BY_SERVER"
    );
    assert_eq!(protocol(&t, "ssl")["result"], "accepted");
    // xrdp answers an RDSAAD request with an MCS Disconnect Provider Ultimatum.
    assert_eq!(protocol(&t, "rdsaad")["result"], "disconnected");
    assert_eq!(t["negotiation"]["nla"], "unsupported");

    let cert = &t["certificate"];
    assert_eq!(cert["expired"], true);
    assert_eq!(cert["self_signed"], true);
    assert_eq!(cert["key"]["type"], "RSA");
    assert_eq!(cert["key"]["bits"], 2048);
    assert_eq!(cert["sha1_thumbprint"], openssl_sha1(&leaf_pem).as_str());
    let expired = finding(&t, "cert-expired").expect("cert-expired finding");
    assert_eq!(expired["severity"], "critical");
    let fix = expired["fix"].as_str().expect("cert-expired has a fix");
    assert!(
        fix.contains("Remote Desktop") && fix.contains("SSLCertificateSHA1Hash"),
        "{fix}"
    );
    assert!(finding(&t, "cert-renewal-failed").is_some());
    assert_eq!(
        code, 1,
        "a critical finding fails the default --fail-on critical"
    );

    let (_, code, _) = scan_json(&[&target, "--quick", "--no-clients", "--fail-on", "none"]);
    assert_eq!(code, 0, "--fail-on none never fails on findings");
}

#[test]
fn xrdp_negotiate_selects_standard_rdp_security_unless_tls_is_asked_for() {
    let Some(xrdp) = require_server(Xrdp::start(XrdpConfig::fixture(
        "negotiate",
        FixtureCert::Valid,
    ))) else {
        return;
    };
    let (t, _, _) = scan_json(&[
        &format!("127.0.0.1:{}", xrdp.port()),
        "--quick",
        "--no-clients",
    ]);
    assert_eq!(protocol(&t, "rdp")["result"], "accepted");
    assert_eq!(protocol(&t, "ssl")["result"], "accepted");
    assert_eq!(protocol(&t, "hybrid")["result"], "not_selected");
    assert_eq!(protocol(&t, "hybrid")["selected"], "rdp");
    assert_eq!(t["negotiation"]["standard_rdp_security"], true);
    assert!(finding(&t, "standard-rdp-security").is_some());
    assert!(
        t["certificate"].is_object(),
        "TLS still works when asked for"
    );
}

#[test]
fn xrdp_rdp_layer_offers_standard_rdp_security_only() {
    let Some(xrdp) = require_server(Xrdp::start(XrdpConfig::fixture("rdp", FixtureCert::Valid)))
    else {
        return;
    };
    let (t, code, _) = scan_json(&[&format!("127.0.0.1:{}", xrdp.port())]);
    assert_eq!(t["status"], "ok");
    for p in ["rdp", "ssl", "hybrid", "hybrid_ex"] {
        assert_eq!(protocol(&t, p)["selected"], "rdp", "{p}");
    }
    assert!(t["tls"].is_null() && t["certificate"].is_null());
    let f = finding(&t, "standard-rdp-security").expect("standard-rdp-security");
    assert_eq!(f["severity"], "high");
    assert!(finding(&t, "rdp-only").is_some());
    assert_eq!(code, 0, "high is below the default --fail-on critical");
    let (_, code, _) = scan_json(&[&format!("127.0.0.1:{}", xrdp.port()), "--fail-on", "high"]);
    assert_eq!(code, 1);
}

#[test]
fn freerdp_shadow_with_nla_required_yields_its_certificate_over_tls13() {
    let Some(shadow) = require_server(FreerdpShadow::start("nla")) else {
        return;
    };
    let (t, _, _) = scan_json(&[&format!("127.0.0.1:{}", shadow.port())]);
    assert_eq!(t["status"], "ok", "{t}");
    assert_eq!(t["negotiation"]["nla"], "required");
    assert_eq!(
        protocol(&t, "ssl")["failure_code"],
        "HYBRID_REQUIRED_BY_SERVER"
    );
    assert_eq!(protocol(&t, "hybrid")["result"], "accepted");
    let negotiated = &t["tls"]["negotiated"];
    assert_eq!(negotiated["version"], "TLS1.3");
    assert_eq!(
        negotiated["via"], "rustls",
        "TLS 1.3 encrypts the certificate: rustls reads it"
    );
    assert_eq!(negotiated["path"], "hybrid");
    assert!(t["certificate"]["sha1_thumbprint"]
        .as_str()
        .is_some_and(|s| s.len() == 40));
    assert!(finding(&t, "nla-not-required").is_none());
    // CredSSP over the same HYBRID connection: the server's TSRequest version and its NTLM CHALLENGE.
    let credssp = &t["credssp"];
    eprintln!("credssp: {credssp}");
    assert!(credssp["error"].is_null(), "{credssp}");
    assert_eq!(credssp["version"], 6, "{credssp}");
    assert_eq!(credssp["patched"], true);
    assert!(credssp["ntlm"].is_object(), "{credssp}");
    assert!(finding(&t, "credssp-unpatched").is_none());
}

#[test]
fn closed_port_is_refused_within_a_second_and_exits_3() {
    let port = support::free_port();
    let (t, code, took) = scan_json(&[&format!("127.0.0.1:{port}")]);
    assert_eq!(code, 3);
    assert_eq!(t["status"], "unreachable");
    assert_eq!(t["error"]["step"], "connect");
    assert_eq!(t["error"]["kind"], "refused");
    assert!(finding(&t, "target-unreachable").is_some());
    assert!(took < Duration::from_secs(1), "took {took:?}");
}

#[test]
fn silent_listener_times_out_at_x224_within_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    // Accept and hold every connection, never answer.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
            if held.len() > 16 {
                break;
            }
        }
        let mut sink = [0u8; 64];
        for mut s in held {
            let _ = s.read(&mut sink);
        }
    });
    let (t, code, took) = scan_json(&[&format!("127.0.0.1:{port}"), "--timeout", "2"]);
    assert_eq!(code, 3);
    assert_eq!(t["error"]["step"], "x224");
    assert_eq!(t["error"]["kind"], "timeout");
    assert!(took < Duration::from_secs(4), "took {took:?}");
}

#[test]
fn every_target_is_reported_even_the_failed_ones() {
    let port = support::free_port();
    let (out, _) = rdptls(&[
        "scan",
        "--json",
        "--no-progress",
        "--timeout",
        "1",
        &format!("127.0.0.1:{port}"),
        "[::1]:1",
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let targets = doc["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 2);
    assert_eq!(targets[1]["target"], "[::1]:1");
    assert!(targets.iter().all(|t| t["status"] != "ok"));
    assert!(targets.iter().all(|t| t["error"]["step"] == "connect"));
    assert_eq!(out.status.code(), Some(3));
    // A target that cannot be right is a usage error before anything is scanned.
    let (out, _) = rdptls(&[
        "scan",
        "--json",
        &format!("127.0.0.1:{port}"),
        "not a target!",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn usage_errors_exit_2() {
    let (out, _) = rdptls(&["scan"]);
    assert_eq!(out.status.code(), Some(2));
    let (out, _) = rdptls(&["scan", "127.0.0.1", "--fail-on", "sometimes"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn cookie_is_sent_in_the_connection_request() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    let first = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut buf = [0u8; 256];
        let n = s.read(&mut buf).unwrap_or(0);
        buf[..n].to_vec()
    });
    let (_, code, _) = scan_json(&[
        &format!("127.0.0.1:{port}"),
        "--timeout",
        "1",
        "--cookie",
        "alice",
    ]);
    assert_eq!(code, 3);
    let request = first.join().expect("listener");
    let text = String::from_utf8_lossy(&request);
    assert!(text.contains("Cookie: mstshash=alice\r\n"), "{text:?}");
    assert_eq!(request[0], 3, "TPKT");
}
