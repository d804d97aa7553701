//! Task tables written as pipe rows ("| TT | Nhiệm vụ | Cơ quan chủ trì | … |"):
//! markdown from a DOCX or HTML converter, the rows `layout_table` reads from a
//! PDF's positions, and the tables the DOCX reader emits.
//!
//! - **Columns** are known by their header's words, in any order and wording: the
//!   number ("TT", "STT"), the work ("Nhiệm vụ", "Nội dung", "Tên nhiệm vụ"), who
//!   leads ("Cơ quan chủ trì", "Đơn vị thực hiện", "Cơ quan, tổ chức đảng chủ trì"),
//!   who helps ("phối hợp"), when ("Thời hạn", "Thời gian hoàn thành", "Tiến độ"),
//!   the product ("Sản phẩm", "Kết quả"), the source ("Văn bản giao"), the units not
//!   done ("chưa hoàn thành"). Others (person in charge, notes, funds) are skipped.
//! - **Group rows** ("I", "II.1", "A" among rows numbered 1, 2, 3 …, or a row whose
//!   only cell is its title) head the rows below them: they give the ref its group
//!   and are not tasks unless they name who leads.
//! - **Blank cells** of the lead and deadline columns take the row above's (a cell
//!   merged over several rows arrives blank in all but one).
//! - Each row that gives work is a task `PL.<group>.<row>` whose text is its work
//!   cell.

use crate::deadline;
use crate::fields::agencies;
use crate::pipeline::{Doc, Draft};
use crate::roles::RoleItem;
use tiendo_core::deadline::Deadline;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Number,
    Task,
    Lead,
    Coord,
    Deadline,
    Product,
    Source,
    Incomplete,
    Other,
}

fn column(name: &str) -> Col {
    let l = tiendo_core::text::fold(name);
    let has = |w: &str| l.contains(w);
    if matches!(l.as_str(), "tt" | "stt" | "so tt" | "so thu tu") {
        Col::Number
    } else if matches!(l.as_str(), "don vi" | "don vi tinh" | "dvt") {
        // The unit of measure of an indicator ("%", "km"); `header` takes it
        // for the responsible unit when the table names no other.
        Col::Other
    } else if has("chua hoan thanh") {
        Col::Incomplete
    } else if has("phoi hop") || has("cho y kien") {
        // "Đơn vị cho ý kiến": the units that comment on a draft work with its
        // drafters.
        Col::Coord
    } else if has("chu tri")
        || l.starts_with("co quan")
        || l.starts_with("don vi")
        || has("thuc hien") && !has("thoi") && !has("nhiem vu") && !has("noi dung")
    {
        Col::Lead
    } else if has("thoi han") || has("thoi gian") || has("tien do") || has("lo trinh") {
        Col::Deadline
    } else if has("san pham") || has("ket qua") {
        Col::Product
    } else if l.starts_with("ten ") {
        // "Tên văn bản", "Tên đề án", "Tên nhiệm vụ": the names of what is to be
        // made, one task a row.
        Col::Task
    } else if has("van ban") {
        Col::Source
    } else if has("nhiem vu")
        || has("noi dung")
        || has("ten de an")
        || has("chi tieu")
        || has("chi so")
        || has("hoat dong")
    {
        Col::Task
    } else {
        Col::Other
    }
}

/// A pipe row: each cell's byte range in the text (trimmed).
fn cells(text: &str, a: usize, b: usize) -> Vec<(usize, usize)> {
    let line = &text[a..b];
    let trimmed_start = a + (line.len() - line.trim_start().len());
    let mut out = Vec::new();
    let mut s = trimmed_start;
    for (i, c) in text[trimmed_start..b].char_indices() {
        if c == '|' {
            let at = trimmed_start + i;
            if at > trimmed_start {
                out.push(trim(text, s, at));
            }
            s = at + 1;
        }
    }
    if s < b && !text[s..b].trim().is_empty() {
        out.push(trim(text, s, b));
    }
    out
}

fn trim(text: &str, a: usize, b: usize) -> (usize, usize) {
    let t = &text[a..b];
    let s = a + (t.len() - t.trim_start().len());
    let e = b - (t.len() - t.trim_end().len());
    (s, e.max(s))
}

fn is_row(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('|') && t.ends_with('|') && t.len() > 2
}

/// Whether the pipe rows at `lines[i..]` hold a task table: its header row.
fn header(doc: &Doc, row: &[(usize, usize)]) -> Option<Vec<Col>> {
    let mut cols: Vec<Col> = row.iter().map(|&(a, b)| column(&doc.text[a..b])).collect();
    if !cols.contains(&Col::Lead)
        && let Some(k) = row
            .iter()
            .position(|&(a, b)| tiendo_core::text::fold(doc.text[a..b].trim()) == "don vi")
    {
        cols[k] = Col::Lead;
    }
    let task = cols.contains(&Col::Task);
    let who = cols.contains(&Col::Lead);
    (task && who).then_some(cols)
}

