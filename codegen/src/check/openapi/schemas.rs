//! Messages against object schemas and fields against their property schemas: names (JSON
//! names), required lists, types, formats and enum values.

use std::collections::BTreeSet;

use serde_json::Value;

use super::keywords;
use super::{join, scalar_text, Checker, Ptr};
use crate::model::rules::nested_rules;
use crate::model::{Cardinality, Field, FieldType, Limit, Meaning, Measure, Message, RuleValue};
use crate::source::proto::locate_ident;

/// Formats that name a wire type: documenting one on a field of another type is a disagreement.
const TYPED_FORMATS: [&str; 10] = [
    "int32",
    "int64",
    "uint32",
    "uint64",
    "float",
    "double",
    "byte",
    "binary",
    "date-time",
    "date",
];

impl<'a> Checker<'a> {
    /// A message against an object schema; `skip` are fields bound elsewhere (path variables).
    pub(super) fn message_schema(
        &mut self,
        message: &'a Message,
        ptr: &Ptr,
        schema: &Value,
        skip: &[String],
    ) {
        if !self.seen.insert(format!(
            "{}@{}@{}",
            message.full_name,
            ptr.key(),
            skip.join(",")
        )) {
            return;
        }
        let ty = keywords::types(schema).map(|t| t.join("` or `"));
        match ty.as_deref() {
            Some("object") => {}
            Some(t) => {
                let at = self.loc(&ptr.join("type"));
                let d = self.error(
                    "openapi-type",
                    at,
                    format!(
                        "schema for message `{}` has type `{t}`: expected `object`",
                        message.full_name
                    ),
                );
                d.related.push((
                    message.location.clone(),
                    format!("message {}", message.name),
                ));
                return;
            }
            None if schema.get("properties").is_none() && self.groups(ptr, schema).is_empty() => {
                let at = self.loc(ptr);
                let d = self.error(
                    "openapi-type",
                    at,
                    format!(
                        "schema for message `{}` has no `type`: expected `object` with its fields",
                        message.full_name
                    ),
                );
                d.related.push((
                    message.location.clone(),
                    format!("message {}", message.name),
                ));
                return;
            }
            None => {}
        }
        self.message_groups(message, ptr, schema, skip);
        let props_ptr = ptr.join("properties");
        let props = schema.get("properties").and_then(Value::as_object);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let has = |key: &str| props.is_some_and(|p| p.contains_key(key));
        for field in &message.fields {
            if skip.contains(&field.name) {
                continue;
            }
            let key = if has(&field.json_name) {
                field.json_name.clone()
            } else if has(&field.name) {
                field.name.clone()
            } else {
                let at = self.loc(if props.is_some() { &props_ptr } else { ptr });
                let d = self.error(
                    "openapi-missing-property",
                    at,
                    format!(
                        "field `{}` of `{}` (JSON `{}`) is missing from the schema",
                        field.name, message.full_name, field.json_name
                    ),
                );
                d.related.push((
                    field.location.clone(),
                    format!("field {} = {}", field.name, field.number),
                ));
                continue;
            };
            if key != field.json_name {
                let at = self.loc(&props_ptr.join(&key));
                let d = self.error(
                    "openapi-json-name",
                    at,
                    format!(
                        "property `{key}` is the proto name of `{}.{}`: its JSON name is `{}`",
                        message.name, field.name, field.json_name
                    ),
                );
                d.related.push((
                    field.location.clone(),
                    format!("field {} (JSON `{}`)", field.name, field.json_name),
                ));
                d.hint = Some(format!("rename the property to `{}`", field.json_name));
            }
            let (p, v, followed) = self.enter(&props_ptr.join(&key));
            if let Some(v) = v {
                self.field_schema(message, field, &p, &v);
            }
            self.leave(followed);
            if field.is_required() && !required.contains(&key.as_str()) {
                let at = self.loc(&if schema.get("required").is_some() {
                    ptr.join("required")
                } else {
                    props_ptr.join(&key)
                });
                let d = self.error("openapi-required", at, format!("`{key}` is REQUIRED in the proto but not in the schema's `required` list of `{}`", message.name));
                d.related.push((
                    locate_ident(&field.location, "field_behavior"),
                    "(google.api.field_behavior) = REQUIRED".into(),
                ));
            }
        }
        if let Some(props) = props {
            let unmatched: Vec<&'a Field> = message
                .fields
                .iter()
                .filter(|f| {
                    !skip.contains(&f.name)
                        && !props.contains_key(&f.json_name)
                        && !props.contains_key(&f.name)
                })
                .collect();
            for key in props.keys() {
                if !message
                    .fields
                    .iter()
                    .any(|f| &f.json_name == key || &f.name == key)
                {
                    let at = self.loc(&props_ptr.join(key));
                    let guess = match unmatched.as_slice() {
                        [f] => format!(
                            " (the proto's field `{}` has JSON name `{}`)",
                            f.name, f.json_name
                        ),
                        _ => String::new(),
                    };
                    let d = self.error(
                        "openapi-unknown-property",
                        at,
                        format!(
                            "property `{key}` is not a field of `{}`{guess}",
                            message.full_name
                        ),
                    );
                    match unmatched.as_slice() {
                        [f] => d.related.push((
                            f.location.clone(),
                            format!("field {} (JSON `{}`)", f.name, f.json_name),
                        )),
                        _ => d.related.push((
                            message.location.clone(),
                            format!("message {}", message.name),
                        )),
                    }
                }
            }
        }
        for (i, key) in required.iter().enumerate() {
            let at = self.loc(&ptr.join("required").join(&i.to_string()));
            match message
                .fields
                .iter()
                .find(|f| f.json_name == *key || f.name == *key)
            {
                // A field whose rules need a value may be listed: a valid request carries it.
                Some(field) if !field.needs_value() && !skip.contains(&field.name) => {
                    let d = self.error("openapi-required", at, format!("`{key}` is required in the schema of `{}` but neither REQUIRED in the proto nor needed by its rules", message.name));
                    d.related.push((
                        field.location.clone(),
                        "add (google.api.field_behavior) = REQUIRED or drop it from `required`"
                            .into(),
                    ));
                }
                Some(_) => {}
                None => {
                    let d = self.error(
                        "openapi-required",
                        at,
                        format!(
                            "`{key}` is in the `required` list of `{}` but is no field of `{}`",
                            message.name, message.full_name
                        ),
                    );
                    d.related.push((
                        message.location.clone(),
                        format!("message {}", message.name),
                    ));
                }
            }
        }
    }

