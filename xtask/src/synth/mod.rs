//! Synthetic proto schemas of any size, for checking and benchmarking the generator on APIs with
//! hundreds of RPCs.
//!
//! The schema is deterministic (everything derives from the file and resource indices) and uses
//! what real APIs use: several packages importing each other, scalars of every kind, enums,
//! nested messages, maps, repeated fields, oneofs, proto3 `optional`, well-known types,
//! `google.api.http` on every RPC (GET with path variables, POST with `body: "*"`, PATCH with a
//! body field, custom verbs, additional bindings), PGV rules, and streaming RPCs of every kind.
//!
//! Layout: one file of shared types (`synth/common/v1/common.proto`) plus `files` service files
//! spread over several packages; each service file holds resources of eight RPCs each.

mod proto;

use std::path::{Path, PathBuf};

use proto::{common_file, service_file};

/// How big a schema to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Total RPCs (exactly this many).
    pub rpcs: usize,
    /// Service files (one more file holds the shared types).
    pub files: usize,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            rpcs: 500,
            files: 30,
        }
    }
}

/// A written schema: what to hand to the pipeline.
#[derive(Debug, Clone)]
pub struct Schema {
    /// Every file written, absolute.
    pub files: Vec<PathBuf>,
    /// Include directories: the output directory and `schemas/proto` (google.api, validate).
    pub includes: Vec<PathBuf>,
    /// The proto packages.
    pub packages: Vec<String>,
    /// RPCs written.
    pub rpcs: usize,
}

/// The common file's proto path.
const COMMON: &str = "synth/common/v1/common.proto";
const COMMON_PACKAGE: &str = "synth.common.v1";

const PACKAGES: &[&str] = &[
    "catalog",
    "billing",
    "identity",
    "inventory",
    "shipping",
    "support",
    "analytics",
    "messaging",
];

/// Resource names, one per resource; after the last, they repeat with a number.
const NOUNS: &str = "\
Widget Invoice Project Member Ticket Device Report Bucket Channel Contract Coupon Dataset \
Domain Endpoint Feature Folder Gateway Invitation Job Ledger License Listing Mailbox \
Meeting Metric Note Order Payment Pipeline Playlist Product Quota Receipt Region Release \
Reservation Review Schedule Secret Shipment Snapshot Subscription Survey Team Template \
Tenant Vehicle Voucher Warehouse Webhook Workspace Gadget Account Batch Cluster Comment \
Document Event Grant Machine";

/// RPCs per resource: Get, List, Create, Update, Delete, Activate, Lookup, and one streaming RPC.
const RPCS_PER_RESOURCE: usize = 8;

/// One service file to write.
struct FilePlan {
    package: String,
    path: String,
    service: String,
    resources: Vec<Resource>,
    /// The service files this one imports, with the full name of the resource whose leaf types
    /// it uses.
    imports: Vec<(String, String)>,
}

/// One resource and how many of its RPCs exist.
struct Resource {
    noun: String,
    /// The global resource index (picks the streaming kind).
    index: usize,
    rpcs: usize,
}

/// The schema's files as (proto path, content), the common file first.
pub fn generate(spec: Spec) -> Vec<(String, String)> {
    let plans = plan(spec);
    let mut out = vec![(COMMON.to_string(), common_file())];
    for plan in &plans {
        out.push((plan.path.clone(), service_file(plan)));
    }
    out
}

/// Writes the schema under `dir` (replacing an earlier `dir/synth/`) and says how to compile it.
pub fn write(dir: &Path, spec: Spec, workspace_root: &Path) -> std::io::Result<Schema> {
    let synth_dir = dir.join("synth");
    if synth_dir.is_dir() {
        std::fs::remove_dir_all(&synth_dir)?;
    }
    let mut files = Vec::new();
    for (name, content) in generate(spec) {
        let path = dir.join(&name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, content)?;
        files.push(path);
    }
    let mut packages: Vec<String> = plan(spec).into_iter().map(|p| p.package).collect();
    packages.push(COMMON_PACKAGE.to_string());
    packages.sort();
    packages.dedup();
    Ok(Schema {
        files,
        includes: vec![dir.to_path_buf(), workspace_root.join("schemas/proto")],
        packages,
        rpcs: spec.rpcs,
    })
}

