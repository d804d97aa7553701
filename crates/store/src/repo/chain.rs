// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod chain {
    //! The history as a hash chain (docs/audit.md): appending events with their
    //! hashes, the chain's head, checking every link, and chaining the events of a
    //! database made before the chain existed.
    //!
    //! Events are appended only here. Each write transaction holds the head row
    //! (`audit_head`, locked by `Backend::begin` on PostgreSQL; SQLite's writer is
    //! alone), so ids are handed out from the head, one after another, and the
    //! chain in id order is the order in which events were committed.

    use super::*;
    use tiendo_core::chain::{ChainFields, GENESIS, canonical_json, event_hash};

    /// Events hashed and read per batch when verifying or backfilling.
    const BATCH: i64 = 10_000;

    const EVENT_INSERT: &str =
        "INSERT INTO events (id, entity, entity_id, action, actor_id, changes, recorded_at, entered_at, prev_hash, hash)";

    /// An event to append.
    #[derive(Debug, Clone)]
    pub struct PendingEvent {
        pub entity: String,
        pub entity_id: i64,
        pub action: String,
        pub actor_id: Option<i64>,
        /// The JSON text to store, hashed as it is: canonical
        /// (`tiendo_core::chain::canonical_json`) when made from a value; the bulk
        /// paths serialise structs whose fields are in key order.
        pub changes: String,
        pub recorded_at: Micros,
        pub entered_at: Micros,
    }

    impl PendingEvent {
        pub fn new(stamp: &Stamp, entity: &str, entity_id: i64, action: &str, changes: serde_json::Value) -> PendingEvent {
            PendingEvent {
                entity: entity.into(),
                entity_id,
                action: action.into(),
                actor_id: stamp.actor_id,
                changes: canonical_json(&changes),
                recorded_at: stamp.recorded_at,
                entered_at: stamp.entered_at,
            }
        }
    }

    /// Takes the head row's lock (PostgreSQL), so that this transaction appends
    /// its events after every transaction that took it before, and before every
    /// one that takes it after. A no-op on SQLite, whose one writer holds the
    /// database.
    pub(crate) async fn lock_head(tx: &mut Tx<'_>) -> Result<(), StoreError> {
        if is_postgres() {
            sqlx::query("SELECT last_id FROM audit_head WHERE id = 1 FOR UPDATE").fetch_optional(&mut **tx).await?;
        }
        Ok(())
    }

    /// The id of the `system` user: the actor of the demo data, the migrations and
    /// the command line when no other user is named.
    pub async fn system_user_id(pool: &Pool) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT id FROM users WHERE username = 'system'").fetch_optional(pool).await?;
        match row {
            Some(row) => Ok(row.try_get::<i64, _>(0)?),
            None => Err(StoreError::NotFound("system user")),
        }
    }

    async fn system_user_in(tx: &mut Tx<'_>) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT id FROM users WHERE username = 'system'").fetch_optional(&mut **tx).await?;
        match row {
            Some(row) => Ok(row.try_get::<i64, _>(0)?),
            None => Err(StoreError::Open("the database has no system user: run the migrations".into())),
        }
    }

    async fn read_head(tx: &mut Tx<'_>) -> Result<(i64, String), StoreError> {
        let row = sqlx::query("SELECT last_id, last_hash FROM audit_head WHERE id = 1")
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::Open("the audit chain has no head row: run the migrations".into()))?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    async fn write_head(tx: &mut Tx<'_>, last_id: i64, last_hash: &str) -> Result<(), StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE audit_head SET last_id = ?, last_hash = ?, updated_at = ? WHERE id = 1",
            [Arg::I64(last_id), Arg::Text(last_hash.into()), Arg::I64(now_micros())],
        );
        tx_exec(tx, &sql).await?;
        Ok(())
    }

    /// Appends `events` to the chain in `tx`, in order: ids from the head on, each
    /// hashed in Rust after the one before, written in multi-row INSERTs, and the
    /// head moved once. An event without an actor (or with the placeholder actor 0
    /// of tools and tests) is the system user's: every event has a real actor.
    pub(crate) async fn append_events(tx: &mut Tx<'_>, events: &[PendingEvent]) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let system = if events.iter().any(|e| e.actor_id.is_none_or(|a| a <= 0)) {
            Some(system_user_in(tx).await?)
        } else {
            None
        };
        let (mut last_id, mut last_hash) = read_head(tx).await?;
        let mut rows = Vec::with_capacity(events.len());
        for e in events {
            let id = last_id + 1;
            let actor = match e.actor_id {
                Some(a) if a > 0 => Some(a),
                _ => system,
            };
            let hash = event_hash(
                &last_hash,
                &ChainFields {
                    id,
                    entity: &e.entity,
                    entity_id: e.entity_id,
                    action: &e.action,
                    actor_id: actor,
                    changes: &e.changes,
                    recorded_at: e.recorded_at,
                    entered_at: e.entered_at,
                },
            );
            rows.push(vec![
                Arg::I64(id),
                Arg::Text(e.entity.clone()),
                Arg::I64(e.entity_id),
                Arg::Text(e.action.clone()),
                Arg::OptI64(actor),
                Arg::Text(e.changes.clone()),
                Arg::I64(e.recorded_at),
                Arg::I64(e.entered_at),
                Arg::Text(last_hash),
                Arg::Text(hash.clone()),
            ]);
            last_id = id;
            last_hash = hash;
        }
        tx_insert_rows(tx, EVENT_INSERT, 10, &rows).await?;
        write_head(tx, last_id, &last_hash).await
    }

    /// The head of the chain as recorded: the last event's id and hash (0 and the
    /// genesis hash when there is no event).
    pub async fn audit_head(pool: &Pool) -> Result<ChainHead, StoreError> {
        let row = sqlx::query("SELECT last_id, last_hash FROM audit_head WHERE id = 1")
            .fetch_optional(pool)
            .await?
            .ok_or_else(|| StoreError::Open("the audit chain has no head row: run the migrations".into()))?;
        Ok(ChainHead { event_id: row.try_get(0)?, hash: row.try_get(1)? })
    }

    /// The stored hash of one event.
    pub async fn event_hash_of(pool: &Pool, id: i64) -> Result<Option<String>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args("SELECT hash FROM events WHERE id = ?", [Arg::I64(id)]);
        Ok(match fetch_optional(pool, &sql).await? {
            Some(row) => row.try_get::<Option<String>, _>(0)?,
            None => None,
        })
    }

    struct StoredEvent {
        id: i64,
        entity: String,
        entity_id: i64,
        action: String,
        actor_id: Option<i64>,
        changes: String,
        recorded_at: i64,
        entered_at: i64,
        prev_hash: Option<String>,
        hash: Option<String>,
    }

    impl StoredEvent {
        fn fields(&self) -> ChainFields<'_> {
            ChainFields {
                id: self.id,
                entity: &self.entity,
                entity_id: self.entity_id,
                action: &self.action,
                actor_id: self.actor_id,
                changes: &self.changes,
                recorded_at: self.recorded_at,
                entered_at: self.entered_at,
            }
        }
    }

    async fn events_after(pool: &Pool, after: i64) -> Result<Vec<StoredEvent>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT id, entity, entity_id, action, actor_id, changes, recorded_at, entered_at, prev_hash, hash \
             FROM events WHERE id > ? ORDER BY id LIMIT ?",
            [Arg::I64(after), Arg::I64(BATCH)],
        );
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            out.push(StoredEvent {
                id: row.try_get(0)?,
                entity: row.try_get(1)?,
                entity_id: row.try_get(2)?,
                action: row.try_get(3)?,
                actor_id: row.try_get(4)?,
                changes: row.try_get(5)?,
                recorded_at: row.try_get(6)?,
                entered_at: row.try_get(7)?,
                prev_hash: row.try_get(8)?,
                hash: row.try_get(9)?,
            });
        }
        Ok(out)
    }

    /// Checks every link of the chain in id order, and the head: each event's
    /// previous hash is the hash of the event before it, its own hash is that of
    /// its fields, and the last event is the recorded head. With `checkpoint`
    /// (an event id and the hash it had), also that this event still has that
    /// hash. Stops at the first broken link.
    pub async fn verify_chain(pool: &Pool, checkpoint: Option<(i64, &str)>) -> Result<ChainVerification, StoreError> {
        let head = audit_head(pool).await?;
        let mut prev_id = 0_i64;
        let mut prev_hash = GENESIS.to_string();
        let mut checked = 0_i64;
        let mut checkpoint_seen = false;
        let broken = |event_id: i64, problem: String, checked: i64| ChainVerification {
            checked,
            head: head.clone(),
            checkpoint_checked: false,
            broken: Some(BrokenLink { event_id, problem }),
        };
        loop {
            let batch = events_after(pool, prev_id).await?;
            let Some(last) = batch.last() else { break };
            let batch_end = last.id;
            for e in &batch {
                if e.id > head.event_id {
                    return Ok(broken(
                        e.id,
                        format!("event {} is after the chain's recorded head (event {}): it was added outside tiendo", e.id, head.event_id),
                        checked,
                    ));
                }
                let (Some(stored_prev), Some(stored_hash)) = (&e.prev_hash, &e.hash) else {
                    return Ok(broken(e.id, format!("event {} has no hash: it was added or altered outside tiendo", e.id), checked));
                };
                if *stored_prev != prev_hash {
                    let problem = if prev_id == 0 {
                        format!("event {}: its link to the previous event does not match the start of the chain (an earlier event was removed, or this one was altered)", e.id)
                    } else {
                        format!(
                            "event {}: its link does not match the hash of event {} before it (an event between them was removed or inserted, or one of them was altered)",
                            e.id, prev_id
                        )
                    };
                    return Ok(broken(e.id, problem, checked));
                }
                let computed = event_hash(&prev_hash, &e.fields());
                if computed != *stored_hash {
                    return Ok(broken(e.id, format!("event {}: its content does not match its hash (altered outside tiendo)", e.id), checked));
                }
                if let Some((cp_id, cp_hash)) = checkpoint
                    && cp_id == e.id
                {
                    if computed != cp_hash {
                        return Ok(broken(
                            e.id,
                            format!("event {}: its hash is not the one the checkpoint recorded (the chain up to it was rewritten)", e.id),
                            checked,
                        ));
                    }
                    checkpoint_seen = true;
                }
                checked += 1;
                prev_id = e.id;
                prev_hash = computed;
            }
            if batch_end == prev_id && (batch.len() as i64) < BATCH {
                break;
            }
        }
        if prev_id != head.event_id || prev_hash != head.hash {
            let (event_id, problem) = if prev_id < head.event_id {
                (
                    prev_id + 1,
                    format!(
                        "the chain ends at event {prev_id} but its recorded head is event {}: the events after {prev_id} were removed",
                        head.event_id
                    ),
                )
            } else {
                (prev_id, format!("event {prev_id}: its hash is not the chain's recorded head hash (the head or the event was altered)"))
            };
            return Ok(broken(event_id, problem, checked));
        }
        if let Some((cp_id, _)) = checkpoint
            && !checkpoint_seen
        {
            return Ok(broken(cp_id, format!("event {cp_id}, named by the checkpoint, is not in the chain (removed)"), checked));
        }
        Ok(ChainVerification { checked, head, checkpoint_checked: checkpoint.is_some(), broken: None })
    }

    /// The migration that starts the chain (0015_audit_chain.sql).
    pub(crate) const CHAIN_MIGRATION: i64 = crate::CHAIN_MIGRATION;

    /// The Rust step of migration 15, in its transaction: the `system` user (no
    /// usable password: no one signs in as it), the events without an actor given
    /// to it, then the existing events chained.
    pub(crate) async fn start_chain(tx: &mut Tx<'_>) -> Result<(), StoreError> {
        let now = now_micros();
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO users (username, display_name, password_hash, role, agency_id, active, created_at, updated_at) \
             SELECT 'system', 'Hệ thống (system)', '!', 'admin', NULL, TRUE, ?, ? \
             WHERE NOT EXISTS (SELECT 1 FROM users WHERE username = 'system')",
            [Arg::I64(now), Arg::I64(now)],
        );
        tx_exec(tx, &sql).await?;
        let system = system_user_in(tx).await?;
        let mut sql = Sql::default();
        sql.push_args("UPDATE events SET actor_id = ? WHERE actor_id IS NULL OR actor_id <= 0", [Arg::I64(system)]);
        tx_exec(tx, &sql).await?;
        let chained = backfill(tx).await?;
        tracing::info!(events = chained, "audit chain started");
        Ok(())
    }

    /// Chains the events of a database made before the chain existed, in id order
    /// (migration 15, inside its transaction): their hashes are computed here in
    /// batches and written back in multi-row updates.
    async fn backfill(tx: &mut Tx<'_>) -> Result<i64, StoreError> {
        let mut prev_id = 0_i64;
        let mut prev_hash = GENESIS.to_string();
        let mut count = 0_i64;
        loop {
            let mut sql = Sql::default();
            sql.push_args(
                "SELECT id, entity, entity_id, action, actor_id, changes, recorded_at, entered_at FROM events WHERE id > ? ORDER BY id LIMIT ?",
                [Arg::I64(prev_id), Arg::I64(BATCH)],
            );
            let rows = bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args)
                .fetch_all(&mut **tx)
                .await?;
            if rows.is_empty() {
                break;
            }
            let mut updates: Vec<Vec<Arg>> = Vec::with_capacity(rows.len());
            for row in &rows {
                let id: i64 = row.try_get(0)?;
                let entity: String = row.try_get(1)?;
                let action: String = row.try_get(3)?;
                let changes: String = row.try_get(5)?;
                let hash = event_hash(
                    &prev_hash,
                    &ChainFields {
                        id,
                        entity: &entity,
                        entity_id: row.try_get(2)?,
                        action: &action,
                        actor_id: row.try_get(4)?,
                        changes: &changes,
                        recorded_at: row.try_get(6)?,
                        entered_at: row.try_get(7)?,
                    },
                );
                updates.push(vec![Arg::I64(id), Arg::Text(prev_hash), Arg::Text(hash.clone())]);
                prev_id = id;
                prev_hash = hash;
            }
            update_hashes(tx, &updates).await?;
            count += updates.len() as i64;
        }
        write_head(tx, prev_id, &prev_hash).await?;
        Ok(count)
    }

    /// `UPDATE events … FROM (VALUES (id, prev_hash, hash), …)`: both backends name
    /// the columns of a VALUES list column1, column2, …
    async fn update_hashes(tx: &mut Tx<'_>, rows: &[Vec<Arg>]) -> Result<(), StoreError> {
        const PER: usize = 3_000;
        for chunk in rows.chunks(PER) {
            let mut sql = Sql::new("UPDATE events SET prev_hash = v.column2, hash = v.column3 FROM (VALUES ");
            for (i, row) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(",");
                }
                sql.push_args("(CAST(? AS BIGINT), ?, ?)", row.iter().cloned());
            }
            sql.push(") AS v WHERE events.id = v.column1");
            tx_exec(tx, &sql).await?;
        }
        Ok(())
    }
}
