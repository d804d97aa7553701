//! Fuzzing the imports (issue 15 part 5): mutated JSON Lines and XLSX files are
//! parsed or refused with errors that say where (line; row and column), never a
//! panic. Seeds in `tests/fuzz/seeds` (a real gold file, tiendo's own templates);
//! inputs that once crashed stay in `tests/fuzz/found`. The mutator is shared
//! with tiendo-extract's reader fuzzing.

#[path = "../../extract/tests/fuzz/mutate.rs"]
mod mutate;
#[path = "../../extract/tests/fuzz/zip_mutate.rs"]
mod zip_mutate;

use std::path::Path;

use tiendo_service::import::parse_jsonl;
use tiendo_service::sheets::SheetKind;
use tiendo_service::sheets::read::read_rows;

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz")
}

#[test]
fn mutated_json_lines_are_parsed_or_refused_by_line() {
    let seeds = mutate::seeds(&dir().join("seeds"), &[".jsonl"]);
    let runs = mutate::run("jsonl", &dir().join("found"), &seeds, &|_, bytes| {
        let text = String::from_utf8_lossy(bytes);
        if let Err(errors) = parse_jsonl(&text) {
            assert!(!errors.is_empty(), "a refusal lists its problems");
            let lines = text.lines().count().max(1);
            for e in errors {
                assert!(e.line <= lines + 1, "line {} of {lines}", e.line);
                assert!(!e.message.trim().is_empty());
            }
        }
    });
    assert!(runs > 0);
}

#[test]
fn mutated_spreadsheets_are_read_or_refused_by_cell() {
    let seeds = mutate::seeds(&dir().join("seeds"), &[".xlsx"]);
    assert!(seeds.len() >= 2);
    // Mostly inside the workbook's members, so the sheet reader is reached.
    let mutator = |rng: &mut mutate::Rng, input: &[u8], other: &[u8]| {
        if rng.below(4) > 0
            && let Some(out) = zip_mutate::mutate_member(rng, input, other)
        {
            return out;
        }
        mutate::mutate(rng, input, other)
    };
    let runs = mutate::run_with(
        "xlsx",
        &dir().join("found"),
        &seeds,
        &mutator,
        &|name, bytes| {
            let kind = if name.starts_with("reports") {
                SheetKind::Reports
            } else {
                SheetKind::Tasks
            };
            if let Err(errors) = read_rows(bytes, kind.columns()) {
                assert!(!errors.is_empty(), "a refusal lists its problems");
                assert!(errors.iter().all(|e| !e.message.trim().is_empty()));
            }
        },
    );
    assert!(runs > 0);
}
