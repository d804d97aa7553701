// Evidence files of progress reports, written once for both backends. A report
// and its files are written in one transaction: a refused report leaves no file.

pub mod evidence {
    use super::*;
    use crate::evidence_types::{EvidenceMeta, NewEvidence};

    const META_COLS: &str = "f.id, f.report_id, r.assignment_id, a.agency_id, f.file_name, f.content_type, f.size_bytes, f.sha256, f.uploaded_by, f.created_at";
    const META_FROM: &str = " FROM evidence_files f JOIN progress_reports r ON r.id = f.report_id JOIN assignments a ON a.id = r.assignment_id";

    fn meta_from(row: &DbRow) -> Result<EvidenceMeta, StoreError> {
        Ok(EvidenceMeta {
            id: row.try_get("id")?,
            report_id: row.try_get("report_id")?,
            assignment_id: row.try_get("assignment_id")?,
            agency_id: row.try_get("agency_id")?,
            file_name: row.try_get("file_name")?,
            content_type: row.try_get("content_type")?,
            size_bytes: row.try_get("size_bytes")?,
            sha256: row.try_get("sha256")?,
            uploaded_by: row.try_get("uploaded_by")?,
            created_at: instant_rfc3339(row.try_get("created_at")?),
        })
    }

    /// Inserts the files of a report inside its transaction, each with its audit entry.
    async fn insert_files(tx: &mut Tx<'_>, report_id: i64, files: &[NewEvidence], stamp: &Stamp) -> Result<Vec<i64>, StoreError> {
        let mut ids = Vec::with_capacity(files.len());
        for f in files {
            let mut sql = Sql::default();
            sql.push_args(
                "INSERT INTO evidence_files (report_id, file_name, content_type, size_bytes, sha256, uploaded_by, created_at, content) VALUES (?, ?, ?, ?, ?, ?, ?, ",
                [
                    Arg::I64(report_id),
                    Arg::Text(f.file_name.clone()),
                    Arg::Text(f.content_type.clone()),
                    Arg::I64(f.content.len() as i64),
                    Arg::Text(f.sha256.clone()),
                    Arg::OptI64(stamp.actor_id),
                    Arg::I64(stamp.recorded_at),
                ],
            );
            // The bytes are the last parameter, bound after the others.
            let blob = format!("${}", sql.args.len() + 1);
            sql.push(&blob);
            sql.push(") RETURNING id");
            let row = bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args)
                .bind(f.content.as_slice())
                .fetch_one(&mut **tx)
                .await?;
            let id: i64 = row.try_get(0)?;
            audit(
                tx,
                stamp,
                &Audit {
                    entity: "progress_report",
                    entity_id: report_id,
                    action: "attach_evidence".into(),
                    changes: serde_json::json!({
                        "evidence_id": id, "file_name": f.file_name, "content_type": f.content_type,
                        "size_bytes": f.content.len(), "sha256": f.sha256,
                    }),
                },
            )
            .await?;
            ids.push(id);
        }
        Ok(ids)
    }

    /// Writes a progress report and its evidence files in one transaction (the
    /// same report row and audit entry as `create_report`).
    pub async fn create_report_with_evidence(backend: &Backend, r: &NewReport, files: &[NewEvidence], stamp: &Stamp) -> Result<(i64, Vec<i64>), StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let id = insert_report(&mut tx, r, stamp).await?;
        let files = insert_files(&mut tx, id, files, stamp).await?;
        commit(tx).await?;
        Ok((id, files))
    }

    /// Attaches files to an existing report that has not been accepted.
    pub async fn add_evidence(backend: &Backend, report_id: i64, files: &[NewEvidence], stamp: &Stamp) -> Result<Vec<i64>, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args("SELECT review_state FROM progress_reports WHERE id = ?", [Arg::I64(report_id)]);
        let Some(row) = tx_optional(&mut tx, &sql).await? else {
            return Err(StoreError::NotFound("progress report"));
        };
        let state: String = row.try_get("review_state")?;
        if state == "accepted" {
            return Err(StoreError::Conflict("an accepted report cannot be changed".into()));
        }
        let ids = insert_files(&mut tx, report_id, files, stamp).await?;
        commit(tx).await?;
        Ok(ids)
    }

    /// The files of some reports (without their bytes), oldest first.
    pub async fn list_evidence(pool: &Pool, report_ids: &[i64]) -> Result<Vec<EvidenceMeta>, StoreError> {
        let mut out = Vec::new();
        for chunk in report_ids.chunks(500) {
            let mut sql = Sql::new(&format!("SELECT {META_COLS}{META_FROM} WHERE f.report_id IN ("));
            sql.push_ids(chunk);
            sql.push(") ORDER BY f.report_id, f.id");
            for row in fetch_all(pool, &sql).await? {
                out.push(meta_from(&row)?);
            }
        }
        Ok(out)
    }

    pub async fn get_evidence(pool: &Pool, id: i64) -> Result<Option<EvidenceMeta>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {META_COLS}{META_FROM} WHERE "));
        sql.push_args("f.id = ?", [Arg::I64(id)]);
        fetch_optional(pool, &sql).await?.as_ref().map(meta_from).transpose()
    }

    /// The bytes of a file.
    pub async fn evidence_content(pool: &Pool, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args("SELECT content FROM evidence_files WHERE id = ?", [Arg::I64(id)]);
        match fetch_optional(pool, &sql).await? {
            Some(row) => Ok(Some(row.try_get::<Vec<u8>, _>("content")?)),
            None => Ok(None),
        }
    }

    /// Imported documents that have drafts, latest import first: (document id,
    /// drafts still proposed, all drafts). For the office's queue.
    pub async fn documents_with_drafts(pool: &Pool, limit: i64) -> Result<Vec<(i64, i64, i64)>, StoreError> {
        let mut sql = Sql::new(
            "SELECT document_id, SUM(CASE WHEN state = 'proposed' THEN 1 ELSE 0 END) AS proposed, COUNT(*) AS total \
             FROM task_drafts GROUP BY document_id ORDER BY MAX(id) DESC",
        );
        let l = sql.arg(Arg::I64(limit));
        sql.push(&format!(" LIMIT {l}"));
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            out.push((row.try_get("document_id")?, row.try_get("proposed")?, row.try_get("total")?));
        }
        Ok(out)
    }
}
