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
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{AppState, agents, router::UPLOAD_LIMIT};

text_enum!(
    /// How the panel looks: light, dark, or as the operating system says.
    Theme, "theme-", {
        Light => "light",
        Dark => "dark",
        System => "system",
    }
);

text_enum!(
    /// Where the agent takes calls (kept and shown; no telephony is built).
    Device, "device-", {
        WebPhone => "web_phone",
        DeskPhone => "desk_phone",
        MobileApp => "mobile_app",
    }
);

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/app/profile",
            get(page::show_profile).post(page::save_profile),
        )
        .route(
            "/app/profile/photo",
            post(photo::upload_photo).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/app/profile/photo/delete", post(photo::delete_photo))
        .route("/app/photos/{id}", get(photo::show_photo))
}

/// An agent's picture as pages show it: the photo, or their initials.
#[derive(Clone, Debug)]
pub struct Avatar {
    pub initials: String,
    pub photo_url: Option<String>,
}

impl Avatar {
    pub fn new(agent_id: Uuid, name: &str, photo_updated_at: Option<OffsetDateTime>) -> Self {
        Self {
            initials: agents::initials(name),
            // The time in the address lets browsers keep a photo until it changes.
            photo_url: photo_updated_at.map(|at| {
                format!(
                    "/app/photos/{agent_id}?v={}",
                    at.unix_timestamp_nanos() / 1000
                )
            }),
        }
    }
}
