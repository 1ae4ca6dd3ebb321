//! What a server does about the client beyond the cipher, against real `openssl s_server` (direct TLS): a server
//! that requires a client certificate (TLS 1.3 rejects after the handshake), and one that refuses the name a
//! client sends in SNI (mstsc sends the IP literal it dialled).

mod support;

use std::sync::Arc;
use std::time::Duration;

use rdptls::analysis::clients;
use rdptls::fixtures::FixtureCert;
use rdptls::model::{AlertDescription, ClientFailure, Severity, TargetReport};
use rdptls::scan::{scan_target, ScanOptions};
use support::{require_server, OpenSslServer};

fn scan_direct(port: u16) -> TargetReport {
    let opts = ScanOptions {
        timeout: Duration::from_secs(5),
        direct: true,
        clients: Some(Arc::new(clients::builtin_profiles().expect("profiles"))),
        ..ScanOptions::default()
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(scan_target(&format!("127.0.0.1:{port}"), &opts))
}

fn has(report: &TargetReport, id: &str) -> bool {
    report.findings.iter().any(|f| f.id.as_str() == id)
}

#[test]
fn a_tls13_server_that_requires_a_client_certificate_locks_every_client_out() {
    let Some(server) = require_server(OpenSslServer::fixture(
        &["-tls1_3", "-Verify", "1"],
        FixtureCert::Valid,
    )) else {
        return;
    };
    let r = scan_direct(server.port());
    let tls = r.tls.as_ref().expect("a TLS report");
    assert!(tls.client_certificate_requested, "{tls:?}");
    let rejected = tls
        .rejected_after_handshake
        .as_ref()
        .expect("the server rejects after the handshake");
    assert_eq!(rejected.alert, Some(AlertDescription::CERTIFICATE_REQUIRED));
    assert!(has(&r, "client-cert-required"), "{:?}", r.findings);
    for c in &r.clients {
        assert!(!c.connects, "{c:?}");
    }
    let f3 = r.clients.iter().find(|c| c.id == "freerdp-3").unwrap();
    assert_eq!(f3.failure, Some(ClientFailure::ClientCertificateRequired));
    let v = r.verdict.as_ref().unwrap();
    assert_eq!(v.severity, Some(Severity::Critical), "{v:?}");
    assert!(v.summary.contains("client certificate"), "{}", v.summary);
}

#[test]
fn a_server_that_checks_sni_refuses_mstsc_by_ip_and_says_connect_by_name() {
    // Fatal unrecognized_name for a name other than rdptls-demo; a hello without SNI is served.
    let Some(server) = require_server(OpenSslServer::fixture(
        &["-servername", "rdptls-demo", "-servername_fatal"],
        FixtureCert::Valid,
    )) else {
        return;
    };
    let r = scan_direct(server.port());
    let win10 = r.clients.iter().find(|c| c.id == "mstsc-win10").unwrap();
    assert!(
        !win10.connects,
        "mstsc sends the IP literal as SNI: {win10:?}"
    );
    assert_eq!(win10.failure, Some(ClientFailure::SniRefused), "{win10:?}");
    assert!(
        win10
            .reason
            .as_deref()
            .unwrap_or("")
            .contains("unrecognized_name"),
        "{win10:?}"
    );
    let rdesktop = r.clients.iter().find(|c| c.id == "rdesktop").unwrap();
    assert!(rdesktop.connects, "rdesktop sends no SNI: {rdesktop:?}");
    assert!(has(&r, "sni-required"), "{:?}", r.findings);
    assert!(
        !r.findings
            .iter()
            .any(|f| f.id.as_str() == "no-shared-suite"),
        "an SNI refusal is not a missing suite: {:?}",
        r.findings
    );
}
