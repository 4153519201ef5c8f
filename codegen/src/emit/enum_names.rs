//! Enum variant names that prost-build would give twice or that pbjson-build (the JSON generator
//! protogate used before its own) spelled differently, made distinct before prost-build runs.
//!
//! prost-build strips the enum's name from its values (`MODE_FAST` → `Fast`) and panics when
//! two values of one enum end up with one name (`MODE_FAST` and `FAST`); pbjson-build stripped
//! the same way but did not escape keywords (`MODE_SELF` → prost `Self_`, pbjson `Self`), and
//! the variants chosen then are kept so generated Rust names do not change. Such a value keeps
//! the enum's prefix (`ModeFast`, `ModeSelf`): prost-build is handed a value renamed so that its
//! own stripping yields that variant, and the proto name is put back into the string literals
//! of its output (`as_str_name`). The JSON code reads the proto names from the descriptors.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use prost_reflect::{DescriptorPool, EnumDescriptor};
use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};

use super::messages::internal;
use crate::diag::Diagnostic;
use crate::names;

/// The value renames, by enum full name, and the literals to restore, by package.
#[derive(Debug, Default)]
pub struct Renames {
    /// Enum full name → (proto value name → name handed to the generators).
    values: BTreeMap<String, BTreeMap<String, String>>,
    /// Package → (`"renamed"` → `"original"`) literals.
    literals: BTreeMap<String, Vec<(String, String)>>,
}

impl Renames {
    /// The renames every enum of `pool` needs.
    pub fn new(pool: &DescriptorPool) -> Result<Renames, Diagnostic> {
        let mut renames = Renames::default();
        for e in pool.all_enums() {
            let chosen = variants(&e)?;
            let existing: BTreeSet<String> = e.values().map(|v| v.name().to_string()).collect();
            let prefix = names::upper_camel(e.name());
            for (value, variant) in chosen {
                let renamed = format!("{prefix}{variant}");
                if prost_variant(&e, &renamed) != variant
                    || pbjson_variant(&e, &renamed) != variant
                    || existing.contains(&renamed)
                {
                    return Err(unnameable(&e, &value));
                }
                renames
                    .literals
                    .entry(e.package_name().to_string())
                    .or_default()
                    .push((format!("\"{renamed}\""), format!("\"{value}\"")));
                renames
                    .values
                    .entry(e.full_name().to_string())
                    .or_default()
                    .insert(value, renamed);
            }
        }
        Ok(renames)
    }

    /// Renames the values of `file`'s enums for the generators.
    pub fn apply(&self, file: &mut FileDescriptorProto) {
        if self.values.is_empty() {
            return;
        }
        let scope = file.package().to_string();
        for e in &mut file.enum_type {
            self.apply_enum(&scope, e);
        }
        for m in &mut file.message_type {
            self.apply_message(&scope, m);
        }
    }

    fn apply_message(&self, scope: &str, message: &mut DescriptorProto) {
        let scope = join(scope, message.name());
        for e in &mut message.enum_type {
            self.apply_enum(&scope, e);
        }
        for m in &mut message.nested_type {
            self.apply_message(&scope, m);
        }
    }

    fn apply_enum(&self, scope: &str, e: &mut EnumDescriptorProto) {
        let Some(renamed) = self.values.get(&join(scope, e.name())) else {
            return;
        };
        for value in &mut e.value {
            if let Some(name) = renamed.get(value.name()) {
                value.name = Some(name.clone());
            }
        }
    }

    /// Puts the proto names back into generated code of `package`.
    pub fn restore(&self, package: &str, code: &mut String) {
        for (renamed, original) in self.literals.get(package).into_iter().flatten() {
            if code.contains(renamed.as_str()) {
                *code = code.replace(renamed.as_str(), original);
            }
        }
    }
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    }
}

/// The values of `e` whose variant must differ from prost-build's own choice, with the variant.
fn variants(e: &EnumDescriptor) -> Result<Vec<(String, String)>, Diagnostic> {
    let mut numbers = BTreeSet::new();
    // prost-build skips aliases (a second value with a number already seen).
    let values: Vec<String> = e
        .values()
        .filter(|v| numbers.insert(v.number()))
        .map(|v| v.name().to_string())
        .collect();
    let natural: Vec<String> = values.iter().map(|v| prost_variant(e, v)).collect();
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for n in &natural {
        *count.entry(n.as_str()).or_default() += 1;
    }
    let mut out = Vec::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for (value, natural) in values.iter().zip(&natural) {
        let unstripped = value.to_upper_camel_case();
        let stripped = &unstripped != natural && names::sanitize(&unstripped) != *natural;
        let clash = count.get(natural.as_str()).copied().unwrap_or(0) > 1;
        let differs = pbjson_variant(e, value) != *natural;
        let variant = if (clash && stripped) || differs {
            if stripped {
                unstripped
            } else {
                format!("{}{unstripped}", e.name().to_upper_camel_case())
            }
        } else {
            natural.clone()
        };
        if !taken.insert(variant.clone()) {
            return Err(unnameable(e, value));
        }
        if variant != *natural {
            out.push((value.clone(), variant));
        }
    }
    Ok(out)
}

/// The variant prost-build gives `value` of `e`.
fn prost_variant(e: &EnumDescriptor, value: &str) -> String {
    strip(
        &names::upper_camel(e.name()),
        &names::upper_camel(value),
        true,
    )
}

/// The variant pbjson-build refers to for `value` of `e`.
fn pbjson_variant(e: &EnumDescriptor, value: &str) -> String {
    // pbjson-build escapes only `Self` in type names.
    let prefix = match e.name().to_upper_camel_case() {
        s if s == "Self" => "Self_".to_string(),
        s => s,
    };
    strip(&prefix, &value.to_upper_camel_case(), false)
}

/// prost-build's and pbjson-build's prefix stripping ("Foo" is not stripped from "Foobar");
/// prost-build escapes the result.
fn strip(prefix: &str, name: &str, escape: bool) -> String {
    let stripped = name
        .strip_prefix(prefix)
        .filter(|rest| rest.starts_with(char::is_uppercase))
        .unwrap_or(name);
    if escape {
        names::sanitize(stripped)
    } else {
        stripped.to_string()
    }
}

fn unnameable(e: &EnumDescriptor, value: &str) -> Diagnostic {
    internal(format!(
        "cannot give the value `{value}` of enum `{}` a Rust variant name of its own",
        e.full_name()
    ))
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn strips_like_the_generators() {
        assert_eq!(strip("Mode", "ModeFast", true), "Fast");
        assert_eq!(strip("Mode", "Modest", true), "Modest");
        assert_eq!(strip("Mode", "ModeSelf", true), "Self_");
        assert_eq!(strip("Mode", "ModeSelf", false), "Self");
    }
}
