//! The extraction pipeline: regions, item tree, clauses, task segments.

use chrono::{Datelike, NaiveDate};
use tiendo_core::agency::{AgencyRegistry, GROUP_LOCALITIES, GROUP_MINISTRIES};
use tiendo_core::deadline::{Deadline, DeadlineKind};

use crate::deadline::{self, Found};
use crate::lexicon::{Lexicon, Tok, lexicon_for, tok_at};
use crate::normalize::normalise;
use crate::roles::{Role, RoleItem, RoleList, Roles};
use crate::structure::{Marker, inline_items, marker};
use crate::{DocumentInfo, ExtractOptions, Extraction, MAX_TEXT_BYTES, Task, appendix, header};

/// Words of a task's `text` (it is the beginning of the task, up to this many words).
const TEXT_WORDS: usize = 20;

pub fn run(text: &str, options: &ExtractOptions) -> Extraction {
    run_with_date(text, options, None)
}

/// What a line of the document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Region {
    Body,
    /// Web-page clutter: captions, menus, time stamps.
    Clutter,
    /// Narrative before the conclusion of a news report.
    Narrative,
    /// "… trân trọng thông báo …", "Nơi nhận:", signature.
    Closing,
    Appendix,
    /// A row of a pipe table (`tables.rs`).
    Table,
    /// Site footer and everything after it.
    Footer,
}

/// A task before names are written out.
#[derive(Debug, Clone)]
pub struct Draft {
    pub reference: String,
    pub start: usize,
    pub text_start: usize,
    pub end: usize,
    pub lead: Vec<RoleItem>,
    pub coord: Vec<RoleItem>,
    pub deadline: Option<Deadline>,
    pub source_doc: Option<String>,
    pub incomplete: Option<Vec<RoleItem>>,
    /// The text names a responsible leader ("Bộ trưởng", "Chủ tịch", "Giao …").
    pub person: bool,
    /// The lead was not named in the task's own words but taken from its item, a
    /// heading or the letter's addressees.
    pub lead_inherited: bool,
    /// … from the letter's addressees ("Kính gửi").
    pub lead_from_addressees: bool,
}

/// Context inherited from headings.
#[derive(Debug, Clone, Default)]
struct Ctx {
    lead: Vec<RoleItem>,
    deadline: Option<Deadline>,
    viewpoint: bool,
    person: bool,
    /// A letter's addressees: the lead of items that name none.
    fallback: Vec<RoleItem>,
    /// Inside a heading that introduces items ("… yêu cầu:", "1. Trách nhiệm
    /// chung"): its paragraphs are items too.
    heading: bool,
    /// A plan's labelled lines ("Đơn vị chủ trì: …"): the lead they name wins over
    /// the task's own words.
    forced_lead: Vec<RoleItem>,
    /// Coordinators and a deadline that labelled lines or a heading give to tasks
    /// that state none.
    extra_coord: Vec<RoleItem>,
    default_deadline: Option<Deadline>,
    /// `lead` is the letter's addressees.
    lead_is_fallback: bool,
}

struct Node {
    marker: Option<Marker>,
    label: String,
    body: usize,
    end: usize,
    children: Vec<usize>,
    scope: bool,
}

pub struct Doc<'a> {
    /// The issuing agency, once known.
    pub issuer: Option<u32>,
    /// Unmarked paragraphs ending "… yêu cầu:", "… như sau:" head the items after
    /// them (an administrative document with a letterhead).
    pub lead_ins: bool,
    pub text: &'a str,
    pub toks: &'a [Tok],
    pub lex: &'a Lexicon,
    pub roles: Roles<'a>,
    pub year: Option<i32>,
    pub date: Option<NaiveDate>,
}

pub fn run_with_date(
    input: &str,
    options: &ExtractOptions,
    date_override: Option<NaiveDate>,
) -> Extraction {
    if input.len() > MAX_TEXT_BYTES {
        return Extraction {
            warnings: vec![format!(
                "the text is {} bytes, more than the {} bytes a directive document can be; nothing was extracted",
                input.len(),
                MAX_TEXT_BYTES
            )],
            ..Extraction::default()
        };
    }
    let registry: &'static AgencyRegistry =
        options.registry.unwrap_or_else(AgencyRegistry::builtin);
    let lex = lexicon_for(registry);
    let text = normalise(input);
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut s = 0usize;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            lines.push((s, i));
            s = i + 1;
        }
    }
    if s < text.len() {
        lines.push((s, text.len()));
    }
    if !looks_vietnamese(&text) {
        return Extraction {
            warnings: vec![
                "the text does not look like Vietnamese (almost no Vietnamese letters): no tasks proposed".into(),
            ],
            text,
            ..Extraction::default()
        };
    }
    let line_strs: Vec<&str> = lines.iter().take(200).map(|&(a, b)| &text[a..b]).collect();
    let head = header::read(&line_strs);
    let date = date_override.or(head.date);
    let toks = lex.tokenize(&text);
    let units = crate::units::find(&text, &toks, &lex);
    let home = home_province(&text, &toks, &lex, &lines, date);
    let mut doc = Doc {
        issuer: None,
        lead_ins: false,
        text: &text,
        toks: &toks,
        lex: &lex,
        roles: Roles {
            text: &text,
            toks: &toks,
            lex: &lex,
            date,
            units: &units,
            home,
            party: head.party,
        },
        year: date.map(|d| d.year()),
        date,
    };
    let all_strs: Vec<&str> = lines.iter().take(120).map(|&(a, b)| &text[a..b]).collect();
    let letterhead = if head.formal {
        crate::letterhead::read(&all_strs)
    } else {
        None
    };
    doc.lead_ins = letterhead.is_some();
    let regions = regions(&doc, &lines, head.formal, letterhead.as_ref());
    let issuer = issuer(&doc, &head, &lines, &regions);
    doc.issuer = issuer;
    let addressees = letterhead
        .as_ref()
        .and_then(|l| l.addressees)
        .map(|(a, b)| addressee_roles(&doc, &lines[a..b]))
        .unwrap_or_default();
    let mut drafts = body_tasks(&doc, &lines, &regions, head.formal, &addressees);
    if let Some(first) = regions.iter().position(|r| *r == Region::Appendix) {
        let rows: Vec<(usize, usize)> = lines
            .iter()
            .zip(&regions)
            .skip(first)
            .filter(|(_, r)| **r == Region::Appendix)
            .map(|(l, _)| *l)
            .collect();
        drafts.extend(appendix::tasks(&doc, &rows));
    }
    let table_rows: Vec<(usize, usize)> = lines
        .iter()
        .zip(&regions)
        .filter(|(_, r)| **r == Region::Table)
        .map(|(l, _)| *l)
        .collect();
    drafts.extend(crate::tables::tasks(&doc, &table_rows));
    let mut warnings = Vec::new();
    if date.is_none() {
        warnings.push(
            "no document date found: names are today's and year-less deadlines are left out".into(),
        );
    }
    let mut unit_ids: Vec<u32> = Vec::new();
    for d in &drafts {
        for it in d.lead.iter().chain(&d.coord) {
            if let Role::Unit(u) = it.role
                && !unit_ids.contains(&u)
            {
                unit_ids.push(u);
            }
        }
    }
    let tasks: Vec<Task> = drafts
        .into_iter()
        .filter_map(|d| finish(&doc, d, options.as_of_names, issuer.is_some()))
        .collect();
    let units: Vec<crate::UnitInfo> = unit_ids
        .into_iter()
        .map(|u| crate::UnitInfo {
            name: doc.roles.units.names[u as usize].clone(),
            kind: match doc.roles.units.kinds[u as usize] {
                crate::units::UnitKind::Body => "unit",
                crate::units::UnitKind::Department => "department",
                crate::units::UnitKind::LocalGroup => "group",
            }
            .to_string(),
        })
        .filter(|u| {
            tasks
                .iter()
                .any(|t| t.lead.contains(&u.name) || t.coord.contains(&u.name))
        })
        .collect();
    let document = DocumentInfo {
        number: head.number.clone(),
        kind: head.kind.clone(),
        date,
        issuer: issuer.map(|i| name_of(&doc, i, options.as_of_names)),
        title: head.title.clone(),
    };
    Extraction {
        document,
        tasks,
        units,
        warnings,
        text,
    }
}

