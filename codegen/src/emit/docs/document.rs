//! Look-ups in the OpenAPI document: the operation of a binding, `$ref`s, JSON content.

use serde_json::Value;

use super::Docs;
use crate::model::HttpBinding;

impl<'a> Docs<'a> {
    pub(super) fn resolve(&self, v: &'a Value) -> &'a Value {
        let mut v = v;
        for _ in 0..16 {
            let Some(pointer) = v
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
            else {
                break;
            };
            match self.raw.and_then(|raw| raw.pointer(pointer)) {
                Some(target) => v = target,
                None => break,
            }
        }
        v
    }

    pub(super) fn operation(&self, b: &HttpBinding) -> Option<&'a Value> {
        let wanted = b.openapi_path();
        let paths = self.raw?.get("paths")?.as_object()?;
        let (_, item) = paths
            .iter()
            .find(|(k, _)| k.trim_end_matches('/') == wanted.trim_end_matches('/'))?;
        self.resolve(item).get(b.method.to_lowercase())
    }

    pub(super) fn json_content(&self, v: Option<&'a Value>) -> Option<&'a Value> {
        self.resolve(v?).get("content")?.get("application/json")
    }

    pub(super) fn property(&self, schema: Option<&'a Value>, name: &str) -> Option<&'a Value> {
        schema?
            .get("properties")?
            .get(name)
            .map(|p| self.resolve(p))
    }
}
