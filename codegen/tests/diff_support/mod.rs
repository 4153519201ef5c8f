//! Seeded one-edit mutations of schemas, for the differential test against `buf breaking`.

pub mod mutate_set;
pub mod mutate_text;
pub mod rng;
