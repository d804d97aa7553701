// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod tokens {
    //! Sign-in sessions and long-lived API tokens (only their SHA-256 is kept),
    //! the token policy, and the failed sign-ins counted per username and address.

    use super::*;
    use tiendo_core::model::{ApiToken, TokenPolicy};

    const TOKEN_COLS: &str = "k.id AS id, k.user_id AS user_id, u.username AS username, k.label AS label, k.kind AS kind, \
                              k.created_at AS created_at, k.expires_at AS expires_at, k.revoked_at AS revoked_at, k.session_id AS session_id";

    fn token_from(row: &DbRow) -> Result<ApiToken, StoreError> {
        Ok(ApiToken {
            id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            username: row.try_get("username")?,
            label: row.try_get("label")?,
            kind: row.try_get("kind")?,
            created_at: instant_rfc3339(row.try_get("created_at")?),
            expires_at: row.try_get::<Option<i64>, _>("expires_at")?.map(instant_rfc3339),
            revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(instant_rfc3339),
            session_id: row.try_get("session_id")?,
        })
    }

    /// Stores a new token; its creation (a sign-in or an API token) is also in
    /// the security log.
    pub async fn create_token(backend: &Backend, t: &NewToken, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO api_tokens (user_id, token_hash, label, kind, created_at, expires_at, session_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                Arg::I64(t.user_id),
                Arg::Text(t.token_hash.clone()),
                Arg::Text(t.label.clone()),
                Arg::Text(t.kind.clone()),
                Arg::I64(stamp.recorded_at),
                Arg::OptI64(t.expires_at),
                Arg::OptI64(t.session_id),
            ],
        );
        let id = tx_insert_id(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "token",
                entity_id: id,
                action: "create".into(),
                changes: serde_json::json!({"user_id": t.user_id, "label": t.label, "kind": t.kind, "expires_at": t.expires_at, "session_id": t.session_id}),
            },
        )
        .await?;
        tx_security_event(
            &mut tx,
            &NewSecurityEvent {
                kind: "token_created".into(),
                at: stamp.entered_at,
                actor_id: stamp.actor_id.or(Some(t.user_id)),
                username: None,
                client: None,
                action: "create token".into(),
                detail: t.label.clone(),
            },
        )
        .await?;
        // Not a data change that reads show: the data version stays.
        tx.commit().await?;
        Ok(id)
    }

    /// The live token with this hash and the active user behind it.
    pub async fn token_holder(pool: &Pool, token_hash: &str, now: Micros) -> Result<Option<TokenHolder>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT k.id AS token_id, k.kind AS kind, k.expires_at AS expires_at, u.id AS id, u.username AS username, u.role AS role, \
             u.agency_id AS agency_id, u.active AS active, u.must_change_password AS must_change_password \
             FROM api_tokens k JOIN users u ON u.id = k.user_id \
             WHERE k.token_hash = ? AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?) AND u.active = TRUE",
            [Arg::Text(token_hash.into()), Arg::I64(now)],
        );
        Ok(match fetch_optional(pool, &sql).await? {
            Some(row) => Some(TokenHolder {
                token_id: row.try_get("token_id")?,
                kind: row.try_get("kind")?,
                expires_at: row.try_get("expires_at")?,
                user: UserCredentials {
                    id: row.try_get("id")?,
                    username: row.try_get("username")?,
                    password_hash: String::new(),
                    role: row.try_get("role")?,
                    agency_id: row.try_get("agency_id")?,
                    active: row.try_get("active")?,
                    must_change_password: row.try_get("must_change_password")?,
                },
            }),
            None => None,
        })
    }

    /// Revokes the live token with this hash; returns its id.
    pub async fn revoke_token(backend: &Backend, token_hash: &str, stamp: &Stamp) -> Result<Option<i64>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL RETURNING id",
            [Arg::I64(stamp.recorded_at), Arg::Text(token_hash.into())],
        );
        revoke_where(backend, sql, stamp).await.map(|ids| ids.first().copied())
    }

    /// Revokes a token by its id; false when it was already revoked.
    pub async fn revoke_token_id(backend: &Backend, id: i64, stamp: &Stamp) -> Result<bool, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING id",
            [Arg::I64(stamp.recorded_at), Arg::I64(id)],
        );
        revoke_where(backend, sql, stamp).await.map(|ids| !ids.is_empty())
    }

    /// Revokes the live API tokens a sign-in session made; returns how many.
    pub async fn revoke_session_tokens(backend: &Backend, session_id: i64, stamp: &Stamp) -> Result<usize, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE api_tokens SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL RETURNING id",
            [Arg::I64(stamp.recorded_at), Arg::I64(session_id)],
        );
        revoke_where(backend, sql, stamp).await.map(|ids| ids.len())
    }

    /// Runs a revoking UPDATE … RETURNING id and audits each token it revoked.
    async fn revoke_where(backend: &Backend, sql: Sql, stamp: &Stamp) -> Result<Vec<i64>, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let rows = bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args)
            .fetch_all(&mut *tx)
            .await?;
        let mut ids = Vec::with_capacity(rows.len());
        for row in rows {
            let id: i64 = row.try_get(0)?;
            audit(&mut tx, stamp, &Audit { entity: "token", entity_id: id, action: "revoke".into(), changes: serde_json::json!({}) }).await?;
            ids.push(id);
        }
        ids.sort_unstable();
        tx.commit().await?;
        Ok(ids)
    }

    pub async fn get_token(pool: &Pool, id: i64) -> Result<Option<ApiToken>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {TOKEN_COLS} FROM api_tokens k JOIN users u ON u.id = k.user_id WHERE "));
        sql.push_args("k.id = ?", [Arg::I64(id)]);
        fetch_optional(pool, &sql).await?.as_ref().map(token_from).transpose()
    }

    /// API tokens (and, when asked, live sign-in sessions), newest first: one
    /// user's, or everyone's. At most 1,000.
    pub async fn list_tokens(pool: &Pool, user_id: Option<i64>, sessions: bool, now: Micros) -> Result<Vec<ApiToken>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {TOKEN_COLS} FROM api_tokens k JOIN users u ON u.id = k.user_id WHERE 1=1"));
        if let Some(id) = user_id {
            sql.push_args(" AND k.user_id = ?", [Arg::I64(id)]);
        }
        if sessions {
            sql.push_args(
                " AND (k.kind <> 'session' OR (k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)))",
                [Arg::I64(now)],
            );
        } else {
            sql.push(" AND k.kind <> 'session'");
        }
        sql.push(" ORDER BY k.id DESC LIMIT 1000");
        fetch_all(pool, &sql).await?.iter().map(token_from).collect()
    }

    pub async fn token_policy(pool: &Pool) -> Result<TokenPolicy, StoreError> {
        let row = sqlx::query("SELECT roles, max_days FROM token_policy WHERE id = 1").fetch_one(pool).await?;
        let roles: String = row.try_get("roles")?;
        Ok(TokenPolicy {
            roles: roles.split(',').map(str::trim).filter(|r| !r.is_empty()).map(String::from).collect(),
            max_days: row.try_get("max_days")?,
        })
    }

    pub async fn set_token_policy(backend: &Backend, policy: &TokenPolicy, stamp: &Stamp) -> Result<(), StoreError> {
        let before = token_policy(&backend.pool).await?;
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE token_policy SET roles = ?, max_days = ?, updated_at = ? WHERE id = 1",
            [Arg::Text(policy.roles.join(",")), Arg::I64(policy.max_days), Arg::I64(stamp.recorded_at)],
        );
        tx_exec(&mut tx, &sql).await?;
        // Tokens the policy no longer allows stop working: those of roles taken
        // out are revoked, longer lives are cut to the new longest.
        let mut revoke = Sql::default();
        revoke.push_args(
            "UPDATE api_tokens SET revoked_at = ? WHERE kind = 'api' AND revoked_at IS NULL AND user_id IN \
             (SELECT id FROM users WHERE ',' || ? || ',' NOT LIKE '%,' || role || ',%')",
            [Arg::I64(stamp.recorded_at), Arg::Text(policy.roles.join(","))],
        );
        tx_exec(&mut tx, &revoke).await?;
        let longest = stamp.recorded_at + policy.max_days * 86_400_000_000;
        let mut cut = Sql::default();
        cut.push_args(
            "UPDATE api_tokens SET expires_at = ? WHERE kind = 'api' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
            [Arg::I64(longest), Arg::I64(longest)],
        );
        tx_exec(&mut tx, &cut).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "token_policy",
                entity_id: 1,
                action: "update".into(),
                changes: serde_json::json!({"before": before, "after": policy}),
            },
        )
        .await?;
        commit(tx).await
    }

    /// The failures counted for a subject (`user:NAME` or `addr:IP`): how many,
    /// the first and the last, in microseconds.
    pub async fn sign_in_failures(pool: &Pool, subject: &str) -> Result<Option<(i64, Micros, Micros)>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args("SELECT failures, first_at, last_at FROM sign_in_failures WHERE subject = ?", [Arg::Text(subject.into())]);
        Ok(match fetch_optional(pool, &sql).await? {
            Some(row) => Some((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)),
            None => None,
        })
    }

    /// Counts one failure of `subject` at `now` in one statement, so servers
    /// sharing the database count together; a count older than `window` starts
    /// again. Counts idle for longer than `window` are dropped on the way.
    pub async fn record_sign_in_failure(pool: &Pool, subject: &str, now: Micros, window: Micros) -> Result<(), StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO sign_in_failures (subject, failures, first_at, last_at) VALUES (?, 1, ?, ?) \
             ON CONFLICT (subject) DO UPDATE SET \
             failures = CASE WHEN sign_in_failures.first_at <= ? THEN 1 ELSE sign_in_failures.failures + 1 END, \
             first_at = CASE WHEN sign_in_failures.first_at <= ? THEN excluded.first_at ELSE sign_in_failures.first_at END, \
             last_at = excluded.last_at",
            [Arg::Text(subject.into()), Arg::I64(now), Arg::I64(now), Arg::I64(now - window), Arg::I64(now - window)],
        );
        bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args).execute(pool).await?;
        let mut prune = Sql::default();
        prune.push_args("DELETE FROM sign_in_failures WHERE last_at < ?", [Arg::I64(now - window)]);
        bind(sqlx::query(sqlx::AssertSqlSafe(prune.text_for(POSITIONAL_PARAMETERS))), &prune.args).execute(pool).await?;
        Ok(())
    }

    pub async fn forget_sign_in_failures(pool: &Pool, subject: &str) -> Result<(), StoreError> {
        let mut sql = Sql::default();
        sql.push_args("DELETE FROM sign_in_failures WHERE subject = ?", [Arg::Text(subject.into())]);
        bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args).execute(pool).await?;
        Ok(())
    }
}
