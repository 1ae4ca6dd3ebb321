//! The TLS enumeration is exact against real servers: openssl s_server (direct TLS) and xrdp (X.224, then TLS),
//! each configured with a cipher string, scanned through the library and compared with what OpenSSL itself says
//! that cipher string means.
//!
//! # Where the expected sets come from
//!
//! Never from rdptls. For each configuration, `openssl ciphers -stdname -s <version flag> [-ciphersuites L] STR`
//! lists the suites an OpenSSL server built from `STR` may select at that version, in its preference order:
//! `-s` applies the security level (including `@SECLEVEL=N` in `STR`), drops PSK and SRP suites (they need
//! server-side callbacks) and, with a version flag, the suites that version cannot negotiate (no SHA-256, GCM or
//! ChaCha20 suite below TLS 1.2; only TLS 1.3 suites at TLS 1.3). From that list we keep what a server with an
//! RSA certificate can serve: authentication `RSA`, `None` (anonymous ADH/AECDH: s_server and xrdp accept them
//! when the security level allows, observed on both) and `any` (TLS 1.3); ECDSA- and DSS-authenticated suites
//! need a key of that type and are dropped. The first column (the IANA name) is what the report's
//! `cipher_suites[].name` must equal, and the registry must map it back to OpenSSL's own name.
//!
//! Where the server imposes its order (`-serverpref`), the list's order is the server's order.
//!
//! On xrdp's legacy profile `sslscan --rdp` is a second, independent oracle: its accepted suites must be the same.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::time::Duration;

use rdptls::fixtures::FixtureCert;
use rdptls::model::TargetReport;
use rdptls::scan::{scan_target, ScanOptions};
use rdptls::wire::tls::suites;
use support::{require_server, OpenSslServer, Xrdp, XrdpConfig};

/// Each network step. Generous: xrdp forks and reads its configuration for every connection, which takes a while
/// on a loaded machine; no assertion here is about time.
const TIMEOUT: Duration = Duration::from_secs(5);

/// One line of `openssl ciphers -stdname -s`.
#[derive(Debug, Clone)]
struct OpenSslSuite {
    iana: String,
    openssl: String,
    /// `SSLv3`, `TLSv1`, `TLSv1.2`, `TLSv1.3`: the oldest version that can use it.
    min_version: String,
    kx: String,
    au: String,
}

/// `openssl ciphers -stdname -s ARGS`, parsed, in OpenSSL's order.
fn openssl_ciphers(args: &[&str]) -> Vec<OpenSslSuite> {
    let out = Command::new("openssl")
        .args(["ciphers", "-stdname", "-s"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("openssl ciphers {args:?}: {e}"));
    assert!(
        out.status.success(),
        "openssl ciphers {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            // TLS_RSA_WITH_AES_128_CBC_SHA - AES128-SHA SSLv3 Kx=RSA Au=RSA Enc=AES(128) Mac=SHA1
            let f: Vec<&str> = line.split_whitespace().collect();
            assert!(
                f.len() >= 6 && f[1] == "-",
                "unexpected openssl ciphers line: {line}"
            );
            let field = |key: &str| {
                f.iter()
                    .find_map(|x| x.strip_prefix(key))
                    .unwrap_or_else(|| panic!("no {key} in {line}"))
                    .to_string()
            };
            OpenSslSuite {
                iana: f[0].to_string(),
                openssl: f[2].to_string(),
                min_version: f[3].to_string(),
                kx: field("Kx="),
                au: field("Au="),
            }
        })
        .collect()
}

/// The IANA names, in OpenSSL's preference order, that a server configured with these `openssl ciphers` args
/// and an RSA certificate accepts at `version` (`TLS1.0` ... `TLS1.3`).
fn expected_suites(version: &str, args: &[&str]) -> Vec<String> {
    let flag = match version {
        "TLS1.0" => "-tls1",
        "TLS1.1" => "-tls1_1",
        "TLS1.2" => "-tls1_2",
        "TLS1.3" => "-tls1_3",
        other => panic!("no openssl flag for {other}"),
    };
    let mut all = vec![flag];
    all.extend_from_slice(args);
    openssl_ciphers(&all)
        .into_iter()
        .filter(|s| matches!(s.au.as_str(), "RSA" | "None" | "any"))
        .filter(|s| !s.kx.contains("PSK") && !s.kx.contains("SRP"))
        // `-s -tls1_2` leaves the TLS 1.3 suites out and `-s -tls1` the TLS 1.2 ones; say so rather than trust it.
        .filter(|s| match version {
            "TLS1.3" => s.min_version == "TLSv1.3",
            "TLS1.2" => s.min_version != "TLSv1.3",
            _ => !matches!(s.min_version.as_str(), "TLSv1.2" | "TLSv1.3"),
        })
        .map(|s| {
            let info = suites::by_iana_name(&s.iana).unwrap_or_else(|| {
                panic!(
                    "OpenSSL's {} ({}) is not in the registry",
                    s.iana, s.openssl
                )
            });
            assert_eq!(
                info.openssl,
                Some(s.openssl.as_str()),
                "the registry's OpenSSL name of {}",
                s.iana
            );
            s.iana
        })
        .collect()
}

