//! The test harness: `TestApp` serves the real application on port 0 against the test's
//! database, with an outbox worker delivering to `MailSink`, a real SMTP server on loopback.
//! `Client` behaves like a browser: it keeps cookies and sends the CSRF token of the forms.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use frontdesk::{
    AppState,
    agents::{
        Gender,
        db::{NewAgent, insert_agent},
    },
    auth::{Role, password},
    clock::Clock,
    config::Config,
    directory::Directory,
    live::Events,
    mail::OutboxWorker,
    router,
};
use mailin::{Action, Handler, Response as SmtpResponse, SessionBuilder, response};
use reqwest::{StatusCode, cookie::CookieStore, header::HeaderMap, redirect::Policy};
use sqlx::{PgPool, postgres::PgPoolOptions};
use time::OffsetDateTime;
use tokio::sync::{OnceCell, watch};
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery staple";
/// `SECRET_KEY` of the tests' processes: 32 bytes, base64.
const TEST_SECRET_KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

pub struct TestApp {
    pub base_url: String,
    pub db: PgPool,
    pub mail: MailSink,
    pub config: Config,
    /// The application's time: the system's, or fixed by `spawn_at`.
    pub clock: Clock,
    stop_worker: watch::Sender<bool>,
    worker: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    /// The app with mail going to a running `MailSink`.
    pub async fn spawn(db: PgPool) -> Self {
        Self::spawn_with_mail(db, MailSink::start()).await
    }

    pub async fn spawn_with_mail(db: PgPool, mail: MailSink) -> Self {
        Self::spawn_with(db, mail, Clock::System).await
    }

    /// The app with its clock fixed at `at`; `clock.set` moves it.
    pub async fn spawn_at(db: PgPool, at: OffsetDateTime) -> Self {
        Self::spawn_with(db, MailSink::start(), Clock::fixed(at)).await
    }

    /// The app configured as `configure` says (the providers' addresses, say), with its
    /// clock fixed at `at` when given.
    pub async fn spawn_configured(
        db: PgPool,
        at: Option<OffsetDateTime>,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        let clock = at.map_or(Clock::System, Clock::fixed);
        Self::spawn_with_config(db, MailSink::start(), clock, configure).await
    }

    async fn spawn_with(db: PgPool, mail: MailSink, clock: Clock) -> Self {
        Self::spawn_with_config(db, mail, clock, |_| {}).await
    }

