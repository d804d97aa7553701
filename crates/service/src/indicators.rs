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
use tiendo_store::{IndicatorRow, NewIndicator, NewMeasurement, NewTarget, Stamp};
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
            if let Some(why) = tiendo_core::time::implausible_day(period_end) {
                problems.push(format!("{}: '{}' {why}", at("period"), m.period));
                continue;
            }
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
        rows: &[(Option<i64>, i64)],
        weights: &HashMap<i64, i64>,
    ) -> PeriodValues {
        let mut own: HashMap<i64, i64> = HashMap::with_capacity(rows.len());
        let mut national = None;
        for &(agency_id, value) in rows {
            match agency_id {
                Some(a) => {
                    own.insert(a, value);
                }
                None => national = Some((from_scaled(value), false)),
            }
        }
        // Children of each agency that has measured children.
        let parent_of =
            |id: i64| self.with_agencies(|c| c.by_id.get(&id).and_then(|&i| c.all[i].parent_id));
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

    /// The national value of an indicator for a period (its own national figure,
    /// else aggregated up from the agencies' current values).
    pub async fn national_value(&self, code: &str, period: &str) -> Result<Option<f64>> {
        let ind = self.indicator_row(code).await?;
        Ok(self.period_aggregate(&ind, period).await?.1.map(|n| n.0))
    }

    /// Values of every agency and of the nation for a period, own or aggregated.
    async fn period_aggregate(&self, ind: &IndicatorRow, period: &str) -> Result<PeriodValues> {
        let aggregation = parse_aggregation(ind);
        Ok(match &aggregation {
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
                let rows = self.store.current_values(ind.id, period).await?;
                let weights = match &aggregation {
                    Aggregation::WeightedMean { weight } => self.weights(weight, period).await?,
                    _ => HashMap::new(),
                };
                self.aggregate_period(&aggregation, &rows, &weights)
            }
        })
    }

    /// The national value and agency values of one period.
    pub async fn period_table(&self, code: &str, period: &str) -> Result<PeriodTable> {
        let ind = self.indicator_row(code).await?;
        let (values, national) = self.period_aggregate(&ind, period).await?;
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
        let rows = self.store.current_values(ind.id, period).await?;
        Ok(self.aggregate_period(&Aggregation::Sum, &rows, &HashMap::new()))
    }

    async fn weights(&self, code: &str, period: &str) -> Result<HashMap<i64, i64>> {
        let ind = self.indicator_row(code).await?;
        let rows = self.store.current_values(ind.id, period).await?;
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
            if let Some(value) = self.national_value(code, &period).await? {
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

// ------------------------------------------------------------------ bulk ingest

/// One measurement of a bulk batch (API, NDJSON, spreadsheet import).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkMeasurementInput {
    /// The indicator's code.
    pub indicator: String,
    /// The agency measured (code, id or name); none for a national figure.
    #[serde(default)]
    pub agency: Option<String>,
    /// "2025-11", "2025-Q4" or "2025", by the indicator's periodicity.
    pub period: String,
    pub value: f64,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// What a bulk batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BulkOutcome {
    /// Items in the batch.
    pub received: usize,
    /// New values.
    pub inserted: usize,
    /// Values that superseded a different current value (which stays as history).
    pub corrected: usize,
    /// Values equal to the current one (value and source): nothing written.
    pub unchanged: usize,
}

/// A bad item of a batch: its position (0-based `index`; `line`, 1-based, when
/// the batch came as lines) and the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ItemError {
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub field: String,
    pub message: String,
}

/// Why a batch was refused: bad items (nothing stored; 422), or a whole-request
/// error (401, 403 with the items at fault in the message, 500).
#[derive(Debug)]
pub enum BulkError {
    Items(Vec<ItemError>),
    Service(ServiceError),
}

impl From<ServiceError> for BulkError {
    fn from(e: ServiceError) -> Self {
        BulkError::Service(e)
    }
}

impl From<tiendo_store::StoreError> for BulkError {
    fn from(e: tiendo_store::StoreError) -> Self {
        BulkError::Service(e.into())
    }
}

/// At most this many item errors are reported (the count of all is in the last).
pub const MAX_ITEM_ERRORS: usize = 1_000;

