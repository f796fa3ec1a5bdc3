//! Calls: an admin connects the voice provider; the provider posts its webhooks, signed
//! as it documents (`X-Twilio-Signature`), and reads the TwiML answers; every call becomes
//! a ticket with its log, whoever answers, in whatever order the callbacks come.
use std::sync::{Arc, Mutex};

use axum::{
    Json, Router,
    extract::State,
    http::{HeaderMap, StatusCode as AxumStatus, Uri},
    routing::post,
};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use frontdesk::{auth::Role, calls::twilio, clock::Clock};
use quick_xml::{Reader, XmlVersion, events::Event};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::harness::{self, Client, PASSWORD, SseStream, TestApp, Workspace, input_value};

pub(crate) const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN: &str = "f00dfeedc0ffee11f00dfeedc0ffee11";
/// The API key that signs the web phones' access tokens.
pub(crate) const API_KEY_SID: &str = "SKfedcba9876543210fedcba9876543210";
pub(crate) const API_KEY_SECRET: &str = "5ecre7a9i6ey5ecre7a9i6ey5ecre7a9";
const NUMBER: &str = "+4930123456";
pub(crate) const CALLER: &str = "+4915112345678";

/// The voice provider, as it calls a connected workspace's webhooks.
pub(crate) struct Provider {
    base_url: String,
    channel_token: String,
    auth_token: String,
    http: reqwest::Client,
}

