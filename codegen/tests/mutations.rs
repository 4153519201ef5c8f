//! The drift checker proven on seeded mutations of the example documents.
//!
//! `mutations.txt` lists one-line edits of `schemas/` (the proto files and the OpenAPI document)
//! and of the 3.1 and Swagger 2.0 renderings of that document in `tests/fixtures/openapi/`.
//! Each is applied to a fresh copy of `schemas/` (with the renderings beside the document); the
//! pipeline, run with the edited document (or, for a proto edit, the entry's `document`), must
//! then report an error with the expected code at the expected file and line (and, where the
//! entry says so, a related location in the other document). The untouched documents must
//! produce no diagnostic at all.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use protogate_codegen::diag::{Diagnostic, Diagnostics, Location};
use protogate_codegen::model::build::ModelOptions;
use protogate_codegen::pipeline::{self, Inputs, ProtoSource};

/// The example documents, relative to the crate.
fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("schemas")
}

/// The proto file generation starts from and the OpenAPI document, relative to `schemas/`.
const PROTO_ROOT: &str = "proto/zitadel/auth.proto";
const OPENAPI: &str = "auth.openapi.yaml";
/// The same document as OpenAPI 3.1 and as Swagger 2.0, copied beside it from the fixtures.
const OPENAPI_3_1: &str = "auth.openapi-3.1.yaml";
const SWAGGER: &str = "auth.swagger.json";
/// Every document a mutation can run against.
const DOCUMENTS: [&str; 3] = [OPENAPI, OPENAPI_3_1, SWAGGER];
/// A file the 3.1 rendering's `$ref`s reach (copied beside it too).
const REFERENCED: &str = "auth.common.yaml";

/// Codes about the OpenAPI document alone (not a disagreement with the proto): their errors
/// need not point into the proto.
const DOCUMENT_ONLY: [&str; 6] = [
    "openapi-version",
    "openapi-version-keyword",
    "openapi-not-checked",
    "openapi-yaml",
    "openapi-invalid",
    "openapi-ref",
];

/// A place: a file relative to `schemas/` and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    file: String,
    line: u32,
}

impl Place {
    /// `file:line`.
    fn parse(text: &str) -> Result<Place, String> {
        let (file, line) = text
            .rsplit_once(':')
            .ok_or_else(|| format!("`{text}`: expected FILE:LINE"))?;
        let line = line
            .trim()
            .parse()
            .map_err(|_| format!("`{text}`: the line is not a number"))?;
        Ok(Place {
            file: file.trim().to_string(),
            line,
        })
    }

    /// Whether a diagnostic location is this place (the file compared by path suffix).
    fn matches(&self, location: &Location) -> bool {
        location.line == self.line && same_file(&location.file, &self.file)
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// Whether `shown` (a path as the pipeline reports it) names `wanted` (relative to `schemas/`).
fn same_file(shown: &str, wanted: &str) -> bool {
    let shown = shown.replace('\\', "/");
    shown == wanted || shown.ends_with(&format!("/{wanted}"))
}

/// One entry of the corpus.
#[derive(Debug, Clone)]
struct Mutation {
    id: String,
    /// The edited line.
    edit: Place,
    /// Text that must be on that line, replaced (first occurrence) by `to`.
    from: String,
    to: String,
    /// The diagnostic code expected.
    code: String,
    /// Where the error must be reported.
    at: Place,
    /// A related location the error must carry (in the other document where they disagree).
    related: Option<Place>,
    /// Whether a warning (not an error) is expected: description-only differences.
    warning: bool,
    /// The OpenAPI document the pipeline reads: the edited one, else the entry's `document`,
    /// else the example's.
    document: String,
    /// Line of the entry in the corpus file, for messages.
    source_line: usize,
}

/// Parses `mutations.txt`: blocks of `key = value` lines separated by blank lines; `#` starts a
/// comment line. A value may be wrapped in backticks to keep leading or trailing spaces (and `` ``
/// is the empty string).
fn parse_corpus(text: &str) -> Result<Vec<Mutation>, String> {
    let mut out = Vec::new();
    let mut block: Vec<(usize, String, String)> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, raw) in lines.iter().chain(std::iter::once(&"")).enumerate() {
        let line = raw.trim();
        if line.starts_with('#') {
            continue;
        }
        if line.is_empty() {
            if !block.is_empty() {
                out.push(mutation(&std::mem::take(&mut block))?);
            }
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| format!("mutations.txt:{}: expected `key = value`", i + 1))?;
        let value = value.trim();
        let value = match value.strip_prefix('`').and_then(|v| v.strip_suffix('`')) {
            Some(inner) => inner,
            None => value,
        };
        block.push((i + 1, key.trim().to_string(), value.to_string()));
    }
    Ok(out)
}

fn mutation(block: &[(usize, String, String)]) -> Result<Mutation, String> {
    let start = block[0].0;
    let get = |key: &str| {
        block
            .iter()
            .find(|(_, k, _)| k == key)
            .map(|(_, _, v)| v.clone())
    };
    let need = |key: &str| {
        get(key).ok_or_else(|| format!("mutations.txt:{start}: the entry has no `{key}`"))
    };
    for (line, key, _) in block {
        if ![
            "id", "edit", "from", "to", "code", "at", "related", "severity", "document",
        ]
        .contains(&key.as_str())
        {
            return Err(format!("mutations.txt:{line}: unknown key `{key}`"));
        }
    }
    let err = |e: String| format!("mutations.txt:{start}: {e}");
    let edit = Place::parse(&need("edit")?).map_err(err)?;
    let document = match get("document") {
        Some(d) if DOCUMENTS.contains(&d.as_str()) => d,
        Some(d) => {
            return Err(format!(
                "mutations.txt:{start}: document `{d}`: expected one of {DOCUMENTS:?}"
            ))
        }
        None if DOCUMENTS.contains(&edit.file.as_str()) => edit.file.clone(),
        None => OPENAPI.to_string(),
    };
    Ok(Mutation {
        id: need("id")?,
        edit,
        document,
        from: need("from")?,
        to: need("to")?,
        code: need("code")?,
        at: Place::parse(&need("at")?).map_err(err)?,
        related: get("related")
            .map(|r| Place::parse(&r))
            .transpose()
            .map_err(err)?,
        warning: match get("severity").as_deref() {
            None | Some("error") => false,
            Some("warning") => true,
            Some(other) => {
                return Err(format!(
                    "mutations.txt:{start}: severity `{other}`: expected error or warning"
                ))
            }
        },
        source_line: start,
    })
}

fn corpus() -> Vec<Mutation> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("mutations.txt");
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse_corpus(&text).unwrap_or_else(|e| panic!("{e}"))
}

