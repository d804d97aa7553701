//! Monthly scoring of agencies and leaders (issue 5): rule sets, runs (preview,
//! publish, correct), breakdowns and rankings. The rules are pure
//! (`tiendo_core::scoring`); this module gathers the month's facts from the store in
//! a few bulk reads and aggregates them in memory.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tiendo_core::agency::AgencyKind;
use tiendo_core::policy::{Actor, Role};
use tiendo_core::scoring::{
    Line, Month, Rule, Rules, Tally, competition_ranks, evaluate_assignment, evaluate_commitment,
};
use tiendo_core::text::nfc;
use tiendo_core::time::{end_of_day, instant_rfc3339, today};
use tiendo_store::{NewScoreRun, RuleSetRow, ScoreResultRow, ScoreRunRow, Stamp};
use utoipa::ToSchema;

use crate::{Result, Service, ServiceError};

/// The groups agencies are ranked in.
pub const GROUPS: [&str; 3] = ["central", "provinces", "others"];

/// The ranking group of an agency kind: ministries and central agencies, provinces
/// and centrally-run cities, everything else.
pub fn group_of(kind: &str) -> &'static str {
    match AgencyKind::parse(kind) {
        Some(k) if k.is_central() => "central",
        Some(k) if k.is_local() => "provinces",
        _ => "others",
    }
}

pub(crate) fn group_label(group: &str) -> &'static str {
    match group {
        "central" => "Bộ, cơ quan trung ương",
        "provinces" => "Tỉnh, thành phố",
        "leaders" => "Lãnh đạo chỉ đạo",
        _ => "Cơ quan, đơn vị khác",
    }
}

pub(crate) fn x100(v: i64) -> f64 {
    v as f64 / 100.0
}

/// A rule set: its TOML text and what it says.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RuleSetView {
    /// 0 is the built-in default (data/scoring/default.toml), used until a set is stored.
    pub version: i64,
    pub name: String,
    pub description: String,
    pub active: bool,
    pub builtin: bool,
    pub created_at: Option<String>,
    /// The TOML text (format: docs/scoring.md).
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesInput {
    /// The rule set as TOML text (format: docs/scoring.md).
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreRunInput {
    /// "2025-10"
    pub month: String,
    /// false: compute and show, store nothing (preview); true: publish (admin).
    #[serde(default)]
    pub publish: bool,
    /// The run this one corrects (required when the month already has a run).
    #[serde(default)]
    pub replaces: Option<i64>,
    /// Why a correction was needed.
    #[serde(default)]
    pub reason: Option<String>,
}

/// One agency's or leader's score in a run.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubjectScore {
    /// agency, leader
    pub subject: String,
    pub agency_id: Option<i64>,
    pub agency_code: Option<String>,
    pub agency_name: Option<String>,
    pub leader: Option<String>,
    /// central, provinces, others; leaders
    pub group: String,
    /// 0–100; null when nothing was scorable (no score, not ranked).
    pub score: Option<f64>,
    pub earned: f64,
    pub possible: f64,
    pub lines: i64,
    /// Rank in its group (equal scores share a rank).
    pub rank: Option<i64>,
}

/// A run: previewed (not stored, `id` null) or published.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScoreRunView {
    pub id: Option<i64>,
    pub month: String,
    /// preview, published, replaced
    pub state: String,
    /// The instant the history was read as of: the end of the month's last day.
    pub knowledge_at: String,
    pub rules_version: i64,
    pub replaces: Option<i64>,
    pub replaced_by: Option<i64>,
    pub reason: Option<String>,
    /// SHA-256 of the canonical JSON of the results (docs/scoring.md); also in the
    /// audit history (entity "score_run").
    pub content_hash: String,
    pub created_at: Option<String>,
    pub scored_agencies: i64,
    pub scored_leaders: i64,
    /// The head of the audit chain when this answer was made (after the publishing
    /// event, for a run just published): printed copies anchor the history
    /// (docs/audit.md). Absent from lists.
    pub audit_head: Option<crate::audit::AuditHead>,
    /// Agencies (every agency with an assignment in play), then leaders; no
    /// breakdown lines (see /scores/agencies/{id}).
    pub results: Vec<SubjectScore>,
}

