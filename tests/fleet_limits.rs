//! Fleet scans that hold: a deadline per target, local errors never blamed on the server, interrupted runs and
//! closed pipes that still leave a valid report. Every server is a fixture on loopback.

use std::process::Command;
use std::time::{Duration, Instant};

use rdptls::serve::{bind, FixtureServer as Server, Profile};
use serde_json::Value;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("runtime")
}

fn start(rt: &tokio::runtime::Runtime, profile: Profile) -> Server {
    rt.block_on(bind(profile, ([127, 0, 0, 1], 0).into()))
        .expect("fixture server")
}

fn rdptls() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rdptls"))
}

#[test]
fn a_server_that_answers_every_step_just_inside_the_timeout_is_cut_at_the_target_deadline() {
    let rt = runtime();
    // Each Connection Confirm comes 1.5 s late: every step succeeds under --timeout 2, and the full scan
    // (a negotiation before each of dozens of hellos) would take minutes.
    let slow = start(&rt, Profile::SlowSteps);
    let started = Instant::now();
    let out = rdptls()
        .args([
            "scan",
            "--json",
            "--no-clients",
            "--timeout",
            "2",
            "--target-timeout",
            "5",
        ])
        .arg(slow.addr().to_string())
        .output()
        .expect("run rdptls");
    let took = started.elapsed();
    eprintln!("slow-steps, --timeout 2, --target-timeout 5: {took:?}");
    // The bound of the issue: the target's deadline plus one step timeout (the process start included).
    assert!(
        took < Duration::from_secs(7),
        "held the target {took:?}, more than --target-timeout plus one --timeout"
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let t = &report["targets"][0];
    assert_eq!(t["complete"], false);
    assert_eq!(t["cut_short"]["reason"], "deadline");
    assert_eq!(t["cut_short"]["stage"], "tls", "{t}");
    assert_eq!(t["error"]["kind"], "deadline");
    // What the negotiation found is kept.
    assert_eq!(
        t["negotiation"]["protocols"].as_array().map(Vec::len),
        Some(6)
    );
    rt.block_on(slow.stop());
}

/// What a scan found, without what changes from run to run (times, counts of connections).
fn findings_of(report: &Value) -> Vec<Value> {
    let mut targets: Vec<Value> = report["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| {
            serde_json::json!({
                "target": t["target"],
                "status": t["status"],
                "complete": t["complete"],
                "error_kind": t["error"]["kind"],
                "negotiation": t["negotiation"],
                "versions": t["tls"]["versions"],
                "suites": t["tls"]["cipher_suites"],
                "groups": t["tls"]["groups"],
                "certificate": t["certificate"]["sha1_thumbprint"],
                "credssp": t["credssp"]["version"],
                "findings": t["findings"].as_array().map(|f| f.iter().map(|f| f["id"].clone()).collect::<Vec<_>>()),
                "clients": t["clients"].as_array().map(|c| c.iter().map(|c| (c["id"].clone(), c["connects"].clone())).collect::<Vec<_>>()),
            })
        })
        .collect();
    targets.sort_by_key(|t| t["target"].to_string());
    targets
}

