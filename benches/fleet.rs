//! The fleet benchmark of issue 10: `rdptls scan -f FILE --jsonl` over 1,000 or 10,000 targets on loopback, one
//! address per target (127.173.x.y:3389), most of them healthy fixture servers, with refused (no listener), silent
//! (`tarpit`) and hostile ones mixed in. Not a pass/fail test of speed: it measures wall time, targets per second,
//! the scanner's peak RSS (its own high-water mark, VmHWM of /proc/PID/status) and peak descriptors (/proc/PID/fd),
//! both sampled every 10 ms, and checks that every target got exactly one line. Prints a markdown table (README.md, "Fleet benchmark").
//!
//! `scripts/bench-fleet.sh [--targets 1000,10000] [--mode quick|full|both] [--concurrency N] [--timeout SECS]
//! [--max-secs SECS]`. The fixture servers run in this process; the scanner is the `rdptls` binary of this build,
//! a child process, so its figures are its own. Exits nonzero if a run breaks the one-line-per-target rule or
//! exceeds `--max-secs` (then it is killed).

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use rdptls::serve::{bind_with, FixtureServer, Limits, Profile};

/// What stands at one address.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Kind {
    Healthy,
    Refused,
    Silent,
    Hostile,
}

/// Per hundred targets: 2 refused, 1 silent, 4 hostile, 93 healthy (rotating through the honest profiles).
fn kind_of(i: usize) -> (Kind, Option<Profile>) {
    const HEALTHY: [Profile; 8] = [
        Profile::Modern,
        Profile::Modern,
        Profile::Tls13Only,
        Profile::ExpiredCert,
        Profile::ExpiringCert,
        Profile::NlaRequired,
        Profile::SslRequired,
        Profile::LegacyNoNeg,
    ];
    const HOSTILE: [Profile; 4] = [
        Profile::Garbage,
        Profile::Reset,
        Profile::Truncated,
        Profile::Disconnect,
    ];
    match i % 100 {
        0 | 50 => (Kind::Refused, None),
        25 => (Kind::Silent, Some(Profile::Tarpit)),
        n @ (10 | 35 | 60 | 85) => (Kind::Hostile, Some(HOSTILE[(n / 25) % 4])),
        _ => (Kind::Healthy, Some(HEALTHY[(i / 100 + i) % HEALTHY.len()])),
    }
}

/// Target `i`'s address: 127.173.0.1 onwards, skipping .0 and .255 in the last octet.
fn addr_of(i: usize) -> SocketAddr {
    let (hi, lo) = (i / 250, i % 250 + 1);
    assert!(hi < 256, "at most 64,000 targets");
    SocketAddr::from((Ipv4Addr::new(127, 173, hi as u8, lo as u8), 3389))
}

struct Options {
    sizes: Vec<usize>,
    modes: Vec<&'static str>,
    concurrency: u32,
    timeout: f64,
    max_secs: u64,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        sizes: vec![1000],
        modes: vec!["quick"],
        concurrency: 64,
        timeout: 2.0,
        max_secs: 3600,
    };
    // cargo bench appends --bench.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--targets" => {
                o.sizes = value()?
                    .split(',')
                    .map(|s| s.parse().map_err(|_| format!("bad --targets {s}")))
                    .collect::<Result<_, _>>()?
            }
            "--mode" => {
                o.modes = match value()?.as_str() {
                    "quick" => vec!["quick"],
                    "full" => vec!["full"],
                    "both" => vec!["quick", "full"],
                    m => return Err(format!("bad --mode {m} (quick, full, both)")),
                }
            }
            "--concurrency" => o.concurrency = value()?.parse().map_err(|_| "bad --concurrency")?,
            "--timeout" => o.timeout = value()?.parse().map_err(|_| "bad --timeout")?,
            "--max-secs" => o.max_secs = value()?.parse().map_err(|_| "bad --max-secs")?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if o.sizes.iter().any(|&n| n == 0 || n > 60_000) {
        return Err("--targets: 1 to 60000".into());
    }
    Ok(o)
}

struct Run {
    targets: usize,
    mode: &'static str,
    wall: Duration,
    /// The scanner's own peak RSS (VmHWM), KiB.
    peak_rss_kib: i64,
    /// `wait4`'s `ru_maxrss` of the reaped scanner, KiB: not the scanner's own figure (see [`vm_hwm_kib`]).
    wait4_maxrss_kib: i64,
    /// This process's RSS when it spawned the scanner, KiB.
    bench_rss_kib: i64,
    peak_fds: usize,
    lines: usize,
    /// Targets with exactly one line.
    once: usize,
    statuses: HashMap<(Kind, String), usize>,
    exit: i32,
}

