//! The terminal report, fitted to the terminal's width. By default: the verdict, the clients that fail, the
//! findings with a one-line fix, and the verdict again at the end. Verbose (`-v`): also every client, the
//! negotiation matrix, CredSSP, the suites per version, the certificate's details and each fix's full steps. Each
//! fix is printed once, however many findings share it. A fleet ends with one summary line per host.

use std::collections::HashMap;

use super::text::{self, fix_headline, wrap, Layout};
use crate::analysis::verdict::{self, Summary, Verdict};
use crate::analysis::{catalogue, suites};
use crate::model::{
    Category, CipherSuite, ClientResult, FindingId, Mode, Nla, ProtocolResult, Report, Severity,
    TargetReport,
};

/// Findings, clients and details are indented by this much under their heading.
const INDENT: &str = "    ";

/// Every target in the order given, then (for more than one) the fleet summary.
pub fn render(report: &Report, layout: &Layout) -> String {
    let mut out = String::new();
    for t in &report.targets {
        out.push_str(&render_target(t, layout));
        out.push('\n');
    }
    if report.targets.len() > 1 {
        out.push_str(&super::summary::render(report, layout));
    }
    out
}

/// The verdict line: `CONNECTIONS FAIL (critical)`, coloured.
fn verdict_words(s: Summary, layout: &Layout) -> String {
    let words = match s.worst {
        Some(w) if s.verdict != Verdict::Ok => {
            format!("{} ({})", s.verdict.label(), w.as_str())
        }
        _ => s.verdict.label().to_string(),
    };
    layout.verdict(s.verdict, &words)
}

/// How many findings of each severity, most severe first: `1 critical, 2 medium`.
fn counts(t: &TargetReport) -> String {
    let mut parts = Vec::new();
    for sev in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ] {
        let n = t.findings.iter().filter(|f| f.severity == sev).count();
        if n > 0 {
            parts.push(format!("{n} {}", sev.as_str()));
        }
    }
    if parts.is_empty() {
        "no findings".into()
    } else {
        parts.join(", ")
    }
}

pub(super) fn push_wrapped(out: &mut String, text: &str, layout: &Layout, first: &str, rest: &str) {
    // A line that fits is kept as it is (its alignment too).
    if !text.contains(['\n', '`']) && text::width(first) + text::width(text) <= layout.columns() {
        out.push_str(first);
        out.push_str(text.trim_end());
        out.push('\n');
        return;
    }
    for line in wrap(text, layout.columns(), first, rest, false) {
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// One target: verdict, failing clients, findings; with `-v` every section; the verdict again at the end.
pub fn render_target(t: &TargetReport, layout: &Layout) -> String {
    let mut out = String::new();
    let summary = verdict::summary(t);
    let address = t.address.as_deref().unwrap_or("-");
    let heading = if address == t.target {
        format!("== {}", t.target)
    } else {
        format!("== {} ({address})", t.target)
    };
    out.push_str(&layout.bold(&heading));
    out.push('\n');
    push_wrapped(
        &mut out,
        &format!("Verdict: {}: {}", verdict_words(summary, layout), counts(t)),
        layout,
        "",
        INDENT,
    );
    // The verdict's sentence, unless it is a finding's title listed below anyway.
    if let Some(v) = t
        .verdict
        .as_ref()
        .filter(|v| v.outcome != Verdict::Ok && !t.findings.iter().any(|f| f.title == v.summary))
    {
        push_wrapped(&mut out, &v.summary, layout, INDENT, INDENT);
    }
    if !t.complete {
        let why = match t.mode {
            Mode::Quick => "Partial result: quick mode does not enumerate versions and suites.",
            Mode::Full => "Partial result: a stage could not finish (see the anomalies).",
        };
        push_wrapped(&mut out, why, layout, INDENT, INDENT);
    }
    for a in t.tls.iter().flat_map(|tls| &tls.anomalies) {
        push_wrapped(&mut out, &format!("Anomaly: {a}"), layout, INDENT, INDENT);
    }
    if let Some(e) = &t.error {
        push_wrapped(&mut out, &format!("Error: {e}"), layout, "", INDENT);
    }
    clients_section(&mut out, t, layout);
    if layout.verbose {
        negotiation_section(&mut out, t, layout);
        tls_section(&mut out, t, layout);
        certificate_section(&mut out, t, layout);
    }
    findings_section(&mut out, t, layout);
    out.push('\n');
    let failing = t.clients.iter().filter(|c| !c.connects).count();
    let mut closing = format!(
        "Verdict for {}: {}",
        t.target,
        verdict_words(summary, layout)
    );
    if !t.clients.is_empty() {
        closing.push_str(&format!("; {failing} of {} clients fail", t.clients.len()));
    }
    closing.push('.');
    if layout.verbose {
        closing.push_str(&format!(
            " {} connections, {} ms.",
            t.stats.connections, t.stats.elapsed_ms
        ));
    } else if t.status == crate::model::Status::Ok {
        closing.push_str(" More with -v.");
    }
    push_wrapped(&mut out, &closing, layout, "", INDENT);
    out
}

/// The clients that fail, grouped by what they show (printed once per group); with `-v`, those that connect.
fn clients_section(out: &mut String, t: &TargetReport, layout: &Layout) {
    if t.clients.is_empty() {
        return;
    }
    let failing: Vec<&ClientResult> = t.clients.iter().filter(|c| !c.connects).collect();
    if !failing.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            layout.bold(&format!(
                "Clients that fail: {} of {}",
                failing.len(),
                t.clients.len()
            ))
        ));
        // Group by what the client shows, keeping the clients' order.
        let mut groups: Vec<(Option<&str>, Vec<&ClientResult>)> = Vec::new();
        for c in &failing {
            let shows = c.client_error.as_deref();
            match groups.iter_mut().find(|(s, _)| *s == shows) {
                Some((_, members)) => members.push(c),
                None => groups.push((shows, vec![c])),
            }
        }
        for (shows, members) in groups {
            for c in members {
                let reason = c.reason.as_deref().unwrap_or("fails");
                push_wrapped(
                    out,
                    &format!("- {} ({}): {reason}", c.name, c.id),
                    layout,
                    "  ",
                    INDENT,
                );
            }
            if let Some(s) = shows {
                push_wrapped(out, &format!("They show: {s}"), layout, INDENT, INDENT);
            }
        }
    }
    if layout.verbose {
        let connecting: Vec<&ClientResult> = t.clients.iter().filter(|c| c.connects).collect();
        if !connecting.is_empty() {
            out.push_str(&format!(
                "\n{}\n",
                layout.bold(&format!("Clients that connect: {}", connecting.len()))
            ));
            for c in connecting {
                let with = [c.version.map(|v| v.to_string()), c.suite.map(|s| s.name())]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                push_wrapped(
                    out,
                    &format!("- {} ({}): {with}", c.name, c.id),
                    layout,
                    "  ",
                    INDENT,
                );
            }
        }
    }
}

