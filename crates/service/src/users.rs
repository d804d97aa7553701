//! Signing in and out, tokens and sessions, and the users.

use tiendo_core::model::{Page, User};
use tiendo_core::policy::{Actor, Role, Write};
use tiendo_core::text::fold;
use tiendo_core::time::{Micros, instant_rfc3339, now_micros};
use tiendo_store::{NewUser, Stamp, UserPatch};

use crate::input::{ApiTokenInput, TokenOutput, UserInput, UserPatchInput};
use crate::{PageRequest, Result, Service, ServiceError, auth, non_empty, optional, page, require};

/// A token checked against the database recently: requests within
/// [`SESSION_CACHE_MICROS`] reuse the answer instead of a query each. Sign-out,
/// and any change of a user, clear it; a token past its expiry is never served.
#[derive(Clone)]
pub(crate) struct CachedSession {
    actor: Actor,
    checked_at: Micros,
    expires_at: Option<Micros>,
}

/// The username of the system user (made by migration 15; no one signs in as it).
pub const SYSTEM_USERNAME: &str = "system";

const SESSION_CACHE_MICROS: Micros = 30_000_000;
const SESSION_CACHE_MAX: usize = 10_000;

impl Service {
    /// Signs in with a password; returns a bearer token valid for the session length.
    pub async fn login(&self, username: &str, password: &str) -> Result<(TokenOutput, User)> {
        self.login_from(username, password, None).await
    }

    /// [`Service::login`] from a client address, when the server knows it: failures
    /// are also counted per address (see [`sign_in_limits`](crate::sign_in_limits)).
    pub async fn login_from(
        &self,
        username: &str,
        password: &str,
        client: Option<std::net::IpAddr>,
    ) -> Result<(TokenOutput, User)> {
        let key = fold(username);
        let now = now_micros();
        if let Some(wait) = client.and_then(|ip| self.failed_by_address.wait(&ip, now)) {
            return Err(ServiceError::Unauthenticated(format!(
                "too many failed sign-ins from this address; try again in {wait} s"
            )));
        }
        if let Some(wait) = self.failed_by_username.wait(&key, now) {
            return Err(ServiceError::Unauthenticated(format!(
                "too many failed sign-ins for this username; try again in {wait} s"
            )));
        }
        let result = self.check_password(username, password).await;
        match &result {
            Err(ServiceError::Unauthenticated(reason)) => {
                self.failed_by_username.failed(key, now);
                if let Some(ip) = client {
                    self.failed_by_address.failed(ip, now);
                }
                self.record_failed_sign_in(username, client, reason).await;
            }
            // An address's count stays: one valid account must not wash away the
            // guesses made on others from the same place.
            Ok(_) => self.failed_by_username.forget(&key),
            Err(_) => {}
        }
        result
    }

    async fn check_password(&self, username: &str, password: &str) -> Result<(TokenOutput, User)> {
        let creds = self.store.user_credentials(username.trim()).await?;
        let valid = match &creds {
            Some(c) if c.active => {
                auth::verify_password(password.to_string(), c.password_hash.clone()).await
            }
            _ => {
                // Same work for unknown users, so timing does not reveal usernames.
                let _ = auth::verify_password(password.to_string(), dummy_hash().await).await;
                false
            }
        };
        let Some(creds) = creds.filter(|_| valid) else {
            return Err(ServiceError::Unauthenticated(
                "wrong username or password".into(),
            ));
        };
        let token = auth::new_token()?;
        let expires = now_micros() + self.config.session_hours * 3_600_000_000;
        let stamp = Stamp::now(Some(creds.id));
        self.store
            .create_token(
                creds.id,
                &auth::token_hash(&token),
                "sign-in",
                Some(expires),
                &stamp,
            )
            .await?;
        let user = self
            .store
            .get_user(creds.id)
            .await?
            .ok_or(ServiceError::NotFound("user".into()))?;
        Ok((
            TokenOutput {
                token,
                expires_at: Some(instant_rfc3339(expires)),
            },
            user,
        ))
    }

