//! TLS wire codes as newtypes: versions, cipher suites, groups, signature schemes, alerts, record and message types.
//!
//! Every code keeps its number, so an unknown value survives decoding and prints as `unknown(0x....)`.

use std::fmt;

use super::suites::{self, SuiteInfo};

/// Implements `Debug` as `Display` for a code newtype.
macro_rules! debug_as_display {
    ($($t:ty),*) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    )*};
}

/// `ProtocolVersion`, RFC 8446 4.1.2 (legacy_version) and 4.2.1 (supported_versions).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProtocolVersion(pub u16);

impl ProtocolVersion {
    pub const SSL3_0: Self = Self(0x0300);
    pub const TLS1_0: Self = Self(0x0301);
    pub const TLS1_1: Self = Self(0x0302);
    pub const TLS1_2: Self = Self(0x0303);
    pub const TLS1_3: Self = Self(0x0304);

    /// Every version this crate can offer, oldest first.
    pub const ALL: [Self; 5] = [
        Self::SSL3_0,
        Self::TLS1_0,
        Self::TLS1_1,
        Self::TLS1_2,
        Self::TLS1_3,
    ];

    /// The version a label names (`SSL3.0` ... `TLS1.3`), as reports and data files spell it.
    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.name() == Some(label))
    }

    /// `SSL3.0`, `TLS1.0` ... `TLS1.3`, or `unknown(0x....)`.
    pub fn label(self) -> String {
        match self.name() {
            Some(n) => n.to_string(),
            None => format!("unknown(0x{:04x})", self.0),
        }
    }

    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::SSL3_0 => "SSL3.0",
            Self::TLS1_0 => "TLS1.0",
            Self::TLS1_1 => "TLS1.1",
            Self::TLS1_2 => "TLS1.2",
            Self::TLS1_3 => "TLS1.3",
            _ => return None,
        })
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// A cipher suite code, RFC 8446 B.4 and the IANA TLS Cipher Suites registry.
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

/// `NamedGroup` (formerly `NamedCurve`), RFC 8446 4.2.7, RFC 8422 5.1.1, RFC 7919.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NamedGroup(pub u16);

impl NamedGroup {
    pub const SECT163K1: Self = Self(1);
    pub const SECT163R1: Self = Self(2);
    pub const SECT163R2: Self = Self(3);
    pub const SECT193R1: Self = Self(4);
    pub const SECT193R2: Self = Self(5);
    pub const SECT233K1: Self = Self(6);
    pub const SECT233R1: Self = Self(7);
    pub const SECT239K1: Self = Self(8);
    pub const SECT283K1: Self = Self(9);
    pub const SECT283R1: Self = Self(10);
    pub const SECT409K1: Self = Self(11);
    pub const SECT409R1: Self = Self(12);
    pub const SECT571K1: Self = Self(13);
    pub const SECT571R1: Self = Self(14);
    pub const SECP160K1: Self = Self(15);
    pub const SECP160R1: Self = Self(16);
    pub const SECP160R2: Self = Self(17);
    pub const SECP192K1: Self = Self(18);
    pub const SECP192R1: Self = Self(19);
    pub const SECP224K1: Self = Self(20);
    pub const SECP224R1: Self = Self(21);
    pub const SECP256K1: Self = Self(22);
    pub const SECP256R1: Self = Self(23);
    pub const SECP384R1: Self = Self(24);
    pub const SECP521R1: Self = Self(25);
    pub const BRAINPOOLP256R1: Self = Self(26);
    pub const BRAINPOOLP384R1: Self = Self(27);
    pub const BRAINPOOLP512R1: Self = Self(28);
    pub const X25519: Self = Self(29);
    pub const X448: Self = Self(30);
    pub const BRAINPOOLP256R1TLS13: Self = Self(31);
    pub const BRAINPOOLP384R1TLS13: Self = Self(32);
    pub const BRAINPOOLP512R1TLS13: Self = Self(33);
    pub const FFDHE2048: Self = Self(256);
    pub const FFDHE3072: Self = Self(257);
    pub const FFDHE4096: Self = Self(258);
    pub const FFDHE6144: Self = Self(259);
    pub const FFDHE8192: Self = Self(260);
    /// draft-kwiatkowski-tls-ecdhe-mlkem: X25519 with ML-KEM-768.
    pub const X25519_MLKEM768: Self = Self(0x11EC);
    /// RFC 8422 5.4: arbitrary explicit prime curve (deprecated).
    pub const ARBITRARY_EXPLICIT_PRIME_CURVES: Self = Self(0xFF01);
    pub const ARBITRARY_EXPLICIT_CHAR2_CURVES: Self = Self(0xFF02);

