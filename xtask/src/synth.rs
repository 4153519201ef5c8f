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

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

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

const HEADER_IMPORTS: &str = r#"import "google/api/annotations.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/empty.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
import "validate/validate.proto";
"#;

fn common_file() -> String {
    format!(
        r#"// Shared types of the synthetic API. Generated by `cargo xtask synth`.
syntax = "proto3";

package {COMMON_PACKAGE};

import "google/protobuf/timestamp.proto";
import "validate/validate.proto";

// Who can see a resource.
enum Visibility {{
  VISIBILITY_UNSPECIFIED = 0;
  // Only the owner.
  VISIBILITY_PRIVATE = 1;
  // Everyone in the organisation.
  VISIBILITY_INTERNAL = 2;
  // Everyone.
  VISIBILITY_PUBLIC = 3;
}}

// The user and organisation a resource belongs to.
message Owner {{
  // The user's id.
  string user_id = 1 [(validate.rules).string = {{min_len: 1, max_len: 64, pattern: "^[a-z0-9][a-z0-9-]*$"}}];
  // The organisation's id.
  string org_id = 2 [(validate.rules).string = {{min_len: 1, max_len: 64}}];
  // Who else can see it.
  Visibility visibility = 3 [(validate.rules).enum.defined_only = true];
  // Since when the owner owns it.
  google.protobuf.Timestamp since = 4;
}}

// A postal address.
message Address {{
  // Street lines, most specific last.
  repeated string lines = 1 [(validate.rules).repeated = {{min_items: 1, max_items: 5}}];
  // ISO 3166-1 alpha-2 country code.
  string country_code = 2 [(validate.rules).string = {{len: 2}}];
  // Anything else the carrier needs.
  map<string, string> extra = 3;
  // Geographic position, when known.
  message Position {{
    // Degrees north.
    double latitude = 1 [(validate.rules).double = {{gte: -90, lte: 90}}];
    // Degrees east.
    double longitude = 2 [(validate.rules).double = {{gte: -180, lte: 180}}];
  }}
  // Where it is.
  Position position = 4;
}}

// Paging through a list.
message PageRequest {{
  // At most this many items.
  uint32 page_size = 1 [(validate.rules).uint32 = {{lte: 1000}}];
  // The `next_page_token` of the previous page.
  string page_token = 2 [(validate.rules).string.max_len = 512];
}}
"#
    )
}

fn service_file(plan: &FilePlan) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// Synthetic service `{}`. Generated by `cargo xtask synth`.",
        plan.service
    );
    let _ = writeln!(s, "syntax = \"proto3\";\n\npackage {};\n", plan.package);
    s.push_str(HEADER_IMPORTS);
    let _ = writeln!(s, "import \"{COMMON}\";");
    for (path, _) in &plan.imports {
        let _ = writeln!(s, "import \"{path}\";");
    }
    let short = plan.package.split('.').nth(1).unwrap_or("synth");
    if !plan.resources.is_empty() {
        let _ = writeln!(
            s,
            "\n// The {} API, part of the synthetic `{short}` domain.",
            plan.service
        );
        let _ = writeln!(s, "service {} {{", plan.service);
        for r in &plan.resources {
            rpcs(&mut s, short, r);
        }
        s.push_str("}\n");
    }
    for r in &plan.resources {
        resource_messages(&mut s, plan, r);
    }
    s
}

