//! The calendar's causes of one day: deadline reminders, weekly overdue notices,
//! digests and broken commitments, grouped by agency so that a focal point with
//! twenty tasks due gets one notice listing them, not twenty.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use tiendo_core::notify::{Rule, Rules, Trigger};
use tiendo_core::time::{end_of_day, start_of_day};
use tiendo_store::{KnownAssignment, NewCause};

use crate::{Result, Service};

/// A notice lists at most this many assignments; the count says how many in all.
pub const LISTED: usize = 200;

impl Service {
    /// The causes the rules set off on `day`, from what was known at its end.
    pub async fn plan_day(&self, rules: &Rules, day: NaiveDate) -> Result<Vec<NewCause>> {
        let mut out = Vec::new();
        // Read once, shared by the rules that need them.
        let mut overdue: Option<Vec<KnownAssignment>> = None;
        for rule in rules.rule.iter().filter(|r| r.fires_on(day)) {
            match rule.when {
                Trigger::BeforeDeadline | Trigger::AfterDeadline => {
                    let Some(due) = rule.deadline_on(day) else {
                        continue;
                    };
                    let open = self.store.open_due_on(due, day).await?;
                    for (agency, ids) in by_agency(&open) {
                        out.push(cause(
                            rule,
                            day,
                            format!("agency:{agency}:due:{due}"),
                            Some(agency),
                            serde_json::json!({"assignments": listed(&ids), "count": ids.len(), "due": due, "days": rule.days}),
                        ));
                    }
                }
                Trigger::OverdueWeekly => {
                    let list = self.overdue_once(&mut overdue, day).await?;
                    for (agency, ids) in by_agency(list) {
                        out.push(cause(
                            rule,
                            day,
                            format!("agency:{agency}"),
                            Some(agency),
                            serde_json::json!({"assignments": listed(&ids), "count": ids.len()}),
                        ));
                    }
                }
                Trigger::AgencyDigest => {
                    let week_end = day + Duration::days(7);
                    let soon = by_agency(&self.store.open_due_between(day, week_end, day).await?);
                    let late = by_agency(self.overdue_once(&mut overdue, day).await?);
                    let reviews = self
                        .store
                        .agency_review_counts(
                            start_of_day(day - Duration::days(7)),
                            end_of_day(day),
                        )
                        .await?;
                    let mut commitments: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
                    for (_, assignment, agency, _) in self
                        .store
                        .commitments_between(day, week_end, end_of_day(day))
                        .await?
                    {
                        commitments.entry(agency).or_default().push(assignment);
                    }
                    let mut agencies: Vec<i64> = soon
                        .keys()
                        .chain(late.keys())
                        .chain(commitments.keys())
                        .copied()
                        .collect();
                    agencies.extend(
                        reviews
                            .iter()
                            .filter(|(_, r, p)| r + p > 0)
                            .map(|(a, _, _)| *a),
                    );
                    agencies.sort_unstable();
                    agencies.dedup();
                    for agency in agencies {
                        let none = Vec::new();
                        let s = soon.get(&agency).unwrap_or(&none);
                        let l = late.get(&agency).unwrap_or(&none);
                        let c = commitments.get(&agency).unwrap_or(&none);
                        let (returned, pending) = reviews
                            .iter()
                            .find(|(a, _, _)| *a == agency)
                            .map_or((0, 0), |(_, r, p)| (*r, *p));
                        out.push(cause(
                            rule,
                            day,
                            format!("agency:{agency}"),
                            Some(agency),
                            serde_json::json!({
                                "assignments": listed(&[s.as_slice(), l.as_slice()].concat()),
                                "due_soon": s.len(), "overdue": l.len(), "returned_reports": returned,
                                "pending_extensions": pending, "commitments_due": c.len(),
                            }),
                        ));
                    }
                }
                Trigger::MonthlyDigest => {
                    let counts = self
                        .store
                        .status_counts(day, self.config.due_soon_days, None)
                        .await?;
                    let mut worst = self.store.overdue_by_agency(day, None).await?;
                    worst.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                    worst.truncate(10);
                    let counts: serde_json::Map<String, serde_json::Value> = counts
                        .iter()
                        .map(|(s, n)| (s.as_str().to_string(), (*n).into()))
                        .collect();
                    out.push(cause(
                        rule,
                        day,
                        "national".into(),
                        None,
                        serde_json::json!({
                            "assignments": [], "counts": counts,
                            "most_overdue": worst.iter().map(|(a, n, _)| serde_json::json!({"agency_id": a, "overdue": n})).collect::<Vec<_>>(),
                        }),
                    ));
                }
                Trigger::CommitmentBroken => {
                    let yesterday = day - Duration::days(1);
                    let kept = self
                        .store
                        .commitments_between(yesterday, yesterday, end_of_day(day))
                        .await?;
                    let ids: Vec<i64> = kept.iter().map(|c| c.1).collect();
                    let open: std::collections::HashSet<i64> = self
                        .store
                        .current_states(&ids)
                        .await?
                        .into_iter()
                        .filter(|k| k.state.completed_on.is_none() && !k.state.cancelled)
                        .map(|k| k.assignment_id)
                        .collect();
                    for (commitment, assignment, agency, on) in kept {
                        if open.contains(&assignment) {
                            out.push(cause(
                                rule,
                                day,
                                format!("commitment:{commitment}:{on}"),
                                Some(agency),
                                serde_json::json!({"assignments": [assignment], "count": 1, "committed_on": on}),
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(out)
    }

    async fn overdue_once<'a>(
        &self,
        cache: &'a mut Option<Vec<KnownAssignment>>,
        day: NaiveDate,
    ) -> Result<&'a [KnownAssignment]> {
        if cache.is_none() {
            *cache = Some(self.store.overdue_assignments(day, None).await?);
        }
        Ok(cache.as_deref().unwrap_or_default())
    }
}

fn cause(
    rule: &Rule,
    day: NaiveDate,
    what: String,
    agency: Option<i64>,
    payload: serde_json::Value,
) -> NewCause {
    NewCause {
        key: format!("{}:{}:{day}:{what}", rule.when.as_str(), rule.name),
        trigger: rule.when,
        rule_name: Some(rule.name.clone()),
        entity: agency.map(|_| "agency".to_string()),
        entity_id: agency,
        agency_id: agency,
        author_id: None,
        day,
        payload,
    }
}

fn by_agency(list: &[KnownAssignment]) -> BTreeMap<i64, Vec<i64>> {
    let mut out: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for k in list {
        out.entry(k.agency_id).or_default().push(k.assignment_id);
    }
    out
}

fn listed(ids: &[i64]) -> Vec<i64> {
    ids.iter().take(LISTED).copied().collect()
}
