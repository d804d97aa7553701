//! Bodies that are not in the agency register but that documents give work to: a
//! ministry's own units (Cục, Vụ, Viện, Trung tâm, Báo, Tạp chí), a province's
//! departments and bodies (Sở, Ban, Công an tỉnh, Bộ Chỉ huy Quân sự tỉnh, Thuế tỉnh,
//! Ủy ban nhân dân xã …), Party bodies (Đảng ủy …, Ban … Tỉnh ủy), enterprises and
//! parks, and a province's own groups as the document names them ("Các Sở, ban,
//! ngành thuộc tỉnh", "Ủy ban nhân dân các xã, phường").
//!
//! A unit is recognised from its head noun, never from a list of names: "Sở" with a
//! field of government (the bare name of a ministry, old or new, or a department
//! field such as "Ngoại vụ"), or a head noun and the words of its name up to a
//! verb, a preposition or a punctuation mark. Its name is kept as the document writes
//! it (tones placed the modern way, "uỷ" → "ủy"), and the import adds it to the
//! register as a unit of the issuing agency.
//!
//! `find` runs once over a document's tokens; role lists then look units up by
//! their first token.

use std::collections::HashMap;

use tiendo_core::agency::AgencyKind;
use tiendo_core::text::fold;

use crate::lexicon::{Lexicon, Tok, tok_at};

/// What a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// A body of its own ("Cục Biến đổi khí hậu", "Công an tỉnh").
    Body,
    /// A provincial department ("Sở Y tế").
    Department,
    /// A province's own bodies as a group ("các sở, ngành", "Ủy ban nhân dân các
    /// xã, phường"): in a national document these stand for the provinces.
    LocalGroup,
}

/// The units of one document.
#[derive(Debug, Default, Clone)]
pub struct Units {
    /// Each unit's name, as written.
    pub names: Vec<String>,
    /// Each unit's kind.
    pub kinds: Vec<UnitKind>,
    /// Unit starting at a token: (token after it, index in `names`).
    at: HashMap<usize, (usize, u32)>,
    /// "Các Sở: Nông nghiệp và Môi trường, Xây dựng": the token of "Các" → the
    /// token after the colon, where the fields (each a unit) begin.
    enumerations: HashMap<usize, usize>,
    /// Each name, folded → its index (one unit however it is spelled).
    by_key: HashMap<String, u32>,
}

impl Units {
    /// The unit starting at token `p` and not running past `end`.
    pub fn at(&self, p: usize, end: usize) -> Option<(usize, u32)> {
        self.at.get(&p).copied().filter(|(e, _)| *e <= end)
    }

    /// "Các Sở:" at token `p`: where its list of units begins.
    pub fn enumeration(&self, p: usize) -> Option<usize> {
        self.enumerations.get(&p).copied()
    }

    fn add(&mut self, start: usize, end: usize, name: String, kind: UnitKind) {
        let key = fold(&name);
        let id = match self.by_key.get(&key) {
            Some(&i) => i,
            None => {
                self.names.push(name);
                self.kinds.push(kind);
                let i = (self.names.len() - 1) as u32;
                self.by_key.insert(key, i);
                i
            }
        };
        self.at.insert(start, (end, id));
    }
}

/// Head nouns of units, folded, with whether the name after them must open with a
/// capital ("Ban Tuyên giáo" but not "Ban hành"; "Hội Nông dân" but not "Hội nghị").
const HEADS: &[(&str, bool)] = &[
    ("tong cuc", false),
    ("chi cuc", false),
    ("cuc", false),
    ("vu", true),
    ("hoc vien", false),
    ("vien", true),
    ("trung tam", false),
    ("ban quan ly", false),
    ("ban chi dao", false),
    ("ban chi huy", false),
    ("ban thuong vu", false),
    ("ban", true),
    ("bao", true),
    ("tap chi", false),
    ("van phong", true),
    ("phong", true),
    ("dai", true),
    ("quy", true),
    ("kho bac", false),
    ("truong", true),
    ("nha xuat ban", false),
    ("hoi dong nhan dan", false),
    ("hoi", true),
    ("lien doan", false),
    ("lien minh", false),
    ("tinh doan", false),
    ("thanh doan", false),
    ("tong cong ty", false),
    ("cong ty", false),
    ("tap doan", false),
    ("vuon quoc gia", false),
    ("khu bao ton", false),
    ("bo chi huy", false),
    ("cong an", false),
    ("thue", false),
    ("thanh tra", false),
    ("dang uy", false),
    ("uy ban mat tran to quoc", false),
    ("mat tran to quoc", false),
    ("uy ban kiem tra", false),
    ("benh vien", false),
    ("cang vu", false),
    ("chi nhanh", false),
];

/// Heads whose folded word stands for other words too: the head only with its
/// own tones ("Quỹ" a fund, not "Quý cơ quan" the addressee; "Đài", not "Đại").
const TONED_HEADS: [(&str, &str); 2] = [("quy", "quỹ"), ("dai", "đài")];

