//! Real servers and clients on loopback for integration tests: xrdp, the FreeRDP shadow server, openssl s_server
//! and the xfreerdp and rdesktop clients, each started on a free 127.0.0.1 port in its own temporary directory and stopped on
//! drop.
//!
//! Use it from an integration test with `mod support;`. Starting is blocking (it waits until the port accepts),
//! so call it before entering async code or from a `#[tokio::test]` body where a short block is fine:
//!
//! ```ignore
//! mod support;
//! use support::{require_server, Xrdp, XrdpConfig};
//!
//! #[test]
//! fn xrdp_with_tls_selects_ssl() {
//!     let Some(xrdp) = require_server(Xrdp::start(XrdpConfig::fixture("tls", FixtureCert::Expired))) else {
//!         return; // not installed here, and not under CI=true
//!     };
//!     let port = xrdp.port();
//!     // ... talk to 127.0.0.1:port ...
//! }
//! ```
//!
//! Instances are independent and may run in parallel: each has its own port, config directory, HOME (FreeRDP keeps
//! its certificates there) and X display; `xrdp --nodaemon` writes no pid file.

#![allow(dead_code)]

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use rdptls::fixtures::FixtureCert;

mod openssl;
mod rdesktop;
mod recording;
mod x11;
mod xfreerdp;
mod xrdp;

#[allow(unused_imports)]
pub use openssl::*;
#[allow(unused_imports)]
pub use rdesktop::*;
#[allow(unused_imports)]
pub use recording::*;
#[allow(unused_imports)]
pub use x11::*;
#[allow(unused_imports)]
pub use xfreerdp::*;
#[allow(unused_imports)]
pub use xrdp::*;

/// How long a server gets to start accepting connections.
pub const START_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one client run (xfreerdp, rdesktop) may take.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(20);

/// Whether we run under CI (`CI=true` or `CI=1`): then a server that cannot start fails the test.
pub fn ci() -> bool {
    matches!(std::env::var("CI").as_deref(), Ok("true") | Ok("1"))
}

/// The server if it started. Otherwise, under CI, panics with the reason (the test must fail there); elsewhere
/// prints "skipping: REASON" and returns `None`, so the test can return early.
pub fn require_server<T>(result: Result<T, String>) -> Option<T> {
    match result {
        Ok(server) => Some(server),
        Err(why) if ci() => panic!("a real server is required under CI=true: {why}"),
        Err(why) => {
            eprintln!(
                "skipping: {why} (run scripts/install-test-deps.sh; under CI=true this fails)"
            );
            None
        }
    }
}

/// A port on 127.0.0.1 that was free a moment ago. Servers that lose the race to another process fail to bind and
/// their `start` retries with a new port.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local_addr").port()
}

/// A directory under the system temp dir, unique per process and call, removed on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> io::Result<Self> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "rdptls-{prefix}-{}-{n}-{nanos:x}",
            std::process::id()
        ));
        fs::create_dir_all(&path)?;
        Ok(Self(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A child process stopped on drop: SIGTERM (to its whole process group when it leads one), a short grace period,
/// then SIGKILL.
#[derive(Debug)]
struct Guarded {
    child: Child,
    /// Spawned with `process_group(0)`, so its pid is its process group id (xrdp forks one child per connection).
    group: bool,
}

impl Guarded {
    fn spawn(mut cmd: Command, group: bool) -> io::Result<Self> {
        if group {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        Ok(Self {
            child: cmd.spawn()?,
            group,
        })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `Some(status)` if it has exited.
    fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    fn signal(&self, signal: &str) {
        let target = if self.group {
            format!("-{}", self.pid())
        } else {
            self.pid().to_string()
        };
        let _ = Command::new("kill")
            .args([signal, "--", &target])
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        if self.exited().is_none() {
            self.signal("-TERM");
            let deadline = Instant::now() + Duration::from_secs(2);
            while self.exited().is_none() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(10));
            }
        }
        if self.group {
            // Forked per-connection children, even when the leader has gone.
            self.signal("-KILL");
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until 127.0.0.1:`port` accepts, failing early if `child` exits. `log` is read into the error.
fn wait_for_port(
    child: &mut Guarded,
    port: u16,
    what: &str,
    log: &Path,
) -> Result<Duration, String> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.exited() {
            return Err(format!(
                "{what} exited with {status} before listening on 127.0.0.1:{port}: {}",
                tail(log)
            ));
        }
        if let Ok(stream) =
            TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(200))
        {
            drop(stream);
            // Someone else's server could hold the port; ours must still be running.
            if child.exited().is_none() {
                return Ok(started.elapsed());
            }
        }
        if started.elapsed() > START_TIMEOUT {
            return Err(format!(
                "{what} did not listen on 127.0.0.1:{port} within {START_TIMEOUT:?}: {}",
                tail(log)
            ));
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// The last lines of a log file, for error messages.
fn tail(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(8);
    let joined = lines[from..].join(" | ");
    if joined.is_empty() {
        format!("(nothing in {})", path.display())
    } else {
        joined
    }
}

fn spawn_error(program: &str, e: io::Error) -> String {
    if e.kind() == io::ErrorKind::NotFound {
        format!("{program} is not installed")
    } else {
        format!("cannot start {program}: {e}")
    }
}

/// Finds a program on PATH or in the sbin directories (xrdp lives in /usr/sbin).
fn program(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

fn log_files(dir: &TempDir, stem: &str) -> io::Result<(Stdio, Stdio, PathBuf)> {
    let path = dir.join(&format!("{stem}.out"));
    let out = File::create(&path)?;
    let err = out.try_clone()?;
    Ok((out.into(), err.into(), path))
}
