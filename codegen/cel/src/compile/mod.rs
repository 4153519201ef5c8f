//! Type-checks the parsed tree bottom-up and emits, for each node, the Rust expression that
//! computes it. A node that can fail carries `?` and is marked fallible; the top level wraps the
//! whole in a closure returning `Result`, so CEL errors flow out as `protogate::cel::Error`.

mod calls;
mod compare;
mod format;
mod library;
mod macros;
mod repr;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ast::{Expr, ExprKind};
use crate::env::{Env, Presence};
use crate::types::Type;
use crate::{CelError, Compiled, ResultKind};

/// A compiled subexpression: its CEL type and the Rust expression computing it.
#[derive(Clone, Debug)]
pub(crate) struct Value {
    /// The CEL type.
    pub(crate) ty: Type,
    /// The Rust expression.
    pub(crate) tokens: TokenStream,
    /// Whether the expression contains `?` (may fail with a CEL error).
    pub(crate) fallible: bool,
    /// For lists: whether the elements are CEL values the emitted code built (`map`, `filter`,
    /// `+`), rather than the stored forms the environment's fields hold.
    pub(crate) built: bool,
    /// For strings and bytes: whether the value is owned (`String`, `Vec<u8>`, `Cow`) rather
    /// than a `&str` / `&[u8]`.
    pub(crate) owned: bool,
    /// The error evaluating it always gives, if it always fails: a field of `dyn(message)` the
    /// message does not have, which CEL checks only at run time. Its type is then `dyn` and its
    /// Rust expression takes whatever type its context needs.
    pub(crate) failure: Option<TokenStream>,
}

impl Value {
    fn new(ty: Type, tokens: TokenStream) -> Value {
        Value {
            ty,
            tokens,
            fallible: false,
            built: false,
            owned: false,
            failure: None,
        }
    }

    fn fallible(ty: Type, tokens: TokenStream) -> Value {
        Value {
            ty,
            tokens,
            fallible: true,
            built: false,
            owned: false,
            failure: None,
        }
    }

