//! TPKT (RFC 1006) and X.224 framing with the RDP negotiation structures of MS-RDPBCGR 2.2.1.1 and 2.2.1.2.
//!
//! `tpkt` frames packets; `connection` encodes and decodes the Connection Request and Confirm. This module holds
//! the codes and structures they share.

use std::fmt;

use crate::wire::registry::code_registry;

mod connection;
mod tpkt;

pub use connection::{MAX_LENGTH_INDICATOR, MAX_MSTSHASH_LEN};
pub use tpkt::{encode_tpkt, tpkt_packet_len, MAX_TPKT_LEN, TPKT_HEADER_LEN, TPKT_VERSION};

code_registry! {
    /// X.224 TPDU codes (upper nibble of the code byte), ITU-T X.224 13.1 table 8; names are X.224's abbreviations.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    pub struct TpduCode(u8);
    unknown = "unknown(0x{:02x})";
    CONNECTION_REQUEST => 0xE0 => "CR",
    CONNECTION_CONFIRM => 0xD0 => "CC",
    DISCONNECT_REQUEST => 0x80 => "DR",
    DATA => 0xF0 => "DT",
    ERROR => 0x70 => "ER",
}

/// A set of RDP security protocols (`requestedProtocols` / `selectedProtocol`), MS-RDPBCGR 2.2.1.1.1.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Protocols(pub u32);

/// One protocol's names: in MS-RDPBCGR, in JSON, and for an administrator.
struct ProtocolNames {
    protocol: Protocols,
    /// The constant's name in MS-RDPBCGR 2.2.1.1.1, printed by `Display`.
    spec: &'static str,
    /// The stable lower-case key of the JSON report.
    key: &'static str,
    /// What an administrator calls it.
    describe: &'static str,
}

impl Protocols {
    /// Standard RDP security: no bit set.
    pub const RDP: Self = Self(0x00);
    pub const SSL: Self = Self(0x01);
    pub const HYBRID: Self = Self(0x02);
    pub const RDSTLS: Self = Self(0x04);
    pub const HYBRID_EX: Self = Self(0x08);
    pub const RDSAAD: Self = Self(0x10);

    /// Every single protocol with its names, in the order probes run and reports list them.
    const NAMES: [ProtocolNames; 6] = [
        ProtocolNames {
            protocol: Self::RDP,
            spec: "PROTOCOL_RDP",
            key: "rdp",
            describe: "standard RDP security",
        },
        ProtocolNames {
            protocol: Self::SSL,
            spec: "PROTOCOL_SSL",
            key: "ssl",
            describe: "TLS",
        },
        ProtocolNames {
            protocol: Self::HYBRID,
            spec: "PROTOCOL_HYBRID",
            key: "hybrid",
            describe: "CredSSP (NLA)",
        },
        ProtocolNames {
            protocol: Self::RDSTLS,
            spec: "PROTOCOL_RDSTLS",
            key: "rdstls",
            describe: "RDSTLS",
        },
        ProtocolNames {
            protocol: Self::HYBRID_EX,
            spec: "PROTOCOL_HYBRID_EX",
            key: "hybrid_ex",
            describe: "CredSSP with early user authorization (NLA)",
        },
        ProtocolNames {
            protocol: Self::RDSAAD,
            spec: "PROTOCOL_RDSAAD",
            key: "rdsaad",
            describe: "RDS AAD (Entra ID) authentication",
        },
    ];

    /// Every single protocol, in the order probes run and reports list them.
    pub const ALL: [Self; 6] = {
        let mut all = [Self::RDP; 6];
        let mut i = 0;
        while i < all.len() {
            all[i] = Self::NAMES[i].protocol;
            i += 1;
        }
        all
    };

    fn names(self) -> Option<&'static ProtocolNames> {
        Self::NAMES.iter().find(|n| n.protocol == self)
    }

    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// The stable lower-case name used in JSON: `rdp`, `ssl`, `hybrid`, ... or `unknown(0x..)`.
    pub fn key(self) -> String {
        match self.names() {
            Some(n) => n.key.to_string(),
            None => format!("unknown(0x{:x})", self.0),
        }
    }

    /// What an administrator calls it.
    pub fn describe(self) -> &'static str {
        self.names().map_or("an unknown protocol", |n| n.describe)
    }
}

