//! What the MCS stage reports: how a server ended a connection ([`Ending`]), the furthest step reached
//! ([`McsStage`]), native RDP security ([`RdpSecurityReport`]) and the server's MCS data ([`McsReport`]).
//!
//! The wire codes stay typed; only serialization spells them, here: encryption methods and levels by their
//! report names (`40bit`, `client_compatible`), the RDP version as `0x00080004`, MCS results and reasons by their
//! T.125 names, errorInfo by its MS-RDPBCGR name.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use super::Ending;

pub use crate::wire::mcs::{
    DisconnectReason, EncryptionLevel, EncryptionMethod, ErrorInfo, McsResult, MultitransportFlags,
    RdpVersion,
};

/// The number inside `unknown(0x..)` or `unknown(..)`.
fn unknown_code(text: &str) -> Option<u32> {
    let inner = text.strip_prefix("unknown(")?.strip_suffix(')')?;
    match inner.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => inner.parse().ok(),
    }
}

struct StrVisitor<F>(&'static str, F);

impl<'de, T, F: Fn(&str) -> Option<T>> Visitor<'de> for StrVisitor<F> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} name", self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.1)(v).ok_or_else(|| E::custom(format!("unknown {} {v:?}", self.0)))
    }
}

/// `Serialize`/`Deserialize` by the registry name (`Display`), read back by `from_name` or `unknown(..)`.
macro_rules! serde_by_name {
    ($($t:ident($repr:ty), $what:literal;)*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str(StrVisitor($what, |text: &str| {
                    $t::from_name(text).or_else(|| {
                        unknown_code(text).and_then(|c| <$repr>::try_from(c).ok()).map($t)
                    })
                }))
            }
        }
    )*};
}

serde_by_name! {
    EncryptionMethod(u32), "encryption method";
    EncryptionLevel(u32), "encryption level";
    DisconnectReason(u8), "disconnect reason";
    ErrorInfo(u32), "errorInfo code";
    McsResult(u8), "MCS result";
}

/// The RDP version as the report spells it: `0x00080004`.
impl Serialize for RdpVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

impl<'de> Deserialize<'de> for RdpVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(StrVisitor("RDP version", |text: &str| {
            let hex = text.strip_prefix("0x")?;
            u32::from_str_radix(hex, 16).ok().map(RdpVersion)
        }))
    }
}

/// Multitransport flags as a list of names (`udpfecr`, `udpfecl`, `udp_preferred`, `softsync_tcp_to_udp`).
impl Serialize for MultitransportFlags {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let names = self.names();
        let mut seq = s.serialize_seq(Some(names.len()))?;
        for n in &names {
            seq.serialize_element(n)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for MultitransportFlags {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(d)?;
        let mut flags = 0u32;
        for name in names {
            let bit = [
                (MultitransportFlags::UDPFECR, "udpfecr"),
                (MultitransportFlags::UDPFECL, "udpfecl"),
                (MultitransportFlags::UDP_PREFERRED, "udp_preferred"),
                (
                    MultitransportFlags::SOFTSYNC_TCP_TO_UDP,
                    "softsync_tcp_to_udp",
                ),
            ]
            .into_iter()
            .find(|(_, n)| *n == name)
            .map(|(f, _)| f.0)
            .or_else(|| unknown_code(&name))
            .ok_or_else(|| de::Error::custom(format!("unknown multitransport flag {name:?}")))?;
            flags |= bit;
        }
        Ok(MultitransportFlags(flags))
    }
}

/// The furthest step of the MCS connection sequence a probe reached, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum McsStage {
    /// The X.224 Connection Confirm (no MCS yet).
    X224,
    /// The TLS handshake, on the TLS path.
    Tls,
    /// Connect-Initial sent, no Connect-Response.
    ConnectInitial,
    /// A successful Connect-Response decoded.
    ConnectResponse,
    /// Attach User Confirm received.
    AttachUser,
    /// Channel Join Confirms received for the user and I/O channels.
    ChannelJoin,
}

/// The kind of server certificate of standard RDP security.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RdpCertificateKind {
    /// A proprietary certificate signed with the Terminal Services signing key (MS-RDPBCGR 5.3.3.1).
    Proprietary,
    /// An X.509 chain (MS-RDPBCGR 5.3.3.2).
    X509,
}

/// The server certificate of standard RDP security.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RdpCertificateReport {
    pub kind: RdpCertificateKind,
    /// The server key's size in bits.
    pub key_bits: Option<u32>,
    /// Proprietary: whether the signature verifies with the well-known Terminal Services signing key. `None` for
    /// X.509.
    pub signature_ok: Option<bool>,
}

/// Native (standard) RDP security, as enumerated one encryption method per connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RdpSecurityReport {
    /// The methods the server accepted (its encryptionMethod was the one offered): `40bit`, `56bit`, `128bit`,
    /// `fips`.
    pub methods: Vec<EncryptionMethod>,
    /// The server's encryptionLevel; `None` when no probe got a Connect-Response.
    pub level: Option<EncryptionLevel>,
    /// The server sent a serverRandom.
    pub server_random_present: bool,
    pub certificate: Option<RdpCertificateReport>,
}

/// The server's UDP transport offer (SC_MULTITRANSPORT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultitransportReport {
    pub flags: MultitransportFlags,
    /// Reliable (UDPFECR) or lossy (UDPFECL) UDP is offered.
    pub udp: bool,
}

/// What the server's MCS Connect-Response data says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct McsReport {
    /// SC_CORE version, e.g. `0x00080004`.
    pub rdp_version: RdpVersion,
    /// Its name, e.g. `RDP 5.0 to 8.1`; `None` for a version without one.
    pub rdp_version_name: Option<String>,
    /// SC_CORE clientRequestedProtocols: the X.224 request, echoed.
    #[serde(with = "super::codes::protocol_key::option")]
    pub client_requested_protocols: Option<crate::wire::x224::Protocols>,
    /// SC_CORE earlyCapabilityFlags.
    pub early_capability_flags: Option<u32>,
    /// The static channels the server allocated, by the names the probe asked for.
    pub channels: Vec<String>,
    /// SC_NET MCSChannelId: the I/O channel.
    pub io_channel: Option<u16>,
    /// SC_MCS_MSGCHANNEL: the message channel, when the server has one.
    pub message_channel: Option<u16>,
    /// SC_MULTITRANSPORT, when sent.
    pub multitransport: Option<MultitransportReport>,
    /// The furthest step reached on the connection these data came from.
    pub stage: McsStage,
    /// How that connection ended.
    pub ending: Option<Ending>,
}
