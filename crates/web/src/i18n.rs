//! Vietnamese first, English on request: the language of a page, and how numbers
//! and dates are written (1.234,5 and dd/mm/yyyy in Vietnamese).

use chrono::{Datelike, NaiveDate};
use tiendo_core::status::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    /// The Vietnamese or the English text.
    pub fn t<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    pub fn status(self, s: Status) -> &'static str {
        match self {
            Lang::Vi => s.label_vi(),
            Lang::En => s.label_en(),
        }
    }

    /// An integer with thousands separators: 1.234.567 (vi), 1,234,567 (en).
    pub fn int(self, n: i64) -> String {
        let sep = match self {
            Lang::Vi => '.',
            Lang::En => ',',
        };
        group(n, sep)
    }

    /// A decimal with `places` digits: 1.234,5 (vi), 1,234.5 (en).
    pub fn dec(self, x: f64, places: usize) -> String {
        let (sep, point) = match self {
            Lang::Vi => ('.', ','),
            Lang::En => (',', '.'),
        };
        let text = format!("{:.*}", places, x.abs());
        let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
        let whole: i64 = whole.parse().unwrap_or(0);
        let mut out = String::new();
        if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
            out.push('-');
        }
        out.push_str(&group(whole, sep));
        if !frac.is_empty() {
            out.push(point);
            out.push_str(frac);
        }
        out
    }

    /// A share as a percentage with one decimal: "87,5%".
    pub fn percent(self, part: i64, whole: i64) -> String {
        if whole <= 0 {
            return "—".into();
        }
        format!("{}%", self.dec(part as f64 * 100.0 / whole as f64, 1))
    }

    pub fn month(self, d: NaiveDate) -> String {
        match self {
            Lang::Vi => format!("{:02}/{}", d.month(), d.year()),
            Lang::En => format!("{:02}/{}", d.month(), d.year()),
        }
    }
}

fn group(n: i64, sep: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    let first = digits.len() % 3;
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (i + 3 - first).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// dd/mm/yyyy in both languages (the way Vietnamese documents write dates).
pub fn date(d: NaiveDate) -> String {
    tiendo_core::time::format_date_vi(d)
}

pub fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_default()
}

/// An RFC 3339 instant as dd/mm/yyyy HH:MM (in Vietnam's offset, as stored).
pub fn instant(rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => {
            let t = t.with_timezone(&tiendo_core::time::vietnam());
            format!("{} {}", date(t.date_naive()), t.format("%H:%M"))
        }
        Err(_) => rfc3339.to_string(),
    }
}

/// The day of an RFC 3339 instant in Vietnam.
pub fn instant_day(rfc3339: &str) -> Option<NaiveDate> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&tiendo_core::time::vietnam()).date_naive())
}

pub fn field_label(lang: Lang, code: &str) -> String {
    let en = match code {
        "khcn" => "Science and technology",
        "dmst" => "Innovation",
        "cds" => "Digital transformation",
        "da06" => "Project 06",
        "cchc" => "Administrative reform",
        _ => "",
    };
    match lang {
        Lang::En if !en.is_empty() => en.into(),
        _ => tiendo_core::model::FIELDS
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, l)| l.to_string())
            .unwrap_or_else(|| code.to_string()),
    }
}

