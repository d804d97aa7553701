//! The fonts every generated document embeds (DejaVu Sans and DejaVu Sans Bold,
//! compiled into the binary), and a glyph-preserving subset of a TrueType font for
//! documents that embed a whole font file (DOCX).
//!
//! The subset keeps the font a complete, valid TrueType file with the same glyph
//! ids and the same character map, so a word processor uses it as the full font;
//! only the outlines of glyphs the document cannot need are emptied. Kept: glyph 0,
//! every glyph of the given characters and the components of kept composite glyphs
//! (most Vietnamese letters are a base letter and its marks). Glyph names (`post`)
//! and the layout tables (kerning, substitutions: NFC Vietnamese needs none) are
//! left out. DejaVu Sans goes from 760 KB to about 100 KB.

use std::collections::BTreeSet;

pub static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
pub static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The family name inside both files (their `name` table), as documents name it.
pub const FAMILY: &str = "DejaVu Sans";

/// Tables left out of a subset: optional, and of no use without the glyphs
/// they describe (layout, kerning, glyph names rewritten as `post` format 3).
const DROPPED: [&[u8; 4]; 7] = [
    b"GPOS", b"GSUB", b"GDEF", b"kern", b"MATH", b"FFTM", b"hdmx",
];

/// Composite glyph flags (OpenType `glyf` table).
const ARG_1_AND_2_ARE_WORDS: u16 = 0x0001;
const WE_HAVE_A_SCALE: u16 = 0x0008;
const MORE_COMPONENTS: u16 = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE: u16 = 0x0040;
const WE_HAVE_A_TWO_BY_TWO: u16 = 0x0080;

struct Table<'a> {
    tag: [u8; 4],
    data: &'a [u8],
}

fn u16_at(d: &[u8], at: usize) -> Result<u16, String> {
    d.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or_else(|| format!("font truncated at byte {at}"))
}

fn u32_at(d: &[u8], at: usize) -> Result<u32, String> {
    d.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| format!("font truncated at byte {at}"))
}

fn tables(font: &[u8]) -> Result<Vec<Table<'_>>, String> {
    let count = usize::from(u16_at(font, 4)?);
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = font
            .get(rec..rec + 4)
            .and_then(|t| t.try_into().ok())
            .ok_or("font table directory truncated")?;
        let offset = u32_at(font, rec + 8)? as usize;
        let length = u32_at(font, rec + 12)? as usize;
        let data = font
            .get(offset..offset + length)
            .ok_or_else(|| format!("font table {} out of bounds", String::from_utf8_lossy(&tag)))?;
        out.push(Table { tag, data });
    }
    Ok(out)
}

