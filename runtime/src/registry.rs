//! The mounted services: gRPC paths looked up by hash, REST routes bucketed by HTTP method
//! (as grpc-gateway's mux does), each entry pointing at one method of one service.

use std::collections::HashMap;
use std::sync::Arc;

use crate::http::{Capture, HttpRoute};
use crate::service::{MethodInfo, Service};

/// One method of a mounted service: what the pipeline calls.
#[derive(Clone)]
pub(crate) struct Target {
    pub(crate) service: Arc<dyn Service>,
    pub(crate) index: usize,
    pub(crate) method: &'static MethodInfo,
}

/// A REST binding matched against a request.
pub(crate) struct RestMatch {
    pub(crate) target: Target,
    pub(crate) route: &'static HttpRoute,
    pub(crate) captures: Vec<Capture>,
}

/// Why a REST request matched nothing.
pub(crate) enum RestMiss {
    /// Routes have the path under these other HTTP methods (for `Allow`), in registration
    /// order, each once.
    WrongMethod(Vec<&'static str>),
    /// No route has the path.
    NotFound,
}

struct RestEntry {
    prefix: &'static str,
    route: &'static HttpRoute,
    target: Target,
    /// The kind of each path segment, the service's prefix included: entries are kept sorted
    /// by it, so the first that matches is the most specific.
    specificity: Vec<SegmentKind>,
}

/// How specific one path segment is: a literal beats a `*` variable, which beats `**`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SegmentKind {
    Literal,
    Single,
    Multi,
}

/// The segment kinds of `prefix` followed by `route`'s template, compared left to right: where
/// two routes that match the same path first differ, the literal one wins, as in grpc-gateway
/// (`GET /orgs/_is_unique` over `GET /orgs/{id}`, whichever was declared first).
fn specificity(prefix: &str, route: &HttpRoute) -> Vec<SegmentKind> {
    let literals = prefix.split('/').filter(|s| !s.is_empty()).count();
    std::iter::repeat_n(SegmentKind::Literal, literals)
        .chain(route.template.segments.iter().map(|segment| match segment {
            crate::http::Segment::Literal(_) => SegmentKind::Literal,
            crate::http::Segment::Single => SegmentKind::Single,
            crate::http::Segment::Multi => SegmentKind::Multi,
        }))
        .collect()
}

/// Every mounted service, indexed for the protocols.
#[derive(Default)]
pub(crate) struct Registry {
    by_path: HashMap<&'static str, Target>,
    /// REST routes per HTTP method; a handful of methods, so a list beats hashing.
    rest: Vec<(&'static str, Vec<RestEntry>)>,
}

impl Registry {
    /// Adds a service. A gRPC path mounted twice keeps its first service, as the first
    /// REST binding of a path wins.
    pub(crate) fn add(&mut self, service: Arc<dyn Service>) {
        let info = service.info();
        for (index, method) in info.methods.iter().enumerate() {
            let target = Target {
                service: service.clone(),
                index,
                method,
            };
            if self.by_path.contains_key(method.grpc_path) {
                tracing::warn!(
                    path = method.grpc_path,
                    "a method is mounted twice; the first one serves it"
                );
            } else {
                self.by_path.insert(method.grpc_path, target.clone());
            }
            for route in method.routes {
                let verb = route.method.as_str();
                let entry = RestEntry {
                    prefix: info.rest_prefix,
                    route,
                    target: target.clone(),
                    specificity: specificity(info.rest_prefix, route),
                };
                match self.rest.iter_mut().find(|(v, _)| *v == verb) {
                    // After every entry at least as specific: equally specific routes keep
                    // their declaration order, the first declared wins.
                    Some((_, entries)) => {
                        let at = entries.partition_point(|e| e.specificity <= entry.specificity);
                        entries.insert(at, entry);
                    }
                    None => self.rest.push((verb, vec![entry])),
                }
            }
        }
    }

    /// The method whose gRPC (and Connect) path is `path`.
    pub(crate) fn by_grpc_path(&self, path: &str) -> Option<&Target> {
        self.by_path.get(path)
    }

    /// Whether a mounted method claims `path`: a REST route under any HTTP method, or a gRPC
    /// (and Connect) path.
    pub(crate) fn routes_path(&self, path: &str) -> bool {
        self.by_path.contains_key(path)
            || self
                .rest
                .iter()
                .flat_map(|(_, entries)| entries)
                .any(|entry| {
                    path.strip_prefix(entry.prefix)
                        .is_some_and(|rest| entry.route.template.matches(rest).is_some())
                })
    }

