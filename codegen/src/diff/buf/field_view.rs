//! What the field rules read of a field or an extension, and which fields pair up: by number
//! within messages of the same full name, extensions by extendee and number.

use prost_reflect::{
    Cardinality, ExtensionDescriptor, FieldDescriptor, Kind, MessageDescriptor, Value,
};
use prost_types::FieldDescriptorProto;

use super::{syntax_of, Cx};
use crate::diag::Location;
use crate::diff::source::path;

/// What the rules read of one field or extension.
pub(super) struct View {
    /// Short name (full name for extensions).
    pub(super) name: String,
    pub(super) full_name: String,
    /// `Field "5" with name "x" on message "M"` (buf's field description).
    pub(super) described: String,
    /// The same without the name (FIELD_SAME_NAME's).
    pub(super) described_nameless: String,
    pub(super) kind: Kind,
    pub(super) is_group: bool,
    pub(super) cardinality: &'static str,
    /// The real oneof it belongs to.
    pub(super) oneof: Option<String>,
    pub(super) json_name: String,
    pub(super) in_map_entry: bool,
    pub(super) is_extension: bool,
    pub(super) default: Value,
    pub(super) proto: FieldDescriptorProto,
    pub(super) path: Vec<i32>,
    pub(super) file: String,
    pub(super) syntax: String,
    /// The map field whose entry declares this field, for its `map<K, V>` span.
    pub(super) map_field_path: Option<Vec<i32>>,
}

fn cardinality(field_list: bool, field_map: bool, c: Cardinality, presence: bool) -> &'static str {
    if field_list {
        "repeated"
    } else if field_map {
        "map"
    } else if c == Cardinality::Required {
        "required"
    } else if presence {
        "optional with explicit presence"
    } else {
        "optional with implicit presence"
    }
}

/// The map field of `entry`'s parent whose type is `entry`.
fn map_field_path(entry: &MessageDescriptor) -> Option<Vec<i32>> {
    if !entry.is_map_entry() {
        return None;
    }
    let parent = entry.parent_message()?;
    let field = parent.fields().find(|f| match f.kind() {
        Kind::Message(m) => m.full_name() == entry.full_name(),
        _ => false,
    })?;
    Some(field.path().to_vec())
}

fn view_field(f: &FieldDescriptor, pool_syntax: String) -> View {
    let parent = f.parent_message().clone();
    let on = format!("on message {:?}", parent.name());
    View {
        name: f.name().to_string(),
        full_name: f.full_name().to_string(),
        described: format!("Field \"{}\" with name {:?} {on}", f.number(), f.name()),
        described_nameless: format!("Field \"{}\" {on}", f.number()),
        kind: f.kind(),
        is_group: f.is_group(),
        cardinality: cardinality(
            f.is_list(),
            f.is_map(),
            f.cardinality(),
            f.supports_presence(),
        ),
        oneof: f
            .containing_oneof()
            .filter(|o| !o.is_synthetic())
            .map(|o| o.name().to_string()),
        json_name: f.json_name().to_string(),
        in_map_entry: parent.is_map_entry(),
        is_extension: false,
        default: f.default_value(),
        proto: f.field_descriptor_proto().clone(),
        path: f.path().to_vec(),
        file: parent.parent_file().name().to_string(),
        syntax: pool_syntax,
        map_field_path: map_field_path(&parent),
    }
}

fn view_extension(x: &ExtensionDescriptor, syntax: String) -> View {
    let extendee = x.containing_message();
    let on = format!("on message {:?}", extendee.full_name());
    View {
        name: x.full_name().to_string(),
        full_name: x.full_name().to_string(),
        described: format!(
            "Extension \"{}\" with name {:?} {on}",
            x.number(),
            x.full_name()
        ),
        described_nameless: format!("Extension \"{}\" {on}", x.number()),
        kind: x.kind(),
        is_group: x.is_group(),
        cardinality: cardinality(
            x.is_list(),
            x.is_map(),
            x.cardinality(),
            x.supports_presence(),
        ),
        oneof: None,
        json_name: x.json_name().to_string(),
        in_map_entry: false,
        is_extension: true,
        default: x.default_value(),
        proto: x.field_descriptor_proto().clone(),
        path: x.path().to_vec(),
        file: x.parent_file().name().to_string(),
        syntax,
        map_field_path: None,
    }
}

