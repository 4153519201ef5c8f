//! Comparing one schema where it is used: its type, nullability, enum, bounds and pattern, and
//! its properties, each judged by the direction the data flows.

use serde_json::{Map, Value};

use super::{deref, At, Compare, Flow};

fn number(schema: &Value, key: &str) -> Option<f64> {
    schema.get(key).and_then(Value::as_f64)
}

fn strings(schema: &Value, key: &str) -> Vec<String> {
    schema
        .get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

impl Compare<'_> {
    pub(super) fn schema(
        &mut self,
        old: &Value,
        new: &Value,
        flow: Flow,
        at: &At<'_>,
        depth: usize,
    ) {
        if depth > 16 {
            return;
        }
        let old = deref(self.old, old);
        let new = deref(self.new, new);
        if self.types(&old, &new, flow, at) {
            return;
        }
        self.nullable(&old, &new, flow, at);
        self.enums(&old, &new, flow, at);
        self.bounds(&old, &new, flow, at);
        self.properties(&old, &new, flow, at, depth);
        if let (Some(o), Some(n)) = (old.get("items"), new.get("items")) {
            let inner = At {
                pointer: at.pointer,
                element: at.element,
                what: format!("the items of {}", at.what),
            };
            self.schema(o, n, flow, &inner, depth + 1);
        }
    }

    /// A changed type; true when it changed (nothing deeper is compared then).
    fn types(&mut self, old: &Value, new: &Value, flow: Flow, at: &At<'_>) -> bool {
        let ty = |s: &Value| s.get("type").and_then(Value::as_str).map(str::to_string);
        let (Some(ot), nt) = (ty(old), ty(new)) else {
            return false;
        };
        let Some(nt) = nt else {
            // The type removed: anything goes now, which only a response can regret.
            let breaking = flow == Flow::Response;
            self.note(
                "OPENAPI_SCHEMA_SAME_TYPE",
                breaking,
                at,
                format!(
                    "The type of {} of operation \"{}\" was removed (was \"{ot}\").",
                    at.what, at.element
                ),
            );
            return true;
        };
        if ot == nt {
            return false;
        }
        let widened = ot == "integer" && nt == "number";
        let breaking = match flow {
            // Parameters travel as text: a string accepts what any type did.
            Flow::Parameter => !(widened || nt == "string"),
            Flow::Request => !widened,
            // A narrower response type still fits what clients expected.
            Flow::Response => !(ot == "number" && nt == "integer"),
        };
        self.note(
            "OPENAPI_SCHEMA_SAME_TYPE",
            breaking,
            at,
            format!(
                "The type of {} of operation \"{}\" changed from \"{ot}\" to \"{nt}\".",
                at.what, at.element
            ),
        );
        true
    }

    fn nullable(&mut self, old: &Value, new: &Value, flow: Flow, at: &At<'_>) {
        let nullable = |s: &Value| s.get("nullable") == Some(&Value::Bool(true));
        let (before, after) = (nullable(old), nullable(new));
        if before == after {
            return;
        }
        let breaking = match flow {
            Flow::Response => after,
            _ => before,
        };
        let now = if after { "nullable" } else { "not nullable" };
        self.note(
            "OPENAPI_SCHEMA_SAME_NULLABLE",
            breaking,
            at,
            format!(
                "{} of operation \"{}\" is now {now}.",
                capitalized(&at.what),
                at.element
            ),
        );
    }

    fn enums(&mut self, old: &Value, new: &Value, flow: Flow, at: &At<'_>) {
        let list = |s: &Value| s.get("enum").and_then(Value::as_array).cloned();
        match (list(old), list(new)) {
            (None, Some(_)) => self.note(
                "OPENAPI_ENUM_NO_ADD",
                flow != Flow::Response,
                at,
                format!(
                    "{} of operation \"{}\" is now limited to an enum.",
                    capitalized(&at.what),
                    at.element
                ),
            ),
            (Some(o), Some(n)) => {
                for v in o.iter().filter(|v| !n.contains(v)) {
                    self.note(
                        "OPENAPI_ENUM_VALUE_NO_DELETE",
                        flow != Flow::Response,
                        at,
                        format!(
                            "Enum value {v} of {} of operation \"{}\" was deleted.",
                            at.what, at.element
                        ),
                    );
                }
                for v in n.iter().filter(|v| !o.contains(v)) {
                    self.note(
                        "OPENAPI_ENUM_VALUE_ADDED",
                        false,
                        at,
                        format!(
                            "Enum value {v} was added to {} of operation \"{}\".",
                            at.what, at.element
                        ),
                    );
                }
            }
            _ => {}
        }
    }

    /// Length, value and pattern bounds: a request may not narrow them, a response may not
    /// widen them.
    fn bounds(&mut self, old: &Value, new: &Value, flow: Flow, at: &At<'_>) {
        // (keyword, a larger value accepts more, its value when absent)
        const BOUNDS: [(&str, bool, Option<f64>); 4] = [
            ("maxLength", true, None),
            ("minLength", false, Some(0.0)),
            ("maximum", true, None),
            ("minimum", false, None),
        ];
        for (key, larger_accepts_more, absent) in BOUNDS {
            let (before, after) = (number(old, key).or(absent), number(new, key).or(absent));
            if before == after {
                continue;
            }
            // How the accepted range moved: None stands for unbounded.
            let narrower = match (before, after) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(b), Some(a)) => (a < b) == larger_accepts_more,
                (None, None) => false,
            };
            let breaking = match flow {
                Flow::Response => !narrower,
                _ => narrower,
            };
            let show = |v: Option<f64>| v.map_or("none".to_string(), |v| v.to_string());
            self.note(
                "OPENAPI_SCHEMA_SAME_BOUNDS",
                breaking,
                at,
                format!(
                    "\"{key}\" of {} of operation \"{}\" changed from {} to {}.",
                    at.what,
                    at.element,
                    show(before),
                    show(after)
                ),
            );
        }
        let pattern = |s: &Value| s.get("pattern").and_then(Value::as_str).map(str::to_string);
        let (before, after) = (pattern(old), pattern(new));
        if before != after {
            let breaking = matches!(
                (&before, &after, flow),
                (None, Some(_), Flow::Parameter | Flow::Request) | (Some(_), None, Flow::Response)
            );
            self.note(
                "OPENAPI_SCHEMA_SAME_PATTERN",
                breaking,
                at,
                format!(
                    "The pattern of {} of operation \"{}\" changed from {before:?} to {after:?}.",
                    at.what, at.element
                ),
            );
        }
    }

    fn properties(&mut self, old: &Value, new: &Value, flow: Flow, at: &At<'_>, depth: usize) {
        let empty = Map::new();
        let old_props = old
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty)
            .clone();
        let new_props = new
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty)
            .clone();
        let (old_required, new_required) = (strings(old, "required"), strings(new, "required"));
        for (name, new_prop) in &new_props {
            let was = old_props.get(name);
            let now_required = new_required.contains(name) && !old_required.contains(name);
            if flow != Flow::Response && now_required {
                let what = if was.is_some() {
                    "is now required"
                } else {
                    "was added as required"
                };
                self.note(
                    "OPENAPI_PROPERTY_NO_REQUIRE",
                    true,
                    at,
                    format!(
                        "Property \"{name}\" of {} of operation \"{}\" {what}.",
                        at.what, at.element
                    ),
                );
            }
            if flow == Flow::Response
                && was.is_some()
                && old_required.contains(name)
                && !new_required.contains(name)
            {
                self.note(
                    "OPENAPI_PROPERTY_SAME_REQUIRED",
                    true,
                    at,
                    format!("Property \"{name}\" of {} of operation \"{}\" is no longer always present.", at.what, at.element),
                );
            }
            if let Some(old_prop) = was {
                let inner = At {
                    pointer: at.pointer,
                    element: at.element,
                    what: format!("property \"{name}\" of {}", at.what),
                };
                self.schema(old_prop, new_prop, flow, &inner, depth + 1);
            }
        }
        for name in old_props.keys().filter(|n| !new_props.contains_key(*n)) {
            let breaking = flow == Flow::Response && old_required.contains(name);
            self.note(
                "OPENAPI_PROPERTY_NO_DELETE",
                breaking,
                at,
                format!(
                    "Property \"{name}\" of {} of operation \"{}\" was deleted.",
                    at.what, at.element
                ),
            );
        }
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
