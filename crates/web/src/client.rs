//! The address a request comes from, for counting failed sign-ins per client
//! (`tiendo_service::sign_in_limits`).

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap};

/// The client's address: the last `X-Forwarded-For` entry when the server is told
/// it runs behind a proxy (that entry is the one the proxy itself appended; those
/// before it are whatever the client sent, so they are never trusted), else the
/// connection's peer. `None` when neither is known (requests built in tests).
pub fn client_address(
    extensions: &Extensions,
    headers: &HeaderMap,
    trust_forwarded_for: bool,
) -> Option<IpAddr> {
    if trust_forwarded_for {
        let last = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|a| a.trim().parse::<IpAddr>().ok());
        if last.is_some() {
            return last;
        }
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_proxys_entry_is_trusted_only_when_told_and_the_peer_otherwise() {
        let mut ext = Extensions::new();
        ext.insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 5000))));
        let mut headers = HeaderMap::new();
        headers.append(
            "x-forwarded-for",
            HeaderValue::from_static("1.2.3.4, 203.0.113.7"),
        );
        headers.append("x-forwarded-for", HeaderValue::from_static("198.51.100.9"));
        assert_eq!(
            client_address(&ext, &headers, true),
            Some("198.51.100.9".parse().unwrap())
        );
        assert_eq!(
            client_address(&ext, &headers, false),
            Some("10.0.0.1".parse().unwrap())
        );
        // A header that is not an address falls back to the peer.
        let mut bad = HeaderMap::new();
        bad.insert("x-forwarded-for", HeaderValue::from_static("unknown"));
        assert_eq!(
            client_address(&ext, &bad, true),
            Some("10.0.0.1".parse().unwrap())
        );
        assert_eq!(
            client_address(&Extensions::new(), &HeaderMap::new(), true),
            None
        );
    }
}
