//! Server secrets: given by flag or env, or created once in the data directory and reused.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use rand::rngs::OsRng;
use rand::RngCore as _;

/// HS256 and HMAC-SHA256 keys shorter than the hash output weaken both (RFC 7518 §3.2).
pub const MIN_KEY_BYTES: usize = 32;

/// Why a key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A key given on the command line or in the environment is too short.
    #[error("{name} must be at least {MIN_KEY_BYTES} bytes long")]
    TooShort {
        /// Which key.
        name: &'static str,
    },
    /// A key file holds something else than base64 of at least 32 bytes.
    #[error("{path} is not a key file (base64 of at least {MIN_KEY_BYTES} bytes)")]
    Malformed {
        /// The file.
        path: PathBuf,
    },
    /// Reading or writing the key file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
}

/// The key called `name`: `given` (its bytes, at least 32) if set, else the key in
/// `dir/file`, created with 32 random bytes when missing.
pub fn load_or_create(
    name: &'static str,
    given: Option<&str>,
    dir: &Path,
    file: &str,
) -> Result<Vec<u8>, KeyError> {
    if let Some(given) = given {
        if given.len() < MIN_KEY_BYTES {
            return Err(KeyError::TooShort { name });
        }
        return Ok(given.as_bytes().to_vec());
    }
    let path = dir.join(file);
    match read(&path) {
        Ok(key) => return Ok(key),
        Err(KeyError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    create(&path)?;
    read(&path)
}

fn read(path: &Path) -> Result<Vec<u8>, KeyError> {
    let text = std::fs::read_to_string(path).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let key = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| KeyError::Malformed {
            path: path.to_path_buf(),
        })?;
    if key.len() < MIN_KEY_BYTES {
        return Err(KeyError::Malformed {
            path: path.to_path_buf(),
        });
    }
    Ok(key)
}

/// Writes a new key next to `path` and links it into place, so a process starting at the
/// same moment either sees no file or a complete one, and the first writer wins.
fn create(path: &Path) -> Result<(), KeyError> {
    let io = |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut key = [0u8; MIN_KEY_BYTES];
    OsRng.fill_bytes(&mut key);
    let tmp = path.with_extension(format!("tmp.{}.{}", std::process::id(), OsRng.next_u32()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&tmp).and_then(|mut f| {
        let text = base64::engine::general_purpose::STANDARD.encode(key);
        f.write_all(format!("{text}\n").as_bytes())?;
        f.sync_all()
    });
    let linked = written.and_then(|()| match std::fs::hard_link(&tmp, path) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        other => other,
    });
    let _ = std::fs::remove_file(&tmp);
    linked.map_err(io)?;
    tracing::info!(path = %path.display(), "created a new key");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_key_is_kept_and_reused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = load_or_create("k", None, dir.path(), "k.key").expect("created");
        assert_eq!(first.len(), MIN_KEY_BYTES);
        let again = load_or_create("k", None, dir.path(), "k.key").expect("read");
        assert_eq!(first, again);
        let entries = std::fs::read_dir(dir.path()).expect("list").count();
        assert_eq!(entries, 1, "no temporary file is left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join("k.key"))
                .expect("stat")
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "only the owner may read the key");
        }
    }

    #[test]
    fn given_keys_win_and_must_be_long_enough() {
        let dir = tempfile::tempdir().expect("temp dir");
        let given = "x".repeat(MIN_KEY_BYTES);
        let key = load_or_create("k", Some(&given), dir.path(), "k.key").expect("given");
        assert_eq!(key, given.as_bytes());
        assert!(!dir.path().join("k.key").exists());
        assert!(matches!(
            load_or_create("k", Some("short"), dir.path(), "k.key"),
            Err(KeyError::TooShort { .. })
        ));
        std::fs::write(dir.path().join("bad.key"), "not base64!").expect("write");
        assert!(matches!(
            load_or_create("k", None, dir.path(), "bad.key"),
            Err(KeyError::Malformed { .. })
        ));
    }
}
