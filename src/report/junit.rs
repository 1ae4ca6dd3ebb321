//! The JUnit XML report (`--junit`): one `<testsuite>` per target, one `<testcase>` per check, for CI systems
//! that show test results.
//!
//! Testcases of a target, in order:
//! - `reachability`: an `<error>` when the target could not be scanned (unreachable, or the scan failed), the
//!   same condition as exit code 3;
//! - with a policy: one testcase per rule the policy checks, named after the rule (`min-tls-version`, ...), as the
//!   analysis recorded it in `targets[].policy`: it fails on a violation whatever `fail_on` is, and is
//!   `<skipped>` when the rule could not be checked;
//! - without a policy: one testcase per finding category, `certificate`, `tls`, `security-layer`, `clients` (each
//!   finding's category comes from the catalogue, `data/findings.toml`), that fails when a finding of that
//!   category is at or above `fail_on` (`None`: never), and is `<skipped>` for an unreachable target.
//!
//! A failure's `type` is the highest severity among its findings, its `message` their titles, and its text each
//! finding with detail and fix.

use super::describe_finding;
use crate::analysis::catalogue;
use crate::analysis::policy::Policy;
use crate::model::{Category, Finding, Report, RuleOutcome, Severity, Status, TargetReport};

/// The category of a finding, from the catalogue.
fn category(f: &Finding) -> Option<Category> {
    catalogue::category(f.id)
}

enum Outcome {
    Passed,
    Failure {
        message: String,
        kind: String,
        text: String,
    },
    Error {
        message: String,
        kind: String,
        text: String,
    },
    Skipped(String),
}

struct Case {
    name: String,
    classname: String,
    outcome: Outcome,
}

/// Renders the report as JUnit XML. `fail_on` is `--fail-on` (`None` for `none`); policy rules fail on any
/// violation.
pub fn render(report: &Report, policy: Option<&Policy>, fail_on: Option<Severity>) -> String {
    let suites: Vec<(&TargetReport, Vec<Case>)> = report
        .targets
        .iter()
        .map(|t| (t, cases(t, policy, fail_on)))
        .collect();
    let count = |f: fn(&Outcome) -> bool| -> usize {
        suites
            .iter()
            .flat_map(|(_, c)| c)
            .filter(|c| f(&c.outcome))
            .count()
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"rdptls\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\">\n",
        suites.iter().map(|(_, c)| c.len()).sum::<usize>(),
        count(|o| matches!(o, Outcome::Failure { .. })),
        count(|o| matches!(o, Outcome::Error { .. })),
        count(|o| matches!(o, Outcome::Skipped(_))),
        seconds(report.stats.elapsed_ms),
    ));
    for (t, cases) in &suites {
        let n = |f: fn(&Outcome) -> bool| cases.iter().filter(|c| f(&c.outcome)).count();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\"{}>\n",
            escape_attr(&t.target),
            cases.len(),
            n(|o| matches!(o, Outcome::Failure { .. })),
            n(|o| matches!(o, Outcome::Error { .. })),
            n(|o| matches!(o, Outcome::Skipped(_))),
            seconds(t.stats.elapsed_ms),
            t.address
                .as_deref()
                .map(|a| format!(" hostname=\"{}\"", escape_attr(a)))
                .unwrap_or_default(),
        ));
        out.push_str("    <properties>\n");
        property(&mut out, "address", t.address.as_deref().unwrap_or(""));
        property(&mut out, "status", status_name(t.status));
        if let Some(p) = policy {
            property(&mut out, "policy-severity", p.severity.as_str());
        }
        property(
            &mut out,
            "fail-on",
            fail_on.map(Severity::as_str).unwrap_or("none"),
        );
        out.push_str("    </properties>\n");
        for c in cases {
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\" time=\"0\"",
                escape_attr(&c.name),
                escape_attr(&c.classname)
            ));
            match &c.outcome {
                Outcome::Passed => out.push_str("/>\n"),
                Outcome::Skipped(why) => out.push_str(&format!(
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    escape_attr(why)
                )),
                Outcome::Failure {
                    message,
                    kind,
                    text,
                } => out.push_str(&format!(
                    ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                    escape_attr(message),
                    escape_attr(kind),
                    escape(text)
                )),
                Outcome::Error {
                    message,
                    kind,
                    text,
                } => out.push_str(&format!(
                    ">\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>\n",
                    escape_attr(message),
                    escape_attr(kind),
                    escape(text)
                )),
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn property(out: &mut String, name: &str, value: &str) {
    out.push_str(&format!(
        "      <property name=\"{}\" value=\"{}\"/>\n",
        escape_attr(name),
        escape_attr(value)
    ));
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Ok => "ok",
        Status::Unreachable => "unreachable",
        Status::Error => "error",
    }
}

