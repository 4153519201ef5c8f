//! The REST route table generated from `google.api.http`, and path-template matching.

/// The HTTP method of a binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpMethod {
    /// GET.
    Get,
    /// PUT.
    Put,
    /// POST.
    Post,
    /// DELETE.
    Delete,
    /// PATCH.
    Patch,
    /// A `custom` binding's method, e.g. `HEAD`.
    Custom(&'static str),
}

impl HttpMethod {
    /// The method as it appears on the wire.
    pub fn as_str(&self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Custom(m) => m,
        }
    }
}

/// One segment of a path template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    /// A literal segment.
    Literal(&'static str),
    /// `*`: exactly one segment.
    Single,
    /// `**`: the rest of the path (the last segment only).
    Multi,
}

impl Segment {
    /// The segments of a template from their text: `*` is [`Segment::Single`], `**`
    /// [`Segment::Multi`], anything else a literal (a template's literals never are `*`).
    /// The generated route tables spell their templates' segments so, evaluated at compile
    /// time.
    pub const fn from_strs<const N: usize>(texts: [&'static str; N]) -> [Segment; N] {
        let mut segments = [Segment::Single; N];
        let mut i = 0;
        while i < N {
            segments[i] = match texts[i].as_bytes() {
                [b'*'] => Segment::Single,
                [b'*', b'*'] => Segment::Multi,
                _ => Segment::Literal(texts[i]),
            };
            i += 1;
        }
        segments
    }
}

/// A variable of a path template, bound to the segments `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathVariable {
    /// The request field the value goes to, as proto field names (`book.name` → `["book", "name"]`).
    pub field_path: &'static [&'static str],
    /// The first segment of the variable.
    pub start: usize,
    /// One past its last segment.
    pub end: usize,
}

/// A parsed `google.api.http` path template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathTemplate {
    /// The template as written in the schema, e.g. `/v1/{name=shelves/*}:cancel`.
    pub source: &'static str,
    /// The segments, variables expanded into their patterns.
    pub segments: &'static [Segment],
    /// The variables.
    pub variables: &'static [PathVariable],
    /// The custom verb after the last `:`, if any.
    pub verb: Option<&'static str>,
}

/// Where the request message comes from in an HTTP request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodySpec {
    /// No body: every field not bound by the path comes from the query string.
    None,
    /// `body: "*"`: the body is the whole request message.
    Whole,
    /// `body: "field"`: the body is that field; others may come from the query string.
    Field(&'static str),
}

/// One REST binding of a method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpRoute {
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template, already parsed by the generator.
    pub template: PathTemplate,
    /// Where the body goes.
    pub body: BodySpec,
    /// `response_body`: the response field sent as the body instead of the whole message.
    pub response_body: Option<&'static str>,
    /// The body (the whole request for `body: "*"`, else the `body` field) is
    /// `google.api.HttpBody`: the request's bytes and `Content-Type` go into it undecoded.
    pub request_http_body: bool,
    /// The response (or its `response_body` field) is `google.api.HttpBody`: its `data` is
    /// written as the body under its `content_type`, each message's as one chunk when streamed.
    pub response_http_body: bool,
}

impl HttpRoute {
    /// A binding of `method` to `template` without a body (the request comes from the path
    /// and the query string), answered with the whole response message, neither side a
    /// `google.api.HttpBody`: the generated tables start every route here.
    pub const fn new(method: HttpMethod, template: PathTemplate) -> HttpRoute {
        HttpRoute {
            method,
            template,
            body: BodySpec::None,
            response_body: None,
            request_http_body: false,
            response_http_body: false,
        }
    }

    /// [`HttpRoute::new`] for GET at the template `source` of `segments`.
    pub const fn get(source: &'static str, segments: &'static [Segment]) -> HttpRoute {
        HttpRoute::new(HttpMethod::Get, PathTemplate::new(source, segments))
    }

    /// [`HttpRoute::new`] for PUT at the template `source` of `segments`.
    pub const fn put(source: &'static str, segments: &'static [Segment]) -> HttpRoute {
        HttpRoute::new(HttpMethod::Put, PathTemplate::new(source, segments))
    }

    /// [`HttpRoute::new`] for POST at the template `source` of `segments`.
    pub const fn post(source: &'static str, segments: &'static [Segment]) -> HttpRoute {
        HttpRoute::new(HttpMethod::Post, PathTemplate::new(source, segments))
    }

    /// [`HttpRoute::new`] for DELETE at the template `source` of `segments`.
    pub const fn delete(source: &'static str, segments: &'static [Segment]) -> HttpRoute {
        HttpRoute::new(HttpMethod::Delete, PathTemplate::new(source, segments))
    }

    /// [`HttpRoute::new`] for PATCH at the template `source` of `segments`.
    pub const fn patch(source: &'static str, segments: &'static [Segment]) -> HttpRoute {
        HttpRoute::new(HttpMethod::Patch, PathTemplate::new(source, segments))
    }

