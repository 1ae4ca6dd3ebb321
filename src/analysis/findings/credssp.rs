//! CredSSP as the server speaks it: the CVE-2018-0886 fix, and the server's clock.

use super::{finding, Vars};
use crate::model::{Finding, FindingId, Severity, TargetReport};

/// Skew beyond which Kerberos (and certificate validity) suffers: five minutes, Kerberos' default tolerance.
const MAX_SKEW_S: i64 = 300;

pub(super) fn evaluate(report: &TargetReport, out: &mut Vec<Finding>) {
    let Some(c) = &report.credssp else { return };
    if let (Some(version), Some(false)) = (c.version, c.patched) {
        let build = c.ntlm.as_ref().and_then(|n| n.product_version.as_ref());
        out.push(finding(
            FindingId::CredsspUnpatched,
            Severity::High,
            None,
            Vars::new()
                .set("version", version)
                .set("build", build.map(String::as_str).unwrap_or_default())
                .passage("build_note", build.map(|_| "credssp-build")),
        ));
    }
    let skew = c.ntlm.as_ref().and_then(|n| n.clock_skew_s);
    if let Some(skew) = skew.filter(|s| s.abs() > MAX_SKEW_S) {
        out.push(finding(
            FindingId::ClockSkew,
            Severity::Medium,
            Some(if skew > 0 { "ahead" } else { "behind" }),
            Vars::new()
                .set("minutes", skew.abs() / 60)
                .set("skew", skew)
                .set(
                    "server_time",
                    c.ntlm
                        .as_ref()
                        .and_then(|n| n.server_time.clone())
                        .unwrap_or_default(),
                ),
        ));
    }
}
