//! The peers under `bench/peers/`: built from the registries when the load asks for them,
//! never by `cargo build --workspace` or `cargo test`.
//!
//! - connectrpc: a cargo project of its own (its own `[workspace]` and lock file), built
//!   with `cargo build --release --manifest-path …` into `target/peers`.
//! - connect-node: `npm ci` from the pinned package-lock.json, then `node server.mjs` with
//!   the descriptor set this crate's build.rs compiled from `schemas/proto`.
//! - grpc-gateway: `bench/peers/grpc-gateway/build.sh`, which installs Go, grpc-go and
//!   grpc-gateway v1 from Debian, generates the Go code from `schemas/proto` and builds the
//!   server offline into `target/peers/grpc-gateway`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::servers::{Launch, Subject};

/// The descriptor set of `schemas/proto` (auth.proto, message.proto and their imports).
pub const DESCRIPTORS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/auth.fds.bin"));

/// Node's oldest major version connect-node 2.1 supports.
const NODE_MAJOR: u32 = 20;

/// Builds or prepares `peer` and says how to start it; `dir` takes generated files.
pub fn prepare(peer: Subject, repository: &Path, dir: &Path) -> Result<Launch, String> {
    match peer {
        Subject::Connectrpc => connectrpc(repository),
        Subject::ConnectNode => connect_node(repository, dir),
        Subject::GrpcGateway => grpc_gateway(repository),
        Subject::Baseline | Subject::Protogate => Err(format!(
            "{} is served by this executable, not a peer",
            peer.label()
        )),
    }
}

fn connectrpc(repository: &Path) -> Result<Launch, String> {
    let manifest = repository.join("bench/peers/connectrpc/Cargo.toml");
    let target = repository.join("target/peers");
    eprintln!("building the connectrpc peer ({})", manifest.display());
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--locked", "--manifest-path"])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target)
        .status()
        .map_err(|e| format!("cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building the connectrpc peer failed: {status}"));
    }
    Ok(Launch {
        program: target.join("release/peer-connectrpc"),
        args: ["--addr", "127.0.0.1:0"].map(String::from).to_vec(),
        dir: None,
    })
}

fn grpc_gateway(repository: &Path) -> Result<Launch, String> {
    let script = repository.join("bench/peers/grpc-gateway/build.sh");
    let out = repository.join("target/peers/grpc-gateway");
    eprintln!("building the grpc-gateway peer ({})", script.display());
    let status = Command::new("bash")
        .arg(&script)
        .arg(&out)
        .status()
        .map_err(|e| format!("bash {}: {e}", script.display()))?;
    if !status.success() {
        return Err(format!("building the grpc-gateway peer failed: {status}"));
    }
    Ok(Launch {
        program: out.join("peer-grpc-gateway"),
        args: ["--addr", "127.0.0.1:0"].map(String::from).to_vec(),
        dir: None,
    })
}

fn connect_node(repository: &Path, dir: &Path) -> Result<Launch, String> {
    let project = repository.join("bench/peers/connect-node");
    ensure_node()?;
    if !project
        .join("node_modules/@connectrpc/connect-node")
        .is_dir()
    {
        eprintln!("installing the connect-node peer's packages (npm ci)");
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&project)
            .status()
            .map_err(|e| format!("npm: {e}"))?;
        if !status.success() {
            return Err(format!("npm ci in {} failed: {status}", project.display()));
        }
    }
    let descriptors = dir.join("auth.fds.bin");
    std::fs::write(&descriptors, DESCRIPTORS)
        .map_err(|e| format!("{}: {e}", descriptors.display()))?;
    Ok(Launch {
        program: PathBuf::from("node"),
        args: vec![
            "server.mjs".into(),
            "--descriptors".into(),
            descriptors.display().to_string(),
            "--port".into(),
            "0".into(),
        ],
        dir: Some(project),
    })
}

/// The major version of `node`, if it runs.
fn node_major() -> Option<u32> {
    let out = Command::new("node").arg("--version").output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    text.trim()
        .strip_prefix('v')?
        .split('.')
        .next()?
        .parse()
        .ok()
}

/// Installs Debian's nodejs and npm when node or npm is missing.
fn ensure_node() -> Result<(), String> {
    let npm = || Command::new("npm").arg("--version").output().is_ok();
    if node_major().is_some() && npm() {
        return check_node_version();
    }
    eprintln!("installing nodejs and npm with apt-get");
    super::tools::apt_install(&["nodejs", "npm"])?;
    check_node_version()
}

