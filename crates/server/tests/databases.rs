//! Database quality assessment through the API and the web pages, on SQLite and
//! on PostgreSQL: a round scored on hand-computed values (default weights 20, 20,
//! 15, 15, 15, 15 on a 0–4 scale; the reassessment overriding the
//! self-assessment), who may assess and reassess (403 from the server), the
//! reasons a reassessment owes, publication and its immutability (content hash
//! in the history), a correction, the ranking's order and movement across rounds,
//! and the pages (the ranking, a database's history, the self-assessment form,
//! the monthly rankings of agencies).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

use common::{Api, apis};

struct World {
    admin: String,
    viewer: String,
    /// Focal point of Bộ Y tế: owns csdlqg-y-te.
    byt: String,
    /// Focal point of Bộ Tài chính: owns csdl-thue.
    btc: String,
    /// Focal point of Bộ Công an: the reviewing agency; owns csdlqg-dan-cu.
    bca: String,
}

fn levels(v: [i64; 6]) -> Value {
    json!({"dung": v[0], "du": v[1], "sach": v[2], "song": v[3], "thong_nhat": v[4], "dung_chung": v[5]})
}

async fn post(api: &Api, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    api.call("POST", path, Some(token), Some(body)).await
}

async fn post_ok(api: &Api, path: &str, token: &str, body: Value) -> Value {
    let (s, b) = post(api, path, token, body).await;
    assert_eq!(s, StatusCode::CREATED, "[{}] POST {path}: {b}", api.backend);
    b
}

async fn build_world(api: &Api) -> World {
    let w = World {
        admin: api.user("vanphong", "admin", None).await,
        viewer: api.user("lanhdao", "viewer", None).await,
        byt: api.user("daumoi.byt", "focal", Some("Bộ Y tế")).await,
        btc: api.user("daumoi.btc", "focal", Some("Bộ Tài chính")).await,
        bca: api.user("daumoi.bca", "focal", Some("Bộ Công an")).await,
    };
    for (code, name, kind, owner) in [
        (
            "csdlqg-y-te",
            "Cơ sở dữ liệu quốc gia về y tế",
            "national",
            "Bộ Y tế",
        ),
        ("csdl-thue", "Cơ sở dữ liệu thuế", "sectoral", "BTC"),
        (
            "csdlqg-dan-cu",
            "Cơ sở dữ liệu quốc gia về dân cư",
            "national",
            "bo-cong-an",
        ),
    ] {
        let d = post_ok(
            api,
            "/api/v1/databases",
            &w.admin,
            json!({"code": code, "name": name, "kind": kind, "owner": owner, "status": "operating"}),
        )
        .await;
        assert_eq!(d["code"], code);
    }
    w
}

fn row<'a>(ranking: &'a Value, code: &str) -> &'a Value {
    ranking["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["database_code"] == code)
        .unwrap_or_else(|| panic!("{code} not ranked: {ranking}"))
}

