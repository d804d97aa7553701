// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod users {
    //! Users, their credentials, and their sign-in and API tokens.

    use super::*;

    const USER_COLS: &str = "id, username, display_name, role, agency_id, active, created_at";

    fn user_from(row: &DbRow) -> Result<User, StoreError> {
        Ok(User {
            id: row.try_get("id")?,
            username: row.try_get("username")?,
            display_name: row.try_get("display_name")?,
            role: row.try_get("role")?,
            agency_id: row.try_get("agency_id")?,
            active: row.try_get("active")?,
            created_at: instant_rfc3339(row.try_get("created_at")?),
        })
    }

    pub async fn create_user(backend: &Backend, u: &NewUser, stamp: &Stamp) -> Result<User, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO users (username, display_name, password_hash, role, agency_id, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, TRUE, ?, ?) RETURNING id",
            [
                Arg::Text(u.username.clone()),
                Arg::OptText(u.display_name.clone()),
                Arg::Text(u.password_hash.clone()),
                Arg::Text(u.role.clone()),
                Arg::OptI64(u.agency_id),
                Arg::I64(stamp.recorded_at),
                Arg::I64(stamp.recorded_at),
            ],
        );
        let id = tx_insert_id(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "user",
                entity_id: id,
                action: "create".into(),
                changes: serde_json::json!({"username": u.username, "display_name": u.display_name, "role": u.role, "agency_id": u.agency_id}),
            },
        )
        .await?;
        commit(tx).await?;
        get_user(&backend.pool, id).await?.ok_or(StoreError::NotFound("user"))
    }

    /// Updates a user; a new password hash replaces the old, and deactivation or a
    /// password change revokes the user's tokens.
    pub async fn update_user(backend: &Backend, id: i64, patch: &UserPatch, stamp: &Stamp) -> Result<User, StoreError> {
        let UserPatch { display_name, role, agency_id, active, password_hash } = patch.clone();
        let before = get_user(&backend.pool, id).await?.ok_or(StoreError::NotFound("user"))?;
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE users SET display_name = ?, role = ?, agency_id = ?, active = ?, updated_at = ? WHERE id = ?",
            [
                Arg::OptText(display_name.clone().unwrap_or(before.display_name.clone())),
                Arg::Text(role.clone().unwrap_or(before.role.clone())),
                Arg::OptI64(agency_id.unwrap_or(before.agency_id)),
                Arg::Bool(active.unwrap_or(before.active)),
                Arg::I64(stamp.recorded_at),
                Arg::I64(id),
            ],
        );
        tx_exec(&mut tx, &sql).await?;
        if let Some(hash) = &password_hash {
            let mut sql = Sql::default();
            sql.push_args("UPDATE users SET password_hash = ? WHERE id = ?", [Arg::Text(hash.clone()), Arg::I64(id)]);
            tx_exec(&mut tx, &sql).await?;
        }
        if password_hash.is_some() || active == Some(false) || role.is_some() || agency_id.is_some() {
            let mut sql = Sql::default();
            sql.push_args(
                "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                [Arg::I64(stamp.recorded_at), Arg::I64(id)],
            );
            tx_exec(&mut tx, &sql).await?;
        }
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "user",
                entity_id: id,
                action: "update".into(),
                changes: serde_json::json!({
                    "before": {"display_name": before.display_name, "role": before.role, "agency_id": before.agency_id, "active": before.active},
                    "after": {"display_name": display_name.unwrap_or(before.display_name.clone()), "role": role.unwrap_or(before.role.clone()), "agency_id": agency_id.unwrap_or(before.agency_id), "active": active.unwrap_or(before.active)},
                    "password_changed": password_hash.is_some(),
                }),
            },
        )
        .await?;
        commit(tx).await?;
        get_user(&backend.pool, id).await?.ok_or(StoreError::NotFound("user"))
    }

    pub async fn get_user(pool: &Pool, id: i64) -> Result<Option<User>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {USER_COLS} FROM users WHERE "));
        sql.push_args("id = ?", [Arg::I64(id)]);
        fetch_optional(pool, &sql).await?.as_ref().map(user_from).transpose()
    }

    pub async fn list_users(pool: &Pool, page: i64, per_page: i64, only: Option<i64>) -> Result<(Vec<User>, i64), StoreError> {
        let mut wh = Sql::new(" WHERE 1=1");
        if let Some(id) = only {
            wh.push_args(" AND id = ?", [Arg::I64(id)]);
        }
        let from_where = Sql { text: format!(" FROM users{}", wh.text), args: wh.args };
        paged(pool, USER_COLS, from_where, "id", page, per_page, user_from).await
    }

    /// The username that differs from `username` in case only (or equals it), if
    /// one exists: usernames are unique ignoring case (migration 17). `LOWER` folds
    /// ASCII on SQLite and all letters on PostgreSQL.
    pub async fn username_ignoring_case(pool: &Pool, username: &str) -> Result<Option<String>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args("SELECT username FROM users WHERE LOWER(username) = LOWER(?)", [Arg::Text(username.into())]);
        Ok(match fetch_optional(pool, &sql).await? {
            Some(row) => Some(row.try_get("username")?),
            None => None,
        })
    }

    pub async fn user_credentials(pool: &Pool, username: &str) -> Result<Option<UserCredentials>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT id, username, password_hash, role, agency_id, active FROM users WHERE username = ?",
            [Arg::Text(username.into())],
        );
        Ok(match fetch_optional(pool, &sql).await? {
            Some(row) => Some(UserCredentials {
                id: row.try_get("id")?,
                username: row.try_get("username")?,
                password_hash: row.try_get("password_hash")?,
                role: row.try_get("role")?,
                agency_id: row.try_get("agency_id")?,
                active: row.try_get("active")?,
                expires_at: None,
            }),
            None => None,
        })
    }

    pub async fn create_token(backend: &Backend, user_id: i64, token_hash: &str, label: &str, expires_at: Option<Micros>, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO api_tokens (user_id, token_hash, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
            [Arg::I64(user_id), Arg::Text(token_hash.into()), Arg::Text(label.into()), Arg::I64(stamp.recorded_at), Arg::OptI64(expires_at)],
        );
        let id = tx_insert_id(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit { entity: "token", entity_id: id, action: "create".into(), changes: serde_json::json!({"user_id": user_id, "label": label, "expires_at": expires_at}) },
        )
        .await?;
        tx_security_event(
            &mut tx,
            &NewSecurityEvent {
                kind: "token_created".into(),
                at: stamp.entered_at,
                actor_id: Some(user_id),
                username: None,
                client: None,
                action: "create token".into(),
                detail: label.into(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The user behind a live token.
    pub async fn token_user(pool: &Pool, token_hash: &str, now: Micros) -> Result<Option<UserCredentials>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT u.id, u.username, u.password_hash, u.role, u.agency_id, u.active, k.expires_at FROM api_tokens k JOIN users u ON u.id = k.user_id \
             WHERE k.token_hash = ? AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?) AND u.active = TRUE",
            [Arg::Text(token_hash.into()), Arg::I64(now)],
        );
        Ok(match fetch_optional(pool, &sql).await? {
            Some(row) => Some(UserCredentials {
                id: row.try_get("id")?,
                username: row.try_get("username")?,
                password_hash: String::new(),
                role: row.try_get("role")?,
                agency_id: row.try_get("agency_id")?,
                active: row.try_get("active")?,
                expires_at: row.try_get("expires_at")?,
            }),
            None => None,
        })
    }

    pub async fn revoke_token(backend: &Backend, token_hash: &str, stamp: &Stamp) -> Result<bool, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL RETURNING id",
            [Arg::I64(stamp.recorded_at), Arg::Text(token_hash.into())],
        );
        let revoked = match tx_optional(&mut tx, &sql).await? {
            Some(row) => {
                let id: i64 = row.try_get(0)?;
                audit(&mut tx, stamp, &Audit { entity: "token", entity_id: id, action: "revoke".into(), changes: serde_json::json!({}) }).await?;
                true
            }
            None => false,
        };
        tx.commit().await?;
        Ok(revoked)
    }
}
