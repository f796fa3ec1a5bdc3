//! The outbox: delivery after an SMTP outage, never twice with several workers or when the
//! database connection is lost after the server accepted a message, leases, giving up after
//! the last attempt, messages sent several at once, webhooks in their own lane, and the
//! webhook address checked again when sending.
use std::{
    sync::{
        Arc, Condvar, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{Router, extract::State, routing::post};
use frontdesk::mail::{self, Email, MAX_ATTEMPTS, Threading};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::{mpsc, watch};

use crate::harness::{MailSink, TestApp, fast_worker};

async fn enqueue(app: &TestApp, account_id: uuid::Uuid, to: &str) {
    let mut conn = app.db.acquire().await.unwrap();
    let email = Email {
        to: to.to_owned(),
        subject: format!("Hello {to}"),
        text: "Plain text".into(),
        html: "<p>HTML</p>".into(),
        threading: Threading::default(),
    };
    mail::enqueue(&mut conn, account_id, &email).await.unwrap();
}

async fn enqueue_webhook(app: &TestApp, account_id: uuid::Uuid, url: &str) {
    let mut conn = app.db.acquire().await.unwrap();
    let payload = serde_json::json!({ "text": "A new ticket" });
    mail::enqueue_webhook(&mut conn, account_id, url, &payload)
        .await
        .unwrap();
}

/// Waits up to ten seconds for `query` (one boolean) to be true.
async fn wait_until(db: &PgPool, query: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !sqlx::query_scalar::<_, bool>(query)
        .fetch_one(db)
        .await
        .unwrap()
    {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[sqlx::test]
async fn mail_queued_while_smtp_is_down_is_delivered_once_it_is_back(db: PgPool) {
    let sink = MailSink::reserve();
    let app = TestApp::spawn_with_mail(db, sink.clone()).await;
    let acme = app.workspace("acme").await;
    enqueue(&app, acme.account_id, "customer@example.com").await;

    // Wait until attempts have failed against the closed port.
    wait_until(
        &app.db,
        "select attempts >= 2 and last_error is not null from outbox",
        "no failed attempt while SMTP was down",
    )
    .await;

    sink.listen();
    let mail = sink.wait_for("customer@example.com").await;
    assert_eq!(mail.subject, "Hello customer@example.com");
    assert!(mail.text.contains("Plain text"));
    assert!(mail.html.contains("<p>HTML</p>"));
    // Delivered, and the bodies (which may hold one-time links) are not kept. The worker
    // marks the row after the server has accepted the message: wait for that.
    wait_until(
        &app.db,
        "select sent_at is not null and text_body = '' and html_body = '' from outbox",
        "delivered but never marked sent",
    )
    .await;
}

#[sqlx::test]
async fn without_smtp_mail_is_written_as_eml_files(db: PgPool) {
    let mut app = TestApp::spawn(db.clone()).await;
    let acme = app.workspace("acme").await;
    let mut config = app.config.clone();
    config.smtp_url = None;
    config.mail_dir = std::env::temp_dir().join(format!("frontdesk-mail-{}", uuid::Uuid::now_v7()));
    // Only this worker runs: the app's own is stopped first.
    app.stop_worker().await;
    enqueue(&app, acme.account_id, "customer@example.com").await;
    fast_worker(&db, &config).drain().await;

    let files: Vec<_> = std::fs::read_dir(&config.mail_dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let raw = std::fs::read(&files[0]).unwrap();
    let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert_eq!(message.subject(), Some("Hello customer@example.com"));
    assert!(app.mail.all().is_empty(), "nothing went over SMTP");
    std::fs::remove_dir_all(&config.mail_dir).unwrap();
}

#[sqlx::test]
async fn two_workers_never_send_one_message_twice(db: PgPool) {
    let mut app = TestApp::spawn(db.clone()).await;
    let acme = app.workspace("acme").await;
    for n in 0..100 {
        enqueue(&app, acme.account_id, &format!("customer{n}@example.com")).await;
    }
    // The app's worker plus two more, all delivering the same outbox at once.
    let (stop, stopped) = watch::channel(false);
    let extra = [fast_worker(&db, &app.config), fast_worker(&db, &app.config)];
    let handles: Vec<_> = extra
        .into_iter()
        .map(|worker| tokio::spawn(worker.run(stopped.clone())))
        .collect();

    for n in 0..100 {
        app.mail.wait_for(&format!("customer{n}@example.com")).await;
    }
    // Every worker stopped, which waits for what each has in flight: nothing arrives
    // after the count.
    let _ = stop.send(true);
    for handle in handles {
        handle.await.unwrap();
    }
    app.stop_worker().await;
    assert_eq!(app.mail.all().len(), 100, "each message exactly once");
    let unsent = app.count("outbox where sent_at is null").await;
    assert_eq!(unsent, 0);
}

#[sqlx::test]
async fn a_message_is_given_up_after_its_last_attempt(db: PgPool) {
    let sink = MailSink::reserve();
    let mut app = TestApp::spawn_with_mail(db.clone(), sink.clone()).await;
    app.stop_worker().await;
    let acme = app.workspace("acme").await;
    enqueue(&app, acme.account_id, "customer@example.com").await;

    // Each failed attempt is due again at once: the worker tries until it gives up.
    let mut worker = fast_worker(&db, &app.config);
    worker.retry_base = Duration::ZERO;
    tokio::time::timeout(Duration::from_secs(30), worker.drain())
        .await
        .expect("the worker never gave up");
    let (attempts, failed, error, text, html): (i32, bool, String, String, String) =
        sqlx::query_as(
            "select attempts, failed_at is not null, last_error, text_body, html_body
             from outbox",
        )
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(attempts, MAX_ATTEMPTS);
    assert!(failed, "not marked failed");
    assert!(error.contains("refused"), "{error}");
    assert_eq!((text.as_str(), html.as_str()), ("", ""), "bodies kept");

    // With the server back, the given-up message stays where it is; a new one goes out.
    sink.listen();
    enqueue(&app, acme.account_id, "later@example.com").await;
    fast_worker(&db, &app.config).drain().await;
    let received: Vec<_> = sink.all().into_iter().map(|mail| mail.to).collect();
    assert_eq!(received, ["later@example.com"]);
    let attempts = app
        .count(&format!("outbox where attempts = {MAX_ATTEMPTS}"))
        .await;
    assert_eq!(attempts, 1, "tried again after giving up");
}

#[sqlx::test]
async fn a_message_claimed_by_another_worker_waits_until_its_lease_has_passed(db: PgPool) {
    let mut app = TestApp::spawn(db.clone()).await;
    app.stop_worker().await;
    let acme = app.workspace("acme").await;
    enqueue(&app, acme.account_id, "customer@example.com").await;

    // Another worker holds it (it may be sending it right now, or have died doing so).
    sqlx::query("update outbox set claimed_by = $1, claimed_until = now() + interval '1 minute'")
        .bind(uuid::Uuid::now_v7())
        .execute(&app.db)
        .await
        .unwrap();
    fast_worker(&db, &app.config).drain().await;
    assert!(
        app.mail.all().is_empty(),
        "sent while another worker held it"
    );

    sqlx::query("update outbox set claimed_until = now() - interval '1 second'")
        .execute(&app.db)
        .await
        .unwrap();
    fast_worker(&db, &app.config).drain().await;
    assert_eq!(app.mail.all().len(), 1);
    assert_eq!(app.count("outbox where sent_at is not null").await, 1);
}

#[sqlx::test]
async fn emails_are_sent_several_at_once(db: PgPool) {
    // The server holds each message until four have reached it (five seconds at most):
    // one message at a time, the first waits in vain.
    const AT_ONCE: usize = 4;
    let arrived = Arc::new((Mutex::new(0_usize), Condvar::new()));
    let waited_in_vain = Arc::new(AtomicBool::new(false));
    let sink = MailSink::start_with({
        let waited_in_vain = waited_in_vain.clone();
        move || {
            let (count, changed) = &*arrived;
            let mut count = count.lock().unwrap();
            *count += 1;
            changed.notify_all();
            let (count, wait) = changed
                .wait_timeout_while(count, Duration::from_secs(5), |count| *count < AT_ONCE)
                .unwrap();
            drop(count);
            if wait.timed_out() {
                waited_in_vain.store(true, Ordering::SeqCst);
            }
        }
    });
    let app = TestApp::spawn_with_mail(db, sink).await;
    let acme = app.workspace("acme").await;
    for n in 0..AT_ONCE {
        enqueue(&app, acme.account_id, &format!("customer{n}@example.com")).await;
    }
    for n in 0..AT_ONCE {
        app.mail.wait_for(&format!("customer{n}@example.com")).await;
    }
    assert!(
        !waited_in_vain.load(Ordering::SeqCst),
        "the messages were sent one after another"
    );
}

/// A webhook receiver on loopback that keeps each body and answers 200, once `release`
/// says so when it is given one.
#[derive(Clone)]
struct FakeHook {
    bodies: Arc<Mutex<Vec<String>>>,
    release: Option<watch::Receiver<bool>>,
}

impl FakeHook {
    /// The receiver and its address.
    async fn start(release: Option<watch::Receiver<bool>>) -> (Self, String) {
        async fn receive(State(hook): State<FakeHook>, body: String) {
            hook.bodies.lock().unwrap().push(body);
            if let Some(mut release) = hook.release {
                let _ = release.wait_for(|released| *released).await;
            }
        }
        let hook = Self {
            bodies: Arc::default(),
            release,
        };
        let router = Router::new()
            .route("/hook", post(receive))
            .with_state(hook.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        (hook, format!("http://{address}/hook"))
    }

    fn calls(&self) -> usize {
        self.bodies.lock().unwrap().len()
    }
}

#[sqlx::test]
async fn a_slow_webhook_host_does_not_hold_up_email(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let (release, released) = watch::channel(false);
    let (hook, url) = FakeHook::start(Some(released)).await;
    // The webhook is due first, and its host keeps the worker waiting for an answer.
    enqueue_webhook(&app, acme.account_id, &url).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while hook.calls() == 0 {
        assert!(Instant::now() < deadline, "the webhook was never posted");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    for n in 0..20 {
        enqueue(&app, acme.account_id, &format!("customer{n}@example.com")).await;
    }
    for n in 0..20 {
        app.mail.wait_for(&format!("customer{n}@example.com")).await;
    }
    let (attempts, sent): (i32, bool) =
        sqlx::query_as("select attempts, sent_at is not null from outbox where kind = 'webhook'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (attempts, sent),
        (0, false),
        "the emails waited for the webhook's answer"
    );

    let _ = release.send(true);
    wait_until(
        &app.db,
        "select sent_at is not null and attempts = 1 from outbox where kind = 'webhook'",
        "the webhook was never marked sent",
    )
    .await;
    assert_eq!(hook.calls(), 1);
}

#[sqlx::test]
async fn a_webhook_to_a_private_address_is_refused_when_sending(db: PgPool) {
    let mut app = TestApp::spawn(db.clone()).await;
    app.stop_worker().await;
    let acme = app.workspace("acme").await;
    let (hook, url) = FakeHook::start(None).await;
    // Saved while private addresses were allowed, or a name that has since moved inside:
    // the address is checked again when the message is sent.
    enqueue_webhook(&app, acme.account_id, &url).await;
    let mut config = app.config.clone();
    config.allow_private_webhooks = false;
    fast_worker(&db, &config).drain().await;

    assert_eq!(hook.calls(), 0, "posted to a private address");
    let (attempts, given_up, error, url_kept): (i32, bool, String, bool) = sqlx::query_as(
        "select attempts, failed_at is not null, last_error, url is not null from outbox",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(attempts, 1);
    assert!(given_up, "a refused address is not tried again");
    assert!(error.contains("not a public address"), "{error}");
    assert!(!url_kept, "the secret address is kept after giving up");

    // Where private addresses are allowed, the same post reaches the receiver.
    enqueue_webhook(&app, acme.account_id, &url).await;
    fast_worker(&db, &app.config).drain().await;
    assert_eq!(hook.calls(), 1);
}

/// The address of the server's own database (not the test's), for statements about the
/// test's database that cannot run inside it.
fn server_url() -> String {
    std::env::var("DATABASE_URL").unwrap()
}

#[sqlx::test]
async fn a_lost_database_connection_after_the_server_accepted_a_message_does_not_send_it_again(
    db: PgPool,
) {
    // The first message the server receives makes the test cut the database off (every
    // connection of the test's database ended, new ones refused) before the server
    // answers 250.
    let (cut, mut cuts) = mpsc::unbounded_channel::<std::sync::mpsc::Sender<()>>();
    let first = Arc::new(AtomicBool::new(true));
    let sink = MailSink::start_with(move || {
        if first.swap(false, Ordering::SeqCst) {
            let (done, wait) = std::sync::mpsc::channel();
            cut.send(done).unwrap();
            wait.recv().unwrap();
        }
    });
    let database = db.connect_options().get_database().unwrap().to_owned();
    let mut app = TestApp::spawn_with_mail(db, sink.clone()).await;
    let acme = app.workspace("acme").await;
    enqueue(&app, acme.account_id, "customer@example.com").await;

    let done = tokio::time::timeout(Duration::from_secs(10), cuts.recv())
        .await
        .expect("the message never reached the server")
        .unwrap();
    let mut server = PgConnection::connect(&server_url()).await.unwrap();
    sqlx::query(&format!(
        r#"alter database "{database}" with allow_connections false"#
    ))
    .execute(&mut server)
    .await
    .unwrap();
    sqlx::query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1")
        .bind(&database)
        .execute(&mut server)
        .await
        .unwrap();
    done.send(()).unwrap();
    // The worker has its 250 and cannot record it for a while.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    sqlx::query(&format!(
        r#"alter database "{database}" with allow_connections true"#
    ))
    .execute(&mut server)
    .await
    .unwrap();

    wait_until(
        &app.db,
        "select sent_at is not null from outbox",
        "never marked sent once the database was back",
    )
    .await;
    // Stopped, the worker has nothing in flight: a second delivery would be here by now.
    app.stop_worker().await;
    assert_eq!(sink.all().len(), 1, "sent twice");
    assert_eq!(app.count("outbox where attempts = 1").await, 1);
}
