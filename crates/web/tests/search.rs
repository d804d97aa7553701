//! One search box for the whole site (issue 14 item 6): the box in every page's
//! header, `/tim-kiem` with its four sections (tasks, documents with their text,
//! agencies, indicators), accents and case ignored, every word required; a focal
//! point's confinement; escaping of the passages shown; the empty query; as of a
//! day. On both backends.

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::*;
use serde_json::json;
use tiendo_core::time::today;
use tiendo_service::Service;

/// A document whose title says nothing of "học bạ" but whose text does (with HTML
/// in it), a task of Bộ Giáo dục và Đào tạo and one of Bộ Y tế, and an indicator.
async fn data(service: &Service) -> (i64, i64, i64) {
    let system = service.system_actor();
    let doc: tiendo_service::input::DocumentInput = serde_json::from_value(json!({
        "number": "71/TB-TK", "kind": "Thông báo", "title": "Kết luận về chuyển đổi số ngành giáo dục",
        "issued_on": "2025-10-01", "issuer": "Văn phòng Chính phủ",
        "body": "I. KẾT LUẬN\nGiao Bộ Giáo dục và Đào tạo xây dựng cơ sở dữ liệu học bạ số của học sinh <script>alert('x')</script> & hoàn thành trong năm 2026; \
                 các địa phương phối hợp cập nhật dữ liệu đầy đủ, đúng, sạch, sống."
    }))
    .unwrap();
    let doc = service
        .create_document(&system, &doc)
        .await
        .expect("document");
    let task = |text: &str, lead: &str| -> tiendo_service::input::TaskInput {
        serde_json::from_value(json!({
            "document_id": doc.id, "text": text, "lead": [lead],
            "deadline": {"kind": "date", "due": today() + Duration::days(30)},
        }))
        .unwrap()
    };
    let edu = service
        .create_task(
            &system,
            &task(
                "Xây dựng cơ sở dữ liệu học bạ số, kết nối với Cơ sở dữ liệu ngành giáo dục",
                "Bộ Giáo dục và Đào tạo",
            ),
        )
        .await
        .expect("task");
    let health = service
        .create_task(
            &system,
            &task("Truyền thông giáo dục sức khỏe trên nền tảng số", "Bộ Y tế"),
        )
        .await
        .expect("task");
    let ind: tiendo_service::indicators::IndicatorInput = serde_json::from_value(json!({
        "code": "ty-le-truong-so", "name": "Tỷ lệ cơ sở giáo dục đạt chuẩn chuyển đổi số", "unit": "%",
        "direction": "increase", "aggregation": {"kind": "mean"}, "levels": ["province"], "periodicity": "year",
        "valid_min": 0.0, "valid_max": 100.0
    }))
    .unwrap();
    service
        .create_indicator(&system, &ind)
        .await
        .expect("indicator");
    (doc.id, edu.id, health.id)
}

/// The text of a section of the results page: from its heading to the next.
fn section<'a>(body: &'a str, id: &str) -> &'a str {
    let marker = format!("id=\"results-{id}\"");
    let Some(at) = body.find(&marker) else {
        panic!("no section {id} in {body}")
    };
    let rest = &body[at..];
    let end = rest.find("</section>").unwrap_or(rest.len());
    &rest[..end]
}

