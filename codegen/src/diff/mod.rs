//! `protogate diff`: what changed between two versions of a schema, and which changes break
//! clients.
//!
//! Two families of rules run over the pair:
//! - buf's breaking rules ([`buf`]), with buf's rule IDs and categories, over the raw
//!   descriptors: a change is breaking when a rule of the selected category flags it;
//! - protogate's own rules, always on, over the model both sides build: HTTP bindings
//!   ([`http`]), validation rules ([`validate`]), auth options ([`auth`]), and, given both
//!   documents, the OpenAPI pair ([`openapi`]).
//!
//! Changes no breaking rule flags — additions, loosened rules, comments — are reported too,
//! as non-breaking findings ([`changes`]), so the report reads as a changelog.

pub mod ack;
pub mod auth;
pub mod buf;
pub mod catalog;
pub mod changes;
pub mod http;
pub mod old;
pub mod openapi;
pub mod report;
pub mod source;
pub mod validate;

use std::collections::BTreeSet;

pub use catalog::Category;

use crate::diag::{Diagnostics, Location};
use crate::load::openapi::OpenApiDoc;
use crate::load::ProtoInput;
use crate::model::build::ModelOptions;
use crate::model::{self, Api};

/// One change between the two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// buf's rule ID (`FIELD_NO_DELETE`) or protogate's (`HTTP_PATH_CHANGED`).
    pub rule: &'static str,
    /// buf's categories of the rule; empty for protogate's own rules.
    pub categories: &'static [Category],
    /// Whether the change breaks clients under the selected category.
    pub breaking: bool,
    /// Where: the new file where the element (or its parent) still exists, else the old one.
    pub location: Location,
    /// The element the change is about, fully qualified (`pkg.Message.field`), for
    /// acknowledgements.
    pub element: String,
    /// What changed, in buf's words for buf's rules.
    pub message: String,
    /// A breaking change the team has accepted in its acknowledgements file.
    pub acknowledged: bool,
}

/// One version of the schema.
pub struct Side<'a> {
    /// The compiled proto input.
    pub proto: &'a ProtoInput,
    /// The OpenAPI document, when one is compared.
    pub openapi: Option<&'a OpenApiDoc>,
}

/// What to compare and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// buf's category whose rules decide what is breaking.
    pub category: Category,
    /// Model settings (the auth option's name).
    pub model: ModelOptions,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            category: Category::File,
            model: ModelOptions::default(),
        }
    }
}

/// Every change from `old` to `new`, sorted by file, line and rule, breaking as `options`'
/// category decides.
pub fn diff(old: &Side<'_>, new: &Side<'_>, options: &Options) -> Vec<Finding> {
    settle(findings(old, new, &options.model), options.category)
}

/// Every rule's findings, before a category decides which break (see [`settle`]): one pass
/// serves every category.
pub fn findings(old: &Side<'_>, new: &Side<'_>, settings: &ModelOptions) -> Vec<Finding> {
    let old_files = source::Files::of(old.proto);
    let new_files = source::Files::of(new.proto);
    let mut found = buf::run(&old_files, &new_files);
    // The model of either side is built only for protogate's own rules; its diagnostics were
    // (or will be) reported by `gen`, not here.
    let mut ignored = Diagnostics::default();
    let old_api: Api = model::build::build(old.proto, settings, &mut ignored);
    let new_api: Api = model::build::build(new.proto, settings, &mut ignored);
    let pair = ApiPair {
        old: &old_api,
        new: &new_api,
    };
    found.extend(http::run(&pair));
    found.extend(validate::run(&pair));
    found.extend(auth::run(&pair));
    found.extend(changes::run(&old_files, &new_files));
    if let (Some(old_doc), Some(new_doc)) = (old.openapi, new.openapi) {
        found.extend(openapi::run(old_doc, new_doc));
    }
    found
}

/// The two models, for protogate's own rules.
pub struct ApiPair<'a> {
    /// Before.
    pub old: &'a Api,
    /// After.
    pub new: &'a Api,
}

impl<'a> ApiPair<'a> {
    /// The methods both versions have (same service, same name), old first.
    pub fn method_pairs(&self) -> Vec<(&'a model::Method, &'a model::Method)> {
        let mut out = Vec::new();
        for new_service in self.new.services() {
            let Some(old_service) = self
                .old
                .services()
                .find(|s| s.full_name == new_service.full_name)
            else {
                continue;
            };
            for new in &new_service.methods {
                if let Some(old) = old_service.methods.iter().find(|m| m.name == new.name) {
                    out.push((old, new));
                }
            }
        }
        out
    }
}

