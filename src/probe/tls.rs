//! The rustls probe: a full TLS handshake over a stream that is already past X.224 (or direct), recording the
//! certificate chain whatever it holds. Resumption is off so that every handshake shows the certificate.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use super::Conn;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::Resumption;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme, SupportedProtocolVersion};
use tokio_rustls::client::TlsStream;

use super::{timeout_error, ProbeContext};
use crate::model::{
    AlertDescription, CipherSuite, ConnectionStage, Ending, ErrorKind, ProtocolVersion, Rejection,
    ScanError, Step,
};

/// A completed handshake.
#[derive(Debug, Clone)]
pub struct TlsSession {
    pub version: ProtocolVersion,
    pub suite: CipherSuite,
    /// DER certificates, leaf first, as the server sent them.
    pub chain: Vec<Vec<u8>>,
    /// The server asked for a client certificate (none was sent).
    pub client_cert_requested: bool,
    /// TLS 1.3: what the server did right after the handshake, when it ended the connection (an alert such as
    /// certificate_required or unrecognized_name, or a close). A TLS 1.3 client has finished its handshake
    /// before the server checks its Finished and certificate, so a rejection comes only now.
    pub rejected_after_handshake: Option<Rejection>,
}

/// Sends no client certificate, and notes whether the server asked for one.
#[derive(Debug, Default)]
pub struct RecordingClientAuth {
    asked: std::sync::atomic::AtomicBool,
}

impl RecordingClientAuth {
    /// Whether the server sent a CertificateRequest.
    pub fn asked(&self) -> bool {
        self.asked.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl rustls::client::ResolvesClientCert for RecordingClientAuth {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        self.asked.store(true, std::sync::atomic::Ordering::Relaxed);
        None
    }

    fn has_certs(&self) -> bool {
        false
    }
}

/// A handshake that failed, and the chain the server had presented before it failed (DER, leaf first; empty
/// when it got no further): the verifier records the chain before the handshake's signature is checked, so a
/// TLS 1.3 certificate is read even when rustls cannot verify the server's CertificateVerify (a P-521 key).
#[derive(Debug, Clone)]
pub struct HandshakeFailure {
    pub error: ScanError,
    pub chain: Vec<Vec<u8>>,
}

impl From<ScanError> for HandshakeFailure {
    fn from(error: ScanError) -> Self {
        Self {
            error,
            chain: Vec::new(),
        }
    }
}

/// Signature schemes offered beyond those ring verifies, so that a server whose key only they fit still sends
/// its certificate (RFC 8446 4.4.2.2: a TLS 1.3 server without a scheme in common fails before it): ECDSA
/// P-521, Ed448, RSASSA-PSS with a PSS key. The handshake then fails at the server's signature, after the
/// chain is recorded.
const READ_ONLY_SCHEMES: [SignatureScheme; 5] = [
    SignatureScheme::ECDSA_NISTP521_SHA512,
    SignatureScheme::ED448,
    SignatureScheme::Unknown(0x0809), // rsa_pss_pss_sha256
    SignatureScheme::Unknown(0x080A), // rsa_pss_pss_sha384
    SignatureScheme::Unknown(0x080B), // rsa_pss_pss_sha512
];

/// Which versions rustls may offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RustlsVersions {
    Both,
    Tls12Only,
    Tls13Only,
}

/// Accepts any chain and keeps it; signatures over the handshake are still checked. A scanner wants the
/// certificate whatever it is; the fixture servers' tests use it as a client that trusts anything.
#[derive(Debug)]
pub struct RecordingVerifier {
    provider: Arc<CryptoProvider>,
    chain: Mutex<Option<Vec<Vec<u8>>>>,
}

impl RecordingVerifier {
    pub fn new(provider: Arc<CryptoProvider>) -> Arc<Self> {
        Arc::new(Self {
            provider,
            chain: Mutex::new(None),
        })
    }

    /// The chain the server presented (DER, leaf first), once the handshake got that far.
    pub fn take_chain(&self) -> Option<Vec<Vec<u8>>> {
        self.chain.lock().ok().and_then(|mut c| c.take())
    }

