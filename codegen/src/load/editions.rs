//! Editions files (`edition = "2023"`) read as the proto2 or proto3 files they are equivalent
//! to, since the descriptor library protogate builds on reads proto2 and proto3 only. Each
//! field's resolved features (file defaults, then message, then field overrides) become the
//! spellings of the older syntax: `LEGACY_REQUIRED` a `required` label, `DELIMITED` messages
//! groups, the repeated encoding an explicit `packed` option. A file without implicit-presence
//! fields becomes proto2 (explicit presence is proto2's `optional`); a file with some becomes
//! proto3, where implicit presence is the plain field and explicit presence on a scalar is a
//! proto3 `optional` (a synthetic oneof), so prost stores each as the syntax it came from would.

use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, ReflectMessage, Value};

/// `FeatureSet.FieldPresence`.
const EXPLICIT: i32 = 1;
const IMPLICIT: i32 = 2;
const LEGACY_REQUIRED: i32 = 3;
/// `FeatureSet.RepeatedFieldEncoding.PACKED`.
const PACKED: i32 = 1;
/// `FeatureSet.MessageEncoding.DELIMITED`.
const DELIMITED: i32 = 2;
/// `FieldDescriptorProto.Label`.
const LABEL_OPTIONAL: i32 = 1;
const LABEL_REQUIRED: i32 = 2;
const LABEL_REPEATED: i32 = 3;
/// `FieldDescriptorProto.Type`.
const TYPE_GROUP: i32 = 10;
const TYPE_MESSAGE: i32 = 11;
const TYPE_STRING: i32 = 9;
const TYPE_BYTES: i32 = 12;

/// Why an editions file cannot be read as proto2 or proto3.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bytes are not a descriptor set.
    #[error("not a serialized FileDescriptorSet: {0}")]
    Decode(#[from] prost::DecodeError),
    /// A file needs proto3 (it has implicit-presence fields) but declares an enum proto3
    /// cannot hold: a closed enum whose first value is not zero.
    #[error(
        "enum `{0}` starts at a value other than zero, which protogate cannot read in an editions file that also has implicit-presence fields"
    )]
    ClosedEnumWithImplicitPresence(String),
}

/// The set with every editions file rewritten as proto2 or proto3; other files are kept byte
/// for byte. `None` when there is no editions file.
pub fn without_editions(set: &[u8]) -> Result<Option<Vec<u8>>, Error> {
    let pool = DescriptorPool::global();
    let Some(file_desc) = pool.get_message_by_name("google.protobuf.FileDescriptorProto") else {
        return Ok(None);
    };
    let raw = RawSet::decode(set)?;
    let mut changed = false;
    let mut files = Vec::with_capacity(raw.file.len());
    for bytes in raw.file {
        let mut file = DynamicMessage::decode(file_desc.clone(), bytes.as_slice())?;
        if str_field(&file, "syntax") != Some("editions") {
            files.push(bytes);
            continue;
        }
        changed = true;
        let package = str_field(&file, "package").unwrap_or_default().to_string();
        let features = features_of(&file);
        let syntax = if list(&file, "message_type").any(|m| has_implicit_field(m, &features)) {
            check_enums_start_at_zero(&file, &package)?;
            Syntax::Proto3
        } else {
            Syntax::Proto2
        };
        file.set_field_by_name("syntax", Value::String(syntax.name().into()));
        file.clear_field_by_name("edition");
        if let Some(Value::List(messages)) = file.get_field_by_name_mut("message_type") {
            for m in messages {
                if let Value::Message(m) = m {
                    rewrite_message(m, &features, syntax);
                }
            }
        }
        if let Some(Value::List(fields)) = file.get_field_by_name_mut("extension") {
            for f in fields {
                if let Value::Message(f) = f {
                    rewrite_field(f, &features, syntax, Scope::Extension);
                }
            }
        }
        files.push(file.encode_to_vec());
    }
    Ok(changed.then(|| RawSet { file: files }.encode_to_vec()))
}

/// The syntax an editions file is rewritten in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Proto2,
    Proto3,
}

impl Syntax {
    fn name(self) -> &'static str {
        match self {
            Syntax::Proto2 => "proto2",
            Syntax::Proto3 => "proto3",
        }
    }
}

/// Where a field is declared: a message's field, or an extension (which has no oneof).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Message,
    Extension,
}

/// A descriptor set with its files kept encoded.
#[derive(Clone, PartialEq, prost::Message)]
struct RawSet {
    #[prost(bytes = "vec", repeated, tag = "1")]
    file: Vec<Vec<u8>>,
}

/// The features that apply below a scope: presence, repeated encoding, message encoding.
#[derive(Clone, Copy)]
struct Features {
    presence: i32,
    repeated: i32,
    message: i32,
}

