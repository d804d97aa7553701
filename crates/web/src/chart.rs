//! Charts drawn on the server as inline SVG: no script, readable without CSS, each
//! with a title for screen readers (the same numbers are also in a table).

use std::fmt::Write;

/// Escapes text for SVG/HTML content and attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn truncate(s: &str, max: usize) -> String {
    tiendo_core::text::clip_words(s, max)
}

/// One bar: its label, value, the value as written, and where it links.
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub shown: String,
    pub href: String,
}

/// Horizontal bars, one per row, each a link.
pub fn bars(title: &str, rows: &[Bar]) -> String {
    let row_h = 26;
    let label_w = 250;
    let width = 640;
    let bar_w = width - label_w - 60;
    let height = row_h * rows.len().max(1) + 8;
    let max = rows.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{}</title>"#,
        esc(title)
    );
    for (i, b) in rows.iter().enumerate() {
        let y = 4 + i * row_h;
        let w = ((b.value as f64 / max as f64) * bar_w as f64)
            .round()
            .max(2.0) as usize;
        let _ = write!(
            s,
            r##"<a href="{href}"><title>{full}: {shown}</title><text x="{lx}" y="{ty}" text-anchor="end" font-size="13" fill="#1a1a1a">{label}</text><rect x="{bx}" y="{ry}" width="{w}" height="{bh}" fill="#b3261e" rx="2"></rect><text x="{vx}" y="{ty}" font-size="13" fill="#1a1a1a">{shown}</text></a>"##,
            href = esc(&b.href),
            full = esc(&b.label),
            label = esc(&truncate(&b.label, 31)),
            shown = esc(&b.shown),
            lx = label_w - 8,
            ty = y + 17,
            bx = label_w,
            ry = y + 4,
            bh = row_h - 8,
            vx = label_w + w + 6,
        );
    }
    s.push_str("</svg>");
    s
}

/// One column group of a monthly trend.
pub struct Month {
    pub label: String,
    pub overdue: i64,
    pub completed: i64,
}

/// Two series by month as grouped columns: overdue (red) and completed (green).
pub fn trend(title: &str, months: &[Month], legend: (&str, &str)) -> String {
    let width = 640;
    let height = 220;
    let top = 28;
    let bottom = 30;
    let plot_h = height - top - bottom;
    let n = months.len().max(1);
    let slot = (width - 40) / n;
    let max = months
        .iter()
        .map(|m| m.overdue.max(m.completed))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="trend-title" xmlns="http://www.w3.org/2000/svg"><title id="trend-title">{}</title><rect x="20" y="6" width="12" height="12" fill="#b3261e"></rect><text x="38" y="17" font-size="13" fill="#1a1a1a">{}</text><rect x="200" y="6" width="12" height="12" fill="#1e6b3a"></rect><text x="218" y="17" font-size="13" fill="#1a1a1a">{}</text><line x1="20" y1="{base}" x2="{x2}" y2="{base}" stroke="#595959"></line>"##,
        esc(title),
        esc(legend.0),
        esc(legend.1),
        base = top + plot_h,
        x2 = width - 20,
    );
    for (i, m) in months.iter().enumerate() {
        let x = 20 + i * slot;
        let bw = (slot.saturating_sub(10) / 2).max(3);
        for (j, (v, color)) in [(m.overdue, "#b3261e"), (m.completed, "#1e6b3a")]
            .into_iter()
            .enumerate()
        {
            let h = ((v as f64 / max as f64) * plot_h as f64).round() as usize;
            let bx = x + 4 + j * bw;
            let _ = write!(
                s,
                r#"<rect x="{bx}" y="{y}" width="{bw}" height="{h}" fill="{color}"><title>{}: {v}</title></rect>"#,
                esc(&m.label),
                y = top + plot_h - h,
            );
        }
        let _ = write!(
            s,
            r##"<text x="{tx}" y="{ty}" font-size="11" text-anchor="middle" fill="#1a1a1a">{}</text>"##,
            esc(&m.label),
            tx = x + slot / 2,
            ty = height - 10,
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_escape_and_link() {
        let svg = bars(
            "Quá hạn",
            &[Bar {
                label: "Bộ <KH&CN>".into(),
                value: 3,
                shown: "3".into(),
                href: "/nhiem-vu?agency=a&status=overdue".into(),
            }],
        );
        assert!(svg.contains("Bộ &lt;KH&amp;CN&gt;"));
        assert!(svg.contains(r#"href="/nhiem-vu?agency=a&amp;status=overdue""#));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
