//! A message field calls the embedded message's validator only when that validator can report
//! something: rules of its own, or (through fields, lists, map values and recursion) a message
//! with rules.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const SOURCE: &str = r#"syntax = "proto3";
package embed;
import "validate/validate.proto";
import "buf/validate/validate.proto";

message Leaf { string name = 1 [(validate.rules).string.min_len = 1]; }
message Plain { string note = 1; }
// A rule of protovalidate's CEL only, reached through a field.
message Cel { string id = 1 [(buf.validate.field).cel = { id: "id.x", message: "x", expression: "this != 'x'" }]; }
message HoldsCel { Cel cel = 1; }
// Reaches Leaf only through a list.
message Mid { repeated Leaf leaves = 1; }
// Recursive, reaching Leaf through Mid and a map value.
message Chain { Chain next = 1; Mid mid = 2; map<string, Plain> plain = 3; }
message ByMap { map<string, Leaf> leaves = 1; }
// Recursive and nothing to check anywhere.
message Loop { Loop next = 1; Plain plain = 2; repeated Plain plains = 3; }
"#;

/// The `impl ::protogate::Validate for NAME` item of the generated code.
fn validator<'a>(code: &'a str, name: &str) -> &'a str {
    let head = format!("impl ::protogate::Validate for {name} ");
    let start = code
        .find(&head)
        .unwrap_or_else(|| panic!("no validator for {name}"));
    let rest = &code[start..];
    // A block closed by a `}` at the start of a line.
    let end = rest.find("\n}\n").map_or(rest.len(), |e| e + 2);
    &rest[..end]
}

#[test]
fn only_messages_that_can_fail_are_validated_through_their_fields() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let proto = dir.path().join("embed.proto");
    std::fs::write(&proto, SOURCE).expect("writing embed.proto");
    let out = Command::new(env!("CARGO_BIN_EXE_protogate"))
        .arg("gen")
        .arg("--proto")
        .arg(&proto)
        .arg("-I")
        .arg(dir.path())
        .arg("-I")
        .arg(root().join("schemas/proto"))
        .arg("-I")
        .arg(root().join("codegen/tests/fixtures/protovalidate"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .expect("running protogate");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = std::fs::read_to_string(dir.path().join("out/embed.protogate.rs"))
        .expect("the generated code");

    assert!(validator(&code, "Leaf").contains("len_range"));
    assert!(validator(&code, "Mid").contains("\"leaves\""));
    let chain = validator(&code, "Chain");
    assert!(
        chain.contains("\"next\"") && chain.contains("\"mid\""),
        "{chain}"
    );
    assert!(!chain.contains("\"plain\""), "{chain}");
    assert!(validator(&code, "ByMap").contains("\"leaves\""));
    assert!(validator(&code, "HoldsCel").contains("\"cel\""));
    // Messages with nothing to check get the trait's defaults, listed in one invocation.
    let unchecked =
        protogate_codegen::emit::json::invoked(&code, "::protogate::nothing_to_validate!");
    for nothing in ["Plain", "Loop"] {
        assert!(unchecked.contains(&nothing), "{unchecked:?}");
        assert!(!code.contains(&format!("impl ::protogate::Validate for {nothing} ")));
    }
}
