//! The query parameters of an HTTP binding, as grpc-gateway reads them: every field neither in
//! the path nor in the body, singular messages flattened into dotted JSON names.

use super::{Api, Cardinality, Field, FieldType, Message};

/// How deep singular messages are flattened. Without a bound, messages that reference one
/// another in many orders would give a number of parameters exponential in the depth.
pub const MAX_NESTING: usize = 4;

/// One query parameter.
#[derive(Debug, Clone)]
pub struct QueryParam<'a> {
    /// The dotted JSON name, e.g. `published.startYear`.
    pub name: String,
    /// The field it sets.
    pub field: &'a Field,
    /// Whether a valid request must carry it: the field and every message on the way to it
    /// need a value ([`Field::needs_value`]).
    pub required: bool,
}

/// Well-known types a query string can carry as one value (their JSON form is a string,
/// number or boolean); `Struct`, `Value`, `ListValue`, `Any` and `Empty` cannot come from one.
fn scalar_like(full_name: &str) -> bool {
    matches!(
        full_name.trim_start_matches("google.protobuf."),
        "Timestamp"
            | "Duration"
            | "FieldMask"
            | "DoubleValue"
            | "FloatValue"
            | "Int64Value"
            | "UInt64Value"
            | "Int32Value"
            | "UInt32Value"
            | "BoolValue"
            | "StringValue"
            | "BytesValue"
    )
}

impl Api {
    /// The query parameters of `message` for a binding that takes `skip` (dotted proto field
    /// paths: the path variables and the body field) from elsewhere, in field order.
    pub fn query_params<'a>(
        &'a self,
        message: &'a Message,
        skip: &[String],
    ) -> Vec<QueryParam<'a>> {
        let mut out = Vec::new();
        let mut walk = Walk {
            api: self,
            skip,
            stack: Vec::new(),
            out: &mut out,
        };
        walk.message(message, "", "", true);
        out
    }
}

struct Walk<'a, 's> {
    api: &'a Api,
    skip: &'s [String],
    stack: Vec<&'a str>,
    out: &'s mut Vec<QueryParam<'a>>,
}

impl<'a> Walk<'a, '_> {
    fn message(&mut self, msg: &'a Message, proto: &str, json: &str, required: bool) {
        for f in &msg.fields {
            let path = format!("{proto}{}", f.name);
            if self.skip.contains(&path) {
                continue;
            }
            let name = format!("{json}{}", f.json_name);
            let required = required && f.needs_value();
            // A query string cannot carry maps or repeated messages (grpc-gateway rejects them).
            match (&f.cardinality, &f.ty) {
                (Cardinality::Map(..), _) => {}
                (_, FieldType::Message(t)) if t.starts_with("google.protobuf.") => {
                    if scalar_like(t) {
                        self.push(name, f, required);
                    }
                }
                (_, FieldType::Message(t)) => {
                    let inner = self.api.message(t).filter(|_| {
                        f.cardinality == Cardinality::Single
                            && !self.stack.contains(&t.as_str())
                            && self.stack.len() < MAX_NESTING
                    });
                    if let Some(inner) = inner {
                        self.stack.push(t.as_str());
                        self.message(inner, &format!("{path}."), &format!("{name}."), required);
                        self.stack.pop();
                    }
                }
                _ => self.push(name, f, required),
            }
        }
    }

    fn push(&mut self, name: String, field: &'a Field, required: bool) {
        self.out.push(QueryParam {
            name,
            field,
            required,
        });
    }
}
