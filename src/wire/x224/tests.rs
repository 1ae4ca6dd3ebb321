//! Tests of the X.224 codec on captured replies, the reference request bytes, and hostile input.

use super::*;
use crate::wire::EncodeError;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn confirm(src_ref: u16, negotiation: NegotiationReply) -> X224Reply {
    X224Reply::Confirm(ConnectionConfirm {
        dst_ref: 0,
        src_ref,
        class: 0,
        negotiation,
    })
}

fn rsp(flags: u8, selected: Protocols) -> NegotiationReply {
    NegotiationReply::Response {
        flags: ResponseFlags(flags),
        selected,
    }
}

/// Replies captured from xrdp 0.9.21 and FreeRDP 2.11.7 shadow on loopback, and the Windows replies in nmap's
/// service-probe fingerprints: each decoded and, where it is a Confirm, encoded back byte for byte.
#[test]
fn captured_replies_decode_and_round_trip() {
    use NegotiationReply::Failure;
    let cases = [
        // xrdp 0.9.21, security_layer=tls, RDP or HYBRID or HYBRID_EX requested.
        (
            "030000130ed000001234000300080001000000",
            confirm(0x1234, Failure(FailureCode::SSL_REQUIRED_BY_SERVER)),
        ),
        // xrdp, SSL selected.
        (
            "030000130ed000001234000201080001000000",
            confirm(0x1234, rsp(1, Protocols::SSL)),
        ),
        // xrdp security_layer=rdp (or negotiate without TLS asked): standard RDP security.
        (
            "030000130ed000001234000201080000000000",
            confirm(0x1234, rsp(1, Protocols::RDP)),
        ),
        // FreeRDP shadow /sec:nla: TLS-only request refused.
        (
            "030000130ed000000000000300080005000000",
            confirm(0, Failure(FailureCode::HYBRID_REQUIRED_BY_SERVER)),
        ),
        // FreeRDP shadow /sec:nla: HYBRID selected with flags 0x03.
        (
            "030000130ed000000000000203080002000000",
            confirm(0, rsp(3, Protocols::HYBRID)),
        ),
        // Windows (nmap fingerprints): CredSSP with flags 0x07, 0x0f and 0x1f.
        (
            "030000130ed000001234000207080002000000",
            confirm(0x1234, rsp(7, Protocols::HYBRID)),
        ),
        (
            "030000130ed00000123400020f080002000000",
            confirm(0x1234, rsp(0x0f, Protocols::HYBRID)),
        ),
        (
            "030000130ed00000123400021f080002000000",
            confirm(0x1234, rsp(0x1f, Protocols::HYBRID)),
        ),
        // A legacy server: bare CC, no negotiation data.
        ("0300000b06d00000000000", confirm(0, NegotiationReply::None)),
    ];
    for (bytes, want) in cases {
        let packet = hex(bytes);
        let got = X224Reply::decode(&packet).unwrap_or_else(|e| panic!("{bytes}: {e}"));
        assert_eq!(got, want, "{bytes}");
        if let X224Reply::Confirm(cc) = got {
            assert_eq!(cc.encode(), packet, "{bytes} round trip");
        }
    }
}

#[test]
fn rdsaad_reply_from_xrdp_is_an_mcs_disconnect_in_a_data_tpdu() {
    let got = X224Reply::decode(&hex("0300000902f0802180")).unwrap();
    assert_eq!(
        got,
        X224Reply::Data {
            mcs_disconnect: true,
            payload: vec![0x21, 0x80]
        }
    );
}

#[test]
fn disconnect_request_is_recognised() {
    let got = X224Reply::decode(&hex("0300000b0680000000000001")).unwrap_err();
    // LI says 6 but 7 bytes follow: the DR path reads what it can, the length check is TPKT's.
    assert!(got.to_string().contains("TPKT"), "{got}");
    let got = X224Reply::decode(&hex("0300000b06800000000001")).unwrap();
    assert_eq!(got, X224Reply::Disconnect { reason: 1 });
}

#[test]
fn minimal_request_matches_reference_bytes_for_every_protocol() {
    for p in [0x00u8, 0x01, 0x02, 0x03, 0x04, 0x08, 0x0b, 0x10] {
        let req = ConnectionRequest::new(Protocols(p as u32), None);
        let want = hex(&format!("030000130ee000000000000100080 0{p:02x}000000").replace(' ', ""));
        assert_eq!(req.encode().unwrap(), want);
        assert_eq!(ConnectionRequest::decode(&want).unwrap(), req);
    }
}

#[test]
fn request_with_cookie_round_trips() {
    let req = ConnectionRequest::new(Protocols::SSL.union(Protocols::HYBRID), Some("rdptls"));
    let bytes = req.encode().unwrap();
    assert_eq!(&bytes[11..28], b"Cookie: mstshash=");
    assert_eq!(ConnectionRequest::decode(&bytes).unwrap(), req);
}

