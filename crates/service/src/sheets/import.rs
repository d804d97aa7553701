//! Importing a filled template: every row is checked; on any problem nothing is
//! written and every problem is returned with its row and column; otherwise all
//! rows are written in one store transaction with their history entries.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use tiendo_core::indicator::{Periodicity, ValidRange, from_scaled, to_scaled};
use tiendo_core::model::Document;
use tiendo_core::policy::{Actor, Role, Write};
use tiendo_core::text::fold;
use tiendo_core::time::today;
use tiendo_store::{IndicatorRow, NewMeasurement, NewReport, NewTask, Stamp};
use utoipa::ToSchema;

use super::read::{Cell, SheetRow, read_rows};
use super::validate::{
    AgencyIndex, cell_day, cell_deadline, edit_distance, parse_field, parse_number, parse_priority,
    split_list,
};
use super::{CellError, SheetKind};
use crate::input::{DeadlineInput, ReportInput, TaskInput};
use crate::{Result, Service, ServiceError, require};

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SheetImportSummary {
    pub kind: SheetKind,
    /// Nothing was written: the file was only checked.
    pub dry_run: bool,
    /// Data rows read.
    pub rows: usize,
    /// Tasks, reports or measurements written (or that would be).
    pub created: usize,
    /// Task rows skipped because the document already has that task (same item and text).
    pub already_present: usize,
    /// Ids of the created tasks or reports, in row order, when at most 1,000.
    pub ids: Vec<i64>,
}

/// An import's answer: what was done, or every problem found.
pub type SheetOutcome = std::result::Result<SheetImportSummary, Vec<CellError>>;

/// Collects the problems of one row.
struct RowCheck<'a> {
    row: &'a SheetRow,
    kind: SheetKind,
    errors: &'a mut Vec<CellError>,
}

impl RowCheck<'_> {
    fn column(&self, field: &str) -> usize {
        self.kind
            .columns()
            .iter()
            .position(|c| c.field == field)
            .unwrap_or(0)
    }

    fn cell(&self, field: &str) -> &Cell {
        &self.row.cells[self.column(field)]
    }

    fn text(&self, field: &str) -> Option<String> {
        match self.cell(field) {
            Cell::Text(t) => Some(t.clone()),
            Cell::Date(d) => Some(d.format("%d/%m/%Y").to_string()),
            Cell::Empty => None,
        }
    }

    fn error(&mut self, field: &str, message: impl Into<String>) {
        let i = self.column(field);
        let field_name = self.kind.columns()[i].field;
        self.errors.push(CellError {
            row: self.row.row,
            column: self.row.letter(i).to_string(),
            field: field_name.into(),
            message: message.into(),
        });
    }

    fn row_error(&mut self, message: impl Into<String>) {
        self.errors.push(CellError {
            row: self.row.row,
            column: String::new(),
            field: "row".into(),
            message: message.into(),
        });
    }

    /// The text of a required cell, or an error.
    fn required(&mut self, field: &str) -> Option<String> {
        let t = self.text(field);
        if t.is_none() {
            let c = self.kind.columns()[self.column(field)];
            self.error(field, format!("'{}' ({}) is required", c.vi, c.en));
        }
        t
    }
}

/// The column a use-case error names ("lead[0]" → lead).
fn field_of(error_field: &str) -> &str {
    error_field.split(['[', '.']).next().unwrap_or(error_field)
}

fn periodicity(row: &IndicatorRow) -> Periodicity {
    Periodicity::parse(&row.periodicity).unwrap_or(Periodicity::Year)
}

fn valid_range(row: &IndicatorRow) -> ValidRange {
    ValidRange {
        min: row.valid_min.map(from_scaled),
        max: row.valid_max.map(from_scaled),
    }
}

