//! Attachments both ways: customers attach files on the contact form and their ticket page,
//! agents on replies and notes; replies carry theirs by email as MIME parts; downloads check
//! who may see the message and never render on our origin.
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    Router,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::StatusCode as Answer,
    routing::put,
};
use frontdesk::{auth::Role, config::S3Config};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::harness::{self, Client, PASSWORD, TestApp, Workspace, fast_worker};

/// A small PNG picture, `width` x `height`.
pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::DynamicImage::new_rgb8(width, height);
    let mut bytes = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    bytes.into_inner()
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
const HTML: &[u8] = b"<html><script>alert(document.cookie)</script></html>";

#[derive(sqlx::FromRow, Debug)]
struct Stored {
    id: Uuid,
    filename: String,
    content_type: String,
    kind: String,
}

async fn stored(app: &TestApp) -> Vec<Stored> {
    sqlx::query_as(
        "select f.id, f.filename, f.content_type, m.kind
         from attachments f join messages m on m.account_id = f.account_id and m.id = f.message_id
         order by f.filename",
    )
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// Carla writes in through the contact form with `files`; her client and its page.
async fn contact_with(app: &TestApp, files: &[(&str, &[u8])]) -> (Client, crate::harness::Page) {
    let customer = app.client();
    let page = customer
        .post_files(
            "/help/acme/contact",
            &[
                ("name", "Carla Customer"),
                ("email", "carla@example.com"),
                ("subject", "Broken lamp"),
                ("type", "refund"),
                ("message", "It arrived broken, photos attached."),
            ],
            files,
        )
        .await;
    (customer, page)
}

fn header(page: &crate::harness::Page, name: &str) -> String {
    page.header(name).to_owned()
}

#[sqlx::test]
async fn a_customers_files_reach_the_agent_and_the_agents_reach_the_customer(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let photo = png(800, 400);
    // Declared a picture, but a PDF by its content: stored as what it is.
    let (customer, sent) = contact_with(
        &app,
        &[
            ("lamp.png", &photo),
            ("invoice.png", PDF),
            ("page.html", HTML),
        ],
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let customer_page = sent.location().to_owned();
    let files = stored(&app).await;
    let types: Vec<(&str, &str)> = files
        .iter()
        .map(|f| (f.filename.as_str(), f.content_type.as_str()))
        .collect();
    assert_eq!(
        types,
        [
            ("invoice.png", "application/pdf"),
            ("lamp.png", "image/png"),
            ("page.html", "text/html"),
        ]
    );

    // The agent sees them on the message, the picture as a thumbnail.
    let agent = app.logged_in(&acme, Role::Agent).await;
    let ticket = agent.get("/app/tickets/1").await;
    let lamp = &files[1];
    let lamp_path = format!("/app/attachments/{}", lamp.id);
    assert!(ticket.body.contains(&format!("href=\"{lamp_path}\"")));
    assert!(
        ticket
            .body
            .contains(&format!("src=\"{lamp_path}?size=thumbnail\""))
    );
    let thumbnail = agent.get(&format!("{lamp_path}?size=thumbnail")).await;
    assert_eq!(thumbnail.status, StatusCode::OK);
    assert_eq!(header(&thumbnail, "content-type"), "image/png");
    let (status, original) = agent.get_bytes(&lamp_path).await;
    assert_eq!((status, original), (StatusCode::OK, photo.clone()));

    // An HTML file is only ever a download: bytes, never a page of ours.
    let html = agent
        .get(&format!("/app/attachments/{}", files[2].id))
        .await;
    assert_eq!(html.status, StatusCode::OK);
    assert_eq!(header(&html, "content-type"), "application/octet-stream");
    assert!(header(&html, "content-disposition").starts_with("attachment;"));
    assert_eq!(header(&html, "x-content-type-options"), "nosniff");

    // The agent answers with a file, and notes another for colleagues only.
    let reply = agent
        .post_files(
            "/app/tickets/1/reply",
            &[("body", "A new lamp is on its way; the label is attached.")],
            &[("label.pdf", PDF)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let note = agent
        .post_files(
            "/app/tickets/1/note",
            &[("body", "Courier's internal form.")],
            &[("internal.pdf", PDF)],
        )
        .await;
    assert_eq!(note.status, StatusCode::SEE_OTHER, "{}", note.body);

    // The reply's file arrives at the SMTP server as a MIME part.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mail = loop {
        let reply = app
            .mail
            .all()
            .into_iter()
            .find(|mail| mail.to == "carla@example.com" && !mail.attachments.is_empty());
        if let Some(reply) = reply {
            break reply;
        }
        assert!(std::time::Instant::now() < deadline, "the reply never came");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(mail.text.contains("A new lamp is on its way"));
    assert_eq!(
        mail.attachments,
        [(
            "label.pdf".to_owned(),
            "application/pdf".to_owned(),
            PDF.to_vec()
        )]
    );

    // The customer sees their files and the reply's, never the note's.
    let page = customer.get(&customer_page).await;
    let all = stored(&app).await;
    let by_name = |name: &str| all.iter().find(|f| f.filename == name).unwrap();
    let link = |file: &Stored| format!("{customer_page}/attachments/{}", file.id);
    assert!(page.body.contains(&link(by_name("label.pdf"))));
    assert!(page.body.contains(&link(by_name("lamp.png"))));
    assert!(!page.body.contains(&link(by_name("internal.pdf"))));
    assert_eq!(by_name("internal.pdf").kind, "note");
    let (status, label) = customer.get_bytes(&link(by_name("label.pdf"))).await;
    assert_eq!((status, label.as_slice()), (StatusCode::OK, PDF));
    assert_eq!(
        customer.status_of_get(&link(by_name("internal.pdf"))).await,
        StatusCode::NOT_FOUND
    );
    // Another ticket's link does not open this ticket's files.
    let (_, other) = contact_with(&app, &[]).await;
    let other_link = format!(
        "{}/attachments/{}",
        other.location(),
        by_name("lamp.png").id
    );
    assert_eq!(
        customer.status_of_get(&other_link).await,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test]
async fn files_over_the_limits_are_refused_and_nothing_is_stored(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let (_, sent) = contact_with(&app, &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let agent = app.logged_in(&acme, Role::Agent).await;
    let messages = app.count("messages").await;

    let eleven: Vec<(String, Vec<u8>)> = (0..11)
        .map(|n| (format!("file{n}.txt"), format!("file {n}").into_bytes()))
        .collect();
    let files = |n: usize| -> Vec<(&str, &[u8])> {
        eleven
            .iter()
            .take(n)
            .map(|(name, data)| (name.as_str(), data.as_slice()))
            .collect()
    };
    let refused = agent
        .post_files("/app/tickets/1/note", &[("body", "Too many")], &files(11))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("At most 10 files"),
        "{}",
        refused.body
    );
    // The note is kept for sending again.
    assert!(refused.body.contains("Too many"));

    let big = vec![b'x'; 12 * 1024 * 1024 + 600 * 1024];
    let refused = agent
        .post_files(
            "/app/tickets/1/reply",
            &[("body", "Too large")],
            &[("a.bin", &big), ("b.bin", &big)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("larger than 25 MB"));
    // Far over the limit, the body is not even read.
    let huge = vec![b'x'; 27 * 1024 * 1024];
    let refused = agent
        .post_files(
            "/app/tickets/1/note",
            &[("body", "Huge")],
            &[("c.bin", &huge)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("messages").await, messages);
    assert_eq!(app.count("attachments").await, 0);

    // Ten files are fine.
    let ten = agent
        .post_files("/app/tickets/1/note", &[("body", "Ten")], &files(10))
        .await;
    assert_eq!(ten.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("attachments").await, 10);
}

#[sqlx::test]
async fn another_workspace_or_department_gets_404_for_a_file(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let globex: Workspace = app.workspace("globex").await;
    let (_, sent) = contact_with(&app, &[("lamp.png", &png(10, 10))]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let file = &stored(&app).await[0];
    let path = format!("/app/attachments/{}", file.id);
    let admin = app.logged_in(&acme, Role::Admin).await;
    assert_eq!(admin.status_of_get(&path).await, StatusCode::OK);

    let outsider = app.logged_in(&globex, Role::Owner).await;
    assert_eq!(outsider.status_of_get(&path).await, StatusCode::NOT_FOUND);

    // The ticket moves to a department the agent is not in: its files leave their sight.
    let billing = app.department(&acme, "Billing", &[]).await;
    sqlx::query("update tickets set department_id = $1 where number = 1")
        .bind(billing)
        .execute(&app.db)
        .await
        .unwrap();
    let agent = app.logged_in(&acme, Role::Agent).await;
    assert_eq!(agent.status_of_get(&path).await, StatusCode::NOT_FOUND);
    assert_eq!(
        agent.status_of_get(&format!("{path}?size=thumbnail")).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(admin.status_of_get(&path).await, StatusCode::OK);
}

#[sqlx::test]
async fn a_customer_answers_with_a_file_on_their_ticket_page(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let _acme = app.workspace("acme").await;
    let (customer, sent) = contact_with(&app, &[]).await;
    let page = sent.location().to_owned();
    let answered = customer
        .post_files(
            &page,
            &[("message", "Here is the receipt.")],
            &[("receipt.pdf", PDF)],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let files = stored(&app).await;
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].kind, "customer");
    let shown = customer.get(&page).await;
    assert!(shown.body.contains("receipt.pdf"));
    // The same form without a file still works as a plain form.
    let plain = customer.post(&page, &[("message", "And thanks.")]).await;
    assert_eq!(plain.status, StatusCode::SEE_OTHER);
}

/// A fake of the S3 API on loopback: it keeps the objects PUT into it and answers GETs,
/// and records each request: method, path, and whether it carried a signature made with
/// the access key the app was given.
#[derive(Clone, Default)]
struct FakeBucket {
    objects: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    requests: Arc<Mutex<Vec<(String, String, bool)>>>,
}

const ACCESS_KEY: &str = "AKIAFRONTDESKTEST";

impl FakeBucket {
    async fn start() -> (String, Self) {
        let bucket = Self::default();
        let app = Router::new()
            .route("/{bucket}/{*key}", put(Self::put).get(Self::get))
            .with_state(bucket.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (endpoint, bucket)
    }

    fn record(&self, method: &str, bucket: &str, key: &str, query: Option<String>) -> bool {
        let query = query.unwrap_or_default();
        let signed = query.contains(&format!("X-Amz-Credential={ACCESS_KEY}"))
            && query.contains("X-Amz-Signature=");
        self.requests
            .lock()
            .unwrap()
            .push((method.to_owned(), format!("/{bucket}/{key}"), signed));
        signed
    }

    async fn put(
        State(fake): State<Self>,
        Path((bucket, key)): Path<(String, String)>,
        RawQuery(query): RawQuery,
        body: Bytes,
    ) -> Answer {
        if !fake.record("PUT", &bucket, &key, query) {
            return Answer::FORBIDDEN;
        }
        fake.objects.lock().unwrap().insert(key, body.to_vec());
        Answer::OK
    }

    async fn get(
        State(fake): State<Self>,
        Path((bucket, key)): Path<(String, String)>,
        RawQuery(query): RawQuery,
    ) -> Result<Vec<u8>, Answer> {
        if !fake.record("GET", &bucket, &key, query) {
            return Err(Answer::FORBIDDEN);
        }
        fake.objects
            .lock()
            .unwrap()
            .get(&key)
            .cloned()
            .ok_or(Answer::NOT_FOUND)
    }
}

#[sqlx::test]
async fn with_a_bucket_configured_files_live_there_and_come_back(db: PgPool) {
    let (endpoint, bucket) = FakeBucket::start().await;
    let mut app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    // This test's worker mails with the bucket's settings.
    app.stop_worker().await;
    let mail_url = app.mail.url();
    let (config, base) = harness::serve(app.db.clone(), |config| {
        config.smtp_url = Some(mail_url);
        config.s3 = Some(S3Config {
            endpoint,
            bucket: "frontdesk-files".into(),
            region: "eu-central-1".into(),
            access_key_id: ACCESS_KEY.into(),
            secret_access_key: "not-so-secret".into(),
        });
    })
    .await;

    let photo = png(64, 32);
    let customer = Client::new(&base);
    let sent = customer
        .post_files(
            "/help/acme/contact",
            &[
                ("name", "Carla Customer"),
                ("email", "carla@example.com"),
                ("subject", "Broken lamp"),
                ("type", "refund"),
                ("message", "Photo attached."),
            ],
            &[("lamp.png", &photo)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    // The row keeps the key; the bytes are in the bucket, put there signed.
    let (id, key, data): (Uuid, Option<String>, Vec<u8>) =
        sqlx::query_as("select id, object_key, data from attachments")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let key = key.expect("an object key");
    assert!(data.is_empty());
    assert_eq!(bucket.objects.lock().unwrap()[&key], photo);
    assert_eq!(
        bucket.requests.lock().unwrap()[0],
        ("PUT".to_owned(), format!("/frontdesk-files/{key}"), true)
    );

    // The agent's download comes from the bucket, as a download.
    let agent = Client::new(&base);
    agent
        .log_in("acme", &acme.person(Role::Agent).email, PASSWORD)
        .await
        .assert_redirects_to("/app");
    let (status, bytes) = agent.get_bytes(&format!("/app/attachments/{id}")).await;
    assert_eq!((status, bytes), (StatusCode::OK, photo.clone()));
    assert!(bucket.requests.lock().unwrap().contains(&(
        "GET".to_owned(),
        format!("/frontdesk-files/{key}"),
        true
    )));
    // The thumbnail stays in PostgreSQL.
    let thumbnail = agent
        .get(&format!("/app/attachments/{id}?size=thumbnail"))
        .await;
    assert_eq!(thumbnail.header("content-type"), "image/png");

    // A reply's file goes into the bucket and out by email from there.
    let reply = agent
        .post_files(
            "/app/tickets/1/reply",
            &[("body", "The label is attached.")],
            &[("label.pdf", PDF)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    fast_worker(&app.db, &config).drain().await;
    let mailed = app
        .mail
        .all()
        .into_iter()
        .find(|mail| mail.text.contains("The label is attached."))
        .expect("the reply was mailed");
    assert_eq!(
        mailed.attachments,
        [(
            "label.pdf".to_owned(),
            "application/pdf".to_owned(),
            PDF.to_vec()
        )]
    );
    assert_eq!(bucket.objects.lock().unwrap().len(), 2);
}
