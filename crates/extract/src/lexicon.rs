//! Words of the normalised text and the agency gazetteer.
//!
//! The text is cut into word tokens (runs of letters and digits) that keep their byte
//! spans; each token carries the id of its *folded* form (no diacritics, `đ` → `d`,
//! lower case, as `tiendo_core::text::fold`) when that form is a word of the
//! vocabulary: every word of every agency surface form plus the keywords the rules
//! look for. All matching works on these ids, so a match is always aligned on word
//! boundaries and maps straight back to a byte span of the text.

use std::collections::HashMap;

use tiendo_core::agency::{AgencyRegistry, FormKind};
use tiendo_core::text::fold;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Id of a word that is not in the vocabulary.
pub const UNK: u32 = u32::MAX;

/// First letter is upper case.
pub const CAP: u8 = 1;
/// Every letter is upper case (an acronym or a heading in capitals).
pub const UPPER: u8 = 2;
/// Only digits.
pub const DIGITS: u8 = 4;

#[derive(Debug, Clone, Copy)]
pub struct Tok {
    pub start: u32,
    pub end: u32,
    pub id: u32,
    pub flags: u8,
}

impl Tok {
    pub fn upper(&self) -> bool {
        self.flags & UPPER != 0
    }
    pub fn digits(&self) -> bool {
        self.flags & DIGITS != 0
    }
}

macro_rules! keywords {
    ($($name:ident),* $(,)?) => {
        /// Ids of the keywords the rules look for (the folded word is the field name).
        #[allow(non_snake_case, dead_code)]
        pub struct Kw { $(pub $name: u32,)* }
        impl Kw {
            fn new(vocab: &mut Vocab) -> Kw {
                Kw { $($name: vocab.intern(stringify!($name).trim_start_matches("r#")),)* }
            }
        }
    };
}

keywords!(
    cac, bo, nganh, co, quan, ngang, thuoc, chinh, phu, trung, uong, dia, phuong, tinh, thanh, pho,
    truc, uy, ban, nhan, dan, ubnd, chu, tich, truong, thu, lien, va, cung, voi, phoi, hop, tri,
    giao, yeu, cau, de, nghi, dong, chi, tong, giam, doc, dang, lanh, dao, nguoi, dau, r#do, la,
    duoc, da, lam, viec, viet, nam, tp, cap, don, vi, cua, tat, ca, ve, tren, so, doi, can, trong,
    theo, tai, cho, nhu, sau, khi, nhung, hoan, xong, thuc, hien, bao, cong, trinh, phan, gui,
    tuong, thong, qua, ket, luan, nhiem, vu, xuyen, r#in, tu, ngay, thang, quy, han, hang, chuc,
    nang, ha, noi, nay, ung, ho, chuong, xa, huong, tap, trien, khai, tiep, ngoai, nuoc, doanh,
    nghiep, truyen, hinh, toan, quoc, nhom, linh, vuc, kinh, phi, khan, thoi, cu, dung, y, kien,
);

/// The folded-word vocabulary.
#[derive(Default)]
pub struct Vocab {
    map: HashMap<Box<str>, u32>,
}

impl Vocab {
    pub fn intern(&mut self, w: &str) -> u32 {
        if let Some(&id) = self.map.get(w) {
            return id;
        }
        let id = self.map.len() as u32;
        self.map.insert(w.into(), id);
        id
    }
    pub fn get(&self, w: &str) -> u32 {
        self.map.get(w).copied().unwrap_or(UNK)
    }
}

/// One surface form ending at a trie node.
#[derive(Debug, Clone, Copy)]
pub struct Term {
    pub agency: u32,
    pub kind: FormKind,
    /// The form is written in capitals (an acronym): the text must be too.
    pub acronym: bool,
}

#[derive(Default)]
struct Node {
    next: HashMap<u32, u32>,
    terms: Vec<Term>,
}

/// The vocabulary, the keywords and the trie of agency surface forms of one registry.
pub struct Lexicon {
    pub vocab: Vocab,
    pub kw: Kw,
    nodes: Vec<Node>,
    index: HashMap<String, u32>,
    pub registry: &'static AgencyRegistry,
}

/// A surface form found in the text: tokens `[start, end)` and its candidate agencies.
#[derive(Debug, Clone)]
pub struct FormMatch {
    pub end: usize,
    pub terms: Vec<Term>,
}

