//! The bytes hostile and odd profiles send instead of a real answer.

/// xrdp's answer to a request for PROTOCOL_RDSAAD (0x10): no Connection Confirm, but an X.224 Data TPDU
/// (`02 f0 80`) carrying an MCS Disconnect Provider Ultimatum (`21 80`; T.125 11.15, MS-RDPBCGR 2.2.2.3).
/// Observed from xrdp 0.9.21: it rejects any requestedProtocols above 0x0b (`xrdp_iso_process_rdp_neg_req` in
/// neutrinolabs/xrdp `libxrdp/xrdp_iso.c`), then disconnects this way (`xrdp_mcs_disconnect` in
/// `libxrdp/xrdp_mcs.c`).
pub const RDSAAD_DISCONNECT: [u8; 9] = [0x03, 0x00, 0x00, 0x09, 0x02, 0xf0, 0x80, 0x21, 0x80];

/// What the `garbage` profile answers: an HTTP server's reply, as when 3389 is forwarded to a web server.
pub const HTTP_REPLY: &[u8] =
    b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request";

/// A TPKT header claiming 65535 bytes, then the start of an X.224 Data TPDU (`02 f0 80`) and of an MCS
/// Connect-Initial (`7f 65`), and nothing more.
pub(super) const HUGE_TPKT: &[u8] = &[0x03, 0x00, 0xff, 0xff, 0x02, 0xf0, 0x80, 0x7f, 0x65];

/// A TLS handshake record header claiming 65535 bytes (a plaintext record holds at most 2^14, RFC 8446 5.1), and
/// a few bytes.
pub(super) const HUGE_TLS_RECORD: &[u8] = &[0x16, 0x03, 0x03, 0xff, 0xff, 0x02, 0x00, 0x00];

/// A TLS 1.2 ServerHello that picks suite 0xBEEF, which no client offers, then ServerHelloDone (RFC 5246
/// 7.4.1.3, 7.4.5): a rogue pick, in one record.
pub(super) const ROGUE_SUITE: &[u8] = &[
    0x16, 0x03, 0x03, 0x00, 0x2e, // record: handshake, TLS 1.2, 46 bytes
    0x02, 0x00, 0x00, 0x26, 0x03, 0x03, // ServerHello, 38 bytes, TLS 1.2
    0x52, 0x44, 0x50, 0x54, 0x4c, 0x53, 0x52, 0x44, 0x50, 0x54, 0x4c, 0x53, 0x52, 0x44, 0x50,
    0x54, // random
    0x4c, 0x53, 0x52, 0x44, 0x50, 0x54, 0x4c, 0x53, 0x52, 0x44, 0x50, 0x54, 0x4c, 0x53, 0x00, 0x01,
    0x00, // session id: empty
    0xbe, 0xef, // cipher suite 0xBEEF
    0x00, // compression: null
    0x0e, 0x00, 0x00, 0x00, // ServerHelloDone
];

/// A TLS 1.2 ServerHello for TLS_RSA_WITH_AES_128_CBC_SHA, then a Certificate message with an empty list, then
/// ServerHelloDone: a server that has no certificate to show.
pub(super) const EMPTY_CERTIFICATE: &[u8] = &[
    0x16, 0x03, 0x03, 0x00, 0x35, // record: handshake, TLS 1.2, 53 bytes
    0x02, 0x00, 0x00, 0x26, 0x03, 0x03, // ServerHello, 38 bytes, TLS 1.2
    0x52, 0x44, 0x50, 0x54, 0x4c, 0x53, 0x52, 0x44, 0x50, 0x54, 0x4c, 0x53, 0x52, 0x44, 0x50,
    0x54, // random
    0x4c, 0x53, 0x52, 0x44, 0x50, 0x54, 0x4c, 0x53, 0x52, 0x44, 0x50, 0x54, 0x4c, 0x53, 0x00, 0x02,
    0x00, // session id: empty
    0x00, 0x2f, // TLS_RSA_WITH_AES_128_CBC_SHA
    0x00, // compression: null
    0x0b, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, // Certificate: an empty certificate_list
    0x0e, 0x00, 0x00, 0x00, // ServerHelloDone
];

/// A fatal handshake_failure alert in a record stamped with the DTLS 1.0 version 0xFEFF, as GnuTLS sends it.
pub(super) const DTLS_STAMPED_ALERT: &[u8] = &[0x15, 0xfe, 0xff, 0x00, 0x02, 0x02, 0x28];