    /// Every group with a name; a scanner can offer all of them to learn what a server prefers.
    pub const NAMED: [Self; 41] = [
        Self::SECT163K1,
        Self::SECT163R1,
        Self::SECT163R2,
        Self::SECT193R1,
        Self::SECT193R2,
        Self::SECT233K1,
        Self::SECT233R1,
        Self::SECT239K1,
        Self::SECT283K1,
        Self::SECT283R1,
        Self::SECT409K1,
        Self::SECT409R1,
        Self::SECT571K1,
        Self::SECT571R1,
        Self::SECP160K1,
        Self::SECP160R1,
        Self::SECP160R2,
        Self::SECP192K1,
        Self::SECP192R1,
        Self::SECP224K1,
        Self::SECP224R1,
        Self::SECP256K1,
        Self::SECP256R1,
        Self::SECP384R1,
        Self::SECP521R1,
        Self::BRAINPOOLP256R1,
        Self::BRAINPOOLP384R1,
        Self::BRAINPOOLP512R1,
        Self::X25519,
        Self::X448,
        Self::BRAINPOOLP256R1TLS13,
        Self::BRAINPOOLP384R1TLS13,
        Self::BRAINPOOLP512R1TLS13,
        Self::FFDHE2048,
        Self::FFDHE3072,
        Self::FFDHE4096,
        Self::FFDHE6144,
        Self::FFDHE8192,
        Self::X25519_MLKEM768,
        Self::ARBITRARY_EXPLICIT_PRIME_CURVES,
        Self::ARBITRARY_EXPLICIT_CHAR2_CURVES,
    ];

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

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "sect163k1",
            2 => "sect163r1",
            3 => "sect163r2",
            4 => "sect193r1",
            5 => "sect193r2",
            6 => "sect233k1",
            7 => "sect233r1",
            8 => "sect239k1",
            9 => "sect283k1",
            10 => "sect283r1",
            11 => "sect409k1",
            12 => "sect409r1",
            13 => "sect571k1",
            14 => "sect571r1",
            15 => "secp160k1",
            16 => "secp160r1",
            17 => "secp160r2",
            18 => "secp192k1",
            19 => "secp192r1",
            20 => "secp224k1",
            21 => "secp224r1",
            22 => "secp256k1",
            23 => "secp256r1",
            24 => "secp384r1",
            25 => "secp521r1",
            26 => "brainpoolP256r1",
            27 => "brainpoolP384r1",
            28 => "brainpoolP512r1",
            29 => "x25519",
            30 => "x448",
            31 => "brainpoolP256r1tls13",
            32 => "brainpoolP384r1tls13",
            33 => "brainpoolP512r1tls13",
            256 => "ffdhe2048",
            257 => "ffdhe3072",
            258 => "ffdhe4096",
            259 => "ffdhe6144",
            260 => "ffdhe8192",
            0x11EC => "X25519MLKEM768",
            0xFF01 => "arbitrary_explicit_prime_curves",
            0xFF02 => "arbitrary_explicit_char2_curves",
            _ => return None,
        })
    }

    /// True for the finite-field groups of RFC 7919 (256..=511 is their range).
    pub fn is_ffdhe(self) -> bool {
        (256..512).contains(&self.0)
    }
}

impl fmt::Display for NamedGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "unknown(0x{:04x})", self.0),
        }
    }
}

/// `SignatureScheme`, RFC 8446 4.2.3 (for TLS 1.2 the high byte is the hash, the low byte the signature, RFC 5246 7.4.1.4.1).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SignatureScheme(pub u16);

