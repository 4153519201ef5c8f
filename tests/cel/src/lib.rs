//! The test variables and message the CEL cases read, and the compiled cases (`build.rs`).

use std::collections::{BTreeMap, HashMap};

use protogate::cel::{Duration, Error, Timestamp};

/// The values of the variables the cases refer to (the oracle binds the same values).
pub struct Vars {
    pub i: i64,
    pub n: i64,
    pub big: i64,
    pub u: u64,
    pub d: f64,
    pub flag: bool,
    pub s: String,
    pub e: String,
    pub b: Vec<u8>,
    /// Stored as `i32` like a `repeated int32` field, read as CEL `int`s.
    pub l: Vec<i32>,
    pub lu: Vec<u64>,
    pub ld: Vec<f64>,
    pub ls: Vec<String>,
    pub ll: Vec<Vec<i64>>,
    pub m: HashMap<String, i64>,
    pub mi: BTreeMap<i64, String>,
    pub t: Timestamp,
    pub dur: Duration,
    pub msg: Msg,
}

/// A message as prost would generate it (`test.Msg`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Msg {
    pub name: String,
    pub count: i32,
    pub tags: Vec<String>,
    pub scores: Vec<i32>,
    pub labels: HashMap<String, String>,
    pub items: Vec<Msg>,
    pub child: Option<Box<Msg>>,
    pub opt: Option<i64>,
    pub when: Option<prost_types::Timestamp>,
}

impl Vars {
    /// The values every case runs against.
    pub fn fixture() -> Vars {
        let child = Msg {
            name: "kid".into(),
            count: 2,
            ..Msg::default()
        };
        Vars {
            i: 7,
            n: -3,
            big: i64::MAX,
            u: 5,
            d: 2.5,
            flag: true,
            s: "héllo wörld".into(),
            e: String::new(),
            b: b"abc".to_vec(),
            l: vec![1, 2, 3],
            lu: vec![1, 2, 3],
            ld: vec![0.5, 1.5, f64::NAN],
            ls: vec!["a".into(), "bb".into(), "ccc".into()],
            ll: vec![vec![1, 2], vec![], vec![3]],
            m: HashMap::from([("one".to_string(), 1), ("two".to_string(), 2)]),
            mi: BTreeMap::from([(1, "x".to_string()), (2, "y".to_string())]),
            // 2024-02-29T12:30:00.5Z
            t: Timestamp {
                seconds: 1_709_209_800,
                nanos: 500_000_000,
            },
            dur: Duration::from_nanos(90 * 60 * 1_000_000_000),
            msg: Msg {
                name: "parent".into(),
                count: 3,
                tags: vec!["x".into(), "y".into(), "x".into()],
                scores: vec![10, 20],
                labels: HashMap::from([("env".to_string(), "prod".to_string())]),
                items: vec![
                    child.clone(),
                    Msg {
                        name: "other".into(),
                        ..Msg::default()
                    },
                ],
                child: Some(Box::new(child)),
                opt: None,
                when: Some(prost_types::Timestamp {
                    seconds: 1_709_209_800,
                    nanos: 0,
                }),
            },
        }
    }
}

/// A compiled case's function.
pub type Run = fn(&Vars) -> Result<String, Error>;

/// A compiled case: the function, or the compile error's text.
pub struct Case {
    pub expression: &'static str,
    pub run: Result<Run, &'static str>,
}

impl Case {
    /// The outcome as the oracle prints it: `true`, `false`, `string:…`, `error`, or
    /// `compile-error`.
    pub fn outcome(&self, vars: &Vars) -> String {
        match self.run {
            Ok(run) => run(vars).unwrap_or_else(|_| "error".to_string()),
            Err(_) => "compile-error".to_string(),
        }
    }
}

/// A string result as the oracle prints it, with backslashes and newlines escaped.
pub fn render_string(value: &str) -> String {
    format!(
        "string:{}",
        value.replace('\\', "\\\\").replace('\n', "\\n")
    )
}

// The cases are constant expressions (`1 == 1`) over test variables, which clippy flags for
// what they are; the lints below are about the cases, not the emitter.
#[allow(
    unused_variables,
    clippy::absurd_extreme_comparisons,
    clippy::eq_op,
    clippy::bool_comparison,
    clippy::borrow_deref_ref,
    clippy::comparison_to_empty,
    clippy::const_is_empty,
    clippy::deref_addrof,
    clippy::explicit_auto_deref,
    clippy::map_identity,
    clippy::needless_bool,
    clippy::needless_borrow,
    clippy::needless_question_mark,
    clippy::nonminimal_bool,
    clippy::redundant_as_str,
    clippy::redundant_slicing,
    clippy::unnecessary_cast,
    clippy::useless_conversion,
    clippy::zero_divided_by_zero
)]
mod cases {
    include!(concat!(env!("OUT_DIR"), "/cases.rs"));
}

pub use cases::{DIFFERENTIAL, PROTOGATE};

/// `proto/celrules`, generated with its `cel` rules compiled into the validators.
#[allow(missing_docs)]
pub mod celrules {
    protogate::include_generated!("celrules");
}

/// `proto/predefinedrules`, generated with its predefined rules compiled into the validators.
#[allow(missing_docs)]
pub mod predefinedrules {
    protogate::include_generated!("predefinedrules");
}
