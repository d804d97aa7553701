//! PDF: laid out here (A4, wrapped table cells, tables that break across pages
//! with their header row repeated, page numbers) and written with pdf-writer.
//!
//! Text is set in DejaVu Sans and DejaVu Sans Bold, compiled into the binary and
//! embedded as subset CID TrueType fonts (Identity-H, glyph ids as character
//! codes) with a ToUnicode map, so every Vietnamese letter prints with its own
//! glyph and copies or extracts (pdftotext) as NFC text. NFC Vietnamese needs no
//! shaping: every precomposed letter has its glyph in DejaVu Sans.

use std::collections::{BTreeMap, HashMap};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

use crate::fonts::{BOLD, REGULAR};
use crate::{Cell, Printed, RenderError, Section, nfc};

pub(crate) const A4: (f32, f32) = (595.28, 841.89);
const MARGIN: f32 = 42.0;
pub(crate) const BOTTOM: f32 = 48.0;
const PAD: f32 = 3.0;

/// One embedded font: its glyphs used so far, renumbered for the subset.
pub(crate) struct FontUse {
    face: ttf_parser::Face<'static>,
    data: &'static [u8],
    /// 1000 / units per em.
    scale: f32,
    remap: GlyphRemapper,
    /// char → (new glyph id, advance in 1/1000 em)
    chars: HashMap<char, (u16, f32)>,
    /// new glyph id → text, for ToUnicode.
    unicode: BTreeMap<u16, char>,
    /// new glyph id → advance in 1/1000 em, for /W.
    widths: BTreeMap<u16, f32>,
}

impl FontUse {
    pub(crate) fn new(data: &'static [u8]) -> Result<FontUse, RenderError> {
        let face =
            ttf_parser::Face::parse(data, 0).map_err(|e| RenderError::Pdf(format!("font: {e}")))?;
        let scale = 1000.0 / face.units_per_em() as f32;
        Ok(FontUse {
            face,
            data,
            scale,
            remap: GlyphRemapper::new(),
            chars: HashMap::new(),
            unicode: BTreeMap::new(),
            widths: BTreeMap::new(),
        })
    }

    /// Advance of a character in 1/1000 em (not yet marked as used).
    fn advance(&self, c: char) -> f32 {
        if let Some(&(_, w)) = self.chars.get(&c) {
            return w;
        }
        let gid = self.face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
        self.face.glyph_hor_advance(gid).unwrap_or(0) as f32 * self.scale
    }

