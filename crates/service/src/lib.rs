//! The use cases of tiendo. Each checks who may act, validates the input, and has
//! the store write the change and its history entry in one transaction. HTTP
//! handlers and CLI commands call these; they hold no rules themselves.

pub mod audit;
pub mod auth;
pub mod cache;
pub mod checkpoint;
pub mod comments;
pub mod dbquality;
pub mod demo;
pub mod drafts;
pub mod error;
pub mod evidence;
pub mod import;
pub mod indicators;
pub mod input;
pub mod letters;
pub mod notify;
pub mod parts;
pub mod passwords;
pub mod rankings;
pub mod reports;
pub mod scoring;
pub mod search;
pub mod security;
pub mod setup;
pub mod sheets;
pub mod sign_in_limits;
pub mod trend;
pub mod urging;
pub mod views;

// The use cases by subject: each adds its methods to `Service`.
mod agencies;
mod assignments;
mod commitments;
mod demo_pending;
mod documents;
mod events;
mod extensions;
mod overdue;
mod progress;
mod sessions;
mod tasks;
mod tokens;
mod users;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use tiendo_core::agency::AgencyRegistry;
use tiendo_core::deadline::Deadline;
use tiendo_core::model::{Agency, Page};
use tiendo_core::policy::{Actor, Role, Write};
use tiendo_core::text::nfc;
use tiendo_core::time::Micros;
use tiendo_store::{NewAgency, Stamp, Store};

pub use error::{Result, ServiceError};
use input::DeadlineInput;
use sessions::CachedSession;
pub use sessions::{Session, TokenKind};

/// Settings of the use cases.
#[derive(Debug, Clone)]
pub struct Config {
    /// A task due within this many days counts as due soon.
    pub due_soon_days: u32,
    /// How long a sign-in token lasts.
    pub session_hours: i64,
    /// Whether heavy reads are cached per data version (see [`cache`]). Off only to
    /// measure the uncached cost.
    pub read_cache: bool,
    /// The largest evidence file a report may carry, in bytes (see `evidence`).
    pub max_evidence_bytes: usize,
    /// Behind a reverse proxy: take a client's address from the last entry of
    /// `X-Forwarded-For` (the one the proxy added) rather than the connection's,
    /// which is the proxy's for everyone. Only when the proxy sets that header.
    pub trust_forwarded_for: bool,
    /// Notifications: the pages' public address and the mail server.
    pub notify: notify::NotifySettings,
    /// The issuing body and numbering printed on urging letters (`urging`).
    pub letterhead: tiendo_core::letter::Letterhead,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            due_soon_days: 7,
            session_hours: 12,
            read_cache: true,
            max_evidence_bytes: evidence::DEFAULT_MAX_EVIDENCE_BYTES,
            trust_forwarded_for: false,
            notify: notify::NotifySettings::default(),
            letterhead: tiendo_core::letter::Letterhead::default(),
        }
    }
}

/// The application: a store, the agency reference data, and settings.
#[derive(Clone)]
pub struct Service {
    pub store: Arc<Store>,
    pub config: Config,
    agencies: Arc<RwLock<AgencyCache>>,
    sessions: Arc<RwLock<HashMap<String, CachedSession>>>,
    /// Answers of the heavy reads (lists, counts, reports) for the current data version.
    reads: Arc<cache::ReadCache>,
    /// The `system` user: the actor of the demo data and of the command line when
    /// no other user is named.
    system: Actor,
    /// The first run's one-time setup secret (see [`setup`]).
    setup: Arc<setup::SetupSecret>,
}

/// Every agency, in memory: ~130 rows that every task and report refers to.
#[derive(Default)]
struct AgencyCache {
    all: Vec<Agency>,
    by_id: HashMap<i64, usize>,
    by_code: HashMap<String, usize>,
}

impl AgencyCache {
    fn new(all: Vec<Agency>) -> AgencyCache {
        let by_id = all.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
        let by_code = all
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.clone(), i))
            .collect();
        AgencyCache {
            all,
            by_id,
            by_code,
        }
    }
}

/// Pagination asked for.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            page: 1,
            per_page: 50,
        }
    }
}

fn page<T>(items: Vec<T>, total: i64, p: PageRequest) -> Page<T> {
    Page {
        items,
        total,
        page: p.page.max(1),
        per_page: p.per_page.clamp(1, 1000),
    }
}

fn require(actor: &Actor, write: Write) -> Result<()> {
    if actor.may(write) {
        Ok(())
    } else {
        Err(refused(actor))
    }
}

fn refused(actor: &Actor) -> ServiceError {
    ServiceError::Forbidden(match actor.role {
        Role::Viewer => "viewers can read but not change anything".into(),
        Role::Focal => "a focal point can only report on, commit to and ask extensions for its own agency's assignments".into(),
        Role::Admin => "not allowed".into(),
    })
}

/// The check made before a request's body is read: whether the actor may make
/// any write behind `gate` ([`tiendo_core::policy::Gate`]). The use case checks
/// the exact write again.
pub fn pass_gate(actor: &Actor, gate: tiendo_core::policy::Gate) -> Result<()> {
    if actor.role.passes(gate) {
        Ok(())
    } else {
        Err(refused(actor))
    }
}