/// One line of a breakdown, for a person.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LineView {
    pub task_id: i64,
    pub assignment_id: i64,
    pub agency_id: i64,
    pub rule: Rule,
    pub label: String,
    pub weight: i64,
    pub points: f64,
    pub possible: f64,
    pub due: Option<chrono::NaiveDate>,
    pub completed_on: Option<chrono::NaiveDate>,
    pub days_late: Option<i64>,
    pub committed_on: Option<chrono::NaiveDate>,
    pub commitment_id: Option<i64>,
}

impl From<&Line> for LineView {
    fn from(l: &Line) -> Self {
        LineView {
            task_id: l.task_id,
            assignment_id: l.assignment_id,
            agency_id: l.agency_id,
            rule: l.rule,
            label: l.rule.label_vi().into(),
            weight: l.weight,
            points: x100(l.points_x100),
            possible: x100(l.possible_x100),
            due: l.due,
            completed_on: l.completed_on,
            days_late: l.days_late,
            committed_on: l.committed_on,
            commitment_id: l.commitment_id,
        }
    }
}

/// An agency's score in the published run of a month, line by line.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScoreBreakdown {
    pub run_id: i64,
    pub month: String,
    pub content_hash: String,
    #[serde(flatten)]
    pub score: SubjectScore,
    pub breakdown: Vec<LineView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RankingRow {
    pub rank: i64,
    pub agency_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    pub score: f64,
    pub previous_rank: Option<i64>,
    pub previous_score: Option<f64>,
    /// Places gained since the previous published month (negative: lost); null
    /// when the agency was not ranked then.
    pub movement: Option<i64>,
}

/// The ranking of one group in the published run of a month.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Ranking {
    pub month: String,
    pub group: String,
    pub group_label: String,
    pub run_id: i64,
    pub previous_month: String,
    pub previous_run_id: Option<i64>,
    pub rows: Vec<RankingRow>,
    /// The first three (fewer in a small group).
    pub best: Vec<RankingRow>,
    /// The last three, worst last.
    pub worst: Vec<RankingRow>,
    /// Agencies of the group with nothing scorable in the month.
    pub unscored: Vec<String>,
}

/// A computed month, before it is stored.
pub struct Computed {
    pub month: Month,
    pub knowledge_at: i64,
    pub rules_version: i64,
    pub rules_body: String,
    pub results: Vec<ScoreResultRow>,
    pub content_hash: String,
    pub assignments_scanned: usize,
}

pub(crate) fn parse_month(text: &str) -> Result<Month> {
    let month = Month::parse(text).ok_or_else(|| {
        ServiceError::invalid("month", "must be a month written YYYY-MM, e.g. 2025-10")
    })?;
    crate::plausible_day("month", month.first_day())?;
    Ok(month)
}

pub(crate) fn no_run(month: &str) -> ServiceError {
    ServiceError::NotFound(format!("published score run for {month}"))
}

impl Service {
    // ------------------------------------------------------------ rules

    /// The active rules: the highest stored version, else the built-in default.
    pub async fn active_rules(&self) -> Result<(i64, String, Rules)> {
        match self.store.rule_sets().await?.into_iter().next() {
            Some(row) => {
                let rules = Rules::parse(&row.body).map_err(|e| {
                    ServiceError::Internal(format!("stored rules v{}: {e}", row.version))
                })?;
                Ok((row.version, row.body, rules))
            }
            None => Ok((
                0,
                tiendo_core::scoring::DEFAULT_RULES.to_string(),
                Rules::default_rules(),
            )),
        }
    }

    fn rule_view(row: Option<&RuleSetRow>, active: bool) -> RuleSetView {
        let (version, body, created_at) = match row {
            Some(r) => (
                r.version,
                r.body.clone(),
                Some(instant_rfc3339(r.created_at)),
            ),
            None => (0, tiendo_core::scoring::DEFAULT_RULES.to_string(), None),
        };
        let parsed = Rules::parse(&body).ok();
        RuleSetView {
            version,
            name: parsed.as_ref().map(|r| r.name.clone()).unwrap_or_default(),
            description: parsed.map(|r| r.description).unwrap_or_default(),
            active,
            builtin: row.is_none(),
            created_at,
            body,
        }
    }

