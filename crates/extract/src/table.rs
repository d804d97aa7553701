//! `--format table`: the tasks of each document as a terminal table, Vietnamese
//! text, dates dd/mm/yyyy.

use tiendo_core::time::format_date_vi;

use crate::Extraction;

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Cuts a text to `n` characters (with "…").
fn cut(s: &str, n: usize) -> String {
    if width(s) <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Wraps a text into lines of at most `n` characters, at spaces.
fn wrap(s: &str, n: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for w in s.split_whitespace() {
        let w = cut(w, n);
        if !cur.is_empty() && width(&cur) + 1 + width(&w) > n {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&w);
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

fn pad(s: &str, n: usize) -> String {
    let mut out = s.to_string();
    for _ in width(s)..n {
        out.push(' ');
    }
    out
}

/// Renders the extractions of several files, each under a title line.
pub fn render_table(extractions: &[(String, Extraction)]) -> String {
    const W: [usize; 5] = [10, 46, 30, 24, 14];
    let headers = ["Mục", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn"];
    let mut out = String::new();
    for (name, x) in extractions {
        let d = &x.document;
        let mut title = name.clone();
        if let Some(n) = &d.number {
            title.push_str(&format!(
                " — {} số {}",
                d.kind.as_deref().unwrap_or("Văn bản"),
                n
            ));
        } else if let Some(k) = &d.kind {
            title.push_str(&format!(" — {k}"));
        }
        if let Some(day) = d.date {
            title.push_str(&format!(" ngày {}", format_date_vi(day)));
        }
        if let Some(i) = &d.issuer {
            title.push_str(&format!(" ({i})"));
        }
        out.push_str(&title);
        out.push('\n');
        if let Some(t) = &d.title {
            out.push_str(&cut(t, 120));
            out.push('\n');
        }
        let rule: String = W
            .iter()
            .map(|w| "─".repeat(*w))
            .collect::<Vec<_>>()
            .join("─┼─");
        let header: Vec<String> = headers.iter().zip(W).map(|(h, w)| pad(h, w)).collect();
        out.push_str(&header.join(" │ "));
        out.push('\n');
        out.push_str(&rule);
        out.push('\n');
        for t in &x.tasks {
            let due = match (t.deadline.kind, t.deadline.due) {
                (tiendo_core::deadline::DeadlineKind::Date, Some(day)) => format_date_vi(day),
                _ => t.deadline.label_vi(),
            };
            let cols = [
                wrap(&t.reference, W[0]),
                wrap(&t.text, W[1]),
                t.lead.iter().flat_map(|l| wrap(l, W[2])).collect(),
                t.coord.iter().flat_map(|l| wrap(l, W[3])).collect(),
                wrap(&due, W[4]),
            ];
            let rows = cols.iter().map(Vec::len).max().unwrap_or(1).max(1);
            for r in 0..rows {
                let line: Vec<String> = cols
                    .iter()
                    .zip(W)
                    .map(|(c, w)| pad(c.get(r).map_or("", String::as_str), w))
                    .collect();
                out.push_str(line.join(" │ ").trim_end());
                out.push('\n');
            }
            out.push_str(&rule);
            out.push('\n');
        }
        out.push_str(&format!("{} nhiệm vụ\n", x.tasks.len()));
        for w in &x.warnings {
            out.push_str(&format!("Lưu ý: {w}\n"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ExtractOptions, extract_text};

    #[test]
    fn renders_dates_the_vietnamese_way() {
        let x = extract_text(
            "Số: 1/TB-VPCP\nHà Nội, ngày 16 tháng 11 năm 2025\nTHÔNG BÁO\n1. Bộ Y tế xây dựng Kế hoạch, hoàn thành trước ngày 10 tháng 12 năm 2025.",
            &ExtractOptions::default(),
        );
        let t = render_table(&[("a.txt".into(), x)]);
        assert!(t.contains("10/12/2025"), "{t}");
        assert!(t.contains("ngày 16/11/2025"), "{t}");
        assert!(t.contains("Bộ Y tế"), "{t}");
    }
}
