//! The load driver: starts both servers, checks their answers, runs h2load and wrk against
//! them interleaved, soaks them with mixed traffic, and reports.

/// `protogate-bench load` options.
#[derive(Clone, Debug, clap::Args)]
pub struct Options {
    /// Short runs (the default).
    #[arg(long, conflicts_with = "full")]
    pub quick: bool,
    /// Long runs: more rounds, longer runs, a 60 s soak.
    #[arg(long)]
    pub full: bool,
}

/// Runs the benchmark.
pub fn run(_options: Options) -> std::process::ExitCode {
    std::process::ExitCode::FAILURE
}
