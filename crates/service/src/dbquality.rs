//! Database quality assessment (issue 6 part 7): the register of national and
//! sectoral databases, the criteria (versioned TOML), assessment rounds (open →
//! self-assessment by the owner → reassessment by the reviewing agency → publish),
//! and the ranking of a round with movement since the previous one. The rules are
//! pure (`tiendo_core::dbquality`); this module checks who may act and keeps the
//! history. See docs/databases.md.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tiendo_core::dbquality::{
    Assessment, Criteria, DEFAULT_CRITERIA, DataBase, Entry, KINDS, Levels, NewDataBase, NewRound,
    Round, RoundResult, STATUSES, Source, check_code, kind_label_en, kind_label_vi, movement,
    parse_register, rank, status_label_en, status_label_vi,
};
use tiendo_core::policy::{Actor, Role, Write};
use tiendo_core::text::nfc;
use tiendo_core::time::{Micros, end_of_day, instant_rfc3339, now_micros};
use tiendo_store::{RuleSetRow, Stamp};
use utoipa::ToSchema;

use crate::{Result, Service, ServiceError, require};

fn x100(v: i64) -> f64 {
    v as f64 / 100.0
}

fn text(field: &str, value: &str, max: usize) -> Result<String> {
    let t = nfc(value.trim());
    if t.is_empty() {
        return Err(ServiceError::invalid(field, "must not be empty"));
    }
    if t.chars().count() > max {
        return Err(ServiceError::invalid(
            field,
            format!("must have at most {max} characters"),
        ));
    }
    Ok(t)
}

fn opt_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(field, v, max).map(Some),
    }
}

// ---------------------------------------------------------------- views

/// A database of the register.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DatabaseView {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// national, sectoral
    pub kind: String,
    pub kind_label: String,
    pub owner_agency_id: i64,
    pub owner_code: String,
    pub owner_name: String,
    pub legal_basis: Option<String>,
    pub notes: Option<String>,
    /// building, operating, retired
    pub status: String,
    pub status_label: String,
}

/// A database to register (admin).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DatabaseInput {
    /// Lowercase letters, digits, hyphens: "csdlqg-dan-cu".
    pub code: String,
    pub name: String,
    /// national, sectoral
    pub kind: String,
    /// The owner agency: id, code, name or alias.
    pub owner: String,
    /// building (default), operating, retired
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub legal_basis: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// One criterion of a rule set.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CriterionView {
    /// dung, du, sach, song, thong_nhat, dung_chung
    pub key: String,
    pub name: String,
    pub name_en: String,
    /// Out of 100 for the six.
    pub weight: i64,
    /// The meaning of each level, from 0 to scale_max.
    pub levels: Vec<String>,
}

/// A criteria rule set.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CriteriaView {
    /// 0 is the built-in default (data/dbquality/default.toml).
    pub version: i64,
    pub name: String,
    pub description: String,
    pub active: bool,
    pub builtin: bool,
    pub created_at: Option<String>,
    /// The reviewing agency's code.
    pub reviewer: String,
    pub scale_max: i64,
    pub criteria: Vec<CriterionView>,
    /// The TOML text (format: docs/databases.md).
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriteriaInput {
    /// The criteria as TOML text (format: docs/databases.md).
    pub body: String,
}

/// A round to open (admin).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundInput {
    /// "Đợt 1 năm 2026"
    pub name: String,
    /// The published round this one corrects (it starts from its assessments).
    #[serde(default)]
    pub replaces: Option<i64>,
    /// Why a correction is needed (required with `replaces`).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A self-assessment by the owner agency's focal point (or the office).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessInput {
    /// The database's code.
    pub database: String,
    /// A level for each of the six criteria: {"dung": 3, "du": 4, …}.
    #[schema(value_type = Object)]
    pub levels: Levels,
    #[serde(default)]
    pub note: Option<String>,
}

/// A reassessment by the reviewing agency's focal point (or the office).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReassessInput {
    pub database: String,
    #[schema(value_type = Object)]
    pub levels: Levels,
    /// A reason for each criterion whose level differs from the self-assessment:
    /// {"sach": "…"}.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub reasons: BTreeMap<String, String>,
    /// Required when the owner has not assessed itself.
    #[serde(default)]
    pub note: Option<String>,
}

/// One criterion's level and points in a score.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CriterionPoints {
    pub key: String,
    pub level: i64,
    pub points: f64,
}

