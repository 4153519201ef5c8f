//! protovalidate's `cel` rules in the validator: each expression compiled by protogate-cel
//! against the message model (what `this`, its fields and `now` are, and how the generated
//! Rust reads them), checked at generation with diagnostics, emitted as one `check_pv` call.

use proc_macro2::{Ident, TokenStream};
use protogate_cel::{compile, CelError, Compiled, Env, Presence, ResultKind, Type, Variable};
use quote::quote;

use super::pv::{ignore_of, is_zero, IGNORE_ALWAYS, IGNORE_IF_ZERO};
use super::{ident, mentions};
use crate::diag::{Diagnostic, Diagnostics};
use crate::emit::{relative_path, rust_type};
use crate::model::{Api, Cardinality, CelRule, Field, FieldType, Message, RuleValue};
use crate::names;

/// The environment of one rule: the API's messages, and `this`.
pub(super) struct ModelEnv<'a> {
    api: &'a Api,
    package: &'a str,
    this: (Type, TokenStream),
}

impl<'a> ModelEnv<'a> {
    /// The environment of a rule written in `package` whose `this` is `this`.
    pub(super) fn new(api: &'a Api, package: &'a str, this: (Type, TokenStream)) -> Self {
        ModelEnv { api, package, this }
    }
}

impl Env for ModelEnv<'_> {
    fn variable(&self, name: &str) -> Option<Variable> {
        match name {
            "this" => Some(Variable {
                ty: self.this.0.clone(),
                tokens: self.this.1.clone(),
            }),
            "now" => Some(Variable {
                ty: Type::Timestamp,
                tokens: quote!(now),
            }),
            _ => None,
        }
    }

    fn field(&self, message: &str, name: &str) -> Option<protogate_cel::Field> {
        let owner = self.api.message(message)?;
        let field = owner.field(name)?;
        let (ty, access) = accessor(self.api, self.package, owner, field)?;
        let presence = match &access.kind {
            AccessKind::Oneof {
                member, variant, ..
            } => {
                let (member, variant) = (member.clone(), variant.clone());
                Presence::Explicit(Box::new(move |m| {
                    quote!(::core::matches!(&#m.#member, ::core::option::Option::Some(#variant(_))))
                }))
            }
            _ if field.has_presence => {
                let name = access.name.clone();
                Presence::Explicit(Box::new(move |m| quote!(#m.#name.is_some())))
            }
            _ => Presence::Implicit,
        };
        Some(protogate_cel::Field {
            ty,
            presence,
            access: Box::new(move |m| access.read(m)),
        })
    }

    /// `pkg.Enum.VALUE`, or `Enum.VALUE` relative to the rule's package.
    fn enum_value(&self, name: &str) -> Option<i64> {
        let (enum_name, value) = name.rsplit_once('.')?;
        let relative = format!("{}.{enum_name}", self.package);
        let found = self
            .api
            .enumeration(enum_name)
            .or_else(|| self.api.enumeration(&relative))?;
        found
            .values
            .iter()
            .find(|(n, _)| n == value)
            .map(|(_, number)| i64::from(*number))
    }
}

/// How the generated Rust reads a field as a CEL value.
#[derive(Clone)]
struct Access {
    name: Ident,
    kind: AccessKind,
    /// A proto2 `required` message field, which prost stores without `Option`.
    required: bool,
}

#[derive(Clone)]
enum AccessKind {
    /// A scalar stored as is or widened (`i64::from`), possibly optional.
    Scalar {
        widen: Option<TokenStream>,
        optional: bool,
    },
    /// `string` (`&str`), possibly optional.
    Str { optional: bool },
    /// `bytes` (`&[u8]`), possibly optional.
    Bytes { optional: bool },
    /// A repeated field or a map: the collection by reference.
    Collection,
    /// A Timestamp or Duration message field.
    Time(TokenStream),
    /// A wrapper message field: `Option` of its value.
    Wrapper(TokenStream),
    /// A message field: the message, or its default instance when unset.
    Message(TokenStream),
    /// A member of a oneof: its payload read as `payload` says, or the default when another
    /// member (or none) is set.
    Oneof {
        member: Ident,
        variant: TokenStream,
        payload: Box<AccessKind>,
    },
}

impl Access {
    fn read(&self, m: &TokenStream) -> TokenStream {
        let name = &self.name;
        let rt = quote!(::protogate::cel);
        let stored = if self.required {
            quote!(::core::option::Option::Some(&#m.#name))
        } else {
            quote!(#m.#name.as_ref())
        };
        match &self.kind {
            AccessKind::Scalar {
                widen: None,
                optional: false,
            } => quote!(#m.#name),
            AccessKind::Scalar {
                widen: Some(w),
                optional: false,
            } => quote!(#w(#m.#name)),
            AccessKind::Scalar {
                widen: None,
                optional: true,
            } => quote!(#m.#name.unwrap_or_default()),
            AccessKind::Scalar {
                widen: Some(w),
                optional: true,
            } => quote!(#w(#m.#name.unwrap_or_default())),
            AccessKind::Str { optional: false } => quote!(#m.#name.as_str()),
            AccessKind::Bytes { optional: false } => quote!(&#m.#name[..]),
            AccessKind::Str { optional: true } | AccessKind::Bytes { optional: true } => {
                quote!(#m.#name.as_deref().unwrap_or_default())
            }
            AccessKind::Collection => quote!(&#m.#name),
            AccessKind::Time(ty) => {
                quote!(#stored.map(#rt::#ty::from).unwrap_or_default())
            }
            AccessKind::Wrapper(read) => quote!(#stored.map(|w| #read)),
            AccessKind::Message(ty) => {
                quote!(#rt::message_or_default::<#ty>(#stored.map(::core::borrow::Borrow::borrow)))
            }
            AccessKind::Oneof {
                member,
                variant,
                payload,
            } => {
                let (read, default) = payload_read(payload);
                quote!(match &#m.#member {
                    ::core::option::Option::Some(#variant(v)) => #read,
                    _ => #default,
                })
            }
        }
    }
}

/// How a oneof payload `v` (a reference) reads as a CEL value, and the value when unset.
fn payload_read(kind: &AccessKind) -> (TokenStream, TokenStream) {
    let rt = quote!(::protogate::cel);
    let default = quote!(::core::default::Default::default());
    match kind {
        AccessKind::Scalar { widen: None, .. } => (quote!(*v), default),
        AccessKind::Scalar { widen: Some(w), .. } => (quote!(#w(*v)), default),
        AccessKind::Str { .. } => (quote!(v.as_str()), quote!("")),
        AccessKind::Bytes { .. } => (quote!(&v[..]), quote!(<&[u8]>::default())),
        AccessKind::Time(ty) => (quote!(#rt::#ty::from(v)), default),
        AccessKind::Wrapper(read) => (quote!({ let w = v; Some(#read) }), quote!(None)),
        AccessKind::Message(ty) => (
            quote!(::core::borrow::Borrow::<#ty>::borrow(v)),
            quote!(#rt::message_or_default::<#ty>(None)),
        ),
        AccessKind::Collection | AccessKind::Oneof { .. } => (quote!(v), default),
    }
}

/// The CEL type of a scalar or enum, and the widening its stored Rust form needs.
pub(super) fn scalar(ty: &FieldType) -> Option<(Type, Option<TokenStream>)> {
    use FieldType::*;
    Some(match ty {
        Double => (Type::Double, None),
        Float => (Type::Double, Some(quote!(f64::from))),
        Int32 | Sint32 | Sfixed32 | Enum(_) => (Type::Int, Some(quote!(i64::from))),
        Int64 | Sint64 | Sfixed64 => (Type::Int, None),
        Uint32 | Fixed32 => (Type::Uint, Some(quote!(u64::from))),
        Uint64 | Fixed64 => (Type::Uint, None),
        Bool => (Type::Bool, None),
        String => (Type::String, None),
        Bytes => (Type::Bytes, None),
        Message(_) => return None,
    })
}

/// The CEL type of a value of `ty` as an element of a list or map (stored as prost stores it).
pub(super) fn element_type(ty: &FieldType) -> Option<Type> {
    match ty {
        FieldType::Message(name) => match name.as_str() {
            "google.protobuf.Timestamp" => Some(Type::Timestamp),
            "google.protobuf.Duration" => Some(Type::Duration),
            n if n.starts_with("google.protobuf.") => None,
            n => Some(Type::Message(n.to_string())),
        },
        other => scalar(other).map(|(t, _)| t),
    }
}

/// The wrapped CEL type of a `google.protobuf.*Value` wrapper, and how to read its `value`.
fn wrapper(name: &str) -> Option<(Type, TokenStream)> {
    Some(match name {
        "google.protobuf.DoubleValue" => (Type::Double, quote!(w.value)),
        "google.protobuf.FloatValue" => (Type::Double, quote!(f64::from(w.value))),
        "google.protobuf.Int64Value" => (Type::Int, quote!(w.value)),
        "google.protobuf.Int32Value" => (Type::Int, quote!(i64::from(w.value))),
        "google.protobuf.UInt64Value" => (Type::Uint, quote!(w.value)),
        "google.protobuf.UInt32Value" => (Type::Uint, quote!(u64::from(w.value))),
        "google.protobuf.BoolValue" => (Type::Bool, quote!(w.value)),
        "google.protobuf.StringValue" => (Type::String, quote!(w.value.as_str())),
        "google.protobuf.BytesValue" => (Type::Bytes, quote!(&w.value[..])),
        _ => return None,
    })
}

/// A field's CEL type and how to read it; `None` for what compiled CEL does not read yet
/// (oneof members, `Any`, `Struct`, lists of wrappers).
fn accessor(api: &Api, package: &str, owner: &Message, field: &Field) -> Option<(Type, Access)> {
    let name = ident(&names::snake(&field.name));
    let optional = field.has_presence && field.oneof.is_none();
    let (ty, kind) = match (&field.cardinality, &field.ty) {
        (Cardinality::Repeated, ty) => (Type::list(element_type(ty)?), AccessKind::Collection),
        (Cardinality::Map(k, v), _) => (
            Type::map(element_type(k)?, element_type(v)?),
            AccessKind::Collection,
        ),
        (Cardinality::Single, FieldType::String) => (Type::String, AccessKind::Str { optional }),
        (Cardinality::Single, FieldType::Bytes) => (Type::Bytes, AccessKind::Bytes { optional }),
        (Cardinality::Single, FieldType::Message(m)) => match m.as_str() {
            "google.protobuf.Timestamp" => (Type::Timestamp, AccessKind::Time(quote!(Timestamp))),
            "google.protobuf.Duration" => (Type::Duration, AccessKind::Time(quote!(Duration))),
            w if wrapper(w).is_some() => {
                let (inner, read) = wrapper(w)?;
                (Type::Wrapper(Box::new(inner)), AccessKind::Wrapper(read))
            }
            w if w.starts_with("google.protobuf.") => return None,
            m => (
                Type::Message(m.to_string()),
                AccessKind::Message(rust_type(api, package, m)),
            ),
        },
        (Cardinality::Single, ty) => {
            let (cel, widen) = scalar(ty)?;
            (cel, AccessKind::Scalar { widen, optional })
        }
    };
    let kind = match &field.oneof {
        None => kind,
        Some(oneof) => {
            let module = owner
                .rust_path
                .rsplit_once("::")
                .map(|(p, last)| format!("{p}::{}", names::snake(last)))
                .unwrap_or_else(|| names::snake(&owner.rust_path));
            let enum_path = format!("{module}::{}", names::upper_camel(oneof));
            let variant = format!(
                "{}::{}",
                relative_path(package, &owner.package, &enum_path),
                names::upper_camel(&field.name)
            );
            AccessKind::Oneof {
                member: ident(&names::snake(oneof)),
                variant: variant.parse().ok()?,
                payload: Box::new(kind),
            }
        }
    };
    let required = field.required_label
        && field.oneof.is_none()
        && field.cardinality == Cardinality::Single
        && matches!(field.ty, FieldType::Message(_));
    Some((
        ty,
        Access {
            name,
            kind,
            required,
        },
    ))
}

/// Compiles one rule with `this` bound to `this`.
fn compile_rule(
    api: &Api,
    package: &str,
    rule: &CelRule,
    this: (Type, TokenStream),
) -> Result<Compiled, CelError> {
    compile(&rule.expression, &ModelEnv::new(api, package, this))
}

/// What `this` is for a field-level rule on `field`, or `None` when compiled CEL cannot read it.
fn field_this(api: &Api, owner: &Message, field: &Field) -> Option<(Type, TokenStream)> {
    let (ty, access) = accessor(api, &owner.package, owner, field)?;
    Some((ty, access.read(&quote!(self))))
}

fn message_this(message: &Message) -> (Type, TokenStream) {
    (Type::Message(message.full_name.clone()), quote!(self))
}

/// Generation-time checks: every `cel` rule of `message` and its fields parses, is well typed
/// and yields `bool` or `string`.
pub fn check_rules(api: &Api, message: &Message, diags: &mut Diagnostics) {
    let package = message.package.as_str();
    let mut report = |rule: &CelRule, on: &str, error: String| {
        diags.push(
            Diagnostic::error(
                "cel-invalid",
                rule.location.clone(),
                format!("CEL rule `{}` on `{on}`: {error}", rule.id),
            )
            .hint(
                "protovalidate's CEL rules are compiled to Rust at generation; fix the expression",
            ),
        );
    };
    for rule in &message.cel {
        if let Err(error) = compile_rule(api, package, rule, message_this(message)) {
            report(rule, &message.full_name, error.render(&rule.expression));
        }
    }
    for field in &message.fields {
        let on = format!("{}.{}", message.full_name, field.name);
        for rule in &field.cel {
            let this = match &rule.element {
                None => field_this(api, message, field),
                Some(element) => super::cel_elements::element_this(field, element),
            };
            match this {
                None => report(
                    rule,
                    &on,
                    "compiled CEL cannot read this field's type yet".to_string(),
                ),
                Some(this) => {
                    if let Err(error) = compile_rule(api, package, rule, this) {
                        report(rule, &on, error.render(&rule.expression));
                    }
                }
            }
        }
    }
}

/// `cel` (a list of `buf.validate.Rule`) and `cel_expression` (a list of strings) in
/// `buf.validate.FieldRules`: the lists a field rule's path indexes.
const FIELD_CEL: i32 = 23;
const FIELD_CEL_EXPRESSION: i32 = 29;

/// Where the rules of a field apply: the field's site, the place in it (`At::Field`, or a list
/// item or map entry) and the rule steps before `cel[i]` (`repeated`, `items` for list items).
pub(super) struct Place {
    pub(super) site: TokenStream,
    pub(super) at: TokenStream,
    pub(super) prefix: Vec<TokenStream>,
}

/// One `v.check_pv_rule(…)` per rule, at `place` (the message when `None`, whose rules
/// protovalidate reports without a rule path), with the rule path `cel[i]` or
/// `cel_expression[i]` after the place's prefix; rules that do not compile were reported by
/// [`check_rules`].
pub(super) fn checks<'r>(
    api: &Api,
    package: &str,
    rules: impl IntoIterator<Item = &'r CelRule>,
    this: (Type, TokenStream),
    place: Option<&Place>,
) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for rule in rules {
        let Ok(compiled) = compile_rule(api, package, rule, this.clone()) else {
            continue;
        };
        let index = rule.index as u64;
        let (list, number, ty) = if rule.shorthand {
            ("cel_expression", FIELD_CEL_EXPRESSION, 9)
        } else {
            ("cel", FIELD_CEL, 11)
        };
        let (site, at, path) = match place {
            Some(Place { site, at, prefix }) => (
                quote!(::core::option::Option::Some(#site)),
                at.clone(),
                quote!({
                    const PATH: &[::protogate::field_path::RuleStep] = &[
                        #(#prefix,)*
                        ::protogate::field_path::RuleStep::item(#list, #number, #ty, #index)
                    ];
                    PATH
                }),
            ),
            None => (
                quote!(::core::option::Option::None),
                quote!(::protogate::validate::At::Field),
                quote!(&[]),
            ),
        };
        // protovalidate's message for a rule without one: the expression and its verdict.
        let default_message;
        let message = if rule.message.is_empty() {
            default_message = format!("\"{}\" returned false", rule.expression);
            &default_message
        } else {
            &rule.message
        };
        let (id, tokens) = (&rule.id, &compiled.tokens);
        let outcome = match compiled.result {
            ResultKind::Bool => quote!(::protogate::cel::check_bool(#tokens, #id, #message)),
            ResultKind::String => quote!(::protogate::cel::check_string(#tokens, #id)),
        };
        let check = quote!(v.check_pv_rule(#outcome, #site, #at, #path););
        out.push(if mentions(tokens, "now") {
            quote!({
                let now = ::protogate::cel::Timestamp::now();
                #check
            })
        } else {
            check
        });
    }
    out
}

/// The message-level `cel` rules of `message`.
pub(super) fn message_checks(api: &Api, message: &Message) -> Vec<TokenStream> {
    checks(
        api,
        &message.package,
        &message.cel,
        message_this(message),
        None,
    )
}

/// The field-level `cel` rules of `field`, under the guards protovalidate puts on every rule of
/// a field: none with `IGNORE_ALWAYS`; a field with presence only when set; a field without
/// presence not when zero (empty) if it is `required` (which reports that) or
/// `IGNORE_IF_ZERO_VALUE`.
pub(super) fn field_checks(api: &Api, message: &Message, field: &Field) -> Vec<TokenStream> {
    let ignore = ignore_of(&field.rules);
    let rules: Vec<&CelRule> = field.cel.iter().filter(|r| r.element.is_none()).collect();
    if rules.is_empty() || ignore == IGNORE_ALWAYS {
        return Vec::new();
    }
    let Some((ty, access)) = accessor(api, &message.package, message, field) else {
        return Vec::new();
    };
    let this = (ty, access.read(&quote!(self)));
    let place = Place {
        site: super::site::field_site(field),
        at: quote!(::protogate::validate::At::Field),
        prefix: Vec::new(),
    };
    let out = checks(api, &message.package, rules, this, Some(&place));
    if out.is_empty() {
        return out;
    }
    let name = &access.name;
    if let AccessKind::Oneof {
        member, variant, ..
    } = &access.kind
    {
        let set =
            quote!(::core::matches!(&self.#member, ::core::option::Option::Some(#variant(_))));
        return vec![quote!(if #set { #(#out)* })];
    }
    if field.has_presence {
        return vec![quote!(if self.#name.is_some() { #(#out)* })];
    }
    let required = field
        .rules
        .iter()
        .any(|r| r.name == "required" && r.value == RuleValue::Bool(true));
    if !required && ignore != IGNORE_IF_ZERO {
        return out;
    }
    let nonzero = match field.cardinality {
        Cardinality::Single => is_zero(&field.ty).1,
        Cardinality::Repeated | Cardinality::Map(..) => quote!(!value.is_empty()),
    };
    if !mentions(&nonzero, "value") {
        return vec![quote!(if #nonzero { #(#out)* })];
    }
    vec![quote!({
        let value = &self.#name;
        if #nonzero { #(#out)* }
    })]
}
