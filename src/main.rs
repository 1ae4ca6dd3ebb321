//! The `rdptls` command: a thin clap layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use rdptls::model::Severity;
use rdptls::report::{self, exit};
use rdptls::scan::{scan_many, ScanOptions};

#[derive(Parser)]
#[command(
    name = "rdptls",
    version,
    about = "Why does this Remote Desktop connection fail at the security layer, and what to fix"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan RDP servers: negotiation, TLS, certificate, findings.
    Scan(ScanArgs),
    /// Run a fixture RDP server (honest or hostile) for tests and CI; binds to loopback by default.
    Serve(ServeArgs),
    /// Turn real clients into client profiles: an RDP server (loopback by default) that selects TLS, reads each
    /// client's ClientHello, prints its JA4 and appends one profile per distinct hello to FILE (for --clients).
    Capture(CaptureArgs),
    /// Start a built-in fixture server with an expired certificate, scan it, and print the full report.
    Demo {
        /// The fixture profile to demonstrate.
        #[arg(long, default_value = "expired-cert")]
        profile: String,
        /// Print JSON instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Write every fixture certificate and key (PEM) into a directory.
    Fixtures {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// The profile; `--list` shows them all.
    #[arg(long, required_unless_present = "list")]
    profile: Option<String>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3389")]
    listen: std::net::SocketAddr,
    /// List the profiles and exit.
    #[arg(long)]
    list: bool,
}

#[derive(Args)]
struct CaptureArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3389")]
    listen: std::net::SocketAddr,
    /// The profiles file to append to (created if missing), in the format of data/clients.toml.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Stop after this many ClientHellos.
    #[arg(long, value_name = "N")]
    count: Option<usize>,
    /// Seconds one connection may take, from accept to its whole ClientHello.
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    timeout: f64,
    /// Stop after accepting this many connections.
    #[arg(long, default_value_t = 64, value_name = "N")]
    max_connections: usize,
}

#[derive(Args)]
struct ScanArgs {
    /// Targets: HOST, HOST:PORT, [IPv6]:PORT (port 3389 by default).
    targets: Vec<String>,
    /// Read more targets from a file, one per line (`-` for standard input); `#` starts a comment.
    #[arg(long, short = 'f', value_name = "FILE")]
    targets_file: Option<PathBuf>,
    /// Print the JSON report (docs/json.md) instead of the table.
    #[arg(long)]
    json: bool,
    /// Print one JSON object per target as each finishes (streaming, for fleet scans).
    #[arg(long, conflicts_with = "json")]
    jsonl: bool,
    /// Seconds allowed for each network step (connect, X.224, TLS).
    #[arg(long, default_value_t = 5.0, value_name = "SECS")]
    timeout: f64,
    /// Exit 1 when a finding reaches this severity: critical, high, medium, low, info, or none.
    #[arg(long, default_value = "critical", value_name = "SEVERITY")]
    fail_on: String,
    /// TLS straight away, without X.224 negotiation (RD Gateway, direct-approach servers).
    #[arg(long)]
    direct: bool,
    /// The name to check the certificate against (default: the target's host).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Connections in flight at once to one host for the enumeration's hellos and the client replays (the
    /// negotiation probes, and the rustls and CredSSP handshakes beside the enumeration, come on top of these).
    #[arg(long, default_value_t = 8, value_name = "N")]
    max_conns: usize,
    /// Hosts scanned at once.
    #[arg(long, default_value_t = 16, value_name = "N")]
    concurrency: usize,
    /// Warn when the certificate has fewer days left than this.
    #[arg(long, default_value_t = 30, value_name = "DAYS")]
    warn_days: i64,
    /// Negotiation and one TLS handshake only: no version and suite enumeration (fast fleet sweeps).
    #[arg(long)]
    quick: bool,
    /// Skip the RDP client compatibility simulation.
    #[arg(long)]
    no_clients: bool,
    /// More client profiles, in the format of data/clients.toml: an entry with a built-in id replaces it, any
    /// other is added to the built-in ones.
    #[arg(long, value_name = "FILE")]
    clients: Option<PathBuf>,
    /// Milliseconds to wait before each enumeration hello, for fragile servers.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    delay: u64,
    /// Retries of a hello after a reset or a timeout (with doubling back-off).
    #[arg(long, default_value_t = 2, value_name = "N")]
    retries: u32,
    /// Send `Cookie: mstshash=NAME` in each Connection Request, as mstsc does with the user name (some load
    /// balancers and RD Connection Brokers route on it).
    #[arg(long, value_name = "NAME")]
    cookie: Option<String>,
    /// No progress bar on standard error.
    #[arg(long)]
    no_progress: bool,
    /// A policy file (TOML, see docs/policy.example.toml): each violated rule is a `policy-*` finding and fails
    /// the run (exit 1) unless `--fail-on none`.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Also write a JUnit XML report: one test suite per target, one test case per rule.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rdptls: cannot start the async runtime: {e}");
            return ExitCode::from(exit::UNSCANNED as u8);
        }
    };
    let code = match cli.command {
        Command::Scan(args) => runtime.block_on(scan(args)),
        Command::Serve(args) => runtime.block_on(serve(args)),
        Command::Capture(args) => runtime.block_on(capture(args)),
        Command::Demo { profile, json } => runtime.block_on(demo(&profile, json)),
        Command::Fixtures { out: dir } => match rdptls::fixtures::write_all(&dir) {
            Ok(files) => {
                for f in files {
                    out(&f.display().to_string());
                }
                exit::OK
            }
            Err(e) => usage(format!("writing fixtures to {}: {e}", dir.display())),
        },
    };
    ExitCode::from(code as u8)
}