/// One database's assessment in a round, as the actor may see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssessmentView {
    pub database_code: String,
    pub database_name: String,
    pub owner_agency_id: i64,
    pub owner_name: String,
    #[schema(value_type = Option<Object>)]
    pub self_levels: Option<Levels>,
    pub self_note: Option<String>,
    pub self_at: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub review_levels: Option<Levels>,
    #[schema(value_type = Object)]
    pub review_reasons: BTreeMap<String, String>,
    pub review_note: Option<String>,
    pub review_at: Option<String>,
    /// Whose levels count: review, self_assessment; null when not assessed.
    pub source: Option<Source>,
    pub total: Option<f64>,
}

/// A round and the assessments the actor may see.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RoundView {
    pub id: i64,
    pub name: String,
    /// open, published, replaced
    pub state: String,
    pub criteria_version: i64,
    pub replaces: Option<i64>,
    pub replaced_by: Option<i64>,
    pub reason: Option<String>,
    /// SHA-256 of the canonical JSON of the published results (docs/databases.md);
    /// also in the audit history (entity "db_round").
    pub content_hash: Option<String>,
    pub created_at: String,
    pub published_at: Option<String>,
    pub assessed: i64,
    pub reassessed: i64,
    pub assessments: Vec<AssessmentView>,
}

/// One database's place in a round's ranking.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DbRankingRow {
    pub rank: i64,
    pub database_code: String,
    pub database_name: String,
    pub kind: String,
    pub owner_agency_id: i64,
    pub owner_name: String,
    /// review, or self_assessment (not reassessed: shown as such).
    pub source: Source,
    pub criteria: Vec<CriterionPoints>,
    pub total: f64,
    pub previous_rank: Option<i64>,
    /// Places gained since the previous published round (negative: lost); null
    /// when the database was not ranked then.
    pub movement: Option<i64>,
}

/// The ranking of a round: published (stored, immutable) or a preview of an open
/// round (computed now).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DbRanking {
    pub round_id: i64,
    pub round_name: String,
    /// published, replaced, preview
    pub state: String,
    pub content_hash: Option<String>,
    pub published_at: Option<String>,
    pub previous_round_id: Option<i64>,
    pub previous_round_name: Option<String>,
    pub scale_max: i64,
    pub criteria: Vec<CriterionView>,
    pub rows: Vec<DbRankingRow>,
    /// The first three.
    pub best: Vec<DbRankingRow>,
    /// The last three, worst last.
    pub worst: Vec<DbRankingRow>,
    /// Registered databases (not retired) without any assessment in the round.
    pub unassessed: Vec<String>,
}

/// A database's place in each published round.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DatabaseRoundResult {
    pub round_id: i64,
    pub round_name: String,
    /// published, replaced
    pub state: String,
    pub published_at: Option<String>,
    pub rank: i64,
    pub ranked: i64,
    pub source: Source,
    pub criteria: Vec<CriterionPoints>,
    pub total: f64,
}

/// A database with its history of rounds.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DatabaseDetail {
    pub database: DatabaseView,
    /// Oldest first.
    pub rounds: Vec<DatabaseRoundResult>,
}

fn criteria_view(version: i64, row: Option<&RuleSetRow>, body: &str, active: bool) -> CriteriaView {
    let parsed = Criteria::parse(body).ok();
    CriteriaView {
        version,
        name: parsed.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
        description: parsed
            .as_ref()
            .map(|c| c.description.clone())
            .unwrap_or_default(),
        active,
        builtin: row.is_none(),
        created_at: row.map(|r| instant_rfc3339(r.created_at)),
        reviewer: parsed
            .as_ref()
            .map(|c| c.reviewer.clone())
            .unwrap_or_default(),
        scale_max: parsed.as_ref().map_or(0, |c| c.scale_max),
        criteria: parsed.map(|c| criterion_views(&c)).unwrap_or_default(),
        body: body.to_string(),
    }
}

fn criterion_views(c: &Criteria) -> Vec<CriterionView> {
    c.criteria
        .iter()
        .map(|c| CriterionView {
            key: c.key.clone(),
            name: c.name.clone(),
            name_en: c.name_en.clone(),
            weight: c.weight,
            levels: c.levels.clone(),
        })
        .collect()
}

