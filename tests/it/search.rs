//! Full-text search of Chinese (and Japanese, Korean) text, which PostgreSQL's parser does
//! not split into words: the database's functions that index it as two-character pieces,
//! then tickets and articles found by their Chinese words through the real pages.
use frontdesk::auth::Role;
use frontdesk::text_search::TextQuery;
use reqwest::StatusCode;
use sqlx::{PgPool, QueryBuilder};

use crate::harness::{Client, TestApp};

async fn cjk_words(db: &PgPool, text: &str) -> String {
    sqlx::query_scalar("select cjk_words($1)")
        .bind(text)
        .fetch_one(db)
        .await
        .unwrap()
}

/// The `tsquery` that the application builds for a search, as the database prints it.
async fn app_query(db: &PgPool, text: &str, any_word: bool) -> String {
    let mut sql = QueryBuilder::new("select (");
    TextQuery::new(text, any_word).push_tsquery(&mut sql);
    sql.push(")::text");
    sql.build_query_scalar().fetch_one(db).await.unwrap()
}

/// Whether `query` (all its words), as the application searches, finds `document`.
async fn finds(db: &PgPool, document: &str, query: &str) -> bool {
    let mut sql = QueryBuilder::new("select search_document(");
    sql.push_bind(document).push(") @@ ");
    TextQuery::new(query, false).push_tsquery(&mut sql);
    sql.build_query_scalar().fetch_one(db).await.unwrap()
}

#[sqlx::test]
async fn cjk_runs_become_overlapping_pairs_and_their_last_character(db: PgPool) {
    assert_eq!(
        cjk_words(&db, "退款没有到账").await,
        "退款 款没 没有 有到 到账 账"
    );
    // Other scripts, full-width punctuation and emoji end a run; a run of one is itself.
    assert_eq!(
        cjk_words(&db, "Refund退款，OK？到账。a退b 😀款😀").await,
        "退款 款 到账 账 退 款"
    );
    assert_eq!(cjk_words(&db, "（）！。、“”《》 refund 2026 ÄÖ").await, "");
    assert_eq!(
        cjk_words(&db, "パスワード・リセット 한국어 〇々").await,
        "パス スワ ワー ード ド リセ セッ ット ト 한국 국어 어 〇々 々"
    );
}

#[sqlx::test]
async fn a_very_long_text_is_indexed_up_to_a_bound_in_linear_time(db: PgPool) {
    // Every pair different, the worst case for the tsvector's size limit of 1 MB.
    let text: String = (0..100_000u32)
        .map(|n| char::from_u32(0x4e00 + (n * 7_919) % 20_000).unwrap())
        .collect();
    let started = std::time::Instant::now();
    let (lexemes, bytes): (i32, i32) = sqlx::query_as(
        "select length(d), pg_column_size(d)
         from (select setweight(search_document($1), 'A') || setweight(search_document($1), 'B') d) x",
    )
    .bind(format!("{text} refund"))
    .fetch_one(&db)
    .await
    .unwrap();
    assert!((19_000..=20_002).contains(&lexemes), "{lexemes}");
    assert!(bytes < 1_000_000, "{bytes}");
    // Pieces cut by `substr` took 20 s for 50,000 characters.
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
}

#[sqlx::test]
async fn queries_need_every_piece_and_never_fail(db: PgPool) {
    let document = "Refund: 我的退款没有到账";
    for (query, found) in [
        ("退款", true),
        ("退款没有到账", true),
        ("没有 退款", true),
        ("到退", false),
        ("退", true),
        ("账", true),
        ("refunds 退款", true),
        ("invoice 退款", false),
        ("退款 -refund", false),
    ] {
        assert_eq!(finds(&db, document, query).await, found, "{query}");
    }
    // Operators and punctuation are neither errors nor words.
    for (odd, found) in [
        ("", false),
        ("，。！", false),
        ("!! <->", false),
        ("😀", false),
        ("\"退", true),
        ("退:*", true),
        ("'退' & !款 | (", true),
    ] {
        assert_eq!(finds(&db, document, odd).await, found, "{odd}");
    }
    // Any one word or piece will do for suggestions.
    let mut sql = QueryBuilder::new("select search_document('如何重置密码') @@ ");
    TextQuery::new("我忘记密码了 or invoice", true).push_tsquery(&mut sql);
    let any: bool = sql.build_query_scalar().fetch_one(&db).await.unwrap();
    assert!(any);
}

