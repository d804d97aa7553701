//! What a search result shows of a text: a short passage around where the words
//! searched for occur, beginning and ending on word boundaries, with the words
//! marked (the pages put them in `<mark>`). Words are matched as a search matches
//! them: folded (`text::fold`: no diacritics, `đ` → `d`, lower case), so "hoc ba so"
//! marks "học bạ số".
//!
//! The passage is returned as pieces of plain text, each marked or not; whoever
//! shows them escapes them (the pages' templates do).

use serde::{Deserialize, Serialize};
use unicode_normalization::char::is_combining_mark;
use utoipa::ToSchema;

use crate::text::fold;

/// A piece of a passage: text as written (never HTML) and whether it is a match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Piece {
    pub text: String,
    pub mark: bool,
}

/// The text folded character by character: runs of what folds to nothing
/// (spaces, punctuation) become one space; `from[i]` is the character of the
/// original text that byte `i` of the folded text comes from.
struct Folded {
    text: String,
    from: Vec<usize>,
}

fn fold_chars(chars: &[char]) -> Folded {
    let mut text = String::with_capacity(chars.len());
    let mut from = Vec::with_capacity(chars.len());
    let mut buf = [0u8; 4];
    for (i, &c) in chars.iter().enumerate() {
        if is_combining_mark(c) {
            continue;
        }
        let folded: String = if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase().encode_utf8(&mut buf).to_string()
            } else {
                String::new()
            }
        } else {
            fold(c.encode_utf8(&mut buf))
        };
        if folded.is_empty() {
            if !text.is_empty() && !text.ends_with(' ') {
                text.push(' ');
                from.push(i);
            }
            continue;
        }
        from.extend(std::iter::repeat_n(i, folded.len()));
        text.push_str(&folded);
    }
    Folded { text, from }
}

