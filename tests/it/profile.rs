//! Every agent's own profile: its fields saved and shown again, the theme on every page,
//! the photo (checked by its content, kept when a new one is refused), the signature and
//! alias in emailed replies, and the password change that ends the other sessions.
use std::io::Cursor;

use frontdesk::auth::Role;
use image::{DynamicImage, ImageFormat, RgbImage};
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{Client, PASSWORD, Page, TestApp, Workspace};

fn picture(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let mut bytes = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(RgbImage::from_pixel(width, height, [200, 40, 40].into()))
        .write_to(&mut bytes, format)
        .unwrap();
    bytes.into_inner()
}

/// Posts `photo` as a browser's file input does, with the form's CSRF token unless
/// `token` is `None`.
async fn upload(client: &Client, photo: &[u8], token: Option<&str>) -> Page {
    let boundary = "----frontdesk-test-boundary";
    let mut body = Vec::new();
    if let Some(token) = token {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"me.png\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(photo);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    client
        .post_body(
            "/app/profile/photo",
            &format!("multipart/form-data; boundary={boundary}"),
            body,
        )
        .await
}

async fn stored_photo(app: &TestApp, workspace: &Workspace, role: Role) -> Option<Vec<u8>> {
    sqlx::query_scalar("select photo from agents where id = $1")
        .bind(workspace.person(role).id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

const PROFILE: &[(&str, &str)] = &[
    ("name", "Ada Agent"),
    ("alias", "Sunny"),
    ("gender", "female"),
    (
        "signature",
        "Ada from Acme support\nWe answer within a day.",
    ),
    ("theme", "dark"),
    ("language", "en"),
    ("device", "desk_phone"),
    ("extension", "204"),
];

#[sqlx::test]
async fn every_field_of_the_profile_is_saved_and_shown_again(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    agent
        .post("/app/profile", PROFILE)
        .await
        .assert_redirects_to("/app/profile");
    let page = agent.get("/app/profile").await;
    assert!(page.body.contains("Profile saved."));
    for value in ["value=\"Ada Agent\"", "value=\"Sunny\"", "value=\"204\""] {
        assert!(page.body.contains(value), "{value}");
    }
    for selected in [
        "<option value=\"female\" selected>",
        "<option value=\"dark\" selected>",
        "<option value=\"en\" selected>",
        "<option value=\"desk_phone\" selected>",
    ] {
        assert!(page.body.contains(selected), "{selected}");
    }
    assert!(
        page.body
            .contains("Ada from Acme support\nWe answer within a day.")
    );
    // The theme holds on every page of the panel.
    for path in ["/app", "/app/profile"] {
        assert!(
            agent.get(path).await.body.contains("data-theme=\"dark\""),
            "{path}"
        );
    }
    let row: (String, String, String, String) = sqlx::query_as(
        "select name, theme, device, extension from agents where email = 'agent@acme.test'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            "Ada Agent".into(),
            "dark".into(),
            "desk_phone".into(),
            "204".into()
        )
    );
    // Admins see the device and extension in the team list.
    let team = app
        .logged_in(&acme, Role::Admin)
        .await
        .get("/app/config/agents")
        .await;
    assert!(team.body.contains("Desk phone"));
    assert!(team.body.contains("Extension 204"));

    // The language changes the whole panel.
    let mut chinese = PROFILE.to_vec();
    chinese.retain(|(name, _)| *name != "language");
    chinese.push(("language", "zh-CN"));
    agent.post("/app/profile", &chinese).await;
    let page = agent.get("/app/profile").await;
    assert!(page.body.contains("<html lang=\"zh-CN\""));
    assert!(page.body.contains("您的个人资料"));
}

#[sqlx::test]
async fn a_profile_with_mistakes_comes_back_with_the_input_and_saves_nothing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let page = agent
        .post(
            "/app/profile",
            &[
                ("name", ""),
                ("alias", "Sunny"),
                ("theme", "purple"),
                ("language", "fr"),
                ("device", "pager"),
                ("extension", "12ab"),
                ("signature", &"s".repeat(2001)),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("This field is required."));
    assert!(page.body.contains("Use digits, * and # only."));
    assert!(page.body.contains("This is too long."));
    assert!(page.body.contains("value=\"12ab\""));
    assert!(page.body.contains("value=\"Sunny\""));
    assert_eq!(
        app.count("agents where alias is not null or theme <> 'system'")
            .await,
        0
    );
}

#[sqlx::test]
async fn a_photo_is_kept_as_a_square_thumbnail_and_shown_wherever_the_agent_appears(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let token = agent.csrf_token().await;
    for format in [ImageFormat::Jpeg, ImageFormat::WebP, ImageFormat::Png] {
        upload(&agent, &picture(400, 300, format), Some(&token))
            .await
            .assert_redirects_to("/app/profile");
    }
    let stored = stored_photo(&app, &acme, Role::Agent).await.unwrap();
    let thumbnail = image::load_from_memory_with_format(&stored, ImageFormat::Png).unwrap();
    assert_eq!((thumbnail.width(), thumbnail.height()), (160, 160));

    let agent_id = acme.person(Role::Agent).id;
    let page = agent.get("/app/profile").await;
    assert!(page.body.contains("Photo saved."));
    assert!(page.body.contains(&format!(
        "<img class=\"avatar\" src=\"/app/photos/{agent_id}?v="
    )));
    let team = app
        .logged_in(&acme, Role::Admin)
        .await
        .get("/app/config/agents")
        .await;
    assert!(
        team.body
            .contains(&format!("src=\"/app/photos/{agent_id}?v="))
    );
    let photo = agent.get_bytes(&format!("/app/photos/{agent_id}")).await;
    assert_eq!(photo.0, StatusCode::OK);
    assert_eq!(photo.1, stored);

    // Another workspace never sees it, and ids that are nobody's are not found.
    let beta = app.workspace("beta").await;
    let stranger = app.logged_in(&beta, Role::Owner).await;
    assert_eq!(
        stranger
            .get(&format!("/app/photos/{agent_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    agent
        .post("/app/profile/photo/delete", &[])
        .await
        .assert_redirects_to("/app/profile");
    assert_eq!(stored_photo(&app, &acme, Role::Agent).await, None);
    assert!(
        agent
            .get("/app")
            .await
            .body
            .contains("<span class=\"avatar\" aria-hidden=\"true\">AO</span>")
    );
}

#[sqlx::test]
async fn a_non_image_or_an_oversized_photo_is_refused_and_the_old_one_stays(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let token = agent.csrf_token().await;
    upload(&agent, &picture(64, 64, ImageFormat::Png), Some(&token))
        .await
        .assert_redirects_to("/app/profile");
    let before = stored_photo(&app, &acme, Role::Agent).await;

    // Named .png, sent as image/png, but a script inside.
    let page = upload(&agent, b"<script>alert(1)</script>", Some(&token)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("This is not a PNG, JPEG or WebP picture.")
    );
    // A real PNG, padded past 2 MiB.
    let mut large = picture(64, 64, ImageFormat::Png);
    large.resize(2 * 1024 * 1024 + 1, 0);
    let page = upload(&agent, &large, Some(&token)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("This picture is larger than 2 MB."));
    let page = upload(&agent, b"", Some(&token)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Without the form's token nothing happens at all.
    let page = upload(&agent, &picture(32, 32, ImageFormat::Png), None).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = upload(&agent, &picture(32, 32, ImageFormat::Png), Some("forged")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    assert_eq!(stored_photo(&app, &acme, Role::Agent).await, before);
}

#[sqlx::test]
async fn customers_see_the_alias_and_the_signature_in_emailed_replies(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    agent
        .post("/app/profile", PROFILE)
        .await
        .assert_redirects_to("/app/profile");
    app.client()
        .contact(
            "acme",
            "carla@example.com",
            "My refund",
            "Where is my money?",
        )
        .await;
    let ticket = agent.get("/app/tickets/1").await;
    assert!(
        ticket.body.contains("Ada from Acme support"),
        "shown under the reply box"
    );
    let last_seen = crate::harness::input_value(&ticket.body, "last_seen").unwrap();
    agent
        .post(
            "/app/tickets/1/reply",
            &[("body", "It is on its way."), ("last_seen", &last_seen)],
        )
        .await
        .assert_redirects_to("/app/tickets/1");
    let replies = app.mail.wait_for_count("carla@example.com", 2).await;
    let reply = replies
        .iter()
        .find(|m| m.text.contains("It is on its way."))
        .unwrap();
    let text = reply.text.replace("\r\n", "\n");
    assert!(
        text.contains("It is on its way.\n\nAda from Acme support\nWe answer within a day."),
        "{text}"
    );
    assert!(reply.text.contains("Sunny"));
    assert!(!reply.text.contains("Ada Agent"));
    // The panel keeps the real name.
    assert!(agent.get("/app/tickets/1").await.body.contains("Ada Agent"));
}

#[sqlx::test]
async fn changing_the_password_from_the_profile_ends_every_other_session(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let laptop = app.logged_in(&acme, Role::Agent).await;
    let phone = app.logged_in(&acme, Role::Agent).await;
    let page = laptop
        .post(
            "/app/profile/password",
            &[
                ("current_password", "not my password"),
                ("password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        phone.get("/app").await.status,
        StatusCode::OK,
        "nothing changed"
    );

    laptop
        .post(
            "/app/profile/password",
            &[
                ("current_password", PASSWORD),
                ("password", "a brand new passphrase"),
            ],
        )
        .await
        .assert_redirects_to("/app");
    assert_eq!(laptop.get("/app").await.status, StatusCode::OK);
    let page = phone.get("/app").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/login"));
    app.assert_password_changed(
        "acme",
        "agent@acme.test",
        "a brand new passphrase",
        PASSWORD,
    )
    .await;
}

#[sqlx::test]
async fn the_profile_shows_the_departments_the_agent_receives_work_from(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    sqlx::query("update accounts set plan = 'small'")
        .execute(&app.db)
        .await
        .unwrap();
    let admin = app.logged_in(&acme, Role::Admin).await;
    let agent_id = acme.person(Role::Agent).id.to_string();
    for name in ["Billing", "Support"] {
        admin
            .post(
                "/app/config/departments",
                &[("name", name), ("agents", &agent_id)],
            )
            .await
            .assert_redirects_to("/app/config/departments");
    }
    let page = app
        .logged_in(&acme, Role::Agent)
        .await
        .get("/app/profile")
        .await;
    assert!(page.body.contains("Tickets of these departments reach you"));
    let departments: Vec<String> = page
        .rows("table.receiving tbody tr")
        .into_iter()
        .map(|row| row[0].clone())
        .collect();
    assert_eq!(departments, ["Billing", "Support"]);
}

#[sqlx::test]
async fn forms_that_take_no_files_refuse_uploads_unread(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let visitor = app.client();
    let token = visitor.csrf_token().await;
    let boundary = "b";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--{boundary}--\r\n"
    );
    let page = visitor
        .post_body(
            "/login",
            &format!("multipart/form-data; boundary={boundary}"),
            body.into_bytes(),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(page.body.contains("This form takes no files."));
    // A client that never had a page of ours has no token to send: refused at once.
    let fresh = app.client();
    let page = fresh
        .post_body(
            "/app/profile/photo",
            "multipart/form-data; boundary=x",
            vec![b'x'; 4096],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}