/// The query is split in Rust, to spare the planner the SQL function's regular expressions
/// on every search; the migration's `search_query` says what it must be, at every edge of
/// the CJK ranges too.
#[sqlx::test]
async fn the_applications_query_is_the_sql_functions(db: PgPool) {
    let ranges = [
        ('\u{1100}', '\u{11ff}'),
        ('\u{3005}', '\u{3007}'),
        ('\u{3041}', '\u{309f}'),
        ('\u{30a1}', '\u{30fa}'),
        ('\u{30fc}', '\u{30ff}'),
        ('\u{3130}', '\u{318f}'),
        ('\u{31f0}', '\u{31ff}'),
        ('\u{3400}', '\u{4dbf}'),
        ('\u{4e00}', '\u{9fff}'),
        ('\u{a960}', '\u{a97f}'),
        ('\u{ac00}', '\u{d7ff}'),
        ('\u{f900}', '\u{faff}'),
        ('\u{ff66}', '\u{ff9f}'),
        ('\u{20000}', '\u{3134f}'),
    ];
    let mut texts: Vec<String> = [
        "refund",
        "refund card",
        "Refunds, \"card payment\" -fee or invoice",
        "退款",
        "重置密码",
        "a退款b c",
        "退",
        "撤退 x 款",
        "我忘记密码了 or invoice",
        "",
        "the",
        "!! <->",
        "，。！",
        "😀",
        "'退' & !款 | (",
        "退:*",
        "привет мир",
        "ÄÖ 2026",
    ]
    .map(String::from)
    .to_vec();
    for (first, last) in ranges {
        let before = char::from_u32(first as u32 - 1).unwrap();
        let after = char::from_u32(last as u32 + 1).unwrap_or('x');
        texts.push(format!("a{before}{first}{first}b {last}{after}{last}"));
    }
    for text in &texts {
        for any_word in [false, true] {
            let expected: String = sqlx::query_scalar("select search_query($1, $2)::text")
                .bind(text)
                .bind(any_word)
                .fetch_one(&db)
                .await
                .unwrap();
            assert_eq!(
                app_query(&db, text, any_word).await,
                expected,
                "{text:?} {any_word}"
            );
        }
    }
}

