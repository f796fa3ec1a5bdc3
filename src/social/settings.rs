//! `/app/config/channels`: the workspace's social channels. An admin connects a Telegram
//! bot by its token (we check it with `getMe` and set the bot's webhook with a secret of
//! ours), a WhatsApp number or a Facebook page by its id, access token and the app's
//! secret (we check the token against the number or page; for Meta's webhook the page
//! shows the callback address and the verify token to paste). Each routes to a
//! department. Tokens and secrets are sealed with SECRET_KEY and never shown again;
//! disconnecting removes the webhook where the provider allows.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{FromRequestParts, State},
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::{
    api::{self, ApiError},
    db::{self, Listed, NewConnection},
    meta::Graph,
    telegram::Bot,
};
use crate::{
    AppError, AppState,
    audit::{self, Action, Entry},
    auth::CurrentAgent,
    departments,
    input::{Choice, FieldErrors},
    tickets::Channel,
    web::{PageContext, PathId, client::ClientAddr, extract::Form, flash},
};

#[derive(Template, WebTemplate)]
#[template(path = "social/channels.html")]
pub(super) struct ChannelsPage {
    ctx: PageContext,
    channels: Vec<Listed>,
    base_url: String,
}

impl ChannelsPage {
    /// Where Meta posts a channel's notifications.
    pub fn callback(&self, channel: &Listed) -> String {
        format!("{}/channels/meta/{}", self.base_url, channel.channel_token)
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<ChannelsPage, AppError> {
    let channels = db::list(&mut *state.db.acquire().await?, agent.account_id).await?;
    Ok(ChannelsPage {
        ctx,
        channels,
        base_url: state.config.base_url.clone(),
    })
}

/// Every field of the three connect forms; each form sends its own.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ConnectForm {
    #[serde(default)]
    bot_token: String,
    #[serde(default)]
    phone_number_id: String,
    #[serde(default)]
    access_token: String,
    #[serde(default)]
    page_id: String,
    #[serde(default)]
    page_access_token: String,
    #[serde(default)]
    app_secret: String,
    #[serde(default)]
    department: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "social/connect.html")]
pub(super) struct ConnectPage {
    ctx: PageContext,
    kind: Channel,
    form: ConnectForm,
    errors: FieldErrors,
    departments: Vec<Choice>,
}

impl ConnectPage {
    pub fn is(&self, kind: &str) -> bool {
        self.kind.as_str() == kind
    }
}

/// The connect form of `kind`, with the ids as typed and never a secret.
async fn connect_page(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    kind: Channel,
    form: ConnectForm,
    errors: FieldErrors,
) -> Result<ConnectPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let names = state.directory.names(&mut conn, agent.account_id).await?;
    let departments = Choice::rows(names.departments.clone(), |id| {
        form.department == id.to_string()
    });
    Ok(ConnectPage {
        ctx,
        kind,
        form: ConnectForm {
            bot_token: String::new(),
            access_token: String::new(),
            page_access_token: String::new(),
            app_secret: String::new(),
            ..form
        },
        errors,
        departments,
    })
}

async fn refused(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    kind: Channel,
    form: ConnectForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let page = connect_page(state, ctx, agent, kind, form, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The kind of channel a connect form's address names (`/app/config/channels/{kind}/new`).
pub(super) struct KindInPath(Channel);

impl<S: Send + Sync> FromRequestParts<S> for KindInPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts
            .uri
            .path()
            .split('/')
            .nth(4)
            .and_then(|kind| Channel::parse(kind).ok())
            .filter(|kind| kind.is_social())
            .map(Self)
            .ok_or(AppError::NotFound)
    }
}

/// `GET /app/config/channels/{kind}/new`: the connect form of `kind`.
pub(super) async fn show_connect(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    KindInPath(kind): KindInPath,
) -> Result<ConnectPage, AppError> {
    let (form, errors) = (ConnectForm::default(), FieldErrors::default());
    connect_page(&state, ctx, &agent, kind, form, errors).await
}

/// `POST /app/config/channels/{kind}/new`: connects a channel of `kind`.
pub(super) async fn connect(
    state: State<AppState>,
    session: Session,
    client: ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    KindInPath(kind): KindInPath,
    Form(form): Form<ConnectForm>,
) -> Result<Response, AppError> {
    match kind {
        Channel::Telegram => connect_telegram(state, session, client, ctx, agent, form).await,
        _ => connect_meta(state, session, client, ctx, agent, kind, form).await,
    }
}

/// A Telegram bot token: the bot's id, a colon, and its secret part.
fn parse_bot_token(raw: &str) -> Result<(String, String), &'static str> {
    let token = raw.trim();
    let (id, secret) = token.split_once(':').ok_or("social-bot-token-invalid")?;
    let id_ok = (1..=20).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit());
    let secret_ok = (30..=64).contains(&secret.len())
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if id_ok && secret_ok {
        Ok((id.to_owned(), token.to_owned()))
    } else {
        Err("social-bot-token-invalid")
    }
}

