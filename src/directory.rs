//! The names of a workspace's departments and agents, which most panel pages show in their
//! filters and forms, kept per process so that a page view does not ask PostgreSQL for
//! them. Triggers (migration `directory_changes`) announce every change of them with
//! `pg_notify` at commit; the live panel's listener, which every `serve` process runs,
//! forgets the workspace's names (`forget`), so the next page reads them again. While
//! that listener is not connected nothing is kept: a change could go unheard.
use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
};

use sqlx::PgConnection;
use uuid::Uuid;

use crate::{agents, departments};

/// The PostgreSQL channel on which the triggers name a workspace whose names changed.
pub const CHANNEL: &str = "frontdesk_directory";
/// Workspaces kept at most; beyond, the cache starts again (a process serves a few).
const CAPACITY: usize = 10_000;

/// A workspace's departments and (not deleted) agents, each as `(id, name)` sorted by
/// name.
#[derive(Debug, PartialEq, Eq)]
pub struct Names {
    pub departments: Vec<(Uuid, String)>,
    pub agents: Vec<(Uuid, String)>,
}

#[derive(Clone, Default)]
pub struct Directory(Arc<Inner>);

#[derive(Default)]
struct Inner {
    names: Mutex<HashMap<Uuid, Arc<Names>>>,
    /// Moves on with every change heard: names read before it moved are not kept.
    generation: AtomicU64,
    listening: AtomicBool,
}

impl Directory {
    /// The workspace's names, kept or read now.
    pub async fn names(
        &self,
        conn: &mut PgConnection,
        account_id: Uuid,
    ) -> sqlx::Result<Arc<Names>> {
        if let Some(names) = self.kept().and_then(|kept| kept.get(&account_id).cloned()) {
            return Ok(names);
        }
        let generation = self.0.generation.load(Ordering::Acquire);
        let names = Arc::new(Names {
            departments: departments::db::names(conn, account_id).await?,
            agents: agents::db::names(conn, account_id).await?,
        });
        if let Some(mut kept) = self.kept()
            && generation == self.0.generation.load(Ordering::Acquire)
        {
            if kept.len() >= CAPACITY {
                kept.clear();
            }
            kept.insert(account_id, names.clone());
        }
        Ok(names)
    }

    /// The kept names, while changes are being heard.
    fn kept(&self) -> Option<std::sync::MutexGuard<'_, HashMap<Uuid, Arc<Names>>>> {
        if !self.0.listening.load(Ordering::Acquire) {
            return None;
        }
        Some(self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Arc<Names>>> {
        // A panic elsewhere while holding the lock leaves a map that is still whole.
        self.0
            .names
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A change of the workspace's names was announced.
    pub fn forget(&self, account_id: Uuid) {
        self.0.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(mut kept) = self.kept() {
            kept.remove(&account_id);
        }
    }

    /// The listener (re)connected (`true`), so that changes are heard from now on, or lost
    /// its connection (`false`). Either way what was kept may have missed a change.
    pub fn listening(&self, listening: bool) {
        self.0.generation.fetch_add(1, Ordering::AcqRel);
        self.0.listening.store(listening, Ordering::Release);
        self.lock().clear();
    }
}