fn order(ranking: &Value) -> Vec<String> {
    ranking["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["database_code"].as_str().unwrap().to_string())
        .collect()
}

/// Round 1: y tế self 61.25, reassessed 56.25; thuế self-assessed only, 100;
/// dân cư self 77.5 confirmed by the office. Returns its id.
async fn round_one(api: &Api, w: &World) -> i64 {
    let round = post_ok(
        api,
        "/api/v1/database-rounds",
        &w.admin,
        json!({"name": "Đợt 1 năm 2026"}),
    )
    .await;
    let id = round["id"].as_i64().unwrap();
    assert_eq!(round["state"], "open");
    let base = format!("/api/v1/database-rounds/{id}");
    post_ok(api, &format!("{base}/assess"), &w.byt, json!({"database": "csdlqg-y-te", "levels": levels([4, 3, 2, 4, 1, 0]), "note": "Tự đánh giá"})).await;
    post_ok(
        api,
        &format!("{base}/assess"),
        &w.btc,
        json!({"database": "csdl-thue", "levels": levels([4; 6])}),
    )
    .await;
    post_ok(
        api,
        &format!("{base}/assess"),
        &w.bca,
        json!({"database": "csdlqg-dan-cu", "levels": levels([4, 4, 3, 3, 2, 2])}),
    )
    .await;
    // The reviewing agency lowers đúng from 4 to 3, with its reason.
    let r = post_ok(
        api,
        &format!("{base}/reassess"),
        &w.bca,
        json!({"database": "csdlqg-y-te", "levels": levels([3, 3, 2, 4, 1, 0]), "reasons": {"dung": "Đối chiếu mẫu 1.000 bản ghi: 88% khớp"}}),
    )
    .await;
    let yte = r["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["database_code"] == "csdlqg-y-te")
        .unwrap();
    assert_eq!(yte["source"], "review");
    assert_eq!(yte["total"], 56.25);
    assert_eq!(
        yte["review_reasons"]["dung"],
        "Đối chiếu mẫu 1.000 bản ghi: 88% khớp"
    );
    // Bộ Công an's own database is reassessed by the office, unchanged: no reason owed.
    post_ok(
        api,
        &format!("{base}/reassess"),
        &w.admin,
        json!({"database": "csdlqg-dan-cu", "levels": levels([4, 4, 3, 3, 2, 2])}),
    )
    .await;
    id
}

#[tokio::test]
async fn a_round_is_scored_on_hand_computed_values_and_the_reassessment_counts() {
    for api in apis().await {
        let w = build_world(&api).await;
        let id = round_one(&api, &w).await;
        // The office previews the open round.
        let preview = api
            .get(&format!("/api/v1/database-rounds/{id}/ranking"), &w.admin)
            .await;
        assert_eq!(preview["state"], "preview", "[{}]", api.backend);
        assert_eq!(
            order(&preview),
            ["csdl-thue", "csdlqg-dan-cu", "csdlqg-y-te"],
            "[{}]",
            api.backend
        );
        let yte = row(&preview, "csdlqg-y-te");
        // 20×3/4 + 20×3/4 + 15×2/4 + 15×4/4 + 15×1/4 + 15×0/4 = 15 + 15 + 7.5 + 15 + 3.75 + 0
        assert_eq!(yte["total"], 56.25);
        assert_eq!(yte["source"], "review");
        let pts: Vec<f64> = yte["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["points"].as_f64().unwrap())
            .collect();
        assert_eq!(pts, [15.0, 15.0, 7.5, 15.0, 3.75, 0.0]);
        let thue = row(&preview, "csdl-thue");
        assert_eq!(
            (thue["total"].as_f64(), thue["source"].as_str()),
            (Some(100.0), Some("self_assessment"))
        );
        // 20 + 20 + 11.25 + 11.25 + 7.5 + 7.5
        assert_eq!(row(&preview, "csdlqg-dan-cu")["total"], 77.5);
        let published = post_ok(
            &api,
            &format!("/api/v1/database-rounds/{id}/publish"),
            &w.admin,
            json!({}),
        )
        .await;
        assert_eq!(published["state"], "published");
        assert_eq!(order(&published), order(&preview));
        let ranks: Vec<i64> = published["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rank"].as_i64().unwrap())
            .collect();
        assert_eq!(ranks, [1, 2, 3]);
        assert!(
            published["rows"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["movement"].is_null())
        );
        assert_eq!(published["best"][0]["database_code"], "csdl-thue");
        assert_eq!(published["worst"][2]["database_code"], "csdlqg-y-te");
        // Everyone signed in reads the ranking in force; the history of a database.
        for token in [&w.viewer, &w.byt] {
            let r = api.get("/api/v1/databases/ranking", token).await;
            assert_eq!(r["round_id"], id);
        }
        let h = api.get("/api/v1/databases/csdlqg-y-te", &w.byt).await;
        assert_eq!(h["database"]["owner_name"], "Bộ Y tế");
        assert_eq!(h["rounds"][0]["rank"], 3);
        assert_eq!(h["rounds"][0]["ranked"], 3);
        assert_eq!(h["rounds"][0]["total"], 56.25);
    }
}

#[tokio::test]
async fn only_the_owner_assesses_and_only_the_reviewing_agency_reassesses() {
    for api in apis().await {
        let w = build_world(&api).await;
        let round = post_ok(
            &api,
            "/api/v1/database-rounds",
            &w.admin,
            json!({"name": "Đợt thử"}),
        )
        .await;
        let base = format!("/api/v1/database-rounds/{}", round["id"]);
        let assess = format!("{base}/assess");
        let reassess = format!("{base}/reassess");
        // Bộ Y tế's focal point cannot assess Bộ Tài chính's database; a viewer nothing.
        for token in [&w.byt, &w.viewer, &w.bca] {
            let (s, b) = post(
                &api,
                &assess,
                token,
                json!({"database": "csdl-thue", "levels": levels([4; 6])}),
            )
            .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "[{}] {b}", api.backend);
        }
        // Nor open rounds or register databases.
        let (s, _) = post(
            &api,
            "/api/v1/database-rounds",
            &w.byt,
            json!({"name": "x"}),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = post(
            &api,
            "/api/v1/databases",
            &w.bca,
            json!({"code": "csdl-x", "name": "x", "kind": "sectoral", "owner": "Bộ Y tế"}),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        post_ok(
            &api,
            &assess,
            &w.byt,
            json!({"database": "csdlqg-y-te", "levels": levels([4, 3, 2, 4, 1, 0])}),
        )
        .await;
        post_ok(
            &api,
            &assess,
            &w.bca,
            json!({"database": "csdlqg-dan-cu", "levels": levels([4; 6])}),
        )
        .await;
        // Only the reviewing agency (or the office) reassesses, never its own database.
        let (s, _) = post(
            &api,
            &reassess,
            &w.byt,
            json!({"database": "csdlqg-y-te", "levels": levels([4, 3, 2, 4, 1, 0])}),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, b) = post(
            &api,
            &reassess,
            &w.bca,
            json!({"database": "csdlqg-dan-cu", "levels": levels([4; 6])}),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        assert!(b["error"].as_str().unwrap().contains("own database"), "{b}");
        // A changed criterion needs its reason, named by field.
        let (s, b) = post(
            &api,
            &reassess,
            &w.bca,
            json!({"database": "csdlqg-y-te", "levels": levels([4, 3, 1, 4, 1, 0]), "reasons": {"dung": "không đổi"}}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(b["field"], "reasons.sach");
        // Levels outside the scale, or missing, are refused with the criterion named.
        let (s, b) = post(
            &api,
            &assess,
            &w.byt,
            json!({"database": "csdlqg-y-te", "levels": levels([4, 3, 2, 5, 1, 0])}),
        )
        .await;
        assert_eq!(
            (s, b["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("levels.song")),
            "{b}"
        );
        let (s, b) = post(
            &api,
            &assess,
            &w.byt,
            json!({"database": "csdlqg-y-te", "levels": {"dung": 1}}),
        )
        .await;
        assert_eq!(
            (s, b["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("levels.du")),
            "{b}"
        );
        let (s, b) = post(
            &api,
            &assess,
            &w.byt,
            json!({"database": "csdl-khong-co", "levels": levels([1; 6])}),
        )
        .await;
        assert_eq!(
            (s, b["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("database")),
            "{b}"
        );
        // Reassessed: the owner's self-assessment no longer changes.
        post_ok(&api, &reassess, &w.bca, json!({"database": "csdlqg-y-te", "levels": levels([4, 3, 1, 4, 1, 0]), "reasons": {"sach": "Còn 7% bản ghi trùng"}})).await;
        let (s, _) = post(
            &api,
            &assess,
            &w.byt,
            json!({"database": "csdlqg-y-te", "levels": levels([4; 6])}),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        // A focal point sees its own databases' assessments; the reviewer all of them.
        let mine = api.get(&base, &w.byt).await;
        let codes: Vec<&str> = mine["assessments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["database_code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["csdlqg-y-te"], "[{}]", api.backend);
        assert_eq!(
            api.get(&base, &w.bca).await["assessments"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            api.get(&base, &w.viewer).await["assessments"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        // The preview of an open round is not for focal points.
        let (s, _) = api
            .call("GET", &format!("{base}/ranking"), Some(&w.byt), None)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn a_published_round_never_changes_and_its_hash_is_in_the_history() {
    for api in apis().await {
        let w = build_world(&api).await;
        let id = round_one(&api, &w).await;
        let base = format!("/api/v1/database-rounds/{id}");
        let published = post_ok(&api, &format!("{base}/publish"), &w.admin, json!({})).await;
        let hash = published["content_hash"].as_str().unwrap().to_string();
        assert_eq!(hash.len(), 64);
        let (s, _) = post(
            &api,
            &format!("{base}/assess"),
            &w.byt,
            json!({"database": "csdlqg-y-te", "levels": levels([4; 6])}),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "[{}]", api.backend);
        let (s, _) = post(
            &api,
            &format!("{base}/reassess"),
            &w.admin,
            json!({"database": "csdlqg-y-te", "levels": levels([3, 3, 2, 4, 1, 0])}),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, _) = post(&api, &format!("{base}/publish"), &w.admin, json!({})).await;
        assert_eq!(s, StatusCode::CONFLICT);
        // Still the same ranking.
        let again = api.get(&format!("{base}/ranking"), &w.viewer).await;
        assert_eq!(again["content_hash"], hash.as_str());
        assert_eq!(row(&again, "csdlqg-y-te")["total"], 56.25);
        // The history holds the publication with the hash, and each assessment.
        let events = api
            .get(
                &format!("/api/v1/events?entity=db_round&entity_id={id}"),
                &w.admin,
            )
            .await;
        let publish = events["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "publish")
            .expect("publish event");
        assert_eq!(publish["changes"]["content_hash"], hash.as_str());
        let events = api
            .get("/api/v1/events?entity=db_assessment", &w.admin)
            .await;
        let actions: Vec<&str> = events["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions.iter().filter(|a| **a == "self_assess").count(),
            3,
            "{actions:?}"
        );
        assert_eq!(
            actions.iter().filter(|a| **a == "reassess").count(),
            2,
            "{actions:?}"
        );
        // A correction must say why, and starts from the replaced round's assessments.
        let (s, b) = post(
            &api,
            "/api/v1/database-rounds",
            &w.admin,
            json!({"name": "Đợt 1 (đính chính)", "replaces": id}),
        )
        .await;
        assert_eq!(
            (s, b["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
        );
        let fix = post_ok(&api, "/api/v1/database-rounds", &w.admin, json!({"name": "Đợt 1 (đính chính)", "replaces": id, "reason": "Sai mức sạch của CSDL y tế"})).await;
        assert_eq!(fix["replaces"], id);
        assert_eq!(fix["assessments"].as_array().unwrap().len(), 3);
        // One round open at a time; a round is replaced once.
        let (s, _) = post(
            &api,
            "/api/v1/database-rounds",
            &w.admin,
            json!({"name": "Đợt khác"}),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let fix_id = fix["id"].as_i64().unwrap();
        post_ok(
            &api,
            &format!("/api/v1/database-rounds/{fix_id}/publish"),
            &w.admin,
            json!({}),
        )
        .await;
        let (s, _) = post(
            &api,
            "/api/v1/database-rounds",
            &w.admin,
            json!({"name": "Lần hai", "replaces": id, "reason": "x"}),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let old = api.get(&base, &w.admin).await;
        assert_eq!(
            (old["state"].as_str(), old["replaced_by"].as_i64()),
            (Some("replaced"), Some(fix_id))
        );
        let in_force = api.get("/api/v1/databases/ranking", &w.viewer).await;
        assert_eq!(in_force["round_id"], fix_id);
        // Identical content, other round: a different hash (the round is in it).
        assert_ne!(in_force["content_hash"], hash.as_str());
    }
}

#[tokio::test]
async fn the_ranking_moves_across_rounds_and_a_correction_is_compared_with_the_round_before() {
    for api in apis().await {
        let w = build_world(&api).await;
        let one = round_one(&api, &w).await;
        post_ok(
            &api,
            &format!("/api/v1/database-rounds/{one}/publish"),
            &w.admin,
            json!({}),
        )
        .await;
        // Round 2: y tế 100 self-assessed; thuế 100 reassessed (before it on a tie);
        // dân cư not assessed.
        let two = post_ok(
            &api,
            "/api/v1/database-rounds",
            &w.admin,
            json!({"name": "Đợt 2 năm 2026"}),
        )
        .await["id"]
            .as_i64()
            .unwrap();
        let base = format!("/api/v1/database-rounds/{two}");
        post_ok(
            &api,
            &format!("{base}/assess"),
            &w.byt,
            json!({"database": "csdlqg-y-te", "levels": levels([4; 6])}),
        )
        .await;
        post_ok(
            &api,
            &format!("{base}/assess"),
            &w.btc,
            json!({"database": "csdl-thue", "levels": levels([4; 6])}),
        )
        .await;
        post_ok(
            &api,
            &format!("{base}/reassess"),
            &w.bca,
            json!({"database": "csdl-thue", "levels": levels([4; 6])}),
        )
        .await;
        let r = post_ok(&api, &format!("{base}/publish"), &w.admin, json!({})).await;
        assert_eq!(order(&r), ["csdl-thue", "csdlqg-y-te"], "[{}]", api.backend);
        assert_eq!(r["previous_round_id"], one);
        assert_eq!(row(&r, "csdl-thue")["movement"], 0);
        assert_eq!(row(&r, "csdlqg-y-te")["previous_rank"], 3);
        assert_eq!(row(&r, "csdlqg-y-te")["movement"], 1);
        assert_eq!(r["unassessed"], json!(["Cơ sở dữ liệu quốc gia về dân cư"]));
        // A correction of round 2 lowers y tế to 50 (every criterion changed, each
        // with its reason) and is compared with round 1, not with round 2.
        let three = post_ok(&api, "/api/v1/database-rounds", &w.admin, json!({"name": "Đợt 2 (đính chính)", "replaces": two, "reason": "Thẩm định lại CSDL y tế"})).await["id"].as_i64().unwrap();
        let reasons: Value = ["dung", "du", "sach", "song", "thong_nhat", "dung_chung"]
            .iter()
            .map(|k| (k.to_string(), json!("Kiểm tra tại chỗ")))
            .collect::<serde_json::Map<_, _>>()
            .into();
        post_ok(
            &api,
            &format!("/api/v1/database-rounds/{three}/reassess"),
            &w.bca,
            json!({"database": "csdlqg-y-te", "levels": levels([2; 6]), "reasons": reasons}),
        )
        .await;
        let r = post_ok(
            &api,
            &format!("/api/v1/database-rounds/{three}/publish"),
            &w.admin,
            json!({}),
        )
        .await;
        assert_eq!(r["previous_round_id"], one);
        assert_eq!(row(&r, "csdlqg-y-te")["total"], 50.0);
        assert_eq!(row(&r, "csdlqg-y-te")["rank"], 2);
        assert_eq!(row(&r, "csdlqg-y-te")["movement"], 1);
        let in_force = api.get("/api/v1/databases/ranking", &w.byt).await;
        assert_eq!(in_force["round_id"], three);
        // As of yesterday no round had been published.
        let yesterday = tiendo_core::time::today().pred_opt().unwrap();
        let (s, _) = api
            .call(
                "GET",
                &format!("/api/v1/databases/ranking?as_of={yesterday}"),
                Some(&w.byt),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // The history of y tế: three rounds, round 2 marked replaced.
        let h = api.get("/api/v1/databases/csdlqg-y-te", &w.viewer).await;
        let states: Vec<&str> = h["rounds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["state"].as_str().unwrap())
            .collect();
        assert_eq!(states, ["published", "replaced", "published"]);
    }
}

#[tokio::test]
async fn criteria_versions_are_checked_and_used_by_new_rounds() {
    for api in apis().await {
        let w = build_world(&api).await;
        let list = api.get("/api/v1/database-criteria", &w.viewer).await;
        assert_eq!(list[0]["version"], 0);
        assert_eq!(list[0]["criteria"].as_array().unwrap().len(), 6);
        let body = tiendo_core::dbquality::DEFAULT_CRITERIA.to_string();
        let (s, b) = post(
            &api,
            "/api/v1/database-criteria",
            &w.admin,
            json!({"body": body.replacen("weight = 20", "weight = 30", 1)}),
        )
        .await;
        assert_eq!(
            (s, b["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("body.criterion")),
            "{b}"
        );
        let (s, _) = post(
            &api,
            "/api/v1/database-criteria",
            &w.byt,
            json!({"body": body.clone()}),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Version 1: đúng 40, đủ 0.
        let v1 =
            body.replacen("weight = 20", "weight = 40", 1)
                .replacen("weight = 20", "weight = 0", 1);
        let c = post_ok(
            &api,
            "/api/v1/database-criteria",
            &w.admin,
            json!({"body": v1}),
        )
        .await;
        assert_eq!(c["version"], 1);
        let round = post_ok(
            &api,
            "/api/v1/database-rounds",
            &w.admin,
            json!({"name": "Đợt theo tiêu chí mới"}),
        )
        .await;
        assert_eq!(round["criteria_version"], 1);
        let id = round["id"].as_i64().unwrap();
        post_ok(
            &api,
            &format!("/api/v1/database-rounds/{id}/assess"),
            &w.byt,
            json!({"database": "csdlqg-y-te", "levels": levels([2, 4, 0, 0, 0, 0])}),
        )
        .await;
        let r = api
            .get(&format!("/api/v1/database-rounds/{id}/ranking"), &w.admin)
            .await;
        // 40 × 2/4 + 0 × 4/4 = 20
        assert_eq!(row(&r, "csdlqg-y-te")["total"], 20.0, "[{}]", api.backend);
    }
}

// ---------------------------------------------------------------- pages

async fn page(api: &Api, token: &str, path: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .uri(path)
        .header("cookie", format!("tiendo_session={token}"))
        .body(Body::empty())
        .unwrap();
    let res = api.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).to_string())
}

async fn form(
    api: &Api,
    token: &str,
    path: &str,
    pairs: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header("cookie", format!("tiendo_session={token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded_pairs(pairs)))
        .unwrap();
    let res = api.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024)
        .await
        .unwrap();
    (
        status,
        location,
        String::from_utf8_lossy(&bytes).to_string(),
    )
}

fn serde_urlencoded_pairs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\"").expect("csrf field");
    let tag_start = html[..at].rfind('<').unwrap();
    let tag = &html[tag_start..at + html[at..].find('>').unwrap()];
    let i = tag.find("value=\"").unwrap() + 7;
    tag[i..i + tag[i..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn the_pages_show_the_ranking_a_database_history_and_the_self_assessment_form() {
    for api in apis().await {
        let w = build_world(&api).await;
        // Before any publication: the page says so.
        let (s, html) = page(&api, &w.viewer, "/co-so-du-lieu").await;
        assert_eq!(s, StatusCode::OK, "[{}] {html}", api.backend);
        assert!(
            html.contains("Chưa có đợt đánh giá nào được công bố"),
            "{html}"
        );
        let one = round_one(&api, &w).await;
        post_ok(
            &api,
            &format!("/api/v1/database-rounds/{one}/publish"),
            &w.admin,
            json!({}),
        )
        .await;
        let (s, html) = page(&api, &w.viewer, "/co-so-du-lieu").await;
        assert_eq!(s, StatusCode::OK);
        for text in [
            "Đúng",
            "Đủ",
            "Sạch",
            "Sống",
            "Thống nhất",
            "Dùng chung",
            "Đợt 1 năm 2026",
            "56,25",
            "77,5",
            "Tự đánh giá (chưa thẩm định)",
        ] {
            assert!(html.contains(text), "[{}] {text} missing", api.backend);
        }
        // In the ranking's order.
        let a = html.find("Cơ sở dữ liệu thuế").unwrap();
        let b = html.find("Cơ sở dữ liệu quốc gia về dân cư").unwrap();
        let c = html.find("Cơ sở dữ liệu quốc gia về y tế").unwrap();
        assert!(a < b && b < c);
        assert!(html.contains("href=\"/co-so-du-lieu/csdlqg-y-te\""));
        // English labels.
        let (_, en) = page(&api, &w.viewer, "/co-so-du-lieu?lang=en").await;
        for text in [
            "Correct",
            "Complete",
            "Clean",
            "Live",
            "Consistent",
            "Shared",
            "56.25",
        ] {
            assert!(en.contains(text), "{text} missing in English");
        }
        // As of yesterday nothing had been published.
        let yesterday = tiendo_core::time::today()
            .pred_opt()
            .unwrap()
            .format("%d/%m/%Y")
            .to_string();
        let (s, past) = page(
            &api,
            &w.viewer,
            &format!("/co-so-du-lieu?as_of={yesterday}"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(past.contains("Chưa có đợt đánh giá nào được công bố"));
        // Exported as the page shows it.
        let (s, csv) = page(&api, &w.viewer, "/co-so-du-lieu.csv").await;
        assert_eq!(s, StatusCode::OK);
        assert!(csv.contains("Đợt 1 năm 2026,3,Cơ sở dữ liệu quốc gia về y tế,csdlqg-y-te,CSDL quốc gia,Bộ Y tế,15,15,\"7,5\",15,\"3,75\",0,\"56,25\",Đã thẩm định,,mới"), "{csv}");
        assert!(csv.contains("Đợt 1 năm 2026,1,Cơ sở dữ liệu thuế,csdl-thue,CSDL chuyên ngành,Bộ Tài chính,20,20,15,15,15,15,100,Tự đánh giá (chưa thẩm định),,mới"), "{csv}");
        let (s, xlsx) = page(&api, &w.viewer, "/co-so-du-lieu.xlsx").await;
        assert_eq!(s, StatusCode::OK);
        assert!(xlsx.starts_with("PK"));
        // A database's history.
        let (s, html) = page(&api, &w.byt, "/co-so-du-lieu/csdlqg-y-te").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("Bộ Y tế") && html.contains("Đợt 1 năm 2026") && html.contains("56,25"),
            "{html}"
        );
        let (s, _) = page(&api, &w.byt, "/co-so-du-lieu/khong-co").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // The self-assessment form: the owner's focal point, in an open round.
        post_ok(
            &api,
            "/api/v1/database-rounds",
            &w.admin,
            json!({"name": "Đợt 2 năm 2026"}),
        )
        .await;
        let (s, html) = page(&api, &w.byt, "/co-so-du-lieu/csdlqg-y-te/tu-danh-gia").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("name=\"dung\"") && html.contains("name=\"dung_chung\""));
        assert!(
            html.contains("Từ 95% bản ghi trở lên"),
            "the meaning of each level is shown"
        );
        let token = csrf(&html);
        let (s, location, body) = form(
            &api,
            &w.byt,
            "/co-so-du-lieu/csdlqg-y-te/tu-danh-gia",
            &[
                ("csrf", &token),
                ("dung", "4"),
                ("du", "4"),
                ("sach", "3"),
                ("song", "3"),
                ("thong_nhat", "2"),
                ("dung_chung", "2"),
                ("note", "Đã làm sạch đợt 2"),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
        assert!(
            location.starts_with("/co-so-du-lieu/csdlqg-y-te"),
            "{location}"
        );
        let rounds = api.get("/api/v1/database-rounds", &w.admin).await;
        let open = rounds[0]["id"].as_i64().unwrap();
        let r = api
            .get(&format!("/api/v1/database-rounds/{open}"), &w.byt)
            .await;
        assert_eq!(r["assessments"][0]["self_levels"]["sach"], 3);
        assert_eq!(r["assessments"][0]["self_note"], "Đã làm sạch đợt 2");
        // A level out of the scale shows the form again with the error, nothing lost.
        let (s, _, body) = form(
            &api,
            &w.byt,
            "/co-so-du-lieu/csdlqg-y-te/tu-danh-gia",
            &[
                ("csrf", &token),
                ("dung", "9"),
                ("du", "4"),
                ("sach", "3"),
                ("song", "3"),
                ("thong_nhat", "2"),
                ("dung_chung", "2"),
                ("note", "ghi chú giữ lại"),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains("ghi chú giữ lại") && body.contains("levels.dung"),
            "{body}"
        );
        // Another agency's focal point: refused by the server, the form and the post.
        let (s, _) = page(&api, &w.btc, "/co-so-du-lieu/csdlqg-y-te/tu-danh-gia").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, html) = page(&api, &w.btc, "/co-so-du-lieu/csdl-thue/tu-danh-gia").await;
        let other = csrf(&html);
        let (s, _, _) = form(
            &api,
            &w.btc,
            "/co-so-du-lieu/csdlqg-y-te/tu-danh-gia",
            &[
                ("csrf", &other),
                ("dung", "0"),
                ("du", "0"),
                ("sach", "0"),
                ("song", "0"),
                ("thong_nhat", "0"),
                ("dung_chung", "0"),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let r = api
            .get(&format!("/api/v1/database-rounds/{open}"), &w.admin)
            .await;
        assert_eq!(r["assessments"][0]["self_levels"]["dung"], 4, "unchanged");
    }
}

/// Two ministries share a task due 20/10/2025: Bộ Y tế completes it on 15/10, Bộ
/// Tài chính not at all. October: Y tế 100 (1st), Tài chính 0 (2nd). November:
/// Y tế has nothing scorable, Tài chính is overdue (0, 1st: up one place).
#[tokio::test]
async fn the_rankings_page_and_the_agency_score_block_show_the_published_months() {
    use tiendo_core::policy::{Actor, Role};
    use tiendo_core::time::start_of_day;
    use tiendo_service::import::ImportOptions;
    use tiendo_service::input::{AssignmentPatchInput, DocumentInput};
    use tiendo_store::Stamp;
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    for api in apis().await {
        let w = build_world(&api).await;
        let me = api.get("/api/v1/auth/me", &w.admin).await;
        let office = Actor {
            user_id: me["id"].as_i64().unwrap(),
            username: "vanphong".into(),
            role: Role::Admin,
            agency_id: None,
        };
        let (s, html) = page(&api, &w.viewer, "/xep-hang").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("Chưa có tháng nào được công bố điểm"),
            "{html}"
        );
        let summary = api
            .service
            .import_jsonl(
                &office,
                r#"{"ref": "1", "text": "Hoàn thành kết nối dữ liệu", "lead": ["Bộ Y tế", "Bộ Tài chính"], "deadline": {"kind": "date", "due": "2025-10-20", "raw": "trước ngày 20/10/2025"}}"#,
                ImportOptions {
                    document: Some(DocumentInput { number: Some("98/TB-VPCP".into()), kind: "Thông báo".into(), title: "Thử xếp hạng".into(), issued_on: Some(day("2025-09-01")), issuer: None, signer: None, body: None }),
                    recorded_at: Some(start_of_day(day("2025-09-01")) + 12 * 3_600_000_000),
                },
            )
            .await
            .unwrap();
        let task = summary.task_ids[0];
        let list = api
            .get(&format!("/api/v1/assignments?task={task}"), &w.admin)
            .await;
        let byt_agency = api
            .get("/api/v1/agencies?q=B%E1%BB%99%20Y%20t%E1%BA%BF", &w.admin)
            .await["items"][0]["id"]
            .as_i64()
            .unwrap();
        let byt_assignment = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["agency_id"] == byt_agency)
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        api.service
            .patch_assignment_stamped(
                &office,
                byt_assignment,
                &AssignmentPatchInput {
                    completed_on: Some(day("2025-10-15")),
                    reopen: None,
                    cancelled: None,
                    deadline: None,
                    note: None,
                },
                Stamp::backdated(None, start_of_day(day("2025-10-16")) + 12 * 3_600_000_000),
            )
            .await
            .unwrap();
        for month in ["2025-10", "2025-11"] {
            let (s, b) = api
                .call(
                    "POST",
                    "/api/v1/scores/runs",
                    Some(&w.admin),
                    Some(json!({"month": month, "publish": true})),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "[{}] {b}", api.backend);
        }
        let (s, html) = page(&api, &w.viewer, "/xep-hang?month=2025-10").await;
        assert_eq!(s, StatusCode::OK);
        let y = html.find("Bộ Y tế").unwrap();
        let t = html.find("Bộ Tài chính").unwrap();
        assert!(y < t, "[{}] October: Y tế first", api.backend);
        assert!(
            html.contains(">100<") && html.contains("value=\"2025-11\""),
            "{html}"
        );
        let (_, html) = page(&api, &w.viewer, "/xep-hang").await;
        assert!(
            html.contains("tháng 11/2025"),
            "the latest month by default"
        );
        assert!(html.contains("▲ 1"), "Tài chính moved up one place: {html}");
        assert!(
            !html.contains("Bộ Y tế"),
            "nothing scorable for Y tế in November"
        );
        let (s, csv) = page(&api, &w.viewer, "/xep-hang.csv?month=2025-10").await;
        assert_eq!(s, StatusCode::OK);
        assert!(csv.contains("10/2025,\"Bộ, cơ quan trung ương\",1,Bộ Y tế,100,,mới\r\n10/2025,\"Bộ, cơ quan trung ương\",2,Bộ Tài chính,0,,mới"), "{csv}");
        let (s, xlsx) = page(&api, &w.viewer, "/xep-hang.xlsx").await;
        assert_eq!(s, StatusCode::OK);
        assert!(xlsx.starts_with("PK"));
        let (_, en) = page(&api, &w.viewer, "/xep-hang?lang=en&month=2025-10").await;
        assert!(en.contains("Ministries and central agencies") && en.contains("Monthly rankings"));
        // The agency's report card links to its place.
        let btc_agency = api
            .get(
                "/api/v1/agencies?q=B%E1%BB%99%20T%C3%A0i%20ch%C3%ADnh",
                &w.admin,
            )
            .await["items"][0]["id"]
            .as_i64()
            .unwrap();
        let (s, html) = page(&api, &w.viewer, &format!("/co-quan/{btc_agency}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("Điểm tháng 11/2025") && html.contains("1/1"),
            "[{}] {html}",
            api.backend
        );
        assert!(html.contains("href=\"/xep-hang?month=2025-11#h-central\""));
        // As of a day before any publication: no month offered.
        let yesterday = tiendo_core::time::today()
            .pred_opt()
            .unwrap()
            .format("%d/%m/%Y")
            .to_string();
        let (_, past) = page(&api, &w.viewer, &format!("/xep-hang?as_of={yesterday}")).await;
        assert!(past.contains("Chưa có tháng nào được công bố điểm"));
    }
}

/// Publication stores the ranking computed at a revision of the round; an
/// assessment written after that computation moves the revision, so the stale
/// publication is refused rather than stored without it.
#[tokio::test]
async fn a_publication_computed_before_an_assessment_is_refused() {
    use tiendo_core::dbquality::{RoundResult, Source};
    use tiendo_store::{Stamp, StoreError};
    for api in apis().await {
        let w = build_world(&api).await;
        let round = post_ok(
            &api,
            "/api/v1/database-rounds",
            &w.admin,
            json!({"name": "Đợt thử"}),
        )
        .await;
        let id = round["id"].as_i64().unwrap();
        post_ok(
            &api,
            &format!("/api/v1/database-rounds/{id}/assess"),
            &w.byt,
            json!({"database": "csdlqg-y-te", "levels": levels([4; 6])}),
        )
        .await;
        let stale = api
            .service
            .store
            .get_db_round(id)
            .await
            .unwrap()
            .unwrap()
            .revision;
        assert_eq!(stale, 1);
        post_ok(
            &api,
            &format!("/api/v1/database-rounds/{id}/assess"),
            &w.btc,
            json!({"database": "csdl-thue", "levels": levels([1; 6])}),
        )
        .await;
        let yte = api
            .service
            .store
            .get_database_by_code("csdlqg-y-te")
            .await
            .unwrap()
            .unwrap();
        let results = [RoundResult {
            round_id: id,
            database_id: yte.id,
            source: Source::SelfAssessment,
            levels: Default::default(),
            total_x100: 10_000,
            rank: 1,
        }];
        let refused = api
            .service
            .store
            .publish_db_round(id, stale, &results, "x", &Stamp::now(None))
            .await;
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "[{}] {refused:?}",
            api.backend
        );
        // Nothing was stored; the round publishes normally with both databases.
        assert!(api.service.store.db_results(id).await.unwrap().is_empty());
        let r = post_ok(
            &api,
            &format!("/api/v1/database-rounds/{id}/publish"),
            &w.admin,
            json!({}),
        )
        .await;
        assert_eq!(order(&r), ["csdlqg-y-te", "csdl-thue"]);
    }
}

#[tokio::test]
async fn the_reviewing_agency_reassesses_through_its_form_with_a_reason_per_change() {
    for api in apis().await {
        let w = build_world(&api).await;
        let round = post_ok(
            &api,
            "/api/v1/database-rounds",
            &w.admin,
            json!({"name": "Đợt 1 năm 2026"}),
        )
        .await;
        let id = round["id"].as_i64().unwrap();
        post_ok(
            &api,
            &format!("/api/v1/database-rounds/{id}/assess"),
            &w.byt,
            json!({"database": "csdlqg-y-te", "levels": levels([4, 3, 2, 4, 1, 0])}),
        )
        .await;
        // The owner and the reviewing agency's own database: refused.
        let (s, _) = page(&api, &w.byt, "/co-so-du-lieu/csdlqg-y-te/tham-dinh").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{}]", api.backend);
        let (s, _) = page(&api, &w.bca, "/co-so-du-lieu/csdlqg-dan-cu/tham-dinh").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // The database page offers the reviewer the form, not the owner's.
        let (_, html) = page(&api, &w.bca, "/co-so-du-lieu/csdlqg-y-te").await;
        assert!(
            html.contains("/co-so-du-lieu/csdlqg-y-te/tham-dinh")
                && !html.contains("/co-so-du-lieu/csdlqg-y-te/tu-danh-gia")
        );
        let (s, html) = page(&api, &w.bca, "/co-so-du-lieu/csdlqg-y-te/tham-dinh").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains("tự đánh giá: mức 2") && html.contains("name=\"reason_sach\""),
            "{html}"
        );
        // Starts from the owner's levels.
        assert!(
            html.contains("id=\"sach-2\" name=\"sach\" value=\"2\" checked"),
            "{html}"
        );
        let token = csrf(&html);
        let mut pairs = vec![
            ("csrf", token.as_str()),
            ("dung", "4"),
            ("du", "3"),
            ("sach", "1"),
            ("song", "4"),
            ("thong_nhat", "1"),
            ("dung_chung", "0"),
            ("reason_sach", ""),
        ];
        let (s, _, body) = form(&api, &w.bca, "/co-so-du-lieu/csdlqg-y-te/tham-dinh", &pairs).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("reasons.sach"), "{body}");
        pairs[7] = ("reason_sach", "Còn 7% bản ghi trùng");
        let (s, location, body) =
            form(&api, &w.bca, "/co-so-du-lieu/csdlqg-y-te/tham-dinh", &pairs).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(location, "/co-so-du-lieu/csdlqg-y-te?ok=review");
        let r = api
            .get(&format!("/api/v1/database-rounds/{id}"), &w.admin)
            .await;
        let a = &r["assessments"][0];
        assert_eq!(
            (
                a["review_levels"]["sach"].as_i64(),
                a["review_reasons"]["sach"].as_str()
            ),
            (Some(1), Some("Còn 7% bản ghi trùng"))
        );
        // 20 + 15 + 3.75 + 15 + 3.75 + 0
        assert_eq!(a["total"], 57.5);
        // The owner's form now says the self-assessment is closed.
        let (_, html) = page(&api, &w.byt, "/co-so-du-lieu/csdlqg-y-te/tu-danh-gia").await;
        assert!(html.contains("bản tự đánh giá không thay đổi được nữa"));
    }
}
