//! Benchmarks of tiendo's tracking core (issue 2): generates a large data set, then
//! measures status computation, the overdue report, and the filtered task list
//! under HTTP load. Output is plain text lines.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDate};
use clap::{Parser, Subcommand, ValueEnum};
use tiendo_core::deadline::{Deadline, DeadlineKind};
use tiendo_core::model::PartyRef;
use tiendo_core::policy::{Actor, Role};
use tiendo_core::status::{AssignmentState, StateChange, Status, spans, status_on};
use tiendo_core::time::{Micros, end_of_day, now_micros, start_of_day};
use tiendo_service::input::UserInput;
use tiendo_service::{Config, Service};
use tiendo_store::{NewAgency, NewDocument, NewTask, Stamp, Store};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

mod indicators;

#[derive(Parser)]
#[command(name = "tiendo-bench", about = "Benchmarks of tiendo's tracking core")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(clap::Args, Clone)]
struct Db {
    #[arg(long, value_enum)]
    backend: Backend,
    /// SQLite: the data folder (tiendo.db inside).
    #[arg(long, default_value = "/work/bench-data/sqlite")]
    data: PathBuf,
    /// PostgreSQL: the server URL.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/test")]
    url: String,
    /// PostgreSQL: the schema to use (created if missing).
    #[arg(long, default_value = "bench")]
    schema: String,
}

