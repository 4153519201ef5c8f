//! The report's verdicts, section writing and rendered text.

use super::*;

fn sample(variant: Subject, round: usize, rps: f64) -> Sample {
    Sample {
        variant,
        protocol: Protocol::Grpc,
        conns: 1,
        round,
        placement: Placement::Free,
        run: super::super::tools::Run {
            requests: rps as u64,
            rps,
            p50_us: 0.0,
            p99_us: 0.0,
            failed: 0,
            total_requests: rps as u64,
        },
        cpu_us: 0.0,
        load: 0.0,
    }
}

/// Five rounds: connect-node at 1,000 req/s, protogate at `gate`, the echo at `echo`.
fn one_connection(gate: f64, echo: f64) -> Results {
    one_connection_rounds(gate, &[echo; 5])
}

/// A round per echo rate: connect-node at 1,000 req/s, protogate at `gate`.
fn one_connection_rounds(gate: f64, echoes: &[f64]) -> Results {
    let mut samples = Vec::new();
    let mut floors = Vec::new();
    for (round, &echo) in echoes.iter().enumerate() {
        samples.push(sample(Subject::ConnectNode, round, 1000.0));
        samples.push(sample(Subject::Protogate, round, gate));
        for (placement, rate) in [(Placement::Free, echo), (Placement::SharedCore, echo * 4.0)] {
            floors.push(super::super::floor::Floor {
                protocol: Protocol::Grpc,
                round,
                placement,
                rate,
            });
        }
    }
    Results {
        mode: super::super::Mode {
            name: "quick",
            rounds: echoes.len(),
            duration: std::time::Duration::from_secs(1),
            warm_up: std::time::Duration::from_secs(1),
            soak: std::time::Duration::from_secs(1),
        },
        store: StoreKind::Memory,
        command: String::new(),
        samples,
        checks: Vec::new(),
        memory: Vec::new(),
        soaks: Vec::new(),
        measured: vec![Subject::ConnectNode, Subject::Protogate],
        missing: Vec::new(),
        skipped: BTreeSet::new(),
        peer_versions: Vec::new(),
        load: (0.0, 0.0),
        tools: String::new(),
        profile: Err(String::new()),
        cpu: Err(String::new()),
        floors: Ok(floors),
    }
}

#[test]
fn a_one_connection_goal_the_echo_cannot_reach_is_called_out_of_reach() {
    let node = &GOALS[2];
    assert_eq!(node.reference, Subject::ConnectNode);
    let line = reach_line(&one_connection(6000.0, 8000.0), node, Protocol::Grpc)
        .expect("a miss is explained");
    assert!(line.contains("8.00× (8.00 – 8.00)"), "{line}");
    assert!(line.contains("out of any server's reach"), "{line}");
    assert!(line.contains("75 % of the echo's rate"), "{line}");
}

#[test]
fn a_one_connection_goal_the_echo_reaches_is_not_excused() {
    let line = reach_line(&one_connection(6000.0, 30000.0), &GOALS[2], Protocol::Grpc)
        .expect("a miss is explained");
    assert!(line.contains("30.00×"), "{line}");
    assert!(line.contains("the echo meets the goal"), "{line}");
}

#[test]
fn an_echo_short_by_its_median_only_is_at_the_edge() {
    let echoes = [8000.0, 9000.0, 9500.0, 10500.0, 11000.0];
    let line = reach_line(
        &one_connection_rounds(6000.0, &echoes),
        &GOALS[2],
        Protocol::Grpc,
    )
    .expect("a miss is explained");
    assert!(line.contains("9.50× (8.00 – 11.00)"), "{line}");
    assert!(line.contains("at the edge of any server's reach"), "{line}");
}

#[test]
fn the_echo_is_paired_with_its_own_protocol_only() {
    let mut r = one_connection(6000.0, 8000.0);
    if let Ok(floors) = &mut r.floors {
        for f in floors.iter_mut() {
            f.protocol = Protocol::Connect;
        }
    }
    assert!(floor_ratios(&r, Subject::ConnectNode, Protocol::Grpc).is_empty());
    assert!(reach_line(&r, &GOALS[2], Protocol::Grpc).is_none());
}

#[test]
fn a_met_one_connection_goal_needs_no_floor() {
    assert!(reach_line(&one_connection(12000.0, 30000.0), &GOALS[2], Protocol::Grpc).is_none());
}