    async fn spawn_with_config(
        db: PgPool,
        mail: MailSink,
        clock: Clock,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        // SQL's `app_now()` reads a fixed clock through a pool of the app's own, which
        // `Drop` closes so that the test's database can be dropped.
        let db = match clock {
            Clock::System => db,
            Clock::Fixed(_) => clock
                .attach(PgPoolOptions::new().max_connections(5))
                .connect_with(db.connect_options().as_ref().clone())
                .await
                .unwrap(),
        };
        let (config, base_url) = serve_with(db.clone(), clock.clone(), |config| {
            config.smtp_url = Some(mail.url());
            configure(config);
        })
        .await;
        let (stop_worker, stopped) = watch::channel(false);
        let worker = tokio::spawn(fast_worker(&db, &config).run(stopped));
        Self {
            base_url,
            db,
            mail,
            config,
            clock,
            stop_worker,
            worker: Some(worker),
        }
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base_url)
    }

    /// A workspace with an owner, an admin and an agent, all with `PASSWORD`, created at
    /// the app's time.
    pub async fn workspace(&self, slug: &str) -> Workspace {
        let account_id = Uuid::now_v7();
        let created_at = self.clock.now();
        let mut tx = self.db.begin().await.unwrap();
        sqlx::query("insert into accounts (id, slug, company, created_at) values ($1, $2, $3, $4)")
            .bind(account_id)
            .bind(slug)
            .bind(format!("{slug} Inc"))
            .bind(created_at)
            .execute(&mut *tx)
            .await
            .unwrap();
        let mut people = Vec::new();
        for role in Role::ALL {
            let email = format!("{}@{slug}.test", role.as_str());
            let name = format!("{} of {slug}", role.as_str());
            let agent = NewAgent {
                email: &email,
                name: &name,
                alias: None,
                gender: Gender::Unspecified,
                role,
                password_hash: password_hash().await,
                language: None,
                temporary_password_expires_at: None,
                created_at,
            };
            let id = insert_agent(&mut tx, account_id, &agent).await.unwrap();
            people.push(Person { id, email, role });
        }
        tx.commit().await.unwrap();
        Workspace {
            account_id,
            slug: slug.to_owned(),
            people,
        }
    }

    /// A department of `workspace` with `members`, made straight in the database.
    pub async fn department(&self, workspace: &Workspace, name: &str, members: &[Uuid]) -> Uuid {
        let mut tx = self.db.begin().await.unwrap();
        let id = frontdesk::departments::db::insert(&mut tx, workspace.account_id, name, "")
            .await
            .unwrap();
        frontdesk::departments::db::set_agents(&mut tx, workspace.account_id, id, members)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// `select count(*) from {rows}`: rows is a table, perhaps with a `where` clause.
    pub async fn count(&self, rows: &str) -> i64 {
        sqlx::query_scalar(&format!("select count(*) from {rows}"))
            .fetch_one(&self.db)
            .await
            .unwrap()
    }

    /// The status of ticket `number` (the tests' tickets are numbered apart by workspace).
    pub async fn ticket_status(&self, number: i64) -> String {
        sqlx::query_scalar("select status from tickets where number = $1")
            .bind(number)
            .fetch_one(&self.db)
            .await
            .unwrap()
    }

    /// Asserts that `email` of workspace `slug` logs in with `password` and not with `old`.
    pub async fn assert_password_changed(
        &self,
        slug: &str,
        email: &str,
        password: &str,
        old: &str,
    ) {
        self.client()
            .log_in(slug, email, password)
            .await
            .assert_redirects_to("/app");
        let refused = self.client().log_in(slug, email, old).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    /// A client logged in as `role` of `workspace`.
    pub async fn logged_in(&self, workspace: &Workspace, role: Role) -> Client {
        let client = self.client();
        let page = client
            .log_in(&workspace.slug, &workspace.person(role).email, PASSWORD)
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        client
    }
}

impl TestApp {
    /// Stops the app's outbox worker and waits until it has (for a test that runs
    /// workers of its own).
    pub async fn stop_worker(&mut self) {
        let _ = self.stop_worker.send(true);
        if let Some(worker) = self.worker.take() {
            worker.await.unwrap();
        }
    }
}

impl TestApp {
    /// Waits until the outbox has nothing left to send (each row sent or given up). The
    /// worker marks a row sent only after the receiver took it, so then `mail` (and any
    /// webhook receiver) holds everything the app will ever send for what happened so far:
    /// a check that a message was not sent cannot pass just because it is still queued.
    pub async fn drain_outbox(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let pending = self
                .count("outbox where sent_at is null and failed_at is null")
                .await;
            if pending == 0 {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{pending} outbox rows still unsent after ten seconds"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Runs `requests` (two of them, joined) while a transaction of the test holds what
    /// `lock` locks, and lets go only once two sessions of the app wait for a lock. However
    /// the requests are scheduled, each has then done all it does before that lock, so
    /// they overlap for real: a check one makes before its write cannot see the other's.
    pub async fn race<T>(&self, lock: &str, requests: impl Future<Output = T>) -> T {
        let mut holder = self.db.begin().await.unwrap();
        sqlx::query(lock).execute(&mut *holder).await.unwrap();
        let release = async {
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                let waiting: i64 = sqlx::query_scalar(
                    "select count(*) from pg_stat_activity
                     where datname = current_database() and wait_event_type = 'Lock'",
                )
                .fetch_one(&self.db)
                .await
                .unwrap();
                if waiting >= 2 {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "the requests never both waited for `{lock}`"
                );
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            holder.rollback().await.unwrap();
        };
        let (output, ()) = tokio::join!(requests, release);
        output
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.stop_worker.send(true);
        if matches!(self.clock, Clock::Fixed(_)) {
            let db = self.db.clone();
            tokio::spawn(async move { db.close().await });
        }
    }
}

/// Serves the real application over `db` on a free loopback port, configured as `configure`
/// says (by default `BASE_URL` is its own address and mail goes nowhere); returns its
/// configuration and the address to call.
pub async fn serve(db: PgPool, configure: impl FnOnce(&mut Config)) -> (Config, String) {
    serve_with(db, Clock::System, configure).await
}

/// `serve` with the application's clock set to `clock`.
pub async fn serve_with(
    db: PgPool,
    clock: Clock,
    configure: impl FnOnce(&mut Config),
) -> (Config, String) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let address = format!("http://{addr}");
    let mut config = Config::new(
        String::new(),
        addr,
        &address,
        None,
        "Frontdesk <no-reply@frontdesk.test>".into(),
    );
    // The tests' webhook servers listen on loopback.
    config.allow_private_webhooks = true;
    // The same key for every process of a test, as every `serve` of a deployment has.
    config.secret_key = Some(frontdesk::secrets::SecretKey::from_base64(TEST_SECRET_KEY).unwrap());
    config.static_dir = static_with_fake_voice_sdk();
    configure(&mut config);
    let directory = Directory::default();
    let state = AppState {
        events: Events::start(&db, &directory),
        directory,
        db,
        config: Arc::new(config.clone()),
        clock,
    };
    // Every process works the messaging apps' inbox, as `serve` does, until the test ends.
    let inbox = state.clone();
    tokio::spawn(async move {
        let (_running, stop) = watch::channel(false);
        frontdesk::social::inbox::run(inbox, stop).await;
    });
    let app = router::app(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (config, address)
}

/// The app's static files, with `tests/fixtures/fake-voice-sdk.js` where the provider's
/// browser SDK goes (`scripts/voice-sdk.sh` installs the real one, which would reach the
/// provider): a folder of links under the target's temporary folder, which several test
/// processes may make at once.
pub fn static_with_fake_voice_sdk() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("static-with-fake-voice-sdk");
    let sdk = dir.join(frontdesk::calls::SDK_PATH);
    std::fs::create_dir_all(sdk.parent().unwrap()).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    let link = |target: PathBuf, at: PathBuf| match std::os::unix::fs::symlink(target, at) {
        Err(error) if error.kind() != std::io::ErrorKind::AlreadyExists => panic!("{error}"),
        _ => {}
    };
    for entry in std::fs::read_dir(source.join("static")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != "vendor" {
            link(entry.path(), dir.join(entry.file_name()));
        }
    }
    link(source.join("tests/fixtures/fake-voice-sdk.js"), sdk);
    dir
}

/// The address of the test's own database, for a `frontdesk` command run by a test.
pub fn database_url(db: &PgPool) -> String {
    let server = std::env::var("DATABASE_URL").unwrap();
    let (server, _) = server.split_once('?').unwrap_or((&server, ""));
    let (server, _) = server.rsplit_once('/').unwrap();
    format!("{server}/{}", db.connect_options().get_database().unwrap())
}

/// An outbox worker that polls and retries in milliseconds instead of seconds.
pub fn fast_worker(db: &PgPool, config: &Config) -> OutboxWorker {
    let mut worker = OutboxWorker::new(db.clone(), config).unwrap();
    worker.poll_interval = Duration::from_millis(50);
    worker.retry_base = Duration::from_millis(100);
    worker
}

/// Hashing is slow on purpose: every test account shares one hash of `PASSWORD`.
async fn password_hash() -> &'static str {
    static HASH: OnceCell<String> = OnceCell::const_new();
    HASH.get_or_init(|| async { password::hash(PASSWORD).await.unwrap() })
        .await
}

pub struct Workspace {
    pub account_id: Uuid,
    pub slug: String,
    pub people: Vec<Person>,
}

pub struct Person {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
}

impl Workspace {
    pub fn person(&self, role: Role) -> &Person {
        self.people.iter().find(|p| p.role == role).unwrap()
    }

    /// The path mail providers post this workspace's inbound email to.
    pub async fn inbound_path(&self, app: &TestApp) -> String {
        let token: String = sqlx::query_scalar("select inbound_token from accounts where id = $1")
            .bind(self.account_id)
            .fetch_one(&app.db)
            .await
            .unwrap();
        format!("/inbound/email/{token}")
    }

    /// Posts a raw message to the workspace's inbound address, as a mail provider does.
    pub async fn deliver(&self, app: &TestApp, raw: impl Into<Vec<u8>>) -> Page {
        let path = self.inbound_path(app).await;
        app.client()
            .post_body(&path, "message/rfc822", raw.into())
            .await
    }

    /// The company name as stored now.
    pub async fn company(&self, app: &TestApp) -> String {
        sqlx::query_scalar("select company from accounts where id = $1")
            .bind(self.account_id)
            .fetch_one(&app.db)
            .await
            .unwrap()
    }
}

/// A response, read whole.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The value of the first `csrf_token` field on the page.
    pub fn csrf_token(&self) -> Option<String> {
        input_value(&self.body, "csrf_token")
    }

    pub fn assert_redirects_to(&self, location: &str) {
        assert_eq!(self.status, StatusCode::SEE_OTHER, "{}", self.body);
        assert_eq!(self.location(), location);
    }

    /// The text of each element that `selector` picks, in page order, its whitespace
    /// collapsed: what a reader sees there, whatever else the page says.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let document = scraper::Html::parse_document(&self.body);
        let selector = scraper::Selector::parse(selector).unwrap();
        document.select(&selector).map(text_of).collect()
    }

    /// Each row that `selector` picks (`table.list tbody tr`), as the texts of its cells.
    pub fn rows(&self, selector: &str) -> Vec<Vec<String>> {
        let document = scraper::Html::parse_document(&self.body);
        let rows = scraper::Selector::parse(selector).unwrap();
        let cells = scraper::Selector::parse("th, td").unwrap();
        document
            .select(&rows)
            .map(|row| row.select(&cells).map(text_of).collect())
            .collect()
    }
}

