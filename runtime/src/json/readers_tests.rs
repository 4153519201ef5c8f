use super::{BytesDeserialize, NumberDeserialize};

fn read<T: super::ProtoNumber>(json: &str) -> Result<T, serde_json::Error> {
    serde_json::from_str::<NumberDeserialize<T>>(json).map(|n| n.0)
}

#[test]
fn integers_read_from_numbers_and_strings_also_in_exponent_and_fraction_form() {
    assert_eq!(read::<i32>("1").unwrap(), 1);
    assert_eq!(read::<i32>("\"-7\"").unwrap(), -7);
    assert_eq!(read::<i32>("1e5").unwrap(), 100_000);
    assert_eq!(read::<i32>("100000.000").unwrap(), 100_000);
    assert_eq!(read::<i32>("\"1e5\"").unwrap(), 100_000);
    assert_eq!(read::<i32>("2.147483647e9").unwrap(), i32::MAX);
    assert_eq!(read::<i32>("-2.147483648e9").unwrap(), i32::MIN);
    assert_eq!(read::<u32>("4.294967295e9").unwrap(), u32::MAX);
    assert_eq!(read::<i64>("\"9223372036854775807\"").unwrap(), i64::MAX);
    assert_eq!(read::<u64>("18446744073709551615").unwrap(), u64::MAX);
}

#[test]
fn integers_refuse_fractions_out_of_range_values_and_names() {
    for json in [
        "1.5",
        "\"0.5\"",
        "2147483648",
        "2.147483648e9",
        "\"inf\"",
        "\"NaN\"",
        "true",
    ] {
        assert!(read::<i32>(json).is_err(), "{json}");
    }
    assert!(read::<u32>("-1").is_err());
    assert!(read::<u64>("-1").is_err());
    assert!(read::<i64>("9223372036854775808").is_err());
}

#[test]
fn floats_read_the_three_names_and_refuse_other_spellings() {
    assert!(read::<f64>("\"NaN\"").unwrap().is_nan());
    assert_eq!(read::<f64>("\"Infinity\"").unwrap(), f64::INFINITY);
    assert_eq!(read::<f32>("\"-Infinity\"").unwrap(), f32::NEG_INFINITY);
    assert_eq!(read::<f64>("\"1.5\"").unwrap(), 1.5);
    assert_eq!(read::<f32>("-2").unwrap(), -2.0);
    for json in ["\"nan\"", "\"inf\"", "\"infinity\"", "\"1x\""] {
        assert!(read::<f64>(json).is_err(), "{json}");
    }
}

#[test]
fn a_float_beyond_its_range_is_refused_not_rounded_to_infinity() {
    assert_eq!(read::<f32>("3.402823e38").unwrap(), 3.402823e38);
    assert!(read::<f32>("3.502823e38").is_err());
    assert!(read::<f32>("-3.502823e38").is_err());
    assert!(read::<f64>("1e400").is_err());
    assert!(read::<f64>("\"1e400\"").is_err());
}

#[test]
fn doubles_read_exactly() {
    assert_eq!(read::<f64>("2.22507e-308").unwrap(), 2.22507e-308);
    assert_eq!(read::<f64>("-1.79769e+308").unwrap(), -1.79769e308);
}

#[test]
fn bytes_read_standard_and_url_safe_base64_padded_or_not() {
    let bytes = |json: &str| serde_json::from_str::<BytesDeserialize<Vec<u8>>>(json).map(|b| b.0);
    assert_eq!(bytes("\"AQI=\"").unwrap(), [1, 2]);
    assert_eq!(bytes("\"AQI\"").unwrap(), [1, 2]);
    assert_eq!(bytes("\"-_8\"").unwrap(), [0xfb, 0xff]);
    assert_eq!(bytes("\"+/8=\"").unwrap(), [0xfb, 0xff]);
    assert_eq!(bytes("\"-_\"").unwrap(), [0xfb]);
    assert!(bytes("\"*\"").is_err());
}

/// A stand-in for a generated enum: named values 0 and 1.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
enum Colour {
    #[serde(rename = "RED")]
    Red,
    #[serde(rename = "BLUE")]
    Blue,
}

impl TryFrom<i32> for Colour {
    type Error = ();

    fn try_from(value: i32) -> Result<Colour, ()> {
        match value {
            0 => Ok(Colour::Red),
            1 => Ok(Colour::Blue),
            _ => Err(()),
        }
    }
}

impl From<Colour> for i32 {
    fn from(colour: Colour) -> i32 {
        colour as i32
    }
}

#[test]
fn an_open_enum_writes_a_name_or_the_unnamed_number() {
    let write = |n| serde_json::to_string(&super::OpenEnum::<Colour>::new(n)).unwrap();
    assert_eq!(write(1), "\"BLUE\"");
    assert_eq!(write(123), "123");
}

#[test]
fn an_open_enum_reads_a_name_or_any_int32() {
    let read = |json: &str| serde_json::from_str::<super::OpenEnum<Colour>>(json).map(|e| e.0);
    assert_eq!(read("\"BLUE\"").unwrap(), 1);
    assert_eq!(read("123").unwrap(), 123);
    assert_eq!(read("-5").unwrap(), -5);
    assert!(read("\"GREEN\"").is_err());
    assert!(read("2147483648").is_err());
}

#[test]
fn floats_write_non_finite_values_by_name_in_every_container() {
    use super::Floats;
    let write = |json: Result<String, serde_json::Error>| json.unwrap();
    assert_eq!(write(serde_json::to_string(&Floats(&f64::NAN))), "\"NaN\"");
    assert_eq!(
        write(serde_json::to_string(&Floats(&f32::INFINITY))),
        "\"Infinity\""
    );
    assert_eq!(
        write(serde_json::to_string(&Floats(&f64::NEG_INFINITY))),
        "\"-Infinity\""
    );
    assert_eq!(write(serde_json::to_string(&Floats(&1.5f32))), "1.5");
    assert_eq!(
        write(serde_json::to_string(&Floats(&vec![1.0f64, f64::NAN]))),
        "[1.0,\"NaN\"]"
    );
    let map = std::collections::BTreeMap::from([(1, f32::NEG_INFINITY)]);
    assert_eq!(
        write(serde_json::to_string(&Floats(&map))),
        "{\"1\":\"-Infinity\"}"
    );
}
