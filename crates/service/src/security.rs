//! The security log (docs/audit.md): failed sign-ins, refused permissions and
//! token creation, for the standing office to read.

use tiendo_core::model::{Page, SecurityEvent};
use tiendo_core::policy::{Actor, Role};
use tiendo_core::time::now_micros;
use tiendo_store::{NewSecurityEvent, SecurityFilter};

use crate::{PageRequest, Result, Service, ServiceError, page};

/// The kinds of entries.
pub const SIGN_IN_FAILED: &str = "sign_in_failed";
pub const PERMISSION_REFUSED: &str = "permission_refused";
pub const TOKEN_CREATED: &str = "token_created";

/// Longest text kept of a username, an action or a reason.
const MAX_TEXT: usize = 500;

fn clip(text: &str) -> String {
    text.chars().take(MAX_TEXT).collect()
}

impl Service {
    /// Records a refused permission: who (when signed in), what they tried, why.
    /// A failure to record is logged, never turned into another error for the
    /// request (the refusal stands either way).
    pub async fn record_refusal(
        &self,
        actor: Option<&Actor>,
        action: &str,
        reason: &str,
        client: Option<std::net::IpAddr>,
    ) {
        self.record_security(NewSecurityEvent {
            kind: PERMISSION_REFUSED.into(),
            at: now_micros(),
            actor_id: actor.map(|a| a.user_id).filter(|id| *id > 0),
            username: actor.map(|a| clip(&a.username)),
            client: client.map(|c| c.to_string()),
            action: clip(action),
            detail: clip(reason),
        })
        .await;
    }

    /// Records a failed sign-in: the username tried and the client's address.
    pub(crate) async fn record_failed_sign_in(
        &self,
        username: &str,
        client: Option<std::net::IpAddr>,
        reason: &str,
    ) {
        self.record_security(NewSecurityEvent {
            kind: SIGN_IN_FAILED.into(),
            at: now_micros(),
            actor_id: None,
            username: Some(clip(username.trim())),
            client: client.map(|c| c.to_string()),
            action: "sign in".into(),
            detail: clip(reason),
        })
        .await;
    }

    async fn record_security(&self, e: NewSecurityEvent) {
        if let Err(err) = self.store.record_security_event(&e).await {
            tracing::error!(kind = %e.kind, error = %err, "cannot record a security event");
        }
    }

    /// The security log, newest first; the standing office's only.
    pub async fn security_log(
        &self,
        actor: &Actor,
        kind: Option<String>,
        p: PageRequest,
    ) -> Result<Page<SecurityEvent>> {
        if actor.role != Role::Admin {
            return Err(ServiceError::Forbidden(
                "the security log is the standing office's".into(),
            ));
        }
        if let Some(k) = &kind
            && ![SIGN_IN_FAILED, PERMISSION_REFUSED, TOKEN_CREATED].contains(&k.as_str())
        {
            return Err(ServiceError::invalid(
                "kind",
                "must be sign_in_failed, permission_refused or token_created",
            ));
        }
        let (items, total) = self
            .store
            .list_security_events(&SecurityFilter {
                kind,
                page: p.page,
                per_page: p.per_page,
            })
            .await?;
        Ok(page(items, total, p))
    }
}

/// Carried in a request's extensions: the actor the request signed in as, set by
/// the HTTP layers' sign-in extractors, so that a refusal of that request is
/// logged with who was refused.
#[derive(Debug, Clone, Default)]
pub struct RequestActor(std::sync::Arc<std::sync::Mutex<Option<Actor>>>);

impl RequestActor {
    pub fn set(&self, actor: &Actor) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(actor.clone());
        }
    }

    pub fn get(&self) -> Option<Actor> {
        self.0.lock().ok().and_then(|slot| slot.clone())
    }
}

/// Carried in a 403 response's extensions: why the request was refused.
#[derive(Debug, Clone)]
pub struct Refusal(pub String);
