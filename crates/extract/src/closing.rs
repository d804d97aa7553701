//! Closing formulas: the sentences that end an administrative document by handing
//! it to its addressees, which assign nothing of their own (GOLD-FORMAT.md):
//! "Văn phòng Chính phủ thông báo để các Bộ: Tài chính, … biết, thực hiện./.",
//! "Yêu cầu Sở Nông nghiệp và Môi trường, …, các cơ quan, đơn vị liên quan triển
//! khai thực hiện./.", "Căn cứ ý kiến chỉ đạo trên, Sở Công Thương và các đơn vị
//! liên quan triển khai thực hiện./.", "… chịu trách nhiệm thi hành Quyết định
//! này./.", "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, báo cáo …".
//!
//! A sentence is one when, its agencies set aside, every word it has is a word of
//! such formulas.

use tiendo_core::text::fold;

use crate::lexicon::tok_at;
use crate::pipeline::Doc;

/// Words of closing formulas, folded.
const FORMULA: &[&str] = &[
    "can", "cu", "y", "kien", "chi", "dao", "tren", "yeu", "cau", "de", "nghi", "trien", "khai",
    "thuc", "hien", "to", "chuc", "nghiem", "tuc", "khan", "truong", "biet", "va", "cac", "co",
    "quan", "don", "vi", "lien", "thong", "bao", "tran", "trong", "kip", "thoi", "noi", "dung",
    "chiu", "trach", "nhiem", "thi", "hanh", "quyet", "dinh", "nay", "cong", "van", "theo", "giao",
    "duoc", "nhu", "sau", "thuoc", "ban", "nganh", "dia", "phuong", "so", "the", "de", "dam",
    "tich", "cuc", "day", "du", "ve", "viec", "toan", "cap", "uy", "tinh", "xa", "huyen", "thanh",
    "pho", "dong", "chu", "nhan", "dan", "o", "chinh", "phu", "thu", "tuong",
];

/// A decision's execution article as a whole ("Điều 3. Thủ trưởng các cơ quan: …;
/// Chủ tịch UBND các xã … căn cứ Quyết định thi hành./."), whose lists of agencies
/// would otherwise read as tasks of their own.
pub fn is_execution_article(text: &str) -> bool {
    if text.len() > 3000 {
        return false;
    }
    executes(&fold(text))
}

/// Folded words that hand a decision to those who carry it out: "… chịu trách
/// nhiệm thi hành Quyết định này", "… căn cứ Quyết định thi hành./.".
fn executes(folded: &str) -> bool {
    folded.contains("chiu trach nhiem thi hanh")
        || folded.contains("can cu quyet dinh thi hanh")
        || folded.contains("thi hanh quyet dinh nay")
}

/// Whether the text `[start, end)` is a closing formula.
pub fn is_closing_formula(doc: &Doc, start: usize, end: usize) -> bool {
    let text = &doc.text[start..end];
    if text.len() > 2000 {
        return false;
    }
    let f = fold(text);
    // "Trong quá trình (tổ chức) thực hiện, nếu có (phát sinh) khó khăn, vướng mắc …"
    // "Nếu có vướng mắc, đề nghị các Cục Thuế phản ánh về Tổng cục Thuế …".
    if (f.starts_with("trong qua trinh") || f.starts_with("neu co") || f.starts_with("qua trinh"))
        && (f.contains("kho khan") || f.contains("vuong mac"))
    {
        return true;
    }
    // A decision's closing articles: its execution article, "Quyết định này có hiệu
    // lực kể từ ngày ký", "các nội dung còn lại được giữ nguyên".
    if executes(&f)
        || f.contains("co hieu luc ke tu ngay")
        || f.contains("co hieu luc thi hanh ke tu ngay")
        || f.contains("con lai duoc giu nguyen")
    {
        return true;
    }
    if text.len() > 400 {
        return false;
    }
    let i = tok_at(doc.toks, start);
    let j = tok_at(doc.toks, end);
    let mut k = i;
    let mut words = 0usize;
    while k < j {
        if let Some(list) = doc.roles.list(k, j) {
            k = list.end.max(k + 1);
            continue;
        }
        let t = &doc.toks[k];
        let w = crate::lexicon::fold_word(&doc.text[t.start as usize..t.end as usize]);
        if !FORMULA.contains(&w.as_str()) {
            return false;
        }
        words += 1;
        k += 1;
    }
    // Agencies and formula words only, and a verb of carrying out among them.
    words >= 2 && (f.contains("thuc hien") || f.contains("thi hanh") || f.contains("biet"))
}