/// Findings, most severe first, each with its evidence, what clients see and its fix: the first step by default,
/// every step with `-v`. A fix shared with an earlier finding is named, not repeated. Info findings only with
/// `-v`.
fn findings_section(out: &mut String, t: &TargetReport, layout: &Layout) {
    if t.findings.is_empty() {
        return;
    }
    out.push_str(&format!("\n{}\n", layout.bold("Findings")));
    let mut fixes_shown: HashMap<&str, FindingId> = HashMap::new();
    let mut errors_shown: Vec<(&str, FindingId)> = Vec::new();
    let mut hidden = 0;
    let width = layout.columns();
    for f in &t.findings {
        if !layout.verbose && f.severity == Severity::Info {
            hidden += 1;
            continue;
        }
        let tag = layout.severity(f.severity, &format!("[{}]", f.severity.as_str()));
        push_wrapped(
            out,
            &format!("{tag} {} ({})", f.title, f.id),
            layout,
            "",
            INDENT,
        );
        // The clients section above already names each failing client, its reason and what it shows.
        let about_clients =
            catalogue::category(f.id) == Some(Category::Clients) && !t.clients.is_empty();
        if layout.verbose || !about_clients {
            push_wrapped(out, &f.detail, layout, INDENT, INDENT);
            if let Some(e) = &f.client_error {
                // What clients see, once: a text an earlier finding printed is named, and only the rest added.
                let earlier = errors_shown.iter().find(|(text, _)| e.starts_with(*text));
                let line = match earlier {
                    Some((text, id)) if e.len() == text.len() => {
                        format!("Clients see: as for {id}, above.")
                    }
                    Some((text, id)) => format!(
                        "Clients see: as for {id}, above; and {}",
                        e[text.len()..].trim_start()
                    ),
                    None => {
                        errors_shown.push((e, f.id));
                        format!("Clients see: {e}")
                    }
                };
                push_wrapped(out, &line, layout, INDENT, INDENT);
            }
        }
        if let Some(fix) = &f.fix {
            match fixes_shown.get(fix.as_str()) {
                Some(first) => push_wrapped(
                    out,
                    &format!("Fix: as for {first}, above."),
                    layout,
                    INDENT,
                    INDENT,
                ),
                None => {
                    fixes_shown.insert(fix, f.id);
                    if layout.verbose {
                        for line in wrap(&format!("Fix: {fix}"), width, INDENT, INDENT, true) {
                            out.push_str(line.trim_end());
                            out.push('\n');
                        }
                    } else {
                        push_wrapped(
                            out,
                            &format!("Fix: {}", fix_headline(fix)),
                            layout,
                            INDENT,
                            INDENT,
                        );
                    }
                }
            }
        }
    }
    if hidden > 0 {
        out.push_str(&format!(
            "and {hidden} info finding{} (-v shows {}).\n",
            if hidden == 1 { "" } else { "s" },
            if hidden == 1 { "it" } else { "them" }
        ));
    }
}

