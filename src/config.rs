//! Settings read once from the environment (and `.env` when present).
use std::{
    net::{IpAddr, SocketAddr},
    path::PathBuf,
    str::FromStr,
};

use anyhow::Context;

use crate::secrets::SecretKey;

/// Request bodies above this are refused with 413, except uploads (`multipart/form-data`).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Uploads above this are refused with 413: room for one message's attachments (25 MiB) and
/// the form around them. Handlers have limits of their own, which their pages explain (a
/// photo: 2 MiB).
pub const UPLOAD_LIMIT: usize = 26 * 1024 * 1024;
/// Every response's policy, unless a page sets its own (the framed chat pages).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Emails in flight at once unless `SMTP_CONNECTIONS` says otherwise. Each spends about
/// 40 ms waiting on the server's delayed ACK: lettre 0.11.23 leaves Nagle's algorithm on
/// and writes a message's final `.` on its own (fixed upstream in lettre's pull request
/// #1159, not released in 0.11.23). 32 at once drain about 540 a second into a loopback
/// relay (`make bench-outbox`); 16 drained 280.
pub const DEFAULT_SMTP_CONNECTIONS: usize = 32;

/// Frontdesk's configuration. Deliberately not `Debug`: the database URL may hold a password.
#[derive(Clone)]
pub struct Config {
    pub database_url: String,
    pub listen_addr: SocketAddr,
    /// Public address without a trailing slash; every link in an email starts with it.
    pub base_url: String,
    pub smtp_url: Option<String>,
    /// How many emails are sent at once, each over its own SMTP connection: relays limit
    /// the connections of one client (Postfix: 50).
    pub smtp_connections: usize,
    pub mail_from: String,
    /// Where emails are written as `.eml` files when `SMTP_URL` is unset.
    pub mail_dir: PathBuf,
    /// The files served under `/static/`.
    pub static_dir: PathBuf,
    /// Proxies whose `X-Forwarded-For` tells the client's address.
    pub trusted_proxies: Vec<IpNet>,
    /// Who issues the invoices: a name and a postal address (lines separated by `\n`).
    pub seller_name: String,
    pub seller_address: String,
    /// Slack webhooks may point at loopback and private networks (a local relay; tests).
    pub allow_private_webhooks: bool,
    /// Attachments in an S3-compatible bucket; none: in PostgreSQL.
    pub s3: Option<S3Config>,
    /// Seals provider tokens at rest (`SECRET_KEY`); none: nothing can be connected.
    pub secret_key: Option<SecretKey>,
    /// The voice provider's REST address (`TWILIO_API_BASE`; tests point it at a fake).
    pub twilio_api_base: String,
    /// The Telegram Bot API's address (`TELEGRAM_API_BASE`).
    pub telegram_api_base: String,
    /// Meta's Graph API, for WhatsApp and Messenger (`META_GRAPH_API_BASE`).
    pub meta_graph_api_base: String,
}