    /// Every rule set, active first (the built-in default last).
    pub async fn list_rule_sets(&self, _actor: &Actor) -> Result<Vec<RuleSetView>> {
        let rows = self.store.rule_sets().await?;
        let mut out: Vec<RuleSetView> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| Service::rule_view(Some(r), i == 0))
            .collect();
        out.push(Service::rule_view(None, rows.is_empty()));
        Ok(out)
    }

    /// Stores a new version of the rules, which new runs use (admin).
    pub async fn create_rule_set(&self, actor: &Actor, input: &RulesInput) -> Result<RuleSetView> {
        if actor.role != Role::Admin {
            return Err(ServiceError::Forbidden(
                "only the standing office changes the scoring rules".into(),
            ));
        }
        let body = nfc(&input.body);
        let rules = Rules::parse(&body)
            .map_err(|e| ServiceError::invalid(format!("body.{}", e.path), e.message))?;
        let row = self
            .store
            .create_rule_set(&rules.name, &body, &Stamp::now(Some(actor.user_id)))
            .await?;
        Ok(Service::rule_view(Some(&row), true))
    }

    // ------------------------------------------------------------ computing

    /// Computes every agency's and leader's score for `month` from the history as
    /// known at the end of its last day: one scan of the scorable assignment spans,
    /// the tasks' weights and leaders, the month's reports and commitments.
    pub async fn compute_month(&self, month: Month) -> Result<Computed> {
        let (rules_version, rules_body, rules) = self.active_rules().await?;
        let first = month.first_day();
        let last = month.last_day();
        let knowledge_at = end_of_day(last);
        let (scan, tasks, reported, commitments) = tokio::try_join!(
            self.store.score_scan(first, last),
            self.store.score_tasks(knowledge_at),
            self.store.score_reported(first, last, knowledge_at),
            self.store.score_commitments(first, last),
        )?;
        let reported: HashSet<i64> = reported.into_iter().collect();
        // task id → (weight, leader index)
        let mut leaders_by_name: BTreeMap<String, usize> = BTreeMap::new();
        let mut leader_names: Vec<String> = Vec::new();
        let mut task_info: HashMap<i64, (i64, Option<usize>)> = HashMap::with_capacity(tasks.len());
        for t in &tasks {
            let leader = t
                .leader
                .as_deref()
                .map(|l| nfc(l.trim()))
                .filter(|l| !l.is_empty())
                .map(|l| {
                    *leaders_by_name.entry(l.clone()).or_insert_with(|| {
                        leader_names.push(l);
                        leader_names.len() - 1
                    })
                });
            task_info.insert(
                t.task_id,
                (rules.weight(t.priority, t.field.as_deref()), leader),
            );
        }
        let mut agencies: BTreeMap<i64, Tally> = BTreeMap::new();
        let mut leaders: Vec<Tally> = vec![Tally::default(); leader_names.len()];
        let mut take = |line: Line, leader: Option<usize>| {
            if let Some(l) = leader {
                leaders[l].add(line);
            }
            agencies.entry(line.agency_id).or_default().add(line);
        };
        for a in &scan {
            let Some(&(weight, leader)) = task_info.get(&a.task_id) else {
                continue;
            };
            if let Some(line) = evaluate_assignment(
                &rules,
                month,
                a,
                weight,
                reported.contains(&a.assignment_id),
            ) {
                take(line, leader);
            }
        }
        for c in &commitments {
            let Some(&(weight, leader)) = task_info.get(&c.task_id) else {
                continue;
            };
            if let Some(line) = evaluate_commitment(&rules, month, c, weight) {
                take(line, leader);
            }
        }
        // Results: agencies by id, then leaders by name; ranks within groups.
        let mut results: Vec<ScoreResultRow> =
            Vec::with_capacity(agencies.len() + leader_names.len());
        let kinds: HashMap<i64, String> =
            self.with_agencies_list(|all| all.iter().map(|a| (a.id, a.kind.clone())).collect());
        for (agency_id, tally) in &mut agencies {
            let grp = kinds.get(agency_id).map_or("others", |k| group_of(k));
            results.push(result_row("agency", Some(*agency_id), None, grp, tally));
        }
        for (name, index) in &leaders_by_name {
            let tally = &mut leaders[*index];
            if tally.lines.is_empty() {
                continue;
            }
            results.push(result_row(
                "leader",
                None,
                Some(name.clone()),
                "leaders",
                tally,
            ));
        }
        for grp in ["central", "provinces", "others", "leaders"] {
            let idx: Vec<usize> = (0..results.len())
                .filter(|i| results[*i].grp == grp && results[*i].score_x100.is_some())
                .collect();
            let scores: Vec<i64> = idx
                .iter()
                .map(|i| results[*i].score_x100.unwrap_or(0))
                .collect();
            for (i, rank) in idx.iter().zip(competition_ranks(&scores)) {
                results[*i].rank_in_group = Some(rank);
            }
        }
        let content_hash = content_hash(&month.to_string(), knowledge_at, rules_version, &results);
        Ok(Computed {
            month,
            knowledge_at,
            rules_version,
            rules_body,
            results,
            content_hash,
            assignments_scanned: scan.len(),
        })
    }

    /// Scores a month: a preview (nothing stored) or, with `publish`, a published
    /// run (admin). A month's first run has no `replaces`; a correction names the
    /// run in force it replaces and says why.
    pub async fn score_month(
        &self,
        actor: &Actor,
        month: &str,
        preview: bool,
    ) -> Result<ScoreRunView> {
        self.run_scoring(
            actor,
            &ScoreRunInput {
                month: month.into(),
                publish: !preview,
                replaces: None,
                reason: None,
            },
        )
        .await
    }

    pub async fn run_scoring(&self, actor: &Actor, input: &ScoreRunInput) -> Result<ScoreRunView> {
        let month = parse_month(&input.month)?;
        if actor.role == Role::Focal {
            return Err(ServiceError::Forbidden(
                "a focal point sees its own agency's published score, not whole runs".into(),
            ));
        }
        if !input.publish {
            let computed = self.compute_month(month).await?;
            let mut view = self.run_view(None, &computed.results, &computed);
            view.audit_head = Some(self.audit_head().await?);
            return Ok(view);
        }
        self.publish_run(actor, month, input.replaces, input.reason.as_deref(), None)
            .await
    }

    /// Publishes (or corrects) a month's run (admin); with `expected_hash`, only
    /// when the month still computes to the results that were previewed.
    pub(crate) async fn publish_run(
        &self,
        actor: &Actor,
        month: Month,
        replaces: Option<i64>,
        reason: Option<&str>,
        expected_hash: Option<&str>,
    ) -> Result<ScoreRunView> {
        if actor.role != Role::Admin {
            return Err(ServiceError::Forbidden(
                "only the standing office publishes scores".into(),
            ));
        }
        if month.last_day() >= today() {
            return Err(ServiceError::invalid(
                "month",
                "a month can be published only after it has ended",
            ));
        }
        let reason = reason.map(|r| nfc(r.trim())).filter(|r| !r.is_empty());
        let head = self.store.head_score_run(&month.to_string()).await?;
        match (replaces, &head) {
            (None, Some(h)) => {
                return Err(ServiceError::Conflict(format!(
                    "{month} already has a published run ({}); a correction is a new run with \"replaces\": {} and a reason",
                    h.id, h.id
                )));
            }
            (Some(r), Some(h)) if r != h.id => {
                return Err(ServiceError::Conflict(format!(
                    "run {r} is not the run in force for {month} (that is run {})",
                    h.id
                )));
            }
            (Some(_), None) => {
                return Err(ServiceError::invalid(
                    "replaces",
                    format!("{month} has no published run to replace"),
                ));
            }
            (Some(_), Some(_)) if reason.is_none() => {
                return Err(ServiceError::invalid("reason", "a correction must say why"));
            }
            _ => {}
        }
        let computed = self.compute_month(month).await?;
        if expected_hash.is_some_and(|h| h != computed.content_hash) {
            return Err(ServiceError::Conflict(format!(
                "the scores of {month} changed since the preview; preview the month again before publishing"
            )));
        }
        let id = self
            .store
            .create_score_run(
                &NewScoreRun {
                    month: month.to_string(),
                    knowledge_at: computed.knowledge_at,
                    rules_version: computed.rules_version,
                    rules_body: computed.rules_body.clone(),
                    replaces,
                    reason,
                    content_hash: computed.content_hash.clone(),
                    results: computed.results,
                },
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        self.get_score_run(actor, id).await
    }

    fn subject_view(&self, r: &ScoreResultRow) -> SubjectScore {
        let agency = r.agency_id.and_then(|id| self.agency(id));
        SubjectScore {
            subject: r.subject.clone(),
            agency_id: r.agency_id,
            agency_code: agency.as_ref().map(|a| a.code.clone()),
            agency_name: agency.map(|a| a.name),
            leader: r.leader.clone(),
            group: r.grp.clone(),
            score: r.score_x100.map(x100),
            earned: x100(r.earned_x100),
            possible: x100(r.possible_x100),
            lines: r.lines,
            rank: r.rank_in_group,
        }
    }

    fn run_view(
        &self,
        row: Option<&ScoreRunRow>,
        results: &[ScoreResultRow],
        computed: &Computed,
    ) -> ScoreRunView {
        let scored = |s: &str| {
            results
                .iter()
                .filter(|r| r.subject == s && r.score_x100.is_some())
                .count() as i64
        };
        ScoreRunView {
            id: row.map(|r| r.id),
            month: computed.month.to_string(),
            state: "preview".into(),
            knowledge_at: instant_rfc3339(computed.knowledge_at),
            rules_version: computed.rules_version,
            replaces: None,
            replaced_by: None,
            reason: None,
            content_hash: computed.content_hash.clone(),
            created_at: None,
            scored_agencies: scored("agency"),
            scored_leaders: scored("leader"),
            audit_head: None,
            results: results.iter().map(|r| self.subject_view(r)).collect(),
        }
    }

    fn stored_run_view(&self, row: &ScoreRunRow, results: &[ScoreResultRow]) -> ScoreRunView {
        ScoreRunView {
            id: Some(row.id),
            month: row.month.clone(),
            state: if row.replaced_by.is_some() {
                "replaced"
            } else {
                "published"
            }
            .into(),
            knowledge_at: instant_rfc3339(row.knowledge_at),
            rules_version: row.rules_version,
            replaces: row.replaces,
            replaced_by: row.replaced_by,
            reason: row.reason.clone(),
            content_hash: row.content_hash.clone(),
            created_at: Some(instant_rfc3339(row.created_at)),
            scored_agencies: row.scored_agencies,
            scored_leaders: row.scored_leaders,
            audit_head: None,
            results: results.iter().map(|r| self.subject_view(r)).collect(),
        }
    }

    // ------------------------------------------------------------ reading

    /// Published runs (without results), newest first.
    pub async fn list_score_runs(
        &self,
        _actor: &Actor,
        month: Option<&str>,
    ) -> Result<Vec<ScoreRunView>> {
        if let Some(m) = month {
            parse_month(m)?;
        }
        let rows = self.store.score_runs(month).await?;
        Ok(rows.iter().map(|r| self.stored_run_view(r, &[])).collect())
    }

    /// One published run with its results; a focal point sees only its agency's.
    pub async fn get_score_run(&self, actor: &Actor, id: i64) -> Result<ScoreRunView> {
        let row = self
            .store
            .get_score_run(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("score run".into()))?;
        let results = match actor.confined_to() {
            Some(agency) => self.store.score_results(id, false, Some(agency)).await?,
            None => self.store.score_results(id, false, None).await?,
        };
        let mut view = self.stored_run_view(&row, &results);
        view.audit_head = Some(self.audit_head().await?);
        Ok(view)
    }

    /// An agency's score in the run in force for a month, with its breakdown.
    pub async fn agency_score(
        &self,
        actor: &Actor,
        agency_id: i64,
        month: &str,
    ) -> Result<ScoreBreakdown> {
        parse_month(month)?;
        if !actor.sees_agency(agency_id) {
            return Err(ServiceError::Forbidden(
                "a focal point sees only its own agency's score".into(),
            ));
        }
        if self.agency(agency_id).is_none() {
            return Err(ServiceError::NotFound("agency".into()));
        }
        let run = self
            .store
            .head_score_run(month)
            .await?
            .ok_or_else(|| no_run(month))?;
        let result = self
            .store
            .score_results(run.id, true, Some(agency_id))
            .await?
            .into_iter()
            .next();
        let (score, lines) = match result {
            Some(r) => {
                let lines: Vec<Line> = serde_json::from_str(&r.breakdown).map_err(|e| {
                    ServiceError::Internal(format!("breakdown of run {}: {e}", run.id))
                })?;
                (self.subject_view(&r), lines)
            }
            None => {
                let kind = self.agency(agency_id).map(|a| a.kind).unwrap_or_default();
                (
                    self.subject_view(&ScoreResultRow {
                        subject: "agency".into(),
                        agency_id: Some(agency_id),
                        leader: None,
                        grp: group_of(&kind).into(),
                        score_x100: None,
                        earned_x100: 0,
                        possible_x100: 0,
                        lines: 0,
                        rank_in_group: None,
                        breakdown: String::new(),
                    }),
                    Vec::new(),
                )
            }
        };
        Ok(ScoreBreakdown {
            run_id: run.id,
            month: run.month,
            content_hash: run.content_hash,
            score,
            breakdown: lines.iter().map(LineView::from).collect(),
        })
    }
}

