//! The one writer of BENCHMARKS.md's generated sections. Each tool owns a block between a
//! begin marker (`<!-- name:begin … -->`) and an end marker (`<!-- name:end -->`); writing a
//! section replaces that block and nothing else, so the other tools' sections and the
//! hand-written text around them stay as they are.

use std::path::Path;

/// Where a section sits in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Markers<'a> {
    /// The start of the begin marker (`<!-- bench-serving:begin`): the rest of that line may
    /// change between versions of the tool.
    pub begin: &'a str,
    /// The whole end marker (`<!-- bench-serving:end -->`).
    pub end: &'a str,
    /// The end marker of the section this one follows when it is written for the first time
    /// (the SQLite serving section after the in-memory one); appended at the end otherwise.
    pub after: Option<&'a str>,
}

/// The first lines of a file that did not exist or was empty.
const NEW_FILE: &str = "# Benchmarks\n\nFigures measured by the repository's own tasks; each section says how to reproduce it.\n\n";

/// `current` with the section between `markers` replaced by `section` (which carries the
/// markers itself); a section not there yet goes after `markers.after` when that is there, else
/// at the end, a blank line before it.
pub fn replace(current: &str, markers: Markers<'_>, section: &str) -> String {
    // The text after a marker, without the newline that ended its line.
    let tail = |at: usize| current[at..].strip_prefix('\n').unwrap_or(&current[at..]);
    if let (Some(start), Some(end)) = (current.find(markers.begin), current.find(markers.end)) {
        if end > start {
            let rest = tail(end + markers.end.len());
            return format!("{}{section}{rest}", &current[..start]);
        }
    }
    if let Some(end) = markers
        .after
        .and_then(|after| current.find(after).map(|at| at + after.len()))
    {
        return format!("{}\n\n{section}{}", &current[..end], tail(end));
    }
    if current.trim().is_empty() {
        return format!("{NEW_FILE}{section}");
    }
    let mut text = current.to_string();
    if !text.ends_with("\n\n") {
        text.push_str(if text.ends_with('\n') { "\n" } else { "\n\n" });
    }
    text.push_str(section);
    text
}

/// Writes `section` into the file at `path` (see [`replace`]), creating it if needed. The file
/// is read right before it is written: the other sections are other tools' and stay as they
/// are.
pub fn write(path: &Path, markers: Markers<'_>, section: &str) -> std::io::Result<()> {
    let current = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    std::fs::write(path, replace(&current, markers, section))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Markers<'static> = Markers {
        begin: "<!-- a:begin",
        end: "<!-- a:end -->",
        after: None,
    };
    const B: Markers<'static> = Markers {
        begin: "<!-- b:begin",
        end: "<!-- b:end -->",
        after: Some("<!-- a:end -->"),
    };

    fn a(body: &str) -> String {
        format!("<!-- a:begin (by a) -->\n{body}\n<!-- a:end -->\n")
    }

    fn b(body: &str) -> String {
        format!("<!-- b:begin (by b) -->\n{body}\n<!-- b:end -->\n")
    }

    #[test]
    fn a_section_replaces_only_itself() {
        let text = format!("# B\n\nintro\n\n{}\n## Later\n\nkept\n", a("old"));
        assert_eq!(
            replace(&text, A, &a("new")),
            format!("# B\n\nintro\n\n{}\n## Later\n\nkept\n", a("new"))
        );
        // A begin marker whose trailing text changed is still found.
        let renamed = text.replace("(by a)", "(by an older a)");
        assert_eq!(
            replace(&renamed, A, &a("new")),
            replace(&text, A, &a("new"))
        );
    }

    #[test]
    fn a_new_section_follows_the_one_it_belongs_after_or_goes_last() {
        let text = format!("# B\n\n{}\n## Later\n", a("memory"));
        let once = replace(&text, B, &b("one"));
        assert_eq!(
            once,
            format!("# B\n\n{}\n{}\n## Later\n", a("memory"), b("one"))
        );
        let twice = replace(&replace(&once, B, &b("two")), A, &a("again"));
        assert_eq!(
            twice,
            format!("# B\n\n{}\n{}\n## Later\n", a("again"), b("two"))
        );
        assert_eq!(
            replace("# B\n\nother\n", A, &a("x")),
            format!("# B\n\nother\n\n{}", a("x"))
        );
        assert_eq!(replace("# B", A, &a("x")), format!("# B\n\n{}", a("x")));
    }

    #[test]
    fn a_missing_file_is_created_with_a_heading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("BENCHMARKS.md");
        write(&path, A, &a("x")).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# Benchmarks\n\n"), "{text}");
        assert!(text.ends_with(&a("x")), "{text}");
        write(&path, A, &a("y")).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text.replace("\nx\n", "\ny\n")
        );
    }
}
