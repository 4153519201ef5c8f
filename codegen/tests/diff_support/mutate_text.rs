//! One-edit mutations of proto sources: each takes a file's text and returns it with one
//! change a schema author could make — delete, retype, renumber or rename a field, move it
//! into a oneof, change an RPC, delete a message, add a field or a comment — or `None` when
//! the file has no place for that edit.

use regex::Regex;

use super::rng::Rng;

/// The innermost block a line sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    Message,
    Enum,
    Oneof,
    Service,
    Rpc,
    Other,
}

/// Each line with the blocks enclosing it (outermost first).
pub fn scan(text: &str) -> Vec<(String, Vec<Block>)> {
    let mut stack: Vec<Block> = Vec::new();
    let mut out = Vec::new();
    for line in text.lines() {
        out.push((line.to_string(), stack.clone()));
        let code = strip(line);
        let first = code.split_whitespace().next().unwrap_or("");
        let kind = match first {
            "message" => Block::Message,
            "enum" => Block::Enum,
            "oneof" => Block::Oneof,
            "service" => Block::Service,
            "rpc" => Block::Rpc,
            _ => Block::Other,
        };
        let mut opened_own = false;
        for c in code.chars() {
            match c {
                '{' => {
                    stack.push(if opened_own { Block::Other } else { kind });
                    opened_own = true;
                }
                '}' => {
                    stack.pop();
                }
                _ => {}
            }
        }
    }
    out
}

/// The line without its comment and string literals.
fn strip(line: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut prev = ' ';
    for c in line.chars() {
        if in_string {
            if c == '"' && prev != '\\' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '/' && prev == '/' {
            out.pop();
            break;
        } else {
            out.push(c);
        }
        prev = c;
    }
    out
}

fn field_re() -> Regex {
    Regex::new(r"^(\s*)((?:repeated|optional)\s+)?([A-Za-z_][\w.]*)\s+([A-Za-z_]\w*)\s*=\s*(\d+)\s*(\[[^\]]*\])?\s*;(.*)$")
        .expect("valid")
}

fn enum_value_re() -> Regex {
    Regex::new(r"^(\s*)([A-Za-z_]\w*)\s*=\s*(-?\d+)\s*(\[[^\]]*\])?\s*;(.*)$").expect("valid")
}

/// A single-line field of a message or oneof (not a map, not an option).
struct FieldLine {
    index: usize,
    indent: String,
    label: String,
    ty: String,
    name: String,
    number: u32,
    options: String,
    in_oneof: bool,
}

fn fields(lines: &[(String, Vec<Block>)]) -> Vec<FieldLine> {
    let re = field_re();
    let mut out = Vec::new();
    for (i, (line, stack)) in lines.iter().enumerate() {
        let top = stack.last().copied();
        if top != Some(Block::Message) && top != Some(Block::Oneof) {
            continue;
        }
        let Some(c) = re.captures(line) else { continue };
        let ty = c[3].to_string();
        if matches!(ty.as_str(), "option" | "reserved" | "extensions" | "rpc") {
            continue;
        }
        out.push(FieldLine {
            index: i,
            indent: c[1].to_string(),
            label: c.get(2).map(|m| m.as_str().to_string()).unwrap_or_default(),
            ty,
            name: c[4].to_string(),
            number: c[5].parse().unwrap_or(1),
            options: c.get(6).map(|m| m.as_str().to_string()).unwrap_or_default(),
            in_oneof: top == Some(Block::Oneof),
        });
    }
    out
}

fn join(lines: &[(String, Vec<Block>)]) -> String {
    let mut out: String = lines.iter().map(|(l, _)| format!("{l}\n")).collect();
    if out.is_empty() {
        out.push('\n');
    }
    out
}

fn replace_line(lines: &[(String, Vec<Block>)], index: usize, with: Vec<String>) -> String {
    let mut out = Vec::new();
    for (i, (l, s)) in lines.iter().enumerate() {
        if i == index {
            out.extend(with.iter().map(|w| (w.clone(), s.clone())));
        } else {
            out.push((l.clone(), s.clone()));
        }
    }
    join(&out)
}

/// The lines `start..=end` of the block opened on line `start`.
fn block_end(lines: &[(String, Vec<Block>)], start: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, (line, _)) in lines.iter().enumerate().skip(start) {
        for c in strip(line).chars() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        if i == start && depth == 0 {
            return Some(i);
        }
    }
    None
}

fn without(lines: &[(String, Vec<Block>)], from: usize, to: usize) -> String {
    let kept: Vec<(String, Vec<Block>)> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < from || *i > to)
        .map(|(_, l)| l.clone())
        .collect();
    join(&kept)
}

