//! The MCS stage without xrdp: the summary of captured outcomes, its JSON spelling, and how the probe names the
//! way a loopback server ends the connection (error info, ultimatum, close, reset, silence, refusal).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::*;
use crate::model::McsStage;
use crate::probe::mcs::{exchange, McsRequest};
use crate::wire::mcs::{
    encode_x224_data, x224_data_payload, ConnectResponse, DisconnectReason, DomainPdu, ErrorInfo,
    SendData, SetErrorInfo,
};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

const XRDP_HIGH: &str = include_str!("../../wire/mcs/testdata/xrdp-0.9.21-rdp-high.hex");
const XRDP_TLS: &str = include_str!("../../wire/mcs/testdata/xrdp-0.9.21-tls.hex");

fn response(text: &str) -> ConnectResponse {
    let packet = hex(text);
    ConnectResponse::decode(x224_data_payload(&packet).expect("DT")).expect("decode")
}

fn outcome(text: &str, ending: Ending) -> McsOutcome {
    McsOutcome {
        response: Some(response(text)),
        stage: McsStage::ChannelJoin,
        ending: Some(ending),
        error: None,
    }
}

#[test]
fn only_the_offered_method_the_server_echoes_is_accepted_and_the_report_reads_as_the_issue_spells_it(
) {
    // xrdp at crypt_level=high answers every offer with 128-bit at level high.
    let outcomes: Vec<(McsProbe, McsOutcome)> = EncryptionMethod::OFFERED
        .into_iter()
        .map(|m| (McsProbe::Rdp(m), outcome(XRDP_HIGH, Ending::Rdptls)))
        .chain([(McsProbe::Tls, outcome(XRDP_TLS, Ending::Rdptls))])
        .collect();
    let paths = McsPaths {
        rdp: true,
        ssl: true,
    };
    let result = summarize(paths, &outcomes);
    let rdp = result.rdp_security.expect("rdp_security");
    let json = serde_json::to_value(&rdp).expect("json");
    assert_eq!(
        json,
        serde_json::json!({
            "methods": ["128bit"],
            "level": "high",
            "server_random_present": true,
            "certificate": {"kind": "proprietary", "key_bits": 2048, "signature_ok": true},
        })
    );
    let mcs = result.mcs.expect("mcs");
    let json = serde_json::to_value(&mcs).expect("json");
    assert_eq!(json["rdp_version"], "0x00080004");
    assert_eq!(json["rdp_version_name"], "RDP 5.0 to 8.1");
    assert_eq!(
        json["client_requested_protocols"], "ssl",
        "the TLS probe's report"
    );
    assert_eq!(
        json["channels"],
        serde_json::json!(["rdpdr", "rdpsnd", "cliprdr", "drdynvc"])
    );
    assert_eq!(json["ending"], "rdptls");
    let back: McsReport = serde_json::from_value(json).expect("read back");
    assert_eq!(back, mcs);
}

#[test]
fn endings_are_spelt_in_snake_case_with_their_codes_by_name() {
    let cases = [
        (Ending::Reset, serde_json::json!("reset")),
        (Ending::Closed, serde_json::json!("closed")),
        (Ending::Rdptls, serde_json::json!("rdptls")),
        (
            Ending::Ultimatum(DisconnectReason::USER_REQUESTED),
            serde_json::json!({"ultimatum": "rn-user-requested"}),
        ),
        (
            Ending::ErrorInfo(ErrorInfo::SERVER_DENIED_CONNECTION),
            serde_json::json!({"error_info": "ERRINFO_SERVER_DENIED_CONNECTION"}),
        ),
        (
            Ending::Refused(McsResult::USER_REJECTED),
            serde_json::json!({"refused": "rt-user-rejected"}),
        ),
        (
            Ending::ErrorInfo(ErrorInfo(0xABCD)),
            serde_json::json!({"error_info": "unknown(0x0000abcd)"}),
        ),
    ];
    for (ending, want) in cases {
        let json = serde_json::to_value(ending).expect("json");
        assert_eq!(json, want);
        assert_eq!(
            serde_json::from_value::<Ending>(json).expect("back"),
            ending
        );
    }
}

/// How a loopback server ends the connection after the channel joins.
#[derive(Clone, Copy)]
enum Script {
    ErrorInfoThenUltimatum,
    Ultimatum,
    Close,
    Reset,
    Silent,
    Refuse,
}