impl SignatureScheme {
    pub const RSA_PKCS1_SHA1: Self = Self(0x0201);
    pub const ECDSA_SHA1: Self = Self(0x0203);
    pub const RSA_PKCS1_SHA256: Self = Self(0x0401);
    pub const ECDSA_SECP256R1_SHA256: Self = Self(0x0403);
    pub const RSA_PKCS1_SHA384: Self = Self(0x0501);
    pub const ECDSA_SECP384R1_SHA384: Self = Self(0x0503);
    pub const RSA_PKCS1_SHA512: Self = Self(0x0601);
    pub const ECDSA_SECP521R1_SHA512: Self = Self(0x0603);
    pub const RSA_PSS_RSAE_SHA256: Self = Self(0x0804);
    pub const RSA_PSS_RSAE_SHA384: Self = Self(0x0805);
    pub const RSA_PSS_RSAE_SHA512: Self = Self(0x0806);
    pub const ED25519: Self = Self(0x0807);
    pub const ED448: Self = Self(0x0808);
    pub const RSA_PSS_PSS_SHA256: Self = Self(0x0809);
    pub const RSA_PSS_PSS_SHA384: Self = Self(0x080A);
    pub const RSA_PSS_PSS_SHA512: Self = Self(0x080B);
    /// TLS 1.2 only: DSA with SHA-1 and SHA-256 (RFC 5246 hash/signature pairs).
    pub const DSA_SHA1: Self = Self(0x0202);
    pub const DSA_SHA256: Self = Self(0x0402);
    /// TLS 1.2 only: RSA and ECDSA with SHA-224.
    pub const RSA_PKCS1_SHA224: Self = Self(0x0301);
    pub const ECDSA_SHA224: Self = Self(0x0303);

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

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x0201 => "rsa_pkcs1_sha1",
            0x0202 => "dsa_sha1",
            0x0203 => "ecdsa_sha1",
            0x0301 => "rsa_pkcs1_sha224",
            0x0302 => "dsa_sha224",
            0x0303 => "ecdsa_sha224",
            0x0401 => "rsa_pkcs1_sha256",
            0x0402 => "dsa_sha256",
            0x0403 => "ecdsa_secp256r1_sha256",
            0x0501 => "rsa_pkcs1_sha384",
            0x0502 => "dsa_sha384",
            0x0503 => "ecdsa_secp384r1_sha384",
            0x0601 => "rsa_pkcs1_sha512",
            0x0602 => "dsa_sha512",
            0x0603 => "ecdsa_secp521r1_sha512",
            0x0804 => "rsa_pss_rsae_sha256",
            0x0805 => "rsa_pss_rsae_sha384",
            0x0806 => "rsa_pss_rsae_sha512",
            0x0807 => "ed25519",
            0x0808 => "ed448",
            0x0809 => "rsa_pss_pss_sha256",
            0x080A => "rsa_pss_pss_sha384",
            0x080B => "rsa_pss_pss_sha512",
            0x081A => "ecdsa_brainpoolP256r1tls13_sha256",
            0x081B => "ecdsa_brainpoolP384r1tls13_sha384",
            0x081C => "ecdsa_brainpoolP512r1tls13_sha512",
            _ => return None,
        })
    }
}

impl fmt::Display for SignatureScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "unknown(0x{:04x})", self.0),
        }
    }
}

/// Record `ContentType`, RFC 8446 5.1.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContentType(pub u8);

impl ContentType {
    pub const CHANGE_CIPHER_SPEC: Self = Self(20);
    pub const ALERT: Self = Self(21);
    pub const HANDSHAKE: Self = Self(22);
    pub const APPLICATION_DATA: Self = Self(23);
    pub const HEARTBEAT: Self = Self(24);

    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::CHANGE_CIPHER_SPEC => "change_cipher_spec",
            Self::ALERT => "alert",
            Self::HANDSHAKE => "handshake",
            Self::APPLICATION_DATA => "application_data",
            Self::HEARTBEAT => "heartbeat",
            _ => return None,
        })
    }
}

impl fmt::Display for ContentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "unknown(0x{:02x})", self.0),
        }
    }
}

/// `HandshakeType`, RFC 8446 4 and RFC 5246 7.4.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HandshakeType(pub u8);

impl HandshakeType {
    pub const HELLO_REQUEST: Self = Self(0);
    pub const CLIENT_HELLO: Self = Self(1);
    pub const SERVER_HELLO: Self = Self(2);
    pub const NEW_SESSION_TICKET: Self = Self(4);
    pub const END_OF_EARLY_DATA: Self = Self(5);
    pub const ENCRYPTED_EXTENSIONS: Self = Self(8);
    pub const CERTIFICATE: Self = Self(11);
    pub const SERVER_KEY_EXCHANGE: Self = Self(12);
    pub const CERTIFICATE_REQUEST: Self = Self(13);
    pub const SERVER_HELLO_DONE: Self = Self(14);
    pub const CERTIFICATE_VERIFY: Self = Self(15);
    pub const CLIENT_KEY_EXCHANGE: Self = Self(16);
    pub const FINISHED: Self = Self(20);
    pub const CERTIFICATE_STATUS: Self = Self(22);
    pub const KEY_UPDATE: Self = Self(24);

    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::HELLO_REQUEST => "hello_request",
            Self::CLIENT_HELLO => "client_hello",
            Self::SERVER_HELLO => "server_hello",
            Self::NEW_SESSION_TICKET => "new_session_ticket",
            Self::END_OF_EARLY_DATA => "end_of_early_data",
            Self::ENCRYPTED_EXTENSIONS => "encrypted_extensions",
            Self::CERTIFICATE => "certificate",
            Self::SERVER_KEY_EXCHANGE => "server_key_exchange",
            Self::CERTIFICATE_REQUEST => "certificate_request",
            Self::SERVER_HELLO_DONE => "server_hello_done",
            Self::CERTIFICATE_VERIFY => "certificate_verify",
            Self::CLIENT_KEY_EXCHANGE => "client_key_exchange",
            Self::FINISHED => "finished",
            Self::CERTIFICATE_STATUS => "certificate_status",
            Self::KEY_UPDATE => "key_update",
            _ => return None,
        })
    }
}

