//! Progress reports of agencies on their assignments, and their review (the
//! XLSX, DOCX and PDF reports are in `reports`).

use tiendo_core::model::{Page, ProgressReport};
use tiendo_core::policy::{Actor, Role, Write};
use tiendo_core::time::today;
use tiendo_store::{NewReport, ReportFilter, Stamp};

use crate::input::{BulkReviewInput, MAX_BULK_REVIEW, ReportInput, ReviewInput};
use crate::{PageRequest, Result, Service, ServiceError, non_empty, optional, page, require};

impl Service {
    pub(crate) fn report_input(&self, actor: &Actor, input: &ReportInput) -> Result<NewReport> {
        if let Some(p) = input.percent
            && !(0..=100).contains(&p)
        {
            return Err(ServiceError::invalid(
                "percent",
                "must be between 0 and 100",
            ));
        }
        let reported_on = input.reported_on.unwrap_or_else(today);
        crate::plausible_day("reported_on", reported_on)?;
        if reported_on > today() {
            return Err(ServiceError::invalid(
                "reported_on",
                "cannot be in the future",
            ));
        }
        if input.claims_completion && input.completed_on.is_none() {
            // The completion day decides whether the work was late: it is asked
            // for, never taken from the report's own date.
            return Err(ServiceError::invalid(
                "completed_on",
                "a report that claims completion needs the day the work was completed",
            ));
        }
        if let Some(done) = input.completed_on {
            crate::plausible_day("completed_on", done)?;
            if !input.claims_completion {
                return Err(ServiceError::invalid(
                    "completed_on",
                    "only a report that claims completion has a completion date",
                ));
            }
            if done > today() {
                return Err(ServiceError::invalid(
                    "completed_on",
                    "cannot be in the future",
                ));
            }
        }
        Ok(NewReport {
            assignment_id: input.assignment_id,
            author_id: actor.user_id,
            reported_on,
            percent: if input.claims_completion {
                Some(100)
            } else {
                input.percent
            },
            claims_completion: input.claims_completion,
            completed_on: input.completed_on,
            narrative: non_empty("narrative", &input.narrative, 20_000)?,
            difficulties: optional("difficulties", input.difficulties.as_deref(), 20_000)?,
            proposals: optional("proposals", input.proposals.as_deref(), 20_000)?,
            evidence_number: optional("evidence_number", input.evidence_number.as_deref(), 200)?,
        })
    }

    pub async fn create_report(
        &self,
        actor: &Actor,
        input: &ReportInput,
    ) -> Result<ProgressReport> {
        let (agency, _) = self.owner("assignment_id", input.assignment_id).await?;
        require(actor, Write::Report { agency })?;
        let r = self.report_input(actor, input)?;
        let id = self
            .store
            .create_report(&r, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.get_report(actor, id).await
    }

    pub async fn update_report(
        &self,
        actor: &Actor,
        id: i64,
        input: &ReportInput,
    ) -> Result<ProgressReport> {
        let current = self.get_report(actor, id).await?;
        require(
            actor,
            Write::Report {
                agency: current.agency_id,
            },
        )?;
        if input.assignment_id != current.assignment_id {
            return Err(ServiceError::invalid(
                "assignment_id",
                "a report cannot move to another assignment",
            ));
        }
        if actor.role == Role::Focal && current.author_id != actor.user_id {
            return Err(ServiceError::Forbidden(
                "only the author can change a report".into(),
            ));
        }
        let r = self.report_input(actor, input)?;
        self.store
            .update_report(id, &r, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.get_report(actor, id).await
    }

    pub async fn review_report(
        &self,
        actor: &Actor,
        id: i64,
        input: &ReviewInput,
    ) -> Result<ProgressReport> {
        require(actor, Write::ReviewReport)?;
        let note = optional("note", input.note.as_deref(), 5000)?;
        if !input.accept && note.is_none() {
            return Err(ServiceError::invalid(
                "note",
                "give the reason for returning the report",
            ));
        }
        self.store
            .review_report(
                id,
                input.accept,
                note.as_deref(),
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        self.get_report(actor, id).await
    }

    /// Accepts (or returns, with one reason for all) several reports at once:
    /// all of them, or none if one is not waiting for review any more.
    pub async fn review_reports(
        &self,
        actor: &Actor,
        input: &BulkReviewInput,
    ) -> Result<Vec<ProgressReport>> {
        require(actor, Write::ReviewReport)?;
        let mut ids = input.ids.clone();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Err(ServiceError::invalid("ids", "choose at least one report"));
        }
        if ids.len() > MAX_BULK_REVIEW {
            return Err(ServiceError::invalid(
                "ids",
                format!("at most {MAX_BULK_REVIEW} reports at once"),
            ));
        }
        let note = optional("note", input.note.as_deref(), 5000)?;
        if !input.accept && note.is_none() {
            return Err(ServiceError::invalid(
                "note",
                "give the reason for returning the report",
            ));
        }
        self.store
            .review_reports(
                &ids,
                input.accept,
                note.as_deref(),
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.get_report(actor, id).await?);
        }
        Ok(out)
    }

    /// Withdraws a report waiting for review: its author, or the office. It
    /// stays in the history, marked withdrawn, and decides nothing.
    pub async fn withdraw_report(&self, actor: &Actor, id: i64) -> Result<ProgressReport> {
        let current = self.get_report(actor, id).await?;
        require(
            actor,
            Write::Report {
                agency: current.agency_id,
            },
        )?;
        if actor.role == Role::Focal && current.author_id != actor.user_id {
            return Err(ServiceError::Forbidden(
                "only the author can withdraw a report".into(),
            ));
        }
        self.store
            .withdraw_report(id, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.get_report(actor, id).await
    }

    pub async fn get_report(&self, actor: &Actor, id: i64) -> Result<ProgressReport> {
        let r = self
            .store
            .get_report(id)
            .await?
            .ok_or(ServiceError::NotFound("progress report".into()))?;
        if !actor.sees_agency(r.agency_id) {
            return Err(ServiceError::Forbidden(
                "this report belongs to another agency".into(),
            ));
        }
        Ok(r)
    }

    pub async fn list_reports(
        &self,
        actor: &Actor,
        mut f: ReportFilter,
    ) -> Result<Page<ProgressReport>> {
        f.confined_to = actor.confined_to();
        let p = PageRequest {
            page: f.page,
            per_page: f.per_page,
        };
        let (items, total) = self.store.list_reports(&f).await?;
        Ok(page(items, total, p))
    }
}
