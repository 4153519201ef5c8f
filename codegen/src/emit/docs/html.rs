//! The HTML pages (`templates/service.html`, `templates/index.html`): the same views as the
//! Markdown pages, plus a try-it form per REST method. No inline script or style, so a strict
//! Content-Security-Policy (`script-src 'self'`) holds; the form's script and the style sheet
//! are files of their own. `docs/pages.rs` lists every file with its path under [`MOUNT`].

use askama::Template;

use super::view::ServiceView;
use super::{CSS_HEADER, HEADER, MOUNT};
use crate::emit::Files;

/// The try-it form's script: reads each form, sends the REST call, shows status and body.
const SCRIPT: &str = include_str!("../../../templates/docs/try-it.js");
/// The pages' style sheet.
const STYLE: &str = include_str!("../../../templates/docs/docs.css");

const HTML: &str = "text/html; charset=utf-8";

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage<'v> {
    header: &'static str,
    mount: &'static str,
    page: &'v ServiceView,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage<'v> {
    header: &'static str,
    mount: &'static str,
    services: &'v [ServiceView],
}

/// A service's page, ending in one newline.
pub(super) fn service(view: &ServiceView) -> askama::Result<String> {
    let text = ServicePage {
        header: HEADER,
        mount: MOUNT,
        page: view,
    }
    .render()?;
    Ok(format!("{}\n", text.trim_end()))
}

/// The index page, the script, the style sheet and `docs/pages.rs`.
pub(super) fn site(views: &[ServiceView]) -> askama::Result<Files> {
    let index = IndexPage {
        header: HEADER,
        mount: MOUNT,
        services: views,
    }
    .render()?;
    let mut files = Files::new();
    files.insert("docs/index.html".into(), format!("{}\n", index.trim_end()));
    files.insert(
        "docs/try-it.js".into(),
        format!("{}{SCRIPT}", crate::emit::HEADER),
    );
    files.insert("docs/docs.css".into(), format!("{CSS_HEADER}\n{STYLE}"));
    let mut pages = vec![(MOUNT.to_string(), HTML, "index.html".to_string())];
    pages.extend(views.iter().map(|v| {
        (
            format!("{MOUNT}/{}", v.name),
            HTML,
            format!("{}.html", v.name),
        )
    }));
    pages.push((
        format!("{MOUNT}/try-it.js"),
        "text/javascript; charset=utf-8",
        "try-it.js".into(),
    ));
    pages.push((
        format!("{MOUNT}/docs.css"),
        "text/css; charset=utf-8",
        "docs.css".into(),
    ));
    files.insert("docs/pages.rs".into(), pages_rs(&pages));
    Ok(files)
}

/// `PAGES`: every file of the reference with the path it is served at.
fn pages_rs(pages: &[(String, &str, String)]) -> String {
    let mut out = String::from(crate::emit::HEADER);
    out.push_str(
        "\n/// The API reference pages, for `protogate::Server::docs`: each file with the path it\n\
         /// is served at and its content type.\n\
         pub static PAGES: &[::protogate::reference::Page] = &[\n",
    );
    for (path, content_type, file) in pages {
        out.push_str(&format!(
            "    ::protogate::reference::Page {{\n        path: {path:?},\n        content_type: {content_type:?},\n        body: include_str!({file:?}),\n    }},\n"
        ));
    }
    out.push_str("];\n");
    out
}

/// Text to HTML. Doc comments and the views' phrases are Markdown: code spans, links to
/// anchors, paragraphs, lists and fenced blocks are rendered; everything else is escaped.
mod filters {
    use std::fmt::Display;

    /// One line of text: code spans and `[text](#anchor)` links.
    pub(super) fn inline<T: Display>(text: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(super::inline(&text.to_string()))
    }

    /// Plain text in an element's content.
    pub(super) fn text<T: Display>(text: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(super::escape(&text.to_string()))
    }

    /// A doc comment: paragraphs, lists, headings and fenced code blocks.
    pub(super) fn prose<T: Display>(text: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(super::prose(&text.to_string()))
    }
}

