//! Demo data: the committee's real documents (`data/corpus`) with their tasks,
//! imported through the ordinary import path as history (each on its own date),
//! then completions set so that the overdue report as of 16/07/2025 is the
//! appendix of 365/TB-VPCP: its 33 rows with their unfinished units.
//!
//! What happened after each document is invented but deterministic (a hash of the
//! task and the agency decides), so every start shows the same data.
//!
//! The gold files hold only each task's first words; the tasks carry their whole
//! text, read from the document by the extractor (`whole_texts`), and a field
//! (lĩnh vực) chosen from their words by a keyword rule (`demo_field`).

use chrono::{Duration, NaiveDate};
use tiendo_core::policy::Actor;
use tiendo_core::text::{fold, nfc};
use tiendo_core::time::{Micros, start_of_day, today};
use tiendo_store::{AssignmentFilter, Stamp};

use crate::import::{GoldTask, ImportOptions, parse_jsonl};
use crate::input::{AssignmentPatchInput, DocumentInput};
use crate::{Result, Service, ServiceError};

/// One seed document: where its text and tasks are, and what the text says of it.
struct Seed {
    number: Option<&'static str>,
    kind: &'static str,
    title: &'static str,
    issued_on: &'static str,
    issuer: Option<&'static str>,
    signer: Option<&'static str>,
    text: &'static str,
    gold: &'static str,
}

const SEEDS: &[Seed] = &[
    Seed {
        number: Some("56/TB-VPCP"),
        kind: "Thông báo",
        title: "Kết luận Phiên họp tổng kết hoạt động Ủy ban Quốc gia về chuyển đổi số và Đề án 06 năm 2024, phương hướng, nhiệm vụ trọng tâm năm 2025",
        issued_on: "2025-02-23",
        issuer: Some("Văn phòng Chính phủ"),
        signer: None,
        text: include_str!("../../../data/corpus/56-TB-VPCP_2025-02-23.txt"),
        gold: include_str!("../../../data/corpus/56-TB-VPCP_2025-02-23.gold.jsonl"),
    },
    Seed {
        number: Some("365/TB-VPCP"),
        kind: "Thông báo",
        title: "Kết luận của Phó Thủ tướng Chính phủ Nguyễn Chí Dũng tại cuộc họp rà soát nội dung, công tác chuẩn bị cho Phiên họp lần thứ ba của Ban Chỉ đạo của Chính phủ về phát triển khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số và Đề án 06",
        issued_on: "2025-07-16",
        issuer: Some("Văn phòng Chính phủ"),
        signer: Some("Đỗ Ngọc Huỳnh"),
        text: include_str!("../../../data/corpus/365-TB-VPCP_2025-07-16.txt"),
        gold: include_str!("../../../data/corpus/365-TB-VPCP_2025-07-16.gold.jsonl"),
    },
    Seed {
        number: None,
        kind: "Thông báo",
        title: "Kết luận Phiên họp lần thứ tư của Ban Chỉ đạo của Chính phủ về phát triển khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số và Đề án 06",
        issued_on: "2025-09-24",
        issuer: Some("Văn phòng Chính phủ"),
        signer: None,
        text: include_str!("../../../data/corpus/phien-hop-4_2025-09-24.txt"),
        gold: include_str!("../../../data/corpus/phien-hop-4_2025-09-24.gold.jsonl"),
    },
    Seed {
        number: Some("624/TB-VPCP"),
        kind: "Thông báo",
        title: "Kết luận Phiên họp lần thứ năm của Ban Chỉ đạo của Chính phủ về phát triển khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số và Đề án 06",
        issued_on: "2025-11-16",
        issuer: Some("Văn phòng Chính phủ"),
        signer: Some("Phạm Mạnh Cường"),
        text: include_str!("../../../data/corpus/624-TB-VPCP_2025-11-16.txt"),
        gold: include_str!("../../../data/corpus/624-TB-VPCP_2025-11-16.gold.jsonl"),
    },
    Seed {
        number: None,
        kind: "Tin hội nghị",
        title: "Hội nghị sơ kết 1 năm triển khai Chương trình hành động thực hiện Nghị quyết số 57-NQ/TW, 5 năm cải cách hành chính nhà nước, 4 năm triển khai Đề án 06: kết luận của Thủ tướng Chính phủ",
        issued_on: "2025-12-18",
        issuer: None,
        signer: None,
        text: include_str!("../../../data/corpus/hoi-nghi-so-ket_2025-12-18.txt"),
        gold: include_str!("../../../data/corpus/hoi-nghi-so-ket_2025-12-18.gold.jsonl"),
    },
];