impl Lexicon {
    pub fn new(registry: &'static AgencyRegistry) -> Lexicon {
        let mut vocab = Vocab::default();
        let kw = Kw::new(&mut vocab);
        let index: HashMap<String, u32> = registry
            .all()
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.clone(), i as u32))
            .collect();
        let mut lex = Lexicon {
            vocab,
            kw,
            nodes: vec![Node::default()],
            index: index.clone(),
            registry,
        };
        let forms: Vec<(String, u32, FormKind, bool)> = registry
            .surface_forms()
            .filter_map(|(form, agency, kind)| {
                let i = *index.get(agency.code.as_str())?;
                let acronym = form.chars().any(|c| c.is_alphabetic())
                    && form.chars().all(|c| !c.is_lowercase())
                    && !form.contains(' ');
                Some((fold(form), i, kind, acronym))
            })
            .collect();
        for (key, agency, kind, acronym) in forms {
            if key.is_empty() {
                continue;
            }
            let mut node = 0usize;
            for w in key.split(' ') {
                let id = lex.vocab.intern(w);
                let next = lex.nodes[node].next.get(&id).copied();
                node = match next {
                    Some(n) => n as usize,
                    None => {
                        lex.nodes.push(Node::default());
                        let n = lex.nodes.len() - 1;
                        lex.nodes[node].next.insert(id, n as u32);
                        n
                    }
                };
            }
            let term = Term {
                agency,
                kind,
                acronym,
            };
            let terms = &mut lex.nodes[node].terms;
            if !terms
                .iter()
                .any(|t| t.agency == agency && t.kind as u8 == kind as u8)
            {
                terms.push(term);
            }
        }
        lex
    }

    /// Index in the registry of the agency with this code.
    pub fn index_of(&self, code: &str) -> Option<u32> {
        self.index.get(code).copied()
    }

    /// Cuts a text into tokens.
    pub fn tokenize(&self, text: &str) -> Vec<Tok> {
        let mut toks = Vec::with_capacity(text.len() / 6);
        let mut buf = String::new();
        let mut start: Option<usize> = None;
        for (i, c) in text.char_indices() {
            let word = is_word_char(c) || (start.is_some() && is_combining_mark(c));
            match (word, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    toks.push(self.make_tok(text, s, i, &mut buf));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            toks.push(self.make_tok(text, s, text.len(), &mut buf));
        }
        toks
    }

    fn make_tok(&self, text: &str, s: usize, e: usize, buf: &mut String) -> Tok {
        let word = &text[s..e];
        buf.clear();
        let mut flags = 0u8;
        let mut letters = 0usize;
        let mut uppers = 0usize;
        let mut digits = 0usize;
        let mut first = true;
        let mut slow = false;
        for c in word.chars() {
            let (base, is_letter, is_upper) = if c.is_ascii() {
                (
                    c.to_ascii_lowercase(),
                    c.is_ascii_alphabetic(),
                    c.is_ascii_uppercase(),
                )
            } else if let Some((b, up)) = fold_char(c) {
                (b as char, true, up)
            } else {
                slow = true;
                (c, c.is_alphabetic(), c.is_uppercase())
            };
            if is_letter {
                letters += 1;
                if is_upper {
                    uppers += 1;
                    if first {
                        flags |= CAP;
                    }
                }
            } else if c.is_ascii_digit() {
                digits += 1;
            }
            first = false;
            if !slow {
                buf.push(base);
            }
        }
        if letters > 0 && uppers == letters {
            flags |= UPPER;
        }
        if digits > 0 && letters == 0 {
            flags |= DIGITS;
        }
        if slow {
            buf.clear();
            for c in word.nfd() {
                if is_combining_mark(c) {
                    continue;
                }
                let c = match c {
                    'đ' | 'Đ' => 'd',
                    _ => c,
                };
                buf.extend(c.to_lowercase().filter(|l| !is_combining_mark(*l)));
            }
        }
        Tok {
            start: s as u32,
            end: e as u32,
            id: self.vocab.get(buf),
            flags,
        }
    }

    /// The longest agency surface form starting at token `i` (not past `end`).
    /// `bare` admits bare forms ("Y tế", "Hà Nội").
    pub fn form_at(&self, toks: &[Tok], i: usize, end: usize, bare: bool) -> Option<FormMatch> {
        let mut node = 0usize;
        let mut best: Option<FormMatch> = None;
        let mut j = i;
        while j < end.min(toks.len()) {
            let id = toks[j].id;
            if id == UNK {
                break;
            }
            match self.nodes[node].next.get(&id) {
                Some(&n) => node = n as usize,
                None => break,
            }
            j += 1;
            let terms: Vec<Term> = self.nodes[node]
                .terms
                .iter()
                .filter(|t| bare || !matches!(t.kind, FormKind::Bare))
                .filter(|t| !t.acronym || toks[i..j].iter().all(|t| t.upper() || t.digits()))
                .copied()
                .collect();
            if !terms.is_empty() {
                best = Some(FormMatch { end: j, terms });
            }
        }
        best
    }

    /// Whether the tokens at `i` are exactly the keyword ids `ws`.
    pub fn seq(toks: &[Tok], i: usize, end: usize, ws: &[u32]) -> bool {
        i + ws.len() <= end.min(toks.len())
            && ws.iter().enumerate().all(|(k, w)| toks[i + k].id == *w)
    }
}

