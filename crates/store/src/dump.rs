//! The whole database as JSON Lines (`tiendo export --all`, `tiendo import --all`),
//! the same on SQLite and PostgreSQL, so a database moves between them and a
//! backup can be checked row by row.
//!
//! The first line is the [`Header`]: the format, the schema (migration) version,
//! and every table in an order where each table comes after the tables it
//! refers to, with its columns, their kinds and its row count. Then one line per
//! row, the rows of each table together, in the header's order and by id:
//!
//! ```text
//! {"format":"tiendo-export","format_version":1,"schema_version":13,…,"tables":[{"name":"agencies","columns":[{"name":"id","kind":"int"},…],"rows":712},…]}
//! {"table":"agencies","row":{"id":1,"code":"BCA","kind":"ministry",…}}
//! ```
//!
//! Values: whole numbers as JSON numbers, text as strings, days as "YYYY-MM-DD",
//! booleans as true/false, binary content (evidence files) as lowercase hex.
//! Tables are discovered from the database's own schema, so a table added by a
//! later migration is exported without changing this code; `schema_migrations`
//! is not exported (the header's version stands for it).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::StoreError;

/// The `format` of the header line.
pub const FORMAT: &str = "tiendo-export";
/// The version of this format.
pub const FORMAT_VERSION: i64 = 1;
/// Tables the migrations fill themselves (the data version counter, the audit
/// chain's head): an import replaces their rows instead of requiring them empty.
pub const SEEDED_TABLES: &[&str] = &[
    "data_version",
    "audit_head",
    "token_policy",
    "notify_progress",
];
/// Tables never exported: the migration bookkeeping, and the counters of failed
/// sign-ins (guesses, not data).
pub const SKIPPED_TABLES: &[&str] = &["schema_migrations", "sign_in_failures"];

/// What a column holds, as both backends agree on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Int,
    Text,
    Date,
    Bool,
    Bytes,
}

impl Kind {
    /// The kind of a declared column type: SQLite's `PRAGMA table_info` type or
    /// PostgreSQL's `information_schema.columns.data_type`.
    pub fn from_declared(declared: &str) -> Option<Kind> {
        match declared.trim().to_ascii_lowercase().as_str() {
            "bigint" | "integer" | "int" | "int8" | "int4" | "smallint" | "int2" => Some(Kind::Int),
            "text" | "character varying" | "varchar" => Some(Kind::Text),
            "date" => Some(Kind::Date),
            "boolean" | "bool" => Some(Kind::Bool),
            "bytea" | "blob" => Some(Kind::Bytes),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    /// Whether the column takes NULL (from the target's schema; not in the file).
    #[serde(skip, default = "yes")]
    pub nullable: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// Rows in the table (in the file: the rows that follow for it).
    pub rows: i64,
    /// Its columns that refer to its own rows (`agencies.parent_id`): an import
    /// writes them after every row of the table is in. From the schema; not in
    /// the file.
    #[serde(skip)]
    pub self_refs: Vec<String>,
}

impl Table {
    pub fn has_id(&self) -> bool {
        self.columns
            .iter()
            .any(|c| c.name == "id" && c.kind == Kind::Int)
    }
}

/// The first line of an export.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub format_version: i64,
    /// The highest migration applied to the exported database.
    pub schema_version: i64,
    /// "sqlite" or "postgres": where it was exported from (informative).
    pub backend: String,
    /// RFC 3339, in Vietnam's time (UTC+7).
    pub exported_at: String,
    pub tables: Vec<Table>,
}

/// A row's line.
#[derive(Debug, Deserialize)]
struct RowLine {
    table: String,
    row: serde_json::Map<String, serde_json::Value>,
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Date(NaiveDate),
    Bool(bool),
    Bytes(Vec<u8>),
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    pub schema_version: i64,
    pub tables: BTreeMap<String, i64>,
}

/// What an import wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub schema_version: i64,
    /// Migrations the import applied to reach the file's schema version.
    pub migrations_applied: usize,
    pub tables: BTreeMap<String, i64>,
}

