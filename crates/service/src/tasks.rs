//! Tasks: building them from their input, edits, the task list and a task's history.

use chrono::NaiveDate;
use tiendo_core::model::{DeadlineView, Event, Page, PartyRef, Task, is_field};
use tiendo_core::policy::{Actor, Write};
use tiendo_core::status::{StateChange, Status, status_on, task_status};
use tiendo_core::text::nfc;
use tiendo_core::time::{instant_rfc3339, today};
use tiendo_store::{
    AssignmentFilter, KnownAssignment, NewTask, Stamp, TaskFilter, TaskPatch, TaskRow,
};

use crate::input::{TaskInput, TaskPatchInput};
use crate::{
    PageRequest, Result, Service, ServiceError, deadline_from, non_empty, optional, page, require,
};

impl Service {
    /// Builds a task to create from its input, on the document's date.
    pub async fn new_task(&self, input: &TaskInput) -> Result<NewTask> {
        let doc = self
            .store
            .get_document(input.document_id)
            .await?
            .ok_or_else(|| {
                ServiceError::invalid("document_id", format!("no document {}", input.document_id))
            })?;
        self.build_task(input, doc.issued_on)
    }

    /// Checks a task's input and resolves its agencies on the document's date.
    pub fn build_task(&self, input: &TaskInput, issued_on: Option<NaiveDate>) -> Result<NewTask> {
        let deadline = deadline_from("deadline", &input.deadline)?;
        if input.lead.is_empty() {
            return Err(ServiceError::invalid(
                "lead",
                "name at least one lead agency or group",
            ));
        }
        let (lead, assignees) = self.resolve_parties("lead", &input.lead, issued_on)?;
        let coord = self.resolve_coordinators(&input.coord, issued_on)?;
        self.task_with_parties(input, deadline, lead, coord, assignees)
    }

    /// Checks the rest of a task's input once its parties are resolved (a confirmed
    /// draft resolves its own, some of them bodies joining the register with it).
    pub(crate) fn task_with_parties(
        &self,
        input: &TaskInput,
        deadline: tiendo_core::deadline::Deadline,
        lead: Vec<PartyRef>,
        coord: Vec<PartyRef>,
        assignees: Vec<i64>,
    ) -> Result<NewTask> {
        if let Some(f) = &input.field
            && !is_field(f)
        {
            return Err(ServiceError::invalid(
                "field",
                "must be one of khcn, dmst, cds, da06, cchc",
            ));
        }
        let priority = input.priority.unwrap_or(2);
        if !(1..=3).contains(&priority) {
            return Err(ServiceError::invalid("priority", "must be 1, 2 or 3"));
        }
        Ok(NewTask {
            document_id: input.document_id,
            ref_: optional("ref", input.ref_.as_deref(), 100)?,
            text: non_empty("text", &input.text, 10_000)?,
            product: optional("product", input.product.as_deref(), 2000)?,
            field: input.field.clone(),
            priority,
            deadline,
            lead,
            coord,
            leader: optional("leader", input.leader.as_deref(), 300)?,
            source_citation: optional("source_citation", input.source_citation.as_deref(), 500)?,
            assignees,
        })
    }

    /// Coordinating parties: known agencies and groups are resolved; a body tiendo
    /// does not know ("Nhóm công tác số 3") is kept by name, since it gets no
    /// assignment.
    pub(crate) fn resolve_coordinators(
        &self,
        names: &[String],
        on: Option<NaiveDate>,
    ) -> Result<Vec<PartyRef>> {
        let mut out = Vec::new();
        for (i, name) in names.iter().enumerate() {
            match self.resolve_parties("coord", std::slice::from_ref(name), on) {
                Ok((parties, _)) => out.extend(parties),
                Err(_) if !name.trim().starts_with('@') && !name.trim().is_empty() => {
                    out.push(PartyRef {
                        agency_id: None,
                        code: String::new(),
                        name: nfc(name.trim()),
                    })
                }
                Err(_) => {
                    return Err(ServiceError::invalid(
                        format!("coord[{i}]"),
                        format!("unknown group '{}'", name.trim()),
                    ));
                }
            }
        }
        Ok(out)
    }

