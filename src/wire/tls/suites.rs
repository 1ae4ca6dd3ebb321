//! The TLS cipher-suite registry: every code in the IANA TLS Cipher Suites registry, with its OpenSSL name and parts.
//!
//! Sources: the IANA registry (tls-parameters-4), RFC 8446 B.4, OpenSSL 3.0 `openssl ciphers -V -stdname` and its
//! `tls1.h`/`ssl3.h` names, OpenSSL 1.0.2 for suites it has since removed (KRB5, EXPORT1024, single DES with EDH),
//! and the gost-engine names for 0xC100-0xC102.
//!
//! Notes on other registries, kept here because the tests cross-check against them:
//! - IANA renamed 0x1306 from `TLS_AEGIS_256_SHA384` to `TLS_AEGIS_256_SHA512`; older snapshots use the first name.
//! - tls-parser 0.12 has no GOST suites (0xC100-0xC106), lists the two SCSVs as suites, and gives ChaCha20 128 key
//!   bits; ChaCha20 keys are 256 bits (RFC 8439), as OpenSSL prints.
//! - 0x0060-0x0066 are not registered (IANA reserves them for "widely deployed implementations"); they are the
//!   EXPORT1024 suites of draft-ietf-tls-56-bit-ciphersuites that OpenSSL 0.9.x and old SChannel spoke. They are
//!   here with `registered: false` so a scan can name them.
//! - OpenSSL 3 names single-DES DHE suites `DHE-...`; OpenSSL 1.0.2, the last to implement them, printed `EDH-...`.
//!   The table keeps the names OpenSSL actually printed for each suite.

use std::fmt;

use super::codes::ProtocolVersion;

/// Key exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kx {
    /// TLS_NULL_WITH_NULL_NULL: no key exchange.
    Null,
    /// RSA key transport: no forward secrecy.
    Rsa,
    /// Static Diffie-Hellman from the certificate.
    Dh,
    /// Ephemeral Diffie-Hellman (also `DH_anon`, which is ephemeral but unauthenticated).
    Dhe,
    /// Static ECDH from the certificate.
    Ecdh,
    /// Ephemeral ECDH (also `ECDH_anon`).
    Ecdhe,
    Psk,
    DhePsk,
    EcdhePsk,
    RsaPsk,
    Srp,
    Krb5,
    /// RFC 8492 password-authenticated ECC.
    Eccpwd,
    /// GOST R 34.10-2012 VKO key agreement (RFC 9189).
    Gost,
    /// TLS 1.3: the suite does not fix the key exchange.
    Any,
}

/// Server authentication: the certificate's signature algorithm, or what stands in for a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Auth {
    Null,
    Rsa,
    Dss,
    Ecdsa,
    /// `DH_anon` / `ECDH_anon`: no authentication at all.
    Anon,
    Psk,
    Srp,
    Krb5,
    Eccpwd,
    Gost,
    /// TLS 1.3: the suite does not fix the authentication.
    Any,
}

/// Bulk cipher.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cipher {
    Null,
    Rc2,
    Rc4,
    Des,
    TripleDes,
    Idea,
    Seed,
    Aes,
    Camellia,
    Aria,
    ChaCha20,
    Sm4,
    Aegis,
    /// GOST R 34.12-2015 128-bit block cipher.
    Kuznyechik,
    /// GOST R 34.12-2015 64-bit block cipher.
    Magma,
    /// GOST 28147-89.
    Gost28147,
}

/// How the bulk cipher is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// No encryption.
    None,
    /// A stream cipher (RC4).
    Stream,
    Cbc,
    Gcm,
    Ccm,
    /// CCM with an 8-byte tag.
    Ccm8,
    /// A dedicated AEAD construction: ChaCha20-Poly1305, AEGIS.
    Aead,
    /// Counter mode with a separate MAC (the GOST suites of RFC 9189).
    Ctr,
    /// GOST Multilinear Galois Mode, an AEAD (RFC 9367).
    Mgm,
}

impl fmt::Display for Kx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Null => "NULL",
            Self::Rsa => "RSA",
            Self::Dh => "DH",
            Self::Dhe => "DHE",
            Self::Ecdh => "ECDH",
            Self::Ecdhe => "ECDHE",
            Self::Psk => "PSK",
            Self::DhePsk => "DHE-PSK",
            Self::EcdhePsk => "ECDHE-PSK",
            Self::RsaPsk => "RSA-PSK",
            Self::Srp => "SRP",
            Self::Krb5 => "KRB5",
            Self::Eccpwd => "ECCPWD",
            Self::Gost => "GOST",
            Self::Any => "any",
        })
    }
}

impl fmt::Display for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Null => "NULL",
            Self::Rsa => "RSA",
            Self::Dss => "DSS",
            Self::Ecdsa => "ECDSA",
            Self::Anon => "anon",
            Self::Psk => "PSK",
            Self::Srp => "SRP",
            Self::Krb5 => "KRB5",
            Self::Eccpwd => "ECCPWD",
            Self::Gost => "GOST",
            Self::Any => "any",
        })
    }
}

impl fmt::Display for Cipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Null => "NULL",
            Self::Rc2 => "RC2",
            Self::Rc4 => "RC4",
            Self::Des => "DES",
            Self::TripleDes => "3DES",
            Self::Idea => "IDEA",
            Self::Seed => "SEED",
            Self::Aes => "AES",
            Self::Camellia => "CAMELLIA",
            Self::Aria => "ARIA",
            Self::ChaCha20 => "CHACHA20",
            Self::Sm4 => "SM4",
            Self::Aegis => "AEGIS",
            Self::Kuznyechik => "KUZNYECHIK",
            Self::Magma => "MAGMA",
            Self::Gost28147 => "GOST28147",
        })
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "none",
            Self::Stream => "stream",
            Self::Cbc => "CBC",
            Self::Gcm => "GCM",
            Self::Ccm => "CCM",
            Self::Ccm8 => "CCM8",
            Self::Aead => "AEAD",
            Self::Ctr => "CTR",
            Self::Mgm => "MGM",
        })
    }
}

/// One cipher suite's parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SuiteInfo {
    pub id: u16,
    /// The IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`.
    pub iana: &'static str,
    /// The name OpenSSL prints (`ECDHE-RSA-AES256-GCM-SHA384`, `DES-CBC3-SHA`), where OpenSSL has one.
    pub openssl: Option<&'static str>,
    pub kx: Kx,
    pub auth: Auth,
    pub cipher: Cipher,
    pub mode: Mode,
    /// Key bits of the bulk cipher, as OpenSSL prints them: 40 or 56 for EXPORT suites, 168 for 3DES (whose
    /// strength is 112), 256 for ChaCha20, 0 for NULL.
    pub bits: u16,
    /// The record MAC: `MD5`, `SHA` (SHA-1), `SHA256`, `SHA384`, `AEAD`, `NULL`, or GOST's `OMAC`/`IMIT`.
    pub mac: &'static str,
    /// An EXPORT suite (40- or 56-bit keys by design).
    pub export: bool,
    /// The oldest protocol version that can negotiate the suite: SSL3.0 for everything older than TLS 1.2
    /// (OpenSSL and SChannel accept TLS 1.0-era suites over SSL 3.0), TLS1.2 for SHA-256/384, GCM, CCM and
    /// ChaCha20 suites, TLS1.3 for the TLS 1.3 suites, which no other version can use.
    pub min_version: ProtocolVersion,
    /// False for the unregistered EXPORT1024 codes 0x0060-0x0066.
    pub registered: bool,
}

impl SuiteInfo {
    pub fn is_anonymous(&self) -> bool {
        self.auth == Auth::Anon
    }

    /// No encryption at all.
    pub fn is_null_cipher(&self) -> bool {
        self.cipher == Cipher::Null
    }

    pub fn is_rc4(&self) -> bool {
        self.cipher == Cipher::Rc4
    }

    pub fn is_triple_des(&self) -> bool {
        self.cipher == Cipher::TripleDes
    }

    pub fn is_cbc(&self) -> bool {
        self.mode == Mode::Cbc
    }

    pub fn is_aead(&self) -> bool {
        matches!(
            self.mode,
            Mode::Gcm | Mode::Ccm | Mode::Ccm8 | Mode::Aead | Mode::Mgm
        )
    }

    /// Ephemeral key exchange. TLS 1.3 suites always have it; anonymous (EC)DHE has it but no authentication.
    pub fn forward_secrecy(&self) -> bool {
        matches!(
            self.kx,
            Kx::Dhe | Kx::Ecdhe | Kx::DhePsk | Kx::EcdhePsk | Kx::Eccpwd | Kx::Any
        )
    }

    /// A TLS 1.3 suite, usable with TLS 1.3 only.
    pub fn is_tls13(&self) -> bool {
        self.min_version == ProtocolVersion::TLS1_3
    }

    /// Whether a server may select this suite when `version` was negotiated.
    pub fn usable_with(&self, version: ProtocolVersion) -> bool {
        if self.is_tls13() || version == ProtocolVersion::TLS1_3 {
            return self.is_tls13() && version == ProtocolVersion::TLS1_3;
        }
        version >= self.min_version
    }
}

