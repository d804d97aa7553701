//! The office manages the agency register (issue 14.4): `/co-quan/moi` adds an
//! agency, `/co-quan/{id}/sua` changes one's name, short name, aliases (one a
//! line), parent agency (typed, found in the register ignoring accents, as the
//! other forms do), kind and groups. Errors sit by their field (422) with
//! everything typed kept; the service checks and audits each write
//! (`agency/create`, `agency/update`). A merged agency's end date and successor
//! are set by `/co-quan/{id}/sap-nhap` (`agency_merge.rs`). A focal point or a
//! viewer gets 403, GET and POST.

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use tiendo_core::agency::{AgencyKind, GROUP_LOCALITIES, GROUP_MINISTRIES, group_label};
use tiendo_core::model::Agency;
use tiendo_core::policy::Write;
use tiendo_core::text::fold;
use tiendo_service::ServiceError;
use tiendo_service::input::AgencyInput;

use super::agency::kind_label;
use super::office::{self, Errors, lines, suggestion};
use super::users::Opt;
use crate::ctx::*;
use crate::i18n::{self, Lang};

const OWN: [&str; 7] = [
    "code",
    "kind",
    "name",
    "short_name",
    "aliases",
    "parent",
    "groups",
];

#[derive(Debug, Default, Clone)]
pub struct AgencyFields {
    pub code: String,
    pub kind: String,
    pub name: String,
    pub short_name: String,
    /// One alias a line.
    pub aliases: String,
    /// The parent agency's name as typed.
    pub parent: String,
    pub groups: Vec<String>,
    pub errors: Errors,
}

impl AgencyFields {
    fn of(web: &Web, a: &Agency) -> AgencyFields {
        AgencyFields {
            code: a.code.clone(),
            kind: a.kind.clone(),
            name: a.name.clone(),
            short_name: a.short_name.clone().unwrap_or_default(),
            aliases: a.aliases.join("\n"),
            parent: a
                .parent_id
                .map(|p| web.service.agency_name(p))
                .unwrap_or_default(),
            groups: a.groups.clone(),
            errors: Errors::default(),
        }
    }

    fn from_form(form: &Form) -> AgencyFields {
        AgencyFields {
            code: form.raw("code").trim().to_string(),
            kind: form.raw("kind").trim().to_string(),
            name: form.raw("name"),
            short_name: form.raw("short_name"),
            aliases: form.raw("aliases"),
            parent: form.raw("parent"),
            groups: form.all("groups").into_iter().map(str::to_string).collect(),
            errors: Errors::default(),
        }
    }

    pub fn in_group(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x == g)
    }

    pub fn other(&self) -> Option<String> {
        self.errors.other(&OWN)
    }
}

#[derive(Template)]
#[template(path = "agency_edit.html")]
struct EditPage {
    ctx: Ctx,
    /// None for a new agency.
    id: Option<i64>,
    title: String,
    action: String,
    back: String,
    f: AgencyFields,
    kinds: Vec<Opt>,
    groups: Vec<(&'static str, &'static str)>,
    /// Today's agencies' names, for the parent's suggestions.
    names: Vec<String>,
}

pub fn gate(web: &Web) -> Result<(), axum::response::Response> {
    office::require(
        web,
        Write::ManageAgencies,
        "Chỉ cơ quan thường trực quản lý danh mục cơ quan.",
        "Only the standing office manages the agency register.",
    )
}

