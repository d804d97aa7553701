//! The wording of each kind of event.

use super::*;
use serde_json::json;
use std::collections::HashMap;

struct Map {
    agencies: HashMap<i64, &'static str>,
    of: HashMap<(&'static str, i64), &'static str>,
}

impl Names for Map {
    fn agency(&self, id: i64) -> String {
        self.agencies
            .get(&id)
            .map(|s| s.to_string())
            .unwrap_or_else(|| format!("#{id}"))
    }
    fn agency_of(&self, entity: &str, id: i64) -> Option<String> {
        self.of
            .iter()
            .find(|((e, i), _)| *e == entity && *i == id)
            .map(|(_, a)| a.to_string())
    }
}

fn names() -> Map {
    Map {
        agencies: HashMap::from([(13, "Bộ Công an"), (638, "UBND tỉnh Lào Cai")]),
        of: HashMap::from([
            (("assignment", 5), "Bộ Công an"),
            (("progress_report", 9), "Bộ Công an"),
            (("extension", 3), "Bộ Công an"),
            (("commitment", 4), "Bộ Công an"),
        ]),
    }
}

fn ev(entity: &str, id: i64, action: &str, changes: Value) -> Event {
    Event {
        id: 1,
        entity: entity.into(),
        entity_id: id,
        action: action.into(),
        actor_id: Some(2),
        actor_name: Some("vp".into()),
        actor_display_name: Some("Nguyễn Thị Lan".into()),
        changes,
        recorded_at: "2025-07-16T09:05:00+07:00".into(),
        entered_at: "2025-07-16T09:05:00+07:00".into(),
    }
}

fn vi(e: &Event) -> String {
    line(Lang::Vi, e, &names(), false).sentence()
}

fn en(e: &Event) -> String {
    line(Lang::En, e, &names(), false).sentence()
}

/// No stored key, JSON or English state code leaks into a sentence.
fn clean(s: &str) {
    for bad in [
        "{",
        "}",
        "\"",
        "review_state",
        "assignees",
        "deadline_kind",
        "agency_id",
        "sha256",
        "accepted",
        "returned",
        "null",
        "_",
    ] {
        assert!(!s.contains(bad), "{bad:?} in {s:?}");
    }
}

#[test]
fn who_is_the_display_name_or_the_system() {
    let mut e = ev("task", 1, "create", json!({}));
    assert_eq!(who(Lang::Vi, &e), "Nguyễn Thị Lan");
    e.actor_display_name = None;
    assert_eq!(who(Lang::Vi, &e), "vp");
    e.actor_name = Some("system".into());
    assert_eq!(who(Lang::Vi, &e), "Hệ thống");
    assert_eq!(who(Lang::En, &e), "The system");
    e.actor_name = None;
    assert_eq!(who(Lang::Vi, &e), "Hệ thống");
}

#[test]
fn when_is_in_ha_noi() {
    let mut e = ev("task", 1, "create", json!({}));
    e.recorded_at = "2025-07-16T02:05:00+00:00".into();
    assert_eq!(line(Lang::Vi, &e, &names(), false).when, "16/07/2025 09:05");
}

#[test]
fn task_created_names_agencies_and_the_deadline() {
    let e = ev(
        "task",
        1,
        "create",
        json!({"ref": "III.5.a(2)", "deadline": {"kind": "date", "due": "2025-12-31", "raw": "trước 31/12/2025"}, "assignees": [13, 638]}),
    );
    let s = vi(&e);
    assert_eq!(
        s,
        "Nguyễn Thị Lan giao nhiệm vụ mục III.5.a(2), thời hạn 31/12/2025, cho Bộ Công an; UBND tỉnh Lào Cai."
    );
    clean(&s);
    assert!(
        en(&e).contains(
            "registered the task at item III.5.a(2), deadline 31/12/2025, for Bộ Công an"
        )
    );
}

#[test]
fn task_updated_says_from_what_to_what() {
    let e = ev(
        "task",
        1,
        "update",
        json!({"before": {"text": "A", "deadline": {"kind": "date", "due": "2025-09-30", "raw": ""}, "priority": 2},
               "after": {"text": "A", "deadline": {"kind": "date", "due": "2025-12-31", "raw": ""}, "priority": 2}}),
    );
    let s = vi(&e);
    assert_eq!(
        s,
        "Nguyễn Thị Lan sửa nhiệm vụ: thời hạn từ 30/09/2025 thành 31/12/2025."
    );
    clean(&s);
    assert!(en(&e).ends_with("edited the task: the deadline from 30/09/2025 to 31/12/2025."));
}

#[test]
fn assignment_created_names_the_agency_not_its_id() {
    let e = ev(
        "assignment",
        7,
        "create",
        json!({"task_id": 1, "agency_id": 638, "deadline_kind": "date", "due": "2025-12-31"}),
    );
    let s = vi(&e);
    assert_eq!(
        s,
        "Nguyễn Thị Lan phân công cho UBND tỉnh Lào Cai, thời hạn 31/12/2025."
    );
    assert!(!s.contains("638"));
    clean(&s);
    assert!(en(&e).contains("assigned the task to UBND tỉnh Lào Cai, deadline 31/12/2025"));
}

fn state(due: &str, done: Option<&str>) -> Value {
    json!({"deadline_kind": "date", "due": due, "completed_on": done, "cancelled": false})
}

#[test]
fn assignment_state_changes_read_as_words() {
    let done = ev(
        "assignment",
        5,
        "complete",
        json!({"change": {"change": "completed", "on": "2025-07-10"}, "before": state("2025-06-30", None),
               "after": state("2025-06-30", Some("2025-07-10")), "details": {"report_id": 9}}),
    );
    let s = vi(&done);
    assert_eq!(
        s,
        "Nguyễn Thị Lan xác nhận Bộ Công an hoàn thành ngày 10/07/2025 (khi chấp nhận báo cáo hoàn thành)."
    );
    clean(&s);
    let extend = ev(
        "assignment",
        5,
        "extend",
        json!({"change": {"change": "deadline_set", "kind": "date", "due": "2025-09-30"}, "before": state("2025-06-30", None),
               "after": state("2025-09-30", None), "details": {"extension_id": 3}}),
    );
    let s = vi(&extend);
    assert!(
        s.contains("gia hạn cho Bộ Công an từ 30/06/2025 đến 30/09/2025"),
        "{s}"
    );
    clean(&s);
    let corrected = ev(
        "assignment",
        5,
        "deadline_corrected",
        json!({"change": {"change": "deadline_set", "kind": "none", "due": null}, "before": state("2025-06-30", None),
               "after": {"deadline_kind": "none", "due": null, "completed_on": null, "cancelled": false}, "details": {"note": "theo văn bản mới"}}),
    );
    let s = vi(&corrected);
    assert!(s.contains("sửa thời hạn của Bộ Công an từ 30/06/2025 thành không có thời hạn; ghi chú: “theo văn bản mới”"), "{s}");
    clean(&s);
    let cancel = ev(
        "assignment",
        5,
        "cancel",
        json!({"change": {"change": "cancelled"}, "before": state("2025-06-30", None), "after": state("2025-06-30", None), "details": {"note": null}}),
    );
    assert_eq!(vi(&cancel), "Nguyễn Thị Lan hủy phân công của Bộ Công an.");
    assert_eq!(
        en(&cancel),
        "Nguyễn Thị Lan cancelled the assignment of Bộ Công an."
    );
    let reopen = ev(
        "assignment",
        5,
        "reopen",
        json!({"change": {"change": "reopened"}, "before": state("2025-06-30", Some("2025-07-10")), "after": state("2025-06-30", None), "details": {}}),
    );
    assert!(
        vi(&reopen)
            .contains("mở lại phân công của Bộ Công an (trước đó ghi hoàn thành ngày 10/07/2025)")
    );
    let restore = ev(
        "assignment",
        5,
        "restore",
        json!({"change": {"change": "restored"}, "before": state("2025-06-30", None), "after": state("2025-06-30", None), "details": {}}),
    );
    assert!(vi(&restore).contains("khôi phục phân công đã hủy của Bộ Công an"));
}

#[test]
fn imported_assignment_state_reads_as_words() {
    let e = ev(
        "assignment",
        5,
        "update",
        json!({"deadline_kind": "date", "due": "2025-06-30", "completed_on": "2025-07-10", "cancelled": false}),
    );
    let s = vi(&e);
    assert_eq!(
        s,
        "Nguyễn Thị Lan ghi nhận tình trạng của Bộ Công an: thời hạn 30/06/2025, hoàn thành ngày 10/07/2025."
    );
    clean(&s);
}

#[test]
fn report_created_says_what_was_reported() {
    let e = ev(
        "progress_report",
        9,
        "create",
        json!({"assignment_id": 5, "reported_on": "2025-07-10", "percent": 100, "claims_completion": true,
               "completed_on": "2025-07-09", "narrative": "Đã ban hành Nghị định.", "difficulties": null, "proposals": null, "evidence_number": "12/BC-BCA"}),
    );
    let s = vi(&e);
    assert_eq!(
        s,
        "Nguyễn Thị Lan gửi báo cáo tiến độ của Bộ Công an (ngày báo cáo 10/07/2025, báo cáo đã hoàn thành ngày 09/07/2025, văn bản minh chứng số 12/BC-BCA: “Đã ban hành Nghị định.”)."
    );
    clean(&s);
    assert!(en(&e).contains(
        "sent a progress report for Bộ Công an (dated 10/07/2025, claiming completion on 09/07/2025"
    ));
}

#[test]
fn report_updated_says_from_what_to_what() {
    let e = ev(
        "progress_report",
        9,
        "update",
        json!({"before": {"percent": 40, "narrative": "A", "review_state": "none"}, "after": {"percent": 60, "narrative": "A"}}),
    );
    let s = vi(&e);
    assert_eq!(
        s,
        "Nguyễn Thị Lan sửa báo cáo tiến độ của Bộ Công an: tỷ lệ hoàn thành từ 40% thành 60%."
    );
    clean(&s);
}

#[test]
fn reviews_say_accepted_or_returned_in_words() {
    let acc = ev(
        "progress_report",
        9,
        "accept",
        json!({"review_state": "accepted", "note": null}),
    );
    let s = vi(&acc);
    assert_eq!(
        s,
        "Nguyễn Thị Lan duyệt báo cáo tiến độ của Bộ Công an: báo cáo được chấp nhận."
    );
    clean(&s);
    let ret = ev(
        "progress_report",
        9,
        "return",
        json!({"review_state": "returned", "note": "Thiếu minh chứng"}),
    );
    let s = vi(&ret);
    assert_eq!(
        s,
        "Nguyễn Thị Lan duyệt báo cáo tiến độ của Bộ Công an: báo cáo bị trả lại; lý do: “Thiếu minh chứng”."
    );
    clean(&s);
    assert!(en(&ret).contains("the report was returned; reason: “Thiếu minh chứng”"));
}

#[test]
fn evidence_shows_name_kind_and_size_not_the_hash() {
    let e = ev(
        "progress_report",
        9,
        "attach_evidence",
        json!({"evidence_id": 4, "file_name": "bao-cao.pdf", "content_type": "application/pdf", "size_bytes": 1_572_864, "sha256": "ab12"}),
    );
    let s = vi(&e);
    assert_eq!(
        s,
        "Nguyễn Thị Lan đính kèm tệp minh chứng “bao-cao.pdf” (PDF, 1,5 MB) vào báo cáo tiến độ của Bộ Công an."
    );
    clean(&s);
    assert!(!s.contains("ab12"));
}

#[test]
fn extensions_read_as_words() {
    let req = ev(
        "extension",
        3,
        "request",
        json!({"assignment_id": 5, "deadline": {"kind": "date", "due": "2025-12-31", "raw": ""},
               "previous": {"kind": "date", "due": "2025-06-30"}, "reason": "Chờ hướng dẫn"}),
    );
    let s = vi(&req);
    assert_eq!(
        s,
        "Nguyễn Thị Lan đề nghị gia hạn cho Bộ Công an từ 30/06/2025 đến 31/12/2025; lý do: “Chờ hướng dẫn”."
    );
    clean(&s);
    let ok = ev(
        "extension",
        3,
        "approve",
        json!({"state": "approved", "note": null}),
    );
    assert_eq!(
        vi(&ok),
        "Nguyễn Thị Lan quyết định đề nghị gia hạn của Bộ Công an: được chấp thuận."
    );
    let no = ev(
        "extension",
        3,
        "refuse",
        json!({"state": "refused", "note": "Không có căn cứ"}),
    );
    let s = vi(&no);
    assert!(s.contains(": bị từ chối; lý do: “Không có căn cứ”"), "{s}");
    clean(&s);
    assert!(en(&no).contains("refused; reason:"));
}

#[test]
fn commitments_read_as_words() {
    let c = ev(
        "commitment",
        4,
        "create",
        json!({"assignment_id": 5, "committed_on": "2025-10-31", "original_due": "2025-06-30", "letter_number": "55/CV-BCA", "note": null}),
    );
    let s = vi(&c);
    assert_eq!(
        s,
        "Nguyễn Thị Lan ghi cam kết của Bộ Công an hoàn thành trước ngày 31/10/2025 (thời hạn khi cam kết: 30/06/2025), văn bản số 55/CV-BCA."
    );
    clean(&s);
    let u = ev(
        "commitment",
        4,
        "update",
        json!({"before": {"committed_on": "2025-10-31", "letter_number": null, "note": null},
               "after": {"committed_on": "2025-11-30", "letter_number": null, "note": null}}),
    );
    assert_eq!(
        vi(&u),
        "Nguyễn Thị Lan sửa cam kết của Bộ Công an: ngày cam kết từ 31/10/2025 thành 30/11/2025."
    );
}

#[test]
fn unknown_kinds_still_read_as_words() {
    let e = ev(
        "indicator",
        2,
        "recalculate_all",
        json!({"indicator_id": 2, "due": "2025-12-31", "note": "lần 2", "nested": {"x": 1}}),
    );
    let s = vi(&e);
    assert_eq!(
        s,
        "Nguyễn Thị Lan thao tác “recalculate all” trên dữ liệu (hạn 31/12/2025, ghi chú “lần 2”)."
    );
    assert!(!s.contains('{') && !s.contains("indicator_id"));
    let t = ev("task", 1, "archive", json!({}));
    assert_eq!(en(&t), "Nguyễn Thị Lan did “archive” on the task.");
}

#[test]
fn raw_record_only_when_asked() {
    let e = ev(
        "progress_report",
        9,
        "accept",
        json!({"review_state": "accepted"}),
    );
    assert!(line(Lang::Vi, &e, &names(), false).raw.is_empty());
    assert!(
        line(Lang::Vi, &e, &names(), true)
            .raw
            .contains("review_state")
    );
}

#[test]
fn an_urging_letter_in_words() {
    let e = ev(
        "assignment",
        5,
        "urged",
        json!({"agency_id": 13, "letter_date": "2026-12-05", "finish_by": "2026-12-20",
               "due": "2026-11-23", "days_late": 12, "scope": "agency"}),
    );
    assert_eq!(
        vi(&e),
        "Nguyễn Thị Lan đôn đốc Bộ Công an bằng công văn ngày 05/12/2026 (trễ 12 ngày), đề nghị hoàn thành trước ngày 20/12/2026."
    );
    assert_eq!(
        en(&e),
        "Nguyễn Thị Lan urged Bộ Công an by a letter dated 05/12/2026 (12 days late), asking it to finish by 20/12/2026."
    );
}
