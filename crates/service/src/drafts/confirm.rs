//! Confirming drafts: a draft becomes a task with one assignment per lead agency
//! (today's successor of an agency merged since the document), and the bodies
//! outside the register it names join the register under the document's issuer
//! (or the agency the reviewer chose), all in one transaction with their history.

use tiendo_core::model::{PartyRef, Task};
use tiendo_core::policy::{Actor, Write};
use tiendo_store::{NewAgency, Stamp};

use super::parties::Party;
use crate::input::{DeadlineInput, TaskInput};
use crate::{Result, Service, ServiceError, deadline_from, require};

/// The parties of one list (lead or coord) of a draft, resolved for its task.
#[derive(Default)]
struct Resolved {
    parties: Vec<PartyRef>,
    assignees: Vec<i64>,
    units: Vec<NewAgency>,
}

impl Service {
    /// Resolves the names of one list of a draft; `lead` lists give assignments
    /// and refuse a name the register does not know, `coord` lists keep it by name.
    fn resolve_draft_parties(
        &self,
        role: &str,
        names: &[String],
        on: Option<chrono::NaiveDate>,
        parent: Option<&tiendo_core::model::Agency>,
        units: &[tiendo_store::DraftUnit],
    ) -> Result<Resolved> {
        let mut out = Resolved::default();
        for (i, name) in names.iter().enumerate() {
            let field = format!("{role}[{i}]");
            match self.party(name, on, parent, units) {
                Party::Group => {
                    let (parties, assignees) =
                        self.resolve_parties(&field, std::slice::from_ref(name), on)?;
                    out.parties.extend(parties);
                    if role == "lead" {
                        out.assignees.extend(assignees);
                    }
                }
                Party::Known { agency, .. } => {
                    if role == "lead" {
                        out.assignees.push(self.current_successor(agency.id));
                    }
                    out.parties.push(PartyRef {
                        agency_id: Some(agency.id),
                        code: agency.code,
                        name: agency.name,
                    });
                }
                Party::New { unit, .. } => {
                    out.parties.push(PartyRef {
                        agency_id: None,
                        code: unit.code.clone(),
                        name: unit.name.clone(),
                    });
                    if !out.units.iter().any(|u| u.code == unit.code) {
                        out.units.push(unit);
                    }
                }
                Party::NeedsParent { .. } => {
                    return Err(ServiceError::invalid(
                        field,
                        format!(
                            "'{}' is not in the agency register, and the document names no issuing agency to add it under: choose the agency it belongs to (unit_parent)",
                            name.trim()
                        ),
                    ));
                }
                Party::Unknown { message, .. } if role == "lead" => {
                    return Err(ServiceError::invalid(field, message));
                }
                Party::Unknown { .. } => out.parties.push(PartyRef {
                    agency_id: None,
                    code: String::new(),
                    name: tiendo_core::text::nfc(name.trim()),
                }),
            }
        }
        Ok(out)
    }

    /// Confirms a draft: it becomes a task with one assignment per lead agency;
    /// the bodies it names that the register lacks join it first.
    pub async fn confirm_draft(&self, actor: &Actor, id: i64) -> Result<Task> {
        require(actor, Write::ManageTasks)?;
        let row = self.draft_row(id).await?;
        let document = self.document_of(row.document_id).await?;
        if row.text.trim().is_empty() {
            return Err(ServiceError::invalid("text", "must not be empty"));
        }
        let deadline_input = DeadlineInput {
            kind: row.deadline_kind.clone(),
            due: row.due,
            raw: row.deadline_raw.clone(),
        };
        let deadline = deadline_from("deadline", &deadline_input)?;
        if row.lead.is_empty() {
            return Err(ServiceError::invalid(
                "lead",
                "name at least one lead agency or group",
            ));
        }
        let on = document.issued_on;
        let parent = self.unit_parent_of(&row, &document);
        let lead =
            self.resolve_draft_parties("lead", &row.lead, on, parent.as_ref(), &row.units)?;
        let coord =
            self.resolve_draft_parties("coord", &row.coord, on, parent.as_ref(), &row.units)?;
        let mut assignees = lead.assignees;
        let mut seen = std::collections::HashSet::new();
        assignees.retain(|a| seen.insert(*a));
        let mut units = lead.units;
        for u in coord.units {
            if !units.iter().any(|k| k.code == u.code) {
                units.push(u);
            }
        }
        let input = TaskInput {
            document_id: row.document_id,
            ref_: row.ref_.clone(),
            text: row.text.clone(),
            product: row.product.clone(),
            field: None,
            priority: None,
            deadline: deadline_input,
            lead: row.lead.clone(),
            coord: row.coord.clone(),
            leader: None,
            source_citation: row.source_doc.clone(),
        };
        if !units.is_empty() {
            // Adding to the register is a write of its own.
            require(actor, Write::ManageAgencies)?;
        }
        let task =
            self.task_with_parties(&input, deadline, lead.parties, coord.parties, assignees)?;
        let task_id = self
            .store
            .confirm_draft(
                id,
                &task,
                &units,
                &Stamp::now(Some(actor.user_id).filter(|id| *id > 0)),
            )
            .await?;
        if !units.is_empty() {
            self.reload_agencies().await?;
        }
        self.get_task(actor, task_id, tiendo_core::time::today())
            .await
    }

    /// Confirms every proposed draft of a document; stops at the first that cannot
    /// be confirmed (an unknown agency, say) and says which.
    pub async fn confirm_all_drafts(&self, actor: &Actor, document_id: i64) -> Result<Vec<i64>> {
        let mut tasks = Vec::new();
        for row in self.store.list_drafts(document_id).await? {
            if row.state != "proposed" {
                continue;
            }
            let task = self
                .confirm_draft(actor, row.id)
                .await
                .map_err(|e| match e {
                    ServiceError::Invalid { field, message } => {
                        ServiceError::invalid(format!("drafts[{}].{field}", row.id), message)
                    }
                    other => other,
                })?;
            tasks.push(task.id);
        }
        Ok(tasks)
    }
}
