//! The TLS stage of a scan: enumeration (or one quick handshake), the certificate, and the client replays, over
//! connections that the negotiation stage proved reach TLS.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::net::TcpStream;

use super::tls_enum::{self, codes, Answer, Candidates, Enumeration, Offer, Oracle};
use super::ScanOptions;
use crate::analysis::clients::{self, ClientProfile};
use crate::model::{CredsspReport, NtlmReport};
use crate::model::{
    ErrorKind, Negotiated, ScanError, ServerOrder, Step, SuiteEntry, TargetReport, TlsReport,
    VersionSupport,
};
use crate::probe::credssp;
use crate::probe::raw::RawOracle;
use crate::probe::tls::{handshake, handshake_and_keep, RustlsVersions, TlsSession};
use crate::wire::tls::suites::{self, Kx, SuiteInfo};
use crate::wire::tls::{CipherSuite, NamedGroup, ProtocolVersion};
use crate::wire::x224::Protocols;

/// Every version, ascending.
const VERSIONS: [u16; 5] = [
    codes::SSL3,
    codes::TLS10,
    codes::TLS11,
    codes::TLS12,
    codes::TLS13,
];

/// The groups the enumeration tests: the common ECC groups and the RFC 7919 ffdhe groups.
const GROUPS: [NamedGroup; 10] = [
    NamedGroup::X25519,
    NamedGroup::SECP256R1,
    NamedGroup::SECP384R1,
    NamedGroup::SECP521R1,
    NamedGroup::X448,
    NamedGroup::FFDHE2048,
    NamedGroup::FFDHE3072,
    NamedGroup::FFDHE4096,
    NamedGroup::FFDHE6144,
    NamedGroup::FFDHE8192,
];

/// Weakest first: a server that imposes its own (strong-first) order then shows it by deviating from ours.
fn strength(i: &SuiteInfo) -> impl Ord {
    (
        !i.is_null_cipher(),
        !i.export,
        !i.is_anonymous(),
        !(i.is_rc4() || i.is_triple_des()),
        i.forward_secrecy(),
        i.is_aead(),
        i.bits,
        i.id,
    )
}

/// The candidates of the registry for every version, chains sized to hide latency with `max_conns` in flight.
pub fn registry_candidates(max_conns: usize) -> Candidates {
    let mut legacy: Vec<&SuiteInfo> = suites::all().filter(|i| !i.is_tls13()).collect();
    legacy.sort_by_key(|i| strength(i));
    let ids = |f: &dyn Fn(&SuiteInfo) -> bool| {
        legacy
            .iter()
            .filter(|i| f(i))
            .map(|i| i.id)
            .collect::<Vec<_>>()
    };
    let old = ids(&|i| i.min_version <= ProtocolVersion::SSL3_0);
    let mut tls13: Vec<&SuiteInfo> = suites::all().filter(|i| i.is_tls13()).collect();
    tls13.sort_by_key(|i| strength(i));
    Candidates {
        suites: vec![
            (codes::SSL3, old.clone()),
            (codes::TLS10, old.clone()),
            (codes::TLS11, old),
            (codes::TLS12, ids(&|_| true)),
            (codes::TLS13, tls13.iter().map(|i| i.id).collect()),
        ],
        groups: GROUPS.iter().map(|g| g.0).collect(),
        ecdhe: legacy
            .iter()
            .filter(|i| i.kx == Kx::Ecdhe)
            .map(|i| i.id)
            .collect(),
        tls13_only_groups: GROUPS
            .iter()
            .filter(|g| g.is_ffdhe())
            .map(|g| g.0)
            .collect(),
        // TLS 1.2 has the most suites to find: more chains, so that their length (each step a round trip or
        // three) stays short. The older versions run two chains each (their 139 suites exceed one hello).
        min_partitions: BTreeMap::from([(codes::TLS12, (max_conns * 3 / 4).clamp(1, 6))]),
    }
}

pub fn version_label(v: u16) -> String {
    ProtocolVersion(v).label()
}

pub fn suite_entry(version: u16, id: u16) -> SuiteEntry {
    SuiteEntry {
        version: version_label(version),
        id: format!("0x{id:04X}"),
        name: CipherSuite(id).name(),
    }
}

/// The built-in client profiles, resolved against the registries.
pub fn builtin_profiles() -> Result<Vec<ClientProfile>, String> {
    load_profiles(clients::BUILTIN_PROFILES)
}