fn page(web: &Web, id: Option<i64>, status: StatusCode, f: AgencyFields) -> Out {
    let ctx = &web.ctx;
    let kinds = AgencyKind::ALL
        .iter()
        .map(|k| Opt {
            value: k.as_str().into(),
            label: kind_label(ctx.lang, k.as_str()),
            selected: f.kind == k.as_str(),
        })
        .collect();
    let (title, action, back) = match id {
        Some(id) => (
            format!("{}: {}", ctx.t("Sửa cơ quan", "Edit the agency"), f.name),
            format!("/co-quan/{id}/sua"),
            format!("/co-quan/{id}"),
        ),
        None => (
            ctx.t("Thêm cơ quan", "New agency").to_string(),
            "/co-quan/moi".to_string(),
            "/co-quan".to_string(),
        ),
    };
    Ok(render_status(
        status,
        &EditPage {
            ctx: ctx.clone(),
            id,
            title,
            action,
            back,
            f,
            kinds,
            groups: [GROUP_MINISTRIES, GROUP_LOCALITIES]
                .into_iter()
                .map(|g| (g, group_label(g).unwrap_or(g)))
                .collect(),
            names: web.service.current_agency_names(),
        },
    ))
}

async fn load(web: &Web, id: i64) -> Result<Agency, axum::response::Response> {
    web.service.get_agency(id).await.or_page(&web.ctx)
}

pub async fn new_form(web: Web) -> Out {
    let web = web.nav("agencies");
    gate(&web)?;
    page(&web, None, StatusCode::OK, AgencyFields::default())
}

pub async fn form(web: Web, Path(id): Path<i64>) -> Out {
    let web = web.nav("agencies");
    gate(&web)?;
    let a = load(&web, id).await?;
    let f = AgencyFields::of(&web, &a);
    page(&web, Some(id), StatusCode::OK, f)
}

/// A code from the name when none is typed: its folded words joined by '-'.
fn code_from(name: &str) -> String {
    let folded = fold(name);
    let words: Vec<String> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut code = words.join("-");
    code.truncate(60);
    code.trim_end_matches('-').to_string()
}

