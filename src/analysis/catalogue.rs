//! The finding catalogue: the words of every finding (title, detail, what clients show, the fix) and its
//! sources, from `data/findings.toml`. Rules decide whether a finding applies and supply the evidence; the
//! catalogue's templates turn that into text.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::{Category, Finding, FindingId, Severity};

/// The catalogue shipped with rdptls.
pub const BUILTIN: &str = include_str!("../../data/findings.toml");

/// How deep passages may name other passages.
const MAX_DEPTH: usize = 8;

/// One finding's words, or a variant's (a field given replaces the finding's own).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wording {
    pub title: Option<String>,
    pub detail: Option<String>,
    pub client_error: Option<String>,
    pub fix: Option<String>,
}

impl Wording {
    fn over(&self, base: &Wording) -> Wording {
        let pick = |a: &Option<String>, b: &Option<String>| a.clone().or_else(|| b.clone());
        Wording {
            title: pick(&self.title, &base.title),
            detail: pick(&self.detail, &base.detail),
            client_error: pick(&self.client_error, &base.client_error),
            fix: pick(&self.fix, &base.fix),
        }
    }
}

/// One `[[finding]]` of the catalogue.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: FindingId,
    pub category: Category,
    pub sources: Vec<String>,
    pub title: Option<String>,
    pub detail: Option<String>,
    pub client_error: Option<String>,
    pub fix: Option<String>,
    #[serde(default)]
    pub variants: BTreeMap<String, Wording>,
}

impl Entry {
    fn base(&self) -> Wording {
        Wording {
            title: self.title.clone(),
            detail: self.detail.clone(),
            client_error: self.client_error.clone(),
            fix: self.fix.clone(),
        }
    }

    /// The wording of `variant` (the finding's own for `None`); `None` when the variant does not exist.
    pub fn wording(&self, variant: Option<&str>) -> Option<Wording> {
        match variant {
            None => Some(self.base()),
            Some(v) => self.variants.get(v).map(|w| w.over(&self.base())),
        }
    }
}

/// The parsed catalogue.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub texts: BTreeMap<String, String>,
    pub entries: BTreeMap<FindingId, Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    texts: BTreeMap<String, String>,
    finding: Vec<Entry>,
}

impl Catalogue {
    /// Parses a catalogue file; a finding listed twice is an error.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: File = toml::from_str(text).map_err(|e| format!("finding catalogue: {e}"))?;
        let mut entries = BTreeMap::new();
        for entry in file.finding {
            if let Some(e) = entries.insert(entry.id, entry) {
                return Err(format!("finding catalogue: {} is listed twice", e.id));
            }
        }
        Ok(Self {
            texts: file.texts,
            entries,
        })
    }

    /// The built-in catalogue. A broken catalogue (which the tests rule out) gives an empty one, and findings
    /// then carry their id as title rather than the process failing.
    pub fn builtin() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| Self::parse(BUILTIN).unwrap_or_default())
    }

    /// The category of a finding.
    pub fn category(&self, id: FindingId) -> Option<Category> {
        self.entries.get(&id).map(|e| e.category)
    }

    /// Renders one template with the evidence in `vars`.
    pub fn render(&self, template: &str, vars: &Vars) -> String {
        let mut out = String::new();
        self.expand(&fold(template), vars, 0, &mut out);
        out
    }

    fn expand(&self, template: &str, vars: &Vars, depth: usize, out: &mut String) {
        let mut rest = template;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                out.push_str(&rest[start..]);
                return;
            };
            let name = &after[..end];
            match vars.get(name) {
                Some(Value::Evidence(text)) => out.push_str(text),
                Some(Value::Passage(None)) => {}
                Some(Value::Passage(Some(key))) => self.passage(key, name, vars, depth, out),
                None => self.passage(name, name, vars, depth, out),
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
    }

    /// Expands the passage `key` of `[texts]`; an unknown one is left visible as `{{name}}`, which the catalogue
    /// tests look for.
    fn passage(&self, key: &str, name: &str, vars: &Vars, depth: usize, out: &mut String) {
        match self.texts.get(key) {
            Some(text) if depth < MAX_DEPTH => self.expand(&fold(text), vars, depth + 1, out),
            _ => {
                out.push_str("{{");
                out.push_str(name);
                out.push_str("}}");
            }
        }
    }

    /// The finding `id` in the given variant, its texts filled in from `vars`.
    pub fn finding(
        &self,
        id: FindingId,
        severity: Severity,
        variant: Option<&str>,
        vars: &Vars,
    ) -> Finding {
        let wording = self.entries.get(&id).and_then(|e| e.wording(variant));
        let Some(w) = wording else {
            return Finding {
                id,
                severity,
                title: id.to_string(),
                detail: format!("(no catalogue entry for {id} {variant:?})"),
                client_error: None,
                fix: None,
            };
        };
        let render = |t: &Option<String>| t.as_deref().map(|t| self.render(t, vars));
        Finding {
            id,
            severity,
            title: render(&w.title).unwrap_or_else(|| id.to_string()),
            detail: render(&w.detail).unwrap_or_default(),
            client_error: render(&w.client_error),
            fix: render(&w.fix),
        }
    }
}