/// The built-in profiles extended by a user's file of the same format: an entry with a built-in id replaces
/// that profile, any other is added.
pub fn extended_profiles(user: &str) -> Result<Vec<ClientProfile>, String> {
    let mut profiles = builtin_profiles()?;
    for p in load_profiles(user)? {
        match profiles.iter_mut().find(|q| q.entry.id == p.entry.id) {
            Some(q) => *q = p,
            None => profiles.push(p),
        }
    }
    Ok(profiles)
}

/// Client profiles from a file of the `data/clients.toml` format.
pub fn load_profiles(text: &str) -> Result<Vec<ClientProfile>, String> {
    clients::load(
        text,
        |name| suites::by_iana_name(name).map(|i| i.id),
        |name| {
            NamedGroup::NAMED
                .iter()
                .find(|g| g.name() == Some(name))
                .map(|g| g.0)
        },
    )
}

/// What the TLS stage observed, for the analysis.
#[derive(Default)]
pub struct TlsObservations {
    /// The certificate chain, DER, leaf first.
    pub chain: Vec<Vec<u8>>,
    /// Versions the server accepts, as enumerated (empty in quick mode, which does not enumerate).
    pub versions: Vec<u16>,
    /// Per client profile (in order): the server's answer to that client's hello.
    pub client_answers: Vec<Option<Answer>>,
}

/// Runs the TLS stage: fills `report.tls` (or the TLS error) and returns what the analysis needs.
pub async fn run(
    oracle: Arc<RawOracle>,
    ready: Vec<Ready>,
    name: &str,
    opts: &ScanOptions,
    report: &mut TargetReport,
) -> TlsObservations {
    let (modern, hybrid, pool) = split_ready(ready);
    let handshakes = modern_and_credssp(&oracle, modern, hybrid, name);
    let ((tls, chain, versions), credssp) = if opts.quick {
        let (modern, credssp) = handshakes.await;
        (quick(&oracle, modern).await, credssp)
    } else {
        full(&oracle, pool, handshakes, opts).await
    };
    report.credssp = credssp;
    match tls {
        Ok(tls) => report.tls = Some(tls),
        Err(e) => {
            report.status = crate::model::Status::Error;
            report.error = Some(e);
        }
    }
    let client_answers = match &opts.clients {
        Some(profiles) => replay_clients(&oracle, profiles, report, opts).await,
        None => Vec::new(),
    };
    TlsObservations {
        chain,
        versions,
        client_answers,
    }
}

/// Enumerates everything, while the modern handshake (and CredSSP) run on their own connections; the
/// certificate comes from rustls, or else from a hello that showed it in the clear.
async fn full(
    oracle: &Arc<RawOracle>,
    pool: Vec<TcpStream>,
    handshakes: impl std::future::Future<Output = (ModernResult, Option<CredsspReport>)>,
    opts: &ScanOptions,
) -> (
    (Result<TlsReport, ScanError>, Vec<Vec<u8>>, Vec<u16>),
    Option<CredsspReport>,
) {
    for s in pool {
        oracle.add_ready(s);
    }
    let candidates = registry_candidates(opts.enumeration.max_conns);
    let (e, (modern, credssp)): (Enumeration, _) = tokio::join!(
        tls_enum::enumerate(oracle.clone(), &candidates, &opts.enumeration),
        handshakes
    );
    (tls_report(oracle, e, modern), credssp)
}

