//! The web phone: an admin stores the API key that signs access tokens; an agent whose
//! device is the web phone opens its window, which gets a token for the identity that
//! incoming calls ring as `<Client>`. Without the key or the SDK, web phones do not ring.
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use frontdesk::{auth::Role, i18n::Locale};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use sha2::Sha256;
use sqlx::PgPool;

use crate::{
    calls::{ACCOUNT_SID, API_KEY_SECRET, API_KEY_SID, CALLER, connected, set_device, texts},
    harness::{self, Client, PASSWORD, TestApp, input_value},
    notifications::colleague,
};

/// The claims of `jwt` once its signature by `secret` checks out.
fn verified_claims(jwt: &str, secret: &str) -> serde_json::Value {
    let (signed, signature) = jwt.rsplit_once('.').unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(signed.as_bytes());
    mac.verify_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap())
        .expect("signed with the API key's secret");
    let (_, claims) = signed.split_once('.').unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap()
}

/// Asks for the web phone's token as its window does: a POST with the CSRF header.
async fn token(client: &Client) -> (StatusCode, String) {
    let csrf = client.csrf_token().await;
    let answer = client
        .post_with_headers("/app/phone/token", &[], &[("x-csrf-token", &csrf)])
        .await;
    (answer.status, answer.body)
}

#[sqlx::test]
async fn a_web_phone_logs_in_as_the_identity_that_calls_ring(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (acme, _, provider) = connected(&app, "acme").await;
    let agent = acme.person(Role::Agent).id;
    set_device(&app, agent, "online", "web_phone", "").await;
    let panel = app.logged_in(&acme, Role::Agent).await;

    // The menu opens the phone's own window, which loads the SDK from our static files and
    // may reach the provider's servers.
    let home = panel.get("/app").await;
    assert!(
        home.body
            .contains(r#"<a href="/app/phone" target="frontdesk-phone">Web phone</a>"#)
    );
    let window = panel.get("/app/phone").await;
    assert_eq!(window.status, StatusCode::OK);
    assert!(window.body.contains("data-web-phone"), "{}", window.body);
    assert!(
        window
            .body
            .contains(r#"src="/static/vendor/twilio.min.js""#)
    );
    let policy = window.headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("wss://*.twilio.com"), "{policy}");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    let sdk = panel.get("/static/vendor/twilio.min.js").await;
    assert_eq!(sdk.status, StatusCode::OK);

    // The token: signed by the workspace's API key, for the account, letting the agent's
    // identity receive calls; the same identity a call rings.
    let (status, body) = token(&panel).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    let claims = verified_claims(answer["token"].as_str().unwrap(), API_KEY_SECRET);
    assert_eq!(claims["iss"], API_KEY_SID);
    assert_eq!(claims["sub"], ACCOUNT_SID);
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        3600
    );
    assert_eq!(claims["grants"]["voice"]["incoming"]["allow"], true);
    let identity = claims["grants"]["identity"].as_str().unwrap().to_owned();
    assert_eq!(answer["identity"], identity.as_str());
    let twiml = provider.incoming("CA7001", CALLER).await;
    assert_eq!(texts(&twiml, "Response/Dial/Client"), [identity.as_str()]);
    // The secret never reaches the page or the answer.
    assert!(!body.contains(API_KEY_SECRET));

    // Without the CSRF header, refused; logged out, no token.
    let forged = panel.post_raw("/app/phone/token", &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let anonymous = app.client().get("/app/phone").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
}

#[sqlx::test]
async fn an_agent_on_another_device_gets_no_token_and_is_told_why(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (acme, _, _) = connected(&app, "acme").await;
    set_device(
        &app,
        acme.person(Role::Admin).id,
        "online",
        "desk_phone",
        "101",
    )
    .await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    assert!(!admin.get("/app").await.body.contains("/app/phone"));
    let window = admin.get("/app/phone").await;
    assert_eq!(window.status, StatusCode::OK);
    assert!(
        window
            .body
            .contains("Your profile does not name the web phone as your device")
    );
    assert!(!window.body.contains("twilio.min.js"));
    let (status, body) = token(&admin).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(!body.contains("token\""));

    // In another workspace nothing is connected: its web phone cannot start either.
    let other = app.workspace("other").await;
    set_device(
        &app,
        other.person(Role::Agent).id,
        "online",
        "web_phone",
        "",
    )
    .await;
    let stranger = app.logged_in(&other, Role::Agent).await;
    let (status, _) = token(&stranger).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        stranger
            .get("/app/phone")
            .await
            .body
            .contains("Web phones are not connected")
    );
}