impl fmt::Display for HandshakeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "unknown(0x{:02x})", self.0),
        }
    }
}

/// `ExtensionType`, RFC 8446 4.2 and the IANA TLS ExtensionType registry (the ones this crate reads or writes).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtensionType(pub u16);

impl ExtensionType {
    pub const SERVER_NAME: Self = Self(0);
    pub const STATUS_REQUEST: Self = Self(5);
    pub const SUPPORTED_GROUPS: Self = Self(10);
    pub const EC_POINT_FORMATS: Self = Self(11);
    pub const SIGNATURE_ALGORITHMS: Self = Self(13);
    pub const ALPN: Self = Self(16);
    pub const ENCRYPT_THEN_MAC: Self = Self(22);
    pub const EXTENDED_MASTER_SECRET: Self = Self(23);
    pub const SESSION_TICKET: Self = Self(35);
    pub const PRE_SHARED_KEY: Self = Self(41);
    pub const SUPPORTED_VERSIONS: Self = Self(43);
    pub const COOKIE: Self = Self(44);
    pub const PSK_KEY_EXCHANGE_MODES: Self = Self(45);
    pub const KEY_SHARE: Self = Self(51);
    pub const RENEGOTIATION_INFO: Self = Self(0xFF01);

    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::SERVER_NAME => "server_name",
            Self::STATUS_REQUEST => "status_request",
            Self::SUPPORTED_GROUPS => "supported_groups",
            Self::EC_POINT_FORMATS => "ec_point_formats",
            Self::SIGNATURE_ALGORITHMS => "signature_algorithms",
            Self::ALPN => "application_layer_protocol_negotiation",
            Self::ENCRYPT_THEN_MAC => "encrypt_then_mac",
            Self::EXTENDED_MASTER_SECRET => "extended_master_secret",
            Self::SESSION_TICKET => "session_ticket",
            Self::PRE_SHARED_KEY => "pre_shared_key",
            Self::SUPPORTED_VERSIONS => "supported_versions",
            Self::COOKIE => "cookie",
            Self::PSK_KEY_EXCHANGE_MODES => "psk_key_exchange_modes",
            Self::KEY_SHARE => "key_share",
            Self::RENEGOTIATION_INFO => "renegotiation_info",
            _ => return None,
        })
    }
}

impl fmt::Display for ExtensionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "unknown(0x{:04x})", self.0),
        }
    }
}

/// `AlertLevel`, RFC 5246 7.2.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AlertLevel(pub u8);

impl AlertLevel {
    pub const WARNING: Self = Self(1);
    pub const FATAL: Self = Self(2);
}

impl fmt::Display for AlertLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::WARNING => f.write_str("warning"),
            Self::FATAL => f.write_str("fatal"),
            Self(v) => write!(f, "unknown(0x{v:02x})"),
        }
    }
}

/// `AlertDescription`, RFC 8446 6 plus the older values of RFC 5246 7.2 and RFC 6101 5.4.2.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AlertDescription(pub u8);

