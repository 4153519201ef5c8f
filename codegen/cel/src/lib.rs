//! CEL expressions compiled to Rust at build time.
//!
//! protovalidate's `cel` rules are parsed, type-checked against the message they validate and
//! turned into a Rust expression that calls the small runtime library in `protogate::cel`. No
//! interpreter runs at request time: the generated validator is plain Rust, reviewed like any
//! other generated code.
//!
//! ```
//! use protogate_cel::{compile, Env, Field, Presence, ResultKind, Type, Variable};
//! use quote::quote;
//!
//! /// `this` is a `shop.Item` held in the Rust variable `item`.
//! struct ItemEnv;
//!
//! impl Env for ItemEnv {
//!     fn variable(&self, name: &str) -> Option<Variable> {
//!         (name == "this").then(|| Variable { ty: Type::Message("shop.Item".into()), tokens: quote!(item) })
//!     }
//!
//!     fn field(&self, message: &str, field: &str) -> Option<Field> {
//!         match (message, field) {
//!             ("shop.Item", "sku") => Some(Field {
//!                 ty: Type::String,
//!                 presence: Presence::Implicit,
//!                 access: Box::new(|m| quote!(#m.sku.as_str())),
//!             }),
//!             _ => None,
//!         }
//!     }
//! }
//!
//! let compiled = compile("this.sku.startsWith('A-') && size(this.sku) <= 12", &ItemEnv).unwrap();
//! assert_eq!(compiled.result, ResultKind::Bool);
//! // compiled.tokens: a Rust expression of type Result<bool, ::protogate::cel::Error>
//! let error = compile("this.price > 0", &ItemEnv).unwrap_err();
//! assert_eq!(error.column(), 6); // `price`: `shop.Item` has no such field
//! ```
//!
//! # Value representation
//!
//! The environment's variables and field accessors yield values in this representation, and the
//! emitted code keeps to it:
//!
//! | CEL type    | Rust value                                                          |
//! |-------------|---------------------------------------------------------------------|
//! | `bool`      | `bool`                                                              |
//! | `int`       | `i64` (enums too)                                                   |
//! | `uint`      | `u64`                                                               |
//! | `double`    | `f64`                                                               |
//! | `string`    | `&str`                                                              |
//! | `bytes`     | `&[u8]`                                                             |
//! | `list(T)`   | anything indexable to a slice `[E]` (`&Vec<E>`, arrays), `E` any of the stored forms of `T` (`i32` for `int`, `String` for `string`, …) |
//! | `map(K, V)` | a `protogate::cel::MapValue` (`&HashMap`, `&BTreeMap`, arrays of pairs)  |
//! | message     | `&Message`                                                          |
//! | Timestamp / Duration | `protogate::cel::Timestamp` / `protogate::cel::Duration`   |
//! | wrapper of `T` | `Option<T>`                                                      |

#![warn(missing_docs, unreachable_pub, rust_2018_idioms)]

mod ast;
mod compile;
mod env;
mod lexer;
mod parser;
mod types;

use proc_macro2::TokenStream;

pub use ast::{Comprehension, Expr, ExprKind, MacroKind};
pub use env::{Env, Field, Presence, Variable};
pub use parser::parse;
pub use types::Type;

/// What a compiled expression yields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultKind {
    /// `Result<bool, Error>`: `false` is a violation.
    Bool,
    /// `Result<String, Error>`: a non-empty string is a violation with that message.
    String,
}

/// A compiled expression.
#[derive(Debug)]
pub struct Compiled {
    /// A Rust expression of type `Result<bool, ::protogate::cel::Error>` or
    /// `Result<String, ::protogate::cel::Error>`, per [`Compiled::result`].
    pub tokens: TokenStream,
    /// Which of the two.
    pub result: ResultKind,
}

/// Why an expression cannot be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CelError {
    /// The text is not a CEL expression.
    #[error("syntax error at column {column}: {message}")]
    Parse {
        /// 1-based column, in characters.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The expression is not well typed, or refers to something unknown.
    #[error("type error at column {column}: {message}")]
    Check {
        /// 1-based column, in characters.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

impl CelError {
    pub(crate) fn parse(column: usize, message: String) -> CelError {
        CelError::Parse { column, message }
    }

    pub(crate) fn check(column: usize, message: impl Into<String>) -> CelError {
        CelError::Check {
            column,
            message: message.into(),
        }
    }

    /// The 1-based column the error points at.
    pub fn column(&self) -> usize {
        match self {
            CelError::Parse { column, .. } | CelError::Check { column, .. } => *column,
        }
    }

    /// The error, with the expression and a caret under the column, for a diagnostic.
    pub fn render(&self, expression: &str) -> String {
        let caret = " ".repeat(self.column().saturating_sub(1));
        format!("{self}\n  | {expression}\n  | {caret}^")
    }
}

/// Parses and type-checks `expression`, returning its CEL type.
pub fn check(expression: &str, env: &dyn Env) -> Result<Type, CelError> {
    let expr = parse(expression)?;
    compile::Compiler::new(env)
        .value(&expr)
        .map(|value| value.ty)
}

/// Parses, type-checks and compiles `expression`, which must yield `bool` or `string`.
pub fn compile(expression: &str, env: &dyn Env) -> Result<Compiled, CelError> {
    let expr = parse(expression)?;
    compile::Compiler::new(env).top_level(&expr)
}
