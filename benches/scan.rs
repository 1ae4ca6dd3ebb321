//! The benchmark of issues 3 and 12: rdptls's default scan (negotiation, enumeration, CredSSP, the client
//! simulation) against sslscan's, on two real servers, on loopback, through a proxy that adds 25 ms each way, and
//! on a busy machine. Not a pass/fail test: it measures and prints a markdown table.
//!
//! `cargo bench --bench scan` (or `scripts/bench.sh`). `RDPTLS_BENCH_RUNS=N` sets the runs per measurement
//! (default 3; the table shows the median and the range); `RDPTLS_BENCH_ONLY=xrdp|shadow` one server,
//! `RDPTLS_BENCH_CONDITION=loopback|25 ms|busy` the conditions whose label contains it, `RDPTLS_BENCH_TOOL=rdptls|sslscan`
//! one tool (no ratios then: for tuning). It needs
//! xrdp, FreeRDP's shadow server (with Xvfb), sslscan and stress-ng (scripts/install-test-deps.sh) and exits
//! nonzero without them, or when a tool's run fails.
//!
//! Servers: xrdp with the legacy profile (`security_layer=tls`, TLS 1.0 to 1.2, `ALL:@SECLEVEL=0`, RSA-2048), and
//! `freerdp-shadow-cli /sec:nla` (NLA only: every probe pays for TLS). Conditions: loopback; 25 ms each way; a
//! busy machine with other scans (a second xrdp scanned by sslscan in a loop); a plain CPU hog
//! (`stress-ng --cpu 2`). Every tool reaches the server through the same proxy, which counts the connections it
//! accepts (see `support/latency_proxy.rs`).

#[path = "support/busy.rs"]
mod busy;
#[path = "support/latency_proxy.rs"]
mod latency_proxy;
// Compiled with `--cfg test` (as every bench target), where its `#[test]`s vanish and leave an import unused.
#[allow(unused_imports)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::{Duration, Instant};

use busy::Busy;
use latency_proxy::LatencyProxy;
use rdptls::analysis::clients::ClientProfile;
use rdptls::fixtures::FixtureCert;
use rdptls::model::{Status, TargetReport};
use rdptls::scan::{scan_target, ScanOptions};
use rdptls::wire::tls::suites;
use support::{FreerdpShadow, Xrdp, XrdpConfig};

/// (TLS wire version, suite id).
type SuiteSet = BTreeSet<(u16, u16)>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tool {
    /// `scan_target` with the built-in client profiles: what `rdptls scan` runs by default.
    Rdptls,
    Sslscan,
}

impl Tool {
    const ALL: [Tool; 2] = [Tool::Rdptls, Tool::Sslscan];

    fn label(self) -> &'static str {
        match self {
            Tool::Rdptls => "rdptls scan (default)",
            Tool::Sslscan => "sslscan --rdp",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Load {
    None,
    /// A second xrdp scanned by sslscan in a loop.
    Scans,
    /// stress-ng --cpu 2.
    CpuHog,
}

struct Condition {
    label: &'static str,
    delay: Duration,
    load: Load,
}

const CONDITIONS: [Condition; 4] = [
    Condition {
        label: "loopback",
        delay: Duration::ZERO,
        load: Load::None,
    },
    Condition {
        label: "25 ms each way",
        delay: Duration::from_millis(25),
        load: Load::None,
    },
    Condition {
        label: "busy: other scans",
        delay: Duration::ZERO,
        load: Load::Scans,
    },
    Condition {
        label: "busy: stress-ng --cpu 2",
        delay: Duration::ZERO,
        load: Load::CpuHog,
    },
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Server {
    XrdpLegacy,
    Shadow,
}

impl Server {
    fn label(self) -> &'static str {
        match self {
            Server::XrdpLegacy => "xrdp legacy",
            Server::Shadow => "FreeRDP shadow /sec:nla",
        }
    }

    /// (connections, time) at most, as shares of sslscan's, under `cond`.
    fn targets(self, cond: &Condition) -> (f64, f64) {
        let connections = match self {
            Server::XrdpLegacy => 0.75,
            Server::Shadow => 0.4,
        };
        let time = match (self, cond.load, cond.delay.is_zero()) {
            (_, Load::None, false) => 0.1,
            (Server::Shadow, Load::None, true) => 0.25,
            _ => 0.75,
        };
        (connections, time)
    }
}

/// A server the bench started; stopped when dropped.
enum Running {
    Xrdp(Xrdp),
    Shadow(FreerdpShadow),
}

impl Running {
    fn port(&self) -> u16 {
        match self {
            Running::Xrdp(x) => x.port(),
            Running::Shadow(s) => s.port(),
        }
    }
}

/// One run of one tool.
struct Sample {
    wall: Duration,
    /// Counted by the proxy.
    connections: u64,
    suites: SuiteSet,
    /// The 1-minute load average after the run.
    load: f64,
    /// rdptls: where its time and connections went (`stats.stages`).
    detail: String,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("bench scan: {why}");
            ExitCode::FAILURE
        }
    }
}