/// Marks what is breaking under `category` and keeps one finding per changed element: a buf
/// rule outside the category still reports its change, as non-breaking, unless a rule of the
/// category already reported the same element at the same place.
pub fn settle(mut found: Vec<Finding>, category: Category) -> Vec<Finding> {
    for f in &mut found {
        f.breaking = if f.categories.is_empty() {
            f.breaking
        } else {
            f.categories.contains(&category)
        };
    }
    found.sort_by(|a, b| {
        (&a.location, !a.breaking, a.rule, &a.message).cmp(&(
            &b.location,
            !b.breaking,
            b.rule,
            &b.message,
        ))
    });
    let flagged: BTreeSet<(Location, String)> = found
        .iter()
        .filter(|f| f.breaking)
        .map(|f| (f.location.clone(), f.element.clone()))
        .collect();
    let mut noted: BTreeSet<(Location, String)> = BTreeSet::new();
    found.retain(|f| {
        if f.breaking {
            return true;
        }
        let key = (f.location.clone(), f.element.clone());
        if f.categories.is_empty() {
            return true;
        }
        !flagged.contains(&key) && noted.insert(key)
    });
    found.dedup();
    found
}

impl Finding {
    /// A finding of protogate's own rules (no buf category); `breaking` as the rule decides.
    pub fn own(
        rule: &'static str,
        breaking: bool,
        location: Location,
        element: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule,
            categories: &[],
            breaking,
            location,
            element: element.into(),
            message: message.into(),
            acknowledged: false,
        }
    }

    /// Whether it breaks clients and nobody accepted that.
    pub fn fails(&self) -> bool {
        self.breaking && !self.acknowledged
    }
}

/// When `protogate diff` exits 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// An unacknowledged breaking change.
    Breaking,
    /// Any change at all.
    Any,
    /// Never.
    None,
}

impl FailOn {
    /// Whether `found` meets the condition.
    pub fn met(self, found: &[Finding]) -> bool {
        match self {
            FailOn::Breaking => found.iter().any(Finding::fails),
            FailOn::Any => !found.is_empty(),
            FailOn::None => false,
        }
    }
}

/// A whole `protogate diff` run: what to load and compare.
#[derive(Debug, Clone)]
pub struct Request {
    /// The new proto input.
    pub new: crate::pipeline::ProtoSource,
    /// The old version.
    pub against: old::Against,
    /// The new OpenAPI document and the old one (a path or `git:REF`).
    pub openapi: Option<(std::path::PathBuf, String)>,
    /// The file of acknowledged breaking changes.
    pub acknowledged: Option<std::path::PathBuf>,
    /// Category and model settings.
    pub options: Options,
}

/// What a run found.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Every change, acknowledged ones marked.
    pub findings: Vec<Finding>,
    /// Acknowledgements that matched no breaking change.
    pub unused: Vec<ack::Entry>,
}

/// Loads both versions and compares them. A schema that does not compile, a missing old
/// version or a malformed acknowledgements file is an error diagnostic.
pub fn compare(request: &Request) -> Result<Outcome, Diagnostics> {
    let one = |d: crate::diag::Diagnostic| Diagnostics(vec![d]);
    let new = match &request.new {
        crate::pipeline::ProtoSource::Files { files, includes } => {
            crate::load::proto::compile(files, includes).map_err(one)?
        }
        crate::pipeline::ProtoSource::DescriptorSet(path) => {
            crate::load::descriptor_set::read(path).map_err(one)?
        }
    };
    let old_input = old::load(&request.against, &request.new).map_err(one)?;
    let docs = match &request.openapi {
        Some((new_path, against)) => Some((
            old::load_openapi(against, new_path).map_err(one)?,
            crate::load::openapi::read(new_path).map_err(one)?,
        )),
        None => None,
    };
    let acknowledged = match &request.acknowledged {
        Some(path) => ack::Acknowledged::read(path).map_err(one)?,
        None => ack::Acknowledged::default(),
    };
    let old_side = Side {
        proto: &old_input,
        openapi: docs.as_ref().map(|(old, _)| old),
    };
    let new_side = Side {
        proto: &new,
        openapi: docs.as_ref().map(|(_, new)| new),
    };
    let mut findings = diff(&old_side, &new_side, &request.options);
    let unused = acknowledged
        .apply(&mut findings)
        .into_iter()
        .cloned()
        .collect();
    Ok(Outcome { findings, unused })
}