/// FNV-1a: a stable hash, so the invented history is the same on every start.
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn at(day: NaiveDate, hour: i64) -> Micros {
    start_of_day(day) + hour * 3_600_000_000
}

fn day(s: &str) -> Result<NaiveDate> {
    s.parse()
        .map_err(|_| ServiceError::Internal(format!("bad seed date {s}")))
}

/// Summary of a demo load.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub documents: usize,
    pub tasks: usize,
    pub completions: usize,
    pub indicators: usize,
    /// Recent progress reports (`demo_pending`); those claiming completion wait
    /// for the office's review.
    pub pending_reports: usize,
}

/// The gold tasks of a seed document as JSON Lines, each with its whole text as
/// the document writes it: the full text of the extracted task whose passage
/// begins with the gold's first words (the one with the same `ref` first, else
/// the first not yet taken, in the document's order); failing that, of the one
/// whose passage begins where the gold's words end ("Các bộ, ngành, địa phương:
/// rà soát…", read as lead and task), the gold's words before it and the
/// passage; failing that, of the one whose passage holds the gold's words after
/// words of its own; failing that, the gold's own words.
pub(crate) fn whole_texts(text: &str, gold: &[(usize, GoldTask)]) -> Result<String> {
    let extraction = tiendo_extract::extract_text(text, &tiendo_extract::ExtractOptions::default());
    let passages: Vec<String> = extraction
        .tasks
        .iter()
        .map(|t| fold(extraction.passage(t).unwrap_or(&t.text)))
        .collect();
    let mut taken = vec![false; extraction.tasks.len()];
    let mut out = String::new();
    for (_, g) in gold {
        let words = fold(&g.text);
        let starts = |i: usize| !words.is_empty() && passages[i].starts_with(&words);
        let same_ref = |i: usize| g.ref_.as_deref() == Some(extraction.tasks[i].reference.as_str());
        let all = 0..extraction.tasks.len();
        let found = all
            .clone()
            .find(|&i| !taken[i] && starts(i) && same_ref(i))
            .or_else(|| all.clone().find(|&i| !taken[i] && starts(i)));
        let whole = match found {
            Some(i) => {
                taken[i] = true;
                extraction.tasks[i].full_text.clone()
            }
            None => match joined(&extraction, &passages, &taken, &g.text) {
                Some((i, whole)) => {
                    taken[i] = true;
                    whole
                }
                // The passage says more before the gold's words ("11 địa phương [1]
                // khẩn trương…"): the whole of it.
                None => match (words.split(' ').count() >= 4)
                    .then(|| {
                        (0..passages.len()).find(|&i| {
                            !taken[i] && format!(" {}", passages[i]).contains(&format!(" {words}"))
                        })
                    })
                    .flatten()
                {
                    Some(i) => {
                        taken[i] = true;
                        extraction.tasks[i].full_text.clone()
                    }
                    None => g.text.clone(),
                },
            },
        };
        let mut line = g.clone();
        line.text = nfc(whole.trim());
        out.push_str(
            &serde_json::to_string(&line)
                .map_err(|e| ServiceError::Internal(format!("seed task: {e}")))?,
        );
        out.push('\n');
    }
    Ok(out)
}

