//! Captured profiles from hand-made hellos: what is kept, what is noted, distinct hellos and ids.

use super::*;
use crate::wire::tls::{ja4, ClientHello, Extension};

fn ctx(cookie: Option<&str>) -> CaptureContext<'_> {
    CaptureContext {
        cookie,
        peer: IpAddr::from([127, 0, 0, 1]),
        captured_at: "2026-01-02T03:04:05Z",
        requested: Protocols::SSL.union(Protocols::HYBRID),
        selected: Protocols::SSL,
    }
}

/// A browser-like TLS 1.3 hello: GREASE everywhere, ALPN, an unknown suite and extension, SNI by name.
fn browser_hello() -> ReceivedHello {
    let ext = |typ: u16| Extension {
        typ: ExtensionType(typ),
        data: Vec::new(),
    };
    let hello = ClientHello {
        legacy_version: ProtocolVersion::TLS1_2,
        random: [1; 32],
        session_id: vec![2; 32],
        suites: [0x2a2a, 0x1301, 0xc02f, 0x00ff, 0xfeed]
            .map(CipherSuite)
            .to_vec(),
        compression_methods: vec![0],
        extensions: [0x0a0a, 0, 16, 10, 13, 43, 51, 0x4469, 0xff01]
            .map(ext)
            .to_vec(),
        server_name: Some("rdp.example.com".into()),
        groups: [0x3a3a, 29, 23].map(NamedGroup).to_vec(),
        signature_algorithms: [0x0403, 0x0804, 0x1234].map(SignatureScheme).to_vec(),
        supported_versions: [0x4a4a, 0x0304, 0x0303].map(ProtocolVersion).to_vec(),
        alpn: vec![b"h2".to_vec()],
        key_share_groups: vec![NamedGroup(0x3a3a), NamedGroup::X25519],
    };
    ReceivedHello {
        record_version: ProtocolVersion::TLS1_0,
        len: 300,
        hello,
    }
}

fn add(file: &mut CaptureFile, received: &ReceivedHello, cookie: Option<&str>) -> Added {
    file.add(received, &ja4(&received.hello), &ctx(cookie))
        .expect("a profile")
}

#[test]
fn a_hello_becomes_a_profile_that_loads_with_what_cannot_be_replayed_noted() {
    let mut file = CaptureFile::new("").unwrap();
    let received = browser_hello();
    let Added::New(c) = add(&mut file, &received, Some("Alice Smith")) else {
        panic!("a new hello")
    };
    assert_eq!(c.id, format!("alice-smith-{}", ja4(&received.hello).a));
    let p = &c.profile;
    assert_eq!(
        p.versions,
        [ProtocolVersion::TLS1_2, ProtocolVersion::TLS1_3]
    );
    assert_eq!(p.suites, [CipherSuite(0x1301), CipherSuite(0xc02f)]);
    assert!(p.entry.renegotiation_scsv);
    assert_eq!(p.groups, [NamedGroup::X25519, NamedGroup::SECP256R1]);
    let shape = p.shape.as_ref().unwrap();
    assert_eq!(
        shape.extensions,
        [
            ExtensionType::SERVER_NAME,
            ExtensionType::SUPPORTED_GROUPS,
            ExtensionType::SIGNATURE_ALGORITHMS,
            ExtensionType::SUPPORTED_VERSIONS,
            ExtensionType::KEY_SHARE,
            ExtensionType::RENEGOTIATION_INFO,
        ]
    );
    assert_eq!(
        p.unsent_extensions,
        [ExtensionType::ALPN, ExtensionType(0x4469)]
    );
    assert_eq!(
        shape.signature_algorithms,
        [
            SignatureScheme::ECDSA_SECP256R1_SHA256,
            SignatureScheme::RSA_PSS_RSAE_SHA256
        ]
    );
    assert_eq!(shape.sni, crate::model::Sni::Name);
    assert!(!shape.empty_session_id);
    let notes = p.entry.notes.as_deref().unwrap();
    for part in [
        "security_level",
        "unknown(0xfeed)",
        "application_layer_protocol_negotiation, unknown(0x4469)",
        "ALPN offered: h2",
        "unknown(0x1234)",
        "4 GREASE values",
    ] {
        assert!(notes.contains(part), "{part}: {notes}");
    }
    assert!(p.entry.sources[0].contains("Cookie: mstshash=Alice Smith"));
    assert!(p.entry.sources[0].contains(&ja4(&received.hello).raw()));
}

