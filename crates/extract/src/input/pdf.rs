//! The text layer of a PDF, without a PDF library: objects (also inside object
//! streams), FlateDecode streams, the page tree, each page's fonts and their
//! ToUnicode CMaps, and the text operators of the content streams (Tj, TJ, ', ",
//! with Td/TD/T*/Tm for line breaks). Enough for the born-digital notices the
//! Government publishes; a scanned PDF has no text layer and is reported as such.

use std::collections::HashMap;
use std::path::Path;

use super::{ExtractError, inflate};

/// Most bytes all decoded streams of one file may take.
const MAX_DECODED: usize = 512 * 1024 * 1024;

struct Obj {
    body: Vec<u8>,
    stream: Option<Vec<u8>>,
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= hay.len() || needle.is_empty() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | 0x0c | 0)
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// The integer just before `end` (skipping spaces): (value, start).
fn int_before(b: &[u8], end: usize) -> Option<(u32, usize)> {
    let mut i = end;
    while i > 0 && is_ws(b[i - 1]) {
        i -= 1;
    }
    let stop = i;
    while i > 0 && b[i - 1].is_ascii_digit() && stop - i < 10 {
        i -= 1;
    }
    if i == stop {
        return None;
    }
    std::str::from_utf8(&b[i..stop])
        .ok()?
        .parse()
        .ok()
        .map(|v| (v, i))
}

/// Every "N G obj … endobj" of the file.
fn objects(bytes: &[u8], budget: &mut usize) -> Result<HashMap<u32, Obj>, String> {
    let mut out = HashMap::new();
    let mut pos = 0usize;
    while let Some(p) = find(bytes, b"obj", pos) {
        pos = p + 3;
        let after_ok = bytes.get(p + 3).is_none_or(|&c| is_ws(c) || is_delim(c));
        if !after_ok || p == 0 || !is_ws(bytes[p - 1]) {
            continue;
        }
        let Some((_gen, gs)) = int_before(bytes, p) else {
            continue;
        };
        let Some((num, _)) = int_before(bytes, gs) else {
            continue;
        };
        let body_start = p + 3;
        let end = find(bytes, b"endobj", body_start).unwrap_or(bytes.len());
        let body = &bytes[body_start..end];
        let mut obj = Obj {
            body: body.to_vec(),
            stream: None,
        };
        if let Some(s) = find(body, b"stream", 0)
            && !body[..s].ends_with(b"end")
        {
            let mut d = s + 6;
            if body.get(d) == Some(&b'\r') {
                d += 1;
            }
            if body.get(d) == Some(&b'\n') {
                d += 1;
            }
            let e = find(body, b"endstream", d).unwrap_or(body.len());
            let dict = &body[..s];
            let raw = &body[d..e];
            obj.body = dict.to_vec();
            let has = |k: &[u8]| find(dict, k, 0).is_some();
            if has(b"/FlateDecode") || has(b"/Fl ") || has(b"/Fl/") || has(b"/Fl]") {
                if has(b"/DecodeParms") && has(b"/Predictor") && !has(b"/ObjStm") {
                    // PNG predictors are only used for images and xref streams here.
                } else if !(has(b"/Image") || has(b"/XRef")) {
                    match inflate(raw, true, (*budget).max(1)) {
                        Ok(v) => {
                            *budget = budget.saturating_sub(v.len());
                            obj.stream = Some(v);
                        }
                        Err(e) if e.contains("expands") => return Err(e),
                        Err(_) => {}
                    }
                }
            } else if !has(b"/Filter") {
                obj.stream = Some(raw.to_vec());
            }
        }
        out.insert(num, obj);
        pos = end;
    }
    // Objects packed in object streams.
    let packed: Vec<(Vec<u8>, Vec<u8>)> = out
        .values()
        .filter(|o| find(&o.body, b"/ObjStm", 0).is_some())
        .filter_map(|o| Some((o.body.clone(), o.stream.clone()?)))
        .collect();
    for (dict, data) in packed {
        let n = dict_int(&dict, b"/N").unwrap_or(0) as usize;
        let first = dict_int(&dict, b"/First").unwrap_or(0) as usize;
        let header = String::from_utf8_lossy(&data[..first.min(data.len())]).to_string();
        let nums: Vec<usize> = header
            .split_ascii_whitespace()
            .filter_map(|t| t.parse().ok())
            .collect();
        let pairs: Vec<(usize, usize)> =
            nums.chunks_exact(2).take(n).map(|c| (c[0], c[1])).collect();
        for (k, &(num, off)) in pairs.iter().enumerate() {
            let s = first + off;
            let e = pairs.get(k + 1).map_or(data.len(), |&(_, o)| first + o);
            if s <= e && e <= data.len() {
                out.entry(num as u32).or_insert(Obj {
                    body: data[s..e].to_vec(),
                    stream: None,
                });
            }
        }
    }
    Ok(out)
}