impl Service {
    /// Records a batch of measurements of any indicators and agencies. Every item
    /// is checked first (indicator, agency, period of the indicator's periodicity,
    /// valid range, no item repeating another's indicator, agency and period, who
    /// may enter it); on any problem nothing is stored and every bad item is named.
    /// Otherwise all are stored in one transaction; a value for an (indicator,
    /// agency, period) that has one supersedes it and the old one stays as history.
    /// One history entry (`events`) for the batch holds its count and a SHA-256 of
    /// its content; each stored value keeps who entered it and when.
    pub async fn insert_measurements(
        &self,
        actor: &Actor,
        items: Vec<BulkMeasurementInput>,
    ) -> std::result::Result<BulkOutcome, BulkError> {
        use sha2::{Digest, Sha256};
        use std::collections::hash_map::Entry;
        let may_any = actor.may(Write::Measure { agency: None })
            || actor
                .agency_id
                .is_some_and(|a| actor.may(Write::Measure { agency: Some(a) }));
        if !may_any {
            return Err(ServiceError::Forbidden("this role enters no measurements".into()).into());
        }
        struct Ind {
            id: i64,
            periodicity: Periodicity,
            range: ValidRange,
            unit: String,
        }
        let mut indicators: HashMap<String, Option<Ind>> = HashMap::new();
        let mut agencies: HashMap<String, std::result::Result<i64, String>> = HashMap::new();
        let mut seen: HashMap<(i64, Option<i64>, String), usize> =
            HashMap::with_capacity(items.len());
        let mut rows = Vec::with_capacity(items.len());
        let mut errors: Vec<ItemError> = Vec::new();
        let mut forbidden: Vec<usize> = Vec::new();
        let mut n_errors = 0usize;
        let mut hasher = Sha256::new();
        let received = items.len();
        for (index, m) in items.into_iter().enumerate() {
            let mut fail = |field: &str, message: String| {
                n_errors += 1;
                if errors.len() < MAX_ITEM_ERRORS {
                    errors.push(ItemError {
                        index,
                        line: None,
                        field: field.into(),
                        message,
                    });
                }
            };
            let code = m.indicator.trim();
            if !indicators.contains_key(code) {
                let row = self.store.get_indicator(code).await?;
                indicators.insert(
                    code.to_string(),
                    row.map(|r| Ind {
                        id: r.id,
                        periodicity: periodicity(&r),
                        range: range(&r),
                        unit: r.unit.clone(),
                    }),
                );
            }
            let Some(ind) = indicators.get(code).and_then(|i| i.as_ref()) else {
                fail("indicator", format!("no indicator '{code}'"));
                continue;
            };
            let agency_id = match m.agency.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(name) => {
                    let resolved = match agencies.entry(name.to_string()) {
                        Entry::Occupied(e) => e.get().clone(),
                        Entry::Vacant(e) => e
                            .insert(
                                self.resolve_agency("agency", name, None)
                                    .map(|a| a.id)
                                    .map_err(|e| match e {
                                        ServiceError::Invalid { message, .. } => message,
                                        other => other.to_string(),
                                    }),
                            )
                            .clone(),
                    };
                    match resolved {
                        Ok(id) => Some(id),
                        Err(message) => {
                            fail("agency", message);
                            continue;
                        }
                    }
                }
            };
            if !actor.may(Write::Measure { agency: agency_id }) {
                forbidden.push(index);
                continue;
            }
            let period = m.period.trim();
            let Some(period_end) = ind.periodicity.end_of(period) else {
                fail(
                    "period",
                    format!(
                        "'{}' is not a {} period (like {})",
                        m.period,
                        ind.periodicity.as_str(),
                        ind.periodicity.key_of(today())
                    ),
                );
                continue;
            };
            if let Some(why) = tiendo_core::time::implausible_day(period_end) {
                fail("period", format!("'{}' {why}", m.period));
                continue;
            }
            if let Err(message) = ind.range.check(m.value, &ind.unit) {
                fail("value", message);
                continue;
            }
            match seen.entry((ind.id, agency_id, period.to_string())) {
                Entry::Occupied(e) => {
                    fail(
                        "period",
                        format!(
                            "item {} already gives this indicator, agency and period",
                            e.get()
                        ),
                    );
                    continue;
                }
                Entry::Vacant(e) => {
                    e.insert(index);
                }
            }
            let value = to_scaled(m.value);
            let source = m.source.as_deref().map(|s| nfc(s.trim()));
            hasher.update(ind.id.to_le_bytes());
            hasher.update(agency_id.unwrap_or(0).to_le_bytes());
            hasher.update(period.as_bytes());
            hasher.update(b"\t");
            hasher.update(value.to_le_bytes());
            hasher.update(source.as_deref().unwrap_or("").as_bytes());
            hasher.update(b"\n");
            rows.push(NewMeasurement {
                indicator_id: ind.id,
                agency_id,
                period: period.to_string(),
                period_end,
                value,
                source,
                note: m.note.as_deref().map(|s| nfc(s.trim())),
            });
        }
        if !forbidden.is_empty() {
            let shown: Vec<String> = forbidden.iter().take(20).map(|i| i.to_string()).collect();
            return Err(ServiceError::Forbidden(format!(
                "a focal point enters only its own agency's figures; {} item(s) are of another agency (items {}{}); nothing was recorded",
                forbidden.len(),
                shown.join(", "),
                if forbidden.len() > shown.len() { ", …" } else { "" }
            ))
            .into());
        }
        if n_errors > 0 {
            if n_errors > errors.len()
                && let Some(last) = errors.last_mut()
            {
                last.message.push_str(&format!(
                    " ({n_errors} bad items in all; the first {MAX_ITEM_ERRORS} are listed)"
                ));
            }
            return Err(BulkError::Items(errors));
        }
        if rows.is_empty() {
            return Ok(BulkOutcome::default());
        }
        let hash = hex::encode(hasher.finalize());
        let changes = serde_json::json!({"count": rows.len(), "sha256": hash});
        let counts = self
            .store
            .bulk_record_measurements(
                &rows,
                changes,
                &Stamp::now(Some(actor.user_id).filter(|id| *id > 0)),
            )
            .await?;
        Ok(BulkOutcome {
            received,
            inserted: counts.inserted,
            corrected: counts.corrected,
            unchanged: counts.unchanged,
        })
    }
}
