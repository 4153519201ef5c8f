//! `components/schemas`: one schema per message and enum, keyed by full name and referenced
//! with `$ref` (nothing is inlined twice, so the document grows with the schema, not with its
//! paths), the proto3 JSON form of every field type, and the error model.

use std::collections::{BTreeMap, BTreeSet};

use super::node::{Node, Obj};
use super::rules::{self, ignored_always, ignores_empty};
use super::Version;
use crate::model::rules::nested_rules;
use crate::model::{Api, Cardinality, Enum, Field, FieldType, Message, Rule};

/// The error every REST call answers with.
pub(super) const STATUS: &str = "google.rpc.Status";
/// A typed detail of an error.
const ANY: &str = "google.protobuf.Any";
/// The field option carrying the proto's own OpenAPI annotations.
const FIELD_OPTION: &str = "grpc.gateway.protoc_gen_openapiv2.options.openapiv2_field";
/// A `google.protobuf.Duration` in JSON: seconds with up to nine fractional digits and `s`.
/// (JSON Schema's `format: duration` is ISO 8601, `P1DT2H`, which this is not.)
const DURATION_PATTERN: &str = r"^-?[0-9]+(\.[0-9]{1,9})?s$";

/// The schemas the document refers to, built as the operations ask for them.
pub(super) struct Schemas<'a> {
    api: &'a Api,
    version: Version,
    /// Messages and enums referenced so far, by full name.
    wanted: BTreeSet<String>,
    /// Request bodies that leave out the fields a path sets, by component name.
    bodies: BTreeMap<String, Obj>,
}

