//! Who may do what. One table, checked by every use case before it writes.
//!
//! - *admin* — the standing office (cơ quan thường trực): everything.
//! - *focal* — an agency's focal point (đầu mối): reads its own agency's
//!   assignments and writes its own progress reports, commitments and extension
//!   requests; self-assesses its own agency's databases, and, for the reviewing
//!   agency (Bộ Công an), reassesses the others' (docs/databases.md); nothing else.
//! - *viewer* — leaders and observers: reads everything, writes nothing.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Focal,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Focal => "focal",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "focal" => Some(Role::Focal),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }
}

/// The signed-in person acting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// The agency a focal point speaks for.
    pub agency_id: Option<i64>,
}

/// Every write the system knows. Reads are governed by [`Actor::sees_agency`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Write {
    ManageAgencies,
    ManageDocuments,
    ManageTasks,
    ManageAssignments,
    ManageUsers,
    /// Confirm a completion, reopen, cancel.
    ConfirmCompletion,
    /// Accept or return a progress report.
    ReviewReport,
    /// Approve or refuse an extension request.
    DecideExtension,
    /// Issue an urging letter (công văn đôn đốc) on overdue assignments.
    Urge,
    /// Progress report on an assignment of `agency`.
    Report {
        agency: i64,
    },
    /// Commitment on an assignment of `agency`.
    Commit {
        agency: i64,
    },
    /// Extension request on an assignment of `agency`.
    RequestExtension {
        agency: i64,
    },
    /// Define indicators and their targets.
    ManageIndicators,
    /// Edit the notification rules and webhooks; read every notice sent.
    ManageNotifications,
    /// Enter measurements of `agency` (`None`: national figures, the office's).
    Measure {
        agency: Option<i64>,
    },
    // -- database quality (docs/databases.md)
    /// Register databases, set the criteria, open and publish assessment rounds.
    ManageDatabases,
    /// Self-assess a database owned by `owner` (tự đánh giá).
    AssessDatabase {
        owner: i64,
    },
    /// Reassess a database owned by `owner`, as the reviewing agency `reviewer`
    /// (thẩm định lại); never one's own agency's database.
    ReassessDatabase {
        reviewer: i64,
        owner: i64,
    },
}

impl Actor {
    /// Whether the actor may make the write.
    pub fn may(&self, write: Write) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Viewer => false,
            Role::Focal => match write {
                Write::Report { agency }
                | Write::Commit { agency }
                | Write::RequestExtension { agency } => self.agency_id == Some(agency),
                Write::Measure { agency } => agency.is_some() && self.agency_id == agency,
                Write::AssessDatabase { owner } => self.agency_id == Some(owner),
                Write::ReassessDatabase { reviewer, owner } => {
                    self.agency_id == Some(reviewer) && reviewer != owner
                }
                _ => false,
            },
        }
    }

    /// Whether the actor may read the work of `agency`.
    pub fn sees_agency(&self, agency: i64) -> bool {
        match self.role {
            Role::Admin | Role::Viewer => true,
            Role::Focal => self.agency_id == Some(agency),
        }
    }

    /// The agency a focal point is confined to; `None` for roles that see all.
    pub fn confined_to(&self) -> Option<i64> {
        match self.role {
            Role::Focal => Some(self.agency_id.unwrap_or(-1)),
            _ => None,
        }
    }
}

/// Who may make a kind of write at all, for whichever agency: what a request can
/// be checked against before its body is read (a viewer who sends a malformed
/// body is told 403, not 422). The exact check, [`Actor::may`], follows once the
/// body names the agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gate {
    /// The standing office only (admins).
    Office,
    /// The office and the focal points (each for its own agency).
    Agencies,
}

impl Write {
    /// The gate in front of this write.
    pub fn gate(self) -> Gate {
        match self {
            Write::Report { .. }
            | Write::Commit { .. }
            | Write::RequestExtension { .. }
            | Write::Measure { .. }
            | Write::AssessDatabase { .. }
            | Write::ReassessDatabase { .. } => Gate::Agencies,
            _ => Gate::Office,
        }
    }
}

