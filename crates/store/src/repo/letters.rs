// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod letters {
    //! The official letter (công văn) attached to an extension request (issue 14
    //! item 4): one file, written with the request in one transaction.

    use super::*;
    use crate::evidence_types::{LetterMeta, NewEvidence};

    const META_COLS: &str = "l.id, l.extension_id, x.assignment_id, a.agency_id, l.file_name, l.content_type, l.size_bytes, l.sha256, l.uploaded_by, l.created_at";
    const META_FROM: &str = " FROM extension_letters l JOIN extensions x ON x.id = l.extension_id JOIN assignments a ON a.id = x.assignment_id";

    fn meta_from(row: &DbRow) -> Result<LetterMeta, StoreError> {
        Ok(LetterMeta {
            id: row.try_get("id")?,
            extension_id: row.try_get("extension_id")?,
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

    /// Writes a request and, when given, its letter, each with its audit entry,
    /// in one transaction: a refused letter leaves no request.
    pub async fn create_extension_with_letter(backend: &Backend, x: &NewExtension, previous: &AssignmentState, letter: Option<&NewEvidence>, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let id = super::extensions::insert_extension(&mut tx, x, previous, stamp).await?;
        if let Some(f) = letter {
            let mut sql = Sql::default();
            sql.push_args(
                "INSERT INTO extension_letters (extension_id, file_name, content_type, size_bytes, sha256, uploaded_by, created_at, content) VALUES (?, ?, ?, ?, ?, ?, ?, ",
                [
                    Arg::I64(id),
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
                .fetch_one(&mut *tx)
                .await?;
            let letter_id: i64 = row.try_get(0)?;
            audit(
                &mut tx,
                stamp,
                &Audit {
                    entity: "extension",
                    entity_id: id,
                    action: "attach_letter".into(),
                    changes: serde_json::json!({
                        "letter_id": letter_id, "file_name": f.file_name, "content_type": f.content_type,
                        "size_bytes": f.content.len(), "sha256": f.sha256,
                    }),
                },
            )
            .await?;
        }
        commit(tx).await?;
        Ok(id)
    }

    /// The letters of some requests (without their bytes).
    pub async fn list_letters(pool: &Pool, extension_ids: &[i64]) -> Result<Vec<LetterMeta>, StoreError> {
        let mut out = Vec::new();
        for chunk in extension_ids.chunks(500) {
            let mut sql = Sql::new(&format!("SELECT {META_COLS}{META_FROM} WHERE l.extension_id IN ("));
            sql.push_ids(chunk);
            sql.push(") ORDER BY l.extension_id");
            for row in fetch_all(pool, &sql).await? {
                out.push(meta_from(&row)?);
            }
        }
        Ok(out)
    }

    pub async fn get_letter(pool: &Pool, id: i64) -> Result<Option<LetterMeta>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {META_COLS}{META_FROM} WHERE "));
        sql.push_args("l.id = ?", [Arg::I64(id)]);
        fetch_optional(pool, &sql).await?.as_ref().map(meta_from).transpose()
    }

    /// The bytes of a letter.
    pub async fn letter_content(pool: &Pool, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args("SELECT content FROM extension_letters WHERE id = ?", [Arg::I64(id)]);
        match fetch_optional(pool, &sql).await? {
            Some(row) => Ok(Some(row.try_get::<Vec<u8>, _>("content")?)),
            None => Ok(None),
        }
    }
}
