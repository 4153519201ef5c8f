//! Rule values read from attribute expressions into the shared emitters' description
//! ([`protogate_rules::emit::Written`]), each value checked against the kind the catalogue
//! gives its rule: a value of the wrong kind, or out of the field type's range, is a compile
//! error at its span. The emitters of protogate-rules then write the calls, as they do for
//! generated validators.

use protogate_rules::catalogue::ValueKind;
use protogate_rules::emit::{self, Facts, PgvSite, Value, Written};

use super::rules::lit_str;
use super::*;

/// The checks of a value family on `value` (a reference), reported at `at`, in PGV's order.
pub(super) fn value_checks(
    site: &PgvSite,
    at: Option<&TokenStream>,
    rules: &Rules<'_>,
) -> syn::Result<Vec<TokenStream>> {
    let family = rules.family.name.as_str();
    if family == "message" {
        let skip = rules.flag("skip")?;
        return Ok(if skip {
            Vec::new()
        } else {
            vec![emit::Site::embedded(site, at)]
        });
    }
    let written = Written::new(Dialect::Pgv, family, &rules.written, rules.facts.clone());
    Ok(emit::family(site, at, &written))
}

/// The rules of one family that hold a value, read; the index of each one's attribute
/// argument; and the type facts they name (`defined_only = Color` names the enum type).
pub(super) fn read(rules: &Rules<'_>) -> syn::Result<(Vec<emit::Rule>, Vec<usize>, Facts)> {
    let family = rules.family.name.as_str();
    let mut out = Vec::new();
    let mut args = Vec::new();
    let mut facts = Facts::default();
    for (index, arg) in rules.family.rules.iter().enumerate() {
        let Some(spec) = catalogue::rule(Dialect::Pgv, family, &arg.name) else {
            continue;
        };
        if spec.is_element_rules() {
            continue;
        }
        let span = match &arg.value {
            ArgValue::Expr(e) => e.span(),
            _ => arg.ident.span(),
        };
        let value = if family == "enum" && arg.name == "defined_only" {
            facts.enum_type = Some(enum_type(arg)?);
            // The field may be typed as the prost enumeration itself.
            facts.enum_into_i32 = true;
            Value::Bool(true)
        } else if spec.kind == ValueKind::Bool {
            Value::Bool(rules.flag(&arg.name)?)
        } else if spec.list {
            let items = rules.list(&arg.name)?.unwrap_or_default();
            let items = items
                .into_iter()
                .map(|e| one(family, &arg.name, spec.kind, e));
            Value::List(items.collect::<syn::Result<_>>()?)
        } else {
            let Some((_, e)) = rules.expr(&arg.name)? else {
                continue;
            };
            one(family, &arg.name, spec.kind, e)?
        };
        out.push(emit::Rule::new(arg.name.as_str(), value).at(span));
        args.push(index);
    }
    Ok((out, args, facts))
}

/// The enum type `defined_only` names.
fn enum_type(arg: &Arg) -> syn::Result<TokenStream> {
    match &arg.value {
        ArgValue::Expr(e) if matches!(&**e, Expr::Path(_)) => Ok(quote!(#e)),
        ArgValue::Expr(e) => Err(not_an_enum_type(e.span())),
        _ => Err(not_an_enum_type(arg.ident.span())),
    }
}

fn not_an_enum_type(span: Span) -> syn::Error {
    syn::Error::new(
        span,
        "`defined_only` names the enum type, e.g. `defined_only = Color` (a prost enumeration)",
    )
}

/// One value of the rule `name` (an item, for a list rule), read as `kind`.
fn one(family: &str, name: &str, kind: ValueKind, e: &Expr) -> syn::Result<Value> {
    if is_number_family(family) || family == "enum" {
        return number(family, name, e);
    }
    match kind {
        ValueKind::String => Ok(Value::Text(lit_str(e, name)?.value())),
        ValueKind::Bytes => bytes(e, name),
        ValueKind::Duration | ValueKind::Timestamp => instant(kind, name, e),
        ValueKind::KnownRegex => known_regex(e),
        // Lengths and counts.
        _ => match e {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Int(i), ..
            }) => Ok(Value::Int(i.base10_parse::<u64>()?.into())),
            _ => Err(syn::Error::new(
                e.span(),
                format!("`{name}` takes an integer"),
            )),
        },
    }
}

