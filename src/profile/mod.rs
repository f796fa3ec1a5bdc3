//! `/app/profile`: every agent's own profile, whatever their role: name, alias, gender,
//! signature, theme, language, call-center device and extension, and a photo. Admins set
//! the departments an agent receives work from; the profile shows them.
mod db;
mod page;
mod photo;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};

pub use crate::workspace::{Avatar, Theme};
use crate::{AppState, config::UPLOAD_LIMIT};

text_enum!(
    /// Where the agent takes calls (kept and shown; no telephony is built).
    Device, "device-", {
        WebPhone => "web_phone",
        DeskPhone => "desk_phone",
        MobileApp => "mobile_app",
    }
);

/// The form that uploads the agent's photo (`multipart/form-data`).
pub const PHOTO_PATH: &str = "/app/profile/photo";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/app/profile",
            get(page::show_profile).post(page::save_profile),
        )
        .route(
            PHOTO_PATH,
            post(photo::upload_photo).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/app/profile/photo/delete", post(photo::delete_photo))
        .route("/app/photos/{id}", get(photo::show_photo))
}
