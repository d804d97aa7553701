//! Every task's `text` is verbatim in the normalised text, at the start of its `span`.

use std::path::Path;

use tiendo_extract::{ExtractOptions, extract_path};

#[test]
fn texts_are_verbatim_at_their_spans() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/corpus");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus folder") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let x = extract_path(&path, &ExtractOptions::default()).expect("seed reads");
        let norm = x.normalised_text();
        for t in &x.tasks {
            let [s, e] = t.span;
            assert!(
                s < e && e <= norm.len(),
                "{}: bad span {:?}",
                t.reference,
                t.span
            );
            let passage = norm.get(s..e).expect("span on char boundaries");
            assert!(
                passage.starts_with(&t.text),
                "{} {}: text is not at its span: {:?} vs {:?}",
                path.display(),
                t.reference,
                t.text,
                &passage[..passage.len().min(80)]
            );
            assert!(norm.contains(&t.text));
            assert_eq!(x.passage(t), Some(passage));
            n += 1;
        }
    }
    assert!(n > 200, "only {n} tasks on the corpus");
}
