//! TLS wire codes as newtypes: versions, cipher suites, groups, signature schemes, alerts, record and message types.
//!
//! Every code keeps its number, so an unknown value survives decoding and prints as `unknown(0x....)` (two hex
//! digits for the one-byte codes). Each registry is one `code_registry!` list; cipher-suite names come from the
//! suite table in [`suites`].

use std::fmt;

use super::suites::{self, SuiteInfo};
use crate::wire::registry::code_registry;

code_registry! {
    /// `ProtocolVersion`, RFC 8446 4.1.2 (legacy_version) and 4.2.1 (supported_versions).
    #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct ProtocolVersion(u16);
    unknown = "unknown(0x{:04x})";
    SSL3_0 => 0x0300 => "SSL3.0",
    TLS1_0 => 0x0301 => "TLS1.0",
    TLS1_1 => 0x0302 => "TLS1.1",
    TLS1_2 => 0x0303 => "TLS1.2",
    TLS1_3 => 0x0304 => "TLS1.3",
}

impl ProtocolVersion {
    // `ALL` (every version this crate can offer, oldest first) comes from the registry above.

    /// The version a label names (`SSL3.0` ... `TLS1.3`), as reports and data files spell it.
    pub fn from_label(label: &str) -> Option<Self> {
        Self::from_name(label)
    }

    /// `SSL3.0`, `TLS1.0` ... `TLS1.3`, or `unknown(0x....)`.
    pub fn label(self) -> String {
        self.to_string()
    }
}

/// A GREASE value (RFC 8701 2): `0x?A?A` with both bytes equal. Clients put them among suites, extensions, groups,
/// signature algorithms and versions, a different one on each connection, so that servers keep ignoring what they
/// do not know.
pub fn is_grease(value: u16) -> bool {
    let [hi, lo] = value.to_be_bytes();
    hi == lo && lo & 0x0F == 0x0A
}

/// A cipher suite code, RFC 8446 B.4 and the IANA TLS Cipher Suites registry. Names come from the suite table.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CipherSuite(pub u16);

impl CipherSuite {
    /// RFC 5746 3.3: signals secure renegotiation support; never a real suite.
    pub const TLS_EMPTY_RENEGOTIATION_INFO_SCSV: Self = Self(0x00FF);
    /// RFC 7507: a client's downgraded retry; never a real suite.
    pub const TLS_FALLBACK_SCSV: Self = Self(0x5600);

    /// The registry entry, if the code is known.
    pub fn info(self) -> Option<&'static SuiteInfo> {
        suites::lookup(self.0)
    }

    /// The IANA name, the SCSV name, or `unknown(0x....)`.
    pub fn name(self) -> String {
        match (self.info(), self) {
            (Some(info), _) => info.iana.to_string(),
            (None, Self::TLS_EMPTY_RENEGOTIATION_INFO_SCSV) => {
                "TLS_EMPTY_RENEGOTIATION_INFO_SCSV".to_string()
            }
            (None, Self::TLS_FALLBACK_SCSV) => "TLS_FALLBACK_SCSV".to_string(),
            (None, _) => format!("unknown(0x{:04x})", self.0),
        }
    }

    /// True for the two signalling values, which a server must never select.
    pub fn is_scsv(self) -> bool {
        self == Self::TLS_EMPTY_RENEGOTIATION_INFO_SCSV || self == Self::TLS_FALLBACK_SCSV
    }
}

impl fmt::Display for CipherSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl fmt::Debug for CipherSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

