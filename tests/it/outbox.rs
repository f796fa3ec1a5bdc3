//! The outbox: delivery after an SMTP outage, and never twice with several workers.
use std::time::{Duration, Instant};

use frontdesk::mail::{self, Email, Threading};
use sqlx::PgPool;
use tokio::sync::watch;

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

#[sqlx::test]
async fn mail_queued_while_smtp_is_down_is_delivered_once_it_is_back(db: PgPool) {
    let sink = MailSink::reserve();
    let app = TestApp::spawn_with_mail(db, sink.clone()).await;
    let acme = app.workspace("acme").await;
    enqueue(&app, acme.account_id, "customer@example.com").await;

    // Wait until attempts have failed against the closed port.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (attempts, error): (i32, Option<String>) =
            sqlx::query_as("select attempts, last_error from outbox")
                .fetch_one(&app.db)
                .await
                .unwrap();
        if attempts >= 2 {
            assert!(error.is_some());
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no failed attempt while SMTP was down"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    sink.listen();
    let mail = sink.wait_for("customer@example.com").await;
    assert_eq!(mail.subject, "Hello customer@example.com");
    assert!(mail.text.contains("Plain text"));
    assert!(mail.html.contains("<p>HTML</p>"));
    // Delivered, and the bodies (which may hold one-time links) are not kept. The worker
    // marks the row after the server has accepted the message: wait for that.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (sent, text): (bool, String) =
            sqlx::query_as("select sent_at is not null, text_body from outbox")
                .fetch_one(&app.db)
                .await
                .unwrap();
        if sent {
            assert_eq!(text, "");
            break;
        }
        assert!(Instant::now() < deadline, "delivered but never marked sent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
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
    let (stop, stopped) = watch::channel(false);
    let worker = tokio::spawn(fast_worker(&db, &config).run(stopped));
    enqueue(&app, acme.account_id, "customer@example.com").await;

    let deadline = Instant::now() + Duration::from_secs(10);
    let file = loop {
        let found = std::fs::read_dir(&config.mail_dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .find(|path| path.extension().is_some_and(|ext| ext == "eml"));
        if let Some(file) = found {
            break file;
        }
        assert!(Instant::now() < deadline, "no .eml file was written");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let _ = stop.send(true);
    worker.await.unwrap();
    let raw = std::fs::read(&file).unwrap();
    let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert_eq!(message.subject(), Some("Hello customer@example.com"));
    assert!(app.mail.all().is_empty(), "nothing went over SMTP");
    std::fs::remove_dir_all(&config.mail_dir).unwrap();
}

#[sqlx::test]
async fn two_workers_never_send_one_message_twice(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let acme = app.workspace("acme").await;
    for n in 0..30 {
        enqueue(&app, acme.account_id, &format!("customer{n}@example.com")).await;
    }
    // The app's worker plus two more, all delivering the same outbox at once.
    let (stop, stopped) = watch::channel(false);
    let extra = [fast_worker(&db, &app.config), fast_worker(&db, &app.config)];
    let handles: Vec<_> = extra
        .into_iter()
        .map(|worker| tokio::spawn(worker.run(stopped.clone())))
        .collect();

    for n in 0..30 {
        app.mail.wait_for(&format!("customer{n}@example.com")).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = stop.send(true);
    for handle in handles {
        handle.await.unwrap();
    }
    let received = app.mail.all();
    assert_eq!(received.len(), 30, "each message exactly once");
    let unsent = app.count("outbox where sent_at is null").await;
    assert_eq!(unsent, 0);
}
