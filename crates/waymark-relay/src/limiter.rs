//! Per-device (or, before authentication, per-address) token buckets, in memory.
//! Memory grows with the number of devices and client addresses, never with the
//! number of documents; idle full buckets are dropped when the map gets large.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Buckets kept before idle ones are pruned.
const PRUNE_AT: usize = 10_000;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
    refusing: bool,
}

/// What the limiter says about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    /// Refused; `first` is true for the first refusal since the last allowed request
    /// (audit that one, not the flood behind it).
    Refuse {
        first: bool,
    },
}

/// A token bucket per key: `rate` requests a second, bursts of `burst`. A rate of 0
/// turns limiting off.
#[derive(Debug)]
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    pub fn new(rate: f64, burst: f64) -> Self {
        let rate = if rate.is_finite() && rate > 0.0 { rate } else { 0.0 };
        let burst = if burst.is_finite() && burst >= 1.0 { burst } else { 1.0 };
        Self { rate, burst, buckets: Mutex::new(HashMap::new()) }
    }

    pub fn check(&self, key: &str) -> Verdict {
        if self.rate == 0.0 {
            return Verdict::Allow;
        }
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= PRUNE_AT && !buckets.contains_key(key) {
            let (rate, burst) = (self.rate, self.burst);
            buckets.retain(|_, b| b.tokens + now.duration_since(b.last).as_secs_f64() * rate < burst);
        }
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket { tokens: self.burst, last: now, refusing: false });
        let refill = now.duration_since(bucket.last).as_secs_f64() * self.rate;
        bucket.tokens = (bucket.tokens + refill).min(self.burst);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            bucket.refusing = false;
            Verdict::Allow
        } else {
            let first = !bucket.refusing;
            bucket.refusing = true;
            Verdict::Refuse { first }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_bucket_refuses_once_loudly() {
        let limiter = RateLimiter::new(0.001, 3.0);
        assert_eq!(limiter.check("a"), Verdict::Allow);
        assert_eq!(limiter.check("a"), Verdict::Allow);
        assert_eq!(limiter.check("a"), Verdict::Allow);
        assert_eq!(limiter.check("a"), Verdict::Refuse { first: true });
        assert_eq!(limiter.check("a"), Verdict::Refuse { first: false });
        assert_eq!(limiter.check("b"), Verdict::Allow, "other keys are unaffected");
        let off = RateLimiter::new(0.0, 1.0);
        for _ in 0..100 {
            assert_eq!(off.check("a"), Verdict::Allow);
        }
    }
}