impl Role {
    /// Whether someone with this role may pass the gate (may make some write
    /// behind it).
    pub fn passes(self, gate: Gate) -> bool {
        matches!(
            (self, gate),
            (Role::Admin, _) | (Role::Focal, Gate::Agencies)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, agency: Option<i64>) -> Actor {
        Actor {
            user_id: 1,
            username: "u".into(),
            role,
            agency_id: agency,
        }
    }

    #[test]
    fn permissions_matrix() {
        let admin = actor(Role::Admin, None);
        let viewer = actor(Role::Viewer, None);
        let focal = actor(Role::Focal, Some(7));
        let office_writes = [
            Write::ManageAgencies,
            Write::ManageDocuments,
            Write::ManageTasks,
            Write::ManageAssignments,
            Write::ManageUsers,
            Write::ConfirmCompletion,
            Write::ReviewReport,
            Write::DecideExtension,
            Write::Urge,
            Write::ManageIndicators,
            Write::ManageNotifications,
            Write::Measure { agency: None },
        ];
        for w in office_writes {
            assert!(admin.may(w), "{w:?}");
            assert!(!viewer.may(w), "{w:?}");
            assert!(!focal.may(w), "{w:?}");
        }
        for w in [
            Write::Report { agency: 7 },
            Write::Commit { agency: 7 },
            Write::RequestExtension { agency: 7 },
            Write::Measure { agency: Some(7) },
        ] {
            assert!(admin.may(w) && focal.may(w) && !viewer.may(w), "{w:?}");
        }
        for w in [
            Write::Report { agency: 8 },
            Write::Commit { agency: 8 },
            Write::RequestExtension { agency: 8 },
            Write::Measure { agency: Some(8) },
        ] {
            assert!(!focal.may(w), "{w:?}");
        }
        assert!(focal.sees_agency(7) && !focal.sees_agency(8));
        assert!(viewer.sees_agency(8));
        // A focal point without an agency sees nothing.
        let lost = actor(Role::Focal, None);
        assert!(!lost.sees_agency(7) && !lost.may(Write::Report { agency: 7 }));
        assert_eq!(lost.confined_to(), Some(-1));
    }

    #[test]
    fn database_assessment_permissions() {
        let admin = actor(Role::Admin, None);
        let viewer = actor(Role::Viewer, None);
        let owner = actor(Role::Focal, Some(7));
        let reviewer = actor(Role::Focal, Some(9));
        let self_assess = Write::AssessDatabase { owner: 7 };
        let reassess = Write::ReassessDatabase {
            reviewer: 9,
            owner: 7,
        };
        assert!(admin.may(self_assess) && admin.may(reassess) && admin.may(Write::ManageDatabases));
        assert!(!viewer.may(self_assess) && !viewer.may(reassess));
        assert!(owner.may(self_assess) && !owner.may(reassess));
        assert!(!owner.may(Write::AssessDatabase { owner: 8 }));
        assert!(reviewer.may(reassess) && !reviewer.may(self_assess));
        assert!(!owner.may(Write::ManageDatabases) && !reviewer.may(Write::ManageDatabases));
        // The reviewing agency does not reassess its own databases.
        assert!(!reviewer.may(Write::ReassessDatabase {
            reviewer: 9,
            owner: 9
        }));
        assert!(reviewer.may(Write::AssessDatabase { owner: 9 }));
    }

    /// The gate never refuses a write the exact rule allows.
    #[test]
    fn the_gate_is_never_stricter_than_the_rule() {
        let writes = [
            Write::ManageAgencies,
            Write::ManageDocuments,
            Write::ManageTasks,
            Write::ManageAssignments,
            Write::ManageUsers,
            Write::ConfirmCompletion,
            Write::ReviewReport,
            Write::DecideExtension,
            Write::ManageIndicators,
            Write::ManageDatabases,
            Write::Measure { agency: None },
            Write::Measure { agency: Some(7) },
            Write::Report { agency: 7 },
            Write::Commit { agency: 7 },
            Write::RequestExtension { agency: 7 },
            Write::AssessDatabase { owner: 7 },
            Write::ReassessDatabase {
                reviewer: 7,
                owner: 8,
            },
        ];
        for role in [Role::Admin, Role::Focal, Role::Viewer] {
            let a = actor(role, Some(7));
            for w in writes {
                if a.may(w) {
                    assert!(role.passes(w.gate()), "{role:?} {w:?}");
                }
            }
        }
        assert!(!Role::Viewer.passes(Gate::Agencies));
        assert!(!Role::Focal.passes(Gate::Office));
    }
}