    pub async fn create_task(&self, actor: &Actor, input: &TaskInput) -> Result<Task> {
        require(actor, Write::ManageTasks)?;
        let t = self.new_task(input).await?;
        let id = self
            .store
            .create_task(&t, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.get_task(actor, id, today()).await
    }

    pub async fn update_task(
        &self,
        actor: &Actor,
        id: i64,
        input: &TaskPatchInput,
    ) -> Result<Task> {
        self.edit_task(actor, id, input, false).await
    }

    /// [`Service::update_task`] where every coordinating party must be in the
    /// register (the pages' form): a name not found is an error of `coord[i]`
    /// with the closest name suggested, rather than kept by name.
    pub async fn update_task_strict(
        &self,
        actor: &Actor,
        id: i64,
        input: &TaskPatchInput,
    ) -> Result<Task> {
        self.edit_task(actor, id, input, true).await
    }

    async fn edit_task(
        &self,
        actor: &Actor,
        id: i64,
        input: &TaskPatchInput,
        strict_coord: bool,
    ) -> Result<Task> {
        require(actor, Write::ManageTasks)?;
        let current = self
            .store
            .get_task(id)
            .await?
            .ok_or(ServiceError::NotFound("task".into()))?;
        let doc = self.store.get_document(current.document_id).await?;
        let on = doc.and_then(|d| d.issued_on);
        let patch = TaskPatch {
            ref_: match &input.ref_ {
                Some(r) => Some(optional("ref", Some(r), 100)?),
                None => None,
            },
            text: match &input.text {
                Some(t) => Some(non_empty("text", t, 10_000)?),
                None => None,
            },
            product: match &input.product {
                Some(p) => Some(optional("product", Some(p), 2000)?),
                None => None,
            },
            field: match &input.field {
                Some(f) if f.is_empty() => Some(None),
                Some(f) if is_field(f) => Some(Some(f.clone())),
                Some(_) => {
                    return Err(ServiceError::invalid(
                        "field",
                        "must be one of khcn, dmst, cds, da06, cchc",
                    ));
                }
                None => None,
            },
            priority: match input.priority {
                Some(p) if !(1..=3).contains(&p) => {
                    return Err(ServiceError::invalid("priority", "must be 1, 2 or 3"));
                }
                p => p,
            },
            deadline: match &input.deadline {
                Some(d) => Some(deadline_from("deadline", d)?),
                None => None,
            },
            leader: match &input.leader {
                Some(l) => Some(optional("leader", Some(l), 300)?),
                None => None,
            },
            coord: match &input.coord {
                Some(c) if strict_coord => Some(self.resolve_parties("coord", c, on)?.0),
                Some(c) => Some(self.resolve_coordinators(c, on)?),
                None => None,
            },
        };
        let note = optional("note", input.note.as_deref(), 2000)?;
        let stamp = Stamp::now(Some(actor.user_id));
        let edits = patch.ref_.is_some()
            || patch.text.is_some()
            || patch.product.is_some()
            || patch.field.is_some()
            || patch.priority.is_some()
            || patch.deadline.is_some()
            || patch.leader.is_some()
            || patch.coord.is_some();
        // Only cancelling or restoring: no edit of the task to record.
        if edits || input.cancelled.is_none() {
            self.store.update_task(id, &patch, &stamp).await?;
        }
        if let Some(cancel) = input.cancelled {
            let (rows, _) = self
                .store
                .list_assignments(&AssignmentFilter {
                    task_id: Some(id),
                    agency_id: None,
                    document_id: None,
                    status: None,
                    as_of: today(),
                    due_soon_days: self.config.due_soon_days,
                    confined_to: None,
                    page: 1,
                    per_page: 10_000,
                })
                .await?;
            for row in rows.into_iter().filter(|r| r.state.cancelled != cancel) {
                let change = if cancel {
                    StateChange::Cancelled
                } else {
                    StateChange::Restored
                };
                let action = if cancel { "cancel" } else { "restore" };
                self.store
                    .change_assignment(
                        row.id,
                        &change,
                        action,
                        serde_json::json!({"task_id": id, "note": note}),
                        &stamp,
                    )
                    .await?;
            }
        }
        self.get_task(actor, id, today()).await
    }

    fn task_view(&self, row: TaskRow, known: &[KnownAssignment], as_of: NaiveDate) -> Task {
        let statuses: Vec<Status> = known
            .iter()
            .filter(|k| k.task_id == row.id)
            .map(|k| status_on(&k.state, as_of, self.config.due_soon_days))
            .collect();
        Task {
            id: row.id,
            document_id: row.document_id,
            document_citation: row.document_citation,
            ref_: row.ref_,
            text: row.text,
            product: row.product,
            field: row.field,
            priority: row.priority,
            deadline: DeadlineView::from(&row.deadline),
            lead: row.lead,
            coord: row.coord,
            leader: row.leader,
            source_citation: row.source_citation,
            status: task_status(statuses.iter().copied()),
            assignment_count: statuses.len() as i64,
            cancelled: row.cancelled,
            created_at: instant_rfc3339(row.created_at),
            updated_at: instant_rfc3339(row.updated_at),
        }
    }

    pub async fn list_tasks(&self, actor: &Actor, mut f: TaskFilter) -> Result<Page<Task>> {
        f.confined_to = actor.confined_to();
        f.due_soon_days = self.config.due_soon_days;
        self.cached(format!("{f:?}"), || self.list_tasks_uncached(f))
            .await
    }

    async fn list_tasks_uncached(&self, f: TaskFilter) -> Result<Page<Task>> {
        let p = PageRequest {
            page: f.page,
            per_page: f.per_page,
        };
        let (rows, total) = self.store.list_tasks(&f).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut known = self.store.known_for_tasks(&ids, f.as_of).await?;
        if let Some(agency) = f.confined_to {
            known.retain(|k| k.agency_id == agency);
        }
        let items = rows
            .into_iter()
            .map(|r| self.task_view(r, &known, f.as_of))
            .collect();
        Ok(page(items, total, p))
    }

    pub async fn get_task(&self, actor: &Actor, id: i64, as_of: NaiveDate) -> Result<Task> {
        let row = self
            .store
            .get_task(id)
            .await?
            .ok_or(ServiceError::NotFound("task".into()))?;
        let mut known = self.store.known_for_tasks(&[id], as_of).await?;
        if let Some(agency) = actor.confined_to() {
            let all = self.store.known_for_tasks(&[id], today()).await?;
            if !all.iter().any(|k| k.agency_id == agency) {
                return Err(ServiceError::Forbidden(
                    "this task is not assigned to your agency".into(),
                ));
            }
            known.retain(|k| k.agency_id == agency);
        }
        Ok(self.task_view(row, &known, as_of))
    }

    /// The history of one assignment (its reports, extension requests and
    /// commitments included), for whoever may see the assignment.
    pub async fn assignment_history(&self, actor: &Actor, id: i64) -> Result<Vec<Event>> {
        self.get_assignment(actor, id, today()).await?;
        Ok(self.store.assignment_history(id).await?)
    }

    pub async fn task_history(&self, actor: &Actor, id: i64) -> Result<Vec<Event>> {
        self.get_task(actor, id, today()).await?;
        Ok(self.store.task_history(id, actor.confined_to()).await?)
    }
}