/// The demo's keyword rule for a task's field (lĩnh vực, `model::FIELDS`), on
/// the task's text without accents: the first of these rules whose words the
/// text holds gives the field; none, no field. The more specific come first.
///
/// | field | words (any of) |
/// |---|---|
/// | da06 | đề án 06, định danh, căn cước, dữ liệu dân cư |
/// | cchc | cải cách hành chính, thủ tục hành chính, dịch vụ công |
/// | dmst | đổi mới sáng tạo, khởi nghiệp |
/// | cds | chuyển đổi số, số hóa, dữ liệu, nền tảng số, hạ tầng số, trực tuyến |
/// | khcn | khoa học, công nghệ, nghiên cứu |
///
/// Demo data only: imported and typed tasks keep the field they are given.
pub(crate) fn demo_field(text: &str) -> Option<&'static str> {
    const RULES: [(&str, &[&str]); 5] = [
        (
            "da06",
            &["de an 06", "dinh danh", "can cuoc", "du lieu dan cu"],
        ),
        (
            "cchc",
            &["cai cach hanh chinh", "thu tuc hanh chinh", "dich vu cong"],
        ),
        ("dmst", &["doi moi sang tao", "khoi nghiep"]),
        (
            "cds",
            &[
                "chuyen doi so",
                "so hoa",
                "du lieu",
                "nen tang so",
                "ha tang so",
                "truc tuyen",
            ],
        ),
        ("khcn", &["khoa hoc", "cong nghe", "nghien cuu"]),
    ];
    let text = format!(" {} ", fold(text));
    RULES
        .iter()
        .find(|(_, words)| words.iter().any(|w| text.contains(&format!(" {w} "))))
        .map(|(field, _)| *field)
}

/// The seed's task lines with the demo's field on each that has none.
fn with_demo_fields(jsonl: &str) -> Result<String> {
    let (_, lines) = parse_jsonl(jsonl)
        .map_err(|_| ServiceError::Internal("seed task lines are valid".into()))?;
    let mut out = String::new();
    for (_, mut line) in lines {
        if line.field.is_none() {
            line.field = demo_field(&line.text).map(str::to_string);
        }
        out.push_str(
            &serde_json::to_string(&line)
                .map_err(|e| ServiceError::Internal(format!("seed task: {e}")))?,
        );
        out.push('\n');
    }
    Ok(out)
}

/// The gold's words up to where an extracted passage begins, then that passage
/// on one line: for a task whose subject the extractor read as its lead. At
/// least four of the gold's words must open the passage.
fn joined(
    extraction: &tiendo_extract::Extraction,
    passages: &[String],
    taken: &[bool],
    gold: &str,
) -> Option<(usize, String)> {
    let raw: Vec<&str> = gold.split_whitespace().collect();
    for cut in 1..raw.len().saturating_sub(3) {
        let tail = fold(&raw[cut..].join(" "));
        let Some(hit) = (0..passages.len()).find(|&i| !taken[i] && passages[i].starts_with(&tail))
        else {
            continue;
        };
        let passage = extraction.passage(&extraction.tasks[hit])?;
        let passage = passage.split_whitespace().collect::<Vec<_>>().join(" ");
        let passage = passage.trim_end_matches([';', ',', ':', ' ']);
        return Some((hit, format!("{} {passage}", raw[..cut].join(" "))));
    }
    None
}

impl Service {
    /// Loads the demo data into an empty database.
    pub async fn load_demo(&self) -> Result<DemoSummary> {
        if self.has_documents().await? {
            return Err(ServiceError::Conflict(
                "the database already holds documents; demo data goes only into an empty one"
                    .into(),
            ));
        }
        // The demo's history is the system user's (every event has a real actor).
        let system = self.system_actor();
        let mut summary = DemoSummary::default();
        for seed in SEEDS {
            let issued = day(seed.issued_on)?;
            let document = DocumentInput {
                number: seed.number.map(str::to_string),
                kind: seed.kind.into(),
                title: seed.title.into(),
                issued_on: Some(issued),
                issuer: seed.issuer.map(str::to_string),
                signer: seed.signer.map(str::to_string),
                body: Some(seed.text.to_string()),
            };
            let options = ImportOptions {
                document: Some(document),
                recorded_at: Some(at(issued, 8)),
            };
            let (_, lines) = parse_jsonl(seed.gold)
                .map_err(|_| ServiceError::Internal("seed gold file is valid".into()))?;
            let whole = with_demo_fields(&whole_texts(seed.text, &lines)?)?;
            let imported = self.import_jsonl(&system, &whole, options).await?;
            summary.documents += 1;
            summary.tasks += imported.tasks_created;
            for (task_id, (_, line)) in imported.task_ids.iter().zip(lines.iter()) {
                summary.completions += self.invent_history(&system, *task_id, issued, line).await?;
            }
        }
        summary.indicators = self.seed_indicators(&system).await?;
        summary.pending_reports = self.seed_pending_reports(&system).await?;
        // The register of databases the documents name (data/databases.toml).
        self.load_database_register(&system, tiendo_core::dbquality::SEED_REGISTER)
            .await?;
        Ok(summary)
    }

