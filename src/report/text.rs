//! Text for a terminal: word wrapping that never splits a word or a command, and severity colours.

use crate::analysis::verdict::Verdict;
use crate::model::Severity;

/// How the terminal report is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Columns available (at least [`MIN_WIDTH`] is assumed).
    pub width: usize,
    /// Everything: full fix steps, suite tables, certificate details, info findings.
    pub verbose: bool,
    /// ANSI colours for severities and verdicts.
    pub color: bool,
}

/// The narrowest layout the report is designed for.
pub const MIN_WIDTH: usize = 80;

impl Default for Layout {
    fn default() -> Self {
        Self {
            width: 100,
            verbose: false,
            color: false,
        }
    }
}

impl Layout {
    /// The columns to fill: the terminal's, but never fewer than [`MIN_WIDTH`].
    pub fn columns(&self) -> usize {
        self.width.max(MIN_WIDTH)
    }

    /// `text` in the colour of `severity`, when colours are on.
    pub fn severity(&self, severity: Severity, text: &str) -> String {
        let code = match severity {
            Severity::Critical => "1;31",
            Severity::High => "31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.paint(code, text)
    }

    /// `text` in the colour of `verdict`.
    pub fn verdict(&self, verdict: Verdict, text: &str) -> String {
        let code = match verdict {
            Verdict::Unreachable | Verdict::ScanFailed | Verdict::ConnectionsFail => "1;31",
            Verdict::AtRisk => "31",
            Verdict::Weaknesses | Verdict::PolicyViolated => "33",
            Verdict::Ok => "32",
        };
        self.paint(code, text)
    }

    /// `text` in bold.
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Display width of `s` (ANSI escapes count for nothing, wide characters for two).
pub fn width(s: &str) -> usize {
    console::measure_text_width(s)
}

/// Splits `text` into tokens: runs without white space, where white space inside backticks does not split (a
/// command in backticks is one token).
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_code = false;
    for ch in text.chars() {
        if ch == '`' {
            in_code = !in_code;
        }
        if ch.is_whitespace() && !in_code {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(if ch.is_whitespace() { ' ' } else { ch });
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A command of several words, in backticks: it goes on a line of its own.
fn is_command(token: &str) -> bool {
    token.contains('`') && token.contains(' ')
}

/// A step number such as `2.` that starts a numbered step on a new line.
fn is_step_number(token: &str) -> bool {
    token.len() >= 2
        && token.ends_with('.')
        && token[..token.len() - 1].bytes().all(|b| b.is_ascii_digit())
}

/// Wraps `text` into lines of at most `width` columns: the first starts with `first`, the others with `rest`.
/// Words are never split; a command in backticks that holds spaces gets a line of its own, and stays whole even
/// when it is wider than the line (a terminal folds it, copying it gives it back whole). With `steps`, numbered
/// steps (`2. ...`) start new lines.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str, steps: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut empty = true;
    let mut after_command = false;
    let mut prev_ends_sentence = false;
    for tok in tokens(text) {
        let command = is_command(&tok);
        let step = steps && is_step_number(&tok) && prev_ends_sentence;
        let fits = self::width(&line) + 1 + self::width(&tok) <= width;
        let new_line = !empty && (command || after_command || step || !fits);
        if new_line {
            lines.push(std::mem::take(&mut line));
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(&tok);
        empty = false;
        after_command = command;
        prev_ends_sentence = tok.ends_with(['.', ')', '`', '\'', '"']);
    }
    if !empty || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The first step of a fix, on one line: the text up to the first sentence end or command, without a leading
/// step number. The whole fix is in the verbose report.
pub fn fix_headline(fix: &str) -> String {
    const MAX: usize = 220;
    let toks = tokens(fix);
    let mut out: Vec<&str> = Vec::new();
    let mut len = 0;
    for (i, tok) in toks.iter().enumerate() {
        if i == 0 && is_step_number(tok) {
            continue;
        }
        if is_command(tok) || (is_step_number(tok) && i > 0) {
            break;
        }
        if len + tok.len() > MAX {
            out.push("...");
            break;
        }
        len += tok.len() + 1;
        out.push(tok);
        if tok.ends_with('.') && out.len() > 2 {
            break;
        }
    }
    let mut s = out.join(" ");
    while s.ends_with([':', ';', ',']) {
        s.pop();
    }
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_never_splits_a_word_and_keeps_lines_within_the_width() {
        let text = "The quick brown fox cannot jump over Out-Null and other words in a sentence long enough";
        let lines = wrap(text, 20, "", "  ", false);
        for l in &lines {
            assert!(width(l) <= 20, "{l:?} is wider than 20");
        }
        let words: Vec<String> = lines.iter().flat_map(|l| tokens(l)).collect();
        assert_eq!(words, tokens(text), "every word whole and in order");
    }

    #[test]
    fn a_command_with_spaces_gets_a_line_of_its_own_and_stays_whole() {
        let text = "Run `Restart-Service TermService -Force` then check.";
        let lines = wrap(text, 80, "", "", false);
        assert_eq!(
            lines,
            vec!["Run", "`Restart-Service TermService -Force`", "then check."]
        );
        let long = format!("x `{}` y", "a b ".repeat(30));
        let lines = wrap(&long, 40, "", "", false);
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with('`') && lines[1].ends_with('`'));
    }

    #[test]
    fn numbered_steps_start_new_lines_when_asked() {
        let lines = wrap("1. Do this. 2. Then that.", 80, "", "", true);
        assert_eq!(lines, vec!["1. Do this.", "2. Then that."]);
    }

    #[test]
    fn the_headline_stops_at_the_first_command_or_sentence() {
        assert_eq!(
            fix_headline("1. Delete the stale certificate (elevated PowerShell): `Get-ChildItem x | Remove-Item`"),
            "Delete the stale certificate (elevated PowerShell)."
        );
        assert_eq!(
            fix_headline("Use a modern certificate. Then more."),
            "Use a modern certificate."
        );
        assert_eq!(
            fix_headline("GPO: Require NLA = Enabled. PowerShell: `Set-Thing -x 1`"),
            "GPO: Require NLA = Enabled."
        );
    }

    #[test]
    fn colours_only_when_asked() {
        let plain = Layout::default();
        assert_eq!(plain.severity(Severity::Critical, "x"), "x");
        let color = Layout {
            color: true,
            ..plain
        };
        assert_eq!(
            color.severity(Severity::Critical, "x"),
            "\x1b[1;31mx\x1b[0m"
        );
        assert_eq!(width(&color.severity(Severity::Critical, "abc")), 3);
    }
}