    /// `dyn(message).field` for a field the message does not have: an error when evaluated.
    fn no_such_field(field: &str) -> Value {
        let rt = rt();
        Value {
            failure: Some(quote!(#rt::Error::NoSuchField(#field))),
            ..Value::fallible(Type::Dyn, quote!(#rt::no_such_field(#field)?))
        }
    }

    /// A value computed from `parts`: fallible when any part is.
    fn from_parts(ty: Type, tokens: TokenStream, parts: &[&Value]) -> Value {
        Value {
            ty,
            tokens,
            fallible: parts.iter().any(|p| p.fallible),
            built: false,
            owned: false,
            failure: None,
        }
    }
}

/// A comprehension variable in scope.
struct Local {
    name: String,
    ty: Type,
    ident: proc_macro2::Ident,
}

/// The compiler: the environment and the comprehension variables in scope.
pub(crate) struct Compiler<'e> {
    env: &'e dyn Env,
    locals: Vec<Local>,
}

/// The runtime library path the emitted code calls.
fn rt() -> TokenStream {
    quote!(::protogate::cel)
}

/// Names the emitted code binds itself (`let key = …`, `|e| …`); a CEL variable of one of these
/// names gets a trailing underscore so it is never shadowed.
const EMITTER_NAMES: &[&str] = &[
    "a", "b", "e", "k", "v", "x", "y", "ka", "kb", "va", "vb", "key", "needle", "list", "map",
    "inner", "plain", "now", "value",
];

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self",
    "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield", "Self",
];

impl<'e> Compiler<'e> {
    pub(crate) fn new(env: &'e dyn Env) -> Compiler<'e> {
        Compiler {
            env,
            locals: Vec::new(),
        }
    }

    /// Compiles the whole expression into `Result<bool | String, Error>`.
    pub(crate) fn top_level(&mut self, expr: &Expr) -> Result<Compiled, CelError> {
        let value = self.value(expr)?;
        let rt = rt();
        // An expression that always fails is a run-time error, whatever it would yield.
        if let Some(error) = &value.failure {
            let tokens = quote!(::core::result::Result::<bool, #rt::Error>::Err(#error));
            return Ok(Compiled {
                tokens,
                result: ResultKind::Bool,
            });
        }
        let (result, ok_type, body) = match value.ty {
            Type::Bool => (ResultKind::Bool, quote!(bool), value.tokens.clone()),
            Type::String => {
                let t = &value.tokens;
                (
                    ResultKind::String,
                    quote!(::std::string::String),
                    if value.owned {
                        let t = atom(t);
                        quote!(::std::string::ToString::to_string(&#t))
                    } else {
                        quote!(::std::string::ToString::to_string(#t))
                    },
                )
            }
            other => {
                return Err(CelError::check(
                    expr.col,
                    format!("a rule expression must yield bool or string, this one yields {other}"),
                ))
            }
        };
        let tokens = if value.fallible {
            match lone_call(&body) {
                Some(call) if result == ResultKind::Bool => call,
                _ => quote!((|| -> ::core::result::Result<#ok_type, #rt::Error> { Ok(#body) })()),
            }
        } else {
            quote!(::core::result::Result::<#ok_type, #rt::Error>::Ok(#body))
        };
        Ok(Compiled { tokens, result })
    }

    /// Type-checks and compiles one node.
    pub(crate) fn value(&mut self, expr: &Expr) -> Result<Value, CelError> {
        let rt = rt();
        Ok(match &expr.kind {
            ExprKind::Null => Value::new(Type::Null, quote!(())),
            ExprKind::Bool(b) => Value::new(Type::Bool, quote!(#b)),
            ExprKind::Int(i) => Value::new(Type::Int, quote!(#i)),
            ExprKind::Uint(u) => Value::new(Type::Uint, quote!(#u)),
            ExprKind::Double(d) => Value::new(Type::Double, double_literal(*d)),
            ExprKind::String(s) => Value::new(Type::String, quote!(#s)),
            ExprKind::Bytes(b) => {
                let lit = proc_macro2::Literal::byte_string(b);
                Value::new(Type::Bytes, quote!(#lit.as_slice()))
            }
            ExprKind::Ident(name) => self.ident(name, expr.col)?,
            ExprKind::Select {
                operand,
                field,
                test,
            } => self.select(operand, field, *test, expr.col)?,
            ExprKind::Call {
                target,
                function,
                args,
            } => self.call(target.as_deref(), function, args, expr.col)?,
            ExprKind::List(items) => self.list(items, expr.col)?,
            ExprKind::Map(entries) => self.map(entries, expr.col)?,
            ExprKind::Struct { name, .. } => {
                let _ = rt;
                return Err(CelError::check(
                    expr.col,
                    format!("constructing message `{name}` is not supported in compiled CEL"),
                ));
            }
            ExprKind::Macro(comprehension) => self.comprehension(comprehension, expr.col)?,
        })
    }

    fn ident(&mut self, name: &str, col: usize) -> Result<Value, CelError> {
        if let Some(local) = self.locals.iter().rev().find(|l| l.name == name) {
            let ident = &local.ident;
            return Ok(Value::new(local.ty.clone(), quote!(#ident)));
        }
        if let Some(var) = self.env.variable(name) {
            return Ok(Value::new(var.ty, var.tokens));
        }
        if let Some(type_name) = type_name_value(name) {
            return Ok(Value::new(Type::Type, quote!(#type_name)));
        }
        Err(CelError::check(
            col,
            format!("undeclared reference to `{name}`"),
        ))
    }

    pub(super) fn select(
        &mut self,
        operand: &Expr,
        field: &str,
        test: bool,
        col: usize,
    ) -> Result<Value, CelError> {
        if let Some(number) = self.enum_constant(operand, field, test) {
            return Ok(Value::new(Type::Int, quote!(#number)));
        }
        let base = self.value(operand)?;
        if base.failure.is_some() {
            return Ok(base);
        }
        let tokens = &receiver(&base.tokens);
        match &base.ty {
            Type::Message(message) => {
                let Some(info) = self.env.field(message, field) else {
                    // `dyn(m).f` type-checks in CEL whatever `m` is; a missing field is a
                    // run-time error there.
                    if is_dyn_call(operand) {
                        return Ok(Value::no_such_field(field));
                    }
                    return Err(CelError::check(
                        col,
                        format!("message `{message}` has no field `{field}`"),
                    ));
                };
                if test {
                    let present = match &info.presence {
                        Presence::Explicit(has) => has(tokens),
                        Presence::Implicit => {
                            let value = (info.access)(tokens);
                            repr::is_set(&info.ty, &value)
                        }
                    };
                    return Ok(Value::from_parts(Type::Bool, present, &[&base]));
                }
                let access = (info.access)(tokens);
                Ok(Value::from_parts(info.ty, access, &[&base]))
            }
            Type::Map(key, value_ty) if **key == Type::String || **key == Type::Dyn => {
                let rt = rt();
                let found = repr::map_find(&base, &quote!(#field), &Type::String);
                if test {
                    return Ok(Value::from_parts(
                        Type::Bool,
                        quote!(#found.is_some()),
                        &[&base],
                    ));
                }
                let value = quote!(#rt::found(#found, #field)?);
                let v = repr::normalize(value_ty, &value, false);
                Ok(Value::fallible((**value_ty).clone(), v))
            }
            // Selecting on `dyn(x)` whatever `x` is checks only at run time, where it fails.
            _ if is_dyn_call(operand) => Ok(Value::no_such_field(field)),
            other => Err(CelError::check(
                col,
                format!("type `{other}` has no fields (selecting `{field}`)"),
            )),
        }
    }

    fn list(&mut self, items: &[Expr], col: usize) -> Result<Value, CelError> {
        let values = items
            .iter()
            .map(|item| self.value(item))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(failing) = values.iter().find(|v| v.failure.is_some()) {
            return Ok(failing.clone());
        }
        let mut element = Type::Dyn;
        for (value, item) in values.iter().zip(items) {
            if !element.accepts(&value.ty) {
                return Err(CelError::check(
                    item.col,
                    format!(
                        "list elements must share one type: found {element} and {}",
                        value.ty
                    ),
                ));
            }
            element = element.join(&value.ty);
        }
        if values.is_empty() {
            return Ok(Value::new(Type::list(Type::Dyn), quote!([(); 0])));
        }
        let _ = col;
        let parts: Vec<&Value> = values.iter().collect();
        let tokens = values.iter().map(|v| repr::owned_element(&element, v));
        let mut value =
            Value::from_parts(Type::list(element.clone()), quote!([#(#tokens),*]), &parts);
        value.built = true;
        Ok(value)
    }

    fn map(&mut self, entries: &[(Expr, Expr)], col: usize) -> Result<Value, CelError> {
        let mut key_ty = Type::Dyn;
        let mut value_ty = Type::Dyn;
        let mut pairs = Vec::new();
        let mut parts = Vec::new();
        for (key, value) in entries {
            let k = self.value(key)?;
            let v = self.value(value)?;
            if k.failure.is_some() || v.failure.is_some() {
                return Ok(if k.failure.is_some() { k } else { v });
            }
            if !matches!(k.ty, Type::Int | Type::Uint | Type::Bool | Type::String) {
                return Err(CelError::check(
                    key.col,
                    format!("map keys must be int, uint, bool or string, not {}", k.ty),
                ));
            }
            if !key_ty.accepts(&k.ty) || !value_ty.accepts(&v.ty) {
                return Err(CelError::check(
                    key.col,
                    "map entries must share one key type and one value type",
                ));
            }
            key_ty = key_ty.join(&k.ty);
            value_ty = value_ty.join(&v.ty);
            let (kt, vt) = (
                repr::owned_element(&key_ty, &k),
                repr::owned_element(&value_ty, &v),
            );
            pairs.push(quote!((#kt, #vt)));
            parts.push(k);
            parts.push(v);
        }
        let _ = col;
        let refs: Vec<&Value> = parts.iter().collect();
        Ok(Value::from_parts(
            Type::map(key_ty, value_ty),
            quote!(&[#(#pairs),*]),
            &refs,
        ))
    }

    /// The number of `operand.field` when it names an enum value (`pkg.Color.RED`) rather than
    /// a field of a variable.
    fn enum_constant(&self, operand: &Expr, field: &str, test: bool) -> Option<i64> {
        fn qualified(expr: &Expr) -> Option<String> {
            match &expr.kind {
                ExprKind::Ident(name) => Some(name.trim_start_matches('.').to_string()),
                ExprKind::Select {
                    operand,
                    field,
                    test: false,
                } => Some(format!("{}.{field}", qualified(operand)?)),
                _ => None,
            }
        }
        if test {
            return None;
        }
        let prefix = qualified(operand)?;
        let root = prefix.split('.').next().unwrap_or_default();
        if self.locals.iter().any(|l| l.name == root) || self.env.variable(root).is_some() {
            return None;
        }
        self.env.enum_value(&format!("{prefix}.{field}"))
    }

    /// Brings a comprehension variable into scope for the duration of `body`.
    fn with_local<T>(
        &mut self,
        name: &str,
        ty: Type,
        body: impl FnOnce(&mut Self, &proc_macro2::Ident) -> Result<T, CelError>,
    ) -> Result<T, CelError> {
        let taken = RUST_KEYWORDS.contains(&name) || EMITTER_NAMES.contains(&name);
        let ident = if taken || name.starts_with("__") {
            format_ident!("{}_", name.trim_start_matches('_'))
        } else {
            format_ident!("{}", name)
        };
        self.locals.push(Local {
            name: name.to_string(),
            ty,
            ident: ident.clone(),
        });
        let result = body(self, &ident);
        self.locals.pop();
        result
    }
}

fn double_literal(d: f64) -> TokenStream {
    if d.is_nan() {
        quote!(f64::NAN)
    } else if d.is_infinite() {
        if d > 0.0 {
            quote!(f64::INFINITY)
        } else {
            quote!(f64::NEG_INFINITY)
        }
    } else {
        let lit = proc_macro2::Literal::f64_suffixed(d);
        quote!(#lit)
    }
}

/// The value of a type name used as an expression (`type(x) == int`).
fn type_name_value(name: &str) -> Option<&'static str> {
    Some(match name {
        "bool" => "bool",
        "int" => "int",
        "uint" => "uint",
        "double" => "double",
        "string" => "string",
        "bytes" => "bytes",
        "list" => "list",
        "map" => "map",
        "null_type" => "null_type",
        "type" => "type",
        "google.protobuf.Timestamp" => "google.protobuf.Timestamp",
        "google.protobuf.Duration" => "google.protobuf.Duration",
        _ => return None,
    })
}

/// The name `type(x)` yields for a value of type `ty`.
pub(crate) fn type_name_of(ty: &Type) -> String {
    match ty {
        Type::List(_) => "list".to_string(),
        Type::Map(..) => "map".to_string(),
        Type::Wrapper(inner) => type_name_of(inner),
        other => other.to_string(),
    }
}

/// `tokens` as an operand of a method call, field access, index or unary operator: wrapped in
/// parentheses unless it already binds tighter than those (a path, call chain, literal, group).
pub(crate) fn atom(tokens: &TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let first_ok = match trees.first() {
        Some(TokenTree::Punct(p)) => p.as_char() == ':',
        Some(TokenTree::Group(g)) => g.delimiter() != Delimiter::Brace,
        Some(TokenTree::Ident(i)) => !matches!(i.to_string().as_str(), "if" | "match" | "move"),
        Some(TokenTree::Literal(l)) => !l.to_string().starts_with('-'),
        None => false,
    };
    let rest_ok = trees.iter().skip(1).all(|tree| match tree {
        TokenTree::Punct(p) => matches!(p.as_char(), '.' | ':' | '?'),
        TokenTree::Ident(i) => i != "as",
        TokenTree::Group(_) | TokenTree::Literal(_) => true,
    });
    if first_ok && rest_ok {
        tokens.clone()
    } else {
        quote!((#tokens))
    }
}

/// `tokens` as the receiver of a method call: like [`atom`], but a borrow of a plain path
/// (`&self.items`) is written without the `&` the method call adds itself.
pub(crate) fn receiver(tokens: &TokenStream) -> TokenStream {
    // `s.as_str().is_empty()` is `s.is_empty()`: `String` and `Vec` have the same methods.
    let text = tokens.to_string();
    for view in [" . as_str ()", " . as_slice ()"] {
        if let Some(owner) = text.strip_suffix(view) {
            if let Ok(owner) = owner.parse::<TokenStream>() {
                if atom(&owner).to_string() == owner.to_string() {
                    return owner;
                }
            }
        }
    }
    let mut trees = tokens.clone().into_iter();
    if let Some(proc_macro2::TokenTree::Punct(p)) = trees.next() {
        if p.as_char() == '&' {
            let rest: TokenStream = trees.collect();
            let simple = rest.clone().into_iter().all(|t| match t {
                proc_macro2::TokenTree::Ident(_) => true,
                proc_macro2::TokenTree::Punct(p) => p.as_char() == '.',
                _ => false,
            });
            if simple && !rest.is_empty() {
                return rest;
            }
        }
    }
    atom(tokens)
}

/// `f(…)` when `tokens` is `f(…)?`: a lone fallible call is already the `Result`.
fn lone_call(tokens: &TokenStream) -> Option<TokenStream> {
    let text = tokens.to_string();
    let lone =
        text.ends_with(" ?") && !text.starts_with(['(', '{']) && atom(tokens).to_string() == text;
    if !lone {
        return None;
    }
    text[..text.len() - 2].parse().ok()
}

/// `tokens` as a `Result`: the call itself for a lone fallible call, else `Ok(tokens)`.
pub(crate) fn result_of(tokens: &TokenStream) -> TokenStream {
    lone_call(tokens).unwrap_or_else(|| quote!(Ok(#tokens)))
}

/// `tokens` as an operand of a binary operator: unary operators (`&x`, `*x`, `-1`) bind tighter
/// and need no parentheses; anything else goes through [`atom`].
pub(crate) fn operand(tokens: &TokenStream) -> TokenStream {
    let mut trees = tokens.clone().into_iter().peekable();
    while let Some(proc_macro2::TokenTree::Punct(p)) = trees.peek() {
        if !matches!(p.as_char(), '&' | '*' | '!' | '-') {
            break;
        }
        trees.next();
    }
    let rest: TokenStream = trees.collect();
    if !rest.is_empty()
        && rest.to_string() != tokens.to_string()
        && atom(&rest).to_string() == rest.to_string()
    {
        return tokens.clone();
    }
    atom(tokens)
}

/// Whether `expr` is a call of `dyn(…)`.
fn is_dyn_call(expr: &Expr) -> bool {
    matches!(&expr.kind, ExprKind::Call { target: None, function, args }
        if function == "dyn" && args.len() == 1)
}
