//! `rdptls exporter`: a Prometheus exporter in the blackbox_exporter style. `GET /probe?target=HOST:PORT&module=
//! quick|full` scans the target (or serves a result younger than the cache TTL) and answers OpenMetrics text;
//! `GET /metrics` gives the exporter's own counters. Scans in flight are bounded; concurrent probes of one target
//! wait for one scan.
//!
//! HTTP is hyper 1 (HTTP/1.1 only, the server part) over the tokio runtime the scanner already uses.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::{oneshot, Semaphore};

use crate::analysis::clients::{builtin_profiles, ClientProfile};
use crate::plan::Target;
use crate::report::openmetrics;
use crate::scan::{scan_target, ScanOptions};

/// The exporter's settings.
#[derive(Debug, Clone)]
pub struct ExporterOptions {
    /// How long a target's result is served before it is scanned again.
    pub cache_ttl: Duration,
    /// Scans in flight at once.
    pub max_in_flight: usize,
    /// Each network step's limit.
    pub timeout: Duration,
    /// Days left under which `cert-expiring` is reported.
    pub warn_days: i64,
}

impl Default for ExporterOptions {
    fn default() -> Self {
        Self {
            cache_ttl: Duration::from_secs(300),
            max_in_flight: 4,
            timeout: Duration::from_secs(5),
            warn_days: 30,
        }
    }
}

/// What `/probe` scans: `quick` (negotiation and one handshake) or `full` (enumeration and clients).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Module {
    Quick,
    Full,
}

impl Module {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "quick" => Some(Self::Quick),
            "full" => Some(Self::Full),
            _ => None,
        }
    }
}

/// A cached answer: when it was made, and the body.
type Slot = Arc<tokio::sync::Mutex<Option<(Instant, Arc<String>)>>>;

struct State {
    opts: ExporterOptions,
    clients: Arc<Vec<ClientProfile>>,
    in_flight: Semaphore,
    cache: Mutex<HashMap<(String, Module), Slot>>,
    probes: AtomicU64,
    scans: AtomicU64,
    cache_hits: AtomicU64,
    bad_requests: AtomicU64,
    scanning: AtomicU64,
}

/// A running exporter.
pub struct Exporter {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Exporter {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections and waits for the accept loop to end.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Binds `addr` and serves until [`Exporter::stop`].
pub async fn bind(addr: SocketAddr, opts: ExporterOptions) -> std::io::Result<Exporter> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let clients = builtin_profiles().map_err(std::io::Error::other)?;
    let state = Arc::new(State {
        in_flight: Semaphore::new(opts.max_in_flight.max(1)),
        opts,
        clients: Arc::new(clients),
        cache: Mutex::new(HashMap::new()),
        probes: AtomicU64::new(0),
        scans: AtomicU64::new(0),
        cache_hits: AtomicU64::new(0),
        bad_requests: AtomicU64::new(0),
        scanning: AtomicU64::new(0),
    });
    let (stop, mut stopped) = oneshot::channel();
    let task = tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                _ = &mut stopped => break,
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let state = state.clone();
                    connections.spawn(async move {
                        let service = service_fn(move |req| handle(state.clone(), req));
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
            }
        }
        connections.abort_all();
    });
    Ok(Exporter {
        addr,
        stop: Some(stop),
        task,
    })
}

fn text(status: StatusCode, content_type: &str, body: String) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    const PLAIN: &str = "text/plain; charset=utf-8";
    if req.method() != Method::GET {
        return Ok(text(
            StatusCode::METHOD_NOT_ALLOWED,
            PLAIN,
            "GET only\n".into(),
        ));
    }
    let query = parse_query(req.uri().query().unwrap_or(""));
    Ok(match req.uri().path() {
        "/probe" => probe(&state, &query).await,
        "/metrics" => text(
            StatusCode::OK,
            "text/plain; version=0.0.4; charset=utf-8",
            own_metrics(&state),
        ),
        "/" => text(
            StatusCode::OK,
            "text/html; charset=utf-8",
            "<html><body><h1>rdptls exporter</h1><p><a href=\"/metrics\">/metrics</a>; \
             /probe?target=HOST:PORT&amp;module=quick|full</p></body></html>\n"
                .into(),
        ),
        _ => text(StatusCode::NOT_FOUND, PLAIN, "not found\n".into()),
    })
}

