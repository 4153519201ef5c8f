//! `'…'.format([…])`, CEL's string formatting, with a constant format string and a list
//! literal: the clauses are parsed and each argument's type checked at build time, and the
//! whole becomes one `format!` whose arguments the runtime renders as CEL does.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::calls::view;
use super::{atom, rt, Compiler, Value};
use crate::ast::{Expr, ExprKind};
use crate::types::Type;
use crate::CelError;

/// One clause of a format string.
#[derive(Debug, PartialEq)]
enum Piece {
    /// Text copied as is (`%%` already read as `%`).
    Text(String),
    /// A `%` clause: its verb and precision (`%.2f`).
    Clause {
        verb: char,
        precision: Option<usize>,
    },
}

/// The pieces of `template`, or the column (1-based, within the template) and the reason it is
/// not a format string.
fn parse_template(template: &str) -> Result<Vec<Piece>, (usize, String)> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = template.chars().enumerate().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '%' {
            text.push(c);
            continue;
        }
        if chars.peek().map(|(_, c)| *c) == Some('%') {
            chars.next();
            text.push('%');
            continue;
        }
        let mut precision = None;
        if chars.peek().map(|(_, c)| *c) == Some('.') {
            chars.next();
            let mut digits = String::new();
            while let Some((_, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            precision = Some(
                digits
                    .parse::<usize>()
                    .map_err(|_| (at + 1, "a precision needs digits after `.`".to_string()))?,
            );
        }
        match chars.next() {
            Some((_, verb @ ('s' | 'd' | 'f' | 'e' | 'x' | 'X' | 'o' | 'b'))) => {
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                if precision.is_some() && !matches!(verb, 'f' | 'e') {
                    return Err((at + 1, format!("`%{verb}` takes no precision")));
                }
                pieces.push(Piece::Clause { verb, precision });
            }
            Some((i, other)) => {
                return Err((i + 1, format!("unknown format clause `%{other}`")));
            }
            None => return Err((at + 1, "the format string ends in `%`".to_string())),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

impl Compiler<'_> {
    /// `template.format(items)`.
    pub(super) fn format(
        &mut self,
        template: &Expr,
        items: &Expr,
        col: usize,
    ) -> Result<Value, CelError> {
        let (ExprKind::String(text), ExprKind::List(args)) = (&template.kind, &items.kind) else {
            return Err(CelError::check(
                col,
                "`format` needs a constant format string and a list literal in compiled CEL",
            ));
        };
        let pieces = parse_template(text).map_err(|(at, message)| {
            CelError::check(template.col + at, format!("format string: {message}"))
        })?;
        let clauses = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Clause { .. }))
            .count();
        if clauses != args.len() {
            return Err(CelError::check(
                items.col,
                format!(
                    "the format string has {clauses} clauses, the list {} values",
                    args.len()
                ),
            ));
        }
        let mut rust_template = String::new();
        let mut rendered = Vec::new();
        let mut fallible = false;
        let mut args = args.iter();
        for piece in &pieces {
            match piece {
                Piece::Text(t) => rust_template.push_str(&t.replace('{', "{{").replace('}', "}}")),
                Piece::Clause { verb, precision } => {
                    let Some(arg) = args.next() else { break };
                    let value = self.value(arg)?;
                    rendered.push(render(*verb, *precision, &value, arg.col)?);
                    fallible |= value.fallible;
                    rust_template.push_str("{}");
                }
            }
        }
        // A lone clause is the argument's own text, without `format!`.
        let tokens = match rendered.as_slice() {
            [(tokens, true)] if rust_template == "{}" => tokens.clone(),
            [(tokens, false)] if rust_template == "{}" => {
                quote!(::std::string::ToString::to_string(&#tokens))
            }
            _ => {
                let template = Literal::string(&rust_template);
                let args = rendered.iter().map(|(tokens, _)| tokens);
                quote!(::std::format!(#template, #(#args),*))
            }
        };
        let mut value = if fallible {
            Value::fallible(Type::String, tokens)
        } else {
            Value::new(Type::String, tokens)
        };
        value.owned = true;
        Ok(value)
    }
}

/// The `Display` expression of one argument under `verb`, and whether it is a `String`
/// already.
fn render(
    verb: char,
    precision: Option<usize>,
    value: &Value,
    col: usize,
) -> Result<(TokenStream, bool), CelError> {
    let rt = rt();
    let a = value.tokens.clone();
    let upper = verb == 'X';
    let as_double = || match value.ty {
        Type::Double => Some(a.clone()),
        Type::Int | Type::Uint => {
            let a = atom(&a);
            Some(quote!(#a as f64))
        }
        _ => None,
    };
    let rendered = match (verb, &value.ty) {
        ('s', Type::String) => (view(value), false),
        // Bytes that are not UTF-8 print with replacement characters, as CEL prints them.
        ('s', Type::Bytes) => {
            let b = view(value);
            (quote!(::std::string::String::from_utf8_lossy(#b)), false)
        }
        ('s' | 'd', Type::Int | Type::Uint) | ('s', Type::Bool) => (a, false),
        ('s', Type::Timestamp | Type::Duration) => (a, false),
        ('s' | 'd', Type::Double) => (quote!(#rt::double_to_string(#a)), true),
        ('s', Type::Null) => (quote!("null"), false),
        ('f' | 'e', _) if as_double().is_some() => {
            let x = as_double().unwrap_or_default();
            let digits = precision.unwrap_or(6);
            let f = if verb == 'f' {
                quote!(format_fixed)
            } else {
                quote!(format_scientific)
            };
            (quote!(#rt::#f(#x, #digits)), true)
        }
        ('x' | 'X' | 'o' | 'b', Type::Int) => {
            let radix = radix(verb);
            (quote!(#rt::format_int_radix(#a, #radix, #upper)), true)
        }
        ('x' | 'X' | 'o' | 'b', Type::Uint) => {
            let radix = radix(verb);
            (quote!(#rt::format_uint_radix(#a, #radix, #upper)), true)
        }
        ('x' | 'X', Type::String) => {
            let s = view(value);
            (
                quote!(#rt::format_hex_bytes(str::as_bytes(#s), #upper)),
                true,
            )
        }
        ('x' | 'X', Type::Bytes) => {
            let b = view(value);
            (quote!(#rt::format_hex_bytes(#b, #upper)), true)
        }
        (verb, ty) => {
            return Err(CelError::check(
                col,
                format!("`%{verb}` cannot format a value of type {ty}"),
            ))
        }
    };
    Ok(rendered)
}

fn radix(verb: char) -> u32 {
    match verb {
        'o' => 8,
        'b' => 2,
        _ => 16,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_into_text_and_clauses() {
        assert_eq!(
            parse_template("a `%s` is 100%% %.2f"),
            Ok(vec![
                Piece::Text("a `".into()),
                Piece::Clause {
                    verb: 's',
                    precision: None
                },
                Piece::Text("` is 100% ".into()),
                Piece::Clause {
                    verb: 'f',
                    precision: Some(2)
                },
            ])
        );
    }

    #[test]
    fn malformed_templates_point_at_the_clause() {
        assert_eq!(
            parse_template("ab%q"),
            Err((4, "unknown format clause `%q`".to_string()))
        );
        assert!(parse_template("trailing %").is_err());
        assert!(parse_template("%.2s").is_err());
    }
}