/// A period as the sheet writes it, as the indicator's period key: "2025-11",
/// "11/2025", "Tháng 11/2025" (month); "2025-Q4", "Q4/2025", "Quý IV/2025"
/// (quarter); "2025", "Năm 2025" (year). The rule is `tiendo_core::period::parse`.
pub fn period_key(text: &str, p: Periodicity) -> Option<String> {
    tiendo_core::period::parse(text, p)
}

impl Service {
    /// Imports a filled template of `kind`. `Err` is for who may not import at all
    /// (and faults); `Ok(Err(errors))` lists every problem of the file, of which
    /// nothing was written; `Ok(Ok(summary))` says what was written (nothing when
    /// `dry_run`).
    pub async fn import_sheet(
        &self,
        actor: &Actor,
        kind: SheetKind,
        bytes: &[u8],
        dry_run: bool,
    ) -> Result<SheetOutcome> {
        match kind {
            SheetKind::Tasks => require(actor, Write::ManageTasks)?,
            _ if actor.role == Role::Viewer => {
                return Err(ServiceError::Forbidden(
                    "viewers can read but not change anything".into(),
                ));
            }
            _ => {}
        }
        let rows = match read_rows(bytes, kind.columns()) {
            Ok(rows) => rows,
            Err(errors) => return Ok(Err(errors)),
        };
        if rows.is_empty() {
            return Ok(Err(vec![CellError {
                row: 0,
                column: String::new(),
                field: "file".into(),
                message: "the sheet has no data row".into(),
            }]));
        }
        let index = self.with_agencies_list(AgencyIndex::new);
        let stamp = Stamp::now(Some(actor.user_id).filter(|id| *id > 0));
        match kind {
            SheetKind::Tasks => self.import_task_rows(&rows, &index, dry_run, &stamp).await,
            SheetKind::Reports => {
                self.import_report_rows(actor, &rows, &index, dry_run, &stamp)
                    .await
            }
            SheetKind::Measurements => {
                self.import_measurement_rows(actor, &rows, &index, dry_run, &stamp)
                    .await
            }
        }
    }

    /// The documents the rows name in `field`, by number.
    async fn documents_named(
        &self,
        rows: &[SheetRow],
        kind: SheetKind,
        field: &str,
    ) -> Result<HashMap<String, Document>> {
        let col = kind
            .columns()
            .iter()
            .position(|c| c.field == field)
            .unwrap_or(0);
        let mut numbers: Vec<String> = rows
            .iter()
            .filter_map(|r| r.cells[col].text().map(str::to_string))
            .collect();
        numbers.sort();
        numbers.dedup();
        let mut out = HashMap::new();
        for n in numbers {
            if let Some(d) = self.store.find_document_by_number(&n).await? {
                out.insert(n, d);
            }
        }
        Ok(out)
    }

