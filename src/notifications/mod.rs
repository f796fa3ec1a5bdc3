//! An agent's notifications: `/app/profile/notifications`, where they choose which ticket
//! events email them, their Slack webhook and the live panel's sounds (`db`), and the
//! sending itself when tickets change (`send`).
pub mod db;
mod send;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use tower_sessions::Session;

pub use db::Preferences;
pub use send::{Change, rule_notice, sla_breached, ticket_changed};

use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    input::FieldErrors,
    mail::webhook,
    web::{PageContext, extract::Form, flash},
};

const SETTINGS_PATH: &str = "/app/profile/notifications";

/// `/app/profile/notifications`, for every role.
pub fn router() -> Router<AppState> {
    Router::new().route(
        SETTINGS_PATH,
        get(show_notifications).post(save_notifications),
    )
}

/// The live panel's sounds, one switch each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sound {
    NewCall,
    NewChat,
    NewMessage,
    NewSystemMessage,
    NewTicket,
    SlaBreached,
}

impl Sound {
    pub const ALL: [Self; 6] = [
        Self::NewCall,
        Self::NewChat,
        Self::NewMessage,
        Self::NewSystemMessage,
        Self::NewTicket,
        Self::SlaBreached,
    ];

    /// The name the page's script and the form use (`sound_<name>`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NewCall => "new_call",
            Self::NewChat => "new_chat",
            Self::NewMessage => "new_message",
            Self::NewSystemMessage => "new_system_message",
            Self::NewTicket => "new_ticket",
            Self::SlaBreached => "sla_breached",
        }
    }
}

/// The form as sent: a checkbox is there when ticked.
#[derive(Debug, Default, Deserialize)]
struct NotificationsForm {
    email_new_ticket: Option<String>,
    email_assigned: Option<String>,
    email_customer_reply: Option<String>,
    email_sla_breached: Option<String>,
    #[serde(default)]
    slack_webhook_url: String,
    sound_new_call: Option<String>,
    sound_new_chat: Option<String>,
    sound_new_message: Option<String>,
    sound_new_system_message: Option<String>,
    sound_new_ticket: Option<String>,
    sound_sla_breached: Option<String>,
}

/// One checkbox of the page.
struct Switch {
    name: &'static str,
    label_key: &'static str,
    on: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications/settings.html")]
struct NotificationsPage {
    ctx: PageContext,
    email_switches: Vec<Switch>,
    sound_switches: Vec<Switch>,
    slack_webhook_url: String,
    errors: FieldErrors,
}

fn settings_page(
    ctx: PageContext,
    preferences: &Preferences,
    slack_webhook_url: String,
    errors: FieldErrors,
) -> NotificationsPage {
    let switch = |name, label_key, on| Switch {
        name,
        label_key,
        on,
    };
    let p = preferences;
    NotificationsPage {
        ctx,
        email_switches: vec![
            switch(
                "email_new_ticket",
                "notifications-email-new-ticket",
                p.email_new_ticket,
            ),
            switch(
                "email_assigned",
                "notifications-email-assigned",
                p.email_assigned,
            ),
            switch(
                "email_customer_reply",
                "notifications-email-customer-reply",
                p.email_customer_reply,
            ),
            switch(
                "email_sla_breached",
                "notifications-email-sla-breached",
                p.email_sla_breached,
            ),
        ],
        sound_switches: vec![
            switch(
                "sound_new_call",
                "notifications-sound-new-call",
                p.sound_new_call,
            ),
            switch(
                "sound_new_chat",
                "notifications-sound-new-chat",
                p.sound_new_chat,
            ),
            switch(
                "sound_new_message",
                "notifications-sound-new-message",
                p.sound_new_message,
            ),
            switch(
                "sound_new_system_message",
                "notifications-sound-new-system-message",
                p.sound_new_system_message,
            ),
            switch(
                "sound_new_ticket",
                "notifications-sound-new-ticket",
                p.sound_new_ticket,
            ),
            switch(
                "sound_sla_breached",
                "notifications-sound-sla-breached",
                p.sound_sla_breached,
            ),
        ],
        slack_webhook_url,
        errors,
    }
}

async fn show_notifications(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<NotificationsPage, AppError> {
    let preferences = db::preferences(&state.db, agent.account_id, agent.id).await?;
    let url = preferences.slack_webhook_url.clone().unwrap_or_default();
    Ok(settings_page(
        ctx,
        &preferences,
        url,
        FieldErrors::default(),
    ))
}

async fn save_notifications(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<NotificationsForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let webhook = errors.check(
        "slack_webhook_url",
        webhook::parse(&form.slack_webhook_url, state.config.allow_private_webhooks)
            .map(|url| url.map(String::from)),
    );
    let preferences = Preferences {
        email_new_ticket: form.email_new_ticket.is_some(),
        email_assigned: form.email_assigned.is_some(),
        email_customer_reply: form.email_customer_reply.is_some(),
        email_sla_breached: form.email_sla_breached.is_some(),
        slack_webhook_url: webhook.clone().flatten(),
        sound_new_call: form.sound_new_call.is_some(),
        sound_new_chat: form.sound_new_chat.is_some(),
        sound_new_message: form.sound_new_message.is_some(),
        sound_new_system_message: form.sound_new_system_message.is_some(),
        sound_new_ticket: form.sound_new_ticket.is_some(),
        sound_sla_breached: form.sound_sla_breached.is_some(),
    };
    if webhook.is_none() {
        let page = settings_page(ctx, &preferences, form.slack_webhook_url, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mut tx = state.db.begin().await?;
    db::save_preferences(&mut tx, agent.account_id, agent.id, &preferences).await?;
    tx.commit().await?;
    flash::success(&session, "notifications-saved").await?;
    Ok(Redirect::to(SETTINGS_PATH).into_response())
}
