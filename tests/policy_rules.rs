//! Policy rules (`--policy`): parsing, each rule checked against reports built in code, and the findings a
//! violation gives.

mod reports;

use rdptls::analysis::findings;
use rdptls::analysis::policy::{self, Check, Rule};
use rdptls::model::{ErrorKind, ProtocolVersion, ScanError, Severity, Status, Step};
use reports::*;

use Severity::*;

#[test]
fn policy_example_file_parses() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/policy.example.toml"
    ))
    .expect("docs/policy.example.toml");
    let p = policy::parse(&text).expect("example policy");
    assert_eq!(p.rules().len(), 7);
    assert_eq!(p.severity, High);
    assert_eq!(p.min_tls_version, Some(ProtocolVersion::TLS1_2));
}

#[test]
fn policy_parse_errors_name_the_problem() {
    let cases: &[(&str, &str)] = &[
        ("min_tls = \"TLS1.2\"", "min_tls"),
        ("require_nla = true\nbogus_rule = 1", "bogus_rule"),
        ("min_tls_version = \"TLS1.4\"", "TLS1.4"),
        ("min_tls_version = 12", "min_tls_version"),
        (
            "forbidden_suites = [\"TLS_RSA_WITH_NOTHING\"]",
            "TLS_RSA_WITH_NOTHING",
        ),
        (
            "forbidden_suites = \"TLS_RSA_WITH_3DES_EDE_CBC_SHA\"",
            "forbidden_suites",
        ),
        ("forbidden_classes = [\"rc5\"]", "rc5"),
        ("severity = \"severe\"", "severe"),
        ("min_days_left = \"30\"", "min_days_left"),
        ("require_nla = \"yes\"", "require_nla"),
        ("clients_must_connect = [1]", "clients_must_connect"),
        ("min_days_left = ", "policy"),
    ];
    for (text, needle) in cases {
        let err = policy::parse(text).expect_err(text);
        assert!(err.contains(needle), "{text:?}: {err}");
    }
}

#[test]
fn policy_parse_accepts_version_spellings_and_defaults() {
    for v in ["TLS1.2", "tls1.2", "TLS 1.2", "TLSv1.2"] {
        let p = policy::parse(&format!("min_tls_version = \"{v}\"")).unwrap();
        assert_eq!(p.min_tls_version, Some(ProtocolVersion::TLS1_2), "{v}");
        assert_eq!(p.severity, High);
        assert_eq!(p.rules(), vec![Rule::MinTlsVersion]);
    }
    let p = policy::parse("require_nla = false\nforbid_standard_rdp_security = false").unwrap();
    assert!(p.rules().is_empty());
    let p = policy::parse("forbidden_suites = [\"tls_rsa_with_rc4_128_sha\"]").unwrap();
    let names: Vec<String> = p.forbidden_suites.iter().map(|s| s.name()).collect();
    assert_eq!(names, vec!["TLS_RSA_WITH_RC4_128_SHA"]);
}

#[test]
fn policy_healthy_server_passes_every_rule() {
    let p = policy::parse(
        r#"
min_tls_version = "TLS1.2"
forbidden_suites = ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"]
forbidden_classes = ["rc4", "3des", "null", "export", "anon", "cbc", "no-fs"]
min_days_left = 30
require_nla = true
clients_must_connect = ["mstsc-win10", "freerdp-3"]
forbid_standard_rdp_security = true
"#,
    )
    .unwrap();
    let r = healthy();
    for rule in p.rules() {
        assert_eq!(policy::check(&p, rule, &r), Check::Passed, "{rule:?}");
    }
    assert!(policy::evaluate(&p, &r).is_empty());
}

