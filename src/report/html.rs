//! The HTML report (`--format html`): one self-contained page for a fleet, with no fetch of anything (inline CSS
//! and SVG, no script): summary counts, a certificate-expiry timeline with expired and warning bands, a
//! host-by-client matrix, and each host's findings.

use std::fmt::Write;

use super::summary::{nla_word, HostFacts};
use crate::analysis::verdict::{check_status, CheckStatus, CheckThresholds, Verdict};
use crate::model::{Report, Severity};

/// Escapes text for HTML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Unreachable | Verdict::ScanFailed | Verdict::ConnectionsFail => "crit",
        Verdict::AtRisk => "high",
        Verdict::Weaknesses | Verdict::PolicyViolated => "med",
        Verdict::Ok => "ok",
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}\
.crit{background:#f8d0d0}.high{background:#fbe0c8}.med{background:#fff3c4}.ok{background:#d8f0d8}\
.fails{background:#f8d0d0}.connects{background:#d8f0d8}\
.counts span{display:inline-block;margin-right:1.5em;font-size:1.2em}\
details{margin:.3em 0}summary{cursor:pointer}.sev{font-weight:bold;text-transform:uppercase}\
code,.fix{white-space:pre-wrap}";

/// The page.
pub fn render(report: &Report, th: CheckThresholds) -> String {
    let facts: Vec<HostFacts> = report.targets.iter().map(HostFacts::of).collect();
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>rdptls report</title><style>{STYLE}</style></head><body>\n\
         <h1>rdptls report</h1>\n<p>Generated {} by rdptls {}.</p>\n",
        esc(&report.generated_at),
        esc(&report.tool_version)
    );

    // Summary counts, by check status (the analysis decides it).
    let statuses: Vec<CheckStatus> = report.targets.iter().map(|t| check_status(t, th)).collect();
    let count = |s: CheckStatus| statuses.iter().filter(|x| **x == s).count();
    let _ = write!(
        h,
        "<section id=\"summary\"><h2>Summary</h2><p class=\"counts\">\
         <span id=\"count-hosts\">{} hosts</span><span class=\"crit\" id=\"count-critical\">{} critical</span>\
         <span class=\"high\" id=\"count-warning\">{} warning</span><span class=\"ok\" id=\"count-ok\">{} ok</span></p>\n\
         <table id=\"hosts\"><tr><th>host</th><th>verdict</th><th>days left</th><th>TLS</th><th>NLA</th>\
         <th>failing clients</th></tr>\n",
        report.targets.len(),
        count(CheckStatus::Critical),
        count(CheckStatus::Warning),
        count(CheckStatus::Ok)
    );
    for (i, (t, f)) in report.targets.iter().zip(&facts).enumerate() {
        let _ = writeln!(
            h,
            "<tr class=\"host\"><td><a href=\"#host-{i}\">{}</a></td><td class=\"{}\">{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td></tr>",
            esc(&t.target),
            verdict_class(f.summary.verdict),
            f.summary.verdict.label(),
            f.days_left.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
            esc(&f.versions.join(" ")),
            nla_word(f.nla),
            esc(&f.failing.join(", ")),
        );
    }
    h.push_str("</table></section>\n");

    timeline(&mut h, report, &facts, th);
    matrix(&mut h, report);

    h.push_str("<section id=\"findings\"><h2>Findings by host</h2>\n");
    for (i, t) in report.targets.iter().enumerate() {
        let _ = writeln!(
            h,
            "<article class=\"host-findings\" id=\"host-{i}\"><h3>{} <small>{}</small></h3>",
            esc(&t.target),
            esc(t.address.as_deref().unwrap_or("-"))
        );
        if let Some(e) = &t.error {
            let _ = writeln!(h, "<p class=\"crit\">Error: {}</p>", esc(&e.to_string()));
        }
        if t.findings.is_empty() {
            h.push_str("<p>No findings.</p>\n");
        }
        for f in &t.findings {
            let class = match f.severity {
                Severity::Critical => "crit",
                Severity::High => "high",
                Severity::Medium => "med",
                Severity::Low | Severity::Info => "ok",
            };
            let _ = write!(
                h,
                "<details class=\"finding\"><summary><span class=\"sev {class}\">{}</span> {} <code>{}</code></summary>\
                 <p>{}</p>",
                f.severity.as_str(),
                esc(&f.title),
                f.id,
                esc(&f.detail)
            );
            if let Some(e) = &f.client_error {
                let _ = write!(h, "<p>Clients see: {}</p>", esc(e));
            }
            if let Some(fix) = &f.fix {
                let _ = write!(h, "<p class=\"fix\">Fix: {}</p>", esc(fix));
            }
            h.push_str("</details>\n");
        }
        h.push_str("</article>\n");
    }
    h.push_str("</section>\n</body></html>\n");
    h
}

/// The certificate-expiry timeline: days left on the x axis, a red band before 0 (expired), an amber band from
/// 0 to the warning days, one dot per host with a certificate.
fn timeline(h: &mut String, report: &Report, facts: &[HostFacts], th: CheckThresholds) {
    let days: Vec<i64> = facts.iter().filter_map(|f| f.days_left).collect();
    let lo = days.iter().copied().min().unwrap_or(0).min(-30);
    let hi = days
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
        .max(th.warn_days * 2)
        .max(90);
    let (w, left, right) = (900.0_f64, 170.0_f64, 20.0_f64);
    let row = 22.0_f64;
    let rows = facts
        .iter()
        .filter(|f| f.days_left.is_some())
        .count()
        .max(1);
    let height = 40.0 + row * rows as f64;
    let x = |d: i64| left + (d - lo) as f64 / (hi - lo) as f64 * (w - left - right);
    let _ = write!(
        h,
        "<section id=\"timeline\"><h2>Certificate expiry</h2>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\" \
         role=\"img\" aria-label=\"Days left on each certificate\">\n\
         <rect class=\"band-expired\" x=\"{:.1}\" y=\"0\" width=\"{:.1}\" height=\"{height}\" fill=\"#f8d0d0\"/>\n\
         <rect class=\"band-warning\" x=\"{:.1}\" y=\"0\" width=\"{:.1}\" height=\"{height}\" fill=\"#fff3c4\"/>\n",
        x(lo),
        x(0) - x(lo),
        x(0),
        x(th.warn_days) - x(0),
    );
    let axis_y = height - 20.0;
    let _ = writeln!(
        h,
        "<line x1=\"{left}\" y1=\"{axis_y}\" x2=\"{:.1}\" y2=\"{axis_y}\" stroke=\"#555\"/>",
        w - right
    );
    for tick in [lo, 0, th.warn_days, hi] {
        let _ = writeln!(
            h,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{tick} d</text>",
            x(tick),
            height - 5.0
        );
    }
    let mut y = 20.0;
    for (t, f) in report.targets.iter().zip(facts) {
        let Some(d) = f.days_left else { continue };
        let _ = writeln!(
            h,
            "<text x=\"5\" y=\"{:.1}\" font-size=\"12\">{}</text>\
             <circle class=\"cert\" cx=\"{:.1}\" cy=\"{y:.1}\" r=\"6\" fill=\"{}\"><title>{}: {d} days left</title></circle>",
            y + 4.0,
            esc(&t.target),
            x(d),
            if d < 0 {
                "#c00"
            } else if d < th.warn_days {
                "#d80"
            } else {
                "#080"
            },
            esc(&t.target)
        );
        y += row;
    }
    h.push_str("</svg></section>\n");
}

/// Hosts by clients: connects or fails, the reason in the cell's title and text.
fn matrix(h: &mut String, report: &Report) {
    let mut ids: Vec<(&str, &str)> = Vec::new();
    for t in &report.targets {
        for c in &t.clients {
            if !ids.iter().any(|(id, _)| *id == c.id) {
                ids.push((&c.id, &c.name));
            }
        }
    }
    if ids.is_empty() {
        return;
    }
    h.push_str("<section id=\"clients\"><h2>Clients</h2><table id=\"matrix\"><tr><th>host</th>");
    for (id, name) in &ids {
        let _ = write!(h, "<th title=\"{}\">{}</th>", esc(name), esc(id));
    }
    h.push_str("</tr>\n");
    for t in &report.targets {
        let _ = write!(h, "<tr><td>{}</td>", esc(&t.target));
        for (id, _) in &ids {
            match t.clients.iter().find(|c| c.id == *id) {
                None => h.push_str("<td>-</td>"),
                Some(c) if c.connects => {
                    let with = c.version.map(|v| v.to_string()).unwrap_or_default();
                    let _ = write!(
                        h,
                        "<td class=\"connects\" title=\"{0}\">connects<br>{0}</td>",
                        esc(&with)
                    );
                }
                Some(c) => {
                    let why = c.reason.as_deref().unwrap_or("fails");
                    let _ = write!(
                        h,
                        "<td class=\"fails\" title=\"{0}\">fails<br><small>{0}</small></td>",
                        esc(why)
                    );
                }
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></section>\n");
}
