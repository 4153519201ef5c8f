//! Runs the compiled CEL cases: the differential table against the reference implementation's
//! recorded results (and against the implementation itself when Go is installed), the
//! protogate-only table against the outcomes written beside each expression.

use std::path::Path;
use std::process::Command;

use protogate_cel_test::{Case, Vars, DIFFERENTIAL, PROTOGATE};

fn cases_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/cases"))
}

fn outcomes(cases: &[Case]) -> Vec<String> {
    let vars = Vars::fixture();
    cases.iter().map(|case| case.outcome(&vars)).collect()
}

/// Lists every case whose outcome differs from `expected`; empty when all agree.
fn disagreements(cases: &[Case], expected: &[String]) -> Vec<String> {
    assert_eq!(cases.len(), expected.len(), "one expected outcome per case");
    let actual = outcomes(cases);
    let mut out = Vec::new();
    for ((case, actual), expected) in cases.iter().zip(&actual).zip(expected) {
        if actual != expected {
            let detail = match case.run {
                Err(error) => format!("\n    {}", error.replace('\n', "\n    ")),
                Ok(_) => String::new(),
            };
            out.push(format!(
                "  {}\n    protogate: {actual}\n    expected:  {expected}{detail}",
                case.expression
            ));
        }
    }
    out
}

#[test]
fn compiled_expressions_agree_with_the_recorded_reference_outcomes() {
    let text =
        std::fs::read_to_string(cases_dir().join("differential.expected")).unwrap_or_default();
    let expected: Vec<String> = text.lines().map(str::to_string).collect();
    let wrong = disagreements(DIFFERENTIAL, &expected);
    assert!(
        wrong.is_empty(),
        "{} of {} expressions disagree with the reference implementation:\n{}",
        wrong.len(),
        DIFFERENTIAL.len(),
        wrong.join("\n")
    );
}

#[test]
fn protogate_only_expressions_give_their_written_outcomes() {
    let text = std::fs::read_to_string(cases_dir().join("protogate.txt")).unwrap_or_default();
    let expected: Vec<String> = text
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            line.split_once(" ==> ")
                .map_or("", |(_, outcome)| outcome)
                .to_string()
        })
        .collect();
    let wrong = disagreements(PROTOGATE, &expected);
    assert!(
        wrong.is_empty(),
        "{} of {} expressions are wrong:\n{}",
        wrong.len(),
        PROTOGATE.len(),
        wrong.join("\n")
    );
}

/// Runs the oracle (tests/cel/oracle, CEL's reference implementation) on the differential
/// cases and checks the recorded outcomes are still what it prints. Skipped without Go unless
/// PROTOGATE_ORACLE_REQUIRED=1.
#[test]
fn recorded_outcomes_are_what_the_reference_implementation_prints() {
    let required = std::env::var("PROTOGATE_ORACLE_REQUIRED").is_ok_and(|v| v == "1");
    let oracle = cases_dir().join("../oracle");
    let output = Command::new("go")
        .arg("run")
        .arg(".")
        .arg("../cases/differential.txt")
        .current_dir(&oracle)
        .output();
    let output = match output {
        Ok(output) if output.status.success() => output,
        Ok(output) if required => panic!(
            "the CEL oracle failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(error) if required => panic!("the CEL oracle needs Go (`go` on PATH): {error}"),
        _ => {
            eprintln!("skipped: the CEL oracle needs Go; set PROTOGATE_ORACLE_REQUIRED=1 to make this a failure");
            return;
        }
    };
    let printed: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let recorded =
        std::fs::read_to_string(cases_dir().join("differential.expected")).unwrap_or_default();
    let recorded: Vec<String> = recorded.lines().map(str::to_string).collect();
    assert_eq!(
        printed, recorded,
        "cases/differential.expected is stale: regenerate it with the oracle"
    );
    let wrong = disagreements(DIFFERENTIAL, &printed);
    assert!(
        wrong.is_empty(),
        "{} expressions disagree with the oracle:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