    async fn import_task_rows(
        &self,
        rows: &[SheetRow],
        index: &AgencyIndex,
        dry_run: bool,
        stamp: &Stamp,
    ) -> Result<SheetOutcome> {
        let kind = SheetKind::Tasks;
        let documents = self.documents_named(rows, kind, "document").await?;
        let doc_ids: Vec<i64> = documents.values().map(|d| d.id).collect();
        let existing: HashSet<(i64, Option<String>, String)> = self
            .store
            .task_keys(&doc_ids)
            .await?
            .into_iter()
            .map(|(_, d, r, t)| (d, r, t))
            .collect();
        let mut errors = Vec::new();
        let mut tasks: Vec<NewTask> = Vec::with_capacity(rows.len());
        let mut seen: HashMap<(i64, Option<String>, String), u32> = HashMap::new();
        let mut present = 0;
        for row in rows {
            let mut c = RowCheck {
                row,
                kind,
                errors: &mut errors,
            };
            let before = c.errors.len();
            let document = match c.required("document") {
                Some(n) => match documents.get(&n) {
                    Some(d) => Some(d),
                    None => {
                        c.error(
                            "document",
                            format!("unknown document '{n}': register the document first"),
                        );
                        None
                    }
                },
                None => None,
            };
            let text = c.required("text");
            let mut lead = Vec::new();
            if let Some(cell) = c.required("lead") {
                for name in split_list(&cell) {
                    if name.starts_with('@') {
                        lead.push(name);
                        continue;
                    }
                    match index.resolve(&name) {
                        Ok(a) => lead.push(a.code.clone()),
                        Err(m) => c.error("lead", m),
                    }
                }
            }
            let mut coord = Vec::new();
            if let Some(cell) = c.text("coord") {
                for name in split_list(&cell) {
                    if name.starts_with('@') {
                        coord.push(name);
                        continue;
                    }
                    match index.resolve(&name) {
                        Ok(a) => coord.push(a.code.clone()),
                        // A body tiendo does not know is kept by name, unless it
                        // looks like a misspelt agency.
                        Err(m) if m.contains("did you mean") => c.error("coord", m),
                        Err(_) => coord.push(name),
                    }
                }
            }
            let deadline = match cell_deadline(c.cell("deadline")) {
                Ok(d) => Some(d),
                Err(m) => {
                    c.error("deadline", m);
                    None
                }
            };
            let field = match c.text("field").map(|f| parse_field(&f)) {
                Some(Ok(f)) => Some(f),
                Some(Err(m)) => {
                    c.error("field", m);
                    None
                }
                None => None,
            };
            let priority = match c.text("priority").map(|p| parse_priority(&p)) {
                Some(Ok(p)) => Some(p),
                Some(Err(m)) => {
                    c.error("priority", m);
                    None
                }
                None => None,
            };
            if c.errors.len() > before {
                continue;
            }
            let (Some(document), Some(text), Some(deadline)) = (document, text, deadline) else {
                continue;
            };
            let input = TaskInput {
                document_id: document.id,
                ref_: c.text("ref"),
                text,
                product: c.text("product"),
                field,
                priority,
                deadline: DeadlineInput {
                    kind: deadline.kind.as_str().into(),
                    due: deadline.due,
                    raw: deadline.raw.clone(),
                },
                lead,
                coord,
                leader: c.text("leader"),
                source_citation: None,
            };
            match self.build_task(&input, document.issued_on) {
                Ok(t) => {
                    let key = (t.document_id, t.ref_.clone(), t.text.clone());
                    if existing.contains(&key) {
                        present += 1;
                    } else if let Some(first) = seen.get(&key) {
                        c.row_error(format!(
                            "the same task (document, item and text) is already in row {first}"
                        ));
                    } else {
                        seen.insert(key, row.row);
                        tasks.push(t);
                    }
                }
                Err(ServiceError::Invalid { field, message }) => {
                    let f = field_of(&field);
                    let f = if kind.columns().iter().any(|col| col.field == f) {
                        f.to_string()
                    } else {
                        "text".to_string()
                    };
                    c.error(&f, message);
                }
                Err(e) => return Err(e),
            }
        }
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let created = tasks.len();
        let ids = if dry_run || tasks.is_empty() {
            Vec::new()
        } else {
            self.store.import_sheet_tasks(&tasks, stamp).await?
        };
        Ok(Ok(SheetImportSummary {
            kind,
            dry_run,
            rows: rows.len(),
            created,
            already_present: present,
            ids: if ids.len() <= 1000 { ids } else { Vec::new() },
        }))
    }

