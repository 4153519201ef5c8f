//! Operators and functions: overload resolution by argument types, and the Rust each overload
//! becomes.

use proc_macro2::TokenStream;
use quote::quote;

use super::library::known_function;
use super::{atom, compare, receiver, repr, result_of, rt, Compiler, Value};
use crate::ast::{Expr, ExprKind};
use crate::types::Type as Ty;
use crate::CelError;

pub(super) fn no_overload(function: &str, args: &[Value], col: usize) -> CelError {
    let types: Vec<String> = args.iter().map(|a| a.ty.to_string()).collect();
    CelError::check(
        col,
        format!(
            "found no matching overload for `{function}` applied to ({})",
            types.join(", ")
        ),
    )
}

/// `&str` / `&[u8]` view of a string or bytes value.
pub(super) fn view(value: &Value) -> TokenStream {
    let t = &value.tokens;
    if !value.owned {
        return t.clone();
    }
    let target = if value.ty == Ty::Bytes {
        quote!([u8])
    } else {
        quote!(str)
    };
    quote!(::core::convert::AsRef::<#target>::as_ref(&#t))
}

/// Functions whose string or bytes result is owned (`String`, `Vec<u8>`).
fn owns_result(function: &str) -> bool {
    matches!(
        function,
        "_+_"
            | "string"
            | "lowerAscii"
            | "upperAscii"
            | "charAt"
            | "substring"
            | "replace"
            | "join"
    )
}

/// Functions callable only as `f(x)`, all others only as `x.f()`; `size` and `matches` both.
fn call_style_ok(function: &str, receiver: bool) -> bool {
    match function {
        "size" | "matches" => true,
        "int" | "uint" | "double" | "string" | "bytes" | "bool" | "timestamp" | "duration"
        | "dyn" | "type" => !receiver,
        _ => receiver,
    }
}

impl Compiler<'_> {
    pub(super) fn call(
        &mut self,
        target: Option<&Expr>,
        function: &str,
        args: &[Expr],
        col: usize,
    ) -> Result<Value, CelError> {
        // protovalidate's `getField(message, 'name')`: with a constant name, a field selection.
        if let (None, "getField", [message, name]) = (target, function, args) {
            return match &name.kind {
                ExprKind::String(field) => self.select(message, field, false, name.col),
                _ => Err(CelError::check(
                    name.col,
                    "`getField` needs a constant field name in compiled CEL",
                )),
            };
        }
        if let (Some(template), "format", [items]) = (target, function, args) {
            return self.format(template, items, col);
        }
        match function {
            "_&&_" | "_||_" => return self.logic(function == "_&&_", &args[0], &args[1]),
            "_?_:_" => return self.conditional(&args[0], &args[1], &args[2], col),
            _ => {}
        }
        let receiver = target.is_some();
        let mut values = Vec::with_capacity(args.len() + 1);
        if let Some(target) = target {
            values.push(self.value(target)?);
        }
        for arg in args {
            values.push(self.value(arg)?);
        }
        // A call with an argument that always fails fails the same way (CEL's errors
        // propagate through every function but the logical operators).
        if let Some(failing) = values.iter().find(|v| v.failure.is_some()) {
            return Ok(failing.clone());
        }
        if !function.starts_with(['_', '!', '-', '@']) && !call_style_ok(function, receiver) {
            let style = if receiver {
                "as a method"
            } else {
                "as a global function"
            };
            if known_function(function) {
                return Err(CelError::check(
                    col,
                    format!("`{function}` cannot be called {style}"),
                ));
            }
            return Err(CelError::check(
                col,
                format!("undeclared reference to function `{function}`"),
            ));
        }
        // A wrapper is its value wherever a value is needed; `null` there is an error.
        let rt = rt();
        if !matches!(function, "_==_" | "_!=_" | "dyn" | "type") {
            for value in &mut values {
                if let Ty::Wrapper(inner) = &value.ty {
                    let t = &value.tokens;
                    *value = Value::fallible((**inner).clone(), quote!(#rt::present(#t)?));
                }
            }
        }
        // An empty list literal adds nothing: `[] + l` is `l`.
        if let ("_+_", [a, b]) = (function, values.as_slice()) {
            let empty = |ty: &Ty| matches!(ty, Ty::List(e) if **e == Ty::Dyn);
            if empty(&a.ty) && matches!(b.ty, Ty::List(_)) {
                return Ok(b.clone());
            }
            if empty(&b.ty) && matches!(a.ty, Ty::List(_)) {
                return Ok(a.clone());
            }
        }
        let regex_literal = match args.last().map(|a| &a.kind) {
            Some(ExprKind::String(s)) if function == "matches" => Some(s.clone()),
            _ => None,
        };
        let (ty, tokens, fails) = self.overload(function, &values, regex_literal, col)?;
        let parts: Vec<&Value> = values.iter().collect();
        let mut value = Value::from_parts(ty.clone(), tokens, &parts);
        value.fallible |= fails;
        if matches!(ty, Ty::String | Ty::Bytes) {
            let identity = matches!(function, "string" | "bytes" | "dyn")
                && values.first().is_some_and(|v| v.ty == ty);
            value.owned = if identity {
                values[0].owned
            } else {
                owns_result(function)
            };
        }
        if let (Ty::List(_), "_+_") = (&ty, function) {
            value.built = true;
        }
        Ok(value)
    }

    fn logic(&mut self, and: bool, left: &Expr, right: &Expr) -> Result<Value, CelError> {
        let (a, b) = (self.value(left)?, self.value(right)?);
        for (v, e) in [(&a, left), (&b, right)] {
            if v.ty != Ty::Bool && v.failure.is_none() {
                let op = if and { "&&" } else { "||" };
                return Err(CelError::check(
                    e.col,
                    format!("operands of `{op}` must be bool, found {}", v.ty),
                ));
            }
        }
        // A constant operand (a presence known at build time, `has(rules.x)` in a predefined
        // rule) decides or drops out; CEL's `&&` and `||` are commutative, errors included.
        let constant = |v: &Value| match v.tokens.to_string().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        match (constant(&a), constant(&b)) {
            (Some(x), _) if x != and => return Ok(a),
            (Some(_), _) => return Ok(b),
            (_, Some(y)) if y != and => return Ok(b),
            (_, Some(_)) => return Ok(a),
            (None, None) => {}
        }
        let (x, y) = (&a.tokens, &b.tokens);
        if !a.fallible && !b.fallible {
            let (x, y) = (atom(x), atom(y));
            let tokens = if and {
                quote!(#x && #y)
            } else {
                quote!(#x || #y)
            };
            return Ok(Value::new(Ty::Bool, tokens));
        }
        let rt = rt();
        let f = if and { quote!(and) } else { quote!(or) };
        Ok(Value::fallible(Ty::Bool, {
            let (x, y) = (result_of(x), result_of(y));
            quote!(#rt::#f(|| #x, || #y)?)
        }))
    }

    fn conditional(
        &mut self,
        cond: &Expr,
        then: &Expr,
        otherwise: &Expr,
        col: usize,
    ) -> Result<Value, CelError> {
        let c = self.value(cond)?;
        if c.failure.is_some() {
            return Ok(c);
        }
        if c.ty != Ty::Bool {
            return Err(CelError::check(
                cond.col,
                format!("the condition of `?:` must be bool, found {}", c.ty),
            ));
        }
        let (a, b) = (self.value(then)?, self.value(otherwise)?);
        if !a.ty.accepts(&b.ty) {
            return Err(CelError::check(
                col,
                format!("the branches of `?:` differ in type: {} and {}", a.ty, b.ty),
            ));
        }
        let ty = a.ty.join(&b.ty);
        let (ct, mut at, mut bt) = (c.tokens.clone(), a.tokens.clone(), b.tokens.clone());
        // A borrowed and an owned branch meet in a `Cow`.
        if matches!(ty, Ty::String | Ty::Bytes) && a.owned != b.owned {
            at = quote!(::std::borrow::Cow::from(#at));
            bt = quote!(::std::borrow::Cow::from(#bt));
        }
        let mut value = Value::from_parts(ty, quote!(if #ct { #at } else { #bt }), &[&c, &a, &b]);
        value.owned = a.owned || b.owned;
        value.built = a.built || b.built;
        Ok(value)
    }

    /// The result type, the Rust expression, and whether the overload itself can fail.
    fn overload(
        &mut self,
        function: &str,
        v: &[Value],
        regex_literal: Option<String>,
        col: usize,
    ) -> Result<(Ty, TokenStream, bool), CelError> {
        use Ty::*;
        let rt = rt();
        let t = |i: usize| &v[i].tokens;
        let types: Vec<&Ty> = v.iter().map(|x| &x.ty).collect();
        let ok = |ty: Ty, tokens: TokenStream| Ok((ty, tokens, false));
        let fails = |ty: Ty, tokens: TokenStream| Ok((ty, tokens, true));
        match (function, types.as_slice()) {
            ("!_", [Bool]) => ok(Bool, negate(t(0))),
            ("-_", [Int]) => fails(Int, {
                let a = t(0);
                quote!(#rt::neg_int(#a)?)
            }),
            ("-_", [Double]) => ok(Double, {
                let a = atom(t(0));
                quote!(-#a)
            }),
            ("_==_", [_, _]) => ok(Bool, compare::equals(&v[0], &v[1], col)?),
            ("_!=_", [_, _]) => ok(Bool, negate(&compare::equals(&v[0], &v[1], col)?)),
            ("_<_" | "_<=_" | "_>_" | "_>=_", [_, _]) => {
                let (tokens, can_fail) =
                    compare::ordering(&function[1..function.len() - 1], &v[0], &v[1], col)?;
                Ok((Bool, tokens, can_fail))
            }
            ("_+_" | "_-_" | "_*_" | "_/_" | "_%_", [Int, Int] | [Uint, Uint]) => {
                let op = match &function[1..2] {
                    "+" => "add",
                    "-" => "sub",
                    "*" => "mul",
                    "/" => "div",
                    _ => "rem",
                };
                let suffix = if *types[0] == Int { "int" } else { "uint" };
                let f = quote::format_ident!("{}_{}", op, suffix);
                let (a, b) = (t(0), t(1));
                fails(types[0].clone(), quote!(#rt::#f(#a, #b)?))
            }
            ("_+_" | "_-_" | "_*_" | "_/_", [Double, Double]) => {
                let op: TokenStream = function[1..2].parse().unwrap_or_default();
                let (a, b) = (atom(t(0)), atom(t(1)));
                ok(Double, quote!(#a #op #b))
            }
            ("_+_", [String, String]) => ok(String, {
                let (a, b) = (view(&v[0]), view(&v[1]));
                quote!(#rt::concat(#a, #b))
            }),
            ("_+_", [Bytes, Bytes]) => ok(Bytes, {
                let (a, b) = (view(&v[0]), view(&v[1]));
                quote!(#rt::concat_bytes(#a, #b))
            }),
            ("_+_", [List(ea), List(eb)]) if ea.accepts(eb) => {
                let e = ea.join(eb);
                let (xa, xb) = (
                    repr::normalize(&e, &quote!(e), v[0].built),
                    repr::normalize(&e, &quote!(e), v[1].built),
                );
                let (a, b) = (t(0), t(1));
                let (ea, eb) = (
                    repr::elements(&quote!(a), &xa),
                    repr::elements(&quote!(b), &xb),
                );
                ok(
                    Ty::list(e),
                    quote!({
                        let (a, b) = (#a, #b);
                        #ea.chain(#eb).collect::<::std::vec::Vec<_>>()
                    }),
                )
            }
            ("_+_", [Timestamp, Duration]) => fails(Timestamp, {
                let (a, b) = (t(0), t(1));
                quote!(#rt::timestamp_add(#a, #b)?)
            }),
            ("_+_", [Duration, Timestamp]) => fails(Timestamp, {
                let (a, b) = (t(0), t(1));
                quote!(#rt::timestamp_add(#b, #a)?)
            }),
            ("_+_", [Duration, Duration]) => fails(Duration, {
                let (a, b) = (t(0), t(1));
                quote!(#rt::duration_add(#a, #b)?)
            }),
            ("_-_", [Timestamp, Timestamp]) => fails(Duration, {
                let (a, b) = (t(0), t(1));
                quote!(#rt::timestamp_diff(#a, #b)?)
            }),
            ("_-_", [Timestamp, Duration]) => fails(Timestamp, {
                let (a, b) = (t(0), t(1));
                quote!(#rt::timestamp_sub(#a, #b)?)
            }),
            ("_-_", [Duration, Duration]) => fails(Duration, {
                let (a, b) = (t(0), t(1));
                quote!(#rt::duration_sub(#a, #b)?)
            }),
            ("@in", [_, List(e)]) => ok(Bool, self.in_list(&v[0], &v[1], e, col)?),
            ("@in", [_, Map(key, _)]) if **key == Dyn => ok(Bool, quote!(false)),
            ("@in", [k, Map(key, _)]) if key.accepts(k) => {
                let kt = repr::normalize(if **key == Dyn { k } else { key }, &quote!(k), false);
                let (needle, map) = (t(0), t(1));
                ok(
                    Bool,
                    quote!({
                        let needle = #needle;
                        #rt::MapValue::entries(#map).any(|(k, _)| #kt == needle)
                    }),
                )
            }
            ("_[_]", [List(e), Int]) => {
                let (list, index) = (atom(t(0)), t(1));
                let element =
                    repr::normalize(e, &quote!(#rt::index(&#list[..], #index)?), v[0].built);
                fails((**e).clone(), element)
            }
            ("_[_]", [Map(key, value), k]) if key.accepts(k) => {
                let kt = repr::normalize(if **key == Dyn { k } else { key }, &quote!(k), false);
                let (map, needle) = (t(0), t(1));
                let found = quote!({
                    let key = #needle;
                    #rt::found(#rt::MapValue::entries(#map).find(|&(k, _)| #kt == key).map(|(_, v)| v), key)?
                });
                fails((**value).clone(), repr::normalize(value, &found, false))
            }
            ("size", [String]) => ok(Int, {
                let a = view(&v[0]);
                quote!(#rt::size_string(#a))
            }),
            ("size", [Bytes]) | ("size", [List(_)]) => ok(Int, {
                let a = receiver(t(0));
                quote!(#rt::size(#a.len()))
            }),
            ("size", [Map(..)]) => ok(Int, {
                let a = t(0);
                quote!(#rt::size(#rt::MapValue::len(#a)))
            }),
            ("contains" | "startsWith" | "endsWith", [String, String]) => {
                let f = match function {
                    "contains" => quote!(contains),
                    "startsWith" => quote!(starts_with),
                    _ => quote!(ends_with),
                };
                let (a, b) = (view(&v[0]), view(&v[1]));
                ok(Bool, quote!(str::#f(#a, #b)))
            }
            ("contains" | "startsWith" | "endsWith", [Bytes, Bytes]) => {
                let f = match function {
                    "contains" => quote!(#rt::bytes_contains),
                    "startsWith" => quote!(<[u8]>::starts_with),
                    _ => quote!(<[u8]>::ends_with),
                };
                let (a, b) = (view(&v[0]), view(&v[1]));
                ok(Bool, quote!(#f(#a, #b)))
            }
            ("matches", [String, String]) => {
                let a = view(&v[0]);
                match regex_literal {
                    Some(pattern) => fails(
                        Bool,
                        quote!({
                            static PATTERN: #rt::Regex = #rt::Regex::new(#pattern);
                            PATTERN.is_match(#a)?
                        }),
                    ),
                    None => fails(Bool, {
                        let b = view(&v[1]);
                        quote!(#rt::matches(#a, #b)?)
                    }),
                }
            }
            _ => self.library(function, v, col),
        }
    }

    fn in_list(
        &mut self,
        needle: &Value,
        list: &Value,
        element: &Ty,
        col: usize,
    ) -> Result<TokenStream, CelError> {
        if *element == Ty::Dyn {
            return Ok(quote!(false));
        }
        let item = Value::new(
            element.clone(),
            repr::normalize(element, &quote!(e), list.built),
        );
        let probe = Value::new(needle.ty.clone(), quote!(needle));
        let eq = compare::equals(&item, &probe, col)?;
        let (n, l) = (&needle.tokens, &list.tokens);
        if matches!(eq.to_string().as_str(), "* e == needle" | "(* e) == needle") {
            return Ok(quote!({
                let (needle, list) = (#n, #l);
                list.contains(&needle)
            }));
        }
        Ok(quote!({
            let (needle, list) = (#n, #l);
            list.iter().any(|e| #eq)
        }))
    }
}

/// `!value`, written as the opposite test where there is one (`is_none()`, `!=`).
fn negate(value: &TokenStream) -> TokenStream {
    let text = value.to_string();
    // A presence known at build time (`!has(rules.x)` in a predefined rule) folds.
    match text.as_str() {
        "true" => return quote!(false),
        "false" => return quote!(true),
        _ => {}
    }
    if let Some(subject) = text.strip_suffix(". is_some ()") {
        if let Ok(subject) = subject.parse::<TokenStream>() {
            if atom(&subject).to_string() == subject.to_string() {
                return quote!(#subject.is_none());
            }
        }
    }
    if let Some((left, right)) = text.split_once(" == ") {
        let simple =
            |side: &str| !side.contains("==") && !side.contains('|') && !side.contains('&');
        if let (true, Ok(l), Ok(r)) = (
            simple(left) && simple(right),
            left.parse::<TokenStream>(),
            right.parse::<TokenStream>(),
        ) {
            return quote!(#l != #r);
        }
    }
    let a = atom(value);
    quote!(!#a)
}
