//! `google.protobuf.Value`, `Struct` and `ListValue`: any JSON value, object and array.
//! `null` is a Value (`null_value`) wherever a Value stands, also inside a Struct or a list.

use std::fmt;

use pbjson_types::value::Kind;
use pbjson_types::{ListValue, Struct, Value};
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::Error as _;
use serde::{Deserializer, Serialize, Serializer};

use super::leaf::{Leaf, Plain};

impl Leaf<Plain> for Value {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.kind {
            None | Some(Kind::NullValue(_)) => serializer.serialize_unit(),
            Some(Kind::NumberValue(n)) if !n.is_finite() => Err(S::Error::custom(
                "a google.protobuf.Value number must be finite",
            )),
            Some(Kind::NumberValue(n)) => serializer.serialize_f64(*n),
            Some(Kind::StringValue(s)) => serializer.serialize_str(s),
            Some(Kind::BoolValue(b)) => serializer.serialize_bool(*b),
            Some(Kind::StructValue(s)) => s.write(serializer),
            Some(Kind::ListValue(l)) => l.write(serializer),
        }
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(Some)
    }
    fn null() -> Option<Self> {
        Some(null_value())
    }
}

impl Leaf<Plain> for Struct {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.fields.iter().map(|(k, v)| (k, Written(v))))
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
        deserializer
            .deserialize_map(ValueVisitor)
            .and_then(|value| match value.kind {
                Some(Kind::StructValue(s)) => Ok(Some(s)),
                _ => Err(serde::de::Error::custom(
                    "google.protobuf.Struct must be an object",
                )),
            })
    }
}

impl Leaf<Plain> for ListValue {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.values.iter().map(Written))
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
        deserializer
            .deserialize_seq(ValueVisitor)
            .and_then(|value| match value.kind {
                Some(Kind::ListValue(l)) => Ok(Some(l)),
                _ => Err(serde::de::Error::custom(
                    "google.protobuf.ListValue must be an array",
                )),
            })
    }
}

fn null_value() -> Value {
    Value {
        kind: Some(Kind::NullValue(0)),
    }
}

struct Written<'a>(&'a Value);

impl Serialize for Written<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.write(serializer)
    }
}

/// Any JSON value, as a Value.
struct ValueVisitor;

impl<'de> DeserializeSeed<'de> for ValueVisitor {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

fn of(kind: Kind) -> Value {
    Value { kind: Some(kind) }
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(null_value())
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(null_value())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(of(Kind::BoolValue(v)))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(of(Kind::NumberValue(v as f64)))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(of(Kind::NumberValue(v as f64)))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(of(Kind::NumberValue(v)))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(of(Kind::StringValue(v.to_string())))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        Ok(of(Kind::StringValue(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut values = Vec::new();
        while let Some(value) = seq.next_element_seed(ValueVisitor)? {
            values.push(value);
        }
        Ok(of(Kind::ListValue(ListValue { values })))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut fields = std::collections::HashMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(ValueVisitor)?;
            fields.insert(key, value);
        }
        Ok(of(Kind::StructValue(Struct { fields })))
    }
}
