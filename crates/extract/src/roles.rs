//! Agencies in the positions that give them a role: the subject of a sentence, the
//! addressee of a heading, the list after "phối hợp (với)", "cùng (với)", "giao",
//! "yêu cầu".
//!
//! A role list is a sequence of elements separated by commas, "và" or semicolons.
//! An element is an agency surface form (optionally after a title such as "Bộ
//! trưởng", "Chủ tịch", "Tổng Giám đốc", "Đảng ủy"), a group phrase ("các bộ,
//! ngành", "Bộ trưởng, Thủ trưởng cơ quan ngang bộ, cơ quan thuộc Chính phủ",
//! "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương", "địa phương"), or an
//! enumeration: a group phrase used as a head noun, a colon, and bare names sharing
//! it ("Các bộ: Y tế, Tài chính", "Ủy ban nhân dân các tỉnh: Bắc Ninh, Hà Tĩnh").

use chrono::NaiveDate;
use tiendo_core::agency::{AgencyKind, FormKind};

use crate::lexicon::{Lexicon, Term, Tok};
use crate::units::Units;

/// Who a task is given to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An agency, by index in the registry.
    Agency(u32),
    /// All ministries and central agencies (`@bo-nganh`).
    Ministries,
    /// All provinces and centrally-run cities (`@dia-phuong`).
    Localities,
    /// A body outside the register, by index in the document's `Units`.
    Unit(u32),
}

