use super::*;
use crate::model::{KeyInfo, KeyType};

fn profile(
    versions: &[u16],
    suites: &[u16],
    level: Option<u8>,
    min_rsa: Option<u32>,
) -> ClientProfile {
    ClientProfile {
        entry: ClientProfileEntry {
            id: "c".into(),
            name: "Client".into(),
            versions: Vec::new(),
            suites: Vec::new(),
            groups: Vec::new(),
            renegotiation_scsv: true,
            security_level: level,
            min_rsa_bits: min_rsa,
            min_dh_bits: Some(2048),
            tls_error: Some("ERR_TLS".into()),
            sources: Vec::new(),
            notes: None,
            current: false,
            unverified_versions: Vec::new(),
            extensions: None,
            signature_algorithms: Vec::new(),
            sni: None,
            session_id: None,
            family: None,
            short_name: None,
        },
        versions: versions.iter().map(|v| ProtocolVersion(*v)).collect(),
        suites: suites.iter().map(|s| CipherSuite(*s)).collect(),
        groups: vec![NamedGroup::X25519],
        unverified_versions: Vec::new(),
        shape: None,
        unsent_extensions: Vec::new(),
    }
}

fn hello(version: u16, suite: u16, dh_bits: Option<u32>) -> Answer {
    Answer::Hello {
        version: ProtocolVersion(version),
        suite: CipherSuite(suite),
        group: None,
        dh_bits,
        chain: Vec::new(),
        cert_request: false,
        certificate_empty: false,
    }
}

fn cert(bits: u32) -> CertificateReport {
    let json = format!(
        r#"{{"subject":"CN=x","issuer":"CN=x","names":["x"],"serial":"01","not_before":"","not_after":"",
        "days_left":100,"expired":false,"not_yet_valid":false,"self_signed":true,
        "key":{{"type":"RSA","bits":{bits},"curve":null}},"signature_algorithm":"sha256WithRSAEncryption",
        "sha1_thumbprint":"","sha256_fingerprint":"","eku":[],"key_usage":[],"name_matches":null,
        "chain_length":1}}"#
    );
    let c: CertificateReport = serde_json::from_str(&json).unwrap();
    assert_eq!(
        c.key,
        KeyInfo {
            kind: KeyType::Rsa,
            bits,
            curve: None
        }
    );
    c
}

/// (what, client, the server's answer, the server's versions, certificate key bits, connects, reason part)
type Case<'a> = (
    &'a str,
    &'a ClientProfile,
    Option<Answer>,
    &'a [u16],
    u32,
    bool,
    &'a str,
);

#[test]
fn verdicts_follow_the_answer_and_the_clients_own_limits() {
    let tls12 = profile(&[0x0303], &[0xC02F, 0x009C], Some(2), Some(2048));
    let openssl3 = profile(&[0x0301, 0x0302, 0x0303], &[0xC014, 0xC02F], Some(1), None);
    let cases: [Case; 8] = [
        (
            "a shared suite",
            &tls12,
            Some(hello(0x0303, 0xC02F, None)),
            &[0x0303],
            2048,
            true,
            "",
        ),
        (
            "no version in common",
            &tls12,
            Some(Answer::Refused {
                alert: None,
                detail: "alert".into(),
            }),
            &[0x0301],
            2048,
            false,
            "no TLS version in common",
        ),
        (
            "no suite in common",
            &tls12,
            Some(Answer::Refused {
                alert: None,
                detail: "alert 40".into(),
            }),
            &[0x0303],
            2048,
            false,
            "no cipher suite in common",
        ),
        (
            "downgrade below the client's minimum",
            &tls12,
            Some(hello(0x0301, 0xC02F, None)),
            &[0x0301],
            2048,
            false,
            "does not accept",
        ),
        (
            "OpenSSL 3 at level 1 and TLS 1.0",
            &openssl3,
            Some(hello(0x0301, 0xC014, None)),
            &[0x0301],
            2048,
            false,
            "security level 1",
        ),
        (
            "a key below the client's minimum",
            &tls12,
            Some(hello(0x0303, 0xC02F, None)),
            &[0x0303],
            1024,
            false,
            "RSA key has 1024 bits",
        ),
        (
            "a DH group below the client's minimum",
            &tls12,
            Some(hello(0x0303, 0x009C, Some(1024))),
            &[0x0303],
            2048,
            false,
            "DH group has 1024 bits",
        ),
        (
            "a pick the client did not offer",
            &tls12,
            Some(hello(0x0303, 0x0035, None)),
            &[0x0303],
            2048,
            false,
            "did not offer",
        ),
    ];
    for (what, client, answer, versions, bits, connects, reason) in cases {
        let c = cert(bits);
        let versions: Vec<ProtocolVersion> = versions.iter().map(|v| ProtocolVersion(*v)).collect();
        let facts = ServerFacts {
            negotiation: None,
            certificate: Some(&c),
            versions: &versions,
            tls: None,
        };
        let r = verdict(client, answer.as_ref(), &facts);
        assert_eq!(r.connects, connects, "{what}: {r:?}");
        assert!(
            r.reason.as_deref().unwrap_or("").contains(reason),
            "{what}: {r:?}"
        );
        assert_eq!(r.client_error.is_some(), !connects, "{what}: {r:?}");
    }
}

