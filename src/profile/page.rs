//! `GET,POST /app/profile`: the form of the agent's own profile.
use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::{Avatar, Device, Theme, db};
use crate::{
    AppError, AppState,
    agents::{
        Gender,
        form::{NAME_MAX, parse_gender},
    },
    auth::{self, CurrentAgent},
    departments,
    i18n::Locale,
    input::{Choice, FieldErrors, long_text, optional_text, required_text},
    web::{PageContext, extract::Form, flash},
};

const SIGNATURE_MAX: usize = 2000;
const EXTENSION_MAX: usize = 20;

/// The profile as typed, kept to show it again when something is wrong.
#[derive(Deserialize, Default)]
pub(super) struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    alias: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    signature: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    device: String,
    #[serde(default)]
    extension: String,
}

impl From<db::Profile> for ProfileForm {
    fn from(profile: db::Profile) -> Self {
        Self {
            name: profile.name,
            alias: profile.alias.unwrap_or_default(),
            gender: profile.gender.as_str().to_owned(),
            signature: profile.signature,
            theme: profile.theme.as_str().to_owned(),
            language: profile
                .language
                .map(Locale::code)
                .unwrap_or_default()
                .to_owned(),
            device: profile.device.as_str().to_owned(),
            extension: profile.extension,
        }
    }
}

impl ProfileForm {
    fn parse(&self, errors: &mut FieldErrors) -> Option<db::Profile> {
        let name = errors.check("name", required_text(&self.name, NAME_MAX));
        let alias = errors.check("alias", optional_text(&self.alias, NAME_MAX));
        let gender = errors.check("gender", parse_gender(&self.gender));
        let signature = errors.check("signature", long_text(&self.signature, SIGNATURE_MAX));
        let theme = errors.check("theme", Theme::parse(&self.theme));
        let language = errors.check("language", parse_language(&self.language));
        let device = errors.check("device", Device::parse(&self.device));
        let extension = errors.check("extension", extension(&self.extension));
        Some(db::Profile {
            name: name?,
            alias: alias?,
            gender: gender?,
            signature: signature?,
            theme: theme?,
            language: language?,
            device: device?,
            extension: extension?,
        })
    }
}

/// The agent's own language; empty for the workspace's default.
fn parse_language(raw: &str) -> Result<Option<Locale>, &'static str> {
    match raw {
        "" => Ok(None),
        code => Locale::from_code(code)
            .map(Some)
            .ok_or("input-choice-invalid"),
    }
}

/// A phone extension: digits, and the `*` and `#` of a keypad; or a mobile app's phone
/// number, with a leading `+`; empty for none.
fn extension(raw: &str) -> Result<String, &'static str> {
    let extension = raw.trim();
    if extension.chars().count() > EXTENSION_MAX {
        Err("input-too-long")
    } else if extension
        .strip_prefix('+')
        .unwrap_or(extension)
        .chars()
        .all(|c| c.is_ascii_digit() || c == '*' || c == '#')
    {
        Ok(extension.to_owned())
    } else {
        Err("profile-extension-invalid")
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "profile/index.html")]
pub(super) struct ProfilePage {
    ctx: PageContext,
    form: ProfileForm,
    errors: FieldErrors,
    avatar: Avatar,
    /// Why the last photo was refused, as a message key.
    photo_error: Option<&'static str>,
    departments: Vec<departments::db::Receiving>,
    genders: Vec<Choice>,
    themes: Vec<Choice>,
    languages: Vec<Choice>,
    devices: Vec<Choice>,
}

/// The profile page with `form` (the stored profile when `None`).
pub(super) async fn profile_page(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    form: Option<ProfileForm>,
    errors: FieldErrors,
    photo_error: Option<&'static str>,
) -> Result<ProfilePage, AppError> {
    let mut conn = state.db.acquire().await?;
    let form = match form {
        Some(form) => form,
        None => db::profile(&mut conn, agent.account_id, agent.id)
            .await?
            .into(),
    };
    let departments = departments::db::receiving(&mut conn, agent.account_id, agent.id).await?;
    let locale = ctx.locale;
    Ok(ProfilePage {
        genders: Gender::choices(locale, &form.gender),
        themes: Theme::choices(locale, Theme::parse(&form.theme).ok()),
        languages: locale.choices(agent.workspace_language, &form.language),
        devices: Device::choices(locale, Device::parse(&form.device).ok()),
        avatar: Avatar::new(agent.id, &agent.name, agent.photo_updated_at),
        ctx,
        form,
        errors,
        photo_error,
        departments,
    })
}

/// `POST /app/profile/receive`: per department of the agent's, whether its chats
/// (`chats_{id}`) and its calls (`calls_{id}`) reach them; an unticked box is one left out.
pub(super) async fn save_receiving(
    State(state): State<AppState>,
    session: Session,
    agent: CurrentAgent,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let ticked = |prefix: &str| -> Vec<Uuid> {
        form.keys()
            .filter_map(|key| key.strip_prefix(prefix)?.parse().ok())
            .collect()
    };
    let mut conn = state.db.acquire().await?;
    departments::db::set_receiving(
        &mut conn,
        agent.account_id,
        agent.id,
        &ticked("chats_"),
        &ticked("calls_"),
    )
    .await?;
    flash::success(&session, "profile-receives-saved").await?;
    Ok(Redirect::to("/app/profile").into_response())
}

pub(super) async fn show_profile(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<ProfilePage, AppError> {
    profile_page(&state, ctx, &agent, None, FieldErrors::default(), None).await
}

pub(super) async fn save_profile(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<ProfileForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let Some(profile) = form.parse(&mut errors) else {
        let page = profile_page(&state, ctx, &agent, Some(form), errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    db::save(
        &mut *state.db.acquire().await?,
        agent.account_id,
        agent.id,
        &profile,
    )
    .await?;
    tracing::info!(agent_id = %agent.id, "profile saved");
    let language = profile.language.unwrap_or(agent.workspace_language);
    auth::change_language(&session, language).await?;
    flash::success(&session, "profile-saved").await?;
    Ok(Redirect::to("/app/profile").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_keypad_characters() {
        assert_eq!(extension(" 204 "), Ok("204".into()));
        assert_eq!(extension(""), Ok(String::new()));
        assert_eq!(extension("*72#"), Ok("*72#".into()));
        assert!(extension("12a").is_err());
        assert!(extension(&"1".repeat(21)).is_err());
    }
}
