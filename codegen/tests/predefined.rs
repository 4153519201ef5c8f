//! protovalidate predefined rules at generation: compiled into the validator with the
//! extension in the rule path, a type error reported where the rule is set, an extension
//! without CEL rules refused as not enforced (closed by default).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Writes `source` as `pv.proto` in a temp dir and runs `protogate gen` on it; returns the
/// dir, the exit code and stderr.
fn gen(source: &str) -> (tempfile::TempDir, i32, String) {
    gen_with(source, &[])
}

/// [`gen`] with extra arguments.
fn gen_with(source: &str, extra: &[&str]) -> (tempfile::TempDir, i32, String) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let proto = dir.path().join("pv.proto");
    std::fs::write(&proto, source).expect("writing pv.proto");
    let out = Command::new(env!("CARGO_BIN_EXE_protogate"))
        .arg("gen")
        .arg("--proto")
        .arg(&proto)
        .arg("-I")
        .arg(dir.path())
        .arg("-I")
        .arg(root().join("codegen/tests/fixtures/protovalidate"))
        .arg("-I")
        .arg(root().join("schemas/proto"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .args(extra)
        .output()
        .expect("running protogate");
    let code = out.status.code().unwrap_or(-1);
    (dir, code, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap_or(0) + 1
}

const EXTENSIONS: &str = r#"syntax = "proto2";
package pvpre;
import "buf/validate/validate.proto";
extend buf.validate.Int32Rules {
  optional int32 multiple_of = 51001 [(buf.validate.predefined).cel = {
    id: "int32.multiple_of"
    message: "must be a multiple of the rule"
    expression: "this % rule == 0"
  }];
  optional string bad_for_ints = 51002 [(buf.validate.predefined).cel = {
    id: "int32.bad"
    expression: "this.startsWith(rule)"
  }];
  optional bool without_cel = 51003;
}
"#;

#[test]
fn a_predefined_rule_compiles_into_the_validator_with_the_extension_in_its_rule_path() {
    let source = format!(
        "{EXTENSIONS}message M {{\n  optional int32 n = 1 [(buf.validate.field).int32.(multiple_of) = 4];\n}}\n"
    );
    let (dir, code, stderr) = gen(&source);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr.matches("warning[").count(), 0, "{stderr}");
    let code = std::fs::read_to_string(dir.path().join("out/pvpre.protogate.rs"))
        .expect("pvpre.protogate.rs");
    for expected in [
        "\"int32.multiple_of\"",
        "\"must be a multiple of the rule\"",
        "\"[pvpre.multiple_of]\"",
        "51001i32",
        "rem_int(i64::from(*value), 4i64)",
    ] {
        assert!(
            code.contains(expected),
            "{expected} missing from the generated validator:\n{code}"
        );
    }
}

#[test]
fn a_predefined_rule_that_does_not_type_check_is_an_error_where_it_is_set() {
    let source = format!(
        "{EXTENSIONS}message M {{\n  optional int32 n = 1 [(buf.validate.field).int32.(bad_for_ints) = \"x\"];\n}}\n"
    );
    let (_dir, code, stderr) = gen(&source);
    assert_ne!(code, 0, "{stderr}");
    assert!(stderr.contains("error[cel-invalid]"), "{stderr}");
    assert!(
        stderr.contains("`pvpre.bad_for_ints`") && stderr.contains("`int32.bad`"),
        "{stderr}"
    );
    let line = line_of(&source, "(bad_for_ints) = ");
    assert!(stderr.contains(&format!("pv.proto:{line}:")), "{stderr}");
    let declared = line_of(&source, "bad_for_ints = 51002");
    assert!(
        stderr.contains(&format!("pv.proto:{declared}:")) && stderr.contains("declared here"),
        "the expression's declaration is named too: {stderr}"
    );
}

#[test]
fn an_extension_without_predefined_cel_rules_is_an_error_unless_allowed() {
    let source = format!(
        "{EXTENSIONS}message M {{\n  optional int32 n = 1 [(buf.validate.field).int32.(without_cel) = true];\n}}\n"
    );
    let (_dir, code, stderr) = gen(&source);
    assert_ne!(code, 0, "{stderr}");
    assert!(
        stderr.contains("error[rule-unsupported]") && stderr.contains("pvpre.without_cel"),
        "{stderr}"
    );
    let (_dir, code, stderr) = gen_with(&source, &["--allow-unenforced-rules"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning[rule-unsupported]") && stderr.contains("pvpre.without_cel"),
        "{stderr}"
    );
}

#[test]
fn a_predefined_rule_in_a_message_validated_the_pgv_way_is_an_error() {
    let source = EXTENSIONS.replace(
        "import \"buf/validate/validate.proto\";",
        "import \"buf/validate/validate.proto\";\nimport \"validate/validate.proto\";",
    ) + "message M {\n  optional int32 n = 1 [(buf.validate.field).int32.(multiple_of) = 4];\n}\n";
    let (_dir, code, stderr) = gen(&source);
    assert_ne!(code, 0, "{stderr}");
    assert!(
        stderr.contains("error[rule-unsupported]")
            && stderr.contains("pvpre.multiple_of")
            && stderr.contains("protoc-gen-validate's semantics"),
        "{stderr}"
    );
}
