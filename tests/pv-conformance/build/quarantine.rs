//! Messages whose rules the generator rejects (a rule of the wrong type, a message `oneof`
//! naming no field, …): protovalidate reports those as compilation errors when it builds the
//! message's validator. Here they lose their rules in the generated copy and answer
//! `compilation_error` with the generator's diagnostic.

use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, Value};

/// The case messages a diagnostic names (`pkg.Message` or `pkg.Message.field`).
pub fn messages_named(text: &str, pool: &DescriptorPool) -> Vec<String> {
    let mut out = Vec::new();
    for token in text.split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_')) {
        let mut candidate = token.trim_matches('.');
        loop {
            if pool.get_message_by_name(candidate).is_some() {
                if !out.iter().any(|o| o == candidate) {
                    out.push(candidate.to_string());
                }
                break;
            }
            match candidate.rsplit_once('.') {
                Some((parent, _)) => candidate = parent,
                None => break,
            }
        }
    }
    out.retain(|n| n.starts_with("buf.validate.conformance."));
    out
}

/// `file` (an encoded `FileDescriptorProto`) without protovalidate options on `message` (a full
/// name), its fields and its oneofs.
pub fn strip_rules(
    file: &[u8],
    message: &str,
    pool: &DescriptorPool,
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let file_desc = pool
        .get_message_by_name("google.protobuf.FileDescriptorProto")
        .ok_or("the fixture lacks descriptor.proto")?;
    let mut proto = DynamicMessage::decode(file_desc, file)?;
    let package = match proto.get_field_by_name("package").as_deref() {
        Some(Value::String(p)) => p.clone(),
        _ => String::new(),
    };
    let Some(relative) = message
        .strip_prefix(&package)
        .and_then(|r| r.strip_prefix('.'))
    else {
        return Ok(file.to_vec());
    };
    let names: Vec<&str> = relative.split('.').collect();
    let extensions: Vec<_> = [
        "buf.validate.field",
        "buf.validate.message",
        "buf.validate.oneof",
    ]
    .iter()
    .filter_map(|n| pool.get_extension_by_name(n))
    .collect();
    if let Some(found) = find(&mut proto, "message_type", &names) {
        let clear = |options: &mut Value| {
            if let Value::Message(o) = options {
                for e in &extensions {
                    o.clear_extension(e);
                }
            }
        };
        if let Some(o) = found.get_field_by_name_mut("options") {
            clear(o);
        }
        for list in ["field", "oneof_decl"] {
            if let Some(Value::List(items)) = found.get_field_by_name_mut(list) {
                for item in items {
                    if let Value::Message(item) = item {
                        if let Some(o) = item.get_field_by_name_mut("options") {
                            clear(o);
                        }
                    }
                }
            }
        }
    }
    Ok(proto.encode_to_vec())
}

/// The `DescriptorProto` at this name path below `holder`'s `list` field.
fn find<'m>(
    holder: &'m mut DynamicMessage,
    list: &str,
    names: &[&str],
) -> Option<&'m mut DynamicMessage> {
    let (first, rest) = names.split_first()?;
    let Some(Value::List(items)) = holder.get_field_by_name_mut(list) else {
        return None;
    };
    for item in items {
        if let Value::Message(m) = item {
            let is_it = matches!(m.get_field_by_name("name").as_deref(), Some(Value::String(n)) if n == first);
            if is_it {
                return if rest.is_empty() {
                    Some(m)
                } else {
                    find(m, "nested_type", rest)
                };
            }
        }
    }
    None
}
