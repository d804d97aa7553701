//! Import and export of documents and their tasks as JSON Lines in the gold format
//! (`data/corpus/GOLD-FORMAT.md`): an optional first line `{"document": {…}}`, then
//! one task per line. An import checks every line first and writes nothing unless
//! all are valid; re-importing the same document adds only the tasks it lacks.

use serde::{Deserialize, Serialize};
use tiendo_core::policy::{Actor, Write};
use tiendo_core::time::Micros;
use tiendo_store::{NewTask, Stamp, TaskFilter, TaskSort};

use crate::input::{DeadlineInput, DocumentInput, TaskInput};
use crate::{Result, Service, ServiceError, require};

/// One task line in the gold format (plus the optional fields tiendo adds).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GoldTask {
    #[serde(rename = "ref", default)]
    pub ref_: Option<String>,
    pub text: String,
    pub lead: Vec<String>,
    #[serde(default)]
    pub coord: Vec<String>,
    pub deadline: DeadlineInput,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader: Option<String>,
    /// The assigning document, for a task restated from another (appendix rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_doc: Option<String>,
    /// Appendix rows: the units that had not finished, as the document says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentLine {
    document: DocumentInput,
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The document the tasks belong to, when the file has no document line.
    pub document: Option<DocumentInput>,
    /// Imported history: the instant the document and its tasks entered the
    /// system's knowledge (admin only). Now when `None`.
    pub recorded_at: Option<Micros>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ImportSummary {
    pub document_id: i64,
    pub document_created: bool,
    pub tasks_created: usize,
    pub tasks_already_present: usize,
    /// Ids of the created tasks, in file order.
    pub task_ids: Vec<i64>,
}

/// A problem on one line of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

fn line_errors(errors: &[LineError]) -> ServiceError {
    let text: Vec<String> = errors
        .iter()
        .map(|e| format!("line {}: {}", e.line, e.message))
        .collect();
    ServiceError::invalid(
        "file",
        format!(
            "nothing was imported; {} problem(s):\n{}",
            errors.len(),
            text.join("\n")
        ),
    )
}

/// A read file: its document line, if any, and its tasks with their line numbers.
pub type ParsedFile = (Option<DocumentInput>, Vec<(usize, GoldTask)>);

/// Reads the lines of a JSONL file: the document line if any and the tasks with
/// their line numbers.
pub fn parse_jsonl(text: &str) -> std::result::Result<ParsedFile, Vec<LineError>> {
    let mut document = None;
    let mut tasks = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with("{\"document\"") {
            match serde_json::from_str::<DocumentLine>(line) {
                Ok(d) if document.is_none() && tasks.is_empty() => document = Some(d.document),
                Ok(_) => errors.push(LineError {
                    line: n,
                    message: "a document line must come first, once".into(),
                }),
                Err(e) => errors.push(LineError {
                    line: n,
                    message: format!("bad document line: {e}"),
                }),
            }
            continue;
        }
        match serde_json::from_str::<GoldTask>(line) {
            Ok(t) => tasks.push((n, t)),
            Err(e) => errors.push(LineError {
                line: n,
                message: format!("not a task in the gold format: {e}"),
            }),
        }
    }
    if errors.is_empty() {
        Ok((document, tasks))
    } else {
        Err(errors)
    }
}

impl Service {
    /// Imports a JSONL file of tasks. Everything is checked before anything is
    /// written; on any problem nothing is stored and every problem is listed.
    pub async fn import_jsonl(
        &self,
        actor: &Actor,
        text: &str,
        options: ImportOptions,
    ) -> Result<ImportSummary> {
        require(actor, Write::ManageDocuments)?;
        require(actor, Write::ManageTasks)?;
        let (file_document, tasks) = parse_jsonl(text).map_err(|e| line_errors(&e))?;
        let document = file_document.or(options.document).ok_or_else(|| {
            ServiceError::invalid(
                "document",
                "the file has no document line and no document was given",
            )
        })?;
        let stamp = match options.recorded_at {
            Some(at) => Stamp::backdated(Some(actor.user_id).filter(|id| *id > 0), at),
            None => Stamp::now(Some(actor.user_id).filter(|id| *id > 0)),
        };
        // Find the document (its number identifies it), or prepare it.
        let existing = match &document.number {
            Some(number) => self.store.find_document_by_number(number.trim()).await?,
            None => None,
        };
        let issued_on = existing
            .as_ref()
            .map_or(document.issued_on, |d| d.issued_on);
        let new_document = match existing {
            Some(_) => None,
            None => Some(Self::document_input(&document)?),
        };
        // Check every line before writing anything.
        let mut new_tasks: Vec<NewTask> = Vec::new();
        let mut errors = Vec::new();
        let mut present = 0;
        for (line, t) in &tasks {
            match self.build_task(
                &task_input(existing.as_ref().map_or(0, |d| d.id), t),
                issued_on,
            ) {
                Ok(nt) => {
                    let known = match &existing {
                        Some(d) => self
                            .store
                            .find_task(d.id, nt.ref_.as_deref(), &nt.text)
                            .await?
                            .is_some(),
                        None => false,
                    };
                    let twice = new_tasks
                        .iter()
                        .any(|o| o.ref_ == nt.ref_ && o.text == nt.text);
                    if known {
                        present += 1;
                    } else if twice {
                        errors.push(LineError {
                            line: *line,
                            message: "the same task (ref and text) appears twice in the file"
                                .into(),
                        });
                    } else {
                        new_tasks.push(nt);
                    }
                }
                Err(e) => errors.push(LineError {
                    line: *line,
                    message: e.to_string(),
                }),
            }
        }
        if !errors.is_empty() {
            return Err(line_errors(&errors));
        }
        let (document_id, ids) = self
            .store
            .import_document(
                new_document.as_ref(),
                existing.as_ref().map(|d| d.id),
                &new_tasks,
                &stamp,
            )
            .await?;
        Ok(ImportSummary {
            document_id,
            document_created: new_document.is_some(),
            tasks_created: ids.len(),
            tasks_already_present: present,
            task_ids: ids,
        })
    }