    pub(crate) fn width(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.advance(c)).sum::<f32>() * size / 1000.0
    }

    /// The character codes (new glyph ids, two bytes each) of a text.
    fn encode(&mut self, s: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(s.len() * 2);
        for c in s.chars() {
            let (gid, _) = match self.chars.get(&c) {
                Some(v) => *v,
                None => {
                    let old = self.face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
                    let adv = self.face.glyph_hor_advance(old).unwrap_or(0) as f32 * self.scale;
                    let new = self.remap.remap(old.0);
                    if old.0 != 0 {
                        self.unicode.entry(new).or_insert(c);
                    }
                    self.widths.insert(new, adv);
                    self.chars.insert(c, (new, adv));
                    (new, adv)
                }
            };
            out.extend_from_slice(&gid.to_be_bytes());
        }
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

impl Face {
    fn name(self) -> Name<'static> {
        match self {
            Face::Regular => Name(b"F1"),
            Face::Bold => Name(b"F2"),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

pub(crate) struct Layout {
    pub fonts: [FontUse; 2],
    pub pages: Vec<Content>,
    pub width: f32,
    pub height: f32,
    pub y: f32,
    /// Left and right margins.
    pub margins: (f32, f32),
}

impl Layout {
    /// A layout on pages of `width` × `height` with these left and right margins.
    pub(crate) fn new(width: f32, height: f32, margins: (f32, f32)) -> Result<Layout, RenderError> {
        Ok(Layout {
            fonts: [FontUse::new(REGULAR)?, FontUse::new(BOLD)?],
            pages: Vec::new(),
            width,
            height,
            y: height - MARGIN,
            margins,
        })
    }

    pub(crate) fn font(&self, f: Face) -> &FontUse {
        &self.fonts[f as usize]
    }

    pub(crate) fn left(&self) -> f32 {
        self.margins.0
    }

    pub(crate) fn usable(&self) -> f32 {
        self.width - self.margins.0 - self.margins.1
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = self.height - MARGIN;
    }

    pub(crate) fn content(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.new_page();
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Ensures `h` points of room below the cursor, else starts a page.
    pub(crate) fn room(&mut self, h: f32) -> bool {
        if self.pages.is_empty() || self.y - h < BOTTOM {
            self.new_page();
            return true;
        }
        false
    }

    /// Draws one line of text with its baseline at `y`.
    pub(crate) fn text(&mut self, face: Face, size: f32, x: f32, y: f32, s: &str) {
        self.text_slanted(face, size, x, y, s, false);
    }

    /// One line of text, slanted when `oblique` (the italics of the
    /// administrative style, drawn from the upright face: no italic is embedded).
    pub(crate) fn text_slanted(
        &mut self,
        face: Face,
        size: f32,
        x: f32,
        y: f32,
        s: &str,
        oblique: bool,
    ) {
        let bytes = self.fonts[face as usize].encode(s);
        let skew = if oblique { 0.2 } else { 0.0 };
        let c = self.content();
        c.begin_text();
        c.set_font(face.name(), size);
        c.set_text_matrix([1.0, 0.0, skew, 1.0, x, y]);
        c.show(Str(&bytes));
        c.end_text();
    }

    /// Lines of `s` wrapped to `width` (hard breaks kept; long words cut).
    pub(crate) fn wrap(&self, face: Face, size: f32, s: &str, width: f32) -> Vec<String> {
        let f = self.font(face);
        let space = f.width(" ", size);
        let mut lines = Vec::new();
        for para in s.split('\n') {
            let mut line = String::new();
            let mut w = 0.0;
            for word in para.split(' ').filter(|w| !w.is_empty()) {
                let ww = f.width(word, size);
                if !line.is_empty() && w + space + ww <= width {
                    line.push(' ');
                    line.push_str(word);
                    w += space + ww;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if ww <= width {
                    line.push_str(word);
                    w = ww;
                    continue;
                }
                // A word wider than the column: cut it.
                w = 0.0;
                for c in word.chars() {
                    let cw = f.width(c.encode_utf8(&mut [0; 4]), size);
                    if w + cw > width && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        w = 0.0;
                    }
                    line.push(c);
                    w += cw;
                }
            }
            lines.push(line);
        }
        lines
    }

    /// A paragraph across the page.
    fn paragraph(&mut self, face: Face, size: f32, s: &str, align: Align, after: f32) {
        let lead = size * 1.35;
        let lines = self.wrap(face, size, s, self.usable());
        for line in lines {
            self.room(lead);
            let w = self.font(face).width(&line, size);
            let x = match align {
                Align::Left => self.left(),
                Align::Center => self.left() + (self.usable() - w) / 2.0,
                Align::Right => self.left() + self.usable() - w,
            };
            let y = self.y - size;
            self.text(face, size, x, y, &line);
            self.y -= lead;
        }
        self.y -= after;
    }

    fn rule_box(&mut self, x: f32, top: f32, w: f32, h: f32, fill: bool) {
        let c = self.content();
        if fill {
            c.set_fill_rgb(0.91, 0.93, 0.96);
            c.rect(x, top - h, w, h);
            c.fill_nonzero();
            c.set_fill_rgb(0.0, 0.0, 0.0);
        }
        c.set_line_width(0.5);
        c.set_stroke_gray(0.0);
        c.rect(x, top - h, w, h);
        c.stroke();
    }

    /// One row of cells (already wrapped) with its top at the cursor; returns
    /// the lines that did not fit on the page.
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        cols: &[f32],
        cells: &[(Vec<String>, Align)],
        face: Face,
        size: f32,
        fill: bool,
        max_lines: usize,
    ) -> Vec<(Vec<String>, Align)> {
        let lead = size * 1.25;
        let n = cells
            .iter()
            .map(|(l, _)| l.len())
            .max()
            .unwrap_or(1)
            .clamp(1, max_lines.max(1));
        let h = n as f32 * lead + 2.0 * PAD;
        let top = self.y;
        let mut x = self.left();
        let mut rest = Vec::with_capacity(cells.len());
        for (i, (lines, align)) in cells.iter().enumerate() {
            let w = cols[i];
            self.rule_box(x, top, w, h, fill);
            for (k, line) in lines.iter().take(n).enumerate() {
                let lw = self.font(face).width(line, size);
                let lx = match align {
                    Align::Left => x + PAD,
                    Align::Center => x + (w - lw) / 2.0,
                    Align::Right => x + w - PAD - lw,
                };
                let y = top - PAD - size * 0.95 - k as f32 * lead;
                self.text(face, size, lx, y, line);
            }
            rest.push((lines.iter().skip(n).cloned().collect(), *align));
            x += w;
        }
        self.y -= h;
        rest
    }

    pub(crate) fn table(
        &mut self,
        headers: &[String],
        widths: &[f32],
        rows: &[Vec<Cell>],
        size: f32,
    ) {
        let n = headers.len().max(1);
        let total: f32 = widths.iter().take(n).sum::<f32>();
        let total = if total > 0.0 { total } else { n as f32 };
        let cols: Vec<f32> = (0..n)
            .map(|i| widths.get(i).copied().unwrap_or(total / n as f32) / total * self.usable())
            .collect();
        let lead = size * 1.25;
        let head: Vec<(Vec<String>, Align)> = (0..n)
            .map(|i| {
                let h = headers.get(i).map(String::as_str).unwrap_or("");
                (
                    self.wrap(Face::Bold, size, &nfc(h), cols[i] - 2.0 * PAD),
                    Align::Center,
                )
            })
            .collect();
        let head_h = head.iter().map(|(l, _)| l.len()).max().unwrap_or(1) as f32 * lead + 2.0 * PAD;
        let draw_head = |l: &mut Layout| {
            l.row(&cols, &head, Face::Bold, size, true, usize::MAX);
        };
        // The header with at least one line of the first row.
        self.room(head_h + lead + 2.0 * PAD);
        draw_head(self);
        for r in rows {
            let mut cells: Vec<(Vec<String>, Align)> = (0..n)
                .map(|i| {
                    let c = r.get(i).unwrap_or(&Cell::Empty);
                    let align = match c {
                        Cell::Int(_) | Cell::Num(..) | Cell::Percent(_) => Align::Right,
                        Cell::Date(_) => Align::Center,
                        _ => Align::Left,
                    };
                    (
                        self.wrap(Face::Regular, size, &nfc(&c.display()), cols[i] - 2.0 * PAD),
                        align,
                    )
                })
                .collect();
            loop {
                let need = cells.iter().map(|(l, _)| l.len()).max().unwrap_or(1).max(1);
                let fits = ((self.y - BOTTOM - 2.0 * PAD) / lead).floor().max(0.0) as usize;
                // Keep short rows whole; split a row only when it would not fit
                // even on a fresh page.
                let fresh = ((self.height - MARGIN - BOTTOM - head_h - 2.0 * PAD) / lead) as usize;
                if fits == 0 || (need > fits && need <= fresh) {
                    self.new_page();
                    draw_head(self);
                    continue;
                }
                cells = self.row(&cols, &cells, Face::Regular, size, false, fits);
                if cells.iter().all(|(l, _)| l.is_empty()) {
                    break;
                }
                self.new_page();
                draw_head(self);
            }
        }
        self.y -= 8.0;
    }
}

fn zlib(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

pub fn render(report: &Printed) -> Result<Vec<u8>, RenderError> {
    let (width, height) = if report.landscape { (A4.1, A4.0) } else { A4 };
    let mut l = Layout::new(width, height, (MARGIN, MARGIN))?;
    let body = 10.0;
    let cell = if report.landscape { 9.0 } else { 9.5 };
    l.new_page();
    for line in &report.issuer {
        l.paragraph(Face::Bold, body, &nfc(line), Align::Left, 0.0);
    }
    l.paragraph(
        Face::Regular,
        body,
        &nfc(&report.dateline()),
        Align::Right,
        6.0,
    );
    l.paragraph(
        Face::Bold,
        13.0,
        &nfc(&report.title.to_uppercase()),
        Align::Center,
        2.0,
    );
    if let Some(s) = &report.subtitle {
        l.paragraph(Face::Regular, body, &nfc(s), Align::Center, 0.0);
    }
    l.y -= 8.0;
    for s in &report.sections {
        match s {
            Section::Heading(h) => {
                // Keep a heading with what follows it.
                l.room(body * 1.35 + 40.0);
                l.y -= 4.0;
                l.paragraph(Face::Bold, 10.5, &nfc(h), Align::Left, 2.0);
            }
            Section::Paragraph(p) => l.paragraph(Face::Regular, body, &nfc(p), Align::Left, 4.0),
            Section::KeyFigures(figs) => {
                let rows: Vec<Vec<Cell>> = figs
                    .iter()
                    .map(|(k, v)| vec![Cell::Text(k.clone()), v.clone()])
                    .collect();
                l.table(
                    &["Chỉ tiêu".into(), "Số liệu".into()],
                    &[3.0, 1.0],
                    &rows,
                    cell,
                );
            }
            Section::Table(t) => l.table(&t.headers, &t.widths, &t.rows, cell),
        }
    }
    l.number_pages();
    write(&report.title, l)
}

impl Layout {
    /// "Trang 1/2" centred at the foot of every page.
    pub(crate) fn number_pages(&mut self) {
        let l = self;
        let width = l.width;
        let total = l.pages.len();
        for i in 0..total {
            let label = format!("Trang {}/{}", i + 1, total);
            let w = l.font(Face::Regular).width(&label, 8.0);
            let bytes = l.fonts[0].encode(&label);
            let c = &mut l.pages[i];
            c.begin_text();
            c.set_font(Face::Regular.name(), 8.0);
            c.set_text_matrix([1.0, 0.0, 0.0, 1.0, (width - w) / 2.0, 24.0]);
            c.show(Str(&bytes));
            c.end_text();
        }
    }
}

/// The PDF file of a laid-out document titled `title`.
pub(crate) fn write(title: &str, l: Layout) -> Result<Vec<u8>, RenderError> {
    let mut next = 1;
    let mut id = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog = id();
    let tree = id();
    let info = id();
    let fonts: Vec<[Ref; 5]> = (0..2).map(|_| [id(), id(), id(), id(), id()]).collect();
    let page_ids: Vec<(Ref, Ref)> = l.pages.iter().map(|_| (id(), id())).collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().map(|(p, _)| *p))
        .count(page_ids.len() as i32);
    pdf.document_info(info)
        .title(TextStr(&nfc(title)))
        .producer(TextStr("tiendo"));
    for ((page, content), ops) in page_ids.iter().zip(l.pages) {
        let mut p = pdf.page(*page);
        p.media_box(Rect::new(0.0, 0.0, l.width, l.height));
        p.parent(tree);
        p.contents(*content);
        let mut res = p.resources();
        let mut f = res.fonts();
        f.pair(Face::Regular.name(), fonts[0][0]);
        f.pair(Face::Bold.name(), fonts[1][0]);
        f.finish();
        res.finish();
        p.finish();
        let data = zlib(&ops.finish());
        pdf.stream(*content, &data).filter(Filter::FlateDecode);
    }
    let names: [&[u8]; 2] = [b"TDRAAA+DejaVuSans", b"TDRAAB+DejaVuSans-Bold"];
    for (k, font) in l.fonts.iter().enumerate() {
        let [type0, cid, desc, cmap, file] = fonts[k];
        let name = Name(names[k]);
        let system = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        pdf.type0_font(type0)
            .base_font(name)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let mut c = pdf.cid_font(cid);
        c.subtype(CidFontType::Type2)
            .base_font(name)
            .system_info(system)
            .font_descriptor(desc)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        {
            let mut w = c.widths();
            for (gid, adv) in &font.widths {
                w.consecutive(*gid, [*adv]);
            }
        }
        c.finish();
        let face = &font.face;
        let s = font.scale;
        let bb = face.global_bounding_box();
        pdf.font_descriptor(desc)
            .name(name)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                bb.x_min as f32 * s,
                bb.y_min as f32 * s,
                bb.x_max as f32 * s,
                bb.y_max as f32 * s,
            ))
            .italic_angle(0.0)
            .ascent(face.ascender() as f32 * s)
            .descent(face.descender() as f32 * s)
            .cap_height(face.capital_height().unwrap_or(face.ascender()) as f32 * s)
            .stem_v(if k == 1 { 120.0 } else { 80.0 })
            .font_file2(file);
        let mut map = UnicodeCmap::<u16>::new(Name(b"Custom"), system);
        for (gid, ch) in &font.unicode {
            map.pair(*gid, *ch);
        }
        let map = map.finish();
        pdf.cmap(cmap, &map);
        let subset = subsetter::subset(font.data, 0, &font.remap)
            .map_err(|e| RenderError::Pdf(format!("font subset: {e:?}")))?;
        let data = zlib(&subset);
        pdf.stream(file, &data).filter(Filter::FlateDecode);
    }
    Ok(pdf.finish())
}
