//! The PostgreSQL backend: the national server.
type Db = sqlx::Postgres;
/// Whether statements use positional `?` parameters (see `Sql::text_for`).
const POSITIONAL_PARAMETERS: bool = false;
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

/// Inserts `rows[i]` for each `i` of `which` as new current measurements through
/// one `COPY … FROM STDIN` inside `tx`: PostgreSQL takes rows through COPY several
/// times faster than through multi-row INSERTs of bound parameters, and being in
/// the transaction it is undone with the rest of the batch on any error.
async fn insert_measurement_rows(
    tx: &mut Tx<'_>,
    rows: &[NewMeasurement],
    which: &[usize],
    stamp: &Stamp,
) -> Result<(), StoreError> {
    use std::io::Write;
    if which.is_empty() {
        return Ok(());
    }
    let mut copy = tx
        .copy_in_raw(
            "COPY measurements (indicator_id, agency_id, period, period_end, value, source, note, entered_by, recorded_at) FROM STDIN",
        )
        .await?;
    let actor = copy_opt(stamp.actor_id);
    let sent: Result<(), sqlx::Error> = async {
        let mut data: Vec<u8> = Vec::with_capacity(1 << 20);
        for &i in which {
            let m = &rows[i];
            let _ = write!(data, "{}\t{}\t", m.indicator_id, copy_opt(m.agency_id));
            copy_text(&mut data, Some(&m.period));
            let _ = write!(data, "\t{}\t{}\t", m.period_end, m.value);
            copy_text(&mut data, m.source.as_deref());
            data.push(b'\t');
            copy_text(&mut data, m.note.as_deref());
            let _ = writeln!(data, "\t{actor}\t{}", stamp.recorded_at);
            if data.len() >= 1 << 20 {
                copy.send(data.as_slice()).await?;
                data.clear();
            }
        }
        if !data.is_empty() {
            copy.send(data.as_slice()).await?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = sent {
        let _ = copy.abort("send failed").await;
        return Err(e.into());
    }
    copy.finish().await?;
    Ok(())
}

/// A number or NULL (`\N`) in COPY's text format.
fn copy_opt(v: Option<i64>) -> String {
    v.map_or_else(|| "\\N".to_string(), |v| v.to_string())
}

/// Text in COPY's text format: NULL as `\N`; backslash, tab, newline and carriage
/// return escaped, since they delimit fields and rows.
fn copy_text(out: &mut Vec<u8>, text: Option<&str>) {
    let Some(text) = text else {
        out.extend_from_slice(b"\\N");
        return;
    };
    for b in text.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod copy_format_tests {
    use super::*;

    #[test]
    fn text_fields_escape_the_characters_that_delimit_copy_rows() {
        let mut out = Vec::new();
        copy_text(&mut out, Some("a\tb\nc\\d\re Bộ Y tế"));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\\tb\\nc\\\\d\\re Bộ Y tế"
        );
        let mut out = Vec::new();
        copy_text(&mut out, None);
        assert_eq!(out, b"\\N");
        assert_eq!(copy_opt(None), "\\N");
        assert_eq!(copy_opt(Some(-4)), "-4");
    }
}
