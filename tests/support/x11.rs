//! What needs an X display: Xvfb itself, and the FreeRDP shadow server that serves it.
#![allow(unused_imports)]

use super::*;

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
