//! The Set Error Info PDU (MS-RDPBCGR 2.2.5.1): a Share Data PDU of type PDUTYPE2_SET_ERROR_INFO_PDU that a
//! server sends on the I/O channel before it disconnects, with the `errorInfo` codes of 2.2.5.1.1; and the
//! TS_SECURITY_HEADER flags (2.2.8.1.1.2.1) that say what a Send Data PDU carries under standard RDP security.

use crate::wire::reader::{DecodeError, Reader};
use crate::wire::registry::code_registry;
use crate::wire::writer::{u16_len, EncodeError};

/// `pduType2` of the Set Error Info PDU, MS-RDPBCGR 2.2.8.1.1.1.2.
pub const PDUTYPE2_SET_ERROR_INFO_PDU: u8 = 0x2F;
/// `pduType` PDUTYPE_DATAPDU with TS_PROTOCOL_VERSION, MS-RDPBCGR 2.2.8.1.1.1.1.
const PDUTYPE_DATAPDU: u16 = 0x0017;

code_registry! {
    /// `errorInfo` of the Set Error Info PDU, MS-RDPBCGR 2.2.5.1.1 (the main codes; others print as numbers).
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    pub struct ErrorInfo(u32);
    unknown = "unknown(0x{:08x})";
    NONE => 0x0000_0000 => "ERRINFO_NONE",
    RPC_INITIATED_DISCONNECT => 0x0000_0001 => "ERRINFO_RPC_INITIATED_DISCONNECT",
    RPC_INITIATED_LOGOFF => 0x0000_0002 => "ERRINFO_RPC_INITIATED_LOGOFF",
    IDLE_TIMEOUT => 0x0000_0003 => "ERRINFO_IDLE_TIMEOUT",
    LOGON_TIMEOUT => 0x0000_0004 => "ERRINFO_LOGON_TIMEOUT",
    DISCONNECTED_BY_OTHERCONNECTION => 0x0000_0005 => "ERRINFO_DISCONNECTED_BY_OTHERCONNECTION",
    OUT_OF_MEMORY => 0x0000_0006 => "ERRINFO_OUT_OF_MEMORY",
    SERVER_DENIED_CONNECTION => 0x0000_0007 => "ERRINFO_SERVER_DENIED_CONNECTION",
    SERVER_DENIED_CONNECTION_FIPS => 0x0000_0008 => "ERRINFO_SERVER_DENIED_CONNECTION_FIPS",
    SERVER_INSUFFICIENT_PRIVILEGES => 0x0000_0009 => "ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES",
    SERVER_FRESH_CREDENTIALS_REQUIRED => 0x0000_000A => "ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED",
    RPC_INITIATED_DISCONNECT_BYUSER => 0x0000_000B => "ERRINFO_RPC_INITIATED_DISCONNECT_BYUSER",
    LOGOFF_BY_USER => 0x0000_000C => "ERRINFO_LOGOFF_BY_USER",
    CLOSE_STACK_ON_DRIVER_NOT_READY => 0x0000_000F => "ERRINFO_CLOSE_STACK_ON_DRIVER_NOT_READY",
    SERVER_DWM_CRASH => 0x0000_0010 => "ERRINFO_SERVER_DWM_CRASH",
    CLOSE_STACK_ON_DRIVER_FAILURE => 0x0000_0011 => "ERRINFO_CLOSE_STACK_ON_DRIVER_FAILURE",
    CLOSE_STACK_ON_DRIVER_IFACE_FAILURE => 0x0000_0012 => "ERRINFO_CLOSE_STACK_ON_DRIVER_IFACE_FAILURE",
    SERVER_WINLOGON_CRASH => 0x0000_0017 => "ERRINFO_SERVER_WINLOGON_CRASH",
    SERVER_CSRSS_CRASH => 0x0000_0018 => "ERRINFO_SERVER_CSRSS_CRASH",
    SERVER_SHUTDOWN => 0x0000_0019 => "ERRINFO_SERVER_SHUTDOWN",
    SERVER_REBOOT => 0x0000_001A => "ERRINFO_SERVER_REBOOT",
    LICENSE_INTERNAL => 0x0000_0100 => "ERRINFO_LICENSE_INTERNAL",
    LICENSE_NO_LICENSE_SERVER => 0x0000_0101 => "ERRINFO_LICENSE_NO_LICENSE_SERVER",
    LICENSE_NO_LICENSE => 0x0000_0102 => "ERRINFO_LICENSE_NO_LICENSE",
    LICENSE_BAD_CLIENT_MSG => 0x0000_0103 => "ERRINFO_LICENSE_BAD_CLIENT_MSG",
    LICENSE_HWID_DOESNT_MATCH_LICENSE => 0x0000_0104 => "ERRINFO_LICENSE_HWID_DOESNT_MATCH_LICENSE",
    LICENSE_BAD_CLIENT_LICENSE => 0x0000_0105 => "ERRINFO_LICENSE_BAD_CLIENT_LICENSE",
    LICENSE_CANT_FINISH_PROTOCOL => 0x0000_0106 => "ERRINFO_LICENSE_CANT_FINISH_PROTOCOL",
    LICENSE_CLIENT_ENDED_PROTOCOL => 0x0000_0107 => "ERRINFO_LICENSE_CLIENT_ENDED_PROTOCOL",
    LICENSE_BAD_CLIENT_ENCRYPTION => 0x0000_0108 => "ERRINFO_LICENSE_BAD_CLIENT_ENCRYPTION",
    LICENSE_CANT_UPGRADE_LICENSE => 0x0000_0109 => "ERRINFO_LICENSE_CANT_UPGRADE_LICENSE",
    LICENSE_NO_REMOTE_CONNECTIONS => 0x0000_010A => "ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS",
    CB_DESTINATION_NOT_FOUND => 0x0000_0400 => "ERRINFO_CB_DESTINATION_NOT_FOUND",
    CB_LOADING_DESTINATION => 0x0000_0402 => "ERRINFO_CB_LOADING_DESTINATION",
    CB_REDIRECTING_TO_DESTINATION => 0x0000_0404 => "ERRINFO_CB_REDIRECTING_TO_DESTINATION",
    CB_CONNECTION_CANCELLED => 0x0000_0409 => "ERRINFO_CB_CONNECTION_CANCELLED",
    UNKNOWNPDUTYPE2 => 0x0000_10C9 => "ERRINFO_UNKNOWNPDUTYPE2",
    UNKNOWNPDUTYPE => 0x0000_10CA => "ERRINFO_UNKNOWNPDUTYPE",
    DATAPDUSEQUENCE => 0x0000_10CB => "ERRINFO_DATAPDUSEQUENCE",
    CONTROLPDUSEQUENCE => 0x0000_10CD => "ERRINFO_CONTROLPDUSEQUENCE",
    INVALIDCONTROLPDUACTION => 0x0000_10CE => "ERRINFO_INVALIDCONTROLPDUACTION",
    INVALIDINPUTPDUTYPE => 0x0000_10CF => "ERRINFO_INVALIDINPUTPDUTYPE",
    INVALIDINPUTPDUMOUSE => 0x0000_10D0 => "ERRINFO_INVALIDINPUTPDUMOUSE",
    INVALIDREFRESHRECTPDU => 0x0000_10D1 => "ERRINFO_INVALIDREFRESHRECTPDU",
    CREATEUSERDATAFAILED => 0x0000_10D2 => "ERRINFO_CREATEUSERDATAFAILED",
    CONNECTFAILED => 0x0000_10D3 => "ERRINFO_CONNECTFAILED",
    CONFIRMACTIVEWRONGSHAREID => 0x0000_10D4 => "ERRINFO_CONFIRMACTIVEWRONGSHAREID",
    CONFIRMACTIVEWRONGORIGINATOR => 0x0000_10D5 => "ERRINFO_CONFIRMACTIVEWRONGORIGINATOR",
    SECURITYDATATOOSHORT => 0x0000_10E0 => "ERRINFO_SECURITYDATATOOSHORT",
    VCHANNELDATATOOSHORT => 0x0000_10E1 => "ERRINFO_VCHANNELDATATOOSHORT",
    SHAREDATATOOSHORT => 0x0000_10E2 => "ERRINFO_SHAREDATATOOSHORT",
    BADCAPABILITIES => 0x0000_10EA => "ERRINFO_BADCAPABILITIES",
    INVALIDCHANNELID => 0x0000_10EF => "ERRINFO_INVALIDCHANNELID",
    VCHANNELSTOOMANY => 0x0000_10F0 => "ERRINFO_VCHANNELSTOOMANY",
    REMOTEAPPSNOTENABLED => 0x0000_10F3 => "ERRINFO_REMOTEAPPSNOTENABLED",
    BADMONITORDATA => 0x0000_1129 => "ERRINFO_BADMONITORDATA",
    GRAPHICSSUBSYSTEMFAILED => 0x0000_112F => "ERRINFO_GRAPHICSSUBSYSTEMFAILED",
    UPDATESESSIONKEYFAILED => 0x0000_1191 => "ERRINFO_UPDATESESSIONKEYFAILED",
    DECRYPTFAILED => 0x0000_1192 => "ERRINFO_DECRYPTFAILED",
    ENCRYPTFAILED => 0x0000_1193 => "ERRINFO_ENCRYPTFAILED",
    ENCPKGMISMATCH => 0x0000_1194 => "ERRINFO_ENCPKGMISMATCH",
    DECRYPTFAILED2 => 0x0000_1195 => "ERRINFO_DECRYPTFAILED2",
}

