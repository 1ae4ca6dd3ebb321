//! The benchmark of issue 3: rdptls's full TLS enumeration against sslscan's, on a real xrdp, on loopback and
//! through a proxy that adds 25 ms each way. Not a pass/fail test: it measures and prints a markdown table.
//!
//! `cargo bench --bench scan` (or `scripts/bench.sh`). `RDPTLS_BENCH_RUNS=N` sets the runs per measurement
//! (default 3; the table shows the median and the range). It needs xrdp and sslscan (scripts/install-test-deps.sh)
//! and exits nonzero without them, or when a tool's run fails.
//!
//! The server is xrdp with the legacy profile: `security_layer=tls`, `ssl_protocols=TLSv1, TLSv1.1, TLSv1.2`,
//! `tls_ciphers=ALL:@SECLEVEL=0`, an RSA-2048 certificate. Every tool reaches it through the same proxy, which
//! counts the connections it accepts (see `support/latency_proxy.rs` for the latency model).

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

use latency_proxy::{ConnectionLog, LatencyProxy};
use rdptls::fixtures::FixtureCert;
use rdptls::model::{Status, TargetReport};
use rdptls::scan::{scan_target, ScanOptions};
use rdptls::wire::tls::suites;
use support::{Xrdp, XrdpConfig};

/// (TLS wire version, suite id).
type SuiteSet = BTreeSet<(u16, u16)>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tool {
    /// `scan_target` with `clients: None`: the enumeration scan of issue 3.
    Rdptls,
    /// The same with the built-in client profiles replayed.
    RdptlsClients,
    Sslscan,
}

impl Tool {
    const ALL: [Tool; 3] = [Tool::Rdptls, Tool::RdptlsClients, Tool::Sslscan];

    fn label(self) -> &'static str {
        match self {
            Tool::Rdptls => "rdptls scan (enumeration)",
            Tool::RdptlsClients => "rdptls scan + client simulation",
            Tool::Sslscan => "sslscan --rdp",
        }
    }
}

struct Condition {
    label: &'static str,
    delay: Duration,
    /// The most time rdptls may take, as a share of sslscan's.
    time_target: f64,
    time_target_label: &'static str,
}

/// One run of one tool.
struct Sample {
    wall: Duration,
    /// Counted by the proxy.
    connections: u64,
    suites: SuiteSet,
    /// rdptls: its own connection count, hellos, client results; sslscan: nothing.
    detail: String,
    timeline: Vec<ConnectionLog>,
    /// When the run started, on the proxy's clock.
    started: Duration,
}

