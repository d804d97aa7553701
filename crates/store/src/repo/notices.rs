// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod notices {
    //! Notifications (docs/notifications.md): the outbox of causes, the notices
    //! made from them, their delivery and the rules in force.
    //!
    //! Exactly once: a cause is written once (`cause_key` is unique), expanded once
    //! (`expanded_at` set in the transaction that writes its notices), and each
    //! notice is claimed by one server at a time (`FOR UPDATE SKIP LOCKED` on
    //! PostgreSQL; SQLite has one writer).

    use super::*;
    use super::spans::{KNOWN_COLS, known_from_row};
    use tiendo_core::notify::Trigger;

    /// Starts a transaction for notification bookkeeping: the single writer's turn
    /// on SQLite, but neither the audit chain's lock nor a new data version (notices
    /// change no answer the read caches hold).
    async fn begin_plain(backend: &Backend) -> Result<(Option<tokio::sync::MutexGuard<'_, ()>>, Tx<'_>), StoreError> {
        let guard = match &backend.write_lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        };
        let mut tx = backend.pool.begin().await?;
        if !is_postgres() {
            // Take SQLite's write lock first: a transaction that reads and then
            // writes cannot wait for another process's writer (SQLITE_BUSY at
            // once), whereas a first write waits its turn (busy_timeout).
            sqlx::query("UPDATE notify_progress SET id = id WHERE id = 1").execute(&mut *tx).await?;
        }
        Ok((guard, tx))
    }

    /// Writes, inside a change's own transaction, the cause of the notices that
    /// change sets off (a report sent for review, a request for more time, their
    /// decisions). Imported history (recorded well before it is written) sets
    /// nothing off: it is news to no one.
    pub(super) async fn cause_for_change(tx: &mut Tx<'_>, stamp: &Stamp, entry: &Audit) -> Result<(), StoreError> {
        const HOUR: Micros = 3_600_000_000;
        if stamp.entered_at - stamp.recorded_at > HOUR {
            return Ok(());
        }
        let trigger = match (entry.entity, entry.action.as_str()) {
            ("progress_report", "create" | "update") => Trigger::ReportSubmitted,
            ("progress_report", "accept" | "return") => Trigger::ReportReviewed,
            ("extension", "create") => Trigger::ExtensionRequested,
            ("extension", "approve" | "refuse") => Trigger::ExtensionDecided,
            ("assignment_comment", "create") => Trigger::CommentAdded,
            _ => return Ok(()),
        };
        let sql = if entry.entity == "assignment_comment" {
            Sql::new(
                "SELECT c.assignment_id, a.agency_id, a.task_id, c.author_id AS author_id, 'open' AS state FROM assignment_comments c \
                 JOIN assignments a ON a.id = c.assignment_id WHERE c.id = ",
            )
        } else if entry.entity == "progress_report" {
            Sql::new(
                "SELECT r.assignment_id, a.agency_id, a.task_id, r.author_id AS author_id, r.review_state AS state FROM progress_reports r \
                 JOIN assignments a ON a.id = r.assignment_id WHERE r.id = ",
            )
        } else {
            Sql::new(
                "SELECT x.assignment_id, a.agency_id, a.task_id, x.requested_by AS author_id, x.state AS state FROM extensions x \
                 JOIN assignments a ON a.id = x.assignment_id WHERE x.id = ",
            )
        };
        let mut sql = sql;
        let p = sql.arg(Arg::I64(entry.entity_id));
        sql.push(&p);
        let Some(row) = tx_optional(tx, &sql).await? else {
            return Ok(());
        };
        let state: String = row.try_get("state")?;
        // An edited report that no longer claims completion waits for no review.
        if trigger == Trigger::ReportSubmitted && state != "pending" {
            return Ok(());
        }
        let assignment_id: i64 = row.try_get("assignment_id")?;
        let cause = NewCause {
            key: format!("{}:{}:{}:{}", trigger.as_str(), entry.entity, entry.entity_id, stamp.recorded_at),
            trigger,
            rule_name: None,
            entity: Some(entry.entity.to_string()),
            entity_id: Some(entry.entity_id),
            agency_id: Some(row.try_get("agency_id")?),
            author_id: row.try_get("author_id")?,
            day: tiendo_core::time::day_of(stamp.recorded_at),
            payload: serde_json::json!({
                "assignments": [assignment_id],
                "task_id": row.try_get::<i64, _>("task_id")?,
                "action": entry.action,
                "state": state,
                // A comment's words, for the notice (the thread has them all).
                "excerpt": entry.changes.get("body").and_then(|b| b.as_str()).map(|b| b.chars().take(300).collect::<String>()),
            }),
        };
        insert_cause(tx, &cause, stamp.entered_at).await?;
        Ok(())
    }

    async fn insert_cause(tx: &mut Tx<'_>, c: &NewCause, now: Micros) -> Result<u64, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO notice_causes (cause_key, trigger_kind, rule_name, entity, entity_id, agency_id, author_id, day, payload, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cause_key) DO NOTHING",
            [
                Arg::Text(c.key.clone()),
                Arg::Text(c.trigger.as_str().into()),
                Arg::OptText(c.rule_name.clone()),
                Arg::OptText(c.entity.clone()),
                Arg::OptI64(c.entity_id),
                Arg::OptI64(c.agency_id),
                Arg::OptI64(c.author_id),
                Arg::Date(c.day),
                Arg::Text(c.payload.to_string()),
                Arg::I64(now),
            ],
        );
        tx_exec(tx, &sql).await
    }

    /// The last day whose calendar causes are written, if any.
    pub async fn planned_through(pool: &Pool) -> Result<Option<NaiveDate>, StoreError> {
        let row = sqlx::query("SELECT planned_through FROM notify_progress WHERE id = 1").fetch_optional(pool).await?;
        Ok(match row {
            Some(r) => r.try_get("planned_through")?,
            None => None,
        })
    }

    /// Writes the calendar's causes of `day` (a cause already written is left as it
    /// is) and moves `planned_through` up to `day`. Servers that plan the same day
    /// take turns on the progress row and write each cause once. Returns how many
    /// causes were new.
    pub async fn write_planned_day(backend: &Backend, day: NaiveDate, causes: &[NewCause]) -> Result<u64, StoreError> {
        let (_guard, mut tx) = begin_plain(backend).await?;
        let lock = if is_postgres() { " FOR UPDATE" } else { "" };
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT planned_through FROM notify_progress WHERE id = 1{lock}")))
            .fetch_one(&mut *tx)
            .await?;
        let through: Option<NaiveDate> = row.try_get("planned_through")?;
        let now = now_micros();
        let mut added = 0;
        for c in causes {
            added += insert_cause(&mut tx, c, now).await?;
        }
        if through.is_none_or(|t| t < day) {
            let mut sql = Sql::default();
            sql.push_args("UPDATE notify_progress SET planned_through = ? WHERE id = 1", [Arg::Date(day)]);
            tx_exec(&mut tx, &sql).await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    const CAUSE_COLS: &str = "c.id, c.cause_key, c.trigger_kind, c.rule_name, c.entity, c.entity_id, c.agency_id, c.author_id, c.day, c.payload, c.created_at";

    fn cause_from(row: &DbRow) -> Result<CauseRow, StoreError> {
        let kind: String = row.try_get("trigger_kind")?;
        let payload: String = row.try_get("payload")?;
        Ok(CauseRow {
            id: row.try_get("id")?,
            key: row.try_get("cause_key")?,
            trigger: Trigger::parse(&kind).ok_or_else(|| StoreError::Invalid(format!("unknown notice trigger `{kind}`")))?,
            rule_name: row.try_get("rule_name")?,
            entity: row.try_get("entity")?,
            entity_id: row.try_get("entity_id")?,
            agency_id: row.try_get("agency_id")?,
            author_id: row.try_get("author_id")?,
            day: row.try_get("day")?,
            payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
            created_at: row.try_get("created_at")?,
        })
    }

    /// Causes not expanded into notices yet, oldest first.
    pub async fn unexpanded_causes(pool: &Pool, limit: i64) -> Result<Vec<CauseRow>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {CAUSE_COLS} FROM notice_causes c WHERE c.expanded_at IS NULL ORDER BY c.id"));
        sql.push_args(" LIMIT ?", [Arg::I64(limit.clamp(1, 10_000))]);
        fetch_all(pool, &sql).await?.iter().map(cause_from).collect()
    }

    /// Writes a cause's notices and marks it expanded, in one transaction; if
    /// another server expanded it first, writes nothing and returns false.
    pub async fn write_expansion(backend: &Backend, cause_id: i64, notices: &[NewNotice], now: Micros) -> Result<bool, StoreError> {
        let (_guard, mut tx) = begin_plain(backend).await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE notice_causes SET expanded_at = ? WHERE id = ? AND expanded_at IS NULL",
            [Arg::I64(now), Arg::I64(cause_id)],
        );
        if tx_exec(&mut tx, &sql).await? == 0 {
            return Ok(false);
        }
        for n in notices {
            let mut sql = Sql::default();
            sql.push_args(
                "INSERT INTO notices (cause_id, trigger_kind, channel, recipient, user_id, webhook_id, agency_id, address, state, next_attempt_at, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (cause_id, channel, recipient) DO NOTHING",
                [
                    Arg::I64(cause_id),
                    Arg::Text(n.trigger.as_str().into()),
                    Arg::Text(n.channel.as_str().into()),
                    Arg::Text(n.recipient.clone()),
                    Arg::OptI64(n.user_id),
                    Arg::OptI64(n.webhook_id),
                    Arg::OptI64(n.agency_id),
                    Arg::OptText(n.address.clone()),
                    Arg::I64(now),
                    Arg::I64(now),
                ],
            );
            tx_exec(&mut tx, &sql).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    const NOTICE_COLS: &str = "n.id, n.cause_id, n.trigger_kind, n.channel, n.recipient, n.user_id, n.webhook_id, n.agency_id, n.address, \
         n.subject, n.body, n.link, n.state, n.attempts, n.next_attempt_at, n.sent_at, n.read_at, n.last_error, n.created_at";

    fn notice_from(row: &DbRow) -> Result<NoticeRow, StoreError> {
        let kind: String = row.try_get("trigger_kind")?;
        let channel: String = row.try_get("channel")?;
        Ok(NoticeRow {
            id: row.try_get("id")?,
            cause_id: row.try_get("cause_id")?,
            trigger: Trigger::parse(&kind).ok_or_else(|| StoreError::Invalid(format!("unknown notice trigger `{kind}`")))?,
            channel: tiendo_core::notify::Channel::parse(&channel)
                .ok_or_else(|| StoreError::Invalid(format!("unknown notice channel `{channel}`")))?,
            recipient: row.try_get("recipient")?,
            user_id: row.try_get("user_id")?,
            webhook_id: row.try_get("webhook_id")?,
            agency_id: row.try_get("agency_id")?,
            address: row.try_get("address")?,
            subject: row.try_get("subject")?,
            body: row.try_get("body")?,
            link: row.try_get("link")?,
            state: row.try_get("state")?,
            attempts: row.try_get("attempts")?,
            next_attempt_at: row.try_get("next_attempt_at")?,
            sent_at: row.try_get("sent_at")?,
            read_at: row.try_get("read_at")?,
            last_error: row.try_get("last_error")?,
            created_at: row.try_get("created_at")?,
        })
    }

    /// Claims up to `limit` notices due at `now` for delivery until `lease_until`:
    /// pending ones whose time has come, and ones a server claimed but never
    /// finished (it stopped). Each claim counts as an attempt. On PostgreSQL rows
    /// locked by another server's claim are skipped, so two servers never claim
    /// the same notice.
    pub async fn claim_notices(backend: &Backend, now: Micros, lease_until: Micros, limit: i64) -> Result<Vec<(NoticeRow, CauseRow)>, StoreError> {
        let (_guard, mut tx) = begin_plain(backend).await?;
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT n.id FROM notices n WHERE (n.state = 'pending' AND n.next_attempt_at <= ?) OR (n.state = 'sending' AND n.claimed_until < ?) ORDER BY n.id LIMIT ?",
            [Arg::I64(now), Arg::I64(now), Arg::I64(limit.clamp(1, 1000))],
        );
        if is_postgres() {
            sql.push(" FOR UPDATE SKIP LOCKED");
        }
        let ids: Vec<i64> = bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut up = Sql::default();
        up.push_args("UPDATE notices SET state = 'sending', claimed_until = ?, attempts = attempts + 1 WHERE id IN (", [Arg::I64(lease_until)]);
        up.push_ids(&ids);
        up.push(")");
        tx_exec(&mut tx, &up).await?;
        let mut q = Sql::new(&format!("SELECT {NOTICE_COLS} FROM notices n WHERE n.id IN ("));
        q.push_ids(&ids);
        q.push(") ORDER BY n.id");
        let notices = bind(sqlx::query(sqlx::AssertSqlSafe(q.text_for(POSITIONAL_PARAMETERS))), &q.args)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(notice_from)
            .collect::<Result<Vec<_>, _>>()?;
        let mut cause_ids: Vec<i64> = notices.iter().map(|n| n.cause_id).collect();
        cause_ids.sort_unstable();
        cause_ids.dedup();
        let mut q = Sql::new(&format!("SELECT {CAUSE_COLS} FROM notice_causes c WHERE c.id IN ("));
        q.push_ids(&cause_ids);
        q.push(")");
        let causes: std::collections::HashMap<i64, CauseRow> = bind(sqlx::query(sqlx::AssertSqlSafe(q.text_for(POSITIONAL_PARAMETERS))), &q.args)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| cause_from(r).map(|c| (c.id, c)))
            .collect::<Result<_, _>>()?;
        let out = notices
            .into_iter()
            .filter_map(|n| causes.get(&n.cause_id).cloned().map(|c| (n, c)))
            .collect();
        tx.commit().await?;
        Ok(out)
    }

    /// Records the end of one delivery attempt.
    pub async fn finish_notice(backend: &Backend, id: i64, outcome: &NoticeOutcome) -> Result<(), StoreError> {
        let (_guard, mut tx) = begin_plain(backend).await?;
        let now = now_micros();
        let mut sql = Sql::default();
        let (state, detail) = match outcome {
            NoticeOutcome::Sent { subject, body, link, detail } => {
                sql.push_args(
                    "UPDATE notices SET state = 'sent', subject = ?, body = ?, link = ?, sent_at = ?, claimed_until = NULL, last_error = NULL WHERE id = ?",
                    [Arg::Text(subject.clone()), Arg::Text(body.clone()), Arg::Text(link.clone()), Arg::I64(now), Arg::I64(id)],
                );
                ("sent", detail.clone())
            }
            NoticeOutcome::Retry { at, error } => {
                sql.push_args(
                    "UPDATE notices SET state = 'pending', next_attempt_at = ?, claimed_until = NULL, last_error = ? WHERE id = ?",
                    [Arg::I64(*at), Arg::Text(error.clone()), Arg::I64(id)],
                );
                ("retry", error.clone())
            }
            NoticeOutcome::Failed { error } => {
                sql.push_args(
                    "UPDATE notices SET state = 'failed', claimed_until = NULL, last_error = ? WHERE id = ?",
                    [Arg::Text(error.clone()), Arg::I64(id)],
                );
                ("failed", error.clone())
            }
            NoticeOutcome::Obsolete { why } => {
                sql.push_args(
                    "UPDATE notices SET state = 'obsolete', claimed_until = NULL, last_error = ? WHERE id = ?",
                    [Arg::Text(why.clone()), Arg::I64(id)],
                );
                ("obsolete", why.clone())
            }
        };
        tx_exec(&mut tx, &sql).await?;
        let mut log = Sql::default();
        log.push_args(
            "INSERT INTO notice_attempts (notice_id, attempt, at, outcome, detail) SELECT id, attempts, ?, ?, ? FROM notices WHERE id = ?",
            [Arg::I64(now), Arg::Text(state.into()), Arg::Text(detail.chars().take(2000).collect()), Arg::I64(id)],
        );
        tx_exec(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Notices by a filter, newest first, and how many match in all.
    pub async fn list_notices(pool: &Pool, f: &NoticeFilter) -> Result<(Vec<NoticeRow>, i64), StoreError> {
        let mut wh = Sql::new(" FROM notices n WHERE 1=1");
        if let Some(u) = f.user_id {
            wh.push_args(" AND n.user_id = ?", [Arg::I64(u)]);
        }
        if let Some(c) = f.channel {
            wh.push_args(" AND n.channel = ?", [Arg::Text(c.as_str().into())]);
        }
        if let Some(a) = f.agency_id {
            wh.push_args(" AND n.agency_id = ?", [Arg::I64(a)]);
        }
        if let Some(s) = &f.state {
            wh.push_args(" AND n.state = ?", [Arg::Text(s.clone())]);
        }
        if f.unread_only {
            wh.push(" AND n.read_at IS NULL");
        }
        paged(pool, NOTICE_COLS, wh, "n.id DESC", f.page, f.per_page, notice_from).await
    }

    /// A user's unread notices in the pages.
    pub async fn unread_count(pool: &Pool, user_id: i64) -> Result<i64, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT COUNT(*) FROM notices n WHERE n.user_id = ? AND n.channel = 'in_app' AND n.state = 'sent' AND n.read_at IS NULL",
            [Arg::I64(user_id)],
        );
        count(pool, &sql).await
    }

    /// Marks a user's notices read (the given ones, or all); returns how many.
    pub async fn mark_read(backend: &Backend, user_id: i64, ids: Option<&[i64]>) -> Result<u64, StoreError> {
        let (_guard, mut tx) = begin_plain(backend).await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE notices SET read_at = ? WHERE user_id = ? AND channel = 'in_app' AND read_at IS NULL",
            [Arg::I64(now_micros()), Arg::I64(user_id)],
        );
        if let Some(ids) = ids {
            if ids.is_empty() {
                return Ok(0);
            }
            sql.push(" AND id IN (");
            sql.push_ids(ids);
            sql.push(")");
        }
        let n = tx_exec(&mut tx, &sql).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// The delivery attempts of a notice, oldest first.
    pub async fn notice_attempts(pool: &Pool, notice_id: i64) -> Result<Vec<NoticeAttempt>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT attempt, at, outcome, detail FROM notice_attempts WHERE notice_id = ? ORDER BY id",
            [Arg::I64(notice_id)],
        );
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            out.push(NoticeAttempt {
                attempt: row.try_get("attempt")?,
                at: row.try_get("at")?,
                outcome: row.try_get("outcome")?,
                detail: row.try_get("detail")?,
            });
        }
        Ok(out)
    }

    // ------------------------------------------------------------ rules

    /// The rules an administrator saved, and their version; none means the defaults.
    pub async fn notify_rules(pool: &Pool) -> Result<Option<(String, i64)>, StoreError> {
        let row = sqlx::query("SELECT text, version FROM notify_rules WHERE id = 1").fetch_optional(pool).await?;
        Ok(match row {
            Some(r) => Some((r.try_get("text")?, r.try_get("version")?)),
            None => None,
        })
    }

    /// Saves new rules (already checked) as the next version, with their audit entry.
    pub async fn save_notify_rules(backend: &Backend, text: &str, before: &str, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let row = sqlx::query("SELECT version FROM notify_rules WHERE id = 1").fetch_optional(&mut *tx).await?;
        let version = match row {
            Some(r) => r.try_get::<i64, _>("version")? + 1,
            None => 1,
        };
        let mut sql = Sql::default();
        if version == 1 {
            sql.push_args(
                "INSERT INTO notify_rules (id, text, version, updated_at) VALUES (1, ?, ?, ?)",
                [Arg::Text(text.into()), Arg::I64(version), Arg::I64(stamp.recorded_at)],
            );
        } else {
            sql.push_args(
                "UPDATE notify_rules SET text = ?, version = ?, updated_at = ? WHERE id = 1",
                [Arg::Text(text.into()), Arg::I64(version), Arg::I64(stamp.recorded_at)],
            );
        }
        tx_exec(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "notify_rules",
                entity_id: 1,
                action: "update".into(),
                changes: serde_json::json!({"version": version, "before": before, "after": text}),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(version)
    }

    // ------------------------------------------------------------ webhooks

    fn webhook_from(row: &DbRow) -> Result<WebhookRow, StoreError> {
        Ok(WebhookRow {
            id: row.try_get("id")?,
            url: row.try_get("url")?,
            secret: row.try_get("secret")?,
            description: row.try_get("description")?,
            active: row.try_get("active")?,
            created_at: row.try_get("created_at")?,
        })
    }

    pub async fn list_webhooks(pool: &Pool) -> Result<Vec<WebhookRow>, StoreError> {
        let sql = Sql::new("SELECT id, url, secret, description, active, created_at FROM webhooks ORDER BY id");
        fetch_all(pool, &sql).await?.iter().map(webhook_from).collect()
    }

    pub async fn create_webhook(backend: &Backend, url: &str, secret: &str, description: &str, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO webhooks (url, secret, description, active, created_at, updated_at) VALUES (?, ?, ?, TRUE, ?, ?) RETURNING id",
            [
                Arg::Text(url.into()),
                Arg::Text(secret.into()),
                Arg::Text(description.into()),
                Arg::I64(stamp.recorded_at),
                Arg::I64(stamp.recorded_at),
            ],
        );
        let id = tx_insert_id(&mut tx, &sql).await?;
        // The secret stays out of the history: it signs every delivery.
        audit(
            &mut tx,
            stamp,
            &Audit { entity: "webhook", entity_id: id, action: "create".into(), changes: serde_json::json!({"url": url, "description": description}) },
        )
        .await?;
        commit(tx).await?;
        Ok(id)
    }

    /// Switches a webhook on or off; an unknown id is NotFound.
    pub async fn set_webhook_active(backend: &Backend, id: i64, active: bool, stamp: &Stamp) -> Result<(), StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE webhooks SET active = ?, updated_at = ? WHERE id = ?",
            [Arg::Bool(active), Arg::I64(stamp.recorded_at), Arg::I64(id)],
        );
        if tx_exec(&mut tx, &sql).await? == 0 {
            return Err(StoreError::NotFound("webhook"));
        }
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "webhook",
                entity_id: id,
                action: if active { "activate".into() } else { "deactivate".into() },
                changes: serde_json::json!({"active": active}),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(())
    }

    // ------------------------------------------------------------ what the planner reads

    /// Everyone who may be told something: active users with their role, agency
    /// and email choice.
    pub async fn notify_recipients(pool: &Pool) -> Result<Vec<Recipient>, StoreError> {
        let sql = Sql::new("SELECT id, username, display_name, role, agency_id, email, notify_email FROM users WHERE active = TRUE AND username <> 'system' ORDER BY id");
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            out.push(Recipient {
                id: row.try_get("id")?,
                username: row.try_get("username")?,
                display_name: row.try_get("display_name")?,
                role: row.try_get("role")?,
                agency_id: row.try_get("agency_id")?,
                email: row.try_get("email")?,
                notify_email: row.try_get("notify_email")?,
            });
        }
        Ok(out)
    }

    /// Open assignments (not recurring) whose deadline is `due`, as known at the
    /// end of `as_of`.
    pub async fn open_due_on(pool: &Pool, due: NaiveDate, as_of: NaiveDate) -> Result<Vec<KnownAssignment>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {KNOWN_COLS} FROM assignment_states s WHERE s.cancelled = FALSE AND s.completed_on IS NULL AND s.deadline_kind <> 'recurring'"));
        sql.push_args(" AND s.due = ?", [Arg::Date(due)]);
        known_clause(&mut sql, end_of_day(as_of));
        sql.push(" ORDER BY s.agency_id, s.assignment_id");
        fetch_all(pool, &sql).await?.iter().map(known_from_row).collect()
    }

    /// Open assignments whose deadline falls in `from..=to`, as known at the end of `as_of`.
    pub async fn open_due_between(pool: &Pool, from: NaiveDate, to: NaiveDate, as_of: NaiveDate) -> Result<Vec<KnownAssignment>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {KNOWN_COLS} FROM assignment_states s WHERE s.cancelled = FALSE AND s.completed_on IS NULL AND s.deadline_kind <> 'recurring'"));
        sql.push_args(" AND s.due >= ? AND s.due <= ?", [Arg::Date(from), Arg::Date(to)]);
        known_clause(&mut sql, end_of_day(as_of));
        sql.push(" ORDER BY s.agency_id, s.due, s.assignment_id");
        fetch_all(pool, &sql).await?.iter().map(known_from_row).collect()
    }

    /// The current state of the given assignments (what is known now).
    pub async fn current_states(pool: &Pool, assignment_ids: &[i64]) -> Result<Vec<KnownAssignment>, StoreError> {
        let mut out = Vec::new();
        for chunk in assignment_ids.chunks(500) {
            let mut sql = Sql::new(&format!("SELECT {KNOWN_COLS} FROM assignment_states s WHERE s.known_to IS NULL AND s.assignment_id IN ("));
            sql.push_ids(chunk);
            sql.push(")");
            for row in fetch_all(pool, &sql).await? {
                out.push(known_from_row(&row)?);
            }
        }
        Ok(out)
    }

    /// Commitments whose day falls in `from..=to`: (commitment, assignment, agency, day).
    pub async fn commitments_between(pool: &Pool, from: NaiveDate, to: NaiveDate, known_by: Micros) -> Result<Vec<(i64, i64, i64, NaiveDate)>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT c.id, c.assignment_id, a.agency_id, c.committed_on FROM commitments c JOIN assignments a ON a.id = c.assignment_id \
             WHERE c.committed_on >= ? AND c.committed_on <= ? AND c.created_at <= ? ORDER BY c.id",
            [Arg::Date(from), Arg::Date(to), Arg::I64(known_by)],
        );
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            out.push((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?));
        }
        Ok(out)
    }

    /// Per agency, the reports returned and the extension requests pending in
    /// `from..=to` (by when they were decided or made): (agency, returned, pending).
    pub async fn agency_review_counts(pool: &Pool, from: Micros, to: Micros) -> Result<Vec<(i64, i64, i64)>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT a.agency_id, COUNT(*) FROM progress_reports r JOIN assignments a ON a.id = r.assignment_id \
             WHERE r.review_state = 'returned' AND r.reviewed_at >= ? AND r.reviewed_at <= ? GROUP BY a.agency_id",
            [Arg::I64(from), Arg::I64(to)],
        );
        let mut by: std::collections::BTreeMap<i64, (i64, i64)> = std::collections::BTreeMap::new();
        for row in fetch_all(pool, &sql).await? {
            by.entry(row.try_get(0)?).or_default().0 = row.try_get(1)?;
        }
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT a.agency_id, COUNT(*) FROM extensions x JOIN assignments a ON a.id = x.assignment_id \
             WHERE x.state = 'requested' AND x.created_at <= ? GROUP BY a.agency_id",
            [Arg::I64(to)],
        );
        for row in fetch_all(pool, &sql).await? {
            by.entry(row.try_get(0)?).or_default().1 = row.try_get(1)?;
        }
        Ok(by.into_iter().map(|(a, (r, p))| (a, r, p)).collect())
    }

    /// Whether a report still waits for review, or a request for a decision.
    pub async fn still_pending(pool: &Pool, entity: &str, id: i64) -> Result<bool, StoreError> {
        let mut sql = match entity {
            "progress_report" => Sql::new("SELECT review_state FROM progress_reports WHERE id = "),
            "extension" => Sql::new("SELECT state FROM extensions WHERE id = "),
            _ => return Ok(false),
        };
        let p = sql.arg(Arg::I64(id));
        sql.push(&p);
        Ok(match fetch_optional(pool, &sql).await? {
            Some(row) => matches!(row.try_get::<String, _>(0)?.as_str(), "pending" | "requested"),
            None => false,
        })
    }
}