fn count_of(section: &str) -> String {
    let at = section.find("class=\"sub\">(").expect("count") + "class=\"sub\">(".len();
    section[at..]
        .split(')')
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn accents_and_case_do_not_matter_in_any_section() {
    for (backend, service) in services().await {
        let (doc, edu, health) = data(&service).await;
        let mut viewer = signed_in(&service, "lanhdao", "viewer", None).await;
        // The box is in the header of every page, labelled.
        let home = viewer.get("/").await;
        assert!(
            home.body.contains("action=\"/tim-kiem\"") && home.body.contains("for=\"site-q\""),
            "[{backend}] the header holds the search box"
        );
        let page = viewer.get("/tim-kiem?q=GIAO+duc").await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}] {}", page.body);
        let tasks = section(&page.body, "tasks");
        assert_eq!(count_of(tasks), "2", "[{backend}] {tasks}");
        assert!(
            tasks.contains(&format!("href=\"/nhiem-vu/{edu}\""))
                && tasks.contains(&format!("href=\"/nhiem-vu/{health}\"")),
            "[{backend}] {tasks}"
        );
        assert!(
            tasks.contains("<mark>giáo dục</mark>"),
            "[{backend}] {tasks}"
        );
        assert!(
            tasks.contains("href=\"/nhiem-vu?q=GIAO+duc\""),
            "[{backend}] see all leads to the filtered task list: {tasks}"
        );
        let docs = section(&page.body, "documents");
        assert_eq!(count_of(docs), "1", "[{backend}] {docs}");
        assert!(
            docs.contains(&format!("href=\"/van-ban/{doc}\"")),
            "[{backend}] {docs}"
        );
        let agencies = section(&page.body, "agencies");
        assert!(
            agencies.contains("<mark>Giáo dục</mark> và Đào tạo"),
            "[{backend}] {agencies}"
        );
        assert!(
            agencies.contains("href=\"/co-quan/"),
            "[{backend}] {agencies}"
        );
        let indicators = section(&page.body, "indicators");
        assert_eq!(count_of(indicators), "1", "[{backend}] {indicators}");
        assert!(
            indicators.contains("href=\"/chi-tieu/ty-le-truong-so\"")
                && indicators.contains("<mark>giáo dục</mark>"),
            "[{backend}] {indicators}"
        );
        // "d" finds "đ", and every word must occur.
        let page = viewer.get("/tim-kiem?q=bo+giao+duc+dao+tao").await;
        let agencies = section(&page.body, "agencies");
        assert!(
            agencies.contains("<mark>Bộ Giáo dục</mark> và <mark>Đào tạo</mark>"),
            "[{backend}] {agencies}"
        );
        let page = viewer.get("/tim-kiem?q=giao+duc+benh+vien").await;
        assert_eq!(count_of(section(&page.body, "tasks")), "0", "[{backend}]");
        assert!(
            section(&page.body, "tasks").contains("Không có kết quả"),
            "[{backend}]"
        );
        // An agency by its code; the list the section links to finds it too.
        let page = viewer.get("/tim-kiem?q=byt").await;
        let agencies = section(&page.body, "agencies");
        assert!(agencies.contains("Bộ Y tế"), "[{backend}] {agencies}");
        let list = viewer.get("/co-quan?q=byt").await;
        assert!(
            list.body.contains("Bộ Y tế"),
            "[{backend}] the agency list finds the code too"
        );
        // The indicators' list takes the same words.
        let list = viewer.get("/chi-tieu?q=giao+duc").await;
        assert!(
            list.body.contains("/chi-tieu/ty-le-truong-so"),
            "[{backend}] the indicator list is filtered"
        );
        let list = viewer.get("/chi-tieu?q=khong+co+dau").await;
        assert!(
            !list.body.contains("/chi-tieu/ty-le-truong-so"),
            "[{backend}]"
        );
        // English labels.
        let page = viewer.get("/tim-kiem?q=giao+duc&lang=en").await;
        assert!(
            page.body.contains(">Tasks <") && page.body.contains("See all"),
            "[{backend}] {}",
            page.body
        );
    }
}

#[tokio::test]
async fn a_document_is_found_by_its_text_and_the_passage_is_escaped() {
    for (backend, service) in services().await {
        let (doc, _, _) = data(&service).await;
        let mut viewer = signed_in(&service, "lanhdao", "viewer", None).await;
        let page = viewer.get("/tim-kiem?q=hoc+ba+so").await;
        let docs = section(&page.body, "documents");
        assert_eq!(count_of(docs), "1", "[{backend}] {docs}");
        assert!(
            docs.contains(&format!("href=\"/van-ban/{doc}\"")),
            "[{backend}] {docs}"
        );
        // The title does not hold the words; the passage of the text does, marked.
        assert!(
            docs.contains("<mark>học bạ số</mark>"),
            "[{backend}] the match is marked: {docs}"
        );
        // HTML in the data is text: escaped, never markup.
        assert!(
            !page.body.contains("<script>")
                && (docs.contains("&#60;script&#62;") || docs.contains("&lt;script&gt;")),
            "[{backend}] {docs}"
        );
        // The passage begins on a word boundary with an ellipsis.
        let passage = docs.split("<p class=\"passage\">").nth(1).expect("passage");
        assert!(
            passage.starts_with("…") || passage.starts_with("I. KẾT LUẬN"),
            "[{backend}] {passage}"
        );
        // The document list finds it by its text too ("see all").
        let list = viewer.get("/van-ban?q=hoc+ba+so").await;
        assert!(
            list.body.contains(&format!("href=\"/van-ban/{doc}\"")),
            "[{backend}] the document list searches the text"
        );
        // A document edited without a new text keeps it in its search key.
        let system = service.system_actor();
        let edit: tiendo_service::input::DocumentInput = serde_json::from_value(json!({
            "number": "71/TB-TK", "kind": "Thông báo", "title": "Kết luận (sửa)", "issued_on": "2025-10-01"
        }))
        .unwrap();
        service
            .update_document(&system, doc, &edit)
            .await
            .expect("edit");
        let page = viewer.get("/tim-kiem?q=hoc+ba+so").await;
        assert_eq!(
            count_of(section(&page.body, "documents")),
            "1",
            "[{backend}] after an edit"
        );
        // As of a day before it was recorded, it is not there (nor its tasks).
        let yesterday = today() - Duration::days(1);
        let page = viewer
            .get(&format!("/tim-kiem?q=hoc+ba+so&as_of={yesterday}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        assert_eq!(
            count_of(section(&page.body, "documents")),
            "0",
            "[{backend}]"
        );
        assert_eq!(count_of(section(&page.body, "tasks")), "0", "[{backend}]");
        assert!(
            page.body.contains("name=\"as_of\""),
            "[{backend}] the search keeps the day"
        );
    }
}

#[tokio::test]
async fn the_seed_notice_is_found_by_words_of_its_text() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let mut viewer = signed_in(&service, "lanhdao", "viewer", None).await;
        // The fourth session's notice (data/corpus/phien-hop-4_2025-09-24.txt)
        // says "bằng cấp, bảng điểm, học bạ" in its text, not in its title.
        // Every word must occur, anywhere: short words occur in most long texts,
        // so the documents holding the words as a phrase come first.
        let page = viewer.get("/tim-kiem?q=bang+diem+hoc+ba").await;
        let docs = section(&page.body, "documents");
        let first = docs.split("<li>").nth(1).expect("a document");
        assert!(first.contains("Phiên họp lần thứ tư"), "[{backend}] {docs}");
        assert!(
            first.contains("<mark>bảng điểm, học bạ</mark>"),
            "[{backend}] {first}"
        );
        // Its title does not hold the words: the list by title alone missed it.
        let title = first.split("</a>").next().unwrap_or_default();
        assert!(
            !title.contains("điểm") && !title.contains("bạ"),
            "[{backend}] {title}"
        );
    }
}

