//! What the probes and the plan observed, before analysis: the ClientHellos offered, the server's answers, and
//! what the TLS stage hands to the analysis. Typed wire values throughout.

use crate::wire::tls::{
    AlertDescription, CipherSuite, ExtensionType, NamedGroup, ProtocolVersion, SignatureScheme,
};

/// One ClientHello to send: what the plan (or a client profile) asks; the probe builds the bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Offer {
    /// Versions offered. Without TLS 1.3 only the highest counts (legacy_version); with TLS 1.3 they all go in
    /// `supported_versions` (RFC 8446 4.2.1).
    pub versions: Vec<ProtocolVersion>,
    pub suites: Vec<CipherSuite>,
    /// Named groups, in preference order.
    pub groups: Vec<NamedGroup>,
    /// TLS 1.3: send an X25519 key share (when x25519 is in `groups`); otherwise an empty one (HelloRetryRequest).
    pub x25519_share: bool,
    /// Append TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 3.3; some servers refuse a hello without it).
    pub renegotiation_scsv: bool,
    /// A client's own hello, extension by extension; `None` for the scanner's default extensions.
    pub shape: Option<HelloShape>,
}

/// How a particular client builds its ClientHello beyond versions, suites and groups: what a server can decide on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HelloShape {
    /// The extensions, exactly these, in this order.
    pub extensions: Vec<ExtensionType>,
    /// `signature_algorithms`, in order (empty: the scanner's default list, when the extension is listed).
    pub signature_algorithms: Vec<SignatureScheme>,
    /// What goes in `server_name`.
    pub sni: Sni,
    /// An empty legacy_session_id (Schannel) rather than 32 random bytes (OpenSSL, GnuTLS).
    pub empty_session_id: bool,
}

/// What a client sends as SNI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Sni {
    /// The host name, when the target is a DNS name (RFC 6066 3); nothing for an IP address.
    #[default]
    Name,
    /// The target as typed, an IP literal included (mstsc does this).
    AsTyped,
    /// Never (rdesktop).
    None,
}

impl Offer {
    /// The highest version offered (TLS 1.2 for an empty list).
    pub fn max_version(&self) -> ProtocolVersion {
        self.versions
            .iter()
            .copied()
            .max()
            .unwrap_or(ProtocolVersion::TLS1_2)
    }
}

/// The server's answer to one ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A ServerHello (or HelloRetryRequest) for something we offered.
    Hello {
        version: ProtocolVersion,
        suite: CipherSuite,
        /// The group from ServerKeyExchange (TLS <= 1.2) or key_share (TLS 1.3).
        group: Option<NamedGroup>,
        /// DH prime size from a DHE ServerKeyExchange.
        dh_bits: Option<u32>,
        /// Certificate chain, DER, when the server sent it in the clear (TLS <= 1.2).
        chain: Vec<Vec<u8>>,
        /// The server asked for a client certificate (a CertificateRequest in the first flight, TLS <= 1.2).
        cert_request: bool,
        /// The server sent a Certificate message with an empty list (TLS <= 1.2).
        certificate_empty: bool,
    },
    /// An alert, or a close without a ServerHello: nothing offered is acceptable.
    Refused {
        /// The alert the server sent, when it sent one (`unrecognized_name`: it wants another SNI).
        alert: Option<AlertDescription>,
        detail: String,
    },
    /// A protocol_version alert: the server does not speak the version offered at all.
    VersionRefused { detail: String },
    /// The server picked a version or suite that was not offered. Never believed.
    Violation { detail: String },
}

/// What the TLS stage observed that the report does not carry, for the analysis.
#[derive(Debug, Clone, Default)]
pub struct TlsObservations {
    /// The certificate chain, DER, leaf first.
    pub chain: Vec<Vec<u8>>,
    /// Versions the server accepts, as enumerated (empty in quick mode, which does not enumerate).
    pub versions: Vec<ProtocolVersion>,
    /// Per client offer (in the order given): the server's answer to it; `None` when there was no TLS path to
    /// replay it on.
    pub client_answers: Vec<Option<Answer>>,
    /// Positions in `client_answers` of the offers whose replay failed on our side (`kind: local`): no answer, and
    /// no verdict to draw from it.
    pub not_replayed: Vec<usize>,
    /// The server's clock from its NTLM CHALLENGE (Unix seconds), when the CredSSP probe got one.
    pub credssp_server_time: Option<i64>,
    /// What the connections showed of the server's connection limits.
    pub pressure: super::ConnectionPressure,
}
