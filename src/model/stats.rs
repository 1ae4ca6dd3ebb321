//! What a scan cost: connections and time, for a target and stage by stage.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Stats {
    /// TCP connections opened, counted, not estimated.
    pub connections: u64,
    pub elapsed_ms: u64,
    /// Where one target's time and connections went, stage by stage (absent from a run's totals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stages: Option<StageStats>,
}

/// One target's scan, stage by stage. The TLS enumeration, the modern handshake and CredSSP run side by side, so
/// their times overlap; the replays come after them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct StageStats {
    /// The X.224 matrix: one connection per security protocol.
    pub negotiation: StageCost,
    /// Versions, suites, server order, groups: the elimination chains' hellos.
    pub tls_enumeration: StageCost,
    /// The rustls handshake (on a connection the negotiation left ready, when it left one).
    pub modern_handshake: StageCost,
    /// The CredSSP probe (on the negotiation's HYBRID connection, when it left one).
    pub credssp: StageCost,
    /// The client hellos sent again as the clients send them.
    pub replays: StageCost,
    /// MCS past X.224 or TLS (beside the TLS stage): one connection per standard RDP security method, one after
    /// TLS; `reused` counts the negotiation's and the modern handshake's connections it carried on.
    #[serde(default)]
    pub mcs: StageCost,
    /// Distinct client hellos sent, and those whose answer was derived from the enumeration instead (clients
    /// that send the same hello share one).
    pub hellos_replayed: u64,
    pub hellos_derived: u64,
    /// The enumeration's hellos went with their X.224 Connection Request, a round trip fewer each: a trial
    /// showed that the server reads a hello sent before its Confirm (false: each waited for its Confirm).
    #[serde(default)]
    pub early_hellos: bool,
}

/// What one stage cost.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct StageCost {
    /// TCP connections the stage opened itself.
    pub connections: u64,
    /// Connections an earlier stage opened that this one carried on (the negotiation's, ready for TLS).
    pub reused: u64,
    /// From the stage's start to its end, in milliseconds.
    pub elapsed_ms: u64,
}
