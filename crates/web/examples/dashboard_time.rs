//! Measures the dashboard's server time (the same code as `GET /`, without the
//! session lookup) on a database, as a viewer, today and as of a past day: first
//! with the read cache off (every read computed), then with it on (the first
//! request computes and fills the cache, the next ones are answered from it until
//! a write commits).
//!
//! ```sh
//! cargo run --release -p tiendo-web --example dashboard_time -- postgres://…/db [schema] [runs]
//! cargo run --release -p tiendo-web --example dashboard_time -- /path/to/data-folder
//! ```
//! Service::new migrates the database: point it at a copy, not at data in use.

use std::time::Instant;

use tiendo_core::policy::{Actor, Role};
use tiendo_service::{Config, Service};
use tiendo_store::Store;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let target = args
        .first()
        .ok_or("give a PostgreSQL URL or a data folder")?;
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(3);
    for read_cache in [false, true] {
        let store = if target.starts_with("postgres") {
            Store::open_postgres(target, args.get(1).map(String::as_str)).await?
        } else {
            Store::open_sqlite_dir(std::path::Path::new(target)).await?
        };
        let config = Config {
            read_cache,
            ..Config::default()
        };
        let service = Service::new(store, config).await?;
        println!("read cache {}:", if read_cache { "on" } else { "off" });
        measure(&service, runs).await?;
    }
    Ok(())
}

async fn measure(service: &Service, runs: usize) -> Result<(), Box<dyn std::error::Error>> {
    let viewer = Actor {
        user_id: 0,
        username: "do-thoi-gian".into(),
        role: Role::Viewer,
        agency_id: None,
    };
    // Its two heavy parts, once each, today and on a past day.
    for day in [tiendo_core::time::today(), "2025-07-16".parse()?] {
        let t = Instant::now();
        service.status_counts(&viewer, day, None).await?;
        println!("  {day} status_counts: {:.3} s", t.elapsed().as_secs_f64());
        let t = Instant::now();
        let by = service.overdue_by_agency(&viewer, day).await?;
        println!(
            "  {day} overdue_by_agency: {:.3} s ({} agencies, {} overdue assignments)",
            t.elapsed().as_secs_f64(),
            by.len(),
            by.iter().map(|a| a.count).sum::<i64>()
        );
    }
    for day in [None, Some("2025-07-16".parse()?)] {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let html = tiendo_web::dashboard_html(service, &viewer, day).await?;
            times.push(t.elapsed().as_secs_f64());
            size = html.len();
        }
        let first = times[0];
        times.sort_by(f64::total_cmp);
        println!(
            "  dashboard as of {}: first {first:.3} s, min {:.3} s, median {:.3} s, max {:.3} s over {runs} runs ({size} bytes)",
            day.map(|d: chrono::NaiveDate| d.to_string())
                .unwrap_or_else(|| "today".into()),
            times[0],
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
    Ok(())
}