/// Escapes text for an element's content, where quotes need no escaping (so examples and
/// commands read as they are).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Code spans become `<code>`, `[label](#anchor)` becomes a link; the rest is escaped.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('`') {
            if let Some(end) = after.find('`') {
                out.push_str("<code>");
                out.push_str(&escape(&after[..end]));
                out.push_str("</code>");
                rest = &after[end + 1..];
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix('[') {
            if let Some((label, anchor, tail)) = link(after) {
                out.push_str(&format!(
                    "<a href=\"#{}\">{}</a>",
                    escape(anchor),
                    inline(label)
                ));
                rest = tail;
                continue;
            }
        }
        // The first character is plain text here (an unmatched `` ` `` or `[` included).
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let next = rest[first..]
            .find(['`', '['])
            .map_or(rest.len(), |i| i + first);
        out.push_str(&escape(&rest[..next]));
        rest = &rest[next..];
    }
    out
}

/// `label](#anchor)tail` → `(label, anchor, tail)`; only links to anchors on the page.
fn link(after: &str) -> Option<(&str, &str, &str)> {
    let close = after.find("](#")?;
    let label = &after[..close];
    let target = &after[close + 3..];
    let end = target.find(')')?;
    let anchor = &target[..end];
    let plain = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
    (!label.is_empty() && !anchor.is_empty() && anchor.chars().all(plain))
        .then(|| (label, anchor, &target[end + 1..]))
}

/// Blocks of a doc comment: fenced code, list items, headings and paragraphs.
fn prose(text: &str) -> String {
    let mut out = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    let mut code: Option<Vec<&str>> = None;
    let flush = |paragraph: &mut Vec<&str>, list: &mut Vec<String>, out: &mut Vec<String>| {
        if !paragraph.is_empty() {
            out.push(format!("<p>{}</p>", inline(&paragraph.join(" "))));
            paragraph.clear();
        }
        if !list.is_empty() {
            out.push(format!("<ul><li>{}</li></ul>", list.join("</li><li>")));
            list.clear();
        }
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(lines) = code.as_mut() {
            if trimmed.starts_with("```") {
                out.push(format!(
                    "<pre><code>{}</code></pre>",
                    escape(&lines.join("\n"))
                ));
                code = None;
            } else {
                lines.push(line);
            }
            continue;
        }
        if trimmed.starts_with("```") {
            flush(&mut paragraph, &mut list, &mut out);
            code = Some(Vec::new());
        } else if trimmed.is_empty() {
            flush(&mut paragraph, &mut list, &mut out);
        } else if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            if !paragraph.is_empty() {
                flush(&mut paragraph, &mut list, &mut out);
            }
            list.push(inline(item));
        } else if trimmed.starts_with('#') {
            flush(&mut paragraph, &mut list, &mut out);
            out.push(format!(
                "<h4>{}</h4>",
                inline(trimmed.trim_start_matches('#').trim())
            ));
        } else if !list.is_empty() && line.starts_with(' ') {
            // A continuation line of the last list item.
            if let Some(last) = list.last_mut() {
                last.push(' ');
                last.push_str(&inline(trimmed));
            }
        } else {
            if !list.is_empty() {
                flush(&mut paragraph, &mut list, &mut out);
            }
            paragraph.push(trimmed);
        }
    }
    if let Some(lines) = code {
        out.push(format!(
            "<pre><code>{}</code></pre>",
            escape(&lines.join("\n"))
        ));
    }
    flush(&mut paragraph, &mut list, &mut out);
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markup_becomes_html_and_the_rest_is_escaped() {
        assert_eq!(
            inline("object [`ObjectDetails`](#zitadel.v1.ObjectDetails) <b> & `a<b`"),
            "object <a href=\"#zitadel.v1.ObjectDetails\"><code>ObjectDetails</code></a> \
             &lt;b&gt; &amp; <code>a&lt;b</code>"
        );
        assert_eq!(
            inline("non-empty and <= 200 characters"),
            "non-empty and &lt;= 200 characters"
        );
        assert_eq!(
            inline("[x](javascript:alert(1))"),
            "[x](javascript:alert(1))"
        );
        assert_eq!(inline("a lone ` and ["), "a lone ` and [");
        assert_eq!(inline("—`x`"), "—<code>x</code>");
    }

    #[test]
    fn prose_keeps_paragraphs_lists_and_code() {
        let html = prose("One\nline.\n\n- a\n- b `c`\n\n```\nx < y\n```\nEnd.");
        assert_eq!(
            html,
            "<p>One line.</p>\n<ul><li>a</li><li>b <code>c</code></li></ul>\n\
             <pre><code>x &lt; y</code></pre>\n<p>End.</p>"
        );
    }
}