/// A Meta id: a phone number id or a page id, digits only.
fn parse_meta_id(raw: &str) -> Result<String, &'static str> {
    let id = raw.trim();
    if (5..=30).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(id.to_owned())
    } else {
        Err("social-meta-id-invalid")
    }
}

/// An access token as Meta issues them: long, without spaces.
fn parse_access_token(raw: &str) -> Result<String, &'static str> {
    let token = raw.trim();
    if (20..=1024).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(token.to_owned())
    } else {
        Err("social-access-token-invalid")
    }
}

/// A Meta app's secret: 32 hexadecimal digits.
fn parse_app_secret(raw: &str) -> Result<String, &'static str> {
    let secret = raw.trim().to_ascii_lowercase();
    if secret.len() == 32 && secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(secret)
    } else {
        Err("social-app-secret-invalid")
    }
}

/// The department a channel routes to: none, or one of the workspace's.
async fn parse_department(
    state: &AppState,
    agent: &CurrentAgent,
    raw: &str,
) -> Result<Result<Option<Uuid>, &'static str>, AppError> {
    if raw.is_empty() {
        return Ok(Ok(None));
    }
    let Ok(id) = raw.parse::<Uuid>() else {
        return Ok(Err("social-department-invalid"));
    };
    let found =
        departments::db::find(&mut *state.db.acquire().await?, agent.account_id, id).await?;
    Ok(found.map(|_| Some(id)).ok_or("social-department-invalid"))
}

/// A provider's refusal of a token, as the field's message.
fn token_refusal(error: &ApiError) -> &'static str {
    match error {
        ApiError::Temporary(_) => "social-provider-unreachable",
        ApiError::Revoked(_) | ApiError::Refused(_) => "social-token-refused",
    }
}

/// Saves a checked connection and records it in the audit log.
async fn save(
    state: &AppState,
    session: &Session,
    client: Option<std::net::IpAddr>,
    agent: &CurrentAgent,
    new: &NewConnection<'_>,
    channel_token: &str,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    db::connect(&mut tx, agent.account_id, new, channel_token).await?;
    let subject = format!("{}: {}", new.kind.as_str(), new.name);
    let entry = Entry::new(agent, Action::ChannelConnected, client).subject(&subject);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    flash::success(session, "social-connected").await?;
    Ok(Redirect::to("/app/config/channels").into_response())
}

/// The webhook token of the workspace's row of this bot, number or page (connected or
/// not), kept when it is connected again; a new one otherwise.
async fn channel_token(
    state: &AppState,
    agent: &CurrentAgent,
    kind: Channel,
    external_id: &str,
) -> Result<String, AppError> {
    let mut conn = state.db.acquire().await?;
    let existing = db::channel_token(&mut conn, agent.account_id, kind, external_id).await?;
    Ok(existing.unwrap_or_else(crate::crypto::random_token))
}

async fn connect_telegram(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    form: ConnectForm,
) -> Result<Response, AppError> {
    let kind = Channel::Telegram;
    let mut errors = FieldErrors::default();
    let token = errors.check("bot_token", parse_bot_token(&form.bot_token));
    let department = errors.check(
        "department",
        parse_department(&state, &agent, &form.department).await?,
    );
    let Some(key) = state.config.secret_key.clone() else {
        errors.add("bot_token", "social-secret-key-missing");
        return refused(&state, ctx, &agent, kind, form, errors).await;
    };
    let (Some((bot_id, token)), Some(department_id)) = (token, department) else {
        return refused(&state, ctx, &agent, kind, form, errors).await;
    };
    let http = api::client().map_err(anyhow::Error::from)?;
    let bot = Bot {
        base: &state.config.telegram_api_base,
        token: &token,
    };
    let me = match bot.me(&http).await {
        Ok(me) if me.id.to_string() == bot_id => me,
        Ok(_) => {
            errors.add("bot_token", "social-token-refused");
            return refused(&state, ctx, &agent, kind, form, errors).await;
        }
        Err(error) => {
            errors.add("bot_token", token_refusal(&error));
            return refused(&state, ctx, &agent, kind, form, errors).await;
        }
    };
    let channel_token = channel_token(&state, &agent, kind, &bot_id).await?;
    let secret = crate::crypto::random_token();
    let url = state
        .config
        .link(&format!("/channels/telegram/{channel_token}"));
    // Telegram keeps the secret it last took: the digest changes only when it took ours.
    let webhook = bot.set_webhook(&http, &url, &secret).await;
    let secret_digest = webhook
        .is_ok()
        .then(|| crate::crypto::token_digest(&secret));
    let webhook_error = webhook.err().map(|error| error.to_string());
    let name = format!("@{}", me.username);
    let new = NewConnection {
        kind,
        external_id: &bot_id,
        name: &name,
        department_id,
        access_token: key.seal(&token, agent.account_id),
        app_secret: None,
        secret_digest,
        webhook_error: webhook_error.as_deref(),
    };
    save(&state, &session, client, &agent, &new, &channel_token).await
}

