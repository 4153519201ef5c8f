//! Wiring: the data directory, the store, the keys, the handler and the protogate server.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::api::zitadel::auth::v1::AuthService;
use crate::code::CodeHasher;
use crate::config::Config;
use crate::keys::{self, KeyError};
use crate::limits::SendLimits;
use crate::notify::OutboxNotifier;
use crate::phones::{PhoneConfig, Phones, UserError};
use crate::store::{Dialect, SqlStore, StoreError};
use crate::token::{TokenError, Tokens};

/// The handler as the binary runs it.
pub type Handler = Phones<SqlStore, OutboxNotifier<SqlStore>>;

/// Why the server could not start or a command failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The data directory is unusable.
    #[error("data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// The data directory's path cannot be put into a SQLite URL.
    #[error("data directory {0} is not valid UTF-8; set DATABASE_URL instead")]
    NonUtf8Path(PathBuf),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A key is unusable.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A user could not be created.
    #[error(transparent)]
    User(#[from] UserError),
    /// A token could not be minted.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// The address cannot be listened on.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// What failed.
        source: std::io::Error,
    },
    /// Serving or writing the output failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Everything a command needs.
pub struct App {
    /// The store.
    pub store: Arc<SqlStore>,
    /// The handler.
    pub phones: Arc<Handler>,
    /// The token minter and checker.
    pub tokens: Tokens,
    /// The data directory, absolute.
    pub data_dir: PathBuf,
    /// The database, for people (no password).
    pub database: String,
}

impl App {
    /// Opens the data directory and the database (creating both, and the keys, when missing).
    pub async fn open(config: &Config) -> Result<App, AppError> {
        let Opened {
            store,
            data_dir,
            database,
        } = Opened::store(config).await?;
        let token_key = keys::load_or_create(
            "the token key",
            config.token_key.as_deref(),
            &data_dir,
            "token.key",
        )?;
        let code_key = keys::load_or_create(
            "the code key",
            config.code_key.as_deref(),
            &data_dir,
            "code.key",
        )?;
        let phones = Phones::new(
            store.clone(),
            OutboxNotifier::new(store.clone()),
            CodeHasher::new(&code_key),
            PhoneConfig {
                code_expiry: config.code_expiry,
                max_attempts: config.max_attempts,
                limits: SendLimits {
                    per_user: config.sends_per_user,
                    per_phone: config.sends_per_phone,
                    window: config.send_window,
                    min_interval: config.resend_interval,
                },
            },
        );
        Ok(App {
            store,
            phones: Arc::new(phones),
            tokens: Tokens::new(&token_key, &config.token_issuer, &config.token_audience),
            data_dir,
            database,
        })
    }

    /// The server: every protocol on one port, authenticated by bearer tokens, with the
    /// OpenAPI document at `/openapi.json`, the reference pages under `/docs` and per-RPC
    /// metrics in Prometheus text at `/metrics`.
    pub fn server(&self) -> protogate::Server {
        let server = protogate::Server::new()
            .authenticator(self.tokens.clone())
            .service(AuthService::from_arc(self.phones.clone()))
            .openapi(crate::reference::OPENAPI)
            .docs(crate::reference::PAGES);
        crate::metrics::serve(server)
    }
}

/// The store alone, for commands that need no keys.
pub struct Opened {
    /// The store, migrated.
    pub store: Arc<SqlStore>,
    /// The data directory, absolute.
    pub data_dir: PathBuf,
    /// The database, for people (no password).
    pub database: String,
}

impl Opened {
    /// Opens the data directory and the database, creating both when missing.
    pub async fn store(config: &Config) -> Result<Opened, AppError> {
        let data_dir = data_dir(&config.data_dir)?;
        let (url, database) = match &config.database_url {
            Some(url) => (url.clone(), crate::store::redact(url)),
            None => {
                let file = data_dir.join("verify-phone.db");
                (sqlite_url(&file)?, format!("SQLite {}", file.display()))
            }
        };
        let store = Arc::new(SqlStore::connect_with(&url, &config.store_options()).await?);
        if store.dialect() == Dialect::Postgres {
            tracing::info!(%database, "using PostgreSQL");
        }
        Ok(Opened {
            store,
            data_dir,
            database,
        })
    }
}

fn data_dir(path: &Path) -> Result<PathBuf, AppError> {
    let fail = |source| AppError::DataDir {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(path).map_err(fail)?;
    path.canonicalize().map_err(fail)
}

/// A `sqlite://` URL for an absolute `path`. sqlx parses the URL before decoding the path, so
/// everything but plain path characters is percent-encoded.
fn sqlite_url(path: &Path) -> Result<String, AppError> {
    let text = path
        .to_str()
        .ok_or_else(|| AppError::NonUtf8Path(path.to_path_buf()))?;
    let mut url = String::from("sqlite://");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url.push_str("?mode=rwc");
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_escape_what_a_url_would_misread() {
        let url = sqlite_url(Path::new("/tmp/my data/#1?.db")).expect("utf-8");
        assert_eq!(url, "sqlite:///tmp/my%20data/%231%3F.db?mode=rwc");
    }

    #[tokio::test]
    async fn a_data_dir_with_odd_characters_works() {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config {
            data_dir: dir.path().join("odd dir #1 ?%"),
            database_url: None,
            token_key: None,
            token_issuer: "i".into(),
            token_audience: "a".into(),
            code_key: None,
            code_expiry: std::time::Duration::from_secs(60),
            max_attempts: 5,
            sends_per_phone: 5,
            sends_per_user: 10,
            send_window: std::time::Duration::from_secs(3600),
            resend_interval: std::time::Duration::from_secs(30),
            database_timeout: std::time::Duration::from_secs(2),
            sqlite_max_pages: 0,
        };
        let app = App::open(&config).await.expect("opens");
        assert!(app.data_dir.join("verify-phone.db").exists());
        assert!(app.data_dir.join("token.key").exists());
        assert!(app.data_dir.join("code.key").exists());
    }
}