const CONNECTION_TARGET: f64 = 0.75;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("bench scan: {why}");
            ExitCode::FAILURE
        }
    }
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
    match Command::new("sslscan").arg("--version").output() {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(
                "sslscan is not installed (scripts/install-test-deps.sh installs it)".into(),
            )
        }
        Err(e) => return Err(format!("cannot run sslscan: {e}")),
    }
    let config = XrdpConfig {
        ssl_protocols: Some("TLSv1, TLSv1.1, TLSv1.2".into()),
        tls_ciphers: Some("ALL:@SECLEVEL=0".into()),
        ..XrdpConfig::fixture("tls", FixtureCert::Valid)
    };
    let xrdp = Xrdp::start(config).map_err(|why| {
        format!("xrdp could not be started: {why} (scripts/install-test-deps.sh installs it)")
    })?;
    let server = ([127, 0, 0, 1], xrdp.port()).into();
    let profiles = rdptls::analysis::clients::builtin_profiles()
        .map_err(|e| format!("built-in client profiles: {e}"))?;
    let profiles = Arc::new(profiles);
    let rt = tokio::runtime::Runtime::new().map_err(|e| format!("tokio runtime: {e}"))?;

    let conditions = [
        Condition {
            label: "loopback (0 ms)",
            delay: Duration::ZERO,
            time_target: 0.75,
            time_target_label: "0.75",
        },
        Condition {
            label: "25 ms each way (50 ms RTT)",
            delay: Duration::from_millis(25),
            time_target: 1.0 / 8.0,
            time_target_label: "1/8",
        },
    ];
    eprintln!(
        "xrdp on 127.0.0.1:{} (legacy profile), {runs} run(s) per measurement",
        xrdp.port()
    );

    // One unmeasured run of each tool, straight to xrdp: its first connections (and sslscan's first start) are
    // slower than the rest.
    let direct = format!("127.0.0.1:{}", xrdp.port());
    rdptls_run(&rt, &direct, None).map_err(|why| format!("warm-up rdptls scan: {why}"))?;
    sslscan_run(&direct).map_err(|why| format!("warm-up sslscan: {why}"))?;
    let load_before = load_average();

    let mut rows: Vec<(usize, Tool, Vec<Sample>)> = Vec::new();
    let mut failures = Vec::new();
    for (ci, cond) in conditions.iter().enumerate() {
        let proxy = LatencyProxy::start(server, cond.delay)
            .map_err(|e| format!("starting the proxy: {e}"))?;
        let target = proxy.addr().to_string();
        let mut samples: Vec<Vec<Sample>> = Tool::ALL.iter().map(|_| Vec::new()).collect();
        // Runs interleave the tools, so that a drift of the machine touches them all alike.
        for run in 0..runs {
            for (ti, tool) in Tool::ALL.into_iter().enumerate() {
                let before = proxy.connections();
                let started = proxy.now();
                let t0 = Instant::now();
                let outcome = match tool {
                    Tool::Rdptls => rdptls_run(&rt, &target, None),
                    Tool::RdptlsClients => rdptls_run(&rt, &target, Some(profiles.clone())),
                    Tool::Sslscan => sslscan_run(&target),
                };
                let wall = t0.elapsed();
                // Let the proxy see the last closes and xrdp reap its forked children.
                std::thread::sleep(Duration::from_millis(300) + cond.delay * 4);
                let connections = proxy.connections() - before;
                let timeline = proxy.log_since(before);
                match outcome {
                    Ok((suites, detail)) => {
                        eprintln!(
                            "{} | {} | run {}: {:.2} s, {connections} connections, {} suites{}",
                            cond.label,
                            tool.label(),
                            run + 1,
                            wall.as_secs_f64(),
                            suites.len(),
                            if detail.is_empty() {
                                String::new()
                            } else {
                                format!(" ({detail})")
                            }
                        );
                        samples[ti].push(Sample {
                            wall,
                            connections,
                            suites,
                            detail,
                            timeline,
                            started,
                        });
                    }
                    Err(why) => {
                        eprintln!(
                            "{} | {} | run {}: FAILED: {why}",
                            cond.label,
                            tool.label(),
                            run + 1
                        );
                        failures.push(format!("{} / {}: {why}", cond.label, tool.label()));
                    }
                }
            }
        }
        drop(proxy);
        for (tool, s) in Tool::ALL.into_iter().zip(samples) {
            rows.push((ci, tool, s));
        }
    }

    let load = format!("{load_before} before, {} after", load_average());
    print_report(&conditions, &rows, runs, &load);
    drop(xrdp);
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

