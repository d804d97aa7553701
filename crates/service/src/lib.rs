//! The use cases of tiendo. Each checks who may act, validates the input, and has
//! the store write the change and its history entry in one transaction. HTTP
//! handlers and CLI commands call these; they hold no rules themselves.

pub mod auth;
pub mod cache;
pub mod dbquality;
pub mod demo;
pub mod drafts;
pub mod error;
pub mod evidence;
pub mod import;
pub mod indicators;
pub mod input;
pub mod reports;
pub mod scoring;
pub mod sheets;
pub mod sign_in_limits;
pub mod views;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use tiendo_core::agency::{AgencyRegistry, group_label};
use tiendo_core::deadline::Deadline;
use tiendo_core::model::{
    Agency, Assignment, Commitment, DeadlineView, Document, Event, Page, PartyRef, ProgressReport,
    Task, User, is_field,
};
use tiendo_core::policy::{Actor, Role, Write};
use tiendo_core::report::{OverdueReport, OverdueRow};
use tiendo_core::status::{StateChange, Status, days_late, status_on, task_status};
use tiendo_core::text::{fold, nfc};
use tiendo_core::time::{Micros, instant_rfc3339, now_micros, today};
use tiendo_store::*;

pub use error::{Result, ServiceError};
use input::*;
use sign_in_limits::FailureLimiter;

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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            due_soon_days: 7,
            session_hours: 12,
            read_cache: true,
            max_evidence_bytes: evidence::DEFAULT_MAX_EVIDENCE_BYTES,
            trust_forwarded_for: false,
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
    /// Failed sign-ins per folded username and per client address.
    failed_by_username: Arc<FailureLimiter<String>>,
    failed_by_address: Arc<FailureLimiter<std::net::IpAddr>>,
    /// Answers of the heavy reads (lists, counts, reports) for the current data version.
    reads: Arc<cache::ReadCache>,
}

/// A token checked against the database recently: requests within
/// [`SESSION_CACHE_MICROS`] reuse the answer instead of a query each. Sign-out,
/// and any change of a user, clear it; a token past its expiry is never served.
#[derive(Clone)]
struct CachedSession {
    actor: Actor,
    checked_at: Micros,
    expires_at: Option<Micros>,
}

