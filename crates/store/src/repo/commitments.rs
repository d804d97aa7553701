// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod commitments {
    //! Commitments: the completion dates agencies commit to for their assignments.

    use super::*;

    const COMMITMENT_COLS: &str = "c.id, c.assignment_id, a.agency_id, c.committed_on, c.original_due, c.letter_number, c.note, c.created_by, c.created_at, c.updated_at";

    fn commitment_from(row: &DbRow) -> Result<CommitmentRow, StoreError> {
        Ok(CommitmentRow {
            id: row.try_get("id")?,
            assignment_id: row.try_get("assignment_id")?,
            agency_id: row.try_get("agency_id")?,
            committed_on: row.try_get("committed_on")?,
            original_due: row.try_get("original_due")?,
            letter_number: row.try_get("letter_number")?,
            note: row.try_get("note")?,
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }

    pub async fn create_commitment(backend: &Backend, c: &NewCommitment, original_due: Option<NaiveDate>, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO commitments (assignment_id, committed_on, original_due, letter_number, note, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                Arg::I64(c.assignment_id),
                Arg::Date(c.committed_on),
                Arg::OptDate(original_due),
                Arg::OptText(c.letter_number.clone()),
                Arg::OptText(c.note.clone()),
                Arg::I64(c.created_by),
                Arg::I64(stamp.recorded_at),
                Arg::I64(stamp.recorded_at),
            ],
        );
        let id = tx_insert_id(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "commitment",
                entity_id: id,
                action: "create".into(),
                changes: serde_json::json!({"assignment_id": c.assignment_id, "committed_on": c.committed_on, "original_due": original_due, "letter_number": c.letter_number, "note": c.note}),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(id)
    }

    pub async fn update_commitment(backend: &Backend, id: i64, committed_on: NaiveDate, letter_number: Option<String>, note: Option<String>, stamp: &Stamp) -> Result<(), StoreError> {
        let before = get_commitment(&backend.pool, id).await?.ok_or(StoreError::NotFound("commitment"))?;
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE commitments SET committed_on = ?, letter_number = ?, note = ?, updated_at = ? WHERE id = ?",
            [Arg::Date(committed_on), Arg::OptText(letter_number.clone()), Arg::OptText(note.clone()), Arg::I64(stamp.recorded_at), Arg::I64(id)],
        );
        tx_exec(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "commitment",
                entity_id: id,
                action: "update".into(),
                changes: serde_json::json!({
                    "before": {"committed_on": before.committed_on, "letter_number": before.letter_number, "note": before.note},
                    "after": {"committed_on": committed_on, "letter_number": letter_number, "note": note},
                }),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(())
    }

    pub async fn get_commitment(pool: &Pool, id: i64) -> Result<Option<CommitmentRow>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {COMMITMENT_COLS} FROM commitments c JOIN assignments a ON a.id = c.assignment_id WHERE "));
        sql.push_args("c.id = ?", [Arg::I64(id)]);
        fetch_optional(pool, &sql).await?.as_ref().map(commitment_from).transpose()
    }

    pub async fn list_commitments(pool: &Pool, f: &CommitmentFilter) -> Result<(Vec<CommitmentRow>, i64), StoreError> {
        let mut wh = Sql::new(" WHERE 1=1");
        if let Some(v) = f.assignment_id {
            wh.push_args(" AND c.assignment_id = ?", [Arg::I64(v)]);
        }
        if let Some(v) = f.agency_id {
            wh.push_args(" AND a.agency_id = ?", [Arg::I64(v)]);
        }
        if let Some(v) = f.confined_to {
            wh.push_args(" AND a.agency_id = ?", [Arg::I64(v)]);
        }
        if let Some(t) = f.known_by {
            wh.push_args(" AND c.created_at < ?", [Arg::I64(t)]);
        }
        let from = " FROM commitments c JOIN assignments a ON a.id = c.assignment_id";
        let from_where = Sql { text: format!("{from}{}", wh.text), args: wh.args };
        paged(pool, COMMITMENT_COLS, from_where, "c.id DESC", f.page, f.per_page, commitment_from).await
    }
}
