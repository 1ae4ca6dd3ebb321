//! Client profiles produce the ClientHellos their clients send: the one mstsc hello on public record (Zeek's
//! `rdp-to-ssl.pcap`, Windows 7 era) comes out byte for byte from the `mstsc-win7-rtm` profile, apart from the
//! random; every profile's hello can be built. And the reverse, as `rdptls capture` does it: real hellos (mstsc's,
//! rdesktop's) and every profile's own hello decode, fingerprint and become profiles that replay the same hello.

use std::time::Duration;

use rdptls::analysis::client_capture::{Added, CaptureContext, CaptureFile};
use rdptls::analysis::clients::{builtin_profiles, load, ClientProfile};
use rdptls::model::Sni;
use rdptls::probe::raw::RawOracle;
use rdptls::probe::ProbeContext;
use rdptls::wire::tls::{
    ja4, next_client_hello, CipherSuite, ExtensionType, HandshakeDeframer, NamedGroup,
    ProtocolVersion, ReceivedHello,
};
use rdptls::wire::x224::Protocols;

/// Zeek `testing/btest/Traces/rdp/rdp-to-ssl.pcap`, frame 8: mstsc connecting to 192.168.1.150:3389 in 2011.
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

/// The oracle's hello builder for a target typed as `typed`; no connection is made.
fn oracle(typed: &str) -> RawOracle {
    RawOracle::new(
        ProbeContext::new(Duration::from_secs(1)),
        ([127, 0, 0, 1], 3389).into(),
        Some(Protocols::SSL),
        Some(typed.to_string()),
    )
}

#[test]
fn the_mstsc_win7_rtm_profile_sends_the_captured_mstsc_hello() {
    let profiles = builtin_profiles().expect("built-in profiles");
    let rtm = profiles
        .iter()
        .find(|p| p.entry.id == "mstsc-win7-rtm")
        .expect("mstsc-win7-rtm");
    let spec = oracle("192.168.1.150").spec(&rtm.offer());
    let mut ours = spec.encode().expect("the hello encodes");
    let captured = unhex(MSTSC_WIN7_HELLO);
    assert_eq!(ours.len(), captured.len(), "length");
    // Everything but the 32 random bytes (offset 11: record header 5, handshake header 4, version 2).
    ours[11..43].copy_from_slice(&captured[11..43]);
    assert_eq!(ours, captured);
}

#[test]
fn every_profile_hello_encodes_and_sni_follows_the_profile() {
    for p in builtin_profiles().expect("built-in profiles") {
        let by_ip = oracle("192.0.2.7").spec(&p.offer());
        let bytes = by_ip
            .encode()
            .unwrap_or_else(|e| panic!("{}: {e}", p.entry.id));
        let has_ip_sni = bytes.windows(9).any(|w| w == b"192.0.2.7");
        let by_name = oracle("rdp.example.com").spec(&p.offer());
        let bytes = by_name.encode().unwrap();
        let has_name_sni = bytes.windows(15).any(|w| w == b"rdp.example.com");
        match p.entry.sni.as_deref() {
            Some("as-typed") => assert!(has_ip_sni && has_name_sni, "{}", p.entry.id),
            Some("none") => assert!(!has_ip_sni && !has_name_sni, "{}", p.entry.id),
            _ => assert!(!has_ip_sni && has_name_sni, "{}", p.entry.id),
        }
    }
}

