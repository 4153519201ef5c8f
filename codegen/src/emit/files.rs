//! The output directory: `mod.rs`, writing only what changed, and `--check`.

use std::collections::BTreeMap;
use std::path::Path;

use super::{BinaryFiles, Files, HEADER};
use crate::model::Api;
use crate::names;

/// `mod.rs`: one nested module per package, each including the package's file and the file of
/// protogate's code beside it.
pub fn mod_rs(api: &Api) -> String {
    render_mod_rs(api, |package| {
        vec![
            names::package_file_name(package),
            names::protogate_file_name(package),
        ]
    })
}

/// `mod.rs` over the package files alone, for a tree prost and tonic generated without
/// protogate (what `cargo xtask bench-codegen` compares with).
pub fn upstream_mod_rs(api: &Api) -> String {
    render_mod_rs(api, |package| vec![names::package_file_name(package)])
}

fn render_mod_rs(api: &Api, files_of: impl Fn(&str) -> Vec<String>) -> String {
    #[derive(Default)]
    struct Node {
        children: BTreeMap<String, Node>,
        files: Vec<String>,
    }
    let mut root = Node::default();
    for package in &api.packages {
        let mut node = &mut root;
        for part in names::package_module_path(&package.name) {
            node = node.children.entry(part).or_default();
        }
        node.files = files_of(&package.name);
    }
    fn render(node: &Node, depth: usize, out: &mut String) {
        let pad = "    ".repeat(depth);
        for file in &node.files {
            out.push_str(&format!("{pad}include!(\"{file}\");\n"));
        }
        for (name, child) in &node.children {
            out.push_str(&format!("{pad}pub mod {name} {{\n"));
            render(child, depth + 1, out);
            out.push_str(&format!("{pad}}}\n"));
        }
    }
    let mut out = String::from(HEADER);
    render(&root, 0, &mut out);
    out
}

/// Writes the files (text and binary) that differ and removes generated files that are no
/// longer produced. Returns the names written.
pub fn write(dir: &Path, files: &Files, binary: &BinaryFiles) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let contents = files
        .iter()
        .map(|(name, text)| (name, text.as_bytes()))
        .chain(binary.iter().map(|(name, bytes)| (name, bytes.as_slice())));
    for (name, content) in contents {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if std::fs::read(&path).ok().as_deref() != Some(content) {
            std::fs::write(&path, content)?;
            written.push(name.clone());
        }
    }
    for stale in stale_files(dir, files, binary)? {
        std::fs::remove_file(dir.join(&stale))?;
        written.push(stale);
    }
    Ok(written)
}

/// Generated files in `dir` that `files` and `binary` no longer contain: text files that start
/// with the header, and descriptor sets (`pkg.bin`) beside a generated `pkg.rs`.
fn stale_files(dir: &Path, files: &Files, binary: &BinaryFiles) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(rel) = path.strip_prefix(dir) else {
                continue;
            };
            let name = rel.to_string_lossy().replace('\\', "/");
            if files.contains_key(&name) || binary.contains_key(&name) {
                continue;
            }
            let text_of = |path: &Path| std::fs::read_to_string(path).ok();
            let generated = match name.strip_suffix(".bin") {
                Some(stem) => {
                    text_of(&dir.join(format!("{stem}.rs"))).is_some_and(|t| t.starts_with(HEADER))
                }
                None => text_of(&path).is_some_and(|t| is_generated(&t)),
            };
            if generated {
                out.push(name);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn is_generated(text: &str) -> bool {
    text.starts_with(HEADER)
        || text.starts_with(super::docs::HEADER)
        || text.starts_with(super::docs::CSS_HEADER)
}

/// What `--check` found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Staleness {
    /// Files that would be created.
    pub missing: Vec<String>,
    /// Files whose content differs, with a short summary (lines added/removed, first difference).
    pub changed: Vec<(String, String)>,
    /// Generated files that would be removed.
    pub extra: Vec<String>,
}

impl Staleness {
    /// Whether the directory is up to date.
    pub fn is_fresh(&self) -> bool {
        self.missing.is_empty() && self.changed.is_empty() && self.extra.is_empty()
    }
}

impl std::fmt::Display for Staleness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for m in &self.missing {
            writeln!(f, "  missing  {m}")?;
        }
        for (c, summary) in &self.changed {
            writeln!(f, "  changed  {c}: {summary}")?;
        }
        for e in &self.extra {
            writeln!(f, "  stale    {e} (no longer generated)")?;
        }
        Ok(())
    }
}

/// Compares `dir` with `files` and `binary` without writing anything.
pub fn check(dir: &Path, files: &Files, binary: &BinaryFiles) -> std::io::Result<Staleness> {
    let mut out = Staleness::default();
    for (name, content) in files {
        match std::fs::read_to_string(dir.join(name)) {
            Err(_) => out.missing.push(name.clone()),
            Ok(old) if old != *content => {
                out.changed.push((name.clone(), summarize(&old, content)))
            }
            Ok(_) => {}
        }
    }
    for (name, content) in binary {
        match std::fs::read(dir.join(name)) {
            Err(_) => out.missing.push(name.clone()),
            Ok(old) if old != *content => out.changed.push((
                name.clone(),
                format!("{} bytes, was {} bytes", content.len(), old.len()),
            )),
            Ok(_) => {}
        }
    }
    if dir.is_dir() {
        out.extra = stale_files(dir, files, binary)?;
    }
    Ok(out)
}

fn summarize(old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let (mut added, mut removed) = (0, 0);
    let mut first: Option<String> = None;
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Equal => continue,
        }
        if first.is_none() {
            let line = change
                .old_index()
                .or(change.new_index())
                .map(|i| i + 1)
                .unwrap_or(0);
            let sign = if change.tag() == similar::ChangeTag::Insert {
                '+'
            } else {
                '-'
            };
            let text: String = change.value().trim_end().chars().take(80).collect();
            first = Some(format!("line {line}: {sign}{text}"));
        }
    }
    format!(
        "+{added} -{removed} lines, first at {}",
        first.unwrap_or_default()
    )
}