/// The request with `cookie`, and with or without its RDP_NEG_REQ.
fn request(cookie: Cookie, negotiate: bool) -> ConnectionRequest {
    ConnectionRequest {
        cookie: Some(cookie),
        negotiation: negotiate.then_some(NegotiationRequest {
            flags: RequestFlags(0),
            requested: Protocols::SSL,
        }),
    }
}

/// The X.224 length indicator is one byte of at most 254 (X.224 13.2.1): with the 6-byte fixed part, the 17 bytes
/// of `Cookie: mstshash=`, CR LF and the 8-byte RDP_NEG_REQ, a name of 221 bytes fills it exactly.
#[test]
fn longest_mstshash_cookie_fills_the_length_indicator_and_one_more_byte_is_an_error() {
    assert_eq!(MAX_MSTSHASH_LEN, 221);
    let name = "u".repeat(MAX_MSTSHASH_LEN);
    let req = ConnectionRequest::new(Protocols::SSL, Some(&name));
    let bytes = req.encode().unwrap();
    assert_eq!(bytes.len(), 4 + 1 + 254);
    assert_eq!(&bytes[..5], &[3, 0, 1, 3, MAX_LENGTH_INDICATOR]);
    assert_eq!(ConnectionRequest::decode(&bytes).unwrap(), req);

    let name = "u".repeat(MAX_MSTSHASH_LEN + 1);
    let err = ConnectionRequest::new(Protocols::SSL, Some(&name))
        .encode()
        .unwrap_err();
    assert_eq!(err, EncodeError::too_large("X224_CR", "cookie", 222, 221));
    assert_eq!(
        err.to_string(),
        "X224_CR.cookie: 222 exceeds the limit of 221"
    );
}

#[test]
fn cookie_limits_follow_what_else_the_request_carries() {
    let hash = |n: usize| Cookie::MstsHash("h".repeat(n));
    let token = |n: usize| Cookie::RoutingToken(vec![b't'; n]);
    // Without RDP_NEG_REQ the name has its 8 bytes too; a routing token line has no `Cookie: mstshash=` prefix.
    for (cookie, negotiate, limit) in [
        (hash as fn(usize) -> Cookie, false, 229),
        (token, true, 238),
        (token, false, 246),
    ] {
        let at = request(cookie(limit), negotiate);
        let bytes = at.encode().unwrap();
        assert_eq!(bytes[4], MAX_LENGTH_INDICATOR, "{limit}");
        assert_eq!(bytes.len(), 259);
        let past = request(cookie(limit + 1), negotiate).encode().unwrap_err();
        assert_eq!(
            past,
            EncodeError::too_large("X224_CR", "cookie", limit + 1, limit)
        );
    }
}

#[test]
fn a_cookie_holding_cr_lf_is_refused_rather_than_split() {
    let err = ConnectionRequest::new(Protocols::SSL, Some("alice\r\nCookie: msts=1"))
        .encode()
        .unwrap_err();
    assert_eq!((err.pdu, err.field), ("X224_CR", "cookie"));
    assert!(err.to_string().contains("CR LF"), "{err}");
    // A lone CR or LF does not end the line: it round-trips.
    let req = request(Cookie::RoutingToken(b"Cookie: msts=a\rb\nc".to_vec()), true);
    assert_eq!(
        ConnectionRequest::decode(&req.encode().unwrap()).unwrap(),
        req
    );
}

#[test]
fn tpkt_refuses_a_payload_its_length_field_cannot_count() {
    let packet = encode_tpkt(&[0xAB; MAX_TPKT_LEN - TPKT_HEADER_LEN]).unwrap();
    assert_eq!(&packet[..4], &[3, 0, 0xFF, 0xFF]);
    assert_eq!(tpkt_packet_len([3, 0, 0xFF, 0xFF]).unwrap(), packet.len());
    let err = encode_tpkt(&[0; MAX_TPKT_LEN - TPKT_HEADER_LEN + 1]).unwrap_err();
    assert_eq!(
        err,
        EncodeError::too_large("TPKT", "length", 65_536, 65_535)
    );
}

#[test]
fn tpdu_codes_and_negotiation_types_print_names_or_two_digit_unknown() {
    for (got, want) in [
        (TpduCode(0xE0).to_string(), "CR"),
        (TpduCode::CONNECTION_CONFIRM.to_string(), "CC"),
        (format!("{:?}", TpduCode(0x70)), "ER"),
        (TpduCode(0x10).to_string(), "unknown(0x10)"),
        (NegotiationType(2).to_string(), "RDP_NEG_RSP"),
        (NegotiationType(6).to_string(), "RDP_NEG_CORRELATION_INFO"),
        (NegotiationType(9).to_string(), "unknown(0x09)"),
    ] {
        assert_eq!(got, want);
    }
}