/// The TLS report from the enumeration and the modern handshake.
fn tls_report(
    oracle: &RawOracle,
    e: Enumeration,
    modern: ModernResult,
) -> (Result<TlsReport, ScanError>, Vec<Vec<u8>>, Vec<u16>) {
    let supported: Vec<u16> = e
        .versions
        .iter()
        .filter(|(_, ok)| *ok)
        .map(|(v, _)| *v)
        .collect();
    if supported.is_empty() {
        if let Ok((n, chain)) = modern {
            // rustls got through where every hand-built hello failed: report what it saw, and say the
            // enumeration is incomplete rather than claim no TLS.
            let version = clients::version_code(&n.version).into_iter().collect();
            let mut tls = one_handshake(n);
            tls.anomalies = e.anomalies.clone();
            tls.anomalies.push(
                "every hand-built ClientHello was refused while a rustls handshake succeeded: versions and \
suites are incomplete"
                    .into(),
            );
            tls.hellos = e.hellos;
            return (Ok(tls), chain, version);
        }
        let err = e.first_error.clone().unwrap_or_else(|| {
            ScanError::new(
                Step::Tls,
                ErrorKind::Protocol,
                "the server refused every ClientHello: no TLS version and cipher suite in common with any \
offer (SSL 3.0 to TLS 1.3, every registered suite)",
            )
        });
        return (Err(err), Vec::new(), supported);
    }
    let mut tls = TlsReport {
        versions: VERSIONS
            .iter()
            .map(|v| VersionSupport {
                version: version_label(*v),
                supported: supported.contains(v),
            })
            .collect(),
        ..TlsReport::default()
    };
    for (v, suites) in e.suites.iter().rev() {
        let enforced = e.server_order.get(v).copied().flatten();
        let mut listed = suites.clone();
        if enforced != Some(true) {
            // No server order to show: strongest first, as a reader expects.
            listed.sort_by_key(|s| std::cmp::Reverse(CipherSuite(*s).info().map(strength)));
        }
        tls.cipher_suites
            .extend(listed.iter().map(|s| suite_entry(*v, *s)));
        tls.server_order.push(ServerOrder {
            version: version_label(*v),
            enforced,
            order: if enforced == Some(true) {
                suites.iter().map(|s| CipherSuite(*s).name()).collect()
            } else {
                Vec::new()
            },
        });
    }
    tls.groups = e
        .groups
        .iter()
        .map(|g| NamedGroup(*g).to_string())
        .collect();
    tls.dh_bits = e.dh_bits;
    tls.anomalies = e.anomalies.clone();
    tls.hellos = e.hellos;
    // The certificate: from the rustls handshake, else from a hello that showed it in the clear.
    let chain = match (modern, e.chain_from) {
        (Ok((n, chain)), _) => {
            tls.negotiated = Some(n);
            chain
        }
        (Err(err), from) => {
            tls.modern_handshake_error = Some(err.to_string());
            if let Some((v, s)) = from {
                tls.negotiated = Some(Negotiated {
                    version: version_label(v),
                    suite: suite_entry(v, s),
                    via: "raw".into(),
                    path: path_label(oracle),
                });
            }
            e.chain.clone()
        }
    };
    (Ok(tls), chain, supported)
}

fn path_label(oracle: &RawOracle) -> String {
    oracle
        .path
        .map(|p| p.key())
        .unwrap_or_else(|| "direct".into())
}

/// A connection the negotiation left waiting for a ClientHello, with the protocol it negotiated (`None`: direct
/// TLS, no X.224).
pub type Ready = (Option<Protocols>, TcpStream);

/// The modern (rustls) handshake: what it negotiated and the chain it saw.
type ModernResult = Result<(Negotiated, Vec<Vec<u8>>), ScanError>;

fn is_credssp(p: Option<Protocols>) -> bool {
    matches!(p, Some(Protocols::HYBRID | Protocols::HYBRID_EX))
}

/// Splits the ready connections: the first carries the modern handshake; a CredSSP one (when the first is not)
/// carries the CredSSP probe; the rest go to the enumeration.
fn split_ready(ready: Vec<Ready>) -> (Option<Ready>, Option<TcpStream>, Vec<TcpStream>) {
    let mut rest = ready.into_iter();
    let modern = rest.next();
    let mut hybrid = None;
    let mut pool = Vec::new();
    for (p, s) in rest {
        if hybrid.is_none()
            && is_credssp(p)
            && !modern.as_ref().is_some_and(|(m, _)| is_credssp(*m))
        {
            hybrid = Some(s);
        } else {
            pool.push(s);
        }
    }
    (modern, hybrid, pool)
}

fn negotiated(oracle: &RawOracle, session: TlsSession) -> (Negotiated, Vec<Vec<u8>>) {
    let n = Negotiated {
        version: version_label(session.version),
        suite: suite_entry(session.version, session.suite),
        via: "rustls".into(),
        path: path_label(oracle),
    };
    (n, session.chain)
}

