//! Today's national counts by status come from `status_buckets` (the current
//! spans counted by due day and state); they must always equal the counts of a
//! full scan of the knowledge spans, after the demo's history, after every kind
//! of change to an assignment, and after the buckets are folded.

mod common;

use common::*;
use serde_json::json;
use tiendo_core::time::today;

async fn assert_buckets_match_scan(api: &Api, when: &str) {
    let store = &api.service.store;
    for ahead in [0, 1, 10, 400] {
        let day = today() + chrono::Duration::days(ahead);
        for soon in [0, 7] {
            let buckets = store.status_counts(day, soon, None).await.expect("buckets");
            let scan = store
                .status_counts_by_scan(day, soon, None)
                .await
                .expect("scan");
            assert_eq!(
                buckets, scan,
                "[{}] {when}: buckets and scan differ on {day} (due soon {soon} days)",
                api.backend
            );
        }
    }
}

#[tokio::test]
async fn bucket_counts_equal_a_full_scan_through_every_kind_of_change() {
    for api in apis().await {
        let admin = api.user("admin", "admin", None).await;
        api.service.load_demo().await.expect("demo");
        assert_buckets_match_scan(&api, "after the demo").await;
        let total: i64 = api
            .service
            .store
            .status_counts(today(), 7, None)
            .await
            .expect("counts")
            .iter()
            .map(|(_, n)| n)
            .sum();
        assert!(
            total > 300,
            "[{}] the demo has assignments: {total}",
            api.backend
        );

        let page = api.get("/api/v1/assignments?per_page=4", &admin).await;
        let ids: Vec<i64> = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|a| a["id"].as_i64().expect("id"))
            .collect();
        assert_eq!(ids.len(), 4, "[{}]", api.backend);
        let changes = [
            json!({"completed_on": today().to_string()}),
            json!({"cancelled": true}),
            json!({"deadline": {"kind": "date", "due": "2024-03-01", "raw": "01/03/2024"}}),
            json!({"deadline": {"kind": "recurring", "raw": "hằng tháng"}}),
        ];
        for (id, change) in ids.iter().zip(changes) {
            let (status, body) = api
                .call(
                    "PATCH",
                    &format!("/api/v1/assignments/{id}"),
                    Some(&admin),
                    Some(change),
                )
                .await;
            assert_eq!(status, 200, "[{}] PATCH {id}: {body}", api.backend);
        }
        // The same assignment changed twice in the same second updates its span in
        // place; a later change closes it and opens the next.
        for change in [json!({"reopen": true}), json!({"cancelled": false})] {
            let (status, body) = api
                .call(
                    "PATCH",
                    &format!("/api/v1/assignments/{}", ids[0]),
                    Some(&admin),
                    Some(change),
                )
                .await;
            assert!(
                status == 200 || status == 422,
                "[{}] PATCH: {status} {body}",
                api.backend
            );
        }
        assert_buckets_match_scan(&api, "after changes").await;
        api.service.store.fold_status_buckets().await.expect("fold");
        assert_buckets_match_scan(&api, "after folding").await;
    }
}