fn rpcs(s: &mut String, short: &str, r: &Resource) {
    let n = &r.noun;
    let ns = plural(n);
    let field = snake(n);
    let collection = snake(&ns).replace('_', "-");
    let base = format!("/v1/{short}/{collection}");
    let all = [
        format!(
            "  // Returns one {n}.\n  rpc Get{n}(Get{n}Request) returns ({n}) {{\n    option (google.api.http) = {{get: \"{base}/{{id}}\"}};\n  }}\n"
        ),
        format!(
            "  // Lists {ns}, filtered and paged.\n  rpc List{ns}(List{ns}Request) returns (List{ns}Response) {{\n    option (google.api.http) = {{get: \"{base}\"}};\n  }}\n"
        ),
        format!(
            "  // Creates a {n}.\n  rpc Create{n}(Create{n}Request) returns ({n}) {{\n    option (google.api.http) = {{\n      post: \"{base}\"\n      body: \"*\"\n    }};\n  }}\n"
        ),
        format!(
            "  // Updates the fields of a {n} named in `update_mask`.\n  rpc Update{n}(Update{n}Request) returns ({n}) {{\n    option (google.api.http) = {{\n      patch: \"{base}/{{{field}.id}}\"\n      body: \"{field}\"\n    }};\n  }}\n"
        ),
        format!(
            "  // Deletes a {n}.\n  rpc Delete{n}(Delete{n}Request) returns (google.protobuf.Empty) {{\n    option (google.api.http) = {{delete: \"{base}/{{id}}\"}};\n  }}\n"
        ),
        format!(
            "  // Activates a {n} after an optional grace period.\n  rpc Activate{n}(Activate{n}Request) returns (Activate{n}Response) {{\n    option (google.api.http) = {{\n      post: \"{base}/{{id}}:activate\"\n      body: \"*\"\n    }};\n  }}\n"
        ),
        format!(
            "  // Finds a {n} by its resource name.\n  rpc Lookup{n}(Lookup{n}Request) returns ({n}) {{\n    option (google.api.http) = {{\n      get: \"/v1/{{name=orgs/*/{collection}/*}}\"\n      additional_bindings {{get: \"{base}:lookup\"}}\n    }};\n  }}\n"
        ),
        match r.index % 3 {
            0 => format!(
                "  // Streams changes to {ns}.\n  rpc Watch{ns}(Watch{ns}Request) returns (stream Watch{ns}Response) {{\n    option (google.api.http) = {{get: \"{base}:watch\"}};\n  }}\n"
            ),
            1 => format!(
                "  // Imports a stream of {ns}.\n  rpc Import{ns}(stream Import{ns}Request) returns (Import{ns}Response) {{\n    option (google.api.http) = {{\n      post: \"{base}:import\"\n      body: \"*\"\n    }};\n  }}\n"
            ),
            _ => format!(
                "  // Synchronises {ns} both ways.\n  rpc Sync{ns}(stream Sync{ns}Request) returns (stream Sync{ns}Response) {{\n    option (google.api.http) = {{\n      post: \"{base}:sync\"\n      body: \"*\"\n    }};\n  }}\n"
            ),
        },
    ];
    for rpc in all.iter().take(r.rpcs) {
        s.push('\n');
        s.push_str(rpc);
    }
}

