use super::*;
use tls_parser::{
    parse_tls_extensions, parse_tls_plaintext, TlsExtension, TlsMessage, TlsMessageHandshake,
};

fn suites(ids: &[u16]) -> Vec<CipherSuite> {
    ids.iter().map(|&id| CipherSuite(id)).collect()
}

/// Parses our records with tls-parser and returns (record version, hello version, suites, extensions).
fn parse_back(bytes: &[u8]) -> (u16, u16, Vec<u16>, Vec<u8>) {
    let (rest, plain) = parse_tls_plaintext(bytes).expect("tls-parser reads the record");
    assert!(rest.is_empty(), "one record");
    let [TlsMessage::Handshake(TlsMessageHandshake::ClientHello(ch))] = &plain.msg[..] else {
        panic!("not a ClientHello: {:?}", plain.msg)
    };
    let ext = ch.ext.map(|e| e.to_vec()).unwrap_or_default();
    (
        plain.hdr.version.0,
        ch.version.0,
        ch.ciphers.iter().map(|c| c.0).collect(),
        ext,
    )
}

#[test]
fn tls12_hello_parses_back_with_tls_parser() {
    let mut spec = ClientHelloSpec::new(ProtocolVersion::TLS1_2, suites(&[0xC02F, 0xC030, 0x009E]));
    spec.server_name = Some("rdp.example.com.".into());
    spec.renegotiation_info_ext = true;
    let bytes = spec.encode().unwrap();
    let (record, version, ids, ext) = parse_back(&bytes);
    assert_eq!((record, version), (0x0301, 0x0303));
    assert_eq!(ids, [0xC02F, 0xC030, 0x009E, 0x00FF]);
    let (_, exts) = parse_tls_extensions(&ext).unwrap();
    let sni = exts.iter().find_map(|e| match e {
        TlsExtension::SNI(v) => Some(v[0].1.to_vec()),
        _ => None,
    });
    assert_eq!(sni.as_deref(), Some(&b"rdp.example.com"[..]));
    assert!(exts
        .iter()
        .any(|e| matches!(e, TlsExtension::SignatureAlgorithms(_))));
    assert!(exts
        .iter()
        .any(|e| matches!(e, TlsExtension::RenegotiationInfo(_))));
    assert!(exts
        .iter()
        .any(|e| matches!(e, TlsExtension::ExtendedMasterSecret)));
    assert!(!exts
        .iter()
        .any(|e| matches!(e, TlsExtension::SupportedVersions(_))));
    assert!(!exts.iter().any(|e| matches!(e, TlsExtension::KeyShare(_))));
}

#[test]
fn tls13_hello_offers_versions_and_a_real_x25519_share() {
    let mut spec = ClientHelloSpec::new(ProtocolVersion::TLS1_3, suites(&[0x1301, 0x1302]));
    spec.versions.push(ProtocolVersion::TLS1_2);
    spec.suites.push(CipherSuite(0xC02F));
    let bytes = spec.encode().unwrap();
    let (record, version, ids, ext) = parse_back(&bytes);
    assert_eq!((record, version), (0x0301, 0x0303));
    assert_eq!(ids, [0x1301, 0x1302, 0xC02F, 0x00FF]);
    let (_, exts) = parse_tls_extensions(&ext).unwrap();
    let versions = exts.iter().find_map(|e| match e {
        TlsExtension::SupportedVersions(v) => Some(v.iter().map(|v| v.0).collect::<Vec<_>>()),
        _ => None,
    });
    assert_eq!(versions, Some(vec![0x0304, 0x0303]));
    let share = exts.iter().find_map(|e| match e {
        TlsExtension::KeyShare(v) => Some(v.to_vec()),
        _ => None,
    });
    // client_shares length 36: group x25519 (0x001d), key length 32, key.
    let share = share.expect("key_share");
    assert_eq!(&share[..6], &[0, 36, 0, 29, 0, 32]);
    assert_eq!(share.len(), 38);
    assert!(share[6..].iter().any(|&b| b != 0));
    assert!(exts
        .iter()
        .any(|e| matches!(e, TlsExtension::PskExchangeModes(_))));
}

#[test]
fn empty_key_share_sends_an_empty_client_shares_list() {
    let mut spec = ClientHelloSpec::new(ProtocolVersion::TLS1_3, suites(&[0x1301]));
    spec.key_share = KeyShareOffer::Empty;
    let bytes = spec.encode().unwrap();
    let (_, _, _, ext) = parse_back(&bytes);
    let (_, exts) = parse_tls_extensions(&ext).unwrap();
    let share = exts.iter().find_map(|e| match e {
        TlsExtension::KeyShare(v) => Some(v.to_vec()),
        _ => None,
    });
    assert_eq!(share, Some(vec![0, 0]));
}