fn cases(t: &TargetReport, policy: Option<&Policy>, fail_on: Option<Severity>) -> Vec<Case> {
    let mut out = vec![Case {
        name: "reachability".into(),
        classname: "rdptls.reachability".into(),
        outcome: reachability(t),
    }];
    let unscanned = t.status == Status::Unreachable;
    match policy {
        Some(_) => {
            for r in &t.policy {
                let outcome = match r.outcome {
                    RuleOutcome::Passed => Outcome::Passed,
                    RuleOutcome::Skipped => Outcome::Skipped(r.reason.clone().unwrap_or_default()),
                    RuleOutcome::Violated => {
                        let id = r.rule.finding_id();
                        let hits: Vec<&Finding> =
                            t.findings.iter().filter(|f| f.id == id).collect();
                        failure(&hits)
                    }
                };
                out.push(Case {
                    name: r.rule.name(),
                    classname: "rdptls.policy".into(),
                    outcome,
                });
            }
        }
        None => {
            for cat in Category::CHECKED {
                let outcome = if unscanned {
                    Outcome::Skipped("the target could not be scanned".into())
                } else {
                    let hits: Vec<&Finding> = t
                        .findings
                        .iter()
                        .filter(|f| category(f) == Some(cat))
                        .filter(|f| fail_on.is_some_and(|level| f.severity >= level))
                        .collect();
                    if hits.is_empty() {
                        Outcome::Passed
                    } else {
                        failure(&hits)
                    }
                };
                out.push(Case {
                    name: cat.to_string(),
                    classname: format!("rdptls.{cat}"),
                    outcome,
                });
            }
        }
    }
    out
}

fn reachability(t: &TargetReport) -> Outcome {
    if t.status == Status::Ok {
        return Outcome::Passed;
    }
    let message = t
        .error
        .as_ref()
        .map(|e| e.to_string())
        .unwrap_or_else(|| format!("the scan ended with status {}", status_name(t.status)));
    let mut text = message.clone();
    for f in t
        .findings
        .iter()
        .filter(|f| category(f) == Some(Category::Reachability))
    {
        text.push_str("\n\n");
        text.push_str(&describe_finding(f, ""));
    }
    Outcome::Error {
        message,
        kind: status_name(t.status).into(),
        text,
    }
}

fn failure(findings: &[&Finding]) -> Outcome {
    let worst = findings
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Info);
    let titles: Vec<&str> = findings.iter().map(|f| f.title.as_str()).collect();
    Outcome::Failure {
        message: titles.join("; "),
        kind: worst.as_str().into(),
        text: findings
            .iter()
            .map(|f| describe_finding(f, ""))
            .collect::<Vec<_>>()
            .join("\n\n"),
    }
}

/// Escapes text for XML content and attributes (`&`, `<`, `>`, `"`, `'`); characters XML 1.0 cannot carry become
/// U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// [`escape`] for attribute values, which keeps line breaks and tabs as character references (a parser turns
/// literal ones into spaces).
pub fn escape_attr(text: &str) -> String {
    escape(text)
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("a<b>&\"c'\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}"
        );
    }

    #[test]
    fn categories_come_from_the_catalogue() {
        use crate::model::FindingId;
        let of = catalogue::category;
        assert_eq!(of(FindingId::CertExpired), Some(Category::Certificate));
        assert_eq!(of(FindingId::WeakCipher), Some(Category::Tls));
        assert_eq!(
            of(FindingId::RefusedSslRequired),
            Some(Category::SecurityLayer)
        );
        assert_eq!(of(FindingId::ClientIncompatible), Some(Category::Clients));
        assert_eq!(
            of(FindingId::TargetUnreachable),
            Some(Category::Reachability)
        );
        assert_eq!(of(FindingId::PolicyRequireNla), Some(Category::Policy));
    }
}
