//! How a run ends early: SIGINT or SIGTERM interrupt it (no new target, a grace period for those in flight, then
//! a valid document), a second signal or a closed standard output end it at once.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rdptls::plan::{Interrupt, InterruptSender};

/// How long targets in flight get to finish after SIGINT or SIGTERM before they are cut short.
pub const GRACE: Duration = Duration::from_secs(2);

/// 128 + the signal's number, the shell's convention for a process a signal ended.
pub const EXIT_SIGINT: i32 = 130;
pub const EXIT_SIGPIPE: i32 = 141;
pub const EXIT_SIGTERM: i32 = 143;

/// The signal that interrupted the run: its exit code, or 0 while none came.
#[derive(Clone, Default)]
pub struct Received(Arc<AtomicI32>);

impl Received {
    /// The exit code of an interrupted run (130 for SIGINT, 143 for SIGTERM), or `None`.
    pub fn exit_code(&self) -> Option<i32> {
        match self.0.load(Ordering::Relaxed) {
            0 => None,
            code => Some(code),
        }
    }
}

/// Listens for SIGINT and SIGTERM for the rest of the process: the first interrupts the run, a second exits at
/// once with its code.
pub fn listen() -> (Interrupt, Received) {
    let (tx, interrupt) = Interrupt::channel();
    let received = Received::default();
    let seen = received.clone();
    tokio::spawn(async move { wait_for_signals(tx, seen).await });
    (interrupt, received)
}

#[cfg(unix)]
async fn wait_for_signals(tx: InterruptSender, seen: Received) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        eprintln!(
            "rdptls: note: cannot listen for SIGINT/SIGTERM; they end the run without a report"
        );
        return;
    };
    loop {
        let code = tokio::select! {
            _ = int.recv() => EXIT_SIGINT,
            _ = term.recv() => EXIT_SIGTERM,
        };
        if seen.0.swap(code, Ordering::Relaxed) != 0 {
            std::process::exit(code);
        }
        eprintln!(
            "rdptls: interrupted: no new target; those in flight get {} s, then the report is written",
            GRACE.as_secs()
        );
        tx.interrupt(GRACE);
    }
}

#[cfg(not(unix))]
async fn wait_for_signals(tx: InterruptSender, seen: Received) {
    loop {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        if seen.0.swap(EXIT_SIGINT, Ordering::Relaxed) != 0 {
            std::process::exit(EXIT_SIGINT);
        }
        tx.interrupt(GRACE);
    }
}

/// Watches standard output, when it is a pipe, for its reader going away (`| head -1`), and ends the process
/// then: nothing more can be written, so nothing is worth scanning. Writes that fail with EPIPE end it too.
pub fn watch_stdout_reader() {
    #[cfg(unix)]
    tokio::spawn(async {
        let mut tick = tokio::time::interval(Duration::from_millis(100));
        loop {
            tick.tick().await;
            if stdout_reader_gone() {
                std::process::exit(EXIT_SIGPIPE);
            }
        }
    });
}

/// A pipe whose read end is closed reports POLLERR to the writer (pipe(7)); a terminal or a file never does.
#[cfg(unix)]
fn stdout_reader_gone() -> bool {
    let mut fd = libc::pollfd {
        fd: libc::STDOUT_FILENO,
        events: 0,
        revents: 0,
    };
    // SAFETY: one pollfd we own, a zero timeout: poll only reads and writes that struct.
    let ready = unsafe { libc::poll(&mut fd, 1, 0) };
    ready > 0 && fd.revents & libc::POLLERR != 0
}
