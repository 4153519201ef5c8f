//! `protogate diff` against `buf breaking` as the oracle: seeded one-edit mutations of the
//! example's schemas, the library fixture and ZITADEL's whole published API; for every
//! mutation and every category (FILE, PACKAGE, WIRE_JSON, WIRE) both must flag the same
//! breaking changes — same rule ID, same file, line and column, same message — with no
//! disagreement allowed.
//!
//! buf comes from `PROTOGATE_BUF` or the interop suite's npm install
//! (`tests/interop/node/node_modules/.bin/buf`); ZITADEL's descriptor set from
//! `PROTOGATE_ZITADEL_SET` or `tests/zitadel/extract.sh`. With `PROTOGATE_ORACLE_REQUIRED=1`
//! (scripts/test.sh sets it) a missing oracle fails the test instead of skipping it.

mod diff_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use diff_support::{mutate_set, mutate_text, rng::Rng, zitadel::zitadel_set};
use prost::Message as _;
use protogate_codegen::diff::{self, catalog, Category, Side};
use protogate_codegen::load::{self, ProtoInput};

const CATEGORIES: [Category; 4] = [
    Category::File,
    Category::Package,
    Category::WireJson,
    Category::Wire,
];
const BUF_CONFIG: &str =
    r#"{"version":"v2","breaking":{"use":["FILE","PACKAGE","WIRE_JSON","WIRE"]}}"#;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn required() -> bool {
    std::env::var("PROTOGATE_ORACLE_REQUIRED").as_deref() == Ok("1")
}

fn buf() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PROTOGATE_BUF") {
        return Some(PathBuf::from(path));
    }
    let local = root().join("tests/interop/node/node_modules/.bin/buf");
    local.is_file().then_some(local)
}

/// One finding, as both sides are compared: (file, line, column, rule, message); the file is
/// `None` where buf prints no path (a deleted file or package).
type Key = (Option<String>, u32, u32, String, String);

/// What buf said about one pair.
enum BufVerdict {
    Findings(Vec<Key>),
    /// buf could not compile the mutated schema; the mutation is discarded.
    Rejected(String),
}

