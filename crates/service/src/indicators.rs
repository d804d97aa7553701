//! Indicators (chỉ tiêu): definitions, targets, measurements with corrections,
//! aggregation up the agency tree, and evaluation against the target.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tiendo_core::indicator::{
    Aggregation, Direction, Evaluation, IndicatorStatus, Periodicity, Point, Target, ValidRange,
    aggregate, evaluate, from_scaled, to_scaled,
};
use tiendo_core::policy::{Actor, Write};
use tiendo_core::text::nfc;
use tiendo_core::time::{instant_rfc3339, today};
use tiendo_store::{IndicatorRow, MeasurementRow, NewIndicator, NewMeasurement, NewTarget, Stamp};
use utoipa::ToSchema;

use crate::{Result, Service, ServiceError, require};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorInput {
    pub code: String,
    pub name: String,
    /// "%", "nghìn tỷ đồng", "CSDL", …
    pub unit: String,
    pub direction: Direction,
    pub aggregation: Aggregation,
    /// Agency levels it is reported at: "nation", "central", "province", "commune".
    #[serde(default)]
    pub levels: Vec<String>,
    pub periodicity: Periodicity,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub valid_min: Option<f64>,
    #[serde(default)]
    pub valid_max: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    /// The agency whose own target it is; none for the national target.
    #[serde(default)]
    pub agency: Option<String>,
    pub value: f64,
    pub due: NaiveDate,
    #[serde(default)]
    pub baseline_value: Option<f64>,
    #[serde(default)]
    pub baseline_on: Option<NaiveDate>,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurementInput {
    /// The agency measured; none for a national figure.
    #[serde(default)]
    pub agency: Option<String>,
    /// "2025-11", "2025-Q4" or "2025", by the indicator's periodicity.
    pub period: String,
    pub value: f64,
    /// Where the figure comes from (a document, a system).
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PeriodValue {
    pub period: String,
    pub day: NaiveDate,
    pub value: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TargetView {
    pub agency_id: Option<i64>,
    pub value: f64,
    pub due: NaiveDate,
    pub baseline_value: Option<f64>,
    pub baseline_on: Option<NaiveDate>,
    pub source: Option<String>,
}

/// An indicator with its national target, latest value and status.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IndicatorSummary {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub periodicity: Periodicity,
    pub aggregation: Aggregation,
    pub source: Option<String>,
    /// The national target in force (the nearest one not yet past, else the last).
    pub target: Option<TargetView>,
    pub latest: Option<PeriodValue>,
    /// on_track, at_risk, off_track, no_data
    pub status: IndicatorStatus,
    pub status_label: String,
    pub projected: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IndicatorDetail {
    #[serde(flatten)]
    pub summary: IndicatorSummary,
    pub series: Vec<PeriodValue>,
    pub targets: Vec<TargetView>,
    pub evaluation: Evaluation,
}

/// One agency's value in a period, its own or computed from the agencies under it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AgencyValue {
    pub agency_id: i64,
    pub agency_name: String,
    pub value: Option<f64>,
    /// Whether it was aggregated from the agencies under it.
    pub computed: bool,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PeriodTable {
    pub code: String,
    pub period: String,
    pub national: Option<f64>,
    pub national_computed: bool,
    pub rows: Vec<AgencyValue>,
    /// Agencies of the reporting level with no value for the period.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MeasurementView {
    pub agency_id: Option<i64>,
    pub period: String,
    pub value: f64,
    pub source: Option<String>,
    pub note: Option<String>,
    pub recorded_at: String,
    pub superseded_at: Option<String>,
}

/// Values of a period: per agency and for the nation, each with whether it was
/// computed from the agencies under it.
type PeriodValues = (HashMap<i64, (f64, bool)>, Option<(f64, bool)>);

fn parse_aggregation(row: &IndicatorRow) -> Aggregation {
    serde_json::from_str(&row.aggregation).unwrap_or(Aggregation::Sum)
}

fn direction(row: &IndicatorRow) -> Direction {
    if row.direction == "decrease" {
        Direction::Decrease
    } else {
        Direction::Increase
    }
}

fn periodicity(row: &IndicatorRow) -> Periodicity {
    Periodicity::parse(&row.periodicity).unwrap_or(Periodicity::Year)
}

fn range(row: &IndicatorRow) -> ValidRange {
    ValidRange {
        min: row.valid_min.map(from_scaled),
        max: row.valid_max.map(from_scaled),
    }
}

fn target_view(t: &tiendo_store::TargetRow) -> TargetView {
    TargetView {
        agency_id: t.agency_id,
        value: from_scaled(t.value),
        due: t.due,
        baseline_value: t.baseline_value.map(from_scaled),
        baseline_on: t.baseline_on,
        source: t.source.clone(),
    }
}

/// The target in force on a day: the first not yet past, else the last.
fn target_in_force(targets: &[TargetView], day: NaiveDate) -> Option<TargetView> {
    targets
        .iter()
        .find(|t| t.due >= day)
        .or(targets.last())
        .cloned()
}

impl Service {
    pub async fn create_indicator(
        &self,
        actor: &Actor,
        input: &IndicatorInput,
    ) -> Result<IndicatorSummary> {
        require(actor, Write::ManageIndicators)?;
        let code = input.code.trim().to_string();
        if code.is_empty()
            || !code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(ServiceError::invalid(
                "code",
                "must be lowercase ASCII letters, digits and '-'",
            ));
        }
        if input.name.trim().is_empty() {
            return Err(ServiceError::invalid("name", "must not be empty"));
        }
        if let (Some(a), Some(b)) = (input.valid_min, input.valid_max)
            && a > b
        {
            return Err(ServiceError::invalid("valid_max", "is below valid_min"));
        }
        for (field, other) in match &input.aggregation {
            Aggregation::WeightedMean { weight } => vec![("aggregation.weight", weight.clone())],
            Aggregation::Ratio {
                numerator,
                denominator,
                ..
            } => {
                vec![
                    ("aggregation.numerator", numerator.clone()),
                    ("aggregation.denominator", denominator.clone()),
                ]
            }
            _ => vec![],
        } {
            if self.store.get_indicator(&other).await?.is_none() {
                return Err(ServiceError::invalid(
                    field,
                    format!("no indicator '{other}'; define it first"),
                ));
            }
        }
        let row = NewIndicator {
            code: code.clone(),
            name: nfc(input.name.trim()),
            unit: nfc(input.unit.trim()),
            direction: match input.direction {
                Direction::Increase => "increase".into(),
                Direction::Decrease => "decrease".into(),
            },
            aggregation: serde_json::to_string(&input.aggregation)
                .map_err(|e| ServiceError::Internal(e.to_string()))?,
            levels: input.levels.clone(),
            periodicity: input.periodicity.as_str().into(),
            source: input.source.as_deref().map(|s| nfc(s.trim())),
            valid_min: input.valid_min.map(to_scaled),
            valid_max: input.valid_max.map(to_scaled),
        };
        self.store
            .create_indicator(&row, &Stamp::now(Some(actor.user_id).filter(|id| *id > 0)))
            .await?;
        self.indicator_summary(&code, today()).await
    }

    async fn indicator_row(&self, code: &str) -> Result<IndicatorRow> {
        self.store
            .get_indicator(code)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("indicator '{code}'")))
    }

    pub async fn add_indicator_target(
        &self,
        actor: &Actor,
        code: &str,
        input: &TargetInput,
    ) -> Result<TargetView> {
        require(actor, Write::ManageIndicators)?;
        let ind = self.indicator_row(code).await?;
        let agency_id = match &input.agency {
            Some(a) => Some(self.resolve_agency("agency", a, None)?.id),
            None => None,
        };
        range(&ind)
            .check(input.value, &ind.unit)
            .map_err(|m| ServiceError::invalid("value", m))?;
        if let Some(b) = input.baseline_value {
            range(&ind)
                .check(b, &ind.unit)
                .map_err(|m| ServiceError::invalid("baseline_value", m))?;
        }
        if input.baseline_value.is_some() != input.baseline_on.is_some() {
            return Err(ServiceError::invalid(
                "baseline_on",
                "a baseline needs both a value and a day",
            ));
        }
        let t = NewTarget {
            indicator_id: ind.id,
            agency_id,
            value: to_scaled(input.value),
            due: input.due,
            baseline_value: input.baseline_value.map(to_scaled),
            baseline_on: input.baseline_on,
            source: input.source.as_deref().map(|s| nfc(s.trim())),
        };
        self.store
            .add_target(&t, &Stamp::now(Some(actor.user_id).filter(|id| *id > 0)))
            .await?;
        Ok(TargetView {
            agency_id,
            value: input.value,
            due: input.due,
            baseline_value: input.baseline_value,
            baseline_on: input.baseline_on,
            source: t.source,
        })
    }

    /// Records measurements of one indicator. Every row is checked first (agency,
    /// period, range, who may enter it); on any problem nothing is stored.
    pub async fn record_measurements(
        &self,
        actor: &Actor,
        code: &str,
        inputs: &[MeasurementInput],
    ) -> Result<usize> {
        self.record_measurements_stamped(
            actor,
            code,
            inputs,
            Stamp::now(Some(actor.user_id).filter(|id| *id > 0)),
        )
        .await
    }

    pub async fn record_measurements_stamped(
        &self,
        actor: &Actor,
        code: &str,
        inputs: &[MeasurementInput],
        stamp: Stamp,
    ) -> Result<usize> {
        let ind = self.indicator_row(code).await?;
        let periodicity = periodicity(&ind);
        let valid = range(&ind);
        let mut rows = Vec::with_capacity(inputs.len());
        let mut problems = Vec::new();
        for (i, m) in inputs.iter().enumerate() {
            let at = |field: &str| format!("measurements[{i}].{field}");
            let agency_id = match &m.agency {
                Some(a) => match self.resolve_agency(&at("agency"), a, None) {
                    Ok(agency) => Some(agency.id),
                    Err(e) => {
                        problems.push(e.to_string());
                        continue;
                    }
                },
                None => None,
            };
            if !actor.may(Write::Measure { agency: agency_id }) {
                return Err(ServiceError::Forbidden(format!(
                    "{}: a focal point enters only its own agency's figures",
                    at("agency")
                )));
            }
            let Some(period_end) = periodicity.end_of(m.period.trim()) else {
                problems.push(format!(
                    "{}: '{}' is not a {} period (like {})",
                    at("period"),
                    m.period,
                    periodicity.as_str(),
                    periodicity.key_of(today())
                ));
                continue;
            };
            if let Err(message) = valid.check(m.value, &ind.unit) {
                problems.push(format!("{}: {message}", at("value")));
                continue;
            }
            rows.push(NewMeasurement {
                indicator_id: ind.id,
                agency_id,
                period: m.period.trim().to_string(),
                period_end,
                value: to_scaled(m.value),
                source: m.source.as_deref().map(|s| nfc(s.trim())),
                note: m.note.as_deref().map(|s| nfc(s.trim())),
            });
        }
        if !problems.is_empty() {
            return Err(ServiceError::invalid(
                "measurements",
                format!(
                    "nothing was recorded; {} problem(s):\n{}",
                    problems.len(),
                    problems.join("\n")
                ),
            ));
        }
        Ok(self.store.record_measurements(&rows, &stamp).await?)
    }

    /// Values of a period for every agency: own values, and for agencies without
    /// one, the aggregate of the agencies under them. Returns the values by agency
    /// and the national value (own national row, else aggregated from the top).
    fn aggregate_period(
        &self,
        aggregation: &Aggregation,
        rows: &[MeasurementRow],
        weights: &HashMap<i64, i64>,
    ) -> PeriodValues {
        let mut own: HashMap<i64, i64> = HashMap::new();
        let mut national = None;
        for r in rows {
            match r.agency_id {
                Some(a) => {
                    own.insert(a, r.value);
                }
                None => national = Some((from_scaled(r.value), false)),
            }
        }
        // Children of each agency that has measured children.
        let parent_of = |id: i64| self.agency(id).and_then(|a| a.parent_id);
        let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
        for id in own.keys() {
            if let Some(p) = parent_of(*id) {
                children.entry(p).or_default().push(*id);
            }
        }
        let mut values: HashMap<i64, (f64, bool)> = own
            .iter()
            .map(|(k, v)| (*k, (from_scaled(*v), false)))
            .collect();
        for (parent, kids) in &children {
            if values.contains_key(parent) {
                continue;
            }
            let vals: Vec<i64> = kids.iter().filter_map(|k| own.get(k).copied()).collect();
            let ws: Vec<i64> = kids
                .iter()
                .map(|k| weights.get(k).copied().unwrap_or(0))
                .collect();
            if let Some(v) = aggregate(aggregation, &vals, &ws, &[], &[]) {
                values.insert(*parent, (v, true));
            }
        }
        if national.is_none() {
            // The top: agencies whose parent has no value of its own.
            let top: Vec<i64> = values
                .keys()
                .copied()
                .filter(|id| parent_of(*id).is_none_or(|p| !values.contains_key(&p)))
                .collect();
            let vals: Vec<i64> = top.iter().map(|id| to_scaled(values[id].0)).collect();
            let ws: Vec<i64> = top
                .iter()
                .map(|id| {
                    weights.get(id).copied().unwrap_or_else(|| {
                        children
                            .get(id)
                            .map(|kids| {
                                kids.iter()
                                    .map(|k| weights.get(k).copied().unwrap_or(0))
                                    .sum()
                            })
                            .unwrap_or(0)
                    })
                })
                .collect();
            national = aggregate(aggregation, &vals, &ws, &[], &[]).map(|v| (v, true));
        }
        (values, national)
    }

    /// The national value and agency values of one period.
    pub async fn period_table(&self, code: &str, period: &str) -> Result<PeriodTable> {
        let ind = self.indicator_row(code).await?;
        let aggregation = parse_aggregation(&ind);
        let (values, national) = match &aggregation {
            Aggregation::Ratio {
                numerator,
                denominator,
                factor,
            } => {
                let num = self.period_table_sum(numerator, period).await?;
                let den = self.period_table_sum(denominator, period).await?;
                let mut values = HashMap::new();
                for (id, (n, computed)) in &num.0 {
                    if let Some((d, _)) = den.0.get(id)
                        && *d != 0.0
                    {
                        values.insert(*id, (n / d * *factor as f64, *computed));
                    }
                }
                let national = match (num.1, den.1) {
                    (Some((n, c)), Some((d, _))) if d != 0.0 => Some((n / d * *factor as f64, c)),
                    _ => None,
                };
                (values, national)
            }
            _ => {
                let rows = self.store.period_values(ind.id, period).await?;
                let weights = match &aggregation {
                    Aggregation::WeightedMean { weight } => self.weights(weight, period).await?,
                    _ => HashMap::new(),
                };
                self.aggregate_period(&aggregation, &rows, &weights)
            }
        };
        let mut rows: Vec<AgencyValue> = values
            .iter()
            .map(|(id, (v, computed))| AgencyValue {
                agency_id: *id,
                agency_name: self.agency_name(*id),
                value: Some(*v),
                computed: *computed,
                source: None,
            })
            .collect();
        rows.sort_by(|a, b| a.agency_name.cmp(&b.agency_name));
        // Completeness: which agencies of the reporting levels gave nothing.
        let levels: Vec<String> = ind.levels.clone();
        let missing = self.with_agencies_list(|all| {
            all.iter()
                .filter(|a| a.valid_to.is_none())
                .filter(|a| {
                    levels.iter().any(|l| match l.as_str() {
                        "province" => a.kind == "province" || a.kind == "city",
                        "central" => matches!(
                            a.kind.as_str(),
                            "ministry" | "ministerial_agency" | "government_agency"
                        ),
                        "commune" => a.kind == "commune",
                        _ => false,
                    })
                })
                .filter(|a| !values.contains_key(&a.id))
                .map(|a| a.name.clone())
                .collect()
        });
        Ok(PeriodTable {
            code: ind.code,
            period: period.into(),
            national: national.map(|n| n.0),
            national_computed: national.is_some_and(|n| n.1),
            rows,
            missing,
        })
    }

    /// Sums of an indicator for a period, by agency and for the nation (for ratios).
    async fn period_table_sum(&self, code: &str, period: &str) -> Result<PeriodValues> {
        let ind = self.indicator_row(code).await?;
        let rows = self.store.period_values(ind.id, period).await?;
        Ok(self.aggregate_period(&Aggregation::Sum, &rows, &HashMap::new()))
    }

    async fn weights(&self, code: &str, period: &str) -> Result<HashMap<i64, i64>> {
        let ind = self.indicator_row(code).await?;
        let rows = self.store.period_values(ind.id, period).await?;
        let (values, _) = self.aggregate_period(&Aggregation::Sum, &rows, &HashMap::new());
        Ok(values
            .into_iter()
            .map(|(k, (v, _))| (k, to_scaled(v)))
            .collect())
    }

    /// The national series: for each period with data, the national value.
    pub async fn national_series(&self, code: &str, limit: usize) -> Result<Vec<PeriodValue>> {
        let ind = self.indicator_row(code).await?;
        let mut periods = self.store.periods(ind.id).await?;
        if matches!(parse_aggregation(&ind), Aggregation::Ratio { .. })
            && let Aggregation::Ratio { numerator, .. } = parse_aggregation(&ind)
        {
            let num = self.indicator_row(&numerator).await?;
            periods = self.store.periods(num.id).await?;
        }
        periods.truncate(limit);
        let mut out = Vec::new();
        for (period, day) in periods.into_iter().rev() {
            if let Some(value) = self.period_table(code, &period).await?.national {
                out.push(PeriodValue { period, day, value });
            }
        }
        Ok(out)
    }

    async fn summary_from(
        &self,
        ind: &IndicatorRow,
        series: &[PeriodValue],
        day: NaiveDate,
    ) -> Result<(IndicatorSummary, Evaluation, Vec<TargetView>)> {
        let targets: Vec<TargetView> = self
            .store
            .targets(ind.id)
            .await?
            .iter()
            .filter(|t| t.agency_id.is_none())
            .map(target_view)
            .collect();
        let target = target_in_force(&targets, day);
        let core_target = target.as_ref().map(|t| Target {
            value: t.value,
            by: t.due,
            baseline: t
                .baseline_value
                .zip(t.baseline_on)
                .map(|(value, day)| Point { day, value }),
        });
        let points: Vec<Point> = series
            .iter()
            .map(|p| Point {
                day: p.day,
                value: p.value,
            })
            .collect();
        let evaluation = evaluate(&points, core_target.as_ref(), direction(ind), day);
        let latest = series.iter().rev().find(|p| p.day <= day).cloned();
        Ok((
            IndicatorSummary {
                code: ind.code.clone(),
                name: ind.name.clone(),
                unit: ind.unit.clone(),
                direction: direction(ind),
                periodicity: periodicity(ind),
                aggregation: parse_aggregation(ind),
                source: ind.source.clone(),
                target,
                latest,
                status: evaluation.status,
                status_label: evaluation.status.label_vi().into(),
                projected: evaluation.projected,
            },
            evaluation,
            targets,
        ))
    }

    pub async fn indicator_summary(&self, code: &str, day: NaiveDate) -> Result<IndicatorSummary> {
        let ind = self.indicator_row(code).await?;
        let series = self.national_series(code, 24).await?;
        Ok(self.summary_from(&ind, &series, day).await?.0)
    }

    /// Every indicator with its target, latest value and status on the day.
    pub async fn list_indicators(
        &self,
        q: Option<&str>,
        day: NaiveDate,
    ) -> Result<Vec<IndicatorSummary>> {
        let mut out = Vec::new();
        for ind in self.store.list_indicators(q).await? {
            let series = self.national_series(&ind.code, 12).await?;
            out.push(self.summary_from(&ind, &series, day).await?.0);
        }
        Ok(out)
    }

    pub async fn indicator_detail(&self, code: &str, day: NaiveDate) -> Result<IndicatorDetail> {
        let ind = self.indicator_row(code).await?;
        let series = self.national_series(code, 240).await?;
        let (summary, evaluation, targets) = self.summary_from(&ind, &series, day).await?;
        Ok(IndicatorDetail {
            summary,
            series,
            targets,
            evaluation,
        })
    }

    /// Every value recorded for one agency (or the nation) and period, corrections
    /// included, oldest first.
    pub async fn measurement_history(
        &self,
        code: &str,
        agency: Option<&str>,
        period: &str,
    ) -> Result<Vec<MeasurementView>> {
        let ind = self.indicator_row(code).await?;
        let agency_id = match agency {
            Some(a) => Some(self.resolve_agency("agency", a, None)?.id),
            None => None,
        };
        Ok(self
            .store
            .measurement_history(ind.id, agency_id, period)
            .await?
            .into_iter()
            .map(|m| MeasurementView {
                agency_id: m.agency_id,
                period: m.period,
                value: from_scaled(m.value),
                source: m.source,
                note: m.note,
                recorded_at: instant_rfc3339(m.recorded_at),
                superseded_at: m.superseded_at.map(instant_rfc3339),
            })
            .collect())
    }
}
