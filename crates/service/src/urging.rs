//! The urging letter (công văn đôn đốc, issue 13 item 4): from the overdue
//! assignments of one agency, or of all, on a day, a letter in the administrative
//! layout asking them to finish by a date, as a `tiendo_core::letter::Letter`
//! that `tiendo-reports` renders as DOCX or PDF.
//!
//! Only the standing office issues one. Issuing records, in one transaction, an
//! `assignment/urged` event per assignment it lists (the letter's day, the day to
//! finish by, the deadline and the days late), so that the letter shows in each
//! task's history. A preview builds the same letter and records nothing. The
//! letterhead is the service's (`Config::letterhead`).

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use serde_json::json;
use tiendo_core::letter::{Block, Letter};
use tiendo_core::policy::{Actor, Write};
use tiendo_core::printed::{Cell, Table, vi_date, vi_int};
use tiendo_core::status::days_late;
use tiendo_store::{KnownAssignment, Stamp, TaskHead};

use crate::reports::ascii_slug;
use crate::{Result, Service, ServiceError, require};

/// Days given to finish when the letter names no day.
pub const DEFAULT_FINISH_DAYS: u64 = 15;

/// Trích yếu of the letter.
pub const SUBJECT: &str = "V/v đôn đốc thực hiện nhiệm vụ quá hạn";

/// What to urge.
#[derive(Debug, Clone)]
pub struct UrgingRequest {
    /// The letter's day: the assignments overdue at its end are listed.
    pub as_of: NaiveDate,
    /// One agency, or every agency with overdue work.
    pub agency: Option<i64>,
    /// The day to finish by (default: `as_of` + 15 days).
    pub finish_by: Option<NaiveDate>,
    /// Record the letter in the history (issue), or only draft it (preview).
    pub issue: bool,
}

impl UrgingRequest {
    pub fn new(as_of: NaiveDate, agency: Option<i64>, finish_by: Option<NaiveDate>) -> Self {
        UrgingRequest {
            as_of,
            agency,
            finish_by,
            issue: true,
        }
    }
}

/// The letter, and how many assignments it urged.
#[derive(Debug, Clone)]
pub struct UrgingLetter {
    pub letter: Letter,
    /// Assignments listed in the letter.
    pub assignments: usize,
    /// `assignment/urged` events recorded (0 for a preview).
    pub recorded: usize,
}

/// One overdue assignment as the letter lists it.
struct Line {
    assignment_id: i64,
    agency_id: i64,
    task_id: i64,
    task: String,
    source: String,
    due: NaiveDate,
    late: i64,
}

impl Service {
    /// Builds the urging letter and, when `req.issue`, records it in the history
    /// of every assignment it lists. The office only.
    pub async fn urging_letter(&self, actor: &Actor, req: &UrgingRequest) -> Result<UrgingLetter> {
        require(actor, Write::Urge)?;
        let as_of = crate::as_of_day("as_of", Some(req.as_of))?;
        let finish_by = match req.finish_by {
            Some(d) => crate::plausible_day("finish_by", d)?,
            None => as_of
                .checked_add_days(Days::new(DEFAULT_FINISH_DAYS))
                .unwrap_or(as_of),
        };
        if finish_by <= as_of {
            return Err(ServiceError::invalid(
                "finish_by",
                format!("must be after the letter's day ({})", vi_date(as_of)),
            ));
        }
        let agency = match req.agency {
            Some(id) => Some(
                self.agency(id)
                    .ok_or_else(|| ServiceError::NotFound("agency".into()))?,
            ),
            None => None,
        };
        let overdue = self.store.overdue_assignments(as_of, req.agency).await?;
        if overdue.is_empty() {
            let whose = agency
                .as_ref()
                .map(|a| format!(" của {}", a.name))
                .unwrap_or_default();
            return Err(ServiceError::Conflict(format!(
                "không có nhiệm vụ quá hạn{whose} đến hết ngày {}: không có gì để đôn đốc",
                vi_date(as_of)
            )));
        }
        let lines = self.urging_lines(&overdue, as_of).await?;
        let letter = self.compose(agency.as_ref().map(|a| a.id), &lines, as_of, finish_by);
        let recorded = if req.issue {
            let urged: Vec<(i64, serde_json::Value)> = lines
                .iter()
                .map(|l| {
                    (
                        l.assignment_id,
                        json!({
                            "agency_id": l.agency_id,
                            "letter_date": as_of,
                            "finish_by": finish_by,
                            "due": l.due,
                            "days_late": l.late,
                            "scope": if agency.is_some() { "agency" } else { "all" },
                        }),
                    )
                })
                .collect();
            self.store
                .record_urging(&urged, &Stamp::now(Some(actor.user_id)))
                .await?
        } else {
            0
        };
        Ok(UrgingLetter {
            letter,
            assignments: lines.len(),
            recorded,
        })
    }

