//! Signed checkpoints of the audit chain (docs/audit.md): the head's event id and
//! hash at an instant, signed with an Ed25519 key kept outside the database. Kept
//! where an attacker with the database cannot reach, a checkpoint shows any later
//! rewrite of the chain up to its event, even one whose hashes were all recomputed.

use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::error::{Result, ServiceError};

/// The format tag of a checkpoint file; also the first line of what is signed.
pub const FORMAT: &str = "tiendo-audit-checkpoint/1";

/// The default key file in a data folder.
pub fn default_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join("keys").join("audit-checkpoint.key")
}

/// The public key file written beside a key file (`….key` → `….pub`).
pub fn public_key_path(key_path: &Path) -> PathBuf {
    key_path.with_extension("pub")
}

fn bad(message: String) -> ServiceError {
    ServiceError::invalid("checkpoint", message)
}

/// The signing key of checkpoints.
pub struct CheckpointKey {
    signing: SigningKey,
}

impl CheckpointKey {
    /// Reads the key at `path`, or makes a new one there (and its public key
    /// beside it) when there is none. Returns the key and whether it was made now.
    pub fn load_or_create(path: &Path) -> Result<(CheckpointKey, bool)> {
        if path.exists() {
            return Ok((CheckpointKey::load(path)?, false));
        }
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret)
            .map_err(|e| ServiceError::Internal(format!("no randomness for a key: {e}")))?;
        let key = CheckpointKey {
            signing: SigningKey::from_bytes(&secret),
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                ServiceError::Internal(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        write_private(path, &format!("{}\n", hex::encode(secret)))?;
        let public = public_key_path(path);
        std::fs::write(&public, format!("{}\n", key.public_hex())).map_err(|e| {
            ServiceError::Internal(format!("cannot write {}: {e}", public.display()))
        })?;
        Ok((key, true))
    }

    /// Reads the key at `path` (64 hex digits).
    pub fn load(path: &Path) -> Result<CheckpointKey> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ServiceError::invalid("key", format!("cannot read {}: {e}", path.display()))
        })?;
        let secret: [u8; 32] = hex32(text.trim()).ok_or_else(|| {
            ServiceError::invalid(
                "key",
                format!("{} does not hold a key (64 hex digits)", path.display()),
            )
        })?;
        Ok(CheckpointKey {
            signing: SigningKey::from_bytes(&secret),
        })
    }

    pub fn public_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().to_bytes())
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }
}

/// Writes a secret readable by its owner only.
fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| ServiceError::Internal(format!("cannot create {}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .map_err(|e| ServiceError::Internal(format!("cannot write {}: {e}", path.display())))
}

fn hex32(text: &str) -> Option<[u8; 32]> {
    hex::decode(text).ok()?.try_into().ok()
}

/// Reads a public key: a `.pub` file (64 hex digits) or a key file, whose public
/// half is derived.
pub fn load_public_key(path: &Path) -> Result<VerifyingKey> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ServiceError::invalid("public-key", format!("cannot read {}: {e}", path.display()))
    })?;
    let bytes = hex32(text.trim()).ok_or_else(|| {
        ServiceError::invalid(
            "public-key",
            format!("{} does not hold a key (64 hex digits)", path.display()),
        )
    })?;
    if path.extension().is_some_and(|e| e == "pub") {
        VerifyingKey::from_bytes(&bytes).map_err(|_| {
            ServiceError::invalid(
                "public-key",
                format!("{} is not an Ed25519 public key", path.display()),
            )
        })
    } else {
        Ok(SigningKey::from_bytes(&bytes).verifying_key())
    }
}

/// A signed checkpoint, as written to its file (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    /// The head event when the checkpoint was made.
    pub event_id: i64,
    /// Its hash.
    pub hash: String,
    /// When the checkpoint was made (RFC 3339).
    pub created_at: String,
    /// The signer's Ed25519 public key, hex.
    pub public_key: String,
    /// The Ed25519 signature of [`Checkpoint::message`], hex.
    pub signature: String,
}

