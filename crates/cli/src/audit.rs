//! `tiendo audit …`: the audit history's tamper evidence (docs/audit.md).

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use clap::Subcommand;
use tiendo_service::checkpoint::{self, Checkpoint, CheckpointKey};

use crate::{DataArgs, open_as};

#[derive(clap::Args, Clone)]
pub struct KeyArgs {
    /// The checkpoint signing key (Ed25519), kept outside the database; made on
    /// first use (default: DATA/keys/audit-checkpoint.key, its public half beside
    /// it as .pub).
    #[arg(long, env = "TIENDO_AUDIT_KEY")]
    key: Option<PathBuf>,
}

impl KeyArgs {
    fn path(&self, data: &DataArgs) -> PathBuf {
        self.key
            .clone()
            .unwrap_or_else(|| checkpoint::default_key_path(&data.data))
    }
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check every link of the audit chain, and with --checkpoint that the
    /// checkpoint's signature holds and its event still has its hash. Exits
    /// non-zero naming the first bad event.
    Verify {
        /// A checkpoint file written by `tiendo audit checkpoint`.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
        /// The public key to check the checkpoint's signature with (a .pub file or
        /// the key itself; default: the key of --key).
        #[arg(long)]
        public_key: Option<PathBuf>,
        #[command(flatten)]
        key: KeyArgs,
        #[command(flatten)]
        data: DataArgs,
        /// JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Write a signed checkpoint of the chain's head (event id, hash, time) to FILE.
    Checkpoint {
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        key: KeyArgs,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Print the head of the chain: its last event and that event's hash.
    Head {
        #[command(flatten)]
        data: DataArgs,
    },
}

pub async fn run(command: AuditCommand) -> Result<()> {
    match command {
        AuditCommand::Verify {
            checkpoint,
            public_key,
            key,
            data,
            json,
        } => {
            let cp = match &checkpoint {
                None => None,
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    let cp =
                        Checkpoint::parse(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
                    let trusted_path = public_key.clone().unwrap_or_else(|| key.path(&data));
                    if !trusted_path.exists() {
                        return Err(anyhow!(
                            "no public key to check {} with: {} does not exist (pass --public-key FILE)",
                            path.display(),
                            trusted_path.display()
                        ));
                    }
                    let trusted =
                        checkpoint::load_public_key(&trusted_path).map_err(|e| anyhow!("{e}"))?;
                    cp.check_signature(&trusted)
                        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
                    Some(cp)
                }
            };
            let (service, actor) = open_as(&data).await?;
            let v = service
                .verify_audit_chain(&actor, cp.as_ref())
                .await
                .map_err(|e| anyhow!("{e}"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            }
            if let Some(b) = &v.broken {
                return Err(anyhow!(
                    "audit chain BROKEN at event {}: {} ({} event(s) before it checked)",
                    b.event_id,
                    b.problem,
                    v.checked
                ));
            }
            if !json {
                println!(
                    "audit chain sound: {} event(s), head event {} sha256 {}",
                    v.checked, v.head.event_id, v.head.hash
                );
                if let Some(cp) = &cp {
                    println!(
                        "checkpoint sound: event {} still has sha256 {} (checkpoint of {}, signed by {})",
                        cp.event_id, cp.hash, cp.created_at, cp.public_key
                    );
                }
            }
        }
        AuditCommand::Checkpoint { output, key, data } => {
            let (service, actor) = open_as(&data).await?;
            let path = key.path(&data);
            let (signing, created) =
                CheckpointKey::load_or_create(&path).map_err(|e| anyhow!("{e}"))?;
            if created {
                eprintln!(
                    "made a new checkpoint key: {} (public key {}): keep a copy of the public key away from this server",
                    path.display(),
                    checkpoint::public_key_path(&path).display()
                );
            }
            let cp = service
                .audit_checkpoint(&actor, &signing)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            std::fs::write(&output, format!("{}\n", cp.to_json()))
                .with_context(|| format!("cannot write {}", output.display()))?;
            println!(
                "checkpoint of event {} sha256 {} written to {} (signed by {})",
                cp.event_id,
                cp.hash,
                output.display(),
                cp.public_key
            );
        }
        AuditCommand::Head { data } => {
            let (service, _actor) = open_as(&data).await?;
            let head = service.audit_head().await.map_err(|e| anyhow!("{e}"))?;
            println!("{}", head.line());
        }
    }
    Ok(())
}
