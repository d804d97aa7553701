//! Import after review: a document is read by the extractor, its proposed tasks
//! are stored as drafts beside the words they came from, a person edits, drops,
//! merges or confirms them, and a confirmed draft becomes a task with its
//! assignments. Re-importing a document does not duplicate anything; a proposed
//! task that restates one of an earlier document is flagged with a link to it.
//!
//! A draft holds the task's whole text as the document writes it, how sure the
//! extractor was and why it doubts, and the bodies outside the agency register it
//! names; confirming it (`confirm.rs`) adds those bodies to the register
//! (`parties.rs`) in the same transaction as the task.

mod confirm;
mod parties;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use tiendo_core::model::Document;
use tiendo_core::policy::{Actor, Write};
use tiendo_core::text::{fold, nfc};
use tiendo_extract::{ExtractOptions, Extraction};
use tiendo_store::{DraftRow, DraftUnit, NewDraft, Stamp};
use utoipa::ToSchema;

use crate::input::{DeadlineInput, DocumentInput};
use crate::{Result, Service, ServiceError, require};

pub use parties::PartyCheck;

/// A proposed task, with the passage of the document it came from.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DraftView {
    pub id: i64,
    pub document_id: i64,
    pub position: i64,
    #[serde(rename = "ref")]
    pub ref_: Option<String>,
    /// The task's whole text (its sentence or table cell, without the words that
    /// hand it over): what a confirmed draft's task says.
    pub text: String,
    /// The extractor's first words of the task (how a re-import knows it again).
    pub first_words: Option<String>,
    pub lead: Vec<String>,
    pub coord: Vec<String>,
    pub deadline: DeadlineInput,
    pub product: Option<String>,
    /// How sure the extractor was, from 0 to 1 (null for drafts read before it said).
    pub confidence: Option<f64>,
    /// Why it may be wrong: `lead_inherited`, `unknown_unit`, `group_lead`,
    /// `no_deadline`, `deadline_unread`, `no_verb`, `long`.
    pub doubts: Vec<String>,
    /// Each lead and coordinating name checked against the register on the
    /// document's date (known, renamed, group, new, needs_parent, unknown, kept).
    pub parties: Vec<PartyCheck>,
    /// The agency a reviewer chose for the draft's new units to join the register
    /// under (code and name); otherwise they join under the document's issuer.
    pub unit_parent: Option<String>,
    pub unit_parent_name: Option<String>,
    /// Byte offsets of the task in the document's text.
    pub span: Option<(i64, i64)>,
    /// The words of the document the task came from.
    pub passage: Option<String>,
    /// Which of the "6 rõ" the task leaves unclear.
    pub six_clear: Vec<String>,
    pub source_doc: Option<String>,
    /// proposed, confirmed, dropped
    pub state: String,
    pub task_id: Option<i64>,
    /// A task of an earlier document this one likely repeats.
    pub repeat_of: Option<i64>,
    pub repeat_of_text: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportedDocument {
    pub document: tiendo_core::model::Document,
    pub document_created: bool,
    pub drafts_created: usize,
    pub drafts: Vec<DraftView>,
    pub warnings: Vec<String>,
}

/// An edit of a draft; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftInput {
    #[serde(default, rename = "ref")]
    pub ref_: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub lead: Option<Vec<String>>,
    #[serde(default)]
    pub coord: Option<Vec<String>>,
    #[serde(default)]
    pub deadline: Option<DeadlineInput>,
    #[serde(default)]
    pub product: Option<String>,
    /// The agency (name or code) under which the draft's bodies outside the
    /// register join it on confirmation, instead of the document's issuer (needed
    /// when the document names none); "" clears the choice.
    #[serde(default)]
    pub unit_parent: Option<String>,
    /// true drops the draft; false brings a dropped draft back.
    #[serde(default)]
    pub dropped: Option<bool>,
}

fn new_draft(row: &DraftRow) -> NewDraft {
    NewDraft {
        position: row.position,
        ref_: row.ref_.clone(),
        text: row.text.clone(),
        first_words: row.first_words.clone(),
        lead: row.lead.clone(),
        coord: row.coord.clone(),
        deadline_kind: row.deadline_kind.clone(),
        due: row.due,
        deadline_raw: row.deadline_raw.clone(),
        product: row.product.clone(),
        span: row.span,
        six_clear: row.six_clear.clone(),
        source_doc: row.source_doc.clone(),
        repeat_of: row.repeat_of,
        confidence_permille: row.confidence_permille,
        doubts: row.doubts.clone(),
        units: row.units.clone(),
        unit_parent: row.unit_parent.clone(),
    }
}