/// A copy of `schemas/` under `to`, with the renderings of the document beside it.
fn copy_schemas(to: &Path) {
    copy_dir(&schemas_dir(), to);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi");
    for name in [OPENAPI_3_1, SWAGGER, REFERENCED] {
        fs::copy(fixtures.join(name), to.join(name)).expect("copy a rendering of the document");
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read schemas") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy schema file");
        }
    }
}

/// Runs the pipeline on the documents under `root` (a copy of `schemas/`) with `document`;
/// all diagnostics.
fn run(root: &Path, document: &str) -> Diagnostics {
    let inputs = Inputs {
        proto: ProtoSource::Files {
            files: vec![root.join(PROTO_ROOT)],
            includes: vec![root.join("proto")],
        },
        openapi: Some(root.join(document)),
        model: ModelOptions::default(),
    };
    match pipeline::run(&inputs) {
        Ok(output) => output.warnings,
        Err(diags) => diags,
    }
}

/// Applies the one-line edit to the copy under `root`.
fn apply(root: &Path, m: &Mutation) -> Result<(), String> {
    let path = root.join(&m.edit.file);
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", m.edit.file))?;
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let line = (m.edit.line as usize)
        .checked_sub(1)
        .and_then(|index| lines.get_mut(index))
        .ok_or_else(|| format!("{} has no line {}", m.edit.file, m.edit.line))?;
    if m.from == m.to {
        return Err("the edit changes nothing".into());
    }
    if m.from.is_empty() {
        // An empty `from` fills a blank line.
        if !line.trim().is_empty() {
            return Err(format!(
                "{} is not blank (the corpus is stale): the line is `{line}`",
                m.edit
            ));
        }
        *line = m.to.clone();
    } else if !line.contains(&m.from) {
        return Err(format!(
            "{} does not contain `{}` (the corpus is stale): the line is `{line}`",
            m.edit, m.from
        ));
    } else {
        *line = line.replacen(&m.from, &m.to, 1);
    }
    fs::write(&path, lines.join("\n")).map_err(|e| format!("cannot write {}: {e}", m.edit.file))
}

