//! Tests on server replies captured from `openssl s_server` 3.0 on loopback (RSA-2048 self-signed, CN=test):
//! each flight is the bytes read after one ClientHello, until the server waited for the client.

use super::*;
use crate::wire::reader::DecodeError;
use ProtocolVersion as V;

mod offer;
mod robustness;

const TLS12_ECDHE: &[u8] = include_bytes!("../testdata/tls12-ecdhe-rsa.bin");
const TLS12_DHE: &[u8] = include_bytes!("../testdata/tls12-dhe-rsa.bin");
const TLS10_ECDHE: &[u8] = include_bytes!("../testdata/tls10-ecdhe-rsa.bin");
const TLS12_ALERT: &[u8] = include_bytes!("../testdata/tls12-alert-handshake-failure.bin");
const TLS13_HRR: &[u8] = include_bytes!("../testdata/tls13-hello-retry-request.bin");
const TLS13_SH: &[u8] = include_bytes!("../testdata/tls13-server-hello.bin");

const FLIGHTS: [&[u8]; 6] = [
    TLS12_ECDHE,
    TLS12_DHE,
    TLS10_ECDHE,
    TLS12_ALERT,
    TLS13_HRR,
    TLS13_SH,
];

/// Feeds `chunks` in order and collects every message.
fn deframe_chunks<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Vec<ServerMessage>, DecodeError> {
    let mut d = HandshakeDeframer::new();
    let mut out = Vec::new();
    for chunk in chunks {
        d.push(chunk)?;
        while let Some(m) = d.next_message()? {
            out.push(m);
        }
    }
    Ok(out)
}

fn deframe(bytes: &[u8]) -> Vec<ServerMessage> {
    deframe_chunks([bytes]).unwrap()
}

fn handshake(m: &ServerMessage) -> &HandshakeMessage {
    match m {
        ServerMessage::Handshake(h) => h,
        other => panic!("expected a handshake message, got {other:?}"),
    }
}

fn types(msgs: &[ServerMessage]) -> Vec<String> {
    msgs.iter()
        .map(|m| match m {
            ServerMessage::Handshake(h) => h.typ.to_string(),
            ServerMessage::Alert(a) => format!("alert {}", a.description),
            ServerMessage::ChangeCipherSpec => "change_cipher_spec".into(),
            ServerMessage::ApplicationData { len } => format!("application_data {len}"),
        })
        .collect()
}

fn suites(ids: &[u16]) -> Vec<CipherSuite> {
    ids.iter().map(|&id| CipherSuite(id)).collect()
}

fn groups(ids: &[u16]) -> Vec<NamedGroup> {
    ids.iter().map(|&id| NamedGroup(id)).collect()
}

/// The spec matching the hello that produced each capture (see the test names).
fn spec(
    versions: &[ProtocolVersion],
    suite_ids: &[u16],
    group_ids: &[u16],
    share: KeyShareOffer,
) -> ClientHelloSpec {
    ClientHelloSpec {
        versions: versions.to_vec(),
        groups: groups(group_ids),
        key_share: share,
        ..ClientHelloSpec::new(versions[0], suites(suite_ids))
    }
}

#[test]
fn tls12_ecdhe_flight_decodes_hello_certificate_key_exchange_and_done() {
    let msgs = deframe(TLS12_ECDHE);
    assert_eq!(
        types(&msgs),
        [
            "server_hello",
            "certificate",
            "server_key_exchange",
            "server_hello_done"
        ]
    );

    let sh = ServerHello::decode(&handshake(&msgs[0]).body).unwrap();
    assert_eq!(sh.legacy_version, V::TLS1_2);
    assert_eq!(sh.selected_version(), V::TLS1_2);
    assert_eq!(sh.cipher_suite, CipherSuite(0xC02F));
    assert_eq!(
        sh.cipher_suite.info().unwrap().openssl,
        Some("ECDHE-RSA-AES128-GCM-SHA256")
    );
    assert_eq!(sh.compression, 0);
    assert!(!sh.is_hello_retry_request());
    assert_eq!(sh.renegotiation_info.as_deref(), Some(&[][..]));
    assert!(sh.has_extension(ExtensionType::EXTENDED_MASTER_SECRET));
    assert_eq!(sh.key_share_group(), None);
    assert_eq!(handshake(&msgs[0]).record_version, V::TLS1_2);
    let offered = spec(
        &[V::TLS1_2],
        &[0xC02F, 0xC030, 0x009E],
        &[29, 23, 24],
        KeyShareOffer::None,
    );
    assert_eq!(check_against_offer(&offered, &sh), Ok(()));

    let cert = Certificate::decode(&handshake(&msgs[1]).body).unwrap();
    assert_eq!(cert.chain.len(), 1);
    let (_, x509) = x509_parser::parse_x509_certificate(&cert.chain[0]).unwrap();
    assert_eq!(x509.subject().to_string(), "CN=test");

    let kx = sh.cipher_suite.info().unwrap().kx;
    let ske = ServerKeyExchange::decode(&handshake(&msgs[2]).body, kx).unwrap();
    assert_eq!(
        ske,
        ServerKeyExchange::Ecdhe {
            curve_type: 3,
            group: Some(NamedGroup::X25519),
            public_len: 32
        }
    );
    assert_eq!(decode_server_hello_done(&handshake(&msgs[3]).body), Ok(()));
}

