//! The generated validator test schemas: `pgvcases` (PGV rules, one rule set per message)
//! and `pvcases` (protovalidate rules, several fields per message).

#![allow(missing_docs)]

pub mod pgvcases {
    protogate::include_generated!("pgvcases");
}

pub mod pvcases {
    protogate::include_generated!("pvcases");
}