#[test]
fn a_scan_at_concurrency_300_under_ulimit_256_finds_what_one_at_concurrency_8_finds() {
    let rt = runtime();
    let profiles = [
        Profile::Modern,
        Profile::NlaRequired,
        Profile::ExpiredCert,
        Profile::Tls13Only,
    ];
    let servers: Vec<Server> = (0..24)
        .map(|i| start(&rt, profiles[i % profiles.len()]))
        .collect();
    let dir = std::env::temp_dir().join(format!("rdptls-ulimit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("hosts.txt");
    let hosts: Vec<String> = servers.iter().map(|s| s.addr().to_string()).collect();
    std::fs::write(&list, hosts.join("\n")).unwrap();
    let scan = |concurrency: &str| {
        let script = format!(
            "ulimit -n 256 || exit 97; exec '{}' scan --json --timeout 5 --concurrency {concurrency} -f '{}'",
            env!("CARGO_BIN_EXE_rdptls"),
            list.display()
        );
        Command::new("sh")
            .args(["-c", &script])
            .output()
            .expect("run rdptls under sh")
    };
    let wide = scan("300");
    let narrow = scan("8");
    let stderr = String::from_utf8_lossy(&wide.stderr);
    eprintln!("{stderr}");
    assert!(
        stderr.contains("hosts at once, not 300"),
        "the shrink is said on stderr: {stderr}"
    );
    let wide: Value = serde_json::from_slice(&wide.stdout).expect("JSON at --concurrency 300");
    let narrow: Value = serde_json::from_slice(&narrow.stdout).expect("JSON at --concurrency 8");
    let text = wide.to_string();
    assert!(!text.contains("\"local\""), "no probe failed on our side");
    assert!(!text.contains("Too many open files"));
    assert_eq!(findings_of(&wide), findings_of(&narrow));
    assert!(findings_of(&wide).iter().all(|t| t["status"] == "ok"));
    assert!(
        findings_of(&wide)
            .iter()
            .all(|t| t["clients"].as_array().is_some_and(|c| !c.is_empty())),
        "the client replays ran too"
    );
    let _ = std::fs::remove_dir_all(&dir);
    for s in servers {
        rt.block_on(s.stop());
    }
}

/// Waits for `child` at most `limit`; kills it past that. Returns its output and whether it ended by itself.
fn wait_at_most(mut child: std::process::Child, limit: Duration) -> (std::process::Output, bool) {
    let until = Instant::now() + limit;
    let mut ended = false;
    while Instant::now() < until {
        if let Ok(Some(_)) = child.try_wait() {
            ended = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    if !ended {
        let _ = child.kill();
    }
    (child.wait_with_output().expect("child output"), ended)
}

#[test]
fn sigint_during_a_json_fleet_scan_writes_valid_json_with_every_started_target() {
    let rt = runtime();
    let fast: Vec<Server> = (0..3).map(|_| start(&rt, Profile::Modern)).collect();
    let slow: Vec<Server> = (0..3).map(|_| start(&rt, Profile::Tarpit)).collect();
    // Two at once: the two fast servers, then two tarpits that hold their slots; the rest never start.
    let order = [&fast[0], &fast[1], &slow[0], &slow[1], &slow[2], &fast[2]];
    let mut cmd = rdptls();
    cmd.args([
        "scan",
        "--json",
        "--quick",
        "--no-clients",
        "--timeout",
        "30",
        "--concurrency",
        "2",
    ])
    .args(order.iter().map(|s| s.addr().to_string()))
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().expect("run rdptls");
    std::thread::sleep(Duration::from_secs(3));
    let sent = Instant::now();
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(status.success());
    let (out, ended) = wait_at_most(child, Duration::from_secs(20));
    eprintln!("SIGINT to exit: {:?}", sent.elapsed());
    assert!(ended, "rdptls still ran 20 s after SIGINT");
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("valid JSON after SIGINT");
    assert_eq!(report["interrupted"], true);
    let targets = report["targets"].as_array().expect("targets");
    let names: Vec<&str> = targets
        .iter()
        .filter_map(|t| t["target"].as_str())
        .collect();
    let expected: Vec<String> = order[..4].iter().map(|s| s.addr().to_string()).collect();
    assert_eq!(
        names, expected,
        "every started target, in order, and none that never started"
    );
    for t in &targets[..2] {
        assert_eq!(t["status"], "ok", "a finished target is kept whole: {t}");
    }
    for t in &targets[2..] {
        assert_eq!(t["cut_short"]["reason"], "interrupted", "{t}");
        assert_eq!(t["complete"], false);
    }
    for s in fast.into_iter().chain(slow) {
        rt.block_on(s.stop());
    }
}

#[test]
fn jsonl_piped_into_head_stops_when_head_leaves() {
    let rt = runtime();
    let fast = start(&rt, Profile::Modern);
    let silent: Vec<Server> = (0..4).map(|_| start(&rt, Profile::Tarpit)).collect();
    let dir = std::env::temp_dir().join(format!("rdptls-head-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("big.txt");
    let mut hosts = vec![fast.addr().to_string()];
    hosts.extend(silent.iter().map(|s| s.addr().to_string()));
    std::fs::write(&list, hosts.join("\n")).unwrap();
    // Scanned to the end, the tarpits would hold the run for 30 s.
    let script = format!(
        "'{}' scan -f '{}' --jsonl --quick --no-clients --timeout 30 | head -1",
        env!("CARGO_BIN_EXE_rdptls"),
        list.display()
    );
    let started = Instant::now();
    let child = Command::new("sh")
        .args(["-c", &script])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sh");
    let (out, ended) = wait_at_most(child, Duration::from_secs(20));
    let took = started.elapsed();
    eprintln!("rdptls ... --jsonl | head -1: {took:?}");
    assert!(ended, "the pipeline still ran 20 s later");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1);
    let first: Value = serde_json::from_str(lines[0]).expect("one whole JSON line");
    assert_eq!(first["target"], fast.addr().to_string());
    assert!(took < Duration::from_secs(20));
    let _ = std::fs::remove_dir_all(&dir);
    rt.block_on(fast.stop());
    for s in silent {
        rt.block_on(s.stop());
    }
}
