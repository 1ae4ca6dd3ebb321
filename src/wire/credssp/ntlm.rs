//! The NTLM messages (MS-NLMP 2.2.1) a credential-less CredSSP exchange needs: the NEGOTIATE a client sends and
//! the CHALLENGE a server answers with, whose Version field and AV pairs name the server and tell its clock.

use crate::wire::reader::{DecodeError, Reader};
use crate::wire::registry::code_registry;
use crate::wire::writer::{u16_len, EncodeError};

/// The 8-byte `Signature` that starts every NTLM message, MS-NLMP 2.2.1.1.
pub(super) const NTLMSSP: &[u8; 8] = b"NTLMSSP\0";

code_registry! {
    /// NTLM `MessageType` (u32 LE after the signature), MS-NLMP 2.2.1.1, 2.2.1.2 and 2.2.1.3.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    pub struct MessageType(u32);
    unknown = "unknown(0x{:08x})";
    NEGOTIATE => 1 => "NEGOTIATE",
    CHALLENGE => 2 => "CHALLENGE",
    AUTHENTICATE => 3 => "AUTHENTICATE",
}

code_registry! {
    /// AV_PAIR `AvId` (u16 LE) of a CHALLENGE's TargetInfo, MS-NLMP 2.2.2.1; names as the specification spells them.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    pub struct AvId(u16);
    unknown = "unknown(0x{:04x})";
    /// Ends the AV_PAIR list.
    EOL => 0 => "MsvAvEOL",
    NB_COMPUTER_NAME => 1 => "MsvAvNbComputerName",
    NB_DOMAIN_NAME => 2 => "MsvAvNbDomainName",
    DNS_COMPUTER_NAME => 3 => "MsvAvDnsComputerName",
    DNS_DOMAIN_NAME => 4 => "MsvAvDnsDomainName",
    DNS_TREE_NAME => 5 => "MsvAvDnsTreeName",
    FLAGS => 6 => "MsvAvFlags",
    /// The server's clock as a FILETIME (u64 LE, 100 ns since 1601).
    TIMESTAMP => 7 => "MsvAvTimestamp",
    SINGLE_HOST => 8 => "MsvAvSingleHost",
    TARGET_NAME => 9 => "MsvAvTargetName",
    CHANNEL_BINDINGS => 10 => "MsvAvChannelBindings",
}

/// NegotiateFlags bits, MS-NLMP 2.2.2.5 (the ones this crate sends or reads).
mod flag {
    pub const UNICODE: u32 = 0x0000_0001;
    pub const OEM: u32 = 0x0000_0002;
    pub const REQUEST_TARGET: u32 = 0x0000_0004;
    pub const SIGN: u32 = 0x0000_0010;
    pub const SEAL: u32 = 0x0000_0020;
    pub const LM_KEY: u32 = 0x0000_0080;
    pub const NTLM: u32 = 0x0000_0200;
    pub const ALWAYS_SIGN: u32 = 0x0000_8000;
    pub const TARGET_TYPE_SERVER: u32 = 0x0002_0000;
    pub const EXTENDED_SESSIONSECURITY: u32 = 0x0008_0000;
    pub const TARGET_INFO: u32 = 0x0080_0000;
    /// The message carries the 8-byte Version field (MS-NLMP 2.2.2.10).
    pub const VERSION: u32 = 0x0200_0000;
    pub const N128: u32 = 0x2000_0000;
    pub const KEY_EXCH: u32 = 0x4000_0000;
    pub const N56: u32 = 0x8000_0000;
}

/// The NEGOTIATE flags nmap's rdp-ntlm-info sends (0xE20882B7, bytes `B7 82 08 E2`).
const NEGOTIATE_FLAGS: u32 = flag::UNICODE
    | flag::OEM
    | flag::REQUEST_TARGET
    | flag::SIGN
    | flag::SEAL
    | flag::LM_KEY
    | flag::NTLM
    | flag::ALWAYS_SIGN
    | flag::EXTENDED_SESSIONSECURITY
    | flag::VERSION
    | flag::N128
    | flag::KEY_EXCH
    | flag::N56;

