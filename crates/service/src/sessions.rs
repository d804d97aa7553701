//! Signing in and out, and who is behind a token.

use tiendo_core::model::User;
use tiendo_core::policy::{Actor, Role};
use tiendo_core::text::fold;
use tiendo_core::time::{Micros, instant_rfc3339, now_micros};
use tiendo_store::{NewToken, Stamp};

use crate::input::TokenOutput;
use crate::sign_in_limits::{self, address_subject, username_subject};
use crate::{Result, Service, ServiceError, auth};

/// What a token is: a sign-in session or a long-lived API token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Session,
    Api,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Session => "session",
            TokenKind::Api => "api",
        }
    }
}

/// The actor behind a token, and what the token is.
#[derive(Debug, Clone)]
pub struct Session {
    pub actor: Actor,
    pub token_id: i64,
    pub kind: TokenKind,
    /// An administrator reset the password: nothing but choosing a new one (and
    /// signing out) is allowed until then.
    pub must_change_password: bool,
}

/// A token checked against the database recently: requests within
/// [`SESSION_CACHE_MICROS`] reuse the answer instead of a query each. Sign-out,
/// a revoked token and any change of a user clear it; a token past its expiry is
/// never served.
#[derive(Clone)]
pub(crate) struct CachedSession {
    session: Session,
    checked_at: Micros,
    expires_at: Option<Micros>,
}

const SESSION_CACHE_MICROS: Micros = 30_000_000;
const SESSION_CACHE_MAX: usize = 10_000;

impl Service {
    /// Signs in with a password; returns a bearer token valid for the session length.
    pub async fn login(&self, username: &str, password: &str) -> Result<(TokenOutput, User)> {
        self.login_from(username, password, None).await
    }

    /// [`Service::login`] from a client address, when the server knows it: failures
    /// are also counted per address (see [`sign_in_limits`]). While a username or
    /// an address must wait, the answer is [`ServiceError::TooMany`].
    pub async fn login_from(
        &self,
        username: &str,
        password: &str,
        client: Option<std::net::IpAddr>,
    ) -> Result<(TokenOutput, User)> {
        let by_name = username_subject(&fold(username.trim()));
        let by_address = client.map(|ip| address_subject(&ip));
        let now = now_micros();
        if let Some(a) = &by_address {
            self.check_sign_in_limit(a, sign_in_limits::PER_ADDRESS, now, "from this address")
                .await?;
        }
        self.check_sign_in_limit(
            &by_name,
            sign_in_limits::PER_USERNAME,
            now,
            "for this username",
        )
        .await?;
        let result = self.check_password(username, password).await;
        match &result {
            Err(ServiceError::Unauthenticated(reason)) => {
                self.count_sign_in_failure(&by_name, sign_in_limits::PER_USERNAME, now)
                    .await;
                if let Some(a) = &by_address {
                    self.count_sign_in_failure(a, sign_in_limits::PER_ADDRESS, now)
                        .await;
                }
                self.record_failed_sign_in(username, client, reason).await;
            }
            // An address's count stays: one valid account must not wash away the
            // guesses made on others from the same place.
            Ok(_) => self.forget_sign_in_failures(&by_name).await,
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
        self.store
            .create_token(
                &NewToken {
                    user_id: creds.id,
                    token_hash: auth::token_hash(&token),
                    label: "sign-in".into(),
                    kind: TokenKind::Session.as_str().into(),
                    expires_at: Some(expires),
                    session_id: None,
                },
                &Stamp::now(Some(creds.id)),
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
        Ok(self.session(token).await?.actor)
    }

    /// The actor behind a bearer token, and what the token is.
    pub async fn session(&self, token: &str) -> Result<Session> {
        let hash = auth::token_hash(token.trim());
        let now = now_micros();
        if let Ok(cache) = self.sessions.read()
            && let Some(hit) = cache.get(&hash)
            && now - hit.checked_at < SESSION_CACHE_MICROS
            && hit.expires_at.is_none_or(|e| e > now)
        {
            return Ok(hit.session.clone());
        }
        let holder = self.store.token_holder(&hash, now).await?.ok_or_else(|| {
            ServiceError::Unauthenticated("the token is unknown, expired or revoked".into())
        })?;
        let user = holder.user;
        let session = Session {
            actor: Actor {
                user_id: user.id,
                username: user.username,
                role: Role::parse(&user.role).unwrap_or(Role::Viewer),
                agency_id: user.agency_id,
            },
            token_id: holder.token_id,
            kind: if holder.kind == "session" {
                TokenKind::Session
            } else {
                TokenKind::Api
            },
            must_change_password: user.must_change_password,
        };
        if let Ok(mut cache) = self.sessions.write() {
            if cache.len() >= SESSION_CACHE_MAX {
                cache.clear();
            }
            cache.insert(
                hash,
                CachedSession {
                    session: session.clone(),
                    checked_at: now,
                    expires_at: holder.expires_at,
                },
            );
        }
        Ok(session)
    }

    /// Forgets every cached session (after a sign-out, a revoked token or a
    /// change of a user).
    pub(crate) fn forget_sessions(&self) {
        if let Ok(mut cache) = self.sessions.write() {
            cache.clear();
        }
    }

    /// Signs out: revokes `token`, and with `revoke_tokens` every API token the
    /// session made. Returns how many API tokens were revoked with it.
    pub async fn logout(&self, actor: &Actor, token: &str, revoke_tokens: bool) -> Result<usize> {
        self.forget_sessions();
        let stamp = Stamp::now(Some(actor.user_id));
        let revoked = self
            .store
            .revoke_token(&auth::token_hash(token.trim()), &stamp)
            .await?;
        let mut children = 0;
        if revoke_tokens && let Some(session_id) = revoked {
            children = self.store.revoke_session_tokens(session_id, &stamp).await?;
        }
        self.forget_sessions();
        Ok(children)
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