#[derive(Subcommand)]
enum Command {
    /// Fills an empty database with documents, tasks and assignments.
    Generate {
        #[command(flatten)]
        db: Db,
        #[arg(long, default_value_t = 200_000)]
        tasks: usize,
        #[arg(long, default_value_t = 10)]
        assignments_per_task: usize,
        /// Agencies in all (synthetic communes are added to reach it).
        #[arg(long, default_value_t = 3_400)]
        agencies: usize,
        #[arg(long, default_value_t = 100)]
        tasks_per_document: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Status of every assignment on a day, SQL counts, in-memory status, overdue report.
    Status {
        #[command(flatten)]
        db: Db,
        #[arg(long, default_value = "2025-07-16")]
        as_of: NaiveDate,
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Requests per second and latency of the filtered task list over HTTP.
    Load {
        #[command(flatten)]
        db: Db,
        #[arg(long, default_value_t = 64)]
        clients: usize,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Agency codes cycled over (central bodies and provinces).
        #[arg(long, default_value_t = 50)]
        agencies: usize,
        /// Serve without the read cache, to measure the uncached cost.
        #[arg(long)]
        no_cache: bool,
        /// Commit a write (a new document) every this many milliseconds during the
        /// task-list run, so that cached answers keep being invalidated.
        #[arg(long)]
        write_every_ms: Option<u64>,
    },
    /// Indicators (issue 6): communes, 50 indicators and their monthly measurements.
    IndicatorsGenerate {
        #[command(flatten)]
        db: Db,
        #[arg(long, default_value_t = 3_321)]
        communes: usize,
        #[arg(long, default_value_t = 120)]
        months: usize,
        #[arg(long, default_value_t = 2017)]
        start_year: i32,
    },
    /// Indicators: the national value and per-province table of one month.
    IndicatorsQuery {
        #[command(flatten)]
        db: Db,
        #[arg(long, default_value = "2024-06")]
        month: String,
        #[arg(long, default_value_t = 7)]
        runs: usize,
    },
    /// Indicators: bulk ingestion of measurements over HTTP (NDJSON).
    IndicatorsIngest {
        #[command(flatten)]
        db: Db,
        #[arg(long, default_value_t = 3_321)]
        communes: usize,
        #[arg(long, default_value_t = 1_000_000)]
        count: usize,
        /// Measurements per request.
        #[arg(long, default_value_t = 1_000_000)]
        batch: usize,
    },
    /// Spreadsheet import (docs/spreadsheets.md): writes a tasks XLSX of `rows`
    /// rows and times its import on a fresh SQLite database and a fresh PostgreSQL
    /// schema (a dry run first: reading and checking alone).
    SheetImport {
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        /// PostgreSQL server URL; the schema is new each run and dropped after.
        #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/test")]
        url: String,
        /// Only SQLite.
        #[arg(long)]
        no_postgres: bool,
    },
    /// A monthly scoring run (preview: computed, not stored) over the whole data set.
    Score {
        #[command(flatten)]
        db: Db,
        #[arg(long, default_value = "2025-10")]
        month: String,
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// The monthly report to the Prime Minister (docs/reports.md): built from the
    /// data set, then rendered as XLSX, DOCX and PDF.
    Report {
        #[command(flatten)]
        db: Db,
        #[arg(long, default_value = "2025-10")]
        month: String,
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        match cli.command {
            Command::Generate {
                db,
                tasks,
                assignments_per_task,
                agencies,
                tasks_per_document,
                seed,
            } => {
                generate(
                    &db,
                    tasks,
                    assignments_per_task,
                    agencies,
                    tasks_per_document,
                    seed,
                )
                .await
            }
            Command::Status { db, as_of, runs } => status(&db, as_of, runs).await,
            Command::Load {
                db,
                clients,
                seconds,
                agencies,
                no_cache,
                write_every_ms,
            } => load(&db, clients, seconds, agencies, !no_cache, write_every_ms).await,
            Command::Score { db, month, runs } => score(&db, &month, runs).await,
            Command::Report { db, month, runs } => report(&db, &month, runs).await,
            Command::IndicatorsGenerate {
                db,
                communes,
                months,
                start_year,
            } => indicators::generate(&db, communes, months, start_year).await,
            Command::IndicatorsQuery { db, month, runs } => {
                indicators::query(&db, &month, runs).await
            }
            Command::IndicatorsIngest {
                db,
                communes,
                count,
                batch,
            } => indicators::ingest(&db, communes, count, batch).await,
            Command::SheetImport {
                rows,
                url,
                no_postgres,
            } => sheet_import(rows, &url, no_postgres).await,
        }
    })
}

async fn open(db: &Db) -> Result<Store> {
    Ok(match db.backend {
        Backend::Sqlite => Store::open_sqlite_dir(&db.data).await?,
        Backend::Postgres => Store::open_postgres(&db.url, Some(&db.schema)).await?,
    })
}

/// A service that computes every read: the measurements are of the work, not of
/// the read cache (`load` measures with the cache, as served).
async fn open_service(db: &Db) -> Result<Service> {
    let store = open(db).await?;
    let config = Config {
        read_cache: false,
        ..Config::default()
    };
    Ok(Service::new(store, config).await?)
}

// ------------------------------------------------------------------ generation

/// SplitMix64: a small, fast, reproducible generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// `(id, task_id, agency_id, spans)`, as `Store::bulk_insert_assignments` takes them.
type BulkAssignment = (i64, i64, i64, Vec<(Micros, AssignmentState)>);

const HOUR: i64 = 3_600_000_000;
const DAY: i64 = 24 * HOUR;

fn last_of_month(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1).expect("valid") - chrono::Duration::days(1)
}

fn deadline(rng: &mut Rng, issued: NaiveDate) -> Deadline {
    let target = issued + chrono::Duration::days(rng.range(20, 420));
    let roll = rng.below(100);
    let (kind, due, raw) = if roll < 68 {
        (
            DeadlineKind::Date,
            Some(target),
            format!("Trước ngày {}", target.format("%d/%m/%Y")),
        )
    } else if roll < 78 {
        let d = last_of_month(target.year(), target.month());
        (
            DeadlineKind::Month,
            Some(d),
            format!("Tháng {}/{}", target.month(), target.year()),
        )
    } else if roll < 86 {
        let q = (target.month() - 1) / 3 + 1;
        let d = last_of_month(target.year(), q * 3);
        (
            DeadlineKind::Quarter,
            Some(d),
            format!("Quý {} năm {}", q, target.year()),
        )
    } else if roll < 90 {
        let d = NaiveDate::from_ymd_opt(target.year(), 12, 31).expect("valid");
        (
            DeadlineKind::Year,
            Some(d),
            format!("Năm {}", target.year()),
        )
    } else if roll < 96 {
        (DeadlineKind::Recurring, None, "Thường xuyên".to_string())
    } else {
        (DeadlineKind::None, None, String::new())
    };
    Deadline { kind, due, raw }
}

/// The knowledge spans of one assignment created at `created` (an instant on
/// `issued`), every change recorded before `now`.
fn history(
    rng: &mut Rng,
    d: &Deadline,
    issued: NaiveDate,
    created: Micros,
    now: Micros,
) -> Vec<(Micros, AssignmentState)> {
    let limit = now - HOUR;
    let mut changes = vec![(
        created,
        StateChange::Assigned {
            kind: d.kind,
            due: d.due,
        },
    )];
    let mut due = d.due;
    let mut last = created;
    // Extension: approved a few days before the old deadline.
    if let Some(old) = due
        && rng.chance(0.12)
    {
        let at = end_of_day(old) - rng.range(2, 15) * DAY - rng.range(1, 8) * HOUR;
        let new_due = old + chrono::Duration::days(rng.range(30, 120));
        if at > last && at < limit {
            changes.push((
                at,
                StateChange::DeadlineSet {
                    kind: DeadlineKind::Date,
                    due: Some(new_due),
                },
            ));
            due = Some(new_due);
            last = at;
        }
    }
    if rng.chance(0.02) {
        let at = last + rng.range(5, 200) * DAY;
        if at < limit {
            changes.push((at, StateChange::Cancelled));
        }
    } else if rng.chance(0.62) {
        // Completed around the deadline (some late), confirmed days later.
        let on = match due {
            Some(due) => due + chrono::Duration::days(rng.range(-60, 35)),
            None => issued + chrono::Duration::days(rng.range(30, 400)),
        }
        .max(issued + chrono::Duration::days(1));
        let at =
            (start_of_day(on) + rng.range(8, 17) * HOUR + rng.range(0, 20) * DAY).max(last + HOUR);
        if at < limit {
            changes.push((at, StateChange::Completed { on }));
        }
    }
    spans(&changes)
        .expect("changes in order, starting with Assigned")
        .into_iter()
        .map(|s| (s.known_from, s.state))
        .collect()
}

async fn generate(
    db: &Db,
    n_tasks: usize,
    per_task: usize,
    n_agencies: usize,
    tasks_per_doc: usize,
    seed: u64,
) -> Result<()> {
    let started = Instant::now();
    let service = open_service(db).await?;
    let store = service.store.clone();
    if store.count_documents().await? > 0 {
        bail!("the database is not empty; generate fills an empty database only");
    }
    // Agencies: the reference data plus synthetic communes.
    let existing = store.all_agencies().await?;
    let provinces: Vec<String> = existing
        .iter()
        .filter(|a| (a.kind == "province" || a.kind == "city") && a.valid_to.is_none())
        .map(|a| a.code.clone())
        .collect();
    let synthetic: Vec<NewAgency> = (existing.len()..n_agencies)
        .map(|i| NewAgency {
            code: format!("XA-{i:05}"),
            kind: "commune".into(),
            name: format!("Ủy ban nhân dân xã Tổng Hợp {i}"),
            short_name: Some(format!("Xã Tổng Hợp {i}")),
            bare: Some(format!("Tổng Hợp {i}")),
            parent_code: provinces.get(i % provinces.len().max(1)).cloned(),
            ..NewAgency::default()
        })
        .collect();
    store.sync_agencies(&synthetic).await?;
    let agencies: Vec<_> = store
        .all_agencies()
        .await?
        .into_iter()
        .filter(|a| a.valid_to.is_none())
        .collect();
    let core: Vec<_> = agencies.iter().filter(|a| a.kind != "commune").collect();
    println!(
        "generate {}: {} agencies ({} central and provincial, {} synthetic communes) in {:.1} s",
        db.backend.name(),
        agencies.len(),
        core.len(),
        synthetic.len(),
        started.elapsed().as_secs_f64()
    );
    if agencies.len() < per_task || core.len() < 3 {
        bail!("not enough agencies");
    }

    let mut rng = Rng(seed);
    let now = now_micros();
    let first_day = NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid");
    let last_issue = NaiveDate::from_ymd_opt(2026, 6, 30).expect("valid");
    let span_days = (last_issue - first_day).num_days();
    let n_docs = n_tasks.div_ceil(tasks_per_doc);
    let mut task_id = 0i64;
    let mut assignment_id = 0i64;
    let mut task_rows: Vec<(i64, NewTask, Micros)> = Vec::new();
    let mut assignment_rows: Vec<BulkAssignment> = Vec::new();
    let mut write_time = Duration::ZERO;
    let mut spans_total = 0usize;
    for doc in 0..n_docs {
        let issued = first_day + chrono::Duration::days(rng.range(0, span_days));
        let doc_at = start_of_day(issued) + rng.range(8, 17) * HOUR;
        let number = format!("{}/TB-VPCP", doc + 1);
        let t0 = Instant::now();
        let document = store
            .create_document(
                &NewDocument {
                    number: Some(number.clone()),
                    kind: "Thông báo".into(),
                    title: format!(
                        "Kết luận của Thủ tướng Chính phủ tại cuộc họp số {}",
                        doc + 1
                    ),
                    issued_on: Some(issued),
                    issuer: Some("Văn phòng Chính phủ".into()),
                    signer: None,
                    body: None,
                },
                &Stamp::backdated(None, doc_at),
            )
            .await?;
        write_time += t0.elapsed();
        let in_doc = tasks_per_doc.min(n_tasks - doc * tasks_per_doc);
        for k in 0..in_doc {
            task_id += 1;
            let d = deadline(&mut rng, issued);
            let created = doc_at + rng.range(1, 48) * HOUR;
            let mut chosen: Vec<i64> = Vec::with_capacity(per_task);
            let mut seen = HashSet::new();
            while chosen.len() < per_task {
                let a = if chosen.len() < 3 {
                    core[rng.below(core.len() as u64) as usize]
                } else {
                    &agencies[rng.below(agencies.len() as u64) as usize]
                };
                if seen.insert(a.id) {
                    chosen.push(a.id);
                }
            }
            let lead_agency = agencies
                .iter()
                .find(|a| a.id == chosen[0])
                .expect("chosen from the list");
            let task = NewTask {
                document_id: document.id,
                ref_: Some(format!("{}", k + 1)),
                text: format!(
                    "Nhiệm vụ {} của văn bản {}: hoàn thiện hồ sơ, báo cáo Thủ tướng Chính phủ kết quả triển khai đề án số {}",
                    k + 1,
                    number,
                    task_id
                ),
                product: Some("Báo cáo".into()),
                field: None,
                priority: 2,
                deadline: d.clone(),
                lead: vec![PartyRef {
                    agency_id: Some(lead_agency.id),
                    code: lead_agency.code.clone(),
                    name: lead_agency.name.clone(),
                }],
                coord: Vec::new(),
                leader: None,
                source_citation: None,
                assignees: chosen.clone(),
            };
            for agency in &chosen {
                assignment_id += 1;
                let h = history(&mut rng, &d, issued, created, now);
                spans_total += h.len();
                assignment_rows.push((assignment_id, task_id, *agency, h));
            }
            task_rows.push((task_id, task, created));
        }
        if assignment_rows.len() >= 50_000 || doc + 1 == n_docs {
            let t0 = Instant::now();
            store.bulk_insert_tasks(&task_rows).await?;
            store.bulk_insert_assignments(&assignment_rows).await?;
            write_time += t0.elapsed();
            task_rows.clear();
            assignment_rows.clear();
            if (doc + 1) % 200 == 0 || doc + 1 == n_docs {
                println!(
                    "generate {}: {} tasks, {} assignments after {:.1} s",
                    db.backend.name(),
                    task_id,
                    assignment_id,
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }
    let t0 = Instant::now();
    store.bulk_finish().await?;
    let finish = t0.elapsed();
    write_time += finish;
    println!(
        "generate {}: {} documents, {} tasks, {} assignments, {} knowledge spans in {:.1} s (database writes {:.1} s, of which ANALYZE/sequences {:.1} s)",
        db.backend.name(),
        n_docs,
        task_id,
        assignment_id,
        spans_total,
        started.elapsed().as_secs_f64(),
        write_time.as_secs_f64(),
        finish.as_secs_f64()
    );
    store.close().await;
    Ok(())
}

// ------------------------------------------------------------------ status

fn summary(label: &str, times: &[f64], rows: u64) {
    let mut t = times.to_vec();
    t.sort_by(f64::total_cmp);
    let min = t[0];
    let median = t[t.len() / 2];
    let rate = if min > 0.0 {
        rows as f64 / min / 1e6
    } else {
        f64::INFINITY
    };
    println!(
        "{label}: {rows} rows in {min:.3} s min, {median:.3} s median ({rate:.2} M rows/s at min)"
    );
}

fn counts_line(label: &str, counts: &[u64; 7]) {
    let parts: Vec<String> = Status::ALL
        .iter()
        .map(|s| format!("{}={}", s.as_str(), counts[*s as usize]))
        .collect();
    println!("{label}: {}", parts.join(" "));
}

async fn status(db: &Db, as_of: NaiveDate, runs: usize) -> Result<()> {
    let service = open_service(db).await?;
    let store = service.store.clone();
    let b = db.backend.name();
    let soon = service.config.due_soon_days;
    let runs = runs.max(1);

    // (a) scan the known state and compute each status.
    let mut times = Vec::new();
    let mut rows = 0;
    let mut counts = [0u64; 7];
    for _ in 0..runs {
        counts = [0u64; 7];
        let t0 = Instant::now();
        rows = store
            .scan_known(as_of, &mut |k| {
                counts[status_on(&k.state, as_of, soon) as usize] += 1
            })
            .await?;
        times.push(t0.elapsed().as_secs_f64());
    }
    summary(&format!("status/scan {b}"), &times, rows);
    counts_line(&format!("status/scan {b} counts"), &counts);

    // (b) the same counts in SQL.
    let mut times = Vec::new();
    let mut sql_counts = Vec::new();
    for _ in 0..runs {
        let t0 = Instant::now();
        sql_counts = store.status_counts(as_of, soon, None).await?;
        times.push(t0.elapsed().as_secs_f64());
    }
    let total: i64 = sql_counts.iter().map(|c| c.1).sum();
    summary(&format!("status/sql-counts {b}"), &times, total as u64);
    let mut c2 = [0u64; 7];
    for (s, n) in &sql_counts {
        c2[*s as usize] = *n as u64;
    }
    counts_line(&format!("status/sql-counts {b} counts"), &c2);
    println!("status/sql-counts {b}: agrees with scan: {}", c2 == counts);

    // (c) the core computation alone, in memory, one core.
    let mut states: Vec<AssignmentState> = Vec::with_capacity(rows as usize);
    store
        .scan_known(as_of, &mut |k| states.push(k.state))
        .await?;
    let mut times = Vec::new();
    for _ in 0..runs {
        let t0 = Instant::now();
        let mut c = [0u64; 7];
        for s in std::hint::black_box(&states) {
            c[status_on(s, std::hint::black_box(as_of), soon) as usize] += 1;
        }
        std::hint::black_box(c);
        times.push(t0.elapsed().as_secs_f64());
    }
    summary(
        &format!("status/in-memory {b}"),
        &times,
        states.len() as u64,
    );
    drop(states);

    // (d) the overdue report.
    let admin = bench_admin();
    let mut times = Vec::new();
    let mut report_rows = 0;
    let mut incomplete = 0;
    for _ in 0..runs {
        let t0 = Instant::now();
        let report = service.overdue_report(&admin, as_of).await?;
        times.push(t0.elapsed().as_secs_f64());
        report_rows = report.rows.len();
        incomplete = report
            .rows
            .iter()
            .map(|r| r.incomplete.len())
            .sum::<usize>();
    }
    summary(
        &format!("status/overdue-report {b}"),
        &times,
        report_rows as u64,
    );
    println!("status/overdue-report {b}: {report_rows} tasks, {incomplete} overdue assignments");
    store.close().await;
    Ok(())
}

// ------------------------------------------------------------------ load

struct Response {
    status: u16,
    body: Vec<u8>,
}

/// The benchmarks' administrator, for service calls made without signing in.
fn bench_admin() -> Actor {
    Actor {
        user_id: 0,
        username: "bench".into(),
        role: Role::Admin,
        agency_id: None,
    }
}

/// Signs in over HTTP at `addr`: the keep-alive connection used, and the token.
async fn sign_in(
    addr: std::net::SocketAddr,
    username: &str,
    password: &str,
) -> Result<(BufReader<TcpStream>, String)> {
    let body = serde_json::json!({"username": username, "password": password}).to_string();
    let login = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut reader = BufReader::new(TcpStream::connect(addr).await?);
    let r = send(&mut reader, login.as_bytes()).await?;
    if r.status != 200 {
        bail!(
            "login failed: {} {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
    }
    let v: serde_json::Value = serde_json::from_slice(&r.body)?;
    let token = v["token"]
        .as_str()
        .context("no token in the login answer")?
        .to_string();
    Ok((reader, token))
}

async fn send(reader: &mut BufReader<TcpStream>, request: &[u8]) -> Result<Response> {
    reader.get_mut().write_all(request).await?;
    let mut line = String::new();
    reader.read_line(&mut line).await?;
    if line.is_empty() {
        bail!("connection closed");
    }
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .context("bad status line")?
        .parse()?;
    let mut length = 0usize;
    loop {
        line.clear();
        reader.read_line(&mut line).await?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((name, value)) = l.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse()?;
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).await?;
    Ok(Response { status, body })
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

struct Outcome {
    latencies_us: Vec<u64>,
    non_200: u64,
    errors: u64,
}

async fn run_load(
    addr: std::net::SocketAddr,
    requests: Vec<Vec<u8>>,
    clients: usize,
    seconds: u64,
) -> Result<(Outcome, f64)> {
    let requests = std::sync::Arc::new(requests);
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let mut handles = Vec::new();
    for c in 0..clients {
        let requests = requests.clone();
        handles.push(tokio::spawn(async move {
            let mut out = Outcome {
                latencies_us: Vec::new(),
                non_200: 0,
                errors: 0,
            };
            let mut reader = match TcpStream::connect(addr).await {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    BufReader::new(s)
                }
                Err(_) => {
                    out.errors += 1;
                    return out;
                }
            };
            let mut i = c;
            while Instant::now() < deadline {
                let req = &requests[i % requests.len()];
                i += clients;
                let t0 = Instant::now();
                match send(&mut reader, req).await {
                    Ok(r) => {
                        out.latencies_us.push(t0.elapsed().as_micros() as u64);
                        if r.status != 200 {
                            out.non_200 += 1;
                        }
                    }
                    Err(_) => {
                        out.errors += 1;
                        match TcpStream::connect(addr).await {
                            Ok(s) => reader = BufReader::new(s),
                            Err(_) => return out,
                        }
                    }
                }
            }
            out
        }));
    }
    let mut all = Outcome {
        latencies_us: Vec::new(),
        non_200: 0,
        errors: 0,
    };
    for h in handles {
        let o = h.await?;
        all.latencies_us.extend(o.latencies_us);
        all.non_200 += o.non_200;
        all.errors += o.errors;
    }
    Ok((all, start.elapsed().as_secs_f64()))
}

fn report_load(label: &str, mut o: Outcome, elapsed: f64, clients: usize) {
    o.latencies_us.sort_unstable();
    let n = o.latencies_us.len();
    let pct = |p: f64| -> f64 {
        if n == 0 {
            return 0.0;
        }
        let i = ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
        o.latencies_us[i] as f64 / 1000.0
    };
    println!(
        "{label}: {n} requests in {elapsed:.1} s with {clients} clients: {:.0} req/s, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms, non-200 {}, errors {}",
        n as f64 / elapsed,
        pct(0.50),
        pct(0.95),
        pct(0.99),
        pct(1.0),
        o.non_200,
        o.errors
    );
}

async fn load(
    db: &Db,
    clients: usize,
    seconds: u64,
    n_agencies: usize,
    read_cache: bool,
    write_every_ms: Option<u64>,
) -> Result<()> {
    let b = db.backend.name();
    let store = open(db).await?;
    let config = Config {
        read_cache,
        ..Config::default()
    };
    let service = Service::new(store, config).await?;
    println!(
        "load {b}: read cache {}, a write every {}",
        if read_cache { "on" } else { "off" },
        write_every_ms.map_or("— (none)".to_string(), |ms| format!("{ms} ms"))
    );
    let store = service.store.clone();
    let username = "bench-viewer";
    let password = "bench-viewer-password";
    if store.user_credentials(username).await?.is_none() {
        service
            .create_user(
                None,
                &UserInput {
                    username: username.into(),
                    password: password.into(),
                    role: "viewer".into(),
                    agency: None,
                    display_name: Some("Benchmark viewer".into()),
                    email: None,
                },
            )
            .await?;
    }
    let codes: Vec<String> = store
        .all_agencies()
        .await?
        .into_iter()
        .filter(|a| a.valid_to.is_none() && a.kind != "commune")
        .filter(|a| {
            matches!(
                a.kind.as_str(),
                "ministry" | "ministerial_agency" | "government_agency" | "province" | "city"
            )
        })
        .map(|a| a.code)
        .take(n_agencies)
        .collect();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(tiendo_server::serve_on(service.clone(), listener));

    // Sign in.
    let (mut reader, token) = sign_in(addr, username, password).await?;

    let tasks_requests: Vec<Vec<u8>> = codes
        .iter()
        .map(|c| {
            format!(
                "GET /api/v1/tasks?agency={}&status=overdue&per_page=50 HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\r\n",
                encode(c)
            )
            .into_bytes()
        })
        .collect();
    // Warm up: each agency once, checking the answers.
    let mut totals = Vec::new();
    for req in &tasks_requests {
        let r = send(&mut reader, req).await?;
        if r.status != 200 {
            bail!(
                "GET /api/v1/tasks answered {}: {}",
                r.status,
                String::from_utf8_lossy(&r.body)
            );
        }
        let v: serde_json::Value = serde_json::from_slice(&r.body)?;
        totals.push(v["total"].as_i64().unwrap_or(0));
    }
    totals.sort_unstable();
    println!(
        "load/tasks {b}: {} agencies, overdue tasks per agency: min {}, median {}, max {}",
        codes.len(),
        totals.first().unwrap_or(&0),
        totals.get(totals.len() / 2).unwrap_or(&0),
        totals.last().unwrap_or(&0)
    );
    drop(reader);

    let health = vec![format!("GET /health HTTP/1.1\r\nHost: {addr}\r\n\r\n").into_bytes()];
    let (o, elapsed) = run_load(addr, health, clients, seconds.min(10)).await?;
    report_load(&format!("load/health {b}"), o, elapsed, clients);
    let writer = write_every_ms.map(|ms| tokio::spawn(write_steadily(service.clone(), ms)));
    let (o, elapsed) = run_load(addr, tasks_requests, clients, seconds).await?;
    if let Some(writer) = writer {
        writer.abort();
    }
    report_load(&format!("load/tasks {b}"), o, elapsed, clients);
    println!(
        "load/tasks {b}: data version at the end {}",
        service.store.data_version().await?
    );
    Ok(())
}

/// Commits a small write (a new document, by a benchmark administrator) every
/// `ms` milliseconds, as the standing office and focal points do all day.
async fn write_steadily(service: Service, ms: u64) -> Result<()> {
    let username = "bench-admin";
    if service.store.user_credentials(username).await?.is_none() {
        service
            .create_user(
                None,
                &UserInput {
                    username: username.into(),
                    password: "bench-admin-password".into(),
                    role: "admin".into(),
                    agency: None,
                    display_name: Some("Benchmark administrator".into()),
                    email: None,
                },
            )
            .await?;
    }
    let user_id = service
        .store
        .user_credentials(username)
        .await?
        .context("the benchmark administrator was not created")?
        .id;
    let actor = Actor {
        user_id,
        username: username.into(),
        role: Role::Admin,
        agency_id: None,
    };
    let mut tick = tokio::time::interval(Duration::from_millis(ms));
    for n in 0u64.. {
        tick.tick().await;
        service
            .create_document(
                &actor,
                &tiendo_service::input::DocumentInput {
                    // Unique across runs: document numbers are unique.
                    number: Some(format!("{n}-{}/BENCH", now_micros())),
                    kind: "Công văn".into(),
                    title: format!("Văn bản thử tải {n}"),
                    issued_on: None,
                    issuer: None,
                    signer: None,
                    body: None,
                },
            )
            .await?;
    }
    Ok(())
}

// ------------------------------------------------------------------ scoring (issue 5)

/// Times `Service::score_month` (preview) and, separately, its parts: the bulk
/// reads and the computation.
async fn score(db: &Db, month: &str, runs: usize) -> Result<()> {
    let service = open_service(db).await?;
    let b = db.backend.name();
    let actor = bench_admin();
    let m = tiendo_core::scoring::Month::parse(month).context("--month: YYYY-MM")?;
    let mut times = Vec::new();
    let mut lines = 0u64;
    let mut run = None;
    for _ in 0..runs.max(1) {
        let t0 = Instant::now();
        let r = service.score_month(&actor, month, true).await?;
        times.push(t0.elapsed().as_secs_f64());
        lines = r.results.iter().map(|x| x.lines as u64).sum();
        run = Some(r);
    }
    summary(
        &format!("score/preview {b} {month} (breakdown lines)"),
        &times,
        lines,
    );
    if let Some(r) = run {
        println!(
            "score/preview {b}: {} agencies scored, {} leaders scored, hash {}",
            r.scored_agencies, r.scored_leaders, r.content_hash
        );
    }
    let t0 = Instant::now();
    let scan = service
        .store
        .score_scan(m.first_day(), m.last_day())
        .await?;
    println!(
        "score/scan {b}: {} scorable assignment spans in {:.3} s",
        scan.len(),
        t0.elapsed().as_secs_f64()
    );
    let t0 = Instant::now();
    let tasks = service.store.score_tasks(end_of_day(m.last_day())).await?;
    println!(
        "score/tasks {b}: {} tasks in {:.3} s",
        tasks.len(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

// ------------------------------------------------------------------ spreadsheet import (issue 5)

/// A tasks XLSX of `rows` rows over the current ministries and provinces, with
/// deadlines as Excel dates, dd/mm/yyyy text and phrases.
fn sheet_file(rows: usize) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    use tiendo_service::sheets::SheetKind;
    let agencies: Vec<&str> = tiendo_core::agency::AgencyRegistry::builtin()
        .all()
        .iter()
        .filter(|a| a.is_current() && matches!(a.kind.as_str(), "ministry" | "province" | "city"))
        .map(|a| a.name.as_str())
        .collect();
    anyhow::ensure!(agencies.len() > 10, "too few agencies");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (j, c) in SheetKind::Tasks.columns().iter().enumerate() {
        ws.write_string(0, j as u16, c.vi)?;
        ws.write_string(1, j as u16, c.en)?;
    }
    let fields = ["KHCN", "ĐMST", "CĐS", "ĐA06", "CCHC"];
    for i in 0..rows {
        let r = 2 + i as u32;
        ws.write_string(r, 0, "1/BENCH-SHEET")?;
        ws.write_string(
            r,
            1,
            format!("Nhiệm vụ số {i}: triển khai chuyển đổi số trong lĩnh vực được giao"),
        )?;
        ws.write_string(r, 2, agencies[i % agencies.len()])?;
        ws.write_string(r, 3, agencies[(i * 7 + 3) % agencies.len()])?;
        match i % 5 {
            0 => {
                let day = ExcelDateTime::from_ymd(2026, 1 + (i % 12) as u8, 1 + (i % 28) as u8)?;
                ws.write_datetime_with_format(r, 4, &day, &date)?;
            }
            1 => {
                ws.write_string(r, 4, format!("{:02}/{:02}/2026", 1 + i % 28, 1 + i % 12))?;
            }
            2 => {
                ws.write_string(
                    r,
                    4,
                    format!("Quý {}/2026", ["I", "II", "III", "IV"][i % 4]),
                )?;
            }
            3 => {
                ws.write_string(r, 4, format!("Tháng {}/2026", 1 + i % 12))?;
            }
            _ => {
                ws.write_string(r, 4, "Thường xuyên")?;
            }
        }
        ws.write_string(r, 5, fields[i % fields.len()])?;
        ws.write_string(r, 6, ((i % 3) + 1).to_string())?;
    }
    Ok(wb.save_to_buffer()?)
}

async fn sheet_import(rows: usize, url: &str, no_postgres: bool) -> Result<()> {
    use tiendo_service::sheets::SheetKind;
    let t0 = Instant::now();
    let file = sheet_file(rows)?;
    println!(
        "sheet-import: wrote {rows} task rows, {:.1} MB, in {:.2} s",
        file.len() as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );
    let actor = bench_admin();
    let stamp = std::process::id();
    let mut backends = vec![("sqlite", None)];
    if !no_postgres {
        backends.push(("postgres", Some(format!("bench_sheets_{stamp}"))));
    }
    for (name, schema) in backends {
        let dir = std::env::temp_dir().join(format!("tiendo-bench-sheets-{stamp}"));
        let store = match &schema {
            None => Store::open_sqlite_dir(&dir).await?,
            Some(s) => Store::open_postgres(url, Some(s)).await?,
        };
        let service = Service::new(store, Config::default()).await?;
        service
            .create_document(
                &actor,
                &tiendo_service::input::DocumentInput {
                    number: Some("1/BENCH-SHEET".into()),
                    kind: "Thông báo".into(),
                    title: "Bench".into(),
                    issued_on: NaiveDate::from_ymd_opt(2025, 11, 1),
                    issuer: None,
                    signer: None,
                    body: None,
                },
            )
            .await?;
        let t0 = Instant::now();
        let dry = service
            .import_sheet(&actor, SheetKind::Tasks, &file, true)
            .await?
            .map_err(|e| anyhow::anyhow!("{} problems, first: {}", e.len(), e[0]))?;
        let dry_s = t0.elapsed().as_secs_f64();
        let t0 = Instant::now();
        let done = service
            .import_sheet(&actor, SheetKind::Tasks, &file, false)
            .await?
            .map_err(|e| anyhow::anyhow!("{} problems, first: {}", e.len(), e[0]))?;
        let import_s = t0.elapsed().as_secs_f64();
        let day = tiendo_core::time::today();
        let buckets = service.store.status_counts(day, 7, None).await?;
        let scan = service.store.status_counts_by_scan(day, 7, None).await?;
        println!(
            "sheet-import {name}: {} rows checked (dry run) in {dry_s:.2} s; {} tasks imported in {import_s:.2} s ({:.0} rows/s); buckets = scan: {}",
            dry.rows,
            done.created,
            done.created as f64 / import_s,
            buckets == scan
        );
        drop(service);
        match &schema {
            None => {
                let _ = std::fs::remove_dir_all(&dir);
            }
            Some(s) => {
                println!("sheet-import {name}: schema {s} left in place (DROP SCHEMA {s} CASCADE)")
            }
        }
    }
    Ok(())
}

/// Builds the monthly report (figures, ranking or preview scores, overdue by
/// agency, commitments due) and renders it in the three formats.
async fn report(db: &Db, month: &str, runs: usize) -> Result<()> {
    let service = open_service(db).await?;
    let b = db.backend.name();
    let actor = bench_admin();
    let req = tiendo_service::reports::ReportRequest {
        kind: tiendo_service::reports::ReportKind::Monthly,
        as_of: None,
        month: Some(month.to_string()),
        agency: None,
        document: None,
    };
    let mut build = Vec::new();
    let mut render: Vec<(tiendo_reports::Format, Vec<f64>, usize)> = tiendo_reports::Format::ALL
        .iter()
        .map(|f| (*f, Vec::new(), 0))
        .collect();
    let mut rows = 0u64;
    for _ in 0..runs.max(1) {
        let t0 = Instant::now();
        let printed = service.report(&actor, &req).await?;
        build.push(t0.elapsed().as_secs_f64());
        rows = printed.tables().map(|t| t.rows.len() as u64).sum();
        for (f, times, size) in render.iter_mut() {
            let t0 = Instant::now();
            let bytes = tiendo_reports::render(&printed, *f)?;
            times.push(t0.elapsed().as_secs_f64());
            *size = bytes.len();
        }
    }
    summary(
        &format!("report/monthly build {b} {month} (table rows)"),
        &build,
        rows,
    );
    for (f, times, size) in &render {
        summary(
            &format!(
                "report/monthly render {} {b} ({size} bytes; rows)",
                f.extension()
            ),
            times,
            rows,
        );
    }
    Ok(())
}
