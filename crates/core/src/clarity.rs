//! The "6 rõ" of an assigned task (rõ người, rõ việc, rõ thời gian, rõ trách
//! nhiệm, rõ sản phẩm, rõ thẩm quyền): the committee's check that an assignment
//! can be carried out and judged. A task lacking one is a defect of the
//! assignment, which the office wants to see and mend (issue 14).
//!
//! The rule is written once here; the store's task filter (`lacking=`) tests the
//! same columns in SQL, and a store test holds the two equal.

use crate::model::Task;

/// One of the six.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Clarity {
    /// Who does it: a lead agency.
    Person,
    /// What is to be done: the task's text.
    Task,
    /// By when: a deadline of any kind but "none" (an event counts: it is a rule).
    Time,
    /// Which leader directs it (lãnh đạo chỉ đạo).
    Responsibility,
    /// The expected result (sản phẩm).
    Product,
    /// The assigning document: every stored task has one.
    Authority,
}

impl Clarity {
    pub const ALL: [Clarity; 6] = [
        Clarity::Person,
        Clarity::Task,
        Clarity::Time,
        Clarity::Responsibility,
        Clarity::Product,
        Clarity::Authority,
    ];

    /// The code used in URLs and the API (`lacking=product`).
    pub fn as_str(self) -> &'static str {
        match self {
            Clarity::Person => "person",
            Clarity::Task => "task",
            Clarity::Time => "time",
            Clarity::Responsibility => "responsibility",
            Clarity::Product => "product",
            Clarity::Authority => "authority",
        }
    }

    pub fn parse(code: &str) -> Option<Clarity> {
        Clarity::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// Vietnamese name, as the committee writes it.
    pub fn label_vi(self) -> &'static str {
        match self {
            Clarity::Person => "Rõ người",
            Clarity::Task => "Rõ việc",
            Clarity::Time => "Rõ thời gian",
            Clarity::Responsibility => "Rõ trách nhiệm",
            Clarity::Product => "Rõ sản phẩm",
            Clarity::Authority => "Rõ thẩm quyền",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Clarity::Person => "Clear person",
            Clarity::Task => "Clear task",
            Clarity::Time => "Clear time",
            Clarity::Responsibility => "Clear responsibility",
            Clarity::Product => "Clear product",
            Clarity::Authority => "Clear authority",
        }
    }

    /// Whether the task lacks this one.
    pub fn lacking_in(self, t: &Task) -> bool {
        fn blank(v: &Option<String>) -> bool {
            v.as_deref().is_none_or(|s| s.trim().is_empty())
        }
        match self {
            Clarity::Person => t.lead.is_empty(),
            Clarity::Task => t.text.trim().is_empty(),
            Clarity::Time => t.deadline.kind == "none",
            Clarity::Responsibility => blank(&t.leader),
            Clarity::Product => blank(&t.product),
            Clarity::Authority => t.document_id <= 0,
        }
    }
}

/// What the task lacks of the six, in their order.
pub fn lacking(t: &Task) -> Vec<Clarity> {
    Clarity::ALL
        .into_iter()
        .filter(|c| c.lacking_in(t))
        .collect()
}

/// A filter on the six: tasks that lack a given one, or any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lacking {
    Any,
    One(Clarity),
}

impl Lacking {
    /// `any` or a clarity's code.
    pub fn parse(code: &str) -> Option<Lacking> {
        if code == "any" {
            Some(Lacking::Any)
        } else {
            Clarity::parse(code).map(Lacking::One)
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lacking::Any => "any",
            Lacking::One(c) => c.as_str(),
        }
    }

    pub fn matches(self, t: &Task) -> bool {
        match self {
            Lacking::Any => !lacking(t).is_empty(),
            Lacking::One(c) => c.lacking_in(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DeadlineView, PartyRef};

    fn task() -> Task {
        Task {
            id: 1,
            document_id: 7,
            document_citation: "365/TB-VPCP".into(),
            ref_: None,
            text: "Hoàn thiện Cổng dịch vụ công".into(),
            product: Some("Cổng vận hành".into()),
            field: None,
            priority: 2,
            deadline: DeadlineView {
                kind: "date".into(),
                due: chrono::NaiveDate::from_ymd_opt(2025, 9, 30),
                raw: "trước 30/9/2025".into(),
                label: "30/09/2025".into(),
            },
            lead: vec![PartyRef {
                agency_id: Some(3),
                code: "BCA".into(),
                name: "Bộ Công an".into(),
            }],
            coord: vec![],
            leader: Some("Thủ tướng".into()),
            source_citation: None,
            status: None,
            assignment_count: 1,
            cancelled: false,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn a_complete_task_lacks_nothing() {
        assert!(lacking(&task()).is_empty());
        assert!(!Lacking::Any.matches(&task()));
    }

    #[test]
    fn each_gap_is_named() {
        let mut t = task();
        t.lead.clear();
        t.deadline.kind = "none".into();
        t.product = Some("  ".into());
        t.leader = None;
        assert_eq!(
            lacking(&t),
            vec![
                Clarity::Person,
                Clarity::Time,
                Clarity::Responsibility,
                Clarity::Product
            ]
        );
        assert!(Lacking::Any.matches(&t));
        assert!(Lacking::One(Clarity::Product).matches(&t));
        assert!(!Lacking::One(Clarity::Task).matches(&t));
    }

    #[test]
    fn an_event_deadline_is_a_time() {
        let mut t = task();
        t.deadline.kind = "event".into();
        assert!(!Clarity::Time.lacking_in(&t));
    }

    #[test]
    fn codes_round_trip() {
        for c in Clarity::ALL {
            assert_eq!(Clarity::parse(c.as_str()), Some(c));
            assert_eq!(Lacking::parse(c.as_str()), Some(Lacking::One(c)));
        }
        assert_eq!(Lacking::parse("any"), Some(Lacking::Any));
        assert_eq!(Lacking::parse("nobody"), None);
    }
}
