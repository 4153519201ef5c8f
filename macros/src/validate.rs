//! `#[derive(Validate)]`: PGV-style field attributes expanded into calls to the same runtime
//! rule functions the generator emits, so hand-written structs and generated messages share one
//! implementation of every rule.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, Fields, Lit, LitStr, Type};

const NUMBERS: &[&str] = &[
    "float", "double", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
    "fixed64", "sfixed32", "sfixed64",
];

pub fn derive(input: DeriveInput) -> syn::Result<TokenStream> {
    let ident = &input.ident;
    let mut name = ident.to_string();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("validate")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                name = meta.value()?.parse::<LitStr>()?.value();
                Ok(())
            } else {
                Err(meta.error("expected `name = \"Message\"` (the name PGV's messages use)"))
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
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("validate")) {
            let ctx = FieldCtx {
                message: name.clone(),
                go_field: upper_camel(&field_ident.to_string()),
                path: field_ident.to_string().trim_start_matches("r#").to_string(),
                ident: field_ident.clone(),
                optional: option_inner(&field.ty).is_some(),
            };
            checks.push(field_checks(&ctx, attr)?);
        }
    }
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics ::protogate::Validate for #ident #ty_generics #where_clause {
            fn collect_violations(&self, v: &mut ::protogate::Collector) {
                #(#checks)*
            }
        }
    })
}

struct FieldCtx {
    message: String,
    go_field: String,
    path: String,
    ident: syn::Ident,
    optional: bool,
}