fn legacy_xrdp() -> Result<Xrdp, String> {
    Xrdp::start(XrdpConfig {
        ssl_protocols: Some("TLSv1, TLSv1.1, TLSv1.2".into()),
        tls_ciphers: Some("ALL:@SECLEVEL=0".into()),
        ..XrdpConfig::fixture("tls", FixtureCert::Valid)
    })
    .map_err(|why| format!("xrdp could not be started: {why} (scripts/install-test-deps.sh)"))
}

fn run() -> Result<(), String> {
    let runs: usize = match std::env::var("RDPTLS_BENCH_RUNS") {
        Ok(v) => v
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or(format!("RDPTLS_BENCH_RUNS={v}: not a positive number"))?,
        Err(_) => 3,
    };
    let only = std::env::var("RDPTLS_BENCH_ONLY").ok();
    let condition = std::env::var("RDPTLS_BENCH_CONDITION").ok();
    // While tuning: one tool's runs only (its ratios need the other's, so the table shows none).
    let tool_only = std::env::var("RDPTLS_BENCH_TOOL").ok();
    let tools: Vec<Tool> = Tool::ALL
        .into_iter()
        .filter(|t| {
            tool_only
                .as_deref()
                .is_none_or(|o| t.label().starts_with(o))
        })
        .collect();
    if Command::new("sslscan").arg("--version").output().is_err() {
        return Err("sslscan is not installed (scripts/install-test-deps.sh installs it)".into());
    }
    let profiles = Arc::new(
        rdptls::analysis::clients::builtin_profiles()
            .map_err(|e| format!("built-in client profiles: {e}"))?,
    );
    let rt = tokio::runtime::Runtime::new().map_err(|e| format!("tokio runtime: {e}"))?;
    // The other server of the busy condition, scanned by another client in a loop.
    let other = legacy_xrdp()?;
    let other_target = format!("127.0.0.1:{}", other.port());

    let mut rows: Vec<(Server, usize, Tool, Vec<Sample>)> = Vec::new();
    let mut failures = Vec::new();
    for server in [Server::XrdpLegacy, Server::Shadow] {
        if only
            .as_deref()
            .is_some_and(|o| !server.label().to_lowercase().contains(o))
        {
            continue;
        }
        let running = match server {
            Server::XrdpLegacy => Running::Xrdp(legacy_xrdp()?),
            Server::Shadow => Running::Shadow(FreerdpShadow::start("nla").map_err(|why| {
                format!(
                    "freerdp-shadow-cli could not be started: {why} (scripts/install-test-deps.sh)"
                )
            })?),
        };
        let addr: std::net::SocketAddr = ([127, 0, 0, 1], running.port()).into();
        eprintln!(
            "{} on {addr}, {runs} run(s) per measurement",
            server.label()
        );
        // One unmeasured run of each tool, straight to the server: the first connections are slower.
        let direct = addr.to_string();
        rdptls_run(&rt, &direct, &profiles).map_err(|why| format!("warm-up rdptls: {why}"))?;
        if tools.contains(&Tool::Sslscan) {
            sslscan_run(&direct).map_err(|why| format!("warm-up sslscan: {why}"))?;
        }
        for (ci, cond) in CONDITIONS.iter().enumerate() {
            if condition
                .as_deref()
                .is_some_and(|c| !cond.label.contains(c))
            {
                continue;
            }
            let _load = match cond.load {
                Load::None => None,
                Load::Scans => Some(Busy::scans(other_target.clone())),
                Load::CpuHog => Some(Busy::cpu_hog(2)?),
            };
            if cond.load != Load::None {
                // Let the load reach its pace before measuring.
                std::thread::sleep(Duration::from_secs(3));
            }
            let proxy = LatencyProxy::start(addr, cond.delay)
                .map_err(|e| format!("starting the proxy: {e}"))?;
            let target = proxy.addr().to_string();
            let mut samples: Vec<Vec<Sample>> = Tool::ALL.iter().map(|_| Vec::new()).collect();
            // Runs interleave the tools, so that a drift of the machine touches them all alike.
            for run in 0..runs {
                for (ti, tool) in Tool::ALL.into_iter().enumerate() {
                    if !tools.contains(&tool) {
                        continue;
                    }
                    let before = proxy.connections();
                    let t0 = Instant::now();
                    let outcome = match tool {
                        Tool::Rdptls => rdptls_run(&rt, &target, &profiles),
                        Tool::Sslscan => sslscan_run(&target),
                    };
                    let wall = t0.elapsed();
                    // Let the proxy see the last closes and the server reap its children.
                    std::thread::sleep(Duration::from_millis(300) + cond.delay * 4);
                    let connections = proxy.connections() - before;
                    let load = load_average();
                    match outcome {
                        Ok((suites, detail)) => {
                            eprintln!(
                                "{} | {} | {} | run {}: {:.2} s, {connections} connections, {} suites, load {load:.2}",
                                server.label(),
                                cond.label,
                                tool.label(),
                                run + 1,
                                wall.as_secs_f64(),
                                suites.len()
                            );
                            samples[ti].push(Sample {
                                wall,
                                connections,
                                suites,
                                load,
                                detail,
                            });
                        }
                        Err(why) => {
                            eprintln!(
                                "{} | {} | {} | run {}: FAILED: {why}",
                                server.label(),
                                cond.label,
                                tool.label(),
                                run + 1
                            );
                            failures.push(format!(
                                "{} / {} / {}: {why}",
                                server.label(),
                                cond.label,
                                tool.label()
                            ));
                        }
                    }
                }
            }
            for (tool, s) in Tool::ALL.into_iter().zip(samples) {
                if tools.contains(&tool) {
                    rows.push((server, ci, tool, s));
                }
            }
        }
    }
    drop(other);
    print_report(&rows, runs);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} run(s) failed, the table is incomplete: {}",
            failures.len(),
            failures.join("; ")
        ))
    }
}

