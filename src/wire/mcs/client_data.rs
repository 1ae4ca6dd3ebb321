//! Client data blocks, MS-RDPBCGR 2.2.1.3.2 to 2.2.1.3.5: core, security, network and cluster data, filled as
//! mstsc fills them. Blocks of other types survive decoding as [`UnknownBlock`]s.

use super::server_data::{read_blocks, write_block, UnknownBlock};
use super::{EncryptionMethods, RdpVersion, UserDataType};
use crate::wire::reader::{DecodeError, Reader};
use crate::wire::writer::EncodeError;
use crate::wire::x224::Protocols;

/// earlyCapabilityFlags RNS_UD_CS_SUPPORT_ERRINFO_PDU: the client understands the Set Error Info PDU.
pub const RNS_UD_CS_SUPPORT_ERRINFO_PDU: u16 = 0x0001;
/// earlyCapabilityFlags RNS_UD_CS_WANT_32BPP_SESSION.
pub const RNS_UD_CS_WANT_32BPP_SESSION: u16 = 0x0002;
/// earlyCapabilityFlags RNS_UD_CS_STRONG_ASYMMETRIC_KEYS.
pub const RNS_UD_CS_STRONG_ASYMMETRIC_KEYS: u16 = 0x0008;
/// earlyCapabilityFlags RNS_UD_CS_VALID_CONNECTION_TYPE.
pub const RNS_UD_CS_VALID_CONNECTION_TYPE: u16 = 0x0020;
/// At most 31 static channels (MS-RDPBCGR 2.2.1.3.4 `channelCount`).
pub const MAX_CHANNELS: usize = 31;

/// One block of client data.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ClientBlock {
    Core(Box<ClientCore>),
    Security(ClientSecurity),
    Network(ClientNetwork),
    Cluster(ClientCluster),
    Unknown(UnknownBlock),
}

/// The client data blocks, in the order sent.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ClientData {
    pub blocks: Vec<ClientBlock>,
}

/// TS_UD_CS_CORE, MS-RDPBCGR 2.2.1.3.2. The optional fields from `postBeta2ColorDepth` on are written up to
/// the first `None`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ClientCore {
    pub version: RdpVersion,
    pub desktop_width: u16,
    pub desktop_height: u16,
    /// `colorDepth`: 0xCA01 RNS_UD_COLOR_8BPP.
    pub color_depth: u16,
    /// `SASSequence`: 0xAA03.
    pub sas_sequence: u16,
    pub keyboard_layout: u32,
    pub client_build: u32,
    /// `clientName`: UTF-16LE, NUL-padded, 32 bytes.
    pub client_name: [u8; 32],
    pub keyboard_type: u32,
    pub keyboard_sub_type: u32,
    pub keyboard_function_key: u32,
    pub ime_file_name: [u8; 64],
    pub post_beta2_color_depth: Option<u16>,
    pub client_product_id: Option<u16>,
    pub serial_number: Option<u32>,
    pub high_color_depth: Option<u16>,
    pub supported_color_depths: Option<u16>,
    /// `earlyCapabilityFlags` (RNS_UD_CS_*).
    pub early_capability_flags: Option<u16>,
    pub client_dig_product_id: Option<[u8; 64]>,
    pub connection_type: Option<u8>,
    pub pad1octet: Option<u8>,
    /// `serverSelectedProtocol`: the protocol the X.224 Connection Confirm selected, echoed.
    pub server_selected_protocol: Option<Protocols>,
    /// What follows the last field read (desktop physical size, orientation, scale factors, or a field cut
    /// short), kept as sent.
    pub rest: Vec<u8>,
}

/// TS_UD_CS_SEC, MS-RDPBCGR 2.2.1.3.3.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ClientSecurity {
    pub encryption_methods: EncryptionMethods,
    /// `extEncryptionMethods`: French locale only; 0 otherwise.
    pub ext_encryption_methods: u32,
}

/// One CHANNEL_DEF, MS-RDPBCGR 2.2.1.3.4.1.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ChannelDef {
    /// ANSI name, NUL-terminated, 8 bytes.
    pub name: [u8; 8],
    /// CHANNEL_OPTION_* flags.
    pub options: u32,
}

