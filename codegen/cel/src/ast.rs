//! The parsed expression tree: literals, names, calls (operators included) and macros.

/// A parsed expression and the column (1-based, in characters) where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// 1-based column (counted in characters from the start of the expression text).
    pub col: usize,
}

/// The kinds of expression. Operators are calls with CEL's operator names (`_+_`, `!_`, …).
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A signed integer literal.
    Int(i64),
    /// An unsigned integer literal (`1u`).
    Uint(u64),
    /// A floating point literal.
    Double(f64),
    /// A string literal, escapes decoded.
    String(String),
    /// A bytes literal, escapes decoded.
    Bytes(Vec<u8>),
    /// A name: a variable, or the start of a qualified name.
    Ident(String),
    /// `operand.field`, or `has(operand.field)` when `test` is set.
    Select {
        /// The value whose field is read.
        operand: Box<Expr>,
        /// The field name.
        field: String,
        /// Whether this is the presence test of the `has` macro.
        test: bool,
    },
    /// A function or operator call; `target` is the receiver of `x.f(…)`.
    Call {
        /// The receiver, for receiver-style calls.
        target: Option<Box<Expr>>,
        /// The function or operator name.
        function: String,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// `[a, b, …]`
    List(Vec<Expr>),
    /// `{k: v, …}`
    Map(Vec<(Expr, Expr)>),
    /// `pkg.Message{field: value, …}`
    Struct {
        /// The message name as written.
        name: String,
        /// The field initialisers.
        fields: Vec<(String, Expr)>,
    },
    /// A comprehension macro: `range.all(var, body)` and its siblings.
    Macro(Box<Comprehension>),
}

/// The comprehension macros.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MacroKind {
    /// `all(x, p)`: every element satisfies `p`.
    All,
    /// `exists(x, p)`: some element satisfies `p`.
    Exists,
    /// `exists_one(x, p)`: exactly one element satisfies `p`.
    ExistsOne,
    /// `map(x, f)` or `map(x, p, f)`.
    Map,
    /// `filter(x, p)`.
    Filter,
}

impl MacroKind {
    /// The macro's name as written.
    pub fn name(self) -> &'static str {
        match self {
            MacroKind::All => "all",
            MacroKind::Exists => "exists",
            MacroKind::ExistsOne => "exists_one",
            MacroKind::Map => "map",
            MacroKind::Filter => "filter",
        }
    }
}

/// A comprehension macro over a list (elements) or a map (keys).
#[derive(Clone, Debug, PartialEq)]
pub struct Comprehension {
    /// Which macro.
    pub kind: MacroKind,
    /// The list or map iterated.
    pub range: Expr,
    /// The variable bound to each element.
    pub var: String,
    /// The predicate (`all`, `exists`, `exists_one`, `filter`, the 3-argument `map`).
    pub predicate: Option<Expr>,
    /// The transform of `map`.
    pub transform: Option<Expr>,
}
