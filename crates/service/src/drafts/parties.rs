//! The agencies a draft names, checked against the register on the document's
//! date: a known agency, one whose work another carries today (the 2025 mergers),
//! a group, or a body outside the register (a ministry's Cục, a province's Sở,
//! "Ủy ban nhân dân xã Văn Chấn") that joins the register when the draft is
//! confirmed, as a unit of the document's issuer or of the agency a reviewer chose.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tiendo_core::agency::AgencyRegistry;
use tiendo_core::model::{Agency, Document};
use tiendo_core::text::{fold, nfc};
use tiendo_store::{DraftRow, DraftUnit, NewAgency};
use utoipa::ToSchema;

use crate::Service;

/// What the register makes of one lead or coordinating name of a draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PartyCheck {
    /// `lead` or `coord`.
    pub role: String,
    /// Its place in that list (0-based), as in an error's field `lead[0]`.
    pub index: usize,
    /// The name as the draft writes it.
    pub name: String,
    /// `known` (in the register), `renamed` (in force on the document's date; today
    /// another agency carries its work), `group` (@bo-nganh, @dia-phuong), `new`
    /// (joins the register under `parent` on confirmation), `needs_parent` (would
    /// join it, but the document names no issuer: set the draft's `unit_parent`),
    /// `unknown` (a lead the register does not know: correct it) or `kept` (a
    /// coordinator outside the register, kept by name without an assignment).
    pub state: String,
    /// The register's agency the name designates on the document's date.
    pub agency: Option<String>,
    /// `renamed`: the agency that carries the work today (and gets the assignment).
    pub today: Option<String>,
    /// `new`: the agency it joins the register under.
    pub parent: Option<String>,
    /// `new`, `needs_parent`: its kind in the register (`other`, `commune`) and the
    /// extractor's (`unit`, `department`, `group`).
    pub kind: Option<String>,
    pub unit_kind: Option<String>,
    /// `unknown`: what the register suggests.
    pub hint: Option<String>,
}

/// A name resolved for confirmation.
#[derive(Debug, Clone)]
pub(crate) enum Party {
    Group,
    /// In the register; `today` is the agency that carries its work now when
    /// another does.
    Known {
        agency: Agency,
        today: Option<Agency>,
    },
    /// Joins the register on confirmation.
    New {
        unit: NewAgency,
        parent: Agency,
    },
    NeedsParent {
        unit_kind: String,
    },
    /// Not in the register and not a unit: the error to give for a lead.
    Unknown {
        message: String,
        hint: Option<String>,
    },
}

/// Head words (folded) of a body's name that make it a unit of some agency when
/// the extractor did not list it (a name a reviewer typed), with the unit's kind.
const UNIT_HEADS: &[(&str, &str)] = &[
    ("so ", "department"),
    ("tong cuc ", "unit"),
    ("chi cuc ", "unit"),
    ("cuc ", "unit"),
    ("vu ", "unit"),
    ("vien ", "unit"),
    ("trung tam ", "unit"),
    ("ban ", "unit"),
    ("phong ", "unit"),
    ("van phong ", "unit"),
    ("thanh tra ", "unit"),
    ("cong an tinh", "unit"),
    ("cong an thanh pho", "unit"),
    ("cong an xa ", "unit"),
    ("cong an phuong ", "unit"),
    ("bo chi huy ", "unit"),
    ("bo doi bien phong ", "unit"),
    ("thue tinh", "unit"),
    ("thue thanh pho", "unit"),
    ("kho bac ", "unit"),
    ("bao ", "unit"),
    ("tap chi ", "unit"),
    ("dai phat thanh", "unit"),
    ("dang uy ", "unit"),
    ("benh vien ", "unit"),
    ("truong ", "unit"),
    ("khu cong nghe cao ", "unit"),
    ("khu kinh te ", "unit"),
    ("uy ban nhan dan xa ", "unit"),
    ("uy ban nhan dan phuong ", "unit"),
    ("uy ban nhan dan dac khu ", "unit"),
    ("ubnd xa ", "unit"),
    ("ubnd phuong ", "unit"),
];

/// The extractor's kind of a body outside the register: from the extraction when
/// it listed the body, else from its head word; `None` when the name is not a
/// unit's (a misspelt ministry, say).
pub(crate) fn unit_kind(name: &str, units: &[DraftUnit]) -> Option<String> {
    let key = fold(name);
    if let Some(u) = units.iter().find(|u| fold(&u.name) == key) {
        return Some(u.kind.clone());
    }
    if key.split(' ').count() < 2 {
        return None;
    }
    if key.starts_with("cac ") || key.contains(" cac ") {
        return UNIT_HEADS
            .iter()
            .any(|(h, _)| key.replace("cac ", "").starts_with(h))
            .then(|| "group".to_string());
    }
    UNIT_HEADS
        .iter()
        .find(|(h, _)| key.starts_with(h))
        .map(|(_, k)| k.to_string())
}

