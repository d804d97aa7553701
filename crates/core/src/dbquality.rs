//! Database quality assessment (đánh giá chất lượng cơ sở dữ liệu): the register of
//! national and sectoral databases, the criteria "đúng, đủ, sạch, sống, thống nhất,
//! dùng chung" as a configurable rule set (weights and a scale with a written meaning
//! per level), the score of one assessment, and the ranking of a round.
//!
//! A round is opened by the standing office; the owner agency's focal point assesses
//! its own databases (tự đánh giá); the reviewing agency (Bộ Công an by default)
//! reassesses (thẩm định lại), giving a reason for each criterion it changes; the
//! office publishes the round, which is then immutable. The ranking uses the
//! reassessed levels where present, else the self-assessment, marked as such.
//!
//! All arithmetic is in integers (hundredths of a point), so a round gives the same
//! totals, ranks and content hash on every machine. See `docs/databases.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::time::Micros;

/// The default criteria, `data/dbquality/default.toml`.
pub const DEFAULT_CRITERIA: &str = include_str!("../../../data/dbquality/default.toml");

/// The six criteria every rule set scores, in their usual order.
pub const CRITERIA_KEYS: [&str; 6] = ["dung", "du", "sach", "song", "thong_nhat", "dung_chung"];

/// Levels given to each criterion, by criterion key.
pub type Levels = BTreeMap<String, i64>;

/// National (cơ sở dữ liệu quốc gia) or sectoral (cơ sở dữ liệu chuyên ngành).
pub const KINDS: [&str; 2] = ["national", "sectoral"];

/// Where a database stands: being built, formed and operating, retired.
pub const STATUSES: [&str; 3] = ["building", "operating", "retired"];

pub fn kind_label_vi(kind: &str) -> &'static str {
    match kind {
        "national" => "CSDL quốc gia",
        "sectoral" => "CSDL chuyên ngành",
        _ => "Khác",
    }
}

pub fn kind_label_en(kind: &str) -> &'static str {
    match kind {
        "national" => "National database",
        "sectoral" => "Sectoral database",
        _ => "Other",
    }
}

pub fn status_label_vi(status: &str) -> &'static str {
    match status {
        "building" => "Đang xây dựng",
        "operating" => "Đã hình thành, vận hành",
        "retired" => "Ngừng sử dụng",
        _ => "Khác",
    }
}

pub fn status_label_en(status: &str) -> &'static str {
    match status {
        "building" => "Being built",
        "operating" => "Formed, operating",
        "retired" => "Retired",
        _ => "Other",
    }
}

/// A database of the register (danh mục cơ sở dữ liệu).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataBase {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// national, sectoral
    pub kind: String,
    /// The owner agency (cơ quan chủ quản).
    pub owner_agency_id: i64,
    pub legal_basis: Option<String>,
    pub notes: Option<String>,
    /// building, operating, retired
    pub status: String,
}

/// A database to register, its owner resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDataBase {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub owner_agency_id: i64,
    pub legal_basis: Option<String>,
    pub notes: Option<String>,
    pub status: String,
}

/// An assessment round (đợt đánh giá).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub id: i64,
    pub name: String,
    pub criteria_version: i64,
    /// The criteria text the round was opened with (its scale and weights).
    pub criteria_body: String,
    /// The published round this one corrects.
    pub replaces: Option<i64>,
    pub replaced_by: Option<i64>,
    pub reason: Option<String>,
    /// open, published
    pub state: String,
    /// Incremented by every assessment; publication checks it did not move.
    pub revision: i64,
    pub content_hash: Option<String>,
    pub published_at: Option<Micros>,
    pub published_by: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: Micros,
}

/// A round to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRound {
    pub name: String,
    pub criteria_version: i64,
    pub criteria_body: String,
    pub replaces: Option<i64>,
    pub reason: Option<String>,
}