fn dict_int(dict: &[u8], key: &[u8]) -> Option<u32> {
    let mut from = 0;
    while let Some(p) = find(dict, key, from) {
        from = p + key.len();
        // Whole key: "/N" must not match "/Name".
        if dict.get(from).is_some_and(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        let rest = &dict[from..];
        let t: String = rest
            .iter()
            .skip_while(|c| is_ws(**c))
            .take_while(|c| c.is_ascii_digit())
            .map(|&c| c as char)
            .collect();
        return t.parse().ok();
    }
    None
}

/// The object a key refers to ("/Contents 12 0 R"), or the refs of an array.
fn refs_after(body: &[u8], key: &[u8]) -> Vec<u32> {
    let mut from = 0;
    while let Some(p) = find(body, key, from) {
        from = p + key.len();
        if body.get(from).is_some_and(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        let rest = &body[from..];
        let trimmed: &[u8] = {
            let k = rest.iter().position(|c| !is_ws(*c)).unwrap_or(rest.len());
            &rest[k..]
        };
        let span = if trimmed.first() == Some(&b'[') {
            let e = trimmed
                .iter()
                .position(|&c| c == b']')
                .unwrap_or(trimmed.len());
            &trimmed[1..e]
        } else {
            let e = find(trimmed, b"R", 0).map_or(trimmed.len(), |e| e + 1);
            &trimmed[..e]
        };
        let text = String::from_utf8_lossy(span);
        let toks: Vec<&str> = text.split_ascii_whitespace().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i + 2 < toks.len() {
            if toks[i + 2] == "R"
                && let Ok(n) = toks[i].parse()
            {
                out.push(n);
                i += 3;
            } else {
                i += 1;
            }
        }
        return out;
    }
    Vec::new()
}

/// The inline dictionary after a key ("/Font << /F1 5 0 R >>"), if inline.
fn inline_dict<'a>(body: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let p = find(body, key, 0)? + key.len();
    let rest = &body[p..];
    let k = rest.iter().position(|c| !is_ws(*c))?;
    if !rest[k..].starts_with(b"<<") {
        return None;
    }
    let mut depth = 0i32;
    let mut i = k;
    while i + 1 < rest.len() {
        if rest[i] == b'<' && rest[i + 1] == b'<' {
            depth += 1;
            i += 2;
            continue;
        }
        if rest[i] == b'>' && rest[i + 1] == b'>' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return Some(&rest[k..i]);
            }
            continue;
        }
        i += 1;
    }
    None
}

/// "/F1 5 0 R /F2 6 0 R" → {F1: 5, F2: 6}.
fn name_refs(dict: &[u8]) -> HashMap<Vec<u8>, u32> {
    let text = String::from_utf8_lossy(dict)
        .replace(['<', '>'], " ")
        .replace('/', " /");
    let toks: Vec<&str> = text.split_ascii_whitespace().collect();
    let mut out = HashMap::new();
    for w in toks.windows(4) {
        if let Some(name) = w[0].strip_prefix('/')
            && w[3] == "R"
            && let Ok(n) = w[1].parse()
        {
            out.insert(name.as_bytes().to_vec(), n);
        }
    }
    out
}

/// A ToUnicode CMap: code width in bytes and code → text.
#[derive(Default)]
struct CMap {
    width: usize,
    map: HashMap<u32, String>,
}

fn hex_bytes(s: &[u8]) -> Vec<u8> {
    let digits: Vec<u8> = s
        .iter()
        .filter_map(|&c| (c as char).to_digit(16).map(|d| d as u8))
        .collect();
    digits
        .chunks(2)
        .map(|c| (c[0] << 4) | c.get(1).copied().unwrap_or(0))
        .collect()
}

