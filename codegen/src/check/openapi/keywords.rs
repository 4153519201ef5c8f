//! What the document's version allows in a schema, and the keywords whose form the version
//! decides: `type` (3.1's type arrays with `"null"`), exclusive bounds (3.0's booleans, 3.1's
//! numbers) and listed values (`enum`, 3.1's `const`).

use serde_json::Value;

use super::{Checker, Ptr};
use crate::load::openapi::Version;

/// JSON Schema 2020-12 keywords OpenAPI 3.0's schema object does not have.
const ONLY_3_1: [&str; 20] = [
    "const",
    "examples",
    "$defs",
    "prefixItems",
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "patternProperties",
    "contains",
    "contentEncoding",
    "contentMediaType",
    "$schema",
    "$id",
    "$anchor",
    "$dynamicRef",
];

/// Keywords holding one schema.
const ONE_SCHEMA: [&str; 9] = [
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedProperties",
];

/// Keywords holding a list of schemas.
const SCHEMA_LISTS: [&str; 4] = ["allOf", "oneOf", "anyOf", "prefixItems"];

/// Keywords holding a map of schemas.
const SCHEMA_MAPS: [&str; 5] = [
    "properties",
    "$defs",
    "definitions",
    "patternProperties",
    "dependentSchemas",
];

/// The JSON types a schema allows besides `null` (3.1's `type: [string, "null"]` is a string).
pub(super) fn types(schema: &Value) -> Option<Vec<&str>> {
    match schema.get("type")? {
        Value::String(t) => Some(vec![t.as_str()]),
        Value::Array(list) => Some(
            list.iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect(),
        ),
        _ => None,
    }
}

/// A numeric bound and whether it is exclusive: 3.1's `exclusiveMinimum: 0`, or 3.0's
/// `minimum: 0` with `exclusiveMinimum: true`. With both forms, the tighter one.
pub(super) fn bound(schema: &Value, lower: bool) -> Option<(f64, bool)> {
    let (plain, strict) = if lower {
        ("minimum", "exclusiveMinimum")
    } else {
        ("maximum", "exclusiveMaximum")
    };
    let exclusive_flag = schema.get(strict).and_then(Value::as_bool).unwrap_or(false);
    let inclusive = schema
        .get(plain)
        .and_then(Value::as_f64)
        .map(|v| (v, exclusive_flag));
    let numeric = schema
        .get(strict)
        .and_then(Value::as_f64)
        .map(|v| (v, true));
    match (inclusive, numeric) {
        (Some(i), Some(n)) => {
            let tighter = if lower { n.0 >= i.0 } else { n.0 <= i.0 };
            Some(if tighter { n } else { i })
        }
        (i, n) => n.or(i),
    }
}

/// The keyword a bound is read from, for locating it.
pub(super) fn bound_keyword(schema: &Value, lower: bool) -> &'static str {
    let (plain, strict) = if lower {
        ("minimum", "exclusiveMinimum")
    } else {
        ("maximum", "exclusiveMaximum")
    };
    if schema.get(strict).is_some_and(Value::is_number) {
        strict
    } else {
        plain
    }
}

/// The listed values: `enum`, or 3.1's `const` as a list of one.
pub(super) fn listed(schema: &Value) -> Option<(&'static str, Vec<&Value>)> {
    if let Some(list) = schema.get("enum").and_then(Value::as_array) {
        return Some(("enum", list.iter().collect()));
    }
    schema.get("const").map(|c| ("const", vec![c]))
}

