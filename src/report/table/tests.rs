use super::*;
use crate::model::{Finding, Stats, Status};

fn target(findings: Vec<Finding>) -> TargetReport {
    TargetReport {
        target: "rdp01".into(),
        address: Some("192.0.2.1:3389".into()),
        status: Status::Ok,
        verdict: None,
        complete: true,
        mode: crate::model::Mode::Full,
        error: None,
        negotiation: None,
        tls: None,
        certificate: None,
        credssp: None,
        clients: Vec::new(),
        findings,
        policy: Vec::new(),
        cut_short: None,
        rdp_security: None,
        mcs: None,
        stage_errors: Vec::new(),
        stage: None,
        connection_limits: None,
        stats: Stats::default(),
    }
}

fn finding(id: FindingId, severity: Severity, fix: &str) -> Finding {
    Finding {
        id,
        severity,
        title: format!("title of {id}"),
        detail: "detail".into(),
        client_error: None,
        fix: Some(fix.into()),
    }
}

#[test]
fn a_fix_shared_by_two_findings_is_printed_once() {
    let fix = "1. Delete the stale certificate: `Get-ChildItem x | Remove-Item`. 2. Restart.";
    let t = target(vec![
        finding(FindingId::CertExpired, Severity::Critical, fix),
        finding(FindingId::CertRenewalFailed, Severity::High, fix),
    ]);
    for verbose in [false, true] {
        let out = render_target(
            &t,
            &Layout {
                verbose,
                ..Layout::default()
            },
        );
        assert_eq!(out.matches("Delete the stale").count(), 1, "{out}");
        assert!(out.contains("Fix: as for cert-expired, above."), "{out}");
    }
}

#[test]
fn the_verdict_opens_and_closes_the_report() {
    let t = target(vec![finding(
        FindingId::CertExpired,
        Severity::Critical,
        "x",
    )]);
    let out = render_target(&t, &Layout::default());
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[1].starts_with("Verdict: CONNECTIONS FAIL (critical)"),
        "{out}"
    );
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("Verdict for rdp01: CONNECTIONS FAIL (critical)"),
        "{out}"
    );
}

#[test]
fn info_findings_only_in_the_verbose_report() {
    let t = target(vec![finding(
        FindingId::RefusedSslRequired,
        Severity::Info,
        "x",
    )]);
    let short = render_target(&t, &Layout::default());
    assert!(!short.contains("refused-ssl-required"), "{short}");
    assert!(short.contains("and 1 info finding (-v shows it)."));
    let long = render_target(
        &t,
        &Layout {
            verbose: true,
            ..Layout::default()
        },
    );
    assert!(long.contains("(refused-ssl-required)"), "{long}");
}
