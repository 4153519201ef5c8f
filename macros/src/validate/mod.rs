//! `#[derive(Validate)]`: PGV-style field attributes read into the description the literal
//! emitters of protogate-rules take, which write the same runtime calls, in the same order, as
//! for generated validators: hand-written structs and generated messages share one
//! implementation of every rule and report the same ids and messages.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, Fields, Lit, LitStr, Type, UnOp};

use protogate_rules::catalogue::{self, is_number_family, Dialect};
use protogate_rules::checks::{self, FindingKind, Literal as RuleLiteral, Subject, WrittenRule};
use protogate_rules::emit::{self, PgvSite, Required, Site};

use crate::time_lit;

mod collections;
mod rules;
mod types;
mod values;

use collections::{map_checks, repeated_checks};
use rules::Rules;
use types::{check_type, option_inner, type_shape};
use values::value_checks;

/// The families the derive takes: PGV's, and `oneof` for `(validate.required)` on a oneof.
fn family_names() -> String {
    catalogue::families(Dialect::Pgv)
        .iter()
        .map(|f| f.name)
        .chain(["oneof"])
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rules of `oneof`, the one family the derive adds to PGV's.
const ONEOF_RULES: &[&str] = &["required"];

pub fn derive(input: DeriveInput) -> syn::Result<TokenStream> {
    let ident = &input.ident;
    let mut name = ident.to_string();
    let mut disabled = false;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("validate")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                name = meta.value()?.parse::<LitStr>()?.value();
                Ok(())
            } else if meta.path.is_ident("disabled") || meta.path.is_ident("ignored") {
                // PGV's `(validate.disabled)` / `(validate.ignored)`: no checks at all.
                disabled = true;
                Ok(())
            } else {
                Err(meta.error(
                    "expected `name = \"Message\"` (the name PGV's messages use), `disabled` or `ignored`",
                ))
            }
        })?;
    }
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            Span::call_site(),
            "derive(Validate) supports structs with named fields",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new(
            data.fields.span(),
            "derive(Validate) supports structs with named fields",
        ));
    };
    let mut checks = Vec::new();
    for field in &fields.named {
        let Some(field_ident) = &field.ident else {
            continue;
        };
        let mut families = Vec::new();
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("validate")) {
            attr.parse_nested_meta(|meta| {
                families.push(parse_family(&meta)?);
                Ok(())
            })?;
        }
        let ctx = FieldCtx {
            message: name.clone(),
            go_field: upper_camel(&field_ident.to_string()),
            path: field_ident.to_string().trim_start_matches("r#").to_string(),
            ident: field_ident.clone(),
            ty: &field.ty,
            families: &families,
        };
        for family in &families {
            checks.push(field_checks(&ctx, family)?);
        }
    }
    if disabled {
        checks.clear();
    }
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let v = if checks.is_empty() {
        quote!(_)
    } else {
        quote!(v)
    };
    Ok(quote! {
        impl #impl_generics ::protogate::Validate for #ident #ty_generics #where_clause {
            fn collect_violations(&self, #v: &mut ::protogate::Collector) {
                #(#checks)*
            }
        }
    })
}

/// `family(rule = value, flag, nested(family(…)), …)` as written.
struct Family {
    name: String,
    span: Span,
    rules: Vec<Arg>,
}

struct Arg {
    ident: syn::Ident,
    name: String,
    value: ArgValue,
}

enum ArgValue {
    Flag,
    Expr(Box<Expr>),
    Nested(Vec<Family>),
}

fn parse_family(meta: &ParseNestedMeta<'_>) -> syn::Result<Family> {
    let ident = meta
        .path
        .get_ident()
        .ok_or_else(|| meta.error(format!("expected a rule family: one of {}", family_names())))?;
    let mut rules = Vec::new();
    if meta.input.peek(syn::Token![=]) {
        return Err(meta.error(format!(
            "write the rules of `{ident}` in parentheses, e.g. `{ident}(…)`"
        )));
    }
    if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|rule| {
            let ident = rule
                .path
                .get_ident()
                .cloned()
                .ok_or_else(|| rule.error("expected a rule name"))?;
            let value = if rule.input.peek(syn::Token![=]) {
                ArgValue::Expr(Box::new(rule.value()?.parse::<Expr>()?))
            } else if rule.input.peek(syn::token::Paren) {
                let mut nested = Vec::new();
                rule.parse_nested_meta(|inner| {
                    nested.push(parse_family(&inner)?);
                    Ok(())
                })?;
                ArgValue::Nested(nested)
            } else {
                ArgValue::Flag
            };
            rules.push(Arg {
                name: ident.to_string().trim_start_matches("r#").to_string(),
                ident,
                value,
            });
            Ok(())
        })?;
    }
    Ok(Family {
        name: ident.to_string().trim_start_matches("r#").to_string(),
        span: ident.span(),
        rules,
    })
}

