//! Checking a policy's rules against a scan result: each violated rule is a `policy-*` finding, worded by the
//! catalogue.

use super::{Policy, Rule};
use crate::analysis::catalogue::{self, Vars};
use crate::analysis::findings::{joined, standard_rdp_evidence, supported_versions};
use crate::analysis::suites;
use crate::model::{Finding, Mode, Nla, RuleOutcome, RuleResult, Status, SuiteEntry, TargetReport};
use crate::wire::tls::SuiteInfo;

/// The outcome of one rule for one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The rule cannot be checked on this report; the reason.
    Skipped(String),
    Passed,
    Violated(Finding),
}

/// Every violated rule, as findings.
pub fn evaluate(policy: &Policy, report: &TargetReport) -> Vec<Finding> {
    policy
        .rules()
        .into_iter()
        .filter_map(|r| match check(policy, r, report) {
            Check::Violated(f) => Some(f),
            _ => None,
        })
        .collect()
}

/// Checks every rule of the policy on the report: records each rule's outcome in `report.policy`, and adds the
/// violations to the findings, keeping their order (most severe first, then by id).
pub fn apply(policy: &Policy, report: &mut TargetReport) {
    report.findings.retain(|f| Rule::of_finding(f.id).is_none());
    let mut results = Vec::new();
    let mut found = Vec::new();
    for rule in policy.rules() {
        let (outcome, reason) = match check(policy, rule, report) {
            Check::Passed => (RuleOutcome::Passed, None),
            Check::Skipped(why) => (RuleOutcome::Skipped, Some(why)),
            Check::Violated(f) => {
                found.push(f);
                (RuleOutcome::Violated, None)
            }
        };
        results.push(RuleResult {
            rule,
            outcome,
            reason,
        });
    }
    report.policy = results;
    report.findings.append(&mut found);
    report
        .findings
        .sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
}

fn violated(policy: &Policy, rule: Rule, variant: Option<&str>, vars: Vars) -> Check {
    Check::Violated(catalogue::finding(
        rule.finding_id(),
        policy.severity,
        variant,
        &vars,
    ))
}

/// Accepted suites that `what` picks: `(entry, what matched)`.
fn matching_suites(
    report: &TargetReport,
    what: impl Fn(&SuiteEntry, Option<&SuiteInfo>) -> Option<String>,
) -> Vec<(&SuiteEntry, String)> {
    report
        .tls
        .iter()
        .flat_map(|t| &t.cipher_suites)
        .filter_map(|s| what(s, suites::info(s)).map(|m| (s, m)))
        .collect()
}

