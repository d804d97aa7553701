//! The review page of imported documents (issue 12): the most doubtful proposals
//! first, with their confidence and reasons for doubt in words, and what the
//! register makes of each agency they name; a body outside the register joins it
//! on confirmation, under the agency the reviewer picks when the document names
//! no issuer.

mod common;

use axum::http::StatusCode;
use common::*;
use tiendo_core::policy::{Actor, Role};

const NOTICE_624: &str = include_str!("../../../data/corpus/624-TB-VPCP_2025-11-16.txt");

fn office() -> Actor {
    Actor {
        user_id: 0,
        username: "test".into(),
        role: Role::Admin,
        agency_id: None,
    }
}

/// The ids of the drafts in the order the page shows them.
fn shown_order(html: &str) -> Vec<i64> {
    html.match_indices("<article class=\"card draft ")
        .filter_map(|(i, _)| {
            let tag = &html[i..i + html[i..].find('>')?];
            tag_attr(tag, "id")?.trim_start_matches('d').parse().ok()
        })
        .collect()
}

#[tokio::test]
async fn the_most_doubtful_proposals_come_first_with_their_reasons_in_words() {
    for (backend, service) in services().await {
        let imported = service
            .import_document_text(&office(), NOTICE_624)
            .await
            .expect("imported");
        let doc = imported.document.id;
        let drafts = imported.drafts;
        let mut c = signed_in(&service, "vanphong", "admin", None).await;
        let page = c.get(&format!("/van-ban/{doc}/du-thao")).await;
        assert_eq!(page.status, StatusCode::OK);
        let order = shown_order(&page.body);
        assert_eq!(order.len(), drafts.len(), "[{backend}]");
        let confidence = |id: i64| {
            drafts
                .iter()
                .find(|d| d.id == id)
                .and_then(|d| d.confidence)
                .unwrap()
        };
        for pair in order.windows(2) {
            assert!(
                confidence(pair[0]) <= confidence(pair[1]),
                "[{backend}] {order:?}"
            );
        }
        let least = drafts
            .iter()
            .map(|d| d.confidence.unwrap())
            .fold(1.0, f64::min);
        assert!(least < 1.0, "[{backend}] some proposal of 624 is doubtful");
        assert_eq!(confidence(order[0]), least);
        // The confidence and every reason for doubt, in Vietnamese words.
        assert!(page.body.contains("Độ tin cậy khi đọc:"));
        let first = drafts.iter().find(|d| d.id == order[0]).unwrap();
        assert!(!first.doubts.is_empty(), "[{backend}] {:?}", first);
        let section = &page.body[page.body.find(&format!("id=\"d{}\"", first.id)).unwrap()..];
        let section = &section[..section.find("</article>").unwrap()];
        assert!(
            section.contains(&format!("{}%", (first.confidence.unwrap() * 100.0).round())),
            "[{backend}] {section}"
        );
        for code in &first.doubts {
            assert!(!section.contains(&format!("<li>{code}</li>")), "{section}");
        }
        let words = [
            (
                "lead_inherited",
                "cơ quan chủ trì lấy từ đề mục/nơi nhận, không nêu trong câu",
            ),
            ("unknown_unit", "đơn vị chưa có trong danh mục"),
            (
                "deadline_unread",
                "có thời hạn trong câu nhưng chưa đọc được",
            ),
            ("no_verb", "không thấy động từ giao việc"),
        ];
        for (code, vi) in words {
            if drafts
                .iter()
                .any(|d| d.state == "proposed" && d.doubts.iter().any(|x| x == code))
            {
                assert!(page.body.contains(vi), "[{backend}] {code}");
            }
        }
        assert!(
            drafts.iter().any(|d| !d.doubts.is_empty()),
            "[{backend}] no doubts at all"
        );
        // And in English.
        let en = c.get(&format!("/van-ban/{doc}/du-thao?lang=en")).await;
        assert!(en.body.contains("Reading confidence:"));
        assert!(!en.body.contains("Độ tin cậy khi đọc:"));
        if drafts
            .iter()
            .any(|d| d.doubts.iter().any(|x| x == "lead_inherited"))
        {
            assert!(
                en.body
                    .contains("the lead agency comes from the heading or the addressees")
            );
        }
        // Each agency named, with what the register makes of it.
        assert!(
            page.body.contains("Chủ trì: Bộ Y tế — có trong danh mục"),
            "[{backend}]"
        );
    }
}