/// The words of a query as a search matches them: folded, one per space.
pub fn query_words(q: &str) -> Vec<String> {
    fold(q)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The character after the one folded byte `end - 1` comes from, past any
/// combining marks that follow it (text in NFD keeps its accents in the mark).
fn char_end(chars: &[char], folded: &Folded, end: usize) -> usize {
    let mut e = folded.from[end - 1] + 1;
    while e < chars.len() && is_combining_mark(chars[e]) {
        e += 1;
    }
    e
}

fn starts_word(folded: &str, at: usize) -> bool {
    at == 0 || folded.as_bytes()[at - 1] == b' '
}

fn ends_word(folded: &str, end: usize) -> bool {
    folded.as_bytes().get(end).is_none_or(|b| *b == b' ')
}

/// Where the passage is anchored (folded byte range): the words as a phrase,
/// else the first of them as a whole word, else the first anywhere.
fn anchor(folded: &str, words: &[String]) -> Option<(usize, usize)> {
    let mut candidates: Vec<String> = Vec::new();
    if words.len() > 1 {
        candidates.push(words.join(" "));
    }
    let whole = |needle: &str| {
        folded
            .match_indices(needle)
            .find(|(at, _)| starts_word(folded, *at) && ends_word(folded, at + needle.len()))
            .map(|(at, _)| (at, at + needle.len()))
    };
    if let Some(phrase) = candidates.first()
        && let Some(found) = whole(phrase).or_else(|| {
            folded
                .find(phrase.as_str())
                .map(|at| (at, at + phrase.len()))
        })
    {
        return Some(found);
    }
    let earliest =
        |f: &dyn Fn(&str) -> Option<(usize, usize)>| words.iter().filter_map(|w| f(w)).min();
    earliest(&whole).or_else(|| earliest(&|w: &str| folded.find(w).map(|at| (at, at + w.len()))))
}

/// The passage of `text` of about `width` characters around the first place the
/// words occur (the words as a phrase, else the first whole word, else the first
/// anywhere), with that place and every other whole-word occurrence of a word
/// marked; marks apart only by spaces or punctuation make one. Whitespace runs are shown as one space; "…" stands for what is
/// left out at either end. `None` when no word occurs in the text.
pub fn snippet(text: &str, words: &[String], width: usize) -> Option<Vec<Piece>> {
    let words: Vec<String> = words.iter().filter(|w| !w.is_empty()).cloned().collect();
    if words.is_empty() {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let folded = fold_chars(&chars);
    let (fa, fb) = anchor(&folded.text, &words)?;
    let (a, b) = (folded.from[fa], char_end(&chars, &folded, fb));
    let len = chars.len();
    // A third of the passage before the match, the rest after it.
    let mut start = a.saturating_sub(width / 3);
    if start > 0 {
        // Begin after a space (a word boundary), never past the match.
        match (start..a).find(|&i| chars[i].is_whitespace()) {
            Some(space) => start = space + 1,
            None => start = a,
        }
        // The match may itself begin in the middle of a word: begin with that word.
        if start == a {
            while start > 0 && !chars[start - 1].is_whitespace() {
                start -= 1;
            }
        }
    }
    let mut end = (start + width).max(b).min(len);
    if end < len {
        match (b..end).rev().find(|&i| chars[i].is_whitespace()) {
            Some(space) => end = space,
            None => {
                // End with the word the match ends in.
                while end < len && !chars[end].is_whitespace() {
                    end += 1;
                }
            }
        }
    }
    Some(pieces(&chars, &folded, &words, (start, end), (a, b)))
}

/// The whole text as pieces, the words marked where they are whole words (for
/// short texts: a title, a name).
pub fn marked(text: &str, words: &[String]) -> Vec<Piece> {
    let words: Vec<String> = words.iter().filter(|w| !w.is_empty()).cloned().collect();
    let chars: Vec<char> = text.chars().collect();
    let folded = fold_chars(&chars);
    pieces(&chars, &folded, &words, (0, chars.len()), (0, 0))
}

fn pieces(
    chars: &[char],
    folded: &Folded,
    words: &[String],
    (start, end): (usize, usize),
    anchor: (usize, usize),
) -> Vec<Piece> {
    let mut marks: Vec<(usize, usize)> = Vec::new();
    if anchor.1 > anchor.0 {
        marks.push(anchor);
    }
    for w in words {
        for (at, _) in folded.text.match_indices(w.as_str()) {
            if !starts_word(&folded.text, at) || !ends_word(&folded.text, at + w.len()) {
                continue;
            }
            let (ca, cb) = (folded.from[at], char_end(chars, folded, at + w.len()));
            if ca >= start && cb <= end {
                marks.push((ca, cb));
            }
        }
    }
    marks.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in marks {
        match merged.last_mut() {
            // Marks apart only by spaces or punctuation are one: "Bộ Khoa học".
            Some(last) if a <= last.1 || chars[last.1..a].iter().all(|c| !c.is_alphanumeric()) => {
                last.1 = last.1.max(b)
            }
            _ => merged.push((a, b)),
        }
    }
    // Segments of the passage, marked or not, then their text with each run of
    // whitespace shown as one space (a space before a mark goes before it).
    let mut segments: Vec<(usize, usize, bool)> = Vec::new();
    let mut at = start;
    for (a, b) in merged {
        segments.push((at, a, false));
        segments.push((a, b, true));
        at = b;
    }
    segments.push((at, end, false));
    let mut out: Vec<Piece> = Vec::new();
    if start > 0 {
        out.push(Piece {
            text: "…".into(),
            mark: false,
        });
    }
    let mut pending = false;
    let mut any = false;
    for (a, b, mark) in segments {
        let mut text = String::new();
        for &c in &chars[a..b] {
            if c.is_whitespace() {
                pending = true;
                continue;
            }
            if pending && any {
                match out.last_mut() {
                    Some(last) if text.is_empty() && mark && !last.mark => last.text.push(' '),
                    _ => text.push(' '),
                }
            }
            pending = false;
            any = true;
            text.push(c);
        }
        if text.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.mark == mark => last.text.push_str(&text),
            _ => out.push(Piece { text, mark }),
        }
    }
    if end < chars.len() {
        match out.last_mut() {
            Some(last) if !last.mark => last.text.push('…'),
            _ => out.push(Piece {
                text: "…".into(),
                mark: false,
            }),
        }
    }
    out
}

/// The pieces as one plain text (for logs and tests).
pub fn plain(pieces: &[Piece]) -> String {
    pieces.iter().map(|p| p.text.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(p: &[Piece]) -> Vec<&str> {
        p.iter()
            .filter(|p| p.mark)
            .map(|p| p.text.as_str())
            .collect()
    }

    #[test]
    fn marks_the_words_found_without_accents() {
        let text = "Đề xuất giải pháp sử dụng mã định danh công dân để định danh bằng cấp, bảng điểm, học bạ số, hoàn thành trong tháng 10/2025. Các địa phương phối hợp cập nhật, chia sẻ dữ liệu với cơ sở dữ liệu quốc gia.";
        let p = snippet(text, &query_words("hoc ba so"), 60).expect("found");
        assert_eq!(marks(&p), ["học bạ số"], "{p:?}");
        let shown = plain(&p);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        // Begins on a word boundary: the first word shown is a whole word of the text.
        let first = shown
            .trim_start_matches('…')
            .split(' ')
            .next()
            .unwrap_or_default();
        assert!(text.split(' ').any(|w| w == first), "{first:?} in {shown}");
        assert!(shown.chars().count() <= 70, "{shown}");
    }

    #[test]
    fn d_finds_dj_and_case_does_not_matter() {
        let p = marked(
            "Bộ Khoa học và Công nghệ; ĐẤT ĐAI",
            &query_words("bo khoa hoc dat"),
        );
        assert_eq!(marks(&p), ["Bộ Khoa học", "ĐẤT"]);
        assert_eq!(plain(&p), "Bộ Khoa học và Công nghệ; ĐẤT ĐAI");
        // Only whole words beside the anchor: "ba" does not mark "bảng".
        let p = snippet("bảng điểm, học bạ", &query_words("ba hoc"), 50).expect("found");
        assert_eq!(marks(&p), ["học bạ"]);
    }

    #[test]
    fn nothing_found_is_none_and_short_texts_are_whole() {
        assert_eq!(snippet("Bộ Công an", &query_words("y te"), 50), None);
        assert_eq!(snippet("Bộ Công an", &[], 50), None);
        let p = snippet("Bộ  Công\nan", &query_words("cong"), 50).expect("found");
        assert_eq!(plain(&p), "Bộ Công an");
        assert_eq!(marks(&p), ["Công"]);
    }

    #[test]
    fn text_is_kept_as_written_for_the_template_to_escape() {
        let p = snippet(
            "<script>alert(1)</script> học bạ",
            &query_words("hoc ba"),
            80,
        )
        .expect("found");
        assert_eq!(plain(&p), "<script>alert(1)</script> học bạ");
        assert_eq!(marks(&p), ["học bạ"]);
    }

    #[test]
    fn decomposed_text_is_matched_too() {
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd("học bạ").collect();
        let p = snippet(&nfd, &query_words("hoc ba"), 50).expect("found");
        assert_eq!(marks(&p), [nfd.as_str()]);
    }
}
