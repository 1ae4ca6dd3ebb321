//! OpenMetrics text: `--format openmetrics` (a file for node_exporter's textfile collector, each sample labelled
//! with its `target`) and the exporter's `/probe` answer (one target, no `target` label: Prometheus' relabelling
//! supplies it, as with blackbox_exporter). Every family is a gauge; the file ends with `# EOF`.

use std::fmt::Write;

use crate::model::{Report, Status, TargetReport};

/// The content type of the OpenMetrics text format.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Escapes a label value: backslash, double quote and line feed.
pub fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// One metric family: its help and samples (`labels` without braces, and the value).
struct Family {
    name: &'static str,
    help: &'static str,
    samples: Vec<(String, f64)>,
}

/// The families of a target; `base` is a label set (`target="..."`) put first on every sample, or empty.
fn families(t: &TargetReport, base: &str, duration_s: Option<f64>) -> Vec<Family> {
    let join = |extra: String| match (base.is_empty(), extra.is_empty()) {
        (true, _) => extra,
        (false, true) => base.to_string(),
        (false, false) => format!("{base},{extra}"),
    };
    let one = |v: f64| vec![(join(String::new()), v)];
    let mut out = vec![Family {
        name: "rdptls_probe_success",
        help: "1 when the target answered the RDP negotiation and was scanned",
        samples: one(if t.status == Status::Ok { 1.0 } else { 0.0 }),
    }];
    out.push(Family {
        name: "rdptls_probe_duration_seconds",
        help: "How long the scan took",
        samples: one(duration_s.unwrap_or(t.stats.elapsed_ms as f64 / 1000.0)),
    });
    if let Some(c) = &t.certificate {
        let not_after = time::OffsetDateTime::parse(
            &c.not_after,
            &time::format_description::well_known::Rfc3339,
        )
        .ok();
        if let Some(na) = not_after {
            out.push(Family {
                name: "rdptls_cert_not_after_timestamp_seconds",
                help: "The certificate's notAfter, in Unix seconds",
                samples: one(na.unix_timestamp() as f64),
            });
        }
        out.push(Family {
            name: "rdptls_cert_days_left",
            help: "Whole days until the certificate expires; negative once expired",
            samples: one(c.days_left as f64),
        });
    }
    if let Some(tls) = &t.tls {
        out.push(Family {
            name: "rdptls_tls_version_supported",
            help: "1 when the server accepts this TLS version",
            samples: tls
                .versions
                .iter()
                .map(|v| {
                    (
                        join(format!("version=\"{}\"", escape(&v.version.to_string()))),
                        if v.supported { 1.0 } else { 0.0 },
                    )
                })
                .collect(),
        });
    }
    if let Some(n) = &t.negotiation {
        out.push(Family {
            name: "rdptls_nla_required",
            help: "1 when every request without CredSSP (NLA) is refused",
            samples: one(if n.nla == crate::model::Nla::Required {
                1.0
            } else {
                0.0
            }),
        });
    }
    if let Some(v) = t.credssp.as_ref().and_then(|c| c.version) {
        out.push(Family {
            name: "rdptls_credssp_version",
            help: "The server's CredSSP (TSRequest) version; below 5 lacks the CVE-2018-0886 fix",
            samples: one(f64::from(v)),
        });
    }
    if !t.clients.is_empty() {
        out.push(Family {
            name: "rdptls_client_connects",
            help: "1 when the simulated client connects",
            samples: t
                .clients
                .iter()
                .map(|c| {
                    (
                        join(format!("client=\"{}\"", escape(&c.id))),
                        if c.connects { 1.0 } else { 0.0 },
                    )
                })
                .collect(),
        });
    }
    out.push(Family {
        name: "rdptls_finding",
        help: "1 for each finding, by id and severity",
        samples: t
            .findings
            .iter()
            .map(|f| {
                (
                    join(format!(
                        "id=\"{}\",severity=\"{}\"",
                        escape(f.id.as_str()),
                        f.severity.as_str()
                    )),
                    1.0,
                )
            })
            .collect(),
    });
    out
}

/// A value as the text format spells it.
fn value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Writes families that share names (one per target) grouped by name: each family's metadata once.
fn write(all: Vec<Vec<Family>>) -> String {
    let mut out = String::new();
    let mut names: Vec<(&'static str, &'static str)> = Vec::new();
    for fams in &all {
        for f in fams {
            if !names.iter().any(|(n, _)| *n == f.name) {
                names.push((f.name, f.help));
            }
        }
    }
    for (name, help) in names {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} gauge");
        for f in all.iter().flatten().filter(|f| f.name == name) {
            for (labels, v) in &f.samples {
                if labels.is_empty() {
                    let _ = writeln!(out, "{name} {}", value(*v));
                } else {
                    let _ = writeln!(out, "{name}{{{labels}}} {}", value(*v));
                }
            }
        }
    }
    out.push_str("# EOF\n");
    out
}

/// The metrics of one probe (`/probe`): no `target` label.
pub fn render_probe(t: &TargetReport, duration_s: f64) -> String {
    write(vec![families(t, "", Some(duration_s))])
}

/// The metrics of every target of a report, each sample labelled `target="..."` (the textfile collector).
pub fn render_file(report: &Report) -> String {
    write(
        report
            .targets
            .iter()
            .map(|t| families(t, &format!("target=\"{}\"", escape(&t.target)), None))
            .collect(),
    )
}
