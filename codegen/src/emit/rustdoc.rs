//! Makes proto comments safe as rustdoc: code in a comment is another language's, so it must
//! never become a doctest. Indented blocks and bare fences are marked as `text`, before
//! prost-build (or protogate's own emitters) turn the comments into doc attributes.
//!
//! prost-build also re-renders each comment as Markdown, and it indents the continuation
//! lines of a list item by one space where Markdown needs the marker's width: clippy's
//! `doc_lazy_continuation` then fails the user's build. The lines of a list item are joined
//! into one line first (a soft line break is a space in Markdown, so the text is the same).

/// Rewrites the comments of a file descriptor before prost-build turns them into rustdoc.
pub fn sanitize_source_info(file: &mut prost_types::FileDescriptorProto) {
    let Some(info) = file.source_code_info.as_mut() else {
        return;
    };
    for location in &mut info.location {
        for comment in [
            &mut location.leading_comments,
            &mut location.trailing_comments,
        ]
        .into_iter()
        .flatten()
        {
            let lines: Vec<String> = comment.lines().map(str::to_string).collect();
            let fixed = fence_code(&join_list_items(&lines));
            if fixed != lines {
                let mut text = fixed.join("\n");
                text.push('\n');
                *comment = text;
            }
        }
    }
}

/// Whether `body` (a comment line without its first space) starts a Markdown list item:
/// `-`, `*` or `+`, or up to nine digits and `.` or `)`, then a space.
fn is_list_item(body: &str) -> bool {
    let trimmed = body.trim_start();
    if body.len() - trimmed.len() > 3 {
        return false;
    }
    let rest = match trimmed.strip_prefix(['-', '*', '+']) {
        Some(rest) => rest,
        None => {
            let digits = trimmed.len()
                - trimmed
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .len();
            if digits == 0 || digits > 9 {
                return false;
            }
            match trimmed[digits..].strip_prefix(['.', ')']) {
                Some(rest) => rest,
                None => return false,
            }
        }
    };
    rest.starts_with([' ', '\t'])
}

/// Joins the continuation lines of each list item onto the item's first line (outside code
/// fences); everything else is left as it is.
pub fn join_list_items(lines: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut in_fence = false;
    let mut in_item = false;
    for line in lines {
        let body = line.strip_prefix(' ').unwrap_or(line);
        let trimmed = body.trim();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
            in_item = false;
            out.push(line.clone());
            continue;
        }
        if in_fence {
            out.push(line.clone());
            continue;
        }
        if trimmed.is_empty() {
            in_item = false;
        } else if is_list_item(body) {
            in_item = true;
        } else if in_item {
            if let Some(item) = out.last_mut() {
                item.push(' ');
                item.push_str(trimmed);
                continue;
            }
        }
        out.push(line.clone());
    }
    out
}

/// Marks indented code blocks and bare fences as `text`.
pub fn fence_code(lines: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut in_fence = false;
    let mut in_indented = false;
    let mut prev_blank = true;
    for line in lines {
        let body = line.strip_prefix(' ').unwrap_or(line);
        let trimmed = body.trim_start();
        if trimmed.starts_with("```") {
            if !in_fence && trimmed.trim_end() == "```" {
                out.push(format!(" {}```text", &body[..body.len() - trimmed.len()]));
            } else {
                out.push(line.clone());
            }
            in_fence = !in_fence;
            prev_blank = false;
            continue;
        }
        if in_fence {
            out.push(line.clone());
            continue;
        }
        let indented = (body.starts_with("    ") || body.starts_with('\t')) && !trimmed.is_empty();
        if indented && (prev_blank || in_indented) {
            if !in_indented {
                out.push(" ```text".to_string());
                in_indented = true;
            }
            out.push(format!(
                " {}",
                body.trim_start_matches('\t')
                    .strip_prefix("    ")
                    .unwrap_or(body)
            ));
            prev_blank = false;
            continue;
        }
        if in_indented && !trimmed.is_empty() {
            out.push(" ```".to_string());
            in_indented = false;
        }
        if in_indented && trimmed.is_empty() {
            out.push(" ```".to_string());
            in_indented = false;
        }
        out.push(line.clone());
        prev_blank = trimmed.is_empty();
    }
    if in_indented {
        out.push(" ```".to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &[&str]) -> Vec<String> {
        s.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn indented_blocks_become_text_fences() {
        let got = fence_code(&lines(&[" Example:", "", "     GET /v1/books", " done"]));
        assert_eq!(
            got,
            lines(&[
                " Example:",
                "",
                " ```text",
                " GET /v1/books",
                " ```",
                " done"
            ])
        );
    }

    #[test]
    fn list_items_are_joined_into_one_line_each() {
        let got = join_list_items(&lines(&[
            " If true:",
            " - the handler reads one request, and",
            "   then alternates.",
            "",
            " - if the server has nothing to send, it",
            " throws the error.",
            " 1. numbered, and",
            "    continued",
            " 2) another",
            " -not a list item",
            " after",
            "",
            " ```",
            " - a list in code",
            "   stays as it is",
            " ```",
        ]));
        assert_eq!(
            got,
            lines(&[
                " If true:",
                " - the handler reads one request, and then alternates.",
                "",
                " - if the server has nothing to send, it throws the error.",
                " 1. numbered, and continued",
                " 2) another -not a list item after",
                "",
                " ```",
                " - a list in code",
                "   stays as it is",
                " ```",
            ])
        );
    }

    #[test]
    fn text_without_lists_is_untouched() {
        let text = lines(&[
            " One line.",
            " Another line,",
            "   indented.",
            "",
            "     code",
        ]);
        assert_eq!(join_list_items(&text), text);
    }

    #[test]
    fn bare_fences_get_a_language() {
        let got = fence_code(&lines(&[" ```", " x = 1", " ```"]));
        assert_eq!(got, lines(&[" ```text", " x = 1", " ```"]));
        let kept = lines(&[" ```json", " {}", " ```"]);
        assert_eq!(fence_code(&kept), kept);
    }
}