/// One rdptls scan through the library, as `rdptls scan` runs it (default options).
fn rdptls_run(
    rt: &tokio::runtime::Runtime,
    target: &str,
    clients: Option<Arc<Vec<rdptls::analysis::clients::ClientProfile>>>,
) -> Result<(SuiteSet, String), String> {
    let with_clients = clients.is_some();
    let mut opts = ScanOptions {
        clients,
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
    let mut set = SuiteSet::new();
    for s in &tls.cipher_suites {
        set.insert((s.version.0, s.suite.0));
    }
    let mut detail = format!(
        "rdptls counted {} connections, {} hellos",
        report.stats.connections, tls.hellos
    );
    if !tls.anomalies.is_empty() {
        detail.push_str(&format!(", anomalies: {:?}", tls.anomalies));
    }
    if with_clients {
        let connects = report.clients.iter().filter(|c| c.connects).count();
        detail.push_str(&format!(
            ", {} client profiles, {connects} connect",
            report.clients.len()
        ));
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

/// The 1-minute load average: other work on the machine slows xrdp (it forks per connection) and both tools.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
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

fn print_report(
    conditions: &[Condition],
    rows: &[(usize, Tool, Vec<Sample>)],
    runs: usize,
    load: &str,
) {
    let find = |ci: usize, tool: Tool| {
        rows.iter()
            .find(|(c, t, _)| *c == ci && *t == tool)
            .map(|(_, _, s)| s.as_slice())
            .filter(|s| !s.is_empty())
    };
    println!();
    println!(
        "xrdp legacy profile (TLS 1.0-1.2, ALL:@SECLEVEL=0, RSA-2048); {} cores, load average {load}; \
rdptls --max-conns {}; median of {runs} run(s)",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        max_conns().unwrap_or(ScanOptions::default().max_conns)
    );
    println!();
    println!("| condition | tool | connections | wall time, median (min-max) | connections / sslscan (target <= 0.75) | time / sslscan (target) |");
    println!("|---|---|---:|---:|---:|---:|");
    for (ci, cond) in conditions.iter().enumerate() {
        let base = find(ci, Tool::Sslscan);
        for tool in Tool::ALL {
            let Some(s) = find(ci, tool) else {
                println!("| {} | {} | - | failed | - | - |", cond.label, tool.label());
                continue;
            };
            let (t, c) = (median(secs(s)), median(conns(s)));
            let lo = secs(s).into_iter().fold(f64::INFINITY, f64::min);
            let hi = secs(s).into_iter().fold(0.0, f64::max);
            let (cr, tr) = match (tool, base) {
                (Tool::Sslscan, _) | (_, None) => ("1".to_string(), "1".to_string()),
                (_, Some(b)) => {
                    let cr = c / median(conns(b));
                    let tr = t / median(secs(b));
                    (
                        format!("{cr:.2} {}", verdict(cr, CONNECTION_TARGET)),
                        format!(
                            "{tr:.3} (<= {}) {}",
                            cond.time_target_label,
                            verdict(tr, cond.time_target)
                        ),
                    )
                }
            };
            let (cr, tr) = if tool == Tool::Sslscan {
                ("-".to_string(), "-".to_string())
            } else {
                (cr, tr)
            };
            println!(
                "| {} | {} | {c:.0} | {t:.2} s ({lo:.2}-{hi:.2}) | {cr} | {tr} |",
                cond.label,
                tool.label()
            );
        }
    }

    println!();
    println!("Suite sets (version, suite):");
    for (ci, cond) in conditions.iter().enumerate() {
        let Some(base) = find(ci, Tool::Sslscan) else {
            continue;
        };
        let reference = &base[0].suites;
        let stable = base.iter().all(|s| &s.suites == reference);
        for tool in [Tool::Rdptls, Tool::RdptlsClients] {
            let Some(s) = find(ci, tool) else { continue };
            for (i, sample) in s.iter().enumerate() {
                let same = &sample.suites == reference;
                if i == 0 || !same {
                    let verdict = if same {
                        format!("identical ({} suites)", reference.len())
                    } else {
                        let missing: Vec<String> =
                            reference.difference(&sample.suites).map(name).collect();
                        let extra: Vec<String> =
                            sample.suites.difference(reference).map(name).collect();
                        format!("DIFFERENT: missing {missing:?}, extra {extra:?}")
                    };
                    println!(
                        "- {} / {} run {} vs sslscan: {verdict}",
                        cond.label,
                        tool.label(),
                        i + 1
                    );
                }
            }
        }
        if !stable {
            println!("- {}: sslscan's own runs disagree", cond.label);
        }
    }

    println!();
    println!("Where the time goes (median run of each; times from the proxy's accept log):");
    for (ci, cond) in conditions.iter().enumerate() {
        for tool in Tool::ALL {
            let Some(s) = find(ci, tool) else { continue };
            let mut sorted: Vec<&Sample> = s.iter().collect();
            sorted.sort_by_key(|x| x.wall);
            let m = sorted[sorted.len() / 2];
            println!(
                "- {} / {}: {}",
                cond.label,
                tool.label(),
                timeline_summary(m, cond.delay)
            );
            if !m.detail.is_empty() {
                println!("  - {}", m.detail);
            }
        }
    }
}

/// Peak connections open at once, the mean lifetime of one, when the 7th was accepted (rdptls's first six are
/// the X.224 matrix), and the wall time in round trips.
fn timeline_summary(s: &Sample, delay: Duration) -> String {
    let rel = |d: Duration| d.saturating_sub(s.started).as_secs_f64() * 1000.0;
    let mut events: Vec<(f64, i32)> = Vec::new();
    let mut lifetimes = Vec::new();
    for c in &s.timeline {
        events.push((rel(c.accepted), 1));
        if let Some(closed) = c.closed {
            events.push((rel(closed), -1));
            lifetimes.push((closed.saturating_sub(c.accepted)).as_secs_f64() * 1000.0);
        }
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut open, mut peak) = (0, 0);
    for (_, d) in &events {
        open += d;
        peak = peak.max(open);
    }
    let seventh = s
        .timeline
        .get(6)
        .map_or("-".to_string(), |c| format!("{:.0} ms", rel(c.accepted)));
    let last = s
        .timeline
        .last()
        .map_or("-".to_string(), |c| format!("{:.0} ms", rel(c.accepted)));
    let mut text = format!(
        "{} connections, at most {peak} open at once, {:.0} ms each (median), 7th accepted at {seventh}, last at {last}, wall {:.0} ms",
        s.timeline.len(),
        median(lifetimes),
        s.wall.as_secs_f64() * 1000.0
    );
    if !delay.is_zero() {
        text.push_str(&format!(
            " = {:.1} RTTs",
            s.wall.as_secs_f64() / (delay * 2).as_secs_f64()
        ));
    }
    text
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