    async fn import_report_rows(
        &self,
        actor: &Actor,
        rows: &[SheetRow],
        index: &AgencyIndex,
        dry_run: bool,
        stamp: &Stamp,
    ) -> Result<SheetOutcome> {
        let kind = SheetKind::Reports;
        let documents = self.documents_named(rows, kind, "document").await?;
        let doc_ids: Vec<i64> = documents.values().map(|d| d.id).collect();
        // Tasks by (document, item).
        let mut by_ref: HashMap<(i64, String), Vec<i64>> = HashMap::new();
        for (id, doc, r, _) in self.store.task_keys(&doc_ids).await? {
            if let Some(r) = r {
                by_ref.entry((doc, r)).or_default().push(id);
            }
        }
        let mut errors = Vec::new();
        // First pass: the task of each row.
        let mut task_of: Vec<Option<i64>> = Vec::with_capacity(rows.len());
        for row in rows {
            let mut c = RowCheck {
                row,
                kind,
                errors: &mut errors,
            };
            let task = match (c.text("task_id"), c.text("document"), c.text("ref")) {
                (Some(id), _, _) => match id.parse::<i64>() {
                    Ok(id) => Some(id),
                    Err(_) => {
                        c.error("task_id", format!("'{id}' is not a task id (a number)"));
                        None
                    }
                },
                (None, Some(n), Some(r)) => match documents.get(&n) {
                    None => {
                        c.error("document", format!("unknown document '{n}'"));
                        None
                    }
                    Some(d) => match by_ref.get(&(d.id, r.clone())).map(Vec::as_slice) {
                        Some([one]) => Some(*one),
                        Some(_) => {
                            c.error(
                                "ref",
                                format!("'{r}' names several tasks of {n}: give the task id"),
                            );
                            None
                        }
                        None => {
                            c.error("ref", format!("unknown task '{r}' in document {n}"));
                            None
                        }
                    },
                },
                _ => {
                    c.error(
                        "task_id",
                        "give the task id, or the document number and the item of the task",
                    );
                    None
                }
            };
            task_of.push(task);
        }
        let mut task_ids: Vec<i64> = task_of.iter().flatten().copied().collect();
        task_ids.sort_unstable();
        task_ids.dedup();
        let assignments: HashMap<(i64, i64), i64> = self
            .store
            .task_assignments(&task_ids)
            .await?
            .into_iter()
            .map(|(id, task, agency)| ((task, agency), id))
            .collect();
        let known_tasks: HashSet<i64> = assignments.keys().map(|(t, _)| *t).collect();
        let mut reports: Vec<NewReport> = Vec::new();
        let mut seen: HashMap<(i64, chrono::NaiveDate, String), u32> = HashMap::new();
        for (row, task) in rows.iter().zip(task_of) {
            let mut c = RowCheck {
                row,
                kind,
                errors: &mut errors,
            };
            let before = c.errors.len();
            let agency = match c.required("agency") {
                Some(name) => match index.resolve(&name) {
                    Ok(a) => {
                        if actor.may(Write::Report { agency: a.id }) {
                            Some(a)
                        } else {
                            c.error(
                                "agency",
                                format!(
                                    "a focal point reports only for its own agency; this row is for '{}'",
                                    a.name
                                ),
                            );
                            None
                        }
                    }
                    Err(m) => {
                        c.error("agency", m);
                        None
                    }
                },
                None => None,
            };
            let assignment = match (task, agency) {
                (Some(t), _) if !known_tasks.contains(&t) => {
                    c.error(
                        if c.text("task_id").is_some() {
                            "task_id"
                        } else {
                            "ref"
                        },
                        format!("unknown task {t}"),
                    );
                    None
                }
                (Some(t), Some(a)) => match assignments.get(&(t, a.id)) {
                    Some(id) => Some(*id),
                    None => {
                        c.error(
                            "agency",
                            format!("task {t} is not assigned to '{}'", a.name),
                        );
                        None
                    }
                },
                _ => None,
            };
            let claims_completion = match c.required("status").map(|s| (fold(&s), s)) {
                Some((k, _)) if k == "hoan thanh" || k == "completed" || k == "done" => Some(true),
                Some((k, _)) if k == "dang thuc hien" || k == "in progress" => Some(false),
                Some((_, s)) => {
                    c.error(
                        "status",
                        format!("status '{s}' must be 'Đang thực hiện' or 'Hoàn thành'"),
                    );
                    None
                }
                None => None,
            };
            let percent = match c.text("percent").map(|p| parse_number(&p)) {
                Some(Ok(p)) if (0.0..=100.0).contains(&p) => Some(p.round() as i32),
                Some(Ok(p)) => {
                    c.error("percent", format!("{p} is not between 0 and 100"));
                    None
                }
                Some(Err(m)) => {
                    c.error("percent", m);
                    None
                }
                None => None,
            };
            let narrative = c.required("narrative");
            let day = |c: &mut RowCheck, field: &str| match cell_day(c.cell(field)) {
                Ok(Some(d)) if d > today() => {
                    c.error(field, format!("{} is in the future", d.format("%d/%m/%Y")));
                    None
                }
                Ok(d) => d,
                Err(m) => {
                    c.error(field, m);
                    None
                }
            };
            let reported_on = day(&mut c, "reported_on").unwrap_or_else(today);
            let completed_on = day(&mut c, "completed_on");
            if completed_on.is_some() && claims_completion == Some(false) {
                c.error(
                    "completed_on",
                    "only a row with status 'Hoàn thành' has a completion date",
                );
            }
            if c.errors.len() > before {
                continue;
            }
            let (Some(assignment_id), Some(claims_completion), Some(narrative)) =
                (assignment, claims_completion, narrative)
            else {
                continue;
            };
            let input = ReportInput {
                assignment_id,
                reported_on: Some(reported_on),
                percent,
                claims_completion,
                completed_on,
                narrative,
                difficulties: c.text("difficulties"),
                proposals: c.text("proposals"),
                evidence_number: c.text("evidence_number"),
            };
            match self.report_input(actor, &input) {
                Ok(r) => {
                    let key = (r.assignment_id, r.reported_on, r.narrative.clone());
                    if let Some(first) = seen.get(&key) {
                        c.row_error(format!("the same report is already in row {first}"));
                    } else {
                        seen.insert(key, row.row);
                        reports.push(r);
                    }
                }
                Err(ServiceError::Invalid { field, message }) => {
                    let f = field_of(&field).to_string();
                    let f = if kind.columns().iter().any(|col| col.field == f) {
                        f
                    } else {
                        "narrative".into()
                    };
                    c.error(&f, message);
                }
                Err(e) => return Err(e),
            }
        }
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let created = reports.len();
        let ids = if dry_run {
            Vec::new()
        } else {
            self.store.import_sheet_reports(&reports, stamp).await?
        };
        Ok(Ok(SheetImportSummary {
            kind,
            dry_run,
            rows: rows.len(),
            created,
            already_present: 0,
            ids: if ids.len() <= 1000 { ids } else { Vec::new() },
        }))
    }

