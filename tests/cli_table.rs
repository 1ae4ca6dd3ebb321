//! The terminal table: fitted to COLUMNS, words and commands never split, short by default, everything with -v,
//! colours only when asked.

use std::process::Command;

use serde_json::Value;

fn demo(args: &[&str], columns: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rdptls"))
        .arg("demo")
        .args(args)
        .env("COLUMNS", columns)
        .env_remove("NO_COLOR")
        .output()
        .expect("run rdptls demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The output's words, in order, whatever the line breaks; numbers as `#` (a day count may differ by one between
/// two scans of a certificate made relative to now).
fn words(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::new();
    for c in joined.chars() {
        if c.is_ascii_digit() {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn at_80_columns_no_line_is_wider_and_every_title_reads_whole() {
    let table = demo(&[], "80");
    for line in table.lines() {
        assert!(
            console::measure_text_width(line) <= 80,
            "{} columns: {line:?}",
            console::measure_text_width(line)
        );
    }
    let json: Value = serde_json::from_str(&demo(&["--json"], "80")).unwrap();
    let flowing = words(&table);
    let mut checked = 0;
    for f in json["targets"][0]["findings"].as_array().unwrap() {
        // The client findings' titles name the failing clients, which a second scan on a loaded machine may
        // not reproduce exactly; the others are the same in both runs.
        if f["severity"] == "info"
            || f["id"] == "client-incompatible"
            || f["id"] == "no-shared-suite"
        {
            continue;
        }
        let title = words(f["title"].as_str().unwrap());
        assert!(
            flowing.contains(&title),
            "{title:?} is not whole in:\n{table}"
        );
        checked += 1;
    }
    assert!(checked >= 4, "the demo has its findings");
    assert!(table.lines().count() < 100, "{}", table.lines().count());
}

#[test]
fn at_120_columns_the_default_report_is_under_60_lines_and_ends_with_the_verdict() {
    let table = demo(&[], "120");
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines.len() < 60, "{} lines:\n{table}", lines.len());
    assert!(
        lines[1].starts_with("Verdict: CONNECTIONS FAIL (critical)"),
        "{table}"
    );
    assert!(
        lines
            .iter()
            .rev()
            .take(2)
            .any(|l| l.starts_with("Verdict for ")),
        "{table}"
    );
    assert!(!table.contains("SHA-1 thumbprint"), "details only with -v");
    assert_eq!(table.matches("Delete the stale certificate").count(), 1);
}

#[test]
fn verbose_shows_the_fix_steps_suites_and_certificate_once_each() {
    let table = demo(&["-v"], "120");
    for needle in [
        "SHA-1 thumbprint",
        "Negotiation: NLA",
        "TLS_AES_128_GCM_SHA256",
        "Clients that connect",
        "(refused-ssl-required)",
    ] {
        assert!(table.contains(needle), "{needle} missing:\n{table}");
    }
    // The self-signed renewal fix, shared by cert-expired and cert-renewal-failed, is printed once, and its
    // commands whole on lines of their own.
    assert_eq!(
        table.matches("Restart-Service SessionEnv -Force").count(),
        1,
        "{table}"
    );
    assert!(table.lines().any(|l| l.trim()
        == "`Get-ChildItem 'Cert:\\LocalMachine\\Remote Desktop' | Remove-Item`,"
        || l.trim()
            .starts_with("`Get-ChildItem 'Cert:\\LocalMachine\\Remote Desktop' | Remove-Item`")));
}

#[test]
fn colours_only_when_asked_for_or_on_a_terminal() {
    assert!(!demo(&[], "100").contains('\x1b'), "piped: no colour");
    assert!(demo(&["--color", "always"], "100").contains("\x1b[1;31m"));
    assert!(!demo(&["--color", "never"], "100").contains('\x1b'));
}