    /// The indicators the seed documents name, with their targets and the figures
    /// they report, each citing its document.
    async fn seed_indicators(&self, system: &Actor) -> Result<usize> {
        use crate::indicators::{IndicatorInput, MeasurementInput, TargetInput};
        use tiendo_core::indicator::{Aggregation, Direction, Periodicity};
        let percent = |code: &str, name: &str, source: &str| IndicatorInput {
            code: code.into(),
            name: name.into(),
            unit: "%".into(),
            direction: Direction::Increase,
            aggregation: Aggregation::Mean,
            levels: vec!["province".into()],
            periodicity: Periodicity::Month,
            source: Some(source.into()),
            valid_min: Some(0.0),
            valid_max: Some(100.0),
        };
        let count = |code: &str, name: &str, unit: &str, source: &str| IndicatorInput {
            code: code.into(),
            name: name.into(),
            unit: unit.into(),
            direction: Direction::Increase,
            aggregation: Aggregation::Sum,
            levels: vec!["central".into()],
            periodicity: Periodicity::Month,
            source: Some(source.into()),
            valid_min: Some(0.0),
            valid_max: None,
        };
        let indicators = vec![
            percent(
                "phu-song-5g",
                "Tỷ lệ phủ sóng 5G",
                "Bộ Khoa học và Công nghệ; 624/TB-VPCP III.5.a.(4)",
            ),
            percent(
                "ho-so-truc-tuyen-toan-trinh",
                "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình",
                "56/TB-VPCP; Phiên họp thứ tư III.2.(2)",
            ),
            percent(
                "tthc-dvc-toan-trinh",
                "Tỷ lệ thủ tục hành chính đủ điều kiện được cung cấp dịch vụ công trực tuyến toàn trình",
                "56/TB-VPCP",
            ),
            percent(
                "ho-so-gan-dinh-danh",
                "Tỷ lệ hồ sơ giải quyết thủ tục hành chính được gắn định danh cá nhân",
                "56/TB-VPCP",
            ),
            percent(
                "dan-so-dung-dvctt",
                "Tỷ lệ dân số trưởng thành sử dụng dịch vụ công trực tuyến",
                "56/TB-VPCP",
            ),
            IndicatorInput {
                levels: vec!["province".into(), "central".into()],
                periodicity: Periodicity::Year,
                ..percent(
                    "chi-ngan-sach-khcn",
                    "Tỷ lệ chi ngân sách nhà nước cho KHCN, ĐMST và CĐS",
                    "624/TB-VPCP I.(3)",
                )
            },
            count(
                "csdl-trong-yeu",
                "Số cơ sở dữ liệu trọng yếu theo Kế hoạch 02-KH/BCĐTW được hình thành",
                "CSDL",
                "624/TB-VPCP II.1.(2)",
            ),
            count(
                "csdl-chuyen-nganh-dat-chuan",
                "Số CSDL chuyên ngành theo Nghị quyết 71/NQ-CP bảo đảm đúng - đủ - sạch - sống",
                "CSDL",
                "624/TB-VPCP II.1.(2)",
            ),
            count(
                "kinh-phi-du-toan",
                "Kinh phí KHCN, ĐMST, CĐS cần phân bổ",
                "nghìn tỷ đồng",
                "624/TB-VPCP II.1.(3)",
            ),
            count(
                "kinh-phi-da-phan-bo",
                "Kinh phí KHCN, ĐMST, CĐS đã phân bổ",
                "nghìn tỷ đồng",
                "624/TB-VPCP II.1.(3)",
            ),
            IndicatorInput {
                aggregation: Aggregation::Ratio {
                    numerator: "kinh-phi-da-phan-bo".into(),
                    denominator: "kinh-phi-du-toan".into(),
                    factor: 100,
                },
                levels: vec!["central".into()],
                ..percent(
                    "ty-le-phan-bo-kinh-phi",
                    "Tỷ lệ kinh phí KHCN, ĐMST, CĐS đã phân bổ",
                    "624/TB-VPCP II.1.(3)",
                )
            },
        ];
        for i in &indicators {
            self.create_indicator(system, i).await?;
        }
        let target = |value: f64, due: &str, source: &str| -> Result<TargetInput> {
            Ok(TargetInput {
                agency: None,
                value,
                due: day(due)?,
                baseline_value: None,
                baseline_on: None,
                source: Some(source.into()),
            })
        };
        let targets = [
            (
                "phu-song-5g",
                target(
                    90.0,
                    "2025-12-31",
                    "624/TB-VPCP III.5.a.(4): phải đạt 90% trong năm 2025",
                )?,
            ),
            (
                "ho-so-truc-tuyen-toan-trinh",
                target(
                    80.0,
                    "2025-12-31",
                    "Phiên họp thứ tư III.2.(2): đạt 80% trong năm 2025",
                )?,
            ),
            (
                "tthc-dvc-toan-trinh",
                target(100.0, "2025-12-31", "56/TB-VPCP: đến hết năm 2025, 100%")?,
            ),
            (
                "ho-so-gan-dinh-danh",
                target(
                    100.0,
                    "2025-06-30",
                    "56/TB-VPCP: hết tháng 6 năm 2025, 100%",
                )?,
            ),
            (
                "dan-so-dung-dvctt",
                target(40.0, "2025-12-31", "56/TB-VPCP: 40% dân số trưởng thành")?,
            ),
            (
                "chi-ngan-sach-khcn",
                target(
                    3.0,
                    "2026-12-31",
                    "624/TB-VPCP I.(3): tối thiểu 3% tổng chi ngân sách năm 2026",
                )?,
            ),
            (
                "csdl-trong-yeu",
                target(
                    12.0,
                    "2025-12-31",
                    "Kế hoạch 02-KH/BCĐTW: 12 CSDL trọng yếu",
                )?,
            ),
            (
                "csdl-chuyen-nganh-dat-chuan",
                target(
                    105.0,
                    "2025-12-31",
                    "Phiên họp thứ tư III.3.(1): hoàn thiện CSDL chậm nhất trong quý IV/2025",
                )?,
            ),
            (
                "ty-le-phan-bo-kinh-phi",
                target(100.0, "2025-12-31", "624/TB-VPCP II.1.(3)")?,
            ),
        ];
        for (code, t) in &targets {
            self.add_indicator_target(system, code, t).await?;
        }
        let national = |period: &str, value: f64, source: &str| MeasurementInput {
            agency: None,
            period: period.into(),
            value,
            source: Some(source.into()),
            note: None,
        };
        let measurements: Vec<(&str, &str, Vec<MeasurementInput>)> = vec![
            (
                "phu-song-5g",
                "2025-09-24",
                vec![national(
                    "2025-09",
                    26.0,
                    "Thông báo kết luận Phiên họp thứ tư, I.(3)",
                )],
            ),
            (
                "phu-song-5g",
                "2025-11-16",
                vec![national("2025-11", 39.5, "624/TB-VPCP III.5.a.(4)")],
            ),
            (
                "ho-so-truc-tuyen-toan-trinh",
                "2025-12-18",
                vec![national("2025-12", 36.8, "Hội nghị sơ kết 18/12/2025")],
            ),
            (
                "csdl-trong-yeu",
                "2025-11-16",
                vec![national("2025-11", 3.0, "624/TB-VPCP II.1.(2): 3/12")],
            ),
            (
                "csdl-chuyen-nganh-dat-chuan",
                "2025-11-16",
                vec![national(
                    "2025-11",
                    51.0,
                    "624/TB-VPCP II.1.(2): 54/105 chưa bảo đảm",
                )],
            ),
            (
                "kinh-phi-du-toan",
                "2025-11-16",
                vec![national("2025-11", 12.7, "624/TB-VPCP II.1.(3)")],
            ),
            (
                "kinh-phi-da-phan-bo",
                "2025-11-16",
                vec![national("2025-11", 11.7, "624/TB-VPCP II.1.(3)")],
            ),
            (
                "chi-ngan-sach-khcn",
                "2025-12-18",
                vec![MeasurementInput {
                    agency: Some("Quảng Ninh".into()),
                    period: "2025".into(),
                    value: 3.0,
                    source: Some(
                        "Hội nghị sơ kết 18/12/2025: tỉnh Quảng Ninh dành tối thiểu 3%".into(),
                    ),
                    note: None,
                }],
            ),
        ];
        for (code, on, rows) in &measurements {
            self.record_measurements_stamped(
                system,
                code,
                rows,
                Stamp::backdated(Some(system.user_id), at(day(on)?, 10)),
            )
            .await?;
        }
        Ok(indicators.len())
    }

