//! The office manages the agency register from the pages (issue 14.4): a new
//! agency with aliases, a parent typed without accents and a group; an edit;
//! errors by field (unknown parent with the closest name, a name already
//! taken); a merge with its confirmation step, after which the merged agency
//! has its last day and successor, leaves the current list, and a new task
//! naming it is assigned to the successor; focal points and viewers get 403
//! on every route, GET and POST. Both backends.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tiendo_service::Service;

const OFFICE: &str = "vp.coquan";

fn form<'a>(csrf: &'a str, with: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("csrf", csrf),
        ("name", "Cục Dữ liệu quốc gia thử nghiệm"),
        ("code", ""),
        ("short_name", "CDLQG"),
        ("kind", "government_agency"),
        ("aliases", "Cục Dữ liệu thử\nCDL thử nghiệm"),
        ("parent", "bo cong an"),
        ("groups", "bo-nganh"),
    ];
    for (k, v) in with {
        f.retain(|(key, _)| key != k);
        f.push((k, v));
    }
    f
}

fn id_of(location: &str) -> i64 {
    location
        .trim_start_matches("/co-quan/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .expect("id")
}

#[tokio::test]
async fn the_office_adds_and_edits_an_agency_with_errors_by_field() {
    for (backend, service) in services().await {
        let mut office = signed_in(&service, OFFICE, "admin", None).await;
        let list = office.get("/co-quan").await;
        assert!(list.body.contains("id=\"new-agency\""), "[{backend}]");
        let page = office.get("/co-quan/moi").await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}] {}", page.body);
        let csrf = page.csrf();
        let bad = office
            .post(
                "/co-quan/moi",
                &form(&csrf, &[("parent", "Bo Cong Ann"), ("kind", "")]),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            bad.body
                .contains("Không có cơ quan “Bo Cong Ann” trong danh mục."),
            "[{backend}] {}",
            bad.body
        );
        assert!(bad.body.contains("id=\"kind-error\""), "[{backend}]");
        assert!(
            bad.body.contains("CDL thử nghiệm"),
            "[{backend}] aliases kept"
        );
        let taken = office
            .post(
                "/co-quan/moi",
                &form(&csrf, &[("name", "bộ y tế"), ("code", "cuc-thu-ten")]),
            )
            .await;
        assert_eq!(
            taken.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        assert!(
            taken.body.contains("Đã có cơ quan mang tên này"),
            "[{backend}] {}",
            taken.body
        );

        let made = office.post("/co-quan/moi", &form(&csrf, &[])).await;
        assert_eq!(
            made.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            made.body
        );
        let id = id_of(&made.location());
        let a = service.get_agency(id).await.unwrap();
        assert_eq!(
            a.aliases,
            vec!["Cục Dữ liệu thử", "CDL thử nghiệm"],
            "[{backend}]"
        );
        assert_eq!(a.groups, vec!["bo-nganh"]);
        let bca = service.resolve_agency("x", "Bộ Công an", None).unwrap();
        assert_eq!(
            a.parent_id,
            Some(bca.id),
            "[{backend}] parent found without accents"
        );
        assert_eq!(a.code, "cuc-du-lieu-quoc-gia-thu-nghiem");
        // Its alias now finds it.
        assert_eq!(
            service
                .resolve_agency("x", "CDL thử nghiệm", None)
                .unwrap()
                .id,
            id
        );

        let card = office.get(&made.location()).await;
        assert!(card.body.contains("Đã thêm cơ quan."), "[{backend}]");
        assert!(card.body.contains("id=\"edit-agency\""), "[{backend}]");
        let edit = office.get(&format!("/co-quan/{id}/sua")).await;
        assert_eq!(edit.status, StatusCode::OK, "[{backend}]");
        assert!(
            edit.body.contains("Bộ Công an"),
            "[{backend}] the parent shown"
        );
        let saved = office
            .post(
                &format!("/co-quan/{id}/sua"),
                &form(
                    &csrf,
                    &[
                        ("name", "Cục Dữ liệu quốc gia (thử)"),
                        ("aliases", "CDLQG thử"),
                        ("parent", ""),
                    ],
                ),
            )
            .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            saved.body
        );
        let a = service.get_agency(id).await.unwrap();
        assert_eq!(a.name, "Cục Dữ liệu quốc gia (thử)", "[{backend}]");
        assert_eq!(a.aliases, vec!["CDLQG thử"]);
        assert_eq!(a.parent_id, None);
        let self_parent = office
            .post(
                &format!("/co-quan/{id}/sua"),
                &form(
                    &csrf,
                    &[
                        ("name", "Cục Dữ liệu quốc gia (thử)"),
                        ("parent", "CDLQG thử"),
                    ],
                ),
            )
            .await;
        assert_eq!(
            self_parent.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        assert!(
            self_parent.body.contains("id=\"parent-error\""),
            "[{backend}]"
        );
    }
}

