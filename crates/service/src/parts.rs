//! Coordinating agencies (cơ quan phối hợp) report their part of a task led by
//! another (issue 14 part 7). A task's lead agencies get assignments; the
//! agencies it names as coordinating do not, yet they are asked to do part of the
//! work. Their focal points see the lead's assignment (the task, its lead, its
//! deadline in force and status: not the lead's own reports, extensions or
//! commitments) and report on it what their agency did. A part never decides the
//! assignment's status: the lead's reports and the office's review do.

use chrono::NaiveDate;
use tiendo_core::model::{Assignment, PartyRef};
use tiendo_core::policy::{Actor, Role};
use tiendo_core::status::AssignmentState;
use tiendo_core::time::{end_of_day, instant_rfc3339, today};
use tiendo_store::{NewPart, PartRow, Stamp};

use crate::{Result, Service, ServiceError};

/// The longest part, in characters.
pub const MAX_PART_CHARS: usize = 4000;

/// What a coordinating agency reports.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartInput {
    /// Defaults to today.
    #[serde(default)]
    pub reported_on: Option<NaiveDate>,
    /// How far its own part has come, 0–100.
    #[serde(default)]
    pub percent: Option<i32>,
    /// What the agency did.
    pub narrative: String,
}

/// A part as pages and the API show it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Part {
    pub id: i64,
    pub assignment_id: i64,
    pub agency_id: i64,
    pub agency: String,
    /// The author's name as shown: display name, else username.
    pub author: String,
    pub reported_on: NaiveDate,
    pub percent: Option<i32>,
    pub narrative: String,
    pub created_at: String,
}

/// Who the actor is to an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The office, leaders, or the lead agency's focal point: reads all of it.
    Sees,
    /// A focal point of an agency the task names as coordinating: reads the
    /// assignment's state and the parts, writes its own part.
    Coordinates,
}

impl Service {
    fn part_view(&self, p: PartRow) -> Part {
        Part {
            id: p.id,
            assignment_id: p.assignment_id,
            agency_id: p.agency_id,
            agency: self.agency_name(p.agency_id),
            author: p
                .author_name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or(p.author_username),
            reported_on: p.reported_on,
            percent: p.percent,
            narrative: p.narrative,
            created_at: instant_rfc3339(p.created_at),
        }
    }

    /// Whether `agency` is among `coord`: named itself, named under an agency
    /// whose work it carries today, or a member of a named group.
    fn among_coordinators(&self, coord: &[PartyRef], agency: i64) -> bool {
        coord.iter().any(|p| match p.agency_id {
            Some(id) => id == agency || self.current_successor(id) == agency,
            None => self
                .groups_of(agency)
                .iter()
                .any(|g| p.code == format!("@{g}")),
        })
    }

    /// The groups an agency belongs to ("bo-nganh", "dia-phuong").
    fn groups_of(&self, agency: i64) -> Vec<String> {
        self.with_agencies_list(|all| {
            all.iter()
                .find(|a| a.id == agency)
                .map(|a| a.groups.clone())
                .unwrap_or_default()
        })
    }

    /// The agencies whose work `agency` carries today, itself first.
    fn carried_by(&self, agency: i64) -> Vec<i64> {
        let mut ids = vec![agency];
        let others: Vec<i64> = self.with_agencies_list(|all| all.iter().map(|a| a.id).collect());
        ids.extend(
            others
                .into_iter()
                .filter(|id| *id != agency && self.current_successor(*id) == agency),
        );
        ids
    }

    /// Who the actor is to an assignment; Forbidden when it may not read it.
    pub async fn standing(&self, actor: &Actor, assignment_id: i64) -> Result<Standing> {
        Ok(self.standing_and_state(actor, assignment_id).await?.0)
    }

