//! protogate's violations as protovalidate reports them (`buf.validate.Violations`), in the
//! harness's order: by rule id, then by the field path's text.

use protogate::buf_validate::{FieldPath, PathSubscript, Violations};

/// The violations as a `buf.validate.Violations` message, sorted as the harness sorts the
/// expected ones (it compares the lists in order).
pub(crate) fn to_proto(found: &protogate::validate::Violations) -> Violations {
    let mut out = Violations::from(found);
    out.violations.sort_by_cached_key(|v| {
        (
            v.rule_id.clone().unwrap_or_default(),
            v.field.as_ref().map(path_text).unwrap_or_default(),
        )
    });
    out
}

/// The harness's text of a field path: `a.b[2].c["k"]`, keys quoted as Go's `strconv.Quote`.
fn path_text(path: &FieldPath) -> String {
    let mut out = String::new();
    for (i, e) in path.elements.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(e.field_name.as_deref().unwrap_or_default());
        let sub = match &e.subscript {
            None => continue,
            Some(PathSubscript::Index(n)) => n.to_string(),
            Some(PathSubscript::BoolKey(b)) => b.to_string(),
            Some(PathSubscript::IntKey(n)) => n.to_string(),
            Some(PathSubscript::UintKey(n)) => n.to_string(),
            Some(PathSubscript::StringKey(s)) => protogate::rules::go_quote(s),
        };
        out.push('[');
        out.push_str(&sub);
        out.push(']');
    }
    out
}