const SESSION_CACHE_MICROS: Micros = 30_000_000;
const SESSION_CACHE_MAX: usize = 10_000;

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
        Err(ServiceError::Forbidden(match actor.role {
            Role::Viewer => "viewers can read but not change anything".into(),
            Role::Focal => "a focal point can only report on, commit to and ask extensions for its own agency's assignments".into(),
            Role::Admin => "not allowed".into(),
        }))
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
        let service = Service {
            store: Arc::new(store),
            config,
            agencies: Arc::new(RwLock::new(AgencyCache::default())),
            sessions: Arc::new(RwLock::new(HashMap::new())),
            failed_by_username: Arc::new(FailureLimiter::new(sign_in_limits::PER_USERNAME)),
            failed_by_address: Arc::new(FailureLimiter::new(sign_in_limits::PER_ADDRESS)),
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

    pub fn agency(&self, id: i64) -> Option<Agency> {
        self.with_agencies(|c| c.by_id.get(&id).map(|&i| c.all[i].clone()))
    }

    pub fn agency_name(&self, id: i64) -> String {
        self.agency(id)
            .map(|a| a.name)
            .unwrap_or_else(|| format!("#{id}"))
    }

    /// The agency a name, alias, code or id designates on a day, or an error that
    /// names the field and suggests the closest name.
    pub fn resolve_agency(&self, field: &str, name: &str, on: Option<NaiveDate>) -> Result<Agency> {
        let name = name.trim();
        let found = self.with_agencies(|c| {
            if let Some(&i) = c.by_code.get(name) {
                return Some(c.all[i].clone());
            }
            if let Ok(id) = name.parse::<i64>() {
                return c.by_id.get(&id).map(|&i| c.all[i].clone());
            }
            let registry = AgencyRegistry::builtin();
            if let Some(a) = registry.resolve(name, on)
                && let Some(&i) = c.by_code.get(&a.code)
            {
                return Some(c.all[i].clone());
            }
            // Agencies the office added: match the official or short name.
            let key = fold(name);
            c.all
                .iter()
                .find(|a| {
                    fold(&a.name) == key
                        || a.short_name.as_deref().map(fold).as_deref() == Some(&key)
                })
                .cloned()
        });
        found.ok_or_else(|| {
            let hint = AgencyRegistry::builtin()
                .suggest(name)
                .map(|a| format!(" — did you mean '{}'?", a.name))
                .unwrap_or_default();
            ServiceError::invalid(field, format!("unknown agency '{name}'{hint}"))
        })
    }

    /// The agency that carries an agency's work today (itself when it still exists).
    fn current_successor(&self, id: i64) -> i64 {
        self.with_agencies(|c| {
            let mut current = id;
            for _ in 0..16 {
                let Some(&i) = c.by_id.get(&current) else {
                    break;
                };
                let a = &c.all[i];
                match (a.valid_to, a.successor_id) {
                    (Some(_), Some(next)) => current = next,
                    _ => break,
                }
            }
            current
        })
    }

    /// Lead or coordinating parties, resolved: agencies named one by one and groups.
    /// Returns the parties and the agencies that get an assignment (groups expanded
    /// to their members on the day, then to today's successors).
    pub fn resolve_parties(
        &self,
        field: &str,
        names: &[String],
        on: Option<NaiveDate>,
    ) -> Result<(Vec<PartyRef>, Vec<i64>)> {
        let mut parties = Vec::new();
        let mut assignees = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let field = format!("{field}[{i}]");
            if let Some(group) = name.trim().strip_prefix('@') {
                let label = group_label(group).ok_or_else(|| {
                    ServiceError::invalid(
                        &field,
                        format!("unknown group '@{group}' (known: @bo-nganh, @dia-phuong)"),
                    )
                })?;
                parties.push(PartyRef {
                    agency_id: None,
                    code: format!("@{group}"),
                    name: label.into(),
                });
                let members: Vec<i64> = self.with_agencies(|c| {
                    c.all
                        .iter()
                        .filter(|a| a.groups.iter().any(|g| g == group))
                        .filter(|a| match on {
                            Some(day) => {
                                a.valid_from.is_none_or(|f| f <= day)
                                    && a.valid_to.is_none_or(|t| day <= t)
                            }
                            None => a.valid_to.is_none(),
                        })
                        .map(|a| a.id)
                        .collect()
                });
                assignees.extend(members.into_iter().map(|id| self.current_successor(id)));
            } else {
                let agency = self.resolve_agency(&field, name, on)?;
                parties.push(PartyRef {
                    agency_id: Some(agency.id),
                    code: agency.code.clone(),
                    name: agency.name.clone(),
                });
                assignees.push(self.current_successor(agency.id));
            }
        }
        let mut seen = std::collections::HashSet::new();
        assignees.retain(|id| seen.insert(*id));
        Ok((parties, assignees))
    }

    // ------------------------------------------------------------ auth and users

    /// Signs in with a password; returns a bearer token valid for the session length.
    pub async fn login(&self, username: &str, password: &str) -> Result<(TokenOutput, User)> {
        self.login_from(username, password, None).await
    }

    /// [`Service::login`] from a client address, when the server knows it: failures
    /// are also counted per address (see [`sign_in_limits`]).
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
            Err(ServiceError::Unauthenticated(_)) => {
                self.failed_by_username.failed(key, now);
                if let Some(ip) = client {
                    self.failed_by_address.failed(ip, now);
                }
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

    // ------------------------------------------------------------ agencies

    pub async fn list_agencies(&self, f: AgencyFilter) -> Result<Page<Agency>> {
        let p = PageRequest {
            page: f.page,
            per_page: f.per_page,
        };
        let (items, total) = self.store.list_agencies(&f).await?;
        Ok(page(items, total, p))
    }

    pub async fn get_agency(&self, id: i64) -> Result<Agency> {
        self.store
            .get_agency(id)
            .await?
            .ok_or(ServiceError::NotFound("agency".into()))
    }

    fn agency_input(&self, input: &AgencyInput) -> Result<NewAgency> {
        let code = non_empty("code", &input.code, 64)?;
        if !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(ServiceError::invalid(
                "code",
                "must be lowercase ASCII letters, digits and '-'",
            ));
        }
        if tiendo_core::agency::AgencyKind::parse(&input.kind).is_none() {
            return Err(ServiceError::invalid("kind", "unknown kind of agency"));
        }
        if let (Some(f), Some(t)) = (input.valid_from, input.valid_to)
            && f > t
        {
            return Err(ServiceError::invalid("valid_to", "is before valid_from"));
        }
        for (field, code) in [("successor", &input.successor), ("parent", &input.parent)] {
            if let Some(c) = code
                && self.with_agencies(|cache| !cache.by_code.contains_key(c))
            {
                return Err(ServiceError::invalid(
                    field,
                    format!("unknown agency code '{c}'"),
                ));
            }
        }
        Ok(NewAgency {
            code,
            kind: input.kind.clone(),
            name: non_empty("name", &input.name, 300)?,
            short_name: optional("short_name", input.short_name.as_deref(), 100)?,
            bare: optional("bare", input.bare.as_deref(), 200)?,
            aliases: input
                .aliases
                .iter()
                .map(|a| nfc(a.trim()))
                .filter(|a| !a.is_empty())
                .collect(),
            groups: input.groups.clone(),
            valid_from: input.valid_from,
            valid_to: input.valid_to,
            successor_code: input.successor.clone(),
            parent_code: input.parent.clone(),
        })
    }

    pub async fn create_agency(&self, actor: &Actor, input: &AgencyInput) -> Result<Agency> {
        require(actor, Write::ManageAgencies)?;
        let a = self.agency_input(input)?;
        let created = self
            .store
            .create_agency(&a, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.reload_agencies().await?;
        Ok(created)
    }

    pub async fn update_agency(
        &self,
        actor: &Actor,
        id: i64,
        input: &AgencyInput,
    ) -> Result<Agency> {
        require(actor, Write::ManageAgencies)?;
        let current = self.get_agency(id).await?;
        let a = self.agency_input(input)?;
        if a.code != current.code {
            return Err(ServiceError::invalid(
                "code",
                "an agency's code cannot change",
            ));
        }
        let updated = self
            .store
            .update_agency(id, &a, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.reload_agencies().await?;
        Ok(updated)
    }

    // ------------------------------------------------------------ documents

    fn document_input(input: &DocumentInput) -> Result<NewDocument> {
        Ok(NewDocument {
            number: optional("number", input.number.as_deref(), 100)?,
            kind: non_empty("kind", &input.kind, 100)?,
            title: non_empty("title", &input.title, 2000)?,
            issued_on: input.issued_on,
            issuer: optional("issuer", input.issuer.as_deref(), 300)?,
            signer: optional("signer", input.signer.as_deref(), 300)?,
            body: input.body.as_deref().map(nfc),
        })
    }

    pub async fn create_document(&self, actor: &Actor, input: &DocumentInput) -> Result<Document> {
        self.create_document_stamped(actor, input, Stamp::now(Some(actor.user_id)))
            .await
    }

    pub async fn create_document_stamped(
        &self,
        actor: &Actor,
        input: &DocumentInput,
        stamp: Stamp,
    ) -> Result<Document> {
        require(actor, Write::ManageDocuments)?;
        let d = Self::document_input(input)?;
        Ok(self.store.create_document(&d, &stamp).await?)
    }

    pub async fn update_document(
        &self,
        actor: &Actor,
        id: i64,
        input: &DocumentInput,
    ) -> Result<Document> {
        require(actor, Write::ManageDocuments)?;
        let d = Self::document_input(input)?;
        Ok(self
            .store
            .update_document(id, &d, &Stamp::now(Some(actor.user_id)))
            .await?)
    }

    pub async fn get_document(&self, actor: &Actor, id: i64) -> Result<Document> {
        let doc = self
            .store
            .get_document(id)
            .await?
            .ok_or(ServiceError::NotFound("document".into()))?;
        if let Some(agency) = actor.confined_to() {
            let f = DocumentFilter {
                agency_id: Some(agency),
                ..Default::default()
            };
            let visible = self
                .store
                .list_documents(&DocumentFilter {
                    page: 1,
                    per_page: 1000,
                    ..f
                })
                .await?
                .0;
            if !visible.iter().any(|d| d.id == id) {
                return Err(ServiceError::Forbidden(
                    "this document assigns nothing to your agency".into(),
                ));
            }
        }
        Ok(doc)
    }

    pub async fn get_document_body(&self, actor: &Actor, id: i64) -> Result<Option<String>> {
        self.get_document(actor, id).await?;
        Ok(self.store.get_document_body(id).await?)
    }

    pub async fn list_documents(
        &self,
        actor: &Actor,
        mut f: DocumentFilter,
    ) -> Result<Page<Document>> {
        if let Some(agency) = actor.confined_to() {
            f.agency_id = Some(agency);
        }
        let p = PageRequest {
            page: f.page,
            per_page: f.per_page,
        };
        let (items, total) = self.store.list_documents(&f).await?;
        Ok(page(items, total, p))
    }

    // ------------------------------------------------------------ tasks

    /// Builds a task to create from its input, on the document's date.
    pub async fn new_task(&self, input: &TaskInput) -> Result<NewTask> {
        let doc = self
            .store
            .get_document(input.document_id)
            .await?
            .ok_or_else(|| {
                ServiceError::invalid("document_id", format!("no document {}", input.document_id))
            })?;
        self.build_task(input, doc.issued_on)
    }

    /// Checks a task's input and resolves its agencies on the document's date.
    pub fn build_task(&self, input: &TaskInput, issued_on: Option<NaiveDate>) -> Result<NewTask> {
        let deadline = deadline_from("deadline", &input.deadline)?;
        if input.lead.is_empty() {
            return Err(ServiceError::invalid(
                "lead",
                "name at least one lead agency or group",
            ));
        }
        let (lead, assignees) = self.resolve_parties("lead", &input.lead, issued_on)?;
        let coord = self.resolve_coordinators(&input.coord, issued_on)?;
        if let Some(f) = &input.field
            && !is_field(f)
        {
            return Err(ServiceError::invalid(
                "field",
                "must be one of khcn, dmst, cds, da06, cchc",
            ));
        }
        let priority = input.priority.unwrap_or(2);
        if !(1..=3).contains(&priority) {
            return Err(ServiceError::invalid("priority", "must be 1, 2 or 3"));
        }
        Ok(NewTask {
            document_id: input.document_id,
            ref_: optional("ref", input.ref_.as_deref(), 100)?,
            text: non_empty("text", &input.text, 10_000)?,
            product: optional("product", input.product.as_deref(), 2000)?,
            field: input.field.clone(),
            priority,
            deadline,
            lead,
            coord,
            leader: optional("leader", input.leader.as_deref(), 300)?,
            source_citation: optional("source_citation", input.source_citation.as_deref(), 500)?,
            assignees,
        })
    }

    /// Coordinating parties: known agencies and groups are resolved; a body tiendo
    /// does not know ("Nhóm công tác số 3") is kept by name, since it gets no
    /// assignment.
    fn resolve_coordinators(
        &self,
        names: &[String],
        on: Option<NaiveDate>,
    ) -> Result<Vec<PartyRef>> {
        let mut out = Vec::new();
        for (i, name) in names.iter().enumerate() {
            match self.resolve_parties("coord", std::slice::from_ref(name), on) {
                Ok((parties, _)) => out.extend(parties),
                Err(_) if !name.trim().starts_with('@') && !name.trim().is_empty() => {
                    out.push(PartyRef {
                        agency_id: None,
                        code: String::new(),
                        name: nfc(name.trim()),
                    })
                }
                Err(_) => {
                    return Err(ServiceError::invalid(
                        format!("coord[{i}]"),
                        format!("unknown group '{}'", name.trim()),
                    ));
                }
            }
        }
        Ok(out)
    }

    pub async fn create_task(&self, actor: &Actor, input: &TaskInput) -> Result<Task> {
        require(actor, Write::ManageTasks)?;
        let t = self.new_task(input).await?;
        let id = self
            .store
            .create_task(&t, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.get_task(actor, id, today()).await
    }

    pub async fn update_task(
        &self,
        actor: &Actor,
        id: i64,
        input: &TaskPatchInput,
    ) -> Result<Task> {
        require(actor, Write::ManageTasks)?;
        let current = self
            .store
            .get_task(id)
            .await?
            .ok_or(ServiceError::NotFound("task".into()))?;
        let doc = self.store.get_document(current.document_id).await?;
        let on = doc.and_then(|d| d.issued_on);
        let patch = TaskPatch {
            ref_: match &input.ref_ {
                Some(r) => Some(optional("ref", Some(r), 100)?),
                None => None,
            },
            text: match &input.text {
                Some(t) => Some(non_empty("text", t, 10_000)?),
                None => None,
            },
            product: match &input.product {
                Some(p) => Some(optional("product", Some(p), 2000)?),
                None => None,
            },
            field: match &input.field {
                Some(f) if f.is_empty() => Some(None),
                Some(f) if is_field(f) => Some(Some(f.clone())),
                Some(_) => {
                    return Err(ServiceError::invalid(
                        "field",
                        "must be one of khcn, dmst, cds, da06, cchc",
                    ));
                }
                None => None,
            },
            priority: match input.priority {
                Some(p) if !(1..=3).contains(&p) => {
                    return Err(ServiceError::invalid("priority", "must be 1, 2 or 3"));
                }
                p => p,
            },
            deadline: match &input.deadline {
                Some(d) => Some(deadline_from("deadline", d)?),
                None => None,
            },
            leader: match &input.leader {
                Some(l) => Some(optional("leader", Some(l), 300)?),
                None => None,
            },
            coord: match &input.coord {
                Some(c) => Some(self.resolve_coordinators(c, on)?),
                None => None,
            },
        };
        let stamp = Stamp::now(Some(actor.user_id));
        self.store.update_task(id, &patch, &stamp).await?;
        if let Some(cancel) = input.cancelled {
            let (rows, _) = self
                .store
                .list_assignments(&AssignmentFilter {
                    task_id: Some(id),
                    agency_id: None,
                    document_id: None,
                    status: None,
                    as_of: today(),
                    due_soon_days: self.config.due_soon_days,
                    confined_to: None,
                    page: 1,
                    per_page: 10_000,
                })
                .await?;
            for row in rows.into_iter().filter(|r| r.state.cancelled != cancel) {
                let change = if cancel {
                    StateChange::Cancelled
                } else {
                    StateChange::Restored
                };
                let action = if cancel { "cancel" } else { "restore" };
                self.store
                    .change_assignment(
                        row.id,
                        &change,
                        action,
                        serde_json::json!({"task_id": id}),
                        &stamp,
                    )
                    .await?;
            }
        }
        self.get_task(actor, id, today()).await
    }

    fn task_view(&self, row: TaskRow, known: &[KnownAssignment], as_of: NaiveDate) -> Task {
        let statuses: Vec<Status> = known
            .iter()
            .filter(|k| k.task_id == row.id)
            .map(|k| status_on(&k.state, as_of, self.config.due_soon_days))
            .collect();
        Task {
            id: row.id,
            document_id: row.document_id,
            document_citation: row.document_citation,
            ref_: row.ref_,
            text: row.text,
            product: row.product,
            field: row.field,
            priority: row.priority,
            deadline: DeadlineView::from(&row.deadline),
            lead: row.lead,
            coord: row.coord,
            leader: row.leader,
            source_citation: row.source_citation,
            status: task_status(statuses.iter().copied()),
            assignment_count: statuses.len() as i64,
            cancelled: row.cancelled,
            created_at: instant_rfc3339(row.created_at),
            updated_at: instant_rfc3339(row.updated_at),
        }
    }

    pub async fn list_tasks(&self, actor: &Actor, mut f: TaskFilter) -> Result<Page<Task>> {
        f.confined_to = actor.confined_to();
        f.due_soon_days = self.config.due_soon_days;
        self.cached(format!("{f:?}"), || self.list_tasks_uncached(f))
            .await
    }

    async fn list_tasks_uncached(&self, f: TaskFilter) -> Result<Page<Task>> {
        let p = PageRequest {
            page: f.page,
            per_page: f.per_page,
        };
        let (rows, total) = self.store.list_tasks(&f).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut known = self.store.known_for_tasks(&ids, f.as_of).await?;
        if let Some(agency) = f.confined_to {
            known.retain(|k| k.agency_id == agency);
        }
        let items = rows
            .into_iter()
            .map(|r| self.task_view(r, &known, f.as_of))
            .collect();
        Ok(page(items, total, p))
    }

    pub async fn get_task(&self, actor: &Actor, id: i64, as_of: NaiveDate) -> Result<Task> {
        let row = self
            .store
            .get_task(id)
            .await?
            .ok_or(ServiceError::NotFound("task".into()))?;
        let mut known = self.store.known_for_tasks(&[id], as_of).await?;
        if let Some(agency) = actor.confined_to() {
            let all = self.store.known_for_tasks(&[id], today()).await?;
            if !all.iter().any(|k| k.agency_id == agency) {
                return Err(ServiceError::Forbidden(
                    "this task is not assigned to your agency".into(),
                ));
            }
            known.retain(|k| k.agency_id == agency);
        }
        Ok(self.task_view(row, &known, as_of))
    }

    pub async fn task_history(&self, actor: &Actor, id: i64) -> Result<Vec<Event>> {
        self.get_task(actor, id, today()).await?;
        Ok(self.store.task_history(id, actor.confined_to()).await?)
    }

    // ------------------------------------------------------------ assignments

    fn assignment_view(&self, row: AssignmentRow, as_of: NaiveDate) -> Assignment {
        let status = status_on(&row.state, as_of, self.config.due_soon_days);
        Assignment {
            id: row.id,
            task_id: row.task_id,
            task_text: row.task_text,
            agency_id: row.agency_id,
            agency_name: row.agency_name,
            deadline: DeadlineView::from_parts(
                row.state.deadline_kind,
                row.state.due,
                &row.deadline_raw,
            ),
            completed_on: row.state.completed_on,
            cancelled: row.state.cancelled,
            status,
            days_late: days_late(&row.state, as_of),
            as_of,
            created_at: instant_rfc3339(row.created_at),
        }
    }

    pub async fn list_assignments(
        &self,
        actor: &Actor,
        mut f: AssignmentFilter,
    ) -> Result<Page<Assignment>> {
        f.confined_to = actor.confined_to();
        f.due_soon_days = self.config.due_soon_days;
        let p = PageRequest {
            page: f.page,
            per_page: f.per_page,
        };
        let (rows, total) = self.store.list_assignments(&f).await?;
        Ok(page(
            rows.into_iter()
                .map(|r| self.assignment_view(r, f.as_of))
                .collect(),
            total,
            p,
        ))
    }

    /// The assignment, checking the actor may see it; `as_of` picks the knowledge.
    pub async fn get_assignment(
        &self,
        actor: &Actor,
        id: i64,
        as_of: NaiveDate,
    ) -> Result<Assignment> {
        let (_, agency, _) = self
            .store
            .assignment_owner(id)
            .await?
            .ok_or(ServiceError::NotFound("assignment".into()))?;
        if !actor.sees_agency(agency) {
            return Err(ServiceError::Forbidden(
                "this assignment belongs to another agency".into(),
            ));
        }
        let row = self.store.get_assignment(id, as_of).await?.ok_or_else(|| {
            ServiceError::NotFound(format!("assignment (it did not exist on {as_of})"))
        })?;
        Ok(self.assignment_view(row, as_of))
    }

    pub async fn add_assignment(
        &self,
        actor: &Actor,
        input: &AssignmentInput,
    ) -> Result<Assignment> {
        require(actor, Write::ManageAssignments)?;
        let task = self
            .store
            .get_task(input.task_id)
            .await?
            .ok_or_else(|| ServiceError::invalid("task_id", "no such task"))?;
        let agency = self.resolve_agency("agency", &input.agency, None)?;
        let id = self
            .store
            .add_assignment(
                task.id,
                self.current_successor(agency.id),
                &task.deadline,
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        self.get_assignment(actor, id, today()).await
    }

    /// The standing office's changes to an assignment: confirm completion, reopen,
    /// cancel or restore, correct the deadline. Each is one event.
    pub async fn patch_assignment(
        &self,
        actor: &Actor,
        id: i64,
        input: &AssignmentPatchInput,
    ) -> Result<Assignment> {
        self.patch_assignment_stamped(actor, id, input, Stamp::now(Some(actor.user_id)))
            .await?;
        self.get_assignment(actor, id, today()).await
    }

    pub async fn patch_assignment_stamped(
        &self,
        actor: &Actor,
        id: i64,
        input: &AssignmentPatchInput,
        stamp: Stamp,
    ) -> Result<()> {
        require(actor, Write::ConfirmCompletion)?;
        let (_, _, state) = self
            .store
            .assignment_owner(id)
            .await?
            .ok_or(ServiceError::NotFound("assignment".into()))?;
        let note = serde_json::json!({"note": input.note});
        let mut changes: Vec<(StateChange, &str)> = Vec::new();
        if let Some(d) = &input.deadline {
            let deadline = deadline_from("deadline", d)?;
            changes.push((
                StateChange::DeadlineSet {
                    kind: deadline.kind,
                    due: deadline.due,
                },
                "deadline_corrected",
            ));
        }
        if input.reopen == Some(true) {
            if state.completed_on.is_none() {
                return Err(ServiceError::Conflict(
                    "the assignment is not completed".into(),
                ));
            }
            changes.push((StateChange::Reopened, "reopen"));
        }
        if let Some(on) = input.completed_on {
            if on > today() {
                return Err(ServiceError::invalid(
                    "completed_on",
                    "cannot be in the future",
                ));
            }
            changes.push((StateChange::Completed { on }, "complete"));
        }
        match input.cancelled {
            Some(true) if !state.cancelled => changes.push((StateChange::Cancelled, "cancel")),
            Some(false) if state.cancelled => changes.push((StateChange::Restored, "restore")),
            _ => {}
        }
        if changes.is_empty() {
            return Err(ServiceError::invalid(
                "request",
                "nothing to change: give completed_on, reopen, cancelled or deadline",
            ));
        }
        for (change, action) in changes {
            self.store
                .change_assignment(id, &change, action, note.clone(), &stamp)
                .await?;
        }
        Ok(())
    }

    /// The agency of an assignment, after checking it exists.
    async fn owner(
        &self,
        field: &str,
        assignment_id: i64,
    ) -> Result<(i64, tiendo_core::status::AssignmentState)> {
        let (_, agency, state) = self
            .store
            .assignment_owner(assignment_id)
            .await?
            .ok_or_else(|| {
                ServiceError::invalid(field, format!("no assignment {assignment_id}"))
            })?;
        Ok((agency, state))
    }

    // ------------------------------------------------------------ progress reports

    fn report_input(&self, actor: &Actor, input: &ReportInput) -> Result<NewReport> {
        if let Some(p) = input.percent
            && !(0..=100).contains(&p)
        {
            return Err(ServiceError::invalid(
                "percent",
                "must be between 0 and 100",
            ));
        }
        let reported_on = input.reported_on.unwrap_or_else(today);
        if reported_on > today() {
            return Err(ServiceError::invalid(
                "reported_on",
                "cannot be in the future",
            ));
        }
        if let Some(done) = input.completed_on {
            if !input.claims_completion {
                return Err(ServiceError::invalid(
                    "completed_on",
                    "only a report that claims completion has a completion date",
                ));
            }
            if done > today() {
                return Err(ServiceError::invalid(
                    "completed_on",
                    "cannot be in the future",
                ));
            }
        }
        Ok(NewReport {
            assignment_id: input.assignment_id,
            author_id: actor.user_id,
            reported_on,
            percent: if input.claims_completion {
                Some(100)
            } else {
                input.percent
            },
            claims_completion: input.claims_completion,
            completed_on: input.completed_on,
            narrative: non_empty("narrative", &input.narrative, 20_000)?,
            difficulties: optional("difficulties", input.difficulties.as_deref(), 20_000)?,
            proposals: optional("proposals", input.proposals.as_deref(), 20_000)?,
            evidence_number: optional("evidence_number", input.evidence_number.as_deref(), 200)?,
        })
    }

    pub async fn create_report(
        &self,
        actor: &Actor,
        input: &ReportInput,
    ) -> Result<ProgressReport> {
        let (agency, _) = self.owner("assignment_id", input.assignment_id).await?;
        require(actor, Write::Report { agency })?;
        let r = self.report_input(actor, input)?;
        let id = self
            .store
            .create_report(&r, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.get_report(actor, id).await
    }

    pub async fn update_report(
        &self,
        actor: &Actor,
        id: i64,
        input: &ReportInput,
    ) -> Result<ProgressReport> {
        let current = self.get_report(actor, id).await?;
        require(
            actor,
            Write::Report {
                agency: current.agency_id,
            },
        )?;
        if input.assignment_id != current.assignment_id {
            return Err(ServiceError::invalid(
                "assignment_id",
                "a report cannot move to another assignment",
            ));
        }
        if actor.role == Role::Focal && current.author_id != actor.user_id {
            return Err(ServiceError::Forbidden(
                "only the author can change a report".into(),
            ));
        }
        let r = self.report_input(actor, input)?;
        self.store
            .update_report(id, &r, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.get_report(actor, id).await
    }

    pub async fn review_report(
        &self,
        actor: &Actor,
        id: i64,
        input: &ReviewInput,
    ) -> Result<ProgressReport> {
        require(actor, Write::ReviewReport)?;
        let note = optional("note", input.note.as_deref(), 5000)?;
        if !input.accept && note.is_none() {
            return Err(ServiceError::invalid(
                "note",
                "give the reason for returning the report",
            ));
        }
        self.store
            .review_report(
                id,
                input.accept,
                note.as_deref(),
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        self.get_report(actor, id).await
    }

    pub async fn get_report(&self, actor: &Actor, id: i64) -> Result<ProgressReport> {
        let r = self
            .store
            .get_report(id)
            .await?
            .ok_or(ServiceError::NotFound("progress report".into()))?;
        if !actor.sees_agency(r.agency_id) {
            return Err(ServiceError::Forbidden(
                "this report belongs to another agency".into(),
            ));
        }
        Ok(r)
    }

    pub async fn list_reports(
        &self,
        actor: &Actor,
        mut f: ReportFilter,
    ) -> Result<Page<ProgressReport>> {
        f.confined_to = actor.confined_to();
        let p = PageRequest {
            page: f.page,
            per_page: f.per_page,
        };
        let (items, total) = self.store.list_reports(&f).await?;
        Ok(page(items, total, p))
    }

    // ------------------------------------------------------------ extensions

    pub async fn request_extension(
        &self,
        actor: &Actor,
        input: &ExtensionInput,
    ) -> Result<tiendo_core::model::Extension> {
        let (agency, state) = self.owner("assignment_id", input.assignment_id).await?;
        require(actor, Write::RequestExtension { agency })?;
        let deadline = deadline_from("deadline", &input.deadline)?;
        if let (Some(new), Some(old)) = (deadline.due, state.due)
            && new <= old
        {
            return Err(ServiceError::invalid(
                "deadline",
                format!("must be later than the current deadline ({old})"),
            ));
        }
        if state.completed_on.is_some() || state.cancelled {
            return Err(ServiceError::Conflict(
                "a completed or cancelled assignment needs no extension".into(),
            ));
        }
        let x = NewExtension {
            assignment_id: input.assignment_id,
            requested_by: actor.user_id,
            deadline,
            reason: non_empty("reason", &input.reason, 5000)?,
        };
        let id = self
            .store
            .create_extension(&x, &state, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.get_extension(actor, id).await
    }

    pub async fn decide_extension(
        &self,
        actor: &Actor,
        id: i64,
        input: &DecisionInput,
    ) -> Result<tiendo_core::model::Extension> {
        require(actor, Write::DecideExtension)?;
        let note = optional("note", input.note.as_deref(), 5000)?;
        if !input.approve && note.is_none() {
            return Err(ServiceError::invalid(
                "note",
                "give the reason for refusing",
            ));
        }
        self.store
            .decide_extension(
                id,
                input.approve,
                note.as_deref(),
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        self.get_extension(actor, id).await
    }

    pub async fn get_extension(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<tiendo_core::model::Extension> {
        let x = self
            .store
            .get_extension(id)
            .await?
            .ok_or(ServiceError::NotFound("extension".into()))?;
        if !actor.sees_agency(x.agency_id) {
            return Err(ServiceError::Forbidden(
                "this extension belongs to another agency".into(),
            ));
        }
        Ok(x)
    }

    pub async fn list_extensions(
        &self,
        actor: &Actor,
        mut f: ExtensionFilter,
    ) -> Result<Page<tiendo_core::model::Extension>> {
        f.confined_to = actor.confined_to();
        let p = PageRequest {
            page: f.page,
            per_page: f.per_page,
        };
        let (items, total) = self.store.list_extensions(&f).await?;
        Ok(page(items, total, p))
    }

    // ------------------------------------------------------------ commitments

    async fn commitment_view(&self, row: CommitmentRow, as_of: NaiveDate) -> Result<Commitment> {
        let state = self
            .store
            .get_assignment(row.assignment_id, as_of)
            .await?
            .map(|a| a.state);
        let outcome = match state.and_then(|s| s.completed_on) {
            Some(done) if done <= row.committed_on => "kept",
            Some(_) => "broken",
            None if as_of > row.committed_on => "broken",
            None => "pending",
        };
        Ok(Commitment {
            id: row.id,
            assignment_id: row.assignment_id,
            agency_id: row.agency_id,
            committed_on: row.committed_on,
            original_due: row.original_due,
            letter_number: row.letter_number,
            note: row.note,
            outcome: outcome.into(),
            created_by: row.created_by,
            created_at: instant_rfc3339(row.created_at),
            updated_at: instant_rfc3339(row.updated_at),
        })
    }

    pub async fn create_commitment(
        &self,
        actor: &Actor,
        input: &CommitmentInput,
    ) -> Result<Commitment> {
        self.create_commitment_stamped(actor, input, Stamp::now(Some(actor.user_id)))
            .await
    }

    pub async fn create_commitment_stamped(
        &self,
        actor: &Actor,
        input: &CommitmentInput,
        stamp: Stamp,
    ) -> Result<Commitment> {
        let (agency, state) = self.owner("assignment_id", input.assignment_id).await?;
        require(actor, Write::Commit { agency })?;
        if state.completed_on.is_some() {
            return Err(ServiceError::Conflict(
                "the assignment is already completed".into(),
            ));
        }
        let c = NewCommitment {
            assignment_id: input.assignment_id,
            committed_on: input.committed_on,
            letter_number: optional("letter_number", input.letter_number.as_deref(), 200)?,
            note: optional("note", input.note.as_deref(), 5000)?,
            created_by: actor.user_id,
        };
        let id = self.store.create_commitment(&c, state.due, &stamp).await?;
        self.get_commitment(actor, id, today()).await
    }

    pub async fn update_commitment(
        &self,
        actor: &Actor,
        id: i64,
        input: &CommitmentPatchInput,
    ) -> Result<Commitment> {
        let current = self
            .store
            .get_commitment(id)
            .await?
            .ok_or(ServiceError::NotFound("commitment".into()))?;
        require(
            actor,
            Write::Commit {
                agency: current.agency_id,
            },
        )?;
        self.store
            .update_commitment(
                id,
                input.committed_on,
                optional("letter_number", input.letter_number.as_deref(), 200)?,
                optional("note", input.note.as_deref(), 5000)?,
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        self.get_commitment(actor, id, today()).await
    }

    pub async fn get_commitment(
        &self,
        actor: &Actor,
        id: i64,
        as_of: NaiveDate,
    ) -> Result<Commitment> {
        let row = self
            .store
            .get_commitment(id)
            .await?
            .ok_or(ServiceError::NotFound("commitment".into()))?;
        if !actor.sees_agency(row.agency_id) {
            return Err(ServiceError::Forbidden(
                "this commitment belongs to another agency".into(),
            ));
        }
        self.commitment_view(row, as_of).await
    }

    pub async fn list_commitments(
        &self,
        actor: &Actor,
        mut f: CommitmentFilter,
        as_of: NaiveDate,
    ) -> Result<Page<Commitment>> {
        f.confined_to = actor.confined_to();
        let p = PageRequest {
            page: f.page,
            per_page: f.per_page,
        };
        let (rows, total) = self.store.list_commitments(&f).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            items.push(self.commitment_view(row, as_of).await?);
        }
        Ok(page(items, total, p))
    }

    // ------------------------------------------------------------ history and reports

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

    /// The overdue report as the system knew it at the end of `as_of`: one row per
    /// task with an overdue assignment, in the order the tasks were registered.
    pub async fn overdue_report(&self, actor: &Actor, as_of: NaiveDate) -> Result<OverdueReport> {
        let confined = actor.confined_to();
        self.cached(format!("overdue {as_of} {confined:?}"), || {
            self.overdue_report_uncached(as_of, confined)
        })
        .await
    }

    async fn overdue_report_uncached(
        &self,
        as_of: NaiveDate,
        confined: Option<i64>,
    ) -> Result<OverdueReport> {
        let overdue = self.store.overdue_assignments(as_of, confined).await?;
        let mut rows: Vec<OverdueRow> = Vec::new();
        let mut task_ids: Vec<i64> = overdue.iter().map(|k| k.task_id).collect();
        task_ids.dedup();
        let tasks: HashMap<i64, TaskHead> = self
            .store
            .task_heads(&task_ids)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        for k in &overdue {
            let Some(task) = tasks.get(&k.task_id) else {
                continue;
            };
            let due = k.state.due.unwrap_or(as_of);
            let late = days_late(&k.state, as_of);
            match rows.last_mut() {
                Some(row) if row.task_id == k.task_id => {
                    row.incomplete.push(self.agency_name(k.agency_id));
                    row.incomplete_agency_ids.push(k.agency_id);
                    row.deadline = row.deadline.min(due);
                    row.days_late = row.days_late.max(late);
                }
                _ => rows.push(OverdueRow {
                    task_id: task.id,
                    task: task.text.clone(),
                    source_document: task.source.clone(),
                    lead: task.lead.clone(),
                    deadline: due,
                    incomplete: vec![self.agency_name(k.agency_id)],
                    incomplete_agency_ids: vec![k.agency_id],
                    days_late: late,
                }),
            }
        }
        Ok(OverdueReport { as_of, rows })
    }

    /// Counts of assignments by status on a day.
    pub async fn status_counts(
        &self,
        actor: &Actor,
        as_of: NaiveDate,
        agency_id: Option<i64>,
    ) -> Result<Vec<(Status, i64)>> {
        let agency = actor.confined_to().or(agency_id);
        let soon = self.config.due_soon_days;
        self.cached(format!("counts {as_of} {soon} {agency:?}"), || async {
            Ok(self.store.status_counts(as_of, soon, agency).await?)
        })
        .await
    }

    /// Whether the database holds any document (demo data is loaded only when not).
    pub async fn has_documents(&self) -> Result<bool> {
        Ok(self.store.count_documents().await? > 0)
    }

    /// For tests and tools: the current instant as a stamp of the system.
    pub fn system_stamp(at: Option<Micros>) -> Stamp {
        match at {
            Some(t) => Stamp::backdated(None, t),
            None => Stamp::now(None),
        }
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
