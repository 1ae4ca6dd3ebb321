//! RDP client compatibility: client profiles (a user-extensible data file) and the pure verdict for each
//! client, given the server's answer to that client's own ClientHello.

use serde::Deserialize;

use crate::model::codes::{extension_by_name, group_by_name};
use crate::model::{
    AlertDescription, Answer, CertificateReport, CipherSuite, ClientEvidenceSource, ClientFailure,
    ClientResult, ClientSecurity, ExtensionType, HelloShape, NamedGroup, Negotiation, Offer,
    ProtocolVersion, SignatureScheme, Sni, TlsReport,
};
use crate::wire::tls::suites;
use crate::wire::tls::MAX_SUITES;

/// The profiles shipped with rdptls: `data/clients.toml`.
pub const BUILTIN_PROFILES: &str = include_str!("../../data/clients.toml");

/// One `[[client]]` entry of the profiles file. See the header of `data/clients.toml` for the format.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientProfileEntry {
    pub id: String,
    pub name: String,
    /// TLS versions offered, by label (`TLS1.0` ... `TLS1.3`).
    pub versions: Vec<String>,
    /// Cipher suites offered, IANA names, in the client's order.
    pub suites: Vec<String>,
    /// Named groups offered, in order (`x25519`, `secp256r1`, ...).
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub renegotiation_scsv: bool,
    /// OpenSSL security level of OpenSSL-based clients; at 1 or more, OpenSSL 3 cannot complete TLS 1.0/1.1.
    #[serde(default)]
    pub security_level: Option<u8>,
    #[serde(default)]
    pub min_rsa_bits: Option<u32>,
    #[serde(default)]
    pub min_dh_bits: Option<u32>,
    /// What the client shows when TLS fails.
    #[serde(default)]
    pub tls_error: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// A client that counts as current: one of them failing makes the client findings high.
    #[serde(default)]
    pub current: bool,
    /// Versions the client may also offer, which no public source confirms (e.g. TLS 1.3 for mstsc on
    /// Windows 11): not replayed; a verdict that hangs on one says so.
    #[serde(default)]
    pub unverified_versions: Vec<String>,
    /// The hello's extensions, exactly these in this order, by IANA name (`server_name`, `status_request`,
    /// `supported_groups`, `ec_point_formats`, `signature_algorithms`, `extended_master_secret`,
    /// `renegotiation_info`, `session_ticket`, `encrypt_then_mac`, `record_size_limit`, `padding`,
    /// `supported_versions`, `psk_key_exchange_modes`, `key_share`). Absent: the scanner's default set. Any other
    /// registry name or `unknown(0x....)` (a captured client's ALPN, say) is accepted and left out of the replay:
    /// see [`ClientProfile::unsent_extensions`].
    #[serde(default)]
    pub extensions: Option<Vec<String>>,
    /// `signature_algorithms`, in order, by IANA name (`rsa_pkcs1_sha256`, ...).
    #[serde(default)]
    pub signature_algorithms: Vec<String>,
    /// SNI: `name` (a DNS name only, the default), `as-typed` (an IP literal too, as mstsc sends it) or `none`.
    #[serde(default)]
    pub sni: Option<String>,
    /// legacy_session_id: `random` (32 bytes, the default; OpenSSL, GnuTLS) or `empty` (Schannel).
    #[serde(default)]
    pub session_id: Option<String>,
    /// The client program: `mstsc` (Windows' own), `freerdp`, `rdesktop`, ... Verdicts single out mstsc: when
    /// no current mstsc connects, the server is critical.
    #[serde(default)]
    pub family: Option<String>,
    /// A short name for sentences ("Windows 10 22H2"); the name otherwise.
    #[serde(default)]
    pub short_name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ProfilesFile {
    client: Vec<ClientProfileEntry>,
}

/// A profile with its names resolved to wire codes.
#[derive(Debug, Clone)]
pub struct ClientProfile {
    pub entry: ClientProfileEntry,
    /// Versions, ascending.
    pub versions: Vec<ProtocolVersion>,
    pub suites: Vec<CipherSuite>,
    pub groups: Vec<NamedGroup>,
    /// The versions it may also offer, unconfirmed, ascending.
    pub unverified_versions: Vec<ProtocolVersion>,
    /// The hello's own shape, when the profile gives its extensions.
    pub shape: Option<HelloShape>,
    /// Extensions the profile lists that the replay cannot build (ALPN, unknown codes, ...), in order: left out of
    /// the replayed hello, which is otherwise the client's. A server that decides on one of them may answer the
    /// real client differently.
    pub unsent_extensions: Vec<ExtensionType>,
}

