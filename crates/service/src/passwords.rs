//! What a password must be (issue 15, docs/security.md): at least 12 characters,
//! at most 256 (hashing stays quick), not only spaces, not the username, not one
//! character repeated, and not one of the 10,000 most common passwords (shipped in
//! `data/passwords`, compared ignoring case), nor one of them repeated
//! ("abc123abc123").

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::error::{Result, ServiceError};

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 256;

static COMMON: &str = include_str!("../../../data/passwords/common-10000.txt");

fn common() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON
            .lines()
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty())
            .collect()
    })
}

/// Whether `password` (ignoring case and surrounding spaces) is a common one or
/// a common one said again and again.
pub fn is_common(password: &str) -> bool {
    let p = password.trim().to_lowercase();
    if common().contains(&p) {
        return true;
    }
    let chars: Vec<char> = p.chars().collect();
    (1..=chars.len() / 2).any(|len| {
        chars.len().is_multiple_of(len)
            && chars.chunks(len).all(|c| c == &chars[..len])
            && common().contains(&chars[..len].iter().collect::<String>())
    })
}

/// Checks a new password; `username` is the account's.
pub fn check(password: &str, username: &str) -> Result<()> {
    let n = password.chars().count();
    let bad = |m: &str| Err(ServiceError::invalid("password", m));
    if n < MIN_CHARS {
        return bad("must have at least 12 characters");
    }
    if n > MAX_CHARS {
        return bad("must have at most 256 characters");
    }
    if password.trim().is_empty() {
        return bad("must not be only spaces");
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return bad("must not be one character repeated");
    }
    if !username.trim().is_empty()
        && password.trim().to_lowercase() == username.trim().to_lowercase()
    {
        return bad("must not be the username");
    }
    if is_common(password) {
        return bad("is one of the most common passwords; choose another");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_shipped_whole() {
        assert_eq!(COMMON.lines().count(), 10_000);
        assert!(common().len() > 9_900, "{}", common().len());
        assert!(is_common("PASSWORD"), "case is ignored");
        assert!(is_common("123qweasdzxc"));
        assert!(is_common("abc123abc123"), "a common one repeated");
        assert!(!is_common("mật khẩu của văn phòng"));
    }

    #[test]
    fn weak_passwords_are_refused_with_the_reason() {
        let reason = |p: &str| match check(p, "bo.yte") {
            Err(ServiceError::Invalid { field, message }) => {
                assert_eq!(field, "password");
                message
            }
            other => panic!("{p:?} was not refused: {other:?}"),
        };
        assert!(reason("12345678").contains("at least 12"));
        assert!(reason("            ").contains("only spaces"));
        assert!(reason("aaaaaaaaaaaaaa").contains("repeated"));
        assert!(reason("qwerty123456").contains("most common"));
        assert!(reason("1q2w3e4r5t6y").contains("most common"));
        assert!(reason("passwordpassword").contains("most common"));
        assert!(reason(&"x".repeat(257)).contains("at most 256"));
        assert!(
            matches!(check("Bo.Yte.Dau.Moi", "bo.yte.dau.moi"), Err(ServiceError::Invalid { message, .. }) if message.contains("username"))
        );
        assert!(check("Bo.Yte.2026!", "bo.yte").is_ok());
        assert!(
            check("mật khẩu tốt", "bo.yte").is_ok(),
            "12 letters of Vietnamese"
        );
        assert!(check("sông Hồng chảy qua", "bo.yte").is_ok());
    }
}
