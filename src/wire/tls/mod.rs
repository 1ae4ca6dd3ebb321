//! TLS wire codecs: records, handshake messages, ClientHello builder and decoder, server message parsers, suite
//! registry, the JA4 fingerprint.
//!
//! Pure byte handling, no I/O: a probe encodes a [`ClientHelloSpec`], writes it, feeds what it reads to a
//! [`HandshakeDeframer`], decodes the messages, and checks the [`ServerHello`] with [`check_against_offer`]. The
//! capture listener does the reverse: the same deframer, then [`next_client_hello`] and [`ja4`].

pub mod client_hello;
pub mod client_hello_decode;
pub mod codes;
pub mod ja4;
pub mod messages;
pub mod record;
pub mod suites;

pub use client_hello::{ClientHelloSpec, HelloError, KeyShareOffer, MAX_SUITES};
pub use client_hello_decode::{next_client_hello, ClientHello, ReceivedHello};
pub use codes::{
    is_grease, AlertDescription, AlertLevel, CipherSuite, ContentType, ExtensionType,
    HandshakeType, NamedGroup, ProtocolVersion, SignatureScheme,
};
pub use ja4::{ja4, Ja4};
pub use messages::{
    check_against_offer, decode_server_hello_done, Alert, Certificate, Extension, OfferViolation,
    ServerHello, ServerKeyExchange, HELLO_RETRY_REQUEST_RANDOM,
};
pub use record::{
    HandshakeDeframer, HandshakeMessage, ServerMessage, MAX_BUFFERED, MAX_HANDSHAKE_LEN,
    MAX_RECORD_LEN,
};
pub use suites::{Auth, Cipher, Kx, Mode, SuiteInfo};

#[cfg(test)]
mod tests;
