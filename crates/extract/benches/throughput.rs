//! Throughput: the five seed texts concatenated and repeated to at least 20 MB,
//! extracted in one call, then document by document. Prints MB/s.
//!
//! `CARGO_TARGET_DIR=/work/target-extract cargo bench -p tiendo-extract --bench throughput`

use std::path::Path;
use std::time::Instant;

use tiendo_extract::{ExtractOptions, extract_text};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/corpus");
    let mut seeds: Vec<String> = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("txt"))
        .collect();
    names.sort();
    for p in &names {
        seeds.push(std::fs::read_to_string(p).expect("seed text"));
    }
    let one: String = seeds.join("\n");
    let target = 20 * 1024 * 1024;
    let mut big = String::with_capacity(target + one.len());
    while big.len() < target {
        big.push_str(&one);
        big.push('\n');
    }
    let options = ExtractOptions::default();
    // Warm up (registry, lexicon, regexes).
    let _ = extract_text(&one, &options);

    let t = Instant::now();
    let x = extract_text(&big, &options);
    let secs = t.elapsed().as_secs_f64();
    let mb = big.len() as f64 / 1e6;
    println!(
        "one call:  {:.1} MB in {:.2} s = {:.1} MB/s ({} tasks)",
        mb,
        secs,
        mb / secs,
        x.tasks.len()
    );

    let t = Instant::now();
    let mut bytes = 0usize;
    let mut tasks = 0usize;
    while bytes < target {
        for s in &seeds {
            tasks += extract_text(s, &options).tasks.len();
            bytes += s.len();
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let mb = bytes as f64 / 1e6;
    println!(
        "per file:  {:.1} MB in {:.2} s = {:.1} MB/s ({} tasks)",
        mb,
        secs,
        mb / secs,
        tasks
    );
}
