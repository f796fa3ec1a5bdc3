//! Control characters and bytes that are not UTF-8, sent where users type: every form the
//! pages offer (found by following their links, as a browser would), query strings and
//! path tokens. None answers 5xx; text fields say what is wrong and keep what was typed.
use std::collections::{BTreeSet, VecDeque};

use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{Client, TestApp};

const NUL_TEXT: &str = "before\0after";

/// A `<form method="post">` as a browser would submit it untouched.
struct PostForm {
    /// The page the form is on, for messages.
    page: String,
    action: String,
    /// Every field with its value; checkboxes and radios only when checked.
    fields: Vec<(String, String)>,
    /// The names of the fields a user types text into.
    text_fields: Vec<String>,
}

/// The links and the post forms of a page at `path`.
fn read_page(path: &str, html: &str) -> (Vec<String>, Vec<PostForm>) {
    let document = scraper::Html::parse_document(html);
    let select = |s: &str| scraper::Selector::parse(s).unwrap();
    let links = document
        .select(&select("a[href]"))
        .filter_map(|a| a.value().attr("href"))
        .map(str::to_owned)
        .collect();
    let mut forms = Vec::new();
    for form in document.select(&select("form")) {
        let attr = |name| form.value().attr(name).unwrap_or_default();
        if !attr("method").eq_ignore_ascii_case("post") {
            continue;
        }
        let mut fields = Vec::new();
        let mut text_fields = Vec::new();
        for input in form.select(&select("input[name]")) {
            let name = input.value().attr("name").unwrap_or_default().to_owned();
            let value = input.value().attr("value").unwrap_or_default().to_owned();
            match input.value().attr("type").unwrap_or("text") {
                "checkbox" | "radio" if input.value().attr("checked").is_none() => {}
                "checkbox" | "radio" | "hidden" | "number" | "date" | "time" => {
                    fields.push((name, value))
                }
                "submit" | "file" => {}
                _ => {
                    text_fields.push(name.clone());
                    fields.push((name, value));
                }
            }
        }
        for area in form.select(&select("textarea[name]")) {
            let name = area.value().attr("name").unwrap_or_default().to_owned();
            text_fields.push(name.clone());
            fields.push((name, area.text().collect()));
        }
        for list in form.select(&select("select[name]")) {
            let name = list.value().attr("name").unwrap_or_default().to_owned();
            let options: Vec<_> = list.select(&select("option")).collect();
            let chosen = options
                .iter()
                .find(|o| o.value().attr("selected").is_some())
                .or(options.first());
            if let Some(option) = chosen {
                let value = option.value().attr("value").unwrap_or_default();
                fields.push((name, value.to_owned()));
            }
        }
        // A form of files alone (the photo) takes no text; the others that carry files
        // take the same fields as a plain form too, which is how they are sent here.
        if attr("enctype").contains("multipart") && text_fields.is_empty() {
            continue;
        }
        let action = match attr("action") {
            "" => path.to_owned(),
            action => action.to_owned(),
        };
        forms.push(PostForm {
            page: path.to_owned(),
            action,
            fields,
            text_fields,
        });
    }
    (links, forms)
}

/// The post forms of every page reachable from `start` through links that `follow` allows.
async fn crawl(client: &Client, start: &[String], follow: impl Fn(&str) -> bool) -> Vec<PostForm> {
    let mut seen: BTreeSet<String> = start.iter().cloned().collect();
    let mut queue: VecDeque<String> = start.iter().cloned().collect();
    let mut forms = Vec::new();
    while let Some(path) = queue.pop_front() {
        let page = client.get(&path).await;
        assert!(
            !page.status.is_server_error(),
            "GET {path}: {}",
            page.status
        );
        let (links, found) = read_page(&path, &page.body);
        forms.extend(found);
        for link in links {
            // One visit per page, whatever its query says.
            let page_path = link.split(['?', '#']).next().unwrap_or_default().to_owned();
            if follow(&page_path) && seen.insert(page_path.clone()) {
                queue.push_back(page_path);
            }
        }
    }
    forms
}

/// Whether a crawl may open `path`: not a stream that never ends, a download, or a way out.
fn is_page(path: &str) -> bool {
    !(path.ends_with("/events")
        || path.ends_with("/logout")
        || path.starts_with("/app/photos/")
        || path.ends_with("/qr")
        || path.ends_with(".xml"))
}

/// Submits each form once per text field, with a NUL in that field, and asserts that no
/// answer is a 5xx. Returns how many submissions were made.
async fn submit_with_nul(client: &Client, forms: &[PostForm]) -> usize {
    let mut submitted = 0;
    let mut seen = BTreeSet::new();
    for form in forms {
        for field in &form.text_fields {
            if !seen.insert((form.action.clone(), field.clone())) {
                continue;
            }
            let fields: Vec<(&str, &str)> = form
                .fields
                .iter()
                .map(|(name, value)| {
                    let value = if name == field { NUL_TEXT } else { value };
                    (name.as_str(), value)
                })
                .collect();
            let answer = client.post_raw(&form.action, &fields).await;
            assert!(
                !answer.status.is_server_error(),
                "{} (on {}) with a NUL in {field}: {}",
                form.action,
                form.page,
                answer.status
            );
            submitted += 1;
        }
    }
    submitted
}

