//! Generation-time rule checks proven on one-line edits of `fixtures/rules/rules/v1/checks.proto`:
//! each edit must be reported with the expected code and severity at the expected line, and the
//! untouched fixture (and edits that only look wrong) must produce no diagnostic at all.

use std::fs;
use std::path::{Path, PathBuf};

use protogate_codegen::diag::{Diagnostics, Severity};
use protogate_codegen::model::build::ModelOptions;
use protogate_codegen::pipeline::{self, Inputs, ProtoSource};

const FILE: &str = "rules/v1/checks.proto";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

/// Runs the pipeline on `text` as the fixture file; all diagnostics.
fn run(text: &str) -> Diagnostics {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(FILE);
    fs::create_dir_all(file.parent().expect("parent")).expect("create dir");
    fs::write(&file, text).expect("write fixture");
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/proto");
    let inputs = Inputs {
        proto: ProtoSource::Files {
            files: vec![file],
            includes: vec![dir.path().to_path_buf(), schemas],
        },
        openapi: None,
        model: ModelOptions::default(),
    };
    match pipeline::run(&inputs) {
        Ok(output) => output.warnings,
        Err(diags) => diags,
    }
}

fn original() -> String {
    fs::read_to_string(fixture().join(FILE)).expect("read fixture")
}

/// The fixture with the first line containing `from` edited to `to`; the edited line (1-based).
fn edited(from: &str, to: &str) -> (String, u32) {
    let text = original();
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let index = lines
        .iter()
        .position(|l| l.contains(from))
        .unwrap_or_else(|| panic!("`{from}` is not in the fixture (stale case)"));
    lines[index] = lines[index].replacen(from, to, 1);
    (lines.join("\n"), index as u32 + 1)
}

