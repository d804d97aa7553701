//! Reads for the web pages: aggregates over what the use cases already expose,
//! with the same permission rules (a focal point sees its own agency only).

use std::collections::HashMap;

use chrono::NaiveDate;
use tiendo_core::policy::Actor;
use tiendo_core::status::{Status, status_on};

use crate::{Result, Service};

/// An agency's overdue assignments on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyOverdue {
    pub agency_id: i64,
    pub agency_name: String,
    pub agency_code: String,
    pub count: i64,
    /// Days late of the latest of them.
    pub max_days_late: i64,
}

/// How far a task's assignments have come on a day (those the actor sees).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskProgress {
    pub total: i64,
    pub by_status: Vec<(Status, i64)>,
}

impl TaskProgress {
    pub fn count(&self, status: Status) -> i64 {
        self.by_status
            .iter()
            .find(|(s, _)| *s == status)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }

    pub fn completed(&self) -> i64 {
        self.count(Status::CompletedOnTime) + self.count(Status::CompletedLate)
    }
}

impl Service {
    /// Overdue assignments at the end of `as_of`, counted per agency, most first.
    pub async fn overdue_by_agency(
        &self,
        actor: &Actor,
        as_of: NaiveDate,
    ) -> Result<Vec<AgencyOverdue>> {
        let confined = actor.confined_to();
        self.cached(format!("overdue-by-agency {as_of} {confined:?}"), || {
            self.overdue_by_agency_uncached(as_of, confined)
        })
        .await
    }

    async fn overdue_by_agency_uncached(
        &self,
        as_of: NaiveDate,
        confined: Option<i64>,
    ) -> Result<Vec<AgencyOverdue>> {
        // Counted in the database: a national day has hundreds of thousands of
        // overdue assignments, and only their number per agency is needed here.
        let counts = self.store.overdue_by_agency(as_of, confined).await?;
        let by: HashMap<i64, (i64, i64)> = counts
            .into_iter()
            .map(|(agency, count, first_due)| {
                (agency, (count, (as_of - first_due).num_days().max(0)))
            })
            .collect();
        let mut out: Vec<AgencyOverdue> = by
            .into_iter()
            .map(|(id, (count, late))| {
                let a = self.agency(id);
                AgencyOverdue {
                    agency_id: id,
                    agency_name: a
                        .as_ref()
                        .map(|a| a.name.clone())
                        .unwrap_or_else(|| format!("#{id}")),
                    agency_code: a.map(|a| a.code).unwrap_or_default(),
                    count,
                    max_days_late: late,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(b.max_days_late.cmp(&a.max_days_late))
                .then(a.agency_name.cmp(&b.agency_name))
        });
        Ok(out)
    }

    /// Per task, its assignments' statuses on `as_of` as the system knew them then.
    pub async fn task_progress(
        &self,
        actor: &Actor,
        task_ids: &[i64],
        as_of: NaiveDate,
    ) -> Result<HashMap<i64, TaskProgress>> {
        let known = self.store.known_for_tasks(task_ids, as_of).await?;
        let confined = actor.confined_to();
        let mut counts: HashMap<i64, HashMap<Status, i64>> = HashMap::new();
        for k in known
            .iter()
            .filter(|k| confined.is_none_or(|a| a == k.agency_id))
        {
            let s = status_on(&k.state, as_of, self.config.due_soon_days);
            *counts.entry(k.task_id).or_default().entry(s).or_default() += 1;
        }
        Ok(counts
            .into_iter()
            .map(|(task, m)| {
                let total = m.values().sum();
                let by_status = Status::ALL
                    .iter()
                    .filter_map(|s| m.get(s).map(|n| (*s, *n)))
                    .collect();
                (task, TaskProgress { total, by_status })
            })
            .collect())
    }
}
