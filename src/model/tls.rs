//! The TLS part of the report: versions, suites in the server's order, what was negotiated and refused.

use serde::{Deserialize, Serialize};

use super::*;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct VersionSupport {
    /// Spelt `SSL3.0`, `TLS1.0`, `TLS1.1`, `TLS1.2`, `TLS1.3`.
    pub version: ProtocolVersion,
    pub supported: bool,
}

/// A cipher suite accepted at a version. JSON: `{ "version": "TLS1.2", "id": "0xC030", "name": "TLS_..." }`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(into = "SuiteEntryJson", try_from = "SuiteEntryJson")]
pub struct SuiteEntry {
    pub version: ProtocolVersion,
    pub suite: CipherSuite,
}

impl SuiteEntry {
    pub fn new(version: ProtocolVersion, suite: CipherSuite) -> Self {
        Self { version, suite }
    }
}

/// [`SuiteEntry`] as the JSON spells it: the code in hex and its IANA name (or `unknown(0x....)`).
#[derive(Serialize, Deserialize)]
struct SuiteEntryJson {
    version: ProtocolVersion,
    id: String,
    name: String,
}

impl From<SuiteEntry> for SuiteEntryJson {
    fn from(e: SuiteEntry) -> Self {
        Self {
            version: e.version,
            id: codes::suite_hex(e.suite),
            name: e.suite.name(),
        }
    }
}

impl TryFrom<SuiteEntryJson> for SuiteEntry {
    type Error = String;
    fn try_from(j: SuiteEntryJson) -> Result<Self, String> {
        let suite = codes::suite_by_hex(&j.id).ok_or_else(|| format!("bad suite id {:?}", j.id))?;
        Ok(Self::new(j.version, suite))
    }
}

/// How the certificate was read.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// A full rustls handshake.
    Rustls,
    /// A hand-built ClientHello that showed the certificate in the clear (TLS 1.2 and older).
    Raw,
}

/// How TLS was reached: after an X.224 request for a protocol (`ssl`, `hybrid`, `hybrid_ex`), or `direct`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsPath {
    Negotiated(Protocols),
    Direct,
}

impl Serialize for TlsPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Negotiated(p) => s.serialize_str(&p.key()),
            Self::Direct => s.serialize_str("direct"),
        }
    }
}

impl<'de> Deserialize<'de> for TlsPath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = String::deserialize(d)?;
        if key == "direct" {
            return Ok(Self::Direct);
        }
        codes::protocol_by_key(&key)
            .map(Self::Negotiated)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown TLS path {key:?}")))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Negotiated {
    pub version: ProtocolVersion,
    pub suite: SuiteEntry,
    /// How the certificate was read: `rustls` or `raw` (a hand-built ClientHello).
    pub via: Via,
    /// The RDP protocol requested to reach TLS (`ssl` or `hybrid`), or `direct`.
    pub path: TlsPath,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct TlsReport {
    pub versions: Vec<VersionSupport>,
    pub cipher_suites: Vec<SuiteEntry>,
    /// The handshake that read the certificate.
    pub negotiated: Option<Negotiated>,
    /// Per version: does the server impose its own order? (`null`: not determined.)
    #[serde(default)]
    pub server_order: Vec<ServerOrder>,
    /// Key-exchange groups the server accepts.
    #[serde(default)]
    pub groups: Vec<NamedGroup>,
    /// Smallest DH prime, in bits, seen with a DHE suite.
    #[serde(default)]
    pub dh_bits: Option<u32>,
    /// What the enumeration could not trust or finish: picks of things not offered, hellos that kept failing.
    #[serde(default)]
    pub anomalies: Vec<String>,
    /// ClientHellos the enumeration sent.
    #[serde(default)]
    pub hellos: u64,
    /// Why a modern client's handshake (rustls: TLS 1.3, or TLS 1.2 with ECDHE and AEAD) failed; null when
    /// it succeeded.
    #[serde(default)]
    pub modern_handshake_error: Option<String>,
    /// The server asked for a client certificate (RDP clients have none to send).
    #[serde(default)]
    pub client_certificate_requested: bool,
    /// The server sent a Certificate message with an empty list.
    #[serde(default)]
    pub certificate_list_empty: bool,
    /// Picks of versions or suites that were not offered (also among `anomalies`): never believed.
    #[serde(default)]
    pub violations: Vec<String>,
    /// TLS 1.3: the server ended the connection right after the handshake (it checks the client's Finished and
    /// certificate only then); null when it did not.
    #[serde(default)]
    pub rejected_after_handshake: Option<Rejection>,
}

/// How a server ended a connection: the alert it sent, when it sent one, and what happened in words.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Rejection {
    /// The TLS alert, e.g. `certificate_required`, `unrecognized_name`; null for a close without one.
    pub alert: Option<AlertDescription>,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ServerOrder {
    pub version: ProtocolVersion,
    pub enforced: Option<bool>,
    /// The server's order, most preferred first, when it enforces one; spelt as IANA names.
    #[serde(with = "codes::suite_name::list")]
    pub order: Vec<CipherSuite>,
}
