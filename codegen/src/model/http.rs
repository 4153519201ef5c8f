//! `google.api.http` bindings and the path-template grammar.
//!
//! ```text
//! Template = "/" Segments [ Verb ] ;
//! Segments = Segment { "/" Segment } ;
//! Segment  = "*" | "**" | LITERAL | Variable ;
//! Variable = "{" FieldPath [ "=" Segments ] "}" ;
//! FieldPath = IDENT { "." IDENT } ;
//! Verb     = ":" LITERAL ;
//! ```

use crate::diag::Location;

/// One segment after variables are expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSegment {
    /// A literal.
    Literal(String),
    /// `*`.
    Single,
    /// `**`.
    Multi,
}

/// A variable: the field path and the segment range it binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateVariable {
    /// Field names, e.g. `["book", "name"]`.
    pub field_path: Vec<String>,
    /// First segment.
    pub start: usize,
    /// One past the last segment.
    pub end: usize,
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// As written.
    pub source: String,
    /// Segments.
    pub segments: Vec<TemplateSegment>,
    /// Variables.
    pub variables: Vec<TemplateVariable>,
    /// Custom verb.
    pub verb: Option<String>,
}

impl PathTemplate {
    /// The template in OpenAPI's form: `/v1/{name}` for `/v1/{name=shelves/*}`, verb kept.
    pub fn openapi_path(&self) -> String {
        let mut out = String::new();
        let mut i = 0;
        while i < self.segments.len() {
            out.push('/');
            if let Some(v) = self.variables.iter().find(|v| v.start == i) {
                out.push('{');
                out.push_str(&v.field_path.join("."));
                out.push('}');
                i = v.end.max(i + 1);
                continue;
            }
            match &self.segments[i] {
                TemplateSegment::Literal(l) => out.push_str(l),
                TemplateSegment::Single => out.push('*'),
                TemplateSegment::Multi => out.push_str("**"),
            }
            i += 1;
        }
        if out.is_empty() {
            out.push('/');
        }
        if let Some(verb) = &self.verb {
            out.push(':');
            out.push_str(verb);
        }
        out
    }

    /// Parses a template; the error says what was expected where.
    pub fn parse(source: &str) -> Result<PathTemplate, String> {
        let rest = source
            .strip_prefix('/')
            .ok_or_else(|| format!("path template `{source}` must start with `/`"))?;
        let mut out = PathTemplate {
            source: source.to_string(),
            segments: Vec::new(),
            variables: Vec::new(),
            verb: None,
        };
        let mut chars = rest.char_indices().peekable();
        let mut literal = String::new();
        let mut in_var: Option<(Vec<String>, usize, bool)> = None;
        // A `/` right after `}` separates segments; anywhere else it needs a segment before it.
        let mut after_var = false;
        let flush = |literal: &mut String,
                     out: &mut PathTemplate,
                     in_var: &mut Option<(Vec<String>, usize, bool)>|
         -> Result<(), String> {
            let text = std::mem::take(literal);
            let seg = match text.as_str() {
                "" => return Err(format!("empty segment in path template `{source}`")),
                "*" => TemplateSegment::Single,
                "**" => TemplateSegment::Multi,
                t if t.contains('*') => {
                    return Err(format!("`{t}` in `{source}`: `*` must be a whole segment"))
                }
                t => TemplateSegment::Literal(t.to_string()),
            };
            if let Some((_, _, has_pattern)) = in_var {
                *has_pattern = true;
            }
            out.segments.push(seg);
            Ok(())
        };
        if rest.is_empty() {
            return Ok(out);
        }
        while let Some((_, c)) = chars.next() {
            match c {
                '{' => {
                    if in_var.is_some() || !literal.is_empty() {
                        return Err(format!("unexpected `{{` in path template `{source}`"));
                    }
                    let mut name = String::new();
                    let mut has_eq = false;
                    let mut closed = false;
                    for (_, c) in chars.by_ref() {
                        match c {
                            '}' => {
                                closed = true;
                                break;
                            }
                            '=' => {
                                has_eq = true;
                                closed = true;
                                break;
                            }
                            c if c.is_ascii_alphanumeric() || c == '_' || c == '.' => name.push(c),
                            c => {
                                return Err(format!(
                                    "`{c}` is not allowed in a variable name in `{source}`"
                                ))
                            }
                        }
                    }
                    if !closed {
                        return Err(format!("unclosed `{{` in path template `{source}`"));
                    }
                    if name.is_empty() || name.split('.').any(str::is_empty) {
                        return Err(format!("a variable in `{source}` has no field name"));
                    }
                    let field_path: Vec<String> = name.split('.').map(str::to_string).collect();
                    if has_eq {
                        in_var = Some((field_path, out.segments.len(), false));
                    } else {
                        let start = out.segments.len();
                        out.segments.push(TemplateSegment::Single);
                        out.variables.push(TemplateVariable {
                            field_path,
                            start,
                            end: start + 1,
                        });
                        after_var = true;
                    }
                }
                '}' => {
                    let Some((field_path, start, _)) = in_var.take() else {
                        return Err(format!("unmatched `}}` in path template `{source}`"));
                    };
                    let mut pending = Some((field_path.clone(), start, false));
                    flush(&mut literal, &mut out, &mut pending)?;
                    out.variables.push(TemplateVariable {
                        field_path,
                        start,
                        end: out.segments.len(),
                    });
                    after_var = true;
                }
                '/' => {
                    if !literal.is_empty() {
                        flush(&mut literal, &mut out, &mut in_var)?;
                    } else if !after_var {
                        return Err(format!("empty segment in path template `{source}`"));
                    }
                    after_var = false;
                }
                ':' if in_var.is_none() => {
                    if literal.is_empty() && !after_var {
                        return Err(format!(
                            "empty segment before the custom verb in `{source}`"
                        ));
                    }
                    if !literal.is_empty() {
                        flush(&mut literal, &mut out, &mut in_var)?;
                    }
                    let verb: String = chars.by_ref().map(|(_, c)| c).collect();
                    if verb.is_empty() || verb.contains('/') {
                        return Err(format!("invalid custom verb in path template `{source}`"));
                    }
                    out.verb = Some(verb);
                }
                c => {
                    if after_var {
                        return Err(format!(
                            "`{c}` right after a variable in `{source}`: expected `/` or `:`"
                        ));
                    }
                    literal.push(c)
                }
            }
        }
        if in_var.is_some() {
            return Err(format!("unclosed `{{` in path template `{source}`"));
        }
        if !literal.is_empty() {
            flush(&mut literal, &mut out, &mut in_var)?;
        }
        if let Some(pos) = out
            .segments
            .iter()
            .position(|s| *s == TemplateSegment::Multi)
        {
            if pos + 1 != out.segments.len() {
                return Err(format!(
                    "`**` must be the last segment of path template `{source}`"
                ));
            }
        }
        Ok(out)
    }
}