/// The heads whose first word is `w`.
fn heads_from(w: &str) -> &'static [(&'static str, bool)] {
    use std::sync::OnceLock;
    static BY_FIRST: OnceLock<HashMap<&'static str, Vec<(&'static str, bool)>>> = OnceLock::new();
    BY_FIRST
        .get_or_init(|| {
            let mut m: HashMap<&'static str, Vec<(&'static str, bool)>> = HashMap::new();
            for &(h, c) in HEADS {
                let first = h.split(' ').next().unwrap_or(h);
                m.entry(first).or_default().push((h, c));
            }
            m
        })
        .get(w)
        .map_or(&[], Vec::as_slice)
}

/// Heads that name a body only with the level it serves: "Công an tỉnh", "Thuế
/// tỉnh Lào Cai", "Thanh tra tỉnh" (but "thanh tra, kiểm tra" is a verb).
const NEEDS_LEVEL: [&str; 5] = [
    "cong an",
    "thue",
    "thanh tra",
    "kho bac",
    "hoi dong nhan dan",
];

/// Administrative levels that end a unit's name, with the proper name after them.
const LEVELS: [&str; 9] = [
    "tinh",
    "thanh pho",
    "huyen",
    "quan",
    "thi xa",
    "xa",
    "phuong",
    "thi tran",
    "dac khu",
];

/// Fields of a provincial department that are not the bare name of a ministry.
const DEPARTMENT_FIELDS: &[&str] = &[
    "ngoai vu",
    "du lich",
    "van hoa va the thao",
    "van hoa the thao",
    "quy hoach kien truc",
    "an toan thuc pham",
    "lao dong thuong binh va xa hoi",
    "giao thong van tai",
];

/// Words a unit's name never runs into, as written in lower case (diacritics tell
/// "bố trí" from "Bộ", "bản" from "ban hành"): verbs of assignment (a name may open
/// with one: "Ban xây dựng đảng", "Cục Kiểm tra văn bản") and function words
/// (never). "đề" stops only before "nghị" or "xuất" ("Vụ Các vấn đề chung").
const STOP_VERBS: &[&str] = &[
    "chủ", "phối", "thực", "tham", "có", "chịu", "triển", "hướng", "khẩn", "nghiên", "rà", "kiểm",
    "báo", "căn", "tiếp", "tăng", "xây", "làm", "giao", "đảm", "bảo", "xử", "hoàn", "trình", "gửi",
    "đưa", "yêu", "điều", "chấm", "ưu", "tích", "khuyến", "hỗ", "phải", "chỉ", "bố", "tổ", "quản",
    "ban", "cử", "thẩm", "tập", "đẩy", "nâng", "theo", "phổ", "tuyên", "lập", "cung", "sửa", "bổ",
    "đôn", "giám", "thanh", "quán",
];
const STOP_WORDS: &[&str] = &[
    "trong", "tại", "với", "cùng", "các", "được", "là", "đã", "sẽ", "thuộc", "của", "trên", "năm",
    "nếu", "từ", "đến", "này", "do", "như", "sau", "trước", "mọi", "tất", "những", "một", "hoặc",
    "ngày", "kỳ", "cho", "vào", "để", "khi", "nhằm", "bằng", "đối",
];

/// Group nouns of a province's own bodies ("Các Sở, ban, ngành thuộc tỉnh").
const LOCAL_GROUP_WORDS: &[&str] = &[
    "so", "ban", "nganh", "co", "quan", "don", "vi", "cap", "uy", "to", "chuc", "dang", "chi",
    "bo", "cong", "ty", "lam", "nghiep", "doanh", "xa", "phuong", "huyen",
];