impl ChannelDef {
    /// A channel named `name` (at most 7 bytes; longer names are cut).
    pub fn new(name: &str, options: u32) -> Self {
        let mut n = [0u8; 8];
        for (slot, b) in n.iter_mut().zip(name.bytes().take(7)) {
            *slot = b;
        }
        Self { name: n, options }
    }

    /// The name up to its NUL.
    pub fn name(&self) -> String {
        let end = self.name.iter().position(|b| *b == 0).unwrap_or(8);
        String::from_utf8_lossy(&self.name[..end]).into_owned()
    }
}

/// TS_UD_CS_NET, MS-RDPBCGR 2.2.1.3.4.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ClientNetwork {
    pub channels: Vec<ChannelDef>,
}

/// TS_UD_CS_CLUSTER, MS-RDPBCGR 2.2.1.3.5.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ClientCluster {
    pub flags: u32,
    pub redirected_session_id: u32,
}

/// CHANNEL_OPTION_INITIALIZED | ENCRYPT_RDP | COMPRESS_RDP, as mstsc sets for rdpdr and cliprdr.
const CHANNEL_DEFAULT: u32 = 0x8000_0000 | 0x4000_0000 | 0x0080_0000;

impl ClientData {
    /// What mstsc sends: core data (`RNS_UD_CS_SUPPORT_ERRINFO_PDU` set, `serverSelectedProtocol` = `selected`),
    /// security data offering `methods`, network data with rdpdr, rdpsnd, cliprdr and drdynvc, cluster data.
    pub fn mstsc(selected: Protocols, methods: EncryptionMethods) -> Self {
        let mut name = [0u8; 32];
        for (i, b) in "RDPTLS".bytes().enumerate() {
            name[i * 2] = b;
        }
        let core = ClientCore {
            version: RdpVersion::RDP10_12,
            desktop_width: 1024,
            desktop_height: 768,
            color_depth: 0xCA01,
            sas_sequence: 0xAA03,
            keyboard_layout: 0x0409,
            client_build: 22621,
            client_name: name,
            keyboard_type: 4,
            keyboard_sub_type: 0,
            keyboard_function_key: 12,
            ime_file_name: [0; 64],
            post_beta2_color_depth: Some(0xCA01),
            client_product_id: Some(1),
            serial_number: Some(0),
            high_color_depth: Some(24),
            supported_color_depths: Some(0x000F),
            early_capability_flags: Some(
                RNS_UD_CS_SUPPORT_ERRINFO_PDU
                    | RNS_UD_CS_WANT_32BPP_SESSION
                    | RNS_UD_CS_STRONG_ASYMMETRIC_KEYS
                    | RNS_UD_CS_VALID_CONNECTION_TYPE,
            ),
            client_dig_product_id: Some([0; 64]),
            connection_type: Some(6),
            pad1octet: Some(0),
            server_selected_protocol: Some(selected),
            rest: Vec::new(),
        };
        let network = ClientNetwork {
            channels: vec![
                ChannelDef::new("rdpdr", CHANNEL_DEFAULT),
                ChannelDef::new("rdpsnd", 0xC000_0000),
                ChannelDef::new("cliprdr", CHANNEL_DEFAULT | 0x0020_0000),
                ChannelDef::new("drdynvc", 0xC080_0000),
            ],
        };
        Self {
            blocks: vec![
                ClientBlock::Core(Box::new(core)),
                ClientBlock::Cluster(ClientCluster {
                    flags: 0x0D,
                    redirected_session_id: 0,
                }),
                ClientBlock::Security(ClientSecurity {
                    encryption_methods: methods,
                    ext_encryption_methods: 0,
                }),
                ClientBlock::Network(network),
            ],
        }
    }

    pub fn core(&self) -> Option<&ClientCore> {
        self.blocks.iter().find_map(|b| match b {
            ClientBlock::Core(c) => Some(&**c),
            _ => None,
        })
    }

    pub fn security(&self) -> Option<&ClientSecurity> {
        self.blocks.iter().find_map(|b| match b {
            ClientBlock::Security(s) => Some(s),
            _ => None,
        })
    }

