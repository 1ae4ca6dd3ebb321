//! `rdptls scan --policy FILE --junit FILE` end to end against an in-process fixture server: violated rules
//! become `policy-*` findings, fail the run, and show up as failed JUnit test cases.

use std::process::Command;

use rdptls::serve::{bind, Profile};
use serde_json::Value;

fn temp_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rdptls-cli-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

#[test]
fn policy_violations_fail_the_run_and_the_junit_report() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt
        .block_on(bind(Profile::ExpiringCert, ([127, 0, 0, 1], 0).into()))
        .expect("fixture");
    let target = server.addr().to_string();

    let policy = temp_path("policy.toml");
    std::fs::write(
        &policy,
        "min_days_left = 30\nrequire_nla = true\nmin_tls_version = \"TLS1.2\"\nclients_must_connect = [\"freerdp-3\"]\n",
    )
    .expect("write policy");
    let junit = temp_path("junit.xml");

    let run = |extra: &[&str]| {
        let mut args = vec!["scan", "--json", "--no-progress", "--policy"];
        args.push(policy.to_str().unwrap());
        args.extend_from_slice(extra);
        args.push(&target);
        Command::new(env!("CARGO_BIN_EXE_rdptls"))
            .args(&args)
            .output()
            .expect("run rdptls")
    };
    let out = run(&["--junit", junit.to_str().unwrap()]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let ids: Vec<&str> = doc["targets"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert!(ids.contains(&"policy-min-days-left"), "{ids:?}");
    assert!(ids.contains(&"policy-require-nla"), "{ids:?}");
    assert!(
        !ids.contains(&"policy-min-tls-version"),
        "the fixture speaks TLS 1.2 and 1.3 only: {ids:?}"
    );
    assert!(!ids.contains(&"policy-clients-must-connect"), "{ids:?}");
    // docs/json.md `targets[].policy`: every rule of the file, with the analysis' outcome.
    let outcomes: Vec<(&str, &str)> = doc["targets"][0]["policy"]
        .as_array()
        .expect("targets[].policy with --policy")
        .iter()
        .map(|r| {
            assert!(r["reason"].is_null() || r["reason"].is_string(), "{r}");
            (r["rule"].as_str().unwrap(), r["outcome"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("min-tls-version", "passed"),
            ("min-days-left", "violated"),
            ("require-nla", "violated"),
            ("clients-must-connect", "passed"),
        ]
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a violated policy fails the run"
    );

    let xml = std::fs::read_to_string(&junit).expect("junit written");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed JUnit XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .expect("testsuite");
    assert_eq!(suite.attribute("name"), Some(target.as_str()));
    let failed: Vec<&str> = suite
        .children()
        .filter(|c| c.has_tag_name("testcase") && c.children().any(|f| f.has_tag_name("failure")))
        .filter_map(|c| c.attribute("name"))
        .collect();
    assert!(
        failed.iter().any(|n| n.contains("min-days-left")),
        "{failed:?}"
    );
    assert!(
        failed.iter().any(|n| n.contains("require-nla")),
        "{failed:?}"
    );
    assert!(
        !failed.iter().any(|n| n.contains("min-tls-version")),
        "{failed:?}"
    );

    let out = run(&["--fail-on", "none"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "--fail-on none lets every finding pass"
    );

    let bad = temp_path("bad.toml");
    std::fs::write(&bad, "min_tls = \"TLS1.2\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rdptls"))
        .args(["scan", "--policy", bad.to_str().unwrap(), &target])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("min_tls"));
    drop(server);
}
