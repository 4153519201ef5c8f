//! Reads the case messages and their protovalidate options: which messages the executor
//! answers, their Rust paths, and which carry rules protogate does not enforce.

use std::collections::HashSet;

use prost_reflect::{
    DescriptorPool, DynamicMessage, Kind, MessageDescriptor, ReflectMessage, Value,
};

/// The packages of the case messages.
const CASES: &str = "buf.validate.conformance.cases";

/// Every case message (map entries excluded), in the pool's order.
pub fn case_messages(pool: &DescriptorPool) -> Vec<MessageDescriptor> {
    pool.all_messages()
        .filter(|m| {
            let package = m.package_name();
            (package == CASES || package.starts_with(&format!("{CASES}."))) && !m.is_map_entry()
        })
        .collect()
}

/// The message's path below the generated root, as prost-build names it.
pub fn rust_path(message: &MessageDescriptor) -> String {
    let mut parts = protogate_names::package_module_path(message.package_name());
    let mut parents = Vec::new();
    let mut parent = message.parent_message();
    while let Some(p) = parent {
        parents.push(protogate_names::snake(p.name()));
        parent = p.parent_message();
    }
    parts.extend(parents.into_iter().rev());
    parts.push(protogate_names::upper_camel(message.name()));
    parts.join("::")
}

/// Why the validator of `message` would not enforce all of its rules: the first rule it cannot
/// enforce found on it or on a message it embeds, or a message of `unreadable` (full
/// name, reason) it is or embeds.
pub fn unenforced(message: &MessageDescriptor, unreadable: &[(String, String)]) -> Option<String> {
    let mut seen = HashSet::new();
    unenforced_in(message, unreadable, &mut seen)
}

fn unenforced_in(
    message: &MessageDescriptor,
    unreadable: &[(String, String)],
    seen: &mut HashSet<String>,
) -> Option<String> {
    if !seen.insert(message.full_name().to_string()) {
        return None;
    }
    if let Some((_, why)) = unreadable.iter().find(|(n, _)| n == message.full_name()) {
        return Some(why.clone());
    }
    let pool = message.parent_pool();
    let ext = |name: &str| pool.get_extension_by_name(name);
    if let Some(rules) = ext("buf.validate.message").and_then(|e| option(&message.options(), &e)) {
        if let Some(why) = not_enforced(&rules) {
            return Some(format!("{}: {why}", message.full_name()));
        }
    }
    for oneof in message.oneofs() {
        if let Some(rules) = ext("buf.validate.oneof").and_then(|e| option(&oneof.options(), &e)) {
            if let Some(why) = not_enforced(&rules) {
                return Some(format!("{}: {why}", oneof.full_name()));
            }
        }
    }
    for field in message.fields() {
        if let Some(rules) = ext("buf.validate.field").and_then(|e| option(&field.options(), &e)) {
            if let Some(why) = not_enforced(&rules) {
                return Some(format!("{}: {why}", field.full_name()));
            }
        }
        let target = match field.kind() {
            Kind::Message(m) if m.is_map_entry() => match m.map_entry_value_field().kind() {
                Kind::Message(v) => Some(v),
                _ => None,
            },
            Kind::Message(m) => Some(m),
            _ => None,
        };
        if let Some(why) = target.and_then(|m| unenforced_in(&m, unreadable, seen)) {
            return Some(why);
        }
    }
    None
}

fn option(
    options: &DynamicMessage,
    ext: &prost_reflect::ExtensionDescriptor,
) -> Option<DynamicMessage> {
    if !options.has_extension(ext) {
        return None;
    }
    match options.get_extension(ext).into_owned() {
        Value::Message(m) => Some(m),
        _ => None,
    }
}

/// An unknown rule anywhere in a rules message (the generator compiles every `cel` rule: a
/// field's, a message's and those of list items and map entries). Predefined (extension) rules
/// the generator cannot enforce are its own `rule-unsupported` diagnostics.
fn not_enforced(rules: &DynamicMessage) -> Option<String> {
    if rules.unknown_fields().next().is_some() {
        return Some(format!(
            "a rule of `{}` this protogate version does not know",
            rules.descriptor().full_name()
        ));
    }
    for (field, value) in rules.fields() {
        match (field.name(), value) {
            ("cel" | "cel_expression", _) => {}
            (_, Value::Message(inner)) => {
                if let Some(why) = not_enforced(inner) {
                    return Some(why);
                }
            }
            (_, Value::List(items)) => {
                for item in items {
                    if let Value::Message(inner) = item {
                        if let Some(why) = not_enforced(inner) {
                            return Some(why);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    None
}
