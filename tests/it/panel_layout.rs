//! The panel as it looks in a real browser at a desktop's and a phone's width: the header on
//! one line at 1280 px and in two designed rows at 390 px, checkboxes beside their labels,
//! lists that fit a phone without scrolling sideways; and the header's availability control,
//! a form that works without JavaScript. Every page visited is checked with axe-core too.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    browser::{Browser, Driver, evaluate, log_in},
    harness::TestApp,
};

/// Where the header's parts are: `[top, bottom, right]` of each child of the header (brand,
/// navigation, availability, sound, account), and of the navigation's first and last link.
const HEADER: &str = "
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.top, r.bottom, r.right]; };
  const links = document.querySelectorAll('nav.nav a');
  return { parts: Array.from(document.querySelector('header.topbar').children).map(box),
           nav: box(document.querySelector('nav.nav')),
           first_link: box(links[0]), last_link: box(links[links.length - 1]) };";

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_f64().unwrap())
        .collect()
}

/// A list of boxes, each a list of numbers.
fn boxes(value: &Value) -> Vec<Vec<f64>> {
    value.as_array().unwrap().iter().map(numbers).collect()
}

/// Whether the page is wider than the window (it would scroll sideways).
async fn scrolls_sideways(browser: &Browser) -> bool {
    evaluate(
        browser,
        "return document.documentElement.scrollWidth > window.innerWidth;",
    )
    .await
        == json!(true)
}

/// Makes the window `width` pixels wide inside and waits until the page has its size.
async fn resize(browser: &Browser, width: u32) {
    browser.set_window_size(width, 900).await.unwrap();
    let inner = evaluate(browser, "return window.innerWidth;").await;
    assert_eq!(inner, json!(width), "the window did not take the width");
}

/// A workspace with one customer's ticket, and its owner logged in in a new browser.
async fn owner_with_a_ticket(db: PgPool, driver: &mut Driver) -> (TestApp, Browser) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let page = app
        .client()
        .contact("acme", "carla@example.com", "My parcel", "Where is it?")
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let browser = driver.browser().await;
    log_in(&app, &browser, "acme", &acme.person(Role::Owner).email).await;
    (app, browser)
}

#[sqlx::test]
async fn an_owners_header_holds_one_line_at_1280_px_and_two_rows_on_a_phone(db: PgPool) {
    let Some(mut driver) = Driver::start() else {
        return;
    };
    let (_app, browser) = owner_with_a_ticket(db, &mut driver).await;
    resize(&browser, 1280).await;
    // panel.js adds the sound switch to the header.
    browser
        .wait()
        .for_element(fantoccini::Locator::Css("[data-sound-toggle]"))
        .await
        .unwrap();

    let header = evaluate(&browser, HEADER).await;
    let parts = boxes(&header["parts"]);
    assert_eq!(
        parts.len(),
        5,
        "brand, navigation, availability, sound, account"
    );
    let middle = |part: &Vec<f64>| f64::midpoint(part[0], part[1]);
    for part in &parts {
        assert!(
            (middle(part) - middle(&parts[0])).abs() < 2.0,
            "not one line at 1280 px: {header}"
        );
    }
    let (first, last) = (
        numbers(&header["first_link"]),
        numbers(&header["last_link"]),
    );
    assert_eq!(first[0], last[0], "the navigation wraps: {header}");
    assert!(!scrolls_sideways(&browser).await);

    resize(&browser, 390).await;
    let header = evaluate(&browser, HEADER).await;
    let parts = boxes(&header["parts"]);
    let nav = numbers(&header["nav"]);
    // The navigation has the second row; everything else shares the first, within the window.
    for (index, part) in parts.iter().enumerate().filter(|(index, _)| *index != 1) {
        assert!(
            (middle(part) - middle(&parts[0])).abs() < 2.0,
            "part {index} is not on the first row: {header}"
        );
        assert!(
            part[1] <= nav[0],
            "part {index} is not above the navigation: {header}"
        );
        assert!(part[2] <= 390.0, "part {index} leaves the window: {header}");
    }
    assert!(nav[2] <= 390.0, "{header}");
    assert!(!scrolls_sideways(&browser).await);
    browser.close().await.unwrap();
}

/// The first row of the list on the page: `[top, bottom]` of its key cells (number, subject,
/// status) and of its other cells, and whether the list scrolls sideways.
const FIRST_ROW: &str = "
  const row = document.querySelector('table.stack tbody tr');
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; };
  const table = row.closest('table');
  return { keys: Array.from(row.querySelectorAll('td.key')).map(box),
           others: Array.from(row.querySelectorAll('td:not(.key)'))
             .filter((td) => td.getClientRects().length > 0).map(box),
           scrolls: table.scrollWidth > table.clientWidth };";