    /// A field (with its cardinality) against its property schema, plus its rules.
    pub(super) fn field_schema(
        &mut self,
        message: &'a Message,
        field: &'a Field,
        ptr: &Ptr,
        schema: &Value,
    ) {
        if !self.value_schema(message, field, ptr, schema) {
            return;
        }
        match field.cardinality {
            Cardinality::Single => self.constraints(message, field, ptr, schema),
            _ => self.value_groups(field, ptr, schema),
        }
        if field.cardinality == Cardinality::Repeated {
            for (kw, limit, name) in [
                ("minItems", Limit::Min, "min_items"),
                ("maxItems", Limit::Max, "max_items"),
            ] {
                let rule = field.rule("repeated", Meaning::Size(Measure::Items, limit));
                let proto = rule.and_then(|r| r.value.as_u64());
                let doc = schema.get(kw).and_then(Value::as_u64);
                self.compare_bound(
                    message,
                    field,
                    ptr,
                    kw,
                    &format!("repeated.{name}"),
                    proto,
                    doc,
                );
            }
        }
    }

    /// The shape of a field's value; false when the types disagree (nothing more is compared).
    fn value_schema(
        &mut self,
        message: &'a Message,
        field: &'a Field,
        ptr: &Ptr,
        schema: &Value,
    ) -> bool {
        match &field.cardinality {
            Cardinality::Repeated => {
                if !self.expect_type(field, ptr, schema, &["array"]) {
                    return false;
                }
                let (items_ptr, items, followed) = self.enter(&ptr.join("items"));
                if let Some(items) = items {
                    self.element(message, field, &field.ty, &items_ptr, &items);
                    if !is_message(&field.ty) {
                        let rules = nested_rules(&field.rules, "repeated", "items");
                        self.rule_groups(message, field, (&field.ty, rules), &items_ptr, &items);
                    }
                }
                self.leave(followed);
                true
            }
            Cardinality::Map(_, value_ty) => {
                if !self.expect_type(field, ptr, schema, &["object"]) {
                    return false;
                }
                let (vp, v, followed) = self.enter(&ptr.join("additionalProperties"));
                if let Some(v) = v.filter(|v| v.is_object()) {
                    self.element(message, field, value_ty, &vp, &v);
                    if !is_message(value_ty) {
                        let rules = nested_rules(&field.rules, "map", "values");
                        self.rule_groups(message, field, (value_ty, rules), &vp, &v);
                    }
                }
                self.leave(followed);
                true
            }
            Cardinality::Single => self.element(message, field, &field.ty, ptr, schema),
        }
    }