    /// The overdue assignments with their task and source, by agency (in the
    /// order of the agency list), then in the order the tasks were registered.
    async fn urging_lines(
        &self,
        overdue: &[KnownAssignment],
        as_of: NaiveDate,
    ) -> Result<Vec<Line>> {
        let ids: Vec<i64> = overdue.iter().map(|k| k.task_id).collect();
        let tasks: HashMap<i64, TaskHead> = self
            .store
            .task_heads(&ids)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        let mut lines: Vec<Line> = overdue
            .iter()
            .filter_map(|k| {
                let t = tasks.get(&k.task_id)?;
                Some(Line {
                    assignment_id: k.assignment_id,
                    agency_id: k.agency_id,
                    task_id: k.task_id,
                    task: t.text.clone(),
                    source: t.source.clone(),
                    due: k.state.due.unwrap_or(as_of),
                    late: days_late(&k.state, as_of),
                })
            })
            .collect();
        lines.sort_by_key(|l| l.agency_id);
        Ok(lines)
    }

    fn compose(
        &self,
        agency: Option<i64>,
        lines: &[Line],
        as_of: NaiveDate,
        finish_by: NaiveDate,
    ) -> Letter {
        let mut agencies: Vec<i64> = lines.iter().map(|l| l.agency_id).collect();
        agencies.dedup();
        let names: Vec<String> = agencies.iter().map(|a| self.agency_name(*a)).collect();
        let one = agency.is_some() || names.len() == 1;
        let whom = if one {
            names.first().cloned().unwrap_or_default()
        } else {
            "các cơ quan".to_string()
        };
        let tasks = {
            let mut t: Vec<i64> = lines.iter().map(|l| l.task_id).collect();
            t.sort_unstable();
            t.dedup();
            t.len()
        };
        let assignments = if lines.len() > tasks {
            format!(" ({} lượt phân công)", vi_int(lines.len() as i64))
        } else {
            String::new()
        };
        let intro = format!(
            "Theo dõi trên Hệ thống theo dõi, đánh giá việc thực hiện nhiệm vụ được giao, đến hết ngày {}, {whom} còn {} nhiệm vụ đã quá thời hạn được giao nhưng chưa hoàn thành{assignments}, cụ thể như sau:",
            vi_date(as_of),
            vi_int(tasks as i64),
        );
        let closing = format!(
            "Đề nghị {whom} khẩn trương chỉ đạo hoàn thành các nhiệm vụ nêu trên trước ngày {}, cập nhật kết quả thực hiện trên Hệ thống; trường hợp không thể hoàn thành, đề nghị báo cáo rõ lý do và đề xuất thời hạn hoàn thành để tổng hợp, báo cáo cấp có thẩm quyền.",
            vi_date(finish_by)
        );
        let table = if one {
            Table {
                headers: vec![
                    "TT".into(),
                    "Nhiệm vụ".into(),
                    "Văn bản giao nhiệm vụ".into(),
                    "Thời hạn".into(),
                    "Số ngày quá hạn".into(),
                ],
                widths: vec![5.0, 45.0, 22.0, 14.0, 14.0],
                rows: lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        vec![
                            Cell::Int(i as i64 + 1),
                            Cell::text(&l.task),
                            Cell::text(&l.source),
                            Cell::Date(l.due),
                            Cell::Int(l.late),
                        ]
                    })
                    .collect(),
            }
        } else {
            Table {
                headers: vec![
                    "TT".into(),
                    "Cơ quan".into(),
                    "Nhiệm vụ".into(),
                    "Văn bản giao nhiệm vụ".into(),
                    "Thời hạn".into(),
                    "Số ngày quá hạn".into(),
                ],
                widths: vec![5.0, 15.0, 34.0, 19.0, 14.0, 13.0],
                rows: lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        vec![
                            Cell::Int(i as i64 + 1),
                            Cell::text(self.agency_name(l.agency_id)),
                            Cell::text(&l.task),
                            Cell::text(&l.source),
                            Cell::Date(l.due),
                            Cell::Int(l.late),
                        ]
                    })
                    .collect(),
            }
        };
        let stem = match agency.and_then(|a| self.agency(a)) {
            Some(a) => format!(
                "cong-van-don-doc-{}-{}",
                ascii_slug(&a.name),
                as_of.format("%d-%m-%Y")
            ),
            None => format!("cong-van-don-doc-{}", as_of.format("%d-%m-%Y")),
        };
        Letter {
            file_stem: stem,
            head: self.config.letterhead.clone(),
            date: as_of,
            subject: SUBJECT.into(),
            addressees: names.clone(),
            body: vec![
                Block::Paragraph(intro),
                Block::Table(table),
                Block::Paragraph(closing),
                Block::Paragraph("Trân trọng./.".into()),
            ],
            recipients: names,
            signer_title: None,
        }
    }
}
