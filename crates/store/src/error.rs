//! Storage errors. Database text never reaches users: the service maps these to
//! messages of its own.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A write the current state refuses (a report already decided, a round
    /// already published): the store's own sentence, shown as it is.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A unique constraint refused a row: the database's own words, which the
    /// service turns into a sentence ("this username is taken").
    #[error("{0}")]
    Duplicate(String),
    #[error("{0}")]
    Invalid(String),
    #[error("cannot open the database: {0}")]
    Open(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return StoreError::Duplicate(db.message().to_string());
            }
            if db.is_foreign_key_violation() {
                return StoreError::Invalid(format!(
                    "a referenced record does not exist ({})",
                    db.message()
                ));
            }
        }
        StoreError::Database(e)
    }
}