    fn element(
        &mut self,
        _message: &'a Message,
        field: &'a Field,
        ty: &FieldType,
        ptr: &Ptr,
        schema: &Value,
    ) -> bool {
        match ty {
            FieldType::Message(name) if !name.starts_with("google.protobuf.") => {
                if let Some(inner) = self.api.message(name) {
                    self.message_schema(inner, ptr, schema, &[]);
                }
                true
            }
            _ => self.scalar_type_of(field, ty, ptr, schema),
        }
    }

    pub(super) fn scalar_type_of(
        &mut self,
        field: &'a Field,
        ty: &FieldType,
        ptr: &Ptr,
        schema: &Value,
    ) -> bool {
        // The JSON types, the formats that fit, and whether another format is wrong (strict) or
        // only a format naming another wire type is.
        let (types, formats, strict): (&[&str], &[&str], bool) = match ty {
            FieldType::String => (&["string"], &["date-time", "date"], false),
            FieldType::Bytes => (&["string"], &["byte", "binary"], true),
            FieldType::Bool => (&["boolean"], &[], true),
            FieldType::Int32 | FieldType::Sint32 | FieldType::Sfixed32 => {
                (&["integer"], &["int32"], true)
            }
            FieldType::Uint32 | FieldType::Fixed32 => {
                (&["integer"], &["int64", "uint32", "int32"], true)
            }
            FieldType::Int64 | FieldType::Sint64 | FieldType::Sfixed64 => {
                (&["string"], &["int64"], true)
            }
            FieldType::Uint64 | FieldType::Fixed64 => (&["string"], &["uint64", "int64"], true),
            FieldType::Float => (&["number"], &["float"], true),
            FieldType::Double => (&["number"], &["double"], true),
            FieldType::Enum(e) => {
                if !self.expect_type(field, ptr, schema, &["string"]) {
                    return false;
                }
                self.enum_values(field, e, ptr, schema);
                return true;
            }
            FieldType::Message(m) => match m.as_str() {
                "google.protobuf.Timestamp" => (&["string"], &["date-time"], true),
                "google.protobuf.Duration" | "google.protobuf.FieldMask" => {
                    (&["string"], &[], false)
                }
                "google.protobuf.StringValue" => (&["string"], &["date-time", "date"], false),
                "google.protobuf.BoolValue" => (&["boolean"], &[], true),
                "google.protobuf.Int32Value" => (&["integer"], &["int32"], true),
                "google.protobuf.UInt32Value" => {
                    (&["integer"], &["int64", "uint32", "int32"], true)
                }
                "google.protobuf.Int64Value" => (&["string"], &["int64"], true),
                "google.protobuf.UInt64Value" => (&["string"], &["uint64", "int64"], true),
                "google.protobuf.FloatValue" => (&["number"], &["float"], true),
                "google.protobuf.DoubleValue" => (&["number"], &["double"], true),
                "google.protobuf.BytesValue" => (&["string"], &["byte", "binary"], true),
                "google.protobuf.ListValue" => (&["array"], &[], false),
                "google.protobuf.Value" => return true,
                _ => (&["object"], &[], false),
            },
        };
        if !self.expect_type(field, ptr, schema, types) {
            return false;
        }
        let is_bytes =
            matches!(ty, FieldType::Bytes) || ty.proto_name() == "google.protobuf.BytesValue";
        match schema.get("format").and_then(Value::as_str) {
            Some(format) if formats.contains(&format) => {}
            Some(format) if strict || TYPED_FORMATS.contains(&format) => {
                let at = self.loc(&ptr.join("format"));
                let fitting = formats
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(" or ");
                let expected = match (strict, formats.is_empty()) {
                    (_, true) => "no format".to_string(),
                    (true, false) => fitting,
                    (false, false) => format!("{fitting} or a format that names no other type"),
                };
                let d = self.error(
                    "openapi-format",
                    at,
                    format!("format `{format}` does not fit field `{}` of type `{}`: expected {expected}", field.name, ty.proto_name()),
                );
                d.related.push((
                    field.location.clone(),
                    format!("{} {}", ty.proto_name(), field.name),
                ));
            }
            None if is_bytes => {
                let at = self.loc(ptr);
                let d = self.error(
                    "openapi-format",
                    at,
                    format!("field `{}` is `{}`: its JSON is base64, so the schema needs `format: byte`", field.name, ty.proto_name()),
                );
                d.related.push((
                    field.location.clone(),
                    format!("{} {}", ty.proto_name(), field.name),
                ));
            }
            _ => {}
        }
        true
    }

