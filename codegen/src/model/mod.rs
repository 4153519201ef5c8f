//! The one intermediate representation every check and emitter reads.

pub mod build;
mod checked;
mod externs;
pub mod http;
pub mod predefined;
pub mod query;
pub mod rules;

use crate::diag::Location;
pub use http::{HttpBinding, PathTemplate, TemplateSegment};
pub use predefined::{ElementKind, PredefinedRule, RuleLiteral, RulesField};
pub use query::QueryParam;
pub use rules::{
    CelRule, Dialect, Element, Format, Limit, Meaning, Measure, Rule, RuleValue, Side, TextRule,
};

/// The whole API: what the generator emits code for.
#[derive(Debug, Clone, Default)]
pub struct Api {
    /// Packages that get code, sorted by name.
    pub packages: Vec<Package>,
    /// The REST base path the routes are served under (`/auth/v1`; empty for none): the
    /// OpenAPI document's server path, else the proto's `openapiv2_swagger.base_path`.
    pub base_path: String,
    /// Full name → (package index, message index), for lookups in large schemas.
    messages_by_name: std::collections::HashMap<String, (usize, usize)>,
    /// Full name → (package index, enum index).
    enums_by_name: std::collections::HashMap<String, (usize, usize)>,
    /// Full name → Rust path of the types generated elsewhere (`extern_path`).
    extern_types: std::collections::HashMap<String, String>,
    /// The messages whose validators can report a violation, found on first use
    /// ([`Api::has_checks`]).
    checked: std::sync::OnceLock<std::collections::HashSet<String>>,
}

/// The full name of `google.api.HttpBody`.
pub const HTTP_BODY: &str = "google.api.HttpBody";

impl Api {
    /// An API of these packages.
    pub fn new(packages: Vec<Package>) -> Api {
        let mut api = Api {
            packages,
            ..Api::default()
        };
        for (p, package) in api.packages.iter().enumerate() {
            for (m, message) in package.messages.iter().enumerate() {
                api.messages_by_name
                    .insert(message.full_name.clone(), (p, m));
            }
            for (e, enumeration) in package.enums.iter().enumerate() {
                api.enums_by_name
                    .insert(enumeration.full_name.clone(), (p, e));
            }
        }
        api
    }

    /// Every service of every package.
    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.packages.iter().flat_map(|p| p.services.iter())
    }

    /// Places every service's routes under the API's REST base path `base` (the document's
    /// server path): a service whose own base path extends `base` keeps the rest as the prefix
    /// of its routes, so services with different base paths (`/admin/v1`, `/auth/v1`) share one
    /// document and one port. A service under another base path, or none, gets no prefix.
    pub fn place_services(&mut self, base: &str) {
        for service in self.packages.iter_mut().flat_map(|p| p.services.iter_mut()) {
            let prefix = service
                .base_path
                .strip_prefix(base)
                .filter(|rest| rest.is_empty() || rest.starts_with('/'))
                .unwrap_or("")
                .to_string();
            for binding in service.methods.iter_mut().flat_map(|m| m.http.iter_mut()) {
                binding.path_prefix = prefix.clone();
            }
            service.path_prefix = prefix;
        }
    }

    /// The REST base path the services share: theirs when they all declare the same one (see
    /// [`Service::base_path`]), else none.
    pub fn shared_base_path(&self) -> String {
        let mut bases = self.services().map(|s| s.base_path.as_str());
        let first = bases.next().unwrap_or("");
        match bases.all(|b| b == first) {
            true => first.to_string(),
            false => String::new(),
        }
    }

    /// Every message of every package, nested ones included.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.packages.iter().flat_map(|p| p.messages.iter())
    }

    /// The message with this full name (no leading dot).
    pub fn message(&self, full_name: &str) -> Option<&Message> {
        let (p, m) = self.messages_by_name.get(full_name)?;
        self.packages.get(*p)?.messages.get(*m)
    }

    /// Whether the message `full_name`, or its field `field` when one is named, is
    /// `google.api.HttpBody` (`*` names the whole message): REST then carries raw bytes in the
    /// body's own content type rather than JSON.
    pub fn is_http_body(&self, full_name: &str, field: Option<&str>) -> bool {
        match field {
            None | Some("*") => full_name == HTTP_BODY,
            Some(field) => self
                .message(full_name)
                .and_then(|m| m.field(field))
                .is_some_and(Field::is_http_body),
        }
    }

    /// The enum with this full name.
    pub fn enumeration(&self, full_name: &str) -> Option<&Enum> {
        let (p, e) = self.enums_by_name.get(full_name)?;
        self.packages.get(*p)?.enums.get(*e)
    }

    /// The value of the file option `name` (e.g. `openapiv2_swagger`) on the first file, in
    /// package then file order, that sets it.
    pub fn file_option(&self, name: &str) -> Option<&serde_json::Value> {
        self.packages
            .iter()
            .flat_map(|p| p.file_options.iter())
            .flat_map(|(_, options)| options.iter())
            .find(|o| o.name == name)
            .map(|o| &o.value)
    }
}