async fn probe(state: &State, query: &HashMap<String, String>) -> Response<Full<Bytes>> {
    const PLAIN: &str = "text/plain; charset=utf-8";
    state.probes.fetch_add(1, Ordering::Relaxed);
    let bad = |msg: String| {
        state.bad_requests.fetch_add(1, Ordering::Relaxed);
        text(StatusCode::BAD_REQUEST, PLAIN, msg + "\n")
    };
    let Some(target) = query.get("target").filter(|t| !t.is_empty()) else {
        return bad("target parameter is missing".into());
    };
    if let Err(e) = Target::parse(target) {
        return bad(format!("target {target:?}: {e}"));
    }
    let module = match query.get("module").map(String::as_str) {
        None | Some("") => Module::Full,
        Some(m) => match Module::parse(m) {
            Some(m) => m,
            None => return bad(format!("unknown module {m:?}: quick or full")),
        },
    };
    let slot: Slot = {
        let mut cache = state.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.entry((target.clone(), module)).or_default().clone()
    };
    // One scan per target at a time: a second probe waits here and then finds the fresh result.
    let mut cached = slot.lock().await;
    if let Some((at, body)) = cached.as_ref() {
        if at.elapsed() < state.opts.cache_ttl {
            state.cache_hits.fetch_add(1, Ordering::Relaxed);
            return text(StatusCode::OK, openmetrics::CONTENT_TYPE, body.to_string());
        }
    }
    let body = {
        let _permit = state.in_flight.acquire().await;
        state.scanning.fetch_add(1, Ordering::Relaxed);
        state.scans.fetch_add(1, Ordering::Relaxed);
        let mut opts = ScanOptions {
            timeout: state.opts.timeout,
            quick: module == Module::Quick,
            clients: (module == Module::Full).then(|| state.clients.clone()),
            ..ScanOptions::default()
        };
        opts.analysis.warn_days = state.opts.warn_days;
        let started = Instant::now();
        let report = scan_target(target, &opts).await;
        state.scanning.fetch_sub(1, Ordering::Relaxed);
        Arc::new(openmetrics::render_probe(
            &report,
            started.elapsed().as_secs_f64(),
        ))
    };
    *cached = Some((Instant::now(), body.clone()));
    text(StatusCode::OK, openmetrics::CONTENT_TYPE, body.to_string())
}

/// The exporter's own metrics, in the Prometheus text format.
fn own_metrics(state: &State) -> String {
    let cached = state
        .cache
        .lock()
        .map(|c| c.len())
        .unwrap_or_else(|e| e.into_inner().len());
    let rows: [(&str, &str, &str, u64); 6] = [
        (
            "rdptls_exporter_probes_total",
            "counter",
            "Requests to /probe",
            state.probes.load(Ordering::Relaxed),
        ),
        (
            "rdptls_exporter_scans_total",
            "counter",
            "Scans run (probes not answered from the cache)",
            state.scans.load(Ordering::Relaxed),
        ),
        (
            "rdptls_exporter_cache_hits_total",
            "counter",
            "Probes answered from the cache",
            state.cache_hits.load(Ordering::Relaxed),
        ),
        (
            "rdptls_exporter_bad_requests_total",
            "counter",
            "Probes refused: no target, a target that cannot be right, an unknown module",
            state.bad_requests.load(Ordering::Relaxed),
        ),
        (
            "rdptls_exporter_scans_in_flight",
            "gauge",
            "Scans running now",
            state.scanning.load(Ordering::Relaxed),
        ),
        (
            "rdptls_exporter_cached_targets",
            "gauge",
            "Targets and modules with a cache slot",
            cached as u64,
        ),
    ];
    let mut out = String::new();
    for (name, kind, help, v) in rows {
        out.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {v}\n"
        ));
    }
    out
}

/// `a=b&c=d`, percent-decoded (`+` is a space).
fn parse_query(q: &str) -> HashMap<String, String> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_decoded() {
        let q = parse_query("target=%5B%3A%3A1%5D%3A3389&module=quick&x=a+b&bad=%zz&end=%4");
        assert_eq!(q["target"], "[::1]:3389");
        assert_eq!(q["module"], "quick");
        assert_eq!(q["x"], "a b");
        assert_eq!(q["bad"], "%zz");
        assert_eq!(q["end"], "%4");
    }
}
