//! Pure wire codecs: bytes in, structures out, and structures back to bytes. No I/O, no async.
//!
//! Decoders return a [`DecodeError`] and never panic.

pub mod credssp;
pub mod reader;
pub(crate) mod registry;
pub mod tls;
pub mod x224;

pub use reader::{DecodeError, DecodeErrorKind, Reader};