/// rdesktop 1.9.0 (Debian 12, GnuTLS 3.7.9) to a loopback stub, as measured for the reference notes of the
/// `rdesktop` profile: everything up to the padding extension's header; 148 zero bytes of padding follow.
const RDESKTOP_HELLO_HEAD: &str = concat!(
    "1603010200010001fc0303ee9677b766dce6bb125a3132fb4f2f83acbfee82d82577757cc177e29c91ab2820",
    "4f0aec51d76a439703601bbcf48a931612cc43775c338c229a47c4504911c522003a1302130313011304c02c",
    "cca9c0adc00ac02bc0acc009c030cca8c014c02fc013009dc09d0035009cc09c002f009fccaac09f0039009e",
    "c09e003301000179000500050100000000000a00160014001700180019001d001e0100010101020103010400",
    "0b00020100000d00220020040108090804040308070501080a0805050308080601080b080606030201020300",
    "2300000033006b0069001700410449a6d5e7255fd8a318e174fd335057a585c74d917ea5d71bb53705a9db1e",
    "cf8d153ece4d2380a80ad558efba2a5a1dd170c0892aaff1584dc8104c63fe35defb001d0020437e6ebcdbb5",
    "debfdd83e52b1fafd81baee2be8509be001d6702f8360275fd33002b0009080304030303020301ff01000100",
    "002d0003020100001c0002400100150094"
);

fn rdesktop_hello() -> Vec<u8> {
    let mut bytes = unhex(RDESKTOP_HELLO_HEAD);
    bytes.resize(bytes.len() + 148, 0);
    bytes
}

/// The hello in `bytes`, read as the capture listener reads it.
fn receive(bytes: &[u8]) -> ReceivedHello {
    let mut deframer = HandshakeDeframer::new();
    deframer.push(bytes).expect("within the deframer's bounds");
    let received = next_client_hello(&mut deframer)
        .expect("a well-formed hello")
        .expect("a whole hello");
    assert!(deframer.is_idle(), "nothing after the hello");
    received
}

/// The profile `rdptls capture` makes of `bytes`.
fn capture(bytes: &[u8], cookie: &str) -> ClientProfile {
    let received = receive(bytes);
    let ctx = CaptureContext {
        cookie: Some(cookie),
        peer: [192, 0, 2, 1].into(),
        captured_at: "2026-01-01T00:00:00Z",
        requested: Protocols::SSL,
        selected: Protocols::SSL,
    };
    let mut file = CaptureFile::new("").expect("an empty capture file");
    match file.add(&received, &ja4(&received.hello), &ctx) {
        Ok(Added::New(c)) => {
            // The table loads on its own, as `--clients FILE` reads it.
            let loaded = load(&c.toml).expect("the captured table loads");
            assert_eq!(loaded.len(), 1);
            c.profile
        }
        other => panic!("{other:?}"),
    }
}

/// Everything a profile makes the replay send, for comparing two profiles.
fn replayed(p: &ClientProfile) -> impl PartialEq + std::fmt::Debug + '_ {
    (
        &p.versions,
        &p.suites,
        &p.groups,
        p.entry.renegotiation_scsv,
        &p.shape,
        &p.unsent_extensions,
    )
}

fn profile(id: &str) -> ClientProfile {
    builtin_profiles()
        .expect("built-in profiles")
        .into_iter()
        .find(|p| p.entry.id == id)
        .unwrap_or_else(|| panic!("no profile {id}"))
}

#[test]
fn the_mstsc_hello_decodes_fingerprints_and_captures_as_the_mstsc_win7_rtm_profile() {
    let bytes = unhex(MSTSC_WIN7_HELLO);
    let received = receive(&bytes);
    let h = &received.hello;
    assert_eq!(received.record_version, ProtocolVersion::TLS1_0);
    assert_eq!(received.len, bytes.len() - 9);
    assert_eq!(h.legacy_version, ProtocolVersion::TLS1_0);
    assert_eq!(h.random[..], bytes[11..43]);
    assert!(h.session_id.is_empty());
    assert_eq!(h.suites.len(), 12);
    assert_eq!(h.suites[0], CipherSuite(0x002f));
    assert_eq!(h.server_name.as_deref(), Some("192.168.1.150"));
    assert_eq!(h.groups, [NamedGroup::SECP256R1, NamedGroup::SECP384R1]);
    assert_eq!(
        h.extension_types(),
        [
            ExtensionType::SERVER_NAME,
            ExtensionType::STATUS_REQUEST,
            ExtensionType::SUPPORTED_GROUPS,
            ExtensionType::EC_POINT_FORMATS,
        ]
    );
    // Computed independently (a short script over the same bytes, per FoxIO's JA4.md).
    assert_eq!(ja4(h).to_string(), "t10d120400_d94e65cdb899_dedc66686760");

    let captured = capture(&bytes, "AWAKECODI");
    assert_eq!(captured.entry.id, "awakecodi-t10d120400");
    let rtm = profile("mstsc-win7-rtm");
    assert_eq!(replayed(&captured), replayed(&rtm));
    assert_eq!(captured.shape.as_ref().unwrap().sni, Sni::AsTyped);

    // Replayed to the address mstsc dialled, the captured profile sends the captured bytes again.
    let mut ours = oracle("192.168.1.150")
        .spec(&captured.offer())
        .encode()
        .expect("the hello encodes");
    ours[11..43].copy_from_slice(&bytes[11..43]);
    assert_eq!(ours, bytes);
}

