//! API reference pages in Markdown, one per service.

use crate::diag::Diagnostic;
use crate::emit::Files;
use crate::load::openapi::OpenApiDoc;
use crate::model::Api;

/// Pages by file name (`docs/zitadel.auth.v1.AuthService.md`).
pub fn generate(_api: &Api, _openapi: Option<&OpenApiDoc>, _rest_prefix: &str) -> Result<Files, Diagnostic> {
    Ok(Files::new())
}
