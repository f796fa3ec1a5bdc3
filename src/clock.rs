//! The time as the application sees it, the one "now" of every rule. `serve` reads the
//! system clock; tests and `billing close-periods --now` set it. SQL reads the same clock as
//! `app_now()` (migration `app_clock`): the database's `now()` under the system clock, the
//! fixed time that `attach` hands each connection under a fixed one.
use std::sync::{Arc, Mutex};

use sqlx::postgres::PgPoolOptions;
use time::OffsetDateTime;

#[derive(Clone, Debug, Default)]
pub enum Clock {
    #[default]
    System,
    /// A time that moves only when `set` says so.
    Fixed(Arc<Mutex<OffsetDateTime>>),
}

impl Clock {
    pub fn fixed(at: OffsetDateTime) -> Self {
        Self::Fixed(Arc::new(Mutex::new(at)))
    }

    pub fn now(&self) -> OffsetDateTime {
        match self {
            Self::System => OffsetDateTime::now_utc(),
            Self::Fixed(at) => *at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()),
        }
    }

    /// Moves a fixed clock to `at`; the system clock cannot be set.
    pub fn set(&self, to: OffsetDateTime) {
        if let Self::Fixed(at) = self {
            *at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = to;
        }
    }

    /// Pool options whose connections' `app_now()` reads this clock. Under the system clock
    /// there is nothing to hand over, and no statement is added to a checkout.
    pub fn attach(&self, options: PgPoolOptions) -> PgPoolOptions {
        if matches!(self, Self::System) {
            return options;
        }
        // A connection reused from the pool passes `before_acquire`; a new one passes
        // `after_connect` instead: both take the clock's time as it is now.
        let on_acquire = self.clone();
        let on_connect = self.clone();
        options
            .after_connect(move |conn, _| {
                let now = on_connect.now();
                Box::pin(async move { set_now(conn, now).await })
            })
            .before_acquire(move |conn, _| {
                let now = on_acquire.now();
                Box::pin(async move {
                    set_now(conn, now).await?;
                    Ok(true)
                })
            })
    }
}

/// Sets the time that `app_now()` reads on `conn`.
async fn set_now(conn: &mut sqlx::PgConnection, now: OffsetDateTime) -> sqlx::Result<()> {
    sqlx::query("select set_config('frontdesk.now', $1::timestamptz::text, false)")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}