fn list_suites(items: &[(&SuiteEntry, String)], show_match: bool) -> String {
    items
        .iter()
        .map(|(s, m)| {
            if show_match {
                format!("{} {} [{m}]", s.version, s.suite.name())
            } else {
                format!("{} {}", s.version, s.suite.name())
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn disable_commands(items: &[(&SuiteEntry, String)]) -> String {
    let mut names: Vec<String> = Vec::new();
    for (s, _) in items {
        if !names.contains(&s.suite.name()) {
            names.push(s.suite.name());
        }
    }
    names
        .iter()
        .map(|n| format!("`Disable-TlsCipherSuite -Name {n}`"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks one rule against one target. A rule about the versions and suites a server accepts cannot pass on a
/// partial enumeration (quick mode, or hellos that failed): a violation seen is reported, a pass is not claimed.
pub fn check(policy: &Policy, rule: Rule, report: &TargetReport) -> Check {
    let needs_enumeration = matches!(
        rule,
        Rule::MinTlsVersion | Rule::ForbiddenSuites | Rule::ForbiddenClasses
    );
    match check_rule(policy, rule, report) {
        Check::Passed if needs_enumeration && report.mode == Mode::Quick => Check::Skipped(
            "quick mode does not enumerate versions and suites: a pass cannot be claimed".into(),
        ),
        Check::Passed if needs_enumeration && !report.complete => Check::Skipped(
            "the enumeration did not finish (see tls.anomalies): a pass cannot be claimed".into(),
        ),
        other => other,
    }
}

fn check_rule(policy: &Policy, rule: Rule, report: &TargetReport) -> Check {
    if report.status == Status::Unreachable {
        return Check::Skipped("the target could not be scanned".into());
    }
    let tls = report
        .tls
        .as_ref()
        .filter(|t| !supported_versions(t).is_empty());
    match rule {
        Rule::MinTlsVersion => {
            let Some(min) = policy.min_tls_version else {
                return Check::Passed;
            };
            let Some(t) = tls else {
                return Check::Skipped("no TLS version was negotiated".into());
            };
            let supported = supported_versions(t);
            let older: Vec<_> = supported.iter().copied().filter(|v| *v < min).collect();
            if older.is_empty() {
                return Check::Passed;
            }
            let none_newer = supported.iter().all(|v| *v < min);
            violated(
                policy,
                rule,
                none_newer.then_some("none-newer"),
                Vars::new()
                    .set("min", min)
                    .set("older", joined(&older))
                    .set("supported", joined(&supported))
                    .passage("none_newer", none_newer.then_some("policy-none-newer")),
            )
        }
        Rule::ForbiddenSuites => {
            if tls.is_none() {
                return Check::Skipped("no TLS report".into());
            }
            let hits = matching_suites(report, |s, _| {
                policy.forbidden_suites.contains(&s.suite).then(String::new)
            });
            if hits.is_empty() {
                return Check::Passed;
            }
            violated(
                policy,
                rule,
                None,
                Vars::new()
                    .set("count", hits.len())
                    .set("suites", list_suites(&hits, false))
                    .set("commands", disable_commands(&hits)),
            )
        }
        Rule::ForbiddenClasses => {
            if tls.is_none() {
                return Check::Skipped("no TLS report".into());
            }
            let hits = matching_suites(report, |_, info| {
                let info = info?;
                let classes: Vec<&str> = policy
                    .forbidden_classes
                    .iter()
                    .filter(|c| c.matches(info))
                    .map(|c| c.policy_name())
                    .collect();
                (!classes.is_empty()).then(|| classes.join(", "))
            });
            if hits.is_empty() {
                return Check::Passed;
            }
            let classes: Vec<_> = policy
                .forbidden_classes
                .iter()
                .copied()
                .filter(|c| {
                    hits.iter()
                        .any(|(s, _)| suites::info(s).is_some_and(|i| c.matches(i)))
                })
                .collect();
            let names: Vec<&str> = classes.iter().map(|c| c.policy_name()).collect();
            violated(
                policy,
                rule,
                None,
                Vars::new()
                    .set("count", hits.len())
                    .set("classes", names.join(", "))
                    .set("suites", list_suites(&hits, true))
                    .set("commands", disable_commands(&hits))
                    .passage(
                        "forward_secrecy",
                        classes
                            .contains(&suites::SuiteClass::NoFs)
                            .then_some("policy-fix-forward-secrecy"),
                    ),
            )
        }
        Rule::MinDaysLeft => {
            let Some(min) = policy.min_days_left else {
                return Check::Passed;
            };
            let Some(c) = &report.certificate else {
                return Check::Skipped("no certificate was read".into());
            };
            if c.days_left >= min {
                return Check::Passed;
            }
            violated(
                policy,
                rule,
                None,
                crate::analysis::findings::cert_vars(c)
                    .set("min", min)
                    .set("days", c.days_left)
                    .passage("expired", c.expired.then_some("policy-expired")),
            )
        }
        Rule::RequireNla => {
            let Some(neg) = &report.negotiation else {
                return Check::Skipped("no RDP negotiation result".into());
            };
            if neg.nla == Nla::Required {
                return Check::Passed;
            }
            let without = neg.accepted_without_credssp();
            violated(
                policy,
                rule,
                (neg.nla == Nla::Unsupported).then_some("unsupported"),
                Vars::new()
                    .set("nla", nla_name(neg.nla))
                    .set("without", without.join(", "))
                    .passage("legacy", neg.legacy_server.then_some("policy-nla-legacy"))
                    .passage(
                        "nla_detail",
                        Some(if without.is_empty() {
                            "policy-nla-none"
                        } else {
                            "policy-nla-without"
                        }),
                    ),
            )
        }
        Rule::ClientsMustConnect => {
            if report.clients.is_empty() {
                return Check::Skipped("no client simulation".into());
            }
            let mut bad = Vec::new();
            for id in &policy.clients_must_connect {
                match report.clients.iter().find(|c| &c.id == id) {
                    None => bad.push(format!(
                        "{id}: not simulated (no client profile with this id)"
                    )),
                    Some(c) if !c.connects => bad.push(format!(
                        "{} ({id}): {}",
                        c.name,
                        c.reason.as_deref().unwrap_or("cannot connect")
                    )),
                    Some(_) => {}
                }
            }
            if bad.is_empty() {
                return Check::Passed;
            }
            violated(
                policy,
                rule,
                None,
                Vars::new()
                    .set("count", bad.len())
                    .set("clients", bad.join("; ")),
            )
        }
        Rule::ForbidStandardRdpSecurity => {
            let Some(neg) = &report.negotiation else {
                return Check::Skipped("no RDP negotiation result".into());
            };
            if !neg.standard_rdp_security {
                return Check::Passed;
            }
            violated(
                policy,
                rule,
                None,
                Vars::new().set("evidence", standard_rdp_evidence(neg)),
            )
        }
    }
}

fn nla_name(nla: Nla) -> &'static str {
    match nla {
        Nla::Required => "required",
        Nla::Supported => "supported",
        Nla::Unsupported => "unsupported",
    }
}
