//! Agencies (cơ quan) as reference data: official names, short names, aliases, the
//! groups they belong to, and the 2025 mergers (who became whom, from which day).
//!
//! The data ships in `data/agencies.toml` and is compiled into the binary, so a
//! laptop without the repository still knows every agency.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::text::{fold, is_nfc};

/// The kind of an agency, which decides the ranking tables it appears in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    /// Bộ.
    Ministry,
    /// Cơ quan ngang bộ.
    MinisterialAgency,
    /// Cơ quan thuộc Chính phủ.
    GovernmentAgency,
    /// Thành phố trực thuộc trung ương (its People's Committee).
    City,
    /// Tỉnh (its People's Committee).
    Province,
    /// Xã, phường, đặc khu.
    Commune,
    /// Cơ quan của Đảng.
    PartyBody,
    /// Other state bodies (Kiểm toán nhà nước, courts, procuracy).
    StateBody,
    /// Tập đoàn, tổng công ty, công ty.
    Enterprise,
    /// Ngân hàng.
    Bank,
    Other,
}

impl AgencyKind {
    pub const ALL: [AgencyKind; 11] = [
        AgencyKind::Ministry,
        AgencyKind::MinisterialAgency,
        AgencyKind::GovernmentAgency,
        AgencyKind::City,
        AgencyKind::Province,
        AgencyKind::Commune,
        AgencyKind::PartyBody,
        AgencyKind::StateBody,
        AgencyKind::Enterprise,
        AgencyKind::Bank,
        AgencyKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::Ministry => "ministry",
            AgencyKind::MinisterialAgency => "ministerial_agency",
            AgencyKind::GovernmentAgency => "government_agency",
            AgencyKind::City => "city",
            AgencyKind::Province => "province",
            AgencyKind::Commune => "commune",
            AgencyKind::PartyBody => "party_body",
            AgencyKind::StateBody => "state_body",
            AgencyKind::Enterprise => "enterprise",
            AgencyKind::Bank => "bank",
            AgencyKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<AgencyKind> {
        AgencyKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Central agencies are ranked together; provinces and cities together.
    pub fn is_central(self) -> bool {
        matches!(
            self,
            AgencyKind::Ministry | AgencyKind::MinisterialAgency | AgencyKind::GovernmentAgency
        )
    }

    pub fn is_local(self) -> bool {
        matches!(self, AgencyKind::City | AgencyKind::Province)
    }
}

/// A group of agencies named together in the documents.
pub const GROUP_MINISTRIES: &str = "bo-nganh";
/// All provinces and centrally-run cities ("các địa phương").
pub const GROUP_LOCALITIES: &str = "dia-phuong";

/// Display label of a group token.
pub fn group_label(group: &str) -> Option<&'static str> {
    match group {
        GROUP_MINISTRIES => Some("Các bộ, ngành"),
        GROUP_LOCALITIES => Some("Các địa phương"),
        _ => None,
    }
}

/// One agency as written in the reference data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyData {
    pub code: String,
    pub kind: AgencyKind,
    pub name: String,
    #[serde(default)]
    pub short: Option<String>,
    #[serde(default)]
    pub bare: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    #[serde(default)]
    pub successor: Option<String>,
    #[serde(default)]
    pub parent: Option<String>,
}

impl AgencyData {
    /// Whether the agency existed (under this name) on the day.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_to.is_none_or(|t| day <= t)
    }

    /// Whether it still exists today (no end date).
    pub fn is_current(&self) -> bool {
        self.valid_to.is_none()
    }

    /// The name for tables: the short name if any, else the official name.
    pub fn display_short(&self) -> &str {
        self.short.as_deref().unwrap_or(&self.name)
    }
}

/// How a surface form names an agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormKind {
    Name,
    Short,
    Alias,
    /// The name without its head noun ("Y tế", "Quảng Trị"): only meaningful after a
    /// head noun such as "các bộ:" or "các tỉnh:".
    Bare,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AgencyDataError {
    #[error("agency data is not valid TOML: {0}")]
    Toml(String),
    #[error("agency `{code}`: {problem}")]
    Invalid { code: String, problem: String },
}

