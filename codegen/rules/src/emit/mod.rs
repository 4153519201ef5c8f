//! The literal emitters: the written rules of one family turned into calls of the runtime's
//! rule functions (`::protogate::rules::string::len_range(value, 1, 200)`, …), written once
//! for the generator and `#[derive(Validate)]`.
//!
//! A caller describes what it read as [`Written`] rules ([`Rule`]: a name, a literal
//! [`Value`] and the span to report it at) plus the [`Facts`] of the value's type, and
//! supplies the call-site parts through [`Site`]: how a call becomes the statement that
//! records a violation, and how an embedded message is validated. The emitters decide which
//! runtime function each rule calls, with which literals, in which order.
//!
//! ```
//! use protogate_rules::catalogue::Dialect;
//! use protogate_rules::emit::{self, Facts, PgvSite, Rule, Value, Written};
//!
//! let rules = [Rule::new("min_len", Value::Int(1)), Rule::new("max_len", Value::Int(200))];
//! let site = PgvSite::new("VerifyMyPhoneRequest", "Code", "code");
//! let written = Written::new(Dialect::Pgv, "string", &rules, Facts::default());
//! let checks = emit::family(&site, None, &written);
//! assert_eq!(
//!     checks[0].to_string(),
//!     "v . check (:: protogate :: rules :: string :: len_range (value , :: core :: option :: \
//!      Option :: Some (1u64) , :: core :: option :: Option :: Some (200u64)) , \
//!      \"VerifyMyPhoneRequest\" , \"Code\" , \"code\") ;"
//! );
//! ```

mod collections;
mod literals;
mod pgv;
mod presence;
mod protovalidate;
#[cfg(test)]
mod tests;

use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::catalogue::Dialect;

pub use collections::{map, mentions, repeated};
pub use presence::{required, Required};

/// A rule's literal value, as the emitters turn it into Rust.
#[derive(Debug, Clone)]
pub enum Value {
    /// A flag or a bool constant.
    Bool(bool),
    /// An integer: bounds of integer families, enum numbers, lengths and counts.
    Int(i128),
    /// A floating-point number.
    Float(f64),
    /// A string (also a pattern, a type URL, a field mask path).
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// A duration or timestamp as protobuf holds it.
    Time {
        /// Whole seconds.
        seconds: i64,
        /// Nanoseconds, with the sign of `seconds`.
        nanos: i32,
    },
    /// The items of `in` / `not_in` (or a field mask's paths).
    List(Vec<Value>),
    /// An expression emitted as written: a constant's name in a derive attribute, left to
    /// rustc to type.
    Expr(TokenStream),
}

impl Value {
    /// As a length or count, when it is a non-negative integer that fits `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Int(i) => u64::try_from(*i).ok(),
            _ => None,
        }
    }

    /// As a string, when it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// Whether it is the flag `true`.
    pub fn is_true(&self) -> bool {
        matches!(self, Value::Bool(true))
    }
}

/// One rule as written: its name within the family, its value, and where it is written (the
/// span the emitted literal carries, so rustc reports a type error there).
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule's name, e.g. `min_len`.
    pub name: String,
    /// Its value.
    pub value: Value,
    /// Where the value is written; `Span::call_site()` when there is no source span.
    pub span: Span,
}

impl Rule {
    /// `name = value`, with no source span.
    pub fn new(name: impl Into<String>, value: Value) -> Rule {
        Rule {
            name: name.into(),
            value,
            span: Span::call_site(),
        }
    }

    /// The same rule, its literal reported at `span`.
    pub fn at(self, span: Span) -> Rule {
        Rule { span, ..self }
    }
}

/// What the emitters need to know about the value's Rust type beyond its family.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The Rust enum type an `enum` value is checked against by `defined_only`; without it,
    /// `defined_only` is not emitted.
    pub enum_type: Option<TokenStream>,
    /// Whether an `enum` value is read through `Into<i32>` (a field typed as the prost
    /// enumeration rather than `i32`).
    pub enum_into_i32: bool,
}

/// The rules written for one family of one value.
#[derive(Debug, Clone)]
pub struct Written<'a> {
    /// The option they are written in, which decides the runtime functions and their order.
    pub dialect: Dialect,
    /// Their family, e.g. `string`, `uint64`, `timestamp`.
    pub family: &'a str,
    /// The rules of that family (others are ignored).
    pub rules: &'a [Rule],
    /// The value's type facts.
    pub facts: Facts,
}

impl<'a> Written<'a> {
    /// The rules of `family` in `dialect`.
    pub fn new(dialect: Dialect, family: &'a str, rules: &'a [Rule], facts: Facts) -> Written<'a> {
        Written {
            dialect,
            family,
            rules,
            facts,
        }
    }

    /// The rule called `name`.
    pub(crate) fn rule(&self, name: &str) -> Option<&'a Rule> {
        self.rules.iter().find(|r| r.name == name)
    }

    /// The value of the rule called `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&'a Value> {
        self.rule(name).map(|r| &r.value)
    }

    /// Whether the flag `name` is set to true.
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.get(name).is_some_and(Value::is_true)
    }

    /// The items of the list rule `name`, when it has any.
    pub(crate) fn non_empty_list(&self, name: &str) -> Option<(&'a Rule, &'a [Value])> {
        let rule = self.rule(name)?;
        match &rule.value {
            Value::List(items) if !items.is_empty() => Some((rule, items)),
            _ => None,
        }
    }
}