fn parse_criteria(round: &Round) -> Result<Criteria> {
    Criteria::parse(&round.criteria_body)
        .map_err(|e| ServiceError::Internal(format!("criteria of round {}: {e}", round.id)))
}

fn round_state(r: &Round) -> &'static str {
    if r.state == "open" {
        "open"
    } else if r.replaced_by.is_some() {
        "replaced"
    } else {
        "published"
    }
}

/// The round in force at instant `t`: published by then and not replaced by a
/// round published by then; the latest such.
fn in_force_at(rounds: &[Round], t: Micros) -> Option<&Round> {
    let published_by = |r: &Round| r.published_at.is_some_and(|p| p <= t);
    rounds
        .iter()
        .filter(|r| published_by(r))
        .filter(|r| {
            !rounds
                .iter()
                .any(|x| x.replaces == Some(r.id) && published_by(x))
        })
        .max_by_key(|r| (r.published_at, r.id))
}

/// The round a ranking's movement is measured against: the round in force just
/// before `round` was published (now, for an open round), passing over the round
/// it corrects.
fn previous_round<'a>(rounds: &'a [Round], round: &Round) -> Option<&'a Round> {
    let mut t = round.published_at.unwrap_or_else(now_micros) - 1;
    let mut skip = round.replaces;
    for _ in 0..64 {
        let p = in_force_at(
            &rounds
                .iter()
                .filter(|r| r.id != round.id)
                .cloned()
                .collect::<Vec<_>>(),
            t,
        )
        .map(|p| p.id)?;
        let p = rounds.iter().find(|r| r.id == p)?;
        if Some(p.id) == skip {
            t = p.published_at.unwrap_or(0) - 1;
            skip = p.replaces;
            continue;
        }
        return Some(p);
    }
    None
}

/// SHA-256 (hex) of the canonical JSON of a round's results: `{"round", "name",
/// "criteria_version", "results": [{"database", "source", "levels", "total_x100",
/// "rank"}]}`, results by rank, object keys in alphabetical order, no spaces.
pub fn content_hash(
    round: &Round,
    codes: &HashMap<i64, String>,
    results: &[RoundResult],
) -> String {
    let value = serde_json::json!({
        "round": round.id,
        "name": round.name,
        "criteria_version": round.criteria_version,
        "results": results.iter().map(|r| serde_json::json!({
            "database": codes.get(&r.database_id).cloned().unwrap_or_default(),
            "source": r.source.as_str(),
            "levels": r.levels,
            "total_x100": r.total_x100,
            "rank": r.rank,
        })).collect::<Vec<_>>(),
    });
    hex::encode(Sha256::digest(value.to_string().as_bytes()))
}

impl Service {
    // ------------------------------------------------------------ register

    fn database_view(&self, d: &DataBase) -> DatabaseView {
        let owner = self.agency(d.owner_agency_id);
        DatabaseView {
            id: d.id,
            code: d.code.clone(),
            name: d.name.clone(),
            kind: d.kind.clone(),
            kind_label: kind_label_vi(&d.kind).into(),
            owner_agency_id: d.owner_agency_id,
            owner_code: owner.as_ref().map(|a| a.code.clone()).unwrap_or_default(),
            owner_name: owner.map(|a| a.name).unwrap_or_default(),
            legal_basis: d.legal_basis.clone(),
            notes: d.notes.clone(),
            status: d.status.clone(),
            status_label: status_label_vi(&d.status).into(),
        }
    }

    /// The register (everyone signed in reads it), of one kind when given.
    pub async fn list_databases(
        &self,
        _actor: &Actor,
        kind: Option<&str>,
    ) -> Result<Vec<DatabaseView>> {
        if let Some(k) = kind
            && !KINDS.contains(&k)
        {
            return Err(ServiceError::invalid(
                "kind",
                "must be national or sectoral",
            ));
        }
        Ok(self
            .store
            .list_databases()
            .await?
            .iter()
            .filter(|d| kind.is_none_or(|k| d.kind == k))
            .map(|d| self.database_view(d))
            .collect())
    }

    async fn database_by_code(&self, field: &str, code: &str) -> Result<DataBase> {
        self.store
            .get_database_by_code(code.trim())
            .await?
            .ok_or_else(|| match field {
                "code" => ServiceError::NotFound(format!("database '{}'", code.trim())),
                _ => ServiceError::invalid(
                    field,
                    format!("no database '{}' in the register", code.trim()),
                ),
            })
    }