impl Checkpoint {
    /// The bytes signed: the format tag and the three facts, one a line.
    pub fn message(event_id: i64, hash: &str, created_at: &str) -> String {
        format!("{FORMAT}\nevent_id={event_id}\nhash={hash}\ncreated_at={created_at}\n")
    }

    pub fn sign(key: &CheckpointKey, event_id: i64, hash: &str, created_at: &str) -> Checkpoint {
        let signature = key
            .signing
            .sign(Checkpoint::message(event_id, hash, created_at).as_bytes());
        Checkpoint {
            format: FORMAT.into(),
            event_id,
            hash: hash.into(),
            created_at: created_at.into(),
            public_key: key.public_hex(),
            signature: hex::encode(signature.to_bytes()),
        }
    }

    /// Reads a checkpoint file's text.
    pub fn parse(text: &str) -> Result<Checkpoint> {
        let c: Checkpoint =
            serde_json::from_str(text).map_err(|e| bad(format!("not a checkpoint file: {e}")))?;
        if c.format != FORMAT {
            return Err(bad(format!(
                "unknown format '{}' (expected {FORMAT})",
                c.format
            )));
        }
        if !tiendo_core::chain::is_hash(&c.hash) {
            return Err(bad("its hash is not 64 lower-case hex digits".into()));
        }
        Ok(c)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks the signature against `trusted`, the public key the checker holds:
    /// a checkpoint signed by another key (one an attacker made) is refused.
    pub fn check_signature(&self, trusted: &VerifyingKey) -> Result<()> {
        if self.public_key != hex::encode(trusted.to_bytes()) {
            return Err(bad(format!(
                "signed by the key {}, not by the trusted key {}",
                self.public_key,
                hex::encode(trusted.to_bytes())
            )));
        }
        let bytes: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| bad("its signature is not 128 hex digits".into()))?;
        let signature = Signature::from_bytes(&bytes);
        trusted
            .verify_strict(
                Checkpoint::message(self.event_id, &self.hash, &self.created_at).as_bytes(),
                &signature,
            )
            .map_err(|_| bad("its signature does not match its content (altered or forged)".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "tiendo-checkpoint-{}-{name}-{}",
            std::process::id(),
            tiendo_core::time::now_micros()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_key_is_made_once_and_checkpoints_verify_with_it_only() {
        let dir = temp("key");
        let path = default_key_path(&dir);
        let (key, created) = CheckpointKey::load_or_create(&path).unwrap();
        assert!(created);
        let (again, created) = CheckpointKey::load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(key.public_hex(), again.public_hex());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the key is its owner's only");
        }
        let public = load_public_key(&public_key_path(&path)).unwrap();
        assert_eq!(public, key.verifying_key());
        assert_eq!(load_public_key(&path).unwrap(), public);

        let hash = "ab".repeat(32);
        let c = Checkpoint::sign(&key, 42, &hash, "2026-11-30T10:00:00+07:00");
        let read = Checkpoint::parse(&c.to_json()).unwrap();
        assert_eq!(read, c);
        read.check_signature(&public).unwrap();

        let mut forged = c.clone();
        forged.event_id = 41;
        assert!(forged.check_signature(&public).is_err());
        let mut forged = c.clone();
        forged.hash = "cd".repeat(32);
        assert!(forged.check_signature(&public).is_err());

        let other = CheckpointKey::load_or_create(&default_key_path(&temp("other")))
            .unwrap()
            .0;
        let by_other = Checkpoint::sign(&other, 42, &hash, "2026-11-30T10:00:00+07:00");
        let refused = by_other.check_signature(&public).unwrap_err().to_string();
        assert!(refused.contains("not by the trusted key"), "{refused}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_malformed_checkpoint_is_refused_with_a_reason() {
        assert!(Checkpoint::parse("{}").is_err());
        let text = r#"{"format":"x","event_id":1,"hash":"00","created_at":"","public_key":"","signature":""}"#;
        let e = Checkpoint::parse(text).unwrap_err().to_string();
        assert!(e.contains("unknown format"), "{e}");
    }
}
