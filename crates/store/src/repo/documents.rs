// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod documents {
    //! Documents, the texts tasks come from: how they are cited, written, looked
    //! up and listed.

    use super::*;

    pub(super) const DOCUMENT_COLS: &str = "d.id, d.number, d.kind, d.title, d.issued_on, d.issuer, d.signer, (d.body IS NOT NULL) AS has_text, \
         (SELECT COUNT(*) FROM tasks t WHERE t.document_id = d.id) AS task_count, d.created_at, d.updated_at";

    /// How reports cite a document: "Thông báo số 624/TB-VPCP ngày 16/11/2025".
    pub fn citation(kind: &str, number: Option<&str>, issued_on: Option<NaiveDate>, title: &str) -> String {
        match (number, issued_on) {
            (Some(n), Some(d)) => format!("{kind} số {n} ngày {}", format_date_vi(d)),
            (Some(n), None) => format!("{kind} số {n}"),
            (None, Some(d)) => format!("{title} ({})", format_date_vi(d)),
            (None, None) => title.to_string(),
        }
    }

    pub(super) fn document_from(row: &DbRow) -> Result<Document, StoreError> {
        let kind: String = row.try_get("kind")?;
        let number: Option<String> = row.try_get("number")?;
        let issued_on: Option<NaiveDate> = row.try_get("issued_on")?;
        let title: String = row.try_get("title")?;
        Ok(Document {
            id: row.try_get("id")?,
            citation: citation(&kind, number.as_deref(), issued_on, &title),
            number,
            kind,
            title,
            issued_on,
            issuer: row.try_get("issuer")?,
            signer: row.try_get("signer")?,
            has_text: row.try_get("has_text")?,
            task_count: row.try_get("task_count")?,
            created_at: instant_rfc3339(row.try_get("created_at")?),
            updated_at: instant_rfc3339(row.try_get("updated_at")?),
        })
    }

    /// The folded search key of a document: its number, kind, title, issuer and
    /// whole text (migration 0019 added the text; `refold_documents`).
    pub(super) fn document_search_text(d: &NewDocument, body: Option<&str>) -> String {
        search_key(d.number.as_deref(), &d.kind, &d.title, d.issuer.as_deref(), body)
    }

    fn search_key(number: Option<&str>, kind: &str, title: &str, issuer: Option<&str>, body: Option<&str>) -> String {
        fold(&format!("{} {} {} {} {}", number.unwrap_or(""), kind, title, issuer.unwrap_or(""), body.unwrap_or("")))
    }

    /// The migration whose Rust step folds every document's text into its search
    /// key (0019_document_text_search.sql).
    pub const DOCUMENT_TEXT_MIGRATION: i64 = 19;

    /// Recomputes the search key of every document (the Rust step of migration
    /// 0019: SQL cannot fold Vietnamese), a hundred documents at a time, in the
    /// migration's transaction. Derived data: no history entry.
    pub(super) async fn refold_documents(tx: &mut Tx<'_>) -> Result<u64, StoreError> {
        let mut after = 0_i64;
        let mut done = 0;
        loop {
            let mut sql = Sql::default();
            sql.push_args(
                "SELECT id, number, kind, title, issuer, body FROM documents WHERE id > ? ORDER BY id LIMIT 100",
                [Arg::I64(after)],
            );
            let text = sql.text_for(POSITIONAL_PARAMETERS);
            let rows = bind(sqlx::query(sqlx::AssertSqlSafe(text)), &sql.args).fetch_all(&mut **tx).await?;
            if rows.is_empty() {
                return Ok(done);
            }
            for row in &rows {
                let id: i64 = row.try_get("id")?;
                let number: Option<String> = row.try_get("number")?;
                let issuer: Option<String> = row.try_get("issuer")?;
                let body: Option<String> = row.try_get("body")?;
                let key = search_key(
                    number.as_deref(),
                    &row.try_get::<String, _>("kind")?,
                    &row.try_get::<String, _>("title")?,
                    issuer.as_deref(),
                    body.as_deref(),
                );
                let mut up = Sql::default();
                up.push_args("UPDATE documents SET search_text = ? WHERE id = ?", [Arg::Text(key), Arg::I64(id)]);
                tx_exec(tx, &up).await?;
                after = id;
                done += 1;
            }
        }
    }

    pub async fn create_document(backend: &Backend, d: &NewDocument, stamp: &Stamp) -> Result<Document, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO documents (number, kind, title, issued_on, issuer, signer, body, search_text, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                Arg::OptText(d.number.clone()),
                Arg::Text(d.kind.clone()),
                Arg::Text(d.title.clone()),
                Arg::OptDate(d.issued_on),
                Arg::OptText(d.issuer.clone()),
                Arg::OptText(d.signer.clone()),
                Arg::OptText(d.body.clone()),
                Arg::Text(document_search_text(d, d.body.as_deref())),
                Arg::I64(stamp.recorded_at),
                Arg::I64(stamp.recorded_at),
            ],
        );
        let id = tx_insert_id(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "document",
                entity_id: id,
                action: "create".into(),
                changes: serde_json::json!({"number": d.number, "kind": d.kind, "title": d.title, "issued_on": d.issued_on, "issuer": d.issuer, "signer": d.signer, "has_text": d.body.is_some()}),
            },
        )
        .await?;
        commit(tx).await?;
        get_document(&backend.pool, id).await?.ok_or(StoreError::NotFound("document"))
    }

    pub async fn update_document(
        backend: &Backend,
        id: i64,
        d: &NewDocument,
        stamp: &Stamp,
    ) -> Result<Document, StoreError> {
        let before = get_document(&backend.pool, id).await?.ok_or(StoreError::NotFound("document"))?;
        let (_guard, mut tx) = backend.begin().await?;
        // The search key holds the text: the new one, else the one kept.
        let body = match &d.body {
            Some(body) => Some(body.clone()),
            None => {
                let mut sql = Sql::default();
                sql.push_args("SELECT body FROM documents WHERE id = ?", [Arg::I64(id)]);
                match tx_optional(&mut tx, &sql).await? {
                    Some(row) => row.try_get::<Option<String>, _>("body")?,
                    None => None,
                }
            }
        };
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE documents SET number = ?, kind = ?, title = ?, issued_on = ?, issuer = ?, signer = ?, search_text = ?, updated_at = ? WHERE id = ?",
            [
                Arg::OptText(d.number.clone()),
                Arg::Text(d.kind.clone()),
                Arg::Text(d.title.clone()),
                Arg::OptDate(d.issued_on),
                Arg::OptText(d.issuer.clone()),
                Arg::OptText(d.signer.clone()),
                Arg::Text(document_search_text(d, body.as_deref())),
                Arg::I64(stamp.recorded_at),
                Arg::I64(id),
            ],
        );
        tx_exec(&mut tx, &sql).await?;
        if let Some(body) = &d.body {
            let mut sql = Sql::default();
            sql.push_args("UPDATE documents SET body = ? WHERE id = ?", [Arg::Text(body.clone()), Arg::I64(id)]);
            tx_exec(&mut tx, &sql).await?;
        }
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "document",
                entity_id: id,
                action: "update".into(),
                changes: serde_json::json!({
                    "before": {"number": before.number, "kind": before.kind, "title": before.title, "issued_on": before.issued_on, "issuer": before.issuer, "signer": before.signer},
                    "after": {"number": d.number, "kind": d.kind, "title": d.title, "issued_on": d.issued_on, "issuer": d.issuer, "signer": d.signer},
                }),
            },
        )
        .await?;
        commit(tx).await?;
        get_document(&backend.pool, id).await?.ok_or(StoreError::NotFound("document"))
    }

    pub async fn get_document(pool: &Pool, id: i64) -> Result<Option<Document>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {DOCUMENT_COLS} FROM documents d WHERE "));
        sql.push_args("d.id = ?", [Arg::I64(id)]);
        fetch_optional(pool, &sql).await?.as_ref().map(document_from).transpose()
    }

    pub async fn get_document_body(pool: &Pool, id: i64) -> Result<Option<String>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args("SELECT body FROM documents WHERE id = ?", [Arg::I64(id)]);
        Ok(match fetch_optional(pool, &sql).await? {
            Some(row) => row.try_get("body")?,
            None => None,
        })
    }

    pub async fn find_document_by_number(pool: &Pool, number: &str) -> Result<Option<Document>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {DOCUMENT_COLS} FROM documents d WHERE "));
        sql.push_args("d.number = ?", [Arg::Text(number.into())]);
        fetch_optional(pool, &sql).await?.as_ref().map(document_from).transpose()
    }

    pub async fn count_documents(pool: &Pool) -> Result<i64, StoreError> {
        count(pool, &Sql::new("SELECT COUNT(*) FROM documents")).await
    }

    pub async fn list_documents(pool: &Pool, f: &DocumentFilter) -> Result<(Vec<Document>, i64), StoreError> {
        let mut wh = Sql::new(" WHERE 1=1");
        for word in f.q.as_deref().map(fold).unwrap_or_default().split(' ').filter(|w| !w.is_empty()) {
            wh.push_args(" AND d.search_text LIKE ?", [Arg::Text(format!("%{word}%"))]);
        }
        if let Some(kind) = &f.kind {
            wh.push_args(" AND d.kind = ?", [Arg::Text(kind.clone())]);
        }
        if let Some(from) = f.issued_from {
            wh.push_args(" AND d.issued_on >= ?", [Arg::Date(from)]);
        }
        if let Some(to) = f.issued_to {
            wh.push_args(" AND d.issued_on <= ?", [Arg::Date(to)]);
        }
        if let Some(agency) = f.agency_id {
            wh.push_args(
                " AND d.id IN (SELECT t.document_id FROM tasks t JOIN assignments a ON a.task_id = t.id WHERE a.agency_id = ?)",
                [Arg::I64(agency)],
            );
        }
        // As of a day: the documents recorded by then and not issued after it,
        // each with the tasks known by then.
        let cols = match f.known_by {
            Some(t) => {
                wh.push_args(" AND d.created_at < ?", [Arg::I64(t)]);
                wh.push_args(" AND (d.issued_on IS NULL OR d.issued_on <= ?)", [Arg::Date(tiendo_core::time::day_of(t - 1))]);
                // `t` is an integer computed here, never user text.
                DOCUMENT_COLS.replace(
                    "WHERE t.document_id = d.id)",
                    &format!("WHERE t.document_id = d.id AND t.created_at < {t})"),
                )
            }
            None => DOCUMENT_COLS.to_string(),
        };
        let from_where = Sql { text: format!(" FROM documents d{}", wh.text), args: wh.args };
        paged(pool, &cols, from_where, "d.issued_on DESC, d.id DESC", f.page, f.per_page, document_from).await
    }
}
