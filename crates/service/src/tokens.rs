//! Long-lived API tokens for other systems (issue 15, docs/security.md): only
//! for the roles the token policy allows (by default the administrators), never
//! longer than its longest lifetime (by default 90 days), made only from a
//! sign-in session (a token cannot make tokens), listed and revoked by their
//! owner and the administrators.

use tiendo_core::model::{ApiToken, TokenPolicy};
use tiendo_core::policy::{Actor, Role, Write};
use tiendo_core::time::{instant_rfc3339, now_micros};
use tiendo_store::{NewToken, Stamp};

use crate::input::{ApiTokenInput, TokenOutput};
use crate::sessions::{Session, TokenKind};
use crate::{Result, Service, ServiceError, auth, non_empty, require};

/// The longest lifetime an administrator may set, in days.
pub const POLICY_MAX_DAYS: i64 = 365;

impl Service {
    /// A long-lived API token, shown once.
    pub async fn create_api_token(
        &self,
        session: &Session,
        input: &ApiTokenInput,
    ) -> Result<TokenOutput> {
        let actor = &session.actor;
        if session.kind != TokenKind::Session {
            return Err(ServiceError::Forbidden(
                "an API token cannot make tokens; sign in with a password to make one".into(),
            ));
        }
        let policy = self.store.token_policy().await?;
        if !policy.roles.iter().any(|r| r == actor.role.as_str()) {
            return Err(ServiceError::Forbidden(format!(
                "the token policy does not allow API tokens for the role {}; the standing office sets it",
                actor.role.as_str()
            )));
        }
        let label = non_empty("label", &input.label, 200)?;
        let days = input.days.unwrap_or(policy.max_days);
        if !(1..=policy.max_days).contains(&days) {
            return Err(ServiceError::invalid(
                "days",
                format!(
                    "must be between 1 and {} (the token policy's longest lifetime)",
                    policy.max_days
                ),
            ));
        }
        let expires = now_micros() + days * 86_400_000_000;
        let token = auth::new_token()?;
        self.store
            .create_token(
                &NewToken {
                    user_id: actor.user_id,
                    token_hash: auth::token_hash(&token),
                    label,
                    kind: TokenKind::Api.as_str().into(),
                    expires_at: Some(expires),
                    session_id: Some(session.token_id),
                },
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        Ok(TokenOutput {
            token,
            expires_at: Some(instant_rfc3339(expires)),
        })
    }

    /// API tokens, newest first, with live sign-in sessions when `sessions`:
    /// one's own, or for an administrator anyone's (`user`) or everyone's.
    pub async fn list_tokens(
        &self,
        actor: &Actor,
        user: Option<i64>,
        sessions: bool,
    ) -> Result<Vec<ApiToken>> {
        let user = match (actor.role, user) {
            (Role::Admin, u) => u,
            (_, Some(u)) if u != actor.user_id => {
                return Err(ServiceError::Forbidden(
                    "only the standing office sees other users' tokens".into(),
                ));
            }
            _ => Some(actor.user_id),
        };
        Ok(self.store.list_tokens(user, sessions, now_micros()).await?)
    }

    /// Revokes a token (an API token or a session): its owner's or, for an
    /// administrator, anyone's. Revoking a revoked token is a conflict.
    pub async fn revoke_token(&self, actor: &Actor, id: i64) -> Result<ApiToken> {
        let token = self
            .store
            .get_token(id)
            .await?
            .ok_or(ServiceError::NotFound("token".into()))?;
        if token.user_id != actor.user_id && actor.role != Role::Admin {
            // Another user's token is not even confirmed to exist.
            return Err(ServiceError::NotFound("token".into()));
        }
        if !self
            .store
            .revoke_token_id(id, &Stamp::now(Some(actor.user_id)))
            .await?
        {
            return Err(ServiceError::Conflict(
                "this token was already revoked".into(),
            ));
        }
        self.forget_sessions();
        self.store
            .get_token(id)
            .await?
            .ok_or(ServiceError::NotFound("token".into()))
    }

    pub async fn token_policy(&self) -> Result<TokenPolicy> {
        Ok(self.store.token_policy().await?)
    }

    /// Changes the token policy (administrators). Tokens it no longer allows stop
    /// working at once: those of roles taken out are revoked, and those living
    /// longer than the new longest lifetime are cut to it.
    pub async fn set_token_policy(
        &self,
        actor: &Actor,
        policy: &TokenPolicy,
    ) -> Result<TokenPolicy> {
        require(actor, Write::ManageUsers)?;
        let mut roles: Vec<String> = Vec::new();
        for r in &policy.roles {
            let role = Role::parse(r.trim()).ok_or_else(|| {
                ServiceError::invalid(
                    "roles",
                    format!("'{r}' is not a role (admin, focal, viewer)"),
                )
            })?;
            if !roles.iter().any(|x| x == role.as_str()) {
                roles.push(role.as_str().to_string());
            }
        }
        if !(1..=POLICY_MAX_DAYS).contains(&policy.max_days) {
            return Err(ServiceError::invalid(
                "max_days",
                format!("must be between 1 and {POLICY_MAX_DAYS}"),
            ));
        }
        let policy = TokenPolicy {
            roles,
            max_days: policy.max_days,
        };
        self.store
            .set_token_policy(&policy, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.forget_sessions();
        Ok(policy)
    }
}
