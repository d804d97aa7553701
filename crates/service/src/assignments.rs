//! Assignments, a task's share for one agency: lists, lookups and the standing
//! office's changes.

use chrono::NaiveDate;
use tiendo_core::model::{Assignment, DeadlineView, Page};
use tiendo_core::policy::{Actor, Write};
use tiendo_core::status::{StateChange, days_late, status_on};
use tiendo_core::time::{instant_rfc3339, today};
use tiendo_store::{AssignmentFilter, AssignmentRow, Stamp};

use crate::input::{AssignmentInput, AssignmentPatchInput};
use crate::{PageRequest, Result, Service, ServiceError, deadline_from, page, require};

impl Service {
    pub(crate) fn assignment_view(&self, row: AssignmentRow, as_of: NaiveDate) -> Assignment {
        let status = status_on(&row.state, as_of, self.config.due_soon_days);
        Assignment {
            id: row.id,
            task_id: row.task_id,
            task_text: row.task_text,
            agency_id: row.agency_id,
            agency_name: row.agency_name,
            deadline: DeadlineView::from_parts(
                row.state.deadline_kind,
                row.state.due,
                &row.deadline_raw,
            ),
            completed_on: row.state.completed_on,
            cancelled: row.state.cancelled,
            status,
            days_late: days_late(&row.state, as_of),
            as_of,
            created_at: instant_rfc3339(row.created_at),
        }
    }

    pub async fn list_assignments(
        &self,
        actor: &Actor,
        mut f: AssignmentFilter,
    ) -> Result<Page<Assignment>> {
        f.confined_to = actor.confined_to();
        f.due_soon_days = self.config.due_soon_days;
        let p = PageRequest {
            page: f.page,
            per_page: f.per_page,
        };
        let (rows, total) = self.store.list_assignments(&f).await?;
        Ok(page(
            rows.into_iter()
                .map(|r| self.assignment_view(r, f.as_of))
                .collect(),
            total,
            p,
        ))
    }

    /// The assignment, checking the actor may see it; `as_of` picks the knowledge.
    pub async fn get_assignment(
        &self,
        actor: &Actor,
        id: i64,
        as_of: NaiveDate,
    ) -> Result<Assignment> {
        let (_, agency, _) = self
            .store
            .assignment_owner(id)
            .await?
            .ok_or(ServiceError::NotFound("assignment".into()))?;
        if !actor.sees_agency(agency) {
            return Err(ServiceError::Forbidden(
                "this assignment belongs to another agency".into(),
            ));
        }
        let row = self.store.get_assignment(id, as_of).await?.ok_or_else(|| {
            ServiceError::NotFound(format!("assignment (it did not exist on {as_of})"))
        })?;
        Ok(self.assignment_view(row, as_of))
    }

    pub async fn add_assignment(
        &self,
        actor: &Actor,
        input: &AssignmentInput,
    ) -> Result<Assignment> {
        require(actor, Write::ManageAssignments)?;
        let task = self
            .store
            .get_task(input.task_id)
            .await?
            .ok_or_else(|| ServiceError::invalid("task_id", "no such task"))?;
        let agency = self.resolve_agency("agency", &input.agency, None)?;
        let id = self
            .store
            .add_assignment(
                task.id,
                self.current_successor(agency.id),
                &task.deadline,
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        self.get_assignment(actor, id, today()).await
    }

    /// The standing office's changes to an assignment: confirm completion, reopen,
    /// cancel or restore, correct the deadline. Each is one event.
    pub async fn patch_assignment(
        &self,
        actor: &Actor,
        id: i64,
        input: &AssignmentPatchInput,
    ) -> Result<Assignment> {
        self.patch_assignment_stamped(actor, id, input, Stamp::now(Some(actor.user_id)))
            .await?;
        self.get_assignment(actor, id, today()).await
    }

    pub async fn patch_assignment_stamped(
        &self,
        actor: &Actor,
        id: i64,
        input: &AssignmentPatchInput,
        stamp: Stamp,
    ) -> Result<()> {
        require(actor, Write::ConfirmCompletion)?;
        let (_, _, state) = self
            .store
            .assignment_owner(id)
            .await?
            .ok_or(ServiceError::NotFound("assignment".into()))?;
        let note = serde_json::json!({"note": input.note});
        let mut changes: Vec<(StateChange, &str)> = Vec::new();
        if let Some(d) = &input.deadline {
            let deadline = deadline_from("deadline", d)?;
            changes.push((
                StateChange::DeadlineSet {
                    kind: deadline.kind,
                    due: deadline.due,
                },
                "deadline_corrected",
            ));
        }
        if input.reopen == Some(true) {
            if state.completed_on.is_none() {
                return Err(ServiceError::Conflict(
                    "the assignment is not completed".into(),
                ));
            }
            changes.push((StateChange::Reopened, "reopen"));
        }
        if let Some(on) = input.completed_on {
            if on > today() {
                return Err(ServiceError::invalid(
                    "completed_on",
                    "cannot be in the future",
                ));
            }
            changes.push((StateChange::Completed { on }, "complete"));
        }
        match input.cancelled {
            Some(true) if !state.cancelled => changes.push((StateChange::Cancelled, "cancel")),
            Some(false) if state.cancelled => changes.push((StateChange::Restored, "restore")),
            _ => {}
        }
        if changes.is_empty() {
            return Err(ServiceError::invalid(
                "request",
                "nothing to change: give completed_on, reopen, cancelled or deadline",
            ));
        }
        for (change, action) in changes {
            self.store
                .change_assignment(id, &change, action, note.clone(), &stamp)
                .await?;
        }
        Ok(())
    }

    /// The agency of an assignment, after checking it exists.
    pub(crate) async fn owner(
        &self,
        field: &str,
        assignment_id: i64,
    ) -> Result<(i64, tiendo_core::status::AssignmentState)> {
        let (_, agency, state) = self
            .store
            .assignment_owner(assignment_id)
            .await?
            .ok_or_else(|| {
                ServiceError::invalid(field, format!("no assignment {assignment_id}"))
            })?;
        Ok((agency, state))
    }
}
