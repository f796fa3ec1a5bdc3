//! Connecting, migrating and serving: what `frontdesk serve` does around the router.
use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use axum::serve::ListenerExt;
use sqlx::{
    Connection, Executor, PgPool,
    postgres::{PgConnectOptions, PgPoolOptions},
};
use tokio::sync::watch;
use tracing_subscriber::EnvFilter;

use crate::{
    AppError, auth, billing,
    clock::Clock,
    config::Config,
    directory::Directory,
    live::{self, Events},
    mail::OutboxWorker,
    router, rules, sla, social, tickets,
};

/// What every handler can reach. Nothing here that another `serve` process would need:
/// sessions, throttling counters and the outbox all live in PostgreSQL.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
    pub clock: Clock,
    /// Ticket events of every `serve` process, for the live panel.
    pub events: Events,
    /// The workspaces' department and agent names, kept while `events` hears changes.
    pub directory: Directory,
}

pub fn init_tracing() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx::postgres::notice=warn"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
}

/// A connection idle this long is checked (a round trip) before it is handed out, so that
/// one that died meanwhile (PostgreSQL restarted) is replaced rather than failing a page.
const CHECK_IDLE_AFTER: Duration = Duration::from_secs(1);

/// A pool whose checkouts give up after a few seconds, so that pages answer 503 quickly
/// while PostgreSQL is down and recover by themselves when it returns. sqlx would check
/// every checkout with a round trip of its own; only idle connections are checked here,
/// since sqlx checks each connection again as it comes back and drops a broken one.
pub fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(20)
        .acquire_timeout(Duration::from_secs(3))
        .test_before_acquire(false)
        // Every statement is prepared once per connection and keyed by the workspace's id:
        // its plan is the same for every workspace. Left to choose, PostgreSQL plans the
        // queue's list anew on every execution (its plan for the values in hand costs a
        // little less than the generic one), half the statement's time.
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("set plan_cache_mode = force_generic_plan")
                    .await
                    .map(drop)
            })
        })
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= CHECK_IDLE_AFTER {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

pub async fn connect(config: &Config) -> anyhow::Result<PgPool> {
    let options: PgConnectOptions = config
        .database_url
        .parse()
        .context("DATABASE_URL is not a PostgreSQL URL")?;
    // Ticket lists are built from the filters in use: more shapes than sqlx's default
    // cache of 100 prepared statements per connection holds.
    pool_options()
        .connect_with(options.statement_cache_capacity(1000))
        .await
        .context("cannot connect to PostgreSQL at DATABASE_URL")
}

pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::migrate!("./migrations")
        .run(pool)
        .await
        .context("applying migrations")
}

pub async fn serve(config: Config) -> anyhow::Result<()> {
    let pool = connect(&config).await?;
    migrate(&pool).await?;
    let directory = Directory::default();
    let state = AppState {
        db: pool.clone(),
        config: Arc::new(config),
        clock: Clock::System,
        events: Events::start(&pool, &directory),
        directory,
    };

    let (stop_worker, worker_stopped) = watch::channel(false);
    let inbox = tokio::spawn(social::inbox::run(state.clone(), worker_stopped.clone()));
    let worker = OutboxWorker::new(pool, &state.config)?;
    let worker = tokio::spawn(worker.run(worker_stopped));

    tokio::spawn(housekeeping(state.db.clone()));
    // Postponed tickets whose date has come are open again; missed SLA targets are told to
    // whom they concern; tickets left alone long enough meet the time rules.
    tokio::spawn(every_minute(
        state.clone(),
        |state| async move { tickets::wake_postponed(&state.db, &state.config).await },
        "postponed tickets are open again",
        "waking postponed tickets failed",
    ));
    tokio::spawn(every_minute(
        state.clone(),
        |state| async move { sla::notify_breaches(&state.db, &state.config).await },
        "missed SLA targets announced",
        "announcing missed SLA targets failed",
    ));
    tokio::spawn(every_minute(
        state.clone(),
        |state| async move { rules::run_time_rules(&state.db, &state.config).await },
        "time rules acted",
        "running time rules failed",
    ));
    tokio::spawn(close_billing_periods(state.clone()));

    let listener = tokio::net::TcpListener::bind(state.config.listen_addr)
        .await
        .with_context(|| format!("cannot listen on {}", state.config.listen_addr))?
        .tap_io(limit_unacknowledged);
    tracing::info!(
        "Frontdesk is listening on {} (public address {})",
        state.config.listen_addr,
        state.config.base_url
    );
    let events = state.events.clone();
    axum::serve(
        listener,
        router::app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Live panels' streams would otherwise hold the shutdown open.
        events.stop();
    })
    .await?;

    tracing::info!("requests finished; stopping the outbox worker and the social inbox");
    let _ = stop_worker.send(true);
    let _ = worker.await;
    let _ = inbox.await;
    Ok(())
}

/// How long data sent to a client may go unacknowledged before the system drops the
/// connection. A live stream writes a keep-alive every 15 seconds: to a client that vanished
/// without closing its connection (a closed lid, a lost network) the next write then fails
/// and the stream ends, within this and two keep-alives instead of the system's 15 minutes.
const UNACKNOWLEDGED_LIMIT: Duration = Duration::from_secs(30);

fn limit_unacknowledged(connection: &mut tokio::net::TcpStream) {
    let socket = socket2::SockRef::from(&*connection);
    if let Err(error) = socket.set_tcp_user_timeout(Some(UNACKNOWLEDGED_LIMIT)) {
        tracing::debug!(%error, "TCP_USER_TIMEOUT was not set");
    }
}

/// Deletes sessions, logins, login attempts and reset links that can no longer be used,
/// and what processes that died left of their live streams.
async fn housekeeping(db: PgPool) {
    let mut every = tokio::time::interval(Duration::from_secs(600));
    loop {
        every.tick().await;
        if let Err(error) = auth::delete_expired(&db).await {
            tracing::warn!(%error, "housekeeping failed");
        }
        if let Err(error) = live::delete_stale_streams(&db).await {
            tracing::warn!(%error, "housekeeping of live streams failed");
        }
    }
}

/// Runs `job` at start (catching up on what came due while nothing ran), then every
/// minute, and logs how much it did. Any number of processes may run these at once.
async fn every_minute<F, Fut>(state: AppState, job: F, done: &'static str, failed: &'static str)
where
    F: Fn(AppState) -> Fut,
    Fut: Future<Output = Result<usize, AppError>>,
{
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        match job(state.clone()).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "{done}"),
            Err(error) => tracing::warn!(%error, "{failed}"),
        }
    }
}

/// Invoices for the billing periods that have ended: at start (catching up on periods
/// missed while nothing ran), then every ten minutes. Any number of processes may do it
/// at once; each period is closed by one of them.
async fn close_billing_periods(state: AppState) {
    let mut every = tokio::time::interval(Duration::from_secs(600));
    loop {
        every.tick().await;
        match billing::close_periods(&state.db, &state.config, state.clock.now()).await {
            Ok(closed) => {
                for period in closed {
                    tracing::info!(account_id = %period.account_id, "{period}");
                }
            }
            Err(error) => tracing::warn!(%error, "closing billing periods failed"),
        }
    }
}

/// Ctrl-C or SIGTERM: stop accepting, let in-flight requests finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
