//! The PostgreSQL backend: the national server.
type Db = sqlx::Postgres;
/// Whether statements use positional `?` parameters (see `Sql::text_for`).
const POSITIONAL_PARAMETERS: bool = false;
include!("repo.rs");
include!("indicator_repo.rs");
pub use indicators::*;
include!("draft_repo.rs");
pub use drafts::*;
include!("scoring_repo.rs");
pub use scoring::*;
include!("evidence_repo.rs");
pub use evidence::*;
include!("dbquality_repo.rs");
pub use dbquality::*;
include!("sheet_repo.rs");
pub use sheets::*;
