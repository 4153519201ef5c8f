//! The descriptors of the diffed inputs with their source spans ([`Spans`], shared with the
//! checks in [`crate::source::proto`]), and the walks over their messages and enums.

use prost_types::FileDescriptorProto;

use crate::load::ProtoInput;
pub use crate::source::proto::Spans;

/// Field numbers of descriptor paths (descriptor.proto).
pub mod path {
    /// `FileDescriptorProto.package`.
    pub const FILE_PACKAGE: i32 = 2;
    /// `FileDescriptorProto.message_type`.
    pub const FILE_MESSAGE: i32 = 4;
    /// `FileDescriptorProto.enum_type`.
    pub const FILE_ENUM: i32 = 5;
    /// `FileDescriptorProto.service`.
    pub const FILE_SERVICE: i32 = 6;
    /// `FileDescriptorProto.extension`.
    pub const FILE_EXTENSION: i32 = 7;
    /// `FileDescriptorProto.options`.
    pub const FILE_OPTIONS: i32 = 8;
    /// `FileDescriptorProto.syntax`.
    pub const FILE_SYNTAX: i32 = 12;
    /// `FileDescriptorProto.edition`.
    pub const FILE_EDITION: i32 = 14;
    /// `DescriptorProto.name`.
    pub const MESSAGE_NAME: i32 = 1;
    /// `DescriptorProto.field`.
    pub const MESSAGE_FIELD: i32 = 2;
    /// `DescriptorProto.nested_type`.
    pub const MESSAGE_NESTED: i32 = 3;
    /// `DescriptorProto.enum_type`.
    pub const MESSAGE_ENUM: i32 = 4;
    /// `DescriptorProto.extension`.
    pub const MESSAGE_EXTENSION: i32 = 6;
    /// `DescriptorProto.options`.
    pub const MESSAGE_OPTIONS: i32 = 7;
    /// `DescriptorProto.oneof_decl`.
    pub const MESSAGE_ONEOF: i32 = 8;
    /// `DescriptorProto.reserved_range`.
    pub const MESSAGE_RESERVED_RANGE: i32 = 9;
    /// `DescriptorProto.reserved_name`.
    pub const MESSAGE_RESERVED_NAME: i32 = 10;
    /// `FieldDescriptorProto.name`.
    pub const FIELD_NAME: i32 = 1;
    /// `FieldDescriptorProto.extendee`.
    pub const FIELD_EXTENDEE: i32 = 2;
    /// `FieldDescriptorProto.number`.
    pub const FIELD_NUMBER: i32 = 3;
    /// `FieldDescriptorProto.label`.
    pub const FIELD_LABEL: i32 = 4;
    /// `FieldDescriptorProto.type`.
    pub const FIELD_TYPE: i32 = 5;
    /// `FieldDescriptorProto.type_name`.
    pub const FIELD_TYPE_NAME: i32 = 6;
    /// `FieldDescriptorProto.default_value`.
    pub const FIELD_DEFAULT: i32 = 7;
    /// `FieldDescriptorProto.options`.
    pub const FIELD_OPTIONS: i32 = 8;
    /// `FieldDescriptorProto.json_name`.
    pub const FIELD_JSON_NAME: i32 = 10;
    /// `EnumDescriptorProto.value`.
    pub const ENUM_VALUE: i32 = 2;
    /// `EnumDescriptorProto.options`.
    pub const ENUM_OPTIONS: i32 = 3;
    /// `EnumDescriptorProto.reserved_range`.
    pub const ENUM_RESERVED_RANGE: i32 = 4;
    /// `EnumDescriptorProto.reserved_name`.
    pub const ENUM_RESERVED_NAME: i32 = 5;
    /// `EnumValueDescriptorProto.number`.
    pub const ENUM_VALUE_NUMBER: i32 = 2;
    /// `ServiceDescriptorProto.method`.
    pub const SERVICE_METHOD: i32 = 2;
    /// `ServiceDescriptorProto.options`.
    pub const SERVICE_OPTIONS: i32 = 3;
    /// `MethodDescriptorProto.input_type`.
    pub const METHOD_INPUT: i32 = 2;
    /// `MethodDescriptorProto.output_type`.
    pub const METHOD_OUTPUT: i32 = 3;
    /// `MethodDescriptorProto.options`.
    pub const METHOD_OPTIONS: i32 = 4;
    /// `MethodDescriptorProto.client_streaming`.
    pub const METHOD_CLIENT_STREAMING: i32 = 5;
    /// `MethodDescriptorProto.server_streaming`.
    pub const METHOD_SERVER_STREAMING: i32 = 6;
}

