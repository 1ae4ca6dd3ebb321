//! Derived client verdicts equal replayed ones on a real server: each xrdp configuration is scanned twice, once
//! deriving what the enumeration proves and once replaying every client's hello, and every client's verdict
//! (connects, version, suite, why not) must be the same both ways.

mod support;

use std::sync::Arc;
use std::time::Duration;

use rdptls::analysis::clients;
use rdptls::fixtures::FixtureCert;
use rdptls::model::{ClientEvidenceSource, Status, TargetReport};
use rdptls::scan::{scan_target, ScanOptions};
use support::{require_server, FreerdpShadow, Xrdp, XrdpConfig};

/// (name, ssl_protocols, tls_ciphers)
const CONFIGS: [(&str, &str, &str); 3] = [
    (
        "legacy: TLS 1.0-1.2, every suite",
        "TLSv1, TLSv1.1, TLSv1.2",
        "ALL:@SECLEVEL=0",
    ),
    (
        "tls1.2 DHE-RSA AES-GCM only",
        "TLSv1.2",
        "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384",
    ),
    ("tls1.0 only", "TLSv1", "ALL:@SECLEVEL=0"),
];

fn scan(port: u16, replay_every_client: bool) -> TargetReport {
    let profiles = clients::builtin_profiles().expect("built-in profiles load");
    let opts = ScanOptions {
        timeout: Duration::from_secs(5),
        clients: Some(Arc::new(profiles)),
        replay_every_client,
        ..ScanOptions::default()
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(scan_target(&format!("127.0.0.1:{port}"), &opts))
}

/// Scans `port` both ways and checks that every client's verdict is the same; returns whether some client was
/// derived.
fn same_both_ways(name: &str, port: u16) -> bool {
    let derived = scan(port, false);
    let replayed = scan(port, true);
    assert_eq!(derived.status, Status::Ok, "{name}: {:?}", derived.error);
    assert_eq!(replayed.status, Status::Ok, "{name}: {:?}", replayed.error);
    assert_eq!(derived.clients.len(), replayed.clients.len(), "{name}");
    let mut derived_somewhere = false;
    for (d, r) in derived.clients.iter().zip(&replayed.clients) {
        assert_eq!(
            r.evidence,
            ClientEvidenceSource::Replayed,
            "{name} {}",
            r.id
        );
        derived_somewhere |= d.evidence == ClientEvidenceSource::Derived;
        assert_eq!(
            (d.connects, d.version, d.suite, d.failure),
            (r.connects, r.version, r.suite, r.failure),
            "{name}: {} ({:?}) derived {:?}, replayed {:?}",
            d.id,
            d.evidence,
            d.reason,
            r.reason
        );
    }
    let stages = derived.stats.stages.as_ref().expect("stage statistics");
    let all = replayed.stats.stages.as_ref().expect("stage statistics");
    assert_eq!(
        stages.hellos_replayed + stages.hellos_derived,
        all.hellos_replayed,
        "{name}"
    );
    eprintln!(
        "{name}: {} hellos derived, {} replayed (every client replayed: {}); connections {} vs {}",
        stages.hellos_derived,
        stages.hellos_replayed,
        all.hellos_replayed,
        derived.stats.connections,
        replayed.stats.connections
    );
    derived_somewhere
}

#[test]
fn derived_client_verdicts_equal_the_replayed_ones_on_real_xrdp() {
    let mut derived_somewhere = false;
    for (name, protocols, ciphers) in CONFIGS {
        let mut config = XrdpConfig::fixture("tls", FixtureCert::Valid);
        config.ssl_protocols = Some(protocols.to_string());
        config.tls_ciphers = Some(ciphers.to_string());
        let Some(server) = require_server(Xrdp::start(config)) else {
            return;
        };
        derived_somewhere |= same_both_ways(name, server.port());
    }
    assert!(
        derived_somewhere,
        "no client was derived on any configuration"
    );
}

#[test]
fn derived_client_verdicts_equal_the_replayed_ones_on_the_nla_only_shadow_server() {
    // TLS 1.2 and 1.3 behind NLA: TLS 1.3 picks are derived too.
    let Some(shadow) = require_server(FreerdpShadow::start("nla")) else {
        return;
    };
    assert!(same_both_ways("shadow /sec:nla", shadow.port()));
}
