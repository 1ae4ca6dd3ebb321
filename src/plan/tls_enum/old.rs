//! The versions below TLS 1.2, asked together. Most servers today have none of them, and a server that refuses
//! them with handshake_failure rather than protocol_version (OpenSSL 3 at its default security level does)
//! makes each version cost one hello per partition to prove it. One hello per partition offering up to the
//! highest of them asks for all at once: a server answers at the highest version it has, up to the offer (RFC
//! 5246 E.1), having chosen the version before the suite, so
//! - a refusal of every partition proves none of them has a candidate suite (their candidate lists are one list:
//!   no suite of SSL 3.0 to TLS 1.1 is tied to one of them);
//! - an answer at version V is V's chains' first step; the versions above V are not supported, and the ones
//!   below are asked on their own, as before.
//!
//! A server whose answers name two versions chose its version by the suites: every version is then asked on its
//! own.

use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinError;

use super::chains::{partitions, version_name, ChainEnd, Run, Step};
use crate::model::{Answer, CipherSuite, Offer, ProtocolVersion, Sni};
use crate::plan::Scoped;
use crate::probe::Oracle;

/// What one chain found, and how it ended.
pub(super) type ChainResult = (Vec<Step>, ChainEnd);

/// The chains of `versions` (ascending, below TLS 1.2, two or more), which share the candidate list `suites`.
pub(super) async fn together<O: Oracle>(
    run: Arc<Run<O>>,
    versions: Vec<ProtocolVersion>,
    suites: Vec<CipherSuite>,
    max: usize,
) -> Vec<(ProtocolVersion, ChainResult)> {
    let parts = partitions(&suites, max, 1, 0);
    let every = |end: ChainEnd| -> Vec<(ProtocolVersion, ChainResult)> {
        versions
            .iter()
            .map(|v| (*v, (Vec::new(), end.clone())))
            .collect()
    };
    if parts.is_empty() {
        return every(ChainEnd::Exhausted);
    }
    let offer = |part: &[CipherSuite]| Offer {
        versions: versions.iter().rev().copied().collect(),
        suites: part.to_vec(),
        groups: run.groups_for_offer(),
        x25519_share: false,
        renegotiation_scsv: true,
        shape: None,
        sni: Sni::Name,
    };
    // The first partition alone: a protocol_version alert refuses every version in one hello.
    let mut answers = vec![run.ask(offer(&parts[0])).await];
    if !matches!(answers[0], Some(Answer::VersionRefused { .. })) {
        let rest: Vec<Scoped<Option<Answer>>> = parts[1..]
            .iter()
            .map(|part| {
                let (run, offer) = (run.clone(), offer(part));
                Scoped::spawn(async move { run.ask(offer).await })
            })
            .collect();
        for task in rest {
            answers.push(task.await.ok().flatten());
        }
    }

    let mut seeds: Vec<Option<Step>> = vec![None; parts.len()];
    let mut at: Option<ProtocolVersion> = None;
    let mut mixed = false;
    for (i, answer) in answers.iter().enumerate() {
        match answer {
            Some(Answer::Refused { .. } | Answer::VersionRefused { .. }) => {}
            Some(Answer::Hello { version, suite, .. })
                if versions.contains(version) && parts[i].contains(suite) =>
            {
                mixed |= at.is_some_and(|v| v != *version);
                at = Some(at.map_or(*version, |v| v.max(*version)));
                seeds[i] = Some(Step {
                    offered: parts[i].clone(),
                    picked: *suite,
                });
            }
            Some(Answer::Hello { version, suite, .. }) => {
                let detail = format!(
                    "asked for {} or lower and got {} with suite 0x{:04x}, which was not offered",
                    version_name(*versions.last().unwrap_or(version)),
                    version_name(*version),
                    suite.0
                );
                let mut seen = run.lock();
                seen.violations.push(detail.clone());
                seen.anomalies.push(detail);
                return every(ChainEnd::Broken);
            }
            // Out of retries (the error is kept), or a violation (noted): nothing here can be believed.
            Some(Answer::Violation { .. }) | None => return every(ChainEnd::Broken),
        }
    }
    let Some(top) = at else {
        return every(ChainEnd::Exhausted);
    };
    if mixed {
        return alone(&run, &versions, &parts).await;
    }

    // The version answered: each partition's chain goes on from its pick; a refused partition has none there.
    let answered: Vec<_> = parts
        .iter()
        .cloned()
        .zip(seeds)
        .map(|(part, seed)| {
            let run = run.clone();
            Scoped::spawn(async move {
                match seed {
                    Some(step) => run.chain(top, part, None, Some(step)).await,
                    None => (Vec::new(), ChainEnd::Exhausted),
                }
            })
        })
        .collect();
    // The versions below it, on their own (while those chains run); the ones above it are not supported.
    let lower: Vec<ProtocolVersion> = versions.iter().copied().filter(|v| *v < top).collect();
    let mut out = alone(&run, &lower, &parts).await;
    out.extend(
        versions
            .iter()
            .filter(|v| **v > top)
            .map(|v| (*v, (Vec::new(), ChainEnd::Downgraded(top)))),
    );
    for task in answered {
        out.push((top, joined(&run, task.await)));
    }
    out
}

/// A chain's result, or a broken chain (noted) when its task failed.
fn joined(run: &Run<impl Oracle>, result: Result<ChainResult, JoinError>) -> ChainResult {
    result.unwrap_or_else(|e| {
        run.lock().anomalies.push(format!("a chain failed: {e}"));
        (Vec::new(), ChainEnd::Broken)
    })
}

/// Versions below TLS 1.2 each on its own: a chain per partition, all at once, but a version's further partitions
/// wait for its first one's first answer, and skip their hellos when the server refused the version itself (below
/// TLS 1.2 a version is often disabled outright).
pub(super) async fn alone<O: Oracle>(
    run: &Arc<Run<O>>,
    versions: &[ProtocolVersion],
    parts: &[Vec<CipherSuite>],
) -> Vec<(ProtocolVersion, ChainResult)> {
    let mut tasks = Vec::new();
    for &version in versions {
        let (tx, rx) = watch::channel(None::<bool>);
        let mut first = Some(tx);
        for part in parts.iter().cloned() {
            let run = run.clone();
            let reporter = first.take();
            let mut gate = reporter.is_none().then(|| rx.clone());
            tasks.push((
                version,
                Scoped::spawn(async move {
                    if let Some(rx) = gate.as_mut() {
                        let worth = rx.wait_for(Option::is_some).await.map(|v| *v == Some(true));
                        if matches!(worth, Ok(false)) {
                            return (Vec::new(), ChainEnd::Exhausted);
                        }
                    }
                    run.chain(version, part, reporter, None).await
                }),
            ));
        }
    }
    let mut out = Vec::new();
    for (version, task) in tasks {
        out.push((version, joined(run, task.await)));
    }
    out
}
