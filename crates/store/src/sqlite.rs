//! The SQLite backend: the embedded database of a laptop or a small office.
type Db = sqlx::Sqlite;
/// Whether statements use positional `?` parameters (see `Sql::text_for`).
const POSITIONAL_PARAMETERS: bool = true;
include!("repo.rs");
include!("indicator_repo.rs");
pub use indicators::*;
include!("draft_repo.rs");
pub use drafts::*;
include!("scoring_repo.rs");
pub use scoring::*;
include!("evidence_repo.rs");
pub use evidence::*;
include!("dbquality_repo.rs");
pub use dbquality::*;
include!("sheet_repo.rs");
pub use sheets::*;
include!("dump_repo.rs");
pub use dump_db::*;

/// Inserts `rows[i]` for each `i` of `which` as new current measurements, in
/// multi-row INSERTs inside `tx`. One statement text for every full chunk, so it is
/// prepared once and reused (sqlx caches prepared statements per connection).
async fn insert_measurement_rows(
    tx: &mut Tx<'_>,
    rows: &[NewMeasurement],
    which: &[usize],
    stamp: &Stamp,
) -> Result<(), StoreError> {
    /// Rows per statement (9 parameters each): 3,600 × 9 = 32,400, under SQLite's
    /// 32,766 bound parameters per statement.
    const ROWS: usize = 3_600;
    let text_for = |n: usize| {
        let mut text = String::from(
            "INSERT INTO measurements (indicator_id, agency_id, period, period_end, value, source, note, entered_by, recorded_at) VALUES ",
        );
        for k in 0..n {
            if k > 0 {
                text.push(',');
            }
            text.push_str("(?,?,?,?,?,?,?,?,?)");
        }
        text
    };
    let full = text_for(ROWS);
    for chunk in which.chunks(ROWS) {
        let text = if chunk.len() == ROWS {
            full.clone()
        } else {
            text_for(chunk.len())
        };
        let mut q = sqlx::query(sqlx::AssertSqlSafe(text));
        for &i in chunk {
            let m = &rows[i];
            q = q
                .bind(m.indicator_id)
                .bind(m.agency_id)
                .bind(m.period.as_str())
                .bind(m.period_end)
                .bind(m.value)
                .bind(m.source.as_deref())
                .bind(m.note.as_deref())
                .bind(stamp.actor_id)
                .bind(stamp.recorded_at);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}
