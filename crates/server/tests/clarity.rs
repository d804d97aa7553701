//! The "6 rõ" filter of the task list (issue 14) on both backends: the store's
//! SQL picks exactly the tasks the core rule (`tiendo_core::clarity`) says lack
//! one, for each of the six and for any; a bad code is refused by name.

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tiendo_core::clarity::{Clarity, Lacking};
use tiendo_core::model::Task;

#[tokio::test]
async fn the_lacking_filter_agrees_with_the_core_rule() {
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vanphong", "admin", None).await;
        let (_, doc) = api
            .call("POST", "/api/v1/documents", Some(&admin), Some(json!({"number": "9/TB-C", "kind": "Thông báo", "title": "Kết luận", "issued_on": "2025-11-16"})))
            .await;
        let tasks = [
            json!({"text": "Hoàn thành cơ sở dữ liệu dân cư", "deadline": {"kind": "date", "due": "2026-03-31"}, "lead": ["Bộ Công an"], "leader": "Thủ tướng", "product": "Cơ sở dữ liệu vận hành"}),
            json!({"text": "Số hóa hồ sơ bệnh án", "deadline": {"kind": "date", "due": "2026-06-30"}, "lead": ["Bộ Y tế"], "leader": "Phó Thủ tướng"}),
            json!({"text": "Rà soát thủ tục hành chính", "deadline": {"kind": "none"}, "lead": ["Bộ Tư pháp"], "product": "Báo cáo rà soát"}),
            json!({"text": "Tổng kết mô hình", "deadline": {"kind": "none"}, "lead": ["Bộ Y tế"]}),
        ];
        for mut t in tasks {
            t["document_id"] = doc["id"].clone();
            let (s, r) = api
                .call("POST", "/api/v1/tasks", Some(&admin), Some(t))
                .await;
            assert_eq!(s, StatusCode::CREATED, "[{b}] {r}");
        }
        let list =
            |filter: &str| format!("/api/v1/tasks?document={}&per_page=100{filter}", doc["id"]);
        let all: Vec<Task> =
            serde_json::from_value(api.get(&list(""), &admin).await["items"].clone()).unwrap();
        assert_eq!(all.len(), 4, "[{b}]");
        let ids = |v: &serde_json::Value| -> BTreeSet<i64> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_i64().unwrap())
                .collect()
        };
        let filters = std::iter::once(Lacking::Any)
            .chain(Clarity::ALL.into_iter().map(Lacking::One))
            .collect::<Vec<_>>();
        let mut sizes = Vec::new();
        for f in filters {
            let want: BTreeSet<i64> = all.iter().filter(|t| f.matches(t)).map(|t| t.id).collect();
            let got = ids(&api
                .get(&list(&format!("&lacking={}", f.as_str())), &admin)
                .await);
            assert_eq!(got, want, "[{b}] lacking={}", f.as_str());
            sizes.push((f.as_str(), want.len()));
        }
        // The rule itself, on these four: three lack something; two lack a
        // product, two a leader, two a deadline; none lacks a lead or authority.
        assert_eq!(
            sizes,
            vec![
                ("any", 3),
                ("person", 0),
                ("task", 0),
                ("time", 2),
                ("responsibility", 2),
                ("product", 2),
                ("authority", 0)
            ],
            "[{b}]"
        );
        let (s, e) = api
            .call("GET", &list("&lacking=nobody"), Some(&admin), None)
            .await;
        assert_eq!(
            (s, e["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("lacking")),
            "[{b}] {e}"
        );
    }
}
