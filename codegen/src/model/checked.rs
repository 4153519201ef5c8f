//! Which messages' validators can find anything: those with rules of their own and those that
//! embed one that does. A field of a message whose validator checks nothing needs no call into
//! it.

use std::collections::HashSet;

use super::{Api, Cardinality, FieldType, Message};

impl Api {
    /// Whether validating the message `full_name` can report a violation: it has rules of its
    /// own (field rules, CEL or predefined rules, a required oneof, message-level oneof or CEL rules), or a field, list
    /// item or map value of it holds a message that does. A type generated elsewhere
    /// (`extern_path`) counts as checked: its validator is not known here.
    pub fn has_checks(&self, full_name: &str) -> bool {
        self.extern_type(full_name).is_some()
            || self
                .checked
                .get_or_init(|| checked_messages(self))
                .contains(full_name)
    }
}

/// Rules of the message itself, not counting what its embedded messages check.
fn own_rules(message: &Message) -> bool {
    message
        .fields
        .iter()
        .any(|f| !f.rules.is_empty() || !f.cel.is_empty() || !f.predefined.is_empty())
        || message.oneofs.iter().any(|o| o.required)
        || !message.message_oneofs.is_empty()
        || !message.cel.is_empty()
}

/// The full names of the checked messages: those with rules, then, until nothing changes,
/// those embedding a checked message (recursive messages included).
fn checked_messages(api: &Api) -> HashSet<String> {
    let validated: Vec<&Message> = api
        .packages
        .iter()
        .flat_map(|p| &p.messages)
        .filter(|m| !m.validation_disabled && !m.validation_ignored)
        .collect();
    let mut checked: HashSet<String> = validated
        .iter()
        .filter(|m| own_rules(m))
        .map(|m| m.full_name.clone())
        .collect();
    loop {
        let before = checked.len();
        for message in &validated {
            if checked.contains(&message.full_name) {
                continue;
            }
            let embeds_checked = message.fields.iter().any(|f| {
                let value = match &f.cardinality {
                    Cardinality::Map(_, value) => value,
                    _ => &f.ty,
                };
                matches!(value, FieldType::Message(m)
                    if api.extern_type(m).is_some() || checked.contains(m))
            });
            if embeds_checked {
                checked.insert(message.full_name.clone());
            }
        }
        if checked.len() == before {
            return checked;
        }
    }
}
