//! Requests to extend an assignment's deadline, and their decisions.

use tiendo_core::model::Page;
use tiendo_core::policy::{Actor, Role, Write};
use tiendo_store::{ExtensionFilter, NewExtension, Stamp};

use crate::input::{DecisionInput, ExtensionInput};
use crate::{
    PageRequest, Result, Service, ServiceError, deadline_from, non_empty, optional, page, require,
};

impl Service {
    pub async fn request_extension(
        &self,
        actor: &Actor,
        input: &ExtensionInput,
    ) -> Result<tiendo_core::model::Extension> {
        self.request_extension_with_letter(actor, input, None).await
    }

    /// A request with, when given, the official letter (công văn) that asks for
    /// it: one file, checked as evidence files are (crate::letters), written with
    /// the request in one transaction.
    pub async fn request_extension_with_letter(
        &self,
        actor: &Actor,
        input: &ExtensionInput,
        letter: Option<&crate::evidence::Upload>,
    ) -> Result<tiendo_core::model::Extension> {
        let (agency, state) = self.owner("assignment_id", input.assignment_id).await?;
        require(actor, Write::RequestExtension { agency })?;
        let deadline = deadline_from("deadline", &input.deadline)?;
        if let (Some(new), Some(old)) = (deadline.due, state.due)
            && new <= old
        {
            return Err(ServiceError::invalid(
                "deadline",
                format!("must be later than the current deadline ({old})"),
            ));
        }
        if state.completed_on.is_some() || state.cancelled {
            return Err(ServiceError::Conflict(
                "a completed or cancelled assignment needs no extension".into(),
            ));
        }
        let x = NewExtension {
            assignment_id: input.assignment_id,
            requested_by: actor.user_id,
            deadline,
            reason: non_empty("reason", &input.reason, 5000)?,
        };
        let letter = letter.map(|u| self.check_letter(u)).transpose()?;
        let id = self
            .store
            .create_extension_with_letter(
                &x,
                &state,
                letter.as_ref(),
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        self.get_extension(actor, id).await
    }

    pub async fn decide_extension(
        &self,
        actor: &Actor,
        id: i64,
        input: &DecisionInput,
    ) -> Result<tiendo_core::model::Extension> {
        require(actor, Write::DecideExtension)?;
        let note = optional("note", input.note.as_deref(), 5000)?;
        if !input.approve && note.is_none() {
            return Err(ServiceError::invalid(
                "note",
                "give the reason for refusing",
            ));
        }
        self.store
            .decide_extension(
                id,
                input.approve,
                note.as_deref(),
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        self.get_extension(actor, id).await
    }

    /// Withdraws a request not decided yet: the focal point who asked, or the
    /// office. The deadline does not move; the request stays in the history.
    pub async fn withdraw_extension(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<tiendo_core::model::Extension> {
        let x = self.get_extension(actor, id).await?;
        require(
            actor,
            Write::RequestExtension {
                agency: x.agency_id,
            },
        )?;
        if actor.role == Role::Focal && x.requested_by != actor.user_id {
            return Err(ServiceError::Forbidden(
                "only the person who asked can withdraw an extension request".into(),
            ));
        }
        self.store
            .withdraw_extension(id, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.get_extension(actor, id).await
    }

    pub async fn get_extension(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<tiendo_core::model::Extension> {
        let x = self
            .store
            .get_extension(id)
            .await?
            .ok_or(ServiceError::NotFound("extension".into()))?;
        if !actor.sees_agency(x.agency_id) {
            return Err(ServiceError::Forbidden(
                "this extension belongs to another agency".into(),
            ));
        }
        Ok(x)
    }

    pub async fn list_extensions(
        &self,
        actor: &Actor,
        mut f: ExtensionFilter,
    ) -> Result<Page<tiendo_core::model::Extension>> {
        f.confined_to = actor.confined_to();
        let p = PageRequest {
            page: f.page,
            per_page: f.per_page,
        };
        let (items, total) = self.store.list_extensions(&f).await?;
        Ok(page(items, total, p))
    }
}
