//! The profile table: one row per fixture server behaviour, from the X.224 answer to CredSSP.

use std::fmt;
use std::str::FromStr;

use rustls::version::{TLS12, TLS13};
use rustls::SupportedProtocolVersion;

use super::replies::*;
use super::spec::{
    Admission, After, Credssp, Delivery, Mcs, McsEnd, Negotiation, Rule, Spec, Tls, X224,
};
use crate::fixtures::FixtureCert;
use crate::wire::mcs::{EncryptionLevel, EncryptionMethods, ErrorInfo, McsResult};
use crate::wire::x224::{
    ConnectionConfirm, ConnectionRequest, FailureCode, NegotiationReply, Protocols, ResponseFlags,
};

/// The SRC-REF Windows and xrdp put in a Connection Confirm (MS-RDPBCGR 4.1.2; `xrdp_iso_send_cc` in xrdp
/// `libxrdp/xrdp_iso.c`). FreeRDP's server sends 0 (`tpdu_write_header` in FreeRDP `libfreerdp/core/tpdu.c`).
const SRC_REF: u16 = 0x1234;

/// RDP_NEG_RSP flags EXTENDED_CLIENT_DATA_SUPPORTED (MS-RDPBCGR 2.2.1.2.1), all that xrdp sets.
const EXTENDED: ResponseFlags = ResponseFlags(0x01);
/// EXTENDED_CLIENT_DATA_SUPPORTED | DYNVC_GFX_PROTOCOL_SUPPORTED, as FreeRDP's server sets them when its graphics
/// pipeline is on (`nego_send_negotiation_response` in FreeRDP `libfreerdp/core/nego.c`).
const EXTENDED_GFX: ResponseFlags = ResponseFlags(0x03);

const fn select(flags: ResponseFlags, selected: Protocols) -> NegotiationReply {
    NegotiationReply::Response { flags, selected }
}

/// Selects the strongest layer asked for; refuses standard RDP security.
const MODERN: Negotiation = Negotiation {
    src_ref: SRC_REF,
    rules: &[
        Rule {
            asked: &[Protocols::HYBRID_EX],
            reply: select(EXTENDED_GFX, Protocols::HYBRID_EX),
        },
        Rule {
            asked: &[Protocols::HYBRID],
            reply: select(EXTENDED_GFX, Protocols::HYBRID),
        },
        Rule {
            asked: &[Protocols::SSL],
            reply: select(EXTENDED, Protocols::SSL),
        },
    ],
    otherwise: NegotiationReply::Failure(FailureCode::SSL_REQUIRED_BY_SERVER),
};

/// xrdp with `security_layer=tls` (`xrdp_iso_negotiate_security` in xrdp `libxrdp/xrdp_iso.c`): TLS or nothing.
const XRDP_TLS: Negotiation = Negotiation {
    src_ref: SRC_REF,
    rules: &[Rule {
        asked: &[Protocols::SSL],
        reply: select(EXTENDED, Protocols::SSL),
    }],
    otherwise: NegotiationReply::Failure(FailureCode::SSL_REQUIRED_BY_SERVER),
};

/// The FreeRDP server with `/sec:nla`, as observed from the FreeRDP 2.11 shadow server: HYBRID even when HYBRID_EX
/// is also offered, SRC-REF 0, otherwise HYBRID_REQUIRED_BY_SERVER (the reply is built by
/// `nego_send_negotiation_response` in FreeRDP `libfreerdp/core/nego.c`).
const FREERDP_NLA: Negotiation = Negotiation {
    src_ref: 0,
    rules: &[Rule {
        asked: &[Protocols::HYBRID, Protocols::HYBRID_EX],
        reply: select(EXTENDED_GFX, Protocols::HYBRID),
    }],
    otherwise: NegotiationReply::Failure(FailureCode::HYBRID_REQUIRED_BY_SERVER),
};

/// xrdp with `security_layer=rdp` (`xrdp_iso_negotiate_security`): standard RDP security whatever is asked.
const XRDP_RDP: Negotiation = Negotiation {
    src_ref: SRC_REF,
    rules: &[],
    otherwise: select(EXTENDED, Protocols::RDP),
};

