//! A private PostgreSQL cluster in a temporary directory, created with `initdb` and stopped and
//! started with `pg_ctl`, for restarting the database under a running server. Used by the
//! `pg-restarts` run and, through `#[path]`, by the example's end-to-end tests, so it needs
//! nothing but the standard library.
//!
//! The binaries are looked up in `PG_BIN_DIR`, then `pg_config --bindir`, then the newest
//! `/usr/lib/postgresql/*/bin` (Debian's layout), then the `PATH`. PostgreSQL refuses to run as
//! root, so as root the cluster belongs to the `postgres` user and every command runs as it
//! (through `runuser`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

/// How `pg_ctl stop` shuts the server down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopMode {
    /// Disconnects every client, rolls back open transactions, checkpoints.
    Fast,
    /// Kills every backend at once, as a crash does; the next start recovers from the WAL.
    Immediate,
}

impl StopMode {
    fn flag(self) -> &'static str {
        match self {
            StopMode::Fast => "fast",
            StopMode::Immediate => "immediate",
        }
    }
}

/// Why the cluster could not be created, started or stopped.
#[derive(Debug)]
pub struct ClusterError(pub String);

impl std::fmt::Display for ClusterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ClusterError {}

/// A running (or stopped) private cluster; dropping it stops the server and removes the
/// directory.
#[derive(Debug)]
pub struct PgCluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

static CLUSTERS: AtomicU32 = AtomicU32::new(0);

impl PgCluster {
    /// The directory holding `initdb` and `pg_ctl`, if PostgreSQL is installed.
    pub fn binaries() -> Option<PathBuf> {
        let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
        if let Some(dir) = std::env::var_os("PG_BIN_DIR").map(PathBuf::from) {
            return has_tools(&dir).then_some(dir);
        }
        let from_pg_config = Command::new("pg_config")
            .arg("--bindir")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
        let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .map(|entries| entries.flatten().map(|e| e.path().join("bin")).collect())
            .unwrap_or_default();
        debian.sort_by_key(|dir| {
            let version = dir.parent().and_then(|v| v.file_name());
            version.and_then(|v| v.to_str()?.parse::<u32>().ok())
        });
        let on_path = std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
            .unwrap_or_default();
        from_pg_config
            .into_iter()
            .chain(debian.into_iter().rev())
            .chain(on_path)
            .find(|dir| has_tools(dir))
    }

    /// Creates a cluster with the binaries in `bin` in a fresh temporary directory and starts
    /// it on a free port of 127.0.0.1 (trust authentication, user `postgres`).
    pub fn start(bin: &Path) -> Result<PgCluster, ClusterError> {
        let dir = std::env::temp_dir().join(format!(
            "pg-cluster-{}-{}",
            std::process::id(),
            CLUSTERS.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)
            .map_err(|e| ClusterError(format!("create {}: {e}", dir.display())))?;
        let as_postgres = is_root();
        let cluster = PgCluster {
            bin: bin.to_path_buf(),
            dir,
            port: free_port()?,
            as_postgres,
        };
        if as_postgres {
            cluster.check(
                Command::new("chown").args(["postgres:", &cluster.path("")]),
                "chown",
            )?;
        }
        let data = cluster.path("data");
        let initdb = cluster.tool("initdb");
        cluster.check(
            cluster
                .command(&initdb)
                .args(["-D", &data, "-U", "postgres", "--auth=trust"])
                .args(["-E", "UTF8", "--no-sync"]),
            "initdb",
        )?;
        cluster.start_server()?;
        Ok(cluster)
    }

    /// The URL of the cluster's `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start_server(&self) -> Result<(), ClusterError> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=100",
            self.port,
            self.path("")
        );
        let pg_ctl = self.tool("pg_ctl");
        self.check(
            self.command(&pg_ctl)
                .args(["-D", &self.path("data"), "-l", &self.path("server.log")])
                .args(["-w", "-t", "60", "-o", &options, "start"]),
            "pg_ctl start",
        )
    }

    /// Stops the server and waits until it is gone.
    pub fn stop_server(&self, mode: StopMode) -> Result<(), ClusterError> {
        let pg_ctl = self.tool("pg_ctl");
        self.check(
            self.command(&pg_ctl)
                .args(["-D", &self.path("data"), "-m", mode.flag()])
                .args(["-w", "-t", "60", "stop"]),
            "pg_ctl stop",
        )
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    fn tool(&self, name: &str) -> String {
        self.bin.join(name).to_string_lossy().into_owned()
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }

    fn command(&self, program: &str) -> Command {
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--", program]);
            command
        } else {
            Command::new(program)
        }
    }

    fn check(&self, command: &mut Command, what: &str) -> Result<(), ClusterError> {
        let output = command
            .output()
            .map_err(|e| ClusterError(format!("{what}: {e}")))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(ClusterError(format!(
                "{what} failed ({}): {}{}\nserver log:\n{}",
                output.status,
                text(&output.stdout),
                text(&output.stderr),
                self.log()
            )))
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = self.stop_server(StopMode::Immediate);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o: Output| text(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> Result<u16, ClusterError> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| ClusterError(format!("free port: {e}")))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| ClusterError(format!("free port: {e}")))
}