/// The subjects a ticket list shows, as `/app/tickets?q=…` answers.
async fn ticket_list(agent: &Client, query: &str) -> String {
    let query: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
    let page = agent.get(&format!("/app/tickets?q={query}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.body
}

#[sqlx::test]
async fn chinese_tickets_are_found_by_their_words(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    app.workspace("globex").await;
    let customer = app.client();
    let page = customer
        .contact("acme", "wang@example.com", "退款没有到账", "请帮我查一下。")
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let raw = "From: Li Na <li@example.com>\r\nSubject: Order 1234\r\n\
               Message-ID: <zh-1@example.com>\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\n\
               MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
               Content-Transfer-Encoding: 8bit\r\n\r\n你好，我上周申请了退款，到现在还没收到。\r\n";
    let delivered = acme.deliver(&app, raw).await;
    assert_eq!(delivered.status, StatusCode::OK, "{}", delivered.body);
    customer
        .contact(
            "acme",
            "sam@example.com",
            "Printer jammed",
            "Paper everywhere",
        )
        .await;
    customer
        .contact("globex", "zhao@example.com", "Globex 退款", "退款没有到账")
        .await;

    let agent = app.logged_in(&acme, Role::Agent).await;
    let found = ticket_list(&agent, "退款").await;
    assert!(found.contains("退款没有到账"), "{found}");
    assert!(found.contains("Order 1234"), "the email's body");
    assert!(!found.contains("Printer jammed"));
    assert!(!found.contains("Globex"), "another workspace's ticket");
    let found = ticket_list(&agent, "没有到账").await;
    assert!(found.contains("退款没有到账") && !found.contains("Order 1234"));
    let found = ticket_list(&agent, "收到 printer").await;
    assert!(!found.contains("Order 1234") && !found.contains("Printer jammed"));
    let found = ticket_list(&agent, "到退").await;
    assert!(!found.contains("退款没有到账") && !found.contains("Order 1234"));
    let found = ticket_list(&agent, "printers").await;
    assert!(found.contains("Printer jammed") && !found.contains("退款没有到账"));

    // A reply in Chinese is searched as well.
    let reply = agent
        .post(
            "/app/tickets/3/reply",
            &[("body", "您好，打印机的纸张问题已经解决。")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let found = ticket_list(&agent, "打印机").await;
    assert!(found.contains("Printer jammed") && !found.contains("退款没有到账"));
}

/// Writes and publishes an article through the panel; returns its slug.
async fn publish(
    app: &TestApp,
    agent: &Client,
    account_id: uuid::Uuid,
    title: &str,
    body: &str,
) -> String {
    let page = agent
        .post(
            "/app/kb/articles/new",
            &[
                ("title", title),
                ("slug", ""),
                ("body", body),
                ("status", "published"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    sqlx::query_scalar("select slug from kb_articles where account_id = $1 and title = $2")
        .bind(account_id)
        .bind(title)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_chinese_article_is_found_highlighted_suggested_and_has_a_valid_slug(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let globex = app.workspace("globex").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let body =
        "如果您忘记了密码，可以在登录页面重置密码：点击“忘记密码”，然后按照邮件中的步骤操作。";
    let slug = publish(&app, &agent, acme.account_id, "如何重置密码", body).await;
    assert!(
        slug.len() == 16
            && slug.starts_with("article-")
            && slug[8..].bytes().all(|b| b.is_ascii_hexdigit()),
        "{slug}"
    );
    let mixed = publish(
        &app,
        &agent,
        acme.account_id,
        "退款 FAQ 2026",
        "退款需要五个工作日。",
    )
    .await;
    assert_eq!(mixed, "faq-2026");
    let globex_agent = app.logged_in(&globex, Role::Agent).await;
    let globex_slug = publish(
        &app,
        &globex_agent,
        globex.account_id,
        "如何重置密码",
        "Globex 的密码。",
    )
    .await;

    let customer = app.client();
    let article = customer.get(&format!("/help/acme/articles/{slug}")).await;
    assert_eq!(article.status, StatusCode::OK);
    assert!(article.body.contains("如何重置密码") && article.body.contains("按照邮件中的步骤"));

    let search = customer
        .get("/help/acme?q=%E9%87%8D%E7%BD%AE%E5%AF%86%E7%A0%81")
        .await;
    assert_eq!(search.status, StatusCode::OK);
    assert!(
        search
            .body
            .contains(&format!("/help/acme/articles/{slug}\"")),
        "{}",
        search.body
    );
    assert!(
        search.body.contains("<mark>重置密码</mark>"),
        "{}",
        search.body
    );
    assert!(!search.body.contains("FAQ 2026"));
    assert!(
        !search
            .body
            .contains(&format!("/help/globex/articles/{globex_slug}"))
    );
    assert!(!search.body.contains("Globex 的密码"));

    let panel = agent
        .get("/app/kb?q=%E9%87%8D%E7%BD%AE%E5%AF%86%E7%A0%81")
        .await;
    assert_eq!(panel.status, StatusCode::OK);
    assert!(panel.body.contains("如何重置密码") && !panel.body.contains("FAQ 2026"));
    let panel = agent.get("/app/kb?q=%E5%88%B0%E9%80%80").await;
    assert!(
        !panel.body.contains("如何重置密码"),
        "到退 is no word of it"
    );

    // A customer's subject shares only a word (密码) with the title: still suggested.
    customer.get("/help/acme/contact").await;
    let suggested = customer
        .post(
            "/help/acme/contact",
            &[
                ("name", "王芳"),
                ("email", "wang@example.com"),
                ("subject", "我忘记密码了"),
                ("type", "other"),
                ("message", "登录不了。"),
                ("suggest", "1"),
            ],
        )
        .await;
    assert_eq!(suggested.status, StatusCode::OK);
    assert!(
        suggested
            .body
            .contains(&format!("/help/acme/articles/{slug}")),
        "{}",
        suggested.body
    );
    assert!(suggested.body.contains("<mark>密码</mark>"));
    assert!(!suggested.body.contains("faq-2026"));
    assert!(!suggested.body.contains("Globex"));
}