    /// The REST binding for `verb` and `path`.
    pub(crate) fn rest(&self, verb: &http::Method, path: &str) -> Result<RestMatch, RestMiss> {
        let matches = |entry: &RestEntry| {
            let rest = path.strip_prefix(entry.prefix)?;
            entry.route.template.matches(rest)
        };
        if let Some((_, entries)) = self.rest.iter().find(|(v, _)| *v == verb.as_str()) {
            // A path whose last segment carries a `:verb` goes to a route declaring that verb
            // first: otherwise a plain `{name}` declared before it would take `NAME:verb` as
            // the name. Without such a route, the most specific route takes the whole path
            // (entries are sorted so: the first that matches).
            let has_verb = path
                .rsplit('/')
                .next()
                .is_some_and(|last| last.contains(':'));
            let verb_routes = entries
                .iter()
                .filter(|entry| has_verb && entry.route.template.verb.is_some());
            for entry in verb_routes.chain(entries) {
                if let Some(captures) = matches(entry) {
                    return Ok(RestMatch {
                        target: entry.target.clone(),
                        route: entry.route,
                        captures,
                    });
                }
            }
        }
        let allowed: Vec<&'static str> = self
            .rest
            .iter()
            .filter(|(other, entries)| {
                *other != verb.as_str() && entries.iter().any(|entry| matches(entry).is_some())
            })
            .map(|(other, _)| *other)
            .collect();
        Err(if allowed.is_empty() {
            RestMiss::NotFound
        } else {
            RestMiss::WrongMethod(allowed)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{BodySpec, HttpMethod, PathTemplate, PathVariable, Segment};
    use crate::service::{BoxFuture, Idempotency, MethodKind, Requests, Responses, ServiceInfo};
    use crate::{Guard, RequestContext, Status};

    fn empty() -> &'static crate::schema::MessageInfo {
        static EMPTY: crate::schema::MessageInfo = crate::schema::MessageInfo {
            full_name: "test.Empty",
            fields: &[],
        };
        &EMPTY
    }

    const ID: &[PathVariable] = &[PathVariable {
        field_path: &["id"],
        start: 1,
        end: 2,
    }];

    const fn get(segments: &'static [Segment], variables: &'static [PathVariable]) -> HttpRoute {
        HttpRoute {
            method: HttpMethod::Get,
            template: PathTemplate {
                source: "",
                segments,
                variables,
                verb: None,
            },
            body: BodySpec::None,
            response_body: None,
            request_http_body: false,
            response_http_body: false,
        }
    }

    const fn method(name: &'static str, routes: &'static [HttpRoute]) -> MethodInfo {
        MethodInfo {
            name,
            full_name: name,
            grpc_path: name,
            kind: MethodKind::Unary,
            guard: Guard::Public,
            idempotency: Idempotency::Unknown,
            routes,
            input: empty,
            output: empty,
        }
    }

    /// Variables declared before the literals and `**` before `*`, as ZITADEL's admin API
    /// declares `GET /orgs/{id}` before `GET /orgs/_is_unique`.
    static ROUTES: ServiceInfo = ServiceInfo {
        name: "test.Orgs",
        rest_prefix: "/admin/v1",
        methods: &[
            method(
                "/test.Orgs/GetOrgByID",
                &[get(&[Segment::Literal("orgs"), Segment::Single], ID)],
            ),
            method(
                "/test.Orgs/IsOrgUnique",
                &[get(
                    &[Segment::Literal("orgs"), Segment::Literal("_is_unique")],
                    &[],
                )],
            ),
            method(
                "/test.Orgs/GetFiles",
                &[get(&[Segment::Literal("files"), Segment::Multi], ID)],
            ),
            method(
                "/test.Orgs/GetFile",
                &[get(&[Segment::Literal("files"), Segment::Single], ID)],
            ),
        ],
    };

    struct Orgs;

    impl Service for Orgs {
        fn info(&self) -> &'static ServiceInfo {
            &ROUTES
        }

        fn call(
            &self,
            _: usize,
            _: RequestContext,
            _: Requests,
        ) -> BoxFuture<Result<Responses, Status>> {
            Box::pin(async { Err(Status::new(crate::Code::Unimplemented, "test")) })
        }
    }

    fn method_for(registry: &Registry, path: &str) -> &'static str {
        match registry.rest(&http::Method::GET, path) {
            Ok(found) => found.target.method.name,
            Err(_) => "no route",
        }
    }

    #[test]
    fn the_most_specific_matching_route_wins_whatever_the_declaration_order() {
        let mut registry = Registry::default();
        registry.add(Arc::new(Orgs));
        assert_eq!(
            method_for(&registry, "/admin/v1/orgs/_is_unique"),
            "/test.Orgs/IsOrgUnique"
        );
        assert_eq!(
            method_for(&registry, "/admin/v1/orgs/7"),
            "/test.Orgs/GetOrgByID"
        );
        assert_eq!(
            method_for(&registry, "/admin/v1/files/a"),
            "/test.Orgs/GetFile"
        );
        assert_eq!(
            method_for(&registry, "/admin/v1/files/a/b"),
            "/test.Orgs/GetFiles"
        );
        assert_eq!(method_for(&registry, "/admin/v1/users/7"), "no route");
    }
}
