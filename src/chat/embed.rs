//! The chat on the company's own site: `GET /widget/{workspace}.js` (a button that opens the
//! chat page in a frame), the origins allowed to frame the chat pages (`frame-ancestors`,
//! every other page keeps `'none'`), and `/app/config/chat` where admins set those origins
//! and the wait before an unanswered chat offers to leave a message.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use sqlx::PgConnection;
use tower_sessions::Session;
use uuid::Uuid;

use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    config::CONTENT_SECURITY_POLICY,
    config::Config,
    error::Found,
    input::FieldErrors,
    tickets,
    web::{
        PageContext,
        extract::{Form, Path},
        flash,
    },
};

/// The button's script; it finds the chat page from its own address.
const WIDGET_SCRIPT: &str = include_str!("widget.js");
/// Where the script takes its button's label.
const LABEL_PLACEHOLDER: &str = "'{{label}}'";
const MAX_ORIGINS: usize = 20;

/// The line admins paste into their site.
pub fn snippet(config: &Config, workspace: &str) -> String {
    format!(
        r#"<script src="{}" async></script>"#,
        config.link(&format!("/widget/{workspace}.js"))
    )
}

/// `GET /widget/{workspace}.js`: the script with its button's label in the workspace's
/// language, like the chat it opens (the script runs on the company's site, where no page
/// of ours could carry the label).
pub(super) async fn widget(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let slug = file.strip_suffix(".js").ok_or(AppError::NotFound)?;
    let workspace = tickets::db::workspace_by_slug(&mut *state.db.acquire().await?, slug)
        .await
        .found()?;
    let label = workspace.language.t("chat-widget-button");
    // A JSON string is a JavaScript string literal, escaped.
    let script = WIDGET_SCRIPT.replace(
        LABEL_PLACEHOLDER,
        &serde_json::to_string(&label).map_err(anyhow::Error::from)?,
    );
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        ),
    ];
    Ok((headers, script).into_response())
}

/// Lets the workspace's listed origins frame the visitor's chat pages: their response's
/// policy says `frame-ancestors` with those origins instead of `'none'`.
pub(super) async fn frame_policy(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    // `/help/{workspace}/chat…`
    let slug = request
        .uri()
        .path()
        .split('/')
        .nth(2)
        .unwrap_or_default()
        .to_owned();
    let mut response = next.run(request).await;
    let origins = match state.db.acquire().await {
        Ok(mut conn) => origins_by_slug(&mut conn, &slug).await.ok().flatten(),
        Err(_) => None,
    };
    let Some(origins) = origins.filter(|o| !o.is_empty()) else {
        return response;
    };
    let policy = format!(
        "{}frame-ancestors {}",
        CONTENT_SECURITY_POLICY
            .strip_suffix("frame-ancestors 'none'")
            .unwrap_or(CONTENT_SECURITY_POLICY),
        origins.join(" ")
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

async fn origins_by_slug(conn: &mut PgConnection, slug: &str) -> sqlx::Result<Option<Vec<String>>> {
    sqlx::query_scalar!("select chat_origins from accounts where slug = $1", slug)
        .fetch_optional(conn)
        .await
}

/// An origin as `frame-ancestors` takes it: `https://host` or `http://host:port`, no path.
fn parse_origin(raw: &str) -> Result<String, &'static str> {
    let origin = raw.trim().trim_end_matches('/').to_ascii_lowercase();
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or("chat-origin-invalid")?;
    let (host, port) = rest.split_once(':').unwrap_or((rest, ""));
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !host.starts_with(['.', '-']);
    let port_ok = port.is_empty() || (port.len() <= 5 && port.parse::<u16>().is_ok());
    if host_ok && port_ok {
        Ok(origin)
    } else {
        Err("chat-origin-invalid")
    }
}

fn parse_origins(raw: &str) -> Result<Vec<String>, &'static str> {
    let origins = raw
        .split(|c: char| c == '\n' || c == ',' || c.is_whitespace())
        .filter(|line| !line.trim().is_empty())
        .map(parse_origin)
        .collect::<Result<Vec<_>, _>>()?;
    if origins.len() > MAX_ORIGINS {
        return Err("chat-origins-too-many");
    }
    Ok(origins)
}

fn parse_wait(raw: &str) -> Result<i32, &'static str> {
    match raw.trim().parse::<i32>() {
        Ok(minutes @ 1..=60) => Ok(minutes * 60),
        _ => Err("chat-wait-invalid"),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ChatSettingsForm {
    #[serde(default)]
    chat_wait_minutes: String,
    #[serde(default)]
    chat_origins: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "chat/settings.html")]
pub(super) struct ChatSettingsPage {
    ctx: PageContext,
    snippet: String,
    form: ChatSettingsForm,
    errors: FieldErrors,
}

async fn stored(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<ChatSettingsForm> {
    let row = sqlx::query!(
        "select chat_wait_seconds, chat_origins from accounts where id = $1",
        account_id,
    )
    .fetch_one(conn)
    .await?;
    Ok(ChatSettingsForm {
        chat_wait_minutes: (row.chat_wait_seconds / 60).to_string(),
        chat_origins: row.chat_origins.join("\n"),
    })
}

pub(super) async fn show_settings(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<ChatSettingsPage, AppError> {
    let form = stored(&mut *state.db.acquire().await?, agent.account_id).await?;
    Ok(ChatSettingsPage {
        ctx,
        snippet: snippet(&state.config, &agent.workspace_slug),
        form,
        errors: FieldErrors::default(),
    })
}

pub(super) async fn save_settings(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<ChatSettingsForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let wait = errors.check("chat_wait_minutes", parse_wait(&form.chat_wait_minutes));
    let origins = errors.check("chat_origins", parse_origins(&form.chat_origins));
    let (Some(wait), Some(origins)) = (wait, origins) else {
        let page = ChatSettingsPage {
            ctx,
            snippet: snippet(&state.config, &agent.workspace_slug),
            form,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    sqlx::query!(
        "update accounts set chat_wait_seconds = $2, chat_origins = $3 where id = $1",
        agent.account_id,
        wait,
        &origins[..],
    )
    .execute(&state.db)
    .await?;
    flash::success(&session, "settings-saved").await?;
    Ok(Redirect::to("/app/config/chat").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_schemes_and_hosts_only() {
        assert_eq!(
            parse_origin("https://Shop.Example.com/"),
            Ok("https://shop.example.com".to_owned())
        );
        assert_eq!(
            parse_origin("http://localhost:8080"),
            Ok("http://localhost:8080".to_owned())
        );
        assert!(parse_origin("https://example.com/path").is_err());
        assert!(parse_origin("javascript:alert(1)").is_err());
        assert!(parse_origin("https://a.com; script-src *").is_err());
        assert!(parse_origin("https://a.com:99999").is_err());
        assert_eq!(
            parse_origins("https://a.com\n\n https://b.com ").map(|o| o.len()),
            Ok(2)
        );
    }

    #[test]
    fn the_wait_is_one_to_sixty_minutes() {
        assert_eq!(parse_wait("2"), Ok(120));
        assert!(parse_wait("0").is_err());
        assert!(parse_wait("61").is_err());
        assert!(parse_wait("soon").is_err());
    }
}
