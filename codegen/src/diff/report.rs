//! The three ways a diff is printed: compiler-style text, JSON for tools, and a Markdown
//! changelog section for release notes.

use std::fmt::Write as _;

use serde_json::json;

use super::ack::Entry;
use super::Finding;

/// Output format of `protogate diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Like the drift diagnostics: `error[RULE]: message` and `--> file:line:column`.
    Text,
    /// An array of `{"rule","categories","breaking","file","line","message",…}`.
    Json,
    /// An API changelog section.
    Markdown,
}

/// Renders `found` (and the acknowledgements that matched nothing) in `format`.
pub fn render(found: &[Finding], unused: &[&Entry], format: Format) -> String {
    match format {
        Format::Text => text(found, unused),
        Format::Json => json_array(found, unused),
        Format::Markdown => markdown(found, unused),
    }
}

fn text(found: &[Finding], unused: &[&Entry]) -> String {
    let mut out = String::new();
    for f in found {
        let level = match (f.breaking, f.acknowledged) {
            (true, false) => "error",
            (true, true) => "warning",
            (false, _) => "note",
        };
        let _ = writeln!(out, "{level}[{}]: {}", f.rule, f.message);
        let _ = writeln!(out, "  --> {}", f.location);
        if f.acknowledged {
            let _ = writeln!(out, "  = acknowledged: {} {}", f.rule, f.element);
        } else if f.breaking {
            let _ = writeln!(
                out,
                "  = to release it on purpose, acknowledge: {} {}",
                f.rule, f.element
            );
        }
        out.push('\n');
    }
    for entry in unused {
        let _ = writeln!(
            out,
            "warning[ACKNOWLEDGED_UNUSED]: `{} {}` matches no breaking change\n  --> {}\n  = hint: remove the entry once the release that needed it is out\n",
            entry.rule, entry.element, entry.location
        );
    }
    let (breaking, acknowledged, other) = counts(found);
    let _ = write!(
        out,
        "{breaking} breaking change(s), {acknowledged} acknowledged, {other} other change(s)"
    );
    out
}

fn counts(found: &[Finding]) -> (usize, usize, usize) {
    let breaking = found.iter().filter(|f| f.fails()).count();
    let acknowledged = found
        .iter()
        .filter(|f| f.breaking && f.acknowledged)
        .count();
    (
        breaking,
        acknowledged,
        found.len() - breaking - acknowledged,
    )
}

fn json_array(found: &[Finding], unused: &[&Entry]) -> String {
    let mut items: Vec<serde_json::Value> = found
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule,
                "categories": f.categories.iter().map(|c| c.name()).collect::<Vec<_>>(),
                "breaking": f.breaking,
                "acknowledged": f.acknowledged,
                "file": f.location.file,
                "line": f.location.line,
                "column": f.location.column,
                "element": f.element,
                "message": f.message,
            })
        })
        .collect();
    items.extend(unused.iter().map(|e| {
        json!({
            "rule": "ACKNOWLEDGED_UNUSED",
            "categories": [],
            "breaking": false,
            "acknowledged": false,
            "file": e.location.file,
            "line": e.location.line,
            "column": e.location.column,
            "element": e.element,
            "message": format!("`{} {}` matches no breaking change", e.rule, e.element),
        })
    }));
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string())
}

fn markdown(found: &[Finding], unused: &[&Entry]) -> String {
    let mut out = String::from("## API changes\n");
    if found.is_empty() {
        out.push_str("\nNo changes to the API.\n");
    }
    let sections: [Section; 3] = [
        ("Breaking changes", |f| f.fails()),
        ("Breaking changes (acknowledged)", |f| {
            f.breaking && f.acknowledged
        }),
        ("Other changes", |f| !f.breaking),
    ];
    for (title, keep) in sections {
        let items: Vec<&Finding> = found.iter().filter(|f| keep(f)).collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {title}\n");
        for f in items {
            let place = match f.location.line {
                0 => f.location.file.clone(),
                line => format!("{}:{line}", f.location.file),
            };
            let _ = writeln!(
                out,
                "- `{}`: {} (`{}`, {place})",
                f.element,
                escape(&f.message),
                f.rule
            );
        }
    }
    if !unused.is_empty() {
        out.push_str("\n### Stale acknowledgements\n\n");
        for e in unused {
            let _ = writeln!(out, "- `{} {}` ({})", e.rule, e.element, e.location);
        }
    }
    out
}

/// A changelog section: its title and which findings it lists.
type Section = (&'static str, fn(&Finding) -> bool);

/// Keeps Markdown from reading `*`, `_` or `<` in a message as markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '_' | '<' | '>' | '[' | ']' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
