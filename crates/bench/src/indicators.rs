//! Indicators at scale (issue 6): 20,000,000 measurements (3,321 communes × 50
//! indicators × 120 months), the national value and per-province table of one
//! indicator for one month, and the bulk ingestion of 1,000,000 measurements
//! through the HTTP API.

use std::time::Instant;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use tiendo_core::indicator::{Aggregation, Direction, Periodicity, SCALE};
use tiendo_core::time::now_micros;
use tiendo_service::indicators::IndicatorInput;
use tiendo_service::input::UserInput;
use tiendo_service::{Config, Service};
use tiendo_store::NewAgency;

use super::{Db, Rng, bench_admin, open, send, sign_in};

/// The measured indicators: `bench-01` population (sum), `bench-02` a coverage
/// rate weighted by it, `bench-03`…`bench-25` counts (sum), `bench-26`…`bench-50`
/// rates (mean); and `bench-ratio`, the ratio of `bench-03` to `bench-04` (× 100),
/// which has no measurements of its own.
const INDICATORS: usize = 50;

fn code(i: usize) -> String {
    format!("bench-{i:02}")
}

fn month_key(start_year: i32, m: usize) -> (String, NaiveDate) {
    let y = start_year + (m / 12) as i32;
    let mo = (m % 12) as u32 + 1;
    let key = format!("{y:04}-{mo:02}");
    let end = Periodicity::Month.end_of(&key).expect("a valid month");
    (key, end)
}

/// Creates the communes (each under a province) and the indicators if missing;
/// returns a service that knows them and the communes' ids.
async fn setup(db: &Db, communes: usize) -> Result<(Service, Vec<i64>)> {
    // A first service migrates the database and loads the reference agencies.
    let first = Service::new(open(db).await?, Config::default()).await?;
    let store = first.store.clone();
    let existing = store.all_agencies().await?;
    let provinces: Vec<String> = existing
        .iter()
        .filter(|a| (a.kind == "province" || a.kind == "city") && a.valid_to.is_none())
        .map(|a| a.code.clone())
        .collect();
    if provinces.is_empty() {
        bail!("no provinces in the reference data");
    }
    let synthetic: Vec<NewAgency> = (0..communes)
        .map(|i| NewAgency {
            code: format!("XA-{i:05}"),
            kind: "commune".into(),
            name: format!("Ủy ban nhân dân xã Tổng Hợp {i}"),
            short_name: Some(format!("Xã Tổng Hợp {i}")),
            bare: Some(format!("Tổng Hợp {i}")),
            parent_code: provinces.get(i % provinces.len()).cloned(),
            ..NewAgency::default()
        })
        .collect();
    for chunk in synthetic.chunks(1_000) {
        store.sync_agencies(chunk).await?;
    }
    drop(first);
    store.close().await;
    let store = open(db).await?;
    let config = Config {
        read_cache: false,
        ..Config::default()
    };
    let service = Service::new(store, config).await?;
    let mut ids = Vec::with_capacity(communes);
    for i in 0..communes {
        let a = service
            .resolve_agency("agency", &format!("XA-{i:05}"), None)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        ids.push(a.id);
    }
    let actor = bench_admin();
    for i in 1..=INDICATORS {
        if service.store.get_indicator(&code(i)).await?.is_some() {
            continue;
        }
        let (name, unit, aggregation, max) = match i {
            1 => ("Dân số".to_string(), "người", Aggregation::Sum, None),
            2 => (
                "Tỷ lệ phủ sóng (theo dân số)".to_string(),
                "%",
                Aggregation::WeightedMean { weight: code(1) },
                Some(100.0),
            ),
            3..=25 => (format!("Số lượng {i}"), "hồ sơ", Aggregation::Sum, None),
            _ => (format!("Tỷ lệ {i}"), "%", Aggregation::Mean, Some(100.0)),
        };
        service
            .create_indicator(
                &actor,
                &IndicatorInput {
                    code: code(i),
                    name,
                    unit: unit.into(),
                    direction: Direction::Increase,
                    aggregation,
                    levels: vec!["commune".into()],
                    periodicity: Periodicity::Month,
                    source: Some("tiendo-bench".into()),
                    valid_min: Some(0.0),
                    valid_max: max,
                },
            )
            .await?;
    }
    if service.store.get_indicator("bench-ratio").await?.is_none() {
        service
            .create_indicator(
                &actor,
                &IndicatorInput {
                    code: "bench-ratio".into(),
                    name: "Tỷ lệ 03 trên 04".into(),
                    unit: "%".into(),
                    direction: Direction::Increase,
                    aggregation: Aggregation::Ratio {
                        numerator: code(3),
                        denominator: code(4),
                        factor: 100,
                    },
                    levels: vec!["commune".into()],
                    periodicity: Periodicity::Month,
                    source: Some("tiendo-bench".into()),
                    valid_min: None,
                    valid_max: None,
                },
            )
            .await?;
    }
    Ok((service, ids))
}

