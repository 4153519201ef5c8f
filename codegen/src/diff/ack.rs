//! Acknowledged breaking changes: a checked-in file listing the breaks a team ships on
//! purpose, so CI stays green for them and only for them.
//!
//! One entry a line, `RULE ELEMENT`, then an optional `# why`:
//!
//! ```text
//! # Breaking changes released on purpose (protogate diff --acknowledged this-file).
//! FIELD_NO_DELETE zitadel.auth.v1.VerifyMyPhoneRequest.code  # replaced by a one-time link
//! HTTP_BINDING_PATH_CHANGED zitadel.auth.v1.AuthService.VerifyMyPhone
//! ```

use std::path::Path;

use super::{catalog, Finding};
use crate::diag::{Diagnostic, Location};

/// One accepted break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The rule ID.
    pub rule: String,
    /// The element, fully qualified as the report prints it.
    pub element: String,
    /// Where the entry is written.
    pub location: Location,
}

/// The entries of an acknowledgements file.
#[derive(Debug, Clone, Default)]
pub struct Acknowledged {
    /// In file order.
    pub entries: Vec<Entry>,
}

impl Acknowledged {
    /// Reads `path`; a malformed line or an unknown rule is an error at its line.
    pub fn read(path: &Path) -> Result<Acknowledged, Diagnostic> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostic::error(
                "diff-acknowledged-read",
                Location::new(&shown, 0, 0),
                format!("cannot read the acknowledged breaking changes: {e}"),
            )
        })?;
        Acknowledged::parse(&text, &shown)
    }

    /// Parses the file's text; `shown` names it in errors.
    pub fn parse(text: &str, shown: &str) -> Result<Acknowledged, Diagnostic> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let location = Location::new(shown, i as u32 + 1, 1);
            let mut words = line.split_whitespace();
            let (Some(rule), Some(element), None) = (words.next(), words.next(), words.next())
            else {
                return Err(Diagnostic::error(
                    "diff-acknowledged-syntax",
                    location,
                    format!("expected `RULE ELEMENT`, found `{line}`"),
                )
                .hint("one acknowledged break a line, e.g. `FIELD_NO_DELETE pkg.Message.field`; `#` starts a comment"));
            };
            if !catalog::is_known(rule) {
                return Err(Diagnostic::error(
                    "diff-acknowledged-rule",
                    location,
                    format!("`{rule}` is not a rule protogate diff reports"),
                )
                .hint("copy the rule ID from the report (`protogate diff --format json` prints it as \"rule\")"));
            }
            entries.push(Entry {
                rule: rule.to_string(),
                element: element.to_string(),
                location,
            });
        }
        Ok(Acknowledged { entries })
    }

    /// Marks the findings the file accepts; returns the entries that matched nothing.
    pub fn apply<'a>(&'a self, found: &mut [Finding]) -> Vec<&'a Entry> {
        let mut used = vec![false; self.entries.len()];
        for finding in found.iter_mut().filter(|f| f.breaking) {
            for (i, entry) in self.entries.iter().enumerate() {
                if entry.rule == finding.rule && entry.element == finding.element {
                    finding.acknowledged = true;
                    used[i] = true;
                }
            }
        }
        self.entries
            .iter()
            .zip(used)
            .filter(|(_, used)| !used)
            .map(|(e, _)| e)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries_and_comments() {
        let ack = Acknowledged::parse(
            "# header\n\nFIELD_NO_DELETE a.B.c  # on purpose\nRPC_NO_DELETE a.S.M\n",
            "acks.txt",
        )
        .expect("valid");
        assert_eq!(ack.entries.len(), 2);
        assert_eq!(ack.entries[0].element, "a.B.c");
        assert_eq!(ack.entries[1].location.line, 4);
    }

    #[test]
    fn names_the_line_of_a_bad_entry() {
        let err = Acknowledged::parse("FIELD_NO_DELETE\n", "acks.txt").expect_err("malformed");
        assert_eq!(err.location.to_string(), "acks.txt:1:1");
        let err = Acknowledged::parse("\nNOT_A_RULE x.Y\n", "acks.txt").expect_err("unknown");
        assert_eq!(err.location.line, 2);
        assert!(err.message.contains("NOT_A_RULE"));
    }

    #[test]
    fn marks_matching_breaks_and_returns_unused_entries() {
        let ack = Acknowledged::parse("FIELD_NO_DELETE a.B.c\nRPC_NO_DELETE a.S.M\n", "f")
            .expect("valid");
        let mut found = vec![Finding {
            rule: "FIELD_NO_DELETE",
            categories: &[super::super::Category::File],
            breaking: true,
            location: Location::new("a.proto", 3, 1),
            element: "a.B.c".into(),
            message: String::new(),
            acknowledged: false,
        }];
        let unused = ack.apply(&mut found);
        assert!(found[0].acknowledged);
        assert!(!found[0].fails());
        assert_eq!(unused.len(), 1);
        assert_eq!(unused[0].rule, "RPC_NO_DELETE");
    }
}