const SCALARS: &[&str] = &[
    "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32",
    "sfixed64", "bool", "string", "bytes", "double", "float",
];

/// The names of the messages declared at the top level of the file.
fn top_messages(lines: &[(String, Vec<Block>)]) -> Vec<String> {
    let re = Regex::new(r"^message\s+(\w+)").expect("valid");
    lines
        .iter()
        .filter(|(_, s)| s.is_empty())
        .filter_map(|(l, _)| re.captures(l.trim_start()).map(|c| c[1].to_string()))
        .collect()
}

/// The number of edit kinds [`edit`] knows.
pub const KINDS: usize = 24;

/// Applies edit `kind` to `text`; `None` when the file has no place for it.
pub fn edit(kind: usize, text: &str, rng: &mut Rng) -> Option<(String, String)> {
    let lines = scan(text);
    let fields = fields(&lines);
    let proto3 = text.contains("syntax = \"proto3\"");
    match kind {
        0 => {
            let f = rng.pick(&fields)?;
            Some((
                format!("delete field {}", f.name),
                replace_line(&lines, f.index, vec![]),
            ))
        }
        1 => {
            let f = rng.pick(&fields)?;
            let scalar = SCALARS.contains(&f.ty.as_str());
            let to = if scalar {
                let others: Vec<&&str> = SCALARS.iter().filter(|s| **s != f.ty).collect();
                (**rng.pick(&others)?).to_string()
            } else {
                let others: Vec<String> = top_messages(&lines)
                    .into_iter()
                    .filter(|m| *m != f.ty)
                    .collect();
                rng.pick(&others)?.clone()
            };
            let line = format!(
                "{}{}{} {} = {}{};",
                f.indent,
                f.label,
                to,
                f.name,
                f.number,
                opt(&f.options)
            );
            Some((
                format!("retype field {} {} -> {to}", f.name, f.ty),
                replace_line(&lines, f.index, vec![line]),
            ))
        }
        2 => {
            let f = rng.pick(&fields)?;
            let n = f.number + 1000 * (1 + rng.below(5) as u32);
            let line = format!(
                "{}{}{} {} = {n}{};",
                f.indent,
                f.label,
                f.ty,
                f.name,
                opt(&f.options)
            );
            Some((
                format!("renumber field {} -> {n}", f.name),
                replace_line(&lines, f.index, vec![line]),
            ))
        }
        3 => {
            let f = rng.pick(&fields)?;
            let line = format!(
                "{}{}{} {}_renamed = {}{};",
                f.indent,
                f.label,
                f.ty,
                f.name,
                f.number,
                opt(&f.options)
            );
            Some((
                format!("rename field {}", f.name),
                replace_line(&lines, f.index, vec![line]),
            ))
        }
        4 => {
            let plain: Vec<&FieldLine> = fields.iter().filter(|f| f.options.is_empty()).collect();
            let f = rng.pick(&plain)?;
            let line = format!(
                "{}{}{} {} = {} [json_name = \"{}Json\"];",
                f.indent, f.label, f.ty, f.name, f.number, f.name
            );
            Some((
                format!("json_name on {}", f.name),
                replace_line(&lines, f.index, vec![line]),
            ))
        }
        5 => {
            let free: Vec<&FieldLine> = fields.iter().filter(|f| !f.in_oneof).collect();
            let f = rng.pick(&free)?;
            let label = match f.label.trim() {
                "repeated" => String::new(),
                "optional" => String::new(),
                _ if proto3 && rng.below(2) == 0 => "optional ".to_string(),
                _ => "repeated ".to_string(),
            };
            let line = format!(
                "{}{label}{} {} = {}{};",
                f.indent,
                f.ty,
                f.name,
                f.number,
                opt(&f.options)
            );
            Some((
                format!("label of {} -> {label:?}", f.name),
                replace_line(&lines, f.index, vec![line]),
            ))
        }
        6..=8 => enum_edit(kind, &lines, rng),
        9 => {
            let rpcs = rpc_lines(&lines);
            let i = *rng.pick(&rpcs)?;
            let end = block_end(&lines, i)?;
            Some((
                format!("delete rpc at line {}", i + 1),
                without(&lines, i, end),
            ))
        }
        10 | 11 => {
            let rpcs = rpc_lines(&lines);
            let i = *rng.pick(&rpcs)?;
            let re = Regex::new(r"^(\s*rpc\s+\w+\s*\(\s*)(stream\s+)?([\w.]+)(\s*\)\s*returns\s*\(\s*)(stream\s+)?([\w.]+)(.*)$").expect("valid");
            let c = re.captures(&lines[i].0)?;
            let line = if kind == 10 {
                format!(
                    "{}{}{}{}{}{}{}",
                    &c[1],
                    c.get(2).map_or("", |m| m.as_str()),
                    &c[6],
                    &c[4],
                    c.get(5).map_or("", |m| m.as_str()),
                    &c[3],
                    &c[7]
                )
            } else if rng.below(2) == 0 {
                format!(
                    "{}stream {}{}{}{}{}",
                    &c[1],
                    &c[3],
                    &c[4],
                    c.get(5).map_or("", |m| m.as_str()),
                    &c[6],
                    &c[7]
                )
            } else {
                format!(
                    "{}{}{}{}stream {}{}",
                    &c[1],
                    c.get(2).map_or("", |m| m.as_str()),
                    &c[3],
                    &c[4],
                    &c[6],
                    &c[7]
                )
            };
            Some((
                format!("rpc signature at line {}", i + 1),
                replace_line(&lines, i, vec![line]),
            ))
        }
        12 => {
            let rpcs = rpc_lines(&lines);
            let i = *rng.pick(&rpcs)?;
            let line = &lines[i].0;
            let level = if rng.below(2) == 0 {
                "NO_SIDE_EFFECTS"
            } else {
                "IDEMPOTENT"
            };
            let with = if line.trim_end().ends_with('{') {
                vec![
                    line.clone(),
                    format!("    option idempotency_level = {level};"),
                ]
            } else if line.trim_end().ends_with(';') {
                let trimmed = line
                    .trim_end()
                    .trim_end_matches(';')
                    .trim_end_matches("{}")
                    .trim_end();
                vec![format!(
                    "{trimmed} {{ option idempotency_level = {level}; }}"
                )]
            } else {
                return None;
            };
            Some((
                format!("idempotency at line {}", i + 1),
                replace_line(&lines, i, with),
            ))
        }
        13 | 14 => {
            let re = Regex::new(r"^\s*message\s+(\w+)").expect("valid");
            let starts: Vec<usize> = lines
                .iter()
                .enumerate()
                .filter(|(_, (l, _))| re.is_match(l))
                .map(|(i, _)| i)
                .collect();
            let i = *rng.pick(&starts)?;
            if kind == 13 {
                let end = block_end(&lines, i)?;
                Some((
                    format!("delete message at line {}", i + 1),
                    without(&lines, i, end),
                ))
            } else {
                let name = re.captures(&lines[i].0)?[1].to_string();
                let line = lines[i].0.replacen(&name, &format!("{name}Renamed"), 1);
                Some((
                    format!("rename message {name}"),
                    replace_line(&lines, i, vec![line]),
                ))
            }
        }
        15 => {
            let re = Regex::new(r"^(\s*)message\s+(\w+)\s*\{\s*$").expect("valid");
            let starts: Vec<usize> = lines
                .iter()
                .enumerate()
                .filter(|(_, (l, _))| re.is_match(l))
                .map(|(i, _)| i)
                .collect();
            let i = *rng.pick(&starts)?;
            let indent = re.captures(&lines[i].0)?[1].to_string();
            let with = vec![
                lines[i].0.clone(),
                format!("{indent}  string added_field_zz = 4999;"),
            ];
            Some((
                format!("add field at line {}", i + 1),
                replace_line(&lines, i, with),
            ))
        }
        16 => {
            let f = rng.pick(&fields)?;
            let with = vec![
                format!("{}// A comment written for the mutation test.", f.indent),
                lines[f.index].0.clone(),
            ];
            Some((
                format!("comment on {}", f.name),
                replace_line(&lines, f.index, with),
            ))
        }
        17 => {
            let mut text = join(&lines);
            text.push_str("\nmessage AddedByMutation {\n  string value = 1;\n}\n");
            Some(("add message".to_string(), text))
        }
        18 => {
            let re = Regex::new(r"^package\s+([\w.]+)\s*;").expect("valid");
            let i = lines.iter().position(|(l, _)| re.is_match(l))?;
            let line = re.replace(&lines[i].0, "package ${1}.moved;").to_string();
            Some((
                "change package".to_string(),
                replace_line(&lines, i, vec![line]),
            ))
        }
        19 => {
            let options = [
                "go_package",
                "java_package",
                "java_outer_classname",
                "csharp_namespace",
                "objc_class_prefix",
                "php_namespace",
                "ruby_package",
                "swift_prefix",
            ];
            let option = *rng.pick(&options)?;
            let re =
                Regex::new(&format!(r#"^option\s+{option}\s*=\s*"([^"]*)"\s*;"#)).expect("valid");
            match lines.iter().position(|(l, _)| re.is_match(l)) {
                Some(i) => {
                    let line = re
                        .replace(&lines[i].0, format!("option {option} = \"${{1}}X\";"))
                        .to_string();
                    Some((
                        format!("change option {option}"),
                        replace_line(&lines, i, vec![line]),
                    ))
                }
                None => {
                    let i = lines.iter().position(|(l, _)| l.starts_with("package "))?;
                    let with = vec![
                        lines[i].0.clone(),
                        format!("option {option} = \"Mutated\";"),
                    ];
                    Some((
                        format!("add option {option}"),
                        replace_line(&lines, i, with),
                    ))
                }
            }
        }
        20 => {
            let free: Vec<&FieldLine> = fields
                .iter()
                .filter(|f| !f.in_oneof && f.label.is_empty() && !f.ty.starts_with("map"))
                .collect();
            let f = rng.pick(&free)?;
            let with = vec![
                format!("{}oneof {}_choice {{", f.indent, f.name),
                lines[f.index].0.clone(),
                format!("{}}}", f.indent),
            ];
            Some((
                format!("wrap {} in a oneof", f.name),
                replace_line(&lines, f.index, with),
            ))
        }
        21 => {
            let starts: Vec<usize> = lines
                .iter()
                .enumerate()
                .filter(|(_, (l, _))| l.trim_start().starts_with("oneof "))
                .map(|(i, _)| i)
                .collect();
            let i = *rng.pick(&starts)?;
            let end = block_end(&lines, i)?;
            let kept: Vec<(String, Vec<Block>)> = lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i && *j != end)
                .map(|(_, l)| l.clone())
                .collect();
            Some((format!("unwrap oneof at line {}", i + 1), join(&kept)))
        }
        22 => {
            let f = rng.pick(&fields)?;
            let with = vec![format!("{}reserved {};", f.indent, f.number)];
            Some((
                format!("delete field {} reserving its number", f.name),
                replace_line(&lines, f.index, with),
            ))
        }
        23 => {
            let reserved: Vec<usize> = lines
                .iter()
                .enumerate()
                .filter(|(_, (l, _))| l.trim_start().starts_with("reserved "))
                .map(|(i, _)| i)
                .collect();
            let i = *rng.pick(&reserved)?;
            Some((
                format!("delete reserved at line {}", i + 1),
                replace_line(&lines, i, vec![]),
            ))
        }
        _ => None,
    }
}

fn opt(options: &str) -> String {
    if options.is_empty() {
        String::new()
    } else {
        format!(" {options}")
    }
}

fn rpc_lines(lines: &[(String, Vec<Block>)]) -> Vec<usize> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, (l, s))| {
            s.last() == Some(&Block::Service) && l.trim_start().starts_with("rpc ")
        })
        .map(|(i, _)| i)
        .collect()
}