/// Row labels: "1", "12.", "I", "II.1", "a", "A".
fn label_kind(label: &str) -> Option<u8> {
    let t = label.trim().trim_end_matches(['.', ')']);
    if t.is_empty() || t.chars().count() > 6 {
        return None;
    }
    if t.chars().all(|c| c.is_ascii_digit()) {
        Some(0)
    } else if t.contains('.')
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || "IVXL".contains(c))
    {
        Some(3)
    } else if t.chars().all(|c| "IVXL".contains(c)) {
        Some(1)
    } else if t.chars().count() == 1 && t.chars().all(char::is_alphabetic) {
        Some(2)
    } else {
        None
    }
}

/// A markdown rule row: "| --- | :---: |".
fn separator(line: &str) -> bool {
    line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// A header of two rows, its first with merged cells ("| Đơn vị thực hiện | |"
/// over "| Chủ trì | Phối hợp |", "| Cấp trình và thời gian trình | | |" over "|
/// Bộ trưởng | Chính phủ | Thủ tướng |"): an empty header cell belongs to the
/// column before it, and a second row under the header names the parts. Returns
/// whether `next` is that second row (it has no label and no task, and names
/// something under a merged cell); `cols` is updated either way.
fn sub_header(
    doc: &Doc,
    header: &[(usize, usize)],
    cols: &mut [Col],
    next: &[(usize, usize)],
) -> bool {
    let text = doc.text;
    let empty = |r: &[(usize, usize)], k: usize| {
        r.get(k).is_none_or(|&(a, b)| text[a..b].trim().is_empty())
    };
    let mut merged = vec![false; cols.len()];
    for k in 1..cols.len() {
        if empty(header, k) && cols[k - 1] != Col::Number {
            cols[k] = cols[k - 1];
            merged[k] = true;
            merged[k - 1] = true;
        }
    }
    let label_c = cols.iter().position(|c| *c == Col::Number);
    let task_c = cols.iter().position(|c| *c == Col::Task);
    let is_sub = label_c.is_none_or(|n| empty(next, n))
        && task_c.is_none_or(|t| empty(next, t))
        && (0..cols.len()).any(|k| merged[k] && !empty(next, k));
    if is_sub {
        for k in 0..cols.len() {
            if merged[k] && !empty(next, k) {
                let (a, b) = next[k];
                let part = column(&text[a..b]);
                if matches!(part, Col::Lead | Col::Coord | Col::Deadline) {
                    cols[k] = part;
                }
            }
        }
    }
    is_sub
}

/// The tasks of every pipe table among the lines (which are all pipe rows of the
/// document, in order; a non-row line between them ends a table).
pub fn tasks(doc: &Doc, lines: &[(usize, usize)]) -> Vec<Draft> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (a, b) = lines[i];
        let row = cells(doc.text, a, b);
        let Some(mut cols) = header(doc, &row) else {
            i += 1;
            continue;
        };
        // The table's rows: up to a gap between lines.
        let mut j = i + 1;
        while j < lines.len() && doc.text[lines[j - 1].1..lines[j].0].trim().is_empty() {
            j += 1;
        }
        let mut first = i + 1;
        while first < j && separator(&doc.text[lines[first].0..lines[first].1]) {
            first += 1;
        }
        if first < j
            && sub_header(
                doc,
                &row,
                &mut cols,
                &cells(doc.text, lines[first].0, lines[first].1),
            )
        {
            first += 1;
        }
        let period = header_year(doc, &row, &cols);
        out.extend(table(doc, &cols, &lines[first.min(j)..j], period));
        i = j;
    }
    out
}

/// The year a table without a deadline column is for, from its header ("Kế
/// hoạch năm 2024", "Chỉ tiêu phấn đấu năm 2024"): the end of that year.
fn header_year(doc: &Doc, header: &[(usize, usize)], cols: &[Col]) -> Option<Deadline> {
    if cols.contains(&Col::Deadline) {
        return None;
    }
    let years: Vec<i32> = header
        .iter()
        .filter_map(|&(a, b)| {
            let f = tiendo_core::text::fold(&doc.text[a..b]);
            let at = f.find("nam ")?;
            let y = f[at + 4..].get(..4)?;
            y.parse::<i32>().ok().filter(|y| (1990..2100).contains(y))
        })
        .collect();
    let first = *years.first()?;
    if years.iter().any(|y| *y != first) {
        return None;
    }
    let mut d = Deadline::year(first).ok()?;
    d.raw = format!("năm {first}");
    Some(d)
}

