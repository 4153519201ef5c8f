//! One path or query-string value as the proto3 JSON of its field's type, or what was
//! expected instead, so a bad parameter is refused naming itself rather than by the decoder.

use serde_json::Value;

use crate::schema::{Kind, Number};

/// `raw` as proto3 JSON for a value of `kind`, or a description of what was expected.
pub(super) fn parse(kind: Kind, raw: &str) -> Result<Value, String> {
    match kind {
        Kind::Bool | Kind::WellKnown("google.protobuf.BoolValue") => boolean(raw),
        Kind::Number(number) => self::number(number, raw),
        Kind::WellKnown(name) => match wrapped_number(name) {
            Some(number) => self::number(number, raw),
            None => Ok(Value::String(raw.to_string())),
        },
        Kind::Enum(values) => match raw.parse::<i32>() {
            Ok(number) => Ok(Value::from(number)),
            Err(_) if values.is_empty() || values.iter().any(|(name, _)| *name == raw) => {
                Ok(Value::String(raw.to_string()))
            }
            Err(_) => {
                let names: Vec<&str> = values.iter().map(|(name, _)| *name).collect();
                Err(format!("one of {} or a number", names.join(", ")))
            }
        },
        Kind::Text => Ok(Value::String(raw.to_string())),
        Kind::Message(_) => Err("a field of the message, not the message itself".to_string()),
    }
}

/// A map key of `kind` as proto3 JSON writes object keys: the canonical text of the value.
pub(super) fn map_key(kind: Kind, raw: &str) -> Result<String, String> {
    Ok(match parse(kind, raw)? {
        Value::String(text) => text,
        other => other.to_string(),
    })
}

/// What Go's `strconv.ParseBool` accepts, as grpc-gateway reads booleans.
fn boolean(raw: &str) -> Result<Value, String> {
    match raw {
        "true" | "True" | "TRUE" | "t" | "T" | "1" => Ok(Value::Bool(true)),
        "false" | "False" | "FALSE" | "f" | "F" | "0" => Ok(Value::Bool(false)),
        _ => Err("a boolean (true or false)".to_string()),
    }
}

fn number(number: Number, raw: &str) -> Result<Value, String> {
    let bad = |what: &str| what.to_string();
    match number {
        Number::Int32 => raw
            .parse::<i32>()
            .map(Value::from)
            .map_err(|_| bad("a 32-bit integer")),
        Number::UInt32 => raw
            .parse::<u32>()
            .map(Value::from)
            .map_err(|_| bad("an unsigned 32-bit integer")),
        // 64-bit integers are JSON strings in proto3 JSON.
        Number::Int64 => raw
            .parse::<i64>()
            .map(|n| Value::String(n.to_string()))
            .map_err(|_| bad("a 64-bit integer")),
        Number::UInt64 => raw
            .parse::<u64>()
            .map(|n| Value::String(n.to_string()))
            .map_err(|_| bad("an unsigned 64-bit integer")),
        Number::Float => float(raw, true).ok_or_else(|| bad("a 32-bit floating-point number")),
        Number::Double => float(raw, false).ok_or_else(|| bad("a floating-point number")),
    }
}

/// A float or double; NaN and the infinities as proto3 JSON's strings.
fn float(raw: &str, single: bool) -> Option<Value> {
    let value = match raw {
        "NaN" => return Some(Value::String("NaN".into())),
        "Infinity" | "Inf" | "+Inf" | "inf" => return Some(Value::String("Infinity".into())),
        "-Infinity" | "-Inf" | "-inf" => return Some(Value::String("-Infinity".into())),
        _ => raw.parse::<f64>().ok().filter(|v| v.is_finite())?,
    };
    if single && value.abs() > f64::from(f32::MAX) {
        return None;
    }
    serde_json::Number::from_f64(value).map(Value::Number)
}

/// The number type a wrapper well-known type holds.
fn wrapped_number(name: &str) -> Option<Number> {
    Some(match name {
        "google.protobuf.Int32Value" => Number::Int32,
        "google.protobuf.UInt32Value" => Number::UInt32,
        "google.protobuf.Int64Value" => Number::Int64,
        "google.protobuf.UInt64Value" => Number::UInt64,
        "google.protobuf.FloatValue" => Number::Float,
        "google.protobuf.DoubleValue" => Number::Double,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_checked_by_type() {
        let int32 = Kind::Number(Number::Int32);
        assert_eq!(parse(int32, "42"), Ok(Value::from(42)));
        assert_eq!(parse(int32, "abc"), Err("a 32-bit integer".to_string()));
        assert!(parse(int32, "3000000000").is_err());
        assert_eq!(
            parse(Kind::Number(Number::Int64), "-7"),
            Ok(Value::String("-7".into()))
        );
        assert!(parse(Kind::Number(Number::UInt64), "-7").is_err());
        assert_eq!(
            parse(Kind::Number(Number::Double), "Inf"),
            Ok(Value::String("Infinity".into()))
        );
        assert!(parse(Kind::Number(Number::Float), "1e40").is_err());
    }

    #[test]
    fn enums_take_a_name_of_theirs_or_a_number() {
        let color = Kind::Enum(&[("COLOR_UNSPECIFIED", 0), ("RED", 1)]);
        assert_eq!(parse(color, "RED"), Ok(Value::String("RED".into())));
        assert_eq!(parse(color, "1"), Ok(Value::from(1)));
        assert_eq!(
            parse(color, "PINK"),
            Err("one of COLOR_UNSPECIFIED, RED or a number".to_string())
        );
    }

    #[test]
    fn map_keys_are_canonical_text() {
        assert_eq!(map_key(Kind::Number(Number::Int32), "007"), Ok("7".into()));
        assert_eq!(map_key(Kind::Bool, "1"), Ok("true".into()));
        assert_eq!(map_key(Kind::Text, "a b"), Ok("a b".into()));
    }
}