/// One proto package.
#[derive(Debug, Clone, Default)]
pub struct Package {
    /// `zitadel.auth.v1`.
    pub name: String,
    /// The proto files of the package, by proto name.
    pub files: Vec<String>,
    /// Services in declaration order.
    pub services: Vec<Service>,
    /// Messages (nested ones too, after their parent), declaration order.
    pub messages: Vec<Message>,
    /// Enums (nested ones too).
    pub enums: Vec<Enum>,
    /// The custom options of the package's files that set any, by proto file name.
    pub file_options: Vec<(String, Vec<CustomOption>)>,
}

/// Leading comments of a declaration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docs {
    /// The leading comment, lines joined with `\n`, trimmed of the comment markers.
    pub text: String,
}

impl Docs {
    /// The first paragraph (a summary).
    pub fn summary(&self) -> &str {
        self.text.split("\n\n").next().unwrap_or("").trim()
    }
}

/// A service.
#[derive(Debug, Clone)]
pub struct Service {
    /// `AuthService`.
    pub name: String,
    /// `zitadel.auth.v1.AuthService`.
    pub full_name: String,
    /// The package.
    pub package: String,
    /// Methods in declaration order.
    pub methods: Vec<Method>,
    /// Doc comment.
    pub docs: Docs,
    /// Where it is declared.
    pub location: Location,
    /// The REST base path its file's `openapiv2_swagger` option declares (`/admin/v1`); empty
    /// for none.
    pub base_path: String,
    /// What its routes carry beyond the API's base path (see [`Api::place_services`]).
    pub path_prefix: String,
}

/// The streaming kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streaming {
    /// Unary.
    Unary,
    /// Server streaming.
    Server,
    /// Client streaming.
    Client,
    /// Both.
    Bidi,
}

/// What a method's auth option demands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRequirement {
    /// The permission; `authenticated` means any authenticated caller.
    pub permission: String,
    /// The request field naming the object the permission is checked on, as the option
    /// writes it (ZITADEL writes the Go name, `ProjectId`).
    pub check_field: Option<String>,
    /// That field's proto name in the request message (`project_id`), once resolved.
    pub checked_field: Option<String>,
}

/// The OpenAPI metadata a method carries in its `openapiv2_operation` option.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationMeta {
    /// Summary.
    pub summary: String,
    /// Description.
    pub description: String,
    /// Tags.
    pub tags: Vec<String>,
    /// `operation_id`: replaces grpc-gateway's `Service_Method` when set.
    pub operation_id: String,
    /// `deprecated`.
    pub deprecated: bool,
    /// The descriptions of `responses`, by status (`"200"`, `"404"`, …), sorted.
    pub responses: Vec<(String, String)>,
}

/// A custom option on a declaration, kept whether or not the generator knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomOption {
    /// The extension's full name, e.g. `zitadel.v1.auth_option`.
    pub name: String,
    /// Its value as proto3 JSON.
    pub value: serde_json::Value,
}

/// A method.
#[derive(Debug, Clone)]
pub struct Method {
    /// `VerifyMyPhone`.
    pub name: String,
    /// `zitadel.auth.v1.AuthService.VerifyMyPhone`.
    pub full_name: String,
    /// The request message's full name.
    pub input: String,
    /// The response message's full name.
    pub output: String,
    /// Streaming kind.
    pub streaming: Streaming,
    /// The `idempotency_level` option.
    pub idempotency: Idempotency,
    /// `google.api.http` bindings, primary first then `additional_bindings`.
    pub http: Vec<HttpBinding>,
    /// The auth option, if the method has one.
    pub auth: Option<AuthRequirement>,
    /// The OpenAPI operation option.
    pub operation: Option<OperationMeta>,
    /// Every custom option, known or not.
    pub options: Vec<CustomOption>,
    /// Doc comment.
    pub docs: Docs,
    /// Where it is declared.
    pub location: Location,
}