/// One database's assessment in a round: the owner's self-assessment and the
/// reviewing agency's reassessment, each when given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Assessment {
    pub round_id: i64,
    pub database_id: i64,
    pub self_levels: Option<Levels>,
    pub self_note: Option<String>,
    pub self_by: Option<i64>,
    pub self_at: Option<Micros>,
    pub review_levels: Option<Levels>,
    /// A reason for each criterion whose level differs from the self-assessment.
    pub review_reasons: BTreeMap<String, String>,
    pub review_note: Option<String>,
    pub review_by: Option<i64>,
    pub review_at: Option<Micros>,
}

impl Assessment {
    /// The levels that count and where they come from: the reassessment when
    /// given, else the self-assessment.
    pub fn effective(&self) -> Option<(&Levels, Source)> {
        match (&self.review_levels, &self.self_levels) {
            (Some(r), _) => Some((r, Source::Review)),
            (None, Some(s)) => Some((s, Source::SelfAssessment)),
            (None, None) => None,
        }
    }
}

/// Whose levels a ranked score uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Reassessed by the reviewing agency (thẩm định lại).
    Review,
    /// The owner's self-assessment only (tự đánh giá, chưa thẩm định).
    SelfAssessment,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Review => "review",
            Source::SelfAssessment => "self_assessment",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        match s {
            "review" => Some(Source::Review),
            "self_assessment" => Some(Source::SelfAssessment),
            _ => None,
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Source::Review => "Đã thẩm định",
            Source::SelfAssessment => "Tự đánh giá (chưa thẩm định)",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Source::Review => "Reassessed",
            Source::SelfAssessment => "Self-assessed (not reassessed)",
        }
    }
}

/// A published result: one database's place in a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundResult {
    pub round_id: i64,
    pub database_id: i64,
    pub source: Source,
    pub levels: Levels,
    pub total_x100: i64,
    pub rank: i64,
}

// ---------------------------------------------------------------- criteria

/// One criterion: its weight (out of 100 for all six) and the meaning of each
/// level, from 0 to the scale's maximum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub key: String,
    pub name: String,
    pub name_en: String,
    pub weight: i64,
    pub levels: Vec<String>,
}

/// A criteria rule set, as written in its TOML text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criteria {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The code of the reviewing agency.
    pub reviewer: String,
    pub scale_max: i64,
    #[serde(rename = "criterion")]
    pub criteria: Vec<Criterion>,
}

/// A problem in a rule set or in levels given: where and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct CriteriaError {
    pub path: String,
    pub message: String,
}

fn err(path: &str, message: impl Into<String>) -> CriteriaError {
    CriteriaError {
        path: path.into(),
        message: message.into(),
    }
}

/// One criterion's level and points in a scored assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionScore {
    pub key: String,
    pub level: i64,
    /// weight × level / scale_max, in hundredths of a point, rounded half up.
    pub points_x100: i64,
}

/// An assessment scored: each criterion in the rule set's order, and the total
/// (the sum of the criteria's points, 0–100 in hundredths).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scored {
    pub criteria: Vec<CriterionScore>,
    pub total_x100: i64,
}

impl Criteria {
    /// Reads and checks a rule set.
    pub fn parse(text: &str) -> Result<Criteria, CriteriaError> {
        let c: Criteria = toml::from_str(text).map_err(|e| err("toml", e.to_string()))?;
        c.validate()?;
        Ok(c)
    }

    pub fn default_criteria() -> Criteria {
        Criteria::parse(DEFAULT_CRITERIA).expect("the default criteria are valid")
    }