fn find<'a>(tables: &'a [Table<'a>], tag: &[u8; 4]) -> Result<&'a [u8], String> {
    tables
        .iter()
        .find(|t| &t.tag == tag)
        .map(|t| t.data)
        .ok_or_else(|| format!("font has no {} table", String::from_utf8_lossy(tag)))
}

/// The components a composite glyph refers to (none for a simple glyph).
fn components(glyph: &[u8]) -> Result<Vec<u16>, String> {
    if glyph.len() < 10 || (u16_at(glyph, 0)? as i16) >= 0 {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut at = 10;
    loop {
        let flags = u16_at(glyph, at)?;
        out.push(u16_at(glyph, at + 2)?);
        at += 4;
        at += if flags & ARG_1_AND_2_ARE_WORDS != 0 {
            4
        } else {
            2
        };
        if flags & WE_HAVE_A_SCALE != 0 {
            at += 2;
        } else if flags & WE_HAVE_AN_X_AND_Y_SCALE != 0 {
            at += 4;
        } else if flags & WE_HAVE_A_TWO_BY_TWO != 0 {
            at += 8;
        }
        if flags & MORE_COMPONENTS == 0 {
            return Ok(out);
        }
    }
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// `font` with only the outlines of glyph 0, of `chars`' glyphs and of their
/// components; glyph ids, metrics and the character map unchanged.
pub fn subset_keeping_ids(
    font: &[u8],
    chars: impl IntoIterator<Item = char>,
) -> Result<Vec<u8>, String> {
    let face = ttf_parser::Face::parse(font, 0).map_err(|e| format!("font: {e}"))?;
    let tables = tables(font)?;
    let head = find(&tables, b"head")?;
    let glyf = find(&tables, b"glyf")?;
    let loca = find(&tables, b"loca")?;
    let glyphs = usize::from(face.number_of_glyphs());
    let long_loca = u16_at(head, 50)? != 0;
    let offset = |gid: usize| -> Result<usize, String> {
        Ok(if long_loca {
            u32_at(loca, 4 * gid)? as usize
        } else {
            2 * usize::from(u16_at(loca, 2 * gid)?)
        })
    };
    let outline = |gid: usize| -> Result<&[u8], String> {
        let (from, to) = (offset(gid)?, offset(gid + 1)?);
        glyf.get(from..to)
            .ok_or_else(|| format!("glyph {gid} out of bounds"))
    };

    // Glyphs to keep: 0, the characters', then the components of any kept composite.
    let mut keep: BTreeSet<usize> = BTreeSet::from([0]);
    keep.extend(
        chars
            .into_iter()
            .filter_map(|c| face.glyph_index(c))
            .map(|g| usize::from(g.0)),
    );
    let mut pending: Vec<usize> = keep.iter().copied().collect();
    while let Some(gid) = pending.pop() {
        for part in components(outline(gid)?)? {
            let part = usize::from(part);
            if part < glyphs && keep.insert(part) {
                pending.push(part);
            }
        }
    }

    // New glyf (kept outlines, 4-byte aligned) and a long-format loca.
    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (glyphs + 1));
    for gid in 0..glyphs {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        if keep.contains(&gid) {
            new_glyf.extend_from_slice(outline(gid)?);
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
    let mut new_head = head.to_vec();
    new_head[8..12].copy_from_slice(&[0; 4]); // checkSumAdjustment, set last
    new_head[50..52].copy_from_slice(&1u16.to_be_bytes()); // indexToLocFormat: long
    // post format 3: the same metrics header, no glyph names.
    let mut new_post = find(&tables, b"post")?
        .get(..32)
        .ok_or("post table truncated")?
        .to_vec();
    new_post[0..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());

    let mut out_tables: Vec<([u8; 4], Vec<u8>)> = Vec::new();
    for t in &tables {
        if DROPPED.iter().any(|d| **d == t.tag) {
            continue;
        }
        let data = match &t.tag {
            b"glyf" => std::mem::take(&mut new_glyf),
            b"loca" => std::mem::take(&mut new_loca),
            b"head" => std::mem::take(&mut new_head),
            b"post" => std::mem::take(&mut new_post),
            _ => t.data.to_vec(),
        };
        out_tables.push((t.tag, data));
    }
    out_tables.sort_by_key(|(tag, _)| *tag);
    Ok(assemble(&out_tables))
}

/// A TrueType file from its tables (sorted by tag): directory, 4-byte aligned
/// tables with their checksums, and head's checkSumAdjustment.
fn assemble(tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let count = tables.len() as u16;
    let mut pow = 1u16;
    let mut log = 0u16;
    while pow * 2 <= count {
        pow *= 2;
        log += 1;
    }
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&(pow * 16).to_be_bytes());
    out.extend_from_slice(&log.to_be_bytes());
    out.extend_from_slice(&(count * 16 - pow * 16).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in tables {
        out.extend_from_slice(data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subset_keeps_ids_maps_and_the_outlines_of_its_characters() {
        let text = "Bộ Khoa học và Công nghệ — Ủy ban nhân dân tỉnh Đắk Lắk";
        let sub = subset_keeping_ids(REGULAR, text.chars()).expect("subset");
        let full = ttf_parser::Face::parse(REGULAR, 0).expect("full");
        let face = ttf_parser::Face::parse(&sub, 0).expect("the subset is a valid font");
        assert_eq!(face.number_of_glyphs(), full.number_of_glyphs());
        assert!(sub.len() < REGULAR.len() / 4, "{} bytes", sub.len());
        for c in text.chars().filter(|c| !c.is_whitespace()) {
            let gid = face.glyph_index(c).expect("mapped");
            assert_eq!(Some(gid), full.glyph_index(c), "{c}");
            assert_eq!(
                face.glyph_bounding_box(gid),
                full.glyph_bounding_box(gid),
                "{c}"
            );
            assert!(face.glyph_bounding_box(gid).is_some(), "{c} has an outline");
        }
        // A letter the text does not use keeps its id and advance, not its outline.
        let zhe = face.glyph_index('Ж').expect("mapped");
        assert!(full.glyph_bounding_box(zhe).is_some());
        assert_eq!(face.glyph_bounding_box(zhe), None);
        assert_eq!(face.glyph_hor_advance(zhe), full.glyph_hor_advance(zhe));
        // The whole file sums to the magic number, as head's adjustment requires.
        assert_eq!(checksum(&sub), 0xB1B0_AFBA);
    }

    #[test]
    fn composite_glyphs_bring_their_components() {
        // 'ộ' is drawn from 'o' and its marks in DejaVu Sans: asking for 'ộ' alone
        // must keep the base letter's outline too.
        let sub = subset_keeping_ids(REGULAR, ['ộ']).expect("subset");
        let face = ttf_parser::Face::parse(&sub, 0).expect("valid");
        let o = face.glyph_index('o').expect("mapped");
        assert!(face.glyph_bounding_box(o).is_some());
        assert!(
            face.glyph_bounding_box(face.glyph_index('ộ').expect("mapped"))
                .is_some()
        );
        assert_eq!(
            face.glyph_bounding_box(face.glyph_index('x').expect("mapped")),
            None
        );
    }
}
