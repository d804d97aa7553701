//! What a reviewer needs beside each proposed task: its whole text as the document
//! writes it, and how sure the reader is of it, with the reasons for doubt.
//!
//! The reasons are the reader's own, stated plainly so that the review page can put
//! the doubtful tasks first and say why:
//! - `lead_inherited`: the task's own words name no agency; its lead comes from its
//!   item, a heading or the letter's addressees;
//! - `unknown_unit`: a lead or coordinator is a unit outside the register;
//! - `group_lead`: the lead is only a group ("các bộ, ngành", "địa phương");
//! - `no_deadline`: no deadline was read;
//! - `deadline_unread`: the text holds a date or a period that was not read as the
//!   deadline;
//! - `no_verb`: no verb of assignment in the first words (a heading or narrative
//!   taken for a task?);
//! - `long`: the passage is very long (several tasks run together?).

use std::sync::OnceLock;

use regex::Regex;
use tiendo_core::text::fold;

/// Words that open a task after its subject and are dropped from its whole text.
const LEAD_INS: [&str; 6] = [
    "giao",
    "đề nghị",
    "yêu cầu",
    "thủ tướng chính phủ yêu cầu",
    "thủ tướng yêu cầu",
    "chủ tịch ủy ban nhân dân tỉnh giao",
];

/// The whole text of a task: its passage, on one line, without the words that
/// hand it over ("Giao …", "Đề nghị …"), capitalised, without a trailing ";".
pub fn full_text(passage: &str) -> String {
    let mut t: String = passage.split_whitespace().collect::<Vec<_>>().join(" ");
    let low = t.to_lowercase();
    for w in LEAD_INS {
        if low.starts_with(w) && low[w.len()..].starts_with(' ') {
            t = t[w.len()..].trim_start().to_string();
            break;
        }
    }
    let t = t.trim_end_matches([';', ',', ':', ' ']);
    let t = t.strip_suffix("./.").unwrap_or(t);
    let mut chars = t.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Verbs (folded) that give work in a directive document.
const VERBS: &[&str] = &[
    "chu tri",
    "phoi hop",
    "xay dung",
    "ban hanh",
    "trien khai",
    "to chuc",
    "thuc hien",
    "ra soat",
    "kiem tra",
    "bao cao",
    "huong dan",
    "tham muu",
    "nghien cuu",
    "de xuat",
    "trinh",
    "hoan thien",
    "hoan thanh",
    "tang cuong",
    "day manh",
    "chi dao",
    "theo doi",
    "don doc",
    "bao dam",
    "dam bao",
    "tap trung",
    "khan truong",
    "chu dong",
    "tiep tuc",
    "quan triet",
    "tuyen truyen",
    "pho bien",
    "cap nhat",
    "cong bo",
    "xu ly",
    "giai quyet",
    "cung cap",
    "bo tri",
    "phan bo",
    "huy dong",
    "nang cao",
    "cai thien",
    "phat trien",
    "dau tu",
    "ket noi",
    "chia se",
    "so hoa",
    "lap",
    "sua doi",
    "bo sung",
    "thong ke",
    "tong hop",
    "danh gia",
    "giam sat",
    "thanh tra",
    "xac minh",
    "lam ro",
    "van hanh",
    "khai thac",
    "quan ly",
    "thanh lap",
    "kien toan",
    "uu tien",
    "lua chon",
    "gui",
    "phe duyet",
    "tham dinh",
    "ho tro",
    "dao tao",
    "tap huan",
    "ung dung",
    "chuyen doi",
    "thuc thi",
    "chiu trach nhiem",
    "co trach nhiem",
    "phan dau",
    "tiep nhan",
    "xay dung",
    "nghiem tuc",
    "kip thoi",
    "thuong xuyen",
    "khac phuc",
    "tham gia",
    "dong gop",
    "ky ket",
    "rut kinh nghiem",
    "so ket",
    "tong ket",
    "dieu chinh",
    "ngan chan",
    "phat hien",
    "bao ve",
    "kiem soat",
    "quy dinh",
    "cong khai",
    "hop nhat",
    "sap xep",
    "chuan bi",
    "tiep thu",
    "lam viec",
    "trao doi",
    "thong nhat",
    "duy tri",
    "nhan rong",
    "khuyen khich",
    "van dong",
    "thu hut",
    "mo rong",
    "xay lap",
    "cai cach",
    "tinh gon",
    "dinh ky",
    "de cao",
    "nghiem cam",
    "khong de",
    "kien quyet",
    "quyet liet",
    "xac dinh",
    "phan cong",
    "chu y",
    "luu y",
    "quan tam",
    "dau tu",
    "nang cap",
    "ra quyet dinh",
    "ban hanh",
    "chi dao",
    "nghien cuu",
    "neu guong",
    "tien phong",
];

fn dated() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)(?:trước ngày|chậm nhất|hoàn thành (?:trong|trước)|thời hạn|quý\s+[ivx1-4]+|tháng\s+\d{1,2}[/ ]|năm\s+20\d\d)")
            .expect("valid")
    })
}

