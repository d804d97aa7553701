//! The scheduler inside `tiendo serve`: every period, one run of
//! [`Service::notify_tick`] at the time its clock gives. Tests give it a clock
//! they move themselves; nothing here sleeps for the rules' sake, only between
//! runs.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use tiendo_core::time::{Micros, now_micros};

use crate::Service;

/// Where the scheduler reads the time.
pub trait Clock: Send + Sync {
    fn now(&self) -> Micros;
}

/// The system's clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Micros {
        now_micros()
    }
}

/// A clock that stands still until moved: for tests and for replaying a day.
#[derive(Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(at: Micros) -> ManualClock {
        ManualClock(AtomicI64::new(at))
    }

    pub fn set(&self, at: Micros) {
        self.0.store(at, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Micros {
        self.0.load(Ordering::SeqCst)
    }
}

/// Runs the scheduler until the process ends: a run at start (catching up on
/// what fell due while the server was down), then one every `every`. A failed
/// run is logged and the next one tries again.
pub async fn run(service: Service, clock: Arc<dyn Clock>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match service.notify_tick(clock.now()).await {
            Ok(report) => {
                let sent = report
                    .delivered
                    .iter()
                    .filter(|d| d.outcome == "sent")
                    .count();
                if !report.planned_days.is_empty() || !report.delivered.is_empty() {
                    tracing::info!(
                        planned_days = report.planned_days.len(),
                        new_causes = report.new_causes,
                        expanded = report.expanded_causes,
                        delivered = report.delivered.len(),
                        sent,
                        "notifications"
                    );
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "notifications: this run failed; the next one tries again")
            }
        }
    }
}
