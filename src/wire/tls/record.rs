//! The TLS record layer as a pure, incremental deframer: bytes in, whole messages out (a server's flight for the
//! probes, a client's ClientHello for the capture listener).
//!
//! Handshake messages are reassembled across records, and several messages in one record are split apart
//! (Windows Server 2022 packs ServerHello, Certificate and ServerHelloDone into one record). Every length is
//! checked against a bound before anything is kept; buffers grow only with bytes actually received.

use std::collections::VecDeque;

use super::codes::{ContentType, HandshakeType, ProtocolVersion};
use super::messages::Alert;
use crate::wire::reader::{DecodeError, DecodeErrorKind, Reader};

/// Largest record body accepted: 2^14 plus the 2048 bytes of expansion RFC 5246 6.2.3 allows a ciphertext.
pub const MAX_RECORD_LEN: usize = (1 << 14) + 2048;
/// Largest handshake message other than Certificate.
pub const MAX_HANDSHAKE_LEN: usize = 64 * 1024;
/// Largest Certificate message, and the most bytes ever held (unparsed input plus a partial message).
pub const MAX_BUFFERED: usize = 256 * 1024;
/// The major byte of DTLS record versions (DTLS 1.0 is 0xFEFF, 1.2 0xFEFD; RFC 6347 4.1).
const DTLS_MAJOR: u8 = 0xFE;

/// Record header: type, version, length.
const RECORD_HEADER_LEN: usize = 5;
/// Handshake header: type, u24 length.
const HANDSHAKE_HEADER_LEN: usize = 4;

const PDU: &str = "TLS record";

/// One whole message from the server, in arrival order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerMessage {
    Handshake(HandshakeMessage),
    Alert(Alert),
    ChangeCipherSpec,
    /// Encrypted data (everything after a TLS 1.3 ServerHello); only its length is kept.
    ApplicationData {
        len: usize,
    },
}

/// A reassembled handshake message: its type and body, header removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandshakeMessage {
    /// `msg_type`, RFC 8446 4.
    pub typ: HandshakeType,
    /// The version field of the record that began this message.
    pub record_version: ProtocolVersion,
    /// The message body, after the 4-byte header (type, uint24 length).
    pub body: Vec<u8>,
}

/// Turns a stream of server bytes into [`ServerMessage`]s. Feed it with [`push`](Self::push), drain it with
/// [`next_message`](Self::next_message) until that returns `Ok(None)`, then read more.
#[derive(Debug, Default)]
pub struct HandshakeDeframer {
    /// Received bytes not yet split into records.
    input: Vec<u8>,
    /// Handshake bytes from records, not yet a whole message.
    handshake: Vec<u8>,
    /// Record version of the record that started `handshake`.
    handshake_version: Option<ProtocolVersion>,
    ready: VecDeque<ServerMessage>,
    /// Once an error is returned, the stream is not trusted any more.
    failed: Option<DecodeError>,
}