#[derive(Deserialize)]
struct AgencyFile {
    agency: Vec<AgencyData>,
}

/// Every agency tiendo knows, with indexes by code and by folded name.
#[derive(Debug, Clone)]
pub struct AgencyRegistry {
    agencies: Vec<AgencyData>,
    by_code: HashMap<String, usize>,
    /// folded form → (agency index, kind of form)
    by_form: HashMap<String, Vec<(usize, FormKind)>>,
}

const BUILTIN: &str = include_str!("../../../data/agencies.toml");

impl AgencyRegistry {
    /// The agencies shipped with the product. The file is checked by a test, so a
    /// failure here is a build defect, not a user error.
    pub fn builtin() -> &'static AgencyRegistry {
        static REGISTRY: OnceLock<AgencyRegistry> = OnceLock::new();
        REGISTRY.get_or_init(|| {
            AgencyRegistry::from_toml(BUILTIN).expect("data/agencies.toml is valid (tested)")
        })
    }

    pub fn from_toml(text: &str) -> Result<AgencyRegistry, AgencyDataError> {
        let file: AgencyFile =
            toml::from_str(text).map_err(|e| AgencyDataError::Toml(e.to_string()))?;
        AgencyRegistry::new(file.agency)
    }

    pub fn new(agencies: Vec<AgencyData>) -> Result<AgencyRegistry, AgencyDataError> {
        let invalid = |code: &str, problem: String| AgencyDataError::Invalid {
            code: code.to_string(),
            problem,
        };
        let mut by_code = HashMap::new();
        for (i, a) in agencies.iter().enumerate() {
            let code_ok = !a.code.is_empty()
                && a.code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !code_ok {
                return Err(invalid(
                    &a.code,
                    "code must be lowercase ASCII kebab-case".into(),
                ));
            }
            if by_code.insert(a.code.clone(), i).is_some() {
                return Err(invalid(&a.code, "code is used twice".into()));
            }
            if let (Some(f), Some(t)) = (a.valid_from, a.valid_to)
                && f > t
            {
                return Err(invalid(
                    &a.code,
                    format!("valid_from {f} is after valid_to {t}"),
                ));
            }
            let texts = std::iter::once(&a.name)
                .chain(a.short.iter())
                .chain(a.bare.iter())
                .chain(a.aliases.iter());
            for t in texts {
                if !is_nfc(t) || t.trim().is_empty() {
                    return Err(invalid(&a.code, format!("name `{t}` is empty or not NFC")));
                }
            }
        }
        for a in &agencies {
            for (field, target) in [("successor", &a.successor), ("parent", &a.parent)] {
                if let Some(t) = target
                    && !by_code.contains_key(t)
                {
                    return Err(invalid(
                        &a.code,
                        format!("{field} `{t}` is not a known code"),
                    ));
                }
            }
        }
        let mut by_form: HashMap<String, Vec<(usize, FormKind)>> = HashMap::new();
        for (i, a) in agencies.iter().enumerate() {
            let forms = std::iter::once((&a.name, FormKind::Name))
                .chain(a.short.iter().map(|s| (s, FormKind::Short)))
                .chain(a.aliases.iter().map(|s| (s, FormKind::Alias)))
                .chain(a.bare.iter().map(|s| (s, FormKind::Bare)));
            for (form, kind) in forms {
                let entry = by_form.entry(fold(form)).or_default();
                if !entry.iter().any(|(j, _)| *j == i) {
                    entry.push((i, kind));
                }
            }
        }
        // A full name or alias must point at one agency at any date; bare names may
        // repeat (an old and a new unit share a place name only across time).
        for (form, entries) in &by_form {
            for (x, (i, ki)) in entries.iter().enumerate() {
                for (j, kj) in &entries[x + 1..] {
                    if *ki == FormKind::Bare && *kj == FormKind::Bare {
                        continue;
                    }
                    let (a, b) = (&agencies[*i], &agencies[*j]);
                    if periods_overlap(a, b) {
                        return Err(invalid(
                            &a.code,
                            format!(
                                "name `{form}` is also used by `{}` at the same time",
                                b.code
                            ),
                        ));
                    }
                }
            }
        }
        let registry = AgencyRegistry {
            agencies,
            by_code,
            by_form,
        };
        for a in &registry.agencies {
            if a.successor.is_some() {
                registry.follow_successors(&a.code).ok_or_else(|| {
                    invalid(&a.code, "successor chain loops or ends nowhere".into())
                })?;
            }
        }
        Ok(registry)
    }

    pub fn all(&self) -> &[AgencyData] {
        &self.agencies
    }

    pub fn get(&self, code: &str) -> Option<&AgencyData> {
        self.by_code.get(code).map(|&i| &self.agencies[i])
    }

    /// Agencies whose name, short name or alias folds to the same key as `name`,
    /// restricted to those valid on `on` when given. Bare forms are not matched.
    pub fn lookup(&self, name: &str, on: Option<NaiveDate>) -> Vec<&AgencyData> {
        self.lookup_forms(name, on, false)
    }

    /// Like [`lookup`](Self::lookup) but also matches bare forms ("Y tế", "Hà Nội").
    pub fn lookup_with_bare(&self, name: &str, on: Option<NaiveDate>) -> Vec<&AgencyData> {
        self.lookup_forms(name, on, true)
    }

    fn lookup_forms(&self, name: &str, on: Option<NaiveDate>, bare: bool) -> Vec<&AgencyData> {
        let Some(entries) = self.by_form.get(&fold(name)) else {
            return Vec::new();
        };
        let mut out: Vec<&AgencyData> = entries
            .iter()
            .filter(|(_, k)| bare || *k != FormKind::Bare)
            .map(|(i, _)| &self.agencies[*i])
            .filter(|a| on.is_none_or(|d| a.valid_on(d)))
            .collect();
        out.dedup_by(|a, b| a.code == b.code);
        out
    }

    /// The one agency a name designates on a day. Without a day, or when nothing
    /// matches on that day, an agency that matches at any time is followed to its
    /// successor valid on the day (a 2025 notice naming "Bộ Thông tin và Truyền
    /// thông" lands on "Bộ Khoa học và Công nghệ").
    pub fn resolve(&self, name: &str, on: Option<NaiveDate>) -> Option<&AgencyData> {
        let on_day = self.lookup_with_bare(name, on);
        if on_day.len() == 1 {
            return Some(on_day[0]);
        }
        if !on_day.is_empty() {
            // Prefer a full-name, short or alias match over a bare one.
            let strict = self.lookup(name, on);
            return (strict.len() == 1).then(|| strict[0]);
        }
        let any = self.lookup_with_bare(name, None);
        let mut targets: Vec<&AgencyData> = any
            .iter()
            .filter_map(|a| match on {
                Some(day) => self.successor_on(&a.code, day),
                None => self.current(&a.code),
            })
            .collect();
        targets.sort_by(|a, b| a.code.cmp(&b.code));
        targets.dedup_by(|a, b| a.code == b.code);
        (targets.len() == 1).then(|| targets[0])
    }

    /// Follows the successor chain from `code` to the agency that exists on `day`.
    pub fn successor_on(&self, code: &str, day: NaiveDate) -> Option<&AgencyData> {
        let mut current = self.get(code)?;
        for _ in 0..16 {
            if current.valid_on(day) {
                return Some(current);
            }
            current = self.get(current.successor.as_deref()?)?;
        }
        None
    }

    /// The agency that carries `code`'s work today (itself if it still exists).
    pub fn current(&self, code: &str) -> Option<&AgencyData> {
        self.follow_successors(code)
    }

    fn follow_successors(&self, code: &str) -> Option<&AgencyData> {
        let mut current = self.get(code)?;
        for _ in 0..16 {
            if current.is_current() {
                return Some(current);
            }
            current = self.get(current.successor.as_deref()?)?;
        }
        None
    }

    /// The members of a group (`bo-nganh`, `dia-phuong`), valid on `on` when given,
    /// otherwise the current ones.
    pub fn group_members(&self, group: &str, on: Option<NaiveDate>) -> Vec<&AgencyData> {
        self.agencies
            .iter()
            .filter(|a| a.groups.iter().any(|g| g == group))
            .filter(|a| match on {
                Some(day) => a.valid_on(day),
                None => a.is_current(),
            })
            .collect()
    }

    /// Every surface form with its agency, for building a gazetteer.
    pub fn surface_forms(&self) -> impl Iterator<Item = (&str, &AgencyData, FormKind)> {
        self.agencies.iter().flat_map(|a| {
            std::iter::once((a.name.as_str(), a, FormKind::Name))
                .chain(
                    a.short
                        .iter()
                        .map(move |s| (s.as_str(), a, FormKind::Short)),
                )
                .chain(
                    a.aliases
                        .iter()
                        .map(move |s| (s.as_str(), a, FormKind::Alias)),
                )
                .chain(a.bare.iter().map(move |s| (s.as_str(), a, FormKind::Bare)))
        })
    }

    /// The closest known agency name to a misspelt one, for "did you mean" hints:
    /// the agency whose folded name, short name or alias shares the most words.
    pub fn suggest(&self, name: &str) -> Option<&AgencyData> {
        let wanted: Vec<String> = fold(name).split(' ').map(str::to_string).collect();
        if wanted.iter().all(|w| w.is_empty()) {
            return None;
        }
        let mut best: Option<(f64, &AgencyData)> = None;
        for (form, agency, _) in self.surface_forms() {
            if !agency.is_current() {
                continue;
            }
            let key = fold(form);
            let words: Vec<&str> = key.split(' ').collect();
            let common = wanted
                .iter()
                .filter(|w| words.contains(&w.as_str()))
                .count();
            let score = common as f64 / wanted.len().max(words.len()) as f64;
            if score > 0.0 && best.is_none_or(|(s, _)| score > s) {
                best = Some((score, agency));
            }
        }
        best.filter(|(s, _)| *s >= 0.5).map(|(_, a)| a)
    }
}

