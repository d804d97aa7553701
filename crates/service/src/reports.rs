//! The committee's printed reports (issue 5 item 4), built as the format-agnostic
//! model of `tiendo_core::printed` and rendered by `tiendo-reports`:
//!
//! - `overdue`: the overdue-task appendix in the layout of 365/TB-VPCP;
//! - `monthly`: the monthly report to the Prime Minister (figures, scores and
//!   rankings, overdue tasks by agency, commitments falling due);
//! - `agency`: an agency's report card (the web page's data, [`AgencyCard`]);
//! - `document`: a conclusion notice's implementation report.
//!
//! Each is as the system knew it at the end of its as-of day. Permissions are
//! the reads' own: admin and viewer see everything; a focal point gets only its
//! agency's rows, and only its own agency's card.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use tiendo_core::model::{Agency, Assignment, Commitment, Document, Task};
use tiendo_core::policy::Actor;
use tiendo_core::printed::{Cell, Printed, Section, Table};
use tiendo_core::scoring::Month;
use tiendo_core::status::Status;
use tiendo_core::time::{end_of_day, today};
use tiendo_store::{AssignmentFilter, CommitmentFilter, TaskFilter, TaskSort};

use crate::scoring::{SubjectScore, group_of};
use crate::{Result, Service, ServiceError};

/// The issuing body printed at the top of every report.
pub const ISSUER: &str = "BAN CHỈ ĐẠO CỦA CHÍNH PHỦ VỀ PHÁT TRIỂN KHOA HỌC, CÔNG NGHỆ, ĐỔI MỚI SÁNG TẠO, CHUYỂN ĐỔI SỐ VÀ ĐỀ ÁN 06";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    Overdue,
    Monthly,
    Agency,
    Document,
}

impl ReportKind {
    pub const ALL: [ReportKind; 4] = [
        ReportKind::Overdue,
        ReportKind::Monthly,
        ReportKind::Agency,
        ReportKind::Document,
    ];

    pub fn parse(s: &str) -> Result<ReportKind> {
        match s.trim() {
            "overdue" => Ok(ReportKind::Overdue),
            "monthly" => Ok(ReportKind::Monthly),
            "agency" => Ok(ReportKind::Agency),
            "document" => Ok(ReportKind::Document),
            _ => Err(ServiceError::invalid(
                "kind",
                "must be overdue, monthly, agency or document",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Overdue => "overdue",
            ReportKind::Monthly => "monthly",
            ReportKind::Agency => "agency",
            ReportKind::Document => "document",
        }
    }
}

/// What to report on.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    pub kind: ReportKind,
    /// The day the report speaks of; today when absent (for `monthly`, the end
    /// of `month` when that is given).
    pub as_of: Option<NaiveDate>,
    /// `monthly`: YYYY-MM.
    pub month: Option<String>,
    /// `agency`: code, id, name or alias.
    pub agency: Option<String>,
    /// `document`: id or number ("365/TB-VPCP").
    pub document: Option<String>,
}

impl ReportRequest {
    pub fn new(kind: ReportKind, as_of: Option<NaiveDate>) -> ReportRequest {
        ReportRequest {
            kind,
            as_of,
            month: None,
            agency: None,
            document: None,
        }
    }
}

/// An agency's report card on a day: what the web page shows and the `agency`
/// report prints.
#[derive(Debug, Clone)]
pub struct AgencyCard {
    pub agency: Agency,
    pub as_of: NaiveDate,
    /// Assignments by status (statuses with none left out).
    pub counts: Vec<(Status, i64)>,
    pub total: i64,
    pub on_time: i64,
    pub late: i64,
    /// Overdue assignments, the first `overdue_limit`, and how many in all.
    pub overdue: Vec<Assignment>,
    pub overdue_total: i64,
    /// Commitments known on the day, judged on it.
    pub commitments: Vec<Commitment>,
    /// Overdue and completed at the end of each of the last 12 months (oldest
    /// first), the last being the as-of day itself.
    pub months: Vec<(NaiveDate, i64, i64)>,
}

impl AgencyCard {
    pub fn count(&self, status: Status) -> i64 {
        self.counts
            .iter()
            .find(|(s, _)| *s == status)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }

