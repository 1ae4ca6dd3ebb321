//! xrdp on loopback, configured per test (security layer, crypt level, TLS versions and ciphers, certificate).
#![allow(unused_imports)]

use super::*;

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
    /// xrdp.ini `crypt_level` (`none`, `low`, `medium`, `high`, `fips`): standard RDP security's encryption;
    /// `None` keeps the packaged default (`high`).
    pub crypt_level: Option<&'static str>,
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
            crypt_level: None,
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
        if let Some(level) = config.crypt_level {
            globals.push(("crypt_level", level.to_string()));
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
