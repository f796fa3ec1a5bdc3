//! Pages with live streams in a real Chromium, its back/forward cache on as a user has it:
//! a page kept in the cache holds no connection, so an owner clicks through page after
//! page without one hanging, and a page that comes back follows its stream again.
//!
//! Chromium keeps pages sent with `Cache-Control: no-store` (all of ours) in the cache but
//! loads them anew on the way back; it does give back a company's page with the chat in a
//! frame, whose stream then opens again where it was.
use std::time::Duration;

use axum::{Router, response::Html, routing::get};
use fantoccini::{Locator, error::CmdError, wd::TimeoutConfiguration};
use frontdesk::auth::Role;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    browser::{Browser, Driver, click, evaluate, fill, log_in, wait_for_value},
    harness::{self, Client, TestApp},
    streams::wait_for_open_streams,
};

/// Every panel page loads within this.
const PAGE_LOAD: Duration = Duration::from_secs(2);

/// Thirteen panel pages after the queue the login lands on. Browsers open six connections
/// to a host: the seventh page (the settings) waited for as long as the pages in the cache
/// held their streams.
const PANEL_PAGES: [&str; 13] = [
    "/app/tickets",
    "/app/profile",
    "/app/kb",
    "/app/config/agents",
    "/app/config/departments",
    "/app/config/settings",
    "/app/reports",
    "/app/chats",
    "/app/billing",
    "/app",
    "/app/reports/me",
    "/app/config/audit",
    "/app/billing/invoices",
];

/// Marks the page, so that the page back from the cache can be told from a new one.
async fn mark_page(browser: &Browser, mark: &str) {
    evaluate(
        browser,
        &format!("window.frontdeskMark = {mark:?}; return null;"),
    )
    .await;
}

async fn page_mark(browser: &Browser) -> serde_json::Value {
    evaluate(browser, "return window.frontdeskMark || null;").await
}

/// From now on a page of `browser` that does not load fails the test in seconds, not after
/// five minutes.
async fn be_impatient(browser: &Browser) {
    let timeouts = TimeoutConfiguration::new(None, Some(Duration::from_secs(10)), None);
    browser.update_timeouts(timeouts).await.unwrap();
}

/// Asserts that the page shown loaded within `PAGE_LOAD`, as the browser measured it (from
/// the navigation's start to its load event; WebDriver's own round trips aside).
async fn assert_loaded_quickly(browser: &Browser, loaded: Result<(), CmdError>) {
    let url = browser.current_url().await.unwrap();
    assert!(loaded.is_ok(), "{url}: {loaded:?}");
    let took = evaluate(
        browser,
        "return performance.getEntriesByType('navigation')[0].duration;",
    )
    .await;
    let took = Duration::from_secs_f64(took.as_f64().unwrap() / 1000.0);
    assert!(took < PAGE_LOAD, "{url} took {took:?}");
}

/// Opens `url` and asserts that it loaded within `PAGE_LOAD`.
async fn open_quickly(browser: &Browser, url: &str) {
    let loaded = browser.goto(url).await;
    assert_loaded_quickly(browser, loaded).await;
}

/// Goes back one page and asserts that it came within `PAGE_LOAD`.
async fn back_quickly(browser: &Browser) {
    let loaded = browser.back().await;
    assert_loaded_quickly(browser, loaded).await;
}

async fn wait_for_text(browser: &Browser, text: &str) {
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(&format!("//article[contains(., '{text}')]")))
        .await
        .unwrap();
}

async fn wait_for_css(browser: &Browser, css: &str) {
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap();
}

/// Writes `body` on chat 1 as `agent`, with the ticket's reply form as its page has it.
async fn agent_writes(agent: &Client, body: &str) {
    let page = agent.get("/app/tickets/1").await;
    let seen = harness::input_value(&page.body, "last_seen").unwrap();
    agent
        .post(
            "/app/tickets/1/reply",
            &[("body", body), ("last_seen", &seen)],
        )
        .await
        .assert_redirects_to("/app/tickets/1");
}

