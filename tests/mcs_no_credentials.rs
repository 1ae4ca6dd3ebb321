//! No byte of a credential ever leaves rdptls: a recording proxy in front of real xrdp (security_layer rdp and
//! tls) keeps every byte the client sends through the MCS stage and a whole `rdptls` scan, and a checker parses
//! that stream: no Client Info PDU (TS_SECURITY_HEADER flag SEC_INFO_PKT in an MCS Send Data Request), no NTLM
//! AUTHENTICATE (type 3), no CredSSP TSRequest with authInfo. Inside TLS the proxy sees only ciphertext, so the
//! MCS exchange after TLS is also run over a stream wrapper that records the plaintext the probe writes.
//!
//! The checker is shown to catch each of the three on crafted streams: a test that cannot fail proves nothing.

mod support;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use std::time::Duration;

use rdptls::fixtures::FixtureCert;
use rdptls::probe::mcs::{exchange, McsRequest};
use rdptls::probe::ProbeContext;
use rdptls::wire::mcs::{encode_x224_data, DomainPdu, SendData};
use support::{mcs_stage, require_server, tls_past_x224, Recording, Xrdp, XrdpConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// TS_SECURITY_HEADER SEC_INFO_PKT, MS-RDPBCGR 2.2.8.1.1.2.1.
const SEC_INFO_PKT: u16 = 0x0040;

/// The bytes each client connection sent through the proxy, one buffer per connection.
type Recorded = Arc<Mutex<Vec<Arc<Mutex<Vec<u8>>>>>>;

/// What the checker found in one client stream.
fn credential_leaks(stream: &[u8]) -> Vec<String> {
    let mut leaks = Vec::new();
    let mut at = 0;
    // TPKT frames until the stream is something else (a TLS record: its plaintext is checked elsewhere).
    while stream.len() >= at + 4 && stream[at] == 3 {
        let len = usize::from(u16::from_be_bytes([stream[at + 2], stream[at + 3]]));
        if len < 7 || stream.len() < at + len {
            break;
        }
        let frame = &stream[at..at + len];
        at += len;
        if frame[5] & 0xF0 != 0xF0 {
            continue; // not a Data TPDU (the Connection Request)
        }
        if let Ok(DomainPdu::SendDataRequest(d)) = DomainPdu::decode(&frame[7..]) {
            let flags = d.data.get(..2).map(|f| u16::from_le_bytes([f[0], f[1]]));
            if flags.is_some_and(|f| f & SEC_INFO_PKT != 0) {
                leaks.push(format!("Client Info PDU on channel {}", d.channel_id));
            }
        }
    }
    leaks.extend(credssp_leaks(stream));
    leaks
}

/// An NTLM AUTHENTICATE anywhere, or a DER TSRequest (SEQUENCE) holding authInfo `[2]`.
fn credssp_leaks(bytes: &[u8]) -> Vec<String> {
    let mut leaks = Vec::new();
    for (i, w) in bytes.windows(12).enumerate() {
        if &w[..8] == b"NTLMSSP\0" && w[8..12] == [3, 0, 0, 0] {
            leaks.push(format!("NTLM AUTHENTICATE at byte {i}"));
        }
    }
    if let Some(fields) = der_sequence_fields(bytes) {
        if fields.contains(&0xA2) {
            leaks.push("TSRequest with authInfo".into());
        }
    }
    leaks
}

/// The tags of the top-level fields of a DER SEQUENCE at the start of `bytes`.
fn der_sequence_fields(bytes: &[u8]) -> Option<Vec<u8>> {
    fn header(b: &[u8]) -> Option<(u8, usize, usize)> {
        let tag = *b.first()?;
        let first = *b.get(1)?;
        if first < 0x80 {
            return Some((tag, 2, usize::from(first)));
        }
        let n = usize::from(first & 0x7F);
        let len = b
            .get(2..2 + n)?
            .iter()
            .fold(0usize, |a, x| (a << 8) | usize::from(*x));
        Some((tag, 2 + n, len))
    }
    let (tag, hl, len) = header(bytes)?;
    if tag != 0x30 {
        return None;
    }
    let mut body = bytes.get(hl..hl + len)?;
    let mut tags = Vec::new();
    while !body.is_empty() {
        let (t, h, l) = header(body)?;
        tags.push(t);
        body = body.get(h + l..)?;
    }
    Some(tags)
}

/// A loopback proxy to `upstream` recording what each client connection sends.
async fn recording_proxy(upstream: SocketAddr) -> (SocketAddr, Recorded) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let streams: Recorded = Arc::default();
    let all = streams.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let sent = Arc::new(Mutex::new(Vec::new()));
            all.lock().expect("lock").push(sent.clone());
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let up = async move {
                    let mut buf = [0u8; 16384];
                    while let Ok(n) = cr.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        sent.lock().expect("lock").extend_from_slice(&buf[..n]);
                        if sw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    let _ = sw.shutdown().await;
                };
                let down = async move {
                    let _ = tokio::io::copy(&mut sr, &mut cw).await;
                    let _ = cw.shutdown().await;
                };
                tokio::join!(up, down);
            });
        }
    });
    (addr, streams)
}

