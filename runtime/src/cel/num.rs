//! CEL's integer arithmetic (every overflow and every division by zero is an error) and its
//! comparisons across `int`, `uint` and `double`.

use std::cmp::Ordering;

use super::Error;

/// A stored integer (`i32`, an enum number, `i64`) as CEL's `int`.
pub fn int(value: impl Into<i64>) -> i64 {
    value.into()
}

/// A stored unsigned integer (`u32`, `u64`) as CEL's `uint`.
pub fn uint(value: impl Into<u64>) -> u64 {
    value.into()
}

/// A stored float (`f32`, `f64`) as CEL's `double`.
pub fn double(value: impl Into<f64>) -> f64 {
    value.into()
}

/// `a + b` on `int`.
pub fn add_int(a: i64, b: i64) -> Result<i64, Error> {
    a.checked_add(b).ok_or(Error::Overflow)
}

/// `a - b` on `int`.
pub fn sub_int(a: i64, b: i64) -> Result<i64, Error> {
    a.checked_sub(b).ok_or(Error::Overflow)
}

/// `a * b` on `int`.
pub fn mul_int(a: i64, b: i64) -> Result<i64, Error> {
    a.checked_mul(b).ok_or(Error::Overflow)
}

/// `a / b` on `int`, truncating toward zero.
pub fn div_int(a: i64, b: i64) -> Result<i64, Error> {
    if b == 0 {
        return Err(Error::DivisionByZero);
    }
    a.checked_div(b).ok_or(Error::Overflow)
}

/// `a % b` on `int`, with the sign of `a`.
pub fn rem_int(a: i64, b: i64) -> Result<i64, Error> {
    if b == 0 {
        return Err(Error::ModulusByZero);
    }
    a.checked_rem(b).ok_or(Error::Overflow)
}

/// `-a` on `int`.
pub fn neg_int(a: i64) -> Result<i64, Error> {
    a.checked_neg().ok_or(Error::Overflow)
}

/// `a + b` on `uint`.
pub fn add_uint(a: u64, b: u64) -> Result<u64, Error> {
    a.checked_add(b).ok_or(Error::Overflow)
}

/// `a - b` on `uint`.
pub fn sub_uint(a: u64, b: u64) -> Result<u64, Error> {
    a.checked_sub(b).ok_or(Error::Overflow)
}

/// `a * b` on `uint`.
pub fn mul_uint(a: u64, b: u64) -> Result<u64, Error> {
    a.checked_mul(b).ok_or(Error::Overflow)
}

/// `a / b` on `uint`.
pub fn div_uint(a: u64, b: u64) -> Result<u64, Error> {
    a.checked_div(b).ok_or(Error::DivisionByZero)
}

/// `a % b` on `uint`.
pub fn rem_uint(a: u64, b: u64) -> Result<u64, Error> {
    a.checked_rem(b).ok_or(Error::ModulusByZero)
}

/// Orders an `int` against a `uint`: every negative int is smaller.
pub fn cmp_int_uint(a: i64, b: u64) -> Ordering {
    match u64::try_from(a) {
        Ok(a) => a.cmp(&b),
        Err(_) => Ordering::Less,
    }
}

/// Orders two doubles; NaN cannot be ordered and is an error.
pub fn cmp_double(a: f64, b: f64) -> Result<Ordering, Error> {
    a.partial_cmp(&b).ok_or(Error::NotOrdered)
}

/// Orders an `int` against a `double` as CEL does: doubles beyond the int range are beyond
/// every int; otherwise the int is compared as a double. NaN is an error.
pub fn cmp_int_double(a: i64, b: f64) -> Result<Ordering, Error> {
    if b.is_nan() {
        return Err(Error::NotOrdered);
    }
    if b < i64::MIN as f64 {
        return Ok(Ordering::Greater);
    }
    if b > i64::MAX as f64 {
        return Ok(Ordering::Less);
    }
    cmp_double(a as f64, b)
}

/// Orders a `uint` against a `double`, like [`cmp_int_double`].
pub fn cmp_uint_double(a: u64, b: f64) -> Result<Ordering, Error> {
    if b.is_nan() {
        return Err(Error::NotOrdered);
    }
    if b < 0.0 {
        return Ok(Ordering::Greater);
    }
    if b > u64::MAX as f64 {
        return Ok(Ordering::Less);
    }
    cmp_double(a as f64, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_and_zero_divisors_are_errors() {
        assert_eq!(add_int(i64::MAX, 1), Err(Error::Overflow));
        assert_eq!(div_int(i64::MIN, -1), Err(Error::Overflow));
        assert_eq!(rem_int(i64::MIN, -1), Err(Error::Overflow));
        assert_eq!(div_int(1, 0), Err(Error::DivisionByZero));
        assert_eq!(rem_uint(1, 0), Err(Error::ModulusByZero));
        assert_eq!(sub_uint(0, 1), Err(Error::Overflow));
        assert_eq!(rem_int(-7, 3), Ok(-1));
    }

    #[test]
    fn numeric_comparisons_cross_types() {
        assert_eq!(cmp_int_uint(-1, 0), Ordering::Less);
        assert_eq!(cmp_int_double(1, 1.5), Ok(Ordering::Less));
        assert_eq!(cmp_uint_double(3, f64::NAN), Err(Error::NotOrdered));
        assert_eq!(cmp_int_double(i64::MAX, 1e30), Ok(Ordering::Less));
    }
}