/// The register's kind for a new unit: a commune's People's Committee is a
/// commune; every other unit, department or group is `other`, as the register's
/// units of ministries are (they are ranked with neither ministries nor provinces).
pub(crate) fn register_kind(name: &str, unit_kind: &str) -> &'static str {
    let key = fold(name);
    let commune = [
        "uy ban nhan dan xa ",
        "uy ban nhan dan phuong ",
        "uy ban nhan dan dac khu ",
        "ubnd xa ",
        "ubnd phuong ",
    ]
    .iter()
    .any(|h| key.starts_with(h));
    if commune && unit_kind != "group" {
        "commune"
    } else {
        "other"
    }
}

/// FNV-1a of a text, for short stable code suffixes.
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// The register code of a unit under a parent: the parent's code and the unit's
/// folded name ("bo-nn-mt-cuc-bien-doi-khi-hau"), at most 64 characters. The same
/// name under the same parent always gives the same code, so a unit joins once.
pub(crate) fn unit_code(name: &str, parent_code: &str) -> String {
    let slug: String = fold(name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let slug = slug
        .split('-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let code = format!("{parent_code}-{slug}");
    if code.len() <= 64 {
        return code;
    }
    let suffix = format!("{:08x}", stable_hash(&code) as u32);
    let head: String = code.chars().take(64 - 1 - suffix.len()).collect();
    format!("{}-{suffix}", head.trim_end_matches('-'))
}

impl Service {
    /// The agency a draft's new units join the register under: the one a reviewer
    /// chose, else the document's issuer; in either case the agency that carries
    /// its work today. `None` when neither is known.
    pub(crate) fn unit_parent_of(&self, row: &DraftRow, document: &Document) -> Option<Agency> {
        let chosen = row
            .unit_parent
            .as_deref()
            .and_then(|code| self.resolve_agency("unit_parent", code, None).ok());
        let agency = chosen.or_else(|| {
            let issuer = document.issuer.as_deref()?.trim();
            self.resolve_agency("issuer", issuer, document.issued_on)
                .ok()
        })?;
        self.agency(self.current_successor(agency.id))
    }

    /// What the register makes of one name of a draft on the document's date.
    pub(crate) fn party(
        &self,
        name: &str,
        on: Option<NaiveDate>,
        parent: Option<&Agency>,
        units: &[DraftUnit],
    ) -> Party {
        let name = nfc(name.trim());
        if name.starts_with('@') {
            return Party::Group;
        }
        let Some(kind) = unit_kind(&name, units) else {
            return match self.resolve_agency("name", &name, on) {
                Ok(agency) => self.known(&name, agency),
                Err(e) => Party::Unknown {
                    message: match &e {
                        crate::ServiceError::Invalid { message, .. } => message.clone(),
                        other => other.to_string(),
                    },
                    hint: AgencyRegistry::builtin()
                        .suggest(&name)
                        .map(|a| a.name.clone()),
                },
            };
        };
        // A unit: a code as such, the reference register (it knows some units:
        // Trung tâm Dữ liệu quốc gia, Bảo hiểm xã hội Việt Nam), then the units
        // already added under this parent (or under none), by name or by code; never
        // a same-named unit of another agency (every province has its "Sở Tài chính").
        let by_code =
            |code: &str| self.with_agencies(|c| c.by_code.get(code).map(|&i| c.all[i].clone()));
        if let Some(agency) = by_code(&name) {
            return self.known(&name, agency);
        }
        if let Some(a) = AgencyRegistry::builtin().resolve(&name, on)
            && let Some(agency) = by_code(&a.code)
        {
            return self.known(&name, agency);
        }
        let key = fold(&name);
        let parent_id = parent.map(|p| p.id);
        let same_name = self.with_agencies(|c| {
            let named = |a: &&Agency| fold(&a.name) == key;
            c.all
                .iter()
                .filter(named)
                .find(|a| parent_id.is_some() && a.parent_id == parent_id)
                .or_else(|| c.all.iter().filter(named).find(|a| a.parent_id.is_none()))
                .cloned()
        });
        if let Some(agency) = same_name {
            return self.known(&name, agency);
        }
        let Some(parent) = parent else {
            return Party::NeedsParent { unit_kind: kind };
        };
        let code = unit_code(&name, &parent.code);
        if let Some(agency) = by_code(&code) {
            return self.known(&name, agency);
        }
        Party::New {
            unit: NewAgency {
                code,
                kind: register_kind(&name, &kind).into(),
                name: name.clone(),
                short_name: None,
                bare: None,
                aliases: Vec::new(),
                groups: Vec::new(),
                valid_from: None,
                valid_to: None,
                successor_code: None,
                parent_code: Some(parent.code.clone()),
            },
            parent: parent.clone(),
        }
    }

    /// A known agency, with the one that carries its work today when another does:
    /// the agency itself was merged, or the name is an earlier agency's (a notice
    /// after 01/03/2025 still naming "Bộ Thông tin và Truyền thông").
    fn known(&self, name: &str, agency: Agency) -> Party {
        let today = self.current_successor(agency.id);
        if today != agency.id {
            return Party::Known {
                today: self.agency(today),
                agency,
            };
        }
        let registry = AgencyRegistry::builtin();
        let earlier = registry
            .lookup(name, None)
            .into_iter()
            .filter(|a| a.code != agency.code)
            .find(|a| {
                registry
                    .current(&a.code)
                    .is_some_and(|c| c.code == agency.code)
            })
            .and_then(|a| {
                self.with_agencies(|c| c.by_code.get(&a.code).map(|&i| c.all[i].clone()))
            });
        match earlier {
            Some(then) => Party::Known {
                agency: then,
                today: Some(agency),
            },
            None => Party::Known {
                agency,
                today: None,
            },
        }
    }

    /// Each lead and coordinating name of a draft, checked (for the review).
    pub(crate) fn party_checks(&self, row: &DraftRow, document: &Document) -> Vec<PartyCheck> {
        let parent = self.unit_parent_of(row, document);
        let on = document.issued_on;
        let mut out = Vec::new();
        for (role, names) in [("lead", &row.lead), ("coord", &row.coord)] {
            for (index, name) in names.iter().enumerate() {
                let mut check = PartyCheck {
                    role: role.into(),
                    index,
                    name: name.clone(),
                    state: String::new(),
                    agency: None,
                    today: None,
                    parent: None,
                    kind: None,
                    unit_kind: None,
                    hint: None,
                };
                match self.party(name, on, parent.as_ref(), &row.units) {
                    Party::Group => check.state = "group".into(),
                    Party::Known { agency, today } => {
                        check.state = if today.is_some() { "renamed" } else { "known" }.into();
                        check.agency = Some(agency.name);
                        check.today = today.map(|a| a.name);
                    }
                    Party::New { unit, parent } => {
                        check.state = "new".into();
                        check.parent = Some(parent.name);
                        check.kind = Some(unit.kind);
                        check.unit_kind = unit_kind(name, &row.units);
                    }
                    Party::NeedsParent { unit_kind } => {
                        check.state = "needs_parent".into();
                        check.unit_kind = Some(unit_kind);
                    }
                    Party::Unknown { hint, .. } => {
                        check.state = if role == "lead" { "unknown" } else { "kept" }.into();
                        check.hint = hint;
                    }
                }
                out.push(check);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_known_by_the_extraction_or_their_head_word() {
        let listed = vec![DraftUnit {
            name: "Công an tỉnh".into(),
            kind: "unit".into(),
        }];
        assert_eq!(unit_kind("Công an tỉnh", &listed).as_deref(), Some("unit"));
        assert_eq!(
            unit_kind("Sở Tài chính", &[]).as_deref(),
            Some("department")
        );
        assert_eq!(
            unit_kind("Cục Biến đổi khí hậu", &[]).as_deref(),
            Some("unit")
        );
        assert_eq!(
            unit_kind("Ủy ban nhân dân các xã, phường", &[]).as_deref(),
            Some("group")
        );
        // A misspelt ministry is not a unit: it must be corrected, not added.
        assert_eq!(unit_kind("Bộ Y tê", &[]), None);
        assert_eq!(unit_kind("Sở", &[]), None);
    }

    #[test]
    fn a_commune_committee_is_a_commune_other_units_are_other() {
        assert_eq!(
            register_kind("Ủy ban nhân dân xã Văn Chấn", "unit"),
            "commune"
        );
        assert_eq!(
            register_kind("Ủy ban nhân dân các xã, phường", "group"),
            "other"
        );
        assert_eq!(register_kind("Sở Tài chính", "department"), "other");
    }

    #[test]
    fn unit_codes_are_stable_ascii_and_short() {
        assert_eq!(unit_code("Sở Tài chính", "yen-bai"), "yen-bai-so-tai-chinh");
        assert_eq!(
            unit_code("Sở Tài Chính", "yen-bai"),
            unit_code("Sở Tài chính", "yen-bai")
        );
        let long = unit_code(
            "Trung tâm Nghiên cứu, Phát triển và Ứng dụng Công nghệ Chiến lược Quốc gia",
            "bo-khcn",
        );
        assert!(long.len() <= 64, "{long}");
        assert!(
            long.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        );
    }
}
