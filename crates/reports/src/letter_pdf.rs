//! An administrative letter (`tiendo_core::letter::Letter`) as PDF, in the layout
//! of Decree 30/2020/NĐ-CP (A4 portrait; margins 30 mm left, 15 mm right): the
//! two-column header with its rules (issuing body, number, subject | national
//! title, motto, place and date in italics), "Kính gửi", justified paragraphs with
//! an indented first line, the table, then "Nơi nhận" and the signature block
//! side by side, the latter left blank for the signer.
//!
//! Laid out with the reports' PDF layout (`crate::pdf`): DejaVu Sans embedded as
//! subsets with a ToUnicode map, so the text extracts as NFC Vietnamese; italics
//! are the upright face slanted.

use tiendo_core::letter::{Block, Letter, MOTTO, NATIONAL_TITLE};

use crate::pdf::{A4, Face, Layout, write};
use crate::{RenderError, nfc};

const MM: f32 = 72.0 / 25.4;
/// Body text size (DejaVu Sans is larger than the decree's Times New Roman).
const BODY: f32 = 11.5;
const HEAD: f32 = 11.0;

/// A column: its left edge and width.
#[derive(Clone, Copy)]
struct Col {
    x: f32,
    w: f32,
}

/// Lines of `text` centred in `col` from `y` down; returns the y below them.
#[allow(clippy::too_many_arguments)]
fn centred(
    l: &mut Layout,
    col: Col,
    mut y: f32,
    face: Face,
    size: f32,
    text: &str,
    oblique: bool,
) -> f32 {
    let lead = size * 1.3;
    let text = nfc(text);
    // A line that fits is drawn as it is, its runs of spaces kept ("Số:      /").
    let lines = if l.font(face).width(&text, size) <= col.w {
        vec![text]
    } else {
        balanced(l, face, size, &text, col.w)
    };
    for line in lines {
        let w = l.font(face).width(&line, size);
        l.text_slanted(
            face,
            size,
            col.x + (col.w - w) / 2.0,
            y - size,
            &line,
            oblique,
        );
        y -= lead;
    }
    y
}

