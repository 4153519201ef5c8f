//! The rules written for one family: look-ups by name, their values, and the checks of
//! protogate-rules over them.

use super::*;

/// The rules of one family, checked against the family's rule names.
pub(super) struct Rules<'a> {
    pub(super) family: &'a Family,
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
        let rules = Rules { family };
        rules.shared_checks()?;
        Ok(rules)
    }

    pub(super) fn get(&self, name: &str) -> Option<&'a Arg> {
        self.family.rules.iter().find(|a| a.name == name)
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

/// A rule's value as protogate-rules reads it. Only literals are looked into; a constant or
/// an expression is left to rustc, except `f32::NAN` / `f64::NAN`, which no bound may be.
pub(super) fn literal(value: &ArgValue) -> RuleLiteral {
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

pub(super) fn lit_literal(lit: &Lit, negative: bool) -> RuleLiteral {
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
