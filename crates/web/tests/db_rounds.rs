//! Database assessment rounds in the pages (issue 14 item 4), on both backends:
//! the office opens a round at `/co-so-du-lieu/dot` (errors by field), follows
//! the score computed so far, and publishes after a confirmation step; focal
//! points and viewers never see an open round's figures and cannot publish.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tiendo_service::dbquality::{AssessInput, DatabaseInput};

#[tokio::test]
async fn the_office_opens_follows_and_publishes_a_round_from_the_pages() {
    for (backend, service) in services().await {
        let system = service.system_actor();
        service
            .create_database(
                &system,
                &DatabaseInput {
                    code: "csdl-y-te-thu".into(),
                    name: "Cơ sở dữ liệu y tế thử".into(),
                    kind: "sectoral".into(),
                    owner: "Bộ Y tế".into(),
                    status: Some("operating".into()),
                    legal_basis: None,
                    notes: None,
                },
            )
            .await
            .expect("database");
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let mut focal = signed_in(&service, "daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let mut viewer = signed_in(&service, "xem", "viewer", None).await;

        // The list, with the form for the office only.
        let page = office.get("/co-so-du-lieu/dot").await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}] {}", page.body);
        assert!(page.body.contains("Mở đợt đánh giá mới"), "[{backend}]");
        let seen = viewer.get("/co-so-du-lieu/dot").await;
        assert_eq!(seen.status, StatusCode::OK, "[{backend}]");
        assert!(
            !seen.body.contains("Mở đợt đánh giá mới"),
            "[{backend}] no form for a viewer"
        );
        let csrf = page.csrf();

        // A name is required: 422, the message by its field.
        let bad = office
            .post(
                "/co-so-du-lieu/dot",
                &[
                    ("csrf", &csrf),
                    ("name", "  "),
                    ("replaces", ""),
                    ("reason", "giữ lại"),
                ],
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}] {}",
            bad.body
        );
        assert!(
            bad.body
                .contains("id=\"name-error\">Cần đặt tên cho đợt đánh giá.")
                && bad.body.contains("giữ lại"),
            "[{backend}] {}",
            bad.body
        );
        // A focal point cannot open a round.
        let fcsrf = focal.get("/co-so-du-lieu").await.csrf();
        let no = focal
            .post(
                "/co-so-du-lieu/dot",
                &[("csrf", &fcsrf), ("name", "Đợt của tôi")],
            )
            .await;
        assert_eq!(no.status, StatusCode::FORBIDDEN, "[{backend}]");

        let done = office
            .post(
                "/co-so-du-lieu/dot",
                &[
                    ("csrf", &csrf),
                    ("name", "Đợt 1 năm 2026"),
                    ("replaces", ""),
                    ("reason", ""),
                ],
            )
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            done.body
        );
        let href = done.location();
        let id: i64 = href
            .trim_start_matches("/co-so-du-lieu/dot/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .expect("round id");
        let again = office
            .post("/co-so-du-lieu/dot", &[("csrf", &csrf), ("name", "Đợt 2")])
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "[{backend}]");
        assert!(
            again.body.contains("Đang có một đợt đánh giá mở"),
            "[{backend}] {}",
            again.body
        );

        // The owner assesses itself: 4, 3, 2, 4, 1, 0 make 61.25.
        let owner = service.actor_named("daumoi.byt").await.expect("actor");
        let levels: tiendo_core::dbquality::Levels = serde_json::from_value(
            json!({"dung": 4, "du": 3, "sach": 2, "song": 4, "thong_nhat": 1, "dung_chung": 0}),
        )
        .unwrap();
        service
            .self_assess(
                &owner,
                id,
                &AssessInput {
                    database: "csdl-y-te-thu".into(),
                    levels,
                    note: None,
                },
            )
            .await
            .expect("self-assessment");

        // The office sees the score so far and the way to publish; readers do not.
        let round = office.get(&href).await;
        assert_eq!(round.status, StatusCode::OK, "[{backend}]");
        assert!(
            round.body.contains("Đã mở đợt đánh giá.")
                && round.body.contains("61,25")
                && round
                    .body
                    .contains("/co-so-du-lieu/csdl-y-te-thu/tham-dinh")
                && round
                    .body
                    .contains(&format!("/co-so-du-lieu/dot/{id}/cong-bo")),
            "[{backend}] {}",
            round.body
        );
        for (who, client) in [("viewer", &mut viewer), ("focal", &mut focal)] {
            let r = client.get(&format!("/co-so-du-lieu/dot/{id}")).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "[{backend}] {who}");
            assert!(
                !r.body.contains("61,25"),
                "[{backend}] {who} sees no figure"
            );
            let c = client
                .get(&format!("/co-so-du-lieu/dot/{id}/cong-bo"))
                .await;
            assert_eq!(c.status, StatusCode::FORBIDDEN, "[{backend}] {who}");
        }
        let p = focal
            .post(
                &format!("/co-so-du-lieu/dot/{id}/cong-bo"),
                &[("csrf", &fcsrf), ("confirm", "on")],
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "[{backend}]");

        // Publishing asks for the confirmation first.
        let confirm = office
            .get(&format!("/co-so-du-lieu/dot/{id}/cong-bo"))
            .await;
        assert_eq!(confirm.status, StatusCode::OK, "[{backend}]");
        assert!(
            confirm.body.contains("không thay đổi được nữa"),
            "[{backend}]"
        );
        let unticked = office
            .post(
                &format!("/co-so-du-lieu/dot/{id}/cong-bo"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(
            unticked.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        assert!(
            unticked.body.contains("Hãy đánh dấu ô xác nhận"),
            "[{backend}]"
        );
        assert!(
            office.get(&href).await.body.contains("Đang mở"),
            "[{backend}] still open after the refusal"
        );
        let published = office
            .post(
                &format!("/co-so-du-lieu/dot/{id}/cong-bo"),
                &[("csrf", &csrf), ("confirm", "on")],
            )
            .await;
        assert_eq!(
            published.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            published.body
        );
        let shown = viewer.get(&format!("/co-so-du-lieu/dot/{id}")).await;
        assert_eq!(shown.status, StatusCode::OK, "[{backend}]");
        assert!(
            shown.body.contains("Đã công bố") && shown.body.contains("61,25"),
            "[{backend}] the published ranking is for everyone: {}",
            shown.body
        );
        let twice = office
            .post(
                &format!("/co-so-du-lieu/dot/{id}/cong-bo"),
                &[("csrf", &csrf), ("confirm", "on")],
            )
            .await;
        assert_eq!(twice.status, StatusCode::CONFLICT, "[{backend}]");
        assert!(
            twice.body.contains("đã công bố"),
            "[{backend}] {}",
            twice.body
        );

        // A correction must say why.
        let rid = id.to_string();
        let corr = office
            .post(
                "/co-so-du-lieu/dot",
                &[
                    ("csrf", &csrf),
                    ("name", "Đính chính đợt 1"),
                    ("replaces", &rid),
                    ("reason", ""),
                ],
            )
            .await;
        assert_eq!(corr.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            corr.body
                .contains("id=\"reason-error\">Đợt đính chính cần ghi lý do đính chính."),
            "[{backend}] {}",
            corr.body
        );
    }
}
