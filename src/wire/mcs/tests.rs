//! Unit tests of the MCS codecs: round trips of captured replies, hand-built PDUs, hostile input.

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
