//! Which client replays the enumeration already answers: the server's answer to a client's hello derived from
//! the enumeration's evidence alone, or the reason the hello must be sent.
//!
//! A hello's outcome is proven when every version it offers is refused outright (the server accepts none at or
//! below the client's highest), or when its pick is fixed: the version the server takes is one the enumeration
//! proved, its accepted suites at that version are complete, its order is known (its own, or the client's), and
//! nothing in the hello the server could decide on differs from what the enumeration sent or showed harmless
//! (the SNI, the groups for an ECDHE or TLS 1.3 pick, the signature algorithms for a signed key exchange, the
//! renegotiation signal, finite-field groups beside a DHE pick). Anything else is replayed.

use std::collections::BTreeSet;

use crate::model::{
    Answer, CipherSuite, EnumerationEvidence, ExtensionType, KeyType, Offer, ProtocolVersion,
    SignatureScheme,
};
use crate::wire::tls::suites::{self, Kx};

/// Derives the server's answer to `offer`, or says why only a replay can tell.
pub fn derive(offer: &Offer, ev: &EnumerationEvidence<'_>) -> Result<Answer, String> {
    let tls = ev.tls;
    if !tls.anomalies.is_empty() || !tls.violations.is_empty() {
        return Err("the enumeration is incomplete (anomalies)".into());
    }
    let tested: BTreeSet<ProtocolVersion> = tls.versions.iter().map(|v| v.version).collect();
    if ProtocolVersion::ALL.iter().any(|v| !tested.contains(v)) {
        return Err("not every version was enumerated".into());
    }
    let supported: Vec<ProtocolVersion> = tls
        .versions
        .iter()
        .filter(|v| v.supported)
        .map(|v| v.version)
        .collect();
    let highest = offer.max_version();
    if supported.is_empty() {
        return Err("the server accepted no hand-built hello".into());
    }
    // A server that checks the name refuses a hello for its SNI before it looks at the versions (OpenSSL's
    // servername callback, a gateway): without an answer to this name, nothing is proven.
    if !ev.sni_answered {
        return Err("no hello with this client's SNI has been answered yet".into());
    }
    if supported.iter().all(|v| *v > highest) {
        return Ok(Answer::VersionRefused {
            detail: format!(
                "derived: the server accepts no version at or below {}",
                highest.name().unwrap_or("unknown")
            ),
        });
    }
    let version = picked_version(offer, &supported)?;
    let shape = offer.shape.as_ref();
    let has = |e: ExtensionType| shape.is_none_or(|s| s.extensions.contains(&e));
    if version < ProtocolVersion::TLS1_3
        && !offer.renegotiation_scsv
        && !has(ExtensionType::RENEGOTIATION_INFO)
    {
        return Err("the hello signals no secure renegotiation, which a server may require".into());
    }
    let accepted: Vec<CipherSuite> = tls
        .cipher_suites
        .iter()
        .filter(|s| s.version == version)
        .map(|s| s.suite)
        .collect();
    let suite = pick(offer, version, &accepted, tls)?;
    let info = suites::lookup(suite.0).ok_or("an unregistered suite")?;
    let groups_ext = has(ExtensionType::SUPPORTED_GROUPS) && !offer.groups.is_empty();
    if info.kx == Kx::Ecdhe || version == ProtocolVersion::TLS1_3 {
        let common = offer.groups.iter().any(|g| tls.groups.contains(g));
        if !groups_ext || !common {
            return Err("no group in common proven for the key exchange".into());
        }
    }
    let dh_bits = if info.kx == Kx::Dhe {
        if offer.groups.iter().any(|g| g.is_ffdhe()) {
            return Err(
                "a DHE pick beside offered ffdhe groups: the server may size DH by them".into(),
            );
        }
        Some(tls.dh_bits.ok_or("a DHE pick with no DH size seen")?)
    } else {
        None
    };
    let signed = version == ProtocolVersion::TLS1_3
        || (version == ProtocolVersion::TLS1_2 && info.forward_secrecy());
    if signed {
        signature_usable(offer, version, ev.chain)?;
    }
    Ok(Answer::Hello {
        version,
        suite,
        group: None,
        dh_bits,
        chain: if version < ProtocolVersion::TLS1_3 {
            ev.chain.to_vec()
        } else {
            Vec::new()
        },
        cert_request: tls.client_certificate_requested,
        certificate_empty: tls.certificate_list_empty,
    })
}

