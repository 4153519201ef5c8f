//! `AUTH_*`: a method's permission (the auth option) changing under its callers.

use super::{ApiPair, Finding};

/// A permission added or changed breaks callers that lack it; one removed only loosens.
pub fn run(pair: &ApiPair<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (old, new) in pair.method_pairs() {
        let (rule, breaking, message) = match (&old.auth, &new.auth) {
                (None, Some(n)) => (
                    "AUTH_PERMISSION_NO_ADD",
                    true,
                    format!("RPC \"{}\" now requires permission \"{}\".", new.name, n.permission),
                ),
                (Some(o), None) => (
                    "AUTH_PERMISSION_REMOVED",
                    false,
                    format!(
                        "RPC \"{}\" no longer requires permission \"{}\".",
                        new.name, o.permission
                    ),
                ),
                (Some(o), Some(n)) if o.permission != n.permission => (
                    "AUTH_PERMISSION_SAME",
                    true,
                    format!(
                        "RPC \"{}\" changed its permission from \"{}\" to \"{}\".",
                        new.name, o.permission, n.permission
                    ),
                ),
                (Some(o), Some(n)) if o.check_field != n.check_field => (
                    "AUTH_CHECK_FIELD_SAME",
                    true,
                    format!(
                        "RPC \"{}\" changed the request field its permission is checked on from {} to {}.",
                        new.name,
                        quoted(o.check_field.as_deref()),
                        quoted(n.check_field.as_deref())
                    ),
                ),
                _ => continue,
            };
        out.push(Finding::own(
            rule,
            breaking,
            new.location.clone(),
            &new.full_name,
            message,
        ));
    }
    out
}

fn quoted(field: Option<&str>) -> String {
    match field {
        Some(f) => format!("\"{f}\""),
        None => "none".to_string(),
    }
}