/// Prints a block to standard output; a closed pipe (`| head`) is not an error worth a panic.
fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}").and_then(|_| stdout.flush());
}

fn usage(message: impl std::fmt::Display) -> i32 {
    eprintln!("rdptls: {message}");
    exit::USAGE
}

fn parse_fail_on(s: &str) -> Result<Option<Severity>, String> {
    if s.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    s.parse().map(Some)
}

fn read_targets(args: &ScanArgs) -> Result<Vec<String>, String> {
    let mut targets = args.targets.clone();
    if let Some(path) = &args.targets_file {
        let text = if path.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin())
                .map_err(|e| format!("reading standard input: {e}"))?
        } else {
            std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?
        };
        targets.extend(
            text.lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        );
    }
    if targets.is_empty() {
        return Err("no target given (rdptls scan HOST[:PORT] ...)".into());
    }
    Ok(targets)
}

async fn scan(args: ScanArgs) -> i32 {
    let fail_on = match parse_fail_on(&args.fail_on) {
        Ok(f) => f,
        Err(e) => return usage(e),
    };
    let targets = match read_targets(&args) {
        Ok(t) => t,
        Err(e) => return usage(e),
    };
    if !(args.timeout > 0.0 && args.timeout <= 600.0) {
        return usage("--timeout must be between 0 and 600 seconds");
    }
    let mut opts = ScanOptions {
        timeout: Duration::from_secs_f64(args.timeout),
        direct: args.direct,
        server_name: args.name.clone(),
        max_conns: args.max_conns.max(1),
        ..ScanOptions::default()
    };
    opts.analysis.warn_days = args.warn_days;
    opts.quick = args.quick;
    if let Some(c) = &args.cookie {
        if c.is_empty() || c.len() > 127 || !c.bytes().all(|b| b.is_ascii_graphic()) {
            return usage("--cookie takes 1 to 127 printable ASCII characters without spaces");
        }
        opts.cookie = Some(c.clone());
    }
    opts.enumeration.max_conns = opts.max_conns;
    opts.enumeration.delay = Duration::from_millis(args.delay);
    opts.enumeration.retries = args.retries;
    let policy = match &args.policy {
        None => None,
        Some(path) => {
            let parsed = std::fs::read_to_string(path)
                .map_err(|e| format!("reading {}: {e}", path.display()))
                .and_then(|text| {
                    rdptls::analysis::policy::parse(&text)
                        .map_err(|e| format!("{}: {e}", path.display()))
                });
            match parsed {
                Ok(p) => Some(std::sync::Arc::new(p)),
                Err(e) => return usage(e),
            }
        }
    };
    opts.analysis.policy = policy.clone();
    if !args.no_clients {
        let profiles = match &args.clients {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| format!("reading {}: {e}", path.display()))
                .and_then(|text| rdptls::analysis::clients::extended_profiles(&text)),
            None => rdptls::analysis::clients::builtin_profiles(),
        };
        match profiles {
            Ok(p) => opts.clients = Some(std::sync::Arc::new(p)),
            Err(e) => return usage(e),
        }
    }
    if let (Some(policy), Some(profiles)) = (&policy, &opts.clients) {
        let ids: Vec<&str> = profiles.iter().map(|p| p.entry.id.as_str()).collect();
        if let Err(e) = policy.validate_clients(&ids) {
            return usage(e);
        }
    }

    let streaming_table = !args.json && !args.jsonl;
    let progress = (targets.len() > 1 && !args.no_progress).then(|| {
        let bar = indicatif::ProgressBar::new(targets.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} hosts, {elapsed} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let report = scan_many(&targets, &opts, args.concurrency, |t| {
        if let Some(bar) = &progress {
            bar.inc(1);
            bar.set_message(t.target.clone());
        }
        let emit = || {
            if args.jsonl {
                out(&report::json::render_line(t));
            } else if streaming_table {
                out(&report::table::render_target(t));
            }
        };
        match &progress {
            // Print above the bar, not through it.
            Some(bar) => bar.suspend(emit),
            None => emit(),
        }
    })
    .await;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if args.json {
        out(&report::json::render(&report));
    }
    if let Some(path) = &args.junit {
        let xml = report::junit::render(&report, policy.as_deref(), fail_on);
        if let Err(e) = std::fs::write(path, xml) {
            eprintln!("rdptls: writing {}: {e}", path.display());
            return exit::USAGE;
        }
    }
    report::exit_code(&report, fail_on)
}

async fn serve(args: ServeArgs) -> i32 {
    use rdptls::serve::Profile;
    if args.list {
        for p in Profile::ALL {
            out(&format!("{:<16} {}", p.name(), p.describe()));
        }
        return exit::OK;
    }
    let name = args.profile.unwrap_or_default();
    let profile: Profile = match name.parse() {
        Ok(p) => p,
        Err(e) => return usage(format!("{e} (rdptls serve --list shows the profiles)")),
    };
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "rdptls: note: serving {profile} on {}, which is not a loopback address",
            args.listen
        );
    }
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => return usage(format!("cannot listen on {}: {e}", args.listen)),
    };
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    eprintln!("rdptls: serving profile {profile} on {addr} (Ctrl-C stops)");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match rdptls::serve::serve(profile, listener, shutdown).await {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("rdptls: {e}");
            exit::UNSCANNED
        }
    }
}

