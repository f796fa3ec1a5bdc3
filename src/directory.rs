//! The names of a workspace's departments and agents, which most panel pages show in their
//! filters and forms, and its service levels (hours and SLA policies, for the tickets'
//! clocks), kept per process so that a page view does not ask PostgreSQL for them. Triggers (migration `directory_changes`) announce every change of them with
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

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::{agents, departments, input::Choice, sla::ServiceLevels};

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
    levels: Mutex<HashMap<Uuid, Arc<ServiceLevels>>>,
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
        if let Some(names) = self.kept(&self.0.names, account_id) {
            return Ok(names);
        }
        let generation = self.0.generation.load(Ordering::Acquire);
        let names = Arc::new(Names {
            departments: departments::db::names(conn, account_id).await?,
            agents: agents::db::names(conn, account_id).await?,
        });
        self.keep(&self.0.names, generation, account_id, &names);
        Ok(names)
    }

    /// The workspace's departments as a form's choices, the one `selected` names (as the
    /// form sent it) marked.
    pub async fn department_choices(
        &self,
        db: &PgPool,
        account_id: Uuid,
        selected: &str,
    ) -> sqlx::Result<Vec<Choice>> {
        let names = self.names(&mut *db.acquire().await?, account_id).await?;
        Ok(Choice::rows(names.departments.clone(), |id| {
            selected == id.to_string()
        }))
    }

    /// The workspace's hours and SLA policies (hours on the clocks of `time_zone`, its
    /// own), kept or read now.
    pub async fn service_levels(
        &self,
        conn: &mut PgConnection,
        account_id: Uuid,
        time_zone: &str,
    ) -> sqlx::Result<Arc<ServiceLevels>> {
        if let Some(levels) = self.kept(&self.0.levels, account_id) {
            return Ok(levels);
        }
        let generation = self.0.generation.load(Ordering::Acquire);
        let levels = Arc::new(ServiceLevels::load(conn, account_id, time_zone).await?);
        self.keep(&self.0.levels, generation, account_id, &levels);
        Ok(levels)
    }

    /// What is kept of the workspace in `map`, while changes are being heard.
    fn kept<T>(&self, map: &Mutex<HashMap<Uuid, Arc<T>>>, account_id: Uuid) -> Option<Arc<T>> {
        if !self.0.listening.load(Ordering::Acquire) {
            return None;
        }
        lock(map).get(&account_id).cloned()
    }

    /// Keeps `value`, read when the generation was `generation`, unless a change was heard
    /// since (it may have been read before that change).
    fn keep<T>(
        &self,
        map: &Mutex<HashMap<Uuid, Arc<T>>>,
        generation: u64,
        account_id: Uuid,
        value: &Arc<T>,
    ) {
        if !self.0.listening.load(Ordering::Acquire) {
            return;
        }
        let mut kept = lock(map);
        if generation == self.0.generation.load(Ordering::Acquire) {
            if kept.len() >= CAPACITY {
                kept.clear();
            }
            kept.insert(account_id, value.clone());
        }
    }

    /// A change of the workspace's names or service levels was announced.
    pub fn forget(&self, account_id: Uuid) {
        self.0.generation.fetch_add(1, Ordering::AcqRel);
        lock(&self.0.names).remove(&account_id);
        lock(&self.0.levels).remove(&account_id);
    }

    /// The listener (re)connected (`true`), so that changes are heard from now on, or lost
    /// its connection (`false`). Either way what was kept may have missed a change.
    pub fn listening(&self, listening: bool) {
        self.0.generation.fetch_add(1, Ordering::AcqRel);
        self.0.listening.store(listening, Ordering::Release);
        lock(&self.0.names).clear();
        lock(&self.0.levels).clear();
    }
}

fn lock<T>(map: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere while holding the lock leaves a map that is still whole.
    map.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