    pub fn outcomes(&self, outcome: &str) -> i64 {
        self.commitments
            .iter()
            .filter(|c| c.outcome == outcome)
            .count() as i64
    }

    /// Completed on time among completed, in percent; None when none completed.
    pub fn on_time_rate(&self) -> Option<f64> {
        let done = self.on_time + self.late;
        (done > 0).then(|| self.on_time as f64 * 100.0 / done as f64)
    }
}

/// The last day of the month `back` months before `day`'s (the day itself for
/// its own month).
pub fn month_end(day: NaiveDate, back: u32) -> NaiveDate {
    if back == 0 {
        return day;
    }
    let total = day.year() * 12 + day.month0() as i32 - back as i32;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    next.and_then(|d| d.pred_opt()).unwrap_or(day)
}

fn outcome_vi(o: &str) -> &'static str {
    match o {
        "kept" => "Đã thực hiện đúng cam kết",
        "broken" => "Không thực hiện đúng cam kết",
        _ => "Chưa đến hạn",
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn deadline_text(d: &tiendo_core::model::DeadlineView) -> String {
    match (d.kind.as_str(), d.due) {
        ("none", _) => "Không có thời hạn".into(),
        ("date", Some(due)) => tiendo_core::printed::vi_date(due),
        (_, Some(due)) if !d.label.is_empty() => {
            format!("{} ({})", d.label, tiendo_core::printed::vi_date(due))
        }
        (_, Some(due)) => tiendo_core::printed::vi_date(due),
        _ => d.label.clone(),
    }
}

/// The day a stored instant (RFC 3339) fell on in Vietnam.
fn vn_day(instant: &str) -> Option<NaiveDate> {
    let tz = FixedOffset::east_opt(7 * 3600)?;
    DateTime::parse_from_rfc3339(instant)
        .ok()
        .map(|t| t.with_timezone(&tz).date_naive())
}

impl Service {
    /// Builds a report as the system knew it at the end of its as-of day.
    /// Every report ends with the head of the audit chain when it was made
    /// (docs/audit.md): a printed copy anchors the history outside the database.
    pub async fn report(&self, actor: &Actor, req: &ReportRequest) -> Result<Printed> {
        let mut printed = self.build_report(actor, req).await?;
        let head = self.audit_head().await?;
        printed.sections.push(Section::Paragraph(format!(
            "Mã kiểm chứng nhật ký khi lập báo cáo: sự kiện số {}, SHA-256 {}",
            head.event_id, head.hash
        )));
        Ok(printed)
    }

    async fn build_report(&self, actor: &Actor, req: &ReportRequest) -> Result<Printed> {
        match req.kind {
            ReportKind::Overdue => {
                self.overdue_printed(actor, req.as_of.unwrap_or_else(today))
                    .await
            }
            ReportKind::Monthly => self.monthly_printed(actor, req).await,
            ReportKind::Agency => {
                let name = req
                    .agency
                    .as_deref()
                    .filter(|a| !a.trim().is_empty())
                    .ok_or_else(|| {
                        ServiceError::invalid("agency", "name the agency (code or name)")
                    })?;
                let as_of = req.as_of.unwrap_or_else(today);
                let agency = self.resolve_agency("agency", name, Some(as_of))?;
                let card = self.agency_card(actor, agency.id, as_of, 500).await?;
                self.agency_printed(actor, &card).await
            }
            ReportKind::Document => {
                let d = req
                    .document
                    .as_deref()
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .ok_or_else(|| {
                        ServiceError::invalid("document", "name the document (id or number)")
                    })?;
                let doc = match d.parse::<i64>() {
                    Ok(id) => self.get_document(actor, id).await?,
                    Err(_) => {
                        let found =
                            self.store
                                .find_document_by_number(d)
                                .await?
                                .ok_or_else(|| {
                                    ServiceError::invalid(
                                        "document",
                                        format!("no document numbered '{d}'"),
                                    )
                                })?;
                        self.get_document(actor, found.id).await?
                    }
                };
                self.document_printed(actor, &doc, req.as_of.unwrap_or_else(today))
                    .await
            }
        }
    }

    // ------------------------------------------------------------ overdue

    async fn overdue_printed(&self, actor: &Actor, as_of: NaiveDate) -> Result<Printed> {
        let report = self.overdue_report(actor, as_of).await?;
        let rows = report
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    Cell::Int(i as i64 + 1),
                    text(&r.task),
                    text(&r.source_document),
                    text(r.lead.join("\n")),
                    Cell::Date(r.deadline),
                    text(r.incomplete.join("\n")),
                ]
            })
            .collect::<Vec<_>>();
        let n = rows.len() as i64;
        Ok(Printed {
            kind: "overdue".into(),
            issuer: vec![ISSUER.into()],
            title: "Danh mục nhiệm vụ quá hạn".into(),
            subtitle: Some(format!(
                "(Số liệu đến hết ngày {}; {} nhiệm vụ)",
                tiendo_core::printed::vi_date(as_of),
                tiendo_core::printed::vi_int(n)
            )),
            as_of,
            landscape: true,
            sections: vec![Section::Table(overdue_table(rows))],
        })
    }

    // ------------------------------------------------------------ monthly

    async fn monthly_printed(&self, actor: &Actor, req: &ReportRequest) -> Result<Printed> {
        let month = match &req.month {
            Some(m) => {
                let month = Month::parse(m.trim()).ok_or_else(|| {
                    ServiceError::invalid("month", "must be a month written YYYY-MM, e.g. 2025-10")
                })?;
                crate::plausible_day("month", month.first_day())?;
                month
            }
            None => {
                let d = req.as_of.unwrap_or_else(today);
                Month::parse(&format!("{:04}-{:02}", d.year(), d.month()))
                    .ok_or_else(|| ServiceError::invalid("as_of", "out of range"))?
            }
        };
        let as_of = match (&req.month, req.as_of) {
            (None, Some(d)) => d,
            _ => month.last_day().min(today()),
        };
        let mut sections = Vec::new();
        // I. Figures.
        let counts = self.status_counts(actor, as_of, None).await?;
        let get = |s: Status| counts.iter().find(|(k, _)| *k == s).map_or(0, |(_, n)| *n);
        let total: i64 = counts.iter().map(|(_, n)| n).sum();
        let done = get(Status::CompletedOnTime) + get(Status::CompletedLate);
        let mut figs = vec![("Tổng số phân công".to_string(), Cell::Int(total))];
        for s in Status::ALL {
            figs.push((s.label_vi().to_string(), Cell::Int(get(s))));
        }
        if done > 0 {
            figs.push((
                "Tỷ lệ hoàn thành đúng hạn (trên số đã hoàn thành)".into(),
                Cell::Percent(get(Status::CompletedOnTime) as f64 * 100.0 / done as f64),
            ));
        }
        sections.push(Section::Heading("I. Tình hình thực hiện nhiệm vụ".into()));
        sections.push(Section::KeyFigures(figs));
        // II. Scores and rankings.
        sections.push(Section::Heading(format!(
            "II. Chấm điểm và xếp hạng tháng {:02}/{}",
            month.last_day().month(),
            month.last_day().year()
        )));
        self.monthly_scores(actor, month, &mut sections).await?;
        // III. Overdue by agency.
        sections.push(Section::Heading(
            "III. Nhiệm vụ quá hạn theo cơ quan".into(),
        ));
        let by = self.overdue_by_agency(actor, as_of).await?;
        if by.is_empty() {
            sections.push(Section::Paragraph("Không có phân công quá hạn.".into()));
        } else {
            sections.push(Section::Table(Table {
                headers: vec![
                    "TT".into(),
                    "Cơ quan".into(),
                    "Số phân công quá hạn".into(),
                    "Quá hạn lâu nhất (ngày)".into(),
                ],
                widths: vec![5.0, 55.0, 20.0, 20.0],
                rows: by
                    .iter()
                    .enumerate()
                    .map(|(i, a)| {
                        vec![
                            Cell::Int(i as i64 + 1),
                            text(&a.agency_name),
                            Cell::Int(a.count),
                            Cell::Int(a.max_days_late),
                        ]
                    })
                    .collect(),
            }));
        }
        // IV. Commitments falling due in the month.
        sections.push(Section::Heading("IV. Cam kết đến hạn trong tháng".into()));
        let mut facts = self
            .store
            .score_commitments(month.first_day(), month.last_day())
            .await?;
        if let Some(a) = actor.confined_to() {
            facts.retain(|c| c.agency_id == a);
        }
        if facts.is_empty() {
            sections.push(Section::Paragraph(
                "Không có cam kết đến hạn trong tháng.".into(),
            ));
        } else {
            let mut ids: Vec<i64> = facts.iter().map(|c| c.task_id).collect();
            ids.sort_unstable();
            ids.dedup();
            let tasks: HashMap<i64, String> = self
                .store
                .get_tasks(&ids)
                .await?
                .into_iter()
                .map(|t| (t.id, t.text))
                .collect();
            facts.sort_by_key(|c| (c.committed_on, c.commitment_id));
            let rows = facts
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let outcome = match c.state.completed_on {
                        Some(done) if done <= c.committed_on => "kept",
                        Some(_) => "broken",
                        None if as_of > c.committed_on => "broken",
                        None => "pending",
                    };
                    vec![
                        Cell::Int(i as i64 + 1),
                        text(self.agency_name(c.agency_id)),
                        text(tasks.get(&c.task_id).cloned().unwrap_or_default()),
                        Cell::Date(c.committed_on),
                        c.state.due.map_or(Cell::Empty, Cell::Date),
                        text(outcome_vi(outcome)),
                    ]
                })
                .collect();
            sections.push(Section::Table(Table {
                headers: vec![
                    "TT".into(),
                    "Cơ quan".into(),
                    "Nhiệm vụ".into(),
                    "Ngày cam kết hoàn thành".into(),
                    "Thời hạn ban đầu".into(),
                    "Kết quả".into(),
                ],
                widths: vec![4.0, 17.0, 33.0, 15.0, 15.0, 16.0],
                rows,
            }));
        }
        Ok(Printed {
            kind: format!("monthly-{month}"),
            issuer: vec![ISSUER.into()],
            title: format!(
                "Báo cáo Thủ tướng Chính phủ tình hình thực hiện nhiệm vụ tháng {}",
                tiendo_core::period::label_vi(&month.to_string())
            ),
            subtitle: Some(format!(
                "(Số liệu đến hết ngày {})",
                tiendo_core::printed::vi_date(as_of)
            )),
            as_of,
            landscape: false,
            sections,
        })
    }

    /// The month's published ranking by group; a preview (computed, not stored,
    /// and said so) when nothing is published for the month.
    async fn monthly_scores(
        &self,
        actor: &Actor,
        month: Month,
        sections: &mut Vec<Section>,
    ) -> Result<()> {
        let m = month.to_string();
        let label = tiendo_core::period::label_vi(&m);
        let confined = actor.confined_to();
        let groups = [
            ("central", "Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ"),
            ("provinces", "Tỉnh, thành phố trực thuộc trung ương"),
            ("others", "Cơ quan, tổ chức khác"),
        ];
        let headers = vec![
            "Hạng".to_string(),
            "Cơ quan".into(),
            "Điểm".into(),
            "Thay đổi hạng so với tháng trước".into(),
        ];
        let widths = vec![8.0, 60.0, 14.0, 18.0];
        if self.store.head_score_run(&m).await?.is_some() {
            sections.push(Section::Paragraph(format!(
                "Kết quả chấm điểm tháng {label} đã công bố (thang điểm 100)."
            )));
            for (key, label) in groups {
                let r = self.ranking(actor, &m, key).await?;
                let rows: Vec<Vec<Cell>> = r
                    .rows
                    .iter()
                    .filter(|row| confined.is_none_or(|a| a == row.agency_id))
                    .map(|row| {
                        vec![
                            Cell::Int(row.rank),
                            text(&row.agency_name),
                            Cell::Num(row.score, 1),
                            match row.movement {
                                Some(0) => text("="),
                                Some(n) if n > 0 => text(format!("+{n}")),
                                Some(n) => text(n.to_string()),
                                None => text("mới"),
                            },
                        ]
                    })
                    .collect();
                if rows.is_empty() {
                    continue;
                }
                sections.push(Section::Paragraph(label.into()));
                sections.push(Section::Table(Table {
                    headers: headers.clone(),
                    widths: widths.clone(),
                    rows,
                }));
            }
            return Ok(());
        }
        sections.push(Section::Paragraph(format!(
            "Bản xem trước: chưa có kết quả chấm điểm tháng {label} được công bố; \
             điểm dưới đây được tính từ dữ liệu đến hết tháng và có thể thay đổi."
        )));
        let computed = self.compute_month(month).await?;
        let mut results: Vec<SubjectScore> = computed
            .results
            .iter()
            .filter(|r| r.subject == "agency")
            .filter(|r| confined.is_none_or(|a| r.agency_id == Some(a)))
            .filter_map(|r| {
                let id = r.agency_id?;
                Some(SubjectScore {
                    subject: r.subject.clone(),
                    agency_id: Some(id),
                    agency_code: None,
                    agency_name: Some(self.agency_name(id)),
                    leader: None,
                    group: r.grp.clone(),
                    score: r.score_x100.map(|s| s as f64 / 100.0),
                    earned: r.earned_x100 as f64 / 100.0,
                    possible: r.possible_x100 as f64 / 100.0,
                    lines: r.lines,
                    rank: r.rank_in_group,
                })
            })
            .collect();
        results.sort_by_key(|r| (r.rank.unwrap_or(i64::MAX), r.agency_name.clone()));
        for (key, label) in groups {
            let rows: Vec<Vec<Cell>> = results
                .iter()
                .filter(|r| r.group == key && r.rank.is_some())
                .map(|r| {
                    vec![
                        Cell::Int(r.rank.unwrap_or(0)),
                        text(r.agency_name.clone().unwrap_or_default()),
                        r.score.map_or(Cell::Empty, |s| Cell::Num(s, 1)),
                        text("—"),
                    ]
                })
                .collect();
            if rows.is_empty() {
                continue;
            }
            sections.push(Section::Paragraph(format!("{label} (bản xem trước)")));
            sections.push(Section::Table(Table {
                headers: headers.clone(),
                widths: widths.clone(),
                rows,
            }));
        }
        Ok(())
    }

    // ------------------------------------------------------------ agency card

    /// An agency's report card as known at the end of `as_of` (the web page and
    /// the `agency` report). A focal point gets only its own agency's.
    pub async fn agency_card(
        &self,
        actor: &Actor,
        agency_id: i64,
        as_of: NaiveDate,
        overdue_limit: i64,
    ) -> Result<AgencyCard> {
        let agency = self.get_agency(agency_id).await?;
        if !actor.sees_agency(agency_id) {
            return Err(ServiceError::Forbidden(
                "a focal point sees only its own agency's report card".into(),
            ));
        }
        let counts = self.status_counts(actor, as_of, Some(agency_id)).await?;
        let get = |st: Status| counts.iter().find(|(s, _)| *s == st).map_or(0, |(_, n)| *n);
        let total = counts.iter().map(|(_, n)| n).sum();
        let (on_time, late) = (get(Status::CompletedOnTime), get(Status::CompletedLate));
        let overdue = self
            .list_assignments(
                actor,
                AssignmentFilter {
                    task_id: None,
                    agency_id: Some(agency_id),
                    document_id: None,
                    status: Some(Status::Overdue),
                    as_of,
                    due_soon_days: 0,
                    confined_to: None,
                    page: 1,
                    per_page: overdue_limit.max(1),
                },
            )
            .await?;
        let commitments = self
            .list_commitments(
                actor,
                CommitmentFilter {
                    agency_id: Some(agency_id),
                    // Only the commitments made by the end of the card's day.
                    known_by: Some(end_of_day(as_of)),
                    page: 1,
                    per_page: 200,
                    ..Default::default()
                },
                as_of,
            )
            .await?;
        let commitments: Vec<Commitment> = commitments.items;
        let mut months = Vec::with_capacity(12);
        for back in (0..12).rev() {
            let d = month_end(as_of, back);
            let c = self.status_counts(actor, d, Some(agency_id)).await?;
            let g = |st: Status| c.iter().find(|(s, _)| *s == st).map_or(0, |(_, n)| *n);
            months.push((
                d,
                g(Status::Overdue),
                g(Status::CompletedOnTime) + g(Status::CompletedLate),
            ));
        }
        Ok(AgencyCard {
            agency,
            as_of,
            counts,
            total,
            on_time,
            late,
            overdue: overdue.items,
            overdue_total: overdue.total,
            commitments,
            months,
        })
    }

    /// The latest published monthly score of an agency known on `as_of`.
    pub async fn latest_agency_score(
        &self,
        actor: &Actor,
        agency_id: i64,
        as_of: NaiveDate,
    ) -> Result<Option<(String, SubjectScore, usize)>> {
        let runs = self.list_score_runs(actor, None).await?;
        let Some(month) = runs
            .iter()
            .filter(|r| {
                r.created_at
                    .as_deref()
                    .and_then(vn_day)
                    .is_some_and(|d| d <= as_of)
            })
            .map(|r| r.month.clone())
            .max()
        else {
            return Ok(None);
        };
        let kind = self.agency(agency_id).map(|a| a.kind).unwrap_or_default();
        let ranking = self.ranking(actor, &month, group_of(&kind)).await?;
        let of = ranking.rows.len();
        let b = self.agency_score(actor, agency_id, &month).await?;
        Ok(Some((month, b.score, of)))
    }

    async fn agency_printed(&self, actor: &Actor, card: &AgencyCard) -> Result<Printed> {
        let mut sections = Vec::new();
        sections.push(Section::Heading("I. Phân công theo tình trạng".into()));
        let mut figs = vec![("Tổng số phân công".to_string(), Cell::Int(card.total))];
        for s in Status::ALL {
            figs.push((s.label_vi().to_string(), Cell::Int(card.count(s))));
        }
        figs.push((
            "Tỷ lệ hoàn thành đúng hạn (trên số đã hoàn thành)".into(),
            card.on_time_rate().map_or(text("—"), Cell::Percent),
        ));
        sections.push(Section::KeyFigures(figs));
        sections.push(Section::Heading(format!(
            "II. Nhiệm vụ quá hạn ({})",
            tiendo_core::printed::vi_int(card.overdue_total)
        )));
        if card.overdue.is_empty() {
            sections.push(Section::Paragraph("Không có nhiệm vụ quá hạn.".into()));
        } else {
            sections.push(Section::Table(Table {
                headers: vec![
                    "TT".into(),
                    "Nhiệm vụ".into(),
                    "Thời hạn".into(),
                    "Số ngày quá hạn".into(),
                ],
                widths: vec![5.0, 65.0, 15.0, 15.0],
                rows: card
                    .overdue
                    .iter()
                    .enumerate()
                    .map(|(i, a)| {
                        vec![
                            Cell::Int(i as i64 + 1),
                            text(&a.task_text),
                            text(deadline_text(&a.deadline)),
                            Cell::Int(a.days_late),
                        ]
                    })
                    .collect(),
            }));
            if card.overdue_total > card.overdue.len() as i64 {
                sections.push(Section::Paragraph(format!(
                    "(Liệt kê {} trên tổng số {} nhiệm vụ quá hạn.)",
                    card.overdue.len(),
                    card.overdue_total
                )));
            }
        }
        sections.push(Section::Heading("III. Cam kết".into()));
        sections.push(Section::KeyFigures(vec![
            (
                "Đã thực hiện đúng cam kết".into(),
                Cell::Int(card.outcomes("kept")),
            ),
            (
                "Không thực hiện đúng cam kết".into(),
                Cell::Int(card.outcomes("broken")),
            ),
            ("Chưa đến hạn".into(), Cell::Int(card.outcomes("pending"))),
        ]));
        if !card.commitments.is_empty() {
            sections.push(Section::Table(Table {
                headers: vec![
                    "TT".into(),
                    "Văn bản cam kết".into(),
                    "Ngày cam kết hoàn thành".into(),
                    "Thời hạn ban đầu".into(),
                    "Kết quả".into(),
                ],
                widths: vec![5.0, 30.0, 20.0, 20.0, 25.0],
                rows: card
                    .commitments
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        vec![
                            Cell::Int(i as i64 + 1),
                            text(c.letter_number.clone().unwrap_or_default()),
                            Cell::Date(c.committed_on),
                            c.original_due.map_or(Cell::Empty, Cell::Date),
                            text(outcome_vi(&c.outcome)),
                        ]
                    })
                    .collect(),
            }));
        }
        sections.push(Section::Heading("IV. Điểm chấm hằng tháng".into()));
        match self
            .latest_agency_score(actor, card.agency.id, card.as_of)
            .await?
        {
            Some((month, score, of)) => sections.push(Section::KeyFigures(vec![
                ("Tháng".into(), text(tiendo_core::period::label_vi(&month))),
                (
                    "Điểm".into(),
                    score.score.map_or(text("—"), |s| Cell::Num(s, 1)),
                ),
                (
                    "Hạng trong nhóm".into(),
                    score.rank.map_or(text("—"), |r| text(format!("{r}/{of}"))),
                ),
            ])),
            None => sections.push(Section::Paragraph(
                "Chưa có kết quả chấm điểm được công bố.".into(),
            )),
        }
        sections.push(Section::Heading("V. Diễn biến 12 tháng".into()));
        sections.push(Section::Table(Table {
            headers: vec!["Đến ngày".into(), "Quá hạn".into(), "Đã hoàn thành".into()],
            widths: vec![30.0, 35.0, 35.0],
            rows: card
                .months
                .iter()
                .map(|(d, o, c)| vec![Cell::Date(*d), Cell::Int(*o), Cell::Int(*c)])
                .collect(),
        }));
        Ok(Printed {
            kind: format!("agency-{}", ascii_slug(&card.agency.code)),
            issuer: vec![ISSUER.into()],
            title: format!(
                "Phiếu đánh giá kết quả thực hiện nhiệm vụ của {}",
                card.agency.name
            ),
            subtitle: Some(format!(
                "(Số liệu đến hết ngày {})",
                tiendo_core::printed::vi_date(card.as_of)
            )),
            as_of: card.as_of,
            landscape: false,
            sections,
        })
    }

    // ------------------------------------------------------------ document

    /// A document's tasks as known on `as_of`, in the document's order, with
    /// each task's assignments by status (those the actor sees).
    pub async fn document_tasks(
        &self,
        actor: &Actor,
        document_id: i64,
        as_of: NaiveDate,
        known_only: bool,
    ) -> Result<(Vec<Task>, HashMap<i64, crate::views::TaskProgress>)> {
        let tasks = self
            .list_tasks(
                actor,
                TaskFilter {
                    agency_id: None,
                    document_id: Some(document_id),
                    status: None,
                    as_of,
                    known_only,
                    due_from: None,
                    due_to: None,
                    field: None,
                    words: Vec::new(),
                    confined_to: None,
                    lacking: None,
                    due_soon_days: 0,
                    sort: TaskSort::Document,
                    page: 1,
                    per_page: 1000,
                },
            )
            .await?;
        let ids: Vec<i64> = tasks.items.iter().map(|t| t.id).collect();
        let progress = self.task_progress(actor, &ids, as_of).await?;
        Ok((tasks.items, progress))
    }

    async fn document_printed(
        &self,
        actor: &Actor,
        doc: &Document,
        as_of: NaiveDate,
    ) -> Result<Printed> {
        let (tasks, progress) = self.document_tasks(actor, doc.id, as_of, true).await?;
        let mut totals: HashMap<Status, i64> = HashMap::new();
        for p in progress.values() {
            for (s, n) in &p.by_status {
                *totals.entry(*s).or_default() += n;
            }
        }
        let all: i64 = totals.values().sum();
        let g = |s: Status| totals.get(&s).copied().unwrap_or(0);
        let live = all - g(Status::Cancelled);
        let share = |n: i64| {
            if live > 0 {
                Cell::Percent(n as f64 * 100.0 / live as f64)
            } else {
                text("—")
            }
        };
        let mut figs = vec![
            ("Số nhiệm vụ".to_string(), Cell::Int(tasks.len() as i64)),
            ("Số phân công".into(), Cell::Int(all)),
        ];
        for s in Status::ALL {
            figs.push((s.label_vi().to_string(), Cell::Int(g(s))));
        }
        figs.push((
            "Tỷ lệ hoàn thành đúng hạn".into(),
            share(g(Status::CompletedOnTime)),
        ));
        figs.push((
            "Tỷ lệ đã hoàn thành".into(),
            share(g(Status::CompletedOnTime) + g(Status::CompletedLate)),
        ));
        let rows = tasks
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let p = progress.get(&t.id).cloned().unwrap_or_default();
                let state = p
                    .by_status
                    .iter()
                    .map(|(s, n)| format!("{}: {}", s.label_vi(), n))
                    .collect::<Vec<_>>()
                    .join("\n");
                vec![
                    Cell::Int(i as i64 + 1),
                    text(t.ref_.clone().unwrap_or_default()),
                    text(&t.text),
                    text(
                        t.lead
                            .iter()
                            .map(|p| p.name.clone())
                            .collect::<Vec<_>>()
                            .join("\n"),
                    ),
                    text(deadline_text(&t.deadline)),
                    text(t.status.map(|s| s.label_vi()).unwrap_or("")),
                    text(if state.is_empty() {
                        "—".into()
                    } else {
                        state
                    }),
                    text(format!("{}/{}", p.completed(), p.total)),
                ]
            })
            .collect();
        let mut sections = vec![
            Section::Paragraph(doc.title.clone()),
            Section::Heading("I. Số liệu chung".into()),
            Section::KeyFigures(figs),
            Section::Heading("II. Tình hình thực hiện từng nhiệm vụ".into()),
        ];
        sections.push(Section::Table(Table {
            headers: vec![
                "TT".into(),
                "Mục".into(),
                "Nhiệm vụ".into(),
                "Cơ quan chủ trì".into(),
                "Thời hạn".into(),
                "Tình trạng".into(),
                "Phân công theo tình trạng".into(),
                "Hoàn thành".into(),
            ],
            widths: vec![4.0, 6.0, 36.0, 14.0, 10.0, 10.0, 14.0, 7.0],
            rows,
        }));
        let stem = doc
            .number
            .as_deref()
            .map(ascii_slug)
            .unwrap_or_else(|| doc.id.to_string());
        Ok(Printed {
            kind: format!("document-{stem}"),
            issuer: vec![ISSUER.into()],
            title: format!("Báo cáo tình hình thực hiện {}", doc.citation),
            subtitle: Some(format!(
                "(Số liệu đến hết ngày {})",
                tiendo_core::printed::vi_date(as_of)
            )),
            as_of,
            landscape: true,
            sections,
        })
    }
}