fn utf16be(b: &[u8]) -> String {
    let units: Vec<u16> = b
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

fn code_of(b: &[u8]) -> u32 {
    b.iter().take(4).fold(0u32, |a, &x| (a << 8) | x as u32)
}

fn hex_tokens(s: &[u8]) -> Vec<(Vec<u8>, bool)> {
    // (bytes, is_array_start) for <..> tokens and '[' markers.
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'<' => {
                let e = s[i..]
                    .iter()
                    .position(|&c| c == b'>')
                    .map_or(s.len(), |e| e + i);
                out.push((hex_bytes(&s[i + 1..e]), false));
                i = e + 1;
            }
            b'[' => {
                out.push((Vec::new(), true));
                i += 1;
            }
            b']' => {
                out.push((Vec::new(), false));
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

fn parse_cmap(data: &[u8]) -> CMap {
    let mut cm = CMap {
        width: 1,
        ..CMap::default()
    };
    if let Some(p) = find(data, b"begincodespacerange", 0) {
        let e = find(data, b"endcodespacerange", p).unwrap_or(data.len());
        if let Some((b, _)) = hex_tokens(&data[p..e]).first() {
            cm.width = b.len().clamp(1, 4);
        }
    }
    let mut from = 0;
    while let Some(p) = find(data, b"beginbfchar", from) {
        let e = find(data, b"endbfchar", p).unwrap_or(data.len());
        let toks = hex_tokens(&data[p..e]);
        for pair in toks.chunks_exact(2) {
            cm.map.insert(code_of(&pair[0].0), utf16be(&pair[1].0));
        }
        from = e;
    }
    from = 0;
    while let Some(p) = find(data, b"beginbfrange", from) {
        let e = find(data, b"endbfrange", p).unwrap_or(data.len());
        let toks = hex_tokens(&data[p..e]);
        let mut i = 0;
        while i + 2 < toks.len() {
            let lo = code_of(&toks[i].0);
            let hi = code_of(&toks[i + 1].0).min(lo.saturating_add(65535));
            if toks[i + 2].1 {
                // [<d1> <d2> …]
                let mut k = i + 3;
                let mut code = lo;
                while k < toks.len() && !toks[k].0.is_empty() && code <= hi {
                    cm.map.insert(code, utf16be(&toks[k].0));
                    code += 1;
                    k += 1;
                }
                i = k + 1;
            } else {
                let base = toks[i + 2].0.clone();
                for (n, code) in (lo..=hi).enumerate() {
                    let mut b = base.clone();
                    if let Some(last) = b.len().checked_sub(1) {
                        let v = b[last] as usize + n;
                        b[last] = (v & 0xff) as u8;
                        if last > 0 {
                            b[last - 1] = b[last - 1].wrapping_add((v >> 8) as u8);
                        }
                    }
                    cm.map.insert(code, utf16be(&b));
                }
                i += 3;
            }
        }
        from = e;
    }
    cm
}

/// Windows-1252 for fonts without a ToUnicode map.
fn latin(b: u8) -> char {
    b as char
}

enum Tok<'a> {
    Num(f64),
    Str(Vec<u8>),
    Name(&'a [u8]),
    Op(&'a [u8]),
    ArrOpen,
    ArrClose,
}

fn lex(data: &[u8]) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let c = data[i];
        if is_ws(c) {
            i += 1;
        } else if c == b'%' {
            while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                i += 1;
            }
        } else if c == b'(' {
            let mut depth = 1;
            let mut s = Vec::new();
            i += 1;
            while i < data.len() && depth > 0 {
                let b = data[i];
                match b {
                    b'\\' if i + 1 < data.len() => {
                        i += 1;
                        let e = data[i];
                        match e {
                            b'n' => s.push(b'\n'),
                            b'r' => s.push(b'\r'),
                            b't' => s.push(b'\t'),
                            b'b' => s.push(8),
                            b'f' => s.push(12),
                            b'0'..=b'7' => {
                                let mut v = 0u32;
                                let mut k = 0;
                                while k < 3 && i < data.len() && (b'0'..=b'7').contains(&data[i]) {
                                    v = v * 8 + (data[i] - b'0') as u32;
                                    i += 1;
                                    k += 1;
                                }
                                s.push((v & 0xff) as u8);
                                continue;
                            }
                            b'\r' | b'\n' => {}
                            _ => s.push(e),
                        }
                    }
                    b'(' => {
                        depth += 1;
                        s.push(b);
                    }
                    b')' => {
                        depth -= 1;
                        if depth > 0 {
                            s.push(b);
                        }
                    }
                    _ => s.push(b),
                }
                i += 1;
            }
            out.push(Tok::Str(s));
        } else if c == b'<' && data.get(i + 1) == Some(&b'<') {
            i += 2; // dictionaries (inline images' parameters): skipped
        } else if c == b'>' && data.get(i + 1) == Some(&b'>') {
            i += 2;
        } else if c == b'<' {
            let e = data[i..]
                .iter()
                .position(|&x| x == b'>')
                .map_or(data.len(), |e| e + i);
            out.push(Tok::Str(hex_bytes(&data[i + 1..e])));
            i = e + 1;
        } else if c == b'[' {
            out.push(Tok::ArrOpen);
            i += 1;
        } else if c == b']' {
            out.push(Tok::ArrClose);
            i += 1;
        } else if c == b'/' {
            let s = i + 1;
            i += 1;
            while i < data.len() && !is_ws(data[i]) && !is_delim(data[i]) {
                i += 1;
            }
            out.push(Tok::Name(&data[s..i]));
        } else if c.is_ascii_digit() || c == b'-' || c == b'+' || c == b'.' {
            let s = i;
            i += 1;
            while i < data.len() && (data[i].is_ascii_digit() || data[i] == b'.') {
                i += 1;
            }
            let v = std::str::from_utf8(&data[s..i])
                .ok()
                .and_then(|t| t.parse().ok());
            out.push(Tok::Num(v.unwrap_or(0.0)));
        } else {
            let s = i;
            while i < data.len() && !is_ws(data[i]) && !is_delim(data[i]) {
                i += 1;
            }
            if i == s {
                i += 1;
                continue;
            }
            let op = &data[s..i];
            if op == b"BI" {
                // Inline image: skip to "EI".
                match find(data, b"EI", i) {
                    Some(e) => i = e + 2,
                    None => i = data.len(),
                }
                continue;
            }
            out.push(Tok::Op(op));
        }
    }
    out
}

fn decode_str(s: &[u8], cmap: Option<&CMap>, out: &mut String) {
    match cmap {
        Some(cm) if !cm.map.is_empty() => {
            for code in s.chunks(cm.width.max(1)) {
                if let Some(t) = cm.map.get(&code_of(code)) {
                    out.push_str(t);
                }
            }
        }
        _ => out.extend(s.iter().map(|&b| latin(b))),
    }
}

/// A run of text drawn at one place of the page.
struct Frag {
    x: f64,
    y: f64,
    size: f64,
    text: String,
}

/// The text of one page's content, laid out as the page shows it: the runs of
/// each line (same baseline) in order of position, with as many spaces between
/// them as the gap they leave, so that a table's columns stay columns for
/// `layout_table` (the way `pdftotext -layout` writes a page).
fn page_text(
    content: &[u8],
    fonts: &HashMap<Vec<u8>, u32>,
    cmaps: &HashMap<u32, CMap>,
    out: &mut String,
) {
    let toks = lex(content);
    let mut stack: Vec<&Tok> = Vec::new();
    let mut font: Option<&CMap> = None;
    let mut size = 10.0f64;
    let mut leading = 0.0f64;
    // Text matrix and line matrix: scale (a, d) and position (e, f).
    let (mut tm, mut tlm) = ([1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0]);
    let mut in_array = false;
    let mut array: Vec<&Tok> = Vec::new();
    let mut frags: Vec<Frag> = Vec::new();
    // The width of a run, estimated: half an em a character (glyph widths are
    // not read; the estimate only has to tell a word's gap from a column's).
    let advance = |text: &str, size: f64| text.chars().count() as f64 * size * 0.5;
    let emit = |text: String, tm: &mut [f64; 4], size: f64, frags: &mut Vec<Frag>| {
        if text.is_empty() {
            return;
        }
        let eff = (size * tm[1].abs()).max(1.0);
        let w = advance(&text, eff);
        frags.push(Frag {
            x: tm[2],
            y: tm[3],
            size: eff,
            text,
        });
        tm[2] += w;
    };
    for t in &toks {
        match t {
            Tok::ArrOpen => {
                in_array = true;
                array.clear();
            }
            Tok::ArrClose => in_array = false,
            _ if in_array => array.push(t),
            Tok::Op(op) => {
                let nums: Vec<f64> = stack
                    .iter()
                    .filter_map(|x| if let Tok::Num(v) = x { Some(*v) } else { None })
                    .collect();
                match *op {
                    b"BT" => {
                        tm = [1.0, 1.0, 0.0, 0.0];
                        tlm = tm;
                    }
                    b"Tf" => {
                        font = stack.iter().rev().find_map(|x| match x {
                            Tok::Name(n) => fonts.get(*n).and_then(|id| cmaps.get(id)),
                            _ => None,
                        });
                        if let Some(v) = nums.last() {
                            size = v.abs().max(0.1);
                        }
                    }
                    b"TL" => {
                        if let Some(v) = nums.last() {
                            leading = *v;
                        }
                    }
                    b"Tj" => {
                        if let Some(Tok::Str(s)) = stack.last() {
                            let mut t = String::new();
                            decode_str(s, font, &mut t);
                            emit(t, &mut tm, size, &mut frags);
                        }
                    }
                    b"'" | b"\"" => {
                        tlm[3] -= leading * tlm[1];
                        tm = tlm;
                        if let Some(Tok::Str(s)) = stack.last() {
                            let mut t = String::new();
                            decode_str(s, font, &mut t);
                            emit(t, &mut tm, size, &mut frags);
                        }
                    }
                    b"TJ" => {
                        let mut t = String::new();
                        for x in &array {
                            match x {
                                Tok::Str(s) => decode_str(s, font, &mut t),
                                Tok::Num(v) if *v < -200.0 && !t.ends_with(' ') => t.push(' '),
                                _ => {}
                            }
                        }
                        emit(t, &mut tm, size, &mut frags);
                        array.clear();
                    }
                    b"Td" | b"TD" => {
                        if let [.., tx, ty] = nums[..] {
                            tlm[2] += tx * tlm[0];
                            tlm[3] += ty * tlm[1];
                            if *op == *b"TD" {
                                leading = -ty;
                            }
                            tm = tlm;
                        }
                    }
                    b"T*" => {
                        tlm[3] -= leading * tlm[1];
                        tm = tlm;
                    }
                    b"Tm" => {
                        if let [a, _, _, d, e, f] = nums[..] {
                            tlm = [a, d, e, f];
                            tm = tlm;
                        }
                    }
                    _ => {}
                }
                stack.clear();
            }
            _ => stack.push(t),
        }
    }
    render(frags, out);
}

/// Lines of a page from its runs: same baseline (within a third of the type size)
/// is one line, top to bottom; along a line, a gap of more than two characters'
/// width becomes as many spaces as it is wide.
fn render(mut frags: Vec<Frag>, out: &mut String) {
    if frags.is_empty() {
        return;
    }
    let mut sizes: Vec<f64> = frags.iter().map(|f| f.size).collect();
    sizes.sort_by(|a, b| a.total_cmp(b));
    let cw = (sizes[sizes.len() / 2] * 0.5).max(0.5);
    let x0 = frags.iter().map(|f| f.x).fold(f64::INFINITY, f64::min);
    // Top to bottom, then left to right (PDF y grows upwards).
    frags.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<Vec<Frag>> = Vec::new();
    for f in frags {
        match lines.last_mut() {
            Some(line) if (line[0].y - f.y).abs() <= line[0].size.max(f.size) * 0.35 => {
                line.push(f)
            }
            _ => lines.push(vec![f]),
        }
    }
    // A gap well over the usual line spacing is a blank line (between paragraphs,
    // between a table's rows), as on the page.
    let mut steps: Vec<f64> = lines
        .windows(2)
        .map(|w| w[0][0].y - w[1][0].y)
        .filter(|d| *d > 0.0)
        .collect();
    steps.sort_by(|a, b| a.total_cmp(b));
    let step = steps.get(steps.len() / 2).copied().unwrap_or(0.0);
    let mut prev_y: Option<f64> = None;
    for mut line in lines {
        if let Some(py) = prev_y
            && step > 0.0
            && py - line[0].y > step * 1.8
        {
            out.push('\n');
        }
        prev_y = Some(line[0].y);
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut text = String::new();
        let mut end_x = f64::NEG_INFINITY;
        for f in line {
            let col = ((f.x - x0) / cw).round().max(0.0) as usize;
            let len = text.chars().count();
            let gap = f.x - end_x;
            if text.is_empty() {
                text.push_str(&" ".repeat(col));
            } else if gap > 2.0 * cw && col > len + 1 {
                text.push_str(&" ".repeat(col - len));
            } else if gap > 0.15 * f.size && !text.ends_with(' ') && !f.text.starts_with(' ') {
                text.push(' ');
            }
            end_x = f.x + f.text.chars().count() as f64 * cw * (f.size / (2.0 * cw)).max(0.5);
            text.push_str(&f.text);
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
}

/// The text of a PDF file.
pub fn text(path: &Path, bytes: &[u8]) -> Result<String, ExtractError> {
    let bad = |problem: String| ExtractError::BadPdf {
        path: path.to_path_buf(),
        problem,
    };
    if find(bytes, b"/Encrypt", 0).is_some() {
        return Err(ExtractError::EncryptedPdf {
            path: path.to_path_buf(),
        });
    }
    let mut budget = MAX_DECODED;
    let objs = objects(bytes, &mut budget).map_err(bad)?;
    if objs.is_empty() {
        return Err(bad("no objects found (truncated or not a PDF)".into()));
    }
    // Fonts' ToUnicode maps.
    let mut cmaps: HashMap<u32, CMap> = HashMap::new();
    for (&id, o) in &objs {
        if let Some(&r) = refs_after(&o.body, b"/ToUnicode").first()
            && let Some(s) = objs.get(&r).and_then(|c| c.stream.as_ref())
        {
            cmaps.insert(id, parse_cmap(s));
        }
    }
    // Pages in document order (the page tree), else in object order.
    let is_type = |o: &Obj, t: &[u8]| {
        let b = &o.body;
        let mut from = 0;
        while let Some(p) = find(b, b"/Type", from) {
            from = p + 5;
            let rest: Vec<u8> = b[from..]
                .iter()
                .copied()
                .skip_while(|c| is_ws(*c))
                .take(t.len() + 1)
                .collect();
            if rest.starts_with(t) && rest.get(t.len()).is_none_or(|c| !c.is_ascii_alphanumeric()) {
                return true;
            }
        }
        false
    };
    let mut pages: Vec<u32> = Vec::new();
    let roots: Vec<u32> = objs
        .iter()
        .filter(|(_, o)| is_type(o, b"/Pages") && find(&o.body, b"/Parent", 0).is_none())
        .map(|(&id, _)| id)
        .collect();
    let mut stack: Vec<u32> = roots.into_iter().rev().collect();
    let mut seen = 0usize;
    while let Some(id) = stack.pop() {
        seen += 1;
        if seen > 1_000_000 {
            break;
        }
        let Some(o) = objs.get(&id) else { continue };
        if is_type(o, b"/Pages") {
            for k in refs_after(&o.body, b"/Kids").into_iter().rev() {
                stack.push(k);
            }
        } else if is_type(o, b"/Page") {
            pages.push(id);
        }
    }
    if pages.is_empty() {
        let mut ids: Vec<u32> = objs
            .iter()
            .filter(|(_, o)| is_type(o, b"/Page"))
            .map(|(&i, _)| i)
            .collect();
        ids.sort_unstable();
        pages = ids;
    }
    let mut out = String::new();
    for id in pages {
        let Some(page) = objs.get(&id) else { continue };
        // Fonts: the page's resources, or those it inherits.
        let mut fonts: HashMap<Vec<u8>, u32> = HashMap::new();
        let mut node = Some(id);
        let mut hops = 0;
        while let Some(n) = node {
            hops += 1;
            let Some(o) = objs.get(&n) else { break };
            let res: Option<Vec<u8>> = match inline_dict(&o.body, b"/Resources") {
                Some(d) => Some(d.to_vec()),
                None => refs_after(&o.body, b"/Resources")
                    .first()
                    .and_then(|r| objs.get(r))
                    .map(|r| r.body.clone()),
            };
            if let Some(res) = res {
                let font_dict: Option<Vec<u8>> = match inline_dict(&res, b"/Font") {
                    Some(d) => Some(d.to_vec()),
                    None => refs_after(&res, b"/Font")
                        .first()
                        .and_then(|r| objs.get(r))
                        .map(|r| r.body.clone()),
                };
                if let Some(fd) = font_dict {
                    fonts = name_refs(&fd);
                    break;
                }
            }
            node = refs_after(&o.body, b"/Parent").first().copied();
            if hops > 64 {
                break;
            }
        }
        let mut content = Vec::new();
        for c in refs_after(&page.body, b"/Contents") {
            if let Some(s) = objs.get(&c).and_then(|o| o.stream.as_ref()) {
                content.extend_from_slice(s);
                content.push(b'\n');
            }
        }
        page_text(&content, &fonts, &cmaps, &mut out);
    }
    if !out.chars().any(char::is_alphanumeric) {
        return Err(ExtractError::NoTextLayer {
            path: path.to_path_buf(),
        });
    }
    Ok(out)
}
