//! The JA4 fingerprint of a ClientHello (FoxIO, `technical_details/JA4.md` of FoxIO-LLC/ja4): `t13d1516h2_...`.
//!
//! `a` is the transport (`t`: TLS over TCP, the only one RDP uses), the version, `d` or `i` for SNI present or
//! not, the counts of suites and extensions, and the first and last characters of the first ALPN value. `b` and `c`
//! are the first 12 hex digits of the SHA-256 of the sorted suites, and of the sorted extensions (SNI and ALPN left
//! out) followed by the signature algorithms in their order. GREASE values are ignored everywhere.

use std::fmt;

use ring::digest::{digest, SHA256};

use super::client_hello_decode::ClientHello;
use super::codes::{is_grease, ExtensionType, ProtocolVersion};

/// A JA4 fingerprint and the raw lists it hashes (FoxIO's `JA4_r`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ja4 {
    /// `t13d1516h2`: transport, version, SNI, suite and extension counts, ALPN.
    pub a: String,
    /// The truncated hash of the sorted suites, or `000000000000` without any.
    pub b: String,
    /// The truncated hash of the sorted extensions and the signature algorithms, or `000000000000`.
    pub c: String,
    /// The sorted suites as hashed for `b`: `002f,0035,...`.
    pub suites_raw: String,
    /// The string hashed for `c`: `0005,000a,..._0403,0804,...`.
    pub extensions_raw: String,
}

impl Ja4 {
    /// FoxIO's `JA4_r`: `a`, then the two raw lists instead of their hashes.
    pub fn raw(&self) -> String {
        format!("{}_{}_{}", self.a, self.suites_raw, self.extensions_raw)
    }
}

impl fmt::Display for Ja4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}_{}", self.a, self.b, self.c)
    }
}

/// The value of an empty hashed field, "to make it clear to the user when a field has no values".
const EMPTY_HASH: &str = "000000000000";

/// The JA4 fingerprint of `hello`, received over TCP.
pub fn ja4(hello: &ClientHello) -> Ja4 {
    let suites: Vec<u16> = hello
        .suites
        .iter()
        .map(|s| s.0)
        .filter(|v| !is_grease(*v))
        .collect();
    let extensions: Vec<u16> = hello
        .extensions
        .iter()
        .map(|e| e.typ.0)
        .filter(|v| !is_grease(*v))
        .collect();
    let sni = if hello.has_extension(ExtensionType::SERVER_NAME) {
        'd'
    } else {
        'i'
    };
    let a = format!(
        "t{}{sni}{:02}{:02}{}",
        version_label(hello),
        suites.len().min(99),
        extensions.len().min(99),
        alpn_label(hello.alpn.first().map(Vec::as_slice))
    );

    let mut sorted_suites = suites;
    sorted_suites.sort_unstable();
    let suites_raw = hex_list(&sorted_suites);
    let b = if sorted_suites.is_empty() {
        EMPTY_HASH.to_string()
    } else {
        truncated_sha256(&suites_raw)
    };

    let mut sorted_exts: Vec<u16> = extensions
        .into_iter()
        .filter(|v| *v != ExtensionType::SERVER_NAME.0 && *v != ExtensionType::ALPN.0)
        .collect();
    sorted_exts.sort_unstable();
    let sigalgs: Vec<u16> = hello
        .signature_algorithms
        .iter()
        .map(|s| s.0)
        .filter(|v| !is_grease(*v))
        .collect();
    let mut extensions_raw = hex_list(&sorted_exts);
    if !sigalgs.is_empty() {
        extensions_raw.push('_');
        extensions_raw.push_str(&hex_list(&sigalgs));
    }
    let c = if sorted_exts.is_empty() {
        EMPTY_HASH.to_string()
    } else {
        truncated_sha256(&extensions_raw)
    };
    Ja4 {
        a,
        b,
        c,
        suites_raw,
        extensions_raw,
    }
}

/// The two characters of the version: the highest of `supported_versions` if sent, else `legacy_version`.
fn version_label(hello: &ClientHello) -> &'static str {
    let version = if hello.has_extension(ExtensionType::SUPPORTED_VERSIONS) {
        hello
            .supported_versions
            .iter()
            .copied()
            .filter(|v| !is_grease(v.0))
            .max()
    } else {
        Some(hello.legacy_version)
    };
    match version {
        Some(ProtocolVersion::TLS1_3) => "13",
        Some(ProtocolVersion::TLS1_2) => "12",
        Some(ProtocolVersion::TLS1_1) => "11",
        Some(ProtocolVersion::TLS1_0) => "10",
        Some(ProtocolVersion::SSL3_0) => "s3",
        Some(ProtocolVersion(0x0002)) => "s2",
        Some(ProtocolVersion(0xFEFF)) => "d1",
        Some(ProtocolVersion(0xFEFD)) => "d2",
        Some(ProtocolVersion(0xFEFC)) => "d3",
        _ => "00",
    }
}

