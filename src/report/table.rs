//! The terminal report: the verdict first, then the clients that fail or connect, then negotiation, TLS,
//! certificate, and the findings with their fixes.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, ContentArrangement, Table};

use crate::analysis::suites;
use crate::model::{
    CipherSuite, Mode, Nla, ProtocolResult, Report, Severity, TargetReport, VerdictOutcome,
};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for t in &report.targets {
        out.push_str(&render_target(t));
        out.push('\n');
    }
    out
}

fn new_table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    table.set_width(110);
    table.set_header(header.iter().map(Cell::new));
    table
}

pub fn render_target(t: &TargetReport) -> String {
    let mut out = String::new();
    let address = t.address.as_deref().unwrap_or("-");
    out.push_str(&format!("== {} ({address})\n", t.target));
    out.push_str(&verdict(t));

    if !t.clients.is_empty() {
        let mut table = new_table(&["Client", "Result", "Version / suite, or why not"]);
        for c in &t.clients {
            let detail = if c.connects {
                format!(
                    "{} {}",
                    c.version.map(|v| v.to_string()).unwrap_or_default(),
                    c.suite.map(|s| s.name()).unwrap_or_default()
                )
            } else {
                let mut s = c.reason.clone().unwrap_or_default();
                if let Some(e) = &c.client_error {
                    s.push_str(&format!("\nshows: {e}"));
                }
                s
            };
            table.add_row(vec![
                c.name.clone(),
                if c.connects {
                    "connects".into()
                } else {
                    "FAILS".into()
                },
                detail,
            ]);
        }
        out.push_str(&format!("\nClients\n{table}\n"));
    }
    if let Some(e) = &t.error {
        out.push_str(&format!("\nError: {e}\n"));
    }
    if let Some(neg) = &t.negotiation {
        let mut table = new_table(&[
            "Requested",
            "Result",
            "Selected",
            "Failure code / detail",
            "Flags",
        ]);
        for p in &neg.protocols {
            let result = match p.result {
                ProtocolResult::Accepted => "accepted",
                ProtocolResult::Refused => "refused",
                ProtocolResult::NotSelected => "not selected",
                ProtocolResult::Disconnected => "disconnected",
                ProtocolResult::Error => "error",
            };
            let why = p
                .failure_code
                .map(|c| c.to_string())
                .or_else(|| p.detail.clone())
                .unwrap_or_default();
            table.add_row(vec![
                p.protocol.key(),
                result.to_string(),
                p.selected.map(|s| s.key()).unwrap_or_else(|| "-".into()),
                why,
                p.flags.names().join(", "),
            ]);
        }
        let nla = match neg.nla {
            Nla::Required => "required",
            Nla::Supported => "supported, not required",
            Nla::Unsupported => "not supported",
        };
        out.push_str(&format!(
            "\nNegotiation (NLA {nla}; standard RDP security {})\n{table}\n",
            if neg.standard_rdp_security {
                "ACCEPTED"
            } else {
                "refused"
            }
        ));
    }
    if let Some(c) = &t.credssp {
        out.push_str(&format!("\nCredSSP (NLA): {}\n", credssp_line(c)));
    }
    if let Some(tls) = &t.tls {
        let mut table = new_table(&["Version", "Order", "Cipher suite", "Bits", "Weak"]);
        for v in &tls.versions {
            if !v.supported {
                table.add_row(vec![v.version.to_string(), "not supported".into()]);
                continue;
            }
            let order = match tls
                .server_order
                .iter()
                .find(|o| o.version == v.version)
                .and_then(|o| o.enforced)
            {
                Some(true) => "server's",
                Some(false) => "client's",
                None => "-",
            };
            for (i, s) in tls
                .cipher_suites
                .iter()
                .filter(|s| s.version == v.version)
                .enumerate()
            {
                let (bits, weak) = suite_notes(s.suite);
                table.add_row(vec![
                    if i == 0 {
                        v.version.to_string()
                    } else {
                        String::new()
                    },
                    if i == 0 {
                        order.to_string()
                    } else {
                        String::new()
                    },
                    format!("0x{:04X} {}", s.suite.0, s.suite.name()),
                    bits,
                    weak,
                ]);
            }
        }
        out.push_str(&format!("\nTLS (suites in the server's order where it imposes one, else strongest first)\n{table}\n"));
        if let Some(n) = &tls.negotiated {
            out.push_str(&format!(
                "Certificate read over {} with {} (via {}, {} path)\n",
                n.version,
                n.suite.suite.name(),
                via_name(n.via),
                path_name(n.path)
            ));
        }
        if !tls.groups.is_empty() {
            let groups: Vec<String> = tls.groups.iter().map(|g| g.to_string()).collect();
            out.push_str(&format!("Key-exchange groups: {}\n", groups.join(", ")));
        }
        if let Some(bits) = tls.dh_bits {
            out.push_str(&format!("DH parameters: {bits} bits\n"));
        }
    }
    if let Some(c) = &t.certificate {
        let mut table = new_table(&["Certificate", ""]);
        let validity = if c.expired {
            format!("EXPIRED {} days ago", -c.days_left)
        } else if c.not_yet_valid {
            "NOT YET VALID".to_string()
        } else {
            format!("valid, {} days left", c.days_left)
        };
        let rows = [
            ("Subject", c.subject.clone()),
            ("Issuer", c.issuer.clone()),
            ("Names", c.names.join(", ")),
            (
                "Validity",
                format!("{validity} ({} to {})", c.not_before, c.not_after),
            ),
            ("Self-signed", yes_no(c.self_signed).into()),
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
            ("SHA-1 thumbprint", c.sha1_thumbprint.clone()),
            ("SHA-256", c.sha256_fingerprint.clone()),
        ];
        for (k, v) in rows {
            table.add_row(vec![k.to_string(), v]);
        }
        out.push_str(&format!("\n{table}\n"));
    }
    if !t.findings.is_empty() {
        out.push_str("\nFindings\n");
        for f in &t.findings {
            out.push_str(&super::describe_finding(f, "    "));
            out.push('\n');
        }
    }
    out.push_str(&format!(
        "\n{} connections, {} ms\n",
        t.stats.connections, t.stats.elapsed_ms
    ));
    out
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// The verdict: the analysis' headline and sentence, then one line per problem, most severe first.
fn verdict(t: &TargetReport) -> String {
    let mut out = String::from("Verdict: ");
    let severity = t.verdict.as_ref().and_then(|v| v.severity);
    let outcome = t.verdict.as_ref().map(|v| v.outcome);
    let level = severity.map(Severity::as_str).unwrap_or("none");
    out.push_str(&match outcome {
        Some(VerdictOutcome::Unreachable) => "UNREACHABLE".to_string(),
        Some(VerdictOutcome::ScanFailed) => "SCAN FAILED".to_string(),
        Some(VerdictOutcome::ConnectionsFail) => format!("CONNECTIONS FAIL ({level})"),
        Some(VerdictOutcome::AtRisk) => format!("AT RISK ({level})"),
        Some(VerdictOutcome::Weaknesses) => format!("WEAKNESSES ({level})"),
        Some(VerdictOutcome::PolicyViolated) => format!("POLICY VIOLATED ({level})"),
        Some(VerdictOutcome::Ok) | None => "OK".to_string(),
    });
    if !t.complete {
        out.push_str(match t.mode {
            Mode::Quick => " [partial: quick mode, versions and suites not enumerated]",
            Mode::Full => " [partial: see the anomalies below]",
        });
    }
    out.push('\n');
    if let Some(v) = &t.verdict {
        out.push_str(&format!("  {}\n", v.summary));
    }
    for f in t.findings.iter().filter(|f| f.severity >= Severity::Low) {
        out.push_str(&format!("  - [{}] {}\n", f.severity.as_str(), f.title));
    }
    if let Some(tls) = &t.tls {
        for a in &tls.anomalies {
            out.push_str(&format!("  ! anomaly: {a}\n"));
        }
    }
    out
}

/// Key bits and what makes a suite weak, from the registry and the one suite classification.
fn suite_notes(suite: CipherSuite) -> (String, String) {
    let Some(i) = suites::info_of(suite) else {
        return ("?".into(), "unknown suite".into());
    };
    let weak: Vec<&str> = suites::classes(i).iter().map(|c| c.label()).collect();
    (i.bits.to_string(), weak.join(", "))
}

fn via_name(via: crate::model::Via) -> &'static str {
    match via {
        crate::model::Via::Rustls => "rustls",
        crate::model::Via::Raw => "raw",
    }
}

fn path_name(path: crate::model::TlsPath) -> String {
    match path {
        crate::model::TlsPath::Negotiated(p) => p.key(),
        crate::model::TlsPath::Direct => "direct".into(),
    }
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
