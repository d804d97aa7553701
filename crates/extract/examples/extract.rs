//! `cargo run -p tiendo-extract --example extract -- FILE… [--table]`: prints what the
//! extractor proposes (JSON, or the terminal table).
use std::path::Path;

use tiendo_extract::{ExtractOptions, extract_path, render_table};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let table = args.iter().any(|a| a == "--table");
    let mut all = Vec::new();
    for a in args.iter().filter(|a| !a.starts_with("--")) {
        match extract_path(Path::new(a), &ExtractOptions::default()) {
            Ok(x) => all.push((a.clone(), x)),
            Err(e) => eprintln!("{e}"),
        }
    }
    if table {
        print!("{}", render_table(&all));
    } else {
        for (_, x) in &all {
            println!("{}", serde_json::to_string_pretty(x).unwrap_or_default());
        }
    }
}
