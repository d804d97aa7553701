//! The format-agnostic model of an administrative letter (công văn) in the layout
//! of Decree 30/2020/NĐ-CP (Appendix I): issuing body top left with the number
//! and symbol under it, national title and motto top right with the place and
//! date under them, the subject ("V/v …") under the number, the addressees
//! ("Kính gửi: …"), the body, then the recipients block ("Nơi nhận:") bottom left
//! and the signature block bottom right, left blank for the signer.
//!
//! The service builds one (the urging letter, `tiendo_service::urging`);
//! `tiendo-reports` renders it as DOCX or PDF.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::printed::Table;

/// Quốc hiệu.
pub const NATIONAL_TITLE: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
/// Tiêu ngữ.
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

/// The issuing body and how its letters are numbered: configurable, with the
/// Government Office as default.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Letterhead {
    /// Tên cơ quan chủ quản trực tiếp (upper case, regular), when there is one.
    pub parent: Option<String>,
    /// Tên cơ quan ban hành (upper case, bold).
    pub issuer: String,
    /// Ký hiệu after the number: "VPCP-TH" gives "Số:        /VPCP-TH".
    pub symbol: String,
    /// Địa danh of the date line.
    pub place: String,
    /// The archive copy's line in "Nơi nhận": "Lưu: VT, TH."
    pub archive: String,
}

impl Default for Letterhead {
    fn default() -> Self {
        Letterhead {
            parent: None,
            issuer: "VĂN PHÒNG CHÍNH PHỦ".into(),
            symbol: "VPCP-TH".into(),
            place: "Hà Nội".into(),
            archive: "Lưu: VT, TH.".into(),
        }
    }
}

/// One part of a letter's body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Block {
    /// A justified paragraph, first line indented.
    Paragraph(String),
    Table(Table),
}

/// A letter ready to render.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Letter {
    /// Names the file: `cong-van-don-doc-…`.
    pub file_stem: String,
    pub head: Letterhead,
    /// The day the letter is dated (and speaks of).
    pub date: NaiveDate,
    /// Trích yếu: "V/v đôn đốc thực hiện nhiệm vụ quá hạn".
    pub subject: String,
    /// Kính gửi: one addressee on the line, or several as a list.
    pub addressees: Vec<String>,
    pub body: Vec<Block>,
    /// Nơi nhận: the recipients, one a line (the archive line comes last).
    pub recipients: Vec<String>,
    /// Quyền hạn, chức vụ of the signer ("KT. BỘ TRƯỞNG"): blank by default, the
    /// signer's office fills it with the name.
    pub signer_title: Option<String>,
}

impl Letter {
    /// "Số:        /VPCP-TH": the number is given when the letter is registered.
    pub fn number_line(&self) -> String {
        format!("Số:        /{}", self.head.symbol)
    }

    /// "Hà Nội, ngày 05 tháng 12 năm 2026".
    pub fn dateline(&self) -> String {
        format!("{}, {}", self.head.place, admin_long_date(self.date))
    }

    /// "Kính gửi: X." or, for several, "Kính gửi:" then "- X;" lines.
    pub fn addressee_lines(&self) -> Vec<String> {
        match self.addressees.as_slice() {
            [one] => vec![format!("Kính gửi: {one}.")],
            many => {
                let mut out = vec!["Kính gửi:".to_string()];
                let n = many.len();
                for (i, a) in many.iter().enumerate() {
                    out.push(format!("- {a}{}", if i + 1 == n { "." } else { ";" }));
                }
                out
            }
        }
    }

    /// The lines of "Nơi nhận:" after its title.
    pub fn recipient_lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self.recipients.iter().map(|r| format!("- {r};")).collect();
        out.push(format!("- {}", self.head.archive));
        out
    }

    /// Every text of the letter, in reading order (for font subsets and tests).
    pub fn all_text(&self) -> String {
        let mut s = String::new();
        let mut add = |t: &str| {
            s.push_str(t);
            s.push('\n');
        };
        if let Some(p) = &self.head.parent {
            add(p);
        }
        add(&self.head.issuer);
        add(&self.number_line());
        add(&self.subject);
        add(NATIONAL_TITLE);
        add(MOTTO);
        add(&self.dateline());
        for l in self.addressee_lines() {
            add(&l);
        }
        for b in &self.body {
            match b {
                Block::Paragraph(p) => add(p),
                Block::Table(t) => {
                    for h in &t.headers {
                        add(h);
                    }
                    for r in &t.rows {
                        for c in r {
                            add(&c.display());
                        }
                    }
                }
            }
        }
        add("Nơi nhận:");
        for l in self.recipient_lines() {
            add(&l);
        }
        if let Some(t) = &self.signer_title {
            add(t);
        }
        s
    }
}

/// The date of an administrative document, as Decree 30/2020 writes it (Appendix
/// I, II.5.b): days below 10 and the months 1 and 2 with a leading zero, the
/// others without — "ngày 05 tháng 12 năm 2026", "ngày 16 tháng 7 năm 2025",
/// "ngày 26 tháng 01 năm 2022" (as on the Government's own notices).
pub fn admin_long_date(d: NaiveDate) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printed::Cell;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn administrative_dates_as_on_the_notices() {
        // 365/TB-VPCP: "Hà Nội, ngày 16 tháng 7 năm 2025".
        assert_eq!(
            admin_long_date(day("2025-07-16")),
            "ngày 16 tháng 7 năm 2025"
        );
        assert_eq!(
            admin_long_date(day("2022-01-26")),
            "ngày 26 tháng 01 năm 2022"
        );
        assert_eq!(
            admin_long_date(day("2021-02-02")),
            "ngày 02 tháng 02 năm 2021"
        );
        assert_eq!(
            admin_long_date(day("2026-12-05")),
            "ngày 05 tháng 12 năm 2026"
        );
        assert_eq!(
            admin_long_date(day("2021-05-26")),
            "ngày 26 tháng 5 năm 2021"
        );
    }

    fn letter(addressees: &[&str]) -> Letter {
        Letter {
            file_stem: "x".into(),
            head: Letterhead::default(),
            date: day("2026-12-05"),
            subject: "V/v đôn đốc thực hiện nhiệm vụ quá hạn".into(),
            addressees: addressees.iter().map(|s| s.to_string()).collect(),
            body: vec![Block::Table(Table {
                headers: vec!["TT".into()],
                widths: vec![1.0],
                rows: vec![vec![Cell::Int(1)]],
            })],
            recipients: vec!["Thủ tướng Chính phủ (để b/c)".into()],
            signer_title: None,
        }
    }

    #[test]
    fn addressees_recipients_and_lines() {
        let one = letter(&["Bộ Công an"]);
        assert_eq!(one.addressee_lines(), vec!["Kính gửi: Bộ Công an."]);
        assert_eq!(one.number_line(), "Số:        /VPCP-TH");
        assert_eq!(one.dateline(), "Hà Nội, ngày 05 tháng 12 năm 2026");
        assert_eq!(
            one.recipient_lines(),
            vec!["- Thủ tướng Chính phủ (để b/c);", "- Lưu: VT, TH."]
        );
        let two = letter(&["Bộ Công an", "Bộ Y tế"]);
        assert_eq!(
            two.addressee_lines(),
            vec!["Kính gửi:", "- Bộ Công an;", "- Bộ Y tế."]
        );
        let all = two.all_text();
        assert!(all.contains(NATIONAL_TITLE) && all.contains("Nơi nhận:"));
    }
}
