//! The output formats and CLI conventions, end to end against fixture servers: the check plugin's line and exit
//! codes, CSV, OpenMetrics, the JSON provenance, usage errors before any scan.

use std::path::PathBuf;
use std::process::{Command, Output};

use rdptls::serve::{bind, FixtureServer as Server, Profile};
use serde_json::Value;

fn rdptls(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rdptls"))
        .args(args)
        .output()
        .expect("run rdptls")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn start(rt: &tokio::runtime::Runtime, p: Profile) -> Server {
    rt.block_on(bind(p, ([127, 0, 0, 1], 0).into()))
        .expect("fixture server")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rdptls-cli-formats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A port nothing listens on: bound, then released.
fn closed_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    addr.to_string()
}

#[test]
fn check_gives_one_line_and_the_plugin_exit_codes() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let cases = [
        (Some(Profile::ExpiredCert), 2, "RDPTLS CRITICAL - "),
        (Some(Profile::ExpiringCert), 1, "RDPTLS WARNING - "),
        (Some(Profile::Modern), 0, "RDPTLS OK - "),
        (None, 2, "RDPTLS CRITICAL - "),
    ];
    for (profile, code, start_of_line) in cases {
        let server = profile.map(|p| start(&rt, p));
        let target = match &server {
            Some(s) => s.addr().to_string(),
            None => closed_port(),
        };
        let o = rdptls(&[
            "scan",
            "--format",
            "check",
            "--no-clients",
            "--timeout",
            "3",
            &target,
        ]);
        let text = stdout(&o);
        assert_eq!(text.lines().count(), 1, "{profile:?}: one line: {text}");
        assert!(text.starts_with(start_of_line), "{profile:?}: {text}");
        assert_eq!(o.status.code(), Some(code), "{profile:?}: {text}");
        if server.is_some() {
            assert!(text.contains(" | days_left="), "perfdata: {text}");
        }
    }
    // The expiring fixture has fewer days left than --crit-days 30: CRITICAL.
    let server = start(&rt, Profile::ExpiringCert);
    let o = rdptls(&[
        "scan",
        "--format",
        "check",
        "--no-clients",
        "--quick",
        "--crit-days",
        "30",
        &server.addr().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    // A usage error is UNKNOWN (3), with a status line.
    for args in [
        &["scan", "--format", "check", "--fail-on", "hihg", "rdp01"][..],
        &["scan", "--format", "check", "rdp01:0"][..],
    ] {
        let o = rdptls(args);
        assert_eq!(o.status.code(), Some(3), "{args:?}");
        assert!(
            stdout(&o).starts_with("RDPTLS UNKNOWN - "),
            "{}",
            stdout(&o)
        );
    }
}

#[test]
fn csv_has_the_documented_columns_and_one_row_per_host_and_finding() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let expired = start(&rt, Profile::ExpiredCert);
    let closed = closed_port();
    let file = temp("report.csv");
    let o = rdptls(&[
        "scan",
        "--format",
        "csv",
        "--quick",
        "--no-clients",
        "--timeout",
        "3",
        "--output",
        file.to_str().unwrap(),
        &expired.addr().to_string(),
        &closed,
    ]);
    assert!(stdout(&o).is_empty(), "the report went to the file");
    assert_eq!(o.status.code(), Some(3));
    let text = std::fs::read_to_string(&file).unwrap();
    let rows: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(rows[0], rdptls::report::csv::COLUMNS.join(","));
    let expired_rows: Vec<&&str> = rows
        .iter()
        .filter(|r| r.starts_with(&format!("{},", expired.addr())))
        .collect();
    assert!(
        expired_rows
            .iter()
            .any(|r| r.contains(",cert-expired,critical,")),
        "{text}"
    );
    assert!(
        expired_rows
            .iter()
            .all(|r| r.contains(",CONNECTIONS FAIL,")),
        "{text}"
    );
    let closed_rows: Vec<&&str> = rows
        .iter()
        .filter(|r| r.starts_with(&format!("{closed},")))
        .collect();
    assert_eq!(closed_rows.len(), 1, "{text}");
    assert!(
        closed_rows[0].contains(",unreachable,UNREACHABLE,"),
        "{text}"
    );
}

#[test]
fn openmetrics_parses_and_its_days_left_match_the_certificate() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let started = unix_now();
    let server = start(&rt, Profile::ExpiringCert);
    let target = server.addr().to_string();
    let o = rdptls(&[
        "scan",
        "--format",
        "openmetrics",
        "--quick",
        "--no-clients",
        &target,
    ]);
    let text = stdout(&o);
    assert!(text.ends_with("# EOF\n"), "{text}");
    let lines = text.lines().map(|l| Ok(l.to_string()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("parses");
    let sample = |name: &str| {
        scrape
            .samples
            .iter()
            .find(|s| s.metric == name)
            .unwrap_or_else(|| panic!("{name} missing in {text}"))
    };
    let value = |name: &str| match sample(name).value {
        prometheus_parse::Value::Gauge(v) | prometheus_parse::Value::Untyped(v) => v,
        _ => panic!("{name} is not a gauge"),
    };
    assert_eq!(
        sample("rdptls_probe_success").labels.get("target"),
        Some(target.as_str())
    );
    assert_eq!(value("rdptls_probe_success"), 1.0);
    // Days left are whole days from the scan to the certificate's notAfter: between the counts at the start of
    // the test and now.
    let not_after = value("rdptls_cert_not_after_timestamp_seconds") as i64;
    let days_at = |t: i64| (not_after - t).div_euclid(86_400);
    let days = value("rdptls_cert_days_left") as i64;
    assert!(
        (days_at(unix_now())..=days_at(started)).contains(&days),
        "{days} days left, notAfter {not_after}"
    );
    // The fixture signs its certificate when it starts, to expire ten days later.
    let ten_days = 10 * 86_400;
    assert!(
        (started + ten_days - 1..=unix_now() + ten_days).contains(&not_after),
        "notAfter {not_after} is not ten days after the fixture started"
    );
    assert!(scrape
        .samples
        .iter()
        .any(|s| s.metric == "rdptls_finding" && s.labels.get("id") == Some("cert-expiring")));
}

#[test]
fn json_and_every_jsonl_line_carry_their_provenance() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = start(&rt, Profile::Modern);
    let target = server.addr().to_string();
    let rfc3339 = |v: &Value| {
        time::OffsetDateTime::parse(
            v.as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .expect("RFC 3339")
    };
    let text = stdout(&rdptls(&[
        "scan",
        "--format",
        "json",
        "--quick",
        "--no-clients",
        &target,
    ]));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert!(
        text.starts_with("{\n  \"generated_at\": \""),
        "at the top: {text}"
    );
    assert!(text.contains("\n  \"tool_version\": \""));
    rfc3339(&doc["generated_at"]);
    assert_eq!(doc["tool_version"], env!("CARGO_PKG_VERSION"));
    let o = rdptls(&[
        "scan",
        "--jsonl",
        "--quick",
        "--no-clients",
        &target,
        &target,
    ]);
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for l in lines {
        rfc3339(&l["generated_at"]);
        assert_eq!(l["tool_version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(l["version"], 1);
        assert_eq!(l["target"], target.as_str());
    }
}

#[test]
fn impossible_targets_and_unwritable_outputs_are_usage_errors_before_any_scan() {
    for target in [
        "rdp01:0",
        "rdp01:65536",
        "rdp://rdp01",
        "https://rdp01:3389/",
        "[::1",
        "[::1:3389",
    ] {
        let o = rdptls(&["scan", "--json", "--timeout", "1", target]);
        assert_eq!(o.status.code(), Some(2), "{target}");
        assert!(o.stdout.is_empty(), "{target}: nothing scanned");
    }
    let o = rdptls(&[
        "scan",
        "--output",
        "/nonexistent-dir/report.txt",
        "127.0.0.1:1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent-dir/report.txt"));
    let o = rdptls(&["scan", "--junit", "/nonexistent-dir/j.xml", "127.0.0.1:1"]);
    assert_eq!(o.status.code(), Some(2));
    let o = rdptls(&["scan", "--fail-on", "hihg", "rdp01"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("critical, high, medium, low, info, none"),
        "{err}"
    );
    let o = rdptls(&["scan", "--delay", "60001", "rdp01"]);
    assert_eq!(o.status.code(), Some(2));
    let o = rdptls(&["scan", "--timeout", "0", "rdp01"]);
    assert_eq!(o.status.code(), Some(2));
    let o = rdptls(&["scan", "--exclude-client", "nope", "rdp01"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("mstsc-win11"));
}

#[test]
fn a_targets_file_with_a_bom_is_read_and_junit_goes_to_stdout() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = start(&rt, Profile::Modern);
    let list = temp("bom-hosts.txt");
    std::fs::write(&list, format!("\u{feff}{}\n", server.addr())).unwrap();
    let o = rdptls(&[
        "scan",
        "--quick",
        "--no-clients",
        "--format",
        "jsonl",
        "--junit",
        "-",
        "-f",
        list.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = stdout(&o);
    assert!(text.contains("<testsuites"), "{text}");
    assert!(text.contains(&format!("\"target\":\"{}\"", server.addr())));
}

#[test]
fn completions_man_page_and_client_list() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = rdptls(&["completions", shell]);
        assert!(o.status.success(), "{shell}");
        assert!(stdout(&o).contains("exclude-client"), "{shell}");
    }
    let man = stdout(&rdptls(&["man"]));
    assert!(man.contains(".TH rdptls"), "{man}");
    let clients = stdout(&rdptls(&["clients"]));
    let profiles = rdptls::analysis::clients::builtin_profiles().unwrap();
    for p in &profiles {
        assert!(clients.contains(&p.entry.id), "{} missing", p.entry.id);
    }
    assert!(clients.contains("source: "));
}
