//! The PostgreSQL backend: the national server.
type Db = sqlx::Postgres;
include!("repo.rs");
