//! `GET /api/v1/search` (issue 14 item 6): the site search's sections as JSON,
//! accents ignored, the document text searched, a focal point confined, the
//! passage as marked pieces, bad parameters named, the route documented.

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::*;
use serde_json::{Value, json};
use tiendo_core::time::today;

async fn data(api: &Api, admin: &str) -> (i64, i64) {
    let (status, doc) = api
        .call(
            "POST",
            "/api/v1/documents",
            Some(admin),
            Some(json!({"number": "72/TB-TK", "kind": "Thông báo", "title": "Kết luận về dữ liệu ngành giáo dục",
                        "issued_on": "2025-10-01", "body": "Xây dựng cơ sở dữ liệu học bạ số, hoàn thành năm 2026."})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "[{}] {doc}", api.backend);
    let doc = doc["id"].as_i64().expect("id");
    let mut tasks = Vec::new();
    for (text, lead) in [
        ("Số hóa học bạ số của học sinh", "Bộ Giáo dục và Đào tạo"),
        ("Học bạ số cho trường y", "Bộ Y tế"),
    ] {
        let (status, task) = api
            .call(
                "POST",
                "/api/v1/tasks",
                Some(admin),
                Some(json!({"document_id": doc, "text": text, "lead": [lead],
                            "deadline": {"kind": "date", "due": today() + Duration::days(20)}})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "[{}] {task}", api.backend);
        tasks.push(task["id"].as_i64().expect("id"));
    }
    (doc, tasks[0])
}

fn marked(pieces: &Value) -> Vec<String> {
    pieces
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|p| p["mark"] == true)
                .filter_map(|p| p["text"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_api_searches_every_section_as_the_pages_do() {
    for api in apis().await {
        let admin = api.user("vp", "admin", None).await;
        let viewer = api.user("ld", "viewer", None).await;
        let focal = api
            .user("dm.gd", "focal", Some("Bộ Giáo dục và Đào tạo"))
            .await;
        let (doc, edu_task) = data(&api, &admin).await;
        let b = api.backend;

        let r = api.get("/api/v1/search?q=HOC%20BA%20SO", &viewer).await;
        assert_eq!(r["words"], json!(["hoc", "ba", "so"]), "[{b}] {r}");
        assert_eq!(r["tasks"]["total"], 2, "[{b}] {r}");
        assert_eq!(r["documents"]["total"], 1, "[{b}] {r}");
        let d = &r["documents"]["items"][0];
        assert_eq!(d["id"], doc, "[{b}]");
        // The phrase is marked (and "sở", which folds to "so" too).
        assert!(
            marked(&d["excerpt"]).contains(&"học bạ số".to_string()),
            "[{b}] {d}"
        );
        assert_eq!(
            marked(&d["title"]),
            Vec::<String>::new(),
            "[{b}] the title does not hold them"
        );
        assert!(
            marked(&r["tasks"]["items"][1]["excerpt"]).contains(&"Học bạ số".to_string()),
            "[{b}] {r}"
        );
        assert!(r["agencies"]["total"].is_number() && r["indicators"]["total"].is_number());

        let r = api
            .get("/api/v1/search?q=bo%20giao%20duc&limit=1", &viewer)
            .await;
        assert!(
            r["agencies"]["total"].as_i64().unwrap_or(0) >= 1,
            "[{b}] {r}"
        );
        assert!(
            r["agencies"]["items"]
                .as_array()
                .is_some_and(|a| a.len() == 1),
            "[{b}]"
        );
        assert_eq!(r["agencies"]["items"][0]["code"], "bo-gddt", "[{b}] {r}");

        // A focal point: its agency's task only.
        let r = api.get("/api/v1/search?q=hoc%20ba%20so", &focal).await;
        assert_eq!(r["tasks"]["total"], 1, "[{b}] {r}");
        assert_eq!(r["tasks"]["items"][0]["id"], edu_task, "[{b}] {r}");

        // Empty: nothing found, nothing refused.
        let r = api.get("/api/v1/search?q=", &viewer).await;
        assert_eq!(r["tasks"]["total"], 0, "[{b}]");
        assert_eq!(r["words"], json!([]), "[{b}]");
        // Bad parameters are named.
        for (path, field) in [
            ("/api/v1/search?q=x&limit=0", "limit"),
            ("/api/v1/search?q=x&as_of=2999-01-01", "as_of"),
            (
                "/api/v1/search?q=a%20b%20c%20d%20e%20f%20g%20h%20i%20j%20k%20l%20m",
                "q",
            ),
        ] {
            let (status, body) = api.call("GET", path, Some(&viewer), None).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{b}] {path}: {body}"
            );
            assert_eq!(body["field"], field, "[{b}] {path}: {body}");
        }
        let (status, _) = api.call("GET", "/api/v1/search?q=x", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "[{b}]");
        // As of yesterday neither the document nor its tasks were known.
        let yesterday = today() - Duration::days(1);
        let r = api
            .get(
                &format!("/api/v1/search?q=hoc%20ba%20so&as_of={yesterday}"),
                &viewer,
            )
            .await;
        assert_eq!(r["documents"]["total"], 0, "[{b}] {r}");
        assert_eq!(r["tasks"]["total"], 0, "[{b}] {r}");

        let doc = api.get("/api/openapi.json", &viewer).await;
        let op = &doc["paths"]["/api/v1/search"]["get"];
        assert!(
            op["summary"]
                .as_str()
                .is_some_and(|s| s.contains("hoc ba so")),
            "[{b}]"
        );
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/SiteSearch"
        );
        assert!(doc["components"]["schemas"]["Piece"].is_object());
    }
}

/// Migration 0019 on a database made before it: documents whose search key holds
/// no text are found by their text once the database is opened (migrated) again,
/// on both backends, and the audit chain is untouched (the key is derived data).
#[tokio::test]
async fn migration_0019_folds_the_text_of_existing_documents() {
    use std::str::FromStr;
    use tiendo_service::{Config, Service};
    use tiendo_store::Store;

    let mut places: Vec<(&str, String, Option<String>)> = Vec::new();
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("tiendo-m19-{}-{n}", std::process::id()));
    places.push(("sqlite", dir.display().to_string(), None));
    if let Some(url) = postgres_url() {
        places.push((
            "postgres",
            url,
            Some(format!("m19_{}_{n}", std::process::id())),
        ));
    }
    for (backend, place, schema) in places {
        let open = || async {
            let store = match &schema {
                None => Store::open_sqlite_dir(std::path::Path::new(&place)).await,
                Some(s) => Store::open_postgres(&place, Some(s)).await,
            }
            .expect("open");
            Service::new(store, Config::default())
                .await
                .expect("service")
        };
        let service = open().await;
        let system = service.system_actor();
        for (number, body) in [
            (
                "1/TB-CU",
                Some("Xây dựng cơ sở dữ liệu học bạ số toàn quốc."),
            ),
            ("2/TB-CU", None),
        ] {
            let doc: tiendo_service::input::DocumentInput = serde_json::from_value(json!({
                "number": number, "kind": "Thông báo", "title": "Kết luận cũ", "body": body
            }))
            .unwrap();
            service
                .create_document(&system, &doc)
                .await
                .expect("document");
        }
        let head = service.audit_head().await.expect("head");
        // As the database was before 0019: keys of number, kind, title, issuer.
        let sql = "UPDATE documents SET search_text = 'tb cu thong bao ket luan cu'; \
                   DELETE FROM schema_migrations WHERE version = 19";
        match &schema {
            None => {
                let pool = sqlx::SqlitePool::connect_with(
                    sqlx::sqlite::SqliteConnectOptions::new()
                        .filename(format!("{place}/tiendo.db")),
                )
                .await
                .expect("raw");
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(&pool)
                    .await
                    .expect("old keys");
                pool.close().await;
            }
            Some(s) => {
                let options = sqlx::postgres::PgConnectOptions::from_str(&place)
                    .expect("url")
                    .options([("search_path", s.as_str())]);
                let pool = sqlx::PgPool::connect_with(options).await.expect("raw");
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(&pool)
                    .await
                    .expect("old keys");
                pool.close().await;
            }
        }
        let viewer = system.clone();
        let before = open_without_migration_check(&service, &viewer).await;
        assert_eq!(before, 0, "[{backend}] the old key does not hold the text");
        let migrated = open().await;
        let r = migrated
            .search(&viewer, "hoc ba so", None, 10)
            .await
            .expect("search");
        assert_eq!(r.documents.total, 1, "[{backend}] {r:?}");
        let r = migrated
            .search(&viewer, "ket luan cu", None, 10)
            .await
            .expect("search");
        assert_eq!(
            r.documents.total, 2,
            "[{backend}] the title is still in the key"
        );
        assert_eq!(
            migrated.audit_head().await.expect("head"),
            head,
            "[{backend}]"
        );
    }
}

/// The search on the database as it is (the old keys), before it is reopened.
async fn open_without_migration_check(
    service: &tiendo_service::Service,
    actor: &tiendo_core::policy::Actor,
) -> i64 {
    service
        .search(actor, "hoc ba so", None, 10)
        .await
        .expect("search")
        .documents
        .total
}
