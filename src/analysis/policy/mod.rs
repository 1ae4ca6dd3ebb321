//! Policies: a site's own rules for its RDP servers (`rdptls scan --policy FILE`), checked against a scan
//! result. Pure: the caller reads the file.
//!
//! # Format
//!
//! A TOML file of top-level keys; every key is optional, and a key that is absent (or `false`) is a rule not
//! checked. An unknown key, a wrong type or an unknown value is an error that names it. `docs/policy.example.toml`
//! is a complete example.
//!
//! | key | type | rule: the target violates it when |
//! |---|---|---|
//! | `severity` | string | not a rule: the severity of every policy finding, `info`, `low`, `medium`, `high` (default) or `critical` |
//! | `min_tls_version` | string | the server accepts a version older than this one: `SSL3.0`, `TLS1.0`, `TLS1.1`, `TLS1.2`, `TLS1.3` (also written `TLS 1.2`, `TLSv1.2`, any case) |
//! | `forbidden_suites` | array of strings | the server accepts one of these cipher suites, by IANA name (`TLS_RSA_WITH_3DES_EDE_CBC_SHA`), at any version; unknown names are errors |
//! | `forbidden_classes` | array of strings | the server accepts a suite of one of these classes: `rc4`, `3des`, `null` (no encryption), `export`, `anon` (no authentication), `cbc`, `no-fs` (no forward secrecy: static RSA/DH/ECDH key exchange) |
//! | `min_days_left` | integer | the certificate has fewer whole days left than this (an expired certificate has a negative count) |
//! | `require_nla` | bool | `true`, and the server does not require NLA (CredSSP): it accepts a connection without it |
//! | `clients_must_connect` | array of strings | one of these client profiles (ids of `data/clients.toml`, e.g. `mstsc-win10`, `freerdp-3`) cannot connect, or was not simulated although others were |
//! | `forbid_standard_rdp_security` | bool | `true`, and the server selects standard RDP security (no TLS) for some request |
//!
//! Each violated rule is one finding, id `policy-<rule>` with the key's underscores as dashes
//! (`policy-min-tls-version`, `policy-forbidden-suites`, `policy-forbidden-classes`, `policy-min-days-left`,
//! `policy-require-nla`, `policy-clients-must-connect`, `policy-forbid-standard-rdp-security`), with the evidence
//! in its detail. A rule that cannot be checked (the target was unreachable, no TLS report, no certificate, no
//! client simulation) gives no finding: the scan's own findings say why.

mod check;

pub use crate::analysis::suites::SuiteClass;
pub use crate::model::policy::Rule;
pub use check::{apply, check, evaluate, Check};

use crate::model::{CipherSuite, ProtocolVersion, Severity};
use crate::wire::tls::suites;

/// A parsed policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Severity of every finding this policy produces.
    pub severity: Severity,
    pub min_tls_version: Option<ProtocolVersion>,
    pub forbidden_suites: Vec<CipherSuite>,
    pub forbidden_classes: Vec<SuiteClass>,
    pub min_days_left: Option<i64>,
    pub require_nla: bool,
    pub clients_must_connect: Vec<String>,
    pub forbid_standard_rdp_security: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            severity: Severity::High,
            min_tls_version: None,
            forbidden_suites: Vec::new(),
            forbidden_classes: Vec::new(),
            min_days_left: None,
            require_nla: false,
            clients_must_connect: Vec::new(),
            forbid_standard_rdp_security: false,
        }
    }
}

impl Policy {
    /// The rules this policy checks, in [`Rule::ALL`] order.
    pub fn rules(&self) -> Vec<Rule> {
        Rule::ALL
            .into_iter()
            .filter(|r| match r {
                Rule::MinTlsVersion => self.min_tls_version.is_some(),
                Rule::ForbiddenSuites => !self.forbidden_suites.is_empty(),
                Rule::ForbiddenClasses => !self.forbidden_classes.is_empty(),
                Rule::MinDaysLeft => self.min_days_left.is_some(),
                Rule::RequireNla => self.require_nla,
                Rule::ClientsMustConnect => !self.clients_must_connect.is_empty(),
                Rule::ForbidStandardRdpSecurity => self.forbid_standard_rdp_security,
            })
            .collect()
    }

