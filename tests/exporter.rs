//! `rdptls exporter` against fixture servers: /probe answers OpenMetrics a Prometheus parser accepts, with the
//! certificate's days left; results are cached per target; /metrics counts; bad probes are refused.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use rdptls::exporter::{bind as bind_exporter, ExporterOptions};
use rdptls::serve::{bind, Profile};

/// One GET over HTTP/1.1: the status code, the content type and the body.
fn get(addr: SocketAddr, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).expect("connect to the exporter");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read the answer");
    let (head, body) = raw.split_once("\r\n\r\n").expect("headers, then a body");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_string)
        })
        .unwrap_or_default();
    (status, content_type, body.to_string())
}

fn parse(body: &str) -> prometheus_parse::Scrape {
    prometheus_parse::Scrape::parse(body.lines().map(|l| Ok(l.to_string())))
        .unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn value(scrape: &prometheus_parse::Scrape, name: &str) -> f64 {
    let s = scrape
        .samples
        .iter()
        .find(|s| s.metric == name)
        .unwrap_or_else(|| panic!("{name} missing"));
    match s.value {
        prometheus_parse::Value::Gauge(v)
        | prometheus_parse::Value::Counter(v)
        | prometheus_parse::Value::Untyped(v) => v,
        _ => panic!("{name}: not a single value"),
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn probe_scans_fixtures_caches_per_target_and_counts_itself() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let started = unix_now();
    let expiring = rt
        .block_on(bind(Profile::ExpiringCert, ([127, 0, 0, 1], 0).into()))
        .unwrap();
    let modern = rt
        .block_on(bind(Profile::Modern, ([127, 0, 0, 1], 0).into()))
        .unwrap();
    let exporter = rt
        .block_on(bind_exporter(
            ([127, 0, 0, 1], 0).into(),
            ExporterOptions {
                timeout: Duration::from_secs(3),
                ..ExporterOptions::default()
            },
        ))
        .unwrap();
    let addr = exporter.addr();
    assert!(addr.ip().is_loopback());

    let path = format!("/probe?target={}&module=quick", expiring.addr());
    let (status, content_type, body) = get(addr, &path);
    assert_eq!(status, 200, "{body}");
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    assert!(body.ends_with("# EOF\n"));
    let scrape = parse(&body);
    assert_eq!(value(&scrape, "rdptls_probe_success"), 1.0);
    let not_after = value(&scrape, "rdptls_cert_not_after_timestamp_seconds") as i64;
    let days = value(&scrape, "rdptls_cert_days_left") as i64;
    let days_at = |t: i64| (not_after - t).div_euclid(86_400);
    assert!(
        (days_at(unix_now())..=days_at(started)).contains(&days),
        "{days}"
    );
    assert!(
        (started + 10 * 86_400 - 1..=unix_now() + 10 * 86_400).contains(&not_after),
        "the fixture's certificate expires ten days after it started"
    );
    for name in [
        "rdptls_probe_duration_seconds",
        "rdptls_tls_version_supported",
        "rdptls_nla_required",
        "rdptls_credssp_version",
        "rdptls_finding",
    ] {
        assert!(
            scrape.samples.iter().any(|s| s.metric == name),
            "{name} missing: {body}"
        );
    }
    // The same target again: from the cache, the same answer.
    let (_, _, again) = get(addr, &path);
    assert_eq!(again, body);

    // The full module replays the clients; each is a labelled sample. The target is percent-encoded.
    let encoded = modern.addr().to_string().replace(':', "%3A");
    let (status, _, full) = get(addr, &format!("/probe?target={encoded}&module=full"));
    assert_eq!(status, 200, "{full}");
    let scrape = parse(&full);
    let clients: Vec<&str> = scrape
        .samples
        .iter()
        .filter(|s| s.metric == "rdptls_client_connects")
        .filter_map(|s| s.labels.get("client"))
        .collect();
    assert!(clients.contains(&"mstsc-win11"), "{full}");
    let tls13 = scrape.samples.iter().find(|s| {
        s.metric == "rdptls_tls_version_supported" && s.labels.get("version") == Some("TLS1.3")
    });
    assert!(tls13.is_some(), "{full}");

    // A closed port: the probe answers, with success 0.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let (status, _, down) = get(addr, &format!("/probe?target={closed}&module=quick"));
    assert_eq!(status, 200);
    assert_eq!(value(&parse(&down), "rdptls_probe_success"), 0.0);

    // Probes that cannot be right are refused before any scan.
    for bad in [
        "/probe",
        "/probe?target=rdp01:0",
        "/probe?target=rdp01&module=slow",
    ] {
        let (status, _, _) = get(addr, bad);
        assert_eq!(status, 400, "{bad}");
    }
    assert_eq!(get(addr, "/nope").0, 404);

    let (status, _, metrics) = get(addr, "/metrics");
    assert_eq!(status, 200);
    let own = parse(&metrics);
    assert_eq!(
        value(&own, "rdptls_exporter_probes_total"),
        7.0,
        "{metrics}"
    );
    assert_eq!(value(&own, "rdptls_exporter_scans_total"), 3.0, "{metrics}");
    assert_eq!(
        value(&own, "rdptls_exporter_cache_hits_total"),
        1.0,
        "{metrics}"
    );
    assert_eq!(
        value(&own, "rdptls_exporter_bad_requests_total"),
        3.0,
        "{metrics}"
    );
    assert_eq!(
        value(&own, "rdptls_exporter_scans_in_flight"),
        0.0,
        "{metrics}"
    );

    rt.block_on(exporter.stop());
}

#[test]
fn scans_in_flight_never_exceed_the_bound() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Tarpits accept and never answer: each scan lasts until its timeouts, long enough to overlap.
    let tarpits: Vec<_> = (0..3)
        .map(|_| {
            rt.block_on(bind(Profile::Tarpit, ([127, 0, 0, 1], 0).into()))
                .unwrap()
        })
        .collect();
    let exporter = rt
        .block_on(bind_exporter(
            ([127, 0, 0, 1], 0).into(),
            ExporterOptions {
                timeout: Duration::from_secs(1),
                max_in_flight: 1,
                ..ExporterOptions::default()
            },
        ))
        .unwrap();
    let addr = exporter.addr();
    let probes: Vec<_> = tarpits
        .iter()
        .map(|t| {
            let path = format!("/probe?target={}&module=quick", t.addr());
            std::thread::spawn(move || get(addr, &path))
        })
        .collect();
    let mut seen = Vec::new();
    while !probes.iter().all(|p| p.is_finished()) {
        let (_, _, metrics) = get(addr, "/metrics");
        seen.push(value(&parse(&metrics), "rdptls_exporter_scans_in_flight"));
    }
    for p in probes {
        let (status, _, body) = p.join().unwrap();
        assert_eq!(status, 200);
        assert_eq!(value(&parse(&body), "rdptls_probe_success"), 0.0);
    }
    let most = seen.iter().copied().fold(0.0, f64::max);
    assert!(
        most <= 1.0,
        "{most} scans in flight at once, the bound is 1"
    );
    let (_, _, metrics) = get(addr, "/metrics");
    assert_eq!(value(&parse(&metrics), "rdptls_exporter_scans_total"), 3.0);
    rt.block_on(exporter.stop());
}