fn resource_messages(s: &mut String, plan: &FilePlan, r: &Resource) {
    let n = &r.noun;
    let ns = plural(n);
    let field = snake(n);
    let upper = snake(n).to_uppercase();
    let references: String = plan
        .imports
        .iter()
        .enumerate()
        .map(|(i, (_, ty))| {
            let (label, kind) = (40 + 2 * i, 41 + 2 * i);
            format!("  // A label of a resource of another file.\n  {ty}.Label related_label_{i} = {label};\n  // How a resource of another file is billed.\n  {ty}Kind related_kind_{i} = {kind};\n")
        })
        .collect();
    let _ = write!(
        s,
        r#"
// How a {n} is billed.
enum {n}Kind {{
  {upper}_KIND_UNSPECIFIED = 0;
  // Billed per use.
  {upper}_KIND_METERED = 1;
  // Billed monthly.
  {upper}_KIND_FLAT = 2;
}}

// A {n}: a resource of the synthetic API.
message {n} {{
  // Lifecycle state of a {n}.
  enum State {{
    STATE_UNSPECIFIED = 0;
    // In use.
    STATE_ACTIVE = 1;
    // Temporarily disabled.
    STATE_SUSPENDED = 2;
    // Read-only forever.
    STATE_ARCHIVED = 3;
  }}
  // A key/value label.
  message Label {{
    // The key: lower case, digits, `_` and `-`.
    string key = 1 [(validate.rules).string = {{min_len: 1, max_len: 63, pattern: "^[a-z][a-z0-9_-]*$"}}];
    // The value.
    string value = 2 [(validate.rules).string.max_len = 255];
  }}
  // Server-assigned id.
  string id = 1;
  // Shown in lists.
  string display_name = 2 [(validate.rules).string = {{min_len: 1, max_len: 200}}];
  // Incremented on every change.
  int64 revision = 3;
  // Quality score in percent.
  double score = 4 [(validate.rules).double = {{gte: 0, lte: 100}}];
  // Whether it is in use.
  bool enabled = 5;
  // Content checksum.
  bytes checksum = 6;
  // 0 (lowest) to 10.
  uint32 priority = 7 [(validate.rules).uint32.lte = 10];
  // Lifecycle state.
  State state = 8 [(validate.rules).enum.defined_only = true];
  // Labels, at most 64.
  repeated Label labels = 9 [(validate.rules).repeated.max_items = 64];
  // Free-form annotations.
  map<string, string> annotations = 10;
  // Labels by display slot.
  map<int32, Label> labels_by_slot = 11;
  // Search tags, unique.
  repeated string tags = 12 [(validate.rules).repeated = {{max_items: 20, unique: true}}];
  // When it was created.
  google.protobuf.Timestamp create_time = 13;
  // When it last changed.
  google.protobuf.Timestamp update_time = 14;
  // How long it is kept after deletion.
  google.protobuf.Duration retention = 15;
  // An optional nickname.
  google.protobuf.StringValue nickname = 16;
  // An optional quota.
  google.protobuf.Int64Value quota = 17;
  // Arbitrary structured attributes.
  google.protobuf.Struct attributes = 18;
  // Who owns it.
  {COMMON_PACKAGE}.Owner owner = 19;
  // Concurrency token.
  optional string etag = 20;
  // Stable content fingerprint.
  fixed64 fingerprint = 21;
  // Last change in stock.
  sint32 delta = 22;
  // A ratio between 0 and 1.
  float ratio = 23 [(validate.rules).float = {{gte: 0, lte: 1}}];
  // Where it points to.
  oneof target {{
    // A web address.
    string url = 24 [(validate.rules).string.prefix = "https://"];
    // An account.
    int64 account_number = 25 [(validate.rules).int64.gt = 0];
    // A postal address.
    {COMMON_PACKAGE}.Address address = 26;
  }}
  // Who can see it.
  {COMMON_PACKAGE}.Visibility visibility = 27;
  // How it is billed.
  {n}Kind kind = 28;
{references}}}
"#
    );
    // The messages of each RPC slot that exists; the resource message always.
    let slots: [Vec<String>; RPCS_PER_RESOURCE] = [
        vec![format!(
            r#"
// The request of Get{n}.
message Get{n}Request {{
  // The id.
  string id = 1 [(validate.rules).string = {{min_len: 1, max_len: 64}}];
  // The fields to return; all when empty.
  google.protobuf.FieldMask read_mask = 2;
}}
"#
        )],
        vec![
            format!(
                r#"
// The request of List{ns}.
message List{ns}Request {{
  // Paging.
  {COMMON_PACKAGE}.PageRequest page = 1;
  // A filter expression.
  string filter = 2 [(validate.rules).string.max_len = 1024];
  // Only {ns} in this state.
  {n}.State state = 3 [(validate.rules).enum.defined_only = true];
  // Only {ns} with all these tags.
  repeated string tags = 4 [(validate.rules).repeated.max_items = 10];
  // Sort order.
  string order_by = 5 [(validate.rules).string = {{in: ["", "create_time", "display_name"]}}];
}}
"#
            ),
            format!(
                r#"
// The answer of List{ns}.
message List{ns}Response {{
  // This page.
  repeated {n} items = 1;
  // The token of the next page; empty on the last.
  string next_page_token = 2;
  // How many there are in all.
  uint64 total_size = 3;
}}
"#
            ),
        ],
        vec![format!(
            r#"
// The request of Create{n}.
message Create{n}Request {{
  // The {n} to create.
  {n} {field} = 1 [(validate.rules).message.required = true];
  // Makes retries idempotent.
  string request_id = 2 [(validate.rules).string.max_len = 36];
  // Only validate, create nothing.
  bool validate_only = 3;
}}
"#
        )],
        vec![format!(
            r#"
// The request of Update{n}.
message Update{n}Request {{
  // The new values; `{field}.id` names the {n}.
  {n} {field} = 1 [(validate.rules).message.required = true];
  // The fields to update.
  google.protobuf.FieldMask update_mask = 2;
  // Create it when it does not exist.
  bool allow_missing = 3;
}}
"#
        )],
        vec![format!(
            r#"
// The request of Delete{n}.
message Delete{n}Request {{
  // The id.
  string id = 1 [(validate.rules).string.min_len = 1];
  // Delete only if unchanged.
  string etag = 2;
  // Also delete what depends on it.
  bool force = 3;
}}
"#
        )],
        vec![
            format!(
                r#"
// The request of Activate{n}.
message Activate{n}Request {{
  // The id.
  string id = 1 [(validate.rules).string.min_len = 1];
  // Wait this long first.
  google.protobuf.Duration grace_period = 2;
  // Why, for the audit log.
  string reason = 3 [(validate.rules).string.max_len = 500];
}}
"#
            ),
            format!(
                r#"
// The answer of Activate{n}.
message Activate{n}Response {{
  // The activated {n}.
  {n} {field} = 1;
  // When it became active.
  google.protobuf.Timestamp activate_time = 2;
}}
"#
            ),
        ],
        vec![format!(
            r#"
// The request of Lookup{n}.
message Lookup{n}Request {{
  // `orgs/{{org}}/{{kind}}/{{id}}`.
  string name = 1 [(validate.rules).string = {{prefix: "orgs/", max_len: 256}}];
}}
"#
        )],
        match r.index % 3 {
            0 => vec![
                format!(
                    r#"
// The request of Watch{ns}.
message Watch{ns}Request {{
  // A filter expression.
  string filter = 1;
  // Changes after this time.
  google.protobuf.Timestamp since = 2;
}}
"#
                ),
                format!(
                    r#"
// One change streamed by Watch{ns}.
message Watch{ns}Response {{
  // What happened.
  oneof event {{
    // Created or changed.
    {n} upserted = 1;
    // Deleted: its id.
    string deleted_id = 2;
  }}
  // When.
  google.protobuf.Timestamp event_time = 3;
}}
"#
                ),
            ],
            1 => vec![
                format!(
                    r#"
// One item of Import{ns}.
message Import{ns}Request {{
  // The {n}.
  {n} item = 1 [(validate.rules).message.required = true];
}}
"#
                ),
                format!(
                    r#"
// The answer of Import{ns}.
message Import{ns}Response {{
  // How many were imported.
  uint32 imported = 1;
  // Ids that failed.
  repeated string failed_ids = 2;
}}
"#
                ),
            ],
            _ => vec![
                format!(
                    r#"
// One message of Sync{ns} from the client.
message Sync{ns}Request {{
  // Local changes.
  repeated {n} changed = 1 [(validate.rules).repeated.max_items = 100];
  // Acknowledged server revision.
  int64 ack_revision = 2;
}}
"#
                ),
                format!(
                    r#"
// One message of Sync{ns} from the server.
message Sync{ns}Response {{
  // Remote changes.
  repeated {n} changed = 1;
  // The server revision.
  int64 revision = 2;
}}
"#
                ),
            ],
        },
    ];
    for block in slots.iter().take(r.rpcs).flatten() {
        s.push_str(block);
    }
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
