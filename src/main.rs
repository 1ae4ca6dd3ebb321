//! The `rdptls` command: a thin clap layer over the library.

mod cli;

use std::io::Write;
use std::ops::ControlFlow;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser};

use cli::args::{Cli, ColorChoice, Command, DemoArgs, Format, ScanArgs, ServeArgs, ViewArgs};
use rdptls::analysis::verdict::CheckThresholds;
use rdptls::model::{Report, TargetReport};
use rdptls::report::text::Layout;
use rdptls::report::{self, exit};
use rdptls::scan::{scan_many, scan_stream, ScanOptions};

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&argv) {
        Ok(c) => c,
        Err(e) => {
            // A check plugin's usage error is UNKNOWN (3), whatever clap's convention.
            if e.use_stderr() && cli::wants_check_format(&argv) {
                let first = e.to_string();
                let first = first.lines().next().unwrap_or("usage error");
                out(&format!(
                    "RDPTLS UNKNOWN - {}",
                    first.trim_start_matches("error: ")
                ));
                let _ = e.print();
                return ExitCode::from(
                    rdptls::analysis::verdict::CheckStatus::Unknown.exit_code() as u8
                );
            }
            e.exit();
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rdptls: cannot start the async runtime: {e}");
            return ExitCode::from(exit::UNSCANNED as u8);
        }
    };
    let code = match cli.command {
        Command::Scan(args) => runtime.block_on(scan(*args)),
        Command::Serve(args) => runtime.block_on(serve(args)),
        Command::Capture(args) => runtime.block_on(capture(args)),
        Command::Demo(args) => runtime.block_on(demo(args)),
        Command::Exporter(args) => runtime.block_on(cli::exporter(args)),
        Command::Clients { clients } => cli::list_clients(clients.as_deref()),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            let mut stdout = std::io::stdout();
            match shell {
                cli::args::Shell::Bash => clap_complete::generate(
                    clap_complete::Shell::Bash,
                    &mut cmd,
                    "rdptls",
                    &mut stdout,
                ),
                cli::args::Shell::Zsh => clap_complete::generate(
                    clap_complete::Shell::Zsh,
                    &mut cmd,
                    "rdptls",
                    &mut stdout,
                ),
                cli::args::Shell::Fish => clap_complete::generate(
                    clap_complete::Shell::Fish,
                    &mut cmd,
                    "rdptls",
                    &mut stdout,
                ),
                cli::args::Shell::Powershell => clap_complete::generate(
                    clap_complete::Shell::PowerShell,
                    &mut cmd,
                    "rdptls",
                    &mut stdout,
                ),
            }
            exit::OK
        }
        Command::Man => {
            let man = clap_mangen::Man::new(Cli::command());
            let mut buf = Vec::new();
            match man.render(&mut buf) {
                Ok(()) => {
                    let _ = std::io::stdout().write_all(&buf);
                    exit::OK
                }
                Err(e) => usage(format!("rendering the man page: {e}")),
            }
        }
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
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}").and_then(|_| stdout.flush());
}

fn usage(message: impl std::fmt::Display) -> i32 {
    eprintln!("rdptls: {message}");
    exit::USAGE
}

/// The layout of the terminal report: the width from `COLUMNS` or the terminal, colours by `--color` and
/// `NO_COLOR` (https://no-color.org), only when the report goes to a terminal.
fn layout(view: &ViewArgs, to_stdout: bool) -> Layout {
    let stdout = console::Term::stdout();
    let tty = to_stdout && stdout.is_term();
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .or_else(|| {
            tty.then(|| stdout.size_checked().map(|(_, w)| usize::from(w)))
                .flatten()
        })
        .unwrap_or(100);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match view.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && !no_color,
    };
    Layout {
        width,
        verbose: view.verbose,
        color,
    }
}

/// Where the report goes: standard output, or a file opened (so checked) before the scan.
enum Sink {
    Stdout,
    File(std::fs::File, std::path::PathBuf),
}

