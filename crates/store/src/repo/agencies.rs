// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod agencies {
    //! Agencies: the reference list synced at start-up, the office's additions and
    //! edits, lookups and lists.

    use super::*;

    pub(super) const AGENCY_COLS: &str = "id, code, kind, name, short_name, bare, aliases, groups_json, valid_from, valid_to, successor_id, parent_id";

    pub(super) fn agency_from(row: &DbRow) -> Result<Agency, StoreError> {
        Ok(Agency {
            id: row.try_get("id")?,
            code: row.try_get("code")?,
            kind: row.try_get("kind")?,
            name: row.try_get("name")?,
            short_name: row.try_get("short_name")?,
            bare: row.try_get("bare")?,
            aliases: json_list(&row.try_get::<String, _>("aliases")?),
            groups: json_list(&row.try_get::<String, _>("groups_json")?),
            valid_from: row.try_get("valid_from")?,
            valid_to: row.try_get("valid_to")?,
            successor_id: row.try_get("successor_id")?,
            parent_id: row.try_get("parent_id")?,
        })
    }

    fn agency_search_text(a: &NewAgency) -> String {
        let mut text = vec![a.code.clone(), a.name.clone()];
        text.extend(a.short_name.iter().cloned());
        text.extend(a.bare.iter().cloned());
        text.extend(a.aliases.iter().cloned());
        fold(&text.join(" "))
    }

    /// Inserts the agencies whose code is not there yet, then links successors and
    /// parents. Existing rows are left as the office may have edited them. Returns how
    /// many were inserted.
    pub async fn sync_agencies(backend: &Backend, agencies: &[NewAgency]) -> Result<usize, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let now = now_micros();
        let mut inserted = 0;
        for a in agencies {
            let mut sql = Sql::default();
            sql.push_args(
                "INSERT INTO agencies (code, kind, name, short_name, bare, aliases, groups_json, valid_from, valid_to, search_text, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
                [
                    Arg::Text(a.code.clone()),
                    Arg::Text(a.kind.clone()),
                    Arg::Text(a.name.clone()),
                    Arg::OptText(a.short_name.clone()),
                    Arg::OptText(a.bare.clone()),
                    Arg::Text(serde_json::to_string(&a.aliases).unwrap_or_default()),
                    Arg::Text(serde_json::to_string(&a.groups).unwrap_or_default()),
                    Arg::OptDate(a.valid_from),
                    Arg::OptDate(a.valid_to),
                    Arg::Text(agency_search_text(a)),
                    Arg::I64(now),
                    Arg::I64(now),
                ],
            );
            inserted += tx_exec(&mut tx, &sql).await? as usize;
        }
        for a in agencies {
            for (column, target) in [("successor_id", &a.successor_code), ("parent_id", &a.parent_code)] {
                if let Some(target) = target {
                    let mut sql = Sql::default();
                    sql.push(&format!("UPDATE agencies SET {column} = (SELECT id FROM agencies WHERE code = "));
                    sql.push_args("?) WHERE code = ? AND ", [Arg::Text(target.clone()), Arg::Text(a.code.clone())]);
                    sql.push(&format!("{column} IS NULL"));
                    tx_exec(&mut tx, &sql).await?;
                }
            }
        }
        commit(tx).await?;
        Ok(inserted)
    }

    pub async fn create_agency(backend: &Backend, a: &NewAgency, stamp: &Stamp) -> Result<Agency, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let id = insert_agency(&mut tx, a, stamp, serde_json::Value::Null).await?;
        commit(tx).await?;
        get_agency(&backend.pool, id).await?.ok_or(StoreError::NotFound("agency"))
    }

    /// Inserts an agency and its audit entry in a write transaction; `origin`, when
    /// not null, says where it came from (a confirmed draft).
    pub(super) async fn insert_agency(tx: &mut Tx<'_>, a: &NewAgency, stamp: &Stamp, origin: serde_json::Value) -> Result<i64, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO agencies (code, kind, name, short_name, bare, aliases, groups_json, valid_from, valid_to, successor_id, parent_id, search_text, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT id FROM agencies WHERE code = ?), (SELECT id FROM agencies WHERE code = ?), ?, ?, ?) RETURNING id",
            [
                Arg::Text(a.code.clone()),
                Arg::Text(a.kind.clone()),
                Arg::Text(a.name.clone()),
                Arg::OptText(a.short_name.clone()),
                Arg::OptText(a.bare.clone()),
                Arg::Text(serde_json::to_string(&a.aliases).unwrap_or_default()),
                Arg::Text(serde_json::to_string(&a.groups).unwrap_or_default()),
                Arg::OptDate(a.valid_from),
                Arg::OptDate(a.valid_to),
                Arg::OptText(a.successor_code.clone()),
                Arg::OptText(a.parent_code.clone()),
                Arg::Text(agency_search_text(a)),
                Arg::I64(stamp.recorded_at),
                Arg::I64(stamp.recorded_at),
            ],
        );
        let id = tx_insert_id(tx, &sql).await?;
        let mut changes = serde_json::json!({"code": a.code, "kind": a.kind, "name": a.name, "short_name": a.short_name, "aliases": a.aliases, "groups": a.groups});
        if a.parent_code.is_some() {
            changes["parent"] = serde_json::json!(a.parent_code);
        }
        if !origin.is_null() {
            changes["from"] = origin;
        }
        audit(tx, stamp, &Audit { entity: "agency", entity_id: id, action: "create".into(), changes }).await?;
        Ok(id)
    }

    /// Replaces an agency's editable fields, recording old and new values.
    pub async fn update_agency(
        backend: &Backend,
        id: i64,
        a: &NewAgency,
        stamp: &Stamp,
    ) -> Result<Agency, StoreError> {
        let before = get_agency(&backend.pool, id).await?.ok_or(StoreError::NotFound("agency"))?;
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE agencies SET kind = ?, name = ?, short_name = ?, bare = ?, aliases = ?, groups_json = ?, valid_from = ?, valid_to = ?, \
             successor_id = (SELECT id FROM agencies WHERE code = ?), parent_id = (SELECT id FROM agencies WHERE code = ?), search_text = ?, updated_at = ? WHERE id = ?",
            [
                Arg::Text(a.kind.clone()),
                Arg::Text(a.name.clone()),
                Arg::OptText(a.short_name.clone()),
                Arg::OptText(a.bare.clone()),
                Arg::Text(serde_json::to_string(&a.aliases).unwrap_or_default()),
                Arg::Text(serde_json::to_string(&a.groups).unwrap_or_default()),
                Arg::OptDate(a.valid_from),
                Arg::OptDate(a.valid_to),
                Arg::OptText(a.successor_code.clone()),
                Arg::OptText(a.parent_code.clone()),
                Arg::Text(agency_search_text(a)),
                Arg::I64(stamp.recorded_at),
                Arg::I64(id),
            ],
        );
        tx_exec(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "agency",
                entity_id: id,
                action: "update".into(),
                changes: serde_json::json!({
                    "before": {"kind": before.kind, "name": before.name, "short_name": before.short_name, "aliases": before.aliases, "valid_to": before.valid_to},
                    "after": {"kind": a.kind, "name": a.name, "short_name": a.short_name, "aliases": a.aliases, "valid_to": a.valid_to},
                }),
            },
        )
        .await?;
        commit(tx).await?;
        get_agency(&backend.pool, id).await?.ok_or(StoreError::NotFound("agency"))
    }

    pub async fn get_agency(pool: &Pool, id: i64) -> Result<Option<Agency>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {AGENCY_COLS} FROM agencies WHERE "));
        sql.push_args("id = ?", [Arg::I64(id)]);
        fetch_optional(pool, &sql).await?.as_ref().map(agency_from).transpose()
    }

    pub async fn get_agency_by_code(pool: &Pool, code: &str) -> Result<Option<Agency>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {AGENCY_COLS} FROM agencies WHERE "));
        sql.push_args("code = ?", [Arg::Text(code.into())]);
        fetch_optional(pool, &sql).await?.as_ref().map(agency_from).transpose()
    }

    pub async fn all_agencies(pool: &Pool) -> Result<Vec<Agency>, StoreError> {
        let sql = Sql::new(&format!("SELECT {AGENCY_COLS} FROM agencies ORDER BY id"));
        fetch_all(pool, &sql).await?.iter().map(agency_from).collect()
    }

    pub async fn list_agencies(pool: &Pool, f: &AgencyFilter) -> Result<(Vec<Agency>, i64), StoreError> {
        let mut wh = Sql::new(" WHERE 1=1");
        for word in f.q.as_deref().map(fold).unwrap_or_default().split(' ').filter(|w| !w.is_empty()) {
            wh.push_args(" AND search_text LIKE ?", [Arg::Text(format!("%{word}%"))]);
        }
        if let Some(kind) = &f.kind {
            wh.push_args(" AND kind = ?", [Arg::Text(kind.clone())]);
        }
        if let Some(group) = &f.group {
            wh.push_args(" AND groups_json LIKE ?", [Arg::Text(format!("%\"{group}\"%"))]);
        }
        if f.current_only {
            wh.push(" AND valid_to IS NULL");
        }
        let from_where = Sql { text: format!(" FROM agencies{}", wh.text), args: wh.args };
        paged(pool, AGENCY_COLS, from_where, "id", f.page, f.per_page, agency_from).await
    }
}
