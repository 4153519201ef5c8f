//! Compiles `.proto` files with protox: no protoc binary anywhere.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use miette::Diagnostic as _;

use super::ProtoInput;
use crate::diag::{Diagnostic, Location};

/// Compiles `files` against the include directories.
pub fn compile(files: &[PathBuf], includes: &[PathBuf]) -> Result<ProtoInput, Diagnostic> {
    let includes: Vec<PathBuf> = if includes.is_empty() {
        files
            .iter()
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .take(1)
            .collect()
    } else {
        includes.to_vec()
    };
    for dir in &includes {
        if !dir.is_dir() {
            return Err(Diagnostic::error(
                "include-not-found",
                Location::new(dir.display().to_string(), 0, 0),
                format!("include directory `{}` does not exist", dir.display()),
            )
            .hint("pass an existing directory with -I"));
        }
    }
    for file in files {
        if !file.is_file() {
            return Err(Diagnostic::error(
                "proto-not-found",
                Location::new(file.display().to_string(), 0, 0),
                format!("proto file `{}` does not exist", file.display()),
            ));
        }
    }
    let mut compiler = protox::Compiler::new(&includes).map_err(|e| from_protox(&e, &includes))?;
    compiler.include_imports(true).include_source_info(true);
    compiler
        .open_files(files)
        .map_err(|e| from_protox(&e, &includes))?;

    let pool = compiler.descriptor_pool();
    let roots: Vec<String> = compiler
        .files()
        .filter(|f| files.iter().any(|p| same_file(p, f.path())))
        .map(|f| f.name().to_string())
        .collect();
    let mut display_paths = BTreeMap::new();
    let mut read_paths = Vec::new();
    for file in compiler.files() {
        if let Some(path) = file.path() {
            display_paths.insert(file.name().to_string(), path.display().to_string());
            read_paths.push(path.to_path_buf());
        }
    }
    read_paths.sort();
    Ok(ProtoInput {
        pool,
        roots,
        display_paths,
        read_paths,
    })
}

fn same_file(a: &Path, b: Option<&Path>) -> bool {
    let Some(b) = b else { return false };
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Turns a protox error into a diagnostic with file:line:column and a hint.
fn from_protox(err: &protox::Error, includes: &[PathBuf]) -> Diagnostic {
    let file = err.file().unwrap_or("<input>").to_string();
    let display = includes
        .iter()
        .map(|dir| dir.join(&file))
        .find(|p| p.is_file())
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| file.clone());
    let (mut line, mut column) = (0, 0);
    if let (Some(source), Some(label)) =
        (err.source_code(), err.labels().and_then(|mut l| l.next()))
    {
        if let Ok(contents) = source.read_span(label.inner(), 0, 0) {
            line = contents.line() as u32 + 1;
            column = contents.column() as u32 + 1;
        }
    }
    let text = err.to_string();
    let (code, hint) = if err.is_file_not_found() {
        (
            "proto-import-not-found",
            "add the directory that holds this file with -I (Builder::include), or check the import path",
        )
    } else if err.is_parse() {
        ("proto-syntax", "fix the syntax at this position")
    } else {
        ("proto-invalid", "check the names and types used here")
    };
    let detail = err
        .labels()
        .and_then(|mut l| l.next())
        .and_then(|l| l.label().map(str::to_string));
    let message = match detail {
        Some(d) if !text.contains(&d) => format!("{text}: {d}"),
        _ => text,
    };
    Diagnostic::error(code, Location::new(display, line, column), message).hint(hint)
}