fn check_node_version() -> Result<(), String> {
    match node_major() {
        Some(major) if major >= NODE_MAJOR => Ok(()),
        Some(major) => Err(format!(
            "node {major} is too old for connect-node (needs {NODE_MAJOR} or newer)"
        )),
        None => Err("node does not run".into()),
    }
}

/// The node version, for the report.
pub fn node_version() -> Option<String> {
    let out = Command::new("node").arg("--version").output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The peers' versions as their lock files pin them.
pub fn versions(repository: &Path) -> Vec<(Subject, String)> {
    let mut out = Vec::new();
    let lock = std::fs::read_to_string(repository.join("bench/peers/connectrpc/Cargo.lock"))
        .unwrap_or_default();
    let crates: Vec<String> = ["connectrpc", "buffa", "hyper"]
        .iter()
        .filter_map(|name| Some(format!("{name} {}", cargo_lock_version(&lock, name)?)))
        .collect();
    out.push((Subject::Connectrpc, crates.join(", ")));
    let lock =
        std::fs::read_to_string(repository.join("bench/peers/connect-node/package-lock.json"))
            .unwrap_or_default();
    let mut packages: Vec<String> = [
        "@connectrpc/connect-node",
        "@connectrpc/connect",
        "@bufbuild/protobuf",
    ]
    .iter()
    .filter_map(|name| Some(format!("{name} {}", npm_lock_version(&lock, name)?)))
    .collect();
    if let Some(node) = node_version() {
        packages.push(format!("node {node}"));
    }
    out.push((Subject::ConnectNode, packages.join(", ")));
    let go: Vec<String> = [
        (
            "grpc-gateway",
            "golang-github-grpc-ecosystem-grpc-gateway-dev",
        ),
        ("grpc-go", "golang-google-grpc-dev"),
        ("go", "golang-go"),
    ]
    .iter()
    .filter_map(|(name, package)| Some(format!("{name} {}", debian_version(package)?)))
    .collect();
    out.push((Subject::GrpcGateway, go.join(", ")));
    out
}

/// The installed version of a Debian package, without its epoch and Debian revision.
fn debian_version(package: &str) -> Option<String> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f=${Version}", package])
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    upstream_version(text.trim())
}

/// `2:1.19~1` → `1.19~1`, `1.6.4-2` → `1.6.4`.
fn upstream_version(version: &str) -> Option<String> {
    let version = version.split_once(':').map_or(version, |(_, v)| v);
    let version = version.rsplit_once('-').map_or(version, |(v, _)| v);
    (!version.is_empty()).then(|| version.to_string())
}

/// The version of `name` in a Cargo.lock.
fn cargo_lock_version(lock: &str, name: &str) -> Option<String> {
    let entry = format!("name = \"{name}\"\n");
    let at = lock.find(&entry)? + entry.len();
    let line = lock[at..].lines().next()?;
    Some(
        line.strip_prefix("version = ")?
            .trim_matches('"')
            .to_string(),
    )
}

/// The version of `name` in a package-lock.json (lockfile version 2 or 3).
fn npm_lock_version(lock: &str, name: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(lock).ok()?;
    let version = &value["packages"][format!("node_modules/{name}")]["version"];
    version.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_files_give_the_pinned_versions() {
        let cargo = "[[package]]\nname = \"connectrpc\"\nversion = \"0.9.1\"\n";
        assert_eq!(
            cargo_lock_version(cargo, "connectrpc").as_deref(),
            Some("0.9.1")
        );
        assert_eq!(cargo_lock_version(cargo, "buffa"), None);
        let npm = r#"{"packages":{"node_modules/@connectrpc/connect":{"version":"2.1.1"}}}"#;
        assert_eq!(
            npm_lock_version(npm, "@connectrpc/connect").as_deref(),
            Some("2.1.1")
        );
    }

    #[test]
    fn debian_versions_lose_epoch_and_revision() {
        assert_eq!(upstream_version("1.6.4-2").as_deref(), Some("1.6.4"));
        assert_eq!(upstream_version("2:1.19~1").as_deref(), Some("1.19~1"));
        assert_eq!(upstream_version("1.33.3").as_deref(), Some("1.33.3"));
        assert_eq!(upstream_version(""), None);
    }
}