/// A WhatsApp number or a Facebook page: the token is checked against it, and a page
/// subscribes our app to its messages.
async fn connect_meta(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    kind: Channel,
    form: ConnectForm,
) -> Result<Response, AppError> {
    let whatsapp = kind == Channel::Whatsapp;
    let (id_field, token_field, id_raw, token_raw) = if whatsapp {
        (
            "phone_number_id",
            "access_token",
            &form.phone_number_id,
            &form.access_token,
        )
    } else {
        (
            "page_id",
            "page_access_token",
            &form.page_id,
            &form.page_access_token,
        )
    };
    let mut errors = FieldErrors::default();
    let external_id = errors.check(id_field, parse_meta_id(id_raw));
    let token = errors.check(token_field, parse_access_token(token_raw));
    let app_secret = errors.check("app_secret", parse_app_secret(&form.app_secret));
    let department = errors.check(
        "department",
        parse_department(&state, &agent, &form.department).await?,
    );
    let Some(key) = state.config.secret_key.clone() else {
        errors.add(token_field, "social-secret-key-missing");
        return refused(&state, ctx, &agent, kind, form, errors).await;
    };
    let (Some(external_id), Some(token), Some(app_secret), Some(department_id)) =
        (external_id, token, app_secret, department)
    else {
        return refused(&state, ctx, &agent, kind, form, errors).await;
    };
    let http = api::client().map_err(anyhow::Error::from)?;
    let graph = Graph {
        base: &state.config.meta_graph_api_base,
        token: &token,
    };
    let fields = if whatsapp {
        "display_phone_number,verified_name"
    } else {
        "name"
    };
    let object = match graph.object(&http, &external_id, fields).await {
        Ok(object) => object,
        Err(error) => {
            errors.add(token_field, token_refusal(&error));
            return refused(&state, ctx, &agent, kind, form, errors).await;
        }
    };
    let name = if whatsapp {
        let number = object["display_phone_number"]
            .as_str()
            .unwrap_or(&external_id);
        match object["verified_name"].as_str() {
            Some(verified) => format!("{verified} ({number})"),
            None => number.to_owned(),
        }
    } else {
        object["name"].as_str().unwrap_or(&external_id).to_owned()
    };
    let name: String = name.chars().take(200).collect();
    let webhook_error = if whatsapp {
        None
    } else {
        graph
            .subscribe_page(&http, &external_id)
            .await
            .err()
            .map(|error| error.to_string())
    };
    let channel_token = channel_token(&state, &agent, kind, &external_id).await?;
    let new = NewConnection {
        kind,
        external_id: &external_id,
        name: &name,
        department_id,
        access_token: key.seal(&token, agent.account_id),
        app_secret: Some(key.seal(&app_secret, agent.account_id)),
        secret_digest: None,
        webhook_error: webhook_error.as_deref(),
    };
    save(&state, &session, client, &agent, &new, &channel_token).await
}

/// `POST /app/config/channels/{id}/delete`: disconnects a channel. Its tickets stay; the
/// provider stops sending where it lets us say so (Telegram's webhook, a page's
/// subscription), after the change is saved.
pub(super) async fn disconnect(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    let channel = db::disconnect(&mut tx, agent.account_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let subject = format!("{}: {}", channel.kind.as_str(), channel.name);
    let entry = Entry::new(&agent, Action::ChannelDisconnected, client).subject(&subject);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    let token = state
        .config
        .secret_key
        .as_ref()
        .zip(channel.access_token.as_deref())
        .and_then(|(key, sealed)| key.open(sealed, agent.account_id));
    if let (Some(token), Ok(http)) = (token, api::client()) {
        let removed = match channel.kind {
            Channel::Telegram => {
                let bot = Bot {
                    base: &state.config.telegram_api_base,
                    token: &token,
                };
                bot.delete_webhook(&http).await
            }
            Channel::Messenger => {
                let graph = Graph {
                    base: &state.config.meta_graph_api_base,
                    token: &token,
                };
                graph.unsubscribe_page(&http, &channel.external_id).await
            }
            _ => Ok(()),
        };
        if let Err(error) = removed {
            tracing::warn!(account_id = %agent.account_id, %error, "the provider kept the disconnected channel's webhook");
        }
    }
    flash::success(&session, "social-disconnected").await?;
    Ok(Redirect::to("/app/config/channels").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_ids_and_secrets_are_checked_by_their_form() {
        let token = format!("123456:{}", "A".repeat(35));
        assert_eq!(
            parse_bot_token(&token),
            Ok(("123456".into(), token.clone()))
        );
        for bad in [
            "",
            "123456",
            ":abc",
            "12a:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "1:short",
        ] {
            assert!(parse_bot_token(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_meta_id(" 1061234567 "), Ok("1061234567".into()));
        assert!(parse_meta_id("12ab5678").is_err());
        assert_eq!(parse_app_secret(&"AB".repeat(16)), Ok("ab".repeat(16)));
        assert!(parse_app_secret("not-hex-at-all-not-hex-at-all-xx").is_err());
        assert!(parse_access_token("has spaces in it which is wrong").is_err());
    }
}
