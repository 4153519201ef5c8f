//! Editions files (`edition = "2023"`) read as the proto2 files they are equivalent to, since
//! the descriptor library protogate builds on reads proto2 and proto3 only: each field's
//! resolved features become proto2 spellings — explicit presence `optional`,
//! `LEGACY_REQUIRED` `required`, `DELIMITED` messages groups, packed repeated scalars
//! `[packed = true]`. Implicit presence has no proto2 spelling and is reported as an error
//! naming the field.

use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, ReflectMessage, Value};

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

/// Why an editions file cannot be read as proto2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bytes are not a descriptor set.
    #[error("not a serialized FileDescriptorSet: {0}")]
    Decode(#[from] prost::DecodeError),
    /// A field relies on implicit presence.
    #[error(
        "field `{0}` has implicit presence (`features.field_presence = IMPLICIT`), which protogate cannot read in an editions file yet"
    )]
    ImplicitPresence(String),
}

/// The set with every editions file rewritten as proto2; other files are kept byte for byte.
/// `None` when there is no editions file.
pub fn as_proto2(set: &[u8]) -> Result<Option<Vec<u8>>, Error> {
    rewrite(set, &mut Implicit::Refuse)
}

/// A descriptor set rewritten as proto2, with the implicit-presence fields read as explicit.
#[derive(Debug)]
pub struct Proto2Set {
    /// The encoded set.
    pub set: Vec<u8>,
    /// The fields (`pkg.Message.field`) whose implicit presence was read as explicit.
    pub implicit_fields: Vec<String>,
}

/// [`as_proto2`] for a caller that will not validate the messages of implicit-presence fields
/// (a test harness answering them as unsupported): those fields are read with explicit
/// presence and listed instead of refused.
pub fn as_proto2_listing_implicit(set: &[u8]) -> Result<Option<Proto2Set>, Error> {
    let mut listed = Vec::new();
    let out = rewrite(set, &mut Implicit::List(&mut listed))?;
    Ok(out.map(|set| Proto2Set {
        set,
        implicit_fields: listed,
    }))
}

/// What to do with an implicit-presence field.
enum Implicit<'a> {
    Refuse,
    List(&'a mut Vec<String>),
}

fn rewrite(set: &[u8], implicit: &mut Implicit<'_>) -> Result<Option<Vec<u8>>, Error> {
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
        file.set_field_by_name("syntax", Value::String("proto2".into()));
        file.clear_field_by_name("edition");
        if let Some(Value::List(messages)) = file.get_field_by_name_mut("message_type") {
            for m in messages {
                if let Value::Message(m) = m {
                    rewrite_message(m, &package, &features, implicit)?;
                }
            }
        }
        if let Some(Value::List(fields)) = file.get_field_by_name_mut("extension") {
            for f in fields {
                if let Value::Message(f) = f {
                    rewrite_field(f, &package, &features, implicit)?;
                }
            }
        }
        files.push(file.encode_to_vec());
    }
    Ok(changed.then(|| RawSet { file: files }.encode_to_vec()))
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

fn rewrite_message(
    m: &mut DynamicMessage,
    scope: &str,
    inherited: &Features,
    implicit: &mut Implicit<'_>,
) -> Result<(), Error> {
    let name = format!("{scope}.{}", str_field(m, "name").unwrap_or_default());
    let features = features_over(m, inherited);
    for list in ["field", "extension"] {
        if let Some(Value::List(fields)) = m.get_field_by_name_mut(list) {
            for f in fields {
                if let Value::Message(f) = f {
                    rewrite_field(f, &name, &features, implicit)?;
                }
            }
        }
    }
    if let Some(Value::List(nested)) = m.get_field_by_name_mut("nested_type") {
        for n in nested {
            if let Value::Message(n) = n {
                rewrite_message(n, &name, &features, implicit)?;
            }
        }
    }
    Ok(())
}

fn rewrite_field(
    f: &mut DynamicMessage,
    scope: &str,
    inherited: &Features,
    implicit: &mut Implicit<'_>,
) -> Result<(), Error> {
    let features = features_over(f, inherited);
    let label = int_field(f, "label").unwrap_or(LABEL_OPTIONAL);
    let ty = int_field(f, "type").unwrap_or(0);
    let in_oneof = int_field(f, "oneof_index").is_some();
    if label == LABEL_REPEATED {
        let scalar = !matches!(ty, TYPE_MESSAGE | TYPE_GROUP | TYPE_STRING | TYPE_BYTES);
        if scalar && features.repeated == PACKED {
            set_packed(f);
        }
    } else if !in_oneof && ty != TYPE_MESSAGE {
        match features.presence {
            LEGACY_REQUIRED => f.set_field_by_name("label", Value::EnumNumber(LABEL_REQUIRED)),
            IMPLICIT => {
                let name = format!("{scope}.{}", str_field(f, "name").unwrap_or_default());
                match implicit {
                    Implicit::Refuse => return Err(Error::ImplicitPresence(name)),
                    Implicit::List(listed) => listed.push(name),
                }
            }
            _ => {}
        }
    } else if ty == TYPE_MESSAGE && features.presence == LEGACY_REQUIRED {
        f.set_field_by_name("label", Value::EnumNumber(LABEL_REQUIRED));
    }
    if ty == TYPE_MESSAGE && features.message == DELIMITED {
        f.set_field_by_name("type", Value::EnumNumber(TYPE_GROUP));
    }
    Ok(())
}

fn set_packed(f: &mut DynamicMessage) {
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
    options.set_field_by_name("packed", Value::Bool(true));
    f.set_field(&options_field, Value::Message(options));
}
