//! The vocabulary of the profile table: what a fixture server does at each step, from accepting a connection to
//! CredSSP.

use std::time::Duration;

use rustls::SupportedProtocolVersion;

use crate::fixtures::FixtureCert;
use crate::wire::mcs::{EncryptionLevel, EncryptionMethods, ErrorInfo, McsResult};
use crate::wire::x224::{ConnectionConfirm, ConnectionRequest, NegotiationReply, Protocols};

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub(super) struct Spec {
    /// The name on the command line.
    pub name: &'static str,
    /// One line for `rdptls serve --list`.
    pub describe: &'static str,
    /// What the client gets where it expects a Connection Confirm.
    pub x224: X224,
    /// What follows a Connection Confirm selecting SSL, HYBRID or HYBRID_EX.
    pub tls: Tls,
    /// What it answers inside TLS when it selected HYBRID or HYBRID_EX.
    pub credssp: Credssp,
    /// What it answers to MCS Connect-Initial, after standard RDP security or after TLS without NLA.
    pub mcs: Mcs,
    /// How it takes new connections.
    pub admission: Admission,
}

/// What a profile answers to MCS Connect-Initial.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mcs {
    /// No MCS: the first bytes after X.224 (or TLS) end the connection.
    None,
    /// A Connect-Response. With standard RDP security the server picks the strongest of the client's methods
    /// that `methods` allows (and closes when there is none), at `level`, with a proprietary certificate for a
    /// key of `key_bits` signed with the Terminal Services signing key; over TLS, no native encryption. Then
    /// Attach User and Channel Join are confirmed, and `then` follows the I/O channel's join.
    Answer {
        methods: EncryptionMethods,
        level: EncryptionLevel,
        key_bits: u16,
        then: McsEnd,
    },
    /// A Connect-Response with this result instead of rt-successful, then the connection closes.
    Refuse(McsResult),
}

/// What follows the Channel Join of an [`Mcs::Answer`] profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum McsEnd {
    /// Waits for the Client Info PDU (which rdptls never sends) until the client goes.
    Wait,
    /// A Set Error Info PDU with this code, a Disconnect Provider Ultimatum, and the connection closes, as a
    /// Windows server that denies the connection does.
    ErrorInfo(ErrorInfo),
}

/// How a profile takes new connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Admission {
    /// Accepts every connection at once, with the system's listen backlog.
    Open,
    /// Like a Windows server at MaxOutstandingConnections: while this many connections are open (none of them
    /// ever logs on, so all are outstanding), it accepts a new one and closes it at once, before any answer.
    Outstanding(usize),
    /// Like xrdp: listens with a backlog of `backlog` and accepts one connection per `accept_every`, so that a
    /// burst overflows the backlog and the kernel drops SYNs (the client resends them a second later).
    SlowAccept {
        backlog: u32,
        accept_every: Duration,
    },
}

/// What a profile does where the client expects a Connection Confirm.
#[derive(Clone, Copy, Debug)]
pub(super) enum X224 {
    /// Reads a whole Connection Request and answers with the Connection Confirm the negotiation gives.
    Confirm(Negotiation, Delivery),
    /// Reads whatever the client sends first and writes these bytes instead of a Connection Confirm.
    Instead(&'static [u8], After),
    /// Reads and discards, never answers; holds the connection until the client goes or `hold_cap` passes.
    Silence,
    /// Closes with a TCP reset as soon as it accepts.
    Reset,
}

/// How a Connection Confirm goes on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Delivery {
    /// In one write.
    Whole,
    /// Its first half, then the connection closes.
    HalfThenClose,
    /// One byte per `drip_interval`.
    Drip,
    /// In one write, after `late_by`.
    Late,
}

/// What follows [`X224::Instead`]'s bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum After {
    /// The server closes the connection.
    Close,
    /// The server reads and discards until the client goes or `hold_cap` passes; it never writes again.
    Hold,
}

/// How a profile chooses its Connection Confirm.
#[derive(Clone, Copy, Debug)]
pub(super) struct Negotiation {
    /// The Connection Confirm's SRC-REF.
    pub src_ref: u16,
    /// Tried in order: the first rule naming a protocol the client asked for gives the reply.
    pub rules: &'static [Rule],
    /// The reply when no rule matched. A request without negotiation data asks for standard RDP security only.
    pub otherwise: NegotiationReply,
}

/// One negotiation rule: when any of `asked` is requested, answer `reply`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Rule {
    pub asked: &'static [Protocols],
    pub reply: NegotiationReply,
}

impl Negotiation {
    /// The Connection Confirm for `request`.
    pub(super) fn confirm(&self, request: &ConnectionRequest) -> ConnectionConfirm {
        let requested = request
            .negotiation
            .map(|n| n.requested)
            .unwrap_or(Protocols::RDP);
        let asks = |p: Protocols| requested.contains(p) && p != Protocols::RDP;
        let negotiation = self
            .rules
            .iter()
            .find(|rule| rule.asked.iter().any(|&p| asks(p)))
            .map_or(self.otherwise, |rule| rule.reply);
        ConnectionConfirm {
            dst_ref: 0,
            src_ref: self.src_ref,
            class: 0,
            negotiation,
        }
    }
}

/// What follows a Connection Confirm selecting SSL, HYBRID or HYBRID_EX.
#[derive(Clone, Copy, Debug)]
pub(super) enum Tls {
    /// No TLS: the profile never selects it, or closes first.
    None,
    /// A rustls handshake with this fixture certificate, accepting these versions.
    Rustls {
        certificate: FixtureCert,
        versions: &'static [&'static SupportedProtocolVersion],
    },
    /// Reads the ClientHello, writes these bytes instead of a ServerHello, then holds the connection.
    Instead(&'static [u8]),
}

/// How a profile answers CredSSP (MS-CSSP) inside TLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Credssp {
    /// Never selects HYBRID or HYBRID_EX, so never sees CredSSP.
    None,
    /// Answers a TSRequest carrying an NTLM NEGOTIATE with a TSRequest of `version` carrying an NTLM CHALLENGE
    /// whose VERSION is Windows `windows` (major, minor, build); the next message ends the connection.
    Challenge {
        version: u32,
        windows: (u8, u8, u16),
    },
}
