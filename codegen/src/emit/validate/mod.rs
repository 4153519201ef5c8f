//! Validators: an `impl ::protogate::Validate` per message, calling the runtime's one
//! implementation of each rule in PGV's check order (fields outside oneofs, then each oneof,
//! then proto3 `optional` fields, as PGV's Go template orders them).

pub mod cel;
mod cel_elements;
pub mod predefined;
mod pv;
mod site;
mod supported;
mod written;

use proc_macro2::TokenStream;
use protogate_rules::emit::{self, PgvSite, Required, Site};
use quote::quote;

pub use supported::{is_number_family, supported};

/// The scalar family of a wrapper type (`google.protobuf.StringValue` → `string`).
pub(crate) use protogate_rules::catalogue::wrapper_family;

use super::rust_type;
use crate::model::{
    Api, Cardinality, Dialect, Field, FieldType, Message, Package, Rule, RuleValue,
};
use crate::names;

/// `impl Validate` that checks nothing (the trait's defaults) for the listed messages: those
/// without rules, and every message of output generated without validators (the server still
/// needs every request to be `Validate`). One invocation for a package.
pub fn nothing_to_validate(types: &[TokenStream]) -> TokenStream {
    if types.is_empty() {
        return TokenStream::new();
    }
    quote!(::protogate::nothing_to_validate!(#(#types),*);)
}

/// `impl Validate` for one message; `None` when it has nothing to check.
pub fn generate(api: &Api, package: &Package, message: &Message) -> Option<TokenStream> {
    let ty = rust_type(api, &package.name, &message.full_name);
    let mut checks = Vec::new();
    if !message.validation_disabled && !message.validation_ignored {
        let gen = Gen {
            api,
            package,
            message,
        };
        checks = match message.dialect {
            Dialect::Pgv => gen.message_checks(),
            Dialect::Protovalidate => gen.pv_message_checks(),
        };
    }
    if checks.is_empty() {
        return None;
    }
    let sites = site::site_consts(message, &checks);
    // protovalidate reports every violation of a request; PGV its first (the default).
    let request = (message.dialect == Dialect::Protovalidate).then(|| {
        quote! {
            fn validate_request(&self) -> ::core::result::Result<(), ::protogate::Violations> {
                ::protogate::Validate::validate_all(self)
            }
        }
    });
    // prost marks a deprecated field `#[deprecated]`, and the checks read deprecated fields as
    // PGV does: expected on this impl, only when it reads one, so the lint stays precise.
    let reads_deprecated = reads_deprecated(message, &quote!(#(#sites)* #(#checks)*));
    let expect = reads_deprecated.then(|| quote!(#[expect(deprecated)]));
    Some(quote! {
        #expect
        impl ::protogate::Validate for #ty {
            #[inline]
            fn collect_violations(&self, v: &mut ::protogate::Collector) {
                #(#sites)*
                #(#checks)*
            }
            #request
        }
    })
}

/// `{ let value = &expr; body }`, with the body's statements spliced in when the body is one
/// block of its own; a scalar's checks start theirs with `let value = *value;`, which then
/// reads `let value = expr;`: the same code, one block and one binding less.
pub(super) fn bind(expr: TokenStream, body: TokenStream) -> TokenStream {
    let mut tokens = body.clone().into_iter();
    if let (Some(proc_macro2::TokenTree::Group(block)), None) = (tokens.next(), tokens.next()) {
        if block.delimiter() == proc_macro2::Delimiter::Brace {
            let statements: Vec<proc_macro2::TokenTree> = block.stream().into_iter().collect();
            let copy: Vec<String> = quote!(let value = *value;)
                .into_iter()
                .map(|t| t.to_string())
                .collect();
            let starts_with_copy = statements.len() >= copy.len()
                && statements
                    .iter()
                    .zip(&copy)
                    .all(|(t, c)| t.to_string() == *c);
            if starts_with_copy {
                let rest = &statements[copy.len()..];
                return quote!({ let value = #expr; #(#rest)* });
            }
            return quote!({ let value = &#expr; #(#statements)* });
        }
    }
    quote!({ let value = &#expr; #body })
}

/// What one check reports: PGV's message name and Go field name, the path, the dialect.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub msg: String,
    pub go_field: String,
    pub path: String,
    pub dialect: Dialect,
    /// The field's `FieldSite` (protovalidate's structured path).
    pub site: TokenStream,
}

impl Ctx {
    /// PGV's names for the field.
    fn pgv(&self) -> PgvSite {
        PgvSite::new(&self.msg, &self.go_field, &self.path)
    }
}

impl Site for Ctx {
    /// `v.check(...)` (or `check_at` inside a list or map) for a rule call.
    fn check(&self, call: TokenStream, at: Option<&TokenStream>) -> TokenStream {
        let site = &self.site;
        match (self.dialect, at) {
            (Dialect::Pgv, at) => self.pgv().check(call, at),
            (Dialect::Protovalidate, None) => {
                quote! { v.check_pv(#call, #site, ::protogate::validate::At::Field); }
            }
            (Dialect::Protovalidate, Some(at)) => quote! { v.check_pv(#call, #site, #at); },
        }
    }

    /// Recursive validation of an embedded message bound to `value`.
    fn embedded(&self, at: Option<&TokenStream>) -> TokenStream {
        match self.dialect {
            Dialect::Pgv => self.pgv().embedded(at),
            Dialect::Protovalidate => {
                let site = &self.site;
                let at = at.cloned().unwrap_or_else(emit::at_field);
                quote! { v.embedded_pv(value, #site, #at); }
            }
        }
    }
}

struct Gen<'a> {
    api: &'a Api,
    package: &'a Package,
    message: &'a Message,
}

impl Gen<'_> {
    fn message_checks(&self) -> Vec<TokenStream> {
        let m = self.message;
        let mut out = Vec::new();
        for field in m
            .fields
            .iter()
            .filter(|f| f.oneof.is_none() && !f.proto3_optional)
        {
            out.extend(self.field_checks(field));
        }
        for oneof in &m.oneofs {
            out.extend(self.oneof_checks(oneof));
        }
        for field in m.fields.iter().filter(|f| f.proto3_optional) {
            out.extend(self.field_checks(field));
        }
        out
    }

    fn ctx(&self, field: &Field) -> Ctx {
        Ctx {
            msg: self.message.name.clone(),
            go_field: names::go_field(&field.name),
            path: field.name.clone(),
            dialect: dialect_of(&field.rules),
            site: site::field_site(field),
        }
    }

    /// Whether a field holding the message `full` calls its validator: a message of the schema
    /// whose validator can report something (not a well-known type).
    fn is_validated_message(&self, full: &str) -> bool {
        !full.starts_with("google.protobuf.")
            && self.api.message(full).is_some()
            && self.api.has_checks(full)
    }

    /// Checks of a field outside a oneof.
    fn field_checks(&self, field: &Field) -> Option<TokenStream> {
        let ctx = self.ctx(field);
        let name = ident(&names::snake(&field.name));
        let expr = quote!(self.#name);
        match &field.cardinality {
            Cardinality::Repeated => self.repeated_checks(&ctx, field, &expr),
            Cardinality::Map(key, value) => self.map_checks(&ctx, field, key, value, &expr),
            Cardinality::Single => {
                // prost gives a proto2 `required` message field no `Option`: always present.
                let is_message = matches!(field.ty, FieldType::Message(_)) && !field.required_label;
                if is_message || field.proto3_optional {
                    self.optional_checks(&ctx, field, &expr)
                } else {
                    let body = self.value_checks(&ctx, &field.ty, &field.rules, &None)?;
                    Some(bind(expr.clone(), body))
                }
            }
        }
    }

    /// An `Option` field: presence rules on the option, the rest on the value when set.
    fn optional_checks(&self, ctx: &Ctx, field: &Field, expr: &TokenStream) -> Option<TokenStream> {
        let mut out = Vec::new();
        let family = value_family(&field.rules);
        let wrapper = matches!(&field.ty, FieldType::Message(m) if wrapper_family(m).is_some());
        let required = flag(&field.rules, "message", "required");
        let presence = match (&field.ty, family) {
            (FieldType::Message(_), Some(f @ ("duration" | "timestamp" | "any")))
                if flag(&field.rules, f, "required") =>
            {
                Some(Required::Family(f))
            }
            (FieldType::Message(_), Some(_)) if wrapper && required => Some(Required::Wrapper),
            (FieldType::Message(_), None) if required => Some(Required::Message),
            _ => None,
        };
        if let Some(presence) = presence {
            out.push(ctx.check(emit::required(presence, expr), None));
        }
        if let Some(body) = self.value_checks(ctx, &field.ty, &field.rules, &None) {
            out.push(quote! {
                if let ::core::option::Option::Some(value) = &#expr { #body }
            });
        }
        (!out.is_empty()).then(|| quote!(#(#out)*))
    }

    /// The rules of one value bound to `value` (a reference): scalar families, well-known
    /// message families, wrappers, and recursion into embedded messages.
    fn value_checks(
        &self,
        ctx: &Ctx,
        ty: &FieldType,
        field_rules: &[Rule],
        at: &Option<TokenStream>,
    ) -> Option<TokenStream> {
        let family = value_family(field_rules);
        let mut out = Vec::new();
        match ty {
            FieldType::Message(m) => {
                if let (Some(f), Some(_)) = (family, wrapper_family(m)) {
                    let body = written::family(self, ctx, f, field_rules, &wrapped_type(m), at);
                    out.extend(emit::unwrapped(body));
                } else if let Some(f) = family {
                    out.extend(written::family(self, ctx, f, field_rules, ty, at));
                } else if self.is_validated_message(m) && !flag(field_rules, "message", "skip") {
                    out.push(ctx.embedded(at.as_ref()));
                }
            }
            _ => {
                if let Some(f) = family {
                    out.extend(written::family(self, ctx, f, field_rules, ty, at));
                }
            }
        }
        (!out.is_empty()).then(|| quote!(#(#out)*))
    }

    fn repeated_checks(&self, ctx: &Ctx, field: &Field, expr: &TokenStream) -> Option<TokenStream> {
        let rules = written::of_family(&field.rules, "repeated");
        let written = emit::Written::new(ctx.dialect, "repeated", &rules, emit::Facts::default());
        let items = nested_rules(&field.rules, "repeated", "items");
        let at = Some(emit::at_item());
        let items = self.value_checks(ctx, &field.ty, &items, &at);
        emit::repeated(ctx, expr, &written, items)
    }

    fn map_checks(
        &self,
        ctx: &Ctx,
        field: &Field,
        key_ty: &FieldType,
        value_ty: &FieldType,
        expr: &TokenStream,
    ) -> Option<TokenStream> {
        let rules = written::of_family(&field.rules, "map");
        let written = emit::Written::new(ctx.dialect, "map", &rules, emit::Facts::default());
        let nested = |name| nested_rules(&field.rules, "map", name);
        let keys = self.value_checks(ctx, key_ty, &nested("keys"), &Some(emit::at_key()));
        let values = self.value_checks(ctx, value_ty, &nested("values"), &Some(emit::at_value()));
        emit::map(ctx, expr, &written, keys, values)
    }

    /// The path of the Rust enum prost generates for the oneof `name` of this message.
    fn oneof_enum(&self, name: &str) -> TokenStream {
        let m = self.message;
        format!(
            "{}::{}",
            m.rust_path
                .rsplit_once("::")
                .map(|(p, last)| format!("{p}::{}", names::snake(last)))
                .unwrap_or_else(|| names::snake(&m.rust_path)),
            names::upper_camel(name)
        )
        .parse()
        .unwrap_or_default()
    }

    fn oneof_checks(&self, oneof: &crate::model::Oneof) -> Option<TokenStream> {
        let m = self.message;
        let enum_path = self.oneof_enum(&oneof.name);
        let oneof_field = ident(&names::snake(&oneof.name));
        let mut arms = Vec::new();
        for field in m
            .fields
            .iter()
            .filter(|f| f.oneof.as_deref() == Some(&oneof.name))
        {
            let ctx = self.ctx(field);
            if let Some(body) = self.value_checks(&ctx, &field.ty, &field.rules, &None) {
                let variant = ident(&names::upper_camel(&field.name));
                arms.push((quote!(#enum_path::#variant(value)), body));
            }
        }
        let mut out = Vec::new();
        match arms.len() {
            0 => {}
            1 => {
                let (pat, body) = &arms[0];
                out.push(quote! {
                    if let ::core::option::Option::Some(#pat) = &self.#oneof_field { #body }
                });
            }
            _ => {
                let arms = arms
                    .iter()
                    .map(|(pat, body)| quote!(::core::option::Option::Some(#pat) => { #body }));
                out.push(quote! {
                    match &self.#oneof_field { #(#arms)* _ => {} }
                });
            }
        }
        if oneof.required {
            let msg = &m.name;
            let go = names::go_field(&oneof.name);
            let path = &oneof.name;
            out.push(match oneof.dialect {
                Dialect::Pgv => PgvSite::new(msg, go, path).check(
                    emit::required(Required::Oneof, &quote!(self.#oneof_field)),
                    None,
                ),
                Dialect::Protovalidate => {
                    let site = site::oneof_site(path);
                    quote! {
                        v.check_pv_oneof(::protogate::rules::pv::oneof_required(&self.#oneof_field), #site);
                    }
                }
            });
        }
        (!out.is_empty()).then(|| quote!(#(#out)*))
    }
}

/// The dialect of a field's rules (all rules of one field come from one extension).
fn dialect_of(rules: &[Rule]) -> Dialect {
    rules.first().map_or(Dialect::Pgv, |r| r.dialect)
}

/// The rule family that applies to the value itself (not `message`, which is about presence).
pub(crate) fn value_family(rules: &[Rule]) -> Option<&str> {
    rules
        .iter()
        .map(|r| r.family.as_str())
        .find(|f| *f != "message" && *f != "field")
}

/// Whether `family.name` is set to true.
pub(crate) fn flag(rules: &[Rule], family: &str, name: &str) -> bool {
    rules
        .iter()
        .any(|r| r.family == family && r.name == name && r.value == RuleValue::Bool(true))
}

/// The field type of a wrapper's `value`.
fn wrapped_type(full: &str) -> FieldType {
    match full {
        "google.protobuf.StringValue" => FieldType::String,
        "google.protobuf.BytesValue" => FieldType::Bytes,
        "google.protobuf.BoolValue" => FieldType::Bool,
        "google.protobuf.DoubleValue" => FieldType::Double,
        "google.protobuf.FloatValue" => FieldType::Float,
        "google.protobuf.Int32Value" => FieldType::Int32,
        "google.protobuf.Int64Value" => FieldType::Int64,
        "google.protobuf.UInt32Value" => FieldType::Uint32,
        _ => FieldType::Uint64,
    }
}

/// The nested rules of an element (`repeated.items`, `map.keys`, `map.values`).
fn nested_rules(rules: &[Rule], family: &str, name: &str) -> Vec<Rule> {
    rules
        .iter()
        .find(|r| r.family == family && r.name == name)
        .and_then(|r| match &r.value {
            RuleValue::Rules(nested) => Some(nested.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// Whether `body` reads a field of `message` the schema deprecated: `self.name` for a field, or
/// the variant path `Oneof::Name` for a oneof member.
fn reads_deprecated(message: &Message, body: &TokenStream) -> bool {
    let reads: Vec<[String; 2]> = message
        .fields
        .iter()
        .filter(|f| f.deprecated)
        .map(|f| match &f.oneof {
            Some(oneof) => [names::upper_camel(oneof), names::upper_camel(&f.name)],
            None => ["self".to_string(), names::snake(&f.name)],
        })
        .collect();
    !reads.is_empty() && contains_access(body, &reads)
}

/// Whether `tokens` hold `a.b` or `a::b` for one of the `[a, b]` pairs.
fn contains_access(tokens: &TokenStream, pairs: &[[String; 2]]) -> bool {
    use proc_macro2::TokenTree;
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let is_ident = |t: &TokenTree, name: &str| matches!(t, TokenTree::Ident(i) if *i == name);
    let is_punct = |t: &TokenTree, c: char| matches!(t, TokenTree::Punct(p) if p.as_char() == c);
    trees.iter().enumerate().any(|(i, t)| {
        if let TokenTree::Group(g) = t {
            return contains_access(&g.stream(), pairs);
        }
        pairs.iter().any(|[a, b]| {
            let rest = &trees[i..];
            match rest {
                [x, dot, y, ..] if is_ident(x, a) && is_punct(dot, '.') => is_ident(y, b),
                [x, c1, c2, y, ..] if is_ident(x, a) && is_punct(c1, ':') && is_punct(c2, ':') => {
                    is_ident(y, b)
                }
                _ => false,
            }
        })
    })
}

pub(crate) use protogate_rules::emit::mentions;

pub(crate) fn ident(s: &str) -> proc_macro2::Ident {
    match s.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => proc_macro2::Ident::new(s, proc_macro2::Span::call_site()),
    }
}

/// The Rust path of an enum type, for `defined_only`.
pub(crate) fn enum_type(gen_api: &Api, package: &Package, full: &str) -> TokenStream {
    rust_type(gen_api, &package.name, full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_access_is_found_in_nested_groups_and_nothing_else_is() {
        let pairs = [
            ["self".to_string(), "old".to_string()],
            ["Kind".to_string(), "Legacy".to_string()],
        ];
        let field = quote!({
            if let Some(value) = &self.old {
                v.check(value);
            }
        });
        let variant = quote!(match &self.kind {
            Some(m::Kind::Legacy(value)) => {}
            _ => {}
        });
        assert!(contains_access(&field, &pairs));
        assert!(contains_access(&variant, &pairs));
        for other in [
            quote!({
                let value = &value.old;
            }),
            quote!({
                let value = &self.older;
            }),
            quote!(match &self.kind {
                Some(m::Kind::Current(value)) => {}
                _ => {}
            }),
        ] {
            assert!(!contains_access(&other, &pairs), "{other}");
        }
    }
}