code_registry! {
    /// `NamedGroup` (formerly `NamedCurve`), RFC 8446 4.2.7, RFC 8422 5.1.1, RFC 7919, and the IANA TLS Supported
    /// Groups registry; names as IANA spells them.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct NamedGroup(u16);
    unknown = "unknown(0x{:04x})";
    SECT163K1 => 1 => "sect163k1",
    SECT163R1 => 2 => "sect163r1",
    SECT163R2 => 3 => "sect163r2",
    SECT193R1 => 4 => "sect193r1",
    SECT193R2 => 5 => "sect193r2",
    SECT233K1 => 6 => "sect233k1",
    SECT233R1 => 7 => "sect233r1",
    SECT239K1 => 8 => "sect239k1",
    SECT283K1 => 9 => "sect283k1",
    SECT283R1 => 10 => "sect283r1",
    SECT409K1 => 11 => "sect409k1",
    SECT409R1 => 12 => "sect409r1",
    SECT571K1 => 13 => "sect571k1",
    SECT571R1 => 14 => "sect571r1",
    SECP160K1 => 15 => "secp160k1",
    SECP160R1 => 16 => "secp160r1",
    SECP160R2 => 17 => "secp160r2",
    SECP192K1 => 18 => "secp192k1",
    SECP192R1 => 19 => "secp192r1",
    SECP224K1 => 20 => "secp224k1",
    SECP224R1 => 21 => "secp224r1",
    SECP256K1 => 22 => "secp256k1",
    SECP256R1 => 23 => "secp256r1",
    SECP384R1 => 24 => "secp384r1",
    SECP521R1 => 25 => "secp521r1",
    BRAINPOOLP256R1 => 26 => "brainpoolP256r1",
    BRAINPOOLP384R1 => 27 => "brainpoolP384r1",
    BRAINPOOLP512R1 => 28 => "brainpoolP512r1",
    X25519 => 29 => "x25519",
    X448 => 30 => "x448",
    BRAINPOOLP256R1TLS13 => 31 => "brainpoolP256r1tls13",
    BRAINPOOLP384R1TLS13 => 32 => "brainpoolP384r1tls13",
    BRAINPOOLP512R1TLS13 => 33 => "brainpoolP512r1tls13",
    FFDHE2048 => 256 => "ffdhe2048",
    FFDHE3072 => 257 => "ffdhe3072",
    FFDHE4096 => 258 => "ffdhe4096",
    FFDHE6144 => 259 => "ffdhe6144",
    FFDHE8192 => 260 => "ffdhe8192",
    /// draft-kwiatkowski-tls-ecdhe-mlkem: X25519 with ML-KEM-768.
    X25519_MLKEM768 => 0x11EC => "X25519MLKEM768",
    /// RFC 8422 5.4: arbitrary explicit prime curve (deprecated).
    ARBITRARY_EXPLICIT_PRIME_CURVES => 0xFF01 => "arbitrary_explicit_prime_curves",
    /// RFC 8422 5.4: arbitrary explicit characteristic-2 curve (deprecated).
    ARBITRARY_EXPLICIT_CHAR2_CURVES => 0xFF02 => "arbitrary_explicit_char2_curves",
}

impl NamedGroup {
    /// Every group with a name; a scanner can offer all of them to learn what a server prefers. The same list
    /// as [`ALL`](Self::ALL), under the name the scan plans use.
    pub const NAMED: [Self; Self::ALL.len()] = Self::ALL;

    /// What a modern client offers: x25519, P-256, P-384, P-521, x448 and the RFC 7919 groups.
    pub const DEFAULT: [Self; 10] = [
        Self::X25519,
        Self::SECP256R1,
        Self::SECP384R1,
        Self::SECP521R1,
        Self::X448,
        Self::FFDHE2048,
        Self::FFDHE3072,
        Self::FFDHE4096,
        Self::FFDHE6144,
        Self::FFDHE8192,
    ];

    /// True for the finite-field groups of RFC 7919 (256..=511 is their range).
    pub fn is_ffdhe(self) -> bool {
        (256..512).contains(&self.0)
    }
}

