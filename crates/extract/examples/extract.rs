//! `cargo run -p tiendo-extract --example extract -- FILE… [--table|--text]`: prints what the
//! extractor proposes (JSON, or the terminal table), or the normalised text it reads.
use std::path::Path;

use tiendo_extract::{ExtractOptions, extract_path, render_table};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let table = args.iter().any(|a| a == "--table");
    let text = args.iter().any(|a| a == "--text");
    let mut all = Vec::new();
    for a in args.iter().filter(|a| !a.starts_with("--")) {
        match extract_path(Path::new(a), &ExtractOptions::default()) {
            Ok(x) => all.push((a.clone(), x)),
            Err(e) => eprintln!("{e}"),
        }
    }
    if text {
        for (_, x) in &all {
            print!("{}", x.normalised_text());
        }
    } else if table {
        print!("{}", render_table(&all));
    } else {
        for (_, x) in &all {
            println!("{}", serde_json::to_string_pretty(x).unwrap_or_default());
        }
    }
}
