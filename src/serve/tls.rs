//! The rustls server side of a profile: its fixture certificate and TLS versions made into an acceptor.

use std::io;
use std::sync::Arc;

use rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

use super::spec::Tls;

/// The acceptor for a profile's TLS row; `None` when it never completes a handshake.
pub(super) fn acceptor(tls: Tls) -> io::Result<Option<TlsAcceptor>> {
    let (cert, versions) = match tls {
        Tls::Rustls {
            certificate,
            versions,
        } => (certificate, versions),
        Tls::None | Tls::Instead(_) => return Ok(None),
    };
    let bundle = cert
        .bundle()
        .map_err(|e| io::Error::other(format!("fixture certificate {cert}: {e}")))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .map_err(io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(bundle.chain_der, bundle.key_der)
        .map_err(io::Error::other)?;
    Ok(Some(TlsAcceptor::from(Arc::new(config))))
}