/// A word folded as `tiendo_core::text::fold` does (no diacritics, `đ` → `d`, lower
/// case), fast for ASCII and Vietnamese letters: no decomposition, one table
/// lookup a letter.
pub fn fold_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if let Some((b, _)) = fold_char(c) {
            out.push(b as char);
        } else {
            return tiendo_core::text::fold(word);
        }
    }
    out
}

/// Letters and digits (fast for ASCII and Vietnamese letters).
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        fold_char(c).is_some() || c.is_alphanumeric()
    }
}

/// Latin letters with diacritics (Latin-1, Latin Extended-A/B and Extended
/// Additional, which hold every Vietnamese letter): their folded ASCII letter and
/// whether they are upper case. Built once from the Unicode decompositions.
fn fold_char(c: char) -> Option<(u8, bool)> {
    use std::sync::OnceLock;
    static TABLE: OnceLock<Vec<(u8, bool)>> = OnceLock::new();
    const RANGES: [(u32, u32); 2] = [(0xC0, 0x250), (0x1E00, 0x1F00)];
    let table = TABLE.get_or_init(|| {
        let mut t = Vec::new();
        for (lo, hi) in RANGES {
            for cp in lo..hi {
                let entry = char::from_u32(cp)
                    .and_then(|ch| {
                        let base = match ch {
                            'đ' | 'Đ' => 'd',
                            _ => ch.nfd().next()?,
                        };
                        let lower: Vec<char> = base.to_lowercase().collect();
                        (lower.len() == 1 && lower[0].is_ascii_lowercase())
                            .then(|| (lower[0] as u8, ch.is_uppercase()))
                    })
                    .unwrap_or((0, false));
                t.push(entry);
            }
        }
        t
    });
    let cp = c as u32;
    let mut offset = 0u32;
    for (lo, hi) in RANGES {
        if (lo..hi).contains(&cp) {
            let (b, up) = table[(offset + cp - lo) as usize];
            return (b != 0).then_some((b, up));
        }
        offset += hi - lo;
    }
    None
}

/// The lexicon of a registry, built once per registry.
pub fn lexicon_for(registry: &'static AgencyRegistry) -> std::sync::Arc<Lexicon> {
    use std::sync::{Arc, Mutex, OnceLock};
    type Cache = Mutex<Vec<(usize, Arc<Lexicon>)>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let key = registry as *const AgencyRegistry as usize;
    let cache = CACHE.get_or_init(|| Mutex::new(Vec::new()));
    let mut guard = match cache.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    if let Some((_, lex)) = guard.iter().find(|(k, _)| *k == key) {
        return lex.clone();
    }
    let lex = Arc::new(Lexicon::new(registry));
    guard.push((key, lex.clone()));
    lex
}

/// Index of the first token that starts at or after byte `pos`.
pub fn tok_at(toks: &[Tok], pos: usize) -> usize {
    toks.partition_point(|t| (t.start as usize) < pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_fold_agrees() {
        for w in ["Đảng", "ỦY", "Hòa", "nghiệp", "UBND", "x̌", "Ωmega", "2026"] {
            assert_eq!(fold_word(w), fold(w), "{w}");
        }
    }

    #[test]
    fn tokens_keep_spans_and_fold() {
        let lex = lexicon_for(AgencyRegistry::builtin());
        let text = "Bộ Khoa học và Công nghệ: (1) trình";
        let toks = lex.tokenize(text);
        assert_eq!(&text[toks[0].start as usize..toks[0].end as usize], "Bộ");
        assert_eq!(toks[0].id, lex.kw.bo);
        let m = lex.form_at(&toks, 0, toks.len(), false).unwrap();
        assert_eq!(m.end, 6);
        let a = &lex.registry.all()[m.terms[0].agency as usize];
        assert_eq!(a.code, "bo-khcn");
    }
}
