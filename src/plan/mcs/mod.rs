//! The MCS stage: native RDP security enumerated as nmap's rdp-enum-encryption does (one connection per
//! encryption method, requestedProtocols = PROTOCOL_RDP), and on the TLS-without-NLA path one MCS probe after
//! TLS for the server core data and channels. No credentials are ever sent (see `probe::mcs`).

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio_rustls::client::TlsStream;

use super::Scoped;
use crate::model::{
    Ending, McsReport, MultitransportReport, RdpCertificateKind, RdpCertificateReport,
    RdpSecurityReport, ScanError,
};
use crate::probe::mcs::{exchange, probe_rdp, probe_tls, McsOutcome, McsRequest};
use crate::probe::{Conn, ProbeContext};
use crate::wire::mcs::{
    ClientData, EncryptionMethod, EncryptionMethods, McsResult, MultitransportFlags,
    ServerCertificate,
};
use crate::wire::x224::Protocols;

/// Which paths to MCS the negotiation found open without authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct McsPaths {
    /// The server selects PROTOCOL_RDP (standard RDP security) for a request of PROTOCOL_RDP.
    pub rdp: bool,
    /// The server selects PROTOCOL_SSL (TLS without NLA) for a request of PROTOCOL_SSL.
    pub ssl: bool,
}

/// How the stage runs.
#[derive(Debug, Clone)]
pub struct McsOptions {
    /// Connections in flight at once (at least 1).
    pub max_in_flight: usize,
    /// The name for the TLS handshake (SNI when it is not an IP).
    pub host: String,
}

/// Which probe an [`Ending`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum McsProbe {
    /// Standard RDP security, offering one method.
    Rdp(EncryptionMethod),
    /// After TLS.
    Tls,
}

/// What the stage found.
#[derive(Debug, Clone, Default)]
pub struct McsStageResult {
    /// Native RDP security; `None` when the RDP path is closed.
    pub rdp_security: Option<RdpSecurityReport>,
    /// The server's MCS data: from the TLS probe when TLS is open, else from a standard RDP security probe.
    pub mcs: Option<McsReport>,
    /// How each probe's connection ended.
    pub endings: Vec<(McsProbe, Option<Ending>)>,
    /// Errors on our side or in the server's bytes, one per probe that had one.
    pub errors: Vec<ScanError>,
}

/// Connections the scan already opened, handed to the stage instead of new ones.
#[derive(Default)]
pub struct OpenStreams {
    /// Past an X.224 Connection Confirm that selected PROTOCOL_RDP (or carried no negotiation data): it serves
    /// the first method's probe (40-bit).
    pub rdp: Option<Conn>,
    /// Past the TLS handshake of a connection that selected PROTOCOL_SSL: it serves the TLS probe.
    pub tls: Option<TlsStream<Conn>>,
}

/// Runs the stage: up to four standard RDP security probes and one TLS probe, `opts.max_in_flight` at a time,
/// each on a new connection.
pub async fn run(
    ctx: &ProbeContext,
    addr: SocketAddr,
    paths: McsPaths,
    opts: &McsOptions,
) -> McsStageResult {
    run_reusing(ctx, addr, paths, opts, OpenStreams::default()).await
}

/// [`run`], with the connections in `open` used where they fit instead of new ones: still one connection per
/// encryption method, and one for TLS.
pub async fn run_reusing(
    ctx: &ProbeContext,
    addr: SocketAddr,
    paths: McsPaths,
    opts: &McsOptions,
    open: OpenStreams,
) -> McsStageResult {
    let gate = Arc::new(Semaphore::new(opts.max_in_flight.max(1)));
    let mut tasks = Vec::new();
    let mut probes = Vec::new();
    let OpenStreams { mut rdp, tls } = open;
    if paths.rdp {
        for method in EncryptionMethod::OFFERED {
            let (ctx, gate) = (ctx.clone(), gate.clone());
            let reused = rdp.take();
            probes.push(McsProbe::Rdp(method));
            tasks.push(Scoped::spawn(async move {
                let _permit = gate.acquire_owned().await;
                let methods = EncryptionMethods::only(method);
                // How the server ends a connection is read once per path, on the methods a current server
                // accepts (128-bit, FIPS); the others end as soon as their joins are confirmed.
                let listen = matches!(method, EncryptionMethod::BIT128 | EncryptionMethod::FIPS);
                match reused {
                    Some(mut stream) => {
                        let request = McsRequest::rdp(methods, listen);
                        exchange(&ctx, &mut stream, request).await
                    }
                    None => probe_rdp(&ctx, addr, methods, listen).await,
                }
            }));
        }
    }
    if paths.ssl {
        let (ctx, gate, host) = (ctx.clone(), gate.clone(), opts.host.clone());
        probes.push(McsProbe::Tls);
        tasks.push(Scoped::spawn(async move {
            let _permit = gate.acquire_owned().await;
            match tls {
                Some(mut stream) => {
                    let request = McsRequest::after_tls();
                    let mut out = exchange(&ctx, &mut stream, request).await;
                    out.stage = out.stage.max(crate::model::McsStage::Tls);
                    out
                }
                None => probe_tls(&ctx, addr, &host).await,
            }
        }));
    }
    let mut outcomes = Vec::new();
    for (probe, task) in probes.into_iter().zip(tasks) {
        match task.await {
            Ok(outcome) => outcomes.push((probe, outcome)),
            Err(e) => outcomes.push((
                probe,
                McsOutcome {
                    response: None,
                    stage: crate::model::McsStage::X224,
                    ending: None,
                    error: Some(ScanError::new(
                        crate::model::Step::X224,
                        crate::model::ErrorKind::Other,
                        format!("MCS probe task failed: {e}"),
                    )),
                },
            )),
        }
    }
    summarize(paths, &outcomes)
}

