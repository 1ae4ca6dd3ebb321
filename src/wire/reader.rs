//! A bounds-checked byte reader and the decode error every codec returns.

use std::fmt;

/// What went wrong while decoding, and where: `pdu.field: kind`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pdu}.{field}: {kind}")]
pub struct DecodeError {
    /// The structure being decoded, e.g. `RDP_NEG_FAILURE` or `ServerHello`.
    pub pdu: &'static str,
    /// The field that could not be decoded.
    pub field: &'static str,
    pub kind: DecodeErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// Fewer bytes remain than the field needs.
    TooShort { need: usize, have: usize },
    /// A value outside what the specification allows.
    Invalid(String),
    /// Bytes left over after a structure that must fill its container.
    TrailingBytes(usize),
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooShort { need, have } => write!(f, "need {need} bytes, have {have}"),
            Self::Invalid(why) => f.write_str(why),
            Self::TrailingBytes(n) => write!(f, "{n} unexpected trailing bytes"),
        }
    }
}

impl DecodeError {
    pub fn invalid(pdu: &'static str, field: &'static str, why: impl Into<String>) -> Self {
        Self {
            pdu,
            field,
            kind: DecodeErrorKind::Invalid(why.into()),
        }
    }
}

/// A cursor over a byte slice. Every read checks the length first and returns an error, never panics.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    pdu: &'static str,
}

impl<'a> Reader<'a> {
    /// A reader over `buf`; errors name `pdu`.
    pub fn new(pdu: &'static str, buf: &'a [u8]) -> Self {
        Self { buf, pos: 0, pdu }
    }

    pub fn pdu(&self) -> &'static str {
        self.pdu
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// Bytes read so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The unread rest, without consuming it.
    pub fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    pub fn too_short(&self, field: &'static str, need: usize) -> DecodeError {
        DecodeError {
            pdu: self.pdu,
            field,
            kind: DecodeErrorKind::TooShort {
                need,
                have: self.remaining(),
            },
        }
    }

    pub fn invalid(&self, field: &'static str, why: impl Into<String>) -> DecodeError {
        DecodeError::invalid(self.pdu, field, why)
    }

    /// Takes exactly `n` bytes.
    pub fn take(&mut self, field: &'static str, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.remaining() {
            return Err(self.too_short(field, n));
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    /// Takes `n` bytes as a reader of their own, for a length-prefixed structure.
    pub fn sub(&mut self, field: &'static str, n: usize) -> Result<Reader<'a>, DecodeError> {
        let pdu = self.pdu;
        Ok(Reader::new(pdu, self.take(field, n)?))
    }

    pub fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        Ok(self.take(field, 1)?[0])
    }

    pub fn u16_be(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        let b = self.take(field, 2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub fn u16_le(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        let b = self.take(field, 2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub fn u24_be(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        let b = self.take(field, 3)?;
        Ok(u32::from_be_bytes([0, b[0], b[1], b[2]]))
    }

    pub fn u32_le(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        let b = self.take(field, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A `u8`-length-prefixed vector, as a sub-reader.
    pub fn vec_u8(&mut self, field: &'static str) -> Result<Reader<'a>, DecodeError> {
        let n = self.u8(field)? as usize;
        self.sub(field, n)
    }

    /// A `u16`-length-prefixed vector, as a sub-reader.
    pub fn vec_u16(&mut self, field: &'static str) -> Result<Reader<'a>, DecodeError> {
        let n = self.u16_be(field)? as usize;
        self.sub(field, n)
    }

    /// A `u24`-length-prefixed vector, as a sub-reader.
    pub fn vec_u24(&mut self, field: &'static str) -> Result<Reader<'a>, DecodeError> {
        let n = self.u24_be(field)? as usize;
        self.sub(field, n)
    }

    /// Fails if anything is left unread.
    pub fn expect_end(&self, field: &'static str) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            n => Err(DecodeError {
                pdu: self.pdu,
                field,
                kind: DecodeErrorKind::TrailingBytes(n),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_never_run_past_the_end() {
        let mut r = Reader::new("T", &[1, 2, 3]);
        assert_eq!(r.u16_be("a").unwrap(), 0x0102);
        let err = r.u16_be("b").unwrap_err();
        assert_eq!(err.to_string(), "T.b: need 2 bytes, have 1");
        assert_eq!(r.u8("c").unwrap(), 3);
        assert!(r.is_empty());
    }

    #[test]
    fn length_prefix_larger_than_input_is_an_error_not_an_allocation() {
        let mut r = Reader::new("T", &[0xff, 0xff, 0xff, 1]);
        let err = r.vec_u24("body").unwrap_err();
        assert_eq!(
            err.kind,
            DecodeErrorKind::TooShort {
                need: 0xffffff,
                have: 1
            }
        );
    }
}