    /// Checks `clients_must_connect` against the client profile ids in use; an unknown id is an error naming it.
    pub fn validate_clients(&self, known: &[&str]) -> Result<(), String> {
        match self
            .clients_must_connect
            .iter()
            .find(|id| !known.contains(&id.as_str()))
        {
            Some(id) => Err(format!(
                "policy: clients_must_connect names {id:?}, which is not a client profile (known: {})",
                known.join(", ")
            )),
            None => Ok(()),
        }
    }
}

const KEYS: [&str; 8] = [
    "severity",
    "min_tls_version",
    "forbidden_suites",
    "forbidden_classes",
    "min_days_left",
    "require_nla",
    "clients_must_connect",
    "forbid_standard_rdp_security",
];

/// Parses a policy file (see the module documentation for the format).
pub fn parse(text: &str) -> Result<Policy, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| format!("policy: {e}"))?;
    let mut p = Policy::default();
    for (key, value) in &table {
        match key.as_str() {
            "severity" => {
                p.severity = string(key, value)?
                    .parse()
                    .map_err(|e| format!("policy: `severity`: {e}"))?
            }
            "min_tls_version" => {
                let v = string(key, value)?;
                p.min_tls_version = Some(canonical_version(v).ok_or_else(|| {
                    format!(
                        "policy: `min_tls_version`: unknown version {v:?} (use SSL3.0, TLS1.0, TLS1.1, TLS1.2 or \
TLS1.3)"
                    )
                })?);
            }
            "forbidden_suites" => {
                for name in strings(key, value)? {
                    let info = suites::by_iana_name(name)
                        .or_else(|| suites::all().find(|s| s.iana.eq_ignore_ascii_case(name)))
                        .ok_or_else(|| {
                            format!(
                                "policy: `forbidden_suites`: unknown cipher suite {name:?} (use IANA names, e.g. \
TLS_RSA_WITH_3DES_EDE_CBC_SHA)"
                            )
                        })?;
                    p.forbidden_suites.push(CipherSuite(info.id));
                }
            }
            "forbidden_classes" => {
                for name in strings(key, value)? {
                    let class = SuiteClass::from_policy_name(name).ok_or_else(|| {
                        format!(
                            "policy: `forbidden_classes`: unknown class {name:?} (known: {})",
                            SuiteClass::ALL.map(SuiteClass::policy_name).join(", ")
                        )
                    })?;
                    if !p.forbidden_classes.contains(&class) {
                        p.forbidden_classes.push(class);
                    }
                }
            }
            "min_days_left" => {
                p.min_days_left = Some(
                    value
                        .as_integer()
                        .ok_or_else(|| format!("policy: `{key}` must be an integer"))?,
                )
            }
            "require_nla" => p.require_nla = boolean(key, value)?,
            "clients_must_connect" => {
                p.clients_must_connect = strings(key, value)?
                    .into_iter()
                    .map(str::to_string)
                    .collect()
            }
            "forbid_standard_rdp_security" => p.forbid_standard_rdp_security = boolean(key, value)?,
            other => {
                return Err(format!(
                    "policy: unknown key `{other}` (known keys: {})",
                    KEYS.join(", ")
                ))
            }
        }
    }
    Ok(p)
}

fn string<'a>(key: &str, value: &'a toml::Value) -> Result<&'a str, String> {
    value
        .as_str()
        .ok_or_else(|| format!("policy: `{key}` must be a string"))
}

fn boolean(key: &str, value: &toml::Value) -> Result<bool, String> {
    value
        .as_bool()
        .ok_or_else(|| format!("policy: `{key}` must be true or false"))
}

fn strings<'a>(key: &str, value: &'a toml::Value) -> Result<Vec<&'a str>, String> {
    let err = || format!("policy: `{key}` must be an array of strings");
    value
        .as_array()
        .ok_or_else(err)?
        .iter()
        .map(|v| v.as_str().ok_or_else(err))
        .collect()
}

/// The version of `TLS1.2`, `tls 1.2`, `TLSv1.2`; `None` for anything else.
fn canonical_version(text: &str) -> Option<ProtocolVersion> {
    let mut s: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .collect::<String>()
        .to_ascii_uppercase();
    if let Some(rest) = s.strip_prefix("TLSV").or_else(|| s.strip_prefix("SSLV")) {
        s = format!("{}{rest}", &s[..3]);
    }
    ProtocolVersion::from_label(&s)
}