/// One HTTP binding of a method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpBinding {
    /// `GET`, `POST`, … or a custom method.
    pub method: String,
    /// The parsed template.
    pub template: PathTemplate,
    /// `body`: `None` for no body, `Some("*")`, or `Some(field)`.
    pub body: Option<String>,
    /// `response_body`.
    pub response_body: Option<String>,
    /// Whether it came from `additional_bindings`.
    pub additional: bool,
    /// Where the option is written.
    pub location: Location,
    /// Its service's base path beyond the API's (see [`crate::model::Api::place_services`]).
    pub path_prefix: String,
}

impl HttpBinding {
    /// The binding's path as OpenAPI writes it, e.g. `/v1/{name}` for `/v1/{name=shelves/*}`,
    /// under its service's path prefix. A trailing `/` is kept: `/users/me/phone/` is another
    /// route than `/users/me/phone`.
    pub fn openapi_path(&self) -> String {
        let mut path = format!("{}{}", self.path_prefix, self.template.openapi_path());
        if self.template.source.len() > 1
            && self.template.source.ends_with('/')
            && !path.ends_with('/')
        {
            path.push('/');
        }
        path
    }

    /// The top-level fields a path variable sets whole (`{shelf}`, not `{book.name}`), which a
    /// `body: "*"` leaves out.
    pub fn path_fields(&self) -> Vec<String> {
        self.template
            .variables
            .iter()
            .filter(|v| v.field_path.len() == 1)
            .map(|v| v.field_path[0].clone())
            .collect()
    }

    /// Dotted field paths that are not query parameters: the path variables and the body field.
    pub fn not_query(&self) -> Vec<String> {
        let mut skip: Vec<String> = self
            .template
            .variables
            .iter()
            .map(|v| v.field_path.join("."))
            .collect();
        skip.extend(self.body.clone());
        skip
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let t = PathTemplate::parse("/v1/{name=shelves/*/books/*}:cancel").unwrap();
        assert_eq!(t.segments.len(), 5);
        assert_eq!(t.variables[0].start, 1);
        assert_eq!(t.variables[0].end, 5);
        assert_eq!(t.verb.as_deref(), Some("cancel"));
        assert_eq!(t.openapi_path(), "/v1/{name}:cancel");

        let t = PathTemplate::parse("/v1/{name=files/**}").unwrap();
        assert_eq!(t.segments.last(), Some(&TemplateSegment::Multi));

        let t = PathTemplate::parse("/v1/shelves/{shelf}/books/{book.id}").unwrap();
        assert_eq!(t.variables[1].field_path, vec!["book", "id"]);
        assert_eq!(t.openapi_path(), "/v1/shelves/{shelf}/books/{book.id}");

        let t = PathTemplate::parse("/users/me/phone/_verify").unwrap();
        assert!(t.variables.is_empty());
        assert_eq!(t.openapi_path(), "/users/me/phone/_verify");
    }

    #[test]
    fn rejects_bad_templates() {
        for bad in [
            "v1/x",
            "/v1/{name",
            "/v1/{}",
            "/v1/**/x",
            "/v1//x",
            "/v1/a*b",
            "/v1/x:",
        ] {
            assert!(PathTemplate::parse(bad).is_err(), "{bad}");
        }
    }
}
