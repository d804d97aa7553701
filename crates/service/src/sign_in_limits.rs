//! Brakes on password guessing: failed sign-ins counted per username and per
//! client address.
//!
//! After `free` failures within `window`, each further attempt must wait `delay`
//! after the last failure. Per username (5, 15 min, 60 s) that slows guessing one
//! account to about one try a minute, while its real user, locked out by someone
//! else's guesses, waits at most a minute. Per address (20, 15 min, 30 s) it slows
//! trying one password on many accounts, which the username count alone never
//! sees; it is looser because an office behind one address shares it. Counts live
//! in the process (a restart forgets them) and are bounded in number.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;

use tiendo_core::time::Micros;

/// How many failures are free, within what window, and the wait after that.
#[derive(Clone, Copy)]
pub struct Limit {
    pub free: u32,
    pub window: Micros,
    pub delay: Micros,
}

const MINUTE: Micros = 60 * 1_000_000;

pub const PER_USERNAME: Limit = Limit {
    free: 5,
    window: 15 * MINUTE,
    delay: MINUTE,
};

pub const PER_ADDRESS: Limit = Limit {
    free: 20,
    window: 15 * MINUTE,
    delay: MINUTE / 2,
};

/// Keys tracked at most; past it, keys whose window has passed are dropped.
const MAX_KEYS: usize = 10_000;

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    first: Micros,
    last: Micros,
}

/// Failed sign-ins by key (a folded username, or an address).
pub struct FailureLimiter<K> {
    limit: Limit,
    failures: RwLock<HashMap<K, Failures>>,
}

impl<K: Hash + Eq> FailureLimiter<K> {
    pub fn new(limit: Limit) -> Self {
        FailureLimiter {
            limit,
            failures: RwLock::new(HashMap::new()),
        }
    }

    /// Seconds `key` must still wait before its next attempt, if any.
    pub fn wait(&self, key: &K, now: Micros) -> Option<i64> {
        let failures = self.failures.read().unwrap_or_else(|e| e.into_inner());
        let f = failures.get(key)?;
        let Limit {
            free,
            window,
            delay,
        } = self.limit;
        (now - f.first < window && f.count >= free && now - f.last < delay)
            .then(|| (delay - (now - f.last)) / 1_000_000 + 1)
    }

    /// Counts a failure of `key` at `now`.
    pub fn failed(&self, key: K, now: Micros) {
        let mut failures = self.failures.write().unwrap_or_else(|e| e.into_inner());
        let window = self.limit.window;
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, f| now - f.first < window);
        }
        let f = failures.entry(key).or_insert(Failures {
            count: 0,
            first: now,
            last: now,
        });
        if now - f.first >= window {
            *f = Failures {
                count: 0,
                first: now,
                last: now,
            };
        }
        f.count += 1;
        f.last = now;
    }

    /// Forgets `key`'s failures (a username signed in with its password).
    pub fn forget(&self, key: &K) {
        let mut failures = self.failures.write().unwrap_or_else(|e| e.into_inner());
        failures.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_failures_then_a_wait_after_each_and_a_fresh_window() {
        let l = FailureLimiter::new(Limit {
            free: 3,
            window: 100 * 1_000_000,
            delay: 10 * 1_000_000,
        });
        let s = 1_000_000;
        for t in 0..3 {
            assert_eq!(l.wait(&"a", t * s), None);
            l.failed("a", t * s);
        }
        // Third failure at 2 s: wait until 12 s.
        assert_eq!(l.wait(&"a", 3 * s), Some(10));
        assert_eq!(l.wait(&"b", 3 * s), None, "other keys are free");
        assert_eq!(l.wait(&"a", 12 * s), None);
        l.failed("a", 12 * s);
        assert_eq!(l.wait(&"a", 13 * s), Some(10));
        // Past the window, counting starts again.
        l.failed("a", 101 * s);
        assert_eq!(l.wait(&"a", 102 * s), None);
        l.forget(&"a");
        assert_eq!(l.wait(&"a", 102 * s), None);
    }
}
