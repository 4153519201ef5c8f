//! Closed by default: a validation rule the generated validators cannot enforce stops the
//! generation with an error at the rule's line; `allow_unenforced_rules` (Builder) and
//! `--allow-unenforced-rules` (CLI) make it a warning and generate anyway.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use protogate_codegen::diag::Diagnostics;
use protogate_codegen::model::build::{ModelOptions, UnenforcedRules};
use protogate_codegen::pipeline::{self, Inputs, ProtoSource};

const FILE: &str = "unenforced/v1/rules.proto";

/// A rule this protogate version does not enforce, on line 11: an extension of a rules message
/// without `(buf.validate.predefined)` CEL rules, so nothing says what it checks.
const SCHEMA: &str = r#"syntax = "proto3";
package unenforced.v1;

import "buf/validate/validate.proto";

extend buf.validate.StringRules {
  optional bool shouted = 80048952;
}

message Shout {
  string text = 1 [(buf.validate.field).string.(shouted) = true];
}
"#;

struct Fixture {
    _dir: tempfile::TempDir,
    file: PathBuf,
    includes: Vec<PathBuf>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(FILE);
    fs::create_dir_all(file.parent().expect("parent")).expect("create dir");
    fs::write(&file, SCHEMA).expect("write fixture");
    let pv = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/protovalidate");
    let includes = vec![dir.path().to_path_buf(), pv];
    Fixture {
        _dir: dir,
        file,
        includes,
    }
}

fn run(fixture: &Fixture, unenforced_rules: UnenforcedRules) -> Result<Diagnostics, Diagnostics> {
    let inputs = Inputs {
        proto: ProtoSource::Files {
            files: vec![fixture.file.clone()],
            includes: fixture.includes.clone(),
        },
        openapi: None,
        model: ModelOptions {
            unenforced_rules,
            ..ModelOptions::default()
        },
    };
    pipeline::run(&inputs).map(|output| output.warnings)
}

#[test]
fn an_unenforced_rule_is_an_error_at_its_line_by_default() {
    let fixture = fixture();
    let diags = run(&fixture, UnenforcedRules::Deny).expect_err("generation must stop");
    let error = diags
        .errors()
        .find(|d| d.code == "rule-unsupported")
        .unwrap_or_else(|| panic!("no rule-unsupported error in:\n{diags}"));
    let text = error.to_string();
    assert!(text.starts_with("error[rule-unsupported]"), "{text}");
    assert!(text.contains("unenforced.v1.Shout.text"), "{text}");
    assert!(text.contains(&format!("{FILE}:11:")), "{text}");
    assert!(text.contains("allow_unenforced_rules"), "{text}");
}

#[test]
fn the_opt_out_generates_with_a_warning() {
    let fixture = fixture();
    let warnings = run(&fixture, UnenforcedRules::Warn).expect("generation goes on");
    assert!(!warnings.has_errors());
    assert!(
        warnings.warnings().any(|d| d.code == "rule-unsupported"),
        "the rule is still reported:\n{warnings}"
    );
}

#[test]
fn the_cli_refuses_without_the_flag_and_generates_with_it() {
    let fixture = fixture();
    let out = tempfile::tempdir().expect("tempdir");
    let gen = |extra: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_protogate"));
        command.arg("gen").arg("--out").arg(out.path());
        command.arg("--proto").arg(&fixture.file);
        for include in &fixture.includes {
            command.arg("--include").arg(include);
        }
        command.args(extra).output().expect("run protogate")
    };
    let refused = gen(&[]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[rule-unsupported]"), "{stderr}");
    assert_eq!(
        fs::read_dir(out.path()).expect("out dir").count(),
        0,
        "nothing is written when generation is refused"
    );
    let allowed = gen(&["--allow-unenforced-rules"]);
    let stderr = String::from_utf8_lossy(&allowed.stderr);
    assert!(allowed.status.success(), "{stderr}");
    assert!(stderr.contains("warning[rule-unsupported]"), "{stderr}");
    assert!(fs::read_dir(out.path()).expect("out dir").count() > 0);
}
