// Database quality assessment (issue 6 part 7): the register, criteria versions,
// rounds, assessments and published results. Written once for both backends
// (included by `sqlite.rs` and `postgres.rs` after `repo.rs`). Every write is one
// transaction with its history entry.

pub mod dbquality {
    use super::*;
    use std::collections::BTreeMap;
    use tiendo_core::dbquality::{Assessment, DataBase, Levels, NewDataBase, NewRound, Round, RoundResult, Source};

    const DB_COLS: &str = "id, code, name, kind, owner_agency_id, legal_basis, notes, status";

    fn database_from(row: &DbRow) -> Result<DataBase, StoreError> {
        Ok(DataBase {
            id: row.try_get("id")?,
            code: row.try_get("code")?,
            name: row.try_get("name")?,
            kind: row.try_get("kind")?,
            owner_agency_id: row.try_get("owner_agency_id")?,
            legal_basis: row.try_get("legal_basis")?,
            notes: row.try_get("notes")?,
            status: row.try_get("status")?,
        })
    }

    fn database_json(d: &NewDataBase) -> serde_json::Value {
        serde_json::json!({
            "code": d.code, "name": d.name, "kind": d.kind, "owner_agency_id": d.owner_agency_id,
            "legal_basis": d.legal_basis, "notes": d.notes, "status": d.status,
        })
    }