async fn read_frame(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut h = [0u8; 4];
    s.read_exact(&mut h).await.ok()?;
    let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
    let mut rest = vec![0u8; len.checked_sub(4)?];
    s.read_exact(&mut rest).await.ok()?;
    Some([&h[..], &rest].concat())
}

async fn send_pdu(s: &mut TcpStream, pdu: DomainPdu) {
    let bytes = encode_x224_data(&pdu.encode().expect("encode")).expect("frame");
    let _ = s.write_all(&bytes).await;
}

/// Answers one MCS sequence as xrdp does at crypt_level=high, then ends it as `script` says.
async fn serve(listener: TcpListener, script: Script) {
    let Ok((mut s, _)) = listener.accept().await else {
        return;
    };
    let _initial = read_frame(&mut s).await;
    if matches!(script, Script::Refuse) {
        let mut refused = response(XRDP_HIGH);
        refused.result = McsResult::USER_REJECTED;
        refused.user_data = None;
        let bytes = encode_x224_data(&refused.encode().expect("encode")).expect("frame");
        let _ = s.write_all(&bytes).await;
        return;
    }
    let _ = s.write_all(&hex(XRDP_HIGH)).await;
    let _erect = read_frame(&mut s).await;
    let _attach = read_frame(&mut s).await;
    send_pdu(
        &mut s,
        DomainPdu::AttachUserConfirm {
            result: McsResult::SUCCESSFUL,
            initiator: Some(1007),
        },
    )
    .await;
    for _ in 0..2 {
        let Some(join) = read_frame(&mut s).await else {
            return;
        };
        let Ok(DomainPdu::ChannelJoinRequest { channel_id, .. }) = DomainPdu::decode(&join[7..])
        else {
            return;
        };
        send_pdu(
            &mut s,
            DomainPdu::ChannelJoinConfirm {
                result: McsResult::SUCCESSFUL,
                initiator: 1007,
                requested: channel_id,
                channel_id: Some(channel_id),
            },
        )
        .await;
    }
    let ultimatum = DomainPdu::DisconnectProviderUltimatum {
        reason: DisconnectReason::PROVIDER_INITIATED,
    };
    match script {
        Script::ErrorInfoThenUltimatum => {
            let info = SetErrorInfo {
                source: 1002,
                share_id: 0x103EA,
                error_info: ErrorInfo::SERVER_INSUFFICIENT_PRIVILEGES,
            };
            let data = info.encode(true).expect("encode");
            send_pdu(
                &mut s,
                DomainPdu::SendDataIndication(SendData {
                    initiator: 1002,
                    channel_id: 1003,
                    flags: 0x70,
                    data,
                }),
            )
            .await;
            send_pdu(&mut s, ultimatum).await;
        }
        Script::Ultimatum => send_pdu(&mut s, ultimatum).await,
        Script::Close => {}
        Script::Reset => {
            let _ = s.set_zero_linger();
        }
        Script::Silent => tokio::time::sleep(Duration::from_secs(3)).await,
        Script::Refuse => unreachable!(),
    }
}

async fn run_script(script: Script) -> McsOutcome {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(serve(listener, script));
    let ctx = ProbeContext::new(Duration::from_millis(1500));
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request = McsRequest::rdp(EncryptionMethods::ALL, true);
    let out = exchange(&ctx, &mut stream, request).await;
    server.abort();
    out
}

#[tokio::test]
async fn the_probe_names_how_the_server_ended_the_connection() {
    let cases = [
        (
            Script::ErrorInfoThenUltimatum,
            Ending::ErrorInfo(ErrorInfo::SERVER_INSUFFICIENT_PRIVILEGES),
        ),
        (
            Script::Ultimatum,
            Ending::Ultimatum(DisconnectReason::PROVIDER_INITIATED),
        ),
        (Script::Close, Ending::Closed),
        (Script::Reset, Ending::Reset),
        (Script::Silent, Ending::Rdptls),
    ];
    for (script, want) in cases {
        let out = run_script(script).await;
        assert_eq!(out.ending, Some(want), "{out:?}");
        assert_eq!(out.stage, McsStage::ChannelJoin, "{want:?}");
        assert!(out.error.is_none(), "{out:?}");
        assert!(out.response.is_some());
    }
    let refused = run_script(Script::Refuse).await;
    assert_eq!(
        refused.ending,
        Some(Ending::Refused(McsResult::USER_REJECTED))
    );
    assert_eq!(refused.stage, McsStage::ConnectInitial);
}