#[sqlx::test]
async fn a_nul_in_any_text_field_of_any_form_is_never_a_server_error(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let visitor = app.client();
    let ticket = visitor
        .contact("acme", "carla@example.com", "Refund", "Please.")
        .await;
    assert!(ticket.location().starts_with("/help/acme/tickets/"));
    let chat = visitor
        .post(
            "/help/acme/chat",
            &[
                ("name", "Carla"),
                ("email", "carla@example.com"),
                ("message", "Hello?"),
            ],
        )
        .await;
    let owner = app.logged_in(&acme, Role::Owner).await;
    owner
        .post(
            "/app/kb/categories",
            &[("name", "Returns"), ("description", "")],
        )
        .await;
    owner
        .post(
            "/app/kb/articles/new",
            &[
                ("title", "Returns"),
                ("body", "Send it back."),
                ("status", "published"),
            ],
        )
        .await;
    owner
        .post("/app/config/departments", &[("name", "Support")])
        .await;

    let panel_forms = crawl(&owner, &["/app".to_owned()], |path| {
        path.starts_with("/app") && is_page(path)
    })
    .await;
    let public_start = [
        "/signup",
        "/login",
        "/password/forgot",
        "/help/acme",
        "/help/acme/contact",
        "/help/acme/chat",
    ]
    .map(str::to_owned);
    let anonymous = app.client();
    let mut public_forms = crawl(&anonymous, &public_start, |path| {
        path.starts_with("/help/acme") && is_page(path)
    })
    .await;
    let visitor_pages = [chat.location().to_owned(), ticket.location().to_owned()];
    public_forms.extend(crawl(&visitor, &visitor_pages, |_| false).await);

    let actions: BTreeSet<&str> = panel_forms
        .iter()
        .chain(&public_forms)
        .map(|form| form.action.as_str())
        .collect();
    for expected in [
        "/signup",
        "/login",
        "/help/acme/contact",
        "/help/acme/chat",
        "/app/profile",
        "/app/tickets/1/reply",
        "/app/kb/articles/new",
        "/app/config/settings",
        "/app/config/agents/new",
    ] {
        assert!(
            actions.contains(expected),
            "no form posts to {expected}: {actions:?}"
        );
    }
    assert!(
        actions.iter().any(|a| a.starts_with("/help/acme/chat/")),
        "the visitor's chat form was not found: {actions:?}"
    );
    let submitted = submit_with_nul(&anonymous, &public_forms).await
        + submit_with_nul(&owner, &panel_forms).await;
    assert!(submitted >= 30, "only {submitted} fields were tried");
}

#[sqlx::test]
async fn a_form_with_a_nul_comes_back_with_what_was_typed_and_says_why(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let visitor = app.client();
    let page = visitor
        .post(
            "/signup",
            &[
                ("company", "Acme Ltd"),
                ("workspace", "acme"),
                ("name", NUL_TEXT),
                ("email", "ada@example.com"),
                ("password", "a long enough passphrase"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("Remove the character shown as �"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"before�after\""));
    assert!(page.body.contains("value=\"ada@example.com\""));
    assert!(page.body.contains("value=\"Acme Ltd\""));
    assert_eq!(app.count("accounts").await, 0);

    // Other control characters too, and bytes that are not UTF-8.
    let page = visitor
        .contact("nobody", "carla@example.com", "Refund\u{1b}[31m", "Please.")
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "no such workspace");
    let acme = app.workspace("acme").await;
    let page = visitor
        .contact("acme", "carla@example.com", "Refund\u{1b}[31m", "Please.")
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("value=\"Refund�[31m\""));
    assert!(page.body.contains("Please."));
    let token = visitor.csrf_token().await;
    let body = format!(
        "csrf_token={token}&name=Carla&email=carla%40example.com&subject=%FF%FE&type=refund&message=Hi"
    );
    let page = visitor
        .post_body(
            "/help/acme/contact",
            "application/x-www-form-urlencoded",
            body.into_bytes(),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Remove the character shown as �"));
    assert_eq!(app.count("tickets").await, 0);

    // A tab and line breaks are text.
    visitor
        .contact(
            "acme",
            "carla@example.com",
            "Refund\tplease",
            "Line one\r\nLine two",
        )
        .await;
    let owner = app.logged_in(&acme, Role::Owner).await;
    assert!(owner.get("/app/tickets/1").await.body.contains("Line two"));
}

#[sqlx::test]
async fn a_nul_in_a_search_finds_nothing_and_in_a_path_names_no_page(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let ticket = app
        .client()
        .contact("acme", "carla@example.com", "Refund", "Please.")
        .await;
    assert_eq!(ticket.status, StatusCode::SEE_OTHER);
    let owner = app.logged_in(&acme, Role::Owner).await;
    let all = owner.get("/app/tickets").await;
    assert_eq!(all.rows("table.list tbody tr").len(), 1);
    for query in ["q=%00", "q=%FF", "q=%1B", "q=%00%00"] {
        let page = owner.get(&format!("/app/tickets?{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{query}");
        assert!(page.rows("table.list tbody tr").is_empty(), "{query}");
    }
    let page = owner.get("/app/tickets?status=%00").await;
    assert!(page.status.is_client_error() || page.status == StatusCode::OK);
    for path in [
        "/help/acme/chat/%00",
        "/help/acme/chat/abc%00def",
        "/help/acme/tickets/%00",
        "/help/acme/tickets/abc%1Bdef",
        "/help/%00",
        "/help/acme%00/contact",
        "/help/acme/articles/%00",
        "/password/reset/%00",
        "/password/reset/%FF",
        "/app/tickets/%00",
        "/app/config/agents/%00/edit",
    ] {
        let page = owner.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
}
