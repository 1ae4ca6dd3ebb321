//! Fuzz target: the TLS record deframer fed in chunks, and every message parser on what it returns
//! (ServerHello, Certificate, ServerKeyExchange for each key exchange, ServerHelloDone, Alert).

use rdptls::wire::tls::codes::HandshakeType;
use rdptls::wire::tls::messages::{
    decode_server_hello_done, Alert, Certificate, ServerHello, ServerKeyExchange,
};
use rdptls::wire::tls::record::{HandshakeDeframer, ServerMessage};
use rdptls::wire::tls::Kx;

const KX: [Kx; 15] = [
    Kx::Null,
    Kx::Rsa,
    Kx::Dh,
    Kx::Dhe,
    Kx::Ecdh,
    Kx::Ecdhe,
    Kx::Psk,
    Kx::DhePsk,
    Kx::EcdhePsk,
    Kx::RsaPsk,
    Kx::Srp,
    Kx::Krb5,
    Kx::Eccpwd,
    Kx::Gost,
    Kx::Any,
];

fn parse(msg: &ServerMessage) {
    match msg {
        ServerMessage::Handshake(h) => {
            let body = &h.body;
            match h.typ {
                HandshakeType::SERVER_HELLO => {
                    if let Ok(hello) = ServerHello::decode(body) {
                        let _ = hello.selected_version();
                        let _ = hello.is_hello_retry_request();
                        let _ = hello.downgrade_sentinel();
                        let _ = hello.key_share_group();
                        let _ = format!("{hello:?}");
                    }
                }
                HandshakeType::CERTIFICATE => {
                    let _ = Certificate::decode(body);
                }
                HandshakeType::SERVER_KEY_EXCHANGE => {
                    for kx in KX {
                        let _ = ServerKeyExchange::decode(body, kx);
                    }
                }
                _ => {
                    let _ = decode_server_hello_done(body);
                }
            }
        }
        ServerMessage::Alert(a) => {
            let _ = format!("{} {}", a.level, a.description);
        }
        ServerMessage::ChangeCipherSpec | ServerMessage::ApplicationData { .. } => {}
    }
}

fn main() {
    afl::fuzz!(|data: &[u8]| {
        // The first byte picks the chunk size the bytes arrive in (a TCP read can end anywhere).
        let Some((&chunk, stream)) = data.split_first() else {
            return;
        };
        let chunk = usize::from(chunk).max(1);
        let mut deframer = HandshakeDeframer::new();
        'feed: for piece in stream.chunks(chunk) {
            if deframer.push(piece).is_err() {
                break;
            }
            // Each call consumes input or stops, so this ends; the bound only guards a regression.
            for _ in 0..=stream.len() {
                match deframer.next_message() {
                    Ok(Some(msg)) => parse(&msg),
                    Ok(None) => continue 'feed,
                    Err(_) => break 'feed,
                }
            }
            panic!("the deframer kept returning messages");
        }
        let _ = deframer.buffered();
        // Each message parser on the raw bytes as well.
        let _ = ServerHello::decode(stream);
        let _ = Certificate::decode(stream);
        let _ = Alert::decode(stream);
        for kx in KX {
            let _ = ServerKeyExchange::decode(stream, kx);
        }
    });
}
