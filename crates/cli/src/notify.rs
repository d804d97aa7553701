//! `tiendo notify run` and `tiendo notify test-email`, and the notification
//! settings `serve` reads from the environment (docs/notifications.md).

use anyhow::{Context, Result, anyhow};
use clap::Subcommand;
use tiendo_core::time::now_micros;
use tiendo_service::Config;
use tiendo_service::notify::NotifySettings;
use tiendo_service::notify::transport::SmtpSettings;

use crate::{DataArgs, day_arg, open, operator};

#[derive(Subcommand)]
pub enum NotifyCommand {
    /// Plan the notices of a day, make them and send what is due; prints one JSON
    /// object per notice (channel, recipient, kind, subject, assignments).
    Run {
        /// The day to plan (YYYY-MM-DD or dd/mm/yyyy); today by default.
        #[arg(long)]
        as_of: Option<String>,
        /// Print what would be made, change nothing, send nothing.
        #[arg(long)]
        dry_run: bool,
        /// json (one object a line) or table.
        #[arg(long, default_value = "table", value_parser = ["json", "table"])]
        format: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Send a test message through the mail server of TIENDO_SMTP_URL.
    TestEmail {
        #[arg(long)]
        to: String,
    },
}

/// The notification settings from the environment: TIENDO_PUBLIC_URL (else
/// `default_url`) and the mail server of TIENDO_SMTP_URL, if set.
pub fn settings(default_url: &str) -> Result<NotifySettings> {
    let public_url = std::env::var("TIENDO_PUBLIC_URL")
        .ok()
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| default_url.to_string());
    let smtp = SmtpSettings::from_env().map_err(|e| anyhow!("the mail server settings: {e}"))?;
    Ok(NotifySettings { public_url, smtp })
}

pub async fn run(command: NotifyCommand) -> Result<()> {
    match command {
        NotifyCommand::Run {
            as_of,
            dry_run,
            format,
            data,
        } => {
            let day = day_arg("as-of", as_of.as_deref())?;
            let config = Config {
                notify: settings("http://127.0.0.1:8080")?,
                ..Config::default()
            };
            let service = open(&data, config).await?;
            let actor = operator(&service).await?;
            let json = format == "json";
            if dry_run {
                let planned = service
                    .notify_dry_run(&actor, day)
                    .await
                    .map_err(|e| anyhow!("{e}"))?;
                for n in &planned {
                    if json {
                        println!("{}", serde_json::to_string(n)?);
                    } else {
                        println!(
                            "{:<8} {:<28} {:<20} {}",
                            n.channel.as_str(),
                            n.recipient,
                            n.kind.as_str(),
                            n.subject
                        );
                    }
                }
                if !json {
                    eprintln!(
                        "{} notices would be made (dry run: nothing written, nothing sent)",
                        planned.len()
                    );
                }
            } else {
                let report = service
                    .notify_run(&actor, day, now_micros())
                    .await
                    .map_err(|e| anyhow!("{e}"))?;
                for d in &report.delivered {
                    if json {
                        println!("{}", serde_json::to_string(d)?);
                    } else {
                        println!(
                            "{:<8} {:<14} {:<20} {:<9} {}",
                            d.channel.as_str(),
                            d.recipient,
                            d.kind.as_str(),
                            d.outcome,
                            d.subject
                        );
                    }
                }
                if !json {
                    eprintln!(
                        "{}: {} new causes, {} expanded, {} notices handled",
                        tiendo_core::time::format_date_vi(day),
                        report.new_causes,
                        report.expanded_causes,
                        report.delivered.len()
                    );
                }
            }
        }
        NotifyCommand::TestEmail { to } => {
            let smtp = SmtpSettings::from_env()
                .map_err(|e| anyhow!("the mail server settings: {e}"))?
                .ok_or_else(|| anyhow!("no mail server: set TIENDO_SMTP_URL (smtp://user:password@host:587?tls=starttls) and TIENDO_SMTP_FROM"))?;
            let w = tiendo_service::notify::wording::Wording {
                subject: "Thư thử từ tiendo — Kiểm tra máy chủ thư".into(),
                text: "Đây là thư thử gửi từ hệ thống theo dõi nhiệm vụ tiendo. Nếu bạn nhận được thư này, máy chủ thư đã được cấu hình đúng.".into(),
                html: "<p>Đây là thư thử gửi từ hệ thống theo dõi nhiệm vụ tiendo. Nếu bạn nhận được thư này, máy chủ thư đã được cấu hình đúng.</p>".into(),
                link: "/".into(),
            };
            let public = std::env::var("TIENDO_PUBLIC_URL")
                .unwrap_or_else(|_| "http://127.0.0.1:8080".into());
            tiendo_service::notify::transport::send_email(
                &smtp,
                -now_micros(),
                to.trim(),
                &w,
                &public,
            )
            .await
            .map_err(|f| {
                anyhow!(
                    "{}{}",
                    f.message,
                    if f.transient {
                        " (temporary: try again later)"
                    } else {
                        ""
                    }
                )
            })
            .context("the test message was not sent")?;
            println!("sent a test message to {}", to.trim());
        }
    }
    Ok(())
}
