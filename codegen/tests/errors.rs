//! Schema mistakes are reported like compiler errors: file:line, what is wrong, a hint, exit 1.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A copy of schemas/ in a temp dir, so a test can break one file.
fn schemas() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("schemas"), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Runs `protogate gen` on the copy; returns (exit code, stderr).
fn gen(dir: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_protogate"))
        .arg("gen")
        .arg("--proto")
        .arg(dir.join("proto/zitadel/auth.proto"))
        .arg("-I")
        .arg(dir.join("proto"))
        .arg("--openapi")
        .arg(dir.join("auth.openapi.yaml"))
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    exit_and_stderr(out)
}

fn line_of(path: &Path, needle: &str) -> usize {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .position(|l| l.contains(needle))
        .unwrap()
        + 1
}

#[test]
fn the_untouched_schema_generates() {
    let dir = schemas();
    let (code, stderr) = gen(dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(dir.path().join("out/zitadel.auth.v1.rs").is_file());
    assert!(dir
        .path()
        .join("out/zitadel.auth.v1.protogate.rs")
        .is_file());
}

#[test]
fn a_missing_import_names_the_importing_line() {
    let dir = schemas();
    let file = dir.path().join("proto/zitadel/auth.proto");
    edit(
        &file,
        "import \"zitadel/user.proto\";",
        "import \"zitadel/users.proto\";",
    );
    let (code, stderr) = gen(dir.path());
    assert_eq!(code, 1);
    let line = line_of(&file, "zitadel/users.proto");
    assert!(stderr.contains(&format!("auth.proto:{line}:")), "{stderr}");
    assert!(stderr.contains("zitadel/users.proto"), "{stderr}");
    assert!(stderr.contains("hint:"), "{stderr}");
    assert!(
        !dir.path().join("out").exists(),
        "nothing is written on error"
    );
}

#[test]
fn a_syntax_error_names_line_and_column() {
    let dir = schemas();
    let file = dir.path().join("proto/zitadel/user.proto");
    edit(
        &file,
        "bool is_phone_verified = 2",
        "bool is_phone_verified = ",
    );
    let (code, stderr) = gen(dir.path());
    assert_eq!(code, 1);
    let line = line_of(&file, "is_phone_verified =  [");
    assert!(stderr.contains(&format!("user.proto:{line}:")), "{stderr}");
    assert!(stderr.contains("error[proto-syntax]"), "{stderr}");
}

#[test]
fn an_unknown_type_is_reported_where_it_is_used() {
    let dir = schemas();
    let file = dir.path().join("proto/zitadel/user.proto");
    edit(
        &file,
        "bool is_phone_verified = 2",
        "Verified is_phone_verified = 2",
    );
    let (code, stderr) = gen(dir.path());
    assert_eq!(code, 1);
    let line = line_of(&file, "Verified is_phone_verified");
    assert!(stderr.contains(&format!("user.proto:{line}:")), "{stderr}");
    assert!(stderr.contains("Verified"), "{stderr}");
}

#[test]
fn malformed_yaml_names_the_line() {
    let dir = schemas();
    let file = dir.path().join("auth.openapi.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    // Break the indentation of the first `paths:` entry.
    let broken =
        text.replacen("\npaths:\n  /", "\npaths:\n /", 1)
            .replacen("\n    get:", "\n   get: [", 1);
    std::fs::write(&file, broken).unwrap();
    let (code, stderr) = gen(dir.path());
    assert_eq!(code, 1);
    assert!(stderr.contains("error[openapi-yaml]"), "{stderr}");
    assert!(stderr.contains("auth.openapi.yaml:"), "{stderr}");
}

#[test]
fn an_openapi_4_document_is_refused() {
    let dir = schemas();
    let file = dir.path().join("auth.openapi.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let first = text
        .lines()
        .find(|l| l.starts_with("openapi:"))
        .unwrap()
        .to_string();
    edit(&file, &first, "openapi: 4.0.0");
    let (code, stderr) = gen(dir.path());
    assert_eq!(code, 1);
    let line = line_of(&file, "openapi: 4.0.0");
    assert!(
        stderr.contains(&format!("auth.openapi.yaml:{line}")),
        "{stderr}"
    );
    assert!(
        stderr.contains("3.1.0") && stderr.contains("3.0.3"),
        "hint names the supported versions: {stderr}"
    );
}

#[test]
fn a_missing_proto_file_is_an_error_not_a_panic() {
    let dir = schemas();
    std::fs::remove_file(dir.path().join("proto/zitadel/auth.proto")).unwrap();
    let (code, stderr) = gen(dir.path());
    assert_eq!(code, 1);
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn check_mode_reports_stale_output_and_writes_nothing() {
    let dir = schemas();
    let (code, _) = gen(dir.path());
    assert_eq!(code, 0);
    let generated = dir.path().join("out/zitadel.auth.v1.rs");
    let text = std::fs::read_to_string(&generated).unwrap();
    std::fs::write(
        &generated,
        text.replacen("VerifyMyPhone", "VerifyMyFone", 1),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_protogate"))
        .args(["gen", "--check", "--proto"])
        .arg(dir.path().join("proto/zitadel/auth.proto"))
        .arg("-I")
        .arg(dir.path().join("proto"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("changed  zitadel.auth.v1.rs"), "{stderr}");
    assert!(
        std::fs::read_to_string(&generated)
            .unwrap()
            .contains("VerifyMyFone"),
        "--check writes nothing"
    );
}

/// Runs `protogate gen` on one proto file in `dir` that imports buf/validate; returns
/// (exit code, stderr).
fn gen_with_protovalidate(dir: &Path, proto: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_protogate"))
        .arg("gen")
        .arg("--proto")
        .arg(proto)
        .arg("-I")
        .arg(dir)
        .arg("-I")
        .arg(root().join("codegen/tests/fixtures/protovalidate"))
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    exit_and_stderr(out)
}

#[test]
fn a_cel_rule_that_does_not_type_check_is_an_error_where_written() {
    let dir = tempfile::tempdir().unwrap();
    let proto = dir.path().join("pv.proto");
    std::fs::write(
        &proto,
        r#"syntax = "proto3";
package pvcheck;
import "buf/validate/validate.proto";
message M {
  string name = 1 [(buf.validate.field).cel = {id: "name.bad", expression: "this + 1 > 0"}];
}
"#,
    )
    .unwrap();
    let (code, stderr) = gen_with_protovalidate(dir.path(), &proto);
    assert_ne!(code, 0, "{stderr}");
    let line = line_of(&proto, "name.bad");
    assert!(
        stderr.contains("error[cel-invalid]") && stderr.contains("`name.bad`"),
        "{stderr}"
    );
    assert!(stderr.contains("applied to (string, int)"), "{stderr}");
    assert!(stderr.contains(&format!("pv.proto:{line}:")), "{stderr}");
}

#[test]
fn a_cel_rule_on_list_items_is_checked_against_the_item_type() {
    let dir = tempfile::tempdir().unwrap();
    let proto = dir.path().join("pv.proto");
    std::fs::write(
        &proto,
        r#"syntax = "proto3";
package pvcheck;
import "buf/validate/validate.proto";
message M {
  repeated int32 ids = 1 [(buf.validate.field).repeated.items.cel = {id: "ids.prefix", expression: "this.startsWith('a')"}];
}
"#,
    )
    .unwrap();
    let (code, stderr) = gen_with_protovalidate(dir.path(), &proto);
    assert_ne!(code, 0, "{stderr}");
    let line = line_of(&proto, "ids.prefix");
    assert!(
        stderr.contains("error[cel-invalid]") && stderr.contains("`ids.prefix`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("applied to (int, string)"),
        "`this` is an item, an int: {stderr}"
    );
    assert!(stderr.contains(&format!("pv.proto:{line}:")), "{stderr}");
}

#[test]
fn protovalidate_standard_and_cel_rules_generate() {
    let dir = tempfile::tempdir().unwrap();
    let proto = dir.path().join("pv.proto");
    std::fs::write(
        &proto,
        r#"syntax = "proto3";
package pvcheck;
import "buf/validate/validate.proto";
message M {
  string name = 1 [(buf.validate.field).string = {min_len: 1, email: true}];
  int32 n = 2 [(buf.validate.field).cel = {id: "n.even", expression: "this % 2 == 0"}];
  repeated string tags = 3 [(buf.validate.field).repeated = {unique: true, items: {string: {max_len: 4}}}];
}
"#,
    )
    .unwrap();
    let (code, stderr) = gen_with_protovalidate(dir.path(), &proto);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr.matches("warning[").count(),
        0,
        "standard and CEL rules are generated, not reported: {stderr}"
    );
    let code = std::fs::read_to_string(dir.path().join("out/pvcheck.protogate.rs")).unwrap();
    for call in [
        "cel::check_bool",
        "cel::rem_int",
        "\"n.even\"",
        "pv::string::min_len",
        "pv::string::format",
        "pv::unique",
        "pv::string::max_len",
    ] {
        assert!(
            code.contains(call),
            "{call} missing from the generated validator"
        );
    }
}

#[test]
fn a_message_oneof_rule_naming_an_unknown_field_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let proto = dir.path().join("pv.proto");
    std::fs::write(
        &proto,
        r#"syntax = "proto3";
package pvcheck;
import "buf/validate/validate.proto";
message M {
  option (buf.validate.message).oneof = {fields: ["a", "nope"], required: true};
  string a = 1;
}
"#,
    )
    .unwrap();
    let (code, stderr) = gen_with_protovalidate(dir.path(), &proto);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("`nope`, which is not a field of `pvcheck.M`"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("pv.proto:{}:", line_of(&proto, "nope"))),
        "{stderr}"
    );
    assert!(
        !dir.path().join("out").exists(),
        "nothing is written on error"
    );
}

/// A finished command's exit code (-1 when killed by a signal) and its standard error.
fn exit_and_stderr(out: std::process::Output) -> (i32, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A 3.1 keyword in a 3.0 document is an error at its line with the fix, not a silently
/// ignored constraint.
#[test]
fn a_3_1_keyword_in_a_3_0_document_names_its_line() {
    let dir = schemas();
    let file = dir.path().join("auth.openapi.yaml");
    edit(&file, "          example: H83J3", "          const: H83J3");
    let (code, stderr) = gen(dir.path());
    assert_eq!(code, 1);
    let line = line_of(&file, "const: H83J3");
    assert!(
        stderr.contains("error[openapi-version-keyword]"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("auth.openapi.yaml:{line}")),
        "{stderr}"
    );
    assert!(
        stderr.contains("openapi: 3.1.0"),
        "the hint names the fix: {stderr}"
    );
}

/// A `$ref` to a file that is not there names the referring line.
#[test]
fn a_ref_to_a_missing_file_names_the_referring_line() {
    let dir = schemas();
    let file = dir.path().join("auth.openapi.yaml");
    edit(
        &file,
        "$ref: \"#/components/schemas/VerifyMyPhoneRequest\"",
        "$ref: \"common.yaml#/components/schemas/VerifyMyPhoneRequest\"",
    );
    let (code, stderr) = gen(dir.path());
    assert_eq!(code, 1);
    let line = line_of(&file, "common.yaml#/components");
    assert!(stderr.contains("error[openapi-ref]"), "{stderr}");
    assert!(
        stderr.contains(&format!("auth.openapi.yaml:{line}")),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_auth_option_checking_a_missing_field_names_the_option() {
    let dir = schemas();
    let file = dir.path().join("proto/zitadel/auth.proto");
    edit(
        &file,
        "option (zitadel.v1.auth_option) = {permission: \"authenticated\"};",
        "option (zitadel.v1.auth_option) = {permission: \"user.read\" check_field_name: \"UserId\"};",
    );
    let (code, stderr) = gen(dir.path());
    assert_eq!(code, 1, "{stderr}");
    let line = line_of(&file, "check_field_name: \"UserId\"");
    assert!(stderr.contains(&format!("auth.proto:{line}:")), "{stderr}");
    assert!(stderr.contains("auth-check-field"), "{stderr}");
    assert!(stderr.contains("`UserId`"), "{stderr}");
}

#[test]
fn an_auth_option_checking_a_non_string_field_is_refused() {
    let dir = schemas();
    let file = dir.path().join("proto/zitadel/auth.proto");
    // VerifyMyPhone's request has a string `code`: checked by its Go name it is accepted…
    let text = std::fs::read_to_string(&file).unwrap();
    let verify = text.find("rpc VerifyMyPhone").unwrap();
    let at = verify
        + text[verify..]
            .find("permission: \"authenticated\"")
            .unwrap();
    let mut changed = text.clone();
    changed.replace_range(
        at..at + "permission: \"authenticated\"".len(),
        "permission: \"phone.write\" check_field_name: \"Code\"",
    );
    std::fs::write(&file, &changed).unwrap();
    let (code, stderr) = gen(dir.path());
    assert_eq!(code, 0, "{stderr}");
    // …while a message field is not a string.
    std::fs::write(
        &file,
        changed.replacen("string code = 1 [", "bytes code = 1 [", 1),
    )
    .unwrap();
    let (code, stderr) = gen(dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("not a singular string field"), "{stderr}");
}
