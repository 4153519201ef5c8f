//! Validation speed (filled in below).
fn main() {}
