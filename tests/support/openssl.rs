//! `openssl s_server`: direct TLS with any version or suite list.
#![allow(unused_imports)]

use super::*;

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
