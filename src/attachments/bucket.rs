//! Files' bytes in an S3-compatible bucket (`S3_*`), instead of PostgreSQL. Requests are
//! signed by rusty-s3 (AWS Signature V4 in the query, valid for a minute) and sent with
//! reqwest; a download streams the bucket's answer through.
use std::{sync::OnceLock, time::Duration};

use anyhow::Context;
use axum::body::Bytes;
use rusty_s3::{Credentials, S3Action, UrlStyle};

use crate::config::S3Config;

/// How long a signed request stays valid.
const SIGNED_FOR: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest wait for the bucket's next bytes: a download streams to a browser that may
/// be slow, so no limit holds for the whole of it.
const READ_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest a whole upload may take.
const PUT_TIMEOUT: Duration = Duration::from_secs(300);

pub struct Bucket {
    bucket: rusty_s3::Bucket,
    credentials: Credentials,
}

/// One client for every request: it keeps connections to the bucket open.
fn http() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        // reqwest is built without a TLS provider of its own: ring, as for sqlx and lettre.
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .build()
            .unwrap_or_default()
    })
}

impl Bucket {
    pub fn new(config: &S3Config) -> anyhow::Result<Self> {
        let endpoint = config.endpoint.parse().context("S3_ENDPOINT is no URL")?;
        let bucket = rusty_s3::Bucket::new(
            endpoint,
            UrlStyle::Path,
            config.bucket.clone(),
            config.region.clone(),
        )
        .context("S3_ENDPOINT must be an http(s) address")?;
        Ok(Self {
            bucket,
            credentials: Credentials::new(&config.access_key_id, &config.secret_access_key),
        })
    }

    pub async fn put(&self, key: &str, data: Bytes) -> anyhow::Result<()> {
        let url = self
            .bucket
            .put_object(Some(&self.credentials), key)
            .sign(SIGNED_FOR);
        http()
            .put(url)
            .timeout(PUT_TIMEOUT)
            .body(data)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .context("storing a file in the bucket")?;
        Ok(())
    }

    /// The bucket's answer for `key`, its body still to be read.
    pub async fn get(&self, key: &str) -> anyhow::Result<reqwest::Response> {
        let url = self
            .bucket
            .get_object(Some(&self.credentials), key)
            .sign(SIGNED_FOR);
        http()
            .get(url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .context("reading a file from the bucket")
    }
}
