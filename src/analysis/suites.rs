//! The one classification of cipher suites: which weak classes a suite falls in. Findings, policy rules and the
//! report's suite table all use it.

use crate::model::{CipherSuite, SuiteEntry};
use crate::wire::tls::suites::SuiteInfo;

/// A class of suites worth naming. The first five are weak in themselves (`weak-cipher`); CBC and the absence of
/// forward secrecy are weaknesses policies and the table name, with findings of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SuiteClass {
    /// No encryption.
    Null,
    /// Export-grade (40/56-bit) cryptography.
    Export,
    /// Anonymous key exchange: no server authentication.
    Anon,
    Rc4,
    /// Triple DES: Sweet32, CVE-2016-2183.
    TripleDes,
    /// CBC mode (BEAST with TLS 1.0, Lucky13).
    Cbc,
    /// Static key exchange: no forward secrecy.
    NoFs,
}

impl SuiteClass {
    /// Every class, in the order reports list them.
    pub const ALL: [SuiteClass; 7] = [
        Self::Null,
        Self::Export,
        Self::Anon,
        Self::Rc4,
        Self::TripleDes,
        Self::NoFs,
        Self::Cbc,
    ];

    /// Whether `info` falls in this class. TLS 1.3 suites always have forward secrecy.
    pub fn matches(self, info: &SuiteInfo) -> bool {
        match self {
            Self::Null => info.is_null_cipher(),
            Self::Export => info.export,
            Self::Anon => info.is_anonymous(),
            Self::Rc4 => info.is_rc4(),
            Self::TripleDes => info.is_triple_des(),
            Self::Cbc => info.is_cbc(),
            Self::NoFs => !info.forward_secrecy() && !info.is_tls13(),
        }
    }

    /// Weak in itself: a suite of this class is a `weak-cipher` finding.
    pub fn is_weak(self) -> bool {
        !matches!(self, Self::Cbc | Self::NoFs)
    }

    /// Weak enough that the `weak-cipher` finding is high: no encryption, export keys, or no authentication.
    pub fn is_severe(self) -> bool {
        matches!(self, Self::Null | Self::Export | Self::Anon)
    }

    /// The name in policy files (`forbidden_classes`).
    pub fn policy_name(self) -> &'static str {
        match self {
            Self::Rc4 => "rc4",
            Self::TripleDes => "3des",
            Self::Null => "null",
            Self::Export => "export",
            Self::Anon => "anon",
            Self::Cbc => "cbc",
            Self::NoFs => "no-fs",
        }
    }

    /// The class of a policy file's name, any case.
    pub fn from_policy_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.policy_name().eq_ignore_ascii_case(name))
    }

    /// The label reports print (`3DES`, `no FS`).
    pub fn label(self) -> &'static str {
        match self {
            Self::Null => "NULL",
            Self::Export => "EXPORT",
            Self::Anon => "anonymous",
            Self::Rc4 => "RC4",
            Self::TripleDes => "3DES",
            Self::Cbc => "CBC",
            Self::NoFs => "no FS",
        }
    }
}

impl SuiteClass {
    /// The label with what makes the class weak, where a label alone does not say it (`3DES: Sweet32, ...`).
    pub fn describe(self) -> &'static str {
        match self {
            Self::TripleDes => "3DES: Sweet32, CVE-2016-2183",
            Self::Null => "NULL: no encryption",
            Self::Anon => "anonymous: no server authentication",
            other => other.label(),
        }
    }
}

/// The classes `info` falls in, in [`SuiteClass::ALL`] order.
pub fn classes(info: &SuiteInfo) -> Vec<SuiteClass> {
    SuiteClass::ALL
        .into_iter()
        .filter(|c| c.matches(info))
        .collect()
}

/// The weak classes of `info` (those of [`SuiteClass::is_weak`]).
pub fn weak_classes(info: &SuiteInfo) -> Vec<SuiteClass> {
    classes(info).into_iter().filter(|c| c.is_weak()).collect()
}

/// The registry entry of a listed suite.
pub fn info(entry: &SuiteEntry) -> Option<&'static SuiteInfo> {
    entry.suite.info()
}

/// The registry entry of a suite.
pub fn info_of(suite: CipherSuite) -> Option<&'static SuiteInfo> {
    suite.info()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::tls::suites::by_iana_name;

    #[test]
    fn classes_of_known_suites() {
        let of = |name: &str| classes(by_iana_name(name).unwrap());
        use SuiteClass::*;
        assert_eq!(of("TLS_RSA_WITH_3DES_EDE_CBC_SHA"), [TripleDes, NoFs, Cbc]);
        assert_eq!(of("TLS_RSA_WITH_RC4_128_MD5"), [Rc4, NoFs]);
        assert_eq!(of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"), []);
        assert_eq!(of("TLS_AES_128_GCM_SHA256"), []);
        assert_eq!(of("TLS_DH_anon_WITH_AES_128_CBC_SHA"), [Anon, Cbc]);
        assert_eq!(of("TLS_RSA_WITH_NULL_SHA"), [Null, NoFs]);
        assert!(SuiteClass::ALL
            .into_iter()
            .all(|c| SuiteClass::from_policy_name(&c.policy_name().to_uppercase()) == Some(c)));
    }
}
