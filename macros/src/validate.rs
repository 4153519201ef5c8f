//! `#[derive(Validate)]`: PGV-style field attributes expanded into calls to the same runtime
//! rule functions the generator emits (codegen/src/emit/validate/rules.rs), in the same order,
//! so hand-written structs and generated messages share one implementation of every rule and
//! report the same ids and messages.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, Fields, Lit, LitStr, Type, UnOp};

use protogate_rules::catalogue::{self, is_number_family, Dialect};
use protogate_rules::checks::{self, FindingKind, Literal as RuleLiteral, Subject, WrittenRule};

use crate::time_lit;

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

    fn site(&self, at: Option<TokenStream>) -> Site<'_> {
        Site {
            message: &self.message,
            go_field: &self.go_field,
            path: &self.path,
            at,
        }
    }
}

/// Where checks report: the field itself, or a list item / map key / map value of it.
struct Site<'a> {
    message: &'a str,
    go_field: &'a str,
    path: &'a str,
    at: Option<TokenStream>,
}

impl Site<'_> {
    fn check(&self, call: TokenStream) -> TokenStream {
        let (m, g, p) = (self.message, self.go_field, self.path);
        match &self.at {
            None => quote!(v.check(#call, #m, #g, #p);),
            Some(at) => quote!(v.check_at(#call, #m, #g, #p, #at);),
        }
    }

    fn embedded(&self) -> TokenStream {
        let (m, g, p) = (self.message, self.go_field, self.path);
        let at = self
            .at
            .clone()
            .unwrap_or_else(|| quote!(::protogate::validate::At::Field));
        quote!(v.embedded(value, #m, #g, #p, #at);)
    }
}

/// The checks of one family on a field.
fn field_checks(ctx: &FieldCtx<'_>, family: &Family) -> syn::Result<TokenStream> {
    let rules = Rules::new(family)?;
    let inner = option_inner(ctx.ty).unwrap_or(ctx.ty);
    check_type(family, inner)?;
    let site = ctx.site(None);
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
        out.push(site.check(match f {
            "message" if wrapped.is_some() && has_value_rules => {
                quote!(::protogate::rules::message::wrapper_required(&self.#ident))
            }
            "message" => quote!(::protogate::rules::message::required(&self.#ident)),
            "oneof" => quote!(::protogate::rules::message::oneof_required(&self.#ident)),
            _ => quote!(::protogate::rules::message::family_required(#f, &self.#ident)),
        }));
    }
    // Well-known types carry no validator of their own: no recursion into them.
    let well_known = wrapped.is_some()
        || type_shape(inner)
            .is_some_and(|(n, _)| matches!(n.as_str(), "Duration" | "Timestamp" | "Any"));
    if f == "message" && well_known {
        return Ok(quote!(#(#out)*));
    }
    let mut body = value_checks(&site, &rules)?;
    if let (Some(_), true) = (wrapped, is_scalar(f)) {
        // A wrapper's rules apply to its `value`.
        body = vec![quote!({ let value = &value.value; #(#body)* })];
    }
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
    Some(match type_shape(ty)?.0.as_str() {
        "StringValue" => "string",
        "BytesValue" => "bytes",
        "BoolValue" => "bool",
        "DoubleValue" => "double",
        "FloatValue" => "float",
        "Int32Value" => "int32",
        "Int64Value" => "int64",
        "UInt32Value" => "uint32",
        "UInt64Value" => "uint64",
        _ => return None,
    })
}

/// The rules of one family, checked against the family's rule names.
struct Rules<'a> {
    family: &'a Family,
}

impl<'a> Rules<'a> {
    fn new(family: &'a Family) -> syn::Result<Rules<'a>> {
        let name = family.name.as_str();
        let allowed: Vec<&str> = match catalogue::family(Dialect::Pgv, name) {
            Some(f) => f.rule_names().collect(),
            None if name == "oneof" => ONEOF_RULES.to_vec(),
            None => {
                return Err(syn::Error::new(
                    family.span,
                    format!(
                        "unknown rule family `{name}`: expected one of {}",
                        family_names()
                    ),
                ))
            }
        };
        let mut seen: Vec<&str> = Vec::new();
        for arg in &family.rules {
            if !allowed.contains(&arg.name.as_str()) {
                return Err(syn::Error::new(
                    arg.ident.span(),
                    format!(
                        "`{}` is not a `{name}` rule; expected one of: {}",
                        arg.name,
                        allowed.join(", ")
                    ),
                ));
            }
            if seen.contains(&arg.name.as_str()) {
                return Err(syn::Error::new(
                    arg.ident.span(),
                    format!("`{}` is given twice", arg.name),
                ));
            }
            seen.push(&arg.name);
            let nested = catalogue::rule(Dialect::Pgv, name, &arg.name)
                .is_some_and(|r| r.is_element_rules());
            match (&arg.value, nested) {
                (ArgValue::Nested(_), false) => {
                    return Err(syn::Error::new(
                        arg.ident.span(),
                        format!("`{}` takes a value, not nested rules", arg.name),
                    ))
                }
                (ArgValue::Nested(_), true) => {}
                (_, true) => {
                    return Err(syn::Error::new(
                        arg.ident.span(),
                        format!(
                            "`{0}` takes the rules of the element, e.g. `{0}(string(min_len = 1))`",
                            arg.name
                        ),
                    ))
                }
                _ => {}
            }
        }
        let rules = Rules { family };
        rules.shared_checks()?;
        Ok(rules)
    }

    fn get(&self, name: &str) -> Option<&'a Arg> {
        self.family.rules.iter().find(|a| a.name == name)
    }

    fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The contradictions and redundancies protogate-rules finds, as compile errors: a rule
    /// with no effect is an error here, since a derive has no warnings.
    fn shared_checks(&self) -> syn::Result<()> {
        let family = self.family.name.as_str();
        let written: Vec<WrittenRule> = self
            .family
            .rules
            .iter()
            .map(|arg| WrittenRule::new(arg.name.as_str(), literal(&arg.value)))
            .collect();
        let subject = Subject::new(Dialect::Pgv, family);
        let mut errors: Option<syn::Error> = None;
        for finding in checks::check(&subject, &written) {
            let Some(arg) = self.family.rules.get(finding.rule) else {
                continue;
            };
            // A bad number is the value's fault; a conflict is the rule's.
            let error = match (&arg.value, finding.kind) {
                (ArgValue::Expr(e), FindingKind::Nan | FindingKind::Infinite) => {
                    syn::Error::new_spanned(e, finding.message)
                }
                _ => syn::Error::new(arg.ident.span(), finding.message),
            };
            match &mut errors {
                None => errors = Some(error),
                Some(all) => all.combine(error),
            }
        }
        errors.map_or(Ok(()), Err)
    }

    /// The value of a `rule = value` rule.
    fn expr(&self, name: &str) -> syn::Result<Option<(&'a Arg, &'a Expr)>> {
        match self.get(name) {
            None => Ok(None),
            Some(arg) => match &arg.value {
                ArgValue::Expr(e) => Ok(Some((arg, &**e))),
                _ => Err(syn::Error::new(
                    arg.ident.span(),
                    format!("`{name}` takes a value, e.g. `{name} = …`"),
                )),
            },
        }
    }

    fn int(&self, name: &str) -> syn::Result<Option<u64>> {
        match self.expr(name)? {
            None => Ok(None),
            Some((
                _,
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Int(i), ..
                }),
            )) => i.base10_parse().map(Some),
            Some((_, e)) => Err(syn::Error::new(
                e.span(),
                format!("`{name}` takes an integer"),
            )),
        }
    }

    fn text(&self, name: &str) -> syn::Result<Option<LitStr>> {
        match self.expr(name)? {
            None => Ok(None),
            Some((_, e)) => lit_str(e, name).map(Some),
        }
    }

    fn flag(&self, name: &str) -> syn::Result<bool> {
        match self.get(name) {
            None => Ok(false),
            Some(Arg {
                value: ArgValue::Flag,
                ..
            }) => Ok(true),
            Some(Arg {
                value: ArgValue::Expr(e),
                ..
            }) if matches!(
                &**e,
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Bool(_),
                    ..
                })
            ) =>
            {
                Ok(matches!(&**e, Expr::Lit(syn::ExprLit { lit: Lit::Bool(b), .. }) if b.value))
            }
            Some(arg) => Err(syn::Error::new(
                match &arg.value {
                    ArgValue::Expr(e) => e.span(),
                    _ => arg.ident.span(),
                },
                format!("`{name}` is a flag: write `{name}` or `{name} = true`"),
            )),
        }
    }

    /// The items of `rule = [a, b, …]` (at least one).
    fn list(&self, name: &str) -> syn::Result<Option<Vec<&'a Expr>>> {
        match self.expr(name)? {
            None => Ok(None),
            Some((_, Expr::Array(a))) if !a.elems.is_empty() => Ok(Some(a.elems.iter().collect())),
            Some((_, e)) => Err(syn::Error::new(
                e.span(),
                format!("`{name}` takes a non-empty list, e.g. `{name} = [a, b]`"),
            )),
        }
    }

    fn nested(&self, name: &str) -> Option<(&'a Arg, &'a [Family])> {
        match self.get(name) {
            Some(
                arg @ Arg {
                    value: ArgValue::Nested(f),
                    ..
                },
            ) => Some((arg, f.as_slice())),
            _ => None,
        }
    }

    /// A minimum and a maximum (their order is checked by protogate-rules).
    fn range(&self, min: &str, max: &str) -> syn::Result<(Option<u64>, Option<u64>)> {
        Ok((self.int(min)?, self.int(max)?))
    }
}

fn lit_str(e: &Expr, name: &str) -> syn::Result<LitStr> {
    match e {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(s.clone()),
        _ => Err(syn::Error::new(
            e.span(),
            format!("`{name}` takes a string literal"),
        )),
    }
}

fn opt(v: Option<u64>) -> TokenStream {
    match v {
        Some(n) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    }
}

fn wrap_if(out: &mut Vec<TokenStream>, cond: bool, test: TokenStream) {
    if cond && !out.is_empty() {
        *out = vec![quote!(if #test { #(#out)* })];
    }
}

/// The checks of a value family on `value` (a reference), in the generator's order.
fn value_checks(site: &Site<'_>, rules: &Rules<'_>) -> syn::Result<Vec<TokenStream>> {
    let family = rules.family.name.as_str();
    let mut out = Vec::new();
    match family {
        "string" => string_checks(site, rules, &mut out)?,
        "bytes" => bytes_checks(site, rules, &mut out)?,
        "bool" => {
            if rules.has("const") {
                let b = rules.flag("const")?;
                out.push(site.check(quote!(::protogate::rules::number::r#const(
                    "bool", value, #b
                ))));
            }
            if !out.is_empty() {
                out = vec![quote!({ let value = *value; #(#out)* })];
            }
        }
        "enum" => enum_checks(site, rules, &mut out)?,
        f if is_number_family(f) => number_checks(site, rules, &mut out)?,
        "duration" | "timestamp" => time_checks(site, rules, &mut out)?,
        "any" => {
            let r = quote!(::protogate::rules::message);
            if let Some((f, l)) =
                in_or_not_in(rules, |name, e| lit_str(e, name).map(|s| quote!(#s)))?
            {
                let f = match f {
                    InOrNotIn::In => quote!(any_in),
                    InOrNotIn::NotIn => quote!(any_not_in),
                };
                out.push(site.check(quote!(#r::#f(&value.type_url, &[#(#l),*]))));
            }
        }
        "message" if !rules.flag("skip")? => out.push(site.embedded()),
        _ => {}
    }
    Ok(out)
}

fn string_checks(
    site: &Site<'_>,
    rules: &Rules<'_>,
    out: &mut Vec<TokenStream>,
) -> syn::Result<()> {
    let r = quote!(::protogate::rules::string);
    let runes = lengths(
        site,
        rules,
        &r,
        ["len", "min_len", "max_len"],
        ["len", "len_range"],
    )?;
    let bytes = lengths(
        site,
        rules,
        &r,
        ["len_bytes", "min_bytes", "max_bytes"],
        ["len_bytes", "bytes_range"],
    )?;
    if let Some(c) = rules.text("const")? {
        out.push(site.check(quote!(#r::r#const(value, #c))));
    }
    if let Some((f, l)) = in_or_not_in(rules, |name, e| lit_str(e, name).map(|s| quote!(#s)))? {
        out.push(site.check(quote!(#r::#f(value, &[#(#l),*]))));
    }
    out.extend(runes);
    out.extend(bytes);
    out.extend(affixes(
        site,
        rules,
        &r,
        &["prefix", "suffix", "contains", "not_contains"],
        |name, e| lit_str(e, name).map(|s| quote!(#s)),
    )?);
    for known in [
        "ip", "ipv4", "ipv6", "email", "hostname", "address", "uri", "uri_ref", "uuid",
    ] {
        if rules.flag(known)? {
            let f = syn::Ident::new(known, Span::call_site());
            out.push(site.check(quote!(#r::#f(value))));
        }
    }
    if let Some((_, e)) = rules.expr("well_known_regex")? {
        let name = match e {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) => s.value(),
            Expr::Path(p) => p
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default(),
            _ => String::new(),
        };
        let kind = match name.as_str() {
            "HTTP_HEADER_NAME" => quote!(#r::KnownRegex::HttpHeaderName),
            "HTTP_HEADER_VALUE" => quote!(#r::KnownRegex::HttpHeaderValue),
            _ => {
                return Err(syn::Error::new(
                    e.span(),
                    "`well_known_regex` is `HTTP_HEADER_NAME` or `HTTP_HEADER_VALUE`",
                ))
            }
        };
        let strict = !rules.has("strict") || rules.flag("strict")?;
        out.push(site.check(quote!(#r::well_known_regex(value, #kind, #strict))));
    } else if let Some(arg) = rules.get("strict") {
        return Err(syn::Error::new(
            arg.ident.span(),
            "`strict` applies to `well_known_regex` only",
        ));
    }
    if let Some(p) = rules.text("pattern")? {
        out.push(pattern(site, &p, quote!(#r::pattern(value, &PATTERN)))?);
    }
    wrap_if(out, rules.flag("ignore_empty")?, quote!(!value.is_empty()));
    Ok(())
}

/// A length family (`len` alone, or `min`/`max`): its check, calling `exact` or `range` of the
/// runtime module `r` (PGV ignores the bounds when `len` is set, so together they are an error
/// from protogate-rules).
fn lengths(
    site: &Site<'_>,
    rules: &Rules<'_>,
    r: &TokenStream,
    [len, min, max]: [&str; 3],
    [exact, range]: [&str; 2],
) -> syn::Result<Option<TokenStream>> {
    let (lo, hi) = rules.range(min, max)?;
    let (exact, range) = (
        syn::Ident::new(exact, Span::call_site()),
        syn::Ident::new(range, Span::call_site()),
    );
    Ok(match (rules.int(len)?, lo, hi) {
        (Some(n), ..) => Some(site.check(quote!(#r::#exact(value, #n)))),
        (None, None, None) => None,
        (None, lo, hi) => {
            let (lo, hi) = (opt(lo), opt(hi));
            Some(site.check(quote!(#r::#range(value, #lo, #hi))))
        }
    })
}

/// `prefix`, `suffix`, `contains` (and `not_contains`), each with its literal from `literal`.
fn affixes(
    site: &Site<'_>,
    rules: &Rules<'_>,
    r: &TokenStream,
    names: &[&str],
    literal: impl Fn(&str, &Expr) -> syn::Result<TokenStream>,
) -> syn::Result<Vec<TokenStream>> {
    let mut out = Vec::new();
    for &affix in names {
        let Some((_, e)) = rules.expr(affix)? else {
            continue;
        };
        let lit = literal(affix, e)?;
        let f = syn::Ident::new(affix, e.span());
        out.push(site.check(quote!(#r::#f(value, #lit))));
    }
    Ok(out)
}

fn pattern(site: &Site<'_>, p: &LitStr, call: TokenStream) -> syn::Result<TokenStream> {
    if let Err(e) = regex_syntax::Parser::new().parse(&protogate_re2::re2_to_regex(&p.value())) {
        return Err(syn::Error::new(p.span(), format!("invalid pattern: {e}")));
    }
    let check = site.check(call);
    Ok(quote! {
        {
            static PATTERN: ::protogate::rules::Pattern = ::protogate::rules::Pattern::new(#p);
            #check
        }
    })
}

fn bytes_lit(e: &Expr, name: &str) -> syn::Result<TokenStream> {
    let bytes = match e {
        Expr::Lit(syn::ExprLit {
            lit: Lit::ByteStr(b),
            ..
        }) => b.value(),
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => s.value().into_bytes(),
        _ => {
            return Err(syn::Error::new(
                e.span(),
                format!("`{name}` takes a byte string (b\"…\") or a string literal"),
            ))
        }
    };
    let lit = Literal::byte_string(&bytes);
    Ok(quote_spanned!(e.span()=> &#lit[..]))
}

fn bytes_checks(site: &Site<'_>, rules: &Rules<'_>, out: &mut Vec<TokenStream>) -> syn::Result<()> {
    let r = quote!(::protogate::rules::bytes);
    let lengths = lengths(
        site,
        rules,
        &r,
        ["len", "min_len", "max_len"],
        ["len", "len_range"],
    )?;
    out.extend(lengths);
    out.extend(affixes(
        site,
        rules,
        &r,
        &["prefix", "suffix", "contains"],
        |name, e| bytes_lit(e, name),
    )?);
    if let Some((f, l)) = in_or_not_in(rules, |name, e| bytes_lit(e, name))? {
        out.push(site.check(quote!(#r::#f(value, &[#(#l),*]))));
    }
    if let Some((_, e)) = rules.expr("const")? {
        let b = bytes_lit(e, "const")?;
        out.push(site.check(quote!(#r::r#const(value, #b))));
    }
    for known in ["ip", "ipv4", "ipv6"] {
        if rules.flag(known)? {
            let f = syn::Ident::new(known, Span::call_site());
            out.push(site.check(quote!(#r::#f(value))));
        }
    }
    if let Some(p) = rules.text("pattern")? {
        out.push(pattern(site, &p, quote!(#r::pattern(value, &PATTERN)))?);
    }
    wrap_if(out, rules.flag("ignore_empty")?, quote!(!value.is_empty()));
    Ok(())
}

/// A rule's value as protogate-rules reads it. Only literals are looked into; a constant or
/// an expression is left to rustc, except `f32::NAN` / `f64::NAN`, which no bound may be.
fn literal(value: &ArgValue) -> RuleLiteral {
    let e = match value {
        ArgValue::Flag => return RuleLiteral::Flag(true),
        ArgValue::Nested(_) => return RuleLiteral::Other,
        ArgValue::Expr(e) => &**e,
    };
    match e {
        Expr::Lit(l) => lit_literal(&l.lit, false),
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => match &*u.expr {
            Expr::Lit(l) => lit_literal(&l.lit, true),
            _ => RuleLiteral::Other,
        },
        Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "NAN") => {
            RuleLiteral::Float(f64::NAN)
        }
        Expr::Array(a) => RuleLiteral::List(
            a.elems
                .iter()
                .map(|item| literal(&ArgValue::Expr(Box::new(item.clone()))))
                .collect(),
        ),
        _ => RuleLiteral::Other,
    }
}

fn lit_literal(lit: &Lit, negative: bool) -> RuleLiteral {
    let sign: i32 = if negative { -1 } else { 1 };
    match lit {
        Lit::Bool(b) if !negative => RuleLiteral::Flag(b.value),
        Lit::Int(i) => i.base10_parse::<i128>().map_or(RuleLiteral::Other, |v| {
            RuleLiteral::Int(i128::from(sign) * v)
        }),
        Lit::Float(f) => f.base10_parse::<f64>().map_or(RuleLiteral::Other, |v| {
            RuleLiteral::Float(f64::from(sign) * v)
        }),
        Lit::Str(s) if !negative => RuleLiteral::Text(s.value()),
        Lit::ByteStr(b) if !negative => RuleLiteral::Bytes(b.value()),
        _ => RuleLiteral::Other,
    }
}

/// The Rust type of a numeric family's values.
fn number_type(family: &str) -> &'static str {
    match family {
        "float" => "f32",
        "double" => "f64",
        "int32" | "sint32" | "sfixed32" | "enum" => "i32",
        "int64" | "sint64" | "sfixed64" => "i64",
        "uint32" | "fixed32" => "u32",
        _ => "u64",
    }
}

/// A bound or list item of a numeric family as a literal of the family's type. Literals are
/// range-checked here; any other expression (a constant, `f64::INFINITY`) is left to rustc.
fn number(family: &str, name: &str, e: &Expr) -> syn::Result<TokenStream> {
    let ty = number_type(family);
    let (negative, lit) = match e {
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => match &*u.expr {
            Expr::Lit(l) => (true, &l.lit),
            _ => return Ok(quote!(#e)),
        },
        Expr::Lit(l) => (false, &l.lit),
        _ => return Ok(quote!(#e)),
    };
    let sign = if negative { quote!(-) } else { quote!() };
    let span = e.span();
    let out_of_range = |shown: String| {
        syn::Error::new_spanned(
            e,
            format!("`{name}`: {shown} is out of range for `{family}` ({ty})"),
        )
    };
    let mut literal = match (ty, lit) {
        ("f32" | "f64", Lit::Int(_) | Lit::Float(_)) => {
            let v: f64 = match lit {
                Lit::Int(i) => i.base10_parse()?,
                Lit::Float(f) => f.base10_parse()?,
                _ => 0.0,
            };
            if ty == "f32" {
                if (v as f32).is_infinite() {
                    return Err(out_of_range(format!(
                        "{}{v}",
                        if negative { "-" } else { "" }
                    )));
                }
                Literal::f32_suffixed(v as f32)
            } else {
                Literal::f64_suffixed(v)
            }
        }
        (_, Lit::Int(i)) => {
            let v: i128 = i.base10_parse()?;
            let v = if negative { -v } else { v };
            let fits = match ty {
                "i32" => i32::try_from(v).is_ok(),
                "i64" => i64::try_from(v).is_ok(),
                "u32" => u32::try_from(v).is_ok(),
                _ => u64::try_from(v).is_ok(),
            };
            if !fits {
                return Err(out_of_range(v.to_string()));
            }
            // The sign is a separate token: rustc accepts `-2147483648i32` as a whole.
            format!("{}{ty}", v.unsigned_abs())
                .parse::<Literal>()
                .map_err(|_| out_of_range(v.to_string()))?
        }
        (_, Lit::Float(_)) => {
            return Err(syn::Error::new_spanned(
                e,
                format!("`{name}` takes an integer for `{family}`"),
            ))
        }
        _ => {
            return Err(syn::Error::new_spanned(
                e,
                format!("`{name}` takes a number for `{family}`"),
            ))
        }
    };
    literal.set_span(span);
    Ok(quote_spanned!(span=> #sign #literal))
}

fn number_checks(
    site: &Site<'_>,
    rules: &Rules<'_>,
    out: &mut Vec<TokenStream>,
) -> syn::Result<()> {
    let family = rules.family.name.as_str();
    let r = quote!(::protogate::rules::number);
    let lit = |name: &str| -> syn::Result<Option<TokenStream>> {
        rules
            .expr(name)?
            .map(|(_, e)| number(family, name, e))
            .transpose()
    };
    if let Some(c) = lit("const")? {
        out.push(site.check(quote!(#r::r#const(#family, value, #c))));
    }
    let bound = |ex: &str, inc: &str| -> syn::Result<TokenStream> {
        Ok(if let Some(e) = lit(ex)? {
            quote!(::core::option::Option::Some(#r::Bound::exclusive(#e)))
        } else if let Some(e) = lit(inc)? {
            quote!(::core::option::Option::Some(#r::Bound::inclusive(#e)))
        } else {
            quote!(::core::option::Option::None)
        })
    };
    if ["gt", "gte", "lt", "lte"].iter().any(|n| rules.has(n)) {
        let (lower, upper) = (bound("gt", "gte")?, bound("lt", "lte")?);
        out.push(site.check(quote!(#r::range(#family, value, #lower, #upper))));
    }
    number_lists(site, rules, family, out)?;
    wrap_if(out, rules.flag("ignore_empty")?, {
        // Typed: `value != Default::default()` is ambiguous next to other `PartialEq` impls.
        let ty = syn::Ident::new(number_type(family), Span::call_site());
        quote!(value != <#ty as ::core::default::Default>::default())
    });
    if !out.is_empty() {
        *out = vec![quote!({ let value = *value; #(#out)* })];
    }
    Ok(())
}

/// `in`, or else `not_in` (PGV checks `not_in` only without `in`): which of the two, and the
/// list's items.
fn in_or_not_in(
    rules: &Rules<'_>,
    item: impl Fn(&str, &Expr) -> syn::Result<TokenStream>,
) -> syn::Result<Option<(InOrNotIn, Vec<TokenStream>)>> {
    for (name, which) in [("in", InOrNotIn::In), ("not_in", InOrNotIn::NotIn)] {
        if let Some(list) = rules.list(name)? {
            let items = list
                .into_iter()
                .map(|e| item(name, e))
                .collect::<syn::Result<Vec<_>>>()?;
            return Ok(Some((which, items)));
        }
    }
    Ok(None)
}

#[derive(Clone, Copy)]
enum InOrNotIn {
    In,
    NotIn,
}

impl quote::ToTokens for InOrNotIn {
    /// The runtime function's name in the scalar rule modules.
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            InOrNotIn::In => quote!(r#in),
            InOrNotIn::NotIn => quote!(not_in),
        });
    }
}

/// `in` or `not_in` of a numeric or enum family.
fn number_lists(
    site: &Site<'_>,
    rules: &Rules<'_>,
    family: &str,
    out: &mut Vec<TokenStream>,
) -> syn::Result<()> {
    let r = quote!(::protogate::rules::number);
    if let Some((f, l)) = in_or_not_in(rules, |name, e| number(family, name, e))? {
        out.push(site.check(quote!(#r::#f(#family, value, &[#(#l),*]))));
    }
    Ok(())
}

fn enum_checks(site: &Site<'_>, rules: &Rules<'_>, out: &mut Vec<TokenStream>) -> syn::Result<()> {
    let r = quote!(::protogate::rules::number);
    if let Some((_, e)) = rules.expr("const")? {
        let c = number("enum", "const", e)?;
        out.push(site.check(quote!(#r::r#const("enum", value, #c))));
    }
    number_lists(site, rules, "enum", out)?;
    match rules.get("defined_only") {
        None => {}
        Some(Arg {
            value: ArgValue::Expr(e),
            ..
        }) if matches!(&**e, Expr::Path(_)) => {
            out.push(site.check(quote!(::protogate::rules::message::defined_only(
            <#e as ::core::convert::TryFrom<i32>>::try_from(value).is_ok()
                    ))));
        }
        Some(arg) => return Err(syn::Error::new(
            match &arg.value {
                ArgValue::Expr(e) => e.span(),
                _ => arg.ident.span(),
            },
            "`defined_only` names the enum type, e.g. `defined_only = Color` (a prost enumeration)",
        )),
    }
    if !out.is_empty() {
        *out = vec![quote! {
            { let value: i32 = ::core::convert::Into::<i32>::into(*value); #(#out)* }
        }];
    }
    Ok(())
}

/// A duration or timestamp literal as `Instant::new(seconds, nanos)`.
fn instant(family: &str, name: &str, e: &Expr) -> syn::Result<TokenStream> {
    let text = lit_str(e, name).map_err(|_| {
        let example = if family == "timestamp" && name != "within" {
            "\"2023-05-10T12:00:00Z\""
        } else {
            "\"1.5s\""
        };
        syn::Error::new(
            e.span(),
            format!("`{name}` takes a string literal, e.g. `{name} = {example}`"),
        )
    })?;
    let parsed = if family == "timestamp" && name != "within" {
        time_lit::timestamp(&text.value())
    } else {
        time_lit::duration(&text.value())
    };
    let (s, n) = parsed.map_err(|msg| syn::Error::new(text.span(), msg))?;
    Ok(quote!(::protogate::rules::time::Instant::new(#s, #n)))
}

fn time_checks(site: &Site<'_>, rules: &Rules<'_>, out: &mut Vec<TokenStream>) -> syn::Result<()> {
    let family = rules.family.name.as_str();
    let r = if family == "duration" {
        quote!(::protogate::rules::time::duration)
    } else {
        quote!(::protogate::rules::time::timestamp)
    };
    let lit = |name: &str| -> syn::Result<Option<TokenStream>> {
        rules
            .expr(name)?
            .map(|(_, e)| instant(family, name, e))
            .transpose()
    };
    let mut inner = Vec::new();
    if let Some(c) = lit("const")? {
        inner.push(site.check(quote!(#r::r#const(value, #c))));
    }
    let bound = |ex: &str, inc: &str| -> syn::Result<Option<TokenStream>> {
        let b = quote!(::protogate::rules::number::Bound);
        Ok(if let Some(e) = lit(ex)? {
            Some(quote!(::core::option::Option::Some(#b::exclusive(#e))))
        } else {
            lit(inc)?.map(|e| quote!(::core::option::Option::Some(#b::inclusive(#e))))
        })
    };
    let (lower, upper) = (bound("gt", "gte")?, bound("lt", "lte")?);
    let relative = ["lt_now", "gt_now", "within"];
    if lower.is_some() || upper.is_some() {
        let none = quote!(::core::option::Option::None);
        let (lower, upper) = (lower.unwrap_or_else(|| none.clone()), upper.unwrap_or(none));
        inner.push(site.check(quote!(#r::range(value, #lower, #upper))));
    } else if relative.iter().any(|n| rules.has(n)) {
        let (lt_now, gt_now) = (rules.flag("lt_now")?, rules.flag("gt_now")?);
        let within = match lit("within")? {
            Some(w) => quote!(::core::option::Option::Some(#w)),
            None => quote!(::core::option::Option::None),
        };
        inner.push(site.check(quote!(#r::relative(value, #lt_now, #gt_now, #within))));
    }
    if let Some((f, l)) = in_or_not_in(rules, |name, e| instant(family, name, e))? {
        inner.push(site.check(quote!(#r::#f(value, &[#(#l),*]))));
    }
    if !inner.is_empty() {
        let invalid = site.check(quote!(checked));
        out.push(quote! {
            {
                let value = ::protogate::rules::time::Instant::new(value.seconds, value.nanos);
                let checked = #r::valid(value);
                if checked.is_ok() { #(#inner)* } else { #invalid }
            }
        });
    }
    Ok(())
}

/// The checks of the element rules `items(…)`, `keys(…)` or `values(…)` on `value`.
fn element_checks(
    site: &Site<'_>,
    arg: &Arg,
    families: &[Family],
    ty: Option<&Type>,
) -> syn::Result<Vec<TokenStream>> {
    let mut out = Vec::new();
    for family in families {
        let rules = Rules::new(family)?;
        if let Some(ty) = ty {
            check_type(family, ty)?;
        }
        match family.name.as_str() {
            "repeated" | "map" => {
                return Err(syn::Error::new(
                    family.span,
                    format!(
                        "`{}` rules cannot apply to the {} of a collection",
                        family.name,
                        element_word(&arg.name)
                    ),
                ))
            }
            _ => {
                if let Some(r) = rules.get("required") {
                    return Err(syn::Error::new(
                        r.ident.span(),
                        format!(
                            "`required` cannot apply to the {}: they are always set",
                            element_word(&arg.name)
                        ),
                    ));
                }
            }
        }
        let body = value_checks(site, &rules)?;
        let span = family.span;
        out.extend(body.into_iter().map(|b| quote_spanned!(span=> #b)));
    }
    Ok(out)
}

fn element_word(rule: &str) -> &'static str {
    match rule {
        "items" => "items",
        "keys" => "keys",
        _ => "values",
    }
}

fn repeated_checks(ctx: &FieldCtx<'_>, rules: &Rules<'_>, ty: &Type) -> syn::Result<TokenStream> {
    let site = ctx.site(None);
    let ident = &ctx.ident;
    let mut out = Vec::new();
    if rules.has("min_items") || rules.has("max_items") {
        let (min, max) = rules.range("min_items", "max_items")?;
        let (min, max) = (opt(min), opt(max));
        out.push(site.check(quote!(
            ::protogate::rules::collection::repeated::items(values.len(), #min, #max)
        )));
    }
    let item_site = ctx.site(Some(quote!(::protogate::validate::At::Item(index))));
    let mut per_item = Vec::new();
    if rules.flag("unique")? {
        per_item.push(item_site.check(quote!(
            ::protogate::rules::collection::repeated::unique_at(values, index)
        )));
    }
    let mut uses_value = false;
    if let Some((arg, families)) = rules.nested("items") {
        let checks = element_checks(&item_site, arg, families, generic_arg(ty, "Vec", 0))?;
        uses_value = !checks.is_empty();
        per_item.extend(checks);
    }
    if !per_item.is_empty() {
        out.push(if uses_value {
            quote! { for (index, value) in values.iter().enumerate() { #(#per_item)* } }
        } else {
            quote! { for index in 0..values.len() { #(#per_item)* } }
        });
    }
    wrap_if(
        &mut out,
        rules.flag("ignore_empty")?,
        quote!(!values.is_empty()),
    );
    if out.is_empty() {
        return Ok(TokenStream::new());
    }
    Ok(quote!({ let values = &self.#ident; #(#out)* }))
}

fn map_checks(ctx: &FieldCtx<'_>, rules: &Rules<'_>, ty: &Type) -> syn::Result<TokenStream> {
    let site = ctx.site(None);
    let ident = &ctx.ident;
    let mut out = Vec::new();
    if rules.has("min_pairs") || rules.has("max_pairs") {
        let (min, max) = rules.range("min_pairs", "max_pairs")?;
        let (min, max) = (opt(min), opt(max));
        out.push(site.check(quote!(
            ::protogate::rules::collection::map::pairs(values.len(), #min, #max)
        )));
    }
    // `no_sparse` is satisfied by construction: a Rust map holds a value for every key.
    rules.flag("no_sparse")?;
    let map_arg = |i| generic_arg(ty, "HashMap", i).or_else(|| generic_arg(ty, "BTreeMap", i));
    let key_site = ctx.site(Some(quote!(::protogate::validate::At::Key(key.into()))));
    let value_site = ctx.site(Some(quote!(::protogate::validate::At::Value(key.into()))));
    let key_checks = match rules.nested("keys") {
        Some((arg, families)) => element_checks(&key_site, arg, families, map_arg(0))?,
        None => Vec::new(),
    };
    let value_checks = match rules.nested("values") {
        Some((arg, families)) => element_checks(&value_site, arg, families, map_arg(1))?,
        None => Vec::new(),
    };
    let keys = (!key_checks.is_empty()).then(|| quote!({ let value = key; #(#key_checks)* }));
    match (keys, value_checks.is_empty()) {
        (None, true) => {}
        (keys, false) => out.push(quote! {
            for (key, value) in values.iter() { #keys #(#value_checks)* }
        }),
        (Some(keys), true) => out.push(quote! { for key in values.keys() { #keys } }),
    }
    wrap_if(
        &mut out,
        rules.flag("ignore_empty")?,
        quote!(!values.is_empty()),
    );
    if out.is_empty() {
        return Ok(TokenStream::new());
    }
    Ok(quote!({ let values = &self.#ident; #(#out)* }))
}

/// The last path segment of a type and its generic type arguments (`Vec<T>` → `Vec`, [T]).
fn type_shape(ty: &Type) -> Option<(String, Vec<&Type>)> {
    let ty = match ty {
        Type::Reference(r) => &*r.elem,
        Type::Group(g) => &*g.elem,
        Type::Paren(p) => &*p.elem,
        other => other,
    };
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let args = match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((last.ident.to_string(), args))
}

fn generic_arg<'t>(ty: &'t Type, container: &str, index: usize) -> Option<&'t Type> {
    match type_shape(ty) {
        Some((name, args)) if name == container => args.get(index).copied(),
        _ => None,
    }
}

/// A compile error when `family` plainly does not fit the field's Rust type. Types the macro
/// does not know (aliases, wrappers, user types) are left to rustc.
fn check_type(family: &Family, ty: &Type) -> syn::Result<()> {
    let Some((name, args)) = type_shape(ty) else {
        return Ok(());
    };
    let byte_vec = name == "Vec"
        && args
            .first()
            .and_then(|t| type_shape(t))
            .is_some_and(|(n, _)| n == "u8");
    let kind = match name.as_str() {
        "String" | "str" => "string",
        "Cow"
            if args
                .first()
                .and_then(|t| type_shape(t))
                .is_some_and(|(n, _)| n == "str") =>
        {
            "string"
        }
        "Bytes" => "bytes",
        "Vec" if byte_vec => "bytes",
        "bool" => "bool",
        "i32" | "i64" | "u32" | "u64" | "f32" | "f64" => name.as_str(),
        "Vec" => "list",
        "HashMap" | "BTreeMap" => "map",
        _ => match wrapper_family(ty) {
            Some(wrapped) if is_scalar(&family.name) && family.name != wrapped => {
                return Err(syn::Error::new(
                    family.span,
                    format!(
                        "`{}` rules do not fit `{name}`, whose value takes `{wrapped}` rules",
                        family.name
                    ),
                ))
            }
            _ => return Ok(()),
        },
    };
    let f = family.name.as_str();
    let fits = match f {
        "string" => kind == "string",
        "bytes" => kind == "bytes",
        "bool" => kind == "bool",
        "enum" => kind == "i32",
        "repeated" => kind == "list" || kind == "bytes",
        "map" => kind == "map",
        "message" | "duration" | "timestamp" | "any" | "oneof" => false,
        n if is_number_family(n) => kind == number_type(n),
        _ => true,
    };
    if fits {
        return Ok(());
    }
    let wanted = match f {
        "string" => "a `String`".to_string(),
        "bytes" => "a `Vec<u8>` or `Bytes`".to_string(),
        "bool" => "a `bool`".to_string(),
        "enum" => "an `i32` (or a prost enumeration)".to_string(),
        "repeated" => "a `Vec<…>`".to_string(),
        "map" => "a `HashMap<…>` or `BTreeMap<…>`".to_string(),
        "message" | "duration" | "timestamp" | "any" => "a message type".to_string(),
        "oneof" => "an `Option` of a oneof enum".to_string(),
        n => {
            let ty = number_type(n);
            let article = if ty.starts_with('u') { "a" } else { "an" };
            format!("{article} `{ty}`")
        }
    };
    Err(syn::Error::new(
        family.span,
        format!(
            "`{f}` rules need {wanted}, not `{}`",
            quote!(#ty).to_string().replace(' ', "")
        ),
    ))
}

fn option_inner(ty: &Type) -> Option<&Type> {
    match type_shape(ty) {
        Some((name, args)) if name == "Option" => args.first().copied(),
        _ => None,
    }
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