/// One rdptls scan through the library, as `rdptls scan` runs it (default options, the built-in clients).
fn rdptls_run(
    rt: &tokio::runtime::Runtime,
    target: &str,
    profiles: &Arc<Vec<ClientProfile>>,
) -> Result<(SuiteSet, String), String> {
    let mut opts = ScanOptions {
        clients: Some(profiles.clone()),
        ..ScanOptions::default()
    };
    if let Some(n) = max_conns() {
        opts.max_conns = n;
        opts.enumeration.max_conns = n;
    }
    let report: TargetReport = rt.block_on(scan_target(target, &opts));
    if report.status != Status::Ok {
        return Err(format!(
            "status {:?}: {}",
            report.status,
            report
                .error
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        ));
    }
    let tls = report.tls.as_ref().ok_or("no TLS section in the report")?;
    let set: SuiteSet = tls
        .cipher_suites
        .iter()
        .map(|s| (s.version.0, s.suite.0))
        .collect();
    let mut detail = format!(
        "{} connections, {} hellos",
        report.stats.connections, tls.hellos
    );
    if let Some(st) = &report.stats.stages {
        let c = |s: &rdptls::model::StageCost| {
            format!(
                "{} (+{} reused) in {} ms",
                s.connections, s.reused, s.elapsed_ms
            )
        };
        detail.push_str(&format!(
            "; negotiation {}; TLS enumeration {}; modern handshake {}; CredSSP {}; replays {} ({} hellos replayed, {} derived)",
            c(&st.negotiation),
            c(&st.tls_enumeration),
            c(&st.modern_handshake),
            c(&st.credssp),
            c(&st.replays),
            st.hellos_replayed,
            st.hellos_derived
        ));
    }
    if !tls.anomalies.is_empty() {
        detail.push_str(&format!("; anomalies: {:?}", tls.anomalies));
    }
    Ok((set, detail))
}

