//! The overdue report and the counts of assignments by status on a day.

use std::collections::HashMap;

use chrono::NaiveDate;
use tiendo_core::policy::Actor;
use tiendo_core::report::{OverdueReport, OverdueRow};
use tiendo_core::status::{Status, days_late};
use tiendo_store::TaskHead;

use crate::{Result, Service};

impl Service {
    /// The overdue report as the system knew it at the end of `as_of`: one row per
    /// task with an overdue assignment, in the order the tasks were registered.
    pub async fn overdue_report(&self, actor: &Actor, as_of: NaiveDate) -> Result<OverdueReport> {
        let confined = actor.confined_to();
        self.cached(format!("overdue {as_of} {confined:?}"), || {
            self.overdue_report_uncached(as_of, confined)
        })
        .await
    }

    async fn overdue_report_uncached(
        &self,
        as_of: NaiveDate,
        confined: Option<i64>,
    ) -> Result<OverdueReport> {
        let overdue = self.store.overdue_assignments(as_of, confined).await?;
        let mut rows: Vec<OverdueRow> = Vec::new();
        let mut task_ids: Vec<i64> = overdue.iter().map(|k| k.task_id).collect();
        task_ids.dedup();
        let tasks: HashMap<i64, TaskHead> = self
            .store
            .task_heads(&task_ids)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        for k in &overdue {
            let Some(task) = tasks.get(&k.task_id) else {
                continue;
            };
            let due = k.state.due.unwrap_or(as_of);
            let late = days_late(&k.state, as_of);
            match rows.last_mut() {
                Some(row) if row.task_id == k.task_id => {
                    row.incomplete.push(self.agency_name(k.agency_id));
                    row.incomplete_agency_ids.push(k.agency_id);
                    row.deadline = row.deadline.min(due);
                    row.days_late = row.days_late.max(late);
                }
                _ => rows.push(OverdueRow {
                    task_id: task.id,
                    task: task.text.clone(),
                    source_document: task.source.clone(),
                    lead: task.lead.clone(),
                    deadline: due,
                    incomplete: vec![self.agency_name(k.agency_id)],
                    incomplete_agency_ids: vec![k.agency_id],
                    days_late: late,
                }),
            }
        }
        Ok(OverdueReport { as_of, rows })
    }

    /// Counts of assignments by status on a day.
    pub async fn status_counts(
        &self,
        actor: &Actor,
        as_of: NaiveDate,
        agency_id: Option<i64>,
    ) -> Result<Vec<(Status, i64)>> {
        let agency = actor.confined_to().or(agency_id);
        let soon = self.config.due_soon_days;
        self.cached(format!("counts {as_of} {soon} {agency:?}"), || async {
            Ok(self.store.status_counts(as_of, soon, agency).await?)
        })
        .await
    }
}
