//! Tests on server replies captured from `openssl s_server` 3.0 on loopback (RSA-2048 self-signed, CN=test):
//! each flight is the bytes read after one ClientHello, until the server waited for the client.

use super::*;

const TLS12_ECDHE: &[u8] = include_bytes!("testdata/tls12-ecdhe-rsa.bin");
const TLS12_DHE: &[u8] = include_bytes!("testdata/tls12-dhe-rsa.bin");
const TLS10_ECDHE: &[u8] = include_bytes!("testdata/tls10-ecdhe-rsa.bin");
const TLS12_ALERT: &[u8] = include_bytes!("testdata/tls12-alert-handshake-failure.bin");
const TLS13_HRR: &[u8] = include_bytes!("testdata/tls13-hello-retry-request.bin");
const TLS13_SH: &[u8] = include_bytes!("testdata/tls13-server-hello.bin");

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

use crate::wire::reader::DecodeError;
use ProtocolVersion as V;

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

/// Re-frames the handshake bytes of a flight into records of `size` bytes.
fn reframe(flight: &[u8], size: usize) -> Vec<u8> {
    let stream: Vec<u8> = deframe(flight)
        .iter()
        .flat_map(|m| {
            let h = handshake(m);
            let mut v = vec![h.typ.0];
            v.extend_from_slice(&(h.body.len() as u32).to_be_bytes()[1..]);
            v.extend_from_slice(&h.body);
            v
        })
        .collect();
    stream
        .chunks(size)
        .flat_map(|c| {
            let mut r = vec![22, 3, 3];
            r.extend_from_slice(&(c.len() as u16).to_be_bytes());
            r.extend_from_slice(c);
            r
        })
        .collect()
}

#[test]
fn messages_are_the_same_however_records_and_reads_split_them() {
    for flight in [TLS12_ECDHE, TLS12_DHE, TLS10_ECDHE] {
        let want: Vec<(HandshakeType, Vec<u8>)> = deframe(flight)
            .iter()
            .map(|m| (handshake(m).typ, handshake(m).body.clone()))
            .collect();
        // All messages in one record (as Windows Server 2022 sends them), then tiny records.
        for size in [16384, 1, 3, 4, 7, 100] {
            let bytes = reframe(flight, size);
            for read in [bytes.len(), 1, 5, 13] {
                let got: Vec<(HandshakeType, Vec<u8>)> = deframe_chunks(bytes.chunks(read))
                    .unwrap()
                    .iter()
                    .map(|m| (handshake(m).typ, handshake(m).body.clone()))
                    .collect();
                assert_eq!(got, want, "records of {size}, reads of {read}");
            }
        }
    }
}

#[test]
fn every_prefix_of_a_flight_is_incomplete_never_an_error() {
    for flight in FLIGHTS {
        let all = deframe(flight);
        for n in 0..flight.len() {
            let got = deframe_chunks([&flight[..n]]).unwrap_or_else(|e| panic!("prefix {n}: {e}"));
            assert!(got.len() <= all.len());
            assert_eq!(got[..], all[..got.len()]);
        }
    }
}

#[test]
fn truncated_message_bodies_are_errors_not_panics() {
    for flight in FLIGHTS {
        for m in deframe(flight) {
            let ServerMessage::Handshake(h) = m else {
                continue;
            };
            for n in 0..h.body.len() {
                let body = &h.body[..n];
                let _ = ServerHello::decode(body);
                let _ = Certificate::decode(body);
                for kx in [
                    Kx::Ecdhe,
                    Kx::Dhe,
                    Kx::DhePsk,
                    Kx::EcdhePsk,
                    Kx::Rsa,
                    Kx::Psk,
                ] {
                    let _ = ServerKeyExchange::decode(body, kx);
                }
            }
            if h.typ == HandshakeType::SERVER_HELLO && !h.body.is_empty() {
                assert!(ServerHello::decode(&h.body[..h.body.len() - 1]).is_err());
            }
        }
    }
}

