//! Messages: the dispatch the generator emits ([`Message`]) over the message's field table
//! (`schema::Described`), and the shared writer and reader that drive them.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserializer, Serialize};

use super::leaf::{EnumVisitor, Leaf, MapField, MapKey, ProtoEnum};
use crate::schema::{Described, FieldInfo};

/// A message's proto3 JSON, as the generator emits it: per field, how it is written and read.
/// A field is named by its position in the message's field table, [`Described::info`]'s
/// `fields`, which also gives the message's name for errors.
pub trait Message: Default + Described {
    /// The position in the field table of the field `name` names (its JSON or proto name).
    /// The generator overrides this scan with a `match` for messages of many fields.
    fn field(name: &str) -> Option<usize> {
        Self::info()
            .fields
            .iter()
            .position(|f| f.json_name == name || f.name == name)
    }

    /// Writes the fields that are present (and those without presence that are not default);
    /// the writer keeps the first error (see [`Writer`]). The default writes nothing: a message
    /// without fields.
    fn write<M: SerializeMap>(&self, _w: &mut Writer<M>) {}

    /// Reads the value of field `field` (a position in the field table). The default reads
    /// nothing: a message without fields has no position to read.
    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        _field: usize,
        _r: &mut Reader<'_, 'de, A>,
    ) -> Result<(), A::Error> {
        Ok(())
    }
}

impl<T: Message> Message for Box<T> {
    fn field(name: &str) -> Option<usize> {
        T::field(name)
    }

    fn write<M: SerializeMap>(&self, w: &mut Writer<M>) {
        (**self).write(w)
    }

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: usize,
        r: &mut Reader<'_, 'de, A>,
    ) -> Result<(), A::Error> {
        (**self).read(field, r)
    }
}

/// Writes a message as a JSON object.
pub fn serialize_message<T: Message, S: Serializer>(
    message: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut writer = Writer {
        map: serializer.serialize_map(None)?,
        fields: T::info().fields,
        error: None,
    };
    message.write(&mut writer);
    match writer.error {
        Some(error) => Err(error),
        None => writer.map.end(),
    }
}

/// Reads a message from a JSON object.
pub fn deserialize_message<'de, T: Message, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(MessageVisitor::<T>(PhantomData))
}

/// Writes an enum value by name, or by number when the enum does not name it.
pub fn serialize_enum<E: ProtoEnum, S: Serializer>(
    number: i32,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    Leaf::<super::Enum<E>>::write(&number, serializer)
}

/// Reads an enum value from a name of `E` or a number.
pub fn deserialize_enum<'de, E: ProtoEnum, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<i32, D::Error> {
    deserializer
        .deserialize_any(EnumVisitor::<E>(PhantomData))?
        .ok_or_else(|| D::Error::custom("unknown enum value name"))
}

/// Writes a message's fields; the generated [`Message::write`] calls one method per field.
/// The first error is kept and ends the writing: later fields are skipped, and
/// [`serialize_message`] returns it. So the generated code needs no `?` per field.
pub struct Writer<M: SerializeMap> {
    map: M,
    fields: &'static [FieldInfo],
    error: Option<M::Error>,
}

impl<M: SerializeMap> Writer<M> {
    fn entry(&mut self, field: usize, value: &impl Serialize) {
        if self.error.is_some() {
            return;
        }
        let name = self.fields.get(field).map_or("", |f| f.json_name);
        if let Err(error) = self.map.serialize_entry(name, value) {
            self.error = Some(error);
        }
    }

    /// A field without presence: left out when default.
    pub fn single<C, T: Leaf<C>>(&mut self, field: usize, value: &T) {
        if !value.is_default() {
            self.entry(field, &Out::<C, T>(value, PhantomData));
        }
    }

    /// The set member of a oneof: always written.
    pub fn member<C, T: Leaf<C>>(&mut self, field: usize, value: &T) {
        self.entry(field, &Out::<C, T>(value, PhantomData));
    }

