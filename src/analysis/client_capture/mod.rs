//! Client profiles from captured ClientHellos (`rdptls capture`): one `[[client]]` table per distinct hello, in the
//! `data/clients.toml` format, so that `rdptls scan --clients FILE` replays exactly what the real client sent.
//!
//! Pure: a decoded hello and what the listener saw around it go in, TOML text comes out. Every table is loaded
//! back with [`clients::load`] before it is kept, so a capture never writes a file that `--clients` refuses.

use std::net::IpAddr;

use super::clients::{self, ClientProfile};
use crate::wire::tls::{
    is_grease, suites, CipherSuite, ExtensionType, Ja4, NamedGroup, ProtocolVersion, ReceivedHello,
    SignatureScheme, MAX_SUITES,
};
use crate::wire::x224::Protocols;

/// The first lines of a new capture file.
pub const FILE_HEADER: &str = "\
# Client profiles captured by `rdptls capture`, one per distinct ClientHello, in the format of rdptls'
# data/clients.toml. Scan with them: rdptls scan HOST --clients THIS_FILE
#
# A hello shows what the client offers, not what it enforces afterwards: add by hand what each client refuses
# once the server has answered (security_level for OpenSSL-based clients, min_rsa_bits, min_dh_bits), its
# tls_error, and `current = true` if it counts as a current client. Each table's notes say what was left out.
";

/// What the listener saw of one connection besides the hello.
#[derive(Clone, Debug)]
pub struct CaptureContext<'a> {
    /// `Cookie: mstshash=NAME` of the Connection Request (mstsc and FreeRDP send the user name).
    pub cookie: Option<&'a str>,
    /// The client's address.
    pub peer: IpAddr,
    /// When, RFC 3339.
    pub captured_at: &'a str,
    /// `requestedProtocols` of the Connection Request, and what the capture selected.
    pub requested: Protocols,
    pub selected: Protocols,
}

/// One profile made from a hello: its id, its `[[client]]` table, and the profile as `--clients` loads it.
#[derive(Clone, Debug)]
pub struct CapturedProfile {
    pub id: String,
    pub toml: String,
    pub profile: ClientProfile,
}

/// What adding a hello to a capture file did.
#[derive(Clone, Debug)]
pub enum Added {
    /// A hello not seen before: its table, to append.
    New(Box<CapturedProfile>),
    /// The same hello as this profile's (random, session id and key shares aside).
    Known { id: String },
}

/// The profiles of one capture file: those already in it and those added since, to tell distinct hellos apart and
/// keep ids unique (built-in ids included, which `--clients` would otherwise replace).
#[derive(Debug, Default)]
pub struct CaptureFile {
    profiles: Vec<ClientProfile>,
    taken_ids: Vec<String>,
}

impl CaptureFile {
    /// The capture file with `existing` text (empty for a new file); an existing file must load.
    pub fn new(existing: &str) -> Result<Self, String> {
        let profiles = if existing.lines().all(|l| {
            let l = l.trim();
            l.is_empty() || l.starts_with('#')
        }) {
            Vec::new()
        } else {
            clients::load(existing)?
        };
        let mut taken_ids: Vec<String> = clients::builtin_profiles()?
            .into_iter()
            .map(|p| p.entry.id)
            .collect();
        taken_ids.extend(profiles.iter().map(|p| p.entry.id.clone()));
        Ok(Self {
            profiles,
            taken_ids,
        })
    }

    /// Adds the profile of `received`, unless a profile of the file has the same hello.
    pub fn add(
        &mut self,
        received: &ReceivedHello,
        ja4: &Ja4,
        ctx: &CaptureContext<'_>,
    ) -> Result<Added, String> {
        let draft = Draft::of(received, ja4, ctx)?;
        // Load the table once under a placeholder id to compare hellos, then under its own id.
        let probe = clients::load(&draft.render("captured"))?
            .pop()
            .ok_or("the captured profile did not load")?;
        if let Some(same) = self.profiles.iter().find(|p| same_hello(p, &probe)) {
            return Ok(Added::Known {
                id: same.entry.id.clone(),
            });
        }
        let id = self.unique_id(&draft.id_base(ctx.cookie, ja4));
        let toml = draft.render(&id);
        let profile = clients::load(&toml)?
            .pop()
            .ok_or("the captured profile did not load")?;
        self.taken_ids.push(id.clone());
        self.profiles.push(profile.clone());
        Ok(Added::New(Box::new(CapturedProfile { id, toml, profile })))
    }

