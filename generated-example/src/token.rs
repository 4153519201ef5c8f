//! Bearer tokens: HS256 JWTs minted with the server's key and checked on every protocol.
//! The subject is the user; the `org` claim is the organisation that owns it (ZITADEL's
//! resource owner).
//!
//! The policy, checked in this order before a call reaches a handler:
//! - at most [`MAX_TOKEN_BYTES`] bytes, checked before anything is decoded;
//! - a header naming `alg: HS256` and no `kid` (the server has one key, so any key id is
//!   unknown) and no `crit` (no extension is understood, RFC 7515 §4.1.11); `none`, other HMAC
//!   sizes and every asymmetric algorithm are refused, so an RS/HS confusion cannot arise;
//! - the HMAC-SHA256 signature with the server's key;
//! - the claims `iss`, `aud` (a single string), `sub`, `org`, `iat` and `exp` present;
//!   `iss` and `aud` equal to the server's; `exp` not past, `nbf` (when present) not future,
//!   and `iat` not future, each with [`LEEWAY_SECS`] of clock skew allowed.

use std::time::Duration;

use base64::Engine as _;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use protogate::{Caller, Status};
use serde::{Deserialize, Serialize};

/// Tokens longer than this are refused unread: ours are about 250 bytes.
pub const MAX_TOKEN_BYTES: usize = 4096;

/// Clock skew allowed on `exp`, `nbf` and `iat`: tokens are minted and checked by machines of
/// one deployment.
pub const LEEWAY_SECS: u64 = 5;

/// The claims of a token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Subject: the user id.
    pub sub: String,
    /// The organisation that owns the user.
    pub org: String,
    /// Issued at (seconds since the epoch).
    pub iat: u64,
    /// Expires at (seconds since the epoch).
    pub exp: u64,
}

/// Why a token was refused or could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The token is not valid; the text says why without echoing it.
    #[error("invalid token: {0}")]
    Invalid(&'static str),
    /// The token lacks a claim the server requires.
    #[error("invalid token: missing claim `{0}`")]
    MissingClaim(&'static str),
    /// Signing failed.
    #[error("cannot sign token: {0}")]
    Sign(#[from] jsonwebtoken::errors::Error),
}

/// Mints and checks tokens with one key.
#[derive(Clone)]
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl Tokens {
    /// Tokens signed with `key`, issued by `issuer` for `audience`.
    pub fn new(key: &[u8], issuer: &str, audience: &str) -> Tokens {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        Tokens {
            encoding: EncodingKey::from_secret(key),
            decoding: DecodingKey::from_secret(key),
            validation,
            issuer: issuer.to_string(),
            audience: audience.to_string(),
        }
    }

    /// A token for `user` of `org`, valid for `ttl`.
    pub fn mint(&self, user: &str, org: &str, ttl: Duration) -> Result<String, TokenError> {
        let now = jsonwebtoken::get_current_timestamp();
        self.sign(&Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user.to_string(),
            org: org.to_string(),
            iat: now,
            exp: now.saturating_add(ttl.as_secs()),
        })
    }

    /// Signs arbitrary claims (tests use it for expired or foreign tokens).
    pub fn sign(&self, claims: &Claims) -> Result<String, TokenError> {
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            claims,
            &self.encoding,
        )?)
    }

    /// The caller a token stands for.
    pub fn verify(&self, token: &str) -> Result<Caller, TokenError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(TokenError::Invalid("too long"));
        }
        check_header(token)?;
        let data = jsonwebtoken::decode::<Incoming>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::MissingRequiredClaim(claim) => {
                    TokenError::MissingClaim(spec_claim(claim))
                }
                kind => TokenError::Invalid(reason(kind)),
            })?;
        let claims = data.claims.complete()?;
        let now = jsonwebtoken::get_current_timestamp();
        if claims.iat > now.saturating_add(LEEWAY_SECS) {
            return Err(TokenError::Invalid("issued in the future"));
        }
        Ok(Caller {
            subject: claims.sub,
            org: Some(claims.org),
            permissions: Vec::new(),
            extensions: Default::default(),
        })
    }
}

