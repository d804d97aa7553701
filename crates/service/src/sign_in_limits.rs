//! Brakes on password guessing: failed sign-ins counted per username and per
//! client address, in the database, so every server on one database counts
//! together and a restart forgets nothing.
//!
//! After `free` failures within `window`, each further attempt must wait `delay`
//! after the last failure, and is answered 429 with `Retry-After`. Per username
//! (5, 15 min, 60 s) that slows guessing one account to about one try a minute,
//! while its real user, locked out by someone else's guesses, waits at most a
//! minute. Per address (20, 15 min, 30 s) it slows trying one password on many
//! accounts, which the username count alone never sees; it is looser because an
//! office behind one address shares it.

use tiendo_core::time::Micros;

use crate::{Result, Service, ServiceError};

/// How many failures are free, within what window, and the wait after that.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub free: i64,
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

/// Seconds to wait before the next attempt, given the failures counted so far
/// (`count`, the `first` and the `last`), if any.
pub fn wait(limit: Limit, count: i64, first: Micros, last: Micros, now: Micros) -> Option<i64> {
    (now - first < limit.window && count >= limit.free && now - last < limit.delay)
        .then(|| (limit.delay - (now - last)) / 1_000_000 + 1)
}

/// The counter of a folded username.
pub fn username_subject(folded: &str) -> String {
    format!("user:{folded}")
}

/// The counter of a client address.
pub fn address_subject(ip: &std::net::IpAddr) -> String {
    format!("addr:{ip}")
}

impl Service {
    /// Refuses an attempt on `subject` while it must wait.
    pub(crate) async fn check_sign_in_limit(
        &self,
        subject: &str,
        limit: Limit,
        now: Micros,
        what: &str,
    ) -> Result<()> {
        if let Some((count, first, last)) = self.store.sign_in_failures(subject).await?
            && let Some(seconds) = wait(limit, count, first, last, now)
        {
            return Err(ServiceError::TooMany {
                message: format!("too many failed sign-ins {what}; try again in {seconds} s"),
                retry_after: seconds,
            });
        }
        Ok(())
    }

    pub(crate) async fn count_sign_in_failure(&self, subject: &str, limit: Limit, now: Micros) {
        if let Err(e) = self
            .store
            .record_sign_in_failure(subject, now, limit.window)
            .await
        {
            tracing::error!(error = %e, "cannot count a failed sign-in");
        }
    }

    pub(crate) async fn forget_sign_in_failures(&self, subject: &str) {
        if let Err(e) = self.store.forget_sign_in_failures(subject).await {
            tracing::error!(error = %e, "cannot reset a sign-in counter");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_failures_then_a_wait_after_each_and_a_fresh_window() {
        let l = Limit {
            free: 3,
            window: 100 * 1_000_000,
            delay: 10 * 1_000_000,
        };
        let s = 1_000_000;
        assert_eq!(wait(l, 2, 0, s, 2 * s), None, "two failures are free");
        // Third failure at 2 s: wait until 12 s.
        assert_eq!(wait(l, 3, 0, 2 * s, 3 * s), Some(10));
        assert_eq!(wait(l, 3, 0, 2 * s, 12 * s), None);
        assert_eq!(wait(l, 4, 0, 12 * s, 13 * s), Some(10));
        // Past the window, counting starts again.
        assert_eq!(wait(l, 9, 0, 99 * s, 101 * s), None);
    }
}