/// The id of the one chat.
async fn chat_id(app: &TestApp) -> Uuid {
    sqlx::query_scalar("select id from chats")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[sqlx::test]
async fn an_owner_clicks_through_fourteen_pages_and_one_three_back_goes_on_live(db: PgPool) {
    let Some(mut driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let owner = driver.browser().await;
    log_in(&app, &owner, "acme", "owner@acme.test").await;
    be_impatient(&owner).await;

    for path in PANEL_PAGES {
        open_quickly(&owner, &format!("{}{path}", app.base_url)).await;
    }
    // The pages in the cache hold no stream; the page shown holds one.
    wait_for_open_streams(&app, acme.person(Role::Owner).id, 1).await;

    for _ in 0..3 {
        back_quickly(&owner).await;
    }
    assert_eq!(owner.current_url().await.unwrap().path(), "/app");
    mark_page(&owner, "the queue").await;
    let new_count = "return document.querySelector('[data-count=new]').textContent.trim();";
    assert_eq!(evaluate(&owner, new_count).await, json!("0"));
    wait_for_open_streams(&app, acme.person(Role::Owner).id, 1).await;

    let written = app
        .client()
        .contact("acme", "carla@example.com", "Back again?", "Hello")
        .await;
    assert_eq!(written.status, StatusCode::SEE_OTHER, "{}", written.body);
    wait_for_value(&owner, new_count, json!("1")).await;
    let notice = "return document.querySelector('[data-live-activity]').hidden;";
    assert_eq!(evaluate(&owner, notice).await, json!(false));
    assert_eq!(page_mark(&owner).await, json!("the queue"), "not reloaded");
    owner.close().await.unwrap();
}

/// On the chat page that `visitor` shows (perhaps in a frame), starts a chat as Vera, has
/// `agent` accept it, and waits until the page says so and follows the chat; its id.
async fn chat_accepted(app: &TestApp, visitor: &Browser, agent: &Client) -> Uuid {
    fill(visitor, "name", "Vera").await;
    fill(visitor, "message", "Hello, anyone?").await;
    click(visitor, Locator::Css("form button[type=submit]")).await;
    wait_for_css(visitor, "[data-chat-form]").await;
    agent
        .post("/app/chats/1/accept", &[])
        .await
        .assert_redirects_to("/app/tickets/1");
    // The page reloads itself to say so.
    wait_for_css(visitor, "[data-chat-state=active]").await;
    let chat = chat_id(app).await;
    wait_for_open_streams(app, chat, 1).await;
    chat
}

/// The visitor goes on to `away`; the chat page, kept in the cache, lets its stream go,
/// and the agent writes meanwhile.
async fn walk_away_while_agent_writes(
    app: &TestApp,
    visitor: &Browser,
    agent: &Client,
    chat: Uuid,
    away: &str,
) {
    open_quickly(visitor, away).await;
    wait_for_open_streams(app, chat, 0).await;
    agent_writes(agent, "Still with you, Vera").await;
}

/// Back on the chat page: it shows what the agent wrote meanwhile, and what they write
/// next arrives without a reload.
async fn chat_followed_again(app: &TestApp, visitor: &Browser, agent: &Client, chat: Uuid) {
    wait_for_text(visitor, "Still with you, Vera").await;
    mark_page(visitor, "followed again").await;
    wait_for_open_streams(app, chat, 1).await;
    agent_writes(agent, "Here is the answer").await;
    wait_for_text(visitor, "Here is the answer").await;
    assert_eq!(
        page_mark(visitor).await,
        json!("followed again"),
        "not reloaded"
    );
}

#[sqlx::test]
async fn a_visitor_back_on_their_chat_page_follows_the_chat_again(db: PgPool) {
    let Some(mut driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let visitor = driver.browser().await;
    visitor
        .goto(&format!("{}/help/acme/chat", app.base_url))
        .await
        .unwrap();
    let chat = chat_accepted(&app, &visitor, &agent).await;

    let help_center = format!("{}/help/acme", app.base_url);
    walk_away_while_agent_writes(&app, &visitor, &agent, chat, &help_center).await;
    back_quickly(&visitor).await;
    chat_followed_again(&app, &visitor, &agent, chat).await;
    visitor.close().await.unwrap();
}

/// A company's site on an origin of its own: `/` with the chat button, and `/elsewhere`.
async fn company_site(app_url: &str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let shop = format!(
        r#"<!doctype html><html lang="en"><title>Shop</title><h1>Shop</h1><script src="{app_url}/widget/acme.js" async></script>"#
    );
    let elsewhere = "<!doctype html><html lang='en'><title>Elsewhere</title><h1>Elsewhere</h1>";
    let site = Router::new()
        .route("/", get(move || async move { Html(shop) }))
        .route("/elsewhere", get(move || async move { Html(elsewhere) }));
    tokio::spawn(async move { axum::serve(listener, site).await });
    address
}

#[sqlx::test]
async fn a_chat_in_a_companys_page_back_from_the_cache_shows_what_came_meanwhile(db: PgPool) {
    let Some(mut driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let site = company_site(&app.base_url).await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    admin
        .post(
            "/app/config/chat",
            &[("chat_wait_minutes", "3"), ("chat_origins", site.as_str())],
        )
        .await
        .assert_redirects_to("/app/config/chat");

    let visitor = driver.browser().await;
    visitor.goto(&site).await.unwrap();
    click(&visitor, Locator::Css("#frontdesk-chat-button")).await;
    let enter_chat = || async {
        visitor.enter_parent_frame().await.unwrap();
        wait_for_css(&visitor, "#frontdesk-chat-frame").await;
        let frame = visitor
            .find(Locator::Css("#frontdesk-chat-frame"))
            .await
            .unwrap();
        frame.enter_frame().await.unwrap();
        wait_for_css(&visitor, "[data-chat-lines], [name=message]").await;
    };
    enter_chat().await;
    let chat = chat_accepted(&app, &visitor, &admin).await;
    mark_page(&visitor, "the chat").await;

    visitor.enter_parent_frame().await.unwrap();
    walk_away_while_agent_writes(&app, &visitor, &admin, chat, &format!("{site}/elsewhere")).await;
    // Back on the shop's page, the chat is the same page, caught up by its stream.
    back_quickly(&visitor).await;
    enter_chat().await;
    assert_eq!(
        page_mark(&visitor).await,
        json!("the chat"),
        "the chat came back from the back/forward cache"
    );
    chat_followed_again(&app, &visitor, &admin, chat).await;
    visitor.close().await.unwrap();
}
