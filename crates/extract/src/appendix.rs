//! Appendix tables whose cells arrive one per line (a web page or a PDF turned into
//! text): a header of column names ("TT", "Nhiệm vụ cụ thể", "Văn bản giao nhiệm
//! vụ", "Cơ quan chủ trì thực hiện", "Thời hạn hoàn thành", "Đơn vị chưa hoàn
//! thành"), then rows that each open with their number on a line of its own
//! ("1.", "29-"). A cell may run over several lines; the deadline cell (a date) anchors
//! the columns around it. Each row is one task with ref "PL.N".

use std::sync::OnceLock;

use regex::Regex;

use crate::deadline;
use crate::lexicon::tok_at;
use crate::pipeline::{Doc, Draft};
use crate::roles::RoleItem;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Number,
    Task,
    Source,
    Lead,
    Deadline,
    Incomplete,
    Other,
}

fn column(name: &str) -> Option<Col> {
    let l = name.trim().to_lowercase();
    if l.len() > 80 || l.is_empty() {
        return None;
    }
    Some(if l == "tt" || l == "stt" || l == "số tt" {
        Col::Number
    } else if l.contains("chưa hoàn thành") || l.starts_with("đơn vị") {
        Col::Incomplete
    } else if l.contains("văn bản") {
        Col::Source
    } else if l.contains("chủ trì") || l.starts_with("cơ quan") {
        Col::Lead
    } else if l.contains("thời hạn") || l.contains("thời gian hoàn thành") {
        Col::Deadline
    } else if l.contains("nhiệm vụ") || l.contains("nội dung") {
        Col::Task
    } else if l.contains("ghi chú") || l.contains("kết quả") || l.contains("tình hình") {
        Col::Other
    } else {
        return None;
    })
}

fn row_number_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"^(\d{1,3})\s*[.\-)]?$").expect("valid"))
}

fn date_cell_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)^(?:trước\s+|trong\s+)?(?:ngày\s+)?\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?\.?$|^(?:trong\s+)?(?:tháng\s+\d{1,2}/\d{4}|quý\s+[IV1-4]+/\d{4}|năm\s+\d{4})$")
            .expect("valid")
    })
}

/// Tasks of the appendix lines (all lines after "PHỤ LỤC").
pub fn tasks(doc: &Doc, lines: &[(usize, usize)]) -> Vec<Draft> {
    let text = doc.text;
    let cells: Vec<(usize, usize)> = lines
        .iter()
        .map(|&(a, b)| (a, b))
        .filter(|&(a, b)| !text[a..b].trim().is_empty())
        .collect();
    // The header: consecutive lines naming columns, starting with "TT".
    let Some(h) = cells
        .iter()
        .position(|&(a, b)| column(&text[a..b]) == Some(Col::Number))
    else {
        return Vec::new();
    };
    let mut cols: Vec<Col> = Vec::new();
    let mut k = h;
    while k < cells.len() && cols.len() < 12 {
        let (a, b) = cells[k];
        match column(&text[a..b]) {
            Some(c) if c != Col::Number || cols.is_empty() => cols.push(c),
            _ => break,
        }
        k += 1;
    }
    if cols.len() < 3 || !cols.contains(&Col::Task) {
        return Vec::new();
    }
    // Rows: a line with the next number opens one.
    let mut starts: Vec<(usize, usize)> = Vec::new(); // (row number, cell index)
    let mut want = 1usize;
    for (idx, &(a, b)) in cells.iter().enumerate().skip(k) {
        if let Some(c) = row_number_re().captures(text[a..b].trim())
            && c[1].parse::<usize>().ok() == Some(want)
        {
            starts.push((want, idx));
            want += 1;
        }
    }
    let mut out = Vec::new();
    for (r, &(num, idx)) in starts.iter().enumerate() {
        let stop = starts.get(r + 1).map_or(cells.len(), |&(_, i)| i);
        let row = &cells[idx + 1..stop];
        if let Some(d) = row_task(doc, num, row, &cols) {
            out.push(d);
        }
    }
    out
}

