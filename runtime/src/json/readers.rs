//! Readers of proto3 JSON numbers and bytes, and writers of floats and open enums, usable on
//! their own as serde wrappers (`NumberDeserialize<i64>`, `BytesDeserialize<Vec<u8>>`, …).

use std::fmt;
use std::marker::PhantomData;

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use serde::de::Visitor;

/// A number field's value as proto3 JSON writes it: a number or a string.
#[derive(Debug, Copy, Clone, PartialEq, PartialOrd, Eq, Ord, Hash)]
pub struct NumberDeserialize<T>(pub T);

/// A protobuf scalar number type, as proto3 JSON reads it.
pub trait ProtoNumber: Sized {
    /// The proto type's name, for errors.
    const PROTO_NAME: &'static str;
    /// From a JSON integer literal, if it fits.
    fn from_i64(value: i64) -> Option<Self>;
    /// From a JSON integer literal above `i64::MAX`, if it fits.
    fn from_u64(value: u64) -> Option<Self>;
    /// From a JSON number with a fraction or an exponent, if it is a value of this type.
    fn from_f64(value: f64) -> Option<Self>;
    /// From a JSON string.
    fn from_text(text: &str) -> Option<Self>;
}

macro_rules! proto_integer {
    ($ty:ty, $name:literal, $min:expr, $end:expr) => {
        impl ProtoNumber for $ty {
            const PROTO_NAME: &'static str = $name;

            fn from_i64(value: i64) -> Option<Self> {
                <$ty>::try_from(value).ok()
            }

            fn from_u64(value: u64) -> Option<Self> {
                <$ty>::try_from(value).ok()
            }

            fn from_f64(value: f64) -> Option<Self> {
                // `$end` is the first value past the type's range, exact as an f64.
                let integral = value.is_finite() && value.fract() == 0.0;
                (integral && ($min..$end).contains(&value)).then(|| value as $ty)
            }

            fn from_text(text: &str) -> Option<Self> {
                text.parse::<$ty>().ok().or_else(|| {
                    // `parse::<f64>` also reads "inf" and "nan", which `from_f64` refuses.
                    let decimal = text.contains(['.', 'e', 'E']);
                    decimal
                        .then(|| text.parse::<f64>().ok())
                        .flatten()
                        .and_then(Self::from_f64)
                })
            }
        }
    };
}

proto_integer!(i32, "int32", -2_147_483_648.0, 2_147_483_648.0);
proto_integer!(u32, "uint32", 0.0, 4_294_967_296.0);
proto_integer!(
    i64,
    "int64",
    -9_223_372_036_854_775_808.0,
    9_223_372_036_854_775_808.0
);
proto_integer!(u64, "uint64", 0.0, 18_446_744_073_709_551_616.0);

/// A float's text: a number, or one of the three names proto3 JSON gives the non-finite values.
fn float_text(text: &str) -> Option<f64> {
    match text {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        // Rust also reads "inf", "infinity" and "nan" in any case; proto3 JSON does not.
        _ if text
            .bytes()
            .all(|c| c.is_ascii_digit() || b"+-.eE".contains(&c)) =>
        {
            text.parse().ok()
        }
        _ => None,
    }
}

impl ProtoNumber for f64 {
    const PROTO_NAME: &'static str = "double";

    fn from_i64(value: i64) -> Option<Self> {
        Some(value as f64)
    }

    fn from_u64(value: u64) -> Option<Self> {
        Some(value as f64)
    }

    fn from_f64(value: f64) -> Option<Self> {
        // A JSON literal too large for a double reads as infinity; protobuf refuses it.
        value.is_finite().then_some(value)
    }

    fn from_text(text: &str) -> Option<Self> {
        let value = float_text(text)?;
        (value.is_finite() || !text.bytes().any(|c| c.is_ascii_digit())).then_some(value)
    }
}

impl ProtoNumber for f32 {
    const PROTO_NAME: &'static str = "float";

    fn from_i64(value: i64) -> Option<Self> {
        Some(value as f32)
    }

    fn from_u64(value: u64) -> Option<Self> {
        Some(value as f32)
    }

    fn from_f64(value: f64) -> Option<Self> {
        (value.is_finite() && value.abs() <= f64::from(f32::MAX)).then_some(value as f32)
    }

    fn from_text(text: &str) -> Option<Self> {
        let value = float_text(text)?;
        if value.is_finite() {
            Self::from_f64(value)
        } else if text.bytes().any(|c| c.is_ascii_digit()) {
            None
        } else {
            Some(value as f32)
        }
    }
}

pub(crate) struct NumberVisitor<T>(pub(crate) PhantomData<T>);

impl<T: ProtoNumber> NumberVisitor<T> {
    fn refuse<E: serde::de::Error>(&self, shown: impl fmt::Display) -> E {
        E::custom(format!("{shown} is not a valid {} value", T::PROTO_NAME))
    }
}

