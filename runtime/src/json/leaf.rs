//! One value of a field (a scalar, an enum number, a message) as proto3 JSON writes and reads
//! it, and map keys.
//!
//! A Rust type alone does not tell its JSON: an `i32` is an `int32` or an enum number, a
//! `Vec<u8>` is `bytes`. The generated code names the mapping with a marker type: [`Plain`]
//! (numbers, `bool`, `string`, messages), [`Base64`] (`bytes`) or [`Enum<E>`].

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::marker::PhantomData;

use serde::de::Visitor;
use serde::{Deserializer, Serializer};

use super::message::{deserialize_message, serialize_message, Message};
use super::readers::{non_finite_name, Base64Visitor, NumberVisitor};

/// Numbers, `bool`, `string` and messages, in their own JSON form.
pub enum Plain {}

/// `bytes`, as base64 text.
pub enum Base64 {}

/// An enum's number (an `i32` field), written by name.
pub struct Enum<E>(PhantomData<E>, std::convert::Infallible);

/// A field value in the JSON mapping `C` ([`Plain`], [`Base64`], [`Enum`]).
pub trait Leaf<C>: Sized {
    /// Writes the value.
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
    /// Reads a value other than `null`; `None` when the value is to be dropped (an unknown
    /// enum name).
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error>;
    /// Whether a field without presence holding the value is left out of the output.
    fn is_default(&self) -> bool {
        false
    }
    /// What `null` reads as; `None` leaves the field as it is.
    fn null() -> Option<Self> {
        None
    }
}

macro_rules! small_integer {
    ($($ty:ty => $write:ident),*) => {$(
        impl Leaf<Plain> for $ty {
            fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.$write(*self)
            }
            fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
                deserializer.deserialize_any(NumberVisitor(PhantomData)).map(Some)
            }
            fn is_default(&self) -> bool {
                *self == 0
            }
        }
    )*};
}
small_integer!(i32 => serialize_i32, u32 => serialize_u32);

macro_rules! large_integer {
    ($($ty:ty),*) => {$(
        /// Written as a string: JSON numbers beyond 2^53 lose precision in many readers.
        impl Leaf<Plain> for $ty {
            fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(itoa::Buffer::new().format(*self))
            }
            fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
                deserializer.deserialize_any(NumberVisitor(PhantomData)).map(Some)
            }
            fn is_default(&self) -> bool {
                *self == 0
            }
        }
    )*};
}
large_integer!(i64, u64);

macro_rules! float {
    ($($ty:ty => $write:ident),*) => {$(
        impl Leaf<Plain> for $ty {
            fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                if self.is_finite() {
                    serializer.$write(*self)
                } else {
                    serializer.serialize_str(non_finite_name(f64::from(*self)))
                }
            }
            fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
                deserializer.deserialize_any(NumberVisitor(PhantomData)).map(Some)
            }
            fn is_default(&self) -> bool {
                *self == 0.0
            }
        }
    )*};
}
float!(f32 => serialize_f32, f64 => serialize_f64);

impl Leaf<Plain> for bool {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(*self)
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
        serde::Deserialize::deserialize(deserializer).map(Some)
    }
    fn is_default(&self) -> bool {
        !*self
    }
}

impl Leaf<Plain> for String {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
        serde::Deserialize::deserialize(deserializer).map(Some)
    }
    fn is_default(&self) -> bool {
        self.is_empty()
    }
}

impl<M: Message> Leaf<Plain> for M {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_message(self, serializer)
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
        deserialize_message(deserializer).map(Some)
    }
}

/// Standard base64 with padding, as protobuf writes bytes.
pub(crate) fn write_base64<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    use base64::Engine as _;
    serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
}

impl Leaf<Base64> for Vec<u8> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        write_base64(self, serializer)
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
        deserializer.deserialize_str(Base64Visitor).map(Some)
    }
    fn is_default(&self) -> bool {
        self.is_empty()
    }
}

impl Leaf<Base64> for bytes::Bytes {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        write_base64(self, serializer)
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
        deserializer
            .deserialize_str(Base64Visitor)
            .map(|bytes| Some(bytes.into()))
    }
    fn is_default(&self) -> bool {
        self.is_empty()
    }
}

/// A protobuf enum: its values' names and numbers in declaration order, aliases included.
pub trait ProtoEnum {
    /// `(name, number)` of every value, in declaration order.
    const VALUES: &'static [(&'static str, i32)];
    /// Whether this is `google.protobuf.NullValue`, written and read as JSON `null`.
    const IS_NULL_VALUE: bool = false;

    /// The first name the enum gives `number`.
    fn name(number: i32) -> Option<&'static str> {
        Self::VALUES
            .iter()
            .find(|(_, n)| *n == number)
            .map(|(name, _)| *name)
    }

    /// The number of the value named `name`.
    fn number(name: &str) -> Option<i32> {
        Self::VALUES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, number)| *number)
    }
}

