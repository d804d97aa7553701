//! Rankings of a month (xếp hạng): the published ranking of a group with each
//! agency's movement since the previous month, and for the standing office the
//! preview of a month against what is published, then its publication (the
//! pages `/xep-hang/tinh-diem`; the API and CLI use `run_scoring`).
//!
//! Places are tie-aware ("1, 1, 3") and computed here, from the scores, for the
//! month shown and the month before (`tiendo_core::ranking`): movement compares
//! places, never positions in a sorted list, whatever a stored run holds.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use tiendo_core::policy::{Actor, Role};
use tiendo_core::ranking::{movement, places};
use tiendo_core::scoring::Month;
use tiendo_core::time::{instant_rfc3339, today};
use tiendo_store::ScoreResultRow;
use utoipa::ToSchema;

use crate::scoring::{
    GROUPS, Ranking, RankingRow, ScoreRunView, group_label, no_run, parse_month, x100,
};
use crate::{Result, Service, ServiceError};

/// An agency whose place or score in a preview differs from the published run.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PreviewChange {
    pub agency_id: i64,
    pub agency_name: String,
    pub group: String,
    pub published_rank: Option<i64>,
    pub published_score: Option<f64>,
    pub rank: Option<i64>,
    pub score: Option<f64>,
}

/// A month computed for the office and not stored: its rankings, and what
/// differs from the run in force for the month, if there is one.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScorePreview {
    /// "2025-11"
    pub month: String,
    /// The hash the publication must still compute to (docs/scoring.md).
    pub content_hash: String,
    pub rules_version: i64,
    pub knowledge_at: String,
    pub scored_agencies: i64,
    /// The run in force for the month, when one is published.
    pub published_run_id: Option<i64>,
    pub published_hash: Option<String>,
    /// The month has ended, so it may be published.
    pub can_publish: bool,
    /// One ranking per group (`run_id` 0), movement against the previous month.
    pub groups: Vec<Ranking>,
    /// Agencies whose place or score differs from the published run.
    pub changes: Vec<PreviewChange>,
}

/// Computing and publishing a month in the pages is the standing office's.
fn office_only(actor: &Actor) -> Result<()> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "only the standing office computes and publishes monthly scores".into(),
        ))
    }
}

/// A month that can be scored: written YYYY-MM and not after the current one.
fn scorable_month(text: &str) -> Result<Month> {
    let m = parse_month(text)?;
    if m.first_day() > today() {
        return Err(ServiceError::invalid(
            "month",
            "a month in the future cannot be scored yet",
        ));
    }
    Ok(m)
}

/// Each scored agency of `group`: its tie-aware place and its score.
fn group_places(results: &[ScoreResultRow], group: &str) -> HashMap<i64, (i64, i64)> {
    let scores: Vec<(i64, i64)> = results
        .iter()
        .filter(|r| r.subject == "agency" && r.grp == group)
        .filter_map(|r| Some((r.agency_id?, r.score_x100?)))
        .collect();
    let place = places(&scores);
    scores.iter().map(|(a, s)| (*a, (place[a], *s))).collect()
}

impl Service {
    /// Whether the actor may compute and publish months in the pages (403 else).
    pub fn may_score_months(&self, actor: &Actor) -> Result<()> {
        office_only(actor)
    }

    /// The ranking of a group in the run in force for a month, with each agency's
    /// movement since the previous month's run in force.
    pub async fn ranking(&self, _actor: &Actor, month: &str, group: &str) -> Result<Ranking> {
        let m = parse_month(month)?;
        if !GROUPS.contains(&group) {
            return Err(ServiceError::invalid(
                "group",
                "must be central, provinces or others",
            ));
        }
        let run = self
            .store
            .head_score_run(month)
            .await?
            .ok_or_else(|| no_run(month))?;
        let current = self.store.score_results(run.id, false, None).await?;
        let (previous_run_id, previous) = self.previous_results(m).await?;
        Ok(self.build_ranking(m, group, run.id, &current, previous_run_id, &previous))
    }

    /// The results of the run in force for the month before `m` (none when
    /// nothing is published for it).
    async fn previous_results(&self, m: Month) -> Result<(Option<i64>, Vec<ScoreResultRow>)> {
        match self.store.head_score_run(&m.prev().to_string()).await? {
            Some(p) => Ok((
                Some(p.id),
                self.store.score_results(p.id, false, None).await?,
            )),
            None => Ok((None, Vec::new())),
        }
    }

