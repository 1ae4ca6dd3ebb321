//! `rdptls serve`: fixture RDP servers, honest and hostile, on loopback.
