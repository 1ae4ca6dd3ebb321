//! The certificate's two verdicts that are more than a field: whether it signed itself, and whether its chain
//! validates to a trusted root. Typed here, spelt in JSON by serde (`docs/json.md`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Whether the certificate's own key verifies its signature.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SelfSigned {
    /// It does: the certificate is self-signed.
    Yes,
    /// It does not: another key signed it, even when its subject and issuer are the same name.
    No,
    /// The signature cannot be checked here (Ed448, MD2, an unknown algorithm or curve).
    Unknown,
}

impl SelfSigned {
    pub fn is_yes(self) -> bool {
        self == Self::Yes
    }
}

impl From<Option<bool>> for SelfSigned {
    fn from(verified: Option<bool>) -> Self {
        match verified {
            Some(true) => Self::Yes,
            Some(false) => Self::No,
            None => Self::Unknown,
        }
    }
}

/// [`SelfSigned`] as two keys of the certificate object: `self_signed` (a bool, true only for `yes`, as it has
/// always been) and `self_signed_verdict` (`yes`, `no`, `unknown`). A report without the second key reads its
/// bool.
pub(crate) mod self_signed_keys {
    use super::*;

    #[derive(Serialize)]
    struct Out {
        self_signed: bool,
        self_signed_verdict: SelfSigned,
    }

    #[derive(Deserialize)]
    struct In {
        self_signed: bool,
        #[serde(default)]
        self_signed_verdict: Option<SelfSigned>,
    }

    pub fn serialize<S: Serializer>(v: &SelfSigned, s: S) -> Result<S::Ok, S::Error> {
        Out {
            self_signed: v.is_yes(),
            self_signed_verdict: *v,
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SelfSigned, D::Error> {
        let keys = In::deserialize(d)?;
        Ok(keys
            .self_signed_verdict
            .unwrap_or(SelfSigned::from(Some(keys.self_signed))))
    }
}

/// Where the trust anchors came from: the system's store, or `--ca-file`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RootSource {
    System,
    CaFile,
}

/// Whether the chain the server sent validates to a trusted root, for the name checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// It validates: a path to a trusted root, every certificate in its dates, an EKU that allows server
    /// authentication, and the name (as `name_matches` checks it).
    Trusted,
    /// It does not, but only because of the leaf's own name, dates or EKU, which the certificate's other keys
    /// show (and their findings say); the chain otherwise reaches a trusted root. Why, in words.
    LeafInvalid(String),
    /// No valid path to a trusted root: why, in words.
    Untrusted(String),
    /// Not decided: why (no name to check, an algorithm the validator cannot check, ...).
    Unknown(String),
}

/// The chain's verdict and the roots it was checked against. JSON: `{ trusted: bool|null, roots, error }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "ChainJson", from = "ChainJson")]
pub struct ChainTrust {
    pub trust: Trust,
    pub roots: RootSource,
}

impl ChainTrust {
    /// `true` trusted, `false` not, `None` not decided.
    pub fn trusted(&self) -> Option<bool> {
        match self.trust {
            Trust::Trusted => Some(true),
            Trust::LeafInvalid(_) | Trust::Untrusted(_) => Some(false),
            Trust::Unknown(_) => None,
        }
    }
}

/// How a [`Trust::LeafInvalid`] reason ends in the JSON `error`, so that it reads back as such.
const LEAF_ONLY: &str = "; the chain otherwise reaches a trusted root";

#[derive(Serialize, Deserialize)]
struct ChainJson {
    trusted: Option<bool>,
    roots: RootSource,
    error: Option<String>,
}

impl From<ChainTrust> for ChainJson {
    fn from(c: ChainTrust) -> Self {
        let trusted = c.trusted();
        let error = match c.trust {
            Trust::Trusted => None,
            Trust::LeafInvalid(why) => Some(format!("{why}{LEAF_ONLY}")),
            Trust::Untrusted(why) | Trust::Unknown(why) => Some(why),
        };
        Self {
            trusted,
            roots: c.roots,
            error,
        }
    }
}

