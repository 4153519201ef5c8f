//! Builds the [`Api`] from a descriptor pool: services, messages, rules, bindings, docs, locations.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use prost_reflect::{
    DescriptorPool, EnumDescriptor, ExtensionDescriptor, FieldDescriptor, FileDescriptor, Kind,
    MessageDescriptor, ServiceDescriptor, Value,
};

use super::rules::{
    family_of_kind, read_field_rules, read_pv_field_rules, read_pv_message_rules, Dialect,
};
use super::*;
use crate::diag::{Diagnostics, Location};
use crate::load::ProtoInput;
use crate::names;
use crate::source::proto::Spans;

mod custom_options;
mod methods;
mod modules;
mod predefined;

use custom_options::custom_options;

/// Extension names the model reads.
const HTTP: &str = "google.api.http";
const FIELD_BEHAVIOR: &str = "google.api.field_behavior";
const PGV_RULES: &str = "validate.rules";
const PGV_DISABLED: &str = "validate.disabled";
const PGV_IGNORED: &str = "validate.ignored";
const PGV_ONEOF_REQUIRED: &str = "validate.required";
const PGV_FILE: &str = "validate/validate.proto";
const PV_FILE: &str = "buf/validate/validate.proto";
const PV_FIELD: &str = "buf.validate.field";
const PV_MESSAGE: &str = "buf.validate.message";
const PV_ONEOF: &str = "buf.validate.oneof";
const PV_PREDEFINED: &str = "buf.validate.predefined";
const OPENAPI_OPERATION: &str = "grpc.gateway.protoc_gen_openapiv2.options.openapiv2_operation";

/// Settings that change what the model reads.
#[derive(Debug, Clone)]
pub struct ModelOptions {
    /// The method option that carries the permission (a message with `permission` and
    /// optionally `check_field_name`).
    pub auth_option: String,
    /// What a validation rule the generated validators cannot enforce is: an error (the
    /// default: validation never fails open) or, when opted out, a warning.
    pub unenforced_rules: UnenforcedRules,
}

impl Default for ModelOptions {
    fn default() -> Self {
        ModelOptions {
            auth_option: "zitadel.v1.auth_option".to_string(),
            unenforced_rules: UnenforcedRules::Deny,
        }
    }
}

/// The policy for rules protogate reads but cannot enforce (`rule-unsupported`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UnenforcedRules {
    /// A generation error: a server never runs without a rule its schema declares.
    #[default]
    Deny,
    /// A warning: the rule is left to the handler (`Builder::allow_unenforced_rules`,
    /// `protogate gen --allow-unenforced-rules`).
    Warn,
}

/// Builds the model. Problems with individual options are diagnostics, not failures.
pub fn build(input: &ProtoInput, options: &ModelOptions, diags: &mut Diagnostics) -> Api {
    let builder = Builder::new(input, options);
    let files = emitted_files(input);
    let mut packages: BTreeMap<String, Package> = BTreeMap::new();
    for file in &files {
        let package = packages
            .entry(file.package_name().to_string())
            .or_insert_with(|| Package {
                name: file.package_name().to_string(),
                ..Package::default()
            });
        package.files.push(file.name().to_string());
        let file_options = custom_options(&file.options());
        if !file_options.is_empty() {
            package
                .file_options
                .push((file.name().to_string(), file_options));
        }
        for service in file.services() {
            package.services.push(builder.service(&service, diags));
        }
        for message in file.messages() {
            builder.message_tree(&message, package, diags);
        }
        for e in file.enums() {
            package.enums.push(builder.enumeration(&e));
        }
    }
    modules::package_collisions(&builder, &files, diags);
    modules::nested_collisions(&builder, &files, diags);
    modules::protogate_file_collisions(&builder, &files, diags);
    Api::new(packages.into_values().collect())
}

