//! The raw TLS probe: one hand-built ClientHello per connection, the server's first flight read in the clear.
//! It answers for any version and suite, legacy ones included, which rustls cannot offer.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Mutex;

use super::Conn;
use tokio::io::AsyncWriteExt;
use tokio::sync::oneshot;
use tokio_rustls::client::TlsStream;

use super::early::{trial_timeout, EarlyHellos, HelloTiming};
use super::flight::read_flight;
use super::x224::negotiate_carrying;
use super::Oracle;
use super::{connect, timeout_error, ProbeContext};
use crate::model::{Answer, ErrorKind, Offer, ScanError, Sni, Step};
use crate::wire::tls::{ClientHelloSpec, KeyShareOffer, NamedGroup, ProtocolVersion};
use crate::wire::x224::{NegotiationReply, Protocols, X224Reply};

/// How often, and after what first pause, a connection the server closed before answering is opened again.
const DROP_RETRIES: u32 = 3;
const DROP_BACKOFF: std::time::Duration = std::time::Duration::from_millis(100);

/// Sends ClientHellos to one server, each over its own connection: negotiated through X.224 with `path`, or
/// direct TLS when `path` is `None`. Connections the negotiation probes left ready for TLS are used first.
pub struct RawOracle {
    pub ctx: ProbeContext,
    pub addr: SocketAddr,
    pub path: Option<Protocols>,
    /// The host name for SNI (sent only when it is a DNS name).
    pub server_name: Option<String>,
    ready: Mutex<Vec<Conn>>,
    /// Each SNI host (or none) some hello carried that the server answered with a ServerHello, with the leaf
    /// certificate it showed then (empty when it showed none in the clear).
    answered_sni: Mutex<BTreeMap<Option<String>, Vec<u8>>>,
    /// Where the next PROTOCOL_SSL rustls handshake's connection goes when it is done (see `keep_after_tls`).
    after_tls: Mutex<Option<oneshot::Sender<TlsStream<Conn>>>>,
    /// Whether hellos on new connections ride with their Connection Request (`probe::early`).
    early: EarlyHellos,
}

impl RawOracle {
    pub fn new(
        ctx: ProbeContext,
        addr: SocketAddr,
        path: Option<Protocols>,
        server_name: Option<String>,
    ) -> Self {
        Self {
            ctx,
            addr,
            path,
            server_name,
            ready: Mutex::new(Vec::new()),
            answered_sni: Mutex::new(BTreeMap::new()),
            after_tls: Mutex::new(None),
            early: EarlyHellos::default(),
        }
    }

    /// Keeps every hello after its Confirm (no trial of early hellos).
    pub fn without_early_hellos(mut self) -> Self {
        self.early = EarlyHellos::new(false);
        self
    }

    /// Whether a trial proved that this server reads a hello sent with the Connection Request, and hellos go so.
    pub fn early_hellos(&self) -> bool {
        self.early.on()
    }

    /// Asks for the next rustls handshake's connection on PROTOCOL_SSL, once done, for what follows TLS (MCS).
    pub fn keep_after_tls(&self) -> oneshot::Receiver<TlsStream<Conn>> {
        let (tx, rx) = oneshot::channel();
        if let Ok(mut slot) = self.after_tls.lock() {
            *slot = Some(tx);
        }
        rx
    }

    /// Where a finished PROTOCOL_SSL handshake's connection goes, if someone asked for it (once).
    pub fn take_after_tls(&self) -> Option<oneshot::Sender<TlsStream<Conn>>> {
        self.after_tls.lock().ok().and_then(|mut slot| slot.take())
    }

    /// Hands over a connection that is already past X.224 and waits for a ClientHello.
    pub fn add_ready(&self, stream: Conn) {
        if let Ok(mut ready) = self.ready.lock() {
            ready.push(stream);
        }
    }

    /// A connection ready for a ClientHello: a pooled one, or a new one.
    pub async fn open(&self) -> Result<Conn, ScanError> {
        match self.pooled() {
            Some(s) => Ok(s),
            None => self.open_new(&[]).await,
        }
    }

