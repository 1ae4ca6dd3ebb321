use super::*;
use crate::fixtures::FixtureCert;
use crate::model::{
    HelloShape, NamedGroup, ServerOrder, Sni, SuiteEntry, TlsReport, VersionSupport,
};

const RSA_AES128_SHA: CipherSuite = CipherSuite(0x002F);
const RSA_AES256_SHA: CipherSuite = CipherSuite(0x0035);
const ECDHE_RSA_AES128_GCM: CipherSuite = CipherSuite(0xC02F);

/// A server with TLS 1.0 to 1.2, the given suites at each (in its own order when `enforced`), x25519 and P-256.
fn server(tls12: &[CipherSuite], enforced: Option<bool>) -> TlsReport {
    let supported = [
        ProtocolVersion::TLS1_0,
        ProtocolVersion::TLS1_1,
        ProtocolVersion::TLS1_2,
    ];
    TlsReport {
        versions: ProtocolVersion::ALL
            .iter()
            .map(|v| VersionSupport {
                version: *v,
                supported: supported.contains(v),
            })
            .collect(),
        cipher_suites: supported
            .iter()
            .flat_map(|v| tls12.iter().map(move |s| SuiteEntry::new(*v, *s)))
            .collect(),
        server_order: supported
            .iter()
            .map(|v| ServerOrder {
                version: *v,
                enforced,
                order: if enforced == Some(true) {
                    tls12.to_vec()
                } else {
                    Vec::new()
                },
            })
            .collect(),
        groups: vec![NamedGroup::X25519, NamedGroup::SECP256R1],
        hellos: 40,
        ..TlsReport::default()
    }
}

fn offer(versions: &[ProtocolVersion], suites: &[CipherSuite]) -> Offer {
    Offer {
        versions: versions.to_vec(),
        suites: suites.to_vec(),
        groups: vec![NamedGroup::SECP256R1],
        x25519_share: false,
        renegotiation_scsv: true,
        shape: None,
        sni: Sni::Name,
    }
}

fn chain() -> Vec<Vec<u8>> {
    let bundle = FixtureCert::Valid.bundle().expect("fixture certificate");
    vec![bundle.leaf_der().to_vec()]
}

fn evidence<'a>(tls: &'a TlsReport, chain: &'a [Vec<u8>]) -> EnumerationEvidence<'a> {
    EnumerationEvidence {
        tls,
        chain,
        sni_answered: true,
    }
}

#[test]
fn a_pick_fixed_by_the_servers_order_and_the_complete_suite_set_is_derived() {
    let tls = server(
        &[ECDHE_RSA_AES128_GCM, RSA_AES256_SHA, RSA_AES128_SHA],
        Some(true),
    );
    let chain = chain();
    // The client prefers the plain RSA suites; the server's order wins.
    let hello = offer(
        &[ProtocolVersion::TLS1_2],
        &[RSA_AES128_SHA, ECDHE_RSA_AES128_GCM],
    );
    match derive(&hello, &evidence(&tls, &chain)) {
        Ok(Answer::Hello { version, suite, .. }) => {
            assert_eq!(version, ProtocolVersion::TLS1_2);
            assert_eq!(suite, ECDHE_RSA_AES128_GCM);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_server_that_follows_the_client_gets_the_clients_first_accepted_suite() {
    let tls = server(&[RSA_AES256_SHA, RSA_AES128_SHA], Some(false));
    let hello = offer(
        &[ProtocolVersion::TLS1_0],
        &[CipherSuite(0x000A), RSA_AES128_SHA],
    );
    match derive(&hello, &evidence(&tls, &[])) {
        Ok(Answer::Hello { version, suite, .. }) => {
            assert_eq!((version, suite), (ProtocolVersion::TLS1_0, RSA_AES128_SHA))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_offered_version_refused_outright_is_derived_as_a_refusal() {
    let mut tls = server(&[RSA_AES128_SHA], None);
    for v in &mut tls.versions {
        v.supported = v.version == ProtocolVersion::TLS1_2;
    }
    let hello = offer(&[ProtocolVersion::TLS1_0], &[RSA_AES128_SHA]);
    assert!(matches!(
        derive(&hello, &evidence(&tls, &[])),
        Ok(Answer::VersionRefused { .. })
    ));
}

#[test]
fn an_undecided_order_a_new_sni_or_a_missing_group_must_be_replayed() {
    let chain = chain();
    // Two suites and no known order: the pick is not proven.
    let tls = server(&[RSA_AES256_SHA, RSA_AES128_SHA], None);
    let hello = offer(
        &[ProtocolVersion::TLS1_2],
        &[RSA_AES128_SHA, RSA_AES256_SHA],
    );
    assert!(derive(&hello, &evidence(&tls, &chain)).is_err());
    // The server's order is known, but no hello with this client's SNI was answered.
    let tls = server(&[RSA_AES256_SHA, RSA_AES128_SHA], Some(true));
    let unseen = EnumerationEvidence {
        sni_answered: false,
        ..evidence(&tls, &chain)
    };
    assert!(derive(&hello, &unseen).is_err());
    // An ECDHE pick for a client whose groups the server was never seen to take.
    let tls = server(&[ECDHE_RSA_AES128_GCM, RSA_AES128_SHA], Some(true));
    let mut p384 = offer(&[ProtocolVersion::TLS1_2], &[ECDHE_RSA_AES128_GCM]);
    p384.groups = vec![NamedGroup::SECP384R1];
    assert!(derive(&p384, &evidence(&tls, &chain)).is_err());
    // A hello without signature_algorithms cannot be signed for at TLS 1.2.
    let mut bare = offer(&[ProtocolVersion::TLS1_2], &[ECDHE_RSA_AES128_GCM]);
    bare.shape = Some(HelloShape {
        extensions: vec![ExtensionType::SUPPORTED_GROUPS],
        signature_algorithms: Vec::new(),
        sni: Sni::AsTyped,
        empty_session_id: true,
    });
    assert!(derive(&bare, &evidence(&tls, &chain)).is_err());
    // An enumeration with anomalies proves nothing.
    let mut broken = server(&[RSA_AES128_SHA], None);
    broken.anomalies.push("a hello failed".into());
    let one = offer(&[ProtocolVersion::TLS1_2], &[RSA_AES128_SHA]);
    assert!(derive(&one, &evidence(&broken, &chain)).is_err());
}
