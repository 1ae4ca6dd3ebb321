//! Real servers and clients on loopback for integration tests: xrdp, the FreeRDP shadow server, openssl s_server
//! and the xfreerdp client, each started on a free 127.0.0.1 port in its own temporary directory and stopped on
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

/// How long a server gets to start accepting connections.
pub const START_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one xfreerdp run may take.
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

/// How to configure one xrdp instance.
#[derive(Debug, Clone)]
pub struct XrdpConfig {
    /// `tls`, `negotiate` or `rdp` (xrdp.ini `security_layer`).
    pub security_layer: &'static str,
    /// xrdp.ini `ssl_protocols`, e.g. `TLSv1.2, TLSv1.3`; `None` keeps the packaged default.
    pub ssl_protocols: Option<String>,
    /// xrdp.ini `tls_ciphers`, an OpenSSL cipher string; TLS 1.0/1.1 need `@SECLEVEL=0` in it.
    pub tls_ciphers: Option<String>,
    /// The certificate chain, PEM, leaf first.
    pub cert_pem: String,
    /// The private key, PEM.
    pub key_pem: String,
}

impl XrdpConfig {
    /// `security_layer` with a fixture certificate and the packaged TLS defaults.
    pub fn fixture(security_layer: &'static str, cert: FixtureCert) -> Self {
        let bundle = cert.bundle().expect("fixture certificate");
        Self {
            security_layer,
            ssl_protocols: None,
            tls_ciphers: None,
            cert_pem: bundle.chain_pem,
            key_pem: bundle.key_pem,
        }
    }
}

/// An `xrdp --nodaemon` on 127.0.0.1 with its own config directory; stopped (with its forked children) on drop.
#[derive(Debug)]
pub struct Xrdp {
    child: Guarded,
    port: u16,
    startup: Duration,
    dir: TempDir,
}

impl Xrdp {
    pub fn start(config: XrdpConfig) -> Result<Self, String> {
        let mut last = String::new();
        for _ in 0..3 {
            match Self::start_once(&config) {
                Ok(xrdp) => return Ok(xrdp),
                Err(why) => last = why,
            }
        }
        Err(last)
    }

