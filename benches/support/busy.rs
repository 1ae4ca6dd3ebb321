//! The load a busy machine puts beside a scan, started by the bench and stopped with it: other scans of another
//! server (a second xrdp, forking per connection, scanned in a loop by sslscan), or a plain CPU hog
//! (`stress-ng --cpu 2`, Debian's stress-ng).

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// A load running until dropped.
pub enum Busy {
    /// sslscan in a loop against another server, in a thread of the bench.
    Scans {
        stop: Arc<AtomicBool>,
        thread: Option<JoinHandle<u64>>,
    },
    /// A child process, stopped by its pid.
    Hog(Child),
}

impl Busy {
    /// `sslscan --rdp` against `target`, over and over, until dropped.
    pub fn scans(target: String) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut runs = 0;
            while !flag.load(Ordering::Relaxed) {
                let status = Command::new("sslscan")
                    .args(["--rdp", "--no-colour", &target])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
                if status.is_err() {
                    break;
                }
                runs += 1;
            }
            runs
        });
        Busy::Scans {
            stop,
            thread: Some(thread),
        }
    }

    /// `stress-ng --cpu N`: N workers spinning on the CPU.
    pub fn cpu_hog(workers: usize) -> Result<Self, String> {
        Command::new("stress-ng")
            .args(["--cpu", &workers.to_string(), "--quiet"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(Busy::Hog)
            .map_err(|e| format!("stress-ng could not be started ({e}): apt-get install stress-ng"))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        match self {
            Busy::Scans { stop, thread } => {
                stop.store(true, Ordering::Relaxed);
                if let Some(t) = thread.take() {
                    let _ = t.join();
                }
            }
            Busy::Hog(child) => {
                // stress-ng's workers follow their parent's SIGTERM; stopped by this child's own pid.
                let _ = Command::new("kill")
                    .args(["-TERM", &child.id().to_string()])
                    .status();
                let _ = child.wait();
            }
        }
    }
}