#[sqlx::test]
async fn every_page_an_owner_reaches_passes_axe_core_and_fits_a_phone(db: PgPool) {
    let Some(mut driver) = Driver::start() else {
        return;
    };
    let (app, browser) = owner_with_a_ticket(db, &mut driver).await;
    // The navigation's pages, the account menu's, and pages with their own tables.
    let links = evaluate(
        &browser,
        "return Array.from(document.querySelectorAll('nav.nav a, .who .menu a'))
           .map((a) => a.getAttribute('href'));",
    )
    .await;
    let mut paths: Vec<String> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|path| path.as_str().unwrap().to_owned())
        .collect();
    assert!(paths.len() > 10, "{paths:?}");
    paths.extend(["/app/tickets/1", "/app/reports/me"].map(String::from));
    // A connected WhatsApp number, whose card shows its long callback address.
    sqlx::query(
        "insert into social_channels (account_id, id, kind, channel_token, external_id, name,
                                      access_token, app_secret, webhook_error)
         select id, gen_random_uuid(), 'whatsapp', repeat('t', 43), '1061234567',
                'Acme Support (+1 555-0100)', '\\x00', '\\x00', null from accounts",
    )
    .execute(&app.db)
    .await
    .unwrap();
    paths.extend(["/app/config/channels", "/app/config/channels/whatsapp/new"].map(String::from));

    for width in [1280, 390] {
        resize(&browser, width).await;
        for path in &paths {
            // `goto` checks each page with axe-core.
            browser
                .goto(&format!("{}{path}", app.base_url))
                .await
                .unwrap();
            assert!(
                !scrolls_sideways(&browser).await,
                "{path} scrolls sideways at {width} px"
            );
        }
    }

    // On a phone the lists keep number, subject and status on a row's first line, the rest
    // below it.
    for path in ["/app/tickets", "/app/config/agents"] {
        browser
            .goto(&format!("{}{path}", app.base_url))
            .await
            .unwrap();
        let row = evaluate(&browser, FIRST_ROW).await;
        let keys = boxes(&row["keys"]);
        let others = boxes(&row["others"]);
        assert!(!keys.is_empty() && !others.is_empty(), "{path}: {row}");
        let first_line_ends = keys.iter().map(|key| key[1]).fold(0.0, f64::max);
        for key in &keys {
            assert!(
                key[0] < keys[0][1],
                "{path}: a key cell is not on the first line: {row}"
            );
        }
        for other in &others {
            assert!(
                other[0] >= first_line_ends,
                "{path}: a cell beside the keys: {row}"
            );
        }
        assert_eq!(row["scrolls"], json!(false), "{path}");
    }
    browser.close().await.unwrap();
}

#[sqlx::test]
async fn the_availability_control_sends_its_choice_without_javascript(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let page = agent.get("/app/tickets").await;
    assert_eq!(page.status, StatusCode::OK);

    // What a browser sends for the header's "Away": the form's hidden fields, then the name
    // and value of the button pressed; no script takes part.
    let fields: Vec<(String, String)> = {
        let document = scraper::Html::parse_document(&page.body);
        let select = |css: &str| scraper::Selector::parse(css).unwrap();
        let form = document
            .select(&select("header form[action=\"/app/availability\"]"))
            .next()
            .expect("the availability form");
        assert!(form.select(&select("select")).next().is_none());
        let away = form
            .select(&select("button[type=submit][name=availability]"))
            .find(|button| button.text().collect::<String>() == "Away")
            .expect("an Away button");
        form.select(&select("input[type=hidden]"))
            .map(|input| {
                let attr = |name| input.value().attr(name).unwrap().to_owned();
                (attr("name"), attr("value"))
            })
            .chain([(
                "availability".into(),
                away.value().attr("value").unwrap().into(),
            )])
            .collect()
    };
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let sent = agent.post_raw("/app/availability", &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);

    let stored: String = sqlx::query_scalar("select availability from agents where email = $1")
        .bind(&acme.person(Role::Agent).email)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, "away");
    let page = agent.get("/app/tickets").await;
    let document = scraper::Html::parse_document(&page.body);
    let current = document
        .select(&scraper::Selector::parse("header .availability summary").unwrap())
        .next()
        .unwrap()
        .text()
        .collect::<String>();
    assert!(current.ends_with("Away"), "{current}");
}