/// The 365/TB-VPCP appendix's table.
fn overdue_table(rows: Vec<Vec<Cell>>) -> Table {
    Table {
        headers: vec![
            "TT".into(),
            "Nhiệm vụ".into(),
            "Văn bản giao".into(),
            "Cơ quan chủ trì".into(),
            "Thời hạn".into(),
            "Đơn vị chưa hoàn thành".into(),
        ],
        widths: vec![4.0, 36.0, 13.0, 15.0, 10.0, 22.0],
        rows,
    }
}

/// "365/TB-VPCP" → "365-TB-VPCP"; only ASCII letters, digits and dashes.
pub fn ascii_slug(s: &str) -> String {
    let folded = tiendo_core::text::fold(s);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ends() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(month_end(d("2025-07-16"), 0), d("2025-07-16"));
        assert_eq!(month_end(d("2025-07-16"), 1), d("2025-06-30"));
        assert_eq!(month_end(d("2025-03-05"), 3), d("2024-12-31"));
        assert_eq!(month_end(d("2025-03-05"), 1), d("2025-02-28"));
    }

    #[test]
    fn slugs() {
        assert_eq!(ascii_slug("365/TB-VPCP"), "365-tb-vpcp");
        assert_eq!(ascii_slug("Bộ KH&CN"), "bo-kh-cn");
    }
}