fn row_task(doc: &Doc, num: usize, row: &[(usize, usize)], cols: &[Col]) -> Option<Draft> {
    let text = doc.text;
    if row.is_empty() {
        return None;
    }
    let data_cols: Vec<Col> = cols.iter().copied().filter(|c| *c != Col::Number).collect();
    let pos = |c: Col| data_cols.iter().position(|x| *x == c);
    let (task_c, src_c, lead_c, dl_c, inc_c) = (
        pos(Col::Task)?,
        pos(Col::Source),
        pos(Col::Lead),
        pos(Col::Deadline),
        pos(Col::Incomplete),
    );
    // Cell index of each column: anchored on the deadline cell when there is one.
    let mut at: Vec<Option<usize>> = vec![None; data_cols.len()];
    let dl_cell = dl_c.and_then(|_| {
        row.iter()
            .position(|&(a, b)| date_cell_re().is_match(text[a..b].trim()))
    });
    match (dl_c, dl_cell) {
        (Some(dc), Some(cell)) if cell >= dc => {
            let shift = cell - dc;
            for (ci, slot) in at.iter_mut().enumerate() {
                *slot = if ci < task_c {
                    Some(ci)
                } else if ci == task_c {
                    Some(task_c)
                } else if ci <= dc {
                    Some(ci + shift)
                } else {
                    let c = ci + shift;
                    (c < row.len()).then_some(c)
                };
            }
        }
        _ => {
            for (ci, slot) in at.iter_mut().enumerate() {
                *slot = (ci < row.len()).then_some(ci);
            }
        }
    }
    let cell =
        |c: Option<usize>| -> Option<(usize, usize)> { c.and_then(|c| at[c]).map(|i| row[i]) };
    let first_task = at[task_c]?;
    let (ta, _) = row[first_task];
    // The task may run over several lines, up to the next column's cell.
    let next_cell = (task_c + 1..data_cols.len()).filter_map(|c| at[c]).min();
    let last_task = next_cell.map_or(first_task, |n| n.saturating_sub(1).max(first_task));
    let task_end = row[last_task].1;
    let lead = cell(lead_c)
        .map(|(a, b)| agencies(doc, a, b, false))
        .unwrap_or_default();
    let incomplete = inc_c.and_then(|c| at[c]).map(|first| {
        let mut v = Vec::new();
        for &(a, b) in &row[first..] {
            let items = agencies(doc, a, b, true);
            if items.is_empty() {
                continue;
            }
            v.extend(items);
        }
        v
    });
    let deadline = cell(dl_c).and_then(|(a, b)| {
        let f = deadline::find(&text[a..b], doc.year);
        deadline::pick(&f).map(|f| {
            let mut d = f.deadline.clone();
            d.raw = text[a..b].trim().to_string();
            d
        })
    });
    let source_doc = cell(src_c).map(|(a, b)| text[a..b].trim().to_string());
    Some(Draft {
        reference: format!("PL.{num}"),
        start: ta,
        text_start: ta,
        end: task_end,
        lead,
        coord: Vec::new(),
        deadline,
        source_doc,
        incomplete,
        person: false,
        lead_inherited: false,
        lead_from_addressees: false,
    })
}

/// The agencies of a table cell ("Các bộ, ngành, địa phương", "Đảng ủy Bộ Tài chính",
/// "Bộ Y tế, Đồng Nai, Hà Tĩnh"); `bare` admits bare place names.
fn agencies(doc: &Doc, a: usize, b: usize, bare: bool) -> Vec<RoleItem> {
    let i = tok_at(doc.toks, a);
    let j = tok_at(doc.toks, b);
    let list = if bare {
        doc.roles.list_bare(i, j)
    } else {
        doc.roles.list(i, j)
    };
    let Some(list) = list else {
        return Vec::new();
    };
    // A cell is a list of units: it must be (nearly) all names.
    if bare && list.end + 2 < j {
        return Vec::new();
    }
    list.items
}

fn product_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(concat!(
            r"(?:Nghị định|Nghị quyết|Đề án|Kế hoạch|Chương trình|Chiến lược|Quyết định|Chỉ thị|",
            r"Luật|Thông tư|Bộ công cụ|Bộ tiêu chí|Bộ Chỉ số|Bộ chỉ số|Hệ thống|[Cc]ơ sở dữ liệu|CSDL|",
            r"[Vv]ăn bản hướng dẫn|văn bản quy phạm|[Hh]ướng dẫn|[Bb]áo cáo|video clip|[Pp]hần mềm|",
            r"[Nn]ền tảng|[Cc]ẩm nang|[Dd]ự thảo|[Pp]hương án|[Dd]anh mục|[Qq]uy định|[Hh]ồ sơ|",
            r"[Bb]ệnh án điện tử|[Tt]rung tâm)",
            r"[^,;.:()]{0,90}"
        ))
        .expect("valid")
    })
}

/// The expected result a task names: the first document or system it asks for
/// ("Nghị định …", "Kế hoạch …", "báo cáo …", "Hệ thống …") right after a verb of
/// making or submitting; a cited document ("Nghị quyết số 57-NQ/TW") is not one.
pub fn product(task: &str) -> Option<String> {
    const VERBS: [&str; 22] = [
        "ban hành",
        "xây dựng",
        "trình",
        "hoàn thiện",
        "hoàn thành",
        "thiết lập",
        "tham mưu",
        "sửa đổi",
        "bổ sung",
        "đề xuất",
        "báo cáo",
        "lập",
        "phê duyệt",
        "công bố",
        "gửi",
        "cung cấp",
        "tổng hợp",
        "nâng cấp",
        "thành lập",
        "có",
        "đưa",
        "số hóa",
    ];
    for m in product_re().find_iter(task) {
        let before = task[..m.start()].trim_end().to_lowercase();
        let tail: Vec<&str> = before.split_whitespace().rev().take(6).collect();
        let tail = tail
            .into_iter()
            .rev()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .collect::<Vec<_>>()
            .join(" ");
        let after_verb = VERBS
            .iter()
            .any(|v| tail.ends_with(v) || tail.contains(&format!("{v} ")));
        let cited = m
            .as_str()
            .split_whitespace()
            .nth(1)
            .is_some_and(|w| w == "số")
            || tail.ends_with("của")
            || tail.ends_with("theo")
            || tail.ends_with("tại")
            || tail.ends_with("căn cứ");
        if !after_verb || cited {
            continue;
        }
        let words: Vec<&str> = m.as_str().split_whitespace().take(14).collect();
        if words.len() >= 2 {
            return Some(words.join(" "));
        }
    }
    None
}