/// Old-style tone placement → the modern one the register uses ("uỷ" → "ủy", "hoà"
/// → "hòa").
pub fn modern_tones(s: &str) -> String {
    const PAIRS: [(&str, &str); 20] = [
        ("uỳ", "ùy"),
        ("uý", "úy"),
        ("uỷ", "ủy"),
        ("uỹ", "ũy"),
        ("uỵ", "ụy"),
        ("Uỳ", "Ùy"),
        ("Uý", "Úy"),
        ("Uỷ", "Ủy"),
        ("Uỹ", "Ũy"),
        ("Uỵ", "Ụy"),
        ("oà", "òa"),
        ("oá", "óa"),
        ("oả", "ỏa"),
        ("oã", "õa"),
        ("oạ", "ọa"),
        ("oè", "òe"),
        ("oé", "óe"),
        ("oẻ", "ỏe"),
        ("oẽ", "õe"),
        ("oẹ", "ọe"),
    ];
    // Only at a word's end: "hoà" → "hòa" but "Hoàng" stays.
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // After "q" the "u" is part of the consonant: "Quý" keeps its tone on "y".
        let after_q = i > 0 && matches!(chars[i - 1], 'q' | 'Q');
        if i + 1 < chars.len() && !after_q && !chars.get(i + 2).is_some_and(|c| c.is_alphabetic()) {
            let pair: String = chars[i..i + 2].iter().collect();
            if let Some((_, b)) = PAIRS.iter().find(|(a, _)| *a == pair) {
                out.push_str(b);
                i += 2;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

struct Scan<'a> {
    text: &'a str,
    toks: &'a [Tok],
    lex: &'a Lexicon,
    folded: Vec<String>,
}

impl Scan<'_> {
    fn word(&self, k: usize) -> &str {
        self.folded.get(k).map_or("", String::as_str)
    }
    /// Whether the word at `k` has the tones of the head `h` when it matters
    /// (`TONED_HEADS`).
    fn tone_fits(&self, k: usize, h: &str) -> bool {
        TONED_HEADS
            .iter()
            .find(|(f, _)| *f == h)
            .is_none_or(|(_, exact)| self.exact(k) == *exact)
    }
    /// The word at `k` in lower case, diacritics kept.
    fn exact(&self, k: usize) -> String {
        self.toks.get(k).map_or(String::new(), |t| {
            self.text[t.start as usize..t.end as usize].to_lowercase()
        })
    }
    fn cap(&self, k: usize) -> bool {
        self.toks.get(k).is_some_and(|t| {
            self.text[t.start as usize..t.end as usize]
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        })
    }
    fn gap(&self, k: usize) -> &str {
        if k == 0 || k >= self.toks.len() {
            return "";
        }
        &self.text[self.toks[k - 1].end as usize..self.toks[k].start as usize]
    }
    /// Words of one phrase: only spaces (or a dash inside a name) between them.
    fn plain(&self, k: usize) -> bool {
        let g = self.gap(k);
        !g.contains('\n') && (g.chars().all(char::is_whitespace) || matches!(g.trim(), "-" | "–"))
    }
    /// Whether the folded words `w` ("trung tam") stand at `k`; their count.
    fn words_at(&self, k: usize, w: &str) -> Option<usize> {
        let mut n = 0;
        for (i, p) in w.split(' ').enumerate() {
            if self.word(k + i) != p || (i > 0 && !self.plain(k + i)) {
                return None;
            }
            n += 1;
        }
        Some(n)
    }
    /// The words of tokens `[a, b)` as a unit's name: one space between words,
    /// tones placed the modern way, "UBND" and "HĐND" written out.
    fn span(&self, a: usize, b: usize) -> String {
        let s = self.toks[a].start as usize;
        let e = self.toks[b - 1].end as usize;
        let words: Vec<&str> = self.text[s..e]
            .split_whitespace()
            .map(|w| match w {
                "UBND" => "Ủy ban nhân dân",
                "HĐND" => "Hội đồng nhân dân",
                _ => w,
            })
            .collect();
        modern_tones(&words.join(" "))
    }
    /// A level word and the proper name after it ("tỉnh Lào Cai", "xã Văn Chấn",
    /// "tỉnh"): the token after them.
    fn level(&self, k: usize) -> Option<usize> {
        let n = LEVELS.iter().find_map(|l| self.words_at(k, l))?;
        let mut q = k + n;
        // "Tỉnh ủy", "Huyện ủy", "Thành ủy": the Party's committee of that level.
        if self.word(q) == "uy" && self.plain(q) {
            q += 1;
        }
        while q < self.toks.len() && self.plain(q) && self.cap(q) && !self.is_head(q) {
            q += 1;
        }
        Some(q)
    }
    fn is_head(&self, k: usize) -> bool {
        self.cap(k)
            && heads_from(self.word(k))
                .iter()
                .any(|(h, _)| self.words_at(k, h).is_some() && self.tone_fits(k, h))
    }
}

/// Finds the units of a document (see the module documentation).
pub fn find(text: &str, toks: &[Tok], lex: &Lexicon) -> Units {
    let mut units = Units::default();
    // Only capitalised words open a unit: fold just those and their neighbours.
    let folded: Vec<String> = toks
        .iter()
        .map(|t| crate::lexicon::fold_word(&text[t.start as usize..t.end as usize]))
        .collect();
    let s = Scan {
        text,
        toks,
        lex,
        folded,
    };
    let n = toks.len();
    // Lists whose items are whole names (a plan's "Đơn vị chủ trì: …" lines, table
    // cells, the addressees): a unit runs to its item's end, commas inside it
    // allowed ("Vụ Phổ biến, giáo dục pháp luật").
    for (a, b) in list_spans(text) {
        for (pa, pb) in pieces(text, a, b) {
            let i = tok_at(toks, pa);
            let j = tok_at(toks, pb);
            if i >= j || units.at.contains_key(&i) {
                continue;
            }
            let registered = lex.form_at(toks, i, j, false).map(|m| m.end);
            if registered == Some(j) {
                continue;
            }
            let starts_unit = department(&s, i).is_some()
                || local_body(&s, i).is_some()
                || headed(&s, i).is_some();
            if starts_unit && registered.is_none() {
                let kind = if (i..j).any(|k| every_province(&s, k).is_some()) {
                    UnitKind::LocalGroup
                } else if s.word(i) == "so" {
                    UnitKind::Department
                } else {
                    UnitKind::Body
                };
                units.add(i, j, s.span(i, j), kind);
            }
        }
    }
    let mut p = 0;
    while p < n {
        if let Some(&(end, _)) = units.at.get(&p) {
            p = end.max(p + 1);
            continue;
        }
        // Units open with a capital, or with "các", "ủy ban", "chủ tịch" of a group.
        if !s.cap(p) && !matches!(s.word(p), "cac" | "uy" | "ubnd" | "chu") {
            p += 1;
            continue;
        }
        if let Some(q) = enumeration(&s, p, &mut units) {
            p = q;
            continue;
        }
        let registry_end = lex.form_at(toks, p, n, false).map(|m| m.end);
        // A registered name wins where it starts ("Văn phòng Chính phủ hoàn thiện"
        // is the Government Office, not a unit named on to the verb).
        let found = match registry_end {
            Some(_) => local_body(&s, p).map(|(e, n)| (e, n, UnitKind::Body)),
            None => department(&s, p)
                .map(|(e, n)| (e, n, UnitKind::Department))
                .or_else(|| local_body(&s, p).map(|(e, n)| (e, n, UnitKind::Body)))
                .or_else(|| headed(&s, p).map(|(e, n)| (e, n, UnitKind::Body)))
                .or_else(|| local_group(&s, p).map(|(e, n)| (e, n, UnitKind::LocalGroup)))
                .or_else(|| own_units(&s, p).map(|(e, n)| (e, n, UnitKind::Body))),
        };
        if let Some((end, name, kind)) = found
            && registry_end.is_none_or(|r| end > r)
        {
            // "Sở Tư pháp các tỉnh, thành phố", "Cục Thuế các tỉnh": every
            // province's, the provinces' work (GOLD-FORMAT.md).
            match every_province(&s, end) {
                Some(e) => units.add(p, e, s.span(p, e), UnitKind::LocalGroup),
                None => units.add(p, end, name, kind),
            }
            p = end;
            continue;
        }
        p = registry_end.unwrap_or(p + 1).max(p + 1);
    }
    units
}

/// The byte spans of a document's name lists: the values of labelled lines that
/// name who does the work ("Đơn vị chủ trì: …", "Cơ quan phối hợp: …",
/// "Trách nhiệm chỉ đạo thực hiện: …"), and the cells of pipe rows.
fn list_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0usize;
    for line in text.split('\n') {
        let start = at;
        at += line.len() + 1;
        let t = line.trim();
        if t.len() >= 2 && t.starts_with('|') && t.ends_with('|') {
            let mut s = start + (line.len() - line.trim_start().len()) + 1;
            for cell in t[1..t.len() - 1].split('|') {
                out.push((s, s + cell.len()));
                s += cell.len() + 1;
            }
            continue;
        }
        let body = t.trim_start_matches(['-', '+', '*', '•', ' ']);
        let Some(colon) = body.find(':') else {
            continue;
        };
        if colon > 70 {
            continue;
        }
        let label = fold(&body[..colon]);
        let who = [
            "chu tri",
            "phoi hop",
            "trach nhiem",
            "dau moi",
            "co quan thuc hien",
            "don vi thuc hien",
        ]
        .iter()
        .any(|w| label.contains(w))
            && !label.contains("thoi");
        if who {
            let off = line.len() - body.len() + colon + 1;
            out.push((start + off.min(line.len()), start + line.len()));
        }
    }
    out
}