#[test]
fn the_measured_rdesktop_hello_captures_as_the_rdesktop_profile() {
    let bytes = rdesktop_hello();
    let received = receive(&bytes);
    assert_eq!(received.len, 512 - 4);
    assert_eq!(
        ja4(&received.hello).to_string(),
        "t13i291100_723694b0fccc_5671b5df5029"
    );
    assert_eq!(
        received.hello.key_share_groups,
        [NamedGroup::SECP256R1, NamedGroup::X25519]
    );
    let captured = capture(&bytes, "rdesktop");
    let builtin = profile("rdesktop");
    assert_eq!(replayed(&captured), replayed(&builtin));
    // The replay pads to the same 512 bytes (its one key share is shorter: more padding).
    let replay = oracle("rdp.example.com")
        .spec(&captured.offer())
        .encode()
        .unwrap();
    assert_eq!(replay.len(), bytes.len());
    let again = receive(&replay);
    assert_eq!(again.hello.suites, received.hello.suites);
    assert_eq!(again.hello.groups, received.hello.groups);
    assert_eq!(
        again.hello.extension_types(),
        received.hello.extension_types()
    );
    assert_eq!(
        again.hello.signature_algorithms,
        received.hello.signature_algorithms
    );
    assert_eq!(again.hello.server_name, None);
}

#[test]
fn every_profile_hello_decodes_back_into_the_same_profile() {
    for p in builtin_profiles().expect("built-in profiles") {
        let id = &p.entry.id;
        // A target the profile sends SNI for, when it sends any.
        let typed = match p.shape.as_ref().map(|s| s.sni) {
            Some(Sni::AsTyped) => "192.0.2.7",
            _ => "rdp.example.com",
        };
        let bytes = oracle(typed).spec(&p.offer()).encode().unwrap();
        let captured = capture(&bytes, "x");
        assert_eq!(captured.suites, p.suites, "{id}");
        assert_eq!(captured.groups, p.groups, "{id}");
        assert_eq!(
            captured.entry.renegotiation_scsv, p.entry.renegotiation_scsv,
            "{id}"
        );
        assert!(captured.unsent_extensions.is_empty(), "{id}");
        // Without supported_versions a hello shows only its highest version; the capture assumes TLS 1.0 up.
        let shows_all = p.versions.contains(&ProtocolVersion::TLS1_3)
            || p.versions.first() == Some(&ProtocolVersion::TLS1_0);
        if shows_all {
            assert_eq!(captured.versions, p.versions, "{id}");
        }
        if let Some(shape) = &p.shape {
            let got = captured.shape.as_ref().unwrap();
            assert_eq!(got.sni, shape.sni, "{id}");
            assert_eq!(got.empty_session_id, shape.empty_session_id, "{id}");
            assert_eq!(got.signature_algorithms, shape.signature_algorithms, "{id}");
            // The replay leaves out what does not apply (signature_algorithms below TLS 1.2, TLS 1.3 extensions
            // without TLS 1.3); the rest comes back in its order.
            let sent: Vec<ExtensionType> = receive(&bytes).hello.extension_types();
            assert_eq!(got.extensions, sent, "{id}");
            assert!(
                sent.iter().all(|e| shape.extensions.contains(e)),
                "{id}: {sent:?}"
            );
        }
    }
}