/// The files that get code: the roots, and every file defining a type they reach.
/// The well-known types come from pbjson-types and `google.api.HttpBody` from the runtime: they
/// are never emitted.
pub fn emitted_files(input: &ProtoInput) -> Vec<FileDescriptor> {
    let pool = &input.pool;
    // prost-build emits whole packages, so reaching one file of a package brings all of them,
    // and what those files reference must be reached too.
    let mut packages: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<MessageDescriptor> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut enter = |package: &str, stack: &mut Vec<MessageDescriptor>| {
        if package.starts_with("google.protobuf") || !packages.insert(package.to_string()) {
            return;
        }
        for file in pool.files().filter(|f| f.package_name() == package) {
            stack.extend(file.messages());
            for s in file.services() {
                for m in s.methods() {
                    stack.push(m.input());
                    stack.push(m.output());
                }
            }
        }
    };
    for name in &input.roots {
        if let Some(file) = pool.get_file_by_name(name) {
            enter(file.package_name(), &mut stack);
        }
    }
    while let Some(m) = stack.pop() {
        if m.full_name() == super::HTTP_BODY || !seen.insert(m.full_name().to_string()) {
            continue;
        }
        enter(m.package_name(), &mut stack);
        stack.extend(m.child_messages());
        for f in m.fields() {
            match f.kind() {
                Kind::Message(inner) => stack.push(inner),
                Kind::Enum(e) => enter(e.package_name(), &mut stack),
                _ => {}
            }
        }
    }
    let mut files: Vec<FileDescriptor> = pool
        .files()
        .filter(|f| packages.contains(f.package_name()))
        .collect();
    // By name, so the output does not depend on how the input was compiled.
    files.sort_by(|a, b| a.name().cmp(b.name()));
    files
}

struct Builder<'a> {
    input: &'a ProtoInput,
    http: Option<ExtensionDescriptor>,
    behavior: Option<ExtensionDescriptor>,
    rules: Option<ExtensionDescriptor>,
    disabled: Option<ExtensionDescriptor>,
    ignored: Option<ExtensionDescriptor>,
    oneof_required: Option<ExtensionDescriptor>,
    pv_field: Option<ExtensionDescriptor>,
    pv_message: Option<ExtensionDescriptor>,
    pv_oneof: Option<ExtensionDescriptor>,
    operation: Option<ExtensionDescriptor>,
    auth: Option<ExtensionDescriptor>,
    /// Per file (by proto name): where its elements are written, and their comments.
    sources: HashMap<String, Spans>,
}

