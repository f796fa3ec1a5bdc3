//! Where a webhook (an agent's Slack webhook) may point. Someone types the address, and
//! the outbox posts to it: without limits that is a way into the network behind the server. Addresses must be
//! `https` to a public host, checked when saved and again when sent, with the connection
//! pinned to the address that was checked (no second DNS answer). `ALLOW_PRIVATE_WEBHOOKS`
//! lifts the rule for a local relay, and for tests' loopback servers (`http` too).
use std::net::{IpAddr, SocketAddr};

use url::{Host, Url};

/// Refused addresses, as a message key.
pub const INVALID: &str = "notifications-webhook-invalid";
const URL_LIMIT: usize = 2000;

/// The address as typed: empty is none.
pub fn parse(raw: &str, allow_private: bool) -> Result<Option<Url>, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.len() > URL_LIMIT {
        return Err("input-too-long");
    }
    let url = Url::parse(raw).map_err(|_| INVALID)?;
    let literal = match url.host() {
        Some(Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(Host::Domain(name)) if name.eq_ignore_ascii_case("localhost") => {
            Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST))
        }
        Some(Host::Domain(_)) => None,
        None => return Err(INVALID),
    };
    let public = literal.is_none_or(is_public);
    match url.scheme() {
        "https" if public || allow_private => Ok(Some(url)),
        "http" if allow_private && !public => Ok(Some(url)),
        _ => Err(INVALID),
    }
}

/// Why a webhook's address cannot be posted to now.
#[derive(Debug, thiserror::Error)]
pub enum Unreachable {
    /// The address itself is refused: posting to it later will not do either.
    #[error("the webhook's host is not a public address")]
    NotPublic,
    #[error("the webhook address has no host or port")]
    Incomplete,
    /// The name did not resolve (now): worth trying again.
    #[error("the webhook's host was not found: {0}")]
    Lookup(#[from] std::io::Error),
    #[error("the webhook's host has no address")]
    NoAddress,
}

impl Unreachable {
    /// Whether a later attempt could succeed.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::NotPublic | Self::Incomplete)
    }
}

/// The host name and the checked address to connect to for `url`.
pub async fn resolve(url: &Url, allow_private: bool) -> Result<(String, SocketAddr), Unreachable> {
    let host = url.host_str().ok_or(Unreachable::Incomplete)?;
    let port = url.port_or_known_default().ok_or(Unreachable::Incomplete)?;
    let lookup = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((lookup, port)).await?.collect();
    // Every address the name has must be allowed: a name that also points inside is refused.
    if !allow_private && addresses.iter().any(|a| !is_public(a.ip())) {
        return Err(Unreachable::NotPublic);
    }
    let address = addresses.first().copied().ok_or(Unreachable::NoAddress)?;
    Ok((host.to_owned(), address))
}

/// Whether `ip` is on the public internet: not loopback, private, link-local, shared
/// (carrier NAT), documentation, multicast, unspecified or broadcast.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => {
            let [a, b, ..] = ip.octets();
            !(ip.is_loopback()
                || ip.is_private()
                || ip.is_link_local()
                || ip.is_broadcast()
                || ip.is_documentation()
                || ip.is_unspecified()
                || ip.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19)))
        }
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                let first = ip.segments()[0];
                !(ip.is_loopback()
                    || ip.is_unspecified()
                    || ip.is_multicast()
                    || (first & 0xfe00) == 0xfc00
                    || (first & 0xffc0) == 0xfe80)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_to_public_hosts_unless_private_ones_are_allowed() {
        assert_eq!(parse("  ", false), Ok(None));
        assert!(parse("https://hooks.slack.com/services/T0/B0/x", false).is_ok());
        assert!(parse("https://93.184.216.34/hook", false).is_ok());
        for bad in [
            "http://hooks.slack.com/services/x",
            "https://10.0.0.5:8443/hook",
            "https://127.0.0.1/hook",
            "https://localhost:6379/",
            "https://[::1]/hook",
            "https://[fd00::1]/hook",
            "https://[::ffff:192.168.1.1]/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/",
            "http://127.0.0.1:8080/hook",
            "ftp://127.0.0.1/hook",
            "javascript:alert(1)",
            "hooks.slack.com/services",
            "https://",
        ] {
            assert_eq!(parse(bad, false), Err(INVALID), "{bad}");
        }
        for local in [
            "http://127.0.0.1:8080/hook",
            "http://localhost/hook",
            "http://[::1]:9/hook",
        ] {
            assert!(parse(local, true).is_ok(), "{local}");
        }
        assert_eq!(
            parse("http://hooks.slack.com/x", true),
            Err(INVALID),
            "http stays local"
        );
    }

    #[tokio::test]
    async fn a_name_that_resolves_inside_is_refused_when_sending() {
        let url = Url::parse("https://localhost:9/hook").unwrap();
        assert!(matches!(
            resolve(&url, false).await,
            Err(Unreachable::NotPublic)
        ));
        let (host, address) = resolve(&url, true).await.unwrap();
        assert_eq!(host, "localhost");
        assert!(address.ip().is_loopback());
    }
}
