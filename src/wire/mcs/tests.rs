//! Unit tests of the MCS codecs: round trips of captured replies, hand-built PDUs, hostile input.

#[allow(unused_imports)]
use super::client_data::*;
use super::*;
use crate::wire::x224::Protocols;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn a_signed_proprietary_certificate_verifies_and_a_flipped_byte_does_not() {
    let modulus: Vec<u8> = (0..64u8)
        .map(|i| i.wrapping_mul(7).wrapping_add(1))
        .collect();
    let cert = ProprietaryCertificate::signed(&modulus, 0x10001).expect("sign");
    assert!(cert.signature_ok());
    assert_eq!(cert.public_key.bitlen, 512);
    let bytes = ServerCertificate::Proprietary(cert.clone())
        .encode()
        .expect("encode");
    for at in [0usize, 20, 40, bytes.len() - 20] {
        let mut broken = bytes.clone();
        broken[at] ^= 0x01;
        let ok = match ServerCertificate::decode(&broken) {
            Ok(ServerCertificate::Proprietary(p)) => p.signature_ok(),
            _ => false,
        };
        assert!(!ok, "a flipped byte at {at} still verifies");
    }
    let back = ServerCertificate::decode(&bytes).expect("decode");
    assert_eq!(back, ServerCertificate::Proprietary(cert));
}

/// xrdp 0.9.21 (Debian 12) Connect-Responses, captured by `tests/mcs_xrdp.rs` (capture_xrdp_connect_responses).
const CAPTURED: [(&str, &str); 5] = [
    ("rdp-low", include_str!("testdata/xrdp-0.9.21-rdp-low.hex")),
    (
        "rdp-medium",
        include_str!("testdata/xrdp-0.9.21-rdp-medium.hex"),
    ),
    (
        "rdp-high",
        include_str!("testdata/xrdp-0.9.21-rdp-high.hex"),
    ),
    (
        "rdp-fips",
        include_str!("testdata/xrdp-0.9.21-rdp-fips.hex"),
    ),
    ("tls", include_str!("testdata/xrdp-0.9.21-tls.hex")),
];

fn decode_captured(hex_text: &str) -> (Vec<u8>, ConnectResponse) {
    let packet = hex(hex_text);
    let payload = x224_data_payload(&packet).expect("X.224 DT").to_vec();
    let response = ConnectResponse::decode(&payload).expect("Connect-Response");
    (payload, response)
}

#[test]
fn every_captured_xrdp_connect_response_decodes_and_encodes_to_the_same_bytes() {
    for (name, text) in CAPTURED {
        let packet = hex(text);
        let (payload, response) = decode_captured(text);
        assert_eq!(response.encode().expect("encode"), payload, "{name}");
        assert_eq!(encode_x224_data(&payload).expect("frame"), packet, "{name}");
    }
}

#[test]
fn xrdp_crypt_levels_map_to_their_method_and_level_and_a_signed_2048_bit_key() {
    let want = [
        ("rdp-low", EncryptionMethod::BIT40, EncryptionLevel::LOW),
        (
            "rdp-medium",
            EncryptionMethod::BIT40,
            EncryptionLevel::CLIENT_COMPATIBLE,
        ),
        ("rdp-high", EncryptionMethod::BIT128, EncryptionLevel::HIGH),
        ("rdp-fips", EncryptionMethod::FIPS, EncryptionLevel::FIPS),
    ];
    for (name, method, level) in want {
        let text = CAPTURED
            .iter()
            .find(|(n, _)| *n == name)
            .expect("captured")
            .1;
        let (_, response) = decode_captured(text);
        assert_eq!(response.result, McsResult::SUCCESSFUL);
        let data = &response.user_data.expect("user data").server_data;
        let core = data.core().expect("SC_CORE");
        assert_eq!(core.version, RdpVersion::RDP5);
        assert_eq!(core.client_requested_protocols, Some(Protocols::RDP));
        assert_eq!(data.network().expect("SC_NET").io_channel, 1003);
        let security = data.security().expect("SC_SECURITY");
        assert_eq!((security.method, security.level), (method, level), "{name}");
        let keys = security.keys.as_ref().expect("keys");
        assert_eq!(keys.server_random.len(), 32);
        let cert = keys.certificate.as_ref().expect("certificate");
        assert_eq!(cert.key_bits(), Some(2048));
        let ServerCertificate::Proprietary(p) = cert else {
            panic!("{name}: not proprietary");
        };
        assert!(p.signature_ok(), "{name}");
    }
}

#[test]
fn xrdp_over_tls_sends_core_network_and_an_empty_security_block() {
    let (_, response) = decode_captured(CAPTURED[4].1);
    let data = &response.user_data.expect("user data").server_data;
    assert_eq!(
        data.core().expect("core").client_requested_protocols,
        Some(Protocols::SSL)
    );
    assert_eq!(
        data.network().expect("net").channels,
        vec![1004, 1005, 1006, 1007]
    );
    let security = data.security().expect("security");
    assert_eq!(
        (security.method, security.level),
        (EncryptionMethod::NONE, EncryptionLevel::NONE)
    );
    assert!(security.keys.is_none());
}

