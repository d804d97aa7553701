//! The users: made, changed (passwords included), listed.

use tiendo_core::model::{Page, User};
use tiendo_core::policy::{Actor, Role, Write};
use tiendo_core::text::fold;
use tiendo_core::time::now_micros;
use tiendo_store::{NewUser, Stamp, UserPatch};

use crate::input::{UserInput, UserPatchInput};
use crate::sessions::Session;
use crate::sign_in_limits::{self, username_subject};
use crate::{
    PageRequest, Result, Service, ServiceError, auth, non_empty, optional, page, passwords, require,
};

/// The username of the system user (made by migration 15; no one signs in as it).
pub const SYSTEM_USERNAME: &str = "system";

impl Service {
    /// Creates a user. `actor` is `None` only for the command line on the server
    /// itself (whoever can run it owns the database).
    pub async fn create_user(&self, actor: Option<&Actor>, input: &UserInput) -> Result<User> {
        self.make_user(actor, input, false).await
    }

    /// Creates a user with a generated one-time password (the office's user
    /// pages): `input.password` is ignored; the password is given back, to be
    /// shown once, and only its hash is kept. The user must choose their own
    /// password at the first sign-in.
    pub async fn create_user_with_one_time_password(
        &self,
        actor: &Actor,
        input: &UserInput,
    ) -> Result<(User, String)> {
        require(actor, Write::ManageUsers)?;
        let password = crate::setup::generated_password()?;
        let input = UserInput {
            password: password.clone(),
            ..input.clone()
        };
        let user = self.make_user(Some(actor), &input, true).await?;
        Ok((user, password))
    }

    async fn make_user(
        &self,
        actor: Option<&Actor>,
        input: &UserInput,
        must_change_password: bool,
    ) -> Result<User> {
        if let Some(actor) = actor {
            require(actor, Write::ManageUsers)?;
        }
        let username = non_empty("username", &input.username, 64)?;
        if !username
            .chars()
            .all(|c| c.is_alphanumeric() || "._-@".contains(c))
        {
            return Err(ServiceError::invalid(
                "username",
                "may contain letters, digits and . _ - @ only",
            ));
        }
        if let Some(existing) = self.store.username_ignoring_case(&username).await? {
            return Err(ServiceError::invalid(
                "username",
                format!(
                    "is already taken: “{existing}” exists (usernames are the same whatever their case)"
                ),
            ));
        }
        passwords::check(&input.password, &username)?;
        let role = Role::parse(&input.role)
            .ok_or_else(|| ServiceError::invalid("role", "must be admin, focal or viewer"))?;
        let agency_id = match (&input.agency, role) {
            (Some(a), _) => Some(self.resolve_agency("agency", a, None)?.id),
            (None, Role::Focal) => {
                return Err(ServiceError::invalid(
                    "agency",
                    "a focal point needs an agency",
                ));
            }
            (None, _) => None,
        };
        let hash = auth::hash_password(input.password.clone()).await?;
        let user = self
            .store
            .create_user(
                &NewUser {
                    username,
                    display_name: optional("display_name", input.display_name.as_deref(), 200)?,
                    password_hash: hash,
                    role: role.as_str().into(),
                    agency_id,
                    email: match input.email.as_deref() {
                        Some(e) if !e.trim().is_empty() => Some(email_address(e)?),
                        _ => None,
                    },
                    must_change_password,
                },
                &Stamp::now(actor.map(|a| a.user_id)),
            )
            .await?;
        Ok(user)
    }

