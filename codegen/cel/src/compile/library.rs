//! The library functions beyond the operators: conversions, timestamps and durations, the
//! string extensions and protovalidate's functions.

use proc_macro2::TokenStream;
use quote::quote;

use super::calls::{no_overload, view};
use super::{receiver, repr, rt, type_name_of, Compiler, Value};
use crate::types::Type as Ty;
use crate::CelError;

impl Compiler<'_> {
    /// Conversions, timestamps and durations, the string extensions and protovalidate's functions.
    pub(super) fn library(
        &mut self,
        function: &str,
        v: &[Value],
        col: usize,
    ) -> Result<(Ty, TokenStream, bool), CelError> {
        use Ty::*;
        let rt = rt();
        let t = |i: usize| &v[i].tokens;
        let types: Vec<&Ty> = v.iter().map(|x| &x.ty).collect();
        let ok = |ty: Ty, tokens: TokenStream| Ok((ty, tokens, false));
        let fails = |ty: Ty, tokens: TokenStream| Ok((ty, tokens, true));
        let a = t(0).clone();
        let ra = receiver(&a);
        let s = v.first().map(view).unwrap_or_default();
        match (function, types.as_slice()) {
            ("int", [Int])
            | ("uint", [Uint])
            | ("double", [Double])
            | ("string", [String])
            | ("bytes", [Bytes])
            | ("bool", [Bool])
            | ("timestamp", [Timestamp])
            | ("duration", [Duration])
            | ("dyn", [_]) => Ok((types[0].clone(), a, false)),
            ("int", [Uint]) => fails(Int, quote!(#rt::uint_to_int(#a)?)),
            ("int", [Double]) => fails(Int, quote!(#rt::double_to_int(#a)?)),
            ("int", [String]) => fails(Int, quote!(#rt::string_to_int(#s)?)),
            ("int", [Timestamp]) => ok(Int, quote!(#ra.seconds)),
            ("int", [Duration]) => ok(Int, quote!(#ra.nanos())),
            ("uint", [Int]) => fails(Uint, quote!(#rt::int_to_uint(#a)?)),
            ("uint", [Double]) => fails(Uint, quote!(#rt::double_to_uint(#a)?)),
            ("uint", [String]) => fails(Uint, quote!(#rt::string_to_uint(#s)?)),
            ("double", [Int] | [Uint]) => ok(Double, quote!(#ra as f64)),
            ("double", [String]) => fails(Double, quote!(#rt::string_to_double(#s)?)),
            ("string", [Int] | [Uint] | [Bool] | [Timestamp] | [Duration]) => {
                ok(String, quote!(#ra.to_string()))
            }
            ("string", [Double]) => ok(String, quote!(#rt::double_to_string(#a))),
            ("string", [Bytes]) => fails(String, quote!(#rt::bytes_to_string(#s)?)),
            ("bytes", [String]) => ok(Bytes, quote!(str::as_bytes(#s))),
            ("bool", [String]) => fails(Bool, quote!(#rt::string_to_bool(#s)?)),
            ("timestamp", [String]) => fails(Timestamp, quote!(#rt::Timestamp::parse(#s)?)),
            ("timestamp", [Int]) => fails(Timestamp, quote!(#rt::Timestamp::from_unix(#a)?)),
            ("duration", [String]) => fails(Duration, quote!(#rt::Duration::parse(#s)?)),
            ("type", [ty]) => {
                let name = type_name_of(ty);
                ok(Ty::Type, quote!(#name))
            }
            (getter, [Timestamp] | [Timestamp, String]) if timestamp_part(getter).is_some() => {
                let part = timestamp_part(getter).map(|p| quote::format_ident!("{}", p));
                let zone = if v.len() == 2 {
                    let z = view(&v[1]);
                    quote!(Some(#z))
                } else {
                    quote!(None)
                };
                fails(
                    Int,
                    quote!(#rt::timestamp_get(#a, #rt::TimePart::#part, #zone)?),
                )
            }
            ("getHours" | "getMinutes" | "getSeconds" | "getMilliseconds", [Duration]) => {
                let f = match function {
                    "getHours" => quote!(hours),
                    "getMinutes" => quote!(minutes),
                    "getSeconds" => quote!(seconds_total),
                    _ => quote!(milliseconds),
                };
                ok(Int, quote!(#ra.#f()))
            }
            ("lowerAscii", [String]) => ok(String, quote!(str::to_ascii_lowercase(#s))),
            ("upperAscii", [String]) => ok(String, quote!(str::to_ascii_uppercase(#s))),
            ("trim", [String]) => ok(String, quote!(#rt::trim(#s))),
            ("charAt", [String, Int]) => fails(String, {
                let i = t(1);
                quote!(#rt::char_at(#s, #i)?)
            }),
            ("indexOf" | "lastIndexOf", [String, String])
            | ("indexOf" | "lastIndexOf", [String, String, Int]) => {
                let f = if function == "indexOf" {
                    quote!(index_of)
                } else {
                    quote!(last_index_of)
                };
                let needle = view(&v[1]);
                let from = if v.len() == 3 {
                    let i = t(2);
                    quote!(Some(#i))
                } else {
                    quote!(None)
                };
                fails(Int, quote!(#rt::#f(#s, #needle, #from)?))
            }
            ("substring", [String, Int]) => fails(String, {
                let i = t(1);
                quote!(#rt::substring(#s, #i, None)?)
            }),
            ("substring", [String, Int, Int]) => fails(String, {
                let (i, j) = (t(1), t(2));
                quote!(#rt::substring(#s, #i, Some(#j))?)
            }),
            ("replace", [String, String, String]) | ("replace", [String, String, String, Int]) => {
                let (from, to) = (view(&v[1]), view(&v[2]));
                let n = if v.len() == 4 {
                    let n = t(3);
                    quote!(#n)
                } else {
                    quote!(-1)
                };
                ok(String, quote!(#rt::replace(#s, #from, #to, #n)))
            }
            ("split", [String, String]) | ("split", [String, String, Int]) => {
                let sep = view(&v[1]);
                let n = if v.len() == 3 {
                    let n = t(2);
                    quote!(#n)
                } else {
                    quote!(-1)
                };
                ok(Ty::list(String), quote!(#rt::split(#s, #sep, #n)))
            }
            ("join", [List(e)] | [List(e), String]) if **e == Dyn => {
                ok(String, quote!(::std::string::String::new()))
            }
            ("join", [List(e)] | [List(e), String]) if **e == String => {
                let item = repr::normalize(&String, &quote!(e), v[0].built);
                let sep = if v.len() == 2 {
                    view(&v[1])
                } else {
                    quote!("")
                };
                ok(String, {
                    let items = repr::elements(&ra, &item);
                    quote!(#rt::join(#items, #sep))
                })
            }
            ("isNan", [Double]) => ok(Bool, quote!(#ra.is_nan())),
            ("isInf", [Double]) => ok(Bool, quote!(#ra.is_infinite())),
            ("isInf", [Double, Int]) => ok(Bool, {
                let sign = t(1);
                quote!(#rt::is_inf(#a, #sign))
            }),
            ("isEmail" | "isHostname" | "isUri" | "isUriRef", [String]) => {
                let f = match function {
                    "isEmail" => quote!(is_email),
                    "isHostname" => quote!(is_hostname),
                    "isUri" => quote!(is_uri),
                    _ => quote!(is_uri_ref),
                };
                ok(Bool, quote!(#rt::#f(#s)))
            }
            ("isIp", [String]) => ok(Bool, quote!(#rt::is_ip(#s, 0))),
            ("isIp", [String, Int]) => ok(Bool, {
                let ver = t(1);
                quote!(#rt::is_ip(#s, #ver))
            }),
            ("isIpPrefix", [String]) => ok(Bool, quote!(#rt::is_ip_prefix(#s, 0, false))),
            ("isIpPrefix", [String, Int]) => ok(Bool, {
                let ver = t(1);
                quote!(#rt::is_ip_prefix(#s, #ver, false))
            }),
            ("isIpPrefix", [String, Bool]) => ok(Bool, {
                let strict = t(1);
                quote!(#rt::is_ip_prefix(#s, 0, #strict))
            }),
            ("isIpPrefix", [String, Int, Bool]) => ok(Bool, {
                let (ver, strict) = (t(1), t(2));
                quote!(#rt::is_ip_prefix(#s, #ver, #strict))
            }),
            ("isHostAndPort", [String, Bool]) => ok(Bool, {
                let port = t(1);
                quote!(#rt::is_host_and_port(#s, #port))
            }),
            ("unique", [List(e)]) if **e == Dyn => ok(Bool, quote!(true)),
            ("unique", [List(e)])
                if matches!(**e, Int | Uint | Double | Bool | String | Bytes | Dyn) =>
            {
                let item = repr::normalize(e, &quote!(e), v[0].built);
                ok(Bool, {
                    let items = repr::elements(&ra, &item);
                    quote!(#rt::unique(#items))
                })
            }
            _ => {
                if known_function(function) {
                    Err(no_overload(function, v, col))
                } else {
                    Err(CelError::check(
                        col,
                        format!("undeclared reference to function `{function}`"),
                    ))
                }
            }
        }
    }
}

fn timestamp_part(getter: &str) -> Option<&'static str> {
    Some(match getter {
        "getFullYear" => "FullYear",
        "getMonth" => "Month",
        "getDayOfYear" => "DayOfYear",
        "getDayOfMonth" => "DayOfMonth",
        "getDate" => "Date",
        "getDayOfWeek" => "DayOfWeek",
        "getHours" => "Hours",
        "getMinutes" => "Minutes",
        "getSeconds" => "Seconds",
        "getMilliseconds" => "Milliseconds",
        _ => return None,
    })
}

pub(super) fn known_function(function: &str) -> bool {
    function.starts_with(['_', '!', '-', '@'])
        || timestamp_part(function).is_some()
        || matches!(
            function,
            "size"
                | "contains"
                | "startsWith"
                | "endsWith"
                | "matches"
                | "int"
                | "uint"
                | "double"
                | "string"
                | "bytes"
                | "bool"
                | "timestamp"
                | "duration"
                | "dyn"
                | "type"
                | "lowerAscii"
                | "upperAscii"
                | "trim"
                | "charAt"
                | "indexOf"
                | "lastIndexOf"
                | "substring"
                | "replace"
                | "split"
                | "join"
                | "isNan"
                | "isInf"
                | "isEmail"
                | "isHostname"
                | "isUri"
                | "isUriRef"
                | "isIp"
                | "isIpPrefix"
                | "isHostAndPort"
                | "unique"
        )
}