fn text_of(element: scraper::ElementRef) -> String {
    let text: String = element.text().collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The value of the input named `name` in `html`.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(&format!("input[name=\"{name}\"]")).unwrap();
    document
        .select(&selector)
        .next()
        .and_then(|input| input.value().attr("value"))
        .map(str::to_owned)
}

pub struct Client {
    http: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
    base_url: String,
    csrf_token: Mutex<Option<String>>,
}

impl Client {
    pub fn new(base_url: &str) -> Self {
        Self::with_headers(base_url, HeaderMap::new())
    }

    /// A client that sends `headers` with every request (a browser's `Accept-Language`).
    pub fn with_headers(base_url: &str, headers: HeaderMap) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .cookie_provider(jar.clone())
            .redirect(Policy::none())
            .build()
            .unwrap();
        Self {
            http,
            jar,
            base_url: base_url.to_owned(),
            csrf_token: Mutex::new(None),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    async fn read(response: reqwest::Response) -> Page {
        Page {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap(),
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let page = Self::read(self.http.get(self.url(path)).send().await.unwrap()).await;
        if let Some(token) = page.csrf_token() {
            *self.csrf_token.lock().unwrap() = Some(token);
        }
        page
    }

    /// The status of a GET, its body left unread: an event stream never ends.
    pub async fn status_of_get(&self, path: &str) -> StatusCode {
        self.http.get(self.url(path)).send().await.unwrap().status()
    }

    /// A GET of something that is no page: its status and bytes.
    pub async fn get_bytes(&self, path: &str) -> (StatusCode, Vec<u8>) {
        let response = self.http.get(self.url(path)).send().await.unwrap();
        let status = response.status();
        (status, response.bytes().await.unwrap().to_vec())
    }

    /// A GET with extra headers (not read for a CSRF token).
    pub async fn get_with_headers(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut request = self.http.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Self::read(request.send().await.unwrap()).await
    }

    /// The session's CSRF token, read from a form the way a browser page holds it.
    pub async fn csrf_token(&self) -> String {
        let known = self.csrf_token.lock().unwrap().clone();
        match known {
            Some(token) => token,
            None => self.get("/login").await.csrf_token().unwrap(),
        }
    }

    /// Submits a form with the session's CSRF token, as the page's form would.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf_token().await;
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &token));
        self.post_raw(path, &fields).await
    }

    /// Submits exactly `fields`, with no token added.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post_with_headers(path, fields, &[]).await
    }

    /// Submits exactly `fields` with extra headers.
    pub async fn post_with_headers(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = self.http.post(self.url(path)).form(fields);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Self::read(request.send().await.unwrap()).await
    }

    /// Submits a `multipart/form-data` form with the session's CSRF token and `files` (name
    /// and bytes) in its `attachments` input, as a page's form with a file input would.
    pub async fn post_files(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> Page {
        let token = self.csrf_token().await;
        let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        for (filename, data) in files {
            let part =
                reqwest::multipart::Part::bytes(data.to_vec()).file_name(filename.to_string());
            form = form.part("attachments", part);
        }
        let response = self
            .http
            .post(self.url(path))
            .multipart(form)
            .send()
            .await
            .unwrap();
        Self::read(response).await
    }

    pub async fn post_body(&self, path: &str, content_type: &str, body: Vec<u8>) -> Page {
        let response = self
            .http
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        Self::read(response).await
    }

    /// Writes in through `slug`'s contact form as Carla Customer, about a refund.
    pub async fn contact(&self, slug: &str, email: &str, subject: &str, message: &str) -> Page {
        self.post(
            &format!("/help/{slug}/contact"),
            &[
                ("name", "Carla Customer"),
                ("email", email),
                ("subject", subject),
                ("type", "refund"),
                ("message", message),
            ],
        )
        .await
    }

    pub async fn log_in(&self, workspace: &str, email: &str, password: &str) -> Page {
        let page = self
            .post(
                "/login",
                &[
                    ("workspace", workspace),
                    ("email", email),
                    ("password", password),
                ],
            )
            .await;
        // A login rotates the token.
        *self.csrf_token.lock().unwrap() = None;
        page
    }

    /// The session cookie as the browser would send it.
    pub fn session_cookie(&self) -> Option<String> {
        let url = self.base_url.parse().unwrap();
        self.jar
            .cookies(&url)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    /// A client that sends the given cookie header and nothing else (a replayed cookie).
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> Page {
        let response = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap()
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        Self::read(response).await
    }
}

/// Run by `MailSink` after a message is kept and before the server answers 250 to it.
pub type BeforeAccepting = Arc<dyn Fn() + Send + Sync>;

/// A real SMTP server on loopback that keeps every message it receives.
#[derive(Clone)]
pub struct MailSink {
    port: u16,
    /// The port, bound but not listening until `listen`: connections are refused, and no
    /// other test can take the port meanwhile.
    reserved: Arc<Mutex<Option<tokio::net::TcpSocket>>>,
    received: Arc<Mutex<Vec<Vec<u8>>>>,
    before_accepting: Option<BeforeAccepting>,
}

#[derive(Clone)]
struct Collector {
    message: Vec<u8>,
    received: Arc<Mutex<Vec<Vec<u8>>>>,
    before_accepting: Option<BeforeAccepting>,
}

impl Handler for Collector {
    fn data_start(&mut self, _: &str, _: &str, _: bool, _: &[String]) -> SmtpResponse {
        self.message.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.message.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> SmtpResponse {
        let message = std::mem::take(&mut self.message);
        self.received.lock().unwrap().push(message);
        if let Some(before_accepting) = &self.before_accepting {
            before_accepting();
        }
        response::OK
    }
}

pub struct ReceivedMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// With angle brackets, as it goes into an answer's In-Reply-To.
    pub message_id: String,
    pub in_reply_to: Vec<String>,
    pub reply_to: String,
    pub auto_submitted: String,
    /// The MIME attachments: file name, content type and bytes.
    pub attachments: Vec<(String, String, Vec<u8>)>,
}

impl MailSink {
    /// A sink on a free port that is not listening yet: mail to it fails until `listen`.
    pub fn reserve() -> Self {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let port = socket.local_addr().unwrap().port();
        Self {
            port,
            reserved: Arc::new(Mutex::new(Some(socket))),
            received: Arc::default(),
            before_accepting: None,
        }
    }

    pub fn start() -> Self {
        let sink = Self::reserve();
        sink.listen();
        sink
    }

    /// A running sink that calls `before_accepting` (on the server's thread) for each
    /// message it has kept, before answering 250.
    pub fn start_with(before_accepting: impl Fn() + Send + Sync + 'static) -> Self {
        let sink = Self {
            before_accepting: Some(Arc::new(before_accepting)),
            ..Self::reserve()
        };
        sink.listen();
        sink
    }

    pub fn listen(&self) {
        let socket = self.reserved.lock().unwrap().take().unwrap();
        let listener = socket.listen(64).unwrap().into_std().unwrap();
        // The sink serves with blocking calls, so that `before_accepting` may block.
        listener.set_nonblocking(false).unwrap();
        let collector = Collector {
            message: Vec::new(),
            received: self.received.clone(),
            before_accepting: self.before_accepting.clone(),
        };
        // A thread per connection, which ends when the client hangs up (the app's pooled
        // connections close with the test's runtime): a fixed pool's threads would wait on
        // `accept` for as long as the test binary runs, and every test adds a sink.
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let collector = collector.clone();
                std::thread::spawn(move || serve_smtp(stream, collector));
            }
        });
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn all(&self) -> Vec<ReceivedMail> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .map(|raw| parse_mail(raw))
            .collect()
    }

    /// The first message to `to`, waiting up to ten seconds for it.
    pub async fn wait_for(&self, to: &str) -> ReceivedMail {
        self.wait_for_count(to, 1).await.remove(0)
    }

    /// The first `count` messages to `to` in the order they arrived, waiting up to ten
    /// seconds for them.
    pub async fn wait_for_count(&self, to: &str, count: usize) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mut mails: Vec<_> = self.all().into_iter().filter(|m| m.to == to).collect();
            if mails.len() >= count {
                mails.truncate(count);
                return mails;
            }
            assert!(
                Instant::now() < deadline,
                "fewer than {count} mails to {to} arrived"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// One SMTP session, line by line through `mailin`'s state machine.
fn serve_smtp(stream: std::net::TcpStream, collector: Collector) {
    use std::io::{BufRead, BufReader};

    let remote = stream.peer_addr().map(|addr| addr.ip()).unwrap();
    let mut session = SessionBuilder::new("mailsink").build(remote, collector);
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut reply = |response: &SmtpResponse| response.write_to(&mut writer).is_ok();
    if !reply(&session.greeting()) {
        return;
    }
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let response = session.process(&line);
        match response.action {
            Action::NoReply => {}
            Action::Reply => {
                if !reply(&response) {
                    return;
                }
            }
            Action::Close | Action::UpgradeTls => {
                reply(&response);
                return;
            }
        }
    }
}