impl fmt::Debug for Protocols {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A single protocol prints as its MS-RDPBCGR name; a set as the names of its bits joined by `|`, unknown bits last.
impl fmt::Display for Protocols {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(n) = self.names() {
            return f.write_str(n.spec);
        }
        let mut first = true;
        let mut rest = self.0;
        for p in &Self::ALL[1..] {
            if self.contains(*p) {
                if !first {
                    f.write_str("|")?;
                }
                first = false;
                write!(f, "{p}")?;
                rest &= !p.0;
            }
        }
        if rest != 0 {
            if !first {
                f.write_str("|")?;
            }
            write!(f, "unknown(0x{rest:x})")?;
        }
        Ok(())
    }
}

/// RDP_NEG_REQ flags, MS-RDPBCGR 2.2.1.1.1.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct RequestFlags(pub u8);

impl RequestFlags {
    pub const RESTRICTED_ADMIN_MODE_REQUIRED: Self = Self(0x01);
    pub const REDIRECTED_AUTHENTICATION_MODE_REQUIRED: Self = Self(0x02);
    /// An RDP_NEG_CORRELATION_INFO (MS-RDPBCGR 2.2.1.1.2) follows the RDP_NEG_REQ.
    pub const CORRELATION_INFO_PRESENT: Self = Self(0x08);
}

/// RDP_NEG_RSP flags, MS-RDPBCGR 2.2.1.2.1.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ResponseFlags(pub u8);

impl ResponseFlags {
    pub const EXTENDED_CLIENT_DATA_SUPPORTED: Self = Self(0x01);
    pub const DYNVC_GFX_PROTOCOL_SUPPORTED: Self = Self(0x02);
    pub const NEGRSP_FLAG_RESERVED: Self = Self(0x04);
    pub const RESTRICTED_ADMIN_MODE_SUPPORTED: Self = Self(0x08);
    /// Remote Credential Guard.
    pub const REDIRECTED_AUTHENTICATION_MODE_SUPPORTED: Self = Self(0x10);

    const NAMES: [(Self, &'static str); 5] = [
        (Self::EXTENDED_CLIENT_DATA_SUPPORTED, "extended_client_data"),
        (Self::DYNVC_GFX_PROTOCOL_SUPPORTED, "gfx"),
        (Self::NEGRSP_FLAG_RESERVED, "reserved"),
        (Self::RESTRICTED_ADMIN_MODE_SUPPORTED, "restricted_admin"),
        (
            Self::REDIRECTED_AUTHENTICATION_MODE_SUPPORTED,
            "redirected_authentication",
        ),
    ];

    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// The names of the set flags; unknown bits as `unknown(0x..)`.
    pub fn names(self) -> Vec<String> {
        crate::wire::registry::flag_names(
            u32::from(self.0),
            Self::NAMES.map(|(f, n)| (u32::from(f.0), n)),
        )
    }
}

code_registry! {
    /// RDP_NEG_FAILURE failureCode, MS-RDPBCGR 2.2.1.2.2. Unknown codes are kept and print as `unknown(0x07)`.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    pub struct FailureCode(u32);
    unknown = "unknown(0x{:02x})";
    SSL_REQUIRED_BY_SERVER => 1 => "SSL_REQUIRED_BY_SERVER",
    SSL_NOT_ALLOWED_BY_SERVER => 2 => "SSL_NOT_ALLOWED_BY_SERVER",
    SSL_CERT_NOT_ON_SERVER => 3 => "SSL_CERT_NOT_ON_SERVER",
    /// Only possible with the Direct Approach, MS-RDPBCGR 5.4.2.2.
    INCONSISTENT_FLAGS => 4 => "INCONSISTENT_FLAGS",
    HYBRID_REQUIRED_BY_SERVER => 5 => "HYBRID_REQUIRED_BY_SERVER",
    SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER => 6 => "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
}

code_registry! {
    /// The `type` byte of the 8-byte RDP negotiation structures, MS-RDPBCGR 2.2.1.1.1, 2.2.1.1.2, 2.2.1.2.1 and
    /// 2.2.1.2.2.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    pub struct NegotiationType(u8);
    unknown = "unknown(0x{:02x})";
    RDP_NEG_REQ => 0x01 => "RDP_NEG_REQ",
    RDP_NEG_RSP => 0x02 => "RDP_NEG_RSP",
    RDP_NEG_FAILURE => 0x03 => "RDP_NEG_FAILURE",
    /// Follows an RDP_NEG_REQ whose flags hold CORRELATION_INFO_PRESENT; 36 bytes, not 8.
    RDP_NEG_CORRELATION_INFO => 0x06 => "RDP_NEG_CORRELATION_INFO",
}

/// RDP_NEG_REQ, MS-RDPBCGR 2.2.1.1.1.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct NegotiationRequest {
    /// `flags`, MS-RDPBCGR 2.2.1.1.1.
    pub flags: RequestFlags,
    /// `requestedProtocols` (u32 LE), MS-RDPBCGR 2.2.1.1.1.
    pub requested: Protocols,
}

