//! Mutations inside a ZIP (DOCX, XLSX): one member's bytes are mutated and the
//! archive written again, so the mutation reaches the XML readers instead of
//! stopping at the archive's checksums. Used with `mutate.rs`.

#![allow(dead_code)]

use std::io::{Read, Write};

use super::mutate::{Rng, mutate};

/// `input` with one member mutated, or `None` when it is not a readable ZIP.
pub fn mutate_member(rng: &mut Rng, input: &[u8], other: &[u8]) -> Option<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(input)).ok()?;
    let mut members = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).ok()?;
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).ok()?;
        members.push((f.name().ok()?.to_string(), bytes));
    }
    if members.is_empty() {
        return None;
    }
    // XML members most of the time: that is where the reading happens.
    let xml: Vec<usize> = (0..members.len())
        .filter(|i| members[*i].0.ends_with(".xml"))
        .collect();
    let pick = if !xml.is_empty() && rng.below(4) > 0 {
        xml[rng.below(xml.len())]
    } else {
        rng.below(members.len())
    };
    members[pick].1 = mutate(rng, &members[pick].1, other);
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in &members {
        out.start_file(name.as_str(), options).ok()?;
        out.write_all(bytes).ok()?;
    }
    Some(out.finish().ok()?.into_inner())
}
