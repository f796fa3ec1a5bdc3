//! The outbox: delivery after an SMTP outage, and never twice with several workers.
use std::time::Duration;

use frontdesk::mail::{self, Email};
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
    };
    mail::enqueue(&mut conn, account_id, &email).await.unwrap();
}

#[sqlx::test]
async fn mail_queued_while_smtp_is_down_is_delivered_once_it_is_back(db: PgPool) {
    let sink = MailSink::reserve();
    let app = TestApp::spawn_with_mail(db, sink.clone()).await;
    let acme = app.workspace("acme").await;
    enqueue(&app, acme.account_id, "customer@example.com").await;

    // Let a few attempts fail against the closed port.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (attempts, error): (i32, Option<String>) =
        sqlx::query_as("select attempts, last_error from outbox")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(attempts >= 1, "attempted while down");
    assert!(error.is_some());

    sink.listen();
    let mail = sink.wait_for("customer@example.com").await;
    assert_eq!(mail.subject, "Hello customer@example.com");
    assert!(mail.text.contains("Plain text"));
    assert!(mail.html.contains("<p>HTML</p>"));
    let sent: bool = sqlx::query_scalar("select sent_at is not null from outbox")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(sent);
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
    let unsent: i64 = sqlx::query_scalar("select count(*) from outbox where sent_at is null")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(unsent, 0);
}