/// The rustls handshake on the first ready connection (or a new one), and CredSSP on a HYBRID connection: the
/// same one when the server negotiated HYBRID first (an NLA-only server), else its own.
async fn modern_and_credssp(
    oracle: &RawOracle,
    modern: Option<Ready>,
    hybrid: Option<TcpStream>,
    name: &str,
) -> (ModernResult, Option<CredsspReport>) {
    let ctx = &oracle.ctx;
    if let Some((p, stream)) = modern {
        if is_credssp(p) {
            return match handshake_and_keep(ctx, stream, name, RustlsVersions::Both).await {
                Ok((session, mut tls)) => {
                    let credssp = credssp_report(ctx, &mut tls).await;
                    (Ok(negotiated(oracle, session)), Some(credssp))
                }
                Err(e) => (Err(e), None),
            };
        }
        let modern = async {
            handshake(ctx, stream, name, RustlsVersions::Both)
                .await
                .map(|s| negotiated(oracle, s))
        };
        let credssp = async {
            let stream = hybrid?;
            Some(
                match handshake_and_keep(ctx, stream, name, RustlsVersions::Both).await {
                    Ok((_, mut tls)) => credssp_report(ctx, &mut tls).await,
                    Err(e) => CredsspReport {
                        error: Some(e.to_string()),
                        ..CredsspReport::default()
                    },
                },
            )
        };
        return tokio::join!(modern, credssp);
    }
    let modern = async {
        let stream = oracle.open().await?;
        handshake(ctx, stream, name, RustlsVersions::Both)
            .await
            .map(|s| negotiated(oracle, s))
    };
    (modern.await, None)
}