    /// An error naming the scheme, for one of [`READ_ONLY_SCHEMES`]: rustls' own limit, not the server's.
    fn unverifiable(&self, scheme: SignatureScheme) -> Result<(), rustls::Error> {
        if READ_ONLY_SCHEMES.contains(&scheme) {
            return Err(rustls::Error::General(format!(
                "rustls (ring) cannot verify the server's {scheme:?} handshake signature (the certificate was \
read before it)"
            )));
        }
        Ok(())
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = vec![end_entity.as_ref().to_vec()];
        chain.extend(intermediates.iter().map(|c| c.as_ref().to_vec()));
        if let Ok(mut slot) = self.chain.lock() {
            *slot = Some(chain);
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.unverifiable(dss.scheme)?;
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.unverifiable(dss.scheme)?;
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        let mut schemes = self
            .provider
            .signature_verification_algorithms
            .supported_schemes();
        schemes.extend(READ_ONLY_SCHEMES);
        schemes
    }
}

/// A client configuration that accepts any certificate chain and records it (see [`RecordingVerifier`]), offering
/// `versions`, with resumption off so that every handshake shows the certificate. The one such configuration: the
/// probes and the fixture servers' tests share it.
pub fn accept_any_config(
    versions: &[&'static SupportedProtocolVersion],
) -> Result<(rustls::ClientConfig, Arc<RecordingVerifier>), rustls::Error> {
    accept_any_config_noting_client_auth(versions).map(|(config, verifier, _)| (config, verifier))
}

/// [`accept_any_config`], and whether the server asks for a client certificate (none is ever sent).
pub fn accept_any_config_noting_client_auth(
    versions: &[&'static SupportedProtocolVersion],
) -> Result<
    (
        rustls::ClientConfig,
        Arc<RecordingVerifier>,
        Arc<RecordingClientAuth>,
    ),
    rustls::Error,
> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = RecordingVerifier::new(provider.clone());
    let client_auth = Arc::new(RecordingClientAuth::default());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_client_cert_resolver(client_auth.clone());
    config.resumption = Resumption::disabled();
    Ok((config, verifier, client_auth))
}

/// The SNI / name rustls is given: the typed host name, or the IP (rustls sends no SNI for an IP).
pub fn server_name(host: &str) -> ServerName<'static> {
    match host.parse::<IpAddr>() {
        Ok(ip) => ServerName::IpAddress(ip.into()),
        Err(_) => ServerName::try_from(host.to_string())
            .unwrap_or_else(|_| ServerName::IpAddress(IpAddr::from([127, 0, 0, 1]).into())),
    }
}

/// Runs a rustls handshake over `stream` and returns what was negotiated and the chain the server sent (or,
/// when it fails, why and the chain it had seen).
pub async fn handshake(
    ctx: &ProbeContext,
    stream: Conn,
    host: &str,
    versions: RustlsVersions,
) -> Result<TlsSession, HandshakeFailure> {
    handshake_and_keep(ctx, stream, host, versions)
        .await
        .map(|(session, _)| session)
}

/// Like [`handshake`], and keeps the connection open for what follows TLS (CredSSP).
pub async fn handshake_and_keep(
    ctx: &ProbeContext,
    stream: Conn,
    host: &str,
    versions: RustlsVersions,
) -> Result<(TlsSession, TlsStream<Conn>), HandshakeFailure> {
    let protocol_versions: &[&'static SupportedProtocolVersion] = match versions {
        RustlsVersions::Both => &[&rustls::version::TLS13, &rustls::version::TLS12],
        RustlsVersions::Tls12Only => &[&rustls::version::TLS12],
        RustlsVersions::Tls13Only => &[&rustls::version::TLS13],
    };
    let (mut config, verifier, client_auth) =
        accept_any_config_noting_client_auth(protocol_versions)
            .map_err(|e| ScanError::new(Step::Tls, ErrorKind::Other, e.to_string()))?;
    config.enable_sni = host.parse::<IpAddr>().is_err();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let failed = |error| HandshakeFailure {
        error,
        chain: verifier.take_chain().unwrap_or_default(),
    };
    let started = std::time::Instant::now();
    let mut tls =
        match tokio::time::timeout(ctx.timeout, connector.connect(server_name(host), stream)).await
        {
            Err(_) => {
                return Err(failed(timeout_error(
                    Step::Tls,
                    ctx,
                    "TLS handshake completion",
                )))
            }
            Ok(Err(e)) => {
                ctx.journal.ended_by_error(ConnectionStage::X224, &e);
                return Err(failed(classify_rustls_error(&e)));
            }
            Ok(Ok(tls)) => tls,
        };
    ctx.journal.reach(ConnectionStage::Tls);
    let tls13 = tls.get_ref().1.protocol_version() == Some(rustls::ProtocolVersion::TLSv1_3);
    let rejected_after_handshake = if tls13 {
        // About one round trip: the server's verdict on our Finished. An RDP server sends nothing of its own
        // here (it waits for MCS or CredSSP), so silence means accepted.
        let wait = started
            .elapsed()
            .max(POST_HANDSHAKE_MIN_WAIT)
            .min(ctx.timeout);
        let rejection = post_handshake(&mut tls, wait).await;
        if let Some(r) = &rejection {
            let ending = match r.alert {
                Some(alert) => Ending::Alert(alert),
                None => Ending::Closed,
            };
            ctx.journal.ended(ConnectionStage::Tls, ending);
        }
        rejection
    } else {
        None
    };
    let (_, conn) = tls.get_ref();
    let version = ProtocolVersion(conn.protocol_version().map(u16::from).unwrap_or_default());
    let suite = CipherSuite(
        conn.negotiated_cipher_suite()
            .map(|s| u16::from(s.suite()))
            .unwrap_or_default(),
    );
    let chain = verifier.take_chain().unwrap_or_default();
    Ok((
        TlsSession {
            version,
            suite,
            chain,
            client_cert_requested: client_auth.asked(),
            rejected_after_handshake,
        },
        tls,
    ))
}

/// The least time given a TLS 1.3 server to reject the client after its Finished.
const POST_HANDSHAKE_MIN_WAIT: std::time::Duration = std::time::Duration::from_millis(50);

/// Reads once, for `wait`: how the server ended the connection right after the handshake, if it did.
async fn post_handshake(tls: &mut TlsStream<Conn>, wait: std::time::Duration) -> Option<Rejection> {
    use tokio::io::AsyncReadExt;
    let mut buf = [0u8; 1];
    match tokio::time::timeout(wait, tls.read(&mut buf)).await {
        Err(_) => None,
        Ok(Ok(0)) => Some(Rejection {
            alert: None,
            detail: "the server closed the connection right after the handshake".into(),
        }),
        // Data: the server speaks first (unusual for RDP, but no rejection).
        Ok(Ok(_)) => None,
        Ok(Err(e)) => Some(Rejection {
            alert: received_alert(&e),
            detail: e.to_string(),
        }),
    }
}

/// The alert behind a rustls I/O error, when the server sent one.
pub fn received_alert(e: &std::io::Error) -> Option<AlertDescription> {
    match e.get_ref()?.downcast_ref::<rustls::Error>()? {
        rustls::Error::AlertReceived(a) => Some(AlertDescription(u8::from(*a))),
        _ => None,
    }
}

fn classify_rustls_error(e: &std::io::Error) -> ScanError {
    use std::io::ErrorKind as K;
    let kind = match e.kind() {
        K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
            ErrorKind::Reset
        }
        _ => ErrorKind::Protocol,
    };
    let message = match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(rustls::Error::AlertReceived(alert)) => format!("the server sent the alert {alert:?}"),
        Some(other) => format!("handshake failed: {other}"),
        None if kind == ErrorKind::Reset => {
            format!("the server closed the connection during the handshake ({e})")
        }
        None => format!("handshake failed: {e}"),
    };
    ScanError::new(Step::Tls, kind, message)
}