/// What is wrong with the diagnostics for this mutation, if anything.
fn judge(m: &Mutation, diags: &Diagnostics) -> Result<(), String> {
    let level = if m.warning { "warning" } else { "error" };
    let candidates: Vec<&Diagnostic> = diags
        .0
        .iter()
        .filter(|d| d.is_error() != m.warning && d.code == m.code && m.at.matches(&d.location))
        .collect();
    if candidates.is_empty() {
        return Err(format!("expected {level}[{}] at {}", m.code, m.at));
    }
    if m.warning && diags.has_errors() {
        return Err(format!(
            "a description-only difference must not be an error ({level}[{}] expected)",
            m.code
        ));
    }
    if let Some(related) = &m.related {
        if !candidates
            .iter()
            .any(|d| d.related.iter().any(|(l, _)| related.matches(l)))
        {
            return Err(format!(
                "{level}[{}] at {} has no related location {related}",
                m.code, m.at
            ));
        }
    }
    // Where the two documents disagree, the error must name both files.
    let other_file = |d: &Diagnostic| {
        let in_openapi = |file: &str| same_file(file, &m.document) || same_file(file, REFERENCED);
        let here = if in_openapi(&d.location.file) {
            "openapi"
        } else {
            "proto"
        };
        d.related.iter().any(|(l, _)| {
            l.line > 0
                && (if here == "openapi" {
                    l.file.ends_with(".proto")
                } else {
                    in_openapi(&l.file)
                })
        })
    };
    if m.code.starts_with("openapi-")
        && !DOCUMENT_ONLY.contains(&m.code.as_str())
        && !candidates.iter().any(|d| other_file(d))
    {
        return Err(format!(
            "{level}[{}] at {} does not point into the other document",
            m.code, m.at
        ));
    }
    Ok(())
}

#[test]
fn the_untouched_documents_are_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_schemas(dir.path());
    for document in DOCUMENTS {
        let diags = run(dir.path(), document);
        assert!(
            diags.0.is_empty(),
            "the example documents ({document}) must produce no diagnostic:\n{diags}"
        );
    }
}

#[test]
fn the_corpus_is_well_formed() {
    let corpus = corpus();
    assert!(corpus.len() >= 60, "only {} mutations", corpus.len());
    let mut ids = std::collections::BTreeSet::new();
    for m in &corpus {
        assert!(
            ids.insert(m.id.clone()),
            "mutations.txt:{}: duplicate id `{}`",
            m.source_line,
            m.id
        );
        assert!(
            !m.to.contains('\n') && !m.from.contains('\n'),
            "mutations.txt:{}: not a one-line edit",
            m.source_line
        );
    }
    let of_openapi = corpus
        .iter()
        .filter(|m| DOCUMENTS.contains(&m.edit.file.as_str()) || m.edit.file == REFERENCED)
        .count();
    for (document, least) in [(OPENAPI, 25), (OPENAPI_3_1, 12), (SWAGGER, 12)] {
        let runs = corpus.iter().filter(|m| m.document == document).count();
        assert!(
            runs >= least,
            "only {runs} mutations run against {document}"
        );
    }
    let of_proto = corpus
        .iter()
        .filter(|m| m.edit.file.ends_with(".proto"))
        .count();
    assert!(
        of_openapi >= 25,
        "only {of_openapi} mutations of the OpenAPI document"
    );
    assert!(
        of_proto >= 25,
        "only {of_proto} mutations of the proto files"
    );
    assert!(
        corpus.iter().any(|m| m.edit.file == PROTO_ROOT),
        "no mutation of {PROTO_ROOT}"
    );
    assert_eq!(
        of_openapi + of_proto,
        corpus.len(),
        "every mutation edits an OpenAPI document (or a file it references) or a proto file"
    );
    let edited_elsewhere = |m: &Mutation| m.at.file != m.edit.file;
    assert!(
        corpus.iter().any(edited_elsewhere),
        "no mutation surfaces in the other document"
    );
}

#[test]
fn every_mutation_is_caught_at_its_place() {
    let corpus = corpus();
    let verbose = std::env::var_os("MUTATIONS_VERBOSE").is_some();
    let only = std::env::var("MUTATIONS_ONLY").ok();
    let mut failures = String::new();
    let mut ran = 0;
    for m in &corpus {
        if only.as_deref().is_some_and(|o| !m.id.contains(o)) {
            continue;
        }
        ran += 1;
        let dir = tempfile::tempdir().expect("tempdir");
        copy_schemas(dir.path());
        if let Err(e) = apply(dir.path(), m) {
            let _ = writeln!(
                failures,
                "[{}] (mutations.txt:{}): {e}\n",
                m.id, m.source_line
            );
            continue;
        }
        let diags = run(dir.path(), &m.document);
        let shown = diags
            .to_string()
            .replace(&dir.path().display().to_string(), "");
        if verbose {
            println!(
                "== [{}] {}: `{}` -> `{}`\n{shown}\n",
                m.id, m.edit, m.from, m.to
            );
        }
        if let Err(e) = judge(m, &diags) {
            let _ = writeln!(
                failures,
                "[{}] (mutations.txt:{}) {}: `{}` -> `{}`: {e}; got:\n{shown}\n",
                m.id, m.source_line, m.edit, m.from, m.to
            );
        }
    }
    assert!(ran > 0, "no mutation matched MUTATIONS_ONLY");
    assert!(
        failures.is_empty(),
        "mutations not caught where expected:\n\n{failures}"
    );
}