    pub fn network(&self) -> Option<&ClientNetwork> {
        self.blocks.iter().find_map(|b| match b {
            ClientBlock::Network(n) => Some(n),
            _ => None,
        })
    }

    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(512);
        for block in &self.blocks {
            let (kind, body) = match block {
                ClientBlock::Core(c) => (UserDataType::CS_CORE, c.encode()),
                ClientBlock::Security(s) => {
                    let mut b = s.encryption_methods.0.to_le_bytes().to_vec();
                    b.extend_from_slice(&s.ext_encryption_methods.to_le_bytes());
                    (UserDataType::CS_SECURITY, b)
                }
                ClientBlock::Network(n) => (UserDataType::CS_NET, n.encode()?),
                ClientBlock::Cluster(c) => {
                    let mut b = c.flags.to_le_bytes().to_vec();
                    b.extend_from_slice(&c.redirected_session_id.to_le_bytes());
                    (UserDataType::CS_CLUSTER, b)
                }
                ClientBlock::Unknown(u) => (u.kind, u.data.clone()),
            };
            write_block(&mut out, "TS_UD_CS", kind, &body)?;
        }
        Ok(out)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut blocks = Vec::new();
        for (kind, body) in read_blocks("TS_UD_CS", bytes)? {
            let mut r = Reader::new(kind.name().unwrap_or("TS_UD_CS"), body);
            blocks.push(match kind {
                UserDataType::CS_CORE => ClientBlock::Core(Box::new(ClientCore::decode(&mut r)?)),
                UserDataType::CS_SECURITY => ClientBlock::Security(ClientSecurity {
                    encryption_methods: EncryptionMethods(r.u32_le("encryptionMethods")?),
                    ext_encryption_methods: r.u32_le("extEncryptionMethods")?,
                }),
                UserDataType::CS_NET => ClientBlock::Network(ClientNetwork::decode(&mut r)?),
                UserDataType::CS_CLUSTER => ClientBlock::Cluster(ClientCluster {
                    flags: r.u32_le("Flags")?,
                    redirected_session_id: r.u32_le("RedirectedSessionID")?,
                }),
                _ => ClientBlock::Unknown(UnknownBlock {
                    kind,
                    data: body.to_vec(),
                }),
            });
        }
        Ok(Self { blocks })
    }
}

