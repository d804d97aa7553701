//! The SQLite backend: the embedded database of a laptop or a small office.
type Db = sqlx::Sqlite;
include!("repo.rs");
include!("indicator_repo.rs");
pub use indicators::*;