async fn capture(args: CaptureArgs) -> i32 {
    if !(args.timeout > 0.0 && args.timeout <= 600.0) {
        return usage("--timeout must be between 0 and 600 seconds");
    }
    let limits = rdptls::capture::CaptureLimits {
        per_connection: Duration::from_secs_f64(args.timeout),
        max_connections: args.max_connections.max(1),
        count: args.count,
        ..Default::default()
    };
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "rdptls: note: capturing on {}, which is not a loopback address",
            args.listen
        );
    }
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => return usage(format!("cannot listen on {}: {e}", args.listen)),
    };
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    eprintln!(
        "rdptls: capturing ClientHellos on {addr} into {} (Ctrl-C stops)",
        args.out.display()
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match rdptls::capture::capture_to_file(listener, &args.out, limits, shutdown, out).await {
        Ok(s) => {
            eprintln!(
                "rdptls: {} ClientHellos, {} new profiles in {}",
                s.hellos,
                s.new_profiles,
                args.out.display()
            );
            exit::OK
        }
        Err(e) => usage(e),
    }
}

async fn demo(profile: &str, json: bool) -> i32 {
    use rdptls::serve::Profile;
    let profile: Profile = match profile.parse() {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    let server = match rdptls::serve::bind(profile, ([127, 0, 0, 1], 0).into()).await {
        Ok(s) => s,
        Err(e) => return usage(format!("cannot start the demo server: {e}")),
    };
    let target = server.addr().to_string();
    eprintln!(
        "rdptls demo: fixture server `{profile}` ({}) on {target}; scanning it\n",
        profile.describe()
    );
    let clients = match rdptls::analysis::clients::builtin_profiles() {
        Ok(p) => std::sync::Arc::new(p),
        Err(e) => return usage(e),
    };
    let opts = ScanOptions {
        timeout: Duration::from_secs(3),
        clients: Some(clients),
        ..ScanOptions::default()
    };
    let report = scan_many(std::slice::from_ref(&target), &opts, 1, |_| {}).await;
    server.stop().await;
    if json {
        out(&report::json::render(&report));
    } else {
        out(&report::table::render(&report));
    }
    exit::OK
}