    pub(super) fn expect_type(
        &mut self,
        field: &'a Field,
        ptr: &Ptr,
        schema: &Value,
        types: &[&str],
    ) -> bool {
        let proto_ty = match &field.cardinality {
            Cardinality::Repeated => format!("repeated {}", field.ty.proto_name()),
            Cardinality::Map(k, v) => format!("map<{}, {}>", k.proto_name(), v.proto_name()),
            Cardinality::Single => field.ty.proto_name().to_string(),
        };
        let Some(found) = keywords::types(schema) else {
            let groups = self.groups(ptr, schema);
            if !groups.is_empty() {
                for g in &groups {
                    self.not_checked(g, &format!("of field `{}`", field.name));
                }
                return false;
            }
            let at = self.loc(ptr);
            let d = self.error(
                "openapi-type",
                at,
                format!("the schema of field `{}` has no `type`: the proto's `{proto_ty}` is `type: {}` in JSON", field.name, types.join("` or `type: ")),
            );
            d.related
                .push((field.location.clone(), format!("{proto_ty} {}", field.name)));
            return false;
        };
        if let [t] = found.as_slice() {
            if types.contains(t) {
                return true;
            }
        }
        let t = found.join("` or `");
        let at = self.loc(&ptr.join("type"));
        let d = self.error(
            "openapi-type",
            at,
            format!("field `{}` is `{proto_ty}` in the proto but `{t}` in the OpenAPI schema: expected `{}`", field.name, types.join("` or `")),
        );
        d.related
            .push((field.location.clone(), format!("{proto_ty} {}", field.name)));
        false
    }

    fn enum_values(&mut self, field: &'a Field, enum_name: &str, ptr: &Ptr, schema: &Value) {
        let Some(e) = self.api.enumeration(enum_name) else {
            return;
        };
        let Some(doc) = schema.get("enum").and_then(Value::as_array) else {
            return;
        };
        let doc: BTreeSet<String> = doc.iter().map(scalar_text).collect();
        // A single field's `enum.in` (or `const`) narrows the values (an `allOf` of the enum's
        // schema and the listed ones is their intersection).
        let numbers = |r: &crate::model::Rule| match &r.value {
            RuleValue::List(l) => l
                .iter()
                .filter_map(|v| match v {
                    RuleValue::Int(n) => Some(*n),
                    _ => None,
                })
                .collect(),
            RuleValue::Int(n) => vec![*n],
            _ => Vec::new(),
        };
        let narrowed: Option<Vec<i64>> = match field.cardinality {
            Cardinality::Single => field
                .rule("enum", Meaning::In)
                .or(field.rule("enum", Meaning::Const))
                .map(numbers),
            _ => None,
        };
        let proto: BTreeSet<String> = e
            .values
            .iter()
            .filter(|(_, n)| narrowed.as_ref().is_none_or(|l| l.contains(&i64::from(*n))))
            .map(|(n, _)| n.clone())
            .collect();
        if doc != proto {
            let at = self.loc(&ptr.join("enum"));
            let d = self.error(
                "openapi-enum",
                at,
                format!(
                    "enum values of `{}` differ: OpenAPI has [{}], the proto has [{}]",
                    field.name,
                    join(&doc),
                    join(&proto)
                ),
            );
            d.related
                .push((field.location.clone(), format!("enum {}", e.full_name)));
        }
    }
}

/// Whether values of `ty` are objects compared field by field (not a well-known type).
fn is_message(ty: &FieldType) -> bool {
    matches!(ty, FieldType::Message(name) if !name.starts_with("google.protobuf."))
}