/// `text` wrapped to as few lines as at `width`, but of even lengths: the
/// narrowest width that needs no more lines ("V/v đôn đốc thực hiện" /
/// "nhiệm vụ quá hạn", not a last line of one word).
fn balanced(l: &Layout, face: Face, size: f32, text: &str, width: f32) -> Vec<String> {
    let n = l.wrap(face, size, text, width).len();
    let (mut lo, mut hi) = (width / 2.0, width);
    for _ in 0..12 {
        let mid = (lo + hi) / 2.0;
        if l.wrap(face, size, text, mid).len() <= n {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    l.wrap(face, size, text, hi)
}

/// A horizontal rule of `length` centred in `col`, at `y`.
fn rule(l: &mut Layout, col: Col, y: f32, length: f32) {
    let x = col.x + (col.w - length) / 2.0;
    let c = l.content();
    c.set_line_width(0.6);
    c.set_stroke_gray(0.0);
    c.move_to(x, y);
    c.line_to(x + length, y);
    c.stroke();
}

/// A justified paragraph across the page, its first line indented by `indent`.
fn justified(l: &mut Layout, text: &str, indent: f32) {
    let size = BODY;
    let lead = size * 1.45;
    let text = nfc(text);
    let words: Vec<&str> = text.split_whitespace().collect();
    let space = l.font(Face::Regular).width(" ", size);
    let mut lines: Vec<Vec<&str>> = Vec::new();
    let mut line: Vec<&str> = Vec::new();
    let mut w = 0.0;
    for word in words {
        let ww = l.font(Face::Regular).width(word, size);
        let avail = l.usable() - if lines.is_empty() { indent } else { 0.0 };
        if !line.is_empty() && w + space + ww > avail {
            lines.push(std::mem::take(&mut line));
            w = 0.0;
        }
        if !line.is_empty() {
            w += space;
        }
        w += ww;
        line.push(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    let n = lines.len();
    for (i, words) in lines.into_iter().enumerate() {
        l.room(lead);
        let x0 = l.left() + if i == 0 { indent } else { 0.0 };
        let avail = l.usable() - (x0 - l.left());
        let widths: Vec<f32> = words
            .iter()
            .map(|w| l.font(Face::Regular).width(w, size))
            .collect();
        let natural: f32 = widths.iter().sum::<f32>() + space * (words.len() as f32 - 1.0);
        let gap = if i + 1 < n && words.len() > 1 {
            space + (avail - natural) / (words.len() as f32 - 1.0)
        } else {
            space
        };
        let y = l.y - size;
        let mut x = x0;
        for (word, ww) in words.iter().zip(widths) {
            l.text(Face::Regular, size, x, y, word);
            x += ww + gap;
        }
        l.y -= lead;
    }
    l.y -= 3.0;
}

/// A line at `x` from the cursor down, wrapped to the page.
fn line_at(l: &mut Layout, x: f32, face: Face, text: &str) {
    let lead = BODY * 1.4;
    let width = l.left() + l.usable() - x;
    for line in l.wrap(face, BODY, &nfc(text), width) {
        l.room(lead);
        let y = l.y - BODY;
        l.text(face, BODY, x, y, &line);
        l.y -= lead;
    }
}

pub fn render(letter: &Letter) -> Result<Vec<u8>, RenderError> {
    let (width, height) = A4;
    let mut l = Layout::new(width, height, (30.0 * MM, 15.0 * MM))?;
    l.new_page();
    l.y = height - 20.0 * MM;
    let left_w = l.usable() * 0.42;
    let left = Col {
        x: l.left(),
        w: left_w,
    };
    let right = Col {
        x: l.left() + left_w,
        w: l.usable() - left_w,
    };

    // Header, left.
    let top = l.y;
    let mut y = top;
    if let Some(p) = &letter.head.parent {
        y = centred(
            &mut l,
            left,
            y,
            Face::Regular,
            HEAD,
            &p.to_uppercase(),
            false,
        );
    }
    y = centred(
        &mut l,
        left,
        y,
        Face::Bold,
        HEAD,
        &letter.head.issuer.to_uppercase(),
        false,
    );
    y -= 4.0;
    rule(&mut l, left, y, left.w / 3.0);
    y -= 6.0;
    y = centred(
        &mut l,
        left,
        y,
        Face::Regular,
        HEAD,
        &letter.number_line(),
        false,
    );
    y -= 4.0;
    let y_left = centred(&mut l, left, y, Face::Regular, 10.5, &letter.subject, false);

    // Header, right.
    let mut y = top;
    y = centred(&mut l, right, y, Face::Bold, 10.5, NATIONAL_TITLE, false);
    y = centred(&mut l, right, y, Face::Bold, HEAD, MOTTO, false);
    y -= 2.0;
    let motto = l.font(Face::Bold).width(MOTTO, HEAD);
    rule(&mut l, right, y, motto);
    y -= 8.0;
    let y_right = centred(
        &mut l,
        right,
        y,
        Face::Regular,
        HEAD,
        &letter.dateline(),
        true,
    );
    l.y = y_left.min(y_right) - 18.0;

    // Kính gửi.
    let lines = letter.addressee_lines();
    let indent = l.left() + 25.0 * MM;
    for (i, line) in lines.iter().enumerate() {
        let x = if lines.len() > 1 && i > 0 {
            indent + 20.0 * MM
        } else {
            indent
        };
        line_at(&mut l, x, Face::Regular, line);
    }
    l.y -= 10.0;

    // Body.
    for b in &letter.body {
        match b {
            Block::Paragraph(p) => justified(&mut l, p, 10.0 * MM),
            Block::Table(t) => {
                l.y -= 2.0;
                l.table(&t.headers, &t.widths, &t.rows, 9.5);
            }
        }
    }

    // Nơi nhận and the signature block, kept together.
    let rec = letter.recipient_lines();
    let small = 9.5;
    let needed = 12.0 + (rec.len() as f32 + 1.0) * small * 1.3;
    l.room(needed.max(90.0));
    l.y -= 8.0;
    let half = l.usable() / 2.0;
    let top = l.y;
    let mut y = top;
    let x = l.left();
    l.text_slanted(Face::Bold, 10.5, x, y - 10.5, "Nơi nhận:", true);
    y -= 10.5 * 1.35;
    for line in rec {
        for part in l.wrap(Face::Regular, small, &nfc(&line), half - 6.0) {
            l.text(Face::Regular, small, x, y - small, &part);
            y -= small * 1.3;
        }
    }
    let sign = Col {
        x: l.left() + half,
        w: half,
    };
    let mut ys = top;
    if let Some(t) = &letter.signer_title {
        ys = centred(&mut l, sign, ys, Face::Bold, HEAD, t, false);
    }
    // Room for the signature and the signer's name, written in by hand.
    ys -= 70.0;
    l.y = y.min(ys);
    // Pages are numbered from the second on (a one-page letter has none).
    if l.pages.len() > 1 {
        l.number_pages();
    }
    write(&letter.subject, l)
}
