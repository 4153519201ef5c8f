//! What an expression may refer to: the caller describes its variables and message types.

use proc_macro2::TokenStream;

use crate::types::Type;

/// A variable in scope (`this`, `rules`, `rule`, `now`, or any other the caller declares).
pub struct Variable {
    /// Its CEL type.
    pub ty: Type,
    /// The Rust expression that yields its value in the representation [`crate`] documents.
    pub tokens: TokenStream,
}

/// How a field tells whether it is set, for `has(m.f)`.
pub enum Presence {
    /// Proto3 scalars without `optional`, repeated fields and maps: set when not the default
    /// (non-zero, non-empty). The emitter derives the test from the field's value.
    Implicit,
    /// Fields that track presence: the Rust expression is the test, given the message value.
    Explicit(Box<dyn Fn(&TokenStream) -> TokenStream>),
}

/// A field of a message type.
pub struct Field {
    /// The field's CEL type (enums are `int`; wrapper fields are [`Type::Wrapper`]).
    pub ty: Type,
    /// How `has()` is answered.
    pub presence: Presence,
    /// Given the Rust expression of the message value (a `&Message`), the Rust expression of the
    /// field's value in the representation [`crate`] documents.
    pub access: Box<dyn Fn(&TokenStream) -> TokenStream>,
}

/// The environment an expression is checked and compiled against.
pub trait Env {
    /// The variable named `name`, if declared.
    fn variable(&self, name: &str) -> Option<Variable>;

    /// The field `field` of the message type `message` (full name), if it exists.
    fn field(&self, message: &str, field: &str) -> Option<Field>;

    /// The number of the enum value a qualified name spells (`pkg.Color.RED`), if it is one.
    fn enum_value(&self, name: &str) -> Option<i64> {
        let _ = name;
        None
    }
}