fn ctx() -> ProbeContext {
    ProbeContext::new(Duration::from_secs(5))
}

fn recorded(streams: &Recorded) -> Vec<Vec<u8>> {
    streams
        .lock()
        .expect("lock")
        .iter()
        .map(|s| s.lock().expect("lock").clone())
        .collect()
}

#[test]
fn the_checker_catches_a_client_info_pdu_an_ntlm_authenticate_and_a_tsrequest_with_auth_info() {
    // A Client Info PDU as a client sends it after the channel joins: SEC_INFO_PKT, then TS_INFO_PACKET.
    let mut info = vec![0x40, 0x00, 0x00, 0x00];
    info.extend_from_slice(&[0; 18]);
    info.extend_from_slice("secret-password".as_bytes());
    let sdrq = DomainPdu::SendDataRequest(SendData {
        initiator: 1007,
        channel_id: 1003,
        flags: 0x70,
        data: info,
    });
    let mut stream =
        b"\x03\x00\x00\x13\x0e\xe0\x00\x00\x00\x00\x00\x01\x00\x08\x00\x00\x00\x00\x00".to_vec();
    stream.extend(encode_x224_data(&sdrq.encode().expect("encode")).expect("frame"));
    assert_eq!(
        credential_leaks(&stream),
        vec!["Client Info PDU on channel 1003"]
    );

    let mut ntlm = b"NTLMSSP\0".to_vec();
    ntlm.extend_from_slice(&[3, 0, 0, 0]);
    ntlm.extend_from_slice(&[0; 40]);
    assert_eq!(credssp_leaks(&ntlm).len(), 1);
    // TSRequest { version [0] 6, authInfo [2] OCTET STRING "x" }.
    let ts = [
        0x30, 0x0A, 0xA0, 0x03, 0x02, 0x01, 0x06, 0xA2, 0x03, 0x04, 0x01, 0x78,
    ];
    assert_eq!(credssp_leaks(&ts), vec!["TSRequest with authInfo"]);
    // ... and a TSRequest with only negoTokens (what the CredSSP probe sends) is not a leak.
    let nego = [
        0x30, 0x0A, 0xA0, 0x03, 0x02, 0x01, 0x06, 0xA1, 0x03, 0x30, 0x01, 0x00,
    ];
    assert!(credssp_leaks(&nego).is_empty());
}

async fn check_layer(security_layer: &'static str) {
    let Some(xrdp) = require_server(Xrdp::start(XrdpConfig::fixture(
        security_layer,
        FixtureCert::Valid,
    ))) else {
        return;
    };
    let upstream: SocketAddr = format!("127.0.0.1:{}", xrdp.port()).parse().expect("addr");
    let (proxy, streams) = recording_proxy(upstream).await;
    let result = mcs_stage(proxy, true, true).await;
    assert!(
        result.mcs.is_some(),
        "{security_layer}: the MCS stage reached the server: {result:?}"
    );
    // A whole scan of the same target, through the proxy.
    let scan_opts = rdptls::scan::ScanOptions {
        quick: true,
        ..Default::default()
    };
    let _ = rdptls::scan::scan_target(&proxy.to_string(), &scan_opts).await;

    let all = recorded(&streams);
    assert!(
        all.len() >= 5,
        "{security_layer}: {} connections recorded",
        all.len()
    );
    for (i, s) in all.iter().enumerate() {
        assert_eq!(
            credential_leaks(s),
            Vec::<String>::new(),
            "{security_layer}: connection {i}"
        );
    }
    let mcs_frames = all
        .iter()
        .filter(|s| s.windows(2).any(|w| w == [0x7F, 0x65]))
        .count();
    if security_layer == "rdp" {
        assert!(
            mcs_frames >= 4,
            "the standard RDP security probes were recorded: {mcs_frames}"
        );
    }

    if security_layer == "tls" {
        // Inside TLS: the plaintext the MCS probe writes.
        let ctx = ctx();
        let mut rec = Recording::new(tls_past_x224(&ctx, proxy).await);
        let request = McsRequest::after_tls();
        let out = exchange(&ctx, &mut rec, request).await;
        assert!(out.response.is_some(), "{out:?}");
        assert!(rec.sent.starts_with(&[3, 0]), "TPKT plaintext recorded");
        assert_eq!(credential_leaks(&rec.sent), Vec::<String>::new());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credential_leaves_through_the_mcs_stage_or_a_scan_of_xrdp_with_standard_rdp_security() {
    check_layer("rdp").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credential_leaves_through_the_mcs_stage_or_a_scan_of_xrdp_with_tls() {
    check_layer("tls").await;
}
