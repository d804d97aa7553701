//! The SQLite backend: the embedded database of a laptop or a small office.
type Db = sqlx::Sqlite;
/// Whether statements use positional `?` parameters (see `Sql::text_for`).
const POSITIONAL_PARAMETERS: bool = true;
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
