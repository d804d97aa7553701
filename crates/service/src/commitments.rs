//! Commitments: the completion dates agencies commit to, and whether they were kept.

use chrono::NaiveDate;
use tiendo_core::model::{Commitment, Page};
use tiendo_core::policy::{Actor, Write};
use tiendo_core::time::{instant_rfc3339, today};
use tiendo_store::{CommitmentFilter, CommitmentRow, NewCommitment, Stamp};

use crate::input::{CommitmentInput, CommitmentPatchInput};
use crate::{PageRequest, Result, Service, ServiceError, optional, page, require};

impl Service {
    async fn commitment_view(&self, row: CommitmentRow, as_of: NaiveDate) -> Result<Commitment> {
        let state = self
            .store
            .get_assignment(row.assignment_id, as_of)
            .await?
            .map(|a| a.state);
        let outcome = match state.and_then(|s| s.completed_on) {
            Some(done) if done <= row.committed_on => "kept",
            Some(_) => "broken",
            None if as_of > row.committed_on => "broken",
            None => "pending",
        };
        Ok(Commitment {
            id: row.id,
            assignment_id: row.assignment_id,
            agency_id: row.agency_id,
            committed_on: row.committed_on,
            original_due: row.original_due,
            letter_number: row.letter_number,
            note: row.note,
            outcome: outcome.into(),
            created_by: row.created_by,
            created_at: instant_rfc3339(row.created_at),
            updated_at: instant_rfc3339(row.updated_at),
        })
    }

    pub async fn create_commitment(
        &self,
        actor: &Actor,
        input: &CommitmentInput,
    ) -> Result<Commitment> {
        self.create_commitment_stamped(actor, input, Stamp::now(Some(actor.user_id)))
            .await
    }

    pub async fn create_commitment_stamped(
        &self,
        actor: &Actor,
        input: &CommitmentInput,
        stamp: Stamp,
    ) -> Result<Commitment> {
        let (agency, state) = self.owner("assignment_id", input.assignment_id).await?;
        require(actor, Write::Commit { agency })?;
        if state.completed_on.is_some() {
            return Err(ServiceError::Conflict(
                "the assignment is already completed".into(),
            ));
        }
        let made_on = tiendo_core::time::day_of(stamp.recorded_at);
        if let Some(m) = tiendo_core::time::bad_commitment_day(input.committed_on, made_on) {
            return Err(ServiceError::invalid("committed_on", m));
        }
        let c = NewCommitment {
            assignment_id: input.assignment_id,
            committed_on: input.committed_on,
            letter_number: optional("letter_number", input.letter_number.as_deref(), 200)?,
            note: optional("note", input.note.as_deref(), 5000)?,
            created_by: actor.user_id,
        };
        let id = self.store.create_commitment(&c, state.due, &stamp).await?;
        self.get_commitment(actor, id, today()).await
    }

    pub async fn update_commitment(
        &self,
        actor: &Actor,
        id: i64,
        input: &CommitmentPatchInput,
    ) -> Result<Commitment> {
        let current = self
            .store
            .get_commitment(id)
            .await?
            .ok_or(ServiceError::NotFound("commitment".into()))?;
        require(
            actor,
            Write::Commit {
                agency: current.agency_id,
            },
        )?;
        if let Some(m) = tiendo_core::time::bad_commitment_day(
            input.committed_on,
            tiendo_core::time::day_of(current.created_at),
        ) {
            return Err(ServiceError::invalid("committed_on", m));
        }
        self.store
            .update_commitment(
                id,
                input.committed_on,
                optional("letter_number", input.letter_number.as_deref(), 200)?,
                optional("note", input.note.as_deref(), 5000)?,
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        self.get_commitment(actor, id, today()).await
    }

    pub async fn get_commitment(
        &self,
        actor: &Actor,
        id: i64,
        as_of: NaiveDate,
    ) -> Result<Commitment> {
        let row = self
            .store
            .get_commitment(id)
            .await?
            .ok_or(ServiceError::NotFound("commitment".into()))?;
        if !actor.sees_agency(row.agency_id) {
            return Err(ServiceError::Forbidden(
                "this commitment belongs to another agency".into(),
            ));
        }
        self.commitment_view(row, as_of).await
    }

    pub async fn list_commitments(
        &self,
        actor: &Actor,
        mut f: CommitmentFilter,
        as_of: NaiveDate,
    ) -> Result<Page<Commitment>> {
        f.confined_to = actor.confined_to();
        let p = PageRequest {
            page: f.page,
            per_page: f.per_page,
        };
        let (rows, total) = self.store.list_commitments(&f).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            items.push(self.commitment_view(row, as_of).await?);
        }
        Ok(page(items, total, p))
    }
}
