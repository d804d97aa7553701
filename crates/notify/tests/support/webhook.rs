//! A webhook receiver for the tests (axum on 127.0.0.1:0). It checks every signature with
//! `tiendo_notify::verify` and records what it saw. Paths:
//! `/flaky` answers 500 the first time and 200 after; `/gone` 410; `/busy` 429;
//! `/bad-request` 400; `/slow` waits 3 s; anything else 200. A bad signature gets 401.
//! [`HttpsReceiver`] answers 200 over TLS (raw HTTP/1.1 on tokio-rustls).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::post;

pub const SECRET: &str = "khóa-bí-mật-của-bên-nhận";

#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub verified: bool,
}

impl Seen {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}

#[derive(Default)]
struct Shared {
    seen: Mutex<Vec<Seen>>,
}

pub struct Receiver {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    pub async fn start() -> Receiver {
        let shared = Arc::new(Shared::default());
        let app = Router::new()
            .route("/{name}", post(handle))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver { addr, shared, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let signature = headers
        .get("x-tiendo-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let verified = tiendo_notify::verify(SECRET, &body, signature);
    let path = uri.path().to_owned();
    let calls_here = {
        let mut seen = shared.seen.lock().unwrap();
        seen.push(Seen {
            path: path.clone(),
            headers: headers.clone(),
            body: body.to_vec(),
            verified,
        });
        seen.iter().filter(|s| s.path == path).count()
    };
    if !verified {
        return (StatusCode::UNAUTHORIZED, "bad signature".into());
    }
    match path.as_str() {
        "/flaky" if calls_here == 1 => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "database is restarting".into(),
        ),
        "/gone" => (StatusCode::GONE, "this endpoint was removed".into()),
        "/busy" => (StatusCode::TOO_MANY_REQUESTS, "slow down".into()),
        "/bad-request" => (StatusCode::BAD_REQUEST, "x".repeat(2000)),
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            (StatusCode::OK, "late".into())
        }
        _ => (StatusCode::OK, format!("received {}", calls_here)),
    }
}

/// A bare HTTPS endpoint: TLS with a self-signed certificate, reads one request, checks its
/// signature, answers `200 secured` (or 401), closes.
pub struct HttpsReceiver {
    pub addr: SocketAddr,
    pub certificate_pem: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HttpsReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl HttpsReceiver {
    pub async fn start() -> HttpsReceiver {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (certificate_pem, acceptor) = super::tls::self_signed();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let shared = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    continue;
                };
                let mut raw = Vec::new();
                let mut buf = [0_u8; 4096];
                let (head_len, content_length) = loop {
                    let Ok(n) = tls.read(&mut buf).await else {
                        break (0, 0);
                    };
                    if n == 0 {
                        break (0, 0);
                    }
                    raw.extend_from_slice(&buf[..n]);
                    if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&raw[..i]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        break (i + 4, length);
                    }
                };
                if head_len == 0 {
                    continue;
                }
                while raw.len() < head_len + content_length {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => raw.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&raw[..head_len]).into_owned();
                let mut headers = HeaderMap::new();
                for line in head.lines().skip(1) {
                    if let Some((k, v)) = line.split_once(':')
                        && let (Ok(k), Ok(v)) = (
                            axum::http::HeaderName::try_from(k.trim()),
                            axum::http::HeaderValue::try_from(v.trim()),
                        )
                    {
                        headers.insert(k, v);
                    }
                }
                let body = raw[head_len..].to_vec();
                let signature = headers
                    .get("x-tiendo-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let verified = tiendo_notify::verify(SECRET, &body, &signature);
                shared.lock().unwrap().push(Seen {
                    path: head.split_whitespace().nth(1).unwrap_or("").to_owned(),
                    headers,
                    body,
                    verified,
                });
                let reply: &[u8] = if verified {
                    b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nsecured"
                } else {
                    b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                };
                let _ = tls.write_all(reply).await;
                let _ = tls.shutdown().await;
            }
        });
        HttpsReceiver {
            addr,
            certificate_pem,
            seen,
            task,
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}