    /// Changes a user. Anyone may change their own password, giving the current
    /// one (their other sessions and tokens are revoked, this one stays);
    /// everything else is the office's. An administrator who sets another
    /// user's password signs that user out everywhere and makes them choose a
    /// new one at their next sign-in.
    pub async fn update_user(
        &self,
        session: &Session,
        id: i64,
        input: &UserPatchInput,
    ) -> Result<User> {
        let actor = &session.actor;
        let own = actor.user_id == id;
        // What users may change of their own: password, email and channels.
        let own_password_only = own
            && input.role.is_none()
            && input.agency.is_none()
            && input.active.is_none()
            && input.display_name.is_none();
        if !own_password_only {
            require(actor, Write::ManageUsers)?;
        }
        if id == self.system.user_id {
            return Err(ServiceError::Forbidden(
                "the system user cannot be changed: it acts for the system, and no one signs in as it".into(),
            ));
        }
        let target = self
            .store
            .get_user(id)
            .await?
            .ok_or(ServiceError::NotFound("user".into()))?;
        let role = match &input.role {
            Some(r) => Some(
                Role::parse(r)
                    .ok_or_else(|| ServiceError::invalid("role", "must be admin, focal or viewer"))?
                    .as_str()
                    .to_string(),
            ),
            None => None,
        };
        let agency = match &input.agency {
            Some(a) if a.trim().is_empty() => Some(None),
            Some(a) => Some(Some(self.resolve_agency("agency", a, None)?.id)),
            None => None,
        };
        let (hash, must_change, keep_token_id) = match &input.password {
            Some(p) if own => {
                let current = input.current_password.as_deref().unwrap_or("");
                if current.is_empty() {
                    return Err(ServiceError::invalid(
                        "current_password",
                        "give your current password to change it",
                    ));
                }
                self.check_current_password(&target.username, current)
                    .await?;
                if current == p {
                    return Err(ServiceError::invalid(
                        "password",
                        "must differ from the current one",
                    ));
                }
                passwords::check(p, &target.username)?;
                let hash = auth::hash_password(p.clone()).await?;
                (Some(hash), Some(false), Some(session.token_id))
            }
            Some(p) => {
                passwords::check(p, &target.username)?;
                let hash = auth::hash_password(p.clone()).await?;
                (Some(hash), Some(true), None)
            }
            None => (None, None, None),
        };
        let display = match &input.display_name {
            Some(d) => Some(optional("display_name", Some(d), 200)?),
            None => None,
        };
        let email = match input.email.as_deref() {
            Some(e) if e.trim().is_empty() => Some(None),
            Some(e) => Some(Some(email_address(e)?)),
            None => None,
        };
        // A focal point speaks for an agency: the rule of `create_user` holds for
        // changes too (making someone a focal point, or taking their agency away).
        let role_after = role.as_deref().unwrap_or(&target.role);
        let agency_after = agency.unwrap_or(target.agency_id);
        if (role.is_some() || agency.is_some())
            && role_after == Role::Focal.as_str()
            && agency_after.is_none()
        {
            return Err(ServiceError::invalid(
                "agency",
                "a focal point needs an agency",
            ));
        }
        let patch = UserPatch {
            display_name: display,
            role,
            agency_id: agency,
            active: input.active,
            password_hash: hash,
            must_change_password: must_change,
            keep_token_id,
            email,
            notify_email: input.notify_email,
        };
        let user = self
            .store
            .update_user(id, &patch, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.forget_sessions();
        Ok(user)
    }

    /// Sets a user's password from the server's command line (`tiendo user
    /// reset-password`): as an administrator's reset, the user is signed out
    /// everywhere and must choose a new password at the next sign-in.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        username: &str,
        password: &str,
    ) -> Result<User> {
        require(actor, Write::ManageUsers)?;
        let creds = self
            .store
            .user_credentials(username.trim())
            .await?
            .ok_or_else(|| {
                ServiceError::invalid("username", format!("no user '{}'", username.trim()))
            })?;
        if creds.id == self.system.user_id {
            return Err(ServiceError::Forbidden(
                "the system user has no password: no one signs in as it".into(),
            ));
        }
        passwords::check(password, &creds.username)?;
        let patch = UserPatch {
            password_hash: Some(auth::hash_password(password.to_string()).await?),
            must_change_password: Some(true),
            ..UserPatch::default()
        };
        let user = self
            .store
            .update_user(creds.id, &patch, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.forget_sessions();
        Ok(user)
    }

    /// Resets user `id`'s password to a generated one-time password (the
    /// office's user pages), given back to be shown once: as
    /// [`Service::reset_password`], the user is signed out everywhere and must
    /// choose a new password at the next sign-in.
    pub async fn reset_to_one_time_password(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<(User, String)> {
        require(actor, Write::ManageUsers)?;
        let user = self.get_user(actor, id).await?;
        let password = crate::setup::generated_password()?;
        let user = self
            .reset_password(actor, &user.username, &password)
            .await?;
        Ok((user, password))
    }

    /// Checks the password a signed-in user gives to change it, under the same
    /// limits as signing in (a stolen session must not become a guessing oracle).
    async fn check_current_password(&self, username: &str, password: &str) -> Result<()> {
        let subject = username_subject(&fold(username));
        let now = now_micros();
        self.check_sign_in_limit(
            &subject,
            sign_in_limits::PER_USERNAME,
            now,
            "for this username",
        )
        .await?;
        let creds = self
            .store
            .user_credentials(username)
            .await?
            .ok_or(ServiceError::NotFound("user".into()))?;
        if auth::verify_password(password.to_string(), creds.password_hash).await {
            return Ok(());
        }
        self.count_sign_in_failure(&subject, sign_in_limits::PER_USERNAME, now)
            .await;
        self.record_failed_sign_in(username, None, "wrong current password when changing it")
            .await;
        Err(ServiceError::invalid(
            "current_password",
            "is not your current password",
        ))
    }

    /// The actor a command line names with `--as USERNAME`: an active user, with
    /// its role and agency; `system` is the system user.
    pub async fn actor_named(&self, username: &str) -> Result<Actor> {
        let username = username.trim();
        if username == SYSTEM_USERNAME {
            return Ok(self.system_actor());
        }
        let user = self
            .store
            .user_credentials(username)
            .await?
            .filter(|u| u.active)
            .ok_or_else(|| ServiceError::invalid("as", format!("no active user '{username}'")))?;
        Ok(Actor {
            user_id: user.id,
            username: user.username,
            role: Role::parse(&user.role).unwrap_or(Role::Viewer),
            agency_id: user.agency_id,
        })
    }

    pub async fn get_user(&self, actor: &Actor, id: i64) -> Result<User> {
        if actor.role != Role::Admin && actor.user_id != id {
            return Err(ServiceError::Forbidden(
                "only the standing office sees other users".into(),
            ));
        }
        self.store
            .get_user(id)
            .await?
            .ok_or(ServiceError::NotFound("user".into()))
    }

    /// The accounts the office manages (`/nguoi-dung`): all but the system user,
    /// oldest first, those whose username, name, email or agency contain every
    /// word of `query` folded (accents, đ and case do not matter). The office's only.
    pub async fn find_users(
        &self,
        actor: &Actor,
        query: &str,
        p: PageRequest,
    ) -> Result<Page<User>> {
        if actor.role != Role::Admin {
            return Err(ServiceError::Forbidden(
                "only the standing office manages users".into(),
            ));
        }
        let key = fold(query);
        let words: Vec<&str> = key.split_whitespace().collect();
        let mut all = Vec::new();
        for n in 1.. {
            let (items, total) = self.store.list_users(n, 1000, None).await?;
            let got = items.len();
            all.extend(items);
            if got == 0 || all.len() as i64 >= total {
                break;
            }
        }
        let found: Vec<User> = all
            .into_iter()
            .filter(|u| u.id != self.system.user_id)
            .filter(|u| {
                words.is_empty() || {
                    let hay = fold(&format!(
                        "{} {} {} {}",
                        u.username,
                        u.display_name.as_deref().unwrap_or(""),
                        u.email.as_deref().unwrap_or(""),
                        u.agency_id.map(|a| self.agency_name(a)).unwrap_or_default()
                    ));
                    words.iter().all(|w| hay.contains(w))
                }
            })
            .collect();
        let total = found.len() as i64;
        let per = p.per_page.clamp(1, 1000);
        let skip = (p.page.max(1) - 1).saturating_mul(per);
        let items = found
            .into_iter()
            .skip(usize::try_from(skip).unwrap_or(usize::MAX))
            .take(per as usize)
            .collect();
        Ok(page(items, total, p))
    }

    pub async fn list_users(&self, actor: &Actor, p: PageRequest) -> Result<Page<User>> {
        let only = (actor.role != Role::Admin).then_some(actor.user_id);
        let (items, total) = self.store.list_users(p.page, p.per_page, only).await?;
        Ok(page(items, total, p))
    }
}

/// An email address as users type it: trimmed, one `@`, a dotted domain, no
/// spaces; enough to catch typing slips (the mail server has the last word).
pub(crate) fn email_address(text: &str) -> Result<String> {
    let e = text.trim();
    let bad = |why: &str| Err(ServiceError::invalid("email", why.to_string()));
    if e.len() > 254 {
        return bad("is too long (254 characters at most)");
    }
    if e.chars()
        .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
    {
        return bad("must be one address, without spaces");
    }
    let Some((local, domain)) = e.split_once('@') else {
        return bad("must look like name@domain.gov.vn");
    };
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
    {
        return bad("must look like name@domain.gov.vn");
    }
    Ok(e.to_string())
}

#[cfg(test)]
mod email_tests {
    use super::email_address;

    #[test]
    fn addresses_are_checked_for_typing_slips() {
        assert_eq!(
            email_address(" dau.moi@moh.gov.vn ").unwrap(),
            "dau.moi@moh.gov.vn"
        );
        for bad in [
            "dau moi@moh.gov.vn",
            "moh.gov.vn",
            "a@b",
            "a@@b.vn",
            "@b.vn",
            "a@b.vn, c@d.vn",
        ] {
            assert!(email_address(bad).is_err(), "{bad}");
        }
    }
}
