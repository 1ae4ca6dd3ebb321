//! The error every length-dependent encoder returns, and length prefixes that are checked, never truncated.
//!
//! An encoder that meets a length or value its field cannot carry returns an [`EncodeError`] naming the
//! structure, the field, the value and the limit; it never casts the value down or cuts the data short.

use std::fmt;

/// A length or value that does not fit its wire field: `pdu.field: kind`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pdu}.{field}: {kind}")]
pub struct EncodeError {
    /// The structure being encoded, e.g. `X224_CR` or `ClientHello` (the names decode errors use).
    pub pdu: &'static str,
    /// The field that cannot hold the value.
    pub field: &'static str,
    pub kind: EncodeErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodeErrorKind {
    /// `value` (a length in bytes, unless the field says otherwise) is larger than `limit`, the most the field
    /// can carry.
    TooLarge { value: usize, limit: usize },
    /// A value the field's syntax cannot carry, e.g. a line break inside a cookie line.
    Invalid(String),
}

impl fmt::Display for EncodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { value, limit } => write!(f, "{value} exceeds the limit of {limit}"),
            Self::Invalid(why) => f.write_str(why),
        }
    }
}

impl EncodeError {
    pub fn too_large(pdu: &'static str, field: &'static str, value: usize, limit: usize) -> Self {
        Self {
            pdu,
            field,
            kind: EncodeErrorKind::TooLarge { value, limit },
        }
    }

    pub fn invalid(pdu: &'static str, field: &'static str, why: impl Into<String>) -> Self {
        Self {
            pdu,
            field,
            kind: EncodeErrorKind::Invalid(why.into()),
        }
    }
}

/// Fails unless `value <= limit`.
pub(crate) fn check_limit(
    pdu: &'static str,
    field: &'static str,
    value: usize,
    limit: usize,
) -> Result<(), EncodeError> {
    if value > limit {
        return Err(EncodeError::too_large(pdu, field, value, limit));
    }
    Ok(())
}

/// `n` as a one-byte field.
pub(crate) fn u8_len(pdu: &'static str, field: &'static str, n: usize) -> Result<u8, EncodeError> {
    u8::try_from(n).map_err(|_| EncodeError::too_large(pdu, field, n, u8::MAX.into()))
}

/// `n` as a two-byte field.
pub(crate) fn u16_len(
    pdu: &'static str,
    field: &'static str,
    n: usize,
) -> Result<u16, EncodeError> {
    u16::try_from(n).map_err(|_| EncodeError::too_large(pdu, field, n, u16::MAX.into()))
}

/// `n` as a four-byte field.
pub(crate) fn u32_len(
    pdu: &'static str,
    field: &'static str,
    n: usize,
) -> Result<u32, EncodeError> {
    let limit = usize::try_from(u32::MAX).unwrap_or(usize::MAX);
    u32::try_from(n).map_err(|_| EncodeError::too_large(pdu, field, n, limit))
}

/// Largest value of a three-byte length (TLS `uint24`, RFC 8446 3.3).
pub(crate) const U24_MAX: usize = (1 << 24) - 1;

/// `n` as a big-endian three-byte field.
pub(crate) fn u24_be(
    pdu: &'static str,
    field: &'static str,
    n: usize,
) -> Result<[u8; 3], EncodeError> {
    check_limit(pdu, field, n, U24_MAX)?;
    let [_, a, b, c] = u32_len(pdu, field, n)?.to_be_bytes();
    Ok([a, b, c])
}

/// Appends `data` after a one-byte length (a TLS `<0..2^8-1>` vector, RFC 8446 3.4).
pub(crate) fn put_vec_u8(
    out: &mut Vec<u8>,
    pdu: &'static str,
    field: &'static str,
    data: &[u8],
) -> Result<(), EncodeError> {
    out.push(u8_len(pdu, field, data.len())?);
    out.extend_from_slice(data);
    Ok(())
}

/// Appends `data` after a big-endian two-byte length (a TLS `<0..2^16-1>` vector, RFC 8446 3.4).
pub(crate) fn put_vec_u16(
    out: &mut Vec<u8>,
    pdu: &'static str,
    field: &'static str,
    data: &[u8],
) -> Result<(), EncodeError> {
    out.extend_from_slice(&u16_len(pdu, field, data.len())?.to_be_bytes());
    out.extend_from_slice(data);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_that_fit_are_written_and_the_rest_are_errors_with_value_and_limit() {
        let mut out = Vec::new();
        put_vec_u8(&mut out, "T", "a", &[7; 255]).unwrap();
        assert_eq!((out[0], out.len()), (255, 256));
        let err = put_vec_u8(&mut out, "T", "b", &[0; 256]).unwrap_err();
        assert_eq!(err.to_string(), "T.b: 256 exceeds the limit of 255");
        assert_eq!(out.len(), 256, "nothing written on error");
        assert_eq!(
            u16_len("T", "c", 65_536).unwrap_err().kind,
            EncodeErrorKind::TooLarge {
                value: 65_536,
                limit: 65_535
            }
        );
        assert_eq!(u24_be("T", "d", 0x01_0203).unwrap(), [1, 2, 3]);
        assert_eq!(
            u24_be("T", "d", 1 << 24).unwrap_err().to_string(),
            "T.d: 16777216 exceeds the limit of 16777215"
        );
        assert_eq!(
            EncodeError::invalid("T", "e", "contains CR or LF").to_string(),
            "T.e: contains CR or LF"
        );
    }
}
