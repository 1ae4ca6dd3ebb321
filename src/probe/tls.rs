//! The rustls probe: a full TLS handshake over a stream that is already past X.224 (or direct), recording the
//! certificate chain whatever it holds. Resumption is off so that every handshake shows the certificate.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::Resumption;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme, SupportedProtocolVersion};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::{timeout_error, ProbeContext};
use crate::model::{CipherSuite, ErrorKind, ProtocolVersion, ScanError, Step};

/// A completed handshake.
#[derive(Debug, Clone)]
pub struct TlsSession {
    pub version: ProtocolVersion,
    pub suite: CipherSuite,
    /// DER certificates, leaf first, as the server sent them.
    pub chain: Vec<Vec<u8>>,
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
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = RecordingVerifier::new(provider.clone());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    config.resumption = Resumption::disabled();
    Ok((config, verifier))
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
    stream: TcpStream,
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
    stream: TcpStream,
    host: &str,
    versions: RustlsVersions,
) -> Result<(TlsSession, TlsStream<TcpStream>), HandshakeFailure> {
    let protocol_versions: &[&'static SupportedProtocolVersion] = match versions {
        RustlsVersions::Both => &[&rustls::version::TLS13, &rustls::version::TLS12],
        RustlsVersions::Tls12Only => &[&rustls::version::TLS12],
        RustlsVersions::Tls13Only => &[&rustls::version::TLS13],
    };
    let (mut config, verifier) = accept_any_config(protocol_versions)
        .map_err(|e| ScanError::new(Step::Tls, ErrorKind::Other, e.to_string()))?;
    config.enable_sni = host.parse::<IpAddr>().is_err();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let failed = |error| HandshakeFailure {
        error,
        chain: verifier.take_chain().unwrap_or_default(),
    };
    let tls = match tokio::time::timeout(ctx.timeout, connector.connect(server_name(host), stream))
        .await
    {
        Err(_) => {
            return Err(failed(timeout_error(
                Step::Tls,
                ctx,
                "TLS handshake completion",
            )))
        }
        Ok(Err(e)) => return Err(failed(classify_rustls_error(&e))),
        Ok(Ok(tls)) => tls,
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
        },
        tls,
    ))
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