    /// A field with presence: written when set.
    pub fn optional<C, T: Leaf<C>>(&mut self, field: usize, value: &Option<T>) {
        if let Some(value) = value {
            self.entry(field, &Out::<C, T>(value, PhantomData));
        }
    }

    /// A repeated field: left out when empty.
    pub fn repeated<C, T: Leaf<C>>(&mut self, field: usize, value: &[T]) {
        if !value.is_empty() {
            self.entry(field, &OutList::<C, T>(value, PhantomData));
        }
    }

    /// A map field: left out when empty.
    pub fn map<C, F>(&mut self, field: usize, value: &F)
    where
        F: MapField,
        F::Value: Leaf<C>,
    {
        if !value.is_empty() {
            self.entry(field, &OutMap::<C, F>(value, PhantomData));
        }
    }
}

struct Out<'a, C, T>(&'a T, PhantomData<C>);

impl<C, T: Leaf<C>> Serialize for Out<'_, C, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.write(serializer)
    }
}

struct OutList<'a, C, T>(&'a [T], PhantomData<C>);

impl<C, T: Leaf<C>> Serialize for OutList<'_, C, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|v| Out::<C, T>(v, PhantomData)))
    }
}

struct OutMap<'a, C, F>(&'a F, PhantomData<C>);

struct OutKey<'a, K>(&'a K);

impl<K: MapKey> Serialize for OutKey<'_, K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.write(serializer)
    }
}

impl<C, F: MapField> Serialize for OutMap<'_, C, F>
where
    F::Value: Leaf<C>,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            self.0
                .entries()
                .map(|(k, v)| (OutKey(k), Out::<C, F::Value>(v, PhantomData))),
        )
    }
}

/// Reads one field's value; the generated [`Message::read`] calls one method per field.
pub struct Reader<'a, 'de, A> {
    map: &'a mut A,
    de: PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> Reader<'_, 'de, A> {
    /// A field without presence; `null` leaves it as it is.
    pub fn single<C, T: Leaf<C>>(&mut self, slot: &mut T) -> Result<(), A::Error> {
        if let Some(value) = self.map.next_value_seed(Nullable::<C, T>(PhantomData))? {
            *slot = value;
        }
        Ok(())
    }

    /// A field with presence; `null` leaves it unset.
    pub fn optional<C, T: Leaf<C>>(&mut self, slot: &mut Option<T>) -> Result<(), A::Error> {
        if let Some(value) = self.map.next_value_seed(Nullable::<C, T>(PhantomData))? {
            *slot = Some(value);
        }
        Ok(())
    }

    /// A member of a oneof: refused when another member is set already.
    pub fn oneof<C, T: Leaf<C>, O>(
        &mut self,
        slot: &mut Option<O>,
        variant: fn(T) -> O,
    ) -> Result<(), A::Error> {
        if let Some(value) = self.map.next_value_seed(Nullable::<C, T>(PhantomData))? {
            if slot.is_some() {
                return Err(A::Error::custom("more than one field of a oneof is set"));
            }
            *slot = Some(variant(value));
        }
        Ok(())
    }

    /// A repeated field; `null` leaves it empty.
    pub fn repeated<C, T: Leaf<C>>(&mut self, slot: &mut Vec<T>) -> Result<(), A::Error> {
        if let Some(values) = self
            .map
            .next_value_seed(NullableList::<C, T>(PhantomData))?
        {
            *slot = values;
        }
        Ok(())
    }

    /// A map field; `null` leaves it empty.
    pub fn map<C, F>(&mut self, slot: &mut F) -> Result<(), A::Error>
    where
        F: MapField,
        F::Value: Leaf<C>,
    {
        if let Some(values) = self.map.next_value_seed(NullableMap::<C, F>(PhantomData))? {
            *slot = values;
        }
        Ok(())
    }
}

/// Which fields a message's JSON named, to refuse a second mention.
enum Seen {
    /// Up to 256 fields, without allocating.
    Few([u64; 4]),
    Many(Vec<bool>),
}

impl Seen {
    fn new(fields: usize) -> Seen {
        if fields <= 256 {
            Seen::Few([0; 4])
        } else {
            Seen::Many(vec![false; fields])
        }
    }

