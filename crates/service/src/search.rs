//! One search for the whole site (issue 14 item 6): tasks, documents (number,
//! title and whole text), agencies (name, code, short name, aliases) and
//! indicators (code, name), each section with its count and its first results.
//!
//! The rule: the query is folded like every search key (`text::fold`: no
//! diacritics, `đ` → `d`, lower case), so "bo khoa hoc" finds "Bộ Khoa học" and
//! "d" finds "đ"; every word must occur (AND), anywhere in the folded key (the task
//! list's rule). A focal point sees what it sees elsewhere: the tasks assigned to
//! its agency (the task list's own query and confinement), the documents that
//! assign its agency something (as `/van-ban`), its own agency (as `/co-quan`);
//! indicators are everyone's. As of a day, tasks and documents are those the
//! system knew by the end of it; agencies and indicators are today's register.

use chrono::NaiveDate;
use serde::Serialize;
use tiendo_core::model::Task;
use tiendo_core::policy::Actor;
use tiendo_core::snippet::{Piece, marked, query_words, snippet};
use tiendo_core::status::Status;
use tiendo_core::time::{end_of_day, today};
use tiendo_store::{SearchFilter, TaskFilter, TaskSort};
use utoipa::ToSchema;

use crate::{Result, Service, ServiceError};

/// The longest query taken, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// The most words a query may hold (each is one more condition on every row).
pub const MAX_WORDS: usize = 12;
/// How many characters of a long text a result shows around its first match.
pub const PASSAGE_CHARS: usize = 220;

/// What the site search found: each section's count and first results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SiteSearch {
    /// The query as typed (NFC).
    pub q: String,
    /// Its folded words, each of which a result holds.
    pub words: Vec<String>,
    /// The day searched as of (today unless `as_of` was given).
    pub as_of: NaiveDate,
    pub tasks: TaskHits,
    pub documents: DocumentHits,
    pub agencies: AgencyHits,
    pub indicators: IndicatorHits,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskHits {
    pub total: i64,
    pub items: Vec<TaskHit>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentHits {
    pub total: i64,
    pub items: Vec<DocumentHit>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgencyHits {
    pub total: i64,
    pub items: Vec<AgencyHit>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicatorHits {
    pub total: i64,
    pub items: Vec<IndicatorHit>,
}

/// A task found: the passage of its text around the first match, words marked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskHit {
    pub id: i64,
    /// Its place in the document ("III.5.a.(2)").
    #[serde(rename = "ref")]
    pub ref_: Option<String>,
    pub document_citation: String,
    /// Its status on the day (for a focal point: of its own assignment).
    pub status: Option<Status>,
    /// Its deadline in words ("25/11/2025", "Quý IV/2025", "thường xuyên").
    pub deadline: String,
    pub excerpt: Vec<Piece>,
}

/// A document found: its title with the words marked and, when its text holds
/// them, the passage around the first match.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentHit {
    pub id: i64,
    pub number: Option<String>,
    pub kind: String,
    pub citation: String,
    pub issued_on: Option<NaiveDate>,
    pub title: Vec<Piece>,
    pub excerpt: Option<Vec<Piece>>,
}

/// An agency found: its name with the words marked and, when they were found in
/// another of its names (code, short name, alias), that name marked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgencyHit {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub name: Vec<Piece>,
    pub also: Option<Vec<Piece>>,
}

/// An indicator found, its name with the words marked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicatorHit {
    pub code: String,
    pub name: Vec<Piece>,
    pub unit: String,
}

fn has_mark(p: &[Piece]) -> bool {
    p.iter().any(|p| p.mark)
}

fn task_hit(t: &Task, words: &[String]) -> TaskHit {
    let excerpt = snippet(&t.text, words, PASSAGE_CHARS).unwrap_or_else(|| {
        // Found by its reference, product, source or agency names: its beginning.
        vec![Piece {
            text: tiendo_core::text::clip_words(&t.text, PASSAGE_CHARS),
            mark: false,
        }]
    });
    TaskHit {
        id: t.id,
        ref_: t.ref_.clone(),
        document_citation: t.document_citation.clone(),
        status: t.status,
        deadline: t.deadline.label.clone(),
        excerpt,
    }
}

