//! Checks on the model: rules that contradict themselves, and proto ↔ OpenAPI drift.

pub mod openapi;
pub mod rules;
pub mod unenforced;
