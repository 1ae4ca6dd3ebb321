//! Client profiles produce the ClientHellos their clients send: the one mstsc hello on public record (Zeek's
//! `rdp-to-ssl.pcap`, Windows 7 era) comes out byte for byte from the `mstsc-win7-rtm` profile, apart from the
//! random; every profile's hello can be built.

use std::time::Duration;

use rdptls::analysis::clients::builtin_profiles;
use rdptls::probe::raw::RawOracle;
use rdptls::probe::ProbeContext;
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
