//! Fleet scans: targets from a file, one JSON line per target as each finishes, every target reported.

use std::process::Command;

use rdptls::serve::{bind, Profile};
use serde_json::Value;

#[test]
fn jsonl_streams_one_line_per_target_from_a_targets_file() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let modern = rt
        .block_on(bind(Profile::Modern, ([127, 0, 0, 1], 0).into()))
        .expect("modern");
    let garbage = rt
        .block_on(bind(Profile::Garbage, ([127, 0, 0, 1], 0).into()))
        .expect("garbage");
    let dir = std::env::temp_dir().join(format!("rdptls-cli-fleet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("hosts.txt");
    std::fs::write(
        &list,
        format!(
            "# fleet\n{}\n\n{}  # the broken one\n",
            modern.addr(),
            garbage.addr()
        ),
    )
    .unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_rdptls"))
        .args([
            "scan",
            "--jsonl",
            "--quick",
            "--no-clients",
            "--timeout",
            "2",
            "-f",
        ])
        .arg(&list)
        .output()
        .expect("run rdptls");
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect();
    assert_eq!(lines.len(), 2);
    let by_target = |addr: String| {
        lines
            .iter()
            .find(|t| t["target"] == addr.as_str())
            .cloned()
            .unwrap()
    };
    assert_eq!(by_target(modern.addr().to_string())["status"], "ok");
    let broken = by_target(garbage.addr().to_string());
    assert_eq!(broken["status"], "unreachable");
    assert_eq!(broken["error"]["kind"], "not_rdp");
    assert_eq!(
        out.status.code(),
        Some(3),
        "one target could not be scanned"
    );
}

#[test]
fn the_fleet_table_keeps_the_order_given_and_ends_with_a_summary_line_per_host() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let modern = rt
        .block_on(bind(Profile::Modern, ([127, 0, 0, 1], 0).into()))
        .expect("modern");
    let expired = rt
        .block_on(bind(Profile::ExpiredCert, ([127, 0, 0, 1], 0).into()))
        .expect("expired");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    // The slow full scans first, the closed port (which finishes first) last.
    let targets = [
        modern.addr().to_string(),
        expired.addr().to_string(),
        closed.clone(),
    ];
    let out = Command::new(env!("CARGO_BIN_EXE_rdptls"))
        .args(["scan", "--timeout", "3"])
        .args(&targets)
        .env("COLUMNS", "120")
        .output()
        .expect("run rdptls");
    let text = String::from_utf8_lossy(&out.stdout);
    let headings: Vec<usize> = targets
        .iter()
        .map(|t| {
            text.find(&format!("== {t}\n"))
                .unwrap_or_else(|| panic!("{t}:\n{text}"))
        })
        .collect();
    assert!(
        headings.windows(2).all(|w| w[0] < w[1]),
        "order given:\n{text}"
    );
    let summary = &text[text.find("Summary: 3 hosts").expect("a summary")..];
    let rows: Vec<&str> = summary.lines().skip(2).collect();
    assert_eq!(rows.len(), 3, "one line per host:\n{summary}");
    for (row, t) in rows.iter().zip(&targets) {
        assert!(row.trim_start().starts_with(t.as_str()), "{row}");
    }
    assert!(rows[0].contains(" 1.2 1.3 "), "{}", rows[0]);
    assert!(
        rows[1].contains("CONNECTIONS FAIL") && rows[1].contains(" -4"),
        "{}",
        rows[1]
    );
    assert!(rows[2].contains("UNREACHABLE"), "{}", rows[2]);
    assert!(summary.lines().nth(1).unwrap().contains("failing clients"));
}
