//! Documents: the texts tasks come from.

use tiendo_core::model::{Document, Page};
use tiendo_core::policy::{Actor, Write};
use tiendo_core::text::nfc;
use tiendo_store::{DocumentFilter, NewDocument, Stamp};

use crate::input::DocumentInput;
use crate::{PageRequest, Result, Service, ServiceError, non_empty, optional, page, require};

impl Service {
    pub(crate) fn document_input(input: &DocumentInput) -> Result<NewDocument> {
        Ok(NewDocument {
            number: optional("number", input.number.as_deref(), 100)?,
            kind: non_empty("kind", &input.kind, 100)?,
            title: non_empty("title", &input.title, 2000)?,
            issued_on: input.issued_on,
            issuer: optional("issuer", input.issuer.as_deref(), 300)?,
            signer: optional("signer", input.signer.as_deref(), 300)?,
            body: input.body.as_deref().map(nfc),
        })
    }

    pub async fn create_document(&self, actor: &Actor, input: &DocumentInput) -> Result<Document> {
        self.create_document_stamped(actor, input, Stamp::now(Some(actor.user_id)))
            .await
    }

    pub async fn create_document_stamped(
        &self,
        actor: &Actor,
        input: &DocumentInput,
        stamp: Stamp,
    ) -> Result<Document> {
        require(actor, Write::ManageDocuments)?;
        let d = Self::document_input(input)?;
        Ok(self.store.create_document(&d, &stamp).await?)
    }

    pub async fn update_document(
        &self,
        actor: &Actor,
        id: i64,
        input: &DocumentInput,
    ) -> Result<Document> {
        require(actor, Write::ManageDocuments)?;
        let d = Self::document_input(input)?;
        Ok(self
            .store
            .update_document(id, &d, &Stamp::now(Some(actor.user_id)))
            .await?)
    }

    pub async fn get_document(&self, actor: &Actor, id: i64) -> Result<Document> {
        let doc = self
            .store
            .get_document(id)
            .await?
            .ok_or(ServiceError::NotFound("document".into()))?;
        if let Some(agency) = actor.confined_to() {
            let f = DocumentFilter {
                agency_id: Some(agency),
                ..Default::default()
            };
            let visible = self
                .store
                .list_documents(&DocumentFilter {
                    page: 1,
                    per_page: 1000,
                    ..f
                })
                .await?
                .0;
            if !visible.iter().any(|d| d.id == id) {
                return Err(ServiceError::Forbidden(
                    "this document assigns nothing to your agency".into(),
                ));
            }
        }
        Ok(doc)
    }

    /// The document as the system knew it at the end of `day`: not found (with
    /// the reason) when it was recorded or issued after that day.
    pub async fn get_document_on(
        &self,
        actor: &Actor,
        id: i64,
        day: chrono::NaiveDate,
    ) -> Result<Document> {
        let doc = self.get_document(actor, id).await?;
        if !doc.known_on(day) {
            return Err(ServiceError::NotFound(format!(
                "document (it did not exist yet on {})",
                tiendo_core::time::format_date_vi(day)
            )));
        }
        Ok(doc)
    }

    pub async fn get_document_body(&self, actor: &Actor, id: i64) -> Result<Option<String>> {
        self.get_document(actor, id).await?;
        Ok(self.store.get_document_body(id).await?)
    }

    pub async fn list_documents(
        &self,
        actor: &Actor,
        mut f: DocumentFilter,
    ) -> Result<Page<Document>> {
        if let Some(agency) = actor.confined_to() {
            f.agency_id = Some(agency);
        }
        let p = PageRequest {
            page: f.page,
            per_page: f.per_page,
        };
        let (items, total) = self.store.list_documents(&f).await?;
        Ok(page(items, total, p))
    }

    /// Whether the database holds any document (demo data is loaded only when not).
    pub async fn has_documents(&self) -> Result<bool> {
        Ok(self.store.count_documents().await? > 0)
    }
}