    /// Registers a database.
    pub async fn create_database(backend: &Backend, d: &NewDataBase, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO db_register (code, name, kind, owner_agency_id, legal_basis, notes, status, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                Arg::Text(d.code.clone()),
                Arg::Text(d.name.clone()),
                Arg::Text(d.kind.clone()),
                Arg::I64(d.owner_agency_id),
                Arg::OptText(d.legal_basis.clone()),
                Arg::OptText(d.notes.clone()),
                Arg::Text(d.status.clone()),
                Arg::I64(stamp.recorded_at),
                Arg::I64(stamp.recorded_at),
            ],
        );
        let id = match tx_insert_id(&mut tx, &sql).await {
            Err(StoreError::Duplicate(_)) => return Err(StoreError::Conflict(format!("database code: '{}' is already registered", d.code))),
            other => other?,
        };
        audit(&mut tx, stamp, &Audit { entity: "database", entity_id: id, action: "create".into(), changes: database_json(d) }).await?;
        commit(tx).await?;
        Ok(id)
    }

    /// Changes a registered database (its code stays).
    pub async fn update_database(backend: &Backend, id: i64, d: &NewDataBase, stamp: &Stamp) -> Result<(), StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE db_register SET name = ?, kind = ?, owner_agency_id = ?, legal_basis = ?, notes = ?, status = ?, updated_at = ? WHERE id = ?",
            [
                Arg::Text(d.name.clone()),
                Arg::Text(d.kind.clone()),
                Arg::I64(d.owner_agency_id),
                Arg::OptText(d.legal_basis.clone()),
                Arg::OptText(d.notes.clone()),
                Arg::Text(d.status.clone()),
                Arg::I64(stamp.recorded_at),
                Arg::I64(id),
            ],
        );
        if tx_exec(&mut tx, &sql).await? == 0 {
            return Err(StoreError::NotFound("database"));
        }
        audit(&mut tx, stamp, &Audit { entity: "database", entity_id: id, action: "update".into(), changes: database_json(d) }).await?;
        commit(tx).await?;
        Ok(())
    }

    /// The register, by kind then code.
    pub async fn list_databases(pool: &Pool) -> Result<Vec<DataBase>, StoreError> {
        let sql = Sql::new(&format!("SELECT {DB_COLS} FROM db_register ORDER BY kind, code"));
        fetch_all(pool, &sql).await?.iter().map(database_from).collect()
    }

    pub async fn get_database_by_code(pool: &Pool, code: &str) -> Result<Option<DataBase>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {DB_COLS} FROM db_register WHERE "));
        sql.push_args("code = ?", [Arg::Text(code.into())]);
        fetch_optional(pool, &sql).await?.as_ref().map(database_from).transpose()
    }

    // ------------------------------------------------------------ criteria

    /// Stores a new version of the criteria (the highest version is the active one).
    pub async fn create_db_criteria(backend: &Backend, name: &str, body: &str, stamp: &Stamp) -> Result<RuleSetRow, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let row = tx_optional(&mut tx, &Sql::new("SELECT MAX(version) FROM db_criteria")).await?;
        let latest: Option<i64> = match row {
            Some(r) => r.try_get(0)?,
            None => None,
        };
        let version = latest.unwrap_or(0) + 1;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO db_criteria (version, name, body, created_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
            [Arg::I64(version), Arg::Text(name.into()), Arg::Text(body.into()), Arg::OptI64(stamp.actor_id), Arg::I64(stamp.recorded_at)],
        );
        let id = tx_insert_id(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit { entity: "db_criteria", entity_id: id, action: "create".into(), changes: serde_json::json!({"version": version, "name": name, "body": body}) },
        )
        .await?;
        commit(tx).await?;
        Ok(RuleSetRow { id, version, name: name.into(), body: body.into(), created_by: stamp.actor_id, created_at: stamp.recorded_at })
    }

    /// Every stored criteria version, newest first.
    pub async fn db_criteria(pool: &Pool) -> Result<Vec<RuleSetRow>, StoreError> {
        let sql = Sql::new("SELECT id, version, name, body, created_by, created_at FROM db_criteria ORDER BY version DESC");
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            out.push(RuleSetRow {
                id: row.try_get("id")?,
                version: row.try_get("version")?,
                name: row.try_get("name")?,
                body: row.try_get("body")?,
                created_by: row.try_get("created_by")?,
                created_at: row.try_get("created_at")?,
            });
        }
        Ok(out)
    }

    // ------------------------------------------------------------ rounds

    const ROUND_COLS: &str = "r.id, r.name, r.criteria_version, r.criteria_body, r.replaces, r.reason, r.state, r.revision, r.content_hash, \
         r.published_at, r.published_by, r.created_by, r.created_at, (SELECT x.id FROM db_rounds x WHERE x.replaces = r.id) AS replaced_by";

    fn round_from(row: &DbRow) -> Result<Round, StoreError> {
        Ok(Round {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            criteria_version: row.try_get("criteria_version")?,
            criteria_body: row.try_get("criteria_body")?,
            replaces: row.try_get("replaces")?,
            replaced_by: row.try_get("replaced_by")?,
            reason: row.try_get("reason")?,
            state: row.try_get("state")?,
            revision: row.try_get("revision")?,
            content_hash: row.try_get("content_hash")?,
            published_at: row.try_get("published_at")?,
            published_by: row.try_get("published_by")?,
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
        })
    }

    /// Opens a round. A correction (`replaces`) starts from the assessments of the
    /// round it replaces, copied in the same transaction; a round is replaced at
    /// most once (the database refuses a second: a conflict).
    pub async fn create_db_round(backend: &Backend, r: &NewRound, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO db_rounds (name, criteria_version, criteria_body, replaces, reason, state, revision, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?, 'open', 0, ?, ?) RETURNING id",
            [
                Arg::Text(r.name.clone()),
                Arg::I64(r.criteria_version),
                Arg::Text(r.criteria_body.clone()),
                Arg::OptI64(r.replaces),
                Arg::OptText(r.reason.clone()),
                Arg::OptI64(stamp.actor_id),
                Arg::I64(stamp.recorded_at),
            ],
        );
        let id = match tx_insert_id(&mut tx, &sql).await {
            Err(StoreError::Duplicate(_)) => {
                return Err(StoreError::Conflict(format!("round {} has already been replaced", r.replaces.unwrap_or_default())));
            }
            other => other?,
        };
        let mut copied = 0;
        if let Some(old) = r.replaces {
            let mut sql = Sql::default();
            sql.push_args(
                "INSERT INTO db_assessments (round_id, database_id, self_levels, self_note, self_by, self_at, review_levels, review_reasons, review_note, review_by, review_at) \
                 SELECT ?, database_id, self_levels, self_note, self_by, self_at, review_levels, review_reasons, review_note, review_by, review_at \
                 FROM db_assessments WHERE round_id = ?",
                [Arg::I64(id), Arg::I64(old)],
            );
            copied = tx_exec(&mut tx, &sql).await?;
        }
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "db_round",
                entity_id: id,
                action: "open".into(),
                changes: serde_json::json!({
                    "name": r.name, "criteria_version": r.criteria_version, "replaces": r.replaces,
                    "reason": r.reason, "assessments_copied": copied,
                }),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(id)
    }

    /// Every round, newest first.
    pub async fn db_rounds(pool: &Pool) -> Result<Vec<Round>, StoreError> {
        let sql = Sql::new(&format!("SELECT {ROUND_COLS} FROM db_rounds r ORDER BY r.id DESC"));
        fetch_all(pool, &sql).await?.iter().map(round_from).collect()
    }

    pub async fn get_db_round(pool: &Pool, id: i64) -> Result<Option<Round>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {ROUND_COLS} FROM db_rounds r WHERE "));
        sql.push_args("r.id = ?", [Arg::I64(id)]);
        fetch_optional(pool, &sql).await?.as_ref().map(round_from).transpose()
    }

    // ------------------------------------------------------------ assessments

    fn levels_of(text: Option<String>) -> Option<Levels> {
        text.and_then(|t| serde_json::from_str(&t).ok())
    }

    fn assessment_from(row: &DbRow) -> Result<Assessment, StoreError> {
        Ok(Assessment {
            round_id: row.try_get("round_id")?,
            database_id: row.try_get("database_id")?,
            self_levels: levels_of(row.try_get("self_levels")?),
            self_note: row.try_get("self_note")?,
            self_by: row.try_get("self_by")?,
            self_at: row.try_get("self_at")?,
            review_levels: levels_of(row.try_get("review_levels")?),
            review_reasons: row
                .try_get::<Option<String>, _>("review_reasons")?
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or_default(),
            review_note: row.try_get("review_note")?,
            review_by: row.try_get("review_by")?,
            review_at: row.try_get("review_at")?,
        })
    }

    const ASSESSMENT_COLS: &str = "round_id, database_id, self_levels, self_note, self_by, self_at, review_levels, review_reasons, review_note, review_by, review_at";

    /// A round's assessments, by database.
    pub async fn db_assessments(pool: &Pool, round_id: i64) -> Result<Vec<Assessment>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {ASSESSMENT_COLS} FROM db_assessments WHERE "));
        sql.push_args("round_id = ? ORDER BY database_id", [Arg::I64(round_id)]);
        fetch_all(pool, &sql).await?.iter().map(assessment_from).collect()
    }

    /// Takes the round's row for a write to its assessments: refuses when it is no
    /// longer open, and moves its revision (so a publication computed before this
    /// write fails rather than miss it).
    async fn touch_open_round(tx: &mut Tx<'_>, round_id: i64) -> Result<(), StoreError> {
        let mut sql = Sql::default();
        sql.push_args("UPDATE db_rounds SET revision = revision + 1 WHERE id = ? AND state = 'open'", [Arg::I64(round_id)]);
        if tx_exec(tx, &sql).await? == 0 {
            return Err(StoreError::Conflict(format!("round {round_id} is not open: a published round does not change (a correction is a new round)")));
        }
        Ok(())
    }

    async fn tx_assessment(tx: &mut Tx<'_>, round_id: i64, database_id: i64) -> Result<Option<Assessment>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {ASSESSMENT_COLS} FROM db_assessments WHERE "));
        sql.push_args("round_id = ? AND database_id = ?", [Arg::I64(round_id), Arg::I64(database_id)]);
        tx_optional(tx, &sql).await?.as_ref().map(assessment_from).transpose()
    }

    /// Records (or replaces) the owner's self-assessment of a database in an open
    /// round, while it has not been reassessed.
    pub async fn save_self_assessment(
        backend: &Backend,
        round_id: i64,
        database_id: i64,
        levels: &Levels,
        note: Option<&str>,
        stamp: &Stamp,
    ) -> Result<(), StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        touch_open_round(&mut tx, round_id).await?;
        let before = tx_assessment(&mut tx, round_id, database_id).await?;
        if before.as_ref().is_some_and(|a| a.review_levels.is_some()) {
            return Err(StoreError::Conflict("this database has already been reassessed in this round; the self-assessment no longer changes".into()));
        }
        let text = serde_json::to_string(levels).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO db_assessments (round_id, database_id, self_levels, self_note, self_by, self_at) VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (round_id, database_id) DO UPDATE SET self_levels = excluded.self_levels, self_note = excluded.self_note, \
             self_by = excluded.self_by, self_at = excluded.self_at",
            [
                Arg::I64(round_id),
                Arg::I64(database_id),
                Arg::Text(text),
                Arg::OptText(note.map(str::to_string)),
                Arg::OptI64(stamp.actor_id),
                Arg::I64(stamp.recorded_at),
            ],
        );
        tx_exec(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "db_assessment",
                entity_id: database_id,
                action: "self_assess".into(),
                changes: serde_json::json!({
                    "round_id": round_id, "levels": levels, "note": note,
                    "previous": before.and_then(|b| b.self_levels),
                }),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(())
    }

    /// Records (or replaces) the reviewing agency's reassessment in an open round,
    /// with a reason for each criterion it changes.
    pub async fn save_review(
        backend: &Backend,
        round_id: i64,
        database_id: i64,
        levels: &Levels,
        reasons: &BTreeMap<String, String>,
        note: Option<&str>,
        stamp: &Stamp,
    ) -> Result<(), StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        touch_open_round(&mut tx, round_id).await?;
        let before = tx_assessment(&mut tx, round_id, database_id).await?;
        let text = serde_json::to_string(levels).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let reasons_text = serde_json::to_string(reasons).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO db_assessments (round_id, database_id, review_levels, review_reasons, review_note, review_by, review_at) VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (round_id, database_id) DO UPDATE SET review_levels = excluded.review_levels, review_reasons = excluded.review_reasons, \
             review_note = excluded.review_note, review_by = excluded.review_by, review_at = excluded.review_at",
            [
                Arg::I64(round_id),
                Arg::I64(database_id),
                Arg::Text(text),
                Arg::Text(reasons_text),
                Arg::OptText(note.map(str::to_string)),
                Arg::OptI64(stamp.actor_id),
                Arg::I64(stamp.recorded_at),
            ],
        );
        tx_exec(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "db_assessment",
                entity_id: database_id,
                action: "reassess".into(),
                changes: serde_json::json!({
                    "round_id": round_id, "levels": levels, "reasons": reasons, "note": note,
                    "self_levels": before.as_ref().and_then(|b| b.self_levels.clone()),
                    "previous": before.and_then(|b| b.review_levels),
                }),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(())
    }

    // ------------------------------------------------------------ publication

    /// Publishes a round: its results and content hash, in one transaction with
    /// the history entry. Refused when the round is not open or its assessments
    /// changed since `revision` (the results would be stale).
    pub async fn publish_db_round(
        backend: &Backend,
        round_id: i64,
        revision: i64,
        results: &[RoundResult],
        content_hash: &str,
        stamp: &Stamp,
    ) -> Result<(), StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE db_rounds SET state = 'published', content_hash = ?, published_at = ?, published_by = ? WHERE id = ? AND state = 'open' AND revision = ?",
            [Arg::Text(content_hash.into()), Arg::I64(stamp.recorded_at), Arg::OptI64(stamp.actor_id), Arg::I64(round_id), Arg::I64(revision)],
        );
        if tx_exec(&mut tx, &sql).await? == 0 {
            return Err(StoreError::Conflict(format!("round {round_id} is already published or its assessments changed meanwhile; reload and publish again")));
        }
        let rows: Vec<Vec<Arg>> = results
            .iter()
            .map(|r| {
                vec![
                    Arg::I64(round_id),
                    Arg::I64(r.database_id),
                    Arg::Text(r.source.as_str().into()),
                    Arg::Text(serde_json::to_string(&r.levels).unwrap_or_else(|_| "{}".into())),
                    Arg::I64(r.total_x100),
                    Arg::I64(r.rank),
                ]
            })
            .collect();
        for chunk in rows.chunks(100) {
            tx_insert_rows(&mut tx, "INSERT INTO db_results (round_id, database_id, source, levels, total_x100, rank_in_round)", 6, chunk).await?;
        }
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "db_round",
                entity_id: round_id,
                action: "publish".into(),
                changes: serde_json::json!({"content_hash": content_hash, "ranked": results.len(), "revision": revision}),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(())
    }

    fn result_from(row: &DbRow) -> Result<RoundResult, StoreError> {
        let source: String = row.try_get("source")?;
        Ok(RoundResult {
            round_id: row.try_get("round_id")?,
            database_id: row.try_get("database_id")?,
            source: Source::parse(&source).unwrap_or(Source::SelfAssessment),
            levels: levels_of(row.try_get("levels")?).unwrap_or_default(),
            total_x100: row.try_get("total_x100")?,
            rank: row.try_get("rank_in_round")?,
        })
    }

    /// A published round's results, by rank.
    pub async fn db_results(pool: &Pool, round_id: i64) -> Result<Vec<RoundResult>, StoreError> {
        let mut sql = Sql::new("SELECT round_id, database_id, source, levels, total_x100, rank_in_round FROM db_results WHERE ");
        sql.push_args("round_id = ? ORDER BY rank_in_round", [Arg::I64(round_id)]);
        fetch_all(pool, &sql).await?.iter().map(result_from).collect()
    }

    /// A database's results in every published round, oldest round first.
    pub async fn db_results_of(pool: &Pool, database_id: i64) -> Result<Vec<RoundResult>, StoreError> {
        let mut sql = Sql::new("SELECT round_id, database_id, source, levels, total_x100, rank_in_round FROM db_results WHERE ");
        sql.push_args("database_id = ? ORDER BY round_id", [Arg::I64(database_id)]);
        fetch_all(pool, &sql).await?.iter().map(result_from).collect()
    }
}
