//! Parser and checker behaviour: what parses, what type an expression has, and the diagnostics
//! (message and column) for what does not.

use proc_macro2::TokenStream;
use protogate_cel::{
    check, compile, parse, CelError, Env, ExprKind, Field, Presence, ResultKind, Type, Variable,
};
use quote::quote;

struct TestEnv;

impl Env for TestEnv {
    fn variable(&self, name: &str) -> Option<Variable> {
        let ty = match name {
            "this" => Type::Message("pkg.User".into()),
            "i" => Type::Int,
            "s" => Type::String,
            "l" => Type::list(Type::Int),
            "m" => Type::map(Type::String, Type::Int),
            "now" => Type::Timestamp,
            _ => return None,
        };
        Some(Variable {
            ty,
            tokens: quote!(v),
        })
    }

    fn field(&self, message: &str, field: &str) -> Option<Field> {
        let ty = match (message, field) {
            ("pkg.User", "name") => Type::String,
            ("pkg.User", "age") => Type::Int,
            ("pkg.User", "manager") => Type::Message("pkg.User".into()),
            ("pkg.User", "nickname") => Type::Wrapper(Box::new(Type::String)),
            _ => return None,
        };
        let access: fn(&TokenStream) -> TokenStream = |m| quote!(#m.field);
        Some(Field {
            ty,
            presence: Presence::Implicit,
            access: Box::new(access),
        })
    }
}

fn type_of(expression: &str) -> Type {
    check(expression, &TestEnv).unwrap_or_else(|e| panic!("{}", e.render(expression)))
}

fn error(expression: &str) -> CelError {
    match check(expression, &TestEnv) {
        Ok(ty) => panic!("`{expression}` checked as {ty}, expected an error"),
        Err(e) => e,
    }
}

#[test]
fn operators_bind_with_cels_precedence() {
    let ExprKind::Call { function, args, .. } =
        parse("1 + 2 * 3 == 7 && !false || true").unwrap().kind
    else {
        panic!("expected a call")
    };
    assert_eq!(function, "_||_");
    let ExprKind::Call { function, .. } = &args[0].kind else {
        panic!("expected a call")
    };
    assert_eq!(function, "_&&_");
    let ExprKind::Call { function, args, .. } = parse("a ? b : c ? d : e").unwrap().kind else {
        panic!("expected a call")
    };
    assert_eq!(function, "_?_:_");
    assert!(matches!(&args[2].kind, ExprKind::Call { function, .. } if function == "_?_:_"));
}

#[test]
fn literals_decode_escapes_and_suffixes() {
    let literal = |text: &str| parse(text).unwrap().kind;
    assert_eq!(literal("0x1F"), ExprKind::Int(31));
    assert_eq!(literal("42u"), ExprKind::Uint(42));
    assert_eq!(literal("-9223372036854775808"), ExprKind::Int(i64::MIN));
    assert_eq!(literal("1e3"), ExprKind::Double(1000.0));
    assert_eq!(
        literal(r#""a\tb\u00e9\x41\101""#),
        ExprKind::String("a\tbéAA".into())
    );
    assert_eq!(literal(r"r'\d'"), ExprKind::String(r"\d".into()));
    assert_eq!(literal(r#"b"\xff\000""#), ExprKind::Bytes(vec![0xff, 0]));
    assert_eq!(literal("'''a\nb'''"), ExprKind::String("a\nb".into()));
}

#[test]
fn macros_expand_while_parsing() {
    let ExprKind::Macro(c) = parse("l.map(x, x > 1, x * 2)").unwrap().kind else {
        panic!("expected a macro")
    };
    assert_eq!(c.var, "x");
    assert!(c.predicate.is_some() && c.transform.is_some());
    assert!(matches!(
        parse("has(this.name)").unwrap().kind,
        ExprKind::Select { test: true, .. }
    ));
}

#[test]
fn syntax_errors_point_at_the_column() {
    let cases = [
        ("1 +", 4, "unexpected end of expression"),
        ("(1", 3, "expected `)`"),
        ("'abc", 1, "unterminated string"),
        ("a.b.(c)", 5, "expected a field or method name"),
        ("1 ** 2", 4, "unexpected `*`"),
        ("if", 1, "reserved word"),
        ("has(x)", 1, "`has` takes one field selection"),
        ("l.all(1, true)", 7, "must be a variable name"),
        ("18446744073709551616", 1, "out of range"),
        ("'\\q'", 1, "invalid escape"),
    ];
    for (expression, column, message) in cases {
        match parse(expression) {
            Err(CelError::Parse {
                column: c,
                message: m,
            }) => {
                assert_eq!(c, column, "column for `{expression}`: {m}");
                assert!(m.contains(message), "message for `{expression}`: {m}");
            }
            other => panic!("`{expression}` gave {other:?}"),
        }
    }
}

#[test]
fn expressions_have_cel_types() {
    assert_eq!(type_of("this.name"), Type::String);
    assert_eq!(type_of("this.manager.age + 1"), Type::Int);
    assert_eq!(
        type_of("this.nickname"),
        Type::Wrapper(Box::new(Type::String))
    );
    assert_eq!(
        type_of("l.map(x, double(x) * 2.0 > 1.0)"),
        Type::list(Type::Bool)
    );
    assert_eq!(type_of("l.filter(x, x > 0)"), Type::list(Type::Int));
    assert_eq!(type_of("m['a'] + size(m)"), Type::Int);
    assert_eq!(type_of("now - duration('1h') < now"), Type::Bool);
    assert_eq!(type_of("i < 1u && i < 1.5"), Type::Bool);
    assert_eq!(
        type_of("s.isEmail() || s.isIp(4) || [1, 2].unique()"),
        Type::Bool
    );
    assert_eq!(
        type_of("this.nickname == null || this.nickname == 'x'"),
        Type::Bool
    );
}

#[test]
fn type_errors_name_what_was_found_and_where() {
    let cases = [
        ("this.nope", 6, "message `pkg.User` has no field `nope`"),
        ("unknown + 1", 1, "undeclared reference to `unknown`"),
        (
            "s.frobnicate()",
            3,
            "undeclared reference to function `frobnicate`",
        ),
        (
            "i + 1u",
            3,
            "no matching overload for `_+_` applied to (int, uint)",
        ),
        (
            "i == 1u",
            3,
            "no matching overload for `_==_` applied to (int, uint)",
        ),
        (
            "size(i)",
            1,
            "no matching overload for `size` applied to (int)",
        ),
        (
            "l.all(x, x + 1)",
            12,
            "the predicate of `all` must be bool, found int",
        ),
        ("i ? 1 : 2", 1, "the condition of `?:` must be bool"),
        ("true ? 1 : 's'", 1, "the branches of `?:` differ in type"),
        ("s.contains(1)", 3, "(string, int)"),
        (
            "isEmail(s)",
            1,
            "`isEmail` cannot be called as a global function",
        ),
        (
            "i.size()",
            3,
            "no matching overload for `size` applied to (int)",
        ),
        (
            "pkg.User{name: 'x'}",
            1,
            "constructing message `pkg.User` is not supported",
        ),
    ];
    for (expression, column, message) in cases {
        let e = error(expression);
        assert!(matches!(e, CelError::Check { .. }), "`{expression}`: {e}");
        assert_eq!(e.column(), column, "column for `{expression}`: {e}");
        assert!(
            e.to_string().contains(message),
            "message for `{expression}`: {e}"
        );
    }
}

#[test]
fn rules_must_yield_bool_or_string() {
    assert_eq!(
        compile("this.age > 0", &TestEnv).map(|c| c.result),
        Ok(ResultKind::Bool)
    );
    assert_eq!(
        compile("this.age > 0 ? '' : 'too young'", &TestEnv).map(|c| c.result),
        Ok(ResultKind::String)
    );
    let e = compile("this.age + 1", &TestEnv)
        .map(|c| c.result)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("must yield bool or string, this one yields int"),
        "{e}"
    );
    assert_eq!(
        e.render("this.age + 1"),
        format!("{e}\n  | this.age + 1\n  |          ^")
    );
}

#[test]
fn hostile_input_is_an_error_not_a_crash() {
    for expression in [
        "!".repeat(10_000),
        "-".repeat(10_000) + "1",
        "(".repeat(10_000),
        "[".repeat(10_000),
        "a".to_string() + &".b".repeat(10_000),
        "\u{1F600} + é".to_string(),
        "'\\u123'".to_string(),
        "0x".to_string(),
        "1e".to_string(),
        "\"\"\"".to_string(),
        "l.map(x, y, z, w)".to_string(),
        "{1: 2, 'a': 3}".to_string(),
    ] {
        let _ = check(&expression, &TestEnv);
    }
    assert!(parse(&"!".repeat(10_000)).is_err());
}
