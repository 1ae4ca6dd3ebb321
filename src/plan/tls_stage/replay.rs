//! Client replays: each distinct client hello sent once, the server's answer kept for the client analysis.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::{Answer, Offer, Step, TargetReport};
use crate::probe::raw::RawOracle;
use crate::probe::Oracle;

/// One hello per distinct offer, replayed against the server, at most `max_conns` at once; returns each offer's
/// answer, in order. Without a TLS path there is nothing to replay on (`None` each). The second list holds the
/// positions of the offers whose replay failed on our side (`kind: local`), which have no answer either.
pub async fn replay(
    oracle: &Arc<RawOracle>,
    offers: &[Offer],
    report: &TargetReport,
    max_conns: usize,
) -> (Vec<Option<Answer>>, Vec<usize>) {
    let tls_path =
        report.tls.is_some() || report.error.as_ref().is_some_and(|e| e.step == Step::Tls);
    if !tls_path {
        return (vec![None; offers.len()], Vec::new());
    }
    let slots = Arc::new(tokio::sync::Semaphore::new(max_conns.max(1)));
    let mut tasks = BTreeMap::new();
    for offer in offers {
        if tasks.contains_key(offer) {
            continue;
        }
        let (oracle, slots, o) = (oracle.clone(), slots.clone(), offer.clone());
        let task = crate::plan::Scoped::spawn(async move {
            let _slot = slots.acquire_owned().await;
            oracle.ask(o).await
        });
        tasks.insert(offer.clone(), task);
    }
    let mut answers: BTreeMap<Offer, Answer> = BTreeMap::new();
    let mut local = std::collections::BTreeSet::new();
    for (offer, task) in tasks {
        let answer = match task.await {
            Ok(Ok(a)) => a,
            // Our own shortage is no answer from the server: that client is left without a verdict.
            Ok(Err(e)) if e.kind == crate::model::ErrorKind::Local => {
                local.insert(offer.clone());
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
    let not_replayed = offers
        .iter()
        .enumerate()
        .filter(|(_, o)| local.contains(*o))
        .map(|(i, _)| i)
        .collect();
    (
        offers.iter().map(|o| answers.get(o).cloned()).collect(),
        not_replayed,
    )
}
