//! The real rdesktop client (1.9, GnuTLS), to check the client simulation against.
#![allow(unused_imports)]

use super::*;

use std::io::Write;

/// What rdesktop logs with `-v` once its TLS handshake has completed (`tcp_tls_connect` in rdesktop 1.9 `tcp.c`,
/// after `gnutls_handshake` succeeds), e.g. `TLS  Session info: (TLS1.2)-(ECDHE-SECP256R1)-(RSA-SHA256)-(AES-256-GCM)`.
pub const RDESKTOP_TLS_OK: &str = "TLS  Session info:";
/// What it logs when the handshake fails (`tcp_tls_connect`), before it retries with standard RDP security.
pub const RDESKTOP_TLS_FAILED: &str = "tcp_tls_connect(), TLS handshake failed";

/// The real rdesktop client, run once.
pub struct RdesktopClient;

impl RdesktopClient {
    /// [`run_as`](Self::run_as) with the user name `rdesktop`.
    pub fn run(port: u16) -> Result<(bool, String), String> {
        Self::run_as(port, "rdesktop")
    }

    /// Runs `rdesktop -v -u USER -p x 127.0.0.1:PORT` under a fresh Xvfb and HOME, for at most [`CLIENT_TIMEOUT`],
    /// answering "yes" to its certificate question. rdesktop has no authentication-only mode: the handshake counts
    /// as done when it logs [`RDESKTOP_TLS_OK`] (it is stopped there, before the RDP session), and as failed when it
    /// exits or times out without it. Returns that and its log. USER becomes the X.224 cookie (`mstshash`).
    pub fn run_as(port: u16, user: &str) -> Result<(bool, String), String> {
        let xvfb = Xvfb::start()?;
        let home = TempDir::new("rdesktop").map_err(|e| e.to_string())?;
        let (stdout, stderr, log) = log_files(&home, "rdesktop").map_err(|e| e.to_string())?;
        let mut cmd = Command::new(program("rdesktop"));
        cmd.args(["-v", "-u", user, "-p", "x"])
            .arg(format!("127.0.0.1:{port}"))
            .env("DISPLAY", xvfb.display())
            .env("HOME", home.path())
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .current_dir(home.path())
            .stdin(Stdio::piped())
            .stdout(stdout)
            .stderr(stderr);
        let mut child = Guarded::spawn(cmd, false).map_err(|e| spawn_error("rdesktop", e))?;
        // The certificate question ("Do you trust this certificate (yes/no)?") is asked during the handshake, on
        // standard input; the pipe stays open until the run ends, so that the answer is read whenever asked.
        let mut stdin = child.child.stdin.take();
        if let Some(input) = stdin.as_mut() {
            let _ = input.write_all(b"yes\n").and_then(|()| input.flush());
        }
        let started = Instant::now();
        let (connected, timed_out) = loop {
            let text = fs::read_to_string(&log).unwrap_or_default();
            if text.contains(RDESKTOP_TLS_OK) {
                break (true, false);
            }
            if child.exited().is_some() {
                // Exited: read once more, for what it wrote last.
                let text = fs::read_to_string(&log).unwrap_or_default();
                break (text.contains(RDESKTOP_TLS_OK), false);
            }
            if started.elapsed() > CLIENT_TIMEOUT {
                break (false, true);
            }
            thread::sleep(Duration::from_millis(20));
        };
        drop(child);
        drop(stdin);
        let mut text = fs::read_to_string(&log).unwrap_or_default();
        if timed_out {
            text.push_str(&format!(
                "\n(rdptls harness: killed after {CLIENT_TIMEOUT:?})\n"
            ));
        }
        Ok((connected, text))
    }
}
