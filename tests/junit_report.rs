//! The JUnit report (`--junit`): its structure and counts, categories from the catalogue, policy rules as test
//! cases, and escaping of what servers send.

mod reports;

use rdptls::analysis::findings;
use rdptls::analysis::policy;
use rdptls::model::{Report, Severity, Stats};
use rdptls::report::junit;
use reports::*;

use Severity::*;

fn attr<'a>(n: &roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    n.attribute(name)
        .unwrap_or_else(|| panic!("no {name} on {n:?}"))
}

fn count_attr(n: &roxmltree::Node, name: &str) -> usize {
    attr(n, name).parse().unwrap()
}

/// Checks the count attributes of every suite and of the root against the elements; returns the suites.
fn check_counts<'a, 'i>(doc: &'a roxmltree::Document<'i>) -> Vec<roxmltree::Node<'a, 'i>> {
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let mut totals = [0usize; 4];
    for s in &suites {
        let cases: Vec<_> = s
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        let has = |tag: &str| {
            cases
                .iter()
                .filter(|c| c.children().any(|x| x.has_tag_name(tag)))
                .count()
        };
        let counts = [cases.len(), has("failure"), has("error"), has("skipped")];
        for (i, name) in ["tests", "failures", "errors", "skipped"]
            .iter()
            .enumerate()
        {
            assert_eq!(
                count_attr(s, name),
                counts[i],
                "{name} of {}",
                attr(s, "name")
            );
            totals[i] += counts[i];
        }
    }
    for (i, name) in ["tests", "failures", "errors", "skipped"]
        .iter()
        .enumerate()
    {
        assert_eq!(count_attr(&root, name), totals[i], "total {name}");
    }
    suites
}

fn case_outcome<'a>(
    suite: &roxmltree::Node<'a, '_>,
    name: &str,
) -> Option<(String, Option<String>)> {
    let case = suite
        .children()
        .find(|c| c.has_tag_name("testcase") && c.attribute("name") == Some(name))
        .unwrap_or_else(|| panic!("no testcase {name}"));
    case.children().find(|c| c.is_element()).map(|e| {
        (
            e.tag_name().name().to_string(),
            e.attribute("type").map(str::to_string),
        )
    })
}

#[test]
fn junit_without_policy_has_a_case_per_category() {
    let xml = junit::render(&fleet(), None, Some(High));
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let suites = check_counts(&doc);
    assert_eq!(suites.len(), 2);
    let (ok, down) = (&suites[0], &suites[1]);
    assert_eq!(attr(ok, "name"), "a<b>&\"c'");
    let names: Vec<&str> = ok
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| attr(&n, "name"))
        .collect();
    assert_eq!(
        names,
        vec![
            "reachability",
            "certificate",
            "tls",
            "security-layer",
            "clients"
        ]
    );
    assert_eq!(case_outcome(ok, "reachability"), None);
    // cert-expiring (5 days) is high; standard-rdp-security is high; client-incompatible is high.
    assert_eq!(
        case_outcome(ok, "certificate"),
        Some(("failure".into(), Some("high".into())))
    );
    assert_eq!(
        case_outcome(ok, "security-layer"),
        Some(("failure".into(), Some("high".into())))
    );
    assert_eq!(
        case_outcome(ok, "clients"),
        Some(("failure".into(), Some("high".into())))
    );
    // tls12-disabled is absent (TLS 1.2 is offered); weak-cipher and no-forward-secrecy are medium.
    assert_eq!(case_outcome(ok, "tls"), None);
    let failure = ok
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(failure.text().unwrap().contains("Fix: "));

    assert_eq!(attr(down, "errors"), "1");
    assert_eq!(
        case_outcome(down, "reachability"),
        Some(("error".into(), Some("unreachable".into())))
    );
    let error = down
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .unwrap();
    assert!(attr(&error, "message").contains("connection refused"));
    assert!(error.text().unwrap().contains("fDenyTSConnections"));
    assert_eq!(case_outcome(down, "tls"), Some(("skipped".into(), None)));
}

#[test]
fn junit_fail_on_thresholds() {
    let doc_for = |fail_on| {
        let xml = junit::render(&fleet(), None, fail_on);
        roxmltree::Document::parse(&xml).unwrap();
        xml
    };
    let medium = doc_for(Some(Medium));
    let doc = roxmltree::Document::parse(&medium).unwrap();
    let suites = check_counts(&doc);
    assert_eq!(
        case_outcome(&suites[0], "tls"),
        Some(("failure".into(), Some("medium".into())))
    );
    let none = doc_for(None);
    let doc = roxmltree::Document::parse(&none).unwrap();
    let suites = check_counts(&doc);
    assert_eq!(attr(&suites[0], "failures"), "0");
    assert_eq!(
        attr(&suites[1], "errors"),
        "1",
        "unreachable stays an error"
    );
}

#[test]
fn junit_with_policy_has_a_case_per_rule() {
    let p = policy::parse(FULL_POLICY).unwrap();
    // As a scan with --policy has it: the analysis checked each rule on each target.
    let with_policy = |mut report: Report| {
        for t in &mut report.targets {
            policy::apply(&p, t);
        }
        report
    };
    let xml = junit::render(&with_policy(fleet()), Some(&p), Some(Critical));
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let suites = check_counts(&doc);
    let ok = &suites[0];
    assert_eq!(count_attr(ok, "tests"), 8);
    assert_eq!(
        count_attr(ok, "failures"),
        7,
        "policy rules fail whatever fail_on is"
    );
    assert_eq!(
        case_outcome(ok, "min-tls-version"),
        Some(("failure".into(), Some("medium".into())))
    );
    let down = &suites[1];
    assert_eq!(count_attr(down, "tests"), 8);
    assert_eq!(count_attr(down, "errors"), 1);
    assert_eq!(count_attr(down, "skipped"), 7);

    let healthy_report = with_policy(Report::new(vec![healthy()], Stats::default()));
    let xml = junit::render(&healthy_report, Some(&p), Some(Info));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suites = check_counts(&doc);
    assert_eq!(count_attr(&suites[0], "failures"), 0);
    assert_eq!(count_attr(&suites[0], "tests"), 8);
}

#[test]
fn junit_escapes_control_characters_from_the_server() {
    let mut r = healthy();
    r.certificate.as_mut().unwrap().subject = "CN=evil\u{1}<x>]]>&".into();
    r.certificate.as_mut().unwrap().days_left = 3;
    r.findings = findings::evaluate(&r, &opts(30));
    let report = Report::new(vec![r], Stats::default());
    let xml = junit::render(&report, None, Some(High));
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(failure.text().unwrap().contains("CN=evil\u{FFFD}<x>]]>&"));
}
