//! Policy rules as values: which rule, and what checking it on a target found (`targets[].policy`).

use serde::{Deserialize, Serialize, Serializer};

use super::FindingId;

/// One rule of a policy, in the order reports list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    pub fn finding_id(self) -> FindingId {
        match self {
            Self::MinTlsVersion => FindingId::PolicyMinTlsVersion,
            Self::ForbiddenSuites => FindingId::PolicyForbiddenSuites,
            Self::ForbiddenClasses => FindingId::PolicyForbiddenClasses,
            Self::MinDaysLeft => FindingId::PolicyMinDaysLeft,
            Self::RequireNla => FindingId::PolicyRequireNla,
            Self::ClientsMustConnect => FindingId::PolicyClientsMustConnect,
            Self::ForbidStandardRdpSecurity => FindingId::PolicyForbidStandardRdpSecurity,
        }
    }

    /// The rule whose violation is the finding `id`, if it is a policy finding.
    pub fn of_finding(id: FindingId) -> Option<Rule> {
        Self::ALL.into_iter().find(|r| r.finding_id() == id)
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Self::ALL
            .into_iter()
            .find(|r| r.name() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown policy rule {name:?}")))
    }
}

/// What checking one rule on one target found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleOutcome {
    Passed,
    /// Violated: the finding `policy-<rule>` carries the evidence.
    Violated,
    /// Not checked: the scan has nothing to check it on (`reason` says why). Never counted as passed.
    Skipped,
}

/// One rule's result on one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleResult {
    /// The rule's name, e.g. `min-tls-version`.
    pub rule: Rule,
    pub outcome: RuleOutcome,
    /// Why the rule was skipped; null otherwise.
    pub reason: Option<String>,
}