fn non_empty(field: &str, text: &str, max: usize) -> Result<String> {
    let t = nfc(text.trim());
    if t.is_empty() {
        return Err(ServiceError::invalid(field, "must not be empty"));
    }
    if t.chars().count() > max {
        return Err(ServiceError::invalid(
            field,
            format!("must have at most {max} characters"),
        ));
    }
    Ok(t)
}

fn optional(field: &str, text: Option<&str>, max: usize) -> Result<Option<String>> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => non_empty(field, t, max).map(Some),
    }
}

/// A day typed in where only 2000–2100 makes sense (core rule
/// [`tiendo_core::time::implausible_day`]): refused with the field named.
pub fn plausible_day(field: &str, day: NaiveDate) -> Result<NaiveDate> {
    match tiendo_core::time::implausible_day(day) {
        None => Ok(day),
        Some(m) => Err(ServiceError::invalid(field, m)),
    }
}

/// A day of a filter (`due_from`, `issued_to`, …), when given: plausible or refused.
pub fn filter_day(field: &str, day: Option<NaiveDate>) -> Result<Option<NaiveDate>> {
    day.map(|d| plausible_day(field, d)).transpose()
}

/// The `as_of` day of a read: today when none is asked for; a day after today or
/// outside 2000–2100 is refused with the field named
/// ([`tiendo_core::time::bad_as_of`]), never answered with a guess.
pub fn as_of_day(field: &str, day: Option<NaiveDate>) -> Result<NaiveDate> {
    let today = tiendo_core::time::today();
    match day {
        None => Ok(today),
        Some(d) => match tiendo_core::time::bad_as_of(d, today) {
            None => Ok(d),
            Some(m) => Err(ServiceError::invalid(field, m)),
        },
    }
}

pub(crate) fn deadline_from(field: &str, d: &DeadlineInput) -> Result<Deadline> {
    Deadline::from_parts(&d.kind, d.due, nfc(d.raw.trim()))
        .map_err(|e| ServiceError::invalid(field, e.to_string()))
}

impl Service {
    /// Opens the service over a migrated store, loading the agency reference data
    /// into it (new agencies only; the office's edits are kept).
    pub async fn new(store: Store, config: Config) -> Result<Service> {
        store.migrate().await?;
        let reference: Vec<NewAgency> = AgencyRegistry::builtin()
            .all()
            .iter()
            .map(|a| NewAgency {
                code: a.code.clone(),
                kind: a.kind.as_str().into(),
                name: a.name.clone(),
                short_name: a.short.clone(),
                bare: a.bare.clone(),
                aliases: a.aliases.clone(),
                groups: a.groups.clone(),
                valid_from: a.valid_from,
                valid_to: a.valid_to,
                successor_code: a.successor.clone(),
                parent_code: a.parent.clone(),
            })
            .collect();
        store.sync_agencies(&reference).await?;
        let system = Actor {
            user_id: store.system_user_id().await?,
            username: users::SYSTEM_USERNAME.into(),
            role: Role::Admin,
            agency_id: None,
        };
        let service = Service {
            system,
            setup: Arc::new(setup::SetupSecret::default()),
            store: Arc::new(store),
            config,
            agencies: Arc::new(RwLock::new(AgencyCache::default())),
            sessions: Arc::new(RwLock::new(HashMap::new())),
            reads: Arc::new(cache::ReadCache::default()),
        };
        service.reload_agencies().await?;
        Ok(service)
    }

    async fn reload_agencies(&self) -> Result<()> {
        let all = self.store.all_agencies().await?;
        let cache = AgencyCache::new(all);
        *self
            .agencies
            .write()
            .map_err(|_| ServiceError::Internal("agency cache poisoned".into()))? = cache;
        Ok(())
    }

    /// The answer of a read through the cache of the current data version: `key`
    /// must name everything the answer depends on besides the data (see
    /// [`cache`]).
    async fn cached<T, F, Fut>(&self, key: String, compute: F) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        if !self.config.read_cache {
            return compute().await;
        }
        let version = self.store.data_version().await?;
        let answer = self.reads.get_or_compute(version, &key, compute).await?;
        Ok(T::clone(&answer))
    }

    fn with_agencies<T>(&self, f: impl FnOnce(&AgencyCache) -> T) -> T {
        match self.agencies.read() {
            Ok(cache) => f(&cache),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    pub(crate) fn with_agencies_list<T>(&self, f: impl FnOnce(&[Agency]) -> T) -> T {
        self.with_agencies(|c| f(&c.all))
    }

    /// The `system` user as an actor (an admin no one can sign in as).
    pub fn system_actor(&self) -> Actor {
        self.system.clone()
    }

    /// For tests and tools: the current instant as a stamp of the system (the
    /// store gives an event without an actor to the system user).
    pub fn system_stamp(at: Option<Micros>) -> Stamp {
        match at {
            Some(t) => Stamp::backdated(None, t),
            None => Stamp::now(None),
        }
    }
}
