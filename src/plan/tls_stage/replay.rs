//! Client replays: each distinct client hello whose answer the enumeration does not already prove is sent once,
//! and the server's answer kept for the client analysis; the others are derived, without a connection.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::model::{Answer, EnumerationEvidence, ErrorKind, Offer, Step, TargetReport};
use crate::plan::ClientDeriver;
use crate::probe::raw::RawOracle;
use crate::probe::Oracle;

/// What the replay stage found, per offer in the order given.
#[derive(Debug, Default)]
pub struct Replayed {
    /// The server's answer (replayed or derived); `None` without a TLS path, or when the replay failed on our
    /// side.
    pub answers: Vec<Option<Answer>>,
    /// Positions of the offers whose replay failed on our side (`kind: local`).
    pub not_replayed: Vec<usize>,
    /// Positions answered by derivation, without a connection.
    pub derived: Vec<bool>,
    /// Distinct hellos sent, and those derived.
    pub sent: u64,
    pub derived_hellos: u64,
}

/// The SNI a hello would carry: the replays of one SNI prove it for the rest.
type SentSni = Option<String>;

/// Derives what the evidence proves, replays the rest (at most `max_conns` at once) and returns each offer's
/// answer, in order. A hello that would be derived but for an SNI no answered hello carried yet is derived once
/// one replay with that SNI got the answer its derivation predicts; otherwise it is replayed too.
pub async fn replay(
    oracle: &Arc<RawOracle>,
    offers: &[Offer],
    report: &TargetReport,
    chain: &[Vec<u8>],
    max_conns: usize,
    derive: &ClientDeriver,
) -> Replayed {
    let tls_path =
        report.tls.is_some() || report.error.as_ref().is_some_and(|e| e.step == Step::Tls);
    if !tls_path {
        return Replayed {
            answers: vec![None; offers.len()],
            derived: vec![false; offers.len()],
            ..Replayed::default()
        };
    }
    let mut distinct: Vec<&Offer> = Vec::new();
    for o in offers {
        if !distinct.contains(&o) {
            distinct.push(o);
        }
    }
    // The SNIs the server already answered: the enumeration's own, and the one its order test carried.
    let mut answered_sni: BTreeSet<SentSni> = BTreeSet::new();
    for o in &distinct {
        let sni = oracle.sent_sni(o);
        if oracle.sni_answered(&sni) {
            answered_sni.insert(sni);
        }
    }
    let try_derive = |o: &Offer, sni_answered: bool| {
        let tls = report.tls.as_ref()?;
        let ev = EnumerationEvidence {
            tls,
            chain,
            sni_answered,
        };
        derive.derive(o, &ev)?.ok()
    };
    let mut derived: BTreeMap<Offer, Answer> = BTreeMap::new();
    let mut first_round: Vec<Offer> = Vec::new();
    let mut waiting: BTreeMap<SentSni, Vec<Offer>> = BTreeMap::new();
    for o in distinct {
        let sni = oracle.sent_sni(o);
        match try_derive(o, answered_sni.contains(&sni)) {
            Some(a) => {
                derived.insert(o.clone(), a);
            }
            None if !answered_sni.contains(&sni) && try_derive(o, true).is_some() => {
                waiting.entry(sni).or_default().push(o.clone());
            }
            None => first_round.push(o.clone()),
        }
    }
    // One hello per new SNI goes first, as that SNI's proof.
    let proofs: Vec<(Offer, Vec<Offer>)> = waiting
        .into_values()
        .map(|mut group| {
            let first = group.remove(0);
            first_round.push(first.clone());
            (first, group)
        })
        .collect();
    let mut out = Replayed::default();
    let (mut answers, mut local) = send(oracle, &first_round, max_conns).await;
    out.sent += first_round.len() as u64;
    let mut second_round = Vec::new();
    for (first, rest) in proofs {
        let predicted = try_derive(&first, true);
        if let (Some(got), Some(predicted)) = (answers.get(&first), predicted.as_ref()) {
            if same_outcome(got, predicted) {
                for o in rest {
                    if let Some(a) = try_derive(&o, true) {
                        derived.insert(o, a);
                    }
                }
                continue;
            }
        }
        second_round.extend(rest);
    }
    if !second_round.is_empty() {
        let (more, more_local) = send(oracle, &second_round, max_conns).await;
        out.sent += second_round.len() as u64;
        answers.extend(more);
        local.extend(more_local);
    }
    out.derived_hellos = derived.len() as u64;
    for (i, o) in offers.iter().enumerate() {
        let from_enumeration = derived.get(o);
        out.derived.push(from_enumeration.is_some());
        out.answers
            .push(from_enumeration.or_else(|| answers.get(o)).cloned());
        if local.contains(o) {
            out.not_replayed.push(i);
        }
    }
    out
}

/// Whether a replay's answer is the one its derivation predicted: the same version and suite.
fn same_outcome(got: &Answer, predicted: &Answer) -> bool {
    match (got, predicted) {
        (
            Answer::Hello {
                version: a,
                suite: b,
                ..
            },
            Answer::Hello {
                version: c,
                suite: d,
                ..
            },
        ) => a == c && b == d,
        _ => false,
    }
}

/// Sends each offer once, at most `max_conns` at once; returns the answers and the offers whose replay failed on
/// our side (`kind: local`), which have no answer.
async fn send(
    oracle: &Arc<RawOracle>,
    offers: &[Offer],
    max_conns: usize,
) -> (BTreeMap<Offer, Answer>, BTreeSet<Offer>) {
    let slots = Arc::new(tokio::sync::Semaphore::new(max_conns.max(1)));
    let mut tasks = BTreeMap::new();
    for offer in offers {
        let (oracle, slots, o) = (oracle.clone(), slots.clone(), offer.clone());
        let task = crate::plan::Scoped::spawn(async move {
            let _slot = slots.acquire_owned().await;
            oracle.ask(o).await
        });
        tasks.insert(offer.clone(), task);
    }
    let mut answers = BTreeMap::new();
    let mut local = BTreeSet::new();
    for (offer, task) in tasks {
        let answer = match task.await {
            Ok(Ok(a)) => a,
            // Our own shortage is no answer from the server: that client is left without a verdict.
            Ok(Err(e)) if e.kind == ErrorKind::Local => {
                local.insert(offer);
                continue;
            }
            Ok(Err(e)) => Answer::Refused {
                alert: None,
                detail: e.to_string(),
            },
            Err(e) => Answer::Refused {
                alert: None,
                detail: format!("replay failed: {e}"),
            },
        };
        answers.insert(offer, answer);
    }
    (answers, local)
}
