//! Samples of one measurement: median, min, max, and how they print.

use std::time::{Duration, Instant};

/// The timings of one measured thing, in the order taken.
#[derive(Debug, Clone, Default)]
pub struct Samples(pub Vec<Duration>);

impl Samples {
    /// Adds one sample.
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    /// The median (the mean of the middle two for an even count); zero when empty.
    pub fn median(&self) -> Duration {
        let mut v = self.0.clone();
        v.sort();
        match v.len() {
            0 => Duration::ZERO,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2,
        }
    }

    /// The fastest sample.
    pub fn min(&self) -> Duration {
        self.0.iter().copied().min().unwrap_or_default()
    }

    /// The slowest sample.
    pub fn max(&self) -> Duration {
        self.0.iter().copied().max().unwrap_or_default()
    }

    /// `median / other.median`; NaN when either side has no samples.
    pub fn ratio(&self, other: &Samples) -> f64 {
        let base = other.median().as_secs_f64();
        if self.0.is_empty() || other.0.is_empty() || base == 0.0 {
            return f64::NAN;
        }
        self.median().as_secs_f64() / base
    }
}

/// Runs `f` once and returns its result and how long it took.
pub fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// A duration for the tables: milliseconds below 10 s, else seconds.
pub fn fmt(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 10_000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = |v: &[u64]| Samples(v.iter().map(|&m| Duration::from_millis(m)).collect());
        assert_eq!(ms(&[5, 1, 3]).median(), Duration::from_millis(3));
        assert_eq!(ms(&[4, 1, 3, 2]).median(), Duration::from_micros(2500));
        assert_eq!(ms(&[]).median(), Duration::ZERO);
        assert!((ms(&[6]).ratio(&ms(&[4])) - 1.5).abs() < 1e-9);
    }
}
