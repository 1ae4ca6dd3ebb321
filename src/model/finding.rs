//! Finding identifiers and categories: the published ids of `docs/json.md`, as types.
//!
//! The words of each finding (title, what clients show, the fix, sources) are data, in `data/findings.toml`;
//! the code names a finding only by its [`FindingId`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares the finding ids: the enum, its spelling in reports, and the list of all of them.
macro_rules! finding_ids {
    ($($(#[$doc:meta])* $variant:ident => $text:literal,)*) => {
        /// A finding's stable identifier. Never rename one: reports, policies and users' scripts key on them.
        /// Ordered by its spelling, as reports sort findings.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FindingId {
            $($(#[$doc])* $variant,)*
        }

        impl FindingId {
            /// Every id, in declaration order.
            pub const ALL: &'static [FindingId] = &[$(Self::$variant,)*];

            /// The id as reports spell it, e.g. `cert-expired`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)*
                }
            }
        }
    };
}

finding_ids! {
    // Reachability.
    TargetUnreachable => "target-unreachable",
    /// The server drops or refuses connections while it answers others: its connection limits.
    ConnectionLimit => "connection-limit",
    /// The server ends the connection in MCS with a Set Error Info PDU.
    ServerErrorInfo => "server-error-info",
    // Security layer.
    StandardRdpSecurity => "standard-rdp-security",
    RdpOnly => "rdp-only",
    /// Standard RDP security accepts 40- or 56-bit RC4, or runs at level low.
    RdpWeakEncryption => "rdp-weak-encryption",
    /// Standard RDP security accepts FIPS only.
    RdpFipsOnly => "rdp-fips-only",
    /// Standard RDP security at level high: 128-bit only.
    RdpEncryptionHigh => "rdp-encryption-high",
    /// The standard RDP security server key is below 2048 bits.
    RdpKeySmall => "rdp-key-small",
    NlaNotRequired => "nla-not-required",
    RefusedSslRequired => "refused-ssl-required",
    RefusedHybridRequired => "refused-hybrid-required",
    RefusedSslNotAllowed => "refused-ssl-not-allowed",
    SslCertNotOnServer => "ssl-cert-not-on-server",
    TlsUnavailable => "tls-unavailable",
    // Certificate.
    CertUnparseable => "cert-unparseable",
    CertExpired => "cert-expired",
    CertRenewalFailed => "cert-renewal-failed",
    CertNotYetValid => "cert-not-yet-valid",
    CertExpiring => "cert-expiring",
    CertWeakKey => "cert-weak-key",
    CertWeakSignature => "cert-weak-signature",
    CertNameMismatch => "cert-name-mismatch",
    CertEku => "cert-eku",
    /// A CA-issued certificate whose chain does not validate to a trusted root.
    CertUntrusted => "cert-untrusted",
    /// TLS works, but no handshake showed the certificate.
    CertUnreadable => "cert-unreadable",
    // TLS.
    TlsLegacyVersion => "tls-legacy-version",
    Tls12Disabled => "tls12-disabled",
    WeakCipher => "weak-cipher",
    NoForwardSecrecy => "no-forward-secrecy",
    Tls10CbcOnly => "tls10-cbc-only",
    WeakDh => "weak-dh",
    SniRequired => "sni-required",
    ClientCertRequired => "client-cert-required",
    TlsRejectedAfterHandshake => "tls-rejected-after-handshake",
    TlsRoguePick => "tls-rogue-pick",
    CertMissing => "cert-missing",
    // CredSSP.
    CredsspUnpatched => "credssp-unpatched",
    ClockSkew => "clock-skew",
    // Clients.
    NoSharedSuite => "no-shared-suite",
    ClientIncompatible => "client-incompatible",
    // Policy rules (`--policy`), one per rule.
    PolicyMinTlsVersion => "policy-min-tls-version",
    PolicyForbiddenSuites => "policy-forbidden-suites",
    PolicyForbiddenClasses => "policy-forbidden-classes",
    PolicyMinDaysLeft => "policy-min-days-left",
    PolicyRequireNla => "policy-require-nla",
    PolicyClientsMustConnect => "policy-clients-must-connect",
    PolicyForbidStandardRdpSecurity => "policy-forbid-standard-rdp-security",
}

impl Ord for FindingId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for FindingId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for FindingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FindingId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .copied()
            .find(|id| id.as_str() == s)
            .ok_or_else(|| format!("unknown finding id {s:?}"))
    }
}

impl Serialize for FindingId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FindingId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// What area a finding is about; JUnit reports one test case per category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Reachability,
    Certificate,
    Tls,
    SecurityLayer,
    Clients,
    Policy,
}

impl Category {
    /// The categories a scan without a policy reports on, after reachability, in report order.
    pub const CHECKED: [Category; 4] = [
        Self::Certificate,
        Self::Tls,
        Self::SecurityLayer,
        Self::Clients,
    ];

    /// The name reports use (`security-layer`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Reachability => "reachability",
            Self::Certificate => "certificate",
            Self::Tls => "tls",
            Self::SecurityLayer => "security-layer",
            Self::Clients => "clients",
            Self::Policy => "policy",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a simulated client cannot connect: what other findings key on, never the reason's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientFailure {
    /// The server offers no TLS path and no standard RDP security.
    NoTlsPath,
    /// The client offers no version the server accepts.
    NoVersionInCommon,
    /// The server refused the client's hello although a version is shared: no suite in common.
    NoSuiteInCommon,
    /// The server picked something the client did not offer.
    ServerViolation,
    /// The server negotiated a version the client does not accept.
    VersionNotAccepted,
    /// The server chose a suite the client did not offer.
    SuiteNotOffered,
    /// The client's OpenSSL security level forbids the negotiated version's handshake signatures.
    SecurityLevel,
    /// The certificate's RSA key is below the client's minimum.
    RsaKeyTooSmall,
    /// The server's DH group is below the client's minimum.
    DhGroupTooSmall,
    /// The server refuses the name the client sends in SNI, or its absence (alert unrecognized_name).
    SniRefused,
    /// The server requires a client certificate; RDP clients send none.
    ClientCertificateRequired,
    /// The server ends the connection right after a TLS 1.3 handshake.
    RejectedAfterHandshake,
}

impl ClientFailure {
    /// No TLS version or cipher suite in common: what `no-shared-suite` is about.
    pub fn is_no_shared_suite(self) -> bool {
        matches!(self, Self::NoVersionInCommon | Self::NoSuiteInCommon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_back_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for id in FindingId::ALL {
            assert_eq!(id.as_str().parse::<FindingId>(), Ok(*id));
            assert!(seen.insert(id.as_str()), "{id} twice");
        }
        assert!("cert-expird".parse::<FindingId>().is_err());
    }
}
