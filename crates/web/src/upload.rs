//! Reading a `multipart/form-data` request that may carry files, within limits:
//! the whole body within `Config::upload_body_limit()` (the route's own limit;
//! the route turns axum's 2 MB default off), each file's first
//! `Config::max_evidence_bytes` kept and the rest read and thrown away (so that
//! the page can answer with the error next to the field, everything typed kept),
//! and the text fields within 1 MiB together. Used by the pages and the API.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use tiendo_service::Service;
use tiendo_service::evidence::Upload;

/// Text fields of a form together may have this many bytes.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// What a multipart request carried.
#[derive(Debug, Default)]
pub struct Received {
    /// Text fields, NFC.
    pub fields: Vec<(String, String)>,
    /// Files, by the name of their field.
    pub files: Vec<(String, Upload)>,
    /// The request was larger than the route accepts and was cut: what came
    /// before the cut is here, the rest is lost.
    pub cut: bool,
    /// The body is not well-formed multipart (a part never ends, a header is
    /// garbled): what was read before is here, and why it stopped. A client's
    /// mistake (400), not a body too large (413).
    pub broken: Option<String>,
}

impl Received {
    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Whether a request's body is multipart.
pub fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// Reads a multipart request. `Err` only when it is not multipart at all.
pub async fn read(service: &Service, req: Request) -> Result<Received, String> {
    let limit = service.config.upload_body_limit();
    let max_file = service.config.max_evidence_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Ok(Received {
            cut: true,
            ..Received::default()
        });
    }
    let req = req.map(|b| axum::body::Body::new(http_body_util::Limited::new(b, limit)));
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(|e| e.body_text())?;
    let mut out = Received::default();
    let mut text_bytes = 0usize;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                stopped(&mut out, &e);
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if let Some(file_name) = field.file_name().map(str::to_string) {
            let mut bytes = Vec::new();
            let mut truncated = false;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        if !truncated && bytes.len() + chunk.len() <= max_file {
                            bytes.extend_from_slice(&chunk);
                        } else {
                            truncated = true;
                            bytes = Vec::new();
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        stopped(&mut out, &e);
                        truncated = true;
                        break;
                    }
                }
            }
            // A file input left empty sends a part with no name and no bytes.
            if !(file_name.is_empty() && bytes.is_empty() && !truncated) {
                out.files.push((
                    name,
                    Upload {
                        file_name,
                        bytes,
                        truncated,
                    },
                ));
            }
            if out.cut || out.broken.is_some() {
                break;
            }
        } else {
            let mut value = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        text_bytes += chunk.len();
                        if text_bytes > MAX_TEXT_BYTES {
                            out.cut = true;
                            break;
                        }
                        value.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(e) => {
                        stopped(&mut out, &e);
                        break;
                    }
                }
            }
            if out.cut || out.broken.is_some() {
                break;
            }
            out.fields.push((
                name,
                tiendo_core::text::nfc(&String::from_utf8_lossy(&value)),
            ));
        }
    }
    Ok(out)
}

/// Why reading stopped: the body was over the limit (`cut`), or it is not
/// well-formed multipart (`broken`).
fn stopped(out: &mut Received, e: &axum::extract::multipart::MultipartError) {
    if e.status() == axum::http::StatusCode::BAD_REQUEST {
        out.broken = Some(e.body_text());
    } else {
        out.cut = true;
    }
}