#[tokio::test]
async fn a_body_outside_the_register_joins_it_under_the_agency_the_reviewer_picks() {
    for (backend, service) in services().await {
        let conference = "Hội nghị triển khai chuyển đổi số\nNgày 20 tháng 10 năm 2025, tại hội nghị, đồng chí Chủ tịch kết luận:\n\
            1. Sở Tài chính chủ trì, phối hợp với Sở Khoa học và Công nghệ tham mưu bố trí kinh phí chuyển đổi số năm 2026, hoàn thành trước ngày 30 tháng 11 năm 2025.\n";
        let imported = service
            .import_document_text(&office(), conference)
            .await
            .expect("imported");
        let doc = imported.document.id;
        let draft = &imported.drafts[0];
        let mut c = signed_in(&service, "vanphong", "admin", None).await;
        let page = c.get(&format!("/van-ban/{doc}/du-thao")).await;
        assert!(
            page.body.contains(
                "Sở Tài chính — chưa có trong danh mục và văn bản không nêu cơ quan ban hành"
            ),
            "[{backend}]"
        );
        let field = format!("id=\"unit-parent-{}\"", draft.id);
        assert!(page.body.contains(&field), "[{backend}] the parent's field");
        assert!(page.body.contains("<datalist id=\"agency-names\">"));
        let csrf = page.csrf();
        let doc_s = doc.to_string();
        let form = |parent: &'static str| {
            vec![
                ("document", doc_s.clone()),
                ("action", "confirm".to_string()),
                ("text", draft.text.clone()),
                ("lead", "Sở Tài chính".into()),
                ("coord", "Sở Khoa học và Công nghệ".into()),
                ("kind", "date".into()),
                ("due", "30/11/2025".into()),
                ("unit_parent", parent.into()),
            ]
        };
        let send = |f: Vec<(&'static str, String)>| {
            let mut all = vec![("csrf", csrf.clone())];
            all.extend(f);
            all
        };
        // Confirmed without a parent: the error is by the parent's field.
        let fields = send(form(""));
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let a = c.post(&format!("/du-thao/{}", draft.id), &pairs).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            a.body
                .contains(&format!("id=\"unit-parent-{}-error\"", draft.id)),
            "[{backend}] {}",
            a.body
        );
        assert!(
            a.body.contains("chọn cơ quan cấp trên của đơn vị"),
            "[{backend}]"
        );
        // With the province: a task, and its two departments in the register.
        let fields = send(form("Ủy ban nhân dân tỉnh Lào Cai"));
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let a = c.post(&format!("/du-thao/{}", draft.id), &pairs).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "[{backend}] {}", a.body);
        let now = service.list_drafts(&office(), doc).await.unwrap();
        assert_eq!(now[0].state, "confirmed");
        let province = service
            .resolve_agency("p", "Ủy ban nhân dân tỉnh Lào Cai", None)
            .unwrap();
        let added = service
            .resolve_agency("u", &format!("{}-so-tai-chinh", province.code), None)
            .expect("Sở Tài chính joined the register");
        assert_eq!(added.name, "Sở Tài chính");
        assert_eq!(added.parent_id, Some(province.id));
        let page = c.get(&format!("/van-ban/{doc}/du-thao")).await;
        assert!(
            page.body
                .contains("Chủ trì: Sở Tài chính — có trong danh mục"),
            "[{backend}]"
        );
    }
}

#[tokio::test]
async fn a_merged_ministry_is_shown_with_the_one_that_carries_its_work_today() {
    for (backend, service) in services().await {
        let notice = "VĂN PHÒNG CHÍNH PHỦ\nSố: 450/TB-VPCP\nHà Nội, ngày 15 tháng 10 năm 2024\nTHÔNG BÁO\n\
            Kết luận của Phó Thủ tướng tại cuộc họp về chuyển đổi số\n\
            1. Bộ Thông tin và Truyền thông chủ trì, phối hợp với Bộ Công an xây dựng Khung kiến trúc Chính phủ điện tử phiên bản 4.0, hoàn thành trước ngày 31 tháng 12 năm 2024.\n";
        let imported = service
            .import_document_text(&office(), notice)
            .await
            .expect("imported");
        let mut c = signed_in(&service, "vanphong", "admin", None).await;
        let page = c
            .get(&format!("/van-ban/{}/du-thao", imported.document.id))
            .await;
        assert!(
            page.body
                .contains("Bộ Thông tin và Truyền thông → nay Bộ Khoa học và Công nghệ"),
            "[{backend}]"
        );
        let en = c
            .get(&format!(
                "/van-ban/{}/du-thao?lang=en",
                imported.document.id
            ))
            .await;
        assert!(
            en.body
                .contains("Bộ Thông tin và Truyền thông → now Bộ Khoa học và Công nghệ"),
            "[{backend}]"
        );
    }
}