/// The People's Committee of the province a provincial document comes from: the
/// province its letterhead names ("ỦY BAN NHÂN DÂN / TỈNH LÀO CAI", "TỈNH ỦY LÀO
/// CAI", "ĐẢNG BỘ TỈNH LÀO CAI"), as in force on the document's date.
fn home_province(
    text: &str,
    toks: &[crate::lexicon::Tok],
    lex: &Lexicon,
    lines: &[(usize, usize)],
    date: Option<NaiveDate>,
) -> Option<u32> {
    let kw = &lex.kw;
    let all = lex.registry.all();
    let valid = |i: u32| {
        let a = &all[i as usize];
        date.map_or_else(|| a.is_current(), |d| a.valid_on(d))
    };
    // Only a provincial issuer has a home province: its letterhead opens with a
    // provincial body (not "BỘ TÀI CHÍNH" whose OCR'd letterhead may name a place).
    let provincial = lines.iter().filter(|(a, b)| b > a).take(4).any(|&(a, b)| {
        let f = tiendo_core::text::fold(&text[a..b]);
        [
            "uy ban nhan dan",
            "ubnd",
            "tinh uy",
            "thanh uy",
            "dang bo tinh",
            "dang bo thanh pho",
            "dang uy",
            "hoi dong nhan dan",
        ]
        .iter()
        .any(|h| f.starts_with(h))
            || text[a..b].trim_start().starts_with("SỞ ")
            || text[a..b].trim_start().starts_with("Sở ")
    });
    if !provincial {
        return None;
    }
    for &(a, b) in lines.iter().filter(|(a, b)| b > a).take(12) {
        let line = text[a..b].trim();
        if line.starts_with("Kính gửi") || crate::letterhead::subject_line(line) {
            break;
        }
        // "Lào Cai, ngày 30 tháng 8 năm 2026": a provincial issuer writes its own
        // province's name as the place.
        if let Some(place) = line
            .find(", ngày")
            .map(|p| a + (line.as_ptr() as usize - text[a..b].as_ptr() as usize) + p)
        {
            let i = tok_at(toks, a);
            let j = tok_at(toks, place);
            if i < j
                && let Some(m) = lex.form_at(toks, i, j, true)
                && m.end == j
                && let Some(t) = m
                    .terms
                    .iter()
                    .find(|t| all[t.agency as usize].kind.is_local() && valid(t.agency))
            {
                return Some(t.agency);
            }
        }
        let i = tok_at(toks, a);
        let j = tok_at(toks, b);
        for k in i..j {
            let n = if Lexicon::seq(toks, k, j, &[kw.tinh, kw.uy]) {
                2
            } else if Lexicon::seq(toks, k, j, &[kw.tinh]) {
                1
            } else if Lexicon::seq(toks, k, j, &[kw.thanh, kw.pho]) {
                2
            } else {
                0
            };
            if n == 0 {
                continue;
            }
            let Some(m) = lex.form_at(toks, k + n, j, true) else {
                continue;
            };
            let local = m
                .terms
                .iter()
                .filter(|t| all[t.agency as usize].kind.is_local());
            for t in local {
                if valid(t.agency) {
                    return Some(t.agency);
                }
                let next = match date {
                    Some(d) => lex.registry.successor_on(&all[t.agency as usize].code, d),
                    None => lex.registry.current(&all[t.agency as usize].code),
                };
                if let Some(s) = next.and_then(|s| lex.index_of(&s.code)) {
                    return Some(s);
                }
            }
        }
    }
    None
}

/// Vietnamese writes most words with diacritics: a text where fewer than one letter
/// in fifty carries one (English, Chinese, accent-stripped text) is not analysed.
fn looks_vietnamese(text: &str) -> bool {
    let mut letters = 0usize;
    let mut marked = 0usize;
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            letters += 1;
        } else if c.is_alphabetic() {
            letters += 1;
            let cp = c as u32;
            if (0xC0..0x250).contains(&cp) || (0x1EA0..0x1F00).contains(&cp) {
                marked += 1;
            }
        }
    }
    letters == 0 || marked * 50 >= letters
}

fn lower_prefix(s: &str, n: usize) -> String {
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_lowercase()
}

/// Classifies every line.
fn regions(
    doc: &Doc,
    lines: &[(usize, usize)],
    formal: bool,
    letterhead: Option<&crate::letterhead::Letterhead>,
) -> Vec<Region> {
    let mut out = Vec::with_capacity(lines.len());
    let mut state = Region::Body;
    for &(a, b) in lines {
        let line = doc.text[a..b].trim();
        let low = lower_prefix(line, 64);
        if state == Region::Footer {
            out.push(Region::Footer);
            continue;
        }
        if crate::tables::is_pipe_row(line) {
            out.push(Region::Table);
            continue;
        }
        let footer = [
            "chủ quản:",
            "nguồn tra cứu",
            "bản quyền",
            "website nội bộ",
            "liên kết nhanh",
            "mã số thuế",
            "© ",
        ];
        if footer.iter().any(|f| low.starts_with(f)) && line.len() < 400 {
            state = Region::Footer;
            out.push(Region::Footer);
            continue;
        }
        if low.starts_with("phụ lục") && (line.len() < 120) {
            state = Region::Appendix;
            out.push(Region::Appendix);
            continue;
        }
        if state == Region::Body
            && (low.starts_with("nơi nhận")
                || low.starts_with("noi nhận")
                || line.contains("rân trọng thông báo"))
        {
            state = Region::Closing;
        }
        // "⁄." (a fraction slash) is how OCR reads "./." at times.
        if state == Region::Body
            && (line.ends_with("./.") || line.ends_with("/.") || line.ends_with("⁄."))
            && formal
        {
            // "./." closes the body of an administrative document: its line is the
            // last of the body; recipients and signature follow.
            out.push(Region::Body);
            state = Region::Closing;
            continue;
        }
        if state == Region::Closing && draft_mark(line) {
            // A draft sent with the letter for comments ("DỰ THẢO" under its own
            // letterhead) assigns nothing yet: none of it is a task.
            state = Region::Footer;
            out.push(Region::Footer);
            continue;
        }
        if state == Region::Closing && attached_part(line) {
            // A plan or programme issued with the decision ("KẾ HOẠCH … (Ban hành
            // kèm theo Quyết định số …)") begins after its signature: a body again.
            out.push(Region::Clutter);
            state = Region::Body;
            continue;
        }
        if state != Region::Body {
            out.push(state);
            continue;
        }
        let caption = line.contains("Ảnh:") || line.contains("Ảnh :") || line.starts_with("Ảnh ");
        let stamp = low.starts_with(|c: char| c.is_ascii_digit())
            && (low.contains(" am gmt") || low.contains(" pm gmt"));
        if caption || stamp || line.contains(" | ") {
            out.push(Region::Clutter);
        } else {
            out.push(Region::Body);
        }
    }
    // The letterhead (issuer, motto, number, place and date, subject line, title,
    // addressees) is not part of the body.
    if let Some(l) = letterhead {
        for r in out.iter_mut().take(l.body) {
            if *r == Region::Body {
                *r = Region::Clutter;
            }
        }
    }
    // The formal header (issuer, "Số:", place and date, kind and title in capitals)
    // is not part of the body.
    let upper = |l: &str| {
        let mut letters = l.chars().filter(|c| c.is_alphabetic()).peekable();
        letters.peek().is_some() && letters.all(|c| !c.is_lowercase())
    };
    if let Some(k) = lines.iter().take(200).position(|&(a, b)| {
        let l = doc.text[a..b].trim();
        header::KIND_LINES.iter().any(|(u, _)| l == *u)
    }) {
        let mut end = k;
        while end + 1 < lines.len() {
            let (a, b) = lines[end + 1];
            let l = doc.text[a..b].trim();
            if l.is_empty() || (upper(l) && marker(l).is_none()) {
                end += 1;
            } else {
                break;
            }
        }
        for r in out.iter_mut().take(end + 1) {
            if *r == Region::Body {
                *r = Region::Clutter;
            }
        }
    }
    if !formal {
        // A news report: tasks come from the conclusion, not from the speeches.
        let concl = lines.iter().zip(&out).position(|(&(a, b), r)| {
            if *r != Region::Body {
                return false;
            }
            let l = &doc.text[a..b];
            if !(l.contains("kết luận") || l.contains("Kết luận")) {
                return false;
            }
            let l = l.to_lowercase();
            l.contains("kết luận")
                && [
                    "phát biểu",
                    "hội nghị",
                    "phiên họp",
                    "cuộc họp",
                    "buổi làm việc",
                ]
                .iter()
                .any(|w| l.contains(w))
                && !l.contains("thông báo số")
        });
        if let Some(c) = concl {
            for r in out.iter_mut().take(c) {
                if *r == Region::Body {
                    *r = Region::Narrative;
                }
            }
        }
    }
    out
}

/// The agencies of a letter's addressee block ("Kính gửi: - Bộ Tài chính; - Bộ Tài
/// nguyên và Môi trường.", "- Các Sở: Nông nghiệp và Môi trường, Xây dựng, ⏎
/// Công Thương;"): every role list in it.
fn addressee_roles(doc: &Doc, lines: &[(usize, usize)]) -> Vec<RoleItem> {
    let mut out: Vec<RoleItem> = Vec::new();
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return out;
    };
    let mut k = tok_at(doc.toks, first.0);
    let end = tok_at(doc.toks, last.1);
    // Past "Kính gửi" and a courtesy title ("Đ/c", "Ông"), list after list, each
    // after a separator; the first words that are no list end the addressees (a
    // page flattened by a crawler runs the body on after them).
    let mut skipped = 0;
    let mut any = false;
    while k < end {
        if doc.roles.gap(k).contains('\n') {
            // A new line of the list ("- Bảo hiểm xã hội các tỉnh, …;").
            skipped = 0;
        }
        if let Some(list) = doc.roles.list(k, end) {
            for it in list.items {
                if !out.iter().any(|o| o.role == it.role) {
                    out.push(it);
                }
            }
            any = true;
            k = list.end.max(k + 1);
            if k < end {
                let gap = doc.roles.gap(k);
                let separated = gap.contains([';', '\n', '-', '+', ','])
                    || doc.roles.seq(k, end, &[doc.lex.kw.va]);
                if !separated {
                    // Words after the list ("… cơ quan khác ở trung ương;"): on to
                    // the next line of the block, if there is one.
                    if lines.len() == 1 {
                        break;
                    }
                    while k < end && !doc.roles.gap(k).contains('\n') {
                        k += 1;
                    }
                }
            }
        } else {
            skipped += 1;
            let one_line = lines.len() == 1;
            if one_line && ((any && skipped > 2) || skipped > 4) {
                break;
            }
            k += 1;
        }
    }
    out
}