/// One TSRequest exchange, as the report shows it.
async fn credssp_report(
    ctx: &crate::probe::ProbeContext,
    tls: &mut tokio_rustls::client::TlsStream<TcpStream>,
) -> CredsspReport {
    let answer = match credssp::negotiate(ctx, tls).await {
        Ok(a) => a,
        Err(e) => {
            return CredsspReport {
                error: Some(e.to_string()),
                ..CredsspReport::default()
            }
        }
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let version = answer.request.version;
    CredsspReport {
        version: Some(version),
        patched: Some(version >= crate::wire::credssp::FIRST_PATCHED_VERSION),
        error_code: answer.request.error_code.map(|c| format!("0x{c:08X}")),
        ntlm: answer.challenge.map(|c| {
            let server = c.timestamp.map(crate::wire::credssp::filetime_to_unix);
            NtlmReport {
                product_version: c.product_version,
                target_name: c.target_name,
                netbios_computer: c.netbios_computer,
                netbios_domain: c.netbios_domain,
                dns_computer: c.dns_computer,
                dns_domain: c.dns_domain,
                dns_tree: c.dns_tree,
                server_time: server.and_then(|t| {
                    time::OffsetDateTime::from_unix_timestamp(t)
                        .ok()?
                        .format(&time::format_description::well_known::Rfc3339)
                        .ok()
                }),
                clock_skew_s: server.map(|t| t - now),
            }
        }),
        error: None,
    }
}

/// Quick mode: the modern handshake's result; when rustls could not agree with the server (legacy versions or
/// suites), raw hellos read the certificate instead: TLS 1.2, then TLS 1.0, each with the strongest 128 suites
/// it may use.
async fn quick(
    oracle: &Arc<RawOracle>,
    modern: ModernResult,
) -> (Result<TlsReport, ScanError>, Vec<Vec<u8>>, Vec<u16>) {
    let rustls_error = match modern {
        // One handshake does not tell which versions the server accepts: no list for the analysis.
        Ok((n, chain)) => return (Ok(one_handshake(n)), chain, Vec::new()),
        Err(e) if e.kind == ErrorKind::Protocol || e.kind == ErrorKind::Reset => e,
        Err(e) => return (Err(e), Vec::new(), Vec::new()),
    };
    for version in [codes::TLS12, codes::TLS10] {
        let mut usable: Vec<&SuiteInfo> = suites::all()
            .filter(|i| i.usable_with(ProtocolVersion(version)))
            .collect();
        usable.sort_by_key(|i| std::cmp::Reverse(strength(i)));
        let offer = Offer {
            versions: vec![version],
            suites: usable.iter().take(128).map(|i| i.id).collect(),
            groups: GROUPS.iter().map(|g| g.0).collect(),
            x25519_share: false,
            renegotiation_scsv: true,
        };
        if let Ok(Answer::Hello {
            version: v,
            suite,
            chain,
            ..
        }) = oracle.ask(offer).await
        {
            if !chain.is_empty() {
                let n = Negotiated {
                    version: version_label(v),
                    suite: suite_entry(v, suite),
                    via: "raw".into(),
                    path: path_label(oracle),
                };
                return (Ok(one_handshake(n)), chain, Vec::new());
            }
        }
    }
    (Err(rustls_error), Vec::new(), Vec::new())
}

/// What one handshake shows: its version is supported, its suite accepted (quick mode knows no more).
fn one_handshake(n: Negotiated) -> TlsReport {
    TlsReport {
        versions: vec![VersionSupport {
            version: n.version.clone(),
            supported: true,
        }],
        cipher_suites: vec![n.suite.clone()],
        negotiated: Some(n),
        ..TlsReport::default()
    }
}

/// One hello per distinct client offer, replayed against the server; returns each profile's answer (the
/// verdicts are analysis). Without a TLS path there is nothing to replay on.
async fn replay_clients(
    oracle: &Arc<RawOracle>,
    profiles: &[ClientProfile],
    report: &TargetReport,
    opts: &ScanOptions,
) -> Vec<Option<Answer>> {
    let tls_path =
        report.tls.is_some() || report.error.as_ref().is_some_and(|e| e.step == Step::Tls);
    if !tls_path {
        return vec![None; profiles.len()];
    }
    let mut distinct: BTreeMap<Vec<u8>, Offer> = BTreeMap::new();
    for p in profiles {
        let offer = p.offer();
        distinct.entry(offer_key(&offer)).or_insert(offer);
    }
    // One connection per distinct hello, at most --max-conns at once.
    let slots = Arc::new(tokio::sync::Semaphore::new(opts.max_conns.max(1)));
    let mut tasks = Vec::new();
    for (key, offer) in distinct {
        let (oracle, slots) = (oracle.clone(), slots.clone());
        tasks.push((
            key,
            tokio::spawn(async move {
                let _slot = slots.acquire_owned().await;
                oracle.ask(offer).await
            }),
        ));
    }
    let mut answers: BTreeMap<Vec<u8>, Answer> = BTreeMap::new();
    for (key, task) in tasks {
        let answer = match task.await {
            Ok(Ok(a)) => a,
            Ok(Err(e)) => Answer::Refused {
                detail: e.to_string(),
            },
            Err(e) => Answer::Refused {
                detail: format!("replay failed: {e}"),
            },
        };
        answers.insert(key, answer);
    }
    profiles
        .iter()
        .map(|p| answers.get(&offer_key(&p.offer())).cloned())
        .collect()
}

fn offer_key(o: &Offer) -> Vec<u8> {
    let mut k = Vec::new();
    for list in [&o.versions, &o.suites, &o.groups] {
        k.extend(list.iter().flat_map(|v| v.to_be_bytes()));
        k.push(0xFF);
    }
    k.push(o.x25519_share as u8);
    k.push(o.renegotiation_scsv as u8);
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_loads_and_cites_a_source() {
        let profiles = builtin_profiles().expect("data/clients.toml loads");
        for id in [
            "mstsc-win7-no-tls12",
            "mstsc-win7",
            "mstsc-win81",
            "mstsc-win10",
            "mstsc-win11",
            "freerdp-2",
            "freerdp-3",
        ] {
            assert!(profiles.iter().any(|p| p.entry.id == id), "{id}");
        }
        for p in &profiles {
            assert!(
                !p.entry.sources.is_empty(),
                "{} cites no source",
                p.entry.id
            );
            assert!(p.suites.len() <= 128, "{}", p.entry.id);
        }
    }

    #[test]
    fn a_user_file_replaces_and_adds_profiles() {
        let user = r#"
[[client]]
id = "freerdp-3"
name = "FreeRDP 3, our build"
versions = ["TLS1.3"]
suites = ["TLS_AES_128_GCM_SHA256"]
groups = ["x25519"]

[[client]]
id = "kiosk"
name = "Kiosk thin client"
versions = ["TLS1.2"]
suites = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
groups = ["secp256r1"]
"#;
        let builtin = builtin_profiles().unwrap();
        let all = extended_profiles(user).unwrap();
        assert_eq!(all.len(), builtin.len() + 1);
        let f3 = all.iter().find(|p| p.entry.id == "freerdp-3").unwrap();
        assert_eq!(f3.versions, [0x0304]);
        assert_eq!(all.last().unwrap().entry.id, "kiosk");
        let bad = user.replace("TLS_AES_128_GCM_SHA256", "TLS_NO_SUCH_SUITE");
        assert!(extended_profiles(&bad)
            .unwrap_err()
            .contains("TLS_NO_SUCH_SUITE"));
    }
}