    fn unique_id(&self, base: &str) -> String {
        let mut id = base.to_string();
        let mut n = 2;
        while self.taken_ids.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

/// Whether two profiles describe the same hello: everything the replay sends, and what it cannot.
fn same_hello(a: &ClientProfile, b: &ClientProfile) -> bool {
    a.versions == b.versions
        && a.suites == b.suites
        && a.groups == b.groups
        && a.entry.renegotiation_scsv == b.entry.renegotiation_scsv
        && a.shape == b.shape
        && a.unsent_extensions == b.unsent_extensions
}

/// A profile's fields as read from one hello, before it has an id.
#[derive(Debug)]
struct Draft {
    name: String,
    versions: Vec<ProtocolVersion>,
    suites: Vec<CipherSuite>,
    groups: Vec<NamedGroup>,
    renegotiation_scsv: bool,
    extensions: Vec<ExtensionType>,
    signature_algorithms: Vec<SignatureScheme>,
    /// `name`, `as-typed` or `none`, as `data/clients.toml` spells them.
    sni: &'static str,
    /// `random` or `empty`.
    session_id: &'static str,
    sources: Vec<String>,
    notes: Vec<String>,
}

impl Draft {
    fn of(received: &ReceivedHello, ja4: &Ja4, ctx: &CaptureContext<'_>) -> Result<Self, String> {
        let hello = &received.hello;
        let mut notes = vec![format!(
            "Captured from one ClientHello (JA4 {ja4}). What a hello cannot show is not here: add by hand what the \
client enforces after the server's answer (security_level for OpenSSL-based clients, which at 1 or more fail \
TLS 1.0/1.1 however the hello offers them; min_rsa_bits; min_dh_bits) and its tls_error."
        )];
        let mut grease = 0usize;

        let versions = if hello.has_extension(ExtensionType::SUPPORTED_VERSIONS) {
            let (known, unknown): (Vec<_>, Vec<_>) = hello
                .offered_versions()
                .into_iter()
                .partition(|v| ProtocolVersion::ALL.contains(v));
            if !unknown.is_empty() {
                notes.push(format!(
                    "supported_versions also lists {} (not replayed).",
                    list(&unknown)
                ));
            }
            grease += hello
                .supported_versions
                .iter()
                .filter(|v| is_grease(v.0))
                .count();
            known
        } else {
            let top = hello.legacy_version;
            let versions: Vec<ProtocolVersion> = if top == ProtocolVersion::SSL3_0 {
                vec![top]
            } else {
                ProtocolVersion::ALL
                    .into_iter()
                    .filter(|v| *v >= ProtocolVersion::TLS1_0 && *v <= top)
                    .collect()
            };
            if versions.len() > 1 {
                notes.push(format!(
                    "The hello has no supported_versions, so it shows only its highest version ({top}); the lower \
ones are assumed: remove those the client refuses."
                ));
            }
            versions
        };
        if versions.is_empty() {
            return Err(format!(
                "the hello offers no TLS version rdptls can replay (legacy_version {}, supported_versions {})",
                hello.legacy_version,
                list(&hello.supported_versions)
            ));
        }

        let mut suites = Vec::new();
        let mut renegotiation_scsv = false;
        let mut unreplayed_suites = Vec::new();
        for s in &hello.suites {
            if is_grease(s.0) {
                grease += 1;
            } else if *s == CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV {
                renegotiation_scsv = true;
            } else if suites::lookup(s.0).is_some() && !suites.contains(s) {
                suites.push(*s);
            } else {
                unreplayed_suites.push(*s);
            }
        }
        if !unreplayed_suites.is_empty() {
            notes.push(format!(
                "Also offered, not replayed: {}.",
                list(&unreplayed_suites)
            ));
        }
        if suites.len() > MAX_SUITES {
            notes.push(format!(
                "{} suites offered; the replay sends the first {MAX_SUITES}.",
                suites.len()
            ));
            suites.truncate(MAX_SUITES);
        }
        if suites.is_empty() {
            return Err("the hello offers no cipher suite rdptls knows".to_string());
        }

        let groups: Vec<NamedGroup> = hello
            .groups
            .iter()
            .copied()
            .filter(|g| {
                let g_is_grease = is_grease(g.0);
                grease += usize::from(g_is_grease);
                !g_is_grease
            })
            .collect();

        let mut extensions = Vec::new();
        for typ in hello.extension_types() {
            if is_grease(typ.0) {
                grease += 1;
            } else {
                extensions.push(typ);
            }
        }
        let unsent: Vec<ExtensionType> = extensions
            .iter()
            .copied()
            .filter(|t| !clients::BUILDABLE.contains(t))
            .collect();
        if !unsent.is_empty() {
            notes.push(format!(
                "Listed in extensions but not replayed (rdptls cannot build them; dropped when the profile loads): \
{}.",
                list(&unsent)
            ));
        }
        if !hello.alpn.is_empty() {
            let names: Vec<String> = hello
                .alpn
                .iter()
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            notes.push(format!("ALPN offered: {}.", names.join(", ")));
        }

        let mut signature_algorithms = Vec::new();
        let mut unknown_sigalgs = Vec::new();
        for s in &hello.signature_algorithms {
            if is_grease(s.0) {
                grease += 1;
            } else if s.name().is_some() {
                signature_algorithms.push(*s);
            } else {
                unknown_sigalgs.push(*s);
            }
        }
        if !unknown_sigalgs.is_empty() {
            notes.push(format!(
                "Also in signature_algorithms, not replayed: {}.",
                list(&unknown_sigalgs)
            ));
        }

        let sni = match (
            &hello.server_name,
            hello.has_extension(ExtensionType::SERVER_NAME),
        ) {
            (_, false) => {
                notes.push(
                    "No SNI was sent. If the client was given an address, capture it again with a host name to \
see whether it sends SNI for names."
                        .to_string(),
                );
                "none"
            }
            (Some(host), true) if host.parse::<IpAddr>().is_ok() => {
                notes.push(format!(
                    "SNI carried the IP literal {host}: the client sends the target as typed."
                ));
                "as-typed"
            }
            (_, true) => "name",
        };
        let session_id = if hello.session_id.is_empty() {
            "empty"
        } else {
            "random"
        };
        let shares: Vec<NamedGroup> = hello
            .key_share_groups
            .iter()
            .copied()
            .filter(|g| !is_grease(g.0))
            .collect();
        if !shares.is_empty() {
            notes.push(format!(
                "key_share: {} (the replay sends an x25519 share when x25519 is offered, an empty one otherwise).",
                list(&shares)
            ));
        }
        if grease > 0 {
            notes.push(format!(
                "{grease} GREASE values (RFC 8701) left out: the client draws new ones on every connection."
            ));
        }

        let cookie = ctx
            .cookie
            .map_or("no cookie".to_string(), |c| format!("Cookie: mstshash={c}"));
        let name = format!("Client captured from {} ({cookie}), JA4 {ja4}", ctx.peer);
        let sources = vec![format!(
            "captured by rdptls capture {} on {} from {}: X.224 Connection Request with {cookie}, requestedProtocols \
{}, answered with {}; ClientHello of {} bytes in records of version {}; JA4 {ja4}; JA4_r {}",
            env!("CARGO_PKG_VERSION"),
            ctx.captured_at,
            ctx.peer,
            ctx.requested,
            ctx.selected,
            received.len,
            received.record_version,
            ja4.raw()
        )];
        Ok(Self {
            name,
            versions,
            suites,
            groups,
            renegotiation_scsv,
            extensions,
            signature_algorithms,
            sni,
            session_id,
            sources,
            notes,
        })
    }

    /// The id for this hello: the client's cookie (its user name, usually), then JA4's first part.
    fn id_base(&self, cookie: Option<&str>, ja4: &Ja4) -> String {
        let cookie: String = cookie
            .unwrap_or("")
            .chars()
            .take(32)
            .map(|c| match c.to_ascii_lowercase() {
                c @ ('a'..='z' | '0'..='9' | '-' | '_' | '.') => c,
                _ => '-',
            })
            .collect();
        let cookie = cookie.trim_matches('-');
        let base = if cookie.is_empty() {
            "captured"
        } else {
            cookie
        };
        format!("{base}-{}", ja4.a)
    }

    /// The `[[client]]` table, in the layout of `data/clients.toml`.
    fn render(&self, id: &str) -> String {
        let mut t = String::from("\n[[client]]\n");
        t.push_str(&format!("id = {}\n", quoted(id)));
        t.push_str(&format!("name = {}\n", quoted(&self.name)));
        let versions: Vec<String> = self.versions.iter().map(|v| v.label()).collect();
        t.push_str(&format!("versions = {}\n", inline(&versions)));
        t.push_str(&format!("# {} suites\n", self.suites.len()));
        let suites: Vec<String> = self.suites.iter().map(|s| s.name()).collect();
        t.push_str(&format!("suites = {}\n", block(&suites)));
        let groups: Vec<String> = self.groups.iter().map(|g| g.to_string()).collect();
        t.push_str(&format!("groups = {}\n", block(&groups)));
        t.push_str(&format!(
            "renegotiation_scsv = {}\n",
            self.renegotiation_scsv
        ));
        let extensions: Vec<String> = self.extensions.iter().map(|e| e.to_string()).collect();
        t.push_str(&format!("extensions = {}\n", block(&extensions)));
        let sigalgs: Vec<String> = self
            .signature_algorithms
            .iter()
            .map(|s| s.to_string())
            .collect();
        t.push_str(&format!("signature_algorithms = {}\n", block(&sigalgs)));
        t.push_str(&format!("sni = {}\n", quoted(self.sni)));
        t.push_str(&format!("session_id = {}\n", quoted(self.session_id)));
        t.push_str(&format!("sources = {}\n", block(&self.sources)));
        t.push_str(&format!("notes = {}\n", quoted(&self.notes.join(" "))));
        t
    }
}

/// Codes for a note: `a, b, unknown(0x1234)`.
fn list<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A TOML basic string (TOML 1.0 "Basic strings"): quotes, backslashes and control characters escaped.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `["a", "b"]` on one line.
fn inline(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quoted(i)).collect();
    format!("[{}]", quoted.join(", "))
}

/// One item per line, as `data/clients.toml` lists suites.
fn block(items: &[String]) -> String {
    if items.is_empty() {
        return "[]".to_string();
    }
    let mut out = String::from("[\n");
    for i in items {
        out.push_str(&format!("    {},\n", quoted(i)));
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests;