impl AlertDescription {
    pub const CLOSE_NOTIFY: Self = Self(0);
    pub const UNEXPECTED_MESSAGE: Self = Self(10);
    pub const BAD_RECORD_MAC: Self = Self(20);
    pub const DECRYPTION_FAILED: Self = Self(21);
    pub const RECORD_OVERFLOW: Self = Self(22);
    pub const DECOMPRESSION_FAILURE: Self = Self(30);
    pub const HANDSHAKE_FAILURE: Self = Self(40);
    /// SSL 3.0 only.
    pub const NO_CERTIFICATE: Self = Self(41);
    pub const BAD_CERTIFICATE: Self = Self(42);
    pub const UNSUPPORTED_CERTIFICATE: Self = Self(43);
    pub const CERTIFICATE_REVOKED: Self = Self(44);
    pub const CERTIFICATE_EXPIRED: Self = Self(45);
    pub const CERTIFICATE_UNKNOWN: Self = Self(46);
    pub const ILLEGAL_PARAMETER: Self = Self(47);
    pub const UNKNOWN_CA: Self = Self(48);
    pub const ACCESS_DENIED: Self = Self(49);
    pub const DECODE_ERROR: Self = Self(50);
    pub const DECRYPT_ERROR: Self = Self(51);
    pub const EXPORT_RESTRICTION: Self = Self(60);
    pub const PROTOCOL_VERSION: Self = Self(70);
    pub const INSUFFICIENT_SECURITY: Self = Self(71);
    pub const INTERNAL_ERROR: Self = Self(80);
    pub const INAPPROPRIATE_FALLBACK: Self = Self(86);
    pub const USER_CANCELED: Self = Self(90);
    pub const NO_RENEGOTIATION: Self = Self(100);
    pub const MISSING_EXTENSION: Self = Self(109);
    pub const UNSUPPORTED_EXTENSION: Self = Self(110);
    pub const CERTIFICATE_UNOBTAINABLE: Self = Self(111);
    pub const UNRECOGNIZED_NAME: Self = Self(112);
    pub const BAD_CERTIFICATE_STATUS_RESPONSE: Self = Self(113);
    pub const BAD_CERTIFICATE_HASH_VALUE: Self = Self(114);
    pub const UNKNOWN_PSK_IDENTITY: Self = Self(115);
    pub const CERTIFICATE_REQUIRED: Self = Self(116);
    pub const NO_APPLICATION_PROTOCOL: Self = Self(120);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "close_notify",
            10 => "unexpected_message",
            20 => "bad_record_mac",
            21 => "decryption_failed",
            22 => "record_overflow",
            30 => "decompression_failure",
            40 => "handshake_failure",
            41 => "no_certificate",
            42 => "bad_certificate",
            43 => "unsupported_certificate",
            44 => "certificate_revoked",
            45 => "certificate_expired",
            46 => "certificate_unknown",
            47 => "illegal_parameter",
            48 => "unknown_ca",
            49 => "access_denied",
            50 => "decode_error",
            51 => "decrypt_error",
            60 => "export_restriction",
            70 => "protocol_version",
            71 => "insufficient_security",
            80 => "internal_error",
            86 => "inappropriate_fallback",
            90 => "user_canceled",
            100 => "no_renegotiation",
            109 => "missing_extension",
            110 => "unsupported_extension",
            111 => "certificate_unobtainable",
            112 => "unrecognized_name",
            113 => "bad_certificate_status_response",
            114 => "bad_certificate_hash_value",
            115 => "unknown_psk_identity",
            116 => "certificate_required",
            120 => "no_application_protocol",
            _ => return None,
        })
    }
}

impl fmt::Display for AlertDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "unknown(0x{:02x})", self.0),
        }
    }
}

debug_as_display!(
    ProtocolVersion,
    CipherSuite,
    NamedGroup,
    SignatureScheme,
    ContentType,
    HandshakeType,
    ExtensionType,
    AlertLevel,
    AlertDescription
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_have_exact_labels_in_ascending_order() {
        let labels: Vec<String> = ProtocolVersion::ALL.iter().map(|v| v.label()).collect();
        assert_eq!(labels, ["SSL3.0", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3"]);
        assert!(ProtocolVersion::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ProtocolVersion(0x7f1c).label(), "unknown(0x7f1c)");
        assert_eq!(ProtocolVersion(0x0200).to_string(), "unknown(0x0200)");
    }

    #[test]
    fn codes_print_names_or_unknown() {
        let cases: [(String, &str); 12] = [
            (
                CipherSuite(0xC02F).to_string(),
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            ),
            (
                CipherSuite(0x00FF).to_string(),
                "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
            ),
            (CipherSuite(0x5600).to_string(), "TLS_FALLBACK_SCSV"),
            (CipherSuite(0x0A0A).to_string(), "unknown(0x0a0a)"),
            (NamedGroup(29).to_string(), "x25519"),
            (NamedGroup(256).to_string(), "ffdhe2048"),
            (NamedGroup(0x1234).to_string(), "unknown(0x1234)"),
            (SignatureScheme(0x0804).to_string(), "rsa_pss_rsae_sha256"),
            (AlertDescription(40).to_string(), "handshake_failure"),
            (AlertDescription(255).to_string(), "unknown(0xff)"),
            (ContentType(22).to_string(), "handshake"),
            (format!("{:?}", HandshakeType(2)), "server_hello"),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn every_named_group_has_a_name() {
        for g in NamedGroup::NAMED.iter().chain(NamedGroup::DEFAULT.iter()) {
            assert!(g.name().is_some(), "{}", g.0);
        }
        for s in SignatureScheme::DEFAULT {
            assert!(s.name().is_some(), "{}", s.0);
        }
    }
}
