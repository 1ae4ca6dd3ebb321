//! Fuzz target: the X.224 reply decoder (`X224Reply::decode`), and a decoded Confirm encoded back.

use rdptls::wire::x224::{X224Reply, TPKT_HEADER_LEN};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        if let Ok(header) =
            <[u8; TPKT_HEADER_LEN]>::try_from(data.get(..TPKT_HEADER_LEN).unwrap_or(&[]))
        {
            let _ = rdptls::wire::x224::tpkt_packet_len(header);
        }
        if let Ok(reply) = X224Reply::decode(data) {
            let _ = format!("{reply:?}");
            if let X224Reply::Confirm(confirm) = &reply {
                // What was decoded encodes, and decodes back to itself.
                let again =
                    X224Reply::decode(&confirm.encode()).expect("an encoded Confirm decodes");
                assert_eq!(again, reply, "round trip");
            }
        }
    });
}