/// The units of an extraction that a task names (lead or coordination).
fn units_of(extraction: &Extraction, task: &tiendo_extract::Task) -> Vec<DraftUnit> {
    let named: HashSet<String> = task
        .lead
        .iter()
        .chain(&task.coord)
        .map(|n| fold(n))
        .collect();
    extraction
        .units
        .iter()
        .filter(|u| named.contains(&fold(&u.name)))
        .map(|u| DraftUnit {
            name: u.name.clone(),
            kind: u.kind.clone(),
        })
        .collect()
}

impl Service {
    /// Reads a document and stores it with its proposed tasks as drafts. The
    /// `file_name` helps date a text that does not say its date.
    pub async fn import_document(
        &self,
        actor: &Actor,
        extraction: Extraction,
    ) -> Result<ImportedDocument> {
        require(actor, Write::ManageDocuments)?;
        let info = extraction.document.clone();
        let text = extraction.normalised_text().to_string();
        let stamp = Stamp::now(Some(actor.user_id).filter(|id| *id > 0));
        let existing = match &info.number {
            Some(n) => self.store.find_document_by_number(n).await?,
            None => None,
        };
        let (document, created) = match existing {
            Some(d) => (d, false),
            None => {
                let input = DocumentInput {
                    number: info.number.clone(),
                    kind: info.kind.clone().unwrap_or_else(|| "Văn bản".into()),
                    title: info.title.clone().unwrap_or_else(|| {
                        text.lines()
                            .find(|l| !l.trim().is_empty())
                            .unwrap_or("Văn bản")
                            .chars()
                            .take(300)
                            .collect()
                    }),
                    issued_on: info.date,
                    issuer: info.issuer.clone(),
                    signer: None,
                    body: Some(text.clone()),
                };
                (
                    self.create_document_stamped(actor, &input, stamp).await?,
                    true,
                )
            }
        };
        // Tasks already proposed or registered for this document are not proposed
        // again (known by their first words, or by their whole text once a task).
        let known_drafts = self.store.list_drafts(document.id).await?;
        let mut warnings = extraction.warnings.clone();
        let mut fresh = Vec::new();
        for (i, t) in extraction.tasks.iter().enumerate() {
            let reference = Some(t.reference.clone()).filter(|r| !r.is_empty());
            let whole = nfc(t.full_text.trim());
            // A closing formula ("./.") or the words that hand a task over, and
            // nothing else: no task to propose.
            if !whole.chars().any(char::is_alphanumeric) {
                warnings.push(format!(
                    "{}: no words of a task once the words that hand it over are dropped ('{}'); not proposed",
                    reference.as_deref().unwrap_or("a passage"),
                    t.text.trim()
                ));
                continue;
            }
            let seen = known_drafts.iter().any(|d| {
                d.ref_ == reference
                    && (d.first_words.as_deref() == Some(t.text.as_str())
                        || d.text == t.text
                        || d.text == whole)
            }) || self
                .store
                .find_task(document.id, reference.as_deref(), &whole)
                .await?
                .is_some()
                || self
                    .store
                    .find_task(document.id, reference.as_deref(), &t.text)
                    .await?
                    .is_some();
            if seen {
                continue;
            }
            let repeat_of = self.likely_repeat(&whole, document.id).await?;
            fresh.push(NewDraft {
                position: (known_drafts.len() + i) as i64,
                ref_: reference,
                text: whole,
                first_words: Some(t.text.clone()),
                lead: t.lead.clone(),
                coord: t.coord.clone(),
                deadline_kind: t.deadline.kind.as_str().into(),
                due: t.deadline.due,
                deadline_raw: t.deadline.raw.clone(),
                product: t.product.clone(),
                span: Some((t.span[0] as i64, t.span[1] as i64)),
                six_clear: t.six_clear.clone(),
                source_doc: t.source_doc.clone(),
                repeat_of,
                confidence_permille: Some(
                    (f64::from(t.confidence).clamp(0.0, 1.0) * 1000.0).round() as i64,
                ),
                doubts: t.doubts.clone(),
                units: units_of(&extraction, t),
                unit_parent: None,
            });
        }
        let created_drafts = if fresh.is_empty() {
            0
        } else {
            self.store
                .create_drafts(document.id, &fresh, &stamp)
                .await?
                .len()
        };
        Ok(ImportedDocument {
            drafts: self.list_drafts(actor, document.id).await?,
            document,
            document_created: created,
            drafts_created: created_drafts,
            warnings,
        })
    }