/// One `sslscan --rdp --no-colour` run; its suites from the Accepted/Preferred lines.
fn sslscan_run(target: &str) -> Result<(SuiteSet, String), String> {
    let out = Command::new("sslscan")
        .args(["--rdp", "--no-colour", target])
        .output()
        .map_err(|e| format!("cannot run sslscan: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "sslscan exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let (set, unknown) = parse_sslscan(&text);
    if set.is_empty() {
        return Err(format!("no Accepted suites in sslscan's output:\n{text}"));
    }
    let detail = if unknown.is_empty() {
        String::new()
    } else {
        format!("suites not in the registry: {unknown:?}")
    };
    Ok((set, detail))
}

/// `Accepted  TLSv1.2  256 bits  ECDHE-RSA-AES256-GCM-SHA384 ...` lines; also returns the names it could not map.
fn parse_sslscan(text: &str) -> (SuiteSet, Vec<String>) {
    let mut set = SuiteSet::new();
    let mut unknown = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 5 || !matches!(f[0], "Accepted" | "Preferred") {
            continue;
        }
        let version = match f[1] {
            "SSLv3" => 0x0300,
            "TLSv1.0" => 0x0301,
            "TLSv1.1" => 0x0302,
            "TLSv1.2" => 0x0303,
            "TLSv1.3" => 0x0304,
            other => {
                unknown.push(format!("{other} {}", f[4]));
                continue;
            }
        };
        // f[2] is the key size, f[3] "bits", f[4] the OpenSSL name (TLS 1.3 suites use the IANA name).
        match suites::by_openssl_name(f[4]).or_else(|| suites::by_iana_name(f[4])) {
            Some(info) => {
                set.insert((version, info.id));
            }
            None => unknown.push(format!("{} {}", f[1], f[4])),
        }
    }
    (set, unknown)
}

/// `RDPTLS_BENCH_MAX_CONNS`: rdptls's `--max-conns` (default: the CLI's default).
fn max_conns() -> Option<usize> {
    std::env::var("RDPTLS_BENCH_MAX_CONNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
}

/// The 1-minute load average: other work on the machine slows the servers (xrdp forks per connection) and both
/// tools.
fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|l| l.parse().ok()))
        .unwrap_or(f64::NAN)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn secs(s: &[Sample]) -> Vec<f64> {
    s.iter().map(|x| x.wall.as_secs_f64()).collect()
}

fn conns(s: &[Sample]) -> Vec<f64> {
    s.iter().map(|x| x.connections as f64).collect()
}

fn verdict(ratio: f64, target: f64) -> &'static str {
    if ratio <= target {
        "met"
    } else {
        "**missed**"
    }
}

