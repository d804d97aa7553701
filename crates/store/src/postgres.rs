//! The PostgreSQL backend: the national server.
type Db = sqlx::Postgres;
include!("repo.rs");
include!("indicator_repo.rs");
pub use indicators::*;