#[test]
fn the_client_connect_initial_round_trips_with_errinfo_support_and_the_selected_protocol() {
    let client = ClientData::mstsc(Protocols::SSL, EncryptionMethods::ALL);
    let initial = ConnectInitial::new(ConferenceCreateRequest::new(client.clone()));
    let bytes = initial.encode().expect("encode");
    assert_eq!(&bytes[..2], &[0x7F, 0x65]);
    let back = ConnectInitial::decode(&bytes).expect("decode");
    assert_eq!(back, initial);
    assert_eq!(back.encode().expect("encode"), bytes);
    let core = back.user_data.client_data.core().expect("core");
    assert_eq!(
        core.early_capability_flags.unwrap_or(0) & RNS_UD_CS_SUPPORT_ERRINFO_PDU,
        1
    );
    assert_eq!(core.server_selected_protocol, Some(Protocols::SSL));
    let names: Vec<String> = back
        .user_data
        .client_data
        .network()
        .expect("net")
        .channels
        .iter()
        .map(|c| c.name())
        .collect();
    assert_eq!(names, ["rdpdr", "rdpsnd", "cliprdr", "drdynvc"]);
    // xrdp reads the client name at a fixed offset of the GCC data (47 bytes in): the layout must be mstsc's.
    let gcc = back.user_data.encode().expect("gcc");
    assert_eq!(
        &gcc[47..59],
        &[b'R', 0, b'D', 0, b'P', 0, b'T', 0, b'L', 0, b'S', 0]
    );
}

#[test]
fn domain_pdus_encode_as_mstsc_and_xrdp_send_them_and_decode_back() {
    let cases: [(DomainPdu, &str); 7] = [
        (
            DomainPdu::ErectDomainRequest {
                sub_height: 0,
                sub_interval: 0,
            },
            "0401000100",
        ),
        (DomainPdu::AttachUserRequest, "28"),
        (
            DomainPdu::AttachUserConfirm {
                result: McsResult::SUCCESSFUL,
                initiator: Some(1007),
            },
            "2e000006",
        ),
        (
            DomainPdu::ChannelJoinRequest {
                initiator: 1007,
                channel_id: 1003,
            },
            "38000603eb",
        ),
        (
            DomainPdu::ChannelJoinConfirm {
                result: McsResult::SUCCESSFUL,
                initiator: 1007,
                requested: 1003,
                channel_id: Some(1003),
            },
            "3e00000603eb03eb",
        ),
        (
            DomainPdu::DisconnectProviderUltimatum {
                reason: DisconnectReason::USER_REQUESTED,
            },
            "2180",
        ),
        (
            DomainPdu::DisconnectProviderUltimatum {
                reason: DisconnectReason::PROVIDER_INITIATED,
            },
            "2080",
        ),
    ];
    for (pdu, want) in cases {
        assert_eq!(pdu.encode().expect("encode"), hex(want), "{pdu:?}");
        assert_eq!(DomainPdu::decode(&hex(want)).expect("decode"), pdu);
    }
}

#[test]
fn a_set_error_info_pdu_round_trips_inside_a_send_data_indication() {
    let info = SetErrorInfo {
        source: 1002,
        share_id: 0x103ea,
        error_info: ErrorInfo::SERVER_DENIED_CONNECTION,
    };
    for header in [false, true] {
        let data = info.encode(header).expect("encode");
        let sdin = DomainPdu::SendDataIndication(SendData {
            initiator: 1002,
            channel_id: 1003,
            flags: 0x70,
            data,
        });
        let bytes = sdin.encode().expect("encode");
        let DomainPdu::SendDataIndication(back) = DomainPdu::decode(&bytes).expect("decode") else {
            panic!("not an SDin");
        };
        assert_eq!(
            SetErrorInfo::decode(&back.data, header).expect("decode"),
            Some(info)
        );
    }
    assert_eq!(ErrorInfo(7).to_string(), "ERRINFO_SERVER_DENIED_CONNECTION");
    assert_eq!(ErrorInfo(0x1234_5678).to_string(), "unknown(0x12345678)");
}

#[test]
fn hostile_input_is_an_error_naming_the_field_never_a_panic_or_a_huge_allocation() {
    // A Connect-Response cut at every length.
    let (payload, _) = decode_captured(CAPTURED[0].1);
    for n in 0..payload.len() {
        let _ = ConnectResponse::decode(&payload[..n]);
    }
    // An X.509 chain claiming four billion certificates.
    let err = ServerCertificate::decode(&hex("02000000ffffffff00000000")).unwrap_err();
    assert_eq!(err.field, "NumCertBlobs");
    // A network block claiming more channels than it holds.
    let err = ServerData::decode(&hex("030c0800eb03ff00")).unwrap_err();
    assert_eq!((err.pdu, err.field), ("SC_NET", "channelIdArray"));
    // A signature of all 0xff (above the modulus) does not verify.
    let ServerCertificate::Proprietary(mut p) = ProprietaryCertificate::signed(&[3; 64], 65537)
        .map(ServerCertificate::Proprietary)
        .expect("sign")
    else {
        unreachable!()
    };
    p.signature[..64].fill(0xFF);
    assert!(!p.signature_ok());
}

#[test]
fn message_channel_multitransport_and_unknown_server_blocks_survive_a_round_trip() {
    // SC_CORE (RDP 10.7, SSL|HYBRID, flags 1), SC_MCS_MSGCHANNEL 1008, SC_MULTITRANSPORT UDPFECR|UDP_PREFERRED,
    // and a block type nobody defined.
    let bytes = hex("010c1000 0c000800 03000000 01000000 \
         040c0600 f003 \
         080c0800 01010000 \
         ff0c0600 abcd");
    let data = ServerData::decode(&bytes).expect("decode");
    assert_eq!(data.core().expect("core").version, RdpVersion::RDP10_7);
    assert_eq!(data.message_channel().expect("msg").channel, 1008);
    let flags = data.multitransport().expect("multitransport").flags;
    assert_eq!(flags.names(), ["udpfecr", "udp_preferred"]);
    assert!(matches!(
        data.blocks.last(),
        Some(ServerBlock::Unknown(UnknownBlock {
            kind: UserDataType(0x0cff),
            ..
        }))
    ));
    assert_eq!(data.encode().expect("encode"), bytes);
}