fn fd_count(pid: u32) -> usize {
    fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// The scanner's peak RSS so far, KiB: VmHWM of /proc/PID/status (0 once it has exited or if unreadable).
/// Not `wait4`'s `ru_maxrss`: at exec Linux keeps the high-water RSS of the image being replaced in it, and the
/// scanner starts as a copy of this process (posix_spawn), which holds every fixture server, so `ru_maxrss` is
/// at least this process's RSS at the spawn (about 115 MiB at 10,000 targets), whatever the scanner uses.
fn vm_hwm_kib(pid: u32) -> i64 {
    status_kib(&pid.to_string(), "VmHWM:")
}

/// A `kB` field of /proc/WHO/status, 0 if there is none.
fn status_kib(who: &str, field: &str) -> i64 {
    fs::read_to_string(format!("/proc/{who}/status"))
        .ok()
        .and_then(|status| {
            status.lines().find_map(|l| {
                l.strip_prefix(field)
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            })
        })
        .unwrap_or(0)
}

fn scan(
    o: &Options,
    dir: &std::path::Path,
    targets: &[SocketAddr],
    kinds: &HashMap<String, Kind>,
    mode: &'static str,
) -> Result<Run, String> {
    let hosts = dir.join("hosts.txt");
    let out = dir.join(format!("{mode}-{}.jsonl", targets.len()));
    let err = dir.join(format!("{mode}-{}.err", targets.len()));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rdptls"));
    cmd.arg("scan")
        .arg("-f")
        .arg(&hosts)
        .args(["--jsonl", "--fail-on", "none"])
        .args(["--concurrency", &o.concurrency.to_string()])
        .args(["--timeout", &o.timeout.to_string()]);
    if mode == "quick" {
        cmd.arg("--quick");
    }
    cmd.stdin(Stdio::null())
        .stdout(File::create(&out).map_err(|e| e.to_string())?)
        .stderr(File::create(&err).map_err(|e| e.to_string())?);
    let bench_rss_kib = status_kib("self", "VmRSS:");
    let start = Instant::now();
    let child = cmd.spawn().map_err(|e| format!("rdptls: {e}"))?;
    let pid = child.id();
    let (mut peak_fds, mut peak_rss_kib) = (0, 0);
    let (status, rusage) = loop {
        peak_fds = peak_fds.max(fd_count(pid));
        peak_rss_kib = peak_rss_kib.max(vm_hwm_kib(pid));
        let mut status = 0;
        // SAFETY: a plain syscall on our own child with valid out-pointers.
        let mut rusage: libc::rusage = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::wait4(pid as i32, &mut status, libc::WNOHANG, &mut rusage) };
        if r == pid as i32 {
            break (status, rusage);
        }
        if r < 0 {
            return Err(format!("wait4: {}", std::io::Error::last_os_error()));
        }
        if start.elapsed() > Duration::from_secs(o.max_secs) {
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            return Err(format!(
                "{mode} {}: still running after {} s, killed",
                targets.len(),
                o.max_secs
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let wall = start.elapsed();
    let exit = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // Every target exactly once, nothing else.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut statuses = HashMap::new();
    let mut lines = 0;
    for line in BufReader::new(File::open(&out).map_err(|e| e.to_string())?).lines() {
        let line = line.map_err(|e| e.to_string())?;
        lines += 1;
        let v: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| format!("line {lines} is not JSON: {e}"))?;
        let target = v["target"].as_str().unwrap_or("").to_string();
        let status = v["status"].as_str().unwrap_or("?").to_string();
        let kind = *kinds
            .get(&target)
            .ok_or(format!("line {lines}: unknown target {target}"))?;
        *statuses.entry((kind, status)).or_insert(0) += 1;
        *seen.entry(target).or_insert(0) += 1;
    }
    let once = seen.values().filter(|&&n| n == 1).count();
    Ok(Run {
        targets: targets.len(),
        mode,
        wall,
        peak_rss_kib,
        wait4_maxrss_kib: rusage.ru_maxrss,
        bench_rss_kib,
        peak_fds,
        lines,
        once,
        statuses,
        exit,
    })
}

fn main() -> ExitCode {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bench-fleet: {e}");
            return ExitCode::from(2);
        }
    };
    let max = *o.sizes.iter().max().unwrap_or(&0);
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid pointer. The fixtures hold one listener per target.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur = limit.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
    }
    let need = max as u64 + 4096;
    if limit.rlim_cur < need {
        eprintln!(
            "bench-fleet: {max} targets need about {need} descriptors here, the limit is {}",
            limit.rlim_cur
        );
        return ExitCode::FAILURE;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let limits = Limits {
        read_timeout: Duration::from_secs(10),
        hold_cap: Duration::from_secs(30),
        drip_interval: Duration::from_millis(100),
        late_by: Duration::from_millis(100),
    };
    let dir = std::env::temp_dir().join(format!("rdptls-bench-fleet-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("temp dir");
    let mut runs = Vec::new();
    let mut failed = false;
    for &n in &o.sizes {
        let started = Instant::now();
        let mut servers: Vec<FixtureServer> = Vec::new();
        let mut kinds = HashMap::new();
        let mut targets = Vec::new();
        let mut hosts = String::new();
        for i in 0..n {
            let addr = addr_of(i);
            let (kind, profile) = kind_of(i);
            if let Some(p) = profile {
                match rt.block_on(bind_with(p, addr, limits)) {
                    Ok(s) => servers.push(s),
                    Err(e) => {
                        eprintln!("bench-fleet: cannot serve {p:?} on {addr}: {e}");
                        return ExitCode::FAILURE;
                    }
                }
            }
            kinds.insert(addr.to_string(), kind);
            targets.push(addr);
            hosts.push_str(&format!("{addr}\n"));
        }
        fs::write(dir.join("hosts.txt"), hosts).expect("hosts file");
        eprintln!(
            "bench-fleet: {n} targets ({} servers) ready in {:.1} s",
            servers.len(),
            started.elapsed().as_secs_f64()
        );
        for &mode in &o.modes {
            match scan(&o, &dir, &targets, &kinds, mode) {
                Ok(run) => {
                    if run.lines != n || run.once != n {
                        eprintln!(
                            "bench-fleet: {mode} {n}: {} lines, {} targets with exactly one line",
                            run.lines, run.once
                        );
                        failed = true;
                    }
                    eprintln!(
                        "bench-fleet: {mode} {n}: {:.1} s, exit {}",
                        run.wall.as_secs_f64(),
                        run.exit
                    );
                    runs.push(run);
                }
                Err(e) => {
                    eprintln!("bench-fleet: {e}");
                    failed = true;
                }
            }
        }
        rt.block_on(async {
            for s in servers {
                s.stop().await;
            }
        });
    }
    let _ = fs::remove_dir_all(&dir);
    print_table(&o, &runs);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn print_table(o: &Options, runs: &[Run]) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\nrdptls {} fleet benchmark: --jsonl --concurrency {} --timeout {}; per 100 targets 93 healthy, 2 refused, \
         1 silent (tarpit), 4 hostile (garbage, reset, truncated, disconnect); {} CPUs\n",
        env!("CARGO_PKG_VERSION"),
        o.concurrency,
        o.timeout,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let _ = writeln!(
        out,
        "| targets | mode | wall time | targets/s | peak RSS | peak descriptors | one line each | status ok / unreachable / error |"
    );
    let _ = writeln!(out, "|---:|---|---:|---:|---:|---:|---|---|");
    for r in runs {
        let count = |s: &str| -> usize {
            r.statuses
                .iter()
                .filter(|((_, st), _)| st == s)
                .map(|(_, n)| n)
                .sum()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} s | {:.1} | {:.1} MiB | {} | {} | {} / {} / {} |",
            r.targets,
            r.mode,
            r.wall.as_secs_f64(),
            r.targets as f64 / r.wall.as_secs_f64(),
            r.peak_rss_kib as f64 / 1024.0,
            r.peak_fds,
            if r.lines == r.targets && r.once == r.targets {
                "yes".to_string()
            } else {
                format!("no ({} lines, {} once)", r.lines, r.once)
            },
            count("ok"),
            count("unreachable"),
            count("error"),
        );
    }
    for mode in ["quick", "full"] {
        let of = |n: usize| {
            runs.iter()
                .find(|r| r.mode == mode && r.targets == n)
                .map(|r| r.peak_rss_kib as f64)
        };
        if let (Some(small), Some(big)) = (of(1000), of(10_000)) {
            if small <= 0.0 {
                continue;
            }
            let ratio = big / small;
            let _ = writeln!(
                out,
                "\n{mode}: peak RSS at 10,000 targets is {ratio:.2}x that at 1,000 (goal: at most 1.5x): {}",
                if ratio <= 1.5 { "met" } else { "not met" }
            );
        }
    }
    let _ = writeln!(
        out,
        "\nwait4's ru_maxrss of the scanner, not its own figure: Linux counts in it the RSS of the bench process it was \
         spawned from (shown beside it):"
    );
    for r in runs {
        let _ = writeln!(
            out,
            "- {} {}: {:.1} MiB (bench {:.1} MiB)",
            r.targets,
            r.mode,
            r.wait4_maxrss_kib as f64 / 1024.0,
            r.bench_rss_kib as f64 / 1024.0
        );
    }
    let _ = writeln!(
        out,
        "\nhealthy, refused, silent, hostile targets by status:"
    );
    for r in runs {
        let mut rows: Vec<_> = r.statuses.iter().collect();
        rows.sort_by_key(|((k, s), _)| (format!("{k:?}"), s.clone()));
        let cells: Vec<String> = rows
            .iter()
            .map(|((k, s), n)| format!("{k:?} {s}: {n}"))
            .collect();
        let _ = writeln!(out, "- {} {}: {}", r.targets, r.mode, cells.join(", "));
    }
}