/// Folds a template's line breaks: a line break and the spaces around it read as one space; breaks at the start
/// and the end go.
fn fold(template: &str) -> String {
    if !template.contains('\n') {
        return template.to_string();
    }
    let mut out = String::with_capacity(template.len());
    let mut pending: Option<String> = None;
    for c in template.chars() {
        if c == ' ' || c == '\t' || c == '\n' {
            pending.get_or_insert_with(String::new).push(c);
            continue;
        }
        if let Some(ws) = pending.take() {
            if !ws.contains('\n') {
                out.push_str(&ws);
            } else if !out.is_empty() {
                out.push(' ');
            }
        }
        out.push(c);
    }
    if let Some(ws) = pending {
        if !ws.contains('\n') {
            out.push_str(&ws);
        }
    }
    out
}

/// A value a template can name.
#[derive(Debug, Clone)]
enum Value {
    /// Evidence, inserted as it is.
    Evidence(String),
    /// A passage of `[texts]` chosen by the code, or nothing.
    Passage(Option<&'static str>),
}

/// The evidence for one finding's templates, by name.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    items: Vec<(&'static str, Value)>,
}

impl Vars {
    pub fn new() -> Self {
        Self::default()
    }

    /// Evidence under `name`.
    pub fn set(mut self, name: &'static str, value: impl Display) -> Self {
        self.items.push((name, Value::Evidence(value.to_string())));
        self
    }

    /// The passage `key` of `[texts]` under `name`, or nothing for `None`.
    pub fn passage(mut self, name: &'static str, key: Option<&'static str>) -> Self {
        self.items.push((name, Value::Passage(key)));
        self
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.items
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

/// A finding of the built-in catalogue.
pub fn finding(id: FindingId, severity: Severity, variant: Option<&str>, vars: &Vars) -> Finding {
    Catalogue::builtin().finding(id, severity, variant, vars)
}

/// The category of a finding in the built-in catalogue.
pub fn category(id: FindingId) -> Option<Category> {
    Catalogue::builtin().category(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalogue_parses_and_every_passage_it_names_exists() {
        let c = Catalogue::parse(BUILTIN).expect("data/findings.toml parses");
        for (name, text) in &c.texts {
            let rendered = c.render(text, &Vars::new());
            for hole in rendered.split("{{").skip(1) {
                let inner = hole.split("}}").next().unwrap_or("");
                // What is left must be evidence a rule supplies: lower case with underscores, not a passage name.
                assert!(
                    !c.texts.contains_key(inner) && !inner.contains('-'),
                    "passage {name} names {{{{{inner}}}}}, which is no passage"
                );
            }
        }
    }

    #[test]
    fn evidence_is_inserted_verbatim_and_never_expanded() {
        let c = Catalogue::parse(BUILTIN).unwrap();
        let vars = Vars::new().set("error", "{{fix-nla}}").set("address", "x");
        let f = c.finding(
            FindingId::TargetUnreachable,
            Severity::Critical,
            Some("dns"),
            &vars,
        );
        assert_eq!(f.detail, "{{fix-nla}} (address x).");
    }

    #[test]
    fn line_breaks_fold_into_one_space() {
        assert_eq!(fold("a\n  b c\n"), "a b c");
        assert_eq!(fold(" lead\nnext"), " lead next");
        assert_eq!(fold("two  spaces"), "two  spaces");
    }
}
