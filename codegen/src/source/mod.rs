//! Where a schema element is written: the line of a YAML/JSON node by pointer, and the file,
//! line and column of a proto declaration, its option keys and identifiers. Checks, the spec
//! diff and the loaders all locate through here.

pub mod proto;
pub mod yaml;
