//! Fuzz target: CredSSP's TSRequest framing and decoder, and the NTLM CHALLENGE decoder on the token it
//! carries and on the raw bytes.

use rdptls::wire::credssp::{filetime_to_unix, ntlm_message_type, NtlmChallenge, TsRequest};

fn challenge(bytes: &[u8]) {
    let _ = ntlm_message_type(bytes);
    if let Ok(c) = NtlmChallenge::decode(bytes) {
        let _ = c.version.map(|v| v.to_string());
        let _ = c.timestamp.map(filetime_to_unix);
        let _ = format!("{c:?}");
    }
}

fn main() {
    afl::fuzz!(|data: &[u8]| {
        if let Ok(Some(len)) = TsRequest::frame_len(data) {
            assert!(len <= rdptls::wire::credssp::MAX_TS_REQUEST);
        }
        if let Ok(ts) = TsRequest::decode(data) {
            if let Some(token) = ts.nego_token.as_deref() {
                challenge(token);
            }
        }
        challenge(data);
    });
}
