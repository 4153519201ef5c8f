//! The old side of a diff: a descriptor set, a directory holding the old versions of the same
//! files, or `git:REF` (the same paths at a revision of the enclosing repository).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::diag::{Diagnostic, Location};
use crate::load::{self, openapi::OpenApiDoc, ProtoInput};
use crate::pipeline::ProtoSource;

/// Where the old version comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Against {
    /// A serialized FileDescriptorSet.
    DescriptorSet(PathBuf),
    /// A directory standing for the include root that holds the inputs.
    Directory(PathBuf),
    /// A git revision of the repository that holds the inputs.
    Git(String),
}

impl Against {
    /// Reads `--against`: `git:REF`, a directory, or a descriptor-set file.
    pub fn parse(text: &str) -> Against {
        if let Some(rev) = text.strip_prefix("git:") {
            return Against::Git(rev.to_string());
        }
        let path = PathBuf::from(text);
        if path.is_dir() {
            Against::Directory(path)
        } else {
            Against::DescriptorSet(path)
        }
    }
}

fn error(code: &'static str, at: impl Into<String>, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, Location::new(at, 0, 0), message)
}

/// Compiles the old version of `new`'s inputs.
pub fn load(against: &Against, new: &ProtoSource) -> Result<ProtoInput, Diagnostic> {
    match (against, new) {
        (Against::DescriptorSet(path), _) => load::descriptor_set::read(path),
        (Against::Directory(dir), ProtoSource::Files { files, includes }) => {
            let layout = Layout::of(files, includes)?;
            layout.compile_under(dir, dir)
        }
        (Against::Directory(dir), ProtoSource::DescriptorSet(_)) => Err(error(
            "diff-against",
            dir.display().to_string(),
            "a descriptor-set input needs a descriptor set (or git:REF) to compare against, not a directory",
        )),
        (Against::Git(rev), ProtoSource::Files { files, includes }) => {
            let layout = Layout::of(files, includes)?;
            let repo = Repo::enclosing(&layout.root)?;
            let checkout = tempfile::tempdir().map_err(|e| {
                error("diff-against", rev.as_str(), format!("cannot make a temporary directory: {e}"))
            })?;
            let relative = repo.relative(&layout.root)?;
            repo.export(rev, &relative, checkout.path())?;
            layout.compile_under(&checkout.path().join(&relative), &PathBuf::from(format!("git:{rev}")))
        }
        (Against::Git(rev), ProtoSource::DescriptorSet(path)) => {
            let repo = Repo::enclosing(path.parent().unwrap_or(Path::new(".")))?;
            let relative = repo.relative(path)?;
            let bytes = repo.show(rev, &relative)?;
            let file = tempfile::NamedTempFile::new().map_err(|e| {
                error("diff-against", rev.as_str(), format!("cannot make a temporary file: {e}"))
            })?;
            std::fs::write(file.path(), bytes).map_err(|e| {
                error("diff-against", rev.as_str(), format!("cannot write a temporary file: {e}"))
            })?;
            load::descriptor_set::read(file.path())
        }
    }
}

/// The old OpenAPI document: a file, or `git:REF` for the new document's path at REF.
pub fn load_openapi(against: &str, new_path: &Path) -> Result<OpenApiDoc, Diagnostic> {
    let Some(rev) = against.strip_prefix("git:") else {
        return load::openapi::read(Path::new(against));
    };
    let repo = Repo::enclosing(new_path.parent().unwrap_or(Path::new(".")))?;
    let relative = repo.relative(new_path)?;
    let bytes = repo.show(rev, &relative)?;
    let dir = tempfile::tempdir().map_err(|e| {
        error(
            "diff-against",
            against,
            format!("cannot make a temporary directory: {e}"),
        )
    })?;
    let name = new_path
        .file_name()
        .unwrap_or_else(|| "openapi.yaml".as_ref());
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).map_err(|e| {
        error(
            "diff-against",
            against,
            format!("cannot write a temporary file: {e}"),
        )
    })?;
    let mut doc = load::openapi::read(&file)?;
    doc.file = format!("{against}:{}", relative.display());
    Ok(doc)
}

/// The new inputs, seen as paths under the include root that holds them.
struct Layout {
    /// The include directory that holds the inputs.
    root: PathBuf,
    /// The inputs relative to it.
    files: Vec<PathBuf>,
    /// The other include directories, kept for both sides.
    others: Vec<PathBuf>,
}