    fn start_once(config: &XrdpConfig) -> Result<Self, String> {
        let xrdp = program("xrdp");
        let template = Path::new("/etc/xrdp/xrdp.ini");
        let ini = fs::read_to_string(template)
            .map_err(|e| format!("xrdp is not installed ({}: {e})", template.display()))?;
        let dir = TempDir::new("xrdp").map_err(|e| e.to_string())?;
        let port = free_port();
        let io_err = |e: io::Error| format!("xrdp setup in {}: {e}", dir.path().display());

        let cert = dir.join("cert.pem");
        let key = dir.join("key.pem");
        fs::write(&cert, &config.cert_pem).map_err(io_err)?;
        fs::write(&key, &config.key_pem).map_err(io_err)?;
        let log = dir.join("xrdp.log");

        let mut globals = vec![
            ("port", format!("tcp://127.0.0.1:{port}")),
            ("security_layer", config.security_layer.to_string()),
            ("certificate", cert.display().to_string()),
            ("key_file", key.display().to_string()),
        ];
        if let Some(p) = &config.ssl_protocols {
            globals.push(("ssl_protocols", p.clone()));
        }
        if let Some(c) = &config.tls_ciphers {
            globals.push(("tls_ciphers", c.clone()));
        }
        let logging = vec![
            ("LogFile", log.display().to_string()),
            ("LogLevel", "DEBUG".to_string()),
            ("EnableSyslog", "false".to_string()),
            ("EnableConsole", "false".to_string()),
        ];
        let ini = edit_ini(&ini, &[("Globals", &globals), ("Logging", &logging)]);
        let ini_path = dir.join("xrdp.ini");
        fs::write(&ini_path, ini).map_err(io_err)?;

        // Keymaps and the standard-RDP-security key pair are read from the config's directory.
        for entry in fs::read_dir("/etc/xrdp").map_err(io_err)?.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("km-") && name.ends_with(".ini") {
                std::os::unix::fs::symlink(entry.path(), dir.join(&name)).map_err(io_err)?;
            }
        }
        let rsakeys = Path::new("/etc/xrdp/rsakeys.ini");
        if File::open(rsakeys).is_ok() {
            std::os::unix::fs::symlink(rsakeys, dir.join("rsakeys.ini")).map_err(io_err)?;
        } else {
            // Missing, or unreadable when not root: make a key pair of our own.
            let out = Command::new(program("xrdp-keygen"))
                .arg("xrdp")
                .arg(dir.join("rsakeys.ini"))
                .output()
                .map_err(|e| spawn_error("xrdp-keygen", e))?;
            if !out.status.success() {
                return Err(format!(
                    "xrdp-keygen failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }

        let (stdout, stderr, console) = log_files(&dir, "console").map_err(io_err)?;
        let mut cmd = Command::new(&xrdp);
        cmd.arg("--nodaemon")
            .arg("--config")
            .arg(&ini_path)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr);
        let mut child = Guarded::spawn(cmd, true).map_err(|e| spawn_error("xrdp", e))?;
        let log_for_errors = if log.exists() { log.clone() } else { console };
        let startup = wait_for_port(&mut child, port, "xrdp", &log_for_errors)?;
        Ok(Self {
            child,
            port,
            startup,
            dir,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// How long it took to accept connections.
    pub fn startup(&self) -> Duration {
        self.startup
    }

    /// xrdp's own log (LogLevel=DEBUG): one line per handshake step, e.g. TLS errors.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.join("xrdp.log")).unwrap_or_default()
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// Sets `key=value` in the named sections of an ini text: replaces active lines with that key, appends missing
/// keys at the end of their section. Commented lines (`#`, `;`) are left alone.
fn edit_ini(text: &str, edits: &[(&str, &[(&str, String)])]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut section = String::new();
    let mut done: Vec<(String, String)> = Vec::new();
    let pending = |section: &str, done: &[(String, String)]| -> Vec<String> {
        edits
            .iter()
            .filter(|(s, _)| *s == section)
            .flat_map(|(_, kv)| kv.iter())
            .filter(|(k, _)| !done.iter().any(|(ds, dk)| ds == section && dk == k))
            .map(|(k, v)| format!("{k}={v}"))
            .collect()
    };
    let flush = |section: &str, out: &mut Vec<String>, done: &mut Vec<(String, String)>| {
        let missing = pending(section, done);
        // Insert before the blank lines that end the section.
        let at = out
            .iter()
            .rposition(|l| !l.trim().is_empty())
            .map_or(out.len(), |i| i + 1);
        for (i, line) in missing.into_iter().enumerate() {
            let key = line.split('=').next().unwrap_or_default().to_string();
            done.push((section.to_string(), key));
            out.insert(at + i, line);
        }
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            flush(&section, &mut out, &mut done);
            section = trimmed[1..trimmed.len() - 1].to_string();
            out.push(line.to_string());
            continue;
        }
        let key = trimmed.split('=').next().unwrap_or_default().trim();
        let replacement = edits
            .iter()
            .filter(|(s, _)| *s == section)
            .flat_map(|(_, kv)| kv.iter())
            .find(|(k, _)| !trimmed.starts_with(['#', ';']) && trimmed.contains('=') && *k == key);
        match replacement {
            Some((k, v)) if !done.iter().any(|(ds, dk)| *ds == section && dk == k) => {
                done.push((section.clone(), k.to_string()));
                out.push(format!("{k}={v}"));
            }
            // A second active line for a key already set: drop it so ours wins.
            Some(_) => {}
            None => out.push(line.to_string()),
        }
    }
    flush(&section, &mut out, &mut done);
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// An Xvfb display picked by Xvfb itself (`-displayfd`), so parallel tests never collide.
#[derive(Debug)]
pub struct Xvfb {
    child: Guarded,
    display: u32,
    startup: Duration,
}

impl Xvfb {
    pub fn start() -> Result<Self, String> {
        let started = Instant::now();
        let mut cmd = Command::new(program("Xvfb"));
        cmd.args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "800x600x24",
            "-nolisten",
            "tcp",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
        let mut child = Guarded::spawn(cmd, false).map_err(|e| spawn_error("Xvfb", e))?;
        let stdout = child.child.stdout.take().ok_or("Xvfb stdout")?;
        let (tx, rx) = mpsc::channel();
        // Xvfb writes the display number once. The pipe stays drained until Xvfb exits, so a later write can
        // never hit a closed pipe (SIGPIPE) or a full one.
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            let _ = io::copy(&mut reader, &mut io::sink());
        });
        let line = rx
            .recv_timeout(START_TIMEOUT)
            .map_err(|_| "Xvfb did not report a display number".to_string())?;
        let display: u32 = line
            .trim()
            .parse()
            .map_err(|_| format!("Xvfb reported {line:?}, not a display number"))?;
        if !Path::new(&format!("/tmp/.X11-unix/X{display}")).exists() {
            return Err(format!("Xvfb display :{display} has no socket"));
        }
        Ok(Self {
            child,
            display,
            startup: started.elapsed(),
        })
    }

    /// The `DISPLAY` value, e.g. `:3`.
    pub fn display(&self) -> String {
        format!(":{}", self.display)
    }

    pub fn startup(&self) -> Duration {
        self.startup
    }
}

/// `freerdp-shadow-cli` on 127.0.0.1 under its own Xvfb and HOME (where it makes its certificate).
#[derive(Debug)]
pub struct FreerdpShadow {
    // Field order is drop order: the server before its display.
    child: Guarded,
    xvfb: Xvfb,
    port: u16,
    startup: Duration,
    home: TempDir,
}

impl FreerdpShadow {
    /// `sec` is `nla`, `tls`, `rdp` (or `ext`): the shadow server's `/sec:` option.
    pub fn start(sec: &str) -> Result<Self, String> {
        let mut last = String::new();
        for _ in 0..3 {
            match Self::start_once(sec) {
                Ok(shadow) => return Ok(shadow),
                Err(why) => last = why,
            }
        }
        Err(last)
    }

    fn start_once(sec: &str) -> Result<Self, String> {
        let started = Instant::now();
        let xvfb = Xvfb::start()?;
        let home = TempDir::new("shadow").map_err(|e| e.to_string())?;
        let port = free_port();
        let (stdout, stderr, log) = log_files(&home, "shadow").map_err(|e| e.to_string())?;
        let mut cmd = Command::new(program("freerdp-shadow-cli"));
        cmd.arg("/bind-address:127.0.0.1")
            .arg(format!("/port:{port}"))
            .arg(format!("/sec:{sec}"))
            .env("DISPLAY", xvfb.display())
            .env("HOME", home.path())
            .env_remove("XDG_CONFIG_HOME")
            .current_dir(home.path())
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr);
        let mut child =
            Guarded::spawn(cmd, false).map_err(|e| spawn_error("freerdp-shadow-cli", e))?;
        wait_for_port(&mut child, port, "freerdp-shadow-cli", &log)?;
        Ok(Self {
            child,
            xvfb,
            port,
            startup: started.elapsed(),
            home,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// From starting Xvfb to the shadow server accepting connections.
    pub fn startup(&self) -> Duration {
        self.startup
    }

    pub fn log(&self) -> String {
        fs::read_to_string(self.home.join("shadow.out")).unwrap_or_default()
    }
}

/// `openssl s_server` on 127.0.0.1: direct TLS, no X.224. It serves one connection at a time.
#[derive(Debug)]
pub struct OpenSslServer {
    child: Guarded,
    /// Held open: s_server reads commands from stdin.
    _stdin: Option<ChildStdin>,
    port: u16,
    dir: TempDir,
}

impl OpenSslServer {
    /// `args` go after `-accept 127.0.0.1:P -cert C -key K -quiet`, e.g. `&["-tls1_2", "-cipher", "ALL:@SECLEVEL=0"]`.
    pub fn start(args: &[&str], cert_pem: &str, key_pem: &str) -> Result<Self, String> {
        let mut last = String::new();
        for _ in 0..3 {
            match Self::start_once(args, cert_pem, key_pem) {
                Ok(server) => return Ok(server),
                Err(why) => last = why,
            }
        }
        Err(last)
    }

    /// With a fixture certificate.
    pub fn fixture(args: &[&str], cert: FixtureCert) -> Result<Self, String> {
        let bundle = cert.bundle().map_err(|e| e.to_string())?;
        Self::start(args, &bundle.chain_pem, &bundle.key_pem)
    }

    fn start_once(args: &[&str], cert_pem: &str, key_pem: &str) -> Result<Self, String> {
        let dir = TempDir::new("s_server").map_err(|e| e.to_string())?;
        let cert = dir.join("cert.pem");
        let key = dir.join("key.pem");
        fs::write(&cert, cert_pem).map_err(|e| e.to_string())?;
        fs::write(&key, key_pem).map_err(|e| e.to_string())?;
        let port = free_port();
        let (stdout, stderr, log) = log_files(&dir, "s_server").map_err(|e| e.to_string())?;
        let mut cmd = Command::new(program("openssl"));
        cmd.arg("s_server")
            .arg("-accept")
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .arg("-quiet")
            .args(args)
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(stdout)
            .stderr(stderr);
        let mut child = Guarded::spawn(cmd, false).map_err(|e| spawn_error("openssl", e))?;
        let stdin = child.child.stdin.take();
        wait_for_port(&mut child, port, "openssl s_server", &log)?;
        Ok(Self {
            child,
            _stdin: stdin,
            port,
            dir,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.join("s_server.out")).unwrap_or_default()
    }
}

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

#[cfg(test)]
mod tests {
    use super::edit_ini;

    #[test]
    fn edit_ini_replaces_active_keys_and_appends_missing_ones_in_their_section() {
        let text = "[Globals]\nport=3389\n#tls_ciphers=HIGH\n\n[Logging]\nLogFile=xrdp.log\n\n[Xorg]\nport=-1\n";
        let globals = [
            ("port", "tcp://127.0.0.1:5".to_string()),
            ("tls_ciphers", "ALL".to_string()),
        ];
        let logging = [("LogFile", "/tmp/x.log".to_string())];
        let got = edit_ini(text, &[("Globals", &globals), ("Logging", &logging)]);
        assert_eq!(
            got,
            "[Globals]\nport=tcp://127.0.0.1:5\n#tls_ciphers=HIGH\ntls_ciphers=ALL\n\n[Logging]\nLogFile=/tmp/x.log\n\n[Xorg]\nport=-1\n"
        );
    }
}
