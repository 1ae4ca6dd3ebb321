//! The MCS probe and the native RDP security enumeration against real xrdp, compared with what xrdp's own
//! configuration implies (and with nmap's rdp-enum-encryption where it runs).
//!
//! The expectation comes from xrdp 0.9's source, libxrdp/xrdp_sec.c: `xrdp_sec_init_rdp_security` maps
//! crypt_level low to (40-bit, LOW), medium to (40-bit, CLIENT_COMPATIBLE), high to (128-bit, HIGH) and fips to
//! (FIPS, FIPS); `xrdp_sec_process_mcs_data_CS_SECURITY` keeps that method whatever the client offers, so the
//! server's encryptionMethod equals the offer only for that one method. The key is read from
//! /etc/xrdp/rsakeys.ini (XRDP_CFG_PATH), whose `pub_mod` is the modulus as `0xNN,` bytes.

mod support;

use std::time::Duration;

use rdptls::model::{EncryptionLevel, EncryptionMethod, McsStage, RdpCertificateKind};
use rdptls::plan::mcs::{run, McsOptions, McsPaths};
use rdptls::probe::mcs::{exchange, McsRequest};
use rdptls::probe::ProbeContext;
use rdptls::wire::mcs::EncryptionMethods;
use rdptls::wire::x224::Protocols;
use support::{mcs_stage, require_server, tls_past_x224, Recording, Xrdp, XrdpConfig};

use rdptls::fixtures::FixtureCert;

fn ctx() -> ProbeContext {
    ProbeContext::new(Duration::from_secs(5))
}

fn xrdp(security_layer: &'static str, crypt_level: Option<&'static str>) -> Option<Xrdp> {
    let config = XrdpConfig {
        crypt_level,
        ..XrdpConfig::fixture(security_layer, FixtureCert::Valid)
    };
    require_server(Xrdp::start(config))
}

/// The key size xrdp presents: the `pub_mod` bytes of /etc/xrdp/rsakeys.ini, times 8.
fn rsakeys_bits() -> Option<u32> {
    let text = std::fs::read_to_string("/etc/xrdp/rsakeys.ini").ok()?;
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("pub_mod="))?;
    let bytes = line
        .split('=')
        .nth(1)?
        .split(',')
        .filter(|b| !b.trim().is_empty())
        .count();
    u32::try_from(bytes * 8).ok()
}

/// xrdp.ini crypt_level -> (the one method xrdp accepts, its level), from libxrdp/xrdp_sec.c.
fn expected(crypt_level: &str) -> (EncryptionMethod, EncryptionLevel) {
    match crypt_level {
        "low" => (EncryptionMethod::BIT40, EncryptionLevel::LOW),
        "medium" => (EncryptionMethod::BIT40, EncryptionLevel::CLIENT_COMPATIBLE),
        "high" => (EncryptionMethod::BIT128, EncryptionLevel::HIGH),
        "fips" => (EncryptionMethod::FIPS, EncryptionLevel::FIPS),
        other => panic!("no expectation for crypt_level {other}"),
    }
}

