// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod events {
    //! The history (`events`): the audit list and a task's history.

    use super::*;

    /// Records an urging letter (công văn đôn đốc) in the history of what it
    /// urges: one `assignment/urged` event per assignment, with its details, all
    /// in one transaction (a letter is recorded whole or not at all).
    pub async fn record_urging(backend: &Backend, urged: &[(i64, serde_json::Value)], stamp: &Stamp) -> Result<usize, StoreError> {
        if urged.is_empty() {
            return Ok(0);
        }
        let events: Vec<chain::PendingEvent> =
            urged.iter().map(|(id, details)| chain::PendingEvent::new(stamp, "assignment", *id, "urged", details.clone())).collect();
        let (_guard, mut tx) = backend.begin().await?;
        chain::append_events(&mut tx, &events).await?;
        commit(tx).await?;
        Ok(events.len())
    }

    pub async fn list_events(pool: &Pool, f: &EventFilter) -> Result<(Vec<Event>, i64), StoreError> {
        let mut wh = Sql::new(" WHERE 1=1");
        if let Some(v) = &f.entity {
            wh.push_args(" AND e.entity = ?", [Arg::Text(v.clone())]);
        }
        if let Some(v) = f.entity_id {
            wh.push_args(" AND e.entity_id = ?", [Arg::I64(v)]);
        }
        if let Some(v) = f.actor_id {
            wh.push_args(" AND e.actor_id = ?", [Arg::I64(v)]);
        }
        events_page(pool, wh, f.page, f.per_page).await
    }

    /// The history of a task: its own events and those of its assignments, reports,
    /// extensions and commitments, oldest first.
    pub async fn task_history(pool: &Pool, task_id: i64, confined_to: Option<i64>) -> Result<Vec<Event>, StoreError> {
        let confine = |sql: &mut Sql| {
            if let Some(agency) = confined_to {
                sql.push_args(" AND agency_id = ?", [Arg::I64(agency)]);
            }
        };
        let mut wh = Sql::new(" WHERE (");
        wh.push_args("(e.entity = 'task' AND e.entity_id = ?)", [Arg::I64(task_id)]);
        wh.push_args(" OR (e.entity = 'assignment' AND e.entity_id IN (SELECT id FROM assignments WHERE task_id = ?", [Arg::I64(task_id)]);
        confine(&mut wh);
        wh.push_args(")) OR (e.entity = 'progress_report' AND e.entity_id IN (SELECT r.id FROM progress_reports r WHERE r.assignment_id IN (SELECT id FROM assignments WHERE task_id = ?", [Arg::I64(task_id)]);
        confine(&mut wh);
        wh.push_args("))) OR (e.entity = 'extension' AND e.entity_id IN (SELECT x.id FROM extensions x WHERE x.assignment_id IN (SELECT id FROM assignments WHERE task_id = ?", [Arg::I64(task_id)]);
        confine(&mut wh);
        wh.push_args("))) OR (e.entity = 'commitment' AND e.entity_id IN (SELECT c.id FROM commitments c WHERE c.assignment_id IN (SELECT id FROM assignments WHERE task_id = ?", [Arg::I64(task_id)]);
        confine(&mut wh);
        wh.push("))))");
        let (items, _) = events_page(pool, wh, 1, 1000).await?;
        Ok(items)
    }

    /// The history of one assignment: its own events and those of its progress
    /// reports, extension requests and commitments, oldest first.
    pub async fn assignment_history(pool: &Pool, assignment_id: i64) -> Result<Vec<Event>, StoreError> {
        let mut wh = Sql::new(" WHERE (");
        wh.push_args("(e.entity = 'assignment' AND e.entity_id = ?)", [Arg::I64(assignment_id)]);
        wh.push_args(" OR (e.entity = 'progress_report' AND e.entity_id IN (SELECT r.id FROM progress_reports r WHERE r.assignment_id = ?))", [Arg::I64(assignment_id)]);
        wh.push_args(" OR (e.entity = 'extension' AND e.entity_id IN (SELECT x.id FROM extensions x WHERE x.assignment_id = ?))", [Arg::I64(assignment_id)]);
        wh.push_args(" OR (e.entity = 'commitment' AND e.entity_id IN (SELECT c.id FROM commitments c WHERE c.assignment_id = ?)))", [Arg::I64(assignment_id)]);
        let (items, _) = events_page(pool, wh, 1, 1000).await?;
        Ok(items)
    }

    async fn events_page(pool: &Pool, wh: Sql, page: i64, per_page: i64) -> Result<(Vec<Event>, i64), StoreError> {
        let total = count(pool, &Sql { text: format!("SELECT COUNT(*) FROM events e{}", wh.text), args: wh.args.clone() }).await?;
        let mut sql = Sql {
            text: format!(
                "SELECT e.id, e.entity, e.entity_id, e.action, e.actor_id, u.username AS actor_name, u.display_name AS actor_display_name, e.changes, e.recorded_at, e.entered_at \
                 FROM events e LEFT JOIN users u ON u.id = e.actor_id{} ORDER BY e.recorded_at, e.id",
                wh.text
            ),
            args: wh.args,
        };
        page_clause(&mut sql, page, per_page);
        let mut items = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            items.push(Event {
                id: row.try_get("id")?,
                entity: row.try_get("entity")?,
                entity_id: row.try_get("entity_id")?,
                action: row.try_get("action")?,
                actor_id: row.try_get("actor_id")?,
                actor_name: row.try_get("actor_name")?,
            actor_display_name: row.try_get("actor_display_name")?,
                changes: serde_json::from_str(&row.try_get::<String, _>("changes")?).unwrap_or(serde_json::Value::Null),
                recorded_at: instant_rfc3339(row.try_get("recorded_at")?),
                entered_at: instant_rfc3339(row.try_get("entered_at")?),
            });
        }
        Ok((items, total))
    }
}