/// Orders tables so that each comes after the tables it refers to (`edges`:
/// child → parents; a table's references to itself are ignored). Ties are broken
/// by name, so both backends give the same order.
pub fn dependency_order(
    names: &[String],
    edges: &[(String, String)],
) -> Result<Vec<String>, StoreError> {
    let known: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    let mut parents: BTreeMap<&str, BTreeSet<&str>> = names
        .iter()
        .map(|n| (n.as_str(), BTreeSet::new()))
        .collect();
    for (child, parent) in edges {
        if child != parent
            && known.contains(parent.as_str())
            && let Some(p) = parents.get_mut(child.as_str())
        {
            p.insert(parent.as_str());
        }
    }
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    while placed.len() < parents.len() {
        let next = parents
            .iter()
            .find(|(name, ps)| !placed.contains(*name) && ps.iter().all(|p| placed.contains(p)))
            .map(|(name, _)| *name);
        let Some(next) = next else {
            let left: Vec<&str> = parents
                .keys()
                .filter(|n| !placed.contains(*n))
                .copied()
                .collect();
            return Err(StoreError::Invalid(format!(
                "the tables {} refer to each other in a cycle; they cannot be exported in order",
                left.join(", ")
            )));
        };
        placed.insert(next);
        out.push(next.to_string());
    }
    Ok(out)
}

/// Checks a file's header against the target's tables (discovered after the
/// target was migrated to the file's version): the same tables with the same
/// columns of the same kinds, in an order the target's references allow.
pub fn check_header(
    header: &Header,
    target: &[Table],
    edges: &[(String, String)],
) -> Result<(), StoreError> {
    if header.format != FORMAT {
        return Err(StoreError::Invalid(format!(
            "line 1: not a tiendo export (format '{}', expected '{FORMAT}')",
            header.format
        )));
    }
    if header.format_version != FORMAT_VERSION {
        return Err(StoreError::Invalid(format!(
            "line 1: export format version {} is not {FORMAT_VERSION}, the one this tiendo reads",
            header.format_version
        )));
    }
    let mut problems = Vec::new();
    let by_name: BTreeMap<&str, &Table> = target.iter().map(|t| (t.name.as_str(), t)).collect();
    let in_file: BTreeSet<&str> = header.tables.iter().map(|t| t.name.as_str()).collect();
    for t in target {
        if !in_file.contains(t.name.as_str()) {
            problems.push(format!(
                "table {} of the database is not in the file",
                t.name
            ));
        }
    }
    for t in &header.tables {
        let Some(mine) = by_name.get(t.name.as_str()) else {
            problems.push(format!(
                "table {} of the file is not in the database",
                t.name
            ));
            continue;
        };
        let theirs: Vec<(&str, Kind)> = t
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.kind))
            .collect();
        let ours: Vec<(&str, Kind)> = mine
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.kind))
            .collect();
        if theirs != ours {
            problems.push(format!(
                "table {}: the file's columns ({}) are not the database's ({})",
                t.name,
                describe(&theirs),
                describe(&ours)
            ));
        }
        if t.rows < 0 {
            problems.push(format!("table {}: a negative row count", t.name));
        }
    }
    let position: BTreeMap<&str, usize> = header
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    for (child, parent) in edges {
        if let (Some(c), Some(p)) = (position.get(child.as_str()), position.get(parent.as_str()))
            && c < p
        {
            problems.push(format!(
                "table {child} comes before {parent}, which it refers to"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "line 1: {}",
            problems.join("; ")
        )))
    }
}