/// The title line of a part issued with a decision: "(Ban hành kèm theo Quyết định
/// số 173/QĐ-BTP …)", "(Kèm theo Quyết định …)".
/// The mark of a draft: "DỰ THẢO" alone on its line (in brackets or with a
/// version: "Dự thảo 2", "(Dự thảo lần 3)").
fn draft_mark(line: &str) -> bool {
    let folded = tiendo_core::text::fold(line.trim().trim_matches(['(', ')', '*', '_', ' ']));
    let rest = folded.strip_prefix("du thao").map(str::trim);
    rest.is_some_and(|r| {
        r.is_empty()
            || r.len() <= 12
                && r.trim_start_matches("lan")
                    .trim()
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ' ')
    })
}

fn attached_part(line: &str) -> bool {
    let low = line.to_lowercase();
    ((low.contains("(ban hành kèm theo") || low.contains("(kèm theo quyết định"))
        && !low.starts_with("phụ lục"))
        || attached_title(line)
}

/// The title, in capitals, of a plan or programme issued with the decision
/// ("CHƯƠNG TRÌNH HÀNH ĐỘNG CỦA NGÀNH …", "KẾ HOẠCH TRIỂN KHAI …"), on its own
/// line or run on after the signer's name by a converter.
fn attached_title(line: &str) -> bool {
    [
        "CHƯƠNG TRÌNH HÀNH ĐỘNG",
        "KẾ HOẠCH THỰC HIỆN",
        "KẾ HOẠCH TRIỂN KHAI",
        "KẾ HOẠCH HÀNH ĐỘNG",
    ]
    .iter()
    .any(|t| line.contains(t))
}

