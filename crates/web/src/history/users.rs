//! Sentences for accounts (`user/create`, `user/update`, written by
//! crates/store/src/repo/users.rs).

use super::*;
use crate::pages::users::role_label;

fn agency_named(v: &Value, names: &dyn Names) -> String {
    int(v, "agency_id")
        .map(|a| names.agency(a))
        .unwrap_or_default()
}

/// `user/create`: the account, its role and agency.
pub fn user_created(lang: Lang, c: &Value, names: &dyn Names) -> String {
    let role = text(c, "role").map(|r| role_label(lang, &r)).unwrap_or("—");
    let mut s = match (lang, text(c, "username")) {
        (Lang::Vi, Some(u)) => format!("tạo tài khoản {u}, vai trò {role}"),
        (Lang::Vi, None) => format!("tạo tài khoản, vai trò {role}"),
        (Lang::En, Some(u)) => format!("made the account {u}, role {role}"),
        (Lang::En, None) => format!("made the account, role {role}"),
    };
    let agency = agency_named(c, names);
    if !agency.is_empty() {
        s.push_str(&match lang {
            Lang::Vi => format!(", thuộc {agency}"),
            Lang::En => format!(", for {agency}"),
        });
    }
    if flag(c, "must_change_password") {
        s.push_str(lang.t(", với mật khẩu dùng một lần", ", with a one-time password"));
    }
    s
}

/// `user/update`: each thing that changed, from what to what; the state and the
/// password in words.
pub fn user_updated(lang: Lang, c: &Value, names: &dyn Names) -> String {
    let (before, after) = (&c["before"], &c["after"]);
    let mut parts: Vec<String> = Vec::new();
    let mut change = |label: &str, from: String, to: String| {
        if from != to {
            let (from, to) = (or_empty(lang, from), or_empty(lang, to));
            parts.push(match lang {
                Lang::Vi => format!("đổi {label} từ {from} thành {to}"),
                Lang::En => format!("changed {label} from {from} to {to}"),
            });
        }
    };
    let role = |v: &Value| {
        text(v, "role")
            .map(|r| role_label(lang, &r).to_string())
            .unwrap_or_default()
    };
    change(lang.t("vai trò", "the role"), role(before), role(after));
    change(
        lang.t("cơ quan", "the agency"),
        agency_named(before, names),
        agency_named(after, names),
    );
    let q = |v: &Value, k: &str| text(v, k).map(|s| quote(&s, 120)).unwrap_or_default();
    change(
        lang.t("họ tên", "the name"),
        q(before, "display_name"),
        q(after, "display_name"),
    );
    change(
        lang.t("email", "the email"),
        text(before, "email").unwrap_or_default(),
        text(after, "email").unwrap_or_default(),
    );
    let active = |v: &Value| v.get("active").and_then(Value::as_bool);
    match (active(before), active(after)) {
        (Some(true), Some(false)) => {
            parts.push(lang.t("khóa tài khoản", "deactivated the account").into())
        }
        (Some(false), Some(true)) => {
            parts.push(lang.t("mở lại tài khoản", "reactivated the account").into())
        }
        _ => {}
    }
    if flag(c, "password_changed") {
        parts.push(if flag(c, "must_change_password") {
            lang.t(
                "đặt lại mật khẩu (phải đổi khi đăng nhập)",
                "reset the password (to be changed at the next sign-in)",
            )
            .into()
        } else {
            lang.t("đổi mật khẩu", "changed the password").into()
        });
    }
    let notify = |v: &Value| v.get("notify_email").and_then(Value::as_bool);
    if notify(before) != notify(after) {
        parts.push(
            lang.t(
                "đổi cách nhận thông báo qua email",
                "changed the email notices",
            )
            .into(),
        );
    }
    if parts.is_empty() {
        lang.t(
            "lưu tài khoản, không thay đổi gì",
            "saved the account without changes",
        )
        .into()
    } else {
        parts.join("; ")
    }
}
