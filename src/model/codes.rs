//! How the wire codes the report carries are spelt in JSON: the names `docs/json.md` documents, and back.
//!
//! The codes stay typed everywhere ([`ProtocolVersion`], [`CipherSuite`], [`NamedGroup`], [`Protocols`],
//! [`FailureCode`], [`ResponseFlags`]); only serialization turns them into text, here and nowhere else.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use crate::wire::mcs::{
    DisconnectReason, EncryptionLevel, EncryptionMethod, ErrorInfo, McsResult, MultitransportFlags,
    RdpVersion,
};
use crate::wire::tls::{
    suites, AlertDescription, CipherSuite, ExtensionType, NamedGroup, ProtocolVersion,
};
use crate::wire::x224::{FailureCode, Protocols, ResponseFlags};

/// The number inside `unknown(0x..)` (or `unknown(..)`, in decimal), the spelling of a code without a name.
fn unknown_code(text: &str) -> Option<u32> {
    let inner = text.strip_prefix("unknown(")?.strip_suffix(')')?;
    match inner.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => inner.parse().ok(),
    }
}

/// Parses one of the spellings of a code type, or says which type and text did not match.
fn parse_with<T, E: de::Error>(
    what: &'static str,
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, E> {
    parse(text).ok_or_else(|| E::custom(format!("unknown {what} {text:?}")))
}

/// A visitor of one string, parsed by a function.
struct StrVisitor<F>(&'static str, F);

impl<'de, T, F: Fn(&str) -> Option<T>> Visitor<'de> for StrVisitor<F> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} name", self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        parse_with(self.0, v, &self.1)
    }
}

/// `Serialize`/`Deserialize` for a code type spelt by `Display` and read back by `$parse`.
macro_rules! serde_by_name {
    ($($t:ty, $what:literal, $parse:expr;)*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str(StrVisitor($what, $parse))
            }
        }
    )*};
}

/// The suite of an IANA name, a signalling value's name, or `unknown(0x....)`.
pub fn suite_by_name(name: &str) -> Option<CipherSuite> {
    suites::by_iana_name(name)
        .map(|i| CipherSuite(i.id))
        .or_else(|| {
            [
                CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
                CipherSuite::TLS_FALLBACK_SCSV,
            ]
            .into_iter()
            .find(|s| s.name() == name)
        })
        .or_else(|| unknown_code(name).and_then(|c| u16::try_from(c).ok().map(CipherSuite)))
}

/// The group of a name (`x25519`, `secp256r1`, ...) or `unknown(0x....)`.
pub fn group_by_name(name: &str) -> Option<NamedGroup> {
    NamedGroup::NAMED
        .into_iter()
        .find(|g| g.name() == Some(name))
        .or_else(|| unknown_code(name).and_then(|c| u16::try_from(c).ok().map(NamedGroup)))
}

/// The extension of an IANA name (`server_name`, `renegotiation_info`, ...) or `unknown(0x....)`.
pub fn extension_by_name(name: &str) -> Option<ExtensionType> {
    ExtensionType::from_name(name)
        .or_else(|| unknown_code(name).and_then(|c| u16::try_from(c).ok().map(ExtensionType)))
}

/// The version of a label (`SSL3.0` ... `TLS1.3`) or `unknown(0x....)`.
pub fn version_by_label(label: &str) -> Option<ProtocolVersion> {
    ProtocolVersion::from_label(label)
        .or_else(|| unknown_code(label).and_then(|c| u16::try_from(c).ok().map(ProtocolVersion)))
}

/// The protocol of a report key (`rdp`, `ssl`, `hybrid`, `rdstls`, `hybrid_ex`, `rdsaad`) or `unknown(0x..)`.
pub fn protocol_by_key(key: &str) -> Option<Protocols> {
    Protocols::ALL
        .into_iter()
        .find(|p| p.key() == key)
        .or_else(|| unknown_code(key).map(Protocols))
}

fn failure_by_name(name: &str) -> Option<FailureCode> {
    (0..=u8::MAX)
        .map(|c| FailureCode(u32::from(c)))
        .find(|c| c.name() == Some(name))
        .or_else(|| unknown_code(name).map(FailureCode))
}

fn alert_by_name(name: &str) -> Option<AlertDescription> {
    AlertDescription::from_name(name)
        .or_else(|| unknown_code(name).and_then(|c| u8::try_from(c).ok().map(AlertDescription)))
}

serde_by_name! {
    ProtocolVersion, "TLS version", version_by_label;
    AlertDescription, "TLS alert", alert_by_name;
    NamedGroup, "named group", group_by_name;
    FailureCode, "RDP_NEG_FAILURE code", failure_by_name;
}