impl HandshakeDeframer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds received bytes. Fails, without keeping them, if more than [`MAX_BUFFERED`] would be held.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), DecodeError> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        let held = self.input.len() + self.handshake.len();
        if bytes.len() > MAX_BUFFERED.saturating_sub(held) {
            return Err(self.fail(DecodeError::invalid(
                PDU,
                "buffer",
                format!("more than {MAX_BUFFERED} bytes of unparsed server data"),
            )));
        }
        self.input.extend_from_slice(bytes);
        Ok(())
    }

    /// Bytes received but not yet returned as messages.
    pub fn buffered(&self) -> usize {
        self.input.len() + self.handshake.len()
    }

    /// True when no partial record or handshake message is pending.
    pub fn is_idle(&self) -> bool {
        self.input.is_empty() && self.handshake.is_empty() && self.ready.is_empty()
    }

    /// The next whole message, `Ok(None)` if more bytes are needed, or an error for a stream that is not TLS
    /// or breaks a bound. After an error every call returns the same error.
    pub fn next_message(&mut self) -> Result<Option<ServerMessage>, DecodeError> {
        loop {
            if let Some(err) = &self.failed {
                return Err(err.clone());
            }
            if let Some(msg) = self.ready.pop_front() {
                return Ok(Some(msg));
            }
            match self.take_handshake_message() {
                Ok(Some(msg)) => return Ok(Some(ServerMessage::Handshake(msg))),
                Ok(None) => {}
                Err(e) => return Err(self.fail(e)),
            }
            match self.next_record() {
                Ok(true) => continue,
                Ok(false) => return Ok(None),
                Err(e) => return Err(self.fail(e)),
            }
        }
    }

    fn fail(&mut self, err: DecodeError) -> DecodeError {
        self.failed = Some(err.clone());
        err
    }

    /// Splits one whole handshake message off the reassembly buffer, if there is one.
    fn take_handshake_message(&mut self) -> Result<Option<HandshakeMessage>, DecodeError> {
        if self.handshake.len() < HANDSHAKE_HEADER_LEN {
            return Ok(None);
        }
        let typ = HandshakeType(self.handshake[0]);
        let len = u32::from_be_bytes([0, self.handshake[1], self.handshake[2], self.handshake[3]])
            as usize;
        let limit = if typ == HandshakeType::CERTIFICATE {
            MAX_BUFFERED
        } else {
            MAX_HANDSHAKE_LEN
        };
        if len > limit {
            return Err(DecodeError::invalid(
                "TLS handshake",
                "length",
                format!("{typ} message of {len} bytes exceeds the {limit}-byte limit"),
            ));
        }
        if self.handshake.len() < HANDSHAKE_HEADER_LEN + len {
            return Ok(None);
        }
        let body = self.handshake[HANDSHAKE_HEADER_LEN..HANDSHAKE_HEADER_LEN + len].to_vec();
        self.handshake.drain(..HANDSHAKE_HEADER_LEN + len);
        let record_version = self.handshake_version.unwrap_or(ProtocolVersion::TLS1_0);
        if self.handshake.is_empty() {
            self.handshake_version = None;
        }
        Ok(Some(HandshakeMessage {
            typ,
            record_version,
            body,
        }))
    }

    /// Consumes one whole record from the input. Returns false if the input holds no whole record yet.
    fn next_record(&mut self) -> Result<bool, DecodeError> {
        if self.input.is_empty() {
            return Ok(false);
        }
        check_looks_like_tls(&self.input)?;
        if self.input.len() < RECORD_HEADER_LEN {
            return Ok(false);
        }
        let mut r = Reader::new(PDU, &self.input);
        let typ = ContentType(r.u8("type")?);
        let version = ProtocolVersion(r.u16_be("version")?);
        let len = r.u16_be("length")? as usize;
        if len > MAX_RECORD_LEN {
            return Err(r.invalid("length", format!("{len} bytes exceeds {MAX_RECORD_LEN}")));
        }
        if r.remaining() < len {
            return Ok(false);
        }
        let body = r.take("body", len)?.to_vec();
        self.input.drain(..RECORD_HEADER_LEN + len);
        match typ {
            ContentType::HANDSHAKE => {
                if body.is_empty() {
                    return Err(DecodeError::invalid(
                        PDU,
                        "length",
                        "empty handshake record",
                    ));
                }
                if self.handshake.is_empty() {
                    self.handshake_version = Some(version);
                }
                self.handshake.extend_from_slice(&body);
            }
            ContentType::ALERT => {
                // An alert record may in theory hold several alerts; each is two bytes.
                if body.is_empty() || !body.len().is_multiple_of(2) {
                    return Err(DecodeError {
                        pdu: "TLS alert",
                        field: "length",
                        kind: DecodeErrorKind::Invalid(format!("{} bytes, not pairs", body.len())),
                    });
                }
                for pair in body.chunks(2) {
                    self.ready
                        .push_back(ServerMessage::Alert(Alert::decode(pair)?));
                }
            }
            ContentType::CHANGE_CIPHER_SPEC => {
                if body != [1] {
                    return Err(DecodeError::invalid(
                        "TLS change_cipher_spec",
                        "body",
                        "must be the single byte 0x01",
                    ));
                }
                self.ready.push_back(ServerMessage::ChangeCipherSpec);
            }
            ContentType::APPLICATION_DATA => {
                self.ready
                    .push_back(ServerMessage::ApplicationData { len: body.len() });
            }
            other => {
                return Err(DecodeError::invalid(
                    PDU,
                    "type",
                    format!("unexpected {other} record"),
                ));
            }
        }
        Ok(true)
    }
}

/// Checks the first bytes of a record header, so that non-TLS replies fail with a useful message at once.
fn check_looks_like_tls(input: &[u8]) -> Result<(), DecodeError> {
    let first = input[0];
    // SSL 2.0 record: 2-byte header with the high bit set, then SERVER-HELLO (4) or ERROR (0).
    if first & 0x80 != 0 {
        let why = match input.get(2) {
            Some(4) => "an SSL 2.0 ServerHello: the server speaks SSL 2.0 only".to_string(),
            Some(0) => "an SSL 2.0 ERROR message".to_string(),
            _ => format!("not TLS: starts with 0x{first:02x} (an SSL 2.0 header?)"),
        };
        return Err(DecodeError::invalid(PDU, "type", why));
    }
    let known = [
        ContentType::CHANGE_CIPHER_SPEC,
        ContentType::ALERT,
        ContentType::HANDSHAKE,
        ContentType::APPLICATION_DATA,
    ];
    if !known.contains(&ContentType(first)) {
        let why = match (first, input.get(1)) {
            (3, Some(0)) => {
                "not TLS: a TPKT header (the server answered with RDP X.224)".to_string()
            }
            _ if input.starts_with(b"HTTP") => "not TLS: an HTTP response".to_string(),
            _ => format!("not TLS: content type 0x{first:02x}"),
        };
        return Err(DecodeError::invalid(PDU, "type", why));
    }
    // GnuTLS stamps the alert that refuses an old version with a DTLS record version (0xFEFF, 0xFEFD): read it
    // as the alert it is.
    let dtls_alert = first == ContentType::ALERT.0 && input.get(1) == Some(&DTLS_MAJOR);
    if let Some(&major) = input.get(1) {
        if major != 3 && !dtls_alert {
            return Err(DecodeError::invalid(
                PDU,
                "version",
                format!("not TLS: record version major byte 0x{major:02x}"),
            ));
        }
    }
    if let Some(&minor) = input.get(2).filter(|_| !dtls_alert) {
        if minor > 4 {
            return Err(DecodeError::invalid(
                PDU,
                "version",
                format!("not TLS: record version 0x03{minor:02x}"),
            ));
        }
    }
    Ok(())
}
