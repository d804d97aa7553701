// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod documents {
    //! Documents, the texts tasks come from: how they are cited, written, looked
    //! up and listed.

    use super::*;

    const DOCUMENT_COLS: &str = "d.id, d.number, d.kind, d.title, d.issued_on, d.issuer, d.signer, (d.body IS NOT NULL) AS has_text, \
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

    fn document_from(row: &DbRow) -> Result<Document, StoreError> {
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

    pub(super) fn document_search_text(d: &NewDocument) -> String {
        fold(&format!(
            "{} {} {} {}",
            d.number.as_deref().unwrap_or(""),
            d.kind,
            d.title,
            d.issuer.as_deref().unwrap_or("")
        ))
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
                Arg::Text(document_search_text(d)),
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
                Arg::Text(document_search_text(d)),
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
