//! The MCS connection of MS-RDPBCGR 2.2.1.3 to 2.2.1.9 and 2.2.5.1: T.125 Connect-Initial and Connect-Response
//! (BER), the T.124 GCC Conference Create Request and Response (PER) around the client and server data blocks,
//! the domain PDUs (Erect Domain, Attach User, Channel Join, Disconnect Provider Ultimatum, Send Data), the
//! proprietary server certificate with the Terminal Services signing key, and the Set Error Info PDU.
//!
//! Every MCS PDU travels in an X.224 Data TPDU (`02 F0 80`) inside TPKT; [`encode_x224_data`] and
//! [`x224_data_payload`] do that framing once.

use crate::wire::reader::{DecodeError, Reader};
use crate::wire::registry::code_registry;
use crate::wire::writer::EncodeError;
use crate::wire::x224::{encode_tpkt, TPKT_HEADER_LEN};

mod ber;
mod client_data;
mod domain;
mod errinfo;
mod gcc;
mod proprietary;
mod server_data;

pub use ber::{ConnectInitial, ConnectResponse, DomainParameters};
pub use client_data::{
    ChannelDef, ClientBlock, ClientCluster, ClientCore, ClientData, ClientNetwork, ClientSecurity,
    RNS_UD_CS_SUPPORT_ERRINFO_PDU,
};
pub use domain::{DomainPdu, SendData};
pub use errinfo::{ErrorInfo, SecurityFlags, SetErrorInfo, PDUTYPE2_SET_ERROR_INFO_PDU};
pub use gcc::{ConferenceCreateRequest, ConferenceCreateResponse};
pub use proprietary::{
    ProprietaryCertificate, RsaPublicKeyBlob, ServerCertificate, X509Chain, TS_SIGNING_MODULUS,
};
pub use server_data::{
    ServerBlock, ServerCore, ServerData, ServerKeys, ServerMessageChannel, ServerMultitransport,
    ServerNetwork, ServerSecurity, UnknownBlock,
};

/// Channel ids start here (T.125 `DynamicChannelId`); user ids in PER are sent minus this base.
pub const MCS_BASE_CHANNEL_ID: u16 = 1001;
/// The X.224 Data TPDU header every MCS PDU follows: LI 2, DT code 0xF0, EOT (ITU-T X.224 13.7).
pub const X224_DATA_HEADER: [u8; 3] = [0x02, 0xF0, 0x80];

/// Wraps an MCS PDU in an X.224 Data TPDU and TPKT, as MS-RDPBCGR 2.2.1.3 (`x224Data`) sends it.
pub fn encode_x224_data(payload: &[u8]) -> Result<Vec<u8>, EncodeError> {
    let mut body = Vec::with_capacity(X224_DATA_HEADER.len() + payload.len());
    body.extend_from_slice(&X224_DATA_HEADER);
    body.extend_from_slice(payload);
    encode_tpkt(&body)
}

/// The MCS PDU inside one whole TPKT packet holding an X.224 Data TPDU.
pub fn x224_data_payload(packet: &[u8]) -> Result<&[u8], DecodeError> {
    let mut r = Reader::new("X224_DT", packet);
    let header = r.take("tpkt", TPKT_HEADER_LEN)?;
    let len = crate::wire::x224::tpkt_packet_len([header[0], header[1], header[2], header[3]])?;
    if len != packet.len() {
        return Err(r.invalid(
            "tpkt",
            format!("header says {len} bytes, packet has {}", packet.len()),
        ));
    }
    let li = r.u8("li")?;
    let code = r.u8("code")?;
    if code & 0xF0 != 0xF0 {
        return Err(r.invalid("code", format!("expected DT (0xf0), got 0x{code:02x}")));
    }
    if li != 2 {
        return Err(r.invalid("li", format!("a Data TPDU has LI 2, got {li}")));
    }
    let _eot = r.u8("eot")?;
    Ok(r.rest())
}

