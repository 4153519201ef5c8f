//! Makes proto comments safe as rustdoc: code in a comment is another language's, so it must
//! never become a doctest. Indented blocks and bare fences are marked as `text`, before
//! prost-build (or protogate's own emitters) turn the comments into doc attributes.

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
            let fixed = fence_code(&lines);
            if fixed != lines {
                let mut text = fixed.join("\n");
                text.push('\n');
                *comment = text;
            }
        }
    }
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
    fn bare_fences_get_a_language() {
        let got = fence_code(&lines(&[" ```", " x = 1", " ```"]));
        assert_eq!(got, lines(&[" ```text", " x = 1", " ```"]));
        let kept = lines(&[" ```json", " {}", " ```"]);
        assert_eq!(fence_code(&kept), kept);
    }
}