    fn new_database(&self, input: &DatabaseInput) -> Result<NewDataBase> {
        let code = input.code.trim().to_string();
        check_code("code", &code).map_err(|e| ServiceError::invalid(e.path, e.message))?;
        if !KINDS.contains(&input.kind.trim()) {
            return Err(ServiceError::invalid(
                "kind",
                "must be national or sectoral",
            ));
        }
        let status = input.status.as_deref().map(str::trim).unwrap_or("building");
        if !STATUSES.contains(&status) {
            return Err(ServiceError::invalid(
                "status",
                "must be building, operating or retired",
            ));
        }
        let owner = self.resolve_agency("owner", &input.owner, None)?;
        Ok(NewDataBase {
            code,
            name: text("name", &input.name, 300)?,
            kind: input.kind.trim().into(),
            owner_agency_id: owner.id,
            legal_basis: opt_text("legal_basis", input.legal_basis.as_deref(), 2000)?,
            notes: opt_text("notes", input.notes.as_deref(), 4000)?,
            status: status.into(),
        })
    }

    /// Registers a database (the standing office).
    pub async fn create_database(
        &self,
        actor: &Actor,
        input: &DatabaseInput,
    ) -> Result<DatabaseView> {
        require(actor, Write::ManageDatabases)?;
        let d = self.new_database(input)?;
        self.store
            .create_database(&d, &Stamp::now(Some(actor.user_id)))
            .await?;
        let stored = self.database_by_code("code", &d.code).await?;
        Ok(self.database_view(&stored))
    }

    /// Loads a register file (`data/databases.toml` format): registers the
    /// databases whose code is not yet known; returns how many.
    pub async fn load_database_register(&self, actor: &Actor, body: &str) -> Result<usize> {
        require(actor, Write::ManageDatabases)?;
        let entries = parse_register(&nfc(body))
            .map_err(|e| ServiceError::invalid(format!("register.{}", e.path), e.message))?;
        let known: Vec<String> = self
            .store
            .list_databases()
            .await?
            .into_iter()
            .map(|d| d.code)
            .collect();
        let mut created = 0;
        for (i, e) in entries.iter().enumerate() {
            if known.contains(&e.code) {
                continue;
            }
            let d = self
                .new_database(&DatabaseInput {
                    code: e.code.clone(),
                    name: e.name.clone(),
                    kind: e.kind.clone(),
                    owner: e.owner.clone(),
                    status: Some(e.status.clone()),
                    legal_basis: e.legal_basis.clone(),
                    notes: e.notes.clone(),
                })
                .map_err(|err| match err {
                    ServiceError::Invalid { field, message } => {
                        ServiceError::invalid(format!("register.database[{i}].{field}"), message)
                    }
                    other => other,
                })?;
            self.store
                .create_database(&d, &Stamp::now(Some(actor.user_id)))
                .await?;
            created += 1;
        }
        Ok(created)
    }

    /// A database and its place in every published round.
    pub async fn database_detail(&self, actor: &Actor, code: &str) -> Result<DatabaseDetail> {
        let _ = actor;
        let d = self.database_by_code("code", code).await?;
        let rounds = self.store.db_rounds().await?;
        let mut out = Vec::new();
        for r in self.store.db_results_of(d.id).await? {
            let Some(round) = rounds.iter().find(|x| x.id == r.round_id) else {
                continue;
            };
            let criteria = parse_criteria(round)?;
            let ranked = self.store.db_results(round.id).await?.len() as i64;
            out.push(DatabaseRoundResult {
                round_id: round.id,
                round_name: round.name.clone(),
                state: round_state(round).into(),
                published_at: round.published_at.map(instant_rfc3339),
                rank: r.rank,
                ranked,
                source: r.source,
                criteria: points(&criteria, &r.levels),
                total: x100(r.total_x100),
            });
        }
        Ok(DatabaseDetail {
            database: self.database_view(&d),
            rounds: out,
        })
    }

    // ------------------------------------------------------------ criteria

    /// The active criteria: the highest stored version, else the built-in default.
    pub async fn active_db_criteria(&self) -> Result<(i64, String, Criteria)> {
        match self.store.db_criteria().await?.into_iter().next() {
            Some(row) => {
                let c = Criteria::parse(&row.body).map_err(|e| {
                    ServiceError::Internal(format!("stored criteria v{}: {e}", row.version))
                })?;
                Ok((row.version, row.body, c))
            }
            None => Ok((
                0,
                DEFAULT_CRITERIA.to_string(),
                Criteria::default_criteria(),
            )),
        }
    }

