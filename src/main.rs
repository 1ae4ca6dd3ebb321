//! The `rdptls` command: a thin clap layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use rdptls::model::Severity;
use rdptls::plan::{scan_many, ScanOptions};
use rdptls::report::{self, exit};

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
    /// Connections in flight at once to one host.
    #[arg(long, default_value_t = 8, value_name = "N")]
    max_conns: usize,
    /// Hosts scanned at once.
    #[arg(long, default_value_t = 16, value_name = "N")]
    concurrency: usize,
    /// Warn when the certificate has fewer days left than this.
    #[arg(long, default_value_t = 30, value_name = "DAYS")]
    warn_days: i64,
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

    let streaming_table = !args.json && !args.jsonl;
    let report = scan_many(&targets, &opts, args.concurrency, |t| {
        if args.jsonl {
            out(&report::json::render_line(t));
        } else if streaming_table {
            out(&report::table::render_target(t));
        }
    })
    .await;
    if args.json {
        out(&report::json::render(&report));
    }
    report::exit_code(&report, fail_on)
}
