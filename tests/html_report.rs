//! The HTML report of a 5-host fixture fleet, rendered in headless Chromium: the DOM it builds has the summary
//! counts, the expiry timeline (SVG, with its expired and warning bands), the host-by-client matrix and each
//! host's findings; the page fetches nothing. Under CI=true, Chromium must start; elsewhere the test says it skips.

use std::path::Path;
use std::process::Command;

use rdptls::serve::{bind, Profile};

/// The Chromium binary on PATH, if any.
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// The DOM Chromium builds from `page`, serialized.
fn rendered_dom(browser: &str, page: &Path) -> String {
    let out = Command::new("timeout")
        .args([
            "120",
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 DOM")
}

#[test]
fn the_fleet_page_renders_in_headless_chromium_with_every_part() {
    let Some(browser) = chromium() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromium is needed under CI=true (scripts/install-test-deps.sh installs it)");
        }
        eprintln!("skipping: chromium is not installed (scripts/install-test-deps.sh installs it)");
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let servers: Vec<_> = [
        Profile::ExpiredCert,
        Profile::ExpiringCert,
        Profile::Modern,
        Profile::Tls13Only,
    ]
    .into_iter()
    .map(|p| rt.block_on(bind(p, ([127, 0, 0, 1], 0).into())).unwrap())
    .collect();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let mut targets: Vec<String> = servers.iter().map(|s| s.addr().to_string()).collect();
    targets.push(closed.clone());
    let dir = std::env::temp_dir().join(format!("rdptls-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("fleet.html");
    let out = Command::new(env!("CARGO_BIN_EXE_rdptls"))
        .args([
            "scan",
            "--quick",
            "--timeout",
            "3",
            "--format",
            "html",
            "--output",
        ])
        .arg(&page)
        .args(&targets)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "one host is down");
    let source = std::fs::read_to_string(&page).unwrap();
    // Self-contained: no script, no stylesheet or image to fetch, no link out of the page.
    for fetch in ["<script", "src=", "<link", "url(", "href=\"http", "@import"] {
        assert!(!source.contains(fetch), "the page has {fetch}");
    }

    let dom = rendered_dom(browser, &page);
    assert!(
        dom.contains("id=\"count-hosts\">5 hosts<"),
        "summary counts"
    );
    assert!(
        dom.contains("id=\"count-critical\">3 critical<"),
        "expired, down, and TLS 1.3 only (no current mstsc connects: critical)"
    );
    assert!(dom.contains("id=\"count-warning\">1 warning<"), "expiring");
    assert!(dom.contains("id=\"count-ok\">1 ok<"), "modern");
    assert_eq!(dom.matches("<tr class=\"host\">").count(), 5);
    // Hosts in the order given.
    let positions: Vec<usize> = targets
        .iter()
        .map(|t| {
            dom.find(&format!(">{t}</a>"))
                .unwrap_or_else(|| panic!("{t} missing"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "order given");
    // The timeline: an SVG element in the DOM with both bands and one dot per certificate.
    let svg = &dom[dom.find("<svg").expect("svg")..dom.find("</svg>").expect("svg end")];
    assert!(svg.contains("class=\"band-expired\""));
    assert!(svg.contains("class=\"band-warning\""));
    assert_eq!(
        svg.matches("<circle class=\"cert\"").count(),
        4,
        "four hosts have a certificate"
    );
    // The matrix: a row per host, the old mstsc failing on the modern servers with its reason.
    let matrix = &dom[dom.find("id=\"matrix\"").expect("matrix")..];
    let matrix = &matrix[..matrix.find("</table>").unwrap()];
    assert_eq!(matrix.matches("<tr>").count(), 6, "header and 5 hosts");
    assert!(matrix.contains("class=\"fails\""));
    assert!(matrix.contains("class=\"connects\""));
    assert!(
        matrix.contains("no cipher suite in common") || matrix.contains("no TLS version in common")
    );
    // Findings per host, the expired certificate among them.
    assert_eq!(dom.matches("<article class=\"host-findings\"").count(), 5);
    assert!(dom.contains("<code>cert-expired</code>"));
    drop(servers);
}
