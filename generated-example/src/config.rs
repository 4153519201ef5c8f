//! The command line: `serve`, `token` and `outbox`, with every setting also read from the
//! environment.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::store::StoreOptions;

/// ZITADEL's phone verification endpoints, served as REST, gRPC, gRPC-Web and Connect on one
/// port.
///
/// Without a command, `serve` runs with its defaults. State lives in a SQLite file under
/// DATA_DIR unless DATABASE_URL names a PostgreSQL database.
#[derive(Debug, Parser)]
#[command(name = "verify-phone", version)]
pub struct Cli {
    /// Settings shared by every command.
    #[command(flatten)]
    pub config: Config,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Settings shared by every command.
#[derive(Clone, Debug, Args)]
pub struct Config {
    /// Directory of the SQLite database and of the generated keys, relative to the working
    /// directory.
    #[arg(
        long,
        env = "VERIFY_PHONE_DATA_DIR",
        default_value = "data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Database: postgres://USER:PASSWORD@HOST/DB for PostgreSQL (many servers can share one),
    /// or sqlite:PATH. Default: SQLite at DATA_DIR/verify-phone.db, in WAL mode.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Secret signing the bearer tokens (HS256), at least 32 bytes. Default: the key in
    /// DATA_DIR/token.key, created on first use. Servers sharing a database need the same one.
    #[arg(
        long,
        env = "VERIFY_PHONE_TOKEN_KEY",
        global = true,
        hide_env_values = true
    )]
    pub token_key: Option<String>,

    /// Issuer (`iss`) of the tokens minted and required.
    #[arg(
        long,
        env = "VERIFY_PHONE_TOKEN_ISSUER",
        default_value = "verify-phone",
        global = true
    )]
    pub token_issuer: String,

    /// Audience (`aud`) of the tokens minted and required.
    #[arg(
        long,
        env = "VERIFY_PHONE_TOKEN_AUDIENCE",
        default_value = "verify-phone",
        global = true
    )]
    pub token_audience: String,

    /// Secret keying the hashes under which verification codes are stored (HMAC-SHA256), at
    /// least 32 bytes. Default: the key in DATA_DIR/code.key, created on first use. Servers
    /// sharing a database need the same one.
    #[arg(
        long,
        env = "VERIFY_PHONE_CODE_KEY",
        global = true,
        hide_env_values = true
    )]
    pub code_key: Option<String>,

    /// How long a verification code is valid: a number with ms, s, m, h or d, e.g. 10m.
    #[arg(
        long,
        env = "VERIFY_PHONE_CODE_EXPIRY",
        default_value = "1h",
        value_parser = parse_duration,
        global = true
    )]
    pub code_expiry: Duration,

    /// Failed verification attempts after which the code is invalidated and a new one must be
    /// requested.
    #[arg(
        long,
        env = "VERIFY_PHONE_MAX_ATTEMPTS",
        default_value_t = 5,
        value_parser = clap::value_parser!(u32).range(1..),
        global = true
    )]
    pub max_attempts: u32,

    /// Verification codes one phone number may be sent within --send-window, whoever asks
    /// (SetMyPhone and ResendMyPhoneVerification each send one); 0 for no limit.
    #[arg(
        long,
        env = "VERIFY_PHONE_SENDS_PER_PHONE",
        default_value_t = 5,
        global = true
    )]
    pub sends_per_phone: u32,

    /// Verification codes one user may be sent within --send-window; 0 for no limit.
    #[arg(
        long,
        env = "VERIFY_PHONE_SENDS_PER_USER",
        default_value_t = 10,
        global = true
    )]
    pub sends_per_user: u32,

    /// The sliding window the send limits count over: a number with ms, s, m, h or d.
    #[arg(
        long,
        env = "VERIFY_PHONE_SEND_WINDOW",
        default_value = "1h",
        value_parser = parse_duration,
        global = true
    )]
    pub send_window: Duration,

    /// The least time between two codes sent to one user, e.g. 30s; 0 for none.
    #[arg(
        long,
        env = "VERIFY_PHONE_RESEND_INTERVAL",
        default_value = "30s",
        value_parser = parse_interval,
        global = true
    )]
    pub resend_interval: Duration,

    /// How long a request waits for a database connection, reconnecting included, before it
    /// is answered UNAVAILABLE (REST 503): the longest a call hangs while the database is
    /// down. A number with ms, s, m, h or d.
    #[arg(
        long,
        env = "VERIFY_PHONE_DATABASE_TIMEOUT",
        default_value = "2s",
        value_parser = parse_duration,
        global = true
    )]
    pub database_timeout: Duration,

    /// SQLite only: the most pages (4 KiB each) the database may have (PRAGMA max_page_count).
    /// A write that would need more is refused as on a full disk (RESOURCE_EXHAUSTED, REST
    /// 429). 0: no limit but SQLite's own and the disk's.
    #[arg(
        long,
        env = "VERIFY_PHONE_SQLITE_MAX_PAGES",
        default_value_t = 0,
        global = true
    )]
    pub sqlite_max_pages: u32,
}

