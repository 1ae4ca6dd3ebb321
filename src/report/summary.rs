//! The facts of a host in one line (verdict, days left, TLS versions, NLA, failing clients), and the fleet summary
//! that closes the table: one line per host, in the order given, fitted to the width.

use super::text::{self, Layout};
use crate::analysis::verdict::{self, Summary};
use crate::model::{Nla, Report, TargetReport};

/// The facts of one summary line, shared by the table's fleet summary and other formats.
pub struct HostFacts {
    pub summary: Summary,
    /// Whole days left on the certificate (negative once expired).
    pub days_left: Option<i64>,
    /// The TLS versions the server accepts, oldest first.
    pub versions: Vec<String>,
    pub nla: Option<Nla>,
    /// The ids of the clients that fail.
    pub failing: Vec<String>,
    pub clients: usize,
}

impl HostFacts {
    pub fn of(t: &TargetReport) -> Self {
        Self {
            summary: verdict::summary(t),
            days_left: t.certificate.as_ref().map(|c| c.days_left),
            versions: t
                .tls
                .iter()
                .flat_map(|tls| &tls.versions)
                .filter(|v| v.supported)
                .map(|v| v.version.to_string())
                .collect(),
            nla: t.negotiation.as_ref().map(|n| n.nla),
            failing: t
                .clients
                .iter()
                .filter(|c| !c.connects)
                .map(|c| c.id.clone())
                .collect(),
            clients: t.clients.len(),
        }
    }
}

/// The NLA state in one word.
pub fn nla_word(nla: Option<Nla>) -> &'static str {
    match nla {
        Some(Nla::Required) => "required",
        Some(Nla::Supported) => "optional",
        Some(Nla::Unsupported) => "none",
        None => "-",
    }
}

/// The fleet summary: one line per host, in the order given.
pub fn render(report: &Report, layout: &Layout) -> String {
    let hosts: Vec<(String, HostFacts)> = report
        .targets
        .iter()
        .map(|t| (t.target.clone(), HostFacts::of(t)))
        .collect();
    render_facts(&hosts, layout)
}

/// The fleet summary from each host's facts: what a streamed table keeps of a target once it is printed.
pub fn render_facts(hosts: &[(String, HostFacts)], layout: &Layout) -> String {
    let mut out = format!(
        "{}\n",
        layout.bold(&format!("Summary: {} hosts", hosts.len()))
    );
    let host_w = hosts
        .iter()
        .map(|(t, _)| text::width(t))
        .max()
        .unwrap_or(4)
        .clamp(4, 28);
    let verdict_w = 16;
    out.push_str(&format!(
        "  {:<host_w$} {:<verdict_w$} {:>5}  {:<15} {:<8} failing clients\n",
        "host", "verdict", "days", "TLS", "NLA"
    ));
    for (target, f) in hosts {
        let words = f.summary.verdict.label();
        let painted = layout.verdict(f.summary.verdict, &format!("{words:<verdict_w$}"));
        let days = f
            .days_left
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into());
        let versions = if f.versions.is_empty() {
            "-".to_string()
        } else {
            f.versions
                .iter()
                .map(|v| v.trim_start_matches("TLS"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let line = format!(
            "  {:<host_w$} {painted} {days:>5}  {versions:<15} {:<8} ",
            target,
            nla_word(f.nla)
        );
        // The failing clients take what is left of the line: the count, then as many ids as fit.
        let room = layout.columns().saturating_sub(text::width(&line));
        let failing = if f.clients == 0 {
            "-".to_string()
        } else {
            let mut s = format!("{} of {}", f.failing.len(), f.clients);
            for (i, id) in f.failing.iter().enumerate() {
                let more = f.failing.len() - i - 1;
                let tail = if more > 0 {
                    format!(", +{more}")
                } else {
                    String::new()
                };
                let sep = if i == 0 { ": " } else { ", " };
                if text::width(&s) + sep.len() + id.len() + tail.len() > room {
                    if i > 0 {
                        s.push_str(&format!(", +{}", f.failing.len() - i));
                    }
                    break;
                }
                s.push_str(sep);
                s.push_str(id);
            }
            s
        };
        out.push_str(&line);
        out.push_str(&failing);
        out.push('\n');
    }
    out
}
