//! The generated validator test schemas: `pgvcases` (PGV rules, one rule set per message).

#![allow(missing_docs)]

pub mod pgvcases {
    protogate::include_generated!("pgvcases");
}
