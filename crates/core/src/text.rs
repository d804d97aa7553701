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

#[cfg(test)]
mod tests {
    use super::*;

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