/// The issuing agency: from the metadata, the number's code, the closing formula
/// ("Văn phòng Chính phủ trân trọng thông báo …") or a header line in capitals.
fn issuer(
    doc: &Doc,
    head: &header::Header,
    lines: &[(usize, usize)],
    regions: &[Region],
) -> Option<u32> {
    let first_agency = |a: usize, b: usize| -> Option<u32> {
        let i = tok_at(doc.toks, a);
        let j = tok_at(doc.toks, b);
        let list = doc.roles.list(i, j)?;
        list.items.iter().find_map(|it| match it.role {
            Role::Agency(x) => Some(x),
            _ => None,
        })
    };
    if let Some(name) = &head.issuer_name {
        let lt = doc.lex.tokenize(name);
        let no_units = crate::units::Units::default();
        let r = Roles {
            text: name,
            toks: &lt,
            lex: doc.lex,
            date: doc.date,
            units: &no_units,
            home: None,
            party: false,
        };
        if let Some(list) = r.list(0, lt.len())
            && let Some(Role::Agency(x)) = list.items.first().map(|i| i.role)
        {
            return Some(x);
        }
    }
    if let Some(code) = &head.issuer_code {
        let lt = doc.lex.tokenize(code);
        if let Some(m) = doc.lex.form_at(&lt, 0, lt.len(), false)
            && m.end == lt.len()
            && let Some(t) = m.terms.first()
        {
            return Some(t.agency);
        }
    }
    for (&(a, b), r) in lines.iter().zip(regions) {
        if *r == Region::Closing && doc.text[a..b].contains("rân trọng thông báo") {
            return first_agency(a, b);
        }
    }
    for &(a, b) in lines.iter().take(30) {
        let l = doc.text[a..b].trim();
        if !l.is_empty()
            && l.chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| !c.is_lowercase())
        {
            let i = tok_at(doc.toks, a);
            let j = tok_at(doc.toks, b);
            if let Some(m) = doc.lex.form_at(doc.toks, i, j, false)
                && m.end == j
                && let Some(t) = m.terms.first()
            {
                return Some(t.agency);
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------
// The item tree

fn build_tree(doc: &Doc, lines: &[(usize, usize)], regions: &[Region]) -> Vec<Node> {
    let mut nodes = vec![Node {
        marker: None,
        label: String::new(),
        body: 0,
        end: 0,
        children: Vec::new(),
        scope: false,
    }];
    let mut stack: Vec<usize> = Vec::new();
    let mut unmarked_count: Vec<usize> = vec![0];
    for (&(a, b), r) in lines.iter().zip(regions) {
        if *r != Region::Body {
            continue;
        }
        let line = &doc.text[a..b];
        if line.trim().is_empty() {
            continue;
        }
        if let Some((m, label, len)) = marker(line) {
            // "I." read by OCR for "1.": an item "I" with no item under it, then
            // "2.", was the first of an arabic run.
            if m == Marker::Arabic
                && label == "2"
                && let Some(&top) = stack.last()
                && nodes[top].marker == Some(Marker::Roman)
                && nodes[top].label == "I"
                && !nodes[top]
                    .children
                    .iter()
                    .any(|&c| nodes[c].marker.is_some())
            {
                nodes[top].marker = Some(Marker::Arabic);
                nodes[top].label = "1".to_string();
            }
            // "3.1." stands under "3.": arabic numbers of another depth are another
            // level.
            let depth = label.matches('.').count();
            let same = |n: usize| {
                nodes[n].marker == Some(m)
                    && (m != Marker::Arabic || nodes[n].label.matches('.').count() == depth)
            };
            if let Marker::Heading(level) = m {
                // A markdown heading stands under the nearest shallower heading,
                // never under an item.
                let keep = stack
                    .iter()
                    .rposition(
                        |&n| matches!(nodes[n].marker, Some(Marker::Heading(l)) if l < level),
                    )
                    .map_or(0, |p| p + 1);
                stack.truncate(keep);
            } else if let Some(pos) = stack.iter().rposition(|&n| same(n)) {
                stack.truncate(pos);
            } else if m == Marker::Arabic
                && let Some((prefix, _)) = label.rsplit_once('.')
                && let Some(pos) = stack.iter().rposition(|&n| {
                    nodes[n].marker == Some(Marker::Arabic) && nodes[n].label == prefix
                })
            {
                // "2.2." whose "2.1." was run into its heading's line: it stands
                // under "2.", not under the last "c)" of "2.1.".
                stack.truncate(pos + 1);
            }
            let parent = stack.last().copied().unwrap_or(0);
            let label = if matches!(m, Marker::Bullet | Marker::Heading(_)) {
                let n = nodes[parent]
                    .children
                    .iter()
                    .filter(|&&c| nodes[c].marker == Some(m))
                    .count();
                (n + 1).to_string()
            } else {
                label
            };
            nodes.push(Node {
                marker: Some(m),
                label,
                body: a + len,
                end: b,
                children: Vec::new(),
                scope: false,
            });
            unmarked_count.push(0);
            let id = nodes.len() - 1;
            nodes[parent].children.push(id);
            stack.push(id);
            continue;
        }
        if crate::fields::field_line(doc, a, b).is_some() {
            // "Trách nhiệm chỉ đạo thực hiện: …" after a run of dashes belongs to
            // the item that holds them, not to the last dash.
            while let Some(&top) = stack.last() {
                if nodes[top].marker == Some(Marker::Bullet) {
                    stack.pop();
                } else {
                    break;
                }
            }
        }
        if !stack.is_empty()
            && !doc.text[a..b].contains(':')
            && crate::closing::is_closing_formula(doc, a, b)
        {
            // "Tổng cục Thuế thông báo để các Cục Thuế biết và triển khai thực
            // hiện." after the last item closes the items: it is not a paragraph of
            // the last one (which would then read as a heading over it).
            stack.clear();
        }
        let addressed = is_scope_heading(doc, a, b);
        let lead_in = !addressed && doc.lead_ins && introduces_items(&doc.text[a..b]);
        let scope = addressed || lead_in;
        if scope {
            while let Some(&top) = stack.last() {
                if nodes[top].scope {
                    stack.pop();
                } else {
                    break;
                }
            }
        }
        let parent = stack.last().copied().unwrap_or(0);
        unmarked_count[parent] += 1;
        if parent != 0 && unmarked_count[parent] == 2 {
            // A second paragraph under the item: the first one gets its number too.
            if let Some(&first) = nodes[parent]
                .children
                .iter()
                .find(|&&c| nodes[c].marker.is_none())
            {
                nodes[first].label = "1".to_string();
            }
        }
        let label = if lead_in {
            // "… cụ thể như sau:" numbers nothing: its items keep their own numbers.
            String::new()
        } else if parent != 0 && unmarked_count[parent] == 1 {
            // The only paragraph of an item stands for the item ("1. Quyết liệt …:"
            // then "Các đồng chí …" is III.1).
            String::new()
        } else {
            unmarked_count[parent].to_string()
        };
        nodes.push(Node {
            marker: None,
            label,
            body: a,
            end: b,
            children: Vec::new(),
            scope,
        });
        unmarked_count.push(0);
        let id = nodes.len() - 1;
        nodes[parent].children.push(id);
        if scope {
            stack.push(id);
        }
    }
    nodes
}

/// An unmarked line that addresses agencies: only their names ("Bộ Công an"), or
/// names and a colon ("Bộ trưởng, …; Chủ tịch Ủy ban nhân dân …:"), or a sentence
/// introducing the items under it ("Yêu cầu các bộ, ngành … , cụ thể:").
fn is_scope_heading(doc: &Doc, a: usize, b: usize) -> bool {
    let i = tok_at(doc.toks, a);
    let j = tok_at(doc.toks, b);
    if i >= j {
        return false;
    }
    let Some(list) = doc.roles.subject(i, j) else {
        return false;
    };
    let line = doc.text[a..b].trim_end();
    if line
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| !c.is_lowercase())
    {
        // A line in capitals is the issuer's name in the header, not an addressee.
        return false;
    }
    if list.end >= j {
        return true;
    }
    line.ends_with(':')
}

/// Words that introduce the items after a heading ending in a colon ("Chủ tịch Ủy
/// ban nhân dân tỉnh yêu cầu:", "… đề nghị … thực hiện một số nhiệm vụ trọng tâm,
/// như sau:", "… trong đó lưu ý các nhiệm vụ, giải pháp trọng tâm sau:").
fn introduces_items(line: &str) -> bool {
    let l = line.trim_end();
    if !l.ends_with(':') || l.chars().count() > 900 {
        return false;
    }
    let low = l.to_lowercase();
    [
        "yêu cầu",
        "đề nghị",
        "giao",
        "chỉ đạo",
        "như sau",
        "sau đây",
        "cụ thể",
        "nhiệm vụ",
        "nội dung sau",
        "giải pháp",
    ]
    .iter()
    .any(|w| low.contains(w))
}

// ---------------------------------------------------------------------------------
// Walking the tree

fn body_tasks(
    doc: &Doc,
    lines: &[(usize, usize)],
    regions: &[Region],
    formal: bool,
    addressees: &[RoleItem],
) -> Vec<Draft> {
    let nodes = build_tree(doc, lines, regions);
    if std::env::var_os("TIENDO_TREE").is_some() {
        fn show(doc: &Doc, nodes: &[Node], k: usize, depth: usize) {
            let n = &nodes[k];
            let t: String = doc.text[n.body.min(n.end)..n.end]
                .chars()
                .take(60)
                .collect();
            eprintln!(
                "{}[{}] {}",
                "  ".repeat(depth),
                n.label,
                t.replace('\n', " ")
            );
            for &c in &n.children {
                show(doc, nodes, c, depth + 1);
            }
        }
        show(doc, &nodes, 0, 0);
    }
    let mut out = Vec::new();
    let root = Ctx {
        fallback: addressees.to_vec(),
        ..Ctx::default()
    };
    walk(doc, &nodes, 0, &root, "", &mut out);
    if !formal {
        for (n, d) in out.iter_mut().enumerate() {
            d.reference = format!("KL.{}", n + 1);
        }
    }
    out
}

/// What the head of an item says.
struct Head {
    /// Where the item's own text starts (after a title or an addressee and colon).
    body: usize,
    /// Agencies the item is addressed to ("Bộ Công an:", "Giao Bộ trưởng Bộ X chỉ đạo:").
    addressee: Option<RoleList>,
    /// A deadline opening a heading: "Trước ngày 31 tháng 7 năm 2025, yêu cầu:".
    deadline: Option<Deadline>,
    /// The title text (before its colon), or the whole text.
    title_end: usize,
    ends_colon: bool,
}

/// The colon that ends a title ("Về hạ tầng số: …"), if any: within the first
/// 400 bytes, outside brackets and quotes, before any ';' and before any
/// sentence ends (a title is not several sentences: "… đề nghị góp ý. Ý kiến gửi
/// về: Viện …" has none).
fn first_colon(text: &str) -> Option<usize> {
    let mut depth = 0i32;
    let mut quote = false;
    for (i, c) in text.char_indices() {
        if i > 400 {
            return None;
        }
        if c == '.'
            && depth <= 0
            && !quote
            && text[i + 1..].starts_with(' ')
            && text[i + 1..].trim_start().starts_with(char::is_uppercase)
            && !text[..i].ends_with(|p: char| p.is_ascii_digit() || p.is_uppercase())
        {
            return None;
        }
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '“' => quote = true,
            '”' => quote = false,
            ':' if depth <= 0 && !quote => return Some(i),
            ';' => return None,
            _ => {}
        }
    }
    None
}

fn head(doc: &Doc, start: usize, end: usize) -> Head {
    let text = &doc.text[start..end];
    let ends_colon = text.trim_end().ends_with(':');
    let mut h = Head {
        body: start,
        addressee: None,
        deadline: None,
        title_end: end,
        ends_colon,
    };
    let i = tok_at(doc.toks, start);
    let j = tok_at(doc.toks, end);
    let kw = &doc.lex.kw;
    if let Some(list) = doc.roles.subject(i, j) {
        // "Bộ Công an:", "Giao Bộ trưởng Bộ X chỉ đạo:", "Bộ X thực hiện:"
        let mut p = list.end;
        if doc.roles.seq(p, j, &[kw.chi, kw.dao]) || doc.roles.seq(p, j, &[kw.thuc, kw.hien]) {
            p += 2;
        }
        let gap_end = if p < doc.toks.len() {
            doc.toks[p].start as usize
        } else {
            end
        };
        let gap_start = if p > 0 {
            doc.toks[p - 1].end as usize
        } else {
            start
        };
        let gap = &doc.text[gap_start.min(gap_end)..gap_end.min(end).max(gap_start.min(gap_end))];
        if gap.contains(':') {
            let colon = gap_start + gap.find(':').unwrap_or(0) + 1;
            h.body = skip_spaces(doc.text, colon, end);
            h.title_end = colon;
            h.addressee = Some(list);
            return h;
        }
        if p >= j {
            h.addressee = Some(list);
            h.body = end;
            return h;
        }
        return h;
    }
    // A heading that opens with its deadline.
    let found = if ends_colon {
        deadline::find(text, doc.year)
    } else {
        Vec::new()
    };
    // "(1) Trước ngày 31 tháng 7 năm 2025, yêu cầu:" — not "Ngày 20/5/2026, Chính
    // phủ đã ban hành …", a past day that opens a narrative.
    if let Some(f) = found.first()
        && f.dated()
        && opens_with(&text[..f.start])
        && ends_colon
        && !f.deadline.raw.to_lowercase().starts_with("ngày")
    {
        let mut d = f.deadline.clone();
        d.raw = text[f.start..f.end].to_string();
        h.deadline = Some(d);
    }
    // A lead-in that ends in a colon gives its deadline to the items under it,
    // wherever it states it ("Đề nghị các bộ … hoàn thành trước ngày 20/10/2024.
    // Trong đó chú ý một số nội dung sau:").
    if h.deadline.is_none()
        && ends_colon
        && let Some(f) = found.iter().find(|f| deadline::tied(f)).or_else(|| {
            // "Trong thời hạn 06 tháng, kể từ ngày Nghị định … có hiệu lực, … như sau:"
            found
                .iter()
                .find(|f| f.deadline.kind == DeadlineKind::Event)
        })
    {
        let mut d = f.deadline.clone();
        d.raw = text[f.start..f.end].to_string();
        h.deadline = Some(d);
    }
    // "Title: body" where the body is an enumeration or has its own subject.
    if let Some(c) = first_colon(text) {
        let after = skip_spaces(doc.text, start + c + 1, end);
        let rest = &doc.text[after..end];
        let enumerated = rest.starts_with("(1)");
        let ai = tok_at(doc.toks, after);
        // "… quy định: “Bộ trưởng Bộ Công Thương phân cấp …”": a quoted rule has
        // no subject of the document's own.
        let quoted = rest.starts_with(['“', '"']);
        let subject = !rest.is_empty() && !quoted && doc.roles.subject(ai, j).is_some();
        if enumerated || subject {
            h.body = after;
            h.title_end = start + c;
        }
    }
    h
}

/// Whether a deadline preceded by these words opens its clause ("Trước ngày …,").
fn opens_with(before: &str) -> bool {
    let l = before.trim().to_lowercase();
    [
        "",
        "trong",
        "trước",
        "đến",
        "hết",
        "đến hết",
        "chậm nhất",
        "từ nay đến",
    ]
    .contains(&l.as_str())
}

fn skip_spaces(text: &str, mut p: usize, end: usize) -> usize {
    while p < end && text.as_bytes()[p] == b' ' {
        p += 1;
    }
    p
}

/// Headings of sections that narrate (results, shortcomings, causes) assign nothing.
fn is_narrative(title: &str) -> bool {
    let t = title.trim().to_lowercase();
    let t = t.strip_prefix("về ").unwrap_or(&t);
    let t = t.strip_prefix("việc ").unwrap_or(t);
    [
        "kết quả",
        "đánh giá",
        "tồn tại",
        "hạn chế",
        "nguyên nhân",
        "tình hình",
        "bối cảnh",
        "thực trạng",
        "bài học",
    ]
    .iter()
    .any(|w| t.starts_with(w))
}

/// Sections of viewpoints, mottos and general aims: items there are tasks only
/// when they carry their own deadline.
fn is_viewpoint(title: &str) -> bool {
    let t = title.to_lowercase();
    [
        "quan điểm",
        "phương châm",
        "định hướng",
        "yêu cầu chung",
        "nhiệm vụ tổng quát",
    ]
    .iter()
    .any(|w| t.contains(w))
}

fn join_ref(prefix: &str, label: &str) -> String {
    if prefix.is_empty() {
        label.to_string()
    } else if label.is_empty() {
        prefix.to_string()
    } else {
        format!("{prefix}.{label}")
    }
}

/// The labelled lines among a node's children: their fields, and whether the node
/// has other children that are items of their own.
fn child_fields(doc: &Doc, nodes: &[Node], id: usize) -> (crate::fields::Fields, bool) {
    let mut f = crate::fields::Fields::default();
    let mut items = false;
    for &k in &nodes[id].children {
        let n = &nodes[k];
        match crate::fields::field_line(doc, n.body, n.end) {
            Some((field, value)) => f.add(doc, field, value, n.end),
            None => items |= n.marker.is_some(),
        }
    }
    (f, items)
}

fn walk(doc: &Doc, nodes: &[Node], id: usize, ctx: &Ctx, prefix: &str, out: &mut Vec<Draft>) {
    let children = &nodes[id].children;
    // Fields of each child; a run of children without any takes those of the next
    // child that has some and is an item of a plan (435/QĐ-UBND: "1.1." then "1.2.
    // … - Cơ quan thực hiện: …" for both).
    let mut fields: Vec<(crate::fields::Fields, bool)> = children
        .iter()
        .map(|&c| child_fields(doc, nodes, c))
        .collect();
    for k in (0..children.len()).rev() {
        if !fields[k].0.any
            && k + 1 < children.len()
            && fields[k + 1].0.any
            && !fields[k + 1].1
            && nodes[children[k]].marker.is_some()
            && nodes[children[k]].marker == nodes[children[k + 1]].marker
        {
            fields[k] = (fields[k + 1].0.clone(), false);
        }
    }
    for (ci, &c) in children.iter().enumerate() {
        let node = &nodes[c];
        if crate::fields::field_line(doc, node.body, node.end).is_some() {
            continue;
        }
        let reference = join_ref(prefix, &node.label);
        let h = head(doc, node.body, node.end);
        let title = &doc.text[node.body..h.title_end.max(node.body).min(node.end)];
        let has_children = !node.children.is_empty();
        let inline = if h.body < node.end {
            inline_items(&doc.text[h.body..node.end])
        } else {
            Vec::new()
        };
        let container = has_children || !inline.is_empty() || h.deadline.is_some();
        if container && is_narrative(title) {
            continue;
        }
        let mut sub = ctx.clone();
        if container && is_viewpoint(title) {
            sub.viewpoint = true;
        }
        if let Some(d) = &h.deadline {
            sub.deadline = Some(d.clone());
        }
        let person = {
            let kw = &doc.lex.kw;
            let i = tok_at(doc.toks, node.body);
            doc.roles.seq(i, i + 2, &[kw.giao])
                || doc.roles.seq(i, i + 2, &[kw.bo, kw.truong])
                || doc.roles.seq(i, i + 2, &[kw.chu, kw.tich])
                || doc.roles.seq(i, i + 3, &[kw.cac, kw.dong, kw.chi])
        };
        // "Bộ Tài chính hướng dẫn cụ thể một số nội dung như sau:": the issuer
        // introducing its own text gives its items to no one (its addressees, if
        // anyone).
        let issuer_speaks = h.ends_colon
            && h.addressee.as_ref().is_some_and(|a| {
                a.items
                    .iter()
                    .all(|i| doc.issuer.is_some_and(|x| i.role == Role::Agency(x)))
            });
        if let Some(a) = h.addressee.as_ref().filter(|_| !issuer_speaks) {
            sub.lead = a.items.clone();
            sub.person = person;
        } else if container && (h.ends_colon || has_children) {
            // "a) Bộ Y tế hoàn thành các nhiệm vụ sau:" addresses its items too.
            let i = tok_at(doc.toks, node.body);
            let j = tok_at(doc.toks, node.end);
            // A lead-in's subject may stand after a fronted phrase ("Để đạt được
            // …, các bộ, …, Ủy ban nhân dân thành phố Hà Nội cần … sau đây:") or
            // after a directive ("… Thủ tướng yêu cầu các bộ …:").
            let subject = doc.roles.subject(i, j).or_else(|| {
                h.ends_colon
                    .then(|| analyse_clause(doc, node.body, node.end, true).subject)
                    .flatten()
                    // Naming some of the letter's addressees again is addressing
                    // them all (a list cut short by "(sau đây gọi là …)").
                    .filter(|s| {
                        ctx.fallback.is_empty()
                            || !s
                                .items
                                .iter()
                                .all(|i| ctx.fallback.iter().any(|f| f.role == i.role))
                    })
            });
            if let Some(s) = subject
                && !(h.ends_colon
                    && s.items
                        .iter()
                        .all(|i| doc.issuer.is_some_and(|x| i.role == Role::Agency(x))))
            {
                sub.lead = s.items.clone();
                sub.person = person;
            }
        }
        let (own, task_children) = &fields[ci];
        if own.any {
            if *task_children {
                // A heading whose labelled lines name who leads its items.
                if !own.lead.is_empty() {
                    sub.lead = own.lead.clone();
                }
                sub.extra_coord.extend(own.coord.iter().copied());
                if own.deadline.is_some() {
                    sub.default_deadline = own.deadline.clone();
                }
            } else {
                // An item of a plan: the item is the task, its labelled lines say
                // who, with whom and by when; its other paragraphs go with it.
                let mut plan = sub.clone();
                plan.forced_lead = own.lead.clone();
                if plan.forced_lead.is_empty() && plan.lead.is_empty() {
                    plan.lead = ctx.fallback.clone();
                }
                plan.extra_coord.extend(own.coord.iter().copied());
                if own.deadline.is_some() {
                    plan.default_deadline = own.deadline.clone();
                }
                out.extend(items_tasks(
                    doc,
                    &[(reference.clone(), h.body.min(node.end), node.end)],
                    &plan,
                ));
                continue;
            }
        }
        // A heading that names its items' period ("3. Nhiệm vụ thường xuyên").
        if container && has_children && title.split_whitespace().count() <= 12 {
            let found = deadline::find(title, doc.year);
            if let Some(f) = deadline::pick(&found).filter(|f| !f.dated() || deadline::tied(f)) {
                sub.default_deadline = Some(f.deadline.clone());
            }
        }
        // The items of a letter that name nobody are its addressees'
        // (GOLD-FORMAT.md, "Letters"); so are the paragraphs under a heading.
        if sub.lead.is_empty() && (node.marker.is_some() || ctx.heading) {
            sub.lead = ctx.fallback.clone();
            sub.lead_is_fallback = true;
        } else if h.addressee.is_some() {
            sub.lead_is_fallback = false;
        }
        if container && (h.ends_colon || has_children || node.scope) {
            sub.heading = true;
        }
        if !inline.is_empty() {
            let items: Vec<(String, usize, usize)> = inline
                .iter()
                .map(|(l, s, e)| (join_ref(&reference, l), h.body + s, h.body + e))
                .collect();
            out.extend(items_tasks(doc, &items, &sub));
        } else if !has_children && !h.ends_colon && h.body < node.end && h.deadline.is_none() {
            out.extend(items_tasks(
                doc,
                &[(reference.clone(), h.body, node.end)],
                &sub,
            ));
        } else if has_children && !h.ends_colon && h.addressee.is_none() && h.body < node.end {
            // A container whose own line is a task with its own subject.
            let i = tok_at(doc.toks, h.body);
            let j = tok_at(doc.toks, node.end);
            if doc.roles.subject(i, j).is_some() && !node.scope {
                out.extend(items_tasks(
                    doc,
                    &[(reference.clone(), h.body, node.end)],
                    &sub,
                ));
            }
        }
        if has_children {
            walk(doc, nodes, c, &sub, &reference, out);
        }
    }
}

// ---------------------------------------------------------------------------------
// Clauses and segments

#[derive(Debug, Clone)]
struct Clause {
    start: usize,
    end: usize,
    /// After a clause-level "(ii)" marker and a connective ("đồng thời,").
    astart: usize,
    subject: Option<RoleList>,
    /// Where the task's text starts when it opens with this clause.
    text_start: usize,
    new_start: bool,
    deadline: Option<Found>,
    weak: Option<Deadline>,
    deadline_only: bool,
    person: bool,
    /// The clause asks "Quý cơ quan", "Quý Bộ", …: the letter's addressees.
    asks_addressees: bool,
}

/// Splits an item's text into clauses at ";" and at sentence ends, outside
/// brackets and quotes.
fn split_clauses(text: &str, base: usize) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut s = 0usize;
    let mut depth = 0i32;
    let mut quote = false;
    let mut i = 0usize;
    let mut close_paren_limit = 0usize;
    while i < b.len() {
        let c = b[i];
        match c {
            b'(' => {
                // Only a bracket that closes soon opens a group (unbalanced ones are common).
                let limit = (i + 300).min(b.len());
                if let Some(k) = b[i + 1..limit].iter().position(|&x| x == b')' || x == b'(')
                    && b[i + 1 + k] == b')'
                {
                    depth += 1;
                    close_paren_limit = i + 1 + k;
                }
            }
            b')' if depth > 0 && i <= close_paren_limit => depth -= 1,
            b';' if depth == 0 && !quote => {
                out.push((base + s, base + i));
                s = i + 1;
            }
            b'.' if depth == 0 && !quote => {
                let rest = &text[i + 1..];
                let next = rest.trim_start_matches([' ', '/', '.']);
                let spaced = rest.starts_with(' ');
                let upper = next
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c == '“');
                let prev_word = text[..i].rsplit([' ', '(']).next().unwrap_or("");
                let abbrev = prev_word.chars().count() <= 3
                    && prev_word
                        .chars()
                        .all(|c| c.is_uppercase() || c.is_ascii_digit());
                if spaced && upper && !abbrev {
                    out.push((base + s, base + i));
                    s = i + 1;
                }
            }
            _ => {}
        }
        // Quotes are multi-byte: check the characters starting here.
        if c == 0xE2 && i + 2 < b.len() && b[i + 1] == 0x80 {
            match b[i + 2] {
                0x9C => {
                    // “ opens only if ” follows soon.
                    let limit = (i + 400).min(b.len());
                    quote = b[i + 3..limit].windows(3).any(|w| w == "”".as_bytes());
                }
                0x9D => quote = false,
                0xA6 if depth == 0 && !quote => {
                    // "…" followed by a capital ends a sentence.
                    let rest = &text[i + 3..];
                    if rest.starts_with(' ')
                        && rest
                            .trim_start()
                            .chars()
                            .next()
                            .is_some_and(char::is_uppercase)
                    {
                        out.push((base + s, base + i + 3));
                        s = i + 3;
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    out.push((base + s, base + b.len()));
    out.into_iter()
        .map(|(a, e)| {
            let t = &text[a - base..e - base];
            let lead = t.len() - t.trim_start().len();
            let trail = t.len() - t.trim_end().len();
            (a + lead, e - trail)
        })
        .filter(|(a, e)| e > a)
        .collect()
}

const DO_VERBS: [&[&str]; 9] = [
    &["hoan", "thanh"],
    &["thuc", "hien", "xong"],
    &["xong"],
    &["bao", "cao"],
    &["cong", "bo"],
    &["trinh"],
    &["phan", "dau"],
    &["gui"],
    &["nhiem", "vu", "thuong", "xuyen"],
];

fn starts_with_words(doc: &Doc, i: usize, end: usize, words: &[&str]) -> bool {
    let ids: Vec<u32> = words.iter().map(|w| doc.lex.vocab.get(w)).collect();
    !ids.contains(&u32::MAX) && doc.roles.seq(i, end, &ids)
}

fn analyse_clause(doc: &Doc, start: usize, end: usize, first: bool) -> Clause {
    let kw = &doc.lex.kw;
    let text = &doc.text[start..end];
    // A clause-level "(ii)" marker, then connectives.
    let mut astart = start;
    if let Some((m, _, len)) = marker(text)
        && matches!(m, Marker::ParenRoman | Marker::Paren)
    {
        astart = start + len;
    }
    let mut i = tok_at(doc.toks, astart);
    let j = tok_at(doc.toks, end);
    loop {
        if doc.roles.seq(i, j, &[kw.dong, kw.thoi]) {
            i += 2;
        } else if doc.roles.seq(i, j, &[kw.va]) || doc.roles.seq(i, j, &[kw.trong, kw.r#do]) {
            i += if doc.roles.seq(i, j, &[kw.va]) { 1 } else { 2 };
        } else {
            break;
        }
    }
    let astart = if i < j {
        doc.toks[i].start as usize
    } else {
        astart
    };
    let mut subject = doc.roles.subject(i, j);
    let mut text_start = astart;
    // "Bộ Công Thương đề nghị Ủy ban nhân dân các tỉnh, thành phố hướng dẫn …": the
    // issuer asks; the ones asked do the work.
    if let Some(sj) = &subject {
        let p = sj.end;
        let n = if doc.roles.seq(p, j, &[kw.de, kw.nghi]) || doc.roles.seq(p, j, &[kw.yeu, kw.cau])
        {
            2
        } else if doc.roles.seq(p, j, &[kw.giao]) {
            1
        } else {
            0
        };
        if n > 0
            && let Some(asked) = doc.roles.list(p + n, j)
            && asked.end < j
        {
            text_start = doc.toks[p + n].start as usize;
            subject = Some(asked);
        }
    }
    let mut person = i < j
        && (doc.roles.seq(i, j, &[kw.giao])
            || doc.roles.seq(i, j, &[kw.bo, kw.truong])
            || doc.roles.seq(i, j, &[kw.chu, kw.tich]));
    // A directive inside the clause: "giao X …", "Thủ tướng yêu cầu X …".
    if subject.is_none() {
        let mut k = i;
        while k < j {
            let in_name = k > 0 && doc.toks[k - 1].id == kw.ngoai; // "Bộ Ngoại giao"
            let dir = if doc.roles.seq(k, j, &[kw.giao]) && !in_name {
                Some(if doc.roles.seq(k + 1, j, &[kw.cho]) {
                    2
                } else {
                    1
                })
            } else if doc.roles.seq(k, j, &[kw.yeu, kw.cau])
                || doc.roles.seq(k, j, &[kw.de, kw.nghi])
            {
                Some(2)
            } else {
                None
            };
            if let Some(n) = dir {
                let by_pm =
                    k >= 2 && doc.toks[k - 2].id == kw.thu && doc.toks[k - 1].id == kw.tuong;
                let from = if by_pm { k - 2 } else { k };
                if let Some(s) = doc.roles.subject(k + n, j) {
                    // Not "được giao", "nhiệm vụ giao".
                    let passive = k > i && doc.toks[k - 1].id == kw.duoc;
                    if !passive {
                        // An item's title before a colon stays in its text ("Đối
                        // với nội dung …: “…”: giao Cục X chủ trì …").
                        let titled = doc.text[astart..doc.toks[from].start as usize].contains(':');
                        if !titled {
                            text_start = doc.toks[from].start as usize;
                        }
                        subject = Some(s);
                        person = true;
                        break;
                    }
                } else if by_pm {
                    // "Chỉ đạo … với các bộ ngành, địa phương, Thủ tướng yêu cầu …":
                    // the addressees are named before the directive.
                    let mut q = i;
                    while q + 1 < k {
                        if doc.toks[q].id == kw.voi
                            && let Some(s) = doc.roles.list(q + 1, k)
                        {
                            text_start = doc.toks[from].start as usize;
                            subject = Some(s);
                            break;
                        }
                        q += 1;
                    }
                    if subject.is_some() {
                        break;
                    }
                }
            }
            k += 1;
        }
    }
    // A fronted phrase ("Về …, Để …, Trên cơ sở …,") before the subject.
    if subject.is_none() {
        let fronts: [&[u32]; 9] = [
            &[kw.ve],
            &[kw.de],
            &[kw.tren, kw.co, kw.so],
            &[kw.doi, kw.voi],
            &[kw.can, kw.cu],
            &[kw.theo, kw.r#do],
            &[kw.trong],
            &[kw.chi, kw.dao],
            &[kw.sau, kw.khi],
        ];
        if fronts.iter().any(|f| doc.roles.seq(i, j, f)) {
            let mut k = i + 1;
            while k < j && k < i + 40 {
                let inside_list = [kw.bo, kw.nganh, kw.quan, kw.phuong, kw.tinh, kw.pho]
                    .contains(&doc.toks[k - 1].id);
                if doc.roles.gap(k).contains(',')
                    && !inside_list
                    && let Some(s) = doc.roles.subject(k, j)
                {
                    text_start = doc.toks[k].start as usize;
                    subject = Some(s);
                    break;
                }
                k += 1;
            }
        }
    }
    let found: Vec<Found> = deadline::find(text, doc.year)
        .into_iter()
        .map(|mut f| {
            f.start += start;
            f.end += start;
            f
        })
        .collect();
    let picked = deadline::pick(&found).cloned();
    let weak = deadline::weak(&found).map(|f| f.deadline.clone());
    let deadline_only = picked.as_ref().is_some_and(|f| {
        let do_verb = DO_VERBS.iter().any(|w| starts_with_words(doc, i, j, w));
        let rest_words = doc.text[f.end..end].split_whitespace().count();
        let before_words = doc.text[astart.min(f.start)..f.start]
            .split_whitespace()
            .count();
        do_verb || (before_words <= 1 && rest_words <= 3)
    });
    let new_start = !first && subject.is_some();
    let asks_addressees = subject.is_none() && asks_honorific(doc, i, j);
    Clause {
        start,
        end,
        astart,
        subject,
        text_start,
        new_start,
        deadline: picked,
        weak,
        deadline_only,
        person,
        asks_addressees,
    }
}

/// "… đề nghị Quý cơ quan góp ý …", "kính đề nghị Quý Bộ …": a letter asks its
/// addressees by the honorific "Quý" and a noun (cơ quan, Bộ, Ủy ban, đơn vị …).
fn asks_honorific(doc: &Doc, i: usize, j: usize) -> bool {
    let kw = &doc.lex.kw;
    (i..j.min(i + 40)).any(|k| {
        let n = if doc.roles.seq(k, j, &[kw.de, kw.nghi]) || doc.roles.seq(k, j, &[kw.yeu, kw.cau])
        {
            2
        } else {
            0
        };
        n > 0
            && k + n + 1 < j
            && doc.toks.get(k + n).is_some_and(|t| {
                let w = &doc.text[t.start as usize..t.end as usize];
                w == "Quý" || w == "quý"
            })
    })
}

/// A task being assembled from clauses.
#[derive(Debug, Clone)]
struct Seg {
    item: usize,
    start: usize,
    text_start: usize,
    end: usize,
    subject: Option<RoleList>,
    deadline: Option<Deadline>,
    /// The deadline came from a separate clause that only gives it.
    from_do: bool,
    /// An adverbial "thường xuyên" seen in the task.
    weak: Option<Deadline>,
    clauses: Vec<(usize, usize)>,
    person: bool,
    asks_addressees: bool,
}

/// Tasks of a list of sibling items (inline "(1) …; (2) …" or one paragraph).
fn items_tasks(doc: &Doc, items: &[(String, usize, usize)], ctx: &Ctx) -> Vec<Draft> {
    let mut segs: Vec<Seg> = Vec::new();
    for (n, (_, s, e)) in items.iter().enumerate() {
        let mut s = *s;
        if let Some((_, _, len)) = marker(&doc.text[s..*e]) {
            s += len;
        }
        let first_seg = segs.len();
        let mut clauses: Vec<Clause> = Vec::new();
        for (cs, ce) in split_clauses(&doc.text[s..*e], s) {
            let c = analyse_clause(doc, cs, ce, clauses.is_empty());
            // "… trước ngày A và … trước ngày B": two tasks.
            if let Some(split) = split_at_va(doc, &c) {
                let a = analyse_clause(doc, cs, split.0, clauses.is_empty());
                clauses.push(a);
                let mut b = analyse_clause(doc, split.1, ce, false);
                b.new_start = true;
                clauses.push(b);
            } else {
                clauses.push(c);
            }
        }
        let mut pending: Vec<&Clause> = Vec::new();
        for c in &clauses {
            let cur = segs.len().checked_sub(1).filter(|&k| k >= first_seg);
            let Some(k) = cur else {
                segs.push(Seg {
                    item: n,
                    start: c.astart,
                    text_start: c.text_start,
                    end: c.end,
                    subject: c.subject.clone(),
                    deadline: c.deadline.as_ref().map(|f| f.deadline.clone()),
                    from_do: false,
                    weak: c.weak.clone(),
                    clauses: vec![(c.start, c.end)],
                    person: c.person,
                    asks_addressees: c.asks_addressees,
                });
                continue;
            };
            let absorb = |seg: &mut Seg, pending: &mut Vec<&Clause>| {
                for p in pending.drain(..) {
                    seg.end = p.end;
                    seg.clauses.push((p.start, p.end));
                }
            };
            if c.new_start {
                absorb(&mut segs[k], &mut pending);
                segs.push(new_seg(n, c, &[]));
                continue;
            }
            match &c.deadline {
                Some(f) => {
                    let has = segs[k].deadline.is_some();
                    if !has {
                        // The deadline of the work begun before: "Chủ trì …; Phối hợp
                        // …, hoàn thành trước ngày …".
                        absorb(&mut segs[k], &mut pending);
                        let seg = &mut segs[k];
                        seg.end = c.end;
                        seg.clauses.push((c.start, c.end));
                        seg.deadline = Some(f.deadline.clone());
                        seg.from_do = c.deadline_only;
                    } else if c.deadline_only {
                        if pending.is_empty() {
                            let seg = &mut segs[k];
                            seg.end = c.end;
                            seg.clauses.push((c.start, c.end));
                        } else {
                            // "…, nhiệm vụ thường xuyên; hướng dẫn …; yêu cầu …; hoàn
                            // thành trong tháng 11/2025": the run after the first
                            // deadline is a task of its own.
                            let run: Vec<&Clause> = std::mem::take(&mut pending);
                            let mut seg = new_seg(n, run[0], &run[1..]);
                            seg.end = c.end;
                            seg.clauses.push((c.start, c.end));
                            seg.deadline = Some(f.deadline.clone());
                            segs.push(seg);
                        }
                    } else {
                        // A second piece of work with its own deadline.
                        absorb(&mut segs[k], &mut pending);
                        segs.push(new_seg(n, c, &[]));
                    }
                }
                None => {
                    if segs[k].deadline.is_some() {
                        pending.push(c);
                    } else {
                        let seg = &mut segs[k];
                        seg.end = c.end;
                        seg.clauses.push((c.start, c.end));
                    }
                }
            }
        }
        if let Some(k) = segs.len().checked_sub(1).filter(|&k| k >= first_seg) {
            for p in pending.drain(..) {
                segs[k].end = p.end;
                segs[k].clauses.push((p.start, p.end));
            }
        }
    }
    // A bare day taken for a task's deadline gives way to a day its clauses tie to
    // the work ("căn cứ Luật … ngày 16/6/2025, …; trình … trước ngày 15/9/2025").
    for seg in segs.iter_mut() {
        let bare = seg.deadline.as_ref().is_some_and(|d| {
            let r = d.raw.to_lowercase();
            d.kind.has_due()
                && (r.starts_with("ngày") || r.starts_with(|c: char| c.is_ascii_digit()))
        });
        if !bare {
            continue;
        }
        let tied = seg.clauses.iter().find_map(|&(cs, ce)| {
            deadline::find(&doc.text[cs..ce], doc.year)
                .into_iter()
                .find(deadline::tied)
                .map(|f| f.deadline)
        });
        if let Some(d) = tied {
            seg.deadline = Some(d);
        }
    }
    // A deadline given by a closing clause ("…; hoàn thành trong tháng 10/2025")
    // also covers the preceding tasks of the paragraph that have none.
    for k in (0..segs.len()).rev() {
        if !segs[k].from_do {
            continue;
        }
        let Some(d) = segs[k].deadline.clone() else {
            continue;
        };
        let mut m = k;
        while m > 0 && segs[m - 1].deadline.is_none() {
            segs[m - 1].deadline = Some(d.clone());
            m -= 1;
        }
    }
    // Leads: the segment's subject, else the item's first subject, else the context.
    let mut out = Vec::new();
    let mut suffix_count: Vec<usize> = vec![0; items.len()];
    let mut item_lead: Vec<Option<Vec<RoleItem>>> = vec![None; items.len()];
    // A decision's execution article gives no task, whatever agencies it lists:
    // judged once per item, on the whole item.
    let executing: Vec<bool> = items
        .iter()
        .map(|&(_, s, e)| crate::closing::is_execution_article(&doc.text[s..e]))
        .collect();
    for seg in &segs {
        let own_deadline = seg.deadline.is_some();
        // "- Tài sản kết cấu hạ tầng khu công nghệ cao … — Bộ Khoa học và Công nghệ.":
        // an item that ends with a dash and a body names who does it.
        let tail_lead = if seg.subject.is_none() && ctx.forced_lead.is_empty() {
            tail_agency(doc, seg.start, seg.end)
        } else {
            None
        };
        let lead_inherited =
            seg.subject.is_none() && ctx.forced_lead.is_empty() && tail_lead.is_none();
        let honorific = lead_inherited && seg.asks_addressees && !ctx.fallback.is_empty();
        let lead: Vec<RoleItem> = if !ctx.forced_lead.is_empty() {
            ctx.forced_lead.clone()
        } else if let Some(t) = &tail_lead {
            t.clone()
        } else if honorific {
            ctx.fallback.clone()
        } else if let Some(s) = &seg.subject {
            s.items.clone()
        } else if let Some(l) = &item_lead[seg.item] {
            l.clone()
        } else {
            ctx.lead.clone()
        };
        if item_lead[seg.item].is_none() {
            item_lead[seg.item] = Some(lead.clone());
        }
        if lead.is_empty() {
            continue;
        }
        if ctx.viewpoint && !own_deadline {
            continue;
        }
        if crate::closing::is_closing_formula(doc, seg.start, seg.end) || executing[seg.item] {
            continue;
        }
        // Names and nothing else ("… như sau: Cục Thuế Bình Định, Lâm Đồng, …") is a
        // list, not a task.
        if let Some(sj) = &seg.subject
            && sj.end >= tok_at(doc.toks, seg.end)
        {
            continue;
        }
        // Words of the past with no one named: narrative ("Trong 9 tháng đầu năm
        // 2016, toàn ngành đã thanh tra, kiểm tra được …").
        if seg.subject.is_none() && ctx.forced_lead.is_empty() {
            let head: Vec<&str> = doc.text[seg.start..seg.end]
                .split_whitespace()
                .take(14)
                .collect();
            if head.contains(&"đã") {
                continue;
            }
        }
        let mut coord: Vec<RoleItem> = Vec::new();
        if let Some(s) = &seg.subject {
            coord.extend(s.coord.iter().copied());
        }
        for &(cs, ce) in &seg.clauses {
            let i = tok_at(doc.toks, cs);
            let j = tok_at(doc.toks, ce);
            coord.extend(doc.roles.coord_in(i, j));
        }
        for c in &ctx.extra_coord {
            if !coord.iter().any(|x| x.role == c.role) {
                coord.push(*c);
            }
        }
        let deadline = ctx
            .deadline
            .clone()
            .or_else(|| seg.deadline.clone())
            .or_else(|| ctx.default_deadline.clone())
            .or_else(|| seg.weak.clone())
            .or_else(|| {
                seg.clauses.iter().find_map(|&(cs, ce)| {
                    let f = deadline::find(&doc.text[cs..ce], doc.year);
                    deadline::weak(&f).map(|f| f.deadline.clone())
                })
            });
        let n = suffix_count[seg.item];
        suffix_count[seg.item] += 1;
        let reference = if n == 0 {
            items[seg.item].0.clone()
        } else {
            let letter = (b'a' + (n as u8).min(25)) as char;
            format!("{}{}", items[seg.item].0, letter)
        };
        out.push(Draft {
            reference,
            start: seg.start,
            text_start: seg.text_start,
            end: seg.end,
            lead,
            coord,
            deadline,
            source_doc: None,
            incomplete: None,
            person: seg.person || ctx.person,
            lead_inherited,
            lead_from_addressees: lead_inherited && (ctx.lead_is_fallback || honorific),
        });
    }
    out
}

/// The bodies an item names after a final dash ("… khu chế xuất — Bộ Tài chính.").
fn tail_agency(doc: &Doc, start: usize, end: usize) -> Option<Vec<RoleItem>> {
    let text = doc.text[start..end].trim_end_matches(['.', ';', ' ']);
    let dash = [" - ", " – ", " — "]
        .iter()
        .filter_map(|d| text.rfind(d))
        .max()?;
    let after = start + dash + text[dash..].find(char::is_alphabetic)?;
    let i = tok_at(doc.toks, after);
    let j = tok_at(doc.toks, start + text.len());
    let list = doc.roles.list(i, j)?;
    (list.end >= j && list.items.iter().all(|it| it.role.named())).then_some(list.items)
}

fn new_seg(item: usize, c: &Clause, rest: &[&Clause]) -> Seg {
    let mut seg = Seg {
        item,
        start: c.astart,
        text_start: c.text_start,
        end: c.end,
        subject: c.subject.clone(),
        deadline: c.deadline.as_ref().map(|f| f.deadline.clone()),
        from_do: false,
        weak: c.weak.clone(),
        clauses: vec![(c.start, c.end)],
        person: c.person,
        asks_addressees: c.asks_addressees,
    };
    for r in rest {
        seg.end = r.end;
        seg.clauses.push((r.start, r.end));
        if seg.weak.is_none() {
            seg.weak = r.weak.clone();
        }
    }
    seg
}

/// "… trước ngày 25/11/2025 và triển khai … trước ngày 15/12/2025": where to cut.
fn split_at_va(doc: &Doc, c: &Clause) -> Option<(usize, usize)> {
    let text = &doc.text[c.start..c.end];
    if !c.deadline.as_ref().is_some_and(Found::dated) || !text.contains(" và ") {
        return None;
    }
    let found = deadline::find(text, doc.year);
    let dated: Vec<&Found> = found.iter().filter(|f| f.dated()).collect();
    if dated.len() < 2 {
        return None;
    }
    let first = dated[0];
    let after = &text[first.end..];
    let trimmed = after.trim_start();
    if !trimmed.starts_with("và ") {
        return None;
    }
    let va = first.end + (after.len() - trimmed.len());
    let second_start = va + "và ".len();
    let second = dated.iter().find(|f| f.start >= second_start)?;
    if second.deadline.kind != DeadlineKind::Date {
        return None;
    }
    Some((c.start + first.end, c.start + second_start))
}

// ---------------------------------------------------------------------------------
// Finishing

pub fn name_of(doc: &Doc, agency: u32, as_of: Option<NaiveDate>) -> String {
    let all = doc.lex.registry.all();
    let a = &all[agency as usize];
    if let Some(day) = as_of
        && let Some(s) = doc.lex.registry.successor_on(&a.code, day)
    {
        return s.name.clone();
    }
    a.name.clone()
}

pub fn role_names(doc: &Doc, items: &[RoleItem], as_of: Option<NaiveDate>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for it in items {
        let name = match it.role {
            Role::Agency(a) => name_of(doc, a, as_of),
            Role::Ministries => format!("@{GROUP_MINISTRIES}"),
            Role::Localities => format!("@{GROUP_LOCALITIES}"),
            Role::Unit(u) => doc.roles.units.names[u as usize].clone(),
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Drops groups qualified by "liên quan" when named agencies stand beside them
/// (leads) or always (coordination).
fn prune(items: &[RoleItem], coord: bool) -> Vec<RoleItem> {
    let named = items.iter().any(|i| i.role.named());
    items
        .iter()
        .filter(|i| !(i.lien_quan && !i.role.named() && (coord || named)))
        .copied()
        .collect()
}

/// The first words of a task: up to `TEXT_WORDS` words, within its span.
fn first_words(text: &str, start: usize, end: usize) -> (usize, usize) {
    let mut words = 0usize;
    let mut in_word = false;
    let mut last_end = start;
    for (i, c) in text[start..end].char_indices() {
        if c == '\n' {
            break;
        }
        let w = !c.is_whitespace();
        if w && !in_word {
            words += 1;
            if words > TEXT_WORDS {
                break;
            }
        }
        if w {
            last_end = start + i + c.len_utf8();
        }
        in_word = w;
    }
    (start, last_end)
}

fn finish(doc: &Doc, d: Draft, as_of: Option<NaiveDate>, authority: bool) -> Option<Task> {
    let lead_items = prune(&d.lead, false);
    let lead_set: Vec<Role> = lead_items.iter().map(|i| i.role).collect();
    let coord_items: Vec<RoleItem> = prune(&d.coord, true)
        .into_iter()
        .filter(|i| !lead_set.contains(&i.role))
        .collect();
    let lead = role_names(doc, &lead_items, as_of);
    if lead.is_empty() {
        return None;
    }
    let coord = role_names(doc, &coord_items, as_of);
    let ts = d.text_start.clamp(d.start, d.end);
    let (a, b) = first_words(doc.text, ts, d.end);
    let text = doc.text[a..b]
        .trim_end_matches([',', ';', ':', '.', ' '])
        .to_string();
    if text.split_whitespace().count() < 2 {
        return None;
    }
    let deadline = d.deadline.unwrap_or_else(Deadline::none);
    let product = crate::appendix::product(&doc.text[d.start..d.end]);
    let mut six = Vec::new();
    if !d.person && lead_items.iter().all(|i| !i.role.named()) {
        six.push("no_person".to_string());
    }
    if deadline.kind == DeadlineKind::None {
        six.push("no_deadline".to_string());
    }
    if product.is_none() {
        six.push("no_product".to_string());
    }
    if !authority {
        six.push("no_authority".to_string());
    }
    let incomplete = d.incomplete.map(|i| role_names(doc, &i, as_of));
    let passage = &doc.text[a..d.end];
    let (confidence, doubts) = crate::doubt::assess(&crate::doubt::Facts {
        passage,
        text: &text,
        lead_inherited: d.lead_inherited,
        unknown_unit: lead_items
            .iter()
            .chain(&coord_items)
            .any(|i| matches!(i.role, Role::Unit(_))),
        group_lead: lead_items.iter().all(|i| !i.role.named()),
        has_deadline: deadline.kind != DeadlineKind::None,
    });
    // An item of a letter that names nobody and gives no work (no verb of
    // assignment) is guidance or narrative, not a task.
    if d.lead_from_addressees && doubts.iter().any(|x| x == "no_verb") {
        return None;
    }
    Some(Task {
        reference: d.reference,
        full_text: crate::doubt::full_text(passage),
        text,
        lead,
        coord,
        deadline,
        product,
        span: [a, d.end],
        six_clear: six,
        source_doc: d.source_doc,
        incomplete,
        confidence,
        doubts,
    })
}
