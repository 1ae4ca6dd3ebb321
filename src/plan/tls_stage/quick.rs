//! Quick mode: the certificate from one handshake, without enumerating versions and suites.

use std::sync::Arc;

use super::candidates::{strength, GROUPS};
use super::handshakes::ModernResult;
use super::{one_handshake, path_of, Stage};
use crate::model::{
    Answer, CipherSuite, ErrorKind, Negotiated, Offer, ProtocolVersion, Sni, SuiteEntry, Via,
};
use crate::probe::raw::RawOracle;
use crate::probe::Oracle;
use crate::wire::tls::suites::{self, SuiteInfo};

/// The modern handshake's result; when rustls could not agree with the server (legacy versions or suites), raw
/// hellos read the certificate instead: TLS 1.2, then TLS 1.0, each with the strongest 128 suites it may use.
/// When they cannot either, the chain the failed rustls handshake saw (TLS 1.3) is still analysed.
pub async fn quick(oracle: &Arc<RawOracle>, modern: ModernResult) -> Stage {
    let failed = match modern {
        // One handshake does not tell which versions the server accepts: no list for the analysis.
        Ok((n, chain, after)) => {
            let mut tls = one_handshake(n);
            after.apply(&mut tls);
            return (Ok(tls), chain, Vec::new());
        }
        Err(f) if f.error.kind == ErrorKind::Protocol || f.error.kind == ErrorKind::Reset => f,
        Err(f) => return (Err((f.error, None)), f.chain, Vec::new()),
    };
    for version in [ProtocolVersion::TLS1_2, ProtocolVersion::TLS1_0] {
        let mut usable: Vec<&SuiteInfo> =
            suites::all().filter(|i| i.usable_with(version)).collect();
        usable.sort_by_key(|i| std::cmp::Reverse(strength(i)));
        let offer = Offer {
            versions: vec![version],
            suites: usable.iter().take(128).map(|i| CipherSuite(i.id)).collect(),
            groups: GROUPS.to_vec(),
            x25519_share: false,
            renegotiation_scsv: true,
            shape: None,
            sni: Sni::Name,
        };
        if let Ok(Answer::Hello {
            version: v,
            suite,
            chain,
            cert_request,
            ..
        }) = oracle.ask(offer).await
        {
            if !chain.is_empty() {
                let n = Negotiated {
                    version: v,
                    suite: SuiteEntry::new(v, suite),
                    via: Via::Raw,
                    path: path_of(oracle),
                };
                let mut tls = one_handshake(n);
                tls.client_certificate_requested = cert_request;
                return (Ok(tls), chain, Vec::new());
            }
        }
    }
    (Err((failed.error, None)), failed.chain, Vec::new())
}