/// A protocol as the report names it (`ssl`), not as [`Protocols`]' `Display` (`PROTOCOL_SSL`).
pub mod protocol_key {
    use super::*;

    pub fn serialize<S: Serializer>(p: &Protocols, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&p.key())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Protocols, D::Error> {
        d.deserialize_str(StrVisitor("protocol", protocol_by_key))
    }

    /// The same for an optional protocol.
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(p: &Option<Protocols>, s: S) -> Result<S::Ok, S::Error> {
            match p {
                Some(p) => s.serialize_some(&p.key()),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Protocols>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|k| parse_with("protocol", &k, protocol_by_key))
                .transpose()
        }
    }
}

/// Flags as the list of their names (`["extended_client_data", "gfx"]`).
pub mod flag_names {
    use super::*;

    pub fn serialize<S: Serializer>(f: &ResponseFlags, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(f.names())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ResponseFlags, D::Error> {
        let mut flags = 0u8;
        for name in Vec::<String>::deserialize(d)? {
            let bit = (0..8)
                .map(|i| 1u8 << i)
                .find(|b| ResponseFlags(*b).names() == [name.as_str()])
                .or_else(|| unknown_code(&name).and_then(|c| u8::try_from(c).ok()))
                .ok_or_else(|| de::Error::custom(format!("unknown flag {name:?}")))?;
            flags |= bit;
        }
        Ok(ResponseFlags(flags))
    }
}

/// A suite by its IANA name (`TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`).
pub mod suite_name {
    use super::*;

    pub fn serialize<S: Serializer>(c: &CipherSuite, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&c.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<CipherSuite, D::Error> {
        d.deserialize_str(StrVisitor("cipher suite", suite_by_name))
    }

    /// The same for an optional suite.
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(c: &Option<CipherSuite>, s: S) -> Result<S::Ok, S::Error> {
            match c {
                Some(c) => s.serialize_some(&c.name()),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<CipherSuite>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|n| parse_with("cipher suite", &n, suite_by_name))
                .transpose()
        }
    }

    /// The same for a list.
    pub mod list {
        use super::*;

        pub fn serialize<S: Serializer>(c: &[CipherSuite], s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(c.iter().map(|c| c.name()))
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<CipherSuite>, D::Error> {
            Vec::<String>::deserialize(d)?
                .iter()
                .map(|n| parse_with("cipher suite", n, suite_by_name))
                .collect()
        }
    }
}

/// A suite code as `0xC030`.
pub fn suite_hex(c: CipherSuite) -> String {
    format!("0x{:04X}", c.0)
}

/// The code of `0xC030`.
pub fn suite_by_hex(text: &str) -> Option<CipherSuite> {
    let hex = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))?;
    u16::from_str_radix(hex, 16).ok().map(CipherSuite)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_to_the_codes_they_came_from() {
        for v in ProtocolVersion::ALL
            .into_iter()
            .chain([ProtocolVersion(0x7f1c)])
        {
            assert_eq!(version_by_label(&v.to_string()), Some(v));
        }
        for g in NamedGroup::NAMED.into_iter().chain([NamedGroup(0x1234)]) {
            assert_eq!(group_by_name(&g.to_string()), Some(g));
        }
        for p in Protocols::ALL.into_iter().chain([Protocols(0x40)]) {
            assert_eq!(protocol_by_key(&p.key()), Some(p));
        }
        for c in [
            CipherSuite(0xC030),
            CipherSuite(0x00FF),
            CipherSuite(0xFEFE),
        ] {
            assert_eq!(suite_by_name(&c.name()), Some(c));
            assert_eq!(suite_by_hex(&suite_hex(c)), Some(c));
        }
        for f in [FailureCode::HYBRID_REQUIRED_BY_SERVER, FailureCode(7)] {
            assert_eq!(failure_by_name(&f.to_string()), Some(f));
        }
        let flags = ResponseFlags(0x43);
        let json = serde_json::to_string(&Wrapper(flags)).unwrap();
        assert_eq!(json, r#"["extended_client_data","gfx","unknown(0x40)"]"#);
        assert_eq!(serde_json::from_str::<Wrapper>(&json).unwrap().0, flags);
    }

    #[derive(Serialize, Deserialize)]
    struct Wrapper(#[serde(with = "flag_names")] ResponseFlags);
}

// The MCS stage's codes (MS-RDPBCGR 2.2.1.4, T.125).

/// `Serialize`/`Deserialize` by the registry name (`Display`), read back by `from_name` or `unknown(..)`.
macro_rules! serde_by_registry_name {
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

serde_by_registry_name! {
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
