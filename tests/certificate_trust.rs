//! `rdptls scan` (the binary) against `openssl s_server` (direct TLS): a certificate rustls cannot verify over
//! TLS 1.3 is still read and analysed, and a CA-issued chain is checked against `--ca-file` or the system's
//! roots. Under CI=true a server that cannot start fails the test.

mod support;

use std::process::Command;

use rdptls::fixtures::FixtureCert;
use serde_json::Value;
use support::{require_server, OpenSslServer, TempDir};

/// Runs `rdptls scan ARGS --json` and returns the first target and the exit code.
fn scan_json(args: &[&str]) -> (Value, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_rdptls"))
        .args([
            "scan",
            "--json",
            "--no-progress",
            "--no-clients",
            "--direct",
        ])
        .args(["--timeout", "5", "--fail-on", "none"])
        .args(args)
        .output()
        .expect("run rdptls");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (doc["targets"][0].clone(), out.status.code().unwrap_or(-1))
}

fn has_finding(t: &Value, id: &str) -> bool {
    t["findings"]
        .as_array()
        .is_some_and(|f| f.iter().any(|f| f["id"] == id))
}

/// A P-521 certificate over TLS 1.3 only: ring cannot verify the server's CertificateVerify, so the rustls
/// handshake fails, after it recorded the chain; the hand-built hellos cannot see a TLS 1.3 certificate.
#[test]
fn a_p521_certificate_over_tls13_is_read_though_rustls_cannot_verify_it() {
    let dir = TempDir::new("p521").expect("temp dir");
    let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=rdptls-demo",
        ])
        .args([
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-521",
            "-sha512",
        ])
        .args(["-addext", "subjectAltName=DNS:rdptls-demo"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output();
    let pems = made.map_err(|e| format!("openssl: {e}")).and_then(|o| {
        let read = |p| std::fs::read_to_string(p).map_err(|e| format!("openssl req: {e}"));
        o.status
            .success()
            .then_some(())
            .ok_or("openssl req failed".to_string())?;
        Ok((read(&cert)?, read(&key)?))
    });
    let Some((cert_pem, key_pem)) = require_server(pems) else {
        return;
    };
    let Some(server) = require_server(OpenSslServer::start(&["-tls1_3"], &cert_pem, &key_pem))
    else {
        return;
    };
    let target = format!("127.0.0.1:{}", server.port());
    let (t, _) = scan_json(&[&target, "--name", "rdptls-demo"]);
    let c = &t["certificate"];
    assert_eq!(c["key"]["type"], "EC", "{t:#}");
    assert_eq!(c["key"]["bits"], 521);
    assert_eq!(c["key"]["curve"], "P-521");
    assert_eq!(c["signature_algorithm"], "ecdsa-with-SHA512");
    assert_eq!(
        (&c["self_signed"], &c["self_signed_verdict"]),
        (&Value::Bool(true), &Value::from("yes"))
    );
    assert_eq!(c["name_matches"], true);
    let tls = &t["tls"];
    assert!(
        tls["modern_handshake_error"]
            .as_str()
            .is_some_and(|e| e.contains("cannot verify")),
        "{tls:#}"
    );
    assert_eq!(tls["negotiated"], Value::Null, "no handshake completed");
    assert!(!has_finding(&t, "cert-unreadable"));
    assert!(!has_finding(&t, "cert-untrusted"), "self-signed");
}

/// The demo CA's leaf: trusted with the CA as `--ca-file`, not against the system's roots (`cert-untrusted`),
/// and not for another name (`cert-name-mismatch`, the leaf's own problem).
#[test]
fn a_ca_issued_chain_is_trusted_with_its_ca_file_only() {
    let Some(server) = require_server(OpenSslServer::fixture(&[], FixtureCert::CaChain)) else {
        return;
    };
    let dir = TempDir::new("ca-file").expect("temp dir");
    let written = rdptls::fixtures::write_all(dir.path()).expect("fixtures");
    let ca = written
        .iter()
        .find(|p| p.ends_with("ca-chain.ca.pem"))
        .expect("ca-chain.ca.pem");
    let ca = ca.to_str().expect("utf-8 path");
    let target = format!("127.0.0.1:{}", server.port());

    let (t, code) = scan_json(&[&target, "--quick", "--name", "rdptls-demo", "--ca-file", ca]);
    assert_eq!(code, 0, "{t:#}");
    let chain = &t["certificate"]["chain"];
    assert_eq!(chain["trusted"], true, "{t:#}");
    assert_eq!(chain["roots"], "ca-file");
    assert_eq!(chain["error"], Value::Null);
    assert_eq!(t["certificate"]["self_signed_verdict"], "no");
    assert!(!has_finding(&t, "cert-untrusted"));

    let (t, _) = scan_json(&[&target, "--quick", "--name", "rdptls-demo"]);
    let chain = &t["certificate"]["chain"];
    assert_eq!(chain["roots"], "system", "{t:#}");
    assert_eq!(chain["trusted"], false, "{t:#}");
    assert!(has_finding(&t, "cert-untrusted"), "{t:#}");

    let (t, _) = scan_json(&[
        &target,
        "--quick",
        "--name",
        "other.example",
        "--ca-file",
        ca,
    ]);
    let chain = &t["certificate"]["chain"];
    assert_eq!(chain["trusted"], false, "{t:#}");
    assert!(chain["error"]
        .as_str()
        .is_some_and(|e| e.contains("not issued for the name")));
    assert!(has_finding(&t, "cert-name-mismatch"));
    assert!(!has_finding(&t, "cert-untrusted"));
}

#[test]
fn a_ca_file_that_cannot_be_read_is_a_usage_error() {
    let dir = TempDir::new("bad-ca").expect("temp dir");
    let empty = dir.join("empty.pem");
    std::fs::write(&empty, "no certificate here\n").expect("write");
    for path in [dir.join("missing.pem"), empty] {
        let out = Command::new(env!("CARGO_BIN_EXE_rdptls"))
            .args(["scan", "127.0.0.1:9", "--ca-file"])
            .arg(&path)
            .output()
            .expect("run rdptls");
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        assert!(String::from_utf8_lossy(&out.stderr).contains("--ca-file"));
    }
}