#[tokio::test]
async fn a_focal_point_finds_only_its_own_agencys_tasks() {
    for (backend, service) in services().await {
        let (doc, edu, health) = data(&service).await;
        let mut focal = signed_in(&service, "dm.byt", "focal", Some("Bộ Y tế")).await;
        let page = focal.get("/tim-kiem?q=giao+duc").await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        let tasks = section(&page.body, "tasks");
        assert_eq!(count_of(tasks), "1", "[{backend}] {tasks}");
        assert!(
            tasks.contains(&format!("/nhiem-vu/{health}")),
            "[{backend}]"
        );
        assert!(
            !page.body.contains(&format!("/nhiem-vu/{edu}\"")),
            "[{backend}] another agency's task is not shown"
        );
        // Its agency is assigned a task of the document: the document is its to read.
        assert!(
            section(&page.body, "documents").contains(&format!("/van-ban/{doc}")),
            "[{backend}]"
        );
        // Among agencies, only its own (as /co-quan shows it).
        assert_eq!(
            count_of(section(&page.body, "agencies")),
            "0",
            "[{backend}]"
        );
        let own = focal.get("/tim-kiem?q=bo+y+te").await;
        assert_eq!(count_of(section(&own.body, "agencies")), "1", "[{backend}]");
        // A focal point of an agency the document assigns nothing sees neither.
        let mut other = signed_in(&service, "dm.bca", "focal", Some("Bộ Công an")).await;
        let page = other.get("/tim-kiem?q=giao+duc").await;
        assert_eq!(count_of(section(&page.body, "tasks")), "0", "[{backend}]");
        assert_eq!(
            count_of(section(&page.body, "documents")),
            "0",
            "[{backend}]"
        );
        assert_eq!(
            count_of(section(&page.body, "indicators")),
            "1",
            "[{backend}] indicators are everyone's"
        );
    }
}

#[tokio::test]
async fn an_empty_query_explains_and_a_long_one_is_refused() {
    for (backend, service) in services().await {
        let mut viewer = signed_in(&service, "lanhdao", "viewer", None).await;
        for path in ["/tim-kiem", "/tim-kiem?q=", "/tim-kiem?q=+++"] {
            let page = viewer.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "[{backend}] {path}");
            assert!(
                page.body.contains("id=\"search-empty\""),
                "[{backend}] {path}"
            );
            assert!(
                !page.body.contains("id=\"results-tasks\""),
                "[{backend}] {path}"
            );
        }
        let page = viewer.get("/tim-kiem?q=%3F%21").await;
        assert!(page.body.contains("id=\"search-nothing\""), "[{backend}]");
        let long = "a".repeat(201);
        let page = viewer.get(&format!("/tim-kiem?q={long}")).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            page.body.contains("aria-invalid=\"true\"") && page.body.contains(&long),
            "[{backend}] the error is by the field, with what was typed"
        );
        // Signed out: to the sign-in page.
        let mut anon = Client::new(&service);
        let page = anon.get("/tim-kiem?q=x").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "[{backend}]");
    }
}
