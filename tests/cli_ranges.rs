//! Fleets from ranges: CIDR and port ranges expanded in order, stable shards, a resumed run that skips what is
//! done, a rate on new connections. Fixture servers on loopback.

use std::collections::BTreeSet;
use std::process::Command;

use rdptls::serve::{bind, Profile};
use serde_json::Value;

fn targets_of(stdout: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("one JSON object per line");
            v["target"].as_str().expect("target").to_string()
        })
        .collect()
}

fn scan(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rdptls"))
        .args([
            "scan",
            "--jsonl",
            "--quick",
            "--no-clients",
            "--timeout",
            "2",
        ])
        .args(args)
        .output()
        .expect("run rdptls")
}

#[test]
fn a_cidr_range_with_a_port_expands_shards_and_resumes() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt
        .block_on(bind(Profile::Modern, ([127, 0, 0, 1], 0).into()))
        .expect("modern");
    let port = server.addr().port();
    let range = format!("127.0.0.0/30:{port}");
    let all: Vec<String> = (0..4).map(|i| format!("127.0.0.{i}:{port}")).collect();

    let full = scan(&[&range]);
    assert_eq!(targets_of(&full.stdout), all, "every address, in order");
    let lines: Vec<Value> = String::from_utf8_lossy(&full.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[1]["status"], "ok");

    let shards: Vec<Vec<String>> = (0..2)
        .map(|i| targets_of(&scan(&[&range, "--shard", &format!("{i}/2")]).stdout))
        .collect();
    assert_eq!(shards[0], [all[0].clone(), all[2].clone()], "index mod N");
    assert_eq!(shards[1], [all[1].clone(), all[3].clone()]);
    let union: BTreeSet<&String> = shards.iter().flatten().collect();
    assert_eq!(union.len(), 4);

    // A run that died after two lines and half of the third.
    let dir = std::env::temp_dir().join(format!("rdptls-resume-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("fleet.jsonl");
    let text = String::from_utf8_lossy(&full.stdout).to_string();
    let mut kept: Vec<&str> = text.lines().take(3).collect();
    let cut = &kept[2][..kept[2].len() / 2].to_string();
    kept[2] = cut;
    std::fs::write(&file, kept.join("\n")).unwrap();
    let file_arg = file.display().to_string();
    let resumed = scan(&[&range, "--resume", &file_arg, "-o", &file_arg]);
    assert_eq!(
        resumed.status.code(),
        Some(3),
        "unreachable addresses remain"
    );
    let after = std::fs::read_to_string(&file).unwrap();
    let whole: Vec<String> = after
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|v| v["target"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        whole, all,
        "the two done lines kept, the cut one and the last scanned again"
    );

    let paced = scan(&[&range, "--rate", "50"]);
    assert_eq!(targets_of(&paced.stdout), all);

    for (bad, why) in [
        ("10.0.0.0/8", "--max-targets"),
        ("2001:db8::/64", "--max-targets"),
        ("127.0.0.1:3391-3389", "backwards"),
    ] {
        let out = scan(&[bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(why), "{bad}");
    }
    let out = scan(&["127.0.0.1", "--shard", "2/2"]);
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
    rt.block_on(server.stop());
}