    async fn import_measurement_rows(
        &self,
        actor: &Actor,
        rows: &[SheetRow],
        index: &AgencyIndex,
        dry_run: bool,
        stamp: &Stamp,
    ) -> Result<SheetOutcome> {
        let kind = SheetKind::Measurements;
        let indicators: HashMap<String, IndicatorRow> = self
            .store
            .list_indicators(None)
            .await?
            .into_iter()
            .map(|i| (i.code.clone(), i))
            .collect();
        let mut errors = Vec::new();
        let mut out: Vec<NewMeasurement> = Vec::new();
        let mut seen: HashMap<(i64, Option<i64>, String), u32> = HashMap::new();
        for row in rows {
            let mut c = RowCheck {
                row,
                kind,
                errors: &mut errors,
            };
            let before = c.errors.len();
            let indicator = match c.required("indicator") {
                Some(code) => match indicators.get(code.trim()) {
                    Some(i) => Some(i),
                    None => {
                        let key = fold(&code);
                        let hint = indicators
                            .keys()
                            .map(|k| (edit_distance(&key, &fold(k)), k))
                            .filter(|(d, k)| *d <= (k.len() / 3).max(1))
                            .min()
                            .map(|(_, k)| format!(" — did you mean '{k}'?"))
                            .unwrap_or_default();
                        c.error("indicator", format!("unknown indicator '{code}'{hint}"));
                        None
                    }
                },
                None => None,
            };
            let agency = match c.text("agency") {
                Some(name) => match index.resolve(&name) {
                    Ok(a) => Some(Some(a)),
                    Err(m) => {
                        c.error("agency", m);
                        None
                    }
                },
                None => Some(None),
            };
            if let Some(a) = agency
                && !actor.may(Write::Measure {
                    agency: a.map(|a| a.id),
                })
            {
                match a {
                    Some(a) => c.error(
                        "agency",
                        format!("a focal point enters only its own agency's figures; this row is for '{}'", a.name),
                    ),
                    None => c.error("agency", "national figures (no agency) are entered by the standing office"),
                }
            }
            let period = match (c.required("period"), indicator) {
                (Some(p), Some(ind)) => {
                    let pd = periodicity(ind);
                    match period_key(&p, pd) {
                        Some(k) => pd.end_of(&k).map(|end| (k, end)),
                        None => {
                            c.error(
                                "period",
                                format!(
                                    "'{p}' is not a {} period of '{}' (like {})",
                                    pd.as_str(),
                                    ind.code,
                                    pd.key_of(today())
                                ),
                            );
                            None
                        }
                    }
                }
                _ => None,
            };
            let value = match (c.required("value").map(|v| parse_number(&v)), indicator) {
                (Some(Ok(v)), Some(ind)) => match valid_range(ind).check(v, &ind.unit) {
                    Ok(()) => Some(v),
                    Err(m) => {
                        c.error("value", format!("{m} (indicator '{}')", ind.code));
                        None
                    }
                },
                (Some(Err(m)), _) => {
                    c.error("value", m);
                    None
                }
                _ => None,
            };
            if c.errors.len() > before {
                continue;
            }
            let (Some(ind), Some(agency), Some((period, period_end)), Some(value)) =
                (indicator, agency, period, value)
            else {
                continue;
            };
            let key = (ind.id, agency.map(|a| a.id), period.clone());
            if let Some(first) = seen.get(&key) {
                c.row_error(format!(
                    "the same indicator, agency and period are already in row {first}"
                ));
                continue;
            }
            seen.insert(key, row.row);
            out.push(NewMeasurement {
                indicator_id: ind.id,
                agency_id: agency.map(|a| a.id),
                period,
                period_end,
                value: to_scaled(value),
                source: c.text("source"),
                note: c.text("note"),
            });
        }
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let created = out.len();
        if !dry_run {
            self.store.record_measurements(&out, stamp).await?;
        }
        Ok(Ok(SheetImportSummary {
            kind,
            dry_run,
            rows: rows.len(),
            created,
            already_present: 0,
            ids: Vec::new(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_as_sheets_write_them() {
        assert_eq!(
            period_key("2025-11", Periodicity::Month).as_deref(),
            Some("2025-11")
        );
        assert_eq!(
            period_key("11/2025", Periodicity::Month).as_deref(),
            Some("2025-11")
        );
        assert_eq!(
            period_key("Tháng 11/2025", Periodicity::Month).as_deref(),
            Some("2025-11")
        );
        assert_eq!(
            period_key("Quý IV/2025", Periodicity::Quarter).as_deref(),
            Some("2025-Q4")
        );
        assert_eq!(
            period_key("2025-Q3", Periodicity::Quarter).as_deref(),
            Some("2025-Q3")
        );
        assert_eq!(
            period_key("Năm 2025", Periodicity::Year).as_deref(),
            Some("2025")
        );
        assert_eq!(period_key("13/2025", Periodicity::Month), None);
        assert_eq!(period_key("sớm", Periodicity::Year), None);
    }
}
