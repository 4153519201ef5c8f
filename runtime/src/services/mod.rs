//! Services every server mounts beside the application's, on the same pipeline and so on
//! every protocol: health checking and server reflection.

pub mod health;
pub mod reflection;
