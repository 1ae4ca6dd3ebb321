//! Pure wire codecs: bytes in, structures out. No I/O, no async.

pub mod credssp;
pub mod reader;
pub mod x224;

pub use reader::{DecodeError, DecodeErrorKind, Reader};
pub mod tls;