    /// Reads a file (text, DOCX, PDF) and imports it for review.
    pub async fn import_document_file(
        &self,
        actor: &Actor,
        path: &std::path::Path,
    ) -> Result<ImportedDocument> {
        let extraction = tiendo_extract::extract_path(path, &ExtractOptions::default())
            .map_err(|e| ServiceError::invalid("file", e.to_string()))?;
        self.import_document(actor, extraction).await
    }

    /// Reads a text given in a request and imports it for review.
    pub async fn import_document_text(
        &self,
        actor: &Actor,
        text: &str,
    ) -> Result<ImportedDocument> {
        if text.trim().is_empty() {
            return Err(ServiceError::invalid("text", "the document is empty"));
        }
        let extraction = tiendo_extract::extract_text(text, &ExtractOptions::default());
        self.import_document(actor, extraction).await
    }

    /// The earlier task a text most likely repeats, if any is close enough: the
    /// candidates holding one of its longest words, scored by the rule measured on
    /// the corpus (`tiendo_core::repeat`, docs/extraction.md).
    async fn likely_repeat(&self, text: &str, document_id: i64) -> Result<Option<i64>> {
        let probe = tiendo_core::repeat::probe(text);
        let candidates = self.store.similar_tasks(&probe, document_id).await?;
        Ok(tiendo_core::repeat::likely_repeat(
            text,
            candidates.iter().map(|(id, text, _)| (*id, text.as_str())),
        ))
    }

    async fn draft_view(
        &self,
        row: DraftRow,
        body: Option<&str>,
        document: &Document,
    ) -> Result<DraftView> {
        let passage = match (row.span, body) {
            (Some((start, end)), Some(text)) => text
                .get(start.max(0) as usize..(end.max(0) as usize).min(text.len()))
                .map(str::to_string),
            _ => None,
        };
        let repeat_of_text = match row.repeat_of {
            Some(id) => self
                .store
                .get_task(id)
                .await?
                .map(|t| format!("{}: {}", t.document_citation, t.text)),
            None => None,
        };
        let parties = self.party_checks(&row, document);
        let unit_parent_name = row
            .unit_parent
            .as_deref()
            .and_then(|code| self.resolve_agency("unit_parent", code, None).ok())
            .map(|a| a.name);
        Ok(DraftView {
            id: row.id,
            document_id: row.document_id,
            position: row.position,
            ref_: row.ref_,
            text: row.text,
            first_words: row.first_words,
            lead: row.lead,
            coord: row.coord,
            deadline: DeadlineInput {
                kind: row.deadline_kind,
                due: row.due,
                raw: row.deadline_raw,
            },
            product: row.product,
            confidence: row.confidence_permille.map(|p| p as f64 / 1000.0),
            doubts: row.doubts,
            parties,
            unit_parent: row.unit_parent,
            unit_parent_name,
            span: row.span,
            passage,
            six_clear: row.six_clear,
            source_doc: row.source_doc,
            state: row.state,
            task_id: row.task_id,
            repeat_of: row.repeat_of,
            repeat_of_text,
        })
    }

    async fn document_of(&self, id: i64) -> Result<Document> {
        self.store
            .get_document(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("document".into()))
    }

    /// The drafts of a document, in the document's order.
    pub async fn list_drafts(&self, actor: &Actor, document_id: i64) -> Result<Vec<DraftView>> {
        require(actor, Write::ManageDocuments)?;
        let document = self.document_of(document_id).await?;
        let body = self.store.get_document_body(document_id).await?;
        let mut out = Vec::new();
        for row in self.store.list_drafts(document_id).await? {
            out.push(self.draft_view(row, body.as_deref(), &document).await?);
        }
        Ok(out)
    }