/// Every pair of fields (and of extensions) the two versions share.
pub(super) fn pairs(cx: &Cx<'_>) -> Vec<(View, View)> {
    let mut out = Vec::new();
    for (old_msg, new_msg) in cx.message_pairs() {
        let old_syntax = syntax_of(&cx.old.pool, old_msg.parent_file().name());
        let new_syntax = syntax_of(&cx.new.pool, new_msg.parent_file().name());
        for new in new_msg.fields() {
            if let Some(old) = old_msg.get_field(new.number()) {
                out.push((
                    view_field(&old, old_syntax.clone()),
                    view_field(&new, new_syntax.clone()),
                ));
            }
        }
    }
    for new in cx.new.pool.all_extensions() {
        if !cx.compared_new.contains(new.parent_file().name()) {
            continue;
        }
        let extendee = new.containing_message();
        let old = cx.old.pool.all_extensions().find(|o| {
            o.number() == new.number()
                && o.containing_message().full_name() == extendee.full_name()
                && cx.compared_old.contains(o.parent_file().name())
        });
        if let Some(old) = old {
            let old_syntax = syntax_of(&cx.old.pool, old.parent_file().name());
            let new_syntax = syntax_of(&cx.new.pool, new.parent_file().name());
            out.push((
                view_extension(&old, old_syntax),
                view_extension(&new, new_syntax),
            ));
        }
    }
    out
}

impl View {
    pub(super) fn kind_name(&self) -> &'static str {
        if self.is_group {
            return "group";
        }
        match self.kind {
            Kind::Double => "double",
            Kind::Float => "float",
            Kind::Int64 => "int64",
            Kind::Uint64 => "uint64",
            Kind::Int32 => "int32",
            Kind::Fixed64 => "fixed64",
            Kind::Fixed32 => "fixed32",
            Kind::Bool => "bool",
            Kind::String => "string",
            Kind::Message(_) => "message",
            Kind::Bytes => "bytes",
            Kind::Uint32 => "uint32",
            Kind::Enum(_) => "enum",
            Kind::Sfixed32 => "sfixed32",
            Kind::Sfixed64 => "sfixed64",
            Kind::Sint32 => "sint32",
            Kind::Sint64 => "sint64",
        }
    }

    pub(super) fn type_name(&self) -> Option<String> {
        match &self.kind {
            Kind::Message(m) => Some(m.full_name().to_string()),
            Kind::Enum(e) => Some(e.full_name().to_string()),
            _ => None,
        }
    }

    pub(super) fn sub(&self, more: &[i32]) -> Vec<i32> {
        let mut p = self.path.clone();
        p.extend_from_slice(more);
        p
    }

    /// Where the type is written: the type name for messages, enums and groups, else the
    /// type keyword; in a map entry, the `map<K, V>` of its map field.
    pub(super) fn type_location(&self, cx: &Cx<'_>) -> Location {
        let field = if self.type_name().is_some() {
            path::FIELD_TYPE_NAME
        } else {
            path::FIELD_TYPE
        };
        let own = self.sub(&[field]);
        if let Some(spans) = cx.new_spans(&self.file) {
            if spans.has(&own) {
                return spans.at(&own);
            }
            if let Some(map_field) = &self.map_field_path {
                let mut p = map_field.clone();
                p.push(path::FIELD_TYPE_NAME);
                return spans.first(&[p.as_slice(), map_field.as_slice()]);
            }
            return spans.at(&self.path);
        }
        cx.at_new(&self.file, &own)
    }

    pub(super) fn location(&self, cx: &Cx<'_>) -> Location {
        cx.at_new(&self.file, &self.path)
    }

    /// The first of `paths` under this field that the source info has, else the field.
    pub(super) fn first_of(&self, cx: &Cx<'_>, subs: &[&[i32]]) -> Location {
        let Some(spans) = cx.new_spans(&self.file) else {
            return self.location(cx);
        };
        for s in subs {
            let p = self.sub(s);
            if spans.has(&p) {
                return spans.at(&p);
            }
        }
        spans.at(&self.path)
    }
}
