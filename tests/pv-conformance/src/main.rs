//! The protovalidate conformance executor: reads a `TestConformanceRequest` on stdin, validates
//! each case with the protogate-generated validator of its message, and writes a
//! `TestConformanceResponse` on stdout.
//!
//! `protogate-pv-conformance fdset < dump.binpb > cases.binpb` turns the harness's
//! `--dump --proto` output into the case descriptor set this crate is generated from.

mod answer;
mod fdset;
mod harness;
mod violations;

/// The case messages and their validators, generated from `cases.binpb`.
// Messages answered without validation (unloadable, unenforced rules) are never constructed.
#[allow(missing_docs, dead_code, clippy::all)]
mod cases {
    protogate::include_generated!();
}

mod dispatch {
    include!(concat!(env!("OUT_DIR"), "/dispatch.rs"));
}

use std::io::{Read, Write};

use prost::Message;

use harness::{Outcome, TestConformanceRequest, TestConformanceResponse, TestResult};

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("protogate-pv-conformance: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input)?;
    let output = match std::env::args().nth(1).as_deref() {
        Some("fdset") => fdset::union_of_dump(&input)?,
        Some(other) => return Err(format!("unknown command `{other}` (expected `fdset`)").into()),
        None => respond(&TestConformanceRequest::decode(input.as_slice())?)?.encode_to_vec(),
    };
    std::io::stdout().write_all(&output)?;
    Ok(())
}

/// Every case's result; all of them an error when the request's descriptors are not the ones
/// the executor was generated from.
fn respond(request: &TestConformanceRequest) -> Result<TestConformanceResponse, fdset::Error> {
    let stale = match &request.fdset {
        Some(set) => fdset::stale_files(set)?,
        None => Vec::new(),
    };
    let results = request
        .cases
        .iter()
        .map(|(name, case)| {
            let result = if stale.is_empty() {
                answer_case(case)
            } else {
                TestResult {
                    result: Some(Outcome::UnexpectedError(format!(
                        "the harness's descriptors differ from cases.binpb ({}): run.sh --refresh",
                        stale.join(", ")
                    ))),
                }
            };
            (name.clone(), result)
        })
        .collect();
    Ok(TestConformanceResponse { results })
}

fn answer_case(case: &prost_types::Any) -> TestResult {
    let type_name = case
        .type_url
        .rsplit_once('/')
        .map_or(case.type_url.as_str(), |(_, name)| name);
    dispatch::dispatch(type_name, &case.value)
}