    pub fn validate(&self) -> Result<(), CriteriaError> {
        if self.name.trim().is_empty() {
            return Err(err("name", "must not be empty"));
        }
        if self.reviewer.trim().is_empty() {
            return Err(err("reviewer", "must name the reviewing agency's code"));
        }
        if !(1..=10).contains(&self.scale_max) {
            return Err(err("scale_max", "must be between 1 and 10"));
        }
        let mut sum = 0;
        for (i, c) in self.criteria.iter().enumerate() {
            let path = format!("criterion[{i}]");
            if !CRITERIA_KEYS.contains(&c.key.as_str()) {
                return Err(err(
                    &format!("{path}.key"),
                    format!(
                        "unknown criterion '{}' (known: {})",
                        c.key,
                        CRITERIA_KEYS.join(", ")
                    ),
                ));
            }
            if self.criteria[..i].iter().any(|o| o.key == c.key) {
                return Err(err(
                    &format!("{path}.key"),
                    format!("'{}' appears twice", c.key),
                ));
            }
            if c.name.trim().is_empty() || c.name_en.trim().is_empty() {
                return Err(err(
                    &format!("{path}.name"),
                    "name and name_en must not be empty",
                ));
            }
            if !(0..=100).contains(&c.weight) {
                return Err(err(&format!("{path}.weight"), "must be between 0 and 100"));
            }
            if c.levels.len() as i64 != self.scale_max + 1 {
                return Err(err(
                    &format!("{path}.levels"),
                    format!(
                        "needs one meaning per level 0..{}: {} expected, {} given",
                        self.scale_max,
                        self.scale_max + 1,
                        c.levels.len()
                    ),
                ));
            }
            if let Some(j) = c.levels.iter().position(|l| l.trim().is_empty()) {
                return Err(err(
                    &format!("{path}.levels[{j}]"),
                    "must say what the level means",
                ));
            }
            sum += c.weight;
        }
        for key in CRITERIA_KEYS {
            if !self.criteria.iter().any(|c| c.key == key) {
                return Err(err("criterion", format!("criterion '{key}' is missing")));
            }
        }
        if sum != 100 {
            return Err(err(
                "criterion",
                format!("the weights must sum to 100 (they sum to {sum})"),
            ));
        }
        Ok(())
    }