impl Service {
    /// Searches the whole site for `q` as `actor` sees it, as of `as_of` (today
    /// when `None`), with at most `limit` results a section (and each count).
    pub async fn search(
        &self,
        actor: &Actor,
        q: &str,
        as_of: Option<NaiveDate>,
        limit: i64,
    ) -> Result<SiteSearch> {
        let q = tiendo_core::text::nfc(q.trim());
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(ServiceError::invalid(
                "q",
                format!("is longer than {MAX_QUERY_CHARS} characters"),
            ));
        }
        let words = query_words(&q);
        if words.len() > MAX_WORDS {
            return Err(ServiceError::invalid(
                "q",
                format!("has more than {MAX_WORDS} words"),
            ));
        }
        let day = as_of.unwrap_or_else(today);
        let mut out = SiteSearch {
            q: q.clone(),
            words: words.clone(),
            as_of: day,
            tasks: TaskHits {
                total: 0,
                items: Vec::new(),
            },
            documents: DocumentHits {
                total: 0,
                items: Vec::new(),
            },
            agencies: AgencyHits {
                total: 0,
                items: Vec::new(),
            },
            indicators: IndicatorHits {
                total: 0,
                items: Vec::new(),
            },
        };
        if words.is_empty() {
            return Ok(out);
        }
        let limit = limit.clamp(1, 100);
        let tasks = TaskFilter {
            agency_id: None,
            document_id: None,
            status: None,
            as_of: day,
            known_only: as_of.is_some(),
            due_from: None,
            due_to: None,
            field: None,
            words: words.clone(),
            confined_to: None,
            lacking: None,
            due_soon_days: 0,
            sort: TaskSort::Due,
            page: 1,
            per_page: limit,
        };
        let f = SearchFilter {
            words: words.clone(),
            confined_to: actor.confined_to(),
            known_by: as_of.map(end_of_day),
            limit,
        };
        let (tasks, documents, agencies, indicators) = tokio::join!(
            self.list_tasks(actor, tasks),
            self.store.search_documents(&f),
            self.store.search_agencies(&f),
            self.store.search_indicators(&f),
        );
        let tasks = tasks?;
        out.tasks = TaskHits {
            total: tasks.total,
            items: tasks.items.iter().map(|t| task_hit(t, &words)).collect(),
        };
        let (documents, total) = documents?;
        out.documents = DocumentHits {
            total,
            items: documents
                .into_iter()
                .map(|hit| {
                    let d = hit.document;
                    DocumentHit {
                        title: marked(&d.title, &words),
                        excerpt: hit
                            .body
                            .as_deref()
                            .and_then(|b| snippet(b, &words, PASSAGE_CHARS)),
                        id: d.id,
                        number: d.number,
                        kind: d.kind,
                        citation: d.citation,
                        issued_on: d.issued_on,
                    }
                })
                .collect(),
        };
        let (agencies, total) = agencies?;
        out.agencies = AgencyHits {
            total,
            items: agencies
                .into_iter()
                .map(|a| {
                    let name = marked(&a.name, &words);
                    let also = if has_mark(&name) {
                        None
                    } else {
                        std::iter::once(&a.code)
                            .chain(a.short_name.iter())
                            .chain(a.aliases.iter())
                            .map(|other| marked(other, &words))
                            .find(|p| has_mark(p))
                    };
                    AgencyHit {
                        id: a.id,
                        code: a.code,
                        kind: a.kind,
                        name,
                        also,
                    }
                })
                .collect(),
        };
        let (indicators, total) = indicators?;
        out.indicators = IndicatorHits {
            total,
            items: indicators
                .into_iter()
                .map(|i| IndicatorHit {
                    name: marked(&i.name, &words),
                    code: i.code,
                    unit: i.unit,
                })
                .collect(),
        };
        Ok(out)
    }
}
