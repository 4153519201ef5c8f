//! The BENCHMARKS.md section `cargo xtask zitadel` writes: the size of ZITADEL's generated
//! code, the time to generate it and to check it.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use super::Size;

const BEGIN: &str = "<!-- bench-zitadel:begin";
const END: &str = "<!-- bench-zitadel:end -->";
/// The section follows the generator benchmark's.
const AFTER: &str = "<!-- bench-codegen:end -->";

/// What one full run measured.
#[derive(Debug, Clone)]
pub(super) struct Figures {
    pub(super) services: usize,
    pub(super) methods: usize,
    /// The crate's code (no client).
    pub(super) lean: Size,
    /// The same API with tonic's client, as before the client became opt-in.
    pub(super) with_client: Size,
    pub(super) generation: Duration,
    pub(super) check: Duration,
    pub(super) test_build: Duration,
    pub(super) machine: String,
}

fn kib(bytes: usize) -> String {
    format!("{:.0} KiB", bytes as f64 / 1024.0)
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

pub(super) fn render(f: &Figures) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{BEGIN} (written by `cargo xtask zitadel`; edits inside are overwritten) -->"
    );
    let _ = writeln!(s, "### A whole real API: ZITADEL\n");
    let _ = writeln!(
        s,
        "Command: `cargo xtask zitadel` — every service of ZITADEL's published API (npm `@zitadel/proto` 1.3.1, extracted by tests/zitadel/extract.sh: {} services, {} RPCs) generated into `target/zitadel/api` with protogate's default output (server side, proto3 JSON, validators, no tonic client) plus default handler stubs, no reference pages; compiled with `#![deny(warnings)]`; tests/zitadel/api/serve.rs then called every unary method over REST and over gRPC on a real socket, each answered by its own handler or refused by its validation, and every one of the {} services was reached over both (passed). One run of each step, on a shared machine: the load average below tells how much the figures were slowed.\n",
        f.services, f.methods, f.services
    );
    s.push_str(&f.machine);
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "| | protogate (default: no client) | with `build_client(true)` |"
    );
    let _ = writeln!(s, "|---|---|---|");
    let _ = writeln!(
        s,
        "| generated Rust | {} files, {} lines, {} | {} files, {} lines, {} |",
        f.lean.rust_files,
        f.lean.lines,
        kib(f.lean.bytes),
        f.with_client.rust_files,
        f.with_client.lines,
        kib(f.with_client.bytes)
    );
    let _ = writeln!(
        s,
        "| descriptor sets (`<package>.bin`, `include_bytes!`) | {} | {} |",
        kib(f.lean.descriptor_bytes),
        kib(f.with_client.descriptor_bytes)
    );
    let _ = writeln!(
        s,
        "| longest line | {} characters | {} characters |",
        f.lean.longest_line, f.with_client.longest_line
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "| step | time |");
    let _ = writeln!(s, "|---|---|");
    let _ = writeln!(
        s,
        "| generate (`pipeline::run_with` from the descriptor set, in memory) | {} |",
        seconds(f.generation)
    );
    let _ = writeln!(
        s,
        "| `cargo check --lib` of the generated crate (dependencies already checked) | {} |",
        seconds(f.check)
    );
    let _ = writeln!(
        s,
        "| `cargo test --no-run` (debug build of the crate and the serve test) | {} |",
        seconds(f.test_build)
    );
    let _ = writeln!(s, "\n{END}");
    s
}

/// Writes the section into `path`.
pub(super) fn write(path: &Path, section: &str) -> std::io::Result<()> {
    let markers = protogate_bench_sections::Markers {
        begin: BEGIN,
        end: END,
        after: Some(AFTER),
    };
    protogate_bench_sections::write(path, markers, section)
}