fn table(doc: &Doc, cols: &[Col], rows: &[(usize, usize)], period: Option<Deadline>) -> Vec<Draft> {
    let text = doc.text;
    let at = |c: Col| cols.iter().position(|x| *x == c);
    let (num_c, task_c) = (at(Col::Number), at(Col::Task));
    let Some(task_c) = task_c else {
        return Vec::new();
    };
    let rows: Vec<Vec<(usize, usize)>> = rows.iter().map(|&(a, b)| cells(text, a, b)).collect();
    // The kind of label the task rows have: the most common.
    let mut counts = [0usize; 4];
    for r in &rows {
        if let Some(k) = num_c
            .and_then(|n| r.get(n))
            .and_then(|&(a, b)| label_kind(&text[a..b]))
        {
            counts[k as usize] += 1;
        }
    }
    let data_kind = (0..4).max_by_key(|&k| counts[k]).unwrap_or(0) as u8;
    let mut out = Vec::new();
    let mut group = String::new();
    let mut carry_lead: Vec<RoleItem> = Vec::new();
    let mut carry_deadline = None;
    let mut count = 0usize;
    for r in &rows {
        let cell = |c: Option<usize>| c.and_then(|c| r.get(c)).copied().filter(|(a, b)| b > a);
        let label = num_c
            .and_then(|n| r.get(n))
            .map(|&(a, b)| text[a..b].trim().to_string())
            .unwrap_or_default();
        let others_empty = cols.iter().enumerate().all(|(k, c)| {
            matches!(c, Col::Number | Col::Task)
                    // A second numbering ("| II | VI | Nhóm nhiệm vụ … |": the
                    // item's number in the resolution carried out).
                    || cell(Some(k)).is_none_or(|(a, b)| label_kind(&text[a..b]).is_some())
        });
        // A converter may repeat a merged heading cell across the row.
        let repeated = {
            let texts: Vec<&str> = r
                .iter()
                .enumerate()
                .filter(|(k, _)| Some(*k) != num_c)
                .map(|(_, &(a, b))| text[a..b].trim())
                .collect();
            texts.len() > 1 && texts.iter().all(|t| !t.is_empty() && *t == texts[0])
        };
        let kind = label_kind(&label);
        // A row is a group heading when its cells repeat one text, or when only
        // its label is filled and it is short or of another kind than the data.
        let heading = repeated
            || (others_empty
                && (r.len() < cols.len().min(3) || kind.is_some() && kind != Some(data_kind)));
        if heading {
            group = label.trim_end_matches(['.', ')']).to_string();
            carry_lead.clear();
            carry_deadline = None;
            continue;
        }
        let Some((ta, tb)) = cell(Some(task_c)) else {
            continue;
        };
        count += 1;
        let lead = cell(at(Col::Lead))
            .map(|(a, b)| agencies(doc, a, b))
            .filter(|l| !l.is_empty());
        let lead = match lead {
            Some(l) => {
                carry_lead = l.clone();
                l
            }
            None if cell(at(Col::Lead)).is_none() => carry_lead.clone(),
            None => Vec::new(),
        };
        let coord = cell(at(Col::Coord))
            .map(|(a, b)| agencies(doc, a, b))
            .unwrap_or_default();
        // Several deadline columns (the steps of a submission: to the minister,
        // to the Government): the last step's.
        let deadline_cells: Vec<(usize, usize)> = cols
            .iter()
            .enumerate()
            .filter(|(_, c)| **c == Col::Deadline)
            .filter_map(|(k, _)| cell(Some(k)))
            .collect();
        let deadline = if deadline_cells.is_empty() {
            carry_deadline.clone().or_else(|| period.clone())
        } else {
            let d = deadline_cells
                .iter()
                .filter_map(|&(a, b)| deadline::cell(&text[a..b], doc.year))
                .max_by_key(|d| d.due);
            carry_deadline = d.clone();
            d
        };
        let number = label.trim_end_matches(['.', ')']);
        let number = if number.is_empty() {
            count.to_string()
        } else {
            number.to_string()
        };
        let reference = if group.is_empty() {
            format!("PL.{number}")
        } else {
            format!("PL.{group}.{number}")
        };
        out.push(Draft {
            reference,
            start: ta,
            text_start: ta,
            end: tb,
            lead,
            coord,
            deadline,
            source_doc: cell(at(Col::Source)).map(|(a, b)| text[a..b].trim().to_string()),
            incomplete: cell(at(Col::Incomplete)).map(|(a, b)| agencies(doc, a, b)),
            person: false,
            lead_inherited: false,
            lead_from_addressees: false,
        });
    }
    out
}

/// Whether a line is a pipe row (for the regions of the document).
pub fn is_pipe_row(line: &str) -> bool {
    is_row(line)
}