impl Provider {
    /// Connects `workspace` (as its admin) with `number` routed to `department`.
    async fn connect(app: &TestApp, workspace: &Workspace, department: Uuid) -> Self {
        let admin = app.logged_in(workspace, Role::Admin).await;
        let saved = admin
            .post(
                "/app/config/calls",
                &[
                    ("account_sid", ACCOUNT_SID),
                    ("auth_token", AUTH_TOKEN),
                    ("sip_domain", "acme.sip.example.com"),
                    ("greeting", "Thanks for calling Acme."),
                    ("record", "on"),
                    ("api_key_sid", API_KEY_SID),
                    ("api_key_secret", API_KEY_SECRET),
                    ("number", NUMBER),
                    ("department", &department.to_string()),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let channel_token: String =
            sqlx::query_scalar("select channel_token from voice_settings where account_id = $1")
                .bind(workspace.account_id)
                .fetch_one(&app.db)
                .await
                .unwrap();
        Self {
            base_url: app.base_url.clone(),
            channel_token,
            auth_token: AUTH_TOKEN.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// The same provider, calling the webhooks of another `serve` process.
    pub(crate) fn at(&self, base_url: &str) -> Self {
        Self {
            base_url: base_url.to_owned(),
            channel_token: self.channel_token.clone(),
            auth_token: self.auth_token.clone(),
            http: self.http.clone(),
        }
    }

    fn url(&self, hook: &str) -> String {
        format!("{}/voice/{}/{hook}", self.base_url, self.channel_token)
    }

    /// Where `<Record>` posts a voicemail.
    fn voicemail(&self) -> String {
        self.url("recording?kind=voicemail")
    }

    /// Posts `params` to `hook` (which may carry a query), signed as the provider signs.
    async fn post(&self, hook: &str, params: &[(&str, &str)]) -> (StatusCode, String) {
        let url = self.url(hook);
        let owned: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let signature = twilio::signature(&self.auth_token, &url, &owned).unwrap();
        self.send(&url, params, Some(&signature)).await
    }

    async fn send(
        &self,
        url: &str,
        params: &[(&str, &str)],
        signature: Option<&str>,
    ) -> (StatusCode, String) {
        let mut request = self.http.post(url).form(params);
        if let Some(signature) = signature {
            request = request.header("X-Twilio-Signature", signature);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        if status == StatusCode::OK {
            assert!(
                response.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/xml"),
                "TwiML answers are XML"
            );
        }
        (status, response.text().await.unwrap())
    }

    pub(crate) async fn incoming(&self, call_sid: &str, from: &str) -> Vec<(String, String)> {
        let (status, xml) = self
            .post(
                "incoming",
                &[
                    ("AccountSid", ACCOUNT_SID),
                    ("CallSid", call_sid),
                    ("From", from),
                    ("To", NUMBER),
                    ("CallStatus", "ringing"),
                    ("Direction", "inbound"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{xml}");
        elements(&xml)
    }
}

/// Every element of a TwiML document in document order, as its path and text
/// (`("Response/Dial/Sip", "sip:…")`), and each attribute as `("Response/Dial@timeout", "30")`.
pub(crate) fn elements(xml: &str) -> Vec<(String, String)> {
    let mut reader = Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut found: Vec<(String, String)> = Vec::new();
    loop {
        let (start, empty) = match reader.read_event().unwrap() {
            Event::Start(start) => (start, false),
            Event::Empty(start) => (start, true),
            Event::Text(text) => {
                if let Some((_, content)) =
                    found.iter_mut().rev().find(|(key, _)| !key.contains('@'))
                {
                    content.push_str(text.xml10_content().trim());
                }
                continue;
            }
            Event::End(_) => {
                path.pop();
                continue;
            }
            Event::Eof => return found,
            _ => continue,
        };
        path.push(start.name().as_ref().to_owned());
        let element = path.join("/");
        for attribute in start.attributes() {
            let attribute = attribute.unwrap();
            let key = attribute.key.as_ref().to_owned();
            let value = attribute
                .normalized_value(XmlVersion::Implicit1_0)
                .unwrap()
                .into_owned();
            found.push((format!("{element}@{key}"), value));
        }
        found.push((element, String::new()));
        if empty {
            path.pop();
        }
    }
}

/// The texts of the elements at `path`.
pub(crate) fn texts<'a>(elements: &'a [(String, String)], path: &str) -> Vec<&'a str> {
    elements
        .iter()
        .filter(|(key, _)| key == path)
        .map(|(_, text)| text.as_str())
        .collect()
}

pub(crate) async fn set_device(
    app: &TestApp,
    agent: Uuid,
    availability: &str,
    device: &str,
    extension: &str,
) {
    sqlx::query("update agents set availability = $2, device = $3, extension = $4 where id = $1")
        .bind(agent)
        .bind(availability)
        .bind(device)
        .bind(extension)
        .execute(&app.db)
        .await
        .unwrap();
}

/// The workspace's Support department with all three people, connected to the provider.
pub(crate) async fn connected(app: &TestApp, slug: &str) -> (Workspace, Uuid, Provider) {
    let workspace = app.workspace(slug).await;
    let members: Vec<Uuid> = workspace.people.iter().map(|p| p.id).collect();
    let support = app.department(&workspace, "Support", &members).await;
    let provider = Provider::connect(app, &workspace, support).await;
    (workspace, support, provider)
}

#[sqlx::test]
async fn an_admin_connects_calls_and_the_auth_token_is_never_shown_again(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (acme, support, provider) = connected(&app, "acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let page = admin.get("/app/config/calls").await;
    assert_eq!(page.status, StatusCode::OK);
    // The addresses to paste into the provider's console, and the number's route.
    let incoming = provider.url("incoming");
    assert!(page.body.contains(&incoming), "{}", page.body);
    assert!(page.body.contains(&provider.url("status")));
    assert_eq!(
        page.rows("table.list tbody tr")[0][..2],
        [NUMBER.to_owned(), "Support".to_owned()]
    );
    assert_eq!(
        input_value(&page.body, "account_sid").as_deref(),
        Some(ACCOUNT_SID)
    );
    assert_eq!(input_value(&page.body, "auth_token").as_deref(), Some(""));
    assert!(!page.body.contains(AUTH_TOKEN));
    // Sealed at rest.
    let stored: Vec<u8> = sqlx::query_scalar("select auth_token from voice_settings")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(!stored.windows(8).any(|w| w == &AUTH_TOKEN.as_bytes()[..8]));

    // A change without a token keeps the stored one: calls are still checked against it.
    let saved = admin
        .post(
            "/app/config/calls",
            &[
                ("account_sid", ACCOUNT_SID),
                ("auth_token", ""),
                ("greeting", "Hello again"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let twiml = provider.incoming("CA0001", CALLER).await;
    // Nobody is online: the greeting, then voicemail.
    assert!(texts(&twiml, "Response/Say")[0].starts_with("Hello again Nobody can take your call"));

    // Mistakes come back with what was typed, the token left out, and change nothing.
    let refused = admin
        .post(
            "/app/config/calls",
            &[
                ("account_sid", "AC-not-a-sid"),
                ("auth_token", "a new token that is long enough"),
                ("sip_domain", "not a domain"),
                ("greeting", "Kept greeting"),
                ("number", "030 123"),
                ("department", &Uuid::now_v7().to_string()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.texts(".field-error").len(),
        5,
        "{:?}",
        refused.texts(".field-error")
    );
    assert_eq!(
        input_value(&refused.body, "account_sid").as_deref(),
        Some("AC-not-a-sid")
    );
    assert_eq!(
        input_value(&refused.body, "auth_token").as_deref(),
        Some("")
    );
    assert!(refused.body.contains("Kept greeting"));
    assert_eq!(
        app.count("voice_settings where greeting = 'Hello again'")
            .await,
        1
    );

    // The same number twice is refused; a second one is added.
    let twice = [
        ("account_sid", ACCOUNT_SID),
        ("number", "+49 30 123 456"),
        ("department", &support.to_string()),
    ];
    let taken = admin.post("/app/config/calls", &twice).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains("This number is connected already."));
    let second = [
        ("account_sid", ACCOUNT_SID),
        ("number", "+4930999999"),
        ("department", &support.to_string()),
    ];
    assert_eq!(
        admin.post("/app/config/calls", &second).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.count("voice_numbers").await, 2);

    // Another workspace's number cannot be removed from here; its own can.
    let (_, _, _) = connected(&app, "other").await;
    let others: Uuid = sqlx::query_scalar(
        "select n.id from voice_numbers n join accounts a on a.id = n.account_id where a.slug = 'other'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let foreign = admin
        .post(&format!("/app/config/calls/numbers/{others}/delete"), &[])
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let own: Uuid = sqlx::query_scalar("select id from voice_numbers where number = '+4930999999'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let removed = admin
        .post(&format!("/app/config/calls/numbers/{own}/delete"), &[])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("voice_numbers").await, 2);
    assert_eq!(
        app.count("audit_log where action in ('calls_configured', 'call_number_added', 'call_number_removed')")
            .await,
        // acme: connected, changed, added a second number, removed it; other: connected.
        2 + 1 + 2 + 1 + 2
    );
}

#[sqlx::test]
async fn a_call_rings_the_online_agents_of_the_numbers_department_on_their_devices(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (acme, support, provider) = connected(&app, "acme").await;
    let agent = acme.person(Role::Agent).id;
    let admin = acme.person(Role::Admin).id;
    let owner = acme.person(Role::Owner).id;
    set_device(&app, agent, "online", "web_phone", "").await;
    set_device(&app, admin, "online", "desk_phone", "101").await;
    set_device(&app, owner, "away", "mobile_app", "+4917099999").await;
    let panel = app.logged_in(&acme, Role::Agent).await;
    let url = format!("{}/app/events", app.base_url);
    let mut events = SseStream::open(&url, &[("cookie", &panel.session_cookie().unwrap())]).await;
    assert_eq!(events.next().await.data["kind"], "hello");

    let twiml = provider.incoming("CA1001", CALLER).await;
    assert_eq!(texts(&twiml, "Response/Say"), ["Thanks for calling Acme."]);
    assert_eq!(texts(&twiml, "Response/Dial@timeout"), ["30"]);
    assert_eq!(
        texts(&twiml, "Response/Dial@action"),
        [provider.url("dial-status")]
    );
    assert_eq!(
        texts(&twiml, "Response/Dial@record"),
        ["record-from-answer-dual"]
    );
    assert_eq!(
        texts(&twiml, "Response/Dial/Sip"),
        ["sip:101@acme.sip.example.com"]
    );
    assert_eq!(
        texts(&twiml, "Response/Dial/Client"),
        [format!("agent-{}", agent.simple())]
    );
    // Away: not rung.
    assert!(
        texts(&twiml, "Response/Dial/Number").is_empty(),
        "{twiml:?}"
    );
    let callbacks = texts(&twiml, "Response/Dial/Sip@statusCallback");
    assert_eq!(
        callbacks,
        [format!("{}?agent={admin}", provider.url("status"))]
    );

    // A new ticket of the department, with the caller as customer; the panel rings.
    let (number, channel, status, department, phone): (i64, String, String, Option<Uuid>, String) =
        sqlx::query_as("select number, channel, status, department_id, customer_phone from tickets")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((channel.as_str(), status.as_str()), ("call", "new"));
    assert_eq!((department, phone.as_str()), (Some(support), CALLER));
    let ringing = events.next().await.data;
    assert_eq!(ringing["kind"], "call_ringing", "{ringing}");
    assert_eq!(ringing["number"], number);
    assert_eq!(ringing["sound"], "new_call");
    let calls = panel.get("/app/calls?state=ringing").await;
    assert_eq!(calls.status, StatusCode::OK);
    assert!(calls.body.contains(CALLER), "{}", calls.body);

    // The provider retries a webhook: the same call is not taken twice.
    provider.incoming("CA1001", CALLER).await;
    assert_eq!(app.count("tickets").await, 1);
    assert_eq!(app.count("calls").await, 1);
}

#[sqlx::test]
async fn the_agent_who_answers_takes_the_call_whatever_order_the_callbacks_come_in(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (acme, _, provider) = connected(&app, "acme").await;
    let agent = acme.person(Role::Agent).id;
    set_device(&app, agent, "online", "mobile_app", "+4917012345").await;
    let twiml = provider.incoming("CA2001", CALLER).await;
    assert_eq!(texts(&twiml, "Response/Dial/Number"), ["+4917012345"]);
    let leg = format!("status?agent={agent}");

    // The end of the call comes before the answer.
    let ended = [
        ("CallSid", "CA2001"),
        ("CallStatus", "completed"),
        ("CallDuration", "95"),
        ("Timestamp", "Mon, 07 Dec 2026 10:02:00 +0000"),
    ];
    assert_eq!(provider.post("status", &ended).await.0, StatusCode::OK);
    let answered = [
        ("CallSid", "CA2002"),
        ("ParentCallSid", "CA2001"),
        ("CallStatus", "in-progress"),
        ("Timestamp", "Mon, 07 Dec 2026 10:00:25 +0000"),
    ];
    for _ in 0..2 {
        assert_eq!(provider.post(&leg, &answered).await.0, StatusCode::OK);
    }
    let (status, xml) = provider
        .post(
            "dial-status",
            &[("CallSid", "CA2001"), ("DialCallStatus", "completed")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(elements(&xml).last().unwrap().0, "Response/Hangup");
    let recording = [
        ("CallSid", "CA2001"),
        (
            "RecordingUrl",
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
        ),
        ("RecordingStatus", "completed"),
    ];
    assert_eq!(
        provider.post("recording", &recording).await.0,
        StatusCode::OK
    );

    let (state, answerer, duration, recording_url): (
        String,
        Option<Uuid>,
        Option<i32>,
        Option<String>,
    ) = sqlx::query_as("select state, agent_id, duration_seconds, recording_url from calls")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(state, "completed");
    assert_eq!(answerer, Some(agent));
    assert_eq!(duration, Some(95));
    assert!(recording_url.unwrap().ends_with("/RE1"));
    let assignee: Option<Uuid> = sqlx::query_scalar("select assignee_id from tickets")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(assignee, Some(agent));
    // Told twice, assigned once.
    assert_eq!(app.count("messages where event = 'assigned'").await, 1);

    // The thread shows the call's log.
    let panel = app.logged_in(&acme, Role::Agent).await;
    let page = panel.get("/app/tickets/1").await;
    assert_eq!(page.status, StatusCode::OK);
    let log = page.texts(".call-log dd");
    assert!(log.contains(&CALLER.to_owned()), "{log:?}");
    assert!(log.contains(&"agent of acme".to_owned()), "{log:?}");
    assert!(log.contains(&"1:35".to_owned()), "{log:?}");
    assert!(page.body.contains("/Recordings/RE1"));
    assert!(page.texts(".call-log").len() == 1);
    let list = panel.get("/app/calls?state=completed").await;
    assert!(list.body.contains("#1"), "{}", list.body);
}

#[sqlx::test]
async fn a_call_nobody_answers_leaves_a_voicemail_on_a_new_ticket(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (acme, support, provider) = connected(&app, "acme").await;
    let agent = acme.person(Role::Agent).id;
    set_device(&app, agent, "online", "web_phone", "").await;
    let twiml = provider.incoming("CA3001", CALLER).await;
    assert_eq!(texts(&twiml, "Response/Dial/Client").len(), 1);
    // Nobody answered in 30 seconds: the caller is asked for a message.
    let (status, xml) = provider
        .post(
            "dial-status",
            &[("CallSid", "CA3001"), ("DialCallStatus", "no-answer")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let voicemail = elements(&xml);
    assert_eq!(
        texts(&voicemail, "Response/Record@action"),
        [provider.voicemail()]
    );
    assert!(texts(&voicemail, "Response/Say")[0].contains("leave a message"));
    let message = [
        ("CallSid", "CA3001"),
        (
            "RecordingUrl",
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE9",
        ),
        ("RecordingDuration", "12"),
    ];
    provider.post("recording?kind=voicemail", &message).await;
    provider
        .post(
            "status",
            &[("CallSid", "CA3001"), ("CallStatus", "completed")],
        )
        .await;
    let (state, voicemail_url): (String, Option<String>) =
        sqlx::query_as("select state, voicemail_url from calls")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(state, "missed");
    assert!(voicemail_url.unwrap().ends_with("/RE9"));
    let (status, assignee, department): (String, Option<Uuid>, Option<Uuid>) =
        sqlx::query_as("select status, assignee_id, department_id from tickets")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), assignee, department),
        ("new", None, Some(support))
    );
    let panel = app.logged_in(&acme, Role::Agent).await;
    let page = panel.get("/app/tickets/1").await;
    assert!(
        page.body
            .contains("The caller left a voicemail: call them back.")
    );
    assert!(page.body.contains("/Recordings/RE9"));
    let missed = panel.get("/app/calls?state=missed").await;
    assert_eq!(missed.rows("table.list tbody tr").len(), 1);

    // With nobody online, voicemail at once.
    set_device(&app, agent, "offline", "web_phone", "").await;
    let twiml = provider.incoming("CA3002", CALLER).await;
    assert!(texts(&twiml, "Response/Dial").is_empty(), "{twiml:?}");
    assert_eq!(
        texts(&twiml, "Response/Record@action"),
        [provider.voicemail()]
    );
}

#[sqlx::test]
async fn a_caller_is_known_again_by_their_number(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (workspace, _, provider) = connected(&app, "acme").await;
    provider.incoming("CA4001", CALLER).await;
    sqlx::query(
        "update tickets set customer_name = 'Carla Caller', customer_email = 'carla@example.com'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    provider.incoming("CA4002", CALLER).await;
    let (name, email): (String, String) =
        sqlx::query_as("select customer_name, customer_email from tickets where number = 2")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (name.as_str(), email.as_str()),
        ("Carla Caller", "carla@example.com")
    );
    // The agent who picks up sees the caller's history.
    let acme = app.logged_in(&workspace, Role::Agent).await;
    let page = acme.get("/app/tickets/2").await;
    assert_eq!(
        page.texts(".caller-history a"),
        ["#1 Call from +4915112345678"]
    );
    // Another number is a stranger, known by the number alone.
    provider.incoming("CA4003", "+4915199999999").await;
    let name: String = sqlx::query_scalar("select customer_name from tickets where number = 3")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(name, "+4915199999999");
}

#[sqlx::test]
async fn unsigned_or_forged_webhooks_are_refused_and_change_nothing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (_, _, provider) = connected(&app, "acme").await;
    let params = [("CallSid", "CA5001"), ("From", CALLER), ("To", NUMBER)];
    let url = provider.url("incoming");
    let owned: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    // No signature; one made with another token; one for another address; one for
    // other parameters.
    let forged = twilio::signature("another-auth-token-0123456789", &url, &owned).unwrap();
    let elsewhere = twilio::signature(AUTH_TOKEN, &provider.url("status"), &owned).unwrap();
    let mut changed = owned.clone();
    changed[1].1 = "+10000000000".into();
    let other_params = twilio::signature(AUTH_TOKEN, &url, &changed).unwrap();
    for signature in [
        None,
        Some(forged.as_str()),
        Some(&elsewhere),
        Some(&other_params),
    ] {
        let (status, _) = provider.send(&url, &params, signature).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{signature:?}");
    }
    for hook in ["status", "dial-status", "recording"] {
        let (status, _) = provider.send(&provider.url(hook), &params, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{hook}");
    }
    // A signed status callback with another agent put in its address.
    let status = provider.url(&format!("status?agent={}", Uuid::now_v7()));
    let signed = twilio::signature(AUTH_TOKEN, &status, &owned).unwrap();
    let tampered = status.replace("agent=", "agent=0");
    assert_eq!(
        provider.send(&tampered, &params, Some(&signed)).await.0,
        StatusCode::FORBIDDEN
    );
    // Another workspace's request, replayed to this one's address.
    let (_, _, other) = connected(&app, "other").await;
    let theirs = other.url("incoming");
    let signed = twilio::signature(AUTH_TOKEN, &theirs, &owned).unwrap();
    assert_eq!(
        provider.send(&url, &params, Some(&signed)).await.0,
        StatusCode::FORBIDDEN
    );
    // An address of no workspace.
    let unknown = format!("{}/voice/no-such-token/incoming", app.base_url);
    let signed = twilio::signature(AUTH_TOKEN, &unknown, &owned).unwrap();
    assert_eq!(
        provider.send(&unknown, &params, Some(&signed)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.count("tickets").await, 0);
    assert_eq!(app.count("calls").await, 0);
    // Signed properly, it is taken.
    let (status, _) = provider.post("incoming", &params).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.count("calls").await, 1);
}

#[sqlx::test]
async fn agents_see_the_calls_of_the_tickets_they_may_see(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = acme.person(Role::Admin).id;
    // The agent is not in Sales.
    let sales = app.department(&acme, "Sales", &[admin]).await;
    let provider = Provider::connect(&app, &acme, sales).await;
    provider.incoming("CA6001", CALLER).await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let list = agent.get("/app/calls").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains(CALLER));
    let admin = app.logged_in(&acme, Role::Admin).await;
    assert!(admin.get("/app/calls").await.body.contains(CALLER));
}

#[sqlx::test]
async fn an_agent_who_switches_off_a_departments_calls_is_not_rung_for_them(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (acme, support, provider) = connected(&app, "acme").await;
    let agent = acme.person(Role::Agent).id;
    set_device(&app, agent, "online", "web_phone", "").await;
    let panel = app.logged_in(&acme, Role::Agent).await;
    let profile = panel.get("/app/profile").await;
    let chats = format!("chats_{support}");
    let calls = format!("calls_{support}");
    for name in [&chats, &calls] {
        assert!(
            profile
                .body
                .contains(&format!(r#"name="{name}" value="on""#)),
            "{}",
            profile.body
        );
    }
    // Chats stay on, calls go off; another workspace's department changes nothing.
    let (_, elsewhere, _) = connected(&app, "other").await;
    let foreign = format!("calls_{elsewhere}");
    let saved = panel
        .post("/app/profile/receive", &[(&chats, "on"), (&foreign, "on")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let switches: (bool, bool) = sqlx::query_as(
        "select receives_chats, receives_calls from department_agents
         where agent_id = $1 and department_id = $2",
    )
    .bind(agent)
    .bind(support)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(switches, (true, false));
    assert_eq!(
        app.count("department_agents where not receives_calls")
            .await,
        1
    );

    let twiml = provider.incoming("CA7001", CALLER).await;
    assert!(
        texts(&twiml, "Response/Dial/Client").is_empty(),
        "{twiml:?}"
    );
    assert!(!texts(&twiml, "Response/Record@action").is_empty());

    // The admin sees the switch on the agent's page.
    let admin = app.logged_in(&acme, Role::Admin).await;
    let page = admin.get(&format!("/app/config/agents/{agent}/edit")).await;
    assert_eq!(
        page.rows("table.receiving tbody tr")[0],
        ["Support", "Always", "Yes", "Switched off"]
    );
}

/// The provider's REST API, as far as a call back needs it: it records each request (path,
/// `Authorization`, form) and answers with a new call's SID.
#[derive(Clone, Default)]
struct FakeApi {
    requests: Arc<Mutex<Vec<ApiRequest>>>,
}

/// A request's path, `Authorization` header and form.
type ApiRequest = (String, String, Vec<(String, String)>);

impl FakeApi {
    async fn start(&self) -> String {
        async fn create_call(
            State(api): State<FakeApi>,
            uri: Uri,
            headers: HeaderMap,
            body: String,
        ) -> (AxumStatus, Json<serde_json::Value>) {
            let form = form_urlencoded::parse(body.as_bytes())
                .into_owned()
                .collect();
            let authorization = headers["authorization"].to_str().unwrap().to_owned();
            let mut requests = api.requests.lock().unwrap();
            requests.push((uri.path().to_owned(), authorization, form));
            // CA9001, CA9002, ...: a SID of its own for each call.
            let sid = format!("CA900{}", requests.len());
            (
                AxumStatus::CREATED,
                Json(serde_json::json!({"sid": sid, "status": "queued"})),
            )
        }
        let router = Router::new()
            .route("/2010-04-01/Accounts/{sid}/Calls.json", post(create_call))
            .with_state(self.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        format!("http://{address}")
    }
}

#[sqlx::test]
async fn an_agent_calls_a_caller_back_through_the_providers_api(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (acme, _, provider) = connected(&app, "acme").await;
    let agent = acme.person(Role::Agent);
    provider.incoming("CA8001", CALLER).await;
    app.client()
        .contact("acme", "carla@example.com", "No phone", "Hello")
        .await;
    // A process whose provider API is the fake one.
    let api = FakeApi::default();
    let api_base = api.start().await;
    let (_, second) = harness::serve_with(app.db.clone(), Clock::System, |config| {
        config.twilio_api_base = api_base;
    })
    .await;
    let panel = Client::new(&second);
    panel
        .log_in("acme", &agent.email, PASSWORD)
        .await
        .assert_redirects_to("/app");
    let page = panel.get("/app/tickets/1").await;
    assert!(
        page.body.contains(&format!("Call {CALLER} back")),
        "{}",
        page.body
    );

    let called = panel.post("/app/tickets/1/call", &[]).await;
    called.assert_redirects_to("/app/tickets/1");
    let requests = api.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 1);
    let (path, authorization, form) = &requests[0];
    assert_eq!(
        path,
        &format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json")
    );
    let credentials = BASE64.encode(format!("{ACCOUNT_SID}:{AUTH_TOKEN}"));
    assert_eq!(authorization, &format!("Basic {credentials}"));
    let field = |name: &str| -> Vec<&str> {
        form.iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    };
    // The agent's own web phone rings first; it then dials the caller from the number
    // they called.
    assert_eq!(field("To"), [format!("client:agent-{}", agent.id.simple())]);
    assert_eq!(field("From"), [NUMBER]);
    let twiml = elements(field("Twiml")[0]);
    assert_eq!(texts(&twiml, "Response/Dial/Number"), [CALLER]);
    assert_eq!(texts(&twiml, "Response/Dial@callerId"), [NUMBER]);
    let (call_id, direction, from, to): (Uuid, String, String, String) = sqlx::query_as(
        "select id, direction, from_number, to_number from calls where call_sid = 'CA9001'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        (direction.as_str(), from.as_str(), to.as_str()),
        ("outbound", NUMBER, CALLER)
    );
    // Its status comes to the webhook under the call's own id, known before its SID.
    let hook = format!("status?agent={}&call={call_id}", agent.id);
    let callback = format!("{second}/voice/{}/{hook}", provider.channel_token);
    assert_eq!(field("StatusCallback"), [callback.as_str()]);
    assert_eq!(field("StatusCallbackEvent"), ["answered", "completed"]);
    let answered = [("CallSid", "CA9001"), ("CallStatus", "in-progress")];
    assert_eq!(provider.post(&hook, &answered).await.0, StatusCode::OK);
    let state: String = sqlx::query_scalar("select state from calls where call_sid = 'CA9001'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(state, "in_progress");
    let page = panel.get("/app/tickets/1").await;
    assert_eq!(
        page.texts(".message-call header strong"),
        ["Phone call", "Call back"]
    );

    // A call back the customer never answered: over, missed.
    let second_call = panel.post("/app/tickets/1/call", &[]).await;
    second_call.assert_redirects_to("/app/tickets/1");
    let pending: Uuid =
        sqlx::query_scalar("select id from calls where direction = 'outbound' and id <> $1")
            .bind(call_id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let unanswered = [("CallSid", "CA9002"), ("CallStatus", "no-answer")];
    let hook = format!("status?agent={}&call={pending}", agent.id);
    provider.post(&hook, &unanswered).await;
    let state: String = sqlx::query_scalar("select state from calls where id = $1")
        .bind(pending)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(state, "missed");

    // A ticket without a phone number cannot be called back.
    let refused = panel.post("/app/tickets/2/call", &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("This ticket has no phone number to call.")
    );
    assert_eq!(api.requests.lock().unwrap().len(), 2);
}

/// The cell of table `id` in the row whose header starts with `row` and the column headed
/// `column`, with its `data-seconds` when it has them.
fn report_cell(html: &str, id: &str, row: &str, column: &str) -> (String, Option<String>) {
    let document = scraper::Html::parse_document(html);
    let select = |css: &str| scraper::Selector::parse(css).unwrap();
    let text = |element: scraper::ElementRef| element.text().collect::<String>().trim().to_owned();
    let headers: Vec<String> = document
        .select(&select(&format!("#{id} thead th")))
        .map(text)
        .collect();
    let index = headers
        .iter()
        .position(|header| header == column)
        .unwrap_or_else(|| panic!("no column {column} in {headers:?}"));
    let cells: Vec<scraper::ElementRef> = document
        .select(&select(&format!("#{id} tbody tr, #{id} tfoot tr")))
        .find(|tr| {
            tr.select(&select("th"))
                .next()
                .is_some_and(|th| text(th).starts_with(row))
        })
        .unwrap_or_else(|| panic!("no row {row} in #{id}"))
        .select(&select("th, td"))
        .collect();
    let cell = cells[index];
    (
        text(cell),
        cell.value().attr("data-seconds").map(str::to_owned),
    )
}

#[sqlx::test]
async fn the_reports_count_calls_received_answered_and_missed(db: PgPool) {
    let app = TestApp::spawn_at(db, time::macros::datetime!(2026-12-07 10:00 UTC)).await;
    let (acme, _, provider) = connected(&app, "acme").await;
    let agent = acme.person(Role::Agent).id;
    set_device(&app, agent, "online", "web_phone", "").await;
    // Answered 20 seconds after it rang (the provider's time), and one nobody answered.
    provider.incoming("CA9101", CALLER).await;
    let answered = [
        ("CallSid", "CA9102"),
        ("ParentCallSid", "CA9101"),
        ("CallStatus", "in-progress"),
        ("Timestamp", "Mon, 07 Dec 2026 10:00:20 +0000"),
    ];
    provider
        .post(&format!("status?agent={agent}"), &answered)
        .await;
    provider.incoming("CA9201", "+4915100000000").await;
    provider
        .post(
            "status",
            &[("CallSid", "CA9201"), ("CallStatus", "no-answer")],
        )
        .await;

    let owner = app.logged_in(&acme, Role::Owner).await;
    let page = owner.get("/app/reports").await;
    assert_eq!(page.status, StatusCode::OK);
    let cell = |id, row, column| report_cell(&page.body, id, row, column).0;
    assert_eq!(cell("departments", "Support", "Calls received"), "2");
    assert_eq!(cell("departments", "Support", "Calls missed"), "1");
    assert_eq!(cell("departments", "Support", "Calls answered"), "1");
    assert_eq!(cell("agents", "agent of acme", "Calls answered"), "1");
    let (_, seconds) = report_cell(
        &page.body,
        "agents",
        "agent of acme",
        "Time to answer a call (median)",
    );
    assert_eq!(seconds.as_deref(), Some("20"));
    assert_eq!(cell("agents", "admin of acme", "Calls answered"), "0");

    // The agent's own report counts what they answered.
    let mine = app
        .logged_in(&acme, Role::Agent)
        .await
        .get("/app/reports/me")
        .await;
    assert_eq!(
        report_cell(&mine.body, "buckets", "Total", "Calls answered").0,
        "1"
    );
}

#[sqlx::test]
async fn outside_business_hours_the_caller_hears_so_and_leaves_a_voicemail(db: PgPool) {
    // A Saturday morning; the desk is open on Mondays only.
    let app = TestApp::spawn_at(db, time::macros::datetime!(2026-12-05 10:00 UTC)).await;
    let workspace = app.workspace("acme").await;
    let admin = app.logged_in(&workspace, Role::Admin).await;
    admin
        .post("/app/config/hours", &[("mon_ranges", "09:00-17:00")])
        .await
        .assert_redirects_to("/app/config/hours");
    let members: Vec<Uuid> = workspace.people.iter().map(|p| p.id).collect();
    let support = app.department(&workspace, "Support", &members).await;
    let provider = Provider::connect(&app, &workspace, support).await;
    set_device(
        &app,
        workspace.person(Role::Agent).id,
        "online",
        "web_phone",
        "",
    )
    .await;

    let closed = provider.incoming("CA9301", CALLER).await;
    assert!(texts(&closed, "Response/Dial").is_empty(), "{closed:?}");
    assert!(texts(&closed, "Response/Say")[0].contains("We are closed right now."));
    assert_eq!(
        texts(&closed, "Response/Record@action"),
        [provider.voicemail()]
    );

    app.clock.set(time::macros::datetime!(2026-12-07 10:00 UTC));
    let open = provider.incoming("CA9302", CALLER).await;
    assert_eq!(texts(&open, "Response/Dial/Client").len(), 1, "{open:?}");
}

#[sqlx::test]
async fn callbacks_twice_at_once_or_in_any_order_give_the_same_log(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (acme, _, provider) = connected(&app, "acme").await;
    let agent = acme.person(Role::Agent).id;
    set_device(&app, agent, "online", "web_phone", "").await;
    // The same call delivered twice at once: one ticket, both answered.
    let (first, second) = tokio::join!(
        provider.post(
            "incoming",
            &[("CallSid", "CAdup"), ("From", CALLER), ("To", NUMBER)]
        ),
        provider.post(
            "incoming",
            &[("CallSid", "CAdup"), ("From", CALLER), ("To", NUMBER)]
        ),
    );
    assert_eq!((first.0, second.0), (StatusCode::OK, StatusCode::OK));
    assert_eq!(app.count("calls").await, 1);
    assert_eq!(app.count("tickets").await, 1);

    // Two calls whose ends come in opposite orders: the conversation's length wins.
    let leg = format!("status?agent={agent}");
    for sid in ["CAone", "CAtwo"] {
        provider.incoming(sid, CALLER).await;
        let answered = [
            ("CallSid", "CAleg"),
            ("ParentCallSid", sid),
            ("CallStatus", "in-progress"),
        ];
        provider.post(&leg, &answered).await;
        // A recording of the conversation, before its end: never a voicemail.
        let recording = [
            ("CallSid", sid),
            (
                "RecordingUrl",
                "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/REc",
            ),
        ];
        provider.post("recording", &recording).await;
    }
    let leg_end = |sid: &'static str| {
        [
            ("CallSid", "CAleg"),
            ("ParentCallSid", sid),
            ("CallStatus", "completed"),
            ("CallDuration", "60"),
        ]
    };
    let call_end = |sid: &'static str| {
        [
            ("CallSid", sid),
            ("CallStatus", "completed"),
            ("CallDuration", "95"),
        ]
    };
    provider.post(&leg, &leg_end("CAone")).await;
    provider.post("status", &call_end("CAone")).await;
    provider.post("status", &call_end("CAtwo")).await;
    provider.post(&leg, &leg_end("CAtwo")).await;
    #[derive(sqlx::FromRow)]
    struct Logged {
        state: String,
        duration_seconds: Option<i32>,
        recording_url: Option<String>,
        voicemail_url: Option<String>,
    }
    let logs: Vec<Logged> = sqlx::query_as(
        "select state, duration_seconds, recording_url, voicemail_url from calls
         where call_sid in ('CAone', 'CAtwo')",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(logs.len(), 2);
    for log in logs {
        assert_eq!(
            (log.state.as_str(), log.duration_seconds),
            ("completed", Some(60))
        );
        assert!(log.recording_url.is_some());
        assert_eq!(log.voicemail_url, None);
    }
    assert_eq!(app.count("messages where event = 'voicemail'").await, 0);
}

#[sqlx::test]
async fn a_withheld_number_is_nobody_known(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (_, _, provider) = connected(&app, "acme").await;
    app.client()
        .contact("acme", "carla@example.com", "By mail", "Hello")
        .await;
    provider.incoming("CAanon", "anonymous").await;
    let (name, email, phone): (String, String, String) = sqlx::query_as(
        "select customer_name, customer_email, customer_phone from tickets where channel = 'call'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        (name.as_str(), email.as_str(), phone.as_str()),
        ("anonymous", "", "")
    );
}

#[sqlx::test]
async fn a_call_nobody_answers_goes_to_the_departments_round_robin_once(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (acme, support, provider) = connected(&app, "acme").await;
    sqlx::query("update departments set round_robin = true where id = $1")
        .bind(support)
        .execute(&app.db)
        .await
        .unwrap();
    let agent = acme.person(Role::Agent).id;
    let admin = acme.person(Role::Admin).id;
    set_device(&app, agent, "online", "mobile_app", "+4917012345").await;
    let assignee = |number: i64| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, Option<Uuid>>(
                "select assignee_id from tickets where number = $1",
            )
            .bind(number)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };

    // While it rings, the call is nobody's; when the ringing ends unanswered (reported
    // twice, then the call's end), round-robin gives it to the one online agent, once.
    provider.incoming("CA9001", CALLER).await;
    assert_eq!(assignee(1).await, None);
    let unanswered = [("CallSid", "CA9001"), ("DialCallStatus", "no-answer")];
    for _ in 0..2 {
        let (status, xml) = provider.post("dial-status", &unanswered).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!texts(&elements(&xml), "Response/Record@action").is_empty());
    }
    let ended = [("CallSid", "CA9001"), ("CallStatus", "completed")];
    assert_eq!(provider.post("status", &ended).await.0, StatusCode::OK);
    assert_eq!(assignee(1).await, Some(agent));
    assert_eq!(app.count("messages where event = 'assigned'").await, 1);

    // A caller who hangs up while it rings: the call's end queues it.
    provider.incoming("CA9002", CALLER).await;
    let gave_up = [("CallSid", "CA9002"), ("CallStatus", "no-answer")];
    assert_eq!(provider.post("status", &gave_up).await.0, StatusCode::OK);
    assert_eq!(assignee(2).await, Some(agent));

    // Nobody to ring (the only online agent has no device): queued at once.
    set_device(&app, agent, "online", "desk_phone", "").await;
    let twiml = provider.incoming("CA9003", CALLER).await;
    assert!(texts(&twiml, "Response/Dial").is_empty(), "{twiml:?}");
    assert_eq!(assignee(3).await, Some(agent));

    // An answered call is its answerer's: its end queues nothing.
    set_device(&app, admin, "online", "mobile_app", "+4917099999").await;
    provider.incoming("CA9004", CALLER).await;
    let answered = [
        ("CallSid", "CA9005"),
        ("ParentCallSid", "CA9004"),
        ("CallStatus", "in-progress"),
    ];
    let leg = format!("status?agent={admin}");
    assert_eq!(provider.post(&leg, &answered).await.0, StatusCode::OK);
    let ended = [("CallSid", "CA9004"), ("CallStatus", "completed")];
    assert_eq!(provider.post("status", &ended).await.0, StatusCode::OK);
    assert_eq!(assignee(4).await, Some(admin));
    assert_eq!(app.count("calls where settled_at is not null").await, 3);

    // Round-robin hands a missed call only to those who receive the department's calls.
    sqlx::query("update department_agents set receives_calls = false where agent_id = $1")
        .bind(agent)
        .execute(&app.db)
        .await
        .unwrap();
    set_device(&app, admin, "online", "desk_phone", "").await;
    set_device(
        &app,
        acme.person(Role::Owner).id,
        "offline",
        "desk_phone",
        "",
    )
    .await;
    for (call, number) in [("CA9006", 5), ("CA9007", 6)] {
        provider.incoming(call, CALLER).await;
        assert_eq!(assignee(number).await, Some(admin));
    }

    // The ringing ended answered but the device's own report was lost: the whole call's
    // end sends nothing to the queue.
    set_device(&app, admin, "online", "mobile_app", "+4917099999").await;
    provider.incoming("CA9008", CALLER).await;
    let answered = [("CallSid", "CA9008"), ("DialCallStatus", "completed")];
    let (status, xml) = provider.post("dial-status", &answered).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(elements(&xml).last().unwrap().0, "Response/Hangup");
    let ended = [("CallSid", "CA9008"), ("CallStatus", "completed")];
    assert_eq!(provider.post("status", &ended).await.0, StatusCode::OK);
    assert_eq!(assignee(7).await, None);
}