/// The call-site parts of a check, which differ between the generator and the derive macro.
pub trait Site {
    /// The statement that records a violation when `call` (a rule function's result) fails,
    /// reported at the field itself (`at` is `None`) or at a list item / map key / map value.
    fn check(&self, call: TokenStream, at: Option<&TokenStream>) -> TokenStream;

    /// The statement that validates the embedded message bound to `value`.
    fn embedded(&self, at: Option<&TokenStream>) -> TokenStream;
}

/// Where a PGV check reports: PGV's message name, Go field name and the field's path.
#[derive(Debug, Clone)]
pub struct PgvSite {
    /// The message name PGV's texts use, e.g. `VerifyMyPhoneRequest`.
    pub message: String,
    /// The field's Go name, e.g. `Code`.
    pub go_field: String,
    /// The field's path, e.g. `code`.
    pub path: String,
}

impl PgvSite {
    /// The site of a field.
    pub fn new(
        message: impl Into<String>,
        go_field: impl Into<String>,
        path: impl Into<String>,
    ) -> PgvSite {
        PgvSite {
            message: message.into(),
            go_field: go_field.into(),
            path: path.into(),
        }
    }
}

impl Site for PgvSite {
    fn check(&self, call: TokenStream, at: Option<&TokenStream>) -> TokenStream {
        let (msg, go, path) = (&self.message, &self.go_field, &self.path);
        match at {
            None => quote! { v.check(#call, #msg, #go, #path); },
            Some(at) => quote! { v.check_at(#call, #msg, #go, #path, #at); },
        }
    }

    fn embedded(&self, at: Option<&TokenStream>) -> TokenStream {
        let (msg, go, path) = (&self.message, &self.go_field, &self.path);
        let at = at.cloned().unwrap_or_else(at_field);
        quote! { v.embedded(value, #msg, #go, #path, #at); }
    }
}

impl From<&Value> for crate::checks::Literal {
    /// The value as the contradiction checks read it (they do not look into instants and
    /// expressions).
    fn from(value: &Value) -> crate::checks::Literal {
        use crate::checks::Literal;
        match value {
            Value::Bool(b) => Literal::Flag(*b),
            Value::Int(i) => Literal::Int(*i),
            Value::Float(f) => Literal::Float(*f),
            Value::Text(s) => Literal::Text(s.clone()),
            Value::Bytes(b) => Literal::Bytes(b.clone()),
            Value::List(items) => Literal::List(items.iter().map(Literal::from).collect()),
            Value::Time { .. } | Value::Expr(_) => Literal::Other,
        }
    }
}

/// The checks of a `google.protobuf` wrapper's rules (`Option<StringValue>`, …), run on the
/// wrapped `value`; `None` when there are none.
pub fn unwrapped(checks: Vec<TokenStream>) -> Option<TokenStream> {
    (!checks.is_empty()).then(|| quote! { { let value = &value.value; #(#checks)* } })
}

/// The field itself, as a violation's position.
pub fn at_field() -> TokenStream {
    quote!(::protogate::validate::At::Field)
}

/// The list item at `index`.
pub fn at_item() -> TokenStream {
    quote!(::protogate::validate::At::Item(index))
}

/// The map key `key`.
pub fn at_key() -> TokenStream {
    quote!(::protogate::validate::At::Key(key.into()))
}

/// The map value at `key`.
pub fn at_value() -> TokenStream {
    quote!(::protogate::validate::At::Value(key.into()))
}

/// The checks of `written`'s rules on `value` (a reference), reported at `at`, in the order of
/// its dialect: PGV's check order, or the order protovalidate's rules message declares them.
pub fn family(
    site: &dyn Site,
    at: Option<&TokenStream>,
    written: &Written<'_>,
) -> Vec<TokenStream> {
    let emit = Emit { site, at, written };
    match written.dialect {
        Dialect::Pgv => pgv::family(&emit),
        Dialect::Protovalidate => protovalidate::family(&emit),
    }
}

/// The runtime function named like the rule `name` (`r#const` for `const`).
fn function(name: &str) -> proc_macro2::Ident {
    match name {
        "const" | "in" => proc_macro2::Ident::new_raw(name, Span::call_site()),
        _ => proc_macro2::Ident::new(name, Span::call_site()),
    }
}

/// One family's emission: the rules, and where their checks report.
struct Emit<'a> {
    site: &'a dyn Site,
    at: Option<&'a TokenStream>,
    written: &'a Written<'a>,
}

impl Emit<'_> {
    /// The statement checking `call`.
    fn check(&self, call: TokenStream) -> TokenStream {
        self.site.check(call, self.at)
    }

    /// The rules `names` of the runtime module `module`, each called as `f(value, literal)`.
    fn each(
        &self,
        module: &TokenStream,
        names: &[&str],
        lit: &dyn Fn(&Rule, &Value) -> TokenStream,
        out: &mut Vec<TokenStream>,
    ) {
        for &name in names {
            if let Some(rule) = self.written.rule(name) {
                let (f, c) = (function(name), lit(rule, &rule.value));
                out.push(self.check(quote!(#module::#f(value, #c))));
            }
        }
    }

    /// A pattern check, its `static` regex compiled once.
    fn pattern(&self, rule: &Rule, call: TokenStream) -> TokenStream {
        let source = literals::text(rule, &rule.value);
        let check = self.check(call);
        quote! {
            {
                static PATTERN: ::protogate::rules::Pattern = ::protogate::rules::Pattern::new(#source);
                #check
            }
        }
    }
}
