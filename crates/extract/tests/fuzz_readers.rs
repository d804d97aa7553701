//! Fuzzing the readers (issue 15 part 5): mutated text, DOCX and PDF bytes give
//! text or a clear error, and the text read gives tasks, never a panic. Seeds in
//! `tests/fuzz/seeds` (a real DOCX and PDF written by tiendo's reports, a real
//! notice); inputs that once crashed stay in `tests/fuzz/found`.

#[path = "fuzz/mutate.rs"]
mod mutate;
#[path = "fuzz/zip_mutate.rs"]
mod zip_mutate;

use std::path::Path;

use tiendo_extract::{ExtractOptions, decode, extract_text};

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz")
}

#[test]
fn mutated_documents_are_read_or_refused_with_a_reason() {
    let seeds = mutate::seeds(&dir().join("seeds"), &[".txt", ".docx", ".pdf"]);
    assert_eq!(seeds.len(), 3, "a text, a DOCX and a PDF");
    let options = ExtractOptions::default();
    // Half the time inside the DOCX's members, so the XML reader is reached.
    let mutator = |rng: &mut mutate::Rng, input: &[u8], other: &[u8]| {
        if rng.below(2) == 0
            && let Some(out) = zip_mutate::mutate_member(rng, input, other)
        {
            return out;
        }
        mutate::mutate(rng, input, other)
    };
    let runs = mutate::run_with(
        "readers",
        &dir().join("found"),
        &seeds,
        &mutator,
        &|name, bytes| {
            let ext = name.rsplit('.').next().unwrap_or("txt");
            match decode(Path::new(&format!("fuzz.{ext}")), bytes) {
                Ok(text) => {
                    let _ = extract_text(&text, &options);
                }
                Err(e) => assert!(!e.to_string().trim().is_empty(), "an error says what"),
            }
        },
    );
    assert!(runs > 0);
}