/// What the reader knows of a task to judge it.
pub struct Facts<'a> {
    pub passage: &'a str,
    pub text: &'a str,
    pub lead_inherited: bool,
    pub unknown_unit: bool,
    pub group_lead: bool,
    pub has_deadline: bool,
}

/// The reader's confidence in a task (0–1) and its reasons for doubt.
pub fn assess(f: &Facts) -> (f32, Vec<String>) {
    let mut doubts: Vec<(&str, f32)> = Vec::new();
    if f.lead_inherited {
        doubts.push(("lead_inherited", 0.15));
    }
    if f.unknown_unit {
        doubts.push(("unknown_unit", 0.10));
    }
    if f.group_lead {
        doubts.push(("group_lead", 0.05));
    }
    if !f.has_deadline {
        if dated().is_match(f.passage) {
            doubts.push(("deadline_unread", 0.20));
        } else {
            doubts.push(("no_deadline", 0.05));
        }
    }
    let head: Vec<&str> = f.text.split_whitespace().take(14).collect();
    let head = fold(&head.join(" "));
    let padded = format!(" {head} ");
    if !VERBS.iter().any(|v| padded.contains(&format!(" {v} "))) {
        doubts.push(("no_verb", 0.30));
    }
    if f.passage.len() > 1500 {
        doubts.push(("long", 0.10));
    }
    let confidence = (1.0 - doubts.iter().map(|d| d.1).sum::<f32>()).clamp(0.05, 1.0);
    (
        (confidence * 100.0).round() / 100.0,
        doubts.into_iter().map(|d| d.0.to_string()).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_text_without_the_handing_over() {
        // 9387/UBND-KT item 2 and 8129/UBND-KT.
        assert_eq!(
            full_text(
                "Giao Sở Nông nghiệp và Môi trường chủ trì,\nphối hợp với các cơ quan xây dựng dự thảo;"
            ),
            "Sở Nông nghiệp và Môi trường chủ trì, phối hợp với các cơ quan xây dựng dự thảo"
        );
        assert_eq!(
            full_text("các Bộ quản lý chuyên ngành thực hiện việc quy định danh mục./."),
            "Các Bộ quản lý chuyên ngành thực hiện việc quy định danh mục"
        );
    }

    #[test]
    fn doubts_are_named() {
        let sure = assess(&Facts {
            passage: "Bộ Y tế xây dựng Kế hoạch, hoàn thành trong tháng 12/2025.",
            text: "Bộ Y tế xây dựng Kế hoạch, hoàn thành trong tháng 12/2025",
            lead_inherited: false,
            unknown_unit: false,
            group_lead: false,
            has_deadline: true,
        });
        assert_eq!(sure, (1.0, vec![]));
        let (c, why) = assess(&Facts {
            passage: "Tình hình lao động, việc làm trong các doanh nghiệp trước ngày 30/6/2025",
            text: "Tình hình lao động, việc làm trong các doanh nghiệp",
            lead_inherited: true,
            unknown_unit: false,
            group_lead: false,
            has_deadline: false,
        });
        assert_eq!(why, ["lead_inherited", "deadline_unread", "no_verb"]);
        assert!(c < 0.5, "{c}");
    }
}
