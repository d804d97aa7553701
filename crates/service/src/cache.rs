//! A cache of read results, valid for one data version.
//!
//! The store advances its data version in every write transaction, just before it
//! commits (`Store::data_version`). A read answered under version `v` is kept under
//! `v` and served to the next identical request while the version is still `v`:
//! the data it was computed from has not changed, in this process or any other on
//! the same database. When the version moves on, every entry is dropped.
//!
//! The version is read before the result is computed, so an answer can only be
//! newer than its key, never older: a write that commits while a read runs
//! advances the version, and the next request misses and computes afresh.
//!
//! Identical requests that arrive together compute once: the first computes, the
//! others wait for its answer (a failed computation is not kept; the next request
//! tries again).
//!
//! What a key must hold: everything the answer depends on besides the data — the
//! request's parameters, the actor's confinement (a focal point's agency), and the
//! day (status "as of today" changes at midnight without any write).

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

/// Entries kept for one data version at most; past it the cache starts afresh
/// (requests are bounded in kind, so a full cache means unusual traffic).
const MAX_ENTRIES: usize = 4_096;

type Slot = Arc<OnceCell<Arc<dyn Any + Send + Sync>>>;

#[derive(Default)]
struct Entries {
    version: i64,
    slots: HashMap<String, Slot>,
}

/// Read results by key, for the current data version.
#[derive(Default)]
pub struct ReadCache {
    entries: Mutex<Entries>,
}

impl ReadCache {
    /// The slot for `key` under `version`, or `None` when `version` is older than
    /// the cache's (a reader that started before the latest write: it computes
    /// without caching).
    fn slot(&self, version: i64, key: &str) -> Option<Slot> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if version > entries.version || entries.slots.len() >= MAX_ENTRIES {
            entries.slots.clear();
            entries.version = entries.version.max(version);
        }
        if version < entries.version {
            return None;
        }
        Some(
            entries
                .slots
                .entry(key.to_owned())
                .or_insert_with(|| Arc::new(OnceCell::new()))
                .clone(),
        )
    }

    /// The answer for `key` under `version`: the cached one, or `compute`'s, kept.
    pub async fn get_or_compute<T, E, F, Fut>(
        &self,
        version: i64,
        key: &str,
        compute: F,
    ) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        // The answer's type is part of the key, so one key never holds two types.
        let key = format!("{}|{key}", std::any::type_name::<T>());
        let Some(slot) = self.slot(version, &key) else {
            return compute().await.map(Arc::new);
        };
        let value = slot
            .get_or_try_init(|| async {
                compute()
                    .await
                    .map(|v| Arc::new(v) as Arc<dyn Any + Send + Sync>)
            })
            .await?
            .clone();
        Ok(value
            .downcast::<T>()
            .unwrap_or_else(|_| unreachable!("the key names the type")))
    }

    /// How many answers are kept (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .slots
            .values()
            .filter(|s| s.initialized())
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn read(cache: &ReadCache, version: i64, key: &str, calls: &AtomicUsize) -> i64 {
        *cache
            .get_or_compute::<i64, (), _, _>(version, key, || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Ok(version * 10)
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn same_version_and_key_computes_once() {
        let cache = ReadCache::default();
        let calls = AtomicUsize::new(0);
        assert_eq!(read(&cache, 1, "a", &calls).await, 10);
        assert_eq!(read(&cache, 1, "a", &calls).await, 10);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(read(&cache, 1, "b", &calls).await, 10);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_new_version_drops_every_answer() {
        let cache = ReadCache::default();
        let calls = AtomicUsize::new(0);
        read(&cache, 1, "a", &calls).await;
        assert_eq!(read(&cache, 2, "a", &calls).await, 20);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(cache.len(), 1);
    }

    #[tokio::test]
    async fn a_reader_older_than_the_cache_is_not_cached() {
        let cache = ReadCache::default();
        let calls = AtomicUsize::new(0);
        read(&cache, 5, "a", &calls).await;
        // A reader that read version 4 before a write committed computes its own
        // answer and leaves the version-5 answer alone.
        assert_eq!(read(&cache, 4, "a", &calls).await, 40);
        assert_eq!(read(&cache, 4, "a", &calls).await, 40);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert_eq!(read(&cache, 5, "a", &calls).await, 50);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_failed_computation_is_not_kept() {
        let cache = ReadCache::default();
        let failed = cache
            .get_or_compute::<i64, &str, _, _>(1, "a", || async { Err("database down") })
            .await;
        assert_eq!(failed.unwrap_err(), "database down");
        let calls = AtomicUsize::new(0);
        assert_eq!(read(&cache, 1, "a", &calls).await, 10);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn concurrent_identical_requests_compute_once() {
        let cache = Arc::new(ReadCache::default());
        let calls = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::new();
        for _ in 0..16 {
            let cache = cache.clone();
            let calls = calls.clone();
            handles.push(tokio::spawn(async move {
                *cache
                    .get_or_compute::<i64, (), _, _>(3, "k", || async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        Ok(7)
                    })
                    .await
                    .unwrap()
            }));
        }
        for h in handles {
            assert_eq!(h.await.unwrap(), 7);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
