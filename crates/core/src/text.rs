//! Vietnamese text: NFC normalisation and the folded search key.
//!
//! Every text that enters tiendo is stored in NFC. Search compares *folded* keys:
//! decomposed (NFD), combining marks dropped, `đ`/`Đ` mapped to `d` (NFD does not
//! decompose it), lower-cased, and runs of non-alphanumeric characters collapsed to
//! one space. So "Bộ Khoa học" and "bo khoa hoc" fold to the same key, and "d"
//! finds "đ".

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The text in Unicode NFC.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// Whether the text is already in NFC (cheap check before copying).
pub fn is_nfc(text: &str) -> bool {
    unicode_normalization::is_nfc(text)
}

/// The search key of a text: no diacritics, `đ` → `d`, lower case, words separated
/// by single spaces, no leading or trailing space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            _ => c,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            // Lower-casing can itself produce combining marks ('İ' → "i\u{307}").
            out.extend(c.to_lowercase().filter(|l| !is_combining_mark(*l)));
        } else {
            pending_space = true;
        }
    }
    out
}

/// The key under which two names are the same name: NFC, spaces squashed, lower
/// case (diacritics kept: "Sở Y tế" and "sở y  tế" are one name, "So Y te" is
/// another). Agency names are unique under it.
pub fn name_key(text: &str) -> String {
    nfc(&squash_spaces(&nfc(text)).to_lowercase())
}

/// Collapses every run of whitespace to one space and trims the ends; keeps NFC.
pub fn squash_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    nfc(&out)
}

/// The text cut to at most `max` characters, at the end of a word (never inside
/// one, unless a single word is longer than half of `max`), with "…" when cut.
pub fn clip_words(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max {
        return text.to_string();
    }
    let keep = max.saturating_sub(1);
    let mut end = keep;
    if !chars[end].is_whitespace() {
        // Inside a word: back to the space before it.
        if let Some(space) = (keep / 2..keep).rev().find(|&i| chars[i].is_whitespace()) {
            end = space;
        }
    }
    let mut out: String = chars[..end].iter().collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// The first character index at or after `i` that begins a word (just after
/// whitespace), within `..limit`; `i` itself when it already does.
pub fn word_start_after(chars: &[char], i: usize, limit: usize) -> usize {
    if i == 0 || i >= chars.len() || chars[i - 1].is_whitespace() {
        return i;
    }
    match (i..limit.min(chars.len())).find(|&k| chars[k].is_whitespace()) {
        Some(space) => (space + 1).min(limit),
        None => i,
    }
}

/// The last character index at or before `i` that ends a word (whitespace or
/// the text's end), not before `floor`; `i` itself when it already does.
pub fn word_end_before(chars: &[char], i: usize, floor: usize) -> usize {
    if i == 0 || i >= chars.len() || chars[i].is_whitespace() || chars[i - 1].is_whitespace() {
        return i;
    }
    match (floor..i).rev().find(|&k| chars[k].is_whitespace()) {
        Some(space) => space,
        None => i,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipped_text_ends_on_a_word() {
        let t = "Hoàn thiện cơ sở dữ liệu quốc gia về dân cư";
        assert_eq!(clip_words(t, 100), t);
        assert_eq!(clip_words(t, 20), "Hoàn thiện cơ sở dữ…");
        assert_eq!(clip_words(t, 19), "Hoàn thiện cơ sở…");
        // NFD text: the marks stay with their letters.
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd(t).collect();
        let c = nfc(&clip_words(&nfd, 20));
        let kept = c.strip_suffix('…').expect("cut");
        assert!(kept.len() > 8 && t.starts_with(kept), "{c}");
        assert!(t[kept.len()..].starts_with(' '), "ends inside a word: {c}");
        // One long word is cut rather than lost.
        assert_eq!(clip_words("abcdefghijkl", 6), "abcde…");
    }

    #[test]
    fn word_boundaries_move_inwards() {
        let chars: Vec<char> = "xin chào Việt Nam".chars().collect();
        // Index 5 is inside "chào": the next word begins at 9 ("Việt").
        assert_eq!(word_start_after(&chars, 5, chars.len()), 9);
        assert_eq!(word_start_after(&chars, 4, chars.len()), 4);
        assert_eq!(word_start_after(&chars, 0, chars.len()), 0);
        // Index 11 is inside "Việt": the word before ends at 8.
        assert_eq!(word_end_before(&chars, 11, 0), 8);
        assert_eq!(word_end_before(&chars, 8, 0), 8);
        assert_eq!(word_end_before(&chars, chars.len(), 0), chars.len());
    }

    #[test]
    fn folds_vietnamese_to_ascii_key() {
        assert_eq!(fold("Bộ Khoa học và Công nghệ"), "bo khoa hoc va cong nghe");
        assert_eq!(fold("ĐẤT ĐAI"), "dat dai");
        assert_eq!(
            fold("Ủy ban nhân dân Thành phố Hà Nội"),
            "uy ban nhan dan thanh pho ha noi"
        );
        assert_eq!(fold("  Bộ KH&CN, (BCA)  "), "bo kh cn bca");
    }

    #[test]
    fn fold_is_the_same_for_nfc_and_nfd_input() {
        let nfc_text = nfc("Quảng Trị");
        let nfd_text: String = "Quảng Trị".nfd().collect();
        assert_ne!(nfc_text, nfd_text);
        assert_eq!(fold(&nfc_text), fold(&nfd_text));
    }

    #[test]
    fn nfc_composes_decomposed_text() {
        let decomposed: String = "Hà Nội".nfd().collect();
        assert!(!is_nfc(&decomposed));
        assert_eq!(nfc(&decomposed), "Hà Nội");
        assert!(is_nfc(&nfc(&decomposed)));
    }

    #[test]
    fn squashes_spaces() {
        assert_eq!(squash_spaces("  a \n\t b  "), "a b");
    }

    proptest::proptest! {
        #[test]
        fn fold_output_is_lowercase_ascii_friendly(s in ".{0,40}") {
            let k = fold(&s);
            proptest::prop_assert!(!k.starts_with(' ') && !k.ends_with(' '));
            proptest::prop_assert!(!k.contains("  "));
            proptest::prop_assert!(!k.contains('đ'));
            proptest::prop_assert_eq!(fold(&k), k.clone());
        }
    }
}
