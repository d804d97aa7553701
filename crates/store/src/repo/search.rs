// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod search {
    //! The site search (issue 14): documents, agencies and indicators whose
    //! folded key holds every word, each section bounded (a count and the first
    //! `limit` rows). Tasks are searched by the task list's own query
    //! (`TaskFilter.words`), so that a focal point's confinement is the list's.
    //!
    //! Words are folded (`tiendo_core::text::fold`: letters and digits only), so
    //! they never hold `%`, `_` or a quote: `LIKE '%word%'` on the folded key is
    //! exact, the same on SQLite and PostgreSQL.

    use super::*;
    use crate::types::{DocumentHitRow, IndicatorRow, SearchFilter};

    fn words_clause(sql: &mut Sql, column: &str, words: &[String]) {
        for word in words.iter().filter(|w| !w.is_empty()) {
            sql.push_args(&format!(" AND {column} LIKE ?"), [Arg::Text(format!("%{word}%"))]);
        }
    }

    /// `ORDER BY` first the rows holding the words as one phrase (a bound
    /// argument), then `then`.
    fn phrase_first(sql: &mut Sql, column: &str, words: &[String], then: &str) {
        if words.len() > 1 {
            let p = sql.arg(Arg::Text(format!("%{}%", words.join(" "))));
            sql.push(&format!(" ORDER BY (CASE WHEN {column} LIKE {p} THEN 0 ELSE 1 END), {then}"));
        } else {
            sql.push(&format!(" ORDER BY {then}"));
        }
    }

    fn limit(sql: &mut Sql, n: i64) {
        let l = sql.arg(Arg::I64(n.clamp(1, 1000)));
        sql.push(&format!(" LIMIT {l}"));
    }

    /// Documents found by number, kind, title, issuer or text, the phrase first,
    /// then newest issued; with their text for the passage shown.
    pub async fn search_documents(pool: &Pool, f: &SearchFilter) -> Result<(Vec<DocumentHitRow>, i64), StoreError> {
        if f.words.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let mut wh = Sql::new(" FROM documents d WHERE 1=1");
        words_clause(&mut wh, "d.search_text", &f.words);
        if let Some(agency) = f.confined_to {
            wh.push_args(
                " AND d.id IN (SELECT t.document_id FROM tasks t JOIN assignments a ON a.task_id = t.id WHERE a.agency_id = ?)",
                [Arg::I64(agency)],
            );
        }
        let cols = match f.known_by {
            Some(t) => {
                wh.push_args(" AND d.created_at < ?", [Arg::I64(t)]);
                wh.push_args(" AND (d.issued_on IS NULL OR d.issued_on <= ?)", [Arg::Date(tiendo_core::time::day_of(t - 1))]);
                // `t` is an integer computed here, never user text.
                documents::DOCUMENT_COLS.replace(
                    "WHERE t.document_id = d.id)",
                    &format!("WHERE t.document_id = d.id AND t.created_at < {t})"),
                )
            }
            None => documents::DOCUMENT_COLS.to_string(),
        };
        let total = count(pool, &Sql { text: format!("SELECT COUNT(*){}", wh.text), args: wh.args.clone() }).await?;
        if total == 0 {
            return Ok((Vec::new(), 0));
        }
        let mut sql = Sql { text: format!("SELECT {cols}, d.body{}", wh.text), args: wh.args };
        phrase_first(&mut sql, "d.search_text", &f.words, "(d.issued_on IS NULL), d.issued_on DESC, d.id DESC");
        limit(&mut sql, f.limit);
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            out.push(DocumentHitRow { document: documents::document_from(&row)?, body: row.try_get("body")? });
        }
        Ok((out, total))
    }

    /// Current agencies found by name, code, short name or alias (a focal point:
    /// its own agency only), the phrase first, then by name.
    pub async fn search_agencies(pool: &Pool, f: &SearchFilter) -> Result<(Vec<Agency>, i64), StoreError> {
        if f.words.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let mut wh = Sql::new(" FROM agencies WHERE valid_to IS NULL");
        words_clause(&mut wh, "search_text", &f.words);
        if let Some(agency) = f.confined_to {
            wh.push_args(" AND id = ?", [Arg::I64(agency)]);
        }
        let total = count(pool, &Sql { text: format!("SELECT COUNT(*){}", wh.text), args: wh.args.clone() }).await?;
        if total == 0 {
            return Ok((Vec::new(), 0));
        }
        let mut sql = Sql { text: format!("SELECT {}{}", agencies::AGENCY_COLS, wh.text), args: wh.args };
        phrase_first(&mut sql, "search_text", &f.words, "name, id");
        limit(&mut sql, f.limit);
        let rows = fetch_all(pool, &sql).await?;
        Ok((rows.iter().map(agencies::agency_from).collect::<Result<_, _>>()?, total))
    }

    /// Indicators found by code or name, the phrase first, then in their order.
    pub async fn search_indicators(pool: &Pool, f: &SearchFilter) -> Result<(Vec<IndicatorRow>, i64), StoreError> {
        if f.words.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let mut wh = Sql::new(" FROM indicators WHERE 1=1");
        words_clause(&mut wh, "search_text", &f.words);
        let total = count(pool, &Sql { text: format!("SELECT COUNT(*){}", wh.text), args: wh.args.clone() }).await?;
        if total == 0 {
            return Ok((Vec::new(), 0));
        }
        let mut sql = Sql { text: format!("SELECT {}{}", indicators::INDICATOR_COLS, wh.text), args: wh.args };
        phrase_first(&mut sql, "search_text", &f.words, "id");
        limit(&mut sql, f.limit);
        let rows = fetch_all(pool, &sql).await?;
        Ok((rows.iter().map(indicators::indicator_from).collect::<Result<_, _>>()?, total))
    }
}
