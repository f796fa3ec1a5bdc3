//! `/app/profile`: every agent's own profile, whatever their role: name, alias, gender,
//! signature, theme, language, call-center device and extension, and a photo. Admins set
//! the departments an agent receives work from; the agent switches off the chats or the
//! calls of each.
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
    /// Where the agent takes calls: a web phone in the panel, a desk phone at their extension
    /// on the workspace's SIP domain, or a mobile app at the phone number in `extension`.
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
        .route("/app/profile/receive", post(page::save_receiving))
        .route("/app/photos/{id}", get(photo::show_photo))
}