    /// The route, its template's variables `variables`.
    pub const fn variables(self, variables: &'static [PathVariable]) -> HttpRoute {
        HttpRoute {
            template: self.template.variables(variables),
            ..self
        }
    }

    /// The route, its template's custom verb `verb`.
    pub const fn verb(self, verb: &'static str) -> HttpRoute {
        HttpRoute {
            template: self.template.verb(verb),
            ..self
        }
    }

    /// The route, its request read from the body as `body` says.
    pub const fn body(self, body: BodySpec) -> HttpRoute {
        HttpRoute { body, ..self }
    }

    /// The route, answered with the response's field `field` (`response_body`).
    pub const fn response_body(self, field: &'static str) -> HttpRoute {
        HttpRoute {
            response_body: Some(field),
            ..self
        }
    }

    /// The route, its body a `google.api.HttpBody` (see [`HttpRoute::request_http_body`]).
    pub const fn request_http_body(self) -> HttpRoute {
        HttpRoute {
            request_http_body: true,
            ..self
        }
    }

    /// The route, its answer a `google.api.HttpBody` (see
    /// [`HttpRoute::response_http_body`]).
    pub const fn response_http_body(self) -> HttpRoute {
        HttpRoute {
            response_http_body: true,
            ..self
        }
    }
}

impl PathTemplate {
    /// The template `source`, its `segments`, without variables or custom verb.
    pub const fn new(source: &'static str, segments: &'static [Segment]) -> PathTemplate {
        PathTemplate {
            source,
            segments,
            variables: &[],
            verb: None,
        }
    }

    /// The template, with its variables.
    pub const fn variables(self, variables: &'static [PathVariable]) -> PathTemplate {
        PathTemplate { variables, ..self }
    }

    /// The template, with the custom verb `verb`.
    pub const fn verb(self, verb: &'static str) -> PathTemplate {
        PathTemplate {
            verb: Some(verb),
            ..self
        }
    }
}

impl PathVariable {
    /// The variable of the request field `field_path`, bound to the segments `start..end`.
    pub const fn new(
        field_path: &'static [&'static str],
        start: usize,
        end: usize,
    ) -> PathVariable {
        PathVariable {
            field_path,
            start,
            end,
        }
    }
}

/// A variable's value extracted from a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capture {
    /// The request field path.
    pub field_path: &'static [&'static str],
    /// The percent-decoded value.
    pub value: String,
}

impl PathTemplate {
    /// Matches `path` (no query string) and returns the variables' values, or `None`.
    ///
    /// Single-segment variables are fully percent-decoded; multi-segment ones keep `%2F`
    /// encoded, as grpc-gateway does.
    pub fn matches(&self, path: &str) -> Option<Vec<Capture>> {
        let path = path.strip_prefix('/')?;
        let path = match self.verb {
            Some(verb) => {
                let (rest, found) = path.rsplit_once(':')?;
                if found != verb {
                    return None;
                }
                rest
            }
            None => path,
        };
        // Without `**`, template segment i is path part i: checked in one walk along the path,
        // without allocating, which settles every template without variables. Literals are
        // compared in place (no search for the next `/`), so a table of literal routes costs a
        // few comparisons per route.
        if !self.segments.contains(&Segment::Multi) {
            let last = self.segments.len().checked_sub(1);
            let mut rest = path;
            if last.is_none() && !path.is_empty() {
                return None;
            }
            for (i, segment) in self.segments.iter().enumerate() {
                let is_last = Some(i) == last;
                match segment {
                    Segment::Literal(lit) => {
                        rest = rest.strip_prefix(lit)?;
                        if !is_last {
                            rest = rest.strip_prefix('/')?;
                        } else if !rest.is_empty() {
                            return None;
                        }
                    }
                    Segment::Single | Segment::Multi => {
                        let (part, tail) = if is_last {
                            (rest, "")
                        } else {
                            rest.split_once('/')?
                        };
                        if part.is_empty() || (is_last && part.contains('/')) {
                            return None;
                        }
                        rest = tail;
                    }
                }
            }
            if self.variables.is_empty() {
                return Some(Vec::new());
            }
        }
        let parts: Vec<&str> = if path.is_empty() {
            Vec::new()
        } else {
            path.split('/').collect()
        };
        // positions[i] = index in `parts` where template segment i starts.
        let mut positions = Vec::with_capacity(self.segments.len() + 1);
        let mut at = 0;
        for (i, segment) in self.segments.iter().enumerate() {
            positions.push(at);
            match segment {
                Segment::Literal(lit) => {
                    if parts.get(at) != Some(lit) {
                        return None;
                    }
                    at += 1;
                }
                Segment::Single => {
                    if parts.get(at).is_none_or(|p| p.is_empty()) {
                        return None;
                    }
                    at += 1;
                }
                Segment::Multi => {
                    // `**` is last; it takes what the remaining literals leave.
                    let after = self.segments.len() - i - 1;
                    if parts.len() < at + after {
                        return None;
                    }
                    at = parts.len() - after;
                }
            }
        }
        positions.push(at);
        if at != parts.len() {
            return None;
        }
        let captures = self
            .variables
            .iter()
            .map(|v| {
                let (from, to) = (positions[v.start], positions[v.end]);
                let multi =
                    v.end - v.start > 1 || self.segments[v.start..v.end].contains(&Segment::Multi);
                let raw = parts[from..to].join("/");
                Capture {
                    field_path: v.field_path,
                    value: percent_decode(&raw, !multi),
                }
            })
            .collect();
        Some(captures)
    }
}

