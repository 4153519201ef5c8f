//! Rewrites pbjson's writing of `float` and `double` fields so that NaN and the infinities are
//! written as proto3 JSON's strings.
//!
//! pbjson writes such a field with serde's `f32`/`f64`, which serde_json writes as `null` when
//! the value is not finite. Each message's serialize impl names the message
//! (`serializer.serialize_struct("pkg.Msg", len)`) and each field by its JSON name
//! (`struct_ser.serialize_field("jsonName", value)?`); the value of a float field (single,
//! list, map or oneof member) is wrapped in `protogate::json::Floats`.

use std::collections::BTreeSet;

use prost_reflect::{DescriptorPool, Kind};

/// The (message full name, JSON name) of every field holding floats or doubles.
pub(crate) fn float_fields(pool: &DescriptorPool) -> BTreeSet<(String, String)> {
    let is_float = |kind: Kind| matches!(kind, Kind::Float | Kind::Double);
    let mut out = BTreeSet::new();
    for message in pool.all_messages() {
        for field in message.fields() {
            let holds_floats = if field.is_map() {
                match field.kind() {
                    Kind::Message(entry) => is_float(entry.map_entry_value_field().kind()),
                    _ => false,
                }
            } else {
                is_float(field.kind())
            };
            if holds_floats {
                out.insert((
                    message.full_name().to_string(),
                    field.json_name().to_string(),
                ));
            }
        }
    }
    out
}

/// pbjson's serde impls with float fields written through `protogate::json::Floats`.
pub(crate) fn rewrite(serde: &str, floats: &BTreeSet<(String, String)>) -> String {
    const STRUCT: &str = "serializer.serialize_struct(\"";
    const FIELD: &str = "struct_ser.serialize_field(\"";
    let mut message = String::new();
    let mut out = String::with_capacity(serde.len());
    for line in serde.split_inclusive('\n') {
        if let Some((_, rest)) = line.split_once(STRUCT) {
            message = rest.split('"').next().unwrap_or_default().to_string();
        }
        let rewritten = line.split_once(FIELD).and_then(|(indent, rest)| {
            let (json_name, rest) = rest.split_once("\", ")?;
            let (value, end) = rest.rsplit_once(")?;")?;
            floats
                .contains(&(message.clone(), json_name.to_string()))
                .then(|| {
                    format!(
                        "{indent}{FIELD}{json_name}\", &::protogate::json::Floats({value}))?;{end}"
                    )
                })
        });
        out.push_str(rewritten.as_deref().unwrap_or(line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn wraps_the_float_fields_of_their_message_only() {
        let floats = [("p.M".to_string(), "ratio".to_string())].into();
        let pbjson = "let mut struct_ser = serializer.serialize_struct(\"p.M\", len)?;\n\
                      struct_ser.serialize_field(\"ratio\", &self.ratio)?;\n\
                      struct_ser.serialize_field(\"name\", &self.name)?;\n\
                      let mut struct_ser = serializer.serialize_struct(\"p.N\", len)?;\n\
                      struct_ser.serialize_field(\"ratio\", &self.ratio)?;\n";
        assert_eq!(
            rewrite(pbjson, &floats),
            "let mut struct_ser = serializer.serialize_struct(\"p.M\", len)?;\n\
             struct_ser.serialize_field(\"ratio\", &::protogate::json::Floats(&self.ratio))?;\n\
             struct_ser.serialize_field(\"name\", &self.name)?;\n\
             let mut struct_ser = serializer.serialize_struct(\"p.N\", len)?;\n\
             struct_ser.serialize_field(\"ratio\", &self.ratio)?;\n"
        );
    }
}
