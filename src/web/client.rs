//! The client's address: the socket's peer or, when the peer is one of the trusted proxies
//! (`TRUSTED_PROXIES`), the last address in `X-Forwarded-For` that is not a trusted proxy.
//! Forwarded headers from anyone else are ignored, since any client can set them.
use std::{convert::Infallible, net::IpAddr, net::SocketAddr, str::FromStr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};

use crate::AppState;

/// A network in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`) or a single address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    address: IpAddr,
    prefix: u8,
}

impl FromStr for IpNet {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let invalid = || format!("{text:?} is not an address or a network like 10.0.0.0/8");
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr = address.trim().parse().map_err(|_| invalid())?;
        let address = address.to_canonical();
        let max = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix.trim().parse().map_err(|_| invalid())?,
            None => max,
        };
        if prefix > max {
            return Err(invalid());
        }
        Ok(Self { address, prefix })
    }
}

impl IpNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.address, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                same_prefix(u32::from(net).into(), u32::from(ip).into(), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                same_prefix(u128::from(net), u128::from(ip), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn same_prefix(a: u128, b: u128, prefix: u8, bits: u32) -> bool {
    let ignored = bits - u32::from(prefix);
    ignored >= bits || (a >> ignored) == (b >> ignored)
}

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
    fn networks_contain_their_addresses_only() {
        let net: IpNet = "10.1.0.0/16".parse().unwrap();
        assert!(net.contains(ip("10.1.200.3")));
        assert!(net.contains(ip("::ffff:10.1.0.1")));
        assert!(!net.contains(ip("10.2.0.1")));
        let single: IpNet = "192.0.2.1".parse().unwrap();
        assert!(single.contains(ip("192.0.2.1")) && !single.contains(ip("192.0.2.2")));
        let v6: IpNet = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")) && !v6.contains(ip("2001:db9::1")));
        let all: IpNet = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.9")));
        for bad in ["10.0.0.0/33", "nonsense", "10.0.0.0/x"] {
            assert!(bad.parse::<IpNet>().is_err(), "{bad}");
        }
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