impl FieldCtx {
    fn check(&self, call: TokenStream) -> TokenStream {
        let (m, g, p) = (&self.message, &self.go_field, &self.path);
        quote!(v.check(#call, #m, #g, #p);)
    }

    /// Runs `body` with `value` bound to a reference to the field's value (when set).
    fn bind(&self, body: TokenStream) -> TokenStream {
        let ident = &self.ident;
        if self.optional {
            quote!(if let ::core::option::Option::Some(value) = &self.#ident { #body })
        } else {
            quote!({ let value = &self.#ident; #body })
        }
    }
}

/// One `#[validate(family(rule = value, …))]` attribute.
fn field_checks(ctx: &FieldCtx, attr: &syn::Attribute) -> syn::Result<TokenStream> {
    let mut out = Vec::new();
    attr.parse_nested_meta(|family| {
        let fam = family
            .path
            .get_ident()
            .map(|i| i.to_string())
            .unwrap_or_default();
        let fam = fam.trim_start_matches("r#").to_string();
        let mut rules: Vec<(syn::Ident, Option<Expr>)> = Vec::new();
        if family.input.peek(syn::token::Paren) {
            family.parse_nested_meta(|rule| {
                let ident = rule
                    .path
                    .get_ident()
                    .cloned()
                    .ok_or_else(|| rule.error("expected a rule name"))?;
                let value = if rule.input.peek(syn::Token![=]) {
                    Some(rule.value()?.parse::<Expr>()?)
                } else {
                    None
                };
                rules.push((ident, value));
                Ok(())
            })?;
        }
        out.push(family_checks(ctx, &fam, family.path.span(), &rules)?);
        Ok(())
    })?;
    Ok(quote!(#(#out)*))
}

fn family_checks(
    ctx: &FieldCtx,
    family: &str,
    span: Span,
    rules: &[(syn::Ident, Option<Expr>)],
) -> syn::Result<TokenStream> {
    let allowed: &[&str] = match family {
        "string" => &[
            "const", "len", "min_len", "max_len", "len_bytes", "min_bytes", "max_bytes", "prefix",
            "suffix", "contains", "not_contains", "pattern", "email", "hostname", "ip", "ipv4",
            "ipv6", "uri", "uri_ref", "address", "uuid", "ignore_empty",
        ],
        "bytes" => &["len", "min_len", "max_len", "prefix", "suffix", "contains", "ip", "ipv4", "ipv6"],
        "bool" => &["const"],
        "message" => &["required", "skip"],
        "repeated" => &["min_items", "max_items", "unique"],
        f if NUMBERS.contains(&f) => &["const", "lt", "lte", "gt", "gte", "ignore_empty"],
        _ => {
            return Err(syn::Error::new(
                span,
                format!(
                    "unknown rule family `{family}`: expected one of string, bytes, bool, message, repeated, {}",
                    NUMBERS.join(", ")
                ),
            ))
        }
    };
    let get = |name: &str| {
        rules
            .iter()
            .find(|(i, _)| i.to_string().trim_start_matches("r#") == name)
    };
    for (ident, _) in rules {
        let name = ident.to_string();
        let name = name.trim_start_matches("r#");
        if !allowed.contains(&name) {
            return Err(syn::Error::new(
                ident.span(),
                format!(
                    "`{name}` is not a `{family}` rule; expected one of: {}",
                    allowed.join(", ")
                ),
            ));
        }
    }
    let int = |name: &str| -> syn::Result<Option<u64>> {
        match get(name) {
            None => Ok(None),
            Some((ident, Some(Expr::Lit(l)))) => match &l.lit {
                Lit::Int(i) => i.base10_parse().map(Some),
                _ => Err(syn::Error::new(
                    l.span(),
                    format!("`{ident}` takes an integer"),
                )),
            },
            Some((ident, other)) => Err(syn::Error::new(
                other.as_ref().map_or(ident.span(), |e| e.span()),
                format!("`{ident}` takes an integer, e.g. `{ident} = 1`"),
            )),
        }
    };
    let text = |name: &str| -> syn::Result<Option<LitStr>> {
        match get(name) {
            None => Ok(None),
            Some((
                _,
                Some(Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(s), ..
                })),
            )) => Ok(Some(s.clone())),
            Some((ident, other)) => Err(syn::Error::new(
                other.as_ref().map_or(ident.span(), |e| e.span()),
                format!("`{ident}` takes a string literal"),
            )),
        }
    };
    let flag = |name: &str| -> syn::Result<bool> {
        match get(name) {
            None => Ok(false),
            Some((_, None)) => Ok(true),
            Some((
                _,
                Some(Expr::Lit(syn::ExprLit {
                    lit: Lit::Bool(b), ..
                })),
            )) => Ok(b.value),
            Some((ident, Some(e))) => Err(syn::Error::new(
                e.span(),
                format!("`{ident}` is a flag: write `{ident}` or `{ident} = true`"),
            )),
        }
    };
    let opt = |v: Option<u64>| match v {
        Some(n) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };
    let range_error = |lo: &str, hi: &str, a: u64, b: u64| {
        let (ident, _) = get(lo).expect("present");
        syn::Error::new(
            ident.span(),
            format!("`{lo}` ({a}) is greater than `{hi}` ({b}): no value can pass"),
        )
    };
    let mut checks = Vec::new();
    match family {
        "string" | "bytes" => {
            let r = if family == "string" {
                quote!(::protogate::rules::string)
            } else {
                quote!(::protogate::rules::bytes)
            };
            if let Some(c) = text("const")? {
                checks.push(ctx.check(quote!(#r::r#const(value, #c))));
            }
            let (min, max) = (int("min_len")?, int("max_len")?);
            if let (Some(a), Some(b)) = (min, max) {
                if a > b {
                    return Err(range_error("min_len", "max_len", a, b));
                }
            }
            if let Some(n) = int("len")? {
                checks.push(ctx.check(quote!(#r::len(value, #n))));
            } else if min.is_some() || max.is_some() {
                let (min, max) = (opt(min), opt(max));
                checks.push(ctx.check(quote!(#r::len_range(value, #min, #max))));
            }
            if family == "string" {
                if let Some(n) = int("len_bytes")? {
                    checks.push(ctx.check(quote!(#r::len_bytes(value, #n))));
                } else if get("min_bytes").is_some() || get("max_bytes").is_some() {
                    let (min, max) = (opt(int("min_bytes")?), opt(int("max_bytes")?));
                    checks.push(ctx.check(quote!(#r::bytes_range(value, #min, #max))));
                }
            }
            for affix in ["prefix", "suffix", "contains", "not_contains"] {
                if let Some(s) = text(affix)? {
                    let f = syn::Ident::new(affix, s.span());
                    checks.push(if family == "string" {
                        ctx.check(quote!(#r::#f(value, #s)))
                    } else {
                        ctx.check(quote!(#r::#f(value, #s.as_bytes())))
                    });
                }
            }
            for known in [
                "ip", "ipv4", "ipv6", "email", "hostname", "address", "uri", "uri_ref", "uuid",
            ] {
                if flag(known)? {
                    let f = syn::Ident::new(known, span);
                    checks.push(ctx.check(quote!(#r::#f(value))));
                }
            }
            if let Some(p) = text("pattern")? {
                if let Err(e) =
                    regex_syntax::Parser::new().parse(&protogate_re2::re2_to_regex(&p.value()))
                {
                    return Err(syn::Error::new(p.span(), format!("invalid pattern: {e}")));
                }
                let check = ctx.check(quote!(#r::pattern(value, &PATTERN)));
                checks.push(quote! {
                    {
                        static PATTERN: ::protogate::rules::Pattern = ::protogate::rules::Pattern::new(#p);
                        #check
                    }
                });
            }
            if flag("ignore_empty")? && !checks.is_empty() {
                checks = vec![quote!(if !value.is_empty() { #(#checks)* })];
            }
        }
        "bool" => {
            if get("const").is_some() {
                let b = flag("const")?;
                checks.push(
                    ctx.check(quote!(::protogate::rules::number::r#const("bool", *value, #b))),
                );
            }
        }
        f if NUMBERS.contains(&f) => {
            let lit = |name: &str| get(name).and_then(|(_, e)| e.clone());
            let r = quote!(::protogate::rules::number);
            if let Some(c) = lit("const") {
                checks.push(ctx.check(quote!(#r::r#const(#f, *value, #c))));
            }
            let bound = |ex: &str, inc: &str| {
                if let Some(e) = lit(ex) {
                    quote!(::core::option::Option::Some(#r::Bound::exclusive(#e)))
                } else if let Some(e) = lit(inc) {
                    quote!(::core::option::Option::Some(#r::Bound::inclusive(#e)))
                } else {
                    quote!(::core::option::Option::None)
                }
            };
            if ["gt", "gte", "lt", "lte"].iter().any(|n| get(n).is_some()) {
                let (lower, upper) = (bound("gt", "gte"), bound("lt", "lte"));
                checks.push(ctx.check(quote!(#r::range(#f, *value, #lower, #upper))));
            }
            if flag("ignore_empty")? && !checks.is_empty() {
                checks =
                    vec![quote!(if *value != ::core::default::Default::default() { #(#checks)* })];
            }
        }
        "repeated" => {
            let (min, max) = (int("min_items")?, int("max_items")?);
            if let (Some(a), Some(b)) = (min, max) {
                if a > b {
                    return Err(range_error("min_items", "max_items", a, b));
                }
            }
            if min.is_some() || max.is_some() {
                let (min, max) = (opt(min), opt(max));
                checks.push(ctx.check(
                    quote!(::protogate::rules::collection::repeated::items(value.len(), #min, #max)),
                ));
            }
            if flag("unique")? {
                let (m, g, p) = (&ctx.message, &ctx.go_field, &ctx.path);
                checks.push(quote! {
                    for index in 0..value.len() {
                        v.check_at(
                            ::protogate::rules::collection::repeated::unique_at(value, index),
                            #m, #g, #p, ::protogate::validate::At::Item(index),
                        );
                    }
                });
            }
        }
        "message" => {
            let ident = &ctx.ident;
            let (m, g, p) = (&ctx.message, &ctx.go_field, &ctx.path);
            if flag("required")? {
                if !ctx.optional {
                    return Err(syn::Error::new(
                        span,
                        "`required` needs an `Option<…>` field",
                    ));
                }
                checks.push(ctx.check(quote!(::protogate::rules::message::required(&self.#ident))));
            }
            if !flag("skip")? {
                let embed =
                    quote!(v.embedded(value, #m, #g, #p, ::protogate::validate::At::Field););
                checks.push(ctx.bind(embed));
            }
            return Ok(quote!(#(#checks)*));
        }
        _ => unreachable!("families are matched above"),
    }
    if checks.is_empty() {
        return Ok(TokenStream::new());
    }
    Ok(quote_spanned!(span=> #(#checks)*)).map(|body| ctx.bind(body))
}

fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
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
