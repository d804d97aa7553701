// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod security {
    //! The security log (`security_events`): failed sign-ins, refused permissions,
    //! token creation. Written outside the data version (a refused request changes
    //! no data that reads show), and read by the standing office.

    use super::*;
    use tiendo_core::model::SecurityEvent;

    fn insert_sql(e: &NewSecurityEvent) -> Sql {
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO security_events (kind, at, actor_id, username, client, action, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                Arg::Text(e.kind.clone()),
                Arg::I64(e.at),
                Arg::OptI64(e.actor_id),
                Arg::OptText(e.username.clone()),
                Arg::OptText(e.client.clone()),
                Arg::Text(e.action.clone()),
                Arg::Text(e.detail.clone()),
            ],
        );
        sql
    }

    /// Records one entry on its own (one INSERT, committed at once).
    pub async fn record_security_event(pool: &Pool, e: &NewSecurityEvent) -> Result<(), StoreError> {
        let sql = insert_sql(e);
        bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Records one entry inside a write transaction (a token's creation).
    pub(crate) async fn tx_security_event(tx: &mut Tx<'_>, e: &NewSecurityEvent) -> Result<(), StoreError> {
        tx_exec(tx, &insert_sql(e)).await?;
        Ok(())
    }

    /// One page of the log, newest first.
    pub async fn list_security_events(pool: &Pool, f: &SecurityFilter) -> Result<(Vec<SecurityEvent>, i64), StoreError> {
        let mut wh = Sql::new(" FROM security_events s LEFT JOIN users u ON u.id = s.actor_id WHERE 1=1");
        if let Some(kind) = &f.kind {
            wh.push_args(" AND s.kind = ?", [Arg::Text(kind.clone())]);
        }
        let cols = "s.id AS id, s.kind AS kind, s.at AS at, s.actor_id AS actor_id, COALESCE(s.username, u.username) AS username, \
                    s.client AS client, s.action AS action, s.detail AS detail";
        paged(pool, cols, wh, "s.at DESC, s.id DESC", f.page, f.per_page, |row| {
            Ok(SecurityEvent {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                at: instant_rfc3339(row.try_get("at")?),
                actor_id: row.try_get("actor_id")?,
                username: row.try_get("username")?,
                client: row.try_get("client")?,
                action: row.try_get("action")?,
                detail: row.try_get("detail")?,
            })
        })
        .await
    }
}