/// The line of the first line containing `needle`.
fn line_of(needle: &str) -> u32 {
    original()
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` is not in the fixture")) as u32
        + 1
}

struct Case {
    from: &'static str,
    to: &'static str,
    code: &'static str,
    severity: Severity,
    /// Where the diagnostic must be: `None` for the edited line, else the line containing this.
    at: Option<&'static str>,
}

const fn error(from: &'static str, to: &'static str, code: &'static str) -> Case {
    Case {
        from,
        to,
        code,
        severity: Severity::Error,
        at: None,
    }
}

const fn warning(from: &'static str, to: &'static str, code: &'static str) -> Case {
    Case {
        from,
        to,
        code,
        severity: Severity::Warning,
        at: None,
    }
}

const CASES: &[Case] = &[
    // Rules under repeated.items / map.keys / map.values against the element's type.
    error(
        "items: {int32: {gt: 0}}",
        "items: {string: {min_len: 1}}",
        "rule-wrong-type",
    ),
    error(
        "keys: {string: {min_len: 1}}",
        "keys: {int32: {gt: 0}}",
        "rule-wrong-type",
    ),
    error(
        "values: {int64: {gte: 0}}",
        "values: {string: {min_len: 2}}",
        "rule-wrong-type",
    ),
    error(
        "values: {message: {required: true}}",
        "values: {int32: {gt: 0}}",
        "rule-wrong-type",
    ),
    error(
        "keys: {int32: {gte: 0}}",
        "keys: {uint32: {gte: 0}}",
        "rule-wrong-type",
    ),
    // Patterns, through the runtime's RE2 translation.
    error(
        "pattern: \"^[a-z]+$\"",
        "pattern: \"^[a-z\"",
        "rule-invalid-regex",
    ),
    error(
        "pattern: \"^[a-z]+$\"",
        "pattern: \"^(?=a)\"",
        "rule-invalid-regex",
    ),
    error(
        "pattern: \"^[a-z]+$\"",
        "pattern: \"(a)\\\\1\"",
        "rule-invalid-regex",
    ),
    error(
        "keys: {string: {min_len: 1}}",
        "keys: {string: {pattern: \"a{2,1}\"}}",
        "rule-invalid-regex",
    ),
    // `in` with `not_in`; `len` with `min_len`/`max_len` and the bytes equivalents.
    warning(
        "in: [\"a\", \"b\"]",
        "in: [\"a\", \"b\"] not_in: [\"c\"]",
        "rule-redundant",
    ),
    warning("in: [0.5, 1]", "in: [0.5, 1] not_in: [2]", "rule-redundant"),
    warning("    min_len: 1", "    min_len: 1 len: 3", "rule-redundant"),
    Case {
        at: Some("    max_len: 20"),
        ..warning("    min_len: 1", "    len: 3", "rule-redundant")
    },
    Case {
        at: Some("    max_len: 8"),
        ..warning("    min_len: 2", "    len: 4", "rule-redundant")
    },
    warning(
        "    max_len: 20",
        "    max_len: 20 max_bytes: 40 len_bytes: 4",
        "rule-redundant",
    ),
    // A fixed length outside its bounds, for bytes and for string byte lengths too.
    error("    min_len: 2", "    len: 10", "rule-contradiction"),
    error(
        "    max_len: 20",
        "    max_len: 20 min_bytes: 9 len_bytes: 4",
        "rule-contradiction",
    ),
    // NaN and infinite float bounds.
    error("    gte: 0", "    gte: nan", "rule-nan"),
    error("    lte: 1", "    lte: inf", "rule-infinite"),
    error("in: [0.5, 1]", "in: [0.5, nan]", "rule-nan"),
    error("in: [0.5, 1]", "not_in: [-inf]", "rule-infinite"),
    // A literal every value must hold, longer than the longest value allowed.
    error(
        "    min_len: 2",
        "    min_len: 2 prefix: \"abcdefghij\"",
        "rule-contradiction",
    ),
    error(
        "    max_len: 20",
        "    max_len: 20 const: \"abcdefghijklmnopqrstuvwxyz\"",
        "rule-contradiction",
    ),
    // `strict` tunes `well_known_regex` only.
    warning(
        "pattern: \"^[a-z]+$\"",
        "pattern: \"^[a-z]+$\" strict: false",
        "rule-redundant",
    ),
    // PGV checks `gt` when `gte` is set too.
    warning("    gte: 0", "    gte: 0 gt: 0", "rule-redundant"),
    // Contradictions inside element rules, reported at the element's own key.
    error("    min_len: 3", "    min_len: 9", "rule-contradiction"),
    error(
        "values: {int64: {gte: 0}}",
        "values: {int64: {gt: 5, lt: 6}}",
        "rule-contradiction",
    ),
];

#[test]
fn the_untouched_fixture_is_clean() {
    let diags = run(&original());
    assert!(
        diags.0.is_empty(),
        "the fixture must produce no diagnostic:\n{diags}"
    );
}

#[test]
fn every_edit_is_reported_at_its_line() {
    let mut failures = Vec::new();
    for case in CASES {
        let (text, line) = edited(case.from, case.to);
        let line = case.at.map_or(line, line_of);
        let diags = run(&text);
        let hit = diags.0.iter().any(|d| {
            d.code == case.code
                && d.severity == case.severity
                && d.location.line == line
                && d.location.file.ends_with(FILE)
        });
        let wrong_errors = case.severity == Severity::Warning && diags.has_errors();
        if !hit || wrong_errors {
            failures.push(format!(
                "`{}` -> `{}`: expected {:?}[{}] at line {line}; got:\n{diags}",
                case.from, case.to, case.severity, case.code
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn re2_only_syntax_is_not_an_error() {
    // Valid RE2 that the regex crate reads differently or rejects untranslated: a literal `[`
    // inside a class, `&&` inside a class.
    for pattern in ["^[a[]+$", "^[a&&b]+$", "^[]a]+$"] {
        let (text, _) = edited("\"^[a-z]+$\"", &format!("{pattern:?}"));
        let diags = run(&text);
        assert!(diags.0.is_empty(), "{pattern}: {diags}");
    }
}

#[test]
fn element_rules_name_the_element_and_the_holder() {
    let (text, _) = edited("items: {int32: {gt: 0}}", "items: {string: {min_len: 1}}");
    let diags = run(&text);
    let d = diags
        .0
        .iter()
        .find(|d| d.code == "rule-wrong-type")
        .unwrap_or_else(|| panic!("no rule-wrong-type:\n{diags}"));
    assert_eq!(
        d.message,
        "rule `string.min_len` under `repeated.items` on `ids`: the items are `int32`, expected `int32` rules"
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("use `repeated.items.int32` for these items")
    );
    assert!(d
        .related
        .iter()
        .any(|(l, _)| l.line == line_of("repeated int32 ids")));
    let (text, _) = edited("in: [\"a\", \"b\"]", "in: [\"a\", \"b\"] not_in: [\"c\"]");
    let diags = run(&text);
    assert_eq!(
        diags.0.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(),
        ["`string.not_in` on `rules.v1.Checks.kind` has no effect next to `string.in`: PGV checks `not_in` only when `in` is empty"]
    );
}