#[tokio::test]
async fn the_office_merges_an_agency_after_a_confirmation() {
    for (backend, service) in services().await {
        let mut office = signed_in(&service, OFFICE, "admin", None).await;
        let csrf = office.get("/co-quan/moi").await.csrf();
        let made = office
            .post(
                "/co-quan/moi",
                &form(
                    &csrf,
                    &[
                        ("name", "Sở Thử nghiệm Sáp nhập"),
                        ("aliases", "STNSN"),
                        ("parent", ""),
                    ],
                ),
            )
            .await;
        assert_eq!(
            made.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            made.body
        );
        let id = id_of(&made.location());
        let card = office.get(&format!("/co-quan/{id}")).await;
        assert!(card.body.contains("id=\"merge-agency\""), "[{backend}]");
        let path = format!("/co-quan/{id}/sap-nhap");
        assert_eq!(
            office.get(&path).await.status,
            StatusCode::OK,
            "[{backend}]"
        );

        let bad = office
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("successor", "Bộ Y tết"),
                    ("date", "1/1/1"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            bad.body.contains("id=\"successor-error\"") && bad.body.contains("id=\"date-error\""),
            "[{backend}] {}",
            bad.body
        );

        let step = office
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("successor", "bo y te"),
                    ("date", "01/12/2026"),
                ],
            )
            .await;
        assert_eq!(step.status, StatusCode::OK, "[{backend}] {}", step.body);
        assert!(
            step.body.contains("id=\"merge-confirm-form\""),
            "[{backend}]"
        );
        assert!(
            step.body
                .contains("đầu mối của Bộ Y tế không tự thấy chúng"),
            "[{backend}] the truth about open assignments: {}",
            step.body
        );
        assert!(
            step.body.contains("hoạt động đến hết ngày 30/11/2026"),
            "[{backend}]"
        );
        assert_eq!(
            service.get_agency(id).await.unwrap().valid_to,
            None,
            "[{backend}] nothing yet"
        );

        let done = office
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("successor", "Bộ Y tế"),
                    ("date", "01/12/2026"),
                    ("confirm", "1"),
                ],
            )
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            done.body
        );
        let a = service.get_agency(id).await.unwrap();
        let byt = service.resolve_agency("x", "Bộ Y tế", None).unwrap();
        assert_eq!(
            a.valid_to.map(|d| d.to_string()).as_deref(),
            Some("2026-11-30"),
            "[{backend}]"
        );
        assert_eq!(a.successor_id, Some(byt.id));
        let card = office.get(&done.location()).await;
        assert!(
            card.body.contains("công việc do Bộ Y tế tiếp nhận"),
            "[{backend}] {}",
            card.body
        );
        assert!(!card.body.contains("id=\"merge-agency\""), "[{backend}]");
        let list = office.get("/co-quan?q=thu+nghiem+sap+nhap").await;
        assert!(
            !list.body.contains("Sở Thử nghiệm Sáp nhập"),
            "[{backend}] not current"
        );
        assert_eq!(
            office.get(&path).await.status,
            StatusCode::CONFLICT,
            "[{backend}] merged already"
        );

        // A task naming the merged agency goes to its successor.
        let doc: tiendo_service::input::DocumentInput = serde_json::from_value(json!({
            "number": "51/TB-VPCP", "kind": "Thông báo", "title": "Thử", "issued_on": "2026-12-02"
        }))
        .unwrap();
        let doc = service
            .create_document(&service.system_actor(), &doc)
            .await
            .unwrap();
        let input: tiendo_service::input::TaskInput = serde_json::from_value(json!({
            "document_id": doc.id, "text": "Việc của sở đã sáp nhập", "lead": ["Sở Thử nghiệm Sáp nhập"],
            "deadline": {"kind": "none"}
        }))
        .unwrap();
        let t = service
            .create_task(&service.system_actor(), &input)
            .await
            .unwrap();
        let list = assignments_of(&service, t.id).await;
        assert_eq!(list[0].agency_id, byt.id, "[{backend}]");
    }
}

async fn some_agency(service: &Service) -> i64 {
    service
        .resolve_agency("x", "Bộ Tài chính", None)
        .unwrap()
        .id
}

#[tokio::test]
async fn focal_points_and_viewers_get_403_on_the_agency_routes() {
    for (backend, service) in services().await {
        let id = some_agency(&service).await;
        let own = service.resolve_agency("x", "Bộ Y tế", None).unwrap().id;
        let focal = signed_in(&service, "dm.byt.cq", "focal", Some("Bộ Y tế")).await;
        let viewer = signed_in(&service, "ld.cq", "viewer", None).await;
        for (who, mut c) in [("focal", focal), ("viewer", viewer)] {
            let page = c.get(&format!("/co-quan/{own}")).await;
            assert_eq!(page.status, StatusCode::OK, "[{backend}] {who}");
            assert!(
                !page.body.contains("id=\"edit-agency\""),
                "[{backend}] {who}"
            );
            let csrf = page.csrf();
            for target in [id, own] {
                for path in [
                    "/co-quan/moi".to_string(),
                    format!("/co-quan/{target}/sua"),
                    format!("/co-quan/{target}/sap-nhap"),
                ] {
                    assert_eq!(
                        c.get(&path).await.status,
                        StatusCode::FORBIDDEN,
                        "[{backend}] {who} GET {path}"
                    );
                    let p = c
                        .post(
                            &path,
                            &form(
                                &csrf,
                                &[
                                    ("successor", "Bộ Y tế"),
                                    ("date", "01/12/2026"),
                                    ("confirm", "1"),
                                ],
                            ),
                        )
                        .await;
                    assert_eq!(
                        p.status,
                        StatusCode::FORBIDDEN,
                        "[{backend}] {who} POST {path}"
                    );
                }
            }
        }
        let a = service.get_agency(id).await.unwrap();
        assert_eq!(a.name, "Bộ Tài chính", "[{backend}] unchanged");
        assert_eq!(a.valid_to, None);
        assert!(
            service
                .resolve_agency("x", "Cục Dữ liệu quốc gia thử nghiệm", None)
                .is_err()
        );
    }
}