/// What a server is expected to accept: per version, the suites in the server's preference order.
#[derive(Debug, Clone)]
struct Expected {
    suites: BTreeMap<String, Vec<String>>,
    /// Per version with two suites or more: whether the server imposes its order.
    server_order: bool,
}

impl Expected {
    /// `versions` with the suites `openssl ciphers ARGS` gives for each.
    fn new(versions: &[&str], args: &[&str], server_order: bool) -> Self {
        let suites = versions
            .iter()
            .map(|v| (v.to_string(), expected_suites(v, args)))
            .collect::<BTreeMap<_, _>>();
        for (v, s) in &suites {
            assert!(
                !s.is_empty(),
                "openssl ciphers {args:?} gives nothing at {v}"
            );
        }
        Self {
            suites,
            server_order,
        }
    }

    fn total(&self) -> usize {
        self.suites.values().map(Vec::len).sum()
    }
}

fn scan_options(direct: bool) -> ScanOptions {
    ScanOptions {
        direct,
        timeout: TIMEOUT,
        ..ScanOptions::default()
    }
}

async fn scan(port: u16, opts: &ScanOptions) -> TargetReport {
    scan_target(&format!("127.0.0.1:{port}"), opts).await
}

/// Compares the report with `expected` exactly: supported versions, the accepted suites per version, whether the
/// order is enforced and, where it is, the order itself; no anomaly; connections under `max_connections`.
fn check(what: &str, r: &TargetReport, expected: &Expected, max_connections: u64) {
    assert!(r.error.is_none(), "{what}: {:?}", r.error);
    let tls = r
        .tls
        .as_ref()
        .unwrap_or_else(|| panic!("{what}: no TLS report"));

    let supported: BTreeSet<String> = tls
        .versions
        .iter()
        .filter(|v| v.supported)
        .map(|v| v.version.to_string())
        .collect();
    let want: BTreeSet<String> = expected.suites.keys().cloned().collect();
    assert_eq!(supported, want, "{what}: supported versions");

    let mut got: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in &tls.cipher_suites {
        got.entry(s.version.to_string())
            .or_default()
            .push(s.suite.name());
    }
    for (version, want) in &expected.suites {
        let have: BTreeSet<&str> = got
            .get(version.as_str())
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let want_set: BTreeSet<&str> = want.iter().map(String::as_str).collect();
        assert_eq!(
            have,
            want_set,
            "{what}: {version} suites (missing {:?}, extra {:?})",
            want_set.difference(&have).collect::<Vec<_>>(),
            have.difference(&want_set).collect::<Vec<_>>()
        );
        let order = tls
            .server_order
            .iter()
            .find(|o| &o.version.to_string() == version)
            .unwrap_or_else(|| panic!("{what}: no server_order entry for {version}"));
        let enforced = (want.len() >= 2).then_some(expected.server_order);
        assert_eq!(order.enforced, enforced, "{what}: {version} server order");
        if enforced == Some(true) {
            let order: Vec<String> = order.order.iter().map(|s| s.name()).collect();
            assert_eq!(&order, want, "{what}: {version} server order");
            assert_eq!(
                got[version.as_str()],
                *want,
                "{what}: {version} cipher_suites in the server's order"
            );
        }
    }
    assert!(
        got.keys().all(|v| expected.suites.contains_key(v)),
        "{what}: suites at versions not expected: {:?}",
        got.keys().collect::<Vec<_>>()
    );

    assert!(
        tls.anomalies.is_empty(),
        "{what}: anomalies {:?}",
        tls.anomalies
    );

    let connections = r.stats.connections;
    eprintln!(
        "{what}: {} suites over {} versions, {connections} connections, {} hellos, {} ms",
        expected.total(),
        expected.suites.len(),
        tls.hellos,
        r.stats.elapsed_ms
    );
    assert!(
        connections < max_connections,
        "{what}: {connections} connections, expected fewer than {max_connections}"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// openssl s_server, direct TLS. It serves one connection at a time; the others wait in its listen backlog, so the
// default 8 connections in flight work (each waits a few milliseconds).

/// Starts `openssl s_server ARGS` with the RSA-2048 fixture, scans it directly and checks it against `expected`
/// (asked of `openssl ciphers` once the server runs, so that a missing openssl skips or fails like the server).
async fn s_server_case(
    what: &str,
    server_args: &[&str],
    expected: impl FnOnce() -> Expected,
    max_connections: u64,
) {
    let Some(server) = require_server(OpenSslServer::fixture(server_args, FixtureCert::Valid))
    else {
        return;
    };
    let expected = expected();
    let r = scan(server.port(), &scan_options(true)).await;
    check(what, &r, &expected, max_connections);
}

#[tokio::test]
async fn s_server_tls10_only_all_seclevel0() {
    let cipher = "ALL:@SECLEVEL=0";
    s_server_case(
        "s_server -tls1 ALL:@SECLEVEL=0",
        &["-tls1", "-cipher", cipher],
        || Expected::new(&["TLS1.0"], &[cipher], false),
        64,
    )
    .await;
}

/// The versions below TLS 1.2 are asked together (one hello per partition offering up to TLS 1.1): a server with
/// TLS 1.0 and TLS 1.2 but not TLS 1.1 answers it at TLS 1.0, which says TLS 1.1 is off and starts TLS 1.0's
/// chains.
#[tokio::test]
async fn s_server_tls10_and_tls12_without_tls11_server_order() {
    let cipher =
        "ECDHE-RSA-AES256-SHA:AES128-SHA:DES-CBC3-SHA:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0";
    s_server_case(
        "s_server TLS1.0+1.2 (no TLS1.1) -serverpref",
        &["-no_tls1_1", "-no_tls1_3", "-serverpref", "-cipher", cipher],
        || Expected::new(&["TLS1.0", "TLS1.2"], &[cipher], true),
        48,
    )
    .await;
}

/// TLS 1.1 alone: the shared hellos are answered at TLS 1.1, and TLS 1.0 and SSL 3.0 are still asked on their own.
#[tokio::test]
async fn s_server_tls11_only() {
    let cipher = "AES256-SHA:ECDHE-RSA-AES128-SHA:@SECLEVEL=0";
    s_server_case(
        "s_server -tls1_1 (2 suites)",
        &["-tls1_1", "-cipher", cipher],
        || Expected::new(&["TLS1.1"], &[cipher], false),
        48,
    )
    .await;
}

#[tokio::test]
async fn s_server_tls12_only_short_list() {
    let cipher = "ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA:DHE-RSA-AES128-SHA";
    s_server_case(
        "s_server -tls1_2 (3 suites)",
        &["-tls1_2", "-cipher", cipher],
        || Expected::new(&["TLS1.2"], &[cipher], false),
        48,
    )
    .await;
}

#[tokio::test]
async fn s_server_tls13_only_two_suites() {
    let suites13 = "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256";
    s_server_case(
        "s_server -tls1_3 (2 suites)",
        &["-tls1_3", "-ciphersuites", suites13],
        || Expected::new(&["TLS1.3"], &["-ciphersuites", suites13], false),
        48,
    )
    .await;
}

/// `-no_tls1 -no_tls1_1` leaves TLS 1.2 and 1.3 (SSL 3.0 is off by default in OpenSSL 3); the TLS 1.3 suites are
/// the default ones, in OpenSSL's default order.
const TLS12_13_CIPHERS: &str = "AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:AES256-SHA";

#[tokio::test]
async fn s_server_tls12_tls13_server_order() {
    s_server_case(
        "s_server TLS1.2+1.3 -serverpref",
        &[
            "-no_ssl3",
            "-no_tls1",
            "-no_tls1_1",
            "-serverpref",
            "-cipher",
            TLS12_13_CIPHERS,
        ],
        || Expected::new(&["TLS1.2", "TLS1.3"], &[TLS12_13_CIPHERS], true),
        48,
    )
    .await;
}

#[tokio::test]
async fn s_server_tls12_tls13_client_order() {
    s_server_case(
        "s_server TLS1.2+1.3 client order",
        &[
            "-no_ssl3",
            "-no_tls1",
            "-no_tls1_1",
            "-cipher",
            TLS12_13_CIPHERS,
        ],
        || Expected::new(&["TLS1.2", "TLS1.3"], &[TLS12_13_CIPHERS], false),
        48,
    )
    .await;
}

// ---------------------------------------------------------------------------------------------------------------
// xrdp: X.224 negotiation (security_layer=tls selects SSL), then TLS over each negotiated connection.

/// The openssl command line, which the expectations come from: like a server, required under CI=true.
fn openssl_cli() -> Result<(), String> {
    match Command::new("openssl").arg("version").output() {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!(
            "openssl version failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )),
        Err(e) => Err(format!("openssl is not installed: {e}")),
    }
}

fn xrdp_config(ssl_protocols: &str, tls_ciphers: Option<&str>) -> XrdpConfig {
    XrdpConfig {
        ssl_protocols: Some(ssl_protocols.to_string()),
        tls_ciphers: tls_ciphers.map(str::to_string),
        ..XrdpConfig::fixture("tls", FixtureCert::Valid)
    }
}

/// The suite names sslscan accepted, per version (`TLSv1.0` -> `TLS1.0`), mapped from OpenSSL to IANA names.
fn sslscan_suites(port: u16) -> Option<BTreeMap<String, BTreeSet<String>>> {
    let out = match Command::new("sslscan")
        // Suites only: the other checks cost connections (and time) and compare nothing here.
        .args([
            "--rdp",
            "--no-colour",
            "--no-cipher-details",
            "--no-check-certificate",
            "--no-compression",
            "--no-fallback",
            "--no-groups",
            "--no-heartbleed",
            "--no-renegotiation",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .output()
    {
        Ok(out) => out,
        Err(e) if support::ci() => panic!("sslscan is required under CI=true: {e}"),
        Err(e) => {
            eprintln!("skipping the sslscan comparison: {e}");
            return None;
        }
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in text.lines() {
        // "Preferred TLSv1.2  256 bits  ECDHE-RSA-AES256-GCM-SHA384  Curve 25519 DHE 253"
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 5 || !matches!(f[0], "Accepted" | "Preferred") {
            continue;
        }
        let version = match f[1] {
            "SSLv3" => "SSL3.0".to_string(),
            v => v
                .strip_prefix("TLSv")
                .map(|n| format!("TLS{}", if n == "1" { "1.0" } else { n }))
                .unwrap_or_else(|| panic!("sslscan version {v} in {line}")),
        };
        let name = f[4];
        let iana = suites::by_openssl_name(name)
            .or_else(|| suites::by_iana_name(name))
            .unwrap_or_else(|| panic!("sslscan's {name} is not in the registry ({line})"))
            .iana;
        found.entry(version).or_default().insert(iana.to_string());
    }
    assert!(
        !found.is_empty(),
        "sslscan accepted nothing: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(found)
}

/// xrdp follows the client's order: `ssl_tls_accept` (xrdp 0.9, common/ssl_calls.c) sets no
/// SSL_OP_CIPHER_SERVER_PREFERENCE, only the protocol, compression and padding options.
const XRDP_SERVER_ORDER: bool = false;

#[tokio::test]
async fn xrdp_legacy_tls10_to_tls12_all_seclevel0() {
    let cipher = "ALL:@SECLEVEL=0";
    if require_server(openssl_cli()).is_none() {
        return;
    }
    let Some(xrdp) = require_server(Xrdp::start(xrdp_config(
        "TLSv1, TLSv1.1, TLSv1.2",
        Some(cipher),
    ))) else {
        return;
    };
    let expected = Expected::new(
        &["TLS1.0", "TLS1.1", "TLS1.2"],
        &[cipher],
        XRDP_SERVER_ORDER,
    );
    let r = scan(xrdp.port(), &scan_options(false)).await;
    // sslscan makes 144 connections for this profile.
    check("xrdp legacy", &r, &expected, 144);

    let port = xrdp.port();
    let sslscan = tokio::task::spawn_blocking(move || sslscan_suites(port))
        .await
        .expect("sslscan task");
    if let Some(sslscan) = sslscan {
        let mut ours: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for s in &r.tls.as_ref().unwrap().cipher_suites {
            ours.entry(s.version.to_string())
                .or_default()
                .insert(s.suite.name());
        }
        assert_eq!(ours, sslscan, "rdptls and sslscan --rdp disagree");
        eprintln!(
            "xrdp legacy: sslscan --rdp accepted the same {} suites",
            sslscan.values().map(BTreeSet::len).sum::<usize>()
        );
    }
    drop(xrdp);
}

#[tokio::test]
async fn xrdp_modern_tls12_tls13_high() {
    let cipher = "HIGH";
    if require_server(openssl_cli()).is_none() {
        return;
    }
    let Some(xrdp) = require_server(Xrdp::start(xrdp_config("TLSv1.2, TLSv1.3", Some(cipher))))
    else {
        return;
    };
    let expected = Expected::new(&["TLS1.2", "TLS1.3"], &[cipher], XRDP_SERVER_ORDER);
    let r = scan(xrdp.port(), &scan_options(false)).await;
    check("xrdp modern", &r, &expected, 96);
}
