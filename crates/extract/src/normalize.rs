//! The normalised text every offset refers to: Unicode NFC, `\n` line ends, no
//! control or zero-width characters, runs of spaces and tabs collapsed to one space,
//! lines trimmed. Tasks quote this text verbatim.

use unicode_normalization::UnicodeNormalization;

fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{a0}' | '\u{2000}'
            ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{0b}' | '\u{0c}'
    )
}

fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}'
    ) || (c.is_control() && c != '\n' && c != '\t' && c != '\r')
}

/// Normalises a text (see the module documentation).
pub fn normalise(raw: &str) -> String {
    // Text made only of characters that are their own NFC form whatever follows
    // them (ASCII, precomposed Latin letters, punctuation) needs no check.
    let simple = raw.chars().all(|c| {
        let cp = c as u32;
        cp < 0x300 || (0x1E00..0x1F00).contains(&cp) || (0x2010..0x2070).contains(&cp)
    });
    let nfc: std::borrow::Cow<str> = if simple
        || unicode_normalization::is_nfc_quick(raw.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        std::borrow::Cow::Borrowed(raw)
    } else {
        std::borrow::Cow::Owned(raw.nfc().collect())
    };
    // The page layout of printed and converted documents, undone (layout.rs).
    let nfc: std::borrow::Cow<str> = match crate::layout::prepare(&nfc) {
        std::borrow::Cow::Borrowed(_) => nfc,
        std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s),
    };
    let mut out = String::with_capacity(nfc.len());
    let mut pending_space = false;
    let mut line_start = true;
    let mut chars = nfc.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' || c == '\n' || c == '\u{2028}' || c == '\u{2029}' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
            pending_space = false;
            line_start = true;
            continue;
        }
        if is_dropped(c) {
            continue;
        }
        if is_space(c) {
            pending_space = !line_start;
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
        line_start = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_and_composes() {
        let decomposed: String = "Hà Nội".nfd().collect();
        let raw = format!("  {decomposed}\u{a0}\u{a0}ngày\t 1\r\n\u{feff}x  \r");
        assert_eq!(normalise(&raw), "Hà Nội ngày 1\nx\n");
    }
}
