//! protovalidate's CEL functions (`isEmail`, `isIp`, `unique`, …), delegating to the checks the
//! standard rules already use.

use crate::rules::pv;

/// `string.isEmail()`.
pub fn is_email(value: &str) -> bool {
    pv::is_email(value)
}

/// `string.isHostname()`.
pub fn is_hostname(value: &str) -> bool {
    pv::is_hostname(value)
}

/// `string.isUri()`.
pub fn is_uri(value: &str) -> bool {
    pv::is_uri(value)
}

/// `string.isUriRef()`.
pub fn is_uri_ref(value: &str) -> bool {
    pv::is_uri_ref(value)
}

/// `string.isIp([version])`: version 0 for either, 4 or 6; any other version is false.
pub fn is_ip(value: &str, version: i64) -> bool {
    matches!(version, 0 | 4 | 6) && pv::is_ip(value, version as u8)
}

/// `string.isIpPrefix([version][, strict])`: strict requires the host bits to be zero.
pub fn is_ip_prefix(value: &str, version: i64, strict: bool) -> bool {
    matches!(version, 0 | 4 | 6) && pv::is_ip_prefix(value, version as u8, strict)
}

/// `string.isHostAndPort(port_required)`.
pub fn is_host_and_port(value: &str, port_required: bool) -> bool {
    pv::is_host_and_port(value, port_required)
}

/// `double.isInf([sign])`: positive sign for +∞ only, negative for -∞ only, zero for either.
pub fn is_inf(value: f64, sign: i64) -> bool {
    match sign {
        0 => value.is_infinite(),
        s if s > 0 => value == f64::INFINITY,
        _ => value == f64::NEG_INFINITY,
    }
}

/// `list.unique()`: no two elements equal.
pub fn unique<T: PartialEq>(items: impl Iterator<Item = T>) -> bool {
    let items: Vec<T> = items.collect();
    items
        .iter()
        .enumerate()
        .all(|(i, a)| items[i + 1..].iter().all(|b| a != b))
}
