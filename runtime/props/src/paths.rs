//! REST path matching and percent-decoding against references simple enough to write here.

use protogate::http::{PathTemplate, PathVariable, Segment};

const TEMPLATES: &[PathTemplate] = &[
    PathTemplate {
        source: "/users/me/phone/_verify",
        segments: &[
            Segment::Literal("users"),
            Segment::Literal("me"),
            Segment::Literal("phone"),
            Segment::Literal("_verify"),
        ],
        variables: &[],
        verb: None,
    },
    PathTemplate {
        source: "/v1/shelves/{shelf}",
        segments: &[
            Segment::Literal("v1"),
            Segment::Literal("shelves"),
            Segment::Single,
        ],
        variables: &[PathVariable {
            field_path: &["shelf"],
            start: 2,
            end: 3,
        }],
        verb: None,
    },
    PathTemplate {
        source: "/v1/{name=shelves/*/books/*}:cancel",
        segments: &[
            Segment::Literal("v1"),
            Segment::Literal("shelves"),
            Segment::Single,
            Segment::Literal("books"),
            Segment::Single,
        ],
        variables: &[PathVariable {
            field_path: &["name"],
            start: 1,
            end: 5,
        }],
        verb: Some("cancel"),
    },
    PathTemplate {
        source: "/v1/{name=files/**}",
        segments: &[
            Segment::Literal("v1"),
            Segment::Literal("files"),
            Segment::Multi,
        ],
        variables: &[PathVariable {
            field_path: &["name"],
            start: 1,
            end: 3,
        }],
        verb: None,
    },
    PathTemplate {
        source: "/v1/{a}/x/{b.c}:do",
        segments: &[
            Segment::Literal("v1"),
            Segment::Single,
            Segment::Literal("x"),
            Segment::Single,
        ],
        variables: &[
            PathVariable {
                field_path: &["a"],
                start: 1,
                end: 2,
            },
            PathVariable {
                field_path: &["b", "c"],
                start: 3,
                end: 4,
            },
        ],
        verb: Some("do"),
    },
];

/// Percent-encodes everything but unreserved characters.
fn encode_segment(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Path matching: no panic on any path, and a path built from a template's own shape (with
/// arbitrary, percent-encoded single-segment values) matches and gives the values back.
pub fn path_match(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let template = &TEMPLATES[pick as usize % TEMPLATES.len()];
    let text = String::from_utf8_lossy(rest);
    let _ = template.matches(&text);
    let _ = template.matches(&format!("/{text}"));
    for variable in template.variables {
        // Captures index positions; a template may not bind past its segments.
        assert!(variable.end <= template.segments.len());
    }
    // Constructive: one value per `*` from the input, split at NUL.
    let mut values = text.split('\0').filter(|v| !v.is_empty());
    let mut path = String::new();
    let mut singles = Vec::new();
    for segment in template.segments {
        path.push('/');
        match segment {
            Segment::Literal(l) => path.push_str(l),
            Segment::Single => {
                let v = values.next().unwrap_or("x").to_string();
                path.push_str(&encode_segment(&v));
                singles.push(v);
            }
            Segment::Multi => {
                let v = values.next().unwrap_or("x");
                let parts: Vec<String> = v.split('/').map(encode_segment).collect();
                let joined = parts.join("/");
                path.push_str(if joined.is_empty() { "x" } else { &joined });
            }
        }
    }
    if let Some(verb) = template.verb {
        path.push(':');
        path.push_str(verb);
    }
    let captures = template
        .matches(&path)
        .unwrap_or_else(|| panic!("{} does not match its own shape {path:?}", template.source));
    assert_eq!(captures.len(), template.variables.len());
    for (capture, variable) in captures.iter().zip(template.variables) {
        let single = variable.end - variable.start == 1
            && template.segments[variable.start] == Segment::Single;
        if single {
            let index = template.segments[..variable.start]
                .iter()
                .filter(|s| **s == Segment::Single)
                .count();
            assert_eq!(
                capture.value, singles[index],
                "{} from {path:?}",
                template.source
            );
        }
    }
}

/// Percent-decoding: no panic, and encoding then decoding gives the text back.
pub fn percent(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = protogate::http::percent_decode(&text, true);
    let _ = protogate::http::percent_decode(&text, false);
    assert_eq!(
        protogate::http::percent_decode(&encode_segment(&text), true),
        text
    );
}