code_registry! {
    /// `SignatureScheme`, RFC 8446 4.2.3 (for TLS 1.2 the high byte is the hash, the low byte the signature,
    /// RFC 5246 7.4.1.4.1), names as in the IANA TLS SignatureScheme registry.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct SignatureScheme(u16);
    unknown = "unknown(0x{:04x})";
    RSA_PKCS1_SHA1 => 0x0201 => "rsa_pkcs1_sha1",
    /// TLS 1.2 only: DSA with SHA-1 (an RFC 5246 hash/signature pair).
    DSA_SHA1 => 0x0202 => "dsa_sha1",
    ECDSA_SHA1 => 0x0203 => "ecdsa_sha1",
    /// TLS 1.2 only: RSA with SHA-224.
    RSA_PKCS1_SHA224 => 0x0301 => "rsa_pkcs1_sha224",
    /// TLS 1.2 only: DSA with SHA-224.
    DSA_SHA224 => 0x0302 => "dsa_sha224",
    /// TLS 1.2 only: ECDSA with SHA-224.
    ECDSA_SHA224 => 0x0303 => "ecdsa_sha224",
    RSA_PKCS1_SHA256 => 0x0401 => "rsa_pkcs1_sha256",
    /// TLS 1.2 only: DSA with SHA-256.
    DSA_SHA256 => 0x0402 => "dsa_sha256",
    ECDSA_SECP256R1_SHA256 => 0x0403 => "ecdsa_secp256r1_sha256",
    RSA_PKCS1_SHA384 => 0x0501 => "rsa_pkcs1_sha384",
    /// TLS 1.2 only: DSA with SHA-384.
    DSA_SHA384 => 0x0502 => "dsa_sha384",
    ECDSA_SECP384R1_SHA384 => 0x0503 => "ecdsa_secp384r1_sha384",
    RSA_PKCS1_SHA512 => 0x0601 => "rsa_pkcs1_sha512",
    /// TLS 1.2 only: DSA with SHA-512.
    DSA_SHA512 => 0x0602 => "dsa_sha512",
    ECDSA_SECP521R1_SHA512 => 0x0603 => "ecdsa_secp521r1_sha512",
    RSA_PSS_RSAE_SHA256 => 0x0804 => "rsa_pss_rsae_sha256",
    RSA_PSS_RSAE_SHA384 => 0x0805 => "rsa_pss_rsae_sha384",
    RSA_PSS_RSAE_SHA512 => 0x0806 => "rsa_pss_rsae_sha512",
    ED25519 => 0x0807 => "ed25519",
    ED448 => 0x0808 => "ed448",
    RSA_PSS_PSS_SHA256 => 0x0809 => "rsa_pss_pss_sha256",
    RSA_PSS_PSS_SHA384 => 0x080A => "rsa_pss_pss_sha384",
    RSA_PSS_PSS_SHA512 => 0x080B => "rsa_pss_pss_sha512",
    /// RFC 8734: ECDSA on the TLS 1.3 brainpool curves.
    ECDSA_BRAINPOOLP256R1TLS13_SHA256 => 0x081A => "ecdsa_brainpoolP256r1tls13_sha256",
    ECDSA_BRAINPOOLP384R1TLS13_SHA384 => 0x081B => "ecdsa_brainpoolP384r1tls13_sha384",
    ECDSA_BRAINPOOLP512R1TLS13_SHA512 => 0x081C => "ecdsa_brainpoolP512r1tls13_sha512",
}

impl SignatureScheme {
    /// A broad list that every server from SChannel on Server 2008 to OpenSSL 3 accepts; TLS 1.3 schemes first.
    pub const DEFAULT: [Self; 18] = [
        Self::ECDSA_SECP256R1_SHA256,
        Self::ECDSA_SECP384R1_SHA384,
        Self::ECDSA_SECP521R1_SHA512,
        Self::ED25519,
        Self::ED448,
        Self::RSA_PSS_RSAE_SHA256,
        Self::RSA_PSS_RSAE_SHA384,
        Self::RSA_PSS_RSAE_SHA512,
        Self::RSA_PSS_PSS_SHA256,
        Self::RSA_PSS_PSS_SHA384,
        Self::RSA_PSS_PSS_SHA512,
        Self::RSA_PKCS1_SHA256,
        Self::RSA_PKCS1_SHA384,
        Self::RSA_PKCS1_SHA512,
        Self::RSA_PKCS1_SHA1,
        Self::ECDSA_SHA1,
        Self::DSA_SHA256,
        Self::DSA_SHA1,
    ];
}

code_registry! {
    /// Record `ContentType`, RFC 8446 5.1 (heartbeat: RFC 6520 3).
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    pub struct ContentType(u8);
    unknown = "unknown(0x{:02x})";
    CHANGE_CIPHER_SPEC => 20 => "change_cipher_spec",
    ALERT => 21 => "alert",
    HANDSHAKE => 22 => "handshake",
    APPLICATION_DATA => 23 => "application_data",
    HEARTBEAT => 24 => "heartbeat",
}