/// `HTTP_HEADER_NAME` or `HTTP_HEADER_VALUE` (as a name or a string), as the enum's number.
fn known_regex(e: &Expr) -> syn::Result<Value> {
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
    match name.as_str() {
        "HTTP_HEADER_NAME" => Ok(Value::Int(1)),
        "HTTP_HEADER_VALUE" => Ok(Value::Int(2)),
        _ => Err(syn::Error::new(
            e.span(),
            "`well_known_regex` is `HTTP_HEADER_NAME` or `HTTP_HEADER_VALUE`",
        )),
    }
}

/// A byte string (`b"…"`) or a string literal's UTF-8 bytes.
fn bytes(e: &Expr, name: &str) -> syn::Result<Value> {
    match e {
        Expr::Lit(syn::ExprLit {
            lit: Lit::ByteStr(b),
            ..
        }) => Ok(Value::Bytes(b.value())),
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(Value::Bytes(s.value().into_bytes())),
        _ => Err(syn::Error::new(
            e.span(),
            format!("`{name}` takes a byte string (b\"…\") or a string literal"),
        )),
    }
}

/// A duration in Go's syntax or an RFC 3339 timestamp, read at compile time.
fn instant(kind: ValueKind, name: &str, e: &Expr) -> syn::Result<Value> {
    let timestamp = kind == ValueKind::Timestamp;
    let text = lit_str(e, name).map_err(|_| {
        let example = if timestamp {
            "\"2023-05-10T12:00:00Z\""
        } else {
            "\"1.5s\""
        };
        syn::Error::new(
            e.span(),
            format!("`{name}` takes a string literal, e.g. `{name} = {example}`"),
        )
    })?;
    let parsed = if timestamp {
        time_lit::timestamp(&text.value())
    } else {
        time_lit::duration(&text.value())
    };
    let (seconds, nanos) = parsed.map_err(|msg| syn::Error::new(text.span(), msg))?;
    Ok(Value::Time { seconds, nanos })
}

/// The Rust type of a numeric family's values.
pub(super) fn number_type(family: &str) -> &'static str {
    match family {
        "float" => "f32",
        "double" => "f64",
        "int32" | "sint32" | "sfixed32" | "enum" => "i32",
        "int64" | "sint64" | "sfixed64" => "i64",
        "uint32" | "fixed32" => "u32",
        _ => "u64",
    }
}

/// A bound or list item of a numeric family, range-checked against the family's type. Any
/// other expression (a constant, `f64::INFINITY`) is emitted as written and left to rustc.
fn number(family: &str, name: &str, e: &Expr) -> syn::Result<Value> {
    let ty = number_type(family);
    let (negative, lit) = match e {
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => match &*u.expr {
            Expr::Lit(l) => (true, &l.lit),
            _ => return Ok(Value::Expr(quote!(#e))),
        },
        Expr::Lit(l) => (false, &l.lit),
        // `f32::NAN` / `f64::NAN`, which no bound may be: the checks say so at the value.
        Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "NAN") => {
            return Ok(Value::Float(f64::NAN))
        }
        _ => return Ok(Value::Expr(quote!(#e))),
    };
    let out_of_range = |shown: String| {
        syn::Error::new_spanned(
            e,
            format!("`{name}`: {shown} is out of range for `{family}` ({ty})"),
        )
    };
    match (ty, lit) {
        ("f32" | "f64", Lit::Int(_) | Lit::Float(_)) => {
            let v: f64 = match lit {
                Lit::Int(i) => i.base10_parse()?,
                Lit::Float(f) => f.base10_parse()?,
                _ => 0.0,
            };
            if ty == "f32" && (v as f32).is_infinite() {
                let sign = if negative { "-" } else { "" };
                return Err(out_of_range(format!("{sign}{v}")));
            }
            Ok(Value::Float(if negative { -v } else { v }))
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
            Ok(Value::Int(v))
        }
        (_, Lit::Float(_)) => Err(syn::Error::new_spanned(
            e,
            format!("`{name}` takes an integer for `{family}`"),
        )),
        _ => Err(syn::Error::new_spanned(
            e,
            format!("`{name}` takes a number for `{family}`"),
        )),
    }
}