    /// Exports a document and its tasks as JSONL in the gold format.
    pub async fn export_jsonl(&self, actor: &Actor, document_id: i64) -> Result<String> {
        let doc = self.get_document(actor, document_id).await?;
        let body = self.store.get_document_body(document_id).await?;
        let header = DocumentLine {
            document: DocumentInput {
                number: doc.number.clone(),
                kind: doc.kind.clone(),
                title: doc.title.clone(),
                issued_on: doc.issued_on,
                issuer: doc.issuer.clone(),
                signer: doc.signer.clone(),
                body,
            },
        };
        let mut out =
            serde_json::to_string(&header).map_err(|e| ServiceError::Internal(e.to_string()))?;
        out.push('\n');
        let mut page = 1;
        loop {
            let filter = TaskFilter {
                agency_id: None,
                document_id: Some(document_id),
                status: None,
                as_of: tiendo_core::time::today(),
                known_only: false,
                due_from: None,
                due_to: None,
                field: None,
                words: Vec::new(),
                confined_to: actor.confined_to(),
                lacking: None,
                due_soon_days: self.config.due_soon_days,
                sort: TaskSort::Created,
                page,
                per_page: 1000,
            };
            let (rows, total) = self.store.list_tasks(&filter).await?;
            for row in &rows {
                let line = GoldTask {
                    ref_: row.ref_.clone(),
                    text: row.text.clone(),
                    lead: row
                        .lead
                        .iter()
                        .map(|p| {
                            if p.code.starts_with('@') {
                                p.code.clone()
                            } else {
                                p.name.clone()
                            }
                        })
                        .collect(),
                    coord: row
                        .coord
                        .iter()
                        .map(|p| {
                            if p.code.starts_with('@') {
                                p.code.clone()
                            } else {
                                p.name.clone()
                            }
                        })
                        .collect(),
                    deadline: DeadlineInput {
                        kind: row.deadline.kind.as_str().into(),
                        due: row.deadline.due,
                        raw: row.deadline.raw.clone(),
                    },
                    product: row.product.clone(),
                    field: row.field.clone(),
                    leader: row.leader.clone(),
                    source_doc: row.source_citation.clone(),
                    incomplete: None,
                };
                out.push_str(
                    &serde_json::to_string(&line)
                        .map_err(|e| ServiceError::Internal(e.to_string()))?,
                );
                out.push('\n');
            }
            if page * 1000 >= total || rows.is_empty() {
                break;
            }
            page += 1;
        }
        Ok(out)
    }
}

fn task_input(document_id: i64, t: &GoldTask) -> TaskInput {
    TaskInput {
        document_id,
        ref_: t.ref_.clone(),
        text: t.text.clone(),
        product: t.product.clone(),
        field: t.field.clone(),
        priority: None,
        deadline: t.deadline.clone(),
        lead: t.lead.clone(),
        coord: t.coord.clone(),
        leader: t.leader.clone(),
        source_citation: t.source_doc.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_gold_lines_and_reports_bad_ones_by_line() {
        let text = "{\"document\": {\"number\": \"1/TB\", \"kind\": \"Thông báo\", \"title\": \"T\"}}\n\
                    {\"ref\": \"1\", \"text\": \"Làm việc A\", \"lead\": [\"Bộ Y tế\"], \"coord\": [], \"deadline\": {\"kind\": \"none\", \"due\": null, \"raw\": \"\"}}\n\
                    \n";
        let (doc, tasks) = parse_jsonl(text).unwrap();
        assert_eq!(doc.unwrap().number.as_deref(), Some("1/TB"));
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].0, 2);
        let bad = "{\"ref\": \"1\", \"text\": \"x\"}\nnot json\n";
        let errors = parse_jsonl(bad).unwrap_err();
        assert_eq!(
            errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            vec![1, 2]
        );
    }
}
