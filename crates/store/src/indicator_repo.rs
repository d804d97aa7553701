// Indicators, targets and measurements, written once for both backends (included
// by `sqlite.rs` and `postgres.rs` after `repo.rs`).

pub mod indicators {
    use super::*;
    use crate::types::{BulkCounts, IndicatorRow, MeasurementRow, NewIndicator, NewMeasurement, NewTarget, TargetRow};

    pub(super) const INDICATOR_COLS: &str =
        "id, code, name, unit, direction, aggregation, levels, periodicity, source, valid_min, valid_max";

    pub(super) fn indicator_from(row: &DbRow) -> Result<IndicatorRow, StoreError> {
        Ok(IndicatorRow {
            id: row.try_get("id")?,
            code: row.try_get("code")?,
            name: row.try_get("name")?,
            unit: row.try_get("unit")?,
            direction: row.try_get("direction")?,
            aggregation: row.try_get("aggregation")?,
            levels: json_list(&row.try_get::<String, _>("levels")?),
            periodicity: row.try_get("periodicity")?,
            source: row.try_get("source")?,
            valid_min: row.try_get("valid_min")?,
            valid_max: row.try_get("valid_max")?,
        })
    }

    pub async fn create_indicator(backend: &Backend, i: &NewIndicator, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO indicators (code, name, unit, direction, aggregation, levels, periodicity, source, valid_min, valid_max, search_text, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                Arg::Text(i.code.clone()),
                Arg::Text(i.name.clone()),
                Arg::Text(i.unit.clone()),
                Arg::Text(i.direction.clone()),
                Arg::Text(i.aggregation.clone()),
                Arg::Text(serde_json::to_string(&i.levels).unwrap_or_default()),
                Arg::Text(i.periodicity.clone()),
                Arg::OptText(i.source.clone()),
                Arg::OptI64(i.valid_min),
                Arg::OptI64(i.valid_max),
                Arg::Text(fold(&format!("{} {}", i.code, i.name))),
                Arg::I64(stamp.recorded_at),
                Arg::I64(stamp.recorded_at),
            ],
        );
        let id = tx_insert_id(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "indicator",
                entity_id: id,
                action: "create".into(),
                changes: serde_json::json!({"code": i.code, "name": i.name, "unit": i.unit, "direction": i.direction, "aggregation": i.aggregation, "periodicity": i.periodicity, "source": i.source}),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(id)
    }