/// The items of a name list: cut at ";" and at "," or " và " before a capital or
/// "các"; each cut where its name ends ("… chủ trì, phối hợp với …", "… và các đơn
/// vị có liên quan").
fn pieces(text: &str, a: usize, b: usize) -> Vec<(usize, usize)> {
    let span = &text[a..b];
    let mut cuts = vec![0usize];
    for (i, c) in span.char_indices() {
        let next = span[i + c.len_utf8()..].trim_start();
        let capital =
            next.chars().next().is_some_and(char::is_uppercase) || next.starts_with("các ");
        if c == ';' || (c == ',' && capital) {
            cuts.push(i);
            cuts.push(i + 1);
        } else if span[i..].starts_with(" và ") && opens_body(&span[i + 5..]) {
            // "… và Vụ Pháp chế" — but "Sở Kế hoạch và Đầu tư" is one name.
            cuts.push(i);
            cuts.push(i + 4);
        }
    }
    cuts.push(span.len());
    let mut out = Vec::new();
    for w in cuts.chunks(2) {
        let (s, e) = (w[0], *w.get(1).unwrap_or(&span.len()));
        let piece = &span[s..e];
        let low = piece.to_lowercase();
        let mut end = piece.len();
        for stop in [
            " chủ trì",
            " phối hợp",
            " và các",
            " có liên quan",
            " liên quan",
            " thực hiện",
            " (",
        ] {
            if let Some(p) = low.find(stop) {
                end = end.min(p);
            }
        }
        let p = &piece[..end];
        let p_trim = p.trim().trim_end_matches(['.', ',']);
        if p_trim.is_empty() {
            continue;
        }
        let lead = p.len() - p.trim_start().len();
        let lead = lead + p.trim_start().len()
            - p.trim_start()
                .trim_start_matches(['-', '+', '*', ' '])
                .len();
        let start = a + s + lead;
        let stop = a + s + p.trim_end().trim_end_matches(['.', ',']).len();
        if stop > start {
            out.push((start, stop));
        }
    }
    out
}

