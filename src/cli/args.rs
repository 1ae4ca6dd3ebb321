//! The command line, as clap derives it: subcommands, options, their bounds and their valid values.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use rdptls::model::Severity;

#[derive(Parser)]
#[command(
    name = "rdptls",
    version,
    about = "Why does this Remote Desktop connection fail at the security layer, and what to fix",
    after_help = "Exit codes (scan): 0 nothing at or above --fail-on, 1 a finding at or above it, 2 usage error, \
                  3 a target could not be scanned; 130 (SIGINT) or 143 (SIGTERM) after writing an interrupted run's \
                  report, 141 when standard output's reader left. With --format check: 0 OK, 1 WARNING, 2 CRITICAL, \
                  3 UNKNOWN."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Scan RDP servers: negotiation, TLS, certificate, findings.
    Scan(Box<ScanArgs>),
    /// Run a fixture RDP server (honest or hostile) for tests and CI; binds to loopback by default.
    Serve(ServeArgs),
    /// Turn real clients into client profiles: an RDP server (loopback by default) that selects TLS, reads each
    /// client's ClientHello, prints its JA4 and appends one profile per distinct hello to FILE (for --clients).
    Capture(CaptureArgs),
    /// Start a built-in fixture server with an expired certificate, scan it, and print the report.
    Demo(DemoArgs),
    /// A Prometheus exporter in the blackbox_exporter style: GET /probe?target=HOST:PORT&module=quick|full.
    Exporter(ExporterArgs),
    /// List the client profiles the simulation replays: id, name and sources.
    Clients {
        /// Also the profiles of this file (data/clients.toml format).
        #[arg(long, value_name = "FILE")]
        clients: Option<PathBuf>,
    },
    /// Print a shell completion script to standard output.
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff) to standard output.
    Man,
    /// Write every fixture certificate and key (PEM) into a directory.
    Fixtures {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Args)]
pub struct ServeArgs {
    /// The profile; `--list` shows them all.
    #[arg(long, required_unless_present = "list")]
    pub profile: Option<String>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3389")]
    pub listen: std::net::SocketAddr,
    /// List the profiles and exit.
    #[arg(long)]
    pub list: bool,
}

#[derive(Args)]
pub struct CaptureArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3389")]
    pub listen: std::net::SocketAddr,
    /// The profiles file to append to (created if missing), in the format of data/clients.toml.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Stop after this many ClientHellos.
    #[arg(long, value_name = "N")]
    pub count: Option<usize>,
    /// Seconds one connection may take, from accept to its whole ClientHello (more than 0, at most 600).
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    pub timeout: f64,
    /// Stop after accepting this many connections.
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub max_connections: usize,
}

#[derive(Args)]
pub struct DemoArgs {
    /// The fixture profile to demonstrate.
    #[arg(long, default_value = "expired-cert")]
    pub profile: String,
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub view: ViewArgs,
}

/// How the terminal report looks.
#[derive(Args, Clone)]
pub struct ViewArgs {
    /// Everything: each fix's full steps, every client, the negotiation, suites, certificate details.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Nothing on standard error but errors: no progress.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Severity colours: `auto` on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people, fitted to the terminal (the default).
    Table,
    /// The JSON report, docs/json.md.
    Json,
    /// One JSON object per target as each finishes.
    Jsonl,
    /// One row per host and finding, docs/formats.md.
    Csv,
    /// One self-contained HTML page for a fleet.
    Html,
    /// A Nagios/Icinga check plugin: one line, perfdata, exit 0/1/2/3.
    Check,
    /// OpenMetrics text for node_exporter's textfile collector.
    Openmetrics,
}

/// `--fail-on`: the lowest severity that fails the run, or `none`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    None,
}

impl FailOn {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Self::Critical => Some(Severity::Critical),
            Self::High => Some(Severity::High),
            Self::Medium => Some(Severity::Medium),
            Self::Low => Some(Severity::Low),
            Self::Info => Some(Severity::Info),
            Self::None => None,
        }
    }
}