fn result_row(
    subject: &str,
    agency_id: Option<i64>,
    leader: Option<String>,
    grp: &str,
    tally: &mut Tally,
) -> ScoreResultRow {
    tally
        .lines
        .sort_by_key(|l| (l.task_id, l.assignment_id, l.commitment_id.unwrap_or(0)));
    ScoreResultRow {
        subject: subject.into(),
        agency_id,
        leader,
        grp: grp.into(),
        score_x100: tally.score_x100(),
        earned_x100: tally.earned_x100,
        possible_x100: tally.possible_x100,
        lines: tally.lines.len() as i64,
        rank_in_group: None,
        breakdown: serde_json::to_string(&tally.lines).unwrap_or_else(|_| "[]".into()),
    }
}

/// SHA-256 (hex) of the canonical JSON of a run's results: `{"month", "knowledge_at",
/// "rules_version", "results": [{"subject", "agency_id", "leader", "group",
/// "score_x100", "earned_x100", "possible_x100", "rank", "breakdown": [lines]}]}`,
/// agencies by id then leaders by name, lines by task, assignment, commitment; no
/// spaces. See docs/scoring.md.
pub fn content_hash(
    month: &str,
    knowledge_at: i64,
    rules_version: i64,
    results: &[ScoreResultRow],
) -> String {
    let mut h = Sha256::new();
    h.update(
        format!(
            "{{\"month\":{},\"knowledge_at\":{knowledge_at},\"rules_version\":{rules_version},\"results\":[",
            serde_json::Value::from(month)
        )
        .as_bytes(),
    );
    for (i, r) in results.iter().enumerate() {
        let head = serde_json::json!({
            "subject": r.subject, "agency_id": r.agency_id, "leader": r.leader, "group": r.grp,
            "score_x100": r.score_x100, "earned_x100": r.earned_x100, "possible_x100": r.possible_x100, "rank": r.rank_in_group,
        })
        .to_string();
        if i > 0 {
            h.update(b",");
        }
        h.update(&head.as_bytes()[..head.len() - 1]);
        h.update(b",\"breakdown\":");
        h.update(r.breakdown.as_bytes());
        h.update(b"}");
    }
    h.update(b"]}");
    hex::encode(h.finalize())
}