#[test]
fn the_section_replaces_only_itself() {
    let dir = std::env::temp_dir().join(format!("bench-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("B.md");
    std::fs::write(&path, "# B\n\nother\n").unwrap();
    write_section(&path, &format!("{BEGIN}\none\n{END}\n"), StoreKind::Memory).unwrap();
    std::fs::write(
        &path,
        std::fs::read_to_string(&path).unwrap() + "\n## Later\n",
    )
    .unwrap();
    write_section(&path, &format!("{BEGIN}\ntwo\n{END}\n"), StoreKind::Memory).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        format!("# B\n\nother\n\n{BEGIN}\ntwo\n{END}\n\n## Later\n")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_sqlite_section_follows_the_serving_one_and_keeps_to_itself() {
    let dir = std::env::temp_dir().join(format!("bench-report-sqlite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("B.md");
    let serving = format!("{BEGIN}\nmemory\n{END}\n");
    std::fs::write(&path, format!("# B\n\n{serving}\n## Later\n")).unwrap();
    let one = format!("{SQLITE_BEGIN}\none\n{SQLITE_END}\n");
    write_section(&path, &one, StoreKind::Sqlite).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, format!("# B\n\n{serving}\n{one}\n## Later\n"));
    let two = format!("{SQLITE_BEGIN}\ntwo\n{SQLITE_END}\n");
    write_section(&path, &two, StoreKind::Sqlite).unwrap();
    let again = format!("{BEGIN}\nagain\n{END}\n");
    write_section(&path, &again, StoreKind::Memory).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, format!("# B\n\n{again}\n{two}\n## Later\n"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn medians_ignore_missing_values() {
    assert_eq!(median(vec![3.0, f64::NAN, 1.0, 2.0]), 2.0);
    assert_eq!(median(vec![1.0, 2.0]), 1.5);
    assert!(median(vec![]).is_nan());
}

#[test]
fn the_median_interval_takes_the_widest_order_statistics_that_reach_95_percent() {
    let rounds = |n: usize| (1..=n).map(|i| i as f64).collect::<Vec<_>>();
    // n = 6: only min – max reaches 95 % (1 − 2/64); the next pair gives 1 − 14/64.
    let six = Interval::of(&rounds(6)).unwrap();
    assert_eq!((six.low, six.high, six.median), (1.0, 6.0, 3.5));
    assert!((six.coverage - 62.0 / 64.0).abs() < 1e-12);
    // n = 9: the 2nd and 8th (1 − 2·10/512 = 96.1 %); the 3rd and 7th give 82 %.
    let nine = Interval::of(&rounds(9)).unwrap();
    assert_eq!((nine.low, nine.high, nine.median), (2.0, 8.0, 5.0));
    assert!((nine.coverage - (1.0 - 20.0 / 512.0)).abs() < 1e-12);
    // n = 12: the 3rd and 10th (1 − 2·79/4096 = 96.1 %).
    let twelve = Interval::of(&rounds(12)).unwrap();
    assert_eq!((twelve.low, twelve.high), (3.0, 10.0));
    assert!((twelve.coverage - (1.0 - 158.0 / 4096.0)).abs() < 1e-12);
    // Too few rounds for 95 %: min – max with what it covers.
    let three = Interval::of(&[f64::NAN, 2.0, 1.0, 3.0]).unwrap();
    assert_eq!((three.low, three.high, three.median), (1.0, 3.0, 2.0));
    assert!((three.coverage - 0.75).abs() < 1e-12);
    assert_eq!(Interval::of(&[5.0]).unwrap().coverage, 0.0);
    assert_eq!(Interval::of(&[f64::NAN]), None);
}

#[test]
fn a_shortfall_inside_its_interval_is_called_noise_and_one_outside_is_not() {
    let cell = |label: &str, v: &[f64]| (label.to_owned(), v.to_vec());
    let met = [
        cell("at 1", &[0.98, 1.1, 1.0]),
        cell("at 16", &[0.97, 0.99, 1.2]),
    ];
    assert_eq!(judge(&met, Some(0.97)).1, "met");
    let noisy = [
        cell("at 1", &[1.0, 1.1, 1.2]),
        cell("at 16", &[0.90, 0.95, 1.01]),
    ];
    let (list, verdict) = judge(&noisy, Some(0.97));
    assert_eq!(list, "1.10× (1.00 – 1.20) at 1, 0.95× (0.90 – 1.01) at 16");
    assert_eq!(
        verdict,
        "**not met** by the median, within this run's noise"
    );
    let short = [
        cell("at 1", &[0.90, 0.95, 1.01]),
        cell("at 16", &[0.8, 0.9, 0.96]),
    ];
    assert_eq!(judge(&short, Some(0.97)).1, "**not met**");
    assert_eq!(
        judge(&[cell("", &[9.0, 8.0])], Some(10.0)).0,
        "8.50× (8.00 – 9.00)"
    );
    assert_eq!(
        judge(&[cell("at 1", &[])], Some(1.0)),
        ("not measured".to_owned(), "**not shown**")
    );
    assert_eq!(judge(&noisy, None).1, "");
}

/// A report of every server, protocol and connection count over three rounds, with a
/// missing server, a skipped cell, memory, a soak and both floors.
fn full_matrix(store: StoreKind) -> Results {
    let mut samples = Vec::new();
    let mut floors = Vec::new();
    for round in 0..3 {
        for (i, variant) in Subject::ALL.into_iter().enumerate() {
            for (j, protocol) in PROTOCOLS.into_iter().enumerate() {
                for (k, conns) in CONNECTIONS.into_iter().enumerate() {
                    let rps = 1000.0 * (1 + i) as f64 + 300.0 * j as f64 + 2000.0 * k as f64
                        - 150.0 * round as f64;
                    let mut s = sample(variant, round, rps);
                    s.protocol = protocol;
                    s.conns = conns;
                    s.run.p50_us = 100.0 + 10.0 * i as f64 + round as f64;
                    s.run.p99_us = 900.0 + 30.0 * j as f64;
                    s.run.failed = (i == 4 && j == 2) as u64;
                    s.cpu_us = 20.0 + 3.0 * i as f64 + k as f64;
                    s.load = 1.5 + 0.25 * round as f64;
                    samples.push(s);
                }
            }
            for (j, protocol) in SHARED_CORE_PROTOCOLS.into_iter().enumerate() {
                let mut s = sample(variant, round, 5000.0 + 700.0 * i as f64 - 90.0 * j as f64);
                s.protocol = protocol;
                s.placement = Placement::SharedCore;
                samples.push(s);
            }
        }
        for protocol in SHARED_CORE_PROTOCOLS {
            for (placement, rate) in [
                (Placement::Free, 9000.0 + 100.0 * round as f64),
                (Placement::SharedCore, 30000.0 - 500.0 * round as f64),
            ] {
                floors.push(super::super::floor::Floor {
                    protocol,
                    round,
                    placement,
                    rate,
                });
            }
        }
    }
    let mut kinds = std::collections::BTreeMap::new();
    kinds.insert("verify", (1200, 0));
    kinds.insert("wrong code", (300, 2));
    Results {
        mode: super::super::Mode {
            name: "full",
            rounds: 3,
            duration: std::time::Duration::from_secs(20),
            warm_up: std::time::Duration::from_secs(3),
            soak: std::time::Duration::from_secs(60),
        },
        store,
        command: "protogate-bench load --full".into(),
        samples,
        checks: Vec::new(),
        memory: vec![(
            Subject::Protogate,
            super::super::Memory {
                idle_start: Some(10240),
                idle_after_load: Some(20480),
                idle_after_soak: None,
            },
        )],
        soaks: vec![(
            Subject::Protogate,
            soak::Soak {
                duration: std::time::Duration::from_secs(60),
                requests: 1500,
                kinds,
                server_errors: 0,
                transport_errors: 1,
                examples: vec!["wrong code: INTERNAL".into()],
                writes_acked: 1200,
                lost_writes: 0,
                rss: vec![(0.0, 20000), (30.0, 21000), (60.0, 20500)],
            },
        )],
        measured: Subject::ALL
            .into_iter()
            .filter(|s| *s != Subject::Connectrpc)
            .collect(),
        missing: vec![(Subject::Connectrpc, "not installed".into())],
        skipped: [(Subject::ConnectNode, Protocol::RestH1)]
            .into_iter()
            .collect(),
        peer_versions: vec![(Subject::ConnectNode, "connect-node 2.0.0".into())],
        load: (1.25, 2.5),
        tools: "h2load 1.0, wrk 4.2".into(),
        profile: Err("valgrind is not installed".into()),
        cpu: Err("perf is not allowed".into()),
        floors: Ok(floors),
    }
}

/// The rendered report with the lines that name the machine, the day and the checkout
/// (which change from run to run) replaced by their labels.
fn rendered_without_environment(store: StoreKind) -> String {
    let text = render(&full_matrix(store));
    let environment = ["- Date:", "- Machine:", "- Toolchain:", "- Commit:"];
    let mut out: String = text
        .lines()
        .map(
            |line| match environment.iter().find(|p| line.starts_with(*p)) {
                Some(label) => label.to_string(),
                None => line.replace(&temp_dir_filesystem(), "TEMP_DIR"),
            },
        )
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

/// The report's text is pinned: refactoring the renderer must not change a byte. Rerun with
/// `PROTOGATE_BLESS=1` after an intended change and review the diff.
#[test]
fn the_rendered_report_matches_its_golden_file() {
    for (store, name) in [(StoreKind::Memory, "memory"), (StoreKind::Sqlite, "sqlite")] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/golden/report-{name}.md"));
        let text = rendered_without_environment(store);
        if std::env::var_os("PROTOGATE_BLESS").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        let golden = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            golden == text,
            "{} differs from the rendered report:\n{text}",
            path.display()
        );
    }
}
