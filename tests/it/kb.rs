//! The knowledge base: writing articles in the panel, the public help center, search,
//! safe Markdown, suggestions on the contact form and the ticket page, helpful votes.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{Client, TestApp};

/// Writes an article through the panel's form and returns its id.
async fn write(client: &Client, title: &str, body: &str, status: &str) -> String {
    write_with(
        client,
        &[("title", title), ("body", body), ("status", status)],
    )
    .await
}

async fn write_with(client: &Client, fields: &[(&str, &str)]) -> String {
    let page = client.post("/app/kb/articles/new", fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let id = page
        .location()
        .strip_prefix("/app/kb/articles/")
        .and_then(|rest| rest.strip_suffix("/edit"))
        .unwrap();
    id.to_owned()
}

/// The slugs of the articles a public search lists, in order.
async fn public_hits(client: &Client, workspace: &str, query: &str) -> Vec<String> {
    let path = format!(
        "/help/{workspace}?{}",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("q", query)
            .finish()
    );
    let page = client.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{query:?}");
    let prefix = format!("<h3><a href=\"/help/{workspace}/articles/");
    page.body
        .split(&prefix)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

#[sqlx::test]
async fn an_agent_writes_an_article_and_customers_read_it(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;

    let category = agent
        .post(
            "/app/kb/categories",
            &[("name", "Refunds"), ("description", "Money back")],
        )
        .await;
    category.assert_redirects_to("/app/kb/categories");
    let category_id: uuid::Uuid =
        sqlx::query_scalar("select id from kb_categories where name = 'Refunds'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let category_id = category_id.to_string();
    let id = write_with(
        &agent,
        &[
            ("title", "How long does a refund take?"),
            ("slug", ""),
            ("category", &category_id),
            ("body", "Refunds take **five days**.\n\nMore text here."),
            ("status", "published"),
        ],
    )
    .await;
    write_with(
        &agent,
        &[
            ("title", "Refund to a gift card"),
            ("category", &category_id),
            ("body", "We can refund to a gift card."),
            ("status", "published"),
        ],
    )
    .await;

    // Read by someone else, so that the header's name is not the author's.
    let admin = app.logged_in(&acme, Role::Admin).await;
    let list = admin.get("/app/kb").await;
    assert_eq!(list.status, StatusCode::OK);
    let rows = list.rows("table.list tbody tr");
    let row = rows
        .iter()
        .find(|row| row[0] == "How long does a refund take?")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(row[1], "Refunds", "its category");
    assert_eq!(row[3], "agent of acme", "updated by");
    assert!(list.body.contains(&format!("/app/kb/articles/{id}/edit")));

    let customer = app.client();
    let home = customer.get("/help/acme").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("acme Inc help center"));
    assert!(
        home.body
            .contains("/help/acme/articles/how-long-does-a-refund-take")
    );
    assert!(
        home.body.contains("href=\"/help/acme/contact"),
        "links the contact form"
    );
    let article = customer
        .get("/help/acme/articles/how-long-does-a-refund-take")
        .await;
    assert_eq!(article.status, StatusCode::OK);
    assert!(article.body.contains("<strong>five days</strong>"));
    assert_eq!(
        article.texts("nav.links a[href^=\"/help/acme/categories/\"]"),
        ["Refunds"],
        "its category"
    );
    assert!(
        article.body.contains("Refund to a gift card"),
        "a related article"
    );
    assert!(
        article
            .body
            .contains("<title>How long does a refund take? · acme Inc")
    );
    assert!(
        article
            .body
            .contains("<meta name=\"description\" content=\"Refunds take five days.\">"),
        "{}",
        article.body
    );
    assert!(article.body.contains(&format!(
        "<link rel=\"canonical\" href=\"{}/help/acme/articles/how-long-does-a-refund-take\">",
        app.config.base_url
    )));
    let contact = customer.get("/help/acme/contact").await;
    assert!(
        contact.body.contains("href=\"/help/acme\""),
        "links the help center"
    );

    let (status, sitemap) = customer.get_bytes("/help/acme/sitemap.xml").await;
    assert_eq!(status, StatusCode::OK);
    let sitemap = String::from_utf8(sitemap).unwrap();
    assert!(sitemap.contains(&format!(
        "<loc>{}/help/acme/articles/how-long-does-a-refund-take</loc>",
        app.config.base_url
    )));
    assert!(sitemap.contains("/help/acme/articles/refund-to-a-gift-card</loc>"));
}

#[sqlx::test]
async fn drafts_and_deleted_articles_are_never_public(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let id = write(
        &agent,
        "Secret roadmap",
        "Dark mode ships in spring.",
        "draft",
    )
    .await;

    let customer = app.client();
    let draft = customer.get("/help/acme/articles/secret-roadmap").await;
    assert_eq!(draft.status, StatusCode::NOT_FOUND);
    let home = customer.get("/help/acme").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("acme Inc help center"));
    assert!(!home.body.contains("Secret roadmap"));
    assert!(public_hits(&customer, "acme", "roadmap").await.is_empty());
    assert!(
        public_hits(&customer, "acme", "dark mode spring")
            .await
            .is_empty()
    );
    let (status, sitemap) = customer.get_bytes("/help/acme/sitemap.xml").await;
    assert_eq!(status, StatusCode::OK);
    let sitemap = String::from_utf8(sitemap).unwrap();
    assert!(
        sitemap.contains(&format!("<loc>{}/help/acme</loc>", app.config.base_url)),
        "{sitemap}"
    );
    assert!(!sitemap.contains("secret-roadmap"));
    let suggestions = customer.get("/help/acme/suggestions?subject=roadmap").await;
    assert_eq!(suggestions.status, StatusCode::OK);
    assert!(!suggestions.body.contains("Secret roadmap"));
    // The panel's search finds drafts.
    let panel = agent.get("/app/kb?q=roadmap").await;
    assert!(panel.body.contains("Secret roadmap"));

    // Published, then deleted after the confirmation page.
    let edit = format!("/app/kb/articles/{id}/edit");
    agent
        .post(
            &edit,
            &[
                ("title", "Secret roadmap"),
                ("slug", "secret-roadmap"),
                ("body", "Dark mode ships in spring."),
                ("status", "published"),
            ],
        )
        .await
        .assert_redirects_to(&edit);
    let published = customer.get("/help/acme/articles/secret-roadmap").await;
    assert_eq!(published.status, StatusCode::OK);
    let confirm = agent.get(&format!("/app/kb/articles/{id}/delete")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Delete “Secret roadmap”?"));
    agent
        .post(&format!("/app/kb/articles/{id}/delete"), &[])
        .await
        .assert_redirects_to("/app/kb");
    let deleted = customer.get("/help/acme/articles/secret-roadmap").await;
    assert_eq!(deleted.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("kb_revisions").await, 0);
}

#[sqlx::test]
async fn the_same_slug_in_two_workspaces_shows_each_its_own_article(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let globex = app.workspace("globex").await;
    let acme_agent = app.logged_in(&acme, Role::Agent).await;
    let globex_agent = app.logged_in(&globex, Role::Agent).await;
    write(
        &acme_agent,
        "Shipping",
        "Acme ships by pigeon.",
        "published",
    )
    .await;
    let globex_id = write(
        &globex_agent,
        "Shipping",
        "Globex ships by rocket.",
        "published",
    )
    .await;

    let customer = app.client();
    let acme_page = customer.get("/help/acme/articles/shipping").await;
    assert!(acme_page.body.contains("Acme ships by pigeon."));
    assert!(!acme_page.body.contains("rocket"));
    let globex_page = customer.get("/help/globex/articles/shipping").await;
    assert!(globex_page.body.contains("Globex ships by rocket."));
    assert!(!globex_page.body.contains("pigeon"));
    // Nor does one workspace's search, panel or form reach the other's articles.
    assert!(public_hits(&customer, "acme", "rocket").await.is_empty());
    let panel = acme_agent.get("/app/kb?q=rocket").await;
    assert!(panel.body.contains("No article matches."));
    let suggestions = customer.get("/help/acme/suggestions?subject=rocket").await;
    assert!(!suggestions.body.contains("Globex"));
    let foreign = acme_agent
        .get(&format!("/app/kb/articles/{globex_id}/edit"))
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let unknown = customer.get("/help/nobody/articles/shipping").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn a_restored_revision_is_what_is_shown(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let id = write(&agent, "Opening hours", "We open at nine.", "published").await;
    let edit = format!("/app/kb/articles/{id}/edit");
    agent
        .post(
            &edit,
            &[
                ("title", "Opening hours (new)"),
                ("slug", "opening-hours"),
                ("body", "We open at ten."),
                ("status", "published"),
            ],
        )
        .await
        .assert_redirects_to(&edit);
    let customer = app.client();
    let page = customer.get("/help/acme/articles/opening-hours").await;
    assert!(page.body.contains("We open at ten."));

    let history = agent.get(&format!("/app/kb/articles/{id}/history")).await;
    assert!(history.body.contains("We open at nine."));
    let revisions = history.texts("main details > summary");
    assert_eq!(revisions.len(), 2, "{revisions:?}");
    assert!(
        revisions[1].ends_with("· agent of acme · Opening hours"),
        "the first revision's author: {revisions:?}"
    );
    let first: uuid::Uuid =
        sqlx::query_scalar("select id from kb_revisions where body = 'We open at nine.'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    agent
        .post(
            &format!("/app/kb/articles/{id}/revisions/{first}/restore"),
            &[],
        )
        .await
        .assert_redirects_to(&edit);
    let page = customer.get("/help/acme/articles/opening-hours").await;
    assert!(page.body.contains("We open at nine."));
    assert!(page.body.contains("<h1>Opening hours</h1>"));
    assert!(!page.body.contains("We open at ten."));
    assert_eq!(app.count("kb_revisions").await, 3, "every save kept");
}

#[sqlx::test]
async fn slugs_come_from_titles_and_stay_unique(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    write(&agent, "Reset your password", "One.", "published").await;
    write(&agent, "Reset your password!", "Two.", "published").await;
    let customer = app.client();
    let second = customer
        .get("/help/acme/articles/reset-your-password-2")
        .await;
    assert!(second.body.contains("Two."));

    // A slug asked for and taken is refused, with the input kept.
    let taken = agent
        .post(
            "/app/kb/articles/new",
            &[
                ("title", "Another"),
                ("slug", "reset-your-password"),
                ("body", "Three, kept."),
                ("status", "draft"),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains("Another article has this address."));
    assert!(taken.body.contains("Three, kept."));
    let invalid = agent
        .post(
            "/app/kb/articles/new",
            &[
                ("title", ""),
                ("slug", "Not a slug!"),
                ("body", ""),
                ("status", "x"),
            ],
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("kb_articles").await, 2);
}

#[sqlx::test]
async fn the_preview_shows_the_rendered_article_and_saves_nothing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let page = agent
        .post(
            "/app/kb/articles/new",
            &[
                ("title", "Preview me"),
                ("body", "Some *emphasis* <script>alert(1)</script>"),
                ("status", "draft"),
                ("preview", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<em>emphasis</em>"));
    assert!(!page.body.contains("<script>alert(1)"));
    assert_eq!(app.count("kb_articles").await, 0);
}

#[sqlx::test]
async fn xss_in_an_article_renders_harmless_on_the_public_page(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let body = "Hello <script>alert(1)</script> <img src=x onerror=alert(2)> \
                [x](javascript:alert(3)) <a href=\"data:text/html,hi\">d</a> \
                <svg onload=alert(4)></svg> <iframe src=\"https://evil.example\"></iframe> \
                [site](https://other.example/page)";
    write(&agent, "Unsafe", body, "published").await;
    let page = app.client().get("/help/acme/articles/unsafe").await;
    assert_eq!(page.status, StatusCode::OK);
    let lower = page.body.to_ascii_lowercase();
    for forbidden in [
        "<script>alert",
        "onerror",
        "javascript:",
        "data:text",
        "<svg",
        "onload",
        "<iframe",
    ] {
        assert!(!lower.contains(forbidden), "{forbidden}");
    }
    assert!(
        page.body
            .contains(r#"<a href="https://other.example/page" rel="noopener nofollow">site</a>"#)
    );
}

#[sqlx::test]
async fn search_finds_body_words_ranks_titles_first_and_survives_any_input(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let globex = app.workspace("globex").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    write(
        &agent,
        "Parcel tracking",
        "Each invoice shows the parcel number, and the invoice email too.",
        "published",
    )
    .await;
    write(&agent, "Invoices", "Where to download them.", "published").await;
    let globex_agent = app.logged_in(&globex, Role::Agent).await;
    write(
        &globex_agent,
        "Invoices at Globex",
        "Globex invoices.",
        "published",
    )
    .await;

    let customer = app.client();
    assert_eq!(
        public_hits(&customer, "acme", "download").await,
        ["invoices"],
        "a word of the body"
    );
    assert_eq!(
        public_hits(&customer, "acme", "invoice").await,
        ["invoices", "parcel-tracking"],
        "the title hit first, and never another workspace's"
    );
    let search = customer.get("/help/acme?q=download").await;
    assert!(
        search.body.contains("<mark>download</mark>"),
        "{}",
        search.body
    );

    let long = "invoice ".repeat(1_250);
    for input in [
        "\"unbalanced quote",
        "invoice & | ! <-> :* ( )",
        "-invoice or \"\" or",
        "' OR 1=1; drop table kb_articles; --",
        "发票 😀 ﷽",
        "\u{0}nul",
        &long,
    ] {
        let hits = public_hits(&customer, "acme", input).await;
        assert!(
            hits.iter().all(|slug| slug != "invoices-at-globex"),
            "{input:?}"
        );
    }
    assert_eq!(app.count("kb_articles").await, 3);

    // Nothing matches a typo, but a title with a similar word is offered.
    let typo = customer.get("/help/acme?q=trackng").await;
    assert!(typo.body.contains("Did you mean"));
    assert!(typo.body.contains("/help/acme/articles/parcel-tracking"));
}

/// Adds `n` published articles to the workspace in one statement, with titles that no
/// search below matches and `body`: newer than any written after them, and first in the
/// table's order, in which the search reads its bounded set of candidates.
async fn insert_articles(app: &TestApp, account_id: uuid::Uuid, n: i64, body: &str) {
    sqlx::query(
        "insert into kb_articles (account_id, id, title, slug, body, body_html, body_text,
                                  summary, status, updated_by, updated_at)
         select $1, gen_random_uuid(), format('Note %s', k), format('note-%s', k), $3,
                '<p>' || $3 || '</p>', $3, $3, 'published',
                (select id from agents where account_id = $1 limit 1),
                now() + make_interval(mins => k::int)
         from generate_series(1, $2) k",
    )
    .bind(account_id)
    .bind(n)
    .bind(body)
    .execute(&app.db)
    .await
    .unwrap();
}

#[sqlx::test]
async fn title_matches_come_first_however_many_bodies_match(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    // More body matches than the search ranks, all newer than the title matches and read
    // before them.
    let body_matches = frontdesk::kb::db::MAX_CANDIDATES + 50;
    insert_articles(
        &app,
        acme.account_id,
        body_matches,
        "Ask for a refund by card.",
    )
    .await;
    write(&agent, "Refund times", "Five working days.", "published").await;
    write(
        &agent,
        "Refund policy",
        "A refund goes back to the card; a refund of a voucher is a voucher.",
        "published",
    )
    .await;
    write(
        &agent,
        "Card refunds",
        "To the card you paid with.",
        "published",
    )
    .await;
    write(&agent, "Refunds of drafts", "Not public.", "draft").await;

    let customer = app.client();
    let hits = public_hits(&customer, "acme", "refund").await;
    assert_eq!(hits.len(), 10, "a full first page: {hits:?}");
    assert_eq!(
        hits[..3],
        ["refund-policy", "card-refunds", "refund-times"],
        "the title matches first: the one that says it most, then equal ones newest first"
    );
    assert!(
        hits[3..].iter().all(|slug| slug.starts_with("note-")),
        "then body matches: {hits:?}"
    );

    // A title match has every word of the search in its title; the others are ranked
    // after it, whatever they weigh ("refund by card" in a body beats words far apart).
    let hits = public_hits(&customer, "acme", "refund card").await;
    assert_eq!(hits[0], "card-refunds", "{hits:?}");
    assert_eq!(hits.len(), 10, "{hits:?}");
    assert!(!hits.contains(&"refund-times".to_owned()), "{hits:?}");

    // The panel finds the draft too, and the ticket page's search the same titles first.
    let panel = agent.get("/app/kb?q=refunds").await;
    assert!(panel.body.contains("Refunds of drafts"), "{}", panel.body);
}

#[sqlx::test]
async fn the_contact_form_suggests_a_matching_article(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    write(
        &agent,
        "How long does a refund take?",
        "Five days.",
        "published",
    )
    .await;
    write(&agent, "Opening hours", "Nine to five.", "published").await;

    let customer = app.client();
    customer.get("/help/acme/contact").await;
    // Without JavaScript: the subject is submitted with the suggest button.
    let page = customer
        .post(
            "/help/acme/contact",
            &[
                ("name", "Carla"),
                ("email", "carla@example.com"),
                ("subject", "Where is my refund?"),
                ("type", "refund"),
                ("message", "Kept as typed."),
                ("suggest", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("These articles may answer your question")
    );
    assert!(
        page.body
            .contains("/help/acme/articles/how-long-does-a-refund-take")
    );
    assert!(!page.body.contains("Opening hours"));
    assert!(page.body.contains("Kept as typed."));
    assert_eq!(app.count("tickets").await, 0, "nothing sent");
    // As the customer types, the script asks for the same.
    let partial = customer
        .get("/help/acme/suggestions?subject=refund%20please")
        .await;
    assert!(partial.body.contains("How long does a refund take?"));
    // The help center's search leads to the form with the subject filled in.
    let prefilled = customer.get("/help/acme/contact?subject=refund").await;
    assert!(prefilled.body.contains("value=\"refund\""));
    assert!(prefilled.body.contains("How long does a refund take?"));
}

#[sqlx::test]
async fn an_agent_links_an_article_into_a_reply(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    write(
        &agent,
        "Refund policy",
        "Refunds take five days.",
        "published",
    )
    .await;
    write(&agent, "Refund draft", "Refunds soon.", "draft").await;
    app.client()
        .contact("acme", "carla@example.com", "Refund?", "Where is it?")
        .await;

    let ticket = agent.get("/app/tickets/1").await;
    assert!(
        ticket
            .body
            .contains("formaction=\"/app/tickets/1/articles\"")
    );
    let found = agent
        .post(
            "/app/tickets/1/articles",
            &[("body", "Hello Carla,"), ("kb_q", "refund")],
        )
        .await;
    assert_eq!(found.status, StatusCode::OK);
    let link = format!(
        "Refund policy: {}/help/acme/articles/refund-policy",
        app.config.base_url
    );
    assert!(found.body.contains(&link));
    assert!(
        !found.body.contains("Refund draft"),
        "drafts have no public link"
    );
    let inserted = agent
        .post(
            "/app/tickets/1/articles",
            &[
                ("body", "Hello Carla,"),
                ("kb_q", "refund"),
                ("insert", "refund-policy"),
            ],
        )
        .await;
    assert!(
        inserted
            .body
            .contains(&format!(">Hello Carla,\n{link}\n</textarea>")),
        "{}",
        inserted.body
    );
    let other = app.workspace("globex").await;
    let stranger = app.logged_in(&other, Role::Owner).await;
    let refused = stranger
        .post("/app/tickets/1/articles", &[("kb_q", "refund")])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn visitors_vote_once_per_article_and_agents_see_the_counts(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    write(&agent, "Opening hours", "Nine to five.", "published").await;
    let path = "/help/acme/articles/opening-hours";

    let first = app.client();
    assert!(
        first
            .get(path)
            .await
            .body
            .contains("Did this answer your question?")
    );
    let vote = format!("{path}/vote");
    first
        .post(&vote, &[("helpful", "no")])
        .await
        .assert_redirects_to(&format!("{path}#vote"));
    // Changing one's mind replaces the vote.
    first.post(&vote, &[("helpful", "yes")]).await;
    assert!(
        first
            .get(path)
            .await
            .body
            .contains("You found this helpful.")
    );
    let second = app.client();
    second.get(path).await;
    second.post(&vote, &[("helpful", "no")]).await;
    assert_eq!(app.count("kb_votes").await, 2);
    let list = agent.get("/app/kb").await;
    assert!(list.body.contains(">1 / 1</td>"), "{}", list.body);

    let bad = second.post(&vote, &[("helpful", "maybe")]).await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn categories_are_named_ordered_and_deleted_leaving_their_articles(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    for name in ["Billing", "Shipping"] {
        admin
            .post("/app/kb/categories", &[("name", name), ("description", "")])
            .await
            .assert_redirects_to("/app/kb/categories");
    }
    let taken = admin
        .post(
            "/app/kb/categories",
            &[("name", "billing"), ("description", "")],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains("Another category has this name."));

    let shipping: uuid::Uuid =
        sqlx::query_scalar("select id from kb_categories where name = 'Shipping'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let edit = format!("/app/kb/categories/{shipping}");
    admin
        .post(
            &edit,
            &[
                ("name", "Delivery"),
                ("description", "Parcels"),
                ("position", "0"),
            ],
        )
        .await
        .assert_redirects_to("/app/kb/categories");
    let list = admin.get("/app/kb/categories").await;
    let delivery = list.body.find("Delivery").unwrap();
    assert!(
        delivery < list.body.find("Billing").unwrap(),
        "position 0 first"
    );

    let shipping_id = shipping.to_string();
    write_with(
        &admin,
        &[
            ("title", "Parcels"),
            ("category", &shipping_id),
            ("body", "They come."),
            ("status", "published"),
        ],
    )
    .await;
    let confirm = admin.get(&format!("{edit}/delete")).await;
    assert!(confirm.body.contains("Its articles stay"));
    admin
        .post(&format!("{edit}/delete"), &[])
        .await
        .assert_redirects_to("/app/kb/categories");
    assert_eq!(app.count("kb_articles where category_id is null").await, 1);
    let page = app.client().get("/help/acme").await;
    assert!(page.body.contains("More articles"));
}

#[sqlx::test]
async fn a_large_category_shows_its_first_articles_and_links_its_own_page(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    agent
        .post(
            "/app/kb/categories",
            &[("name", "Guides"), ("description", "How to")],
        )
        .await;
    let guides: uuid::Uuid = sqlx::query_scalar("select id from kb_categories")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let category = guides.to_string();
    for n in 10..22 {
        let title = format!("Guide {n}");
        write_with(
            &agent,
            &[
                ("title", &title),
                ("category", &category),
                ("body", "Steps."),
                ("status", "published"),
            ],
        )
        .await;
    }
    let customer = app.client();
    let home = customer.get("/help/acme").await;
    assert!(home.body.contains(">Guide 19<"));
    assert!(!home.body.contains(">Guide 20<"), "ten on the first page");
    let page = format!("/help/acme/categories/{guides}");
    assert!(home.body.contains(&format!("href=\"{page}\"")));
    let all = customer.get(&page).await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains(">Guide 21<") && all.body.contains(">Guide 10<"));
    let elsewhere = app.workspace("globex").await;
    assert_eq!(
        customer
            .get(&format!("/help/{}/categories/{guides}", elsewhere.slug))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
