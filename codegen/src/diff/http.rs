//! `HTTP_*`: what a REST client sees of a method's `google.api.http` bindings. buf cannot see
//! these (they live in an option), so they are protogate's own rules, always on.

use super::{ApiPair, Finding};
use crate::model::{HttpBinding, Method};

/// Every binding change of every method both versions have (a deleted method is
/// `RPC_NO_DELETE`'s).
pub fn run(pair: &ApiPair<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (old, new) in pair.method_pairs() {
        compare(old, new, &mut out);
    }
    out
}

/// How a binding reads on the wire, for messages: `POST /v1/{name}`.
fn shown(b: &HttpBinding) -> String {
    format!("{} {}", b.method, b.template.source)
}

/// The template with variables reduced to their position: two templates with the same shape
/// differ only in variable names.
fn shape(b: &HttpBinding) -> String {
    let mut out = b.template.source.clone();
    for v in &b.template.variables {
        out = out.replace(&v.field_path.join("."), "_");
    }
    out
}

fn compare(old: &Method, new: &Method, out: &mut Vec<Finding>) {
    let element = &new.full_name;
    let mut unmatched_new: Vec<&HttpBinding> = new.http.iter().collect();
    let mut unmatched_old: Vec<&HttpBinding> = Vec::new();
    // Same verb and template: the same binding; only its body mapping can have changed.
    for o in &old.http {
        match unmatched_new
            .iter()
            .position(|n| n.method == o.method && n.template.source == o.template.source)
        {
            Some(i) => {
                let n = unmatched_new.remove(i);
                bodies(o, n, element, out);
            }
            None => unmatched_old.push(o),
        }
    }
    // What is left pairs by position among the primary or additional bindings: a changed verb,
    // path or variable name on the same binding.
    for o in unmatched_old {
        let candidate = unmatched_new.iter().position(|n| {
            n.additional == o.additional && (n.method == o.method || shape(n) == shape(o))
        });
        let Some(i) = candidate else {
            out.push(Finding::own(
                "HTTP_BINDING_NO_DELETE",
                true,
                new.location.clone(),
                element,
                format!(
                    "Previously present HTTP binding \"{}\" on RPC \"{}\" was deleted.",
                    shown(o),
                    new.name
                ),
            ));
            continue;
        };
        let n = unmatched_new.remove(i);
        if n.method != o.method {
            out.push(Finding::own(
                "HTTP_BINDING_SAME_VERB",
                true,
                n.location.clone(),
                element,
                format!(
                    "HTTP binding \"{}\" on RPC \"{}\" changed its verb from \"{}\" to \"{}\".",
                    o.template.source, new.name, o.method, n.method
                ),
            ));
        }
        if n.template.source != o.template.source {
            let (rule, what) = if shape(n) == shape(o) {
                (
                    "HTTP_BINDING_SAME_PATH_VARIABLES",
                    "renamed a path variable",
                )
            } else {
                ("HTTP_BINDING_SAME_PATH", "changed its path")
            };
            out.push(Finding::own(
                rule,
                true,
                n.location.clone(),
                element,
                format!(
                    "HTTP binding of RPC \"{}\" {what} from \"{}\" to \"{}\".",
                    new.name, o.template.source, n.template.source
                ),
            ));
        }
        bodies(o, n, element, out);
    }
    for n in unmatched_new {
        out.push(Finding::own(
            "HTTP_BINDING_ADDED",
            false,
            n.location.clone(),
            element,
            format!(
                "HTTP binding \"{}\" was added to RPC \"{}\".",
                shown(n),
                new.name
            ),
        ));
    }
}

fn bodies(o: &HttpBinding, n: &HttpBinding, element: &str, out: &mut Vec<Finding>) {
    let text = |b: &Option<String>| match b {
        Some(b) => format!("\"{b}\""),
        None => "none".to_string(),
    };
    if o.body != n.body {
        out.push(Finding::own(
            "HTTP_BINDING_SAME_BODY",
            true,
            n.location.clone(),
            element,
            format!(
                "HTTP binding \"{}\" changed its request body from {} to {}.",
                shown(n),
                text(&o.body),
                text(&n.body)
            ),
        ));
    }
    if o.response_body != n.response_body {
        out.push(Finding::own(
            "HTTP_BINDING_SAME_RESPONSE_BODY",
            true,
            n.location.clone(),
            element,
            format!(
                "HTTP binding \"{}\" changed its response body from {} to {}.",
                shown(n),
                text(&o.response_body),
                text(&n.response_body)
            ),
        ));
    }
}
