//! The rules written for one family: look-ups by name, their values, and the checks of
//! protogate-rules over them.

use protogate_rules::emit::{self, Facts};

use super::*;

/// The rules of one family, checked against the family's rule names, their values read.
pub(super) struct Rules<'a> {
    pub(super) family: &'a Family,
    /// The rules that hold a value, as the emitters read them.
    pub(super) written: Vec<emit::Rule>,
    /// What the rules name of the value's type.
    pub(super) facts: Facts,
}

impl<'a> Rules<'a> {
    pub(super) fn new(family: &'a Family) -> syn::Result<Rules<'a>> {
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
        let mut rules = Rules {
            family,
            written: Vec::new(),
            facts: Facts::default(),
        };
        let (written, args, facts) = values::read(&rules)?;
        rules.shared_checks(&written, &args)?;
        rules.written = written;
        rules.facts = facts;
        Ok(rules)
    }

    pub(super) fn get(&self, name: &str) -> Option<&'a Arg> {
        self.family.rules.iter().find(|a| a.name == name)
    }

    /// The contradictions and redundancies protogate-rules finds, as compile errors: a rule
    /// with no effect is an error here, since a derive has no warnings.
    /// `args` holds the index of each written rule's attribute argument.
    fn shared_checks(&self, written: &[emit::Rule], args: &[usize]) -> syn::Result<()> {
        let family = self.family.name.as_str();
        let written: Vec<WrittenRule> = written
            .iter()
            .map(|r| WrittenRule::new(r.name.as_str(), RuleLiteral::from(&r.value)))
            .collect();
        let subject = Subject::new(Dialect::Pgv, family);
        let mut errors: Option<syn::Error> = None;
        for finding in checks::check(&subject, &written) {
            let Some(arg) = args
                .get(finding.rule)
                .and_then(|&i| self.family.rules.get(i))
            else {
                continue;
            };
            // A bad number is the value's fault; a conflict is the rule's.
            let error = match (&arg.value, finding.kind) {
                (
                    ArgValue::Expr(e),
                    FindingKind::Nan | FindingKind::Infinite | FindingKind::InvalidPattern,
                ) => syn::Error::new_spanned(e, finding.message),
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
    pub(super) fn expr(&self, name: &str) -> syn::Result<Option<(&'a Arg, &'a Expr)>> {
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

    pub(super) fn flag(&self, name: &str) -> syn::Result<bool> {
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
    pub(super) fn list(&self, name: &str) -> syn::Result<Option<Vec<&'a Expr>>> {
        match self.expr(name)? {
            None => Ok(None),
            Some((_, Expr::Array(a))) if !a.elems.is_empty() => Ok(Some(a.elems.iter().collect())),
            Some((_, e)) => Err(syn::Error::new(
                e.span(),
                format!("`{name}` takes a non-empty list, e.g. `{name} = [a, b]`"),
            )),
        }
    }

    pub(super) fn nested(&self, name: &str) -> Option<(&'a Arg, &'a [Family])> {
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
}

pub(super) fn lit_str(e: &Expr, name: &str) -> syn::Result<LitStr> {
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
