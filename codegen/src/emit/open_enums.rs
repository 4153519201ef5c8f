//! Rewrites pbjson's enum field code so that proto3's open enums keep numbers they do not name.
//!
//! A proto3 enum field holds any `i32`; proto3 JSON writes a number without a name as the
//! number and reads a number as the value whatever it is. pbjson-build converts every enum
//! field through the Rust enum, so it refuses such a number both ways. Its code does that in
//! two shapes, rewritten here to go through `protogate::json::OpenEnum`, which holds the `i32`:
//!
//! - writing: `E::try_from(x).map_err(|_| … "Invalid variant {}" …)` becomes
//!   `Ok::<_, S::Error>(OpenEnum::<E>::new(x))`, in every position (field, list, map, oneof);
//! - reading: `map_.next_value::<…E…>()?` followed by `as i32` conversions becomes
//!   `map_.next_value::<…OpenEnum<E>…>()?` followed by `.0`.
//!
//! `google.protobuf.NullValue` keeps pbjson's code: its one value is written `null`.

use std::sync::LazyLock;

use regex::{Captures, Regex};

const NULL_VALUE: &str = "::pbjson_types::NullValue";

static WRITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?s)([A-Za-z_:][A-Za-z0-9_:#]*)::try_from\(([^()]*)\)\s*\.map_err\(\|_\| serde::ser::Error::custom\(format!\("Invalid variant \{\}", [^()]*\)\)\)"#,
    )
    .expect("a valid pattern")
});

/// One reading statement: the value read, up to the end of its conversion to `i32`.
static READ: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)map_\.next_value::<([^;]*?)>\(\)\?([^;]*? as i32[^;]*);")
        .expect("a valid pattern")
});

/// pbjson's serde impls with open enum fields.
pub(crate) fn rewrite(serde: &str) -> String {
    let written = WRITE.replace_all(serde, |c: &Captures<'_>| {
        if &c[1] == NULL_VALUE {
            return c[0].to_string();
        }
        format!(
            "Ok::<_, S::Error>(::protogate::json::OpenEnum::<{}>::new({}))",
            &c[1], &c[2]
        )
    });
    READ.replace_all(&written, |c: &Captures<'_>| {
        let (ty, conversion) = (&c[1], &c[2]);
        let (outer, element) = split_element(ty);
        if element == NULL_VALUE {
            return c[0].to_string();
        }
        format!(
            "map_.next_value::<{outer}::protogate::json::OpenEnum<{element}>{close}>()?{};",
            conversion.replace(" as i32", ".0"),
            close = &ty[outer.len() + element.len()..],
        )
    })
    .into_owned()
}

/// Splits `Vec<E>`, `Option<E>` or `HashMap<K, E>` at the enum: what comes before `E`, and `E`.
fn split_element(ty: &str) -> (&str, &str) {
    let inner_end = ty.trim_end_matches('>').len();
    let start = ty[..inner_end].rfind(['<', ' ']).map_or(0, |i| i + 1);
    (&ty[..start], &ty[start..inner_end])
}

#[cfg(test)]
mod tests {
    use super::{rewrite, split_element};

    #[test]
    fn splits_the_enum_out_of_its_container() {
        assert_eq!(split_element("a::E"), ("", "a::E"));
        assert_eq!(split_element("Vec<a::E>"), ("Vec<", "a::E"));
        assert_eq!(
            split_element("std::collections::HashMap<_, E>"),
            ("std::collections::HashMap<_, ", "E")
        );
        assert_eq!(
            split_element("::std::option::Option<E>"),
            ("::std::option::Option<", "E")
        );
    }

    #[test]
    fn writing_keeps_unnamed_numbers() {
        let pbjson = r#"let v = m::E::try_from(self.e)
                .map_err(|_| serde::ser::Error::custom(format!("Invalid variant {}", self.e)))?;"#;
        assert_eq!(
            rewrite(pbjson),
            "let v = Ok::<_, S::Error>(::protogate::json::OpenEnum::<m::E>::new(self.e))?;"
        );
    }

    #[test]
    fn writing_names_enums_under_raw_identifiers() {
        let pbjson = r#"naming::r#type::Currency::try_from(v)
                .map_err(|_| serde::ser::Error::custom(format!("Invalid variant {}", v)))"#;
        assert_eq!(
            rewrite(pbjson),
            "Ok::<_, S::Error>(::protogate::json::OpenEnum::<naming::r#type::Currency>::new(v))"
        );
    }

    #[test]
    fn reading_keeps_unnamed_numbers_in_every_container() {
        let cases = [
            (
                "e__ = Some(map_.next_value::<m::E>()? as i32);",
                "e__ = Some(map_.next_value::<::protogate::json::OpenEnum<m::E>>()?.0);",
            ),
            (
                "e__ = Some(map_.next_value::<Vec<E>>()?.into_iter().map(|x| x as i32).collect());",
                "e__ = Some(map_.next_value::<Vec<::protogate::json::OpenEnum<E>>>()?.into_iter().map(|x| x.0).collect());",
            ),
            (
                "e__ = Some(\n map_.next_value::<std::collections::HashMap<_, E>>()?\n .into_iter().map(|(k,v)| (k, v as i32)).collect()\n );",
                "e__ = Some(\n map_.next_value::<std::collections::HashMap<_, ::protogate::json::OpenEnum<E>>>()?\n .into_iter().map(|(k,v)| (k, v.0)).collect()\n );",
            ),
        ];
        for (pbjson, expected) in cases {
            assert_eq!(rewrite(pbjson), expected);
        }
    }

    #[test]
    fn null_value_and_other_fields_are_left_alone() {
        let pbjson = "n__ = Some(map_.next_value::<::pbjson_types::NullValue>()? as i32);\n\
                      s__ = Some(map_.next_value()?);";
        assert_eq!(rewrite(pbjson), pbjson);
    }
}
