//! Fuzz target: the MCS decoders (Connect-Response with the server data blocks and certificate, Connect-Initial
//! with the client data blocks, domain PDUs, Set Error Info), each decoded value encoded and decoded back.

use rdptls::wire::mcs::{
    x224_data_payload, ConnectInitial, ConnectResponse, DomainPdu, ServerCertificate, SetErrorInfo,
};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        // Whole packets as the probe reads them, and bare MCS PDUs.
        let payload = x224_data_payload(data).unwrap_or(data);
        if let Ok(response) = ConnectResponse::decode(payload) {
            let _ = format!("{response:?}");
            if let Some(cert) = response
                .user_data
                .as_ref()
                .and_then(|u| u.server_data.security())
                .and_then(|s| s.keys.as_ref())
                .and_then(|k| k.certificate.as_ref())
            {
                let _ = cert.key_bits();
                if let ServerCertificate::Proprietary(p) = cert {
                    let _ = p.signature_ok();
                }
            }
            if let Ok(bytes) = response.encode() {
                let again = ConnectResponse::decode(&bytes).expect("an encoded Connect-Response decodes");
                assert_eq!(again, response, "round trip");
            }
        }
        if let Ok(initial) = ConnectInitial::decode(payload) {
            if let Ok(bytes) = initial.encode() {
                let again = ConnectInitial::decode(&bytes).expect("an encoded Connect-Initial decodes");
                assert_eq!(again, initial, "round trip");
            }
        }
        if let Ok(pdu) = DomainPdu::decode(payload) {
            if let DomainPdu::SendDataIndication(d) = &pdu {
                let _ = SetErrorInfo::decode(&d.data, true);
                let _ = SetErrorInfo::decode(&d.data, false);
            }
            if let Ok(bytes) = pdu.encode() {
                let again = DomainPdu::decode(&bytes).expect("an encoded domain PDU decodes");
                assert_eq!(again, pdu, "round trip");
            }
        }
        if let Ok(cert) = ServerCertificate::decode(payload) {
            if let Ok(bytes) = cert.encode() {
                let again = ServerCertificate::decode(&bytes).expect("an encoded certificate decodes");
                assert_eq!(again, cert, "round trip");
            }
        }
    });
}
