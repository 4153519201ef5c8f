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
                };
                match self.rest.iter_mut().find(|(v, _)| *v == verb) {
                    Some((_, entries)) => entries.push(entry),
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
            // the name. Without such a route, the first route in order takes the whole path.
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