/// A method's `idempotency_level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Not said.
    Unknown,
    /// `NO_SIDE_EFFECTS`: served over Connect GET too.
    NoSideEffects,
    /// `IDEMPOTENT`.
    Idempotent,
}

/// A scalar or reference type of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    /// double
    Double,
    /// float
    Float,
    /// int32
    Int32,
    /// int64
    Int64,
    /// uint32
    Uint32,
    /// uint64
    Uint64,
    /// sint32
    Sint32,
    /// sint64
    Sint64,
    /// fixed32
    Fixed32,
    /// fixed64
    Fixed64,
    /// sfixed32
    Sfixed32,
    /// sfixed64
    Sfixed64,
    /// bool
    Bool,
    /// string
    String,
    /// bytes
    Bytes,
    /// An enum, by full name.
    Enum(String),
    /// A message, by full name.
    Message(String),
}

impl FieldType {
    /// The proto spelling (`uint64`, or the full type name).
    pub fn proto_name(&self) -> &str {
        use FieldType::*;
        match self {
            Double => "double",
            Float => "float",
            Int32 => "int32",
            Int64 => "int64",
            Uint32 => "uint32",
            Uint64 => "uint64",
            Sint32 => "sint32",
            Sint64 => "sint64",
            Fixed32 => "fixed32",
            Fixed64 => "fixed64",
            Sfixed32 => "sfixed32",
            Sfixed64 => "sfixed64",
            Bool => "bool",
            String => "string",
            Bytes => "bytes",
            Enum(n) | Message(n) => n,
        }
    }
}

/// How many values a field holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cardinality {
    /// One value (maybe with presence).
    Single,
    /// `repeated`.
    Repeated,
    /// `map<K, V>`: key type and value type.
    Map(FieldType, FieldType),
}

/// A field of a message.
#[derive(Debug, Clone)]
pub struct Field {
    /// `resource_owner`.
    pub name: String,
    /// `resourceOwner` (or the explicit json_name).
    pub json_name: String,
    /// Field number.
    pub number: u32,
    /// The element type (for maps: the entry message; see `cardinality`).
    pub ty: FieldType,
    /// Single, repeated or map.
    pub cardinality: Cardinality,
    /// Explicit presence (`optional`, message fields, oneof members).
    pub has_presence: bool,
    /// proto2 `required`: always present once decoded, stored without an `Option`.
    pub required_label: bool,
    /// A proto2 group (descriptor type `TYPE_GROUP`).
    pub group: bool,
    /// proto3 `optional`.
    pub proto3_optional: bool,
    /// `[deprecated = true]`: prost marks the Rust field `#[deprecated]`.
    pub deprecated: bool,
    /// The real oneof the field belongs to (not a synthetic one), by name.
    pub oneof: Option<String>,
    /// Validation rules (PGV `validate.rules`).
    pub rules: Vec<Rule>,
    /// protovalidate's field-level `cel` rules.
    pub cel: Vec<CelRule>,
    /// protovalidate's predefined rules set on the field, its items, keys or values.
    pub predefined: Vec<PredefinedRule>,
    /// `google.api.field_behavior` values (`REQUIRED`, `OUTPUT_ONLY`, …).
    pub behavior: Vec<String>,
    /// Custom options.
    pub options: Vec<CustomOption>,
    /// Doc comment.
    pub docs: Docs,
    /// Where it is declared.
    pub location: Location,
}

impl Field {
    /// Whether this is a single `google.api.HttpBody`, which REST carries as raw bytes.
    pub fn is_http_body(&self) -> bool {
        self.cardinality == Cardinality::Single
            && matches!(&self.ty, FieldType::Message(t) if t == HTTP_BODY)
    }

    /// Whether `google.api.field_behavior` says REQUIRED.
    pub fn is_required(&self) -> bool {
        self.behavior.iter().any(|b| b == "REQUIRED")
    }