fn run_buf(buf: &Path, dir: &Path, new: &str, old: &str) -> BufVerdict {
    let out = Command::new(buf)
        .current_dir(dir)
        .args([
            "breaking",
            new,
            "--against",
            old,
            "--error-format",
            "json",
            "--config",
            BUF_CONFIG,
        ])
        .output()
        .expect("buf runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    match out.status.code() {
        Some(0) => return BufVerdict::Findings(Vec::new()),
        Some(100) => {}
        _ => {
            return BufVerdict::Rejected(format!(
                "{stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }
    let mut keys = Vec::new();
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("buf prints JSON lines");
        let rule = v["type"].as_str().unwrap_or("").to_string();
        if rule == "COMPILE" {
            return BufVerdict::Rejected(line.to_string());
        }
        keys.push((
            v["path"].as_str().map(str::to_string),
            v["start_line"].as_u64().unwrap_or(1) as u32,
            v["start_column"].as_u64().unwrap_or(1) as u32,
            rule,
            v["message"].as_str().unwrap_or("").to_string(),
        ));
    }
    BufVerdict::Findings(keys)
}

/// protogate's findings for a pair, before a category settles them.
fn all_ours(old: &ProtoInput, new: &ProtoInput) -> Vec<diff::Finding> {
    diff::findings(
        &Side {
            proto: old,
            openapi: None,
        },
        &Side {
            proto: new,
            openapi: None,
        },
        &Default::default(),
    )
}

/// protogate's breaking findings of buf's rules under `category`, keyed like buf's.
fn ours(all: &[diff::Finding], category: Category, strip: &str) -> BTreeSet<Key> {
    diff::settle(all.to_vec(), category)
        .into_iter()
        .filter(|f| f.breaking && !f.categories.is_empty())
        .map(|f| {
            let path = (f.location.line != 0).then(|| {
                f.location
                    .file
                    .strip_prefix(strip)
                    .unwrap_or(&f.location.file)
                    .to_string()
            });
            (
                path,
                f.location.line,
                f.location.column,
                f.rule.to_string(),
                f.message,
            )
        })
        .collect()
}

fn theirs(all: &[Key], category: Category) -> BTreeSet<Key> {
    all.iter()
        .filter(|k| {
            catalog::categories(&k.3)
                .unwrap_or(&[
                    Category::File,
                    Category::Package,
                    Category::WireJson,
                    Category::Wire,
                ])
                .contains(&category)
        })
        .map(|k| match &k.0 {
            // buf prints no line for the elements it cannot place: ours are line 0.
            None => (None, 0, 0, k.3.clone(), k.4.clone()),
            Some(_) => k.clone(),
        })
        .collect()
}

#[derive(Default)]
struct Tally {
    accepted: usize,
    discarded: usize,
    flagged: BTreeMap<&'static str, usize>,
    rules: BTreeMap<String, usize>,
    disagreements: Vec<String>,
    silent_edits_flagged: Vec<String>,
}

impl Tally {
    /// A mutation buf could not compile: discarded, the first few shown.
    fn reject(&mut self, what: &str, why: &str) {
        self.discarded += 1;
        if self.discarded <= 5 {
            eprintln!("discarded (buf rejects it): {what}: {}", why.trim());
        }
    }

    fn compare(
        &mut self,
        what: &str,
        buf_keys: &[Key],
        old: &ProtoInput,
        new: &ProtoInput,
        strip: &str,
        silent: bool,
    ) {
        self.accepted += 1;
        for key in buf_keys {
            *self.rules.entry(key.3.clone()).or_default() += 1;
        }
        let all = all_ours(old, new);
        for category in CATEGORIES {
            let expected = theirs(buf_keys, category);
            let got = ours(&all, category, strip);
            if !expected.is_empty() {
                *self.flagged.entry(category.name()).or_default() += 1;
            }
            if silent && !(expected.is_empty() && got.is_empty()) {
                self.silent_edits_flagged.push(format!(
                    "{what} [{}]: buf {expected:?}, protogate {got:?}",
                    category.name()
                ));
            }
            if expected != got {
                let missing: Vec<&Key> = expected.difference(&got).collect();
                let extra: Vec<&Key> = got.difference(&expected).collect();
                self.disagreements.push(format!(
                    "{what} [{}]\n    only buf:       {missing:?}\n    only protogate: {extra:?}",
                    category.name()
                ));
            }
        }
    }
}

fn proto_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "proto") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn copy_tree(from: &Path, to: &Path) {
    for file in proto_files(from) {
        let rel = file.strip_prefix(from).expect("inside");
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().expect("has parent")).expect("mkdir");
        std::fs::copy(&file, &target).expect("copy");
    }
}

fn compile_dir(dir: &Path) -> Result<ProtoInput, String> {
    load::proto::compile(&proto_files(dir), &[dir.to_path_buf()]).map_err(|d| d.to_string())
}

/// Mutates the sources under `base` (files whose names start with `prefix`) `target` times.
fn source_corpus(
    name: &str,
    buf: &Path,
    base: &Path,
    prefix: &str,
    target: usize,
    seed: u64,
    tally: &mut Tally,
) {
    let work = tempfile::tempdir().expect("tempdir");
    let old_dir = work.path().join("old");
    copy_tree(base, &old_dir);
    let old = compile_dir(&old_dir).expect("the corpus compiles");
    let names: Vec<String> = proto_files(&old_dir)
        .iter()
        .map(|p| {
            p.strip_prefix(&old_dir)
                .expect("inside")
                .display()
                .to_string()
        })
        .filter(|n| n.starts_with(prefix))
        .collect();
    let mut rng = Rng::new(seed);
    let start = tally.accepted;
    let mut attempts = 0;
    while tally.accepted - start < target && attempts < target * 8 {
        attempts += 1;
        let new_dir = work.path().join(format!("new{attempts}"));
        copy_tree(&old_dir, &new_dir);
        let file = rng.pick(&names).expect("files").clone();
        let kind = rng.below(mutate_text::KINDS + 1);
        let what = if kind == mutate_text::KINDS {
            std::fs::remove_file(new_dir.join(&file)).expect("delete");
            format!("{name}: delete file {file}")
        } else {
            let text = std::fs::read_to_string(new_dir.join(&file)).expect("read");
            let Some((desc, mutated)) = mutate_text::edit(kind, &text, &mut rng) else {
                let _ = std::fs::remove_dir_all(&new_dir);
                continue;
            };
            std::fs::write(new_dir.join(&file), mutated).expect("write");
            format!("{name}: {file}: {desc}")
        };
        let Ok(new) = compile_dir(&new_dir) else {
            tally.discarded += 1;
            let _ = std::fs::remove_dir_all(&new_dir);
            continue;
        };
        match run_buf(buf, &new_dir, ".", "../old") {
            BufVerdict::Rejected(why) => tally.reject(&what, &why),
            BufVerdict::Findings(keys) => {
                let strip = format!("{}/", new_dir.display());
                let silent = matches!(kind, 15..=17);
                tally.compare(&what, &keys, &old, &new, &strip, silent);
            }
        }
        let _ = std::fs::remove_dir_all(&new_dir);
    }
}

fn descriptor_corpus(buf: &Path, set_path: &Path, target: usize, seed: u64, tally: &mut Tally) {
    let bytes = std::fs::read(set_path).expect("descriptor set");
    let set = prost_types::FileDescriptorSet::decode(bytes.as_slice()).expect("a descriptor set");
    let work = tempfile::tempdir().expect("tempdir");
    let old_path = work.path().join("old.binpb");
    std::fs::write(&old_path, &bytes).expect("write");
    let old = load::descriptor_set::read(&old_path).expect("loads");
    let mut rng = Rng::new(seed);
    let start = tally.accepted;
    let mut attempts = 0;
    while tally.accepted - start < target && attempts < target * 8 {
        attempts += 1;
        let kind = rng.below(mutate_set::KINDS);
        let Some((desc, mutated)) = mutate_set::edit(kind, &set, "zitadel/", &mut rng) else {
            continue;
        };
        let new_path = work.path().join("new.binpb");
        std::fs::write(&new_path, mutated.encode_to_vec()).expect("write");
        let Ok(new) = load::descriptor_set::read(&new_path) else {
            tally.discarded += 1;
            continue;
        };
        match run_buf(buf, work.path(), "new.binpb", "old.binpb") {
            BufVerdict::Rejected(why) => tally.reject(&desc, &why),
            BufVerdict::Findings(keys) => {
                tally.compare(
                    &format!("zitadel: {desc}"),
                    &keys,
                    &old,
                    &new,
                    "",
                    kind == 12,
                );
            }
        }
    }
}

#[test]
fn agrees_with_buf_breaking_on_seeded_mutations() {
    let Some(buf) = buf() else {
        assert!(
            !required(),
            "buf is required (PROTOGATE_ORACLE_REQUIRED=1) but was not found"
        );
        eprintln!(
            "skipped: buf not found (run tests/interop/run.sh node once, or set PROTOGATE_BUF)"
        );
        return;
    };
    let mut tally = Tally::default();
    source_corpus(
        "example",
        &buf,
        &root().join("schemas/proto"),
        "",
        110,
        7,
        &mut tally,
    );
    let library = tempfile::tempdir().expect("tempdir");
    copy_tree(&root().join("schemas/proto"), library.path());
    copy_tree(
        &root().join("codegen/tests/fixtures/library"),
        library.path(),
    );
    source_corpus(
        "library",
        &buf,
        library.path(),
        "library/",
        110,
        11,
        &mut tally,
    );
    match zitadel_set() {
        Some(set) => descriptor_corpus(&buf, &set, 100, 13, &mut tally),
        None => assert!(
            !required(),
            "ZITADEL's descriptor set is required but tests/zitadel/extract.sh failed"
        ),
    }
    eprintln!(
        "{} mutations compared ({} discarded as not compiling); buf flagged breaking changes in {:?} of them",
        tally.accepted, tally.discarded, tally.flagged
    );
    eprintln!("rules buf reported (findings): {:?}", tally.rules);
    for d in &tally.disagreements {
        eprintln!("DISAGREE {d}");
    }
    assert!(
        tally.silent_edits_flagged.is_empty(),
        "non-breaking edits flagged: {:#?}",
        tally.silent_edits_flagged
    );
    assert!(
        tally.disagreements.is_empty(),
        "{} disagreements with buf breaking",
        tally.disagreements.len()
    );
    assert!(
        tally.accepted >= 300 || !required(),
        "only {} mutations compared",
        tally.accepted
    );
}
