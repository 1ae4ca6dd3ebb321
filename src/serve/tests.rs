//! The fixture servers on loopback: each profile's bytes on the wire, its TLS and CredSSP, and shutdown.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;
use rustls::version::{TLS12, TLS13};
use rustls::{ProtocolVersion, SupportedProtocolVersion};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{sleep, timeout};

use super::server::read_ts_request;
use super::spec::{Credssp, Delivery, Tls, X224};
use super::*;
use crate::probe::tls::accept_any_config;
use crate::wire::x224::{
    tpkt_packet_len, ConnectionRequest, NegotiationReply, Protocols, X224Reply,
};

const WAIT: Duration = Duration::from_secs(3);

fn test_limits() -> Limits {
    Limits {
        read_timeout: Duration::from_secs(2),
        hold_cap: Duration::from_secs(5),
        drip_interval: Duration::from_millis(5),
        late_by: Duration::from_millis(5),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn start(profile: Profile) -> FixtureServer {
    bind_with(profile, "127.0.0.1:0".parse().unwrap(), test_limits())
        .await
        .unwrap()
}

async fn connect(server: &FixtureServer) -> TcpStream {
    timeout(WAIT, TcpStream::connect(server.addr()))
        .await
        .unwrap()
        .unwrap()
}

async fn send_request(stream: &mut TcpStream, requested: u32) {
    let cr = ConnectionRequest::new(Protocols(requested), None)
        .encode()
        .unwrap();
    stream.write_all(&cr).await.unwrap();
}

/// Reads one TPKT packet (header, then the length it gives).
async fn read_packet(stream: &mut TcpStream) -> Vec<u8> {
    let mut header = [0u8; 4];
    timeout(WAIT, stream.read_exact(&mut header))
        .await
        .unwrap()
        .unwrap();
    let len = tpkt_packet_len(header).unwrap();
    let mut packet = header.to_vec();
    packet.resize(len, 0);
    timeout(WAIT, stream.read_exact(&mut packet[4..]))
        .await
        .unwrap()
        .unwrap();
    packet
}

/// Reads until the server closes; the bytes and whether it ended with a reset.
async fn read_to_close(stream: &mut TcpStream) -> (Vec<u8>, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match timeout(WAIT, stream.read(&mut buf)).await.unwrap() {
            Ok(0) => return (got, false),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return (got, true),
            Err(e) => panic!("{e}"),
        }
    }
}

async fn reply_to(profile: Profile, requested: u32) -> String {
    let server = start(profile).await;
    let mut stream = connect(&server).await;
    send_request(&mut stream, requested).await;
    hex(&read_packet(&mut stream).await)
}

/// Completes a TLS handshake offering `versions`; the negotiated version and the leaf's DER.
async fn tls_handshake(
    stream: TcpStream,
    versions: &[&'static SupportedProtocolVersion],
) -> io::Result<(ProtocolVersion, Vec<u8>)> {
    let (config, _) = accept_any_config(versions).unwrap();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = ServerName::try_from("rdptls-demo").unwrap();
    let tls = timeout(WAIT, connector.connect(name, stream)).await??;
    let (_, conn) = tls.get_ref();
    let leaf = conn.peer_certificates().unwrap()[0].to_vec();
    Ok((conn.protocol_version().unwrap(), leaf))
}

/// Negotiates `requested`, expects `selected` back, and completes TLS.
async fn negotiate_then_tls(
    server: &FixtureServer,
    requested: u32,
    versions: &[&'static SupportedProtocolVersion],
) -> io::Result<(ProtocolVersion, Vec<u8>)> {
    let mut stream = connect(server).await;
    send_request(&mut stream, requested).await;
    let reply = X224Reply::decode(&read_packet(&mut stream).await).unwrap();
    let X224Reply::Confirm(cc) = reply else {
        panic!("{reply:?}")
    };
    assert!(matches!(cc.negotiation, NegotiationReply::Response { .. }));
    tls_handshake(stream, versions).await
}

fn common_name(der: &[u8]) -> String {
    let (_, cert) = x509_parser::parse_x509_certificate(der).unwrap();
    let cn = cert.subject().iter_common_name().next().unwrap();
    cn.as_str().unwrap().to_string()
}

#[test]
fn every_profile_name_round_trips_and_has_a_description() {
    for p in Profile::ALL {
        assert_eq!(p.name().parse::<Profile>().unwrap(), p);
        assert!(!p.describe().is_empty());
    }
    assert_eq!("TLS13_ONLY".parse::<Profile>().unwrap(), Profile::Tls13Only);
    let err = "nope".parse::<Profile>().unwrap_err().to_string();
    assert!(err.contains("modern, tls13-only"), "{err}");
}

#[test]
fn all_lists_every_profile_once_with_a_distinct_name() {
    for (i, p) in Profile::ALL.into_iter().enumerate() {
        assert_eq!(p as usize, i, "{p} out of place in Profile::ALL");
    }
    let mut names = Profile::ALL.map(Profile::name);
    names.sort_unstable();
    let before = names.len();
    let mut names = names.to_vec();
    names.dedup();
    assert_eq!(names.len(), before, "duplicate names");
}

/// The rows agree with themselves: a profile reaches TLS exactly when it can select SSL or HYBRID and sends its
/// whole Connection Confirm, and answers CredSSP exactly when it can select HYBRID or HYBRID_EX.
#[test]
fn every_row_configures_the_layers_it_can_select_and_no_others() {
    for p in Profile::ALL {
        let spec = p.spec();
        let (selects_tls, selects_hybrid) = match spec.x224 {
            X224::Confirm(negotiation, delivery) => {
                let replies = negotiation.rules.iter().map(|r| r.reply);
                let selected: Vec<Protocols> = replies
                    .chain([negotiation.otherwise])
                    .filter_map(|reply| match reply {
                        NegotiationReply::Response { selected, .. } => Some(selected),
                        NegotiationReply::None | NegotiationReply::Failure(_) => None,
                    })
                    .collect();
                let hybrid = selected
                    .iter()
                    .any(|s| matches!(*s, Protocols::HYBRID | Protocols::HYBRID_EX));
                let tls = selected.iter().any(|s| *s != Protocols::RDP);
                let reaches_tls = tls && delivery != Delivery::HalfThenClose;
                (reaches_tls, hybrid && reaches_tls)
            }
            X224::Instead(..) | X224::Silence | X224::Reset => (false, false),
        };
        let has_tls = match spec.tls {
            Tls::None => false,
            Tls::Rustls { .. } | Tls::Instead(_) => true,
        };
        assert_eq!(has_tls, selects_tls, "{p}: TLS row");
        assert_eq!(
            p.certificate().is_some(),
            matches!(spec.tls, Tls::Rustls { .. }),
            "{p}: certificate"
        );
        let has_credssp = spec.credssp != Credssp::None;
        assert_eq!(has_credssp, selects_hybrid, "{p}: CredSSP row");
        if has_credssp {
            assert!(
                matches!(spec.tls, Tls::Rustls { .. }),
                "{p}: CredSSP runs inside TLS"
            );
        }
    }
}

/// The reply bytes of every negotiating profile to each request. XRDP_*: xrdp 0.9.21 with security_layer=tls or
/// rdp (SRC-REF 0x1234, flags EXTENDED_CLIENT_DATA_SUPPORTED: `xrdp_iso_send_cc` and `xrdp_iso_negotiate_security`
/// in neutrinolabs/xrdp `libxrdp/xrdp_iso.c`). SHADOW_*: the FreeRDP 2.11 shadow server with /sec:nla (SRC-REF 0:
/// `tpdu_write_header` in FreeRDP `libfreerdp/core/tpdu.c`; flags 0x03 and HYBRID_REQUIRED_BY_SERVER:
/// `nego_send_negotiation_response` in `libfreerdp/core/nego.c`). The layouts are MS-RDPBCGR 2.2.1.2.
#[tokio::test]
async fn negotiating_profiles_answer_like_the_servers_they_imitate() {
    const XRDP_SSL: &str = "030000130ed000001234000201080001000000";
    const XRDP_SSL_REQUIRED: &str = "030000130ed000001234000300080001000000";
    const XRDP_RDP: &str = "030000130ed000001234000201080000000000";
    const SHADOW_HYBRID: &str = "030000130ed000000000000203080002000000";
    const SHADOW_HYBRID_REQUIRED: &str = "030000130ed000000000000300080005000000";
    const MODERN_HYBRID: &str = "030000130ed000001234000203080002000000";
    const MODERN_HYBRID_EX: &str = "030000130ed000001234000203080008000000";
    let cases = [
        (Profile::SslRequired, 0x00, XRDP_SSL_REQUIRED),
        (Profile::SslRequired, 0x01, XRDP_SSL),
        (Profile::SslRequired, 0x02, XRDP_SSL_REQUIRED),
        (Profile::SslRequired, 0x03, XRDP_SSL),
        (Profile::SslRequired, 0x08, XRDP_SSL_REQUIRED),
        (Profile::SslRequired, 0x0b, XRDP_SSL),
        (Profile::NlaRequired, 0x00, SHADOW_HYBRID_REQUIRED),
        (Profile::NlaRequired, 0x01, SHADOW_HYBRID_REQUIRED),
        (Profile::NlaRequired, 0x08, SHADOW_HYBRID),
        (Profile::NlaRequired, 0x02, SHADOW_HYBRID),
        (Profile::NlaRequired, 0x03, SHADOW_HYBRID),
        (Profile::NlaRequired, 0x0b, SHADOW_HYBRID),
        (Profile::Modern, 0x00, XRDP_SSL_REQUIRED),
        (Profile::Modern, 0x01, XRDP_SSL),
        (Profile::Modern, 0x03, MODERN_HYBRID),
        (Profile::Modern, 0x0b, MODERN_HYBRID_EX),
        (Profile::Tls13Only, 0x01, XRDP_SSL),
        (Profile::ExpiredCert, 0x01, XRDP_SSL),
        (Profile::ExpiringCert, 0x01, XRDP_SSL),
        (Profile::RdpOnly, 0x00, XRDP_RDP),
        (Profile::RdpOnly, 0x01, XRDP_RDP),
        (Profile::RdpOnly, 0x0b, XRDP_RDP),
        (Profile::LegacyNoNeg, 0x01, "0300000b06d00000123400"),
        (Profile::Disconnect, 0x01, "0300000902f0802180"),
        (Profile::Disconnect, 0x10, "0300000902f0802180"),
    ];
    for (profile, requested, want) in cases {
        let got = reply_to(profile, requested).await;
        assert_eq!(got, want, "{profile} answering 0x{requested:02x}");
    }
}

#[tokio::test]
async fn request_without_negotiation_data_counts_as_standard_rdp() {
    let server = start(Profile::SslRequired).await;
    let mut stream = connect(&server).await;
    let cr = ConnectionRequest {
        cookie: None,
        negotiation: None,
    };
    stream.write_all(&cr.encode().unwrap()).await.unwrap();
    assert_eq!(
        hex(&read_packet(&mut stream).await),
        "030000130ed000001234000300080001000000"
    );
}

#[tokio::test]
async fn modern_completes_tls_1_3_and_tls_1_2_with_the_valid_certificate() {
    let server = start(Profile::Modern).await;
    let (v, leaf) = negotiate_then_tls(&server, 0x01, &[&TLS13, &TLS12])
        .await
        .unwrap();
    assert_eq!(v, ProtocolVersion::TLSv1_3);
    assert_eq!(common_name(&leaf), "rdptls-demo");
    let (v, _) = negotiate_then_tls(&server, 0x01, &[&TLS12]).await.unwrap();
    assert_eq!(v, ProtocolVersion::TLSv1_2);
    // TLS follows HYBRID too: CredSSP would run inside it.
    let (v, _) = negotiate_then_tls(&server, 0x03, &[&TLS13]).await.unwrap();
    assert_eq!(v, ProtocolVersion::TLSv1_3);
}

#[tokio::test]
async fn tls13_only_refuses_a_tls_1_2_client() {
    let server = start(Profile::Tls13Only).await;
    let (v, _) = negotiate_then_tls(&server, 0x01, &[&TLS13]).await.unwrap();
    assert_eq!(v, ProtocolVersion::TLSv1_3);
    let err = negotiate_then_tls(&server, 0x01, &[&TLS12])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("ProtocolVersion"), "{err}");
}

#[tokio::test]
async fn certificate_profiles_serve_their_fixture() {
    let server = start(Profile::ExpiredCert).await;
    let (_, leaf) = negotiate_then_tls(&server, 0x01, &[&TLS12]).await.unwrap();
    assert_eq!(common_name(&leaf), crate::fixtures::WINDOWS_HOST);
    let (_, cert) = x509_parser::parse_x509_certificate(&leaf).unwrap();
    assert!(!cert.validity().is_valid());

    let server = start(Profile::ExpiringCert).await;
    let (_, leaf) = negotiate_then_tls(&server, 0x01, &[&TLS13]).await.unwrap();
    let (_, cert) = x509_parser::parse_x509_certificate(&leaf).unwrap();
    let left = cert.validity().time_to_expiration().unwrap();
    assert!(left.whole_days() >= 9 && left.whole_days() <= 10, "{left}");
}

#[tokio::test]
async fn nla_required_runs_tls_after_selecting_hybrid_and_answers_credssp_with_a_challenge() {
    let server = start(Profile::NlaRequired).await;
    let mut stream = connect(&server).await;
    send_request(&mut stream, 0x03).await;
    read_packet(&mut stream).await;
    let (config, _) = accept_any_config(rustls::DEFAULT_VERSIONS).unwrap();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = ServerName::try_from("rdptls-demo").unwrap();
    let mut tls = timeout(WAIT, connector.connect(name, stream))
        .await
        .unwrap()
        .unwrap();
    let negotiate =
        crate::wire::credssp::encode_ts_request(6, &crate::wire::credssp::ntlm_negotiate())
            .unwrap();
    tls.write_all(&negotiate).await.unwrap();
    let reply = read_ts_request(&mut tls, WAIT).await.unwrap();
    assert_eq!(reply.version, 6);
    let challenge =
        crate::wire::credssp::NtlmChallenge::decode(reply.nego_token.as_deref().unwrap()).unwrap();
    assert_eq!(challenge.netbios_computer.as_deref(), Some("RDPTLS-DEMO"));
    // Authentication would continue with an AUTHENTICATE message: the fixture ends it there.
    tls.write_all(&negotiate).await.unwrap();
    let mut buf = [0u8; 16];
    let n = timeout(WAIT, tls.read(&mut buf))
        .await
        .unwrap()
        .unwrap_or(0);
    assert_eq!(n, 0, "the server closes after the CHALLENGE");
}

#[tokio::test]
async fn rdp_only_never_starts_tls() {
    let server = start(Profile::RdpOnly).await;
    let mut stream = connect(&server).await;
    send_request(&mut stream, 0x01).await;
    read_packet(&mut stream).await;
    let err = tls_handshake(stream, &[&TLS13, &TLS12]).await.unwrap_err();
    assert_ne!(err.kind(), io::ErrorKind::TimedOut, "{err}");
}

#[tokio::test]
async fn garbage_answers_http() {
    let server = start(Profile::Garbage).await;
    let mut stream = connect(&server).await;
    send_request(&mut stream, 0x01).await;
    let (got, _) = read_to_close(&mut stream).await;
    assert_eq!(got, HTTP_REPLY);
    assert!(tpkt_packet_len([got[0], got[1], got[2], got[3]]).is_err());
}

#[tokio::test]
async fn truncated_sends_half_a_confirm_then_closes() {
    let server = start(Profile::Truncated).await;
    let mut stream = connect(&server).await;
    send_request(&mut stream, 0x01).await;
    let (got, _) = read_to_close(&mut stream).await;
    assert_eq!(hex(&got), "030000130ed0000012");
}

#[tokio::test]
async fn huge_length_claims_65535_bytes_then_holds() {
    let server = start(Profile::HugeLength).await;
    let mut stream = connect(&server).await;
    send_request(&mut stream, 0x01).await;
    let mut header = [0u8; 4];
    timeout(WAIT, stream.read_exact(&mut header))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tpkt_packet_len(header).unwrap(), 65535);
    let mut rest = [0u8; 5];
    timeout(WAIT, stream.read_exact(&mut rest))
        .await
        .unwrap()
        .unwrap();
    let mut more = [0u8; 1];
    let silent = timeout(Duration::from_millis(300), stream.read(&mut more)).await;
    assert!(silent.is_err(), "the server holds without sending more");
}

#[tokio::test]
async fn huge_tls_record_claims_65535_bytes_after_selecting_ssl() {
    let server = start(Profile::HugeTlsRecord).await;
    let mut stream = connect(&server).await;
    send_request(&mut stream, 0x01).await;
    assert_eq!(
        hex(&read_packet(&mut stream).await),
        "030000130ed000001234000201080001000000"
    );
    let err = tls_handshake(stream, &[&TLS13, &TLS12]).await.unwrap_err();
    // rustls rejects the oversized record at once instead of waiting for 65535 bytes.
    assert_ne!(err.kind(), io::ErrorKind::TimedOut, "{err}");
}

#[tokio::test]
async fn tarpit_reads_but_never_answers() {
    let server = start(Profile::Tarpit).await;
    let mut stream = connect(&server).await;
    send_request(&mut stream, 0x01).await;
    let mut buf = [0u8; 1];
    let silent = timeout(Duration::from_millis(500), stream.read(&mut buf)).await;
    assert!(silent.is_err(), "no reply and no close: {silent:?}");
}

#[tokio::test]
async fn reset_closes_with_a_tcp_reset() {
    let server = start(Profile::Reset).await;
    let mut stream = connect(&server).await;
    // The reset may arrive before or after the request is written.
    let _ = stream
        .write_all(
            &ConnectionRequest::new(Protocols::SSL, None)
                .encode()
                .unwrap(),
        )
        .await;
    let mut buf = [0u8; 16];
    let got = timeout(WAIT, stream.read(&mut buf)).await.unwrap();
    assert_eq!(got.unwrap_err().kind(), io::ErrorKind::ConnectionReset);
}

#[tokio::test]
async fn slow_drip_sends_a_valid_confirm_byte_by_byte_then_tls() {
    let server = start(Profile::SlowDrip).await;
    let started = Instant::now();
    let (v, _) = negotiate_then_tls(&server, 0x01, &[&TLS13, &TLS12])
        .await
        .unwrap();
    assert_eq!(v, ProtocolVersion::TLSv1_3);
    // 19 bytes, 5 ms apart.
    assert!(started.elapsed() >= Duration::from_millis(90));
}

#[tokio::test]
async fn silent_client_is_dropped_after_the_read_timeout() {
    let limits = Limits {
        read_timeout: Duration::from_millis(200),
        ..test_limits()
    };
    let server = bind_with(Profile::Modern, "127.0.0.1:0".parse().unwrap(), limits)
        .await
        .unwrap();
    let mut stream = connect(&server).await;
    let (got, _) = read_to_close(&mut stream).await;
    assert!(got.is_empty());
}

#[tokio::test]
async fn serve_stops_on_shutdown_and_drops_open_connections() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve_with(
        Profile::Tarpit,
        listener,
        async {
            let _ = stopped.await;
        },
        test_limits(),
    ));
    let mut stream = timeout(WAIT, TcpStream::connect(addr))
        .await
        .unwrap()
        .unwrap();
    send_request(&mut stream, 0x01).await;
    sleep(Duration::from_millis(50)).await;
    stop.send(()).unwrap();
    timeout(WAIT, task).await.unwrap().unwrap().unwrap();
    let (got, _) = read_to_close(&mut stream).await;
    assert!(got.is_empty());
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

#[tokio::test]
async fn dropping_a_fixture_server_stops_it() {
    let server = start(Profile::Modern).await;
    let addr = server.addr();
    drop(server);
    // Aborting is asynchronous; give the runtime a moment to drop the listener.
    sleep(Duration::from_millis(50)).await;
    assert!(TcpStream::connect(addr).await.is_err());
}
