//! The real-server harness works: xrdp, the FreeRDP shadow server and openssl s_server start on loopback, answer
//! with the Connection Confirms their sources write (xrdp `libxrdp/xrdp_iso.c`, FreeRDP `libfreerdp/core/nego.c`;
//! MS-RDPBCGR 2.2.1.2), and the real xfreerdp client gets through TLS.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use rdptls::fixtures::FixtureCert;
use rdptls::probe::tls::accept_any_config;
use rdptls::wire::x224::{tpkt_packet_len, ConnectionRequest, Protocols};
use rustls::pki_types::ServerName;
use rustls::ProtocolVersion;
use support::{require_server, FreerdpShadow, OpenSslServer, XfreerdpClient, Xrdp, XrdpConfig};

const XRDP_SSL_SELECTED: &str = "030000130ed000001234000201080001000000";
const XRDP_SSL_REQUIRED: &str = "030000130ed000001234000300080001000000";
const SHADOW_HYBRID_REQUIRED: &str = "030000130ed000000000000300080005000000";
const SHADOW_HYBRID_SELECTED: &str = "030000130ed000000000000203080002000000";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn connect(port: u16) -> TcpStream {
    let stream =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(5)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
}

/// Sends the minimal 19-byte Connection Request for `requested` and reads one TPKT packet back.
fn negotiate(stream: &mut TcpStream, requested: u32) -> Vec<u8> {
    let cr = ConnectionRequest::new(Protocols(requested), None)
        .encode()
        .unwrap();
    stream.write_all(&cr).unwrap();
    let mut header = [0u8; 4];
    stream.read_exact(&mut header).unwrap();
    let mut packet = header.to_vec();
    packet.resize(tpkt_packet_len(header).unwrap(), 0);
    stream.read_exact(&mut packet[4..]).unwrap();
    packet
}

/// One fresh connection per request, as wire.md's captures were made.
fn reply_to(port: u16, requested: u32) -> String {
    hex(&negotiate(&mut connect(port), requested))
}

/// A blocking rustls handshake over `stream`; the negotiated version and the leaf certificate's common name.
fn tls_handshake(stream: &mut TcpStream) -> (ProtocolVersion, String) {
    let (config, _) = accept_any_config(rustls::DEFAULT_VERSIONS).unwrap();
    let name = ServerName::try_from("rdptls-demo").unwrap();
    let mut conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    while conn.is_handshaking() {
        conn.complete_io(stream).unwrap();
    }
    let leaf = conn.peer_certificates().unwrap()[0].to_vec();
    let (_, cert) = x509_parser::parse_x509_certificate(&leaf).unwrap();
    let cn = cert.subject().iter_common_name().next().unwrap();
    (
        conn.protocol_version().unwrap(),
        cn.as_str().unwrap().to_string(),
    )
}

#[test]
fn xrdp_with_security_layer_tls_answers_like_the_capture_and_serves_the_fixture_certificate() {
    let Some(xrdp) = require_server(Xrdp::start(XrdpConfig::fixture(
        "tls",
        FixtureCert::Expired,
    ))) else {
        return;
    };
    eprintln!("xrdp accepted after {:?}", xrdp.startup());
    for (requested, want) in [
        (0x00, XRDP_SSL_REQUIRED),
        (0x01, XRDP_SSL_SELECTED),
        (0x02, XRDP_SSL_REQUIRED),
        (0x03, XRDP_SSL_SELECTED),
    ] {
        assert_eq!(reply_to(xrdp.port(), requested), want, "0x{requested:02x}");
    }
    let mut stream = connect(xrdp.port());
    assert_eq!(hex(&negotiate(&mut stream, 0x01)), XRDP_SSL_SELECTED);
    let (version, cn) = tls_handshake(&mut stream);
    assert_eq!(cn, rdptls::fixtures::WINDOWS_HOST);
    assert!(
        matches!(version, ProtocolVersion::TLSv1_2 | ProtocolVersion::TLSv1_3),
        "{version:?}"
    );
}

#[test]
fn freerdp_shadow_with_nla_requires_hybrid() {
    let Some(shadow) = require_server(FreerdpShadow::start("nla")) else {
        return;
    };
    eprintln!("shadow (with Xvfb) accepted after {:?}", shadow.startup());
    assert_eq!(reply_to(shadow.port(), 0x01), SHADOW_HYBRID_REQUIRED);
    assert_eq!(reply_to(shadow.port(), 0x03), SHADOW_HYBRID_SELECTED);
    let mut stream = connect(shadow.port());
    assert_eq!(hex(&negotiate(&mut stream, 0x02)), SHADOW_HYBRID_SELECTED);
    let (version, _) = tls_handshake(&mut stream);
    assert_eq!(version, ProtocolVersion::TLSv1_3);
}

#[test]
fn openssl_s_server_answers_direct_tls_with_the_versions_it_is_given() {
    let Some(server) = require_server(OpenSslServer::fixture(&["-tls1_2"], FixtureCert::Valid))
    else {
        return;
    };
    let (version, cn) = tls_handshake(&mut connect(server.port()));
    assert_eq!(version, ProtocolVersion::TLSv1_2);
    assert_eq!(cn, rdptls::fixtures::DEMO_HOST);
}

#[test]
fn xfreerdp_gets_through_tls_to_xrdp() {
    let Some(xrdp) = require_server(Xrdp::start(XrdpConfig::fixture("tls", FixtureCert::Valid)))
    else {
        return;
    };
    let Some((connected, log)) = require_server(XfreerdpClient::run(xrdp.port(), &[])) else {
        return;
    };
    assert!(connected, "xfreerdp log:\n{log}");
}

#[test]
fn xfreerdp_reports_a_tls_failure_when_xrdp_allows_only_tls_1_0() {
    let config = XrdpConfig {
        ssl_protocols: Some("TLSv1".to_string()),
        tls_ciphers: Some("ALL:@SECLEVEL=0".to_string()),
        ..XrdpConfig::fixture("tls", FixtureCert::Valid)
    };
    let Some(xrdp) = require_server(Xrdp::start(config)) else {
        return;
    };
    let Some((connected, log)) = require_server(XfreerdpClient::run(xrdp.port(), &[])) else {
        return;
    };
    assert!(!connected, "xfreerdp log:\n{log}");
    assert!(log.contains("ERRCONNECT_TLS_CONNECT_FAILED"), "{log}");
}
