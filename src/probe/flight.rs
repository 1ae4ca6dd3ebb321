//! The server's first flight, read in the clear after a hand-built ClientHello: the ServerHello (or
//! HelloRetryRequest), the certificate chain, the key exchange, or the alert or close that refused it.

use tokio::io::AsyncReadExt;

use super::{io_error, Conn, Journal};
use crate::model::{Answer, ConnectionStage, Ending, ErrorKind, ScanError, Step};
use crate::wire::tls::{
    check_against_offer, AlertDescription, Certificate, ClientHelloSpec, HandshakeDeframer,
    HandshakeType, NamedGroup, ProtocolVersion, ServerHello, ServerKeyExchange, ServerMessage,
};

/// Reads stop after this many bytes: a first flight with a long chain fits well within it.
const MAX_FLIGHT: usize = 256 * 1024;

/// Reads the server's first flight: up to ServerHelloDone (TLS <= 1.2), or the ServerHello or HelloRetryRequest
/// (TLS 1.3), or an alert or a close.
pub(super) async fn read_flight(
    stream: &mut Conn,
    spec: &ClientHelloSpec,
    journal: &Journal,
) -> Result<Answer, ScanError> {
    let answer = read_flight_inner(stream, spec, journal).await;
    match &answer {
        Ok(Answer::Hello { .. } | Answer::Violation { .. }) => journal.reach(ConnectionStage::Tls),
        Ok(Answer::Refused { alert: Some(a), .. }) => {
            journal.ended(ConnectionStage::X224, Ending::Alert(*a))
        }
        _ => {}
    }
    answer
}

async fn read_flight_inner(
    stream: &mut Conn,
    spec: &ClientHelloSpec,
    journal: &Journal,
) -> Result<Answer, ScanError> {
    let mut deframer = HandshakeDeframer::new();
    let mut buf = vec![0u8; 16 * 1024];
    let mut total = 0usize;
    let mut hello: Option<ServerHello> = None;
    let mut flight = Flight::default();
    loop {
        let n = match stream.read(&mut buf).await {
            Ok(0) => 0,
            Ok(n) => n,
            Err(e) if hello.is_none() => {
                journal.ended_by_error(ConnectionStage::X224, &e);
                return Ok(Answer::Refused {
                    alert: None,
                    detail: format!("connection reset after the hello ({e})"),
                });
            }
            Err(e) => return Err(io_error(Step::Tls, &e, "reading the server's first flight")),
        };
        if n == 0 {
            if hello.is_none() {
                journal.ended(ConnectionStage::X224, Ending::Closed);
            }
            return match hello {
                None => Ok(Answer::Refused {
                    alert: None,
                    detail: "the server closed the connection without a ServerHello".into(),
                }),
                // Some servers close after ServerHello when they dislike something later; the pick still counts.
                Some(h) => finish(spec, h, flight),
            };
        }
        total += n;
        if total > MAX_FLIGHT {
            return Err(ScanError::new(
                Step::Tls,
                ErrorKind::Protocol,
                format!("the first flight exceeds {MAX_FLIGHT} bytes"),
            ));
        }
        deframer
            .push(&buf[..n])
            .map_err(|e| ScanError::new(Step::Tls, ErrorKind::Protocol, e.to_string()))?;
        while let Some(msg) = deframer
            .next_message()
            .map_err(|e| ScanError::new(Step::Tls, ErrorKind::Protocol, e.to_string()))?
        {
            match msg {
                ServerMessage::Alert(alert) => {
                    if let Some(h) = hello {
                        return finish(spec, h, flight);
                    }
                    let detail = format!("alert {}", alert.description);
                    if alert.description == AlertDescription::PROTOCOL_VERSION {
                        return Ok(Answer::VersionRefused { detail });
                    }
                    return Ok(Answer::Refused {
                        alert: Some(alert.description),
                        detail,
                    });
                }
                ServerMessage::Handshake(m) => {
                    let bad = |e: crate::wire::DecodeError| {
                        ScanError::new(Step::Tls, ErrorKind::Protocol, e.to_string())
                    };
                    match m.typ {
                        HandshakeType::SERVER_HELLO => {
                            let h = ServerHello::decode(&m.body).map_err(bad)?;
                            if h.selected_version() == ProtocolVersion::TLS1_3
                                || h.is_hello_retry_request()
                            {
                                flight.group = h.key_share_group;
                                return finish(spec, h, flight);
                            }
                            hello = Some(h);
                        }
                        HandshakeType::CERTIFICATE => {
                            flight.chain = Certificate::decode(&m.body).map_err(bad)?.chain;
                            flight.certificate_empty = flight.chain.is_empty();
                        }
                        HandshakeType::CERTIFICATE_REQUEST => flight.cert_request = true,
                        HandshakeType::SERVER_KEY_EXCHANGE => {
                            let kx = hello
                                .as_ref()
                                .and_then(|h| h.cipher_suite.info())
                                .map(|i| i.kx);
                            if let Some(kx) = kx {
                                match ServerKeyExchange::decode(&m.body, kx) {
                                    Ok(ServerKeyExchange::Ecdhe { group: g, .. }) => {
                                        flight.group = g
                                    }
                                    Ok(ServerKeyExchange::Dhe { p_bits, .. }) => {
                                        flight.dh_bits = u32::try_from(p_bits).ok()
                                    }
                                    _ => {}
                                }
                            }
                        }
                        HandshakeType::SERVER_HELLO_DONE => {
                            return match hello {
                                Some(h) => finish(spec, h, flight),
                                None => Err(ScanError::new(
                                    Step::Tls,
                                    ErrorKind::Protocol,
                                    "ServerHelloDone without a ServerHello",
                                )),
                            };
                        }
                        _ => {}
                    }
                }
                ServerMessage::ChangeCipherSpec | ServerMessage::ApplicationData { .. } => {
                    if let Some(h) = hello {
                        return finish(spec, h, flight);
                    }
                }
            }
        }
    }
}

