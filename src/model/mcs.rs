//! What the MCS stage reports: how a server ended a connection ([`Ending`]), the furthest step reached
//! ([`McsStage`]), native RDP security ([`RdpSecurityReport`]) and the server's MCS data ([`McsReport`]).
//!
//! The wire codes stay typed; only serialization spells them, in `codes.rs`: encryption methods and levels by
//! their report names (`40bit`, `client_compatible`), the RDP version as `0x00080004`, MCS results and reasons by
//! their T.125 names, errorInfo by its MS-RDPBCGR name.

use serde::{Deserialize, Serialize};

use super::Ending;

pub use crate::wire::mcs::{
    DisconnectReason, EncryptionLevel, EncryptionMethod, ErrorInfo, McsResult, MultitransportFlags,
    RdpVersion,
};

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