#[test]
fn ssl3_hello_has_ssl3_record_version_and_no_extensions() {
    let spec = ClientHelloSpec::new(ProtocolVersion::SSL3_0, suites(&[0x000A, 0x0005]));
    let bytes = spec.encode().unwrap();
    assert_eq!(&bytes[..3], &[22, 3, 0]);
    let (record, version, ids, ext) = parse_back(&bytes);
    assert_eq!((record, version), (0x0300, 0x0300));
    assert_eq!(ids, [0x000A, 0x0005, 0x00FF]);
    assert!(ext.is_empty());
    // record header, handshake header, version, random, session id, suites, compression: nothing else.
    assert_eq!(bytes.len(), 5 + 4 + 2 + 32 + 33 + 2 + 6 + 2);
}

#[test]
fn tls10_hello_has_no_signature_algorithms() {
    let spec = ClientHelloSpec::new(ProtocolVersion::TLS1_0, suites(&[0x002F]));
    let (_, version, _, ext) = parse_back(&spec.encode().unwrap());
    assert_eq!(version, 0x0301);
    let (_, exts) = parse_tls_extensions(&ext).unwrap();
    assert!(!exts
        .iter()
        .any(|e| matches!(e, TlsExtension::SignatureAlgorithms(_))));
    assert!(exts
        .iter()
        .any(|e| matches!(e, TlsExtension::EllipticCurves(_))));
}

#[test]
fn sni_is_sent_for_dns_names_only() {
    let cases = [
        ("rdp.example.com", Some("rdp.example.com")),
        ("host.", Some("host")),
        ("10.0.0.5", None),
        ("::1", None),
        ("[fe80::1]", None),
        ("", None),
        ("bad name", None),
        ("a..b", None),
    ];
    for (name, want) in cases {
        let mut spec = ClientHelloSpec::new(ProtocolVersion::TLS1_2, suites(&[0xC02F]));
        spec.server_name = Some(name.to_string());
        assert_eq!(spec.sni_host(), want, "{name}");
        let bytes = spec.encode().unwrap();
        let (_, _, _, ext) = parse_back(&bytes);
        let (_, exts) = parse_tls_extensions(&ext).unwrap();
        let has_sni = exts.iter().any(|e| matches!(e, TlsExtension::SNI(_)));
        assert_eq!(has_sni, want.is_some(), "{name}");
    }
}

#[test]
fn bad_specs_are_refused() {
    let all: Vec<CipherSuite> = (0..129).map(CipherSuite).collect();
    let cases = [
        (
            ClientHelloSpec::new(ProtocolVersion::TLS1_2, vec![]),
            HelloError::NoSuites,
        ),
        (
            ClientHelloSpec::new(ProtocolVersion::TLS1_2, all.clone()),
            HelloError::TooManySuites(129),
        ),
        (
            ClientHelloSpec {
                versions: vec![],
                ..ClientHelloSpec::new(ProtocolVersion::TLS1_2, all[..1].to_vec())
            },
            HelloError::NoVersions,
        ),
        (
            ClientHelloSpec::new(ProtocolVersion(0x0200), all[..1].to_vec()),
            HelloError::UnsupportedVersion(ProtocolVersion(0x0200)),
        ),
    ];
    for (spec, want) in cases {
        assert_eq!(spec.encode().unwrap_err(), want);
    }
    assert!(
        ClientHelloSpec::new(ProtocolVersion::TLS1_2, all[..128].to_vec())
            .encode()
            .is_ok()
    );
}

#[test]
fn a_list_longer_than_its_length_field_is_an_encode_error() {
    // 32768 groups are 65536 bytes: one more than supported_groups<2..2^16-1> can count.
    let spec = ClientHelloSpec {
        groups: (0..32_768).map(NamedGroup).collect(),
        ..ClientHelloSpec::new(ProtocolVersion::TLS1_2, suites(&[0xC02F]))
    };
    assert_eq!(
        spec.encode().unwrap_err(),
        HelloError::Encode(EncodeError::too_large(
            "ClientHello",
            "supported_groups",
            65_536,
            65_535
        ))
    );
    // The group list fits, but its extension with the two-byte list length does not.
    let spec = ClientHelloSpec {
        groups: (0..32_767).map(NamedGroup).collect(),
        ..spec
    };
    let err = spec.encode().unwrap_err();
    assert_eq!(
        err.to_string(),
        "ClientHello.extension_data: 65536 exceeds the limit of 65535"
    );
}