#[test]
fn protocols_have_keys_and_descriptions() {
    let keys: Vec<String> = Protocols::ALL.iter().map(|p| p.key()).collect();
    assert_eq!(
        keys,
        ["rdp", "ssl", "hybrid", "rdstls", "hybrid_ex", "rdsaad"]
    );
    assert_eq!(Protocols(0x20).key(), "unknown(0x20)");
    assert_eq!(Protocols(0x03).key(), "unknown(0x3)");
    assert_eq!(Protocols::HYBRID.describe(), "CredSSP (NLA)");
    assert_eq!(Protocols(0x03).describe(), "an unknown protocol");
}

#[test]
fn every_failure_code_has_a_name_and_unknown_codes_survive() {
    for (code, name) in [
        (1, "SSL_REQUIRED_BY_SERVER"),
        (2, "SSL_NOT_ALLOWED_BY_SERVER"),
        (3, "SSL_CERT_NOT_ON_SERVER"),
        (4, "INCONSISTENT_FLAGS"),
        (5, "HYBRID_REQUIRED_BY_SERVER"),
        (6, "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER"),
    ] {
        let cc = ConnectionConfirm {
            dst_ref: 0,
            src_ref: 0x1234,
            class: 0,
            negotiation: NegotiationReply::Failure(FailureCode(code)),
        };
        let back = X224Reply::decode(&cc.encode()).unwrap();
        assert_eq!(back, X224Reply::Confirm(cc));
        assert_eq!(FailureCode(code).to_string(), name);
    }
    let got = X224Reply::decode(&hex("030000130ed000001234000300080007000000")).unwrap();
    let X224Reply::Confirm(cc) = got else {
        panic!("{got:?}")
    };
    assert_eq!(cc.negotiation, NegotiationReply::Failure(FailureCode(7)));
    assert_eq!(FailureCode(7).to_string(), "unknown(0x07)");
    assert_eq!(FailureCode(0x1234).to_string(), "unknown(0x1234)");
    assert_eq!(format!("{:?}", FailureCode(5)), "HYBRID_REQUIRED_BY_SERVER");
    assert_eq!(FailureCode::ALL.len(), 6);
}

#[test]
fn response_flags_are_named() {
    assert_eq!(
        ResponseFlags(0x1f).names(),
        [
            "extended_client_data",
            "gfx",
            "reserved",
            "restricted_admin",
            "redirected_authentication"
        ]
    );
    assert_eq!(
        ResponseFlags(0x41).names(),
        ["extended_client_data", "unknown(0x40)"]
    );
}

#[test]
fn protocol_sets_display_their_members() {
    assert_eq!(
        Protocols(0x0b).to_string(),
        "PROTOCOL_SSL|PROTOCOL_HYBRID|PROTOCOL_HYBRID_EX"
    );
    assert_eq!(Protocols::RDP.to_string(), "PROTOCOL_RDP");
    assert_eq!(Protocols(0x41).to_string(), "PROTOCOL_SSL|unknown(0x40)");
}

#[test]
fn malformed_replies_are_errors_that_name_the_field() {
    let cases = [
        ("0300", "X224.tpkt"),                // truncated TPKT header
        ("0300000d", "TPKT.length"),          // header longer than the packet
        ("1503010002022800", "TPKT.version"), // a TLS alert, not RDP
        (
            "030000130ed000001234000300040001000000",
            "RDP_NEG_FAILURE.length",
        ),
        (
            "030000120dd0000012340003000800010000",
            "RDP_NEG_FAILURE.value",
        ),
        ("030000130ed000001234000900080001000000", "RDP_NEG.type"),
        ("030000040ed0", "TPKT.length"),
    ];
    for (bytes, field) in cases {
        let err = X224Reply::decode(&hex(bytes)).unwrap_err();
        assert!(err.to_string().starts_with(field), "{bytes}: {err}");
    }
}

/// Mutations of every captured reply, and random bytes: decoding returns a value or an error, never panics.
#[test]
fn no_input_makes_the_decoder_panic() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let captured = [
        "030000130ed000001234000300080001000000",
        "030000130ed000000000000203080002000000",
        "0300000b06d00000000000",
        "0300000902f0802180",
    ];
    for bytes in captured {
        let packet = hex(bytes);
        for cut in 0..=packet.len() {
            let _ = X224Reply::decode(&packet[..cut]);
            let _ = ConnectionRequest::decode(&packet[..cut]);
        }
        for _ in 0..2000 {
            let mut m = packet.clone();
            let i = (next() as usize) % m.len();
            m[i] = next() as u8;
            let _ = X224Reply::decode(&m);
            let _ = ConnectionRequest::decode(&m);
        }
    }
    for _ in 0..5000 {
        let len = (next() % 40) as usize;
        let mut m: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if m.len() >= 4 {
            // Keep a plausible TPKT header so the decoder gets past it.
            m[0] = 3;
            m[2..4].copy_from_slice(&(len as u16).to_be_bytes());
        }
        let _ = X224Reply::decode(&m);
        let _ = ConnectionRequest::decode(&m);
    }
}