impl Default for Features {
    /// Edition 2023's defaults.
    fn default() -> Features {
        Features {
            presence: EXPLICIT,
            repeated: PACKED,
            message: 1,
        }
    }
}

/// The messages of a repeated message field (`message_type`, `nested_type`, `field`, …).
fn list<'m>(m: &'m DynamicMessage, name: &str) -> impl Iterator<Item = &'m DynamicMessage> {
    let items = match m.descriptor().get_field_by_name(name) {
        Some(field) if m.has_field(&field) => match m.get_field(&field) {
            std::borrow::Cow::Borrowed(Value::List(items)) => items.as_slice(),
            _ => &[],
        },
        _ => &[],
    };
    items.iter().filter_map(|v| match v {
        Value::Message(m) => Some(m),
        _ => None,
    })
}

/// Whether a singular field outside a oneof, with these features, has implicit presence.
fn is_implicit(f: &DynamicMessage, features: &Features) -> bool {
    let label = int_field(f, "label").unwrap_or(LABEL_OPTIONAL);
    let ty = int_field(f, "type").unwrap_or(0);
    label != LABEL_REPEATED
        && !matches!(ty, TYPE_MESSAGE | TYPE_GROUP)
        && int_field(f, "oneof_index").is_none()
        && features.presence == IMPLICIT
}

/// Whether `m` or a message nested in it has a field with implicit presence.
fn has_implicit_field(m: &DynamicMessage, inherited: &Features) -> bool {
    let features = features_over(m, inherited);
    list(m, "field").any(|f| is_implicit(f, &features_over(f, &features)))
        || list(m, "nested_type").any(|n| has_implicit_field(n, &features))
}

/// Refuses a file whose enums proto3 cannot hold (a first value other than zero).
fn check_enums_start_at_zero(file: &DynamicMessage, package: &str) -> Result<(), Error> {
    fn check(enums: Vec<&DynamicMessage>, scope: &str) -> Result<(), Error> {
        for e in enums {
            let first = list(e, "value").next();
            if first.is_some_and(|v| int_field(v, "number").unwrap_or(0) != 0) {
                let name = str_field(e, "name").unwrap_or_default();
                return Err(Error::ClosedEnumWithImplicitPresence(format!(
                    "{scope}.{name}"
                )));
            }
        }
        Ok(())
    }
    fn walk(m: &DynamicMessage, scope: &str) -> Result<(), Error> {
        let name = format!("{scope}.{}", str_field(m, "name").unwrap_or_default());
        check(list(m, "enum_type").collect(), &name)?;
        list(m, "nested_type").try_for_each(|n| walk(n, &name))
    }
    check(list(file, "enum_type").collect(), package)?;
    list(file, "message_type").try_for_each(|m| walk(m, package))
}

fn str_field<'m>(m: &'m DynamicMessage, name: &str) -> Option<&'m str> {
    let field = m.descriptor().get_field_by_name(name)?;
    if !m.has_field(&field) {
        return None;
    }
    match m.get_field(&field) {
        std::borrow::Cow::Borrowed(Value::String(s)) => Some(s.as_str()),
        _ => None,
    }
}

fn int_field(m: &DynamicMessage, name: &str) -> Option<i32> {
    let field = m.descriptor().get_field_by_name(name)?;
    if !m.has_field(&field) {
        return None;
    }
    match m.get_field(&field).as_ref() {
        Value::EnumNumber(n) | Value::I32(n) => Some(*n),
        _ => None,
    }
}

/// The features a descriptor (`options.features`) sets over `inherited`.
fn features_over(m: &DynamicMessage, inherited: &Features) -> Features {
    let mut out = *inherited;
    let options = match m.get_field_by_name("options").as_deref() {
        Some(Value::Message(o)) => o.clone(),
        _ => return out,
    };
    let features = match options.get_field_by_name("features").as_deref() {
        Some(Value::Message(f)) => f.clone(),
        _ => return out,
    };
    if let Some(n) = int_field(&features, "field_presence") {
        out.presence = n;
    }
    if let Some(n) = int_field(&features, "repeated_field_encoding") {
        out.repeated = n;
    }
    if let Some(n) = int_field(&features, "message_encoding") {
        out.message = n;
    }
    out
}

fn features_of(file: &DynamicMessage) -> Features {
    features_over(file, &Features::default())
}

