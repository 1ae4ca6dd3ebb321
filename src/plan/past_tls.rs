//! The MCS stage as the scan runs it: which paths reach MCS without credentials, the connections the scan
//! already opened that it continues on, and what it adds to the report and the journal.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::oneshot;
use tokio_rustls::client::TlsStream;

use super::mcs::{self, McsOptions, McsPaths, McsStageResult, OpenStreams};
use super::{Cutoff, PlanOptions};
use crate::model::StageCost;
use crate::model::{
    ConnectionStage, CutReason, Ending, McsStage as Reached, ProtocolResult, ScanStage,
    TargetReport,
};
use crate::probe::raw::RawOracle;
use crate::probe::{Conn, ProbeContext};
use crate::wire::x224::Protocols;

/// Standard RDP security probes in flight at once: xrdp sets up one connection at a time.
const IN_FLIGHT: usize = 2;

/// One target's MCS stage, before it runs.
pub(super) struct McsStage {
    paths: McsPaths,
    opts: McsOptions,
    rdp: Option<Conn>,
    after_tls: Option<oneshot::Receiver<TlsStream<Conn>>>,
}

impl McsStage {
    /// The stage for what the negotiation found (nothing in quick mode), with the negotiation's standard RDP
    /// security connection if it left one.
    pub fn new(report: &TargetReport, opts: &PlanOptions, name: &str, rdp: Option<Conn>) -> Self {
        Self {
            paths: paths(report, opts),
            opts: McsOptions {
                max_in_flight: IN_FLIGHT,
                host: name.to_string(),
            },
            rdp,
            after_tls: None,
        }
    }

    /// Asks the TLS stage for its modern handshake's connection when it selected PROTOCOL_SSL, for the probe
    /// after TLS (instead of a connection of its own).
    pub fn continuing_from(mut self, oracle: &RawOracle) -> Self {
        if self.paths.ssl {
            self.after_tls = Some(oracle.keep_after_tls());
        }
        self
    }

    /// Runs the stage within the target's deadline: `None` when no path reaches MCS.
    pub async fn result(
        self,
        ctx: &ProbeContext,
        addr: SocketAddr,
        cutoff: &Cutoff,
    ) -> Option<Result<(McsStageResult, StageCost), CutReason>> {
        if !self.paths.rdp && !self.paths.ssl {
            return None;
        }
        // Its own connection count, added to the target's after: the stage runs beside TLS.
        let mut own = ctx.clone();
        own.connections = Arc::new(AtomicU64::new(0));
        let started = Instant::now();
        let mut reused = u64::from(self.rdp.is_some());
        let stage = async {
            let tls = match self.after_tls {
                // The handshake takes one step at most; a connection that does not come is opened anew.
                Some(rx) => tokio::time::timeout(ctx.timeout, rx)
                    .await
                    .ok()
                    .and_then(Result::ok),
                None => None,
            };
            reused += u64::from(tls.is_some());
            let open = OpenStreams { rdp: self.rdp, tls };
            mcs::run_reusing(&own, addr, self.paths, &self.opts, open).await
        };
        let result = cutoff.within(stage).await;
        let opened = own.connections();
        ctx.connections.fetch_add(opened, Ordering::Relaxed);
        let cost = StageCost {
            connections: opened,
            reused,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        };
        Some(result.map(|r| (r, cost)))
    }
}

/// Which paths reach MCS without credentials: standard RDP security, TLS without NLA (never in quick mode).
fn paths(report: &TargetReport, opts: &PlanOptions) -> McsPaths {
    let Some(neg) = report.negotiation.as_ref().filter(|_| !opts.quick) else {
        return McsPaths::default();
    };
    let accepted = |p: Protocols| {
        neg.protocols
            .iter()
            .any(|row| row.protocol == p && row.result == ProtocolResult::Accepted)
    };
    McsPaths {
        rdp: accepted(Protocols::RDP) || neg.legacy_server,
        ssl: accepted(Protocols::SSL),
    }
}

/// Puts the stage's findings and errors in the report (or that it was cut short), and how far its connections
/// got and how they ended in the journal.
pub(super) fn record(
    ctx: &ProbeContext,
    cutoff: &Cutoff,
    report: &mut TargetReport,
    result: Option<Result<(McsStageResult, StageCost), CutReason>>,
) {
    let result = match result {
        None => return,
        Some(Err(reason)) => {
            cutoff.cut(report, ScanStage::Mcs, reason);
            return;
        }
        Some(Ok((result, cost))) => {
            report.stats.stages.get_or_insert_with(Default::default).mcs = cost;
            result
        }
    };
    report.stage_errors = result.errors.clone();
    if let Some(m) = &result.mcs {
        if m.stage >= Reached::ConnectResponse {
            ctx.journal.reach(ConnectionStage::Mcs);
            if let Some(e) = m.ending {
                ctx.journal.ended(ConnectionStage::Mcs, e);
            }
        }
    }
    for (_, ending) in &result.endings {
        // Answers in MCS: the connection reached it.
        if let Some(e @ (Ending::Ultimatum(_) | Ending::ErrorInfo(_) | Ending::Refused(_))) = ending
        {
            ctx.journal.reach(ConnectionStage::Mcs);
            ctx.journal.ended(ConnectionStage::Mcs, *e);
        }
    }
    report.rdp_security = result.rdp_security;
    report.mcs = result.mcs;
}
