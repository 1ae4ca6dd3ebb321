//! Fuzz target: the certificate verdict (`analysis::certificate::analyze`) on one DER leaf, with and without
//! the name a user would type.

use rdptls::analysis::certificate::analyze;

/// 2026-01-01T00:00:00Z.
const NOW: i64 = 1_767_225_600;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let chain = vec![data.to_vec()];
        let _ = analyze(&chain, None, None, NOW);
        if let Ok(report) = analyze(&chain, Some("rdp01.corp.example"), None, NOW) {
            let _ = format!("{report:?}");
        }
        let _ = analyze(&chain, Some("*."), None, NOW);
    });
}