/// What the first flight showed besides the ServerHello.
#[derive(Default)]
struct Flight {
    chain: Vec<Vec<u8>>,
    group: Option<NamedGroup>,
    dh_bits: Option<u32>,
    /// A CertificateRequest (TLS 1.2 and older, where the first flight is in the clear).
    cert_request: bool,
    /// A Certificate message with an empty list.
    certificate_empty: bool,
}

/// Checks the ServerHello against the offer: a pick of something not offered is a violation, never believed.
fn finish(spec: &ClientHelloSpec, hello: ServerHello, flight: Flight) -> Result<Answer, ScanError> {
    // A TLS 1.3-only hello answered without supported_versions (Windows Server 2019 answers so): the server
    // does not speak TLS 1.3, whatever legacy version its ServerHello names.
    if spec.versions == [ProtocolVersion::TLS1_3] && hello.supported_version.is_none() {
        return Ok(Answer::VersionRefused {
            detail: format!(
                "a TLS 1.3 hello was answered with a {} ServerHello without supported_versions",
                hello.legacy_version
            ),
        });
    }
    if let Err(v) = check_against_offer(spec, &hello) {
        return Ok(Answer::Violation {
            detail: v.to_string(),
        });
    }
    Ok(Answer::Hello {
        version: hello.selected_version(),
        suite: hello.cipher_suite,
        group: flight.group,
        dh_bits: flight.dh_bits,
        chain: flight.chain,
        cert_request: flight.cert_request,
        certificate_empty: flight.certificate_empty,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::tls::CipherSuite;

    fn server_hello(
        legacy: ProtocolVersion,
        supported: Option<ProtocolVersion>,
        suite: u16,
    ) -> ServerHello {
        ServerHello {
            legacy_version: legacy,
            random: [7; 32],
            session_id: Vec::new(),
            cipher_suite: CipherSuite(suite),
            compression: 0,
            extensions: Vec::new(),
            supported_version: supported,
            key_share_group: None,
            renegotiation_info: None,
        }
    }

    fn spec(version: ProtocolVersion, suites: &[u16]) -> ClientHelloSpec {
        ClientHelloSpec::new(version, suites.iter().map(|s| CipherSuite(*s)).collect())
    }

    #[test]
    fn tls12_answer_to_a_tls13_only_hello_means_no_tls13() {
        let s = spec(ProtocolVersion::TLS1_3, &[0x1301]);
        let a = finish(
            &s,
            server_hello(ProtocolVersion::TLS1_2, None, 0xC02F),
            Flight::default(),
        )
        .unwrap();
        assert!(matches!(a, Answer::VersionRefused { .. }), "{a:?}");
        let ok = server_hello(
            ProtocolVersion::TLS1_2,
            Some(ProtocolVersion::TLS1_3),
            0x1301,
        );
        let a = finish(
            &s,
            ok,
            Flight {
                group: Some(NamedGroup::X25519),
                ..Flight::default()
            },
        )
        .unwrap();
        assert_eq!(
            a,
            Answer::Hello {
                version: ProtocolVersion::TLS1_3,
                suite: CipherSuite(0x1301),
                group: Some(NamedGroup::X25519),
                dh_bits: None,
                chain: vec![],
                cert_request: false,
                certificate_empty: false,
            }
        );
    }

    #[test]
    fn picks_that_were_not_offered_are_violations_and_downgrades_are_not() {
        let s = spec(ProtocolVersion::TLS1_2, &[0x002F]);
        let a = finish(
            &s,
            server_hello(ProtocolVersion::TLS1_2, None, 0x0035),
            Flight::default(),
        )
        .unwrap();
        assert!(matches!(a, Answer::Violation { .. }), "{a:?}");
        let a = finish(
            &s,
            server_hello(ProtocolVersion::TLS1_0, None, 0x002F),
            Flight::default(),
        )
        .unwrap();
        assert!(
            matches!(
                a,
                Answer::Hello {
                    version: ProtocolVersion::TLS1_0,
                    ..
                }
            ),
            "{a:?}"
        );
    }
}