#[test]
fn a_hello_longer_than_a_record_is_split_into_records_of_at_most_2_14_bytes() {
    let spec = ClientHelloSpec {
        groups: (0..20_000).map(NamedGroup).collect(),
        ..ClientHelloSpec::new(ProtocolVersion::TLS1_2, suites(&[0xC02F]))
    };
    let bytes = spec.encode_with(&[0; 32], &[0; 32], None).unwrap();
    let mut lens = Vec::new();
    let mut handshake = Vec::new();
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        assert_eq!(&rest[..3], &[22, 3, 1]);
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        lens.push(len);
        handshake.extend_from_slice(&rest[5..5 + len]);
        rest = &rest[5 + len..];
    }
    assert_eq!(lens[..2], [16_384, 16_384]);
    assert_eq!(lens.len(), 3);
    let body_len = u32::from_be_bytes([0, handshake[1], handshake[2], handshake[3]]);
    assert_eq!(usize::try_from(body_len).unwrap(), handshake.len() - 4);
}

#[test]
fn fixed_random_gives_fixed_bytes() {
    let spec = ClientHelloSpec {
        groups: vec![NamedGroup::X25519],
        signature_algorithms: vec![SignatureScheme::RSA_PSS_RSAE_SHA256],
        ec_point_formats: false,
        extended_master_secret: false,
        renegotiation_scsv: false,
        ..ClientHelloSpec::new(ProtocolVersion::TLS1_2, suites(&[0xC02F]))
    };
    let bytes = spec.encode_with(&[0xAA; 32], &[0xBB; 32], None).unwrap();
    let mut want = vec![22, 3, 1, 0, 95, 1, 0, 0, 91, 3, 3];
    want.extend_from_slice(&[0xAA; 32]);
    want.push(32);
    want.extend_from_slice(&[0xBB; 32]);
    want.extend_from_slice(&[0, 2, 0xC0, 0x2F, 1, 0]);
    want.extend_from_slice(&[0, 16]);
    want.extend_from_slice(&[0, 10, 0, 4, 0, 2, 0, 29]);
    want.extend_from_slice(&[0, 13, 0, 4, 0, 2, 8, 4]);
    assert_eq!(bytes, want);
}

/// The one mstsc ClientHello on public record (Windows 7 era, 2011): Zeek's `rdp-to-ssl.pcap`, frame 8.
const MSTSC_WIN7_HELLO: &str = concat!(
    "16030100740100007003014d570ec58a9b7d325ed908de8cb2b4de50ec88184a1f6ec723c1d5a344a6cc3400",
    "0018002f00350005000ac013c014c009c00a00320038001300040100002f00000012001000000d3139322e31",
    "36382e312e313530000500050100000000000a0006000400170018000b00020100"
);

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn a_layout_gives_exactly_the_mstsc_hello_of_the_zeek_trace() {
    let captured = unhex(MSTSC_WIN7_HELLO);
    let mut spec = ClientHelloSpec::new(
        ProtocolVersion::TLS1_0,
        suites(&[
            0x002f, 0x0035, 0x0005, 0x000a, 0xc013, 0xc014, 0xc009, 0xc00a, 0x0032, 0x0038, 0x0013,
            0x0004,
        ]),
    );
    spec.groups = vec![NamedGroup::SECP256R1, NamedGroup::SECP384R1];
    spec.server_name = Some("192.168.1.150".into());
    spec.sni_ip_literal = true;
    spec.empty_session_id = true;
    spec.renegotiation_scsv = false;
    spec.layout = Some(vec![
        ExtensionType::SERVER_NAME,
        ExtensionType::STATUS_REQUEST,
        ExtensionType::SUPPORTED_GROUPS,
        ExtensionType::EC_POINT_FORMATS,
    ]);
    // The capture's random (offset 11); the session id is empty.
    let random: [u8; 32] = captured[11..43].try_into().unwrap();
    let bytes = spec.encode_with(&random, &[0; 32], None).unwrap();
    assert_eq!(hex(&bytes), hex(&captured));
}

#[test]
fn padding_brings_the_hello_to_512_bytes_and_unknown_layouts_are_errors() {
    let mut spec = ClientHelloSpec::new(ProtocolVersion::TLS1_2, suites(&[0xc02f]));
    spec.layout = Some(vec![
        ExtensionType::SUPPORTED_GROUPS,
        ExtensionType::RENEGOTIATION_INFO,
        ExtensionType::PADDING,
    ]);
    let bytes = spec.encode().unwrap();
    assert_eq!(bytes.len(), 5 + PADDED_HELLO_LEN);
    spec.layout = Some(vec![ExtensionType::ALPN]);
    assert!(matches!(spec.encode(), Err(HelloError::Encode(_))));
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
