//! Labelled lines of a plan that say who does an item, with whom, by when and to
//! what end: "- Đơn vị chủ trì: Vụ Pháp luật hình sự - hành chính.", "- Đơn vị
//! phối hợp: …", "- Thời gian thực hiện: Quý I/2015.", "- Cơ quan thực hiện: Sở Lao
//! động - Thương binh và Xã hội chủ trì, phối hợp với …", "Trách nhiệm chỉ đạo thực
//! hiện: Đảng ủy Ủy ban nhân dân tỉnh.", "- Sản phẩm: …".
//!
//! Such a line is never a task: it completes the item it stands under, or, at the
//! end of a run of items, the items before it that have none of their own.

use tiendo_core::deadline::Deadline;
use tiendo_core::text::fold;

use crate::deadline;
use crate::lexicon::tok_at;
use crate::pipeline::Doc;
use crate::roles::RoleItem;
use crate::structure::marker;

/// What a labelled line gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Lead,
    Coord,
    Deadline,
    Product,
    /// Funds, place, form …: known labels that give nothing the task needs.
    Other,
}

/// Folded labels, longest first where one starts another.
const LABELS: &[(&str, Field)] = &[
    ("trach nhiem chi dao thuc hien", Field::Lead),
    ("trach nhiem chi dao", Field::Lead),
    ("trach nhiem thuc hien", Field::Lead),
    ("co quan don vi chu tri", Field::Lead),
    ("co quan chu tri thuc hien", Field::Lead),
    ("don vi chu tri thuc hien", Field::Lead),
    ("co quan chu tri", Field::Lead),
    ("don vi chu tri", Field::Lead),
    ("co quan don vi thuc hien", Field::Lead),
    ("co quan thuc hien", Field::Lead),
    ("don vi thuc hien", Field::Lead),
    ("co quan dau moi", Field::Lead),
    ("don vi dau moi", Field::Lead),
    ("chu tri thuc hien", Field::Lead),
    ("chu tri", Field::Lead),
    ("co quan don vi phoi hop", Field::Coord),
    ("co quan phoi hop", Field::Coord),
    ("don vi phoi hop", Field::Coord),
    ("phoi hop thuc hien", Field::Coord),
    ("phoi hop", Field::Coord),
    ("thoi gian thuc hien", Field::Deadline),
    ("thoi gian hoan thanh", Field::Deadline),
    ("thoi han hoan thanh", Field::Deadline),
    ("thoi han thuc hien", Field::Deadline),
    ("thoi diem hoan thanh", Field::Deadline),
    ("tien do thuc hien", Field::Deadline),
    ("tien do hoan thanh", Field::Deadline),
    ("thoi han", Field::Deadline),
    ("thoi gian", Field::Deadline),
    ("tien do", Field::Deadline),
    ("san pham du kien", Field::Product),
    ("san pham dau ra", Field::Product),
    ("ket qua dau ra", Field::Product),
    ("san pham", Field::Product),
    ("ket qua", Field::Product),
    ("kinh phi thuc hien", Field::Other),
    ("nguon kinh phi", Field::Other),
    ("kinh phi", Field::Other),
    ("nguon von", Field::Other),
    ("dia diem", Field::Other),
    ("hinh thuc", Field::Other),
];

/// The field of a line and where its value starts (byte offset in the text), when
/// the line is "[marker] Label: value".
pub fn field_line(doc: &Doc, start: usize, end: usize) -> Option<(Field, usize)> {
    let line = &doc.text[start..end];
    let mut body = start;
    if let Some((_, _, len)) = marker(line) {
        body += len;
    }
    let rest = &doc.text[body..end];
    let colon = rest.find(':')?;
    if colon > 60 {
        return None;
    }
    let label = fold(&rest[..colon]);
    let field = LABELS.iter().find(|(l, _)| label == *l)?.1;
    Some((field, body + colon + 1))
}

/// The values of the labelled lines of one item.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub lead: Vec<RoleItem>,
    pub coord: Vec<RoleItem>,
    pub deadline: Option<Deadline>,
    pub product: Option<String>,
    pub any: bool,
}

impl Fields {
    /// Adds one labelled line's value (`[value_start, end)` of the text).
    pub fn add(&mut self, doc: &Doc, field: Field, value_start: usize, end: usize) {
        self.any = true;
        let value = doc.text[value_start..end].trim();
        match field {
            Field::Lead => {
                // "Sở X chủ trì, phối hợp với Y; Z": the lead before "chủ trì", the
                // others after "phối hợp".
                let low = value.to_lowercase();
                match low.find("chủ trì") {
                    Some(p) => {
                        let at = value_start
                            + (doc.text[value_start..end].len()
                                - doc.text[value_start..end].trim_start().len())
                            + p;
                        self.lead.extend(agencies(doc, value_start, at));
                        let after = agencies(doc, at, end);
                        self.coord.extend(
                            after
                                .into_iter()
                                .filter(|a| !self.lead.iter().any(|l| l.role == a.role)),
                        );
                    }
                    None => self.lead.extend(agencies(doc, value_start, end)),
                }
            }
            Field::Coord => self.coord.extend(agencies(doc, value_start, end)),
            Field::Deadline => {
                if let Some(d) = deadline::cell(value, doc.year) {
                    self.deadline = Some(d);
                }
            }
            Field::Product => {
                let v = value.trim_end_matches(['.', ';']);
                if !v.is_empty() {
                    self.product = Some(v.to_string());
                }
            }
            Field::Other => {}
        }
    }
}

/// Every role list in a span, in order, without repeats.
pub fn agencies(doc: &Doc, a: usize, b: usize) -> Vec<RoleItem> {
    let mut out: Vec<RoleItem> = Vec::new();
    let mut k = tok_at(doc.toks, a);
    let end = tok_at(doc.toks, b);
    while k < end {
        match doc.roles.list(k, end) {
            Some(list) => {
                for it in list.items {
                    if !out.iter().any(|o| o.role == it.role) {
                        out.push(it);
                    }
                }
                k = list.end.max(k + 1);
            }
            None => k += 1,
        }
    }
    out
}