impl Layout {
    fn of(files: &[PathBuf], includes: &[PathBuf]) -> Result<Layout, Diagnostic> {
        let first = files
            .first()
            .ok_or_else(|| error("diff-against", "<input>", "no proto files to compare"))?;
        let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let holding = includes
            .iter()
            .find(|dir| canonical(first).starts_with(canonical(dir)))
            .cloned()
            .or_else(|| first.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("."));
        let root = canonical(&holding);
        let mut relative = Vec::new();
        for file in files {
            let rel = canonical(file)
                .strip_prefix(&root)
                .map(Path::to_path_buf)
                .map_err(|_| {
                    error(
                        "diff-against",
                        file.display().to_string(),
                        format!("`{}` is not under the include directory `{}` that holds the other inputs", file.display(), holding.display()),
                    )
                })?;
            relative.push(rel);
        }
        let others = includes
            .iter()
            .filter(|d| canonical(d) != root)
            .cloned()
            .collect();
        Ok(Layout {
            root,
            files: relative,
            others,
        })
    }

    /// Compiles the same relative files under `old_root`; diagnostics show `shown` for it.
    fn compile_under(&self, old_root: &Path, shown: &Path) -> Result<ProtoInput, Diagnostic> {
        let files: Vec<PathBuf> = self
            .files
            .iter()
            .map(|f| old_root.join(f))
            .filter(|f| f.is_file())
            .collect();
        if files.is_empty() {
            return Err(error(
                "diff-against",
                shown.display().to_string(),
                "none of the input files exists in the old version",
            )
            .hint("OLD stands for the include directory that holds the inputs: pass that directory's old copy"));
        }
        let mut includes = vec![old_root.to_path_buf()];
        includes.extend(self.others.iter().cloned());
        let mut input = load::proto::compile(&files, &includes).map_err(|mut d| {
            d.location.file = reroot(&d.location.file, old_root, shown);
            d
        })?;
        for shown_path in input.display_paths.values_mut() {
            *shown_path = reroot(shown_path, old_root, shown);
        }
        Ok(input)
    }
}

/// `old_root/x.proto` → `shown/x.proto`, so the old side names files the way the user does.
fn reroot(path: &str, old_root: &Path, shown: &Path) -> String {
    match Path::new(path).strip_prefix(old_root) {
        Ok(rest) => shown.join(rest).display().to_string(),
        Err(_) => path.to_string(),
    }
}

/// The git repository that encloses the inputs.
struct Repo {
    top: PathBuf,
}

impl Repo {
    fn enclosing(dir: &Path) -> Result<Repo, Diagnostic> {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let out = git(dir, &["rev-parse", "--show-toplevel"])?;
        let top = String::from_utf8_lossy(&out).trim().to_string();
        Ok(Repo {
            top: PathBuf::from(top),
        })
    }

    fn relative(&self, path: &Path) -> Result<PathBuf, Diagnostic> {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let top = self.top.canonicalize().unwrap_or_else(|_| self.top.clone());
        canonical
            .strip_prefix(&top)
            .map(Path::to_path_buf)
            .map_err(|_| {
                error(
                    "diff-against",
                    path.display().to_string(),
                    format!("not inside the git repository at {}", self.top.display()),
                )
            })
    }

    /// One file's bytes at `rev`.
    fn show(&self, rev: &str, relative: &Path) -> Result<Vec<u8>, Diagnostic> {
        git(
            &self.top,
            &["show", &format!("{rev}:{}", relative.display())],
        )
    }

    /// Writes the tree under `relative` at `rev` into `into` (same relative paths).
    fn export(&self, rev: &str, relative: &Path, into: &Path) -> Result<(), Diagnostic> {
        let listing = git(
            &self.top,
            &[
                "ls-tree",
                "-r",
                "-z",
                "--name-only",
                rev,
                "--",
                &relative.display().to_string(),
            ],
        )?;
        for name in listing.split(|b| *b == 0).filter(|n| !n.is_empty()) {
            let name = String::from_utf8_lossy(name).to_string();
            if !name.ends_with(".proto") {
                continue;
            }
            let bytes = git(&self.top, &["show", &format!("{rev}:{name}")])?;
            let target = into.join(&name);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    error(
                        "diff-against",
                        name.as_str(),
                        format!("cannot write the old version: {e}"),
                    )
                })?;
            }
            std::fs::write(&target, bytes).map_err(|e| {
                error(
                    "diff-against",
                    name.as_str(),
                    format!("cannot write the old version: {e}"),
                )
            })?;
        }
        Ok(())
    }
}

/// Runs git in `dir`; a failure is a diagnostic with git's own words.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, Diagnostic> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            error(
                "diff-git",
                dir.display().to_string(),
                format!("cannot run git: {e}"),
            )
        })?;
    if !out.status.success() {
        return Err(error(
            "diff-git",
            dir.display().to_string(),
            format!(
                "git {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ));
    }
    Ok(out.stdout)
}