/// The entry for `id`, if registered (binary search over the sorted table).
pub fn lookup(id: u16) -> Option<&'static SuiteInfo> {
    SUITES
        .binary_search_by_key(&id, |s| s.id)
        .ok()
        .map(|i| &SUITES[i])
}

/// Every entry, by ascending code.
pub fn all() -> impl Iterator<Item = &'static SuiteInfo> {
    SUITES.iter()
}

/// The entry whose OpenSSL name is `name`.
pub fn by_openssl_name(name: &str) -> Option<&'static SuiteInfo> {
    SUITES.iter().find(|s| s.openssl == Some(name))
}

/// The entry whose IANA name is `name`.
pub fn by_iana_name(name: &str) -> Option<&'static SuiteInfo> {
    SUITES.iter().find(|s| s.iana == name)
}

const EXPORT: u8 = 1;
const UNREGISTERED: u8 = 2;
const SSL3_0: ProtocolVersion = ProtocolVersion::SSL3_0;
const TLS1_2: ProtocolVersion = ProtocolVersion::TLS1_2;
const TLS1_3: ProtocolVersion = ProtocolVersion::TLS1_3;

#[allow(clippy::too_many_arguments)]
const fn e(
    id: u16,
    iana: &'static str,
    openssl: Option<&'static str>,
    kx: Kx,
    auth: Auth,
    cipher: Cipher,
    mode: Mode,
    bits: u16,
    mac: &'static str,
    min_version: ProtocolVersion,
    flags: u8,
) -> SuiteInfo {
    SuiteInfo {
        id,
        iana,
        openssl,
        kx,
        auth,
        cipher,
        mode,
        bits,
        mac,
        export: flags & EXPORT != 0,
        min_version,
        registered: flags & UNREGISTERED == 0,
    }
}

use Auth as A;
use Cipher as C;
use Kx as K;
use Mode as M;

