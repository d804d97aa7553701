//! PDF text layer (placeholder, replaced below).
use std::path::Path;

use super::ExtractError;

pub fn text(path: &Path, _bytes: &[u8]) -> Result<String, ExtractError> {
    Err(ExtractError::NoTextLayer { path: path.to_path_buf() })
}
