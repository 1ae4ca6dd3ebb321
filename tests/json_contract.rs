//! The JSON report is a contract (docs/json.md): every documented key is present with its type, on a scan of a
//! fixture server, and the enum values are the documented spellings.

use std::process::Command;

use rdptls::serve::{bind, Profile};
use serde_json::Value;

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks `keys` (name, allowed types separated by `|`) on `obj`.
fn has(obj: &Value, path: &str, keys: &[(&str, &str)]) {
    for (key, types) in keys {
        let v = obj
            .get(key)
            .unwrap_or_else(|| panic!("{path}.{key} is missing in {obj}"));
        assert!(
            types.split('|').any(|t| t == kind(v)),
            "{path}.{key} is {}, want {types}",
            kind(v)
        );
    }
}

#[test]
fn every_documented_key_is_present_with_its_type() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt
        .block_on(bind(Profile::ExpiredCert, ([127, 0, 0, 1], 0).into()))
        .expect("fixture");
    let out = Command::new(env!("CARGO_BIN_EXE_rdptls"))
        .args([
            "scan",
            "--json",
            "--no-progress",
            &server.addr().to_string(),
        ])
        .output()
        .expect("run rdptls");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");

    has(
        &doc,
        "",
        &[
            ("generated_at", "string"),
            ("tool_version", "string"),
            ("version", "number"),
            ("targets", "array"),
            ("stats", "object"),
        ],
    );
    assert_eq!(doc["version"], 1);
    let t = &doc["targets"][0];
    has(
        t,
        "target",
        &[
            ("target", "string"),
            ("address", "string"),
            ("status", "string"),
            ("error", "null|object"),
            ("negotiation", "object"),
            ("tls", "object"),
            ("certificate", "object"),
            ("clients", "array"),
            ("findings", "array"),
            ("stats", "object"),
            ("verdict", "object"),
            ("complete", "bool"),
            ("mode", "string"),
        ],
    );
    assert!(["ok", "unreachable", "error"].contains(&t["status"].as_str().unwrap()));
    assert!(["full", "quick"].contains(&t["mode"].as_str().unwrap()));
    let verdict = &t["verdict"];
    has(
        verdict,
        "verdict",
        &[
            ("severity", "string|null"),
            ("outcome", "string"),
            ("summary", "string"),
            ("clients_failing", "array"),
        ],
    );
    assert!([
        "unreachable",
        "scan_failed",
        "connections_fail",
        "at_risk",
        "weaknesses",
        "policy_violated",
        "ok"
    ]
    .contains(&verdict["outcome"].as_str().unwrap()));
    // The expired-certificate fixture: a critical finding, everything enumerated.
    assert_eq!(verdict["severity"], "critical");
    assert_eq!(t["complete"], true);
    has(
        &t["stats"],
        "stats",
        &[
            ("connections", "number"),
            ("elapsed_ms", "number"),
            ("stages", "object"),
        ],
    );
    let stages = &t["stats"]["stages"];
    has(
        stages,
        "stats.stages",
        &[
            ("negotiation", "object"),
            ("tls_enumeration", "object"),
            ("modern_handshake", "object"),
            ("credssp", "object"),
            ("replays", "object"),
            ("hellos_replayed", "number"),
            ("hellos_derived", "number"),
        ],
    );
    let mut opened = 0;
    for stage in [
        "negotiation",
        "tls_enumeration",
        "modern_handshake",
        "credssp",
        "replays",
    ] {
        has(
            &stages[stage],
            stage,
            &[
                ("connections", "number"),
                ("reused", "number"),
                ("elapsed_ms", "number"),
            ],
        );
        opened += stages[stage]["connections"].as_u64().unwrap();
    }
    // Every connection is some stage's.
    assert_eq!(opened, t["stats"]["connections"].as_u64().unwrap());

    let neg = &t["negotiation"];
    has(
        neg,
        "negotiation",
        &[
            ("protocols", "array"),
            ("nla", "string"),
            ("standard_rdp_security", "bool"),
            ("legacy_server", "bool"),
            ("flags", "array"),
        ],
    );
    assert!(["required", "supported", "unsupported"].contains(&neg["nla"].as_str().unwrap()));
    let protocols: Vec<&str> = neg["protocols"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["protocol"].as_str().unwrap())
        .collect();
    assert_eq!(
        protocols,
        ["rdp", "ssl", "hybrid", "rdstls", "hybrid_ex", "rdsaad"]
    );
    for p in neg["protocols"].as_array().unwrap() {
        has(
            p,
            "protocols[]",
            &[
                ("protocol", "string"),
                ("result", "string"),
                ("selected", "string|null"),
                ("failure_code", "string|null"),
                ("flags", "array"),
                ("detail", "string|null"),
            ],
        );
        let result = p["result"].as_str().unwrap();
        assert!([
            "accepted",
            "refused",
            "not_selected",
            "disconnected",
            "error"
        ]
        .contains(&result));
    }

    let tls = &t["tls"];
    has(
        tls,
        "tls",
        &[
            ("versions", "array"),
            ("cipher_suites", "array"),
            ("negotiated", "object"),
            ("server_order", "array"),
            ("groups", "array"),
            ("dh_bits", "number|null"),
            ("anomalies", "array"),
            ("hellos", "number"),
            ("modern_handshake_error", "string|null"),
            ("client_certificate_requested", "bool"),
            ("rejected_after_handshake", "null|object"),
        ],
    );
    assert_eq!(tls["client_certificate_requested"], false);
    let versions: Vec<&str> = tls["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["SSL3.0", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3"]);
    for s in tls["cipher_suites"].as_array().unwrap() {
        has(
            s,
            "cipher_suites[]",
            &[("version", "string"), ("id", "string"), ("name", "string")],
        );
        let id = s["id"].as_str().unwrap();
        assert!(
            id.len() == 6
                && id.starts_with("0x")
                && id[2..]
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()),
            "{id}"
        );
    }
    has(
        &tls["negotiated"],
        "negotiated",
        &[
            ("version", "string"),
            ("suite", "object"),
            ("via", "string"),
            ("path", "string"),
        ],
    );

    let c = &t["certificate"];
    has(
        c,
        "certificate",
        &[
            ("subject", "string"),
            ("issuer", "string"),
            ("names", "array"),
            ("serial", "string"),
            ("not_before", "string"),
            ("not_after", "string"),
            ("days_left", "number"),
            ("expired", "bool"),
            ("not_yet_valid", "bool"),
            ("self_signed", "bool"),
            ("self_signed_verdict", "string"),
            ("key", "object"),
            ("signature_algorithm", "string"),
            ("sha1_thumbprint", "string"),
            ("sha256_fingerprint", "string"),
            ("eku", "array"),
            ("key_usage", "array"),
            ("name_matches", "bool|null"),
            ("chain_length", "number"),
            ("chain", "object"),
        ],
    );
    has(&c["key"], "key", &[("type", "string"), ("bits", "number")]);
    assert!(["RSA", "RSA-PSS", "EC", "Ed25519", "Ed448", "DSA"]
        .contains(&c["key"]["type"].as_str().unwrap()));
    // The expired fixture is Windows-like: self-signed, verified with its own key.
    assert_eq!(c["self_signed"], true);
    assert!(["yes", "no", "unknown"].contains(&c["self_signed_verdict"].as_str().unwrap()));
    assert_eq!(c["self_signed_verdict"], "yes");
    has(
        &c["chain"],
        "chain",
        &[
            ("trusted", "bool|null"),
            ("roots", "string"),
            ("error", "string|null"),
        ],
    );
    assert_eq!(
        c["chain"]["roots"], "system",
        "no --ca-file: the system's roots"
    );
    assert!(["system", "ca-file"].contains(&c["chain"]["roots"].as_str().unwrap()));
    assert!(
        c["not_after"].as_str().unwrap().ends_with('Z'),
        "RFC 3339 in UTC"
    );

    for f in t["findings"].as_array().unwrap() {
        has(
            f,
            "findings[]",
            &[
                ("id", "string"),
                ("severity", "string"),
                ("title", "string"),
                ("detail", "string"),
                ("client_error", "string|null"),
                ("fix", "string|null"),
            ],
        );
        assert!(["critical", "high", "medium", "low", "info"]
            .contains(&f["severity"].as_str().unwrap()));
    }
    assert!(t["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == "cert-expired"));
    for cl in t["clients"].as_array().unwrap() {
        has(
            cl,
            "clients[]",
            &[
                ("id", "string"),
                ("name", "string"),
                ("connects", "bool"),
                ("version", "string|null"),
                ("suite", "string|null"),
                ("reason", "string|null"),
                ("client_error", "string|null"),
                ("evidence", "string"),
            ],
        );
        assert!(["replayed", "derived", "none"].contains(&cl["evidence"].as_str().unwrap()));
    }
    let ids: Vec<&str> = t["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    for id in [
        "mstsc-win7-no-tls12",
        "mstsc-win7",
        "mstsc-win81",
        "mstsc-win10",
        "mstsc-win11",
        "freerdp-2",
        "freerdp-3",
    ] {
        assert!(ids.contains(&id), "client {id} missing: {ids:?}");
    }
}