fn rewrite_message(m: &mut DynamicMessage, inherited: &Features, syntax: Syntax) {
    let features = features_over(m, inherited);
    let taken: Vec<String> = list(m, "field")
        .chain(list(m, "oneof_decl"))
        .filter_map(|d| str_field(d, "name").map(str::to_string))
        .collect();
    let mut synthetic = Vec::new();
    let first_synthetic = list(m, "oneof_decl").count();
    if let Some(Value::List(fields)) = m.get_field_by_name_mut("field") {
        for f in fields {
            if let Value::Message(f) = f {
                if rewrite_field(f, &features, syntax, Scope::Message) {
                    let index = (first_synthetic + synthetic.len()) as i32;
                    f.set_field_by_name("oneof_index", Value::I32(index));
                    f.set_field_by_name("proto3_optional", Value::Bool(true));
                    let name = str_field(f, "name").unwrap_or_default();
                    synthetic.push(synthetic_oneof_name(name, &taken));
                }
            }
        }
    }
    if let Some(Value::List(fields)) = m.get_field_by_name_mut("extension") {
        for f in fields {
            if let Value::Message(f) = f {
                rewrite_field(f, &features, syntax, Scope::Extension);
            }
        }
    }
    if !synthetic.is_empty() {
        add_oneofs(m, synthetic);
    }
    if let Some(Value::List(nested)) = m.get_field_by_name_mut("nested_type") {
        for n in nested {
            if let Value::Message(n) = n {
                rewrite_message(n, &features, syntax);
            }
        }
    }
}

/// The name protoc gives the synthetic oneof of a proto3 `optional` field: `_name`, prefixed
/// with `X` until no field or oneof of the message has it.
fn synthetic_oneof_name(field: &str, taken: &[String]) -> String {
    let mut name = if field.starts_with('_') {
        field.to_string()
    } else {
        format!("_{field}")
    };
    while taken.contains(&name) {
        name.insert(0, 'X');
    }
    name
}

/// Appends one `OneofDescriptorProto` per name to `m`'s `oneof_decl`.
fn add_oneofs(m: &mut DynamicMessage, names: Vec<String>) {
    let Some(oneof_desc): Option<MessageDescriptor> = m
        .descriptor()
        .get_field_by_name("oneof_decl")
        .and_then(|f| f.kind().as_message().cloned())
    else {
        return;
    };
    let mut oneofs = match m.get_field_by_name("oneof_decl").as_deref() {
        Some(Value::List(items)) => items.clone(),
        _ => Vec::new(),
    };
    for name in names {
        let mut oneof = DynamicMessage::new(oneof_desc.clone());
        oneof.set_field_by_name("name", Value::String(name));
        oneofs.push(Value::Message(oneof));
    }
    m.set_field_by_name("oneof_decl", Value::List(oneofs));
}

/// Rewrites one field in `syntax`; true when it is a proto3 scalar with explicit presence,
/// which needs a synthetic oneof.
fn rewrite_field(
    f: &mut DynamicMessage,
    inherited: &Features,
    syntax: Syntax,
    scope: Scope,
) -> bool {
    let features = features_over(f, inherited);
    let label = int_field(f, "label").unwrap_or(LABEL_OPTIONAL);
    let ty = int_field(f, "type").unwrap_or(0);
    let in_oneof = int_field(f, "oneof_index").is_some();
    let delimited = ty == TYPE_MESSAGE && features.message == DELIMITED;
    let mut synthetic_oneof = false;
    if label == LABEL_REPEATED {
        let scalar = !matches!(ty, TYPE_MESSAGE | TYPE_GROUP | TYPE_STRING | TYPE_BYTES);
        if scalar {
            set_packed(f, features.repeated == PACKED);
        }
    } else if features.presence == LEGACY_REQUIRED && !in_oneof {
        f.set_field_by_name("label", Value::EnumNumber(LABEL_REQUIRED));
    } else if syntax == Syntax::Proto3
        && scope == Scope::Message
        && features.presence == EXPLICIT
        && !in_oneof
        && (ty != TYPE_MESSAGE || delimited)
    {
        // prost stores a proto3 group bare, like a scalar, unless it is `optional`.
        synthetic_oneof = true;
    }
    if delimited {
        f.set_field_by_name("type", Value::EnumNumber(TYPE_GROUP));
    }
    synthetic_oneof
}

fn set_packed(f: &mut DynamicMessage, packed: bool) {
    let Some(options_field) = f.descriptor().get_field_by_name("options") else {
        return;
    };
    let Some(options_desc) = options_field.kind().as_message().cloned() else {
        return;
    };
    let mut options = match f.get_field(&options_field).as_ref() {
        Value::Message(o) if f.has_field(&options_field) => o.clone(),
        _ => DynamicMessage::new(options_desc),
    };
    options.set_field_by_name("packed", Value::Bool(packed));
    f.set_field(&options_field, Value::Message(options));
}
