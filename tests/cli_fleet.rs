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
