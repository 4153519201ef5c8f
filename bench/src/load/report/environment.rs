//! What the report says about where and how it was measured: machine, toolchain, commit,
//! the temporary directory's file system, and the section's opening lines.

use super::*;

pub(super) fn first_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

pub(super) fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|m| m.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or("unknown memory".into(), |kib| {
            format!("{:.1} GiB memory", kib / 1024.0 / 1024.0)
        });
    format!("{cpus} CPUs ({model}), {memory}")
}

pub(super) fn commit() -> String {
    let repo = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let head = first_line("git", &["-C", repo, "rev-parse", "--short", "HEAD"]);
    // Other work in the tree does not change what runs here; the bench's own files do.
    let dirty = Command::new("git")
        .args([
            "-C",
            repo,
            "status",
            "--porcelain",
            "--",
            "bench",
            "runtime",
        ])
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    if dirty {
        format!("{head} with uncommitted changes under bench/ or runtime/")
    } else {
        head
    }
}

/// The file system under the system's temporary directory (where `serve --store sqlite`
/// keeps its database), as `stat -f` names it.
pub(super) fn temp_dir_filesystem() -> String {
    let dir = std::env::temp_dir();
    let kind = Command::new("stat")
        .args(["-f", "-c", "%T"])
        .arg(&dir)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "file system unknown".into());
    format!("under {}, {kind}", dir.display())
}

/// The heading, the command and the machine, toolchain, commit and servers measured.
pub(super) fn render_header(out: &mut String, r: &Results, measured: &[Subject], begin: &str) {
    let sqlite = r.store == StoreKind::Sqlite;
    let today = crate::baseline::rfc3339(crate::logic::now_micros());
    let m = &r.mode;
    let names = measured
        .iter()
        .map(|s| s.label())
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(out, "{begin}");
    let _ = writeln!(out, "## {}\n", heading(r.store));
    let seeded = if sqlite {
        format!(
            "seeded with the same 256 users in a SQLite file of its own ({}), opened as the example opens its store: WAL, `synchronous = FULL` (each commit waits for the disk), a pool of 8 connections. Every request reads the caller's row and writes it back in one transaction (`BEGIN IMMEDIATE`, SELECT, UPDATE, COMMIT), no cache in front; writers queue on SQLite's one write lock. The same logic as the Serving section above, so the ratios show how much of the frameworks' difference is left once real reads and writes take most of the time; no goal applies here",
            temp_dir_filesystem()
        )
    } else {
        "seeded with the same 256 in-memory users".to_string()
    };
    let _ = writeln!(
        out,
        "Command: `{}` (`cargo xtask bench{}` runs it) — {} rounds per cell, {} s measured per run ({} s h2load warm-up first); in each round every server that serves the protocol runs once, back to back, the order rotating from round to round; medians over rounds, (min – max) in brackets; ratios are medians of the per-round ratios, so both sides of a ratio ran within seconds of each other. Servers measured: {names}, each a separate process {seeded}; the load tool, the servers and other engineers' builds share the machine's cores, so absolute figures move with the load average given per row.\n",
        r.command,
        format_args!(
            "{}{}",
            if m.name == "full" { " --full" } else { "" },
            if sqlite { " --store sqlite" } else { "" }
        ),
        m.rounds,
        m.duration.as_secs(),
        m.warm_up.as_secs()
    );
    let _ = writeln!(out, "- Date: {} (UTC)", &today[..10]);
    let _ = writeln!(
        out,
        "- Machine: {}; load average {:.2} before, {:.2} after the run",
        machine(),
        r.load.0,
        r.load.1
    );
    let _ = writeln!(
        out,
        "- Toolchain: {}, `--release`",
        first_line("rustc", &["-V"])
    );
    let _ = writeln!(out, "- Commit: {}", commit());
    let _ = writeln!(
        out,
        "- Tools: {}; one client thread (`-t 1`), one stream per connection (`-m 1`)",
        r.tools
    );
    let _ = writeln!(
        out,
        "- Request: `VerifyMyPhone {{ code }}` with a valid HS256 bearer token — authenticate, validate (PGV `min_len 1, max_len 200`), look the user up, compare the code, bump the sequence, answer `details`. gRPC and gRPC-Web send a pre-encoded frame; Connect posts `{{\"code\":\"…\"}}` as `application/json` with `connect-protocol-version: 1`; REST posts it to `/auth/v1/users/me/phone/_verify` (h2load over h2c, wrk over HTTP/1.1)."
    );
    let _ = writeln!(
        out,
        "- baseline: `bench/src/baseline/` — tonic's generated server (tonic-prost-build + protox in bench/build.rs), tonic-web over the gRPC routes only, axum + serde for REST, `axum::serve` on one listener; no Connect."
    );
    let _ = writeln!(
        out,
        "- protogate: the example's generated code (`verify_phone::api`) with the same handler logic (`bench/src/logic.rs`), `protogate::Server::serve_with_shutdown` (the server's service, no router in front, on the same `axum::serve`)."
    );
    if sqlite {
        let _ = writeln!(
            out,
            "- Peers (connectrpc, connect-node, grpc-gateway): not run with this store; they keep their users in memory."
        );
    }
    let version = |s: Subject| {
        r.peer_versions
            .iter()
            .find(|(v, _)| *v == s)
            .map_or(String::new(), |(_, v)| format!(" ({v})"))
    };
    if !sqlite {
        let _ = writeln!(
            out,
            "- connectrpc{}: `bench/peers/connectrpc`, a cargo project outside the workspace — connectrpc-build (descriptors from protox) for buffa messages and the service trait, `connectrpc::Server` (hyper, HTTP/1.1 + h2c), bench/src/logic.rs and bench/src/auth.rs compiled in; gRPC, gRPC-Web and Connect.",
            version(Subject::Connectrpc)
        );
        let _ = writeln!(
            out,
            "- connect-node{}: `bench/peers/connect-node/server.mjs` — `connectNodeAdapter` on `node:http2` (h2c), the service loaded at start from the descriptor set bench/build.rs writes, the same logic and HS256 checks written in JavaScript (node's crypto); gRPC, gRPC-Web and Connect; one node process, as connect-node runs.",
            version(Subject::ConnectNode)
        );
        let _ = writeln!(
            out,
            "- grpc-gateway{}: `bench/peers/grpc-gateway`, built offline by its build.sh from Debian's Go packages — protoc-gen-go and protoc-gen-grpc-gateway (v1) over schemas/proto, grpc-go serving the service, the generated REST handlers forwarding to it over a loopback gRPC connection as ZITADEL's Go stack does, both behind one h2c port; the same logic and HS256 checks written in Go; gRPC and REST (h2c and HTTP/1.1). No goal applies; its ratio column is for information.",
            version(Subject::GrpcGateway)
        );
    }
    for (subject, why) in r.missing.iter().filter(|_| !sqlite) {
        let _ = writeln!(out, "- **{} not measured**: {why}", subject.label());
    }
    for (subject, protocol) in &r.skipped {
        let _ = writeln!(
            out,
            "- **{} over {} not measured**: its answer to the measured request is wrong (see Answer checks)",
            subject.label(),
            protocol.label()
        );
    }
    let _ = writeln!(out);
}
