//! Periods as people read them: a month "11/2025", a quarter "Quý IV/2025", a
//! year "2025" — never the keys the system stores and puts in links ("2025-11",
//! "2025-Q4"). One formatter for every page and every generated file.

use crate::indicator::Periodicity;
use crate::text::fold;

/// The quarter's Roman numeral, as Vietnamese documents write it.
fn roman(q: u32) -> &'static str {
    match q {
        1 => "I",
        2 => "II",
        3 => "III",
        _ => "IV",
    }
}

/// A stored period key in Vietnamese: "2025-11" → "11/2025", "2025-Q4" →
/// "Quý IV/2025", "2025" → "2025". Anything else is returned as it is.
pub fn label_vi(key: &str) -> String {
    label(key, |q, y| format!("Quý {}/{y}", roman(q)))
}

/// The same in English: "11/2025", "Q4/2025", "2025".
pub fn label_en(key: &str) -> String {
    label(key, |q, y| format!("Q{q}/{y}"))
}

fn label(key: &str, quarter: impl Fn(u32, &str) -> String) -> String {
    let key = key.trim();
    if let Some((y, q)) = key.split_once("-Q")
        && y.len() == 4
        && y.chars().all(|c| c.is_ascii_digit())
        && let Ok(q) = q.parse::<u32>()
        && (1..=4).contains(&q)
    {
        return quarter(q, y);
    }
    if let Some((y, m)) = key.split_once('-')
        && y.len() == 4
        && m.len() == 2
        && y.chars().all(|c| c.is_ascii_digit())
        && let Ok(m) = m.parse::<u32>()
        && (1..=12).contains(&m)
    {
        return format!("{m:02}/{y}");
    }
    key.to_string()
}

/// A month in Vietnamese from its year and number: 11/2025.
pub fn month_vi(year: i32, month: u32) -> String {
    format!("{month:02}/{year}")
}

/// A period as a person or a sheet writes it, as the key of a periodicity:
/// "2025-11", "11/2025", "Tháng 11/2025" (month); "2025-Q4", "Q4/2025",
/// "Quý IV/2025" (quarter); "2025", "Năm 2025" (year). `None` when it is not one.
pub fn parse(text: &str, p: Periodicity) -> Option<String> {
    let key = fold(text);
    let numbers: Vec<&str> = key
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .collect();
    let year = numbers
        .iter()
        .filter_map(|s| s.parse::<i32>().ok())
        .find(|y| (1900..=2200).contains(y))?;
    let key_out = match p {
        Periodicity::Year => format!("{year:04}"),
        Periodicity::Month => {
            let month = numbers
                .iter()
                .filter_map(|s| s.parse::<u32>().ok())
                .find(|m| (1..=12).contains(m))?;
            format!("{year:04}-{month:02}")
        }
        Periodicity::Quarter => {
            let q = numbers.iter().find_map(|s| match *s {
                "q1" | "i" | "1" => Some(1),
                "q2" | "ii" | "2" => Some(2),
                "q3" | "iii" | "3" => Some(3),
                "q4" | "iv" | "4" => Some(4),
                _ => None,
            })?;
            format!("{year:04}-Q{q}")
        }
    };
    p.end_of(&key_out).map(|_| key_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_the_vietnamese_way() {
        assert_eq!(label_vi("2025-11"), "11/2025");
        assert_eq!(label_vi("2026-03"), "03/2026");
        assert_eq!(label_vi("2025-Q4"), "Quý IV/2025");
        assert_eq!(label_vi("2025-Q1"), "Quý I/2025");
        assert_eq!(label_vi("2025"), "2025");
        assert_eq!(label_en("2025-Q3"), "Q3/2025");
        assert_eq!(label_en("2025-11"), "11/2025");
        // Not a key: kept as it is.
        assert_eq!(label_vi("Đợt 1"), "Đợt 1");
        assert_eq!(label_vi("2025-13"), "2025-13");
        assert_eq!(month_vi(2025, 7), "07/2025");
    }

    #[test]
    fn written_periods_become_keys_and_back() {
        let m = Periodicity::Month;
        let q = Periodicity::Quarter;
        assert_eq!(parse("11/2025", m).as_deref(), Some("2025-11"));
        assert_eq!(parse("Tháng 11/2025", m).as_deref(), Some("2025-11"));
        assert_eq!(parse("2025-11", m).as_deref(), Some("2025-11"));
        assert_eq!(parse("Quý IV/2025", q).as_deref(), Some("2025-Q4"));
        assert_eq!(parse("quy iv/2025", q).as_deref(), Some("2025-Q4"));
        assert_eq!(parse("2025-Q2", q).as_deref(), Some("2025-Q2"));
        assert_eq!(
            parse("Năm 2025", Periodicity::Year).as_deref(),
            Some("2025")
        );
        assert_eq!(parse("tháng mười", m), None);
        for key in ["2025-11", "2025-Q4"] {
            let p = if key.contains('Q') { q } else { m };
            assert_eq!(parse(&label_vi(key), p).as_deref(), Some(key));
        }
    }
}
