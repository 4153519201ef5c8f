//! protovalidate's predefined rules in the validator: each extension's CEL rules compiled with
//! `rule` bound to a Rust literal of the value the field sets (no run-time cost) and `this` to
//! the field, item, key or value; checked at generation with diagnostics, emitted as one
//! `check_pv_rule` call whose rule path ends in the extension (`string.[pkg.ext]`).

use proc_macro2::{Literal, TokenStream};
use protogate_cel::{compile, CelError, Compiled, Env, Presence, ResultKind, Type, Variable};
use quote::quote;

use super::cel::{element_type, ModelEnv};
use super::{mentions, wrapped_type, wrapper_family, Ctx, Gen};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{
    Api, Cardinality, CelRule, Dialect, ElementKind, Field, FieldType, Message, PredefinedRule,
    RuleLiteral,
};

/// The environment of a predefined rule: the model's, plus `rule` and `rules`.
struct PredefinedEnv<'a> {
    model: ModelEnv<'a>,
    predefined: &'a PredefinedRule,
}

impl Env for PredefinedEnv<'_> {
    fn variable(&self, name: &str) -> Option<Variable> {
        match name {
            "rule" => {
                let (ty, tokens) = literal(&self.predefined.value);
                Some(Variable { ty, tokens })
            }
            // Only its fields are read, each as the literal the field sets.
            "rules" => Some(Variable {
                ty: Type::Message(self.predefined.rules_message.clone()),
                tokens: quote!(()),
            }),
            other => self.model.variable(other),
        }
    }

    fn field(&self, message: &str, name: &str) -> Option<protogate_cel::Field> {
        if message != self.predefined.rules_message {
            return self.model.field(message, name);
        }
        let field = self
            .predefined
            .rules_fields
            .iter()
            .find(|f| f.name == name)?;
        let (ty, tokens) = literal(&field.value);
        let set = field.set;
        Some(protogate_cel::Field {
            ty,
            presence: Presence::Explicit(Box::new(move |_| quote!(#set))),
            access: Box::new(move |_| tokens.clone()),
        })
    }

    fn enum_value(&self, name: &str) -> Option<i64> {
        self.model.enum_value(name)
    }
}

fn compile_rule(
    api: &Api,
    package: &str,
    predefined: &PredefinedRule,
    rule: &CelRule,
    this: (Type, TokenStream),
) -> Result<Compiled, CelError> {
    let env = PredefinedEnv {
        model: ModelEnv::new(api, package, this),
        predefined,
    };
    compile(&rule.expression, &env)
}

/// `rule`: the CEL type of the value set and its Rust literal.
fn literal(value: &RuleLiteral) -> (Type, TokenStream) {
    match value {
        RuleLiteral::Bool(b) => (Type::Bool, quote!(#b)),
        RuleLiteral::Int(i) => (Type::Int, quote!(#i)),
        RuleLiteral::Uint(u) => (Type::Uint, quote!(#u)),
        RuleLiteral::Double(d) => (Type::Double, double(*d)),
        RuleLiteral::String(s) => (Type::String, quote!(#s)),
        RuleLiteral::Bytes(b) => {
            let lit = Literal::byte_string(b);
            (Type::Bytes, quote!(#lit.as_slice()))
        }
        RuleLiteral::Duration(seconds, nanos) => {
            let total = i128::from(*seconds) * 1_000_000_000 + i128::from(*nanos);
            let total = total.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
            (
                Type::Duration,
                quote!(::protogate::cel::Duration::from_nanos(#total)),
            )
        }
        RuleLiteral::Timestamp(seconds, nanos) => (
            Type::Timestamp,
            quote!(::protogate::cel::Timestamp { seconds: #seconds, nanos: #nanos }),
        ),
        RuleLiteral::List(kind, items) => {
            let element = kind_type(*kind);
            let items: Vec<TokenStream> = items.iter().map(|item| literal(item).1).collect();
            let tokens = if items.is_empty() {
                let rust = kind_rust(*kind);
                quote!(<[#rust; 0]>::default())
            } else {
                quote!([#(#items),*])
            };
            (Type::list(element), tokens)
        }
    }
}

fn double(d: f64) -> TokenStream {
    if d.is_nan() {
        quote!(f64::NAN)
    } else if d == f64::INFINITY {
        quote!(f64::INFINITY)
    } else if d == f64::NEG_INFINITY {
        quote!(f64::NEG_INFINITY)
    } else {
        quote!(#d)
    }
}

fn kind_type(kind: ElementKind) -> Type {
    match kind {
        ElementKind::Bool => Type::Bool,
        ElementKind::Int => Type::Int,
        ElementKind::Uint => Type::Uint,
        ElementKind::Double => Type::Double,
        ElementKind::String => Type::String,
        ElementKind::Bytes => Type::Bytes,
        ElementKind::Duration => Type::Duration,
        ElementKind::Timestamp => Type::Timestamp,
    }
}

/// The Rust type of a literal list element, for an empty list.
fn kind_rust(kind: ElementKind) -> TokenStream {
    match kind {
        ElementKind::Bool => quote!(bool),
        ElementKind::Int => quote!(i64),
        ElementKind::Uint => quote!(u64),
        ElementKind::Double => quote!(f64),
        ElementKind::String => quote!(&str),
        ElementKind::Bytes => quote!(&[u8]),
        ElementKind::Duration => quote!(::protogate::cel::Duration),
        ElementKind::Timestamp => quote!(::protogate::cel::Timestamp),
    }
}

/// `this` for a single value of `ty` bound to `value` (a reference to its stored form); a
/// wrapper's value is bound by the caller. `None` for messages, which no rules message
/// extension applies to.
pub(super) fn value_this(ty: &FieldType) -> Option<(Type, TokenStream)> {
    use FieldType::*;
    Some(match ty {
        Double => (Type::Double, quote!(*value)),
        Float => (Type::Double, quote!(f64::from(*value))),
        Int32 | Sint32 | Sfixed32 | Enum(_) => (Type::Int, quote!(i64::from(*value))),
        Int64 | Sint64 | Sfixed64 => (Type::Int, quote!(*value)),
        Uint32 | Fixed32 => (Type::Uint, quote!(u64::from(*value))),
        Uint64 | Fixed64 => (Type::Uint, quote!(*value)),
        Bool => (Type::Bool, quote!(*value)),
        String => (Type::String, quote!(value.as_str())),
        Bytes => (Type::Bytes, quote!(&value[..])),
        Message(m) => match m.as_str() {
            "google.protobuf.Duration" => (
                Type::Duration,
                quote!(::protogate::cel::Duration::from(value)),
            ),
            "google.protobuf.Timestamp" => (
                Type::Timestamp,
                quote!(::protogate::cel::Timestamp::from(value)),
            ),
            _ => return None,
        },
    })
}

/// `this` for a whole repeated or map field bound to `value`.
pub(super) fn collection_this(field: &Field) -> Option<(Type, TokenStream)> {
    let ty = match &field.cardinality {
        Cardinality::Repeated => Type::list(element_type(&field.ty)?),
        Cardinality::Map(key, value) => Type::map(element_type(key)?, element_type(value)?),
        Cardinality::Single => return None,
    };
    Some((ty, quote!(value)))
}

/// The type of a single value as its rules see it: a wrapper's wrapped type.
fn unwrapped(ty: &FieldType) -> FieldType {
    match ty {
        FieldType::Message(m) if wrapper_family(m).is_some() => wrapped_type(m),
        other => other.clone(),
    }
}

/// What `this` is for the predefined rules at `element` of `field`.
fn this_at(field: &Field, element: Option<&str>) -> Option<(Type, TokenStream)> {
    match (element, &field.cardinality) {
        (None, Cardinality::Single) | (Some("items"), Cardinality::Repeated) => {
            value_this(&unwrapped(&field.ty))
        }
        (None, _) => collection_this(field),
        (Some("keys"), Cardinality::Map(key, _)) => value_this(key),
        (Some("values"), Cardinality::Map(_, value)) => value_this(&unwrapped(value)),
        _ => None,
    }
}

/// The predefined rules of `field` set at `element` (`None`: on the field itself).
pub(super) fn at_element<'f>(field: &'f Field, element: Option<&str>) -> Vec<&'f PredefinedRule> {
    field
        .predefined
        .iter()
        .filter(|r| r.element.as_deref() == element)
        .collect()
}

/// Generation-time checks: every predefined rule set on a field of `message` (or its items,
/// keys, values) parses, is well typed for what it is set on, and yields `bool` or `string`.
pub fn check_rules(api: &Api, message: &Message, diags: &mut Diagnostics) {
    for field in &message.fields {
        let on = format!("{}.{}", message.full_name, field.name);
        for predefined in &field.predefined {
            let report = |rule: &CelRule, error: String| {
                Diagnostic::error(
                    "cel-invalid",
                    predefined.location.clone(),
                    format!(
                        "predefined rule `{}` (CEL rule `{}` of `{}`) on `{on}`: {error}",
                        predefined.extension, rule.id, predefined.family
                    ),
                )
                .related(rule.location.clone(), "the expression is declared here")
                .hint("the extension's `(buf.validate.predefined).cel` expressions are compiled to Rust at generation; fix the expression or the rule it is set on")
            };
            if message.dialect == Dialect::Pgv {
                diags.push(
                    Diagnostic::warning(
                        crate::check::unenforced::CODE,
                        predefined.location.clone(),
                        format!(
                            "predefined rule `{}` on `{on}` is not enforced: the message is validated with protoc-gen-validate's semantics (its file imports validate/validate.proto)",
                            predefined.extension
                        ),
                    )
                    .hint("predefined rules apply to messages validated the protovalidate way"),
                );
                continue;
            }
            let this = this_at(field, predefined.element.as_deref())
                .filter(|_| rule_path(predefined).is_some());
            let Some(this) = this else {
                if let Some(rule) = predefined.cel.first() {
                    diags.push(report(
                        rule,
                        "compiled CEL cannot read this field's type yet".to_string(),
                    ));
                }
                continue;
            };
            for rule in &predefined.cel {
                if let Err(error) =
                    compile_rule(api, &message.package, predefined, rule, this.clone())
                {
                    diags.push(report(rule, error.render(&rule.expression)));
                }
            }
        }
    }
}

/// `FieldRules`' field for a rule family: its name and number.
fn family_step(family: &str) -> Option<(&str, i32)> {
    let number = match family {
        "float" => 1,
        "double" => 2,
        "int32" => 3,
        "int64" => 4,
        "uint32" => 5,
        "uint64" => 6,
        "sint32" => 7,
        "sint64" => 8,
        "fixed32" => 9,
        "fixed64" => 10,
        "sfixed32" => 11,
        "sfixed64" => 12,
        "bool" => 13,
        "string" => 14,
        "bytes" => 15,
        "enum" => 16,
        "repeated" => 18,
        "map" => 19,
        "any" => 20,
        "duration" => 21,
        "timestamp" => 22,
        "field_mask" => 28,
        _ => return None,
    };
    Some((family, number))
}

/// The rule path of a predefined rule: where its element rules sit, its family, then the
/// extension as protovalidate names it (`[pkg.ext]`).
fn rule_path(rule: &PredefinedRule) -> Option<TokenStream> {
    let step = |name: &str, number: i32, ty: i32| quote!(::protogate::field_path::RuleStep::field(#name, #number, #ty));
    let mut steps = Vec::new();
    match rule.element.as_deref() {
        None => {}
        Some("items") => steps.extend([step("repeated", 18, 11), step("items", 4, 11)]),
        Some("keys") => steps.extend([step("map", 19, 11), step("keys", 4, 11)]),
        Some("values") => steps.extend([step("map", 19, 11), step("values", 5, 11)]),
        Some(_) => return None,
    }
    let (family, number) = family_step(&rule.family)?;
    steps.push(step(family, number, 11));
    let extension = format!("[{}]", rule.extension);
    let number = rule.number as i32;
    steps.push(step(&extension, number, rule.field_type));
    Some(quote!({
        const PATH: &[::protogate::field_path::RuleStep] = &[#(#steps),*];
        PATH
    }))
}

/// One `v.check_pv_rule(…)` per CEL rule of each predefined rule, on `this` at the field
/// `site`, `at` the item, key or value (the field itself when `None`); rules that do not
/// compile were reported by [`check_rules`].
pub(super) fn checks(
    api: &Api,
    package: &str,
    rules: &[&PredefinedRule],
    this: &(Type, TokenStream),
    site: &TokenStream,
    at: &Option<TokenStream>,
) -> Vec<TokenStream> {
    let at = at
        .clone()
        .unwrap_or_else(|| quote!(::protogate::validate::At::Field));
    let mut out = Vec::new();
    for predefined in rules {
        let Some(path) = rule_path(predefined) else {
            continue;
        };
        for rule in &predefined.cel {
            let Ok(compiled) = compile_rule(api, package, predefined, rule, this.clone()) else {
                continue;
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
            let check = quote!(v.check_pv_rule(
                #outcome,
                ::core::option::Option::Some(#site),
                #at,
                #path,
            ););
            out.push(if mentions(tokens, "now") {
                quote!({
                    let now = ::protogate::cel::Timestamp::now();
                    #check
                })
            } else {
                check
            });
        }
    }
    out
}

impl Gen<'_> {
    /// The predefined rules `predefined` on one value of `ty` bound to `value`.
    pub(super) fn predefined_checks(
        &self,
        ctx: &Ctx,
        ty: &FieldType,
        predefined: &[&PredefinedRule],
        at: &Option<TokenStream>,
    ) -> Vec<TokenStream> {
        match value_this(ty) {
            Some(this) if !predefined.is_empty() => {
                let package = &self.message.package;
                checks(self.api, package, predefined, &this, &ctx.site, at)
            }
            _ => Vec::new(),
        }
    }

    /// The predefined rules on a whole repeated or map `field` bound to `value`.
    pub(super) fn predefined_collection_checks(
        &self,
        ctx: &Ctx,
        field: &Field,
    ) -> Vec<TokenStream> {
        let rules = at_element(field, None);
        match collection_this(field) {
            Some(this) if !rules.is_empty() => {
                let package = &self.message.package;
                checks(self.api, package, &rules, &this, &ctx.site, &None)
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The literal of `value` as the generated file spells it.
    fn spelled(value: RuleLiteral) -> (Type, String) {
        let (ty, tokens) = literal(&value);
        let expr: syn::Expr = syn::parse2(tokens).expect("a Rust expression");
        (ty, quote!(#expr).to_string())
    }

    #[test]
    fn rule_values_become_typed_rust_literals() {
        assert_eq!(spelled(RuleLiteral::Int(-2)), (Type::Int, "- 2i64".into()));
        assert_eq!(
            spelled(RuleLiteral::Double(-1.5)),
            (Type::Double, "- 1.5f64".into())
        );
        assert_eq!(
            spelled(RuleLiteral::Double(f64::NAN)),
            (Type::Double, "f64 :: NAN".into())
        );
        assert_eq!(
            spelled(RuleLiteral::Duration(1, 500_000_000)),
            (
                Type::Duration,
                ":: protogate :: cel :: Duration :: from_nanos (1500000000i64)".into()
            )
        );
        assert_eq!(
            spelled(RuleLiteral::List(
                ElementKind::Uint,
                vec![RuleLiteral::Uint(1), RuleLiteral::Uint(2)]
            )),
            (Type::list(Type::Uint), "[1u64 , 2u64]".into())
        );
        assert_eq!(
            spelled(RuleLiteral::List(ElementKind::String, Vec::new())),
            (
                Type::list(Type::String),
                "< [& str ; 0] > :: default ()".into()
            )
        );
    }
}
