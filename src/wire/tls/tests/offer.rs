//! Checking a ServerHello against the hello that was sent, and malformed ServerHellos.

use super::*;

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
