//! The runtime library of CEL expressions compiled by `protogate-cel`: errors, CEL's logic over
//! errors, the comprehension helpers and map access. Generated validators call these; nothing
//! here interprets CEL.

mod convert;
mod format;
mod num;
mod pv;
mod rule;
mod strings;
mod time;

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};

pub use convert::{
    bytes_to_string, double_to_int, double_to_string, double_to_uint, int_to_uint, string_to_bool,
    string_to_double, string_to_int, string_to_uint, uint_to_int,
};
pub use format::{
    format_fixed, format_hex_bytes, format_int_radix, format_scientific, format_uint_radix,
};
pub use num::{
    add_int, add_uint, cmp_double, cmp_int_double, cmp_int_uint, cmp_uint_double, div_int,
    div_uint, double, int, mul_int, mul_uint, neg_int, rem_int, rem_uint, sub_int, sub_uint, uint,
};
pub use pv::{
    is_email, is_host_and_port, is_hostname, is_inf, is_ip, is_ip_prefix, is_uri, is_uri_ref,
    unique,
};
pub use rule::{check_bool, check_string};
pub use strings::{
    bytes_contains, char_at, concat, concat_bytes, index_of, join, last_index_of, matches, replace,
    size_string, split, substring, trim, Regex,
};
pub use time::{
    duration_add, duration_sub, timestamp_add, timestamp_diff, timestamp_get, timestamp_sub,
    Duration, TimePart, Timestamp,
};

