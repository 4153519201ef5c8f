//! The shared reader and writer on a message written as the generator writes one.

use std::collections::HashMap;

use super::{Base64, Enum, MapAccess, Message, Plain, ProtoEnum, Reader, SerializeMap, Writer};
use crate::schema::{Described, FieldInfo, Kind, MessageInfo};

#[derive(Debug, Default, PartialEq)]
struct Sample {
    count: i64,
    colour: i32,
    tags: Vec<String>,
    blob: Vec<u8>,
    flags: HashMap<bool, i32>,
    note: Option<String>,
    value: Option<pbjson_types::Value>,
    choice: Option<Choice>,
}

#[derive(Debug, PartialEq)]
enum Choice {
    Number(u32),
    Text(String),
}

struct Colour;

impl ProtoEnum for Colour {
    const VALUES: &'static [(&'static str, i32)] = &[("RED", 0), ("GREEN", 1), ("VERDE", 1)];
}

impl Described for Sample {
    const INFO: &'static MessageInfo = &MessageInfo {
        full_name: "test.Sample",
        fields: &[
            FieldInfo::new("count", "count", Kind::INT64),
            FieldInfo::enumeration::<Colour>("colour", "colour"),
            FieldInfo::new("tags", "tags", Kind::Text).repeated(),
            FieldInfo::new("blob", "blob", Kind::Text),
            FieldInfo::enumeration::<Colour>("flags", "flags").map(Kind::Bool),
            FieldInfo::new("note", "note", Kind::Text).oneof(),
            FieldInfo::new("value", "value", Kind::VALUE),
            FieldInfo::new("choice_number", "choiceNumber", Kind::UINT32).oneof(),
            FieldInfo::new("choice_text", "choiceText", Kind::Text).oneof(),
        ],
    };
}

impl Message for Sample {
    fn write<M: SerializeMap>(&self, w: &mut Writer<M>) {
        w.single::<Plain, _>(0, &self.count);
        w.single::<Enum<Colour>, _>(1, &self.colour);
        w.repeated::<Plain, _>(2, &self.tags);
        w.single::<Base64, _>(3, &self.blob);
        w.map::<Enum<Colour>, _>(4, &self.flags);
        w.optional::<Plain, _>(5, &self.note);
        w.optional::<Plain, _>(6, &self.value);
        match &self.choice {
            Some(Choice::Number(v)) => w.member::<Plain, _>(7, v),
            Some(Choice::Text(v)) => w.member::<Plain, _>(8, v),
            None => {}
        }
    }

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: usize,
        r: &mut Reader<'_, 'de, A>,
    ) -> Result<(), A::Error> {
        match field {
            0 => r.single::<Plain, _>(&mut self.count),
            1 => r.single::<Enum<Colour>, _>(&mut self.colour),
            2 => r.repeated::<Plain, _>(&mut self.tags),
            3 => r.single::<Base64, _>(&mut self.blob),
            4 => r.map::<Enum<Colour>, _>(&mut self.flags),
            5 => r.optional::<Plain, _>(&mut self.note),
            6 => r.optional::<Plain, _>(&mut self.value),
            7 => r.oneof::<Plain, _, _>(&mut self.choice, Choice::Number),
            _ => r.oneof::<Plain, _, _>(&mut self.choice, Choice::Text),
        }
    }
}

crate::json_message!(Sample);

fn read(json: &str) -> Result<Sample, serde_json::Error> {
    serde_json::from_str(json)
}

#[test]
fn fields_are_written_by_json_name_leaving_defaults_out() {
    let sample = Sample {
        count: 7,
        colour: 1,
        tags: vec!["a".into()],
        blob: b"hi".to_vec(),
        flags: HashMap::from([(true, 5)]),
        choice: Some(Choice::Number(0)),
        ..Sample::default()
    };
    assert_eq!(
        serde_json::to_string(&sample).unwrap(),
        r#"{"count":"7","colour":"GREEN","tags":["a"],"blob":"aGk=","flags":{"true":5},"choiceNumber":0}"#
    );
    assert_eq!(serde_json::to_string(&Sample::default()).unwrap(), "{}");
}

/// A sink that takes `room` bytes, then fails every write, counting the writes it refused.
struct FullSink {
    room: usize,
    refused: usize,
}

impl std::io::Write for FullSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.room == 0 {
            self.refused += 1;
            return Err(std::io::Error::other("sink full"));
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_first_write_error_is_returned_and_ends_the_writing() {
    let sample = Sample {
        count: 7,
        colour: 1,
        tags: vec!["a".into(), "b".into()],
        blob: b"hi".to_vec(),
        note: Some("n".into()),
        ..Sample::default()
    };
    // Room for `{"count":"7"` only: the second field's write fails.
    let mut sink = FullSink {
        room: 12,
        refused: 0,
    };
    let error = serde_json::to_writer(&mut sink, &sample).expect_err("the sink fills up");
    assert!(error.is_io(), "{error}");
    assert_eq!(sink.refused, 1, "no field is written after the first error");
}

#[test]
fn fields_are_read_by_either_name_with_aliases_and_escaped_keys() {
    let sample = read(
        r#"{"count":"7","colour":"VERDE","tags":["a"],"blob":"aGk","flags":{"tr\u0075e":"GREEN"},"choice_text":"x","unknown":[1]}"#,
    )
    .unwrap();
    assert_eq!(sample.count, 7);
    assert_eq!(sample.colour, 1);
    assert_eq!(sample.blob, b"hi");
    assert_eq!(sample.flags, HashMap::from([(true, 1)]));
    assert_eq!(sample.choice, Some(Choice::Text("x".into())));
}

#[test]
fn null_leaves_fields_unset_except_a_value() {
    let sample = read(
        r#"{"count":null,"colour":null,"tags":null,"flags":null,"note":null,"choiceNumber":null,"choiceText":"x","value":null}"#,
    )
    .unwrap();
    assert_eq!(sample.count, 0);
    assert_eq!(sample.note, None);
    assert_eq!(sample.choice, Some(Choice::Text("x".into())));
    assert_eq!(
        sample.value,
        Some(pbjson_types::Value {
            kind: Some(pbjson_types::value::Kind::NullValue(0))
        })
    );
}

#[test]
fn a_field_named_twice_and_two_oneof_members_are_refused() {
    assert!(read(r#"{"count":1,"count":2}"#).is_err());
    assert!(read(r#"{"choiceNumber":1,"choice_number":2}"#).is_err());
    assert!(read(r#"{"choiceNumber":1,"choiceText":"x"}"#).is_err());
    assert!(read(r#"{"flags":{"true":1,"true":0}}"#).is_err());
    assert!(read(r#"{"flags":{"yes":1}}"#).is_err());
}

#[test]
fn unknown_enum_numbers_are_kept_and_unknown_names_dropped() {
    let sample = read(r#"{"colour":42,"flags":{"true":"BLUE","false":1}}"#).unwrap();
    assert_eq!(sample.colour, 42);
    assert_eq!(sample.flags, HashMap::from([(false, 1)]));
    assert_eq!(
        serde_json::to_string(&Sample {
            colour: 42,
            ..Sample::default()
        })
        .unwrap(),
        r#"{"colour":42}"#
    );
}