/// Decodes `%XX` escapes; `%2F` stays encoded unless `decode_slash`.
pub fn percent_decode(input: &str, decode_slash: bool) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                let byte = (h * 16 + l) as u8;
                if byte != b'/' || decode_slash {
                    out.push(byte);
                    i += 3;
                    continue;
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: PathTemplate = PathTemplate {
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
    };

    const FILES: PathTemplate = PathTemplate {
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
    };

    #[test]
    fn segments_are_read_from_their_text() {
        const SEGMENTS: [Segment; 4] = Segment::from_strs(["v1", "*", "files", "**"]);
        assert_eq!(
            SEGMENTS,
            [
                Segment::Literal("v1"),
                Segment::Single,
                Segment::Literal("files"),
                Segment::Multi,
            ]
        );
    }

    #[test]
    fn multi_segment_variable_with_custom_verb() {
        let got = BOOK.matches("/v1/shelves/s1/books/b%2F2:cancel").unwrap();
        assert_eq!(got[0].value, "shelves/s1/books/b%2F2");
        assert!(BOOK.matches("/v1/shelves/s1/books/b2").is_none());
        assert!(BOOK.matches("/v1/shelves/s1/books/b2:other").is_none());
        assert!(BOOK.matches("/v1/shelves//books/b2:cancel").is_none());
    }

    #[test]
    fn double_star_takes_the_rest() {
        let got = FILES.matches("/v1/files/a/b/c.txt").unwrap();
        assert_eq!(got[0].value, "files/a/b/c.txt");
        assert!(FILES.matches("/v1/other/a").is_none());
    }

    #[test]
    fn single_variable_is_fully_decoded() {
        const T: PathTemplate = PathTemplate {
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
        };
        assert_eq!(
            T.matches("/v1/shelves/a%2Fb%20c").unwrap()[0].value,
            "a/b c"
        );
        assert!(T.matches("/v1/shelves/a/b").is_none());
    }

    /// The segment walk against the plain reading of the grammar (split at `/`, part i is
    /// segment i), over every path of up to five pieces from a small alphabet.
    #[test]
    fn the_segment_walk_agrees_with_splitting() {
        const LITERALS: PathTemplate = PathTemplate {
            source: "/users/me/phone",
            segments: &[
                Segment::Literal("users"),
                Segment::Literal("me"),
                Segment::Literal("phone"),
            ],
            variables: &[],
            verb: None,
        };
        const MIXED: PathTemplate = PathTemplate {
            source: "/users/*/phone",
            segments: &[
                Segment::Literal("users"),
                Segment::Single,
                Segment::Literal("phone"),
            ],
            variables: &[],
            verb: None,
        };
        const LAST: PathTemplate = PathTemplate {
            source: "/users/{id}",
            segments: &[Segment::Literal("users"), Segment::Single],
            variables: &[PathVariable {
                field_path: &["id"],
                start: 1,
                end: 2,
            }],
            verb: None,
        };
        const ROOT: PathTemplate = PathTemplate {
            source: "/",
            segments: &[],
            variables: &[],
            verb: None,
        };
        fn reference(t: &PathTemplate, path: &str) -> bool {
            let Some(path) = path.strip_prefix('/') else {
                return false;
            };
            let parts: Vec<&str> = if path.is_empty() {
                Vec::new()
            } else {
                path.split('/').collect()
            };
            parts.len() == t.segments.len()
                && t.segments.iter().zip(&parts).all(|(s, p)| match s {
                    Segment::Literal(l) => p == l,
                    _ => !p.is_empty(),
                })
        }
        let pieces = [
            "", "/", "//", "users", "me", "phone", "x", "phonex", "/users", "/me", "/phone",
        ];
        let mut paths = vec![String::new()];
        for _ in 0..5 {
            let mut next = Vec::new();
            for p in &paths {
                for piece in pieces {
                    next.push(format!("{p}{piece}"));
                }
            }
            paths.extend(next);
            paths.sort();
            paths.dedup();
        }
        for t in [LITERALS, MIXED, LAST, ROOT] {
            let mut matched = 0;
            for path in &paths {
                let got = t.matches(path).is_some();
                assert_eq!(got, reference(&t, path), "{} on {path:?}", t.source);
                matched += usize::from(got);
            }
            assert!(matched > 0, "no path of the alphabet matches {}", t.source);
        }
        assert_eq!(LAST.matches("/users/a%20b").unwrap()[0].value, "a b");
    }
}