/// The registry, sorted by code. Generated once from the sources above, then kept by hand.
#[rustfmt::skip]
static SUITES: &[SuiteInfo] = &[
    e(0x0000, "TLS_NULL_WITH_NULL_NULL", None, K::Null, A::Null, C::Null, M::None, 0, "NULL", SSL3_0, 0),
    e(0x0001, "TLS_RSA_WITH_NULL_MD5", Some("NULL-MD5"), K::Rsa, A::Rsa, C::Null, M::None, 0, "MD5", SSL3_0, 0),
    e(0x0002, "TLS_RSA_WITH_NULL_SHA", Some("NULL-SHA"), K::Rsa, A::Rsa, C::Null, M::None, 0, "SHA", SSL3_0, 0),
    e(0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", Some("EXP-RC4-MD5"), K::Rsa, A::Rsa, C::Rc4, M::Stream, 40, "MD5", SSL3_0, EXPORT),
    e(0x0004, "TLS_RSA_WITH_RC4_128_MD5", Some("RC4-MD5"), K::Rsa, A::Rsa, C::Rc4, M::Stream, 128, "MD5", SSL3_0, 0),
    e(0x0005, "TLS_RSA_WITH_RC4_128_SHA", Some("RC4-SHA"), K::Rsa, A::Rsa, C::Rc4, M::Stream, 128, "SHA", SSL3_0, 0),
    e(0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", Some("EXP-RC2-CBC-MD5"), K::Rsa, A::Rsa, C::Rc2, M::Cbc, 40, "MD5", SSL3_0, EXPORT),
    e(0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA", Some("IDEA-CBC-SHA"), K::Rsa, A::Rsa, C::Idea, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", Some("EXP-DES-CBC-SHA"), K::Rsa, A::Rsa, C::Des, M::Cbc, 40, "SHA", SSL3_0, EXPORT),
    e(0x0009, "TLS_RSA_WITH_DES_CBC_SHA", Some("DES-CBC-SHA"), K::Rsa, A::Rsa, C::Des, M::Cbc, 56, "SHA", SSL3_0, 0),
    e(0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", Some("DES-CBC3-SHA"), K::Rsa, A::Rsa, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0x000B, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA", Some("EXP-DH-DSS-DES-CBC-SHA"), K::Dh, A::Dss, C::Des, M::Cbc, 40, "SHA", SSL3_0, EXPORT),
    e(0x000C, "TLS_DH_DSS_WITH_DES_CBC_SHA", Some("DH-DSS-DES-CBC-SHA"), K::Dh, A::Dss, C::Des, M::Cbc, 56, "SHA", SSL3_0, 0),
    e(0x000D, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA", Some("DH-DSS-DES-CBC3-SHA"), K::Dh, A::Dss, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0x000E, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA", Some("EXP-DH-RSA-DES-CBC-SHA"), K::Dh, A::Rsa, C::Des, M::Cbc, 40, "SHA", SSL3_0, EXPORT),
    e(0x000F, "TLS_DH_RSA_WITH_DES_CBC_SHA", Some("DH-RSA-DES-CBC-SHA"), K::Dh, A::Rsa, C::Des, M::Cbc, 56, "SHA", SSL3_0, 0),
    e(0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA", Some("DH-RSA-DES-CBC3-SHA"), K::Dh, A::Rsa, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", Some("EXP-EDH-DSS-DES-CBC-SHA"), K::Dhe, A::Dss, C::Des, M::Cbc, 40, "SHA", SSL3_0, EXPORT),
    e(0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA", Some("EDH-DSS-DES-CBC-SHA"), K::Dhe, A::Dss, C::Des, M::Cbc, 56, "SHA", SSL3_0, 0),
    e(0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", Some("DHE-DSS-DES-CBC3-SHA"), K::Dhe, A::Dss, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", Some("EXP-EDH-RSA-DES-CBC-SHA"), K::Dhe, A::Rsa, C::Des, M::Cbc, 40, "SHA", SSL3_0, EXPORT),
    e(0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", Some("EDH-RSA-DES-CBC-SHA"), K::Dhe, A::Rsa, C::Des, M::Cbc, 56, "SHA", SSL3_0, 0),
    e(0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", Some("DHE-RSA-DES-CBC3-SHA"), K::Dhe, A::Rsa, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5", Some("EXP-ADH-RC4-MD5"), K::Dhe, A::Anon, C::Rc4, M::Stream, 40, "MD5", SSL3_0, EXPORT),
    e(0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", Some("ADH-RC4-MD5"), K::Dhe, A::Anon, C::Rc4, M::Stream, 128, "MD5", SSL3_0, 0),
    e(0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA", Some("EXP-ADH-DES-CBC-SHA"), K::Dhe, A::Anon, C::Des, M::Cbc, 40, "SHA", SSL3_0, EXPORT),
    e(0x001A, "TLS_DH_anon_WITH_DES_CBC_SHA", Some("ADH-DES-CBC-SHA"), K::Dhe, A::Anon, C::Des, M::Cbc, 56, "SHA", SSL3_0, 0),
    e(0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", Some("ADH-DES-CBC3-SHA"), K::Dhe, A::Anon, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0x001E, "TLS_KRB5_WITH_DES_CBC_SHA", Some("KRB5-DES-CBC-SHA"), K::Krb5, A::Krb5, C::Des, M::Cbc, 56, "SHA", SSL3_0, 0),
    e(0x001F, "TLS_KRB5_WITH_3DES_EDE_CBC_SHA", Some("KRB5-DES-CBC3-SHA"), K::Krb5, A::Krb5, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0x0020, "TLS_KRB5_WITH_RC4_128_SHA", Some("KRB5-RC4-SHA"), K::Krb5, A::Krb5, C::Rc4, M::Stream, 128, "SHA", SSL3_0, 0),
    e(0x0021, "TLS_KRB5_WITH_IDEA_CBC_SHA", Some("KRB5-IDEA-CBC-SHA"), K::Krb5, A::Krb5, C::Idea, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0022, "TLS_KRB5_WITH_DES_CBC_MD5", Some("KRB5-DES-CBC-MD5"), K::Krb5, A::Krb5, C::Des, M::Cbc, 56, "MD5", SSL3_0, 0),
    e(0x0023, "TLS_KRB5_WITH_3DES_EDE_CBC_MD5", Some("KRB5-DES-CBC3-MD5"), K::Krb5, A::Krb5, C::TripleDes, M::Cbc, 168, "MD5", SSL3_0, 0),
    e(0x0024, "TLS_KRB5_WITH_RC4_128_MD5", Some("KRB5-RC4-MD5"), K::Krb5, A::Krb5, C::Rc4, M::Stream, 128, "MD5", SSL3_0, 0),
    e(0x0025, "TLS_KRB5_WITH_IDEA_CBC_MD5", Some("KRB5-IDEA-CBC-MD5"), K::Krb5, A::Krb5, C::Idea, M::Cbc, 128, "MD5", SSL3_0, 0),
    e(0x0026, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA", Some("EXP-KRB5-DES-CBC-SHA"), K::Krb5, A::Krb5, C::Des, M::Cbc, 40, "SHA", SSL3_0, EXPORT),
    e(0x0027, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA", Some("EXP-KRB5-RC2-CBC-SHA"), K::Krb5, A::Krb5, C::Rc2, M::Cbc, 40, "SHA", SSL3_0, EXPORT),
    e(0x0028, "TLS_KRB5_EXPORT_WITH_RC4_40_SHA", Some("EXP-KRB5-RC4-SHA"), K::Krb5, A::Krb5, C::Rc4, M::Stream, 40, "SHA", SSL3_0, EXPORT),
    e(0x0029, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5", Some("EXP-KRB5-DES-CBC-MD5"), K::Krb5, A::Krb5, C::Des, M::Cbc, 40, "MD5", SSL3_0, EXPORT),
    e(0x002A, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5", Some("EXP-KRB5-RC2-CBC-MD5"), K::Krb5, A::Krb5, C::Rc2, M::Cbc, 40, "MD5", SSL3_0, EXPORT),
    e(0x002B, "TLS_KRB5_EXPORT_WITH_RC4_40_MD5", Some("EXP-KRB5-RC4-MD5"), K::Krb5, A::Krb5, C::Rc4, M::Stream, 40, "MD5", SSL3_0, EXPORT),
    e(0x002C, "TLS_PSK_WITH_NULL_SHA", Some("PSK-NULL-SHA"), K::Psk, A::Psk, C::Null, M::None, 0, "SHA", SSL3_0, 0),
    e(0x002D, "TLS_DHE_PSK_WITH_NULL_SHA", Some("DHE-PSK-NULL-SHA"), K::DhePsk, A::Psk, C::Null, M::None, 0, "SHA", SSL3_0, 0),
    e(0x002E, "TLS_RSA_PSK_WITH_NULL_SHA", Some("RSA-PSK-NULL-SHA"), K::RsaPsk, A::Rsa, C::Null, M::None, 0, "SHA", SSL3_0, 0),
    e(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", Some("AES128-SHA"), K::Rsa, A::Rsa, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA", Some("DH-DSS-AES128-SHA"), K::Dh, A::Dss, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA", Some("DH-RSA-AES128-SHA"), K::Dh, A::Rsa, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", Some("DHE-DSS-AES128-SHA"), K::Dhe, A::Dss, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", Some("DHE-RSA-AES128-SHA"), K::Dhe, A::Rsa, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", Some("ADH-AES128-SHA"), K::Dhe, A::Anon, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", Some("AES256-SHA"), K::Rsa, A::Rsa, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA", Some("DH-DSS-AES256-SHA"), K::Dh, A::Dss, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA", Some("DH-RSA-AES256-SHA"), K::Dh, A::Rsa, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", Some("DHE-DSS-AES256-SHA"), K::Dhe, A::Dss, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", Some("DHE-RSA-AES256-SHA"), K::Dhe, A::Rsa, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA", Some("ADH-AES256-SHA"), K::Dhe, A::Anon, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0x003B, "TLS_RSA_WITH_NULL_SHA256", Some("NULL-SHA256"), K::Rsa, A::Rsa, C::Null, M::None, 0, "SHA256", TLS1_2, 0),
    e(0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", Some("AES128-SHA256"), K::Rsa, A::Rsa, C::Aes, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", Some("AES256-SHA256"), K::Rsa, A::Rsa, C::Aes, M::Cbc, 256, "SHA256", TLS1_2, 0),
    e(0x003E, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256", Some("DH-DSS-AES128-SHA256"), K::Dh, A::Dss, C::Aes, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0x003F, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256", Some("DH-RSA-AES128-SHA256"), K::Dh, A::Rsa, C::Aes, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", Some("DHE-DSS-AES128-SHA256"), K::Dhe, A::Dss, C::Aes, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", Some("CAMELLIA128-SHA"), K::Rsa, A::Rsa, C::Camellia, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0042, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA", Some("DH-DSS-CAMELLIA128-SHA"), K::Dh, A::Dss, C::Camellia, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0043, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA", Some("DH-RSA-CAMELLIA128-SHA"), K::Dh, A::Rsa, C::Camellia, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", Some("DHE-DSS-CAMELLIA128-SHA"), K::Dhe, A::Dss, C::Camellia, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", Some("DHE-RSA-CAMELLIA128-SHA"), K::Dhe, A::Rsa, C::Camellia, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", Some("ADH-CAMELLIA128-SHA"), K::Dhe, A::Anon, C::Camellia, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0060, "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5", Some("EXP1024-RC4-MD5"), K::Rsa, A::Rsa, C::Rc4, M::Stream, 56, "MD5", SSL3_0, EXPORT | UNREGISTERED),
    e(0x0061, "TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5", Some("EXP1024-RC2-CBC-MD5"), K::Rsa, A::Rsa, C::Rc2, M::Cbc, 56, "MD5", SSL3_0, EXPORT | UNREGISTERED),
    e(0x0062, "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", Some("EXP1024-DES-CBC-SHA"), K::Rsa, A::Rsa, C::Des, M::Cbc, 56, "SHA", SSL3_0, EXPORT | UNREGISTERED),
    e(0x0063, "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA", Some("EXP1024-DHE-DSS-DES-CBC-SHA"), K::Dhe, A::Dss, C::Des, M::Cbc, 56, "SHA", SSL3_0, EXPORT | UNREGISTERED),
    e(0x0064, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", Some("EXP1024-RC4-SHA"), K::Rsa, A::Rsa, C::Rc4, M::Stream, 56, "SHA", SSL3_0, EXPORT | UNREGISTERED),
    e(0x0065, "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA", Some("EXP1024-DHE-DSS-RC4-SHA"), K::Dhe, A::Dss, C::Rc4, M::Stream, 56, "SHA", SSL3_0, EXPORT | UNREGISTERED),
    e(0x0066, "TLS_DHE_DSS_WITH_RC4_128_SHA", Some("DHE-DSS-RC4-SHA"), K::Dhe, A::Dss, C::Rc4, M::Stream, 128, "SHA", SSL3_0, UNREGISTERED),
    e(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", Some("DHE-RSA-AES128-SHA256"), K::Dhe, A::Rsa, C::Aes, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256", Some("DH-DSS-AES256-SHA256"), K::Dh, A::Dss, C::Aes, M::Cbc, 256, "SHA256", TLS1_2, 0),
    e(0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256", Some("DH-RSA-AES256-SHA256"), K::Dh, A::Rsa, C::Aes, M::Cbc, 256, "SHA256", TLS1_2, 0),
    e(0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", Some("DHE-DSS-AES256-SHA256"), K::Dhe, A::Dss, C::Aes, M::Cbc, 256, "SHA256", TLS1_2, 0),
    e(0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", Some("DHE-RSA-AES256-SHA256"), K::Dhe, A::Rsa, C::Aes, M::Cbc, 256, "SHA256", TLS1_2, 0),
    e(0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", Some("ADH-AES128-SHA256"), K::Dhe, A::Anon, C::Aes, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", Some("ADH-AES256-SHA256"), K::Dhe, A::Anon, C::Aes, M::Cbc, 256, "SHA256", TLS1_2, 0),
    e(0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", Some("CAMELLIA256-SHA"), K::Rsa, A::Rsa, C::Camellia, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0x0085, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA", Some("DH-DSS-CAMELLIA256-SHA"), K::Dh, A::Dss, C::Camellia, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0x0086, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA", Some("DH-RSA-CAMELLIA256-SHA"), K::Dh, A::Rsa, C::Camellia, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", Some("DHE-DSS-CAMELLIA256-SHA"), K::Dhe, A::Dss, C::Camellia, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", Some("DHE-RSA-CAMELLIA256-SHA"), K::Dhe, A::Rsa, C::Camellia, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", Some("ADH-CAMELLIA256-SHA"), K::Dhe, A::Anon, C::Camellia, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0x008A, "TLS_PSK_WITH_RC4_128_SHA", Some("PSK-RC4-SHA"), K::Psk, A::Psk, C::Rc4, M::Stream, 128, "SHA", SSL3_0, 0),
    e(0x008B, "TLS_PSK_WITH_3DES_EDE_CBC_SHA", Some("PSK-3DES-EDE-CBC-SHA"), K::Psk, A::Psk, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0x008C, "TLS_PSK_WITH_AES_128_CBC_SHA", Some("PSK-AES128-CBC-SHA"), K::Psk, A::Psk, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x008D, "TLS_PSK_WITH_AES_256_CBC_SHA", Some("PSK-AES256-CBC-SHA"), K::Psk, A::Psk, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0x008E, "TLS_DHE_PSK_WITH_RC4_128_SHA", Some("DHE-PSK-RC4-SHA"), K::DhePsk, A::Psk, C::Rc4, M::Stream, 128, "SHA", SSL3_0, 0),
    e(0x008F, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA", Some("DHE-PSK-3DES-EDE-CBC-SHA"), K::DhePsk, A::Psk, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA", Some("DHE-PSK-AES128-CBC-SHA"), K::DhePsk, A::Psk, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA", Some("DHE-PSK-AES256-CBC-SHA"), K::DhePsk, A::Psk, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0x0092, "TLS_RSA_PSK_WITH_RC4_128_SHA", Some("RSA-PSK-RC4-SHA"), K::RsaPsk, A::Rsa, C::Rc4, M::Stream, 128, "SHA", SSL3_0, 0),
    e(0x0093, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA", Some("RSA-PSK-3DES-EDE-CBC-SHA"), K::RsaPsk, A::Rsa, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA", Some("RSA-PSK-AES128-CBC-SHA"), K::RsaPsk, A::Rsa, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA", Some("RSA-PSK-AES256-CBC-SHA"), K::RsaPsk, A::Rsa, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", Some("SEED-SHA"), K::Rsa, A::Rsa, C::Seed, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0097, "TLS_DH_DSS_WITH_SEED_CBC_SHA", Some("DH-DSS-SEED-SHA"), K::Dh, A::Dss, C::Seed, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0098, "TLS_DH_RSA_WITH_SEED_CBC_SHA", Some("DH-RSA-SEED-SHA"), K::Dh, A::Rsa, C::Seed, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA", Some("DHE-DSS-SEED-SHA"), K::Dhe, A::Dss, C::Seed, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x009A, "TLS_DHE_RSA_WITH_SEED_CBC_SHA", Some("DHE-RSA-SEED-SHA"), K::Dhe, A::Rsa, C::Seed, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x009B, "TLS_DH_anon_WITH_SEED_CBC_SHA", Some("ADH-SEED-SHA"), K::Dhe, A::Anon, C::Seed, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", Some("AES128-GCM-SHA256"), K::Rsa, A::Rsa, C::Aes, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", Some("AES256-GCM-SHA384"), K::Rsa, A::Rsa, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", Some("DHE-RSA-AES128-GCM-SHA256"), K::Dhe, A::Rsa, C::Aes, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", Some("DHE-RSA-AES256-GCM-SHA384"), K::Dhe, A::Rsa, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0x00A0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256", Some("DH-RSA-AES128-GCM-SHA256"), K::Dh, A::Rsa, C::Aes, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0x00A1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384", Some("DH-RSA-AES256-GCM-SHA384"), K::Dh, A::Rsa, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", Some("DHE-DSS-AES128-GCM-SHA256"), K::Dhe, A::Dss, C::Aes, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", Some("DHE-DSS-AES256-GCM-SHA384"), K::Dhe, A::Dss, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0x00A4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256", Some("DH-DSS-AES128-GCM-SHA256"), K::Dh, A::Dss, C::Aes, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0x00A5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384", Some("DH-DSS-AES256-GCM-SHA384"), K::Dh, A::Dss, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", Some("ADH-AES128-GCM-SHA256"), K::Dhe, A::Anon, C::Aes, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", Some("ADH-AES256-GCM-SHA384"), K::Dhe, A::Anon, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256", Some("PSK-AES128-GCM-SHA256"), K::Psk, A::Psk, C::Aes, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0x00A9, "TLS_PSK_WITH_AES_256_GCM_SHA384", Some("PSK-AES256-GCM-SHA384"), K::Psk, A::Psk, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0x00AA, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", Some("DHE-PSK-AES128-GCM-SHA256"), K::DhePsk, A::Psk, C::Aes, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0x00AB, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", Some("DHE-PSK-AES256-GCM-SHA384"), K::DhePsk, A::Psk, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0x00AC, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", Some("RSA-PSK-AES128-GCM-SHA256"), K::RsaPsk, A::Rsa, C::Aes, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0x00AD, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384", Some("RSA-PSK-AES256-GCM-SHA384"), K::RsaPsk, A::Rsa, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0x00AE, "TLS_PSK_WITH_AES_128_CBC_SHA256", Some("PSK-AES128-CBC-SHA256"), K::Psk, A::Psk, C::Aes, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0x00AF, "TLS_PSK_WITH_AES_256_CBC_SHA384", Some("PSK-AES256-CBC-SHA384"), K::Psk, A::Psk, C::Aes, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0x00B0, "TLS_PSK_WITH_NULL_SHA256", Some("PSK-NULL-SHA256"), K::Psk, A::Psk, C::Null, M::None, 0, "SHA256", TLS1_2, 0),
    e(0x00B1, "TLS_PSK_WITH_NULL_SHA384", Some("PSK-NULL-SHA384"), K::Psk, A::Psk, C::Null, M::None, 0, "SHA384", TLS1_2, 0),
    e(0x00B2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", Some("DHE-PSK-AES128-CBC-SHA256"), K::DhePsk, A::Psk, C::Aes, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0x00B3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384", Some("DHE-PSK-AES256-CBC-SHA384"), K::DhePsk, A::Psk, C::Aes, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0x00B4, "TLS_DHE_PSK_WITH_NULL_SHA256", Some("DHE-PSK-NULL-SHA256"), K::DhePsk, A::Psk, C::Null, M::None, 0, "SHA256", TLS1_2, 0),
    e(0x00B5, "TLS_DHE_PSK_WITH_NULL_SHA384", Some("DHE-PSK-NULL-SHA384"), K::DhePsk, A::Psk, C::Null, M::None, 0, "SHA384", TLS1_2, 0),
    e(0x00B6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256", Some("RSA-PSK-AES128-CBC-SHA256"), K::RsaPsk, A::Rsa, C::Aes, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0x00B7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384", Some("RSA-PSK-AES256-CBC-SHA384"), K::RsaPsk, A::Rsa, C::Aes, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0x00B8, "TLS_RSA_PSK_WITH_NULL_SHA256", Some("RSA-PSK-NULL-SHA256"), K::RsaPsk, A::Rsa, C::Null, M::None, 0, "SHA256", TLS1_2, 0),
    e(0x00B9, "TLS_RSA_PSK_WITH_NULL_SHA384", Some("RSA-PSK-NULL-SHA384"), K::RsaPsk, A::Rsa, C::Null, M::None, 0, "SHA384", TLS1_2, 0),
    e(0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", Some("CAMELLIA128-SHA256"), K::Rsa, A::Rsa, C::Camellia, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0x00BB, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256", Some("DH-DSS-CAMELLIA128-SHA256"), K::Dh, A::Dss, C::Camellia, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0x00BC, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256", Some("DH-RSA-CAMELLIA128-SHA256"), K::Dh, A::Rsa, C::Camellia, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0x00BD, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256", Some("DHE-DSS-CAMELLIA128-SHA256"), K::Dhe, A::Dss, C::Camellia, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", Some("DHE-RSA-CAMELLIA128-SHA256"), K::Dhe, A::Rsa, C::Camellia, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0x00BF, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256", Some("ADH-CAMELLIA128-SHA256"), K::Dhe, A::Anon, C::Camellia, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", Some("CAMELLIA256-SHA256"), K::Rsa, A::Rsa, C::Camellia, M::Cbc, 256, "SHA256", TLS1_2, 0),
    e(0x00C1, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256", Some("DH-DSS-CAMELLIA256-SHA256"), K::Dh, A::Dss, C::Camellia, M::Cbc, 256, "SHA256", TLS1_2, 0),
    e(0x00C2, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256", Some("DH-RSA-CAMELLIA256-SHA256"), K::Dh, A::Rsa, C::Camellia, M::Cbc, 256, "SHA256", TLS1_2, 0),
    e(0x00C3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256", Some("DHE-DSS-CAMELLIA256-SHA256"), K::Dhe, A::Dss, C::Camellia, M::Cbc, 256, "SHA256", TLS1_2, 0),
    e(0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", Some("DHE-RSA-CAMELLIA256-SHA256"), K::Dhe, A::Rsa, C::Camellia, M::Cbc, 256, "SHA256", TLS1_2, 0),
    e(0x00C5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256", Some("ADH-CAMELLIA256-SHA256"), K::Dhe, A::Anon, C::Camellia, M::Cbc, 256, "SHA256", TLS1_2, 0),
    e(0x00C6, "TLS_SM4_GCM_SM3", None, K::Any, A::Any, C::Sm4, M::Gcm, 128, "AEAD", TLS1_3, 0),
    e(0x00C7, "TLS_SM4_CCM_SM3", None, K::Any, A::Any, C::Sm4, M::Ccm, 128, "AEAD", TLS1_3, 0),
    e(0x1301, "TLS_AES_128_GCM_SHA256", Some("TLS_AES_128_GCM_SHA256"), K::Any, A::Any, C::Aes, M::Gcm, 128, "AEAD", TLS1_3, 0),
    e(0x1302, "TLS_AES_256_GCM_SHA384", Some("TLS_AES_256_GCM_SHA384"), K::Any, A::Any, C::Aes, M::Gcm, 256, "AEAD", TLS1_3, 0),
    e(0x1303, "TLS_CHACHA20_POLY1305_SHA256", Some("TLS_CHACHA20_POLY1305_SHA256"), K::Any, A::Any, C::ChaCha20, M::Aead, 256, "AEAD", TLS1_3, 0),
    e(0x1304, "TLS_AES_128_CCM_SHA256", Some("TLS_AES_128_CCM_SHA256"), K::Any, A::Any, C::Aes, M::Ccm, 128, "AEAD", TLS1_3, 0),
    e(0x1305, "TLS_AES_128_CCM_8_SHA256", Some("TLS_AES_128_CCM_8_SHA256"), K::Any, A::Any, C::Aes, M::Ccm8, 128, "AEAD", TLS1_3, 0),
    e(0x1306, "TLS_AEGIS_256_SHA512", None, K::Any, A::Any, C::Aegis, M::Aead, 256, "AEAD", TLS1_3, 0),
    e(0x1307, "TLS_AEGIS_128L_SHA256", None, K::Any, A::Any, C::Aegis, M::Aead, 128, "AEAD", TLS1_3, 0),
    e(0xC001, "TLS_ECDH_ECDSA_WITH_NULL_SHA", Some("ECDH-ECDSA-NULL-SHA"), K::Ecdh, A::Ecdsa, C::Null, M::None, 0, "SHA", SSL3_0, 0),
    e(0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", Some("ECDH-ECDSA-RC4-SHA"), K::Ecdh, A::Ecdsa, C::Rc4, M::Stream, 128, "SHA", SSL3_0, 0),
    e(0xC003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA", Some("ECDH-ECDSA-DES-CBC3-SHA"), K::Ecdh, A::Ecdsa, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", Some("ECDH-ECDSA-AES128-SHA"), K::Ecdh, A::Ecdsa, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA", Some("ECDH-ECDSA-AES256-SHA"), K::Ecdh, A::Ecdsa, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", Some("ECDHE-ECDSA-NULL-SHA"), K::Ecdhe, A::Ecdsa, C::Null, M::None, 0, "SHA", SSL3_0, 0),
    e(0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", Some("ECDHE-ECDSA-RC4-SHA"), K::Ecdhe, A::Ecdsa, C::Rc4, M::Stream, 128, "SHA", SSL3_0, 0),
    e(0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", Some("ECDHE-ECDSA-DES-CBC3-SHA"), K::Ecdhe, A::Ecdsa, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", Some("ECDHE-ECDSA-AES128-SHA"), K::Ecdhe, A::Ecdsa, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", Some("ECDHE-ECDSA-AES256-SHA"), K::Ecdhe, A::Ecdsa, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0xC00B, "TLS_ECDH_RSA_WITH_NULL_SHA", Some("ECDH-RSA-NULL-SHA"), K::Ecdh, A::Rsa, C::Null, M::None, 0, "SHA", SSL3_0, 0),
    e(0xC00C, "TLS_ECDH_RSA_WITH_RC4_128_SHA", Some("ECDH-RSA-RC4-SHA"), K::Ecdh, A::Rsa, C::Rc4, M::Stream, 128, "SHA", SSL3_0, 0),
    e(0xC00D, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA", Some("ECDH-RSA-DES-CBC3-SHA"), K::Ecdh, A::Rsa, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", Some("ECDH-RSA-AES128-SHA"), K::Ecdh, A::Rsa, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", Some("ECDH-RSA-AES256-SHA"), K::Ecdh, A::Rsa, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA", Some("ECDHE-RSA-NULL-SHA"), K::Ecdhe, A::Rsa, C::Null, M::None, 0, "SHA", SSL3_0, 0),
    e(0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", Some("ECDHE-RSA-RC4-SHA"), K::Ecdhe, A::Rsa, C::Rc4, M::Stream, 128, "SHA", SSL3_0, 0),
    e(0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", Some("ECDHE-RSA-DES-CBC3-SHA"), K::Ecdhe, A::Rsa, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", Some("ECDHE-RSA-AES128-SHA"), K::Ecdhe, A::Rsa, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", Some("ECDHE-RSA-AES256-SHA"), K::Ecdhe, A::Rsa, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0xC015, "TLS_ECDH_anon_WITH_NULL_SHA", Some("AECDH-NULL-SHA"), K::Ecdhe, A::Anon, C::Null, M::None, 0, "SHA", SSL3_0, 0),
    e(0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA", Some("AECDH-RC4-SHA"), K::Ecdhe, A::Anon, C::Rc4, M::Stream, 128, "SHA", SSL3_0, 0),
    e(0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", Some("AECDH-DES-CBC3-SHA"), K::Ecdhe, A::Anon, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", Some("AECDH-AES128-SHA"), K::Ecdhe, A::Anon, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", Some("AECDH-AES256-SHA"), K::Ecdhe, A::Anon, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0xC01A, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA", Some("SRP-3DES-EDE-CBC-SHA"), K::Srp, A::Srp, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0xC01B, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA", Some("SRP-RSA-3DES-EDE-CBC-SHA"), K::Srp, A::Rsa, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0xC01C, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA", Some("SRP-DSS-3DES-EDE-CBC-SHA"), K::Srp, A::Dss, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0xC01D, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA", Some("SRP-AES-128-CBC-SHA"), K::Srp, A::Srp, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0xC01E, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA", Some("SRP-RSA-AES-128-CBC-SHA"), K::Srp, A::Rsa, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0xC01F, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA", Some("SRP-DSS-AES-128-CBC-SHA"), K::Srp, A::Dss, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0xC020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA", Some("SRP-AES-256-CBC-SHA"), K::Srp, A::Srp, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0xC021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA", Some("SRP-RSA-AES-256-CBC-SHA"), K::Srp, A::Rsa, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0xC022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA", Some("SRP-DSS-AES-256-CBC-SHA"), K::Srp, A::Dss, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", Some("ECDHE-ECDSA-AES128-SHA256"), K::Ecdhe, A::Ecdsa, C::Aes, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", Some("ECDHE-ECDSA-AES256-SHA384"), K::Ecdhe, A::Ecdsa, C::Aes, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256", Some("ECDH-ECDSA-AES128-SHA256"), K::Ecdh, A::Ecdsa, C::Aes, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384", Some("ECDH-ECDSA-AES256-SHA384"), K::Ecdh, A::Ecdsa, C::Aes, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", Some("ECDHE-RSA-AES128-SHA256"), K::Ecdhe, A::Rsa, C::Aes, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", Some("ECDHE-RSA-AES256-SHA384"), K::Ecdhe, A::Rsa, C::Aes, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", Some("ECDH-RSA-AES128-SHA256"), K::Ecdh, A::Rsa, C::Aes, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC02A, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384", Some("ECDH-RSA-AES256-SHA384"), K::Ecdh, A::Rsa, C::Aes, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", Some("ECDHE-ECDSA-AES128-GCM-SHA256"), K::Ecdhe, A::Ecdsa, C::Aes, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", Some("ECDHE-ECDSA-AES256-GCM-SHA384"), K::Ecdhe, A::Ecdsa, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC02D, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", Some("ECDH-ECDSA-AES128-GCM-SHA256"), K::Ecdh, A::Ecdsa, C::Aes, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC02E, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384", Some("ECDH-ECDSA-AES256-GCM-SHA384"), K::Ecdh, A::Ecdsa, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", Some("ECDHE-RSA-AES128-GCM-SHA256"), K::Ecdhe, A::Rsa, C::Aes, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", Some("ECDHE-RSA-AES256-GCM-SHA384"), K::Ecdhe, A::Rsa, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", Some("ECDH-RSA-AES128-GCM-SHA256"), K::Ecdh, A::Rsa, C::Aes, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", Some("ECDH-RSA-AES256-GCM-SHA384"), K::Ecdh, A::Rsa, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC033, "TLS_ECDHE_PSK_WITH_RC4_128_SHA", Some("ECDHE-PSK-RC4-SHA"), K::EcdhePsk, A::Psk, C::Rc4, M::Stream, 128, "SHA", SSL3_0, 0),
    e(0xC034, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA", Some("ECDHE-PSK-3DES-EDE-CBC-SHA"), K::EcdhePsk, A::Psk, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
    e(0xC035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", Some("ECDHE-PSK-AES128-CBC-SHA"), K::EcdhePsk, A::Psk, C::Aes, M::Cbc, 128, "SHA", SSL3_0, 0),
    e(0xC036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA", Some("ECDHE-PSK-AES256-CBC-SHA"), K::EcdhePsk, A::Psk, C::Aes, M::Cbc, 256, "SHA", SSL3_0, 0),
    e(0xC037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", Some("ECDHE-PSK-AES128-CBC-SHA256"), K::EcdhePsk, A::Psk, C::Aes, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384", Some("ECDHE-PSK-AES256-CBC-SHA384"), K::EcdhePsk, A::Psk, C::Aes, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC039, "TLS_ECDHE_PSK_WITH_NULL_SHA", Some("ECDHE-PSK-NULL-SHA"), K::EcdhePsk, A::Psk, C::Null, M::None, 0, "SHA", SSL3_0, 0),
    e(0xC03A, "TLS_ECDHE_PSK_WITH_NULL_SHA256", Some("ECDHE-PSK-NULL-SHA256"), K::EcdhePsk, A::Psk, C::Null, M::None, 0, "SHA256", TLS1_2, 0),
    e(0xC03B, "TLS_ECDHE_PSK_WITH_NULL_SHA384", Some("ECDHE-PSK-NULL-SHA384"), K::EcdhePsk, A::Psk, C::Null, M::None, 0, "SHA384", TLS1_2, 0),
    e(0xC03C, "TLS_RSA_WITH_ARIA_128_CBC_SHA256", None, K::Rsa, A::Rsa, C::Aria, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC03D, "TLS_RSA_WITH_ARIA_256_CBC_SHA384", None, K::Rsa, A::Rsa, C::Aria, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC03E, "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256", None, K::Dh, A::Dss, C::Aria, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC03F, "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384", None, K::Dh, A::Dss, C::Aria, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC040, "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256", None, K::Dh, A::Rsa, C::Aria, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC041, "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384", None, K::Dh, A::Rsa, C::Aria, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC042, "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256", None, K::Dhe, A::Dss, C::Aria, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC043, "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384", None, K::Dhe, A::Dss, C::Aria, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC044, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256", None, K::Dhe, A::Rsa, C::Aria, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC045, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384", None, K::Dhe, A::Rsa, C::Aria, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC046, "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256", None, K::Dhe, A::Anon, C::Aria, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC047, "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384", None, K::Dhe, A::Anon, C::Aria, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC048, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256", None, K::Ecdhe, A::Ecdsa, C::Aria, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC049, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384", None, K::Ecdhe, A::Ecdsa, C::Aria, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC04A, "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256", None, K::Ecdh, A::Ecdsa, C::Aria, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC04B, "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384", None, K::Ecdh, A::Ecdsa, C::Aria, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC04C, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256", None, K::Ecdhe, A::Rsa, C::Aria, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC04D, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384", None, K::Ecdhe, A::Rsa, C::Aria, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC04E, "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256", None, K::Ecdh, A::Rsa, C::Aria, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC04F, "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384", None, K::Ecdh, A::Rsa, C::Aria, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", Some("ARIA128-GCM-SHA256"), K::Rsa, A::Rsa, C::Aria, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", Some("ARIA256-GCM-SHA384"), K::Rsa, A::Rsa, C::Aria, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", Some("DHE-RSA-ARIA128-GCM-SHA256"), K::Dhe, A::Rsa, C::Aria, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", Some("DHE-RSA-ARIA256-GCM-SHA384"), K::Dhe, A::Rsa, C::Aria, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC054, "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256", Some("DH-RSA-ARIA128-GCM-SHA256"), K::Dh, A::Rsa, C::Aria, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC055, "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384", Some("DH-RSA-ARIA256-GCM-SHA384"), K::Dh, A::Rsa, C::Aria, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", Some("DHE-DSS-ARIA128-GCM-SHA256"), K::Dhe, A::Dss, C::Aria, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", Some("DHE-DSS-ARIA256-GCM-SHA384"), K::Dhe, A::Dss, C::Aria, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC058, "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256", Some("DH-DSS-ARIA128-GCM-SHA256"), K::Dh, A::Dss, C::Aria, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC059, "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384", Some("DH-DSS-ARIA256-GCM-SHA384"), K::Dh, A::Dss, C::Aria, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC05A, "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256", Some("ADH-ARIA128-GCM-SHA256"), K::Dhe, A::Anon, C::Aria, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC05B, "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384", Some("ADH-ARIA256-GCM-SHA384"), K::Dhe, A::Anon, C::Aria, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", Some("ECDHE-ECDSA-ARIA128-GCM-SHA256"), K::Ecdhe, A::Ecdsa, C::Aria, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", Some("ECDHE-ECDSA-ARIA256-GCM-SHA384"), K::Ecdhe, A::Ecdsa, C::Aria, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC05E, "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256", Some("ECDH-ECDSA-ARIA128-GCM-SHA256"), K::Ecdh, A::Ecdsa, C::Aria, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC05F, "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384", Some("ECDH-ECDSA-ARIA256-GCM-SHA384"), K::Ecdh, A::Ecdsa, C::Aria, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", Some("ECDHE-ARIA128-GCM-SHA256"), K::Ecdhe, A::Rsa, C::Aria, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", Some("ECDHE-ARIA256-GCM-SHA384"), K::Ecdhe, A::Rsa, C::Aria, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC062, "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256", Some("ECDH-ARIA128-GCM-SHA256"), K::Ecdh, A::Rsa, C::Aria, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC063, "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384", Some("ECDH-ARIA256-GCM-SHA384"), K::Ecdh, A::Rsa, C::Aria, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC064, "TLS_PSK_WITH_ARIA_128_CBC_SHA256", None, K::Psk, A::Psk, C::Aria, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC065, "TLS_PSK_WITH_ARIA_256_CBC_SHA384", None, K::Psk, A::Psk, C::Aria, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC066, "TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256", None, K::DhePsk, A::Psk, C::Aria, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC067, "TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384", None, K::DhePsk, A::Psk, C::Aria, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC068, "TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256", None, K::RsaPsk, A::Rsa, C::Aria, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC069, "TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384", None, K::RsaPsk, A::Rsa, C::Aria, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC06A, "TLS_PSK_WITH_ARIA_128_GCM_SHA256", Some("PSK-ARIA128-GCM-SHA256"), K::Psk, A::Psk, C::Aria, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC06B, "TLS_PSK_WITH_ARIA_256_GCM_SHA384", Some("PSK-ARIA256-GCM-SHA384"), K::Psk, A::Psk, C::Aria, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC06C, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256", Some("DHE-PSK-ARIA128-GCM-SHA256"), K::DhePsk, A::Psk, C::Aria, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC06D, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384", Some("DHE-PSK-ARIA256-GCM-SHA384"), K::DhePsk, A::Psk, C::Aria, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC06E, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256", Some("RSA-PSK-ARIA128-GCM-SHA256"), K::RsaPsk, A::Rsa, C::Aria, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC06F, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384", Some("RSA-PSK-ARIA256-GCM-SHA384"), K::RsaPsk, A::Rsa, C::Aria, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC070, "TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256", None, K::EcdhePsk, A::Psk, C::Aria, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC071, "TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384", None, K::EcdhePsk, A::Psk, C::Aria, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", Some("ECDHE-ECDSA-CAMELLIA128-SHA256"), K::Ecdhe, A::Ecdsa, C::Camellia, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", Some("ECDHE-ECDSA-CAMELLIA256-SHA384"), K::Ecdhe, A::Ecdsa, C::Camellia, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC074, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", Some("ECDH-ECDSA-CAMELLIA128-SHA256"), K::Ecdh, A::Ecdsa, C::Camellia, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC075, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", Some("ECDH-ECDSA-CAMELLIA256-SHA384"), K::Ecdh, A::Ecdsa, C::Camellia, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", Some("ECDHE-RSA-CAMELLIA128-SHA256"), K::Ecdhe, A::Rsa, C::Camellia, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", Some("ECDHE-RSA-CAMELLIA256-SHA384"), K::Ecdhe, A::Rsa, C::Camellia, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC078, "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256", Some("ECDH-RSA-CAMELLIA128-SHA256"), K::Ecdh, A::Rsa, C::Camellia, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC079, "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384", Some("ECDH-RSA-CAMELLIA256-SHA384"), K::Ecdh, A::Rsa, C::Camellia, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC07A, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256", None, K::Rsa, A::Rsa, C::Camellia, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC07B, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384", None, K::Rsa, A::Rsa, C::Camellia, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC07C, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", None, K::Dhe, A::Rsa, C::Camellia, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC07D, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", None, K::Dhe, A::Rsa, C::Camellia, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC07E, "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256", None, K::Dh, A::Rsa, C::Camellia, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC07F, "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384", None, K::Dh, A::Rsa, C::Camellia, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC080, "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256", None, K::Dhe, A::Dss, C::Camellia, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC081, "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384", None, K::Dhe, A::Dss, C::Camellia, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC082, "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256", None, K::Dh, A::Dss, C::Camellia, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC083, "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384", None, K::Dh, A::Dss, C::Camellia, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC084, "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256", None, K::Dhe, A::Anon, C::Camellia, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC085, "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384", None, K::Dhe, A::Anon, C::Camellia, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", None, K::Ecdhe, A::Ecdsa, C::Camellia, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", None, K::Ecdhe, A::Ecdsa, C::Camellia, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC088, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", None, K::Ecdh, A::Ecdsa, C::Camellia, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC089, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", None, K::Ecdh, A::Ecdsa, C::Camellia, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC08A, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", None, K::Ecdhe, A::Rsa, C::Camellia, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC08B, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", None, K::Ecdhe, A::Rsa, C::Camellia, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC08C, "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256", None, K::Ecdh, A::Rsa, C::Camellia, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC08D, "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384", None, K::Ecdh, A::Rsa, C::Camellia, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC08E, "TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256", None, K::Psk, A::Psk, C::Camellia, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC08F, "TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384", None, K::Psk, A::Psk, C::Camellia, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC090, "TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256", None, K::DhePsk, A::Psk, C::Camellia, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC091, "TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384", None, K::DhePsk, A::Psk, C::Camellia, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC092, "TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256", None, K::RsaPsk, A::Rsa, C::Camellia, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC093, "TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384", None, K::RsaPsk, A::Rsa, C::Camellia, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC094, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256", Some("PSK-CAMELLIA128-SHA256"), K::Psk, A::Psk, C::Camellia, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC095, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384", Some("PSK-CAMELLIA256-SHA384"), K::Psk, A::Psk, C::Camellia, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC096, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", Some("DHE-PSK-CAMELLIA128-SHA256"), K::DhePsk, A::Psk, C::Camellia, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC097, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", Some("DHE-PSK-CAMELLIA256-SHA384"), K::DhePsk, A::Psk, C::Camellia, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC098, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256", Some("RSA-PSK-CAMELLIA128-SHA256"), K::RsaPsk, A::Rsa, C::Camellia, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC099, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384", Some("RSA-PSK-CAMELLIA256-SHA384"), K::RsaPsk, A::Rsa, C::Camellia, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC09A, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", Some("ECDHE-PSK-CAMELLIA128-SHA256"), K::EcdhePsk, A::Psk, C::Camellia, M::Cbc, 128, "SHA256", TLS1_2, 0),
    e(0xC09B, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", Some("ECDHE-PSK-CAMELLIA256-SHA384"), K::EcdhePsk, A::Psk, C::Camellia, M::Cbc, 256, "SHA384", TLS1_2, 0),
    e(0xC09C, "TLS_RSA_WITH_AES_128_CCM", Some("AES128-CCM"), K::Rsa, A::Rsa, C::Aes, M::Ccm, 128, "AEAD", TLS1_2, 0),
    e(0xC09D, "TLS_RSA_WITH_AES_256_CCM", Some("AES256-CCM"), K::Rsa, A::Rsa, C::Aes, M::Ccm, 256, "AEAD", TLS1_2, 0),
    e(0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM", Some("DHE-RSA-AES128-CCM"), K::Dhe, A::Rsa, C::Aes, M::Ccm, 128, "AEAD", TLS1_2, 0),
    e(0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM", Some("DHE-RSA-AES256-CCM"), K::Dhe, A::Rsa, C::Aes, M::Ccm, 256, "AEAD", TLS1_2, 0),
    e(0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8", Some("AES128-CCM8"), K::Rsa, A::Rsa, C::Aes, M::Ccm8, 128, "AEAD", TLS1_2, 0),
    e(0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8", Some("AES256-CCM8"), K::Rsa, A::Rsa, C::Aes, M::Ccm8, 256, "AEAD", TLS1_2, 0),
    e(0xC0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", Some("DHE-RSA-AES128-CCM8"), K::Dhe, A::Rsa, C::Aes, M::Ccm8, 128, "AEAD", TLS1_2, 0),
    e(0xC0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", Some("DHE-RSA-AES256-CCM8"), K::Dhe, A::Rsa, C::Aes, M::Ccm8, 256, "AEAD", TLS1_2, 0),
    e(0xC0A4, "TLS_PSK_WITH_AES_128_CCM", Some("PSK-AES128-CCM"), K::Psk, A::Psk, C::Aes, M::Ccm, 128, "AEAD", TLS1_2, 0),
    e(0xC0A5, "TLS_PSK_WITH_AES_256_CCM", Some("PSK-AES256-CCM"), K::Psk, A::Psk, C::Aes, M::Ccm, 256, "AEAD", TLS1_2, 0),
    e(0xC0A6, "TLS_DHE_PSK_WITH_AES_128_CCM", Some("DHE-PSK-AES128-CCM"), K::DhePsk, A::Psk, C::Aes, M::Ccm, 128, "AEAD", TLS1_2, 0),
    e(0xC0A7, "TLS_DHE_PSK_WITH_AES_256_CCM", Some("DHE-PSK-AES256-CCM"), K::DhePsk, A::Psk, C::Aes, M::Ccm, 256, "AEAD", TLS1_2, 0),
    e(0xC0A8, "TLS_PSK_WITH_AES_128_CCM_8", Some("PSK-AES128-CCM8"), K::Psk, A::Psk, C::Aes, M::Ccm8, 128, "AEAD", TLS1_2, 0),
    e(0xC0A9, "TLS_PSK_WITH_AES_256_CCM_8", Some("PSK-AES256-CCM8"), K::Psk, A::Psk, C::Aes, M::Ccm8, 256, "AEAD", TLS1_2, 0),
    e(0xC0AA, "TLS_PSK_DHE_WITH_AES_128_CCM_8", Some("DHE-PSK-AES128-CCM8"), K::DhePsk, A::Psk, C::Aes, M::Ccm8, 128, "AEAD", TLS1_2, 0),
    e(0xC0AB, "TLS_PSK_DHE_WITH_AES_256_CCM_8", Some("DHE-PSK-AES256-CCM8"), K::DhePsk, A::Psk, C::Aes, M::Ccm8, 256, "AEAD", TLS1_2, 0),
    e(0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", Some("ECDHE-ECDSA-AES128-CCM"), K::Ecdhe, A::Ecdsa, C::Aes, M::Ccm, 128, "AEAD", TLS1_2, 0),
    e(0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", Some("ECDHE-ECDSA-AES256-CCM"), K::Ecdhe, A::Ecdsa, C::Aes, M::Ccm, 256, "AEAD", TLS1_2, 0),
    e(0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", Some("ECDHE-ECDSA-AES128-CCM8"), K::Ecdhe, A::Ecdsa, C::Aes, M::Ccm8, 128, "AEAD", TLS1_2, 0),
    e(0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", Some("ECDHE-ECDSA-AES256-CCM8"), K::Ecdhe, A::Ecdsa, C::Aes, M::Ccm8, 256, "AEAD", TLS1_2, 0),
    e(0xC0B0, "TLS_ECCPWD_WITH_AES_128_GCM_SHA256", None, K::Eccpwd, A::Eccpwd, C::Aes, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xC0B1, "TLS_ECCPWD_WITH_AES_256_GCM_SHA384", None, K::Eccpwd, A::Eccpwd, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xC0B2, "TLS_ECCPWD_WITH_AES_128_CCM_SHA256", None, K::Eccpwd, A::Eccpwd, C::Aes, M::Ccm, 128, "AEAD", TLS1_2, 0),
    e(0xC0B3, "TLS_ECCPWD_WITH_AES_256_CCM_SHA384", None, K::Eccpwd, A::Eccpwd, C::Aes, M::Ccm, 256, "AEAD", TLS1_2, 0),
    e(0xC0B4, "TLS_SHA256_SHA256", None, K::Any, A::Any, C::Null, M::None, 0, "SHA256", TLS1_3, 0),
    e(0xC0B5, "TLS_SHA384_SHA384", None, K::Any, A::Any, C::Null, M::None, 0, "SHA384", TLS1_3, 0),
    e(0xC100, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC", Some("GOST2012-KUZNYECHIK-KUZNYECHIKOMAC"), K::Gost, A::Gost, C::Kuznyechik, M::Ctr, 256, "OMAC", TLS1_2, 0),
    e(0xC101, "TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC", Some("GOST2012-MAGMA-MAGMAOMAC"), K::Gost, A::Gost, C::Magma, M::Ctr, 256, "OMAC", TLS1_2, 0),
    e(0xC102, "TLS_GOSTR341112_256_WITH_28147_CNT_IMIT", Some("IANA-GOST2012-GOST8912-GOST8912"), K::Gost, A::Gost, C::Gost28147, M::Ctr, 256, "IMIT", TLS1_2, 0),
    e(0xC103, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L", None, K::Any, A::Any, C::Kuznyechik, M::Mgm, 256, "AEAD", TLS1_3, 0),
    e(0xC104, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_L", None, K::Any, A::Any, C::Magma, M::Mgm, 256, "AEAD", TLS1_3, 0),
    e(0xC105, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S", None, K::Any, A::Any, C::Kuznyechik, M::Mgm, 256, "AEAD", TLS1_3, 0),
    e(0xC106, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_S", None, K::Any, A::Any, C::Magma, M::Mgm, 256, "AEAD", TLS1_3, 0),
    e(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", Some("ECDHE-RSA-CHACHA20-POLY1305"), K::Ecdhe, A::Rsa, C::ChaCha20, M::Aead, 256, "AEAD", TLS1_2, 0),
    e(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", Some("ECDHE-ECDSA-CHACHA20-POLY1305"), K::Ecdhe, A::Ecdsa, C::ChaCha20, M::Aead, 256, "AEAD", TLS1_2, 0),
    e(0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", Some("DHE-RSA-CHACHA20-POLY1305"), K::Dhe, A::Rsa, C::ChaCha20, M::Aead, 256, "AEAD", TLS1_2, 0),
    e(0xCCAB, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", Some("PSK-CHACHA20-POLY1305"), K::Psk, A::Psk, C::ChaCha20, M::Aead, 256, "AEAD", TLS1_2, 0),
    e(0xCCAC, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", Some("ECDHE-PSK-CHACHA20-POLY1305"), K::EcdhePsk, A::Psk, C::ChaCha20, M::Aead, 256, "AEAD", TLS1_2, 0),
    e(0xCCAD, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", Some("DHE-PSK-CHACHA20-POLY1305"), K::DhePsk, A::Psk, C::ChaCha20, M::Aead, 256, "AEAD", TLS1_2, 0),
    e(0xCCAE, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256", Some("RSA-PSK-CHACHA20-POLY1305"), K::RsaPsk, A::Rsa, C::ChaCha20, M::Aead, 256, "AEAD", TLS1_2, 0),
    e(0xD001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256", None, K::EcdhePsk, A::Psk, C::Aes, M::Gcm, 128, "AEAD", TLS1_2, 0),
    e(0xD002, "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384", None, K::EcdhePsk, A::Psk, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
    e(0xD003, "TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256", None, K::EcdhePsk, A::Psk, C::Aes, M::Ccm8, 128, "AEAD", TLS1_2, 0),
    e(0xD005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256", None, K::EcdhePsk, A::Psk, C::Aes, M::Ccm, 128, "AEAD", TLS1_2, 0),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::tls::codes::CipherSuite;

    #[test]
    fn table_is_sorted_unique_and_holds_every_registered_suite() {
        assert!(SUITES.windows(2).all(|w| w[0].id < w[1].id));
        // IANA registers 352 codes; the two SCSVs are not suites.
        assert_eq!(SUITES.iter().filter(|s| s.registered).count(), 350);
        assert_eq!(SUITES.iter().filter(|s| !s.registered).count(), 7);
        assert!(lookup(0x00FF).is_none() && lookup(0x5600).is_none());
        assert!(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV.is_scsv());
        for s in all() {
            assert_eq!(lookup(s.id), Some(s));
            assert_eq!(CipherSuite(s.id).name(), s.iana);
            assert_eq!(by_iana_name(s.iana), Some(s));
        }
    }

    /// tls-parser builds its table from an IANA snapshot. Known differences:
    /// it lacks the GOST suites 0xC100-0xC106, and it lists the two SCSVs (which are not suites here).
    #[test]
    fn names_agree_with_tls_parser() {
        for s in all() {
            match tls_parser::TlsCipherSuite::from_id(s.id) {
                Some(theirs) => assert_eq!(theirs.name, s.iana, "0x{:04x}", s.id),
                None => assert!(
                    (0xC100..=0xC106).contains(&s.id),
                    "0x{:04x} missing in tls-parser",
                    s.id
                ),
            }
        }
        for id in 0..=u16::MAX {
            if let Some(theirs) = tls_parser::TlsCipherSuite::from_id(id) {
                assert!(
                    lookup(id).is_some() || id == 0x00FF || id == 0x5600,
                    "{}",
                    theirs.name
                );
            }
        }
        // tls-parser says 128 key bits for ChaCha20; the key is 256 bits (RFC 8439 2.3).
        let theirs = tls_parser::TlsCipherSuite::from_id(0xCCA8).unwrap();
        assert_eq!(theirs.enc_size, 128);
        assert_eq!(lookup(0xCCA8).unwrap().bits, 256);
    }

    /// Every suite OpenSSL 3.0 lists at SECLEVEL=0 is here, with OpenSSL's IANA name, its own name, key bits and
    /// MAC. The fixture is the output of the command in its first line.
    #[test]
    fn every_openssl_suite_is_here_with_its_openssl_name() {
        let fixture = include_str!("testdata/openssl-ciphers.txt");
        let mut n = 0;
        for line in fixture.lines().filter(|l| !l.starts_with('#')) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let [id, iana, openssl, enc, mac] = f[..] else {
                panic!("bad fixture line {line}")
            };
            let id = u16::from_str_radix(id, 16).unwrap();
            let s = lookup(id).unwrap_or_else(|| panic!("{iana} missing"));
            assert_eq!(s.iana, iana);
            assert_eq!(s.openssl, Some(openssl), "{iana}");
            let bits = enc
                .rsplit_once('(')
                .map(|(_, b)| b.trim_end_matches(')').parse().unwrap());
            assert_eq!(s.bits, bits.unwrap_or(0), "{iana} {enc}");
            let mac = if mac == "SHA1" { "SHA" } else { mac };
            assert_eq!(s.mac, mac, "{iana}");
            assert_eq!(by_openssl_name(openssl), Some(s));
            n += 1;
        }
        assert_eq!(n, 160);
    }

    #[test]
    fn well_known_suites_have_the_right_parts() {
        #[rustfmt::skip]
        let cases = [
            e(0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", Some("DES-CBC3-SHA"), K::Rsa, A::Rsa, C::TripleDes, M::Cbc, 168, "SHA", SSL3_0, 0),
            e(0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", Some("EXP-RC4-MD5"), K::Rsa, A::Rsa, C::Rc4, M::Stream, 40, "MD5", SSL3_0, EXPORT),
            e(0x0064, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", Some("EXP1024-RC4-SHA"), K::Rsa, A::Rsa, C::Rc4, M::Stream, 56, "SHA", SSL3_0, EXPORT | UNREGISTERED),
            e(0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", Some("ADH-RC4-MD5"), K::Dhe, A::Anon, C::Rc4, M::Stream, 128, "MD5", SSL3_0, 0),
            e(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", Some("ECDHE-RSA-AES256-GCM-SHA384"), K::Ecdhe, A::Rsa, C::Aes, M::Gcm, 256, "AEAD", TLS1_2, 0),
            e(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", Some("ECDHE-ECDSA-CHACHA20-POLY1305"), K::Ecdhe, A::Ecdsa, C::ChaCha20, M::Aead, 256, "AEAD", TLS1_2, 0),
            e(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", Some("AES256-SHA256"), K::Rsa, A::Rsa, C::Aes, M::Cbc, 256, "SHA256", TLS1_2, 0),
            e(0x1301, "TLS_AES_128_GCM_SHA256", Some("TLS_AES_128_GCM_SHA256"), K::Any, A::Any, C::Aes, M::Gcm, 128, "AEAD", TLS1_3, 0),
            e(0x1305, "TLS_AES_128_CCM_8_SHA256", Some("TLS_AES_128_CCM_8_SHA256"), K::Any, A::Any, C::Aes, M::Ccm8, 128, "AEAD", TLS1_3, 0),
            e(0x0022, "TLS_KRB5_WITH_DES_CBC_MD5", Some("KRB5-DES-CBC-MD5"), K::Krb5, A::Krb5, C::Des, M::Cbc, 56, "MD5", SSL3_0, 0),
            e(0x00C6, "TLS_SM4_GCM_SM3", None, K::Any, A::Any, C::Sm4, M::Gcm, 128, "AEAD", TLS1_3, 0),
            e(0xC100, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC", Some("GOST2012-KUZNYECHIK-KUZNYECHIKOMAC"), K::Gost, A::Gost, C::Kuznyechik, M::Ctr, 256, "OMAC", TLS1_2, 0),
        ];
        for want in cases {
            assert_eq!(lookup(want.id), Some(&want), "{}", want.iana);
        }
    }

    #[test]
    fn flags_follow_the_parts() {
        for s in all() {
            let name = s.iana;
            assert_eq!(s.export, name.contains("EXPORT"), "{name}");
            assert_eq!(s.is_anonymous(), name.contains("_anon_"), "{name}");
            assert_eq!(s.is_rc4(), name.contains("RC4"), "{name}");
            assert_eq!(s.is_triple_des(), name.contains("3DES"), "{name}");
            assert_eq!(
                s.is_cbc(),
                name.contains("CBC") && !name.contains("CNT"),
                "{name}"
            );
            let null = name.contains("WITH_NULL") || name.starts_with("TLS_SHA");
            assert_eq!(s.is_null_cipher(), null, "{name}");
            if s.export {
                assert!(s.bits == 40 || s.bits == 56, "{name}");
            }
            if s.is_aead() {
                assert_eq!(s.mac, "AEAD", "{name}");
                assert!(s.min_version >= TLS1_2, "{name}");
            }
            assert_eq!(s.is_tls13(), s.kx == Kx::Any, "{name}");
            let fs = ["_DHE_", "_ECDHE_", "_anon_", "TLS_PSK_DHE", "ECCPWD"]
                .iter()
                .any(|p| name.contains(p));
            assert_eq!(s.forward_secrecy(), fs || s.is_tls13(), "{name}");
        }
    }

    #[test]
    fn suites_are_usable_only_with_their_versions() {
        let tls13 = lookup(0x1301).unwrap();
        let gcm = lookup(0xC02F).unwrap();
        let cbc = lookup(0x002F).unwrap();
        assert!(tls13.usable_with(TLS1_3) && !tls13.usable_with(TLS1_2));
        assert!(
            gcm.usable_with(TLS1_2)
                && !gcm.usable_with(ProtocolVersion::TLS1_1)
                && !gcm.usable_with(TLS1_3)
        );
        assert!(cbc.usable_with(SSL3_0) && cbc.usable_with(TLS1_2) && !cbc.usable_with(TLS1_3));
    }
}
