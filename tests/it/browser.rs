//! The panel in a real headless Chromium, driven over WebDriver as a person would use it:
//! the login page, the profile's theme and language. Every page a test visits is checked
//! with axe-core (`driver::Browser::goto`). Where Chromium's driver is not installed (a fresh
//! machine without root), these tests say so and pass over themselves, unless `CI` is set;
//! `make test` installs it when it may.
mod axe;
mod driver;

use std::{
    path::Path,
    time::{Duration, Instant},
};

use fantoccini::Locator;
use serde_json::json;
use sqlx::PgPool;

use frontdesk::{auth::Role, i18n::Locale};

pub use self::driver::{Browser, Driver};
use crate::harness::{PASSWORD, TestApp};

/// Types into the field named `name`, replacing what it held.
pub async fn fill(browser: &Browser, name: &str, value: &str) {
    let field = browser
        .find(Locator::Css(&format!("[name=\"{name}\"]")))
        .await
        .unwrap();
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// Logs in through the login page, as a person does, and waits for the queue.
/// Turns the panel's sounds on and waits for its live stream: it is open once its greeting
/// has told the page which sounds are on.
async fn enable_sound(browser: &Browser) {
    click(browser, Locator::Css("[data-sound-toggle]")).await;
    wait_for_value(
        browser,
        "return document.body.dataset.sounds !== undefined;",
        json!(true),
    )
    .await;
}

pub async fn log_in(app: &TestApp, browser: &Browser, workspace: &str, email: &str) {
    browser
        .goto(&format!("{}/login", app.base_url))
        .await
        .unwrap();
    fill(browser, "workspace", workspace).await;
    fill(browser, "email", email).await;
    fill(browser, "password", PASSWORD).await;
    click(
        browser,
        Locator::Css("form[action=\"/login\"] button[type=submit]"),
    )
    .await;
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_url(&format!("{}/app", app.base_url).parse().unwrap())
        .await
        .unwrap();
}

/// Clicks the element `locator` finds, after checking the page it is on (the click may
/// lead away from it).
pub async fn click(browser: &Browser, locator: Locator<'_>) {
    browser.check_accessibility().await;
    browser.find(locator).await.unwrap().click().await.unwrap();
}

/// What `script` returns in the page, as JSON.
pub async fn evaluate(browser: &Browser, script: &str) -> serde_json::Value {
    browser.execute(script, Vec::new()).await.unwrap()
}

/// The command lines of the processes that name `profile`: the browser that uses it.
fn processes_using(profile: &Path) -> Vec<String> {
    let profile = profile.to_string_lossy();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| {
            let command = std::fs::read(entry.ok()?.path().join("cmdline")).ok()?;
            let command = String::from_utf8_lossy(&command).replace('\0', " ");
            command.contains(&*profile).then_some(command)
        })
        .collect()
}

#[tokio::test]
async fn a_test_that_panics_leaves_no_browser_behind() {
    let Some(mut driver) = Driver::start() else {
        return;
    };
    let browser = driver.browser().await;
    let profile = driver.profiles()[0].clone();
    assert!(!processes_using(&profile).is_empty(), "no browser started");
    let failing_test = tokio::spawn(async move {
        let _in_use = (browser, driver);
        std::panic::resume_unwind(Box::new("a browser test fails"));
    });
    assert!(failing_test.await.unwrap_err().is_panic());
    assert_eq!(processes_using(&profile), Vec::<String>::new());
    assert!(!profile.exists(), "{} is left", profile.display());
}

