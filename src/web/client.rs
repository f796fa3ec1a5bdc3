//! The client's address: the socket's peer or, when the peer is one of the trusted proxies
//! (`TRUSTED_PROXIES`), the last address in `X-Forwarded-For` that is not a trusted proxy.
//! Forwarded headers from anyone else are ignored, since any client can set them.
use std::{convert::Infallible, net::IpAddr, net::SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};

use crate::{AppState, config::IpNet};

/// The address a request came from, as far as can be trusted; `None` without a socket
/// (a router called in-process).
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    fn resolve(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpNet]) -> IpAddr {
        let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
        if !is_trusted(peer) {
            return peer;
        }
        // Each proxy appends the address it received the request from: read from the right.
        forwarded_for
            .iter()
            .rev()
            .flat_map(|header| header.rsplit(','))
            .map_while(|hop| hop.trim().parse::<IpAddr>().ok())
            .find(|hop| !is_trusted(*hop))
            .unwrap_or(peer)
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
            return Ok(Self(None));
        };
        let forwarded_for: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        Ok(Self(Some(Self::resolve(
            peer.ip(),
            &forwarded_for,
            &state.config.trusted_proxies,
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        // A client that is not a proxy cannot choose its address.
        assert_eq!(
            ClientAddr::resolve(ip("203.0.113.5"), &["198.51.100.1"], &trusted),
            ip("203.0.113.5")
        );
        // Behind the proxy: the last hop the proxies did not add themselves.
        assert_eq!(
            ClientAddr::resolve(
                ip("10.0.0.2"),
                &["1.2.3.4, 198.51.100.7, 10.0.0.9"],
                &trusted
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            ClientAddr::resolve(ip("10.0.0.2"), &["1.2.3.4", "198.51.100.7"], &trusted),
            ip("198.51.100.7")
        );
        // Nothing usable forwarded: the proxy itself.
        assert_eq!(
            ClientAddr::resolve(ip("10.0.0.2"), &["garbage"], &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(
            ClientAddr::resolve(ip("10.0.0.2"), &[], &trusted),
            ip("10.0.0.2")
        );
    }
}
