//! Tamper evidence of the audit history (docs/audit.md): the chain's head, checking
//! every link (and a signed checkpoint), making checkpoints.

use serde::{Deserialize, Serialize};
use tiendo_core::policy::{Actor, Role};
use tiendo_core::time::{instant_rfc3339, now_micros};
use tiendo_store::ChainVerification;
use utoipa::ToSchema;

use crate::checkpoint::{Checkpoint, CheckpointKey};
use crate::{Result, Service, ServiceError};

/// The head of the audit chain: its last event and that event's hash. Printed in
/// reports and scoring runs, so that copies outside the database anchor the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditHead {
    pub event_id: i64,
    /// SHA-256, 64 hex digits.
    pub hash: String,
}

impl AuditHead {
    /// One line for paper and terminals.
    pub fn line(&self) -> String {
        format!("event {} sha256 {}", self.event_id, self.hash)
    }
}

fn office_only(actor: &Actor, what: &str) -> Result<()> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(format!(
            "{what} is the standing office's"
        )))
    }
}

impl Service {
    /// The head of the audit chain now.
    pub async fn audit_head(&self) -> Result<AuditHead> {
        let head = self.store.audit_head().await?;
        Ok(AuditHead {
            event_id: head.event_id,
            hash: head.hash,
        })
    }

    /// Checks every link of the audit chain and, with a checkpoint whose signature
    /// has already been checked, that its event still has its hash. The answer
    /// names the first broken link, if any.
    pub async fn verify_audit_chain(
        &self,
        actor: &Actor,
        checkpoint: Option<&Checkpoint>,
    ) -> Result<ChainVerification> {
        office_only(actor, "checking the audit chain")?;
        let at = checkpoint.map(|c| (c.event_id, c.hash.as_str()));
        Ok(self.store.verify_chain(at).await?)
    }

    /// A checkpoint of the head now, signed with `key`. The chain is checked
    /// first: a checkpoint never vouches for a broken chain.
    pub async fn audit_checkpoint(&self, actor: &Actor, key: &CheckpointKey) -> Result<Checkpoint> {
        office_only(actor, "a checkpoint of the audit chain")?;
        let verification = self.store.verify_chain(None).await?;
        if let Some(b) = verification.broken {
            return Err(ServiceError::Conflict(format!(
                "the audit chain is broken at event {}: {}; no checkpoint was made",
                b.event_id, b.problem
            )));
        }
        let head = verification.head;
        Ok(Checkpoint::sign(
            key,
            head.event_id,
            &head.hash,
            &instant_rfc3339(now_micros()),
        ))
    }
}
