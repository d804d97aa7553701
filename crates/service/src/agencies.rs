//! The agencies: resolving names, groups and successors against the in-memory
//! reference data, and the office's lists and edits.

use chrono::NaiveDate;
use tiendo_core::agency::{AgencyRegistry, group_label};
use tiendo_core::model::{Agency, Page, PartyRef};
use tiendo_core::policy::{Actor, Write};
use tiendo_core::text::{fold, nfc};
use tiendo_store::{AgencyFilter, NewAgency, Stamp};

use crate::input::AgencyInput;
use crate::{PageRequest, Result, Service, ServiceError, non_empty, optional, page, require};

impl Service {
    pub fn agency(&self, id: i64) -> Option<Agency> {
        self.with_agencies(|c| c.by_id.get(&id).map(|&i| c.all[i].clone()))
    }

    /// The names of the agencies that exist today, sorted (for a picker).
    pub fn current_agency_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.with_agencies(|c| {
            c.all
                .iter()
                .filter(|a| a.valid_to.is_none())
                .map(|a| a.name.clone())
                .collect()
        });
        names.sort_by_key(|n| fold(n));
        names
    }

    /// The agencies that exist today, sorted by name (for a select: code and name).
    pub fn current_agencies(&self) -> Vec<Agency> {
        let mut all: Vec<Agency> = self.with_agencies(|c| {
            c.all
                .iter()
                .filter(|a| a.valid_to.is_none())
                .cloned()
                .collect()
        });
        all.sort_by_key(|a| fold(&a.name));
        all
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
            // Agencies the office added: match the official or short name, or
            // one of the other names the office gave it.
            let key = fold(name);
            c.all
                .iter()
                .find(|a| {
                    fold(&a.name) == key
                        || a.short_name.as_deref().map(fold).as_deref() == Some(&key)
                        || a.aliases.iter().any(|x| fold(x) == key)
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
    pub(crate) fn current_successor(&self, id: i64) -> i64 {
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

    /// Agency names are unique ignoring case and Unicode form
    /// ([`tiendo_core::text::name_key`]): another agency (not `except`) with the
    /// same name is refused with the field named.
    fn check_name_free(&self, name: &str, except: Option<i64>) -> Result<()> {
        let key = tiendo_core::text::name_key(name);
        let taken = self.with_agencies_list(|all| {
            all.iter()
                .find(|a| Some(a.id) != except && tiendo_core::text::name_key(&a.name) == key)
                .map(|a| (a.name.clone(), a.code.clone()))
        });
        match taken {
            Some((other, code)) => Err(ServiceError::invalid(
                "name",
                format!("is already the name of an agency: “{other}” (code {code})"),
            )),
            None => Ok(()),
        }
    }

    pub async fn create_agency(&self, actor: &Actor, input: &AgencyInput) -> Result<Agency> {
        require(actor, Write::ManageAgencies)?;
        let a = self.agency_input(input)?;
        self.check_name_free(&a.name, None)?;
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
        if tiendo_core::text::name_key(&a.name) != tiendo_core::text::name_key(&current.name) {
            self.check_name_free(&a.name, Some(id))?;
        }
        let updated = self
            .store
            .update_agency(id, &a, &Stamp::now(Some(actor.user_id)))
            .await?;
        self.reload_agencies().await?;
        Ok(updated)
    }
}