/// The negotiation matrix, one protocol a line.
fn negotiation_section(out: &mut String, t: &TargetReport, layout: &Layout) {
    let Some(neg) = &t.negotiation else { return };
    let nla = match neg.nla {
        Nla::Required => "required",
        Nla::Supported => "supported, not required",
        Nla::Unsupported => "not supported",
    };
    let std_rdp = if neg.standard_rdp_security {
        "ACCEPTED"
    } else {
        "refused"
    };
    out.push_str(&format!(
        "\n{}\n",
        layout.bold(&format!(
            "Negotiation: NLA {nla}; standard RDP security {std_rdp}"
        ))
    ));
    for p in &neg.protocols {
        let result = match p.result {
            ProtocolResult::Accepted => "accepted",
            ProtocolResult::Refused => "refused",
            ProtocolResult::NotSelected => "not selected",
            ProtocolResult::Disconnected => "disconnected",
            ProtocolResult::Error => "error",
        };
        let mut line = format!("{:<10} {result}", p.protocol.key());
        if let Some(s) = p.selected.filter(|s| *s != p.protocol) {
            line.push_str(&format!(" (selected {})", s.key()));
        }
        if let Some(c) = p.failure_code {
            line.push_str(&format!(": {c}"));
        } else if let Some(d) = &p.detail {
            line.push_str(&format!(": {d}"));
        }
        let flags = p.flags.names();
        if !flags.is_empty() {
            line.push_str(&format!("; flags {}", flags.join(", ")));
        }
        push_wrapped(out, &line, layout, "  ", "             ");
    }
    if let Some(c) = &t.credssp {
        push_wrapped(
            out,
            &format!("CredSSP (NLA): {}", credssp_line(c)),
            layout,
            "",
            INDENT,
        );
    }
    if let Some(r) = &t.rdp_security {
        push_wrapped(out, &super::rdp_security_line(r), layout, "", INDENT);
    }
    if let Some(m) = &t.mcs {
        push_wrapped(out, &super::mcs_line(m), layout, "", INDENT);
    }
    if let Some(stage) = &t.stage {
        push_wrapped(out, &super::stage_line(stage), layout, "", INDENT);
    }
}

/// Versions and suites, in the server's order where it imposes one.
fn tls_section(out: &mut String, t: &TargetReport, layout: &Layout) {
    let Some(tls) = &t.tls else { return };
    out.push_str(&format!(
        "\n{}\n",
        layout
            .bold("TLS (suites in the server's order where it imposes one, else strongest first)")
    ));
    for v in &tls.versions {
        if !v.supported {
            out.push_str(&format!("  {:<7} not supported\n", v.version.to_string()));
            continue;
        }
        let order = match tls
            .server_order
            .iter()
            .find(|o| o.version == v.version)
            .and_then(|o| o.enforced)
        {
            Some(true) => "server's order",
            Some(false) => "client's order",
            None => "order not determined",
        };
        out.push_str(&format!("  {:<7} {order}\n", v.version.to_string()));
        for s in tls.cipher_suites.iter().filter(|s| s.version == v.version) {
            let (bits, weak) = suite_notes(s.suite);
            let mut line = format!("0x{:04X} {} {bits} bits", s.suite.0, s.suite.name());
            if !weak.is_empty() {
                line.push_str(&format!(", {}", layout.severity(Severity::Medium, &weak)));
            }
            push_wrapped(out, &line, layout, INDENT, "      ");
        }
    }
    if let Some(n) = &tls.negotiated {
        push_wrapped(
            out,
            &format!(
                "Certificate read over {} with {} (via {}, {} path)",
                n.version,
                n.suite.suite.name(),
                match n.via {
                    crate::model::Via::Rustls => "rustls",
                    crate::model::Via::Raw => "raw",
                },
                match n.path {
                    crate::model::TlsPath::Negotiated(p) => p.key(),
                    crate::model::TlsPath::Direct => "direct".into(),
                }
            ),
            layout,
            "",
            INDENT,
        );
    }
    if !tls.groups.is_empty() {
        let groups: Vec<String> = tls.groups.iter().map(|g| g.to_string()).collect();
        push_wrapped(
            out,
            &format!("Key-exchange groups: {}", groups.join(", ")),
            layout,
            "",
            INDENT,
        );
    }
    if let Some(bits) = tls.dh_bits {
        out.push_str(&format!("DH parameters: {bits} bits\n"));
    }
    for a in &tls.anomalies {
        push_wrapped(out, &format!("Anomaly: {a}"), layout, "", INDENT);
    }
}