impl<T: ProtoNumber> Visitor<'_> for NumberVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} as a number or a string", T::PROTO_NAME)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T, E> {
        T::from_i64(v).ok_or_else(|| self.refuse(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T, E> {
        T::from_u64(v).ok_or_else(|| self.refuse(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<T, E> {
        T::from_f64(v).ok_or_else(|| self.refuse(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        T::from_text(v).ok_or_else(|| self.refuse(format_args!("{v:?}")))
    }
}

impl<'de, T: ProtoNumber> serde::Deserialize<'de> for NumberDeserialize<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(NumberVisitor(PhantomData))
            .map(NumberDeserialize)
    }
}

/// A bytes field's value: base64 text, standard or URL-safe, padded or not.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BytesDeserialize<T>(pub T);

pub(crate) struct Base64Visitor;

impl Visitor<'_> for Base64Visitor {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("base64 text")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Vec<u8>, E> {
        // Bits past the last whole byte are dropped, as protobuf's parsers drop them.
        const ANY_PADDING: GeneralPurposeConfig = GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true);
        const STANDARD: GeneralPurpose =
            GeneralPurpose::new(&base64::alphabet::STANDARD, ANY_PADDING);
        const URL_SAFE: GeneralPurpose =
            GeneralPurpose::new(&base64::alphabet::URL_SAFE, ANY_PADDING);
        let engine = if v.contains(['-', '_']) {
            URL_SAFE
        } else {
            STANDARD
        };
        engine
            .decode(v)
            .map_err(|e| E::custom(format!("invalid base64: {e}")))
    }
}

impl<'de, T: From<Vec<u8>>> serde::Deserialize<'de> for BytesDeserialize<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bytes = deserializer.deserialize_str(Base64Visitor)?;
        Ok(BytesDeserialize(bytes.into()))
    }
}

/// A proto3 (open) enum field's value: any `i32`, written by name when the enum `E` names it
/// and as the number otherwise, and read from a name of `E` or from any number.
pub struct OpenEnum<E>(pub i32, PhantomData<E>);

impl<E> OpenEnum<E> {
    /// The field's value.
    pub fn new(value: i32) -> OpenEnum<E> {
        OpenEnum(value, PhantomData)
    }
}

impl<E> fmt::Debug for OpenEnum<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OpenEnum").field(&self.0).finish()
    }
}

impl<E> serde::Serialize for OpenEnum<E>
where
    E: TryFrom<i32> + serde::Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match E::try_from(self.0) {
            Ok(named) => named.serialize(serializer),
            Err(_) => serializer.serialize_i32(self.0),
        }
    }
}

struct OpenEnumVisitor<E>(PhantomData<E>);

impl<'de, E> Visitor<'de> for OpenEnumVisitor<E>
where
    E: serde::Deserialize<'de> + Into<i32>,
{
    type Value = OpenEnum<E>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an enum value's name or number")
    }

    fn visit_i64<Er: serde::de::Error>(self, v: i64) -> Result<OpenEnum<E>, Er> {
        i32::try_from(v)
            .map(OpenEnum::new)
            .map_err(|_| Er::custom(format!("enum number {v} is not an int32")))
    }

    fn visit_u64<Er: serde::de::Error>(self, v: u64) -> Result<OpenEnum<E>, Er> {
        i32::try_from(v)
            .map(OpenEnum::new)
            .map_err(|_| Er::custom(format!("enum number {v} is not an int32")))
    }

    fn visit_str<Er: serde::de::Error>(self, v: &str) -> Result<OpenEnum<E>, Er> {
        let named = E::deserialize(serde::de::value::StrDeserializer::<Er>::new(v))?;
        Ok(OpenEnum::new(named.into()))
    }

    fn visit_borrowed_str<Er: serde::de::Error>(self, v: &'de str) -> Result<OpenEnum<E>, Er> {
        let named = E::deserialize(serde::de::value::BorrowedStrDeserializer::<Er>::new(v))?;
        Ok(OpenEnum::new(named.into()))
    }
}

impl<'de, E> serde::Deserialize<'de> for OpenEnum<E>
where
    E: serde::Deserialize<'de> + Into<i32>,
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OpenEnumVisitor(PhantomData))
    }
}

/// A `float` or `double` field's value (single, list or map) as proto3 JSON writes it:
/// non-finite numbers as `"NaN"`, `"Infinity"` and `"-Infinity"`.
pub struct Floats<'a, T: ?Sized>(pub &'a T);

/// A value made of floats, written as proto3 JSON writes floats.
pub trait FloatJson {
    /// Writes the value.
    fn serialize_floats<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

pub(crate) fn non_finite_name(value: f64) -> &'static str {
    if value.is_nan() {
        "NaN"
    } else if value > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
}

impl FloatJson for f64 {
    fn serialize_floats<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_finite() {
            serializer.serialize_f64(*self)
        } else {
            serializer.serialize_str(non_finite_name(*self))
        }
    }
}

impl FloatJson for f32 {
    fn serialize_floats<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_finite() {
            serializer.serialize_f32(*self)
        } else {
            serializer.serialize_str(non_finite_name(f64::from(*self)))
        }
    }
}

impl<T: FloatJson + ?Sized> FloatJson for &T {
    fn serialize_floats<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize_floats(serializer)
    }
}

impl<T: FloatJson> FloatJson for Vec<T> {
    fn serialize_floats<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Floats))
    }
}

impl<K: serde::Serialize, V: FloatJson, H> FloatJson for std::collections::HashMap<K, V, H> {
    fn serialize_floats<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(k, v)| (k, Floats(v))))
    }
}

impl<K: serde::Serialize, V: FloatJson> FloatJson for std::collections::BTreeMap<K, V> {
    fn serialize_floats<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(k, v)| (k, Floats(v))))
    }
}

impl<T: FloatJson + ?Sized> serde::Serialize for Floats<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_floats(serializer)
    }
}

#[cfg(test)]
#[path = "readers_tests.rs"]
mod tests;
