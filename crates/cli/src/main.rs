//! `tiendo`: serve, user, import, export, status, extract, backup, restore.

mod backup;
mod first_run;
mod notify;
mod urging;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use tiendo_core::policy::Actor;
use tiendo_core::time::{format_date_vi, parse_day, today};
use tiendo_service::import::ImportOptions;
use tiendo_service::input::{DocumentInput, UserInput};
use tiendo_service::{Config, Service};
use tiendo_store::Store;
use urging::{LetterArgs, urging};

mod audit;

#[derive(Parser)]
#[command(
    name = "tiendo",
    version,
    about = "Theo dõi, giám sát, đánh giá nhiệm vụ — tracking the tasks the Government assigns"
)]
struct Cli {
    /// Act as this user: the actor of every change the command makes, with its
    /// role and agency (`system`, the system user, by default).
    #[arg(
        long = "as",
        global = true,
        default_value = "system",
        env = "TIENDO_AS"
    )]
    as_user: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct DataArgs {
    /// Data folder of the embedded SQLite database (ignored when DATABASE_URL is set).
    #[arg(long, default_value = "data-local", env = "TIENDO_DATA")]
    data: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (loads the demo data into an empty database unless --no-demo).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        #[command(flatten)]
        data: DataArgs,
        /// Do not load the demo data.
        #[arg(long)]
        no_demo: bool,
        /// Days before the deadline at which a task counts as due soon.
        #[arg(long, default_value_t = 7)]
        due_soon_days: u32,
        /// The largest evidence file a progress report may carry, in KiB (10 MiB by default).
        #[arg(long, env = "TIENDO_MAX_EVIDENCE_KB", default_value_t = 10 * 1024)]
        max_evidence_kb: usize,
        /// Served behind a reverse proxy that sets X-Forwarded-For: take each
        /// client's address from it (failed sign-ins are counted per address).
        #[command(flatten)]
        letter: LetterArgs,
        #[arg(long, env = "TIENDO_BEHIND_PROXY")]
        behind_proxy: bool,
        /// Take a backup into this folder at every --backup-every (docs/operations.md).
        #[arg(long, env = "TIENDO_BACKUP_DIR")]
        backup_dir: Option<PathBuf>,
        /// The period of scheduled backups: 30m, 6h, 1d, …
        #[arg(long, env = "TIENDO_BACKUP_EVERY", default_value = "1d")]
        backup_every: String,
        /// How many scheduled backups to keep (the oldest are removed).
        #[arg(long, env = "TIENDO_BACKUP_KEEP", default_value_t = 7)]
        backup_keep: usize,
        /// How often the notification scheduler runs, in seconds; 0 turns it off
        /// (docs/notifications.md). The mail server is TIENDO_SMTP_URL.
        #[arg(long, env = "TIENDO_NOTIFY_EVERY", default_value_t = 60)]
        notify_every: u64,
    },
    /// Back up the database into one file (a zip with a manifest) while it is in
    /// use: SQLite through VACUUM INTO, PostgreSQL as JSON Lines plus pg_dump when
    /// present (docs/operations.md).
    Backup {
        /// The backup file to write.
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        data: DataArgs,
        /// Print the manifest as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Restore a backup into a new data folder (or the empty PostgreSQL database of
    /// DATABASE_URL), after checking the file, its checksums and its tables.
    Restore {
        file: PathBuf,
        #[command(flatten)]
        data: DataArgs,
        /// Print the checks and the manifest as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Notifications: run the scheduler's work for a day, try the mail server
    /// (docs/notifications.md).
    Notify {
        #[command(subcommand)]
        command: notify::NotifyCommand,
    },
    /// Import a document and its tasks from JSON Lines in the gold format; with
    /// --all, a whole database written by `export --all` into an empty one.
    Import {
        file: PathBuf,
        #[command(flatten)]
        data: DataArgs,
        /// The file is a whole database (`export --all`): every table, ids kept,
        /// into an empty database, in one transaction.
        #[arg(long)]
        all: bool,
        /// Document number, when the file has no document line ("624/TB-VPCP").
        #[arg(long)]
        number: Option<String>,
        #[arg(long, default_value = "Thông báo")]
        kind: String,
        #[arg(long)]
        title: Option<String>,
        /// Issue date (YYYY-MM-DD or dd/mm/yyyy).
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        issuer: Option<String>,
    },
    /// Export documents and their tasks as JSON Lines in the gold format; with
    /// --all, the whole database (every table, one line a row).
    Export {
        #[command(flatten)]
        data: DataArgs,
        /// Every table of the database, as `import --all` reads it.
        #[arg(long, conflicts_with = "document")]
        all: bool,
        /// Only this document (id or number).
        #[arg(long)]
        document: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// The overdue report as of a day, as a table.
    Status {
        #[arg(long)]
        as_of: Option<String>,
        #[command(flatten)]
        data: DataArgs,
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// A report as a file (docs/reports.md): overdue (the 365/TB-VPCP appendix),
    /// monthly (to the Prime Minister), agency (report card), document
    /// (implementation report); as XLSX, DOCX or PDF, as of a day. Or the urging
    /// letter (urging: công văn đôn đốc, DOCX or PDF) on the overdue assignments
    /// of one agency (--agency) or of all, recorded in each task's history.
    Report {
        /// overdue, monthly, agency, document or urging.
        kind: String,
        #[arg(long)]
        as_of: Option<String>,
        /// xlsx, docx or pdf.
        #[arg(long, default_value = "pdf")]
        format: String,
        /// The file to write.
        #[arg(short, long)]
        output: PathBuf,
        /// agency: the agency (code, id, name or alias).
        #[arg(long)]
        agency: Option<String>,
        /// document: the document (id or number, "365/TB-VPCP").
        #[arg(long)]
        document: Option<String>,
        /// monthly: the month, YYYY-MM (default: the as-of day's month).
        #[arg(long)]
        month: Option<String>,
        /// urging: the day to finish by (default: the as-of day + 15 days).
        #[arg(long)]
        finish_by: Option<String>,
        /// urging: only draft the letter; record nothing in the history.
        #[arg(long)]
        preview: bool,
        #[command(flatten)]
        letter: LetterArgs,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Read directive documents (text, DOCX, PDF) and print the tasks they assign.
    Extract {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, default_value = "json", value_parser = ["json", "table"])]
        format: String,
        /// Write agency names as in force on this day (default: the document's date).
        #[arg(long)]
        as_of_names: Option<String>,
    },
    /// Read a document and store it with its proposed tasks as drafts for review.
    ImportDocument {
        file: PathBuf,
        #[command(flatten)]
        data: DataArgs,
        /// Confirm every proposed task at once (they become tasks with assignments).
        #[arg(long)]
        confirm: bool,
    },
    /// Load the demo data into an empty database.
    Demo {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Spreadsheets in: download a template, import a filled one (all rows or none).
    Sheet {
        #[command(subcommand)]
        command: SheetCommand,
    },
    /// Indicators: their status, one indicator's series, recording figures.
    Indicator {
        #[command(subcommand)]
        command: IndicatorCommand,
    },
    /// Score a month (agencies and leaders) and print the rankings; a preview
    /// unless --publish.
    Score {
        /// The month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// Publish the run (immutable; its hash goes into the history).
        #[arg(long)]
        publish: bool,
        /// With --publish: the run this one corrects, and why.
        #[arg(long)]
        replaces: Option<i64>,
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        data: DataArgs,
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Database quality: the register, assessment rounds, the ranking (docs/databases.md).
    Database {
        #[command(subcommand)]
        command: DatabaseCommand,
    },
    /// The audit history's tamper evidence: check the chain, write or check a
    /// signed checkpoint, print the head (docs/audit.md).
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
}

/// `tiendo sheet …` (docs/spreadsheets.md).
#[derive(Subcommand)]
enum SheetCommand {
    /// Write the XLSX template of KIND (tasks, reports, measurements).
    Template {
        #[arg(value_parser = ["tasks", "reports", "measurements"])]
        kind: String,
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Import a filled template: every row is checked; on any problem nothing is
    /// imported and every problem is printed with its row and column.
    Import {
        #[arg(value_parser = ["tasks", "reports", "measurements"])]
        kind: String,
        file: PathBuf,
        /// Only check the file.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum IndicatorCommand {
    /// Every indicator with its target, latest value and status.
    List {
        #[arg(long)]
        as_of: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// One indicator: its national series, targets and evaluation (JSON).
    Show {
        code: String,
        #[arg(long)]
        as_of: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Record measurements from a JSON file: [{"agency", "period", "value", "source"}, …].
    Record {
        code: String,
        file: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Record measurements of any indicators from an NDJSON file, one
    /// {"indicator", "agency", "period", "value", "source"} a line; all or nothing.
    ImportNdjson {
        file: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user (creates and migrates the database if needed).
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: String,
        #[arg(long, value_parser = ["admin", "focal", "viewer"])]
        role: String,
        /// The agency of a focal point (code, name or alias).
        #[arg(long)]
        agency: Option<String>,
        #[arg(long)]
        name: Option<String>,
        /// Where emailed notices go.
        #[arg(long)]
        email: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Set a user's password (a forgotten one): the user is signed out
    /// everywhere, their API tokens revoked, and must choose a new password at
    /// the next sign-in.
    ResetPassword {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// Opens the database: PostgreSQL when DATABASE_URL names one, else the SQLite
/// file in the data folder. Migrates it.
async fn open(data: &DataArgs, config: Config) -> Result<Service> {
    let store = match std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    {
        Some(url) => Store::open_url(&url)
            .await
            .with_context(|| "cannot open the database named by DATABASE_URL")?,
        None => Store::open_sqlite_dir(&data.data)
            .await
            .with_context(|| format!("cannot open the database in {}", data.data.display()))?,
    };
    Service::new(store, config)
        .await
        .map_err(|e| anyhow!("cannot prepare the database: {e}"))
}

async fn sheet(command: SheetCommand) -> Result<()> {
    use tiendo_service::sheets::SheetKind;
    match command {
        SheetCommand::Template { kind, output, data } => {
            let kind = SheetKind::parse(&kind).ok_or_else(|| anyhow!("unknown kind {kind}"))?;
            let service = open(&data, Config::default()).await?;
            let bytes = service
                .sheet_template(kind)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            std::fs::write(&output, bytes)
                .with_context(|| format!("cannot write {}", output.display()))?;
            println!(
                "wrote the {} template to {}",
                kind.as_str(),
                output.display()
            );
        }
        SheetCommand::Import {
            kind,
            file,
            dry_run,
            data,
        } => {
            let kind = SheetKind::parse(&kind).ok_or_else(|| anyhow!("unknown kind {kind}"))?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let service = open(&data, Config::default()).await?;
            let actor = operator(&service).await?;
            let started = std::time::Instant::now();
            match service
                .import_sheet(&actor, kind, &bytes, dry_run)
                .await
                .map_err(|e| anyhow!("{}: {e}", file.display()))?
            {
                Ok(s) => println!(
                    "{}{} rows read, {} {} {}, {} already present ({:.2} s)",
                    if s.dry_run { "dry run: " } else { "" },
                    s.rows,
                    s.created,
                    kind.as_str(),
                    if s.dry_run {
                        "would be imported"
                    } else {
                        "imported"
                    },
                    s.already_present,
                    started.elapsed().as_secs_f64()
                ),
                Err(errors) => {
                    for e in &errors {
                        eprintln!("{e}");
                    }
                    return Err(anyhow!(
                        "{}: nothing was imported; {} problem(s)",
                        file.display(),
                        errors.len()
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The name given with `--as` (set once, from the command line).
static OPERATOR: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The actor of the command: the user named by `--as` (the system user by
/// default). Every change the command makes is recorded as theirs.
async fn operator(service: &Service) -> Result<Actor> {
    let name = OPERATOR.get().map_or("system", String::as_str);
    service
        .actor_named(name)
        .await
        .map_err(|e| anyhow!("--as {name}: {e}"))
}

/// Opens the database and resolves the operator (`--as`).
async fn open_as(data: &DataArgs) -> Result<(Service, Actor)> {
    let service = open(data, Config::default()).await?;
    let actor = operator(&service).await?;
    Ok((service, actor))
}

fn day_arg(name: &str, value: Option<&str>) -> Result<NaiveDate> {
    match value {
        None => Ok(today()),
        Some(v) => parse_day(v)
            .ok_or_else(|| anyhow!("--{name}: '{v}' is not a date (YYYY-MM-DD or dd/mm/yyyy)")),
    }
}

async fn run(cli: Cli) -> Result<()> {
    let _ = OPERATOR.set(cli.as_user.clone());
    match cli.command {
        Command::Serve {
            addr,
            data,
            no_demo,
            due_soon_days,
            max_evidence_kb,
            behind_proxy,
            letter,
            backup_dir,
            backup_every,
            backup_keep,
            notify_every,
        } => {
            let schedule = backup::schedule(backup_dir, &backup_every, backup_keep)?;
            let service = open(
                &data,
                Config {
                    due_soon_days,
                    max_evidence_bytes: max_evidence_kb.saturating_mul(1024),
                    trust_forwarded_for: behind_proxy,
                    notify: notify::settings(&format!("http://{addr}"))?,
                    letterhead: letter.letterhead(),
                    ..Config::default()
                },
            )
            .await?;
            // The first run's setup link, made before the demo accounts so that
            // it exists whenever no one else could sign in.
            let setup_secret = service
                .begin_setup()
                .await
                .map_err(|e| anyhow!("cannot prepare the first run: {e}"))?;
            let mut demo_accounts = Vec::new();
            if !no_demo && !service.has_documents().await? {
                let started = std::time::Instant::now();
                let summary = service
                    .load_demo()
                    .await
                    .map_err(|e| anyhow!("cannot load the demo data: {e}"))?;
                tracing::info!(
                    documents = summary.documents,
                    tasks = summary.tasks,
                    completions = summary.completions,
                    ms = started.elapsed().as_millis() as u64,
                    "demo data loaded"
                );
                if setup_secret.is_some() {
                    demo_accounts = service
                        .create_demo_accounts()
                        .await
                        .map_err(|e| anyhow!("cannot make the demo accounts: {e}"))?;
                }
            }
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr}"))?;
            let bound = listener.local_addr()?;
            if let Some(schedule) = schedule {
                eprintln!(
                    "backups into {} every {} s, keeping {}",
                    schedule.dir.display(),
                    schedule.every.as_secs(),
                    schedule.keep
                );
                tokio::spawn(tiendo_store::backup::schedule::run(
                    service.store.clone(),
                    schedule,
                ));
            }
            if notify_every > 0 {
                eprintln!(
                    "notifications every {notify_every} s{}",
                    if service.config.notify.smtp.is_some() {
                        ", email through TIENDO_SMTP_URL"
                    } else {
                        " (in the pages; no mail server set)"
                    }
                );
                tokio::spawn(tiendo_service::notify::scheduler::run(
                    service.clone(),
                    std::sync::Arc::new(tiendo_service::notify::scheduler::SystemClock),
                    std::time::Duration::from_secs(notify_every),
                ));
            }
            eprintln!("tiendo listening on http://{bound} (API: http://{bound}/api/openapi.json)");
            first_run::print(bound, setup_secret.as_deref(), &demo_accounts);
            tiendo_server::serve_on(service, listener).await?;
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    password,
                    role,
                    agency,
                    name,
                    email,
                    data,
                },
        } => {
            let (service, actor) = open_as(&data).await?;
            let user = service
                .create_user(
                    Some(&actor),
                    &UserInput {
                        username,
                        password,
                        role,
                        agency,
                        display_name: name,
                        email,
                    },
                )
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!(
                "created user {} ({}) with id {}",
                user.username, user.role, user.id
            );
        }
        Command::Notify { command } => notify::run(command).await?,
        Command::User {
            command:
                UserCommand::ResetPassword {
                    username,
                    password,
                    data,
                },
        } => {
            let (service, actor) = open_as(&data).await?;
            let user = service
                .reset_password(&actor, &username, &password)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!(
                "set the password of {}; signed out everywhere, they choose a new one at the next sign-in",
                user.username
            );
        }
        Command::Backup { output, data, json } => backup::backup(&data, &output, json).await?,
        Command::Restore { file, data, json } => backup::restore(&file, &data, json).await?,
        Command::Import {
            file, data, all, ..
        } if all => backup::import_all(&data, &file).await?,
        Command::Export {
            data,
            all: true,
            output,
            ..
        } => backup::export_all(&data, output.as_deref()).await?,
        Command::Import {
            file,
            data,
            all: _,
            number,
            kind,
            title,
            date,
            issuer,
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let issued_on = match date.as_deref() {
                Some(d) => Some(day_arg("date", Some(d))?),
                None => None,
            };
            let document = number.clone().map(|n| DocumentInput {
                number: Some(n.clone()),
                kind,
                title: title.unwrap_or(n),
                issued_on,
                issuer,
                signer: None,
                body: None,
            });
            let service = open(&data, Config::default()).await?;
            let summary = service
                .import_jsonl(
                    &operator(&service).await?,
                    &text,
                    ImportOptions {
                        document,
                        recorded_at: None,
                    },
                )
                .await
                .map_err(|e| anyhow!("{}: {e}", file.display()))?;
            println!(
                "document {}{}: {} task(s) created, {} already present",
                summary.document_id,
                if summary.document_created {
                    " (new)"
                } else {
                    ""
                },
                summary.tasks_created,
                summary.tasks_already_present
            );
        }
        Command::Export {
            data,
            all: false,
            document,
            output,
        } => {
            let service = open(&data, Config::default()).await?;
            let actor = operator(&service).await?;
            let ids: Vec<i64> = match document {
                Some(d) => match d.parse::<i64>() {
                    Ok(id) => vec![id],
                    Err(_) => vec![
                        service
                            .store
                            .find_document_by_number(&d)
                            .await?
                            .ok_or_else(|| anyhow!("no document numbered {d}"))?
                            .id,
                    ],
                },
                None => {
                    let f = tiendo_store::DocumentFilter {
                        page: 1,
                        per_page: 1000,
                        ..Default::default()
                    };
                    let mut docs = service
                        .list_documents(&actor, f)
                        .await
                        .map_err(|e| anyhow!("{e}"))?
                        .items;
                    docs.sort_by_key(|d| d.id);
                    docs.into_iter().map(|d| d.id).collect()
                }
            };
            let mut out = String::new();
            for id in ids {
                out.push_str(
                    &service
                        .export_jsonl(&actor, id)
                        .await
                        .map_err(|e| anyhow!("{e}"))?,
                );
            }
            match output {
                Some(path) => std::fs::write(&path, out)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{out}"),
            }
        }
        Command::Report {
            kind,
            as_of,
            format,
            output,
            agency,
            document,
            month,
            finish_by,
            preview,
            letter,
            data,
        } => {
            if kind.trim() == "urging" {
                let as_of = day_arg("as-of", as_of.as_deref())?;
                let finish_by = match finish_by.as_deref() {
                    Some(v) => Some(day_arg("finish-by", Some(v))?),
                    None => None,
                };
                let config = Config {
                    letterhead: letter.letterhead(),
                    ..Config::default()
                };
                return urging(
                    &data, config, as_of, agency, finish_by, preview, &format, &output,
                )
                .await;
            }
            let kind =
                tiendo_service::reports::ReportKind::parse(&kind).map_err(|e| anyhow!("{e}"))?;
            let format = tiendo_reports::Format::parse(&format)
                .ok_or_else(|| anyhow!("--format must be xlsx, docx or pdf"))?;
            let as_of = match as_of.as_deref() {
                Some(_) => Some(day_arg("as-of", as_of.as_deref())?),
                None => None,
            };
            let service = open(&data, Config::default()).await?;
            let req = tiendo_service::reports::ReportRequest {
                kind,
                as_of,
                month,
                agency,
                document,
            };
            let printed = service
                .report(&operator(&service).await?, &req)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            let bytes = tiendo_reports::render(&printed, format).map_err(|e| anyhow!("{e}"))?;
            std::fs::write(&output, &bytes)
                .with_context(|| format!("cannot write {}", output.display()))?;
            eprintln!("{} ({} bytes)", output.display(), bytes.len());
        }
        Command::Status { as_of, data, json } => {
            let day = day_arg("as-of", as_of.as_deref())?;
            let service = open(&data, Config::default()).await?;
            let report = service
                .overdue_report(&operator(&service).await?, day)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", overdue_table(&report));
            }
        }
        Command::Sheet { command } => sheet(command).await?,
        Command::Indicator { command } => match command {
            IndicatorCommand::List { as_of, data } => {
                let day = day_arg("as-of", as_of.as_deref())?;
                let service = open(&data, Config::default()).await?;
                let list = service
                    .list_indicators(None, day)
                    .await
                    .map_err(|e| anyhow!("{e}"))?;
                println!("CHỈ TIÊU tại ngày {}\n", format_date_vi(day));
                for i in list {
                    let latest = i
                        .latest
                        .map(|p| format!("{} {} ({})", p.value, i.unit, p.period))
                        .unwrap_or_else(|| "—".into());
                    let target = i
                        .target
                        .map(|t| format!("{} {} trước {}", t.value, i.unit, format_date_vi(t.due)))
                        .unwrap_or_else(|| "—".into());
                    println!(
                        "{:<30} {:<18} mới nhất: {latest}; mục tiêu: {target}\n    {}",
                        i.code, i.status_label, i.name
                    );
                }
            }
            IndicatorCommand::Show { code, as_of, data } => {
                let day = day_arg("as-of", as_of.as_deref())?;
                let service = open(&data, Config::default()).await?;
                let detail = service
                    .indicator_detail(&code, day)
                    .await
                    .map_err(|e| anyhow!("{e}"))?;
                println!("{}", serde_json::to_string_pretty(&detail)?);
            }
            IndicatorCommand::Record { code, file, data } => {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let rows: Vec<tiendo_service::indicators::MeasurementInput> =
                    serde_json::from_str(&text).with_context(|| {
                        format!("{}: not a JSON list of measurements", file.display())
                    })?;
                let service = open(&data, Config::default()).await?;
                let n = service
                    .record_measurements(&operator(&service).await?, &code, &rows)
                    .await
                    .map_err(|e| anyhow!("{e}"))?;
                println!("recorded {n} measurement(s) of {code}");
            }
            IndicatorCommand::ImportNdjson { file, data } => {
                let bytes = std::fs::read(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let show = |errors: Vec<tiendo_service::indicators::ItemError>,
                            lines: Option<&[usize]>| {
                    let text: Vec<String> = errors
                        .iter()
                        .map(|e| {
                            let line = e
                                .line
                                .or_else(|| lines.and_then(|l| l.get(e.index).copied()));
                            format!(
                                "{}:{}: {}: {}",
                                file.display(),
                                line.unwrap_or(e.index + 1),
                                e.field,
                                e.message
                            )
                        })
                        .collect();
                    anyhow!(
                        "nothing was recorded; {} bad line(s):\n{}",
                        errors.len(),
                        text.join("\n")
                    )
                };
                let (items, lines) = tiendo_server::api_indicators::parse_batch(&bytes, true)
                    .map_err(|errors| show(errors, None))?;
                let service = open(&data, Config::default()).await?;
                match service
                    .insert_measurements(&operator(&service).await?, items)
                    .await
                {
                    Ok(o) => println!(
                        "{} measurement(s): {} inserted, {} corrected, {} unchanged",
                        o.received, o.inserted, o.corrected, o.unchanged
                    ),
                    Err(tiendo_service::indicators::BulkError::Items(errors)) => {
                        return Err(show(errors, lines.as_deref()));
                    }
                    Err(tiendo_service::indicators::BulkError::Service(e)) => {
                        return Err(anyhow!("{e}"));
                    }
                }
            }
        },
        Command::Extract {
            files,
            format,
            as_of_names,
        } => {
            let options = tiendo_extract::ExtractOptions {
                as_of_names: match as_of_names.as_deref() {
                    Some(d) => Some(day_arg("as-of-names", Some(d))?),
                    None => None,
                },
                registry: None,
            };
            let mut results = Vec::new();
            for file in &files {
                let x = tiendo_extract::extract_path(file, &options)
                    .map_err(|e| anyhow!("{}: {e}", file.display()))?;
                results.push((file.display().to_string(), x));
            }
            if format == "table" {
                print!("{}", tiendo_extract::render_table(&results));
            } else if results.len() == 1 {
                println!("{}", serde_json::to_string_pretty(&results[0].1)?);
            } else {
                let all: Vec<&tiendo_extract::Extraction> =
                    results.iter().map(|(_, x)| x).collect();
                println!("{}", serde_json::to_string_pretty(&all)?);
            }
        }
        Command::ImportDocument {
            file,
            data,
            confirm,
        } => {
            let service = open(&data, Config::default()).await?;
            let actor = operator(&service).await?;
            let imported = service
                .import_document_file(&actor, &file)
                .await
                .map_err(|e| anyhow!("{}: {e}", file.display()))?;
            println!(
                "document {} ({}){}: {} task(s) proposed now, {} draft(s) in all",
                imported.document.id,
                imported.document.citation,
                if imported.document_created {
                    ", new"
                } else {
                    ", already registered"
                },
                imported.drafts_created,
                imported.drafts.len()
            );
            for d in &imported.drafts {
                let repeat = d
                    .repeat_of
                    .map(|id| format!(" [likely repeats task {id}]"))
                    .unwrap_or_default();
                let confidence = d
                    .confidence
                    .map(|c| format!("{:>3}%", (c * 100.0).round()))
                    .unwrap_or_else(|| "   -".into());
                let doubts = if d.doubts.is_empty() {
                    String::new()
                } else {
                    format!(" [doubts: {}]", d.doubts.join(", "))
                };
                println!(
                    "  #{:<5} {:<12} {:<10} {confidence} {}{repeat}{doubts}",
                    d.id,
                    d.ref_.as_deref().unwrap_or(""),
                    d.state,
                    d.text
                );
            }
            for w in &imported.warnings {
                eprintln!("warning: {w}");
            }
            if confirm {
                let ids = service
                    .confirm_all_drafts(&actor, imported.document.id)
                    .await
                    .map_err(|e| anyhow!("{e}"))?;
                println!("confirmed {} task(s)", ids.len());
            }
        }
        Command::Demo { data } => {
            let service = open(&data, Config::default()).await?;
            let s = service.load_demo().await.map_err(|e| anyhow!("{e}"))?;
            println!(
                "demo data: {} documents, {} tasks, {} completions",
                s.documents, s.tasks, s.completions
            );
        }
        Command::Score {
            month,
            publish,
            replaces,
            reason,
            data,
            json,
        } => {
            let service = open(&data, Config::default()).await?;
            let run = service
                .run_scoring(
                    &operator(&service).await?,
                    &tiendo_service::scoring::ScoreRunInput {
                        month,
                        publish,
                        replaces,
                        reason,
                    },
                )
                .await
                .map_err(|e| anyhow!("{e}"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&run)?);
            } else {
                print!(
                    "{}",
                    score_table(&service, &operator(&service).await?, &run).await
                );
            }
        }
        Command::Database { command } => database_command(command).await?,
        Command::Audit { command } => audit::run(command).await?,
    }
    Ok(())
}

/// A scoring run as terminal tables: one ranking per group, then the leaders;
/// movement since the previous month when the run is published.
async fn score_table(
    service: &Service,
    actor: &Actor,
    run: &tiendo_service::scoring::ScoreRunView,
) -> String {
    let mut out = format!(
        "CHẤM ĐIỂM THÁNG {} — {} (run {}, rules v{}, sha256 {})\n",
        run.month,
        run.state,
        run.id.map_or("-".to_string(), |i| i.to_string()),
        run.rules_version,
        run.content_hash
    );
    if let Some(head) = &run.audit_head {
        // Anchors the audit history outside the database (docs/audit.md).
        out.push_str(&format!(
            "nhật ký kiểm toán (audit chain head): {}\n",
            head.line()
        ));
    }
    for (group, title) in [
        ("central", "Bộ, cơ quan trung ương"),
        ("provinces", "Tỉnh, thành phố"),
        ("others", "Cơ quan, đơn vị khác"),
        ("leaders", "Lãnh đạo chỉ đạo"),
    ] {
        let mut rows: Vec<&tiendo_service::scoring::SubjectScore> = run
            .results
            .iter()
            .filter(|r| r.group == group && r.score.is_some())
            .collect();
        if rows.is_empty() {
            continue;
        }
        rows.sort_by_key(|r| r.rank);
        let movement: std::collections::HashMap<i64, Option<i64>> =
            match (run.state.as_str(), group) {
                ("published", g) if g != "leaders" => service
                    .ranking(actor, &run.month, g)
                    .await
                    .map(|r| r.rows.iter().map(|x| (x.agency_id, x.movement)).collect())
                    .unwrap_or_default(),
                _ => Default::default(),
            };
        out.push_str(&format!(
            "\n{title}\n{:>4}  {:>7}  {:>5}  {:>5}  tên\n",
            "hạng", "điểm", "dòng", "±"
        ));
        for r in rows {
            let name = r
                .agency_name
                .clone()
                .or_else(|| r.leader.clone())
                .unwrap_or_default();
            let moved = r
                .agency_id
                .and_then(|a| movement.get(&a).copied().flatten())
                .map_or(String::new(), |m| format!("{m:+}"));
            out.push_str(&format!(
                "{:>4}  {:>7.2}  {:>5}  {:>5}  {}\n",
                r.rank.unwrap_or(0),
                r.score.unwrap_or(0.0),
                r.lines,
                moved,
                name
            ));
        }
    }
    out
}

/// A text in lines of at most `width` characters, broken between words (a word
/// longer than a line stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The overdue report as a terminal table, after the appendix of 365/TB-VPCP.
fn overdue_table(report: &tiendo_core::report::OverdueReport) -> String {
    let mut out = format!(
        "DANH MỤC NHIỆM VỤ QUÁ HẠN tại ngày {} — {} nhiệm vụ\n\n",
        format_date_vi(report.as_of),
        report.rows.len()
    );
    for (i, row) in report.rows.iter().enumerate() {
        // The whole task, wrapped at word boundaries under its number.
        for (k, line) in wrap(&row.task, 100).iter().enumerate() {
            if k == 0 {
                out.push_str(&format!("{:>3}. {line}\n", i + 1));
            } else {
                out.push_str(&format!("     {line}\n"));
            }
        }
        out.push_str(&format!("     Văn bản giao: {}\n", row.source_document));
        out.push_str(&format!("     Chủ trì: {}\n", row.lead.join(", ")));
        out.push_str(&format!(
            "     Thời hạn: {} (quá {} ngày)\n",
            format_date_vi(row.deadline),
            row.days_late
        ));
        out.push_str(&format!(
            "     Chưa hoàn thành ({}): {}\n\n",
            row.incomplete.len(),
            row.incomplete.join(", ")
        ));
    }
    out
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TIENDO_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tiendo: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tiendo: {e:#}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------- database quality

#[derive(Subcommand)]
enum DatabaseCommand {
    /// The register of national and sectoral databases.
    List {
        /// national or sectoral
        #[arg(long)]
        kind: Option<String>,
        #[command(flatten)]
        data: DataArgs,
        #[arg(long)]
        json: bool,
    },
    /// Register the databases of a register file (default: the built-in
    /// data/databases.toml) whose code is not yet known.
    Load {
        file: Option<PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Open an assessment round (one at a time); a correction replaces a published one.
    RoundOpen {
        #[arg(long)]
        name: String,
        #[arg(long)]
        replaces: Option<i64>,
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Record a self-assessment (as the standing office, for the owner).
    Assess {
        #[arg(long)]
        round: i64,
        /// The database's code.
        #[arg(long)]
        database: String,
        /// dung=4,du=3,sach=2,song=4,thong_nhat=1,dung_chung=0
        #[arg(long)]
        levels: String,
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Record a reassessment (as the standing office), a reason per changed criterion.
    Reassess {
        #[arg(long)]
        round: i64,
        #[arg(long)]
        database: String,
        #[arg(long)]
        levels: String,
        /// criterion=reason, repeated: --reason "sach=Còn 7% bản ghi trùng"
        #[arg(long = "reason")]
        reasons: Vec<String>,
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Publish an open round: its ranking is stored with its content hash.
    Publish {
        #[arg(long)]
        round: i64,
        #[command(flatten)]
        data: DataArgs,
        #[arg(long)]
        json: bool,
    },
    /// The ranking of a round (default: the round in force on --as-of, today).
    Ranking {
        #[arg(long)]
        round: Option<i64>,
        #[arg(long)]
        as_of: Option<String>,
        #[command(flatten)]
        data: DataArgs,
        #[arg(long)]
        json: bool,
    },
}

/// "dung=4,du=3" as levels by criterion.
fn parse_levels(text: &str) -> Result<tiendo_core::dbquality::Levels> {
    let mut out = tiendo_core::dbquality::Levels::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| anyhow!("--levels: '{part}' is not criterion=level"))?;
        let level = v
            .trim()
            .parse()
            .map_err(|_| anyhow!("--levels: '{v}' is not a whole number (criterion {k})"))?;
        out.insert(k.trim().to_string(), level);
    }
    Ok(out)
}

fn ranking_table(r: &tiendo_service::dbquality::DbRanking) -> String {
    let mut out = format!(
        "XẾP HẠNG CHẤT LƯỢNG CƠ SỞ DỮ LIỆU — {} (đợt {}, {}{})\n",
        r.round_name,
        r.round_id,
        r.state,
        r.content_hash
            .as_deref()
            .map(|h| format!(", sha256 {h}"))
            .unwrap_or_default()
    );
    let heads: Vec<String> = r
        .criteria
        .iter()
        .map(|c| format!("{:>11}", c.name))
        .collect();
    out.push_str(&format!(
        "{:>4}  {:<48} {} {:>7}  {:<16} {}\n",
        "hạng",
        "cơ sở dữ liệu",
        heads.join(""),
        "tổng",
        "nguồn",
        "thay đổi"
    ));
    for row in &r.rows {
        let cells: Vec<String> = row
            .criteria
            .iter()
            .map(|c| format!("{:>11}", format!("{} ({})", c.points, c.level)))
            .collect();
        let movement = match row.movement {
            None => "mới".to_string(),
            Some(0) => "=".into(),
            Some(n) if n > 0 => format!("+{n}"),
            Some(n) => n.to_string(),
        };
        let name: String = row.database_name.chars().take(48).collect();
        out.push_str(&format!(
            "{:>4}  {:<48} {} {:>7}  {:<16} {}\n",
            row.rank,
            name,
            cells.join(""),
            row.total,
            match row.source {
                tiendo_core::dbquality::Source::Review => "thẩm định",
                tiendo_core::dbquality::Source::SelfAssessment => "tự đánh giá",
            },
            movement
        ));
    }
    if !r.unassessed.is_empty() {
        out.push_str(&format!("chưa đánh giá: {}\n", r.unassessed.join("; ")));
    }
    out
}

async fn database_command(command: DatabaseCommand) -> Result<()> {
    use tiendo_service::dbquality::{AssessInput, ReassessInput, RoundInput};
    let e = |e: tiendo_service::ServiceError| anyhow!("{e}");
    match command {
        DatabaseCommand::List { kind, data, json } => {
            let (service, actor) = open_as(&data).await?;
            let list = service
                .list_databases(&actor, kind.as_deref())
                .await
                .map_err(e)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for d in list {
                    println!(
                        "{:<30} {:<18} {:<24} {}\n    {}",
                        d.code, d.kind_label, d.status_label, d.owner_name, d.name
                    );
                }
            }
        }
        DatabaseCommand::Load { file, data } => {
            let text = match &file {
                Some(f) => std::fs::read_to_string(f)
                    .with_context(|| format!("cannot read {}", f.display()))?,
                None => tiendo_core::dbquality::SEED_REGISTER.to_string(),
            };
            let (service, actor) = open_as(&data).await?;
            let n = service
                .load_database_register(&actor, &text)
                .await
                .map_err(e)?;
            println!("registered {n} database(s)");
        }
        DatabaseCommand::RoundOpen {
            name,
            replaces,
            reason,
            data,
        } => {
            let (service, actor) = open_as(&data).await?;
            let r = service
                .open_db_round(
                    &actor,
                    &RoundInput {
                        name,
                        replaces,
                        reason,
                    },
                )
                .await
                .map_err(e)?;
            println!(
                "round {} opened: {} (criteria v{})",
                r.id, r.name, r.criteria_version
            );
        }
        DatabaseCommand::Assess {
            round,
            database,
            levels,
            note,
            data,
        } => {
            let levels = parse_levels(&levels)?;
            let (service, actor) = open_as(&data).await?;
            service
                .self_assess(
                    &actor,
                    round,
                    &AssessInput {
                        database: database.clone(),
                        levels,
                        note,
                    },
                )
                .await
                .map_err(e)?;
            println!("self-assessment of {database} recorded in round {round}");
        }
        DatabaseCommand::Reassess {
            round,
            database,
            levels,
            reasons,
            note,
            data,
        } => {
            let levels = parse_levels(&levels)?;
            let mut map = std::collections::BTreeMap::new();
            for r in reasons {
                let (k, v) = r
                    .split_once('=')
                    .ok_or_else(|| anyhow!("--reason: '{r}' is not criterion=reason"))?;
                map.insert(k.trim().to_string(), v.trim().to_string());
            }
            let (service, actor) = open_as(&data).await?;
            service
                .reassess(
                    &actor,
                    round,
                    &ReassessInput {
                        database: database.clone(),
                        levels,
                        reasons: map,
                        note,
                    },
                )
                .await
                .map_err(e)?;
            println!("reassessment of {database} recorded in round {round}");
        }
        DatabaseCommand::Publish { round, data, json } => {
            let (service, actor) = open_as(&data).await?;
            let r = service.publish_db_round(&actor, round).await.map_err(e)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                print!("{}", ranking_table(&r));
            }
        }
        DatabaseCommand::Ranking {
            round,
            as_of,
            data,
            json,
        } => {
            let day = match as_of.as_deref() {
                Some(d) => Some(day_arg("as-of", Some(d))?),
                None => None,
            };
            let (service, actor) = open_as(&data).await?;
            let r = service.db_ranking(&actor, round, day).await.map_err(e)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                print!("{}", ranking_table(&r));
            }
        }
    }
    Ok(())
}
