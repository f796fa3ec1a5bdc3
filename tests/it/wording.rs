//! Messages with a value that may be missing (a ticket's department, a customer's name) have
//! their own wording for the missing case, in both languages, as the mail arrives over SMTP:
//! never "A new ticket came in for : #1" or "Hello ,".
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::TestApp;

#[sqlx::test]
async fn a_new_ticket_without_a_department_is_announced_in_its_own_words(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let chinese_reader = &acme.person(Role::Agent).email;
    sqlx::query("update agents set language = 'zh-CN' where email = $1")
        .bind(chinese_reader)
        .execute(&app.db)
        .await
        .unwrap();

    let page = app
        .client()
        .contact(
            "acme",
            "carla@example.com",
            "Where is my parcel",
            "A week now.",
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let english = app.mail.wait_for(&acme.person(Role::Owner).email).await;
    assert!(
        english
            .text
            .contains("A new ticket came in: #1 \"Where is my parcel\" from Carla Customer."),
        "{}",
        english.text
    );
    let chinese = app.mail.wait_for(chinese_reader).await;
    assert!(
        chinese
            .text
            .contains("收到新工单：#1“Where is my parcel”，来自 Carla Customer。"),
        "{}",
        chinese.text
    );
    assert!(!english.text.contains("for :"), "{}", english.text);
    assert!(!chinese.text.contains(" 收到新工单"), "{}", chinese.text);
}

#[sqlx::test]
async fn a_customer_who_gave_no_name_is_greeted_without_a_blank(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let zhong = app.workspace("zhong").await;
    sqlx::query("update accounts set language = 'zh-CN' where slug = 'zhong'")
        .execute(&app.db)
        .await
        .unwrap();

    for (workspace, customer) in [(&acme, "dora@example.com"), (&zhong, "wei@example.com")] {
        let raw = format!(
            "From: {customer}\r\nSubject: The printer\r\nMessage-ID: <{customer}>\r\n\r\n\
             It is on fire.\r\n"
        );
        let delivered = workspace.deliver(&app, raw).await;
        assert_eq!(delivered.body, "ticket #1");
    }

    for (customer, greeting) in [
        ("dora@example.com", "Hello,"),
        ("wei@example.com", "您好："),
    ] {
        let mail = app.mail.wait_for(customer).await;
        assert_eq!(mail.text.lines().next(), Some(greeting), "{}", mail.text);
        let paragraph = format!("<p>{greeting}</p>");
        assert!(mail.html.contains(&paragraph), "{}", mail.html);
    }
}