impl From<ChainJson> for ChainTrust {
    fn from(j: ChainJson) -> Self {
        let why = j.error.unwrap_or_default();
        let trust = match j.trusted {
            Some(true) => Trust::Trusted,
            Some(false) => match why.strip_suffix(LEAF_ONLY) {
                Some(leaf) => Trust::LeafInvalid(leaf.to_string()),
                None => Trust::Untrusted(why),
            },
            None => Trust::Unknown(why),
        };
        Self {
            trust,
            roots: j.roots,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_verdicts_read_back_as_they_were_written() {
        for trust in [
            Trust::Trusted,
            Trust::LeafInvalid("expired".into()),
            Trust::Untrusted("unknown issuer".into()),
            Trust::Unknown("no roots".into()),
        ] {
            let chain = ChainTrust {
                trust,
                roots: RootSource::CaFile,
            };
            let json = serde_json::to_string(&chain).unwrap();
            assert!(json.contains(r#""roots":"ca-file""#), "{json}");
            assert_eq!(serde_json::from_str::<ChainTrust>(&json).unwrap(), chain);
        }
        let json = serde_json::to_value(ChainTrust {
            trust: Trust::Unknown("why".into()),
            roots: RootSource::System,
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"trusted": null, "roots": "system", "error": "why"})
        );
    }
}

/// The type of a certificate's public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyType {
    Rsa,
    /// An RSA key restricted to RSASSA-PSS signatures (SPKI id-RSASSA-PSS, RFC 4055).
    RsaPss,
    Ec,
    Ed25519,
    Ed448,
    Dsa,
    /// Another algorithm, by its OID.
    Other(String),
}

impl KeyType {
    /// `RSA`, `RSA-PSS`, `EC`, `Ed25519`, `Ed448`, `DSA`, or the OID.
    pub fn name(&self) -> &str {
        match self {
            Self::Rsa => "RSA",
            Self::RsaPss => "RSA-PSS",
            Self::Ec => "EC",
            Self::Ed25519 => "Ed25519",
            Self::Ed448 => "Ed448",
            Self::Dsa => "DSA",
            Self::Other(oid) => oid,
        }
    }

    /// RSA, restricted to PSS or not.
    pub fn is_rsa(&self) -> bool {
        matches!(self, Self::Rsa | Self::RsaPss)
    }
}

impl std::fmt::Display for KeyType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for KeyType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for KeyType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Ok([
            Self::Rsa,
            Self::RsaPss,
            Self::Ec,
            Self::Ed25519,
            Self::Ed448,
            Self::Dsa,
        ]
        .into_iter()
        .find(|k| k.name() == name)
        .unwrap_or(Self::Other(name)))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyInfo {
    /// Spelt `RSA`, `RSA-PSS`, `EC`, `Ed25519`, `Ed448`, `DSA`, or the OID.
    #[serde(rename = "type")]
    pub kind: KeyType,
    pub bits: u32,
    /// Curve name for EC keys.
    pub curve: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CertificateReport {
    pub subject: String,
    pub issuer: String,
    /// CN and SAN DNS names and IP addresses, CN first.
    pub names: Vec<String>,
    pub serial: String,
    /// RFC 3339.
    pub not_before: String,
    pub not_after: String,
    /// Whole days until `not_after`; negative once expired.
    pub days_left: i64,
    pub expired: bool,
    pub not_yet_valid: bool,
    /// Whether the certificate's own key verifies its signature. JSON: `self_signed` (true only for `yes`) and
    /// `self_signed_verdict` (`yes`, `no`, `unknown`).
    #[serde(flatten, with = "self_signed_keys")]
    pub self_signed: SelfSigned,
    pub key: KeyInfo,
    /// e.g. `sha256WithRSAEncryption`.
    pub signature_algorithm: String,
    /// Upper-case hex, no separators, as Windows shows it.
    pub sha1_thumbprint: String,
    pub sha256_fingerprint: String,
    /// Extended key usages, by name where known (`serverAuth`, `remoteDesktopAuth`) or OID.
    pub eku: Vec<String>,
    pub key_usage: Vec<String>,
    /// Whether the name the user typed matches the certificate (`null` when no name to check).
    pub name_matches: Option<bool>,
    /// The chain length the server sent (leaf included).
    pub chain_length: usize,
    /// Whether the chain validates to a trusted root for the name; null when the analysis had no roots.
    #[serde(default)]
    pub chain: Option<ChainTrust>,
}