impl Sink {
    fn open(path: Option<&Path>, append: bool) -> Result<Self, String> {
        match path {
            None => Ok(Self::Stdout),
            Some(p) if p.as_os_str() == "-" => Ok(Self::Stdout),
            Some(p) => std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .append(append)
                .truncate(!append)
                .open(p)
                .and_then(|mut f| {
                    // A cut last line stays on its own line: what is appended starts a new one.
                    let cut = append && ends_cut(p);
                    if cut {
                        f.write_all(b"\n")?;
                    }
                    Ok(f)
                })
                .map(|f| Self::File(f, p.to_path_buf()))
                .map_err(|e| format!("cannot write {}: {e}", p.display())),
        }
    }

    fn write(&mut self, text: &str) -> Result<(), String> {
        match self {
            Self::Stdout => {
                let mut stdout = std::io::stdout().lock();
                let text = text.strip_suffix('\n').unwrap_or(text);
                match writeln!(stdout, "{text}").and_then(|_| stdout.flush()) {
                    // The reader is gone (`| head -1`): nothing more can be written, so stop at once.
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                        std::process::exit(cli::signals::EXIT_SIGPIPE)
                    }
                    Err(e) => Err(format!("writing standard output: {e}")),
                    Ok(()) => Ok(()),
                }
            }
            Self::File(f, p) => f
                .write_all(text.as_bytes())
                .and_then(|_| {
                    if text.ends_with('\n') {
                        Ok(())
                    } else {
                        f.write_all(b"\n")
                    }
                })
                .map_err(|e| format!("writing {}: {e}", p.display())),
        }
    }
}

/// Whether a file ends in the middle of a line (a run that died while writing).
fn ends_cut(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let mut last = [0u8; 1];
    std::fs::File::open(path)
        .and_then(|mut f| {
            f.seek(SeekFrom::End(-1))?;
            f.read_exact(&mut last)
        })
        .is_ok_and(|()| last[0] != b'\n')
}

