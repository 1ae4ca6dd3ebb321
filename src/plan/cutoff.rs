//! When a target's scan must end: its own deadline (`--target-timeout`), or the end of an interrupted run's grace
//! period. A stage cut short is dropped where it stands (with the probes it spawned); what earlier stages found
//! stays in the report, and the report says which stage was cut and why.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::{JoinError, JoinHandle};

use super::{fail, PlanOptions};
use crate::model::{CutReason, CutShort, ErrorKind, ScanError, ScanStage, Step, TargetReport};

/// Tells every target of a run that it was interrupted: the instant by which targets in flight must end.
#[derive(Debug, Clone)]
pub struct Interrupt(watch::Receiver<Option<tokio::time::Instant>>);

/// The sending side of [`Interrupt`].
#[derive(Debug)]
pub struct InterruptSender(watch::Sender<Option<tokio::time::Instant>>);

impl Interrupt {
    pub fn channel() -> (InterruptSender, Self) {
        let (tx, rx) = watch::channel(None);
        (InterruptSender(tx), Self(rx))
    }

    /// Whether the run was interrupted.
    pub fn is_set(&self) -> bool {
        self.0.borrow().is_some()
    }

    /// Resolves once the run is interrupted; never otherwise.
    pub async fn set(&self) {
        let mut rx = self.0.clone();
        if rx.wait_for(Option::is_some).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    /// Resolves at the end of the grace period once the run is interrupted; never otherwise.
    pub async fn grace_over(&self) {
        let mut rx = self.0.clone();
        let until = match rx.wait_for(Option::is_some).await {
            Ok(v) => *v,
            Err(_) => None,
        };
        match until {
            Some(t) => tokio::time::sleep_until(t).await,
            None => std::future::pending().await,
        }
    }
}

impl InterruptSender {
    /// Interrupts the run: targets in flight have `grace` to end.
    pub fn interrupt(&self, grace: Duration) {
        let until = tokio::time::Instant::now() + grace;
        self.0.send_if_modified(|v| {
            if v.is_none() {
                *v = Some(until);
                true
            } else {
                false
            }
        });
    }
}

/// One target's limit.
#[derive(Debug, Clone)]
pub struct Cutoff {
    deadline: Option<tokio::time::Instant>,
    limit: Option<Duration>,
    interrupt: Option<Interrupt>,
}

impl Cutoff {
    /// The cutoff of a target that started at `started`.
    pub fn new(opts: &PlanOptions, started: Instant) -> Self {
        Self {
            deadline: opts
                .target_timeout
                .map(|t| tokio::time::Instant::from_std(started) + t),
            limit: opts.target_timeout,
            interrupt: opts.interrupt.clone(),
        }
    }

    /// Runs `stage` until it ends or the cutoff passes; the stage is dropped when the cutoff passes first.
    pub async fn within<T>(&self, stage: impl Future<Output = T>) -> Result<T, CutReason> {
        let deadline = async {
            match self.deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        let interrupted = async {
            match &self.interrupt {
                Some(i) => i.grace_over().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            done = stage => Ok(done),
            () = deadline => Err(CutReason::Deadline),
            () = interrupted => Err(CutReason::Interrupted),
        }
    }

    /// Records that `stage` was cut short. Before TLS results exist, the target's scan failed at that step
    /// (`kind: deadline`); later, the report keeps its results and says it is partial.
    pub fn cut(&self, report: &mut TargetReport, stage: ScanStage, reason: CutReason) {
        report.cut_short = Some(CutShort { stage, reason });
        let why = match (reason, self.limit) {
            (CutReason::Deadline, Some(l)) => {
                format!(
                    "the target's deadline (--target-timeout {} s) passed",
                    l.as_secs_f64()
                )
            }
            (CutReason::Deadline, None) => "the target's deadline passed".to_string(),
            (CutReason::Interrupted, _) => "the run was interrupted".to_string(),
        };
        let step = match stage {
            ScanStage::Resolve => Step::Resolve,
            ScanStage::Negotiation => Step::X224,
            ScanStage::Tls => Step::Tls,
            ScanStage::Clients | ScanStage::Mcs => return,
        };
        if report.error.is_none() {
            let what = match stage {
                ScanStage::Resolve => "name resolution",
                ScanStage::Negotiation => "the X.224 negotiation",
                _ => "the TLS stage",
            };
            fail(
                report,
                ScanError::new(step, ErrorKind::Deadline, format!("{why} during {what}")),
            );
        }
    }
}

/// A spawned task that is aborted when dropped: a stage cut short takes its probes with it.
pub struct Scoped<T>(JoinHandle<T>);

impl<T: Send + 'static> Scoped<T> {
    pub fn spawn(task: impl Future<Output = T> + Send + 'static) -> Self {
        Self(tokio::spawn(task))
    }
}

impl<T> Future for Scoped<T> {
    type Output = Result<T, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Drop for Scoped<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