/// An S3-compatible bucket (AWS, MinIO, Ceph, R2...), addressed path-style.
#[derive(Clone)]
pub struct S3Config {
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        // A missing .env is normal; its variables never override the environment's.
        let _ = dotenvy::dotenv();
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let database_url = var("DATABASE_URL").context(
            "DATABASE_URL is not set: `make run` starts a private PostgreSQL for you, or set it to your server",
        )?;
        let listen_addr = var("LISTEN_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .context("LISTEN_ADDR must be an address like 127.0.0.1:3000")?;
        let base_url = var("BASE_URL").unwrap_or_else(|| "http://localhost:3000".into());
        let mut config = Self::new(
            database_url,
            listen_addr,
            &base_url,
            var("SMTP_URL"),
            var("MAIL_FROM").unwrap_or_else(|| "Frontdesk <no-reply@localhost>".into()),
        );
        if let Some(name) = var("SELLER_NAME") {
            config.seller_name = name;
        }
        if let Some(address) = var("SELLER_ADDRESS") {
            config.seller_address = address.replace("\\n", "\n");
        }
        if let Some(connections) = var("SMTP_CONNECTIONS") {
            config.smtp_connections = connections
                .parse()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .context("SMTP_CONNECTIONS must be a number from 1 to 1000")?;
        }
        config.allow_private_webhooks = var("ALLOW_PRIVATE_WEBHOOKS")
            .is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes"));
        let s3 = [
            "S3_ENDPOINT",
            "S3_BUCKET",
            "S3_ACCESS_KEY_ID",
            "S3_SECRET_ACCESS_KEY",
        ]
        .map(var);
        config.s3 = match s3 {
            [None, None, None, None] => None,
            [
                Some(endpoint),
                Some(bucket),
                Some(access_key_id),
                Some(secret_access_key),
            ] => Some(S3Config {
                endpoint,
                bucket,
                region: var("S3_REGION").unwrap_or_else(|| "us-east-1".into()),
                access_key_id,
                secret_access_key,
            }),
            _ => anyhow::bail!(
                "S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set all four, or none to keep attachments in PostgreSQL"
            ),
        };
        if let Some(key) = var("SECRET_KEY") {
            config.secret_key = Some(SecretKey::from_base64(&key)?);
        }
        for (name, base) in [
            ("TWILIO_API_BASE", &mut config.twilio_api_base),
            ("TELEGRAM_API_BASE", &mut config.telegram_api_base),
            ("META_GRAPH_API_BASE", &mut config.meta_graph_api_base),
        ] {
            if let Some(value) = var(name) {
                *base = value.trim_end_matches('/').to_owned();
            }
        }
        if let Some(dir) = var("STATIC_DIR") {
            config.static_dir = dir.into();
        }
        if let Some(proxies) = var("TRUSTED_PROXIES") {
            config.trusted_proxies = proxies
                .split([',', ' '])
                .filter(|p| !p.is_empty())
                .map(str::parse)
                .collect::<Result<_, _>>()
                .map_err(|e| anyhow::anyhow!("TRUSTED_PROXIES: {e}"))?;
        }
        Ok(config)
    }

    pub fn new(
        database_url: String,
        listen_addr: SocketAddr,
        base_url: &str,
        smtp_url: Option<String>,
        mail_from: String,
    ) -> Self {
        Self {
            database_url,
            listen_addr,
            base_url: base_url.trim_end_matches('/').to_owned(),
            smtp_url,
            smtp_connections: DEFAULT_SMTP_CONNECTIONS,
            mail_from,
            mail_dir: PathBuf::from("var/mail"),
            // Templates, catalogs and migrations are compiled in; static files are read
            // from the checkout unless STATIC_DIR says where a deployment keeps them.
            static_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/static")),
            trusted_proxies: Vec::new(),
            seller_name: "Frontdesk".into(),
            seller_address: String::new(),
            allow_private_webhooks: false,
            s3: None,
            secret_key: None,
            twilio_api_base: "https://api.twilio.com".into(),
            telegram_api_base: "https://api.telegram.org".into(),
            meta_graph_api_base: "https://graph.facebook.com".into(),
        }
    }

    /// Cookies get `Secure` and the `__Host-` prefix, and pages HSTS, only behind https:
    /// some clients never send a Secure cookie over plain http, even to localhost.
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// The `Origin` browsers name for our pages (`https://help.example.com`).
    pub fn origin(&self) -> Option<String> {
        url::Url::parse(&self.base_url)
            .ok()
            .map(|url| url.origin().ascii_serialization())
    }

    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// The domain of `MAIL_FROM`: the host part of our Message-IDs.
    pub fn mail_domain(&self) -> String {
        self.mail_from
            .parse::<lettre::message::Mailbox>()
            .map_or_else(
                |_| "localhost".to_owned(),
                |from| from.email.domain().to_owned(),
            )
    }
}

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
}
