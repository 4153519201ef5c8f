//! Recursive-descent parser for CEL's grammar, with the macros expanded as they are read.

use crate::ast::{Comprehension, Expr, ExprKind, MacroKind};
use crate::lexer::{tokenize, Tok, Token};
use crate::CelError;

/// Deepest nesting accepted, so a hostile expression cannot overflow the stack.
const MAX_DEPTH: usize = 128;

/// Parses one CEL expression.
pub fn parse(source: &str) -> Result<Expr, CelError> {
    let tokens = tokenize(source)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let expr = parser.expr()?;
    let end = parser.next();
    if end.kind != Tok::End {
        return Err(CelError::parse(
            end.col,
            format!("unexpected {}", describe(&end.kind)),
        ));
    }
    Ok(expr)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::End => "end of expression".to_string(),
        Tok::Punct(p) | Tok::Keyword(p) => format!("`{p}`"),
        Tok::Ident(name) => format!("`{name}`"),
        _ => "literal".to_string(),
    }
}

fn call(col: usize, function: &str, args: Vec<Expr>) -> Expr {
    Expr {
        kind: ExprKind::Call {
            target: None,
            function: function.to_string(),
            args,
        },
        col,
    }
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let token = self.peek().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        token
    }

    fn eat(&mut self, punct: &str) -> bool {
        if matches!(&self.peek().kind, Tok::Punct(p) if *p == punct) {
            self.pos += 1;
            return true;
        }
        false
    }

    fn expect(&mut self, punct: &str) -> Result<(), CelError> {
        if self.eat(punct) {
            return Ok(());
        }
        let token = self.peek();
        Err(CelError::parse(
            token.col,
            format!("expected `{punct}`, found {}", describe(&token.kind)),
        ))
    }

    fn expr(&mut self) -> Result<Expr, CelError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(CelError::parse(
                self.peek().col,
                "expression nested too deeply".to_string(),
            ));
        }
        let cond = self.or()?;
        let result = if self.eat("?") {
            let then = self.or()?;
            self.expect(":")?;
            let otherwise = self.expr()?;
            let col = cond.col;
            Ok(call(col, "_?_:_", vec![cond, then, otherwise]))
        } else {
            Ok(cond)
        };
        self.depth -= 1;
        result
    }

    /// Runs `parse` one level deeper, refusing nesting beyond [`MAX_DEPTH`].
    fn nested(&mut self, parse: fn(&mut Self) -> Result<Expr, CelError>) -> Result<Expr, CelError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(CelError::parse(
                self.peek().col,
                "expression nested too deeply".to_string(),
            ));
        }
        let result = parse(self);
        self.depth -= 1;
        result
    }

    fn or(&mut self) -> Result<Expr, CelError> {
        let mut left = self.and()?;
        while let Tok::Punct("||") = self.peek().kind {
            let col = self.next().col;
            let right = self.and()?;
            left = call(col, "_||_", vec![left, right]);
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, CelError> {
        let mut left = self.relation()?;
        while let Tok::Punct("&&") = self.peek().kind {
            let col = self.next().col;
            let right = self.relation()?;
            left = call(col, "_&&_", vec![left, right]);
        }
        Ok(left)
    }

    fn relation(&mut self) -> Result<Expr, CelError> {
        let mut left = self.addition()?;
        loop {
            let op = match self.peek().kind {
                Tok::Punct(p @ ("<" | "<=" | ">" | ">=" | "==" | "!=")) => p,
                Tok::Keyword("in") => "in",
                _ => return Ok(left),
            };
            let col = self.next().col;
            let right = self.addition()?;
            let name = if op == "in" {
                "@in".to_string()
            } else {
                format!("_{op}_")
            };
            left = call(col, &name, vec![left, right]);
        }
    }

    fn addition(&mut self) -> Result<Expr, CelError> {
        let mut left = self.multiplication()?;
        while let Tok::Punct(p @ ("+" | "-")) = self.peek().kind {
            let col = self.next().col;
            let right = self.multiplication()?;
            left = call(col, &format!("_{p}_"), vec![left, right]);
        }
        Ok(left)
    }

    fn multiplication(&mut self) -> Result<Expr, CelError> {
        let mut left = self.unary()?;
        while let Tok::Punct(p @ ("*" | "/" | "%")) = self.peek().kind {
            let col = self.next().col;
            let right = self.unary()?;
            left = call(col, &format!("_{p}_"), vec![left, right]);
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, CelError> {
        let token = self.peek().clone();
        match token.kind {
            Tok::Punct("!") => {
                self.next();
                let operand = self.nested(Self::unary)?;
                Ok(call(token.col, "!_", vec![operand]))
            }
            Tok::Punct("-") => {
                self.next();
                // A negated literal is one literal, so `-9223372036854775808` fits.
                if let Tok::Int(value) = self.peek().kind {
                    let literal_pos = self.pos;
                    self.next();
                    if !self.at_member_suffix() {
                        let negated = 0i64.checked_sub_unsigned(value).ok_or_else(|| {
                            CelError::parse(
                                token.col,
                                "integer literal is out of range".to_string(),
                            )
                        })?;
                        return Ok(Expr {
                            kind: ExprKind::Int(negated),
                            col: token.col,
                        });
                    }
                    self.pos = literal_pos;
                }
                if let Tok::Double(value) = self.peek().kind {
                    let literal_pos = self.pos;
                    self.next();
                    if !self.at_member_suffix() {
                        return Ok(Expr {
                            kind: ExprKind::Double(-value),
                            col: token.col,
                        });
                    }
                    self.pos = literal_pos;
                }
                let operand = self.nested(Self::unary)?;
                Ok(call(token.col, "-_", vec![operand]))
            }
            _ => self.member(),
        }
    }

    fn at_member_suffix(&self) -> bool {
        matches!(self.peek().kind, Tok::Punct("." | "[" | "("))
    }

    fn member(&mut self) -> Result<Expr, CelError> {
        let mut expr = self.primary()?;
        let mut links = 0;
        loop {
            links += 1;
            if links > MAX_DEPTH {
                return Err(CelError::parse(
                    self.peek().col,
                    "expression nested too deeply".to_string(),
                ));
            }
            let token = self.peek().clone();
            match token.kind {
                Tok::Punct(".") => {
                    self.next();
                    let name_token = self.next();
                    let Tok::Ident(name) = name_token.kind else {
                        return Err(CelError::parse(
                            name_token.col,
                            format!(
                                "expected a field or method name, found {}",
                                describe(&name_token.kind)
                            ),
                        ));
                    };
                    if self.eat("(") {
                        let args = self.list_until(")")?;
                        expr = self.receiver_call(expr, name, args, name_token.col)?;
                    } else if matches!(self.peek().kind, Tok::Punct("{"))
                        && qualified_name(&expr).is_some()
                    {
                        let prefix = qualified_name(&expr).unwrap_or_default();
                        let col = expr.col;
                        self.next();
                        expr = self.struct_fields(format!("{prefix}.{name}"), col)?;
                    } else {
                        expr = Expr {
                            kind: ExprKind::Select {
                                operand: Box::new(expr),
                                field: name,
                                test: false,
                            },
                            col: name_token.col,
                        };
                    }
                }
                Tok::Punct("[") => {
                    self.next();
                    let index = self.expr()?;
                    self.expect("]")?;
                    expr = call(token.col, "_[_]", vec![expr, index]);
                }
                _ => return Ok(expr),
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, CelError> {
        let token = self.next();
        let col = token.col;
        let kind = match token.kind {
            Tok::Int(value) => ExprKind::Int(i64::try_from(value).map_err(|_| {
                CelError::parse(col, "integer literal is out of range".to_string())
            })?),
            Tok::Uint(value) => ExprKind::Uint(value),
            Tok::Double(value) => ExprKind::Double(value),
            Tok::String(value) => ExprKind::String(value),
            Tok::Bytes(value) => ExprKind::Bytes(value),
            Tok::Keyword("true") => ExprKind::Bool(true),
            Tok::Keyword("false") => ExprKind::Bool(false),
            Tok::Keyword("null") => ExprKind::Null,
            Tok::Punct("(") => {
                let inner = self.expr()?;
                self.expect(")")?;
                return Ok(inner);
            }
            Tok::Punct("[") => ExprKind::List(self.list_until("]")?),
            Tok::Punct("{") => ExprKind::Map(self.map_entries()?),
            Tok::Punct(".") => {
                let name_token = self.next();
                let Tok::Ident(name) = name_token.kind else {
                    return Err(CelError::parse(
                        name_token.col,
                        "expected a name after `.`".to_string(),
                    ));
                };
                return self.name_or_call(format!(".{name}"), col);
            }
            Tok::Ident(name) => return self.name_or_call(name, col),
            other => {
                return Err(CelError::parse(
                    col,
                    format!("unexpected {}", describe(&other)),
                ))
            }
        };
        Ok(Expr { kind, col })
    }

    fn name_or_call(&mut self, name: String, col: usize) -> Result<Expr, CelError> {
        if self.eat("(") {
            let args = self.list_until(")")?;
            if name == "has" {
                return has_macro(args, col);
            }
            return Ok(Expr {
                kind: ExprKind::Call {
                    target: None,
                    function: name,
                    args,
                },
                col,
            });
        }
        if matches!(self.peek().kind, Tok::Punct("{")) {
            self.next();
            return self.struct_fields(name, col);
        }
        Ok(Expr {
            kind: ExprKind::Ident(name),
            col,
        })
    }

    fn list_until(&mut self, close: &str) -> Result<Vec<Expr>, CelError> {
        let mut items = Vec::new();
        if self.eat(close) {
            return Ok(items);
        }
        loop {
            items.push(self.expr()?);
            if self.eat(close) {
                return Ok(items);
            }
            self.expect(",")?;
            if self.eat(close) {
                return Ok(items);
            }
        }
    }

    fn map_entries(&mut self) -> Result<Vec<(Expr, Expr)>, CelError> {
        let mut entries = Vec::new();
        if self.eat("}") {
            return Ok(entries);
        }
        loop {
            let key = self.expr()?;
            self.expect(":")?;
            let value = self.expr()?;
            entries.push((key, value));
            if self.eat("}") {
                return Ok(entries);
            }
            self.expect(",")?;
            if self.eat("}") {
                return Ok(entries);
            }
        }
    }

    fn struct_fields(&mut self, name: String, col: usize) -> Result<Expr, CelError> {
        let mut fields = Vec::new();
        while !self.eat("}") {
            let token = self.next();
            let Tok::Ident(field) = token.kind else {
                return Err(CelError::parse(
                    token.col,
                    format!("expected a field name, found {}", describe(&token.kind)),
                ));
            };
            self.expect(":")?;
            fields.push((field, self.expr()?));
            if !self.eat(",") {
                self.expect("}")?;
                break;
            }
        }
        Ok(Expr {
            kind: ExprKind::Struct { name, fields },
            col,
        })
    }

    fn receiver_call(
        &mut self,
        target: Expr,
        name: String,
        mut args: Vec<Expr>,
        col: usize,
    ) -> Result<Expr, CelError> {
        let kind = match name.as_str() {
            "all" => Some(MacroKind::All),
            "exists" => Some(MacroKind::Exists),
            "exists_one" | "existsOne" => Some(MacroKind::ExistsOne),
            "map" => Some(MacroKind::Map),
            "filter" => Some(MacroKind::Filter),
            _ => None,
        };
        let Some(kind) = kind else {
            return Ok(Expr {
                kind: ExprKind::Call {
                    target: Some(Box::new(target)),
                    function: name,
                    args,
                },
                col,
            });
        };
        let arity_ok = match kind {
            MacroKind::Map => args.len() == 2 || args.len() == 3,
            _ => args.len() == 2,
        };
        if !arity_ok {
            return Err(CelError::parse(
                col,
                format!(
                    "macro `{name}` takes 2 arguments{}",
                    if kind == MacroKind::Map { " or 3" } else { "" }
                ),
            ));
        }
        let first = args.remove(0);
        let ExprKind::Ident(var) = first.kind else {
            return Err(CelError::parse(
                first.col,
                format!("the first argument of `{name}` must be a variable name"),
            ));
        };
        let (predicate, transform) = match (kind, args.len()) {
            (MacroKind::Map, 2) => {
                let transform = args.pop();
                (args.pop(), transform)
            }
            (MacroKind::Map, _) => (None, args.pop()),
            _ => (args.pop(), None),
        };
        Ok(Expr {
            kind: ExprKind::Macro(Box::new(Comprehension {
                kind,
                range: target,
                var,
                predicate,
                transform,
            })),
            col,
        })
    }
}

fn has_macro(mut args: Vec<Expr>, col: usize) -> Result<Expr, CelError> {
    let arg = if args.len() == 1 { args.pop() } else { None };
    match arg.map(|a| a.kind) {
        Some(ExprKind::Select { operand, field, .. }) => Ok(Expr {
            kind: ExprKind::Select {
                operand,
                field,
                test: true,
            },
            col,
        }),
        _ => Err(CelError::parse(
            col,
            "`has` takes one field selection, like `has(this.name)`".to_string(),
        )),
    }
}

/// The dotted name an expression spells, if it is only names and selections.
fn qualified_name(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::Ident(name) => Some(name.clone()),
        ExprKind::Select {
            operand,
            field,
            test: false,
        } => Some(format!("{}.{field}", qualified_name(operand)?)),
        _ => None,
    }
}