code_registry! {
    /// The RDP version in client and server core data (`version`), MS-RDPBCGR 2.2.1.3.2 and 2.2.1.4.2.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    pub struct RdpVersion(u32);
    unknown = "unknown(0x{:08x})";
    RDP4 => 0x0008_0001 => "RDP 4.0",
    /// RDP 5.0, 5.1, 5.2, 6.0, 6.1, 7.0, 7.1, 8.0 and 8.1.
    RDP5 => 0x0008_0004 => "RDP 5.0 to 8.1",
    RDP10_0 => 0x0008_0005 => "RDP 10.0",
    RDP10_1 => 0x0008_0006 => "RDP 10.1",
    RDP10_2 => 0x0008_0007 => "RDP 10.2",
    RDP10_3 => 0x0008_0008 => "RDP 10.3",
    RDP10_4 => 0x0008_0009 => "RDP 10.4",
    RDP10_5 => 0x0008_000A => "RDP 10.5",
    RDP10_6 => 0x0008_000B => "RDP 10.6",
    RDP10_7 => 0x0008_000C => "RDP 10.7",
    RDP10_8 => 0x0008_000D => "RDP 10.8",
    RDP10_9 => 0x0008_000E => "RDP 10.9",
    RDP10_10 => 0x0008_000F => "RDP 10.10",
    RDP10_11 => 0x0008_0010 => "RDP 10.11",
    RDP10_12 => 0x0008_0011 => "RDP 10.12",
}

impl RdpVersion {
    /// The code as the report spells it: `0x00080004`.
    pub fn hex(self) -> String {
        format!("0x{:08x}", self.0)
    }
}

code_registry! {
    /// One encryption method: the server's `encryptionMethod` (SC_SECURITY, MS-RDPBCGR 2.2.1.4.3), or one bit of
    /// the client's `encryptionMethods` (CS_SECURITY, 2.2.1.3.3). Names as the JSON report spells them.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct EncryptionMethod(u32);
    unknown = "unknown(0x{:08x})";
    NONE => 0x00 => "none",
    /// ENCRYPTION_METHOD_40BIT: RC4 with a 40-bit key.
    BIT40 => 0x01 => "40bit",
    /// ENCRYPTION_METHOD_128BIT: RC4 with a 128-bit key.
    BIT128 => 0x02 => "128bit",
    /// ENCRYPTION_METHOD_56BIT: RC4 with a 56-bit key.
    BIT56 => 0x08 => "56bit",
    /// ENCRYPTION_METHOD_FIPS: 3DES with SHA-1 MACs.
    FIPS => 0x10 => "fips",
}

impl EncryptionMethod {
    /// The four methods a client can offer, in the order nmap's rdp-enum-encryption and the report list them.
    pub const OFFERED: [Self; 4] = [Self::BIT40, Self::BIT56, Self::BIT128, Self::FIPS];
}

code_registry! {
    /// The server's `encryptionLevel`, SC_SECURITY, MS-RDPBCGR 2.2.1.4.3. Names as the JSON report spells them.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct EncryptionLevel(u32);
    unknown = "unknown(0x{:08x})";
    NONE => 0 => "none",
    LOW => 1 => "low",
    CLIENT_COMPATIBLE => 2 => "client_compatible",
    HIGH => 3 => "high",
    FIPS => 4 => "fips",
}

/// The client's `encryptionMethods` (CS_SECURITY, MS-RDPBCGR 2.2.1.3.3): a set of [`EncryptionMethod`] bits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EncryptionMethods(pub u32);

impl EncryptionMethods {
    /// Every method mstsc offers with standard RDP security.
    pub const ALL: Self = Self(0x1B);

    pub fn contains(self, m: EncryptionMethod) -> bool {
        m.0 != 0 && self.0 & m.0 == m.0
    }

    pub fn only(m: EncryptionMethod) -> Self {
        Self(m.0)
    }
}

impl std::fmt::Debug for EncryptionMethods {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = EncryptionMethod::OFFERED
            .iter()
            .filter(|m| self.contains(**m))
            .map(|m| m.to_string())
            .collect();
        write!(f, "0x{:02x} [{}]", self.0, names.join("|"))
    }
}

/// SC_MULTITRANSPORT `flags`, MS-RDPBCGR 2.2.1.4.6: which UDP transports the server offers.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug)]
pub struct MultitransportFlags(pub u32);

