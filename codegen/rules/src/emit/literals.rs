//! Rule values as Rust literals: numbers typed by their family, strings, byte strings,
//! instants, bounds and optional counts.

use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};

use super::{Rule, Value};

/// A string value (an expression as written).
pub(super) fn text(rule: &Rule, value: &Value) -> TokenStream {
    match value {
        Value::Expr(e) => e.clone(),
        other => {
            let mut lit = Literal::string(other.as_str().unwrap_or_default());
            lit.set_span(rule.span);
            quote!(#lit)
        }
    }
}

/// A bytes value as `&b"…"[..]` (a string's UTF-8 bytes; an expression as written).
pub(super) fn bytes(rule: &Rule, value: &Value) -> TokenStream {
    let bytes = match value {
        Value::Expr(e) => return e.clone(),
        Value::Bytes(b) => b.clone(),
        Value::Text(s) => s.as_bytes().to_vec(),
        _ => Vec::new(),
    };
    let mut lit = Literal::byte_string(&bytes);
    lit.set_span(rule.span);
    quote_spanned!(rule.span=> &#lit[..])
}

/// A duration or timestamp value as `::protogate::rules::time::Instant::new(seconds, nanos)`.
pub(super) fn instant(rule: &Rule, value: &Value) -> TokenStream {
    let (s, n) = match value {
        Value::Expr(e) => return e.clone(),
        Value::Time { seconds, nanos } => (*seconds, *nanos),
        _ => (0, 0),
    };
    quote_spanned!(rule.span=> ::protogate::rules::time::Instant::new(#s, #n))
}

/// A value of a number family (or `enum`, `bool`) as a literal of the family's Rust type.
pub(super) fn number(family: &str, rule: &Rule, value: &Value) -> TokenStream {
    let as_f64 = match value {
        Value::Float(f) => *f,
        Value::Int(i) => *i as f64,
        _ => 0.0,
    };
    let int = match value {
        Value::Int(i) => *i,
        Value::Float(f) => *f as i128,
        Value::Bool(b) => i128::from(*b),
        _ => 0,
    };
    let mut lit = match (family, value) {
        (_, Value::Expr(e)) => return e.clone(),
        ("bool", _) => {
            let b = value.is_true();
            return quote_spanned!(rule.span=> #b);
        }
        ("float", _) => float(as_f64 as f32 as f64, true),
        ("double", _) => float(as_f64, false),
        ("int32" | "sint32" | "sfixed32" | "enum", _) => Literal::i32_suffixed(int as i32),
        ("int64" | "sint64" | "sfixed64", _) => Literal::i64_suffixed(int as i64),
        ("uint32" | "fixed32", _) => Literal::u32_suffixed(int as u32),
        _ => Literal::u64_suffixed(int as u64),
    };
    lit.set_span(rule.span);
    quote!(#lit)
}

/// The zero of a number family, typed.
pub(super) fn zero(family: &str) -> TokenStream {
    number(family, &Rule::new("", Value::Int(0)), &Value::Int(0))
}

/// A float literal; NaN and infinite bounds are rejected before emission, so they fall back
/// to zero defensively.
fn float(v: f64, single: bool) -> Literal {
    if !v.is_finite() {
        Literal::f64_suffixed(0.0)
    } else if single {
        Literal::f32_suffixed(v as f32)
    } else {
        Literal::f64_suffixed(v)
    }
}

/// `Some(n)` or `None` for an optional count.
pub(super) fn opt_u64(v: Option<&Value>) -> TokenStream {
    match v.and_then(Value::as_u64) {
        Some(n) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    }
}

/// `None`, for a bound or count that is not set.
pub(super) fn none() -> TokenStream {
    quote!(::core::option::Option::None)
}

/// One side of a range, `Some(Bound::exclusive(…))` or `Some(Bound::inclusive(…))`, from the
/// `exclusive` rule when written and else the `inclusive` one.
pub(super) fn bound(
    exclusive: Option<&Rule>,
    inclusive: Option<&Rule>,
    lit: &dyn Fn(&Rule, &Value) -> TokenStream,
) -> Option<TokenStream> {
    let b = quote!(::protogate::rules::number::Bound);
    if let Some(rule) = exclusive {
        let c = lit(rule, &rule.value);
        Some(quote!(::core::option::Option::Some(#b::exclusive(#c))))
    } else {
        inclusive.map(|rule| {
            let c = lit(rule, &rule.value);
            quote!(::core::option::Option::Some(#b::inclusive(#c)))
        })
    }
}

/// The items of a list rule, each as a literal.
pub(super) fn items(
    rule: &Rule,
    items: &[Value],
    lit: &dyn Fn(&Rule, &Value) -> TokenStream,
) -> Vec<TokenStream> {
    items.iter().map(|item| lit(rule, item)).collect()
}