/// The flags of the CHALLENGE the fixture servers send (0xE28A8215).
const CHALLENGE_FLAGS: u32 = flag::UNICODE
    | flag::REQUEST_TARGET
    | flag::SIGN
    | flag::NTLM
    | flag::ALWAYS_SIGN
    | flag::TARGET_TYPE_SERVER
    | flag::EXTENDED_SESSIONSECURITY
    | flag::TARGET_INFO
    | flag::VERSION
    | flag::N128
    | flag::KEY_EXCH
    | flag::N56;

/// `NTLMSSP_REVISION_W2K3`, the NTLMRevisionCurrent byte of the Version field, MS-NLMP 2.2.2.10.
const NTLMSSP_REVISION_W2K3: u8 = 15;

/// The 8-byte Version field, MS-NLMP 2.2.2.10: major, minor, build (u16 LE), 3 reserved bytes, revision.
fn version_field(major: u8, minor: u8, build: u16) -> [u8; 8] {
    let [b0, b1] = build.to_le_bytes();
    [major, minor, b0, b1, 0, 0, 0, NTLMSSP_REVISION_W2K3]
}

/// The NTLM NEGOTIATE message (MS-NLMP 2.2.1.1): no domain, no workstation, a version field (10.0.17763).
pub fn ntlm_negotiate() -> Vec<u8> {
    let mut m = Vec::with_capacity(40);
    m.extend_from_slice(NTLMSSP);
    m.extend_from_slice(&MessageType::NEGOTIATE.0.to_le_bytes());
    m.extend_from_slice(&NEGOTIATE_FLAGS.to_le_bytes());
    m.extend_from_slice(&[0; 16]); // DomainNameFields, WorkstationFields: empty
    m.extend_from_slice(&version_field(10, 0, 17763));
    m
}

/// The type of an NTLM message (MS-NLMP 2.2.1: the `NTLMSSP\0` signature, then MessageType, little-endian);
/// `None` when `msg` is not an NTLM message.
pub fn ntlm_message_type(msg: &[u8]) -> Option<MessageType> {
    let rest = msg.strip_prefix(NTLMSSP)?;
    let bytes: [u8; 4] = rest.get(..4)?.try_into().ok()?;
    Some(MessageType(u32::from_le_bytes(bytes)))
}

/// The Version field of NTLM messages (MS-NLMP 2.2.2.10): the Windows release, e.g. `10.0.17763`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WindowsVersion {
    pub major: u8,
    pub minor: u8,
    pub build: u16,
}

impl std::fmt::Display for WindowsVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.build)
    }
}

/// An NTLM CHALLENGE (MS-NLMP 2.2.1.2): what it tells about the server when a scan decodes one, and what a fixture
/// server says about itself when it encodes one. The one type for both.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NtlmChallenge {
    /// The Version field, present when NTLMSSP_NEGOTIATE_VERSION is set.
    pub version: Option<WindowsVersion>,
    /// TargetNameFields: the NetBIOS domain (or server) name.
    pub target_name: Option<String>,
    /// MsvAvNbComputerName.
    pub netbios_computer: Option<String>,
    /// MsvAvNbDomainName.
    pub netbios_domain: Option<String>,
    /// MsvAvDnsComputerName.
    pub dns_computer: Option<String>,
    /// MsvAvDnsDomainName.
    pub dns_domain: Option<String>,
    /// MsvAvDnsTreeName: the forest.
    pub dns_tree: Option<String>,
    /// MsvAvTimestamp: the server's clock, as a Windows FILETIME (100 ns since 1601).
    pub timestamp: Option<u64>,
}

fn utf16le(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// A (len, maxlen, offset) field pointing into the message, MS-NLMP 2.2.1.2.
fn payload<'a>(
    msg: &'a [u8],
    r: &mut Reader<'_>,
    field: &'static str,
) -> Result<&'a [u8], DecodeError> {
    let len = usize::from(r.u16_le(field)?);
    let _max = r.u16_le(field)?;
    let offset = r.u32_le(field)? as usize;
    msg.get(offset..offset.saturating_add(len)).ok_or_else(|| {
        DecodeError::invalid(
            "NTLM CHALLENGE",
            field,
            format!("{len} bytes at {offset} lie outside the message"),
        )
    })
}

