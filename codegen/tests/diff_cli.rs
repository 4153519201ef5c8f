//! `protogate diff` end to end: the example's schemas edited the way a team edits them, every
//! way of naming the old version (directory, descriptor set, git revision), the three
//! formats, the exit codes and the acknowledgements file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A copy of `schemas/` to edit: `old/proto`, `new/proto` and both OpenAPI documents.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("tempdir");
        for side in ["old", "new"] {
            copy_dir(&root().join("schemas"), &dir.path().join(side));
        }
        Workspace { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Replaces `from` with `to` in the new version of `file` (relative to `new/`).
    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.path(&format!("new/{file}"));
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{file} has no `{from}`");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    }

    fn diff(&self, extra: &[&str]) -> Output {
        let new = self.path("new/proto");
        let mut args: Vec<String> = vec![
            "diff".into(),
            "--against".into(),
            self.path("old/proto").display().to_string(),
            "--proto".into(),
            new.join("zitadel/auth.proto").display().to_string(),
            "-I".into(),
            new.display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        Command::new(env!("CARGO_BIN_EXE_protogate"))
            .args(&args)
            .output()
            .expect("protogate runs")
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable").flatten() {
        let p = entry.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&p, to.join(entry.file_name())).expect("copy");
        }
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn json(out: &Output) -> Vec<serde_json::Value> {
    serde_json::from_slice(&out.stdout).expect("a JSON array")
}

#[test]
fn an_unchanged_schema_reports_nothing_and_exits_zero() {
    let ws = Workspace::new();
    let out = ws.diff(&["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out), Vec::<serde_json::Value>::new());
}

#[test]
fn a_deleted_field_breaks_with_buf_s_rule_and_the_new_file_s_line() {
    let ws = Workspace::new();
    ws.edit(
        "proto/zitadel/auth.proto",
        "  zitadel.v1.ObjectDetails details = 1;\n}\n\n// The request of ResendMyPhoneVerification.",
        "}\n\n// The request of ResendMyPhoneVerification.",
    );
    let out = ws.diff(&[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("error[FIELD_NO_DELETE]: Previously present field \"1\" with name \"details\" on message \"VerifyMyPhoneResponse\" was deleted."),
        "{text}"
    );
    assert!(text.contains("zitadel/auth.proto:282:1"), "{text}");
    assert!(
        text.contains("acknowledge: FIELD_NO_DELETE zitadel.auth.v1.VerifyMyPhoneResponse.details"),
        "{text}"
    );
    let findings = json(&ws.diff(&["--format", "json"]));
    let deleted = findings
        .iter()
        .find(|f| f["rule"] == "FIELD_NO_DELETE")
        .expect("reported");
    assert_eq!(deleted["breaking"], true);
    assert_eq!(deleted["line"], 282);
    assert_eq!(
        deleted["categories"],
        serde_json::json!(["FILE", "PACKAGE"])
    );
    // Under WIRE a deletion breaks only if the number is not reserved.
    let wire = json(&ws.diff(&["--format", "json", "--category", "WIRE"]));
    assert!(wire
        .iter()
        .any(|f| f["rule"] == "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED" && f["breaking"] == true));
    assert!(!wire.iter().any(|f| f["rule"] == "FIELD_NO_DELETE"));
    assert_eq!(ws.diff(&["--fail-on", "none"]).status.code(), Some(0));
}

#[test]
fn http_validation_and_auth_changes_are_breaking_where_clients_notice() {
    let ws = Workspace::new();
    ws.edit(
        "proto/zitadel/auth.proto",
        "post: \"/users/me/phone/_verify\"",
        "post: \"/users/me/phone/verify\"",
    );
    ws.edit(
        "proto/zitadel/auth.proto",
        "      max_len: 200\n    },\n    (google.api.field_behavior) = REQUIRED,",
        "      max_len: 100\n    },\n    (google.api.field_behavior) = REQUIRED,",
    );
    ws.edit(
        "proto/zitadel/auth.proto",
        "    option (zitadel.v1.auth_option) = {permission: \"authenticated\"};\n\n    option (grpc.gateway.protoc_gen_openapiv2.options.openapiv2_operation) = {\n      tags: \"User Phone\";\n      summary: \"Verify Phone\";",
        "    option (zitadel.v1.auth_option) = {permission: \"user.phone.write\"};\n\n    option (grpc.gateway.protoc_gen_openapiv2.options.openapiv2_operation) = {\n      tags: \"User Phone\";\n      summary: \"Verify Phone\";",
    );
    let findings = json(&ws.diff(&["--format", "json"]));
    let rule = |id: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == id)
            .unwrap_or_else(|| panic!("{id} missing from {findings:#?}"))
    };
    assert_eq!(rule("HTTP_BINDING_SAME_PATH")["breaking"], true);
    assert!(rule("HTTP_BINDING_SAME_PATH")["message"]
        .as_str()
        .unwrap_or("")
        .contains("/users/me/phone/verify"));
    let tightened = rule("VALIDATE_RULE_NO_TIGHTEN");
    assert_eq!(tightened["breaking"], true);
    assert_eq!(
        tightened["element"],
        "zitadel.auth.v1.VerifyMyPhoneRequest.code"
    );
    assert!(tightened["message"]
        .as_str()
        .unwrap_or("")
        .contains("from 200 to 100"));
    assert_eq!(rule("AUTH_PERMISSION_SAME")["breaking"], true);
    // buf sees none of these: they live in options.
    assert!(findings
        .iter()
        .all(|f| f["categories"].as_array().is_some_and(|c| c.is_empty())));
}

#[test]
fn loosening_and_additions_are_reported_but_do_not_fail() {
    let ws = Workspace::new();
    ws.edit(
        "proto/zitadel/auth.proto",
        "      max_len: 200\n    },\n    (google.api.field_behavior) = REQUIRED,",
        "      max_len: 300\n    },\n    (google.api.field_behavior) = REQUIRED,",
    );
    ws.edit(
        "proto/zitadel/auth.proto",
        "message VerifyMyPhoneResponse {\n",
        "message VerifyMyPhoneResponse {\n  // When the phone was verified.\n  string verified_at = 2;\n",
    );
    ws.edit(
        "proto/zitadel/auth.proto",
        "// The request of VerifyMyPhone.",
        "// The request of VerifyMyPhone, with the code.",
    );
    let out = ws.diff(&["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let findings = json(&out);
    let rules: Vec<&str> = findings.iter().filter_map(|f| f["rule"].as_str()).collect();
    assert!(rules.contains(&"VALIDATE_RULE_LOOSENED"), "{rules:?}");
    assert!(rules.contains(&"FIELD_ADDED"), "{rules:?}");
    assert!(rules.contains(&"COMMENT_CHANGED"), "{rules:?}");
    assert!(findings.iter().all(|f| f["breaking"] == false));
    assert_eq!(ws.diff(&["--fail-on", "any"]).status.code(), Some(1));
    let markdown = stdout(&ws.diff(&["--format", "markdown"]));
    assert!(markdown.starts_with("## API changes\n"), "{markdown}");
    assert!(markdown.contains("### Other changes"), "{markdown}");
    assert!(!markdown.contains("### Breaking changes"), "{markdown}");
}

#[test]
fn acknowledged_breaks_pass_and_stale_acknowledgements_are_named() {
    let ws = Workspace::new();
    ws.edit(
        "proto/zitadel/auth.proto",
        "post: \"/users/me/phone/_verify\"",
        "put: \"/users/me/phone/_verify\"",
    );
    let acks = ws.path("acks.txt");
    std::fs::write(
        &acks,
        "# released in v2\nHTTP_BINDING_SAME_VERB zitadel.auth.v1.AuthService.VerifyMyPhone  # PUT now\nRPC_NO_DELETE zitadel.auth.v1.AuthService.Gone\n",
    )
    .expect("write");
    let out = ws.diff(&["--acknowledged", acks.to_str().unwrap_or_default()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("warning[HTTP_BINDING_SAME_VERB]"), "{text}");
    assert!(text.contains("warning[ACKNOWLEDGED_UNUSED]: `RPC_NO_DELETE zitadel.auth.v1.AuthService.Gone` matches no breaking change"), "{text}");
    assert!(text.contains("acks.txt:3:1"), "{text}");

    std::fs::write(&acks, "HTTP_BINDING_SAME_VERB\n").expect("write");
    let out = ws.diff(&["--acknowledged", acks.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("acks.txt:1:1") && err.contains("expected `RULE ELEMENT`"),
        "{err}"
    );
}

#[test]
fn a_descriptor_set_and_a_git_revision_name_the_old_version_too() {
    let ws = Workspace::new();
    // The old version as a descriptor set, the way `buf build -o` writes one.
    let set = ws.path("old.binpb");
    let old = protogate_codegen::load::proto::compile(
        &[ws.path("old/proto/zitadel/auth.proto")],
        &[ws.path("old/proto")],
    )
    .expect("compiles");
    let files: Vec<prost_types::FileDescriptorProto> = old
        .pool
        .files()
        .map(|f| f.file_descriptor_proto().clone())
        .collect();
    std::fs::write(
        &set,
        prost::Message::encode_to_vec(&prost_types::FileDescriptorSet { file: files }),
    )
    .expect("write");
    ws.edit(
        "proto/zitadel/auth.proto",
        "rpc VerifyMyPhone(VerifyMyPhoneRequest)",
        "rpc VerifyMyPhone(stream VerifyMyPhoneRequest)",
    );
    let new = ws.path("new/proto");
    let run = |against: &str, cwd: &Path| {
        Command::new(env!("CARGO_BIN_EXE_protogate"))
            .current_dir(cwd)
            .args(["diff", "--against", against, "--format", "json", "--proto"])
            .arg(new.join("zitadel/auth.proto"))
            .arg("-I")
            .arg(&new)
            .output()
            .expect("runs")
    };
    let out = run(set.to_str().unwrap_or_default(), ws.dir.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(json(&out)
        .iter()
        .any(|f| f["rule"] == "RPC_SAME_CLIENT_STREAMING"));

    // git:HEAD: the same paths at the last commit of the repository holding the inputs.
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .current_dir(ws.path("new"))
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "schema"]);
    let out = run("git:HEAD", &ws.path("new"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ws.edit(
        "proto/zitadel/auth.proto",
        "rpc VerifyMyPhone(stream VerifyMyPhoneRequest)",
        "rpc VerifyMyPhone(VerifyMyPhoneRequest)",
    );
    let out = run("git:HEAD", &ws.path("new"));
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings = json(&out);
    let streaming = findings
        .iter()
        .find(|f| f["rule"] == "RPC_SAME_CLIENT_STREAMING")
        .expect("reported");
    assert!(streaming["message"]
        .as_str()
        .unwrap_or("")
        .contains("from client streaming to client unary"));

    let out = run("git:no-such-ref", &ws.path("new"));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_openapi_pair_reports_what_breaks_a_rest_client() {
    let ws = Workspace::new();
    let doc = ws.path("new/auth.openapi.yaml");
    let text = std::fs::read_to_string(&doc).expect("read");
    assert!(text.contains("/users/me/phone/_verify"));
    std::fs::write(
        &doc,
        text.replace("/users/me/phone/_verify", "/users/me/phone/verify"),
    )
    .expect("write");
    let out = ws.diff(&[
        "--format",
        "json",
        "--openapi",
        doc.to_str().unwrap_or_default(),
        "--against-openapi",
        ws.path("old/auth.openapi.yaml")
            .to_str()
            .unwrap_or_default(),
    ]);
    let findings = json(&out);
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "OPENAPI_OPERATION_NO_DELETE"
                && f["element"] == "POST /users/me/phone/_verify"),
        "{findings:#?}"
    );
    assert!(findings
        .iter()
        .any(|f| f["rule"] == "OPENAPI_OPERATION_ADDED"));
    assert_eq!(out.status.code(), Some(1));
}