/// TS_SECURITY_HEADER `flags`, MS-RDPBCGR 2.2.8.1.1.2.1.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug)]
pub struct SecurityFlags(pub u16);

impl SecurityFlags {
    /// SEC_EXCHANGE_PKT: a Security Exchange PDU (the client random, encrypted to the server's key).
    pub const EXCHANGE_PKT: Self = Self(0x0001);
    /// SEC_ENCRYPT: the data is encrypted.
    pub const ENCRYPT: Self = Self(0x0008);
    /// SEC_INFO_PKT: a Client Info PDU, which carries the user name and password.
    pub const INFO_PKT: Self = Self(0x0040);
    /// SEC_LICENSE_PKT: a licensing PDU.
    pub const LICENSE_PKT: Self = Self(0x0080);

    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

/// The Set Error Info PDU, MS-RDPBCGR 2.2.5.1.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SetErrorInfo {
    /// `pduSource` of the Share Control Header: the server's channel (1002 from Windows).
    pub source: u16,
    /// `shareId` of the Share Data Header.
    pub share_id: u32,
    pub error_info: ErrorInfo,
}

const PDU: &str = "TS_SET_ERROR_INFO_PDU";

impl SetErrorInfo {
    /// Reads the data of a Send Data Indication on the I/O channel. `security_header`: standard RDP security
    /// with an encryption level above none, where every PDU starts with a TS_SECURITY_HEADER. `None`: another
    /// PDU, or an encrypted one that cannot be read without the session keys.
    pub fn decode(data: &[u8], security_header: bool) -> Result<Option<Self>, DecodeError> {
        let mut r = Reader::new(PDU, data);
        if security_header {
            let flags = SecurityFlags(r.u16_le("securityHeader.flags")?);
            let _hi = r.u16_le("securityHeader.flagsHi")?;
            if flags.contains(SecurityFlags::ENCRYPT) || flags.contains(SecurityFlags::LICENSE_PKT)
            {
                return Ok(None);
            }
        }
        let total = usize::from(r.u16_le("shareControlHeader.totalLength")?);
        let pdu_type = r.u16_le("shareControlHeader.pduType")?;
        if pdu_type & 0x000F != PDUTYPE_DATAPDU & 0x000F {
            return Ok(None);
        }
        let source = r.u16_le("shareControlHeader.pduSource")?;
        if total < 6 {
            return Err(r.invalid("shareControlHeader.totalLength", format!("{total}")));
        }
        let mut body = r.sub("shareControlHeader.totalLength", total - 6)?;
        let share_id = body.u32_le("shareDataHeader.shareId")?;
        let _pad = body.u8("shareDataHeader.pad1")?;
        let _stream = body.u8("shareDataHeader.streamId")?;
        let _len = body.u16_le("shareDataHeader.uncompressedLength")?;
        let pdu_type2 = body.u8("shareDataHeader.pduType2")?;
        if pdu_type2 != PDUTYPE2_SET_ERROR_INFO_PDU {
            return Ok(None);
        }
        let _compressed_type = body.u8("shareDataHeader.compressedType")?;
        let _compressed_len = body.u16_le("shareDataHeader.compressedLength")?;
        let error_info = ErrorInfo(body.u32_le("errorInfo")?);
        Ok(Some(Self {
            source,
            share_id,
            error_info,
        }))
    }

    /// The PDU as Send Data Indication data; with `security_header`, a TS_SECURITY_HEADER with no flags first.
    pub fn encode(&self, security_header: bool) -> Result<Vec<u8>, EncodeError> {
        // Share Control Header (6) + Share Data Header (12) + errorInfo (4).
        let total = u16_len(PDU, "shareControlHeader.totalLength", 22)?;
        let mut out = Vec::with_capacity(26);
        if security_header {
            out.extend_from_slice(&[0, 0, 0, 0]);
        }
        out.extend_from_slice(&total.to_le_bytes());
        out.extend_from_slice(&PDUTYPE_DATAPDU.to_le_bytes());
        out.extend_from_slice(&self.source.to_le_bytes());
        out.extend_from_slice(&self.share_id.to_le_bytes());
        out.push(0); // pad1
        out.push(1); // streamId: STREAM_LOW
        out.extend_from_slice(&4u16.to_le_bytes()); // uncompressedLength
        out.push(PDUTYPE2_SET_ERROR_INFO_PDU);
        out.push(0);
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&self.error_info.0.to_le_bytes());
        Ok(out)
    }
}