impl ClientProfile {
    /// The ClientHello this client sends.
    pub fn offer(&self) -> Offer {
        Offer {
            versions: self.versions.clone(),
            suites: self.suites.clone(),
            groups: self.groups.clone(),
            x25519_share: self.groups.contains(&NamedGroup::X25519),
            renegotiation_scsv: self.entry.renegotiation_scsv,
            shape: self.shape.clone(),
            sni: Sni::Name,
        }
    }
}

/// The built-in client profiles.
pub fn builtin_profiles() -> Result<Vec<ClientProfile>, String> {
    load(BUILTIN_PROFILES)
}

/// The built-in profiles extended by a user's file of the same format: an entry with a built-in id replaces
/// that profile, any other is added.
pub fn extended_profiles(user: &str) -> Result<Vec<ClientProfile>, String> {
    let mut profiles = builtin_profiles()?;
    for p in load(user)? {
        match profiles.iter_mut().find(|q| q.entry.id == p.entry.id) {
            Some(q) => *q = p,
            None => profiles.push(p),
        }
    }
    Ok(profiles)
}

/// Parses a profiles file (the `data/clients.toml` format), resolving names against the registries; an unknown
/// name is an error that names it.
pub fn load(text: &str) -> Result<Vec<ClientProfile>, String> {
    let file: ProfilesFile = toml::from_str(text).map_err(|e| format!("client profiles: {e}"))?;
    let mut out = Vec::new();
    for entry in file.client {
        let mut versions = Vec::new();
        for v in &entry.versions {
            versions.push(
                ProtocolVersion::from_label(v)
                    .ok_or_else(|| format!("client {}: unknown version {v:?}", entry.id))?,
            );
        }
        versions.sort_unstable();
        let suites = entry
            .suites
            .iter()
            .map(|s| {
                suites::by_iana_name(s)
                    .map(|i| CipherSuite(i.id))
                    .ok_or_else(|| format!("client {}: unknown cipher suite {s:?}", entry.id))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let groups = entry
            .groups
            .iter()
            .map(|g| {
                group_by_name(g).ok_or_else(|| format!("client {}: unknown group {g:?}", entry.id))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if versions.is_empty() || suites.is_empty() {
            return Err(format!(
                "client {}: needs at least one version and one suite",
                entry.id
            ));
        }
        if suites.len() > MAX_SUITES {
            return Err(format!(
                "client {}: {} suites; a hello carries at most {MAX_SUITES}",
                entry.id,
                suites.len()
            ));
        }
        if entry.security_level.is_some_and(|l| l > 5) {
            return Err(format!(
                "client {}: security_level must be 0 to 5 (OpenSSL's levels)",
                entry.id
            ));
        }
        let mut unverified_versions = Vec::new();
        for v in &entry.unverified_versions {
            unverified_versions.push(
                ProtocolVersion::from_label(v)
                    .ok_or_else(|| format!("client {}: unknown version {v:?}", entry.id))?,
            );
        }
        unverified_versions.sort_unstable();
        let (shape, unsent_extensions) = shape_of(&entry)?;
        out.push(ClientProfile {
            entry,
            versions,
            suites,
            groups,
            unverified_versions,
            shape,
            unsent_extensions,
        });
    }
    Ok(out)
}

/// The hello shape of a profile that lists its extensions, and the listed extensions the replay cannot send; a
/// name that is neither a registry name nor `unknown(0x....)` is an error that names it.
fn shape_of(
    entry: &ClientProfileEntry,
) -> Result<(Option<HelloShape>, Vec<ExtensionType>), String> {
    let id = &entry.id;
    let sni = match entry.sni.as_deref() {
        None | Some("name") => Sni::Name,
        Some("as-typed") => Sni::AsTyped,
        Some("none") => Sni::None,
        Some(other) => {
            return Err(format!(
                "client {id}: sni {other:?} is not one of name, as-typed, none"
            ))
        }
    };
    let empty_session_id = match entry.session_id.as_deref() {
        None | Some("random") => false,
        Some("empty") => true,
        Some(other) => {
            return Err(format!(
                "client {id}: session_id {other:?} is not one of random, empty"
            ))
        }
    };
    let signature_algorithms = entry
        .signature_algorithms
        .iter()
        .map(|n| {
            SignatureScheme::from_name(n)
                .ok_or_else(|| format!("client {id}: unknown signature algorithm {n:?}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let Some(names) = &entry.extensions else {
        if !signature_algorithms.is_empty() || entry.sni.is_some() || entry.session_id.is_some() {
            return Err(format!(
                "client {id}: signature_algorithms, sni and session_id need `extensions`"
            ));
        }
        return Ok((None, Vec::new()));
    };
    let mut extensions = Vec::new();
    let mut unsent = Vec::new();
    for n in names {
        let typ = extension_by_name(n).ok_or_else(|| {
            format!(
                "client {id}: unknown extension {n:?} (the replay sends {}; other IANA names and unknown(0x....) \
are recorded but not sent)",
                BUILDABLE.map(|t| t.to_string()).join(", ")
            )
        })?;
        if extensions.contains(&typ) || unsent.contains(&typ) {
            return Err(format!("client {id}: extension {n:?} listed twice"));
        }
        if BUILDABLE.contains(&typ) {
            extensions.push(typ);
        } else {
            unsent.push(typ);
        }
    }
    let shape = HelloShape {
        extensions,
        signature_algorithms,
        sni,
        empty_session_id,
    };
    Ok((Some(shape), unsent))
}

/// The extensions a replayed hello can carry.
pub(crate) const BUILDABLE: [ExtensionType; 14] = [
    ExtensionType::SERVER_NAME,
    ExtensionType::STATUS_REQUEST,
    ExtensionType::SUPPORTED_GROUPS,
    ExtensionType::EC_POINT_FORMATS,
    ExtensionType::SIGNATURE_ALGORITHMS,
    ExtensionType::EXTENDED_MASTER_SECRET,
    ExtensionType::RENEGOTIATION_INFO,
    ExtensionType::SESSION_TICKET,
    ExtensionType::ENCRYPT_THEN_MAC,
    ExtensionType::RECORD_SIZE_LIMIT,
    ExtensionType::PADDING,
    ExtensionType::SUPPORTED_VERSIONS,
    ExtensionType::PSK_KEY_EXCHANGE_MODES,
    ExtensionType::KEY_SHARE,
];

/// Everything the verdict needs besides the handshake answer.
pub struct ServerFacts<'a> {
    pub negotiation: Option<&'a Negotiation>,
    pub certificate: Option<&'a CertificateReport>,
    /// The server's accepted versions (from enumeration), to explain a refusal.
    pub versions: &'a [ProtocolVersion],
    /// What TLS showed beyond the replays: a client certificate asked for, a rejection after the handshake.
    pub tls: Option<&'a TlsReport>,
}

impl ServerFacts<'_> {
    /// The server requires a client certificate: it asked for one, and the modern handshake (which sends none)
    /// failed or was rejected right after it.
    fn requires_client_certificate(&self) -> bool {
        self.tls.is_some_and(|t| {
            t.client_certificate_requested
                && (t.rejected_after_handshake.is_some() || t.modern_handshake_error.is_some())
        })
    }
}

/// Will `client` connect? `answer` is the server's reply to the client's own ClientHello (`None` when the server
/// offers no TLS path to replay it on).
pub fn verdict(
    client: &ClientProfile,
    answer: Option<&Answer>,
    facts: &ServerFacts<'_>,
) -> ClientResult {
    let e = &client.entry;
    let mut r = ClientResult {
        id: e.id.clone(),
        name: e.name.clone(),
        connects: false,
        version: None,
        suite: None,
        reason: None,
        client_error: None,
        failure: None,
        current: e.current,
        mstsc: e.family.as_deref() == Some("mstsc"),
        short_name: e.short_name.clone().unwrap_or_else(|| e.name.clone()),
        unverified_versions: client.unverified_versions.clone(),
        evidence: if answer.is_some() {
            ClientEvidenceSource::Replayed
        } else {
            ClientEvidenceSource::None
        },
    };
    let tls_error = e.tls_error.clone();
    let Some(answer) = answer else {
        let standard = facts.negotiation.is_some_and(|n| n.standard_rdp_security);
        if standard {
            r.connects = true;
            r.version = Some(ClientSecurity::StandardRdp);
            r.reason = Some("no TLS: the server selects standard RDP security".into());
        } else {
            r.reason = Some("the server offers no TLS path".into());
            r.failure = Some(ClientFailure::NoTlsPath);
        }
        return r;
    };
    match answer {
        Answer::Refused {
            alert: Some(AlertDescription::UNRECOGNIZED_NAME),
            detail,
        } => {
            r.reason = Some(format!(
                "the server refuses the name the client sends in SNI ({detail}): it wants the name it serves"
            ));
            r.failure = Some(ClientFailure::SniRefused);
            r.client_error = tls_error;
        }
        Answer::Refused { detail, .. } | Answer::VersionRefused { detail } => {
            let shared = client.versions.iter().any(|v| facts.versions.contains(v));
            if !shared && !facts.versions.is_empty() {
                r.reason = Some(format!(
                    "no TLS version in common: the client offers {}, the server accepts {}",
                    labels(&client.versions),
                    labels(facts.versions)
                ));
                r.failure = Some(ClientFailure::NoVersionInCommon);
            } else {
                r.reason = Some(format!(
                    "the server refused the client's hello ({detail}): no cipher suite in common"
                ));
                r.failure = Some(ClientFailure::NoSuiteInCommon);
            }
            r.client_error = tls_error;
        }
        Answer::Violation { detail } => {
            r.reason = Some(format!(
                "the server answered with something the client did not offer: {detail}"
            ));
            r.failure = Some(ClientFailure::ServerViolation);
            r.client_error = tls_error;
        }
        Answer::Hello {
            version,
            suite,
            dh_bits,
            ..
        } => {
            r.version = Some(ClientSecurity::Tls(*version));
            r.suite = Some(*suite);
            let level = e.security_level.unwrap_or(0);
            let cert = facts.certificate;
            let problem = if !client.versions.contains(version) {
                // A hello without supported_versions allows any version up to its highest; the server went
                // lower than this client's lowest.
                Some((
                    ClientFailure::VersionNotAccepted,
                    format!(
                        "the server negotiates {}, which the client does not accept (it offers {})",
                        version_name(*version),
                        labels(&client.versions)
                    ),
                ))
            } else if !client.suites.contains(suite) {
                Some((
                    ClientFailure::SuiteNotOffered,
                    format!("the server chose {suite}, which the client did not offer"),
                ))
            } else if level >= 1 && *version < ProtocolVersion::TLS1_2 {
                Some((
                    ClientFailure::SecurityLevel,
                    format!(
                        "{} needs SHA-1/MD5 handshake signatures, which OpenSSL 3 refuses at security level \
{level} (it connects with /tls-seclevel:0)",
                        version_name(*version)
                    ),
                ))
            } else if let (Some(min), Some(c)) = (e.min_rsa_bits, cert) {
                (c.key.kind.is_rsa() && c.key.bits < min).then(|| {
                    (
                        ClientFailure::RsaKeyTooSmall,
                        format!(
                            "the certificate's RSA key has {} bits; the client requires {min}",
                            c.key.bits
                        ),
                    )
                })
            } else {
                None
            };
            let problem = problem
                .or_else(|| {
                    let (min, bits) = (e.min_dh_bits?, (*dh_bits)?);
                    (bits < min).then(|| {
                        (
                            ClientFailure::DhGroupTooSmall,
                            format!(
                                "the server's DH group has {bits} bits; the client requires {min}"
                            ),
                        )
                    })
                })
                .or_else(|| {
                    facts.requires_client_certificate().then(|| {
                        (
                            ClientFailure::ClientCertificateRequired,
                            "the server requires a client certificate, which the client does not send"
                                .to_string(),
                        )
                    })
                })
                .or_else(|| {
                    let rejected = facts.tls?.rejected_after_handshake.as_ref()?;
                    (*version == ProtocolVersion::TLS1_3).then(|| {
                        (
                            ClientFailure::RejectedAfterHandshake,
                            format!(
                                "the server ends TLS 1.3 connections right after the handshake: {}",
                                rejected.detail
                            ),
                        )
                    })
                });
            match problem {
                Some((failure, p)) => {
                    r.reason = Some(p);
                    r.failure = Some(failure);
                    r.client_error = tls_error;
                }
                None => r.connects = true,
            }
        }
    }
    r
}

/// A version's name in a reason: `TLS1.2`, or `unknown`.
fn version_name(v: ProtocolVersion) -> &'static str {
    v.name().unwrap_or("unknown")
}

fn labels(versions: &[ProtocolVersion]) -> String {
    versions
        .iter()
        .map(|v| version_name(*v))
        .collect::<Vec<_>>()
        .join(", ")
}

pub mod derive;
#[cfg(test)]
mod tests;