#[sqlx::test]
async fn an_agent_logs_in_through_the_login_page_and_the_chosen_theme_holds(db: PgPool) {
    let Some(mut driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let browser = driver.browser().await;
    log_in(&app, &browser, "acme", "agent@acme.test").await;
    let heading = browser.find(Locator::Css("main h1")).await.unwrap();
    assert_eq!(heading.text().await.unwrap(), "Welcome, agent of acme");

    // The avatar menu leads to the profile, where the theme is chosen.
    click(&browser, Locator::Css(".who summary")).await;
    click(&browser, Locator::LinkText("Profile")).await;
    save_choice_on_profile(&browser, "theme", "dark").await;
    // Applied to the whole panel on the next page: dark colours, whatever the system says.
    browser
        .goto(&format!("{}/app", app.base_url))
        .await
        .unwrap();
    let theme = evaluate(&browser, "return document.documentElement.dataset.theme;").await;
    assert_eq!(theme, json!("dark"));
    let background = evaluate(
        &browser,
        "return getComputedStyle(document.body).backgroundColor;",
    )
    .await;
    assert_eq!(background, json!("rgb(20, 23, 28)"));
    browser.close().await.unwrap();
}

/// Polls `script` in the page until it returns `expected`, for at most ten seconds.
pub async fn wait_for_value(browser: &Browser, script: &str, expected: serde_json::Value) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let value = evaluate(browser, script).await;
        if value == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{script} gave {value}, not {expected}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[sqlx::test]
async fn a_customers_new_ticket_updates_an_open_queue_and_sounds_without_a_reload(db: PgPool) {
    let Some(mut driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let agent = driver.browser().await;
    log_in(&app, &agent, "acme", "agent@acme.test").await;
    enable_sound(&agent).await;
    let new_count = "return document.querySelector('[data-count=new]').textContent.trim();";
    assert_eq!(evaluate(&agent, new_count).await, json!("0"));
    // Anything set now is lost if the page reloads.
    evaluate(&agent, "window.stillThisPage = true; return null;").await;

    let customer = driver.browser().await;
    customer
        .goto(&format!("{}/help/acme/contact", app.base_url))
        .await
        .unwrap();
    fill(&customer, "name", "Carla Customer").await;
    fill(&customer, "email", "carla@example.com").await;
    fill(&customer, "subject", "The parcel never came").await;
    fill(&customer, "message", "Ordered two weeks ago.").await;
    click(
        &customer,
        Locator::Css("form[action=\"/help/acme/contact\"] button.primary"),
    )
    .await;

    wait_for_value(&agent, new_count, json!("1")).await;
    wait_for_value(
        &agent,
        "return document.body.dataset.lastSound;",
        json!("new_ticket"),
    )
    .await;
    assert_eq!(
        evaluate(&agent, "return document.body.dataset.soundCount;").await,
        json!("1")
    );
    assert_eq!(
        evaluate(&agent, "return window.stillThisPage === true;").await,
        json!(true),
        "the page was not reloaded"
    );
    assert_eq!(app.count("tickets").await, 1);
    customer.close().await.unwrap();
    agent.close().await.unwrap();
}

#[sqlx::test]
async fn a_call_rings_on_the_open_panel_of_an_online_agent(db: PgPool) {
    let Some(mut driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn(db).await;
    let (acme, _, provider) = crate::calls::connected(&app, "acme").await;
    let agent_id = acme.person(Role::Agent).id;
    crate::calls::set_device(&app, agent_id, "online", "web_phone", "").await;
    let agent = driver.browser().await;
    log_in(&app, &agent, "acme", "agent@acme.test").await;
    enable_sound(&agent).await;
    let notice = "return document.querySelector('[data-live-call]').hidden;";
    assert_eq!(evaluate(&agent, notice).await, json!(true));

    provider.incoming("CA0B01", crate::calls::CALLER).await;
    wait_for_value(&agent, notice, json!(false)).await;
    let link = "return document.querySelector('[data-live-call] a').getAttribute('href');";
    assert_eq!(evaluate(&agent, link).await, json!("/app/tickets/1"));
    assert_eq!(
        evaluate(&agent, "return document.body.dataset.lastSound;").await,
        json!("new_call")
    );
    // The notice leads to the ticket, where the call is logged.
    click(&agent, Locator::Css("[data-live-call] a")).await;
    let entry = agent
        .find(Locator::Css(".call-log"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(entry.contains(crate::calls::CALLER), "{entry}");
    agent.close().await.unwrap();
}

/// The web phone's window, with the tests' stand-in for the provider's SDK
/// (`tests/fixtures/fake-voice-sdk.js`), as an agent takes a call in it.
#[sqlx::test]
async fn an_agent_takes_a_call_in_the_web_phone_window_and_it_survives_back_and_forward(
    db: PgPool,
) {
    let Some(mut driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn(db).await;
    let (acme, _, _) = crate::calls::connected(&app, "acme").await;
    let agent_id = acme.person(Role::Agent).id;
    crate::calls::set_device(&app, agent_id, "online", "web_phone", "").await;
    let agent = driver.browser().await;
    log_in(&app, &agent, "acme", "agent@acme.test").await;
    click(&agent, Locator::Css(".who summary")).await;
    let link = agent
        .find(Locator::LinkText("Web phone"))
        .await
        .unwrap()
        .attr("target")
        .await
        .unwrap();
    assert_eq!(link.as_deref(), Some("frontdesk-phone"));
    agent
        .goto(&format!("{}/app/phone", app.base_url))
        .await
        .unwrap();
    let state = "return document.querySelector('[data-phone-state]').textContent;";
    let ready = json!("Ready: calls for you ring here.");
    wait_for_value(&agent, state, ready.clone()).await;
    let shown = "return Array.from(document.querySelectorAll('[data-web-phone] button'))
                 .filter(function (b) { return getComputedStyle(b).display !== 'none'; })
                 .map(function (b) { return b.textContent; });";
    // Waiting, no button shows.
    assert_eq!(evaluate(&agent, shown).await, json!([]));
    // The device logged in with the token of the agent's identity.
    let identity = evaluate(
        &agent,
        "var claims = window.fakeVoice.devices[0].token.split('.')[1];
         return JSON.parse(atob(claims.replace(/-/g, '+').replace(/_/g, '/'))).grants.identity;",
    )
    .await;
    assert_eq!(identity, json!(format!("agent-{}", agent_id.simple())));

    evaluate(&agent, "return window.fakeVoice.ring('+4915112345678');").await;
    wait_for_value(&agent, state, json!("Incoming call")).await;
    assert_eq!(
        evaluate(
            &agent,
            "return document.querySelector('[data-phone-caller]').textContent;"
        )
        .await,
        json!("+4915112345678")
    );
    assert_eq!(evaluate(&agent, shown).await, json!(["Answer", "Decline"]));
    click(&agent, Locator::Css("[data-phone-answer]")).await;
    wait_for_value(&agent, state, json!("On a call")).await;
    assert_eq!(evaluate(&agent, shown).await, json!(["Mute", "Hang up"]));
    // The device's signalling drops and comes back: the call goes on as it was.
    evaluate(
        &agent,
        "var device = window.fakeVoice.devices[0]; device.emit('unregistered'); \
         device.emit('registered'); return true;",
    )
    .await;
    assert_eq!(evaluate(&agent, state).await, json!("On a call"));
    assert_eq!(evaluate(&agent, shown).await, json!(["Mute", "Hang up"]));
    click(&agent, Locator::Css("[data-phone-mute]")).await;
    assert_eq!(
        evaluate(&agent, "return window.fakeVoice.call.isMuted();").await,
        json!(true)
    );
    click(&agent, Locator::Css("[data-phone-hang-up]")).await;
    wait_for_value(&agent, state, ready.clone()).await;
    assert_eq!(
        evaluate(&agent, "return window.fakeVoice.call.status;").await,
        json!("closed")
    );
    // The caller gives up before anyone answers: the window waits again.
    evaluate(&agent, "return window.fakeVoice.ring('+4930999999');").await;
    wait_for_value(&agent, state, json!("Incoming call")).await;
    evaluate(&agent, "return window.fakeVoice.hangUp();").await;
    wait_for_value(&agent, state, ready.clone()).await;

    // Away and back: the phone registers again, whether the page was kept or loaded anew.
    agent
        .goto(&format!("{}/app/calls", app.base_url))
        .await
        .unwrap();
    agent.back().await.unwrap();
    wait_for_value(&agent, state, ready).await;
    assert_eq!(
        evaluate(
            &agent,
            "var devices = window.fakeVoice.devices; return devices[devices.length - 1].state;"
        )
        .await,
        json!("registered")
    );
    agent.close().await.unwrap();
}

#[sqlx::test]
async fn an_owner_sees_what_a_plan_costs_and_switches_to_it(db: PgPool) {
    let Some(mut driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let owner = driver.browser().await;
    log_in(&app, &owner, "acme", "owner@acme.test").await;
    click(&owner, Locator::LinkText("Billing")).await;
    click(
        &owner,
        Locator::Css("a[href=\"/app/billing?plan=medium#change\"]"),
    )
    .await;
    let consequence = owner
        .find(Locator::Css(".consequence"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        consequence.starts_with("You will be charged $"),
        "{consequence}"
    );
    assert!(
        consequence.ends_with("then $87.00 a month."),
        "{consequence}"
    );
    submit_and_wait_for_success(&owner, "/app/billing/plan").await;
    let current = owner
        .find(Locator::Css("main h2"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(current.ends_with("Medium"), "{current}");
    let plan: String = sqlx::query_scalar("select plan from accounts where slug = 'acme'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(plan, "medium");
    owner.close().await.unwrap();
}

/// On the open profile page, chooses `value` in the select `name` and saves the profile.
async fn save_choice_on_profile(browser: &Browser, name: &str, value: &str) {
    browser
        .find(Locator::Css(&format!("select[name={name}]")))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
    submit_and_wait_for_success(browser, "/app/profile").await;
}

/// Submits the form that posts to `action` and waits for the next page's success message.
async fn submit_and_wait_for_success(browser: &Browser, action: &str) {
    let button = format!("form[action=\"{action}\"] button[type=submit]");
    click(browser, Locator::Css(&button)).await;
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".flash-success"))
        .await
        .unwrap();
}

/// Opens the profile and saves `language` there, as a person does.
async fn choose_language(app: &TestApp, browser: &Browser, language: &str) {
    browser
        .goto(&format!("{}/app/profile", app.base_url))
        .await
        .unwrap();
    save_choice_on_profile(browser, "language", language).await;
}

/// The navigation's links and the page's heading, as shown.
async fn navigation_and_heading(browser: &Browser) -> (Vec<String>, String) {
    let mut links = Vec::new();
    for link in browser.find_all(Locator::Css("nav.nav a")).await.unwrap() {
        links.push(link.text().await.unwrap());
    }
    let heading = browser.find(Locator::Css("main h1")).await.unwrap();
    (links, heading.text().await.unwrap())
}

#[sqlx::test]
async fn an_agent_switches_the_panel_to_chinese_and_back_to_english(db: PgPool) {
    let Some(mut driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let browser = driver.browser().await;
    log_in(&app, &browser, "acme", "agent@acme.test").await;
    // An agent's links: queue, tickets, chats, calls, own report, knowledge base.
    let nav_keys = [
        "nav-queue",
        "nav-tickets",
        "nav-chats",
        "nav-calls",
        "nav-my-report",
        "nav-kb",
    ];
    let expected = |locale: Locale| {
        let links: Vec<String> = nav_keys.iter().map(|key| locale.t(key)).collect();
        (links, locale.t("profile-title"))
    };

    choose_language(&app, &browser, "zh-CN").await;
    let (links, heading) = navigation_and_heading(&browser).await;
    assert_eq!((links.clone(), heading.clone()), expected(Locale::ZhCn));
    assert_eq!(links[0], "队列");
    assert_eq!(heading, "您的个人资料");
    let language = evaluate(&browser, "return document.documentElement.lang;").await;
    assert_eq!(language, json!("zh-CN"));
    browser
        .goto(&format!("{}/app", app.base_url))
        .await
        .unwrap();
    let heading = browser.find(Locator::Css("main h1")).await.unwrap();
    assert_eq!(heading.text().await.unwrap(), "欢迎，agent of acme");

    choose_language(&app, &browser, "en").await;
    let (links, heading) = navigation_and_heading(&browser).await;
    assert_eq!((links.clone(), heading.clone()), expected(Locale::En));
    assert_eq!(
        (links[0].as_str(), heading.as_str()),
        ("Queue", "Your profile")
    );
    browser.close().await.unwrap();
}

#[sqlx::test]
async fn agents_on_one_ticket_see_each_other_typing_and_leaving(db: PgPool) {
    let Some(mut driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let sent = app
        .client()
        .contact("acme", "carla@example.com", "Refund", "Where is it?")
        .await;
    assert_eq!(sent.status, reqwest::StatusCode::SEE_OTHER);
    let ticket = format!("{}/app/tickets/1", app.base_url);
    let greeted = "return document.body.dataset.sounds !== undefined;";
    let line = "var line = document.getElementById('presence'); \
                return line.hidden ? '' : line.textContent;";

    let agent = driver.browser().await;
    log_in(&app, &agent, "acme", "agent@acme.test").await;
    agent.goto(&ticket).await.unwrap();
    wait_for_value(&agent, greeted, json!(true)).await;
    assert_eq!(evaluate(&agent, line).await, json!(""));

    let admin = driver.browser().await;
    log_in(&app, &admin, "acme", "admin@acme.test").await;
    admin.goto(&ticket).await.unwrap();
    wait_for_value(&admin, greeted, json!(true)).await;
    let opened =
        "return document.getElementById('presence').textContent.includes('has this ticket open');";
    wait_for_value(&agent, opened, json!(true)).await;
    // The agent is on the admin's page too.
    wait_for_value(&admin, opened, json!(true)).await;

    fill(&admin, "body", "We have sent").await;
    let typing =
        "return document.getElementById('presence').textContent.includes('is typing a reply');";
    wait_for_value(&agent, typing, json!(true)).await;

    // The admin leaves: the agent's page says nobody else is there.
    admin.goto(&format!("{}/app", app.base_url)).await.unwrap();
    wait_for_value(&agent, line, json!("")).await;
    // Back to the ticket (from the back/forward cache, or loaded again): there again.
    admin.back().await.unwrap();
    wait_for_value(&agent, opened, json!(true)).await;
    admin.close().await.unwrap();
    agent.close().await.unwrap();
}

#[sqlx::test]
async fn an_agent_ticks_every_row_and_resolves_them_from_the_action_bar(db: PgPool) {
    let Some(mut driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let customer = app.client();
    for subject in ["First", "Second"] {
        customer
            .contact("acme", "carla@example.com", subject, "Hello")
            .await;
    }
    let agent = driver.browser().await;
    log_in(&app, &agent, "acme", "agent@acme.test").await;
    agent
        .goto(&format!("{}/app/tickets", app.base_url))
        .await
        .unwrap();
    // The header's box (shown by the script) ticks every row.
    click(&agent, Locator::Css("input.bulk-all")).await;
    let ticked = "return Array.from(document.querySelectorAll('input[name=tickets]'))\
                  .filter(function (box) { return box.checked; }).length;";
    assert_eq!(evaluate(&agent, ticked).await, json!(2));
    // Picking a status in the bar (not the list's filter of the same name), here from the
    // keyboard, chooses its action.
    agent
        .find(Locator::Css("#bulk select[name=status]"))
        .await
        .unwrap()
        .send_keys("Resolved")
        .await
        .unwrap();
    let chosen = "var radio = document.querySelector('input[name=action]:checked'); \
                  return radio ? radio.value : '';";
    wait_for_value(&agent, chosen, json!("status")).await;
    click(&agent, Locator::Css("#bulk button[type=submit]")).await;
    let flash = "var flash = document.querySelector('.flash'); return flash ? flash.textContent.trim() : '';";
    wait_for_value(&agent, flash, json!("2 tickets updated, 0 skipped.")).await;
    assert_eq!(app.ticket_status(1).await, "resolved");
    assert_eq!(app.ticket_status(2).await, "resolved");
    agent.close().await.unwrap();
}
