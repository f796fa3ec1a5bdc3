//! One pooled connection for a page view: the session store loads the session and its agent
//! on it while `auth::require_permission` authenticates the request, and the page's handler
//! runs its own queries on the same one (`Db`). Taking a connection from the pool costs a
//! check on its return (sqlx pings every connection it takes back), so a page that took
//! one for the session and another for its queries paid that round trip twice.
//!
//! The connection is kept for a page view only (`GET`/`HEAD`): a post may wait minutes for
//! its body (an upload) and runs its own transaction. A handler that does not take `Db`
//! gives the connection back before it starts, when axum drops the request's parts. So no
//! request holds a second connection while waiting for the pool, unless its handler asks
//! for one beside `Db` (none does).
use std::{
    ops::{Deref, DerefMut},
    sync::Arc,
};

use axum::{
    extract::FromRequestParts,
    http::{Method, request::Parts},
};
use sqlx::{PgConnection, PgPool, Postgres, pool::PoolConnection};
use tokio::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};

use crate::{AppError, AppState};

/// The request's connection, taken from the pool by whoever needs it first.
#[derive(Clone, Default)]
pub struct Slot(Arc<Mutex<Option<PoolConnection<Postgres>>>>);

tokio::task_local! {
    /// The slot of the request being authenticated, for the session store.
    static AUTHENTICATING: Slot;
}

/// Runs `authenticate` (the loading of the session and its agent) so that the session
/// store works on the request's connection; `Slot::keep` then hands that connection on.
pub async fn authenticate<T>(authenticate: impl Future<Output = T>) -> (T, Slot) {
    let slot = Slot::default();
    let output = AUTHENTICATING.scope(slot.clone(), authenticate).await;
    (output, slot)
}

/// A connection: the request's while a request is being authenticated, else the pool's.
pub enum Lease {
    Request(OwnedMappedMutexGuard<Option<PoolConnection<Postgres>>, PoolConnection<Postgres>>),
    Pooled(PoolConnection<Postgres>),
}

impl Slot {
    /// Keeps the connection for the handler of a page view; any other request gives it
    /// back now.
    pub fn keep(self, parts: &mut Parts) {
        if matches!(parts.method, Method::GET | Method::HEAD) {
            parts.extensions.insert(self);
        }
    }

    async fn lease(self, db: &PgPool) -> sqlx::Result<Lease> {
        let mut slot = self.0.lock_owned().await;
        if slot.is_none() {
            *slot = Some(db.acquire().await?);
        }
        match OwnedMutexGuard::try_map(slot, Option::as_mut) {
            Ok(conn) => Ok(Lease::Request(conn)),
            // Filled just above; a connection of its own would do as well.
            Err(_) => Ok(Lease::Pooled(db.acquire().await?)),
        }
    }
}

/// For the session store: the connection of the request being authenticated, or one of
/// the pool outside of that.
pub async fn lease(db: &PgPool) -> sqlx::Result<Lease> {
    match AUTHENTICATING.try_with(Slot::clone) {
        Ok(slot) => slot.lease(db).await,
        Err(_) => Ok(Lease::Pooled(db.acquire().await?)),
    }
}

impl Deref for Lease {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        match self {
            Self::Request(conn) => conn,
            Self::Pooled(conn) => conn,
        }
    }
}

impl DerefMut for Lease {
    fn deref_mut(&mut self) -> &mut PgConnection {
        match self {
            Self::Request(conn) => conn,
            Self::Pooled(conn) => conn,
        }
    }
}

/// Extractor: the page view's connection, the one its session was loaded on (or one of the
/// pool where there was none). Holding it, a handler takes no other from the pool: with
/// every pooled connection held that way, a second one would never come.
pub struct Db(pub Lease);

impl FromRequestParts<AppState> for Db {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let lease = match parts.extensions.remove::<Slot>() {
            Some(slot) => slot.lease(&state.db).await?,
            None => Lease::Pooled(state.db.acquire().await?),
        };
        Ok(Self(lease))
    }
}

impl Deref for Db {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        &self.0
    }
}

impl DerefMut for Db {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.0
    }
}