fn print_report(rows: &[(Server, usize, Tool, Vec<Sample>)], runs: usize) {
    let find = |server: Server, ci: usize, tool: Tool| {
        rows.iter()
            .find(|(s, c, t, _)| *s == server && *c == ci && *t == tool)
            .map(|(_, _, _, s)| s.as_slice())
            .filter(|s| !s.is_empty())
    };
    println!();
    println!(
        "{} cores; rdptls --max-conns {}; median of {runs} run(s); load average = the 1-minute load after each run (median, min-max)",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        max_conns().unwrap_or(ScanOptions::default().max_conns)
    );
    println!();
    println!("| server | condition | tool | connections | wall time, median (min-max) | load average | connections / sslscan (target) | time / sslscan (target) | suites agree |");
    println!("|---|---|---|---:|---:|---:|---:|---:|---|");
    let mut servers: Vec<Server> = rows.iter().map(|r| r.0).collect();
    servers.dedup();
    for &server in &servers {
        for (ci, cond) in CONDITIONS.iter().enumerate() {
            let base = find(server, ci, Tool::Sslscan);
            let (ct, tt) = server.targets(cond);
            for tool in Tool::ALL {
                let Some(s) = find(server, ci, tool) else {
                    // Conditions left out by RDPTLS_BENCH_CONDITION have no row at all.
                    if rows
                        .iter()
                        .any(|r| r.0 == server && r.1 == ci && r.2 == tool)
                    {
                        println!(
                            "| {} | {} | {} | - | failed | - | - | - | - |",
                            server.label(),
                            cond.label,
                            tool.label()
                        );
                    }
                    continue;
                };
                let (t, c) = (median(secs(s)), median(conns(s)));
                let lo = secs(s).into_iter().fold(f64::INFINITY, f64::min);
                let hi = secs(s).into_iter().fold(0.0, f64::max);
                let loads: Vec<f64> = s.iter().map(|x| x.load).collect();
                let (llo, lhi) = (
                    loads.iter().copied().fold(f64::INFINITY, f64::min),
                    loads.iter().copied().fold(0.0, f64::max),
                );
                let load = format!("{:.2} ({llo:.2}-{lhi:.2})", median(loads.clone()));
                let (cr, tr, agree) = match (tool, base) {
                    (Tool::Sslscan, _) | (_, None) => {
                        ("-".to_string(), "-".to_string(), "-".to_string())
                    }
                    (_, Some(b)) => {
                        let cr = c / median(conns(b));
                        let tr = t / median(secs(b));
                        let reference = &b[0].suites;
                        let same = s.iter().all(|x| &x.suites == reference);
                        let agree = if same {
                            format!("yes ({})", reference.len())
                        } else {
                            let bad = s.iter().find(|x| &x.suites != reference).map(|x| {
                                let missing: Vec<String> =
                                    reference.difference(&x.suites).map(name).collect();
                                let extra: Vec<String> =
                                    x.suites.difference(reference).map(name).collect();
                                format!("missing {missing:?}, extra {extra:?}")
                            });
                            format!("**no**: {}", bad.unwrap_or_default())
                        };
                        (
                            format!("{cr:.2} (<= {ct}) {}", verdict(cr, ct)),
                            format!("{tr:.3} (<= {tt}) {}", verdict(tr, tt)),
                            agree,
                        )
                    }
                };
                println!(
                    "| {} | {} | {} | {c:.0} | {t:.2} s ({lo:.2}-{hi:.2}) | {load} | {cr} | {tr} | {agree} |",
                    server.label(),
                    cond.label,
                    tool.label()
                );
            }
        }
    }
    println!();
    println!("Where rdptls' time and connections went (its median run, from `stats.stages`):");
    for &server in &servers {
        for (ci, cond) in CONDITIONS.iter().enumerate() {
            let Some(s) = find(server, ci, Tool::Rdptls) else {
                continue;
            };
            let mut sorted: Vec<&Sample> = s.iter().collect();
            sorted.sort_by_key(|x| x.wall);
            let m = sorted[sorted.len() / 2];
            println!(
                "- {} / {}: {:.2} s, {}",
                server.label(),
                cond.label,
                m.wall.as_secs_f64(),
                m.detail
            );
        }
    }
}

fn name(&(version, id): &(u16, u16)) -> String {
    let v = match version {
        0x0300 => "SSL3.0",
        0x0301 => "TLS1.0",
        0x0302 => "TLS1.1",
        0x0303 => "TLS1.2",
        0x0304 => "TLS1.3",
        _ => "?",
    };
    format!("{v} {}", rdptls::wire::tls::CipherSuite(id).name())
}