impl<E: ProtoEnum> Leaf<Enum<E>> for i32 {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if E::IS_NULL_VALUE {
            return serializer.serialize_unit();
        }
        match E::name(*self) {
            Some(name) => serializer.serialize_str(name),
            None => serializer.serialize_i32(*self),
        }
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
        deserializer.deserialize_any(EnumVisitor::<E>(PhantomData))
    }
    fn is_default(&self) -> bool {
        *self == 0
    }
    fn null() -> Option<Self> {
        E::IS_NULL_VALUE.then_some(0)
    }
}

/// An enum value: a name of `E` (`None` for another name) or any `int32`.
pub(crate) struct EnumVisitor<E>(pub(crate) PhantomData<E>);

impl<E: ProtoEnum> Visitor<'_> for EnumVisitor<E> {
    type Value = Option<i32>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an enum value's name or number")
    }

    fn visit_i64<Er: serde::de::Error>(self, v: i64) -> Result<Option<i32>, Er> {
        i32::try_from(v)
            .map(Some)
            .map_err(|_| Er::custom(format!("enum number {v} is not an int32")))
    }

    fn visit_u64<Er: serde::de::Error>(self, v: u64) -> Result<Option<i32>, Er> {
        i32::try_from(v)
            .map(Some)
            .map_err(|_| Er::custom(format!("enum number {v} is not an int32")))
    }

    fn visit_str<Er: serde::de::Error>(self, v: &str) -> Result<Option<i32>, Er> {
        Ok(E::number(v))
    }

    fn visit_unit<Er: serde::de::Error>(self) -> Result<Option<i32>, Er> {
        if E::IS_NULL_VALUE {
            Ok(Some(0))
        } else {
            Err(Er::custom("null is not an enum value"))
        }
    }
}

/// A map key's type: written as a string and read from one.
pub trait MapKey: Sized {
    /// Writes the key as a JSON object key.
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
    /// The key a JSON object key spells, if it is one.
    fn parse(text: &str) -> Option<Self>;
}

impl MapKey for String {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
    fn parse(text: &str) -> Option<Self> {
        Some(text.to_string())
    }
}

impl MapKey for bool {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if *self { "true" } else { "false" })
    }
    fn parse(text: &str) -> Option<Self> {
        match text {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}

macro_rules! integer_key {
    ($($ty:ty),*) => {$(
        impl MapKey for $ty {
            fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(itoa::Buffer::new().format(*self))
            }
            fn parse(text: &str) -> Option<Self> {
                text.parse().ok()
            }
        }
    )*};
}
integer_key!(i32, i64, u32, u64);

/// A map field's collection: `HashMap` or `BTreeMap`.
pub trait MapField: Default {
    /// The key type.
    type Key: MapKey;
    /// The value type.
    type Value;
    /// Whether the map is empty.
    fn is_empty(&self) -> bool;
    /// The entries, in the map's order.
    fn entries(&self) -> impl Iterator<Item = (&Self::Key, &Self::Value)>;
    /// Adds an entry; `false` when the key was there already.
    fn insert_new(&mut self, key: Self::Key, value: Self::Value) -> bool;
}

impl<K: MapKey + Eq + Hash, V, H: BuildHasher + Default> MapField for HashMap<K, V, H> {
    type Key = K;
    type Value = V;
    fn is_empty(&self) -> bool {
        HashMap::is_empty(self)
    }
    fn entries(&self) -> impl Iterator<Item = (&K, &V)> {
        self.iter()
    }
    fn insert_new(&mut self, key: K, value: V) -> bool {
        self.insert(key, value).is_none()
    }
}

impl<K: MapKey + Ord, V> MapField for BTreeMap<K, V> {
    type Key = K;
    type Value = V;
    fn is_empty(&self) -> bool {
        BTreeMap::is_empty(self)
    }
    fn entries(&self) -> impl Iterator<Item = (&K, &V)> {
        self.iter()
    }
    fn insert_new(&mut self, key: K, value: V) -> bool {
        self.insert(key, value).is_none()
    }
}

/// An error for a value that `what` cannot be.
pub(crate) fn invalid<E: serde::de::Error>(what: &str, shown: impl fmt::Display) -> E {
    E::custom(format!("{shown} is not a valid {what}"))
}