    async fn draft_row(&self, id: i64) -> Result<DraftRow> {
        self.store
            .get_draft(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("draft".into()))
    }

    async fn one_draft(&self, id: i64) -> Result<DraftView> {
        let row = self.draft_row(id).await?;
        let document = self.document_of(row.document_id).await?;
        let body = self.store.get_document_body(row.document_id).await?;
        self.draft_view(row, body.as_deref(), &document).await
    }

    /// Edits, drops or restores a draft.
    pub async fn update_draft(
        &self,
        actor: &Actor,
        id: i64,
        input: &DraftInput,
    ) -> Result<DraftView> {
        require(actor, Write::ManageDocuments)?;
        let row = self.draft_row(id).await?;
        let mut d = new_draft(&row);
        if let Some(r) = &input.ref_ {
            d.ref_ = Some(r.trim().to_string()).filter(|r| !r.is_empty());
        }
        if let Some(t) = &input.text {
            if t.trim().is_empty() {
                return Err(ServiceError::invalid("text", "must not be empty"));
            }
            d.text = tiendo_core::text::nfc(t.trim());
        }
        if let Some(lead) = &input.lead {
            d.lead = lead.clone();
        }
        if let Some(coord) = &input.coord {
            d.coord = coord.clone();
        }
        if let Some(deadline) = &input.deadline {
            let checked = crate::deadline_from("deadline", deadline)?;
            d.deadline_kind = checked.kind.as_str().into();
            d.due = checked.due;
            d.deadline_raw = checked.raw;
        }
        if let Some(p) = &input.product {
            d.product = Some(p.trim().to_string()).filter(|p| !p.is_empty());
        }
        if let Some(parent) = &input.unit_parent {
            d.unit_parent = match parent.trim() {
                "" => None,
                name => {
                    let agency = self.resolve_agency("unit_parent", name, None)?;
                    let today = self.current_successor(agency.id);
                    self.agency(today).map(|a| a.code)
                }
            };
        }
        let state = match input.dropped {
            Some(true) => "dropped",
            Some(false) => "proposed",
            None => row.state.as_str(),
        };
        self.store
            .update_draft(
                id,
                &d,
                state,
                &Stamp::now(Some(actor.user_id).filter(|id| *id > 0)),
            )
            .await?;
        self.one_draft(id).await
    }

    /// Merges draft `id` into draft `into` (one task written as two items): the
    /// kept draft covers both passages and keeps its own wording; the other is
    /// dropped.
    pub async fn merge_drafts(&self, actor: &Actor, id: i64, into: i64) -> Result<DraftView> {
        require(actor, Write::ManageDocuments)?;
        let from = self.draft_row(id).await?;
        let target = self.draft_row(into).await?;
        if from.document_id != target.document_id || id == into {
            return Err(ServiceError::invalid(
                "into",
                "merge two different drafts of the same document",
            ));
        }
        let stamp = Stamp::now(Some(actor.user_id).filter(|id| *id > 0));
        let mut kept = new_draft(&target);
        kept.span = match (from.span, target.span) {
            (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
            (a, b) => b.or(a),
        };
        for l in &from.lead {
            if !kept.lead.contains(l) {
                kept.lead.push(l.clone());
            }
        }
        for c in &from.coord {
            if !kept.coord.contains(c) {
                kept.coord.push(c.clone());
            }
        }
        // The bodies outside the register it names come along (their kinds).
        for u in &from.units {
            if !kept.units.iter().any(|k| fold(&k.name) == fold(&u.name)) {
                kept.units.push(u.clone());
            }
        }
        self.store
            .update_draft(into, &kept, &target.state, &stamp)
            .await?;
        self.store
            .update_draft(id, &new_draft(&from), "dropped", &stamp)
            .await?;
        self.one_draft(into).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn repeats_are_scored_by_the_measured_rule() {
        // The rule's own tests are in tiendo_core::repeat; here only that the
        // import uses it: a restated task is found among candidates.
        let earlier = "Bộ Công an chủ trì xây dựng Trung tâm dữ liệu quốc gia số 2";
        let later = "Xây dựng Trung tâm dữ liệu quốc gia số 2";
        assert_eq!(
            tiendo_core::repeat::likely_repeat(later, [(7, earlier)]),
            Some(7)
        );
    }
}