fn enum_edit(
    kind: usize,
    lines: &[(String, Vec<Block>)],
    rng: &mut Rng,
) -> Option<(String, String)> {
    let re = enum_value_re();
    // The first value of an enum must stay (proto3 needs a zero first).
    let mut values = Vec::new();
    for (i, (line, stack)) in lines.iter().enumerate() {
        if stack.last() != Some(&Block::Enum) || line.trim_start().starts_with("option") {
            continue;
        }
        let Some(c) = re.captures(line) else { continue };
        let first = i > 0 && lines[i - 1].0.trim_end().ends_with('{');
        if !first && &c[3] != "0" {
            values.push((
                i,
                c[1].to_string(),
                c[2].to_string(),
                c[3].to_string(),
                c.get(4).map(|m| m.as_str().to_string()).unwrap_or_default(),
            ));
        }
    }
    let (i, indent, name, number, options) = rng.pick(&values)?.clone();
    match kind {
        6 => Some((
            format!("delete enum value {name}"),
            replace_line(lines, i, vec![]),
        )),
        7 => {
            let line = format!("{indent}{name}_RENAMED = {number}{};", opt(&options));
            Some((
                format!("rename enum value {name}"),
                replace_line(lines, i, vec![line]),
            ))
        }
        _ => {
            let n: i64 = number.parse().ok()?;
            let line = format!("{indent}{name} = {}{};", n + 100, opt(&options));
            Some((
                format!("renumber enum value {name}"),
                replace_line(lines, i, vec![line]),
            ))
        }
    }
}
