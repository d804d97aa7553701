//! Tables laid out with spaces, as `pdftotext -layout` and other fixed-width
//! renderings give them: the columns are read from positions, the rows from the
//! numbers in the first column, and each row comes out as one pipe row
//! ("| 1 | Tổ chức nghiên cứu … | Các cấp ủy, tổ chức đảng | Trước ngày 15/10/2026 |")
//! that the table reader (`tables.rs`) then reads like any other table.
//!
//! - **Header**: up to six consecutive lines of short fragments naming at least three
//!   columns ("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn" …, in any order and
//!   wording), one of them the work and one who does it.
//! - **Columns**: each header label (fragments of several lines that overlap) is a
//!   column; the boundary between two neighbours is the position, between the end
//!   of one label and the start of the next, that cuts the fewest words of the rows.
//!   A word that still straddles it goes to the side where most of it lies.
//! - **Rows**: a line whose first cell is a number ("1", "II", "II.1", "a") anchors a
//!   row. Cells are centred on their row, so the lines between two anchors are
//!   shared at the best split: after a blank line, before a cell that opens with a
//!   capital, near the middle.
//! - **Extent**: to the next "PHỤ LỤC", "Nơi nhận" or three lines of running text.

use std::sync::OnceLock;

use regex::Regex;

use crate::layout::{Line, fragments};

/// Folded label words that name a table's columns.
const LABELS: [&str; 18] = [
    "nhiệm vụ",
    "nội dung",
    "chủ trì",
    "phối hợp",
    "thời hạn",
    "thời gian",
    "tiến độ",
    "sản phẩm",
    "kết quả",
    "ghi chú",
    "cơ quan",
    "đơn vị",
    "phụ trách",
    "hoàn thành",
    "chỉ tiêu",
    "nhiệm vụ cụ thể",
    "lộ trình",
    "thực hiện",
];

fn row_label_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"^(?:[IVXL]{1,5}|[A-ZĐ]|\d{1,3}|[IVXL]{1,5}\.\d{1,2}|\d{1,2}\.\d{1,2}|[a-zđ])[.)]?$",
        )
        .expect("valid")
    })
}

fn is_number_label(s: &str) -> bool {
    let t = s.trim().to_lowercase();
    t == "tt" || t == "stt" || t == "số tt" || t == "số thứ tự"
}

/// The labels a header window names.
fn label_hits(window: &[Line]) -> (usize, bool, bool) {
    let mut hits = std::collections::BTreeSet::new();
    let mut number = false;
    let mut multi = false;
    for l in window {
        let frags = fragments(&l.text, 2);
        if frags.len() >= 2 {
            multi = true;
        }
        for (_, f) in &frags {
            if is_number_label(f) {
                number = true;
            }
            let low = f.to_lowercase();
            for (k, w) in LABELS.iter().enumerate() {
                if low.contains(w) {
                    hits.insert(k);
                }
            }
        }
    }
    let work = hits.iter().any(|&k| matches!(k, 0 | 1 | 14 | 15));
    let who = hits.iter().any(|&k| matches!(k, 2 | 10 | 11 | 12));
    (hits.len() + usize::from(number), work && who, multi)
}

/// Whether the lines at `i` open a table header; its length in lines.
fn header_at(lines: &[Line], i: usize) -> Option<usize> {
    // A header's fragments are short labels: a column's words, or a few words of
    // one ("đảng chủ trì", "(*)"), never a cell's sentence.
    let short = |l: &Line| {
        let f = fragments(&l.text, 2);
        !f.is_empty()
            && f.iter().all(|(_, t)| {
                let low = t.to_lowercase();
                t.chars().count() <= 48
                    && (t.split_whitespace().count() <= 5 || LABELS.iter().any(|w| low.contains(w)))
            })
    };
    if lines[i].is_blank() || !short(&lines[i]) || lines[i].text.trim_start().starts_with('|') {
        return None;
    }
    let mut best = None;
    let mut k = i;
    while k < lines.len() && k < i + 7 && !lines[k].is_blank() && short(&lines[k]) {
        // A numbered line is the first row, not the header.
        let first = fragments(&lines[k].text, 2);
        if k > i
            && first.first().is_some_and(|(_, t)| {
                t.split_whitespace()
                    .next()
                    .is_some_and(|w| row_label_re().is_match(w))
            })
        {
            break;
        }
        k += 1;
        let (hits, roles, multi) = label_hits(&lines[i..k]);
        if hits >= 3 && roles && multi {
            best = Some(k - i);
        }
    }
    // The first line must name a column itself.
    let first = label_hits(&lines[i..=i]).0;
    best.filter(|_| first >= 1)
}

