//! Connection limits: how many connections are open in all and from each IP address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::stats::LoadStats;

/// Admits connections within the limits; each admitted one holds a [`ConnectionSlot`].
#[derive(Clone, Debug)]
pub(crate) struct ConnectionLimiter(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    max: Option<usize>,
    max_per_ip: Option<usize>,
    open: AtomicUsize,
    per_ip: Mutex<HashMap<IpAddr, usize>>,
    cooldown: Option<Duration>,
    cooling: Mutex<HashMap<IpAddr, Instant>>,
    stats: LoadStats,
}

/// Why a connection was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The server holds its most connections.
    Total,
    /// The peer's address holds its most connections.
    PerIp,
    /// The peer's address is cooling down after abuse.
    Cooling,
}

impl ConnectionLimiter {
    pub(crate) fn new(
        max: Option<usize>,
        max_per_ip: Option<usize>,
        cooldown: Option<Duration>,
        stats: LoadStats,
    ) -> ConnectionLimiter {
        ConnectionLimiter(Arc::new(Shared {
            max,
            max_per_ip,
            open: AtomicUsize::new(0),
            per_ip: Mutex::new(HashMap::new()),
            cooldown,
            cooling: Mutex::new(HashMap::new()),
            stats,
        }))
    }

    /// Refuses connections from `ip` for the cooldown, if there is one: its connection was
    /// closed for abuse.
    pub(crate) fn cool_down(&self, ip: IpAddr) {
        let Some(cooldown) = self.0.cooldown else {
            return;
        };
        let mut cooling = self
            .0
            .cooling
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        // Expired entries go when the map grows, so it holds only recent offenders.
        if cooling.len() >= 1024 {
            cooling.retain(|_, until| *until > now);
        }
        cooling.insert(ip, now + cooldown);
    }

    /// Whether `ip` is cooling down now.
    fn is_cooling(&self, ip: IpAddr) -> bool {
        if self.0.cooldown.is_none() {
            return false;
        }
        let mut cooling = self
            .0
            .cooling
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match cooling.get(&ip) {
            Some(until) if *until > Instant::now() => true,
            Some(_) => {
                cooling.remove(&ip);
                false
            }
            None => false,
        }
    }

    /// A slot for a connection from `ip`, or why there is none (counted as refused).
    pub(crate) fn admit(&self, ip: IpAddr) -> Result<ConnectionSlot, Refusal> {
        let shared = &self.0;
        if self.is_cooling(ip) {
            shared.stats.connection_refused();
            return Err(Refusal::Cooling);
        }
        let open = shared.open.fetch_add(1, Ordering::AcqRel);
        if shared.max.is_some_and(|max| open >= max) {
            shared.open.fetch_sub(1, Ordering::AcqRel);
            shared.stats.connection_refused();
            return Err(Refusal::Total);
        }
        if let Some(max) = shared.max_per_ip {
            let mut per_ip = shared
                .per_ip
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let count = per_ip.entry(ip).or_insert(0);
            if *count >= max {
                drop(per_ip);
                shared.open.fetch_sub(1, Ordering::AcqRel);
                shared.stats.connection_refused();
                return Err(Refusal::PerIp);
            }
            *count += 1;
        }
        shared.stats.connection_opened();
        Ok(ConnectionSlot {
            limiter: self.clone(),
            ip,
        })
    }
}

/// An admitted connection; dropping it frees its place.
#[derive(Debug)]
pub(crate) struct ConnectionSlot {
    limiter: ConnectionLimiter,
    ip: IpAddr,
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let shared = &self.limiter.0;
        shared.open.fetch_sub(1, Ordering::AcqRel);
        shared.stats.connection_closed();
        if shared.max_per_ip.is_some() {
            let mut per_ip = shared
                .per_ip
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Some(count) = per_ip.get_mut(&self.ip) {
                *count -= 1;
                if *count == 0 {
                    per_ip.remove(&self.ip);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_in_all_and_per_address() {
        let stats = LoadStats::default();
        let limiter = ConnectionLimiter::new(Some(3), Some(2), None, stats.clone());
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let a1 = limiter.admit(a).unwrap();
        let _a2 = limiter.admit(a).unwrap();
        assert_eq!(limiter.admit(a).unwrap_err(), Refusal::PerIp);
        let _b1 = limiter.admit(b).unwrap();
        assert_eq!(limiter.admit(b).unwrap_err(), Refusal::Total);
        drop(a1);
        let _a3 = limiter.admit(a).unwrap();
        assert_eq!(stats.open_connections(), 3);
        assert_eq!(stats.refused_connections(), 2);
    }

    #[test]
    fn an_address_cooling_down_is_refused_and_others_are_not() {
        let stats = LoadStats::default();
        let limiter = ConnectionLimiter::new(None, None, Some(Duration::from_secs(60)), stats);
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        limiter.cool_down(a);
        assert_eq!(limiter.admit(a).unwrap_err(), Refusal::Cooling);
        assert!(limiter.admit(b).is_ok());
        let expired =
            ConnectionLimiter::new(None, None, Some(Duration::ZERO), LoadStats::default());
        expired.cool_down(a);
        assert!(expired.admit(a).is_ok());
    }
}
