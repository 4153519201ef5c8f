//! Bearer tokens for both servers: HS256 JWTs checked for signature, expiry, issuer and
//! audience, the same work the example's authenticator does on every request.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::logic::User;

/// The key both servers and the load driver share (a benchmark secret, nothing else).
pub const BENCH_KEY: &[u8] = b"protogate-bench-token-key-32-bytes!!";
/// The issuer.
pub const ISSUER: &str = "protogate-bench";
/// The audience.
pub const AUDIENCE: &str = "zitadel.auth.v1";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    org: String,
    iat: u64,
    exp: u64,
}

/// Mints and checks tokens.
#[derive(Clone)]
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl Default for Tokens {
    fn default() -> Self {
        Tokens::new(BENCH_KEY)
    }
}

impl Tokens {
    /// Tokens signed with `key`.
    pub fn new(key: &[u8]) -> Tokens {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        Tokens {
            encoding: EncodingKey::from_secret(key),
            decoding: DecodingKey::from_secret(key),
            validation,
        }
    }

    /// A token for `user` of `org`, valid for `ttl`.
    pub fn mint(&self, user: &str, org: &str, ttl: Duration) -> String {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user.into(),
            org: org.into(),
            iat: now,
            exp: now + ttl.as_secs(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    /// The user a token stands for, or why it is refused.
    pub fn verify(&self, token: &str) -> Result<User, &'static str> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| "invalid token")?;
        Ok(User {
            id: data.claims.sub,
            org: data.claims.org,
        })
    }

    /// The user of an `authorization` header value: `Ok(None)` without one.
    pub fn from_header(&self, value: Option<&[u8]>) -> Result<Option<User>, &'static str> {
        let Some(value) = value else {
            return Ok(None);
        };
        let value = std::str::from_utf8(value).map_err(|_| "authorization header is not text")?;
        let (scheme, token) = value
            .split_once(' ')
            .ok_or("authorization header must be `Bearer <token>`")?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err("authorization header must be `Bearer <token>`");
        }
        self.verify(token.trim()).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_tokens_verify_and_others_do_not() {
        let tokens = Tokens::default();
        let token = tokens.mint("u", "o", Duration::from_secs(60));
        let header = format!("Bearer {token}");
        let user = tokens.from_header(Some(header.as_bytes())).unwrap();
        assert_eq!(user.map(|u| (u.id, u.org)), Some(("u".into(), "o".into())));
        assert_eq!(tokens.from_header(None), Ok(None));
        assert!(tokens.from_header(Some(b"Basic x")).is_err());
        assert!(Tokens::new(b"another key of thirty-two bytes!!")
            .verify(&token)
            .is_err());
    }
}