/// The stage's result from the probes' outcomes: pure, so that it is tested without a network.
pub fn summarize(paths: McsPaths, outcomes: &[(McsProbe, McsOutcome)]) -> McsStageResult {
    let mut result = McsStageResult::default();
    for (probe, o) in outcomes {
        result.endings.push((*probe, o.ending));
        if let Some(e) = &o.error {
            result.errors.push(e.clone());
        }
    }
    let rdp: Vec<(EncryptionMethod, &McsOutcome)> = outcomes
        .iter()
        .filter_map(|(p, o)| match p {
            McsProbe::Rdp(m) => Some((*m, o)),
            McsProbe::Tls => None,
        })
        .collect();
    if paths.rdp {
        result.rdp_security = Some(rdp_security(&rdp));
    }
    let tls = outcomes.iter().find(|(p, _)| *p == McsProbe::Tls);
    result.mcs = tls
        .and_then(|(_, o)| mcs_report(o, Protocols::SSL))
        .or_else(|| rdp.iter().find_map(|(_, o)| mcs_report(o, Protocols::RDP)));
    result
}

/// A method is accepted when the server's encryptionMethod is the one offered and the server did not refuse.
fn rdp_security(rdp: &[(EncryptionMethod, &McsOutcome)]) -> RdpSecurityReport {
    let mut report = RdpSecurityReport {
        methods: Vec::new(),
        level: None,
        server_random_present: false,
        certificate: None,
    };
    for (method, o) in rdp {
        let Some(response) = &o.response else {
            continue;
        };
        if response.result != McsResult::SUCCESSFUL {
            continue;
        }
        let Some(security) = response
            .user_data
            .as_ref()
            .and_then(|u| u.server_data.security())
        else {
            continue;
        };
        let accepted = security.method == *method;
        if report.level.is_none() || accepted {
            report.level = Some(security.level);
        }
        if !accepted {
            continue;
        }
        report.methods.push(*method);
        if let Some(keys) = &security.keys {
            report.server_random_present |= !keys.server_random.is_empty();
            if report.certificate.is_none() {
                report.certificate = keys.certificate.as_ref().map(certificate_report);
            }
        }
    }
    report
}

fn certificate_report(cert: &ServerCertificate) -> RdpCertificateReport {
    match cert {
        ServerCertificate::Proprietary(p) => RdpCertificateReport {
            kind: RdpCertificateKind::Proprietary,
            key_bits: cert.key_bits(),
            signature_ok: Some(p.signature_ok()),
        },
        _ => RdpCertificateReport {
            kind: RdpCertificateKind::X509,
            key_bits: cert.key_bits(),
            signature_ok: None,
        },
    }
}

/// The MCS report of one probe that got a Connect-Response; channel names are the ones the probe asked for.
pub fn mcs_report(o: &McsOutcome, selected: Protocols) -> Option<McsReport> {
    let data = &o.response.as_ref()?.user_data.as_ref()?.server_data;
    let core = data.core()?;
    let asked = ClientData::mstsc(selected, EncryptionMethods(0));
    let names: Vec<String> = asked
        .network()
        .map(|n| n.channels.iter().map(|c| c.name()).collect())
        .unwrap_or_default();
    let channels = data
        .network()
        .map(|n| {
            n.channels
                .iter()
                .zip(&names)
                .filter(|(id, _)| **id != 0)
                .map(|(_, name)| name.clone())
                .collect()
        })
        .unwrap_or_default();
    Some(McsReport {
        rdp_version: core.version,
        rdp_version_name: core.version.name().map(str::to_string),
        client_requested_protocols: core.client_requested_protocols,
        early_capability_flags: core.early_capability_flags,
        channels,
        io_channel: data.network().map(|n| n.io_channel),
        message_channel: data.message_channel().map(|m| m.channel),
        multitransport: data.multitransport().map(|m| MultitransportReport {
            flags: m.flags,
            udp: m.flags.contains(MultitransportFlags::UDPFECR)
                || m.flags.contains(MultitransportFlags::UDPFECL),
        }),
        stage: o.stage,
        ending: o.ending,
    })
}

#[cfg(test)]
mod tests;