#[test]
fn tls12_dhe_flight_reports_the_dh_prime_size() {
    let msgs = deframe(TLS12_DHE);
    assert_eq!(
        types(&msgs),
        [
            "server_hello",
            "certificate",
            "server_key_exchange",
            "server_hello_done"
        ]
    );
    let sh = ServerHello::decode(&handshake(&msgs[0]).body).unwrap();
    assert_eq!(sh.cipher_suite, CipherSuite(0x009E));
    let offered = spec(
        &[V::TLS1_2],
        &[0x009E, 0x0033],
        &[29, 23, 256],
        KeyShareOffer::None,
    );
    assert_eq!(check_against_offer(&offered, &sh), Ok(()));
    // The server was given the RFC 7919 ffdhe2048 parameters.
    let ske = ServerKeyExchange::decode(&handshake(&msgs[2]).body, Kx::Dhe).unwrap();
    assert_eq!(
        ske,
        ServerKeyExchange::Dhe {
            p_bits: 2048,
            p_len: 256,
            g_len: 1,
            ys_len: 256
        }
    );
}

#[test]
fn tls10_flight_uses_tls10_records_and_a_named_curve() {
    let msgs = deframe(TLS10_ECDHE);
    assert_eq!(
        types(&msgs),
        [
            "server_hello",
            "certificate",
            "server_key_exchange",
            "server_hello_done"
        ]
    );
    let hs = handshake(&msgs[0]);
    assert_eq!(hs.record_version, V::TLS1_0);
    let sh = ServerHello::decode(&hs.body).unwrap();
    assert_eq!(
        (sh.selected_version(), sh.cipher_suite),
        (V::TLS1_0, CipherSuite(0xC013))
    );
    // The hello carried the SCSV in its suite list, and no renegotiation_info extension.
    assert!(sh.has_renegotiation_info());
    let offered = spec(
        &[V::TLS1_0],
        &[0xC013, 0x002F],
        &[23, 24],
        KeyShareOffer::None,
    );
    assert_eq!(check_against_offer(&offered, &sh), Ok(()));
    let ske = ServerKeyExchange::decode(&handshake(&msgs[2]).body, Kx::Ecdhe).unwrap();
    assert_eq!(
        ske,
        ServerKeyExchange::Ecdhe {
            curve_type: 3,
            group: Some(NamedGroup::SECP256R1),
            public_len: 65
        }
    );
}

#[test]
fn no_shared_cipher_is_a_fatal_handshake_failure_alert() {
    let msgs = deframe(TLS12_ALERT);
    assert_eq!(
        msgs,
        [ServerMessage::Alert(Alert {
            level: AlertLevel::FATAL,
            description: AlertDescription::HANDSHAKE_FAILURE
        })]
    );
}

#[test]
fn empty_key_share_gets_a_hello_retry_request_naming_suite_and_group() {
    let msgs = deframe(TLS13_HRR);
    assert_eq!(types(&msgs), ["server_hello", "change_cipher_spec"]);
    let hrr = ServerHello::decode(&handshake(&msgs[0]).body).unwrap();
    assert!(hrr.is_hello_retry_request());
    assert_eq!(hrr.legacy_version, V::TLS1_2);
    assert_eq!(hrr.selected_version(), V::TLS1_3);
    assert_eq!(hrr.cipher_suite, CipherSuite(0x1301));
    assert_eq!(hrr.key_share_group(), Some(NamedGroup::X25519));
    let offered = spec(
        &[V::TLS1_3],
        &[0x1301, 0x1302, 0x1303],
        &[29, 23],
        KeyShareOffer::Empty,
    );
    assert_eq!(check_against_offer(&offered, &hrr), Ok(()));
}

#[test]
fn tls13_server_hello_is_followed_by_encrypted_records_only() {
    let msgs = deframe(TLS13_SH);
    assert_eq!(
        types(&msgs),
        [
            "server_hello",
            "change_cipher_spec",
            "application_data 23",
            "application_data 801",
            "application_data 281",
            "application_data 53"
        ]
    );
    let sh = ServerHello::decode(&handshake(&msgs[0]).body).unwrap();
    assert!(!sh.is_hello_retry_request());
    assert_eq!(
        (sh.legacy_version, sh.selected_version()),
        (V::TLS1_2, V::TLS1_3)
    );
    assert_eq!(sh.key_share_group(), Some(NamedGroup::X25519));
    assert_eq!(
        sh.session_id.len(),
        32,
        "TLS 1.3 echoes the legacy session id"
    );
    let offered = spec(
        &[V::TLS1_3],
        &[0x1301, 0x1302, 0x1303],
        &[29, 23],
        KeyShareOffer::X25519Real,
    );
    assert_eq!(check_against_offer(&offered, &sh), Ok(()));
}