code_registry! {
    /// `HandshakeType`, RFC 8446 4 and RFC 5246 7.4 (certificate_status: RFC 6066 8).
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    pub struct HandshakeType(u8);
    unknown = "unknown(0x{:02x})";
    HELLO_REQUEST => 0 => "hello_request",
    CLIENT_HELLO => 1 => "client_hello",
    SERVER_HELLO => 2 => "server_hello",
    NEW_SESSION_TICKET => 4 => "new_session_ticket",
    END_OF_EARLY_DATA => 5 => "end_of_early_data",
    ENCRYPTED_EXTENSIONS => 8 => "encrypted_extensions",
    CERTIFICATE => 11 => "certificate",
    SERVER_KEY_EXCHANGE => 12 => "server_key_exchange",
    CERTIFICATE_REQUEST => 13 => "certificate_request",
    SERVER_HELLO_DONE => 14 => "server_hello_done",
    CERTIFICATE_VERIFY => 15 => "certificate_verify",
    CLIENT_KEY_EXCHANGE => 16 => "client_key_exchange",
    FINISHED => 20 => "finished",
    CERTIFICATE_STATUS => 22 => "certificate_status",
    KEY_UPDATE => 24 => "key_update",
}

code_registry! {
    /// `ExtensionType`, RFC 8446 4.2 and the IANA TLS ExtensionType registry (the ones this crate reads or writes).
    #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct ExtensionType(u16);
    unknown = "unknown(0x{:04x})";
    SERVER_NAME => 0 => "server_name",
    STATUS_REQUEST => 5 => "status_request",
    SUPPORTED_GROUPS => 10 => "supported_groups",
    EC_POINT_FORMATS => 11 => "ec_point_formats",
    SIGNATURE_ALGORITHMS => 13 => "signature_algorithms",
    /// RFC 7301.
    ALPN => 16 => "application_layer_protocol_negotiation",
    /// RFC 6962 3.3.1.
    SIGNED_CERTIFICATE_TIMESTAMP => 18 => "signed_certificate_timestamp",
    /// RFC 7685: zero bytes that pad the ClientHello.
    PADDING => 21 => "padding",
    ENCRYPT_THEN_MAC => 22 => "encrypt_then_mac",
    EXTENDED_MASTER_SECRET => 23 => "extended_master_secret",
    /// RFC 8879.
    COMPRESS_CERTIFICATE => 27 => "compress_certificate",
    /// RFC 8449.
    RECORD_SIZE_LIMIT => 28 => "record_size_limit",
    /// RFC 9345.
    DELEGATED_CREDENTIAL => 34 => "delegated_credential",
    SESSION_TICKET => 35 => "session_ticket",
    PRE_SHARED_KEY => 41 => "pre_shared_key",
    EARLY_DATA => 42 => "early_data",
    SUPPORTED_VERSIONS => 43 => "supported_versions",
    COOKIE => 44 => "cookie",
    PSK_KEY_EXCHANGE_MODES => 45 => "psk_key_exchange_modes",
    /// RFC 8446 4.2.6.
    POST_HANDSHAKE_AUTH => 49 => "post_handshake_auth",
    /// RFC 8446 4.2.3.
    SIGNATURE_ALGORITHMS_CERT => 50 => "signature_algorithms_cert",
    KEY_SHARE => 51 => "key_share",
    /// draft-agl-tls-nextprotoneg (NPN), as older browsers send it.
    NEXT_PROTOCOL_NEGOTIATION => 13172 => "next_protocol_negotiation",
    /// draft-ietf-tls-esni (ECH).
    ENCRYPTED_CLIENT_HELLO => 0xFE0D => "encrypted_client_hello",
    /// RFC 5746 3.2.
    RENEGOTIATION_INFO => 0xFF01 => "renegotiation_info",
}

code_registry! {
    /// `AlertLevel`, RFC 5246 7.2.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    pub struct AlertLevel(u8);
    unknown = "unknown(0x{:02x})";
    WARNING => 1 => "warning",
    FATAL => 2 => "fatal",
}

