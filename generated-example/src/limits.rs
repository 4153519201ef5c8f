//! Rate limits on sending codes: every code sent is an SMS, and SMS cost money.
//!
//! Sends are counted in a sliding window per user (from the user's own `code.added` events)
//! and per phone number (from a `phone-sends:<number>` aggregate in the same event store), and
//! a minimum interval separates two codes for one user. The counters live in the database, so
//! they hold across protocols, restarts and servers sharing a PostgreSQL; both are updated
//! through [`crate::store::EventStore::append`]'s optimistic concurrency, so racing requests
//! cannot exceed a limit.
//!
//! Verification attempts need no limit of their own: each code dies after `max_attempts`
//! failures, so the sends limit bounds the guesses per user and per number too.

use std::time::Duration;

use protogate::{Code, Status};

use crate::errors::{ErrorDetail, RetryInfo};

/// The prefix of the aggregates counting sends per phone number; user ids may not start
/// with it.
pub const PHONE_AGGREGATE_PREFIX: &str = "phone-sends:";

/// The send limits. A count of 0 and a zero interval disable their limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendLimits {
    /// Codes one user may be sent within `window`.
    pub per_user: u32,
    /// Codes one phone number may be sent within `window`, whoever asks.
    pub per_phone: u32,
    /// The window both counts are taken over.
    pub window: Duration,
    /// The least time between two codes for one user.
    pub min_interval: Duration,
}

impl Default for SendLimits {
    fn default() -> Self {
        SendLimits {
            per_user: 10,
            per_phone: 5,
            window: Duration::from_secs(3600),
            min_interval: Duration::from_secs(30),
        }
    }
}

/// Which limit refused a send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Too many codes for the user in the window.
    User,
    /// Too many codes for the phone number in the window.
    Phone,
    /// The last code for the user is too recent.
    Interval,
}

/// A refused send: which limit, and when trying again can succeed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} ({}), retry in {retry_after:?}", self.text(), self.id())]
pub struct RateLimited {
    /// The limit that was hit.
    pub limit: Limit,
    /// How long until the limit lets a send through.
    pub retry_after: Duration,
}

impl RateLimited {
    /// The stable error id.
    pub fn id(&self) -> &'static str {
        match self.limit {
            Limit::User => "PHONE-RtUsr",
            Limit::Phone => "PHONE-RtNum",
            Limit::Interval => "PHONE-RtInt",
        }
    }

    /// The error text.
    pub fn text(&self) -> &'static str {
        match self.limit {
            Limit::User => "Too many verification codes sent to this user, try again later",
            Limit::Phone => {
                "Too many verification codes sent to this phone number, try again later"
            }
            Limit::Interval => "A verification code was sent moments ago, wait before asking again",
        }
    }

    /// RESOURCE_EXHAUSTED with the message `"<text> (<id>)"`, the `zitadel.v1.ErrorDetail`
    /// and a `google.rpc.RetryInfo` carrying the delay (rounded up to whole milliseconds).
    pub fn status(&self) -> Status {
        let millis = self.retry_after.as_millis().max(1);
        let delay = pbjson_types::Duration {
            seconds: i64::try_from(millis / 1000).unwrap_or(i64::MAX),
            nanos: ((millis % 1000) * 1_000_000) as i32,
        };
        Status::new(
            Code::ResourceExhausted,
            format!("{} ({})", self.text(), self.id()),
        )
        .with_detail(&ErrorDetail {
            id: self.id().to_string(),
            message: self.text().to_string(),
        })
        .with_detail(&RetryInfo {
            retry_delay: Some(delay),
        })
    }
}

impl From<RateLimited> for Status {
    fn from(limited: RateLimited) -> Status {
        limited.status()
    }
}

/// Whether one more send fits `limit` sends per `window`, given the earlier sends at `sends`
/// (µs since the epoch, oldest first) and the time `now`; if not, how long until it does.
pub fn window_wait(sends: &[i64], limit: u32, window: Duration, now: i64) -> Option<Duration> {
    if limit == 0 {
        return None;
    }
    let window_us = micros(window);
    let start = now.saturating_sub(window_us);
    let recent: Vec<i64> = sends.iter().copied().filter(|&t| t > start).collect();
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if recent.len() < limit {
        return None;
    }
    // The send that must leave the window before one more fits.
    let oldest = recent[recent.len() - limit];
    Some(until(oldest.saturating_add(window_us), now))
}

/// How long until `interval` has passed since the last send, if it has not.
pub fn interval_wait(last: Option<i64>, interval: Duration, now: i64) -> Option<Duration> {
    let last = last?;
    if interval.is_zero() {
        return None;
    }
    let ready = last.saturating_add(micros(interval));
    (ready > now).then(|| until(ready, now))
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

fn until(at: i64, now: i64) -> Duration {
    let wait = at.saturating_sub(now).max(1);
    Duration::from_micros(u64::try_from(wait).unwrap_or(1))
}

impl SendLimits {
    /// Checks the per-user limits against the user's earlier sends (oldest first).
    pub fn check_user(&self, sends: &[i64], now: i64) -> Result<(), RateLimited> {
        if let Some(retry_after) = interval_wait(sends.last().copied(), self.min_interval, now) {
            return Err(RateLimited {
                limit: Limit::Interval,
                retry_after,
            });
        }
        if let Some(retry_after) = window_wait(sends, self.per_user, self.window, now) {
            return Err(RateLimited {
                limit: Limit::User,
                retry_after,
            });
        }
        Ok(())
    }

    /// Checks the per-number limit against the number's earlier sends (oldest first).
    pub fn check_phone(&self, sends: &[i64], now: i64) -> Result<(), RateLimited> {
        match window_wait(sends, self.per_phone, self.window, now) {
            Some(retry_after) => Err(RateLimited {
                limit: Limit::Phone,
                retry_after,
            }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000;

    #[test]
    fn the_window_slides() {
        let hour = Duration::from_secs(3600);
        assert_eq!(window_wait(&[], 2, hour, 0), None);
        assert_eq!(window_wait(&[10 * S], 2, hour, 20 * S), None);
        assert_eq!(
            window_wait(&[10 * S, 20 * S], 2, hour, 30 * S),
            Some(Duration::from_secs(3600 - 20))
        );
        // The oldest send left the window.
        assert_eq!(window_wait(&[10 * S, 20 * S], 2, hour, 3610 * S), None);
        assert_eq!(window_wait(&[10 * S, 20 * S], 0, hour, 30 * S), None);
    }

    #[test]
    fn the_interval_counts_from_the_last_send() {
        let half = Duration::from_secs(30);
        assert_eq!(interval_wait(None, half, 0), None);
        assert_eq!(
            interval_wait(Some(10 * S), half, 15 * S),
            Some(Duration::from_secs(25))
        );
        assert_eq!(interval_wait(Some(10 * S), half, 40 * S), None);
        assert_eq!(interval_wait(Some(10 * S), Duration::ZERO, 11 * S), None);
    }

    #[test]
    fn refusals_are_resource_exhausted_with_retry_info() {
        let status = RateLimited {
            limit: Limit::Phone,
            retry_after: Duration::from_millis(1500),
        }
        .status();
        assert_eq!(status.code(), Code::ResourceExhausted);
        assert!(status.message().ends_with("(PHONE-RtNum)"));
        let retry = &status.details()[1];
        assert_eq!(retry.type_url, "type.googleapis.com/google.rpc.RetryInfo");
        assert_eq!(retry.json(), &serde_json::json!({"retryDelay": "1.500s"}));
    }
}
