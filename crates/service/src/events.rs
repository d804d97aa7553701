//! The audit history.

use tiendo_core::model::{Event, Page};
use tiendo_core::policy::{Actor, Role};
use tiendo_store::EventFilter;

use crate::{PageRequest, Result, Service, ServiceError, page};

impl Service {
    pub async fn list_events(&self, actor: &Actor, f: EventFilter) -> Result<Page<Event>> {
        if actor.role != Role::Admin {
            return Err(ServiceError::Forbidden(
                "the audit history is the standing office's".into(),
            ));
        }
        let p = PageRequest {
            page: f.page,
            per_page: f.per_page,
        };
        let (items, total) = self.store.list_events(&f).await?;
        Ok(page(items, total, p))
    }
}