/// A CEL evaluation error: the expression has no value, and the rule does not pass.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// An `int` or `uint` result outside its 64-bit range.
    #[error("integer overflow")]
    Overflow,
    /// `x / 0`.
    #[error("division by zero")]
    DivisionByZero,
    /// `x % 0`.
    #[error("modulus by zero")]
    ModulusByZero,
    /// A conversion whose value does not fit the target type.
    #[error("range error converting {0}")]
    Range(&'static str),
    /// `map[key]` with no such key.
    #[error("no such key: {0}")]
    NoSuchKey(String),
    /// A field selected on a `dyn` value whose message has no such field.
    #[error("no such field '{0}'")]
    NoSuchField(&'static str),
    /// `list[i]` outside the list.
    #[error("index out of range: {index} (size {size})")]
    IndexOutOfRange {
        /// The index asked for.
        index: i64,
        /// The list's size.
        size: usize,
    },
    /// A function given an argument it cannot work with (a bad regex, a bad timestamp text, …).
    #[error("{0}")]
    InvalidArgument(String),
    /// An ordering comparison with NaN.
    #[error("NaN values cannot be ordered")]
    NotOrdered,
    /// A timestamp or duration outside the range CEL supports.
    #[error("{0} out of range")]
    TimeRange(&'static str),
}

/// `a && b`, commutative over errors: false if either side is false, else an error if either
/// side is one; `b` runs only when `a` is not false.
pub fn and(
    a: impl FnOnce() -> Result<bool, Error>,
    b: impl FnOnce() -> Result<bool, Error>,
) -> Result<bool, Error> {
    match a() {
        Ok(false) => Ok(false),
        Ok(true) => b(),
        Err(error) => match b() {
            Ok(false) => Ok(false),
            _ => Err(error),
        },
    }
}

/// `a || b`, commutative over errors: true if either side is true, else an error if either
/// side is one; `b` runs only when `a` is not true.
pub fn or(
    a: impl FnOnce() -> Result<bool, Error>,
    b: impl FnOnce() -> Result<bool, Error>,
) -> Result<bool, Error> {
    match a() {
        Ok(true) => Ok(true),
        Ok(false) => b(),
        Err(error) => match b() {
            Ok(true) => Ok(true),
            _ => Err(error),
        },
    }
}

/// The `all` macro: false when some element is false (even if another errs), else the first
/// error, else true.
pub fn all<T>(
    items: impl Iterator<Item = T>,
    mut predicate: impl FnMut(T) -> Result<bool, Error>,
) -> Result<bool, Error> {
    let mut error = None;
    for item in items {
        match predicate(item) {
            Ok(true) => {}
            Ok(false) => return Ok(false),
            Err(e) => {
                error.get_or_insert(e);
            }
        }
    }
    error.map_or(Ok(true), Err)
}

/// The `exists` macro: true when some element is true (even if another errs), else the first
/// error, else false.
pub fn exists<T>(
    items: impl Iterator<Item = T>,
    mut predicate: impl FnMut(T) -> Result<bool, Error>,
) -> Result<bool, Error> {
    let mut error = None;
    for item in items {
        match predicate(item) {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(e) => {
                error.get_or_insert(e);
            }
        }
    }
    error.map_or(Ok(false), Err)
}

/// The `exists_one` macro: exactly one element is true; any error is the result.
pub fn exists_one<T>(
    items: impl Iterator<Item = T>,
    mut predicate: impl FnMut(T) -> Result<bool, Error>,
) -> Result<bool, Error> {
    let mut count = 0usize;
    for item in items {
        if predicate(item)? {
            count += 1;
        }
    }
    Ok(count == 1)
}

/// The `filter` macro.
pub fn filter<T>(
    items: impl Iterator<Item = T>,
    mut predicate: impl FnMut(T) -> Result<bool, Error>,
) -> Result<Vec<T>, Error>
where
    T: Copy,
{
    let mut kept = Vec::new();
    for item in items {
        if predicate(item)? {
            kept.push(item);
        }
    }
    Ok(kept)
}

/// The two-argument `map` macro.
pub fn map<T, U>(
    items: impl Iterator<Item = T>,
    transform: impl FnMut(T) -> Result<U, Error>,
) -> Result<Vec<U>, Error> {
    items.map(transform).collect()
}

/// The three-argument `map` macro: transform the elements the predicate keeps.
pub fn filter_map<T: Copy, U>(
    items: impl Iterator<Item = T>,
    mut predicate: impl FnMut(T) -> Result<bool, Error>,
    mut transform: impl FnMut(T) -> Result<U, Error>,
) -> Result<Vec<U>, Error> {
    let mut out = Vec::new();
    for item in items {
        if predicate(item)? {
            out.push(transform(item)?);
        }
    }
    Ok(out)
}

/// The value of a wrapper where a value is needed: `null` is an error.
pub fn present<T>(value: Option<T>) -> Result<T, Error> {
    value.ok_or_else(|| {
        Error::InvalidArgument("no such overload: null where a value is needed".to_string())
    })
}

/// `list[index]`.
pub fn index<E>(list: &[E], index: i64) -> Result<&E, Error> {
    usize::try_from(index)
        .ok()
        .and_then(|i| list.get(i))
        .ok_or(Error::IndexOutOfRange {
            index,
            size: list.len(),
        })
}

/// The value found by a map look-up, or the no-such-key error.
pub fn found<V>(value: Option<V>, key: impl std::fmt::Display) -> Result<V, Error> {
    value.ok_or_else(|| Error::NoSuchKey(key.to_string()))
}

/// The value of `dyn(message).field` where the message has no such field: always the
/// no-such-field error, of whatever type the expression around it needs.
pub fn no_such_field<T>(field: &'static str) -> Result<T, Error> {
    Err(Error::NoSuchField(field))
}

/// `size()` of bytes, lists and maps, as CEL's `int`.
pub fn size(len: usize) -> i64 {
    i64::try_from(len).unwrap_or(i64::MAX)
}

/// A map as CEL reads it: its entries and its size.
pub trait MapValue {
    /// The stored key type.
    type Key;
    /// The stored value type.
    type Value;
    /// The entries, in the map's own order.
    fn entries(&self) -> impl Iterator<Item = (&Self::Key, &Self::Value)>;
    /// The number of entries.
    fn len(&self) -> usize;
    /// Whether there are no entries.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<K, V, S> MapValue for HashMap<K, V, S> {
    type Key = K;
    type Value = V;
    fn entries(&self) -> impl Iterator<Item = (&K, &V)> {
        self.iter()
    }
    fn len(&self) -> usize {
        HashMap::len(self)
    }
}

impl<K, V> MapValue for BTreeMap<K, V> {
    type Key = K;
    type Value = V;
    fn entries(&self) -> impl Iterator<Item = (&K, &V)> {
        self.iter()
    }
    fn len(&self) -> usize {
        BTreeMap::len(self)
    }
}

impl<K, V, const N: usize> MapValue for [(K, V); N] {
    type Key = K;
    type Value = V;
    fn entries(&self) -> impl Iterator<Item = (&K, &V)> {
        self.iter().map(|(k, v)| (k, v))
    }
    fn len(&self) -> usize {
        N
    }
}

impl<T: MapValue + ?Sized> MapValue for &T {
    type Key = T::Key;
    type Value = T::Value;
    fn entries(&self) -> impl Iterator<Item = (&Self::Key, &Self::Value)> {
        (**self).entries()
    }
    fn len(&self) -> usize {
        (**self).len()
    }
}

/// The message held by an optional message field, or the default instance when it is unset
/// (CEL reads an unset message field as the empty message).
pub fn message_or_default<T: Default + Send + Sync + 'static>(value: Option<&T>) -> &T {
    match value {
        Some(value) => value,
        None => default_instance::<T>(),
    }
}

fn default_instance<T: Default + Send + Sync + 'static>() -> &'static T {
    static DEFAULTS: OnceLock<Mutex<HashMap<TypeId, &'static (dyn Any + Send + Sync)>>> =
        OnceLock::new();
    let mut defaults = DEFAULTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let instance: &'static (dyn Any + Send + Sync) = *defaults
        .entry(TypeId::of::<T>())
        .or_insert_with(|| Box::leak(Box::new(T::default())));
    match instance.downcast_ref::<T>() {
        Some(value) => value,
        None => unreachable!("default instances are keyed by their own TypeId"),
    }
}