fn plan(spec: Spec) -> Vec<FilePlan> {
    let files = spec.files.max(1);
    let package_count = files.div_ceil(5).clamp(1, PACKAGES.len() * 4);
    let package_of = |f: usize| f * package_count / files;
    let package_name = |p: usize| {
        let base = PACKAGES[p % PACKAGES.len()];
        match p / PACKAGES.len() {
            0 => format!("synth.{base}.v1"),
            n => format!("synth.{base}{}.v1", n + 1),
        }
    };
    let mut resource_index = 0;
    let mut plans: Vec<FilePlan> = Vec::new();
    for f in 0..files {
        let rpcs = spec.rpcs / files + usize::from(f < spec.rpcs % files);
        let mut resources = Vec::new();
        let mut left = rpcs;
        while left > 0 {
            let n = left.min(RPCS_PER_RESOURCE);
            resources.push(Resource {
                noun: noun(resource_index),
                index: resource_index,
                rpcs: n,
            });
            resource_index += 1;
            left -= n;
        }
        let package = package_name(package_of(f));
        let short = package.split('.').nth(1).unwrap_or("synth").to_string();
        let main = resources
            .first()
            .map(|r| r.noun.clone())
            .unwrap_or_else(|| format!("Empty{f}"));
        let path = format!("synth/{short}/v1/{}.proto", snake(&main));
        // The previous file, and the same-position file of the previous package: both are
        // earlier files, so imports never form a cycle. Only their leaf types (a nested message,
        // an enum) are used: whole resources referring to earlier resources would chain through
        // every file, which real APIs do not do.
        let mut imports = Vec::new();
        let candidates = [
            f.checked_sub(1),
            f.checked_sub(files.div_ceil(package_count)),
        ];
        for g in candidates.into_iter().flatten() {
            let earlier: &FilePlan = &plans[g];
            if let Some(r) = earlier.resources.first() {
                if !imports.iter().any(|(p, _)| *p == earlier.path) {
                    imports.push((
                        earlier.path.clone(),
                        format!("{}.{}", earlier.package, r.noun),
                    ));
                }
            }
        }
        plans.push(FilePlan {
            package,
            path,
            service: format!("{main}Service"),
            resources,
            imports,
        });
    }
    plans
}

fn noun(i: usize) -> String {
    let nouns: Vec<&str> = NOUNS.split_whitespace().collect();
    match i / nouns.len() {
        0 => nouns[i].to_string(),
        n => format!("{}{}", nouns[i % nouns.len()], n + 1),
    }
}

fn snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn plural(noun: &str) -> String {
    let digits = noun.trim_end_matches(|c: char| c.is_ascii_digit());
    let suffix = &noun[digits.len()..];
    let word = if let Some(stem) = digits
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'o', 'u']))
    {
        format!("{stem}ies")
    } else if digits.ends_with(['s', 'x']) || digits.ends_with("ch") || digits.ends_with("sh") {
        format!("{digits}es")
    } else {
        format!("{digits}s")
    };
    format!("{word}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rpc_count(files: &[(String, String)]) -> usize {
        files
            .iter()
            .map(|(_, c)| c.matches("\n  rpc ").count())
            .sum()
    }

    #[test]
    fn default_spec_has_exactly_the_rpcs_and_at_least_the_files() {
        let files = generate(Spec::default());
        assert_eq!(rpc_count(&files), 500);
        assert!(files.len() > 30, "{} files", files.len());
        let packages: std::collections::BTreeSet<&str> = files
            .iter()
            .map(|(_, c)| c.lines().find(|l| l.starts_with("package ")).unwrap_or(""))
            .collect();
        assert!(packages.len() >= 5, "{packages:?}");
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(generate(Spec::default()), generate(Spec::default()));
    }

    #[test]
    fn small_and_odd_sizes_work() {
        for (rpcs, files) in [(1, 1), (7, 3), (9, 1), (0, 2), (1000, 64)] {
            assert_eq!(
                rpc_count(&generate(Spec { rpcs, files })),
                rpcs,
                "{rpcs} rpcs / {files} files"
            );
        }
    }

    #[test]
    fn plurals() {
        assert_eq!(plural("Policy"), "Policies");
        assert_eq!(plural("Survey"), "Surveys");
        assert_eq!(plural("Batch"), "Batches");
        assert_eq!(plural("Widget2"), "Widgets2");
    }
}
