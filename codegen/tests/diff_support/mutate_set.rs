//! One-edit mutations of a FileDescriptorSet (for APIs published as descriptors, such as
//! ZITADEL's): the same kinds of edit as the source mutations, made on the descriptors.

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FileDescriptorSet, MethodOptions};

use super::rng::Rng;

/// The number of edit kinds [`edit`] knows.
pub const KINDS: usize = 14;

fn lower_camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Every message of a file, nested ones too, as index paths.
fn message_paths(list: &[DescriptorProto], prefix: Vec<usize>, out: &mut Vec<Vec<usize>>) {
    for (i, m) in list.iter().enumerate() {
        let mut p = prefix.clone();
        p.push(i);
        if !m.options.as_ref().is_some_and(|o| o.map_entry()) {
            out.push(p.clone());
        }
        message_paths(&m.nested_type, p, out);
    }
}

fn message_at<'a>(list: &'a mut [DescriptorProto], path: &[usize]) -> &'a mut DescriptorProto {
    let (first, rest) = path.split_first().expect("non-empty path");
    let m = &mut list[*first];
    if rest.is_empty() {
        m
    } else {
        message_at(&mut m.nested_type, rest)
    }
}

const SCALARS: &[Type] = &[
    Type::Int32,
    Type::Int64,
    Type::Uint32,
    Type::Uint64,
    Type::Sint32,
    Type::Sint64,
    Type::Fixed32,
    Type::Fixed64,
    Type::Sfixed32,
    Type::Sfixed64,
    Type::Bool,
    Type::String,
    Type::Bytes,
    Type::Double,
    Type::Float,
];

/// Applies edit `kind` to one of the files whose names start with `prefix`.
pub fn edit(
    kind: usize,
    set: &FileDescriptorSet,
    prefix: &str,
    rng: &mut Rng,
) -> Option<(String, FileDescriptorSet)> {
    let mut set = set.clone();
    let candidates: Vec<usize> = set
        .file
        .iter()
        .enumerate()
        .filter(|(_, f)| f.name().starts_with(prefix))
        .map(|(i, _)| i)
        .collect();
    let fi = *rng.pick(&candidates)?;
    let file = &mut set.file[fi];
    let fname = file.name().to_string();
    let mut paths = Vec::new();
    message_paths(&file.message_type, Vec::new(), &mut paths);
    let desc = match kind {
        0..=5 | 12 => {
            let p = rng.pick(&paths)?.clone();
            let m = message_at(&mut file.message_type, &p);
            if m.field.is_empty() && kind != 12 {
                return None;
            }
            let fi = rng.below(m.field.len());
            match kind {
                0 => {
                    let f = m.field.remove(fi);
                    // A proto3 optional field takes its synthetic oneof along.
                    if f.proto3_optional() {
                        return None;
                    }
                    format!("delete field {}.{}", m.name(), f.name())
                }
                1 => {
                    let f = &mut m.field[fi];
                    if f.r#type.is_some_and(|t| {
                        t == Type::Message as i32
                            || t == Type::Enum as i32
                            || t == Type::Group as i32
                    }) {
                        return None;
                    }
                    let to = *rng.pick(SCALARS)?;
                    f.set_type(to);
                    format!("retype field {} -> {to:?}", f.name())
                }
                2 => {
                    let f = &mut m.field[fi];
                    f.number = Some(f.number() + 1000 * (1 + rng.below(5) as i32));
                    format!("renumber field {}", f.name())
                }
                3 => {
                    let f = &mut m.field[fi];
                    let name = format!("{}_renamed", f.name());
                    f.json_name = Some(lower_camel(&name));
                    f.name = Some(name);
                    format!("rename field {}", f.name())
                }
                4 => {
                    let f = &mut m.field[fi];
                    f.json_name = Some(format!("{}Json", f.json_name()));
                    format!("json_name of {}", f.name())
                }
                5 => {
                    let f = &mut m.field[fi];
                    if f.oneof_index.is_some()
                        || f.r#type == Some(Type::Message as i32) && f.label() == Label::Repeated
                    {
                        return None;
                    }
                    let to = if f.label() == Label::Repeated {
                        Label::Optional
                    } else {
                        Label::Repeated
                    };
                    f.set_label(to);
                    format!("label of {} -> {to:?}", f.name())
                }
                _ => {
                    let number = m.field.iter().map(|f| f.number()).max().unwrap_or(0) + 1;
                    m.field.push(prost_types::FieldDescriptorProto {
                        name: Some("added_by_mutation".into()),
                        json_name: Some("addedByMutation".into()),
                        number: Some(number),
                        label: Some(Label::Optional as i32),
                        r#type: Some(Type::String as i32),
                        ..Default::default()
                    });
                    format!("add field to {}", m.name())
                }
            }
        }
        6 | 7 => {
            let mut enums: Vec<(Option<Vec<usize>>, usize)> =
                (0..file.enum_type.len()).map(|i| (None, i)).collect();
            for p in &paths {
                let m = message_at(&mut file.message_type, p);
                enums.extend((0..m.enum_type.len()).map(|i| (Some(p.clone()), i)));
            }
            let (owner, ei) = rng.pick(&enums)?.clone();
            let e = match owner {
                None => &mut file.enum_type[ei],
                Some(p) => &mut message_at(&mut file.message_type, &p).enum_type[ei],
            };
            if e.value.len() < 2 {
                return None;
            }
            let vi = 1 + rng.below(e.value.len() - 1);
            if kind == 6 {
                let v = e.value.remove(vi);
                format!("delete enum value {}", v.name())
            } else {
                let v = &mut e.value[vi];
                v.name = Some(format!("{}_RENAMED", v.name()));
                format!("rename enum value {}", v.name())
            }
        }
        8..=11 => {
            if file.service.is_empty() {
                return None;
            }
            let si = rng.below(file.service.len());
            let s = &mut file.service[si];
            if s.method.is_empty() {
                return None;
            }
            let mi = rng.below(s.method.len());
            match kind {
                8 => {
                    let m = s.method.remove(mi);
                    format!("delete rpc {}", m.name())
                }
                9 => {
                    let m = &mut s.method[mi];
                    std::mem::swap(&mut m.input_type, &mut m.output_type);
                    format!("swap types of rpc {}", m.name())
                }
                10 => {
                    let m = &mut s.method[mi];
                    if rng.below(2) == 0 {
                        m.client_streaming = Some(!m.client_streaming());
                    } else {
                        m.server_streaming = Some(!m.server_streaming());
                    }
                    format!("streaming of rpc {}", m.name())
                }
                _ => {
                    let m = &mut s.method[mi];
                    let options = m.options.get_or_insert_with(MethodOptions::default);
                    options.idempotency_level = Some(1 + rng.below(2) as i32);
                    format!("idempotency of rpc {}", m.name())
                }
            }
        }
        _ => {
            let options = file.options.get_or_insert_with(Default::default);
            options.go_package = Some(format!("{}/mutated", options.go_package()));
            "change go_package".to_string()
        }
    };
    Some((format!("{fname}: {desc}"), set))
}