/// The field a rule set belongs to: names for PGV's messages and the field path.
struct FieldCtx<'a> {
    message: String,
    go_field: String,
    path: String,
    ident: syn::Ident,
    ty: &'a Type,
    /// Every family written on the field (a wrapper's `message(required)` words its message
    /// differently when the field has value rules too, as the generator does).
    families: &'a [Family],
}

impl FieldCtx<'_> {
    fn optional(&self) -> bool {
        option_inner(self.ty).is_some()
    }

    /// Runs `body` with `value` bound to a reference to the field's value (when set).
    fn bind(&self, body: TokenStream) -> TokenStream {
        let ident = &self.ident;
        if self.optional() {
            quote!(if let ::core::option::Option::Some(value) = &self.#ident { #body })
        } else {
            quote!({ let value = &self.#ident; #body })
        }
    }

    /// Where the field's checks report, in PGV's names.
    fn site(&self) -> PgvSite {
        PgvSite::new(&self.message, &self.go_field, &self.path)
    }
}

/// The checks of one family on a field.
fn field_checks(ctx: &FieldCtx<'_>, family: &Family) -> syn::Result<TokenStream> {
    let rules = Rules::new(family)?;
    let inner = option_inner(ctx.ty).unwrap_or(ctx.ty);
    check_type(family, inner)?;
    let site = ctx.site();
    let ident = &ctx.ident;
    let span = family.span;
    match family.name.as_str() {
        "repeated" => return repeated_checks(ctx, &rules, inner),
        "map" => return map_checks(ctx, &rules, inner),
        _ => {}
    }
    // Presence rules, on the `Option` itself.
    let mut out = Vec::new();
    let f = family.name.as_str();
    let wrapped = wrapper_family(inner);
    let required = match f {
        "message" | "duration" | "timestamp" | "any" | "oneof" => rules.flag("required")?,
        _ => false,
    };
    if required {
        if !ctx.optional() {
            let at = rules.get("required").map_or(span, |a| a.ident.span());
            return Err(syn::Error::new(at, "`required` needs an `Option<…>` field"));
        }
        let has_value_rules = ctx.families.iter().any(|other| other.name != "message");
        let presence = match f {
            "message" if wrapped.is_some() && has_value_rules => Required::Wrapper,
            "message" => Required::Message,
            "oneof" => Required::Oneof,
            _ => Required::Family(f),
        };
        out.push(site.check(emit::required(presence, &quote!(self.#ident)), None));
    }
    // Well-known types carry no validator of their own: no recursion into them.
    let well_known = wrapped.is_some()
        || type_shape(inner)
            .is_some_and(|(n, _)| matches!(n.as_str(), "Duration" | "Timestamp" | "Any"));
    if f == "message" && well_known {
        return Ok(quote!(#(#out)*));
    }
    let body = value_checks(&site, None, &rules)?;
    let body: Vec<TokenStream> = match (wrapped, is_scalar(f)) {
        // A wrapper's rules apply to its `value`.
        (Some(_), true) => emit::unwrapped(body).into_iter().collect(),
        _ => body,
    };
    if !body.is_empty() {
        out.push(ctx.bind(quote_spanned!(span=> #(#body)*)));
    }
    Ok(quote!(#(#out)*))
}

/// Whether a family applies to a scalar value (and so to a wrapper's `value`).
fn is_scalar(family: &str) -> bool {
    matches!(family, "string" | "bytes" | "bool") || is_number_family(family)
}

/// The scalar family of a `google.protobuf` wrapper type (`StringValue` → `string`).
fn wrapper_family(ty: &Type) -> Option<&'static str> {
    catalogue::wrapper_family(&format!("google.protobuf.{}", type_shape(ty)?.0))
}

/// PGV's Go field name: `resource_owner` → `ResourceOwner`.
fn upper_camel(s: &str) -> String {
    s.trim_start_matches("r#")
        .split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