#[test]
fn without_a_tls_path_only_standard_rdp_security_connects() {
    let c = profile(&[0x0303], &[0xC02F], None, None);
    let facts = ServerFacts {
        negotiation: None,
        certificate: None,
        versions: &[],
        tls: None,
    };
    let r = verdict(&c, None, &facts);
    assert!(!r.connects);
    assert!(r.reason.unwrap().contains("no TLS path"));
}

#[test]
fn every_builtin_profile_loads_and_cites_a_source() {
    let profiles = builtin_profiles().expect("data/clients.toml loads");
    for id in [
        "mstsc-win7-no-tls12",
        "mstsc-win7",
        "mstsc-win81",
        "mstsc-win10",
        "mstsc-win11",
        "freerdp-2",
        "freerdp-3",
    ] {
        assert!(profiles.iter().any(|p| p.entry.id == id), "{id}");
    }
    for p in &profiles {
        assert!(
            !p.entry.sources.is_empty(),
            "{} cites no source",
            p.entry.id
        );
        assert!(p.suites.len() <= 128, "{}", p.entry.id);
        assert!(
            p.unsent_extensions.is_empty(),
            "{}: the shipped hellos are replayed whole",
            p.entry.id
        );
    }
}

#[test]
fn extensions_the_replay_cannot_send_are_kept_apart_and_typos_are_errors() {
    let user = r#"
[[client]]
id = "captured"
name = "Captured client"
versions = ["TLS1.2"]
suites = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
groups = ["x25519"]
extensions = ["server_name", "application_layer_protocol_negotiation", "supported_groups", "unknown(0x3a3b)"]
"#;
    let p = &load(user).unwrap()[0];
    assert_eq!(
        p.shape.as_ref().unwrap().extensions,
        [ExtensionType::SERVER_NAME, ExtensionType::SUPPORTED_GROUPS]
    );
    assert_eq!(
        p.unsent_extensions,
        [ExtensionType::ALPN, ExtensionType(0x3a3b)]
    );
    let typo = user.replace("application_layer_protocol_negotiation", "alpn");
    assert!(load(&typo)
        .unwrap_err()
        .contains("unknown extension \"alpn\""));
    let twice = user.replace("unknown(0x3a3b)", "server_name");
    assert!(load(&twice).unwrap_err().contains("listed twice"));
}

#[test]
fn a_user_file_replaces_and_adds_profiles() {
    let user = r#"
[[client]]
id = "freerdp-3"
name = "FreeRDP 3, our build"
versions = ["TLS1.3"]
suites = ["TLS_AES_128_GCM_SHA256"]
groups = ["x25519"]

[[client]]
id = "kiosk"
name = "Kiosk thin client"
versions = ["TLS1.2"]
suites = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
groups = ["secp256r1"]
"#;
    let builtin = builtin_profiles().unwrap();
    let all = extended_profiles(user).unwrap();
    assert_eq!(all.len(), builtin.len() + 1);
    let f3 = all.iter().find(|p| p.entry.id == "freerdp-3").unwrap();
    assert_eq!(f3.versions, [ProtocolVersion::TLS1_3]);
    assert_eq!(all.last().unwrap().entry.id, "kiosk");
    let bad = user.replace("TLS_AES_128_GCM_SHA256", "TLS_NO_SUCH_SUITE");
    assert!(extended_profiles(&bad)
        .unwrap_err()
        .contains("TLS_NO_SUCH_SUITE"));
}
