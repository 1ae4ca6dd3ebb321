//! The real xfreerdp client, to check the client simulation against.
#![allow(unused_imports)]

use super::*;

/// The real FreeRDP client, run once in authentication-only mode.
pub struct XfreerdpClient;

impl XfreerdpClient {
    /// Runs `xfreerdp /v:127.0.0.1:PORT /u:x /p:y /cert:ignore /sec:tls +auth-only EXTRA...` under a fresh Xvfb
    /// and HOME, for at most [`CLIENT_TIMEOUT`]. Returns whether it got through the security layer (it logs
    /// "Authentication only, exit status 0") and its log. Later arguments override earlier ones (`/sec:nla`).
    pub fn run(port: u16, extra_args: &[&str]) -> Result<(bool, String), String> {
        let xvfb = Xvfb::start()?;
        let home = TempDir::new("xfreerdp").map_err(|e| e.to_string())?;
        let (stdout, stderr, log) = log_files(&home, "xfreerdp").map_err(|e| e.to_string())?;
        let mut cmd = Command::new(program("xfreerdp"));
        cmd.arg(format!("/v:127.0.0.1:{port}"))
            .args(["/u:x", "/p:y", "/cert:ignore", "/sec:tls", "+auth-only"])
            .args(extra_args)
            .env("DISPLAY", xvfb.display())
            .env("HOME", home.path())
            .env_remove("XDG_CONFIG_HOME")
            .current_dir(home.path())
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr);
        let mut child = Guarded::spawn(cmd, false).map_err(|e| spawn_error("xfreerdp", e))?;
        let started = Instant::now();
        let timed_out = loop {
            if child.exited().is_some() {
                break false;
            }
            if started.elapsed() > CLIENT_TIMEOUT {
                break true;
            }
            thread::sleep(Duration::from_millis(20));
        };
        drop(child);
        let mut text = fs::read_to_string(&log).unwrap_or_default();
        if timed_out {
            text.push_str(&format!(
                "\n(rdptls harness: killed after {CLIENT_TIMEOUT:?})\n"
            ));
        }
        let connected = !timed_out && text.contains("Authentication only, exit status 0");
        Ok((connected, text))
    }
}
