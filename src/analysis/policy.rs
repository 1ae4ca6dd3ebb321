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

use crate::analysis::findings::{
    suite_info, supported_versions, version_rank, FIX_ASSIGN_CERT, FIX_ENABLE_TLS12,
    FIX_FORWARD_SECRECY, FIX_LEGACY_TLS, FIX_NLA, FIX_RENEW_SELF_SIGNED, FIX_SECURITY_LAYER,
    FIX_WEAK_CIPHERS,
};
use crate::model::{Finding, Nla, Severity, Status, SuiteEntry, TargetReport};
use crate::wire::tls::suites;
use crate::wire::tls::SuiteInfo;

/// A parsed policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Severity of every finding this policy produces.
    pub severity: Severity,
    /// Canonical label (`TLS1.2`).
    pub min_tls_version: Option<String>,
    /// IANA names, as registered.
    pub forbidden_suites: Vec<String>,
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

/// A class of cipher suites `forbidden_classes` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuiteClass {
    Rc4,
    TripleDes,
    Null,
    Export,
    Anon,
    Cbc,
    NoFs,
}

impl SuiteClass {
    pub const ALL: [SuiteClass; 7] = [
        Self::Rc4,
        Self::TripleDes,
        Self::Null,
        Self::Export,
        Self::Anon,
        Self::Cbc,
        Self::NoFs,
    ];

    /// The name used in policy files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Rc4 => "rc4",
            Self::TripleDes => "3des",
            Self::Null => "null",
            Self::Export => "export",
            Self::Anon => "anon",
            Self::Cbc => "cbc",
            Self::NoFs => "no-fs",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(name))
    }

    pub fn matches(self, info: &SuiteInfo) -> bool {
        match self {
            Self::Rc4 => info.is_rc4(),
            Self::TripleDes => info.is_triple_des(),
            Self::Null => info.is_null_cipher(),
            Self::Export => info.export,
            Self::Anon => info.is_anonymous(),
            Self::Cbc => info.is_cbc(),
            Self::NoFs => !info.forward_secrecy(),
        }
    }
}

/// One rule of a policy, in the order reports list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    MinTlsVersion,
    ForbiddenSuites,
    ForbiddenClasses,
    MinDaysLeft,
    RequireNla,
    ClientsMustConnect,
    ForbidStandardRdpSecurity,
}

impl Rule {
    pub const ALL: [Rule; 7] = [
        Self::MinTlsVersion,
        Self::ForbiddenSuites,
        Self::ForbiddenClasses,
        Self::MinDaysLeft,
        Self::RequireNla,
        Self::ClientsMustConnect,
        Self::ForbidStandardRdpSecurity,
    ];