/// Checks the form and builds the service's input; errors land in `f`.
fn input(web: &Web, f: &mut AgencyFields, current: Option<&Agency>) -> Option<AgencyInput> {
    let lang = web.ctx.lang;
    let mut e = Errors::default();
    let name = f.name.trim().to_string();
    if name.is_empty() {
        e.add(
            "name",
            lang.t("Cần nhập tên cơ quan.", "The name is required."),
        );
    } else if name.chars().count() > 300 {
        e.add(
            "name",
            lang.t("Tên dài quá 300 ký tự.", "Longer than 300 characters."),
        );
    }
    if f.short_name.trim().chars().count() > 100 {
        e.add(
            "short_name",
            lang.t(
                "Tên viết tắt dài quá 100 ký tự.",
                "Longer than 100 characters.",
            ),
        );
    }
    if AgencyKind::parse(&f.kind).is_none() {
        e.add(
            "kind",
            lang.t("Chọn loại cơ quan.", "Pick the kind of agency."),
        );
    }
    if let Some(g) = f.groups.iter().find(|g| group_label(g).is_none()) {
        e.add(
            "groups",
            match lang {
                Lang::Vi => format!("Không có nhóm “{g}”."),
                Lang::En => format!("No group “{g}”."),
            },
        );
    }
    let code = match current {
        Some(a) => a.code.clone(),
        None if f.code.is_empty() => code_from(&name),
        None => f.code.clone(),
    };
    if current.is_none()
        && (code.is_empty()
            || !code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
    {
        e.add(
            "code",
            lang.t(
                "Mã chỉ gồm chữ thường không dấu, số và dấu gạch ngang (ví dụ bo-y-te).",
                "Lowercase ASCII letters, digits and '-' only (e.g. bo-y-te).",
            ),
        );
    }
    let parent = match f.parent.trim() {
        "" => None,
        typed => match web.service.resolve_agency("parent", typed, None) {
            Ok(p) if current.is_some_and(|a| a.id == p.id) => {
                e.add(
                    "parent",
                    lang.t(
                        "Một cơ quan không thể là cơ quan cấp trên của chính nó.",
                        "An agency cannot be its own parent.",
                    ),
                );
                None
            }
            Ok(p) => Some(p.code),
            Err(ServiceError::Invalid { message, .. }) => {
                e.add(
                    "parent",
                    match (lang, suggestion(&message)) {
                        (Lang::Vi, Some(h)) => {
                            format!("Không có cơ quan “{typed}” trong danh mục. Có phải “{h}”?")
                        }
                        (Lang::Vi, None) => format!("Không có cơ quan “{typed}” trong danh mục."),
                        (Lang::En, _) => message,
                    },
                );
                None
            }
            Err(_) => None,
        },
    };
    if !e.is_empty() {
        f.errors = e;
        return None;
    }
    let short = f.short_name.trim();
    Some(AgencyInput {
        code,
        kind: f.kind.clone(),
        name,
        short_name: (!short.is_empty()).then(|| short.to_string()),
        bare: current.and_then(|a| a.bare.clone()),
        aliases: lines(&f.aliases),
        groups: f.groups.clone(),
        valid_from: current.and_then(|a| a.valid_from),
        valid_to: current.and_then(|a| a.valid_to),
        successor: current
            .and_then(|a| a.successor_id)
            .and_then(|s| web.service.agency(s))
            .map(|s| s.code),
        parent,
    })
}

/// A refusal of the service by its field, in words.
fn refused(lang: Lang, f: &mut AgencyFields, e: ServiceError) -> Result<(), ServiceError> {
    let ServiceError::Invalid { field, message } = e else {
        return Err(e);
    };
    let key = if OWN.contains(&field.as_str()) {
        field.clone()
    } else {
        "other".into()
    };
    let text = match (lang, field.as_str()) {
        (Lang::Vi, "name") if message.starts_with("is already the name") => {
            let other = message
                .split_once('“')
                .and_then(|(_, r)| r.split_once('”'))
                .map(|(n, _)| n)
                .unwrap_or_default();
            format!("Đã có cơ quan mang tên này: “{other}”.")
        }
        (Lang::Vi, _) => i18n::message(lang, &message),
        (Lang::En, _) => format!("{field}: {message}"),
    };
    f.errors.add(&key, text);
    Ok(())
}

pub async fn create(web: Web, body: Bytes) -> Out {
    let web = web.nav("agencies");
    gate(&web)?;
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let mut f = AgencyFields::from_form(&form);
    let Some(input) = input(&web, &mut f, None) else {
        return page(&web, None, StatusCode::UNPROCESSABLE_ENTITY, f);
    };
    if web
        .service
        .resolve_agency("code", &input.code, None)
        .is_ok_and(|a| a.code == input.code)
    {
        f.errors.add(
            "code",
            web.ctx.t(
                "Mã này đã là của một cơ quan khác.",
                "Another agency has this code.",
            ),
        );
        return page(&web, None, StatusCode::CONFLICT, f);
    }
    match web.service.create_agency(&web.actor, &input).await {
        Ok(a) => Ok(see_other(&format!("/co-quan/{}?ok=tao", a.id))),
        Err(ServiceError::Conflict(_)) => {
            f.errors.add(
                "code",
                web.ctx.t(
                    "Mã này đã là của một cơ quan khác.",
                    "Another agency has this code.",
                ),
            );
            page(&web, None, StatusCode::CONFLICT, f)
        }
        Err(e) => match refused(web.ctx.lang, &mut f, e) {
            Ok(()) => page(&web, None, StatusCode::UNPROCESSABLE_ENTITY, f),
            Err(e) => Err(error_page(&web.ctx, e)),
        },
    }
}

pub async fn save(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("agencies");
    gate(&web)?;
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let current = load(&web, id).await?;
    let mut f = AgencyFields::from_form(&form);
    f.code = current.code.clone();
    let Some(input) = input(&web, &mut f, Some(&current)) else {
        return page(&web, Some(id), StatusCode::UNPROCESSABLE_ENTITY, f);
    };
    match web.service.update_agency(&web.actor, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/co-quan/{id}?ok=luu"))),
        Err(e) => match refused(web.ctx.lang, &mut f, e) {
            Ok(()) => page(&web, Some(id), StatusCode::UNPROCESSABLE_ENTITY, f),
            Err(e) => Err(error_page(&web.ctx, e)),
        },
    }
}