/// A server from before security-protocol negotiation: a bare Connection Confirm without RDP_NEG_RSP.
const LEGACY: Negotiation = Negotiation {
    src_ref: SRC_REF,
    rules: &[],
    otherwise: NegotiationReply::None,
};

/// Selects TLS whatever is asked (for the hostile profiles that misbehave after the Connection Confirm).
const ALWAYS_SSL: Negotiation = Negotiation {
    src_ref: SRC_REF,
    rules: &[],
    otherwise: select(EXTENDED, Protocols::SSL),
};

static TLS_1_2_AND_1_3: [&SupportedProtocolVersion; 2] = [&TLS13, &TLS12];
static TLS_1_3_ONLY: [&SupportedProtocolVersion; 1] = [&TLS13];

/// CredSSP as on an updated Windows Server 2022 (10.0.20348).
const WINDOWS_2022: Credssp = Credssp::Challenge {
    version: 6,
    windows: (10, 0, 20348),
};

/// CredSSP version 3, as before the CVE-2018-0886 update, on Windows Server 2008 R2 SP1 (6.1.7601).
const UNPATCHED_2008_R2: Credssp = Credssp::Challenge {
    version: 3,
    windows: (6, 1, 7601),
};

/// CredSSP answering with TSRequest version 4294967295: no CredSSP has such a version (2 to 6 exist).
const IMPOSSIBLE_CREDSSP: Credssp = Credssp::Challenge {
    version: u32::MAX,
    windows: (10, 0, 20348),
};

/// One fixture server behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Profile {
    Modern,
    Tls13Only,
    ExpiredCert,
    ExpiringCert,
    NlaRequired,
    CredsspUnpatched,
    SslRequired,
    RdpOnly,
    LegacyNoNeg,
    Garbage,
    Truncated,
    HugeLength,
    HugeTlsRecord,
    Tarpit,
    Reset,
    SlowDrip,
    SlowSteps,
    Disconnect,
    RogueSuite,
    EmptyCertificate,
    DtlsAlert,
    CredsspBadVersion,
    OutstandingLimit,
    BacklogFull,
    RdpMcsLow,
    RdpMcsFips,
    McsDenied,
    McsSessionLimit,
}

impl Profile {
    pub const ALL: [Self; 28] = [
        Self::Modern,
        Self::Tls13Only,
        Self::ExpiredCert,
        Self::ExpiringCert,
        Self::NlaRequired,
        Self::CredsspUnpatched,
        Self::SslRequired,
        Self::RdpOnly,
        Self::LegacyNoNeg,
        Self::Garbage,
        Self::Truncated,
        Self::HugeLength,
        Self::HugeTlsRecord,
        Self::Tarpit,
        Self::Reset,
        Self::SlowDrip,
        Self::SlowSteps,
        Self::Disconnect,
        Self::RogueSuite,
        Self::EmptyCertificate,
        Self::DtlsAlert,
        Self::CredsspBadVersion,
        Self::OutstandingLimit,
        Self::BacklogFull,
        Self::RdpMcsLow,
        Self::RdpMcsFips,
        Self::McsDenied,
        Self::McsSessionLimit,
    ];