#[test]
fn policy_each_rule_is_violated_with_evidence() {
    let p = policy::parse(FULL_POLICY).unwrap();
    let found = policy::evaluate(&p, &violating());
    let ids: Vec<&str> = found.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "policy-min-tls-version",
            "policy-forbidden-suites",
            "policy-forbidden-classes",
            "policy-min-days-left",
            "policy-require-nla",
            "policy-clients-must-connect",
            "policy-forbid-standard-rdp-security",
        ]
    );
    assert!(found
        .iter()
        .all(|f| f.severity == Medium && f.fix.is_some()));
    let expect: &[(&str, &str)] = &[
        ("policy-min-tls-version", "TLS1.0"),
        (
            "policy-forbidden-suites",
            "TLS1.2 TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        ),
        (
            "policy-forbidden-suites",
            "Disable-TlsCipherSuite -Name TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        ),
        (
            "policy-forbidden-classes",
            "TLS1.0 TLS_RSA_WITH_RC4_128_SHA [rc4, no-fs]",
        ),
        (
            "policy-forbidden-classes",
            "TLS1.2 TLS_RSA_WITH_3DES_EDE_CBC_SHA [3des, cbc, no-fs]",
        ),
        ("policy-forbidden-classes", "class rc4, 3des, cbc, no-fs"),
        ("policy-min-days-left", "5 days left"),
        ("policy-require-nla", "accepted without CredSSP: rdp, ssl"),
        ("policy-clients-must-connect", "freerdp-3"),
        ("policy-forbid-standard-rdp-security", "rdp request -> rdp"),
    ];
    for (id, needle) in expect {
        let text = text_of(get(&found, id));
        assert!(text.contains(needle), "{id} lacks {needle:?}:\n{text}");
    }
}

#[test]
fn policy_rules_one_at_a_time() {
    // Each rule alone, on the violating server: exactly its own finding.
    for rule in Rule::ALL {
        let line = FULL_POLICY
            .lines()
            .find(|l| l.starts_with(&format!("{} ", rule.key())))
            .unwrap();
        let p = policy::parse(line).unwrap();
        let found = policy::evaluate(&p, &violating());
        assert_eq!(found.len(), 1, "{rule:?}: {found:#?}");
        assert_eq!(found[0].id, rule.finding_id());
        assert_eq!(found[0].severity, High);
    }
}

#[test]
fn policy_clients_missing_from_simulation_and_unknown_ids() {
    let p = policy::parse("clients_must_connect = [\"mstsc-win12\"]").unwrap();
    let found = policy::evaluate(&p, &healthy());
    assert_eq!(found.len(), 1);
    assert!(
        found[0].detail.contains("not simulated"),
        "{}",
        found[0].detail
    );
    assert!(p
        .validate_clients(&["mstsc-win10", "freerdp-3"])
        .unwrap_err()
        .contains("mstsc-win12"));
    let mut r = healthy();
    r.clients.clear();
    assert!(matches!(
        policy::check(&p, Rule::ClientsMustConnect, &r),
        Check::Skipped(_)
    ));
}

#[test]
fn policy_rules_that_cannot_be_checked_give_no_findings() {
    let p = policy::parse(FULL_POLICY).unwrap();
    let r = unreachable(Step::Connect, ErrorKind::Timeout, "no answer");
    assert!(policy::evaluate(&p, &r).is_empty());
    for rule in p.rules() {
        assert!(
            matches!(policy::check(&p, rule, &r), Check::Skipped(_)),
            "{rule:?}"
        );
    }
    // TLS failed: negotiation rules still apply, TLS and certificate rules are skipped.
    let mut r = violating();
    r.status = Status::Error;
    r.error = Some(ScanError::new(
        Step::Tls,
        ErrorKind::Protocol,
        "handshake failed",
    ));
    r.tls = None;
    r.certificate = None;
    r.clients.clear();
    let ids: Vec<String> = policy::evaluate(&p, &r)
        .into_iter()
        .map(|f| f.id.to_string())
        .collect();
    assert_eq!(
        ids,
        vec!["policy-require-nla", "policy-forbid-standard-rdp-security"]
    );
}

#[test]
fn policy_min_tls_version_when_nothing_new_enough_is_offered() {
    let p = policy::parse("min_tls_version = \"TLS1.2\"").unwrap();
    let mut r = healthy();
    r.tls = Some(tls(&[("TLS1.0", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")]));
    let f = &policy::evaluate(&p, &r)[0];
    assert!(f.detail.contains("accepts none of them"), "{}", f.detail);
    assert!(f.fix.as_deref().unwrap().contains("TLS 1.2\\Server"));
}

#[test]
fn policy_apply_merges_and_sorts() {
    let p = policy::parse("severity = \"critical\"\nrequire_nla = true").unwrap();
    let mut r = violating();
    r.findings = findings::evaluate(&r, &opts(30));
    policy::apply(&p, &mut r);
    policy::apply(&p, &mut r);
    assert_eq!(r.findings[0].id.as_str(), "policy-require-nla");
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| f.id.as_str().starts_with("policy-"))
            .count(),
        1
    );
}