    /// Completes some assignments of a task, as history. Appendix rows keep
    /// exactly their unfinished units open on the listing day.
    async fn invent_history(
        &self,
        system: &Actor,
        task_id: i64,
        issued: NaiveDate,
        line: &crate::import::GoldTask,
    ) -> Result<usize> {
        let rows = self
            .store
            .list_assignments(&AssignmentFilter {
                task_id: Some(task_id),
                agency_id: None,
                document_id: None,
                status: None,
                as_of: today(),
                due_soon_days: 0,
                confined_to: None,
                page: 1,
                per_page: 10_000,
            })
            .await?
            .0;
        let unfinished: Option<Vec<i64>> = match &line.incomplete {
            Some(names) => {
                let mut ids = Vec::new();
                for name in names {
                    ids.push(self.resolve_agency("incomplete", name, Some(issued))?.id);
                }
                Some(ids)
            }
            None => None,
        };
        let today = today();
        let mut done = 0;
        for row in rows {
            let Some(due) = row.state.due else { continue };
            let h = stable_hash(&format!(
                "{}|{}|{}",
                line.ref_.as_deref().unwrap_or(""),
                line.text,
                row.agency_id
            ));
            let completion: Option<NaiveDate> = match &unfinished {
                // A unit the appendix lists as finished had finished by its deadline.
                Some(open) if !open.contains(&row.agency_id) => Some(due),
                // An unfinished unit: a third of them finish later, late.
                Some(_) => h
                    .is_multiple_of(3)
                    .then(|| issued + Duration::days(10 + (h % 90) as i64)),
                // Work due before the appendix's day was done on time (the appendix lists
                // every overdue task of that day).
                None if due < day("2025-07-16")? => Some(due),
                None => match h % 10 {
                    0..=4 => Some((due - Duration::days((h % 5) as i64)).max(issued)),
                    5 | 6 => Some(due + Duration::days(3 + (h % 18) as i64)),
                    _ => None,
                },
            };
            let Some(on) = completion.filter(|on| *on <= today) else {
                continue;
            };
            // Confirmed the day it was done, an hour after the document's own records
            // when that is the same day.
            let recorded = at(on.max(issued), if on <= issued { 9 } else { 17 });
            let input = AssignmentPatchInput {
                completed_on: Some(on),
                reopen: None,
                cancelled: None,
                deadline: None,
                note: Some("dữ liệu minh họa".into()),
            };
            self.patch_assignment_stamped(
                system,
                row.id,
                &input,
                Stamp::backdated(Some(system.user_id), recorded),
            )
            .await?;
            done += 1;
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_fields_follow_the_keyword_rule() {
        assert_eq!(
            demo_field("Triển khai Đề án 06 tại địa phương"),
            Some("da06")
        );
        assert_eq!(demo_field("Cắt giảm thủ tục hành chính"), Some("cchc"));
        assert_eq!(
            demo_field("Hỗ trợ khởi nghiệp đổi mới sáng tạo"),
            Some("dmst")
        );
        assert_eq!(demo_field("Hoàn thành số hóa hồ sơ"), Some("cds"));
        assert_eq!(demo_field("Đầu tư cho khoa học cơ bản"), Some("khcn"));
        assert_eq!(demo_field("Tổ chức hội nghị sơ kết"), None);
        // Whole words only: "dữ liệu" is not in "dữ liệuz".
        assert_eq!(demo_field("dữ liệuz"), None);
        // Every field is a known one.
        assert!(
            ["da06", "cchc", "dmst", "cds", "khcn"]
                .iter()
                .all(|f| tiendo_core::model::is_field(f))
        );
    }

    /// Every seed task gets its whole text from its document: the gold's first
    /// words, and what follows them there.
    #[test]
    fn seed_tasks_carry_their_whole_text() {
        for seed in SEEDS {
            let (_, gold) = parse_jsonl(seed.gold).expect("valid gold");
            let whole = whole_texts(seed.text, &gold).expect("whole texts");
            let (_, lines) = parse_jsonl(&whole).expect("valid JSON Lines");
            assert_eq!(lines.len(), gold.len());
            for ((_, g), (_, w)) in gold.iter().zip(&lines) {
                // Less the words that hand the task over ("giao …", "Thủ tướng yêu
                // cầu …"), which the whole text leaves out.
                let gold = fold(&g.text);
                let gold = [
                    "thu tuong chinh phu yeu cau ",
                    "thu tuong yeu cau ",
                    "chu tich uy ban nhan dan tinh giao ",
                    "giao ",
                    "de nghi ",
                    "yeu cau ",
                ]
                .iter()
                .find_map(|w| gold.strip_prefix(w))
                .unwrap_or(&gold);
                assert!(
                    fold(&w.text).contains(gold),
                    "{:?}: {} / {}",
                    g.ref_,
                    g.text,
                    w.text
                );
                assert!(!w.text.ends_with(';'), "{}", w.text);
            }
            let same = gold
                .iter()
                .zip(&lines)
                .filter(|((_, g), (_, w))| g.text == w.text)
                .map(|((_, g), _)| g.ref_.clone().unwrap_or_default())
                .collect::<Vec<_>>();
            // Only tasks whose first words are all their words (a short sentence
            // or appendix cell).
            assert!(same.len() <= 4, "{:?}: {same:?}", seed.number);
        }
    }

    /// A task whose subject the extractor read as its lead ("Các bộ, ngành, địa
    /// phương: rà soát…") keeps its subject and gets its whole passage.
    #[test]
    fn a_subject_read_as_lead_stays_in_the_whole_text() {
        let seed = SEEDS
            .iter()
            .find(|s| s.number == Some("624/TB-VPCP"))
            .expect("624");
        let (_, gold) = parse_jsonl(seed.gold).expect("valid gold");
        let whole = whole_texts(seed.text, &gold).expect("whole texts");
        let (_, lines) = parse_jsonl(&whole).expect("valid JSON Lines");
        let t = lines
            .iter()
            .find(|(_, t)| t.ref_.as_deref() == Some("III.5.i"))
            .expect("III.5.i");
        assert!(
            t.1.text
                .starts_with("Các bộ, ngành, địa phương: rà soát, có cam kết lộ trình"),
            "{}",
            t.1.text
        );
        assert!(
            t.1.text.len()
                > gold
                    .iter()
                    .find(|(_, g)| g.ref_.as_deref() == Some("III.5.i"))
                    .expect("gold")
                    .1
                    .text
                    .len()
        );
    }
}