    pub fn criterion(&self, key: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.key == key)
    }

    /// Checks levels given for an assessment: every criterion once, each within
    /// the scale. `field` names the input (e.g. "levels").
    pub fn check_levels(&self, field: &str, levels: &Levels) -> Result<(), CriteriaError> {
        for key in levels.keys() {
            if self.criterion(key).is_none() {
                return Err(err(
                    &format!("{field}.{key}"),
                    format!("unknown criterion (known: {})", CRITERIA_KEYS.join(", ")),
                ));
            }
        }
        for c in &self.criteria {
            match levels.get(&c.key) {
                None => {
                    return Err(err(
                        &format!("{field}.{}", c.key),
                        format!("a level 0..{} is required ({})", self.scale_max, c.name),
                    ));
                }
                Some(l) if !(0..=self.scale_max).contains(l) => {
                    return Err(err(
                        &format!("{field}.{}", c.key),
                        format!("level {l} is outside the scale 0..{}", self.scale_max),
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// The points of one criterion at a level: weight × level / scale_max, in
    /// hundredths, rounded half up.
    pub fn points_x100(&self, weight: i64, level: i64) -> i64 {
        let num = weight * level * 100;
        (2 * num + self.scale_max) / (2 * self.scale_max)
    }

    /// Scores checked levels (see [`Criteria::check_levels`]).
    pub fn score(&self, levels: &Levels) -> Result<Scored, CriteriaError> {
        self.check_levels("levels", levels)?;
        let criteria: Vec<CriterionScore> = self
            .criteria
            .iter()
            .map(|c| {
                let level = levels.get(&c.key).copied().unwrap_or(0);
                CriterionScore {
                    key: c.key.clone(),
                    level,
                    points_x100: self.points_x100(c.weight, level),
                }
            })
            .collect();
        let total_x100 = criteria.iter().map(|c| c.points_x100).sum();
        Ok(Scored {
            criteria,
            total_x100,
        })
    }

    /// The criteria whose level in `review` differs from `own` (all of them when
    /// there is no self-assessment), in the rule set's order.
    pub fn changed(&self, own: Option<&Levels>, review: &Levels) -> Vec<String> {
        self.criteria
            .iter()
            .filter(|c| own.and_then(|o| o.get(&c.key)) != review.get(&c.key))
            .map(|c| c.key.clone())
            .collect()
    }
}

// ---------------------------------------------------------------- register

/// The seed register shipped with the product, `data/databases.toml`.
pub const SEED_REGISTER: &str = include_str!("../../../data/databases.toml");

/// One entry of a register file: the owner is an agency code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterEntry {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub owner: String,
    pub status: String,
    #[serde(default)]
    pub legal_basis: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterFile {
    #[serde(rename = "database", default)]
    databases: Vec<RegisterEntry>,
}

/// Reads a register file (`[[database]]` entries), checking kinds, statuses and
/// that codes are unique; owners are resolved by the caller.
pub fn parse_register(text: &str) -> Result<Vec<RegisterEntry>, CriteriaError> {
    let file: RegisterFile = toml::from_str(text).map_err(|e| err("toml", e.to_string()))?;
    for (i, d) in file.databases.iter().enumerate() {
        let path = format!("database[{i}]");
        check_code(&format!("{path}.code"), &d.code)?;
        if d.name.trim().is_empty() {
            return Err(err(&format!("{path}.name"), "must not be empty"));
        }
        if !KINDS.contains(&d.kind.as_str()) {
            return Err(err(&format!("{path}.kind"), "must be national or sectoral"));
        }
        if !STATUSES.contains(&d.status.as_str()) {
            return Err(err(
                &format!("{path}.status"),
                "must be building, operating or retired",
            ));
        }
        if file.databases[..i].iter().any(|o| o.code == d.code) {
            return Err(err(
                &format!("{path}.code"),
                format!("'{}' appears twice", d.code),
            ));
        }
    }
    Ok(file.databases)
}

/// A database code: lowercase ASCII letters, digits and hyphens, 2–60 characters.
pub fn check_code(path: &str, code: &str) -> Result<(), CriteriaError> {
    let ok = (2..=60).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !code.starts_with('-')
        && !code.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(err(
            path,
            "must be 2–60 lowercase letters, digits and hyphens (e.g. csdlqg-dan-cu)",
        ))
    }
}

// ---------------------------------------------------------------- ranking

/// One database to rank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub database_id: i64,
    pub code: String,
    pub source: Source,
    pub scored: Scored,
}

/// Orders entries best first and gives each its place (1, 2, 3, …; no two share
/// a place). The order: the higher total; on equal totals, a reassessed score
/// before a self-assessment only; then the higher points criterion by criterion in
/// the rule set's order (đúng, đủ, sạch, sống, thống nhất, dùng chung); then the
/// database code, alphabetically.
pub fn rank(entries: &mut [Entry]) -> Vec<i64> {
    entries.sort_by(|a, b| {
        b.scored
            .total_x100
            .cmp(&a.scored.total_x100)
            .then_with(|| (a.source != Source::Review).cmp(&(b.source != Source::Review)))
            .then_with(|| {
                let pa: Vec<i64> = a.scored.criteria.iter().map(|c| c.points_x100).collect();
                let pb: Vec<i64> = b.scored.criteria.iter().map(|c| c.points_x100).collect();
                pb.cmp(&pa)
            })
            .then_with(|| a.code.cmp(&b.code))
    });
    (1..=entries.len() as i64).collect()
}

/// Places gained since the previous round (negative: lost); `None` when the
/// database was not ranked then.
pub fn movement(previous_rank: Option<i64>, rank: i64) -> Option<i64> {
    previous_rank.map(|p| p - rank)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(v: [i64; 6]) -> Levels {
        CRITERIA_KEYS
            .iter()
            .zip(v)
            .map(|(k, l)| (k.to_string(), l))
            .collect()
    }

    #[test]
    fn the_default_criteria_are_the_six_of_the_notices_with_weights_summing_to_100() {
        let c = Criteria::default_criteria();
        let keys: Vec<&str> = c.criteria.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, CRITERIA_KEYS);
        let names: Vec<&str> = c.criteria.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["Đúng", "Đủ", "Sạch", "Sống", "Thống nhất", "Dùng chung"]
        );
        assert_eq!(c.criteria.iter().map(|c| c.weight).sum::<i64>(), 100);
        assert_eq!(c.scale_max, 4);
        assert_eq!(c.reviewer, "bo-cong-an");
        assert!(c.criteria.iter().all(|c| c.levels.len() == 5));
    }

    #[test]
    fn scores_by_weight_times_level_over_the_scale() {
        let c = Criteria::default_criteria();
        // Weights 20, 20, 15, 15, 15, 15 on a 0–4 scale.
        // 20×4/4 + 20×3/4 + 15×2/4 + 15×4/4 + 15×1/4 + 15×0/4
        // = 20 + 15 + 7.5 + 15 + 3.75 + 0 = 61.25
        let s = c.score(&levels([4, 3, 2, 4, 1, 0])).unwrap();
        let points: Vec<i64> = s.criteria.iter().map(|c| c.points_x100).collect();
        assert_eq!(points, [2000, 1500, 750, 1500, 375, 0]);
        assert_eq!(s.total_x100, 6125);
        assert_eq!(c.score(&levels([4; 6])).unwrap().total_x100, 10_000);
        assert_eq!(c.score(&levels([0; 6])).unwrap().total_x100, 0);
    }

    #[test]
    fn rounds_half_up_on_a_scale_that_does_not_divide() {
        let text = DEFAULT_CRITERIA
            .replace("scale_max = 4", "scale_max = 3")
            .replace("    \"Từ 95% bản ghi trở lên được đối chiếu, xác thực với nguồn gốc hoặc CSDL quốc gia về dân cư\",\n", "")
            .replace("    \"Từ 95% đối tượng quản lý trở lên có dữ liệu, đủ các trường bắt buộc\",\n", "")
            .replace("    \"Đã làm sạch; tỷ lệ bản ghi lỗi dưới 1%, có quy trình kiểm tra tự động\",\n", "")
            .replace("    \"Cập nhật ngay khi phát sinh (theo thời gian thực) từ nghiệp vụ\",\n", "")
            .replace("    \"Thống nhất chuẩn dữ liệu, mã định danh và đồng bộ với CSDL quốc gia liên quan\",\n", "")
            .replace("    \"Kết nối, chia sẻ rộng rãi; tích hợp về Trung tâm dữ liệu quốc gia; phục vụ dịch vụ công không cần giấy tờ\",\n", "");
        let c = Criteria::parse(&text).unwrap();
        // 20 × 1 / 3 = 6.666… → 6.67; 15 × 2 / 3 = 10.00
        assert_eq!(c.points_x100(20, 1), 667);
        assert_eq!(c.points_x100(15, 2), 1000);
        assert_eq!(c.points_x100(20, 2), 1333);
    }

    #[test]
    fn rule_sets_that_do_not_add_up_are_refused_with_where() {
        let bad = DEFAULT_CRITERIA.replacen("weight = 20", "weight = 25", 1);
        let e = Criteria::parse(&bad).unwrap_err();
        assert_eq!(e.path, "criterion");
        assert!(e.message.contains("sum to 105"), "{e}");
        let bad = DEFAULT_CRITERIA.replace("key = \"song\"", "key = \"ket_noi\"");
        assert_eq!(Criteria::parse(&bad).unwrap_err().path, "criterion[3].key");
        let bad = DEFAULT_CRITERIA.replace("scale_max = 4", "scale_max = 5");
        let e = Criteria::parse(&bad).unwrap_err();
        assert_eq!(e.path, "criterion[0].levels");
    }

    #[test]
    fn levels_must_name_every_criterion_within_the_scale() {
        let c = Criteria::default_criteria();
        let mut l = levels([4, 3, 2, 4, 1, 0]);
        l.remove("sach");
        assert_eq!(
            c.check_levels("levels", &l).unwrap_err().path,
            "levels.sach"
        );
        let mut l = levels([4, 3, 2, 4, 1, 0]);
        l.insert("song".into(), 5);
        let e = c.check_levels("levels", &l).unwrap_err();
        assert_eq!(e.path, "levels.song");
        assert!(e.message.contains("outside the scale 0..4"));
        let mut l = levels([4, 3, 2, 4, 1, 0]);
        l.insert("ket_noi".into(), 1);
        assert_eq!(
            c.check_levels("levels", &l).unwrap_err().path,
            "levels.ket_noi"
        );
    }

    #[test]
    fn the_reassessment_overrides_the_self_assessment() {
        let mut a = Assessment {
            self_levels: Some(levels([4; 6])),
            ..Default::default()
        };
        assert_eq!(a.effective().unwrap().1, Source::SelfAssessment);
        a.review_levels = Some(levels([2; 6]));
        let (l, s) = a.effective().unwrap();
        assert_eq!(s, Source::Review);
        assert_eq!(l["dung"], 2);
        let c = Criteria::default_criteria();
        assert_eq!(
            c.changed(a.self_levels.as_ref(), &levels([4, 4, 2, 4, 4, 3])),
            ["sach", "dung_chung"]
        );
        assert_eq!(c.changed(None, &levels([0; 6])).len(), 6);
    }

    #[test]
    fn the_seed_register_is_valid_and_cites_the_notices() {
        let all = parse_register(SEED_REGISTER).unwrap();
        assert!(all.len() >= 10, "{}", all.len());
        let population = all.iter().find(|d| d.code == "csdlqg-dan-cu").unwrap();
        assert_eq!(population.owner, "bo-cong-an");
        assert_eq!(population.kind, "national");
        // 624/TB-VPCP: 3/12 key databases formed — civil status, land, finance.
        for code in ["csdl-ho-tich-dien-tu", "csdlqg-dat-dai", "csdlqg-tai-chinh"] {
            let d = all.iter().find(|d| d.code == code).unwrap();
            assert_eq!(d.status, "operating", "{code}");
            assert!(
                d.legal_basis
                    .as_deref()
                    .unwrap_or("")
                    .contains("624/TB-VPCP"),
                "{code}"
            );
        }
        let bad = "[[database]]\ncode = \"X\"\nname = \"a\"\nkind = \"national\"\nowner = \"bo-y-te\"\nstatus = \"operating\"\n";
        assert_eq!(parse_register(bad).unwrap_err().path, "database[0].code");
    }

    #[test]
    fn ranking_breaks_ties_by_the_stated_rule() {
        let c = Criteria::default_criteria();
        let e = |id: i64, code: &str, source: Source, l: [i64; 6]| Entry {
            database_id: id,
            code: code.into(),
            source,
            scored: c.score(&levels(l)).unwrap(),
        };
        let mut entries = vec![
            // 20+20+15+15+15+0 = 85, self only
            e(1, "a", Source::SelfAssessment, [4, 4, 4, 4, 4, 0]),
            // 85, reassessed: before the self-assessed 85
            e(2, "b", Source::Review, [4, 4, 4, 4, 4, 0]),
            // 85 as well, reassessed, but weaker on đúng: 10+15+15+15+15+15 = 85
            e(3, "c", Source::Review, [2, 3, 4, 4, 4, 4]),
            // 100
            e(4, "d", Source::SelfAssessment, [4; 6]),
            // 85 reassessed, same points as b: code decides
            e(5, "aa", Source::Review, [4, 4, 4, 4, 4, 0]),
        ];
        let ranks = rank(&mut entries);
        let order: Vec<&str> = entries.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(order, ["d", "aa", "b", "c", "a"]);
        assert_eq!(ranks, [1, 2, 3, 4, 5]);
        assert_eq!(movement(Some(4), 2), Some(2));
        assert_eq!(movement(Some(1), 3), Some(-2));
        assert_eq!(movement(None, 1), None);
    }
}