fn periods_overlap(a: &AgencyData, b: &AgencyData) -> bool {
    let a_from = a.valid_from.unwrap_or(NaiveDate::MIN);
    let a_to = a.valid_to.unwrap_or(NaiveDate::MAX);
    let b_from = b.valid_from.unwrap_or(NaiveDate::MIN);
    let b_to = b.valid_to.unwrap_or(NaiveDate::MAX);
    a_from <= b_to && b_from <= a_to
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const SAMPLE: &str = r#"
[[agency]]
code = "bo-khcn"
kind = "ministry"
name = "Bộ Khoa học và Công nghệ"
short = "Bộ KH&CN"
bare = "Khoa học và Công nghệ"
groups = ["bo-nganh"]

[[agency]]
code = "bo-tttt"
kind = "ministry"
name = "Bộ Thông tin và Truyền thông"
aliases = ["Bộ TT&TT"]
groups = ["bo-nganh"]
valid_to = "2025-02-28"
successor = "bo-khcn"

[[agency]]
code = "ha-noi"
kind = "city"
name = "Ủy ban nhân dân Thành phố Hà Nội"
short = "UBND TP Hà Nội"
bare = "Hà Nội"
groups = ["dia-phuong"]
"#;

    #[test]
    fn resolves_names_aliases_and_successors() {
        let r = AgencyRegistry::from_toml(SAMPLE).unwrap();
        assert_eq!(r.resolve("bộ kh&cn", None).unwrap().code, "bo-khcn");
        assert_eq!(r.resolve("Hà Nội", None).unwrap().code, "ha-noi");
        assert_eq!(r.resolve("UBND TP Ha Noi", None).unwrap().code, "ha-noi");
        // On the document's date the old ministry is itself ...
        let old = r.resolve("Bộ TT&TT", Some(day("2025-02-23"))).unwrap();
        assert_eq!(old.code, "bo-tttt");
        // ... and later it is its successor.
        let later = r
            .resolve("Bộ Thông tin và Truyền thông", Some(day("2025-11-01")))
            .unwrap();
        assert_eq!(later.code, "bo-khcn");
        assert_eq!(r.current("bo-tttt").unwrap().code, "bo-khcn");
        assert!(r.resolve("Bộ Quốc phòng", None).is_none());
    }

    #[test]
    fn groups_depend_on_the_date() {
        let r = AgencyRegistry::from_toml(SAMPLE).unwrap();
        assert_eq!(
            r.group_members("bo-nganh", Some(day("2025-01-01"))).len(),
            2
        );
        assert_eq!(
            r.group_members("bo-nganh", Some(day("2025-03-01"))).len(),
            1
        );
        assert_eq!(r.group_members("bo-nganh", None).len(), 1);
    }

    #[test]
    fn rejects_bad_data() {
        let dup =
            format!("{SAMPLE}\n[[agency]]\ncode = \"ha-noi\"\nkind = \"city\"\nname = \"X\"\n");
        assert!(matches!(
            AgencyRegistry::from_toml(&dup),
            Err(AgencyDataError::Invalid { .. })
        ));
        let clash =
            format!("{SAMPLE}\n[[agency]]\ncode = \"x\"\nkind = \"other\"\nname = \"Bộ KH&CN\"\n");
        assert!(AgencyRegistry::from_toml(&clash).is_err());
        let dangling = SAMPLE.replace("successor = \"bo-khcn\"", "successor = \"nowhere\"");
        assert!(AgencyRegistry::from_toml(&dangling).is_err());
        assert!(matches!(
            AgencyRegistry::from_toml("not toml ["),
            Err(AgencyDataError::Toml(_))
        ));
    }

    #[test]
    fn suggests_the_closest_name() {
        let r = AgencyRegistry::from_toml(SAMPLE).unwrap();
        assert_eq!(r.suggest("Bo Khoa hoc Cong nghe").unwrap().code, "bo-khcn");
        assert!(r.suggest("zzz").is_none());
    }

    #[test]
    fn builtin_registry_has_the_2025_structure() {
        let r = AgencyRegistry::builtin();
        let on = |s: &str| Some(day(s));
        let count = |kinds: &[AgencyKind], date: &str| {
            r.all()
                .iter()
                .filter(|a| kinds.contains(&a.kind) && a.valid_on(day(date)))
                .count()
        };
        assert_eq!(count(&[AgencyKind::Ministry], "2025-07-01"), 14);
        assert_eq!(count(&[AgencyKind::MinisterialAgency], "2025-07-01"), 3);
        assert_eq!(
            count(&[AgencyKind::City, AgencyKind::Province], "2025-07-01"),
            34
        );
        assert_eq!(
            count(&[AgencyKind::City, AgencyKind::Province], "2025-06-30"),
            63
        );
        assert_eq!(r.group_members(GROUP_LOCALITIES, None).len(), 34);
        for (alias, code) in [
            ("Bộ KH&CN", "bo-khcn"),
            ("BCA", "bo-cong-an"),
            ("NHNN", "nhnn"),
            ("UBND TP Hà Nội", "ha-noi"),
            ("Hà Nội", "ha-noi"),
            ("Tập đoàn Điện lực Việt Nam", "evn"),
            ("Đài Truyền hình Việt Nam", "vtv"),
        ] {
            assert_eq!(
                r.resolve(alias, on("2025-11-16")).map(|a| a.code.as_str()),
                Some(code),
                "{alias}"
            );
        }
        // A 2025 notice naming a ministry merged on 1 March lands on its successor.
        assert_eq!(
            r.resolve("Bộ Thông tin và Truyền thông", on("2025-11-16"))
                .unwrap()
                .code,
            "bo-khcn"
        );
        assert_eq!(
            r.resolve("Bộ Thông tin và Truyền thông", on("2025-02-23"))
                .unwrap()
                .code,
            "bo-tttt"
        );
        assert_eq!(
            r.resolve("Quảng Bình", on("2025-09-01")).unwrap().code,
            "quang-tri"
        );
        assert_eq!(r.current("bo-tnmt").unwrap().code, "bo-nnmt");
    }
}