    /// Every criteria version, the active one first (the built-in default last).
    pub async fn list_db_criteria(&self, _actor: &Actor) -> Result<Vec<CriteriaView>> {
        let rows = self.store.db_criteria().await?;
        let mut out: Vec<CriteriaView> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| criteria_view(r.version, Some(r), &r.body, i == 0))
            .collect();
        out.push(criteria_view(0, None, DEFAULT_CRITERIA, rows.is_empty()));
        Ok(out)
    }

    /// Stores a new version of the criteria, which new rounds use (admin).
    pub async fn create_db_criteria(
        &self,
        actor: &Actor,
        input: &CriteriaInput,
    ) -> Result<CriteriaView> {
        require(actor, Write::ManageDatabases)?;
        let body = nfc(&input.body);
        let c = Criteria::parse(&body)
            .map_err(|e| ServiceError::invalid(format!("body.{}", e.path), e.message))?;
        self.resolve_agency("body.reviewer", &c.reviewer, None)?;
        let row = self
            .store
            .create_db_criteria(&c.name, &body, &Stamp::now(Some(actor.user_id)))
            .await?;
        Ok(criteria_view(row.version, Some(&row), &row.body, true))
    }

    // ------------------------------------------------------------ rounds

    async fn round(&self, id: i64) -> Result<Round> {
        self.store
            .get_db_round(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("assessment round {id}")))
    }

    fn reviewer_of(&self, criteria: &Criteria) -> Result<i64> {
        self.resolve_agency("reviewer", &criteria.reviewer, None)
            .map(|a| a.id)
            .map_err(|_| {
                ServiceError::Internal(format!("reviewing agency '{}' unknown", criteria.reviewer))
            })
    }

    /// Opens a round (admin). One round is open at a time. A correction names the
    /// published round in force it replaces, says why, keeps that round's criteria
    /// and starts from its assessments.
    pub async fn open_db_round(&self, actor: &Actor, input: &RoundInput) -> Result<RoundView> {
        require(actor, Write::ManageDatabases)?;
        let name = text("name", &input.name, 200)?;
        let reason = opt_text("reason", input.reason.as_deref(), 2000)?;
        let rounds = self.store.db_rounds().await?;
        if let Some(open) = rounds.iter().find(|r| r.state == "open") {
            return Err(ServiceError::Conflict(format!(
                "round {} ('{}') is still open: publish it before opening another",
                open.id, open.name
            )));
        }
        let (version, body) = match input.replaces {
            Some(old) => {
                let replaced = rounds
                    .iter()
                    .find(|r| r.id == old)
                    .ok_or_else(|| ServiceError::invalid("replaces", format!("no round {old}")))?;
                if replaced.state != "published" {
                    return Err(ServiceError::invalid(
                        "replaces",
                        format!("round {old} is not published"),
                    ));
                }
                if let Some(by) = replaced.replaced_by {
                    return Err(ServiceError::Conflict(format!(
                        "round {old} has already been replaced by round {by}"
                    )));
                }
                if reason.is_none() {
                    return Err(ServiceError::invalid("reason", "a correction must say why"));
                }
                (replaced.criteria_version, replaced.criteria_body.clone())
            }
            None => {
                let (v, b, _) = self.active_db_criteria().await?;
                (v, b)
            }
        };
        let id = self
            .store
            .create_db_round(
                &NewRound {
                    name,
                    criteria_version: version,
                    criteria_body: body,
                    replaces: input.replaces,
                    reason,
                },
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        self.get_db_round(actor, id).await
    }

    /// Every round, newest first (without assessments).
    pub async fn list_db_rounds(&self, _actor: &Actor) -> Result<Vec<RoundView>> {
        let rounds = self.store.db_rounds().await?;
        Ok(rounds
            .iter()
            .map(|r| round_view(r, Vec::new(), 0, 0))
            .collect())
    }

    /// Whether the actor sees the assessment of a database owned by `owner`: the
    /// office, viewers and the reviewing agency see all; an owner its own.
    fn sees_assessment(&self, actor: &Actor, owner: i64, reviewer: Option<i64>) -> bool {
        actor.sees_agency(owner)
            || (actor.role == Role::Focal
                && actor.agency_id.is_some()
                && actor.agency_id == reviewer)
    }

    /// A round with the assessments the actor may see.
    pub async fn get_db_round(&self, actor: &Actor, id: i64) -> Result<RoundView> {
        let round = self.round(id).await?;
        let criteria = parse_criteria(&round)?;
        let reviewer = self.reviewer_of(&criteria).ok();
        let databases: HashMap<i64, DataBase> = self
            .store
            .list_databases()
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        let all = self.store.db_assessments(id).await?;
        let assessed = all.iter().filter(|a| a.self_levels.is_some()).count() as i64;
        let reassessed = all.iter().filter(|a| a.review_levels.is_some()).count() as i64;
        let mut views = Vec::new();
        for a in &all {
            let Some(d) = databases.get(&a.database_id) else {
                continue;
            };
            if !self.sees_assessment(actor, d.owner_agency_id, reviewer) {
                continue;
            }
            views.push(self.assessment_view(&criteria, d, a));
        }
        views.sort_by(|a, b| a.database_code.cmp(&b.database_code));
        Ok(round_view(&round, views, assessed, reassessed))
    }

    fn assessment_view(&self, criteria: &Criteria, d: &DataBase, a: &Assessment) -> AssessmentView {
        let effective = a.effective();
        AssessmentView {
            database_code: d.code.clone(),
            database_name: d.name.clone(),
            owner_agency_id: d.owner_agency_id,
            owner_name: self.agency_name(d.owner_agency_id),
            self_levels: a.self_levels.clone(),
            self_note: a.self_note.clone(),
            self_at: a.self_at.map(instant_rfc3339),
            review_levels: a.review_levels.clone(),
            review_reasons: a.review_reasons.clone(),
            review_note: a.review_note.clone(),
            review_at: a.review_at.map(instant_rfc3339),
            source: effective.map(|e| e.1),
            total: effective
                .and_then(|(l, _)| criteria.score(l).ok())
                .map(|s| x100(s.total_x100)),
        }
    }

    /// The owner's self-assessment of one of its databases in an open round.
    pub async fn self_assess(
        &self,
        actor: &Actor,
        round_id: i64,
        input: &AssessInput,
    ) -> Result<RoundView> {
        let d = self.database_by_code("database", &input.database).await?;
        if !actor.may(Write::AssessDatabase {
            owner: d.owner_agency_id,
        }) {
            return Err(ServiceError::Forbidden(format!(
                "only the focal point of {} (the owner) or the standing office assesses '{}'",
                self.agency_name(d.owner_agency_id),
                d.code
            )));
        }
        let round = self.round(round_id).await?;
        if round.state != "open" {
            return Err(ServiceError::Conflict(format!(
                "round {round_id} is published and does not change; a correction is a new round"
            )));
        }
        let criteria = parse_criteria(&round)?;
        criteria
            .check_levels("levels", &input.levels)
            .map_err(|e| ServiceError::invalid(e.path, e.message))?;
        let note = opt_text("note", input.note.as_deref(), 4000)?;
        self.store
            .save_self_assessment(
                round_id,
                d.id,
                &input.levels,
                note.as_deref(),
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        self.get_db_round(actor, round_id).await
    }

    /// The reviewing agency's reassessment of a database in an open round, with
    /// a reason for each criterion changed from the self-assessment.
    pub async fn reassess(
        &self,
        actor: &Actor,
        round_id: i64,
        input: &ReassessInput,
    ) -> Result<RoundView> {
        let d = self.database_by_code("database", &input.database).await?;
        let round = self.round(round_id).await?;
        let criteria = parse_criteria(&round)?;
        let reviewer = self.reviewer_of(&criteria)?;
        if !actor.may(Write::ReassessDatabase {
            reviewer,
            owner: d.owner_agency_id,
        }) {
            return Err(ServiceError::Forbidden(
                if actor.agency_id == Some(reviewer) {
                    format!(
                        "the reviewing agency does not reassess its own database '{}'; the standing office does",
                        d.code
                    )
                } else {
                    format!(
                        "only the reviewing agency ({}) or the standing office reassesses",
                        self.agency_name(reviewer)
                    )
                },
            ));
        }
        if round.state != "open" {
            return Err(ServiceError::Conflict(format!(
                "round {round_id} is published and does not change; a correction is a new round"
            )));
        }
        criteria
            .check_levels("levels", &input.levels)
            .map_err(|e| ServiceError::invalid(e.path, e.message))?;
        let own = self
            .store
            .db_assessments(round_id)
            .await?
            .into_iter()
            .find(|a| a.database_id == d.id)
            .and_then(|a| a.self_levels);
        let note = opt_text("note", input.note.as_deref(), 4000)?;
        let mut reasons = BTreeMap::new();
        match &own {
            Some(own) => {
                for key in criteria.changed(Some(own), &input.levels) {
                    let reason = input
                        .reasons
                        .get(&key)
                        .map(|r| nfc(r.trim()))
                        .unwrap_or_default();
                    if reason.is_empty() {
                        let c = criteria
                            .criterion(&key)
                            .map(|c| c.name.clone())
                            .unwrap_or_default();
                        return Err(ServiceError::invalid(
                            format!("reasons.{key}"),
                            format!(
                                "the level of '{c}' changes from {} to {}: say why",
                                own.get(&key).copied().unwrap_or(0),
                                input.levels.get(&key).copied().unwrap_or(0)
                            ),
                        ));
                    }
                    reasons.insert(key, reason);
                }
            }
            None => {
                if note.is_none() {
                    return Err(ServiceError::invalid(
                        "note",
                        "the owner has not assessed this database: say on what the reassessment rests",
                    ));
                }
                for (k, r) in &input.reasons {
                    if criteria.criterion(k).is_some() && !r.trim().is_empty() {
                        reasons.insert(k.clone(), nfc(r.trim()));
                    }
                }
            }
        }
        self.store
            .save_review(
                round_id,
                d.id,
                &input.levels,
                &reasons,
                note.as_deref(),
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        self.get_db_round(actor, round_id).await
    }

    /// Ranks a round's assessments: the reassessment where given, else the
    /// self-assessment. Returns the results by rank.
    async fn compute_round(&self, round: &Round) -> Result<(Criteria, Vec<RoundResult>)> {
        let criteria = parse_criteria(round)?;
        let codes: HashMap<i64, String> = self
            .store
            .list_databases()
            .await?
            .into_iter()
            .map(|d| (d.id, d.code))
            .collect();
        let mut entries = Vec::new();
        for a in self.store.db_assessments(round.id).await? {
            let Some((levels, source)) = a.effective() else {
                continue;
            };
            let scored = criteria.score(levels).map_err(|e| {
                ServiceError::Internal(format!("stored levels of database {}: {e}", a.database_id))
            })?;
            entries.push(Entry {
                database_id: a.database_id,
                code: codes.get(&a.database_id).cloned().unwrap_or_default(),
                source,
                scored,
            });
        }
        let ranks = rank(&mut entries);
        let results = entries
            .iter()
            .zip(ranks)
            .map(|(e, r)| RoundResult {
                round_id: round.id,
                database_id: e.database_id,
                source: e.source,
                levels: e
                    .scored
                    .criteria
                    .iter()
                    .map(|c| (c.key.clone(), c.level))
                    .collect(),
                total_x100: e.scored.total_x100,
                rank: r,
            })
            .collect();
        Ok((criteria, results))
    }

    /// Publishes an open round (admin): its ranking is stored with its content
    /// hash and never changes.
    pub async fn publish_db_round(&self, actor: &Actor, id: i64) -> Result<DbRanking> {
        require(actor, Write::ManageDatabases)?;
        let round = self.round(id).await?;
        if round.state != "open" {
            return Err(ServiceError::Conflict(format!(
                "round {id} is already published; a correction is a new round that replaces it"
            )));
        }
        let (_, results) = self.compute_round(&round).await?;
        if results.is_empty() {
            return Err(ServiceError::invalid(
                "round",
                "no database has been assessed in this round",
            ));
        }
        let codes: HashMap<i64, String> = self
            .store
            .list_databases()
            .await?
            .into_iter()
            .map(|d| (d.id, d.code))
            .collect();
        let hash = content_hash(&round, &codes, &results);
        self.store
            .publish_db_round(
                id,
                round.revision,
                &results,
                &hash,
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        self.db_ranking(actor, Some(id), None).await
    }

    /// The ranking of a round: a given round (an open one is a preview, not for
    /// focal points), else the round in force at the end of `as_of` (today when
    /// not given), with movement since the round before it.
    pub async fn db_ranking(
        &self,
        actor: &Actor,
        round_id: Option<i64>,
        as_of: Option<NaiveDate>,
    ) -> Result<DbRanking> {
        let rounds = self.store.db_rounds().await?;
        let round = match round_id {
            Some(id) => rounds
                .iter()
                .find(|r| r.id == id)
                .cloned()
                .ok_or_else(|| ServiceError::NotFound(format!("assessment round {id}")))?,
            None => {
                let t = as_of.map(end_of_day).unwrap_or_else(now_micros);
                in_force_at(&rounds, t).cloned().ok_or_else(|| {
                    ServiceError::NotFound("published database assessment round".into())
                })?
            }
        };
        let (criteria, results, state) = if round.state == "open" {
            if actor.role == Role::Focal {
                return Err(ServiceError::Forbidden(
                    "an open round's ranking is a preview for the standing office; focal points see published rounds".into(),
                ));
            }
            let (c, r) = self.compute_round(&round).await?;
            (c, r, "preview")
        } else {
            (
                parse_criteria(&round)?,
                self.store.db_results(round.id).await?,
                round_state(&round),
            )
        };
        let previous = previous_round(&rounds, &round);
        let before: HashMap<i64, i64> = match previous {
            Some(p) => self
                .store
                .db_results(p.id)
                .await?
                .into_iter()
                .map(|r| (r.database_id, r.rank))
                .collect(),
            None => HashMap::new(),
        };
        let databases = self.store.list_databases().await?;
        let by_id: HashMap<i64, &DataBase> = databases.iter().map(|d| (d.id, d)).collect();
        let rows: Vec<DbRankingRow> = results
            .iter()
            .map(|r| {
                let d = by_id.get(&r.database_id);
                let owner = d.map_or(0, |d| d.owner_agency_id);
                let prev = before.get(&r.database_id).copied();
                DbRankingRow {
                    rank: r.rank,
                    database_code: d.map(|d| d.code.clone()).unwrap_or_default(),
                    database_name: d.map(|d| d.name.clone()).unwrap_or_default(),
                    kind: d.map(|d| d.kind.clone()).unwrap_or_default(),
                    owner_agency_id: owner,
                    owner_name: self.agency_name(owner),
                    source: r.source,
                    criteria: points(&criteria, &r.levels),
                    total: x100(r.total_x100),
                    previous_rank: prev,
                    movement: movement(prev, r.rank),
                }
            })
            .collect();
        let ranked: Vec<i64> = results.iter().map(|r| r.database_id).collect();
        let unassessed = databases
            .iter()
            .filter(|d| d.status != "retired" && !ranked.contains(&d.id))
            .map(|d| d.name.clone())
            .collect();
        Ok(DbRanking {
            round_id: round.id,
            round_name: round.name.clone(),
            state: state.into(),
            content_hash: round.content_hash.clone(),
            published_at: round.published_at.map(instant_rfc3339),
            previous_round_id: previous.map(|p| p.id),
            previous_round_name: previous.map(|p| p.name.clone()),
            scale_max: criteria.scale_max,
            criteria: criterion_views(&criteria),
            best: rows.iter().take(3).cloned().collect(),
            worst: rows.iter().rev().take(3).rev().cloned().collect(),
            rows,
            unassessed,
        })
    }
}

fn points(criteria: &Criteria, levels: &Levels) -> Vec<CriterionPoints> {
    criteria
        .criteria
        .iter()
        .map(|c| {
            let level = levels.get(&c.key).copied().unwrap_or(0);
            CriterionPoints {
                key: c.key.clone(),
                level,
                points: x100(criteria.points_x100(c.weight, level)),
            }
        })
        .collect()
}

fn round_view(
    r: &Round,
    assessments: Vec<AssessmentView>,
    assessed: i64,
    reassessed: i64,
) -> RoundView {
    RoundView {
        id: r.id,
        name: r.name.clone(),
        state: round_state(r).into(),
        criteria_version: r.criteria_version,
        replaces: r.replaces,
        replaced_by: r.replaced_by,
        reason: r.reason.clone(),
        content_hash: r.content_hash.clone(),
        created_at: instant_rfc3339(r.created_at),
        published_at: r.published_at.map(instant_rfc3339),
        assessed,
        reassessed,
        assessments,
    }
}

/// English labels of a kind and a status, for the pages.
pub fn labels_en(kind: &str, status: &str) -> (&'static str, &'static str) {
    (kind_label_en(kind), status_label_en(status))
}
