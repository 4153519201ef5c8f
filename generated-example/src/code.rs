//! Verification codes: drawn from the OS CSPRNG, stored only as a keyed hash, compared in
//! constant time.

use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::Rng;
use sha2::Sha256;

/// The characters a code is made of, as ZITADEL's default phone code generator.
pub const ALPHABET: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// The length of a code (36^6 ≈ 2.2 billion possibilities).
pub const LENGTH: usize = 6;

/// A fresh code. `gen_range` draws without modulo bias.
pub fn generate() -> String {
    (0..LENGTH)
        .map(|_| char::from(ALPHABET[OsRng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// HMAC-SHA256 under a server key. A plain hash of a 6-character code is reversed by trying
/// every code offline in seconds; without the key a stolen database reveals nothing.
#[derive(Clone)]
pub struct CodeHasher {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for CodeHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeHasher(..)")
    }
}

impl CodeHasher {
    /// A hasher keyed with `key` (any length; the key files hold 32 random bytes).
    pub fn new(key: &[u8]) -> CodeHasher {
        // HMAC takes keys of any length; `new_from_slice` only fails for fixed-size MACs.
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        CodeHasher { mac }
    }

    fn keyed(&self, user_id: &str, code: &str) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        // Binding the user id means a code hash copied to another user's events is useless.
        mac.update(b"verify-phone/phone-code/v1\0");
        mac.update(user_id.as_bytes());
        mac.update(b"\0");
        mac.update(code.as_bytes());
        mac
    }

    /// The hash stored for `code` of `user_id`.
    pub fn hash(&self, user_id: &str, code: &str) -> Vec<u8> {
        self.keyed(user_id, code).finalize().into_bytes().to_vec()
    }

    /// Whether `code` is the one hashed into `expected`, in time independent of where they
    /// differ.
    pub fn matches(&self, user_id: &str, code: &str, expected: &[u8]) -> bool {
        self.keyed(user_id, code).verify_slice(expected).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_characters_of_the_alphabet_and_use_all_of_it() {
        let mut seen = [false; 36];
        for _ in 0..2_000 {
            let code = generate();
            assert_eq!(code.len(), LENGTH);
            for b in code.bytes() {
                let i = ALPHABET.iter().position(|&a| a == b).expect("in alphabet");
                seen[i] = true;
            }
        }
        assert!(
            seen.iter().all(|&s| s),
            "every character occurs in 12,000 draws"
        );
        assert_ne!(generate(), generate());
    }

    #[test]
    fn hashes_depend_on_key_user_and_code() {
        let a = CodeHasher::new(b"key-a");
        let b = CodeHasher::new(b"key-b");
        let h = a.hash("u1", "ABC123");
        assert_eq!(h.len(), 32);
        assert!(a.matches("u1", "ABC123", &h));
        assert!(!a.matches("u1", "ABC124", &h));
        assert!(!a.matches("u2", "ABC123", &h));
        assert!(!b.matches("u1", "ABC123", &h));
        assert!(!a.matches("u1", "ABC123", &h[..31]));
    }
}
