//! Pure wire codecs: bytes in, structures out, and structures back to bytes. No I/O, no async.
//!
//! Decoders return a [`DecodeError`] and never panic; encoders whose output depends on their input return an
//! [`EncodeError`] rather than truncate a length or value that does not fit its field.

pub mod credssp;
pub mod mcs;
pub mod reader;
pub(crate) mod registry;
pub mod tls;
pub mod writer;
pub mod x224;

pub use reader::{DecodeError, DecodeErrorKind, Reader};
pub use writer::EncodeError;