/// Every file of an input as descriptor protos, by proto name, with their spans.
pub struct Files {
    /// Proto name → (descriptor, spans), sorted by name.
    pub files: std::collections::BTreeMap<String, (FileDescriptorProto, Spans)>,
    /// The pool, for what descriptors resolve (kinds, presence, JSON names).
    pub pool: prost_reflect::DescriptorPool,
}

impl Files {
    /// The spans of the file `name`.
    pub fn spans(&self, name: &str) -> Option<&Spans> {
        self.files.get(name).map(|(_, s)| s)
    }
}

impl Files {
    /// The files of `input` that were read as inputs: every file of a descriptor set, and of
    /// compiled sources those read from disk (not the well-known types built into the
    /// compiler, which are no more the user's than they are buf's).
    pub fn of(input: &ProtoInput) -> Files {
        let from_disk = !input.display_paths.is_empty();
        let files = input
            .pool
            .files()
            .filter(|f| !from_disk || input.display_paths.contains_key(f.name()))
            .map(|f| {
                let proto = f.file_descriptor_proto().clone();
                let spans = Spans::of(&proto, input.display_path(f.name()));
                (f.name().to_string(), (proto, spans))
            })
            .collect();
        Files {
            files,
            pool: input.pool.clone(),
        }
    }
}

/// A message of a file (nested ones too), with its descriptor path and full name.
pub struct MessageAt<'a> {
    /// The descriptor.
    pub proto: &'a prost_types::DescriptorProto,
    /// Its descriptor path in the file.
    pub path: Vec<i32>,
    /// `pkg.Outer.Inner`.
    pub full_name: String,
}

/// An enum of a file (nested ones too).
pub struct EnumAt<'a> {
    /// The descriptor.
    pub proto: &'a prost_types::EnumDescriptorProto,
    /// Its descriptor path in the file.
    pub path: Vec<i32>,
    /// `pkg.Outer.Kind`.
    pub full_name: String,
}

fn qualify(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    }
}

/// Every message of `file`, parents before their nested messages, in declaration order.
pub fn messages(file: &FileDescriptorProto) -> Vec<MessageAt<'_>> {
    fn walk<'a>(
        list: &'a [prost_types::DescriptorProto],
        scope: &str,
        prefix: &[i32],
        field: i32,
        out: &mut Vec<MessageAt<'a>>,
    ) {
        for (i, m) in list.iter().enumerate() {
            let mut path = prefix.to_vec();
            path.extend([field, i as i32]);
            let full_name = qualify(scope, m.name());
            out.push(MessageAt {
                proto: m,
                path: path.clone(),
                full_name: full_name.clone(),
            });
            walk(&m.nested_type, &full_name, &path, path::MESSAGE_NESTED, out);
        }
    }
    let mut out = Vec::new();
    walk(
        &file.message_type,
        file.package(),
        &[],
        path::FILE_MESSAGE,
        &mut out,
    );
    out
}

/// Every enum of `file`, top-level first, then those nested in messages.
pub fn enums(file: &FileDescriptorProto) -> Vec<EnumAt<'_>> {
    let mut out = Vec::new();
    for (i, e) in file.enum_type.iter().enumerate() {
        out.push(EnumAt {
            proto: e,
            path: vec![path::FILE_ENUM, i as i32],
            full_name: qualify(file.package(), e.name()),
        });
    }
    for m in messages(file) {
        for (i, e) in m.proto.enum_type.iter().enumerate() {
            let mut path = m.path.clone();
            path.extend([path::MESSAGE_ENUM, i as i32]);
            out.push(EnumAt {
                proto: e,
                path,
                full_name: qualify(&m.full_name, e.name()),
            });
        }
    }
    out
}

/// `path` followed by `more`.
pub fn child(path: &[i32], more: &[i32]) -> Vec<i32> {
    let mut out = path.to_vec();
    out.extend_from_slice(more);
    out
}