    /// The actor behind a bearer token.
    pub async fn authenticate(&self, token: &str) -> Result<Actor> {
        let hash = auth::token_hash(token.trim());
        let now = now_micros();
        if let Ok(cache) = self.sessions.read()
            && let Some(hit) = cache.get(&hash)
            && now - hit.checked_at < SESSION_CACHE_MICROS
            && hit.expires_at.is_none_or(|e| e > now)
        {
            return Ok(hit.actor.clone());
        }
        let user = self.store.token_user(&hash, now).await?.ok_or_else(|| {
            ServiceError::Unauthenticated("the token is unknown, expired or revoked".into())
        })?;
        let actor = Actor {
            user_id: user.id,
            username: user.username,
            role: Role::parse(&user.role).unwrap_or(Role::Viewer),
            agency_id: user.agency_id,
        };
        if let Ok(mut cache) = self.sessions.write() {
            if cache.len() >= SESSION_CACHE_MAX {
                cache.clear();
            }
            cache.insert(
                hash,
                CachedSession {
                    actor: actor.clone(),
                    checked_at: now,
                    expires_at: user.expires_at,
                },
            );
        }
        Ok(actor)
    }

    /// Forgets every cached session (after a sign-out or a change of a user).
    fn forget_sessions(&self) {
        if let Ok(mut cache) = self.sessions.write() {
            cache.clear();
        }
    }

    pub async fn logout(&self, actor: &Actor, token: &str) -> Result<()> {
        self.forget_sessions();
        self.store
            .revoke_token(
                &auth::token_hash(token.trim()),
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        Ok(())
    }

    /// A long-lived API token for another system, shown once.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        input: &ApiTokenInput,
    ) -> Result<TokenOutput> {
        let label = non_empty("label", &input.label, 200)?;
        let expires = match input.days {
            Some(d) if !(1..=3650).contains(&d) => {
                return Err(ServiceError::invalid("days", "must be between 1 and 3650"));
            }
            Some(d) => Some(now_micros() + d * 86_400_000_000),
            None => None,
        };
        let token = auth::new_token()?;
        self.store
            .create_token(
                actor.user_id,
                &auth::token_hash(&token),
                &label,
                expires,
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        Ok(TokenOutput {
            token,
            expires_at: expires.map(instant_rfc3339),
        })
    }

    /// Creates a user. `actor` is `None` only for the command line on the server
    /// itself (whoever can run it owns the database).
    pub async fn create_user(&self, actor: Option<&Actor>, input: &UserInput) -> Result<User> {
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
        auth::check_password_rules(&input.password)?;
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
                },
                &Stamp::now(actor.map(|a| a.user_id)),
            )
            .await?;
        Ok(user)
    }

    pub async fn update_user(
        &self,
        actor: &Actor,
        id: i64,
        input: &UserPatchInput,
    ) -> Result<User> {
        // Anyone may change their own password; everything else is the office's.
        let own_password_only = actor.user_id == id
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
        let hash = match &input.password {
            Some(p) => {
                auth::check_password_rules(p)?;
                Some(auth::hash_password(p.clone()).await?)
            }
            None => None,
        };
        let display = match &input.display_name {
            Some(d) => Some(optional("display_name", Some(d), 200)?),
            None => None,
        };
        let patch = UserPatch {
            display_name: display,
            role,
            agency_id: agency,
            active: input.active,
            password_hash: hash,
        };
        let user = self
            .store
            .update_user(id, &patch, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.forget_sessions();
        Ok(user)
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

    pub async fn list_users(&self, actor: &Actor, p: PageRequest) -> Result<Page<User>> {
        let only = (actor.role != Role::Admin).then_some(actor.user_id);
        let (items, total) = self.store.list_users(p.page, p.per_page, only).await?;
        Ok(page(items, total, p))
    }
}

/// An Argon2id hash of a random password, verified against when the username is
/// unknown so that a failed sign-in always costs the same (no timing oracle for
/// which usernames exist). Made once, on the first such sign-in.
async fn dummy_hash() -> String {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_init(|| async {
            let random = auth::new_token().unwrap_or_default();
            auth::hash_password(random).await.unwrap_or_default()
        })
        .await
        .clone()
}