fn ends_region(l: &Line) -> bool {
    let t = l.text.trim_start().to_lowercase();
    t.starts_with("phụ lục") || t.starts_with("nơi nhận")
}

fn prose_run(lines: &[Line], i: usize, width: usize) -> bool {
    lines[i..].iter().take(3).count() == 3
        && lines[i..i + 3].iter().all(|l| {
            let f = fragments(&l.text, 2);
            f.len() == 1 && l.end_col() >= width * 8 / 10 && l.indent() <= 8
        })
}

/// Replaces every space-laid table in `lines` by pipe rows.
pub(crate) fn convert(lines: Vec<Line>) -> Vec<Line> {
    if !lines.iter().any(|l| l.text.contains("   ")) {
        return lines;
    }
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let width = lines.iter().map(Line::end_col).max().unwrap_or(80);
    let mut i = 0;
    while i < lines.len() {
        let Some(h) = header_at(&lines, i) else {
            out.push(lines[i].clone());
            i += 1;
            continue;
        };
        let mut end = i + h;
        while end < lines.len() && !ends_region(&lines[end]) && !prose_run(&lines, end, width) {
            end += 1;
        }
        match table(&lines[i..i + h], &lines[i + h..end]) {
            Some(rows) => {
                let first = lines[i].page_break;
                for (n, r) in rows.into_iter().enumerate() {
                    out.push(Line {
                        text: r,
                        page_break: first && n == 0,
                    });
                }
                i = end;
            }
            None => {
                out.push(lines[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// Column label clusters: fragments of the header lines that overlap horizontally.
fn label_columns(header: &[Line]) -> Vec<(usize, usize, String)> {
    let mut frags: Vec<(usize, usize, usize, String)> = Vec::new(); // (start, end, line, text)
    for (n, l) in header.iter().enumerate() {
        for (s, t) in fragments(&l.text, 2) {
            let e = s + t.chars().count();
            frags.push((s, e, n, t));
        }
    }
    frags.sort_by_key(|f| (f.0, f.2));
    // (start, end, the label's parts by header line)
    type Cluster = (usize, usize, Vec<(usize, String)>);
    let mut cols: Vec<Cluster> = Vec::new();
    for (s, e, n, t) in frags {
        let centre = (s + e) / 2;
        let hit = cols.iter_mut().find(|c| {
            // Overlap, or a centred fragment under a wider one.
            (s < c.1 && e > c.0) || (centre >= c.0 && centre <= c.1)
        });
        match hit {
            Some(c) => {
                c.0 = c.0.min(s);
                c.1 = c.1.max(e);
                c.2.push((n, t));
            }
            None => cols.push((s, e, vec![(n, t)])),
        }
    }
    cols.sort_by_key(|c| c.0);
    cols.into_iter()
        .map(|(s, e, mut parts)| {
            parts.sort_by_key(|p| p.0);
            let text = parts.into_iter().map(|p| p.1).collect::<Vec<_>>().join(" ");
            (s, e, text)
        })
        .collect()
}

fn percentile(v: &mut [usize], p: usize) -> Option<usize> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    Some(v[(v.len() - 1) * p / 100])
}

/// A fragment of a line: its columns `[start, end)` and its text.
#[derive(Debug, Clone)]
struct Frag {
    start: usize,
    end: usize,
    text: String,
    /// The first column it may go to (the rest of a cut fragment goes right).
    min_col: usize,
}

fn nearest(centres: &[usize], x: usize) -> usize {
    (0..centres.len())
        .min_by_key(|&k| centres[k].abs_diff(x))
        .unwrap_or(0)
}

/// Whether a cell's text is a period or a deadline ("2026 - 2030", "Trước ngày
/// 15/10/2026", "Quý IV/2026", "Hằng năm").
fn period_cell(t: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)^(?:\d{1,2}/\d{1,2}/\d{4}|\d{4}(?:\s*[-–]\s*\d{4})?|trước|trong|quý|năm|tháng|hằng|hàng|thường xuyên|định kỳ|đã hoàn thành)(?:\s|$|[,.;])")
            .expect("valid")
    })
    .is_match(t.trim())
}

/// Whether a token belongs to a period ("2026", "-", "15/10/2026", "Quý").
fn period_token(t: &str) -> bool {
    t.chars()
        .all(|c| c.is_ascii_digit() || c == '/' || c == '-' || c == '–')
}

/// The cells of each line: every fragment goes to the column whose label centre is
/// nearest; a fragment that runs on into the next column (two cells one space
/// apart) is cut where the next column's text usually starts.
fn line_cells(
    body: &[Line],
    centres: &[usize],
    number_col: Option<usize>,
    deadline_col: Option<usize>,
) -> Vec<Vec<String>> {
    let ncols = centres.len();
    let frags: Vec<Vec<Frag>> = body
        .iter()
        .map(|l| {
            fragments(&l.text, 2)
                .into_iter()
                .map(|(s, t)| Frag {
                    start: s,
                    end: s + t.chars().count(),
                    text: t,
                    min_col: 0,
                })
                .collect()
        })
        .collect();
    let mut starts = vec![Vec::new(); ncols];
    let mut ends = vec![Vec::new(); ncols];
    for f in frags.iter().flatten() {
        let mut k = nearest(centres, (f.start + f.end) / 2);
        if Some(k) == number_col && !row_label_re().is_match(f.text.trim()) && k + 1 < ncols {
            k += 1;
        }
        starts[k].push(f.start);
        ends[k].push(f.end);
    }
    let left: Vec<usize> = (0..ncols)
        .map(|k| percentile(&mut starts[k], 10).unwrap_or(centres[k]))
        .collect();
    let right: Vec<usize> = (0..ncols)
        .map(|k| percentile(&mut ends[k], 50).unwrap_or(centres[k]))
        .collect();
    frags
        .into_iter()
        .map(|line| {
            let mut cells = vec![String::new(); ncols];
            let mut queue: Vec<Frag> = line;
            queue.reverse();
            if let (Some(n), Some(first)) = (number_col, queue.last().cloned())
                && n + 1 < ncols
                && nearest(centres, first.start) == n
                && let Some((label, rest)) = first.text.split_once(' ')
                && row_label_re().is_match(label)
            {
                // "II.1 Hoàn thiện thể chế …": the number and its cell one space apart.
                queue.pop();
                join_cell(&mut cells[n], label);
                let at = first.start + label.chars().count() + 1;
                queue.push(Frag {
                    start: at,
                    end: first.end,
                    text: rest.trim().to_string(),
                    min_col: n + 1,
                });
            }
            while let Some(f) = queue.pop() {
                let mut k = nearest(centres, (f.start + f.end) / 2).max(f.min_col);
                if Some(k) == number_col && !row_label_re().is_match(f.text.trim()) && k + 1 < ncols
                {
                    // The number column holds row numbers only.
                    k += 1;
                }
                if k + 1 < ncols && f.end > right[k] + 2 {
                    // Two cells run together: cut at the first space from which the
                    // rest starts where the next column's text does.
                    let chars: Vec<char> = f.text.chars().collect();
                    let mut cut = None;
                    for (i, c) in chars.iter().enumerate() {
                        if *c != ' ' || i == 0 {
                            continue;
                        }
                        // A cell opens with a capital or a digit ("Đảng ủy …",
                        // "2026 - 2030"); a word in lower case goes on the cell before.
                        let opens = chars
                            .get(i + 1)
                            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
                        let rest_start = f.start + i + 1;
                        let rest_centre = (rest_start + f.end) / 2;
                        let rest: String = chars[i + 1..].iter().collect();
                        // The rest sits in the next column: nearer its centre, or a
                        // period in the deadline column.
                        let next_side = if Some(k + 1) == deadline_col {
                            period_cell(&rest)
                        } else {
                            rest_centre.abs_diff(centres[k + 1]) < rest_centre.abs_diff(centres[k])
                        };
                        if opens && next_side && rest_start + 5 >= left[k + 1] {
                            cut = Some(i);
                            break;
                        }
                    }
                    if let Some(mut i) = cut {
                        if Some(k + 1) == deadline_col {
                            // A period is not cut in two ("2026 - 2030").
                            let prefix: String = chars[..i].iter().collect();
                            let words: Vec<&str> =
                                prefix.split(' ').filter(|w| !w.is_empty()).collect();
                            let mut back = 0;
                            for w in words.iter().rev() {
                                if period_token(w) {
                                    back += w.chars().count() + 1;
                                } else {
                                    break;
                                }
                            }
                            i = i.saturating_sub(back);
                        }
                        let l: String = chars[..i].iter().collect();
                        let r: String = chars[i + 1..].iter().collect();
                        if !l.trim().is_empty() && !r.trim().is_empty() {
                            join_cell(&mut cells[k], l.trim());
                            queue.push(Frag {
                                start: f.start + i + 1,
                                end: f.end,
                                text: r.trim().to_string(),
                                min_col: k + 1,
                            });
                            continue;
                        }
                    }
                }
                join_cell(&mut cells[k], &f.text);
            }
            cells
        })
        .collect()
}

fn join_cell(into: &mut String, next: &str) {
    if next.is_empty() {
        return;
    }
    if into.is_empty() {
        into.push_str(next);
        return;
    }
    let cut = into.ends_with('-')
        && into
            .chars()
            .rev()
            .nth(1)
            .is_some_and(|c| c.is_alphanumeric())
        && next.chars().next().is_some_and(char::is_lowercase);
    if !cut {
        into.push(' ');
    }
    into.push_str(next);
}

/// The pipe rows of one table, or `None` when its rows cannot be told apart.
fn table(header: &[Line], body: &[Line]) -> Option<Vec<String>> {
    let cols = label_columns(header);
    if cols.len() < 2 {
        return None;
    }
    let centres: Vec<usize> = cols.iter().map(|c| (c.0 + c.1) / 2).collect();
    let ncols = cols.len();
    let deadline_col = cols.iter().position(|c| {
        let l = c.2.to_lowercase();
        l.contains("thời hạn") || l.contains("thời gian") || l.contains("tiến độ")
    });
    let number_col = cols.iter().position(|c| is_number_label(&c.2));
    let line_cells = line_cells(body, &centres, number_col, deadline_col);
    // Rows anchored on the first column's labels.
    let anchors: Vec<usize> = line_cells
        .iter()
        .enumerate()
        .filter(|(_, c)| !c[0].is_empty() && row_label_re().is_match(&c[0]))
        .map(|(i, _)| i)
        .collect();
    if anchors.is_empty() {
        return None;
    }
    let rows = assign_rows(body, &line_cells, &anchors, ncols);
    let mut out = Vec::new();
    let head: Vec<String> = cols.iter().map(|c| c.2.clone()).collect();
    out.push(format!("| {} |", head.join(" | ")));
    for cells in rows {
        if cells.iter().all(String::is_empty) {
            continue;
        }
        out.push(format!("| {} |", cells.join(" | ")));
    }
    Some(out)
}

/// The cells of each row: which anchor each line's cell belongs to, column by
/// column.
///
/// Lines are grouped into blocks between blank lines and page breaks. A block with
/// one anchor is that row; a block with none goes on with the row before. In a block
/// with several anchors, a table whose cells hang from the top of the row (the
/// anchor on the row's first line) gives each row the lines from its anchor to the
/// next. A table whose cells are centred on their row (pdftotext's usual output)
/// shares each column's lines out separately (`share_centred`), so a tall cell of
/// one row and a short cell of the next can stand side by side.
fn assign_rows(
    body: &[Line],
    cells: &[Vec<String>],
    anchors: &[usize],
    ncols: usize,
) -> Vec<Vec<String>> {
    let mut rows = vec![vec![String::new(); ncols]; anchors.len()];
    // Blocks of consecutive non-blank lines; a page break also ends a block.
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < body.len() {
        if body[i].is_blank() {
            i += 1;
            continue;
        }
        let s = i;
        i += 1;
        while i < body.len() && !body[i].is_blank() && !body[i].page_break {
            i += 1;
        }
        blocks.push((s, i));
    }
    // Heading rows ("I", "II.1", "A" among rows numbered 1, 2, 3) hold their own line
    // and the lines that go on with their title in lower case.
    let kind = |k: usize| label_kind(cells[anchors[k]].first().map_or("", String::as_str));
    let mut kinds: Vec<u8> = (0..anchors.len()).map(kind).collect();
    kinds.sort_unstable();
    let data_kind = mode_u8(&kinds);
    let mut heading_lines: Vec<Option<usize>> = vec![None; body.len()];
    for (k, &a) in anchors.iter().enumerate() {
        if Some(kind(k)) == data_kind {
            continue;
        }
        heading_lines[a] = Some(k);
        let mut l = a + 1;
        while l < body.len()
            && !anchors.contains(&l)
            && cells[l]
                .iter()
                .enumerate()
                .all(|(c, t)| t.is_empty() || c == 1)
            && cells[l].get(1).is_some_and(|t| starts_lower(t))
        {
            heading_lines[l] = Some(k);
            l += 1;
        }
    }
    let is_data = |k: usize| Some(kind(k)) == data_kind;
    let anchors_in = |(s, e): (usize, usize)| -> Vec<usize> {
        (0..anchors.len())
            .filter(|&k| anchors[k] >= s && anchors[k] < e && is_data(k))
            .collect()
    };
    // Alignment: where the anchor stands in blocks that hold one row.
    let (mut top, mut centred) = (0usize, 0usize);
    for &(s, e) in &blocks {
        let ks = anchors_in((s, e));
        if ks.len() == 1 && e - s >= 3 {
            if anchors[ks[0]] == s {
                top += 1;
            } else {
                centred += 1;
            }
        }
    }
    let top_aligned = top > centred;
    let mut last_row: Option<usize> = None;
    for &(s, e) in &blocks {
        let ks = anchors_in((s, e));
        // Each column's lines of the block (headings set aside), and their rows.
        for c in 0..ncols {
            let lines: Vec<usize> = (s..e)
                .filter(|&l| heading_lines[l].is_none() && !cells[l][c].is_empty())
                .collect();
            let owners: Vec<Option<usize>> = match ks.as_slice() {
                [] => vec![last_row; lines.len()],
                [k] => vec![Some(*k); lines.len()],
                _ if top_aligned => lines
                    .iter()
                    .map(|&l| {
                        ks.iter()
                            .rev()
                            .find(|&&k| anchors[k] <= l)
                            .copied()
                            .or(last_row)
                            .or(Some(ks[0]))
                    })
                    .collect(),
                _ => {
                    let at: Vec<usize> = ks.iter().map(|&k| anchors[k]).collect();
                    let lower: Vec<bool> =
                        lines.iter().map(|&l| starts_lower(&cells[l][c])).collect();
                    share_centred(&lines, &lower, &at)
                        .into_iter()
                        .map(|r| Some(ks[r]))
                        .collect()
                }
            };
            for (&l, owner) in lines.iter().zip(owners) {
                if let Some(r) = owner {
                    join_cell(&mut rows[r][c], &cells[l][c]);
                }
            }
        }
        for l in s..e {
            if let Some(k) = heading_lines[l] {
                for (c, text) in cells[l].iter().enumerate() {
                    join_cell(&mut rows[k][c], text);
                }
                last_row = Some(k);
            }
        }
        if let Some(&k) = ks.last() {
            last_row = Some(k);
        }
    }
    rows
}

/// Shares one column's lines (line numbers, in order; whether each opens in lower
/// case) among rows anchored at `at` (in order), each row taking a run of them: the
/// sharing that keeps every cell most nearly centred on its anchor, never opens a
/// cell with a word in lower case (a cell's first word is capitalised) when it can
/// help it. Returns the row index of each line.
fn share_centred(lines: &[usize], lower: &[bool], at: &[usize]) -> Vec<usize> {
    let m = lines.len();
    let k = at.len();
    if m == 0 || k == 0 {
        return vec![0; m];
    }
    // cost of row r taking lines[i..j]
    let cost = |r: usize, i: usize, j: usize| -> i64 {
        if i == j {
            return 0;
        }
        let above = lines[i..j].iter().filter(|&&l| l < at[r]).count() as i64;
        let below = lines[i..j].iter().filter(|&&l| l > at[r]).count() as i64;
        let opens_lower = if lower[i] { 3 } else { 0 };
        (above - below).abs() + opens_lower
    };
    const INF: i64 = i64::MAX / 4;
    // f[r][j]: best cost of rows 0..=r taking lines[..j]
    let mut f = vec![vec![INF; m + 1]; k];
    let mut from = vec![vec![0usize; m + 1]; k];
    for (j, slot) in f[0].iter_mut().enumerate() {
        *slot = cost(0, 0, j);
    }
    for r in 1..k {
        for j in 0..=m {
            for i in 0..=j {
                if f[r - 1][i] >= INF {
                    continue;
                }
                let v = f[r - 1][i] + cost(r, i, j);
                if v < f[r][j] {
                    f[r][j] = v;
                    from[r][j] = i;
                }
            }
        }
    }
    let mut owner = vec![0usize; m];
    let mut j = m;
    for r in (0..k).rev() {
        let i = if r == 0 { 0 } else { from[r][j] };
        for o in owner.iter_mut().take(j).skip(i) {
            *o = r;
        }
        j = i;
    }
    owner
}

/// The kind of a row label: 0 arabic ("12"), 1 roman ("IV"), 2 letter ("a", "B"),
/// 3 dotted ("II.1", "1.2").
fn label_kind(label: &str) -> u8 {
    let t = label.trim_end_matches(['.', ')']);
    if t.contains('.') {
        3
    } else if t.chars().all(|c| c.is_ascii_digit()) {
        0
    } else if t.chars().count() > 1 || matches!(t, "I" | "V" | "X") {
        1
    } else {
        2
    }
}

fn mode_u8(sorted: &[u8]) -> Option<u8> {
    let mut best: Option<(usize, u8)> = None;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j] == sorted[i] {
            j += 1;
        }
        if best.is_none_or(|(n, _)| j - i > n) {
            best = Some((j - i, sorted[i]));
        }
        i = j;
    }
    best.map(|(_, k)| k)
}

