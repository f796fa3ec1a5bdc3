//! The language switch of the pages seen before logging in (login, signup, password reset):
//! the visitor's choice overrides their browser's `Accept-Language` for the session.
use axum::{Router, response::Redirect, routing::post};
use serde::Deserialize;
use tower_sessions::Session;

use crate::{
    AppError, AppState,
    auth::local_path,
    i18n::Locale,
    web::{context::choose_visitor_locale, extract::Form},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/language", post(switch_language))
}

#[derive(Deserialize)]
struct LanguageForm {
    #[serde(default)]
    language: String,
    /// The page the switch was on, shown again in the new language.
    #[serde(default)]
    next: String,
}

async fn switch_language(
    session: Session,
    Form(form): Form<LanguageForm>,
) -> Result<Redirect, AppError> {
    let language =
        Locale::from_code(&form.language).ok_or(AppError::BadRequest("input-choice-invalid"))?;
    choose_visitor_locale(&session, language).await?;
    let next = match local_path(&form.next) {
        "/app" => "/login",
        next => next,
    };
    Ok(Redirect::to(next))
}