/// Whether a text opens with the head noun of a body ("Vụ …", "Sở …", "Ủy ban …",
/// "UBND …", "Bộ …", "các …").
fn opens_body(t: &str) -> bool {
    let f = fold(&t.split_whitespace().take(4).collect::<Vec<_>>().join(" "));
    let capital = t.chars().next().is_some_and(char::is_uppercase);
    let head = HEADS.iter().any(|(h, _)| f.starts_with(&format!("{h} ")))
        || ["so ", "bo ", "uy ban ", "ubnd ", "cong an ", "thanh tra "]
            .iter()
            .any(|h| f.starts_with(h));
    (capital && head) || f.starts_with("cac ")
}

/// "Các Sở: Nông nghiệp và Môi trường, Xây dựng, Công Thương": each field is the
/// unit "Sở …". Returns the token after the enumeration.
fn enumeration(s: &Scan, p: usize, units: &mut Units) -> Option<usize> {
    if s.word(p) != "cac" || s.word(p + 1) != "so" || !s.plain(p + 1) {
        return None;
    }
    if !s.gap(p + 2).contains(':') {
        return None;
    }
    let head = s.text[s.toks[p + 1].start as usize..s.toks[p + 1].end as usize].to_string();
    let mut k = p + 2;
    let mut any = false;
    while let Some(end) = field_at(s, k) {
        let name = format!("{head} {}", s.span(k, end));
        let name = modern_tones(&name);
        units.add(k, end, capitalise(&name), UnitKind::Department);
        any = true;
        k = end;
        let g = s.gap(k);
        let sep = g.trim() == "," || (s.word(k) == "va" && s.plain(k));
        if !sep {
            break;
        }
        if s.word(k) == "va" {
            k += 1;
        }
    }
    if !any {
        return None;
    }
    units.enumerations.insert(p, p + 2);
    Some(k)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// "các tỉnh, thành phố (trực thuộc Trung ương)", "(các tỉnh)" after a unit's
/// name: the token after it.
fn every_province(s: &Scan, k: usize) -> Option<usize> {
    let mut q = k;
    if s.gap(q).trim() == "(" {
        // "Sở Y tế (các tỉnh)"
    } else if !s.plain(q) {
        return None;
    }
    if s.word(q) != "cac" {
        return None;
    }
    q += 1;
    let n = s
        .words_at(q, "tinh")
        .or_else(|| s.words_at(q, "thanh pho"))?;
    q += n;
    loop {
        let joined = s.plain(q) || s.gap(q).trim() == ",";
        if !joined {
            break;
        }
        let n = [
            "tinh",
            "thanh pho",
            "truc thuoc trung uong",
            "truc thuoc",
            "trung uong",
        ]
        .iter()
        .find_map(|w| s.words_at(q, w));
        match n {
            Some(n) => q += n,
            None => break,
        }
    }
    Some(q)
}

/// "Sở Tài chính", "Sở Nông nghiệp và Môi trường", "Sở Ngoại vụ".
fn department(s: &Scan, p: usize) -> Option<(usize, String)> {
    if s.word(p) != "so" || !s.cap(p) || !s.plain(p + 1) {
        return None;
    }
    let end = field_at(s, p + 1)?;
    let mut q = end;
    // "Sở Tài chính tỉnh Lào Cai": the province belongs to the name.
    if let Some(l) = s.level(q) {
        q = l;
    }
    Some((q, s.span(p, q)))
}

/// The usual abbreviations of a department's field ("Sở TN&MT", "Sở TT&TT",
/// "Sở KH&ĐT", "Sở GTVT"), written without spaces.
const FIELD_ABBREVIATIONS: &[&str] = &[
    "TN&MT",
    "TNMT",
    "TT&TT",
    "TTTT",
    "KH&ĐT",
    "KHĐT",
    "KH&CN",
    "KHCN",
    "GTVT",
    "GD&ĐT",
    "GDĐT",
    "LĐTB&XH",
    "LĐTBXH",
    "NN&PTNT",
    "NNPTNT",
    "VHTT&DL",
    "VH,TT&DL",
    "VHTTDL",
    "VHTT",
    "NN&MT",
    "KHCN&ĐMST",
];

/// A field abbreviation at `k` (tokens joined by "&" or "," with no space); the
/// token after it.
fn field_abbreviation(s: &Scan, k: usize) -> Option<usize> {
    let mut q = k + 1;
    while q < s.toks.len() && q < k + 4 && matches!(s.gap(q), "&" | ",") {
        q += 1;
    }
    let a = s.toks.get(k)?.start as usize;
    let b = s.toks.get(q - 1)?.end as usize;
    FIELD_ABBREVIATIONS.contains(&&s.text[a..b]).then_some(q)
}

/// A field of government at `k`: the bare name of a ministry (of any date) or a
/// department field. The token after it.
fn field_at(s_text: &Scan, k: usize) -> Option<usize> {
    let s = s_text;
    if !s.cap(k) {
        return None;
    }
    let by_register = s.lex.form_at(s.toks, k, s.toks.len(), true).filter(|m| {
        m.terms.iter().any(|t| {
            matches!(
                s.lex.registry.all()[t.agency as usize].kind,
                AgencyKind::Ministry | AgencyKind::MinisterialAgency
            )
        })
    });
    let by_list = DEPARTMENT_FIELDS
        .iter()
        .filter_map(|f| s.words_at(k, f).map(|n| k + n))
        .chain(field_abbreviation(s, k))
        .max();
    match (by_register.map(|m| m.end), by_list) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// "Ủy ban nhân dân xã Văn Chấn", "UBND huyện Bát Xát", "Công an tỉnh", "Thuế tỉnh
/// Lào Cai", "Bộ Chỉ huy Quân sự tỉnh", "Thanh tra tỉnh".
fn local_body(s: &Scan, p: usize) -> Option<(usize, String)> {
    if !s.cap(p) {
        return None;
    }
    let heads = [
        "uy ban nhan dan",
        "ubnd",
        "cong an",
        "thue",
        "thanh tra",
        "kho bac nha nuoc",
        "kho bac",
        "hoi dong nhan dan",
        "bo chi huy quan su",
        "bo chi huy bo doi bien phong",
    ];
    let n = heads.iter().filter_map(|h| s.words_at(p, h)).max()?;
    let q = p + n;
    if !s.plain(q) {
        return None;
    }
    // The province's own committee without a name ("Ủy ban nhân dân tỉnh") is the
    // registered one: left to the register and the home province.
    let end = s.level(q)?;
    let only_level = end == q + 1 || (end == q + 2 && s.word(q) == "thanh");
    if only_level && matches!(s.word(p), "uy" | "ubnd") && s.word(q) == "tinh" {
        return None;
    }
    Some((end, s.span(p, end)))
}

/// A head noun and the words of its name: "Cục Biến đổi khí hậu", "Ban xây dựng
/// đảng Đảng ủy", "Trung tâm Thông tin và Chuyển đổi số", "Vườn quốc gia Hoàng Liên".
fn headed(s: &Scan, p: usize) -> Option<(usize, String)> {
    if !s.cap(p) {
        return None;
    }
    let (h, cap_next) = heads_from(s.word(p))
        .iter()
        .filter(|(h, _)| s.tone_fits(p, h))
        .filter_map(|(h, c)| s.words_at(p, h).map(|n| (n, *c, h)))
        .max_by_key(|(n, _, _)| *n)
        .map(|(n, c, h)| ((n, h), c))?;
    let (hn, head) = h;
    let mut q = p + hn;
    if NEEDS_LEVEL.contains(head) {
        return None; // handled by `local_body`
    }
    // "Ban hành", "Báo cáo", "Hội nghị", "Trường hợp", "Phòng, chống": not units.
    if q >= s.toks.len() || !s.plain(q) || (cap_next && !s.cap(q) && !party_board(s, q)) {
        return None;
    }
    let first = q;
    while q < s.toks.len() && q < first + 12 && s.plain(q) {
        let w = s.word(q);
        // A capitalised word is a name's ("Việt Nam", not "năm"); only words in
        // lower case stop it. Another head ends the name, but "Đảng ủy" names
        // whose board it is ("Ban xây dựng đảng Đảng ủy").
        let lower = !s.cap(q);
        let exact = s.exact(q);
        let de_verb = exact == "đề" && matches!(s.exact(q + 1).as_str(), "nghị" | "xuất");
        if (lower && (STOP_WORDS.contains(&exact.as_str()) || de_verb))
            || (q > first
                && ((lower && STOP_VERBS.contains(&exact.as_str()))
                    || (s.is_head(q) && w != "dang")))
        {
            break;
        }
        if w == "va" {
            // "… và Chuyển đổi số" goes on; "… và Vụ …", "… và các …" do not.
            if !s.cap(q + 1) || s.is_head(q + 1) || !s.plain(q + 1) {
                break;
            }
            if s.lex.form_at(s.toks, q + 1, s.toks.len(), false).is_some() {
                break;
            }
        }
        if let Some(l) = s.level(q) {
            q = l;
            break;
        }
        q += 1;
    }
    if q == first {
        return None;
    }
    Some((q, s.span(p, q)))
}

/// Lower-case names of Party and committee boards ("Ban xây dựng đảng", "Ban
/// tuyên giáo").
fn party_board(s: &Scan, q: usize) -> bool {
    [
        "xay dung dang",
        "tuyen giao",
        "dan van",
        "to chuc",
        "noi chinh",
        "kinh te",
        "van hoa",
    ]
    .iter()
    .any(|w| s.words_at(q, w).is_some())
}

/// A province's own bodies as a group, as written: "Các Sở, ban, ngành thuộc tỉnh",
/// "các sở, ban, ngành cấp tỉnh", "Ủy ban nhân dân các xã, phường", "Các cấp ủy, tổ
/// chức đảng". National groups ("các bộ, ngành", "các tỉnh, thành phố") are not
/// units (`roles::group`); nor are generic "các cơ quan, đơn vị liên quan".
fn local_group(s: &Scan, p: usize) -> Option<(usize, String)> {
    let mut q = p;
    for h in [
        "chu tich uy ban nhan dan",
        "chu tich ubnd",
        "uy ban nhan dan",
        "ubnd",
    ] {
        if let Some(n) = s.words_at(p, h) {
            q = p + n;
            break;
        }
    }
    if s.word(q) != "cac" || (q > p && !s.plain(q)) {
        return None;
    }
    let start_words = q + 1;
    let mut r = start_words;
    let mut words: Vec<&str> = Vec::new();
    while r < s.toks.len() && r < start_words + 10 {
        let joined = r == start_words || s.plain(r) || s.gap(r).trim() == ",";
        let w = s.word(r);
        if !joined {
            break;
        }
        let level = LEVELS.iter().any(|l| s.words_at(r, l).is_some());
        // "tổ chức" of "tổ chức đảng", not the verb; "cấp" of "cấp ủy", not "cấp
        // tỉnh" (a qualifier, below).
        let verb = (w == "to" && s.word(r + 1) == "chuc" && s.word(r + 2) != "dang")
            || (w == "cap" && s.word(r + 1) != "uy");
        if verb || !(LOCAL_GROUP_WORDS.contains(&w) || (level && q > p)) {
            break;
        }
        // "các sở, ban, ngành, địa phương": a national word ends the local group.
        words.push(w);
        r += LEVELS
            .iter()
            .filter_map(|l| s.words_at(r, l))
            .max()
            .unwrap_or(1);
    }
    if words.is_empty() {
        return None;
    }
    let local = words
        .iter()
        .any(|w| matches!(*w, "so" | "xa" | "phuong" | "huyen" | "ty" | "dang" | "uy"))
        || (q > p
            && words
                .iter()
                .any(|w| matches!(*w, "xa" | "phuong" | "huyen")));
    if !local
        || words
            .iter()
            .all(|w| matches!(*w, "co" | "quan" | "don" | "vi"))
    {
        return None;
    }
    // A qualifier of the group: "thuộc tỉnh", "thuộc UBND tỉnh", "cấp tỉnh".
    if s.plain(r) {
        if s.word(r) == "thuoc" {
            let mut t = r + 1;
            while t < s.toks.len() && t < r + 6 && s.plain(t) {
                if s.words_at(t, "tinh").is_some() {
                    r = t + 1;
                    break;
                }
                t += 1;
            }
        } else if s.word(r) == "cap" && s.words_at(r + 1, "tinh").is_some() {
            r += 2;
        }
    }
    // "liên quan" makes it generic.
    if s.word(r) == "lien" || s.words_at(r, "co lien").is_some() {
        return None;
    }
    Some((r, s.span(p, r)))
}

/// A ministry's own units as a group: "các đơn vị (trực) thuộc Bộ", "các cơ
/// quan, đơn vị thuộc Bộ" (not "… có liên quan", which names no one).
fn own_units(s: &Scan, p: usize) -> Option<(usize, String)> {
    if s.word(p) != "cac" {
        return None;
    }
    let mut q = p + 1;
    if s.words_at(q, "co quan").is_some() && s.gap(q + 2).trim() == "," {
        q += 2;
    }
    let n = s.words_at(q, "don vi")?;
    q += n;
    if s.word(q) == "truc" {
        q += 1;
    }
    if s.word(q) != "thuoc" || !s.plain(q) {
        return None;
    }
    q += 1;
    if s.word(q) != "bo" || !s.cap(q) {
        return None;
    }
    q += 1;
    if s.word(q) == "lien" || s.words_at(q, "co lien").is_some() {
        return None;
    }
    let name = s.span(p, q);
    let mut chars = name.chars();
    let first = chars.next()?.to_uppercase().collect::<String>();
    Some((q, first + chars.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::lexicon_for;
    use tiendo_core::agency::AgencyRegistry;

    fn units(text: &str) -> Vec<String> {
        let lex = lexicon_for(AgencyRegistry::builtin());
        let toks = lex.tokenize(text);
        let u = find(text, &toks, &lex);
        let mut starts: Vec<_> = u.at.iter().map(|(k, v)| (*k, v.1)).collect();
        starts.sort();
        starts
            .into_iter()
            .map(|(_, i)| u.names[i as usize].clone())
            .collect()
    }

    #[test]
    fn a_lone_pipe_is_no_row() {
        // Found by the property test: "|" alone on a line starts and ends with a pipe.
        assert!(list_spans("|\n||\nĐơn vị chủ trì: Sở Y tế").len() == 2);
    }

    #[test]
    fn departments_and_local_bodies() {
        // 8129/UBND-KT (Lào Cai, 10/8/2026).
        assert_eq!(
            units(
                "giao Sở Nông nghiệp và Môi trường chủ trì, phối hợp với Sở Xây dựng, Sở Công Thương, Ủy ban nhân dân xã Văn Chấn và các cơ quan"
            ),
            [
                "Sở Nông nghiệp và Môi trường",
                "Sở Xây dựng",
                "Sở Công Thương",
                "Ủy ban nhân dân xã Văn Chấn"
            ]
        );
        // 5973/UBND-KT and 9387/UBND-KT (Lào Cai, 2026).
        assert_eq!(
            units(
                "- Các Sở, ban, ngành thuộc UBND tỉnh; - Công an tỉnh; - Thuế tỉnh Lào Cai; - Ủy ban nhân dân các xã, phường."
            ),
            [
                "Các Sở, ban, ngành thuộc Ủy ban nhân dân tỉnh",
                "Công an tỉnh",
                "Thuế tỉnh Lào Cai",
                "Ủy ban nhân dân các xã, phường"
            ]
        );
        assert_eq!(
            units("Bộ Chỉ huy Quân sự tỉnh tổ chức"),
            ["Bộ Chỉ huy Quân sự tỉnh"]
        );
        assert_eq!(
            units("- Các Sở: Nông nghiệp và Môi trường, Xây dựng, Công Thương;"),
            [
                "Sở Nông nghiệp và Môi trường",
                "Sở Xây dựng",
                "Sở Công Thương"
            ]
        );
        assert_eq!(
            units("Đảng ủy UBND tỉnh chủ trì"),
            ["Đảng ủy Ủy ban nhân dân tỉnh"]
        );
        assert!(units("Ủy ban nhân dân tỉnh giao").is_empty());
        assert!(units("tăng cường thanh tra, kiểm tra hoạt động").is_empty());
    }

    #[test]
    fn units_of_a_ministry_and_of_the_party() {
        assert_eq!(
            units(
                "Cục Biến đổi khí hậu chủ trì, phối hợp với Vụ Pháp chế và Trung tâm Thông tin và Chuyển đổi số xây dựng"
            ),
            [
                "Cục Biến đổi khí hậu",
                "Vụ Pháp chế",
                "Trung tâm Thông tin và Chuyển đổi số"
            ]
        );
        // 2449-CV/ĐU (Đảng ủy UBND tỉnh Lào Cai, 7/9/2026).
        assert_eq!(
            units("Giao Ban xây dựng đảng Đảng ủy chủ trì, hướng dẫn các cấp ủy, tổ chức đảng"),
            ["Ban xây dựng đảng Đảng ủy", "các cấp ủy, tổ chức đảng"]
        );
        assert_eq!(
            units("Vườn quốc gia Hoàng Liên, các Công ty Lâm nghiệp chủ động"),
            ["Vườn quốc gia Hoàng Liên", "các Công ty Lâm nghiệp"]
        );
        // Not units: verbs and common nouns in capitals at a sentence start.
        assert!(units("Ban hành Kế hoạch thực hiện").is_empty());
        assert!(units("Báo cáo kết quả thực hiện").is_empty());
        assert!(units("Hội nghị đã thống nhất").is_empty());
        assert!(units("Trường hợp phát hiện vi phạm").is_empty());
    }

    #[test]
    fn whole_names_in_a_plans_lines() {
        // 173/QĐ-BTP (Bộ Tư pháp, 2015).
        assert_eq!(
            units(
                "- Đơn vị phối hợp: Vụ Các vấn đề chung về xây dựng pháp luật, Vụ Phổ biến, giáo dục pháp luật, Cục Kiểm tra văn bản quy phạm pháp luật và các đơn vị xây dựng pháp luật có liên quan."
            ),
            [
                "Vụ Các vấn đề chung về xây dựng pháp luật",
                "Vụ Phổ biến, giáo dục pháp luật",
                "Cục Kiểm tra văn bản quy phạm pháp luật"
            ]
        );
        assert_eq!(
            units("Văn phòng Bộ, Vụ Kế hoạch - Tài chính bố trí kinh phí"),
            ["Văn phòng Bộ", "Vụ Kế hoạch - Tài chính"]
        );
    }

    #[test]
    fn tones_the_modern_way() {
        assert_eq!(
            modern_tones("Đảng uỷ Uỷ ban nhân dân tỉnh Thanh Hoá"),
            "Đảng ủy Ủy ban nhân dân tỉnh Thanh Hóa"
        );
        assert_eq!(
            modern_tones("Vườn quốc gia Hoàng Liên, Thuỷ"),
            "Vườn quốc gia Hoàng Liên, Thủy"
        );
    }
}