impl Checker<'_> {
    /// Every schema of every file: keywords of the other OpenAPI version are errors, since
    /// a reader of this version ignores them.
    pub(super) fn version_keywords(&mut self) {
        let mut schemas = Vec::new();
        let root = |t: &[&str]| Ptr::root(t);
        if let Some(Value::Object(paths)) = self.doc.raw.get("paths") {
            for (path, item) in paths {
                let item_ptr = root(&["paths", path]);
                operation_schemas(item, &item_ptr, &mut schemas);
                for (verb, op) in item.as_object().into_iter().flatten() {
                    operation_schemas(op, &item_ptr.join(verb), &mut schemas);
                }
            }
        }
        for part in 0..=self.doc.externals.len() {
            let Some((_, raw)) = self.doc.part(part) else {
                continue;
            };
            let at = |t: &[&str]| Ptr {
                part,
                tokens: t.iter().map(|s| s.to_string()).collect(),
            };
            let components = raw.get("components");
            let named = |key: &str| {
                components
                    .and_then(|c| c.get(key))
                    .and_then(Value::as_object)
            };
            for (name, _) in named("schemas").into_iter().flatten() {
                schemas.push(at(&["components", "schemas", name]));
            }
            for key in ["parameters", "headers"] {
                for (name, p) in named(key).into_iter().flatten() {
                    if p.get("schema").is_some() {
                        schemas.push(at(&["components", key, name, "schema"]));
                    }
                }
            }
            for key in ["responses", "requestBodies"] {
                for (name, r) in named(key).into_iter().flatten() {
                    media_schemas(r, &at(&["components", key, name]), &mut schemas);
                }
            }
            if part > 0 {
                for (name, _) in raw
                    .get("$defs")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    schemas.push(at(&["$defs", name]));
                }
            }
        }
        let version = self.doc.version;
        let mut seen = std::collections::BTreeSet::new();
        while let Some(ptr) = schemas.pop() {
            if !seen.insert(ptr.key()) {
                continue;
            }
            let Some(schema) = self.get(&ptr).and_then(Value::as_object) else {
                continue;
            };
            for (key, value) in schema {
                if let Some(problem) = misplaced(version, key, value) {
                    let at = self.loc(&ptr.join(key));
                    let d = self.error("openapi-version-keyword", at, problem.0);
                    d.hint = Some(problem.1);
                }
                if ONE_SCHEMA.contains(&key.as_str()) && value.is_object() {
                    schemas.push(ptr.join(key));
                }
                if SCHEMA_LISTS.contains(&key.as_str()) {
                    for i in 0..value.as_array().map_or(0, Vec::len) {
                        schemas.push(ptr.join(key).join(&i.to_string()));
                    }
                }
                if SCHEMA_MAPS.contains(&key.as_str()) {
                    for name in value.as_object().into_iter().flatten().map(|(k, _)| k) {
                        schemas.push(ptr.join(key).join(name));
                    }
                }
            }
        }
    }
}

/// The schemas of an operation or path item: parameters, request body, responses.
fn operation_schemas(op: &Value, ptr: &Ptr, out: &mut Vec<Ptr>) {
    for (i, p) in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let p_ptr = ptr.join("parameters").join(&i.to_string());
        if p.get("schema").is_some() {
            out.push(p_ptr.join("schema"));
        }
        media_schemas(p, &p_ptr, out);
    }
    if let Some(body) = op.get("requestBody") {
        media_schemas(body, &ptr.join("requestBody"), out);
    }
    for (code, r) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let r_ptr = ptr.join("responses").join(code);
        media_schemas(r, &r_ptr, out);
        for (name, h) in r
            .get("headers")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if h.get("schema").is_some() {
                out.push(r_ptr.join("headers").join(name).join("schema"));
            }
        }
    }
}

/// The schemas of a `content` map.
fn media_schemas(holder: &Value, ptr: &Ptr, out: &mut Vec<Ptr>) {
    for (media, m) in holder
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if m.get("schema").is_some() {
            out.push(ptr.join("content").join(media).join("schema"));
        }
    }
}

/// Why `key: value` does not belong in a schema of a `version` document, and the fix.
fn misplaced(version: Version, key: &str, value: &Value) -> Option<(String, String)> {
    let name = match version {
        Version::Swagger2 => "Swagger 2.0",
        Version::V3_0 => "OpenAPI 3.0",
        Version::V3_1 => "OpenAPI 3.1",
    };
    if version.is_3_1() {
        return match (key, value) {
            ("exclusiveMinimum" | "exclusiveMaximum", Value::Bool(_)) => Some((
                format!("`{key}: {value}` is OpenAPI 3.0's form: in {name} `{key}` holds the bound itself, and a boolean makes the schema invalid"),
                format!("write `{key}: <bound>` and drop the `{}` beside it", if key == "exclusiveMinimum" { "minimum" } else { "maximum" }),
            )),
            ("nullable", _) => Some((
                format!("`nullable` is OpenAPI 3.0's: {name} ignores it"),
                "add \"null\" to `type` instead, e.g. `type: [string, \"null\"]`".into(),
            )),
            _ => None,
        };
    }
    let hint = match (key, value) {
        ("type", Value::Array(_)) => "write one `type` (with `nullable: true` for \"null\"), or declare `openapi: 3.1.0`",
        ("exclusiveMinimum" | "exclusiveMaximum", Value::Number(_)) => {
            "write the bound as `minimum`/`maximum` with `exclusiveMinimum: true`/`exclusiveMaximum: true`, or declare `openapi: 3.1.0`"
        }
        ("const", _) => "write a one-value `enum`, or declare `openapi: 3.1.0`",
        ("examples", _) => "write one `example`, or declare `openapi: 3.1.0`",
        (k, _) if ONLY_3_1.contains(&k) => "declare `openapi: 3.1.0`, or drop the keyword",
        _ => return None,
    };
    let shown = match value {
        Value::Array(_) | Value::Number(_) => format!("`{key}: {value}`"),
        _ => format!("`{key}`"),
    };
    Some((
        format!(
            "{shown} is OpenAPI 3.1 (JSON Schema 2020-12): a {name} reader ignores or rejects it"
        ),
        hint.into(),
    ))
}
