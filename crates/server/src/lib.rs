//! HTTP for tiendo: the JSON API under `/api/v1`, its OpenAPI document, health.
//! One `Application::build` serves `main` and the tests.

pub mod api;
pub mod api_audit;
pub mod api_comments;
pub mod api_databases;
pub mod api_drafts;
pub mod api_evidence;
pub mod api_indicators;
pub mod api_notify;
pub mod api_parts;
pub mod api_reports;
pub mod api_scores;
pub mod api_search;
pub mod api_sheets;
pub mod error;
pub mod extract;
pub mod openapi;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tiendo_service::Service;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The whole HTTP application over a service.
pub fn router(service: Service) -> Router {
    // Room for an evidence upload: the upload routes check their own, smaller limit
    // (and answer a request over it with their own 413 page or JSON, which they can
    // only do if this outer limit is well above theirs); every other extractor keeps
    // axum's 2 MB.
    let body_limit = (16 * 1024 * 1024).max(service.config.upload_body_limit().saturating_mul(4));
    let request_id = header::HeaderName::from_static("x-request-id");
    let app = Router::new()
        .route("/health", get(health))
        .route("/api/openapi.json", get(openapi_json))
        .nest(
            "/api/v1",
            api::router()
                .merge(api_indicators::router())
                .merge(api_drafts::router())
                .merge(api_evidence::router())
                .merge(api_scores::router())
                .merge(api_sheets::router())
                .merge(api_reports::router())
                .merge(api_audit::router())
                .merge(api_notify::router())
                .merge(api_comments::router())
                .merge(api_parts::router())
                .merge(api_search::router())
                // database quality assessment
                .merge(api_databases::router()),
        )
        .fallback(not_found)
        .merge(tiendo_web::router())
        .with_state(service.clone())
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        // bulk ingest of measurements (issue 6): its own, larger body limit and a
        // longer timeout (a million rows over a slow link take minutes to arrive).
        // A request cut by the timeout is dropped with its transaction: nothing stays.
        .merge(
            api_indicators::bulk_router()
                .with_state(service.clone())
                .layer(RequestBodyLimitLayer::new(api_indicators::BULK_BODY_LIMIT))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    api_indicators::BULK_TIMEOUT,
                )),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(axum::middleware::from_fn_with_state(
            service,
            record_refusals,
        ))
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid));
    // One error shape under /api/ (issue 15): JSON even where axum or a layer
    // answers in text. Around the whole application (a `Router::layer` wraps each
    // route inside its method router, so it would not see a 405's `Allow`).
    Router::new()
        .fallback_service(app)
        .layer(axum::middleware::from_fn(error::json_errors))
}

/// Keeps every refused permission (a 403 answer, API or page) in the security log
/// with who was refused, what they tried and why (docs/audit.md).
async fn record_refusals(
    State(service): State<Service>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let slot = tiendo_service::security::RequestActor::default();
    request.extensions_mut().insert(slot.clone());
    // Cheap copies (no text is formatted unless the answer is a refusal).
    let method = request.method().clone();
    let uri = request.uri().clone();
    let client = tiendo_web::client::client_address(
        request.extensions(),
        request.headers(),
        service.config.trust_forwarded_for,
    );
    let response = next.run(request).await;
    if response.status() == StatusCode::FORBIDDEN {
        let reason = response
            .extensions()
            .get::<tiendo_service::security::Refusal>()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        let action = format!("{method} {}", uri.path());
        service
            .record_refusal(slot.get().as_ref(), &action, &reason, client)
            .await;
    }
    response
}

async fn health(State(service): State<Service>) -> impl IntoResponse {
    match service.has_documents().await {
        Ok(_) => (StatusCode::OK, Json(serde_json::json!({"status": "ok"}))),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"status": "database unavailable"})),
        ),
    }
}

async fn openapi_json() -> impl IntoResponse {
    Json(openapi::document())
}

/// No route: JSON under `/api/`, the 404 page (in the page's language) elsewhere.
async fn not_found(request: axum::extract::Request) -> axum::response::Response {
    let (parts, _) = request.into_parts();
    if parts.uri.path() != "/api" && !parts.uri.path().starts_with("/api/") {
        return tiendo_web::not_found_response(&parts);
    }
    (
        StatusCode::NOT_FOUND,
        Json(
            serde_json::json!({"error": "no such API route; the API is described at /api/openapi.json"}),
        ),
    )
        .into_response()
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(service: Service, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(service, listener).await
}

pub async fn serve_on(service: Service, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    // With each connection's peer address (failed sign-ins are counted per client).
    let app = router(service).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
