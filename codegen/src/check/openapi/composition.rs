//! `allOf`, `oneOf`, `anyOf` and `not`. An `allOf` is merged into one schema, which is checked
//! like any other; a `oneOf`/`anyOf` whose branches only list `required` fields is compared
//! with the message's oneofs; any other composition is reported as `openapi-not-checked` with
//! its place, never skipped silently.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{join, Checker, Ptr, MERGED};
use crate::model::{Field, Message};

/// Keywords that say nothing about the value: an `allOf` of one schema with only these beside
/// it is that schema with annotations (how generators attach a description to a `$ref`).
const ANNOTATIONS: [&str; 12] = [
    "description",
    "title",
    "readOnly",
    "writeOnly",
    "deprecated",
    "example",
    "examples",
    "default",
    "nullable",
    "externalDocs",
    "xml",
    "$comment",
];

/// Whether the schema holds nothing but `keyword` (its `allOf` or `$ref`) and annotations.
pub(super) fn only_annotations(v: &Value, keyword: &str) -> bool {
    v.as_object().is_some_and(|m| {
        m.keys()
            .all(|k| k == keyword || ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"))
    })
}

/// A `oneOf`, `anyOf` or `not` of a schema, where it is written.
#[derive(Clone, Debug)]
pub(super) struct Group {
    /// The keyword.
    pub kind: String,
    /// Where the keyword is written.
    pub ptr: Ptr,
    /// Its value.
    pub value: Value,
}

/// What merging an `allOf` left beside the merged schema.
#[derive(Debug, Default)]
pub(super) struct Merged {
    /// A prefix of pointers into the merged schema → where the part that gave it is written;
    /// the longest prefix wins.
    origins: Vec<(Vec<String>, Ptr)>,
    /// The compositions of all parts.
    groups: Vec<Group>,
    /// Patterns beyond the first (every one must match), with their places.
    patterns: Vec<(Ptr, String)>,
}

impl Merged {
    /// Where the node at `tokens` of the merged schema is written.
    pub(super) fn origin(&self, tokens: &[String]) -> Ptr {
        let best = self
            .origins
            .iter()
            .filter(|(prefix, _)| tokens.starts_with(prefix))
            .max_by_key(|(prefix, _)| prefix.len());
        match best {
            Some((prefix, at)) => {
                let mut at = at.clone();
                at.tokens.extend(tokens[prefix.len()..].iter().cloned());
                at
            }
            None => Ptr::root(&[]),
        }
    }
}

/// The fields a `oneOf`/`anyOf` lists, one a branch, and whether a branch allows none of them
/// (`not: {anyOf: [{required: [a]}, …]}`); `None` unless every branch only lists `required`.
fn required_branches(branches: &Value) -> Option<(Vec<String>, bool)> {
    let mut members = Vec::new();
    let mut none = false;
    for b in branches.as_array()? {
        let o = b.as_object()?;
        if let Some(names) = required_only(b) {
            members.extend(names);
        } else if o.len() == 1 {
            let inner = o.get("not")?;
            let listed: Vec<String> = match inner.get("anyOf") {
                Some(any) if inner.as_object().is_some_and(|m| m.len() == 1) => any
                    .as_array()?
                    .iter()
                    .map(required_only)
                    .collect::<Option<Vec<_>>>()?
                    .concat(),
                _ => required_only(inner)?,
            };
            if listed.is_empty() {
                return None;
            }
            none = true;
        } else {
            return None;
        }
    }
    Some((members, none))
}

/// The names of a `{required: [...]}` schema with nothing else.
fn required_only(v: &Value) -> Option<Vec<String>> {
    let o = v.as_object()?;
    if o.len() != 1 {
        return None;
    }
    o.get("required")?
        .as_array()?
        .iter()
        .map(|n| n.as_str().map(str::to_string))
        .collect()
}

impl<'a> Checker<'a> {
    /// Merges the `allOf` at `ptr` (its parts followed through `$ref`s, nested `allOf`s
    /// flattened) with the keywords beside it.
    pub(super) fn merge(&mut self, ptr: &Ptr, v: &'a Value) -> (Ptr, Value) {
        let mut merged = Merged {
            origins: vec![(Vec::new(), ptr.clone())],
            ..Merged::default()
        };
        let mut out = Map::new();
        let mut conflicts = Vec::new();
        self.merge_into(&mut out, &mut merged, &mut conflicts, ptr, v, 0);
        for (key, at) in conflicts {
            let at = self.loc(&at);
            self.warning(
                "openapi-not-checked",
                at,
                format!("the parts of an `allOf` give `{key}` different values: only the first is compared with the proto"),
            )
            .hint = Some(format!("state `{key}` once"));
        }
        self.merged.push(merged);
        let merged_ptr = Ptr {
            part: MERGED + self.merged.len() - 1,
            tokens: Vec::new(),
        };
        (merged_ptr, Value::Object(out))
    }

    fn merge_into(
        &mut self,
        out: &mut Map<String, Value>,
        merged: &mut Merged,
        conflicts: &mut Vec<(String, Ptr)>,
        ptr: &Ptr,
        v: &'a Value,
        depth: usize,
    ) {
        let Some(obj) = v.as_object() else {
            return;
        };
        let origin = |merged: &mut Merged, tokens: &[&str], at: Ptr| {
            merged
                .origins
                .push((tokens.iter().map(|t| t.to_string()).collect(), at));
        };
        for (key, value) in obj {
            let at = ptr.join(key);
            match key.as_str() {
                "allOf" | "$ref" => {}
                "properties" => {
                    let props = out
                        .entry("properties")
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let (Some(props), Some(new)) = (props.as_object_mut(), value.as_object()) {
                        if props.is_empty() {
                            origin(merged, &["properties"], at.clone());
                        }
                        for (name, schema) in new {
                            if !props.contains_key(name) {
                                props.insert(name.clone(), schema.clone());
                                origin(merged, &["properties", name], at.join(name));
                            }
                        }
                    }
                }
                "required" => {
                    let list = out
                        .entry("required")
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let (Some(list), Some(new)) = (list.as_array_mut(), value.as_array()) {
                        if list.is_empty() {
                            origin(merged, &["required"], at.clone());
                        }
                        for (j, name) in new.iter().enumerate() {
                            if !list.contains(name) {
                                let index = list.len().to_string();
                                list.push(name.clone());
                                origin(merged, &["required", &index], at.join(&j.to_string()));
                            }
                        }
                    }
                }
                "oneOf" | "anyOf" | "not" => merged.groups.push(Group {
                    kind: key.clone(),
                    ptr: at,
                    value: value.clone(),
                }),
                "pattern" => match out.get("pattern") {
                    Some(first) if first != value => {
                        if let Some(p) = value.as_str() {
                            merged.patterns.push((at, p.to_string()));
                        }
                    }
                    Some(_) => {}
                    None => {
                        out.insert(key.clone(), value.clone());
                        origin(merged, &["pattern"], at);
                    }
                },
                _ => match out.get(key) {
                    None => {
                        out.insert(key.clone(), value.clone());
                        origin(merged, &[key], at);
                    }
                    Some(first) if first == value => {}
                    // Listed values of every part hold: the intersection.
                    Some(Value::Array(first)) if key == "enum" => {
                        let both: Vec<Value> = first
                            .iter()
                            .filter(|v| value.as_array().is_some_and(|l| l.contains(v)))
                            .cloned()
                            .collect();
                        out.insert(key.clone(), Value::Array(both));
                    }
                    Some(_) => {
                        if !ANNOTATIONS.contains(&key.as_str()) && !key.starts_with("x-") {
                            conflicts.push((key.clone(), at));
                        }
                    }
                },
            }
        }
        // A 3.1 `$ref` with keywords beside it: the schema it names is one more part.
        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            if let Some(target) = self.ref_target(ptr.part, r) {
                let (target, part) = self.follow_refs(&target);
                if let (Some(part), true) = (part, depth < 16) {
                    self.merge_into(out, merged, conflicts, &target, part, depth + 1);
                }
            }
        }
        let Some(parts) = obj.get("allOf").and_then(Value::as_array) else {
            return;
        };
        for i in 0..parts.len() {
            let (target, part) = self.follow_refs(&ptr.join("allOf").join(&i.to_string()));
            // A `$ref` to nothing is reported as such; a cycle stops here.
            if let (Some(part), true) = (part, depth < 16) {
                self.merge_into(out, merged, conflicts, &target, part, depth + 1);
            }
        }
    }

    /// Follows `$ref`s only.
    fn follow_refs(&self, ptr: &Ptr) -> (Ptr, Option<&'a Value>) {
        let mut ptr = self.real(ptr);
        for _ in 0..32 {
            let Some(v) = self.get(&ptr) else {
                return (ptr, None);
            };
            match v.get("$ref").and_then(Value::as_str) {
                Some(r) => match self.ref_target(ptr.part, r) {
                    Some(target) => ptr = target,
                    None => return (ptr, None),
                },
                None => return (ptr, Some(v)),
            }
        }
        (ptr, None)
    }

    /// The `oneOf`/`anyOf`/`not` of a schema: a merged one's (from all its parts), or its own.
    pub(super) fn groups(&self, ptr: &Ptr, schema: &Value) -> Vec<Group> {
        if let Some(m) = ptr
            .part
            .checked_sub(MERGED)
            .and_then(|i| self.merged.get(i))
        {
            return m.groups.clone();
        }
        ["oneOf", "anyOf", "not"]
            .iter()
            .filter_map(|k| {
                schema.get(*k).map(|v| Group {
                    kind: k.to_string(),
                    ptr: ptr.join(k),
                    value: v.clone(),
                })
            })
            .collect()
    }

    /// The patterns of a merged schema beyond its first.
    pub(super) fn extra_patterns(&self, ptr: &Ptr) -> Vec<(Ptr, String)> {
        match ptr
            .part
            .checked_sub(MERGED)
            .and_then(|i| self.merged.get(i))
        {
            Some(m) => m.patterns.clone(),
            None => Vec::new(),
        }
    }

    /// Reports a composition the check cannot compare.
    pub(super) fn not_checked(&mut self, group: &Group, what: &str) {
        let at = self.loc(&group.ptr);
        self.warning(
            "openapi-not-checked",
            at,
            format!("`{}` {what} is not compared with the proto", group.kind),
        )
        .hint = Some(
            "state the constraint with plain keywords (an `allOf` of schemas is merged and checked), or accept that this part is not checked".into(),
        );
    }

    /// A field value's compositions: none of them is compared with the proto.
    pub(super) fn value_groups(&mut self, field: &Field, ptr: &Ptr, schema: &Value) {
        for g in self.groups(ptr, schema) {
            self.not_checked(&g, &format!("of field `{}`", field.name));
        }
    }

    /// A message schema's compositions: each `oneOf`/`anyOf` of `required` branches must be one
    /// of the message's oneofs (with a branch for "none" exactly when the oneof may be unset);
    /// any other is reported as not checked.
    pub(super) fn message_groups(
        &mut self,
        message: &'a Message,
        ptr: &Ptr,
        schema: &Value,
        skip: &[String],
    ) {
        let rules_on = !message.validation_disabled && !message.validation_ignored;
        let json = |name: &String| message.field(name).map(|f| f.json_name.clone());
        let proto: Vec<(BTreeSet<String>, bool, &Vec<String>)> = message
            .oneof_groups(rules_on)
            .map(|(fields, required)| {
                let members = fields
                    .iter()
                    .filter(|f| !skip.contains(f))
                    .filter_map(json)
                    .collect();
                (members, required, fields)
            })
            .collect();
        for group in self.groups(ptr, schema) {
            let parsed = match group.kind.as_str() {
                "oneOf" | "anyOf" => required_branches(&group.value),
                _ => None,
            };
            let Some((members, none)) = parsed else {
                self.not_checked(&group, &format!("in the schema of `{}`", message.name));
                continue;
            };
            // Proto names are read as their JSON names.
            let members: BTreeSet<String> = members
                .iter()
                .map(|m| {
                    message
                        .field(m)
                        .map(|f| f.json_name.clone())
                        .unwrap_or_else(|| m.clone())
                })
                .collect();
            let at = self.loc(&group.ptr);
            let Some((_, required, fields)) = proto.iter().find(|(p, _, _)| *p == members) else {
                let near = proto.iter().find(|(p, _, _)| !p.is_disjoint(&members));
                let related = match near
                    .and_then(|(_, _, f)| f.first())
                    .and_then(|f| message.field(f))
                {
                    Some(f) => (
                        f.location.clone(),
                        format!("a oneof of {} with field {}", message.name, f.name),
                    ),
                    None => (
                        message.location.clone(),
                        format!("message {}", message.name),
                    ),
                };
                let oneofs: Vec<String> = proto
                    .iter()
                    .map(|(p, _, _)| format!("[{}]", join(p)))
                    .collect();
                let d = self.error(
                    "openapi-oneof",
                    at,
                    format!(
                        "`{}` lists [{}], but no oneof of `{}` has exactly these fields (its oneofs: {})",
                        group.kind,
                        join(&members),
                        message.full_name,
                        if oneofs.is_empty() { "none".to_string() } else { oneofs.join(", ") }
                    ),
                );
                d.related.push(related);
                continue;
            };
            let required = *required;
            // `anyOf` of `required` branches asks for at least one: a required oneof.
            let doc_required = !none;
            if doc_required != required {
                let field = fields.first().and_then(|f| message.field(f));
                let related = match field {
                    Some(f) => (f.location.clone(), format!("field {} of the oneof", f.name)),
                    None => (
                        message.location.clone(),
                        format!("message {}", message.name),
                    ),
                };
                let message_text = if required {
                    format!(
                        "`{}` over [{}] allows none of them, but the proto requires one (a required oneof)",
                        group.kind,
                        join(&members)
                    )
                } else {
                    format!(
                        "`{}` over [{}] requires one of them, but the proto's oneof may be left unset",
                        group.kind,
                        join(&members)
                    )
                };
                let d = self.error("openapi-oneof", at, message_text);
                d.related.push(related);
                d.hint = Some(if required {
                    "drop the `not: {anyOf: …}` branch".into()
                } else {
                    "add a branch `not: {anyOf: [{required: [<field>]}, …]}` for \"none set\""
                        .into()
                });
            }
        }
    }
}