/// Service messages (English) in the page's language, for the common ones.
pub fn message(lang: Lang, text: &str) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    const MAP: &[(&str, &str)] = &[
        ("must not be empty", "Không được để trống."),
        ("must be between 0 and 100", "Phải từ 0 đến 100."),
        (
            "cannot be in the future",
            "Không được là ngày trong tương lai.",
        ),
        (
            "only a report that claims completion has a completion date",
            "Chỉ báo cáo hoàn thành mới có ngày hoàn thành.",
        ),
        (
            "give the reason for returning the report",
            "Cần nêu lý do trả lại báo cáo.",
        ),
        ("give the reason for refusing", "Cần nêu lý do từ chối."),
        (
            "must be later than the current deadline",
            "Thời hạn mới phải sau thời hạn hiện tại.",
        ),
        (
            "a completed or cancelled assignment needs no extension",
            "Nhiệm vụ đã hoàn thành hoặc đã hủy thì không cần gia hạn.",
        ),
        (
            "the assignment is already completed",
            "Nhiệm vụ đã hoàn thành.",
        ),
        (
            "is not waiting for review",
            "Báo cáo này không còn chờ duyệt.",
        ),
        (
            "wrong username or password",
            "Sai tên đăng nhập hoặc mật khẩu.",
        ),
        ("must have at most", "Nội dung quá dài."),
        (
            "must have at least 12 characters",
            "Mật khẩu cần ít nhất 12 ký tự.",
        ),
        (
            "must not be only spaces",
            "Mật khẩu không được chỉ có dấu cách.",
        ),
        (
            "must not be one character repeated",
            "Mật khẩu không được là một ký tự lặp lại.",
        ),
        (
            "must not be the username",
            "Mật khẩu không được trùng tên đăng nhập.",
        ),
        (
            "is one of the most common passwords",
            "Mật khẩu này nằm trong danh sách 10.000 mật khẩu phổ biến nhất; hãy chọn mật khẩu khác.",
        ),
        (
            "give your current password",
            "Cần nhập mật khẩu hiện tại để đổi mật khẩu.",
        ),
        (
            "is not your current password",
            "Mật khẩu hiện tại không đúng.",
        ),
        (
            "must differ from the current one",
            "Mật khẩu mới phải khác mật khẩu hiện tại.",
        ),
        (
            "too many failed sign-ins",
            "Đã nhập sai mật khẩu quá nhiều lần; hãy thử lại sau ít phút.",
        ),
        (
            "the token policy does not allow API tokens",
            "Vai trò của bạn không được cấp khóa API (cơ quan thường trực đặt chính sách này).",
        ),
        (
            "the token policy's longest lifetime",
            "Số ngày hiệu lực vượt quá mức tối đa của chính sách khóa API.",
        ),
        (
            "an API token cannot make tokens",
            "Không thể dùng khóa API để tạo khóa khác; hãy đăng nhập bằng mật khẩu.",
        ),
        (
            "must be between 01/01/2000 and 31/12/2100",
            "Ngày phải trong khoảng từ 01/01/2000 đến 31/12/2100.",
        ),
        (
            "cannot be after today",
            "Không được sau ngày hôm nay: chưa thể biết hệ thống sẽ biết gì vào ngày đó.",
        ),
        (
            "cannot be before the day the commitment is made",
            "Ngày cam kết không được trước ngày đưa ra cam kết (hôm nay).",
        ),
        (
            "a report that claims completion needs the day the work was completed",
            "Báo cáo hoàn thành cần ghi ngày hoàn thành.",
        ),
        (
            "is already taken",
            "Tên đăng nhập đã có người dùng (không phân biệt chữ hoa, chữ thường).",
        ),
        (
            "is already the name of an agency",
            "Đã có cơ quan mang tên này.",
        ),
        (
            "must be a month written YYYY-MM",
            "Tháng viết chưa đúng: hãy ghi tháng/năm, ví dụ 11/2025.",
        ),
        (
            "a month in the future cannot be scored yet",
            "Tháng này chưa đến nên chưa thể tính điểm; hãy chọn tháng hiện tại hoặc một tháng đã qua.",
        ),
        (
            "a month can be published only after it has ended",
            "Chỉ công bố được điểm của tháng đã kết thúc.",
        ),
        (
            "changed since the preview",
            "Dữ liệu của tháng đã thay đổi sau khi xem trước; hãy tính lại bản xem trước rồi mới công bố.",
        ),
        ("choose at least one report", "Chưa chọn báo cáo nào."),
        (
            "only a request waiting for a decision can be withdrawn",
            "Đề nghị gia hạn đã được quyết định hoặc đã rút lại.",
        ),
        (
            "only a focal point of an agency the task names as coordinating",
            "Chỉ đầu mối của cơ quan phối hợp được báo cáo phần phối hợp.",
        ),
        (
            "no part can be added",
            "Nhiệm vụ đã hoàn thành hoặc đã hủy: không thêm phần phối hợp.",
        ),
        (
            "a correction must say why",
            "Tháng này đã công bố; công bố lại là đính chính và cần ghi lý do.",
        ),
    ];
    for (en, vi) in MAP {
        if text.contains(en) {
            return (*vi).to_string();
        }
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_numbers() {
        assert_eq!(Lang::Vi.int(1_234_567), "1.234.567");
        assert_eq!(Lang::Vi.int(999), "999");
        assert_eq!(Lang::Vi.int(-1000), "-1.000");
        assert_eq!(Lang::Vi.dec(1234.5, 1), "1.234,5");
        assert_eq!(Lang::En.dec(1234.5, 1), "1,234.5");
        assert_eq!(Lang::Vi.percent(7, 8), "87,5%");
        assert_eq!(Lang::Vi.percent(0, 0), "—");
        assert_eq!(date("2025-07-01".parse().unwrap()), "01/07/2025");
        assert_eq!(instant("2025-07-16T08:05:00+07:00"), "16/07/2025 08:05");
    }
}