/// A value of indicator `i` (1-based), scaled.
fn value(rng: &mut Rng, i: usize) -> i64 {
    match i {
        1 => rng.range(2_000, 60_000) * SCALE,
        3..=25 => rng.range(0, 5_000) * SCALE,
        _ => rng.range(0, 100 * SCALE),
    }
}

pub async fn generate(db: &Db, communes: usize, months: usize, start_year: i32) -> Result<()> {
    let started = Instant::now();
    let (service, ids) = setup(db, communes).await?;
    let store = service.store.clone();
    let mut indicator_ids = Vec::new();
    for i in 1..=INDICATORS {
        let row = store
            .get_indicator(&code(i))
            .await?
            .context("indicator created")?;
        if !store
            .current_values(row.id, &month_key(start_year, 0).0)
            .await?
            .is_empty()
        {
            bail!(
                "{} already has measurements; generate into an empty database",
                code(i)
            );
        }
        indicator_ids.push(row.id);
    }
    println!(
        "indicators-generate {}: {} communes, {} indicators ready in {:.1} s",
        db.backend.name(),
        ids.len(),
        indicator_ids.len(),
        started.elapsed().as_secs_f64()
    );
    let total = ids.len() * INDICATORS * months;
    let mut rng = Rng(42);
    let recorded_at = now_micros();
    let mut loaded = 0u64;
    let load_started = Instant::now();
    let per_call = 16usize; // months per call: 16 × 3,321 = 53,136 rows
    // The measurement indexes are built once at the end (load_finish).
    store.load_start().await?;
    for (k, &indicator_id) in indicator_ids.iter().enumerate() {
        for first in (0..months).step_by(per_call) {
            let mut rows = Vec::with_capacity(per_call * ids.len());
            for m in first..(first + per_call).min(months) {
                let (key, end) = month_key(start_year, m);
                for &agency in &ids {
                    rows.push((
                        indicator_id,
                        agency,
                        key.clone(),
                        end,
                        value(&mut rng, k + 1),
                    ));
                }
            }
            loaded += store.load_measurements(&rows, recorded_at).await?;
        }
        let secs = load_started.elapsed().as_secs_f64();
        println!(
            "indicators-generate {}: {loaded} of {total} measurements in {secs:.0} s ({:.0} rows/s)",
            db.backend.name(),
            loaded as f64 / secs
        );
    }
    let t = Instant::now();
    store.load_finish().await?;
    println!(
        "indicators-generate {}: {loaded} measurements in {:.1} s (indexes and statistics {:.1} s), {:.1} s in all",
        db.backend.name(),
        load_started.elapsed().as_secs_f64(),
        t.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn min_median(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    (v[0], v[v.len() / 2])
}

pub async fn query(db: &Db, month: &str, runs: usize) -> Result<()> {
    let store = open(db).await?;
    let config = Config {
        read_cache: false,
        ..Config::default()
    };
    let service = Service::new(store, config).await?;
    let b = db.backend.name();
    let runs = runs.max(1);
    // Baseline: the plain read of one indicator's current values for the month.
    let ind = service
        .store
        .get_indicator(&code(3))
        .await?
        .context("no bench indicators; run indicators-generate first")?;
    let mut times = Vec::new();
    let mut n = 0;
    for _ in 0..runs {
        let t = Instant::now();
        n = service.store.current_values(ind.id, month).await?.len();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (min, med) = min_median(times);
    println!(
        "indicators-query {b}: baseline, read {n} current values of {}: min {min:.1} ms, median {med:.1} ms",
        code(3)
    );
    for (label, c) in [
        ("sum", code(3)),
        ("mean", code(26)),
        ("weighted mean", code(2)),
        ("ratio", "bench-ratio".to_string()),
    ] {
        let mut times = Vec::new();
        let mut national_times = Vec::new();
        let mut table = None;
        for _ in 0..runs {
            let t = Instant::now();
            table = Some(service.period_table(&c, month).await?);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            let national = service.national_value(&c, month).await?;
            national_times.push(t.elapsed().as_secs_f64() * 1000.0);
            if national != table.as_ref().and_then(|t| t.national) {
                bail!("national value {national:?} differs from the table's");
            }
        }
        let table = table.context("at least one run")?;
        let provinces: Vec<_> = table
            .rows
            .iter()
            .filter(|r| {
                service
                    .agency(r.agency_id)
                    .is_some_and(|a| a.kind == "province" || a.kind == "city")
            })
            .collect();
        let (nmin, nmed) = min_median(national_times);
        let (tmin, tmed) = min_median(times);
        println!(
            "indicators-query {b}: {label} ({c}) {month}: national {:.4}: min {nmin:.1} ms, median {nmed:.1} ms; per-province table ({} provinces, {} rows in all): min {tmin:.1} ms, median {tmed:.1} ms",
            table.national.unwrap_or(f64::NAN),
            provinces.len(),
            table.rows.len()
        );
    }
    Ok(())
}

pub async fn ingest(db: &Db, communes: usize, count: usize, batch: usize) -> Result<()> {
    let b = db.backend.name();
    let (service, _ids) = setup(db, communes).await?;
    // Periods no generated data set uses, so the ingest inserts (not corrects).
    let username = "bench-admin";
    let password = "bench-admin-password";
    if service.store.user_credentials(username).await?.is_none() {
        service
            .create_user(
                None,
                &UserInput {
                    username: username.into(),
                    password: password.into(),
                    role: "admin".into(),
                    agency: None,
                    display_name: Some("Benchmark administrator".into()),
                    email: None,
                },
            )
            .await?;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(tiendo_server::serve_on(service.clone(), listener));
    let (mut reader, token) = sign_in(addr, username, password).await?;

    // count measurements: communes × indicators 3…25 × months from 2031-01 on.
    let mut rng = Rng(7);
    let mut lines: Vec<String> = Vec::with_capacity(count);
    'all: for m in 0.. {
        let (key, _) = month_key(2031, m);
        for i in 3..=25 {
            for c in 0..communes {
                if lines.len() == count {
                    break 'all;
                }
                lines.push(format!(
                    "{{\"indicator\":\"{}\",\"agency\":\"XA-{c:05}\",\"period\":\"{key}\",\"value\":{},\"source\":\"bench\"}}\n",
                    code(i),
                    value(&mut rng, i) / SCALE
                ));
            }
        }
    }
    let bodies: Vec<Vec<u8>> = lines
        .chunks(batch.max(1))
        .map(|c| c.concat().into_bytes())
        .collect();
    let bytes: usize = bodies.iter().map(Vec::len).sum();
    println!(
        "indicators-ingest {b}: {} measurements, {} request(s), {:.1} MB of NDJSON",
        lines.len(),
        bodies.len(),
        bytes as f64 / 1e6
    );
    let started = Instant::now();
    let mut inserted = 0;
    for body in bodies {
        let mut request = format!(
            "POST /api/v1/indicators/measurements/bulk HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(&body);
        let r = send(&mut reader, &request).await?;
        if r.status != 201 {
            bail!(
                "bulk answered {}: {}",
                r.status,
                String::from_utf8_lossy(&r.body)
            );
        }
        let v: serde_json::Value = serde_json::from_slice(&r.body)?;
        inserted += v["inserted"].as_u64().unwrap_or(0) + v["corrected"].as_u64().unwrap_or(0);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "indicators-ingest {b}: {inserted} stored in {secs:.2} s ({:.0} measurements/s)",
        inserted as f64 / secs
    );
    Ok(())
}
