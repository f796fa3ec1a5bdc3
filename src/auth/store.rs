//! The session store: tower-sessions' records in `tower_sessions.session`, with the login a
//! session carries copied into columns of its own, so that loading the session and the
//! agent behind it is one query on every page view.
//!
//! The agent travels inside the loaded record under `AGENT_KEY`, which is never written
//! back: a saved record holds only what the session itself set.
use std::sync::LazyLock;

use async_trait::async_trait;
use serde::Deserialize;
use sqlx::{FromRow, PgPool, Row};
use time::OffsetDateTime;
use tower_sessions::{
    SessionStore,
    session::{Id, Record},
    session_store::{Error, Result},
};
use uuid::Uuid;

use crate::web::connection;

use super::{
    CurrentAgent,
    db::CURRENT_AGENT,
    session::{ABSOLUTE_LIFETIME, LOGIN_KEY, LoginIdentity},
};

/// Where a loaded record carries the agent of its open login.
pub const AGENT_KEY: &str = "agent";

/// A session and, where its login is open, that login's agent (`agent.*` is null
/// otherwise): `$1` the login lifetime, `$2` the session id, `$3` now.
static LOAD: LazyLock<String> = LazyLock::new(|| {
    format!(
        "select s.data, agent.* from tower_sessions.session s
         left join lateral ({CURRENT_AGENT}
             and l.account_id = s.login_account_id and l.id = s.login_id) agent on true
         where s.id = $2 and s.expiry_date > $3"
    )
});

#[derive(Clone, Debug)]
pub struct PgSessionStore {
    db: PgPool,
}

fn backend(error: sqlx::Error) -> Error {
    Error::Backend(error.to_string())
}

/// The record as stored: without the loaded agent, encoded as tower-sessions-sqlx-store
/// did (MessagePack), so that sessions of earlier versions still load.
fn encode(record: &Record) -> Result<Vec<u8>> {
    let encoded = if record.data.contains_key(AGENT_KEY) {
        let mut stored = record.clone();
        stored.data.remove(AGENT_KEY);
        rmp_serde::to_vec(&stored)
    } else {
        rmp_serde::to_vec(record)
    };
    encoded.map_err(|error| Error::Encode(error.to_string()))
}

/// The workspace and login the record is logged in to, for the columns beside it.
fn login_of(record: &Record) -> (Option<Uuid>, Option<Uuid>) {
    record
        .data
        .get(LOGIN_KEY)
        .and_then(|login| LoginIdentity::deserialize(login).ok())
        .map_or((None, None), |login| {
            (Some(login.account_id), Some(login.login_id))
        })
}

impl PgSessionStore {
    pub fn new(db: PgPool) -> Self {
        Self { db }
    }

    /// Writes `record` under its id; a row already there is replaced only when `replace`.
    /// Whether the record was written.
    async fn write(&self, record: &Record, replace: bool) -> Result<bool> {
        let (account_id, login_id) = login_of(record);
        let written = sqlx::query(
            "insert into tower_sessions.session
                 (id, data, expiry_date, login_account_id, login_id)
             values ($1, $2, $3, $4, $5)
             on conflict (id) do update
             set data = excluded.data, expiry_date = excluded.expiry_date,
                 login_account_id = excluded.login_account_id, login_id = excluded.login_id
             where $6",
        )
        .bind(record.id.to_string())
        .bind(encode(record)?)
        .bind(record.expiry_date)
        .bind(account_id)
        .bind(login_id)
        .bind(replace)
        .execute(&self.db)
        .await
        .map_err(backend)?;
        Ok(written.rows_affected() == 1)
    }
}

#[async_trait]
impl SessionStore for PgSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A new id that happens to be taken (2^-128) draws again.
        while !self.write(record, false).await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.write(record, true).await.map(drop)
    }

    /// The unexpired record, with the agent of its login when that login is still open,
    /// read on the request's connection (`web::connection`).
    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let mut conn = connection::lease(&self.db).await.map_err(backend)?;
        let Some(row) = sqlx::query(&LOAD)
            .bind(ABSOLUTE_LIFETIME.as_seconds_f64())
            .bind(id.to_string())
            // The session's expiry counts on the system's clock, as tower-sessions does.
            .bind(OffsetDateTime::now_utc())
            .fetch_optional(&mut *conn)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data: Vec<u8> = row.try_get("data").map_err(backend)?;
        let mut record: Record =
            rmp_serde::from_slice(&data).map_err(|error| Error::Decode(error.to_string()))?;
        if row
            .try_get::<Option<Uuid>, _>("login_id")
            .map_err(backend)?
            .is_some()
        {
            let agent = CurrentAgent::from_row(&row).map_err(backend)?;
            let agent =
                serde_json::to_value(agent).map_err(|error| Error::Encode(error.to_string()))?;
            record.data.insert(AGENT_KEY.to_owned(), agent);
        }
        Ok(Some(record))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        sqlx::query("delete from tower_sessions.session where id = $1")
            .bind(id.to_string())
            .execute(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