impl MultitransportFlags {
    /// TRANSPORTTYPE_UDPFECR: reliable UDP.
    pub const UDPFECR: Self = Self(0x01);
    /// TRANSPORTTYPE_UDPFECL: lossy UDP.
    pub const UDPFECL: Self = Self(0x04);
    /// TRANSPORTTYPE_UDP_PREFERRED.
    pub const UDP_PREFERRED: Self = Self(0x100);
    /// SOFTSYNC_TCP_TO_UDP.
    pub const SOFTSYNC_TCP_TO_UDP: Self = Self(0x200);

    const NAMES: [(Self, &'static str); 4] = [
        (Self::UDPFECR, "udpfecr"),
        (Self::UDPFECL, "udpfecl"),
        (Self::UDP_PREFERRED, "udp_preferred"),
        (Self::SOFTSYNC_TCP_TO_UDP, "softsync_tcp_to_udp"),
    ];

    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// The names of the set flags; unknown bits as `unknown(0x..)`.
    pub fn names(self) -> Vec<String> {
        crate::wire::registry::flag_names(self.0, Self::NAMES.map(|(f, n)| (f.0, n)))
    }
}

code_registry! {
    /// The type of a client or server data block (`TS_UD_HEADER.type`), MS-RDPBCGR 2.2.1.3.1.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    pub struct UserDataType(u16);
    unknown = "unknown(0x{:04x})";
    CS_CORE => 0xC001 => "CS_CORE",
    CS_SECURITY => 0xC002 => "CS_SECURITY",
    CS_NET => 0xC003 => "CS_NET",
    CS_CLUSTER => 0xC004 => "CS_CLUSTER",
    CS_MONITOR => 0xC005 => "CS_MONITOR",
    CS_MCS_MSGCHANNEL => 0xC006 => "CS_MCS_MSGCHANNEL",
    CS_MONITOR_EX => 0xC008 => "CS_MONITOR_EX",
    CS_MULTITRANSPORT => 0xC00A => "CS_MULTITRANSPORT",
    SC_CORE => 0x0C01 => "SC_CORE",
    SC_SECURITY => 0x0C02 => "SC_SECURITY",
    SC_NET => 0x0C03 => "SC_NET",
    SC_MCS_MSGCHANNEL => 0x0C04 => "SC_MCS_MSGCHANNEL",
    SC_MULTITRANSPORT => 0x0C08 => "SC_MULTITRANSPORT",
}

code_registry! {
    /// T.125 `Result` (ENUMERATED), in Connect-Response, Attach User Confirm and Channel Join Confirm.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    pub struct McsResult(u8);
    unknown = "unknown({})";
    SUCCESSFUL => 0 => "rt-successful",
    DOMAIN_MERGING => 1 => "rt-domain-merging",
    DOMAIN_NOT_HIERARCHICAL => 2 => "rt-domain-not-hierarchical",
    NO_SUCH_CHANNEL => 3 => "rt-no-such-channel",
    NO_SUCH_DOMAIN => 4 => "rt-no-such-domain",
    NO_SUCH_USER => 5 => "rt-no-such-user",
    NOT_ADMITTED => 6 => "rt-not-admitted",
    OTHER_USER_ID => 7 => "rt-other-user-id",
    PARAMETERS_UNACCEPTABLE => 8 => "rt-parameters-unacceptable",
    TOKEN_NOT_AVAILABLE => 9 => "rt-token-not-available",
    TOKEN_NOT_POSSESSED => 10 => "rt-token-not-possessed",
    TOO_MANY_CHANNELS => 11 => "rt-too-many-channels",
    TOO_MANY_TOKENS => 12 => "rt-too-many-tokens",
    TOO_MANY_USERS => 13 => "rt-too-many-users",
    UNSPECIFIED_FAILURE => 14 => "rt-unspecified-failure",
    USER_REJECTED => 15 => "rt-user-rejected",
}

code_registry! {
    /// T.125 `Reason` of a Disconnect Provider Ultimatum.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    pub struct DisconnectReason(u8);
    unknown = "unknown({})";
    DOMAIN_DISCONNECTED => 0 => "rn-domain-disconnected",
    PROVIDER_INITIATED => 1 => "rn-provider-initiated",
    TOKEN_PURGED => 2 => "rn-token-purged",
    USER_REQUESTED => 3 => "rn-user-requested",
    CHANNEL_PURGED => 4 => "rn-channel-purged",
}

#[cfg(test)]
mod tests;
