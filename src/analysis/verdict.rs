//! The verdict: who cannot connect, how bad it is, and one sentence a reader acts on. Built from the client
//! outcomes first, then the findings; the words come from the catalogue's `[texts]`.

use super::catalogue::{Catalogue, Vars};
use crate::analysis::policy::Rule;
use crate::model::{
    ClientFailure, ClientResult, ProtocolVersion, Severity, Status, TargetReport, Verdict,
    VerdictOutcome,
};

/// How severe it is that the clients `failing` cannot connect: critical when they include every current mstsc
/// (Windows' own client, on a supported release), high when they include a current client, medium when they are
/// all legacy clients.
pub fn lockout_severity(clients: &[ClientResult], failing: &[&ClientResult]) -> Severity {
    let mut current_mstsc = clients.iter().filter(|c| c.current && c.mstsc).peekable();
    let all_mstsc_fail = current_mstsc.peek().is_some()
        && current_mstsc.all(|c| failing.iter().any(|f| f.id == c.id));
    if all_mstsc_fail {
        Severity::Critical
    } else if failing.iter().any(|c| c.current) {
        Severity::High
    } else {
        Severity::Medium
    }
}

/// The verdict on a report whose findings are complete.
pub fn verdict(report: &TargetReport, server_versions: &[ProtocolVersion]) -> Verdict {
    let catalogue = Catalogue::builtin();
    let text = |key: &'static str, vars: Vars| catalogue.render(&format!("{{{{{key}}}}}"), &vars);
    let severity = report.findings.iter().map(|f| f.severity).max();
    let failing: Vec<&ClientResult> = report.clients.iter().filter(|c| !c.connects).collect();
    let clients_failing = failing.iter().map(|c| c.id.clone()).collect();
    let worst = |policy: bool| {
        report
            .findings
            .iter()
            .filter(|f| Rule::of_finding(f.id).is_some() == policy)
            .max_by_key(|f| f.severity)
    };
    let (outcome, summary) = match report.status {
        Status::Unreachable => (
            VerdictOutcome::Unreachable,
            text(
                "verdict-unreachable",
                Vars::new().set(
                    "error",
                    report
                        .error
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                ),
            ),
        ),
        Status::Error => (
            VerdictOutcome::ScanFailed,
            text(
                "verdict-scan-failed",
                Vars::new().set(
                    "error",
                    report
                        .error
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                ),
            ),
        ),
        // Clients locked out, and nothing worse than that lockout: the lockout is the verdict.
        Status::Ok
            if !failing.is_empty()
                && worst(false)
                    .is_none_or(|f| f.severity <= lockout_severity(&report.clients, &failing)) =>
        {
            (
                VerdictOutcome::ConnectionsFail,
                lockout_sentence(catalogue, &failing, server_versions),
            )
        }
        Status::Ok => match (worst(false), worst(true)) {
            (Some(f), _) if f.severity >= Severity::Critical => {
                (VerdictOutcome::ConnectionsFail, f.title.clone())
            }
            (Some(f), _) if f.severity >= Severity::High => {
                (VerdictOutcome::AtRisk, f.title.clone())
            }
            (Some(f), _) if f.severity >= Severity::Medium => {
                (VerdictOutcome::Weaknesses, f.title.clone())
            }
            (_, Some(p)) => (VerdictOutcome::PolicyViolated, p.title.clone()),
            _ => (VerdictOutcome::Ok, text("verdict-ok", Vars::new())),
        },
    };
    Verdict {
        severity,
        outcome,
        summary,
        clients_failing,
    }
}