/// The verdict, and for a self-signed certificate what clients pin.
fn self_signed(c: &crate::model::CertificateReport) -> String {
    use crate::model::SelfSigned;
    match c.self_signed {
        SelfSigned::Yes => format!(
            "yes: clients trust it by its SHA-1 thumbprint {}",
            c.sha1_thumbprint
        ),
        SelfSigned::No => "no".into(),
        SelfSigned::Unknown => "unknown: its signature algorithm cannot be checked".into(),
    }
}

/// Whether the chain validates, against which roots, and why not.
fn chain(c: &crate::model::CertificateReport) -> String {
    use crate::model::{RootSource, Trust};
    let Some(chain) = &c.chain else {
        return "-".into();
    };
    let roots = match chain.roots {
        RootSource::System => "system roots",
        RootSource::CaFile => "--ca-file",
    };
    match &chain.trust {
        Trust::Trusted => format!("trusted ({roots})"),
        Trust::LeafInvalid(why) => {
            format!("not valid ({roots}): {why}; the rest of the chain reaches a trusted root")
        }
        Trust::Untrusted(why) => format!("untrusted ({roots}): {why}"),
        Trust::Unknown(why) => format!("not checked ({roots}): {why}"),
    }
}

/// The certificate's details, one field a line.
fn certificate_section(out: &mut String, t: &TargetReport, layout: &Layout) {
    let Some(c) = &t.certificate else { return };
    out.push_str(&format!("\n{}\n", layout.bold("Certificate")));
    let validity = if c.expired {
        format!("EXPIRED {} days ago", -c.days_left)
    } else if c.not_yet_valid {
        "NOT YET VALID".to_string()
    } else {
        format!("valid, {} days left", c.days_left)
    };
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let rows = [
        ("Subject", c.subject.clone()),
        ("Issuer", c.issuer.clone()),
        ("Names", c.names.join(", ")),
        (
            "Validity",
            format!("{validity} ({} to {})", c.not_before, c.not_after),
        ),
        ("Self-signed", self_signed(c)),
        ("Chain", chain(c)),
        (
            "Name matches",
            c.name_matches
                .map(|m| yes_no(m).to_string())
                .unwrap_or_else(|| "-".into()),
        ),
        ("Key", format!("{} {} bits", c.key.kind, c.key.bits)),
        ("Signature", c.signature_algorithm.clone()),
        (
            "EKU",
            if c.eku.is_empty() {
                "-".into()
            } else {
                c.eku.join(", ")
            },
        ),
        ("Chain length", c.chain_length.to_string()),
        ("SHA-1 thumbprint", c.sha1_thumbprint.clone()),
        ("SHA-256", c.sha256_fingerprint.clone()),
    ];
    let rest = " ".repeat(2 + 18);
    for (k, v) in rows {
        let first = format!("  {k:<18}");
        if !v.contains(' ') && text::width(&first) + text::width(&v) > layout.columns() {
            // A long word (a fingerprint) goes whole on the next line.
            out.push_str(&format!("  {k}\n"));
            push_wrapped(out, &v, layout, INDENT, INDENT);
        } else {
            push_wrapped(out, &v, layout, &first, &rest);
        }
    }
}

/// Key bits and what makes a suite weak, from the registry and the one suite classification.
fn suite_notes(suite: CipherSuite) -> (String, String) {
    let Some(i) = suites::info_of(suite) else {
        return ("?".into(), "unknown suite".into());
    };
    let weak: Vec<&str> = suites::classes(i).iter().map(|c| c.label()).collect();
    (i.bits.to_string(), weak.join(", "))
}

/// One line on CredSSP: the version and what it means, and who the server says it is.
fn credssp_line(c: &crate::model::CredsspReport) -> String {
    let Some(version) = c.version else {
        return format!("no answer ({})", c.error.as_deref().unwrap_or("unknown"));
    };
    let mut line = format!(
        "version {version}, {}",
        if c.patched == Some(true) {
            "with the 2018 CVE-2018-0886 fix"
        } else {
            "WITHOUT the 2018 CVE-2018-0886 fix"
        }
    );
    if let Some(n) = &c.ntlm {
        let names: Vec<&str> = [&n.netbios_computer, &n.dns_computer, &n.netbios_domain]
            .into_iter()
            .filter_map(|v| v.as_deref())
            .collect();
        if !names.is_empty() {
            line.push_str(&format!("; NTLM names {}", names.join(", ")));
        }
        if let Some(v) = &n.product_version {
            line.push_str(&format!("; Windows {v}"));
        }
        if let Some(skew) = n.clock_skew_s {
            line.push_str(&format!("; clock {skew:+} s from this machine"));
        }
    }
    line
}

#[cfg(test)]
mod tests;