/// The first TPKT packet of `bytes`, as hex.
fn first_packet_hex(bytes: &[u8]) -> String {
    let len = bytes
        .get(2..4)
        .map_or(0, |l| usize::from(u16::from_be_bytes([l[0], l[1]])));
    bytes
        .get(..len)
        .unwrap_or(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// nmap's rdp-enum-encryption on the port: the accepted methods and the level, when its output parses.
fn nmap_enum(port: u16) -> Option<(Vec<EncryptionMethod>, String)> {
    let out = std::process::Command::new("/usr/bin/nmap")
        .args([
            "-Pn",
            "-n",
            "-sV",
            "--version-light",
            "-p",
            &port.to_string(),
            "--script",
            "rdp-enum-encryption",
            "127.0.0.1",
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    eprintln!("nmap:\n{text}");
    let level = text
        .lines()
        .find_map(|l| l.split("RDP Encryption level:").nth(1))?
        .trim()
        .to_string();
    let mut methods = Vec::new();
    for (label, m) in [
        ("40-bit RC4: SUCCESS", EncryptionMethod::BIT40),
        ("56-bit RC4: SUCCESS", EncryptionMethod::BIT56),
        ("128-bit RC4: SUCCESS", EncryptionMethod::BIT128),
        ("FIPS 140-1: SUCCESS", EncryptionMethod::FIPS),
    ] {
        if text.contains(label) {
            methods.push(m);
        }
    }
    Some((methods, level))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn native_rdp_security_matches_each_xrdp_crypt_level() {
    let bits = rsakeys_bits();
    for level in ["low", "medium", "high", "fips"] {
        let Some(server) = xrdp("rdp", Some(level)) else {
            return;
        };
        let addr = format!("127.0.0.1:{}", server.port())
            .parse()
            .expect("addr");
        let paths = McsPaths {
            rdp: true,
            ssl: false,
        };
        let opts = McsOptions {
            max_in_flight: 2,
            host: "127.0.0.1".into(),
        };
        let result = run(&ctx(), addr, paths, &opts).await;
        let report = result.rdp_security.expect("rdp_security");
        let (method, want_level) = expected(level);
        eprintln!(
            "crypt_level={level}: {report:?} endings {:?}",
            result.endings
        );
        assert_eq!(report.methods, vec![method], "crypt_level={level}");
        assert_eq!(report.level, Some(want_level), "crypt_level={level}");
        assert!(report.server_random_present, "crypt_level={level}");
        let cert = report.certificate.expect("certificate");
        assert_eq!(cert.kind, RdpCertificateKind::Proprietary);
        if let Some(bits) = bits {
            assert_eq!(cert.key_bits, Some(bits), "rsakeys.ini pub_mod");
        }
        // xrdp-keygen signs its certificate with the Terminal Services signing key.
        assert_eq!(cert.signature_ok, Some(true), "crypt_level={level}");
        let mcs = result.mcs.expect("mcs report");
        assert_eq!(mcs.rdp_version_name.as_deref(), Some("RDP 5.0 to 8.1"));
        assert!(mcs.stage >= McsStage::ChannelJoin, "{mcs:?}");

        // nmap is the second tool: under CI (which installs it) its comparison must run.
        let nmap = nmap_enum(server.port());
        assert!(
            nmap.is_some() || std::env::var("CI").as_deref() != Ok("true"),
            "nmap's rdp-enum-encryption gave nothing to compare with (crypt_level={level})"
        );
        if let Some((nmap_methods, nmap_level)) = nmap {
            assert_eq!(nmap_methods, vec![method], "nmap, crypt_level={level}");
            let want = match want_level {
                EncryptionLevel::LOW => "Low",
                EncryptionLevel::CLIENT_COMPATIBLE => "Client Compatible",
                EncryptionLevel::HIGH => "High",
                _ => "FIPS",
            };
            assert!(
                nmap_level.starts_with(want),
                "nmap level {nmap_level}, want {want}"
            );
        }
    }
}

#[tokio::test]
async fn the_mcs_probe_after_tls_reads_xrdp_core_data_and_channels() {
    let Some(server) = xrdp("tls", None) else {
        return;
    };
    let addr = format!("127.0.0.1:{}", server.port())
        .parse()
        .expect("addr");
    let result = mcs_stage(addr, false, true).await;
    eprintln!("{result:?}");
    assert!(result.rdp_security.is_none());
    let mcs = result.mcs.expect("mcs report");
    assert_eq!(mcs.rdp_version.0, 0x0008_0004);
    assert_eq!(mcs.client_requested_protocols, Some(Protocols::SSL));
    assert_eq!(mcs.io_channel, Some(1003));
    // xrdp.ini's [Channels] allows rdpdr, rdpsnd, drdynvc and cliprdr by default.
    assert!(!mcs.channels.is_empty(), "{mcs:?}");
    assert!(mcs.stage >= McsStage::ChannelJoin, "{mcs:?}");
    let json = serde_json::to_value(&mcs).expect("json");
    assert_eq!(json["rdp_version"], "0x00080004");
    assert_eq!(json["rdp_version_name"], "RDP 5.0 to 8.1");
}

/// Prints xrdp's Connect-Response at each crypt level and after TLS, for `src/wire/mcs/testdata/`.
#[tokio::test]
async fn capture_xrdp_connect_responses() {
    for level in ["low", "medium", "high", "fips"] {
        let Some(server) = xrdp("rdp", Some(level)) else {
            return;
        };
        let addr = format!("127.0.0.1:{}", server.port())
            .parse()
            .expect("addr");
        let ctx = ctx();
        let n = rdptls::probe::x224::negotiate(&ctx, addr, Protocols::RDP)
            .await
            .expect("negotiate");
        let mut rec = Recording::new(n.stream);
        let request = McsRequest::rdp(EncryptionMethods::ALL, true);
        let out = exchange(&ctx, &mut rec, request).await;
        assert!(out.response.is_some(), "{out:?}");
        eprintln!("CAPTURE rdp-{level} {}", first_packet_hex(&rec.received));
    }
    let Some(server) = xrdp("tls", None) else {
        return;
    };
    let addr = format!("127.0.0.1:{}", server.port())
        .parse()
        .expect("addr");
    let ctx = ctx();
    let mut rec = Recording::new(tls_past_x224(&ctx, addr).await);
    let request = McsRequest::after_tls();
    let out = exchange(&ctx, &mut rec, request).await;
    assert!(out.response.is_some(), "{out:?}");
    eprintln!("CAPTURE tls {}", first_packet_hex(&rec.received));
}

#[tokio::test]
async fn a_connection_the_scan_opened_serves_one_method_so_the_enumeration_opens_one_per_method() {
    let Some(server) = xrdp("rdp", Some("high")) else {
        return;
    };
    let addr = format!("127.0.0.1:{}", server.port())
        .parse()
        .expect("addr");
    let ctx = ctx();
    // What the negotiation matrix leaves: a PROTOCOL_RDP connection past its Connection Confirm.
    let n = rdptls::probe::x224::negotiate(&ctx, addr, Protocols::RDP)
        .await
        .expect("negotiate");
    let open = rdptls::plan::mcs::OpenStreams {
        rdp: Some(n.stream),
        tls: None,
    };
    let opts = McsOptions {
        max_in_flight: 2,
        host: "127.0.0.1".into(),
    };
    let paths = McsPaths {
        rdp: true,
        ssl: false,
    };
    let result = rdptls::plan::mcs::run_reusing(&ctx, addr, paths, &opts, open).await;
    let report = result.rdp_security.expect("rdp_security");
    assert_eq!(report.methods, vec![EncryptionMethod::BIT128]);
    assert_eq!(report.level, Some(EncryptionLevel::HIGH));
    assert_eq!(
        ctx.connections(),
        4,
        "one connection per method, the first reused"
    );
}

#[tokio::test]
async fn xrdp_with_crypt_level_none_accepts_no_method_and_sends_no_random_or_certificate() {
    let Some(server) = xrdp("rdp", Some("none")) else {
        return;
    };
    let addr = format!("127.0.0.1:{}", server.port())
        .parse()
        .expect("addr");
    let result = mcs_stage(addr, true, false).await;
    eprintln!("{result:?}");
    let report = result.rdp_security.expect("rdp_security");
    // xrdp_sec_init_rdp_security: none is (CRYPT_METHOD_NONE, CRYPT_LEVEL_NONE), and no key is read.
    assert!(report.methods.is_empty(), "{report:?}");
    assert_eq!(report.level, Some(EncryptionLevel::NONE));
    assert!(!report.server_random_present);
    assert!(report.certificate.is_none());
}

/// The whole scan against xrdp with `security_layer=negotiate` and `crypt_level=high`: standard RDP security is
/// enumerated (128-bit at level high, as xrdp's configuration says), the probe after TLS reads the server's MCS data
/// on the modern handshake's own connection, and the furthest stage is MCS.
#[tokio::test]
async fn a_full_scan_of_xrdp_negotiate_reports_native_security_and_mcs() {
    let Some(server) = xrdp("negotiate", Some("high")) else {
        return;
    };
    let opts = rdptls::scan::ScanOptions {
        timeout: Duration::from_secs(5),
        ..rdptls::scan::ScanOptions::default()
    };
    let r = rdptls::scan::scan_target(&format!("127.0.0.1:{}", server.port()), &opts).await;
    let rdp = r.rdp_security.as_ref().expect("rdp_security");
    let (method, level) = expected("high");
    assert_eq!(rdp.methods, [method], "{rdp:?}");
    assert_eq!(rdp.level, Some(level));
    assert_eq!(rdp.certificate.and_then(|c| c.key_bits), rsakeys_bits());
    let mcs = r.mcs.as_ref().expect("mcs");
    assert_eq!(
        mcs.client_requested_protocols,
        Some(Protocols::SSL),
        "{mcs:?}"
    );
    assert!(mcs.channels.iter().any(|c| c == "drdynvc"), "{mcs:?}");
    assert_eq!(
        r.stage.as_ref().map(|s| s.reached),
        Some(rdptls::model::ConnectionStage::Mcs)
    );
    assert!(
        r.findings
            .iter()
            .any(|f| f.id.as_str() == "rdp-encryption-high"),
        "{:?}",
        r.findings
    );
}