    /// The table: everything this profile does, in one row.
    pub(super) fn spec(self) -> Spec {
        match self {
            Self::Modern => Spec {
                name: "modern",
                describe: "NLA supported: selects HYBRID_EX/HYBRID when asked, else TLS; refuses standard RDP security with SSL_REQUIRED_BY_SERVER; TLS 1.2+1.3, valid certificate",
                x224: X224::Confirm(MODERN, Delivery::Whole),
                tls: Tls::Rustls {
                    certificate: FixtureCert::Valid,
                    versions: &TLS_1_2_AND_1_3,
                },
                credssp: WINDOWS_2022,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::Tls13Only => Spec {
                name: "tls13-only",
                describe: "like modern, but TLS 1.3 only",
                x224: X224::Confirm(MODERN, Delivery::Whole),
                tls: Tls::Rustls {
                    certificate: FixtureCert::Valid,
                    versions: &TLS_1_3_ONLY,
                },
                credssp: WINDOWS_2022,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::ExpiredCert => Spec {
                name: "expired-cert",
                describe: "like modern, with a Windows-like self-signed certificate that expired 40 days ago",
                x224: X224::Confirm(MODERN, Delivery::Whole),
                tls: Tls::Rustls {
                    certificate: FixtureCert::Expired,
                    versions: &TLS_1_2_AND_1_3,
                },
                credssp: WINDOWS_2022,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::ExpiringCert => Spec {
                name: "expiring-cert",
                describe: "like modern, with a certificate that expires in 10 days",
                x224: X224::Confirm(MODERN, Delivery::Whole),
                tls: Tls::Rustls {
                    certificate: FixtureCert::Expiring,
                    versions: &TLS_1_2_AND_1_3,
                },
                credssp: WINDOWS_2022,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::NlaRequired => Spec {
                name: "nla-required",
                describe: "like FreeRDP /sec:nla: HYBRID_REQUIRED_BY_SERVER unless HYBRID is asked; selects HYBRID (flags 0x03), then TLS, then answers CredSSP version 6 with an NTLM CHALLENGE",
                x224: X224::Confirm(FREERDP_NLA, Delivery::Whole),
                tls: Tls::Rustls {
                    certificate: FixtureCert::Valid,
                    versions: &TLS_1_2_AND_1_3,
                },
                credssp: WINDOWS_2022,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::CredsspUnpatched => Spec {
                name: "credssp-unpatched",
                describe: "like nla-required, but its CredSSP answers with version 3: a server without the 2018 CVE-2018-0886 update",
                x224: X224::Confirm(FREERDP_NLA, Delivery::Whole),
                tls: Tls::Rustls {
                    certificate: FixtureCert::Valid,
                    versions: &TLS_1_2_AND_1_3,
                },
                credssp: UNPATCHED_2008_R2,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::SslRequired => Spec {
                name: "ssl-required",
                describe: "like xrdp security_layer=tls: selects TLS when asked, otherwise SSL_REQUIRED_BY_SERVER; no NLA",
                x224: X224::Confirm(XRDP_TLS, Delivery::Whole),
                tls: Tls::Rustls {
                    certificate: FixtureCert::Valid,
                    versions: &TLS_1_2_AND_1_3,
                },
                credssp: Credssp::None,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::RdpOnly => Spec {
                name: "rdp-only",
                describe: "like xrdp security_layer=rdp: selects standard RDP security whatever is asked; no TLS",
                x224: X224::Confirm(XRDP_RDP, Delivery::Whole),
                tls: Tls::None,
                credssp: Credssp::None,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::LegacyNoNeg => Spec {
                name: "legacy-no-neg",
                describe: "a pre-2003 server: a bare Connection Confirm without negotiation data",
                x224: X224::Confirm(LEGACY, Delivery::Whole),
                tls: Tls::None,
                credssp: Credssp::None,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::Garbage => Spec {
                name: "garbage",
                describe: "answers with an HTTP response instead of TPKT",
                x224: X224::Instead(HTTP_REPLY, After::Close),
                tls: Tls::None,
                credssp: Credssp::None,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::Truncated => Spec {
                name: "truncated",
                describe: "sends half a Connection Confirm, then closes",
                x224: X224::Confirm(ALWAYS_SSL, Delivery::HalfThenClose),
                tls: Tls::None,
                credssp: Credssp::None,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::HugeLength => Spec {
                name: "huge-length",
                describe: "sends a TPKT header claiming 65535 bytes and a few bytes, then holds the connection",
                x224: X224::Instead(HUGE_TPKT, After::Hold),
                tls: Tls::None,
                credssp: Credssp::None,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::HugeTlsRecord => Spec {
                name: "huge-tls-record",
                describe: "selects TLS, then answers the ClientHello with a record header claiming 65535 bytes and holds",
                x224: X224::Confirm(ALWAYS_SSL, Delivery::Whole),
                tls: Tls::Instead(HUGE_TLS_RECORD),
                credssp: Credssp::None,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::RogueSuite => Spec {
                name: "rogue-suite",
                describe: "selects TLS, then answers every ClientHello with a ServerHello picking suite 0xBEEF, which nobody offers",
                x224: X224::Confirm(ALWAYS_SSL, Delivery::Whole),
                tls: Tls::Instead(ROGUE_SUITE),
                credssp: Credssp::None,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::EmptyCertificate => Spec {
                name: "empty-certificate",
                describe: "selects TLS, then answers with a TLS 1.2 ServerHello and a Certificate message whose list is empty",
                x224: X224::Confirm(ALWAYS_SSL, Delivery::Whole),
                tls: Tls::Instead(EMPTY_CERTIFICATE),
                credssp: Credssp::None,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::DtlsAlert => Spec {
                name: "dtls-alert",
                describe: "selects TLS, then refuses every ClientHello with a fatal alert in a record stamped with a DTLS version, as GnuTLS does",
                x224: X224::Confirm(ALWAYS_SSL, Delivery::Whole),
                tls: Tls::Instead(DTLS_STAMPED_ALERT),
                credssp: Credssp::None,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::CredsspBadVersion => Spec {
                name: "credssp-bad-version",
                describe: "like nla-required, but its CredSSP answers with TSRequest version 4294967295, which does not exist",
                x224: X224::Confirm(FREERDP_NLA, Delivery::Whole),
                tls: Tls::Rustls {
                    certificate: FixtureCert::Valid,
                    versions: &TLS_1_2_AND_1_3,
                },
                credssp: IMPOSSIBLE_CREDSSP,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::Tarpit => Spec {
                name: "tarpit",
                describe: "accepts and reads, never answers, holds the connection open",
                x224: X224::Silence,
                tls: Tls::None,
                credssp: Credssp::None,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::Reset => Spec {
                name: "reset",
                describe: "accepts, then closes with a TCP reset",
                x224: X224::Reset,
                tls: Tls::None,
                credssp: Credssp::None,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::SlowDrip => Spec {
                name: "slow-drip",
                describe: "sends a valid Connection Confirm one byte per second, then behaves like modern",
                x224: X224::Confirm(MODERN, Delivery::Drip),
                tls: Tls::Rustls {
                    certificate: FixtureCert::Valid,
                    versions: &TLS_1_2_AND_1_3,
                },
                credssp: WINDOWS_2022,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::SlowSteps => Spec {
                name: "slow-steps",
                describe: "answers each Connection Request whole, but only after 1.5 s, then behaves like modern: every step just inside a 2 s timeout",
                x224: X224::Confirm(MODERN, Delivery::Late),
                tls: Tls::Rustls {
                    certificate: FixtureCert::Valid,
                    versions: &TLS_1_2_AND_1_3,
                },
                credssp: WINDOWS_2022,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::Disconnect => Spec {
                name: "disconnect",
                describe: "answers every request like xrdp answers RDSAAD: an MCS Disconnect Provider Ultimatum, then closes",
                x224: X224::Instead(&RDSAAD_DISCONNECT, After::Close),
                tls: Tls::None,
                credssp: Credssp::None,
                mcs: Mcs::None,
                admission: Admission::Open,
            },
            Self::OutstandingLimit => Spec {
                name: "outstanding-limit",
                describe: "like modern, but like a Windows server at MaxOutstandingConnections: while 4 connections are open, it accepts a new one and closes it before answering",
                x224: X224::Confirm(MODERN, Delivery::Whole),
                tls: Tls::Rustls {
                    certificate: FixtureCert::Valid,
                    versions: &TLS_1_2_AND_1_3,
                },
                credssp: WINDOWS_2022,
                mcs: Mcs::None,
                admission: Admission::Outstanding(4),
            },
            Self::BacklogFull => Spec {
                name: "backlog-full",
                describe: "like xrdp security_layer=tls, listening with a backlog of 1 and accepting one connection per 100 ms: a burst of connections overflows the backlog and the kernel drops SYNs",
                x224: X224::Confirm(XRDP_TLS, Delivery::Whole),
                tls: Tls::Rustls {
                    certificate: FixtureCert::Valid,
                    versions: &TLS_1_2_AND_1_3,
                },
                credssp: Credssp::None,
                mcs: Mcs::None,
                admission: Admission::SlowAccept {
                    backlog: 1,
                    accept_every: std::time::Duration::from_millis(100),
                },
            },
            Self::RdpMcsLow => Spec {
                name: "rdp-mcs-low",
                describe: "standard RDP security whatever is asked (like xrdp security_layer=rdp), then MCS at level low accepting 40-, 56- and 128-bit RC4, with a 512-bit proprietary key",
                x224: X224::Confirm(XRDP_RDP, Delivery::Whole),
                tls: Tls::None,
                credssp: Credssp::None,
                mcs: Mcs::Answer {
                    methods: EncryptionMethods(0x0B),
                    level: EncryptionLevel::LOW,
                    key_bits: 512,
                    then: McsEnd::Wait,
                },
                admission: Admission::Open,
            },
            Self::RdpMcsFips => Spec {
                name: "rdp-mcs-fips",
                describe: "like xrdp security_layer=rdp crypt_level=fips: standard RDP security, then MCS accepting FIPS only, with a 2048-bit proprietary key",
                x224: X224::Confirm(XRDP_RDP, Delivery::Whole),
                tls: Tls::None,
                credssp: Credssp::None,
                mcs: Mcs::Answer {
                    methods: EncryptionMethods(0x10),
                    level: EncryptionLevel::FIPS,
                    key_bits: 2048,
                    then: McsEnd::Wait,
                },
                admission: Admission::Open,
            },
            Self::McsDenied => Spec {
                name: "mcs-denied",
                describe: "like ssl-required (TLS, no NLA), then MCS; after the Channel Join it sends Set Error Info ERRINFO_SERVER_DENIED_CONNECTION (mstsc: 0x904, extended 0x7) and disconnects",
                x224: X224::Confirm(XRDP_TLS, Delivery::Whole),
                tls: Tls::Rustls {
                    certificate: FixtureCert::Valid,
                    versions: &TLS_1_2_AND_1_3,
                },
                credssp: Credssp::None,
                mcs: Mcs::Answer {
                    methods: EncryptionMethods(0),
                    level: EncryptionLevel::NONE,
                    key_bits: 0,
                    then: McsEnd::ErrorInfo(ErrorInfo::SERVER_DENIED_CONNECTION),
                },
                admission: Admission::Open,
            },
            Self::McsSessionLimit => Spec {
                name: "mcs-session-limit",
                describe: "like ssl-required (TLS, no NLA), but answers MCS Connect-Initial with the result rt-too-many-users, as a server at its session limit",
                x224: X224::Confirm(XRDP_TLS, Delivery::Whole),
                tls: Tls::Rustls {
                    certificate: FixtureCert::Valid,
                    versions: &TLS_1_2_AND_1_3,
                },
                credssp: Credssp::None,
                mcs: Mcs::Refuse(McsResult::TOO_MANY_USERS),
                admission: Admission::Open,
            },
        }
    }

    /// The name on the command line: `modern`, `tls13-only`, ...
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// One line for `rdptls serve --list` and documentation.
    pub fn describe(self) -> &'static str {
        self.spec().describe
    }

    /// The certificate a TLS profile serves; `None` for profiles that never reach TLS.
    pub fn certificate(self) -> Option<FixtureCert> {
        match self.spec().tls {
            Tls::Rustls { certificate, .. } => Some(certificate),
            Tls::None | Tls::Instead(_) => None,
        }
    }

    /// The Connection Confirm this profile sends for `request`, for the profiles that send a well-formed one.
    pub fn confirm(self, request: &ConnectionRequest) -> Option<ConnectionConfirm> {
        match self.spec().x224 {
            X224::Confirm(negotiation, _) => Some(negotiation.confirm(request)),
            X224::Instead(..) | X224::Silence | X224::Reset => None,
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown profile name; the message lists the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown profile {0:?} (known: {known})", known = Profile::ALL.map(Profile::name).join(", "))]
pub struct UnknownProfile(pub String);

impl FromStr for Profile {
    type Err = UnknownProfile;

    /// Accepts `tls13-only` and `tls13_only` alike.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL
            .into_iter()
            .find(|p| p.name() == wanted)
            .ok_or_else(|| UnknownProfile(s.to_string()))
    }
}