#[sqlx::test]
async fn the_api_key_is_write_only_and_without_it_web_phones_do_not_ring(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (acme, support, provider) = connected(&app, "acme").await;
    let agent = acme.person(Role::Agent).id;
    set_device(&app, agent, "online", "web_phone", "").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let page = admin.get("/app/config/calls").await;
    assert_eq!(
        input_value(&page.body, "api_key_sid").as_deref(),
        Some(API_KEY_SID)
    );
    assert_eq!(
        input_value(&page.body, "api_key_secret").as_deref(),
        Some("")
    );
    assert!(!page.body.contains(API_KEY_SECRET));
    let stored: Vec<u8> = sqlx::query_scalar("select api_key_secret from voice_settings")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(
        !stored
            .windows(8)
            .any(|w| w == &API_KEY_SECRET.as_bytes()[..8])
    );

    let save = |fields: Vec<(&'static str, String)>| {
        let admin = &admin;
        async move {
            let mut form = vec![("account_sid", ACCOUNT_SID.to_owned())];
            form.extend(fields);
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            admin.post("/app/config/calls", &form).await
        }
    };
    // The same key without its secret keeps the secret.
    let kept = save(vec![("api_key_sid", API_KEY_SID.to_owned())]).await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);
    assert_eq!(
        app.count("voice_settings where api_key_secret is not null")
            .await,
        1
    );
    // Another key needs its own secret; a malformed SID is refused; both keep the input.
    let other_key = format!("SK{}", "0".repeat(32));
    let refused = save(vec![("api_key_sid", other_key.clone())]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        input_value(&refused.body, "api_key_sid").as_deref(),
        Some(other_key.as_str())
    );
    let malformed = save(vec![
        ("api_key_sid", "SK123".to_owned()),
        ("api_key_secret", "long enough secret 1".to_owned()),
    ])
    .await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        malformed
            .body
            .contains("Enter the API key SID: SK followed by 32 letters and digits")
    );
    assert_eq!(
        app.count(&format!(
            "voice_settings where api_key_sid = '{API_KEY_SID}'"
        ))
        .await,
        1
    );

    // A secret without its key's SID is refused, not dropped.
    let orphan = save(vec![("api_key_secret", "longenoughsecret1234".to_owned())]).await;
    assert_eq!(orphan.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(orphan.texts(".field-error"), ["This field is required."]);

    // Emptied: no web phones. The agent's device does not ring and their panel is not
    // told of the call; the call goes to voicemail.
    let cleared = save(vec![]).await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("voice_settings where api_key_sid = '' and api_key_secret is null")
            .await,
        1
    );
    let twiml = provider.incoming("CA7101", CALLER).await;
    assert!(
        texts(&twiml, "Response/Dial/Client").is_empty(),
        "{twiml:?}"
    );
    assert!(!texts(&twiml, "Response/Record@action").is_empty());
    let ringing = app
        .count(&format!(
            "tickets where department_id = '{support}' and status = 'new'"
        ))
        .await;
    assert_eq!(ringing, 1);
}

#[sqlx::test]
async fn without_the_sdk_installed_web_phones_do_not_ring_and_say_why(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let (acme, _, provider) = connected(&app, "acme").await;
    let agent = acme.person(Role::Agent).id;
    set_device(&app, agent, "online", "web_phone", "").await;
    // A server whose static files lack the SDK (scripts/voice-sdk.sh has not run).
    let (_, base_url) = harness::serve(db, |config| {
        config.static_dir = config.static_dir.join("no-such-folder");
    })
    .await;
    let elsewhere = provider.at(&base_url);
    let twiml = elsewhere.incoming("CA7201", CALLER).await;
    assert!(
        texts(&twiml, "Response/Dial/Client").is_empty(),
        "{twiml:?}"
    );

    let admin = Client::new(&base_url);
    let person = acme.person(Role::Admin);
    admin.log_in(&acme.slug, &person.email, PASSWORD).await;
    assert!(
        admin
            .get("/app/config/calls")
            .await
            .body
            .contains("The web phone&#39;s software is not installed on this server")
    );
    // Where it is installed, the same agent rings.
    let twiml = provider.incoming("CA7202", CALLER).await;
    assert_eq!(texts(&twiml, "Response/Dial/Client").len(), 1);
}

#[sqlx::test]
async fn one_call_rings_at_most_ten_devices(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let (acme, support, provider) = connected(&app, "acme").await;
    for n in 0..12 {
        let id = colleague(&app, &acme, &format!("mobile{n}@acme.test"), Locale::En).await;
        sqlx::query(
            "insert into department_agents (account_id, department_id, agent_id) values ($1, $2, $3)",
        )
        .bind(acme.account_id)
        .bind(support)
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
        set_device(
            &app,
            id,
            "online",
            "mobile_app",
            &format!("+49170555{n:04}"),
        )
        .await;
    }
    let twiml = provider.incoming("CA7301", CALLER).await;
    assert_eq!(texts(&twiml, "Response/Dial/Number").len(), 10);
}