fn parse_mail(raw: &[u8]) -> ReceivedMail {
    use mail_parser::MimeHeaders;

    let message = mail_parser::MessageParser::default().parse(raw).unwrap();
    let to = message
        .to()
        .and_then(|to| to.first())
        .and_then(|addr| addr.address())
        .unwrap_or_default()
        .to_owned();
    ReceivedMail {
        to,
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message.body_text(0).unwrap_or_default().into_owned(),
        html: message.body_html(0).unwrap_or_default().into_owned(),
        message_id: format!("<{}>", message.message_id().unwrap_or_default()),
        in_reply_to: message
            .in_reply_to()
            .as_text_list()
            .unwrap_or_default()
            .iter()
            .map(|id| format!("<{id}>"))
            .collect(),
        reply_to: message
            .reply_to()
            .and_then(|to| to.first())
            .and_then(|addr| addr.address())
            .unwrap_or_default()
            .to_owned(),
        auto_submitted: message
            .header_raw("Auto-Submitted")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        attachments: message
            .attachments()
            .map(|part| {
                let content_type = part.content_type().map_or_else(String::new, |ct| {
                    format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default())
                });
                let name = part.attachment_name().unwrap_or_default().to_owned();
                (name, content_type, part.contents().to_vec())
            })
            .collect(),
    }
}