/// The claims as they arrive: each may be missing, which [`Incoming::complete`] names.
#[derive(Deserialize)]
struct Incoming {
    iss: Option<String>,
    aud: Option<String>,
    sub: Option<String>,
    org: Option<String>,
    iat: Option<u64>,
    exp: Option<u64>,
}

impl Incoming {
    fn complete(self) -> Result<Claims, TokenError> {
        fn given<T>(value: Option<T>, name: &'static str) -> Result<T, TokenError> {
            value.ok_or(TokenError::MissingClaim(name))
        }
        Ok(Claims {
            iss: given(self.iss, "iss")?,
            aud: given(self.aud, "aud")?,
            sub: given(self.sub, "sub")?,
            org: given(self.org, "org")?,
            iat: given(self.iat, "iat")?,
            exp: given(self.exp, "exp")?,
        })
    }
}

/// The name of a registered claim jsonwebtoken found missing, as a static string.
fn spec_claim(claim: &str) -> &'static str {
    match claim {
        "iss" => "iss",
        "aud" => "aud",
        "sub" => "sub",
        "exp" => "exp",
        "nbf" => "nbf",
        _ => "a registered claim",
    }
}

/// The header's own checks, ahead of jsonwebtoken's: three parts, a JSON object for a header,
/// `alg` exactly `HS256` (so `none` in any spelling is a wrong algorithm, not a parse error), no
/// `kid` and no `crit`.
fn check_header(token: &str) -> Result<(), TokenError> {
    let malformed = TokenError::Invalid("malformed token");
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed);
    };
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header) else {
        return Err(malformed);
    };
    let Ok(serde_json::Value::Object(header)) = serde_json::from_slice(&bytes) else {
        return Err(malformed);
    };
    if header.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
        return Err(TokenError::Invalid("wrong algorithm"));
    }
    if header.contains_key("kid") {
        return Err(TokenError::Invalid("unknown key"));
    }
    if header.contains_key("crit") {
        return Err(TokenError::Invalid("unsupported critical header"));
    }
    Ok(())
}

fn reason(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::ExpiredSignature => "expired",
        ErrorKind::ImmatureSignature => "not valid yet",
        ErrorKind::InvalidIssuer => "wrong issuer",
        ErrorKind::InvalidAudience => "wrong audience",
        ErrorKind::InvalidSignature => "bad signature",
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => "wrong algorithm",
        ErrorKind::Json(_) | ErrorKind::InvalidClaimFormat(_) => "malformed claims",
        _ => "malformed token",
    }
}

