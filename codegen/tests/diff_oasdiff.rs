//! The OpenAPI side of `protogate diff` against `oasdiff` (v1.39.0) as the oracle: seeded
//! one-edit mutations of the example's OpenAPI document — operations, parameters, request and
//! response schemas, enums, bounds, patterns, nullability — and for every one, protogate calls
//! it breaking exactly when `oasdiff breaking --fail-on ERR` does.
//!
//! oasdiff comes from `PROTOGATE_OASDIFF` or `target/diff-oracles/oasdiff` (scripts/test.sh
//! installs it there with `go install`). With `PROTOGATE_ORACLE_REQUIRED=1` a missing oracle
//! fails the test.

#[path = "diff_support/rng.rs"]
mod rng;

use std::path::{Path, PathBuf};
use std::process::Command;

use protogate_codegen::diff;
use protogate_codegen::load::openapi;
use rng::Rng;
use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn oasdiff() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PROTOGATE_OASDIFF") {
        return Some(PathBuf::from(path));
    }
    let local = root().join("target/diff-oracles/oasdiff");
    local.is_file().then_some(local)
}

/// Every schema object reachable in the document, by JSON pointer.
fn schemas(doc: &Value) -> Vec<String> {
    fn walk(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if map.contains_key("type") || map.contains_key("properties") {
                    out.push(at.clone());
                }
                for (k, child) in map {
                    walk(
                        child,
                        format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, String::new(), &mut out);
    out.retain(|p| !p.contains("/example"));
    out
}

fn operations(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in ["get", "put", "post", "delete", "patch"] {
                if item.get(method).is_some() {
                    out.push(format!(
                        "/paths/{}/{method}",
                        path.replace('~', "~0").replace('/', "~1")
                    ));
                }
            }
        }
    }
    out
}

/// One edit of `doc`; `None` when the chosen place does not allow it.
fn mutate(doc: &Value, rng: &mut Rng) -> Option<(String, Value)> {
    let mut doc = doc.clone();
    let kind = rng.below(20);
    let schema_at = rng.pick(&schemas(&doc))?.clone();
    let op_at = rng.pick(&operations(&doc))?.clone();
    let desc = match kind {
        0 => {
            let (parent, method) = op_at.rsplit_once('/')?;
            doc.pointer_mut(parent)?.as_object_mut()?.remove(method)?;
            format!("delete operation {op_at}")
        }
        1 | 2 => {
            let op = doc.pointer_mut(&op_at)?.as_object_mut()?;
            let params = op.entry("parameters").or_insert_with(|| json!([]));
            params.as_array_mut()?.push(json!({
                "name": "mutation", "in": "query", "required": kind == 1,
                "schema": {"type": "string"}
            }));
            format!(
                "add {} query parameter to {op_at}",
                if kind == 1 { "required" } else { "optional" }
            )
        }
        3..=5 => {
            let params = doc
                .pointer_mut(&format!("{op_at}/parameters"))?
                .as_array_mut()?;
            if params.is_empty() {
                return None;
            }
            let i = rng.below(params.len());
            match kind {
                3 => {
                    params.remove(i);
                    format!("delete parameter {i} of {op_at}")
                }
                4 => {
                    params[i]["required"] = json!(true);
                    format!("require parameter {i} of {op_at}")
                }
                _ => {
                    let to = *rng.pick(&["integer", "string", "boolean", "number"])?;
                    params[i]["schema"] = json!({"type": to});
                    format!("retype parameter {i} of {op_at} -> {to}")
                }
            }
        }
        6..=9 => {
            let schema = doc.pointer_mut(&schema_at)?;
            let props = schema.get_mut("properties")?.as_object_mut()?;
            let names: Vec<String> = props.keys().cloned().collect();
            let name = rng.pick(&names)?.clone();
            match kind {
                6 => {
                    props.remove(&name);
                    if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut)
                    {
                        required.retain(|r| r != &json!(name));
                    }
                    format!("delete property {name} of {schema_at}")
                }
                7 => {
                    let required = schema
                        .as_object_mut()?
                        .entry("required")
                        .or_insert_with(|| json!([]));
                    if required.as_array()?.contains(&json!(name)) {
                        return None;
                    }
                    required.as_array_mut()?.push(json!(name));
                    format!("require property {name} of {schema_at}")
                }
                8 => {
                    let required = schema.get_mut("required")?.as_array_mut()?;
                    let before = required.len();
                    required.retain(|r| r != &json!(name));
                    if required.len() == before {
                        return None;
                    }
                    format!("unrequire property {name} of {schema_at}")
                }
                _ => {
                    props.insert("mutationAdded".into(), json!({"type": "string"}));
                    if rng.below(2) == 0 {
                        let required = schema
                            .as_object_mut()?
                            .entry("required")
                            .or_insert_with(|| json!([]));
                        required.as_array_mut()?.push(json!("mutationAdded"));
                        format!("add required property to {schema_at}")
                    } else {
                        format!("add optional property to {schema_at}")
                    }
                }
            }
        }
        10 => {
            let schema = doc.pointer_mut(&schema_at)?.as_object_mut()?;
            let from = schema.get("type")?.as_str()?.to_string();
            let to = *rng.pick(&["integer", "string", "boolean", "number"])?;
            if from == to || from == "object" || from == "array" {
                return None;
            }
            schema.insert("type".into(), json!(to));
            schema.remove("format");
            format!("retype {schema_at} {from} -> {to}")
        }
        11 | 12 => {
            let schema = doc.pointer_mut(&schema_at)?.as_object_mut()?;
            let values = schema.get_mut("enum")?.as_array_mut()?;
            if kind == 11 {
                if values.len() < 2 {
                    return None;
                }
                let i = rng.below(values.len());
                values.remove(i);
                format!("delete enum value {i} of {schema_at}")
            } else {
                values.push(json!("MUTATION_ADDED"));
                format!("add enum value to {schema_at}")
            }
        }
        13..=16 => {
            let schema = doc.pointer_mut(&schema_at)?.as_object_mut()?;
            let ty = schema.get("type")?.as_str()?.to_string();
            let keys: &[&str] = match ty.as_str() {
                "string" => &["maxLength", "minLength"],
                "integer" | "number" => &["maximum", "minimum"],
                _ => return None,
            };
            let key = *rng.pick(keys)?;
            let current = schema.get(key).and_then(Value::as_f64);
            match (kind, current) {
                (13, Some(v)) => schema.insert(key.into(), json!((v as i64) + 5)),
                (14, Some(v)) if v >= 1.0 => schema.insert(key.into(), json!((v as i64) - 1)),
                (15, Some(_)) => schema.remove(key),
                (16, None) => schema.insert(key.into(), json!(3)),
                _ => return None,
            };
            format!("bound {key} of {schema_at} (edit {kind})")
        }
        17 => {
            let schema = doc.pointer_mut(&schema_at)?.as_object_mut()?;
            if schema.get("type")?.as_str()? != "string" {
                return None;
            }
            match schema.get("pattern") {
                Some(_) if rng.below(2) == 0 => {
                    schema.remove("pattern");
                }
                Some(_) => {
                    schema.insert("pattern".into(), json!("^[0-9]+$"));
                }
                None => {
                    schema.insert("pattern".into(), json!("^[A-Za-z0-9]+$"));
                }
            }
            format!("pattern of {schema_at}")
        }
        18 => {
            let responses = doc
                .pointer_mut(&format!("{op_at}/responses"))?
                .as_object_mut()?;
            let codes: Vec<String> = responses.keys().cloned().collect();
            let code = rng.pick(&codes)?.clone();
            responses.remove(&code);
            format!("delete response {code} of {op_at}")
        }
        _ => {
            let op = doc.pointer_mut(&op_at)?.as_object_mut()?;
            op.insert(
                "description".into(),
                json!("Described again by the mutation test."),
            );
            format!("describe {op_at}")
        }
    };
    Some((desc, doc))
}

