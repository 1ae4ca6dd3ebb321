//! `rdptls serve`: fixture RDP servers, honest and hostile, on loopback.
//!
//! Each [`Profile`] answers the X.224 Connection Request the way one kind of real server (or broken middlebox)
//! does, then, where it selected TLS or CredSSP, completes a rustls handshake with a fixture certificate. Nothing
//! past TLS is implemented: the first bytes a client sends inside TLS (MCS or CredSSP) end the connection.
//!
//! `profiles` holds the table of what each profile does, `server` the listener and the connections, `tls` the
//! rustls configuration made from a profile's fixture certificate.

mod mcs;
mod profiles;
mod replies;
mod server;
mod spec;
mod tls;

#[cfg(test)]
mod tests;

pub use profiles::{Profile, UnknownProfile};
pub use replies::{HTTP_REPLY, RDSAAD_DISCONNECT};
pub(crate) use server::read_request;
pub use server::{bind, bind_with, serve, serve_with, FixtureServer, Limits};
