//! CEL's type conversions (`int()`, `uint()`, `double()`, `string()`, `bool()`): a value that
//! does not fit, or text that does not parse, is an error.

use super::Error;

/// `int(uint)`.
pub fn uint_to_int(value: u64) -> Result<i64, Error> {
    i64::try_from(value).map_err(|_| Error::Range("uint to int"))
}

/// `uint(int)`.
pub fn int_to_uint(value: i64) -> Result<u64, Error> {
    u64::try_from(value).map_err(|_| Error::Range("int to uint"))
}

/// `int(double)`: truncates toward zero; NaN, infinities and values beyond the int range fail.
pub fn double_to_int(value: f64) -> Result<i64, Error> {
    // 2^63 is exact as a double; i64::MIN is -2^63 and i64::MAX rounds up to 2^63.
    if value.is_nan()
        || value <= -9_223_372_036_854_775_808.0
        || value >= 9_223_372_036_854_775_808.0
    {
        return Err(Error::Range("double to int"));
    }
    Ok(value.trunc() as i64)
}

/// `uint(double)`: truncates toward zero; NaN, negatives beyond -1 and values of 2^64 and more fail.
pub fn double_to_uint(value: f64) -> Result<u64, Error> {
    if !(0.0..18_446_744_073_709_551_616.0).contains(&value) {
        return Err(Error::Range("double to uint"));
    }
    Ok(value.trunc() as u64)
}

/// `int(string)`: base 10, an optional sign, nothing else.
pub fn string_to_int(text: &str) -> Result<i64, Error> {
    text.parse()
        .map_err(|_| Error::InvalidArgument(format!("cannot convert {text:?} to int")))
}

/// `uint(string)`: base 10 digits only.
pub fn string_to_uint(text: &str) -> Result<u64, Error> {
    if text.starts_with('+') {
        return Err(Error::InvalidArgument(format!(
            "cannot convert {text:?} to uint"
        )));
    }
    text.parse()
        .map_err(|_| Error::InvalidArgument(format!("cannot convert {text:?} to uint")))
}

/// `double(string)`: a value beyond the double range is an error, not an infinity.
pub fn string_to_double(text: &str) -> Result<f64, Error> {
    let invalid = || Error::InvalidArgument(format!("cannot convert {text:?} to double"));
    let value: f64 = text.parse().map_err(|_| invalid())?;
    let unsigned = text.trim_start_matches(['+', '-']).to_ascii_lowercase();
    if value.is_infinite() && !unsigned.starts_with("inf") {
        return Err(invalid());
    }
    Ok(value)
}

/// `bool(string)`: the spellings CEL accepts.
pub fn string_to_bool(text: &str) -> Result<bool, Error> {
    match text {
        "1" | "t" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(Error::InvalidArgument(format!(
            "cannot convert {text:?} to bool"
        ))),
    }
}

/// `string(bytes)`: the bytes must be UTF-8.
pub fn bytes_to_string(bytes: &[u8]) -> Result<String, Error> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| Error::InvalidArgument("invalid UTF-8 in bytes".to_string()))
}

/// `string(double)`: the shortest text that reads back as the same double, in exponent form
/// below 1e-4 and from 1e6 on, as Go prints a float64 (`%g`).
pub fn double_to_string(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    if value == 0.0 {
        return if value.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..6).contains(&exponent) {
        return format!("{value}");
    }
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exponent.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_fail_out_of_range() {
        assert!(double_to_int(9.3e18).is_err());
        assert_eq!(double_to_int(-1.9), Ok(-1));
        assert!(double_to_uint(-1.0).is_err());
        assert!(uint_to_int(u64::MAX).is_err());
        assert!(string_to_uint("+1").is_err());
    }

    #[test]
    fn doubles_print_like_the_reference() {
        assert_eq!(double_to_string(1.5), "1.5");
        assert_eq!(double_to_string(100.0), "100");
        assert_eq!(double_to_string(1e6), "1e+06");
        assert_eq!(double_to_string(1e-5), "1e-05");
    }
}