impl protogate::Authenticator for Tokens {
    async fn authenticate(
        &self,
        request: &protogate::AuthRequest<'_>,
    ) -> Result<Option<Caller>, Status> {
        let Some(token) = protogate::bearer_token(request.headers)? else {
            return Ok(None);
        };
        match self.verify(token) {
            Ok(caller) => Ok(Some(caller)),
            Err(e) => {
                tracing::debug!(error = %e, "refused a bearer token");
                Err(Status::unauthenticated(e.to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn tokens() -> Tokens {
        Tokens::new(KEY, "iss", "aud")
    }

    fn claims() -> Claims {
        let now = jsonwebtoken::get_current_timestamp();
        Claims {
            iss: "iss".into(),
            aud: "aud".into(),
            sub: "u1".into(),
            org: "o1".into(),
            iat: now,
            exp: now + 60,
        }
    }

    fn refusal(token: &str) -> String {
        tokens().verify(token).expect_err("refused").to_string()
    }

    #[test]
    fn minted_tokens_name_the_user_and_org() {
        let token = tokens()
            .mint("u1", "o1", Duration::from_secs(60))
            .expect("mint");
        let caller = tokens().verify(&token).expect("valid");
        assert_eq!(caller.subject, "u1");
        assert_eq!(caller.org.as_deref(), Some("o1"));
    }

    #[test]
    fn signature_expiry_issuer_and_audience_are_checked() {
        let t = tokens();
        let expired = Claims {
            exp: claims().exp - 3600,
            ..claims()
        };
        assert_eq!(
            refusal(&t.sign(&expired).expect("sign")),
            "invalid token: expired"
        );
        let foreign = Claims {
            iss: "other".into(),
            ..claims()
        };
        assert_eq!(
            refusal(&t.sign(&foreign).expect("sign")),
            "invalid token: wrong issuer"
        );
        let elsewhere = Claims {
            aud: "other".into(),
            ..claims()
        };
        assert_eq!(
            refusal(&t.sign(&elsewhere).expect("sign")),
            "invalid token: wrong audience"
        );
        let forged = Tokens::new(b"another key, just as long as one", "iss", "aud")
            .sign(&claims())
            .expect("sign");
        assert_eq!(refusal(&forged), "invalid token: bad signature");
        assert_eq!(refusal("not.a.jwt"), "invalid token: malformed token");
    }

    #[test]
    fn tokens_of_another_algorithm_are_refused() {
        let header = Header::new(Algorithm::HS384);
        let token =
            jsonwebtoken::encode(&header, &claims(), &EncodingKey::from_secret(KEY)).expect("sign");
        assert_eq!(refusal(&token), "invalid token: wrong algorithm");
    }

    fn with_header(header: Header, claims: &impl Serialize) -> String {
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(KEY)).expect("sign")
    }

    #[test]
    fn nbf_and_iat_in_the_future_are_refused_beyond_the_leeway() {
        #[derive(Serialize)]
        struct WithNbf {
            #[serde(flatten)]
            claims: Claims,
            nbf: u64,
        }
        let now = jsonwebtoken::get_current_timestamp();
        let sign = |nbf| {
            let claims = WithNbf {
                claims: claims(),
                nbf,
            };
            jsonwebtoken::encode(
                &Header::new(Algorithm::HS256),
                &claims,
                &EncodingKey::from_secret(KEY),
            )
            .expect("sign")
        };
        assert_eq!(refusal(&sign(now + 600)), "invalid token: not valid yet");
        assert!(tokens().verify(&sign(now + LEEWAY_SECS)).is_ok());
        let t = tokens();
        let future = Claims {
            iat: now + 600,
            ..claims()
        };
        assert_eq!(
            refusal(&t.sign(&future).expect("sign")),
            "invalid token: issued in the future"
        );
        let skewed = Claims {
            iat: now + LEEWAY_SECS - 1,
            ..claims()
        };
        assert!(t.verify(&t.sign(&skewed).expect("sign")).is_ok());
    }

    #[test]
    fn key_ids_critical_headers_and_long_tokens_are_refused() {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("k1".into());
        assert_eq!(
            refusal(&with_header(header, &claims())),
            "invalid token: unknown key"
        );
        let mut header = Header::new(Algorithm::HS256);
        header.crit = Some(vec!["exp".into()]);
        assert_eq!(
            refusal(&with_header(header, &claims())),
            "invalid token: unsupported critical header"
        );
        let long = Claims {
            org: "o".repeat(MAX_TOKEN_BYTES),
            ..claims()
        };
        let token = tokens().sign(&long).expect("sign");
        assert_eq!(refusal(&token), "invalid token: too long");
    }

    #[test]
    fn missing_claims_are_named() {
        for claim in ["iss", "aud", "sub", "org", "iat", "exp"] {
            let mut value = serde_json::to_value(claims()).expect("JSON");
            value.as_object_mut().expect("object").remove(claim);
            let token = with_header(Header::new(Algorithm::HS256), &value);
            assert_eq!(
                refusal(&token),
                format!("invalid token: missing claim `{claim}`")
            );
        }
    }

    #[test]
    fn alg_none_is_a_wrong_algorithm() {
        let b64 = |v: serde_json::Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
        };
        let header = b64(serde_json::json!({"alg": "none"}));
        let payload = b64(serde_json::to_value(claims()).expect("JSON"));
        assert_eq!(
            refusal(&format!("{header}.{payload}.")),
            "invalid token: wrong algorithm"
        );
        assert_eq!(
            refusal(&format!("{header}.{payload}")),
            "invalid token: malformed token"
        );
    }
}