impl<'a> Schemas<'a> {
    pub(super) fn new(api: &'a Api, version: Version) -> Schemas<'a> {
        let mut wanted = BTreeSet::new();
        wanted.insert(STATUS.to_string());
        Schemas {
            api,
            version,
            wanted,
            bodies: BTreeMap::new(),
        }
    }

    /// `{"$ref": "#/components/schemas/<name>"}`, the component built later.
    pub(super) fn reference(&mut self, name: &str) -> Obj {
        self.wanted.insert(name.to_string());
        component_ref(name)
    }

    /// The schema of a whole message (or well-known type) value: a request body or response.
    pub(super) fn message_value(&mut self, full_name: &str) -> Obj {
        self.value(&FieldType::Message(full_name.to_string()), &[])
    }

    /// A field as a property: its value with its rules, and what the proto says about it.
    pub(super) fn property(&mut self, field: &Field, rules_on: bool) -> Obj {
        let schema = self.field(field, rules_on);
        let notes = self.notes(field);
        self.annotate(schema, notes)
    }

    /// A field's value by cardinality, with its rules as keywords.
    pub(super) fn field(&mut self, field: &Field, rules_on: bool) -> Obj {
        let rules: &[Rule] = match rules_on && !ignored_always(&field.rules) {
            true => &field.rules,
            false => &[],
        };
        match &field.cardinality {
            Cardinality::Single => {
                let mut schema = self.value(&field.ty, rules);
                annotated_bounds(field, &mut schema);
                schema
            }
            Cardinality::Repeated => {
                let items = self.value(&field.ty, nested_rules(rules, "repeated", "items"));
                let mut schema = Obj::new().with("type", "array").with("items", items);
                let empty = ignores_empty(rules).then(|| Node::List(Vec::new()));
                rules::collection(rules, false).apply(&mut schema, empty);
                schema
            }
            Cardinality::Map(key, value) => {
                let mut schema = Obj::new().with("type", "object");
                if self.version == Version::V3_1 {
                    let keys = self.map_key(key, nested_rules(rules, "map", "keys"));
                    if !keys.is_empty() {
                        schema.set("propertyNames", keys);
                    }
                }
                let values = self.value(value, nested_rules(rules, "map", "values"));
                schema.set("additionalProperties", values);
                let empty = ignores_empty(rules).then(|| Node::Obj(Obj::new()));
                rules::collection(rules, true).apply(&mut schema, empty);
                schema
            }
        }
    }

    /// The schema of a path parameter: the field's, with the template's pattern when the
    /// variable binds more than one segment (`{name=shelves/*/books/*}`).
    pub(super) fn path_param(&mut self, field: &Field, template_pattern: Option<String>) -> Obj {
        let mut schema = self.field(field, true);
        let string = schema.get("type") == Some(&Node::from("string"));
        if let Some(pattern) = template_pattern.filter(|_| string) {
            // The field's own pattern still holds: it joins the `allOf`.
            let own = schema
                .remove("pattern")
                .filter(|p| *p != Node::from(pattern.as_str()));
            if let Some(own) = own {
                let mut all: Vec<Node> = match schema.remove("allOf") {
                    Some(Node::List(items)) => items,
                    _ => Vec::new(),
                };
                all.insert(0, Obj::new().with("pattern", own).into());
                schema.set("allOf", all);
            }
            schema.set("pattern", pattern);
        }
        schema
    }

    /// A request body that is the message without the fields its path sets, registered as
    /// `name`; returns its `$ref`.
    pub(super) fn body(&mut self, name: &str, message: &Message, skip: &[String]) -> Obj {
        if !self.bodies.contains_key(name) {
            let schema = self.message(message, skip);
            self.bodies.insert(name.to_string(), schema);
        }
        component_ref(name)
    }

    /// Every referenced schema, sorted by name, each built once.
    pub(super) fn components(mut self) -> Obj {
        let mut done: BTreeMap<String, Node> = BTreeMap::new();
        loop {
            let pending: Vec<String> = self
                .wanted
                .iter()
                .filter(|n| !done.contains_key(*n))
                .cloned()
                .collect();
            if pending.is_empty() {
                break;
            }
            for name in pending {
                let schema = if name == STATUS {
                    self.status()
                } else if name == ANY {
                    any()
                } else if let Some(m) = self.api.message(&name) {
                    self.message(m, &[])
                } else if let Some(e) = self.api.enumeration(&name) {
                    self.enumeration(e)
                } else {
                    Obj::new().with("type", "object")
                };
                done.insert(name, schema.into());
            }
        }
        for (name, body) in std::mem::take(&mut self.bodies) {
            done.insert(name, body.into());
        }
        let mut out = Obj::new();
        for (name, schema) in done {
            out.set(&name, schema);
        }
        out
    }

    /// A message as an object schema; `skip` are fields set elsewhere (the path).
    fn message(&mut self, message: &Message, skip: &[String]) -> Obj {
        let rules_on = !message.validation_disabled && !message.validation_ignored;
        let mut schema = Obj::new().with("type", "object");
        schema.set_text("description", &message.docs.text);
        let mut properties = Obj::new();
        let mut required = Vec::new();
        let fields = message.fields.iter().filter(|f| !skip.contains(&f.name));
        for f in fields {
            properties.set(&f.json_name, self.property(f, rules_on));
            if f.is_required() || (rules_on && f.needs_value()) {
                required.push(f.json_name.clone());
            }
        }
        if !properties.is_empty() {
            schema.set("properties", properties);
        }
        if !required.is_empty() {
            schema.set("required", Node::strings(&required));
        }
        if self.version == Version::V3_1 {
            let one_ofs = one_ofs(message, skip, rules_on);
            match one_ofs.len() {
                0 => {}
                1 => schema.set("oneOf", one_ofs.into_iter().next().unwrap_or_default()),
                _ => schema.set(
                    "allOf",
                    one_ofs
                        .into_iter()
                        .map(|o| Obj::new().with("oneOf", o).into())
                        .collect::<Vec<Node>>(),
                ),
            }
        }
        schema
    }

    fn enumeration(&self, e: &Enum) -> Obj {
        let mut schema = Obj::new().with("type", "string");
        schema.set_text("description", &e.docs.text);
        schema.set("enum", Node::strings(e.values.iter().map(|(n, _)| n)));
        schema
    }

    /// One value of type `ty` with its own rules.
    fn value(&mut self, ty: &FieldType, rules: &[Rule]) -> Obj {
        match ty {
            FieldType::Message(m) if m.starts_with("google.protobuf.") => self.well_known(m, rules),
            FieldType::Message(m) => self.reference(m),
            FieldType::Enum(e) if e == "google.protobuf.NullValue" => match self.version {
                Version::V3_1 => Obj::new().with("type", "null"),
                Version::V3_0 => Obj::new()
                    .with("type", "string")
                    .with("nullable", true)
                    .with("enum", vec![Node::Null]),
            },
            FieldType::Enum(e) => {
                let reference = self.reference(e);
                let mut keywords = Obj::new();
                // An enum's allowed names cannot leave room for the zero value: without it the
                // rules are left out rather than reject what the server accepts.
                if !ignores_empty(rules) {
                    rules::scalar(self.api, self.version, ty, rules).apply(&mut keywords, None);
                }
                match keywords.is_empty() {
                    true => reference,
                    false => {
                        Obj::new().with("allOf", vec![Node::from(reference), Node::from(keywords)])
                    }
                }
            }
            scalar => {
                let mut schema = base(scalar);
                let empty = ignores_empty(rules).then(|| zero(scalar));
                rules::scalar(self.api, self.version, scalar, rules).apply(&mut schema, empty);
                schema
            }
        }
    }

    /// The proto3 JSON form of a `google.protobuf` type.
    fn well_known(&mut self, full_name: &str, rules: &[Rule]) -> Obj {
        let name = full_name.trim_start_matches("google.protobuf.");
        let string = || Obj::new().with("type", "string");
        match name {
            "Timestamp" => string().with("format", "date-time"),
            "Duration" => string().with("pattern", DURATION_PATTERN),
            "FieldMask" => string(),
            "Struct" | "Empty" => Obj::new().with("type", "object"),
            "Value" => Obj::new(),
            "ListValue" => Obj::new().with("type", "array").with("items", Obj::new()),
            "Any" => self.reference(ANY),
            _ => match wrapped(name) {
                Some(inner) => {
                    let mut schema = base(&inner);
                    match self.version {
                        Version::V3_0 => schema.set("nullable", true),
                        Version::V3_1 => {
                            if let Some(Node::Str(t)) = schema.get("type").cloned() {
                                schema.set("type", Node::strings([t.as_str(), "null"]));
                            }
                        }
                    }
                    let ty = FieldType::Message(full_name.to_string());
                    let empty = ignores_empty(rules).then(|| zero(&inner));
                    rules::scalar(self.api, self.version, &ty, rules).apply(&mut schema, empty);
                    schema
                }
                None => Obj::new().with("type", "object"),
            },
        }
    }

    /// `propertyNames` of a map: its keys are JSON strings spelling the key type.
    fn map_key(&mut self, key: &FieldType, rules: &[Rule]) -> Obj {
        match key {
            // Keys are strings anyway: only their rules say more.
            FieldType::String => {
                let mut schema = Obj::new();
                let empty = ignores_empty(rules).then(|| Node::from(""));
                rules::scalar(self.api, self.version, key, rules).apply(&mut schema, empty);
                schema
            }
            FieldType::Bool => Obj::new().with("enum", Node::strings(["true", "false"])),
            FieldType::Uint32 | FieldType::Uint64 | FieldType::Fixed32 | FieldType::Fixed64 => {
                Obj::new().with("pattern", "^[0-9]+$")
            }
            _ => Obj::new().with("pattern", "^-?[0-9]+$"),
        }
    }

    /// What the proto says about a field beyond its type: its comment (or its
    /// `openapiv2_field` description), `OUTPUT_ONLY` / `INPUT_ONLY`, its example.
    fn notes(&self, field: &Field) -> Obj {
        let option = field
            .options
            .iter()
            .find(|o| o.name == FIELD_OPTION)
            .map(|o| &o.value);
        let annotated = |key: &str| {
            option
                .and_then(|o| o.get(key))
                .and_then(serde_json::Value::as_str)
                .filter(|s| !s.is_empty())
        };
        let mut notes = Obj::new();
        notes.set_text(
            "description",
            annotated("description").unwrap_or(&field.docs.text),
        );
        if field.behavior.iter().any(|b| b == "OUTPUT_ONLY") {
            notes.set("readOnly", true);
        }
        if field.behavior.iter().any(|b| b == "INPUT_ONLY") {
            notes.set("writeOnly", true);
        }
        // The annotation's example is JSON text, e.g. `"\"+41791234567\""`.
        if let Some(text) = annotated("example") {
            let value = serde_json::from_str::<serde_json::Value>(text)
                .map(|v| Node::from(&v))
                .unwrap_or_else(|_| Node::from(text));
            match self.version {
                Version::V3_1 => notes.set("examples", vec![value]),
                Version::V3_0 => notes.set("example", value),
            }
        }
        notes
    }

    /// `schema` with `notes` beside it. A 3.0 `$ref` takes no siblings, so there it is wrapped
    /// in a one-element `allOf`.
    fn annotate(&self, schema: Obj, notes: Obj) -> Obj {
        if notes.is_empty() {
            return schema;
        }
        let mut out = match self.version == Version::V3_0 && schema.has("$ref") {
            true => Obj::new().with("allOf", vec![Node::from(schema)]),
            false => schema,
        };
        for (k, v) in notes.iter() {
            out.set(k, v.clone());
        }
        out
    }

    /// The grpc-gateway error body protogate answers every failed REST call with.
    fn status(&mut self) -> Obj {
        let details = Obj::new()
            .with("type", "array")
            .with("items", self.reference(ANY))
            .with(
                "description",
                "Typed details, each named by its `@type`, e.g. a `google.rpc.BadRequest` for a request that breaks a field's rules.",
            );
        let properties = Obj::new()
            .with(
                "code",
                Obj::new()
                    .with("type", "integer")
                    .with("format", "int32")
                    .with(
                        "description",
                        "The gRPC status code, e.g. 3 for INVALID_ARGUMENT.",
                    ),
            )
            .with(
                "message",
                Obj::new().with("type", "string").with(
                    "description",
                    "A developer-facing description of the error.",
                ),
            )
            .with("details", details);
        Obj::new()
            .with("type", "object")
            .with(
                "description",
                "An error: a gRPC status as grpc-gateway writes it in JSON. The HTTP status is mapped from the code (INVALID_ARGUMENT 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404, …).",
            )
            .with("properties", properties)
            .with("required", Node::strings(["code", "message", "details"]))
    }
}

/// `{"$ref": "#/components/schemas/<name>"}`.
fn component_ref(name: &str) -> Obj {
    Obj::new().with("$ref", format!("#/components/schemas/{name}"))
}

/// `google.protobuf.Any` in JSON: `@type` names the message, its fields sit beside it.
fn any() -> Obj {
    let at_type = Obj::new().with("type", "string").with(
        "description",
        "A URL naming the message type, e.g. `type.googleapis.com/google.rpc.BadRequest`.",
    );
    Obj::new()
        .with("type", "object")
        .with(
            "description",
            "A message of any type: `@type` names it; its fields are the other properties (a well-known type's JSON value is in `value`).",
        )
        .with("properties", Obj::new().with("@type", at_type))
        .with("required", Node::strings(["@type"]))
        .with("additionalProperties", true)
}

/// The JSON type and format of a scalar: 64-bit integers are strings, bytes are base64.
fn base(ty: &FieldType) -> Obj {
    let (json_type, format) = match ty {
        FieldType::Double => ("number", Some("double")),
        FieldType::Float => ("number", Some("float")),
        FieldType::Int32 | FieldType::Sint32 | FieldType::Sfixed32 => ("integer", Some("int32")),
        // An unsigned 32-bit value needs a 64-bit integer in most client languages.
        FieldType::Uint32 | FieldType::Fixed32 => ("integer", Some("int64")),
        FieldType::Int64 | FieldType::Sint64 | FieldType::Sfixed64 => ("string", Some("int64")),
        FieldType::Uint64 | FieldType::Fixed64 => ("string", Some("uint64")),
        FieldType::Bool => ("boolean", None),
        FieldType::Bytes => ("string", Some("byte")),
        _ => ("string", None),
    };
    let schema = Obj::new().with("type", json_type);
    match format {
        Some(f) => schema.with("format", f),
        None => schema,
    }
}

/// The JSON of a scalar's zero value.
fn zero(ty: &FieldType) -> Node {
    match ty {
        FieldType::String | FieldType::Bytes => Node::from(""),
        FieldType::Bool => Node::Bool(false),
        FieldType::Int64
        | FieldType::Sint64
        | FieldType::Sfixed64
        | FieldType::Uint64
        | FieldType::Fixed64 => Node::from("0"),
        _ => Node::Uint(0),
    }
}

/// The scalar a wrapper type (`StringValue`) carries.
fn wrapped(name: &str) -> Option<FieldType> {
    Some(match name {
        "DoubleValue" => FieldType::Double,
        "FloatValue" => FieldType::Float,
        "Int64Value" => FieldType::Int64,
        "UInt64Value" => FieldType::Uint64,
        "Int32Value" => FieldType::Int32,
        "UInt32Value" => FieldType::Uint32,
        "BoolValue" => FieldType::Bool,
        "StringValue" => FieldType::String,
        "BytesValue" => FieldType::Bytes,
        _ => return None,
    })
}

/// A message's oneofs (and protovalidate's message-level `oneof` rules) in 3.1's terms: each
/// a `oneOf` of one branch per member, plus one for "none set" unless a member is required.
fn one_ofs(message: &Message, skip: &[String], rules_on: bool) -> Vec<Vec<Node>> {
    let json = |name: &String| message.field(name).map(|f| f.json_name.clone());
    let groups = message.oneof_groups(rules_on);
    let mut out = Vec::new();
    for (fields, required) in groups {
        let members: Vec<String> = fields
            .iter()
            .filter(|f| !skip.contains(f))
            .filter_map(json)
            .collect();
        if members.is_empty() || (members.len() == 1 && !required) {
            continue;
        }
        let has = |m: &String| Node::from(Obj::new().with("required", Node::strings([m])));
        let mut branches: Vec<Node> = members.iter().map(has).collect();
        if !required {
            let any_set = Obj::new().with("anyOf", members.iter().map(has).collect::<Vec<_>>());
            branches.push(Obj::new().with("not", any_set).into());
        }
        out.push(branches);
    }
    out
}

/// A single string's `minLength`, `maxLength` and `pattern` from its `openapiv2_field` option where its
/// rules give none, as protoc-gen-openapiv2 writes them (a rule, which the server enforces,
/// wins); beside the rules' keywords, in the set-value branch when they hold only for a set
/// value.
fn annotated_bounds(field: &Field, schema: &mut Obj) {
    if field.ty != FieldType::String {
        return;
    }
    let Some(option) = field.options.iter().find(|o| o.name == FIELD_OPTION) else {
        return;
    };
    let target = match schema.get_mut("anyOf") {
        Some(Node::List(branches)) if branches.len() == 2 => match &mut branches[1] {
            Node::Obj(keywords) => keywords,
            _ => return,
        },
        Some(_) => return,
        None => schema,
    };
    for key in ["minLength", "maxLength"] {
        let value = option.value.get(key).and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        });
        if let Some(value) = value.filter(|_| !target.has(key)) {
            target.set(key, value);
        }
    }
    let pattern = option
        .value
        .get("pattern")
        .and_then(serde_json::Value::as_str);
    if let Some(pattern) = pattern.filter(|p| !p.is_empty() && !target.has("pattern")) {
        target.set("pattern", pattern);
    }
}