/// "mstsc on Windows 10 22H2 and Windows 11 cannot connect: the server offers only TLS1.3", one clause per
/// reason, naming the clients that matter most (the current ones when any fail), the most common reason first.
fn lockout_sentence(
    catalogue: &Catalogue,
    failing: &[&ClientResult],
    server_versions: &[ProtocolVersion],
) -> String {
    let current: Vec<&ClientResult> = failing.iter().copied().filter(|c| c.current).collect();
    let named = if current.is_empty() {
        failing.to_vec()
    } else {
        current
    };
    // The named clients grouped by why they fail, largest group first (ties: first seen).
    let mut groups: Vec<(Option<ClientFailure>, Vec<&ClientResult>)> = Vec::new();
    for c in &named {
        match groups.iter_mut().find(|(f, _)| *f == c.failure) {
            Some((_, list)) => list.push(c),
            None => groups.push((c.failure, vec![c])),
        }
    }
    groups.sort_by_key(|(_, list)| std::cmp::Reverse(list.len()));
    let versions: Vec<String> = server_versions.iter().map(ToString::to_string).collect();
    let clauses: Vec<String> = groups
        .iter()
        .map(|(failure, clients)| {
            let vars = Vars::new()
                .set("clients", who(clients))
                .set(
                    "server_versions",
                    and_list(&versions.iter().map(String::as_str).collect::<Vec<_>>()),
                )
                .passage("why", Some(why_key(*failure, !versions.is_empty())));
            let mut clause = catalogue.render("{{verdict-cannot-connect}}", &vars);
            clause.push_str(&unverified_note(catalogue, clients, server_versions));
            clause
        })
        .collect();
    clauses.join("; ")
}

/// "mstsc on Windows 10 22H2 and Windows 11 and FreeRDP 3".
fn who(clients: &[&ClientResult]) -> String {
    let mstsc: Vec<&str> = clients
        .iter()
        .filter(|c| c.mstsc)
        .map(|c| c.short_name.as_str())
        .collect();
    let mut names = Vec::new();
    if !mstsc.is_empty() {
        names.push(format!("mstsc on {}", and_list(&mstsc)));
    }
    names.extend(
        clients
            .iter()
            .filter(|c| !c.mstsc)
            .map(|c| c.short_name.clone()),
    );
    and_list(&names.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The catalogue passage that says why, for a failure.
fn why_key(failure: Option<ClientFailure>, versions_known: bool) -> &'static str {
    match failure {
        Some(ClientFailure::NoVersionInCommon) if versions_known => "verdict-why-versions",
        Some(ClientFailure::NoVersionInCommon | ClientFailure::NoSuiteInCommon) => {
            "verdict-why-suites"
        }
        Some(ClientFailure::NoTlsPath) => "verdict-why-no-tls",
        Some(ClientFailure::RsaKeyTooSmall) => "verdict-why-rsa",
        Some(ClientFailure::DhGroupTooSmall) => "verdict-why-dh",
        Some(ClientFailure::SecurityLevel) => "verdict-why-security-level",
        Some(ClientFailure::VersionNotAccepted) => "verdict-why-version-not-accepted",
        Some(ClientFailure::ServerViolation | ClientFailure::SuiteNotOffered) => {
            "verdict-why-violation"
        }
        Some(ClientFailure::SniRefused) => "verdict-why-sni",
        Some(ClientFailure::ClientCertificateRequired) => "verdict-why-client-certificate",
        Some(ClientFailure::RejectedAfterHandshake) => "verdict-why-rejected",
        None => "verdict-why-other",
    }
}

/// For a client that might connect through a version no public source confirms (TLS 1.3 for mstsc on
/// Windows 11), a note that says so.
fn unverified_note(
    catalogue: &Catalogue,
    clients: &[&ClientResult],
    server_versions: &[ProtocolVersion],
) -> String {
    clients
        .iter()
        .filter(|c| c.failure == Some(ClientFailure::NoVersionInCommon))
        .filter_map(|c| {
            let versions: Vec<String> = c
                .unverified_versions
                .iter()
                .filter(|v| server_versions.contains(v))
                .map(ToString::to_string)
                .collect();
            (!versions.is_empty()).then(|| {
                catalogue.render(
                    "{{verdict-unverified}}",
                    &Vars::new()
                        .set("client", &c.short_name)
                        .set("versions", versions.join(", ")),
                )
            })
        })
        .collect()
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_sentences() {
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b"]), "a and b");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }
}
