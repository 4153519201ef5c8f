//! The clauses of CEL's `string.format`: numbers in fixed and scientific notation, integers in
//! another base and bytes in hexadecimal, printed as CEL (Go's `strconv`) prints them.

/// `%f` / `%.Nf`: `digits` decimals; `NaN`, `Infinity`, `-Infinity` for the others.
pub fn format_fixed(value: f64, digits: usize) -> String {
    non_finite(value).unwrap_or_else(|| format!("{value:.digits$}"))
}

/// `%e` / `%.Ne`: one digit, `digits` decimals and a signed exponent of at least two digits
/// (`1.234560e+03`).
pub fn format_scientific(value: f64, digits: usize) -> String {
    if let Some(text) = non_finite(value) {
        return text;
    }
    let text = format!("{value:.digits$e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let (sign, magnitude) = match exponent.strip_prefix('-') {
        Some(m) => ('-', m),
        None => ('+', exponent),
    };
    format!("{mantissa}e{sign}{magnitude:0>2}")
}

fn non_finite(value: f64) -> Option<String> {
    if value.is_nan() {
        Some("NaN".to_string())
    } else if value.is_infinite() {
        Some(if value > 0.0 { "Infinity" } else { "-Infinity" }.to_string())
    } else {
        None
    }
}

/// `%x`, `%X`, `%o`, `%b` of an `int`: the magnitude in `radix` with a leading `-` when
/// negative.
pub fn format_int_radix(value: i64, radix: u32, upper: bool) -> String {
    let digits = format_uint_radix(value.unsigned_abs(), radix, upper);
    if value < 0 {
        format!("-{digits}")
    } else {
        digits
    }
}

/// `%x`, `%X`, `%o`, `%b` of a `uint`.
pub fn format_uint_radix(value: u64, radix: u32, upper: bool) -> String {
    match (radix, upper) {
        (16, false) => format!("{value:x}"),
        (16, true) => format!("{value:X}"),
        (8, _) => format!("{value:o}"),
        (2, _) => format!("{value:b}"),
        _ => value.to_string(),
    }
}

/// `%x` / `%X` of a string or bytes: two hex digits a byte.
pub fn format_hex_bytes(bytes: &[u8], upper: bool) -> String {
    bytes
        .iter()
        .map(|b| {
            if upper {
                format!("{b:02X}")
            } else {
                format!("{b:02x}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_go_prints_them() {
        assert_eq!(format_fixed(1.0, 6), "1.000000");
        assert_eq!(format_fixed(2.345, 2), "2.35");
        assert_eq!(format_fixed(f64::NEG_INFINITY, 2), "-Infinity");
        assert_eq!(format_scientific(1234.56, 6), "1.234560e+03");
        assert_eq!(format_scientific(0.00012, 1), "1.2e-04");
        assert_eq!(format_scientific(f64::NAN, 3), "NaN");
    }

    #[test]
    fn integers_print_in_other_bases_with_a_sign() {
        assert_eq!(format_int_radix(-255, 16, false), "-ff");
        assert_eq!(format_int_radix(255, 16, true), "FF");
        assert_eq!(format_uint_radix(8, 8, false), "10");
        assert_eq!(format_uint_radix(5, 2, false), "101");
        assert_eq!(format_hex_bytes(b"\x01\xab", false), "01ab");
        assert_eq!(format_hex_bytes(b"\x01\xab", true), "01AB");
    }
}