impl<'a> Builder<'a> {
    fn new(input: &'a ProtoInput, options: &'a ModelOptions) -> Builder<'a> {
        let pool: &DescriptorPool = &input.pool;
        let ext = |n: &str| pool.get_extension_by_name(n);
        let sources = pool
            .files()
            .map(|file| {
                let shown = input.display_path(file.name());
                let spans = Spans::of(file.file_descriptor_proto(), shown);
                (file.name().to_string(), spans)
            })
            .collect();
        Builder {
            input,
            http: ext(HTTP),
            behavior: ext(FIELD_BEHAVIOR),
            rules: ext(PGV_RULES),
            disabled: ext(PGV_DISABLED),
            ignored: ext(PGV_IGNORED),
            oneof_required: ext(PGV_ONEOF_REQUIRED),
            pv_field: ext(PV_FIELD),
            pv_message: ext(PV_MESSAGE),
            pv_oneof: ext(PV_ONEOF),
            operation: ext(OPENAPI_OPERATION),
            auth: ext(&options.auth_option),
            sources,
        }
    }

    /// Which validation dialect the messages of `file` follow.
    fn dialect_of(&self, file: &FileDescriptor) -> Dialect {
        let imports = |f: &FileDescriptor, name: &str| f.dependencies().any(|d| d.name() == name);
        let (pgv, pv) = (PGV_FILE, PV_FILE);
        match (imports(file, pgv), imports(file, pv)) {
            (false, true) => Dialect::Protovalidate,
            (true, _) => Dialect::Pgv,
            (false, false) => {
                let pool = &self.input.pool;
                let any = |name: &str| pool.files().any(|f| imports(&f, name));
                if any(pv) && !any(pgv) {
                    Dialect::Protovalidate
                } else {
                    Dialect::Pgv
                }
            }
        }
    }

    /// The location of `path` in `file`, or of its nearest ancestor with one.
    fn locate(&self, file: &FileDescriptor, path: &[i32]) -> Location {
        self.sources
            .get(file.name())
            .and_then(|spans| spans.nearest(path))
            .unwrap_or_else(|| Location::new(self.input.display_path(file.name()), 0, 0))
    }

    fn docs(&self, file: &FileDescriptor, path: &[i32]) -> Docs {
        let text = self
            .sources
            .get(file.name())
            .map_or("", |spans| spans.leading(path));
        let lines: Vec<&str> = text
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end())
            .collect();
        Docs {
            text: lines.join("\n").trim().to_string(),
        }
    }

    fn service(&self, service: &ServiceDescriptor, diags: &mut Diagnostics) -> Service {
        let file = service.parent_file();
        Service {
            name: service.name().to_string(),
            full_name: service.full_name().to_string(),
            package: service.package_name().to_string(),
            methods: service.methods().map(|m| self.method(&m, diags)).collect(),
            docs: self.docs(&file, service.path()),
            location: self.locate(&file, service.path()),
            base_path: self.base_path(&file),
            path_prefix: String::new(),
        }
    }

    fn message_tree(
        &self,
        message: &MessageDescriptor,
        package: &mut Package,
        diags: &mut Diagnostics,
    ) {
        if message.is_map_entry() {
            return;
        }
        package.messages.push(self.message(message, diags));
        for e in message.child_enums() {
            package.enums.push(self.enumeration(&e));
        }
        for child in message.child_messages() {
            self.message_tree(&child, package, diags);
        }
    }

    fn message(&self, message: &MessageDescriptor, diags: &mut Diagnostics) -> Message {
        let file = message.parent_file();
        let options = message.options();
        let flag = |ext: &Option<ExtensionDescriptor>| {
            ext.as_ref()
                .filter(|e| options.has_extension(e))
                .and_then(|e| options.get_extension(e).as_bool())
                .unwrap_or(false)
        };
        let fields: Vec<Field> = message.fields().map(|f| self.field(&f, diags)).collect();
        let oneofs = message
            .oneofs()
            .filter(|o| !o.is_synthetic())
            .map(|o| {
                let opts = o.options();
                let required = self
                    .oneof_required
                    .as_ref()
                    .filter(|e| opts.has_extension(e))
                    .and_then(|e| opts.get_extension(e).as_bool())
                    .unwrap_or(false);
                let pv_required = self
                    .pv_oneof
                    .as_ref()
                    .filter(|e| opts.has_extension(e))
                    .and_then(|e| match &*opts.get_extension(e) {
                        Value::Message(m) => m.get_field_by_name("required")?.as_bool(),
                        _ => None,
                    })
                    .unwrap_or(false);
                Oneof {
                    name: o.name().to_string(),
                    required: required || pv_required,
                    fields: o.fields().map(|f| f.name().to_string()).collect(),
                    dialect: if pv_required && !required {
                        Dialect::Protovalidate
                    } else {
                        Dialect::Pgv
                    },
                }
            })
            .collect();
        let mut message_oneofs = Vec::new();
        let mut message_cel = Vec::new();
        if let Some(ext) = self
            .pv_message
            .as_ref()
            .filter(|e| options.has_extension(e))
        {
            if let Value::Message(m) = &*options.get_extension(ext) {
                let locate = |rest: &[i32]| {
                    let mut p = message.path().to_vec();
                    p.push(7); // DescriptorProto.options
                    p.push(ext.number() as i32);
                    p.extend_from_slice(rest);
                    self.locate(&file, &p)
                };
                let (oneofs, unsupported) = read_pv_message_rules(m, &locate);
                message_oneofs = oneofs;
                for rule in unsupported {
                    match rule.as_cel() {
                        Some(cel) => message_cel.push(cel),
                        None => diags.push(rule.diagnostic(message.full_name())),
                    }
                }
            }
        }
        Message {
            name: message.name().to_string(),
            full_name: message.full_name().to_string(),
            package: message.package_name().to_string(),
            rust_path: rust_path(message.full_name(), message.package_name()),
            fields,
            oneofs,
            message_oneofs,
            cel: message_cel,
            validation_disabled: flag(&self.disabled),
            validation_ignored: flag(&self.ignored),
            dialect: self.dialect_of(&file),
            docs: self.docs(&file, message.path()),
            location: self.locate(&file, message.path()),
        }
    }

    fn field(&self, field: &FieldDescriptor, diags: &mut Diagnostics) -> Field {
        let file = field.parent_file();
        let options = field.options();
        let field_path = field.path().to_vec();
        let locate_in = |ext: &ExtensionDescriptor, rest: &[i32]| {
            let mut p = field_path.clone();
            p.push(8); // FieldDescriptorProto.options
            p.push(ext.number() as i32);
            p.extend_from_slice(rest);
            self.locate(&file, &p)
        };
        let mut cel = Vec::new();
        let mut predefined = Vec::new();
        let mut rules = match &self.rules {
            Some(ext) if options.has_extension(ext) => match &*options.get_extension(ext) {
                Value::Message(m) => read_field_rules(m, &|rest| locate_in(ext, rest)),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        if let Some(ext) = self.pv_field.as_ref().filter(|e| options.has_extension(e)) {
            if let Value::Message(m) = &*options.get_extension(ext) {
                let mut unsupported = Vec::new();
                rules.extend(read_pv_field_rules(
                    m,
                    &pv_family(field),
                    &|rule| pv_element_family(field, rule),
                    &|rest| locate_in(ext, rest),
                    &mut unsupported,
                    &mut predefined,
                ));
                for rule in &mut predefined {
                    self.locate_predefined_cel(rule);
                }
                for rule in unsupported {
                    match rule.as_cel() {
                        Some(rule) => cel.push(rule),
                        None => diags.push(rule.diagnostic(field.full_name())),
                    }
                }
            }
        }
        let behavior = self
            .behavior
            .as_ref()
            .filter(|e| options.has_extension(e))
            .map(|e| {
                let value = options.get_extension(e);
                let enum_desc = match e.kind() {
                    Kind::Enum(d) => Some(d),
                    _ => None,
                };
                value
                    .as_list()
                    .map(|l| {
                        l.iter()
                            .filter_map(|v| v.as_enum_number())
                            .map(|n| {
                                enum_desc
                                    .as_ref()
                                    .and_then(|d| d.get_value(n))
                                    .map(|v| v.name().to_string())
                                    .unwrap_or_else(|| n.to_string())
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        let cardinality = if field.is_map() {
            match field.kind() {
                Kind::Message(entry) => Cardinality::Map(
                    field_type(&entry.map_entry_key_field()),
                    field_type(&entry.map_entry_value_field()),
                ),
                _ => Cardinality::Single,
            }
        } else if field.is_list() {
            Cardinality::Repeated
        } else {
            Cardinality::Single
        };
        let proto3_optional = field.field_descriptor_proto().proto3_optional();
        Field {
            name: field.name().to_string(),
            json_name: field.json_name().to_string(),
            number: field.number(),
            ty: field_type(field),
            cardinality,
            // prost-build stores a proto2 `required` field bare, never in an `Option`.
            has_presence: field.supports_presence()
                && field.cardinality() != prost_reflect::Cardinality::Required,
            required_label: field.cardinality() == prost_reflect::Cardinality::Required,
            group: field.is_group(),
            proto3_optional,
            deprecated: field
                .field_descriptor_proto()
                .options
                .as_ref()
                .is_some_and(|o| o.deprecated()),
            oneof: field
                .containing_oneof()
                .filter(|o| !o.is_synthetic())
                .map(|o| o.name().to_string()),
            rules,
            cel,
            predefined,
            behavior,
            options: custom_options(&options),
            docs: self.docs(&file, field.path()),
            location: self.locate(&file, field.path()),
        }
    }

    fn enumeration(&self, e: &EnumDescriptor) -> Enum {
        let file = e.parent_file();
        Enum {
            name: e.name().to_string(),
            full_name: e.full_name().to_string(),
            package: e.package_name().to_string(),
            rust_path: rust_path(e.full_name(), e.package_name()),
            values: e
                .values()
                .map(|v| (v.name().to_string(), v.number()))
                .collect(),
            docs: self.docs(&file, e.path()),
        }
    }
}

/// The Rust path of a type relative to its package module (`Outer.Inner` → `outer::Inner`).
pub fn rust_path(full_name: &str, package: &str) -> String {
    let relative = full_name
        .strip_prefix(package)
        .map(|s| s.trim_start_matches('.'))
        .unwrap_or(full_name);
    let parts: Vec<&str> = relative.split('.').collect();
    let mut out: Vec<String> = parts[..parts.len() - 1]
        .iter()
        .map(|p| names::snake(p))
        .collect();
    out.push(names::upper_camel(parts[parts.len() - 1]));
    out.join("::")
}

fn field_type(field: &FieldDescriptor) -> FieldType {
    match field.kind() {
        Kind::Double => FieldType::Double,
        Kind::Float => FieldType::Float,
        Kind::Int32 => FieldType::Int32,
        Kind::Int64 => FieldType::Int64,
        Kind::Uint32 => FieldType::Uint32,
        Kind::Uint64 => FieldType::Uint64,
        Kind::Sint32 => FieldType::Sint32,
        Kind::Sint64 => FieldType::Sint64,
        Kind::Fixed32 => FieldType::Fixed32,
        Kind::Fixed64 => FieldType::Fixed64,
        Kind::Sfixed32 => FieldType::Sfixed32,
        Kind::Sfixed64 => FieldType::Sfixed64,
        Kind::Bool => FieldType::Bool,
        Kind::String => FieldType::String,
        Kind::Bytes => FieldType::Bytes,
        Kind::Message(m) => FieldType::Message(m.full_name().to_string()),
        Kind::Enum(e) => FieldType::Enum(e.full_name().to_string()),
    }
}

/// Resolves `a.b.c` against a message; every element but the last must be a singular message.
pub fn resolve_field_path(
    message: &MessageDescriptor,
    path: &[String],
) -> Result<FieldDescriptor, String> {
    let mut current = message.clone();
    for (i, name) in path.iter().enumerate() {
        let field = current
            .get_field_by_name(name)
            .ok_or_else(|| format!("`{}` has no field `{name}`", current.full_name()))?;
        if i + 1 == path.len() {
            if field.is_list() || field.is_map() {
                return Err(format!(
                    "field `{name}` is repeated; path variables must be singular"
                ));
            }
            return Ok(field);
        }
        match field.kind() {
            Kind::Message(m) if !field.is_list() => current = m,
            _ => return Err(format!("field `{name}` is not a singular message")),
        }
    }
    Err("empty field path".to_string())
}

/// The protovalidate family of a field's own rules: `repeated`/`map` for collections.
fn pv_family(field: &FieldDescriptor) -> String {
    if field.is_map() {
        "map".into()
    } else if field.is_list() {
        "repeated".into()
    } else {
        family_of_kind(&field.kind())
    }
}

/// The family of the element a nested rule set applies to (`items`, `keys`, `values`).
fn pv_element_family(field: &FieldDescriptor, rule: &str) -> String {
    match (field.kind(), rule) {
        (Kind::Message(entry), "keys") if field.is_map() => {
            family_of_kind(&entry.map_entry_key_field().kind())
        }
        (Kind::Message(entry), "values") if field.is_map() => {
            family_of_kind(&entry.map_entry_value_field().kind())
        }
        (kind, _) => family_of_kind(&kind),
    }
}