impl Role {
    /// A body named one by one (an agency or a unit), not a group token.
    pub fn named(&self) -> bool {
        matches!(self, Role::Agency(_) | Role::Unit(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleItem {
    pub role: Role,
    /// Followed by "(có) liên quan": the ones concerned, not all of them.
    pub lien_quan: bool,
}

#[derive(Debug, Clone, Default)]
pub struct RoleList {
    pub items: Vec<RoleItem>,
    /// Agencies named after "cùng (với)" inside the list ("Bộ Y tế cùng với Bộ Công an").
    pub coord: Vec<RoleItem>,
    /// Token index after the list.
    pub end: usize,
}

/// Which kinds a head noun asks for, to choose among agencies sharing a bare name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pref {
    Any,
    Central,
    Local,
}

const MAX_DEPTH: usize = 3;

/// Role recognition over the tokens of one document.
pub struct Roles<'a> {
    pub text: &'a str,
    pub toks: &'a [Tok],
    pub lex: &'a Lexicon,
    pub date: Option<NaiveDate>,
    /// Bodies outside the register that the document names.
    pub units: &'a Units,
    /// The People's Committee of the document's own province ("Ủy ban nhân dân
    /// tỉnh", "UBND tỉnh" without a name), for a provincial document.
    pub home: Option<u32>,
    /// A Party document: "Đảng ủy Ủy ban nhân dân tỉnh" is the Party committee,
    /// a body of its own, not the committee it sits in.
    pub party: bool,
}

impl<'a> Roles<'a> {
    /// The text between token `k - 1` and token `k`.
    pub fn gap(&self, k: usize) -> &'a str {
        if k == 0 || k >= self.toks.len() {
            return "";
        }
        &self.text[self.toks[k - 1].end as usize..self.toks[k].start as usize]
    }

    fn id(&self, k: usize) -> u32 {
        self.toks.get(k).map_or(u32::MAX, |t| t.id)
    }

    pub fn seq(&self, k: usize, end: usize, ws: &[u32]) -> bool {
        Lexicon::seq(self.toks, k, end, ws)
    }

    /// Gap that holds only spaces (words of one phrase).
    fn plain(&self, k: usize) -> bool {
        self.gap(k).chars().all(char::is_whitespace)
    }

    /// A comma (or an enumeration dash) between two elements, and nothing stronger.
    fn comma(&self, k: usize) -> bool {
        let g = self.gap(k);
        g.contains(',') && !g.contains([':', '.', '(', ')', '\n'])
    }

    fn semicolon(&self, k: usize) -> bool {
        let g = self.gap(k);
        g.contains(';') && !g.contains([':', '.', '(', ')', '\n'])
    }

    fn colon(&self, k: usize) -> bool {
        let g = self.gap(k);
        g.contains(':') && !g.contains(['\n', ';'])
    }

    fn kind_of(&self, agency: u32) -> AgencyKind {
        self.lex.registry.all()[agency as usize].kind
    }

    /// The agency a surface form designates on the document's date.
    fn resolve(&self, terms: &[Term], pref: Pref) -> Option<u32> {
        let all = self.lex.registry.all();
        let valid = |i: u32| {
            let a = &all[i as usize];
            match self.date {
                Some(d) => a.valid_on(d),
                None => a.is_current(),
            }
        };
        let rank = |t: &Term| {
            let kind = all[t.agency as usize].kind;
            let fits = match pref {
                Pref::Any => true,
                Pref::Central => kind.is_central(),
                Pref::Local => kind.is_local(),
            };
            (matches!(t.kind, FormKind::Bare) as u8) + 2 * (!fits as u8)
        };
        let mut cands: Vec<Term> = terms.to_vec();
        cands.sort_by_key(rank);
        if let Some(t) = cands.iter().find(|t| valid(t.agency)) {
            return Some(t.agency);
        }
        for t in &cands {
            let code = &all[t.agency as usize].code;
            let next = match self.date {
                Some(d) => self.lex.registry.successor_on(code, d),
                None => self.lex.registry.current(code),
            };
            if let Some(a) = next
                && let Some(i) = self.lex.index_of(&a.code)
            {
                return Some(i);
            }
        }
        None
    }

    /// A title before an agency name ("Bộ trưởng", "Chủ tịch", "Tổng Giám đốc",
    /// "Đảng ủy", "Các đồng chí"): the token after it.
    fn title(&self, p: usize, end: usize) -> Option<usize> {
        let k = &self.lex.kw;
        let titles: [&[u32]; 14] = [
            &[k.cac, k.dong, k.chi],
            &[k.dong, k.chi],
            &[k.bo, k.truong],
            &[k.thu, k.truong],
            &[k.pho, k.chu, k.tich],
            &[k.chu, k.tich],
            &[k.tong, k.giam, k.doc],
            &[k.giam, k.doc],
            &[k.thong, k.doc],
            &[k.dang, k.uy],
            &[k.lanh, k.dao],
            &[k.nguoi, k.dung, k.dau],
            &[k.tong],
            &[k.ban, k.chi, k.dao],
        ];
        titles
            .iter()
            .find(|t| self.seq(p, end, t) && p + t.len() < end && self.plain(p + t.len()))
            .map(|t| p + t.len())
    }

    /// A group phrase at `p`: (ministries?, localities?, end).
    fn group(&self, p: usize, end: usize) -> Option<(bool, bool, usize)> {
        let k = &self.lex.kw;
        let starts: [&[u32]; 16] = [
            &[k.cac, k.bo],
            &[k.bo, k.nganh],
            &[k.bo, k.truong],
            &[k.thu, k.truong],
            &[k.cac, k.dia, k.phuong],
            &[k.dia, k.phuong],
            &[k.uy, k.ban, k.nhan, k.dan, k.cac],
            &[k.uy, k.ban, k.nhan, k.dan, k.cap],
            &[k.ubnd, k.cac],
            &[k.ubnd, k.cap],
            &[k.chu, k.tich, k.uy, k.ban, k.nhan, k.dan],
            &[k.chu, k.tich, k.ubnd],
            &[k.cac, k.tinh],
            &[k.cac, k.nganh],
            &[k.cac, k.co, k.quan, k.trung, k.uong],
            &[k.bo],
        ];
        let start = starts.iter().find(|s| self.seq(p, end, s))?;
        // A lone "bộ" is a group only as in "Bộ, ngành": followed by a comma.
        if start.len() == 1 && !(p + 1 < end && self.comma(p + 1) && self.id(p + 1) == k.nganh) {
            return None;
        }
        let words = [
            k.cac, k.bo, k.nganh, k.co, k.quan, k.ngang, k.thuoc, k.chinh, k.phu, k.trung, k.uong,
            k.dia, k.phuong, k.tinh, k.thanh, k.pho, k.truc, k.uy, k.ban, k.nhan, k.dan, k.ubnd,
            k.cap, k.thu, k.truong, k.chu, k.tich, k.don, k.vi, k.xa, k.tp,
        ];
        let mut q = p + start.len();
        while q < end.min(self.toks.len()) {
            let id = self.toks[q].id;
            let joined = self.plain(q) || self.comma(q) || (id == k.va && self.plain(q));
            if !joined {
                break;
            }
            if id == k.va {
                // "và" continues the group only if a group word follows.
                if q + 1 < end && words.contains(&self.id(q + 1)) && self.plain(q + 1) {
                    if self.lex.form_at(self.toks, q + 1, end, false).is_some() {
                        break;
                    }
                    q += 1;
                    continue;
                }
                break;
            }
            if !words.contains(&id) {
                break;
            }
            // Stop before a named agency ("các bộ, ngành, Bộ Công an").
            if !self.plain(q) && self.lex.form_at(self.toks, q, end, false).is_some() {
                break;
            }
            q += 1;
        }
        let span = &self.toks[p..q];
        let has = |w: u32| span.iter().any(|t| t.id == w);
        let has2 = |a: u32, b: u32| span.windows(2).any(|w| w[0].id == a && w[1].id == b);
        let ministries = has(k.bo)
            || has(k.nganh)
            || has(k.ngang)
            || has2(k.thu, k.truong)
            || (has2(k.co, k.quan) && (has2(k.chinh, k.phu) || has2(k.trung, k.uong)));
        let localities = has2(k.dia, k.phuong)
            || has(k.tinh)
            || has2(k.thanh, k.pho)
            || has2(k.uy, k.ban)
            || has(k.ubnd)
            || has(k.xa);
        if !ministries && !localities {
            return None;
        }
        Some((ministries, localities, q))
    }

    /// Every agency of kind City valid on the date ("06 thành phố trực thuộc trung ương").
    fn all_cities(&self) -> Vec<RoleItem> {
        self.lex
            .registry
            .all()
            .iter()
            .enumerate()
            .filter(|(_, a)| a.kind == AgencyKind::City)
            .filter(|(_, a)| match self.date {
                Some(d) => a.valid_on(d),
                None => a.is_current(),
            })
            .map(|(i, _)| RoleItem {
                role: Role::Agency(i as u32),
                lien_quan: false,
            })
            .collect()
    }

    fn agency(i: u32) -> RoleItem {
        RoleItem {
            role: Role::Agency(i),
            lien_quan: false,
        }
    }

    /// One element at `p`: its items, its end, and the kind of its last agency.
    fn element(
        &self,
        p: usize,
        end: usize,
        prev: Option<AgencyKind>,
        bare: Option<Pref>,
        depth: usize,
    ) -> Option<(Vec<RoleItem>, usize, Option<AgencyKind>)> {
        if p >= end.min(self.toks.len()) {
            return None;
        }
        let party_body = self.party && self.units.at(p, end).is_some();
        if !party_body
            && let Some(q) = self.title(p, end)
            && let Some(r) = self.core(q, end, prev, bare, depth)
        {
            return Some(r);
        }
        self.core(p, end, prev, bare, depth)
    }

    fn core(
        &self,
        p: usize,
        end: usize,
        prev: Option<AgencyKind>,
        bare: Option<Pref>,
        depth: usize,
    ) -> Option<(Vec<RoleItem>, usize, Option<AgencyKind>)> {
        let k = &self.lex.kw;
        let cities = [k.thanh, k.pho, k.truc, k.thuoc, k.trung, k.uong];
        // "(Ủy ban nhân dân) 06 thành phố trực thuộc trung ương": the six cities.
        let mut q = p;
        if self.seq(q, end, &[k.ubnd]) {
            q += 1;
        } else if self.seq(q, end, &[k.uy, k.ban, k.nhan, k.dan]) {
            q += 4;
        }
        if q < end && self.toks[q].digits() && self.seq(q + 1, end, &cities) {
            return Some((
                self.all_cities(),
                q + 1 + cities.len(),
                Some(AgencyKind::City),
            ));
        }
        // "Các Sở: Nông nghiệp và Môi trường, Xây dựng": the units listed.
        if depth < MAX_DEPTH
            && let Some(q) = self.units.enumeration(p)
            && let Some(list) = self.list_inner(q, end, None, depth + 1)
        {
            return Some((list.items, list.end, None));
        }
        let registered = self.lex.form_at(self.toks, p, end, false);
        if let Some((q, u)) = self.units.at(p, end)
            && registered.as_ref().is_none_or(|m| q > m.end)
        {
            // A national document speaks of a province's departments and communes
            // as the provinces' work ("các sở, ngành và UBND các xã, phường").
            let kind = self.units.kinds[u as usize];
            let role = if self.home.is_none() && kind == crate::units::UnitKind::LocalGroup {
                Role::Localities
            } else {
                Role::Unit(u)
            };
            return Some((
                vec![RoleItem {
                    role,
                    lien_quan: false,
                }],
                q,
                None,
            ));
        }
        if let Some(m) = registered {
            let pref = bare.unwrap_or(Pref::Any);
            if let Some(a) = self.resolve(&m.terms, pref) {
                return Some((vec![Self::agency(a)], m.end, Some(self.kind_of(a))));
            }
        }
        // "Ủy ban nhân dân tỉnh", "UBND tỉnh": the document's own province.
        if let Some(home) = self.home {
            let n = if self.seq(p, end, &[k.uy, k.ban, k.nhan, k.dan, k.tinh]) {
                5
            } else if self.seq(p, end, &[k.ubnd, k.tinh]) {
                2
            } else {
                0
            };
            let named_after = p + n < end.min(self.toks.len())
                && self.plain(p + n)
                && self.toks[p + n].flags & crate::lexicon::CAP != 0;
            if n > 0 && !named_after {
                return Some((vec![Self::agency(home)], p + n, Some(self.kind_of(home))));
            }
        }
        if let Some((b, l, q)) = self.group(p, end) {
            if depth < MAX_DEPTH && q < end && self.colon(q) {
                let pref = match (b, l) {
                    (true, false) => Pref::Central,
                    (false, true) => Pref::Local,
                    _ => Pref::Any,
                };
                if let Some(list) = self.list_inner(q, end, Some(pref), depth + 1)
                    && !list.items.is_empty()
                {
                    return Some((list.items, list.end, None));
                }
            }
            let mut items = Vec::new();
            if b {
                items.push(RoleItem {
                    role: Role::Ministries,
                    lien_quan: false,
                });
            }
            if l {
                items.push(RoleItem {
                    role: Role::Localities,
                    lien_quan: false,
                });
            }
            return Some((items, q, None));
        }
        let bare_pref = match (bare, prev) {
            (Some(pref), _) => Some(pref),
            (None, Some(kind)) if kind.is_central() => Some(Pref::Central),
            (None, Some(kind)) if kind.is_local() => Some(Pref::Local),
            _ => None,
        };
        if let Some(pref) = bare_pref
            && let Some(m) = self.lex.form_at(self.toks, p, end, true)
        {
            let fits: Vec<Term> = m
                .terms
                .iter()
                .filter(|t| match pref {
                    Pref::Any => true,
                    Pref::Central => self.kind_of(t.agency).is_central(),
                    Pref::Local => self.kind_of(t.agency).is_local(),
                })
                .copied()
                .collect();
            if !fits.is_empty()
                && let Some(a) = self.resolve(&fits, pref)
            {
                return Some((vec![Self::agency(a)], m.end, Some(self.kind_of(a))));
            }
        }
        None
    }

    /// A role list starting at token `i` (not past `end`).
    pub fn list(&self, i: usize, end: usize) -> Option<RoleList> {
        self.list_inner(i, end, None, 0)
    }

    /// A role list where bare names count everywhere (a table column of units).
    pub fn list_bare(&self, i: usize, end: usize) -> Option<RoleList> {
        self.list_inner(i, end, Some(Pref::Any), 0)
    }

    fn list_inner(
        &self,
        i: usize,
        end: usize,
        bare: Option<Pref>,
        depth: usize,
    ) -> Option<RoleList> {
        let k = &self.lex.kw;
        let end = end.min(self.toks.len());
        let mut out = RoleList {
            end: i,
            ..RoleList::default()
        };
        let mut p = i;
        let mut prev: Option<AgencyKind> = None;
        while let Some((items, q, kind)) = self.element(p, end, prev, bare, depth) {
            out.items.extend(items);
            prev = kind;
            p = q;
            // "(VTV)", "(EVN)": an abbreviation of the same name.
            if p < end && self.gap(p).trim() == "(" {
                let mut r = p;
                while r < end && r < p + 4 {
                    let closes =
                        r + 1 >= self.toks.len() || self.gap(r + 1).trim_start().starts_with(')');
                    if closes {
                        let toks = &self.toks[p..=r];
                        if toks.iter().all(|t| t.upper() || t.digits())
                            && toks.iter().any(|t| !t.digits())
                        {
                            p = r + 1;
                        }
                        break;
                    }
                    if !self.plain(r + 1) {
                        break;
                    }
                    r += 1;
                }
            }
            // "(có) liên quan"
            let lq = if self.seq(p, end, &[k.co, k.lien, k.quan]) {
                3
            } else if self.seq(p, end, &[k.lien, k.quan]) {
                2
            } else {
                0
            };
            if lq > 0 && self.plain(p) {
                if let Some(last) = out.items.last_mut() {
                    last.lien_quan = true;
                }
                for it in out.items.iter_mut() {
                    if !matches!(it.role, Role::Agency(_)) {
                        it.lien_quan = true;
                    }
                }
                p += lq;
            }
            out.end = p;
            // "cùng (với) …": coordinating agencies.
            if p < end && self.id(p) == k.cung && self.plain(p) {
                let q = if self.id(p + 1) == k.voi {
                    p + 2
                } else {
                    p + 1
                };
                if depth < MAX_DEPTH
                    && let Some(sub) = self.list_inner(q, end, None, depth + 1)
                    && !sub.items.is_empty()
                {
                    out.coord.extend(sub.items);
                    out.coord.extend(sub.coord);
                    p = sub.end;
                    out.end = p;
                } else {
                    // "cùng các cơ quan liên quan": skip the phrase.
                    break;
                }
            }
            if p >= end {
                break;
            }
            let next = if self.comma(p) || self.semicolon(p) {
                p
            } else if self.id(p) == k.va && self.plain(p) {
                p + 1
            } else {
                break;
            };
            if self.element(next, end, prev, bare, depth).is_none() {
                break;
            }
            p = next;
        }
        if out.items.is_empty() {
            return None;
        }
        Some(out)
    }

    /// The subject of a clause at `i`: a role list, optionally after "Giao",
    /// "Yêu cầu", "Đề nghị", followed by the predicate (not by "đã", "được", "là").
    pub fn subject(&self, i: usize, end: usize) -> Option<RoleList> {
        let k = &self.lex.kw;
        let mut p = i;
        if self.seq(p, end, &[k.giao]) {
            p += 1;
        } else if self.seq(p, end, &[k.yeu, k.cau]) || self.seq(p, end, &[k.de, k.nghi]) {
            p += 2;
        }
        let list = self.list(p, end)?;
        if list.end < end.min(self.toks.len()) {
            let next = self.id(list.end);
            if [k.da, k.duoc, k.la, k.r#do, k.cua].contains(&next) {
                return None;
            }
            // "Ủy ban nhân dân tỉnh nhận được Văn bản …", "… có ý kiến", "Báo Đấu
            // thầu ngày 26 tháng 3 năm 2019 đưa tin …": narrative.
            if self.seq(list.end, end, &[k.nhan, k.duoc])
                || self.seq(list.end, end, &[k.co, k.y, k.kien])
                || self.seq(list.end, end, &[k.ngay])
            {
                return None;
            }
            if self.gap(list.end).trim_start().starts_with('.') {
                return None;
            }
            // "Bộ Tài chính đề nghị Ủy ban nhân dân các tỉnh … hướng dẫn …": the one
            // who asks is not the one who works; the ones asked are, when named.
            let q = list.end;
            let n = if self.seq(q, end, &[k.de, k.nghi]) || self.seq(q, end, &[k.yeu, k.cau]) {
                2
            } else {
                0
            };
            if n > 0 && self.plain(q) {
                return match self.list(q + n, end) {
                    Some(asked) if asked.end < end.min(self.toks.len()) => Some(asked),
                    _ => None,
                };
            }
        }
        Some(list)
    }

    /// Agencies a clause names as coordinating: after "phối hợp (với|cùng)",
    /// "cùng (với)", "làm việc với".
    pub fn coord_in(&self, i: usize, end: usize) -> Vec<RoleItem> {
        let k = &self.lex.kw;
        let end = end.min(self.toks.len());
        let mut out = Vec::new();
        let mut p = i;
        while p < end {
            // "X và Y phối hợp …": the list stands before the verb.
            if p > i
                && self.comma(p)
                && let Some(list) = self.list(p, end)
                && self.seq(list.end, end, &[k.phoi, k.hop])
            {
                out.extend(list.items);
                p = list.end;
                continue;
            }
            let q = if self.seq(p, end, &[k.phoi, k.hop]) {
                let mut q = p + 2;
                // "phối hợp chặt chẽ với"
                if let Some(v) = (q..(q + 3).min(end)).find(|&v| self.id(v) == k.voi)
                    && (q..=v).all(|x| self.plain(x))
                {
                    q = v + 1;
                } else if self.id(q) == k.cung {
                    q += 1;
                }
                Some(q)
            } else if self.seq(p, end, &[k.lam, k.viec, k.voi]) {
                Some(p + 3)
            } else if self.seq(p, end, &[k.cung, k.voi]) {
                Some(p + 2)
            } else {
                None
            };
            let Some(q) = q else {
                p += 1;
                continue;
            };
            let list = self.list(q, end).or_else(|| {
                // "phối hợp, đôn đốc các địa phương": one more verb before the list.
                (1..=2)
                    .filter(|&n| q < end && self.comma(q) && (q + 1..q + n).all(|x| self.plain(x)))
                    .find_map(|n| self.list(q + n, end))
            });
            let list = list.or_else(|| {
                // "các ngân hàng (Vietinbank, BIDV, …)": the names are in brackets.
                (q + 1..(q + 6).min(end))
                    .find(|&x| self.gap(x).trim_end().ends_with('('))
                    .and_then(|x| self.list(x, end))
            });
            match list {
                Some(list) => {
                    out.extend(list.items);
                    out.extend(list.coord);
                    p = list.end.max(p + 1);
                }
                None => p += 1,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::lexicon_for;
    use tiendo_core::agency::AgencyRegistry;

    fn names(text: &str, date: &str) -> Vec<String> {
        let lex = lexicon_for(AgencyRegistry::builtin());
        let toks = lex.tokenize(text);
        let units = crate::units::find(text, &toks, &lex);
        let roles = Roles {
            text,
            toks: &toks,
            lex: &lex,
            date: date.parse().ok(),
            units: &units,
            home: None,
            party: false,
        };
        let list = roles.subject(0, toks.len()).unwrap_or_default();
        list.items
            .iter()
            .map(|it| match it.role {
                Role::Agency(i) => lex.registry.all()[i as usize].name.clone(),
                Role::Ministries => "@bo-nganh".into(),
                Role::Localities => "@dia-phuong".into(),
                Role::Unit(u) => units.names[u as usize].clone(),
            })
            .collect()
    }

    #[test]
    fn enumerations_share_a_head_noun() {
        assert_eq!(
            names(
                "Các bộ: Y tế, Văn hóa, Thể thao và Du lịch, Tài chính hoàn thành",
                "2025-07-16"
            ),
            ["Bộ Y tế", "Bộ Văn hóa, Thể thao và Du lịch", "Bộ Tài chính"]
        );
        assert_eq!(
            names(
                "Ủy ban nhân dân các tỉnh, thành phố: Cao Bằng, Quảng Trị hoàn thành",
                "2025-07-16"
            ),
            [
                "Ủy ban nhân dân tỉnh Cao Bằng",
                "Ủy ban nhân dân tỉnh Quảng Trị"
            ]
        );
        assert_eq!(
            names(
                "Các bộ, cơ quan: Công Thương, Thanh tra Chính phủ, Ngân hàng Nhà nước Việt Nam khẩn trương",
                "2025-07-16"
            ),
            [
                "Bộ Công Thương",
                "Thanh tra Chính phủ",
                "Ngân hàng Nhà nước Việt Nam"
            ]
        );
    }

    #[test]
    fn groups_and_titles() {
        assert_eq!(
            names("Các bộ, ngành, địa phương căn cứ", "2025-11-16"),
            ["@bo-nganh", "@dia-phuong"]
        );
        assert_eq!(
            names(
                "Các đồng chí Bộ trưởng, Thủ trưởng cơ quan ngang bộ, cơ quan thuộc Chính phủ, Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương phải",
                "2025-11-16"
            ),
            ["@bo-nganh", "@dia-phuong"]
        );
        assert_eq!(
            names("Giao Bộ trưởng Bộ Công an chỉ đạo:", "2025-09-24"),
            ["Bộ Công an"]
        );
        assert_eq!(
            names("Giao Tổng Thanh tra Chính phủ chỉ đạo:", "2025-09-24"),
            ["Thanh tra Chính phủ"]
        );
        assert_eq!(
            names("Bộ Thông tin và Truyền thông", "2025-02-23"),
            ["Bộ Thông tin và Truyền thông"]
        );
        assert_eq!(
            names("Bộ Thông tin và Truyền thông", "2025-11-16"),
            ["Bộ Khoa học và Công nghệ"]
        );
        assert!(names("Bộ Nội vụ đã trình", "2025-11-16").is_empty());
    }
}
