//! rdptls: why a Remote Desktop connection fails at the security layer, and what to fix.
//!
//! Layers, from the bytes up: [`wire`] (pure codecs) -> [`probe`] (one connection each) -> [`plan`] (which
//! probes, how many at once) -> [`analysis`] (pure: certificate verdict, findings) -> [`report`] (table, JSON).

pub mod analysis;
pub mod capture;
pub mod exporter;
pub mod fixtures;
pub mod model;
pub mod plan;
pub mod probe;
pub mod report;
pub mod scan;
pub mod serve;
pub mod wire;