/// A small deterministic generator, so failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_and_mutated_bytes_never_panic() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let decode_all = |bytes: &[u8]| {
        let mut d = HandshakeDeframer::new();
        if d.push(bytes).is_err() {
            return;
        }
        while let Ok(Some(m)) = d.next_message() {
            if let ServerMessage::Handshake(h) = m {
                let _ = ServerHello::decode(&h.body);
                let _ = Certificate::decode(&h.body);
                let _ = ServerKeyExchange::decode(&h.body, Kx::Dhe);
                let _ = ServerKeyExchange::decode(&h.body, Kx::EcdhePsk);
            }
        }
    };
    for _ in 0..2000 {
        let len = (rng.next() % 300) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        // Half the time, make it look like a handshake record so the deeper parsers run.
        if rng.next().is_multiple_of(2) && bytes.len() > 9 {
            bytes[..3].copy_from_slice(&[22, 3, 3]);
            let n = (bytes.len() - 5) as u16;
            bytes[3..5].copy_from_slice(&n.to_be_bytes());
        }
        decode_all(&bytes);
    }
    for flight in FLIGHTS {
        for _ in 0..300 {
            let mut bytes = flight.to_vec();
            for _ in 0..1 + rng.next() % 4 {
                let i = (rng.next() as usize) % bytes.len();
                bytes[i] = rng.next() as u8;
            }
            decode_all(&bytes);
        }
    }
}

#[test]
fn bounds_are_errors_before_any_allocation() {
    let cases: [(&[u8], &str); 8] = [
        // Record longer than 2^14 + 2048.
        (&[22, 3, 3, 0x48, 0x01], "TLS record.length"),
        // Handshake message claiming 16 MiB: refused from its header alone.
        (
            &[22, 3, 3, 0, 4, 2, 0xFF, 0xFF, 0xFF],
            "TLS handshake.length",
        ),
        // A Certificate may be larger than 64 KiB, but not larger than 256 KiB.
        (
            &[22, 3, 3, 0, 4, 11, 0x04, 0x00, 0x01],
            "TLS handshake.length",
        ),
        // SSL 2.0 SERVER-HELLO.
        (
            &[0x80, 0x2e, 0x04, 0x00, 0x01, 0x00, 0x02],
            "TLS record.type",
        ),
        // A TPKT header: X.224, not TLS.
        (&[3, 0, 0, 19, 14, 0xd0], "TLS record.type"),
        (b"HTTP/1.1 400 Bad Request\r\n", "TLS record.type"),
        (&[22, 2, 0, 0, 1, 0], "TLS record.version"),
        (&[20, 3, 3, 0, 1, 2], "TLS change_cipher_spec.body"),
    ];
    for (bytes, field) in cases {
        let err = deframe_chunks([bytes]).unwrap_err();
        assert!(err.to_string().starts_with(field), "{bytes:02x?}: {err}");
    }
    let err = deframe_chunks([&[0x80, 0x2e, 0x04, 0x00][..]]).unwrap_err();
    assert!(err.to_string().contains("SSL 2.0"), "{err}");
    let err = deframe_chunks([&[3, 0, 0, 19][..]]).unwrap_err();
    assert!(err.to_string().contains("X.224"), "{err}");
    // A Certificate just over 64 KiB is fine.
    let big = 70_000u32.to_be_bytes();
    assert_eq!(
        deframe_chunks([&[22, 3, 3, 0, 4, 11, big[1], big[2], big[3]][..]]).unwrap(),
        []
    );
}