/// The version the server takes: the highest both offer (TLS 1.3 hellos list theirs in `supported_versions`);
/// a legacy hello gets the server's highest at or below the client's, which must be one the client accepts.
fn picked_version(offer: &Offer, supported: &[ProtocolVersion]) -> Result<ProtocolVersion, String> {
    let version = if offer.versions.contains(&ProtocolVersion::TLS1_3) {
        supported
            .iter()
            .copied()
            .filter(|v| offer.versions.contains(v))
            .max()
    } else {
        supported
            .iter()
            .copied()
            .filter(|v| *v <= offer.max_version())
            .max()
    };
    match version {
        Some(v) if offer.versions.contains(&v) => Ok(v),
        _ => Err("no version in common: what the server answers instead is not proven".into()),
    }
}

/// The suite the server picks at `version`: the first of its own order that the client offers, or the first of
/// the client's that it accepts.
fn pick(
    offer: &Offer,
    version: ProtocolVersion,
    accepted: &[CipherSuite],
    tls: &crate::model::TlsReport,
) -> Result<CipherSuite, String> {
    let offered: Vec<CipherSuite> = offer
        .suites
        .iter()
        .copied()
        .filter(|s| accepted.contains(s))
        .collect();
    let Some(&client_first) = offered.first() else {
        return Err("no suite in common at the version the server takes".into());
    };
    let order = tls.server_order.iter().find(|o| o.version == version);
    match order.map(|o| (o.enforced, &o.order)) {
        Some((Some(true), order)) => {
            let full: BTreeSet<&CipherSuite> = order.iter().collect();
            if full != accepted.iter().collect() {
                return Err("the server's order is not known for every suite".into());
            }
            order
                .iter()
                .copied()
                .find(|s| offered.contains(s))
                .ok_or_else(|| "no suite in common".into())
        }
        Some((Some(false), _)) => Ok(client_first),
        _ if accepted.len() == 1 => Ok(client_first),
        _ => Err("the server's order is not known".into()),
    }
}

/// A signed key exchange needs a scheme for the certificate's key among the client's, of SHA-256 or better (a
/// server may refuse SHA-1 where the enumeration offered more).
fn signature_usable(
    offer: &Offer,
    version: ProtocolVersion,
    chain: &[Vec<u8>],
) -> Result<(), String> {
    let schemes: Vec<SignatureScheme> = match &offer.shape {
        None => SignatureScheme::DEFAULT.to_vec(),
        Some(s) if !s.extensions.contains(&ExtensionType::SIGNATURE_ALGORITHMS) => {
            return Err("a signed key exchange without signature_algorithms".into());
        }
        Some(s) if s.signature_algorithms.is_empty() => SignatureScheme::DEFAULT.to_vec(),
        Some(s) => s.signature_algorithms.clone(),
    };
    let leaf = chain.first().ok_or("no certificate to sign with")?;
    let key = crate::analysis::certificate::analyze(std::slice::from_ref(leaf), None, None, 0)
        .map_err(|e| format!("the certificate: {e}"))?
        .key
        .kind;
    let pss = [
        SignatureScheme::RSA_PSS_RSAE_SHA256,
        SignatureScheme::RSA_PSS_RSAE_SHA384,
        SignatureScheme::RSA_PSS_RSAE_SHA512,
    ];
    let pkcs1 = [
        SignatureScheme::RSA_PKCS1_SHA256,
        SignatureScheme::RSA_PKCS1_SHA384,
        SignatureScheme::RSA_PKCS1_SHA512,
    ];
    let usable = match key {
        KeyType::Rsa if version == ProtocolVersion::TLS1_3 => {
            schemes.iter().any(|s| pss.contains(s))
        }
        KeyType::Rsa => schemes.iter().any(|s| pss.contains(s) || pkcs1.contains(s)),
        _ => return Err(format!("a {key} key: its schemes are not modelled")),
    };
    if usable {
        Ok(())
    } else {
        Err("no signature scheme of SHA-256 or better for the certificate's key".into())
    }
}

#[cfg(test)]
mod tests;