impl ClientCore {
    fn encode(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(232);
        b.extend_from_slice(&self.version.0.to_le_bytes());
        for v in [
            self.desktop_width,
            self.desktop_height,
            self.color_depth,
            self.sas_sequence,
        ] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(&self.keyboard_layout.to_le_bytes());
        b.extend_from_slice(&self.client_build.to_le_bytes());
        b.extend_from_slice(&self.client_name);
        for v in [
            self.keyboard_type,
            self.keyboard_sub_type,
            self.keyboard_function_key,
        ] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(&self.ime_file_name);
        // Each optional field is written only when every one before it is.
        let optional: [Option<Vec<u8>>; 10] = [
            self.post_beta2_color_depth
                .map(|v| v.to_le_bytes().to_vec()),
            self.client_product_id.map(|v| v.to_le_bytes().to_vec()),
            self.serial_number.map(|v| v.to_le_bytes().to_vec()),
            self.high_color_depth.map(|v| v.to_le_bytes().to_vec()),
            self.supported_color_depths
                .map(|v| v.to_le_bytes().to_vec()),
            self.early_capability_flags
                .map(|v| v.to_le_bytes().to_vec()),
            self.client_dig_product_id.map(|v| v.to_vec()),
            self.connection_type.map(|v| vec![v]),
            self.pad1octet.map(|v| vec![v]),
            self.server_selected_protocol
                .map(|v| v.0.to_le_bytes().to_vec()),
        ];
        for field in optional.into_iter().map_while(|f| f) {
            b.extend_from_slice(&field);
        }
        b.extend_from_slice(&self.rest);
        b
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let version = RdpVersion(r.u32_le("version")?);
        let desktop_width = r.u16_le("desktopWidth")?;
        let desktop_height = r.u16_le("desktopHeight")?;
        let color_depth = r.u16_le("colorDepth")?;
        let sas_sequence = r.u16_le("SASSequence")?;
        let keyboard_layout = r.u32_le("keyboardLayout")?;
        let client_build = r.u32_le("clientBuild")?;
        let mut client_name = [0u8; 32];
        client_name.copy_from_slice(r.take("clientName", 32)?);
        let keyboard_type = r.u32_le("keyboardType")?;
        let keyboard_sub_type = r.u32_le("keyboardSubType")?;
        let keyboard_function_key = r.u32_le("keyboardFunctionKey")?;
        let mut ime_file_name = [0u8; 64];
        ime_file_name.copy_from_slice(r.take("imeFileName", 64)?);
        // The optional fields stop at the first one that does not fit; what is left is kept in `rest`.
        let mut more = true;
        let post_beta2_color_depth =
            optional(r, &mut more, 2, |r| r.u16_le("postBeta2ColorDepth"))?;
        let client_product_id = optional(r, &mut more, 2, |r| r.u16_le("clientProductId"))?;
        let serial_number = optional(r, &mut more, 4, |r| r.u32_le("serialNumber"))?;
        let high_color_depth = optional(r, &mut more, 2, |r| r.u16_le("highColorDepth"))?;
        let supported_color_depths =
            optional(r, &mut more, 2, |r| r.u16_le("supportedColorDepths"))?;
        let early_capability_flags =
            optional(r, &mut more, 2, |r| r.u16_le("earlyCapabilityFlags"))?;
        let client_dig_product_id = optional(r, &mut more, 64, |r| {
            let mut d = [0u8; 64];
            d.copy_from_slice(r.take("clientDigProductId", 64)?);
            Ok(d)
        })?;
        let connection_type = optional(r, &mut more, 1, |r| r.u8("connectionType"))?;
        let pad1octet = optional(r, &mut more, 1, |r| r.u8("pad1octet"))?;
        let server_selected_protocol =
            optional(r, &mut more, 4, |r| r.u32_le("serverSelectedProtocol"))?.map(Protocols);
        let core = Self {
            version,
            desktop_width,
            desktop_height,
            color_depth,
            sas_sequence,
            keyboard_layout,
            client_build,
            client_name,
            keyboard_type,
            keyboard_sub_type,
            keyboard_function_key,
            ime_file_name,
            post_beta2_color_depth,
            client_product_id,
            serial_number,
            high_color_depth,
            supported_color_depths,
            early_capability_flags,
            client_dig_product_id,
            connection_type,
            pad1octet,
            server_selected_protocol,
            rest: r.rest().to_vec(),
        };
        Ok(core)
    }
}

/// An optional field of `size` bytes: read while `more` holds and it fits, else `None` from here on.
fn optional<T>(
    r: &mut Reader<'_>,
    more: &mut bool,
    size: usize,
    read: impl FnOnce(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Result<Option<T>, DecodeError> {
    if *more && r.remaining() >= size {
        read(r).map(Some)
    } else {
        *more = false;
        Ok(None)
    }
}

impl ClientNetwork {
    fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        if self.channels.len() > MAX_CHANNELS {
            return Err(EncodeError::too_large(
                "CS_NET",
                "channelCount",
                self.channels.len(),
                MAX_CHANNELS,
            ));
        }
        let mut b = Vec::with_capacity(4 + 12 * self.channels.len());
        b.extend_from_slice(&(self.channels.len() as u32).to_le_bytes());
        for c in &self.channels {
            b.extend_from_slice(&c.name);
            b.extend_from_slice(&c.options.to_le_bytes());
        }
        Ok(b)
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let count = r.u32_le("channelCount")? as usize;
        if count > MAX_CHANNELS || count * 12 > r.remaining() {
            return Err(r.invalid(
                "channelCount",
                format!("{count} channels in {} bytes", r.remaining()),
            ));
        }
        let mut channels = Vec::with_capacity(count);
        for _ in 0..count {
            let mut name = [0u8; 8];
            name.copy_from_slice(r.take("channelDefArray.name", 8)?);
            channels.push(ChannelDef {
                name,
                options: r.u32_le("channelDefArray.options")?,
            });
        }
        Ok(Self { channels })
    }
}