#[test]
fn agrees_with_oasdiff_on_seeded_mutations_of_the_example_document() {
    let Some(oasdiff) = oasdiff() else {
        assert!(
            std::env::var("PROTOGATE_ORACLE_REQUIRED").as_deref() != Ok("1"),
            "oasdiff is required (PROTOGATE_ORACLE_REQUIRED=1) but was not found"
        );
        eprintln!(
            "skipped: oasdiff not found (scripts/test.sh installs it, or set PROTOGATE_OASDIFF)"
        );
        return;
    };
    let source = root().join("schemas/auth.openapi.yaml");
    let text = std::fs::read_to_string(&source).expect("the example document");
    let base: Value = serde_yaml_ng::from_str(&text).expect("YAML");
    let work = tempfile::tempdir().expect("tempdir");
    let old_path = work.path().join("old.yaml");
    std::fs::write(&old_path, &text).expect("write");
    let old = openapi::read(&old_path).expect("reads");
    let mut rng = Rng::new(17);
    let (mut compared, mut breaking, mut disagreements) = (0, 0, Vec::new());
    let mut attempts = 0;
    while compared < 120 && attempts < 2000 {
        attempts += 1;
        let Some((desc, doc)) = mutate(&base, &mut rng) else {
            continue;
        };
        let new_path = work.path().join("new.yaml");
        std::fs::write(&new_path, serde_yaml_ng::to_string(&doc).expect("YAML")).expect("write");
        let Ok(new) = openapi::read(&new_path) else {
            continue;
        };
        let out = Command::new(&oasdiff)
            .args(["breaking", "--fail-on", "ERR", "--format", "json"])
            .arg(&old_path)
            .arg(&new_path)
            .output()
            .expect("oasdiff runs");
        let theirs = match out.status.code() {
            Some(0) => false,
            Some(1) => true,
            _ => panic!(
                "oasdiff failed on {desc}: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        };
        let findings = diff::openapi::run(&old, &new);
        let ours = findings.iter().any(|f| f.breaking);
        compared += 1;
        breaking += usize::from(theirs);
        if ours != theirs {
            disagreements.push(format!(
                "{desc}: oasdiff {theirs}, protogate {ours}\n  oasdiff: {}\n  protogate: {:?}",
                String::from_utf8_lossy(&out.stdout).trim(),
                findings
                    .iter()
                    .map(|f| (&f.rule, f.breaking, &f.message))
                    .collect::<Vec<_>>()
            ));
        }
    }
    eprintln!(
        "{compared} mutations compared, {breaking} breaking by oasdiff, {} disagreements",
        disagreements.len()
    );
    for d in &disagreements {
        eprintln!("DISAGREE {d}");
    }
    assert!(compared >= 100, "only {compared} mutations");
    assert!(
        breaking >= 20,
        "too few breaking mutations ({breaking}) to mean anything"
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements with oasdiff",
        disagreements.len()
    );
}