    /// Whether a valid request carries the field in its JSON: it is REQUIRED, has a `required`
    /// rule, or has a rule its empty value breaks (a length, item or entry count of at least
    /// one). The rules of a field with presence, or ignored while empty (PGV's `ignore_empty`,
    /// protovalidate's `ignore`), do not apply to an absent field.
    pub fn needs_value(&self) -> bool {
        let is = |meaning: Meaning, value: &RuleValue| {
            self.rules
                .iter()
                .any(|r| r.meaning() == Some(meaning) && r.value == *value)
        };
        if self.is_required() || is(Meaning::Required, &RuleValue::Bool(true)) {
            return true;
        }
        // Any `ignore` but IGNORE_UNSPECIFIED (0) lets an absent field pass.
        let ignored = is(Meaning::IgnoreEmpty, &RuleValue::Bool(true))
            || self
                .rules
                .iter()
                .any(|r| r.meaning() == Some(Meaning::Ignore) && r.value != RuleValue::Int(0));
        if self.has_presence || ignored {
            return false;
        }
        self.rules.iter().any(|r| {
            matches!(
                r.meaning(),
                Some(Meaning::Size(_, Limit::Exact | Limit::Min))
            ) && r.value.as_u64().is_some_and(|n| n > 0)
        })
    }

    /// The rule of `family` meaning `meaning`, if present.
    pub fn rule(&self, family: &str, meaning: Meaning) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.family == family && r.meaning() == Some(meaning))
    }
}

/// protovalidate's message-level `(buf.validate.message).oneof`: at most one of `fields` is
/// set (exactly one when `required`).
#[derive(Debug, Clone, PartialEq)]
pub struct MessageOneof {
    /// The field names, in the order written.
    pub fields: Vec<String>,
    /// One must be set.
    pub required: bool,
    /// Where the rule is written.
    pub location: Location,
}

/// A oneof (real, not synthetic).
#[derive(Debug, Clone)]
pub struct Oneof {
    /// Name.
    pub name: String,
    /// PGV `(validate.required)` or protovalidate `(buf.validate.oneof).required`.
    pub required: bool,
    /// Member field names.
    pub fields: Vec<String>,
    /// Which option `required` comes from.
    pub dialect: Dialect,
}

/// A message.
#[derive(Debug, Clone)]
pub struct Message {
    /// Short name, e.g. `VerifyMyPhoneRequest` (nested: `Outer.Inner` → `Inner`).
    pub name: String,
    /// Full name without the leading dot.
    pub full_name: String,
    /// The package.
    pub package: String,
    /// The Rust path relative to the package module, e.g. `outer::Inner`.
    pub rust_path: String,
    /// Fields in declaration order.
    pub fields: Vec<Field>,
    /// Real oneofs.
    pub oneofs: Vec<Oneof>,
    /// protovalidate's message-level oneof rules.
    pub message_oneofs: Vec<MessageOneof>,
    /// protovalidate's message-level `cel` rules.
    pub cel: Vec<CelRule>,
    /// `(validate.disabled)`.
    pub validation_disabled: bool,
    /// `(validate.ignored)`.
    pub validation_ignored: bool,
    /// Whose semantics its validator follows: protovalidate's when its file imports
    /// `buf/validate/validate.proto` and not PGV's `validate/validate.proto` (or, in a file
    /// importing neither, when the schema uses protovalidate only).
    pub dialect: Dialect,
    /// Doc comment.
    pub docs: Docs,
    /// Where it is declared.
    pub location: Location,
}

impl Message {
    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Its groups of fields of which at most one is set: the proto's oneofs, then (when its
    /// rules are on) protovalidate's message-level `oneof` rules; each with its member names and
    /// whether one must be set (a oneof's `required` counts only when the rules are on).
    pub fn oneof_groups(&self, rules_on: bool) -> impl Iterator<Item = (&Vec<String>, bool)> {
        self.oneofs
            .iter()
            .map(move |o| (&o.fields, o.required && rules_on))
            .chain(
                self.message_oneofs
                    .iter()
                    .filter(move |_| rules_on)
                    .map(|o| (&o.fields, o.required)),
            )
    }
}

/// An enum.
#[derive(Debug, Clone)]
pub struct Enum {
    /// Short name.
    pub name: String,
    /// Full name.
    pub full_name: String,
    /// The package.
    pub package: String,
    /// The Rust path relative to the package module.
    pub rust_path: String,
    /// Values: name and number.
    pub values: Vec<(String, i32)>,
    /// Doc comment.
    pub docs: Docs,
}