async fn scan(args: ScanArgs) -> i32 {
    let format = args.format();
    let is_check = format == Format::Check;
    // Usage errors of a check plugin are UNKNOWN (3).
    let usage_code = |message: String| {
        if is_check {
            out(&format!("RDPTLS UNKNOWN - {message}"));
        }
        let code = usage(message);
        if is_check {
            rdptls::analysis::verdict::CheckStatus::Unknown.exit_code()
        } else {
            code
        }
    };
    let fail_on = args.fail_on.severity();
    let fleet = match cli::read_targets(
        &args.targets,
        args.targets_file.as_deref(),
        args.max_targets,
        args.shard,
        args.resume.as_deref(),
    ) {
        Ok(t) => t,
        Err(e) => return usage_code(e),
    };
    let count = fleet.len();
    let mut opts = ScanOptions {
        timeout: Duration::from_secs_f64(args.timeout),
        direct: args.direct,
        server_name: args.name.clone(),
        max_conns: usize::from(args.max_conns),
        target_timeout: Some(Duration::from_secs_f64(args.target_timeout)),
        ..ScanOptions::default()
    };
    opts.analysis.warn_days = args.warn_days;
    match rdptls::scan::load_roots(args.ca_file.as_deref()) {
        Ok(roots) => opts.analysis.roots = Some(std::sync::Arc::new(roots)),
        Err(e) => return usage_code(format!("--ca-file {e}")),
    }
    opts.quick = args.quick;
    opts.replay_every_client = args.replay_every_client;
    opts.enumeration.early_hellos = !args.no_early_hellos;
    if let Some(c) = &args.cookie {
        if c.is_empty() || c.len() > 127 || !c.bytes().all(|b| b.is_ascii_graphic()) {
            return usage_code(
                "--cookie takes 1 to 127 printable ASCII characters without spaces".into(),
            );
        }
        opts.cookie = Some(c.clone());
    }
    opts.enumeration.max_conns = opts.max_conns;
    opts.rate = args
        .rate
        .map(|n| std::sync::Arc::new(rdptls::probe::ConnectionRate::new(n)));
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
                Err(e) => return usage_code(e),
            }
        }
    };
    opts.analysis.policy = policy.clone();
    if !args.no_clients {
        match cli::client_profiles(
            args.clients.as_deref(),
            args.clients_only.as_deref(),
            &args.exclude_client,
        ) {
            Ok(p) => opts.clients = Some(std::sync::Arc::new(p)),
            Err(e) => return usage_code(e),
        }
    }
    if let (Some(policy), Some(profiles)) = (&policy, &opts.clients) {
        let ids: Vec<&str> = profiles.iter().map(|p| p.entry.id.as_str()).collect();
        if let Err(e) = policy.validate_clients(&ids) {
            return usage_code(e);
        }
    }
    // Output paths are checked (opened) before anything is scanned.
    // Resuming into the file being resumed appends to it.
    let append = args.resume.is_some() && args.resume == args.output;
    let mut sink = match Sink::open(args.output.as_deref(), append) {
        Ok(s) => s,
        Err(e) => return usage_code(e),
    };
    let mut junit_sink = match args.junit.as_deref().map(|p| Sink::open(Some(p), false)) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return usage_code(e),
    };
    let to_stdout = matches!(sink, Sink::Stdout);
    let layout = layout(&args.view, to_stdout);
    let quiet = args.view.quiet || args.no_progress;
    let progress = cli::Progress::start(count, quiet);
    opts.stages = progress.stage_hook();
    let (interrupt, received) = cli::signals::listen();
    if to_stdout {
        cli::signals::watch_stdout_reader();
    }
    let open_files = cli::limits::raise_open_files();
    let requested = usize::from(args.concurrency);
    let concurrency = cli::limits::fit_concurrency(requested, opts.max_conns, open_files);
    if concurrency < requested.min(count) {
        eprintln!(
            "rdptls: note: scanning {concurrency} hosts at once, not {requested}: the open-file limit is {} (ulimit -n) \
and one host may hold {} descriptors at --max-conns {}",
            open_files.unwrap_or_default(),
            cli::limits::per_host(opts.max_conns),
            opts.max_conns
        );
    }

    // JSONL (to any sink) and the table (to standard output) stream: each target is written when it and those
    // before it are done, in the order given, then dropped; the table keeps one summary line's facts per host.
    // The other formats are documents of every target: they keep the reports.
    let streaming = match format {
        Format::Jsonl => true,
        Format::Table => to_stdout,
        _ => false,
    };
    let mut kept: Vec<TargetReport> = Vec::new();
    let mut facts: Vec<(String, report::summary::HostFacts)> = Vec::new();
    let mut code = exit::OK;
    let mut write_error = None;
    let end = scan_stream(
        fleet.targets(),
        &opts,
        concurrency,
        Some(interrupt),
        |_, t| {
            progress.target_done(&t.target);
            code = code.max(report::target_exit_code(&t, fail_on));
            if !streaming {
                kept.push(t);
                return ControlFlow::Continue(());
            }
            let text = match format {
                Format::Jsonl => report::json::render_line(&t),
                _ => {
                    facts.push((t.target.clone(), report::summary::HostFacts::of(&t)));
                    report::table::render_target(&t, &layout)
                }
            };
            match progress.suspend(|| sink.write(&text)) {
                Ok(()) => ControlFlow::Continue(()),
                Err(e) => {
                    write_error = Some(e);
                    ControlFlow::Break(())
                }
            }
        },
    )
    .await;
    progress.finish();
    if let Some(e) = write_error {
        eprintln!("rdptls: {e}");
        return if is_check { 3 } else { exit::USAGE };
    }
    let mut report = Report::new(kept, end.stats);
    report.interrupted = end.interrupted;

    let thresholds = CheckThresholds {
        warn_days: args.warn_days,
        crit_days: args.crit_days,
    };
    let rendered = match format {
        Format::Table if streaming => {
            (facts.len() > 1).then(|| report::summary::render_facts(&facts, &layout))
        }
        Format::Table => Some(report::table::render(&report, &layout)),
        Format::Jsonl if streaming => None,
        Format::Jsonl => Some(
            report
                .targets
                .iter()
                .map(report::json::render_line)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Format::Json => Some(report::json::render(&report)),
        Format::Csv => Some(report::csv::render(&report)),
        Format::Html => Some(report::html::render(&report, thresholds)),
        Format::Openmetrics => Some(report::openmetrics::render_file(&report)),
        Format::Check => {
            let (line, status) = report::check::render(&report, thresholds);
            code = status.exit_code();
            Some(line)
        }
    };
    if let Some(text) = rendered {
        if let Err(e) = sink.write(&text) {
            eprintln!("rdptls: {e}");
            return if is_check { 3 } else { exit::USAGE };
        }
    }
    if let Some(junit) = &mut junit_sink {
        let xml = report::junit::render(&report, policy.as_deref(), fail_on);
        if let Err(e) = junit.write(&xml) {
            eprintln!("rdptls: {e}");
            return exit::USAGE;
        }
    }
    // An interrupted run wrote its report; its code says it was interrupted (130 SIGINT, 143 SIGTERM).
    received.exit_code().unwrap_or(code)
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
    let (listener, addr) = match listen(args.listen, &format!("serving {profile}")).await {
        Ok(l) => l,
        Err(code) => return code,
    };
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

/// Binds a listener for `serve` and `capture`, with a note when the address is not loopback; the usage exit
/// code when it cannot be bound.
async fn listen(
    at: std::net::SocketAddr,
    doing: &str,
) -> Result<(tokio::net::TcpListener, String), i32> {
    if !at.ip().is_loopback() {
        eprintln!("rdptls: note: {doing} on {at}, which is not a loopback address");
    }
    let listener = tokio::net::TcpListener::bind(at)
        .await
        .map_err(|e| usage(format!("cannot listen on {at}: {e}")))?;
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    Ok((listener, addr))
}

/// `rdptls capture`: real clients turned into client profiles.
async fn capture(args: cli::args::CaptureArgs) -> i32 {
    if !(args.timeout > 0.0 && args.timeout <= 600.0) {
        return usage("--timeout must be between 0 and 600 seconds");
    }
    let limits = rdptls::capture::CaptureLimits {
        per_connection: Duration::from_secs_f64(args.timeout),
        max_connections: args.max_connections.max(1),
        count: args.count,
        ..Default::default()
    };
    let (listener, addr) = match listen(args.listen, "capturing").await {
        Ok(l) => l,
        Err(code) => return code,
    };
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

async fn demo(args: DemoArgs) -> i32 {
    use rdptls::serve::Profile;
    let profile: Profile = match args.profile.parse() {
        Ok(p) => p,
        Err(e) => return usage(format!("{e} (rdptls serve --list shows the profiles)")),
    };
    let server = match rdptls::serve::bind(profile, ([127, 0, 0, 1], 0).into()).await {
        Ok(s) => s,
        Err(e) => return usage(format!("cannot start the demo server: {e}")),
    };
    let target = server.addr().to_string();
    let layout = layout(&args.view, true);
    if !args.view.quiet {
        let note = format!(
            "rdptls demo: fixture server `{profile}` ({}) on {target}; scanning it",
            profile.describe()
        );
        let lines = rdptls::report::text::wrap(&note, layout.columns(), "", "    ", false);
        eprintln!("{}\n", lines.join("\n"));
    }
    let clients = match rdptls::analysis::clients::builtin_profiles() {
        Ok(p) => std::sync::Arc::new(p),
        Err(e) => return usage(e),
    };
    let progress = cli::Progress::start(1, args.view.quiet);
    let mut opts = ScanOptions {
        timeout: Duration::from_secs(3),
        clients: Some(clients),
        stages: progress.stage_hook(),
        ..ScanOptions::default()
    };
    if let Ok(roots) = rdptls::scan::load_roots(None) {
        opts.analysis.roots = Some(std::sync::Arc::new(roots));
    }
    let report = scan_many(std::slice::from_ref(&target), &opts, 1, |_, _| {}).await;
    progress.finish();
    server.stop().await;
    if args.json {
        out(&report::json::render(&report));
    } else {
        out(report::table::render(&report, &layout).trim_end());
    }
    exit::OK
}
