//! Medians, ranges, paired per-round ratios and the median's confidence interval.

use super::*;

pub(super) fn median(mut values: Vec<f64>) -> f64 {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

pub(super) fn range(values: &[f64]) -> (f64, f64) {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let min = finite.clone().fold(f64::INFINITY, f64::min);
    let max = finite.fold(f64::NEG_INFINITY, f64::max);
    (min, max)
}

/// The matrix's runs of `v` on `p` with `c` connections.
pub(super) fn cell(samples: &[Sample], v: Subject, p: Protocol, c: usize) -> Vec<&Sample> {
    samples
        .iter()
        .filter(|s| {
            s.variant == v && s.protocol == p && s.conns == c && s.placement == Placement::Free
        })
        .collect()
}

/// The one-connection runs of `v` on `p` with the server and the load tool on one core.
pub(super) fn shared_cell(samples: &[Sample], v: Subject, p: Protocol) -> Vec<&Sample> {
    samples
        .iter()
        .filter(|s| s.variant == v && s.protocol == p && s.placement == Placement::SharedCore)
        .collect()
}

/// The loopback echo's round trips per second, every run at `placement`.
pub(super) fn floor_rates(r: &Results, placement: Placement) -> Vec<f64> {
    r.floors.as_ref().map_or_else(
        |_| Vec::new(),
        |floors| {
            floors
                .iter()
                .filter(|f| f.placement == placement)
                .map(|f| f.rate)
                .collect()
        },
    )
}

/// The echo across cores divided by `reference`'s req/s at one connection on `p`, the two
/// from the same round: the most any server could reach against it on this machine.
pub(super) fn floor_ratios(r: &Results, reference: Subject, p: Protocol) -> Vec<f64> {
    let Ok(floors) = &r.floors else {
        return Vec::new();
    };
    let runs = cell(&r.samples, reference, p, 1);
    floors
        .iter()
        .filter(|f| f.placement == Placement::Free && f.protocol == p)
        .filter_map(|f| {
            let run = runs.iter().find(|s| s.round == f.round)?;
            Some(f.rate / run.run.rps)
        })
        .filter(|x| x.is_finite())
        .collect()
}

/// Protogate's req/s divided by `reference`'s in the same round, one value per round.
pub fn paired_ratios(samples: &[Sample], reference: Subject, p: Protocol, c: usize) -> Vec<f64> {
    round_ratios(
        &cell(samples, reference, p, c),
        &cell(samples, Subject::Protogate, p, c),
    )
}

/// Median over rounds of [`paired_ratios`].
pub fn paired_ratio(samples: &[Sample], reference: Subject, p: Protocol, c: usize) -> f64 {
    median(paired_ratios(samples, reference, p, c))
}

/// [`paired_ratios`] of the one-core runs.
pub fn shared_ratios(samples: &[Sample], reference: Subject, p: Protocol) -> Vec<f64> {
    round_ratios(
        &shared_cell(samples, reference, p),
        &shared_cell(samples, Subject::Protogate, p),
    )
}

pub(super) fn round_ratios(base: &[&Sample], gate: &[&Sample]) -> Vec<f64> {
    base.iter()
        .filter_map(|b| {
            let g = gate.iter().find(|g| g.round == b.round)?;
            Some(g.run.rps / b.run.rps)
        })
        .filter(|x| x.is_finite())
        .collect()
}

/// The confidence asked of an [`Interval`].
pub(super) const CONFIDENCE: f64 = 0.95;

/// A distribution-free confidence interval for the median of some values: the k-th smallest
/// and the k-th largest, k the largest for which the chance that the median lies between
/// them is at least [`CONFIDENCE`] (the count of values under the median is binomial,
/// n and ½), or the smallest and largest when no k reaches it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// The median.
    pub median: f64,
    /// The lower end.
    pub low: f64,
    /// The upper end.
    pub high: f64,
    /// The chance that the interval holds the median of the values' distribution.
    pub coverage: f64,
}

impl Interval {
    /// `None` without a finite value.
    pub fn of(values: &[f64]) -> Option<Interval> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        if n == 0 {
            return None;
        }
        // coverage(k) = 1 − 2·P(B ≤ k − 1), B ~ Binomial(n, ½); k ≤ n + 1 − k.
        let half_n = 0.5f64.powi(n as i32);
        let (mut k, mut coverage) = (1, 0.0);
        let (mut choose, mut tail) = (1.0, 0.0); // C(n, j − 1) and the sum of C(n, i), i < j − 1
        for j in 1..=n.div_ceil(2) {
            tail += choose;
            let wide = 1.0 - 2.0 * tail * half_n;
            if j > 1 && wide < CONFIDENCE {
                break;
            }
            (k, coverage) = (j, wide);
            choose = choose * (n + 1 - j) as f64 / j as f64;
        }
        Some(Interval {
            median: median(sorted.clone()),
            low: sorted[k - 1],
            high: sorted[n - k],
            coverage,
        })
    }
}