    pub async fn get_indicator(pool: &Pool, code: &str) -> Result<Option<IndicatorRow>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {INDICATOR_COLS} FROM indicators WHERE "));
        sql.push_args("code = ?", [Arg::Text(code.into())]);
        fetch_optional(pool, &sql).await?.as_ref().map(indicator_from).transpose()
    }

    pub async fn list_indicators(pool: &Pool, q: Option<&str>) -> Result<Vec<IndicatorRow>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {INDICATOR_COLS} FROM indicators WHERE 1=1"));
        for word in q.map(fold).unwrap_or_default().split(' ').filter(|w| !w.is_empty()) {
            sql.push_args(" AND search_text LIKE ?", [Arg::Text(format!("%{word}%"))]);
        }
        sql.push(" ORDER BY id");
        fetch_all(pool, &sql).await?.iter().map(indicator_from).collect()
    }

    pub async fn add_target(backend: &Backend, t: &NewTarget, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO indicator_targets (indicator_id, agency_id, value, due, baseline_value, baseline_on, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                Arg::I64(t.indicator_id),
                Arg::OptI64(t.agency_id),
                Arg::I64(t.value),
                Arg::Date(t.due),
                Arg::OptI64(t.baseline_value),
                Arg::OptDate(t.baseline_on),
                Arg::OptText(t.source.clone()),
                Arg::I64(stamp.recorded_at),
            ],
        );
        let id = tx_insert_id(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "indicator_target",
                entity_id: id,
                action: "create".into(),
                changes: serde_json::json!({"indicator_id": t.indicator_id, "agency_id": t.agency_id, "value": t.value, "due": t.due, "baseline_value": t.baseline_value, "baseline_on": t.baseline_on, "source": t.source}),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(id)
    }

    pub async fn targets(pool: &Pool, indicator_id: i64) -> Result<Vec<TargetRow>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT id, agency_id, value, due, baseline_value, baseline_on, source FROM indicator_targets WHERE indicator_id = ? ORDER BY due, id",
            [Arg::I64(indicator_id)],
        );
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            out.push(TargetRow {
                id: row.try_get("id")?,
                agency_id: row.try_get("agency_id")?,
                value: row.try_get("value")?,
                due: row.try_get("due")?,
                baseline_value: row.try_get("baseline_value")?,
                baseline_on: row.try_get("baseline_on")?,
                source: row.try_get("source")?,
            });
        }
        Ok(out)
    }

    /// Records measurements in one transaction: each supersedes the current value
    /// of its agency and period, which stays as history. All or nothing.
    pub async fn record_measurements(backend: &Backend, rows: &[NewMeasurement], stamp: &Stamp) -> Result<usize, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        for chunk in rows.chunks(400) {
            for m in chunk {
                let mut sql = Sql::default();
                sql.push_args(
                    "UPDATE measurements SET superseded_at = ? WHERE indicator_id = ? AND period = ? AND superseded_at IS NULL AND ",
                    [Arg::I64(stamp.recorded_at), Arg::I64(m.indicator_id), Arg::Text(m.period.clone())],
                );
                match m.agency_id {
                    Some(a) => sql.push_args("agency_id = ?", [Arg::I64(a)]),
                    None => sql.push("agency_id IS NULL"),
                };
                tx_exec(&mut tx, &sql).await?;
            }
            let mut sql = Sql::new(
                "INSERT INTO measurements (indicator_id, agency_id, period, period_end, value, source, note, entered_by, recorded_at) VALUES ",
            );
            for (i, m) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.push_args(
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        Arg::I64(m.indicator_id),
                        Arg::OptI64(m.agency_id),
                        Arg::Text(m.period.clone()),
                        Arg::Date(m.period_end),
                        Arg::I64(m.value),
                        Arg::OptText(m.source.clone()),
                        Arg::OptText(m.note.clone()),
                        Arg::OptI64(stamp.actor_id),
                        Arg::I64(stamp.recorded_at),
                    ],
                );
            }
            tx_exec(&mut tx, &sql).await?;
        }
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "measurement",
                entity_id: rows.first().map_or(0, |m| m.indicator_id),
                action: "record".into(),
                changes: serde_json::json!({"count": rows.len(), "first": rows.first().map(|m| serde_json::json!({"agency_id": m.agency_id, "period": m.period, "value": m.value}))}),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(rows.len())
    }

    fn measurement_from(row: &DbRow) -> Result<MeasurementRow, StoreError> {
        Ok(MeasurementRow {
            id: row.try_get("id")?,
            agency_id: row.try_get("agency_id")?,
            parent_id: row.try_get("parent_id")?,
            period: row.try_get("period")?,
            period_end: row.try_get("period_end")?,
            value: row.try_get("value")?,
            source: row.try_get("source")?,
            note: row.try_get("note")?,
            recorded_at: row.try_get("recorded_at")?,
            superseded_at: row.try_get("superseded_at")?,
        })
    }

    const MEASUREMENT_COLS: &str = "m.id, m.agency_id, a.parent_id, m.period, m.period_end, m.value, m.source, m.note, m.recorded_at, m.superseded_at";

    /// The current values of one indicator for one period, every agency (and the
    /// national row, agency NULL), with each agency's parent.
    pub async fn period_values(pool: &Pool, indicator_id: i64, period: &str) -> Result<Vec<MeasurementRow>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {MEASUREMENT_COLS} FROM measurements m LEFT JOIN agencies a ON a.id = m.agency_id WHERE "));
        sql.push_args(
            "m.indicator_id = ? AND m.period = ? AND m.superseded_at IS NULL",
            [Arg::I64(indicator_id), Arg::Text(period.into())],
        );
        fetch_all(pool, &sql).await?.iter().map(measurement_from).collect()
    }

    /// The current series of one agency (or the nation, `None`), oldest first.
    pub async fn series(pool: &Pool, indicator_id: i64, agency_id: Option<i64>) -> Result<Vec<MeasurementRow>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {MEASUREMENT_COLS} FROM measurements m LEFT JOIN agencies a ON a.id = m.agency_id WHERE "));
        sql.push_args("m.indicator_id = ? AND m.superseded_at IS NULL AND ", [Arg::I64(indicator_id)]);
        match agency_id {
            Some(a) => sql.push_args("m.agency_id = ?", [Arg::I64(a)]),
            None => sql.push("m.agency_id IS NULL"),
        };
        sql.push(" ORDER BY m.period_end");
        fetch_all(pool, &sql).await?.iter().map(measurement_from).collect()
    }

    /// Every value ever recorded for one agency and period, corrections included.
    pub async fn measurement_history(pool: &Pool, indicator_id: i64, agency_id: Option<i64>, period: &str) -> Result<Vec<MeasurementRow>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {MEASUREMENT_COLS} FROM measurements m LEFT JOIN agencies a ON a.id = m.agency_id WHERE "));
        sql.push_args("m.indicator_id = ? AND m.period = ? AND ", [Arg::I64(indicator_id), Arg::Text(period.into())]);
        match agency_id {
            Some(a) => sql.push_args("m.agency_id = ?", [Arg::I64(a)]),
            None => sql.push("m.agency_id IS NULL"),
        };
        sql.push(" ORDER BY m.recorded_at, m.id");
        fetch_all(pool, &sql).await?.iter().map(measurement_from).collect()
    }

    /// The periods that have any current value, newest first.
    pub async fn periods(pool: &Pool, indicator_id: i64) -> Result<Vec<(String, NaiveDate)>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT period, MAX(period_end) AS period_end FROM measurements WHERE indicator_id = ? AND superseded_at IS NULL GROUP BY period ORDER BY MAX(period_end) DESC",
            [Arg::I64(indicator_id)],
        );
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            out.push((row.try_get("period")?, row.try_get("period_end")?));
        }
        Ok(out)
    }

    /// Ids per `UPDATE … WHERE id IN (…)`.
    const SUPERSEDE_IDS: usize = 30_000;

    /// Records a batch of measurements in one transaction, each (indicator, agency,
    /// period) at most once in `rows` (the service checks). A value equal to the
    /// current one (value and source) is left alone; a different one supersedes it
    /// (the old row stays, with `superseded_at`, as history); a new one is inserted.
    /// Multi-row INSERTs; one history entry for the whole batch (`changes`, which
    /// the caller fills with the count and a hash of the content), the rows
    /// themselves carrying who entered them and when.
    pub async fn bulk_record_measurements(
        backend: &Backend,
        rows: &[NewMeasurement],
        changes: serde_json::Value,
        stamp: &Stamp,
    ) -> Result<BulkCounts, StoreError> {
        use std::collections::HashMap;
        let (_guard, mut tx) = backend.begin().await?;
        let mut groups: HashMap<(i64, &str), Vec<usize>> = HashMap::new();
        for (i, m) in rows.iter().enumerate() {
            groups.entry((m.indicator_id, m.period.as_str())).or_default().push(i);
        }
        let mut counts = BulkCounts::default();
        let mut supersede: Vec<i64> = Vec::new();
        let mut insert: Vec<usize> = Vec::with_capacity(rows.len());
        for ((indicator_id, period), members) in &groups {
            let mut sql = Sql::default();
            sql.push_args(
                "SELECT id, agency_id, value, source FROM measurements WHERE indicator_id = ? AND period = ? AND superseded_at IS NULL",
                [Arg::I64(*indicator_id), Arg::Text((*period).to_string())],
            );
            let found = bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args)
                .fetch_all(&mut *tx)
                .await?;
            let mut current: HashMap<Option<i64>, (i64, i64, Option<String>)> = HashMap::with_capacity(found.len());
            for row in &found {
                current.insert(
                    row.try_get("agency_id")?,
                    (row.try_get("id")?, row.try_get("value")?, row.try_get("source")?),
                );
            }
            for &i in members {
                let m = &rows[i];
                match current.get(&m.agency_id) {
                    Some((_, value, source)) if *value == m.value && *source == m.source => counts.unchanged += 1,
                    Some((id, _, _)) => {
                        counts.corrected += 1;
                        supersede.push(*id);
                        insert.push(i);
                    }
                    None => {
                        counts.inserted += 1;
                        insert.push(i);
                    }
                }
            }
        }
        for chunk in supersede.chunks(SUPERSEDE_IDS) {
            let mut sql = Sql::default();
            sql.push_args("UPDATE measurements SET superseded_at = ? WHERE id IN (", [Arg::I64(stamp.recorded_at)]);
            for (k, id) in chunk.iter().enumerate() {
                if k > 0 {
                    sql.push(",");
                }
                let p = sql.arg(Arg::I64(*id));
                sql.push(&p);
            }
            sql.push(")");
            tx_exec(&mut tx, &sql).await?;
        }
        insert.sort_unstable();
        // Backend-specific (sqlite.rs, postgres.rs): multi-row INSERTs on SQLite,
        // one COPY on PostgreSQL; both inside this transaction.
        insert_measurement_rows(&mut tx, rows, &insert, stamp).await?;
        let mut changes = changes;
        if let Some(map) = changes.as_object_mut() {
            map.insert("inserted".into(), counts.inserted.into());
            map.insert("corrected".into(), counts.corrected.into());
            map.insert("unchanged".into(), counts.unchanged.into());
        }
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "measurement",
                entity_id: rows.first().map_or(0, |m| m.indicator_id),
                action: "bulk_record".into(),
                changes,
            },
        )
        .await?;
        commit(tx).await?;
        Ok(counts)
    }

    /// The current values of one indicator for one period, `(agency, value)`, read
    /// from the covering index `measurements_current_value` alone.
    pub async fn current_values(pool: &Pool, indicator_id: i64, period: &str) -> Result<Vec<(Option<i64>, i64)>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT agency_id, value FROM measurements WHERE indicator_id = ? AND period = ? AND superseded_at IS NULL",
            [Arg::I64(indicator_id), Arg::Text(period.into())],
        );
        let rows = bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args)
            .fetch_all(pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push((row.try_get::<Option<i64>, _>(0)?, row.try_get::<i64, _>(1)?));
        }
        Ok(out)
    }
}
