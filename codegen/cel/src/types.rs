//! CEL's types, as the checker infers them and the environment declares them.

use std::fmt;

/// A CEL type.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// `bool`
    Bool,
    /// `int` (64-bit signed)
    Int,
    /// `uint` (64-bit unsigned)
    Uint,
    /// `double`
    Double,
    /// `string`
    String,
    /// `bytes`
    Bytes,
    /// `null_type`
    Null,
    /// `google.protobuf.Timestamp`
    Timestamp,
    /// `google.protobuf.Duration`
    Duration,
    /// `list(T)`
    List(Box<Type>),
    /// `map(K, V)`
    Map(Box<Type>, Box<Type>),
    /// A message type, by its full name (`pkg.Message`).
    Message(String),
    /// A wrapper type (`google.protobuf.Int64Value`, …): the primitive or `null`.
    Wrapper(Box<Type>),
    /// `dyn`: only the element type of an empty list or map literal.
    Dyn,
    /// `type`: the value of `type(x)` or of a type name such as `int`.
    Type,
}

impl Type {
    /// `list(element)`.
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    /// `map(key, value)`.
    pub fn map(key: Type, value: Type) -> Type {
        Type::Map(Box::new(key), Box::new(value))
    }

    /// Whether this is `int`, `uint` or `double`.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Int | Type::Uint | Type::Double)
    }

    /// The type with wrappers replaced by what they wrap.
    pub fn unwrapped(&self) -> &Type {
        match self {
            Type::Wrapper(inner) => inner,
            other => other,
        }
    }

    /// Whether a value of type `other` can stand where `self` is expected, `dyn` matching anything.
    pub fn accepts(&self, other: &Type) -> bool {
        match (self, other) {
            (Type::Dyn, _) | (_, Type::Dyn) => true,
            (Type::List(a), Type::List(b)) => a.accepts(b),
            (Type::Map(ka, va), Type::Map(kb, vb)) => ka.accepts(kb) && va.accepts(vb),
            (a, b) => a == b,
        }
    }

    /// The more specific of two types that accept each other (`list(dyn)` and `list(int)` give
    /// `list(int)`).
    pub fn join(&self, other: &Type) -> Type {
        match (self, other) {
            (Type::Dyn, t) | (t, Type::Dyn) => t.clone(),
            (Type::List(a), Type::List(b)) => Type::list(a.join(b)),
            (Type::Map(ka, va), Type::Map(kb, vb)) => Type::map(ka.join(kb), va.join(vb)),
            (a, _) => a.clone(),
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Int => f.write_str("int"),
            Type::Uint => f.write_str("uint"),
            Type::Double => f.write_str("double"),
            Type::String => f.write_str("string"),
            Type::Bytes => f.write_str("bytes"),
            Type::Null => f.write_str("null_type"),
            Type::Timestamp => f.write_str("google.protobuf.Timestamp"),
            Type::Duration => f.write_str("google.protobuf.Duration"),
            Type::List(element) => write!(f, "list({element})"),
            Type::Map(key, value) => write!(f, "map({key}, {value})"),
            Type::Message(name) => f.write_str(name),
            Type::Wrapper(inner) => write!(f, "wrapper({inner})"),
            Type::Dyn => f.write_str("dyn"),
            Type::Type => f.write_str("type"),
        }
    }
}