#[test]
fn buffering_more_than_the_limit_is_refused_and_the_error_sticks() {
    let mut d = HandshakeDeframer::new();
    // A Certificate of 250 000 bytes, sent in full records, never fully received.
    d.push(&[22, 3, 3, 0x40, 0x00, 11, 0x03, 0xD0, 0x90])
        .unwrap();
    d.push(&[0u8; 0x4000 - 4]).unwrap();
    assert_eq!(d.next_message().unwrap(), None);
    let record = [&[22u8, 3, 3, 0x40, 0x00][..], &[0u8; 0x4000][..]].concat();
    let mut err = None;
    for _ in 0..20 {
        if let Err(e) = d.push(&record) {
            err = Some(e);
            break;
        }
        assert_eq!(d.next_message().unwrap(), None);
        assert!(d.buffered() <= MAX_BUFFERED);
    }
    let err = err.expect("the buffer limit was reached");
    assert!(err.to_string().contains("buffer"), "{err}");
    assert_eq!(d.next_message().unwrap_err(), err);
}

#[test]
fn alerts_and_handshake_can_interleave_and_several_alerts_share_a_record() {
    let bytes = [
        TLS13_HRR,
        &[21, 3, 3, 0, 4, 1, 0, 2, 70][..], // warning close_notify, fatal protocol_version
    ]
    .concat();
    let msgs = deframe(&bytes);
    assert_eq!(
        types(&msgs),
        [
            "server_hello",
            "change_cipher_spec",
            "alert close_notify",
            "alert protocol_version"
        ]
    );
    assert!(deframe_chunks([&[21u8, 3, 3, 0, 3, 2, 40, 0][..]]).is_err());
}

fn server_hello_tls12() -> ServerHello {
    ServerHello::decode(&handshake(&deframe(TLS12_ECDHE)[0]).body).unwrap()
}

#[test]
fn replies_that_pick_what_was_not_offered_are_violations() {
    let tls12 = spec(&[V::TLS1_2], &[0xC02F], &[29], KeyShareOffer::None);
    let sh = server_hello_tls12();
    let hrr = ServerHello::decode(&handshake(&deframe(TLS13_HRR)[0]).body).unwrap();
    let tls13 = ServerHello::decode(&handshake(&deframe(TLS13_SH)[0]).body).unwrap();
    let cases: Vec<(ClientHelloSpec, ServerHello, OfferViolation)> = vec![
        // A TLS 1.3-only hello answered with a TLS 1.2 ServerHello (Windows Server 2019).
        (
            spec(
                &[V::TLS1_3],
                &[0x1301, 0xC02F],
                &[29],
                KeyShareOffer::X25519Real,
            ),
            sh.clone(),
            OfferViolation::VersionNotOffered {
                selected: V::TLS1_2,
                offered: vec![V::TLS1_3],
            },
        ),
        // Asked for TLS 1.1 at most; answered TLS 1.2.
        (
            spec(&[V::TLS1_1], &[0xC02F], &[29], KeyShareOffer::None),
            sh.clone(),
            OfferViolation::VersionNotOffered {
                selected: V::TLS1_2,
                offered: vec![V::TLS1_1],
            },
        ),
        (
            spec(&[V::TLS1_2], &[0xC030], &[29], KeyShareOffer::None),
            sh.clone(),
            OfferViolation::SuiteNotOffered(CipherSuite(0xC02F)),
        ),
        (
            tls12.clone(),
            ServerHello {
                cipher_suite: CipherSuite(0x00FF),
                ..sh.clone()
            },
            OfferViolation::SuiteNotOffered(CipherSuite(0x00FF)),
        ),
        (
            spec(&[V::TLS1_2], &[0x1301], &[29], KeyShareOffer::None),
            ServerHello {
                cipher_suite: CipherSuite(0x1301),
                ..sh.clone()
            },
            OfferViolation::SuiteNotUsableWithVersion {
                suite: CipherSuite(0x1301),
                version: V::TLS1_2,
            },
        ),
        (
            tls12.clone(),
            ServerHello {
                compression: 1,
                ..sh.clone()
            },
            OfferViolation::CompressionNotOffered(1),
        ),
        // supported_versions in reply to a hello that did not send it.
        (
            spec(&[V::TLS1_2], &[0x1301], &[29], KeyShareOffer::None),
            tls13.clone(),
            OfferViolation::VersionNotOffered {
                selected: V::TLS1_3,
                offered: vec![V::TLS1_2],
            },
        ),
        (
            spec(&[V::TLS1_3], &[0x1301], &[23], KeyShareOffer::Empty),
            hrr.clone(),
            OfferViolation::GroupNotOffered(NamedGroup::X25519),
        ),
        // A ServerHello with a share for a group that had none: it should have been a HelloRetryRequest.
        (
            spec(&[V::TLS1_3], &[0x1301], &[29, 23], KeyShareOffer::Empty),
            tls13.clone(),
            OfferViolation::KeyShareNotSent(NamedGroup::X25519),
        ),
        (
            spec(&[V::TLS1_3], &[0x1301], &[29], KeyShareOffer::X25519Real),
            ServerHello {
                legacy_version: V::TLS1_3,
                ..tls13.clone()
            },
            OfferViolation::BadLegacyVersion(V::TLS1_3),
        ),
    ];
    for (offered, reply, want) in cases {
        assert_eq!(check_against_offer(&offered, &reply), Err(want));
    }
    let msg = OfferViolation::SuiteNotOffered(CipherSuite(0xC02F)).to_string();
    assert_eq!(
        msg,
        "the server selected TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (0xc02f), which was not offered"
    );
}