code_registry! {
    /// `AlertDescription`, RFC 8446 6 plus the older values of RFC 5246 7.2 and RFC 6101 5.4.2.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    pub struct AlertDescription(u8);
    unknown = "unknown(0x{:02x})";
    CLOSE_NOTIFY => 0 => "close_notify",
    UNEXPECTED_MESSAGE => 10 => "unexpected_message",
    BAD_RECORD_MAC => 20 => "bad_record_mac",
    DECRYPTION_FAILED => 21 => "decryption_failed",
    RECORD_OVERFLOW => 22 => "record_overflow",
    DECOMPRESSION_FAILURE => 30 => "decompression_failure",
    HANDSHAKE_FAILURE => 40 => "handshake_failure",
    /// SSL 3.0 only.
    NO_CERTIFICATE => 41 => "no_certificate",
    BAD_CERTIFICATE => 42 => "bad_certificate",
    UNSUPPORTED_CERTIFICATE => 43 => "unsupported_certificate",
    CERTIFICATE_REVOKED => 44 => "certificate_revoked",
    CERTIFICATE_EXPIRED => 45 => "certificate_expired",
    CERTIFICATE_UNKNOWN => 46 => "certificate_unknown",
    ILLEGAL_PARAMETER => 47 => "illegal_parameter",
    UNKNOWN_CA => 48 => "unknown_ca",
    ACCESS_DENIED => 49 => "access_denied",
    DECODE_ERROR => 50 => "decode_error",
    DECRYPT_ERROR => 51 => "decrypt_error",
    EXPORT_RESTRICTION => 60 => "export_restriction",
    PROTOCOL_VERSION => 70 => "protocol_version",
    INSUFFICIENT_SECURITY => 71 => "insufficient_security",
    INTERNAL_ERROR => 80 => "internal_error",
    INAPPROPRIATE_FALLBACK => 86 => "inappropriate_fallback",
    USER_CANCELED => 90 => "user_canceled",
    NO_RENEGOTIATION => 100 => "no_renegotiation",
    MISSING_EXTENSION => 109 => "missing_extension",
    UNSUPPORTED_EXTENSION => 110 => "unsupported_extension",
    CERTIFICATE_UNOBTAINABLE => 111 => "certificate_unobtainable",
    UNRECOGNIZED_NAME => 112 => "unrecognized_name",
    BAD_CERTIFICATE_STATUS_RESPONSE => 113 => "bad_certificate_status_response",
    BAD_CERTIFICATE_HASH_VALUE => 114 => "bad_certificate_hash_value",
    UNKNOWN_PSK_IDENTITY => 115 => "unknown_psk_identity",
    CERTIFICATE_REQUIRED => 116 => "certificate_required",
    NO_APPLICATION_PROTOCOL => 120 => "no_application_protocol",
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that each code prints as the name given, with `Display` and `Debug` alike.
    fn pins<T: fmt::Display + fmt::Debug + Copy>(cases: &[(T, &str)]) {
        for (code, want) in cases {
            assert_eq!(code.to_string(), *want);
            assert_eq!(format!("{code:?}"), *want);
        }
    }

    #[test]
    fn versions_have_exact_labels_in_ascending_order() {
        let labels: Vec<String> = ProtocolVersion::ALL.iter().map(|v| v.label()).collect();
        assert_eq!(labels, ["SSL3.0", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3"]);
        assert!(ProtocolVersion::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ProtocolVersion(0x7f1c).label(), "unknown(0x7f1c)");
        assert_eq!(ProtocolVersion(0x0200).to_string(), "unknown(0x0200)");
        assert_eq!(
            ProtocolVersion::from_label("TLS1.2"),
            Some(ProtocolVersion::TLS1_2)
        );
        assert_eq!(ProtocolVersion::from_label("tls1.2"), None);
        assert_eq!(ProtocolVersion::from_label("unknown(0x0200)"), None);
    }

    #[test]
    fn cipher_suites_print_iana_names_scsv_names_or_unknown() {
        pins(&[
            (CipherSuite(0xC02F), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            (CipherSuite(0x00FF), "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"),
            (CipherSuite(0x5600), "TLS_FALLBACK_SCSV"),
            (CipherSuite(0x0A0A), "unknown(0x0a0a)"),
        ]);
    }

    #[test]
    fn named_groups_print_iana_names_or_unknown() {
        pins(&[
            (NamedGroup(29), "x25519"),
            (NamedGroup(256), "ffdhe2048"),
            (NamedGroup::BRAINPOOLP256R1, "brainpoolP256r1"),
            (NamedGroup::X25519_MLKEM768, "X25519MLKEM768"),
            (NamedGroup(0xFF02), "arbitrary_explicit_char2_curves"),
            (NamedGroup(0x1234), "unknown(0x1234)"),
            (NamedGroup(0x0a0a), "unknown(0x0a0a)"),
        ]);
        assert_eq!(NamedGroup::NAMED.len(), 41);
        assert_eq!(NamedGroup::NAMED, NamedGroup::ALL);
        assert!(NamedGroup::FFDHE8192.is_ffdhe() && !NamedGroup::X25519.is_ffdhe());
    }

    #[test]
    fn signature_schemes_print_iana_names_or_unknown() {
        pins(&[
            (SignatureScheme(0x0804), "rsa_pss_rsae_sha256"),
            (SignatureScheme(0x0202), "dsa_sha1"),
            (SignatureScheme(0x081C), "ecdsa_brainpoolP512r1tls13_sha512"),
            (SignatureScheme(0x0000), "unknown(0x0000)"),
            (SignatureScheme(0xFE00), "unknown(0xfe00)"),
        ]);
    }

    #[test]
    fn content_types_print_names_or_two_digit_unknown() {
        pins(&[
            (ContentType(22), "handshake"),
            (ContentType::HEARTBEAT, "heartbeat"),
            (ContentType(25), "unknown(0x19)"),
            (ContentType(3), "unknown(0x03)"),
        ]);
    }

    #[test]
    fn handshake_types_print_names_or_two_digit_unknown() {
        pins(&[
            (HandshakeType(2), "server_hello"),
            (HandshakeType(0), "hello_request"),
            (HandshakeType::KEY_UPDATE, "key_update"),
            (HandshakeType(3), "unknown(0x03)"),
        ]);
    }

    #[test]
    fn extension_types_print_names_or_unknown() {
        pins(&[
            (
                ExtensionType::ALPN,
                "application_layer_protocol_negotiation",
            ),
            (ExtensionType(0xFF01), "renegotiation_info"),
            (ExtensionType(23), "extended_master_secret"),
            (ExtensionType(0x0a0a), "unknown(0x0a0a)"),
            (ExtensionType(1), "unknown(0x0001)"),
        ]);
    }

    #[test]
    fn alert_levels_print_names_or_two_digit_unknown() {
        pins(&[
            (AlertLevel(1), "warning"),
            (AlertLevel(2), "fatal"),
            (AlertLevel(0), "unknown(0x00)"),
            (AlertLevel(255), "unknown(0xff)"),
        ]);
    }

    #[test]
    fn alert_descriptions_print_names_or_two_digit_unknown() {
        pins(&[
            (AlertDescription(40), "handshake_failure"),
            (AlertDescription(0), "close_notify"),
            (AlertDescription(120), "no_application_protocol"),
            (AlertDescription(255), "unknown(0xff)"),
            (AlertDescription(1), "unknown(0x01)"),
        ]);
    }

    #[test]
    fn grease_values_are_the_sixteen_of_rfc_8701() {
        let grease: Vec<u16> = (0..=u16::MAX).filter(|v| is_grease(*v)).collect();
        assert_eq!(grease.len(), 16);
        assert_eq!(grease[0], 0x0A0A);
        assert_eq!(grease[15], 0xFAFA);
        assert!(grease.iter().all(|v| v & 0x0F0F == 0x0A0A));
    }

    #[test]
    fn every_listed_code_has_a_name() {
        for g in NamedGroup::NAMED.iter().chain(NamedGroup::DEFAULT.iter()) {
            assert!(g.name().is_some(), "{}", g.0);
        }
        for s in SignatureScheme::DEFAULT {
            assert!(s.name().is_some(), "{}", s.0);
        }
        for a in AlertDescription::ALL {
            assert_eq!(AlertDescription::from_name(&a.to_string()), Some(a));
        }
    }
}