    /// Marks `field`; `false` when it was marked already.
    fn mark(&mut self, field: usize) -> bool {
        match self {
            Seen::Few(words) => match words.get_mut(field / 64) {
                Some(word) => {
                    let bit = 1u64 << (field % 64);
                    let new = *word & bit == 0;
                    *word |= bit;
                    new
                }
                None => true,
            },
            Seen::Many(seen) => match seen.get_mut(field) {
                Some(seen) => !std::mem::replace(seen, true),
                None => true,
            },
        }
    }
}

struct MessageVisitor<T>(PhantomData<T>);

impl<'de, T: Message> Visitor<'de> for MessageVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", T::info().full_name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut message = T::default();
        let info = T::info();
        let mut seen = Seen::new(info.fields.len());
        while let Some(key) = map.next_key_seed(FieldKey::<T>(PhantomData))? {
            let Some(field) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if !seen.mark(field) {
                let name = info.fields.get(field).map_or("", |f| f.json_name);
                return Err(A::Error::custom(format!(
                    "field `{name}` of {} is given twice",
                    info.full_name
                )));
            }
            let mut reader = Reader {
                map: &mut map,
                de: PhantomData,
            };
            message.read(field, &mut reader)?;
        }
        Ok(message)
    }
}

/// A message's key: the position of the field it names (by JSON or proto name), `None` for an
/// unknown field.
struct FieldKey<T>(PhantomData<T>);

impl<'de, T: Message> DeserializeSeed<'de> for FieldKey<T> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<T: Message> Visitor<'_> for FieldKey<T> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(T::field(v))
    }
}

/// A field's value, or `None` for `null` (unless the value type reads `null` itself) and for a
/// value to drop.
struct Nullable<C, T>(PhantomData<(C, T)>);

impl<'de, C, T: Leaf<C>> DeserializeSeed<'de> for Nullable<C, T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, C, T: Leaf<C>> Visitor<'de> for Nullable<C, T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field value or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Option<T>, E> {
        Ok(T::null())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Option<T>, E> {
        Ok(T::null())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        T::read(deserializer)
    }
}

/// One element of a list or value of a map (`null` only where the type reads it).
struct Element<C, T>(PhantomData<(C, T)>);

impl<'de, C, T: Leaf<C>> DeserializeSeed<'de> for Element<C, T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        T::read(deserializer)
    }
}

struct NullableList<C, T>(PhantomData<(C, T)>);

impl<'de, C, T: Leaf<C>> DeserializeSeed<'de> for NullableList<C, T> {
    type Value = Option<Vec<T>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Vec<T>>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, C, T: Leaf<C>> Visitor<'de> for NullableList<C, T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(value) = seq.next_element_seed(Element::<C, T>(PhantomData))? {
            values.extend(value);
        }
        Ok(Some(values))
    }
}

struct NullableMap<C, F>(PhantomData<(C, F)>);

impl<'de, C, F: MapField> DeserializeSeed<'de> for NullableMap<C, F>
where
    F::Value: Leaf<C>,
{
    type Value = Option<F>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<F>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, C, F: MapField> Visitor<'de> for NullableMap<C, F>
where
    F::Value: Leaf<C>,
{
    type Value = Option<F>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = F::default();
        while let Some(key) = map.next_key_seed(Key::<F::Key>(PhantomData))? {
            let value = map.next_value_seed(Element::<C, F::Value>(PhantomData))?;
            let Some(value) = value else { continue };
            if !out.insert_new(key, value) {
                return Err(A::Error::custom("a map key is given twice"));
            }
        }
        Ok(Some(out))
    }
}

/// A map key, unescaped and read into its type.
struct Key<K>(PhantomData<K>);

impl<'de, K: MapKey> DeserializeSeed<'de> for Key<K> {
    type Value = K;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<K, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<K: MapKey> Visitor<'_> for Key<K> {
    type Value = K;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map key")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<K, E> {
        K::parse(v).ok_or_else(|| super::leaf::invalid("map key", format_args!("{v:?}")))
    }
}