    /// The actor's standing and the assignment's current state, read once.
    async fn standing_and_state(
        &self,
        actor: &Actor,
        assignment_id: i64,
    ) -> Result<(Standing, AssignmentState)> {
        let (task_id, agency, state) = self
            .store
            .assignment_owner(assignment_id)
            .await?
            .ok_or(ServiceError::NotFound("assignment".into()))?;
        if actor.sees_agency(agency) {
            return Ok((Standing::Sees, state));
        }
        if actor.role == Role::Focal
            && let Some(own) = actor.agency_id
        {
            let task = self
                .store
                .get_task(task_id)
                .await?
                .ok_or(ServiceError::NotFound("task".into()))?;
            if !task.cancelled && self.among_coordinators(&task.coord, own) {
                return Ok((Standing::Coordinates, state));
            }
        }
        Err(ServiceError::Forbidden(
            "this assignment belongs to another agency, and the task does not name yours as coordinating".into(),
        ))
    }

    /// The assignment as a coordinating agency sees it (its state on `as_of`).
    pub async fn coordinated_assignment(
        &self,
        actor: &Actor,
        assignment_id: i64,
        as_of: NaiveDate,
    ) -> Result<Assignment> {
        self.standing(actor, assignment_id).await?;
        let row = self
            .store
            .get_assignment(assignment_id, as_of)
            .await?
            .ok_or_else(|| {
                ServiceError::NotFound(format!("assignment (it did not exist on {as_of})"))
            })?;
        Ok(self.assignment_view(row, as_of))
    }

    /// The parts reported on an assignment, oldest first; as of a past day,
    /// those written by then.
    pub async fn parts(
        &self,
        actor: &Actor,
        assignment_id: i64,
        as_of: Option<NaiveDate>,
    ) -> Result<Vec<Part>> {
        self.standing(actor, assignment_id).await?;
        let rows = self
            .store
            .list_parts(assignment_id, as_of.map(end_of_day))
            .await?;
        Ok(rows.into_iter().map(|p| self.part_view(p)).collect())
    }

    /// Reports the actor's agency's part of the task of a lead's assignment.
    /// Only a focal point of a coordinating agency reports a part: the lead
    /// reports progress, the office reviews.
    pub async fn report_part(
        &self,
        actor: &Actor,
        assignment_id: i64,
        input: &PartInput,
    ) -> Result<Part> {
        let (standing, state) = self.standing_and_state(actor, assignment_id).await?;
        if standing != Standing::Coordinates {
            return Err(ServiceError::Forbidden(
                "only a focal point of an agency the task names as coordinating reports a part; the lead agency reports progress".into(),
            ));
        }
        let agency = actor
            .agency_id
            .ok_or_else(|| ServiceError::Forbidden("a focal point without an agency".into()))?;
        if state.cancelled || state.completed_on.is_some() {
            return Err(ServiceError::Conflict(
                "the assignment is closed (completed or cancelled): no part can be added".into(),
            ));
        }
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
        let narrative = tiendo_core::text::nfc(input.narrative.trim());
        if narrative.is_empty() {
            return Err(ServiceError::invalid("narrative", "must not be empty"));
        }
        if narrative.chars().count() > MAX_PART_CHARS {
            return Err(ServiceError::invalid(
                "narrative",
                format!("is longer than {MAX_PART_CHARS} characters"),
            ));
        }
        let id = self
            .store
            .add_part(
                &NewPart {
                    assignment_id,
                    agency_id: agency,
                    author_id: actor.user_id,
                    reported_on,
                    percent: input.percent,
                    narrative,
                },
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        let row = self
            .store
            .list_parts(assignment_id, None)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| ServiceError::Internal("the part just written is missing".into()))?;
        Ok(self.part_view(row))
    }

    /// The open assignments of other agencies on tasks that name the actor's
    /// agency as coordinating, earliest due first (at most `limit`).
    pub async fn coordinating(
        &self,
        actor: &Actor,
        as_of: NaiveDate,
        limit: i64,
    ) -> Result<Vec<Assignment>> {
        let Some(agency) = actor.agency_id.filter(|_| actor.role == Role::Focal) else {
            return Ok(Vec::new());
        };
        let groups: Vec<String> = self
            .groups_of(agency)
            .into_iter()
            .map(|g| format!("@{g}"))
            .collect();
        let ids = self
            .store
            .coordinated_assignments(&self.carried_by(agency), &groups, limit)
            .await?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(row) = self.store.get_assignment(id, as_of).await? {
                out.push(self.assignment_view(row, as_of));
            }
        }
        Ok(out)
    }
}