impl Config {
    /// How the store uses the database.
    pub fn store_options(&self) -> StoreOptions {
        StoreOptions {
            acquire_timeout: self.database_timeout,
            sqlite_max_pages: self.sqlite_max_pages,
        }
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (REST under /auth/v1, gRPC, gRPC-Web, Connect) on one port; creates a demo
    /// user and prints its token and a walkthrough.
    Serve(ServeArgs),
    /// Print a bearer token (only the token) for a user, creating the user if it does not exist.
    Token(TokenArgs),
    /// Print the SMS messages sent so far, oldest first.
    Outbox(OutboxArgs),
}

/// `serve`.
#[derive(Clone, Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "VERIFY_PHONE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
        }
    }
}

/// `token`.
#[derive(Clone, Debug, Args)]
pub struct TokenArgs {
    /// The user id (the token's subject).
    #[arg(long)]
    pub user: String,
    /// The organisation that owns the user (the token's `org` claim).
    #[arg(long)]
    pub org: String,
    /// How long the token is valid: a number with s, m, h or d.
    #[arg(long, env = "VERIFY_PHONE_TOKEN_TTL", default_value = "24h", value_parser = parse_duration)]
    pub ttl: Duration,
}

/// `outbox`.
#[derive(Clone, Debug, Args)]
pub struct OutboxArgs {
    /// One JSON object a line: user_id, phone, code, message, created_at (RFC 3339).
    #[arg(long)]
    pub json: bool,
}

/// Like [`parse_duration`], but `0` is allowed and means none.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    if text.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    parse_duration(text)
}

/// Parses `1h`, `10m`, `90s`, `500ms`, `2d`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("`{text}` needs a unit: ms, s, m, h or d"))?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` does not start with a number"))?;
    let seconds = |factor: u64| {
        n.checked_mul(factor)
            .map(Duration::from_secs)
            .ok_or_else(|| format!("`{text}` is too long"))
    };
    let duration = match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => seconds(1),
        "m" => seconds(60),
        "h" => seconds(3600),
        "d" => seconds(86_400),
        _ => Err(format!(
            "unknown unit `{unit}` in `{text}` (ms, s, m, h or d)"
        )),
    }?;
    if duration.is_zero() {
        return Err(format!("`{text}` must be longer than zero"));
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn intervals_may_be_zero() {
        assert_eq!(parse_interval("0"), Ok(Duration::ZERO));
        assert_eq!(parse_interval("30s"), Ok(Duration::from_secs(30)));
        for bad in ["", "0s", "x", "1"] {
            assert!(parse_interval(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_take_a_unit() {
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2d"), Ok(Duration::from_secs(172_800)));
        for bad in ["", "10", "h", "1y", "0s", "-1s", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn no_command_means_serve_with_defaults_and_settings_go_anywhere() {
        let cli = Cli::try_parse_from(["verify-phone"]).expect("parses");
        assert!(cli.command.is_none());
        assert_eq!(cli.config.max_attempts, 5);
        assert_eq!(cli.config.code_expiry, Duration::from_secs(3600));
        let cli = Cli::try_parse_from(["verify-phone", "outbox", "--json", "--data-dir", "/x"])
            .expect("parses");
        assert_eq!(cli.config.data_dir, PathBuf::from("/x"));
        assert!(matches!(
            cli.command,
            Some(Command::Outbox(OutboxArgs { json: true }))
        ));
        assert!(Cli::try_parse_from(["verify-phone", "--max-attempts", "0"]).is_err());
        assert_eq!(cli.config.sends_per_phone, 5);
        assert_eq!(cli.config.resend_interval, Duration::from_secs(30));
        assert_eq!(cli.config.store_options(), StoreOptions::default());
        let cli = Cli::try_parse_from([
            "verify-phone",
            "--resend-interval",
            "0",
            "--sends-per-phone",
            "0",
        ])
        .expect("parses");
        assert_eq!(cli.config.resend_interval, Duration::ZERO);
        assert_eq!(cli.config.sends_per_phone, 0);
        assert!(Cli::try_parse_from(["verify-phone", "token", "--user", "u"]).is_err());
    }
}