#[test]
fn the_same_hello_again_is_known_and_a_different_one_gets_its_own_id() {
    let mut file = CaptureFile::new("").unwrap();
    let received = browser_hello();
    let Added::New(first) = add(&mut file, &received, Some("x")) else {
        panic!("new")
    };
    let mut again = received.clone();
    again.hello.random = [9; 32];
    again.hello.suites[0] = CipherSuite(0x5a5a);
    assert!(matches!(add(&mut file, &again, Some("x")), Added::Known { id } if id == first.id));
    // Same counts, so the same JA4 `a` and the same base id, but another suite.
    let mut other = received.clone();
    other.hello.suites[1] = CipherSuite(0x1302);
    let Added::New(second) = add(&mut file, &other, Some("x")) else {
        panic!("new")
    };
    assert_eq!(second.id, format!("{}-2", first.id));

    // A file holding both tables knows both hellos; an id of the built-in profiles is never taken.
    let text = format!("{FILE_HEADER}{}{}", first.toml, second.toml);
    let mut reopened = CaptureFile::new(&text).unwrap();
    assert!(
        matches!(add(&mut reopened, &other, Some("x")), Added::Known { id } if id == second.id)
    );
    assert_eq!(reopened.unique_id("rdesktop"), "rdesktop-2");
    assert!(CaptureFile::new("[[client]]\nid = 1\n").is_err());
}

#[test]
fn a_tls10_hello_without_supported_versions_keeps_its_one_version() {
    let mut received = browser_hello();
    let h = &mut received.hello;
    h.legacy_version = ProtocolVersion::TLS1_0;
    h.extensions
        .retain(|e| e.typ != ExtensionType::SUPPORTED_VERSIONS);
    h.suites = vec![CipherSuite(0x002f)];
    let mut file = CaptureFile::new("").unwrap();
    let Added::New(c) = add(&mut file, &received, None) else {
        panic!("new")
    };
    assert_eq!(c.profile.versions, [ProtocolVersion::TLS1_0]);
    assert!(c.id.starts_with("captured-t10d"), "{}", c.id);

    received.hello.legacy_version = ProtocolVersion::TLS1_2;
    let Added::New(c) = add(&mut file, &received, None) else {
        panic!("new")
    };
    assert_eq!(
        c.profile.versions,
        [
            ProtocolVersion::TLS1_0,
            ProtocolVersion::TLS1_1,
            ProtocolVersion::TLS1_2
        ]
    );
    assert!(c
        .profile
        .entry
        .notes
        .unwrap()
        .contains("lower ones are assumed"));
}

#[test]
fn hellos_without_anything_to_replay_are_refused() {
    let mut file = CaptureFile::new("").unwrap();
    let mut received = browser_hello();
    received.hello.suites = vec![CipherSuite(0x00ff), CipherSuite(0x0a0a)];
    let err = file
        .add(&received, &ja4(&received.hello), &ctx(None))
        .unwrap_err();
    assert!(err.contains("no cipher suite"), "{err}");
    let mut received = browser_hello();
    received.hello.supported_versions = vec![ProtocolVersion(0x7f1c)];
    let err = file
        .add(&received, &ja4(&received.hello), &ctx(None))
        .unwrap_err();
    assert!(err.contains("no TLS version"), "{err}");
}

#[test]
fn strings_are_escaped_as_toml_basic_strings() {
    let cases = [
        ("plain", "\"plain\""),
        ("a \"b\" \\ c", "\"a \\\"b\\\" \\\\ c\""),
        ("line\nbreak\ttab", "\"line\\nbreak\\ttab\""),
        ("\u{1}", "\"\\u0001\""),
    ];
    for (text, want) in cases {
        assert_eq!(quoted(text), want);
        let parsed: std::collections::BTreeMap<String, String> =
            toml::from_str(&format!("v = {want}")).unwrap();
        assert_eq!(parsed["v"], text);
    }
}
