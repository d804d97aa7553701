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
        self.quantity(part as f64 * 100.0 / whole as f64, 1, "%")
    }

    /// A figure with its unit: "39,5%" (no space before %, the way percentages
    /// are written everywhere), "12,5 nghìn tỷ đồng" for other units.
    pub fn quantity(self, x: f64, places: usize, unit: &str) -> String {
        with_unit(self.dec(x, places), unit)
    }

    /// The month of a day: 11/2025 (both languages).
    pub fn month(self, d: NaiveDate) -> String {
        tiendo_core::period::month_vi(d.year(), d.month())
    }

    /// A stored period key as people write it: "2025-11" → 11/2025, "2025-Q4" →
    /// Quý IV/2025 (Q4/2025 in English), "2025" → 2025.
    pub fn period(self, key: &str) -> String {
        match self {
            Lang::Vi => tiendo_core::period::label_vi(key),
            Lang::En => tiendo_core::period::label_en(key),
        }
    }
}

/// A written figure and its unit: "%" sticks to the number, other units follow
/// a space, no unit adds nothing.
pub fn with_unit(figure: String, unit: &str) -> String {
    match unit.trim() {
        "" => figure,
        "%" => format!("{figure}%"),
        u => format!("{figure} {u}"),
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
            "a letter is a PDF, Word (DOCX, DOC), JPEG or PNG file",
            "Công văn phải là tệp PDF, Word (DOCX, DOC) hoặc ảnh (JPEG, PNG).",
        ),
        (
            "is already published; a correction is a new round",
            "Đợt đánh giá này đã công bố; kết quả không thay đổi nữa (đính chính là một đợt mới).",
        ),
        (
            "is published and does not change",
            "Đợt đánh giá này đã công bố; kết quả không thay đổi nữa (đính chính là một đợt mới).",
        ),
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

/// What a use case could not find (`ServiceError::NotFound`), as a Vietnamese
/// sentence; a subject not in the table gives a general sentence (the English
/// never reaches a Vietnamese page).
pub fn not_found_vi(what: &str) -> String {
    // Longest first: "published score run" before "score run".
    const SUBJECTS: &[(&str, &str)] = &[
        (
            "published database assessment round",
            "đợt đánh giá cơ sở dữ liệu đã công bố",
        ),
        ("published score run", "kết quả chấm điểm đã công bố"),
        ("assessment round", "đợt đánh giá"),
        ("score run", "lần tính điểm"),
        ("progress report", "báo cáo tiến độ"),
        ("evidence file", "tệp minh chứng"),
        ("assignment", "phân công nhiệm vụ"),
        ("task", "nhiệm vụ"),
        ("agency", "cơ quan"),
        ("indicator", "chỉ tiêu"),
        ("user", "người dùng"),
        ("database", "cơ sở dữ liệu"),
        ("document", "văn bản"),
        ("draft", "bản dự thảo"),
        ("token", "khóa API"),
        ("commitment", "cam kết"),
        ("extension", "đề nghị gia hạn"),
        ("notice", "thông báo"),
        ("page", "trang"),
    ];
    let w = what.trim();
    match SUBJECTS.iter().find(|(en, _)| w.starts_with(en)) {
        Some((_, vi)) => format!(
            "Không tìm thấy {vi} này. Có thể địa chỉ trang bị gõ nhầm hoặc dữ liệu không còn."
        ),
        None => {
            tracing::info!(what = %w, "not found without a Vietnamese subject");
            NOT_FOUND_VI.to_string()
        }
    }
}

/// The general sentence of a 404 in Vietnamese.
pub const NOT_FOUND_VI: &str =
    "Không tìm thấy trang hoặc dữ liệu được yêu cầu. Có thể địa chỉ trang bị gõ nhầm.";

/// Why a use case refused (`ServiceError::Forbidden`), in Vietnamese, when the
/// reason is known; `None` for a reason not in the table (it is then logged,
/// not shown).
pub fn forbidden_vi(reason: &str) -> Option<String> {
    // Longer reasons first where one contains another.
    const REASONS: &[(&str, &str)] = &[
        (
            "this assignment belongs to another agency, and the task does not name yours as coordinating",
            "Phân công này thuộc cơ quan khác và nhiệm vụ không giao cơ quan của bạn phối hợp.",
        ),
        (
            "this assignment belongs to another agency",
            "Phân công này thuộc cơ quan khác.",
        ),
        (
            "only the author can withdraw a report",
            "Chỉ người lập báo cáo được rút lại báo cáo.",
        ),
        (
            "only the person who asked can withdraw an extension request",
            "Chỉ người đề nghị được rút lại đề nghị gia hạn.",
        ),
        (
            "this task is not assigned to your agency",
            "Nhiệm vụ này không giao cho cơ quan của bạn.",
        ),
        (
            "this document assigns nothing to your agency",
            "Văn bản này không giao nhiệm vụ nào cho cơ quan của bạn.",
        ),
        (
            "this commitment belongs to another agency",
            "Cam kết này thuộc cơ quan khác.",
        ),
        (
            "this letter belongs to another agency's extension request",
            "Công văn này thuộc đề nghị gia hạn của cơ quan khác.",
        ),
        (
            "this extension belongs to another agency",
            "Đề nghị gia hạn này thuộc cơ quan khác.",
        ),
        (
            "this file belongs to another agency's report",
            "Tệp này thuộc báo cáo của cơ quan khác.",
        ),
        (
            "this report belongs to another agency",
            "Báo cáo này thuộc cơ quan khác.",
        ),
        (
            "only the author can add files to a report",
            "Chỉ người lập báo cáo mới được thêm tệp vào báo cáo.",
        ),
        (
            "only the author can change a report",
            "Chỉ người lập báo cáo mới được sửa báo cáo.",
        ),
        (
            "viewers can read but not change anything",
            "Tài khoản lãnh đạo chỉ được xem, không được thay đổi dữ liệu.",
        ),
        (
            "a focal point can only report on, commit to and ask extensions for its own agency's assignments",
            "Đầu mối chỉ được báo cáo, cam kết và đề nghị gia hạn cho nhiệm vụ của cơ quan mình.",
        ),
        (
            "a focal point enters only its own agency's figures",
            "Đầu mối chỉ được nhập số liệu của cơ quan mình; chưa ghi nhận số liệu nào.",
        ),
        (
            "a focal point sees its own agency's published score, not whole runs",
            "Đầu mối chỉ xem điểm đã công bố của cơ quan mình.",
        ),
        (
            "a focal point sees only its own agency's report card",
            "Đầu mối chỉ xem phiếu kết quả của cơ quan mình.",
        ),
        (
            "a focal point sees only its own agency's score",
            "Đầu mối chỉ xem điểm của cơ quan mình.",
        ),
        (
            "a focal point without an agency",
            "Tài khoản đầu mối chưa gắn với cơ quan nào; hãy liên hệ cơ quan thường trực.",
        ),
        (
            "an open round's ranking is a preview for the standing office",
            "Xếp hạng của đợt đang mở là bản xem trước dành cho cơ quan thường trực; đầu mối xem các đợt đã công bố.",
        ),
        (
            "only a focal point of an agency the task names as coordinating",
            "Chỉ đầu mối của cơ quan phối hợp được báo cáo phần phối hợp; cơ quan chủ trì báo cáo tiến độ.",
        ),
        (
            "the reviewing agency does not reassess its own database",
            "Cơ quan thẩm định không tự đánh giá lại cơ sở dữ liệu của mình; việc này do cơ quan thường trực thực hiện.",
        ),
        (
            "(the owner) or the standing office assesses",
            "Chỉ đầu mối của cơ quan sở hữu hoặc cơ quan thường trực được đánh giá cơ sở dữ liệu này.",
        ),
        (
            "only the standing office and the agency's focal points write in an assignment's thread",
            "Chỉ cơ quan thường trực và đầu mối của cơ quan được ghi ý kiến trong phân công này.",
        ),
        (
            "only the standing office changes the scoring rules",
            "Chỉ cơ quan thường trực được thay đổi quy tắc chấm điểm.",
        ),
        (
            "only the standing office computes and publishes monthly scores",
            "Chỉ cơ quan thường trực được tính và công bố điểm hằng tháng.",
        ),
        (
            "only the standing office publishes scores",
            "Chỉ cơ quan thường trực được công bố điểm.",
        ),
        (
            "only the standing office manages users",
            "Chỉ cơ quan thường trực được quản lý người dùng.",
        ),
        (
            "only the standing office sees other users' tokens",
            "Chỉ cơ quan thường trực được xem khóa API của người dùng khác.",
        ),
        (
            "only the standing office sees other users",
            "Chỉ cơ quan thường trực được xem người dùng khác.",
        ),
        (
            "is the standing office's",
            "Mục này chỉ dành cho cơ quan thường trực.",
        ),
        (
            "the system user cannot be changed",
            "Không thể thay đổi người dùng hệ thống: tài khoản này hành động thay hệ thống, không ai đăng nhập bằng nó.",
        ),
        (
            "the system user has no password",
            "Người dùng hệ thống không có mật khẩu: không ai đăng nhập bằng tài khoản này.",
        ),
        (
            "this role enters no measurements",
            "Vai trò của bạn không nhập số liệu.",
        ),
        (
            "this setup link is not valid",
            "Liên kết khởi tạo không còn hiệu lực (đã dùng, hoặc từ lần khởi động trước của máy chủ): hãy khởi động lại tiendo serve để có liên kết mới, hoặc đề nghị quản trị viên cấp tài khoản.",
        ),
    ];
    if let Some((_, vi)) = REASONS.iter().find(|(en, _)| reason.contains(en)) {
        return Some((*vi).to_string());
    }
    let known = message(Lang::Vi, reason);
    (known != reason).then_some(known)
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