/// X.224 Connection Request, MS-RDPBCGR 2.2.1.1.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ConnectionRequest {
    /// `Cookie: mstshash=NAME\r\n` (the NAME part), or a routing token line `Cookie: msts=...\r\n` kept whole.
    pub cookie: Option<Cookie>,
    /// `rdpNegReq`, absent for a legacy client.
    pub negotiation: Option<NegotiationRequest>,
}

/// The optional line before RDP_NEG_REQ in a Connection Request, MS-RDPBCGR 2.2.1.1 (`routingToken` or `cookie`,
/// each ended by CR LF and counted in the X.224 length indicator).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Cookie {
    /// `Cookie: mstshash=NAME`, the user name hint clients send.
    MstsHash(String),
    /// Any other line ending in CR LF, e.g. a load balancer's `Cookie: msts=` routing token.
    RoutingToken(Vec<u8>),
}

/// The negotiation part of a Connection Confirm.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NegotiationReply {
    /// A legacy server sent no negotiation data: standard RDP security only.
    None,
    /// RDP_NEG_RSP, MS-RDPBCGR 2.2.1.2.1.
    Response {
        /// `flags`, MS-RDPBCGR 2.2.1.2.1.
        flags: ResponseFlags,
        /// `selectedProtocol` (u32 LE), MS-RDPBCGR 2.2.1.2.1.
        selected: Protocols,
    },
    /// RDP_NEG_FAILURE, MS-RDPBCGR 2.2.1.2.2.
    Failure(FailureCode),
}

/// X.224 Connection Confirm, MS-RDPBCGR 2.2.1.2.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ConnectionConfirm {
    /// DST-REF, X.224 13.4: the client's SRC-REF echoed, 0 from mstsc.
    pub dst_ref: u16,
    /// SRC-REF, X.224 13.4. Windows and xrdp send 0x1234, FreeRDP 0; any value is accepted.
    pub src_ref: u16,
    /// The class option byte, X.224 13.4; class 0 (MS-RDPBCGR 2.2.1.2: `x224Ccf`).
    pub class: u8,
    /// `rdpNegData`, MS-RDPBCGR 2.2.1.2.
    pub negotiation: NegotiationReply,
}

/// Whatever a server sent where a Connection Confirm was expected.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum X224Reply {
    Confirm(ConnectionConfirm),
    /// X.224 Disconnect Request; `reason` is the DR reason byte.
    Disconnect {
        /// The reason byte of the DR TPDU, X.224 13.5.
        reason: u8,
    },
    /// An X.224 Data TPDU. xrdp answers an RDSAAD request with MCS Disconnect Provider Ultimatum (`21 80`).
    Data {
        /// The payload is an MCS Disconnect Provider Ultimatum (T.125 PER choice 8).
        mcs_disconnect: bool,
        payload: Vec<u8>,
    },
    /// An X.224 Error TPDU or another code.
    Other {
        code: TpduCode,
    },
}

#[cfg(test)]
mod tests;
