// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod users {
    //! Users and their credentials (their tokens are in `tokens.rs`).

    use super::*;

    const USER_COLS: &str = "id, username, display_name, role, agency_id, active, must_change_password, email, notify_email, created_at";

    fn user_from(row: &DbRow) -> Result<User, StoreError> {
        Ok(User {
            id: row.try_get("id")?,
            username: row.try_get("username")?,
            display_name: row.try_get("display_name")?,
            role: row.try_get("role")?,
            agency_id: row.try_get("agency_id")?,
            active: row.try_get("active")?,
            must_change_password: row.try_get("must_change_password")?,
            email: row.try_get("email")?,
            notify_email: row.try_get("notify_email")?,
            created_at: instant_rfc3339(row.try_get("created_at")?),
        })
    }

    pub async fn create_user(backend: &Backend, u: &NewUser, stamp: &Stamp) -> Result<User, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO users (username, display_name, password_hash, role, agency_id, email, must_change_password, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, TRUE, ?, ?) RETURNING id",
            [
                Arg::Text(u.username.clone()),
                Arg::OptText(u.display_name.clone()),
                Arg::Text(u.password_hash.clone()),
                Arg::Text(u.role.clone()),
                Arg::OptI64(u.agency_id),
                Arg::OptText(u.email.clone()),
                Arg::Bool(u.must_change_password),
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
                changes: serde_json::json!({"username": u.username, "display_name": u.display_name, "role": u.role, "agency_id": u.agency_id, "email": u.email, "must_change_password": u.must_change_password}),
            },
        )
        .await?;
        commit(tx).await?;
        get_user(&backend.pool, id).await?.ok_or(StoreError::NotFound("user"))
    }

    /// Updates a user; a new password hash replaces the old, and deactivation or a
    /// password change revokes the user's tokens.
    pub async fn update_user(backend: &Backend, id: i64, patch: &UserPatch, stamp: &Stamp) -> Result<User, StoreError> {
        let UserPatch { display_name, role, agency_id, active, password_hash, must_change_password, keep_token_id, email, notify_email } = patch.clone();
        let before = get_user(&backend.pool, id).await?.ok_or(StoreError::NotFound("user"))?;
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE users SET display_name = ?, role = ?, agency_id = ?, active = ?, email = ?, notify_email = ?, updated_at = ? WHERE id = ?",
            [
                Arg::OptText(display_name.clone().unwrap_or(before.display_name.clone())),
                Arg::Text(role.clone().unwrap_or(before.role.clone())),
                Arg::OptI64(agency_id.unwrap_or(before.agency_id)),
                Arg::Bool(active.unwrap_or(before.active)),
                Arg::OptText(email.clone().unwrap_or(before.email.clone())),
                Arg::Bool(notify_email.unwrap_or(before.notify_email)),
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
        if let Some(must) = must_change_password {
            let mut sql = Sql::default();
            sql.push_args("UPDATE users SET must_change_password = ? WHERE id = ?", [Arg::Bool(must), Arg::I64(id)]);
            tx_exec(&mut tx, &sql).await?;
        }
        if password_hash.is_some() || active == Some(false) || role.is_some() || agency_id.is_some() {
            let mut sql = Sql::default();
            sql.push_args(
                "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id <> ?",
                [Arg::I64(stamp.recorded_at), Arg::I64(id), Arg::I64(keep_token_id.unwrap_or(-1))],
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
                    "before": {"display_name": before.display_name, "role": before.role, "agency_id": before.agency_id, "active": before.active, "email": before.email, "notify_email": before.notify_email},
                    "after": {"display_name": display_name.unwrap_or(before.display_name.clone()), "role": role.unwrap_or(before.role.clone()), "agency_id": agency_id.unwrap_or(before.agency_id), "active": active.unwrap_or(before.active), "email": email.unwrap_or(before.email.clone()), "notify_email": notify_email.unwrap_or(before.notify_email)},
                    "password_changed": password_hash.is_some(),
                    "must_change_password": must_change_password,
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
            "SELECT id, username, password_hash, role, agency_id, active, must_change_password FROM users WHERE username = ?",
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
                must_change_password: row.try_get("must_change_password")?,
            }),
            None => None,
        })
    }
}
