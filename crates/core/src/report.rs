//! The overdue report, after the appendix of 365/TB-VPCP ("Danh mục nhiệm vụ quá
//! hạn"): one row per task with at least one overdue assignment, naming the
//! agencies whose assignment is overdue.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OverdueRow {
    pub task_id: i64,
    /// Nhiệm vụ cụ thể.
    pub task: String,
    /// Văn bản giao nhiệm vụ.
    pub source_document: String,
    /// Cơ quan chủ trì thực hiện (agency names; a group by its label).
    pub lead: Vec<String>,
    /// Thời hạn hoàn thành: the earliest due day among the overdue assignments.
    pub deadline: NaiveDate,
    /// Đơn vị chưa hoàn thành: agencies whose assignment is overdue.
    pub incomplete: Vec<String>,
    pub incomplete_agency_ids: Vec<i64>,
    /// Days late of the latest of them on the as-of day.
    pub days_late: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OverdueReport {
    pub as_of: NaiveDate,
    pub rows: Vec<OverdueRow>,
}
