//! The Markdown page of a service (`templates/service.md`).

use askama::Template;

use super::view::ServiceView;
use super::HEADER;

#[derive(Template)]
#[template(path = "service.md", escape = "none")]
struct Page<'v> {
    header: &'static str,
    page: &'v ServiceView,
}

/// The page's text, ending in one newline.
pub(super) fn service(view: &ServiceView) -> askama::Result<String> {
    let text = Page {
        header: HEADER,
        page: view,
    }
    .render()?;
    Ok(format!("{}\n", text.trim_end()))
}

mod filters {
    use std::fmt::Display;

    /// Text for a table cell: one line, pipes escaped, and no `<` that Markdown would take for
    /// a tag.
    pub(super) fn cell<T: Display>(text: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(super::cell(&text.to_string()))
    }

    /// A doc comment as a Markdown block whose headings sit below the page's own.
    pub(super) fn block<T: Display>(text: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(super::block(&text.to_string()))
    }
}

/// A doc comment as a Markdown block whose headings sit below the page's own.
fn block(text: &str) -> String {
    let mut fenced = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
            }
            if !fenced && line.starts_with('#') {
                format!("###{line}")
            } else {
                line.to_string()
            }
        })
        .collect();
    lines.join("\n").trim().to_string()
}

/// Text for a table cell: one line, pipes escaped, and no `<` that Markdown would take for a tag.
fn cell(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(flat.len());
    let mut code = false;
    let mut chars = flat.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                code = !code;
                out.push(c);
            }
            '|' => out.push_str("\\|"),
            '<' if !code
                && chars
                    .peek()
                    .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push_str("&lt;")
            }
            _ => out.push(c),
        }
    }
    out
}
