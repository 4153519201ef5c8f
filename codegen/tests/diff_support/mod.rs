//! Seeded one-edit mutations of schemas, for the differential test against `buf breaking`, and
//! ZITADEL's descriptor set.

pub mod mutate_set;
pub mod mutate_text;
pub mod rng;
pub mod zitadel;
