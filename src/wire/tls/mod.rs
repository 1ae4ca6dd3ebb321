//! TLS wire codecs: records, handshake messages, ClientHello builder, server message parsers, suite registry.
