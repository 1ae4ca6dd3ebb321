//! How far a target's connections got (TCP, X.224, TLS, CredSSP, MCS), how the server ended them there, and the
//! signs of a server at its connection limits.

use serde::{Deserialize, Serialize};

use super::{AlertDescription, DisconnectReason, ErrorInfo, McsResult};

/// A stage of the RDP connection sequence, in order (MS-RDPBCGR 1.3.1.1): a connection that reached one has passed
/// every earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionStage {
    /// The TCP handshake completed.
    Tcp,
    /// The server answered the X.224 Connection Request.
    X224,
    /// A TLS handshake got its ServerHello.
    Tls,
    /// CredSSP answered (an NTLM CHALLENGE, or a TSRequest at all).
    Credssp,
    /// MCS Connect-Response arrived (after TLS without NLA, or with standard RDP security).
    Mcs,
}

impl ConnectionStage {
    /// The spelling of reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::X224 => "x224",
            Self::Tls => "tls",
            Self::Credssp => "credssp",
            Self::Mcs => "mcs",
        }
    }
}

/// How a server ended a connection, at whatever stage: what a client would have seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// A TCP reset.
    Reset,
    /// A TCP close (FIN) without a word.
    Closed,
    /// A TLS alert.
    Alert(AlertDescription),
    /// An X.224 Disconnect Request, or an MCS Disconnect Provider Ultimatum where a Connection Confirm belongs.
    X224Disconnect,
    /// An MCS Disconnect Provider Ultimatum, with its reason (T.125 11.15).
    Ultimatum(DisconnectReason),
    /// A Set Error Info PDU, with its errorInfo code (MS-RDPBCGR 2.2.5.1.1).
    ErrorInfo(ErrorInfo),
    /// An MCS Connect-Response whose result is not rt-successful.
    Refused(McsResult),
    /// The server ended nothing: still open when rdptls gave up waiting or had what it needed, and closed it.
    Rdptls,
}

impl Ending {
    /// Whether the server ended the connection (rather than rdptls).
    pub fn by_server(&self) -> bool {
        !matches!(self, Self::Rdptls)
    }
}

/// The furthest stage any connection reached, and how the server ended the connection that reached it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageReport {
    pub reached: ConnectionStage,
    pub ended_by: Ending,
}

/// What the probes saw of the server's connection limits: connections it dropped while others were answered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionPressure {
    /// Connections the server accepted, then closed or reset before its Connection Confirm.
    pub closed_before_confirm: u32,
    /// Connections whose TCP handshake took a SYN retransmission (a second or more) while others completed at once:
    /// the listen backlog was full and the kernel dropped their SYN.
    pub syn_retransmits: u32,
    /// Connections the server answered at X.224.
    pub answered: u32,
    /// rdptls's own connections open to the server when the first of those drops happened.
    pub open_at_first_drop: u32,
    /// The most connections rdptls had open to the server at once.
    pub peak_open: u32,
    /// Dropped requests that rdptls sent again, alone, after backing off, and that the server then answered.
    pub recovered_after_backoff: u32,
}

impl ConnectionPressure {
    /// Whether the server dropped any connection while answering others.
    pub fn dropped_some(&self) -> bool {
        self.answered > 0 && (self.closed_before_confirm > 0 || self.syn_retransmits > 0)
    }
}

/// A connection-limit pattern, as the report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitPattern {
    /// The listener accepts, then closes before the Connection Confirm (Windows at MaxOutstandingConnections).
    ClosedBeforeConfirm,
    /// The listen backlog drops SYNs while other connections succeed.
    SynDropped,
    /// The server accepts the connection but refuses it in MCS (a session limit, or a denied connection).
    RefusedInMcs,
}

/// The connection-limit section of a report: present when a pattern appeared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitsReport {
    pub patterns: Vec<LimitPattern>,
    /// rdptls's own connections open to the server when the first drop happened (they count toward its limits).
    pub open_connections: u32,
    /// The most connections rdptls had open to the server at once.
    pub peak_open: u32,
    /// Connections dropped before the Connection Confirm, and SYNs retransmitted.
    pub closed_before_confirm: u32,
    pub syn_retransmits: u32,
    /// Dropped requests the server answered when sent again alone after rdptls backed off.
    pub recovered_after_backoff: u32,
}