#[derive(Args)]
pub struct ScanArgs {
    /// Targets: HOST, HOST:PORT, [IPv6]:PORT (port 3389 by default), a CIDR range (10.0.0.0/28,
    /// [2001:db8::/120]:3390) or a port range (HOST:3389-3391).
    pub targets: Vec<String>,
    /// Read more targets from a file, one per line (`-` for standard input); `#` starts a comment.
    #[arg(long, short = 'f', value_name = "FILE")]
    pub targets_file: Option<PathBuf>,
    /// The output format.
    #[arg(long, value_enum, default_value_t = Format::Table, conflicts_with_all = ["json", "jsonl"])]
    pub format: Format,
    /// Shorthand for --format json.
    #[arg(long)]
    pub json: bool,
    /// Shorthand for --format jsonl.
    #[arg(long, conflicts_with = "json")]
    pub jsonl: bool,
    /// Write the report to FILE instead of standard output (checked before the scan).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub view: ViewArgs,
    /// Seconds allowed for each network step (connect, X.224, TLS): more than 0, at most 600.
    #[arg(long, default_value_t = 5.0, value_name = "SECS", value_parser = parse_timeout)]
    pub timeout: f64,
    /// Seconds one target may take, every stage included: more than 0, at most 86400. When it passes, the
    /// target's report keeps what was found, names the stage cut short (`cut_short`) and is `complete: false`.
    #[arg(long, default_value_t = 120.0, value_name = "SECS", value_parser = parse_target_timeout)]
    pub target_timeout: f64,
    /// Exit 1 when a finding reaches this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Critical, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// TLS straight away, without X.224 negotiation (RD Gateway, direct-approach servers).
    #[arg(long)]
    pub direct: bool,
    /// The name to check the certificate against (default: the target's host).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Check the certificate chain against the CA certificates of this PEM file instead of the system's trust
    /// store.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Connections in flight at once to one host for the enumeration's hellos and the client replays (the
    /// negotiation probes, and the rustls and CredSSP handshakes beside the enumeration, come on top): 1 to 64.
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub max_conns: u16,
    /// Hosts scanned at once: 1 to 4096, fewer when the descriptor limit (raised to the hard limit at start)
    /// cannot hold them (said on standard error).
    #[arg(long, default_value_t = 16, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=4096))]
    pub concurrency: u16,
    /// Warn when the certificate has fewer days left than this (cert-expiring; WARNING with --format check).
    #[arg(long, default_value_t = 30, value_name = "DAYS", value_parser = clap::value_parser!(i64).range(0..=3650))]
    pub warn_days: i64,
    /// With --format check: CRITICAL when the certificate has fewer days left than this.
    #[arg(long, default_value_t = 7, value_name = "DAYS", value_parser = clap::value_parser!(i64).range(0..=3650))]
    pub crit_days: i64,
    /// Negotiation and one TLS handshake only: no version and suite enumeration (fast fleet sweeps).
    #[arg(long)]
    pub quick: bool,
    /// Skip the RDP client compatibility simulation.
    #[arg(long)]
    pub no_clients: bool,
    /// Send every client's hello, even where the enumeration already proves the server's answer (JSON:
    /// `clients[].evidence`).
    #[arg(long, conflicts_with = "no_clients")]
    pub replay_every_client: bool,
    /// Send every hello after the server's X.224 Confirm. By default, once one hello sent right behind the
    /// Connection Request got a ServerHello, the others go that way too, a round trip sooner (JSON:
    /// `stats.stages.early_hellos`); for a server or middlebox that might read them differently.
    #[arg(long)]
    pub no_early_hellos: bool,
    /// More client profiles, in the format of data/clients.toml: an entry with a built-in id replaces it, any
    /// other is added to the built-in ones.
    #[arg(long, value_name = "FILE", conflicts_with = "clients_only")]
    pub clients: Option<PathBuf>,
    /// Only the client profiles of this file: no built-in ones.
    #[arg(long, value_name = "FILE")]
    pub clients_only: Option<PathBuf>,
    /// Leave out the client profile with this id (repeatable; `rdptls clients` lists the ids).
    #[arg(long, value_name = "ID")]
    pub exclude_client: Vec<String>,
    /// Milliseconds to wait before each enumeration hello, for fragile servers: 0 to 60000.
    #[arg(long, default_value_t = 0, value_name = "MS", value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub delay: u64,
    /// Retries of a hello after a reset or a timeout (with doubling back-off): 0 to 10.
    #[arg(long, default_value_t = 2, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=10))]
    pub retries: u32,
    /// Send `Cookie: mstshash=NAME` in each Connection Request, as mstsc does with the user name (some load
    /// balancers and RD Connection Brokers route on it).
    #[arg(long, value_name = "NAME")]
    pub cookie: Option<String>,
    /// The most targets the ranges may expand to, all lines together: 1 to 16777216 (a /8 needs 16777216).
    #[arg(long, default_value_t = 65_536, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=16_777_216))]
    pub max_targets: u64,
    /// Scan only shard I of N (I from 0): the targets whose position in the expanded list, counted from 0, is I
    /// modulo N. N machines or jobs with the same list split it with no coordinator.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<rdptls::plan::fleet::Shard>,
    /// Skip the targets that already have a line in this JSONL file (a cut last line is ignored; a missing file
    /// skips nothing). With `-o` naming the same file, the new lines are appended.
    #[arg(long, value_name = "FILE.jsonl")]
    pub resume: Option<PathBuf>,
    /// New connections per second, across every target: 1 to 100000 (no limit by default).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub rate: Option<u32>,
    /// No progress on standard error (as -q, but errors still show).
    #[arg(long)]
    pub no_progress: bool,
    /// A policy file (TOML, see docs/policy.example.toml): each violated rule is a `policy-*` finding and fails
    /// the run (exit 1) unless `--fail-on none`.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Also write a JUnit XML report (`-` for standard output): one test suite per target, one test case per rule.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}

impl ScanArgs {
    /// The format asked for, the shorthands included.
    pub fn format(&self) -> Format {
        if self.json {
            Format::Json
        } else if self.jsonl {
            Format::Jsonl
        } else {
            self.format
        }
    }
}

fn parse_timeout(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if v > 0.0 && v <= 600.0 {
        Ok(v)
    } else {
        Err("must be more than 0 and at most 600 seconds".into())
    }
}

fn parse_shard(s: &str) -> Result<rdptls::plan::fleet::Shard, String> {
    s.parse()
}

fn parse_target_timeout(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if v > 0.0 && v <= 86_400.0 {
        Ok(v)
    } else {
        Err("must be more than 0 and at most 86400 seconds".into())
    }
}

#[derive(Args)]
pub struct ExporterArgs {
    /// Address to listen on (loopback by default; anything else exposes a scanner to that network).
    #[arg(long, default_value = "127.0.0.1:9787")]
    pub listen: std::net::SocketAddr,
    /// Seconds a target's result is served from the cache before it is scanned again: 0 to 86400.
    #[arg(long, default_value_t = 300, value_name = "SECS", value_parser = clap::value_parser!(u64).range(0..=86_400))]
    pub cache_ttl: u64,
    /// Scans in flight at once; more requests wait: 1 to 64.
    #[arg(long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub max_in_flight: u16,
    /// Seconds allowed for each network step of a scan: more than 0, at most 600.
    #[arg(long, default_value_t = 5.0, value_name = "SECS", value_parser = parse_timeout)]
    pub timeout: f64,
    /// Warn days for the cert-expiring finding.
    #[arg(long, default_value_t = 30, value_name = "DAYS", value_parser = clap::value_parser!(i64).range(0..=3650))]
    pub warn_days: i64,
}