fn starts_lower(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<Line> {
        s.lines()
            .map(|l| Line {
                text: l.to_string(),
                page_break: false,
            })
            .collect()
    }

    /// Rows of Phụ lục 2 of 104-CTr/TU (Tỉnh ủy Lào Cai, 30/8/2026) as `pdftotext
    /// -layout` gives them: centred cells, a collision of two columns with one space.
    const APPENDIX: &str = "                                                                                                            Thời hạn
                                                               Cơ quan, tổ chức   Cá nhân phụ trách chỉ
TT                     Nhiệm vụ cụ thể                                                                      thực hiện
                                                                 đảng chủ trì     đạo, kiểm tra, đôn đốc
                                                                                                               (*)
I    Các nhiệm vụ cần làm ngay trong năm 2026



    Xây dựng, ban hành Kế hoạch hoặc Chương trình hành
    động của Ủy ban nhân dân tỉnh để triển khai thực hiện
    Chương trình hành động này; trong đó cụ thể hóa đầy đủ
    các mục tiêu, nhiệm vụ, giải pháp theo chỉ đạo của                       Đồng chí Phan Trung Bá -
                                                              Đảng ủy Ủy ban                          Trước ngày
2   Trung ương và của Tỉnh ủy, gắn với các mục tiêu, nhiệm                    Tỉnh ủy viên, Phó Chủ
                                                               nhân dân tỉnh                          15/10/2026
    vụ phát triển kinh tế - xã hội của tỉnh, từng ngành, lĩnh                    tịch UBND tỉnh
    vực và địa phương.

II.1 Hoàn thiện thể chế, chính sách, pháp luật; chiến lược, quy hoạch
     Rà soát, hoàn thiện hệ thống văn bản quy phạm pháp                   Đồng chí Phan Trung Bá -
                                                             Đảng ủy UBND
 1   luật về bảo vệ môi trường, ứng phó với biến đổi khí hậu               Tỉnh ủy viên, Phó Chủ 2026 - 2030
                                                                  tỉnh
     trên địa bàn tỉnh                                                        tịch UBND tỉnh
                                                                         Đồng chí Phan Trung Bá -
     Xây dựng Kế hoạch bảo vệ môi trường cấp tỉnh giai Đảng ủy UBND
 2                                                                        Tỉnh ủy viên, Phó Chủ 2029 - 2030
     đoạn 2031 - 2040, tầm nhìn đến năm 2060                tỉnh
                                                                             tịch UBND tỉnh
";

    #[test]
    fn reads_a_space_laid_appendix() {
        let out = convert(lines(APPENDIX));
        let rows: Vec<&str> = out.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            rows[0],
            "| TT | Nhiệm vụ cụ thể | Cơ quan, tổ chức đảng chủ trì | Cá nhân phụ trách chỉ đạo, kiểm tra, đôn đốc | Thời hạn thực hiện (*) |"
        );
        assert_eq!(
            rows[1],
            "| I | Các nhiệm vụ cần làm ngay trong năm 2026 |  |  |  |"
        );
        assert!(rows[2].starts_with("| 2 | Xây dựng, ban hành Kế hoạch hoặc Chương trình hành động của Ủy ban nhân dân tỉnh"), "{}", rows[2]);
        assert!(rows[2].contains("| Đảng ủy Ủy ban nhân dân tỉnh | Đồng chí Phan Trung Bá - Tỉnh ủy viên, Phó Chủ tịch UBND tỉnh | Trước ngày 15/10/2026 |"), "{}", rows[2]);
        assert_eq!(
            rows[3],
            "| II.1 | Hoàn thiện thể chế, chính sách, pháp luật; chiến lược, quy hoạch |  |  |  |"
        );
        assert_eq!(
            rows[4],
            "| 1 | Rà soát, hoàn thiện hệ thống văn bản quy phạm pháp luật về bảo vệ môi trường, ứng phó với biến đổi khí hậu trên địa bàn tỉnh | Đảng ủy UBND tỉnh | Đồng chí Phan Trung Bá - Tỉnh ủy viên, Phó Chủ tịch UBND tỉnh | 2026 - 2030 |"
        );
        assert_eq!(
            rows[5],
            "| 2 | Xây dựng Kế hoạch bảo vệ môi trường cấp tỉnh giai đoạn 2031 - 2040, tầm nhìn đến năm 2060 | Đảng ủy UBND tỉnh | Đồng chí Phan Trung Bá - Tỉnh ủy viên, Phó Chủ tịch UBND tỉnh | 2029 - 2030 |"
        );
    }

    #[test]
    fn running_text_is_not_a_table() {
        let t = "     Thực hiện Văn bản số 4250/BNNMT-ĐCKS ngày 29/4/2026 của Bộ\nNông nghiệp và Môi trường về việc tăng cường thanh tra, kiểm tra hoạt động\n";
        let out = convert(lines(t));
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0].text,
            "     Thực hiện Văn bản số 4250/BNNMT-ĐCKS ngày 29/4/2026 của Bộ"
        );
    }
}
