//! The deframer and parsers on re-split, truncated, mutated and oversized input: same messages, or an error that
//! names the field, never a panic.

use super::*;

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

#[test]
fn an_alert_stamped_with_a_dtls_version_is_read_as_the_alert_it_is() {
    // GnuTLS refuses an old version with a fatal protocol_version alert in a record stamped 0xFEFF (DTLS 1.0).
    let msgs = deframe(&[21, 0xFE, 0xFF, 0, 2, 2, 70]);
    assert_eq!(types(&msgs), ["alert protocol_version"]);
    let msgs = deframe(&[21, 0xFE, 0xFD, 0, 2, 2, 40]);
    assert_eq!(types(&msgs), ["alert handshake_failure"]);
    // Only alerts: a handshake record with a DTLS version is still not TLS.
    assert!(deframe_chunks([&[22u8, 0xFE, 0xFF, 0, 4, 2, 0, 0, 0][..]]).is_err());
}