    /// The key in the policy file.
    pub fn key(self) -> &'static str {
        match self {
            Self::MinTlsVersion => "min_tls_version",
            Self::ForbiddenSuites => "forbidden_suites",
            Self::ForbiddenClasses => "forbidden_classes",
            Self::MinDaysLeft => "min_days_left",
            Self::RequireNla => "require_nla",
            Self::ClientsMustConnect => "clients_must_connect",
            Self::ForbidStandardRdpSecurity => "forbid_standard_rdp_security",
        }
    }

    /// The rule's name: the key with dashes (`min-tls-version`).
    pub fn name(self) -> String {
        self.key().replace('_', "-")
    }

    /// The id of the finding a violation gives: `policy-<name>`.
    pub fn finding_id(self) -> String {
        format!("policy-{}", self.name())
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
                    p.forbidden_suites.push(info.iana.to_string());
                }
            }
            "forbidden_classes" => {
                for name in strings(key, value)? {
                    let class = SuiteClass::parse(name).ok_or_else(|| {
                        format!(
                            "policy: `forbidden_classes`: unknown class {name:?} (known: {})",
                            SuiteClass::ALL.map(SuiteClass::name).join(", ")
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

/// `TLS1.2` from `TLS1.2`, `tls 1.2`, `TLSv1.2`; `None` for anything else.
fn canonical_version(text: &str) -> Option<String> {
    let mut s: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .collect::<String>()
        .to_ascii_uppercase();
    if let Some(rest) = s.strip_prefix("TLSV").or_else(|| s.strip_prefix("SSLV")) {
        s = format!("{}{rest}", &s[..3]);
    }
    version_rank(&s).map(|_| s)
}

/// The outcome of one rule for one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The rule cannot be checked on this report; the reason.
    Skipped(String),
    Passed,
    Violated(Finding),
}

/// Every violated rule, as findings.
pub fn evaluate(policy: &Policy, report: &TargetReport) -> Vec<Finding> {
    policy
        .rules()
        .into_iter()
        .filter_map(|r| match check(policy, r, report) {
            Check::Violated(f) => Some(f),
            _ => None,
        })
        .collect()
}

/// Adds the policy's findings to the report's, keeping the report's order (most severe first, then by id).
pub fn apply(policy: &Policy, report: &mut TargetReport) {
    let mut found = evaluate(policy, report);
    report.findings.retain(|f| !f.id.starts_with("policy-"));
    report.findings.append(&mut found);
    report
        .findings
        .sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
}

fn violated(
    policy: &Policy,
    rule: Rule,
    title: String,
    detail: String,
    fix: impl Into<String>,
) -> Check {
    Check::Violated(Finding {
        id: rule.finding_id(),
        severity: policy.severity,
        title,
        detail,
        client_error: None,
        fix: Some(fix.into()),
    })
}

/// Accepted suites in the given classes (or with the given names): `(entry, what matched)`.
fn matching_suites(
    report: &TargetReport,
    what: impl Fn(&SuiteEntry, Option<&SuiteInfo>) -> Option<String>,
) -> Vec<(&SuiteEntry, String)> {
    report
        .tls
        .iter()
        .flat_map(|t| &t.cipher_suites)
        .filter_map(|s| what(s, suite_info(s)).map(|m| (s, m)))
        .collect()
}

fn list_suites(items: &[(&SuiteEntry, String)], show_match: bool) -> String {
    items
        .iter()
        .map(|(s, m)| {
            if show_match {
                format!("{} {} [{m}]", s.version, s.name)
            } else {
                format!("{} {}", s.version, s.name)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn disable_commands(items: &[(&SuiteEntry, String)]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for (s, _) in items {
        if !names.contains(&s.name.as_str()) {
            names.push(&s.name);
        }
    }
    names
        .iter()
        .map(|n| format!("`Disable-TlsCipherSuite -Name {n}`"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks one rule against one target.
pub fn check(policy: &Policy, rule: Rule, report: &TargetReport) -> Check {
    if report.status == Status::Unreachable {
        return Check::Skipped("the target could not be scanned".into());
    }
    let tls = report
        .tls
        .as_ref()
        .filter(|t| !supported_versions(t).is_empty());
    match rule {
        Rule::MinTlsVersion => {
            let Some(min) = &policy.min_tls_version else {
                return Check::Passed;
            };
            let Some(t) = tls else {
                return Check::Skipped("no TLS version was negotiated".into());
            };
            let min_rank = version_rank(min).unwrap_or(0);
            let supported = supported_versions(t);
            let older: Vec<&str> = supported
                .iter()
                .copied()
                .filter(|v| version_rank(v).is_some_and(|r| r < min_rank))
                .collect();
            if older.is_empty() {
                return Check::Passed;
            }
            let none_newer = supported
                .iter()
                .all(|v| version_rank(v).is_some_and(|r| r < min_rank));
            violated(
                policy,
                rule,
                format!(
                    "Policy min_tls_version = {min}: the server accepts {}",
                    older.join(", ")
                ),
                format!(
                    "Supported versions: {}; the policy allows {min} and later{}.",
                    supported.join(", "),
                    if none_newer {
                        ", and the server accepts none of them".to_string()
                    } else {
                        String::new()
                    }
                ),
                if none_newer {
                    format!("{FIX_ENABLE_TLS12} Then: {FIX_LEGACY_TLS}")
                } else {
                    FIX_LEGACY_TLS.to_string()
                },
            )
        }
        Rule::ForbiddenSuites => {
            if tls.is_none() {
                return Check::Skipped("no TLS report".into());
            }
            let hits = matching_suites(report, |s, info| {
                let name = info.map(|i| i.iana).unwrap_or(s.name.as_str());
                policy
                    .forbidden_suites
                    .iter()
                    .any(|f| f == name)
                    .then(String::new)
            });
            if hits.is_empty() {
                return Check::Passed;
            }
            violated(
                policy,
                rule,
                format!(
                    "Policy forbidden_suites: the server accepts {} forbidden suite(s)",
                    hits.len()
                ),
                format!("Accepted: {}.", list_suites(&hits, false)),
                format!(
                    "Windows: {}; or list only allowed suites in the GPO \"SSL Cipher Suite Order\". xrdp: exclude \
them in `tls_ciphers=` in /etc/xrdp/xrdp.ini.",
                    disable_commands(&hits)
                ),
            )
        }
        Rule::ForbiddenClasses => {
            if tls.is_none() {
                return Check::Skipped("no TLS report".into());
            }
            let hits = matching_suites(report, |_, info| {
                let info = info?;
                let classes: Vec<&str> = policy
                    .forbidden_classes
                    .iter()
                    .filter(|c| c.matches(info))
                    .map(|c| c.name())
                    .collect();
                (!classes.is_empty()).then(|| classes.join(", "))
            });
            if hits.is_empty() {
                return Check::Passed;
            }
            let mut classes: Vec<&str> = Vec::new();
            for c in &policy.forbidden_classes {
                if hits
                    .iter()
                    .any(|(s, _)| suite_info(s).is_some_and(|i| c.matches(i)))
                {
                    classes.push(c.name());
                }
            }
            let mut fix = format!("Windows: {}.", disable_commands(&hits));
            if classes.contains(&"no-fs") {
                fix.push(' ');
                fix.push_str(FIX_FORWARD_SECRECY);
            }
            fix.push(' ');
            fix.push_str(FIX_WEAK_CIPHERS);
            violated(
                policy,
                rule,
                format!(
                    "Policy forbidden_classes: the server accepts {} suite(s) of class {}",
                    hits.len(),
                    classes.join(", ")
                ),
                format!("Accepted: {}.", list_suites(&hits, true)),
                fix,
            )
        }
        Rule::MinDaysLeft => {
            let Some(min) = policy.min_days_left else {
                return Check::Passed;
            };
            let Some(c) = &report.certificate else {
                return Check::Skipped("no certificate was read".into());
            };
            if c.days_left >= min {
                return Check::Passed;
            }
            violated(
                policy,
                rule,
                format!(
                    "Policy min_days_left = {min}: the certificate has {} days left",
                    c.days_left
                ),
                format!(
                    "Subject {}, not after {}, SHA-1 thumbprint {}; {} days left{}.",
                    c.subject,
                    c.not_after,
                    c.sha1_thumbprint,
                    c.days_left,
                    if c.expired { " (expired)" } else { "" }
                ),
                if c.self_signed {
                    FIX_RENEW_SELF_SIGNED
                } else {
                    FIX_ASSIGN_CERT
                },
            )
        }
        Rule::RequireNla => {
            let Some(neg) = &report.negotiation else {
                return Check::Skipped("no RDP negotiation result".into());
            };
            if neg.nla == Nla::Required {
                return Check::Passed;
            }
            let without: Vec<&str> = neg
                .protocols
                .iter()
                .filter(|p| {
                    p.result == crate::model::ProtocolResult::Accepted
                        && matches!(p.protocol.as_str(), "rdp" | "ssl")
                })
                .map(|p| p.protocol.as_str())
                .collect();
            violated(
                policy,
                rule,
                match neg.nla {
                    Nla::Unsupported => {
                        "Policy require_nla: the server does not support NLA".to_string()
                    }
                    _ => "Policy require_nla: NLA is supported but not required".to_string(),
                },
                if without.is_empty() {
                    format!(
                        "NLA: {}; the server does not refuse requests without CredSSP{}.",
                        nla_name(neg.nla),
                        if neg.legacy_server {
                            " (a legacy server without negotiation)"
                        } else {
                            ""
                        }
                    )
                } else {
                    format!(
                        "NLA: {}; accepted without CredSSP: {}.",
                        nla_name(neg.nla),
                        without.join(", ")
                    )
                },
                FIX_NLA,
            )
        }
        Rule::ClientsMustConnect => {
            if report.clients.is_empty() {
                return Check::Skipped("no client simulation".into());
            }
            let mut bad = Vec::new();
            for id in &policy.clients_must_connect {
                match report.clients.iter().find(|c| &c.id == id) {
                    None => bad.push(format!(
                        "{id}: not simulated (no client profile with this id)"
                    )),
                    Some(c) if !c.connects => bad.push(format!(
                        "{} ({id}): {}",
                        c.name,
                        c.reason.as_deref().unwrap_or("cannot connect")
                    )),
                    Some(_) => {}
                }
            }
            if bad.is_empty() {
                return Check::Passed;
            }
            violated(
                policy,
                rule,
                format!(
                    "Policy clients_must_connect: {} required client(s) cannot connect",
                    bad.len()
                ),
                bad.join("; "),
                "Each reason names the cause; the scan's matching finding (tls12-disabled, no-shared-suite, \
weak-cipher, weak-dh, cert-weak-key, client-incompatible) gives the fix.",
            )
        }
        Rule::ForbidStandardRdpSecurity => {
            let Some(neg) = &report.negotiation else {
                return Check::Skipped("no RDP negotiation result".into());
            };
            if !neg.standard_rdp_security {
                return Check::Passed;
            }

            violated(
                policy,
                rule,
                "Policy forbid_standard_rdp_security: the server accepts standard RDP security"
                    .to_string(),
                super::findings::standard_rdp_evidence(neg),
                FIX_SECURITY_LAYER,
            )
        }
    }
}

fn nla_name(nla: Nla) -> &'static str {
    match nla {
        Nla::Required => "required",
        Nla::Supported => "supported",
        Nla::Unsupported => "unsupported",
    }
}