#[test]
fn malformed_server_hellos_are_errors_that_name_the_field() {
    let body = handshake(&deframe(TLS12_ECDHE)[0]).body.clone();
    // Session id length byte is at offset 34.
    let mut long_sid = body.clone();
    long_sid[34] = 33;
    let mut dup = body[..body.len()].to_vec();
    // Append a second extended_master_secret extension and fix the extensions length.
    let ext_len_at = 2 + 32 + 1 + body[34] as usize + 2 + 1;
    dup.extend_from_slice(&[0, 23, 0, 0]);
    let n = u16::from_be_bytes([dup[ext_len_at], dup[ext_len_at + 1]]) + 4;
    dup[ext_len_at..ext_len_at + 2].copy_from_slice(&n.to_be_bytes());
    let mut trailing = body.clone();
    trailing.push(0);
    let cases: [(Vec<u8>, &str); 3] = [
        (long_sid, "ServerHello.session_id"),
        (
            dup,
            "ServerHello.extensions: extended_master_secret appears twice",
        ),
        (trailing, "ServerHello.extensions"),
    ];
    for (bytes, want) in cases {
        let err = ServerHello::decode(&bytes).unwrap_err();
        assert!(err.to_string().starts_with(want), "{err}");
    }
    // An SSL 3.0 style hello without extensions decodes.
    let bare = &body[..2 + 32 + 1 + 32 + 3];
    let sh = ServerHello::decode(bare).unwrap();
    assert!(sh.extensions.is_empty() && !sh.has_renegotiation_info());
}

#[test]
fn a_built_hello_is_answered_by_the_captured_server_shapes() {
    // The spec a probe would build for the TLS 1.3 capture encodes, and its checks accept the capture.
    let offered = ClientHelloSpec {
        groups: groups(&[29, 23]),
        ..ClientHelloSpec::new(V::TLS1_3, suites(&[0x1301, 0x1302, 0x1303]))
    };
    assert!(offered.encode().is_ok());
    let sh = ServerHello::decode(&handshake(&deframe(TLS13_SH)[0]).body).unwrap();
    assert_eq!(check_against_offer(&offered, &sh), Ok(()));
}

#[test]
fn downgrade_sentinel_is_read_from_the_random() {
    let sh = server_hello_tls12();
    assert_eq!(sh.downgrade_sentinel(), None);
    for (tail, want) in [(*b"DOWNGRD\x01", V::TLS1_2), (*b"DOWNGRD\x00", V::TLS1_1)] {
        let mut random = sh.random;
        random[24..].copy_from_slice(&tail);
        assert_eq!(
            ServerHello {
                random,
                ..sh.clone()
            }
            .downgrade_sentinel(),
            Some(want)
        );
    }
}
