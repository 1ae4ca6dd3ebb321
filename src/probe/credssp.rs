//! The CredSSP probe: over a TLS connection negotiated for HYBRID, one TSRequest with an NTLM NEGOTIATE; the
//! server's TSRequest tells its CredSSP version and, in the NTLM CHALLENGE, its names and clock. No credentials
//! are ever sent: the exchange stops at the CHALLENGE.

use super::Conn;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::client::TlsStream;

use super::{io_error, timeout_error, ProbeContext};
use crate::model::{ConnectionStage, Ending, ErrorKind, ScanError, Step};
use crate::wire::credssp::{
    encode_ts_request, ntlm_negotiate, NtlmChallenge, TsRequest, CLIENT_VERSION,
};

/// What the server answered.
#[derive(Debug, Clone)]
pub struct CredsspAnswer {
    pub request: TsRequest,
    /// The NTLM CHALLENGE, when the negoToken held one.
    pub challenge: Option<NtlmChallenge>,
}

fn protocol(message: impl Into<String>) -> ScanError {
    ScanError::new(Step::Credssp, ErrorKind::Protocol, message)
}

/// Sends the NEGOTIATE and reads the server's first TSRequest.
pub async fn negotiate(
    ctx: &ProbeContext,
    tls: &mut TlsStream<Conn>,
) -> Result<CredsspAnswer, ScanError> {
    let request = encode_ts_request(CLIENT_VERSION, &ntlm_negotiate())
        .map_err(|e| ScanError::new(Step::Credssp, ErrorKind::Other, e.to_string()))?;
    let exchange = async {
        tls.write_all(&request)
            .await
            .map_err(|e| io_error(Step::Credssp, &e, "sending the TSRequest"))?;
        tls.flush()
            .await
            .map_err(|e| io_error(Step::Credssp, &e, "sending the TSRequest"))?;
        let mut buf = Vec::with_capacity(1024);
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(total) = TsRequest::frame_len(&buf).map_err(|e| protocol(e.to_string()))? {
                if buf.len() >= total {
                    buf.truncate(total);
                    return Ok(buf);
                }
            }
            let n = tls.read(&mut chunk).await.map_err(|e| {
                ctx.journal.ended_by_error(ConnectionStage::Tls, &e);
                io_error(Step::Credssp, &e, "reading the server's TSRequest")
            })?;
            if n == 0 {
                ctx.journal.ended(ConnectionStage::Tls, Ending::Closed);
                return Err(ScanError::new(
                    Step::Credssp,
                    ErrorKind::Reset,
                    format!(
                        "the server closed the connection after {} bytes of its TSRequest",
                        buf.len()
                    ),
                ));
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    };
    let bytes = match tokio::time::timeout(ctx.timeout, exchange).await {
        Err(_) => return Err(timeout_error(Step::Credssp, ctx, "CredSSP TSRequest")),
        Ok(r) => r?,
    };
    let request = TsRequest::decode(&bytes).map_err(|e| protocol(e.to_string()))?;
    ctx.journal.reach(ConnectionStage::Credssp);
    // MS-CSSP 2.2.1: versions 2 to 6 exist; anything else is not a CredSSP this scanner can judge.
    if !(2..=6).contains(&request.version) {
        return Err(protocol(format!(
            "the server's TSRequest version {} is outside 2 to 6",
            request.version
        )));
    }
    let challenge = match &request.nego_token {
        Some(token) => Some(NtlmChallenge::decode(token).map_err(|e| protocol(e.to_string()))?),
        None => None,
    };
    Ok(CredsspAnswer { request, challenge })
}
