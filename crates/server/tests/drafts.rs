//! Import after review: a notice read into proposed tasks, edited, dropped,
//! confirmed; re-importing adds nothing twice; restated tasks are flagged.

mod common;

use axum::http::StatusCode;
use serde_json::{Value, json};

use common::{Api, apis};
use tiendo_core::text::fold;

const NOTICE_624: &str = include_str!("../../../data/corpus/624-TB-VPCP_2025-11-16.txt");

#[tokio::test]
async fn a_notice_becomes_drafts_then_tasks_without_duplicates() {
    for api in apis().await {
        let admin = api.user("vp", "admin", None).await;
        let viewer = api.user("xem", "viewer", None).await;
        let (s, _) = api
            .call(
                "POST",
                "/api/v1/documents/import",
                Some(&viewer),
                Some(json!({"text": NOTICE_624})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, imported) = api
            .call(
                "POST",
                "/api/v1/documents/import",
                Some(&admin),
                Some(json!({"text": NOTICE_624})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{}] {imported}", api.backend);
        assert_eq!(imported["document"]["number"], "624/TB-VPCP");
        assert_eq!(imported["document"]["issued_on"], "2025-11-16");
        let drafts = imported["drafts"].as_array().unwrap().clone();
        assert!(drafts.len() >= 30, "{}", drafts.len());
        for d in &drafts {
            let passage = d["passage"].as_str().unwrap();
            assert!(
                passage.starts_with(d["first_words"].as_str().unwrap()),
                "the draft's first words open the passage: {d}"
            );
            // Its text is the whole passage (less the words that hand it over).
            let text = d["text"].as_str().unwrap();
            assert!(fold(passage).contains(&fold(text)), "{d}");
            assert!(
                text.chars().count() >= d["first_words"].as_str().unwrap().chars().count() - 20,
                "{d}"
            );
            let c = d["confidence"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&c), "{d}");
            assert!(d["doubts"].is_array() && d["parties"].is_array(), "{d}");
        }
        // A long sentence of 624 is whole, not its first words.
        let health = drafts
            .iter()
            .find(|d| {
                d["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("Bộ Y tế xây dựng, trình cấp")
            })
            .expect("III.5 Bộ Y tế");
        assert!(
            health["text"]
                .as_str()
                .unwrap()
                .contains("giai đoạn 2026 - 2030"),
            "{health}"
        );
        assert!(
            drafts
                .iter()
                .any(|d| !d["doubts"].as_array().unwrap().is_empty()),
            "some proposals are doubtful"
        );
        let doc = imported["document"]["id"].as_i64().unwrap();
        // Importing the same notice again proposes nothing new.
        let (s, again) = api
            .call(
                "POST",
                "/api/v1/documents/import",
                Some(&admin),
                Some(json!({"text": NOTICE_624})),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(again["drafts_created"], 0);
        assert_eq!(again["drafts"].as_array().unwrap().len(), drafts.len());
        // Edit one (its deadline), drop one, merge two, confirm the rest.
        let first = drafts[0]["id"].as_i64().unwrap();
        let (s, edited) = api
            .call("PATCH", &format!("/api/v1/drafts/{first}"), Some(&admin), Some(json!({"deadline": {"kind": "date", "due": "2025-11-30", "raw": "trước ngày 30/11/2025"}})))
            .await;
        assert_eq!(s, StatusCode::OK, "{edited}");
        assert_eq!(edited["deadline"]["due"], "2025-11-30");
        let second = drafts[1]["id"].as_i64().unwrap();
        let (s, _) = api
            .call(
                "PATCH",
                &format!("/api/v1/drafts/{second}"),
                Some(&admin),
                Some(json!({"dropped": true})),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (third, fourth) = (
            drafts[2]["id"].as_i64().unwrap(),
            drafts[3]["id"].as_i64().unwrap(),
        );
        let (s, merged) = api
            .call(
                "POST",
                &format!("/api/v1/drafts/{fourth}/merge"),
                Some(&admin),
                Some(json!({"into": third})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{merged}");
        let (s, bad) = api
            .call(
                "PATCH",
                &format!("/api/v1/drafts/{first}"),
                Some(&admin),
                Some(json!({"deadline": {"kind": "date"}})),
            )
            .await;
        assert_eq!(
            (s, bad["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline"))
        );
        let (s, confirmed) = api
            .call(
                "POST",
                &format!("/api/v1/documents/{doc}/drafts/confirm"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{}] {confirmed}", api.backend);
        let created = confirmed["task_ids"].as_array().unwrap().len();
        assert_eq!(created, drafts.len() - 2, "one dropped, one merged away");
        let tasks = api
            .get(
                &format!("/api/v1/tasks?document={doc}&per_page=100"),
                &admin,
            )
            .await;
        assert_eq!(tasks["total"].as_u64().unwrap() as usize, created);
        let with_edit = tasks["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["text"] == drafts[0]["text"])
            .unwrap();
        assert_eq!(with_edit["deadline"]["due"], "2025-11-30");
        // Confirmed tasks have their assignments: a group becomes one per agency.
        let group_task = tasks["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["lead"][0]["code"] == "@dia-phuong");
        if let Some(t) = group_task {
            assert!(t["assignment_count"].as_i64().unwrap() >= 34, "{t}");
        }
        // A third import still adds nothing: the tasks are known.
        let (_, third_import) = api
            .call(
                "POST",
                "/api/v1/documents/import",
                Some(&admin),
                Some(json!({"text": NOTICE_624})),
            )
            .await;
        assert_eq!(third_import["drafts_created"], 0);
        // A later notice restating a task of 624 is flagged as a likely repeat.
        let restated = "Số: 700/TB-VPCP\nHà Nội, ngày 20 tháng 12 năm 2025\nTHÔNG BÁO\nKẾT LUẬN CUỘC HỌP\n\
            1. Bộ Y tế xây dựng, trình cấp có thẩm quyền phê duyệt Kế hoạch triển khai Sổ sức khỏe điện tử và bệnh án điện tử phạm vi toàn quốc giai đoạn 2026 - 2030, hoàn thành trong tháng 01 năm 2026.\n";
        let (s, later) = api
            .call(
                "POST",
                "/api/v1/documents/import",
                Some(&admin),
                Some(json!({"text": restated})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{later}");
        let d: &Value = &later["drafts"][0];
        let original = tasks["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| {
                t["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("Bộ Y tế xây dựng, trình cấp")
            })
            .unwrap();
        assert_eq!(d["repeat_of"], original["id"], "[{}] {d}", api.backend);
        assert!(
            d["repeat_of_text"]
                .as_str()
                .unwrap()
                .contains("624/TB-VPCP")
        );
        // Nothing confirmed twice.
        let (s, _) = api
            .call(
                "POST",
                &format!("/api/v1/drafts/{first}/confirm"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
    }
}

/// A notice of a ministry giving work to two of its own departments (Cục).
const MINISTRY_NOTICE: &str = "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG\nSố: 120/TB-BNNMT\nHà Nội, ngày 10 tháng 10 năm 2025\nTHÔNG BÁO\n\
    Kết luận của Bộ trưởng tại cuộc họp về chuyển đổi số\n\
    1. Cục Biến đổi khí hậu chủ trì, phối hợp với Cục Chuyển đổi số xây dựng cơ sở dữ liệu quốc gia về phát thải khí nhà kính, hoàn thành trước ngày 30 tháng 11 năm 2025.\n\
    2. Bộ Tài chính bố trí kinh phí cho cơ sở dữ liệu về biến đổi khí hậu, hoàn thành trong quý IV năm 2025.\n";

/// A 2024 notice naming a ministry merged on 01/03/2025.
const NOTICE_2024: &str = "VĂN PHÒNG CHÍNH PHỦ\nSố: 450/TB-VPCP\nHà Nội, ngày 15 tháng 10 năm 2024\nTHÔNG BÁO\n\
    Kết luận của Phó Thủ tướng tại cuộc họp về chuyển đổi số\n\
    1. Bộ Thông tin và Truyền thông chủ trì, phối hợp với Bộ Công an xây dựng Khung kiến trúc Chính phủ điện tử phiên bản 4.0, hoàn thành trước ngày 31 tháng 12 năm 2024.\n";

/// A conference report that names no issuing agency, giving work to a province's
/// departments (Sở).
fn conference(day: u32) -> String {
    format!(
        "Hội nghị triển khai chuyển đổi số\nNgày {day} tháng 10 năm 2025, tại hội nghị, đồng chí Chủ tịch kết luận:\n\
         1. Sở Tài chính chủ trì, phối hợp với Sở Khoa học và Công nghệ tham mưu bố trí kinh phí chuyển đổi số năm 2026, hoàn thành trước ngày 30 tháng 11 năm 2025.\n"
    )
}

async fn import(api: &Api, token: &str, text: &str) -> Value {
    let (s, imported) = api
        .call(
            "POST",
            "/api/v1/documents/import",
            Some(token),
            Some(json!({"text": text})),
        )
        .await;
    assert!(s.is_success(), "[{}] {imported}", api.backend);
    imported
}

fn party<'a>(draft: &'a Value, role: &str, index: usize) -> &'a Value {
    draft["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["role"] == role && p["index"] == index)
        .unwrap_or_else(|| panic!("no {role}[{index}] in {draft}"))
}

async fn agencies_named(api: &Api, token: &str, name: &str) -> Vec<Value> {
    let page = api
        .get(
            &format!(
                "/api/v1/agencies?per_page=500&q={}",
                fold(name).replace(' ', "%20")
            ),
            token,
        )
        .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["name"] == name)
        .cloned()
        .collect()
}

#[tokio::test]
async fn units_outside_the_register_join_it_under_the_issuer_on_confirmation() {
    for api in apis().await {
        let admin = api.user("vp", "admin", None).await;
        let imported = import(&api, &admin, MINISTRY_NOTICE).await;
        let d = &imported["drafts"][0];
        assert_eq!(d["lead"], json!(["Cục Biến đổi khí hậu"]), "{d}");
        assert!(
            d["doubts"]
                .as_array()
                .unwrap()
                .contains(&json!("unknown_unit"))
        );
        // The review says where each body stands before anything is written.
        let lead = party(d, "lead", 0);
        assert_eq!(lead["state"], "new", "{d}");
        assert_eq!(lead["parent"], "Bộ Nông nghiệp và Môi trường");
        assert_eq!(lead["kind"], "other");
        assert_eq!(party(d, "coord", 0)["state"], "new");
        assert_eq!(party(&imported["drafts"][1], "lead", 0)["state"], "known");
        assert!(
            agencies_named(&api, &admin, "Cục Biến đổi khí hậu")
                .await
                .is_empty()
        );
        let id = d["id"].as_i64().unwrap();
        // No half-done write: a task that cannot be stored (no such document) takes
        // the unit added before it in the same transaction with it.
        let unit = tiendo_store::NewAgency {
            code: "bo-nnmt-cuc-thu".into(),
            kind: "other".into(),
            name: "Cục Thử".into(),
            short_name: None,
            bare: None,
            aliases: vec![],
            groups: vec![],
            valid_from: None,
            valid_to: None,
            successor_code: None,
            parent_code: Some("bo-nnmt".into()),
        };
        let broken = tiendo_store::NewTask {
            document_id: 987_654_321,
            ref_: None,
            text: "Việc thử".into(),
            product: None,
            field: None,
            priority: 2,
            deadline: tiendo_core::deadline::Deadline::from_parts("none", None, String::new())
                .unwrap(),
            lead: vec![tiendo_core::model::PartyRef {
                agency_id: None,
                code: unit.code.clone(),
                name: unit.name.clone(),
            }],
            coord: vec![],
            leader: None,
            source_citation: None,
            assignees: vec![],
        };
        let failed = api
            .service
            .store
            .confirm_draft(
                id,
                &broken,
                std::slice::from_ref(&unit),
                &tiendo_store::Stamp::now(None),
            )
            .await;
        assert!(failed.is_err(), "[{}]", api.backend);
        assert!(
            agencies_named(&api, &admin, "Cục Thử").await.is_empty(),
            "[{}]",
            api.backend
        );
        // Confirmed: the task, the two units, their assignments and history at once.
        let (s, task) = api
            .call(
                "POST",
                &format!("/api/v1/drafts/{id}/confirm"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{}] {task}", api.backend);
        assert!(
            task["text"].as_str().unwrap().ends_with(
                "về phát thải khí nhà kính, hoàn thành trước ngày 30 tháng 11 năm 2025."
            ),
            "{task}"
        );
        let ministry = agencies_named(&api, &admin, "Bộ Nông nghiệp và Môi trường").await;
        let unit = agencies_named(&api, &admin, "Cục Biến đổi khí hậu").await;
        assert_eq!(unit.len(), 1, "[{}] {unit:?}", api.backend);
        assert_eq!(unit[0]["parent_id"], ministry[0]["id"]);
        assert_eq!(unit[0]["kind"], "other");
        let coord = agencies_named(&api, &admin, "Cục Chuyển đổi số").await;
        assert_eq!(coord.len(), 1);
        assert_eq!(task["lead"][0]["agency_id"], unit[0]["id"], "{task}");
        assert_eq!(task["coord"][0]["agency_id"], coord[0]["id"], "{task}");
        assert_eq!(task["assignment_count"], 1);
        let assignments = api
            .get(&format!("/api/v1/assignments?task={}", task["id"]), &admin)
            .await;
        assert_eq!(assignments["items"][0]["agency_id"], unit[0]["id"]);
        let events = api
            .get(
                &format!("/api/v1/events?entity=agency&entity_id={}", unit[0]["id"]),
                &admin,
            )
            .await;
        let created = &events["items"][0];
        assert_eq!(created["action"], "create", "{events}");
        assert_eq!(created["changes"]["from"]["draft"], id);
        assert_eq!(created["changes"]["parent"], ministry[0]["code"]);
        // A later notice of the ministry names the unit again: it is known now, and
        // is not added twice.
        let later = MINISTRY_NOTICE
            .replace("120/TB-BNNMT", "130/TB-BNNMT")
            .replace("ngày 10 tháng 10", "ngày 20 tháng 10");
        let again = import(&api, &admin, &later).await;
        let d2 = &again["drafts"][0];
        assert_eq!(party(d2, "lead", 0)["state"], "known", "{d2}");
        let id2 = d2["id"].as_i64().unwrap();
        let (s, task2) = api
            .call(
                "POST",
                &format!("/api/v1/drafts/{id2}/confirm"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{task2}");
        assert_eq!(task2["lead"][0]["agency_id"], unit[0]["id"]);
        assert_eq!(
            agencies_named(&api, &admin, "Cục Biến đổi khí hậu")
                .await
                .len(),
            1
        );
    }
}

#[tokio::test]
async fn a_unit_of_a_document_without_issuer_waits_for_its_parent() {
    for api in apis().await {
        let admin = api.user("vp", "admin", None).await;
        let imported = import(&api, &admin, &conference(20)).await;
        assert_eq!(imported["document"]["issuer"], Value::Null);
        let d = &imported["drafts"][0];
        assert_eq!(party(d, "lead", 0)["state"], "needs_parent", "{d}");
        assert_eq!(party(d, "lead", 0)["unit_kind"], "department");
        let id = d["id"].as_i64().unwrap();
        let (s, err) = api
            .call(
                "POST",
                &format!("/api/v1/drafts/{id}/confirm"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}] {err}",
            api.backend
        );
        assert_eq!(err["field"], "lead[0]");
        let message = err["error"].as_str().unwrap();
        assert!(
            message.contains("'Sở Tài chính'") && message.contains("unit_parent"),
            "{message}"
        );
        // Nothing was written: no task, no agency.
        assert!(
            agencies_named(&api, &admin, "Sở Tài chính")
                .await
                .is_empty()
        );
        let doc = imported["document"]["id"].as_i64().unwrap();
        let tasks = api
            .get(&format!("/api/v1/tasks?document={doc}"), &admin)
            .await;
        assert_eq!(tasks["total"], 0);
        // A parent the register does not know is refused by name.
        let (s, bad) = api
            .call(
                "PATCH",
                &format!("/api/v1/drafts/{id}"),
                Some(&admin),
                Some(json!({"unit_parent": "Tỉnh Không Có"})),
            )
            .await;
        assert_eq!(
            (s, bad["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("unit_parent"))
        );
        // The reviewer picks the province; the draft says where the units will go.
        let (s, edited) = api
            .call(
                "PATCH",
                &format!("/api/v1/drafts/{id}"),
                Some(&admin),
                Some(json!({"unit_parent": "Ủy ban nhân dân tỉnh Lào Cai"})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{edited}");
        assert_eq!(edited["unit_parent_name"], "Ủy ban nhân dân tỉnh Lào Cai");
        assert_eq!(party(&edited, "lead", 0)["state"], "new");
        assert_eq!(
            party(&edited, "lead", 0)["parent"],
            "Ủy ban nhân dân tỉnh Lào Cai"
        );
        let (s, task) = api
            .call(
                "POST",
                &format!("/api/v1/drafts/{id}/confirm"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{task}");
        // Another province's "Sở Tài chính" is another body.
        let other = import(&api, &admin, &conference(21)).await;
        let id2 = other["drafts"][0]["id"].as_i64().unwrap();
        let (s, _) = api
            .call(
                "PATCH",
                &format!("/api/v1/drafts/{id2}"),
                Some(&admin),
                Some(json!({"unit_parent": "Ủy ban nhân dân Thành phố Hà Nội"})),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, task2) = api
            .call(
                "POST",
                &format!("/api/v1/drafts/{id2}/confirm"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{task2}");
        let units = agencies_named(&api, &admin, "Sở Tài chính").await;
        assert_eq!(units.len(), 2, "[{}] {units:?}", api.backend);
        assert_ne!(units[0]["parent_id"], units[1]["parent_id"]);
        assert_ne!(task["lead"][0]["agency_id"], task2["lead"][0]["agency_id"]);
    }
}

#[tokio::test]
async fn a_merged_agency_is_shown_with_its_successor_which_gets_the_work() {
    for api in apis().await {
        let admin = api.user("vp", "admin", None).await;
        let imported = import(&api, &admin, NOTICE_2024).await;
        let d = &imported["drafts"][0];
        assert_eq!(d["lead"], json!(["Bộ Thông tin và Truyền thông"]), "{d}");
        let lead = party(d, "lead", 0);
        assert_eq!(lead["state"], "renamed", "{d}");
        assert_eq!(lead["agency"], "Bộ Thông tin và Truyền thông");
        assert_eq!(lead["today"], "Bộ Khoa học và Công nghệ");
        assert_eq!(party(d, "coord", 0)["state"], "known");
        let id = d["id"].as_i64().unwrap();
        let (s, task) = api
            .call(
                "POST",
                &format!("/api/v1/drafts/{id}/confirm"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{}] {task}", api.backend);
        // The task keeps the document's words; the work goes to today's ministry.
        assert_eq!(task["lead"][0]["name"], "Bộ Thông tin và Truyền thông");
        let khcn = agencies_named(&api, &admin, "Bộ Khoa học và Công nghệ").await;
        let assignments = api
            .get(&format!("/api/v1/assignments?task={}", task["id"]), &admin)
            .await;
        assert_eq!(assignments["total"], 1);
        assert_eq!(assignments["items"][0]["agency_id"], khcn[0]["id"]);
    }
}

#[tokio::test]
async fn no_draft_without_words_of_a_task() {
    for api in apis().await {
        let admin = api.user("vp", "admin", None).await;
        let actor = api.service.authenticate(&admin).await.expect("signed in");
        // What an extractor might give for a notice's closing formula: a passage
        // with no words of a task once "./." is dropped.
        let extraction: tiendo_extract::Extraction = serde_json::from_value(json!({
            "document": {"number": "451/TB-VPCP", "kind": "Thông báo", "date": "2025-10-15", "issuer": "Văn phòng Chính phủ", "title": "Kết luận"},
            "tasks": [
                {"ref": "1", "text": "Bộ Y tế hoàn thiện cơ sở dữ liệu", "full_text": "Bộ Y tế hoàn thiện cơ sở dữ liệu y tế.", "lead": ["Bộ Y tế"], "coord": [],
                 "deadline": {"kind": "none", "due": null, "raw": ""}, "product": null, "span": [0, 0], "six_clear": [], "confidence": 0.9, "doubts": ["no_deadline"]},
                {"ref": "2", "text": "./.", "full_text": "", "lead": ["Bộ Y tế"], "coord": [],
                 "deadline": {"kind": "none", "due": null, "raw": ""}, "product": null, "span": [0, 0], "six_clear": [], "confidence": 0.3, "doubts": ["no_verb"]}
            ]
        }))
        .expect("an extraction");
        let imported = api
            .service
            .import_document(&actor, extraction)
            .await
            .expect("imported");
        assert_eq!(imported.drafts_created, 1, "[{}]", api.backend);
        assert_eq!(
            imported.drafts[0].text,
            "Bộ Y tế hoàn thiện cơ sở dữ liệu y tế."
        );
        assert_eq!(imported.drafts[0].confidence, Some(0.9));
        assert_eq!(imported.drafts[0].doubts, vec!["no_deadline"]);
        assert!(
            imported.warnings.iter().any(|w| w.starts_with("2: ")),
            "{:?}",
            imported.warnings
        );
    }
}