impl NtlmChallenge {
    pub fn decode(msg: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new("NTLM CHALLENGE", msg);
        if r.take("signature", 8)? != NTLMSSP {
            return Err(r.invalid("signature", "not NTLMSSP"));
        }
        let kind = r.u32_le("type")?;
        if MessageType(kind) != MessageType::CHALLENGE {
            return Err(r.invalid("type", format!("expected 2 (CHALLENGE), got {kind}")));
        }
        let target_name = payload(msg, &mut r, "TargetNameFields")?;
        let flags = r.u32_le("NegotiateFlags")?;
        r.take("ServerChallenge", 8)?;
        r.take("Reserved", 8)?;
        let target_info = payload(msg, &mut r, "TargetInfoFields")?;
        let mut out = NtlmChallenge {
            target_name: (!target_name.is_empty()).then(|| utf16le(target_name)),
            ..Self::default()
        };
        if flags & flag::VERSION != 0 {
            let v = r.take("Version", 8)?;
            out.version = Some(WindowsVersion {
                major: v[0],
                minor: v[1],
                build: u16::from_le_bytes([v[2], v[3]]),
            });
        }
        let mut av = Reader::new("NTLM AV_PAIR", target_info);
        while !av.is_empty() {
            let id = AvId(av.u16_le("AvId")?);
            let len = usize::from(av.u16_le("AvLen")?);
            let value = av.take("Value", len)?;
            match id {
                AvId::EOL => break,
                AvId::NB_COMPUTER_NAME => out.netbios_computer = Some(utf16le(value)),
                AvId::NB_DOMAIN_NAME => out.netbios_domain = Some(utf16le(value)),
                AvId::DNS_COMPUTER_NAME => out.dns_computer = Some(utf16le(value)),
                AvId::DNS_DOMAIN_NAME => out.dns_domain = Some(utf16le(value)),
                AvId::DNS_TREE_NAME => out.dns_tree = Some(utf16le(value)),
                AvId::TIMESTAMP => {
                    if let Ok(ft) = <[u8; 8]>::try_from(value) {
                        out.timestamp = Some(u64::from_le_bytes(ft));
                    }
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

const CHALLENGE_PDU: &str = "NTLM CHALLENGE";

/// An NTLM CHALLENGE (MS-NLMP 2.2.1.2) as Windows builds it: the target name, the version (zeros when absent),
/// and the AV pairs present, in Windows' order (NetBIOS domain and computer, DNS domain, computer and tree, the
/// timestamp), then MsvAvEOL. A name longer than an AV_PAIR or payload length (u16) can count is an error.
pub fn encode_ntlm_challenge(c: &NtlmChallenge) -> Result<Vec<u8>, EncodeError> {
    /// Fixed part: signature, type, TargetNameFields, flags, ServerChallenge, Reserved, TargetInfoFields, Version.
    const HEADER: u32 = 56;
    let name = utf16(c.target_name.as_deref().unwrap_or_default());
    let text = |v: &Option<String>| v.as_deref().map(utf16);
    let mut info = Vec::new();
    for (av, value) in [
        (AvId::NB_DOMAIN_NAME, text(&c.netbios_domain)),
        (AvId::NB_COMPUTER_NAME, text(&c.netbios_computer)),
        (AvId::DNS_DOMAIN_NAME, text(&c.dns_domain)),
        (AvId::DNS_COMPUTER_NAME, text(&c.dns_computer)),
        (AvId::DNS_TREE_NAME, text(&c.dns_tree)),
        (
            AvId::TIMESTAMP,
            c.timestamp.map(|t| t.to_le_bytes().to_vec()),
        ),
        (AvId::EOL, Some(Vec::new())),
    ] {
        let Some(value) = value else { continue };
        info.extend_from_slice(&av.0.to_le_bytes());
        info.extend_from_slice(&u16_len(CHALLENGE_PDU, "AvLen", value.len())?.to_le_bytes());
        info.extend_from_slice(&value);
    }
    let name_len = u16_len(CHALLENGE_PDU, "TargetNameLen", name.len())?;
    let info_len = u16_len(CHALLENGE_PDU, "TargetInfoLen", info.len())?;
    // The target name follows the fixed part; the target info follows the name.
    let info_offset = HEADER + u32::from(name_len);
    let mut m = NTLMSSP.to_vec();
    m.extend_from_slice(&MessageType::CHALLENGE.0.to_le_bytes());
    for _ in 0..2 {
        m.extend_from_slice(&name_len.to_le_bytes()); // TargetNameLen, TargetNameMaxLen
    }
    m.extend_from_slice(&HEADER.to_le_bytes()); // TargetNameBufferOffset
    m.extend_from_slice(&CHALLENGE_FLAGS.to_le_bytes());
    m.extend_from_slice(&[0x11; 8]); // ServerChallenge
    m.extend_from_slice(&[0; 8]); // Reserved
    for _ in 0..2 {
        m.extend_from_slice(&info_len.to_le_bytes()); // TargetInfoLen, TargetInfoMaxLen
    }
    m.extend_from_slice(&info_offset.to_le_bytes());
    let v = c.version.unwrap_or(WindowsVersion {
        major: 0,
        minor: 0,
        build: 0,
    });
    m.extend_from_slice(&version_field(v.major, v.minor, v.build));
    m.extend_from_slice(&name);
    m.extend_from_slice(&info);
    Ok(m)
}

/// Unix seconds of a Windows FILETIME (100 ns intervals since 1601-01-01; 11 644 473 600 s before 1970).
pub fn filetime_to_unix(ft: u64) -> i64 {
    (ft / 10_000_000) as i64 - 11_644_473_600
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(in crate::wire::credssp) fn challenge() -> Vec<u8> {
        encode_ntlm_challenge(&corp()).unwrap()
    }

    /// A server of the CORP domain, as Windows Server 2019 describes itself.
    fn corp() -> NtlmChallenge {
        NtlmChallenge {
            version: Some(WindowsVersion {
                major: 10,
                minor: 0,
                build: 17763,
            }),
            target_name: Some("CORP".into()),
            netbios_domain: Some("CORP".into()),
            netbios_computer: Some("RDP01".into()),
            dns_domain: Some("corp.example".into()),
            dns_computer: Some("rdp01.corp.example".into()),
            dns_tree: None,
            timestamp: Some(133_000_000_000_000_000),
        }
    }

    #[test]
    fn an_encoded_challenge_decodes_to_what_was_encoded() {
        assert_eq!(NtlmChallenge::decode(&challenge()).unwrap(), corp());
    }

    #[test]
    fn flags_are_the_values_on_the_wire() {
        assert_eq!(NEGOTIATE_FLAGS, 0xE208_82B7);
        assert_eq!(
            ntlm_message_type(&ntlm_negotiate()),
            Some(MessageType::NEGOTIATE)
        );
        assert_eq!(ntlm_message_type(b"NTLMSSP\0\x01"), None);
        assert_eq!(ntlm_message_type(b"notntlm\0\x01\0\0\0"), None);
        assert_eq!(CHALLENGE_FLAGS, 0xE28A_8215);
        assert_eq!(
            &ntlm_negotiate()[8..16],
            &[1, 0, 0, 0, 0xB7, 0x82, 0x08, 0xE2]
        );
        assert_eq!(ntlm_negotiate().len(), 40);
    }

    #[test]
    fn message_types_and_av_ids_print_their_names() {
        for (got, want) in [
            (MessageType(2).to_string(), "CHALLENGE"),
            (format!("{:?}", MessageType::AUTHENTICATE), "AUTHENTICATE"),
            (MessageType(8).to_string(), "unknown(0x00000008)"),
            (AvId(0).to_string(), "MsvAvEOL"),
            (AvId(7).to_string(), "MsvAvTimestamp"),
            (AvId::CHANNEL_BINDINGS.to_string(), "MsvAvChannelBindings"),
            (AvId(0x00ff).to_string(), "unknown(0x00ff)"),
        ] {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn truncated_or_hostile_challenges_are_errors_never_panics() {
        let token = challenge();
        for cut in 0..token.len() {
            let _ = NtlmChallenge::decode(&token[..cut]);
        }
        // A TargetInfo offset far outside the message.
        let mut bad = token.clone();
        bad[44..48].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(NtlmChallenge::decode(&bad).is_err());
    }

    #[test]
    fn a_name_longer_than_an_av_pair_can_count_is_an_encode_error() {
        let long = "x".repeat(32_768); // 65536 bytes in UTF-16
        let id = NtlmChallenge {
            dns_computer: Some(long),
            ..corp()
        };
        assert_eq!(
            encode_ntlm_challenge(&id).unwrap_err(),
            EncodeError::too_large("NTLM CHALLENGE", "AvLen", 65_536, 65_535)
        );
    }
}