/// The first and last characters of the first ALPN value; their hex digits when either byte is not alphanumeric;
/// `00` without a value.
fn alpn_label(first: Option<&[u8]>) -> String {
    let Some((&head, &tail)) = first.and_then(|v| Some((v.first()?, v.last()?))) else {
        return "00".to_string();
    };
    if head.is_ascii_alphanumeric() && tail.is_ascii_alphanumeric() {
        return format!("{}{}", char::from(head), char::from(tail));
    }
    let hex_head = format!("{head:02x}");
    let hex_tail = format!("{tail:02x}");
    format!("{}{}", &hex_head[..1], &hex_tail[1..])
}

/// Values as 4-digit lower-case hex, comma separated.
fn hex_list(values: &[u16]) -> String {
    values
        .iter()
        .map(|v| format!("{v:04x}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The first 12 hex digits of the SHA-256 of `text`.
fn truncated_sha256(text: &str) -> String {
    digest(&SHA256, text.as_bytes())
        .as_ref()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::tls::messages::Extension;
    use crate::wire::tls::{CipherSuite, SignatureScheme};

    /// The example of FoxIO's JA4.md: a Chrome hello with 15 suites, 16 extensions (SNI and ALPN `h2` among
    /// them) and 8 signature algorithms, plus GREASE, which must not count.
    fn foxio_example() -> ClientHello {
        let suites = [
            0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
            0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
        ];
        let exts = [
            0x2a2a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023,
            0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015, 0x3a3a,
        ];
        let sigalgs = [
            0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
        ];
        ClientHello {
            legacy_version: ProtocolVersion::TLS1_2,
            random: [0; 32],
            session_id: Vec::new(),
            suites: suites.iter().map(|s| CipherSuite(*s)).collect(),
            compression_methods: vec![0],
            extensions: exts
                .iter()
                .map(|e| Extension {
                    typ: ExtensionType(*e),
                    data: Vec::new(),
                })
                .collect(),
            server_name: Some("example.com".into()),
            groups: Vec::new(),
            signature_algorithms: sigalgs.iter().map(|s| SignatureScheme(*s)).collect(),
            supported_versions: vec![
                ProtocolVersion(0x7a7a),
                ProtocolVersion::TLS1_3,
                ProtocolVersion::TLS1_2,
            ],
            alpn: vec![b"h2".to_vec(), b"http/1.1".to_vec()],
            key_share_groups: Vec::new(),
        }
    }

    #[test]
    fn the_foxio_example_gives_its_published_fingerprint() {
        let fp = ja4(&foxio_example());
        assert_eq!(fp.to_string(), "t13d1516h2_8daaf6152771_e5627efa2ab1");
        assert_eq!(
            fp.raw(),
            "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_\
             0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_\
             0403,0804,0401,0503,0805,0501,0806,0601"
        );
    }

    #[test]
    fn without_signature_algorithms_the_extension_list_is_hashed_alone() {
        let mut hello = foxio_example();
        hello.signature_algorithms.clear();
        assert_eq!(ja4(&hello).c, "6d807ffa2a79");
    }

    #[test]
    fn no_sni_no_alpn_and_no_supported_versions() {
        let mut hello = foxio_example();
        hello.extensions.retain(|e| {
            ![
                ExtensionType::SERVER_NAME,
                ExtensionType::ALPN,
                ExtensionType::SUPPORTED_VERSIONS,
            ]
            .contains(&e.typ)
        });
        hello.alpn.clear();
        hello.legacy_version = ProtocolVersion::TLS1_0;
        assert_eq!(ja4(&hello).a, "t10i151300");
        hello.extensions.clear();
        hello.suites = vec![CipherSuite(0x1a1a)];
        let fp = ja4(&hello);
        assert_eq!(
            (fp.a.as_str(), fp.b.as_str(), fp.c.as_str()),
            ("t10i000000", EMPTY_HASH, EMPTY_HASH)
        );
    }

    #[test]
    fn alpn_characters_follow_the_spec_examples() {
        let cases: [(&[u8], &str); 8] = [
            (b"h2", "h2"),
            (b"http/1.1", "h1"),
            (b"x", "xx"),
            (&[0xAB], "ab"),
            (&[0xAB, 0xCD], "ad"),
            (&[0x30, 0xAB], "3b"),
            (&[0x30, 0x31, 0xAB, 0xCD], "3d"),
            (&[0x30, 0xAB, 0xCD, 0x31], "01"),
        ];
        for (value, want) in cases {
            assert_eq!(alpn_label(Some(value)), want, "{value:02x?}");
        }
        assert_eq!(alpn_label(Some(b"")), "00");
        assert_eq!(alpn_label(None), "00");
    }
}