fn describe(columns: &[(&str, Kind)]) -> String {
    columns
        .iter()
        .map(|(n, k)| format!("{n} {}", kind_name(*k)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Int => "int",
        Kind::Text => "text",
        Kind::Date => "date",
        Kind::Bool => "bool",
        Kind::Bytes => "bytes",
    }
}

/// Reads line 1 of an export.
pub fn parse_header(line: &str) -> Result<Header, StoreError> {
    serde_json::from_str(line)
        .map_err(|e| StoreError::Invalid(format!("line 1: not the header of a tiendo export: {e}")))
}

/// Parses a row line against the table it must belong to (`expected`, from the
/// header's order and counts). Returns the values in the table's column order.
pub fn parse_row(line_no: usize, line: &str, expected: &Table) -> Result<Vec<Cell>, StoreError> {
    let at = |msg: String| StoreError::Invalid(format!("line {line_no}: {msg}"));
    let parsed: RowLine = serde_json::from_str(line)
        .map_err(|e| at(format!("not a row ({{\"table\", \"row\"}}): {e}")))?;
    if parsed.table != expected.name {
        return Err(at(format!(
            "a row of table {} where the header's counts put the rows of {}",
            parsed.table, expected.name
        )));
    }
    let mut row = parsed.row;
    let mut cells = Vec::with_capacity(expected.columns.len());
    for column in &expected.columns {
        let value = row
            .remove(&column.name)
            .ok_or_else(|| at(format!("{}.{}: missing", expected.name, column.name)))?;
        let cell = cell_from_json(&value, column.kind).ok_or_else(|| {
            at(format!(
                "{}.{}: {value} is not {}",
                expected.name,
                column.name,
                match column.kind {
                    Kind::Int => "a whole number",
                    Kind::Text => "text",
                    Kind::Date => "a day (YYYY-MM-DD)",
                    Kind::Bool => "true or false",
                    Kind::Bytes => "hexadecimal bytes",
                }
            ))
        })?;
        if cell == Cell::Null && !column.nullable {
            return Err(at(format!(
                "{}.{}: null, but the column requires a value",
                expected.name, column.name
            )));
        }
        cells.push(cell);
    }
    if let Some(extra) = row.keys().next() {
        return Err(at(format!("{}.{extra}: no such column", expected.name)));
    }
    Ok(cells)
}

fn cell_from_json(value: &serde_json::Value, kind: Kind) -> Option<Cell> {
    use serde_json::Value;
    Some(match (value, kind) {
        (Value::Null, _) => Cell::Null,
        (Value::Number(n), Kind::Int) => Cell::Int(n.as_i64()?),
        (Value::String(s), Kind::Text) => Cell::Text(s.clone()),
        (Value::String(s), Kind::Date) => {
            Cell::Date(NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?)
        }
        (Value::Bool(b), Kind::Bool) => Cell::Bool(*b),
        (Value::String(s), Kind::Bytes) => Cell::Bytes(hex::decode(s).ok()?),
        _ => return None,
    })
}

/// Writes one row's line (columns in schema order) to `out`.
pub fn write_row(out: &mut Vec<u8>, table: &Table, cells: &[Cell]) -> Result<(), StoreError> {
    use std::io::Write;
    let json = |e: serde_json::Error| {
        StoreError::Invalid(format!("cannot write a row of {}: {e}", table.name))
    };
    out.extend_from_slice(b"{\"table\":");
    serde_json::to_writer(&mut *out, &table.name).map_err(json)?;
    out.extend_from_slice(b",\"row\":{");
    for (i, (column, cell)) in table.columns.iter().zip(cells).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut *out, &column.name).map_err(json)?;
        out.push(b':');
        match cell {
            Cell::Null => out.extend_from_slice(b"null"),
            Cell::Int(v) => {
                let _ = write!(out, "{v}");
            }
            Cell::Text(s) => serde_json::to_writer(&mut *out, s).map_err(json)?,
            Cell::Date(d) => {
                let _ = write!(out, "\"{}\"", d.format("%Y-%m-%d"));
            }
            Cell::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Cell::Bytes(b) => {
                out.push(b'"');
                out.extend_from_slice(hex::encode(b).as_bytes());
                out.push(b'"');
            }
        }
    }
    out.extend_from_slice(b"}}\n");
    Ok(())
}

