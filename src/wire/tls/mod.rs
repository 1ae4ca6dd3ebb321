//! TLS wire codecs: records, handshake messages, ClientHello builder, server message parsers, suite registry.
//!
//! Pure byte handling, no I/O: a probe encodes a [`ClientHelloSpec`], writes it, feeds what it reads to a
//! [`HandshakeDeframer`], decodes the messages, and checks the [`ServerHello`] with [`check_against_offer`].

pub mod client_hello;
pub mod codes;
pub mod messages;
pub mod record;
pub mod suites;

pub use client_hello::{ClientHelloSpec, HelloError, KeyShareOffer, MAX_SUITES};
pub use codes::{
    AlertDescription, AlertLevel, CipherSuite, ContentType, ExtensionType, HandshakeType,
    NamedGroup, ProtocolVersion, SignatureScheme,
};
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
