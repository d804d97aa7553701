//! The first run. A new installation has no account but the `system` user, which
//! no one signs in as: `serve` then asks for a one-time setup link that lets the
//! first administrator choose a name and a password, and prints it in its log
//! (only whoever runs the server sees it). With the demo data it also makes one
//! demo account of each role, with passwords generated and printed once.
//!
//! The setup secret lives only in the memory of the process that printed it: a
//! restart prints a new one, and it dies with its first use or once any account
//! exists.

use std::sync::Mutex;

use tiendo_core::model::User;

use crate::input::UserInput;
use crate::users::SYSTEM_USERNAME;
use crate::{Result, Service, ServiceError};

/// The setup secret of this process (a hex string), while it is unused.
#[derive(Default)]
pub(crate) struct SetupSecret(Mutex<Option<String>>);

/// A demo account made with the demo data, its password in clear to be printed
/// once.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub password: String,
    pub role: &'static str,
    /// The agency of a focal point.
    pub agency: Option<&'static str>,
    pub display_name: &'static str,
}

/// The demo accounts: the standing office, a focal point of the ministry with the
/// most of the demo's Project 06 work, a leader who reads.
const DEMO_ACCOUNTS: [(&str, &str, Option<&str>, &str); 3] = [
    (
        "demo.vanphong",
        "admin",
        None,
        "Văn phòng thường trực (dùng thử)",
    ),
    (
        "demo.bocongan",
        "focal",
        Some("Bộ Công an"),
        "Đầu mối Bộ Công an (dùng thử)",
    ),
    ("demo.lanhdao", "viewer", None, "Lãnh đạo (dùng thử)"),
];

/// Letters and digits that cannot be mistaken for one another when read off a
/// terminal (no 0/o, 1/l/i).
const PASSWORD_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A random password of four groups of five ("k7mqa-…"): 23 characters, about 98
/// bits. Also the one-time password the office's user pages give a new or reset
/// account (shown once, never stored in clear).
pub(crate) fn generated_password() -> Result<String> {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let mut out = String::with_capacity(23);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 5 == 0 {
            out.push('-');
        }
        out.push(PASSWORD_ALPHABET[*b as usize % PASSWORD_ALPHABET.len()] as char);
    }
    Ok(out)
}

impl Service {
    /// Whether any account exists besides the `system` user.
    pub async fn has_accounts(&self) -> Result<bool> {
        let (users, total) = self.store.list_users(1, 2, None).await?;
        Ok(total > 1 || users.iter().any(|u| u.username != SYSTEM_USERNAME))
    }

    /// Makes this process's one-time setup secret, when no account exists yet
    /// (None otherwise). The caller prints the link `/thiet-lap?ma=SECRET`.
    pub async fn begin_setup(&self) -> Result<Option<String>> {
        if self.has_accounts().await? {
            return Ok(None);
        }
        let mut bytes = [0u8; 24];
        getrandom::fill(&mut bytes).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let secret = hex::encode(bytes);
        *self.setup.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(secret.clone());
        Ok(Some(secret))
    }

    /// Whether a setup link is waiting to be used (the sign-in page then says
    /// where to find it).
    pub fn setup_pending(&self) -> bool {
        self.setup
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Whether `secret` is this process's unused setup secret.
    pub fn setup_secret_valid(&self, secret: &str) -> bool {
        let held = self.setup.0.lock().unwrap_or_else(|p| p.into_inner());
        held.as_deref().is_some_and(|h| same(h, secret))
    }

    /// Creates the first administrator with the setup secret, which is then spent.
    /// Refused with a wrong or spent secret, or once an account (other than the
    /// demo's) exists: the link makes one account, the first.
    pub async fn complete_setup(
        &self,
        secret: &str,
        username: &str,
        password: &str,
        display_name: Option<&str>,
    ) -> Result<User> {
        // Hold the secret while checking and creating, so two submissions of one
        // link make one account.
        let taken = {
            let mut held = self.setup.0.lock().unwrap_or_else(|p| p.into_inner());
            match held.as_deref() {
                Some(h) if same(h, secret) => held.take(),
                _ => None,
            }
        };
        let Some(taken) = taken else {
            return Err(ServiceError::Forbidden(
                "this setup link is not valid (already used, or from an earlier start of the server): restart tiendo serve for a new one, or ask an administrator for an account".into(),
            ));
        };
        let input = UserInput {
            username: username.to_string(),
            password: password.to_string(),
            role: "admin".into(),
            agency: None,
            display_name: display_name
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(String::from),
            email: None,
        };
        match self.create_user(None, &input).await {
            Ok(user) => Ok(user),
            Err(e) => {
                // A bad name or password: the link stays usable for a second try.
                *self.setup.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(taken);
                Err(e)
            }
        }
    }

    /// Makes the demo accounts (one per role) when they do not exist, and returns
    /// them with their passwords; the passwords are not kept anywhere else.
    pub async fn create_demo_accounts(&self) -> Result<Vec<DemoAccount>> {
        let mut out = Vec::new();
        for (username, role, agency, display_name) in DEMO_ACCOUNTS {
            let password = generated_password()?;
            let input = UserInput {
                username: username.into(),
                password: password.clone(),
                role: role.into(),
                agency: agency.map(String::from),
                display_name: Some(display_name.into()),
                email: None,
            };
            match self.create_user(None, &input).await {
                Ok(_) => out.push(DemoAccount {
                    username: username.into(),
                    password,
                    role,
                    agency,
                    display_name,
                }),
                // Already made on an earlier start: its password was printed then.
                Err(ServiceError::Conflict(_)) => {}
                Err(ServiceError::Invalid { field, .. }) if field == "username" => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}

/// Compares without an early exit.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_distinct_and_unambiguous() {
        let a = generated_password().unwrap();
        let b = generated_password().unwrap();
        assert_eq!(a.chars().count(), 23);
        assert_ne!(a, b);
        assert_eq!(a.matches('-').count(), 3);
        assert!(
            a.chars()
                .all(|c| c == '-' || PASSWORD_ALPHABET.contains(&(c as u8)))
        );
    }
}
