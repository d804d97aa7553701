//! A webhook receiver for the tests (axum on 127.0.0.1:0). It checks every signature with
//! `tiendo_notify::verify` and records what it saw. Paths:
//! `/flaky` answers 500 the first time and 200 after; `/gone` 410; `/busy` 429;
//! `/bad-request` 400; `/slow` waits 3 s; anything else 200. A bad signature gets 401.

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