    fn build_ranking(
        &self,
        m: Month,
        group: &str,
        run_id: i64,
        current: &[ScoreResultRow],
        previous_run_id: Option<i64>,
        previous: &[ScoreResultRow],
    ) -> Ranking {
        let before = group_places(previous, group);
        let now = group_places(current, group);
        let mut rows = Vec::new();
        let mut unscored = Vec::new();
        for r in current {
            let (true, Some(agency_id)) = (r.subject == "agency" && r.grp == group, r.agency_id)
            else {
                continue;
            };
            let agency = self.agency(agency_id);
            let name = agency.as_ref().map(|a| a.name.clone()).unwrap_or_default();
            let Some(&(rank, score)) = now.get(&agency_id) else {
                unscored.push(name);
                continue;
            };
            let prev = before.get(&agency_id);
            rows.push(RankingRow {
                rank,
                agency_id,
                agency_code: agency.map(|a| a.code).unwrap_or_default(),
                agency_name: name,
                score: x100(score),
                previous_rank: prev.map(|p| p.0),
                previous_score: prev.map(|p| x100(p.1)),
                movement: movement(prev.map(|p| p.0), rank),
            });
        }
        rows.sort_by(|a, b| {
            a.rank
                .cmp(&b.rank)
                .then_with(|| a.agency_name.cmp(&b.agency_name))
        });
        let best: Vec<RankingRow> = rows.iter().take(3).cloned().collect();
        let worst: Vec<RankingRow> = rows.iter().rev().take(3).rev().cloned().collect();
        Ranking {
            month: m.to_string(),
            group: group.into(),
            group_label: group_label(group).into(),
            run_id,
            previous_month: m.prev().to_string(),
            previous_run_id,
            rows,
            best,
            worst,
            unscored,
        }
    }

    /// Computes `month` for the office without storing anything: its rankings
    /// (movement against the previous published month) and what differs from the
    /// run in force for the month. A month after the current one is refused.
    pub async fn preview_scores(&self, actor: &Actor, month: &str) -> Result<ScorePreview> {
        office_only(actor)?;
        let m = scorable_month(month)?;
        let computed = self.compute_month(m).await?;
        let head = self.store.head_score_run(&m.to_string()).await?;
        let published = match &head {
            Some(h) => self.store.score_results(h.id, false, None).await?,
            None => Vec::new(),
        };
        let (previous_run_id, previous) = self.previous_results(m).await?;
        let groups: Vec<Ranking> = GROUPS
            .iter()
            .map(|g| self.build_ranking(m, g, 0, &computed.results, previous_run_id, &previous))
            .collect();
        let mut changes = Vec::new();
        if head.is_some() {
            for g in GROUPS {
                let (new, old) = (
                    group_places(&computed.results, g),
                    group_places(&published, g),
                );
                let ids: BTreeSet<i64> = new.keys().chain(old.keys()).copied().collect();
                let mut in_group: Vec<PreviewChange> = ids
                    .into_iter()
                    .filter(|a| new.get(a) != old.get(a))
                    .map(|a| PreviewChange {
                        agency_id: a,
                        agency_name: self.agency_name(a),
                        group: g.into(),
                        published_rank: old.get(&a).map(|p| p.0),
                        published_score: old.get(&a).map(|p| x100(p.1)),
                        rank: new.get(&a).map(|p| p.0),
                        score: new.get(&a).map(|p| x100(p.1)),
                    })
                    .collect();
                in_group.sort_by(|a, b| a.agency_name.cmp(&b.agency_name));
                changes.extend(in_group);
            }
        }
        let scored_agencies = computed
            .results
            .iter()
            .filter(|r| r.subject == "agency" && r.score_x100.is_some())
            .count() as i64;
        Ok(ScorePreview {
            month: m.to_string(),
            content_hash: computed.content_hash,
            rules_version: computed.rules_version,
            knowledge_at: instant_rfc3339(computed.knowledge_at),
            scored_agencies,
            published_run_id: head.as_ref().map(|h| h.id),
            published_hash: head.map(|h| h.content_hash),
            can_publish: m.last_day() < today(),
            groups,
            changes,
        })
    }

    /// Publishes the month the office previewed: refused when it now computes to
    /// other results than `expected_hash` (preview again). When the month already
    /// has a run in force, this is a correction of it and `reason` is required.
    /// The store writes the run and its audit entry in one transaction.
    pub async fn publish_scores(
        &self,
        actor: &Actor,
        month: &str,
        expected_hash: &str,
        reason: Option<&str>,
    ) -> Result<ScoreRunView> {
        office_only(actor)?;
        let m = scorable_month(month)?;
        let head = self.store.head_score_run(&m.to_string()).await?;
        self.publish_run(actor, m, head.map(|h| h.id), reason, Some(expected_hash))
            .await
    }
}