/// A server-sent event stream read one event at a time, as `EventSource` would.
pub struct SseStream {
    response: reqwest::Response,
    buffer: String,
}

/// One server-sent event with data: its name, id and data (JSON).
pub struct SseEvent {
    pub name: String,
    pub id: Option<String>,
    pub data: serde_json::Value,
}

impl SseStream {
    /// Opens `url` with extra `headers` (a cookie, `Last-Event-ID`); it must be a stream.
    pub async fn open(url: &str, headers: &[(&str, &str)]) -> Self {
        let mut request = reqwest::Client::new().get(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response.headers()["content-type"].to_str().unwrap();
        assert!(
            content_type.starts_with("text/event-stream"),
            "{content_type}"
        );
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event with data, waiting up to ten seconds; comments are skipped.
    pub async fn next(&mut self) -> SseEvent {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    let values: Vec<&str> = block
                        .lines()
                        .filter_map(|line| line.strip_prefix(name))
                        .map(str::trim_start)
                        .collect();
                    (!values.is_empty()).then(|| values.join("\n"))
                };
                if let Some(data) = field("data:") {
                    return SseEvent {
                        name: field("event:").unwrap_or_default(),
                        id: field("id:"),
                        data: serde_json::from_str(&data).unwrap(),
                    };
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .expect("no event in ten seconds")
                .unwrap()
                .expect("the stream ended");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Reads on until the server ends the stream, which must happen within `limit`.
    pub async fn ends_within(mut self, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .unwrap_or_else(|_| panic!("the stream was still open after {limit:?}"));
            if chunk.unwrap().is_none() {
                return;
            }
        }
    }
}

/// The crate's source folder, for tests that read the code itself.
pub fn source_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`.
pub fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}