/// A SQL identifier in double quotes (both backends), refusing names that would
/// need escaping: the schema's names are plain.
pub fn ident(name: &str) -> Result<String, StoreError> {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(format!("\"{name}\""))
    } else {
        Err(StoreError::Invalid(format!(
            "unexpected table or column name '{name}'"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, cols: &[(&str, Kind)]) -> Table {
        Table {
            name: name.into(),
            columns: cols
                .iter()
                .map(|(n, k)| Column {
                    name: (*n).into(),
                    kind: *k,
                    nullable: *n != "id",
                })
                .collect(),
            rows: 0,
            self_refs: vec![],
        }
    }

    #[test]
    fn tables_come_after_the_tables_they_refer_to() {
        let names: Vec<String> = ["tasks", "agencies", "documents", "assignments"]
            .map(String::from)
            .into();
        let edges = [
            ("tasks", "documents"),
            ("assignments", "tasks"),
            ("assignments", "agencies"),
            ("agencies", "agencies"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()));
        let order = dependency_order(&names, &edges).unwrap();
        assert_eq!(order, ["agencies", "documents", "tasks", "assignments"]);
        let cycle = [("a", "b"), ("b", "a")].map(|(a, b)| (a.to_string(), b.to_string()));
        let err = dependency_order(&["a".into(), "b".into()], &cycle).unwrap_err();
        assert!(err.to_string().contains("a, b"), "{err}");
    }

    #[test]
    fn a_row_round_trips_through_its_line_and_bad_values_name_their_column() {
        let t = table(
            "evidence_files",
            &[
                ("id", Kind::Int),
                ("file_name", Kind::Text),
                ("due", Kind::Date),
                ("ok", Kind::Bool),
                ("content", Kind::Bytes),
            ],
        );
        let cells = vec![
            Cell::Int(7),
            Cell::Text("Báo cáo \"số 1\"\nBộ Y tế".into()),
            Cell::Date(NaiveDate::from_ymd_opt(2025, 7, 16).unwrap()),
            Cell::Bool(true),
            Cell::Bytes(vec![0, 255, 16]),
        ];
        let mut out = Vec::new();
        write_row(&mut out, &t, &cells).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(line.ends_with("}}\n"));
        assert!(line.contains("\"due\":\"2025-07-16\""), "{line}");
        assert!(line.contains("\"content\":\"00ff10\""), "{line}");
        assert_eq!(parse_row(2, line.trim_end(), &t).unwrap(), cells);

        let bad = line.replace("\"2025-07-16\"", "\"16/07/2025\"");
        let err = parse_row(9, &bad, &t).unwrap_err().to_string();
        assert!(
            err.contains("line 9") && err.contains("evidence_files.due"),
            "{err}"
        );
        let other = line.replace("\"table\":\"evidence_files\"", "\"table\":\"tasks\"");
        assert!(
            parse_row(3, &other, &t)
                .unwrap_err()
                .to_string()
                .contains("table tasks")
        );
        let null_id = line.replace("\"id\":7", "\"id\":null");
        assert!(
            parse_row(4, &null_id, &t)
                .unwrap_err()
                .to_string()
                .contains("evidence_files.id: null")
        );
        let extra = line.replace("\"id\":7", "\"id\":7,\"x\":1");
        assert!(
            parse_row(5, &extra, &t)
                .unwrap_err()
                .to_string()
                .contains("evidence_files.x: no such column")
        );
    }

    #[test]
    fn a_header_that_does_not_fit_the_database_lists_every_difference() {
        let ours = vec![
            table("agencies", &[("id", Kind::Int), ("code", Kind::Text)]),
            table("tasks", &[("id", Kind::Int), ("agency_id", Kind::Int)]),
        ];
        let edges = vec![("tasks".to_string(), "agencies".to_string())];
        let mut header = Header {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            schema_version: 13,
            backend: "sqlite".into(),
            exported_at: "2026-01-01T00:00:00Z".into(),
            tables: ours.clone(),
        };
        check_header(&header, &ours, &edges).unwrap();
        header.tables.reverse();
        header.tables[1].columns[1].kind = Kind::Date;
        header.tables.push(table("extra", &[("id", Kind::Int)]));
        let err = check_header(&header, &ours, &edges)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("table agencies: the file's columns (id int, code date)"),
            "{err}"
        );
        assert!(
            err.contains("table extra of the file is not in the database"),
            "{err}"
        );
        assert!(err.contains("table tasks comes before agencies"), "{err}");
        assert!(ident("a\"b").is_err());
        assert_eq!(ident("score_runs").unwrap(), "\"score_runs\"");
    }
}