    fn pooled(&self) -> Option<Conn> {
        self.ready.lock().ok().and_then(|mut r| r.pop())
    }

    /// A new connection, negotiated through X.224 (unless direct), with `carry` sent behind the Connection
    /// Request (`probe::early`).
    async fn open_new(&self, carry: &[u8]) -> Result<Conn, ScanError> {
        let Some(path) = self.path else {
            return connect(&self.ctx, self.addr).await;
        };
        // A server at its connection limit closes some connections before answering while it answers others
        // (this path was answered before): back off, and try again, a few times.
        let mut wait = DROP_BACKOFF;
        let mut tries = 0;
        let n = loop {
            match negotiate_carrying(&self.ctx, self.addr, path, carry).await {
                Err(e) if e.kind == ErrorKind::Reset && tries < DROP_RETRIES => {
                    tries += 1;
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                Err(e) => return Err(e),
                Ok(n) => {
                    if tries > 0 {
                        self.ctx.journal.recovered();
                    }
                    break n;
                }
            }
        };
        match n.reply {
            X224Reply::Confirm(cc) => match cc.negotiation {
                NegotiationReply::Response {
                    selected: Protocols::SSL | Protocols::HYBRID | Protocols::HYBRID_EX,
                    ..
                } => Ok(n.stream),
                other => Err(ScanError::new(
                    Step::X224,
                    ErrorKind::Protocol,
                    format!("asked for {path} and got {other:?}, where it was accepted before"),
                )),
            },
            other => Err(ScanError::new(
                Step::X224,
                ErrorKind::Protocol,
                format!("asked for {path} and got {other:?}, where it was accepted before"),
            )),
        }
    }

    /// The SNI host a hello for `offer` carries (`None`: no `server_name`).
    pub fn sent_sni(&self, offer: &Offer) -> Option<String> {
        self.spec(offer).sni_host().map(str::to_string)
    }

    /// The SNI host the scanner's own hellos (the enumeration's) carry.
    pub fn default_sni(&self) -> Option<String> {
        let mut spec = ClientHelloSpec::new(ProtocolVersion::TLS1_2, Vec::new());
        spec.server_name = self.server_name.clone();
        spec.sni_host().map(str::to_string)
    }

    /// Whether a hello carrying `sni` got a ServerHello, with the same certificate as the scanner's own SNI (as
    /// far as both showed one): then that name does not change the server's answer.
    pub fn sni_answered(&self, sni: &Option<String>) -> bool {
        let Ok(answered) = self.answered_sni.lock() else {
            return false;
        };
        let own = answered.get(&self.default_sni());
        match (answered.get(sni), own) {
            (Some(leaf), Some(own)) => leaf.is_empty() || own.is_empty() || leaf == own,
            _ => false,
        }
    }

    /// Builds the ClientHello for `offer`.
    pub fn spec(&self, offer: &Offer) -> ClientHelloSpec {
        let mut spec = ClientHelloSpec::new(offer.max_version(), offer.suites.clone());
        spec.versions = offer.versions.clone();
        spec.groups = offer.groups.clone();
        spec.server_name = self.server_name.clone();
        spec.renegotiation_scsv = offer.renegotiation_scsv;
        if offer.shape.is_none() {
            match offer.sni {
                Sni::Name => {}
                Sni::AsTyped => spec.sni_ip_literal = true,
                Sni::None => spec.server_name = None,
            }
        }
        if let Some(shape) = &offer.shape {
            spec.layout = Some(shape.extensions.clone());
            if !shape.signature_algorithms.is_empty() {
                spec.signature_algorithms = shape.signature_algorithms.clone();
            }
            spec.empty_session_id = shape.empty_session_id;
            match shape.sni {
                Sni::Name => {}
                Sni::AsTyped => spec.sni_ip_literal = true,
                Sni::None => spec.server_name = None,
            }
        }
        spec.key_share = if !spec.offers_tls13() {
            KeyShareOffer::None
        } else if offer.x25519_share && spec.groups.contains(&NamedGroup::X25519) {
            KeyShareOffer::X25519Real
        } else {
            KeyShareOffer::Empty
        };
        spec
    }

    async fn hello(&self, offer: Offer) -> Result<Answer, ScanError> {
        let spec = self.spec(&offer);
        let bytes = spec.encode().map_err(|e| {
            ScanError::new(
                Step::Tls,
                ErrorKind::Other,
                format!("building the ClientHello: {e}"),
            )
        })?;
        let pooled = self.pooled();
        let timing = match (&pooled, self.path) {
            (None, Some(_)) => self
                .early
                .next(offer.max_version() >= ProtocolVersion::TLS1_2),
            _ => HelloTiming::AfterConfirm,
        };
        let limit = self.ctx.timeout;
        let answer = match timing {
            HelloTiming::AfterConfirm => match pooled {
                Some(stream) => self.exchange(stream, &spec, Some(&bytes), limit).await,
                None => self.on_new(&spec, &bytes, false, limit).await,
            },
            HelloTiming::WithRequest => self.on_new(&spec, &bytes, true, limit).await,
            HelloTiming::Trial => {
                let wait = trial_timeout(limit, self.ctx.pacing.fastest_answer());
                match self.on_new(&spec, &bytes, true, wait).await {
                    Ok(answer @ Answer::Hello { .. }) => {
                        self.early.proved();
                        Ok(answer)
                    }
                    _ => {
                        // The usual way has the last word (and tells whether the trial misled).
                        let usual = self.on_new(&spec, &bytes, false, limit).await;
                        self.early
                            .disproved(matches!(usual, Ok(Answer::Hello { .. })));
                        usual
                    }
                }
            }
        };
        if let Ok(Answer::Hello { chain, .. }) = &answer {
            if let Ok(mut answered) = self.answered_sni.lock() {
                let leaf = chain.first().cloned().unwrap_or_default();
                let seen = answered
                    .entry(spec.sni_host().map(str::to_string))
                    .or_insert_with(|| leaf.clone());
                if seen.is_empty() {
                    *seen = leaf;
                }
            }
        }
        answer
    }

    /// `hello` on a new connection: with its Connection Request (`early`), or after the Confirm.
    async fn on_new(
        &self,
        spec: &ClientHelloSpec,
        hello: &[u8],
        early: bool,
        limit: std::time::Duration,
    ) -> Result<Answer, ScanError> {
        if early {
            let stream = self.open_new(hello).await?;
            self.exchange(stream, spec, None, limit).await
        } else {
            let stream = self.open_new(&[]).await?;
            self.exchange(stream, spec, Some(hello), limit).await
        }
    }

    /// Sends `hello` (unless it went with the Connection Request) and reads the first flight, within `limit`.
    async fn exchange(
        &self,
        mut stream: Conn,
        spec: &ClientHelloSpec,
        hello: Option<&[u8]>,
        limit: std::time::Duration,
    ) -> Result<Answer, ScanError> {
        let exchange = async {
            if let Some(bytes) = hello {
                if let Err(e) = stream.write_all(bytes).await {
                    return Ok(Answer::Refused {
                        alert: None,
                        detail: format!("the server closed before the hello ({e})"),
                    });
                }
            }
            read_flight(&mut stream, spec, &self.ctx.journal).await
        };
        match tokio::time::timeout(limit, exchange).await {
            Err(_) => Err(timeout_error(Step::Tls, &self.ctx, "ServerHello")),
            Ok(r) => r,
        }
    }
}

impl Oracle for std::sync::Arc<RawOracle> {
    fn ask(
        &self,
        offer: Offer,
    ) -> impl std::future::Future<Output = Result<Answer, ScanError>> + Send {
        let this = self.clone();
        async move { this.hello(offer).await }
    }
}
